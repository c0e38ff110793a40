"""«In linea» at a monitoring round: the value at the round's date against the annual target
pro-rata (seed 004 §3.6: indicators show the cumulative value to date against an annual target,
so 1692 of 1900 utenti at 30/09 is interim progress, not a failure).

- cumulative indicators (aggregazione «somma», increasing): expected = target × share of the
  year elapsed at the round's date; in linea when value ≥ expected;
- averages, last values, decreasing or «uguale» polarity, percentages: the annual target itself
  (a mean or a ceiling does not grow with the year);
- dates (a deadline): in linea when done by the deadline, or the deadline is after the round;
  «in ritardo» when the deadline has passed without a completion date;
- no value: «non rilevato»; no target: «senza target».

It also holds the %-of-a-node rule (seed 002 §3.4), the only place it is written: the store's
bulk computation, the tree's group rows and the reports' labels all ask :func:`perc_nodo` /
:func:`fonte_nodo`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .enums import Aggregazione, Polarita, TipoIndicatore

IN_LINEA = "in linea"
NON_IN_LINEA = "non in linea"
IN_RITARDO = "in ritardo"
NON_RILEVATO = "non rilevato"
SENZA_TARGET = "senza target"

# where a node's % comes from (fonte_nodo)
FONTE_VALIDATA = "validata"   # the Nucleo's validated %
FONTE_MEDIA = "media"         # the unweighted mean of the children's final %
FONTE_PROPRIA = "propria"     # the node's own indicators and fasi


def media_figli(figli: Sequence[Decimal | None]) -> Decimal | None:
    """Unweighted mean of the known values (seed 002 §3.4: % of a scheda, of a parent node);
    None when none is known."""
    known = [x for x in figli if x is not None]
    if not known:
        return None
    return sum(known, Decimal(0)) / len(known)


def fonte_nodo(validata: Decimal | None, figli: Sequence[Decimal | None] | None) -> str:
    """Which branch of the node rule applies: validated, else mean of children, else own."""
    if validata is not None:
        return FONTE_VALIDATA
    if figli:
        return FONTE_MEDIA
    return FONTE_PROPRIA


def perc_nodo(validata: Decimal | None, figli: Sequence[Decimal | None] | None,
              propria: Decimal | None) -> Decimal | None:
    """The %-of-a-node rule, the only place it is written (seed 002 §3.4).

    The Nucleo's validated % when there is one; else, for a node with children, the
    unweighted mean of the children's final %; else the node's own % from its indicators
    and fasi.
    """
    fonte = fonte_nodo(validata, figli)
    if fonte == FONTE_VALIDATA:
        return validata
    if fonte == FONTE_MEDIA:
        return media_figli(figli or ())
    return propria


@dataclass(frozen=True, slots=True)
class Giudizio:
    esito: str
    atteso: Decimal | None  # the expected value at the round's date (None: not numeric)
    spiegazione: str


def quota_anno(quando: date, anno: int) -> Decimal:
    """Share of ``anno`` elapsed at ``quando`` (inclusive), between 0 and 1."""
    inizio, fine = date(anno, 1, 1), date(anno, 12, 31)
    if quando < inizio:
        return Decimal(0)
    if quando >= fine:
        return Decimal(1)
    return Decimal((quando - inizio).days + 1) / Decimal((fine - inizio).days + 1)


def in_linea(tipo: TipoIndicatore | str, polarita: Polarita | str, aggregazione: Aggregazione | str,
             target: Decimal | None, valore: Decimal | None, quando: date, anno: int) -> Giudizio:
    tipo, polarita, aggregazione = TipoIndicatore(tipo), Polarita(polarita), Aggregazione(aggregazione)
    if tipo == TipoIndicatore.DATA:
        if target is None:
            return Giudizio(SENZA_TARGET, None, "nessuna scadenza indicata")
        scadenza = date.fromordinal(int(target))
        if valore is not None:
            fatto = date.fromordinal(int(valore))
            ok = fatto <= scadenza
            return Giudizio(IN_LINEA if ok else IN_RITARDO, None,
                            "concluso entro la scadenza" if ok else "concluso dopo la scadenza")
        if scadenza < quando:
            return Giudizio(IN_RITARDO, None, "scadenza passata senza data di conclusione")
        return Giudizio(IN_LINEA, None, "scadenza non ancora raggiunta")
    if valore is None:
        return Giudizio(NON_RILEVATO, None, "valore non rilevato")
    if target is None:
        return Giudizio(SENZA_TARGET, None, "target non indicato")
    pro_rata = (aggregazione == Aggregazione.SOMMA and polarita == Polarita.CRESCENTE
                and tipo not in (TipoIndicatore.PERCENTUALE, TipoIndicatore.SI_NO, TipoIndicatore.RAPPORTO))
    if pro_rata:
        q = quota_anno(quando, anno)
        atteso = target * q
        ok = valore >= atteso
        return Giudizio(IN_LINEA if ok else NON_IN_LINEA, atteso,
                        f"atteso pro-rata al {quando.strftime('%d/%m/%Y')}")
    if polarita == Polarita.DECRESCENTE:
        ok = valore <= target
    elif polarita == Polarita.UGUALE:
        ok = valore == target
    else:
        ok = valore >= target
    return Giudizio(IN_LINEA if ok else NON_IN_LINEA, target, "confronto con il target annuale")
