"""The grids of the selected objective (Fasi, Indicatori with their annual target/value and live
%, the periods of one indicator, Personale, Risorse) as flat projections: no Qt, no SQL.

Rows are the domain records themselves, keyed by id; the Qt side is ``ui/models/grids.py``
(thin :class:`~piaodesk.ui.models.flat_rows.FlatGridModel` subclasses).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from ..domain import validazione
from ..domain import valutazione as engine
from ..domain.enums import Aggregazione, Dimensione, Polarita, TipoIndicatore, TipoRisorsa
from ..domain.formats import format_decimal
from ..domain.model import (
    PERIODO_ANNUALE,
    Assegnazione,
    Fase,
    Indicatore,
    Misura,
    Risorsa,
)
from ..store.changes import Changes
from ..store.edits import Edit, InsertRow, SetFields
from .base import Key
from .tabella import Col, Projection, Refused, ro

LATE_TIP = "Fase in ritardo: la scadenza è passata e la fase non è completata."


def _unreadable(text: Any, tipo: TipoIndicatore) -> bool:
    """A typed target/value that is not a number (it does not enter the %)."""
    return bool(text) and engine.parse_valore(text, tipo) is None and not engine.non_dovuto(text, None)


class Righe(Projection[Any]):
    """Rows of one table, the domain records by id, for one owner (see :meth:`owns`)."""

    ORDER_BY: Callable[[Any], Any] | None = None

    def __init__(self, archive: Any) -> None:
        super().__init__(archive)
        self._cache: dict[int, Any] = {}
        #: the Misura rows inserted by earlier cells of the same paste (set by the adapter)
        self.pending: dict[Any, Any] | None = None

    @property
    def table(self) -> str:
        return str(self.ROW_CLASS.TABLE)  # type: ignore[union-attr]

    def fetch(self) -> list[Any]:
        """The owner's rows, read through the store."""
        return []

    def owns(self, row: Any) -> bool:
        return False

    def watched(self) -> set[str]:
        """Tables whose changes may alter the rows (beyond the rows' own table)."""
        return set()

    def read(self) -> Iterator[int]:
        self._cache = {r.id: r for r in self.fetch()}
        yield 100

    def all_keys(self) -> Iterable[Key]:
        return list(self._cache)

    def make(self, key: Key) -> Any:
        return self._cache.get(key) if isinstance(key, int) else None  # the keys are the rows' ids

    def key_of(self, row: Any) -> Key:
        rid: int = row.id
        return rid

    def order_key(self, row: Any) -> Any:
        return type(self).ORDER_BY(row) if type(self).ORDER_BY else None  # type: ignore[misc]

    def touched(self, ch: Changes) -> Iterable[Key] | None:
        keys: set[Key] = set()
        if ch.moved:
            return None
        t = self.table
        for rid in ch.deleted.get(t, ()):
            if self._cache.pop(rid, None) is not None:
                keys.add(rid)
        for rid in set(ch.inserted.get(t, ())) | set(ch.updated.get(t, {})):
            row = self.reader.get(self.ROW_CLASS, rid)
            if row is not None and self.owns(row):
                self._cache[rid] = row
                keys.add(rid)
            elif self._cache.pop(rid, None) is not None:
                keys.add(rid)
        if ch.tables() & self.watched():
            self.restyled.update(self._cache)
            keys.update(self._cache)
        return keys

    def check(self, row: Any, key: str, value: Any) -> None:
        """Checks across fields; raise :class:`Refused`."""

    def edit(self, row: Any, key: str, value: Any) -> Edit | None:
        self.check(row, key, value)
        if getattr(row, key, None) == value:
            return None
        label = next((c.label for c in self.columns() if c.key == key), key)
        return SetFields(self.ROW_CLASS, row.id, {key: value},  # type: ignore[arg-type]
                         label=f"Modifica {label.lower()}")


class DellObiettivo(Righe):
    """Rows of the current objective (``obiettivo_id``)."""

    def __init__(self, archive: Any) -> None:
        super().__init__(archive)
        self.obiettivo_id: int | None = None

    def owns(self, row: Any) -> bool:
        return self.obiettivo_id is not None and row.obiettivo_id == self.obiettivo_id

    def new_row(self, position: int) -> Any:
        if self.obiettivo_id is None:
            raise Refused("Selezionare prima un obiettivo.")
        return self.new(position)

    def new(self, position: int) -> Any:
        raise NotImplementedError


