"""Dialog «Conferma il piano per l'anno successivo»: preview of the differences, then a new file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...store import rinnovo
from ...store.db import PLAN_SUFFIX, PlanError
from ..context import Context


class RinnovoDialog(QDialog):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.created: Path | None = None
        self.setObjectName("dialogo_rinnovo")
        self.setWindowTitle("Conferma il piano per l'anno successivo")
        self.resize(860, 620)
        piano = ctx.archive.piano()
        lay = QVBoxLayout(self)
        intro = QLabel(
            f"Crea un NUOVO piano {piano.anno_inizio + 1}/{piano.anno_fine + 1} (in bozza) confermando "
            f"questo piano {piano.triennio}: obiettivi, fasi con le date spostate di un anno, indicatori "
            "con i target dell'anno corrispondente, persone, unità e assegnazioni. Il piano attuale "
            "non viene modificato.", self)
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.conclusi = QCheckBox("Riporta anche gli obiettivi i cui anni non rientrano nel nuovo triennio "
                                  "(con gli anni spostati di un anno)", self)
        self.conclusi.setChecked(True)  # "conferma il piano": everything carries over by default
        lay.addWidget(self.conclusi)
        self.rapporto = QPlainTextEdit(self)
        self.rapporto.setReadOnly(True)
        self.rapporto.setObjectName("rapporto_rinnovo")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.TypeWriter)
        self.rapporto.setFont(mono)
        lay.addWidget(self.rapporto, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Nuovo file:", self))
        self.percorso = QLineEdit(self)
        base = ctx.archive.path.parent if ctx.archive.path else Path.home()
        self.percorso.setText(str(base / f"piano_{piano.anno_inizio + 1}_{piano.anno_fine + 1}{PLAN_SUFFIX}"))
        row.addWidget(self.percorso, 1)
        sfoglia = QPushButton("Sfoglia…", self)
        sfoglia.clicked.connect(self._browse)
        row.addWidget(sfoglia)
        lay.addLayout(row)
        self.errore = QLabel("", self)
        self.errore.setStyleSheet("color: #b91c1c;")
        self.errore.setWordWrap(True)
        self.errore.hide()
        lay.addWidget(self.errore)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.crea = QPushButton("Crea il nuovo piano", self)
        self.crea.setObjectName("crea_piano_rinnovato")
        self.crea.setDefault(True)
        self.crea.clicked.connect(self.create)
        annulla = QPushButton("Chiudi", self)
        annulla.clicked.connect(self.reject)
        buttons.addWidget(self.crea)
        buttons.addWidget(annulla)
        lay.addLayout(buttons)
        self.conclusi.toggled.connect(self.preview)
        self.preview()

    def preview(self, *_: Any) -> None:
        self.prep = rinnovo.prepara(self.ctx.archive, anche_conclusi=self.conclusi.isChecked())
        self.rapporto.setPlainText(self.prep.rapporto.testo())

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Nuovo piano", self.percorso.text(),
                                              f"Piani piaodesk (*{PLAN_SUFFIX})")
        if path:
            self.percorso.setText(path)

    def create(self, *, ask_open: bool = True) -> Path | None:  # type: ignore[override]
        text = self.percorso.text().strip()
        if not text:
            self._error("Indicare il nome del nuovo file.")
            return None
        path = Path(text)
        if not path.suffix:
            path = path.with_suffix(PLAN_SUFFIX)
        if path.exists():
            self._error(f"Il file «{path}» esiste già: scegliere un altro nome.")
            return None
        try:
            self.preview()
            rinnovo.crea(self.prep, path)
        except (PlanError, OSError) as exc:
            self._error(str(exc))
            return None
        self.created = path
        self.errore.hide()
        self.crea.setEnabled(False)
        self.rapporto.appendPlainText(f"\nNuovo piano creato: {path}")
        opener = getattr(self.ctx.main_window, "open_path", None)
        if ask_open and opener is not None and QMessageBox.question(
                self, "Piano creato", f"Nuovo piano creato:\n{path}\n\nAprirlo ora?") == \
                QMessageBox.StandardButton.Yes:
            self.accept()
            opener(path)
        return path

    def _error(self, text: str) -> None:
        self.errore.setText(text)
        self.errore.show()
