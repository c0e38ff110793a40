"""The flat-table projection: rows keyed by :data:`Key`, a column list, load in steps,
``apply(changes) -> Delta``, and the edit hook that turns a typed (already parsed) value into
an undoable store edit. No Qt, no SQL: the Qt adapter is ``ui/models/flat.py``.

A new plan-wide view is a subclass that says

* ``COLUMNS`` (or :meth:`Projection.columns`): :class:`Col` records;
* :meth:`Projection.read`: read the plan through the injected reader (the store's public
  API), yielding a percentage between short steps;
* :meth:`Projection.all_keys` and :meth:`Projection.make` (``key -> row | None``);
* :meth:`Projection.touched`: update the caches from a ``Changes`` and name the keys to
  rebuild (``None``: everything);
* optionally the display hooks (:meth:`~Projection.status`, :meth:`~Projection.tooltip`,
  :meth:`~Projection.choices`, :meth:`~Projection.order_key`) and the edit hooks
  (:meth:`~Projection.editable`, :meth:`~Projection.edit`, raising :class:`Refused`).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Generic, TypeVar

from ..store.changes import Changes
from ..store.edits import Batch, DeleteRow
from .base import Delta, Key, Rows, plain

R = TypeVar("R")

#: the editor kinds a column may have (the Qt adapter picks the editor and the parser)
KINDS = ("text", "multiline", "int", "decimal", "percent", "money", "date", "enum", "choice",
         "bool", "computed")


class Refused(ValueError):
    """A value the projection will not accept; ``str(exc)`` is the Italian message."""


@dataclass(frozen=True, slots=True)
class Col:
    """One column: key (the row attribute, or what :meth:`Projection.value` answers), the
    Italian label, the kind (display and parsing), editable, preferred width, tooltip,
    an enum or a choice list for combo editors, bounds for numbers."""

    key: str  # (a projection generating thousands of columns may use int ids: Matrice)
    label: str
    kind: str = "text"
    editable: bool = True
    width: int = 0
    enum: type[Enum] | None = None
    tooltip: str = ""
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: Callable[[], Sequence[tuple[str, Any]]] | None = field(default=None, compare=False)
    #: "" = by kind (numbers right, dates centred, text left); "center" = centred
    align: str = ""


def ro(key: str, label: str, kind: str = "text", width: int = 0, tooltip: str = "") -> Col:
    """A read-only column."""
    return Col(key, label, kind, editable=False, width=width, tooltip=tooltip)


def sort_key(value: Any) -> tuple[int, Any]:
    """A total order over mixed/None values: numbers and dates, then text, empty cells last."""
    if value is None or value == "":
        return (2, 0)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return (0, float(value))
    if isinstance(value, date):
        return (0, value.toordinal())
    return (1, str(getattr(value, "label", value)).casefold())


class Projection(Generic[R]):
    """What one flat view shows: rows by key, in a dict (the adapter keeps the order)."""

    COLUMNS: Sequence[Col] = ()
    #: keys built per step of :meth:`load` (a step stays a few milliseconds)
    MAKE_CHUNK = 150
    #: set (by :meth:`touched`) when column labels or tooltips changed but not their number;
    #: the adapter reads the columns again and clears it (a changed number is a reset)
    headers_changed = False
    #: the domain class of the rows, for the default :meth:`delete_edit` (None: rows cannot go)
    ROW_CLASS: type | None = None
    #: what a row is, in the undo labels («Aggiungi persona», «Elimina persona»)
    ROW_LABEL = "riga"
    #: the rows' named-tuple class, when they hold plain values only: the rows are then kept
    #: as exact tuples (untracked by the garbage collector, see :func:`~.base.plain`) and
    #: read as ``ROW`` (:meth:`rows` is a :class:`~.base.Rows`, the adapter keeps one)
    ROW: Any = None

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self._rows: dict[Key, R] = {}
        #: keys to report as changed by the next :meth:`rebuild` even if their rows are equal
        #: (what they show depends on something else: a lookup, a choice list)
        self.restyled: set[Key] = set()

    # ------------------------------------------------------------ subclass hooks: data

    def columns(self) -> Sequence[Col]:
        return self.COLUMNS

    def expected_rows(self) -> int:
        """A cheap estimate of the rows (the adapter chooses between at once and slices)."""
        return 0

    def read(self) -> Iterator[int]:
        """Read what the rows need (caches), yielding 0..100 between short steps."""
        yield 100

    def all_keys(self) -> Iterable[Key]:
        return ()

    def make(self, key: Key) -> R | None:
        """The row of ``key`` from the caches, or None when there is none (any more)."""
        return None

    def touched(self, ch: Changes) -> Iterable[Key] | None:
        """Bring the caches up to date with ``ch``; the keys whose rows may differ
        (``None``: reload everything)."""
        return None

    # ------------------------------------------------------------ subclass hooks: display

    def key_of(self, row: R) -> Key:
        return row.key  # type: ignore[attr-defined, no-any-return]

    def value(self, row: R, key: str) -> Any:
        return getattr(row, key)

    def text(self, row: R, col: Col) -> str | None:
        """The shown text when it is not the column's formatting of :meth:`value` (None)."""
        return None

    def status(self, row: R) -> str | None:
        """Row colour key: late | soon | over | none | done | None."""
        return None

    def cell_status(self, row: R, key: str) -> str | None:
        return None

    def tooltip(self, row: R, key: str) -> str | None:
        return None

    def choices(self, row: R, col: Col) -> list[tuple[str, Any]] | None:
        """``(label, value)`` of a combo editor (default: the column's enum or choices)."""
        if col.kind == "enum" and col.enum is not None:
            return [(m.label, m) for m in col.enum]  # type: ignore[attr-defined]
        if col.choices is not None:
            return list(col.choices())
        return None

    def order_key(self, row: R) -> Any:
        """Default row order (None: the order of :meth:`all_keys`); a header click overrides it."""
        return None

    def column_tooltip(self, col: Col) -> str:
        """The header tooltip of a column (a projection with thousands of columns may
        compute it here instead of keeping it in every :class:`Col`)."""
        return col.tooltip or col.label

    def row_header(self, row: R) -> tuple[str, str | None, str | None] | None:
        """The vertical header of a row: (label, tooltip, status), or None (row numbers)."""
        return None

    def keys_of(self, rows: Sequence[R], start: int = 0) -> Iterator[Key]:
        """The keys of ``rows[start:]`` (of rows kept as exact tuples, read from the tuples:
        no row is made for each of 40.000)."""
        if isinstance(rows, Rows) and type(self).key_of is Projection.key_of:
            return itertools.islice(rows.column("key"), start, None)
        return map(self.key_of, itertools.islice(rows, start, None))

    def row_id(self, row: R) -> Any:
        key = self.key_of(row)
        return key[1] if isinstance(key, tuple) else key

    # ------------------------------------------------------------ subclass hooks: editing

    def editable(self, row: R, key: str) -> bool:
        return any(c.key == key and c.editable for c in self.columns())

    def edit(self, row: R, key: str, value: Any) -> Any:
        """The undoable store edit that writes the parsed ``value`` (None: nothing to do);
        raise :class:`Refused` with an Italian message to refuse it."""
        return None

    def new_row(self, position: int) -> Any | None:
        """A fresh domain object to insert (the adapter pushes ``InsertRow``); None: the view
        cannot add rows."""
        return None

    def delete_edit(self, rows: Sequence[R]) -> Any:
        """The undoable edit deleting ``rows`` (None: they cannot be deleted here)."""
        if self.ROW_CLASS is None or not rows:
            return None
        edits: list[Any] = [DeleteRow(self.ROW_CLASS, self.row_id(r), label=f"Elimina {self.ROW_LABEL}")
                 for r in rows]
        return edits[0] if len(edits) == 1 else Batch(edits, f"Elimina {len(edits)} righe")

    # ------------------------------------------------------------ rows

    def rows(self) -> list[R]:
        if self.ROW is not None:
            return Rows(self.ROW, list(self._rows.values()))  # type: ignore[arg-type, return-value]
        return list(self._rows.values())

    def row(self, key: Key) -> R | None:
        row = self._rows.get(key)
        return row if row is None or self.ROW is None else self.ROW._make(row)

    def _keep(self, row: R) -> R:
        """What :attr:`_rows` holds of a made row (an exact tuple when :attr:`ROW` is set)."""
        return plain(row) if self.ROW is not None else row  # type: ignore[arg-type, return-value]

    def __len__(self) -> int:
        return len(self._rows)

    def load(self) -> Iterator[int]:
        """Read and build every row, yielding 0..100 between short steps."""
        self._rows = {}
        for pct in self.read():
            yield pct * 55 // 100
        keys = list(self.all_keys())
        n = max(1, len(keys))
        for k in range(0, len(keys), self.MAKE_CHUNK):
            for key in keys[k:k + self.MAKE_CHUNK]:
                row = self.make(key)
                if row is not None:
                    self._rows[key] = self._keep(row)
            yield 55 + 45 * min(k + self.MAKE_CHUNK, n) // n
        yield 100

    def load_all(self) -> None:
        for _ in self.load():
            pass

    def apply(self, ch: Changes) -> Delta:
        """Follow an edit: the rows removed, inserted or changed (or a reset)."""
        if ch.reset:
            return Delta.everything()
        if not ch:
            return Delta()
        keys = self.touched(ch)
        if keys is None:
            self.restyled.clear()
            return Delta.everything()
        return self.rebuild(keys)

    def rebuild(self, keys: Iterable[Key]) -> Delta:
        """Make the rows of ``keys`` again and say what differs."""
        d = Delta()
        for key in keys:
            made = self.make(key)
            new = None if made is None else self._keep(made)
            old = self._rows.get(key)
            if new is None:
                if old is not None:
                    del self._rows[key]
                    d.removed.append(key)
            elif old is None:
                self._rows[key] = new
                d.inserted.append(key)
            elif new != old or key in self.restyled:
                self._rows[key] = new
                d.change(key)
        self.restyled.clear()
        return d


