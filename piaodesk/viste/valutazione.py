"""Valutazione individuale as flat projections (no Qt, no SQL): a row per person (components,
final, fascia, state and step of the cycle) and the grids of the selected person (behaviours,
steps of the cycle).

:class:`ValutazioniProjection` reads the year's valuation through one
:class:`~piaodesk.store.valutazioni.QuadroValutazioni` (the same numbers the sheets and the CLI
print) and keeps it: an edit of a valuation (scores, steps, evaluator, category, notes) re-reads
only the valuation records and rebuilds the persons concerned; any other change of the plan
(objectives, values, the SMVP …) reads it again. The persons' grids turn typed cells into the
arguments of one ``modifica_valutazione`` edit (:meth:`PersonaProjection.campi`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..domain.enums import PassoCiclo
from ..domain.formats import format_decimal, format_percent
from ..domain.individuale import COMPONENTI
from ..domain.model import Obiettivo, Persona
from ..domain.valutazione import SistemaValutazione
from ..store.changes import Changes
from ..store.valutazioni import QuadroValutazioni, ValutazionePersona
from .base import Key
from .tabella import Col, Projection, ro

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


class ValutazioniProjection(Projection[RigaValutazione]):
    """A row per person: components, final, fascia, state and step of the cycle."""

    #: a plan with more objectives than this builds its snapshot between events
    LARGE_PLAN = 2000
    #: persons made per loading step (each costs a few ms)
    MAKE_CHUNK = 4

    def __init__(self, archive: Any, anno: Callable[[], int | None], large_rows: int = 3000) -> None:
        super().__init__(archive)
        self.anno = anno
        self.large_rows = large_rows
        #: the snapshot the rows come from; dropped while the view is hidden (memory), read
        #: again when a person is shown or edited (see :meth:`quadro_attuale`)
        self.quadro: QuadroValutazioni | None = None
        self.componenti: tuple[str, ...] = COMPONENTI  # the components with a column
        self.scala = Decimal(30)
        self.anno_righe: int | None = None
        #: the persons recomputed by the last :meth:`apply` (the detail follows them)
        self.ultimi: set[int] = set()

    @staticmethod
    def componenti_usate(sistema: SistemaValutazione) -> tuple[str, ...]:
        """The components some category of the SMVP weighs (the others get no column)."""
        cats = (*sistema.categorie, sistema.categoria_predefinita())
        return tuple(k for k in COMPONENTI if any(getattr(c, f"peso_{k}") for c in cats))

    def prepare(self) -> None:
        """Before a reload: the columns follow the SMVP (known before the rows come in)."""
        sistema = self.reader.sistema_valutazione()
        self.componenti = self.componenti_usate(sistema)
        self.scala = sistema.scala_max

    def columns(self) -> Sequence[Col]:
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

    def quadro_attuale(self) -> QuadroValutazioni:
        """The snapshot, read again if it was dropped (the rows stay as they are)."""
        if self.quadro is None:
            self.quadro = QuadroValutazioni(self.reader, self.anno_righe or self.anno() or None,
                                            leggero=True)
        return self.quadro

    def expected_rows(self) -> int:
        # the cost is reading the plan, not the rows: a large plan loads between events
        return self.large_rows + 1 if self.reader.count(Obiettivo) > self.LARGE_PLAN else 0

    def read(self) -> Iterator[int]:
        yield 1
        q = QuadroValutazioni(self.reader, self.anno() or None, leggero=True)
        self.quadro, self.anno_righe = q, q.anno
        yield 100

    def all_keys(self) -> Iterable[Key]:
        q = self.quadro
        return [pid for pid in q.persone if pid is not None] if q is not None else []

    def make(self, key: Key) -> RigaValutazione | None:
        q = self.quadro_attuale()
        if key not in q.persone:
            return None
        return riga_di(q.persona(key))  # type: ignore[arg-type]

    def key_of(self, row: RigaValutazione) -> Key:
        return row.key

    def touched(self, ch: Changes) -> Iterable[Key] | None:
        self.ultimi = set()
        tables = ch.tables()
        if tables - TABELLE_VALUTAZIONI - TABELLE_INDIFFERENTI:
            return None  # objectives, values, the SMVP …: read the plan again
        if not tables & TABELLE_VALUTAZIONI:
            return ()
        if self.quadro is None:  # (dropped while hidden: nothing to compare with)
            return None
        changed = self.quadro.rileggi_valutazioni()
        self.ultimi = set(changed)
        keys = [pid for pid in sorted(changed) if pid in self.quadro.persone or pid in self._rows]
        self.restyled.update(keys)  # (a row's values are not part of its equality)
        return keys

    def order_key(self, row: RigaValutazione) -> Any:
        return (row.nominativo.casefold(), row.key)

    def value(self, row: RigaValutazione, key: str) -> Any:
        if key.startswith("c_"):
            return row.valori.get(key[2:])
        return getattr(row, key)

    def text(self, row: RigaValutazione, col: Col) -> str | None:
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
        return None

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


# --------------------------------------------------------------------------- the selected person


@dataclass(frozen=True)
class RigaComportamento:
    key: str  # name of the behaviour
    peso: Decimal
    punteggio: Decimal | None
    nota: str


@dataclass(frozen=True)
class RigaPasso:
    key: str  # PassoCiclo value
    passo: str  # label
    data: Any
    testo: str
    esito: str
    fatto: bool


class PersonaProjection(Projection[Any]):
    """A grid of the selected person: rows given by the view (:meth:`rows_for`), typed cells
    turned into the arguments of one valuation edit (:meth:`campi`) built by ``modifica``
    (raises :class:`Refused`)."""

    def __init__(self, modifica: Callable[..., Any], scala: Callable[[], Decimal]) -> None:
        super().__init__(None)
        self.modifica = modifica
        self.scala = scala
        self.shown: list[Any] = []  # the rows the grid shows (set by the adapter)

    def key_of(self, row: Any) -> Key:
        key: Key = row.key
        return key

    def rows_for(self, v: ValutazionePersona) -> list[Any]:
        return []

    def campi(self, changes: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """The arguments of ``modifica_valutazione`` for new cell values by row key and column."""
        return {}

    def edit(self, row: Any, key: str, value: Any) -> Any:
        kwargs = self.campi({row.key: {key: value}})
        return self.modifica(**kwargs) if kwargs else None


class ComportamentiProjection(PersonaProjection):
    """The behaviours of the person's category with their weight, score and note."""

    def columns(self) -> Sequence[Col]:
        return (
            ro("key", "Comportamento", width=300),
            ro("peso", "Peso %", "decimal", width=60),
            Col("punteggio", "Punteggio", "decimal", width=80,
                tooltip=f"Da 0 a {format_decimal(self.scala(), 0)} (scala del sistema di valutazione)"),
            Col("nota", "Nota", width=200),
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


class PassiProjection(PersonaProjection):
    """The steps of the cycle: date, text and (riesame) outcome; emptied, a step is removed."""

    def columns(self) -> Sequence[Col]:
        return (
            ro("passo", "Passo", width=190),
            Col("data", "Data", "date", width=90),
            Col("testo", "Testo (colloquio, osservazioni, riesame)", width=260),
            Col("esito", "Esito", "choice", width=100,
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
        for row in self.shown:
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

