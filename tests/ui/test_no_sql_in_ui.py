"""No SQL in ui/ (house rule: the store owns the file; issue 13 moved the last queries of
main_window, the tree, Gantt and Indicatori into store readers)."""

from __future__ import annotations

import re
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "piaodesk" / "ui"
SQL = re.compile(r"\.execute(many)?\(|\.db\.conn\b|\bSELECT\s+[\w*]|\bimport sqlite3\b")


def test_no_sql_in_ui():
    found = sorted(str(p.relative_to(UI)) for p in UI.rglob("*.py")
                   if SQL.search(p.read_text(encoding="utf-8")))
    assert found == [], found
