"""«Firma»: sign a PDF in one of its empty signature fields, and check the signatures of any PDF.

Works on any PDF (the valuation sheets printed by piaodesk, or a file signed
elsewhere with Dike/GoSign/ArubaSign and brought back). The key comes from a
PKCS#12 file or a smart card (PKCS#11). Passwords and PINs are never stored.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
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
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...fsio import atomic_write_bytes, describe_os_error
from ...signing.errors import SignatureError
from ...signing.keys import known_pkcs11_libraries, load_pkcs12, open_pkcs11
from ...signing.sign import FieldInfo, SignOptions, SignResult, sign_pdf, signature_fields
from ...signing.verify import SignatureReport, format_time, load_trust_roots, verify_pdf

MOTIVI = ("", "Il valutatore", "Per presa visione", "Per approvazione", "Il Segretario generale",
          "Nucleo di valutazione / OIV")
PDF_FILTER = "Documenti PDF (*.pdf);;Tutti i file (*)"


def _settings(ctx: Any) -> QSettings:
    settings = getattr(ctx, "settings", None)
    return settings if isinstance(settings, QSettings) else QSettings()


def _path_row(edit: QLineEdit, button_text: str, on_browse) -> QWidget:  # type: ignore[no-untyped-def]
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(edit, 1)
    button = QPushButton(button_text)
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
        self.result: SignResult | None = None
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
        self.field_combo = QComboBox()
        self.field_combo.setObjectName("firma_campo")
        form.addRow("Campo di firma:", self.field_combo)
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
        self.p12_edit = QLineEdit(str(self.settings.value("firma/p12", "") or ""))
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
        last_lib = str(self.settings.value("firma/pkcs11_lib", "") or "")
        presets = known_pkcs11_libraries()
        if last_lib:
            self.lib_combo.addItem(last_lib)
        for label, path in presets:
            if str(path) != last_lib:
                self.lib_combo.addItem(str(path))
                self.lib_combo.setItemData(self.lib_combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        self.lib_combo.lineEdit().setPlaceholderText("driver della carta, es. bit4xpki.dll / libbit4xpki.so")
        cf.addRow("Libreria:", _path_row_combo(self.lib_combo, self._browse_lib))
        self.token_edit = QLineEdit(str(self.settings.value("firma/token", "") or ""))
        self.token_edit.setPlaceholderText("facoltativa: se ci sono più carte/lettori")
        cf.addRow("Etichetta carta:", self.token_edit)
        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("firma_pin")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        cf.addRow("PIN:", self.pin_edit)
        self.key_stack.addWidget(card_page)
        kl.addWidget(self.key_stack)
        self.radio_p12.toggled.connect(lambda on: self.key_stack.setCurrentIndex(0 if on else 1))
        (self.radio_card if self.settings.value("firma/modo", "p12") == "card" else self.radio_p12).setChecked(True)
        self.key_stack.setCurrentIndex(1 if self.radio_card.isChecked() else 0)
        outer.addWidget(keybox)

        # --- stamp
        stamp = QGroupBox("Riquadro visibile della firma")
        sf = QFormLayout(stamp)
        self.nome_edit = QLineEdit(str(self.settings.value("firma/nome", "") or ""))
        self.nome_edit.setObjectName("firma_nome")
        self.nome_edit.setPlaceholderText("predefinito: il nome scritto nel certificato")
        sf.addRow("Nome:", self.nome_edit)
        self.ruolo_edit = QLineEdit(str(self.settings.value("firma/ruolo", "") or ""))
        self.ruolo_edit.setObjectName("firma_ruolo")
        self.ruolo_edit.setPlaceholderText("es. Il Responsabile del Servizio Finanziario")
        sf.addRow("Ruolo:", self.ruolo_edit)
        self.luogo_edit = QLineEdit(str(self.settings.value("firma/luogo", "") or ""))
        self.luogo_edit.setObjectName("firma_luogo")
        self.luogo_edit.setPlaceholderText("es. Comune di …")
        sf.addRow("Luogo:", self.luogo_edit)
        self.motivo_combo = QComboBox()
        self.motivo_combo.setEditable(True)
        self.motivo_combo.addItems(MOTIVI)
        sf.addRow("Motivo:", self.motivo_combo)
        outer.addWidget(stamp)

        note = QLabel("Firma PAdES. La data e l'ora della firma sono quelle dell'orologio di questo "
                      "computer (nessuna marca temporale).")
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
            if self._out_auto:
                stem = pdf.stem if pdf.stem.endswith("-firmato") else f"{pdf.stem}-firmato"
                self.out_edit.setText(str(pdf.with_name(f"{stem}.pdf")))
        self._update_enabled()

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

    def options(self) -> SignOptions:
        return SignOptions(
            field=str(self.field_combo.currentData() or ""),
            nome=self.nome_edit.text().strip() or None,
            ruolo=self.ruolo_edit.text().strip() or None,
            luogo=self.luogo_edit.text().strip() or None,
            motivo=self.motivo_combo.currentText().strip() or None,
        )

    def _fail(self, message: str) -> None:
        QMessageBox.warning(self, "Firma non riuscita", message)

    def firma(self) -> bool:
        """Sign with what the dialog holds; True and a written file on success."""
        pdf_text = self.pdf_edit.text().strip()
        out_text = self.out_edit.text().strip()
        if not pdf_text or self.field_combo.count() == 0:
            self._fail("Scegliere un PDF con almeno un campo di firma libero.")
            return False
        if not out_text:
            self._fail("Indicare dove salvare il PDF firmato.")
            return False
        pdf, out = Path(pdf_text), Path(out_text)
        try:
            data = pdf.read_bytes()
        except OSError as exc:
            self._fail(f"Impossibile leggere {pdf}: {exc.strerror or exc}")
            return False
        opts = self.options()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if self.radio_p12.isChecked():
                if not self.p12_edit.text().strip():
                    raise SignatureError("Scegliere il file del certificato (.p12/.pfx).")
                signer = load_pkcs12(self.p12_edit.text().strip(), self.password_edit.text())
                result = sign_pdf(data, signer, opts)
            else:
                lib = self.lib_combo.currentText().strip()
                if not lib:
                    raise SignatureError("Indicare la libreria PKCS#11 della smart card.")
                with open_pkcs11(lib, self.pin_edit.text() or None,
                                 token_label=self.token_edit.text().strip() or None) as signer:
                    result = sign_pdf(data, signer, opts)
        except SignatureError as exc:
            QGuiApplication.restoreOverrideCursor()
            self._fail(str(exc))
            (self.password_edit if self.radio_p12.isChecked() else self.pin_edit).selectAll()
            return False
        except Exception as exc:  # noqa: BLE001 - shown to the user, nothing written
            QGuiApplication.restoreOverrideCursor()
            self._fail(f"Errore imprevisto durante la firma: {exc}")
            return False
        try:
            atomic_write_bytes(out, result.pdf)
        except OSError as exc:
            QGuiApplication.restoreOverrideCursor()
            self._fail(f"PDF firmato non scritto: {describe_os_error(exc, out)}")
            return False
        QGuiApplication.restoreOverrideCursor()
        self.result, self.output_path = result, out
        self._remember()
        self.password_edit.clear()
        self.pin_edit.clear()
        QMessageBox.information(
            self, "PDF firmato",
            f"Campo {result.field} firmato da {result.signer} il "
            f"{format_time(result.signing_time)}.\n\nSalvato in:\n{out}\n\n"
            f"Impronta SHA-256: {result.sha256}")
        # a second person can now sign the next field of the signed file
        self._out_auto = True
        self.set_pdf(out)
        return True

    def _remember(self) -> None:
        s = self.settings
        s.setValue("firma/modo", "p12" if self.radio_p12.isChecked() else "card")
        s.setValue("firma/p12", self.p12_edit.text().strip())
        s.setValue("firma/pkcs11_lib", self.lib_combo.currentText().strip())
        s.setValue("firma/token", self.token_edit.text().strip())
        s.setValue("firma/nome", self.nome_edit.text().strip())
        s.setValue("firma/ruolo", self.ruolo_edit.text().strip())
        s.setValue("firma/luogo", self.luogo_edit.text().strip())


def _path_row_combo(combo: QComboBox, on_browse) -> QWidget:  # type: ignore[no-untyped-def]
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(combo, 1)
    button = QPushButton("Sfoglia…")
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

        outer = QVBoxLayout(self)
        form = QFormLayout()
        self.pdf_edit = QLineEdit()
        self.pdf_edit.setObjectName("verifica_pdf")
        self.pdf_edit.setPlaceholderText("PDF firmato (anche firmato con altri programmi)")
        form.addRow("PDF:", _path_row(self.pdf_edit, "Sfoglia…", self._browse_pdf))
        self.trust_edit = QLineEdit(str(self.settings.value("firma/ca_fidate", "") or ""))
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
            current = [p for p in self._trust_paths()]
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
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._fail(f"Impossibile leggere {path}: {exc.strerror or exc}")
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            roots = load_trust_roots(self._trust_paths())
            reports = verify_pdf(data, roots)
        except SignatureError as exc:
            QGuiApplication.restoreOverrideCursor()
            self._fail(str(exc).replace("Il file", f"Il file {path.name}", 1))
            return False
        QGuiApplication.restoreOverrideCursor()
        self.settings.setValue("firma/ca_fidate", self.trust_edit.text().strip())
        self.reports = reports
        self._fill(reports)
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
                rep.signer + (f"\n(emesso da {rep.issuer})" if rep.issuer else ""),
                format_time(rep.signing_time),
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


def show_verifica_dialog(main_window: Any, ctx: Any) -> None:
    VerificaDialog(ctx, main_window).exec()
