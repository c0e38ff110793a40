"""Monitoring rounds as reversible edits: open, snapshot, edit, validate, close.

Every function here *builds* an :class:`~piaodesk.store.edits.Edit` (nothing
is written until ``archive.apply(edit)`` or, in the GUI, ``ctx.push(edit)``),
so that all of it is undoable and audited. Edits of a round refuse to apply
once the round is closed (:class:`MonitoraggioChiuso`), and an override of the
computed % without a reason is refused before it reaches the database's
CHECK (:class:`OverrideSenzaMotivo`).
"""

from __future__ import annotations

import dataclasses
import sqlite3
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import repeat
from typing import TYPE_CHECKING, Any

from ..domain import monitoraggio as rules
from ..domain.enums import StatoMonitoraggio
from ..domain.formats import format_date, format_percent, parse_decimal
from ..domain.model import (
    PERIODO_ANNUALE,
    Fase,
    Indicatore,
    Misura,
    Monitoraggio,
    Obiettivo,
    RilevazioneIndicatore,
    StatoAvanzamento,
)
from ..domain.valutazione import SistemaValutazione, parse_valore
from .changes import Changes
from .db import PlanError
from .edits import Batch, Edit, InsertMany, InsertRow, SetFields

if TYPE_CHECKING:
    from .archive import Archive


class MonitoraggioChiuso(PlanError):
    """An edit of a closed (frozen) round."""


class OverrideSenzaMotivo(PlanError):
    """A validated % different from the computed one, without a reason."""


# ---------------------------------------------------------------------- reading


@dataclass
class Round:
    """Everything the views need about one round, read in one go."""

    monitoraggio: Monitoraggio
    obiettivi: list[Obiettivo]
    figli: dict[int, list[int]]
    indicatori: dict[int, list[Indicatore]]
    rilevazioni: dict[int, RilevazioneIndicatore]  # by indicatore_id
    stati: dict[int, StatoAvanzamento]  # by obiettivo_id
    calcolate: dict[int, Decimal | None] = field(default_factory=dict)  # live, unrounded
    #: the objectives' fasi and the valuation system, read once with the round (an edit of the
    #: round recomputes from them without reading the plan again); None: read when needed
    fasi: dict[int, list[Fase]] | None = None
    sistema: SistemaValutazione | None = None
    _genitori: dict[int, int | None] | None = field(default=None, repr=False, compare=False)
    _proprietari: dict[int, int] | None = field(default=None, repr=False, compare=False)
    #: after :func:`aggiorna_round`: the objectives whose % or state may have changed
    ricalcolati: set[int] = field(default_factory=set, repr=False, compare=False)

    @property
    def genitori(self) -> dict[int, int | None]:
        """objective id → parent id (None for a root)"""
        if self._genitori is None:
            self._genitori = {o.id or 0: o.parent_id for o in self.obiettivi}
        return self._genitori

    @property
    def proprietari(self) -> dict[int, int]:
        """indicator id → its objective's id"""
        if self._proprietari is None:
            self._proprietari = {i.id or 0: oid for oid, inds in self.indicatori.items() for i in inds}
        return self._proprietari

    @property
    def chiuso(self) -> bool:
        return self.monitoraggio.stato == StatoMonitoraggio.CHIUSO

    @property
    def rilevato(self) -> bool:
        """True when the round has its snapshot (values were taken)."""
        return bool(self.rilevazioni)

    def calcolata(self, oid: int) -> Decimal | None:
        """% computed at the round: frozen value when closed, live otherwise."""
        st = self.stati.get(oid)
        if self.chiuso:
            return st.perc_calcolata if st else None
        return rules.arrotonda(self.calcolate.get(oid))

    def validata(self, oid: int) -> Decimal | None:
        st = self.stati.get(oid)
        return st.perc_validata if st else None

    def finale(self, oid: int) -> Decimal | None:
        v = self.validata(oid)
        return v if v is not None else self.calcolata(oid)


#: the objectives' fields a round shows and computes with
_OB_ROUND = ("codice", "titolo", "unita_id", "ramo", "livello", "posizione", "peso")


def leggi_round(archive: Archive, mid: int) -> Round:
    mon = archive.get(Monitoraggio, mid)
    if mon is None:
        raise PlanError(f"Il monitoraggio n. {mid} non esiste in questo piano.")
    obiettivi = archive.obiettivi(columns=_OB_ROUND)
    figli: dict[int, list[int]] = {}
    for o in obiettivi:
        if o.parent_id is not None:
            figli.setdefault(o.parent_id, []).append(o.id or 0)
    indicatori: dict[int, list[Indicatore]] = {}
    for i in archive.indicatori():
        indicatori.setdefault(i.obiettivo_id, []).append(i)
    ril = {r.indicatore_id: r for r in archive.rilevazioni(mid)}
    stati = stati_round(archive, mid)
    rnd = Round(mon, obiettivi, figli, indicatori, ril, stati)
    if not rnd.chiuso:
        rnd.fasi = _leggi_fasi(archive)
        rnd.sistema = archive.sistema_valutazione()
        rnd.calcolate = _calcola(archive, rnd, {})
    return rnd


@dataclass(slots=True)
class RigaObiettivo:
    """What a round's row shows of an objective (read first: a light record, not an
    :class:`Obiettivo`; an edit of the objective puts the whole record in its place)."""

    id: int
    parent_id: int | None
    codice: str
    titolo: str


def righe_obiettivi(archive: Archive) -> list[Any]:
    """Every objective as a :class:`RigaObiettivo`, in tree order (parents before children,
    as :meth:`Archive.obiettivi`), several times faster than the whole records."""
    rows = archive.db.conn.execute(
        "SELECT id, parent_id, codice, titolo FROM obiettivi ORDER BY ramo = 'attivita', posizione, id")
    by_parent: dict[int | None, list[RigaObiettivo]] = {}
    for r in rows:
        riga = RigaObiettivo(r[0], r[1], r[2] or "", r[3] or "")
        by_parent.setdefault(riga.parent_id, []).append(riga)
    out: list[Any] = []
    stack = list(reversed(by_parent.get(None, [])))
    while stack:  # (a loop, not recursion: deep trees)
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(by_parent.get(node.id, [])))
    return out


def inizio_round(archive: Archive, mid: int) -> tuple[Monitoraggio, list[Any]] | None:
    """The first, quick part of a round (its record and its objectives' rows): enough to show
    the rows while :func:`stati_round` and :func:`leggi_round_a_passi` read the rest.
    None: the round does not exist."""
    mon = archive.get(Monitoraggio, mid)
    if mon is None:
        return None
    return mon, righe_obiettivi(archive)


def stati_round_a_passi(archive: Archive, mid: int, batch: int = 2000
                        ) -> Iterator[dict[int, StatoAvanzamento]]:
    """:func:`stati_round` a batch at a time."""
    for rows in archive.select_batches(StatoAvanzamento, "monitoraggio_id = ?", (mid,), batch=batch):
        yield {s.obiettivo_id: s for s in rows}


def stati_round(archive: Archive, mid: int) -> dict[int, StatoAvanzamento]:
    """The round's states (stored %, validations, dialogue) by objective."""
    return {s.obiettivo_id: s for s in archive.select(StatoAvanzamento, "monitoraggio_id = ?", (mid,))}


