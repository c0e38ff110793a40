"""Column declarations shared by the grids, and the typed parsing of what people type.

A :class:`Column` says once what a grid column shows and how its cells are edited:
``kind`` selects the delegate's editor and the parser; ``parse`` turns the typed
text into the native value or raises :class:`InvalidInput` with an Italian
message (nothing half-written reaches the plan file).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from PySide6.QtCore import Qt

from ...domain.formats import format_date, format_decimal, parse_bool, parse_date, parse_decimal
from ...store.edits import Batch

# ---------------------------------------------------------------------- roles

SortRole = Qt.ItemDataRole.UserRole          #: native comparable value
IdRole = Qt.ItemDataRole.UserRole + 1        #: row id (obiettivo, fase, ...)
KindRole = Qt.ItemDataRole.UserRole + 2      #: editor kind of the cell (see KINDS)
ChoicesRole = Qt.ItemDataRole.UserRole + 3   #: list[(label, value)] for "enum"/"choice" cells
ClipboardRole = Qt.ItemDataRole.UserRole + 4  #: text copied to the clipboard (Italian, no grouping)

KINDS = ("text", "multiline", "int", "decimal", "percent", "money", "date", "enum", "choice",
         "bool", "computed")


class InvalidInput(ValueError):
    """A typed value that cannot be accepted; ``str(exc)`` is the Italian message."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"
    editable: bool = True
    width: int = 0  # preferred width in pixels (0 = default)
    enum: type[Enum] | None = None
    tooltip: str = ""
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: Callable[[], Sequence[tuple[str, Any]]] | None = field(default=None, compare=False)

    @property
    def alignment(self) -> Qt.AlignmentFlag:
        if self.kind in ("int", "decimal", "percent", "money", "computed"):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if self.kind in ("date", "bool"):
            return Qt.AlignmentFlag.AlignCenter
        return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

    # ------------------------------------------------------------------ display

    def display(self, value: Any) -> str:
        if value is None or value == "":
            return ""
        kind = self.kind
        if kind == "decimal":
            return format_decimal(value, 2, strip_zeros=True)
        if kind == "computed":
            return format_decimal(value, 2)
        if kind == "percent":
            return format_decimal(value, 2, strip_zeros=True) + " %"
        if kind == "money":
            return format_decimal(value, 2)
        if kind == "date":
            return format_date(value) if isinstance(value, date) else str(value)
        if kind == "bool":
            return "Sì" if value else "No"
        if kind == "enum":
            return getattr(value, "label", str(value))
        if kind == "choice" and self.choices is not None:
            for label, val in self.choices():
                if val == value:
                    return label
            return ""
        return str(value)

    def clipboard(self, value: Any) -> str:
        if value is None:
            return ""
        if self.kind in ("decimal", "percent", "money", "computed"):
            return format_decimal(value, 2, strip_zeros=self.kind != "money").replace(".", "")
        return self.display(value)

    # ------------------------------------------------------------------ parsing

    def parse(self, value: Any) -> Any:
        """Typed text (or a native value) → native value; :class:`InvalidInput` if refused."""
        if isinstance(value, str):
            text = value.strip()
            if text == "":
                return False if self.kind == "bool" else None
        elif value is None:
            return False if self.kind == "bool" else None
        else:
            text = None
        kind, where = self.kind, f"(colonna «{self.label}»)"
        if kind in ("decimal", "percent", "money", "int"):
            num = parse_decimal(text) if text is not None else _native_decimal(value)
            if num is None:
                raise InvalidInput(f"«{text}» non è un numero valido {where}. "
                                   "Usare la virgola per i decimali, es. 12,5.")
            lo: Decimal | None
            hi: Decimal | None
            if kind == "percent":
                lo = self.minimum if self.minimum is not None else Decimal(0)
                hi = self.maximum if self.maximum is not None else Decimal(100)
            else:
                lo, hi = self.minimum, self.maximum
            if (lo is not None and num < lo) or (hi is not None and num > hi):
                rng = f"tra {format_decimal(lo, None)} e {format_decimal(hi, None)}" \
                    if lo is not None and hi is not None else (
                        f"almeno {format_decimal(lo, None)}" if lo is not None
                        else f"al massimo {format_decimal(hi, None)}")
                what = "La percentuale" if kind == "percent" else "Il valore"
                raise InvalidInput(f"{what} {format_decimal(num, None)} non è ammesso {where}: "
                                   f"deve essere {rng}.")
            if kind == "int":
                if num != num.to_integral_value():
                    raise InvalidInput(f"«{text or value}» non è un numero intero {where}.")
                return int(num)
            return num
        if kind == "date":
            if isinstance(value, date):
                return value
            d = parse_date(text)
            if d is None:
                raise InvalidInput(f"«{text}» non è una data valida {where}: "
                                   "scrivere gg/mm/aaaa, es. 31/12/2025.")
            if not 1900 <= d.year <= 2200:
                raise InvalidInput(f"L'anno della data «{text}» non è plausibile {where}.")
            return d
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if value in (0, 1, Qt.CheckState.Checked, Qt.CheckState.Unchecked, 2):
                return value in (1, 2, Qt.CheckState.Checked)
            flag = parse_bool(text)
            if flag is None:
                raise InvalidInput(f"«{text}» non è Sì o No {where}.")
            return flag
        if kind == "enum":
            assert self.enum is not None
            if isinstance(value, self.enum):
                return value
            member = self.enum.from_text(str(value))  # type: ignore[attr-defined]
            if member is None:
                ammessi = ", ".join(m.label for m in self.enum)  # type: ignore[attr-defined]
                raise InvalidInput(f"«{value}» non è ammesso {where}. Valori possibili: {ammessi}.")
            return member
        if kind == "choice" and self.choices is not None:
            options = list(self.choices())
            for label, val in options:
                if val == value or (text is not None and label.casefold() == text.casefold()):
                    return val
            if text is not None:
                found = [val for label, val in options if text.casefold() in label.casefold()]
                if len(found) == 1:
                    return found[0]
            raise InvalidInput(f"«{value}» non si trova tra i valori ammessi {where}.")
        return text if text is not None else value


