"""The shared vocabulary of projections: row keys and the :class:`Delta` they return."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, MutableMapping, MutableSequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Generic, NamedTuple, TypeVar, overload

#: a row's stable identity inside one projection, usually ``(kind, id)`` or an id
Key = Hashable


@dataclass(slots=True)
class Delta:
    """What a projection changed when it applied a :class:`~piaodesk.store.changes.Changes`.

    ``reset``: everything may differ, the adapter resets its model.
    ``removed``: keys of rows that are gone (their old positions are still known by the adapter).
    ``inserted``: keys of new rows (their positions are the projection's current ones).
    ``changed``: keys of rows still present whose values changed, with the changed column keys
    (``None`` = any column).
    ``moved``: keys of rows still present whose position (or parent, in a tree) changed.
    """

    reset: bool = False
    removed: list[Key] = field(default_factory=list)
    inserted: list[Key] = field(default_factory=list)
    changed: dict[Key, set[str] | None] = field(default_factory=dict)
    moved: list[Key] = field(default_factory=list)

    @classmethod
    def everything(cls) -> Delta:
        return cls(reset=True)

    def change(self, key: Key, columns: Iterable[str] | None = None) -> None:
        """Record a changed row (``columns=None`` means any column)."""
        if columns is None:
            self.changed[key] = None
            return
        old = self.changed.get(key, set())
        if old is not None:
            self.changed[key] = old | set(columns)

    def merge(self, other: Delta) -> Delta:
        if other.reset:
            self.reset = True
        self.removed.extend(k for k in other.removed if k not in self.removed)
        self.inserted.extend(k for k in other.inserted if k not in self.inserted)
        self.moved.extend(k for k in other.moved if k not in self.moved)
        for k, cols in other.changed.items():
            self.change(k, cols)
        return self

    def __bool__(self) -> bool:
        return bool(self.reset or self.removed or self.inserted or self.changed or self.moved)


N = TypeVar("N", bound=NamedTuple)


def plain(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """``row`` (a named tuple) as an exact tuple, the way a projection keeps it.

    The garbage collector stops tracking an exact tuple whose items are plain values (text,
    numbers, dates, Decimal, None, exact tuples of those) at its first collection; a named
    tuple, a dataclass or a domain object stays tracked for ever, and a full collection walks
    every tracked object: 40.000 rows per plan-wide tab made one last ~100 ms (issue 13).
    Enum members are objects too: a row keeps their text.
    """
    return tuple(row)


#: the stored rows of a :class:`Rows`: a list while it changes, one exact tuple once sealed
RowData = list[tuple[Any, ...]] | tuple[tuple[Any, ...], ...]


class Rows(MutableSequence[N], Generic[N]):
    """A list of rows kept as exact tuples (see :func:`plain`), read as the named tuple
    ``cls``: an item is made when it is read (``rows[i]``, iteration), so code keeps
    ``row.field`` while only the exact tuples are stored (``data``).

    Between changes ``data`` is itself one exact tuple (:meth:`seal`; :meth:`sort` seals): a
    tuple of untracked rows is untracked too, where a list of 40.000 rows is a container every
    full garbage collection walks item by item (each row's header read: about 1 ms per 40.000
    rows, 5 ms with the plan-wide tabs open). A change turns it back into a list until the
    next seal; a ``Rows`` left unsealed is only slower to collect, never wrong.
    """

    __slots__ = ("cls", "data")

    def __init__(self, cls: type[N], data: RowData | None = None) -> None:
        self.cls = cls
        self.data: RowData = [] if data is None else data

    def seal(self) -> None:
        """Keep the rows as one exact tuple until the next change (see the class doc)."""
        if type(self.data) is not tuple:
            self.data = tuple(self.data)

    def _list(self) -> list[tuple[Any, ...]]:
        d = self.data
        if type(d) is not list:
            d = self.data = list(d)
        return d

    def __len__(self) -> int:
        return len(self.data)

    def __eq__(self, other: object) -> bool:
        """Equal to a list or Rows of the same rows (as a list would be)."""
        if isinstance(other, Rows):
            return tuple(self.data) == tuple(other.data)
        return isinstance(other, list) and tuple(self.data) == tuple(tuple(r) for r in other)

    __hash__ = None  # type: ignore[assignment]

    @overload
    def __getitem__(self, i: int) -> N: ...
    @overload
    def __getitem__(self, i: slice) -> list[N]: ...
    def __getitem__(self, i: int | slice) -> N | list[N]:
        make = self.cls._make
        if isinstance(i, slice):
            return [make(t) for t in self.data[i]]
        return make(self.data[i])

    def __setitem__(self, i: int, row: N) -> None:  # type: ignore[override]
        self._list()[i] = plain(row)

    def __delitem__(self, i: int) -> None:  # type: ignore[override]
        del self._list()[i]

    def insert(self, i: int, row: N) -> None:
        self._list().insert(i, plain(row))

    def sort(self, *, key: Callable[[N], Any], reverse: bool = False) -> None:
        make = self.cls._make
        self.data = tuple(sorted(self.data, key=lambda t: key(make(t)), reverse=reverse))

    def __iter__(self) -> Iterator[N]:
        return map(self.cls._make, self.data)

    def column(self, name: str) -> Iterator[Any]:
        """One field of every row, read from the stored tuples (a bulk loop makes no rows)."""
        return map(itemgetter(self.cls._fields.index(name)), self.data)

    def columns(self, *names: str) -> Iterator[tuple[Any, ...]]:
        """Some fields of every row, as tuples, read from the stored tuples."""
        return map(itemgetter(*[self.cls._fields.index(n) for n in names]), self.data)

    def append(self, row: N) -> None:
        self._list().append(plain(row))

    def extend(self, rows: Iterable[N]) -> None:
        self._list().extend(rows.data if isinstance(rows, Rows) else map(plain, rows))


def seal(rows: object) -> None:
    """:meth:`Rows.seal` ``rows`` if it is a :class:`Rows` (an adapter's rows may be a list)."""
    if isinstance(rows, Rows):
        rows.seal()


K = TypeVar("K", bound=Hashable)


class Records(MutableMapping[K, N], Generic[K, N]):
    """A dict of records kept as exact tuples (see :func:`plain`), read as the named tuple
    ``cls``: a projection's cache of 10.000 objectives or 30.000 fasi that the garbage
    collector does not track."""

    __slots__ = ("cls", "data")

    def __init__(self, cls: type[N]) -> None:
        self.cls = cls
        self.data: dict[K, tuple[Any, ...]] = {}

    def __getitem__(self, key: K) -> N:
        return self.cls._make(self.data[key])

    def __setitem__(self, key: K, row: N) -> None:
        self.data[key] = plain(row)

    def __delitem__(self, key: K) -> None:
        del self.data[key]

    def __contains__(self, key: object) -> bool:
        return key in self.data

    def __iter__(self) -> Iterator[K]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)
