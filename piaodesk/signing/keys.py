"""Where the signing key comes from: a PKCS#12 file (.p12/.pfx) or a smart card/token (PKCS#11).

Both paths return a pyHanko ``Signer``; every failure a person can cause becomes a
:class:`SignatureError` with an Italian message that says what and where.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import core
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .errors import SignatureError

#: Environment variables read by the command line when no terminal is available.
ENV_P12_PASSWORD = "PIAODESK_P12_PASSWORD"
ENV_PKCS11_PIN = "PIAODESK_PKCS11_PIN"


@dataclass(frozen=True)
class CertInfo:
    """What a person needs to recognise a certificate."""

    subject_cn: str
    issuer_cn: str
    serial: int
    not_before: datetime
    not_after: datetime

    @classmethod
    def of(cls, cert: asn1_x509.Certificate) -> CertInfo:
        return cls(
            subject_cn=common_name(cert.subject),
            issuer_cn=common_name(cert.issuer),
            serial=cert.serial_number,
            not_before=cert["tbs_certificate"]["validity"]["not_before"].native,
            not_after=cert["tbs_certificate"]["validity"]["not_after"].native,
        )


def common_name(name: asn1_x509.Name) -> str:
    """CN of an X.509 name, else its readable form."""
    native = name.native
    cn = native.get("common_name")
    if isinstance(cn, list):
        cn = cn[0] if cn else None
    if cn:
        return str(cn)
    given, surname = native.get("given_name"), native.get("surname")
    if given or surname:
        return " ".join(str(p) for p in (given, surname) if p)
    return name.human_friendly


def check_validity(cert: asn1_x509.Certificate, when: datetime | None = None) -> None:
    """Refuse to sign with a certificate that is expired or not yet valid."""
    when = when or datetime.now(UTC)
    info = CertInfo.of(cert)
    if when > info.not_after:
        raise SignatureError(
            f"Il certificato di {info.subject_cn} è scaduto il "
            f"{_local(info.not_after)}: non può essere usato per firmare. "
            "Rinnovare il certificato presso il proprio fornitore (CA).")
    if when < info.not_before:
        raise SignatureError(
            f"Il certificato di {info.subject_cn} sarà valido soltanto dal "
            f"{_local(info.not_before)}: controllare la data e l'ora del computer.")


#: key usages that allow a signature (X.509 digitalSignature / nonRepudiation)
SIGNING_USAGES = frozenset({"digital_signature", "non_repudiation"})
_USAGE_TEXT = {"key_encipherment": "cifratura di chiavi", "data_encipherment": "cifratura di dati",
               "key_agreement": "accordo di chiavi", "key_cert_sign": "firma di certificati",
               "crl_sign": "firma di CRL", "encipher_only": "sola cifratura",
               "decipher_only": "sola decifratura"}
#: ETSI EN 319 412-5 QcCompliance: the certificate is qualified (eIDAS)
QC_COMPLIANCE = "0.4.0.1862.1.1"
#: QcSSCD: the key lives in a qualified signature creation device (smart card)
QC_SSCD = "0.4.0.1862.1.4"


def signer_cert(signer: Signer) -> asn1_x509.Certificate:
    """The signer's certificate; refused with a message when the key came without one."""
    cert = signer.signing_cert
    if cert is None:
        raise SignatureError("La chiave scelta non ha un certificato di firma: impossibile firmare.")
    return cert


def check_key_usage(cert: asn1_x509.Certificate) -> None:
    """Refuse a certificate whose key usage does not allow signing (e.g. keyEncipherment only)."""
    usage = cert.key_usage_value
    if usage is None:  # no extension: any use is allowed
        return
    names = set(usage.native)
    if names & SIGNING_USAGES:
        return
    shown = ", ".join(_USAGE_TEXT.get(n, n) for n in sorted(names)) or "nessuno"
    raise SignatureError(
        f"Il certificato di {common_name(cert.subject)} non è un certificato di firma "
        f"(uso della chiave: {shown}; serve «firma digitale» o «non ripudio»): scegliere il "
        "certificato di firma (sulle carte CNS è l'altro certificato).")


class _QcStatement(core.Sequence):
    _fields = [("statement_id", core.ObjectIdentifier), ("statement_info", core.Any, {"optional": True})]  # noqa: RUF012 (the asn1crypto schema)


class _QcStatements(core.SequenceOf):
    _child_spec = _QcStatement


def qc_statements(cert: asn1_x509.Certificate) -> set[str]:
    """OIDs of the QC statements of a certificate (empty for non-qualified certificates)."""
    for ext in cert["tbs_certificate"]["extensions"] or ():
        if ext["extn_id"].dotted == "1.3.6.1.5.5.7.1.3":
            try:
                return {st["statement_id"].dotted for st in _QcStatements.load(ext["extn_value"].contents)}
            except Exception:  # malformed extension: not recognised as qualified
                return set()
    return set()


