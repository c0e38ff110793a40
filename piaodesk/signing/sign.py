"""PAdES signatures on PDF bytes: bytes in, bytes out.

Approval signatures (never certifying), each one an incremental update, so a
second person can sign the next empty field of the same sheet without breaking
the first signature. The visible stamp shows name, role, place and date
(dd/mm/yyyy HH:MM) inside the field that the report left on the page, or inside
a new field at a page/box chosen by the caller.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields as sig_fields
from pyhanko.sign import signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import TextStampStyle

from ..fsio import atomic_path
from ..paths import resource, user_data_dir
from .errors import SignatureError
from .keys import check_key_usage, common_name, signer_cert

DATE_FORMAT = "%d/%m/%Y %H:%M"


@dataclass(frozen=True)
class FieldInfo:
    """A signature field of a PDF: name, whether it is already signed, where it is."""

    name: str
    signed: bool
    page: int | None  # 0-based, None if the widget is not on a page we can find
    box: tuple[float, float, float, float] | None  # (x1, y1, x2, y2) in points

    @property
    def visible(self) -> bool:
        return bool(self.box and self.box[2] - self.box[0] > 1 and self.box[3] - self.box[1] > 1)


@dataclass(frozen=True)
class SignOptions:
    field: str
    nome: str | None = None  # extra line on the stamp; the certificate holder is always shown
    ruolo: str | None = None  # e.g. "Il Responsabile del Servizio"
    luogo: str | None = None  # e.g. "Comune di Prova"
    motivo: str | None = None  # /Reason, e.g. "Per presa visione"
    page: int | None = None  # 0-based; with box: create the field if missing
    box: tuple[float, float, float, float] | None = None
    tsa: TimeStamper | None = None  # PAdES B-T: timestamp from this service
    lt: bool = False  # PAdES B-LT: add the validation data (DSS) after signing
    fetch: bool = False  # B-LT: fetch CRL/OCSP over the network (else the chain only)


@dataclass(frozen=True)
class SignResult:
    pdf: bytes
    field: str
    signer: str  # the certificate holder (CN)
    signing_time: datetime
    sha256: str  # of the signed PDF, for the audit log
    level: str = "B-B"  # PAdES baseline level reached: B-B, B-T, B-LT
    warnings: tuple[str, ...] = ()  # said to the person, never swallowed


# --------------------------------------------------------------------------- reading


def open_reader(pdf: bytes, what: str = "Il file", *, allow_owner_encrypted: bool = False) -> PdfFileReader:
    """A pyHanko reader, or a SignatureError for files that are not readable PDFs.

    With ``allow_owner_encrypted`` a PDF encrypted with an owner password only (the
    "permissions" encryption many signing tools apply) is opened with the empty user
    password, which is what every viewer does; one that needs a password is refused.
    """
    if not pdf.lstrip()[:5].startswith(b"%PDF-"):
        raise SignatureError(f"{what} non è un PDF.")
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        reader.root  # noqa: B018 - forces the trailer/catalog to be parsed
    except (PdfError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise SignatureError(f"{what} è danneggiato o incompleto (troncato) e non può essere "
                             f"letto come PDF ({exc}).") from None
    if reader.encrypted:
        opened = False
        if allow_owner_encrypted:
            try:
                opened = reader.decrypt(b"").status.name in ("USER", "OWNER")
            except Exception:
                opened = False
        if not opened:
            raise SignatureError(f"{what} è protetto da password (cifrato): togliere la protezione "
                                 "e riprovare.")
    return reader


def signature_fields(pdf: bytes) -> list[FieldInfo]:
    """All signature fields of a PDF, in document order."""
    reader = open_reader(pdf)
    page_of: dict[tuple[int, int], int] = {}
    try:
        for index, page_obj in enumerate(_walk_pages(reader.root["/Pages"])):
            for annot in _annots(page_obj):
                page_of[(annot.idnum, annot.generation)] = index
    except Exception:  # odd page trees: positions are a nicety
        pass
    result = []
    try:
        found = list(sig_fields.enumerate_sig_fields(reader))
    except Exception as exc:
        raise SignatureError(f"I campi di firma del PDF non sono leggibili ({exc}).") from None
    for name, value, field_ref in found:
        widget = field_ref.get_object()
        kids = widget.get("/Kids")
        widget_ref = field_ref
        if kids:
            widget_ref = kids[0]
            widget = widget_ref.get_object()
        box = None
        if "/Rect" in widget:
            x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
            box = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
        page = page_of.get((widget_ref.idnum, widget_ref.generation))
        result.append(FieldInfo(name=str(name), signed=value is not None, page=page, box=box))
    return result


def _walk_pages(node, depth: int = 0):
    if depth > 50:
        return
    if node.get("/Type") == "/Pages" or "/Kids" in node:
        for kid in node["/Kids"]:
            yield from _walk_pages(kid.get_object(), depth + 1)
    else:
        yield node


def _annots(page_obj):
    from pyhanko.pdf_utils import generic

    raw = page_obj.raw_get("/Annots") if "/Annots" in page_obj else None
    if raw is None:
        return []
    if isinstance(raw, generic.IndirectObject):
        raw = raw.get_object()
    return [a for a in raw if isinstance(a, generic.IndirectObject)]


# --------------------------------------------------------------------------- signing




@lru_cache(maxsize=8)
def _font_factory(size: float = 9.0):
    """DejaVu Sans (accents, €) when fontTools/HarfBuzz are there, else the standard Courier.

    pyHanko writes glyph widths in font units as if the font had 1000 units per em, so
    DejaVu (2048) would come out letter-spaced: we use a Latin subset rescaled to 1000,
    built once and cached in the user folder. The factory's size must equal the text
    box's size, or multi-line stamps drift (pyHanko #733).
    """
    try:
        import logging

        from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

        logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
        path = _stamp_font_file()
    except Exception:  # fontTools/HarfBuzz missing or font unreadable: plain Courier
        return None
    return GlyphAccumulatorFactory(str(path), font_size=size)  # type: ignore[arg-type]  # a float works


def _stamp_font_file() -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    src = resource("fonts", "DejaVuSans.ttf")
    stat = src.stat()
    cache = user_data_dir() / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"firma-DejaVuSans-{stat.st_size}-{int(stat.st_mtime)}.ttf"
    if target.is_file():
        return target
    font = TTFont(str(src))
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[*range(0x20, 0x250), 0x20AC, 0x2013, 0x2014, 0x2018, 0x2019,
                                 0x201C, 0x201D, 0x2026, 0x2022])
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    with atomic_path(target) as tmp:
        font.save(str(tmp))
    return target


def _extra_name(opts: SignOptions, holder: str | None) -> str:
    """The --nome line, when given and not the certificate holder's name again."""
    nome = (opts.nome or "").strip()
    if not nome or (holder is not None and nome.casefold() == holder.casefold()):
        return ""
    return nome


