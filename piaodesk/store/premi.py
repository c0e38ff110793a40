"""Premi of a plan's year: the persons' valuations (``QuadroValutazioni``) and the settings.

The premi settings live in the plan's settings table (key ``premi``, JSON of
``domain.premi.RegolePremi``); ``imposta_regole`` returns the undoable edit that stores them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from ..domain import premi as dp
from .archive import Archive
from .edits import SetSetting
from .valutazioni import QuadroValutazioni, ValutazionePersona

CHIAVE = "premi"
HUNDRED = Decimal(100)


def regole(archive: Archive, *, fondo: Decimal | None = None) -> dp.RegolePremi:
    """The stored settings (defaults when none), with ``fondo`` replacing the stored fund."""
    text = archive.impostazione(CHIAVE)
    r = dp.RegolePremi.from_json(text) if text else dp.RegolePremi()
    if fondo is not None:
        r = replace(r, fondo=fondo, ripartizione="ente")
        r.controlla()
    return r


def imposta_regole(r: dp.RegolePremi) -> SetSetting:
    r.controlla()
    return SetSetting(CHIAVE, r.to_json(), "Impostazioni dei premi")


def quota_servizio(valido_dal: date | None, valido_al: date | None, anno: int) -> Decimal:
    """% of the year ``anno`` in service (100 when the dates do not limit it)."""
    inizio, fine = date(anno, 1, 1), date(anno, 12, 31)
    da = max(inizio, valido_dal) if valido_dal else inizio
    a = min(fine, valido_al) if valido_al else fine
    if a < da:
        return Decimal(0)
    giorni = (fine - inizio).days + 1
    return (Decimal((a - da).days + 1) * HUNDRED / giorni).quantize(Decimal("0.01"))


def beneficiario(v: ValutazionePersona, anno: int, ore_pieno: Decimal) -> dp.Beneficiario:
    p = v.persona
    org = v.organizzativa
    if org is None and v.scheda is not None:
        org = v.scheda.risultato.perc  # the unit's result when the categoria has no ente share
    pt = HUNDRED
    if p.ore_settimanali is not None and p.ore_settimanali < ore_pieno:
        pt = (p.ore_settimanali * HUNDRED / ore_pieno).quantize(Decimal("0.01"))
    e = v.esito
    return dp.Beneficiario(
        p.id or 0, p.nominativo, p.area, e.categoria, v.unita.nome if v.unita else "",
        e.finale, e.fascia.lettera if e.fascia else None, org,
        quota_servizio(p.valido_dal, p.valido_al, anno), pt)


def calcola(archive: Archive, anno: int | None = None, *, fondo: Decimal | None = None,
            quadro: QuadroValutazioni | None = None,
            con_regole: dp.RegolePremi | None = None) -> tuple[QuadroValutazioni, dp.EsitoPremi]:
    """The premi of the year from the valuations on the plan (no number recomputed here);
    ``con_regole`` (the rules being edited) replaces the stored ones."""
    q = quadro or QuadroValutazioni(archive, anno)
    r = con_regole or regole(archive, fondo=fondo)
    ben = [beneficiario(v, q.anno, r.ore_tempo_pieno) for v in q.tutte()]
    return q, dp.calcola_premi(ben, r)
