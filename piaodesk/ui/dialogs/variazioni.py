"""«Piano › Variazioni del piano…»: open a variation (act, number, date, reason), see what each
variation changed field by field (before → after), close it, print the list.

Opening and closing go on the undo stack like any edit; while a variation is open every edit of
the plan is recorded under it (``store.variazioni``). Refusals are shown once, in Italian.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.formats import parse_date
from ...domain.variazioni import StatoVariazione, Variazione, controlla
from ...fsio import describe_os_error
from ...store import variazioni as var
from ...store.changes import Changes
from ..context import Context
from ..delegates import DateLineEdit

TIPI_ATTO = ("Deliberazione di Giunta", "Determinazione del Segretario",
             "Richiesta del responsabile (entro il 30/09)", "Decreto del Presidente")


class NuovaVariazioneDialog(QDialog):
    """The act and the reason of a new variation; nothing is written until «Apri»."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Apri una variazione")
        self.tipo = QComboBox()
        self.tipo.setEditable(True)
        self.tipo.addItems(TIPI_ATTO)
        self.numero = QLineEdit()
        self.numero.setPlaceholderText("es. 98")
        self.data = DateLineEdit()
        self.motivo = QPlainTextEdit()
        self.motivo.setPlaceholderText("Perché il piano cambia (sarà stampato nell'elenco delle variazioni)")
        self.motivo.setTabChangesFocus(True)
        self.errore = QLabel()
        self.errore.setStyleSheet("color: #a40000")
        self.errore.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Tipo di atto", self.tipo)
        form.addRow("Numero", self.numero)
        form.addRow("Data dell'atto", self.data)
        form.addRow("Motivo", self.motivo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Apri la variazione")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annulla")
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.errore)
        lay.addWidget(buttons)
        self.resize(520, 320)
        self.variazione: Variazione | None = None

    def _ok(self) -> None:
        testo = self.data.text().strip()
        quando = parse_date(testo) if testo else None
        if testo and quando is None:
            self.errore.setText(f"«{testo}» non è una data: scrivere ad esempio 25/09/2026.")
            return
        v = Variazione(atto_tipo=self.tipo.currentText().strip(), atto_numero=self.numero.text().strip(),
                       atto_data=quando, motivo=self.motivo.toPlainText().strip())
        errori = controlla(v)
        if errori:
            self.errore.setText("Da completare: " + "; ".join(errori) + ".")
            return
        self.variazione = v
        self.accept()


