"""Reliability at the file system's edges: full disks, read-only places, atomic writes, kills.

A real small tmpfs is used when running as root on Linux (``mount -t tmpfs``);
elsewhere the same cases run with a simulated ``ENOSPC`` (monkeypatch).
"""

from __future__ import annotations

import errno
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

from piaodesk import fsio
from piaodesk.store import backup
from piaodesk.store.archive import Archive
from piaodesk.store.db import PlanDamaged, PlanError, PlanUnreadable
from piaodesk.store.lock import lock_path

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ON_LINUX = sys.platform.startswith("linux")


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PIAODESK_HOME", str(tmp_path / "home"))


def _mount(where: Path, size: str) -> None:
    if not (IS_ROOT and ON_LINUX):
        pytest.skip("serve root su Linux per montare un tmpfs piccolo")
    where.mkdir(exist_ok=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                      capture_output=True).returncode:
        pytest.skip("mount tmpfs non permesso")


def _disk(tmp_path: Path, name: str, size: str):
    mnt = tmp_path / name
    _mount(mnt, size)
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)])


@pytest.fixture
def small_disk(tmp_path: Path):
    """A real 1 MiB file system, to be filled by the test."""
    yield from _disk(tmp_path, "piccolo", "1m")


@pytest.fixture
def ro_disk(tmp_path: Path):
    """A real file system, remounted read-only by :func:`_readonly`."""
    yield from _disk(tmp_path, "ro", "4m")


def _readonly(mnt: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)


def _fill(mnt: Path, leave: int = 0) -> None:
    """Fill the file system, leaving about ``leave`` bytes free."""
    fd = os.open(mnt / "riempitivo", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"x" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    if leave:
        size = (mnt / "riempitivo").stat().st_size
        os.truncate(mnt / "riempitivo", max(0, size - leave))


def _cli(*args: str, home: Path, stdout=subprocess.PIPE, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, PIAODESK_HOME=str(home), PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, "-m", "piaodesk", *args], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, env=env, timeout=timeout)


def _one_italian_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert lines[0].startswith("piaodesk: ")
    return lines[0]


def _temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if fsio.TMP_MARK in p.name or p.suffix in (".part", ".tmp")]


# ---------------------------------------------------------------------- the atomic helper


def test_atomic_write_never_replaces_a_good_file_on_enospc(tmp_path: Path, monkeypatch):
    target = tmp_path / "uscita.bin"
    target.write_bytes(b"vecchio file valido")
    import builtins

    real_open = builtins.open

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            self.fh.close()

    monkeypatch.setattr(fsio, "open", lambda *a, **k: Full(real_open(*a, **k)), raising=False)
    with pytest.raises(OSError) as info:
        fsio.atomic_write_bytes(target, b"nuovo" * 1000)
    assert target.read_bytes() == b"vecchio file valido"
    assert _temps(tmp_path) == []
    msg = fsio.describe_os_error(info.value, target)
    assert "Spazio esaurito" in msg and "uscita.bin" in msg and "liberare spazio" in msg


def test_atomic_write_refusing_an_existing_name(tmp_path: Path):
    target = tmp_path / "nuovo.piao"
    target.write_bytes(b"c'era gia")
    with pytest.raises(FileExistsError):
        fsio.atomic_write_bytes(target, b"altro", overwrite=False)
    assert target.read_bytes() == b"c'era gia" and _temps(tmp_path) == []


def test_stale_temp_of_a_dead_process_is_removed_by_the_next_write(tmp_path: Path):
    target = tmp_path / "out.xlsx"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = tmp_path / f".out.xlsx.{dead}-abcdef{fsio.TMP_MARK}"
    stale.write_bytes(b"mezzo file")
    mine = tmp_path / f".out.xlsx.{os.getpid()}-abcdef{fsio.TMP_MARK}"  # a live writer: left alone
    mine.write_bytes(b"in corso")
    fsio.atomic_write_bytes(target, b"completo")
    assert not stale.exists() and mine.exists() and target.read_bytes() == b"completo"


