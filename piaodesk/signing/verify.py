"""Check the signatures of any PDF: ours, or one signed elsewhere (Dike, GoSign, ArubaSign...).

For each signature: field, signer, signing time, whether the signed bytes are intact,
whether the signature is cryptographically valid, whether the signer is trusted
(against the CA certificates given, offline), how much of the file it covers and
what changed after signing. Everything a person reads is Italian.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .errors import SignatureError
from .keys import common_name, load_certificates
from .sign import DATE_FORMAT, open_reader

COVERAGE_TEXT = {
    SignatureCoverageLevel.ENTIRE_FILE: "tutto il documento",
    SignatureCoverageLevel.ENTIRE_REVISION: "l'intera revisione firmata (aggiunte successive)",
    SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: "parziale",
    SignatureCoverageLevel.UNCLEAR: "parziale (non chiara)",
}
COVERAGE_CODE = {
    SignatureCoverageLevel.ENTIRE_FILE: "entire_file",
    SignatureCoverageLevel.ENTIRE_REVISION: "entire_revision",
    SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: "partial",
    SignatureCoverageLevel.UNCLEAR: "unclear",
}
MODIFICATION_TEXT = {
    ModificationLevel.NONE: "nessuna",
    ModificationLevel.LTA_UPDATES: "solo dati di validazione/marche temporali (ammesse)",
    ModificationLevel.FORM_FILLING: "solo altre firme o campi compilati (ammesse)",
    ModificationLevel.ANNOTATIONS: "annotazioni/commenti aggiunti",
    ModificationLevel.OTHER: "modifiche al contenuto NON ammesse",
}
TRUST_TEXT = {
    "NO_CERTIFICATE_CHAIN_FOUND": "non attendibile (CA non fidata)",
    "CHAIN_CONSTRAINTS_FAILURE": "non attendibile (catena di certificati non valida)",
    "CERTIFICATE_CHAIN_GENERAL_FAILURE": "non attendibile (catena di certificati non valida)",
    "EXPIRED": "non attendibile (certificato scaduto al momento della firma)",
    "OUT_OF_BOUNDS_NO_POE": "non attendibile (certificato scaduto al momento della firma)",
    "OUT_OF_BOUNDS_NOT_REVOKED": "non attendibile (certificato scaduto al momento della firma)",
    "NOT_YET_VALID": "non attendibile (certificato non ancora valido alla data della firma)",
    "REVOKED": "non attendibile (certificato revocato)",
    "REVOKED_NO_POE": "non attendibile (certificato revocato)",
    "REVOKED_CA_NO_POE": "non attendibile (certificato della CA revocato)",
    "SIG_CONSTRAINTS_FAILURE": "non attendibile (uso della chiave non ammesso per la firma)",
    "TRY_LATER": "non verificabile ora (informazioni di revoca mancanti)",
}
NOT_TRUSTED = "non attendibile (CA non fidata)"


@dataclass
class SignatureReport:
    field: str
    signer: str  # CN of the signer's certificate
    issuer: str
    signing_time: datetime | None  # claimed by the signer (PC clock, no TSA)
    intact: bool  # the signed bytes were not changed
    valid: bool  # the cryptographic signature is correct
    trusted: bool  # chain up to one of the trust roots
    trust_text: str
    coverage: str  # COVERAGE_CODE value
    coverage_text: str
    modified_after: bool  # the file has revisions after this signature
    modification: str | None  # ModificationLevel name, None when nothing was added
    modification_text: str
    docmdp_ok: bool | None
    bottom_line: bool  # pyHanko's overall judgement (includes trust)
    reason: str | None = None
    location: str | None = None
    name: str | None = None  # /Name written by the signing software
    subfilter: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Signature valid and document not altered (trust apart)."""
        return (self.intact and self.valid and self.docmdp_ok is not False
                and self.modification != "OTHER" and not self.problems)

    @property
    def esito(self) -> str:
        if not self.intact:
            return "NON VALIDA: il documento è stato alterato dopo la firma"
        if not self.valid:
            return "NON VALIDA: la firma non corrisponde al certificato"
        if self.problems:
            return "NON VALIDA: " + "; ".join(self.problems)
        if self.docmdp_ok is False or self.modification == "OTHER":
            return "NON VALIDA: il documento è stato modificato dopo la firma in modo non ammesso"
        if not self.trusted:
            return f"valida, firmatario {self.trust_text}"
        return "VALIDA e attendibile"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["signing_time"] = self.signing_time.isoformat() if self.signing_time else None
        data["ok"] = self.ok
        data["esito"] = self.esito
        return data


# --------------------------------------------------------------------------- trust roots


def load_trust_roots(paths: Iterable[str | Path]) -> list[asn1_x509.Certificate]:
    """CA certificates from PEM (one or more per file) or DER files."""
    return load_certificates(paths)


# --------------------------------------------------------------------------- verification


def verify_pdf(pdf: bytes, trust_roots: Sequence[asn1_x509.Certificate] = (),
               *, moment: datetime | None = None) -> list[SignatureReport]:
    """One report per signature, in signing order; an unreadable PDF raises SignatureError."""
    reader = open_reader(pdf)
    try:
        embedded = list(reader.embedded_signatures)
    except Exception as exc:
        raise SignatureError(f"Le firme del PDF non sono leggibili ({exc}).") from None
    with _quiet_pyhanko():
        return _verify_all(embedded, trust_roots, moment)


