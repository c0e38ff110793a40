"""«Firma»: sign a PDF in one of its empty signature fields, and check the signatures of any PDF.

Works on any PDF (the valuation sheets printed by piaodesk, or a file signed
elsewhere with Dike/GoSign/ArubaSign and brought back). The key comes from a
PKCS#12 file or a smart card (PKCS#11). Passwords and PINs are never stored.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...signing.batch import BatchItem, BatchSummary, output_for, sign_file, sign_many
from ...signing.errors import SignatureError
from ...signing.keys import known_pkcs11_libraries, load_pkcs12, open_pkcs11
from ...signing.sign import FieldInfo, SignOptions, default_output, newer_revisions, signature_fields
from ...signing.tsa import TsaSettings, timestamper
from ...signing.tsa import load_settings as load_tsa_settings
from ...signing.tsa import save_settings as save_tsa_settings
from ...signing.verify import SignatureReport, VerifyResult, format_time, verify_file
from .. import ui_state
from ..ui_state import (
    FIRMA_CA_FIDATE,
    FIRMA_LT,
    FIRMA_LUOGO,
    FIRMA_MODO,
    FIRMA_NOME,
    FIRMA_P12,
    FIRMA_PKCS11_LIB,
    FIRMA_RUOLO,
    FIRMA_TOKEN,
)
from ..widgets.schermo import scorrevole

MOTIVI = ("", "Il valutatore", "Per presa visione", "Per approvazione", "Il Segretario generale",
          "Nucleo di valutazione / OIV")
PDF_FILTER = "Documenti PDF (*.pdf);;Tutti i file (*)"


def _settings(ctx: Any) -> QSettings:
    return ui_state.settings_of(ctx)


def _path_row(edit: QLineEdit, button_text: str, on_browse) -> QWidget:
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(edit, 1)
    button = QPushButton(button_text)
    button.setAutoDefault(False)  # Enter in the dialog never opens a file dialog
    button.clicked.connect(on_browse)
    lay.addWidget(button)
    return row


class FirmaDialog(QDialog):
    """Choose PDF, field, key (file or smart card), stamp text and output; then «Firma»."""

    def __init__(self, ctx: Any = None, parent: QWidget | None = None, pdf: Path | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = _settings(ctx)
        self.setWindowTitle("Firma un PDF")
        self.setMinimumWidth(640)
        self.fields: list[FieldInfo] = []
        self.result: BatchItem | None = None  # type: ignore[assignment]
        self.summary: BatchSummary | None = None
        self.output_path: Path | None = None
        self._out_auto = True

        outer = QVBoxLayout(self)

        # --- document
        doc = QGroupBox("Documento")
        form = QFormLayout(doc)
        self.pdf_edit = QLineEdit()
        self.pdf_edit.setObjectName("firma_pdf")
        self.pdf_edit.setPlaceholderText("PDF da firmare (per esempio una scheda di valutazione)")
        self._loaded_pdf: str | None = None
        self.pdf_edit.editingFinished.connect(self._pdf_edited)
        form.addRow("PDF:", _path_row(self.pdf_edit, "Sfoglia…", self._browse_pdf))
        self.batch_files: list[Path] = []
        self.batch_button = QPushButton("Più PDF…")
        self.batch_button.setObjectName("firma_piu_pdf")
        self.batch_button.setToolTip("Firma in una volta più schede (un solo PIN della smart card)")
        self.batch_button.clicked.connect(self._browse_many)
        form.addRow("", self.batch_button)
        self.field_combo = QComboBox()
        self.field_combo.setObjectName("firma_campo")
        self.field_combo.currentIndexChanged.connect(lambda _i: self._auto_output())
        form.addRow("Campo di firma:", self.field_combo)
        self.formato_combo = QComboBox()
        self.formato_combo.setObjectName("firma_formato")
        self.formato_combo.addItem("PAdES: firma dentro il PDF", "pades")
        self.formato_combo.addItem("CAdES: busta .p7m", "p7m")
        self.formato_combo.currentIndexChanged.connect(lambda _i: self._auto_output())
        form.addRow("Formato:", self.formato_combo)
        self.fields_note = QLabel("")
        self.fields_note.setWordWrap(True)
        self.fields_note.setStyleSheet("color: palette(mid);")
        form.addRow("", self.fields_note)
        self.out_edit = QLineEdit()
        self.out_edit.setObjectName("firma_out")
        self.out_edit.textEdited.connect(lambda _t: setattr(self, "_out_auto", False))
        form.addRow("PDF firmato:", _path_row(self.out_edit, "Sfoglia…", self._browse_out))
        outer.addWidget(doc)

        # --- key
        keybox = QGroupBox("Certificato di firma")
        kl = QVBoxLayout(keybox)
        radios = QHBoxLayout()
        self.radio_p12 = QRadioButton("File di certificato (.p12 / .pfx)")
        self.radio_p12.setObjectName("firma_radio_p12")
        self.radio_card = QRadioButton("Smart card / token (PKCS#11)")
        self.radio_card.setObjectName("firma_radio_card")
        group = QButtonGroup(self)
        group.addButton(self.radio_p12)
        group.addButton(self.radio_card)
        radios.addWidget(self.radio_p12)
        radios.addWidget(self.radio_card)
        radios.addStretch(1)
        kl.addLayout(radios)
        self.key_stack = QStackedWidget()

        p12_page = QWidget()
        pf = QFormLayout(p12_page)
        pf.setContentsMargins(0, 0, 0, 0)
        self.p12_edit = QLineEdit(str(FIRMA_P12.get(self.settings)))
        self.p12_edit.setObjectName("firma_p12")
        pf.addRow("File:", _path_row(self.p12_edit, "Sfoglia…", self._browse_p12))
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("firma_password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        pf.addRow("Password:", self.password_edit)
        self.key_stack.addWidget(p12_page)

        card_page = QWidget()
        cf = QFormLayout(card_page)
        cf.setContentsMargins(0, 0, 0, 0)
        self.lib_combo = QComboBox()
        self.lib_combo.setObjectName("firma_pkcs11_lib")
        self.lib_combo.setEditable(True)
        self.lib_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        last_lib = FIRMA_PKCS11_LIB.get(self.settings)
        presets = known_pkcs11_libraries()
        if last_lib:
            self.lib_combo.addItem(last_lib)
        for label, path in presets:
            if str(path) != last_lib:
                self.lib_combo.addItem(str(path))
                self.lib_combo.setItemData(self.lib_combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        editor = self.lib_combo.lineEdit()
        if editor is not None:
            editor.setPlaceholderText("driver della carta, es. bit4xpki.dll / libbit4xpki.so")
        cf.addRow("Libreria:", _path_row_combo(self.lib_combo, self._browse_lib))
        self.token_edit = QLineEdit(str(FIRMA_TOKEN.get(self.settings)))
        self.token_edit.setPlaceholderText("facoltativa: se ci sono più carte/lettori")
        cf.addRow("Etichetta carta:", self.token_edit)
        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("firma_pin")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        cf.addRow("PIN:", self.pin_edit)
        self.key_stack.addWidget(card_page)
        kl.addWidget(self.key_stack)
        self.radio_p12.toggled.connect(lambda on: self.key_stack.setCurrentIndex(0 if on else 1))
        (self.radio_card if FIRMA_MODO.get(self.settings) == "card" else self.radio_p12).setChecked(True)
        self.key_stack.setCurrentIndex(1 if self.radio_card.isChecked() else 0)
        outer.addWidget(keybox)

        # --- stamp
        stamp = QGroupBox("Riquadro visibile della firma")
        sf = QFormLayout(stamp)
        self.nome_edit = QLineEdit(str(FIRMA_NOME.get(self.settings)))
        self.nome_edit.setObjectName("firma_nome")
        self.nome_edit.setPlaceholderText("facoltativo: riga in più (il titolare del certificato compare sempre)")
        sf.addRow("Nome:", self.nome_edit)
        self.ruolo_edit = QLineEdit(str(FIRMA_RUOLO.get(self.settings)))
        self.ruolo_edit.setObjectName("firma_ruolo")
        self.ruolo_edit.setPlaceholderText("es. Il Responsabile del Servizio Finanziario")
        sf.addRow("Ruolo:", self.ruolo_edit)
        self.luogo_edit = QLineEdit(str(FIRMA_LUOGO.get(self.settings)))
        self.luogo_edit.setObjectName("firma_luogo")
        self.luogo_edit.setPlaceholderText("es. Comune di …")
        sf.addRow("Luogo:", self.luogo_edit)
        self.motivo_combo = QComboBox()
        self.motivo_combo.setEditable(True)
        self.motivo_combo.addItems(MOTIVI)
        sf.addRow("Motivo:", self.motivo_combo)
        outer.addWidget(stamp)

        # --- timestamp and validation data
        tsabox = QGroupBox("Marca temporale e dati di validazione")
        tf = QFormLayout(tsabox)
        tsa = self._tsa_settings()
        self.tsa_edit = QLineEdit(tsa.url)
        self.tsa_edit.setObjectName("firma_tsa_url")
        self.tsa_edit.setPlaceholderText("indirizzo del servizio di marca temporale (facoltativo)")
        tf.addRow("Servizio (TSA):", self.tsa_edit)
        self.tsa_user_edit = QLineEdit(tsa.utente)
        self.tsa_user_edit.setObjectName("firma_tsa_utente")
        tf.addRow("Utente:", self.tsa_user_edit)
        self.tsa_password_edit = QLineEdit(tsa.password)
        self.tsa_password_edit.setObjectName("firma_tsa_password")
        self.tsa_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        tf.addRow("Password:", self.tsa_password_edit)
        self.lt_check = QCheckBox("Aggiungi i dati di validazione (catena e, in linea, CRL/OCSP: PAdES B-LT)")
        self.lt_check.setObjectName("firma_lt")
        self.lt_check.setChecked(FIRMA_LT.get(self.settings))
        tf.addRow("", self.lt_check)
        outer.addWidget(tsabox)

        note = QLabel("Senza servizio di marca temporale la data e l'ora della firma sono quelle "
                      "dell'orologio di questo computer (PAdES B-B). Il file firmato non sostituisce "
                      "mai un file esistente senza chiedere.")
        note.setWordWrap(True)
        outer.addWidget(note)

        buttons = QDialogButtonBox()
        self.firma_button = buttons.addButton("Firma", QDialogButtonBox.ButtonRole.AcceptRole)
        self.firma_button.setObjectName("firma_button")
        self.firma_button.setDefault(True)
        close = buttons.addButton("Chiudi", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        self.firma_button.clicked.connect(self.firma)
        outer.addWidget(buttons)
        scorrevole(self, buttons)  # 1366×768 screen: the form scrolls, the buttons stay

        if pdf is not None:
            self.set_pdf(pdf)
        else:
            self._update_enabled()

    # ----------------------------------------------------------------- inputs

    def _pdf_edited(self) -> None:
        # also emitted on focus-out while the dialog closes: only react to a real change
        if self.pdf_edit.text().strip() != self._loaded_pdf:
            self.set_pdf(self.pdf_edit.text())

    def set_pdf(self, path: str | os.PathLike[str]) -> None:
        text = str(path).strip()
        self._loaded_pdf = text
        self.batch_files = []
        self.out_edit.setEnabled(True)
        if not self.out_edit.text().strip() or self.out_edit.text().startswith("accanto a ciascun"):
            self._out_auto = True
        if self.pdf_edit.text() != text:
            self.pdf_edit.setText(text)
        self.field_combo.clear()
        self.fields = []
        if not text:
            self.fields_note.setText("")
            self._update_enabled()
            return
        pdf = Path(text)
        try:
            self.fields = signature_fields(pdf.read_bytes())
        except OSError as exc:
            self.fields_note.setText(f"Impossibile leggere il file: {exc.strerror or exc}")
        except SignatureError as exc:
            self.fields_note.setText(str(exc))
        else:
            free = [f for f in self.fields if not f.signed]
            signed = [f.name for f in self.fields if f.signed]
            for f in free:
                where = f" (pagina {f.page + 1})" if f.page is not None else ""
                self.field_combo.addItem(f"{f.name}{where}", f.name)
            parts = []
            if not self.fields:
                parts.append("Il PDF non ha campi di firma.")
            elif not free:
                parts.append("Tutti i campi di firma sono già firmati.")
            if signed:
                parts.append("Già firmati: " + ", ".join(signed) + ".")
            self.fields_note.setText(" ".join(parts))
            self._auto_output()
        self._update_enabled()

    def _auto_output(self) -> None:
        """The default output: beside the PDF, with the field's name, never an existing file."""
        if not self._out_auto or self.batch_files:
            return
        text = self.pdf_edit.text().strip()
        if text:
            path = Path(text)
            if self.formato_combo.currentData() == "p7m":
                self.out_edit.setText(str(output_for(path, "", fmt="p7m")))
            else:
                self.out_edit.setText(str(default_output(path, str(self.field_combo.currentData() or "firma"))))

    def _update_enabled(self) -> None:
        self.firma_button.setEnabled(self.field_combo.count() > 0)

    def _browse_pdf(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Scegli il PDF da firmare", self.pdf_edit.text(), PDF_FILTER)
        if path:
            self.set_pdf(path)

    def _browse_out(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Salva il PDF firmato", self.out_edit.text(), PDF_FILTER)
        if path:
            self._out_auto = False
            self.out_edit.setText(path)

    def _browse_p12(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Scegli il certificato di firma", self.p12_edit.text(),
                                              "Certificati PKCS#12 (*.p12 *.pfx);;Tutti i file (*)")
        if path:
            self.p12_edit.setText(path)

    def _browse_lib(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Scegli la libreria PKCS#11 della smart card",
                                              self.lib_combo.currentText(),
                                              "Librerie (*.dll *.so *.dylib);;Tutti i file (*)")
        if path:
            self.lib_combo.setEditText(path)

    # ----------------------------------------------------------------- action

    def _tsa_settings(self) -> TsaSettings:
        try:
            return load_tsa_settings()
        except SignatureError:
            return TsaSettings()

    def _browse_many(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Scegli i PDF da firmare", self.pdf_edit.text(),
                                                PDF_FILTER)
        if paths:
            self.set_batch([Path(p) for p in paths])

    def set_batch(self, paths: list[Path]) -> None:
        """Several PDFs at once: the fields free in at least one of them, outputs beside each file."""
        self.batch_files = list(paths)
        self.field_combo.clear()
        names: list[str] = []
        unreadable = []
        for path in self.batch_files:
            try:
                for f in signature_fields(path.read_bytes()):
                    if not f.signed and f.name not in names:
                        names.append(f.name)
            except (OSError, SignatureError):
                unreadable.append(path.name)
        for name in names:
            self.field_combo.addItem(name, name)
        self.pdf_edit.setText(f"{len(self.batch_files)} PDF scelti")
        self._loaded_pdf = self.pdf_edit.text()
        self.out_edit.setText("accanto a ciascun PDF, con un nome nuovo")
        self.out_edit.setEnabled(False)
        note = f"{len(self.batch_files)} PDF: ciascuno viene firmato nel campo scelto, se è libero."
        if unreadable:
            note += " Non leggibili: " + ", ".join(unreadable) + "."
        self.fields_note.setText(note)
        self._update_enabled()

    def options(self) -> SignOptions:
        tsa = TsaSettings(url=self.tsa_edit.text().strip(), utente=self.tsa_user_edit.text().strip(),
                          password=self.tsa_password_edit.text())
        return SignOptions(
            field=str(self.field_combo.currentData() or ""),
            nome=self.nome_edit.text().strip() or None,
            ruolo=self.ruolo_edit.text().strip() or None,
            luogo=self.luogo_edit.text().strip() or None,
            motivo=self.motivo_combo.currentText().strip() or None,
            tsa=timestamper(tsa), lt=self.lt_check.isChecked(), fetch=self.lt_check.isChecked(),
        )

    @staticmethod
    def ask(parent: QWidget, title: str, text: str) -> bool:
        """Yes/No question (patched in tests)."""
        answer = QMessageBox.question(parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    @contextlib.contextmanager
    def _signer(self):
        """The key, opened once for every file signed now."""
        if self.radio_p12.isChecked():
            if not self.p12_edit.text().strip():
                raise SignatureError("Scegliere il file del certificato (.p12/.pfx).")
            yield load_pkcs12(self.p12_edit.text().strip(), self.password_edit.text())
        else:
            lib = self.lib_combo.currentText().strip()
            if not lib:
                raise SignatureError("Indicare la libreria PKCS#11 della smart card.")
            with open_pkcs11(lib, self.pin_edit.text() or None,
                             token_label=self.token_edit.text().strip() or None) as signer:
                yield signer

    def _fail(self, message: str) -> None:
        QMessageBox.warning(self, "Firma non riuscita", message)

    def firma(self) -> bool:
        """Sign with what the dialog holds; True and a written file (or files) on success."""
        if self.batch_files:
            return self._firma_batch()
        pdf_text = self.pdf_edit.text().strip()
        out_text = self.out_edit.text().strip()
        fmt = str(self.formato_combo.currentData())
        if not pdf_text or (self.field_combo.count() == 0 and fmt == "pades"):
            self._fail("Scegliere un PDF con almeno un campo di firma libero.")
            return False
        if not out_text:
            self._fail("Indicare dove salvare il file firmato.")
            return False
        pdf, out = Path(pdf_text), Path(out_text)
        if out.exists() and not self.ask(
                self, "File già esistente",
                f"Il file {out.name} esiste già: sostituirlo? La firma che contiene andrebbe persa."):
            return False
        newer = newer_revisions(pdf) if fmt == "pades" else []
        if newer and not self.ask(
                self, "Versione precedente",
                f"{pdf.name} è una versione precedente di {', '.join(p.name for p in newer)}, che contiene "
                "altre firme. Firmare comunque questa versione?"):
            return False
        opts = self.options()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            with self._signer() as signer:
                item = sign_file(pdf, signer, opts, out=out, overwrite=True, fmt=fmt)
        except SignatureError as exc:
            QGuiApplication.restoreOverrideCursor()
            self._fail(str(exc))
            (self.password_edit if self.radio_p12.isChecked() else self.pin_edit).selectAll()
            return False
        except Exception as exc:  # noqa: BLE001 - shown to the user, nothing written
            QGuiApplication.restoreOverrideCursor()
            self._fail(f"Errore imprevisto durante la firma: {exc}")
            return False
        QGuiApplication.restoreOverrideCursor()
        self.result, self.output_path = item, out
        self._remember()
        self.password_edit.clear()
        self.pin_edit.clear()
        warnings = "".join(f"\n\nAttenzione: {w}" for w in item.warnings)
        QMessageBox.information(
            self, "File firmato",
            f"{item.message.rsplit(': ', 1)[0]}.\n\nSalvato in:\n{out}\n\n"
            f"Impronta SHA-256: {item.sha256}{warnings}")
        # a second person can now sign the next field of the signed file
        if fmt == "pades":
            self._out_auto = True
            self.set_pdf(out)
        return True

    def _firma_batch(self) -> bool:
        if self.field_combo.count() == 0:
            self._fail("Nessuno dei PDF scelti ha un campo di firma libero.")
            return False
        opts = self.options()
        fmt = str(self.formato_combo.currentData())
        progress = QProgressDialog("Firma in corso…", "", 0, len(self.batch_files), self)
        progress.setObjectName("firma_progresso")
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)

        def step(index: int, total: int, item: BatchItem) -> None:
            progress.setLabelText(f"{index} di {total}: {item.source.name}")
            progress.setValue(index)
            QApplication.processEvents()

        try:
            with self._signer() as signer:
                summary = sign_many(self.batch_files, signer, opts, fmt=fmt, on_progress=step)
        except SignatureError as exc:
            progress.close()
            self._fail(str(exc))
            return False
        progress.close()
        self.summary = summary
        self._remember()
        self.password_edit.clear()
        self.pin_edit.clear()
        details = "\n".join(f"• {i.source.name}: {i.message}" for i in summary.items)
        warnings = "".join(f"\n  Attenzione ({i.source.name}): {w}" for i in summary.items for w in i.warnings)
        QMessageBox.information(self, "Firma di più PDF", f"{summary.text}\n\n{details}{warnings}")
        return summary.count("errore") == 0

    def _remember(self) -> None:
        s = self.settings
        FIRMA_MODO.set(s, "p12" if self.radio_p12.isChecked() else "card")
        FIRMA_P12.set(s, self.p12_edit.text().strip())
        FIRMA_PKCS11_LIB.set(s, self.lib_combo.currentText().strip())
        FIRMA_TOKEN.set(s, self.token_edit.text().strip())
        FIRMA_NOME.set(s, self.nome_edit.text().strip())
        FIRMA_RUOLO.set(s, self.ruolo_edit.text().strip())
        FIRMA_LUOGO.set(s, self.luogo_edit.text().strip())
        FIRMA_LT.set(s, self.lt_check.isChecked())
        tsa = TsaSettings(url=self.tsa_edit.text().strip(), utente=self.tsa_user_edit.text().strip(),
                          password=self.tsa_password_edit.text())
        if tsa != self._tsa_settings():
            try:
                save_tsa_settings(tsa)
            except OSError as exc:
                QMessageBox.warning(self, "Impostazioni non salvate",
                                    f"Impostazioni della marca temporale non salvate: {exc}")


def _path_row_combo(combo: QComboBox, on_browse) -> QWidget:
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(combo, 1)
    button = QPushButton("Sfoglia…")
    button.setAutoDefault(False)
    button.clicked.connect(on_browse)
    lay.addWidget(button)
    return row


# =========================================================================== verification

COLUMNS = ("Campo", "Firmatario", "Data firma", "Esito", "Integrità", "Firma", "Attendibilità",
           "Copertura", "Modifiche dopo la firma")
ESITO_COL = 3
GREEN, YELLOW, RED = QColor("#dff0d8"), QColor("#fcf8e3"), QColor("#f2dede")


class VerificaDialog(QDialog):
    """Table of the signatures of a PDF, with an overall verdict."""

    def __init__(self, ctx: Any = None, parent: QWidget | None = None, pdf: Path | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = _settings(ctx)
        self.setWindowTitle("Verifica firme")
        self.resize(1180, 440)
        self.reports: list[SignatureReport] = []
        self.result: VerifyResult | None = None  # type: ignore[assignment]

        outer = QVBoxLayout(self)
        form = QFormLayout()
        self.pdf_edit = QLineEdit()
        self.pdf_edit.setObjectName("verifica_pdf")
        self.pdf_edit.setPlaceholderText("PDF firmato (anche firmato con altri programmi)")
        form.addRow("PDF:", _path_row(self.pdf_edit, "Sfoglia…", self._browse_pdf))
        self.trust_edit = QLineEdit(str(FIRMA_CA_FIDATE.get(self.settings)))
        self.trust_edit.setObjectName("verifica_ca")
        self.trust_edit.setPlaceholderText("facoltativo: certificati delle CA fidate (.pem/.cer), separati da ;")
        form.addRow("CA fidate:", _path_row(self.trust_edit, "Aggiungi…", self._browse_ca))
        outer.addLayout(form)

        self.summary = QLabel("")
        self.summary.setObjectName("verifica_esito")
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        outer.addWidget(self.summary)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("verifica_tabella")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ESITO_COL, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(ESITO_COL, 260)
        outer.addWidget(self.table, 1)

        self.note = QLabel("")
        self.note.setWordWrap(True)
        outer.addWidget(self.note)

        buttons = QDialogButtonBox()
        self.verify_button = buttons.addButton("Verifica", QDialogButtonBox.ButtonRole.ActionRole)
        self.verify_button.setObjectName("verifica_button")
        self.verify_button.setDefault(True)  # Enter in «PDF» verifies (never «Sfoglia…»)
        self.verify_button.clicked.connect(self.verifica)
        close = buttons.addButton("Chiudi", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        outer.addWidget(buttons)

        if pdf is not None:
            self.pdf_edit.setText(str(pdf))
            self.verifica()

    def _browse_pdf(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Scegli il PDF firmato", self.pdf_edit.text(), PDF_FILTER)
        if path:
            self.pdf_edit.setText(path)
            self.verifica()

    def _browse_ca(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Certificati delle CA fidate", "",
                                                "Certificati (*.pem *.cer *.crt *.der);;Tutti i file (*)")
        if paths:
            current = list(self._trust_paths())
            self.trust_edit.setText("; ".join(current + [p for p in paths if p not in current]))

    def _trust_paths(self) -> list[str]:
        return [p.strip() for p in self.trust_edit.text().split(";") if p.strip()]

    def _fail(self, message: str) -> None:
        self.summary.setText(message)
        self.summary.setStyleSheet("color: #a94442;")
        QMessageBox.warning(self, "Verifica non riuscita", message)

    def verifica(self) -> bool:
        self.table.setRowCount(0)
        self.reports = []
        self.note.setText("")
        text = self.pdf_edit.text().strip()
        if not text:
            self._fail("Scegliere il PDF da verificare.")
            return False
        path = Path(text)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = verify_file(path, self._trust_paths())
        except SignatureError as exc:
            QGuiApplication.restoreOverrideCursor()
            self._fail(str(exc))
            return False
        QGuiApplication.restoreOverrideCursor()
        FIRMA_CA_FIDATE.set(self.settings, self.trust_edit.text().strip())
        self.reports = result.reports
        self.result = result
        self._fill(result.reports)
        extra = [f"FIRMA RIMOSSA: il campo {name} era firmato in una versione precedente e ora non lo è più."
                 for name in result.removed]
        extra += [f"{r.field}: {w}" for r in result.reports for w in r.warnings]
        extra += result.notes
        if result.removed:
            self.summary.setText(f"ATTENZIONE: firme rimosse ({', '.join(result.removed)}). "
                                 + self.summary.text())
            self.summary.setStyleSheet("color: #a94442;")
        if extra:
            self.note.setText("\n".join([*extra, self.note.text()]).strip())
        return True

    def _fill(self, reports: list[SignatureReport]) -> None:
        if not reports:
            self.summary.setText("Il PDF non contiene firme digitali.")
            self.summary.setStyleSheet("")
            return
        bad = [r for r in reports if not r.ok]
        untrusted = [r for r in reports if r.ok and not r.trusted]
        n = len(reports)
        if bad:
            word = "firma non valida" if len(bad) == 1 else "firme non valide"
            self.summary.setText(f"ATTENZIONE: {len(bad)} {word} su {n}.")
            self.summary.setStyleSheet("color: #a94442;")
        elif untrusted:
            head = "1 firma valida" if n == 1 else f"{n} firme valide"
            self.summary.setText(f"{head}; firmatario non attendibile (CA non fidata): "
                                 f"{len(untrusted)} su {n}.")
            self.summary.setStyleSheet("color: #8a6d3b;")
        else:
            self.summary.setText("1 firma valida e attendibile." if n == 1
                                 else f"{n} firme: tutte valide e attendibili.")
            self.summary.setStyleSheet("color: #3c763d;")
        if not self._trust_paths() and untrusted:
            self.note.setText("Nessuna CA fidata indicata: l'identità dei firmatari non è verificata. "
                              "Aggiungere il certificato della CA del fornitore (es. InfoCert, Aruba, "
                              "Namirial) per controllarla. La data è quella dichiarata dal computer del "
                              "firmatario.")
        self.table.setRowCount(n)
        for row, rep in enumerate(reports):
            cells = (
                rep.field,
                rep.signer + (f"\n(emesso da {rep.issuer})" if rep.issuer else "")
                + ("\ncertificato qualificato" if rep.qualified else ""),
                format_time(rep.signing_time)
                + (f"\nmarca temporale {format_time(rep.timestamp)}" if rep.timestamp else "")
                + (f"\n{rep.level}" if rep.level.startswith("CAdES") else f"\nPAdES {rep.level}"),
                rep.esito,
                "integra" if rep.intact else "NON INTEGRA",
                "valida" if rep.valid and rep.intact else "NON VALIDA",
                rep.trust_text,
                rep.coverage_text,
                rep.modification_text,
            )
            color = RED if not rep.ok else (GREEN if rep.trusted else YELLOW)
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setBackground(QBrush(color))
                item.setForeground(QBrush(QColor("#222222")))
                if col == ESITO_COL:
                    bold = item.font()
                    bold.setBold(True)
                    item.setFont(bold)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()


def show_firma_dialog(main_window: Any, ctx: Any) -> None:
    FirmaDialog(ctx, main_window).exec()


def show_firma_multipla_dialog(main_window: Any, ctx: Any) -> None:
    """Choose several PDFs first (multi-select), then the key, once, for all of them."""
    paths, _ = QFileDialog.getOpenFileNames(main_window, "Scegli i PDF da firmare", "", PDF_FILTER)
    if not paths:
        return
    dlg = FirmaDialog(ctx, main_window)
    dlg.set_batch([Path(p) for p in paths])
    dlg.exec()


def show_verifica_dialog(main_window: Any, ctx: Any) -> None:
    VerificaDialog(ctx, main_window).exec()
