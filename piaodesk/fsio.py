"""Writing files safely, and telling the file system's refusals in Italian.

The lowest layer (no piaodesk import): every writer of the program (Excel/CSV
exports, PDFs, signed PDFs, new plans, renewals, restores) goes through
:func:`atomic_path` / :func:`atomic_write_bytes`:

* the content is written to a temporary file *beside* the target (same folder,
  so same file system: the final rename is atomic), hidden and recognisable
  (``.<nome>.<pid>-<caso>.piaodesk-tmp``);
* when complete it is flushed to the disk (``fsync``) and renamed into place
  (``os.replace``; or, for a file that must be new, a rename that refuses an
  existing name); the folder is synced too;
* on any failure (full disk, permission, kill) the target is untouched: an
  older file of the same name stays as it was; the temporary file is removed
  at once, or, after a kill, by the next write beside it (:func:`clean_stale_temps`).

:func:`describe_os_error` turns an ``OSError`` into one Italian line that says
what happened and what to do (full disk, permission, read-only disk, I/O error).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["TMP_MARK", "AtomicBatch", "atomic_batch", "atomic_open", "atomic_path", "atomic_write_bytes",
           "clean_stale_temps",
           "describe_errno", "describe_os_error", "is_temp_name", "pid_alive", "process_start", "publish"]

#: every temporary file the program creates beside a target ends its name with this
TMP_MARK = ".piaodesk-tmp"

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED = {errno.EACCES, errno.EPERM}


def hostname() -> str:
    """This computer's name (``socket.gethostname()``: on POSIX the same ``uname`` node name,
    read without importing the socket module at start-up); "" when it has none."""
    uname = getattr(os, "uname", None)
    if uname is not None:
        return str(uname().nodename)
    import socket

    return socket.gethostname()


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this computer."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OSError:
        return False
    return True


def process_start(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch, to within a second), or ``None``
    when unknown: a lock names its owner by pid *and* start time, so a pid reused by an
    unrelated program is recognised."""
    if pid <= 0:
        return None
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)
        if not handle:
            return None
        times = [ctypes.c_ulonglong() for _ in range(4)]
        ok = kernel32.GetProcessTimes(handle, *(ctypes.byref(t) for t in times))
        kernel32.CloseHandle(handle)
        # FILETIME: 100 ns since 1601-01-01
        return times[0].value / 1e7 - 11644473600 if ok else None
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode("ascii", "replace")
        ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22: starttime
        with open("/proc/stat", "rb") as fh:
            btime = next(int(ln.split()[1]) for ln in fh if ln.startswith(b"btime"))
        return round(btime + ticks / os.sysconf("SC_CLK_TCK"), 1)
    except (OSError, ValueError, IndexError, StopIteration):
        return None


# ---------------------------------------------------------------------- messages


#: what to tell for each OS error (``{where}`` the file's name, ``{azione}`` the verb)
_MESSAGES = {
    **dict.fromkeys(_FULL, "Spazio esaurito sul disco di «{where}»: liberare spazio (o scegliere "
                           "un'altra cartella) e riprovare."),
    errno.EROFS: "Il disco o la cartella di «{where}» è in sola lettura: scegliere una cartella "
                 "in cui si può scrivere e riprovare.",
    **dict.fromkeys(_DENIED, "Permesso negato per {azione} «{where}»: il file è aperto in un altro "
                             "programma (Excel?) o la cartella è protetta; chiuderlo o scegliere "
                             "un'altra cartella."),
    errno.EIO: "Errore di lettura/scrittura del disco su «{where}» (errore di I/O): controllare il "
               "disco, la chiavetta o la rete, copiare il file altrove e riprovare.",
    errno.EPIPE: "L'uscita è stata chiusa dal programma che la leggeva.",
    errno.ENOENT: "«{where}» non esiste più (cartella spostata o rimossa?): scegliere un'altra cartella.",
    errno.EISDIR: "«{where}» è una cartella: indicare il nome di un file.",
    errno.ENAMETOOLONG: "Il nome «{where}» è troppo lungo: sceglierne uno più corto.",
}


def describe_errno(code: int | None, where: str, *, azione: str = "scrivere",
                   detail: str | None = None) -> str:
    """One Italian line for an OS error number on ``where`` (a file or folder name)."""
    text = _MESSAGES.get(code) if code is not None else None
    if text is None:
        return f"Impossibile {azione} «{where}»: {detail or 'errore del sistema'}."
    return text.format(where=where, azione=azione)


def describe_os_error(exc: BaseException, path: Path | str | None = None, *,
                      azione: str = "scrivere") -> str:
    """One Italian line for ``exc`` (an ``OSError``) met while working on ``path``."""
    code = getattr(exc, "errno", None)
    name = getattr(exc, "filename", None) or path
    where = Path(name).name if name else "il file"
    if path is not None and Path(path).name and (name is None or is_temp_name(Path(name).name)):
        where = Path(path).name  # never show a temporary name
    detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return describe_errno(code, where, azione=azione, detail=detail)


# ---------------------------------------------------------------------- atomic writes


