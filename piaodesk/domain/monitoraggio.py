"""Pure rules of a monitoring round (stato di avanzamento).

* A round has a date (30/06, 30/09, 31/12 …). Its indicator values default
  from the indicator's misure of the round's year: at the year end the annual
  value (periods rolled up by the indicator's aggregation, seed 002 §3.1); at
  an earlier date the periods up to that month (``Giugno`` for a 30/06 round:
  the Nucleo compares the June values at the first round, seed 002 §3.5), or
  the annual row (the value "to date", seed 004 §3.6) when the indicator has
  no periods.
* The % of each objective at a round is computed with the valuation engine
  from the round's values: leaves from their indicators (and fasi), a node
  with children as the unweighted mean of its children's final % (validated
  when the Nucleo validated one, else computed; seed 002 §3.4).
* The validated % may differ from the computed one only with a reason
  (seed 002 L5714: 10708 computes 96,74 but was validated at 100 after a
  "mero errore materiale"). Percentages are stored rounded to 2 decimals so
  that "validated as computed" is an exact equality (the plan file's CHECK).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .avanzamento import perc_nodo
from .enums import Aggregazione, TipoIndicatore
from .formats import format_date, format_decimal, format_percent, round_half_up
from .model import PERIODO_ANNUALE, Fase, Indicatore, Misura
from .valutazione import (
    RisultatoIndicatore,
    SistemaValutazione,
    ValoreAnnuale,
    perc_fasi,
    perc_indicatori,
    raggiungimento,
    valore_annuale,
)

ZERO = Decimal(0)

MESI = {
    "gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6,
    "luglio": 7, "agosto": 8, "settembre": 9, "ottobre": 10, "novembre": 11, "dicembre": 12,
}
_NOMI_ROUND = {6: "Primo stato di avanzamento", 12: "Secondo stato di avanzamento"}


def mese_periodo(periodo: str | None, data_riferimento: date | None = None) -> int | None:
    """Month a period row refers to: ``Giugno`` → 6, ``30/09`` → 9, else its reference date."""
    if data_riferimento is not None:
        return data_riferimento.month
    text = (periodo or "").strip().lower()
    if not text:
        return None
    for nome, mese in MESI.items():
        if nome in text or (len(text) >= 3 and nome.startswith(text[:3]) and text.isalpha()):
            return mese
    m = re.search(r"\b\d{1,2}[/.\-](\d{1,2})\b", text)
    if m and 1 <= int(m.group(1)) <= 12:
        return int(m.group(1))
    return None


def nome_predefinito(data: date) -> str:
    """'Monitoraggio al 30/09/2025' (the usual names for June and December rounds)."""
    return f"Monitoraggio al {format_date(data)}"


def fine_anno(data: date) -> bool:
    return data.month == 12 and data.day == 31


def valori_alla_data(ind: Indicatore, misure: Iterable[Misura], anno: int, data: date) -> ValoreAnnuale:
    """Default target/value of an indicator at a round dated ``data`` (see module doc)."""
    rows = [m for m in misure if m.anno == anno and m.indicatore_id in (ind.id, 0)]
    if data.year > anno or fine_anno(data):
        return valore_annuale(ind, rows, anno)
    annual = next((m for m in rows if m.periodo == PERIODO_ANNUALE), None)
    periods = [m for m in rows if m.periodo != PERIODO_ANNUALE]
    if not periods:
        if annual is None:
            return ValoreAnnuale(None, None)
        return ValoreAnnuale(annual.target, annual.valore, annual.target_testo, annual.valore_testo,
                             False, "valore annuale alla data")
    upto = [m for m in periods if (mese_periodo(m.periodo, m.data_riferimento) or 13) <= data.month]
    if not upto:
        return ValoreAnnuale(annual.target if annual else None, None,
                             annual.target_testo if annual else None, None, False,
                             "nessun periodo rilevato entro la data")
    if len(upto) == 1:
        m = upto[0]
        valore = m.valore if _misurato(m) else None
        return ValoreAnnuale(m.target, valore, m.target_testo, m.valore_testo if valore is not None
                             else None, True, f"periodo {m.periodo}")
    ann = valore_annuale(ind, upto, anno)
    if ann.valore is None:
        targets = [m.target for m in upto if m.target is not None]
        target = _rollup(ind.aggregazione, targets)
        return ValoreAnnuale(target, None, None, None, True, "periodi fino alla data")
    return ann


def _misurato(m: Misura) -> bool:
    # seed 002: a "0,00 / 0,00" period means "not measured" (L3853)
    return m.valore is not None and not (m.valore == 0 and (m.target is None or m.target == 0))


def _rollup(agg: Aggregazione, values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    if agg == Aggregazione.SOMMA:
        return sum(values, ZERO)
    if agg == Aggregazione.MEDIA:
        return sum(values, ZERO) / len(values)
    return values[-1]


def testo_valore(value: Decimal | None, tipo: TipoIndicatore = TipoIndicatore.NUMERO) -> str:
    """Text shown for a parsed value (a date indicator stores a day number)."""
    if value is None:
        return ""
    if tipo == TipoIndicatore.DATA:
        try:
            return format_date(date.fromordinal(int(value)))
        except (ValueError, OverflowError):
            return format_decimal(value)
    if tipo == TipoIndicatore.SI_NO:
        return "sì" if value else "no"
    return format_decimal(value)


# --------------------------------------------------------------------------- percentages


@dataclass(frozen=True, slots=True)
class ValoreRound:
    """An indicator's target and value at a round (from its RilevazioneIndicatore)."""

    target: Decimal | None
    valore: Decimal | None
    target_testo: str | None = None