# ---------------------------------------------------------------------- Fasi


class FasiProjection(DellObiettivo):
    ROW_CLASS = Fase
    ROW_LABEL = "fase"
    ORDER_BY = staticmethod(lambda f: (f.posizione if f.posizione is not None else -1, f.id or 0))
    COLUMNS = (
        Col("descrizione", "Fase", width=300),
        Col("scadenza", "Scadenza", "date", width=100),
        Col("inizio_previsto", "Inizio previsto", "date", width=100),
        Col("fine_prevista", "Fine prevista", "date", width=100),
        Col("inizio_effettivo", "Inizio effettivo", "date", width=100),
        Col("fine_effettiva", "Fine effettiva", "date", width=100),
        Col("perc_realizzazione", "% realizzazione", "percent", width=100),
        Col("peso", "Peso", "percent", width=70),
        Col("note", "Note", width=200),
    )

    def fetch(self) -> list[Any]:
        return self.reader.fasi(self.obiettivo_id) if self.obiettivo_id is not None else []

    def new(self, position: int) -> Fase:
        return Fase(obiettivo_id=self.obiettivo_id or 0, posizione=position, descrizione="Nuova fase")

    def late(self, row: Fase) -> bool:
        return engine.fase_in_ritardo(row, date.today())

    def status(self, row: Any) -> str | None:
        return "late" if self.late(row) else None

    def tooltip(self, row: Any, key: str) -> str | None:
        return LATE_TIP if self.late(row) else None

    def check(self, row: Any, key: str, value: Any) -> None:
        if key == "descrizione" and not value:
            raise Refused("La descrizione della fase non può essere vuota.")


# ---------------------------------------------------------------------- Indicatori


