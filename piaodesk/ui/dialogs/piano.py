"""«Proprietà del piano»: title, ente, triennio, state and approval act."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from ...domain.enums import TRANSIZIONI_STATO, StatoPiano, TipoEnte
from ...domain.model import Ente, Piano
from ...store.edits import Batch, Edit, SetFields
from ..context import Context


class PianoDialog(QDialog):
    """Edits the plan's own data as one undoable step."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Proprietà del piano")
        self.setMinimumWidth(560)
        piano, ente = ctx.archive.piano(), ctx.archive.ente()
        self._piano, self._ente = piano, ente
        form = QFormLayout(self)
        self.titolo = QLineEdit(piano.titolo)
        form.addRow("Titolo del piano:", self.titolo)
        self.ente_nome = QLineEdit(ente.nome if ente else "")
        form.addRow("Ente:", self.ente_nome)
        self.ente_tipo = QComboBox()
        for t in TipoEnte:
            self.ente_tipo.addItem(t.label, t.value)
        if ente:
            self.ente_tipo.setCurrentIndex(self.ente_tipo.findData(ente.tipo.value))
        form.addRow("Tipo di ente:", self.ente_tipo)
        anni = QHBoxLayout()
        self.anno_inizio = QSpinBox(minimum=2000, maximum=2100, value=piano.anno_inizio)
        self.anno_fine = QSpinBox(minimum=2000, maximum=2100, value=piano.anno_fine)
        anni.addWidget(self.anno_inizio)
        anni.addWidget(self.anno_fine)
        form.addRow("Triennio (dal/al):", anni)
        self.stato = QComboBox()
        allowed = {piano.stato} | TRANSIZIONI_STATO[piano.stato]
        for s in StatoPiano:
            if s in allowed:
                self.stato.addItem(s.label, s.value)
        self.stato.setCurrentIndex(self.stato.findData(piano.stato.value))
        form.addRow("Stato:", self.stato)
        self.atto_tipo = QLineEdit(piano.atto_tipo or "")
        self.atto_tipo.setPlaceholderText("es. Deliberazione di Giunta")
        form.addRow("Atto di approvazione:", self.atto_tipo)
        self.atto_numero = QLineEdit(piano.atto_numero or "")
        form.addRow("Numero dell'atto:", self.atto_numero)
        self.atto_data = QDateEdit()
        self.atto_data.setDisplayFormat("dd/MM/yyyy")
        self.atto_data.setCalendarPopup(True)
        self.atto_data.setSpecialValueText("—")
        self.atto_data.setMinimumDate(QDate(2000, 1, 1))
        d = piano.atto_data
        self.atto_data.setDate(QDate(d.year, d.month, d.day) if d else self.atto_data.minimumDate())
        form.addRow("Data dell'atto:", self.atto_data)
        self.note = QPlainTextEdit(piano.note or "")
        self.note.setFixedHeight(80)
        form.addRow("Note:", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        if ctx.readonly:
            buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def values(self) -> tuple[dict[str, object], dict[str, object]]:
        qd = self.atto_data.date()
        atto_data = None if qd == self.atto_data.minimumDate() else qd.toPython()
        piano = {"titolo": self.titolo.text().strip(), "anno_inizio": self.anno_inizio.value(),
                 "anno_fine": self.anno_fine.value(), "stato": StatoPiano(self.stato.currentData()),
                 "atto_tipo": self.atto_tipo.text().strip() or None,
                 "atto_numero": self.atto_numero.text().strip() or None, "atto_data": atto_data,
                 "note": self.note.toPlainText().strip() or None}
        ente: dict[str, object] = {"nome": self.ente_nome.text().strip(),
                                   "tipo": TipoEnte(self.ente_tipo.currentData())}
        return piano, ente

    def accept(self) -> None:
        piano, ente = self.values()
        if not piano["titolo"]:
            QMessageBox.warning(self, "Dato mancante", "Il titolo del piano è obbligatorio.")
            return
        if self.anno_fine.value() < self.anno_inizio.value():
            QMessageBox.warning(self, "Triennio non valido",
                                "L'anno finale non può precedere l'anno iniziale.")
            return
        old_p = self._piano
        changed_p = {k: v for k, v in piano.items() if getattr(old_p, k) != v}
        edits: list[Edit] = []
        if changed_p:
            edits.append(SetFields(Piano, old_p.id or 1, changed_p))
        if self._ente is not None:
            changed_e = {k: v for k, v in ente.items() if getattr(self._ente, k) != v}
            if changed_e:
                edits.append(SetFields(Ente, self._ente.id or 1, changed_e))
        if edits and not self.ctx.push(Batch(edits, "Proprietà del piano")):
            return
        super().accept()


def show_piano_dialog(main_window: QWidget | None, ctx: Context) -> None:
    PianoDialog(ctx, main_window).exec()
