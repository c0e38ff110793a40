"""The valuation engine: indicator achievement, objective %, scheda %, SMVP scores.

Rules and their evidence (see ``shared/reference``):

* seed 002 §3 — an indicator's annual value rolls up from its periods
  (``somma`` = sum; ``media`` = mean of the non-empty periods; ``ultimo`` = the
  last non-empty period); achievement = min(actual/target, 1) for a
  *crescente* indicator, 1 when actual ≤ target for a *decrescente* one
  (else target/actual), **capped per indicator**; the score of a leaf is
  Σ(peso × achievement)/Σpeso; a scheda's % is the **unweighted** mean of its
  leaves. This reproduces OE0527 = 66,67, 10701 = 98,51, 10703 = 94,31.
* seed 003 §2 — each objective has a peso (%) and a score 0–30 in a fascia
  A 0-14, B 15-19, C 20-25, D 26-28, E 29-30; punteggio = peso × score;
  valutazione finale = Σ punteggi (30 at most when the weights sum to 100 %).
* seed 000/001 §4 — an empty or ``NO`` target means "not due this year".

Percentages are ``Decimal`` in percent (``Decimal("66.6667")`` means 66,67 %);
full precision is kept and rounded only for display (ROUND_HALF_UP).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .avanzamento import media_figli as perc_scheda  # noqa: F401 - the mean of seed 002 §3.4
from .avanzamento import perc_nodo  # noqa: F401 - the node rule lives in avanzamento
from .enums import Aggregazione, Polarita, TipoIndicatore
from .formats import parse_bool, parse_date, parse_decimal, round_half_up
from .model import PERIODO_ANNUALE, Fase, Indicatore, Misura
from .target import leggi_target

CENTO = Decimal(100)
ZERO = Decimal(0)
UNO = Decimal(1)

# --------------------------------------------------------------------------- values


_RATIO_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:su|/|di)\s*(\d+(?:[.,]\d+)?)\s*$", re.I)
_SUM_RE = re.compile(r"^\s*\d+(?:[.,]\d+)?(?:\s*\+\s*\d+(?:[.,]\d+)?)+\s*$")
_NOT_DUE = {"no", "n.d.", "nd", "-", "non previsto", "non dovuto", "n/a"}


def parse_valore(testo: str | None, tipo: TipoIndicatore = TipoIndicatore.NUMERO) -> Decimal | None:
    """Parse a raw target/actual text into the number the engine compares.

    ``si``/``no`` → 1/0 for a sì/no indicator; ``4 SU 8`` → 50 (percent) for a
    ratio; ``270 + 10`` → 280; a date (``entro il 31/07/2024``) → its ordinal
    day number, so that earlier is smaller; anything unreadable → ``None``.
    """
    if testo is None:
        return None
    text = str(testo).strip()
    if not text:
        return None
    if tipo == TipoIndicatore.SI_NO:
        flag = parse_bool(text)
        return None if flag is None else Decimal(int(flag))
    if tipo == TipoIndicatore.DATA:
        found = re.search(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{2}-\d{2}", text)
        when = parse_date(found.group(0)) if found else None
        return Decimal(when.toordinal()) if when else None
    ratio = _RATIO_RE.match(text)
    if ratio:
        num, den = parse_decimal(ratio.group(1)), parse_decimal(ratio.group(2))
        if num is not None and den:
            return num / den * CENTO
        return None
    if _SUM_RE.match(text):
        parts = [parse_decimal(p) for p in text.split("+")]
        nums = [p for p in parts if p is not None]
        if len(nums) == len(parts):
            return sum(nums, ZERO)
    value = parse_decimal(text)
    if value is None:
        # "n.1 atto amministrativo", "95% delle fatture": a single number inside text
        numbers = re.findall(r"\d+(?:[.,]\d+)?", text)
        if len(numbers) == 1 and tipo in (TipoIndicatore.NUMERO, TipoIndicatore.PERCENTUALE,
                                          TipoIndicatore.GIORNI):
            value = parse_decimal(numbers[0])
    return value


def non_dovuto(target_testo: str | None, target: Decimal | None) -> bool:
    """An empty or ``NO`` target: the indicator is not due in that year."""
    if target is not None:
        return False
    if target_testo is None:
        return True
    return target_testo.strip().lower() in _NOT_DUE or not target_testo.strip()


# --------------------------------------------------------------------------- roll-up


@dataclass(frozen=True, slots=True)
class ValoreAnnuale:
    """Target and actual used for scoring, and how they were obtained."""

    target: Decimal | None
    valore: Decimal | None
    target_testo: str | None = None
    valore_testo: str | None = None
    da_periodi: bool = False
    spiegazione: str = ""


def _period_has_value(m: Misura) -> bool:
    if m.valore is None:
        return False
    # seed 002: a "0,00 / 0,00" period means "not measured" (e.g. L3853)
    return not (m.valore == 0 and (m.target is None or m.target == 0))


def valore_annuale(ind: Indicatore, misure: Iterable[Misura], anno: int) -> ValoreAnnuale:
    """Annual target/actual of ``ind`` in ``anno`` (seed 002 §3.1).

    When the year has period rows with values, they are rolled up by the
    indicator's aggregation and the printed annual row is ignored (it may be
    the last value rather than the mean); otherwise the annual row is used.
    """
    rows = [m for m in misure if m.anno == anno and m.indicatore_id in (ind.id, 0)]
    annual = next((m for m in rows if m.periodo == PERIODO_ANNUALE), None)
    periods = [m for m in rows if m.periodo != PERIODO_ANNUALE]
    filled = [m for m in periods if _period_has_value(m)]
    if filled:
        targets = [m.target for m in filled if m.target is not None]
        values = [m.valore for m in filled if m.valore is not None]
        agg = ind.aggregazione
        valore: Decimal | None
        if agg == Aggregazione.SOMMA:
            all_targets = [m.target for m in periods if m.target is not None]
            target = sum(all_targets, ZERO) if all_targets else None
            valore = sum(values, ZERO)
            how = "somma dei periodi"
        elif agg == Aggregazione.MEDIA:
            target = sum(targets, ZERO) / len(targets) if targets else None
            valore = sum(values, ZERO) / len(values)
            how = "media dei periodi rilevati"
        else:
            target = filled[-1].target
            valore = filled[-1].valore
            how = "ultimo periodo rilevato"
        if target is None and annual is not None:
            target = annual.target
        return ValoreAnnuale(target, valore, annual.target_testo if annual else None,
                             None, True, how)
    if annual is None:
        return ValoreAnnuale(None, None)
    return ValoreAnnuale(annual.target, annual.valore, annual.target_testo,
                         annual.valore_testo, False, "valore annuale")


# --------------------------------------------------------------------------- achievement


def raggiungimento(ind: Indicatore, target: Decimal | None, valore: Decimal | None, *,
                   target_testo: str | None = None, cap: bool = True,
                   storico: Mapping[int, Decimal] | None = None) -> Decimal | None:
    """Achievement of one indicator as a fraction (1 = 100 %), or ``None``.

    ``None`` means "not computable": no actual value yet, or the indicator is
    not due (empty/NO target). Seed 002 §3.2: the cap at 100 % is per indicator.
    A trend target with no number («Aumento tendenziale … rispetto al biennio 2021-2022»,
    seed 001 L95) is met or not against the mean of those years' values in ``storico``
    (pass/fail); while a reference year lacks its value it is not computable.
    """
    if target is None and valore is not None and target_testo and storico is not None:
        trend = leggi_target(target_testo).trend
        if trend is not None:
            esito = trend.raggiunto(valore, storico)
            return None if esito is None else (UNO if esito else ZERO)
    if non_dovuto(target_testo, target) or valore is None or target is None:
        # target None with a text: a milestone/text target ("rispetto tempistica")
        # that only the evaluator can judge (a % override on the Valutazione)
        return None
    pol = ind.polarita
    if ind.tipo == TipoIndicatore.SI_NO:
        result = UNO if valore == target else ZERO
        if target == 0:
            return None  # target "no": nothing is expected
        return result
    if ind.tipo == TipoIndicatore.DATA:
        # a deadline: on or before the date is achieved, later is not
        return UNO if valore <= target else ZERO
    if pol == Polarita.DECRESCENTE:
        if valore <= target:
            result = UNO
        else:
            result = target / valore if valore != 0 else ZERO
    elif pol == Polarita.UGUALE:
        if target == 0:
            result = UNO if valore == 0 else ZERO
        else:
            result = max(ZERO, UNO - abs(valore - target) / abs(target))
    else:
        if target == 0:
            result = UNO if valore >= 0 else ZERO
        else:
            result = valore / target
    if result < 0:
        result = ZERO
    if cap and result > UNO:
        result = UNO
    return result


def media_pesata(coppie: Sequence[tuple[Decimal | None, Decimal | None]]) -> Decimal | None:
    """Σ(peso × x)/Σpeso over the pairs whose x is known, as a fraction.

    When no pair has a weight (or the weights sum to zero) it is the plain mean:
    seed 003's indicator weight is "non obbligatorio".
    """
    known = [(p, x) for p, x in coppie if x is not None]
    if not known:
        return None
    pesati = [(p, x) for p, x in known if p is not None]
    if len(pesati) == len(known):
        total = sum((p for p, _ in pesati), ZERO)
        if total > 0:
            return sum((p * x for p, x in pesati), ZERO) / total
    return sum((x for _, x in known), ZERO) / len(known)


@dataclass(frozen=True, slots=True)
class RisultatoIndicatore:
    indicatore: Indicatore
    annuale: ValoreAnnuale
    raggiungimento: Decimal | None  # fraction

    @property
    def perc(self) -> Decimal | None:
        return None if self.raggiungimento is None else self.raggiungimento * CENTO


def risultato_indicatore(ind: Indicatore, misure: Iterable[Misura], anno: int, *,
                         cap: bool = True) -> RisultatoIndicatore:
    misure = list(misure)
    ann = valore_annuale(ind, misure, anno)
    storico: dict[int, Decimal] = {}
    if ind.baseline is not None and ind.anno_baseline:
        storico[ind.anno_baseline] = ind.baseline
    for m in misure:  # the past years' annual values, for trend targets
        if m.anno < anno and m.periodo == PERIODO_ANNUALE and m.valore is not None:
            storico[m.anno] = m.valore
    ragg = raggiungimento(ind, ann.target, ann.valore, target_testo=ann.target_testo, cap=cap,
                          storico=storico)
    return RisultatoIndicatore(ind, ann, ragg)


def perc_indicatori(risultati: Sequence[RisultatoIndicatore], *, individuale: bool = False) -> Decimal | None:
    """'Totale % realizzazione Indicatori' of an objective, in percent.

    An indicator «solo scheda individuale» (seed 004 l.688: «inserita esclusivamente nella
    scheda individuale del dirigente») counts only when ``individuale`` (the manager's own
    valuation), never in the objective's organisational % (settore sheet, tree, monitoring).
    """
    frac = media_pesata([(r.indicatore.peso, r.raggiungimento) for r in risultati
                         if individuale or not r.indicatore.solo_individuale])
    return None if frac is None else frac * CENTO


def perc_fasi(fasi: Sequence[Fase]) -> Decimal | None:
    """'Totale % realizzazione delle Fasi': weighted (or plain) mean of the phases' %."""
    return media_pesata([(f.peso, f.perc_realizzazione) for f in fasi])