def risultato_round(ind: Indicatore, v: ValoreRound | None, cap: bool = True) -> RisultatoIndicatore:
    if v is None:
        return RisultatoIndicatore(ind, ValoreAnnuale(None, None), None)
    ann = ValoreAnnuale(v.target, v.valore, v.target_testo)
    return RisultatoIndicatore(ind, ann, raggiungimento(ind, v.target, v.valore,
                                                        target_testo=v.target_testo, cap=cap))


def percentuali(figli: Mapping[int, Sequence[int]], indicatori: Mapping[int, Sequence[Indicatore]],
                valori: Mapping[int, ValoreRound], fasi: Mapping[int, Sequence[Fase]],
                validate: Mapping[int, Decimal], sistema: SistemaValutazione,
                nodi: Iterable[int], noti: Mapping[int, Decimal | None] | None = None
                ) -> dict[int, Decimal | None]:
    """Computed % (unrounded) of every node at a round.

    ``figli`` maps a node to its children; ``validate`` holds the validated %
    of nodes that have one (used for their parents' mean). ``noti``: % already known
    of nodes whose subtree did not change (taken as they are: an edit recomputes only the
    edited objective and its ancestors, see :func:`da_ricalcolare`).
    """
    out: dict[int, Decimal | None] = dict(noti) if noti else {}

    def calc(oid: int) -> Decimal | None:
        if oid in out:
            return out[oid]
        children = figli.get(oid) or ()
        own = None
        if not children:
            ris = [risultato_round(i, valori.get(i.id or 0), sistema.cap_indicatore)
                   for i in indicatori.get(oid, ())]
            own = sistema.perc_obiettivo(perc_indicatori(ris), perc_fasi(list(fasi.get(oid, ()))))
        # the node rule: a child counts with its validated % when it has one (its own is computed)
        result = perc_nodo(None, [perc_nodo(validate.get(c), None, calc(c)) for c in children], own)
        out[oid] = result
        return result

    for oid in nodi:
        calc(oid)
    return out


def da_ricalcolare(genitori: Mapping[int, int | None], oids: Iterable[int]) -> set[int]:
    """The objectives whose computed % may change when ``oids`` change: themselves and
    every ancestor (a node's % is the mean of its children's final %)."""
    out: set[int] = set()
    for oid in oids:
        cur: int | None = oid
        while cur is not None and cur not in out:
            out.add(cur)
            cur = genitori.get(cur)
    return out


def arrotonda(perc: Decimal | None) -> Decimal | None:
    """A % as stored at a round (2 decimals, half-up)."""
    return None if perc is None else round_half_up(perc, 2)


def errore_validata(calcolata: Decimal | None, validata: Decimal | None, motivo: str | None) -> str | None:
    """Italian message when a validated % differs from the computed one without a reason."""
    if validata is None:
        return None
    if validata < 0:
        return "La % validata non può essere negativa."
    if arrotonda(validata) == arrotonda(calcolata):
        return None
    if motivo and motivo.strip():
        return None
    calc = format_percent(calcolata) if calcolata is not None else "non calcolabile"
    return (f"La % validata ({format_percent(validata)}) è diversa da quella calcolata ({calc}): "
            "per sovrascriverla indicare la motivazione (es. «mero errore materiale "
            "nell'indicatore, segnalato dal Settore»).")
