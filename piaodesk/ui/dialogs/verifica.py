"""«Verifica del piano»: every problem that would make a sheet wrong, in a panel docked
in the main window (Piano › Verifica del piano…).

The list comes from :func:`piaodesk.store.valutazioni.verifica` (the rules are in
``domain/verifica.py``): gravità, where, what. It is computed again after every edit
while the panel is visible (once per burst of edits; a hidden panel waits until it is
shown). A double click goes to what the problem concerns: the objective in the editor,
the person in «Valutazione individuale», the unit's objectives, the SMVP dialog.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.verifica import ERRORE, Problema
from ...store.valutazioni import QuadroValutazioni, verifica
from ..context import Context

COLORI = {ERRORE: (QColor("#f8d7da"), QColor("#842029")), "avviso": (QColor("#fff3cd"), QColor("#664d03"))}
ProblemaRole = Qt.ItemDataRole.UserRole + 20


def problemi(ctx: Context) -> list[Problema]:
    """The problems of the plan in the year of ``ctx``: errors first, then warnings."""
    found = verifica(QuadroValutazioni(ctx.archive, ctx.anno or None, leggero=True))
    return sorted(found, key=lambda p: 0 if p.gravita == ERRORE else 1)


def conta(n: int, uno: str, molti: str) -> str:
    """«nessun errore», «1 errore», «3 errori»."""
    return f"nessun {uno}" if n == 0 else f"1 {uno}" if n == 1 else f"{n} {molti}"


class VerificaWidget(QWidget):
    """The list of problems; ``vai`` is emitted with the problem double-clicked."""

    vai = Signal(object)  # Problema

    #: wait this long after an edit before checking again (a burst of edits: one check)
    DELAY_MS = 400

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verificaPiano")
        self.ctx = ctx
        self.problemi: list[Problema] = []
        self._dirty = True
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.riepilogo = QLabel(self)
        self.riepilogo.setWordWrap(True)
        self.aggiorna = QPushButton("Aggiorna", self)
        self.aggiorna.clicked.connect(self.refresh)
        top.addWidget(self.riepilogo, 1)
        top.addWidget(self.aggiorna)
        lay.addLayout(top)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("tabellaProblemi")
        self.table.setHorizontalHeaderLabels(["Gravità", "Dove", "Problema"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setColumnWidth(0, 70)
        self.table.setColumnWidth(1, 340)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.cellDoubleClicked.connect(self._double_click)
        self.table.setToolTip("Doppio clic: va all'obiettivo, alla persona o all'unità")
        lay.addWidget(self.table, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        ctx.hub.changed.connect(self._changed)
        mw = getattr(ctx, "main_window", None)
        if mw is not None and hasattr(mw, "anno_changed"):
            mw.anno_changed.connect(lambda _a: self._changed(None))

    def _changed(self, _ch: Any) -> None:
        self._dirty = True
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self._timer.start(0)

    def refresh(self) -> None:
        self._timer.stop()
        self._dirty = False
        self.problemi = problemi(self.ctx)
        t = self.table
        t.setSortingEnabled(False)
        t.setRowCount(0)
        t.setRowCount(len(self.problemi))
        for r, p in enumerate(self.problemi):
            bg, fg = COLORI.get(p.gravita, (None, None))
            for c, text in enumerate((p.gravita, p.dove, p.messaggio)):
                it = QTableWidgetItem(text)
                it.setData(ProblemaRole, r)
                if bg is not None and c == 0:
                    it.setBackground(QBrush(bg))
                    it.setForeground(QBrush(fg))
                t.setItem(r, c, it)
        t.resizeRowsToContents()
        n_err = sum(1 for p in self.problemi if p.gravita == ERRORE)
        n_avv = len(self.problemi) - n_err
        anno = self.ctx.anno or self.ctx.archive.piano().anno_inizio
        if not self.problemi:
            self.riepilogo.setText(f"Anno {anno}: nessun problema. Le schede si possono stampare.")
        else:
            self.riepilogo.setText(f"Anno {anno}: {conta(n_err, 'errore', 'errori')} e "
                                   f"{conta(n_avv, 'avviso', 'avvisi')}. Gli errori rendono una scheda "
                                   "sbagliata o incompleta. Doppio clic per andare al punto.")

    def problema(self, row: int) -> Problema | None:
        it = self.table.item(row, 0)
        if it is None:
            return None
        return self.problemi[int(it.data(ProblemaRole))]

    def _double_click(self, row: int, _col: int) -> None:
        p = self.problema(row)
        if p is not None:
            self.vai.emit(p)


def vai_a(main_window: Any, ctx: Context, p: Problema) -> bool:
    """Bring forward what a problem concerns; False when it names nothing to go to."""
    if p.obiettivo_id is not None:
        main_window.tabs.setCurrentIndex(0)
        return bool(main_window.select_obiettivo(p.obiettivo_id))
    if p.persona_id is not None:
        view = main_window.view("Valutazione individuale", show=True)
        return bool(view is not None and view.select_persona(p.persona_id))
    if p.unita_id is not None:
        main_window.tabs.setCurrentIndex(0)
        pos = main_window.f_settore.findData(p.unita_id)
        if pos < 0:
            return False
        main_window.f_settore.setCurrentIndex(pos)
        return True
    if p.dove == "Sistema di valutazione":
        from .sistema_valutazione import show_sistema_dialog

        show_sistema_dialog(main_window, ctx)
        return True
    return False


def show_verifica(main_window: Any, ctx: Context) -> VerificaWidget:
    """Show the «Verifica del piano» panel docked at the bottom of the main window."""
    dock = main_window.findChild(QDockWidget, "dockVerifica")
    if dock is None:
        dock = QDockWidget("Verifica del piano", main_window)
        dock.setObjectName("dockVerifica")
        widget = VerificaWidget(ctx, dock)
        widget.vai.connect(lambda p: vai_a(main_window, ctx, p))
        dock.setWidget(widget)
        main_window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        main_window.resizeDocks([dock], [230], Qt.Orientation.Vertical)
    dock.show()
    dock.raise_()
    widget = dock.widget()
    widget.refresh()
    return widget
