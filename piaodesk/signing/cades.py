"""CAdES signatures (``.p7m``): the signed file wrapped in a CMS envelope, as Italian offices exchange.

``sign_p7m`` makes a CAdES-BES (CAdES-T with a timestamp service) attached signature
in DER; ``verify_p7m`` checks one (DER or Base64, as some tools write) and gives back
the content with a :class:`~piaodesk.signing.verify.SignatureReport`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii

from asn1crypto import cms
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.validation.generic_cms import async_validate_cms_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

from .errors import SignatureError
from .keys import check_key_usage, common_name, is_qualified

P7M_SUFFIX = ".p7m"


def sign_p7m(data: bytes, signer: Signer, tsa: TimeStamper | None = None) -> bytes:
    """The DER of an attached CAdES signature of ``data``."""
    check_key_usage(signer.signing_cert)
    try:
        ci = asyncio.run(signer.async_sign_general_data(
            data, "sha256", detached=False, use_cades=True, timestamper=tsa))
    except SigningError as exc:
        raise SignatureError(f"Firma CAdES non riuscita: {exc}") from None
    except OSError as exc:
        raise SignatureError(f"Firma CAdES non riuscita (marca temporale: {exc}).") from None
    return ci.dump()


def load_p7m(raw: bytes, name: str = "Il file") -> cms.SignedData:
    data = raw
    if raw.lstrip()[:1] != b"\x30":  # Base64 p7m, with or without PEM armour
        text = b"".join(line for line in raw.splitlines() if not line.startswith(b"-----"))
        try:
            data = base64.b64decode(text, validate=False)
        except (binascii.Error, ValueError):
            data = b""
    try:
        ci = cms.ContentInfo.load(data)
        if ci["content_type"].native != "signed_data":
            raise ValueError("non è una busta firmata")
        signed = ci["content"]
        signed.native  # noqa: B018 - forces a full parse
    except Exception:
        raise SignatureError(f"{name} non è una busta CAdES (.p7m) leggibile.") from None
    return signed


def verify_p7m(raw: bytes, trust_roots=(), name: str = "Il file"):
    """(content, SignatureReport) of a .p7m."""
    from .verify import NOT_TRUSTED, TRUST_TEXT, SignatureReport

    signed = load_p7m(raw, name)
    content = signed["encap_content_info"]["content"]
    if content.native is None:
        raise SignatureError(f"{name} è una firma CAdES staccata (senza contenuto): serve il file firmato.")
    vc = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False, revocation_mode="soft-fail")
    key_usage = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"},
                                    match_all_key_usages=False)
    signer_info = signed["signer_infos"][0]
    unsigned = signer_info["unsigned_attrs"]
    level = "CAdES-T" if unsigned and any(
        a["type"].native == "signature_time_stamp_token" for a in unsigned) else "CAdES-BES"
    try:
        status = asyncio.run(async_validate_cms_signature(signed, validation_context=vc,
                                                          key_usage_settings=key_usage))
    except Exception as exc:
        raise SignatureError(f"La firma di {name} non è verificabile ({exc}).") from None
    cert = status.signing_cert
    trust = "attendibile" if status.trusted else TRUST_TEXT.get(
        getattr(status.trust_problem_indic, "name", ""), NOT_TRUSTED)
    report = SignatureReport(
        field="(busta CAdES)", signer=common_name(cert.subject), issuer=common_name(cert.issuer),
        signing_time=_claimed(signed), intact=bool(status.intact), valid=bool(status.valid),
        trusted=bool(status.trusted), trust_text=trust, coverage="entire_file",
        coverage_text="tutto il contenuto", modified_after=False, modification=None,
        modification_text="nessuna", docmdp_ok=None,
        bottom_line=bool(status.intact and status.valid and status.trusted),
        qualified=is_qualified(cert), cert_not_after=cert["tbs_certificate"]["validity"]["not_after"].native,
        level=level)
    return bytes(content.native), report


def _claimed(signed: cms.SignedData):
    for attr in signed["signer_infos"][0]["signed_attrs"] or ():
        if attr["type"].native == "signing_time":
            return attr["values"][0].native
    return None