#: stamp text sizes tried, largest first: never below 6 pt when the field allows it
STAMP_SIZES = (9, 8, 7, 6)  # whole points: pyHanko's layout works in rationals
MIN_STAMP_SIZE = 6
_TS_SAMPLE = "31/12/2025 23:59"


@lru_cache(maxsize=1)
def _advance_widths() -> dict[int, int] | None:
    """Advance widths (per 1000 em) of the stamp font, by code point; None without the font."""
    try:
        from fontTools.ttLib import TTFont

        font = TTFont(str(_stamp_font_file()))
        hmtx, cmap = font["hmtx"], font.getBestCmap()
        return {cp: hmtx[name][0] for cp, name in cmap.items()}
    except Exception:
        return None


def _leading(size: int) -> int:
    return math.ceil(size * 1.2)


def _text_height(n_lines: int, size: int) -> int:
    """Height of a text box of ``n_lines`` as pyHanko lays it out (leading per line plus descent)."""
    return n_lines * _leading(size) + math.ceil(size / 2)


def text_width(text: str, size: float) -> float:
    widths = _advance_widths()
    text = text.replace("%(ts)s", _TS_SAMPLE).replace("%%", "%")
    if widths is None:  # Courier
        return 0.6 * size * len(text)
    return sum(widths.get(ord(ch), 600) for ch in text) * size / 1000


def _wrap(line: str, width: float, size: float) -> list[str]:
    words, out, current = line.split(" "), [], ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size) > width:
            out.append(current)
            current = word
        else:
            current = candidate
    out.append(current)
    return out


