"""PDF tampering shared by the signing tests (CLI and window)."""

from __future__ import annotations

import io


def remove_signature_value(pdf: bytes, field: str) -> bytes:
    """An incremental update that takes the signature value (/V) off ``field``: a removed signature."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for ref in w.root["/AcroForm"]["/Fields"]:
        fld = ref.get_object()
        if fld["/T"] == field:
            del fld["/V"]
            w.update_container(fld)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()
