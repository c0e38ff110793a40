"""Scadenze: every deadline of the plan in one table (fasi, objectives' planned end, "entro il"
indicators), as a flat projection (no Qt, no SQL).

Rows are built from cached records (objectives, fasi, date-type indicators and their
annual measure, assignments); on ``Changes`` only the touched rows are rebuilt, reading just
those rows from the archive.

Rows and the objective/fase caches hold plain values (text, numbers, dates, tuples of ids)
and are kept as exact tuples (:attr:`Projection.ROW`, :class:`~.base.Records`): the garbage
collector stops tracking those after their first collection, so 40.000 rows and 40.000
cached records add nothing to the cost of a full collection (issue 13: as dataclasses,
sets and domain objects they made one of ~100 ms).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple, cast

from ..domain import valutazione as engine
from ..domain.enums import TipoIndicatore
from ..domain.formats import format_date, parse_date
from ..domain.model import (
    PERIODO_ANNUALE,
    Assegnazione,
    Fase,
    Indicatore,
    Misura,
    Obiettivo,
)
from ..store import calendario
from ..store.changes import Changes
from ..store.edits import Edit, SetFields
from ..store.letture import indicatori_di_tipo
from .base import Key, Records
from .lookup import Lookup
from .tabella import Col, Projection, ro

SOGLIA_GIORNI = 30

TIPO_FASE, TIPO_OBIETTIVO, TIPO_INDICATORE = "Fase", "Obiettivo", "Indicatore"
#: the plan's legal deadlines (issue 18 point 9: PIAO, monitoring, Relazione …), not editable here
TIPO_LEGGE = "Di legge"
_ORDINE_TIPO = {TIPO_FASE: 0, TIPO_INDICATORE: 1, TIPO_OBIETTIVO: 2, TIPO_LEGGE: 3}


class Scadenza(NamedTuple):
    """A row of plain values, kept as an exact tuple (:attr:`Projection.ROW`)."""

    key: tuple[str, int]
    tipo: str
    scadenza: date | None
    obiettivo_id: int
    obiettivo: str
    descrizione: str
    settore_id: int | None
    settore: str
    responsabile: str
    perc: Decimal | None
    fine_effettiva: date | None
    stato: str
    livello: str | None  # late | soon | done | None
    persone: tuple[int, ...]  # the people involved (sorted ids)


class _Ob(NamedTuple):
    """What the rows read of an objective (``_OB_COLS``)."""

    id: int
    codice: str
    titolo: str
    unita_id: int | None
    trasversale: bool
    responsabile_id: int | None
    fine_prevista: date | None
    fine_effettiva: date | None

    @classmethod
    def of(cls, o: Obiettivo) -> _Ob:
        return cls(o.id or 0, o.codice, o.titolo, o.unita_id, bool(o.trasversale),
                   o.responsabile_id, o.fine_prevista, o.fine_effettiva)


class _Fase(NamedTuple):
    """What the rows read of a fase (``_FASE_COLS``)."""

    id: int
    obiettivo_id: int
    descrizione: str
    scadenza: date | None
    fine_prevista: date | None
    fine_effettiva: date | None
    perc_realizzazione: Decimal | None
    peso: Decimal | None
    scadenza_relativa: str | None

    @classmethod
    def of(cls, f: Fase) -> _Fase:
        return cls(f.id or 0, f.obiettivo_id, f.descrizione, f.scadenza, f.fine_prevista,
                   f.fine_effettiva, f.perc_realizzazione, f.peso, f.scadenza_relativa)

    def termine(self) -> date | None:
        """As :meth:`Fase.termine`: the scadenza, else the planned end."""
        return self.scadenza or self.fine_prevista


def _with(ids: tuple[int, ...], x: int) -> tuple[int, ...]:
    return ids if x in ids else (*ids, x)


def _without(ids: tuple[int, ...], x: int) -> tuple[int, ...]:
    return tuple(i for i in ids if i != x)


def _data_in(testo: str | None) -> date | None:
    if not testo:
        return None
    found = re.search(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{2}-\d{2}", testo)
    return parse_date(found.group(0)) if found else None


def _stato(termine: date | None, completata: bool, oggi: date) -> tuple[str, str | None]:
    if completata:
        return "Completata", "done"
    if termine is None:
        return "Senza data", None
    giorni = (termine - oggi).days
    if giorni < 0:
        return f"In ritardo di {-giorni} gg", "late"
    if giorni <= SOGLIA_GIORNI:
        return ("Scade oggi" if giorni == 0 else f"Scade tra {giorni} gg"), "soon"
    return "In corso", None


#: the fields the rows use (no JSON lists to decode for 10.000 objectives)
_OB_COLS = ("id", "codice", "titolo", "unita_id", "trasversale", "responsabile_id",
            "fine_prevista", "fine_effettiva")
_FASE_COLS = ("id", "obiettivo_id", "descrizione", "scadenza", "fine_prevista", "fine_effettiva",
              "perc_realizzazione", "peso", "scadenza_relativa")


class ScadenzeProjection(Projection[Scadenza]):
    ROW = Scadenza  # (kept as exact tuples: untracked by the GC)
    COLUMNS = (
        ro("scadenza", "Scadenza", "date", 90),
        ro("tipo", "Tipo", width=72),
        ro("obiettivo", "Obiettivo", width=260),
        ro("descrizione", "Fase / descrizione", width=270),
        ro("settore", "Settore", width=160),
        ro("responsabile", "Responsabile", width=140),
        Col("perc", "% realizz.", "percent", width=85,
               tooltip="% di realizzazione della fase (modificabile)"),
        Col("fine_effettiva", "Fine effettiva", "date", width=95),
        ro("stato", "Stato", width=130),
    )

    def __init__(self, archive: Any, *, anno: Callable[[], int | None] | int | None = None,
                 oggi: date | Callable[[], date] | None = None) -> None:
        super().__init__(archive)
        self._anno = anno
        self._oggi = oggi
        self.lookup = Lookup(archive)
        self._ob: Records[int, _Ob] = Records(_Ob)
        self._info: dict[int, tuple[str, int | None, str, str, tuple[int, ...]]] = {}
        self._fasi: Records[int, _Fase] = Records(_Fase)
        self._fasi_of: dict[int, tuple[int, ...]] = {}
        self._ind: dict[int, Indicatore] = {}
        self._ind_of: dict[int, set[int]] = {}
        self._misura: dict[int, Misura] = {}  # indicatore id -> annual measure of ctx.anno
        self._misura_ind: dict[int, int] = {}  # misura id -> indicatore id (all years)
        self._ass: dict[int, tuple[int, int | None]] = {}  # assegnazione id -> (obiettivo, persona)
        self._persone_of: dict[int, tuple[int, ...]] = {}
        self._legge: list[Any] = []  # the year's legal deadlines (domain.calendario.ScadenzaLegale)

    # ------------------------------------------------------------ loading

    def oggi(self) -> date:
        if self._oggi is None:
            return date.today()
        return self._oggi() if callable(self._oggi) else self._oggi

    @property
    def anno(self) -> int:
        anno = self._anno() if callable(self._anno) else self._anno
        return anno or self.reader.piano().anno_inizio

    def expected_rows(self) -> int:
        arc = self.reader
        n: int = arc.count(Fase) + arc.count(Obiettivo)
        return n

    def read(self) -> Iterator[int]:
        """Objectives, phases, date indicators and assignments read in batches; a percentage
        is yielded after each batch."""
        arc = self.reader
        self.lookup.reload()
        self._legge = list(calendario.scadenze(arc, self.anno))
        total = max(1, self.expected_rows())
        self._ob = Records(_Ob)
        self._info = {}
        for batch in arc.select_batches(Obiettivo, columns=_OB_COLS):
            self._ob.update((o.id, _Ob.of(o)) for o in batch if o.id is not None)
            yield 35 * len(self._ob) // total
        self._fasi, self._fasi_of = Records(_Fase), {}
        for batch in arc.select_batches(Fase, columns=_FASE_COLS, batch=500):
            for f in batch:
                self._add_fase(f)
            yield 35 + 50 * (len(self._ob) + len(self._fasi)) // total
        self._ind, self._ind_of = {}, {}
        for i in indicatori_di_tipo(arc, TipoIndicatore.DATA):
            self._ind[i.id] = i  # type: ignore[index]
            self._ind_of.setdefault(i.obiettivo_id, set()).add(i.id)  # type: ignore[arg-type]
        self._misura, self._misura_ind = {}, {}
        for m in arc.misure(self._ind):
            self._add_misura(m)
        yield 90
        self._ass, self._persone_of = {}, {}
        persone_of: dict[int, set[int]] = {}
        for batch in arc.select_batches(Assegnazione, columns=("id", "obiettivo_id", "persona_id"),
                                        batch=1000):
            for a in batch:
                self._ass[a.id or 0] = (a.obiettivo_id, a.persona_id)
                if a.persona_id is not None:
                    persone_of.setdefault(a.obiettivo_id, set()).add(a.persona_id)
            yield 95
        self._persone_of = {oid: tuple(sorted(ps)) for oid, ps in persone_of.items()}
        yield 100

    def _add_fase(self, fase: Fase) -> None:
        f = _Fase.of(fase)
        self._fasi[f.id] = f
        self._fasi_of[f.obiettivo_id] = _with(self._fasi_of.get(f.obiettivo_id, ()), f.id)

    def _drop_fase_of(self, oid: int, fid: int) -> None:
        if oid in self._fasi_of:
            self._fasi_of[oid] = _without(self._fasi_of[oid], fid)

    def _add_misura(self, m: Misura) -> None:
        self._misura_ind[m.id] = m.indicatore_id  # type: ignore[index]
        if m.anno == self.anno and m.periodo == PERIODO_ANNUALE:
            self._misura[m.indicatore_id] = m

    def all_keys(self) -> list[Key]:
        keys: list[Key] = [(TIPO_OBIETTIVO, oid) for oid in self._ob]
        keys += [(TIPO_FASE, fid) for fid in self._fasi]
        keys += [(TIPO_INDICATORE, iid) for iid in self._ind]
        keys += [(TIPO_LEGGE, n) for n in range(len(self._legge))]
        return keys

    def _keys_of(self, oid: int) -> list[Key]:
        keys: list[Key] = [(TIPO_OBIETTIVO, oid)]
        keys += [(TIPO_FASE, f) for f in self._fasi_of.get(oid, ())]
        keys += [(TIPO_INDICATORE, i) for i in self._ind_of.get(oid, ())]
        return keys

    def make(self, key: Key) -> Scadenza | None:
        k = cast("tuple[str, int]", key)
        kind, rid = k
        oggi = self.oggi()
        if kind == TIPO_LEGGE:
            if not 0 <= rid < len(self._legge):
                return None
            s = self._legge[rid]
            stato, livello = _stato(s.data, False, oggi)
            if livello == "late":
                stato, livello = s.stato(oggi).capitalize(), None  # a date of the law: past, not «late»
            return Scadenza(key=k, tipo=TIPO_LEGGE, scadenza=s.data, obiettivo_id=0,
                            obiettivo="Calendario del piano", descrizione=f"{s.nome} ({s.fonte})",
                            settore_id=None, settore="", responsabile="", perc=None,
                            fine_effettiva=None, stato=stato, livello=livello, persone=())
        if kind == TIPO_FASE:
            f = self._fasi.get(rid)
            ob = self._ob.get(f.obiettivo_id) if f else None
            if f is not None and ob is not None and f.termine() is None and f.scadenza_relativa:
                # a relative deadline still waiting for its event's date (issue 18 point 7)
                return self._row(k, ob, None, f"{f.descrizione} — {f.scadenza_relativa}",
                                 f.perc_realizzazione, f.fine_effettiva, "In attesa della data dell'evento",
                                 None)
            if f is None or ob is None or f.termine() is None:
                return None
            done = f.fine_effettiva is not None or (f.perc_realizzazione or 0) >= 100
            stato, livello = _stato(f.termine(), done, oggi)
            return self._row(k, ob, f.termine(), f.descrizione, f.perc_realizzazione,
                             f.fine_effettiva, stato, livello)
        if kind == TIPO_OBIETTIVO:
            ob = self._ob.get(rid)
            if ob is None or ob.fine_prevista is None:
                return None
            fasi = [self._fasi[x] for x in self._fasi_of.get(rid, ()) if x in self._fasi]
            perc = engine.media_pesata([(f.peso, f.perc_realizzazione) for f in fasi]) if fasi else None
            done = ob.fine_effettiva is not None or (perc is not None and perc >= 100)
            stato, livello = _stato(ob.fine_prevista, done, oggi)
            return self._row(k, ob, ob.fine_prevista, "Conclusione prevista dell'obiettivo", perc,
                             ob.fine_effettiva, stato, livello)
        ind = self._ind.get(rid)
        ob = self._ob.get(ind.obiettivo_id) if ind else None
        m = self._misura.get(rid)
        if ind is None or ob is None or m is None:
            return None
        termine = _data_in(m.target_testo) or (date.fromordinal(int(m.target)) if m.target else None)
        if termine is None:
            return None
        fatto = _data_in(m.valore_testo) or (
            date.fromordinal(int(m.valore)) if m.valore and m.valore > 1000 else None)
        if fatto is not None:
            stato, livello = ("Raggiunto", "done") if fatto <= termine else (
                f"Raggiunto in ritardo ({format_date(fatto)})", "late")
        else:
            stato, livello = _stato(termine, False, oggi)
        return self._row(k, ob, termine, f"Indicatore: {ind.descrizione}", None, fatto, stato,
                         livello)

    def _row(self, key: tuple[str, int], ob: _Ob, termine: date | None, descr: str,
             perc: Decimal | None, fine: date | None, stato: str, livello: str | None) -> Scadenza:
        label, settore_id, settore, responsabile, persone = self._info_of(ob)
        return Scadenza(
            key=key, tipo=key[0], scadenza=termine, obiettivo_id=ob.id, obiettivo=label,
            descrizione=descr, settore_id=settore_id, settore=settore, responsabile=responsabile,
            perc=perc, fine_effettiva=fine, stato=stato, livello=livello, persone=persone)

    def _info_of(self, ob: _Ob) -> tuple[str, int | None, str, str, tuple[int, ...]]:
        """What the rows show of their objective: one shared copy for all of its rows
        (on a large plan 40.000 rows share 10.000 of these)."""
        oid = ob.id
        info = self._info.get(oid)
        if info is None:
            persone = set(self._persone_of.get(oid, ()))
            if ob.responsabile_id is not None:
                persone.add(ob.responsabile_id)
            info = self._info[oid] = (
                f"{ob.codice} — {ob.titolo}" if ob.codice else ob.titolo,
                self.lookup.settore_id(ob.unita_id),
                self.lookup.settore_nome(ob.unita_id) or (
                    "Tutti i settori (trasversale)" if ob.trasversale else ""),
                self.lookup.persona_nome(ob.responsabile_id), tuple(sorted(persone)))
        return info

    # ------------------------------------------------------------ display and edit hooks

    def status(self, row: Scadenza) -> str | None:
        return row.livello

    def editable(self, row: Scadenza, key: str) -> bool:
        if key == "perc":
            return row.tipo == TIPO_FASE
        if key == "fine_effettiva":
            return row.tipo in (TIPO_FASE, TIPO_OBIETTIVO)
        return False

    def tooltip(self, row: Scadenza, key: str) -> str | None:
        if key == "obiettivo":
            return row.obiettivo
        if key == "descrizione":
            return row.descrizione
        if key == "settore":
            return row.settore
        if key == "perc" and row.tipo == TIPO_OBIETTIVO:
            return "Media delle % di realizzazione delle fasi"
        return None

    def edit(self, row: Scadenza, key: str, value: Any) -> Edit | None:
        if key == "perc":
            return SetFields(Fase, row.key[1], {"perc_realizzazione": value},
                             label="Modifica % di realizzazione della fase")
        if key == "fine_effettiva":
            cls = Fase if row.tipo == TIPO_FASE else Obiettivo
            return SetFields(cls, row.key[1], {"fine_effettiva": value},
                             label=f"Modifica fine effettiva ({row.tipo.lower()})")
        return None

    # ------------------------------------------------------------ changes

    def touched(self, ch: Changes) -> Iterable[Key]:
        arc = self.reader
        keys: set[Key] = set()
        if ch.reset or ch.touches("impostazioni") or ch.touches("piano"):  # the ente's calendar
            before = len(self._legge)
            self._legge = list(calendario.scadenze(arc, self.anno))
            keys.update((TIPO_LEGGE, n) for n in range(max(before, len(self._legge))))
        if ch.touches("unita") or ch.touches("persone"):
            self.lookup.reload()
            self._info.clear()
            keys.update(self.all_keys())
        for oid in ch.deleted.get("obiettivi", ()):
            keys.update(self._keys_of(oid))
            self._ob.pop(oid, None)
            self._info.pop(oid, None)
        for oid in ch.inserted.get("obiettivi", set()) | set(ch.updated.get("obiettivi", {})):
            self._info.pop(oid, None)
            ob = arc.obiettivo(oid)
            if ob is not None:
                self._ob[oid] = _Ob.of(ob)
                keys.update(self._keys_of(oid))
        for fid in ch.deleted.get("fasi", ()):
            f = self._fasi.pop(fid, None)
            keys.add((TIPO_FASE, fid))
            if f is not None:
                self._drop_fase_of(f.obiettivo_id, fid)
                keys.add((TIPO_OBIETTIVO, f.obiettivo_id))
        for fid in ch.inserted.get("fasi", set()) | set(ch.updated.get("fasi", {})):
            f = arc.get(Fase, fid)
            if f is not None:
                old = self._fasi.get(fid)
                if old is not None and old.obiettivo_id != f.obiettivo_id:
                    self._drop_fase_of(old.obiettivo_id, fid)
                    keys.add((TIPO_OBIETTIVO, old.obiettivo_id))
                self._add_fase(f)
                keys.update({(TIPO_FASE, fid), (TIPO_OBIETTIVO, f.obiettivo_id)})
        for iid in ch.deleted.get("indicatori", ()):
            ind = self._ind.pop(iid, None)
            self._misura.pop(iid, None)
            keys.add((TIPO_INDICATORE, iid))
            if ind is not None:
                self._ind_of.get(ind.obiettivo_id, set()).discard(iid)
        for iid in ch.inserted.get("indicatori", set()) | set(ch.updated.get("indicatori", {})):
            ind = arc.get(Indicatore, iid)
            keys.add((TIPO_INDICATORE, iid))
            if ind is None:
                continue
            if ind.tipo == TipoIndicatore.DATA:
                self._ind[iid] = ind
                self._ind_of.setdefault(ind.obiettivo_id, set()).add(iid)
                self._misura.pop(iid, None)
                for m in arc.misure([iid]):
                    self._add_misura(m)
            elif iid in self._ind:
                self._ind_of.get(self._ind.pop(iid).obiettivo_id, set()).discard(iid)
        for mid in ch.deleted.get("misure", ()):
            iid_ = self._misura_ind.pop(mid, None)
            if iid_ is not None and self._misura.get(iid_) and self._misura[iid_].id == mid:
                del self._misura[iid_]
                keys.add((TIPO_INDICATORE, iid_))
        for mid in ch.inserted.get("misure", set()) | set(ch.updated.get("misure", {})):
            m = arc.get(Misura, mid)
            if m is not None and m.indicatore_id in self._ind:
                self._add_misura(m)
                keys.add((TIPO_INDICATORE, m.indicatore_id))
        if ch.touches("assegnazioni"):
            touched: set[int] = set()
            for aid in ch.deleted.get("assegnazioni", ()):
                if aid in self._ass:
                    touched.add(self._ass.pop(aid)[0])
            for aid in ch.inserted.get("assegnazioni", set()) | set(ch.updated.get("assegnazioni", {})):
                a = arc.get(Assegnazione, aid)
                if a is not None:
                    if aid in self._ass:
                        touched.add(self._ass[aid][0])
                    self._ass[aid] = (a.obiettivo_id, a.persona_id)
                    touched.add(a.obiettivo_id)
            for oid in touched:
                self._persone_of[oid] = tuple(sorted(
                    {p for o, p in self._ass.values() if o == oid and p is not None}))
                self._info.pop(oid, None)
                keys.update(self._keys_of(oid))
        return keys

    # ------------------------------------------------------------ for the view

    def persone_coinvolte(self) -> list[tuple[int, str]]:
        ids: set[int] = set()
        for ob in self._ob.values():
            if ob.responsabile_id is not None:
                ids.add(ob.responsabile_id)
        for _, pid in self._ass.values():
            if pid is not None:
                ids.add(pid)
        people = [(pid, self.lookup.persona_nome(pid)) for pid in ids if pid in self.lookup.persone]
        return sorted(people, key=lambda x: x[1].casefold())

    def order_key(self, row: Scadenza) -> Any:
        return (row.scadenza.toordinal() if row.scadenza else 10**7,
                _ORDINE_TIPO.get(row.tipo, 3), row.obiettivo_id, row.key[1])