def stamp_lines(opts: SignOptions, holder: str, box: tuple[float, float, float, float] | None
                ) -> tuple[list[str], int, int]:
    """(lines, font size, margin) of the stamp: the largest size from 9 down to 6 pt at which the
    text fits the field, long lines wrapped; the holder on its own line when there is room."""
    def esc(value: str) -> str:
        return value.replace("%", "%%")

    extra = _extra_name(opts, holder)
    tail = ([esc(extra)] if extra else []) + ([esc(opts.ruolo)] if opts.ruolo else []) + \
        [f"{esc(opts.luogo)}, %(ts)s" if opts.luogo else "Data: %(ts)s"]
    roomy = ["Firmato digitalmente da", esc(holder), *tail]
    compact = [f"Firmato digitalmente da {esc(holder)}", *tail]
    if box is None or box[2] - box[0] <= 1:
        return roomy, STAMP_SIZES[0], 6
    w, h = box[2] - box[0], box[3] - box[1]
    for size in STAMP_SIZES:
        for variant, margin in ((roomy, 6), (compact, 3)):
            wrapped = [part for line in variant for part in _wrap(line, w - 2 * margin - 3, size)]
            fits_w = all(text_width(x, size) <= w - 2 * margin - 3 for x in wrapped)
            if fits_w and _text_height(len(wrapped), size) <= h - 2 * margin:
                return wrapped, size, margin
    size = MIN_STAMP_SIZE
    return [part for line in compact for part in _wrap(line, w - 9, size)], size, 3


def stamp_style(opts: SignOptions, holder: str = "", box: tuple[float, float, float, float] | None = None
                ) -> TextStampStyle:
    """Text stamp sized to the field (see :func:`stamp_lines`); pyHanko only shrinks what still
    does not fit, which the caller reports."""
    lines, size, margin = stamp_lines(opts, holder, box)
    font = _font_factory(size)
    leading = _leading(size)
    # no inner padding in the text box: the stamp's margins are the only ones, as measured above
    tight = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MIN,
                                       y_align=layout.AxisAlignment.ALIGN_MID,
                                       margins=layout.Margins(left=0, right=0, top=0, bottom=0))
    box_style = TextBoxStyle(font=font, font_size=size, leading=leading, box_layout_rule=tight) if font \
        else TextBoxStyle(font_size=size, leading=leading, box_layout_rule=tight)
    return TextStampStyle(
        stamp_text="\n".join(lines),
        timestamp_format=DATE_FORMAT,
        text_box_style=box_style,
        border_width=1,
        background=None,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(left=margin + 3, right=margin, top=margin, bottom=margin)),
    )


def stamp_fits(opts: SignOptions, holder: str, box: tuple[float, float, float, float] | None) -> bool:
    """Whether the stamp text fits the field at 6 pt or more."""
    if box is None or box[2] - box[0] <= 1:
        return True
    lines, size, margin = stamp_lines(opts, holder, box)
    w, h = box[2] - box[0], box[3] - box[1]
    return (all(text_width(x, size) <= w - 2 * margin - 3 for x in lines)
            and _text_height(len(lines), size) <= h - 2 * margin)


def sign_pdf(pdf: bytes, signer: Signer, opts: SignOptions) -> SignResult:
    """Sign ``opts.field`` (an existing empty field, or a new one at ``page``/``box``)."""
    fields = signature_fields(pdf)
    by_name = {f.name: f for f in fields}
    existing = by_name.get(opts.field)
    new_field_spec = None
    if existing is not None:
        if existing.signed:
            raise SignatureError(f"Il campo {opts.field!r} è già firmato: scegliere un altro campo.")
    elif opts.box is not None:
        page = opts.page or 0
        n_pages = _page_count(pdf)
        if not 0 <= page < n_pages:
            raise SignatureError(f"Pagina {page + 1} inesistente: il PDF ha {n_pages} pagine.")
        x1, y1, x2, y2 = opts.box
        if x2 - x1 < 20 or y2 - y1 < 10:
            raise SignatureError("Il riquadro della firma è troppo piccolo (almeno 20×10 punti).")
        new_field_spec = sig_fields.SigFieldSpec(
            sig_field_name=opts.field, on_page=page,
            box=(int(x1), int(y1), int(x2), int(y2)))
    else:
        empty = [f.name for f in fields if not f.signed]
        hint = (f"campi liberi: {', '.join(empty)}" if empty
                else "il PDF non ha campi di firma liberi; indicare pagina e riquadro per crearne uno")
        raise SignatureError(f"Campo di firma {opts.field!r} non trovato nel PDF ({hint}).")

    cert = signer_cert(signer)
    check_key_usage(cert)
    holder = common_name(cert.subject)
    extra = _extra_name(opts, holder)
    if opts.nome and not extra:
        opts = replace(opts, nome=None)
    warnings: list[str] = []
    box = existing.box if existing is not None else opts.box
    if not stamp_fits(opts, holder, box):
        warnings.append("Il riquadro della firma è piccolo per il testo del timbro: il testo è "
                        "rimpicciolito sotto i 6 punti (accorciare ruolo o luogo).")
    if extra:
        warnings.append(f"Il nome indicato ({extra}) è diverso dal titolare del certificato "
                        f"({holder}): nel riquadro compaiono entrambi.")
    data, level = _sign_once(pdf, signer, opts, holder, existing, new_field_spec, warnings)
    if opts.lt:
        data = _add_validation_data(data, signer, opts.fetch, warnings)
        level = "B-LT" if level == "B-T" else level
    return SignResult(pdf=data, field=opts.field, signer=holder,
                      signing_time=_last_signing_time(data),
                      sha256=hashlib.sha256(data).hexdigest(), level=level,
                      warnings=tuple(warnings))