@pytest.mark.parametrize("code,words", [(errno.ENOSPC, "Spazio esaurito"), (errno.EACCES, "Permesso negato"),
                                        (errno.EPERM, "Permesso negato"), (errno.EROFS, "sola lettura"),
                                        (errno.EIO, "errore di I/O")])
def test_os_errors_told_in_one_italian_line(code, words):
    msg = fsio.describe_os_error(OSError(code, os.strerror(code), "/x/piano.xlsx"))
    assert words in msg and "piano.xlsx" in msg and "\n" not in msg
    assert os.strerror(code) not in msg  # not the English text of the C library


# ---------------------------------------------------------------------- exports


def test_export_on_a_full_disk_keeps_the_older_file(demo_path: Path, small_disk: Path, tmp_path: Path):
    out = small_disk / "piano.xlsx"
    r = _cli("export", str(demo_path), str(out), home=tmp_path / "home")
    assert r.returncode == 0, r.stderr
    good = out.read_bytes()
    _fill(small_disk, leave=8 * 1024)
    r = _cli("export", str(demo_path), str(out), home=tmp_path / "home")
    assert r.returncode == 2
    line = _one_italian_line(r.stderr)
    assert "Spazio esaurito" in line and "nessun file sostituito" in line
    assert out.read_bytes() == good  # the valid older file is untouched
    assert _temps(small_disk) == []


def test_export_simulated_enospc_keeps_the_older_file(demo, tmp_path: Path, monkeypatch, capfd):
    import zipfile

    from piaodesk.exchange.common import ExchangeError
    from piaodesk.exchange.workbook import write_workbook

    out = tmp_path / "piano.xlsx"
    out.write_bytes(b"vecchia esportazione valida")
    real = zipfile.ZipFile.write
    calls = []

    def full(self, *a, **k):
        calls.append(a)
        if len(calls) > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, *a, **k)

    monkeypatch.setattr(zipfile.ZipFile, "write", full)
    with pytest.raises(ExchangeError, match="Spazio esaurito"):
        write_workbook(demo, out)
    import gc

    gc.collect()
    assert out.read_bytes() == b"vecchia esportazione valida"
    assert _temps(tmp_path) == []
    err = capfd.readouterr().err
    assert "Exception ignored" not in err and "Traceback" not in err, err


def test_export_into_a_readonly_folder(demo_path: Path, ro_disk: Path, tmp_path: Path):
    _readonly(ro_disk)
    r = _cli("export", str(demo_path), str(ro_disk / "piano.xlsx"), home=tmp_path / "home")
    assert r.returncode == 2
    assert "sola lettura" in _one_italian_line(r.stderr)


def test_pdf_on_a_full_disk_is_never_half_written(demo, tmp_path: Path, monkeypatch):
    from piaodesk.reports import data, sheets

    out = tmp_path / "pdf"
    snaps = [data.snapshot_scheda_obiettivi(demo, u.id, 2025) for u in demo.unita()
             if u.id is not None and demo.obiettivi_di_unita(u.id)][:2]
    first = sheets.render_batch(snaps[:1], out)[0]
    good = first.read_bytes()
    real = os.replace

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", str(src))

    monkeypatch.setattr(fsio.os, "replace", full)
    with pytest.raises(OSError):
        sheets.render_batch(snaps[:1], out)
    monkeypatch.setattr(fsio.os, "replace", real)
    assert first.read_bytes() == good
    assert _temps(out) == []