class VariazioniDialog(QDialog):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Variazioni del piano")
        self.quiet = False  # tests: messages go to self.messaggi
        self.messaggi: list[str] = []
        self.stato = QLabel()
        self.stato.setWordWrap(True)
        self.elenco = QTableWidget(0, 4)
        self.elenco.setHorizontalHeaderLabels(["N.", "Atto", "Stato", "Modifiche"])
        self.voci = QTableWidget(0, 4)
        self.voci.setHorizontalHeaderLabels(["Oggetto", "Campo", "Prima", "Dopo"])
        for t in (self.elenco, self.voci):
            t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            t.verticalHeader().setVisible(False)
            t.setWordWrap(True)
        self.elenco.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.elenco.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.voci.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.motivo = QLabel()
        self.motivo.setWordWrap(True)
        self.motivo.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.apri_btn = QPushButton("Apri variazione…")
        self.chiudi_btn = QPushButton("Chiudi variazione")
        self.stampa_btn = QPushButton("Stampa elenco…")
        close = QPushButton("Chiudi")
        self.apri_btn.clicked.connect(self.apri)
        self.chiudi_btn.clicked.connect(self.chiudi)
        self.stampa_btn.clicked.connect(self.stampa)
        close.clicked.connect(self.accept)
        self.elenco.itemSelectionChanged.connect(self._mostra_voci)
        dettaglio = QWidget()
        dl = QVBoxLayout(dettaglio)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.motivo)
        dl.addWidget(self.voci)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.elenco)
        split.addWidget(dettaglio)
        split.setSizes([160, 300])
        buttons = QHBoxLayout()
        for b in (self.apri_btn, self.chiudi_btn, self.stampa_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.stato)
        lay.addWidget(split, 1)
        lay.addLayout(buttons)
        self.resize(960, 560)
        self._preferita: int | None = None  # the row to select at the next refresh
        ctx.hub.changed.connect(self._changed)
        self.aggiorna()

    # ----------------------------------------------------------------- content

    def _changed(self, ch: Changes) -> None:
        if ch.reset or ch.touches("variazioni") or ch.touches("impostazioni") or var.aperta(self.ctx.archive):
            self.aggiorna()

    def aggiorna(self) -> None:
        arc = self.ctx.archive
        aperta = var.aperta(arc)
        if aperta is not None:
            self.stato.setText(f"<b>Variazione aperta:</b> {aperta.atto}. Ogni modifica del piano viene "
                               "registrata in questa variazione finché non la si chiude.")
        else:
            self.stato.setText("Nessuna variazione aperta: le modifiche del piano non appartengono a una "
                               "variazione. Aprirne una prima di modificare il piano approvato.")
        scelta = self._selezionata()
        if self._preferita is not None:
            scelta, self._preferita = self._preferita, None
        tutte = var.elenco(arc)
        self._tutte = tutte
        self.elenco.setRowCount(len(tutte))
        for r, v in enumerate(tutte):
            n = len(var.voci(arc, v))
            for c, testo in enumerate((str(v.id), v.atto, v.stato.label, str(n))):
                item = QTableWidgetItem(testo)
                if c in (0, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.elenco.setItem(r, c, item)
        self.elenco.resizeColumnToContents(0)
        self.elenco.resizeColumnToContents(2)
        self.elenco.resizeColumnToContents(3)
        ro = self.ctx.readonly
        self.apri_btn.setEnabled(aperta is None and not ro)
        self.chiudi_btn.setEnabled(aperta is not None and not ro)
        self.stampa_btn.setEnabled(bool(tutte))
        ids = [v.id for v in tutte]
        target = scelta if scelta in ids else (aperta.id if aperta else (ids[-1] if ids else None))
        if target is not None:
            self.elenco.selectRow(ids.index(target))
        self._mostra_voci()

    def _selezionata(self) -> int | None:
        rows = self.elenco.selectionModel().selectedRows() if self.elenco.selectionModel() else []
        tutte = getattr(self, "_tutte", [])
        if rows and rows[0].row() < len(tutte):
            return tutte[rows[0].row()].id
        return None

    def _mostra_voci(self) -> None:
        vid = self._selezionata()
        v = next((x for x in getattr(self, "_tutte", []) if x.id == vid), None)
        if v is None:
            self.motivo.setText("")
            self.voci.setRowCount(0)
            return
        provv = " (elenco provvisorio: la variazione è aperta)" if v.stato is StatoVariazione.APERTA else ""
        self.motivo.setText(f"<b>Motivo:</b> {v.motivo}{provv}")
        voci = var.voci(self.ctx.archive, v)
        self.voci.setRowCount(len(voci))
        for r, x in enumerate(voci):
            campo = x.campo or {"inserimento": "aggiunto", "eliminazione": "eliminato"}.get(x.azione, x.azione)
            for c, testo in enumerate((x.oggetto, campo, x.prima, x.dopo)):
                self.voci.setItem(r, c, QTableWidgetItem(testo))
        self.voci.resizeColumnsToContents()
        for c in (1, 2, 3):
            self.voci.setColumnWidth(c, min(260, max(140, self.voci.columnWidth(c))))
        self.voci.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    # ----------------------------------------------------------------- actions

    def _say(self, testo: str, errore: bool = True) -> None:
        self.messaggi.append(testo)
        if not self.quiet:
            box = QMessageBox.warning if errore else QMessageBox.information
            box(self, "Variazioni", testo)

    def apri(self, variazione: Variazione | None = None) -> bool:
        if variazione is None or not isinstance(variazione, Variazione):
            dlg = NuovaVariazioneDialog(self)
            if dlg.exec() != QDialog.DialogCode.Accepted or dlg.variazione is None:
                return False
            variazione = dlg.variazione
        try:
            edit = var.ApriVariazione(variazione)
        except var.ErroreVariazione as err:
            self._say(str(err))
            return False
        ok = self.ctx.push(edit)  # a refusal is reported once, by the hub
        if ok:
            self._preferita = edit.row_id
        self.aggiorna()
        return ok

    def chiudi(self) -> bool:
        if var.aperta(self.ctx.archive) is None:
            self._say("Nessuna variazione aperta.")
            return False
        ok = self.ctx.push(var.ChiudiVariazione())
        self.aggiorna()
        return ok

    def stampa(self, cartella: Path | None = None) -> list[Path]:
        from ...reports.variazioni import scrivi_variazioni

        if cartella is None or not isinstance(cartella, Path):
            scelta = QFileDialog.getExistingDirectory(self, "Cartella per l'elenco delle variazioni")
            if not scelta:
                return []
            cartella = Path(scelta)
        try:
            files = scrivi_variazioni(self.ctx.archive, cartella)
        except OSError as err:
            self._say(describe_os_error(err, cartella))
            return []
        self._say("Scritti: " + ", ".join(p.name for p in files) + f" in {cartella}.", errore=False)
        return files


def show_variazioni_dialog(parent: QWidget, ctx: Context) -> VariazioniDialog:
    dlg = VariazioniDialog(ctx, parent)
    dlg.show()
    return dlg