def leggi_round_a_passi(archive: Archive, mon: Monitoraggio, obiettivi: list[Obiettivo],
                        stati: dict[int, StatoAvanzamento], batch: int = 1000
                        ) -> Iterator[Round | None]:
    """:func:`leggi_round` in short steps (a view stays responsive on a large plan): yields
    None after each batch read or computed, and the whole :class:`Round` last. The caller
    restarts it when the plan changes meanwhile."""
    mid = mon.id or 0
    figli: dict[int, list[int]] = {}
    for o in obiettivi:
        if o.parent_id is not None:
            figli.setdefault(o.parent_id, []).append(o.id or 0)
    found: list[Indicatore] = []
    for part in archive.select_batches(Indicatore, batch=batch):
        found += part
        yield None
    found.sort(key=lambda i: (i.obiettivo_id, i.posizione if i.posizione is not None else -1,
                              i.id or 0))
    indicatori: dict[int, list[Indicatore]] = {}
    for i in found:
        indicatori.setdefault(i.obiettivo_id, []).append(i)
    ril: dict[int, RilevazioneIndicatore] = {}
    for rows in archive.select_batches(RilevazioneIndicatore, "monitoraggio_id = ?", (mid,),
                                       batch=batch * 2):
        ril.update((r.indicatore_id, r) for r in rows)
        yield None
    rnd = Round(mon, obiettivi, figli, indicatori, ril, stati)
    if rnd.chiuso:
        yield rnd
        return
    fasi: dict[int, list[Fase]] = {}
    for fasi_lette in archive.select_batches(Fase, columns=("id", *_FASE_CALC), batch=batch * 4):
        for f in fasi_lette:
            fasi.setdefault(f.obiettivo_id, []).append(f)
        yield None
    for fs in fasi.values():
        fs.sort(key=lambda f: (f.posizione if f.posizione is not None else -1, f.id or 0))
    rnd.fasi = fasi
    rnd.sistema = archive.sistema_valutazione()
    valori = _Valori(ril, {})
    validate = {oid: s.perc_validata for oid, s in stati.items() if s.perc_validata is not None}
    calc: dict[int, Decimal | None] = {}
    ids = [o.id or 0 for o in obiettivi]
    step = max(1, batch // 2)
    for k in range(0, len(ids), step):
        calc = rules.percentuali(figli, indicatori, valori, fasi, validate, rnd.sistema,
                                 ids[k:k + step], noti=calc)
        yield None
    rnd.calcolate = calc
    yield rnd


#: the fields of a fase the round's % uses
_FASE_CALC = ("obiettivo_id", "posizione", "perc_realizzazione", "peso")


def _leggi_fasi(archive: Archive, obiettivo_id: int | None = None) -> dict[int, list[Fase]]:
    where, params = ("obiettivo_id = ?", (obiettivo_id,)) if obiettivo_id is not None else (None, ())
    out: dict[int, list[Fase]] = {}
    for f in archive.select(Fase, where, params, order="obiettivo_id, posizione, id",
                            columns=("id", *_FASE_CALC)):
        out.setdefault(f.obiettivo_id, []).append(f)
    return out


#: objective fields that change the round's figures or rows (others only rename rows)
OB_CALCOLO = frozenset({"peso", "parent_id", "posizione", "anni", "stato", "ramo", "livello"})
#: indicator fields that move rows (others are re-read in place)
IND_STRUTTURA = frozenset({"obiettivo_id", "posizione"})
#: beyond this many rows of a round changed at once, :func:`aggiorna_round` gives up (read again)
MOLTE_RIGHE = 2000


def aggiorna_round(archive: Archive, rnd: Round, ch: Changes) -> Round | None:
    """``rnd`` after an edit that left the round's rows where they were (values, validations,
    dialogue, fasi, renamed objectives or indicators), re-reading just the changed rows and
    recomputing the % of their objectives and ancestors only; None when the edit added, removed
    or moved objectives or indicators, or touched the round itself (the caller reads the round
    again with :func:`leggi_round`)."""
    allowed = {"rilevazioni", "stati_avanzamento", "fasi", "obiettivi", "indicatori"}
    if ch.reset or ch.moved or not ch.tables() <= allowed:
        return None
    if ch.inserted.get("obiettivi") or ch.deleted.get("obiettivi") or ch.inserted.get("indicatori") \
            or ch.deleted.get("indicatori"):
        return None
    if any(fs & OB_CALCOLO for fs in ch.updated.get("obiettivi", {}).values()):
        return None
    if any(fs & IND_STRUTTURA for fs in ch.updated.get("indicatori", {}).values()):
        return None
    if sum(len(ch.inserted.get(t, ())) + len(ch.updated.get(t, {})) + len(ch.deleted.get(t, ()))
           for t in ("rilevazioni", "stati_avanzamento")) > MOLTE_RIGHE:
        return None  # (a snapshot: the round read again in one go, not row by row)
    mid = rnd.monitoraggio.id
    sporchi: set[int] = set()
    ril = dict(rnd.rilevazioni)
    gone = set(ch.deleted.get("rilevazioni", ()))
    if gone:
        for iid, r in list(ril.items()):
            if r.id in gone:
                del ril[iid]
                sporchi.add(rnd.proprietari.get(iid, 0))
    for rid in set(ch.inserted.get("rilevazioni", ())) | set(ch.updated.get("rilevazioni", {})):
        letta = archive.get(RilevazioneIndicatore, rid)
        if letta is not None and letta.monitoraggio_id == mid:
            ril[letta.indicatore_id] = letta
            sporchi.add(rnd.proprietari.get(letta.indicatore_id, 0))
    stati = dict(rnd.stati)
    gone = set(ch.deleted.get("stati_avanzamento", ()))
    if gone:
        for oid, st in list(stati.items()):
            if st.id in gone:
                del stati[oid]
                sporchi.add(oid)
    for sid in set(ch.inserted.get("stati_avanzamento", ())) | set(ch.updated.get("stati_avanzamento",
                                                                                  {})):
        stato = archive.get(StatoAvanzamento, sid)
        if stato is not None and stato.monitoraggio_id == mid:
            stati[stato.obiettivo_id] = stato
            sporchi.add(stato.obiettivo_id)
    obiettivi = rnd.obiettivi
    if ch.updated.get("obiettivi"):  # names, codes: the records are read again in place
        fresh = {oid: archive.get(Obiettivo, oid) for oid in ch.updated["obiettivi"]}
        obiettivi = [fresh.get(o.id or 0) or o for o in obiettivi]
    indicatori = rnd.indicatori
    if ch.updated.get("indicatori"):  # polarity, weight, tipo…: in place, their objective recomputed
        indicatori = dict(indicatori)
        for iid in ch.updated["indicatori"]:
            ind = archive.get(Indicatore, iid)
            owner = rnd.proprietari.get(iid)
            if ind is None or owner is None or ind.obiettivo_id != owner:
                return None
            indicatori[owner] = [ind if i.id == iid else i for i in indicatori[owner]]
            sporchi.add(owner)
    fasi = rnd.fasi
    touched_fasi = set(ch.inserted.get("fasi", ())) | set(ch.updated.get("fasi", {})) | set(
        ch.deleted.get("fasi", ()))
    if touched_fasi and fasi is not None:
        owners = {oid for oid, fs in fasi.items() for f in fs if f.id in touched_fasi}
        for fid in touched_fasi:
            f = archive.get(Fase, fid)
            if f is not None:
                owners.add(f.obiettivo_id)
        fasi = dict(fasi)
        for oid in owners:
            fasi[oid] = _leggi_fasi(archive, oid).get(oid, [])
        sporchi |= owners
    new = Round(rnd.monitoraggio, obiettivi, rnd.figli, indicatori, ril, stati,
                calcolate=rnd.calcolate, fasi=fasi, sistema=rnd.sistema,
                _genitori=rnd._genitori, _proprietari=rnd._proprietari)
    if not new.chiuso:
        new.calcolate = _calcola(archive, new, {}, sporchi=sporchi)
    new.ricalcolati = rules.da_ricalcolare(rnd.genitori, {o for o in sporchi if o in rnd.genitori})
    return new


class _Valori(Mapping[int, rules.ValoreRound]):
    """The round's values as the engine reads them, made on demand (an incremental recompute
    looks at a few indicators only), with ``nuovi`` taking precedence."""

    def __init__(self, rilevazioni: dict[int, RilevazioneIndicatore],
                 nuovi: Mapping[int, rules.ValoreRound]) -> None:
        self.ril, self.nuovi = rilevazioni, nuovi

    def __getitem__(self, iid: int) -> rules.ValoreRound:
        if iid in self.nuovi:
            return self.nuovi[iid]
        r = self.ril[iid]
        return rules.ValoreRound(r.target, r.valore, r.target_testo)

    def __iter__(self) -> Iterator[int]:
        return iter(set(self.ril) | set(self.nuovi))

    def __len__(self) -> int:
        return len(set(self.ril) | set(self.nuovi))


class _ValoriSnap(Mapping[int, rules.ValoreRound]):
    """A snapshot's values as the engine reads them (``tenere``: the round's own, kept),
    made on demand."""

    def __init__(self, valori: dict[int, _Valore4], tenere: Mapping[int, RilevazioneIndicatore]
                 ) -> None:
        self.valori, self.tenere = valori, tenere

    def __getitem__(self, iid: int) -> rules.ValoreRound:
        tt, t, _vt, v = self.valori[iid]
        r = self.tenere.get(iid)
        if r is not None:
            return rules.ValoreRound(r.target, r.valore, r.target_testo)
        return rules.ValoreRound(t, v, tt)

    def __iter__(self) -> Iterator[int]:
        return iter(self.valori)

    def __len__(self) -> int:
        return len(self.valori)


def _calcola(archive: Archive, rnd: Round, valori_nuovi: dict[int, rules.ValoreRound],
             validate_nuove: dict[int, Decimal | None] | None = None,
             sporchi: set[int] | None = None) -> dict[int, Decimal | None]:
    """The live % of every objective; with ``sporchi`` (objectives whose own values, fasi or
    validation changed) only those and their ancestors are recomputed, the others are taken
    from ``rnd.calcolate``."""
    valori = _Valori(rnd.rilevazioni, valori_nuovi)
    validate = {oid: s.perc_validata for oid, s in rnd.stati.items() if s.perc_validata is not None}
    for oid, v in (validate_nuove or {}).items():
        if v is None:
            validate.pop(oid, None)
        else:
            validate[oid] = v
    fasi: Mapping[int, list[Fase]] = rnd.fasi if rnd.fasi is not None else _leggi_fasi(archive)
    sistema = rnd.sistema or archive.sistema_valutazione()
    if sporchi is not None and rnd.calcolate:
        sporchi = set(sporchi) | set(validate_nuove or ()) | {
            rnd.proprietari[i] for i in valori_nuovi if i in rnd.proprietari}
        dirty = rules.da_ricalcolare(rnd.genitori, {o for o in sporchi if o in rnd.genitori})
        noti = {oid: v for oid, v in rnd.calcolate.items() if oid not in dirty}
        return rules.percentuali(rnd.figli, rnd.indicatori, valori, fasi, validate, sistema,
                                 dirty, noti=noti)
    return rules.percentuali(rnd.figli, rnd.indicatori, valori, fasi, validate, sistema,
                             [o.id or 0 for o in rnd.obiettivi])


def valori_predefiniti(archive: Archive, anno: int, data: date,
                       inds: list[Indicatore] | None = None) -> dict[int, RilevazioneIndicatore]:
    """The values a new round takes from the indicators' misure (not yet saved)."""
    return {iid: RilevazioneIndicatore(indicatore_id=iid, target=t, target_testo=tt, valore=v,
                                       valore_testo=vt)
            for iid, (tt, t, vt, v) in _valori_alla_data(archive, anno, data, inds).items()}


_Valore4 = tuple[str | None, Decimal | None, str | None, Decimal | None]


def _valori_alla_data(archive: Archive, anno: int, data: date, inds: list[Indicatore] | None
                      ) -> dict[int, _Valore4]:
    """(target text, target, value text, value) of every indicator at ``data``. An indicator
    with only its annual row (the usual case) takes it as it is, read as plain rows in one
    unordered query; one with period rows goes through the domain's rule
    (:func:`rules.valori_alla_data`)."""
    out: dict[int, _Valore4] = {}
    for part in _valori_a_passi(archive, anno, data, inds):
        if part is not None:
            out = part
    return out


def _valori_a_passi(archive: Archive, anno: int, data: date, inds: list[Indicatore] | None,
                    batch: int = 0, grezzi: dict[int, tuple[Any, ...]] | None = None,
                    tali: set[int] | None = None) -> Iterator[dict[int, _Valore4] | None]:
    """:func:`_valori_alla_data` in steps of ``batch`` indicators (None after each step);
    ``grezzi`` receives the stored annual row (id, indicator, texts and numbers as stored) of
    every indicator that takes it as it is, ``tali`` the indicators whose value equals that row
    as stored (texts given, numbers stored as their decimal text): a copy of the row."""
    if inds is None:
        inds = archive.indicatori()
    annuali: dict[int, tuple[Any, ...]] = {}  # indicator → (id, indicator, texts and numbers)
    conn = archive.db.conn
    last = -1
    while True:  # (in id order, a statement per part: no statement stays open between steps)
        part = conn.execute(
            "SELECT id, indicatore_id, target_testo, target, valore_testo, valore FROM misure "
            "WHERE anno = ? AND periodo = ? AND id > ? ORDER BY id LIMIT ?",
            (anno, PERIODO_ANNUALE, last, batch or -1)).fetchall()
        annuali.update({row[1]: row for row in part})
        if not batch or len(part) < batch:
            break
        last = part[-1][0]
        yield None
    periodici = {iid for (iid,) in conn.execute(
        "SELECT DISTINCT indicatore_id FROM misure WHERE anno = ? AND periodo != ?",
        (anno, PERIODO_ANNUALE))}
    rows = archive.valori_misure(anno) if periodici else {}
    if grezzi is not None:
        grezzi.update(annuali)
        for iid in periodici:
            grezzi.pop(iid, None)
    testo = rules.testo_valore
    out: dict[int, _Valore4] = {}
    # stored number → (Decimal, stored as its decimal text): a plan repeats few numbers
    numeri: dict[str, tuple[Decimal, bool]] = {}

    def numero(x: Any) -> tuple[Decimal | None, bool]:
        if x is None:
            return None, True
        if x.__class__ is not str:
            return Decimal(str(x)), False
        found = numeri.get(x)
        if found is None:
            d = Decimal(x)
            found = numeri[x] = (d, str(d) == x)
        return found

    for n, ind in enumerate(inds):
        if batch and n % batch == 0:
            yield None
        iid = ind.id or 0
        if iid not in periodici:
            found = annuali.get(iid)
            if found is None:
                out[iid] = (None, None, None, None)
                continue
            _id, _iid, tt, t, vt, v = found
            target, t_tale = (t.__class__ is str and numeri.get(t)) or numero(t)
            valore, v_tale = (v.__class__ is str and numeri.get(v)) or numero(v)
            tt2 = tt or (testo(target, ind.tipo) if target is not None else None) or None
            vt2 = vt or (testo(valore, ind.tipo) if valore is not None else None) or None
            out[iid] = (tt2, target, vt2, valore)
            if tali is not None and t_tale and v_tale and tt2 == tt and vt2 == vt:
                tali.add(iid)
            continue
        else:
            misure = [Misura(indicatore_id=iid, anno=anno, periodo=p,
                             data_riferimento=date.fromisoformat(d) if d else None,
                             target_testo=tt, target=_dec(t), valore_testo=vt, valore=_dec(v))
                      for _i, p, d, tt, t, vt, v in rows[iid]]
            va = rules.valori_alla_data(ind, misure, anno, data)
            target, valore, tt, vt = va.target, va.valore, va.target_testo, va.valore_testo
        out[iid] = (tt or (testo(target, ind.tipo) if target is not None else None) or None, target,
                    vt or (testo(valore, ind.tipo) if valore is not None else None) or None, valore)
    yield out


def _dec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v))