def _sign_once(pdf: bytes, signer: Signer, opts: SignOptions, holder: str,
               existing: FieldInfo | None, new_field_spec, warnings: list[str]) -> tuple[bytes, str]:
    """One PAdES signature; with a TSA that cannot be reached, B-B and a warning."""
    if opts.tsa is not None:
        try:
            return _sign_with(pdf, signer, opts, holder, existing, new_field_spec, opts.tsa), "B-T"
        except _TsaFailure as exc:
            warnings.append(f"Marca temporale NON apposta ({exc}): firma senza marca temporale "
                            "(PAdES B-B), la data è quella del computer.")
    return _sign_with(pdf, signer, opts, holder, existing, new_field_spec, None), "B-B"


class _TsaFailure(Exception):
    pass


def _sign_with(pdf: bytes, signer: Signer, opts: SignOptions, holder: str,
               existing: FieldInfo | None, new_field_spec, tsa: TimeStamper | None) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name=opts.field,
        subfilter=sig_fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=opts.motivo or None,
        location=opts.luogo or None,
        name=holder,
        certify=False,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    _keep_pdfa_metadata_consistent(writer)
    box = existing.box if existing is not None else opts.box
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=stamp_style(opts, holder, box),
                                   new_field_spec=new_field_spec, timestamper=tsa)
    text_params = {"ruolo": opts.ruolo or "", "luogo": opts.luogo or "", "signer": holder,
                   "nome": opts.nome or ""}
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=out, appearance_text_params=text_params,
                            existing_fields_only=new_field_spec is None)
    except SigningError as exc:
        raise SignatureError(f"Firma non riuscita: {exc}") from None
    except PdfError as exc:
        raise SignatureError(f"Il PDF non può essere firmato: {exc}") from None
    except (OSError, TimestampRequestError) as exc:
        if tsa is None:
            raise
        raise _TsaFailure(str(exc)) from None
    return out.getvalue()


def _keep_pdfa_metadata_consistent(writer: IncrementalPdfFileWriter) -> None:
    """PDF/A wants /Info and XMP to agree. pyHanko rewrites the XMP producer as its own name
    and appends it to /Info's: with XMP present, /Info's producer becomes pyHanko's name too,
    so both say the same in the signed revision (the creator tool stays piaodesk)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    info_ref = writer.trailer_view.get_value_as_reference("/Info", optional=True) \
        if "/Info" in writer.trailer_view else None
    if info_ref is None or "/Metadata" not in writer.root:
        return
    info = info_ref.get_object()
    if not isinstance(info, generic.DictionaryObject):  # a damaged /Info: left as it is
        return
    if str(info.get("/Producer", "")) != VENDOR:
        info["/Producer"] = generic.TextStringObject(VENDOR)
        writer.mark_update(info_ref)


def _chain_of(signer: Signer) -> list[asn1_x509.Certificate]:
    """The signer's certificate and the CA certificates the signer carries, each once."""
    seen: set[bytes] = set()
    chain = []
    for cert in [signer.signing_cert, *list(signer.cert_registry)]:
        if cert.dump() not in seen:
            seen.add(cert.dump())
            chain.append(cert)
    return chain


