"""piaodesk pacchetto / unisci / cronologia and --prendi-controllo (issue 16)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from piaodesk.cli import main
from piaodesk.domain.model import Obiettivo
from piaodesk.store import lock as locks
from piaodesk.store.archive import Archive
from piaodesk.store.edits import SetFields


def _set_title(path: Path, codice: str, titolo: str) -> int:
    with Archive.open(path) as arc:
        oid = next(o.id for o in arc.obiettivi() if o.codice == codice)
        arc.apply(SetFields(Obiettivo, oid, {"titolo": titolo}))  # type: ignore[arg-type]
    return oid  # type: ignore[return-value]


def test_pacchetto_unisci_cronologia(demo_path: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pc.piao"
    assert main(["pacchetto", str(demo_path), "--settore", "Coordinamento", "--out", str(out)]) == 0
    oid = _set_title(out, "PC.1", "Dal pacchetto")
    _set_title(demo_path, "PC.1", "Dal piano")
    capsys.readouterr()
    assert main(["unisci", str(demo_path), str(out), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "Dal pacchetto" in text and "Dal piano" in text and "prova" in text
    assert main(["unisci", str(demo_path), str(out)]) == 2  # a conflict needs a choice
    err = capsys.readouterr().err
    assert "--conflitti" in err and err.count("\n") == 1
    with Archive.open(demo_path, readonly=True) as arc:
        assert arc.obiettivo(oid).titolo == "Dal piano"  # type: ignore[union-attr]
    assert main(["unisci", str(demo_path), str(out), "--conflitti", "piano"]) == 0
    with Archive.open(demo_path, readonly=True) as arc:
        assert arc.obiettivo(oid).titolo == "Dal piano"  # type: ignore[union-attr]
    capsys.readouterr()
    assert main(["cronologia", str(demo_path), "--obiettivo", "PC.1"]) == 0
    text = capsys.readouterr().out
    assert "Modifica titolo" in text


def test_prendi_controllo_only_for_stale_locks(demo_path: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = locks.lock_path(demo_path)
    live = locks.LockInfo(user="mario", host="ALTRO-PC", pid=4242,
                          since=locks.datetime.now().replace(microsecond=0), token="t")
    path.write_text(live.to_json(), encoding="utf-8")
    args = ["pacchetto", str(demo_path), "--settore", "1", "--out", str(tmp_path / "p.piao")]
    assert main(args) == 2
    assert main([*args, "--prendi-controllo"]) == 2  # alive on another PC: not taken
    assert "attivo" in capsys.readouterr().err
    old = locks.datetime.now().timestamp() - 5 * 3600
    os.utime(path, (old, old))  # no sign of life for five hours: abandoned
    assert main(args) == 2
    assert "--prendi-controllo" in capsys.readouterr().err
    assert main([*args, "--prendi-controllo"]) == 0
    assert "Preso il controllo" in capsys.readouterr().out
    assert (tmp_path / "p.piao").exists()
