"""Staff matrix: people × objectives with the % of time (Assegnazione.impegno) and totals.

The person's name is the vertical header (it stays visible while scrolling
across objectives); the first columns are categoria, ore settimanali, number
of objectives and the total %, computed over *all* the person's assignments
(not only the visible ones). Over 100 % or no assignment at all is flagged.
Cells are edited like a spreadsheet: a number sets ``impegno`` on the
existing assignment or inserts one; emptying a cell keeps the assignment
without a %; "Rimuovi assegnazione" deletes it. All through the undo stack.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ...domain.formats import format_percent
from ...domain.model import Assegnazione, Obiettivo, Persona
from ...store.changes import Changes
from ...store.edits import Batch, DeleteRow, Edit, InsertRow, SetFields
from .columns import (
    ChoicesRole,
    ClipboardRole,
    Column,
    IdRole,
    InvalidInput,
    KindRole,
    SortRole,
    UndoableEdits,
    clear_roles,
    set_role,
)
from .views_base import BRUSHES, STATUS_ROLE, UNANSWERED_ROLES, sort_key
from .slices import Progressive, ProgressiveLoad
from ...viste.lookup import Lookup

Index = QModelIndex | QPersistentModelIndex

CENTO = Decimal(100)

FIXED = (
    Column("categoria", "Categoria", "text", width=130),
    Column("ore_settimanali", "Ore sett.", "decimal", width=70, minimum=Decimal(0),
           maximum=Decimal(60)),
    Column("n", "N. ob.", "int", editable=False, width=55, tooltip="Numero di obiettivi assegnati"),
    Column("totale", "Totale %", "computed", editable=False, width=85,
           tooltip="Somma delle % di impegno su tutti gli obiettivi (non solo quelli visibili)"),
)
CELL = Column("impegno", "Impegno %", "percent", width=70)


_R_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_R_BG, _R_FG = int(Qt.ItemDataRole.BackgroundRole), int(Qt.ItemDataRole.ForegroundRole)
_UNSET: Any = object()

#: the assignment fields the matrix uses
_ASS_COLS = ("id", "obiettivo_id", "persona_id", "impegno", "responsabile", "ruolo")


def _add_to(a: Assegnazione, ass: dict[int, Assegnazione], cell: dict[tuple[int, int], list[int]],
            by_person: dict[int, set[int]]) -> None:
    ass[a.id] = a  # type: ignore[index]
    if a.persona_id is not None:
        cell.setdefault((a.persona_id, a.obiettivo_id), []).append(a.id)  # type: ignore[arg-type]
        by_person.setdefault(a.persona_id, set()).add(a.id)  # type: ignore[arg-type]


class MatriceModel(Progressive, UndoableEdits, QAbstractTableModel):
    CELLS_ROW_NUMBERS = False  # (rows are people: the message names the cell)
    refused = Signal(str)
    #: plans with more objectives than this load in slices (see models.slices)
    PROGRESSIVE_OBIETTIVI = 3000

    def __init__(self, ctx: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.lookup = Lookup(ctx.archive)
        self.last_error: str | None = None
        self.error_count = 0
        self._settore: int | None = None
        self._ob: dict[int, Obiettivo] = {}
        self._ass: dict[int, Assegnazione] = {}
        self._cell: dict[tuple[int, int], list[int]] = {}  # (persona, obiettivo) -> assegnazioni
        self._by_person: dict[int, set[int]] = {}
        self._people: list[int] = []
        self._cols: list[int] = []
        self._row_of: dict[int, int] = {}
        self._col_of: dict[int, int] = {}
        self._tot: dict[int, Decimal | None] = {}  # a person's total % (cached, see totale)
        self.loader = ProgressiveLoad(
            self, "timerMatrice", steps=self._reload_steps, apply=self.on_changes,
            large=lambda: ctx.archive.count(Obiettivo) > self.PROGRESSIVE_OBIETTIVI)
        self.reload()
        ctx.hub.changed.connect(self.on_changes)

    # ------------------------------------------------------------ loading

    def _reload_steps(self) -> Iterator[int]:
        arc = self.ctx.archive
        lookup = Lookup(arc)
        # only the fields the matrix shows, in tree order (a large plan: 10.000 columns)
        obs: dict[int, Obiettivo] = {}
        for batch in arc.select_batches(Obiettivo, columns=("id", "codice", "titolo", "unita_id"),
                                        batch=2000):
            obs.update((o.id, o) for o in batch if o.id is not None)
            yield 5 + 30 * len(obs) // max(1, len(obs) + 2000)
        ordine = arc.ordine_obiettivi()
        yield 40
        new_ob = {oid: obs[oid] for oid in ordine if oid in obs}
        yield 45
        ass: dict[int, Assegnazione] = {}
        cell: dict[tuple[int, int], list[int]] = {}
        by_person: dict[int, set[int]] = {}
        for batch in arc.select_batches(Assegnazione, columns=_ASS_COLS, batch=2000):
            for a in batch:
                _add_to(a, ass, cell, by_person)
            yield 45 + 50 * len(ass) // max(1, len(ass) + 2000)
        tot: dict[int, Decimal | None] = {}  # each person's total, ready for the first paint
        people = list(by_person.items())
        for k in range(0, len(people), 100):
            for pid, aids in people[k:k + 100]:
                known = [ass[a].impegno for a in aids if ass[a].impegno is not None]
                tot[pid] = sum(known, Decimal(0)) if known else None
            yield 96
        self.beginResetModel()
        self.lookup = lookup
        self._ob, self._ass, self._cell, self._by_person = new_ob, ass, cell, by_person
        self._tot = tot
        self._layout()
        self.endResetModel()
        yield 100

    def set_settore(self, settore_id: int | None) -> None:
        self.beginResetModel()
        self._settore = settore_id
        self._layout()
        self.endResetModel()

    def _add(self, a: Assegnazione) -> None:
        _add_to(a, self._ass, self._cell, self._by_person)
        self._tot.pop(a.persona_id, None)  # type: ignore[arg-type]

    def _drop(self, aid: int) -> Assegnazione | None:
        a = self._ass.pop(aid, None)
        if a is not None and a.persona_id is not None:
            self._tot.pop(a.persona_id, None)
            lst = self._cell.get((a.persona_id, a.obiettivo_id), [])
            if aid in lst:
                lst.remove(aid)
            if not lst:
                self._cell.pop((a.persona_id, a.obiettivo_id), None)
            self._by_person.get(a.persona_id, set()).discard(aid)
        return a

    def _layout(self) -> None:
        sid = self._settore
        self._cols = [oid for oid, o in self._ob.items()
                      if sid is None or self.lookup.settore_id(o.unita_id) == sid]
        cols = set(self._cols)
        people = []
        for pid, p in self.lookup.persone.items():
            if sid is None or self.lookup.settore_id(p.unita_id) == sid or any(
                    self._ass[a].obiettivo_id in cols for a in self._by_person.get(pid, ())):
                people.append(pid)
        self._people = people  # Lookup keeps the archive's order (cognome, nome)
        self._row_of = {pid: r for r, pid in enumerate(self._people)}
        self._col_of = {oid: c + len(FIXED) for c, oid in enumerate(self._cols)}

    # ------------------------------------------------------------ figures

    def impegno(self, pid: int, oid: int) -> Decimal | None:
        vals = [self._ass[a].impegno for a in self._cell.get((pid, oid), [])]
        known = [v for v in vals if v is not None]
        return sum(known, Decimal(0)) if known else None

    def assigned(self, pid: int, oid: int) -> bool:
        return bool(self._cell.get((pid, oid)))

    def totale(self, pid: int) -> Decimal | None:
        if pid in self._tot:
            return self._tot[pid]
        vals = [self._ass[a].impegno for a in self._by_person.get(pid, ())]
        known = [v for v in vals if v is not None]
        tot = self._tot[pid] = sum(known, Decimal(0)) if known else None
        return tot

    def n_obiettivi(self, pid: int) -> int:
        return len({self._ass[a].obiettivo_id for a in self._by_person.get(pid, ())})

    def flag(self, pid: int) -> str | None:
        """'over' above 100 %, 'none' without any assignment, else None."""
        if not self._by_person.get(pid):
            return "none"
        tot = self.totale(pid)
        return "over" if tot is not None and tot > CENTO else None

    def persona_id(self, row: int) -> int:
        return self._people[row]

    def obiettivo_id(self, column: int) -> int | None:
        c = column - len(FIXED)
        return self._cols[c] if 0 <= c < len(self._cols) else None

    def index_of(self, pid: int, oid: int) -> QModelIndex:
        return self.index(self._row_of[pid], self._col_of[oid])

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(FIXED) if c.key == key)

    # ------------------------------------------------------------ Qt API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._people)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FIXED) + len(self._cols)

    def _col(self, column: int) -> Column:
        return FIXED[column] if column < len(FIXED) else CELL

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(self._people):
                return None
            pid = self._people[section]
            p = self.lookup.persone[pid]
            if role == Qt.ItemDataRole.DisplayRole:
                return p.nominativo
            if role == Qt.ItemDataRole.ToolTipRole:
                return " — ".join(x for x in (p.nominativo, p.categoria or "",
                                              self.lookup.settore_nome(p.unita_id)) if x)
            if role == Qt.ItemDataRole.ForegroundRole:
                flag = self.flag(pid)
                return BRUSHES[flag][1] if flag in BRUSHES else None
            return None
        if not 0 <= section < self.columnCount():
            return None
        if section < len(FIXED):
            if role == Qt.ItemDataRole.DisplayRole:
                return FIXED[section].label
            if role == Qt.ItemDataRole.ToolTipRole:
                return FIXED[section].tooltip or FIXED[section].label
            return None
        ob = self._ob[self._cols[section - len(FIXED)]]
        if role == Qt.ItemDataRole.DisplayRole:
            return ob.codice or f"#{ob.id}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{ob.codice} — {ob.titolo}\n{self.lookup.settore_nome(ob.unita_id)}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.ctx.archive.readonly:
            return base
        col = self._col(index.column())
        if index.column() >= len(FIXED):
            pid, oid = self._people[index.row()], self.obiettivo_id(index.column())
            if len(self._cell.get((pid, oid), [])) <= 1:  # type: ignore[arg-type]
                base |= Qt.ItemFlag.ItemIsEditable
        elif col.editable:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def _value(self, r: int, c: int) -> Any:
        pid = self._people[r]
        if c >= len(FIXED):
            return self.impegno(pid, self._cols[c - len(FIXED)])
        key = FIXED[c].key
        if key == "n":
            return self.n_obiettivi(pid)
        if key == "totale":
            return self.totale(pid)
        return getattr(self.lookup.persone[pid], key)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._people)):
            return None
        r, c = index.row(), index.column()
        pid = self._people[r]
        col = self._col(c)
        value = self._value(r, c)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(pid, c, col, value)
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == SortRole:
            return sort_key(value)
        if role == IdRole:
            return pid
        if role == KindRole:
            return col.kind
        if role == ChoicesRole:
            return None
        if role == ClipboardRole:
            return col.clipboard(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter) if c >= len(FIXED) else int(col.alignment)
        if role == STATUS_ROLE:
            return self.flag(pid) if col.key == "totale" else None
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            st = self._status(pid, c, col)
            if st in BRUSHES:
                return BRUSHES[st][0 if role == Qt.ItemDataRole.BackgroundRole else 1]  # type: ignore[index]
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(pid, c)
        return None

    def _display(self, pid: int, c: int, col: Column, value: Any) -> str:
        if c >= len(FIXED):
            if value is None:
                return "✓" if self.assigned(pid, self._cols[c - len(FIXED)]) else ""
            return col.display(value)
        if col.key == "totale":
            if value is None:
                return "0,00 %" if self.flag(pid) == "none" else "n.d."
            return format_percent(value)
        return col.display(value)

    def _status(self, pid: int, c: int, col: Column) -> str | None:
        st = self.flag(pid) if col.key in ("totale", "n") else None
        if st is None and c >= len(FIXED) and self.assigned(pid, self._cols[c - len(FIXED)]):
            st = "done"
        return st

    def multiData(self, index: Index, roleDataSpan: Any) -> None:  # noqa: N803 - Qt's name
        """The roles a delegate asks for a cell in one call (its value computed once)."""
        r, c = index.row(), index.column()
        if not index.isValid() or not (0 <= r < len(self._people)):
            clear_roles(roleDataSpan)
            return
        pid = self._people[r]
        col = self._col(c)
        value: Any = _UNSET
        status: Any = _UNSET
        for rd in roleDataSpan:
            role = rd.role()
            if role == _R_DISPLAY:
                if value is _UNSET:
                    value = self._value(r, c)
                rd.setData(self._display(pid, c, col, value))
            elif role == _R_BG or role == _R_FG:
                if status is _UNSET:
                    status = self._status(pid, c, col)
                if status in BRUSHES:
                    rd.setData(BRUSHES[status][0 if role == _R_BG else 1])
                else:
                    rd.clearData()
            elif role in UNANSWERED_ROLES:
                rd.clearData()
            else:
                set_role(rd, self.data(index, role))

    def _tooltip(self, pid: int, c: int) -> str | None:
        nome = self.lookup.persona_nome(pid)
        if c >= len(FIXED):
            oid = self._cols[c - len(FIXED)]
            ids = self._cell.get((pid, oid), [])
            if not ids:
                return f"{nome}: non assegnato a {self._ob[oid].codice} (scrivere una % per assegnare)"
            parts = []
            for a in (self._ass[x] for x in ids):
                parts.append(", ".join(x for x in (
                    "responsabile" if a.responsabile else "", a.ruolo or "",
                    format_percent(a.impegno) if a.impegno is not None else "% non indicata") if x))
            more = "\nPiù assegnazioni: si modificano nella scheda dell'obiettivo." if len(ids) > 1 else ""
            return f"{nome} — {self._ob[oid].codice}: " + "; ".join(parts) + more
        key = FIXED[c].key
        if key in ("totale", "n"):
            st = self.flag(pid)
            if st == "none":
                return f"{nome} non ha nessuna assegnazione."
            tot = self.totale(pid)
            if st == "over":
                return f"{nome} è impegnato per il {format_percent(tot)}: oltre il 100 %."
            if tot is None:
                return f"{nome}: assegnato a {self.n_obiettivi(pid)} obiettivi senza % di impegno."
            if tot < CENTO:
                return f"{nome}: {format_percent(tot)} assegnato (restano {format_percent(CENTO - tot)})."
        return None

    # ------------------------------------------------------------ editing

    def build_edit(self, index: Index, value: Any) -> Edit | None:
        r, c = index.row(), index.column()
        pid = self._people[r]
        if not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            raise InvalidInput("Questa cella non si può modificare qui.")
        col = self._col(c)
        parsed = col.parse(value)
        if c < len(FIXED):
            if parsed == getattr(self.lookup.persone[pid], col.key):
                return None
            return SetFields(Persona, pid, {col.key: parsed},
                             label=f"Modifica {col.label.lower()} di {self.lookup.persona_nome(pid)}")
        oid = self._cols[c - len(FIXED)]
        ids = self._cell.get((pid, oid), [])
        codice = self._ob[oid].codice
        if ids:
            if self._ass[ids[0]].impegno == parsed:
                return None
            return SetFields(Assegnazione, ids[0], {"impegno": parsed},
                             label=f"Impegno di {self.lookup.persona_nome(pid)} su {codice}")
        if parsed is None:
            return None
        return InsertRow(Assegnazione(obiettivo_id=oid, persona_id=pid, impegno=parsed),
                         label=f"Assegna {self.lookup.persona_nome(pid)} a {codice}")

    def remove_assignments(self, indexes: list[Index]) -> bool:
        ids = []
        for index in indexes:
            oid = self.obiettivo_id(index.column())
            if oid is not None:
                ids += self._cell.get((self._people[index.row()], oid), [])
        if not ids:
            return False
        edits: list[Edit] = [DeleteRow(Assegnazione, a, label="Rimuovi assegnazione") for a in ids]
        return bool(self.ctx.push(Batch(edits, f"Rimuovi {len(ids)} assegnazioni")
                                  if len(edits) > 1 else edits[0]))

    # ------------------------------------------------------------ changes

    def on_changes(self, ch: Changes) -> None:
        if self.loader.hold(ch):
            return  # (applied once the matrix is in)
        if ch.reset or ch.inserted.get("persone") or ch.deleted.get("persone") \
                or ch.inserted.get("obiettivi") or ch.deleted.get("obiettivi") or ch.touches("unita"):
            self.reload()
            return
        arc = self.ctx.archive
        people: set[int] = set()
        cells: set[tuple[int, int]] = set()
        for aid in ch.deleted.get("assegnazioni", ()):
            a = self._drop(aid)
            if a is not None and a.persona_id is not None:
                people.add(a.persona_id)
                cells.add((a.persona_id, a.obiettivo_id))
        for aid in ch.inserted.get("assegnazioni", set()) | set(ch.updated.get("assegnazioni", {})):
            old = self._drop(aid)
            if old is not None and old.persona_id is not None:
                people.add(old.persona_id)
                cells.add((old.persona_id, old.obiettivo_id))
            a = arc.get(Assegnazione, aid)
            if a is not None:
                self._add(a)
                if a.persona_id is not None:
                    people.add(a.persona_id)
                    cells.add((a.persona_id, a.obiettivo_id))
        for pid in ch.updated.get("persone", {}):
            p = arc.get(Persona, pid)
            if p is not None:
                self.lookup.persone[pid] = p
                people.add(pid)
        headers_changed = False
        for oid in ch.updated.get("obiettivi", {}):
            ob = arc.obiettivo(oid)
            if ob is not None:
                moved = self._ob.get(oid) is not None and self._ob[oid].unita_id != ob.unita_id
                self._ob[oid] = ob
                if moved and self._settore is not None:
                    self.reload()
                    return
                headers_changed = True
        if self._settore is not None and any(p not in self._row_of for p in people):
            self.reload()  # a person joins the filtered list
            return
        last = self.columnCount() - 1
        for pid in people:
            r = self._row_of.get(pid)
            if r is None:
                continue
            self.dataChanged.emit(self.index(r, 0), self.index(r, len(FIXED) - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, r, r)
        for pid, oid in cells:
            if pid in self._row_of and oid in self._col_of:
                idx = self.index(self._row_of[pid], self._col_of[oid])
                self.dataChanged.emit(idx, idx)
        if headers_changed and last >= len(FIXED):
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, len(FIXED), last)