def test_print_cli_on_a_full_disk(demo_path: Path, small_disk: Path, tmp_path: Path):
    _fill(small_disk, leave=4 * 1024)
    r = _cli("print", str(demo_path), "--scheda", "individuale", "--out", str(small_disk),
             home=tmp_path / "home")
    assert r.returncode == 2
    # before printing, `print` lists the plan's problems that concern the sheets (issue 10): not errors
    err = "\n".join(ln for ln in r.stderr.splitlines() if not ln.startswith(("Verifica del piano:", "  [")))
    assert "Spazio esaurito" in _one_italian_line(err)
    assert _temps(small_disk) == []


# ---------------------------------------------------------------------- opening at the edge


def test_full_disk_at_open_is_not_damage_and_leaves_no_lock(demo_path: Path, small_disk: Path):
    plan = small_disk / "piano.piao"
    shutil.copyfile(demo_path, plan)
    _fill(small_disk)
    with pytest.raises(PlanError) as info:
        Archive.open(plan)
    assert not isinstance(info.value, PlanDamaged)
    assert "danneggiato" not in str(info.value)
    assert "Spazio esaurito" in str(info.value)
    assert not lock_path(plan).exists()  # no empty lock keeps the plan locked
    os.unlink(small_disk / "riempitivo")
    with Archive.open(plan) as arc:  # space is back: it opens read-write at once
        assert not arc.readonly and arc.counts()["obiettivi"] > 0


def test_lock_write_failure_leaves_no_empty_lock(demo_path: Path, monkeypatch):
    from piaodesk.store import lock as lock_mod

    real = os.write

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(lock_mod.os, "write", full)
    with pytest.raises(OSError):
        lock_mod.acquire(demo_path)
    monkeypatch.setattr(lock_mod.os, "write", real)
    assert not lock_path(demo_path).exists()
    lock_mod.acquire(demo_path).release()


def test_io_error_at_open_is_told_in_italian(demo_path: Path, monkeypatch):
    real = Path.open

    def failing(self, *a, **k):
        if self.name == demo_path.name:
            raise OSError(errno.EIO, "Input/output error", str(self))
        return real(self, *a, **k)

    monkeypatch.setattr(Path, "open", failing)
    with pytest.raises(PlanError) as info:
        Archive.open(demo_path)
    assert "errore di I/O" in str(info.value) and not isinstance(info.value, PlanDamaged)


def test_damaged_only_when_integrity_check_says_so(demo_path: Path):
    data = bytearray(demo_path.read_bytes())
    page = 4096
    data[page * 5: page * 5 + 200] = b"\xff" * 200  # garbage in a b-tree page
    demo_path.write_bytes(bytes(data))
    with pytest.raises(PlanDamaged, match="danneggiato"):
        Archive.open(demo_path)


# ---------------------------------------------------------------------- new plans and rinnova


def test_rinnova_in_a_readonly_folder_answers_in_italian(demo_path: Path, ro_disk: Path, tmp_path: Path):
    _readonly(ro_disk)
    r = _cli("rinnova", str(demo_path), "--out", str(ro_disk / "2026.piao"), home=tmp_path / "home")
    assert r.returncode == 2
    line = _one_italian_line(r.stderr)
    assert "sola lettura" in line and "unable to open" not in line


def test_rinnova_simulated_readonly_folder(demo, tmp_path: Path, monkeypatch):
    from piaodesk.store import db as db_mod
    from piaodesk.store import rinnovo

    real = sqlite3.connect

    def refuse(target, *a, **k):
        if fsio.TMP_MARK in str(target):
            raise sqlite3.OperationalError("unable to open database file")
        return real(target, *a, **k)

    monkeypatch.setattr(db_mod.sqlite3, "connect", refuse)
    monkeypatch.setattr(db_mod.os, "access", lambda p, mode: False)
    with pytest.raises(PlanError) as info:
        rinnovo.rinnova(demo, tmp_path / "2026.piao")
    assert "unable to open" not in str(info.value)
    assert "Permesso negato" in str(info.value) or "sola lettura" in str(info.value)
    assert not (tmp_path / "2026.piao").exists()


