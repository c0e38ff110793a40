"""Dialog «Nuovo monitoraggio»: a date (with the usual 30/06, 30/09, 31/12) and a name."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain import monitoraggio as rules
from ...store import monitoraggio as store
from ...store.db import PlanError


class NuovoMonitoraggioDialog(QDialog):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Nuovo monitoraggio")
        self.setObjectName("dialogo_nuovo_monitoraggio")
        piano = ctx.archive.piano()
        anno = ctx.anno if ctx.anno in piano.anni else piano.anno_inizio
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Il monitoraggio fotografa i valori degli indicatori alla data scelta "
                             "(al 30/06 i valori di giugno, al 31/12 quelli annuali).", self))
        form = QFormLayout()
        self.data = QDateEdit(self)
        self.data.setDisplayFormat("dd/MM/yyyy")
        self.data.setCalendarPopup(True)
        self.data.setDate(QDate(anno, 6, 30))
        quick = QHBoxLayout()
        quick.addWidget(self.data)
        for d, m in ((30, 6), (30, 9), (31, 12)):
            b = QPushButton(f"{d:02d}/{m:02d}", self)
            b.clicked.connect(lambda _=False, d=d, m=m: self.data.setDate(QDate(self.data.date().year(), m, d)))
            quick.addWidget(b)
        form.addRow("Data di riferimento:", quick)
        self.nome = QLineEdit(self)
        self.nome.setPlaceholderText("es. Primo stato di avanzamento")
        form.addRow("Nome:", self.nome)
        lay.addLayout(form)
        self.errore = QLabel("", self)
        self.errore.setStyleSheet("color: #b91c1c;")
        self.errore.setWordWrap(True)
        self.errore.hide()
        lay.addWidget(self.errore)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Apri il monitoraggio")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annulla")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.data.dateChanged.connect(self._suggest)
        self._suggest()

    def _suggest(self, *_: Any) -> None:
        self.nome.setPlaceholderText(rules.nome_predefinito(self.when()))

    def when(self) -> date:
        q = self.data.date()
        return date(q.year(), q.month(), q.day())

    def accept(self) -> None:
        try:
            edit = store.apri(self.ctx.archive, self.when(), self.nome.text())
        except PlanError as exc:
            self.errore.setText(str(exc))
            self.errore.show()
            return
        if self.ctx.push(edit):
            super().accept()