def _add_validation_data(pdf: bytes, signer: Signer, fetch: bool, warnings: list[str]) -> bytes:
    """PAdES B-LT: a DSS with the chain and, when they can be fetched, CRLs/OCSP responses."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    embedded = reader.embedded_signatures[-1]
    chain = _chain_of(signer)
    tst = embedded.signer_info["unsigned_attrs"] if embedded.signer_info["unsigned_attrs"] else None
    if tst is not None:  # the TSA's certificates belong to the validation data too
        for attr in tst:
            if attr["type"].native == "signature_time_stamp_token":
                for token in attr["values"]:
                    for c in token["content"]["certificates"] or ():
                        if c.name == "certificate" and c.chosen.dump() not in {x.dump() for x in chain}:
                            chain.append(c.chosen)
    roots = [c for c in chain if c.self_signed in ("maybe", "yes")]
    crls: list = []
    ocsps: list = []
    if fetch and roots:
        vc = ValidationContext(trust_roots=roots, other_certs=chain, allow_fetching=True,
                               revocation_mode="soft-fail")
        try:
            import asyncio

            from pyhanko_certvalidator import CertificateValidator

            asyncio.run(CertificateValidator(signer.signing_cert, validation_context=vc)
                        .async_validate_usage(set()))
        except Exception:  # noqa: S110 - what could be fetched is kept; what is missing is said
            pass
        crls, ocsps = list(vc.crls), list(vc.ocsps)
    missing = []
    if not roots:
        missing.append("certificato della CA radice")
    if not crls and not ocsps:
        missing.append("stato di revoca (CRL/OCSP)" + ("" if fetch else ": fuori linea"))
    if missing:
        warnings.append("Dati di validazione incompleti: manca " + ", ".join(missing) + ".")
    out = io.BytesIO(pdf)
    try:
        DocumentSecurityStore.add_dss(out, embedded.pkcs7_content, certs=chain, crls=crls,
                                      ocsps=ocsps, strict=False)
    except (PdfError, ValueError) as exc:
        raise SignatureError(f"Dati di validazione non aggiunti: {exc}") from None
    return out.getvalue()


# --------------------------------------------------------------------------- output files


SIGNED_SUFFIX = "-firmato"


def default_output(src: Path, field: str, ext: str = ".pdf") -> Path:
    """``scheda-firmato-CAMPO.pdf`` beside the source, never an existing file (``-2``, ``-3``...).

    The stem loses an earlier ``-firmato-…`` suffix, so a second signer's file is
    ``scheda-firmato-Firma_Dipendente.pdf``, not a growing chain of suffixes.
    """
    stem = src.name[: -len(src.suffix)] if src.suffix else src.name
    if stem.lower().endswith(".pdf"):  # x.pdf.p7m
        stem = stem[:-4]
    if SIGNED_SUFFIX in stem:
        stem = stem[: stem.index(SIGNED_SUFFIX)]
    safe_field = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in field) or "firma"
    base = f"{stem}{SIGNED_SUFFIX}-{safe_field}"
    candidate = src.with_name(base + ext)
    counter = 2
    while candidate.exists():
        candidate = src.with_name(f"{base}-{counter}{ext}")
        counter += 1
    return candidate


def newer_revisions(src: Path, data: bytes | None = None) -> list[Path]:
    """PDFs beside ``src`` that continue it (same bytes, then more revisions): signing ``src``
    would start a parallel chain and leave out the signatures those files carry."""
    try:
        data = data if data is not None else src.read_bytes()
        siblings = sorted(p for p in src.parent.iterdir()
                          if p.suffix.lower() == ".pdf" and p != src and p.is_file())
    except OSError:
        return []
    newer = []
    for path in siblings:
        try:
            if path.stat().st_size <= len(data):
                continue
            with path.open("rb") as fh:
                if fh.read(len(data)) == data:
                    newer.append(path)
        except OSError:
            continue
    return newer


def _page_count(pdf: bytes) -> int:
    reader = open_reader(pdf)
    return int(reader.root["/Pages"]["/Count"])


def _last_signing_time(pdf: bytes) -> datetime:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    sig = reader.embedded_signatures[-1]
    ts = sig.self_reported_timestamp
    return ts if ts is not None else datetime.now().astimezone()
