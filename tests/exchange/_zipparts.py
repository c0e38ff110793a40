"""Helpers for tests that damage workbooks from the inside (parts of the zip)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path


def sheet_part(path: Path, title: str) -> str:
    """The zip part holding the sheet called ``title``."""
    with zipfile.ZipFile(path) as z:
        wbxml = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*r:id="([^"]+)"', wbxml)
    assert rid, title
    for rel in re.findall(r"<Relationship\b[^>]*>", rels):
        if f'Id="{rid.group(1)}"' in rel:
            target = re.search(r'Target="([^"]+)"', rel).group(1).lstrip("/")
            return target if target.startswith("xl/") else "xl/" + target
    raise AssertionError(title)


def rewrite_part(src: Path, dst: Path, part: str, fn: Callable[[bytes], bytes]) -> Path:
    """Copy ``src`` to ``dst`` with ``part`` replaced by ``fn(part)`` (a valid zip)."""
    with zipfile.ZipFile(src) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            z.writestr(name, fn(data) if name == part else data)
    return dst


def part_data_offset(path: Path, part: str) -> tuple[int, int]:
    """(offset of the compressed data of ``part`` in the file, its compressed size)."""
    data = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(part)
    h = info.header_offset
    n, m = int.from_bytes(data[h + 26:h + 28], "little"), int.from_bytes(data[h + 28:h + 30], "little")
    return h + 30 + n + m, info.compress_size