# ---------------------------------------------------------------------- guarded edits


class _SeAperto(Batch):
    """A batch that applies only while its round is open (redo included)."""

    def __init__(self, mid: int, edits: list[Edit], label: str):
        super().__init__(edits, label)
        self.mid = mid
        self.table = "monitoraggi"
        self.row_id = mid

    def apply(self, archive: Archive) -> Changes:
        _controlla_aperto(archive, self.mid)
        return super().apply(archive)


def _controlla_aperto(archive: Archive, mid: int) -> Monitoraggio:
    mon = archive.get(Monitoraggio, mid)
    if mon is None:
        raise PlanError(f"Il monitoraggio n. {mid} non esiste in questo piano.")
    if mon.stato == StatoMonitoraggio.CHIUSO:
        quando = f" il {format_date(mon.chiuso_il)}" if mon.chiuso_il else ""
        raise MonitoraggioChiuso(
            f"Il monitoraggio «{mon.nome}» è chiuso{quando}: i suoi valori sono congelati e non "
            "si possono modificare. Per correggerli, riaprirlo (Monitoraggio ▸ Riapri).")
    return mon


# ---------------------------------------------------------------------- open / snapshot


def apri(archive: Archive, data: date, nome: str | None = None, anno: int | None = None) -> Edit:
    """Open a new round at ``data`` with its snapshot of values and computed %."""
    piano = archive.piano()
    anno = anno or data.year
    if anno not in piano.anni:
        raise PlanError(f"La data {format_date(data)} è fuori dal triennio {piano.triennio} del piano.")
    for m in archive.monitoraggi():
        if m.data == data:
            raise PlanError(f"Esiste già un monitoraggio al {format_date(data)} («{m.nome}», n. {m.id}).")
    nome = (nome or "").strip() or rules.nome_predefinito(data)
    mid = archive.allocate_id(Monitoraggio)
    edits: list[Edit] = [InsertRow(Monitoraggio(id=mid, nome=nome, data=data, anno=anno),
                                   label="Nuovo monitoraggio")]
    edits += _snapshot(archive, mid, anno, data, {}, {})
    return Batch(edits, f"Apri monitoraggio «{nome}»")


