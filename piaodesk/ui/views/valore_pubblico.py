"""«Valore pubblico» tab (issue 18 point 1): the obiettivi di valore pubblico as their own list, each
with its DUP strategy, and the performance objectives that serve it (many-to-many).

Left, the values (a grid: each cell an undoable edit; «+ Valore» / «− Valore» add and delete). Right,
the plan's objectives with a check for those linked to the selected value; an objective linked
through an ancestor shows it in grey (it already serves it). Every change is one undoable step.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.fields import label
from ...domain.valore_pubblico import AMBITI, ObiettivoValorePubblico
from ...store import valore_pubblico as vp_store
from ...store.changes import Changes
from ...store.edits import DeleteRow, InsertRow, SetFields
from ..context import Context

COLONNE = ("codice", "titolo", "ambito", "linea_dup", "indirizzo_dup", "responsabile_politico", "stakeholder")
#: short headers for the grid (the full label is the tooltip), and widths in pixels (0 = stretch)
TESTATE = ("Codice", "Titolo", "Ambito", "Linea DUP", "Indirizzo DUP", "Resp. politico", "Stakeholder")
LARGHEZZE = (56, 0, 80, 120, 120, 100, 90)
Index = QModelIndex | QPersistentModelIndex


class ValorePubblicoModel(QAbstractTableModel):
    """Thin adapter: rows read from the store, each edit pushed as a ``SetFields``."""

    def __init__(self, ctx: Context, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.righe: list[ObiettivoValorePubblico] = []
        self.conteggi: dict[int, int] = {}
        self.ricarica()

    def ricarica(self) -> None:
        self.beginResetModel()
        self.righe = vp_store.elenco(self.ctx.archive)
        self.conteggi = {}
        for lg in vp_store.legami(self.ctx.archive):
            self.conteggi[lg.vp_id] = self.conteggi.get(lg.vp_id, 0) + 1
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.righe)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLONNE) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return TESTATE[section] if section < len(COLONNE) else "Obiettivi"
        if role == Qt.ItemDataRole.ToolTipRole:
            return (label(ObiettivoValorePubblico, COLONNE[section]) if section < len(COLONNE)
                    else "Obiettivi collegati direttamente")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        v = self.righe[index.row()]
        if index.column() == len(COLONNE):
            if role == Qt.ItemDataRole.DisplayRole:
                return str(self.conteggi.get(v.id or 0, 0))
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole):
            return getattr(v, COLONNE[index.column()]) or ""
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and index.column() < len(COLONNE) and not self.ctx.readonly:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() >= len(COLONNE):
            return False
        v = self.righe[index.row()]
        key = COLONNE[index.column()]
        testo = str(value or "").strip()
        if (getattr(v, key) or "") == testo:
            return False  # an untouched cell writes nothing
        if key == "titolo" and not testo:
            self.ctx.hub.error.emit("Il titolo dell'obiettivo di valore pubblico non può essere vuoto.")
            return False
        valore = testo if key == "titolo" else (testo or None)
        return self.ctx.push(SetFields(ObiettivoValorePubblico, v.id or 0, {key: valore},
                                       label=f"Valore pubblico: {label(ObiettivoValorePubblico, key)}"))


class ValorePubblicoView(QWidget):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = ValorePubblicoModel(ctx, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        hh = self.table.horizontalHeader()
        for c, w in enumerate(LARGHEZZE):
            if w:
                self.table.setColumnWidth(c, w)
        self.table.setColumnWidth(len(COLONNE), 60)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip("Ambiti suggeriti: " + ", ".join(AMBITI))
        self.aggiungi = QPushButton("+ Valore")
        self.aggiungi.setToolTip("Aggiunge un obiettivo di valore pubblico")
        self.elimina = QPushButton("− Valore")
        self.elimina.setToolTip("Elimina l'obiettivo di valore pubblico selezionato (e i suoi collegamenti)")
        self.aggiungi.clicked.connect(self.nuovo)
        self.elimina.clicked.connect(self.cancella)
        sinistra = QWidget()
        sl = QVBoxLayout(sinistra)
        sl.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>Obiettivi di valore pubblico</b> (PIAO, sottosezione 2.1)"))
        bar.addStretch(1)
        bar.addWidget(self.aggiungi)
        bar.addWidget(self.elimina)
        sl.addLayout(bar)
        sl.addWidget(self.table)
        self.cerca = QLineEdit()
        self.cerca.setPlaceholderText("Cerca codice o titolo…")
        self.cerca.setClearButtonEnabled(True)
        self.cerca.textChanged.connect(self._filtra)
        self.obiettivi = QTreeWidget()
        self.obiettivi.setHeaderLabels(["Obiettivi che lo perseguono"])
        self.obiettivi.itemChanged.connect(self._spunta)
        self.obiettivi.itemExpanded.connect(self._figli)
        self._diretti: set[int] = set()
        self.nota = QLabel()
        self.nota.setWordWrap(True)
        destra = QWidget()
        dl = QVBoxLayout(destra)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.nota)
        dl.addWidget(self.cerca)
        dl.addWidget(self.obiettivi)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(sinistra)
        split.addWidget(destra)
        split.setSizes([900, 460])
        lay = QVBoxLayout(self)
        lay.addWidget(split)
        self._items: dict[int, QTreeWidgetItem] = {}
        self._riempiendo = False
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._collegamenti())
        ctx.hub.changed.connect(self._changed)
        self._costruisci_albero()
        if self.model.righe:
            self.table.selectRow(0)
        self._collegamenti()

    # ----------------------------------------------------------------- selection

    def selezionato(self) -> ObiettivoValorePubblico | None:
        rows = self.table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self.model.righe):
            return self.model.righe[rows[0].row()]
        return None

    def seleziona(self, vid: int | None) -> None:
        for r, v in enumerate(self.model.righe):
            if v.id == vid:
                self.table.selectRow(r)
                return

    # ----------------------------------------------------------------- refresh

    def _changed(self, ch: Changes) -> None:
        if ch.reset or ch.touches("obiettivi"):
            self._costruisci_albero()
        if ch.reset or ch.touches("valore_pubblico") or ch.touches("vp_obiettivi") or ch.touches("obiettivi"):
            scelto = self.selezionato()
            self.model.ricarica()
            self.seleziona(scelto.id if scelto else None)
            if self.selezionato() is None and self.model.righe:
                self.table.selectRow(0)
            self._collegamenti()

    def _costruisci_albero(self) -> None:
        """The objectives' top level; children are read when a node is opened (a 10.000-objective
        plan shows at once) or when a search needs them."""
        self._riempiendo = True
        self.obiettivi.clear()
        self._items = {}
        for o in self.ctx.archive.figli(None, "obiettivi"):
            self._aggiungi(o, None)
        self._riempiendo = False
        if self.cerca.text().strip():
            self._filtra(self.cerca.text())

    def _aggiungi(self, o: Any, parent: QTreeWidgetItem | None) -> QTreeWidgetItem:
        item = QTreeWidgetItem([f"{o.codice} {o.titolo}".strip()])
        item.setData(0, Qt.ItemDataRole.UserRole, o.id)
        item.setToolTip(0, o.titolo)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(0, Qt.CheckState.Unchecked)
        item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
        (parent.addChild(item) if parent is not None else self.obiettivi.addTopLevelItem(item))
        self._items[o.id or 0] = item
        return item

    def _figli(self, item: QTreeWidgetItem) -> None:
        """Read a node's children the first time it is opened."""
        if item.data(0, Qt.ItemDataRole.UserRole + 1):
            return
        item.setData(0, Qt.ItemDataRole.UserRole + 1, True)
        was = self._riempiendo
        self._riempiendo = True
        figli = self.ctx.archive.figli(int(item.data(0, Qt.ItemDataRole.UserRole)), "obiettivi")
        for o in figli:
            self._aggiungi(o, item)
        if not figli:
            item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.DontShowIndicator)
        self._riempiendo = was
        self._segna(item)

    def _apri_fino(self, oid: int) -> QTreeWidgetItem | None:
        """Build the path down to ``oid`` (its ancestors opened) and return its item."""
        catena: list[int] = []
        cur: int | None = oid
        while cur is not None and cur not in self._items:
            catena.append(cur)
            ob = self.ctx.archive.obiettivo(cur)
            cur = ob.parent_id if ob is not None else None
        for x in reversed(catena):
            ob = self.ctx.archive.obiettivo(x)
            parent = self._items.get(ob.parent_id) if ob is not None and ob.parent_id is not None else None
            if parent is not None:
                self._figli(parent)
        return self._items.get(oid)

    def _collegamenti(self) -> None:
        v = self.selezionato()
        self.elimina.setEnabled(v is not None and not self.ctx.readonly)
        self.aggiungi.setEnabled(not self.ctx.readonly)
        self.obiettivi.setEnabled(v is not None and not self.ctx.readonly)
        self._diretti = set(vp_store.collegati(self.ctx.archive, v.id or 0)) if v else set()
        for oid in self._diretti:  # the linked objectives are shown, their ancestors opened
            item = self._apri_fino(oid)
            p = item.parent() if item is not None else None
            while p is not None:
                p.setExpanded(True)
                p = p.parent()
        self._riempiendo = True
        for item in self._items.values():
            self._segna_uno(item)
        self._riempiendo = False
        if v is None:
            self.nota.setText("Aggiungere un obiettivo di valore pubblico con «+ Valore», poi spuntare gli "
                              "obiettivi di performance che lo perseguono.")
        else:
            self.nota.setText(f"<b>{v.etichetta}</b>: {len(self._diretti)} obiettivi collegati direttamente "
                              "(in grigio quelli che lo perseguono tramite l'obiettivo superiore).")

    def _segna(self, parent: QTreeWidgetItem) -> None:
        was = self._riempiendo
        self._riempiendo = True
        for k in range(parent.childCount()):
            child = parent.child(k)
            if child is not None:
                self._segna_uno(child)
        self._riempiendo = was

    def _segna_uno(self, item: QTreeWidgetItem) -> None:
        oid = item.data(0, Qt.ItemDataRole.UserRole)
        diretto = oid in self._diretti
        p = item.parent()
        ereditato = False
        while p is not None and not diretto:
            if p.data(0, Qt.ItemDataRole.UserRole) in self._diretti:
                ereditato = True
                break
            p = p.parent()
        item.setCheckState(0, Qt.CheckState.Checked if diretto else Qt.CheckState.Unchecked)
        item.setForeground(0, QBrush(QColor("#777777")) if ereditato else QBrush())
        item.setToolTip(0, "Persegue questo valore tramite l'obiettivo superiore" if ereditato else
                        item.text(0))

    def _filtra(self, testo: str) -> None:
        t = testo.strip().lower()
        if t:  # a search looks at every objective: the matches are built and their paths opened
            for o in self.ctx.archive.obiettivi("obiettivi"):
                if t in f"{o.codice} {o.titolo}".lower() and o.id is not None:
                    self._apri_fino(o.id)
        for item in self._items.values():
            item.setHidden(bool(t) and t not in item.text(0).lower())
        if t:
            for item in self._items.values():
                if not item.isHidden():
                    p = item.parent()
                    while p is not None:
                        p.setHidden(False)
                        p.setExpanded(True)
                        p = p.parent()

    # ----------------------------------------------------------------- edits

    def _spunta(self, item: QTreeWidgetItem, _col: int) -> None:
        if self._riempiendo:
            return
        v = self.selezionato()
        oid = item.data(0, Qt.ItemDataRole.UserRole)
        if v is None or v.id is None or oid is None:
            return
        if item.checkState(0) == Qt.CheckState.Checked:
            self.ctx.push(vp_store.collega(v.id, int(oid)))
        else:
            edit = vp_store.scollega(self.ctx.archive, v.id, int(oid))
            if edit is not None:
                self.ctx.push(edit)
        self._collegamenti()

    def nuovo(self) -> int | None:
        n = len(self.model.righe) + 1
        codici = {v.codice for v in self.model.righe}
        while f"VP{n}" in codici:
            n += 1
        edit = InsertRow(ObiettivoValorePubblico(codice=f"VP{n}", titolo="Nuovo obiettivo di valore pubblico"),
                         "Aggiungi obiettivo di valore pubblico")
        if not self.ctx.push(edit):
            return None
        self.model.ricarica()
        self.seleziona(edit.row_id)
        idx = self.model.index(self.table.currentIndex().row() if self.selezionato() else 0, 1)
        self.table.setCurrentIndex(idx)
        return edit.row_id

    def cancella(self) -> bool:
        v = self.selezionato()
        if v is None or v.id is None:
            return False
        return self.ctx.push(DeleteRow(ObiettivoValorePubblico, v.id, f"Elimina «{v.etichetta}»"))
