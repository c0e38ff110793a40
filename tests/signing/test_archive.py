"""Issue 15: signed sheets fit for the archive.

Never losing a signature, the certificate holder on the stamp, key usage and honest
expiry, PDF/A-2b sheets that stay PDF/A when signed, B-T against a TSA on 127.0.0.1
and B-LT, batch signing with one PIN entry, CAdES .p7m, the chain in PKCS#11
signatures, removed/blanked signatures and owner-encrypted PDFs in verify.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import cms
from firma_helpers import PASSWORD, USER_PIN, LocalTsa, make_pdf
from pdf_helpers import remove_signature_value

from piaodesk.cli import main
from piaodesk.signing.errors import SignatureError
from piaodesk.signing.keys import load_pkcs12
from piaodesk.signing.prova import crea_pki_prova
from piaodesk.signing.sign import SignOptions, sign_pdf
from piaodesk.signing.tsa import TsaSettings, UrlTimeStamper
from piaodesk.signing.verify import load_trust_roots, verify_document, verify_pdf


@pytest.fixture(scope="module")
def pki15(tmp_path_factory: pytest.TempPathFactory):
    return crea_pki_prova(tmp_path_factory.mktemp("pki15"), PASSWORD,
                          signers=("Mario Rossi", "Anna Bianchi", "Cifra Soltanto", "Qualificata Bruni"),
                          encipherment=("Cifra Soltanto",), qualified=("Qualificata Bruni",))


@pytest.fixture
def tsa(pki15):
    server = LocalTsa(pki15.tsa_cert, pki15.tsa_key, pki15.ca_pem)
    yield server
    server.close()


def sheet_with_names() -> bytes:
    """A real sheet (reports.base) with two signature blocks and printed names."""
    from piaodesk.reports.base import Firma, Meta, Sheet, Story, signature_section, text

    story = Story()
    story.flowables = [text("Scheda di prova per l'archivio — 1.234,56 €"),
                       signature_section([Firma("Il Responsabile", "Firma_Responsabile", "Giulia Neri"),
                                          Firma("Il Dipendente", "Firma_Dipendente", "Anna Bianchi")],
                                         "Modena, 31/12/2025", Sheet.portrait_width(), story.firme)]
    return Sheet.render(story, Meta(title="Scheda di prova", author="Comune di Prova",
                                    subject="Valutazione", header="Comune di Prova", footer="piaodesk"))


def _run(args: list[str], capsys) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


# --------------------------------------------------------------------------- 1. never lose a signature


def test_two_signers_with_default_names_keep_both_signatures(tmp_path: Path, pki15, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PIAODESK_P12_PASSWORD", PASSWORD)
    sheet = tmp_path / "scheda.pdf"
    sheet.write_bytes(make_pdf())
    code, out, _ = _run(["sign", str(sheet), "--p12", str(pki15.p12["Mario Rossi"]),
                         "--field", "Firma_Responsabile"], capsys)
    assert code == 0
    first = tmp_path / "scheda-firmato-Firma_Responsabile.pdf"
    assert str(first) in out
    # the second signer starts from the original too (the usual mistake), default name
    code, _out, err = _run(["sign", str(sheet), "--p12", str(pki15.p12["Anna Bianchi"]),
                            "--field", "Firma_Dipendente"], capsys)
    assert code == 0
    assert "è una versione precedente di scheda-firmato-Firma_Responsabile.pdf" in err
    second = tmp_path / "scheda-firmato-Firma_Dipendente.pdf"
    # ... and from the first signer's file: a new name again, the first file untouched
    first_bytes = first.read_bytes()
    code, out, _ = _run(["sign", str(first), "--p12", str(pki15.p12["Anna Bianchi"]),
                         "--field", "Firma_Dipendente"], capsys)
    assert code == 0
    third = tmp_path / "scheda-firmato-Firma_Dipendente-2.pdf"
    assert str(third) in out and second.exists()
    assert first.read_bytes() == first_bytes
    reports = verify_pdf(third.read_bytes(), load_trust_roots([pki15.ca_pem]))
    assert [(r.field, r.signer, r.ok) for r in reports] == [
        ("Firma_Responsabile", "Mario Rossi", True), ("Firma_Dipendente", "Anna Bianchi", True)]

    # an existing --out is refused unless --sovrascrivi
    code, _, err = _run(["sign", str(sheet), "--p12", str(pki15.p12["Mario Rossi"]),
                         "--field", "Firma_Responsabile", "--out", str(first)], capsys)
    assert code == 2 and "esiste già" in err and "--sovrascrivi" in err
    assert first.read_bytes() == first_bytes
    code, _, _ = _run(["sign", str(sheet), "--p12", str(pki15.p12["Mario Rossi"]),
                       "--field", "Firma_Responsabile", "--out", str(first), "--sovrascrivi"], capsys)
    assert code == 0 and first.read_bytes() != first_bytes


# --------------------------------------------------------------------------- 2. the holder's name


def test_stamp_shows_holder_and_verify_warns_on_printed_name(tmp_path: Path, pki15, capsys) -> None:
    signer = load_pkcs12(pki15.p12["Mario Rossi"], PASSWORD)
    res = sign_pdf(sheet_with_names(), signer, SignOptions("Firma_Responsabile", nome="Giulia Neri"))
    assert res.signer == "Mario Rossi"
    path = tmp_path / "firmato.pdf"
    path.write_bytes(res.pdf)
    _code, out, _ = _run(["verify", str(path)], capsys)
    assert "Firmatario:        Mario Rossi" in out
    assert "Nome sul foglio:   Giulia Neri" in out
    assert "il nome stampato sotto il campo (Giulia Neri) è diverso dal titolare del certificato " \
           "(Mario Rossi)" in out
    # the right person: no warning
    res2 = sign_pdf(res.pdf, load_pkcs12(pki15.p12["Anna Bianchi"], PASSWORD), SignOptions("Firma_Dipendente"))
    second = verify_pdf(res2.pdf)[1]
    assert second.printed_name == "Anna Bianchi" and second.warnings == []


# --------------------------------------------------------------------------- 3. key usage, QC, expiry


def test_key_encipherment_certificate_refused(pki15) -> None:
    with pytest.raises(SignatureError, match=r"non è un certificato di firma.*cifratura di chiavi"):
        load_pkcs12(pki15.p12["Cifra Soltanto"], PASSWORD)
    signer = load_pkcs12(pki15.p12["Mario Rossi"], PASSWORD)
    signer_bad = type(signer)(signing_key=signer.signing_key, cert_registry=signer.cert_registry,
                              signing_cert=_cert(pki15.cert_pem["Cifra Soltanto"]))
    with pytest.raises(SignatureError, match="non è un certificato di firma"):
        sign_pdf(make_pdf(), signer_bad, SignOptions("Firma_Responsabile"))


def _cert(path: Path):  # type: ignore[no-untyped-def]
    from asn1crypto import pem, x509

    return x509.Certificate.load(pem.unarmor(path.read_bytes())[2])


def test_qualified_certificate_and_honest_expiry(pki15) -> None:
    signed = sign_pdf(make_pdf(), load_pkcs12(pki15.p12["Qualificata Bruni"], PASSWORD),
                      SignOptions("Firma_Responsabile")).pdf
    roots = load_trust_roots([pki15.ca_pem])
    (rep,) = verify_pdf(signed, roots)
    assert rep.qualified and rep.trusted
    (plain,) = verify_pdf(sign_pdf(make_pdf(), load_pkcs12(pki15.p12["Mario Rossi"], PASSWORD),
                                   SignOptions("Firma_Responsabile")).pdf, roots)
    assert not plain.qualified
    # three years on, the certificate has expired: valid when signed, expired now
    later = datetime.now(UTC) + timedelta(days=3 * 365)
    (old,) = verify_pdf(signed, roots, moment=later)
    assert "scaduto al momento della firma" not in old.trust_text
    assert old.trust_text.startswith("certificato valido alla data della firma dichiarata")
    assert "senza marca temporale la data non è provata" in old.trust_text


# --------------------------------------------------------------------------- 4. PDF/A-2b


def test_sheet_is_pdfa_and_stays_so_when_signed(pki15) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    unsigned = sheet_with_names()
    signed = sign_pdf(unsigned, load_pkcs12(pki15.p12["Mario Rossi"], PASSWORD),
                      SignOptions("Firma_Responsabile", ruolo="Il Responsabile del Servizio")).pdf
    for data in (unsigned, signed):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert str(pdf.Root.Lang) == "it-IT"
            meta = pdf.open_metadata()
            assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
            assert meta["dc:title"] == str(pdf.docinfo.Title) == "Scheda di prova"
            # /Info and XMP agree (producer, dates), also in the signed revision
            assert meta["pdf:Producer"] == str(pdf.docinfo.Producer)
            assert meta["xmp:CreatorTool"] == str(pdf.docinfo.Creator) == "piaodesk"
            assert _pdf_date(str(pdf.docinfo.ModDate)) == datetime.fromisoformat(meta["xmp:ModifyDate"])
            assert _pdf_date(str(pdf.docinfo.CreationDate)) == datetime.fromisoformat(meta["xmp:CreateDate"])
            assert "/Filter" not in pdf.Root.Metadata.stream_dict
            (intent,) = pdf.Root.OutputIntents
            assert intent.S == "/GTS_PDFA1"
            icc = intent.DestOutputProfile
            assert icc.N == 3 and icc.read_bytes()[36:40] == b"acsp"  # an ICC profile
            assert pdf.trailer.get("/ID") is not None
            assert "/Encrypt" not in pdf.trailer
            fonts = _all_fonts(pdf)
            assert fonts and not any("Helvetica" in name or "Courier" in name for name in fonts)
            assert all(embedded for embedded in fonts.values()), fonts
            for page in pdf.pages:
                for annot in page.get("/Annots", []):
                    assert int(annot.F) & 4, "annotazioni non stampabili vietate in PDF/A"
    # signing appends an incremental update: the signed revision's bytes are unchanged
    assert signed.startswith(unsigned)


def _pdf_date(value: str) -> datetime:
    m = re.fullmatch(r"D:(\d{14})(Z|[+-]\d\d'\d\d'?)?", value)
    assert m, value
    tz = (m.group(2) or "Z").replace("'", "")
    tz = "+0000" if tz == "Z" else tz
    return datetime.strptime(m.group(1) + tz, "%Y%m%d%H%M%S%z")


def _all_fonts(pdf) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    """BaseFont -> embedded, over pages, form XObjects and annotation appearances."""
    found: dict[str, bool] = {}
    seen: set[tuple[int, int]] = set()

    def visit(resources) -> None:  # type: ignore[no-untyped-def]
        if resources is None:
            return
        for font in (resources.get("/Font") or {}).values():
            base = str(font.get("/BaseFont"))
            desc = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                desc = font.DescendantFonts[0].get("/FontDescriptor")
            found[base] = desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        for xobj in (resources.get("/XObject") or {}).values():
            if xobj.objgen in seen:
                continue
            seen.add(xobj.objgen)
            visit(xobj.get("/Resources"))

    for page in pdf.pages:
        visit(page.get("/Resources"))
        for annot in page.get("/Annots", []):
            ap = annot.get("/AP")
            if ap is not None and "/N" in ap:
                visit(ap.N.get("/Resources"))
    return found


# --------------------------------------------------------------------------- 5. B-T and B-LT


def test_pades_bt_against_local_tsa_and_blt_offline(pki15, tsa: LocalTsa, tmp_path: Path, capsys,
                                                    monkeypatch) -> None:
    assert tsa.url.startswith("http://127.0.0.1:")
    signer = load_pkcs12(pki15.p12["Mario Rossi"], PASSWORD, catena=load_trust_roots([pki15.ca_pem]))
    stamper = UrlTimeStamper(TsaSettings(url=tsa.url, utente="ufficio", password="segreta"))
    res = sign_pdf(make_pdf(), signer, SignOptions("Firma_Responsabile", tsa=stamper))
    assert res.level == "B-T" and tsa.requests >= 1 and res.warnings == ()
    (rep,) = verify_pdf(res.pdf, load_trust_roots([pki15.ca_pem]))
    assert rep.level == "B-T" and rep.timestamp is not None and rep.timestamp_ok
    assert abs((rep.timestamp - datetime.now(UTC)).total_seconds()) < 120

    # B-LT offline: the chain goes in the DSS, and what is missing is said
    res_lt = sign_pdf(make_pdf(), signer, SignOptions("Firma_Responsabile", tsa=stamper, lt=True))
    assert res_lt.level == "B-LT"
    assert any("stato di revoca (CRL/OCSP): fuori linea" in w for w in res_lt.warnings)
    result = verify_document(res_lt.pdf, load_trust_roots([pki15.ca_pem]))
    assert result.reports[0].level == "B-LT" and result.reports[0].ok
    dss = result.validation_data
    assert dss is not None and {"Mario Rossi", "CA di prova piaodesk", "TSA di prova piaodesk"} <= set(
        dss["certificati"])
    assert dss["mancano"] == ["stato di revoca (CRL/OCSP)"]

    # the CLI: --tsa URL; the text and the JSON say the same things
    monkeypatch.setenv("PIAODESK_P12_PASSWORD", PASSWORD)
    sheet = tmp_path / "s.pdf"
    sheet.write_bytes(make_pdf())
    code, out, _ = _run(["sign", str(sheet), "--p12", str(pki15.p12["Mario Rossi"]), "--field",
                         "Firma_Responsabile", "--tsa", tsa.url, "--lt"], capsys)
    assert code == 0 and "(PAdES B-LT)" in out
    signed = tmp_path / "s-firmato-Firma_Responsabile.pdf"
    code, text, _ = _run(["verify", str(signed), "--trust", str(pki15.ca_pem)], capsys)
    assert "Livello:           PAdES B-LT" in text and "Marca temporale:" in text
    assert "manca stato di revoca (CRL/OCSP)" in text
    code, js, _ = _run(["verify", str(signed), "--trust", str(pki15.ca_pem), "--json"], capsys)
    data = json.loads(js)
    assert data["firme"][0]["level"] == "B-LT" and data["firme"][0]["timestamp"]
    assert any("manca stato di revoca" in n for n in data["note"])


def test_pades_blt_with_crl_fetched_from_loopback(tmp_path: Path, tsa: LocalTsa) -> None:
    from firma_helpers import LocalCrl

    crl_server = LocalCrl()
    try:
        pki_crl = crea_pki_prova(tmp_path / "pki", PASSWORD, signers=("Mario Rossi",), crl_url=crl_server.url)
        crl_server.issue(pki_crl.ca_pem, pki_crl.ca_key)
        signer = load_pkcs12(pki_crl.p12["Mario Rossi"], PASSWORD)
        res = sign_pdf(make_pdf(), signer, SignOptions("Firma_Responsabile", lt=True, fetch=True,
                                                       tsa=UrlTimeStamper(TsaSettings(url=tsa.url))))
    finally:
        crl_server.close()
    assert crl_server.url.startswith("http://127.0.0.1:") and crl_server.requests >= 1
    assert res.level == "B-LT" and res.warnings == ()
    result = verify_document(res.pdf, load_trust_roots([pki_crl.ca_pem]))
    assert result.validation_data is not None and result.validation_data["crl"] == 1
    assert result.validation_data["mancano"] == [] and result.notes == []
    assert result.reports[0].ok and result.reports[0].level == "B-LT"


def test_unreachable_tsa_is_said_not_swallowed(pki15) -> None:
    import socket

    with socket.socket() as s:  # a closed port on loopback
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    stamper = UrlTimeStamper(TsaSettings(url=f"http://127.0.0.1:{port}/tsa", timeout=2))
    res = sign_pdf(make_pdf(), load_pkcs12(pki15.p12["Mario Rossi"], PASSWORD),
                   SignOptions("Firma_Responsabile", tsa=stamper))
    assert res.level == "B-B"
    assert any(w.startswith("Marca temporale NON apposta") for w in res.warnings)


# --------------------------------------------------------------------------- 6 + 8. batch, chain


def test_twenty_sheets_signed_with_one_pin_prompt(softhsm: str, pki, tmp_path: Path, capsys,
                                                  monkeypatch) -> None:
    folder = tmp_path / "schede"
    folder.mkdir()
    for i in range(20):
        (folder / f"scheda-{i:02d}.pdf").write_bytes(make_pdf())
    (folder / "senza-campi.pdf").write_bytes(make_pdf(fields=()))
    prompts: list[str] = []
    monkeypatch.delenv("PIAODESK_PKCS11_PIN", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": prompts.append(prompt) or USER_PIN)
    from piaodesk.signing import keys

    opened: list[int] = []
    real_open = keys.open_pkcs11

    def counting_open(*args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(1)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(keys, "open_pkcs11", counting_open)
    code, out, _ = _run(["sign", "--cartella", str(folder), "--pkcs11-lib", softhsm, "--key-label",
                         "firma", "--field", "Firma_Responsabile"], capsys)
    assert code == 0
    assert prompts == ["PIN della smart card: "] and len(opened) == 1
    assert "[21/21]" in out and "senza-campi.pdf: saltato: nessun campo Firma_Responsabile" in out
    assert "Riepilogo: 20 firmati, 1 saltati, 0 con errori (su 21)." in out
    signed = sorted(folder.glob("*-firmato-Firma_Responsabile.pdf"))
    assert len(signed) == 20
    roots = load_trust_roots([pki.ca_pem])
    for path in signed[:3] + signed[-1:]:
        (rep,) = verify_pdf(path.read_bytes(), roots)
        assert rep.ok and rep.trusted and rep.signer == "Mario Rossi"
    # the chain comes from the token: CA once, signer once
    certs = _cms_certs(signed[0].read_bytes())
    assert sorted(certs) == sorted(["CA di prova piaodesk", "Mario Rossi"])
    assert not list(folder.glob("*.tmp*"))


def _cms_certs(pdf: bytes) -> list[str]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    from piaodesk.signing.keys import common_name

    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1]
    return [common_name(c.chosen.subject) for c in sig.signed_data["certificates"]]


def test_pkcs11_chain_from_catena(softhsm: str, pki, other_pki) -> None:
    from piaodesk.signing.keys import open_pkcs11

    extra = load_trust_roots([other_pki.ca_pem])
    with open_pkcs11(softhsm, USER_PIN, key_label="firma", catena=extra) as signer:
        res = sign_pdf(make_pdf(), signer, SignOptions("Firma_Responsabile"))
    assert sorted(_cms_certs(res.pdf)) == ["Altra CA", "CA di prova piaodesk", "Mario Rossi"]


# --------------------------------------------------------------------------- 7. CAdES


def test_p7m_signed_and_verified(pki15, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PIAODESK_P12_PASSWORD", PASSWORD)
    sheet = tmp_path / "scheda.pdf"
    sheet.write_bytes(make_pdf())
    code, out, _ = _run(["sign", str(sheet), "--p12", str(pki15.p12["Mario Rossi"]), "--formato", "p7m"],
                        capsys)
    assert code == 0 and "(CAdES-BES)" in out
    p7m = tmp_path / "scheda.pdf.p7m"
    ci = cms.ContentInfo.load(p7m.read_bytes())
    assert ci["content"]["encap_content_info"]["content"].native == sheet.read_bytes()
    code, text, _ = _run(["verify", str(p7m), "--trust", str(pki15.ca_pem)], capsys)
    assert code == 0 and "Firmatario:        Mario Rossi" in text and "VALIDA e attendibile" in text
    # a changed byte of the content: not valid
    raw = bytearray(p7m.read_bytes())
    i = raw.index(b"Punteggio complessivo")
    raw[i] ^= 0x20
    bad = tmp_path / "alterato.pdf.p7m"
    bad.write_bytes(bytes(raw))
    code, text, _ = _run(["verify", str(bad), "--trust", str(pki15.ca_pem)], capsys)
    assert code == 1 and "NON VALIDA" in text
    # a second .p7m of the same file never overwrites the first
    code, out, _ = _run(["sign", str(sheet), "--p12", str(pki15.p12["Mario Rossi"]), "--formato", "p7m"],
                        capsys)
    assert code == 0 and str(tmp_path / "scheda-2.pdf.p7m") in out


# --------------------------------------------------------------------------- 10. verify


def test_removed_and_blanked_signatures_are_reported(pki15, tmp_path: Path, capsys) -> None:
    signed = sign_pdf(make_pdf(), load_pkcs12(pki15.p12["Mario Rossi"], PASSWORD),
                      SignOptions("Firma_Responsabile")).pdf
    path = tmp_path / "rimossa.pdf"
    path.write_bytes(remove_signature_value(signed, "Firma_Responsabile"))
    code, text, _ = _run(["verify", str(path)], capsys)
    assert code == 1
    assert "FIRMA RIMOSSA: il campo Firma_Responsabile era firmato" in text
    code, js, _ = _run(["verify", str(path), "--json"], capsys)
    assert json.loads(js)["firme_rimosse"] == ["Firma_Responsabile"]

    # the /Contents zeroed in place: a blanked signature, reported as such
    m = re.search(rb"/Contents <([0-9a-fA-F]+)>", signed)
    assert m is not None
    blank = signed[:m.start(1)] + b"0" * len(m.group(1)) + signed[m.end(1):]
    path2 = tmp_path / "azzerata.pdf"
    path2.write_bytes(blank)
    code, text, _ = _run(["verify", str(path2)], capsys)
    assert code == 1 and "firma cancellata" in text


def test_owner_encrypted_signed_pdf_is_verified(pki15, tmp_path: Path, capsys) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    src = io.BytesIO()
    with pikepdf.open(io.BytesIO(make_pdf())) as pdf:
        pdf.save(src, encryption=pikepdf.Encryption(owner="proprietario", user="", R=6,
                                                     allow=pikepdf.Permissions(modify_other=False)))
    w = IncrementalPdfFileWriter(io.BytesIO(src.getvalue()))
    w.encrypt("proprietario")
    out = io.BytesIO()
    signers.sign_pdf(w, signers.PdfSignatureMetadata(field_name="Firma_Responsabile"),
                     signer=load_pkcs12(pki15.p12["Mario Rossi"], PASSWORD), output=out)
    path = tmp_path / "cifrato.pdf"
    path.write_bytes(out.getvalue())
    code, text, _ = _run(["verify", str(path), "--trust", str(pki15.ca_pem)], capsys)
    assert code == 0, text
    assert "VALIDA e attendibile" in text and "cifrato con la sola password del proprietario" in text
    code, js, _ = _run(["verify", str(path), "--trust", str(pki15.ca_pem), "--json"], capsys)
    data = json.loads(js)
    assert data["cifrato"] is True and data["tutte_valide"] is True


def test_json_says_everything_the_text_says(pki15, tsa: LocalTsa, tmp_path: Path, capsys) -> None:
    signer = load_pkcs12(pki15.p12["Qualificata Bruni"], PASSWORD)
    res = sign_pdf(sheet_with_names(), signer, SignOptions(
        "Firma_Responsabile", motivo="Per presa visione", luogo="Modena",
        tsa=UrlTimeStamper(TsaSettings(url=tsa.url))))
    path = tmp_path / "tutto.pdf"
    path.write_bytes(res.pdf)
    _, text, _ = _run(["verify", str(path)], capsys)
    _, js, _ = _run(["verify", str(path), "--json"], capsys)
    data = json.loads(js)
    (sig,) = data["firme"]
    blob = json.dumps(data, ensure_ascii=False)
    for line in text.splitlines():
        if ":" not in line or line.startswith("Firme digitali"):
            continue
        label, value = (part.strip() for part in line.split(":", 1))
        if label.startswith("Firma ") or label in ("Data della firma", "Marca temporale", "Certificato"):
            continue  # dates are ISO in the JSON, checked below
        value = value.split(" (emesso da ")[0]
        assert value in blob, f"{label}: {value!r} manca nel JSON"
    assert sig["qualified"] is True and sig["printed_name"] == "Giulia Neri"
    assert sig["timestamp"] and sig["signing_time"] and sig["cert_not_after"]
    assert sig["warnings"] and "Giulia Neri" in sig["warnings"][0]
    assert any("nessuna CA fidata" in n for n in data["note"])


# --------------------------------------------------------------------------- 9. stamp size


def _stamp_sizes(pdf: bytes, field: str) -> list[float]:
    """Effective font sizes (Tf size × the scaling applied to the appearance) of a signed field."""
    pikepdf = pytest.importorskip("pikepdf")
    sizes: list[float] = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for annot in doc.pages[0].Annots:
            if str(annot.get("/T")) != field:
                continue
            stack = [(annot.AP.N, 1.0)]
            while stack:
                xobj, scale = stack.pop()
                data = xobj.read_bytes().decode("latin-1")
                for m in re.finditer(r"([\d.]+) 0 0 ([\d.]+) [\d.-]+ [\d.-]+ cm", data):
                    scale *= float(m.group(1))
                sizes += [float(t) * scale for t in re.findall(r"/F\d+ ([\d.]+) Tf", data)]
                for sub in (xobj.get("/Resources", {}).get("/XObject", {}) or {}).values():
                    stack.append((sub, scale))
    return sizes


def test_stamp_text_at_least_6pt_with_a_long_role(pki15) -> None:
    role = "Il Responsabile del Servizio Finanziario e Tributi dell'Unione dei Comuni"
    res = sign_pdf(sheet_with_names(), load_pkcs12(pki15.p12["Mario Rossi"], PASSWORD),
                   SignOptions("Firma_Responsabile", ruolo=role, luogo="Unione Marca Occidentale"))
    sizes = _stamp_sizes(res.pdf, "Firma_Responsabile")
    assert sizes and min(sizes) >= 6, sizes
    assert res.warnings == ()
    raw = " ".join(re.findall(r"/ActualText \((.*?)\)\n", res.pdf.decode("latin-1")))
    shown = re.sub(r"\\(\d{3})", lambda m: chr(int(m.group(1), 8)), raw)  # PDF octal escapes
    assert role in shown  # the whole role, wrapped on lines
    assert "Firmato digitalmente da Mario Rossi" in shown
    # a field too small for the text: said, not hidden
    tiny = sign_pdf(make_pdf(), load_pkcs12(pki15.p12["Mario Rossi"], PASSWORD),
                    SignOptions("Nuovo", ruolo=role, page=0, box=(300, 300, 360, 315)))
    assert any("sotto i 6 punti" in w for w in tiny.warnings)
