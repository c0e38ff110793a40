"""Opening and creating plan files; refusing everything that is not one."""

import sqlite3
from pathlib import Path

import pytest

from piaodesk.domain.model import Ente, Obiettivo, Piano
from piaodesk.store.archive import Archive
from piaodesk.store.db import PlanError
from piaodesk.store.edits import InsertRow
from piaodesk.store.schema import APPLICATION_ID, SCHEMA_VERSION


def test_new_plan_has_pragmas(tmp_path: Path):
    path = tmp_path / "p.piao"
    Archive.create(path, Piano(titolo="T", anno_inizio=2025, anno_fine=2027), Ente(nome="Comune X")).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    with Archive.open(path) as arc:
        assert arc.db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert arc.piano().titolo == "T" and arc.ente().nome == "Comune X"


def test_edits_survive_reopen(tmp_path: Path):
    path = tmp_path / "p.piao"
    with Archive.create(path, Piano(titolo="T")) as arc:
        arc.apply(InsertRow(Obiettivo(codice="1", titolo="Digitalizzazione")))
    with Archive.open(path) as arc:
        assert [o.titolo for o in arc.obiettivi()] == ["Digitalizzazione"]
        assert any("Aggiungi" in row[2] for row in arc.audit())


def test_refuses_text_file(tmp_path: Path):
    path = tmp_path / "note.piao"
    path.write_text("questo è un testo, non un piano", encoding="utf-8")
    with pytest.raises(PlanError, match="non è un piano piaodesk"):
        Archive.open(path)
    assert path.read_text(encoding="utf-8") == "questo è un testo, non un piano"


def test_refuses_foreign_sqlite(tmp_path: Path):
    path = tmp_path / "altro.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(PlanError, match="non un piano piaodesk"):
        Archive.open(path)
    assert path.read_bytes() == before  # untouched


def test_refuses_newer_schema(tmp_path: Path):
    path = tmp_path / "futuro.piao"
    Archive.create(path, Piano(titolo="T")).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    with pytest.raises(PlanError, match="versione più recente"):
        Archive.open(path)


def test_refuses_empty_missing_and_truncated(tmp_path: Path):
    empty = tmp_path / "vuoto.piao"
    empty.write_bytes(b"")
    with pytest.raises(PlanError, match="vuoto"):
        Archive.open(empty)
    with pytest.raises(PlanError, match="non esiste"):
        Archive.open(tmp_path / "manca.piao")
    good = tmp_path / "buono.piao"
    Archive.create(good, Piano(titolo="T")).close()
    data = good.read_bytes()
    cut = tmp_path / "troncato.piao"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(PlanError):
        Archive.open(cut)


def test_create_refuses_to_overwrite(tmp_path: Path):
    path = tmp_path / "p.piao"
    path.write_text("dati importanti", encoding="utf-8")
    with pytest.raises(PlanError, match="esiste già"):
        Archive.create(path, Piano(titolo="T"))
    assert path.read_text(encoding="utf-8") == "dati importanti"


def test_readonly_refuses_edits(tmp_path: Path):
    path = tmp_path / "p.piao"
    Archive.create(path, Piano(titolo="T")).close()
    with Archive.open(path, readonly=True) as arc:
        with pytest.raises(PlanError, match="sola lettura"):
            arc.apply(InsertRow(Obiettivo(titolo="x")))
    with Archive.open(path) as arc:
        assert arc.obiettivi() == []


def test_upgrade_from_older_schema(tmp_path: Path):
    """A file at schema 0 (created by application_id only) is migrated on open."""
    path = tmp_path / "vecchio.piao"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("CREATE TABLE segnaposto (x)")
    conn.commit()
    conn.close()
    with pytest.raises(PlanError, match="non contiene un piano"):
        Archive.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
