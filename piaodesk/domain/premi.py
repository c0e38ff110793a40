"""Premi di performance (risorse decentrate): the SMVP's split of the fund, pure.

Every number of a person's valuation (finale %, fascia, organisational %) comes from the
valuation engine (``store.valutazioni.QuadroValutazioni``); here only the money rules:

- the fund (of the ente, or one per categoria / unità) is split between organisational and
  individual performance (``quota_organizzativa`` %);
- a person takes part when not excluded and the valuation is complete and at least ``soglia`` %;
  the individual share is proportional to ``finale`` × peso, the organisational share to the
  organisational % × peso, where peso = parametro of the Area × % of service × % part-time ×
  presence (days of absence beyond ``franchigia_assenze`` out of ``giorni_lavorativi``);
- CCNL Funzioni locali 2019–21 (art. 81 of 16/11/2022): a ``maggiorazione`` of the individual
  premio, at least 30 % of the average individual premio, goes to a limited share
  (``quota_maggiorazione`` % of the persons taking part, rounded down) chosen by score. A group
  tied on the score at the cut-off that would overflow the share is left out whole (said in a note);
- amounts are rounded to the cent with the total preserved exactly: largest remainder, the extra
  cents going to the larger remainders and, at equal remainders, in a stable order (name, id),
  so the result never depends on the order of the input.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

from .formats import format_decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)

#: how the fund is divided before the SMVP's rule: one fund, or one per categoria or unità
RIPARTIZIONI = ("ente", "categoria", "unita")


class ErrorePremi(ValueError):
    """A refused setting (the message is the Italian line to show)."""


@dataclass(frozen=True)
class RegolePremi:
    """The premi settings of a plan (stored as JSON in the plan's settings, key ``premi``)."""

    fondo: Decimal = ZERO
    ripartizione: str = "ente"
    #: per categoria / unità name when ``ripartizione`` is not "ente"
    fondi: Mapping[str, Decimal] = field(default_factory=dict)
    quota_organizzativa: Decimal = Decimal(30)  # % of each fund for organisational performance
    soglia: Decimal = Decimal(60)  # minimum finale % to take part
    parametri_area: Mapping[str, Decimal] = field(default_factory=dict)  # Area2023 value -> parametro
    maggiorazione: Decimal = Decimal(30)  # % of the average individual premio
    quota_maggiorazione: Decimal = Decimal(10)  # % of the persons taking part
    giorni_lavorativi: int = 250
    franchigia_assenze: int = 0
    ore_tempo_pieno: Decimal = Decimal(36)
    #: persona_id -> days of absence that reduce the premio
    assenze: Mapping[int, int] = field(default_factory=dict)
    #: persona_id -> reason of exclusion
    esclusi: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.controlla()

    def controlla(self) -> None:
        def perc(nome: str, v: Decimal) -> None:
            if not ZERO <= v <= HUNDRED:
                raise ErrorePremi(f"{nome}: {format_decimal(v)} non è una percentuale fra 0 e 100.")

        if self.fondo < 0:
            raise ErrorePremi(f"Il fondo non può essere negativo ({format_decimal(self.fondo)}).")
        if self.fondo != self.fondo.quantize(CENT):
            raise ErrorePremi(f"Il fondo {self.fondo} ha più di due decimali: indicarlo al centesimo.")
        if self.ripartizione not in RIPARTIZIONI:
            raise ErrorePremi(f"Ripartizione «{self.ripartizione}» sconosciuta: ente, categoria o unita.")
        for k, v in self.fondi.items():
            if v < 0 or v != v.quantize(CENT):
                raise ErrorePremi(f"Il fondo di «{k}» ({v}) deve essere un importo positivo al centesimo.")
        perc("Quota per la performance organizzativa", self.quota_organizzativa)
        perc("Soglia", self.soglia)
        perc("Quota del personale con maggiorazione", self.quota_maggiorazione)
        if self.maggiorazione < 30:
            raise ErrorePremi(f"La maggiorazione ({format_decimal(self.maggiorazione)} %) non può essere "
                              "inferiore al 30 % del premio medio (CCNL 2019–21).")
        if self.maggiorazione > 200:
            raise ErrorePremi(f"Maggiorazione del {format_decimal(self.maggiorazione)} %: oltre il 200 %.")
        for k, v in self.parametri_area.items():
            if v <= 0:
                raise ErrorePremi(f"Il parametro dell'area «{k}» deve essere positivo ({v}).")
        if self.giorni_lavorativi <= 0 or self.franchigia_assenze < 0:
            raise ErrorePremi("Giorni lavorativi e franchigia delle assenze devono essere positivi.")
        if self.ore_tempo_pieno <= 0:
            raise ErrorePremi("Le ore settimanali del tempo pieno devono essere positive.")
        for pid, g in self.assenze.items():
            if g < 0:
                raise ErrorePremi(f"Giorni di assenza negativi per la persona {pid}.")

    @property
    def totale(self) -> Decimal:
        return self.fondo if self.ripartizione == "ente" else sum(self.fondi.values(), ZERO)

    # ---------------------------------------------------------------- JSON

    def to_json(self) -> str:
        def d(x: Decimal) -> str:
            return str(x)

        return json.dumps({
            "fondo": d(self.fondo), "ripartizione": self.ripartizione,
            "fondi": {k: d(v) for k, v in self.fondi.items()},
            "quota_organizzativa": d(self.quota_organizzativa), "soglia": d(self.soglia),
            "parametri_area": {k: d(v) for k, v in self.parametri_area.items()},
            "maggiorazione": d(self.maggiorazione), "quota_maggiorazione": d(self.quota_maggiorazione),
            "giorni_lavorativi": self.giorni_lavorativi, "franchigia_assenze": self.franchigia_assenze,
            "ore_tempo_pieno": d(self.ore_tempo_pieno),
            "assenze": {str(k): v for k, v in self.assenze.items()},
            "esclusi": {str(k): v for k, v in self.esclusi.items()},
        }, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RegolePremi:
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict):
                raise TypeError
            dec = {k: Decimal(str(raw[k])) for k in ("fondo", "quota_organizzativa", "soglia", "maggiorazione",
                                                      "quota_maggiorazione", "ore_tempo_pieno") if k in raw}
            return cls(
                **dec,
                ripartizione=str(raw.get("ripartizione", "ente")),
                fondi={str(k): Decimal(str(v)) for k, v in (raw.get("fondi") or {}).items()},
                parametri_area={str(k): Decimal(str(v)) for k, v in (raw.get("parametri_area") or {}).items()},
                giorni_lavorativi=int(raw.get("giorni_lavorativi", 250)),
                franchigia_assenze=int(raw.get("franchigia_assenze", 0)),
                assenze={int(k): int(v) for k, v in (raw.get("assenze") or {}).items()},
                esclusi={int(k): str(v) for k, v in (raw.get("esclusi") or {}).items()},
            )
        except ErrorePremi:
            raise
        except (ValueError, TypeError, ArithmeticError, AttributeError) as exc:
            raise ErrorePremi("Le impostazioni dei premi salvate nel piano non sono leggibili.") from exc


@dataclass(frozen=True)
class Beneficiario:
    """One person as the premi see them: every valuation number comes from the engine."""

    persona_id: int
    nominativo: str
    area: str | None
    categoria: str
    unita: str
    finale: Decimal | None  # % of the individual valuation; None: incomplete
    fascia: str | None
    organizzativa: Decimal | None  # % of the organisational performance used for the org. share
    servizio: Decimal = HUNDRED  # % of the year in service
    part_time: Decimal = HUNDRED  # % of the full time


@dataclass(frozen=True)
class Premio:
    """A person's premio: the parts (exact cents) and why."""

    b: Beneficiario
    ambito: str  # the fund it comes from ("ente", a categoria or a unità)
    peso: Decimal
    organizzativo: Decimal = ZERO
    individuale: Decimal = ZERO  # without the maggiorazione
    maggiorazione: Decimal = ZERO
    escluso: str = ""  # why no premio
    note: tuple[str, ...] = ()

    @property
    def totale(self) -> Decimal:
        return self.organizzativo + self.individuale + self.maggiorazione

    @property
    def partecipa(self) -> bool:
        return not self.escluso


@dataclass(frozen=True)
class EsitoPremi:
    premi: tuple[Premio, ...]  # ranking order: totale desc, then name
    fondo: Decimal
    distribuito: Decimal
    non_distribuito: Decimal
    note: tuple[str, ...]
    maggiorazione_unitaria: dict[str, Decimal]  # per ambito
    beneficiari_maggiorazione: int
    massimo_maggiorazione: int

    def per_fascia(self) -> list[tuple[str, int, Decimal, Decimal]]:
        """(fascia, persons, total amount, average) for each fascia, then «—» for the unvalued."""
        out: dict[str, list[Decimal]] = {}
        for p in self.premi:
            out.setdefault(p.b.fascia or "—", []).append(p.totale)
        return [(k, len(v), sum(v, ZERO), (sum(v, ZERO) / len(v)).quantize(CENT))
                for k, v in sorted(out.items(), key=lambda kv: (kv[0] == "—", kv[0]))]

    @property
    def concentrazione(self) -> Decimal:
        return gini(p.totale for p in self.premi if p.partecipa)


# ------------------------------------------------------------------ rules


def ripartisci(totale: Decimal, pesi: Sequence[Decimal], chiavi: Sequence[object]) -> list[Decimal]:
    """Split ``totale`` (cents) in proportion to ``pesi``, rounded to the cent, summing exactly.

    Largest remainder: each share floored to the cent, the cents left go one each to the larger
    remainders; at equal remainders the smaller ``chiavi`` first (a stable order independent of the
    input's order). All-zero weights: ``ValueError`` (nothing to be proportional to).
    """
    if len(pesi) != len(chiavi):
        raise ValueError("pesi e chiavi di lunghezza diversa")
    if not pesi:
        return []
    if any(p < 0 for p in pesi):
        raise ValueError("peso negativo")
    somma = sum(pesi, ZERO)
    if somma == 0:
        raise ValueError("tutti i pesi sono zero")
    with localcontext() as ctx:
        ctx.prec = 50
        esatte = [totale * p / somma for p in pesi]
        base = [e.quantize(CENT, rounding=ROUND_FLOOR) for e in esatte]
        resti = [e - b for e, b in zip(esatte, base, strict=True)]
    avanzo = int(((totale - sum(base, ZERO)) / CENT).to_integral_value())
    ordine = sorted(range(len(pesi)), key=lambda i: (-resti[i], chiavi[i]))
    for i in ordine[:avanzo]:
        base[i] += CENT
    return base


def gini(valori: Iterable[Decimal]) -> Decimal:
    """Gini concentration index (0 = equal amounts, → 1 = all to one), 4 decimals; 0 if none."""
    xs = sorted(valori)
    n = len(xs)
    tot = sum(xs, ZERO)
    if n == 0 or tot == 0:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = 40
        cum = sum((Decimal(2 * (i + 1) - n - 1) * x for i, x in enumerate(xs)), ZERO)
        return (cum / (Decimal(n) * tot)).quantize(Decimal("0.0001"))


def peso_persona(b: Beneficiario, regole: RegolePremi) -> tuple[Decimal, tuple[str, ...]]:
    """parametro dell'Area × servizio × part-time × presenza, with the notes on what applied."""
    note: list[str] = []
    par = Decimal(1)
    if regole.parametri_area:
        if b.area and b.area in regole.parametri_area:
            par = regole.parametri_area[b.area]
        else:
            note.append(f"Parametro non indicato per l'area «{b.area or 'non indicata'}»: vale 1.")
    giorni = regole.assenze.get(b.persona_id, 0)
    oltre = max(0, giorni - regole.franchigia_assenze)
    presenza = max(ZERO, Decimal(regole.giorni_lavorativi - oltre) / regole.giorni_lavorativi)
    if oltre:
        note.append(f"{oltre} giorni di assenza oltre la franchigia: presenza {format_decimal(presenza * 100)} %.")
    if b.servizio < HUNDRED:
        note.append(f"In servizio per il {format_decimal(b.servizio)} % dell'anno.")
    if b.part_time < HUNDRED:
        note.append(f"Part-time al {format_decimal(b.part_time)} %.")
    return par * b.servizio / HUNDRED * b.part_time / HUNDRED * presenza, tuple(note)


def _ambito(b: Beneficiario, regole: RegolePremi) -> str:
    if regole.ripartizione == "categoria":
        return b.categoria
    if regole.ripartizione == "unita":
        return b.unita
    return "ente"


def _chiave(p: Premio) -> tuple[str, int]:
    return (p.b.nominativo.casefold(), p.b.persona_id)


def calcola_premi(beneficiari: Iterable[Beneficiario], regole: RegolePremi) -> EsitoPremi:
    """The premi of every person (see the module doc); the input order does not matter."""
    persone = sorted(beneficiari, key=lambda b: (b.nominativo.casefold(), b.persona_id))
    note: list[str] = []
    bozze: list[Premio] = []
    for b in persone:
        peso, pn = peso_persona(b, regole)
        escluso = ""
        if b.persona_id in regole.esclusi:
            escluso = "Escluso: " + (regole.esclusi[b.persona_id] or "motivo non indicato")
        elif b.finale is None:
            escluso = "Valutazione incompleta"
        elif b.finale < regole.soglia:
            escluso = (f"Valutazione {format_decimal(b.finale)} % sotto la soglia del "
                       f"{format_decimal(regole.soglia)} %")
        elif peso == 0:
            escluso = "Peso nullo (servizio, part-time o assenze)"
        bozze.append(Premio(b, _ambito(b, regole), peso, escluso=escluso, note=pn))

    ambiti: dict[str, list[int]] = {}
    for i, p in enumerate(bozze):
        ambiti.setdefault(p.ambito, []).append(i)
    if regole.ripartizione == "ente":
        fondi = {"ente": regole.fondo}
    else:
        fondi = dict(regole.fondi)
        for a in ambiti:
            if a not in fondi:
                note.append(f"Nessun fondo indicato per «{a}»: le sue persone non ricevono premi.")
    distribuito = ZERO
    magg_unit: dict[str, Decimal] = {}
    n_magg = 0
    max_magg = 0
    risultato = list(bozze)
    for ambito, fondo in fondi.items():
        idx = [i for i in ambiti.get(ambito, []) if bozze[i].partecipa]
        if not idx:
            if fondo:
                note.append(f"Fondo «{ambito}» ({format_decimal(fondo)} €) non distribuito: nessuna persona ammessa.")
            continue
        f_org = (fondo * regole.quota_organizzativa / HUNDRED).quantize(CENT)
        f_ind = fondo - f_org
        # organisational share: proportional to the organisational % × peso
        org_idx = [i for i in idx if (bozze[i].b.organizzativa or ZERO) > 0]
        if f_org and org_idx:
            parti = ripartisci(f_org, [bozze[i].peso * (bozze[i].b.organizzativa or ZERO) for i in org_idx],
                               [_chiave(bozze[i]) for i in org_idx])
            for i, v in zip(org_idx, parti, strict=True):
                risultato[i] = replace(risultato[i], organizzativo=v)
            distribuito += f_org
        elif f_org:
            note.append(f"Quota organizzativa di «{ambito}» non distribuita: nessun risultato organizzativo.")
        # maggiorazione: a limited share chosen by score
        massimo = int(Decimal(len(idx)) * regole.quota_maggiorazione / HUNDRED)
        max_magg += massimo
        scelti = _scelti_maggiorazione([bozze[i] for i in idx], massimo, note, ambito)
        magg = ZERO
        if scelti and regole.maggiorazione:
            magg = (f_ind / len(idx) * regole.maggiorazione / HUNDRED).quantize(CENT, rounding=ROUND_CEILING)
            if magg * len(scelti) > f_ind:
                magg = (f_ind / len(scelti)).quantize(CENT, rounding=ROUND_FLOOR)
            magg_unit[ambito] = magg
            n_magg += len(scelti)
        resto = f_ind - magg * len(scelti)
        if not any(bozze[i].peso * (bozze[i].b.finale or ZERO) for i in idx):
            note.append(f"Quota individuale di «{ambito}» non distribuita: punteggi tutti a zero.")
            continue
        parti = ripartisci(resto, [bozze[i].peso * (bozze[i].b.finale or ZERO) for i in idx],
                           [_chiave(bozze[i]) for i in idx])
        for i, v in zip(idx, parti, strict=True):
            risultato[i] = replace(risultato[i], individuale=v,
                                   maggiorazione=magg if bozze[i].b.persona_id in scelti else ZERO)
        distribuito += f_ind
    ordine = sorted(risultato, key=lambda p: (-p.totale, -(p.b.finale or -1), _chiave(p)))
    totale = sum(fondi.values(), ZERO)
    return EsitoPremi(tuple(ordine), totale, distribuito, totale - distribuito, tuple(note),
                      magg_unit, n_magg, max_magg)


def _scelti_maggiorazione(ammessi: list[Premio], massimo: int, note: list[str], ambito: str) -> set[int]:
    """The highest scores, at most ``massimo``; a tied group crossing the limit is left out whole."""
    if massimo <= 0:
        return set()
    per_punteggio = sorted(ammessi, key=lambda p: (-(p.b.finale or ZERO), _chiave(p)))
    scelti: set[int] = set()
    i = 0
    while i < len(per_punteggio):
        gruppo = [p for p in per_punteggio[i:] if p.b.finale == per_punteggio[i].b.finale]
        if len(scelti) + len(gruppo) > massimo:
            if len(gruppo) > 1:
                note.append(
                    f"Maggiorazione ({ambito}): {len(gruppo)} persone a pari punteggio "
                    f"({format_decimal(gruppo[0].b.finale)} %) superano la quota di {massimo}: "
                    "nessuna di loro la riceve (la quota è un massimo).")
            break
        scelti.update(p.b.persona_id for p in gruppo)
        i += len(gruppo)
    return scelti
