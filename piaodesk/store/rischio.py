"""The ente's corruption-risk scale (issue 18 point 4), stored as one plan setting.

Setting «scala_rischio» (JSON): ``{"livelli": [{"nome": "BASSO", "descrizione": "…"}, …]}``, lowest
first; no setting = the usual BASSA / MEDIA / ALTA. Objectives keep the level's name
(``obiettivi.rischio_livello``). A change is one undoable step; a level that objectives use never
disappears silently: it is carried by an explicit rename (the objectives follow it, in the same
step) or the change is refused naming the objectives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ..domain.model import Obiettivo
from ..domain.rischio import (
    LivelloScala,
    ScalaRischio,
    messaggio_scomparsi,
    nuova_scala,
    scala_predefinita,
    scomparsi,
)
from .edits import Batch, Edit, SetFields, SetSetting

if TYPE_CHECKING:
    from .archive import Archive

CHIAVE = "scala_rischio"
ETICHETTA = "Scala del rischio"


class LivelliInUso(ValueError):
    """A new scale would drop levels objectives use: ``mancano`` level → objective codes."""

    def __init__(self, mancano: dict[str, list[str]]):
        super().__init__(messaggio_scomparsi(mancano))
        self.mancano = mancano


def scala(arc: Archive) -> ScalaRischio:
    """The plan's scale (the usual one when the ente set none).

    An unreadable stored scale raises ``ValueError`` (Italian): it is not replaced by the default."""
    raw = arc.impostazione(CHIAVE)
    if not raw:
        return scala_predefinita()
    return ScalaRischio.from_json(raw)


def graduati(arc: Archive) -> list[tuple[int, str, str]]:
    """(id, code — or «title» —, level) of the objectives graded with a level, by code."""
    return [(o.id or 0, o.codice or f"«{o.titolo[:30]}»", o.rischio_livello)
            for o in arc.select(Obiettivo, "rischio_livello IS NOT NULL", order="codice, id",
                                columns=("id", "codice", "titolo", "rischio_livello"))
            if o.rischio_livello]


def in_uso(arc: Archive) -> dict[str, list[str]]:
    """level name → codes of the objectives graded with it (tree order by code)."""
    out: dict[str, list[str]] = {}
    for _id, nome, livello in graduati(arc):
        out.setdefault(livello, []).append(nome)
    return out


def imposta(arc: Archive, righe: Iterable[tuple[str, str] | str | LivelloScala],
            rinomina: Mapping[str, str] | None = None) -> Edit | None:
    """One undoable step giving the plan the scale ``righe`` (lowest first); ``None`` if unchanged.

    ``rinomina`` (old name → new name, a level of the new scale) carries the objectives graded with
    a level to its new name in the same step. Refuses with ``ValueError`` (Italian) a bad scale
    (see :func:`domain.rischio.nuova_scala`) and with :class:`LivelliInUso` a scale dropping a
    level that objectives use and that is not renamed.
    """
    nuova = nuova_scala((x.nome, x.descrizione) if isinstance(x, LivelloScala) else x for x in righe)
    try:
        vecchia = scala(arc)
    except ValueError:
        vecchia = scala_predefinita()  # unreadable: whatever the objectives use is checked below
    rinomina = {k: v for k, v in (rinomina or {}).items() if k != v}
    for vecchio, nuovo in rinomina.items():
        if nuovo not in nuova.nomi:
            raise ValueError(f"«{nuovo}» (nuovo nome di «{vecchio}») non è un livello della scala")
    uso = in_uso(arc)
    # levels in use but already off the old scale (an old file, a hand edit) stay as they are
    mancano = scomparsi(vecchia.nomi, nuova.nomi, uso, rinomina)
    if mancano:
        raise LivelliInUso(mancano)
    edits: list[Edit] = []
    if nuova != vecchia:
        edits.append(SetSetting(CHIAVE, None if nuova.predefinita else nuova.to_json(), ETICHETTA))
    if rinomina:
        for o in arc.select(Obiettivo, "rischio_livello IS NOT NULL", columns=("id", "rischio_livello")):
            if o.rischio_livello in rinomina and o.id is not None:
                edits.append(SetFields(Obiettivo, o.id, {"rischio_livello": rinomina[o.rischio_livello]}))
    if not edits:
        return None
    return Batch(edits, ETICHETTA)
