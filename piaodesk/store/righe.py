"""The one narrow row writer of a plan file: what reversible edits may do to rows.

:mod:`.edits` (and the other edit classes of the store) write through
:class:`Rows` only — never through private methods of the :class:`~.archive.Archive`
façade — and this module imports neither of them: archive → edits → righe, no circle
(an import-linter contract in ``pyproject.toml`` keeps it so).

Rows are plain dicts of stored (encoded) values. Every method runs inside the
transaction the archive opened around the edit; none commits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

#: tables whose rows hang from one objective through an ``obiettivo_id`` column
OWNED_BY_OBIETTIVO = ("fasi", "indicatori", "valutazioni", "assegnazioni", "risorse",
                      "stati_avanzamento", "obiettivi_unita")
#: tables whose rows hang from an indicator (so from its objective)
OWNED_BY_INDICATORE = ("misure", "rilevazioni")

Deleted = tuple[list[tuple[str, int]], list[tuple[str, dict[str, Any]]], list[tuple[str, int, str, Any]]]


class HasRows(Protocol):
    """What an edit receives: anything holding the plan's :class:`Rows` (the Archive)."""

    rows: Rows


class Rows:
    """Read, insert, update and delete rows of one open plan (inside the archive's transaction)."""

    def __init__(self, conn: sqlite3.Connection, id_range: tuple[int, int]) -> None:
        self.conn = conn
        self.id_range = id_range
        self._fk_cache: dict[str, list[tuple[str, str, str]]] = {}

    def forget_schema(self) -> None:
        """The file's content was replaced (restore): forget the cached foreign keys."""
        self._fk_cache.clear()

    # ------------------------------------------------------------------ one row

    def fetch(self, table: str, row_id: int) -> dict[str, Any] | None:
        cur = self.conn.execute(f"SELECT * FROM [{table}] WHERE id = ?", (row_id,))
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cur.description], row, strict=True))

    def insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert one row (a fresh id in this file's range when ``row['id']`` is None)."""
        if row.get("id") is None and table != "impostazioni":
            row = {**row, "id": self.next_id(table)}
        cur = self.conn.execute(*insert_sql(table, row))
        return int(cur.lastrowid or 0) if row.get("id") is None else int(row["id"])

    def insert_many(self, table: str, columns: Sequence[str], values: list[tuple[Any, ...]]) -> None:
        """Insert many rows of the same columns at once (``values`` include their ids)."""
        if not values:
            return
        names = ", ".join(f"[{c}]" for c in columns)
        marks = ", ".join("?" * len(columns))
        self.conn.executemany(f"INSERT INTO [{table}] ({names}) VALUES ({marks})", values)

    def next_id(self, table: str) -> int:
        """A new row's id inside this file's range: the plan's own ids stay below the
        packets' ranges, each packet uses its own (rows made in two packets never collide)."""
        low, high = self.id_range
        current = self.conn.execute(
            f"SELECT max(id) FROM [{table}] WHERE id BETWEEN ? AND ?", (low, high)).fetchone()[0]
        return max(low, (current or 0) + 1)

    def update(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        cols = ", ".join(f"[{k}] = ?" for k in values)
        self.conn.execute(f"UPDATE [{table}] SET {cols} WHERE id = ?", (*values.values(), row_id))

    def update_many(self, table: str, columns: Sequence[str], values: list[tuple[Any, ...]]) -> None:
        """Update the same ``columns`` of many rows; each tuple is (values..., id)."""
        if not values:
            return
        cols = ", ".join(f"[{k}] = ?" for k in columns)
        self.conn.executemany(f"UPDATE [{table}] SET {cols} WHERE id = ?", values)

    def delete_many(self, table: str, ids: Iterable[int]) -> None:
        """Delete rows by id (rows nothing refers to with a cascade: see :meth:`delete_cascade`)."""
        ids = list(ids)
        if any(action == "CASCADE" for _t, _c, action in self._children_refs(table)):
            for i in ids:
                self.delete_cascade(table, i)
            return
        self.conn.executemany(f"DELETE FROM [{table}] WHERE id = ?", ((i,) for i in ids))

    # ------------------------------------------------------------------ cascades

    def _children_refs(self, table: str) -> list[tuple[str, str, str]]:
        """(child table, column, on_delete) for every foreign key pointing at ``table``."""
        if table not in self._fk_cache:
            refs = []
            tables = [r[0] for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")]
            for t in tables:
                for fk in self.conn.execute(f"PRAGMA foreign_key_list([{t}])"):
                    if fk[2] == table:
                        refs.append((t, fk[3], fk[6].upper()))
            self._fk_cache[table] = refs
        return self._fk_cache[table]

    def delete_cascade(self, table: str, row_id: int) -> Deleted:
        """Delete a row; return (deleted ids, rows parent-first, nulled references)."""
        rows: list[tuple[str, dict[str, Any]]] = []
        seen: set[tuple[str, int]] = set()
        nulled: list[tuple[str, int, str, Any]] = []
        todo = [(table, row_id)]
        while todo:  # a loop: deep subtrees must not hit the recursion limit
            t, rid = todo.pop()
            if (t, rid) in seen:
                continue
            row = self.fetch(t, rid)
            if row is None:
                continue
            seen.add((t, rid))
            rows.append((t, row))
            found = []
            for child, col, action in self._children_refs(t):
                ids = [r[0] for r in self.conn.execute(
                    f"SELECT id FROM [{child}] WHERE [{col}] = ?", (rid,))]
                for cid in ids:
                    if action == "CASCADE":
                        found.append((child, cid))
                    elif action == "SET NULL":
                        nulled.append((child, cid, col, rid))
            todo.extend(reversed(found))
        nulled = [n for n in nulled if (n[0], n[1]) not in seen]
        for t, rid, col, _ in nulled:
            self.update(t, rid, {col: None})
        for t, r in reversed(rows):
            self.conn.execute(f"DELETE FROM [{t}] WHERE id = ?", (r["id"],))
        return [(t, r["id"]) for t, r in rows], rows, nulled

    def restore(self, rows: list[tuple[str, dict[str, Any]]],
                nulled: list[tuple[str, int, str, Any]]) -> None:
        """Put back what :meth:`delete_cascade` removed (same ids)."""
        for table, row in rows:
            self.insert(table, row)
        for table, rid, col, old in nulled:
            self.update(table, rid, {col: old})

    # ------------------------------------------------------------------ sibling positions

    def _sibling_clause(self, table: str, row: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
        if table == "obiettivi":
            if row.get("parent_id") is None:
                return "parent_id IS NULL AND ramo = ?", (row.get("ramo") or "obiettivi",)
            return "parent_id = ?", (row["parent_id"],)
        owner = {"fasi": "obiettivo_id", "indicatori": "obiettivo_id", "unita": "parent_id"}.get(table)
        if owner is None:
            return "1 = 1", ()
        if row.get(owner) is None:
            return f"{owner} IS NULL", ()
        return f"{owner} = ?", (row[owner],)

    def make_room(self, table: str, row: dict[str, Any]) -> list[tuple[int, int]]:
        """Shift later siblings by one for an insert at ``row['posizione']`` (None = append)."""
        clause, params = self._sibling_clause(table, row)
        # where the siblings end, from the (parent, posizione) index in one step: appending a
        # thousand children one by one must not read the earlier ones a thousand times
        top = self.conn.execute(f"SELECT max(posizione) FROM [{table}] WHERE {clause}",
                                params).fetchone()[0]
        end = 0 if top is None else top + 1
        pos = row.get("posizione")
        if pos is None or pos < 0 or pos >= end:
            row["posizione"] = end if pos is None or pos < 0 or pos > end else pos
            return []
        sibs = self.conn.execute(
            f"SELECT id, posizione FROM [{table}] WHERE {clause} AND posizione >= ? "
            "ORDER BY posizione, id", (*params, pos)).fetchall()
        for sid, spos in sibs:
            self.update(table, sid, {"posizione": spos + 1})
        return [(sid, spos) for sid, spos in sibs]

    def close_gap(self, table: str, row: dict[str, Any]) -> list[tuple[int, int]]:
        clause, params = self._sibling_clause(table, row)
        sibs = self.conn.execute(
            f"SELECT id, posizione FROM [{table}] WHERE {clause} AND posizione > ? ORDER BY posizione",
            (*params, row["posizione"])).fetchall()
        for sid, spos in sibs:
            self.update(table, sid, {"posizione": spos - 1})
        return [(sid, spos) for sid, spos in sibs]

    def positions(self) -> list[tuple[int, int | None, int, str]]:
        """(id, parent_id, posizione, ramo) of every objective."""
        return [(r[0], r[1], r[2], r[3]) for r in self.conn.execute(
            "SELECT id, parent_id, posizione, ramo FROM obiettivi ORDER BY id")]

    def descendants(self, oid: int, include_self: bool = False) -> list[int]:
        rows = self.conn.execute(
            "WITH RECURSIVE d(id) AS (SELECT ? UNION ALL "
            "SELECT o.id FROM obiettivi o JOIN d ON o.parent_id = d.id) SELECT id FROM d", (oid,)
        ).fetchall()
        ids = [r[0] for r in rows]
        return ids if include_self else ids[1:]

    def move_objective(self, oid: int, parent: int | None, pos: int, ramo: str | None) -> None:
        row = self.fetch("obiettivi", oid)
        assert row is not None
        self.close_gap("obiettivi", row)
        parent_row = self.fetch("obiettivi", parent) if parent else None
        new_ramo = ramo or (parent_row["ramo"] if parent_row else row["ramo"])
        target = {"parent_id": parent, "ramo": new_ramo, "posizione": pos}
        self.update("obiettivi", oid, {"posizione": -1})
        self.make_room("obiettivi", target)
        self.update("obiettivi", oid, target)
        if new_ramo != row["ramo"]:
            for did in self.descendants(oid):
                self.update("obiettivi", did, {"ramo": new_ramo})

    # ------------------------------------------------------------------ settings

    def setting(self, chiave: str) -> str | None:
        row = self.conn.execute("SELECT valore FROM impostazioni WHERE chiave = ?",
                                (chiave,)).fetchone()
        return None if row is None else row[0]

    def set_setting(self, chiave: str, valore: str | None) -> None:
        """Store one plan setting; ``None`` removes it."""
        if valore is None:
            self.conn.execute("DELETE FROM impostazioni WHERE chiave = ?", (chiave,))
            return
        self.conn.execute(
            "INSERT INTO impostazioni (chiave, valore) VALUES (?, ?) "
            "ON CONFLICT(chiave) DO UPDATE SET valore = excluded.valore", (chiave, valore))

    # ------------------------------------------------------------------ owners

    def owner_of(self, table: str, row: dict[str, Any]) -> int | None:
        """The objective a row belongs to (itself for an objective), when it has one."""
        if table == "obiettivi":
            return row.get("id")
        if table in OWNED_BY_OBIETTIVO:
            return row.get("obiettivo_id")
        if table in OWNED_BY_INDICATORE and row.get("indicatore_id") is not None:
            found = self.conn.execute("SELECT obiettivo_id FROM indicatori WHERE id = ?",
                                      (row["indicatore_id"],)).fetchone()
            return found[0] if found else None
        return None

    def owners_of_rows(self, rows: Iterable[tuple[str, dict[str, Any]]]) -> set[int]:
        """The objectives rows belong to (deleted rows included: indicators among them are used)."""
        rows = list(rows)
        ind_owner = {r["id"]: r["obiettivo_id"] for t, r in rows if t == "indicatori"}
        out: set[int] = set()
        for t, r in rows:
            if t in OWNED_BY_INDICATORE and r.get("indicatore_id") in ind_owner:
                owner: int | None = ind_owner[r["indicatore_id"]]
            else:
                owner = self.owner_of(t, r)
            if owner is not None:
                out.add(owner)
        return out

    def owners_of_values(self, table: str, columns: Sequence[str], values: list[tuple[Any, ...]]
                         ) -> set[int]:
        """The objectives new rows (stored values of ``columns``) belong to."""
        if table == "obiettivi" or not values:
            return set()
        if table in OWNED_BY_OBIETTIVO and "obiettivo_id" in columns:
            k = list(columns).index("obiettivo_id")
            return {v[k] for v in values if v[k] is not None}
        if table in OWNED_BY_INDICATORE and "indicatore_id" in columns:
            k = list(columns).index("indicatore_id")
            wanted = {v[k] for v in values}
            return {oid for iid, oid in self.conn.execute("SELECT id, obiettivo_id FROM indicatori")
                    if iid in wanted}
        return set()

    def owners_of_ids(self, table: str, ids: Iterable[int]) -> set[int]:
        """The objectives rows of ``table`` (by id, still in the file) belong to."""
        ids = list(ids)
        if not ids:
            return set()
        if table == "obiettivi":
            return set(ids)
        if table in OWNED_BY_OBIETTIVO:
            sql = f"SELECT obiettivo_id FROM [{table}] WHERE id IN ({{}})"
        elif table in OWNED_BY_INDICATORE:
            sql = (f"SELECT i.obiettivo_id FROM [{table}] x JOIN indicatori i "
                   "ON i.id = x.indicatore_id WHERE x.id IN ({})")
        else:
            return set()
        out: set[int] = set()
        for k in range(0, len(ids), 900):
            part = ids[k:k + 900]
            out.update(r[0] for r in self.conn.execute(sql.format(",".join("?" * len(part))), part)
                       if r[0] is not None)
        return out


def insert_sql(table: str, row: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    cols = [k for k, v in row.items() if not (k == "id" and v is None)]
    marks = ", ".join("?" * len(cols))
    names = ", ".join(f"[{c}]" for c in cols)
    return f"INSERT INTO [{table}] ({names}) VALUES ({marks})", tuple(row[c] for c in cols)
