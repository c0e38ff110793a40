"""Two signers on one sheet, verified by our verifier and by poppler's pdfsig; tampering detected."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from firma_helpers import PASSWORD, make_pdf, pdfsig

from piaodesk.signing.errors import SignatureError
from piaodesk.signing.keys import load_pkcs12
from piaodesk.signing.sign import SignOptions, sign_pdf, signature_fields
from piaodesk.signing.verify import format_reports, load_trust_roots, verify_pdf

DATE_RE = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")


def _two_signatures(pki, blank_pdf: bytes) -> bytes:
    a = load_pkcs12(pki.p12["Mario Rossi"], PASSWORD)
    first = sign_pdf(blank_pdf, a, SignOptions(
        "Firma_Responsabile", ruolo="Il Responsabile del Servizio", luogo="Comune di Prova",
        motivo="Il valutatore"))
    b = load_pkcs12(pki.p12["Anna Bianchi"], PASSWORD)
    second = sign_pdf(first.pdf, b, SignOptions("Firma_Dipendente", ruolo="Il Dipendente",
                                                motivo="Per presa visione"))
    assert first.pdf == second.pdf[: len(first.pdf)], "the second signature must be incremental"
    return second.pdf


def _stamp_text(pdf: bytes, field: str) -> str:
    """The /ActualText strings of the visible stamp in ``field``, one per line."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    for name, _value, ref in enumerate_sig_fields(reader):
        if name == field:
            data = ref.get_object()["/AP"]["/N"].data
            texts = []
            for m in re.finditer(rb"/ActualText ", data):
                stream = io.BytesIO(data[m.end():])
                texts.append(str(generic.read_object(stream, container_ref=None)))
            return "\n".join(texts)
    raise AssertionError(f"field {field} not found")


def test_fields_of_blank_pdf(blank_pdf: bytes) -> None:
    fields = signature_fields(blank_pdf)
    assert [(f.name, f.signed, f.page) for f in fields] == [
        ("Firma_Responsabile", False, 0), ("Firma_Dipendente", False, 0)]
    assert fields[0].box == (60.0, 120.0, 280.0, 205.0)
    assert fields[0].visible


def test_two_signers_both_valid_and_trusted(pki, blank_pdf: bytes) -> None:
    signed = _two_signatures(pki, blank_pdf)
    assert [(f.name, f.signed) for f in signature_fields(signed)] == [
        ("Firma_Responsabile", True), ("Firma_Dipendente", True)]

    roots = load_trust_roots([pki.ca_pem])
    first, second = verify_pdf(signed, roots)
    assert (first.field, first.signer, first.issuer) == ("Firma_Responsabile", "Mario Rossi",
                                                         "CA di prova piaodesk")
    assert (second.field, second.signer) == ("Firma_Dipendente", "Anna Bianchi")
    for rep in (first, second):
        assert rep.intact and rep.valid and rep.trusted and rep.ok and rep.bottom_line
        assert rep.subfilter == "ETSI.CAdES.detached"
        assert rep.signing_time is not None
        assert rep.esito == "VALIDA e attendibile"
    # the first signature covers its own revision; the second signature was added later,
    # which is an allowed change (form filling), not a tampering
    assert first.coverage == "entire_revision" and first.modified_after
    assert first.modification == "FORM_FILLING" and first.docmdp_ok
    assert second.coverage == "entire_file" and not second.modified_after
    assert first.reason == "Il valutatore" and first.location == "Comune di Prova"
    assert second.reason == "Per presa visione"


def test_untrusted_without_roots_or_with_other_ca(pki, other_pki, blank_pdf: bytes) -> None:
    signed = _two_signatures(pki, blank_pdf)
    for roots in ([], load_trust_roots([other_pki.ca_pem])):
        reports = verify_pdf(signed, roots)
        assert all(r.intact and r.valid and r.ok for r in reports)
        assert not any(r.trusted for r in reports)
        assert all(r.trust_text == "non attendibile (CA non fidata)" for r in reports)
        assert reports[0].esito == "valida, firmatario non attendibile (CA non fidata)"
    text = format_reports(verify_pdf(signed), trust_given=False)
    assert "Firma 1 — campo Firma_Responsabile" in text
    assert "non attendibile (CA non fidata)" in text
    assert "nessuna CA fidata indicata" in text


