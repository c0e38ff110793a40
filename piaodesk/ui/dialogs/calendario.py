"""«Piano › Calendario del piano…» (issue 18 point 9): the cycle's legal deadlines with the days left,
and the ente's own dates (a deadline moved or switched off, the bilancio's approval). One undoable
``SetSetting`` when saved; a date that is not gg/mm is refused in Italian and nothing is written."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.calendario import PREDEFINITE
from ...domain.formats import format_date, parse_date
from ...store import calendario as cal
from ..context import Context
from ..delegates import DateLineEdit


class CalendarioDialog(QDialog):
    def __init__(self, ctx: Context, parent: QWidget | None = None, *, oggi: date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.oggi = oggi or date.today()
        self.setWindowTitle("Calendario del piano")
        self.intro = QLabel("Le scadenze di legge del ciclo. La colonna «Data dell'ente (gg/mm)» sposta una "
                            "scadenza per questo ente; togliendo la spunta la si esclude.")
        self.intro.setWordWrap(True)
        self.tabella = QTableWidget(len(PREDEFINITE), 5)
        self.tabella.setHorizontalHeaderLabels(["Attiva", "Scadenza", "Data dell'ente (gg/mm)", "Quest'anno",
                                                "Fonte"])
        self.tabella.verticalHeader().setVisible(False)
        self.tabella.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        hh = self.tabella.horizontalHeader()
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.bilancio = DateLineEdit(self)
        self.bilancio.setToolTip("Se il bilancio è approvato tardi, il PIAO si adotta entro 30 giorni")
        self.errore = QLabel()
        self.errore.setStyleSheet("color: #a40000")
        self.errore.setWordWrap(True)
        salva = QPushButton("Salva")
        chiudi = QPushButton("Chiudi")
        salva.clicked.connect(self.salva)
        chiudi.clicked.connect(self.accept)
        salva.setEnabled(not ctx.readonly)
        bil = QHBoxLayout()
        bil.addWidget(QLabel("Approvazione del bilancio (se tardiva):"))
        bil.addWidget(self.bilancio)
        bil.addStretch(1)
        bar = QHBoxLayout()
        bar.addWidget(self.errore, 1)
        bar.addWidget(salva)
        bar.addWidget(chiudi)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addWidget(self.tabella, 1)
        lay.addLayout(bil)
        lay.addLayout(bar)
        self.resize(980, 420)
        self.carica()

    def carica(self) -> None:
        cfg = cal.impostazioni(self.ctx.archive)
        regole = cfg.get("regole") or {}
        quando = {s.chiave: s for s in cal.scadenze(self.ctx.archive)}
        for r, reg in enumerate(PREDEFINITE):
            attiva = QTableWidgetItem()
            attiva.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            spenta = reg.chiave in regole and not regole[reg.chiave]
            attiva.setCheckState(Qt.CheckState.Unchecked if spenta else Qt.CheckState.Checked)
            attiva.setData(Qt.ItemDataRole.UserRole, reg.chiave)
            self.tabella.setItem(r, 0, attiva)
            nome = QTableWidgetItem(reg.nome)
            nome.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tabella.setItem(r, 1, nome)
            propria = regole.get(reg.chiave)
            self.tabella.setItem(r, 2, QTableWidgetItem(str(propria) if propria else ""))
            s = quando.get(reg.chiave)
            testo = f"{format_date(s.data)} — {s.stato(self.oggi)}" if s else "esclusa"
            data = QTableWidgetItem(testo)
            data.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tabella.setItem(r, 3, data)
            fonte = QTableWidgetItem(reg.fonte)
            fonte.setFlags(Qt.ItemFlag.ItemIsEnabled)
            fonte.setToolTip(reg.fonte)
            self.tabella.setItem(r, 4, fonte)
        self.tabella.resizeColumnToContents(0)
        self.tabella.setColumnWidth(2, 150)
        self.tabella.setColumnWidth(3, 200)
        bil = cfg.get("approvazione_bilancio")
        self.bilancio.setText(format_date(date.fromisoformat(bil)) if isinstance(bil, str) and bil else "")

    def salva(self) -> bool:
        regole: dict[str, str | None] = {}
        for r in range(self.tabella.rowCount()):
            attiva, propria = self.tabella.item(r, 0), self.tabella.item(r, 2)
            if attiva is None:
                continue
            chiave = str(attiva.data(Qt.ItemDataRole.UserRole))
            testo = propria.text().strip() if propria is not None else ""
            if attiva.checkState() != Qt.CheckState.Checked:
                regole[chiave] = None
            elif testo:
                regole[chiave] = testo
        testo_bil = self.bilancio.text().strip()
        bilancio: date | None = None
        if testo_bil:
            bilancio = parse_date(testo_bil)
            if bilancio is None:
                self.errore.setText(f"«{testo_bil}» non è una data: scrivere ad esempio 10/03/2026.")
                return False
        try:
            edit = cal.sostituisci(regole, bilancio)
        except ValueError as exc:
            self.errore.setText(str(exc))
            return False
        self.errore.clear()
        ok = self.ctx.push(edit)
        self.carica()
        return ok


def show_calendario_dialog(parent: QWidget, ctx: Context) -> CalendarioDialog:
    dlg = CalendarioDialog(ctx, parent)
    dlg.show()
    return dlg
