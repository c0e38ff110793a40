"""Single writer: the sidecar lock file, "in uso da ... dal ...", stale locks and takeover."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from piaodesk.domain.model import Persona
from piaodesk.store import lock as lockmod
from piaodesk.store.archive import Archive
from piaodesk.store.db import PlanError
from piaodesk.store.edits import InsertRow
from piaodesk.store.lock import PlanInUse, lock_path, read_lock


def _foreign_lock(plan: Path, *, user="MARIO", host="PC-UFFICIO", pid=4242,
                  since=datetime(2026, 11, 27, 9, 12), age: timedelta | None = None) -> Path:
    path = lock_path(plan)
    path.write_text(json.dumps({"user": user, "host": host, "pid": pid,
                                "since": since.isoformat(), "token": "altro"}), encoding="utf-8")
    if age is not None:
        t = time.time() - age.total_seconds()
        os.utime(path, (t, t))
    return path


def test_open_readwrite_creates_and_close_removes_lock(demo_path: Path):
    arc = Archive.open(demo_path)
    lp = lock_path(demo_path)
    assert lp.name == "demo.piao.lock"
    data = json.loads(lp.read_text(encoding="utf-8"))
    assert data["pid"] == os.getpid() and data["host"] and data["user"]
    assert datetime.fromisoformat(data["since"]) <= datetime.now()
    assert arc.lock is not None and not arc.readonly
    arc.close()
    assert not lp.exists()


def test_readonly_open_ignores_lock(demo_path: Path):
    _foreign_lock(demo_path)
    with Archive.open(demo_path, readonly=True) as arc:
        assert arc.readonly and arc.lock is None
        assert arc.piano().titolo
    assert lock_path(demo_path).exists()  # someone else's lock is left alone


def test_second_program_on_another_pc_gets_italian_message(demo_path: Path):
    _foreign_lock(demo_path)
    before = demo_path.read_bytes()
    with pytest.raises(PlanInUse) as info:
        Archive.open(demo_path)
    err = info.value
    assert str(err).startswith("Il piano è in uso da MARIO su PC-UFFICIO dal 27/11/2026 alle 09:12")
    assert "sola lettura" in str(err)
    assert isinstance(err, PlanError)
    assert (err.user, err.host, err.since) == ("MARIO", "PC-UFFICIO", datetime(2026, 11, 27, 9, 12))
    assert err.stale is None
    assert demo_path.read_bytes() == before
    # the foreign lock is untouched, and read-only still works
    assert read_lock(demo_path).user == "MARIO"
    with Archive.open(demo_path, readonly=True) as arc:
        assert arc.counts()["obiettivi"] > 0


def test_second_process_on_same_pc_is_refused(demo_path: Path):
    arc = Archive.open(demo_path)
    script = textwrap.dedent(f"""
        from piaodesk.store.archive import Archive
        from piaodesk.store.lock import PlanInUse
        try:
            Archive.open({str(demo_path)!r}).close()
            print("APERTO")
        except PlanInUse as e:
            print("IN USO", e.stale)
            print(e)
        with Archive.open({str(demo_path)!r}, readonly=True) as a:
            print("LETTURA", a.readonly)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    arc.close()
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "IN USO None"
    assert lines[1].startswith("Il piano è in uso da ")
    assert lines[2] == "LETTURA True"


def test_lock_of_crashed_process_on_same_pc_is_taken_over(demo_path: Path):
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(proc.stdout)
    _foreign_lock(demo_path, host=lockmod._hostname(), pid=dead_pid)
    with Archive.open(demo_path) as arc:
        assert arc.lock is not None
        assert read_lock(demo_path).pid == os.getpid()
    assert not lock_path(demo_path).exists()


def test_stale_lock_without_heartbeat_can_be_taken_over(demo_path: Path):
    _foreign_lock(demo_path, age=lockmod.STALE_AFTER + timedelta(minutes=5))
    with pytest.raises(PlanInUse) as info:
        Archive.open(demo_path)
    assert info.value.stale and "abbandonato" in str(info.value)
    with Archive.open(demo_path, takeover=True) as arc:
        arc.apply(InsertRow(Persona(cognome="Rossi", nome="Anna")))
        assert read_lock(demo_path).pid == os.getpid()
    assert not lock_path(demo_path).exists()


def test_fresh_foreign_lock_is_not_stale(demo_path: Path):
    _foreign_lock(demo_path, age=timedelta(minutes=30))
    with pytest.raises(PlanInUse) as info:
        Archive.open(demo_path)
    assert info.value.stale is None


def test_empty_lock_file(demo_path: Path):
    """A lock being written right now blocks; one left empty by a crash (or a full disk) long
    ago is certainly abandoned: taken over without asking (the CLI could never clear it)."""
    lp = lock_path(demo_path)
    lp.write_bytes(b"")
    with pytest.raises(PlanInUse) as info:
        Archive.open(demo_path)
    assert info.value.stale is None and "un altro programma" in str(info.value)
    t = time.time() - 3600
    os.utime(lp, (t, t))
    with Archive.open(demo_path) as arc:
        assert not arc.readonly and read_lock(demo_path).pid == os.getpid()
    assert not lp.exists()


def test_same_process_is_reentrant(demo_path: Path):
    a = Archive.open(demo_path)
    b = Archive.open(demo_path)
    assert a.lock is b.lock and a.lock.count == 2
    b.close()
    assert lock_path(demo_path).exists()
    a.close()
    assert not lock_path(demo_path).exists()


def test_heartbeat_and_lost_lock(demo_path: Path):
    arc = Archive.open(demo_path)
    lp = lock_path(demo_path)
    old = time.time() - 600
    os.utime(lp, (old, old))
    assert arc.lock.heartbeat()
    assert lp.stat().st_mtime > old + 500
    # another PC takes it over: our heartbeat notices, and closing leaves its lock alone
    _foreign_lock(demo_path, user="LUCIA", host="PC-2")
    assert not arc.lock.heartbeat() and arc.lock.lost
    arc.close()
    assert read_lock(demo_path).user == "LUCIA"


def test_refused_file_leaves_no_lock(tmp_path: Path):
    path = tmp_path / "note.piao"
    path.write_text("non un piano", encoding="utf-8")
    with pytest.raises(PlanError):
        Archive.open(path)
    assert not lock_path(path).exists()


def test_create_holds_lock(tmp_path: Path):
    from piaodesk.domain.model import Piano

    path = tmp_path / "nuovo.piao"
    arc = Archive.create(path, Piano(titolo="T"))
    assert read_lock(path).pid == os.getpid()
    arc.close()
    assert not lock_path(path).exists()


def test_on_acquire_listener(demo_path: Path):
    seen = []
    unsubscribe = lockmod.on_acquire(lambda lk: seen.append(lk.plan))
    try:
        with Archive.open(demo_path):
            pass
        with Archive.open(demo_path, readonly=True):
            pass
    finally:
        unsubscribe()
    assert seen == [demo_path]
