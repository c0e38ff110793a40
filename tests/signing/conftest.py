"""Throw-away PKI and a small unsigned PDF with two empty signature fields.

The CA and the signer keys are generated at test time in a temporary folder:
no key material is ever committed.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from firma_helpers import PASSWORD, SOFTHSM_LIBS, USER_PIN, make_pdf

from piaodesk.signing.prova import PkiProva, crea_pki_prova


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PkiProva:
    return crea_pki_prova(tmp_path_factory.mktemp("pki"), PASSWORD,
                          signers=("Mario Rossi", "Anna Bianchi", "Carlo Scaduto", "Luca Verdi"),
                          expired=("Carlo Scaduto",), rsa=("Luca Verdi",))


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory: pytest.TempPathFactory) -> PkiProva:
    """A second, unrelated CA (for 'untrusted' checks)."""
    return crea_pki_prova(tmp_path_factory.mktemp("pki2"), PASSWORD, signers=("Estraneo",),
                          ca_name="Altra CA")


@pytest.fixture
def blank_pdf() -> bytes:
    return make_pdf()


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory, pki):
    """A SoftHSM2 token holding Mario Rossi's and Luca Verdi's keys and certificates and the
    CA certificate (skipped without softhsm2)."""
    pytest.importorskip("pkcs11")
    util = shutil.which("softhsm2-util")
    lib = next((p for p in SOFTHSM_LIBS if os.path.exists(p)), None)
    if util is None or lib is None:
        pytest.skip("SoftHSM2 non installato (apt-get install softhsm2)")
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read by the library when it is loaded

    def run(*args: str) -> None:
        subprocess.run([util, *args], check=True, env=env, capture_output=True, timeout=60)

    run("--init-token", "--free", "--label", "piaodesk-prova", "--pin", USER_PIN, "--so-pin", "87654321")
    run("--import", str(pki.key_pem["Mario Rossi"]), "--token", "piaodesk-prova", "--label", "firma",
        "--id", "01", "--pin", USER_PIN)

    run("--import", str(pki.key_pem["Luca Verdi"]), "--token", "piaodesk-prova", "--label", "firma-rsa",
        "--id", "02", "--pin", USER_PIN)

    import pkcs11
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pkcs11 import Attribute, CertificateType, ObjectClass

    token = pkcs11.lib(lib).get_token(token_label="piaodesk-prova")
    with token.open(rw=True, user_pin=USER_PIN) as session:
        for name, label, key_id in (("Mario Rossi", "firma", b"\x01"), ("Luca Verdi", "firma-rsa", b"\x02")):
            cert = x509.load_pem_x509_certificate(pki.cert_pem[name].read_bytes())
            session.create_object({
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: label,
                Attribute.ID: key_id,
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.VALUE: cert.public_bytes(Encoding.DER),
            })
        ca = x509.load_pem_x509_certificate(pki.ca_pem.read_bytes())
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True, Attribute.LABEL: "CA", Attribute.ID: b"\xca",
            Attribute.SUBJECT: ca.subject.public_bytes(), Attribute.VALUE: ca.public_bytes(Encoding.DER)})
    return lib