def rileva(archive: Archive, mid: int, aggiorna: bool = False, rnd: Round | None = None
           ) -> Edit | None:
    """Take the snapshot of a round that has none (the demo's rounds), or complete it.

    With ``aggiorna`` the round's values are re-read from the indicators'
    current misure (texts and validated % are kept). ``None``: nothing to do.
    ``rnd``: the round as the caller holds it, up to date (its objectives, indicators and
    fasi are not read again: most of the time on a large plan); the edit then hands the
    round as it leaves it to :func:`round_dopo_istantanea` (the view shows it without
    reading 50.000 rows again, after the step, its undo and its redo).
    The leaves whose values are their annual misure as stored take their own % from the
    plan's % cache when it is ready (:meth:`Archive.percentuali_proprie`, see
    :func:`_proprie_dal_piano`), and the values read by the last snapshot built are reused
    while misure and indicatori are unchanged (:data:`_VALORI`): the same rows either way.
    """
    out: Edit | None = None
    for part in rileva_a_passi(archive, mid, aggiorna, rnd):
        if part is not None:
            out = part
    return out


def rileva_a_passi(archive: Archive, mid: int, aggiorna: bool = False, rnd: Round | None = None,
                   batch: int = 2000) -> Iterator[Edit | None]:
    """:func:`rileva` in short steps (None after each; the edit, if any, last): a view
    prepares «Rileva i valori» while the user looks at the round, see :class:`Preparata`."""
    mon = _controlla_aperto(archive, mid)
    when = mon.data or date(mon.anno, 12, 31)
    if rnd is not None and rnd.monitoraggio.id != mid:
        rnd = None
    if rnd is not None:
        ril, stati = dict(rnd.rilevazioni), dict(rnd.stati)
    else:
        # only the round's own rows: the snapshot computes the % (reading the whole round
        # with leggi_round would compute it a second time, a second on a large plan)
        ril = {r.indicatore_id: r for r in archive.rilevazioni(mid)}
        stati = {st.obiettivo_id: st for st in archive.select(
            StatoAvanzamento, "monitoraggio_id = ?", (mid,))}
    snap: _Calcolo | None = None
    for part in _istantanea_a_passi(archive, mid, mon.anno, when, ril if not aggiorna else {},
                                    stati, esistenti=ril, rnd=rnd, batch=batch):
        if part is None:
            yield None
        else:
            snap = part
    assert snap is not None
    if not snap.edits:
        return
    label = "Aggiorna i valori del monitoraggio" if aggiorna else "Rileva i valori del monitoraggio"
    yield Istantanea(mid, snap, f"{label} «{mon.nome}»")


class Preparata:
    """«Rileva i valori» built ahead, while the user looks at the round (in steps: see
    :func:`rileva_a_passi`), with its rows' ids and the round it leaves made too: the click
    then only writes. Usable only while nothing was written to the plan since it was built
    (the archive's generation): else :meth:`edit` gives None and the caller builds it anew."""

    def __init__(self, archive: Archive, mid: int, rnd: Round, batch: int = 500) -> None:
        self.archive, self.mid = archive, mid
        self.generation = archive.generation
        self.done = False
        self._edit: Edit | None = None
        self._steps = rileva_a_passi(archive, mid, rnd=rnd, batch=batch)

    def passi(self) -> Iterator[None]:
        """The building steps (None after each)."""
        try:
            for part in self._steps:
                if self.archive.generation != self.generation:
                    return  # (the plan changed meanwhile: useless)
                if part is not None:
                    self._edit = part
                yield None
            if isinstance(self._edit, Istantanea):
                for _ in self._edit.prepara_a_passi(self.archive):
                    if self.archive.generation != self.generation:
                        return
                    yield None
        except sqlite3.Error:
            return  # the plan closed or busy meanwhile: nothing prepared (the click builds it)
        self.done = True

    def edit(self, mid: int, archive: Archive | None = None) -> Edit | None:
        """The prepared edit of round ``mid`` (of ``archive``, when given: the plan the caller
        has open now), if complete and still valid (else None)."""
        if not self.done or mid != self.mid or self.archive.generation != self.generation or (
                archive is not None and archive is not self.archive):
            return None
        return self._edit

    @property
    def niente_da_fare(self) -> bool:
        """Complete and valid, and nothing to take (every value already taken)."""
        return self.done and self._edit is None and self.archive.generation == self.generation


def _snapshot(archive: Archive, mid: int, anno: int, data: date,
              tenere: dict[int, RilevazioneIndicatore], stati: dict[int, StatoAvanzamento],
              esistenti: dict[int, RilevazioneIndicatore] | None = None,
              rnd: Round | None = None) -> list[Edit]:
    out: _Calcolo | None = None
    for part in _istantanea_a_passi(archive, mid, anno, data, tenere, stati, esistenti, rnd):
        if part is not None:
            out = part
    assert out is not None
    return out.edits


@dataclass
class _Calcolo:
    """What a snapshot computed: its edits, and what the round held by a view becomes."""

    edits: list[Edit]
    base: Round | None  # the caller's round (None: not given)
    calc: dict[int, Decimal | None]  # the live % (unrounded) with the new values
    #: the new rilevazioni's values (target, valore as numbers), in the InsertMany's order
    nuove: list[tuple[int, str | None, Decimal | None, str | None, Decimal | None]]
    ins_ril: _InsertRound | None = None
    ins_stati: _InsertRound | None = None
    ril_agg: list[tuple[RilevazioneIndicatore, dict[str, Any]]] = field(default_factory=list)
    stati_agg: list[tuple[StatoAvanzamento, dict[str, Any]]] = field(default_factory=list)
    nuovi_stati: list[tuple[int, Decimal | None]] = field(default_factory=list)
    #: a validated % followed the computed one: the % computed with the old one is not the
    #: round's live % (the view reads the round again)
    validate_cambiate: bool = False
    copia_ril: _CopiaRilevazioni | None = None
    copia: list[tuple[int, str | None, Decimal | None, str | None, Decimal | None]] = field(
        default_factory=list)  # the copied rows' values, in the copy's (indicator) order