def fase_in_ritardo(fase: Fase, oggi: date) -> bool:
    """A phase is late when its deadline has passed and it is not complete."""
    termine = fase.termine()
    if termine is None or termine >= oggi:
        return False
    done = fase.fine_effettiva is not None or (fase.perc_realizzazione or ZERO) >= CENTO
    return not done


# --------------------------------------------------------------------------- SMVP


@dataclass(frozen=True, slots=True)
class Fascia:
    lettera: str
    minimo: Decimal
    massimo: Decimal
    descrittore: str


@dataclass(frozen=True, slots=True)
class Comportamento:
    """A behaviour of the individual valuation (e.g. 'Capacità organizzativa')."""

    nome: str
    peso: Decimal


FASCE_003 = (
    Fascia("A", Decimal(0), Decimal(14), "L'obiettivo non è stato raggiunto"),
    Fascia("B", Decimal(15), Decimal(19), "L'obiettivo è stato parzialmente raggiunto"),
    Fascia("C", Decimal(20), Decimal(25), "L'obiettivo è stato conseguito a livello sufficiente"),
    Fascia("D", Decimal(26), Decimal(28), "L'obiettivo è stato pienamente conseguito"),
    Fascia("E", Decimal(29), Decimal(30), "L'obiettivo è stato conseguito e superato"),
)


