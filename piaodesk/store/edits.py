"""Reversible edits: the unit of undo/redo, written straight to the plan file.

Each edit is a small object with ``label``, ``apply(archive)`` and
``revert(archive)``, both returning :class:`Changes`. They know no Qt; the UI
wraps them in one generic ``QUndoCommand``. What undo needs is captured at the
first ``apply()``; a deleted subtree is re-inserted **with the same ids**, so
later commands on the stack still point at valid rows.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .changes import Changes
from .codec import encode, field_types, to_row
from .misure import reparse_for_tipo
from .righe import HasRows

#: what an edit is applied to: the Archive, seen through its public row writer only
Archive = HasRows


class Edit:
    """``archive`` is the Archive: the edits here use only its :attr:`rows` (:class:`HasRows`);
    edits elsewhere in the store may read it further (hence ``Any`` in this base)."""

    __slots__ = ()  # subclasses without slots keep a __dict__; InsertRow, made by the thousand, has none
    label: str = "Modifica"

    def apply(self, archive: Any) -> Changes:
        raise NotImplementedError

    def revert(self, archive: Any) -> Changes:
        raise NotImplementedError


class SetFields(Edit):
    """Change some fields of one row; values are domain (Python) values."""

    def __init__(self, cls: type, row_id: int, values: dict[str, Any], label: str | None = None):
        types = field_types(cls)
        unknown = set(values) - set(types)
        if unknown:
            raise KeyError(f"campi sconosciuti per {cls.__name__}: {sorted(unknown)}")
        self.table = cls.TABLE  # type: ignore[attr-defined]
        self.row_id = row_id
        self.new = {k: encode(v) for k, v in values.items()}
        self.old: dict[str, Any] | None = None
        self.label = label or f"Modifica {', '.join(values)}"
        self._owners: set[int] = set()
        #: numbers re-parsed because an indicator's tipo changed: (table, id, old, new)
        self._reparsed: list[tuple[str, int, dict[str, Any], dict[str, Any]]] = []

    def apply(self, archive: Archive) -> Changes:
        rows = archive.rows
        row = rows.fetch(self.table, self.row_id)
        if row is None:
            raise LookupError(f"riga {self.row_id} di {self.table} non trovata")
        if self.old is None:
            self.old = {k: row[k] for k in self.new}
        rows.update(self.table, self.row_id, self.new)
        self._owners = {o for o in (rows.owner_of(self.table, row),
                                    rows.owner_of(self.table, {**row, **self.new})) if o is not None}
        ch = Changes(owners=set(self._owners))
        ch.add_update(self.table, self.row_id, set(self.new))
        if self.table == "obiettivi" and "parent_id" in self.new:
            ch.moved.add(self.row_id)
        if self.table == "indicatori" and "tipo" in self.new and self.new["tipo"] != row["tipo"]:
            # the stored numbers of its values follow the new tipo ("SI" is 1 for a sì/no only)
            self._reparsed = reparse_for_tipo(rows, self.row_id, self.new["tipo"])
            for table, rid, _old, new in self._reparsed:
                ch.add_update(table, rid, set(new))
        else:
            self._reparsed = []
        return ch

    def revert(self, archive: Archive) -> Changes:
        assert self.old is not None, "revert before apply"
        ch = Changes(owners=set(self._owners))
        for table, rid, old, _new in self._reparsed:
            archive.rows.update(table, rid, old)
            ch.add_update(table, rid, set(old))
        archive.rows.update(self.table, self.row_id, self.old)
        ch.add_update(self.table, self.row_id, set(self.old))
        if self.table == "obiettivi" and "parent_id" in self.old:
            ch.moved.add(self.row_id)
        return ch


_NONE: list[tuple[int, int]] = []  # never mutated: InsertRow only ever replaces it


class InsertRow(Edit):
    """Insert one domain object; sibling rows with ``posizione`` make room for it."""

    __slots__ = ("_owner", "_shifted", "label", "obj", "row_id", "table")

    def __init__(self, obj: Any, label: str | None = None):
        self.obj = obj
        self.table = obj.TABLE
        self.row_id: int | None = obj.id
        self.label = label or f"Aggiungi {type(obj).__name__}"
        self._shifted: list[tuple[int, int]] = _NONE  # shared until an insert shifts siblings
        self._owner: int | None = None

    def apply(self, archive: Archive) -> Changes:
        row = to_row(self.obj)
        row["id"] = self.row_id
        ch = Changes()
        if "posizione" in row:
            self._shifted = archive.rows.make_room(self.table, row)
            for sid, _ in self._shifted:
                ch.add_update(self.table, sid, {"posizione"})
        self.row_id = archive.rows.insert(self.table, row)
        if self.obj.id != self.row_id:
            self.obj = dataclasses.replace(self.obj, id=self.row_id)
        ch.add_insert(self.table, self.row_id)
        self._owner = archive.rows.owner_of(self.table, {**row, "id": self.row_id})
        if self._owner is not None:
            ch.owners.add(self._owner)
        return ch

    def revert(self, archive: Archive) -> Changes:
        assert self.row_id is not None
        ch = Changes()
        deleted, rows, _nulled = archive.rows.delete_cascade(self.table, self.row_id)
        for table, row_id in deleted:
            ch.add_delete(table, row_id)
        ch.owners |= archive.rows.owners_of_rows(rows)
        for sid, pos in self._shifted:
            archive.rows.update(self.table, sid, {"posizione": pos})
            ch.add_update(self.table, sid, {"posizione"})
        return ch


class InsertMany(Edit):
    """Insert many new rows of one table as one step, in one statement (a monitoring round's
    snapshot: tens of thousands of rows). ``values`` are stored (encoded) values of
    ``columns``, without ids: fresh ids are given at the first apply and kept for redo.
    Rows without ``posizione`` and without dependents (undo deletes them by id)."""

    def __init__(self, cls: type, columns: tuple[str, ...], values: list[tuple[Any, ...]],
                 label: str | None = None):
        unknown = set(columns) - set(field_types(cls))
        if unknown or "id" in columns:
            raise KeyError(f"campi non ammessi per {cls.__name__}: {sorted(unknown | {'id'} & set(columns))}")
        self.table = cls.TABLE  # type: ignore[attr-defined]
        self.columns, self.values = columns, values
        self.ids: list[int] | None = None
        self.row_id: int | None = None
        self.label = label or f"Aggiungi {len(values)} {cls.__name__}"
        self._owners: set[int] | None = None

    def apply(self, archive: Archive) -> Changes:
        rows = archive.rows
        if self.ids is None:
            start = rows.next_id(self.table)
            if start + len(self.values) - 1 > rows.id_range[1]:
                raise ValueError("Troppe righe nuove per l'intervallo di identificativi di questo file.")
            self.ids = list(range(start, start + len(self.values)))
        rows.insert_many(self.table, ("id", *self.columns),
                         [(i, *v) for i, v in zip(self.ids, self.values, strict=True)])
        if self._owners is None:
            self._owners = rows.owners_of_values(self.table, self.columns, self.values)
        ch = Changes(owners=set(self._owners))
        ch.inserted[self.table] = set(self.ids)
        return ch

    def revert(self, archive: Archive) -> Changes:
        assert self.ids is not None, "revert before apply"
        archive.rows.delete_many(self.table, self.ids)
        ch = Changes(owners=set(self._owners or ()))
        ch.deleted[self.table] = set(self.ids)
        return ch


class DeleteRow(Edit):
    """Delete a row and everything that depends on it (kept for undo)."""

    def __init__(self, cls: type, row_id: int, label: str | None = None):
        self.table = cls.TABLE  # type: ignore[attr-defined]
        self.row_id = row_id
        self.label = label or f"Elimina {cls.__name__}"
        self._rows: list[tuple[str, dict[str, Any]]] = []
        self._nulled: list[tuple[str, int, str, Any]] = []
        self._siblings: list[tuple[int, int]] = []

    def apply(self, archive: Archive) -> Changes:
        rows = archive.rows
        row = rows.fetch(self.table, self.row_id)
        if row is None:
            raise LookupError(f"riga {self.row_id} di {self.table} non trovata")
        ch = Changes()
        # owners first: the rows an indicator's values hang from are still there
        ch.owners = rows.owners_of_rows([(self.table, row)])
        deleted, self._rows, self._nulled = rows.delete_cascade(self.table, self.row_id)
        ch.owners |= rows.owners_of_rows(self._rows)
        for table, rid in deleted:
            ch.add_delete(table, rid)
        for table, rid, col, _ in self._nulled:
            ch.add_update(table, rid, {col})
            ch.owners |= rows.owners_of_ids(table, [rid])
        if "posizione" in row:
            self._siblings = archive.rows.close_gap(self.table, row)
            for sid, _ in self._siblings:
                ch.add_update(self.table, sid, {"posizione"})
        return ch

    def revert(self, archive: Archive) -> Changes:
        ch = Changes()
        for sid, pos in self._siblings:
            archive.rows.update(self.table, sid, {"posizione": pos})
            ch.add_update(self.table, sid, {"posizione"})
        return ch.merge(restore_deleted(archive, self._rows, self._nulled))


def restore_deleted(archive: Archive, rows: list[tuple[str, dict[str, Any]]],
                    nulled: list[tuple[str, int, str, Any]]) -> Changes:
    """Put back what ``Rows.delete_cascade`` removed (rows, and references set to NULL)."""
    ch = Changes()
    archive.rows.restore(rows, nulled)
    for table, row in rows:
        ch.add_insert(table, row["id"])
    for table, rid, col, _old in nulled:
        ch.add_update(table, rid, {col})
    ch.owners = archive.rows.owners_of_rows(rows)
    for table, rid, _col, _old in nulled:
        ch.owners |= archive.rows.owners_of_ids(table, [rid])
    return ch


class MoveObiettivo(Edit):
    """Move an objective under another parent (or to the root) at a position."""

    def __init__(self, obiettivo_id: int, new_parent_id: int | None, new_pos: int,
                 new_ramo: str | None = None, label: str = "Sposta obiettivo"):
        self.oid = obiettivo_id
        self.new_parent = new_parent_id
        self.new_pos = new_pos
        self.new_ramo = new_ramo
        self.label = label
        self._before: list[tuple[int, int | None, int, str]] | None = None

    def apply(self, archive: Archive) -> Changes:
        if self.new_parent is not None and self.new_parent in archive.rows.descendants(self.oid, True):
            raise ValueError("Non si può spostare un obiettivo dentro sé stesso o un suo discendente.")
        self._before = archive.rows.positions()
        archive.rows.move_objective(self.oid, self.new_parent, self.new_pos, self.new_ramo)
        return self._diff(archive)

    def revert(self, archive: Archive) -> Changes:
        assert self._before is not None
        current = archive.rows.positions()
        before = {oid: (p, pos, ramo) for oid, p, pos, ramo in self._before}
        ch = Changes()
        for oid, p, pos, ramo in current:
            if before.get(oid) != (p, pos, ramo):
                bp, bpos, bramo = before[oid]
                archive.rows.update("obiettivi", oid, {"parent_id": bp, "posizione": bpos, "ramo": bramo})
                ch.add_update("obiettivi", oid, {"parent_id", "posizione", "ramo"})
        ch.moved.add(self.oid)
        ch.owners = set(ch.updated.get("obiettivi", {})) | {self.oid}
        return ch

    def _diff(self, archive: Archive) -> Changes:
        assert self._before is not None
        before = {oid: (p, pos, ramo) for oid, p, pos, ramo in self._before}
        ch = Changes()
        for oid, p, pos, ramo in archive.rows.positions():
            if before.get(oid) != (p, pos, ramo):
                ch.add_update("obiettivi", oid, {"parent_id", "posizione", "ramo"})
        ch.moved.add(self.oid)
        ch.owners = set(ch.updated.get("obiettivi", {})) | {self.oid}
        return ch


class Batch(Edit):
    """Several edits as one undoable step (e.g. an import, a paste)."""

    def __init__(self, edits: list[Edit], label: str):
        self.edits = edits
        self.label = label

    def apply(self, archive: Any) -> Changes:
        ch = Changes()
        for e in self.edits:
            ch.merge(e.apply(archive))
        return ch

    def revert(self, archive: Any) -> Changes:
        ch = Changes()
        for e in reversed(self.edits):
            ch.merge(e.revert(archive))
        return ch


class SetSetting(Edit):
    """Store one plan setting (``impostazioni``: key → text; ``None`` removes it), undoably."""

    _MISSING = object()

    def __init__(self, chiave: str, valore: str | None, label: str | None = None):
        self.table = "impostazioni"
        self.chiave = chiave
        self.new = valore
        self.old: Any = SetSetting._MISSING
        self.label = label or f"Impostazione «{chiave}»"

    def _write(self, archive: Archive, valore: str | None) -> Changes:
        archive.rows.set_setting(self.chiave, valore)
        ch = Changes()
        ch.add_update(self.table, 0, {self.chiave})
        return ch

    def apply(self, archive: Archive) -> Changes:
        if self.old is SetSetting._MISSING:
            self.old = archive.rows.setting(self.chiave)
        return self._write(archive, self.new)

    def revert(self, archive: Archive) -> Changes:
        assert self.old is not SetSetting._MISSING, "revert before apply"
        return self._write(archive, self.old)
