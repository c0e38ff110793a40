"""Corruption-risk levels of the PIAO's sottosezione 2.3 (issue 18 point 4).

Seed 001 grades each row «BASSA» or «MEDIA» (L452 and L456 belong to the same objective: the level
is per row), with variants «BASSO» (L501) and «CRITICITA' BASSA» (L436); ALTA is not observed but is
the scale's third step. An ente may use its own scale (:class:`ScalaRischio`: its levels in order,
lowest first, each with an optional description, names kept as the ente writes them); a text that
is not a level of the scale is refused with an Italian message, never mapped to a default.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: the usual scale, lowest first
SCALA_PREDEFINITA: tuple[str, ...] = ("BASSA", "MEDIA", "ALTA")

#: longest name of a level (a combo entry, a printed cell)
MAX_NOME = 40


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


def chiave(testo: str) -> str:
    """What two writings of one level share: «Basso», «BASSA», «criticità bassa» → «BASSA»."""
    t = _fold(testo)
    return _GENERE.get(t, t)


# ---------------------------------------------------------------------- the ente's scale


@dataclass(frozen=True, slots=True)
class LivelloScala:
    nome: str
    descrizione: str = ""


@dataclass(frozen=True, slots=True)
class ScalaRischio:
    """The ente's risk scale: levels lowest first (see :func:`nuova_scala` for the rules)."""

    livelli: tuple[LivelloScala, ...]

    @property
    def nomi(self) -> tuple[str, ...]:
        return tuple(x.nome for x in self.livelli)

    @property
    def predefinita(self) -> bool:
        return self.nomi == SCALA_PREDEFINITA and not any(x.descrizione for x in self.livelli)

    def descrizione(self, nome: str | None) -> str:
        return next((x.descrizione for x in self.livelli if x.nome == nome), "")

    def to_json(self) -> str:
        return json.dumps({"livelli": [{"nome": x.nome, "descrizione": x.descrizione} for x in self.livelli]},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ScalaRischio:
        """The stored scale; raises ``ValueError`` (Italian) for text that is not one."""
        try:
            data = json.loads(text)
            righe = [(str(x["nome"]), str(x.get("descrizione") or "")) for x in data["livelli"]]
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ValueError("la scala del rischio registrata nel piano non è leggibile") from exc
        return nuova_scala(righe)


def scala_predefinita() -> ScalaRischio:
    return ScalaRischio(tuple(LivelloScala(n) for n in SCALA_PREDEFINITA))


def nuova_scala(righe: Iterable[tuple[str, str] | str]) -> ScalaRischio:
    """A scale from its rows (name, description), lowest first.

    Refuses (``ValueError``, Italian, naming the row): an empty name, a name with a comma or longer
    than :data:`MAX_NOME`, two rows naming one level («Basso» and «BASSA» are the same level), fewer
    than two levels. Names are kept as written (spaces collapsed), descriptions stripped.
    """
    livelli: list[LivelloScala] = []
    viste: dict[str, int] = {}
    for n, riga in enumerate(righe, start=1):
        nome, descr = (riga, "") if isinstance(riga, str) else riga
        nome = " ".join((nome or "").split())
        descr = " ".join((descr or "").split())
        if not nome:
            raise ValueError(f"riga {n}: il nome del livello non può essere vuoto")
        if "," in nome or ";" in nome:
            raise ValueError(f"riga {n} («{nome}»): il nome non può contenere virgole o punti e virgola")
        if len(nome) > MAX_NOME:
            raise ValueError(f"riga {n} («{nome[:20]}…»): il nome supera i {MAX_NOME} caratteri")
        k = chiave(nome)
        if not k:
            raise ValueError(f"riga {n} («{nome}»): il nome non dice un livello")
        if k in viste:
            prima = livelli[viste[k]].nome
            raise ValueError(f"riga {n} («{nome}»): è lo stesso livello della riga {viste[k] + 1} («{prima}»)"
                             if prima != nome else f"riga {n}: il livello «{nome}» è ripetuto")
        viste[k] = len(livelli)
        livelli.append(LivelloScala(nome, descr))
    if len(livelli) < 2:
        raise ValueError("la scala del rischio deve avere almeno due livelli diversi")
    return ScalaRischio(tuple(livelli))


def leggi_livello(testo: str | None, scala: Sequence[str] | ScalaRischio = SCALA_PREDEFINITA) -> str | None:
    """The scale's level a written text names (``None`` for empty text): «basso», «BASSA» and
    «CRITICITA' BASSA» name a level «Basso» or «BASSA».

    Raises ``ValueError`` (Italian) for a text that is not on the scale.
    """
    nomi = scala.nomi if isinstance(scala, ScalaRischio) else tuple(scala)
    if testo is None or not str(testo).strip():
        return None
    t = chiave(str(testo))
    for livello in nomi:
        if t == chiave(livello):
            return livello
    raise ValueError(f"livello di rischio «{testo}» sconosciuto: valori ammessi {', '.join(nomi)}")


def scala(testo: str | None) -> tuple[str, ...]:
    """An ente's own scale from a comma-separated list («Basso, Medio, Alto, Critico»), lowest first,
    names as written; refuses (``ValueError``) what :func:`nuova_scala` refuses."""
    if not testo or not testo.strip():
        return SCALA_PREDEFINITA
    return nuova_scala(x for x in testo.split(",") if x.strip()).nomi


def ordine(livello: str | None, scala_ente: Sequence[str] = SCALA_PREDEFINITA) -> int:
    """Position on the scale (0 = lowest; −1 for none) for sorting and filters."""
    if livello is None:
        return -1
    return list(scala_ente).index(livello) if livello in scala_ente else -1


def scomparsi(vecchi: Sequence[str], nuovi: Sequence[str], in_uso: Mapping[str, Sequence[str]],
              rinomina: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """Levels of the old scale that objectives use (``in_uso``: level → objective codes), that the
    new scale drops and that ``rinomina`` does not carry to a level of the new scale."""
    rinomina = rinomina or {}
    out: dict[str, list[str]] = {}
    for lv in vecchi:
        if lv in nuovi or not in_uso.get(lv):
            continue
        if rinomina.get(lv) in nuovi:
            continue
        out[lv] = list(in_uso[lv])
    return out


def messaggio_scomparsi(mancano: Mapping[str, Sequence[str]]) -> str:
    """«il livello «MEDIA» è usato da 2 obiettivi (TS.1, TS.2)…» for :func:`scomparsi`."""
    parti = []
    for lv, codici in mancano.items():
        elenco = ", ".join(codici[:8]) + (f" e altri {len(codici) - 8}" if len(codici) > 8 else "")
        parti.append(f"il livello «{lv}» è usato da {len(codici)} "
                     f"{'obiettivo' if len(codici) == 1 else 'obiettivi'} ({elenco})")

    return ("; ".join(parti) + ": la scala non è stata cambiata. Lasciare il livello nella scala, "
            "rinominarlo (gli obiettivi lo seguono) o cambiare prima il livello di quegli obiettivi")
