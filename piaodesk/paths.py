"""Where things live: bundled resources and per-user data.

The only module that knows whether we run from a source checkout, an installed
wheel or a PyInstaller bundle.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _resource_root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    here = Path(__file__).resolve().parent
    for candidate in (here / "_resources", here.parent / "resources"):
        if candidate.is_dir():
            return candidate
    return here.parent / "resources"


def resource(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource("fonts", "DejaVuSans.ttf")``."""
    return _resource_root().joinpath(*parts)


def user_data_dir() -> Path:
    """Per-user data folder (plans, backups); ``PIAODESK_HOME`` overrides it (tests)."""
    override = os.environ.get("PIAODESK_HOME")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir as _udd

        path = Path(_udd("piaodesk", "piaodesk"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_config_file() -> Path:
    """Small JSON file remembering the last plans opened (shared by CLI and GUI)."""
    return user_data_dir() / "recenti.json"


def default_plan_dir() -> Path:
    path = user_data_dir() / "piani"
    path.mkdir(parents=True, exist_ok=True)
    return path


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable only by this user (0700; the profile on Windows)."""
    path.mkdir(parents=True, exist_ok=True)
    return make_private(path, 0o700)


def make_private(path: Path, mode: int = 0o600) -> Path:
    """Take group and others' rights away from ``path`` (POSIX; on Windows the per-user
    profile folder is already private)."""
    if os.name == "posix":
        try:
            if path.stat().st_mode & 0o077:
                path.chmod(mode)
        except OSError:
            pass
    return path


def _tmp_root() -> Path:
    return user_data_dir() / "tmp"


def _tmp_owner(name: str) -> tuple[str, int] | None:
    host, _, pid = name.rpartition("_")
    return (host, int(pid)) if host and pid.isdigit() else None


def clean_private_temp(*, now: float | None = None) -> list[Path]:
    """Remove the temporary folders of piaodesk processes that no longer run (a crash, a kill).

    Folders of another computer (a shared profile) are removed after a week.
    """
    import shutil
    import time

    from .fsio import hostname, pid_alive

    root = _tmp_root()
    if not root.is_dir():
        return []
    host = hostname() or "pc"
    now = time.time() if now is None else now
    removed = []
    for entry in root.iterdir():
        owner = _tmp_owner(entry.name)
        if owner is None:
            continue
        try:
            old = now - entry.stat().st_mtime > 7 * 86400
        except OSError:
            continue
        if (owner[0] == host and owner[1] != os.getpid() and not pid_alive(owner[1])) or \
                (owner[0] != host and old):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def private_temp_dir() -> Path:
    """This process's private temporary folder, used for every temporary file from now on.

    It lives in the per-user data folder (``tmp/<computer>_<pid>``, 0700), not in
    the shared system temp (the working files of an export hold plan data); the
    folders left by crashed processes are removed first. Sets ``tempfile.tempdir``.
    """
    import tempfile

    from .fsio import hostname

    current = tempfile.tempdir
    mine = f"{hostname() or 'pc'}_{os.getpid()}"
    if current and Path(current).name == mine and Path(current).is_dir() \
            and Path(current).parent == _tmp_root():
        return Path(current)
    import atexit
    import shutil

    clean_private_temp()
    folder = private_dir(_tmp_root() / mine)
    tempfile.tempdir = str(folder)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
