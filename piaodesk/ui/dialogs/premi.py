"""«Premi di performance»: the fund and the SMVP's premi rules, the ranking, the statistics per
fascia, and the year-end documents (premi xlsx/PDF, Relazione, trasparenza, allegato).

The settings are stored in the plan with one undoable ``SetSetting`` (key «premi», JSON); the
amounts are always computed by ``domain.premi`` on the valuations (nothing typed here is an amount
of a person). Bad input is reported in Italian and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.enums import Area2023
from ...domain.formats import format_decimal, parse_decimal
from ...domain.premi import ErrorePremi, EsitoPremi, RegolePremi
from ...fsio import describe_os_error
from ...store import premi as sp
from ..context import Context
from ..ui_state import PREMI_CARTELLA
from ..widgets.schermo import adatta

ETICHETTE = (("fondo", "Fondo per la performance (€)"),
             ("quota_organizzativa", "Quota per la performance organizzativa (%)"),
             ("soglia", "Soglia minima di valutazione (%)"),
             ("maggiorazione", "Maggiorazione del premio individuale (% del premio medio, ≥ 30)"),
             ("quota_maggiorazione", "Quota massima di personale con maggiorazione (%)"))


class PremiDialog(QDialog):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Premi di performance")
        adatta(self, 1000, 640)  # a 1366×768 screen with a taskbar
        self.quiet = False  # tests: messages go to self.messaggi
        self.messaggi: list[str] = []
        self.esito: EsitoPremi | None = None
        self.files: list[Path] = []
        try:
            r = sp.regole(ctx.archive)
        except ErrorePremi as exc:
            self._avvisa(str(exc))
            r = RegolePremi()
        self.regole = r
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.campi: dict[str, QLineEdit] = {}
        for key, label in ETICHETTE:
            e = QLineEdit(format_decimal(getattr(r, key), None))
            e.setObjectName(f"premi_{key}")
            self.campi[key] = e
            form.addRow(label, e)
        self.parametri: dict[str, QLineEdit] = {}
        row = QHBoxLayout()
        for a in Area2023:
            e = QLineEdit(format_decimal(r.parametri_area.get(a.value), None))
            e.setPlaceholderText("1")
            e.setMaximumWidth(60)
            self.parametri[a.value] = e
            row.addWidget(QLabel(a.label))
            row.addWidget(e)
        form.addRow("Parametri per Area", row)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        for text, slot, name in (("Calcola", self.calcola, "premi_calcola"),
                                 ("Salva le impostazioni nel piano", self.salva, "premi_salva"),
                                 ("Scrivi tabella e PDF…", self.scrivi_premi, "premi_scrivi"),
                                 ("Relazione sulla Performance…", self.scrivi_relazione, "premi_relazione"),
                                 ("Trasparenza…", self.scrivi_trasparenza, "premi_trasparenza")):
            b = QPushButton(text)
            b.setObjectName(name)
            b.clicked.connect(lambda _c=False, s=slot: s())
            buttons.addWidget(b)
        self.salva_btn = self.findChild(QPushButton, "premi_salva")
        layout.addLayout(buttons)
        if ctx.readonly and self.salva_btn is not None:
            self.salva_btn.setEnabled(False)
        self.riepilogo = QLabel()
        self.riepilogo.setWordWrap(True)
        self.riepilogo.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.riepilogo)
        self.tabella = QTableWidget(0, 8)
        self.tabella.setHorizontalHeaderLabels(["Pos.", "Nominativo", "Fascia", "Valutazione %", "Organizzativo €",
                                                "Individuale €", "Maggiorazione €", "Totale €"])
        self.tabella.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tabella.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.tabella, 1)
        self.fasce = QLabel()
        self.fasce.setWordWrap(True)
        layout.addWidget(self.fasce)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        if r.totale:
            self.calcola()

    # ---------------------------------------------------------------- input

    def _avvisa(self, testo: str) -> None:
        self.messaggi.append(testo)
        if not self.quiet:
            QMessageBox.warning(self, "Premi di performance", testo)

    def leggi(self) -> RegolePremi | None:
        """The rules from the form, or None (with the message) when a value is refused."""
        valori: dict[str, Decimal] = {}
        for key, e in self.campi.items():
            v = parse_decimal(e.text())
            if v is None:
                self._avvisa(f"«{e.text()}» non è un numero ({self._label(key)}).")
                return None
            valori[key] = v
        parametri: dict[str, Decimal] = {}
        for area, e in self.parametri.items():
            if not e.text().strip():
                continue
            v = parse_decimal(e.text())
            if v is None:
                self._avvisa(f"«{e.text()}» non è un numero (parametro dell'area {Area2023(area).label}).")
                return None
            parametri[area] = v
        try:
            # the fields of ETICHETTE, one by one: the dataclass checks each type
            return replace(self.regole, parametri_area=parametri, fondo=valori["fondo"],
                           quota_organizzativa=valori["quota_organizzativa"], soglia=valori["soglia"],
                           maggiorazione=valori["maggiorazione"],
                           quota_maggiorazione=valori["quota_maggiorazione"])
        except ErrorePremi as exc:
            self._avvisa(str(exc))
            return None

    def _label(self, key: str) -> str:
        return dict(ETICHETTE)[key]

    # ---------------------------------------------------------------- actions

    def calcola(self) -> bool:
        r = self.leggi()
        if r is None:
            return False
        try:
            _, esito = sp.calcola(self.ctx.archive, self.ctx.anno or None, con_regole=r)
        except ErrorePremi as exc:
            self._avvisa(str(exc))
            return False
        self.regole, self.esito = r, esito
        from ...reports.premi import riepilogo, righe, statistiche

        self.riepilogo.setText("\n".join(riepilogo(esito, r)))
        rows = righe(esito)
        self.tabella.setRowCount(len(rows))
        for i, x in enumerate(rows):
            vals = ["" if x[0] is None else str(x[0]), str(x[1]), str(x[5]), format_decimal(x[6]),
                    format_decimal(x[8]), format_decimal(x[9]), format_decimal(x[10]), format_decimal(x[11])]
            for c, v in enumerate(vals):
                it = QTableWidgetItem(v)
                if c >= 3:
                    it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 1 and x[12]:
                    it.setToolTip(str(x[12]))
                self.tabella.setItem(i, c, it)
        self.fasce.setText("Per fascia — " + "; ".join(
            f"{f}: {n} persone, {t} € (medio {m} €)" for f, n, t, _q, m in statistiche(esito)))
        return True

    def salva(self) -> bool:
        r = self.leggi()
        if r is None or self.ctx.readonly:
            return False
        return self.ctx.push(sp.imposta_regole(r))

    def _cartella(self, cartella: Path | str | None) -> Path | None:
        if cartella is None:
            start = PREMI_CARTELLA.get(self.ctx.settings)
            scelta = QFileDialog.getExistingDirectory(self, "Cartella in cui scrivere", start)
            if not scelta:
                return None
            cartella = scelta
        PREMI_CARTELLA.set(self.ctx.settings, str(cartella))
        p = Path(cartella)
        p.mkdir(parents=True, exist_ok=True)
        return p

    def _scrivi(self, cartella: Path | str | None, fn: Callable[[Path], Iterable[Path]]) -> list[Path]:
        try:
            out = self._cartella(cartella)
            if out is None:
                return []
            self.files = list(fn(out))
        except OSError as exc:
            self._avvisa(f"Scrittura non riuscita: {describe_os_error(exc, cartella)}")
            return []
        except ErrorePremi as exc:
            self._avvisa(str(exc))
            return []
        if not self.quiet:
            QMessageBox.information(self, "Premi di performance",
                                    "File scritti:\n" + "\n".join(str(f) for f in self.files))
        return self.files

    def _pronto(self) -> EsitoPremi | None:
        """The computed outcome, ready to be written; None (the reason said) when it is not."""
        if not self.calcola() or self.esito is None:
            return None
        if not self.regole.totale:
            self._avvisa("Indicare l'importo del fondo.")
            return None
        return self.esito

    def scrivi_premi(self, cartella: Path | str | None = None) -> list[Path]:
        esito = self._pronto()
        if esito is None:
            return []
        from ...reports import premi as rp
        from ...reports.fine_anno import nome_ente

        r, anno = self.regole, self.ctx.anno or self.ctx.archive.piano().anno_inizio
        ente = nome_ente(self.ctx.archive)
        return self._scrivi(cartella, lambda out: (
            rp.scrivi_xlsx(esito, r, out / f"premi-{anno}.xlsx", ente=ente, anno=anno),
            rp.scrivi_pdf_premi(esito, r, out / f"premi-{anno}.pdf", ente=ente, anno=anno)))

    def scrivi_relazione(self, cartella: Path | str | None = None) -> list[Path]:
        from ...reports.relazione import scrivi_relazione

        return self._scrivi(cartella, lambda out: scrivi_relazione(self.ctx.archive, out, self.ctx.anno or None))

    def scrivi_trasparenza(self, cartella: Path | str | None = None) -> list[Path]:
        esito = self._pronto()
        if esito is None:
            return []
        from ...reports.trasparenza import scrivi_trasparenza
        from ...store.valutazioni import QuadroValutazioni

        return self._scrivi(cartella, lambda out: scrivi_trasparenza(
            self.ctx.archive, esito, QuadroValutazioni(self.ctx.archive, self.ctx.anno or None), out))


def show_premi_dialog(main_window: QWidget | None, ctx: Context) -> None:
    PremiDialog(ctx, main_window).exec()


def scrivi_allegato_in(ctx: Context, cartella: Path) -> list[Path]:
    """The monitoring annex at the latest round, every CDR (raises PlanError / OSError)."""
    from ...reports.allegato import scrivi_allegato
    from ...store.allegato import allegato

    cartella.mkdir(parents=True, exist_ok=True)
    return [scrivi_allegato(ctx.archive, allegato(ctx.archive), cartella)]


def show_allegato(main_window: QWidget | None, ctx: Context) -> None:
    from ...store.db import PlanError

    start = PREMI_CARTELLA.get(ctx.settings)
    scelta = QFileDialog.getExistingDirectory(main_window, "Cartella dell'allegato di monitoraggio", start)
    if not scelta:
        return
    try:
        files = scrivi_allegato_in(ctx, Path(scelta))
    except PlanError as exc:
        QMessageBox.warning(main_window, "Allegato di monitoraggio", str(exc))
        return
    except OSError as exc:
        QMessageBox.warning(main_window, "Allegato di monitoraggio",
                            f"Scrittura non riuscita: {describe_os_error(exc, scelta)}")
        return
    PREMI_CARTELLA.set(ctx.settings, scelta)
    QMessageBox.information(main_window, "Allegato di monitoraggio", "File scritto:\n" + "\n".join(map(str, files)))