class Order(Generic[R]):
    """The order of a table's rows: a sort column (by key) or the projection's ``order_key``.

    Pure helpers the adapter uses to sort, to merge a load in chunks, and to place a
    changed or new row by bisection (the table never needs a full re-sort on an edit).
    """

    def __init__(self, projection: Projection[R]) -> None:
        self.p = projection
        self.column: str | None = None
        self.desc = False

    def key(self, row: R) -> Any:
        if self.column is not None:
            return sort_key(self.p.value(row, self.column))
        return self.p.order_key(row)

    def active(self, rows: Sequence[R]) -> bool:
        return self.column is not None or (bool(rows) and self.p.order_key(rows[0]) is not None)

    def sort(self, rows: list[R] | Rows[Any]) -> None:
        if self.active(rows):
            rows.sort(key=self.key, reverse=self.desc)

    def before(self, a: Any, b: Any) -> bool:
        return bool(a > b) if self.desc else bool(a < b)

    def insert_pos(self, rows: Sequence[R], row: R) -> int:
        """Where ``row`` goes (after equal keys)."""
        if not self.active(rows):
            return len(rows)
        k = self.key(row)
        lo, hi = 0, len(rows)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.before(k, self.key(rows[mid])):
                hi = mid
            else:
                lo = mid + 1
        return lo

    def fits(self, rows: Sequence[R], r: int, row: R) -> bool:
        """Whether ``row`` may stay at position ``r``."""
        if not self.active(rows):
            return True
        k = self.key(row)
        return (r == 0 or not self.before(k, self.key(rows[r - 1]))) and (
            r == len(rows) - 1 or not self.before(self.key(rows[r + 1]), k))

    def sorted_in_steps(self, rows: list[R], chunk: int,
                        out: list[R] | Rows[Any]) -> Iterator[float]:
        """Sort ``rows`` into ``out`` a chunk at a time (runs, then a merge), yielding 0..1."""
        if not self.active(rows):
            out.extend(rows)
            yield 1.0
            return
        n = max(1, len(rows))
        runs = []
        for k in range(0, len(rows), chunk):
            runs.append(sorted(rows[k:k + chunk], key=self.key, reverse=self.desc))
            yield 0.5 * min(k + chunk, n) / n
        merged = heapq.merge(*runs, key=self.key, reverse=self.desc)
        while len(out) < len(rows):
            out.extend(itertools.islice(merged, chunk))
            yield 0.5 + 0.5 * len(out) / n
