"""«Piano › Comuni dell'Unione…» (issue 18 point 6): the member Comuni of an Unione, editable, with
the objectives and indicators the Unione reports for each of them.

Each change is one undoable edit (``InsertRow``/``SetFields``/``DeleteRow`` on ``Ente``); deleting a
Comune leaves its objectives to the whole Unione (the reference is cleared, and put back by undo).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.enums import TipoEnte
from ...domain.model import Ente
from ...store.changes import Changes
from ...store.edits import DeleteRow, InsertRow, SetFields
from ..context import Context


def membri(ctx: Context) -> list[Ente]:
    """The Comuni whose parent is the plan's own ente (an Unione's members)."""
    ente = ctx.archive.ente()
    if ente is None:
        return []
    return [e for e in ctx.archive.enti() if e.parent_id == ente.id]


class ComuniDialog(QDialog):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Comuni dell'Unione")
        ente = ctx.archive.ente()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        unione = ente is not None and ente.tipo == TipoEnte.UNIONE
        self.intro.setText(
            f"<b>{ente.nome if ente else ''}</b>: i Comuni aderenti. Un obiettivo o un indicatore può riferirsi "
            "a un solo Comune (campo «Comune» della scheda dell'obiettivo e della griglia degli indicatori, "
            "colonna «Comune» della cartella Excel); senza Comune vale per tutta l'Unione."
            if unione else "Il piano non è di un'Unione di Comuni: qui si possono comunque elencare i Comuni "
                           "per cui il piano riporta obiettivi o indicatori.")
        self.tabella = QTableWidget(0, 4)
        self.tabella.setHorizontalHeaderLabels(["Comune", "Codice fiscale", "Obiettivi", "Indicatori"])
        self.tabella.verticalHeader().setVisible(False)
        self.tabella.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tabella.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tabella.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tabella.itemChanged.connect(self._modificato)
        self.tabella.itemSelectionChanged.connect(self._dettaglio)
        self.dettaglio = QListWidget()
        self.aggiungi = QPushButton("+ Comune")
        self.elimina = QPushButton("− Comune")
        chiudi = QPushButton("Chiudi")
        self.aggiungi.clicked.connect(self.nuovo)
        self.elimina.clicked.connect(self.cancella)
        chiudi.clicked.connect(self.accept)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tabella)
        box = QWidget()
        bl = QVBoxLayout(box)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(QLabel("Obiettivi e indicatori riferiti al Comune selezionato"))
        bl.addWidget(self.dettaglio)
        split.addWidget(box)
        bar = QHBoxLayout()
        bar.addWidget(self.aggiungi)
        bar.addWidget(self.elimina)
        bar.addStretch(1)
        bar.addWidget(chiudi)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addWidget(split, 1)
        lay.addLayout(bar)
        self.resize(760, 520)
        self._riempiendo = False
        self._righe: list[Ente] = []
        ctx.hub.changed.connect(self._changed)
        self.aggiorna()

    def _changed(self, ch: Changes) -> None:
        if ch.reset or ch.touches("enti") or ch.touches("obiettivi") or ch.touches("indicatori"):
            self.aggiorna()

    def aggiorna(self) -> None:
        scelto = self._selezionato()
        self._riempiendo = True
        self._righe = membri(self.ctx)
        obs = self.ctx.archive.obiettivi()
        inds = self.ctx.archive.indicatori()
        self.tabella.setRowCount(len(self._righe))
        for r, e in enumerate(self._righe):
            n_ob = sum(1 for o in obs if o.comune_id == e.id)
            n_ind = sum(1 for i in inds if i.comune_id == e.id)
            for c, testo in enumerate((e.nome, e.codice_fiscale or "", str(n_ob), str(n_ind))):
                item = QTableWidgetItem(testo)
                if c >= 2 or self.ctx.readonly:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if c >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.tabella.setItem(r, c, item)
        self._riempiendo = False
        ids = [e.id for e in self._righe]
        if scelto is not None and scelto.id in ids:
            self.tabella.selectRow(ids.index(scelto.id))
        elif ids:
            self.tabella.selectRow(0)
        self.aggiungi.setEnabled(not self.ctx.readonly)
        self.elimina.setEnabled(bool(ids) and not self.ctx.readonly)
        self._dettaglio()

    def _selezionato(self) -> Ente | None:
        rows = self.tabella.selectionModel().selectedRows() if self.tabella.selectionModel() else []
        if rows and rows[0].row() < len(self._righe):
            return self._righe[rows[0].row()]
        return None

    def _dettaglio(self) -> None:
        self.dettaglio.clear()
        e = self._selezionato()
        if e is None:
            return
        obs = {o.id: o for o in self.ctx.archive.obiettivi()}
        for o in obs.values():
            if o.comune_id == e.id:
                self.dettaglio.addItem(f"Obiettivo {o.codice} {o.titolo}")
        for i in self.ctx.archive.indicatori():
            if i.comune_id == e.id:
                ob = obs.get(i.obiettivo_id)
                self.dettaglio.addItem(f"Indicatore «{i.descrizione}» ({ob.codice if ob else ''})")
        if self.dettaglio.count() == 0:
            self.dettaglio.addItem("Nessun obiettivo o indicatore riferito a questo Comune.")

    def _modificato(self, item: QTableWidgetItem) -> None:
        if self._riempiendo or item.row() >= len(self._righe):
            return
        e = self._righe[item.row()]
        testo = item.text().strip()
        campo = "nome" if item.column() == 0 else "codice_fiscale"
        if campo == "nome" and not testo:
            self.ctx.hub.error.emit("Il nome del Comune non può essere vuoto.")
            self.aggiorna()
            return
        if (getattr(e, campo) or "") != testo:
            valore = testo if campo == "nome" else (testo or None)
            self.ctx.push(SetFields(Ente, e.id or 0, {campo: valore},
                                    label=f"Comune: {'nome' if campo == 'nome' else 'codice fiscale'}"))
        self.aggiorna()

    def nuovo(self) -> int | None:
        ente = self.ctx.archive.ente()
        nomi = {e.nome for e in self._righe}
        n = 1
        while f"Comune di (nuovo {n})" in nomi:
            n += 1
        edit = InsertRow(Ente(nome=f"Comune di (nuovo {n})", tipo=TipoEnte.COMUNE,
                              parent_id=ente.id if ente else None), "Aggiungi Comune")
        if not self.ctx.push(edit):
            return None
        self.aggiorna()
        ids = [e.id for e in self._righe]
        if edit.row_id in ids:
            self.tabella.selectRow(ids.index(edit.row_id))
            item = self.tabella.item(ids.index(edit.row_id), 0)
            if item is not None:
                self.tabella.editItem(item)
        return edit.row_id

    def cancella(self) -> bool:
        e = self._selezionato()
        if e is None or e.id is None:
            return False
        return self.ctx.push(DeleteRow(Ente, e.id, f"Elimina «{e.nome}»"))


def show_comuni_dialog(parent: QWidget, ctx: Context) -> ComuniDialog:
    dlg = ComuniDialog(ctx, parent)
    dlg.show()
    return dlg