def test_visible_stamp_has_name_role_and_italian_date(pki, blank_pdf: bytes) -> None:
    signed = _two_signatures(pki, blank_pdf)
    stamp = _stamp_text(signed, "Firma_Responsabile")
    lines = stamp.splitlines()
    assert lines[0] == "Firmato digitalmente da"
    assert lines[1] == "Mario Rossi"
    assert lines[2] == "Il Responsabile del Servizio"
    assert lines[3].startswith("Comune di Prova, ") and DATE_RE.fullmatch(lines[3].split(", ")[1])
    stamp2 = _stamp_text(signed, "Firma_Dipendente")
    assert "Anna Bianchi" in stamp2 and "Il Dipendente" in stamp2
    assert re.search(r"Data: " + DATE_RE.pattern, stamp2)


def test_accented_name_on_stamp(pki, blank_pdf: bytes) -> None:
    signer = load_pkcs12(pki.p12["Mario Rossi"], PASSWORD)
    res = sign_pdf(blank_pdf, signer, SignOptions("Firma_Responsabile", nome="Niccolò Pérez-D'Amico",
                                                  ruolo="Responsabile (Area 1 – Finanza)"))
    stamp = _stamp_text(res.pdf, "Firma_Responsabile")
    assert "Niccolò Pérez-D'Amico" in stamp
    assert "Area 1 – Finanza" in stamp
    # --nome adds a line, never replaces the certificate holder (issue 15, point 2)
    lines = stamp.splitlines()
    assert lines[:3] == ["Firmato digitalmente da", "Mario Rossi", "Niccolò Pérez-D'Amico"]
    assert verify_pdf(res.pdf)[0].name == "Mario Rossi"
    assert res.signer == "Mario Rossi"
    assert any("diverso dal titolare del certificato (Mario Rossi)" in w for w in res.warnings)
    assert len(res.sha256) == 64


def test_pdfsig_agrees(pki, blank_pdf: bytes, tmp_path: Path) -> None:
    signed = _two_signatures(pki, blank_pdf)
    path = tmp_path / "firmato.pdf"
    path.write_bytes(signed)
    out = pdfsig(path)
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert "Signature Field Name: Firma_Responsabile" in out
    assert "Signer Certificate Common Name: Anna Bianchi" in out
    assert "ETSI.CAdES.detached" in out
    # our throw-away CA is not in poppler's (NSS) trust store
    assert re.search(r"Certificate Validation: Certificate issuer isn't Trusted", out), out


def _tamper(pdf: bytes) -> bytes:
    i = pdf.index(b"SCHEDA DI VALUTAZIONE")
    return pdf[:i] + b"X" + pdf[i + 1:]


def test_one_changed_byte_is_detected(pki, blank_pdf: bytes, tmp_path: Path) -> None:
    signed = _two_signatures(pki, blank_pdf)
    bad = _tamper(signed)
    assert len(bad) == len(signed) and bad != signed
    reports = verify_pdf(bad, load_trust_roots([pki.ca_pem]))
    assert len(reports) == 2
    for rep in reports:
        assert not rep.intact and not rep.ok and not rep.trusted and not rep.bottom_line
        assert rep.esito.startswith("NON VALIDA: il documento è stato alterato")
    assert "NON INTEGRA" in format_reports(reports, trust_given=True)
    path = tmp_path / "alterato.pdf"
    path.write_bytes(bad)
    out = pdfsig(path)
    assert "Signature is Valid." not in out, out
    assert out.count("Signature Validation: Digest Mismatch.") == 2, out


