"""«Piano › Missioni e programmi dal testo…» (issue 18 point 2): the objectives whose missione and
programma are free text (older files, seed 001's headings) get a proposal from the harmonised
catalogue; the person confirms or chooses each one, and «Applica» writes them in one undoable step.
A proposal that is not sure (codes and names disagree, or a name alone) starts unchecked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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

from ...domain.catalogo import FONTE, Certezza, catalogo, riconosci
from ...domain.model import Obiettivo
from ...store.edits import Batch, Edit, SetFields
from ..context import Context

NESSUNO = "(da scegliere)"


class CatalogoDialog(QDialog):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Missioni e programmi dal testo")
        intro = QLabel(f"Catalogo: {FONTE}. Spuntare le righe da registrare; le proposte incerte vanno "
                       "controllate e scelte dall'elenco.")
        intro.setWordWrap(True)
        self.tabella = QTableWidget(0, 4)
        self.tabella.setHorizontalHeaderLabels(["Obiettivo", "Scritto nel piano", "Esito", "Programma"])
        self.tabella.verticalHeader().setVisible(False)
        self.tabella.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tabella.setWordWrap(True)
        hh = self.tabella.horizontalHeader()
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tabella.setColumnWidth(0, 200)
        self.tabella.setColumnWidth(2, 210)
        self.tabella.setColumnWidth(3, 330)
        self.esito = QLabel()
        self.applica = QPushButton("Applica")
        chiudi = QPushButton("Chiudi")
        self.applica.clicked.connect(self.applica_scelte)
        chiudi.clicked.connect(self.accept)
        bar = QHBoxLayout()
        bar.addWidget(self.esito, 1)
        bar.addWidget(self.applica)
        bar.addWidget(chiudi)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.tabella, 1)
        lay.addLayout(bar)
        self.resize(1100, 520)
        self._oids: list[int] = []
        self.carica()

    def carica(self) -> None:
        cat = catalogo()
        righe = []
        for o in self.ctx.archive.obiettivi():
            testo = " – ".join(x for x in (o.missione, o.programma) if x)
            if not testo or o.programma_cod or o.id is None:
                continue
            up = testo.upper()
            r = riconosci(testo if "PROGRAMMA" in up or "MISSIONE" in up else (o.programma or testo))
            righe.append((o, testo, r))
        self.tabella.setRowCount(len(righe))
        self._oids = []
        for n, (o, testo, r) in enumerate(righe):
            self._oids.append(o.id or 0)
            ob = QTableWidgetItem(f"{o.codice} {o.titolo}".strip())
            ob.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            sicura = r.programma is not None and r.certezza in (Certezza.ESATTA, Certezza.SOLO_CODICE)
            ob.setCheckState(Qt.CheckState.Checked if sicura else Qt.CheckState.Unchecked)
            ob.setToolTip(o.titolo)
            self.tabella.setItem(n, 0, ob)
            scritto = QTableWidgetItem(testo)
            scritto.setFlags(Qt.ItemFlag.ItemIsEnabled)
            scritto.setToolTip(testo)
            self.tabella.setItem(n, 1, scritto)
            esito = QTableWidgetItem(r.nota.split(":")[0] if r.nota else "")
            esito.setFlags(Qt.ItemFlag.ItemIsEnabled)
            esito.setToolTip(r.nota)
            self.tabella.setItem(n, 2, esito)
            combo = QComboBox(self.tabella)
            combo.addItem(NESSUNO, None)
            for m in cat.missioni:
                for p in cat.programmi_di(m.codice):
                    combo.addItem(f"{p.chiave} – {p.nome}", p.chiave)
            if r.programma is not None:
                combo.setCurrentIndex(max(combo.findData(r.programma.chiave), 0))
            combo.activated.connect(lambda _i, n=n: self._scelto(n))
            self.tabella.setCellWidget(n, 3, combo)
        self.tabella.resizeRowsToContents()
        self.applica.setEnabled(bool(righe) and not self.ctx.readonly)
        self.esito.setText(f"{len(righe)} obiettivi con missione o programma scritti a testo." if righe
                           else "Nessun obiettivo con missione o programma scritti a testo senza codice.")

    def _scelto(self, n: int) -> None:
        """A programme chosen by hand: the row is to be registered."""
        combo = self.tabella.cellWidget(n, 3)
        item = self.tabella.item(n, 0)
        if isinstance(combo, QComboBox) and item is not None and combo.currentData() is not None:
            item.setCheckState(Qt.CheckState.Checked)

    def applica_scelte(self) -> int:
        edits: list[Edit] = []
        for n, oid in enumerate(self._oids):
            item = self.tabella.item(n, 0)
            combo = self.tabella.cellWidget(n, 3)
            if item is None or item.checkState() != Qt.CheckState.Checked or not isinstance(combo, QComboBox):
                continue
            chiave = combo.currentData()
            if chiave:
                edits.append(SetFields(Obiettivo, oid, {"programma_cod": chiave}))
        if edits and self.ctx.push(Batch(edits, "Programmi dal catalogo")):
            self.carica()
            self.esito.setText(f"Registrati {len(edits)} programmi. " + self.esito.text())
        return len(edits)


def show_catalogo_dialog(parent: QWidget, ctx: Context) -> CatalogoDialog:
    dlg = CatalogoDialog(ctx, parent)
    dlg.show()
    return dlg
