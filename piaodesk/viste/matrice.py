"""Matrice personale: people × objectives with the % of time (Assegnazione.impegno) and totals,
as a flat projection (no Qt, no SQL).

Rows are people (their name is the row header), columns are categoria, ore settimanali,
number of objectives and total % (over *all* the person's assignments, not only the
visible ones), then one column per objective in tree order. Over 100 %, under 100 % or no assignment
at all is flagged. A number typed in a cell sets ``impegno`` on the existing assignment or
inserts one; emptying a cell keeps the assignment without a %; :meth:`remove_edit` deletes.

The caches of objectives, assignments and cells hold plain values, kept as exact tuples
(:class:`~.base.Records`): the garbage collector stops tracking them after their first collection (issue 13: 10.000
objectives with their lists and 25.000 assignments lengthened every full collection).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from ..domain.formats import format_percent
from ..domain.model import Assegnazione, Obiettivo, Persona
from ..store.changes import Changes
from ..store.edits import Batch, DeleteRow, Edit, InsertRow, SetFields
from .base import Delta, Key, Records
from .lookup import Lookup
from .tabella import Col, Projection

CENTO = Decimal(100)

FIXED = (
    Col("categoria", "Categoria", "text", width=130),
    Col("ore_settimanali", "Ore sett.", "decimal", width=70, minimum=Decimal(0),
        maximum=Decimal(60)),
    Col("n", "N. ob.", "int", editable=False, width=55, tooltip="Numero di obiettivi assegnati"),
    Col("totale", "Totale %", "computed", editable=False, width=85,
        tooltip="Somma delle % di impegno su tutti gli obiettivi (non solo quelli visibili)"),
)
_FIXED_KEYS = frozenset(c.key for c in FIXED)
CELL = Col("impegno", "Impegno %", "percent", width=70, align="center")

#: the assignment fields the matrix uses
_ASS_COLS = ("id", "obiettivo_id", "persona_id", "impegno", "responsabile", "ruolo")


@dataclass(frozen=True, slots=True)
class Persona_:
    """A row: one person with the figures of the fixed columns."""

    key: int
    persona: Persona
    n: int
    totale: Decimal | None
    flag: str | None  # over | under | none | None


class _Ob(NamedTuple):
    """What the matrix reads of an objective."""

    id: int
    codice: str
    titolo: str
    unita_id: int | None


class _Ass(NamedTuple):
    """What the matrix reads of an assignment (``_ASS_COLS``)."""

    id: int
    obiettivo_id: int
    persona_id: int | None
    impegno: Decimal | None
    responsabile: bool
    ruolo: str | None

    @classmethod
    def of(cls, a: Assegnazione) -> _Ass:
        return cls(a.id or 0, a.obiettivo_id, a.persona_id, a.impegno, bool(a.responsabile), a.ruolo)


def _ob_of(o: Obiettivo) -> _Ob:
    return _Ob(o.id or 0, o.codice, o.titolo, o.unita_id)


class MatriceProjection(Projection[Persona_]):
    def __init__(self, archive: Any) -> None:
        super().__init__(archive)
        self.lookup = Lookup(archive)
        self.settore: int | None = None
        self._ob: Records[int, _Ob] = Records(_Ob)
        self._ass: Records[int, _Ass] = Records(_Ass)
        self._cell: dict[tuple[int, int], tuple[int, ...]] = {}  # (persona, obiettivo) -> assegnazioni
        self._by_person: dict[int, set[int]] = {}
        self._people: list[int] = []
        self._cols: list[int] = []
        self._columns: list[Col] = list(FIXED)
        self._touched_people: set[int] = set()

    # ------------------------------------------------------------ loading and layout

    def expected_rows(self) -> int:
        """(The cost is in the objectives: a large plan has 10.000 columns.)"""
        return int(self.reader.count(Obiettivo))

    def read(self) -> Iterator[int]:
        arc = self.reader
        lookup = Lookup(arc)
        obs: dict[int, _Ob] = {}
        for batch in arc.select_batches(Obiettivo, columns=("id", "codice", "titolo", "unita_id"),
                                        batch=2000):
            obs.update((o.id, _ob_of(o)) for o in batch if o.id is not None)
            yield 5 + 30 * len(obs) // max(1, len(obs) + 2000)
        ordine = arc.ordine_obiettivi()  # (tree order)
        yield 40
        self._ob = Records(_Ob)
        self._ob.update((oid, obs[oid]) for oid in ordine if oid in obs)
        self._ass, self._cell, self._by_person = Records(_Ass), {}, {}
        for batch in arc.select_batches(Assegnazione, columns=_ASS_COLS, batch=2000):
            for a in batch:
                self._add(a)
            yield 45 + 50 * len(self._ass) // max(1, len(self._ass) + 2000)
        self.lookup = lookup
        self._layout()
        yield 100

    def _layout(self) -> None:
        sid, lk = self.settore, self.lookup
        self._cols = [oid for oid, o in self._ob.items()
                      if sid is None or lk.settore_id(o.unita_id) == sid]
        cols = set(self._cols)
        self._people = [pid for pid, p in lk.persone.items()  # (the archive's order)
                        if sid is None or lk.settore_id(p.unita_id) == sid or any(
                            self._ass[a].obiettivo_id in cols for a in self._by_person.get(pid, ()))]
        self._columns = list(FIXED) + [self._ob_column(oid) for oid in self._cols]

    def _ob_column(self, oid: int) -> Col:
        ob = self._ob[oid]
        # (the key is the objective's id itself: 10.000 columns, no string keys)
        return Col(oid, ob.codice or f"#{ob.id}", CELL.kind, width=CELL.width,  # type: ignore[arg-type]
                   align="center")

    def column_tooltip(self, col: Col) -> str:
        ob = self._ob.get(self.obiettivo_of(col.key))  # type: ignore[arg-type]
        if ob is None:  # (a fixed column; or an objective gone while the matrix loads again)
            return col.tooltip or col.label
        return f"{ob.codice} — {ob.titolo}\n{self.lookup.settore_nome(ob.unita_id)}"

    def set_settore(self, settore_id: int | None) -> None:
        """Show one settore's objectives and people (no reading: the adapter's ``refresh``)."""
        self.settore = settore_id
        self._layout()
        self._rows = {pid: r for pid in self._people if (r := self.make(pid)) is not None}

    def columns(self) -> Sequence[Col]:
        return self._columns

    def all_keys(self) -> Iterable[Key]:
        return self._people

    def make(self, key: Key) -> Persona_ | None:
        p = self.lookup.persone.get(key)  # type: ignore[call-overload]
        if p is None:
            return None
        aids = self._by_person.get(key, set())  # type: ignore[call-overload]
        known: list[Decimal] = [i for i in (self._ass[a].impegno for a in aids) if i is not None]
        tot = sum(known, Decimal(0)) if known else None
        flag = "none" if not aids else ("over" if tot is not None and tot > CENTO else
                                        "under" if tot is not None and tot < CENTO else None)
        return Persona_(key, p, len({self._ass[a].obiettivo_id for a in aids}), tot, flag)  # type: ignore[arg-type]

    def _add(self, assegnazione: Assegnazione) -> None:
        a = self._ass[assegnazione.id or 0] = _Ass.of(assegnazione)
        if a.persona_id is not None:
            cell = (a.persona_id, a.obiettivo_id)
            self._cell[cell] = (*self._cell.get(cell, ()), a.id)
            self._by_person.setdefault(a.persona_id, set()).add(a.id)

    def _drop(self, aid: int) -> _Ass | None:
        a = self._ass.pop(aid, None)
        if a is not None and a.persona_id is not None:
            cell = (a.persona_id, a.obiettivo_id)
            rest = tuple(x for x in self._cell.get(cell, ()) if x != aid)
            if rest:
                self._cell[cell] = rest
            else:
                self._cell.pop(cell, None)
            self._by_person.get(a.persona_id, set()).discard(aid)
        return a

    # ------------------------------------------------------------ figures

    @staticmethod
    def obiettivo_of(key: Any) -> int | None:
        """The objective of a column key (None: a fixed column)."""
        return key if type(key) is int else None

    def impegno(self, pid: int, oid: int) -> Decimal | None:
        known = [v for a in self._cell.get((pid, oid), ()) if (v := self._ass[a].impegno) is not None]
        return sum(known, Decimal(0)) if known else None

    def assigned(self, pid: int, oid: int) -> bool:
        return bool(self._cell.get((pid, oid)))

    def value(self, row: Persona_, key: Any) -> Any:
        oid = self.obiettivo_of(key)
        if oid is not None:
            return self.impegno(row.key, oid)
        if key in ("n", "totale"):
            return row.n if key == "n" else row.totale
        return getattr(row.persona, key)

    def text(self, row: Persona_, col: Col) -> str | None:
        oid = self.obiettivo_of(col.key)
        if oid is not None:
            v = self.impegno(row.key, oid)
            if v is None:
                return "✓" if self.assigned(row.key, oid) else ""
            return None
        if col.key == "totale":
            if row.totale is None:
                return "0,00 %" if row.flag == "none" else "n.d."
            return format_percent(row.totale)
        return None

    def cell_status(self, row: Persona_, key: Any) -> str | None:
        if key in ("totale", "n"):
            return row.flag
        oid = self.obiettivo_of(key)
        return "done" if oid is not None and self.assigned(row.key, oid) else None

    def row_header(self, row: Persona_) -> tuple[str, str | None, str | None]:
        p = row.persona
        tip = " — ".join(x for x in (p.nominativo, p.categoria or "",
                                     self.lookup.settore_nome(p.unita_id)) if x)
        return p.nominativo, tip, row.flag

    def tooltip(self, row: Persona_, key: Any) -> str | None:
        nome = row.persona.nominativo
        oid = self.obiettivo_of(key)
        if oid is not None:
            ids = self._cell.get((row.key, oid), ())
            codice = self._ob[oid].codice
            if not ids:
                return f"{nome}: non assegnato a {codice} (scrivere una % per assegnare)"
            parts = [", ".join(x for x in (
                "responsabile" if a.responsabile else "", a.ruolo or "",
                format_percent(a.impegno) if a.impegno is not None else "% non indicata") if x)
                for a in (self._ass[x] for x in ids)]
            more = "\nPiù assegnazioni: si modificano nella scheda dell'obiettivo." if len(ids) > 1 else ""
            return f"{nome} — {codice}: " + "; ".join(parts) + more
        if key in ("totale", "n"):
            tot = row.totale
            if row.flag == "none":
                return f"{nome} non ha nessuna assegnazione."
            if row.flag == "over":
                return f"{nome} è impegnato per il {format_percent(tot)}: oltre il 100 %."
            if tot is None:
                return f"{nome}: assegnato a {row.n} obiettivi senza % di impegno."
            if tot < CENTO:
                return (f"{nome} è impegnato per il {format_percent(tot)}: sotto il 100 % "
                        f"(restano {format_percent(CENTO - tot)} da assegnare o da giustificare).")
        return None

    # ------------------------------------------------------------ editing

    def editable(self, row: Persona_, key: Any) -> bool:
        oid = self.obiettivo_of(key)
        if oid is not None:
            return len(self._cell.get((row.key, oid), ())) <= 1
        return key in ("categoria", "ore_settimanali")

    def edit(self, row: Persona_, key: Any, value: Any) -> Edit | None:
        pid, nome = row.key, row.persona.nominativo
        oid = self.obiettivo_of(key)
        if oid is None:
            label = next(c.label for c in FIXED if c.key == key)
            return SetFields(Persona, pid, {key: value}, label=f"Modifica {label.lower()} di {nome}")
        ids = self._cell.get((pid, oid), ())
        codice = self._ob[oid].codice
        if ids:
            return SetFields(Assegnazione, ids[0], {"impegno": value},
                             label=f"Impegno di {nome} su {codice}")
        if value is None:
            return None
        return InsertRow(Assegnazione(obiettivo_id=oid, persona_id=pid, impegno=value),
                         label=f"Assegna {nome} a {codice}")

    def remove_edit(self, cells: Iterable[tuple[int, str]]) -> Edit | None:
        """The edit deleting the assignments of ``(persona id, column key)`` cells (None: none)."""
        ids = [a for pid, key in cells if (oid := self.obiettivo_of(key)) is not None
               for a in self._cell.get((pid, oid), ())]
        edits: list[Edit] = [DeleteRow(Assegnazione, a, label="Rimuovi assegnazione") for a in ids]
        if len(edits) > 1:
            return Batch(edits, f"Rimuovi {len(ids)} assegnazioni")
        return edits[0] if edits else None

    # ------------------------------------------------------------ changes

    def apply(self, ch: Changes) -> Delta:
        self._touched_people = set()
        d = super().apply(ch)
        if not d.reset:
            for pid in self._touched_people:  # (cells may change while the totals do not)
                if pid in self._rows:
                    d.change(pid)
        return d

    def touched(self, ch: Changes) -> Iterable[Key] | None:
        if ch.inserted.get("persone") or ch.deleted.get("persone") or ch.inserted.get("obiettivi") \
                or ch.deleted.get("obiettivi") or ch.touches("unita"):
            return None
        arc = self.reader
        people: set[int] = set()
        for aid in ch.deleted.get("assegnazioni", ()):
            a = self._drop(aid)
            if a is not None and a.persona_id is not None:
                people.add(a.persona_id)
        for aid in ch.inserted.get("assegnazioni", set()) | set(ch.updated.get("assegnazioni", {})):
            old = self._drop(aid)
            if old is not None and old.persona_id is not None:
                people.add(old.persona_id)
            a = arc.get(Assegnazione, aid)
            if a is not None:
                self._add(a)
                if a.persona_id is not None:
                    people.add(a.persona_id)
        for pid in ch.updated.get("persone", {}):
            p = arc.get(Persona, pid)
            if p is not None:
                self.lookup.persone[pid] = p
                people.add(pid)
        for oid in ch.updated.get("obiettivi", {}):
            ob = arc.obiettivo(oid)
            if ob is not None:
                old_ob = self._ob.get(oid)
                self._ob[oid] = _ob_of(ob)
                if old_ob is not None and old_ob.unita_id != ob.unita_id and self.settore is not None:
                    return None
                c = self._cols.index(oid) if oid in self._cols else -1
                if c >= 0:
                    self._columns[len(FIXED) + c] = self._ob_column(oid)
                    self.headers_changed = True
        if self.settore is not None and any(p not in self._rows for p in people):
            return None  # a person joins the filtered list
        self._touched_people = people
        return people
