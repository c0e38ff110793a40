"""All indicators of the plan in one grid, with target/actual of the year and the engine's %.

Target and actual are ``Misura`` rows: editing one updates the annual row of
``ctx.anno`` (raw text in ``*_testo``, parsed value via
:func:`piaodesk.domain.valutazione.parse_valore`) or inserts it when missing.
When the year's value comes from periods (seed 002's Giugno/Dicembre), the
annual cells are read-only: the periods are edited in the objective's form.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ...domain import valutazione as engine
from ...domain.enums import Polarita, TipoIndicatore
from ...domain.formats import format_decimal
from ...domain.model import PERIODO_ANNUALE, Indicatore, Misura, Obiettivo
from ...store.changes import Changes
from ...store.edits import Edit, InsertRow, SetFields
from .columns import Column
from .views_base import RowTableModel, ro
from .views_lookup import Lookup


#: the objective's fields the rows show
_OB_COLS = ("id", "codice", "titolo", "unita_id", "trasversale")


def _misura_order(m: Misura) -> tuple[int, int, int]:
    return (m.anno, m.data_riferimento.toordinal() if m.data_riferimento else 0, m.id or 0)


POLARITA_BREVE = {Polarita.CRESCENTE: "↑ crescente", Polarita.DECRESCENTE: "↓ decrescente",
                  Polarita.UGUALE: "= uguale"}


@dataclass(frozen=True, slots=True)
class RigaIndicatore:
    key: int
    obiettivo_id: int
    obiettivo: str
    settore_id: int | None
    settore: str
    descrizione: str
    tipo: TipoIndicatore | str
    polarita: Polarita | str
    baseline: str
    target: str | None
    valore: str | None
    perc: Decimal | None
    peso: Decimal | None
    fonte: str | None
    misura_id: int | None  # the annual row of the year, if any
    da_periodi: bool
    spiegazione: str


class IndicatoriModel(RowTableModel):
    def __init__(self, ctx: Any, parent: Any = None) -> None:
        self._anno = ctx.anno or ctx.archive.piano().anno_inizio
        super().__init__(ctx, parent)
        self.lookup = Lookup(ctx.archive)
        self._ob: dict[int, Obiettivo] = {}
        self._ind: dict[int, Indicatore] = {}
        self._mis: dict[int, list[Misura]] = {}
        self._mis_ind: dict[int, int] = {}
        self._cap = True
        self.reload()
        ctx.hub.changed.connect(self.on_changes)

    @property
    def anno(self) -> int:
        return self._anno

    def set_anno(self, anno: int) -> None:
        self._anno = anno
        if self.loading:
            self.reload()  # (the rows being built are of the old year)
            return
        self.set_rows([self._make(i) for i in self._order()])

    def columns(self) -> Sequence[Column]:
        a = self._anno
        return (
            ro("obiettivo", "Obiettivo", width=220),
            ro("settore", "Settore", width=150),
            ro("descrizione", "Indicatore", width=260),
            Column("tipo", "Tipo", "enum", enum=TipoIndicatore, width=95),
            Column("polarita", "Polarità", "enum", enum=Polarita, width=95),
            ro("baseline", "Baseline", width=75),
            Column("target", f"Target {a}", width=95,
                   tooltip=f"Valore atteso nel {a} (testo libero: 95%, si, entro il 31/12/{a})"),
            Column("valore", f"Effettivo {a}", width=95, tooltip=f"Valore rilevato nel {a}"),
            ro("perc", "% raggiung.", "computed", 85,
               tooltip="Raggiungimento calcolato dal motore (polarità, tetto al 100 %)"),
            Column("peso", "Peso", "decimal", width=60, minimum=Decimal(0), maximum=Decimal(100)),
            Column("fonte", "Fonte", width=120),
        )

    # ------------------------------------------------------------ loading

    def expected_rows(self) -> int:
        return self.ctx.archive.count(Indicatore)

    def load_steps(self) -> Iterator[int]:
        """Objectives, indicators and measures read in batches, then the rows built in
        tree order; a percentage is yielded after each batch (see ``RowTableModel.reload``)."""
        arc = self.ctx.archive
        self.lookup.reload()
        self._cap = arc.sistema_valutazione().cap_indicatore
        total = max(1, self.expected_rows())
        obs: dict[int, Obiettivo] = {}
        for batch in arc.select_batches(Obiettivo, columns=_OB_COLS):
            obs.update((o.id, o) for o in batch if o.id is not None)
            yield 5
        ordine = arc.ordine_obiettivi()
        yield 7
        self._ob = {oid: obs[oid] for oid in ordine if oid in obs}  # tree order
        self._ind = {}
        for batch in arc.select_batches(Indicatore):
            self._ind.update((i.id, i) for i in batch if i.id is not None)
            yield 10 + 25 * len(self._ind) // total
        self._mis, self._mis_ind = {}, {}
        for batch in arc.select_batches(Misura, batch=500):
            for m in batch:
                self._mis.setdefault(m.indicatore_id, []).append(m)
                self._mis_ind[m.id] = m.indicatore_id  # type: ignore[index]
            yield 35 + 20 * len(self._mis_ind) // max(total, len(self._mis_ind))
        lists = list(self._mis.values())
        for k in range(0, len(lists), 4000):
            for lst in lists[k:k + 4000]:  # (as Archive.misure orders them)
                lst.sort(key=_misura_order)
            yield 55
        by_ob: dict[int, list[Indicatore]] = {}
        inds = list(self._ind.values())
        for k in range(0, len(inds), 10000):
            for ind in inds[k:k + 10000]:
                by_ob.setdefault(ind.obiettivo_id, []).append(ind)
            yield 55
        order = self._order(by_ob)
        yield 56
        rows: list[RigaIndicatore] = []
        for k in range(0, len(order), 200):
            rows += [self._make(i) for i in order[k:k + 200]]
            yield 55 + 30 * len(rows) // max(1, len(order))
        yield from self.install_rows(rows, start=86)

    def _order(self, by_ob: dict[int, list[Indicatore]] | None = None) -> list[int]:
        if by_ob is None:
            by_ob = {}
            for ind in self._ind.values():
                by_ob.setdefault(ind.obiettivo_id, []).append(ind)
        out: list[int] = []
        for oid in self._ob:  # tree order
            out += [i.id for i in sorted(by_ob.get(oid, []), key=lambda i: (i.posizione, i.id))]
        return out  # type: ignore[return-value]

    def _make(self, iid: int) -> RigaIndicatore:
        ind = self._ind[iid]
        ob = self._ob.get(ind.obiettivo_id) or Obiettivo(id=ind.obiettivo_id)
        misure = self._mis.get(iid, [])
        ris = engine.risultato_indicatore(ind, misure, self._anno, cap=self._cap)
        ann = ris.annuale
        annual = next((m for m in misure if m.anno == self._anno and m.periodo == PERIODO_ANNUALE),
                      None)
        if ann.da_periodi:
            target = ann.target_testo or format_decimal(ann.target, 2, strip_zeros=True)
            valore = format_decimal(ann.valore, 2, strip_zeros=True)
        else:
            target = annual.target_testo if annual and annual.target_testo else (
                format_decimal(annual.target, 2, strip_zeros=True) if annual else None)
            valore = annual.valore_testo if annual and annual.valore_testo else (
                format_decimal(annual.valore, 2, strip_zeros=True) if annual else None)
        baseline = ind.baseline_testo or format_decimal(ind.baseline, 2, strip_zeros=True)
        return RigaIndicatore(
            key=iid, obiettivo_id=ob.id or 0,
            obiettivo=f"{ob.codice} — {ob.titolo}" if ob.codice else ob.titolo,
            settore_id=self.lookup.settore_id(ob.unita_id),
            settore=self.lookup.settore_nome(ob.unita_id) or (
                "Tutti i settori (trasversale)" if ob.trasversale else ""),
            descrizione=ind.descrizione, tipo=ind.tipo, polarita=ind.polarita, baseline=baseline,
            target=target or None, valore=valore or None, perc=ris.perc, peso=ind.peso,
            fonte=ind.fonte, misura_id=annual.id if annual else None, da_periodi=ann.da_periodi,
            spiegazione=ann.spiegazione)

    # ------------------------------------------------------------ hooks

    def text(self, row: RigaIndicatore, col: Column) -> str:
        if col.key == "polarita":
            return POLARITA_BREVE.get(row.polarita, str(row.polarita))  # type: ignore[arg-type]
        return super().text(row, col)

    def key_of(self, row: RigaIndicatore) -> Hashable:
        return row.key

    def editable(self, row: RigaIndicatore, key: str) -> bool:
        if key in ("target", "valore"):
            return not row.da_periodi
        return True

    def tooltip(self, row: RigaIndicatore, key: str) -> str | None:
        if key in ("obiettivo", "descrizione", "settore"):
            return getattr(row, key)
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

    def make_edit(self, row: RigaIndicatore, key: str, value: Any) -> Edit | None:
        ind = self._ind[row.key]
        if key in ("target", "valore"):
            testo = None if value is None else str(value).strip() or None
            parsed = engine.parse_valore(testo, ind.tipo)
            fields = {f"{key}_testo": testo, key: parsed}
            label = (f"Modifica {'target' if key == 'target' else 'valore effettivo'} "
                     f"{self._anno} dell'indicatore")
            if row.misura_id is not None:
                return SetFields(Misura, row.misura_id, fields, label=label)
            if testo is None:
                return None
            return InsertRow(Misura(indicatore_id=ind.id or 0, anno=self._anno,
                                    periodo=PERIODO_ANNUALE, **fields), label=label)
        if key in ("tipo", "polarita", "peso", "fonte"):
            return SetFields(Indicatore, row.key, {key: value},
                             label=f"Modifica {self.col(key).label.lower()} dell'indicatore")
        return None

    # ------------------------------------------------------------ changes

    def on_changes(self, ch: Changes) -> None:
        if self.hold_while_loading(ch):
            return
        if ch.moved and -1 in ch.moved:
            self.reload()
            return
        arc = self.ctx.archive
        keys: set[int] = set()
        if ch.touches("unita"):
            self.lookup.reload()
            keys.update(self._ind)
        for oid in ch.deleted.get("obiettivi", ()):
            self._ob.pop(oid, None)
        for oid in ch.inserted.get("obiettivi", set()) | set(ch.updated.get("obiettivi", {})):
            ob = arc.obiettivo(oid)
            if ob is not None:
                self._ob[oid] = ob
                keys.update(i for i, ind in self._ind.items() if ind.obiettivo_id == oid)
        gone: set[int] = set()
        for iid in ch.deleted.get("indicatori", ()):
            if self._ind.pop(iid, None) is not None:
                gone.add(iid)
            for m in self._mis.pop(iid, []):
                self._mis_ind.pop(m.id, None)  # type: ignore[arg-type]
        for iid in ch.inserted.get("indicatori", set()) | set(ch.updated.get("indicatori", {})):
            ind = arc.get(Indicatore, iid)
            if ind is not None:
                self._ind[iid] = ind
                keys.add(iid)
                if iid in ch.inserted.get("indicatori", set()):
                    for m in arc.misure([iid]):
                        self._put_misura(m)
        for mid in ch.deleted.get("misure", ()):
            iid_ = self._mis_ind.pop(mid, None)
            if iid_ is not None:
                self._mis[iid_] = [m for m in self._mis.get(iid_, []) if m.id != mid]
                keys.add(iid_)
        for mid in ch.inserted.get("misure", set()) | set(ch.updated.get("misure", {})):
            m = arc.get(Misura, mid)
            if m is not None:
                self._put_misura(m)
                keys.add(m.indicatore_id)
        self.remove_keys(gone)
        for iid in keys - gone:
            if iid in self._ind:
                self.put_row(self._make(iid))

    def _put_misura(self, m: Misura) -> None:
        lst = [x for x in self._mis.get(m.indicatore_id, []) if x.id != m.id]
        lst.append(m)
        lst.sort(key=_misura_order)
        self._mis[m.indicatore_id] = lst
        self._mis_ind[m.id] = m.indicatore_id  # type: ignore[index]