def test_rinnova_failure_midway_leaves_no_half_plan_and_no_lock(demo, tmp_path: Path, monkeypatch):
    from piaodesk.store import rinnovo

    out = tmp_path / "prossimo.piao"
    real = Archive.apply

    def full(self, edit):
        if self.path != demo.path:
            raise PlanError("Disco pieno: la modifica è stata annullata, il piano è intatto.")
        return real(self, edit)

    monkeypatch.setattr(Archive, "apply", full)
    with pytest.raises(PlanError):
        rinnovo.rinnova(demo, out)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "demo.piao" and
                  not p.name.startswith("demo.piao")) == [], list(tmp_path.iterdir())
    monkeypatch.setattr(Archive, "apply", real)
    new, _rap = rinnovo.rinnova(demo, out)  # running it again works
    try:
        assert new.counts()["obiettivi"] == demo.counts()["obiettivi"]
    finally:
        new.close()
    assert not lock_path(out).exists()


def _objectives(path: Path) -> int:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM obiettivi").fetchone()[0]
    finally:
        conn.close()


def _kill_at_random(args: list[str], home: Path, rng: random.Random, span: float) -> int:
    env = dict(os.environ, PIAODESK_HOME=str(home))
    proc = subprocess.Popen([sys.executable, "-m", "piaodesk", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env)
    time.sleep(rng.uniform(0.1, 0.9) * span)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    return proc.returncode


def test_rinnova_killed_at_random_moments(demo_path: Path, tmp_path: Path):
    """SIGKILL during rinnova: the next-year plan is whole or absent, never locked; rerun works."""
    home = tmp_path / "home"
    expected = _objectives(demo_path)
    t0 = time.monotonic()
    assert _cli("rinnova", str(demo_path), "--out", str(tmp_path / "misura.piao"), home=home).returncode == 0
    span = time.monotonic() - t0
    rng = random.Random(20261204)
    killed = whole = 0
    for i in range(20):
        if killed >= 8:
            break
        out = tmp_path / f"prossimo{i}.piao"
        rc = _kill_at_random(["rinnova", str(demo_path), "--out", str(out)], home, rng, span)
        killed += rc == -signal.SIGKILL
        if out.exists():
            whole += 1
            assert _objectives(out) == expected  # never a valid-looking plan with 0 objectives
            assert not lock_path(out).exists()
        else:
            r = _cli("rinnova", str(demo_path), "--out", str(out), home=home)
            assert r.returncode == 0, r.stderr  # running it again works
            assert _objectives(out) == expected
        with Archive.open(out) as arc:
            assert not arc.readonly
        assert [p for p in tmp_path.iterdir() if p.name.startswith(f".{out.name}.")] == []
    assert killed >= 4


def test_export_killed_at_random_moments(demo_path: Path, tmp_path: Path):
    """SIGKILL during export: the older file stays valid or the new one is whole; the killed
    run's temporary files (plan data) are removed at the next start."""
    from openpyxl import load_workbook

    home = tmp_path / "home"
    out = tmp_path / "piano.xlsx"
    t0 = time.monotonic()
    assert _cli("export", str(demo_path), str(out), home=home).returncode == 0
    span = time.monotonic() - t0
    rng = random.Random(4122026)
    killed = 0
    for _ in range(20):
        if killed >= 8:
            break
        rc = _kill_at_random(["export", str(demo_path), str(out)], home, rng, span)
        killed += rc == -signal.SIGKILL
        load_workbook(out, read_only=True).close()  # the older file or a whole new one, never half
    assert killed >= 4
    tmp_root = home / "tmp"
    assert tmp_root.is_dir() and any(tmp_root.iterdir())  # left by the killed runs...
    assert _cli("info", str(demo_path), home=home).returncode == 0
    assert list(tmp_root.iterdir()) == []  # ...removed at the next start
    assert _cli("export", str(demo_path), str(out), home=home).returncode == 0
    assert [p for p in tmp_path.iterdir() if fsio.TMP_MARK in p.name] == []


def test_private_temp_folder(tmp_path: Path):
    import stat
    import tempfile

    from piaodesk import paths

    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True).stdout)
    import socket

    left = tmp_path / "home" / "tmp" / f"{socket.gethostname()}_{dead}"
    left.mkdir(parents=True)
    (left / "openpyxl.abc").write_text("<sheetData>dati personali</sheetData>")
    saved = tempfile.tempdir
    try:
        folder = paths.private_temp_dir()
        assert tempfile.gettempdir() == str(folder)
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert not left.exists()
        with tempfile.NamedTemporaryFile() as fh:
            assert Path(fh.name).parent == folder
    finally:
        tempfile.tempdir = saved


