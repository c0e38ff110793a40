"""Indicatori: all indicators of the plan in one grid, with target/actual of the year and the
engine's %, as a flat projection (no Qt, no SQL).

Target and actual are ``Misura`` rows: editing one updates the annual row of
``ctx.anno`` (raw text in ``*_testo``, parsed value via
:func:`piaodesk.domain.valutazione.parse_valore`) or inserts it when missing.
When the year's value comes from periods (seed 002's Giugno/Dicembre), the
annual cells are read-only: the periods are edited in the objective's form.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, NamedTuple, cast

from ..domain import valutazione as engine
from ..domain.enums import Polarita, TipoIndicatore
from ..domain.formats import format_decimal
from ..domain.model import PERIODO_ANNUALE, Indicatore, Misura, Obiettivo
from ..store.changes import Changes
from ..store.edits import Edit, InsertRow, SetFields
from ..store.letture import indicatori_di_misure
from .base import Key
from .lookup import Lookup
from .tabella import Col, Projection, ro

#: the objective's fields the rows show
_OB_COLS = ("id", "codice", "titolo", "unita_id", "trasversale")


_LABEL = {"tipo": "tipo", "polarita": "polarità", "peso": "peso", "fonte": "fonte"}

POLARITA_BREVE = {Polarita.CRESCENTE: "↑ crescente", Polarita.DECRESCENTE: "↓ decrescente",
                  Polarita.UGUALE: "= uguale"}


class RigaIndicatore(NamedTuple):
    """A row of plain values (the enums as their text: :meth:`IndicatoriProjection.value` gives
    them back as members), kept as an exact tuple (:attr:`Projection.ROW`): untracked by the
    garbage collector (issue 13: 40.000 tracked rows lengthened every full collection)."""

    key: int
    obiettivo_id: int
    obiettivo: str
    settore_id: int | None
    settore: str
    descrizione: str
    tipo: str  # a TipoIndicatore value (or an unknown text)
    polarita: str  # a Polarita value (or an unknown text)
    baseline: str
    target: str | None
    valore: str | None
    perc: Decimal | None
    peso: Decimal | None
    fonte: str | None
    misura_id: int | None  # the annual row of the year, if any
    da_periodi: bool
    spiegazione: str


_OB_ID = RigaIndicatore._fields.index("obiettivo_id")


def _enum(cls: Any, value: str) -> Any:
    """The member of ``cls`` named by ``value`` (the text itself when unknown)."""
    try:
        return cls(value)
    except ValueError:
        return value


def _text(value: Any) -> str:
    """An enum member's text (shared, not a copy per row)."""
    return str(getattr(value, "value", value))


