"""Every window fits a 1366×768 screen with a taskbar: 1366×700 for its content.

Each dialog (the list in ``finestre.py`` must name every QDialog of piaodesk.ui)
asks for no more than 1366×700 when it opens and can shrink to it; each view of
the main window fits its tab at 1366×700, and Monitoraggio's «% validata»,
«Motivo» and «Salva» are on screen without scrolling.
"""

from __future__ import annotations

import pytest
from finestre import (  # tests/ui/finestre.py
    SCREEN_H,
    SCREEN_W,
    dialog_classes,
    dialogs,
    main_window,
    show_tab,
    views,
    wanted_size,
)
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

pytestmark = pytest.mark.ui


@pytest.fixture
def win(qtbot, demo_path, tmp_path):
    w = main_window(demo_path, tmp_path)
    qtbot.addWidget(w)
    w.resize(SCREEN_W, SCREEN_H)
    QApplication.processEvents()
    yield w
    w.close()


def _fully_visible(w: QWidget) -> bool:
    region = w.visibleRegion()
    return not region.isEmpty() and region.boundingRect().size() == w.size()


def test_every_dialog_class_is_checked(win, tmp_path):
    listed = {name.split("-")[0] for name in dialogs(win, tmp_path)}
    missing = dialog_classes() - listed
    assert not missing, f"dialoghi non controllati (aggiungerli a finestre.py): {sorted(missing)}"


def _strays(dlg: QWidget) -> list[str]:
    """Widgets shown over a tab widget without being one of its pages."""
    out = []
    for tabs in dlg.findChildren(QTabWidget):
        for child in tabs.children():
            if isinstance(child, QWidget) and child.isVisibleTo(dlg) and not child.isWindow() \
                    and child is not tabs.tabBar() and child.objectName() != "qt_tabwidget_stackedwidget":
                out.append(child.objectName() or type(child).__name__)
    return out


def test_every_dialog_fits_1366x700(qtbot, win, tmp_path):
    too_big = []
    for name, factory in dialogs(win, tmp_path).items():
        dlg = factory()
        qtbot.addWidget(dlg)
        dlg.show()
        QApplication.processEvents()
        if _strays(dlg):
            too_big.append(f"{name}: fuori posto {_strays(dlg)}")
        width, height = wanted_size(dlg)
        mini = dlg.minimumSizeHint().expandedTo(dlg.minimumSize())
        if width > SCREEN_W or height > SCREEN_H or mini.width() > SCREEN_W or mini.height() > SCREEN_H:
            too_big.append(f"{name}: chiede {width}×{height}, minimo {mini.width()}×{mini.height()}")
        dlg.close()
    assert not too_big, too_big


def test_every_view_fits_its_tab_at_1366x700(win):
    assert win.minimumSizeHint().height() <= SCREEN_H
    assert win.minimumSizeHint().width() <= SCREEN_W
    titles = []
    for title, i in views(win):
        view = show_tab(win, i)
        QApplication.processEvents()
        titles.append(title)
        room = win.tabs.widget(i).size()
        mini = view.minimumSizeHint()
        assert mini.height() <= room.height(), (title, mini.height(), room.height())
        assert mini.width() <= SCREEN_W, (title, mini.width())
    assert {"Editor", "Monitoraggio", "Scadenze"} <= set(titles)


def test_monitoraggio_validated_reason_and_save_are_on_screen(win):
    index = next(i for title, i in views(win) if title == "Monitoraggio")
    view = show_tab(win, index)
    QApplication.processEvents()
    panel = view.panel
    for w in (panel.validata, panel.motivo, panel.salva):
        assert _fully_visible(w), w.objectName() or type(w).__name__


def test_firma_dialog_buttons_stay_visible_and_form_scrolls(qtbot, win, tmp_path):
    dlg = dialogs(win, tmp_path)["FirmaDialog"]()
    qtbot.addWidget(dlg)
    dlg.resize(dlg.width(), 520)  # a smaller screen still: the form scrolls
    dlg.show()
    QApplication.processEvents()
    assert _fully_visible(dlg.firma_button)
    assert dlg.findChild(QWidget, "area_scorrevole").verticalScrollBar().maximum() > 0
