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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

_STOP = frozenset(
    "di da del della dello dei delle degli dal dalla dai dalle e ed il lo la le gli i in con per "
    "su sul sulla sui sulle al alla allo ai alle agli un una uno nel nella nello nei nelle tra fra "
    "che non dell all dall nell sull anche come sono ogni".split())


def parole(text: str) -> frozenset[str]:
    text = text or ""
    if text.isascii():  # nothing to strip (the common case: a large table stays cheap)
        norm = text.lower()
    else:
        norm = unicodedata.normalize("NFKD", text)
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
    # a group is in two pairs (as the next one, then as the current one): its words are read
    # once and kept for the following pair only
    letto: tuple[Gruppo, list[frozenset[str]], frozenset[str]] | None = None

    def _parole(grp: Gruppo) -> tuple[list[frozenset[str]], frozenset[str]]:
        nonlocal letto
        if letto is None or letto[0] is not grp:
            letto = (grp, [parole(t) for _n, t, _h in grp.righe], parole(grp.testo))
        return letto[1], letto[2]

    for g, h in pairwise(gruppi):
        if h.blocco != g.blocco:
            continue
        righe_g, proprie = _parole(g)
        testi = [(n, w) for (n, _t, _h), w in zip(g.righe, righe_g)]
        righe_h, titolo_h = _parole(h)
        successivo = titolo_h.union(*righe_h)
        conta = Counter(x for w in righe_g for x in w)
        coda: list[int] = []
        piu_vicina = False
        for k in range(len(g.righe) - 1, -1, -1):
            n, _t, header = g.righe[k]
            if header:
                break
            w = testi[k][1]
            # share of w among the title and the *other* rows: a word of w counts when the
            # title has it or another row does (counted, so a long objective stays linear)
            cur = sum(1 for x in w if x in proprie or conta[x] > 1) / len(w) if w else 0.0
            nxt = _vicinanza(w, successivo)
            if cur > nxt or nxt == 0:  # closer to its own objective, or like neither
                break
            coda.append(n)
            piu_vicina = piu_vicina or nxt > cur
        if piu_vicina:
            out.extend((n, h.codice, g.codice) for n in sorted(coda))
    return out