def is_qualified(cert: asn1_x509.Certificate) -> bool:
    """A qualified certificate (eIDAS): it carries the QcCompliance statement."""
    return QC_COMPLIANCE in qc_statements(cert)


def check_signing_cert(cert: asn1_x509.Certificate, when: datetime | None = None) -> None:
    """Dates and key usage of a certificate about to sign."""
    check_validity(cert, when)
    check_key_usage(cert)


def _local(dt: datetime) -> str:
    return dt.astimezone().strftime("%d/%m/%Y %H:%M")


# --------------------------------------------------------------------------- PKCS#12


def load_pkcs12(path: str | Path, password: str | bytes | None,
                *, check_dates: bool = True, catena: Sequence[asn1_x509.Certificate] = ()) -> Signer:
    """Signer from a PKCS#12 file; Italian errors for missing file, wrong password, wrong format."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SignatureError(f"File del certificato non trovato: {path}") from None
    except IsADirectoryError:
        raise SignatureError(f"{path} è una cartella, non un file di certificato (.p12/.pfx).") from None
    except OSError as exc:
        raise SignatureError(f"Impossibile leggere il file del certificato {path}: "
                             f"{exc.strerror or exc}") from None
    if isinstance(password, str):
        password = password.encode("utf-8")
    if not _looks_like_pkcs12(data):
        raise SignatureError(
            f"Il file {path.name} non è un certificato PKCS#12 (.p12/.pfx) leggibile: "
            "controllare di aver scelto il file giusto.")
    try:
        key, cert, _others = pkcs12.load_key_and_certificates(data, password or None)
    except ValueError:
        if not password:
            raise SignatureError(
                f"Il certificato {path.name} è protetto da password: inserire la password.") from None
        raise SignatureError(
            f"Password del certificato errata per il file {path.name}: riprovare "
            "(attenzione a maiuscole e minuscole).") from None
    except Exception as exc:  # unsupported algorithms and the like
        raise SignatureError(f"Il certificato {path.name} non può essere letto: {exc}") from None
    if key is None:
        raise SignatureError(f"Il file {path.name} non contiene la chiave privata: "
                             "serve il file .p12/.pfx completo, non il solo certificato.")
    if cert is None:
        raise SignatureError(f"Il file {path.name} non contiene il certificato del firmatario.")
    signer = SimpleSigner.load_pkcs12_data(data, other_certs=list(catena), passphrase=password or None)
    if check_dates:
        check_validity(signer.signing_cert)
    check_key_usage(signer.signing_cert)
    return signer


def _looks_like_pkcs12(data: bytes) -> bool:
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native == "data"
    except Exception:
        return False


# --------------------------------------------------------------------------- PKCS#11


@contextlib.contextmanager
def open_pkcs11(lib_path: str | Path, pin: str | None, *, token_label: str | None = None,
                key_label: str | None = None, check_dates: bool = True,
                catena: Sequence[asn1_x509.Certificate] = ()) -> Iterator[Signer]:
    """Open a session on a smart card/token and yield a signer; the session is closed afterwards.

    Without ``key_label`` the key is chosen automatically: the private key whose certificate
    has the *non repudiation* usage (the signing certificate on Italian CNS/firma cards),
    else the only one present. The signature carries the CA chain: the CA certificates
    found on the token plus ``catena`` (e.g. from ``--catena CA.pem``), the signer's own
    certificate once.
    """
    try:
        import pkcs11
        from pkcs11 import exceptions as p11_exc
        from pyhanko.sign.pkcs11 import PKCS11Signer
    except ImportError:  # pragma: no cover - dependency declared in pyproject
        raise SignatureError("Supporto per smart card non installato (manca python-pkcs11).") from None

    lib_path = Path(lib_path)
    if not lib_path.is_file():
        raise SignatureError(
            f"Libreria PKCS#11 non trovata: {lib_path}. Indicare il file del driver del "
            "lettore/smart card (per esempio libbit4xpki.so, bit4xpki.dll, opensc-pkcs11.so).")
    try:
        lib = pkcs11.lib(str(lib_path))
    except p11_exc.PKCS11Error as exc:
        raise SignatureError(
            f"Impossibile caricare la libreria PKCS#11 {lib_path.name}: {exc}. "
            "Controllare che sia il driver giusto e della stessa architettura (64 bit) "
            "del programma.") from None
    try:
        token = _find_token(lib, token_label)
        session = token.open(user_pin=pin) if pin is not None else token.open()
    except p11_exc.PinIncorrect:
        raise SignatureError("PIN errato: riprovare. Attenzione: dopo alcuni tentativi errati "
                             "la smart card si blocca.") from None
    except p11_exc.PinLocked:
        raise SignatureError("PIN bloccato: la smart card va sbloccata con il PUK "
                             "(programma del fornitore della carta).") from None
    except p11_exc.UserPinNotInitialized:
        raise SignatureError("Il PIN della smart card non è mai stato impostato: usare il programma "
                             "del fornitore della carta.") from None
    except (p11_exc.PinLenRange, p11_exc.PinInvalid):
        raise SignatureError("PIN non valido (lunghezza o caratteri non ammessi dalla carta).") from None
    except (p11_exc.TokenNotPresent, p11_exc.NoSuchToken, p11_exc.DeviceRemoved):
        raise SignatureError("Nessuna smart card inserita nel lettore (o lettore non collegato).") from None
    except p11_exc.PKCS11Error as exc:
        raise SignatureError(f"Errore della smart card: {type(exc).__name__} {exc}".strip()) from None
    try:
        key_id, cert = _choose_key(session, key_label, logged_in=pin is not None)
        if check_dates:
            check_validity(cert)
        check_key_usage(cert)
        chain = _dedupe([*_token_ca_certs(session, cert), *catena], exclude=cert)
        # hash on the PC and let the card do the raw RSA/ECDSA operation: many cards
        # (and SoftHSM for ECDSA) do not offer the combined hash-and-sign mechanisms
        raw = cert.public_key.algorithm in ("rsa", "ec", "dsa")
        signer = PKCS11Signer(session, signing_cert=cert, key_id=key_id,
                              key_label=key_label if key_id is None else None,
                              use_raw_mechanism=raw, other_certs_to_pull=())
        # pyHanko registers the signer's certificate and adds it again when it builds the
        # CMS (asn1crypto objects compare by identity): the registry holds the chain only,
        # so the signature carries each certificate once
        signer._cert_registry = SimpleCertificateStore.from_certs(chain)  # noqa: SLF001
        yield signer
    except p11_exc.UserNotLoggedIn:
        raise SignatureError("La smart card chiede il PIN: inserirlo e riprovare.") from None
    except p11_exc.PKCS11Error as exc:
        raise SignatureError(f"Errore della smart card durante la firma: "
                             f"{type(exc).__name__} {exc}".strip()) from None
    finally:
        with contextlib.suppress(Exception):
            session.close()


def _token_ca_certs(session, signer_cert: asn1_x509.Certificate) -> list[asn1_x509.Certificate]:
    """The CA certificates stored on the token (not the signer's nor other end-entity ones)."""
    from pkcs11 import Attribute, ObjectClass

    found = []
    for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        try:
            cert = asn1_x509.Certificate.load(obj[Attribute.VALUE])
            if cert.ca and cert.dump() != signer_cert.dump():
                found.append(cert)
        except Exception:
            continue
    return found


def _dedupe(certs: Sequence[asn1_x509.Certificate], *,
            exclude: asn1_x509.Certificate | None = None) -> list[asn1_x509.Certificate]:
    seen = {exclude.dump()} if exclude is not None else set()
    result = []
    for cert in certs:
        if cert.dump() not in seen:
            seen.add(cert.dump())
            result.append(cert)
    return result


def load_certificates(paths: Iterable[str | Path], what: str = "Certificato della CA"
                      ) -> list[asn1_x509.Certificate]:
    """X.509 certificates from PEM (one or more per file) or DER files."""
    from asn1crypto import pem

    certs: list[asn1_x509.Certificate] = []
    for raw_path in paths:
        path = Path(raw_path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SignatureError(f"{what} non leggibile: {path} ({exc.strerror or exc}).") from None
        try:
            if pem.detect(data):
                found = [asn1_x509.Certificate.load(der)
                         for kind, _hdr, der in pem.unarmor(data, multiple=True)
                         if kind == "CERTIFICATE"]
            else:
                found = [asn1_x509.Certificate.load(data)]
            for cert in found:
                cert.native  # noqa: B018 - forces a full parse
        except Exception:
            raise SignatureError(f"Il file {path.name} non contiene certificati X.509 "
                                 "(formato PEM o DER).") from None
        if not found:
            raise SignatureError(f"Il file {path.name} non contiene certificati X.509.")
        certs.extend(found)
    return certs


def _find_token(lib, token_label: str | None):
    from pkcs11 import exceptions as p11_exc

    tokens = []
    for slot in lib.get_slots(token_present=True):
        try:
            tokens.append(slot.get_token())
        except p11_exc.PKCS11Error:
            continue
    if token_label:
        for token in tokens:
            if token.label.strip() == token_label.strip():
                return token
        found = ", ".join(repr(t.label.strip()) for t in tokens) or "nessuna"
        raise SignatureError(f"Smart card con etichetta {token_label!r} non trovata "
                             f"(carte presenti: {found}).")
    if not tokens:
        raise SignatureError("Nessuna smart card inserita nel lettore (o lettore non collegato).")
    # initialised tokens first (SoftHSM always shows an empty extra slot)
    tokens.sort(key=lambda t: not bool(t.flags & 0x400))  # CKF_TOKEN_INITIALIZED
    return tokens[0]


def _choose_key(session, key_label: str | None, *, logged_in: bool = True):
    """(key id or None, signing certificate) for the wanted key."""
    from pkcs11 import Attribute, ObjectClass

    not_logged = "La smart card chiede il PIN: inserirlo e riprovare."

    certs: list[tuple[bytes, str, asn1_x509.Certificate]] = []
    for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        try:
            cert = asn1_x509.Certificate.load(obj[Attribute.VALUE])
            certs.append((bytes(obj[Attribute.ID]), str(obj[Attribute.LABEL]), cert))
        except Exception:
            continue
    keys: list[tuple[bytes, str]] = []
    for obj in session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}):
        try:
            keys.append((bytes(obj[Attribute.ID]), str(obj[Attribute.LABEL])))
        except Exception:
            continue
    if not keys and not logged_in:
        raise SignatureError(not_logged)
    if key_label:
        keys = [k for k in keys if k[1] == key_label]
        if not keys:
            raise SignatureError(f"Chiave {key_label!r} non trovata sulla smart card.")
    if not keys:
        raise SignatureError("Sulla smart card non c'è nessuna chiave di firma "
                             "(PIN corretto? carta inizializzata?).")
    pairs = [(kid, cert) for kid, _kl in keys for cid, _cl, cert in certs if cid == kid]
    if not pairs:
        raise SignatureError("Sulla smart card non c'è il certificato della chiave di firma.")

    def score(pair: tuple[bytes, asn1_x509.Certificate]) -> int:
        usage = pair[1].key_usage_value
        names = set(usage.native) if usage is not None else set()
        return 0 if "non_repudiation" in names else 1

    pairs.sort(key=score)
    return pairs[0]


