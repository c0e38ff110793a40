"""«Firma» menu: sign dialog (PKCS#12) and signature table; errors shown, nothing written."""

from __future__ import annotations

import io
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QSettings, Qt

from piaodesk.signing.prova import crea_pki_prova
from piaodesk.signing.verify import load_trust_roots, verify_pdf
from piaodesk.ui.dialogs import firma as firma_mod
from piaodesk.ui.dialogs.firma import FirmaDialog, VerificaDialog

pytestmark = pytest.mark.ui

PASSWORD = "segreta-42"


def _shots(tmp_path: Path) -> Path:
    """Screenshots go to $PIAODESK_SHOTS when set (to look at them), else to the test's tmp dir."""
    folder = Path(os.environ.get("PIAODESK_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sheet(path: Path) -> Path:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842), pageCompression=0)
    c.drawString(60, 780, "SCHEDA DI VALUTAZIONE DI PROVA")
    c.showPage()
    c.save()
    writer = IncrementalPdfFileWriter(io.BytesIO(buf.getvalue()))
    append_signature_field(writer, SigFieldSpec("Firma_Responsabile", on_page=0, box=(60, 120, 280, 205)))
    append_signature_field(writer, SigFieldSpec("Firma_Dipendente", on_page=0, box=(320, 120, 540, 205)))
    out = io.BytesIO()
    writer.write(out)
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return crea_pki_prova(tmp_path_factory.mktemp("pki-ui"), PASSWORD)


@pytest.fixture
def ctx(tmp_path):
    return SimpleNamespace(settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def boxes(monkeypatch):
    calls: list[tuple[str, str, str]] = []
    monkeypatch.setattr(firma_mod.QMessageBox, "warning",
                        lambda parent, title, text, *a, **k: calls.append(("warning", title, text)))
    monkeypatch.setattr(firma_mod.QMessageBox, "information",
                        lambda parent, title, text, *a, **k: calls.append(("information", title, text)))
    return calls


def _fill(dlg: FirmaDialog, pdf: Path, p12: Path, password: str, out: Path) -> None:
    dlg.set_pdf(pdf)
    dlg.radio_p12.setChecked(True)
    dlg.p12_edit.setText(str(p12))
    dlg.password_edit.setText(password)
    dlg.out_edit.setText(str(out))


def test_sign_dialog_two_signers(qtbot, ctx, pki, tmp_path, boxes) -> None:
    sheet = _sheet(tmp_path / "scheda.pdf")
    dlg = FirmaDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.set_pdf(sheet)
    assert [dlg.field_combo.itemData(i) for i in range(dlg.field_combo.count())] == [
        "Firma_Responsabile", "Firma_Dipendente"]
    assert dlg.field_combo.itemText(0) == "Firma_Responsabile (pagina 1)"
    assert dlg.out_edit.text() == str(tmp_path / "scheda-firmato-Firma_Responsabile.pdf")
    assert dlg.password_edit.echoMode() == dlg.password_edit.EchoMode.Password

    out = tmp_path / "firmata.pdf"
    _fill(dlg, sheet, pki.p12["Mario Rossi"], PASSWORD, out)
    dlg.ruolo_edit.setText("Il Responsabile del Servizio")
    dlg.luogo_edit.setText("Comune di Prova")
    qtbot.mouseClick(dlg.firma_button, Qt.MouseButton.LeftButton)
    assert boxes and boxes[-1][0] == "information", boxes
    assert "Firmato il campo Firma_Responsabile da Mario Rossi (PAdES B-B)" in boxes[-1][2]
    (rep,) = verify_pdf(out.read_bytes(), load_trust_roots([pki.ca_pem]))
    assert rep.field == "Firma_Responsabile" and rep.ok and rep.trusted and rep.location == "Comune di Prova"
    assert dlg.password_edit.text() == ""  # never kept
    assert ctx.settings.value("firma/p12") == str(pki.p12["Mario Rossi"])
    assert ctx.settings.value("firma/password") is None

    # the dialog now shows the signed file with the one field still free
    assert dlg.pdf_edit.text() == str(out)
    assert [dlg.field_combo.itemData(i) for i in range(dlg.field_combo.count())] == ["Firma_Dipendente"]
    assert "Già firmati: Firma_Responsabile" in dlg.fields_note.text()

    final = tmp_path / "finale.pdf"
    _fill(dlg, out, pki.p12["Anna Bianchi"], PASSWORD, final)
    dlg.ruolo_edit.setText("Per presa visione")
    dlg.grab().save(str(_shots(tmp_path) / "firma_dialog.png"))
    assert dlg.firma()
    reports = verify_pdf(final.read_bytes(), load_trust_roots([pki.ca_pem]))
    assert [(r.field, r.signer, r.ok) for r in reports] == [
        ("Firma_Responsabile", "Mario Rossi", True), ("Firma_Dipendente", "Anna Bianchi", True)]
    assert dlg.field_combo.count() == 0 and not dlg.firma_button.isEnabled()
    assert "Tutti i campi di firma sono già firmati" in dlg.fields_note.text()


def test_wrong_password_shows_message_and_writes_nothing(qtbot, ctx, pki, tmp_path, boxes) -> None:
    sheet = _sheet(tmp_path / "scheda.pdf")
    dlg = FirmaDialog(ctx)
    qtbot.addWidget(dlg)
    out = tmp_path / "non-scritto.pdf"
    _fill(dlg, sheet, pki.p12["Mario Rossi"], "sbagliata", out)
    qtbot.mouseClick(dlg.firma_button, Qt.MouseButton.LeftButton)
    assert boxes == [("warning", "Firma non riuscita", boxes[0][2])]
    assert boxes[0][2].startswith("Password del certificato errata")
    assert not out.exists()
    assert dlg.result is None

    boxes.clear()
    dlg.p12_edit.setText(str(sheet))  # not a certificate
    dlg.password_edit.setText(PASSWORD)
    assert not dlg.firma()
    assert "non è un certificato PKCS#12" in boxes[-1][2]
    assert not out.exists()


def test_smart_card_missing_library(qtbot, ctx, tmp_path, boxes) -> None:
    sheet = _sheet(tmp_path / "scheda.pdf")
    dlg = FirmaDialog(ctx, pdf=sheet)
    qtbot.addWidget(dlg)
    dlg.radio_card.setChecked(True)
    assert dlg.key_stack.currentIndex() == 1
    dlg.lib_combo.setEditText(str(tmp_path / "bit4xpki.dll"))
    dlg.pin_edit.setText("12345678")
    assert not dlg.firma()
    assert "Libreria PKCS#11 non trovata" in boxes[-1][2]
    assert not Path(dlg.out_edit.text()).exists()


def test_damaged_pdf_lists_no_fields(qtbot, ctx, tmp_path) -> None:
    bad = tmp_path / "rotto.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj\n<<")
    dlg = FirmaDialog(ctx, pdf=bad)
    qtbot.addWidget(dlg)
    assert dlg.field_combo.count() == 0 and not dlg.firma_button.isEnabled()
    assert "danneggiato o incompleto" in dlg.fields_note.text()


def test_verify_dialog_table(qtbot, ctx, pki, tmp_path, boxes) -> None:
    sheet = _sheet(tmp_path / "scheda.pdf")
    dlg = FirmaDialog(ctx)
    qtbot.addWidget(dlg)
    signed = tmp_path / "firmata.pdf"
    _fill(dlg, sheet, pki.p12["Mario Rossi"], PASSWORD, signed)
    assert dlg.firma()

    ver = VerificaDialog(ctx, pdf=signed)
    qtbot.addWidget(ver)
    assert ver.table.rowCount() == 1
    row = [ver.table.item(0, c).text() for c in range(ver.table.columnCount())]
    assert row[0] == "Firma_Responsabile" and row[1].startswith("Mario Rossi")
    assert row[3] == "valida, firmatario non attendibile (CA non fidata)"
    assert row[4] == "integra" and row[5] == "valida"
    assert row[6] == "non attendibile (CA non fidata)"
    assert "non attendibile" in ver.summary.text()

    ver.trust_edit.setText(str(pki.ca_pem))
    qtbot.mouseClick(ver.verify_button, Qt.MouseButton.LeftButton)
    assert ver.table.item(0, 6).text() == "attendibile"
    assert ver.table.item(0, 3).text() == "VALIDA e attendibile"
    assert ver.summary.text() == "1 firma valida e attendibile."
    ver.show()
    ver.grab().save(str(_shots(tmp_path) / "verifica_dialog.png"))

    data = signed.read_bytes()
    i = data.index(b"SCHEDA DI VALUTAZIONE")
    tampered = tmp_path / "alterata.pdf"
    tampered.write_bytes(data[:i] + b"Z" + data[i + 1:])
    ver.pdf_edit.setText(str(tampered))
    assert ver.verifica()
    assert ver.table.item(0, 4).text() == "NON INTEGRA"
    assert ver.table.item(0, 3).text().startswith("NON VALIDA: il documento è stato alterato")
    assert ver.table.item(0, 6).text() == "non verificabile (firma non valida)"
    assert ver.summary.text() == "ATTENZIONE: 1 firma non valida su 1."
    ver.grab().save(str(_shots(tmp_path) / "verifica_alterata.png"))

    boxes.clear()
    trunc = tmp_path / "troncata.pdf"
    trunc.write_bytes(data[: len(data) // 4])
    ver.pdf_edit.setText(str(trunc))
    assert not ver.verifica()
    assert ver.table.rowCount() == 0
    assert "troncata.pdf è danneggiato o incompleto" in boxes[-1][2]


def test_menu_actions_registered() -> None:
    from piaodesk.ui.extensions import firma

    texts = {(a.menu, a.text) for a in firma.ACTIONS}
    assert texts == {("F&irma", "Firma un PDF…"), ("F&irma", "Firma più PDF…"), ("F&irma", "Verifica firme…")}


def test_menu_several_pdfs_opens_the_dialog_with_the_selection(qtbot, ctx, tmp_path, monkeypatch) -> None:
    sheets = [_sheet(tmp_path / f"s{i}.pdf") for i in range(3)]
    monkeypatch.setattr(firma_mod.QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(p) for p in sheets], firma_mod.PDF_FILTER))
    seen = []
    monkeypatch.setattr(FirmaDialog, "exec", lambda self: seen.append(list(self.batch_files)) or 0)
    firma_mod.show_firma_multipla_dialog(None, ctx)
    assert seen == [sheets]


def test_sign_dialog_several_pdfs_one_key_opening(qtbot, ctx, pki, tmp_path, boxes, monkeypatch) -> None:
    """Issue 15: multi-select, progress, summary; every sheet signed with one opening of the key."""
    sheets = [_sheet(tmp_path / f"scheda-{i}.pdf") for i in range(5)]
    opened: list[int] = []
    real = firma_mod.load_pkcs12
    monkeypatch.setattr(firma_mod, "load_pkcs12", lambda *a, **k: opened.append(1) or real(*a, **k))
    dlg = FirmaDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.set_batch(sheets)
    assert dlg.pdf_edit.text() == "5 PDF scelti" and not dlg.out_edit.isEnabled()
    assert [dlg.field_combo.itemData(i) for i in range(dlg.field_combo.count())] == [
        "Firma_Responsabile", "Firma_Dipendente"]
    dlg.radio_p12.setChecked(True)
    dlg.p12_edit.setText(str(pki.p12["Mario Rossi"]))
    dlg.password_edit.setText(PASSWORD)
    assert dlg.firma()
    assert opened == [1]
    assert boxes[-1][0] == "information" and "Riepilogo: 5 firmati, 0 saltati, 0 con errori (su 5)." in boxes[-1][2]
    roots = load_trust_roots([pki.ca_pem])
    for sheet in sheets:
        signed = sheet.with_name(f"{sheet.stem}-firmato-Firma_Responsabile.pdf")
        (rep,) = verify_pdf(signed.read_bytes(), roots)
        assert rep.ok and rep.signer == "Mario Rossi"
        assert sheet.read_bytes().startswith(b"%PDF") and verify_pdf(sheet.read_bytes()) == []


def test_sign_dialog_asks_before_replacing_a_file(qtbot, ctx, pki, tmp_path, boxes, monkeypatch) -> None:
    sheet = _sheet(tmp_path / "scheda.pdf")
    out = tmp_path / "esiste.pdf"
    out.write_bytes(b"%PDF-1.4 firmato da qualcun altro")
    questions: list[str] = []
    monkeypatch.setattr(FirmaDialog, "ask", staticmethod(lambda parent, title, text: questions.append(text) or False))
    dlg = FirmaDialog(ctx)
    qtbot.addWidget(dlg)
    _fill(dlg, sheet, pki.p12["Mario Rossi"], PASSWORD, out)
    assert not dlg.firma()
    assert questions and "esiste già" in questions[0]
    assert out.read_bytes() == b"%PDF-1.4 firmato da qualcun altro"


def test_verify_dialog_reports_a_removed_signature(qtbot, ctx, pki, tmp_path, boxes) -> None:
    from pdf_helpers import remove_signature_value

    from piaodesk.signing.keys import load_pkcs12
    from piaodesk.signing.sign import SignOptions, sign_pdf

    signed = sign_pdf(_sheet(tmp_path / "s.pdf").read_bytes(), load_pkcs12(pki.p12["Mario Rossi"], PASSWORD),
                      SignOptions("Firma_Responsabile")).pdf
    path = tmp_path / "rimossa.pdf"
    path.write_bytes(remove_signature_value(signed, "Firma_Responsabile"))
    dlg = VerificaDialog(ctx, pdf=path)
    qtbot.addWidget(dlg)
    assert "firme rimosse (Firma_Responsabile)" in dlg.summary.text()
    assert "FIRMA RIMOSSA: il campo Firma_Responsabile" in dlg.note.text()