def test_truncated_and_garbage_files(pki, blank_pdf: bytes) -> None:
    signed = _two_signatures(pki, blank_pdf)
    with pytest.raises(SignatureError, match="danneggiato o incompleto"):
        verify_pdf(signed[: len(signed) // 3])
    with pytest.raises(SignatureError, match="non è un PDF"):
        verify_pdf(b"PK\x03\x04 not a pdf at all")
    with pytest.raises(SignatureError, match="non è un PDF"):
        signature_fields(b"")
    assert verify_pdf(blank_pdf) == []


def test_externally_signed_pdf_is_verified_the_same_way(pki, tmp_path: Path) -> None:
    """A PDF signed by another tool (here: pyHanko's own API, adbe.pkcs7.detached, default stamp)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load(
        str(pki.key_pem["Anna Bianchi"]), str(pki.cert_pem["Anna Bianchi"]),
        ca_chain_files=(str(pki.ca_pem),))
    writer = IncrementalPdfFileWriter(io.BytesIO(make_pdf(("Firma_Segretario",))))
    out = io.BytesIO()
    signers.sign_pdf(writer, signers.PdfSignatureMetadata(
        field_name="Firma_Segretario", subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED,
        md_algorithm="sha256"), signer=signer, output=out)
    (rep,) = verify_pdf(out.getvalue(), load_trust_roots([pki.ca_pem]))
    assert (rep.field, rep.signer, rep.subfilter) == ("Firma_Segretario", "Anna Bianchi",
                                                      "adbe.pkcs7.detached")
    assert rep.ok and rep.trusted and rep.coverage == "entire_file"


def test_content_change_after_signing_is_flagged(pki, blank_pdf: bytes) -> None:
    """An incremental update that rewrites the page content is not an allowed change."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signer = load_pkcs12(pki.p12["Mario Rossi"], PASSWORD)
    signed = sign_pdf(blank_pdf, signer, SignOptions("Firma_Responsabile")).pdf
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page_ref, _ = writer.find_page_for_modification(0)
    page_obj = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 30 Tf 100 500 Td (PUNTEGGIO 30/30) Tj ET")
    page_obj["/Contents"] = writer.add_object(stream)
    writer.update_container(page_obj)
    out = io.BytesIO()
    writer.write(out)
    (rep,) = verify_pdf(out.getvalue(), load_trust_roots([pki.ca_pem]))
    assert rep.intact and rep.valid  # the signed bytes are untouched...
    assert rep.modified_after and rep.modification == "OTHER"  # ...but the content changed after
    assert not rep.ok
    assert "modificato dopo la firma" in rep.esito


def test_new_field_at_page_and_box(pki, blank_pdf: bytes) -> None:
    signer = load_pkcs12(pki.p12["Mario Rossi"], PASSWORD)
    res = sign_pdf(blank_pdf, signer, SignOptions("Firma_Nucleo", page=0, box=(300, 300, 520, 380),
                                                  ruolo="Nucleo di valutazione"))
    fields = {f.name: f for f in signature_fields(res.pdf)}
    assert fields["Firma_Nucleo"].signed and fields["Firma_Nucleo"].page == 0
    assert fields["Firma_Nucleo"].box == (300.0, 300.0, 520.0, 380.0)
    assert not fields["Firma_Responsabile"].signed
    (rep,) = verify_pdf(res.pdf)
    assert rep.field == "Firma_Nucleo" and rep.ok
    with pytest.raises(SignatureError, match="Pagina 3 inesistente"):
        sign_pdf(blank_pdf, signer, SignOptions("X", page=2, box=(300, 300, 520, 380)))
    with pytest.raises(SignatureError, match="troppo piccolo"):
        sign_pdf(blank_pdf, signer, SignOptions("X", page=0, box=(300, 300, 305, 302)))


def test_field_errors(pki, blank_pdf: bytes) -> None:
    signer = load_pkcs12(pki.p12["Mario Rossi"], PASSWORD)
    with pytest.raises(SignatureError, match=r"'Firma_Boh' non trovato.*campi liberi: "
                                             r"Firma_Responsabile, Firma_Dipendente"):
        sign_pdf(blank_pdf, signer, SignOptions("Firma_Boh"))
    once = sign_pdf(blank_pdf, signer, SignOptions("Firma_Responsabile")).pdf
    with pytest.raises(SignatureError, match="già firmato"):
        sign_pdf(once, signer, SignOptions("Firma_Responsabile"))
    with pytest.raises(SignatureError, match="campi liberi: Firma_Dipendente"):
        sign_pdf(once, signer, SignOptions("Altro"))
    with pytest.raises(SignatureError, match="danneggiato o incompleto"):
        sign_pdf(blank_pdf[:-200], signer, SignOptions("Firma_Responsabile"))


def test_short_field_gets_compact_stamp(pki, blank_pdf: bytes) -> None:
    """The printed sheets have ~44 pt high fields: three lines, name on the first one."""
    signer = load_pkcs12(pki.p12["Mario Rossi"], PASSWORD)
    res = sign_pdf(blank_pdf, signer, SignOptions("Firma_Segretario", page=0, box=(53, 139, 276, 183),
                                                  ruolo="Il Segretario", luogo="Unione dei Comuni"))
    lines = _stamp_text(res.pdf, "Firma_Segretario").splitlines()
    assert lines[0] == "Firmato digitalmente da Mario Rossi"
    assert lines[1] == "Il Segretario"
    assert lines[2].startswith("Unione dei Comuni, ") and DATE_RE.search(lines[2])
    assert len(lines) == 3


def test_encrypted_pdf_refused(blank_pdf: bytes, tmp_path: Path) -> None:
    from pypdf import PdfWriter

    src = tmp_path / "in.pdf"
    src.write_bytes(blank_pdf)
    writer = PdfWriter(clone_from=str(src))
    writer.encrypt("segreta", algorithm="AES-256")
    buf = io.BytesIO()
    writer.write(buf)
    for fn in (signature_fields, verify_pdf):
        with pytest.raises(SignatureError, match="protetto da password"):
            fn(buf.getvalue())
