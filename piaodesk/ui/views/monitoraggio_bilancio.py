"""Risorse finanziarie per settore: budget, impegnato/accertato, Stato avanz. % and
% di assorbimento (domain/bilancio rules, seed 004)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.bilancio import RiepilogoBilancio
from ...store.bilancio import riepiloghi_per_settore
from ...viste.bilancio import BilancioProjection
from ..models.flat import FlatTableModel

Index = QModelIndex | QPersistentModelIndex

class BilancioModel(FlatTableModel):
    """One settore's summary (the flat adapter over :class:`~piaodesk.viste.bilancio.BilancioProjection`;
    the total row in bold)."""

    projection: BilancioProjection

    def __init__(self, parent: Any = None, ctx: Any = None) -> None:
        super().__init__(ctx, BilancioProjection(), parent, listen=False, load=False)

    @property
    def rie(self) -> RiepilogoBilancio | None:
        return self.projection.rie

    def set_riepilogo(self, rie: RiepilogoBilancio | None) -> None:
        self.projection.set_riepilogo(rie)
        self.reload()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole:
            if index.isValid() and self.row_at(index.row()).totale:
                return _BOLD
            return None
        return super().data(index, role)


_BOLD = QFont()
_BOLD.setBold(True)


class BilancioWidget(QWidget):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("vista_bilancio")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Settore:", self))
        self.settore = QComboBox(self)
        self.settore.setMinimumWidth(360)
        bar.addWidget(self.settore)
        bar.addWidget(QLabel("Anno:", self))
        self.anno = QComboBox(self)
        for a in ctx.archive.piano().anni:
            self.anno.addItem(str(a), a)
        bar.addWidget(self.anno)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.vuoto = QLabel("", self)
        self.vuoto.setWordWrap(True)
        lay.addWidget(self.vuoto)
        self.model = BilancioModel(self, ctx)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        self.blocchi: list[tuple[str, RiepilogoBilancio]] = []
        self.settore.currentIndexChanged.connect(self._show)
        self.anno.currentIndexChanged.connect(self.reload)
        ctx.hub.changed.connect(lambda ch: self.reload() if ch.reset or ch.moved or ch.touches("risorse")
                                or ch.touches("obiettivi") or ch.touches("unita") else None)
        if ctx.anno in ctx.archive.piano().anni:
            self.anno.setCurrentIndex(self.anno.findData(ctx.anno))
        self.reload()

    def reload(self, *_: Any) -> None:
        anno = self.anno.currentData() or self.ctx.archive.piano().anno_inizio
        self.blocchi = riepiloghi_per_settore(self.ctx.archive, anno)
        keep = self.settore.currentText()
        self.settore.blockSignals(True)
        self.settore.clear()
        for nome, _riepilogo in self.blocchi:
            self.settore.addItem(nome)
        pos = self.settore.findText(keep)
        self.settore.setCurrentIndex(max(pos, 0))
        self.settore.blockSignals(False)
        if not self.blocchi:
            self.vuoto.setText(f"Nessuna risorsa finanziaria registrata per il {anno}. Le risorse "
                               "(stanziato/assestato, impegnato, accertato) si inseriscono sugli "
                               "obiettivi o si importano da Excel.")
            self.vuoto.show()
        else:
            self.vuoto.hide()
        self._show()

    def _show(self, *_: Any) -> None:
        i = self.settore.currentIndex()
        self.model.set_riepilogo(self.blocchi[i][1] if 0 <= i < len(self.blocchi) else None)
        for c, w in ((0, 120), (2, 130), (3, 120), (4, 120), (5, 130), (6, 110), (7, 130), (8, 120)):
            self.table.setColumnWidth(c, w)