def _istantanea_a_passi(archive: Archive, mid: int, anno: int, data: date,
                        tenere: dict[int, RilevazioneIndicatore], stati: dict[int, StatoAvanzamento],
                        esistenti: dict[int, RilevazioneIndicatore] | None = None,
                        rnd: Round | None = None, batch: int = 2000
                        ) -> Iterator[_Calcolo | None]:
    """The snapshot's edits and figures, computed in steps (None after each, the result last)."""
    esistenti = esistenti or {}
    if rnd is not None:
        inds = [i for group in rnd.indicatori.values() for i in group]
    else:
        inds = archive.select(Indicatore, order="obiettivo_id, posizione, id", columns=_IND_SNAP)
    chiave = (anno, data, tuple(i.id or 0 for i in inds))
    found = _VALORI.get(archive)
    if found is not None and found[0] >= archive.generazione_di(*_VALORI_DA) and found[1] == chiave:
        default, annuali, tali = found[2:]  # (read by a step built since the misure last changed)
    else:
        gen = archive.generation
        grezzi: dict[int, tuple[Any, ...]] = {}
        default, tali = {}, set()
        for part in _valori_a_passi(archive, anno, data, inds, batch * 4, grezzi, tali):
            if part is None:
                yield None
            else:
                default = part
        annuali = set(grezzi)
        _VALORI[archive] = (gen, chiave, default, annuali, tali)
    edits: list[Edit] = []
    valori = _ValoriSnap(default, tenere)  # (made on demand: the % reads a few of them)
    nuove: list[tuple[Any, ...]] = []  # new rilevazioni, written in one statement
    nuove_val: list[tuple[int, str | None, Decimal | None, str | None, Decimal | None]] = []
    copia: list[int] = []  # new rilevazioni copied from the misure inside SQLite
    copia_val: list[tuple[int, str | None, Decimal | None, str | None, Decimal | None]] = []
    ril_agg: list[tuple[RilevazioneIndicatore, dict[str, Any]]] = []
    fuori = tenere.keys() | esistenti.keys()
    # the stored annual rows as they are: copied inside SQLite (in the values' order)
    copia_val = [(iid, *vals) for iid, vals in default.items() if iid in tali and iid not in fuori]
    copia = [c[0] for c in copia_val]
    yield None
    altre = [(iid, vals) for iid, vals in default.items()
             if iid not in tenere and (iid not in tali or iid in fuori)]
    for n, (iid, vals) in enumerate(altre):
        if n and n % (batch * 4) == 0:
            yield None
        tt, t, vt, v = vals
        old = esistenti.get(iid)
        if old is not None:
            new = {"target": t, "target_testo": tt, "valore": v, "valore_testo": vt}
            if any(getattr(old, k) != x for k, x in new.items()):
                edits.append(SetFields(RilevazioneIndicatore, old.id or 0, new))
                ril_agg.append((old, new))
        else:
            nuove.append((mid, iid, tt, None if t is None else str(t), vt, None if v is None else str(v)))
            nuove_val.append((iid, tt, t, vt, v))
    if len(copia) < COPIA_MIN:  # (a few: written as the others)
        nuove = [(mid, iid, tt, None if t is None else str(t), vt, None if v is None else str(v))
                 for iid, tt, t, vt, v in copia_val] + nuove
        nuove_val = copia_val + nuove_val
        copia, copia_val = [], []
    ins_ril = ins_stati = copia_ril = None
    prop = rnd.proprietari if rnd is not None else None
    if copia:
        order = sorted(range(len(copia)), key=copia.__getitem__)  # (ids in indicator order)
        copia_val = [copia_val[k] for k in order]
        copia_ril = _CopiaRilevazioni(mid, anno, [v[0] for v in copia_val])
        if prop is not None:
            copia_ril._owners = {prop[iid] for iid in copia if iid in prop}
        edits.append(copia_ril)
        yield None
    if nuove:
        ins_ril = _InsertRound(mid, RilevazioneIndicatore, _RIL_COLS, nuove,
                               label="Rilevazioni indicatori")
        if prop is not None:  # (the owners known without reading the indicators again)
            ins_ril._owners = {prop[iid] for iid, *_ in nuove_val if iid in prop}
        edits.append(ins_ril)
    figli: dict[int, list[int]] = {}
    indicatori: dict[int, list[Indicatore]] = {}
    if rnd is not None:  # (grouped as the round holds them already)
        legami = [(o.id or 0, o.parent_id) for o in rnd.obiettivi]
        figli, indicatori = rnd.figli, rnd.indicatori
    else:
        legami = archive.legami_obiettivi()
        for oid, pid in legami:
            if pid is not None:
                figli.setdefault(pid, []).append(oid)
        for i in inds:
            indicatori.setdefault(i.obiettivo_id, []).append(i)
    yield None
    fasi: Any = getattr(rnd, "fasi", None)  # read with the round (when the caller's has them)
    if fasi is None:
        fasi = {}
        for f in archive.select(Fase, order="obiettivo_id, posizione, id", columns=_FASE_SNAP):
            fasi.setdefault(f.obiettivo_id, []).append(f)
    sistema = getattr(rnd, "sistema", None) or archive.sistema_valutazione()
    validate = {oid: s.perc_validata for oid, s in stati.items() if s.perc_validata is not None}
    yield None
    # the leaves whose values are the indicators' annual misure as they are: their own % is
    # the one the plan's % cache holds (the tree's), not computed again (issue 14 point 6)
    proprietari = rnd.proprietari if rnd is not None else {
        i.id or 0: oid for oid, group in indicatori.items() for i in group}
    calc: dict[int, Decimal | None] = _proprie_dal_piano(archive, anno, sistema, legami, figli,
                                                         proprietari, default, annuali, tenere)
    oids = [oid for oid, _ in legami]
    for k in range(0, len(oids), batch):  # (in steps: the % of 10.000 objectives take long)
        calc = rules.percentuali(figli, indicatori, valori, fasi, validate, sistema,
                                 oids[k:k + batch], noti=calc)
        yield None
    nuovi_stati: list[tuple[Any, ...]] = []
    nuovi_perc: list[tuple[int, Decimal | None]] = []
    stati_agg: list[tuple[StatoAvanzamento, dict[str, Any]]] = []
    cambiate = False
    arrotonda = rules.arrotonda
    for n, (oid, _) in enumerate(legami):
        if n and n % (batch * 4) == 0:
            yield None
        perc = arrotonda(calc.get(oid))
        st = stati.get(oid)
        if st is None:
            nuovi_stati.append((mid, oid, None if perc is None else str(perc)))
            nuovi_perc.append((oid, perc))
        else:
            upd = _aggiorna_calcolata(st, perc)
            if upd:
                edits.extend(upd)
                values = upd[0].new if isinstance(upd[0], SetFields) else {}
                stati_agg.append((st, {"perc_calcolata": perc, **(
                    {"perc_validata": perc} if "perc_validata" in values else {})}))
                cambiate = cambiate or "perc_validata" in values
    if nuovi_stati:
        ins_stati = _InsertRound(mid, StatoAvanzamento, ("monitoraggio_id", "obiettivo_id",
                                                          "perc_calcolata"),
                                 nuovi_stati, label="Stati di avanzamento")
        edits.append(ins_stati)
    yield _Calcolo(edits, rnd, calc, nuove_val, ins_ril, ins_stati, ril_agg, stati_agg,
                   nuovi_perc, cambiate, copia_ril, copia_val)


#: per archive, the indicators' values a snapshot last read: (the generation then, (year, date,
#: the indicators), values, the indicators with an annual row and no period rows, those taken
#: as stored); still valid while the tables they come from are unchanged (a value typed at
#: the round changes none of them: «Rileva i valori» right after it does not read them again)
_VALORI: weakref.WeakKeyDictionary[Any, tuple[int, tuple[Any, ...], dict[int, _Valore4], set[int],
                                              set[int]]] = weakref.WeakKeyDictionary()
