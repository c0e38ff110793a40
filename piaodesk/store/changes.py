"""What an edit changed: the record the UI uses to refresh only what moved."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Changes:
    inserted: dict[str, set[int]] = field(default_factory=dict)
    updated: dict[str, dict[int, set[str]]] = field(default_factory=dict)
    deleted: dict[str, set[int]] = field(default_factory=dict)
    moved: set[int] = field(default_factory=set)  # obiettivi whose parent/position changed
    #: the whole content may have changed (plan opened, restored, imported): reload everything
    reset: bool = False
    #: obiettivi whose own row or subordinate rows (fasi, indicatori, valori, ...) changed,
    #: as far as the writer knew them: listeners need not query the file to find owners
    owners: set[int] = field(default_factory=set)

    @classmethod
    def everything(cls) -> Changes:
        """The explicit "reload everything" record (replaces the old ``moved == {-1}`` sentinel)."""
        return cls(reset=True)

    def add_insert(self, table: str, row_id: int) -> None:
        self.inserted.setdefault(table, set()).add(row_id)

    def add_update(self, table: str, row_id: int, fields: set[str] | list[str]) -> None:
        self.updated.setdefault(table, {}).setdefault(row_id, set()).update(fields)

    def add_delete(self, table: str, row_id: int) -> None:
        self.deleted.setdefault(table, set()).add(row_id)

    def merge(self, other: Changes) -> Changes:
        for t, ids in other.inserted.items():
            self.inserted.setdefault(t, set()).update(ids)
        for t, rows in other.updated.items():
            for rid, fs in rows.items():
                self.add_update(t, rid, fs)
        for t, ids in other.deleted.items():
            self.deleted.setdefault(t, set()).update(ids)
        self.moved |= other.moved
        self.owners |= other.owners
        self.reset = self.reset or other.reset
        return self

    def tables(self) -> set[str]:
        return set(self.inserted) | set(self.updated) | set(self.deleted) | (
            {"obiettivi"} if self.moved else set())

    def touches(self, table: str) -> bool:
        return table in self.tables()

    def __bool__(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted or self.moved or self.reset)
