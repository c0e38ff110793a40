"""Corruption-risk levels of the PIAO's sottosezione 2.3 (issue 18 point 4).

Seed 001 grades each row «BASSA» or «MEDIA» (L452 and L456 belong to the same objective: the level
is per row), with variants «BASSO» (L501) and «CRITICITA' BASSA» (L436); ALTA is not observed but is
the scale's third step. An ente may use its own scale (:func:`scala`); a text that is not a level of
the scale is refused with an Italian message, never mapped to a default.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: the usual scale, lowest first
SCALA_PREDEFINITA: tuple[str, ...] = ("BASSA", "MEDIA", "ALTA")


@dataclass(frozen=True, slots=True)
class LivelloRischio:
    livello: str          # one of the scale's values, upper case
    misura: str = ""      # the misura di prevenzione

    def __str__(self) -> str:
        return self.livello


def _fold(text: str) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    t = re.sub(r"CRITICITA'?\s*", "", t.replace("’", "'"))
    t = re.sub(r"^(RISCHIO|LIVELLO)\s+(DI\s+RISCHIO\s+)?", "", t.strip())
    return " ".join(t.split())


_GENERE = {"BASSO": "BASSA", "MEDIO": "MEDIA", "ALTO": "ALTA", "MOLTO BASSO": "MOLTO BASSA",
           "MOLTO ALTO": "MOLTO ALTA", "NULLO": "NULLA"}


def leggi_livello(testo: str | None, scala: tuple[str, ...] = SCALA_PREDEFINITA) -> str | None:
    """The scale's level a written text names (``None`` for empty text).

    Raises ``ValueError`` (Italian) for a text that is not on the scale.
    """
    if testo is None or not str(testo).strip():
        return None
    t = _fold(str(testo))
    t = _GENERE.get(t, t)
    for livello in scala:
        if t == _fold(livello):
            return livello
    raise ValueError(f"livello di rischio «{testo}» sconosciuto: valori ammessi {', '.join(scala)}")


def scala(testo: str | None) -> tuple[str, ...]:
    """An ente's own scale from a comma-separated list («Basso, Medio, Alto, Critico»), lowest first."""
    if not testo or not testo.strip():
        return SCALA_PREDEFINITA
    livelli = tuple(_GENERE.get(_fold(x), _fold(x)) for x in testo.split(",") if x.strip())
    if len(set(livelli)) != len(livelli) or len(livelli) < 2:
        raise ValueError("la scala del rischio deve avere almeno due livelli diversi")
    return livelli


def ordine(livello: str | None, scala_ente: tuple[str, ...] = SCALA_PREDEFINITA) -> int:
    """Position on the scale (0 = lowest; −1 for none) for sorting and filters."""
    if livello is None:
        return -1
    return scala_ente.index(livello) if livello in scala_ente else -1
