"""Risorse finanziarie per settore: budget, impegnato/accertato, Stato avanz. % and
% di assorbimento (domain/bilancio rules, seed 004)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from ...domain.bilancio import RiepilogoBilancio
from ...domain.formats import format_decimal, format_percent
from ...store.bilancio import riepiloghi_per_settore

Index = QModelIndex | QPersistentModelIndex


class BilancioModel(QAbstractTableModel):
    COLUMNS = ("Codice", "Obiettivo / progetto", "Budget (assestato)", "Impegnato", "Stato avanz. spesa",
               "Entrate (assestato)", "Accertato", "Stato avanz. entrate", "% di assorbimento")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rie: RiepilogoBilancio | None = None

    def set_riepilogo(self, rie: RiepilogoBilancio | None) -> None:
        self.beginResetModel()
        self.rie = rie
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.rie is None else len(self.rie.righe) + 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.rie is None:
            return None
        rie, row, col = self.rie, index.row(), index.column()
        totale = row == len(rie.righe)
        if role == Qt.ItemDataRole.DisplayRole:
            if totale:
                values = ("", "Totale settore", format_decimal(rie.totale_budget),
                          format_decimal(rie.totale_impegnato), format_percent(rie.stato_spesa, 1),
                          format_decimal(rie.totale_entrate), format_decimal(rie.totale_accertato),
                          format_percent(rie.stato_entrata, 1), format_percent(rie.assorbimento_totale))
                return values[col]
            r = rie.righe[row]
            values = (r.codice, r.titolo, format_decimal(r.budget), format_decimal(r.impegnato),
                      format_percent(r.stato_spesa, 1), format_decimal(r.entrate),
                      format_decimal(r.accertato), format_percent(r.stato_entrata, 1),
                      format_percent(r.assorbimento))
            return values[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and totale:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.ForegroundRole and not totale and col in (4, 7):
            r = rie.righe[row]
            v = r.stato_spesa if col == 4 else r.stato_entrata
            if v is not None and v > 100:
                return QBrush(QColor("#b45309"))
        if role == Qt.ItemDataRole.ToolTipRole and col == 4:
            return "Impegnato / Assestato × 100 (1 decimale); oltre il 100 % è evidenziato"
        if role == Qt.ItemDataRole.ToolTipRole and col == 7:
            return "Accertato / Assestato × 100 (1 decimale)"
        if role == Qt.ItemDataRole.ToolTipRole and col == 8:
            return "Budget / Totale del settore × 100 (2 decimali, dagli importi non arrotondati)"
        return None


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
        self.model = BilancioModel(self)
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
        for nome, _ in self.blocchi:
            self.settore.addItem(nome)
        pos = self.settore.findText(keep)
        self.settore.setCurrentIndex(pos if pos >= 0 else 0)
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
