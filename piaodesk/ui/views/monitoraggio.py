"""Tab «Monitoraggio»: a round's values and % per objective, the dialogue with the Nucleo,
the comparison across rounds and the budget summary.

Every change goes through ``ctx.push`` (undoable); a closed round is shown
read-only and its edits are refused with an Italian message.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ...domain import validazione
from ...domain import monitoraggio as rules
from ...domain.formats import format_date, format_percent
from ...domain.model import Indicatore, Obiettivo
from ...store import monitoraggio as store
from ...store.db import PlanError
from ...store.edits import Batch

Index = QModelIndex | QPersistentModelIndex

TABLES = {"monitoraggi", "rilevazioni", "stati_avanzamento", "indicatori", "obiettivi", "misure",
          "fasi", "impostazioni"}
STRUCTURE = {"indicatori", "obiettivi", "monitoraggi"}

EDITABILE = QColor("#fffbe6")
DIVERSO = QColor("#b45309")
GRIGIO = QColor("#6b7280")


#: objective fields that enter the round's figures (an edit of others only renames rows)
_OB_CALC = frozenset({"peso", "parent_id", "posizione", "anni", "stato", "ramo", "livello"})


def _differences(old: store.Round, new: store.Round) -> set[tuple[str, int]]:
    """Rows whose figures differ between two readings of a round."""
    out: set[tuple[str, int]] = set()
    for oid in set(old.calcolate) | set(new.calcolate) | set(old.stati) | set(new.stati):
        if old.calcolate.get(oid) != new.calcolate.get(oid) or old.stati.get(oid) != new.stati.get(oid):
            out.add(("o", oid))
    for iid in set(old.rilevazioni) | set(new.rilevazioni):
        if old.rilevazioni.get(iid) != new.rilevazioni.get(iid):
            out.add(("i", iid))
    return out


class _Nodo:
    __slots__ = ("kind", "obj", "parent", "children", "row")

    def __init__(self, kind: str, obj: Any, parent: _Nodo | None, row: int) -> None:
        self.kind, self.obj, self.parent, self.row = kind, obj, parent, row
        self.children: list[_Nodo] = []


class RoundModel(QAbstractItemModel):
    """Objectives (tree) with their indicators as children, at one round."""

    COLUMNS = ("Obiettivo / indicatore", "Target", "Valore alla data", "% raggiung.",
               "% calcolata", "% validata", "Motivo dell'override")
    C_TITOLO, C_TARGET, C_VALORE, C_RAGG, C_CALC, C_VALID, C_MOTIVO = range(7)

    refused = Signal(str)

    def __init__(self, ctx: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.mid: int | None = None
        self.rnd: store.Round | None = None
        self.roots: list[_Nodo] = []
        self._previous: list[_Nodo] = []
        self._nodes: dict[tuple[str, int], _Nodo] = {}  # ("o", objective) / ("i", indicator)
        ctx.hub.changed.connect(self._on_changes)

    # -- loading

    def set_round(self, mid: int | None) -> None:
        self.beginResetModel()
        self.mid = mid
        self._load()
        self.endResetModel()

    def _load(self) -> None:
        self._previous = self.roots  # stale indexes may still point at these nodes: keep them alive
        self.roots = []
        self.rnd = None
        if self.mid is None or self.ctx.archive.get(store.Monitoraggio, self.mid) is None:
            self.mid = None
            return
        self.rnd = store.leggi_round(self.ctx.archive, self.mid)
        nodes: dict[int, _Nodo] = {}
        for o in self.rnd.obiettivi:
            parent = nodes.get(o.parent_id or -1)
            siblings = parent.children if parent else self.roots
            node = _Nodo("o", o, parent, len(siblings))
            siblings.append(node)
            nodes[o.id or 0] = node
        self._nodes = {("o", oid): n for oid, n in nodes.items()}
        for oid, node in nodes.items():
            for ind in self.rnd.indicatori.get(oid, []):
                child = _Nodo("i", ind, node, len(node.children))
                node.children.append(child)
                self._nodes[("i", ind.id or 0)] = child

    def _on_changes(self, ch: Any) -> None:
        if self.mid is None and not ch.touches("monitoraggi"):
            return
        if not (ch.tables() & TABLES):
            return
        if ch.reset or ch.moved or ch.tables() & STRUCTURE and (ch.inserted.keys() | ch.deleted.keys()) & STRUCTURE:
            self.set_round(self.mid)
            return
        if self.rnd is None or self.mid is None:
            return
        arc = self.ctx.archive
        touched: set[tuple[str, int]] = set()
        shown_only = {"obiettivi"} >= ch.tables() and not any(
            f & _OB_CALC for f in ch.updated.get("obiettivi", {}).values())
        if shown_only:
            # names, codes, descriptions: the round's figures stay; the records are read again
            for oid in ch.updated.get("obiettivi", {}):
                node, ob = self._nodes.get(("o", oid)), arc.get(Obiettivo, oid)
                if node is not None and ob is not None:
                    node.obj = ob
                    touched.add(("o", oid))
        else:
            old = self.rnd
            # values only: those rows read again; otherwise the round read again
            self.rnd = store.aggiorna_round(arc, old, ch) or store.leggi_round(arc, self.mid)
            for o in self.rnd.obiettivi:  # the nodes show the new records
                node = self._nodes.get(("o", o.id or 0))
                if node is not None:
                    node.obj = o
            for inds in self.rnd.indicatori.values():
                for ind in inds:
                    node = self._nodes.get(("i", ind.id or 0))
                    if node is not None:
                        node.obj = ind
            touched = _differences(old, self.rnd) | {("o", oid) for oid in ch.updated.get(
                "obiettivi", {})} | {("i", iid) for iid in ch.updated.get("indicatori", {})}
        self._repaint(touched)

    def _repaint(self, keys: set[tuple[str, int]]) -> None:
        """Tell the view which rows changed: one signal each (a few), or one for all."""
        if len(keys) > 200:
            if self.roots:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self.roots) - 1,
                                                                   len(self.COLUMNS) - 1))
            return
        last = len(self.COLUMNS) - 1
        for key in keys:
            node = self._nodes.get(key)
            if node is not None:
                self.dataChanged.emit(self.createIndex(node.row, 0, node),
                                      self.createIndex(node.row, last, node))

    # -- Qt model API

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        if column < 0 or column >= len(self.COLUMNS) or row < 0:
            return QModelIndex()
        siblings = self.roots if not parent.isValid() else parent.internalPointer().children
        if row >= len(siblings):
            return QModelIndex()
        return self.createIndex(row, column, siblings[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node: _Nodo = index.internalPointer()
        if node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if parent.column() > 0:
            return 0
        if not parent.isValid():
            return len(self.roots)
        return len(parent.internalPointer().children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable(index):
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def _editable(self, index: Index) -> bool:
        node: _Nodo = index.internalPointer()
        return (node.kind == "i" and index.column() in (self.C_TARGET, self.C_VALORE)
                and self.rnd is not None and not self.rnd.chiuso and not self.ctx.readonly)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.rnd is None:
            return None
        node: _Nodo = index.internalPointer()
        col = index.column()
        if node.kind == "o":
            return self._data_obiettivo(node.obj, col, role)
        return self._data_indicatore(node.obj, col, role, index)

    def _data_obiettivo(self, o: Obiettivo, col: int, role: int) -> Any:
        rnd = self.rnd
        assert rnd is not None
        oid = o.id or 0
        st = rnd.stati.get(oid)
        calc, val = rnd.calcolata(oid), rnd.validata(oid)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == self.C_TITOLO:
                return f"{o.codice}  {o.titolo}".strip()
            if col == self.C_CALC:
                return format_percent(calc)
            if col == self.C_VALID:
                return format_percent(val)
            if col == self.C_MOTIVO:
                return (st.motivo_override or "") if st else ""
            return None
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(o.parent_id is None or col == self.C_VALID and val is not None and val != calc)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and col == self.C_VALID and val is not None and val != calc:
            return QBrush(DIVERSO)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.C_TITOLO:
                return f"{o.codice} {o.titolo}"
            if col == self.C_MOTIVO and st and st.motivo_override:
                return st.motivo_override
            if col in (self.C_CALC, self.C_VALID):
                return ("% calcolata dal motore di valutazione con i valori del monitoraggio; "
                        "% validata dal Nucleo di Valutazione (diversa solo con motivazione).")
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.C_CALC, self.C_VALID):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _data_indicatore(self, ind: Indicatore, col: int, role: int, index: Index) -> Any:
        rnd = self.rnd
        assert rnd is not None
        r = rnd.rilevazioni.get(ind.id or 0)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == self.C_TITOLO:
                return ind.descrizione
            if col == self.C_TARGET:
                return (r.target_testo or rules.testo_valore(r.target, ind.tipo)) if r else ""
            if col == self.C_VALORE:
                return (r.valore_testo or rules.testo_valore(r.valore, ind.tipo)) if r else ""
            if col == self.C_RAGG:
                if r is None:
                    return ""
                ris = rules.risultato_round(ind, rules.ValoreRound(r.target, r.valore, r.target_testo))
                return format_percent(ris.perc)
            return None
        if role == Qt.ItemDataRole.BackgroundRole and self._editable(index):
            return QBrush(EDITABILE)
        if role == Qt.ItemDataRole.ForegroundRole and col == self.C_TITOLO:
            return QBrush(GRIGIO)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.C_TARGET, self.C_VALORE, self.C_RAGG):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.C_TITOLO:
                return (f"{ind.descrizione}\nPolarità: {ind.polarita.label}; "
                        f"aggregazione: {ind.aggregazione.label}; peso: {ind.peso or '—'}")
            if col == self.C_VALORE and rnd.chiuso:
                return "Monitoraggio chiuso: valore congelato"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.mid is None:
            return False
        node: _Nodo = index.internalPointer()
        if node.kind != "i":
            return False
        text = "" if value is None else str(value)
        key = "valore_testo" if index.column() == self.C_VALORE else "target_testo"
        if index.column() not in (self.C_VALORE, self.C_TARGET):
            return False
        try:  # the one check of the values typed in every grid (domain/validazione.py)
            validazione.valore_indicatore(text, node.obj.tipo)
        except validazione.ValoreNonValido as exc:
            self.refused.emit(str(exc))
            return False
        try:
            edit = store.imposta_rilevazione(self.ctx.archive, self.mid, node.obj.id,
                                             rnd=self.rnd, **{key: text})
        except PlanError as exc:
            self.refused.emit(str(exc))
            return False
        return self.ctx.push(edit)

    # -- helpers for the view

    def nodo(self, index: Index) -> _Nodo | None:
        return index.internalPointer() if index.isValid() else None


class DialogoPanel(QFrame):
    """The monitoring dialogue of one objective and its validated %."""

    message = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.mid: int | None = None
        self.oid: int | None = None
        self.setObjectName("pannello_dialogo")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 4, 4)
        self.titolo = QLabel("Selezionare un obiettivo", self)
        self.titolo.setWordWrap(True)
        f = self.titolo.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.1)
        self.titolo.setFont(f)
        lay.addWidget(self.titolo)
        self.relazione = self._text("Relazione del Settore sullo stato di avanzamento")
        self.osservazioni = self._text("Eventuali osservazioni del Nucleo di Valutazione")
        self.risposta = self._text("Eventuale risposta del Settore alle osservazioni")
        for label, w in (("Relazione del Settore", self.relazione),
                         ("Osservazioni del Nucleo di Valutazione", self.osservazioni),
                         ("Risposta del Settore", self.risposta)):
            lay.addWidget(QLabel(label, self))
            lay.addWidget(w, 1)
        form = QFormLayout()
        self.calcolata = QLabel("—", self)
        form.addRow("% calcolata:", self.calcolata)
        self.validata = QLineEdit(self)
        self.validata.setPlaceholderText("uguale alla calcolata (vuoto: non validata)")
        self.validata.setMaximumWidth(260)
        form.addRow("% validata dal Nucleo:", self.validata)
        self.motivo = QPlainTextEdit(self)
        self.motivo.setPlaceholderText("Obbligatoria se la % validata è diversa da quella calcolata")
        self.motivo.setMaximumHeight(64)
        form.addRow("Motivo dell'override:", self.motivo)
        lay.addLayout(form)
        self.errore = QLabel("", self)
        self.errore.setObjectName("errore_dialogo")
        self.errore.setWordWrap(True)
        self.errore.setStyleSheet("color: #b91c1c;")
        self.errore.hide()
        lay.addWidget(self.errore)
        row = QHBoxLayout()
        row.addStretch(1)
        self.salva = QPushButton("Salva", self)
        self.salva.setObjectName("salva_dialogo")
        self.salva.clicked.connect(self.save)
        row.addWidget(self.salva)
        lay.addLayout(row)
        self.set_objective(None, None)

    def _text(self, placeholder: str) -> QPlainTextEdit:
        w = QPlainTextEdit(self)
        w.setPlaceholderText(placeholder)
        w.setMinimumHeight(48)
        return w

    def set_objective(self, mid: int | None, oid: int | None, rnd: store.Round | None = None) -> None:
        """Show an objective; ``rnd`` is the round already read by the grid (no re-read)."""
        self.mid, self.oid = mid, oid
        self.errore.hide()
        if rnd is None or rnd.monitoraggio.id != mid:
            rnd = store.leggi_round(self.ctx.archive, mid) if mid is not None else None
        ob = self.ctx.archive.obiettivo(oid) if oid is not None else None
        enabled = rnd is not None and ob is not None
        st = rnd.stati.get(oid) if enabled and rnd else None
        self.titolo.setText(f"{ob.codice}  {ob.titolo}" if ob else "Selezionare un obiettivo")
        self._shown: dict[int, str] = {}
        for w, text in ((self.relazione, st.relazione_settore if st else ""),
                        (self.osservazioni, st.osservazioni_nucleo if st else ""),
                        (self.risposta, st.risposta_settore if st else ""),
                        (self.motivo, st.motivo_override if st else "")):
            w.setPlainText(_plain(text or ""))
            self._shown[id(w)] = w.toPlainText()
        calc = rnd.calcolata(oid) if enabled and rnd and oid is not None else None
        self.calcolata.setText(format_percent(calc) or "non calcolabile")
        self.validata.setText(format_percent(st.perc_validata).replace(" %", "")
                              if st and st.perc_validata is not None else "")
        writable = enabled and rnd is not None and not rnd.chiuso and not self.ctx.readonly
        for w in (self.relazione, self.osservazioni, self.risposta, self.motivo):
            w.setReadOnly(not writable)
        self.validata.setReadOnly(not writable)
        self.salva.setEnabled(writable)
        self.setEnabled(enabled)

    def save(self) -> bool:
        """Save texts and validated % as one undoable step; refuse an override without reason."""
        if self.mid is None or self.oid is None:
            return False
        arc = self.ctx.archive
        try:
            edits = []
            dialogo = store.imposta_dialogo(arc, self.mid, self.oid,
                                            relazione_settore=self._changed(self.relazione),
                                            osservazioni_nucleo=self._changed(self.osservazioni),
                                            risposta_settore=self._changed(self.risposta))
            if dialogo is not None:
                edits.append(dialogo)
            rnd = store.leggi_round(arc, self.mid)
            st = rnd.stati.get(self.oid)
            text = self.validata.text().strip().replace("%", "").strip()
            motivo = self.motivo.toPlainText().strip() or None
            new_val = rules.arrotonda(_parse_perc(text)) if text else None
            if text and new_val is None:
                raise PlanError(f"«{text}» non è una percentuale: scrivere ad esempio 100 o 96,74.")
            old_val = st.perc_validata if st else None
            old_mot = (st.motivo_override or None) if st else None
            if new_val != old_val or (new_val is not None and motivo != old_mot):
                msg = rules.errore_validata(rnd.calcolata(self.oid), new_val, motivo)
                if msg:
                    raise store.OverrideSenzaMotivo(msg)
                edits.append(store.imposta_validata(arc, self.mid, self.oid, new_val, motivo))
        except PlanError as exc:
            self._error(str(exc))
            return False
        self.errore.hide()
        if not edits:
            return True
        edit = edits[0] if len(edits) == 1 else Batch(edits, edits[0].label)
        ok = self.ctx.push(edit)
        if ok:
            self.message.emit("Stato di avanzamento salvato.")
        return ok

    def _changed(self, w: QPlainTextEdit) -> str | None:
        """The text to save, or None when untouched (keeps the stored HTML of imported texts)."""
        text = w.toPlainText()
        return None if text == self._shown.get(id(w)) else text

    def _error(self, text: str) -> None:
        self.errore.setText(text)
        self.errore.show()
        self.message.emit(text)


def _parse_perc(text: str) -> Decimal | None:
    from ...domain.formats import parse_decimal

    return parse_decimal(text)


def _plain(text: str) -> str:
    """Seed texts carry HTML (<p>, <ul>): show them as plain paragraphs."""
    import html
    import re

    if "<" not in text:
        return text
    text = re.sub(r"(?i)<\s*(br|/p|/li)\s*/?>", "\n", text)
    text = re.sub(r"(?i)<li[^>]*>", "• ", text)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(re.sub(r"\n{3,}", "\n\n", text)).strip()


class MonitoraggioView(QWidget):
    """The «Monitoraggio» tab."""

    message = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("vista_monitoraggio")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Monitoraggio:", self))
        self.rounds = QComboBox(self)
        self.rounds.setObjectName("scelta_monitoraggio")
        self.rounds.setMinimumWidth(360)
        bar.addWidget(self.rounds)
        self.stato = QLabel("", self)
        self.stato.setObjectName("stato_monitoraggio")
        bar.addWidget(self.stato)
        bar.addStretch(1)
        self.nuovo = QPushButton("Nuovo monitoraggio…", self)
        self.rileva = QPushButton("Rileva i valori", self)
        self.rileva.setToolTip("Prende i valori degli indicatori alla data del monitoraggio "
                               "(solo dove mancano)")
        self.chiudi = QPushButton("Chiudi il monitoraggio", self)
        self.chiudi.setObjectName("chiudi_monitoraggio")
        self.riapri = QPushButton("Riapri", self)
        for b in (self.nuovo, self.rileva, self.chiudi, self.riapri):
            bar.addWidget(b)
        lay.addLayout(bar)
        self.banner = QLabel("", self)
        self.banner.setObjectName("avviso_monitoraggio")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #eef2ff; border: 1px solid #c7d2fe; "
                                  "padding: 4px 8px; }")
        lay.addWidget(self.banner)

        self.tabs = QTabWidget(self)
        lay.addWidget(self.tabs, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.model = RoundModel(ctx, self)
        self.tree = QTreeView(split)
        self.tree.setObjectName("griglia_monitoraggio")
        self.tree.setModel(self.model)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QTreeView.EditTrigger.DoubleClicked | QTreeView.EditTrigger.EditKeyPressed
                                  | QTreeView.EditTrigger.AnyKeyPressed)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((340, 110, 110, 90, 90, 90)):
            self.tree.setColumnWidth(col, width)
        self.panel = DialogoPanel(ctx, split)
        split.addWidget(self.tree)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([900, 440])
        self.tabs.addTab(split, "Stato di avanzamento")

        from .monitoraggio_confronto import ConfrontoWidget

        self.confronto = ConfrontoWidget(ctx, self)
        self.tabs.addTab(self.confronto, "Confronto tra monitoraggi")
        from .monitoraggio_bilancio import BilancioWidget

        self.bilancio = BilancioWidget(ctx, self)
        self.tabs.addTab(self.bilancio, "Risorse finanziarie")

        self.rounds.currentIndexChanged.connect(self._round_changed)
        self.tree.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.refused.connect(self._refused)
        self.model.modelReset.connect(self._expand)
        self.panel.message.connect(self.message)
        self.nuovo.clicked.connect(self.new_round)
        self.rileva.clicked.connect(self.take_values)
        self.chiudi.clicked.connect(self.close_round)
        self.riapri.clicked.connect(self.reopen_round)
        ctx.hub.changed.connect(self._on_changes)
        ctx.hub.error.connect(self._refused)
        self._fill_rounds()

    # -- rounds

    def current_round(self) -> int | None:
        data = self.rounds.currentData()
        return int(data) if data is not None else None

    def _fill_rounds(self, select: int | None = None) -> None:
        keep = select if select is not None else self.current_round()
        self.rounds.blockSignals(True)
        self.rounds.clear()
        rounds = self.ctx.archive.monitoraggi()
        for m in rounds:
            stato = "chiuso" if m.stato == store.StatoMonitoraggio.CHIUSO else "aperto"
            self.rounds.addItem(f"{m.nome} — al {format_date(m.data)} ({stato})", m.id)
        if not rounds:
            self.rounds.addItem("Nessun monitoraggio: aprirne uno con «Nuovo monitoraggio…»", None)
        pos = self.rounds.findData(keep) if keep is not None else -1
        if pos < 0 and rounds:
            pos = len(rounds) - 1
        self.rounds.setCurrentIndex(max(pos, 0))
        self.rounds.blockSignals(False)
        if self.current_round() != self.model.mid or self.model.rnd is None:
            self._round_changed()
        else:
            self.panel.set_objective(self.model.mid, self.panel.oid, self.model.rnd)
            self._update_state()

    def _round_changed(self, *_: Any) -> None:
        mid = self.current_round()
        self.ctx.extra["monitoraggio_corrente"] = mid
        self.model.set_round(mid)
        self.panel.set_objective(mid, None, self.model.rnd)
        self._update_state()

    def _update_state(self) -> None:
        rnd = self.model.rnd
        ro = self.ctx.readonly
        self.rileva.setEnabled(rnd is not None and not rnd.chiuso and not ro)
        self.chiudi.setEnabled(rnd is not None and not rnd.chiuso and not ro)
        self.riapri.setEnabled(rnd is not None and rnd.chiuso and not ro)
        self.nuovo.setEnabled(not ro)
        if rnd is None:
            self.stato.setText("")
            self.banner.setText("Nessun monitoraggio nel piano. Un monitoraggio (stato di avanzamento) "
                                "fotografa i valori degli indicatori a una data, es. 30/06 o 31/12.")
            return
        m = rnd.monitoraggio
        if rnd.chiuso:
            self.stato.setText(f"Chiuso il {format_date(m.chiuso_il)}")
            self.banner.setText(f"Monitoraggio chiuso il {format_date(m.chiuso_il)}: valori e percentuali "
                                "sono congelati (sola lettura). Per correggerli usare «Riapri».")
            self.banner.setStyleSheet("QLabel { background: #f3f4f6; border: 1px solid #d1d5db; "
                                      "padding: 4px 8px; }")
        else:
            self.stato.setText("Aperto")
            missing = "" if rnd.rilevato else (" I valori non sono ancora stati rilevati: premere "
                                               "«Rileva i valori».")
            self.banner.setText(f"Valori degli indicatori al {format_date(m.data)}: modificabili nelle "
                                "celle gialle (doppio clic). La % calcolata si aggiorna subito; la % "
                                "validata si imposta a destra." + missing)
            self.banner.setStyleSheet("QLabel { background: #eef2ff; border: 1px solid #c7d2fe; "
                                      "padding: 4px 8px; }")

    def _expand(self) -> None:
        self.tree.expandToDepth(0)

    def _row_changed(self, current: QModelIndex, _prev: QModelIndex) -> None:
        node = self.model.nodo(current)
        if node is None:
            return
        ob = node.obj if node.kind == "o" else node.parent.obj  # type: ignore[union-attr]
        self.ctx.current_obiettivo = ob.id
        self.panel.set_objective(self.current_round(), ob.id, self.model.rnd)

    def _on_changes(self, ch: Any) -> None:
        if ch.touches("monitoraggi") or ch.reset or ch.moved:
            inserted = list(ch.inserted.get("monitoraggi", ()))
            self._fill_rounds(select=inserted[0] if inserted else None)
            return
        if ch.touches("stati_avanzamento") or ch.touches("rilevazioni"):
            self.panel.set_objective(self.current_round(), self.panel.oid, self.model.rnd)
            self._update_state()

    def _refused(self, text: str) -> None:
        self.message.emit(text)
        self.banner.setText(text)
        self.banner.setStyleSheet("QLabel { background: #fef2f2; border: 1px solid #fecaca; "
                                  "color: #991b1b; padding: 4px 8px; }")

    # -- actions

    def new_round(self) -> None:
        from ..dialogs.monitoraggio import NuovoMonitoraggioDialog

        dlg = NuovoMonitoraggioDialog(self.ctx, self)
        dlg.exec()

    def take_values(self) -> None:
        mid = self.current_round()
        if mid is None:
            return
        try:
            edit = store.rileva(self.ctx.archive, mid)
        except PlanError as exc:
            self._refused(str(exc))
            return
        if edit is None:
            self.message.emit("Tutti i valori sono già rilevati.")
            return
        self.ctx.push(edit)

    def close_round(self, *, confirm: bool = True) -> bool:
        mid = self.current_round()
        if mid is None:
            return False
        m = self.ctx.archive.get(store.Monitoraggio, mid)
        if confirm and QMessageBox.question(
                self, "Chiudi il monitoraggio",
                f"Chiudere «{m.nome}»? Valori e percentuali saranno congelati e non più "
                "modificabili (si può annullare con Modifica ▸ Annulla o riaprirlo).") != \
                QMessageBox.StandardButton.Yes:
            return False
        try:
            edit = store.chiudi(self.ctx.archive, mid)
        except PlanError as exc:
            self._refused(str(exc))
            return False
        return self.ctx.push(edit)

    def reopen_round(self) -> bool:
        mid = self.current_round()
        if mid is None:
            return False
        try:
            return self.ctx.push(store.riapri(self.ctx.archive, mid))
        except PlanError as exc:
            self._refused(str(exc))
            return False
