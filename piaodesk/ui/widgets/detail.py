"""Detail form of the selected objective: every field of ``Obiettivo``.

Each field commits on its own (line edits on Enter/focus out, combos and check
boxes on change) as one ``SetFields`` on the undo stack; the typed value is
parsed first and refused with an Italian message (``refused`` signal) when
invalid, restoring what the plan holds. The form re-reads the objective when
the hub reports a change to it (undo, redo, edits elsewhere).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from ...domain import formats
from ...domain.enums import Livello, Tipologia
from ...domain.model import Obiettivo, ObiettivoUnita
from ...store.changes import Changes
from ...store.edits import Batch, DeleteRow, Edit, InsertRow, SetFields
from ..delegates import DateLineEdit, decimal_text
from ..models.columns import Column, InvalidInput
from .detail_piao import SezionePiao

STATI = ("", "Da avviare", "In corso", "Completato", "Sospeso", "Annullato", "Non raggiunto")


class _FocusOut(QObject):
    """Calls ``callback`` when a plain-text editor loses focus."""

    def __init__(self, callback: Any, parent: QObject) -> None:
        super().__init__(parent)
        self._cb = callback

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._cb()
        return False


class _PlanUndo(QObject):
    """Ctrl+Z / Ctrl+Y in a form field: the field's own undo while something typed is not yet
    saved, otherwise the plan's undo stack (the field would swallow the keys and do nothing)."""

    def __init__(self, stack: Any, parent: QObject) -> None:
        super().__init__(parent)
        self._stack = stack

    @staticmethod
    def _pending(obj: QObject) -> bool:
        if isinstance(obj, QLineEdit):
            return obj.isModified()
        if isinstance(obj, QPlainTextEdit):
            return obj.document().isModified()
        return False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) or \
                not isinstance(event, QKeyEvent) or self._pending(obj):
            return False
        undo = event.matches(QKeySequence.StandardKey.Undo)
        redo = event.matches(QKeySequence.StandardKey.Redo) or (
            event.key() == Qt.Key.Key_Y and event.modifiers() == Qt.KeyboardModifier.ControlModifier)
        if not (undo or redo):
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # the key comes to the field (and here), not to another shortcut
            return True
        if undo and self._stack.canUndo():
            self._stack.undo()
        elif redo and self._stack.canRedo():
            self._stack.redo()
        return True


