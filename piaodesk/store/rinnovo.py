""""Conferma il piano dell'anno precedente": next year's plan from this one.

The new plan is a NEW ``.piao`` file (the old one is only read): triennio
shifted by one year (2025/2027 → 2026/2028), stato *bozza*. It carries:

* ente(s), organisational units, persons (and their aliases);
* the objective tree (both branches) — an objective whose ``anni`` do not
  include any of the new years is dropped (with its subtree), unless a
  descendant is carried; ``anni`` keep only the new years;
* fasi with every date shifted by one year — a fase already completed
  (100 % or with an actual end date) is dropped; actual dates and % are cleared;
* indicators with their targets: the new plan's year N target is the old
  plan's target for that same calendar year (the old N+1 becomes the new N);
  the new last year takes the old last year's target, flagged as a proposal;
  values are cleared and the baseline becomes the last actual value
  (annual roll-up of the latest year with a value);
* assignments with dates shifted by one year (dropped when the person left
  before the new triennio starts), shared objectives, the valuation system;
* financial resources of the new years only.

Monitoring rounds, their texts and the valuations are not carried. Every
choice is listed in a :class:`RapportoRinnovo` shown before and after.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..domain.enums import Ramo, StatoPiano
from ..domain.formats import format_date, format_decimal
from ..domain.model import (
    AliasPersona,
    Ente,
    Indicatore,
    Misura,
    Obiettivo,
    ObiettivoUnita,
    Persona,
    Piano,
    Unita,
)
from ..domain.monitoraggio import testo_valore
from ..domain.valutazione import valore_annuale
from .archive import Archive
from .db import PlanError
from .edits import Batch, Edit, InsertRow, SetFields, SetSetting
from .rischio import CHIAVE as CHIAVE_SCALA_RISCHIO


def sposta_anno(d: date | None, anni: int = 1) -> date | None:
    """The same day one year later (29 February → 28 February)."""
    if d is None:
        return None
    try:
        return d.replace(year=d.year + anni)
    except ValueError:
        return d.replace(year=d.year + anni, day=28)


@dataclass
class RapportoRinnovo:
    """What was carried, changed and dropped (Italian lines for people)."""

    piano_vecchio: str
    piano_nuovo: str
    riportati: Counter[str] = field(default_factory=Counter)
    modificati: list[str] = field(default_factory=list)
    esclusi: list[str] = field(default_factory=list)

    def righe(self) -> list[str]:
        out = [f"Nuovo piano: {self.piano_nuovo} (da {self.piano_vecchio}), stato Bozza.", "",
               "Riportati:"]
        for label, n in self.riportati.items():
            out.append(f"  {label + ':':<34}{n:>6}")
        out += ["", f"Modificati ({len(self.modificati)}):"]
        out += [f"  - {x}" for x in self.modificati] or ["  (nessuno)"]
        out += ["", f"Non riportati ({len(self.esclusi)}):"]
        out += [f"  - {x}" for x in self.esclusi] or ["  (nessuno)"]
        return out

    def testo(self) -> str:
        return "\n".join(self.righe())


@dataclass
class PianoRinnovato:
    """The new plan, computed but not yet written: the rows in insert order and the report."""

    piano: Piano
    ente: Ente
    edits: list[Edit]
    sistema_json: str | None
    rapporto: RapportoRinnovo


def _nome(o: Obiettivo) -> str:
    return f"{o.codice} {o.titolo}".strip()[:80] or f"obiettivo n. {o.id}"


def prepara(arc: Archive, *, anche_conclusi: bool = True) -> PianoRinnovato:
    """Compute next year's plan from ``arc`` (nothing is written).

    Attività gestionali (ordinary activities) recur every year: they are always
    carried, their ``anni`` moved on by one year when none is in the new
    triennio. Objectives of the first branch whose ``anni`` miss the new
    triennio are dropped, unless ``anche_conclusi`` (then they move on too).
    """
    old = arc.piano()
    new_anni = [a + 1 for a in old.anni]
    nuovo = dataclasses.replace(
        old, id=1, titolo=_titolo(old), anno_inizio=old.anno_inizio + 1, anno_fine=old.anno_fine + 1,
        stato=StatoPiano.BOZZA, atto_tipo=None, atto_numero=None, atto_data=None,
        note=f"Piano creato confermando il piano {old.triennio} («{old.titolo}»).")
    rap = RapportoRinnovo(_con_triennio(old), _con_triennio(nuovo))
    edits: list[Edit] = []

    # --- enti: the plan's ente becomes id 1 in the new file (Archive.create); others keep ids
    enti = arc.enti()
    main = arc.ente() or Ente(nome="Ente")
    ente_map: dict[int | None, int | None] = {None: None, main.id: 1}
    next_id = max([e.id or 0 for e in enti] + [1]) + 1
    for e in enti:
        if e.id != main.id:
            ente_map[e.id] = next_id
            next_id += 1
    for e in _topo(enti, lambda e: e.parent_id):
        if e.id == main.id:
            continue
        edits.append(InsertRow(dataclasses.replace(e, id=ente_map[e.id],
                                                   parent_id=ente_map.get(e.parent_id))))

    # --- units (responsabili after the persons), persons, aliases
    unita = arc.unita()
    for u in _topo(unita, lambda u: u.parent_id):
        edits.append(InsertRow(dataclasses.replace(u, responsabile_id=None, posizione=None,
                                                   ente_id=ente_map.get(u.ente_id))))
    rap.riportati["Unità organizzative"] = len(unita)
    start = date(nuovo.anno_inizio, 1, 1)
    persone = arc.persone()
    partiti = {p.id for p in persone if p.valido_al is not None and p.valido_al < start}
    for p in persone:
        edits.append(InsertRow(p))
        for al in arc.select(AliasPersona, "persona_id = ?", (p.id,)):
            edits.append(InsertRow(al))
    rap.riportati["Persone"] = len(persone)
    for u in unita:
        if u.responsabile_id is not None:
            edits.append(SetFields(Unita, u.id or 0, {"responsabile_id": u.responsabile_id}))

    # --- objectives
    obiettivi = arc.obiettivi()
    figli: dict[int | None, list[Obiettivo]] = {}
    for o in obiettivi:
        figli.setdefault(o.parent_id, []).append(o)
    keep: dict[int, bool] = {}

    def decide(o: Obiettivo) -> bool:
        own = (not o.anni or bool(set(o.anni) & set(new_anni)) or anche_conclusi
               or o.ramo == Ramo.ATTIVITA)
        below = [decide(c) for c in figli.get(o.id, [])]
        keep[o.id or 0] = own or any(below)
        if not own and any(below):
            rap.modificati.append(f"{_nome(o)}: anni {_anni(o.anni)} fuori dal nuovo triennio, "
                                  "mantenuto perché contiene obiettivi che proseguono")
        return keep[o.id or 0]

    for root in figli.get(None, []):
        decide(root)
    carried: set[int] = set()
    spostati: list[Obiettivo] = []
    anni_nuovi: dict[int, list[int]] = {}
    for o in obiettivi:
        oid = o.id or 0
        if not keep[oid]:
            if o.parent_id is None or keep.get(o.parent_id or 0):
                rap.esclusi.append(f"Obiettivo {_nome(o)}: anni {_anni(o.anni)}, nessuno nel "
                                   f"triennio {nuovo.triennio}")
            continue
        anni = [a for a in o.anni if a in new_anni]
        if o.anni and not anni:
            anni = [a + 1 for a in o.anni]
            spostati.append(o)
        elif o.anni and anni != o.anni:
            rap.modificati.append(f"{_nome(o)}: anni {_anni(o.anni)} → {_anni(anni)}")
        anni_nuovi[oid] = anni
        edits.append(InsertRow(dataclasses.replace(
            o, posizione=None, anni=anni,
            inizio_previsto=sposta_anno(o.inizio_previsto), fine_prevista=sposta_anno(o.fine_prevista),
            inizio_effettivo=None, fine_effettiva=None)))
        carried.add(oid)
    rap.riportati["Obiettivi"] = sum(1 for o in obiettivi if o.id in carried and o.ramo == "obiettivi")
    rap.riportati["Attività gestionali"] = sum(1 for o in obiettivi if o.id in carried
                                                and o.ramo == "attivita")
    for ramo, label in ((Ramo.ATTIVITA, "attività gestionali"), (Ramo.OBIETTIVI, "obiettivi")):
        moved = [o for o in spostati if o.ramo == ramo]
        if moved:
            esempi = ", ".join(o.codice or str(o.id) for o in moved[:6])
            altri = f" e altri {len(moved) - 6}" if len(moved) > 6 else ""
            rap.modificati.append(f"{len(moved)} {label} riproposti con gli anni spostati di un anno "
                                  f"({esempi}{altri})")

    for ou in arc.select(ObiettivoUnita):
        if ou.obiettivo_id in carried:
            edits.append(InsertRow(ou))

    # --- fasi
    n_fasi = 0
    for f in arc.fasi():
        if f.obiettivo_id not in carried:
            continue
        ob = arc.obiettivo(f.obiettivo_id)
        if f.fine_effettiva is not None or (f.perc_realizzazione or 0) >= 100:
            quando = f" il {format_date(f.fine_effettiva)}" if f.fine_effettiva else ""
            rap.esclusi.append(f"Fase «{f.descrizione[:60]}» di {ob.codice if ob else ''}: "
                               f"già completata{quando}")
            continue
        edits.append(InsertRow(dataclasses.replace(
            f, posizione=None, scadenza=sposta_anno(f.scadenza),
            inizio_previsto=sposta_anno(f.inizio_previsto), fine_prevista=sposta_anno(f.fine_prevista),
            inizio_effettivo=None, fine_effettiva=None, perc_realizzazione=None)))
        n_fasi += 1
    rap.riportati["Fasi (date +1 anno)"] = n_fasi

    # --- indicators and targets
    inds = [i for i in arc.indicatori() if i.obiettivo_id in carried]
    misure: dict[int, list[Misura]] = {}
    for m in arc.misure([i.id or 0 for i in inds]):
        misure.setdefault(m.indicatore_id, []).append(m)
    n_target = 0
    proposti = 0
    for ind in inds:
        rows = misure.get(ind.id or 0, [])
        base = _baseline(ind, rows, old.anni)
        new_ind = ind
        if base is not None:
            anno_b, val = base
            new_ind = dataclasses.replace(ind, baseline=val, anno_baseline=anno_b,
                                          baseline_testo=testo_valore(val, ind.tipo))
        edits.append(InsertRow(dataclasses.replace(new_ind, posizione=None)))
        by_year: dict[int, list[Misura]] = {}
        for m in rows:
            if m.target is not None or m.target_testo:
                by_year.setdefault(m.anno, []).append(m)
        ob_anni = anni_nuovi.get(ind.obiettivo_id) or new_anni
        for anno in [a for a in new_anni if a in ob_anni]:
            src = by_year.get(anno)
            if src:
                n_target += len(src)
            else:
                src = by_year.get(anno - 1)
                if not src:
                    continue
                proposti += len(src)
            for m in src:
                edits.append(InsertRow(Misura(
                    indicatore_id=ind.id or 0, anno=anno, periodo=m.periodo,
                    data_riferimento=sposta_anno(m.data_riferimento, anno - m.anno),
                    target_testo=m.target_testo, target=m.target)))
    rap.riportati["Indicatori"] = len(inds)
    rap.riportati["Target dello stesso anno"] = n_target
    rap.riportati["Target proposti (anno precedente)"] = proposti
    if proposti:
        rap.modificati.append(
            f"{proposti} target mancanti per un anno del nuovo triennio proposti uguali a quelli "
            "dell'anno precedente (da verificare)")
    n_base = sum(1 for ind in inds if _baseline(ind, misure.get(ind.id or 0, []), old.anni))
    if n_base:
        rap.modificati.append(f"Baseline di {n_base} indicatori = ultimo valore rilevato")

    # --- assignments
    n_ass = 0
    for a in arc.assegnazioni():
        if a.obiettivo_id not in carried:
            continue
        if a.persona_id in partiti:
            chi = arc.get(Persona, a.persona_id)
            rap.esclusi.append(f"Assegnazione di {chi.nominativo if chi else '—'} a "
                               f"{_codice(arc, a.obiettivo_id)}: in servizio fino al "
                               f"{format_date(chi.valido_al if chi else None)}")
            continue
        edits.append(InsertRow(dataclasses.replace(a, data_inizio=sposta_anno(a.data_inizio),
                                                   data_fine=sposta_anno(a.data_fine))))
        n_ass += 1
    rap.riportati["Assegnazioni (date +1 anno)"] = n_ass

    # --- resources of the new years only
    n_ris = 0
    escluse = 0
    for oid in sorted(carried):
        for r in arc.risorse(oid):
            if r.anno in new_anni:
                edits.append(InsertRow(r))
                n_ris += 1
            else:
                escluse += 1
    rap.riportati["Risorse finanziarie"] = n_ris
    if escluse:
        rap.esclusi.append(f"{escluse} righe di risorse finanziarie dell'anno {old.anno_inizio} "
                           "(il bilancio del nuovo anno va inserito)")
    n_mon = len(arc.monitoraggi())
    if n_mon:
        rap.esclusi.append(f"{n_mon} monitoraggi, con relazioni e osservazioni del Nucleo "
                           "(restano nel piano precedente)")
    scala = arc.impostazione(CHIAVE_SCALA_RISCHIO)  # the ente's risk scale: the objectives keep its levels
    if scala:
        edits.append(SetSetting(CHIAVE_SCALA_RISCHIO, scala, "Scala del rischio"))
    return PianoRinnovato(nuovo, dataclasses.replace(main, id=None, parent_id=None), edits,
                          arc.impostazione("sistema_valutazione"), rap)


def scrivi(prep: PianoRinnovato, path: Path | str) -> Archive:
    """Write the prepared plan to a NEW file (refuses to overwrite) and return it open."""
    return Archive.open(crea(prep, path))


def crea(prep: PianoRinnovato, path: Path | str) -> Path:
    """Write the prepared plan to a NEW file (refuses to overwrite), without opening it."""

    def fill(new: Archive) -> None:
        new.apply(Batch(prep.edits, "Conferma del piano dell'anno precedente"))
        if prep.sistema_json:
            with new.transazione("Sistema di valutazione", "impostazioni", None):
                new.rows.set_setting("sistema_valutazione", prep.sistema_json)

    # built whole under a temporary name, then renamed: a failure or a kill leaves nothing
    return Archive.build(Path(path), prep.piano, prep.ente, fill=fill)


def rinnova(arc: Archive, path: Path | str, *, anche_conclusi: bool = True
            ) -> tuple[Archive, RapportoRinnovo]:
    if Path(path).exists():
        raise PlanError(f"Il file «{path}» esiste già: scegliere un altro nome.")
    prep = prepara(arc, anche_conclusi=anche_conclusi)
    return scrivi(prep, path), prep.rapporto


# ---------------------------------------------------------------------- helpers


def _titolo(old: Piano) -> str:
    vecchio, nuovo = old.triennio, f"{old.anno_inizio + 1}/{old.anno_fine + 1}"
    if vecchio in old.titolo:
        return old.titolo.replace(vecchio, nuovo)
    return f"{old.titolo} {nuovo}".strip()


def _con_triennio(p: Piano) -> str:
    return p.titolo if p.triennio in p.titolo else f"{p.titolo} ({p.triennio})"


def _anni(anni: list[int]) -> str:
    return ", ".join(str(a) for a in anni) or "—"


def _codice(arc: Archive, oid: int) -> str:
    o = arc.obiettivo(oid)
    return o.codice if o else str(oid)


def _baseline(ind: Indicatore, rows: list[Misura], anni: list[int]) -> tuple[int, Decimal] | None:
    """The last actual value: annual roll-up of the latest year that has one."""
    for anno in sorted({m.anno for m in rows if m.anno in anni} | set(), reverse=True):
        v = valore_annuale(ind, rows, anno).valore
        if v is not None:
            return anno, v
    return None


def _topo(items: list[Any], parent: Any) -> list[Any]:
    """Parents before children (FK order)."""
    ids = {x.id for x in items}
    done: set[Any] = set()
    out: list[Any] = []
    pending = list(items)
    while pending:
        rest = []
        for x in pending:
            p = parent(x)
            if p is None or p not in ids or p in done:
                out.append(x)
                done.add(x.id)
            else:
                rest.append(x)
        if len(rest) == len(pending):  # a cycle: insert anyway, the FK will say it
            out.extend(rest)
            break
        pending = rest
    return out


__all__ = [
    "PianoRinnovato",
    "RapportoRinnovo",
    "crea",
    "format_decimal",
    "prepara",
    "rinnova",
    "scrivi",
    "sposta_anno",
]
