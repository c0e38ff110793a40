"""The Gantt projection: objectives in tree order (indented) and their fasi, with dates and %.

No Qt, no SQL: the chart paints only the rows on screen, so the projection is a flat
list that is cheap to rebuild; ``apply(changes) -> Delta``: when an edit only alters
fields of objectives/fasi, just the affected rows are recomputed in place and the delta
names them with the fields that changed (dates, settore, branch or lateness: the chart's
filtered list and extent must be rebuilt; otherwise a repaint is enough).

``rows`` keeps exact tuples of plain values, read as :class:`GanttRow` (:class:`~.base.Rows`):
the garbage collector stops tracking them after their first collection (issue 13: 40.000
tracked rows lengthened every full collection). A changed row is therefore a new tuple in
``rows``; :meth:`GanttProjection.swap_into` puts the new ones into a list the chart filtered
from the old.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from ..domain import valutazione as engine
from ..domain.enums import Ramo
from ..domain.model import Fase, Obiettivo
from ..store.archive import Archive
from ..store.changes import Changes
from ..store.letture import obiettivi_di_fasi
from .base import Delta, Rows, plain
from .lookup import Lookup

#: the fields the chart shows (no JSON lists to decode for 10.000 objectives)
_OB_COLS = ("id", "parent_id", "codice", "titolo", "unita_id", "ramo", "inizio_previsto",
            "fine_prevista", "fine_effettiva")
_FASE_COLS = ("id", "obiettivo_id", "posizione", "descrizione", "scadenza", "inizio_previsto",
              "fine_prevista", "fine_effettiva", "perc_realizzazione", "peso")


class GanttRow(NamedTuple):
    kind: str  # "obiettivo" | "fase"
    id: int
    obiettivo_id: int
    depth: int
    codice: str
    label: str
    start: date | None
    end: date | None
    milestone: bool  # a fase with only a deadline: a diamond at ``end``
    derived: bool  # objective span taken from its fasi (no planned dates of its own)
    perc: Decimal | None
    done: bool
    late: bool
    settore_id: int | None
    ramo: str

    @property
    def has_dates(self) -> bool:
        return self.end is not None or self.start is not None


_FIELDS = GanttRow._fields
#: fields whose change moves rows in or out of the chart's filters or changes its extent
LAYOUT_FIELDS = frozenset({"start", "end", "settore_id", "ramo", "late"})


class GanttProjection:
    def __init__(self, archive: Archive, oggi: date, anno: int | None = None, *,
                 load: bool = True) -> None:
        self.archive = archive
        self.oggi = oggi
        self.anno = anno or archive.piano().anno_inizio
        self._perc: dict[int, Decimal | None] = {}
        self.lookup = Lookup(archive)
        self._depth: dict[int, int] = {}
        self.rows: Rows[GanttRow] = Rows(GanttRow)
        self._pos: dict[int, int] = {}  # objective -> index of its row in ``rows``
        self.last = Delta()  # what the last :meth:`apply` said
        #: the rows the last :meth:`apply` replaced: id of the old (exact) tuple -> (old, new)
        self.swapped: dict[int, tuple[tuple[object, ...], tuple[object, ...]]] = {}
        if load:
            self.load_all()

    @property
    def layout_changed(self) -> bool:
        """The last :meth:`apply` changed dates, settore or branch of a row (filters, extent)."""
        return self.last.reset or any(
            cols is None or cols & LAYOUT_FIELDS for cols in self.last.changed.values())

    def expected_rows(self) -> int:
        """Objectives + fasi: how many rows a load builds (at most)."""
        return int(self.archive.count(Obiettivo) + self.archive.count(Fase))

    def load_all(self) -> None:
        for _ in self.load():
            pass

    def load(self) -> Iterator[int]:
        """Read and build the rows in short steps, yielding a percentage.

        ``rows`` keeps the old rows until the last step puts the new ones in.
        """
        self._perc.clear()
        self.lookup.reload()
        total = max(1, self.expected_rows())
        obs: dict[int, Obiettivo] = {}
        for batch in self.archive.select_batches(Obiettivo, columns=_OB_COLS):
            obs.update((o.id, o) for o in batch if o.id is not None)
            yield 25 * len(obs) // total
        ordine = [oid for oid in self.archive.ordine_obiettivi() if oid in obs]
        yield 26
        self._depth = {}
        for o in (obs[oid] for oid in ordine):  # parents come first
            self._depth[o.id] = 0 if o.parent_id is None else self._depth.get(o.parent_id, 0) + 1  # type: ignore[index]
        yield 28
        fasi: dict[int, list[Fase]] = {}
        n = len(obs)
        for fbatch in self.archive.select_batches(Fase, columns=_FASE_COLS, batch=500):
            for f in fbatch:
                fasi.setdefault(f.obiettivo_id, []).append(f)
            n += len(fbatch)
            yield 28 + 32 * n // total
        rows: Rows[GanttRow] = Rows(GanttRow)
        for k in range(0, len(ordine), 250):
            for oid in ordine[k:k + 250]:
                rows.extend(self._rows_of(oid, obs[oid], fasi.get(oid, [])))
            yield 60 + 39 * min(k + 250, len(ordine)) // max(1, len(ordine))
        rows.seal()
        self.rows = rows
        # (on the stored tuples: 0 kind, 2 obiettivo_id)
        self._pos = {t[2]: i for i, t in enumerate(rows.data) if t[0] == "obiettivo"}
        yield 100

    def _rows_of(self, oid: int, ob: Obiettivo | None = None,
                 fasi: list[Fase] | None = None) -> list[GanttRow]:
        """The rows of an objective and its fasi (read from the plan when not given: the
        data keeps the rows only, not copies of 10.000 objectives and 30.000 fasi)."""
        if ob is None:
            ob = self.archive.get(Obiettivo, oid) or Obiettivo(id=oid)
        if fasi is None:
            fasi = self.archive.fasi(oid)
        fasi = sorted(fasi, key=lambda f: (f.posizione if f.posizione is not None else -1,
                                           f.id or 0))
        settore = self.lookup.settore_id(ob.unita_id)
        ramo = str(getattr(ob.ramo, "value", ob.ramo))  # (the member's text, shared)
        depth = self._depth.get(oid, 0)
        start, end, derived = ob.inizio_previsto, ob.fine_prevista, False
        if start is None and end is None and fasi:
            dates = [d for f in fasi for d in (f.inizio_previsto, f.termine()) if d]
            if dates:
                start, end, derived = min(dates), max(dates), True
        perc = engine.perc_fasi(fasi) if fasi else None
        done = ob.fine_effettiva is not None or (perc is not None and perc >= 100)
        out = [GanttRow("obiettivo", oid, oid, depth, ob.codice, ob.titolo, start, end, False,
                        derived, perc, done, bool(end and end < self.oggi and not done),
                        settore, ramo)]
        for f in fasi:
            termine = f.termine()
            fdone = f.fine_effettiva is not None or (f.perc_realizzazione or 0) >= 100
            out.append(GanttRow(
                "fase", f.id or 0, oid, depth + 1, "", f.descrizione, f.inizio_previsto, termine,
                f.inizio_previsto is None, False, f.perc_realizzazione, fdone,
                engine.fase_in_ritardo(f, self.oggi), settore, ramo))
        return out

    def perc_obiettivo(self, oid: int) -> Decimal | None:
        """The engine's % of an objective (indicators and fasi, children's mean), computed on demand
        for the rows on screen and cached until the next edit."""
        if oid not in self._perc:
            # the store's bulk % (final: the Nucleo's validated % when set), as the tree shows
            self._perc[oid] = self.archive.percentuali(self.anno).get(oid)
        return self._perc[oid]

    def extent(self) -> tuple[date | None, date | None]:
        dates = [d for pair in self.rows.columns("start", "end") for d in pair if d]
        return (min(dates), max(dates)) if dates else (None, None)

    @staticmethod
    def needs_reload(ch: Changes) -> bool:
        """The edit changed which rows there are (not only their contents)."""
        return bool(ch.reset or ch.moved or ch.inserted.get("obiettivi") or ch.deleted.get("obiettivi") or
                    ch.inserted.get("fasi") or ch.deleted.get("fasi") or ch.touches("unita"))

    def apply(self, ch: Changes) -> Delta:
        """Update after an edit. ``reset``: the rows come and go (the caller loads again);
        else the rows changed in place, keyed ``(kind, id)``, with the fields that differ."""
        self._perc.clear()
        self.last = d = Delta()
        self.swapped = {}
        if self.needs_reload(ch):
            d.reset = True
            return d
        touched: set[int] = {oid for oid in ch.updated.get("obiettivi", {}) if oid in self._pos}
        now_of = obiettivi_di_fasi(self.archive, ch.updated.get("fasi", {}))
        for oid in set(now_of.values()):
            i = self._pos.get(oid)
            if i is None:
                continue
            kids = {r.id for r in self.rows[i + 1:] if r.kind == "fase" and r.obiettivo_id == oid}
            if any(fid not in kids for fid, o in now_of.items() if o == oid):
                d.reset = True  # a fase moved to another objective
                return d
            touched.add(oid)
        for oid in touched:
            i = self._pos[oid]
            new = self._rows_of(oid)
            old = self.rows[i:i + len(new)]
            if len(old) != len(new) or any(r.obiettivo_id != oid for r in old) or (
                    i + len(new) < len(self.rows) and self.rows[i + len(new)].kind == "fase"
                    and self.rows[i + len(new)].obiettivo_id == oid):
                d.reset = True
                return d
            for j, (o, n) in enumerate(zip(old, new, strict=True)):
                cols = {name for name in _FIELDS if getattr(o, name) != getattr(n, name)}
                if cols:
                    d.change((o.kind, o.id), cols)
                    old_t, new_t = self.rows.data[i + j], plain(n)
                    self.swapped[id(old_t)] = (old_t, new_t)  # (the old one kept: its id stays its own)
                    self.rows[i + j] = new_t  # type: ignore[assignment] # (the same tuple)
        self.rows.seal()
        return d

    def swap_into(self, rows: Rows[GanttRow]) -> None:
        """Replace, in ``rows`` (filtered from :attr:`rows` before the last :meth:`apply`),
        the rows that apply replaced with their new ones."""
        swapped, data = self.swapped, rows.data
        if swapped:
            for k, t in enumerate(data):
                pair = swapped.get(id(t))
                if pair is not None and pair[0] is t:
                    rows[k] = pair[1]  # type: ignore[assignment] # (the same tuple)
            rows.seal()

    @staticmethod
    def visible(rows: Rows[GanttRow], settore_id: int | None, attivita: bool,
                solo_con_date: bool) -> Rows[GanttRow]:
        attivita_ = str(Ramo.ATTIVITA)
        out = [t for t, (settore, ramo, start, end) in zip(
                   rows.data, rows.columns("settore_id", "ramo", "start", "end"), strict=True)
               if (settore_id is None or settore == settore_id)
               and (attivita or ramo != attivita_)
               and not (solo_con_date and start is None and end is None)]
        return Rows(GanttRow, tuple(out))  # (sealed: see Rows)