_VALORI_DA = ("misure", "indicatori")


def _proprie_dal_piano(archive: Archive, anno: int, sistema: SistemaValutazione,
                       legami: list[tuple[int, int | None]], figli: Mapping[int, list[int]],
                       proprietari: Mapping[int, int], valori: Mapping[int, _Valore4],
                       annuali: set[int], tenere: Mapping[int, RilevazioneIndicatore]) -> dict[int, Decimal | None]:
    """The % of the leaves whose own % the plan's % cache of ``anno`` already holds with the
    values the snapshot takes (empty when the cache is not ready or has another system).

    A leaf qualifies when each of its indicators takes its stored annual row as it is
    (``annuali``: no period rows; none kept from the round), and none could read a trend
    target (no number, a value and a text: the cache compares it with past years, a round
    does not). Its % is then the same computation on the same rows (the fasi are the plan's),
    and a leaf's % is its own (:func:`~piaodesk.domain.avanzamento.perc_nodo`).
    """
    found = archive.percentuali_proprie(anno)
    if found is None or found[1] != sistema:
        return {}
    own = found[0]
    altri = (valori.keys() - annuali) | (tenere.keys() & valori.keys())
    altri.update(iid for iid, (tt, t, _vt, v) in valori.items() if t is None and v is not None and tt)
    sporchi = {proprietari.get(iid) for iid in altri}
    return {oid: own.get(oid) for oid, _pid in legami if oid not in sporchi and not figli.get(oid)}


class _InsertRound(InsertMany):
    """A snapshot's new rows of one table. The ids are one contiguous range given at the first
    apply (kept for redo): undo is one DELETE, not one per row."""

    def __init__(self, mid: int, cls: type, columns: tuple[str, ...], values: list[tuple[Any, ...]],
                 label: str) -> None:
        super().__init__(cls, columns, values, label=label)
        self.mid = mid
        self._rows: list[tuple[Any, ...]] | None = None

    def prepara(self, archive: Any, dopo: int = 0) -> None:
        """Give the ids now (from ``dopo`` on at least: rows another edit of the same step
        writes first) and make the rows to write (valid while nothing else is written)."""
        if self.ids is None:
            start = max(archive.rows.next_id(self.table), dopo)
            if start + len(self.values) - 1 > archive.rows.id_range[1]:
                return  # (refused at apply, with its message)
            self.ids = list(range(start, start + len(self.values)))
        if self._rows is None:
            self._rows = [(i, *v) for i, v in zip(self.ids, self.values, strict=True)]

    def apply(self, archive: Any) -> Changes:
        if self._rows is None or self.ids is None:
            return super().apply(archive)
        archive.rows.insert_many(self.table, ("id", *self.columns), self._rows)
        if self._owners is None:
            self._owners = archive.rows.owners_of_values(self.table, self.columns, self.values)
        ch = Changes(owners=set(self._owners))
        ch.inserted[self.table] = set(self.ids)
        return ch

    def revert(self, archive: Any) -> Changes:
        assert self.ids is not None, "revert before apply"
        if self.ids:
            archive.rows.conn.execute(
                f"DELETE FROM [{self.table}] WHERE id BETWEEN ? AND ? AND monitoraggio_id = ?",
                (self.ids[0], self.ids[-1], self.mid))
        ch = Changes(owners=set(self._owners or ()))
        ch.deleted[self.table] = set(self.ids)
        return ch


#: from this many values copied as stored, the copy is done inside SQLite (one statement)
COPIA_MIN = 500


class _CopiaRilevazioni(Edit):
    """A snapshot's new rilevazioni that are the indicators' annual misure as stored, copied
    inside SQLite with one ``INSERT … SELECT`` (no Python round trip per row; the rows were
    checked equal to what the snapshot computed when it was built, and the count is checked
    at each apply). Ids: one range in indicator order, given at the first apply (kept for
    redo); undo is one DELETE."""

    def __init__(self, mid: int, anno: int, iids: list[int]) -> None:
        self.table = "rilevazioni"
        self.mid, self.anno, self.iids = mid, anno, iids
        self.ids: list[int] | None = None
        self.row_id: int | None = None
        self.label = "Rilevazioni indicatori"
        self._owners: set[int] | None = None
        self._json = "[" + ",".join(map(str, iids)) + "]"

    def prepara(self, archive: Any) -> None:
        if self.ids is None:
            start = archive.rows.next_id(self.table)
            if start + len(self.iids) - 1 <= archive.rows.id_range[1]:
                self.ids = list(range(start, start + len(self.iids)))

    def apply(self, archive: Any) -> Changes:
        rows = archive.rows
        if self.ids is None:
            self.prepara(archive)
            if self.ids is None:
                raise ValueError("Troppe righe nuove per l'intervallo di identificativi di questo file.")
        cur = rows.conn.execute(
            # (the list drives the join, through the misure's unique index; j.key: its position)
            "INSERT INTO rilevazioni (id, monitoraggio_id, indicatore_id, target_testo, target, "
            "valore_testo, valore) SELECT ? + j.key, ?, m.indicatore_id, m.target_testo, m.target, "
            "m.valore_testo, m.valore FROM json_each(?) j CROSS JOIN misure m "
            "ON m.indicatore_id = j.value AND m.anno = ? AND m.periodo = ''",
            (self.ids[0], self.mid, self._json, self.anno))
        if cur.rowcount != len(self.iids):  # (the misure changed under the step: never half)
            raise PlanError("I valori degli indicatori sono cambiati: ripetere «Rileva i valori».")
        if self._owners is None:
            self._owners = rows.owners_of_values(self.table, ("indicatore_id",),
                                                 [(i,) for i in self.iids])
        ch = Changes(owners=set(self._owners))
        ch.inserted[self.table] = set(self.ids)
        return ch

    def revert(self, archive: Any) -> Changes:
        assert self.ids is not None, "revert before apply"
        archive.rows.conn.execute(
            "DELETE FROM rilevazioni WHERE id BETWEEN ? AND ? AND monitoraggio_id = ?",
            (self.ids[0], self.ids[-1], self.mid))
        ch = Changes(owners=set(self._owners or ()))
        ch.deleted[self.table] = set(self.ids)
        return ch


