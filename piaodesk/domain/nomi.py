"""How two spellings of a person's name are known to be the same person: one rule.

«Dott.ssa Maria Rossi», «ROSSI Maria», «Rossi-Maria» and «rossi maria (eq)» give the same key:
accents and case are ignored, punctuation splits words, courtesy titles and the «(eq)» mark of an
equivalent post are dropped, and the order of the words does not count. The store's
:meth:`~piaodesk.store.archive.Archive.trova_persona` and both importers use :func:`chiave_nome`.
"""

from __future__ import annotations

import unicodedata

#: words dropped from a name (after punctuation has split «Dott.ssa» into «dott» «ssa»)
TITOLI = frozenset({"dott", "dottssa", "dssa", "ssa", "sig", "ra"})

_SEPARATORI = str.maketrans(dict.fromkeys("-,.'’_\n\t", " "))


def chiave_nome(testo: object) -> str:
    """The matching key of a name (``""`` for no name)."""
    if testo is None:
        return ""
    norm = unicodedata.normalize("NFKD", str(testo))
    norm = "".join(ch for ch in norm if not unicodedata.combining(ch)).lower()
    norm = norm.replace("(eq)", " ").translate(_SEPARATORI)
    return " ".join(sorted(w for w in norm.split() if w not in TITOLI))
