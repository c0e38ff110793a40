"""The shared vocabulary of projections: row keys and the :class:`Delta` they return."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

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