class Istantanea(_SeAperto):
    """«Rileva i valori» of a round as one undoable step (see :func:`rileva`): its rows written
    in one statement per table, undone with one DELETE per table; with the caller's round
    it hands the round as it leaves it (after apply: the new values and %; after revert:
    the round as it was) to :func:`round_dopo_istantanea`."""

    def __init__(self, mid: int, calcolo: _Calcolo, label: str) -> None:
        super().__init__(mid, calcolo.edits, label)
        self._calcolo = calcolo
        self._dopo: Round | None = None

    def prepara(self, archive: Archive) -> None:
        """Ready to be written at once (see :class:`Preparata`): ids given, rows and the
        round it leaves made."""
        for _ in self.prepara_a_passi(archive, 0):
            pass

    def prepara_a_passi(self, archive: Archive, batch: int = 5000) -> Iterator[None]:
        """:meth:`prepara` in steps (None after each)."""
        c = self._calcolo
        dopo = 0
        if c.copia_ril is not None:
            c.copia_ril.prepara(archive)
            if c.copia_ril.ids:
                dopo = c.copia_ril.ids[-1] + 1
        if c.ins_ril is not None:
            c.ins_ril.prepara(archive, dopo)
            yield None
        if c.ins_stati is not None:
            c.ins_stati.prepara(archive)
            yield None
        if c.base is not None and not c.validate_cambiate and self._dopo is None and all(
                ins is None or ins.ids is not None for ins in (c.ins_ril, c.ins_stati, c.copia_ril)):
            yield from self._dopo_a_passi(batch)

    def apply(self, archive: Archive) -> Changes:
        _controlla_aperto(archive, self.mid)
        ch = _unisci(e.apply(archive) for e in self.edits)
        c = self._calcolo
        if c.base is not None and not c.validate_cambiate:
            _PUBBLICATI[archive] = (archive.generation, self.mid, self._round_dopo)
        return ch

    def revert(self, archive: Archive) -> Changes:
        ch = _unisci(e.revert(archive) for e in reversed(self.edits))
        base = self._calcolo.base
        if base is not None:
            _PUBBLICATI[archive] = (archive.generation, self.mid, lambda: base)
        return ch

    def _round_dopo(self) -> Round:
        """The caller's round with the snapshot's rows and %, made once (kept for redo)."""
        if self._dopo is None:
            for _ in self._dopo_a_passi(0):
                pass
        assert self._dopo is not None
        return self._dopo

    def _dopo_a_passi(self, batch: int) -> Iterator[None]:
        """:meth:`_round_dopo` made in steps of ``batch`` rows (0: at once)."""
        c = self._calcolo
        base = c.base
        assert base is not None
        mid = self.mid
        ril = dict(base.rilevazioni)
        for old, new in c.ril_agg:
            ril[old.indicatore_id] = dataclasses.replace(old, **new)
        Ril = RilevazioneIndicatore
        for ins, vals in ((c.copia_ril, c.copia), (c.ins_ril, c.nuove)):
            if ins is not None and vals:
                assert ins.ids is not None and len(ins.ids) == len(vals)
                step = batch or len(vals)
                for k in range(0, len(vals), step):  # (the records made by map: no loop in Python)
                    iids, tts, ts, vts, vs = zip(*vals[k:k + step], strict=True)
                    ril.update(zip(iids, map(Ril, ins.ids[k:k + step], repeat(mid), iids, tts, ts,
                                             vts, vs), strict=True))
                    if batch:
                        yield None
        stati = dict(base.stati)
        for st, new in c.stati_agg:
            stati[st.obiettivo_id] = dataclasses.replace(st, **new)
        if c.ins_stati is not None and c.ins_stati.ids is not None:
            Stato = StatoAvanzamento
            for sid, (oid, perc) in zip(c.ins_stati.ids, c.nuovi_stati, strict=True):
                stati[oid] = Stato(id=sid, monitoraggio_id=mid, obiettivo_id=oid, perc_calcolata=perc)
        self._dopo = Round(base.monitoraggio, base.obiettivi, base.figli, base.indicatori, ril, stati,
                           calcolate=c.calc, fasi=base.fasi, sistema=base.sistema,
                           _genitori=base._genitori, _proprietari=base._proprietari)
        c.copia, c.nuove = [], []  # (in the round's rows now: not kept twice)


def _unisci(records: Iterator[Changes]) -> Changes:
    """The records of a step's parts as one, the first (the largest: the values) taken as
    it is rather than copied id by id into an empty one."""
    out: Changes | None = None
    for ch in records:
        out = ch if out is None else out.merge(ch)
    return out if out is not None else Changes()


#: per archive: (generation, round id, the round as the last snapshot step left it)
_PUBBLICATI: weakref.WeakKeyDictionary[Any, tuple[int, int, Callable[[], Round]]] = \
    weakref.WeakKeyDictionary()


def round_dopo_istantanea(archive: Archive, mid: int) -> Round | None:
    """The round ``mid`` as the step just applied or undone on ``archive`` left it, when that
    step was a snapshot made with the caller's round (:func:`rileva`); else None (read it).
    Valid only while nothing else was written since (the archive's generation); given once."""
    found = _PUBBLICATI.pop(archive, None)
    if found is None:
        return None
    gen, m, make = found
    if gen != archive.generation or m != mid:
        return None
    return make()


#: what a snapshot reads of indicators, misure and fasi (not their descriptions)
_IND_SNAP = ("id", "obiettivo_id", "posizione", "tipo", "polarita", "aggregazione", "peso")
_FASE_SNAP = ("id", "obiettivo_id", "posizione", "perc_realizzazione", "peso")
_RIL_COLS = ("monitoraggio_id", "indicatore_id", "target_testo", "target", "valore_testo", "valore")


def _enc(v: Decimal | None) -> str | None:
    return None if v is None else str(v)


def _aggiorna_calcolata(st: StatoAvanzamento, perc: Decimal | None) -> list[Edit]:
    """Set a new computed %; a validated % without a reason follows it (it meant "as computed")."""
    if st.perc_calcolata == perc:
        return []
    values: dict[str, Any] = {"perc_calcolata": perc}
    if st.perc_validata is not None and not (st.motivo_override or "").strip():
        values["perc_validata"] = perc
    return [SetFields(StatoAvanzamento, st.id or 0, values, label="Ricalcolo % di avanzamento")]


def _ricalcolo(archive: Archive, rnd: Round, valori_nuovi: dict[int, rules.ValoreRound],
               validate_nuove: dict[int, Decimal | None] | None = None,
               salta: int | None = None, sporchi: set[int] | None = None) -> list[Edit]:
    """Edits of the stored computed % after a change; with ``sporchi`` only those objectives
    and their ancestors are recomputed (an edit of one value touches one branch)."""
    calc = _calcola(archive, rnd, valori_nuovi, validate_nuove, sporchi=sporchi)
    edits: list[Edit] = []
    if sporchi is not None and rnd.calcolate:
        dirty = rules.da_ricalcolare(rnd.genitori, {o for o in sporchi | set(validate_nuove or ()) | {
            rnd.proprietari[i] for i in valori_nuovi if i in rnd.proprietari} if o in rnd.genitori})
        oids = [oid for oid in rnd.genitori if oid in dirty]
    else:
        oids = [o.id or 0 for o in rnd.obiettivi]
    for oid in oids:
        if oid == salta:
            continue
        perc = rules.arrotonda(calc.get(oid))
        st = rnd.stati.get(oid)
        if st is None:
            edits.append(InsertRow(StatoAvanzamento(monitoraggio_id=rnd.monitoraggio.id or 0,
                                                    obiettivo_id=oid, perc_calcolata=perc)))
        else:
            edits.extend(_aggiorna_calcolata(st, perc))
    return edits


# ---------------------------------------------------------------------- edits of an open round


def imposta_rilevazione(archive: Archive, mid: int, indicatore_id: int, *,
                        valore_testo: str | None = None, target_testo: str | None = None,
                        rnd: Round | None = None) -> Edit:
    """Set an indicator's value (and/or target) at a round, recomputing the objectives' %.

    Pass ``""`` to clear a value; ``None`` leaves it unchanged. Text that is not
    a number is kept as typed (the indicator then does not count). ``rnd``: the round
    as the caller holds it, up to date (saves reading it again: seconds on a large plan).
    """
    mon = _controlla_aperto(archive, mid)
    ind = archive.get(Indicatore, indicatore_id)
    if ind is None:
        raise PlanError(f"L'indicatore n. {indicatore_id} non esiste più.")
    if rnd is None or rnd.monitoraggio.id != mid:
        rnd = leggi_round(archive, mid)
    old = rnd.rilevazioni.get(indicatore_id)
    values: dict[str, Any] = {}
    if valore_testo is not None:
        text = valore_testo.strip()
        values["valore_testo"] = text or None
        values["valore"] = parse_valore(text, ind.tipo) if text else None
    if target_testo is not None:
        text = target_testo.strip()
        values["target_testo"] = text or None
        values["target"] = parse_valore(text, ind.tipo) if text else None
    cur = {k: getattr(old, k) if old else None for k in ("target", "target_testo", "valore", "valore_testo")}
    cur.update(values)
    nuovo = rules.ValoreRound(cur["target"], cur["valore"], cur["target_testo"])
    edits: list[Edit] = []
    if old is None:
        edits.append(InsertRow(RilevazioneIndicatore(monitoraggio_id=mid, indicatore_id=indicatore_id,
                                                     **cur)))
    else:
        edits.append(SetFields(RilevazioneIndicatore, old.id or 0, values))
    edits += _ricalcolo(archive, rnd, {indicatore_id: nuovo}, sporchi={ind.obiettivo_id})
    nome = ind.codice or ind.descrizione[:40]
    return _SeAperto(mid, edits, f"Valore di «{nome}» al {format_date(mon.data)}")