# --------------------------------------------------------------------------- driver presets

#: PKCS#11 modules of the cards and tokens used in Italian public administrations
#: (Bit4id, Athena/ASE, Oberthur/IDEMIA, Thales IDPrime, SafeNet, Incard; OpenSC for CNS).
KNOWN_PKCS11_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("Bit4id (firma digitale, CNS)", "bit4xpki"),
    ("Athena / ASE (CNS)", "asepkcs"),
    ("Athena / ASE (Linux)", "ASEP11"),
    ("Oberthur / IDEMIA", "OCSCryptoki"),
    ("IDEMIA (Linux)", "iidp11"),
    ("Thales IDPrime", "IDPrimePKCS11"),
    ("SafeNet eToken", "eTPKCS11"),
    ("Incard", "incryptoki2"),
    ("OpenSC (CNS, CIE)", "opensc-pkcs11"),
    ("CIE (Carta d'identità elettronica)", "ciepki"),
)

_LIB_DIRS_POSIX = ("/usr/lib", "/usr/lib64", "/usr/local/lib", "/usr/lib/x86_64-linux-gnu",
                   "/usr/lib/aarch64-linux-gnu", "/usr/lib/x86_64-linux-gnu/pkcs11",
                   "/usr/lib/pkcs11", "/Library/OpenSC/lib", "/usr/local/lib/pkcs11")


def known_pkcs11_libraries() -> list[tuple[str, Path]]:
    """(description, path) of the known PKCS#11 drivers installed on this computer."""
    import os
    import sys

    found: list[tuple[str, Path]] = []
    if sys.platform.startswith("win"):
        root = Path(os.environ.get("SystemRoot", r"C:\Windows"))  # noqa: SIM112 (Windows spelling)
        dirs = [root / "System32", Path(os.environ.get("ProgramFiles", r"C:\Program Files"))  # noqa: SIM112
                / "OpenSC Project" / "OpenSC" / "pkcs11"]
        exts = (".dll",)
        prefixes = ("",)
    else:
        dirs = [Path(d) for d in _LIB_DIRS_POSIX]
        exts = (".so", ".dylib")
        prefixes = ("lib", "")
    seen: set[Path] = set()
    for label, stem in KNOWN_PKCS11_LIBRARIES:
        for folder in dirs:
            for prefix in prefixes:
                for ext in exts:
                    candidate = folder / f"{prefix}{stem}{ext}"
                    if candidate in seen:
                        continue
                    seen.add(candidate)
                    try:
                        if candidate.is_file():
                            found.append((label, candidate))
                    except OSError:
                        continue
    return found