# ---------------------------------------------------------------------- CLI output


def test_output_into_a_closed_pipe_ends_with_one_italian_line(demo_path: Path, tmp_path: Path):
    env = dict(os.environ, PIAODESK_HOME=str(tmp_path / "home"))
    proc = subprocess.Popen([sys.executable, "-m", "piaodesk", "rinnova", str(demo_path), "--out",
                             str(tmp_path / "x.piao"), "--prova"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    proc.stdout.close()  # like `| head` having read what it wanted
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert err.strip().splitlines() == ["piaodesk: uscita interrotta: il programma che leggeva il "
                                        "risultato si è chiuso."]
    assert proc.returncode == 141


# ---------------------------------------------------------------------- restore offered


def test_overwritten_header_names_ripristina_in_the_cli(demo_path: Path, tmp_path: Path):
    home = tmp_path / "home"
    backup.make_backup(demo_path, "apertura")
    with demo_path.open("r+b") as fh:
        fh.write(b"questo non e' piu' un piano")
    r = _cli("info", str(demo_path), home=home)
    assert r.returncode == 2
    line = _one_italian_line(r.stderr)
    assert "non è un database SQLite" in line and f"piaodesk ripristina {demo_path}" in line
    r = _cli("ripristina", str(demo_path), home=home)
    assert r.returncode == 0, r.stderr
    assert "conservato" in r.stdout
    with Archive.open(demo_path, readonly=True) as arc:
        assert arc.counts()["obiettivi"] > 0
    assert list(tmp_path.glob("demo.danneggiato-*.piao"))


def test_unreadable_plan_is_a_plan_unreadable(demo_path: Path):
    demo_path.write_bytes(b"PK\x03\x04 un foglio excel" + b"\x00" * 200)
    with pytest.raises(PlanUnreadable) as info:
        Archive.open(demo_path)
    assert info.value.path == demo_path


def test_new_file_on_a_disk_without_hard_links(tmp_path: Path, monkeypatch):
    """FAT/exFAT sticks refuse link(): a new file is still published, an existing one still refused."""
    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(fsio.os, "link", no_links)
    target = tmp_path / "nuovo.piao"
    fsio.atomic_write_bytes(target, b"primo", overwrite=False)
    assert target.read_bytes() == b"primo"
    with pytest.raises(FileExistsError):
        fsio.atomic_write_bytes(target, b"secondo", overwrite=False)
    assert target.read_bytes() == b"primo" and _temps(tmp_path) == []


def test_an_old_empty_lock_does_not_keep_the_plan_locked(demo_path: Path):
    """An empty lock left by an older version on a full disk: taken over without asking."""
    lock = lock_path(demo_path)
    lock.write_bytes(b"")
    old = time.time() - 120
    os.utime(lock, (old, old))
    with Archive.open(demo_path) as arc:
        assert not arc.readonly and arc.lock is not None
    assert not lock.exists()
    lock.write_bytes(b"")  # a fresh empty lock may be a writer at work: not taken
    from piaodesk.store.lock import PlanInUse

    with pytest.raises(PlanInUse):
        Archive.open(demo_path)
