"""«Verifica del piano»: every problem that would make a sheet wrong or a valuation unfair.

Pure rules over plain inputs. Each :class:`Problema` says where (unit, objective
or person), what, and how serious: an *errore* makes a printed valuation wrong or
incomplete (a weight missing beside others, a person evaluating themself, an
SMVP rule broken); an *avviso* is worth a look (weights summing to 60 %, an
objective without indicators).

SMVP rules checked (seed 003): «Fasi / Indicatori (obbligatorio per obiettivi
gestionali)» (l.69, l.74) when ``gestionali_fasi_indicatori`` is set; an objective
whose title contains a text weighs at least a minimum (l.82: the payment-time
objective «in misura non inferiore al 30%»), from ``pesi_minimi``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .formats import format_decimal
from .valutazione import CENTO, ZERO, SistemaValutazione

ERRORE = "errore"
AVVISO = "avviso"


@dataclass(frozen=True, slots=True)
class Problema:
    gravita: str  # ERRORE / AVVISO
    dove: str
    messaggio: str
    unita_id: int | None = None
    obiettivo_id: int | None = None
    persona_id: int | None = None

    def __str__(self) -> str:
        return f"[{self.gravita}] {self.dove}: {self.messaggio}"


@dataclass(frozen=True, slots=True)
class ObiettivoVerifica:
    id: int
    codice: str
    titolo: str
    peso: Decimal | None
    gestionale: bool
    n_fasi: int
    n_indicatori: int

    @property
    def nome(self) -> str:
        return self.codice or self.titolo[:40]


@dataclass(frozen=True, slots=True)
class SchedaVerifica:
    unita_id: int | None
    nome: str
    obiettivi: tuple[ObiettivoVerifica, ...]


def _p(x: Decimal) -> str:
    return format_decimal(x, 2, strip_zeros=True) + " %"


def verifica_scheda(sistema: SistemaValutazione, s: SchedaVerifica) -> list[Problema]:
    out: list[Problema] = []
    dove = f"Scheda {s.nome}"
    obs = s.obiettivi
    if not obs:
        return out
    senza = [o for o in obs if o.peso is None]
    if senza and len(senza) < len(obs):
        out.append(Problema(ERRORE, dove, "obiettivi senza peso accanto ad obiettivi pesati (non "
                            "concorrono alla valutazione): " + ", ".join(o.nome for o in senza) + ".",
                            s.unita_id))
    elif senza:
        out.append(Problema(AVVISO, dove, "nessun obiettivo ha un peso: sono considerati di pari peso.",
                            s.unita_id))
    else:
        tot = sum((o.peso or ZERO for o in obs), ZERO)
        if tot != CENTO:
            out.append(Problema(AVVISO, dove, f"la somma dei pesi è {_p(tot)}, non 100 %.", s.unita_id))
    for o in obs:
        if o.peso is not None and (o.peso < 0 or o.peso > CENTO):
            out.append(Problema(ERRORE, dove, f"{o.nome}: peso {_p(o.peso)} fuori dall'intervallo 0–100 %.",
                                s.unita_id, o.id))
        for regola in sistema.pesi_minimi:
            if regola.testo.lower() in o.titolo.lower() and (o.peso or ZERO) < regola.minimo:
                out.append(Problema(ERRORE, dove, f"{o.nome} «{o.titolo[:60]}» deve pesare almeno "
                                    f"{_p(regola.minimo)} (regola del sistema di valutazione); ora "
                                    f"{_p(o.peso) if o.peso is not None else 'senza peso'}.",
                                    s.unita_id, o.id))
    return out


def verifica_obiettivo(sistema: SistemaValutazione, o: ObiettivoVerifica) -> list[Problema]:
    out: list[Problema] = []
    dove = f"Obiettivo {o.nome}"
    if o.n_indicatori == 0:
        grav = ERRORE if (sistema.gestionali_fasi_indicatori and o.gestionale) else AVVISO
        out.append(Problema(grav, dove, "nessun indicatore" + (" (obbligatorio per gli obiettivi "
                            "gestionali)" if grav == ERRORE else ": il risultato non è misurabile."),
                            obiettivo_id=o.id))
    if sistema.gestionali_fasi_indicatori and o.gestionale and o.n_fasi == 0:
        out.append(Problema(ERRORE, dove, "nessuna fase (obbligatoria per gli obiettivi gestionali).",
                            obiettivo_id=o.id))
    return out


def verifica_rischio(scala: Sequence[str] | str,
                     graduati: Sequence[tuple[int, str, str]]) -> list[Problema]:
    """The ente's risk scale: ``scala`` its level names, or the Italian reason it cannot be read;
    ``graduati`` (id, code or title, level) of the objectives graded. A level off the scale (an older
    file, a hand edit) is an *avviso* on its objective, which keeps it (the sheets print it as
    written); an unreadable scale is an *errore* of the plan."""
    if isinstance(scala, str):
        return [Problema(ERRORE, "Scala del rischio", f"{scala}: ridefinirla da «Piano › Scala del rischio…».")]
    return [Problema(AVVISO, f"Obiettivo {nome}", f"livello di rischio «{lv}» fuori dalla scala dell'ente "
                     f"({', '.join(scala)}): aggiungerlo alla scala o cambiare il livello.", obiettivo_id=oid)
            for oid, nome, lv in graduati if lv and lv not in scala]


def verifica_piano(sistema: SistemaValutazione, schede: Sequence[SchedaVerifica],
                   valutatori: Sequence[tuple[int, str, int | None, str]] = (),
                   rischio: tuple[Sequence[str] | str, Sequence[tuple[int, str, str]]] | None = None,
                   ) -> list[Problema]:
    """All the plan's problems: SMVP, schede, evaluated objectives, evaluators, risk levels.

    ``valutatori`` are (persona_id, nominativo, valutatore_id, valutatore) of each person;
    ``rischio`` the arguments of :func:`verifica_rischio`.
    """
    out = [Problema(ERRORE, "Sistema di valutazione", m) for m in sistema.validate()]
    if rischio is not None:
        out.extend(verifica_rischio(*rischio))
    seen: set[int] = set()
    for s in schede:
        out.extend(verifica_scheda(sistema, s))
        for o in s.obiettivi:
            if o.id not in seen:
                seen.add(o.id)
                out.extend(verifica_obiettivo(sistema, o))
    for pid, nome, vid, vnome in valutatori:
        if vid is not None and vid == pid:
            out.append(Problema(ERRORE, f"Persona {nome}", "è indicata come valutatore di sé stessa.",
                                persona_id=pid))
        elif vid is None and not vnome:
            out.append(Problema(ERRORE, f"Persona {nome}", "nessun valutatore.", persona_id=pid))
    return out
