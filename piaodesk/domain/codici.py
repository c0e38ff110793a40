"""Objective levels and hierarchical codes (``1``, ``1.2``, ``1.2.3`` …): the rules, once.

Pure functions: the UI asks them which level and code a new objective gets and which codes a
renumbering gives; the store writes the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from .enums import Livello, Ramo

#: the level a new child gets, by the parent's level (a level not listed: «azione»)
LIVELLO_FIGLIO: dict[Livello, Livello] = {
    Livello.LINEA_STRATEGICA: Livello.STRATEGICO,
    Livello.STRATEGICO: Livello.OPERATIVO,
    Livello.OPERATIVO: Livello.AZIONE,
    Livello.SPECIFICO: Livello.AZIONE,
    Livello.SCHEDA_UO: Livello.ATTIVITA_GESTIONALE,
}


def livello_nuovo(ramo: Ramo | str, livello_padre: Livello | str | None,
                  livello_fratelli: Livello | str | None = None) -> Livello:
    """The level of a new objective.

    Under a parent: the level that follows the parent's (``LIVELLO_FIGLIO``; «azione» for a
    level that has no follower or is unknown). At the top: the level of the existing
    siblings, else «strategico» in «Obiettivi» and «scheda UO» in the other branch.
    """
    if livello_padre is not None:
        try:
            return LIVELLO_FIGLIO.get(Livello(livello_padre), Livello.AZIONE)
        except ValueError:
            return Livello.AZIONE
    if livello_fratelli is not None:
        try:
            return Livello(livello_fratelli)
        except ValueError:
            pass
    return Livello.STRATEGICO if str(ramo) == Ramo.OBIETTIVI.value else Livello.SCHEDA_UO


def prefisso(codice_padre: str | None) -> str:
    """``"1.2."`` under a parent coded ``1.2``; ``""`` at the top or under an uncoded parent."""
    return f"{codice_padre}." if codice_padre else ""


def codice_nuovo(codice_padre: str | None, codici_fratelli: Sequence[str | None]) -> str:
    """The code of a new objective among ``codici_fratelli`` (the parent's children now).

    The next number after the siblings (``len + 1``), moved past the highest number already
    used under the same prefix, so that a gap left by a deletion (``1``, ``3``) never yields a
    code a sibling already has.
    """
    pre = prefisso(codice_padre)
    n = len(codici_fratelli) + 1
    for c in codici_fratelli:
        tail = (c or "")[len(pre):] if (c or "").startswith(pre) else ""
        if tail.isdigit():
            n = max(n, int(tail) + 1)
    return f"{pre}{n}"


def rinumera(figli: Callable[[int | None], Iterable[tuple[int, str | None]]], radice: int | None,
             codice_radice: str | None) -> list[tuple[int, str]]:
    """Hierarchical codes under ``radice``: ``(id, new code)`` for every descendant whose code
    changes, in tree order. ``figli(id)`` gives a node's children in order as ``(id, code)``.
    Iterative: a deep tree does not reach the recursion limit.
    """
    out: list[tuple[int, str]] = []

    def kids(pid: int | None, pre: str) -> list[tuple[int, str | None, str]]:
        return [(oid, codice, f"{pre}{k}") for k, (oid, codice) in enumerate(figli(pid), start=1)]

    stack = kids(radice, prefisso(codice_radice))[::-1]
    while stack:  # pre-order, as a recursive walk would list them
        oid, codice, code = stack.pop()
        if codice != code:
            out.append((oid, code))
        stack.extend(kids(oid, code + ".")[::-1])
    return out
