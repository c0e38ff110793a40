"""Reliability in the GUI: opening a plan safely, automatic backups, restore, about/guide.

- :func:`open_plan_interactive` opens a plan the way a person expects: a plan in
  use elsewhere asks «sola lettura o prendi il controllo», a damaged one offers
  its backups, a read-only place opens read-only with a notice.
- :class:`BackupScheduler` (one per application, :func:`start`) makes a copy
  when a plan is opened read-write and every :data:`~piaodesk.store.backup.EVERY`
  minutes while it changes, in a worker thread, and keeps the lock file's
  heartbeat; it follows whatever plans the process holds, so it needs nothing
  from the main window.
- :func:`offer_orphan_cleanup` asks (once shortly after start, and from File ›
  Copie di sicurezza di piani eliminati…) whether to delete the backups of plans
  that no longer exist.
- Menu entries: File › Ripristina da backup…, File › Crea copia di sicurezza,
  File › Copie di sicurezza di piani eliminati…, ? › Guida, ? › Informazioni su piaodesk.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ...store import lock as locks
from ...store.archive import Archive
from ...store.db import PlanDamaged, PlanError, PlanUnreadable
from ...store.lock import PlanInUse
from . import ActionSpec

if TYPE_CHECKING:
    from types import ModuleType

    from ..context import Context

TICK_MS = 60_000
#: the copy made when a plan is opened waits this long: the window is painted first
ON_OPEN_DELAY_MS = 1000


def __getattr__(name: str) -> ModuleType:
    """``backups`` (the store's backup module) is imported on first use, not at start-up."""
    if name == "backups":
        from ...store import backup

        return backup
    raise AttributeError(name)


# ---------------------------------------------------------------------- opening


def open_plan_interactive(parent: QWidget | None, path: Path | str) -> Archive | None:
    """Open ``path`` read-write if possible, asking the person what to do otherwise."""
    path = Path(path)
    try:
        arc = Archive.open(path)
    except PlanInUse as exc:
        from ..dialogs.backup import ask_in_use

        choice = ask_in_use(parent, exc)
        if choice is None:
            return None
        try:
            arc = Archive.open(path, readonly=True) if choice == "readonly" else \
                Archive.open(path, takeover=True)
        except PlanError as again:
            QMessageBox.critical(parent, "Impossibile aprire il piano", str(again))
            return None
    except PlanUnreadable as exc:  # damaged, overwritten, truncated, deleted: offer a copy
        return _offer_restore(parent, path, exc)
    except PlanError as exc:
        QMessageBox.critical(parent, "Impossibile aprire il piano", str(exc))
        return None
    if arc.readonly_notice:
        QMessageBox.information(parent, "Piano in sola lettura", arc.readonly_notice)
    return arc


def _offer_restore(parent: QWidget | None, path: Path, exc: PlanError) -> Archive | None:
    from ...store import backup as backups

    copies = backups.list_backups(path)
    title = "Piano danneggiato" if isinstance(exc, PlanDamaged) else "Impossibile aprire il piano"
    if not copies:
        QMessageBox.critical(parent, title, f"{exc}\n\nNon ci sono copie di sicurezza di questo piano.")
        return None
    last = copies[0]
    keep = ("Il file attuale viene conservato accanto al piano." if path.exists()
            else "Il piano sarà ricreato con il suo nome.")
    answer = QMessageBox.question(
        parent, title,
        f"{exc}\n\nRipristinare la copia di sicurezza più recente "
        f"({last.quando:%d/%m/%Y} alle {last.quando:%H:%M}, {last.descrizione})? {keep}",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes)
    if answer != QMessageBox.StandardButton.Yes:
        return None
    try:
        kept = backups.restore_file(last.path, path)
        arc = Archive.open(path)
    except PlanError as err:
        QMessageBox.critical(parent, "Ripristino non riuscito", str(err))
        return None
    if kept is not None:
        QMessageBox.information(parent, "Piano ripristinato",
                                f"Copia ripristinata. Il file danneggiato è stato conservato come «{kept.name}».")
    return arc


def offer_orphan_cleanup(parent: QWidget | None, *, now: Any = None) -> int:
    """Ask whether to delete the backups of plans that no longer exist (after the grace period)."""
    from ...store import backup as backups

    found = backups.orphans(now=now)
    if not found:
        return 0
    from ..dialogs.backup import ask_remove_orphans

    chosen = ask_remove_orphans(parent, found)
    return backups.remove_orphans(chosen) if chosen else 0


# ---------------------------------------------------------------------- automatic backups


class BackupScheduler(QObject):
    """Copies on open and periodically, plus lock heartbeats, off the GUI thread."""

    failed = Signal(str)
    _opened = Signal(object)  # a plan's lock was taken (from any thread)
    lock_lost = Signal(str)  # plan path whose lock another program took over

    def __init__(self, parent: QObject | None = None, interval_ms: int = TICK_MS) -> None:
        super().__init__(parent)
        self._busy = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.made: list[Path] = []
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self._unsubscribe = locks.on_acquire(self._on_acquire)
        self._warned: set[str] = set()
        # emitted from the worker thread; a bound method of this QObject runs queued in the GUI thread
        self.failed.connect(self._report_failure)
        self._opened.connect(self._copy_on_open_later)

    def _report_failure(self, message: str) -> None:
        _show_status(message)

    def stop(self) -> None:
        self.timer.stop()
        self._unsubscribe()
        self.wait()

    def wait(self, timeout: float = 30.0) -> None:
        for t in list(self._threads):
            t.join(timeout)

    def _run(self, fn: Any) -> None:
        def body() -> None:
            with self._busy:  # one copy at a time
                try:
                    made = fn()
                except PlanError as exc:
                    self.failed.emit(str(exc))
                    return
                except Exception as exc:  # noqa: BLE001 - a backup must never break the editor
                    self.failed.emit(f"Copia di sicurezza non riuscita: {exc}")
                    return
                self.made.extend(p for p in (made if isinstance(made, list) else [made]) if p)

        thread = threading.Thread(target=body, name="piaodesk-backup", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def check_orphans_once(self, parent: QWidget | None = None) -> None:
        """Once per run, shortly after start: backups of deleted plans are offered for removal."""
        if getattr(self, "_orphans_checked", False):
            return
        self._orphans_checked = True
        try:
            offer_orphan_cleanup(parent)
        except OSError as exc:
            _show_status(f"Controllo delle copie di sicurezza non riuscito: {exc}")

    def _on_acquire(self, lock: locks.PlanLock) -> None:
        # (any thread) the copy waits for the GUI thread's event loop and ON_OPEN_DELAY_MS
        self._opened.emit(lock.plan)

    def _copy_on_open_later(self, plan: Path) -> None:
        QTimer.singleShot(ON_OPEN_DELAY_MS, self, lambda: self._copy_on_open(plan))

    def _copy_on_open(self, plan: Path) -> None:
        from ...store import backup as backups

        self._run(lambda: backups.backup_on_open(plan))

    def tick(self) -> None:
        held = locks.held_locks()
        for lk in held:
            if lk.lost and str(lk.plan) not in self._warned:
                self._warned.add(str(lk.plan))
                self.lock_lost.emit(str(lk.plan))
        from ...store import backup as backups

        self._run(lambda: backups.tick([lk for lk in held if not lk.lost]))


_scheduler: BackupScheduler | None = None


def start(app: QObject | None = None) -> BackupScheduler:
    """The application's backup scheduler (created once)."""
    global _scheduler
    if _scheduler is None:
        _scheduler = BackupScheduler(app or QApplication.instance())
        _scheduler.lock_lost.connect(_warn_lock_lost)
    return _scheduler


def _show_status(message: str) -> None:
    for w in QApplication.topLevelWidgets():
        bar = getattr(w, "statusBar", None)
        if callable(bar) and w.isVisible():
            bar().showMessage(message, 15000)


def _warn_lock_lost(plan: str) -> None:
    from PySide6.QtWidgets import QApplication

    for w in QApplication.topLevelWidgets():  # its windows turn read-only (nothing more lands)
        handler = getattr(w, "lock_lost_here", None)
        if callable(handler):
            handler(plan)
    QMessageBox.warning(
        None, "Piano preso in carico da un altro computer",
        f"Un altro programma ha preso il controllo del piano «{Path(plan).name}». "
        "Da ora il piano è aperto qui in sola lettura: le modifiche non vengono più salvate. "
        "Per continuare a modificarlo, chiuderlo e riaprirlo quando l'altro lo avrà chiuso.")


# ---------------------------------------------------------------------- menu actions


def _ripristina(main_window: Any, ctx: Context) -> None:
    from ..dialogs.backup import ripristina

    ripristina(main_window, ctx)


def _copia_ora(main_window: Any, ctx: Context) -> None:
    from ...store import backup as backups

    arc = ctx.archive
    if arc.path is None:  # a plan only in memory (no file yet)
        QMessageBox.information(main_window, "Copia di sicurezza",
                                "Il piano non è ancora salvato in un file: non c'è nulla da copiare.")
        return
    try:
        made = backups.make_backup(arc.path, "manuale")
    except PlanError as exc:
        QMessageBox.critical(main_window, "Copia di sicurezza", str(exc))
        return
    QMessageBox.information(main_window, "Copia di sicurezza", f"Copia salvata in:\n{made}")


def _orfani(main_window: Any, ctx: Context) -> None:
    from ...store import backup as backups

    if not offer_orphan_cleanup(main_window) and not backups.orphans():
        QMessageBox.information(main_window, "Copie di piani eliminati",
                                "Non ci sono copie di sicurezza di piani eliminati da più di "
                                f"{backups.ORPHAN_GRACE.days} giorni.")


def _guida(main_window: Any, ctx: Context) -> None:
    from ..dialogs.backup import GuidaDialog

    GuidaDialog(main_window).exec()


def _informazioni(main_window: Any, ctx: Context) -> None:
    from ..dialogs.backup import InformazioniDialog

    arc = getattr(ctx, "archive", None)
    InformazioniDialog(getattr(arc, "path", None), main_window,
                       readonly=bool(getattr(arc, "readonly", False))).exec()


ACTIONS = [
    ActionSpec("&File", "Ripristina da backup…", _ripristina, order=80, needs_write=True,
               object_name="azione_ripristina_backup"),
    ActionSpec("&File", "Crea copia di sicurezza", _copia_ora, order=81,
               object_name="azione_copia_sicurezza"),
    ActionSpec("&File", "Copie di sicurezza di piani eliminati…", _orfani, order=82,
               object_name="azione_copie_orfane"),
    ActionSpec("&?", "Guida di piaodesk", _guida, shortcut="F1", order=10, object_name="azione_guida"),
    ActionSpec("&?", "Informazioni su piaodesk", _informazioni, order=90,
               object_name="azione_informazioni"),
]
