"""Grids of the selected objective: Fasi, Indicatori (+ Misure per period), Personale, Risorse."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ...domain import validazione
from ...domain import valutazione as engine
from ...domain.enums import Aggregazione, Polarita, TipoIndicatore, TipoRisorsa
from ...domain.formats import format_decimal
from ...domain.model import PERIODO_ANNUALE, Assegnazione, Fase, Indicatore, Misura, Risorsa
from ...store.changes import Changes
from ...store.edits import Edit, InsertRow, SetFields
from .base import WARN_FG, ArchiveTableModel
from .columns import Column, InvalidInput


class _OwnedByObiettivo(ArchiveTableModel):
    """Rows belonging to the current objective (``obiettivo_id``)."""

    def __init__(self, ctx: Any, parent: Any = None) -> None:
        self.obiettivo_id: int | None = None
        super().__init__(ctx, parent)

    def set_obiettivo(self, oid: int | None) -> None:
        self.obiettivo_id = oid
        self.reload()

    def new_row(self, position: int) -> Any | None:
        if self.obiettivo_id is None:
            self._refuse("Selezionare prima un obiettivo.")
            return None
        return self._new(position)

    def _new(self, position: int) -> Any:
        raise NotImplementedError


# ---------------------------------------------------------------------- Fasi


class FasiModel(_OwnedByObiettivo):
    ROW_CLASS = Fase
    COLUMNS = (
        Column("descrizione", "Fase", width=300),
        Column("scadenza", "Scadenza", "date", width=100),
        Column("inizio_previsto", "Inizio previsto", "date", width=100),
        Column("fine_prevista", "Fine prevista", "date", width=100),
        Column("inizio_effettivo", "Inizio effettivo", "date", width=100),
        Column("fine_effettiva", "Fine effettiva", "date", width=100),
        Column("perc_realizzazione", "% realizzazione", "percent", width=100),
        Column("peso", "Peso", "percent", width=70),
        Column("note", "Note", width=200),
    )

    def load_ids(self) -> list[int]:
        if self.obiettivo_id is None:
            return []
        return [f.id for f in self.ctx.archive.fasi(self.obiettivo_id)]

    def _new(self, position: int) -> Fase:
        return Fase(obiettivo_id=self.obiettivo_id or 0, posizione=position,
                    descrizione="Nuova fase")

    def row_label(self) -> str:
        return "fase"

    def late(self, row: Fase) -> bool:
        return engine.fase_in_ritardo(row, date.today())

    def foreground(self, row: Any, col: Column) -> QColor | None:
        return WARN_FG if self.late(row) else None

    def tooltip(self, row: Any, col: Column) -> str | None:
        if self.late(row):
            return "Fase in ritardo: la scadenza è passata e la fase non è completata."
        return super().tooltip(row, col)

    def validate(self, row: Any, col: Column, value: Any) -> None:
        if col.key == "descrizione" and not value:
            raise InvalidInput("La descrizione della fase non può essere vuota.")


# ---------------------------------------------------------------------- Indicatori


class IndicatoriModel(_OwnedByObiettivo):
    """Indicators with target and actual of the annual row for each year, and the live %."""

    ROW_CLASS = Indicatore

    def __init__(self, ctx: Any, parent: Any = None) -> None:
        self._misure: dict[int, list[Misura]] | None = None
        self._risultati: dict[int, engine.RisultatoIndicatore] | None = None
        super().__init__(ctx, parent)

    def anni(self) -> list[int]:
        return self.ctx.archive.piano().anni

    def columns(self) -> Sequence[Column]:
        cols = [
            Column("codice", "Codice", width=60),
            Column("descrizione", "Indicatore", width=240),
        ]
        for anno in self.anni():
            cols.append(Column(f"target:{anno}", f"Target {anno}", width=80,
                               tooltip=f"Valore atteso {anno} (riga annuale)"))
            cols.append(Column(f"valore:{anno}", f"Valore {anno}", width=80,
                               tooltip=f"Valore raggiunto {anno} (riga annuale); i periodi "
                                       "si inseriscono nella griglia «Periodi» sotto"))
        cols.append(Column("perc", f"% raggiung. {self.ctx.anno or ''}".strip(), "computed",
                           editable=False, width=95,
                           tooltip="Percentuale di raggiungimento calcolata per l'anno selezionato"))
        cols += [
            Column("peso", "Peso", "percent", width=60),
            Column("tipo", "Tipo", "enum", enum=TipoIndicatore, width=100),
            Column("unita_misura", "Unità di misura", width=90),
            Column("polarita", "Polarità", "enum", enum=Polarita, width=150),
            Column("aggregazione", "Aggregazione periodi", "enum", enum=Aggregazione, width=110),
            Column("baseline_testo", "Baseline", width=80),
            Column("anno_baseline", "Anno baseline", "int", width=70),
            Column("fonte", "Fonte dei dati", width=160),
            Column("formula", "Formula", width=160),
        ]
        return cols

    def load_ids(self) -> list[int]:
        self._misure = None
        self._risultati = None
        if self.obiettivo_id is None:
            return []
        return [i.id for i in self.ctx.archive.indicatori(self.obiettivo_id)]

    def reload(self) -> None:
        self._misure = None
        self._risultati = None
        super().reload()

    def _new(self, position: int) -> Indicatore:
        return Indicatore(obiettivo_id=self.obiettivo_id or 0, posizione=position,
                          descrizione="Nuovo indicatore")

    def row_label(self) -> str:
        return "indicatore"

    def misure_of(self, ind_id: int) -> list[Misura]:
        if self._misure is None:
            self._misure = {}
            for m in self.ctx.archive.misure(self._ids):
                self._misure.setdefault(m.indicatore_id, []).append(m)
        return self._misure.get(ind_id, [])

    def annual(self, ind_id: int, anno: int) -> Misura | None:
        return next((m for m in self.misure_of(ind_id) if m.anno == anno
                     and m.periodo == PERIODO_ANNUALE), None)

    def risultato(self, ind_id: int) -> engine.RisultatoIndicatore | None:
        if self._risultati is None:
            self._risultati = {}
            if self.obiettivo_id is not None and self.ctx.archive.obiettivo(self.obiettivo_id):
                ris = self.ctx.archive.risultato_obiettivo(self.obiettivo_id, self.ctx.anno or None)
                self._risultati = {r.indicatore.id: r for r in ris.indicatori}
        return self._risultati.get(ind_id)

    def value(self, row: Any, col: Column) -> Any:
        if ":" in col.key:
            what, anno = col.key.split(":")
            m = self.annual(row.id, int(anno))
            if m is None:
                return None
            return m.target_testo if what == "target" else m.valore_testo
        if col.key == "perc":
            r = self.risultato(row.id)
            return None if r is None else r.perc
        return getattr(row, col.key, None)

    def tooltip(self, row: Any, col: Column) -> str | None:
        if col.key == "perc":
            r = self.risultato(row.id)
            if r is None:
                return None
            a = r.annuale
            if r.perc is None:
                return "Non calcolabile: manca il valore raggiunto o il target non è dovuto."
            return (f"Target {format_decimal(a.target, 2, strip_zeros=True)}, "
                    f"valore {format_decimal(a.valore, 2, strip_zeros=True)} ({a.spiegazione})")
        if ":" in col.key:
            text = self.value(row, col)
            if text and engine.parse_valore(text, row.tipo) is None and \
                    not engine.non_dovuto(text, None):
                return f"«{text}» non è leggibile come valore: non entra nel calcolo."
        return super().tooltip(row, col)

    def foreground(self, row: Any, col: Column) -> QColor | None:
        if ":" in col.key:
            text = self.value(row, col)
            if text and engine.parse_valore(text, row.tipo) is None and \
                    not engine.non_dovuto(text, None):
                return WARN_FG
        return None

    def edit_for(self, row: Any, col: Column, value: Any) -> Edit | None:
        if ":" in col.key:
            what, anno_s = col.key.split(":")
            return misura_edit(self.ctx.archive, row, int(anno_s), PERIODO_ANNUALE, what, value,
                               self.pending)
        return super().edit_for(row, col, value)

    def validate(self, row: Any, col: Column, value: Any) -> None:
        if col.key == "descrizione" and not value:
            raise InvalidInput("La descrizione dell'indicatore non può essere vuota.")
        if ":" in col.key:  # Target/Valore of a year: text the indicator cannot count is refused
            try:
                validazione.valore_indicatore(value, row.tipo, f"(colonna «{col.label}»)")
            except validazione.ValoreNonValido as exc:
                raise InvalidInput(str(exc)) from exc

    def relevant(self, ch: Changes) -> bool:
        return ch.touches("indicatori") or ch.touches("misure") or ch.touches("impostazioni")

    def apply_changes(self, ch: Changes) -> None:
        self._misure = None
        self._risultati = None
        super().apply_changes(ch)
        if ch.touches("misure") or ch.touches("indicatori"):
            self.refresh_rows(None)

    def set_anno(self) -> None:
        """The year selector changed: relabel the % column and recompute it."""
        self._risultati = None
        c = self.column("perc")
        self._columns = list(self.columns())
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, c, c)
        self.refresh_rows(None)


def misura_edit(archive: Any, ind: Indicatore, anno: int, periodo: str, what: str,
                text: str | None, pending: dict[Any, Any] | None = None) -> Edit | None:
    """Set target or actual (raw text + parsed number) of (indicator, year, period).

    ``pending`` collects the Misura rows inserted by earlier edits of the same block,
    so that target and actual pasted together make one row.
    """
    num = engine.parse_valore(text, ind.tipo) if text else None
    values = {f"{what}_testo": text or None, what: num}
    key = (ind.id, anno, periodo)
    if pending is not None and key in pending:
        ins = pending[key]
        setattr(ins.obj, f"{what}_testo", text or None)
        setattr(ins.obj, what, num)
        return None
    existing = next((m for m in archive.misure([ind.id])
                     if m.anno == anno and m.periodo == periodo), None)
    label = f"{'Target' if what == 'target' else 'Valore'} {anno}{' ' + periodo if periodo else ''}"
    if existing is None:
        if not text:
            return None
        m = Misura(indicatore_id=ind.id or 0, anno=anno, periodo=periodo)
        setattr(m, f"{what}_testo", text)
        setattr(m, what, num)
        ins = InsertRow(m, label=label)
        if pending is not None:
            pending[key] = ins
        return ins
    if getattr(existing, f"{what}_testo") == values[f"{what}_testo"]:
        return None
    return SetFields(Misura, existing.id, values, label=label)


class MisureModel(ArchiveTableModel):
    """Targets and actuals per year and period of one indicator (annual row = empty period)."""

    ROW_CLASS = Misura
    COLUMNS = (
        Column("anno", "Anno", "int", width=60),
        Column("periodo", "Periodo", width=110,
               tooltip="Vuoto = valore annuale; altrimenti Giugno, Dicembre, 30/09 …"),
        Column("data_riferimento", "Data di riferimento", "date", width=110),
        Column("target_testo", "Target", width=110),
        Column("valore_testo", "Valore raggiunto", width=110),
        Column("target", "Target (numero)", "computed", editable=False, width=100),
        Column("valore", "Valore (numero)", "computed", editable=False, width=100),
    )

    def __init__(self, ctx: Any, parent: Any = None) -> None:
        self.indicatore: Indicatore | None = None
        super().__init__(ctx, parent)

    def set_indicatore(self, ind_id: int | None) -> None:
        self.indicatore = self.ctx.archive.get(Indicatore, ind_id) if ind_id else None
        self.reload()

    def load_ids(self) -> list[int]:
        if self.indicatore is None:
            return []
        if self.ctx.archive.get(Indicatore, self.indicatore.id) is None:
            self.indicatore = None
            return []
        rows = self.ctx.archive.misure([self.indicatore.id])
        rows.sort(key=lambda m: (m.anno, m.periodo == PERIODO_ANNUALE,
                                 m.data_riferimento or date.max, m.id))
        return [m.id for m in rows]

    def relevant(self, ch: Changes) -> bool:
        return ch.touches("misure") or ch.touches("indicatori")

    def apply_changes(self, ch: Changes) -> None:
        if self.indicatore is not None and self.indicatore.id in ch.updated.get("indicatori", {}):
            self.indicatore = self.ctx.archive.get(Indicatore, self.indicatore.id)
        super().apply_changes(ch)

    def row_label(self) -> str:
        return "periodo"

    def _new_period(self, position: int, offset: int = 0) -> Misura | None:
        if self.indicatore is None:
            self._refuse("Selezionare prima un indicatore.")
            return None
        anno = self.ctx.anno or self.ctx.archive.piano().anno_inizio
        used = {(m.anno, m.periodo) for m in self.ctx.archive.misure([self.indicatore.id])}
        n = 1 + offset
        while (anno, f"Periodo {n}") in used:
            n += 1
        return Misura(indicatore_id=self.indicatore.id or 0, anno=anno, periodo=f"Periodo {n}")

    def new_row(self, position: int) -> Any | None:
        return self._new_period(position)

    def append_rows(self, n: int) -> bool:
        objs = [self._new_period(0, k) for k in range(n)]
        if any(o is None for o in objs):
            return False
        from ...store.edits import Batch

        return self.ctx.push(Batch([InsertRow(o, label="Aggiungi periodo") for o in objs],
                                   f"Aggiungi {n} periodi"))

    def edit_for(self, row: Any, col: Column, value: Any) -> Edit | None:
        if col.key in ("target_testo", "valore_testo"):
            what = col.key.removesuffix("_testo")
            if getattr(row, col.key) == value:
                return None
            assert self.indicatore is not None
            num = engine.parse_valore(value, self.indicatore.tipo) if value else None
            return SetFields(Misura, row.id, {col.key: value, what: num},
                             label=f"{col.label} {row.anno} {row.periodo}".strip())
        if col.key == "periodo" and value is None:
            value = PERIODO_ANNUALE
        return super().edit_for(row, col, value)

    def validate(self, row: Any, col: Column, value: Any) -> None:
        if col.key in ("target_testo", "valore_testo") and self.indicatore is not None:
            try:
                validazione.valore_indicatore(value, self.indicatore.tipo, f"(colonna «{col.label}»)")
            except validazione.ValoreNonValido as exc:
                raise InvalidInput(str(exc)) from exc
        if col.key in ("anno", "periodo"):
            anno = value if col.key == "anno" else row.anno
            periodo = (value or "") if col.key == "periodo" else row.periodo
            for m in self.ctx.archive.misure([row.indicatore_id]):
                if m.id != row.id and m.anno == anno and m.periodo == periodo:
                    raise InvalidInput(f"Esiste già una riga per {anno} "
                                       f"{periodo or '(annuale)'} di questo indicatore.")

    def value(self, row: Any, col: Column) -> Any:
        if col.key == "periodo":
            return row.periodo or ""
        return getattr(row, col.key, None)

    def foreground(self, row: Any, col: Column) -> QColor | None:
        if col.key in ("target_testo", "valore_testo"):
            text = getattr(row, col.key)
            num = getattr(row, col.key.removesuffix("_testo"))
            if text and num is None and not engine.non_dovuto(text, None):
                return WARN_FG
        return None


# ---------------------------------------------------------------------- Personale


class AssegnazioniModel(_OwnedByObiettivo):
    ROW_CLASS = Assegnazione

    def columns(self) -> Sequence[Column]:
        return (
            Column("persona_id", "Persona", "choice", width=220, choices=self._persone),
            Column("ruolo", "Ruolo", width=140),
            Column("data_inizio", "Dal", "date", width=100),
            Column("data_fine", "Al", "date", width=100),
            Column("impegno", "% impegno", "percent", width=80),
            Column("responsabile", "Responsabile", "bool", width=90),
        )

    def _persone(self) -> list[tuple[str, Any]]:
        cache = getattr(self, "_persone_cache", None)
        if cache is None:
            cache = [("(vacante)", None)] + [
                (p.nominativo + (f" – {p.categoria}" if p.categoria else ""), p.id)
                for p in self.ctx.archive.persone()]
            self._persone_cache = cache
        return cache

    def relevant(self, ch: Changes) -> bool:
        if ch.touches("persone"):
            self._persone_cache = None
        return ch.touches("assegnazioni") or ch.touches("persone")

    def reload(self) -> None:
        self._persone_cache = None
        super().reload()

    def load_ids(self) -> list[int]:
        if self.obiettivo_id is None:
            return []
        return [a.id for a in self.ctx.archive.assegnazioni(self.obiettivo_id)]

    def _new(self, position: int) -> Assegnazione:
        piano = self.ctx.archive.piano()
        anno = self.ctx.anno or piano.anno_inizio
        return Assegnazione(obiettivo_id=self.obiettivo_id or 0, data_inizio=date(anno, 1, 1),
                            data_fine=date(anno, 12, 31), impegno=Decimal(100))

    def row_label(self) -> str:
        return "assegnazione"

    def validate(self, row: Any, col: Column, value: Any) -> None:
        start = value if col.key == "data_inizio" else row.data_inizio
        end = value if col.key == "data_fine" else row.data_fine
        if start and end and end < start:
            raise InvalidInput("La data di fine dell'assegnazione precede la data di inizio.")


# ---------------------------------------------------------------------- Risorse


class RisorseModel(_OwnedByObiettivo):
    ROW_CLASS = Risorsa
    COLUMNS = (
        Column("anno", "Anno", "int", width=60),
        Column("tipo", "Tipo", "enum", enum=TipoRisorsa, width=80),
        Column("descrizione", "Descrizione", width=220),
        Column("capitolo", "Capitolo", width=80),
        Column("stanziato", "Stanziato", "money", width=100),
        Column("assestato", "Assestato", "money", width=100),
        Column("impegnato", "Impegnato", "money", width=100),
        Column("accertato", "Accertato", "money", width=100),
        Column("pagato", "Pagato", "money", width=100),
        Column("incassato", "Incassato", "money", width=100),
    )

    def load_ids(self) -> list[int]:
        if self.obiettivo_id is None:
            return []
        rows = self.ctx.archive.risorse(self.obiettivo_id)
        rows.sort(key=lambda r: (r.anno, r.id))
        return [r.id for r in rows]

    def _new(self, position: int) -> Risorsa:
        anno = self.ctx.anno or self.ctx.archive.piano().anno_inizio
        return Risorsa(obiettivo_id=self.obiettivo_id or 0, anno=anno, descrizione="")

    def row_label(self) -> str:
        return "risorsa"
