"""Excel exchange: export workbooks, re-import them, import flat PIAO tables.

The package reads and writes files only; plan changes are returned as an
:class:`~piaodesk.exchange.common.ImportPlan` that the CLI or the GUI applies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .common import ExchangeError, ImportPlan, Problema

__all__ = ["ExchangeError", "ImportPlan", "Problema", "prepare_import"]


def prepare_import(archive: Any, path: Path | str, mapping: dict[str, int] | None = None,
                   foglio: str | None = None, decisioni: dict[str, str] | None = None) -> ImportPlan:
    """Read ``path`` and return what importing it into ``archive`` would do.

    A workbook exported by piaodesk (or its empty template) is compared row by
    row with the plan; anything else is read as a flat PIAO objectives/
    indicators table (xlsx/csv/txt) with a column mapping.
    """
    from .readers import kind_of
    from .reimport import is_piaodesk_workbook

    path = Path(path)
    if kind_of(path) == "xlsx" and foglio is None and is_piaodesk_workbook(path):
        from .reimport import diff_workbook

        return diff_workbook(archive, path)
    from .flat import gc_paused, import_flat
    from .readers import read_table

    with gc_paused():
        tab = read_table(path, foglio)
        return import_flat(archive, tab, mapping=mapping, decisioni=decisioni)
