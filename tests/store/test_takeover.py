"""Lock takeover stops the previous owner (issue 16): a displaced owner cannot write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from piaodesk.domain.model import Obiettivo
from piaodesk.store import lock as locks
from piaodesk.store.archive import Archive, LockLost
from piaodesk.store.db import PlanError
from piaodesk.store.edits import SetFields


def test_displaced_owner_cannot_write(demo_path: Path) -> None:
    first = Archive.open(demo_path)
    oid = first.obiettivi()[0].id
    first.apply(SetFields(Obiettivo, oid, {"titolo": "prima"}))  # type: ignore[arg-type]
    second = Archive.open(demo_path, takeover=True)  # another PC takes control
    try:
        with pytest.raises(LockLost, match="sola lettura"):
            first.apply(SetFields(Obiettivo, oid, {"titolo": "dopo"}))  # type: ignore[arg-type]
        assert first.readonly and "preso il controllo" in (first.readonly_notice or "")
        for _ in range(3):  # nothing more lands, however often it tries
            with pytest.raises(PlanError):
                first.apply(SetFields(Obiettivo, oid, {"titolo": "ancora"}))  # type: ignore[arg-type]
        assert second.obiettivo(oid).titolo == "prima"  # type: ignore[union-attr, arg-type]
        second.apply(SetFields(Obiettivo, oid, {"titolo": "nuovo padrone"}))  # type: ignore[arg-type]
    finally:
        first.close()  # releasing the lost lock leaves the new owner's lock file alone
    assert locks.lock_path(demo_path).exists()
    second.close()
    assert not locks.lock_path(demo_path).exists()


def test_write_check_is_a_stat(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    arc = Archive.open(demo_path)
    reads: list[Path] = []
    real = locks.LockInfo.read.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(locks.LockInfo, "read",
                        classmethod(lambda cls, p: (reads.append(p), real(cls, p))[1]))
    oid = arc.obiettivi()[0].id
    for n in range(5):
        arc.apply(SetFields(Obiettivo, oid, {"titolo": f"t{n}"}))  # type: ignore[arg-type]
    assert reads == []  # no read of the lock file per edit, only a stat
    arc.close()


def test_pid_reuse_recognised(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lock whose pid now belongs to an unrelated live process is stale and taken over."""
    path = locks.lock_path(demo_path)
    parent = os.getppid()  # alive, on this PC, not us
    info = locks.LockInfo(user="mario", host=locks._hostname(), pid=parent,
                          since=locks.datetime.now().replace(microsecond=0), token="x",
                          started=1.0)  # the owner started in 1970: not this process
    path.write_text(info.to_json(), encoding="utf-8")
    read = locks.LockInfo.read(path)
    assert read is not None and read.pid_reused
    assert "numero di processo" in (read.stale_reason() or "")
    arc = Archive.open(demo_path)  # certain: taken over without asking
    assert not arc.readonly
    arc.close()
    # the same pid with its true start time is a live owner: refused
    info = locks.LockInfo(user="mario", host=locks._hostname(), pid=parent,
                          since=locks.datetime.now().replace(microsecond=0), token="y",
                          started=locks._process_start(parent))
    path.write_text(info.to_json(), encoding="utf-8")
    with pytest.raises(locks.PlanInUse):
        Archive.open(demo_path)
    path.unlink()