@dataclass(frozen=True, slots=True)
class CategoriaValutazione:
    """How one category of staff is evaluated (SMVP): components, weights, behaviours.

    A person falls in the first category whose ``aree`` contain their Area 2023
    (``Area2023`` values), or that has ``responsabili`` set when they are the
    responsabile of a unit (dirigenti/EQ). Weights are percentages summing to 100:
    ``organizzativa`` (ente and unit organisational performance), ``struttura``
    (the result of their unit's scheda obiettivi), ``individuali`` (the objectives
    assigned to the person, weighted by % impegno and period) and
    ``comportamenti`` (the behaviours' scores). ``comportamenti`` empty means the
    SMVP's general catalogue. ``valutatore`` names the evaluating body for this
    category (e.g. «Nucleo di Valutazione»); empty: the unit's responsabile.
    """

    nome: str
    aree: tuple[str, ...] = ()
    responsabili: bool = False
    peso_organizzativa: Decimal = ZERO
    peso_struttura: Decimal = Decimal(50)
    peso_individuali: Decimal = ZERO
    peso_comportamenti: Decimal = Decimal(50)
    comportamenti: tuple[Comportamento, ...] = ()
    valutatore: str = ""

    @property
    def somma_pesi(self) -> Decimal:
        return (self.peso_organizzativa + self.peso_struttura + self.peso_individuali
                + self.peso_comportamenti)