def _stato(archive: Archive, rnd: Round, oid: int) -> tuple[StatoAvanzamento | None, list[Edit]]:
    st = rnd.stati.get(oid)
    if st is not None:
        return st, []
    if archive.get(Obiettivo, oid) is None:
        raise PlanError(f"L'obiettivo n. {oid} non esiste più.")
    return None, []


def imposta_dialogo(archive: Archive, mid: int, obiettivo_id: int, *,
                    relazione_settore: str | None = None, osservazioni_nucleo: str | None = None,
                    risposta_settore: str | None = None, rnd: Round | None = None) -> Edit | None:
    """Set the three texts of the monitoring dialogue of an objective (``None`` = unchanged);
    ``rnd``: the round as the caller holds it, up to date (not read again)."""
    _controlla_aperto(archive, mid)
    if rnd is None or rnd.monitoraggio.id != mid:
        rnd = leggi_round(archive, mid)
    values = {k: (v if v and v.strip() else None) for k, v in (
        ("relazione_settore", relazione_settore), ("osservazioni_nucleo", osservazioni_nucleo),
        ("risposta_settore", risposta_settore)) if v is not None}
    st, _ = _stato(archive, rnd, obiettivo_id)
    if st is None:
        edit: Edit = InsertRow(StatoAvanzamento(monitoraggio_id=mid, obiettivo_id=obiettivo_id,
                                                perc_calcolata=rnd.calcolata(obiettivo_id),
                                                relazione_settore=values.get("relazione_settore"),
                                                osservazioni_nucleo=values.get("osservazioni_nucleo"),
                                                risposta_settore=values.get("risposta_settore")))
    else:
        values = {k: v for k, v in values.items() if getattr(st, k) != v}
        if not values:
            return None
        edit = SetFields(StatoAvanzamento, st.id or 0, values)
    ob = archive.obiettivo(obiettivo_id)
    return _SeAperto(mid, [edit], f"Stato di avanzamento di «{ob.codice if ob else obiettivo_id}»")


def imposta_validata(archive: Archive, mid: int, obiettivo_id: int,
                     validata: Decimal | str | None, motivo: str | None = None,
                     rnd: Round | None = None) -> Edit:
    """Set the % validated by the Nucleo; different from the computed % only with a reason.

    ``validata=None`` (or ``""``) removes the validation. Parents' computed %
    are recomputed (they average their children's final %).
    """
    _controlla_aperto(archive, mid)
    if isinstance(validata, str):
        text = validata.strip()
        parsed = parse_decimal(text) if text else None
        if text and parsed is None:
            raise PlanError(f"«{validata}» non è una percentuale: scrivere ad esempio 100 o 96,74.")
        validata = parsed
    if rnd is None or rnd.monitoraggio.id != mid:
        rnd = leggi_round(archive, mid)
    calcolata = rnd.calcolata(obiettivo_id)
    motivo = (motivo or "").strip() or None
    val = rules.arrotonda(validata)
    msg = rules.errore_validata(calcolata, val, motivo)
    if msg:
        raise OverrideSenzaMotivo(msg)
    if val is not None and val == calcolata and motivo is None:
        val = calcolata  # exactly the stored text: "validated as computed"
    values: dict[str, Any] = {"perc_validata": val, "motivo_override": motivo if val is not None else None,
                              "perc_calcolata": calcolata}
    st, _ = _stato(archive, rnd, obiettivo_id)
    edits: list[Edit] = []
    if st is None:
        edits.append(InsertRow(StatoAvanzamento(monitoraggio_id=mid, obiettivo_id=obiettivo_id, **values)))
    else:
        values = {k: v for k, v in values.items() if getattr(st, k) != v}
        if values:
            edits.append(SetFields(StatoAvanzamento, st.id or 0, values))
    edits += _ricalcolo(archive, rnd, {}, {obiettivo_id: val}, salta=obiettivo_id,
                        sporchi={obiettivo_id})
    ob = archive.obiettivo(obiettivo_id)
    testo = format_percent(val) if val is not None else "nessuna"
    return _SeAperto(mid, edits, f"% validata di «{ob.codice if ob else obiettivo_id}»: {testo}")


# ---------------------------------------------------------------------- close / reopen


def chiudi(archive: Archive, mid: int, quando: date | None = None) -> Edit:
    """Close a round: recompute and freeze its %; afterwards its edits are refused."""
    mon = _controlla_aperto(archive, mid)
    rnd = leggi_round(archive, mid)
    edits: list[Edit] = []
    if not rnd.rilevato:
        edits += _snapshot(archive, mid, mon.anno, mon.data or date(mon.anno, 12, 31), {}, rnd.stati)
    else:
        edits += _ricalcolo(archive, rnd, {})
    edits.append(SetFields(Monitoraggio, mid, {"stato": StatoMonitoraggio.CHIUSO,
                                               "chiuso_il": quando or date.today()}))
    return _SeAperto(mid, edits, f"Chiudi monitoraggio «{mon.nome}»")


def riapri(archive: Archive, mid: int) -> Edit:
    mon = archive.get(Monitoraggio, mid)
    if mon is None:
        raise PlanError(f"Il monitoraggio n. {mid} non esiste in questo piano.")
    if mon.stato != StatoMonitoraggio.CHIUSO:
        raise PlanError(f"Il monitoraggio «{mon.nome}» è già aperto.")
    return SetFields(Monitoraggio, mid, {"stato": StatoMonitoraggio.APERTO, "chiuso_il": None},
                     label=f"Riapri monitoraggio «{mon.nome}»")


def trova(archive: Archive, riferimento: str) -> Monitoraggio:
    """A round by number (id), by position (``#2``) or by date (``30/06/2025``)."""
    from ..domain.formats import parse_date

    text = riferimento.strip()
    rounds = archive.monitoraggi()
    if text.isdigit():
        found = archive.get(Monitoraggio, int(text))
        if found:
            return found
    when = parse_date(text)
    for m in rounds:
        if when and m.data == when:
            return m
    elenco = ", ".join(f"{m.id} ({format_date(m.data)})" for m in rounds) or "nessuno"
    raise PlanError(f"Monitoraggio «{riferimento}» non trovato. Monitoraggi del piano: {elenco}.")


# ---------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Confronto:
    """Values across rounds: indicator rows × round columns, and % per settore."""

    rounds: list[Monitoraggio]
    righe: list[tuple[Obiettivo, Indicatore, list[RilevazioneIndicatore | None]]]
    settori: list[tuple[str, list[Decimal | None]]]  # settore name, mean final % per round


def confronto(archive: Archive) -> Confronto:
    rounds = archive.monitoraggi()
    letti = [leggi_round(archive, m.id or 0) for m in rounds]
    obiettivi = archive.obiettivi()
    by_id = {o.id: o for o in obiettivi}
    per_obiettivo: dict[int, list[Indicatore]] = {}
    for ind in archive.indicatori():  # (one read, not one per objective)
        per_obiettivo.setdefault(ind.obiettivo_id, []).append(ind)
    righe = []
    for o in obiettivi:
        for ind in per_obiettivo.get(o.id or 0, ()):
            righe.append((o, ind, [r.rilevazioni.get(ind.id or 0) for r in letti]))
    settori = []
    roots = [o for o in obiettivi if o.parent_id is None or by_id.get(o.parent_id) is None]
    for u in archive.unita():
        mine = [o for o in roots if o.unita_id == u.id]
        if not mine:
            continue
        series = []
        for r in letti:
            vals = [r.finale(o.id or 0) for o in mine]
            known = [v for v in vals if v is not None]
            series.append(sum(known, Decimal(0)) / len(known) if known else None)
        settori.append((u.nome, series))
    return Confronto(rounds, righe, settori)
