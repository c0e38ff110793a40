"""Valutazione individuale on the flat adapter: a row per person, and the grids of the selected
person (projections in ``viste/valutazione.py``).

Every typed value of a person's grid becomes one undoable ``modifica_valutazione`` edit; a
pasted block becomes one edit too; a refused value says the store's Italian message.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal

from ...store.edits import Edit
from ...store.valutazioni import (
    ErroreValutazione,
    QuadroValutazioni,
    ValutazionePersona,
    modifica_valutazione,
)
from ...viste import valutazione as vista
from ...viste.tabella import Refused
from ...viste.valutazione import (
    DA_AVVIARE,
    ESITI_RIESAME,
    NOMI_BREVI,
    TABELLE_INDIFFERENTI,
    TABELLE_VALUTAZIONI,
    RigaComportamento,
    RigaPasso,
    RigaValutazione,
    campi_valutatore,
    chiave_valutatore,
    riga_di,
    valutatori_possibili,
)
from ..context import Context
from .columns import InvalidInput
from .flat import FlatTableModel, qt_column

__all__ = ["DA_AVVIARE", "ESITI_RIESAME", "NOMI_BREVI", "TABELLE_INDIFFERENTI", "TABELLE_VALUTAZIONI",
           "ComportamentiModel", "PassiModel", "RigaComportamento", "RigaPasso", "RigaValutazione",
           "ValutazioniModel", "campi_valutatore", "chiave_valutatore", "riga_di", "valutatori_possibili"]


class ValutazioniModel(FlatTableModel):
    """A row per person: components, final, fascia, state and step of the cycle."""

    projection: vista.ValutazioniProjection
    LARGE_PLAN = vista.ValutazioniProjection.LARGE_PLAN
    #: emitted with the ids of the persons recomputed after an edit (the detail follows)
    persone_aggiornate = Signal(object)

    def __init__(self, ctx: Context, parent: Any = None) -> None:
        p = vista.ValutazioniProjection(ctx.archive, lambda: ctx.anno or None, self.PROGRESSIVE_ROWS)
        super().__init__(ctx, p, parent, load=False)
        self.reload()

    # the projection's state, as the view reads it
    quadro = property(lambda self: self.projection.quadro)
    componenti = property(lambda self: self.projection.componenti)
    scala = property(lambda self: self.projection.scala)
    anno_righe = property(lambda self: self.projection.anno_righe)

    @property
    def anno(self) -> int:
        return self.anno_righe or self.ctx.anno or self.ctx.archive.piano().anno_inizio

    def reload(self) -> None:
        self.projection.prepare()  # (the columns follow the SMVP, known before the reset)
        super().reload()

    def set_anno(self) -> None:
        self.reload()

    def quadro_attuale(self) -> QuadroValutazioni:
        return self.projection.quadro_attuale()

    def riposa(self) -> None:
        """Drop the snapshot (the view is hidden): a large plan's objectives leave memory."""
        if not self.loading:
            self.projection.quadro = None

    def persona(self, pid: int) -> ValutazionePersona | None:
        """Everything a person's valuation shows (computed now from the snapshot: a few ms)."""
        if self.row_of(pid) is None:
            return None
        return self.quadro_attuale().persona(pid)

    def on_changes(self, ch: Any) -> None:
        if self.loader.hold(ch):
            return
        self.apply_delta(self.projection.apply(ch))
        changed, self.projection.ultimi = self.projection.ultimi, set()
        if changed:
            self.persone_aggiornate.emit(changed)

    def edit(self, pid: int, **kwargs: Any) -> Edit | None:
        """The undoable edit of a person's valuation (None: nothing changes);
        :class:`InvalidInput` with the store's Italian message when a value is refused."""
        try:
            edit = modifica_valutazione(self.ctx.archive, pid, self.anno, quadro=self.quadro_attuale(),
                                        **kwargs)
        except ErroreValutazione as exc:
            raise InvalidInput(str(exc)) from exc
        return edit if getattr(edit, "edits", True) else None

    def push(self, pid: int, **kwargs: Any) -> bool:
        """Build and push an edit; a refusal is said once through ``refused``."""
        if self.ctx.archive.readonly:
            return self._refuse("Il piano è aperto in sola lettura.")
        try:
            edit = self.edit(pid, **kwargs)
        except InvalidInput as exc:
            return self._refuse(str(exc))
        return True if edit is None else bool(self.ctx.push(edit))


class _PersonaGrid(FlatTableModel):
    """A grid of the selected person; edits go through ``valutazioni.edit``."""

    projection: vista.PersonaProjection
    PROJECTION: type[vista.PersonaProjection] = vista.PersonaProjection

    def __init__(self, valutazioni: ValutazioniModel, parent: Any = None) -> None:
        self.valutazioni = valutazioni
        self.pid: int | None = None
        self._incolla: dict[str, dict[str, Any]] | None = None
        p = self.PROJECTION(self._modifica, lambda: valutazioni.scala)
        super().__init__(valutazioni.ctx, p, parent, listen=False, load=False)

    def _modifica(self, **kwargs: Any) -> Edit | None:
        if self.pid is None:
            return None
        try:
            return self.valutazioni.edit(self.pid, **kwargs)
        except InvalidInput as exc:
            raise Refused(str(exc)) from exc

    def set_persona(self, v: ValutazionePersona | None) -> None:
        """Show a person's rows; the same person again updates the rows in place (an
        editor open in the grid, the current cell and the scroll position are kept)."""
        pid = v.persona.id if v is not None else None
        rows = self.projection.rows_for(v) if v is not None else []
        self.projection.shown = rows
        if pid == self.pid and [r.key for r in rows] == [r.key for r in self._rows]:
            for r in rows:
                self.put_row(r)
            return
        self.pid = pid
        self.set_rows(rows)

    def build_edit(self, index: Any, value: Any) -> Edit | None:
        if self.pid is None:
            return None
        if self._incolla is not None:  # a paste: collect the cell, one edit at the end
            col, row = self._columns[index.column()], self._rows[index.row()]
            if not (col.editable and self.projection.editable(row, col.key)):
                raise InvalidInput(f"La colonna «{col.label}» non si può modificare qui.")
            self._incolla.setdefault(row.key, {})[col.key] = qt_column(col).parse(value)
            return None
        return super().build_edit(index, value)

    def set_cells(self, cells: list[tuple[Any, Any]], label: str) -> bool:
        """Pasted or cleared cells: one edit of the person's valuation (one undo step)."""
        if self._plan_readonly():
            return self._refuse("Il piano è aperto in sola lettura.")
        if self.pid is None:
            return False
        self._incolla = {}
        try:
            if not super().set_cells(cells, label):  # (parses every cell; all or nothing)
                return False  # (refused: said already)
            changes, self._incolla = self._incolla, None
            kwargs = self.projection.campi(changes) if changes else {}
            edit = self.valutazioni.edit(self.pid, **kwargs) if kwargs else None
        except InvalidInput as exc:
            return self._refuse(str(exc))
        finally:
            self._incolla = None
        return True if edit is None else bool(self.ctx.push(edit))


class ComportamentiModel(_PersonaGrid):
    """The behaviours of the person's category with their weight, score and note."""

    PROJECTION = vista.ComportamentiProjection


class PassiModel(_PersonaGrid):
    """The steps of the cycle: date, text and (riesame) outcome; emptied, a step is removed."""

    PROJECTION = vista.PassiProjection
