"""«Stampa»: the valuation sheets as PDF, rendered in a worker thread.

The snapshots are read from the plan on the GUI thread (the SQLite connection
never leaves it); the worker only turns plain data into PDF files and can be
cancelled from a progress dialog. Files are written through a temporary name,
so a cancelled run leaves only complete PDFs. Before printing, the «Verifica del
piano» problems that concern the chosen sheets are shown and the user decides
whether to print anyway.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ...domain.verifica import Problema
from ...reports import data, sheets
from ..context import Context
from ..ui_state import STAMPA_CARTELLA

MODI = {
    "obiettivi": "Scheda obiettivi del settore",
    "obiettivo": "Scheda dell'obiettivo selezionato",
    "individuali": "Schede di valutazione individuali",
    "assegnazione": "Schede di assegnazione degli obiettivi",
    "colloquio": "Schede di verifica intermedia (colloquio)",
    "riesame": "Schede di riesame (chi lo ha richiesto)",
    "organizzativa": "Performance organizzativa (tabelle 1 e 2)",
}

#: modes that print one sheet per person
PER_PERSONA = ("individuali", "assegnazione", "colloquio", "riesame")

INFO = {
    "obiettivi": "Una scheda per settore (riepilogo con fasce A–E, obiettivi, risorse umane, firme); "
                 "«Tutti i settori» comprende la scheda TUTTI I SETTORI degli obiettivi trasversali.",
    "obiettivo": "Scheda dell'obiettivo con obiettivi specifici/attività, indicatori e stati di avanzamento.",
    "individuali": "Una scheda per persona del settore scelto (o di tutto il piano): valutatore, componenti, "
                   "comportamenti, obiettivi, valutazione finale (o ciò che manca) e passi del ciclo.",
    "assegnazione": "Inizio anno: obiettivi con i pesi, componenti e comportamenti da valutare, firme di "
                    "valutatore e valutato.",
    "colloquio": "Verifica intermedia: data e note del colloquio, firme di valutatore e valutato.",
    "riesame": "Richiesta di riesame ed esito, per chi lo ha richiesto.",
    "organizzativa": "Tabella 1 (programmazione e gestione delle risorse) e Tabella 2 (sintesi) dell'ente "
                     "e delle strutture che hanno voci proprie.",
}


class _Signals(QObject):
    progress = Signal(int, int, str)
    done = Signal(list, bool)  # files written, cancelled
    failed = Signal(str)


class RenderJob(QRunnable):
    """Renders snapshots into a folder; talks to the GUI only through signals."""

    def __init__(self, snaps: list[object], out_dir: Path, cancel: threading.Event) -> None:
        super().__init__()
        self.snaps, self.out_dir, self.cancel = snaps, out_dir, cancel
        self.signals = _Signals()
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            files = sheets.render_batch(self.snaps, self.out_dir, cancel=self.cancel,  # type: ignore[arg-type]
                                        progress=lambda i, n, name: self.signals.progress.emit(i, n, name))
        except OSError as exc:
            from ...fsio import describe_os_error

            self.signals.failed.emit(f"Stampa non riuscita: {describe_os_error(exc, self.out_dir)}")
            return
        except Exception as exc:  # noqa: BLE001 - shown to the user, nothing half-written
            self.signals.failed.emit(f"Errore durante la stampa: {exc}")
            return
        self.signals.done.emit([str(f) for f in files], self.cancel.is_set())


class StampaDialog(QDialog):
    """Choose what to print, the year and the folder; then print with a cancellable progress."""

    def __init__(self, ctx: Context, parent: QWidget | None = None, modo: str = "obiettivi") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Stampa schede")
        self.setMinimumWidth(620)
        self.quiet = False  # tests: no message boxes, no file browser
        self.files: list[str] | None = None
        self.cancelled = False
        self.error: str | None = None
        #: the «Verifica del piano» problems shown before the last print, and (tests, quiet) the answer
        self.problemi: list[Problema] = []
        self.stampa_con_problemi = True
        self.job: RenderJob | None = None
        self.cancel_event = threading.Event()
        self.progress: QProgressDialog | None = None
        arc = ctx.archive
        piano = arc.piano()
        form = QFormLayout(self)
        self.modo = QComboBox()
        for key, label in MODI.items():
            self.modo.addItem(label, key)
        self.modo.setCurrentIndex(max(0, self.modo.findData(modo)))
        form.addRow("Cosa stampare:", self.modo)
        self.settore = QComboBox()
        self.settore.addItem("Tutti i settori", None)
        self.settore.addItem("TUTTI I SETTORI — obiettivi trasversali", data.TUTTI)
        for u in arc.unita():
            if u.id is not None:
                self.settore.addItem(f"{u.nome}" + (f" ({u.codice})" if u.codice and u.codice != u.nome else ""),
                                     u.id)
        form.addRow("Settore:", self.settore)
        self.obiettivo = QLabel()
        self.obiettivo.setWordWrap(True)
        form.addRow("Obiettivo:", self.obiettivo)
        self.anno = QSpinBox(minimum=piano.anno_inizio, maximum=piano.anno_fine)
        self.anno.setValue(ctx.anno if piano.anno_inizio <= (ctx.anno or 0) <= piano.anno_fine
                           else piano.anno_inizio)
        form.addRow("Anno di valutazione:", self.anno)
        row = QHBoxLayout()
        default = STAMPA_CARTELLA.get(ctx.settings)
        self.cartella = QLineEdit(str(default))
        browse = QPushButton("Sfoglia…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.cartella, 1)
        row.addWidget(browse)
        form.addRow("Cartella dei PDF:", row)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setStyleSheet("color: #52606d;")
        self.info.setMinimumHeight(self.info.fontMetrics().lineSpacing() * 3 + 6)
        form.addRow(self.info)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.stampa_btn = buttons.addButton("Stampa", QDialogButtonBox.ButtonRole.AcceptRole)
        self.stampa_btn.setDefault(True)
        buttons.accepted.connect(self.esegui)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.modo.currentIndexChanged.connect(self._sync)
        self.settore.currentIndexChanged.connect(self._sync)
        self._sync()

    # ------------------------------------------------------------------ state

    def _current_obiettivo(self):
        oid = self.ctx.current_obiettivo
        return self.ctx.archive.obiettivo(oid) if oid else None

    def _sync(self) -> None:
        modo = self.modo.currentData()
        ob = self._current_obiettivo()
        self.settore.setEnabled(modo not in ("obiettivo", "organizzativa"))
        self.obiettivo.setText(f"{ob.codice} — {ob.titolo}" if ob else "nessun obiettivo selezionato")
        self.info.setText(INFO[modo] + " Ogni scheda ha i campi firma vuoti per la firma digitale.")
        self.stampa_btn.setEnabled(modo != "obiettivo" or ob is not None)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Cartella dei PDF", self.cartella.text())
        if folder:
            self.cartella.setText(folder)

    # ------------------------------------------------------------------ snapshots (GUI thread)

    def snapshots(self) -> tuple[list[object], list[Problema]]:
        """The sheets chosen and the plan's problems that concern them (read on the GUI thread)."""
        arc, anno = self.ctx.archive, self.anno.value()
        modo, uid = self.modo.currentData(), self.settore.currentData()
        q = data.quadro(arc, anno)
        if modo == "obiettivo":
            ob = self._current_obiettivo()
            if ob is None:
                return [], []
            return ([data.snapshot_scheda_obiettivo(arc, ob.id, anno)],
                    data.problemi_stampa(q, obiettivi=[ob.id]))
        if modo == "obiettivi":
            units = [uid] if uid is not None else data.schede_obiettivi_da_stampare(q)
            return ([data.snapshot_scheda_obiettivi(arc, u, quadro=q) for u in units],
                    data.problemi_stampa(q, unita=units))
        if modo == "organizzativa":
            return [data.snapshot_organizzativa(arc, quadro=q)], data.problemi_stampa(q, tutto=True)
        ctx = data.ContestoSchede(arc, anno, quadro=q)  # read once
        persone = [p.id for p in arc.persone() if p.id is not None and (uid is None or p.unita_id == uid)]
        if modo == "individuali":
            snaps: list[object] = list(ctx.schede_individuali(persone))
        else:
            snaps = list(ctx.schede_ciclo(modo, persone, solo_richieste=True))
        return snaps, data.problemi_stampa(q, persone=[s.persona_id for s in snaps])  # type: ignore[attr-defined]

    def _conferma(self, problemi: list[Problema]) -> bool:
        """Show the problems of the chosen sheets and ask whether to print anyway."""
        self.problemi = problemi
        if not problemi:
            return True
        if self.quiet:
            return self.stampa_con_problemi
        n_err = len(data.errori(problemi))
        head = (f"La verifica del piano ha trovato {len(problemi)} "
                f"{'problema' if len(problemi) == 1 else 'problemi'} che riguardano le schede scelte"
                + (f", di cui {n_err} {'errore' if n_err == 1 else 'errori'}" if n_err else "") + ".")
        shown = problemi[:10]
        more = len(problemi) - len(shown)
        body = "\n".join(f"• {p}" for p in shown) + (f"\n… e altri {more} (vedi i dettagli)." if more else "")
        box = QMessageBox(QMessageBox.Icon.Warning if n_err else QMessageBox.Icon.Information,
                          "Verifica del piano", head, parent=self)
        box.setInformativeText(body + "\n\nStampare comunque?")
        box.setDetailedText("\n".join(str(p) for p in problemi))
        yes = box.addButton("Stampa comunque", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Annulla", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is yes

    # ------------------------------------------------------------------ run

    def esegui(self) -> None:
        folder = Path(self.cartella.text().strip()).expanduser()
        if not self.cartella.text().strip():
            self._message("Indicare la cartella in cui salvare i PDF.", error=True)
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            snaps, problemi = self.snapshots()
        finally:
            QGuiApplication.restoreOverrideCursor()
        if not snaps:
            self.problemi = []
            self._message("Nessuna scheda da stampare per la scelta fatta"
                          + (" (nessuno ha richiesto il riesame)." if self.modo.currentData() == "riesame"
                             else "."), error=True)
            return
        if not self._conferma(problemi):
            return
        STAMPA_CARTELLA.set(self.ctx.settings, str(folder))
        self.files, self.cancelled, self.error = None, False, None
        self.cancel_event = threading.Event()
        self.progress = QProgressDialog("Preparazione…", "Annulla", 0, len(snaps), self)
        self.progress.setWindowTitle("Stampa in corso")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel_event.set)
        self.job = RenderJob(snaps, folder, self.cancel_event)
        self.job.signals.progress.connect(self._on_progress)
        self.job.signals.done.connect(self._on_done)
        self.job.signals.failed.connect(self._on_failed)
        self.stampa_btn.setEnabled(False)
        QThreadPool.globalInstance().start(self.job)
        self.progress.show()

    def _on_progress(self, i: int, n: int, name: str) -> None:
        if self.progress is None:
            return
        self.progress.setMaximum(n)
        self.progress.setValue(i)
        if name:
            self.progress.setLabelText(f"Scheda {i + 1} di {n}\n{name}")

    def _finish(self) -> None:
        if self.progress is not None:
            self.progress.close()
        self.stampa_btn.setEnabled(True)
        self.job = None

    def _on_done(self, files: list[str], cancelled: bool) -> None:
        self._finish()
        self.files, self.cancelled = files, cancelled
        n = len(files)
        what = "scheda salvata" if n == 1 else "schede salvate"
        if cancelled:
            self._message(f"Stampa annullata: {n} {what} prima dell'annullamento.")
            return
        if self.quiet:
            return
        box = QMessageBox(QMessageBox.Icon.Information, "Stampa completata",
                          f"{n} {what} in\n{self.cartella.text()}", parent=self)
        open_btn = box.addButton("Apri cartella", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.exec()
        if box.clickedButton() is open_btn:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.cartella.text()))

    def _on_failed(self, message: str) -> None:
        self._finish()
        self.error = message
        self.files = []
        self._message(message, error=True)

    def _message(self, text: str, *, error: bool = False) -> None:
        if self.quiet:
            self.error = text if error else self.error
            return
        (QMessageBox.warning if error else QMessageBox.information)(self, "Stampa", text)

    def busy(self) -> bool:
        return self.job is not None

    def reject(self) -> None:
        if self.job is not None:  # closing while printing: cancel and wait for the worker
            self.cancel_event.set()
            QThreadPool.globalInstance().waitForDone(10000)
        super().reject()


def show_stampa_dialog(main_window: QWidget | None, ctx: Context, modo: str) -> StampaDialog:
    dlg = StampaDialog(ctx, main_window, modo)
    dlg.show()
    return dlg
