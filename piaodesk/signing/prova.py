"""A throw-away PKI for trying the signing features (and for the tests).

``crea_pki_prova(folder, password)`` writes a CA certificate (``ca.pem``) and one
PKCS#12 file per signer, all generated on the spot: no key material lives in the
repository. The certificates say "PROVA" in the organisation so nobody mistakes
them for real ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import rsa as rsa_
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class PkiProva:
    ca_pem: Path
    p12: dict[str, Path]  # signer name -> PKCS#12 file
    password: str
    key_pem: dict[str, Path]  # signer name -> unencrypted PKCS#8 key (for tokens)
    cert_pem: dict[str, Path]
    tsa_cert: Path | None = None  # a time-stamping authority of the same CA (PEM)
    tsa_key: Path | None = None  # its unencrypted PKCS#8 key
    ca_key: Path | None = None  # the CA's unencrypted key (to issue a CRL in the tests)


def _name(cn: str, org: str = "PROVA piaodesk") -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def crea_pki_prova(folder: str | Path, password: str = "prova123",
                   signers: tuple[str, ...] = ("Mario Rossi", "Anna Bianchi"),
                   *, ca_name: str = "CA di prova piaodesk",
                   expired: tuple[str, ...] = (), rsa: tuple[str, ...] = (),
                   encipherment: tuple[str, ...] = (), qualified: tuple[str, ...] = (),
                   crl_url: str | None = None, now: datetime | None = None) -> PkiProva:
    """Create a CA and one certificate per signer.

    Names in ``expired`` get an expired certificate, names in ``rsa`` an RSA 2048 key
    (like most Italian signature cards) instead of ECDSA P-256. Names in ``encipherment``
    get a certificate whose key is only for key encipherment (not a signing certificate),
    names in ``qualified`` the eIDAS QcCompliance and QcSSCD statements.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_subject = _name(ca_name)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_subject).issuer_name(ca_subject)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=2))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem = folder / "ca.pem"
    ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    p12s: dict[str, Path] = {}
    keys: dict[str, Path] = {}
    certs: dict[str, Path] = {}
    for index, cn in enumerate(signers, start=1):
        key: ec.EllipticCurvePrivateKey | rsa_.RSAPrivateKey
        if cn in rsa:
            key = rsa_.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            key = ec.generate_private_key(ec.SECP256R1())
        if cn in expired:
            start, end = now - timedelta(days=400), now - timedelta(days=35)
        else:
            start, end = now - timedelta(days=1), now + timedelta(days=730)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(cn)).issuer_name(ca_subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=cn not in encipherment,
                                         content_commitment=cn not in encipherment,
                                         key_encipherment=cn in encipherment, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )
        if crl_url:
            builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None,
                reasons=None, crl_issuer=None)]), critical=False)
        if cn in qualified:
            builder = builder.add_extension(x509.UnrecognizedExtension(
                x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3"), _QC_STATEMENTS_DER), critical=False)
        cert = builder.sign(ca_key, hashes.SHA256())
        stem = f"firmatario{index}"
        p12 = folder / f"{stem}.p12"
        p12.write_bytes(pkcs12.serialize_key_and_certificates(
            cn.encode("utf-8"), key, cert, [ca_cert],
            serialization.BestAvailableEncryption(password.encode("utf-8"))))
        p12s[cn] = p12
        key_path = folder / f"{stem}.key.pem"
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        keys[cn] = key_path
        cert_path = folder / f"{stem}.pem"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        certs[cn] = cert_path
    tsa_key = rsa_.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("TSA di prova piaodesk")).issuer_name(ca_subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    tsa_cert_path, tsa_key_path = folder / "tsa.pem", folder / "tsa.key.pem"
    tsa_cert_path.write_bytes(tsa_cert.public_bytes(serialization.Encoding.PEM))
    tsa_key_path.write_bytes(tsa_key.private_bytes(serialization.Encoding.PEM,
                                                   serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
    ca_key_path = folder / "ca.key.pem"
    ca_key_path.write_bytes(ca_key.private_bytes(serialization.Encoding.PEM,
                                                 serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    return PkiProva(ca_pem=ca_pem, p12=p12s, password=password, key_pem=keys, cert_pem=certs,
                    tsa_cert=tsa_cert_path, tsa_key=tsa_key_path, ca_key=ca_key_path)


#: QCStatements with QcCompliance (0.4.0.1862.1.1) and QcSSCD (0.4.0.1862.1.4), DER
_QC_STATEMENTS_DER = bytes.fromhex("3014" "3008060604008e460101" "3008060604008e460104")
