"""Valutazione individuale: a row per person, and the grids of the selected person.

:class:`ValutazioniModel` reads the year's valuation once per refresh through one
:class:`~piaodesk.store.valutazioni.QuadroValutazioni` (the same numbers the sheets
and the CLI print) and keeps it: an edit of a valuation (scores, steps, evaluator,
category, notes) re-reads only the valuation records and recomputes the persons
concerned; any other change of the plan (objectives, values, the SMVP …) rebuilds
the snapshot. :class:`ComportamentiModel` and :class:`PassiModel` are the editable
grids of the selected person: every typed value becomes one undoable
``modifica_valutazione`` edit; a refused value raises the store's Italian message.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Signal

from ...domain.enums import PassoCiclo
from ...domain.formats import format_decimal, format_percent
from ...domain.individuale import COMPONENTI
from ...domain.model import Obiettivo, Persona
from ...domain.valutazione import SistemaValutazione
from ...store.edits import Edit
from ...store.valutazioni import ErroreValutazione, QuadroValutazioni, ValutazionePersona, modifica_valutazione
from .columns import Column, InvalidInput
from .views_base import RowTableModel, ro

#: the tables of the individual valuations: an edit there recomputes only the persons concerned
TABELLE_VALUTAZIONI = frozenset({"valutazioni_individuali", "punteggi_comportamenti", "passi_valutazione"})
#: tables that do not change any valuation (monitoring rounds, aliases, budget, audit)
TABELLE_INDIFFERENTI = frozenset({"monitoraggi", "rilevazioni", "stati_avanzamento", "alias_persone",
                                  "risorse", "audit"})

NOMI_BREVI = {"organizzativa": "Organizzativa", "struttura": "Struttura", "individuali": "Individuali",
              "comportamenti": "Comportamenti"}

#: label of the rows whose person has not started the cycle
DA_AVVIARE = "Da avviare"

ESITI_RIESAME = ("confermata", "modificata")


@dataclass(frozen=True)
class RigaValutazione:
    key: int  # persona id
    nominativo: str
    unita: str
    unita_id: int | None
    categoria: str
    valutatore: str
    valori: dict[str, Decimal | None] = field(compare=False)
    pesati: frozenset[str] = frozenset()  # components with a weight for this person
    finale: Decimal | None = None
    punti: Decimal | None = None
    fascia: str = ""
    stato: str = "incompleta"
    mancanti: str = ""
    passo: str | None = None
    passo_label: str = DA_AVVIARE
    data_passo: Any = None


def riga_di(v: ValutazionePersona) -> RigaValutazione:
    e = v.esito
    valori = {c.chiave: c.valore for c in e.componenti}
    passo = v.passo
    data = next((p.data for p in v.passi if str(p.passo) == passo), None) if passo else None
    return RigaValutazione(
        v.persona.id or 0, v.persona.nominativo, v.unita.nome if v.unita else "",
        v.unita.id if v.unita else None, e.categoria, v.valutatore_nome, valori,
        frozenset(c.chiave for c in e.componenti), e.finale, e.punti,
        e.fascia.lettera if e.fascia else "", e.stato, "; ".join(e.mancanti), passo, v.passo_label,
        data)


class ValutazioniModel(RowTableModel):
    """A row per person: components, final, fascia, state and step of the cycle."""

    #: a plan with more objectives than this builds its snapshot between events
    LARGE_PLAN = 2000
    #: emitted with the ids of the persons recomputed after an edit (the detail follows)
    persone_aggiornate = Signal(object)

    def __init__(self, ctx: Any, parent: Any = None) -> None:
        #: the snapshot the rows come from; dropped while the view is hidden (memory), read
        #: again when a person is shown or edited (see :meth:`quadro_attuale`)
        self.quadro: QuadroValutazioni | None = None
        self.componenti: tuple[str, ...] = COMPONENTI  # the components with a column
        self.scala = Decimal(30)
        self.anno_righe: int | None = None
        super().__init__(ctx, parent)
        ctx.hub.changed.connect(self.on_changes)
        self.reload()

    def columns(self) -> Sequence[Column]:
        return (
            ro("nominativo", "Nominativo", width=170),
            ro("unita", "Unità", width=150),
            ro("categoria", "Categoria", width=90),
            ro("valutatore", "Valutatore", width=150),
            *(ro(f"c_{k}", NOMI_BREVI[k], "percent", width=84 if k != "comportamenti" else 100,
                 tooltip=f"Componente «{k}» in % («—»: non prevista per la categoria, «manca»: "
                         "senza valore)")
              for k in self.componenti),
            ro("finale", "Finale %", "percent", width=72),
            ro("punti", "Punti", "decimal", width=52),
            ro("fascia", "Fascia", width=50),
            ro("stato", "Stato", width=80),
            ro("passo_label", "Passo del ciclo", width=150),
        )

    @staticmethod
    def componenti_usate(sistema: SistemaValutazione) -> tuple[str, ...]:
        """The components some category of the SMVP weighs (the others get no column)."""
        cats = (*sistema.categorie, sistema.categoria_predefinita())
        return tuple(k for k in COMPONENTI if any(getattr(c, f"peso_{k}") for c in cats))

    def reload(self) -> None:
        # the columns follow the SMVP: known before the table is emptied (a model reset),
        # never changed under a view while the rows come in
        sistema = self.ctx.archive.sistema_valutazione()
        componenti = self.componenti_usate(sistema)
        self.scala = sistema.scala_max
        if componenti != self.componenti:
            self.componenti = componenti
            self.set_rows([])  # (a reset: the view learns the new columns)
        super().reload()

    def quadro_attuale(self) -> QuadroValutazioni:
        """The snapshot, read again if it was dropped (the rows stay as they are)."""
        if self.quadro is None:
            self.quadro = QuadroValutazioni(self.ctx.archive, self.anno_righe or self.ctx.anno or None,
                                            leggero=True)
        return self.quadro

    def riposa(self) -> None:
        """Drop the snapshot (the view is hidden): a large plan's objectives leave memory."""
        if not self.loading:
            self.quadro = None

    def expected_rows(self) -> int:
        # the cost is reading the plan, not the rows: a large plan loads between events
        return self.PROGRESSIVE_ROWS + 1 if self.ctx.archive.count(Obiettivo) > self.LARGE_PLAN else 0

    def load_steps(self) -> Iterator[int]:
        yield 1
        q = QuadroValutazioni(self.ctx.archive, self.ctx.anno or None, leggero=True)
        yield 40
        pids = [pid for pid in q.persone if pid is not None]
        rows = []
        for n, pid in enumerate(pids, 1):
            rows.append(riga_di(q.persona(pid)))
            yield 40 + 50 * n // max(1, len(pids))
        self.quadro = q
        self.anno_righe = q.anno
        yield from self.install_rows(rows, 90)

    def order_key(self, row: RigaValutazione) -> Any:
        return (row.nominativo.casefold(), row.key)

    def value(self, row: RigaValutazione, key: str) -> Any:
        if key.startswith("c_"):
            return row.valori.get(key[2:])
        return getattr(row, key)

    def text(self, row: RigaValutazione, col: Column) -> str:
        if col.key.startswith("c_"):
            chiave = col.key[2:]
            if chiave not in row.pesati:
                return "—"
            v = row.valori.get(chiave)
            return "manca" if v is None else format_percent(v)
        if col.key in ("finale", "punti"):
            v = getattr(row, col.key)
            if v is None:
                return "—"
            return format_percent(v) if col.key == "finale" else format_decimal(v, 2)
        return super().text(row, col)

    def cell_status(self, row: RigaValutazione, key: str) -> str | None:
        if key == "stato":
            return "done" if row.stato == "completa" else "none"
        if key.startswith("c_") and key[2:] in row.pesati and row.valori.get(key[2:]) is None:
            return "none"
        return None

    def tooltip(self, row: RigaValutazione, key: str) -> str | None:
        if key in ("stato", "finale") or key.startswith("c_"):
            return ("Valutazione incompleta — manca: " + row.mancanti + ".") if row.mancanti else None
        if key in ("nominativo", "unita", "categoria", "valutatore", "passo_label"):
            return getattr(row, key) or None  # (the whole text of a narrow column)
        return None

    def persona(self, pid: int) -> ValutazionePersona | None:
        """Everything a person's valuation shows (computed now from the snapshot: a few ms)."""
        if self.row_of(pid) is None:
            return None
        return self.quadro_attuale().persona(pid)

    # ----------------------------------------------------------- changes

    def on_changes(self, ch: Any) -> None:
        if self.hold_while_loading(ch):
            return
        tables = ch.tables()
        if ch.reset or tables - TABELLE_VALUTAZIONI - TABELLE_INDIFFERENTI:
            self.reload()
            return
        if not tables & TABELLE_VALUTAZIONI:
            return
        if self.quadro is None:  # (dropped while hidden: nothing to compare with)
            self.reload()
            return
        changed = self.quadro.rileggi_valutazioni()
        for pid in sorted(changed):
            if pid in self.quadro.persone:
                self.put_row(riga_di(self.quadro.persona(pid)))
        if changed:
            self.persone_aggiornate.emit(changed)

    def set_anno(self) -> None:
        self.reload()

    # ----------------------------------------------------------- edits

    def edit(self, pid: int, **kwargs: Any) -> Edit | None:
        """The undoable edit of a person's valuation (None: nothing changes);
        :class:`InvalidInput` with the store's Italian message when a value is refused."""
        try:
            edit = modifica_valutazione(self.ctx.archive, pid, self.anno, quadro=self.quadro_attuale(),
                                        **kwargs)
        except ErroreValutazione as exc:
            raise InvalidInput(str(exc)) from exc
        return edit if getattr(edit, "edits", True) else None

    @property
    def anno(self) -> int:
        return self.anno_righe or self.ctx.anno or self.ctx.archive.piano().anno_inizio

    def push(self, pid: int, **kwargs: Any) -> bool:
        """Build and push an edit; a refusal is said once through ``refused``."""
        if self.ctx.archive.readonly:
            return self._refuse("Il piano è aperto in sola lettura.")
        try:
            edit = self.edit(pid, **kwargs)
        except InvalidInput as exc:
            return self._refuse(str(exc))
        return True if edit is None else bool(self.ctx.push(edit))


