"""Per-user UI state over QSettings (house style §6.8): typed keys declared once.

Tests pass ``QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)``.
The list of recent plans is shared with the CLI through ``paths.user_config_file()``.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter, QWidget

from ..paths import user_config_file

KEYS = {
    "geometry": "persist/geometry",
    "window_state": "persist/window_state",
    "last_plan": "persist/last_plan",
    "last_dir": "persist/last_dir",
    "anno": "persist/anno",
}


class UiState:
    def __init__(self, settings: QSettings) -> None:
        self.s = settings

    def _bytes(self, key: str) -> QByteArray | None:
        v = self.s.value(key)
        return v if isinstance(v, QByteArray) and not v.isEmpty() else None

    def save_window(self, window: QWidget) -> None:
        self.s.setValue(KEYS["geometry"], window.saveGeometry())
        if hasattr(window, "saveState"):
            self.s.setValue(KEYS["window_state"], window.saveState())
        for sp in window.findChildren(QSplitter):
            if sp.objectName():
                self.s.setValue(f"persist/splitter/{sp.objectName()}", sp.saveState())
        self.s.sync()

    def restore_window(self, window: QWidget) -> bool:
        geo = self._bytes(KEYS["geometry"])
        if geo is not None:
            window.restoreGeometry(geo)
        st = self._bytes(KEYS["window_state"])
        if st is not None and hasattr(window, "restoreState"):
            window.restoreState(st)
        for sp in window.findChildren(QSplitter):
            state = self._bytes(f"persist/splitter/{sp.objectName()}") if sp.objectName() else None
            if state is not None:
                sp.restoreState(state)
        return geo is not None

    @property
    def last_plan(self) -> Path | None:
        v = self.s.value(KEYS["last_plan"])
        return Path(str(v)) if v else None

    @last_plan.setter
    def last_plan(self, path: Path | None) -> None:
        self.s.setValue(KEYS["last_plan"], str(path) if path else "")
        if path is not None:
            self.s.setValue(KEYS["last_dir"], str(Path(path).parent))
            remember_plan(Path(path))
        self.s.sync()

    @property
    def last_dir(self) -> str:
        return str(self.s.value(KEYS["last_dir"]) or "")


def recent_plans() -> list[Path]:
    """Same list as ``piaodesk.cli.plan.recent_plans()`` (the CLI is a higher layer)."""
    try:
        return [Path(p) for p in json.loads(user_config_file().read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        return []


def remember_plan(path: Path) -> None:
    cfg = user_config_file()
    p = str(Path(path).resolve())
    recent = [str(x) for x in recent_plans()]
    recent = [p] + [r for r in recent if r != p]
    try:
        from ..fsio import atomic_open

        with atomic_open(cfg, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(recent[:10], ensure_ascii=False))
    except OSError:
        pass