class ObiettivoForm(QWidget):
    refused = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.oid: int | None = None
        self._ob: Obiettivo | None = None
        self._loading = False
        self.widgets: dict[str, QWidget] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 8, 8, 8)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        self._grid = grid

        def line(key: str, kind: str = "text", placeholder: str = "") -> QLineEdit:
            w: QLineEdit = DateLineEdit(self) if kind == "date" else QLineEdit(self)
            if placeholder:
                w.setPlaceholderText(placeholder)
            col = Column(key, LABELS[key], kind)
            w.editingFinished.connect(lambda: self._commit_text(col, w))
            self.widgets[key] = w
            return w

        def text_area(key: str, height: int) -> QPlainTextEdit:
            w = QPlainTextEdit(self)
            w.setTabChangesFocus(True)
            w.setFixedHeight(height)
            w.installEventFilter(_FocusOut(lambda: self._commit_area(key, w), w))
            self.widgets[key] = w
            return w

        r = 0
        self._add(r, 0, "codice", line("codice"))
        self.livello = QComboBox(self)
        for lv in Livello:
            self.livello.addItem(lv.label, str(lv))
        self.livello.activated.connect(lambda _i: self._commit("livello", Livello(
            self.livello.currentData())))
        self.widgets["livello"] = self.livello
        self._add(r, 2, "livello", self.livello)
        r += 1
        self._add(r, 0, "titolo", line("titolo"), span=3)
        r += 1
        self._add(r, 0, "descrizione", text_area("descrizione", 84), span=3)
        r += 1
        tip = QWidget(self)
        tl = QHBoxLayout(tip)
        tl.setContentsMargins(0, 0, 0, 0)
        self.tipologia: dict[str, QCheckBox] = {}
        for t in Tipologia:
            cb = QCheckBox(t.label, tip)
            cb.toggled.connect(self._commit_tipologia)
            self.tipologia[str(t)] = cb
            tl.addWidget(cb)
        tl.addStretch(1)
        self.widgets["tipologia"] = tip
        self._add(r, 0, "tipologia", tip, span=3)
        r += 1
        self.settore = QComboBox(self)
        self.settore.setMinimumContentsLength(12)
        self.settore.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.settore.activated.connect(lambda _i: self._commit("unita_id", self.settore.currentData()))
        self.widgets["unita_id"] = self.settore
        self._add(r, 0, "unita_id", self.settore)
        self.responsabile = QComboBox(self)
        self.responsabile.setMinimumContentsLength(12)
        self.responsabile.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.responsabile.activated.connect(
            lambda _i: self._commit("responsabile_id", self.responsabile.currentData()))
        self.widgets["responsabile_id"] = self.responsabile
        self._add(r, 2, "responsabile_id", self.responsabile)
        r += 1
        self._add(r, 0, "peso", line("peso", "percent", "es. 25"))
        self._add(r, 2, "anni", line("anni", "text", "es. 2025, 2026"))
        r += 1
        self._add(r, 0, "missione", line("missione"))
        self._add(r, 2, "programma", line("programma"))
        r += 1
        self._add(r, 0, "inizio_previsto", line("inizio_previsto", "date"))
        self._add(r, 2, "fine_prevista", line("fine_prevista", "date"))
        r += 1
        self._add(r, 0, "inizio_effettivo", line("inizio_effettivo", "date"))
        self._add(r, 2, "fine_effettiva", line("fine_effettiva", "date"))
        r += 1
        self._add(r, 0, "assessore", line("assessore"))
        self.stato = QComboBox(self)
        self.stato.setEditable(True)
        self.stato.addItems(list(STATI))
        stato_edit = self.stato.lineEdit()
        assert stato_edit is not None  # (an editable combo has its line edit)
        stato_edit.editingFinished.connect(
            lambda: self._commit("stato", self.stato.currentText().strip() or None))
        self.stato.activated.connect(
            lambda _i: self._commit("stato", self.stato.currentText().strip() or None))
        self.widgets["stato"] = self.stato
        self._add(r, 2, "stato", self.stato)
        r += 1
        self._add(r, 0, "stakeholder", line("stakeholder"))
        self._add(r, 2, "altri_settori", line("altri_settori"))
        r += 1
        flags = QWidget(self)
        fl = QHBoxLayout(flags)
        fl.setContentsMargins(0, 0, 0, 0)
        self.rischio = QCheckBox("Rischio corruttivo (misura anticorruzione)", flags)
        self.rischio.toggled.connect(lambda v: self._commit("rischio_corruttivo", v))
        self.trasversale = QCheckBox("Obiettivo trasversale, condiviso con:", flags)
        self.trasversale.toggled.connect(lambda v: self._commit("trasversale", v))
        fl.addWidget(self.rischio)
        fl.addSpacing(16)
        fl.addWidget(self.trasversale)
        fl.addStretch(1)
        self.widgets["rischio_corruttivo"] = self.rischio
        self.widgets["trasversale"] = self.trasversale
        self._add(r, 0, "flags", flags, span=3)
        r += 1
        self.piao = SezionePiao(ctx, self._commit, self)
        self._grid.addWidget(self.piao, r, 0, 1, 4)
        r += 1
        self.condivisi = QListWidget(self)
        self.condivisi.setFixedHeight(78)
        self.condivisi.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.condivisi.itemChanged.connect(self._commit_condivisi)
        self._add(r, 0, "condivisi", self.condivisi, span=3)
        r += 1
        self._add(r, 0, "note", text_area("note", 56), span=3)
        r += 1
        grid.setRowStretch(r, 1)
        self._load_lookups()
        ctx.hub.changed.connect(self._on_changes)
        self._plan_undo = _PlanUndo(ctx.stack, self)
        for w in [*self.widgets.values(), self.stato.lineEdit()]:
            if isinstance(w, (QLineEdit, QPlainTextEdit)):
                w.installEventFilter(self._plan_undo)
        self.setEnabled(False)

    def _add(self, row: int, col: int, key: str, widget: QWidget, span: int = 1) -> None:
        label = QLabel(LABELS.get(key, ""), self)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
                           if isinstance(widget, (QPlainTextEdit, QListWidget))
                           else Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if isinstance(widget, (QPlainTextEdit, QListWidget)):
            label.setContentsMargins(0, 4, 0, 0)
        label.setBuddy(widget)
        self._grid.addWidget(label, row, col)
        self._grid.addWidget(widget, row, col + 1, 1, span)
        widget.setSizePolicy(QSizePolicy.Policy.Expanding, widget.sizePolicy().verticalPolicy())
        widget.setMinimumWidth(60)

    # ------------------------------------------------------------------ lookups

    def _load_lookups(self) -> None:
        arc = self.ctx.archive
        self._loading = True
        self.settore.clear()
        self.settore.addItem("(nessuno)", None)
        self.condivisi.clear()
        for u in arc.unita():
            text = f"{u.codice} – {u.nome}" if u.codice else u.nome
            self.settore.addItem(text, u.id)
            item = QListWidgetItem(u.nome, self.condivisi)
            item.setData(Qt.ItemDataRole.UserRole, u.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.responsabile.clear()
        self.responsabile.addItem("(nessuno)", None)
        for p in arc.persone():
            self.responsabile.addItem(p.nominativo + (f" ({p.categoria})" if p.categoria else ""),
                                      p.id)
        self._loading = False

    # ------------------------------------------------------------------ loading

    def set_obiettivo(self, oid: int | None) -> None:
        self.oid = oid
        self.reload()

    def reload(self) -> None:
        ob = self.ctx.archive.obiettivo(self.oid) if self.oid is not None else None
        self._ob = ob
        self.setEnabled(ob is not None)
        self._loading = True
        try:
            for _key, w in self.widgets.items():
                w.blockSignals(True)
            self._fill(ob)
        finally:
            for w in self.widgets.values():
                w.blockSignals(False)
            self._loading = False
        ro = bool(self.ctx.archive.readonly)
        for w in self.widgets.values():
            if isinstance(w, (QLineEdit, QPlainTextEdit)):
                w.setReadOnly(ro)
            elif w not in (self.widgets["tipologia"],):
                w.setEnabled(not ro)
        self.condivisi.setEnabled(not ro)
        self.piao.set_readonly(ro)
        for cb in self.tipologia.values():
            cb.setEnabled(not ro)

    def _fill(self, ob: Obiettivo | None) -> None:
        def s(key: str, text: str) -> None:
            w = self.widgets[key]
            if isinstance(w, QPlainTextEdit):
                if w.toPlainText() != text:
                    w.setPlainText(text)
                w.document().setModified(False)
            elif isinstance(w, QLineEdit):
                w.setText(text)
                w.setModified(False)
                w.setStyleSheet("")

        if ob is None:
            for key, w in self.widgets.items():
                if isinstance(w, (QLineEdit, QPlainTextEdit)):
                    s(key, "")
            self.piao.fill(None)
            return
        for key in ("codice", "titolo", "missione", "programma", "stakeholder", "altri_settori",
                    "assessore"):
            s(key, getattr(ob, key) or "")
        s("descrizione", ob.descrizione or "")
        s("note", ob.note or "")
        s("peso", decimal_text(ob.peso))
        s("anni", ", ".join(str(a) for a in ob.anni))
        for key in ("inizio_previsto", "fine_prevista", "inizio_effettivo", "fine_effettiva"):
            s(key, Column(key, "", "date").display(getattr(ob, key)))
        i = self.livello.findData(str(ob.livello))
        if i < 0:
            self.livello.addItem(str(ob.livello), str(ob.livello))
            i = self.livello.count() - 1
        self.livello.setCurrentIndex(i)
        for key, cb in self.tipologia.items():
            cb.blockSignals(True)
            cb.setChecked(key in (ob.tipologia or []))
            cb.blockSignals(False)
        self.settore.setCurrentIndex(max(self.settore.findData(ob.unita_id), 0))
        self.responsabile.setCurrentIndex(max(self.responsabile.findData(ob.responsabile_id), 0))
        self.stato.setCurrentText(ob.stato or "")
        self.rischio.setChecked(bool(ob.rischio_corruttivo))
        self.trasversale.setChecked(bool(ob.trasversale))
        shared = set(self.ctx.archive.unita_condivise(ob.id))
        self.condivisi.blockSignals(True)
        for k in range(self.condivisi.count()):
            item = self.condivisi.item(k)
            uid = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(Qt.CheckState.Checked if uid in shared else Qt.CheckState.Unchecked)
            item.setHidden(not ob.trasversale and uid not in shared)
        self.condivisi.blockSignals(False)
        self.condivisi.setVisible(bool(ob.trasversale or shared))
        self.piao.fill(ob)

    def _on_changes(self, ch: Changes) -> None:
        if ch.touches("unita") or ch.touches("persone") or ch.touches("enti"):
            self._load_lookups()
            self.piao.carica_elenchi()
            self.reload()
            return
        if self.oid is None:
            return
        if ch.reset or self.oid in ch.updated.get("obiettivi", {}) or \
                self.oid in ch.deleted.get("obiettivi", set()) or ch.touches("obiettivi_unita") or \
                self.oid in ch.inserted.get("obiettivi", set()) or ch.touches("vp_obiettivi") or \
                ch.touches("valore_pubblico"):
            self.reload()

    # ------------------------------------------------------------------ committing

    def _refuse(self, message: str, widget: QWidget | None = None) -> None:
        if isinstance(widget, QLineEdit):
            widget.setStyleSheet("QLineEdit { background: #fde2e1; }")
            widget.setToolTip(message)
        self.refused.emit(message)

    def _commit(self, key: str, value: Any, label: str | None = None) -> bool:
        if self._loading or self._ob is None:
            return False
        if getattr(self._ob, key) == value:
            return False
        ok = self.ctx.push(SetFields(Obiettivo, self._ob.id or 0, {key: value},
                                     label=label or f"Modifica {LABELS.get(key, key).lower()}"))
        if not ok:
            self.reload()
        return bool(ok)

    def _commit_text(self, col: Column, w: QLineEdit) -> None:
        if self._loading or self._ob is None or self.ctx.archive.readonly:
            return
        text = w.text()
        try:
            if col.key == "anni":
                value: Any = parse_anni(text)
            else:
                value = col.parse(text)
            if col.key in ("titolo",) and not value:
                raise InvalidInput("Il titolo dell'obiettivo non può essere vuoto.")
            if col.key == "codice":
                value = value or ""
        except InvalidInput as exc:
            self._refuse(str(exc), w)
            return
        w.setStyleSheet("")
        w.setToolTip("")
        self._commit(col.key, value)
        w.setModified(False)  # saved: Ctrl+Z now undoes in the plan

    def _commit_area(self, key: str, w: QPlainTextEdit) -> None:
        if self._loading or self._ob is None or self.ctx.archive.readonly:
            return
        text = w.toPlainText().rstrip() or None
        self._commit(key, text)
        w.document().setModified(False)

    def _commit_tipologia(self) -> None:
        values = [k for k, cb in self.tipologia.items() if cb.isChecked()]
        self._commit("tipologia", values, label="Modifica tipologia")

    def _commit_condivisi(self, item: QListWidgetItem) -> None:
        if self._loading or self._ob is None:
            return
        uid = item.data(Qt.ItemDataRole.UserRole)
        want = item.checkState() == Qt.CheckState.Checked
        arc = self.ctx.archive
        links = [x for x in arc.select(ObiettivoUnita, "obiettivo_id = ?", (self._ob.id,))
                 if x.unita_id == uid]
        edit: Edit | None = None
        if want and not links:
            edit = InsertRow(ObiettivoUnita(obiettivo_id=self._ob.id or 0, unita_id=uid),
                             label="Condividi con un settore")
        elif not want and links:
            edits: list[Edit] = [DeleteRow(ObiettivoUnita, x.id) for x in links]
            edit = Batch(edits, "Togli settore condiviso")
        if edit is not None:
            self.ctx.push(edit)


def parse_anni(text: str) -> list[int]:
    """``2025, 2026`` or ``2025-2027`` → [2025, 2026(, 2027)]; refused with a message otherwise."""
    try:
        return formats.parse_anni(text)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc


LABELS = {
    "codice": "Codice", "titolo": "Titolo", "descrizione": "Descrizione", "livello": "Livello",
    "tipologia": "Tipologia", "missione": "Missione", "programma": "Programma", "anni": "Anni",
    "stakeholder": "Stakeholder", "altri_settori": "Altri settori coinvolti",
    "assessore": "Assessore", "unita_id": "Settore", "responsabile_id": "Responsabile",
    "peso": "Peso %", "inizio_previsto": "Inizio previsto", "fine_prevista": "Fine prevista",
    "inizio_effettivo": "Inizio effettivo", "fine_effettiva": "Fine effettiva",
    "rischio_corruttivo": "Rischio corruttivo", "trasversale": "Trasversale", "stato": "Stato",
    "note": "Note", "flags": "", "condivisi": "Settori condivisi",
}
_ = QFrame