class IndicatoriProjection(DellObiettivo):
    """Indicators with target and actual of the annual row for each year, and the live %."""

    ROW_CLASS = Indicatore
    ROW_LABEL = "indicatore"
    ORDER_BY = staticmethod(lambda i: (i.posizione if i.posizione is not None else -1, i.id or 0))

    def __init__(self, archive: Any, anno: Callable[[], int | None] = lambda: None) -> None:
        super().__init__(archive)
        self.anno = anno
        self._misure: dict[int, list[Misura]] | None = None
        self._risultati: dict[int, engine.RisultatoIndicatore] | None = None

    def anni(self) -> list[int]:
        return list(self.reader.piano().anni)

    def columns(self) -> Sequence[Col]:
        cols = [Col("codice", "Codice", width=60), Col("descrizione", "Indicatore", width=240)]
        for anno in self.anni():
            cols.append(Col(f"target:{anno}", f"Target {anno}", width=80,
                            tooltip=f"Valore atteso {anno} (riga annuale)"))
            cols.append(Col(f"valore:{anno}", f"Valore {anno}", width=80,
                            tooltip=f"Valore raggiunto {anno} (riga annuale); i periodi "
                                    "si inseriscono nella griglia «Periodi» sotto"))
        cols.append(ro("perc", f"% raggiung. {self.anno() or ''}".strip(), "computed", width=95,
                       tooltip="Percentuale di raggiungimento calcolata per l'anno selezionato"))
        cols += [
            Col("peso", "Peso", "percent", width=60),
            Col("tipo", "Tipo", "enum", enum=TipoIndicatore, width=100),
            Col("unita_misura", "Unità di misura", width=90),
            Col("polarita", "Polarità", "enum", enum=Polarita, width=150),
            Col("aggregazione", "Aggregazione periodi", "enum", enum=Aggregazione, width=110),
            Col("baseline_testo", "Baseline", width=80),
            Col("anno_baseline", "Anno baseline", "int", width=70),
            Col("fonte", "Fonte dei dati", width=160),
            Col("formula", "Formula", width=160),
            # the PIAO portal's fields (issue 18 point 3) and the Comune of an Unione (point 6)
            Col("dimensione", "Dimensione", "enum", enum=Dimensione, width=110),
            Col("sottodimensione", "Sottodimensione", width=130),
            Col("rilevante", "Rilevante", "bool", width=70, tooltip="Indicatore «rilevante» per il Portale PIAO"),
            Col("solo_individuale", "Solo scheda individuale", "bool", width=90,
                tooltip="Conta solo nella scheda individuale del responsabile (non nella % dell'obiettivo)"),
            Col("comune_id", "Comune", "choice", width=140, choices=self._comuni,
                tooltip="Il Comune dell'Unione per cui l'indicatore è rilevato (vuoto: tutta l'Unione)"),
        ]
        return cols

    def _comuni(self) -> list[tuple[str, Any]]:
        ente = self.reader.ente()
        membri = [e for e in self.reader.enti() if ente is not None and e.parent_id == ente.id]
        return [("(tutta l'Unione)", None), *((e.nome, e.id) for e in membri)]

    def fetch(self) -> list[Any]:
        self._misure = self._risultati = None
        return self.reader.indicatori(self.obiettivo_id) if self.obiettivo_id is not None else []

    def watched(self) -> set[str]:
        return {"misure", "indicatori", "impostazioni"}

    def touched(self, ch: Changes) -> Iterable[Key] | None:
        if ch.tables() & self.watched():
            self._misure = self._risultati = None
        return super().touched(ch)

    def new(self, position: int) -> Indicatore:
        return Indicatore(obiettivo_id=self.obiettivo_id or 0, posizione=position,
                          descrizione="Nuovo indicatore")

    def misure_of(self, ind_id: int) -> list[Misura]:
        if self._misure is None:
            self._misure = {}
            for m in self.reader.misure(list(self._cache)):
                self._misure.setdefault(m.indicatore_id, []).append(m)
        return self._misure.get(ind_id, [])

    def annual(self, ind_id: int, anno: int) -> Misura | None:
        return next((m for m in self.misure_of(ind_id) if m.anno == anno
                     and m.periodo == PERIODO_ANNUALE), None)

    def risultato(self, ind_id: int) -> engine.RisultatoIndicatore | None:
        if self._risultati is None:
            self._risultati = {}
            if self.obiettivo_id is not None and self.reader.obiettivo(self.obiettivo_id):
                ris = self.reader.risultato_obiettivo(self.obiettivo_id, self.anno() or None)
                self._risultati = {r.indicatore.id: r for r in ris.indicatori}
        return self._risultati.get(ind_id)

    def anno_changed(self) -> None:
        """The year selector changed: the % column's label and values."""
        self._risultati = None

    def value(self, row: Any, key: str) -> Any:
        if ":" in key:
            what, anno = key.split(":")
            m = self.annual(row.id, int(anno))
            if m is None:
                return None
            return m.target_testo if what == "target" else m.valore_testo
        if key == "perc":
            r = self.risultato(row.id)
            return None if r is None else r.perc
        if key == "dimensione":  # stored as its value; shown by its label (free text kept as is)
            return Dimensione.from_text(row.dimensione) or row.dimensione
        return getattr(row, key, None)

    def cell_status(self, row: Any, key: str) -> str | None:
        return "over" if ":" in key and _unreadable(self.value(row, key), row.tipo) else None

    def tooltip(self, row: Any, key: str) -> str | None:
        if key == "perc":
            r = self.risultato(row.id)
            if r is None:
                return None
            a = r.annuale
            if r.perc is None:
                return "Non calcolabile: manca il valore raggiunto o il target non è dovuto."
            return (f"Target {format_decimal(a.target, 2, strip_zeros=True)}, "
                    f"valore {format_decimal(a.valore, 2, strip_zeros=True)} ({a.spiegazione})")
        if ":" in key:
            text = self.value(row, key)
            if _unreadable(text, row.tipo):
                return f"«{text}» non è leggibile come valore: non entra nel calcolo."
        return None

    def check(self, row: Any, key: str, value: Any) -> None:
        if key == "descrizione" and not value:
            raise Refused("La descrizione dell'indicatore non può essere vuota.")
        if key == "anno_baseline" and value is not None and not 1900 <= value <= 2200:
            raise Refused(f"L'anno {value} non è plausibile (colonna «Anno baseline»).")

    def edit(self, row: Any, key: str, value: Any) -> Edit | None:
        if ":" in key:
            what, anno_s = key.split(":")
            _valore_ammesso(value, row.tipo, f"{'Target' if what == 'target' else 'Valore'} {anno_s}")
            return misura_edit(self.reader, row, int(anno_s), PERIODO_ANNUALE, what, value,
                               self.pending)
        return super().edit(row, key, value)