def _native_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return None


READONLY_MESSAGE = "Il piano è aperto in sola lettura."


class UndoableEdits:
    """Mixin of the editable table models: typed values and pasted cells become store edits
    pushed on the undo stack (never written directly), refusals are said in Italian.

    The model provides ``ctx`` (with ``archive`` and ``push``), a ``refused`` signal and
    ``build_edit(index, value)`` (parse and validate; raise :class:`InvalidInput`; None when
    nothing changes).
    """

    #: roles that setData accepts
    EDIT_ROLES: frozenset[int] = frozenset({int(Qt.ItemDataRole.EditRole)})
    #: pasted cells' error messages name the row («riga 3»)
    CELLS_ROW_NUMBERS = True
    last_error: str | None = None
    error_count = 0

    def _refuse(self, message: str) -> bool:
        self.last_error = message
        self.error_count += 1
        self.refused.emit(message)  # type: ignore[attr-defined]
        return False

    def _plan_readonly(self) -> bool:
        return bool(self.ctx.archive.readonly)  # type: ignore[attr-defined]

    def setData(self, index: Any, value: Any,  # noqa: N802 - Qt's name
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if int(role) not in self.EDIT_ROLES or not index.isValid():
            return False
        if self._plan_readonly():
            return self._refuse(READONLY_MESSAGE)
        try:
            edit = self.build_edit(index, value)  # type: ignore[attr-defined]
        except InvalidInput as exc:
            return self._refuse(str(exc))
        if edit is None:
            return False
        ok = bool(self.ctx.push(edit))  # type: ignore[attr-defined]
        if not ok:
            self._refuse("La modifica non è stata salvata.")
        return ok

    def set_cells(self, cells: list[tuple[Any, Any]], label: str) -> bool:
        """Several cells as one undoable step (paste, clear); all-or-nothing on invalid input."""
        if self._plan_readonly():
            return self._refuse(READONLY_MESSAGE)
        self._begin_cells()
        try:
            edit = cells_edit(self.build_edit, cells, label,  # type: ignore[attr-defined]
                              row_numbers=self.CELLS_ROW_NUMBERS)
        except InvalidInput as exc:
            return self._refuse(str(exc))
        finally:
            self._end_cells()
        return True if edit is None else bool(self.ctx.push(edit))  # type: ignore[attr-defined]

    def _begin_cells(self) -> None:
        """Before the cells of a paste are parsed (a model may collect shared state)."""

    def _end_cells(self) -> None:
        """After them, whatever happened."""


def set_role(rd: Any, value: Any) -> None:
    """Answer one ``QModelRoleData`` of a ``multiData`` span: the value, or nothing."""
    if value is None:
        rd.clearData()
    else:
        rd.setData(value)


def clear_roles(roleDataSpan: Any) -> None:  # noqa: N803 - Qt's name
    """Answer nothing for every role of a ``multiData`` span (an invalid index)."""
    for rd in roleDataSpan:
        rd.clearData()


def answer_roles(model: Any, index: Any, roleDataSpan: Any) -> None:  # noqa: N803 - Qt's name
    """The plain ``multiData``: each role of the span from ``model.data``."""
    data = model.data
    for rd in roleDataSpan:
        set_role(rd, data(index, rd.role()))


def column_header(columns: Sequence[Column], section: int, orientation: Qt.Orientation,
                  role: int) -> Any:
    """``headerData`` of a grid declared by ``columns``: label, tooltip, row numbers."""
    if orientation == Qt.Orientation.Horizontal and 0 <= section < len(columns):
        col = columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tooltip or col.label
    if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
        return str(section + 1)
    return None


def cells_edit(build_edit: Callable[[Any, Any], Any], cells: Sequence[tuple[Any, Any]], label: str,
               *, row_numbers: bool = True) -> Any:
    """The edits of several grid cells as one undoable step (a paste, a clear), or ``None``.

    All or nothing: the first invalid cell raises :class:`InvalidInput` with where it is
    and the promise that nothing changed. ``build_edit(index, value)`` is the model's own.
    """
    edits = []
    for index, value in cells:
        try:
            edit = build_edit(index, value)
        except InvalidInput as exc:
            where = f"Riga {index.row() + 1}: " if row_numbers else ""
            raise InvalidInput(f"{where}{exc} Nessuna cella è stata modificata.") from exc
        if edit is not None:
            edits.append(edit)
    if not edits:
        return None
    return Batch(edits, label) if len(edits) > 1 else edits[0]