def is_temp_name(name: str) -> bool:
    return TMP_MARK in name


def _temp_for(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}-{os.urandom(3).hex()}{TMP_MARK}")


def clean_stale_temps(target: Path | str) -> list[Path]:
    """Remove temporary files left beside ``target`` by a process that no longer runs.

    Also their SQLite and lock companions (``…piaodesk-tmp-wal``, ``….lock``).
    """
    target = Path(target)
    removed: list[Path] = []
    prefix = f".{target.name}."
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and TMP_MARK in name):
            continue
        pid_text = name[len(prefix):].split("-", 1)[0]
        if not pid_text.isdigit() or pid_alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - directories cannot be opened there
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(tmp: Path | str, target: Path | str, *, overwrite: bool = True) -> None:
    """Flush ``tmp`` to the disk and rename it to ``target`` (atomic, same folder).

    ``overwrite=False``: ``FileExistsError`` if ``target`` exists (nothing replaced).
    """
    tmp, target = Path(tmp), Path(target)
    _fsync_file(tmp)
    if overwrite:
        os.replace(tmp, target)
    elif sys.platform == "win32":  # pragma: no cover - rename refuses an existing name there
        os.rename(tmp, target)
    else:
        try:
            os.link(tmp, target)  # fails with FileExistsError, atomically
        except FileExistsError:
            raise
        except OSError:  # no hard links here (FAT/exFAT stick, some shares): check, then rename
            if os.path.lexists(target):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
            os.rename(tmp, target)
        else:
            os.unlink(tmp)
    _fsync_dir(target.parent)


@contextlib.contextmanager
def atomic_path(target: Path | str, *, overwrite: bool = True,
                extras: tuple[str, ...] = ()) -> Iterator[Path]:
    """A temporary path beside ``target`` to write to; renamed into place on success.

    On an exception the temporary file (and its ``extras`` companions, suffixes
    such as ``-wal``) is removed and ``target`` is left as it was.
    """
    target = Path(target)
    clean_stale_temps(target)
    tmp = _temp_for(target)
    try:
        yield tmp
        publish(tmp, target, overwrite=overwrite)
    except BaseException:
        for p in (tmp, *(tmp.with_name(tmp.name + e) for e in extras)):
            with contextlib.suppress(OSError):
                p.unlink()
        raise


@contextlib.contextmanager
def atomic_open(target: Path | str, mode: str = "wb", *, overwrite: bool = True,
                **kwargs: Any) -> Iterator[IO[Any]]:
    """``open()`` for writing ``target`` through a temporary file (see :func:`atomic_path`)."""
    with atomic_path(target, overwrite=overwrite) as tmp:
        fh = open(tmp, mode, **kwargs)  # noqa: SIM115 - closed below, before the rename
        try:
            yield fh
        except BaseException:
            with contextlib.suppress(OSError):
                fh.close()
            raise
        fh.close()  # a full disk may refuse the last buffered bytes here: never published


def atomic_write_bytes(target: Path | str, data: bytes, *, overwrite: bool = True) -> None:
    with atomic_open(target, "wb", overwrite=overwrite) as fh:
        fh.write(data)


def _sync_files(files: list[Path]) -> None:
    """Flush ``files`` to the disk: one ``syncfs`` of their file system on Linux (one journal
    commit instead of one per file), else an ``fsync`` of each."""
    if not files:
        return
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            folders = {f.parent for f in files}
            done = True
            for folder in folders:
                fd = os.open(folder, os.O_RDONLY)
                try:
                    done = done and libc.syncfs(fd) == 0
                finally:
                    os.close(fd)
            if done:
                return
        except (OSError, AttributeError):
            pass
    for f in files:
        _fsync_file(f)


class AtomicBatch:
    """Many files at once (e.g. 300 PDF sheets): each written under a temporary name beside
    its target; :meth:`commit` flushes them all to the disk in one go, then renames each
    into place. Until then no target is touched; :meth:`discard` removes the temporaries."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def write_bytes(self, target: Path | str, data: bytes) -> None:
        target = Path(target)
        clean_stale_temps(target)
        tmp = _temp_for(target)
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        self._pending.append((tmp, target))

    def commit(self) -> list[Path]:
        """Flush and rename everything written; returns the targets, in writing order."""
        try:
            _sync_files([tmp for tmp, _ in self._pending])
            done = []
            for tmp, target in self._pending:
                os.replace(tmp, target)
                done.append(target)
        except BaseException:
            self.discard()
            raise
        for folder in {target.parent for _, target in self._pending}:
            _fsync_dir(folder)
        self._pending = []
        return done

    def discard(self) -> None:
        for tmp, _ in self._pending:
            with contextlib.suppress(OSError):
                tmp.unlink()
        self._pending = []


@contextlib.contextmanager
def atomic_batch() -> Iterator[AtomicBatch]:
    """``with atomic_batch() as batch: batch.write_bytes(...)``: all committed at the end;
    on an exception nothing written in the batch appears (older files stay as they were)."""
    batch = AtomicBatch()
    try:
        yield batch
    except BaseException:
        batch.discard()
        raise
    batch.commit()
