"""Loading the signing key: PKCS#12 files and PKCS#11 tokens, with Italian errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from firma_helpers import PASSWORD, USER_PIN, make_pdf

from piaodesk.signing.errors import SignatureError
from piaodesk.signing.keys import load_pkcs12, open_pkcs11
from piaodesk.signing.sign import SignOptions, sign_pdf
from piaodesk.signing.verify import load_trust_roots, verify_pdf


def test_pkcs12_ok(pki) -> None:
    signer = load_pkcs12(pki.p12["Mario Rossi"], PASSWORD)
    assert signer.signing_cert.subject.native["common_name"] == "Mario Rossi"
    # bytes password works too
    assert load_pkcs12(pki.p12["Mario Rossi"], PASSWORD.encode()).signing_cert is not None


def test_pkcs12_wrong_password(pki) -> None:
    with pytest.raises(SignatureError, match=r"^Password del certificato errata per il file firmatario1\.p12"):
        load_pkcs12(pki.p12["Mario Rossi"], "sbagliata")


def test_pkcs12_missing_password(pki) -> None:
    with pytest.raises(SignatureError, match="protetto da password"):
        load_pkcs12(pki.p12["Mario Rossi"], "")


def test_not_a_pkcs12(tmp_path: Path, pki) -> None:
    pdf = tmp_path / "scheda.pdf"
    pdf.write_bytes(make_pdf())
    with pytest.raises(SignatureError, match=r"scheda\.pdf non è un certificato PKCS#12"):
        load_pkcs12(pdf, PASSWORD)
    # a PEM certificate is not a .p12 either
    with pytest.raises(SignatureError, match="non è un certificato PKCS#12"):
        load_pkcs12(pki.ca_pem, PASSWORD)
    empty = tmp_path / "vuoto.p12"
    empty.write_bytes(b"")
    with pytest.raises(SignatureError, match="non è un certificato PKCS#12"):
        load_pkcs12(empty, PASSWORD)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(SignatureError, match=r"File del certificato non trovato: .*manca\.p12"):
        load_pkcs12(tmp_path / "manca.p12", PASSWORD)
    with pytest.raises(SignatureError, match="è una cartella"):
        load_pkcs12(tmp_path, PASSWORD)


def test_expired_certificate_refused(pki) -> None:
    with pytest.raises(SignatureError, match=r"Il certificato di Carlo Scaduto è scaduto il \d\d/\d\d/\d{4}"):
        load_pkcs12(pki.p12["Carlo Scaduto"], PASSWORD)


def test_p12_without_private_key(tmp_path: Path, pki) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    cert = x509.load_pem_x509_certificate(pki.cert_pem["Mario Rossi"].read_bytes())
    only_cert = tmp_path / "solo-certificato.p12"
    only_cert.write_bytes(pkcs12.serialize_key_and_certificates(
        b"x", None, cert, None, BestAvailableEncryption(PASSWORD.encode())))
    with pytest.raises(SignatureError, match="non contiene la chiave privata"):
        load_pkcs12(only_cert, PASSWORD)


# --------------------------------------------------------------------------- PKCS#11


def test_pkcs11_missing_library(tmp_path: Path) -> None:
    with pytest.raises(SignatureError, match=r"^Libreria PKCS#11 non trovata: .*bit4xpki\.so"):
        with open_pkcs11(tmp_path / "bit4xpki.so", "1234"):
            pass


def test_pkcs11_library_not_loadable(tmp_path: Path) -> None:
    fake = tmp_path / "finto-pkcs11.so"
    fake.write_bytes(b"questo non e' un driver")
    with pytest.raises(SignatureError, match=r"Impossibile caricare la libreria PKCS#11 finto-pkcs11\.so"):
        with open_pkcs11(fake, "1234"):
            pass


def test_pkcs11_softhsm_sign(softhsm: str, pki) -> None:
    with open_pkcs11(softhsm, USER_PIN, token_label="piaodesk-prova", key_label="firma") as signer:
        res = sign_pdf(make_pdf(), signer, SignOptions("Firma_Responsabile", ruolo="Con smart card"))
    (rep,) = verify_pdf(res.pdf, load_trust_roots([pki.ca_pem]))
    assert rep.signer == "Mario Rossi" and rep.ok and rep.trusted
    # RSA key, as on most Italian signature cards
    with open_pkcs11(softhsm, USER_PIN, key_label="firma-rsa") as signer:
        res2 = sign_pdf(res.pdf, signer, SignOptions("Firma_Dipendente"))
    first, second = verify_pdf(res2.pdf, load_trust_roots([pki.ca_pem]))
    assert first.ok and first.modification == "FORM_FILLING"
    assert second.signer == "Luca Verdi" and second.ok and second.trusted
    # automatic choice of token and key (both have the non-repudiation usage: the first wins)
    with open_pkcs11(softhsm, USER_PIN) as signer:
        res3 = sign_pdf(make_pdf(), signer, SignOptions("Firma_Dipendente"))
    assert verify_pdf(res3.pdf)[0].ok


def test_pkcs11_softhsm_errors(softhsm: str) -> None:
    with pytest.raises(SignatureError, match=r"^PIN errato"):
        with open_pkcs11(softhsm, "000000", token_label="piaodesk-prova"):
            pass
    with pytest.raises(SignatureError, match=r"etichetta 'altra' non trovata.*piaodesk-prova"):
        with open_pkcs11(softhsm, USER_PIN, token_label="altra"):
            pass
    with pytest.raises(SignatureError, match=r"Chiave 'nessuna' non trovata"):
        with open_pkcs11(softhsm, USER_PIN, key_label="nessuna"):
            pass


def test_pkcs11_softhsm_without_pin(softhsm: str) -> None:
    with pytest.raises(SignatureError, match=r"^La smart card chiede il PIN"):
        with open_pkcs11(softhsm, None, key_label="firma") as signer:
            sign_pdf(make_pdf(), signer, SignOptions("Firma_Responsabile"))
