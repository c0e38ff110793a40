"""«Collocazione incerta» fires only when a row reads like the next objective (issue 11, point 10).

On seed 000 as delivered (``data/000_b08630932ede6248.txt``, byte for byte the seed) the old
rule flagged the last row of every objective (8, 12, 16, 20, … 64: every fourth row, even
across the blank line that ends a block). The rows the seed's analysis names as preceding the
header of the objective they belong to (seed-000-001.md §5.1 Q6) are still flagged; the rows
that close their own objective are not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from piaodesk.exchange import prepare_import
from piaodesk.exchange.collocazione import Gruppo, righe_incerte
from piaodesk.exchange.flat import import_flat
from piaodesk.exchange.readers import Tabella

DATA = Path(__file__).parent / "data"
DELIVERED = DATA / "000_b08630932ede6248.txt"
EXTRACT = DATA / "seed000_tabella.txt"  # its lines 1-80

# Q6: L12 → 1.6.3, L14 → 1.6.4, L22-L24 → 3.1.1, L28 (= L29) → 4.1.1, L43-L44 → 5.2.1,
# L55-L56 → 5.2.4
PRECEDE_IL_SUO = {12, 14, 22, 23, 24, 28, 43, 44, 55, 56}
# 1.6.1's header is on its first row (Q6), L17-L20 are four rows of 1.6.4, L33-L36 of 5.1.1,
# L57-L60 of 5.2.4; L64 ends the first block (a blank line follows), L79 the table
CHIUDE_IL_SUO = {8, 20, 36, 60, 64, 79}


def _delivered() -> Tabella:
    """The seed as delivered, split on its tabs (guessing the separator is another test's)."""
    rows = []
    for n, line in enumerate(DELIVERED.read_text(encoding="utf-8").split("\n"), start=1):
        cells = [c.strip() for c in line.rstrip("\r").split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        rows.append((n, cells))
    return Tabella(DELIVERED.name, rows, separatore="tabulazione")


def _incerte(plan) -> dict[int, str]:
    return {p.riga: p.messaggio for p in plan.problemi if p.tipo == "collocazione_incerta"}


def test_delivered_file_is_the_seed():
    seed = Path("/work/shared/seeds/000_b08630932ede6248.txt")
    if seed.exists():
        assert DELIVERED.read_bytes() == seed.read_bytes()
    assert DELIVERED.read_bytes().split(b"\n")[:80] == EXTRACT.read_bytes().split(b"\n")[:80]


@pytest.mark.parametrize("source", ["consegnato", "estratto"])
def test_uncertain_placement_only_where_the_text_says_so(empty_plan, source):
    result = (import_flat(empty_plan, _delivered()) if source == "consegnato"
              else prepare_import(empty_plan, EXTRACT))
    incerte = _incerte(result)
    assert set(incerte) >= PRECEDE_IL_SUO, sorted(incerte)
    assert not CHIUDE_IL_SUO & set(incerte), sorted(incerte)
    assert len(incerte) < 20
    # the message says where the row is filed and which objective it reads like
    assert "3.1.1" in incerte[22] and "2.1.1" in incerte[22]
    assert "4.1.1" in incerte[28] and "3.1.1" in incerte[28]


def test_rule_on_small_groups():
    g1 = Gruppo("1", 0, "Polizia locale sicurezza urbana",
                [(1, "pattuglie serali", True), (2, "controlli stradali", False),
                 (3, "formazione insegnanti scuola infanzia", False)])
    g2 = Gruppo("2", 0, "Scuola e servizi educativi", [(4, "mensa scuola infanzia", True)])
    g3 = Gruppo("3", 1, "Servizi educativi scuola", [(6, "trasporto scolastico", True)])
    assert righe_incerte([g1, g2]) == [(3, "2", "1")]
    # a row that reads like its own objective, or a next objective in another block: nothing
    g1b = Gruppo("1", 0, g1.testo, [*g1.righe[:2], (3, "controlli serali pattuglie", False)])
    assert righe_incerte([g1b, g2]) == []
    g2b = Gruppo("2", 0, "Scuola", [(5, "formazione insegnanti scuola infanzia", False)])
    assert righe_incerte([g2b, g3]) == []