# --------------------------------------------------------------------------- the selected person


@dataclass(frozen=True)
class RigaComportamento:
    key: str  # name of the behaviour
    peso: Decimal
    punteggio: Decimal | None
    nota: str


class _PersonaGrid(RowTableModel):
    """A grid of the selected person; edits go through ``valutazioni.push``."""

    def __init__(self, valutazioni: ValutazioniModel, parent: Any = None) -> None:
        self.valutazioni = valutazioni
        self.pid: int | None = None
        super().__init__(valutazioni.ctx, parent)

    def set_persona(self, v: ValutazionePersona | None) -> None:
        """Show a person's rows; the same person again updates the rows in place (an
        editor open in the grid, the current cell and the scroll position are kept)."""
        pid = v.persona.id if v is not None else None
        rows = self.rows_for(v) if v is not None else []
        if pid == self.pid and [self.key_of(r) for r in rows] == [self.key_of(r) for r in self._rows]:
            for r in rows:
                self.put_row(r)
            return
        self.pid = pid
        self.set_rows(rows)

    def rows_for(self, v: ValutazionePersona) -> list[Any]:
        return []

    def build_edit(self, index: Any, value: Any) -> Edit | None:
        if self.pid is None:
            return None
        if self._incolla is not None:  # a paste: collect the cell, one edit at the end
            col, row = self._columns[index.column()], self._rows[index.row()]
            if not (col.editable and self.editable(row, col.key)):
                raise InvalidInput(f"La colonna «{col.label}» non si può modificare qui.")
            self._incolla.setdefault(row.key, {})[col.key] = col.parse(value)
            return None
        return super().build_edit(index, value)

    _incolla: dict[str, dict[str, Any]] | None = None

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
            edit = self.valutazioni.edit(self.pid, **self.campi(changes)) if changes else None
        except InvalidInput as exc:
            return self._refuse(str(exc))
        finally:
            self._incolla = None
        return True if edit is None else bool(self.ctx.push(edit))

    def make_edit(self, row: Any, key: str, value: Any) -> Edit | None:
        assert self.pid is not None
        kwargs = self.campi({row.key: {key: value}})
        return self.valutazioni.edit(self.pid, **kwargs) if kwargs else None

    def campi(self, changes: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """The arguments of ``modifica_valutazione`` for new cell values by row key and column."""
        return {}


class ComportamentiModel(_PersonaGrid):
    """The behaviours of the person's category with their weight, score and note."""

    def columns(self) -> Sequence[Column]:
        scala = self.valutazioni.scala
        return (
            ro("key", "Comportamento", width=300),
            ro("peso", "Peso %", "decimal", width=60),
            Column("punteggio", "Punteggio", "decimal", width=80,
                   tooltip=f"Da 0 a {format_decimal(scala, 0)} (scala del sistema di valutazione)"),
            Column("nota", "Nota", width=200),
        )

    def rows_for(self, v: ValutazionePersona) -> list[RigaComportamento]:
        return [RigaComportamento(n, p, s, v.comportamenti_note.get(n, ""))
                for n, p, s in v.esito.comportamenti]

    def campi(self, changes: dict[str, dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for nome, cells in changes.items():
            if "punteggio" in cells:
                out.setdefault("comportamenti", {})[nome] = cells["punteggio"]
            if "nota" in cells:
                out.setdefault("note_comportamenti", {})[nome] = cells["nota"] or None
        return out


@dataclass(frozen=True)
class RigaPasso:
    key: str  # PassoCiclo value
    passo: str  # label
    data: Any
    testo: str
    esito: str
    fatto: bool


class PassiModel(_PersonaGrid):
    """The steps of the cycle: date, text and (riesame) outcome; emptied, a step is removed."""

    def columns(self) -> Sequence[Column]:
        return (
            ro("passo", "Passo", width=190),
            Column("data", "Data", "date", width=90),
            Column("testo", "Testo (colloquio, osservazioni, riesame)", width=260),
            Column("esito", "Esito", "choice", width=100,
                   choices=lambda: [("", None), *((e, e) for e in ESITI_RIESAME)],
                   tooltip="Solo per l'esito del riesame: confermata o modificata"),
        )

    def rows_for(self, v: ValutazionePersona) -> list[RigaPasso]:
        fatti = {str(p.passo): p for p in v.passi}
        out = []
        for p in PassoCiclo:
            f = fatti.get(p.value)
            out.append(RigaPasso(p.value, p.label, f.data if f else None, (f.testo or "") if f else "",
                                 (f.esito or "") if f else "", f is not None))
        return out

    def editable(self, row: RigaPasso, key: str) -> bool:
        if key == "esito":
            return row.key == PassoCiclo.ESITO_RIESAME.value
        return super().editable(row, key)

    def value(self, row: RigaPasso, key: str) -> Any:
        v = getattr(row, key)
        return v if v != "" else None

    def cell_status(self, row: RigaPasso, key: str) -> str | None:
        return "done" if row.fatto and key == "passo" else None

    def campi(self, changes: dict[str, dict[str, Any]]) -> dict[str, Any]:
        passi: dict[str, Any] = {}
        for row in self._rows:
            cells = changes.get(row.key)
            if cells is None:
                continue
            vals = {"data": row.data, "testo": row.testo or None, "esito": row.esito or None}
            vals.update({k: v or None for k, v in cells.items()})
            if all(x is None for x in vals.values()):
                if row.fatto:
                    passi[row.key] = None  # emptied: the step is removed
            else:
                passi[row.key] = (vals["data"], vals["testo"], vals["esito"])
        return {"passi": passi} if passi else {}


def valutatori_possibili(q: QuadroValutazioni, pid: int) -> list[tuple[str, Any]]:
    """Who may evaluate a person: the SMVP's bodies and every other person (never themself)."""
    organi = {q.sistema.valutatore_responsabili, "Nucleo di Valutazione", "OIV", "Segretario generale",
              "Sindaco/Presidente", *(c.valutatore for c in q.sistema.categorie if c.valutatore)}
    out: list[tuple[str, Any]] = [("(secondo il sistema di valutazione)", None)]
    out += [(o, chiave_valutatore(None, o)) for o in sorted(o for o in organi if o)]
    persone: list[Persona] = sorted((p for k, p in q.persone.items() if k is not None and k != pid),
                                    key=lambda p: p.nominativo.casefold())
    out += [(p.nominativo, chiave_valutatore(p.id, None)) for p in persone]
    return out


def chiave_valutatore(persona_id: int | None, ruolo: str | None) -> str | None:
    """The combo key of an evaluator: ``persona:ID`` or ``ruolo:NAME`` (None: the SMVP's)."""
    if persona_id is not None:
        return f"persona:{persona_id}"
    return f"ruolo:{ruolo}" if ruolo else None


def campi_valutatore(chiave: str | None) -> dict[str, Any]:
    """The fields of :class:`ValutazioneIndividuale` for a combo key of :func:`chiave_valutatore`."""
    if not chiave:
        return {"valutatore_id": None, "valutatore_ruolo": None}
    kind, _, value = chiave.partition(":")
    if kind == "persona":
        return {"valutatore_id": int(value), "valutatore_ruolo": None}
    return {"valutatore_id": None, "valutatore_ruolo": value}