def _valore_ammesso(value: Any, tipo: TipoIndicatore, colonna: str) -> None:
    """Text an indicator cannot count is refused, with the message every input uses (issue 14)."""
    try:
        validazione.valore_indicatore(value, tipo, f"(colonna «{colonna}»)")
    except validazione.ValoreNonValido as exc:
        raise Refused(str(exc)) from exc


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


class MisureProjection(Righe):
    """Targets and actuals per year and period of one indicator (annual row = empty period)."""

    ROW_CLASS = Misura
    ROW_LABEL = "periodo"
    ORDER_BY = staticmethod(lambda m: (m.anno, m.periodo == PERIODO_ANNUALE,
                                       m.data_riferimento or date.max, m.id or 0))
    COLUMNS = (
        Col("anno", "Anno", "int", width=60),
        Col("periodo", "Periodo", width=110,
            tooltip="Vuoto = valore annuale; altrimenti Giugno, Dicembre, 30/09 …"),
        Col("data_riferimento", "Data di riferimento", "date", width=110),
        Col("target_testo", "Target", width=110),
        Col("valore_testo", "Valore raggiunto", width=110),
        ro("target", "Target (numero)", "computed", width=100),
        ro("valore", "Valore (numero)", "computed", width=100),
    )

    def __init__(self, archive: Any, anno: Callable[[], int | None] = lambda: None) -> None:
        super().__init__(archive)
        self.anno = anno
        self.indicatore: Indicatore | None = None

    def set_indicatore(self, ind_id: int | None) -> None:
        self.indicatore = self.reader.get(Indicatore, ind_id) if ind_id else None

    def fetch(self) -> list[Any]:
        if self.indicatore is None:
            return []
        if self.reader.get(Indicatore, self.indicatore.id) is None:
            self.indicatore = None
            return []
        return list(self.reader.misure([self.indicatore.id]))

    def owns(self, row: Any) -> bool:
        return self.indicatore is not None and row.indicatore_id == self.indicatore.id

    def watched(self) -> set[str]:
        return {"indicatori"}

    def touched(self, ch: Changes) -> Iterable[Key] | None:
        if self.indicatore is not None and self.indicatore.id in ch.updated.get("indicatori", {}):
            self.indicatore = self.reader.get(Indicatore, self.indicatore.id)
        if self.indicatore is not None and self.indicatore.id in ch.deleted.get("indicatori", ()):
            self.indicatore = None
            self._cache.clear()
            return None
        return super().touched(ch)

    def new_row(self, position: int) -> Misura:
        if self.indicatore is None:
            raise Refused("Selezionare prima un indicatore.")
        anno = self.anno() or self.reader.piano().anno_inizio
        used = {(m.anno, m.periodo) for m in self.reader.misure([self.indicatore.id])}
        n = 1 + max(0, position - len(self._cache))  # (several appended at once: distinct names)
        while (anno, f"Periodo {n}") in used:
            n += 1
        return Misura(indicatore_id=self.indicatore.id or 0, anno=anno, periodo=f"Periodo {n}")

    def value(self, row: Any, key: str) -> Any:
        if key == "periodo":
            return row.periodo or ""
        return getattr(row, key, None)

    def cell_status(self, row: Any, key: str) -> str | None:
        if key in ("target_testo", "valore_testo"):
            text = getattr(row, key)
            num = getattr(row, key.removesuffix("_testo"))
            if text and num is None and not engine.non_dovuto(text, None):
                return "over"
        return None

    def check(self, row: Any, key: str, value: Any) -> None:
        if key == "anno" and value is not None and not 1900 <= value <= 2200:
            raise Refused(f"L'anno {value} non è plausibile.")
        if key in ("anno", "periodo"):
            anno = value if key == "anno" else row.anno
            periodo = (value or "") if key == "periodo" else row.periodo
            for m in self.reader.misure([row.indicatore_id]):
                if m.id != row.id and m.anno == anno and m.periodo == periodo:
                    raise Refused(f"Esiste già una riga per {anno} "
                                  f"{periodo or '(annuale)'} di questo indicatore.")

    def edit(self, row: Any, key: str, value: Any) -> Edit | None:
        if key in ("target_testo", "valore_testo"):
            if self.indicatore is not None:
                _valore_ammesso(value, self.indicatore.tipo, "Target" if key == "target_testo" else "Valore")
            what = key.removesuffix("_testo")
            if getattr(row, key) == value:
                return None
            tipo = self.indicatore.tipo if self.indicatore is not None else TipoIndicatore.NUMERO
            num = engine.parse_valore(value, tipo) if value else None
            label = next(c.label for c in self.COLUMNS if c.key == key)
            return SetFields(Misura, row.id, {key: value, what: num},
                             label=f"{label} {row.anno} {row.periodo}".strip())
        if key == "periodo" and value is None:
            value = PERIODO_ANNUALE
        return super().edit(row, key, value)


