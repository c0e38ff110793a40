"""Which rows of a flattened table may belong to the *next* objective ("collocazione incerta").

In tables flattened from merged cells (seed 000) an objective's header row can sit in the
middle of its rows: the rows just above a header may belong to it rather than to the
objective above, under which they are filed by default. Flagging every row that precedes a
header would flag the last row of every objective, which means nothing. A row is flagged
only when its text says so:

* it is in the trailing run of its objective (between the header row and the next header
  of the same block: a blank line ends a block), walking up from the next header while each
  row's words are at least as close to the next objective as to its own (and close to it at
  all);
* and at least one row of that run is strictly closer to the next objective.

"Close" is the share of a row's words (indicator and formula; accents, case and short or
common words ignored, words cut to their first six letters) found among the other's words:
title, description and indicators of the objective, the row itself left out of its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_STOP = frozenset(
    "di da del della dello dei delle degli dal dalla dai dalle e ed il lo la le gli i in con per "
    "su sul sulla sui sulle al alla allo ai alle agli un una uno nel nella nello nei nelle tra fra "
    "che non dell all dall nell sull anche come sono ogni".split())


def parole(text: str) -> frozenset[str]:
    norm = unicodedata.normalize("NFKD", text or "")
    norm = "".join(ch for ch in norm if not unicodedata.combining(ch)).lower()
    return frozenset(w[:6] for w in re.findall(r"[a-z]{3,}", norm) if w not in _STOP)


@dataclass
class Gruppo:
    """One objective of the table, in order: its header text and its indicator rows."""

    codice: str
    blocco: int
    testo: str  # title and description
    righe: Sequence[tuple[int, str, bool]]  # (row number, indicator text, is the header row)


def _vicinanza(w: frozenset[str], altre: frozenset[str]) -> float:
    return len(w & altre) / len(w) if w else 0.0


def righe_incerte(gruppi: Sequence[Gruppo]) -> list[tuple[int, str, str]]:
    """(row, code of the next objective, code it was filed under) for every uncertain row."""
    out: list[tuple[int, str, str]] = []
    for g, h in zip(gruppi, gruppi[1:]):
        if h.blocco != g.blocco:
            continue
        testi = [(n, parole(t)) for n, t, _header in g.righe]
        proprie = parole(g.testo)
        successivo = parole(h.testo).union(*(parole(t) for _n, t, _h in h.righe))
        coda: list[int] = []
        piu_vicina = False
        for k in range(len(g.righe) - 1, -1, -1):
            n, _t, header = g.righe[k]
            if header:
                break
            w = testi[k][1]
            altre = proprie.union(*(p for j, (_m, p) in enumerate(testi) if j != k))
            cur, nxt = _vicinanza(w, altre), _vicinanza(w, successivo)
            if cur > nxt or nxt == 0:  # closer to its own objective, or like neither
                break
            coda.append(n)
            piu_vicina = piu_vicina or nxt > cur
        if piu_vicina:
            out.extend((n, h.codice, g.codice) for n in sorted(coda))
    return out
