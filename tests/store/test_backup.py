"""Rotating backups (SQLite backup API), heartbeat tick, restore."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from piaodesk.domain.model import Persona
from piaodesk.store import backup
from piaodesk.store.archive import Archive
from piaodesk.store.db import PlanError
from piaodesk.store.edits import InsertRow


def _persone(path: Path) -> set[str]:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT cognome FROM persone")}
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PIAODESK_HOME", str(tmp_path / "home"))


def test_backup_is_a_complete_plan_with_uncheckpointed_edits(demo):
    demo.apply(InsertRow(Persona(cognome="Nuovissima", nome="Anna")))
    # the edit sits in the -wal file; the copy must still contain it
    made = backup.make_backup(demo.path, "manuale")
    assert made.parent == backup.backup_dir(demo.path)
    assert "Nuovissima" in _persone(made)
    assert backup.check_backup(made) is None
    with Archive.open(made, readonly=True) as copy:
        assert copy.counts() == demo.counts()
    conn = sqlite3.connect(made)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    conn.close()
    assert not list(made.parent.glob("*.parziale"))
    [b] = backup.list_backups(demo.path)
    assert b.path == made and b.motivo == "manuale" and b.descrizione == "manuale"


def test_backup_on_open_only_when_changed(demo):
    first = backup.backup_on_open(demo.path)
    assert first is not None
    assert backup.backup_on_open(demo.path) is None  # nothing changed since
    demo.apply(InsertRow(Persona(cognome="Verdi")))
    later = datetime.now() + timedelta(seconds=2)
    second = backup.backup_on_open(demo.path, now=later)
    assert second is not None and "Verdi" in _persone(second)


def test_tick_heartbeats_and_copies_when_due(demo):
    lock = demo.lock
    t0 = datetime.now()
    made = backup.tick([lock], now=t0)
    assert len(made) == 1  # no copy yet: due
    assert backup.tick([lock], now=t0 + timedelta(minutes=1)) == []  # too soon
    # old enough but unchanged: no copy
    assert backup.tick([lock], now=t0 + timedelta(minutes=30)) == []
    demo.apply(InsertRow(Persona(cognome="Bianchi")))
    made = backup.tick([lock], now=t0 + timedelta(minutes=30))
    assert len(made) == 1 and "Bianchi" in _persone(made[0])
    # without an explicit list, the tick works on the locks this process holds
    assert lock in backup.held_locks()
    assert backup.tick(now=t0 + timedelta(minutes=31)) == []


def test_prune_keeps_days_and_minimum(demo):
    now = datetime(2026, 11, 27, 12, 0)
    for days in (40, 30, 20, 16, 15, 3, 2, 1):
        backup.make_backup(demo.path, "periodico", now=now - timedelta(days=days))
    assert len(backup.list_backups(demo.path)) == 8
    removed = backup.prune(demo.path, keep_days=14, keep_min=5, now=now)
    left = backup.list_backups(demo.path)
    # the 3 newest by age are within 14 days; the minimum of 5 keeps 16 and 15 days too
    assert len(left) == 5 and len(removed) == 3
    assert [(now - b.quando).days for b in left] == [1, 2, 3, 15, 16]


def test_restore_replaces_content_and_keeps_safety_copy(demo):
    before = demo.counts()
    good = backup.make_backup(demo.path, "manuale")
    demo.apply(InsertRow(Persona(cognome="DaTogliere")))
    assert "DaTogliere" in {p.cognome for p in demo.persone()}
    safety = backup.restore(demo, good)
    assert "DaTogliere" not in {p.cognome for p in demo.persone()}
    assert demo.counts() == before
    assert "DaTogliere" in _persone(safety) and "ripristino" in safety.name
    assert demo.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert demo.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # still editable, and the result survives reopening
    demo.apply(InsertRow(Persona(cognome="Dopo")))
    path = demo.path
    demo.close()
    with Archive.open(path, readonly=True) as arc:
        names = {p.cognome for p in arc.persone()}
    assert "Dopo" in names and "DaTogliere" not in names


def test_restore_refuses_bad_copy(demo, tmp_path: Path):
    bad = tmp_path / "rotto.piao"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    with pytest.raises(PlanError, match="troncato|danneggiat"):
        backup.restore(demo, bad)
    text = tmp_path / "testo.piao"
    text.write_text("ciao", encoding="utf-8")
    with pytest.raises(PlanError, match="non è un piano"):
        backup.restore(demo, text)
    assert demo.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert demo.counts()["obiettivi"] > 0


def test_restore_refused_readonly(demo_path: Path):
    good = backup.make_backup(demo_path, "manuale")
    with Archive.open(demo_path, readonly=True) as arc, pytest.raises(PlanError, match="sola lettura"):
        backup.restore(arc, good)


def test_backup_failure_is_a_plan_error(demo, tmp_path: Path, monkeypatch):
    blocker = tmp_path / "file-non-cartella"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("PIAODESK_HOME", str(blocker))
    with pytest.raises((PlanError, OSError)):
        backup.make_backup(demo.path)
