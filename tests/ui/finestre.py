"""Every dialog and every view of piaodesk, built on the demo plan.

Shared by ``test_finestre_schermo.py`` (each fits a 1366×768 screen with a taskbar:
1366×700) and by the screenshot script::

    cd <worktree> && PYTHONPATH=. QT_QPA_PLATFORM=offscreen python tests/ui/finestre.py [CARTELLA]

which renders each window at the size it opens with (at most 1366×700) to PNG files
(default folder ``/tmp/piaodesk-finestre``), to be looked at.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

#: the usable part of a 1366×768 screen with a taskbar
SCREEN_W, SCREEN_H = 1366, 700

SEED = Path(__file__).parents[1] / "exchange" / "data" / "seed000_tabella.txt"


def _packet(win: Any, tmp: Path) -> Any:
    from piaodesk.store import pacchetti as pk
    from piaodesk.store.archive import Archive

    p = tmp / "pacchetto.piao"
    if not p.exists():
        pk.crea_pacchetto(win.archive, "Coordinamento", p)
        with Archive.open(p) as a:  # one change in the settore's copy: something to review
            from piaodesk.domain.model import Obiettivo
            from piaodesk.store.edits import SetFields

            oid = next(o.id for o in a.obiettivi() if o.codice == "PC.1")
            a.apply(SetFields(Obiettivo, oid, {"titolo": "Titolo scritto nel settore"}))
    return pk.analizza(win.archive, p)


def _import_dialog(win: Any) -> Any:
    from piaodesk.ui.dialogs.scambio import importa

    dlg = importa(win, win.ctx, SEED)
    assert dlg is not None
    return dlg


def _verifica(win: Any) -> Any:
    from piaodesk.ui.dialogs.verifica import VerificaWidget

    w = VerificaWidget(win.ctx)
    w.refresh()
    return w


def dialogs(win: Any, tmp: Path) -> dict[str, Callable[[], QWidget]]:
    """name -> factory of every dialog (and free-standing panel) of the application."""
    from piaodesk.ui.dialogs import (
        backup,
        calendario,
        catalogo,
        comuni,
        firma,
        monitoraggio,
        pacchetti,
        parametri,
        piano,
        premi,
        rinnovo,
        rischio,
        sistema_valutazione,
        stampa,
        variazioni,
    )
    from piaodesk.ui.main_window import StartDialog

    ctx = win.ctx
    plan = win.archive.path
    out: dict[str, Callable[[], QWidget]] = {
        "StartDialog": StartDialog,
        "RipristinaDialog": lambda: backup.RipristinaDialog(plan, win),
        "GuidaDialog": lambda: backup.GuidaDialog(win),
        "InformazioniDialog": lambda: backup.InformazioniDialog(plan, win),
        "FirmaDialog": lambda: firma.FirmaDialog(ctx, win),
        "VerificaDialog": lambda: firma.VerificaDialog(ctx, win),
        "NuovoMonitoraggioDialog": lambda: monitoraggio.NuovoMonitoraggioDialog(ctx, win),
        "UnioneDialog": lambda: pacchetti.UnioneDialog(_packet(win, tmp), win),
        "CronologiaDialog": lambda: pacchetti.CronologiaDialog(ctx, None, win),
        "PianoDialog": lambda: piano.PianoDialog(ctx, win),
        "PremiDialog": lambda: premi.PremiDialog(ctx, win),
        "RinnovoDialog": lambda: rinnovo.RinnovoDialog(ctx, win),
        "ImportDialog": lambda: _import_dialog(win),
        "SistemaValutazioneDialog": lambda: sistema_valutazione.SistemaValutazioneDialog(ctx, win),
        # issue 18: the PIAO vocabulary's dialogs
        "VariazioniDialog": lambda: variazioni.VariazioniDialog(ctx, win),
        "NuovaVariazioneDialog": lambda: variazioni.NuovaVariazioneDialog(win),
        "ComuniDialog": lambda: comuni.ComuniDialog(ctx, win),
        "ParametriDialog": lambda: parametri.ParametriDialog(ctx, win),
        "CalendarioDialog": lambda: calendario.CalendarioDialog(ctx, win),
        "CatalogoDialog": lambda: catalogo.CatalogoDialog(ctx, win),
        "ScalaRischioDialog": lambda: rischio.ScalaRischioDialog(ctx, win),
        "VerificaWidget": lambda: _verifica(win),
    }
    for modo in stampa.MODI:
        out[f"StampaDialog-{modo}"] = lambda modo=modo: stampa.StampaDialog(ctx, win, modo)
    return out


def dialog_classes() -> set[str]:
    """Names of every QDialog subclass defined in piaodesk.ui (to check none is left out)."""
    from piaodesk import ui

    names: set[str] = set()
    for info in pkgutil.walk_packages(ui.__path__, "piaodesk.ui."):
        mod = importlib.import_module(info.name)
        for name, obj in vars(mod).items():
            if inspect.isclass(obj) and issubclass(obj, QDialog) and obj.__module__ == mod.__name__:
                names.add(name)
    return names


def views(win: Any) -> Iterator[tuple[str, int]]:
    """(title, tab index) of every tab of the main window (the editor included)."""
    for i in range(win.tabs.count()):
        yield win.tabs.tabText(i).replace("&", ""), i


def show_tab(win: Any, index: int) -> QWidget:
    """Show tab ``index`` (a lazy tab builds its view) and return the view widget."""
    from PySide6.QtWidgets import QApplication

    win.tabs.setCurrentIndex(index)
    QApplication.processEvents()
    tab = win.tabs.widget(index)
    view = getattr(tab, "view", None)
    return view if isinstance(view, QWidget) else tab


def wanted_size(w: QWidget) -> tuple[int, int]:
    """The size a top-level window asks for when it opens: the size it was given (``resize``
    in its constructor) or its size hint, never below its minimum size (hint)."""
    from PySide6.QtCore import Qt

    if w.testAttribute(Qt.WidgetAttribute.WA_Resized):
        size = w.size()
    else:
        size = w.sizeHint()
    mini = w.minimumSizeHint().expandedTo(w.minimumSize())
    return max(size.width(), mini.width()), max(size.height(), mini.height())


def opening_size(w: QWidget) -> tuple[int, int]:
    """The size a window opens with on a 1366×700 screen area."""
    width, height = wanted_size(w)
    return min(width, SCREEN_W), min(height, SCREEN_H)


def main_window(plan: Path, tmp: Path) -> Any:
    from PySide6.QtCore import QSettings

    from piaodesk.store.archive import Archive
    from piaodesk.ui.main_window import MainWindow

    win = MainWindow(Archive.open(plan), QSettings(str(tmp / "ui.ini"), QSettings.Format.IniFormat))
    win.resize(SCREEN_W, SCREEN_H)
    win.show()
    return win


def render(out: Path) -> list[Path]:
    """Write one PNG per view (main window at 1366×700) and per dialog (opening size)."""
    import tempfile

    from piaodesk.app import make_app
    from piaodesk.store.demo import build_demo

    app = make_app(["finestre"])
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="piaodesk-finestre-"))
    build_demo(tmp / "demo.piao").close()
    win = main_window(tmp / "demo.piao", tmp)
    written: list[Path] = []
    for title, i in views(win):
        show_tab(win, i)
        app.processEvents()
        p = out / f"vista-{i:02d}-{title.replace(' ', '_')}.png"
        win.grab().save(str(p))
        written.append(p)
    win.tabs.setCurrentIndex(0)
    for name, factory in dialogs(win, tmp).items():
        dlg = factory()
        wanted = wanted_size(dlg)
        dlg.resize(*opening_size(dlg))
        dlg.show()
        app.processEvents()
        p = out / f"dialogo-{name}.png"
        dlg.grab().save(str(p))
        written.append(p)
        print(f"{name}: chiede {wanted[0]}×{wanted[1]}, minimo {dlg.minimumSizeHint().width()}"
              f"×{dlg.minimumSizeHint().height()}")
        dlg.close()
        dlg.deleteLater()
    win.close()
    app.processEvents()
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/piaodesk-finestre")
    for path in render(target):
        print(path)