# ---------------------------------------------------------------------- Personale


class AssegnazioniProjection(DellObiettivo):
    ROW_CLASS = Assegnazione
    ROW_LABEL = "assegnazione"
    ORDER_BY = staticmethod(lambda a: (not a.responsabile, a.id or 0))

    def __init__(self, archive: Any, anno: Callable[[], int | None] = lambda: None) -> None:
        super().__init__(archive)
        self.anno = anno
        self._persone: list[tuple[str, Any]] | None = None
        self._columns = (
            Col("persona_id", "Persona", "choice", width=220, choices=self.persone),
            Col("ruolo", "Ruolo", width=140),
            Col("data_inizio", "Dal", "date", width=100),
            Col("data_fine", "Al", "date", width=100),
            Col("impegno", "% impegno", "percent", width=80),
            Col("responsabile", "Responsabile", "bool", width=90),
        )

    def columns(self) -> Sequence[Col]:
        return self._columns

    def persone(self) -> list[tuple[str, Any]]:
        if self._persone is None:
            self._persone = [("(vacante)", None)] + [
                (p.nominativo + (f" – {p.categoria}" if p.categoria else ""), p.id)
                for p in self.reader.persone()]
        return self._persone

    def fetch(self) -> list[Any]:
        self._persone = None
        return self.reader.assegnazioni(self.obiettivo_id) if self.obiettivo_id is not None else []

    def watched(self) -> set[str]:
        return {"persone"}

    def touched(self, ch: Changes) -> Iterable[Key] | None:
        if ch.touches("persone"):
            self._persone = None
        return super().touched(ch)

    def new(self, position: int) -> Assegnazione:
        anno = self.anno() or self.reader.piano().anno_inizio
        return Assegnazione(obiettivo_id=self.obiettivo_id or 0, data_inizio=date(anno, 1, 1),
                            data_fine=date(anno, 12, 31), impegno=Decimal(100))

    def check(self, row: Any, key: str, value: Any) -> None:
        start = value if key == "data_inizio" else row.data_inizio
        end = value if key == "data_fine" else row.data_fine
        if start and end and end < start:
            raise Refused("La data di fine dell'assegnazione precede la data di inizio.")


# ---------------------------------------------------------------------- Risorse


class RisorseProjection(DellObiettivo):
    ROW_CLASS = Risorsa
    ROW_LABEL = "risorsa"
    ORDER_BY = staticmethod(lambda r: (r.anno, r.id or 0))
    COLUMNS = (
        Col("anno", "Anno", "int", width=60),
        Col("tipo", "Tipo", "enum", enum=TipoRisorsa, width=80),
        Col("descrizione", "Descrizione", width=220),
        Col("capitolo", "Capitolo", width=80),
        Col("stanziato", "Stanziato", "money", width=100),
        Col("assestato", "Assestato", "money", width=100),
        Col("impegnato", "Impegnato", "money", width=100),
        Col("accertato", "Accertato", "money", width=100),
        Col("pagato", "Pagato", "money", width=100),
        Col("incassato", "Incassato", "money", width=100),
    )

    def __init__(self, archive: Any, anno: Callable[[], int | None] = lambda: None) -> None:
        super().__init__(archive)
        self.anno = anno

    def fetch(self) -> list[Any]:
        return self.reader.risorse(self.obiettivo_id) if self.obiettivo_id is not None else []

    def new(self, position: int) -> Risorsa:
        anno = self.anno() or self.reader.piano().anno_inizio
        return Risorsa(obiettivo_id=self.obiettivo_id or 0, anno=anno, descrizione="")
