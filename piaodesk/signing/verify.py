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
from dataclasses import field as _field  # SignatureReport has a member named `field`
from datetime import datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.sign import fields as sig_fields
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .cades import P7M_SUFFIX, verify_p7m
from .errors import SignatureError, read_input
from .keys import common_name, is_qualified, load_certificates
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
    "EXPIRED": "non attendibile (certificato scaduto)",
    "OUT_OF_BOUNDS_NO_POE": "non attendibile (certificato scaduto)",
    "OUT_OF_BOUNDS_NOT_REVOKED": "non attendibile (certificato scaduto)",
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
    problems: list[str] = _field(default_factory=list)
    qualified: bool = False  # QcCompliance statement in the signer's certificate
    cert_not_after: datetime | None = None
    printed_name: str | None = None  # the person printed under the field (/TU of the sheet)
    level: str = "B-B"  # PAdES baseline level: B-B, B-T (timestamp), B-LT (+ validation data)
    timestamp: datetime | None = None  # from the TSA, when the signature carries one
    timestamp_ok: bool | None = None
    warnings: list[str] = _field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Signature valid and document not altered (trust apart)."""
        return (self.intact and self.valid and self.docmdp_ok is not False
                and self.modification != "OTHER" and not self.problems)

    @property
    def esito(self) -> str:
        if self.problems:
            return "NON VALIDA: " + "; ".join(self.problems)
        if not self.intact:
            return "NON VALIDA: il documento è stato alterato dopo la firma"
        if not self.valid:
            return "NON VALIDA: la firma non corrisponde al certificato"
        if self.docmdp_ok is False or self.modification == "OTHER":
            return "NON VALIDA: il documento è stato modificato dopo la firma in modo non ammesso"
        if not self.trusted:
            return f"valida, firmatario {self.trust_text}"
        return "VALIDA e attendibile"

    def as_dict(self) -> dict:
        data = asdict(self)
        for key in ("signing_time", "cert_not_after", "timestamp"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value else None
        data["ok"] = self.ok
        data["esito"] = self.esito
        data["testo"] = [{"voce": label, "valore": value} for label, value in signature_lines(self)]
        return data


# --------------------------------------------------------------------------- trust roots


def load_trust_roots(paths: Iterable[str | Path]) -> list[asn1_x509.Certificate]:
    """CA certificates from PEM (one or more per file) or DER files."""
    return load_certificates(paths)


# --------------------------------------------------------------------------- verification


@dataclass
class VerifyResult:
    """Everything ``verify`` says about a file: its signatures and what is missing from it."""

    reports: list[SignatureReport]
    removed: list[str] = field(default_factory=list)  # fields signed in an earlier revision, no more
    encrypted: bool = False  # owner-encrypted (opened without a password)
    validation_data: dict | None = None  # DSS contents, when present
    notes: list[str] = field(default_factory=list)

    @property
    def all_ok(self) -> bool:
        return bool(self.reports) and not self.removed and all(r.ok for r in self.reports)

    def as_dict(self) -> dict:
        return {"firme": [r.as_dict() for r in self.reports], "firme_rimosse": self.removed,
                "cifrato": self.encrypted, "dati_di_validazione": self.validation_data,
                "note": self.notes}


def verify_pdf(pdf: bytes, trust_roots: Sequence[asn1_x509.Certificate] = (),
               *, moment: datetime | None = None) -> list[SignatureReport]:
    """One report per signature, in signing order; an unreadable PDF raises SignatureError."""
    return verify_document(pdf, trust_roots, moment=moment).reports


def verify_document(pdf: bytes, trust_roots: Sequence[asn1_x509.Certificate] = (),
                    *, moment: datetime | None = None) -> VerifyResult:
    """Signatures, removed signatures, validation data of a PDF (owner-encrypted ones too)."""
    reader = open_reader(pdf, allow_owner_encrypted=True)
    with _quiet_pyhanko():
        try:
            filled = list(sig_fields.enumerate_sig_fields(reader, filled_status=True))
        except Exception as exc:
            raise SignatureError(f"Le firme del PDF non sono leggibili ({exc}).") from None
        embedded, broken = [], []
        for fq_name, _value, sig_field in filled:
            try:
                emb = EmbeddedPdfSignature(reader, sig_field.get_object(), fq_name)
                emb.signed_revision  # noqa: B018 - needs a readable /ByteRange
                embedded.append(emb)
            except Exception as exc:
                broken.append(_broken_report(str(fq_name), sig_field.get_object(), exc))
        embedded.sort(key=lambda e: e.signed_revision)
        reports = _verify_all(embedded, trust_roots, moment) + broken
        dss = _dss_summary(reader)
        for rep in reports:
            if rep.level == "B-T" and dss is not None:
                rep.level = "B-LT"
        result = VerifyResult(reports=reports, removed=_removed_signatures(reader, filled),
                              encrypted=bool(reader.encrypted), validation_data=dss)
    if result.encrypted:
        result.notes.append("Il PDF è cifrato con la sola password del proprietario (permessi): "
                            "aperto senza password per la verifica.")
    if dss is not None and dss["mancano"]:
        result.notes.append("Dati di validazione incompleti: manca " + ", ".join(dss["mancano"]) + ".")
    return result


def _broken_report(name: str, sig_field, exc: Exception) -> SignatureReport:
    value = sig_field.get("/V")
    contents = b""
    try:
        contents = bytes(value.get_object().get("/Contents", b"")) if value is not None else b""
    except Exception:  # noqa: S110 - only used to tell blanked from damaged
        pass
    if not contents.strip(b"\x00"):
        problem = BLANKED
    else:
        problem = f"firma illeggibile o danneggiata ({type(exc).__name__}: {exc})"
    return SignatureReport(
        field=name, signer="(sconosciuto)", issuer="", signing_time=None, intact=False,
        valid=False, trusted=False, trust_text="non verificabile", coverage="unclear",
        coverage_text="non determinabile", modified_after=False, modification=None,
        modification_text="non determinabile", docmdp_ok=None, bottom_line=False,
        problems=[problem])


def _removed_signatures(reader, filled) -> list[str]:
    """Fields signed in some earlier revision that are no longer signed (or no longer there)."""
    now = {str(name) for name, _v, _f in filled}
    removed: list[str] = []
    try:
        total = reader.xrefs.total_revisions
    except Exception:
        return removed
    for revision in range(total - 1):
        try:
            hist = reader.get_historical_resolver(revision)
            root = hist.root
            fields = root["/AcroForm"]["/Fields"] if "/AcroForm" in root else []
            for ref in fields:
                fld = ref.get_object()
                if fld.get("/FT") == "/Sig" and fld.get("/V") is not None:
                    name = str(fld.get("/T"))
                    if name not in now and name not in removed:
                        removed.append(name)
        except Exception:
            continue
    return removed


def _dss_summary(reader) -> dict | None:
    """What the document security store holds (PAdES B-LT) and what it lacks."""
    root = reader.root
    if "/DSS" not in root:
        return None
    dss = root["/DSS"]
    certs = [asn1_x509.Certificate.load(c.get_object().data) for c in dss.get("/Certs", [])]
    n_crl, n_ocsp = len(dss.get("/CRLs", [])), len(dss.get("/OCSPs", []))
    missing = []
    if not any(c.self_signed in ("maybe", "yes") for c in certs):
        missing.append("certificato della CA radice")
    if not n_crl and not n_ocsp:
        missing.append("stato di revoca (CRL/OCSP)")
    return {"certificati": [common_name(c.subject) for c in certs], "crl": n_crl,
            "ocsp": n_ocsp, "mancano": missing}


def _verify_all(embedded, trust_roots: Sequence[asn1_x509.Certificate] = (),
                moment: datetime | None = None) -> list[SignatureReport]:
    key_usage = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"},
                                    match_all_key_usages=False)
    reports = []
    for sig in embedded:
        vc = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False,
                               revocation_mode="soft-fail", moment=moment)
        rep = _report(sig, vc, key_usage)
        _honest_expiry(rep, sig, trust_roots, key_usage, moment)
        rep.printed_name = _printed_name(sig)
        if rep.printed_name and rep.signer and rep.printed_name.casefold() != rep.signer.casefold():
            rep.warnings.append(f"il nome stampato sotto il campo ({rep.printed_name}) è diverso dal "
                                f"titolare del certificato ({rep.signer})")
        if rep.name and rep.signer and rep.name.casefold() != rep.signer.casefold():
            rep.warnings.append(f"il nome dichiarato nella firma ({rep.name}) è diverso dal "
                                f"titolare del certificato ({rep.signer})")
        reports.append(rep)
    return reports


def _printed_name(sig) -> str | None:
    try:
        return _opt_str(sig.sig_field.get("/TU")) or None
    except Exception:
        return None


def _honest_expiry(rep: SignatureReport, sig, trust_roots, key_usage, moment) -> None:
    """An expired certificate: valid when signed (proved by a timestamp, or only claimed)?"""
    if rep.trusted or rep.cert_not_after is None or "scaduto" not in rep.trust_text:
        return
    expired_on = format_time(rep.cert_not_after)
    when = rep.timestamp if rep.timestamp_ok else rep.signing_time
    if when is None or when > rep.cert_not_after:
        rep.trust_text = f"non attendibile (certificato scaduto il {expired_on}, prima della firma)"
        return
    vc = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False,
                           revocation_mode="soft-fail", moment=when)
    try:
        status = validate_pdf_signature(sig, signer_validation_context=vc, key_usage_settings=key_usage)
        valid_then = bool(status.trusted)
    except Exception:
        valid_then = False
    if not valid_then:
        rep.trust_text = f"non attendibile (certificato scaduto il {expired_on})"
    elif rep.timestamp_ok:
        rep.trusted = True
        rep.trust_text = (f"attendibile: certificato valido alla data della marca temporale "
                          f"({format_time(when)}), scaduto dopo, il {expired_on}")
    else:
        rep.trust_text = (f"certificato valido alla data della firma dichiarata ({format_time(when)}), "
                          f"scaduto il {expired_on}: senza marca temporale la data non è provata")


def _report(sig, vc: ValidationContext, key_usage: KeyUsageConstraints) -> SignatureReport:
    field_name = str(sig.field_name or "(senza nome)")
    sig_obj = sig.sig_object
    reason = _opt_str(sig_obj.get("/Reason"))
    location = _opt_str(sig_obj.get("/Location"))
    name = _opt_str(sig_obj.get("/Name"))
    subfilter = _opt_str(sig_obj.get("/SubFilter"))
    qualified, not_after = False, None
    try:
        cert = sig.signer_cert
        signer, issuer = common_name(cert.subject), common_name(cert.issuer)
        qualified = is_qualified(cert)
        not_after = cert["tbs_certificate"]["validity"]["not_after"].native
    except Exception:
        signer, issuer = name or "(sconosciuto)", ""
    try:
        status = validate_pdf_signature(sig, signer_validation_context=vc,
                                        key_usage_settings=key_usage)
    except Exception as exc:  # malformed CMS, broken byte range...
        return SignatureReport(
            field=field_name, signer=signer, issuer=issuer,
            qualified=qualified, cert_not_after=not_after,
            signing_time=_claimed_time(sig), intact=False, valid=False, trusted=False,
            trust_text="non verificabile", coverage="unclear", coverage_text="non determinabile",
            modified_after=False, modification=None, modification_text="non determinabile",
            docmdp_ok=None, bottom_line=False, reason=reason, location=location, name=name,
            subfilter=subfilter,
            problems=[BLANKED if _is_blank(sig_obj) else
                      f"firma illeggibile o danneggiata ({type(exc).__name__}: {exc})"])
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
    ts_status = getattr(status, "timestamp_validity", None)
    blanked = [BLANKED] if _is_blank(sig_obj) else []
    return SignatureReport(
        qualified=qualified, cert_not_after=not_after,
        level="B-T" if ts_status is not None else "B-B",
        timestamp=ts_status.timestamp if ts_status is not None else None,
        timestamp_ok=(bool(ts_status.intact and ts_status.valid) if ts_status is not None else None),
        field=field_name, signer=signer, issuer=issuer, signing_time=signing_time,
        intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted),
        trust_text=trust_text,
        coverage=COVERAGE_CODE.get(coverage, "unclear") if coverage is not None else "unclear",
        coverage_text=COVERAGE_TEXT.get(coverage, "non determinabile") if coverage is not None
        else "non determinabile",
        modified_after=modified_after, modification=modification,
        modification_text=modification_text, docmdp_ok=status.docmdp_ok,
        bottom_line=bool(status.bottom_line), reason=reason, location=location, name=name,
        subfilter=subfilter, problems=blanked)


BLANKED = "firma cancellata: il contenuto della firma è stato svuotato o azzerato"


def _is_blank(sig_obj) -> bool:
    try:
        return not bytes(sig_obj.get("/Contents", b"")).strip(b"\x00")
    except Exception:
        return False


@contextlib.contextmanager
def _quiet_pyhanko():
    """pyHanko logs a traceback for every untrusted chain: that is a result here, not an error."""
    logger = logging.getLogger("pyhanko")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _claimed_time(sig) -> datetime | None:
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
    return format_result(VerifyResult(reports=list(reports)), trust_given=trust_given)


def signature_lines(rep: SignatureReport) -> list[tuple[str, str]]:
    """(label, text) of one signature, as printed; ``as_dict`` carries the same pairs."""
    rows = [("Firmatario", rep.signer + (f" (emesso da {rep.issuer})" if rep.issuer else "")),
            ("Certificato", ("qualificato (eIDAS)" if rep.qualified else "non qualificato")
             + (f", valido fino al {format_time(rep.cert_not_after)}" if rep.cert_not_after else ""))]
    if rep.printed_name:
        rows.append(("Nome sul foglio", rep.printed_name))
    rows.append(("Data della firma", f"{format_time(rep.signing_time)} (orologio del computer del firmatario)"))
    if rep.timestamp:
        rows.append(("Marca temporale", format_time(rep.timestamp) + ("" if rep.timestamp_ok else " NON VALIDA")))
    rows.append(("Livello", rep.level if rep.level.startswith("CAdES") else f"PAdES {rep.level}"))
    if rep.reason:
        rows.append(("Motivo", rep.reason))
    if rep.location:
        rows.append(("Luogo", rep.location))
    rows += [
        ("Integrità", "integra" if rep.intact else "NON INTEGRA (documento alterato)"),
        ("Firma", "valida" if rep.valid and rep.intact else "NON VALIDA"),
        ("Attendibilità", rep.trust_text),
        ("Copertura", rep.coverage_text),
        ("Modifiche dopo", rep.modification_text),
        ("Esito", rep.esito),
    ]
    rows += [("Attenzione", w) for w in rep.warnings]
    return rows


def format_result(result: VerifyResult, *, trust_given: bool) -> str:
    """Plain Italian text: one block per signature, then removed signatures and notes.

    Every line here has its counterpart in :meth:`VerifyResult.as_dict` (``--json``).
    """
    reports = result.reports
    lines = [f"Firme digitali nel documento: {len(reports)}" if reports
             else "Il PDF non contiene firme digitali."]
    for index, rep in enumerate(reports, start=1):
        lines += ["", f"Firma {index} — campo {rep.field}"]
        lines += [f"  {label + ':':<18} {value}" for label, value in signature_lines(rep)]
    for name in result.removed:
        lines += ["", f"FIRMA RIMOSSA: il campo {name} era firmato in una versione precedente del "
                      "documento e ora non lo è più."]
    dss = result.validation_data
    if dss is not None:
        lines += ["", f"Dati di validazione (DSS): {len(dss['certificati'])} certificati "
                      f"({', '.join(dss['certificati'])}), {dss['crl']} CRL, {dss['ocsp']} risposte OCSP."]
    if result.notes:
        lines += [""] + [f"Nota: {n}" for n in result.notes]
    if not trust_given and any(not r.trusted for r in reports):
        lines += ["", "Nota: " + NO_TRUST_NOTE]
    return "\n".join(lines)


NO_TRUST_NOTE = ("nessuna CA fidata indicata (--trust CA.pem): l'identità dei firmatari "
                 "non è stata verificata.")


def verify_file(path: str | Path, trust: Iterable[str | Path] = ()) -> VerifyResult:
    path = Path(path)
    data = read_input(path)
    roots = load_trust_roots(trust)
    if path.suffix.lower() == P7M_SUFFIX or (not data.lstrip()[:5].startswith(b"%PDF-")
                                            and data.lstrip()[:1] in (b"\x30", b"M", b"-")):
        content, report = verify_p7m(data, roots, f"Il file {path.name}")
        kind = "PDF" if content.startswith(b"%PDF-") else "dati"
        return VerifyResult(reports=[report], notes=[
            f"Busta CAdES ({report.level}): contiene {len(content):,} byte di {kind}".replace(",", ".")
            + (f" ({path.name[:-len(P7M_SUFFIX)]})" if path.suffix.lower() == P7M_SUFFIX else "") + "."])
    try:
        return verify_document(data, roots)
    except SignatureError as exc:
        raise SignatureError(str(exc).replace("Il file", f"Il file {path.name}", 1)) from None
