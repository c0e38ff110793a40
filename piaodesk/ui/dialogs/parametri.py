"""«Piano › Parametri dei servizi…» (issue 18 point 7; seed 001 «PARAMETRI», L138-L143): a unit's
volumes at a reference date, typed in a grid or pasted as the plan writes them («- numero di
reversali di incasso (2.267 al 31.12.2022)»). Each change is one undoable edit; a line not
understood is shown, never dropped."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.formats import parse_date, parse_decimal
from ...domain.parametri import ParametroServizio, da_righe
from ...store.changes import Changes
from ...store.edits import Batch, DeleteRow, InsertRow, SetFields
from ..context import Context

COLONNE = ("nome", "valore", "data_riferimento", "testo")
TESTATE = ("Parametro", "Valore", "Al (gg/mm/aaaa)", "Come scritto nel piano")


class ParametriDialog(QDialog):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Parametri dei servizi")
        self.unita = QComboBox()
        for u in ctx.archive.unita():
            self.unita.addItem(u.nome, u.id)
        con = {p.unita_id for p in ctx.archive.select(ParametroServizio, columns=("id", "unita_id"))}
        first = next((i for i in range(self.unita.count()) if self.unita.itemData(i) in con), 0)
        self.unita.setCurrentIndex(first)  # a unit that has parameters, if any
        self.unita.currentIndexChanged.connect(lambda _i: self.aggiorna())
        self.tabella = QTableWidget(0, len(COLONNE))
        self.tabella.setHorizontalHeaderLabels(list(TESTATE))
        self.tabella.verticalHeader().setVisible(False)
        self.tabella.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        hh = self.tabella.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.tabella.setColumnWidth(1, 90)
        self.tabella.setColumnWidth(2, 110)
        self.tabella.itemChanged.connect(self._modificato)
        self.messaggio = QLabel()
        self.messaggio.setWordWrap(True)
        self.aggiungi = QPushButton("+ Parametro")
        self.elimina = QPushButton("− Parametro")
        self.incolla = QPushButton("Incolla righe…")
        self.incolla.setToolTip("Incolla l'elenco come è scritto nel piano, una riga per parametro")
        chiudi = QPushButton("Chiudi")
        self.aggiungi.clicked.connect(self.nuovo)
        self.elimina.clicked.connect(self.cancella)
        self.incolla.clicked.connect(lambda: self.incolla_righe())
        chiudi.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(QLabel("Servizio/Unità"))
        top.addWidget(self.unita, 1)
        bar = QHBoxLayout()
        for b in (self.aggiungi, self.elimina, self.incolla):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(chiudi)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.tabella, 1)
        lay.addWidget(self.messaggio)
        lay.addLayout(bar)
        self.resize(900, 480)
        self._righe: list[ParametroServizio] = []
        self._riempiendo = False
        ctx.hub.changed.connect(self._changed)
        self.aggiorna()

    def unita_id(self) -> int | None:
        return self.unita.currentData()

    def _changed(self, ch: Changes) -> None:
        if ch.reset or ch.touches("parametri"):
            self.aggiorna()

    def aggiorna(self) -> None:
        uid = self.unita_id()
        self._righe = [] if uid is None else self.ctx.archive.select(
            ParametroServizio, "unita_id = ?", (uid,), order="posizione, id")
        self._riempiendo = True
        self.tabella.setRowCount(len(self._righe))
        for r, p in enumerate(self._righe):
            for c, testo in enumerate((p.nome, p.valore_stampato, p.data_stampata, p.testo or "")):
                item = QTableWidgetItem(testo)
                if c in (1, 2):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if self.ctx.readonly:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.tabella.setItem(r, c, item)
        self._riempiendo = False
        for b in (self.aggiungi, self.incolla):
            b.setEnabled(uid is not None and not self.ctx.readonly)
        self.elimina.setEnabled(bool(self._righe) and not self.ctx.readonly)

    def _modificato(self, item: QTableWidgetItem) -> None:
        if self._riempiendo or item.row() >= len(self._righe):
            return
        p = self._righe[item.row()]
        campo = COLONNE[item.column()]
        testo = item.text().strip()
        valore: object = testo or None
        if campo == "nome" and not testo:
            self._rifiuta("Il nome del parametro non può essere vuoto.")
            return
        if campo == "valore" and testo:
            valore = parse_decimal(testo)
            if valore is None:
                self._rifiuta(f"«{testo}» non è un numero (scrivere ad esempio 2.267).")
                return
        if campo == "data_riferimento" and testo:
            valore = parse_date(testo)
            if valore is None:
                self._rifiuta(f"«{testo}» non è una data (scrivere ad esempio 31/12/2025).")
                return
        if getattr(p, campo) != valore:
            self.ctx.push(SetFields(ParametroServizio, p.id or 0, {campo: valore}, label="Parametro del servizio"))
        self.aggiorna()

    def _rifiuta(self, testo: str) -> None:
        self.ctx.hub.error.emit(testo)  # said once, by the window's message line
        self.messaggio.setText(testo)
        self.aggiorna()

    def nuovo(self) -> int | None:
        edit = InsertRow(ParametroServizio(unita_id=self.unita_id(), nome="Nuovo parametro"), "Aggiungi parametro")
        if not self.ctx.push(edit):
            return None
        self.aggiorna()
        item = self.tabella.item(self.tabella.rowCount() - 1, 0)
        if item is not None:
            self.tabella.editItem(item)
        return edit.row_id

    def cancella(self) -> bool:
        rows = sorted({i.row() for i in self.tabella.selectedIndexes()})
        ids = [self._righe[r].id for r in rows if r < len(self._righe) and self._righe[r].id]
        if not ids:
            return False
        return self.ctx.push(Batch([DeleteRow(ParametroServizio, i) for i in ids],  # type: ignore[arg-type]
                                   "Elimina parametri"))

    def incolla_righe(self, testo: str | None = None) -> tuple[int, list[str]]:
        if testo is None:
            dlg = QDialog(self)
            dlg.setWindowTitle("Incolla i parametri")
            box = QPlainTextEdit()
            box.setPlaceholderText("- numero di reversali di incasso (2.267 al 31.12.2022)")
            bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
            bb.button(QDialogButtonBox.StandardButton.Cancel).setText("Annulla")
            bb.accepted.connect(dlg.accept)
            bb.rejected.connect(dlg.reject)
            lay = QVBoxLayout(dlg)
            lay.addWidget(QLabel("Una riga per parametro, come nel piano: nome (valore al gg.mm.aaaa)"))
            lay.addWidget(box)
            lay.addWidget(bb)
            dlg.resize(640, 320)
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return 0, []
            testo = box.toPlainText()
        nuovi, scarti = da_righe(testo, self.unita_id())
        if nuovi:
            self.ctx.push(Batch([InsertRow(p) for p in nuovi], f"Incolla {len(nuovi)} parametri"))
        msg = f"{len(nuovi)} parametri aggiunti."
        if scarti:
            msg += " Righe non comprese (nome, valore e data tra parentesi): " + "; ".join(f"«{x}»" for x in scarti)
        self.messaggio.setText(msg)
        return len(nuovi), scarti


def show_parametri_dialog(parent: QWidget, ctx: Context) -> ParametriDialog:
    dlg = ParametriDialog(ctx, parent)
    dlg.show()
    return dlg
