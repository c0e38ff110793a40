"""The individual valuation: who evaluates whom, its components, its final score.

Pure rules, no storage. The SMVP (:class:`~.valutazione.SistemaValutazione`)
gives, per category of staff, the weights of four components:

* ``organizzativa`` — the ente's and the unit's organisational performance
  (seed 001 L66-L68: 50 % ente, 50 % area; seed 003 l.9: Part A);
* ``struttura`` — the result of the person's unit's scheda obiettivi, the same
  number the scheda prints (:func:`~.valutazione.risultato_scheda`);
* ``individuali`` — the objectives assigned to the person, weighted by their
  % impegno and by the share of the year they were assigned;
* ``comportamenti`` — the behaviours' scores on the SMVP's scale.

A component with a weight and no data makes the valuation **incompleta**: no
final score and no fascia, and the list of what is missing (never a silent
re-weighting of the other components).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .formats import format_decimal, round_half_up
from .valutazione import CENTO, ZERO, CategoriaValutazione, Fascia, SistemaValutazione

COMPONENTI = ("organizzativa", "struttura", "individuali", "comportamenti")

NOMI_COMPONENTI = {
    "organizzativa": "Performance organizzativa (ente e unità)",
    "struttura": "Obiettivi della struttura (scheda obiettivi)",
    "individuali": "Obiettivi individuali",
    "comportamenti": "Comportamenti organizzativi",
}


# --------------------------------------------------------------------------- valutatore


@dataclass(frozen=True, slots=True)
class Valutatore:
    """Who evaluates a person: a person (``persona_id``) or a body named by ``ruolo``."""

    persona_id: int | None
    ruolo: str

    def descrizione(self, nomi: Mapping[int, str]) -> str:
        if self.persona_id is not None:
            nome = nomi.get(self.persona_id, "")
            return f"{nome} ({self.ruolo})" if nome else self.ruolo
        return self.ruolo


def valutatore(persona_id: int, unita_id: int | None, genitore: Mapping[int, int | None],
               responsabile: Mapping[int, int | None], categoria: CategoriaValutazione,
               sistema: SistemaValutazione, *, scelto: Valutatore | None = None) -> Valutatore:
    """The evaluator of a person, never the person themself.

    A chosen evaluator (stored in the plan) wins unless it is the person; a
    category that names a body (``Nucleo di Valutazione``) gets that body; staff
    get their unit's responsabile, going up the units while the responsabile is
    missing or is the person; a responsabile with no one above gets the SMVP's
    body for responsabili.
    """
    if scelto is not None and scelto.persona_id != persona_id and (scelto.persona_id or scelto.ruolo):
        return scelto
    if categoria.valutatore:
        return Valutatore(None, categoria.valutatore)
    u = unita_id
    seen: set[int] = set()
    while u is not None and u not in seen:
        seen.add(u)
        r = responsabile.get(u)
        if r is not None and r != persona_id:
            return Valutatore(r, "Responsabile della struttura")
        u = genitore.get(u)
    return Valutatore(None, sistema.valutatore_responsabili)


# --------------------------------------------------------------------------- individual objectives


@dataclass(frozen=True, slots=True)
class RigaIndividuale:
    """One objective assigned to a person, with the weight it gets in the component."""

    obiettivo_id: int
    impegno: Decimal | None
    inizio: date | None
    fine: date | None
    perc: Decimal | None
    quota_anno: Decimal = ZERO  # share of the year assigned (0..1)
    peso: Decimal = ZERO  # impegno × quota_anno (impegno 100 when not given)


def quota_anno(inizio: date | None, fine: date | None, anno: int) -> Decimal:
    """Share of ``anno`` between two dates (open ends reach the year's bounds), 0..1."""
    start, end = date(anno, 1, 1), date(anno, 12, 31)
    a = max(inizio or start, start)
    b = min(fine or end, end)
    if b < a:
        return ZERO
    return Decimal((b - a).days + 1) / Decimal((end - start).days + 1)


def obiettivi_individuali(righe: Sequence[tuple[int, Decimal | None, date | None, date | None,
                                                Decimal | None]], anno: int
                          ) -> tuple[tuple[RigaIndividuale, ...], Decimal | None, tuple[str, ...],
                                     tuple[int, ...]]:
    """Weight a person's objectives by % impegno × share of the year assigned.

    ``righe`` are (obiettivo_id, impegno %, dal, al, % of the objective). Returns the
    weighted rows, the component's % (``None`` when an objective counted has no
    result yet or none counts), notes for the sheet, and the ids without a result.
    An assignment outside the year weighs 0 and is said; an impegno not given
    counts as 100 % and is said.
    """
    out = []
    note: list[str] = []
    senza_impegno = 0
    for oid, imp, dal, al, perc in righe:
        q = quota_anno(dal, al, anno)
        if imp is None:
            senza_impegno += 1
        peso = (imp if imp is not None else CENTO) * q
        out.append(RigaIndividuale(oid, imp, dal, al, perc, q, peso))
    if senza_impegno:
        note.append(f"% impegno non indicata per {senza_impegno} obiettivi: considerata 100 %.")
    fuori = [r for r in out if r.quota_anno == 0]
    if fuori:
        note.append(f"{len(fuori)} assegnazioni fuori dall'anno {anno}: non concorrono.")
    contano = [r for r in out if r.peso > 0]
    mancano = tuple(r.obiettivo_id for r in contano if r.perc is None)
    if not contano or mancano:
        return tuple(out), None, tuple(note), mancano
    tot = sum((r.peso for r in contano), ZERO)
    perc = sum((r.peso * r.perc for r in contano if r.perc is not None), ZERO) / tot  # (none lacks)
    return tuple(out), perc, tuple(note), ()


# --------------------------------------------------------------------------- components and final


@dataclass(frozen=True, slots=True)
class Componente:
    chiave: str
    nome: str
    peso: Decimal
    valore: Decimal | None  # percent
    spiegazione: str = ""

    @property
    def ponderato(self) -> Decimal | None:
        return None if self.valore is None else self.peso * self.valore / CENTO


@dataclass(frozen=True, slots=True)
class EsitoIndividuale:
    categoria: str
    componenti: tuple[Componente, ...]
    mancanti: tuple[str, ...]
    finale: Decimal | None  # percent; None when incomplete
    punti: Decimal | None  # on the SMVP scale
    fascia: Fascia | None
    comportamenti: tuple[tuple[str, Decimal, Decimal | None], ...] = ()

    @property
    def completa(self) -> bool:
        return not self.mancanti

    @property
    def stato(self) -> str:
        return "completa" if self.completa else "incompleta"

    @property
    def messaggio_incompleta(self) -> str:
        return "Valutazione incompleta — manca: " + "; ".join(self.mancanti) + "." if self.mancanti else ""


def perc_comportamenti(sistema: SistemaValutazione, cat: CategoriaValutazione,
                       punteggi: Mapping[str, Decimal | None]
                       ) -> tuple[Decimal | None, tuple[str, ...], tuple[tuple[str, Decimal, Decimal | None], ...]]:
    """Weighted % of the behaviours' scores; ``None`` and the names missing when any is not scored."""
    cat_comp = sistema.comportamenti_di(cat)
    righe = tuple((c.nome, c.peso, punteggi.get(c.nome)) for c in cat_comp)
    mancano = tuple(n for n, _, s in righe if s is None)
    if not righe or mancano:
        return None, mancano, righe
    tot = sum((p for _, p, _ in righe), ZERO)
    if tot <= 0:
        return None, tuple(n for n, _, _ in righe), righe
    perc = sum((p * s / sistema.scala_max * CENTO for _, p, s in righe if s is not None), ZERO) / tot
    return perc, (), righe


def punteggio_fuori_scala(sistema: SistemaValutazione, valore: Decimal) -> str | None:
    """An Italian message when a behaviour score is outside 0..scala_max."""
    if valore < 0 or valore > sistema.scala_max:
        return (f"Il punteggio {format_decimal(valore, 2, strip_zeros=True)} è fuori scala "
                f"(da 0 a {format_decimal(sistema.scala_max, 0)}).")
    return None


def esito_individuale(sistema: SistemaValutazione, cat: CategoriaValutazione, *,
                      organizzativa: Decimal | None, organizzativa_mancante: str = "",
                      struttura: Decimal | None, struttura_mancante: str = "",
                      individuali: Decimal | None, individuali_mancante: str = "",
                      comportamenti: Mapping[str, Decimal | None]) -> EsitoIndividuale:
    """The final valuation of a person from its components (all in percent).

    Every component with a weight must have a value; otherwise the result is
    incomplete, with ``mancanti`` naming what is missing, and no final or fascia.
    """
    comp_perc, comp_mancano, comp_righe = perc_comportamenti(sistema, cat, comportamenti)
    valori = {"organizzativa": (cat.peso_organizzativa, organizzativa, organizzativa_mancante),
              "struttura": (cat.peso_struttura, struttura, struttura_mancante),
              "individuali": (cat.peso_individuali, individuali, individuali_mancante),
              "comportamenti": (cat.peso_comportamenti, comp_perc,
                                "punteggi dei comportamenti (" + ", ".join(comp_mancano) + ")"
                                if comp_mancano else "")}
    componenti = []
    mancanti = []
    for key in COMPONENTI:
        peso, valore, perche = valori[key]
        if not peso:
            continue
        componenti.append(Componente(key, NOMI_COMPONENTI[key], peso, valore))
        if valore is None:
            mancanti.append(perche or NOMI_COMPONENTI[key].lower())
    if cat.somma_pesi != CENTO:
        mancanti.append(f"pesi della categoria «{cat.nome}» che sommino a 100 (ora "
                        f"{format_decimal(cat.somma_pesi, 2, strip_zeros=True)})")
    if mancanti:
        return EsitoIndividuale(cat.nome, tuple(componenti), tuple(mancanti), None, None, None, comp_righe)
    finale = sum((c.ponderato or ZERO for c in componenti), ZERO)  # none is missing here
    punti = finale * sistema.scala_max / CENTO
    f = sistema.fascia(round_half_up(punti, 0) if sistema.punteggi_interi else punti)
    return EsitoIndividuale(cat.nome, tuple(componenti), (), finale, punti, f, comp_righe)


# --------------------------------------------------------------------------- the cycle


def passo_corrente(passi: Mapping[str, date | None]) -> str | None:
    """The last step done (a value of :class:`~.enums.PassoCiclo`), in the cycle's order."""
    from .enums import PassoCiclo

    current = None
    for p in PassoCiclo:
        if p.value in passi:
            current = p.value
    return current