def _verify_all(embedded, trust_roots: Sequence[asn1_x509.Certificate] = (),
                moment: datetime | None = None) -> list[SignatureReport]:  # type: ignore[no-untyped-def]
    key_usage = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"},
                                    match_all_key_usages=False)
    reports = []
    for sig in embedded:
        vc = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False,
                               revocation_mode="soft-fail", moment=moment)
        reports.append(_report(sig, vc, key_usage))
    return reports


def _report(sig, vc: ValidationContext, key_usage: KeyUsageConstraints) -> SignatureReport:  # type: ignore[no-untyped-def]
    field_name = str(sig.field_name or "(senza nome)")
    sig_obj = sig.sig_object
    reason = _opt_str(sig_obj.get("/Reason"))
    location = _opt_str(sig_obj.get("/Location"))
    name = _opt_str(sig_obj.get("/Name"))
    subfilter = _opt_str(sig_obj.get("/SubFilter"))
    try:
        cert = sig.signer_cert
        signer, issuer = common_name(cert.subject), common_name(cert.issuer)
    except Exception:
        signer, issuer = name or "(sconosciuto)", ""
    try:
        status = validate_pdf_signature(sig, signer_validation_context=vc,
                                        key_usage_settings=key_usage)
    except Exception as exc:  # malformed CMS, broken byte range...
        return SignatureReport(
            field=field_name, signer=signer, issuer=issuer,
            signing_time=_claimed_time(sig), intact=False, valid=False, trusted=False,
            trust_text="non verificabile", coverage="unclear", coverage_text="non determinabile",
            modified_after=False, modification=None, modification_text="non determinabile",
            docmdp_ok=None, bottom_line=False, reason=reason, location=location, name=name,
            subfilter=subfilter,
            problems=[f"firma illeggibile o danneggiata ({type(exc).__name__}: {exc})"])
    coverage = status.coverage
    level = status.modification_level
    modified_after = coverage is not SignatureCoverageLevel.ENTIRE_FILE
    if level is None:
        modification = None
        modification_text = "nessuna" if not modified_after else "non determinabile"
    else:
        modification = level.name
        modification_text = MODIFICATION_TEXT.get(level, level.name)
    if status.trusted:
        trust_text = "attendibile"
    elif not (status.intact and status.valid):
        trust_text = "non verificabile (firma non valida)"
    else:
        indic = status.trust_problem_indic
        trust_text = TRUST_TEXT.get(getattr(indic, "name", ""), NOT_TRUSTED)
    signing_time = status.signer_reported_dt or _claimed_time(sig)
    return SignatureReport(
        field=field_name, signer=signer, issuer=issuer, signing_time=signing_time,
        intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted),
        trust_text=trust_text,
        coverage=COVERAGE_CODE.get(coverage, "unclear") if coverage is not None else "unclear",
        coverage_text=COVERAGE_TEXT.get(coverage, "non determinabile") if coverage is not None
        else "non determinabile",
        modified_after=modified_after, modification=modification,
        modification_text=modification_text, docmdp_ok=status.docmdp_ok,
        bottom_line=bool(status.bottom_line), reason=reason, location=location, name=name,
        subfilter=subfilter)


@contextlib.contextmanager
def _quiet_pyhanko():  # type: ignore[no-untyped-def]
    """pyHanko logs a traceback for every untrusted chain: that is a result here, not an error."""
    logger = logging.getLogger("pyhanko")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _claimed_time(sig) -> datetime | None:  # type: ignore[no-untyped-def]
    try:
        return sig.self_reported_timestamp
    except Exception:
        return None


def _opt_str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text[1:] if text.startswith("/") else text


# --------------------------------------------------------------------------- presentation


def format_time(value: datetime | None) -> str:
    if value is None:
        return "non indicata"
    return value.astimezone().strftime(DATE_FORMAT)


def format_reports(reports: Sequence[SignatureReport], *, trust_given: bool) -> str:
    """Plain Italian text, one block per signature."""
    if not reports:
        return "Il PDF non contiene firme digitali."
    lines = [f"Firme digitali nel documento: {len(reports)}"]
    for index, rep in enumerate(reports, start=1):
        lines += [
            "",
            f"Firma {index} — campo {rep.field}",
            f"  Firmatario:        {rep.signer}" + (f" (emesso da {rep.issuer})" if rep.issuer else ""),
            f"  Data della firma:  {format_time(rep.signing_time)} (orologio del computer del firmatario)",
        ]
        if rep.reason:
            lines.append(f"  Motivo:            {rep.reason}")
        if rep.location:
            lines.append(f"  Luogo:             {rep.location}")
        lines += [
            f"  Integrità:         {'integra' if rep.intact else 'NON INTEGRA (documento alterato)'}",
            f"  Firma:             {'valida' if rep.valid and rep.intact else 'NON VALIDA'}",
            f"  Attendibilità:     {rep.trust_text}",
            f"  Copertura:         {rep.coverage_text}",
            f"  Modifiche dopo:    {rep.modification_text}",
            f"  Esito:             {rep.esito}",
        ]
    if not trust_given and any(not r.trusted for r in reports):
        lines += ["", "Nota: nessuna CA fidata indicata (--trust CA.pem): l'identità dei firmatari "
                      "non è stata verificata."]
    return "\n".join(lines)


def verify_file(path: str | Path, trust: Iterable[str | Path] = ()) -> list[SignatureReport]:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SignatureError(f"File non trovato: {path}") from None
    except OSError as exc:
        raise SignatureError(f"Impossibile leggere {path}: {exc.strerror or exc}") from None
    roots = load_trust_roots(trust)
    try:
        return verify_pdf(data, roots)
    except SignatureError as exc:
        raise SignatureError(str(exc).replace("Il file", f"Il file {path.name}", 1)) from None
