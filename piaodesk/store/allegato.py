"""The monitoring annex per CDR (seed 004): budget summary with the subtotals Totale Azione /
Obiettivo / Indirizzo / CDR, the product sheets with the financial blocks and the indicators at
a round, the notes per indicator per round and the «in linea» judgement.

The notes live in the plan's settings (key ``note_rilevazioni``: JSON {round id: {indicator id:
text}}); :func:`imposta_nota` returns the undoable edit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from ..domain import avanzamento as av
from ..domain.bilancio import RiepilogoBilancio, VoceBilancio, riepilogo_bilancio, stato_avanzamento
from ..domain.enums import Ramo, TipoRisorsa
from ..domain.model import Indicatore, Monitoraggio, Obiettivo, RilevazioneIndicatore, Risorsa, Unita
from . import monitoraggio as mon
from .archive import Archive
from .db import PlanError
from .edits import SetSetting

CHIAVE_NOTE = "note_rilevazioni"
TESTO_MAX = 2000


def note_rilevazioni(archive: Archive) -> dict[int, dict[int, str]]:
    text = archive.impostazione(CHIAVE_NOTE)
    if not text:
        return {}
    try:
        raw = json.loads(text)
        return {int(m): {int(i): str(t) for i, t in v.items()} for m, v in raw.items()}
    except (ValueError, TypeError, AttributeError) as exc:
        raise PlanError("Le note degli indicatori salvate nel piano non sono leggibili.") from exc


def imposta_nota(archive: Archive, mid: int, indicatore_id: int, testo: str | None) -> SetSetting:
    """The note of an indicator at a round (empty text: removed)."""
    if archive.get(Monitoraggio, mid) is None:
        raise PlanError(f"Il monitoraggio n. {mid} non esiste in questo piano.")
    if archive.get(Indicatore, indicatore_id) is None:
        raise PlanError(f"L'indicatore n. {indicatore_id} non esiste in questo piano.")
    testo = (testo or "").strip()
    if len(testo) > TESTO_MAX:
        raise PlanError(f"Nota di {len(testo)} caratteri: al massimo {TESTO_MAX}.")
    note = note_rilevazioni(archive)
    per_round = note.setdefault(mid, {})
    if testo:
        per_round[indicatore_id] = testo
    else:
        per_round.pop(indicatore_id, None)
    valore = json.dumps({str(m): {str(i): t for i, t in v.items()} for m, v in note.items() if v},
                        ensure_ascii=False, sort_keys=True)
    return SetSetting(CHIAVE_NOTE, valore, "Nota dell'indicatore al monitoraggio")


@dataclass(frozen=True)
class RigaRiepilogo:
    """A row of the CDR summary: a progetto, or a «Totale …» subtotal."""

    tipo: str  # "progetto", "Totale Azione", "Totale Obiettivo", "Totale Indirizzo", "Totale CDR"
    indirizzo: str
    obiettivo: str
    azione: str
    codice: str
    progetto: str
    budget: Decimal | None
    assorbimento: Decimal | None


@dataclass(frozen=True)
class BloccoFinanziario:
    tipo: TipoRisorsa
    stanziato: Decimal | None
    assestato: Decimal | None
    realizzato: Decimal | None  # impegnato / accertato
    pagato: Decimal | None  # pagato / incassato
    stato: Decimal | None  # Stato Avanz. %


@dataclass(frozen=True)
class RigaIndicatore:
    indicatore: Indicatore
    rilevazione: RilevazioneIndicatore | None
    giudizio: av.Giudizio
    nota: str


@dataclass(frozen=True)
class SchedaProdotto:
    obiettivo: Obiettivo
    catena: tuple[str, str, str]  # indirizzo, obiettivo, azione
    finanziario: tuple[BloccoFinanziario, ...]
    indicatori: tuple[RigaIndicatore, ...]


@dataclass(frozen=True)
class AllegatoCdr:
    unita: Unita
    riepilogo: tuple[RigaRiepilogo, ...]
    totali: RiepilogoBilancio
    schede: tuple[SchedaProdotto, ...]


@dataclass(frozen=True)
class Allegato:
    monitoraggio: Monitoraggio
    anno: int
    cdr: tuple[AllegatoCdr, ...]
    rilevato: bool  # False: values taken from the misure at the round's date (round not yet filed)


def _somma(xs: list[Decimal | None]) -> Decimal | None:
    known = [x for x in xs if x is not None]
    return sum(known, Decimal(0)) if known else None


def _catena(o: Obiettivo, by_id: dict[int, Obiettivo]) -> tuple[str, str, str]:
    ancestors: list[Obiettivo] = []
    p = by_id.get(o.parent_id or -1)
    while p is not None:
        ancestors.insert(0, p)
        p = by_id.get(p.parent_id or -1)
    names = [a.titolo for a in ancestors]
    azione = names[-1] if names else ""
    obiettivo = names[-2] if len(names) >= 2 else ""
    indirizzo = names[-3] if len(names) >= 3 else ""
    return indirizzo, obiettivo, azione


def _finanziario(risorse: list[Risorsa]) -> tuple[BloccoFinanziario, ...]:
    out = []
    for tipo in (TipoRisorsa.ENTRATA, TipoRisorsa.SPESA):
        rs = [r for r in risorse if TipoRisorsa(r.tipo) == tipo]
        if not rs:
            continue
        ent = tipo == TipoRisorsa.ENTRATA
        assestato = _somma([r.assestato if r.assestato is not None else r.stanziato for r in rs])
        realizzato = _somma([r.accertato if ent else r.impegnato for r in rs])
        out.append(BloccoFinanziario(
            tipo, _somma([r.stanziato for r in rs]), assestato, realizzato,
            _somma([r.incassato if ent else r.pagato for r in rs]),
            stato_avanzamento(tipo, assestato, impegnato=None if ent else realizzato,
                              accertato=realizzato if ent else None)))
    return tuple(out)


def _riepilogo(progetti: list[tuple[Obiettivo, tuple[str, str, str]]], tot: RiepilogoBilancio) -> list[RigaRiepilogo]:
    righe_by_key = {r.chiave: r for r in tot.righe}
    out: list[RigaRiepilogo] = []
    gruppi: dict[str, list[int]] = {}

    def chiudi(livello: str, nome: tuple[str, str, str]) -> None:
        keys = gruppi.pop(livello, [])
        if keys:
            out.append(RigaRiepilogo(f"Totale {livello}", *nome, "", "",
                                     _somma([righe_by_key[k].budget for k in keys]), tot.assorbimento_di(keys)))

    prev: tuple[str, str, str] | None = None
    for o, cat in progetti:
        if prev is not None:
            if cat[:3] != prev[:3]:
                chiudi("Azione", prev)
            if cat[:2] != prev[:2]:
                chiudi("Obiettivo", (prev[0], prev[1], ""))
            if cat[0] != prev[0]:
                chiudi("Indirizzo", (prev[0], "", ""))
        r = righe_by_key[o.id or 0]
        out.append(RigaRiepilogo("progetto", *cat, o.codice, o.titolo, r.budget, r.assorbimento))
        for livello in ("Azione", "Obiettivo", "Indirizzo"):
            gruppi.setdefault(livello, []).append(o.id or 0)
        prev = cat
    if prev is not None:
        chiudi("Azione", prev)
        chiudi("Obiettivo", (prev[0], prev[1], ""))
        chiudi("Indirizzo", (prev[0], "", ""))
    out.append(RigaRiepilogo("Totale CDR", "", "", "", "", "", tot.totale_budget, tot.assorbimento_totale))
    return out


def allegato(archive: Archive, mid: int | None = None, unita_id: int | None = None) -> Allegato:
    """The annex at round ``mid`` (default: the latest) for one CDR or every unit with objectives."""
    rounds = archive.monitoraggi()
    if not rounds:
        raise PlanError("Il piano non ha monitoraggi: aprirne uno (Monitoraggio › Nuovo monitoraggio).")
    m = next((r for r in rounds if r.id == mid), None) if mid is not None else \
        max(rounds, key=lambda r: (r.data or r.chiuso_il or rounds[0].data, r.id or 0))
    if m is None or m.data is None:
        raise PlanError(f"Il monitoraggio n. {mid} non esiste o non ha una data.")
    anno = m.anno
    ril = {r.indicatore_id: r for r in archive.rilevazioni(m.id or 0)}
    rilevato = bool(ril)
    if not rilevato:
        ril = mon.valori_predefiniti(archive, anno, m.data)
    note = note_rilevazioni(archive).get(m.id or 0, {})
    obiettivi = [o for o in archive.obiettivi() if o.ramo == Ramo.OBIETTIVI]
    by_id = {o.id or 0: o for o in obiettivi}
    risorse: dict[int, list[Risorsa]] = {}
    for r in archive.select(Risorsa, "anno = ?", (anno,), order="obiettivo_id, id"):
        risorse.setdefault(r.obiettivo_id, []).append(r)
    indicatori: dict[int, list[Indicatore]] = {}
    for i in archive.indicatori():
        indicatori.setdefault(i.obiettivo_id, []).append(i)
    out = []
    for u in archive.unita():
        if unita_id is not None and u.id != unita_id:
            continue
        mine = [o for o in obiettivi if o.unita_id == u.id and (o.id in risorse or o.id in indicatori)]
        if not mine:
            continue
        con_budget = [o for o in mine if o.id in risorse]
        tot = riepilogo_bilancio(VoceBilancio(o.id or 0, o.codice, o.titolo, tuple(risorse[o.id or 0]))
                                 for o in con_budget)
        schede = []
        for o in mine:
            righe = []
            for ind in indicatori.get(o.id or 0, []):
                rv = ril.get(ind.id or 0)
                g = av.in_linea(ind.tipo, ind.polarita, ind.aggregazione, rv.target if rv else None,
                                rv.valore if rv else None, m.data, anno)
                righe.append(RigaIndicatore(ind, rv, g, note.get(ind.id or 0, "")))
            schede.append(SchedaProdotto(o, _catena(o, by_id), _finanziario(risorse.get(o.id or 0, [])),
                                         tuple(righe)))
        out.append(AllegatoCdr(u, tuple(_riepilogo([(o, _catena(o, by_id)) for o in con_budget], tot)), tot,
                               tuple(schede)))
    return Allegato(m, anno, tuple(out), rilevato)