class IndicatoriProjection(Projection[RigaIndicatore]):
    ROW = RigaIndicatore  # (kept as exact tuples: untracked by the GC)

    def __init__(self, archive: Any, anno: int | None = None) -> None:
        super().__init__(archive)
        self._anno = anno or archive.piano().anno_inizio
        self.lookup = Lookup(archive)
        # Only what rows cannot tell is kept: the indicators and their measures are read
        # again from the plan for the rows an edit touches (a large plan: 40.000 of each).
        self._ob_info: dict[int, tuple[str, int | None, str]] = {}  # label, settore id, name
        self._mis_ind: dict[int, int] = {}  # misura id -> indicatore id (to follow deletions)
        self._cap = True

    @property
    def anno(self) -> int:
        return self._anno

    def columns(self) -> Sequence[Col]:
        a = self._anno
        return (
            ro("obiettivo", "Obiettivo", width=220),
            ro("settore", "Settore", width=150),
            ro("descrizione", "Indicatore", width=260),
            Col("tipo", "Tipo", "enum", enum=TipoIndicatore, width=95),
            Col("polarita", "Polarità", "enum", enum=Polarita, width=95),
            ro("baseline", "Baseline", width=75),
            Col("target", f"Target {a}", width=95,
                   tooltip=f"Valore atteso nel {a} (testo libero: 95%, si, entro il 31/12/{a})"),
            Col("valore", f"Effettivo {a}", width=95, tooltip=f"Valore rilevato nel {a}"),
            ro("perc", "% raggiung.", "computed", 85,
               tooltip="Raggiungimento calcolato dal motore (polarità, tetto al 100 %)"),
            Col("peso", "Peso", "decimal", width=60, minimum=Decimal(0), maximum=Decimal(100)),
            Col("fonte", "Fonte", width=120),
        )

    # ------------------------------------------------------------ loading

    def expected_rows(self) -> int:
        return int(self.reader.count(Indicatore))

    def load(self) -> Iterator[int]:
        """Objectives, indicators and measures read in batches and the rows built in tree
        order; a percentage is yielded after each batch."""
        arc = self.reader
        self.lookup.reload()
        self._cap = arc.sistema_valutazione().cap_indicatore
        total = max(1, self.expected_rows())
        obs: dict[int, Obiettivo] = {}
        for batch in arc.select_batches(Obiettivo, columns=_OB_COLS):
            obs.update((o.id, o) for o in batch if o.id is not None)
            yield 5
        ordine = arc.ordine_obiettivi()
        yield 7
        self._ob_info = {}
        for k in range(0, len(ordine), 2500):  # (tree order)
            self._ob_info.update((oid, self._info(obs[oid])) for oid in ordine[k:k + 2500]
                                 if oid in obs)
            yield 8
        # the order first (tree order, then position), from a light query
        by_ob: dict[int, list[tuple[int, int]]] = {}
        for batch in arc.select_batches(Indicatore, columns=("id", "obiettivo_id", "posizione"),
                                        batch=4000):
            for i in batch:
                by_ob.setdefault(i.obiettivo_id, []).append(
                    (i.posizione if i.posizione is not None else -1, i.id))
            yield 10
        order = [iid for oid in self._ob_info for _, iid in sorted(by_ob.get(oid, ()))]
        yield 12
        # then the indicators a batch at a time with their measures: the full records of
        # one batch only are alive at any time (the rows keep what they show)
        made: dict[int, Any] = {}  # (exact tuples, as kept)
        self._mis_ind = {}
        for batch in arc.select_batches(Indicatore, batch=150):
            mis: dict[int, list[Misura]] = {}
            for m in arc.misure([i.id for i in batch if i.id is not None]):
                mis.setdefault(m.indicatore_id, []).append(m)
                self._mis_ind[m.id or 0] = m.indicatore_id
            for ind in batch:
                row = self._make(ind.id or 0, ind, mis.get(ind.id or 0, []))
                if row is not None:
                    made[row.key] = self._keep(row)
            yield 12 + 86 * len(made) // total
        self._rows = {i: made[i] for i in order if i in made}
        self._rows.update((i, r) for i, r in made.items() if r[_OB_ID] not in self._ob_info)
        yield 100

    def _info(self, ob: Obiettivo) -> tuple[str, int | None, str]:
        """What the rows show of an objective, one shared copy for all its indicators."""
        settore = self.lookup.settore_nome(ob.unita_id) or (
            "Tutti i settori (trasversale)" if ob.trasversale else "")
        label = f"{ob.codice} — {ob.titolo}" if ob.codice else ob.titolo
        return label, self.lookup.settore_id(ob.unita_id), settore

    def _ob_of(self, oid: int) -> tuple[str, int | None, str]:
        info = self._ob_info.get(oid)
        if info is None:
            ob = self.reader.get(Obiettivo, oid) or Obiettivo(id=oid)
            info = self._ob_info[oid] = self._info(ob)
        return info

    def _make(self, iid: int, ind: Indicatore | None = None,
              misure: list[Misura] | None = None) -> RigaIndicatore | None:
        """The row of an indicator (read from the plan when not given; None: it is gone)."""
        arc = self.reader
        if ind is None:
            ind = arc.get(Indicatore, iid)
            if ind is None:
                return None
        if misure is None:
            misure = arc.misure([iid])
            self._mis_ind.update((m.id, iid) for m in misure if m.id is not None)
        ris = engine.risultato_indicatore(ind, misure, self._anno, cap=self._cap)
        ann = ris.annuale
        annual = next((m for m in misure if m.anno == self._anno and m.periodo == PERIODO_ANNUALE),
                      None)
        target: str | None
        valore: str | None
        if ann.da_periodi:
            target = ann.target_testo or format_decimal(ann.target, 2, strip_zeros=True)
            valore = format_decimal(ann.valore, 2, strip_zeros=True)
        else:
            target = annual.target_testo if annual and annual.target_testo else (
                format_decimal(annual.target, 2, strip_zeros=True) if annual else None)
            valore = annual.valore_testo if annual and annual.valore_testo else (
                format_decimal(annual.valore, 2, strip_zeros=True) if annual else None)
        baseline = ind.baseline_testo or format_decimal(ind.baseline, 2, strip_zeros=True)
        label, settore_id, settore = self._ob_of(ind.obiettivo_id)
        return RigaIndicatore(
            key=iid, obiettivo_id=ind.obiettivo_id, obiettivo=label, settore_id=settore_id,
            settore=settore, descrizione=ind.descrizione, tipo=_text(ind.tipo),
            polarita=_text(ind.polarita),
            baseline=baseline, target=target or None, valore=valore or None, perc=ris.perc,
            peso=ind.peso, fonte=ind.fonte, misura_id=annual.id if annual else None,
            da_periodi=ann.da_periodi, spiegazione=ann.spiegazione)

    # ------------------------------------------------------------ hooks

    def make(self, key: Key) -> RigaIndicatore | None:
        return self._make(key)  # type: ignore[arg-type]

    def value(self, row: RigaIndicatore, key: str) -> Any:
        if key == "tipo":
            return _enum(TipoIndicatore, row.tipo)
        if key == "polarita":
            return _enum(Polarita, row.polarita)
        return getattr(row, key)

    def text(self, row: RigaIndicatore, col: Col) -> str | None:
        if col.key == "polarita":
            return POLARITA_BREVE.get(_enum(Polarita, row.polarita), row.polarita)
        return None

    def editable(self, row: RigaIndicatore, key: str) -> bool:
        if key in ("target", "valore"):
            return not row.da_periodi
        return True

    def tooltip(self, row: RigaIndicatore, key: str) -> str | None:
        if key in ("obiettivo", "descrizione", "settore"):
            text: str | None = getattr(row, key)
            return text
        if key in ("target", "valore") and row.da_periodi:
            return (f"Valore del {self._anno} calcolato dai periodi ({row.spiegazione}): "
                    "si modifica nei periodi, nella scheda dell'obiettivo.")
        if key == "perc":
            if row.perc is None:
                return "Non calcolabile: manca il valore effettivo o il target non è dovuto/numerico."
            return f"Calcolato con {row.spiegazione or 'valore annuale'}"
        if key == "valore" and row.valore and row.perc is None and row.target:
            return "Il valore non è leggibile come numero: il raggiungimento non si calcola."
        return None

    def cell_status(self, row: RigaIndicatore, key: str) -> str | None:
        if key == "perc" and row.perc is not None:
            return "done" if row.perc >= 100 else ("late" if row.perc < 50 else "soon")
        return None

    def edit(self, row: RigaIndicatore, key: str, value: Any) -> Edit | None:
        if key in ("target", "valore"):
            testo = None if value is None else str(value).strip() or None
            parsed = engine.parse_valore(testo, _enum(TipoIndicatore, row.tipo))
            fields = {f"{key}_testo": testo, key: parsed}
            label = (f"Modifica {'target' if key == 'target' else 'valore effettivo'} "
                     f"{self._anno} dell'indicatore")
            if row.misura_id is not None:
                return SetFields(Misura, row.misura_id, fields, label=label)
            if testo is None:
                return None
            return InsertRow(Misura(indicatore_id=row.key, anno=self._anno,
                                    periodo=PERIODO_ANNUALE, **cast("dict[str, Any]", fields)), label=label)
        if key in ("tipo", "polarita", "peso", "fonte"):
            return SetFields(Indicatore, row.key, {key: value},
                             label=f"Modifica {_LABEL[key]} dell'indicatore")
        return None

    # ------------------------------------------------------------ changes

    def touched(self, ch: Changes) -> Iterable[Key] | None:
        if ch.touches("unita"):
            return None  # everything (settori show on every row)
        keys: set[int] = set()
        obs = set(ch.deleted.get("obiettivi", ())) | set(ch.inserted.get("obiettivi", ())) | \
            set(ch.updated.get("obiettivi", {}))
        for oid in obs:
            self._ob_info.pop(oid, None)
        if obs - set(ch.deleted.get("obiettivi", ())):
            keys.update(r.key for r in self.rows() if r.obiettivo_id in obs)
        keys.update(ch.deleted.get("indicatori", ()))
        keys.update(ch.inserted.get("indicatori", ()))
        keys.update(ch.updated.get("indicatori", {}))
        for mid in ch.deleted.get("misure", ()):
            iid = self._mis_ind.pop(mid, None)
            if iid is not None:
                keys.add(iid)
        changed = set(ch.inserted.get("misure", ())) | set(ch.updated.get("misure", {}))
        for mid, iid in indicatori_di_misure(self.reader, changed).items():
            self._mis_ind[mid] = iid
            keys.add(iid)
        return keys