@dataclass(frozen=True, slots=True)
class PesoMinimo:
    """An SMVP rule: an objective whose title contains ``testo`` weighs at least ``minimo`` %.

    Seed 003 l.82: the payment-time objective «dovrà incidere … in misura non
    inferiore al 30%».
    """

    testo: str
    minimo: Decimal


@dataclass(frozen=True, slots=True)
class SistemaValutazione:
    """The ente's valuation system (SMVP), stored in the plan file as JSON.

    Defaults follow seed 003: a 0–30 scale in five fasce; the suggested score
    is linear in the % raggiungimento (30 × %/100, half-up), which the document
    leaves to the evaluator; objectives' % from their indicators.

    ``peso_obiettivi_settore``/``_individuali``/``peso_comportamenti`` and
    ``comportamenti`` describe the category used for people that no entry of
    ``categorie`` covers. ``peso_org_ente``/``peso_org_unita`` split the
    organisational performance between ente and unit (seed 001: 50/50).
    ``risultato_struttura`` says what a unit's result is on every sheet:
    ``valutazione`` (VALUTAZIONE FINALE over its maximum, from the evaluator's or
    the suggested scores) or ``percentuale`` (the weighted mean of the objectives' %).
    """

    nome: str = "Sistema 0-30 (fasce A-E)"
    scala_max: Decimal = Decimal(30)
    fasce: tuple[Fascia, ...] = FASCE_003
    punteggi_interi: bool = True
    cap_indicatore: bool = True
    #: share of the objective % that comes from the indicators (rest from the fasi)
    quota_indicatori: Decimal = CENTO
    peso_obiettivi_settore: Decimal = Decimal(50)
    peso_obiettivi_individuali: Decimal = Decimal(0)
    peso_comportamenti: Decimal = Decimal(50)
    comportamenti: tuple[Comportamento, ...] = (
        Comportamento("Capacità di programmazione e organizzazione", Decimal(25)),
        Comportamento("Orientamento al risultato e all'utenza", Decimal(25)),
        Comportamento("Gestione e valorizzazione delle risorse umane", Decimal(25)),
        Comportamento("Collaborazione e integrazione organizzativa", Decimal(25)),
    )
    categorie: tuple[CategoriaValutazione, ...] = ()
    peso_org_ente: Decimal = Decimal(50)
    peso_org_unita: Decimal = Decimal(50)
    risultato_struttura: str = "valutazione"
    #: who evaluates a unit's responsabile when no category says it
    valutatore_responsabili: str = "Nucleo di Valutazione"
    #: seed 003: «Fasi / Indicatori (obbligatorio per obiettivi gestionali)»
    gestionali_fasi_indicatori: bool = False
    pesi_minimi: tuple[PesoMinimo, ...] = ()

    def categoria_predefinita(self) -> CategoriaValutazione:
        """The category of people no entry of ``categorie`` covers (the general weights)."""
        return CategoriaValutazione(
            "Personale", peso_struttura=self.peso_obiettivi_settore,
            peso_individuali=self.peso_obiettivi_individuali,
            peso_comportamenti=self.peso_comportamenti, comportamenti=self.comportamenti)

    def categoria(self, area: str | None, responsabile: bool, nome: str | None = None
                  ) -> CategoriaValutazione:
        """The category of a person: by name when given, else by role and Area 2023."""
        if nome:
            for c in self.categorie:
                if c.nome.lower() == nome.strip().lower():
                    return c
            raise ValueError(f"categoria «{nome}» non prevista dal sistema di valutazione")
        if responsabile:
            for c in self.categorie:
                if c.responsabili:
                    return c
        for c in self.categorie:
            if area and area in c.aree:
                return c
        return self.categoria_predefinita()

    def comportamenti_di(self, cat: CategoriaValutazione) -> tuple[Comportamento, ...]:
        return cat.comportamenti or self.comportamenti

    def fascia(self, score: Decimal | int | None) -> Fascia | None:
        """The fascia a score falls in; ``None`` for no score, error outside the scale."""
        if score is None:
            return None
        s = Decimal(score)
        for f in self.fasce:
            if f.minimo <= s <= f.massimo:
                return f
        # non-integer scores between two integer fasce (14,5) go to the lower one
        for lower, upper in zip(self.fasce, self.fasce[1:], strict=False):
            if lower.massimo < s < upper.minimo:
                return lower
        raise ValueError(f"punteggio {s} fuori scala 0–{self.scala_max}")

    def punteggio_suggerito(self, perc: Decimal | None) -> Decimal | None:
        """Default mapping % → score (configurable; 95 % → 28,5 → 29 with half-up)."""
        if perc is None:
            return None
        pct = min(max(perc, ZERO), CENTO)
        raw = self.scala_max * pct / CENTO
        return round_half_up(raw, 0) if self.punteggi_interi else round_half_up(raw, 2)

    def perc_obiettivo(self, perc_ind: Decimal | None, perc_fas: Decimal | None) -> Decimal | None:
        """Objective % from its indicators and/or its fasi, per ``quota_indicatori``."""
        q = self.quota_indicatori
        if q >= CENTO or perc_fas is None:
            return perc_ind if q > 0 or perc_fas is None else perc_fas
        if q <= 0 or perc_ind is None:
            return perc_fas
        return (perc_ind * q + perc_fas * (CENTO - q)) / CENTO

    def validate(self) -> list[str]:
        """Italian messages for an inconsistent system (empty when fine)."""
        problems = []
        prev = None
        for f in self.fasce:
            if f.minimo > f.massimo:
                problems.append(f"Fascia {f.lettera}: minimo maggiore del massimo")
            if prev is not None and f.minimo <= prev.massimo:
                problems.append(f"Fascia {f.lettera} si sovrappone alla fascia {prev.lettera}")
            prev = f
        if self.fasce and (self.fasce[0].minimo != 0 or self.fasce[-1].massimo != self.scala_max):
            problems.append("Le fasce devono coprire tutta la scala da 0 al massimo")
        tot = self.peso_obiettivi_settore + self.peso_obiettivi_individuali + self.peso_comportamenti
        if tot != CENTO:
            problems.append(f"I pesi delle componenti sommano a {tot}, non a 100")
        tot_c = sum((c.peso for c in self.comportamenti), ZERO)
        if self.comportamenti and tot_c != CENTO:
            problems.append(f"I pesi dei comportamenti sommano a {tot_c}, non a 100")
        for cat in self.categorie:
            if cat.somma_pesi != CENTO:
                problems.append(f"Categoria «{cat.nome}»: i pesi delle componenti sommano a "
                                f"{cat.somma_pesi}, non a 100")
            tot_cc = sum((c.peso for c in cat.comportamenti), ZERO)
            if cat.comportamenti and tot_cc != CENTO:
                problems.append(f"Categoria «{cat.nome}»: i pesi dei comportamenti sommano a "
                                f"{tot_cc}, non a 100")
        if self.peso_org_ente + self.peso_org_unita != CENTO:
            problems.append("I pesi della performance organizzativa (ente e unità) sommano a "
                            f"{self.peso_org_ente + self.peso_org_unita}, non a 100")
        if self.risultato_struttura not in ("valutazione", "percentuale"):
            problems.append(f"Risultato della struttura «{self.risultato_struttura}» non previsto "
                            "(valutazione o percentuale)")
        return problems

    # -- persistence (JSON in the plan file's impostazioni)

    def to_json(self) -> str:
        def conv(obj: object) -> object:
            if isinstance(obj, Decimal):
                return str(obj)
            if isinstance(obj, (list, tuple)):
                return [conv(x) for x in obj]
            if isinstance(obj, dict):
                return {k: conv(v) for k, v in obj.items()}
            return obj

        return json.dumps(conv(asdict(self)), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> SistemaValutazione:
        data = json.loads(text)
        return cls(**_from_plain(cls, data))


_DEC_FIELDS = {"scala_max", "quota_indicatori", "peso_obiettivi_settore", "peso_obiettivi_individuali",
               "peso_comportamenti", "peso_org_ente", "peso_org_unita", "minimo", "massimo", "peso",
               "peso_organizzativa", "peso_struttura", "peso_individuali"}


def _from_plain(cls: type, data: dict[str, object]) -> dict[str, Any]:
    """JSON dict → constructor arguments of an SMVP dataclass (Decimals, nested tuples)."""
    nested: dict[str, type] = {"fasce": Fascia, "comportamenti": Comportamento,
                               "categorie": CategoriaValutazione, "pesi_minimi": PesoMinimo}
    names = set(cls.__dataclass_fields__)  # type: ignore[attr-defined]
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in names:
            continue  # a field of a newer version: ignored, never an error
        if key in _DEC_FIELDS:
            out[key] = Decimal(str(value))
        elif key in nested and isinstance(value, list):
            sub = nested[key]
            out[key] = tuple(sub(**_from_plain(sub, item)) for item in value)
        elif key == "aree" and isinstance(value, list):
            out[key] = tuple(str(v) for v in value)
        else:
            out[key] = value
    return out


@dataclass(frozen=True, slots=True)
class RigaRiepilogo:
    """One row of seed 003's 'RIEPILOGO OBIETTIVI PIAO'."""

    numero: int
    descrizione: str
    peso: Decimal | None
    perc: Decimal | None
    punteggio: Decimal | None  # score on the scale (0..30), evaluator's or suggested
    fascia: Fascia | None

    @property
    def punteggio_pesato(self) -> Decimal:
        """``Punteggio (1 * 2)`` = peso (as fraction) × score; blank counts as 0."""
        if self.peso is None or self.punteggio is None:
            return ZERO
        return self.peso / CENTO * self.punteggio


@dataclass(frozen=True, slots=True)
class Riepilogo:
    righe: tuple[RigaRiepilogo, ...] = field(default_factory=tuple)

    @property
    def valutazione_finale(self) -> Decimal:
        return sum((r.punteggio_pesato for r in self.righe), ZERO)

    @property
    def somma_pesi(self) -> Decimal:
        return sum((r.peso or ZERO for r in self.righe), ZERO)

    def massimo(self, sistema: SistemaValutazione) -> Decimal:
        return sistema.scala_max * self.somma_pesi / CENTO

    def avvisi(self) -> list[str]:
        out = []
        if self.righe and self.somma_pesi != CENTO:
            out.append(f"La somma dei pesi è {self.somma_pesi} %, non 100 %")
        return out


def riepilogo(sistema: SistemaValutazione,
              obiettivi: Sequence[tuple[str, Decimal | None, Decimal | None, Decimal | None]]
              ) -> Riepilogo:
    """Build the summary from (descrizione, peso, perc, punteggio assegnato) tuples.

    When the evaluator has not assigned a score, the suggested one is used.
    """
    rows = []
    for n, (desc, peso, perc, score) in enumerate(obiettivi, start=1):
        s = score if score is not None else sistema.punteggio_suggerito(perc)
        rows.append(RigaRiepilogo(n, desc, peso, perc, s, sistema.fascia(s)))
    return Riepilogo(tuple(rows))


def valutazione_individuale(sistema: SistemaValutazione, perc_settore: Decimal | None,
                            perc_individuali: Decimal | None,
                            comportamenti: dict[str, Decimal | None]) -> Decimal | None:
    """Final individual score in percent from its three components.

    ``comportamenti`` maps each behaviour's name to a score on the SMVP scale.
    Components without data are left out and the others re-weighted.
    """
    parts: list[tuple[Decimal | None, Decimal | None]] = []
    parts.append((sistema.peso_obiettivi_settore, perc_settore))
    parts.append((sistema.peso_obiettivi_individuali, perc_individuali))
    comp = media_pesata([(c.peso, None if (punti := comportamenti.get(c.nome)) is None
                          else punti / sistema.scala_max * CENTO)
                         for c in sistema.comportamenti])
    parts.append((sistema.peso_comportamenti, comp))
    parts = [(w, x) for w, x in parts if w]
    return media_pesata(parts)


# --------------------------------------------------------------------------- nodes and schede


def obiettivi_valutati(figli: Mapping[int | None, Sequence[int]], pesi: Mapping[int, Decimal | None],
                       membri: Sequence[int], altrove: Callable[[int], bool] = lambda _o: False
                       ) -> list[int]:
    """The objectives a unit's scheda evaluates, in tree order.

    ``membri`` are the objectives assigned to the unit (own or shared) in tree
    order; ``altrove(o)`` tells that a descendant is assigned to another unit (it
    belongs to that unit's scheda). From each member that has no member above it
    the walk goes down: a node with a weight is evaluated as a whole; a node without
    a weight whose subtree holds weighted objectives is replaced by its children
    (strategico → operativi, 002's OE → OS); a node with no weight anywhere below is
    evaluated itself (and reported as without weight).
    """
    member_set = set(membri)
    parent: dict[int, int | None] = {}
    for p, kids in figli.items():
        for k in kids:
            parent[k] = p
    weighted_below: dict[int, bool] = {}

    def has_weight_below(n: int) -> bool:
        found = weighted_below.get(n)
        if found is None:
            stack, found = list(figli.get(n, ())), False
            while stack and not found:
                k = stack.pop()
                if altrove(k) and k not in member_set:
                    continue
                found = pesi.get(k) is not None
                stack.extend(figli.get(k, ()))
            weighted_below[n] = found
        return found

    def top(n: int) -> bool:
        p = parent.get(n)
        while p is not None:
            if p in member_set:
                return False
            p = parent.get(p)
        return True

    out: list[int] = []
    for root in membri:
        if not top(root):
            continue
        stack = [root]
        while stack:
            n = stack.pop()
            if pesi.get(n) is not None or not has_weight_below(n):
                out.append(n)
                continue
            kids = [k for k in figli.get(n, ()) if k in member_set or not altrove(k)]
            stack.extend(reversed(kids))
    return out


@dataclass(frozen=True, slots=True)
class RisultatoScheda:
    """A unit's scheda obiettivi, computed once and shown alike on every sheet.

    ``perc`` is the unit's result in percent (see ``SistemaValutazione.risultato_struttura``);
    ``None`` with ``mancanti`` saying why. ``pari_peso`` tells that no objective had a
    weight and equal weights were applied (printed on the sheet, never silent).
    """

    riepilogo: Riepilogo
    pari_peso: bool
    perc: Decimal | None
    spiegazione: str
    mancanti: tuple[str, ...] = ()
    senza_peso: tuple[str, ...] = ()


def risultato_scheda(sistema: SistemaValutazione,
                     righe: Sequence[tuple[str, str, Decimal | None, Decimal | None, Decimal | None]]
                     ) -> RisultatoScheda:
    """The result of a scheda from (codice, descrizione, peso, %, punteggio assegnato) rows."""
    pari = bool(righe) and all(r[2] is None for r in righe)
    if pari:
        quota = CENTO / len(righe)
        righe = [(c, d, quota, p, s) for c, d, _, p, s in righe]
    riep = riepilogo(sistema, [(d, w, p, s) for _, d, w, p, s in righe])
    senza = tuple(c or d for c, d, w, _, _ in righe if w is None)
    mancanti = tuple(f"risultato di {c or d}" for (c, d, w, p, s) in righe
                     if w is not None and p is None and s is None)
    if not righe:
        return RisultatoScheda(riep, False, None, "nessun obiettivo assegnato alla struttura",
                               ("obiettivi assegnati alla struttura",))
    if mancanti:
        return RisultatoScheda(riep, pari, None, "valutazione incompleta", mancanti, senza)
    massimo = riep.massimo(sistema)
    if sistema.risultato_struttura == "percentuale":
        coppie = [(w, p) for _, _, w, p, _ in righe if w is not None and p is not None]
        tot = sum((w for w, _ in coppie), ZERO)
        if tot <= 0:
            return RisultatoScheda(riep, pari, None, "pesi nulli", ("pesi degli obiettivi",), senza)
        perc = sum((w * p for w, p in coppie), ZERO) / tot
        how = "media pesata della % di raggiungimento degli obiettivi"
    else:
        if massimo <= 0:
            return RisultatoScheda(riep, pari, None, "pesi nulli", ("pesi degli obiettivi",), senza)
        perc = riep.valutazione_finale / massimo * CENTO
        how = "valutazione finale rapportata al punteggio massimo conseguibile"
    if pari:
        how += " (nessun obiettivo ha un peso: considerati di pari peso)"
    return RisultatoScheda(riep, pari, perc, how, (), senza)
