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
