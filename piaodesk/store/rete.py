"""Is a plan on a network share? (issue 16)

SQLite's WAL mode relies on shared memory (the ``-shm`` file mapped by every
program that opens the plan), which network file systems do not provide
reliably; SQLite's own guidance («SQLite Over a Network, Caveats and
Considerations») is to use the rollback journal there and, better still, to let
one program at a time hold the file. So a plan found on a share is opened with
the **rollback journal (``journal_mode=DELETE``) and ``locking_mode=EXCLUSIVE``**:
the writer keeps SQLite's lock for as long as the plan is open (readers on other
PCs wait or are told the plan is in use), and no ``-wal``/``-shm`` file exists.

Detection: on Linux the mount table (``/proc/mounts``; the longest mount point
containing the plan, with a network type: SMB/CIFS, NFS, and the like); on
Windows a UNC path (``\\\\server\\share\\…``) or a drive letter that
``GetDriveTypeW`` calls ``DRIVE_REMOTE`` (a mapped network drive). Both readers
can be given their input, so the tests mock them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path, PurePath, PureWindowsPath

#: file system types that are network shares
NETWORK_FS = frozenset({
    "cifs", "smb3", "smbfs", "smb2", "nfs", "nfs4", "afs", "ncpfs", "ncp", "coda", "9p",
    "ceph", "glusterfs", "lustre", "gpfs", "davfs", "fuse.sshfs", "sshfs", "fuse.davfs2",
    "fuse.rclone", "fuse.smbnetfs", "fuse.glusterfs", "fuse.cephfs",
})
_DRIVE_REMOTE = 4


def _unescape(field: str) -> str:
    """``/proc/mounts`` writes a space as ``\\040`` (and tab, newline, backslash likewise)."""
    for code, ch in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, ch)
    return field


def linux_share(path: PurePath | str, mounts: str) -> str | None:
    """The network type of the mount holding ``path`` per the mount table ``mounts``
    (text of ``/proc/mounts``), or ``None``."""
    target = str(path)
    best, best_type = "", None
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point, fstype = _unescape(parts[1]), parts[2].lower()
        prefix = point.rstrip("/") + "/"
        if (target == point or target.startswith(prefix) or point == "/") and len(point) >= len(best):
            best, best_type = point, fstype
    return best_type if best_type in NETWORK_FS else None


def windows_share(path: str, drive_type: Callable[[str], int]) -> str | None:
    """``"UNC"`` for ``\\\\server\\share\\…``, ``"unità di rete"`` for a mapped network
    drive (``drive_type("X:\\\\")`` is ``DRIVE_REMOTE``), else ``None``."""
    p = PureWindowsPath(path)
    if str(p).startswith("\\\\") or p.drive.startswith("\\\\"):
        return "UNC"
    if p.drive and len(p.drive) == 2 and drive_type(p.drive + "\\") == _DRIVE_REMOTE:
        return "unità di rete"
    return None


def _get_drive_type(root: str) -> int:  # pragma: no cover - Windows only
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))  # type: ignore[attr-defined]


def network_share(path: Path | str, *, platform: str | None = None, mounts: str | None = None,
                  drive_type: Callable[[str], int] | None = None) -> str | None:
    """What kind of network share holds ``path`` (``"cifs"``, ``"nfs4"``, ``"UNC"``,
    ``"unità di rete"``…), or ``None`` for a local disk (or when it cannot be told)."""
    platform = platform or sys.platform
    if platform == "win32":
        full = str(path) if mounts is not None or drive_type is not None else os.path.abspath(path)
        return windows_share(full, drive_type or _get_drive_type)
    if platform.startswith("linux"):
        if mounts is None:
            try:
                with open("/proc/mounts", encoding="utf-8", errors="replace") as fh:
                    mounts = fh.read()
            except OSError:
                return None
            path = os.path.realpath(path)
        return linux_share(path, mounts)
    return None


def descrizione(kind: str) -> str:
    """Italian words for the share, for the window and the guide."""
    if kind == "UNC":
        return "una cartella di rete (percorso \\\\server\\…)"
    if kind == "unità di rete":
        return "un'unità di rete"
    return f"una cartella di rete ({kind.upper()})"
