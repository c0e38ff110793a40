"""Signing one file or many with the same key: outputs that never overwrite, atomic writes, a summary.

Used by ``piaodesk sign`` (one file, several, or ``--cartella``) and by the Firma
dialog: the key (PKCS#12 or smart card session) is opened once by the caller, so
a whole folder costs one PIN entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyhanko.sign.signers.pdf_cms import Signer

from ..fsio import atomic_write_bytes, describe_os_error
from .cades import P7M_SUFFIX, sign_p7m
from .errors import SignatureError, read_input
from .keys import common_name, signer_cert
from .sign import SignOptions, default_output, newer_revisions, sign_pdf, signature_fields

FORMATS = ("pades", "p7m")


@dataclass
class BatchItem:
    source: Path
    status: str  # "firmato", "saltato", "errore"
    message: str
    output: Path | None = None
    warnings: tuple[str, ...] = ()
    level: str = ""
    sha256: str = ""  # of the signed file, for the audit log


@dataclass
class BatchSummary:
    items: list[BatchItem] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def text(self) -> str:
        return (f"Riepilogo: {self.count('firmato')} firmati, {self.count('saltato')} saltati, "
                f"{self.count('errore')} con errori (su {len(self.items)}).")


def output_for(src: Path, field_name: str, *, out: Path | None = None, overwrite: bool = False,
               fmt: str = "pades") -> Path:
    """Where a signed copy goes: ``out`` (refused if it exists, unless ``overwrite``) or a new name."""
    if out is not None:
        if out.exists() and not overwrite:
            raise SignatureError(f"Il file {out} esiste già: scegliere un altro nome oppure usare "
                                 "--sovrascrivi (la firma che contiene andrebbe persa).")
        return out
    if fmt == "p7m":
        candidate = src.with_name(src.name + P7M_SUFFIX)
        counter = 2
        while candidate.exists():
            candidate = src.with_name(f"{src.stem}-{counter}{src.suffix}{P7M_SUFFIX}")
            counter += 1
        return candidate
    return default_output(src, field_name)


def sign_file(src: Path, signer: Signer, opts: SignOptions, *, out: Path | None = None,
              overwrite: bool = False, fmt: str = "pades") -> BatchItem:
    """Sign one file and write the result atomically; every problem is in the returned item."""
    data = read_input(src)
    warnings: list[str] = []
    if fmt == "pades":
        newer = newer_revisions(src, data)
        if newer:
            warnings.append(f"{src.name} è una versione precedente di "
                            f"{', '.join(p.name for p in newer)}: la firma non conterrà le firme "
                            "successive (firmare il file più recente).")
    target = output_for(src, opts.field, out=out, overwrite=overwrite, fmt=fmt)
    if fmt == "p7m":
        signed, level = sign_p7m(data, signer, opts.tsa), "CAdES-T" if opts.tsa else "CAdES-BES"
        what = f"Imbustato in .p7m da {common_name(signer_cert(signer).subject)}"
    else:
        result = sign_pdf(data, signer, opts)
        signed, level = result.pdf, f"PAdES {result.level}"
        what = f"Firmato il campo {result.field} da {result.signer}"
        warnings += result.warnings
    try:
        atomic_write_bytes(target, signed)
    except OSError as exc:
        raise SignatureError(f"File firmato non scritto: {describe_os_error(exc, target)}") from None
    return BatchItem(src, "firmato", f"{what} ({level}): {target}", target, tuple(warnings), level,
                     hashlib.sha256(signed).hexdigest())


def pdfs_in(folder: Path) -> list[Path]:
    """The PDFs of a folder (not its sub-folders), by name."""
    if not folder.is_dir():
        raise SignatureError(f"Cartella non trovata: {folder}")
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".pdf")


def sign_many(paths: Sequence[Path], signer: Signer, opts: SignOptions, *, out_dir: Path | None = None,
              fmt: str = "pades", skip_older: bool = True,
              on_progress: Callable[[int, int, BatchItem], None] | None = None) -> BatchSummary:
    """Sign every file with the same signer. Files without the empty field are skipped (and said),
    as are older revisions of files in the same list; one failure does not stop the others."""
    summary = BatchSummary()
    listed = set(paths)
    total = len(paths)
    for index, src in enumerate(paths, start=1):
        item = _one(src, signer, opts, listed, out_dir, fmt, skip_older)
        summary.items.append(item)
        if on_progress is not None:
            on_progress(index, total, item)
    return summary


def _one(src: Path, signer: Signer, opts: SignOptions, listed: set[Path], out_dir: Path | None,
         fmt: str, skip_older: bool) -> BatchItem:
    try:
        if fmt == "pades":
            fields = {f.name: f for f in signature_fields(src.read_bytes())}
            fld = fields.get(opts.field)
            if fld is None and opts.box is None:
                return BatchItem(src, "saltato", f"saltato: nessun campo {opts.field}")
            if fld is not None and fld.signed:
                return BatchItem(src, "saltato", f"saltato: campo {opts.field} già firmato")
            if skip_older:
                newer = [p for p in newer_revisions(src) if p in listed]
                if newer:
                    return BatchItem(src, "saltato", f"saltato: versione precedente di {newer[0].name}")
        # a new name in the output folder too: a batch never overwrites
        out = output_for(out_dir / src.name, opts.field, fmt=fmt) if out_dir is not None else None
        return sign_file(src, signer, opts, out=out, fmt=fmt)
    except SignatureError as exc:
        return BatchItem(src, "errore", f"errore: {exc}")
