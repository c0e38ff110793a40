"""Composition root of the GUI: QApplication, translations, settings, the open plan."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import cast

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from .paths import resource
from .store.archive import Archive
from .store.db import PlanError

ORG, APP = "piaodesk", "piaodesk"


def make_app(argv: list[str] | None = None) -> QApplication:
    """Create (or reuse) the QApplication with Italian locale and Qt's Italian catalogue."""
    from .ui import lingua

    existing = QApplication.instance()
    if existing is not None:
        app = cast(QApplication, existing)
    else:
        lingua.prepara_ambiente()  # Italian dates from Qt's system locale (file dialog)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORG)
    app.setApplicationName(APP)
    app.setApplicationDisplayName("piaodesk")
    lingua.installa(app, resource("translations"))  # before any dialog is built
    icon = resource("icons", "piaodesk.svg")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def settings() -> QSettings:
    from .ui.ui_state import open_settings

    return open_settings()  # the application's organisation and name are set by make_app


def open_archive_gui(path: Path) -> Archive | None:
    """Open a plan for the GUI; a locked/read-only/corrupt file gets an Italian dialog."""
    try:
        from .ui.extensions.affidabilita import open_plan_interactive
    except ImportError:  # pragma: no cover - reliability extension missing
        try:
            return Archive.open(path)
        except PlanError as exc:
            QMessageBox.critical(None, "Impossibile aprire il piano", str(exc))
            return None
    return open_plan_interactive(QApplication.activeWindow(), path)


def run_gui(path: Path | None) -> int:
    """Show the main window on ``path`` (or the last plan, or a start dialog)."""
    app = make_app()
    from .paths import private_temp_dir
    from .ui.extensions.affidabilita import start as start_backups
    from .ui.main_window import MainWindow

    try:
        private_temp_dir()  # temporary files in a private folder; a crashed run's are removed
    except OSError:
        pass
    scheduler = start_backups(app)  # copies on open and every few minutes; lock heartbeat
    from .ui.models.slices import freeze_startup

    freeze_startup()  # the imports leave the collector's generations, before any plan opens
    window = MainWindow.start(path)
    if window is None:
        return 1
    window.show()
    if not os.environ.get("PIAODESK_SMOKE_QUIT_MS"):
        from PySide6.QtCore import QTimer

        # backups of plans deleted long ago: asked once, after the window is up
        QTimer.singleShot(3000, lambda: scheduler.check_orphans_once(window))
    smoke = os.environ.get("PIAODESK_SMOKE_QUIT_MS")  # packaging smoke test: show, report, quit
    if smoke:
        import time

        from PySide6.QtCore import QTimer

        deadline = time.monotonic() + 60

        def _report_and_quit() -> None:
            model = window.model
            if model.defer_perc and not model.perc_adopted and time.monotonic() < deadline:
                QTimer.singleShot(200, _report_and_quit)  # large plan: wait for the worker's %
                return
            print(f"FINESTRA: {window.windowTitle()}", flush=True)
            print(f"PERCENTUALI: differite={model.defer_perc} calcolo={model.perc_source} "
                  f"adottate={model.perc_adopted}", flush=True)
            window.close()
            app.quit()

        QTimer.singleShot(int(smoke), _report_and_quit)
    return app.exec()
