"""The program never loses a plan: crashes, damaged files, read-only places, full disks."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from piaodesk.domain.model import Ente, Persona, Piano
from piaodesk.store.archive import Archive
from piaodesk.store.db import PlanDamaged, PlanError
from piaodesk.store.edits import Batch, InsertRow, SetFields
from piaodesk.store.lock import lock_path

WRITER = Path(__file__).with_name("crash_writer.py")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ON_LINUX = sys.platform.startswith("linux")


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _cognomi(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT cognome FROM persone WHERE cognome LIKE 'K%'")}
    finally:
        conn.close()


# ---------------------------------------------------------------------- crash safety


def test_sigkill_during_edits_loses_nothing_committed(demo_path: Path):
    """Kill -9 the writer at random moments, 20 times; every reported commit must survive."""
    rng = random.Random(20261127)
    committed: set[int] = set()
    start, kills = 0, 0
    deadline = time.monotonic() + 45
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    while kills < 20 and time.monotonic() < deadline:
        proc = subprocess.Popen([sys.executable, str(WRITER), str(demo_path), str(start)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.strip() == "PRONTO", proc.stderr.read() if proc.stderr else first
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=10)
        assert proc.returncode == -signal.SIGKILL, err
        printed = [int(x) for x in out.split()]
        committed.update(printed)
        kills += 1
        # the file is valid after every kill, and the dead writer's lock is left behind...
        assert _integrity(demo_path) == "ok"
        present = _cognomi(demo_path)
        numbers = {int(c[1:7]) for c in present}
        # ...every printed (committed) edit is there, and each edit is whole (both rows or none)
        assert committed <= numbers, sorted(committed - numbers)[:5]
        for n in numbers:
            assert {f"K{n:06d}a", f"K{n:06d}b"} <= present, n
        start = max(numbers | committed | {start - 1}) + 1
    assert kills >= 10 and len(committed) > 20
    # the lock of the last killed writer is stale (same PC, dead pid): taken over silently
    assert lock_path(demo_path).exists()
    with Archive.open(demo_path) as arc:
        assert not arc.readonly
        assert arc.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert arc.counts()["obiettivi"] > 0
    assert not lock_path(demo_path).exists()


# ---------------------------------------------------------------------- refused files


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95])
def test_truncated_plan_is_refused_and_left_alone(demo_path: Path, fraction: float):
    data = demo_path.read_bytes()
    cut = demo_path.with_name("troncato.piao")
    cut.write_bytes(data[: int(len(data) * fraction)])
    before = cut.read_bytes()
    with pytest.raises(PlanDamaged, match="danneggiato") as info:
        Archive.open(cut)
    assert "Ripristina da backup" in str(info.value)
    assert "troncato.piao" in str(info.value)
    assert cut.read_bytes() == before
    assert not lock_path(cut).exists()


def test_header_only_file_is_refused(tmp_path: Path):
    path = tmp_path / "corto.piao"
    path.write_bytes(b"SQLite format 3\x00" + b"\x01" * 20)
    with pytest.raises(PlanError, match="troncato o danneggiato"):
        Archive.open(path)


def test_garbage_inside_plan_gives_short_message(demo_path: Path):
    data = bytearray(demo_path.read_bytes())
    rng = random.Random(3)
    for page in (3, 4, 5, 8):  # overwrite whole b-tree pages, headers included
        start = page * 4096
        data[start:start + 4096] = bytes(rng.randrange(256) for _ in range(4096))
    bad = demo_path.with_name("rovinato.piao")
    bad.write_bytes(bytes(data))
    with pytest.raises(PlanDamaged) as info:
        Archive.open(bad)
    msg = str(info.value)
    assert "danneggiato" in msg and "\n" not in msg and len(msg) < 400


def test_directory_and_missing_file(tmp_path: Path):
    (tmp_path / "cartella.piao").mkdir()
    with pytest.raises(PlanError, match="cartella"):
        Archive.open(tmp_path / "cartella.piao")
    with pytest.raises(PlanError, match="non esiste"):
        Archive.open(tmp_path / "manca.piao")


def test_damaged_plan_can_be_replaced_by_backup(demo_path: Path, tmp_path: Path, monkeypatch):
    from piaodesk.store import backup

    monkeypatch.setenv("PIAODESK_HOME", str(tmp_path / "home"))
    good = backup.make_backup(demo_path, "manuale")
    data = demo_path.read_bytes()
    demo_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(PlanDamaged):
        Archive.open(demo_path)
    kept = backup.restore_file(good, demo_path)
    assert kept is not None and kept.read_bytes() == data[: len(data) // 2]  # damaged copy kept
    with Archive.open(demo_path) as arc:
        assert arc.counts()["obiettivi"] > 0


# ---------------------------------------------------------------------- read-only places


@pytest.fixture
def ro_mount(tmp_path: Path):
    """A real read-only folder (a tmpfs remounted read-only): root ignores chmod."""
    if not (IS_ROOT and ON_LINUX):
        pytest.skip("serve root su Linux per montare una cartella in sola lettura")
    mnt = tmp_path / "ro"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)]).returncode:
        pytest.skip("mount tmpfs non disponibile")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)])


def test_readonly_folder_opens_readonly_with_notice(demo_path: Path, ro_mount: Path):
    plan = ro_mount / "piano.piao"
    shutil.copyfile(demo_path, plan)
    subprocess.run(["mount", "-o", "remount,ro", str(ro_mount)], check=True)
    arc = Archive.open(plan)  # asked read-write
    try:
        assert arc.readonly and arc.lock is None
        assert arc.readonly_notice and "sola lettura" in arc.readonly_notice
        assert arc.counts()["obiettivi"] > 0
        with pytest.raises(PlanError, match="sola lettura"):
            arc.apply(InsertRow(Persona(cognome="Nessuno")))
    finally:
        arc.close()


@pytest.mark.skipif(IS_ROOT or not ON_LINUX, reason="root ignora i permessi dei file")
def test_readonly_file_opens_readonly_with_notice(demo_path: Path):
    demo_path.chmod(0o444)
    try:
        with Archive.open(demo_path) as arc:
            assert arc.readonly and "sola lettura" in (arc.readonly_notice or "")
    finally:
        demo_path.chmod(0o644)


def test_lock_refused_by_filesystem_falls_back_to_readonly(demo_path: Path, monkeypatch):
    from piaodesk.store import archive as archive_mod

    def refuse(*a, **k):
        raise PermissionError("accesso negato")

    monkeypatch.setattr(archive_mod, "acquire_lock", refuse)
    with Archive.open(demo_path) as arc:
        assert arc.readonly and "sola lettura" in arc.readonly_notice


# ---------------------------------------------------------------------- full disk


def _fill(arc: Archive, big: str) -> tuple[int, PlanError]:
    """Apply edits until the store refuses one; return how many succeeded and the error."""
    for n in range(100000):
        try:
            arc.apply(Batch([InsertRow(Persona(cognome=f"Pieno{n:05d}", nome=big)),
                             SetFields(Piano, 1, {"note": big + str(n)})], f"passo {n}"))
        except PlanError as exc:
            return n, exc  # the edits 0 … n-1 succeeded
    raise AssertionError("il disco non si è mai riempito")


def test_full_database_rolls_back_and_stays_valid(demo_path: Path):
    """SQLITE_FULL forced with max_page_count: the edit is refused, nothing half-written."""
    arc = Archive.open(demo_path)
    pages = arc.db.conn.execute("PRAGMA page_count").fetchone()[0]
    arc.db.conn.execute(f"PRAGMA max_page_count = {pages + 20}")
    done, exc = _fill(arc, "z" * 3000)
    assert "Disco pieno" in str(exc) and "annullata" in str(exc)
    assert not arc.db.conn.in_transaction
    names = {p.cognome for p in arc.persone() if p.cognome.startswith("Pieno")}
    assert names == {f"Pieno{n:05d}" for n in range(done)}  # the refused one is absent
    assert arc.piano().note == "z" * 3000 + str(done - 1)
    assert arc.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # space comes back: editing works again
    arc.db.conn.execute(f"PRAGMA max_page_count = {pages + 1000}")
    arc.apply(InsertRow(Persona(cognome="DopoSpazio")))
    arc.close()
    with Archive.open(demo_path, readonly=True) as again:
        got = {p.cognome for p in again.persone()}
    assert "DopoSpazio" in got and f"Pieno{done:05d}" not in got


def test_full_filesystem_rolls_back_and_stays_valid(tmp_path: Path):
    """A real full disk: a 768 KiB tmpfs (the empty plan takes about half of it)."""
    if not (IS_ROOT and ON_LINUX):
        pytest.skip("serve root su Linux per montare un tmpfs piccolo")
    mnt = tmp_path / "piccolo"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=768k", "tmpfs", str(mnt)]).returncode:
        pytest.skip("mount tmpfs non disponibile")
    try:
        plan = mnt / "piano.piao"
        arc = Archive.create(plan, Piano(titolo="Piano piccolo"), Ente(nome="Comune"))
        done, exc = _fill(arc, "w" * 2000)
        assert done > 10
        assert "Disco pieno" in str(exc), str(exc)
        assert not arc.db.conn.in_transaction
        assert arc.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = {p.cognome for p in arc.persone()}
        assert {f"Pieno{n:05d}" for n in range(done)} <= names
        assert f"Pieno{done:05d}" not in names
        arc.close()
        # copy what is on the full disk elsewhere and check it as a fresh reader would
        out = tmp_path / "copia"
        out.mkdir()
        for f in mnt.iterdir():
            if f.name.startswith("piano.piao") and not f.name.endswith(".lock"):
                shutil.copyfile(f, out / f.name)
        assert _integrity(out / "piano.piao") == "ok"
        assert {f"Pieno{n:05d}" for n in range(done)} <= {
            r[0] for r in sqlite3.connect(out / "piano.piao").execute("SELECT cognome FROM persone")}
    finally:
        subprocess.run(["umount", "-l", str(mnt)])
