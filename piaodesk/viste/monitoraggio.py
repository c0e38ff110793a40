"""Projection of a monitoring round: objectives (a tree) with their indicators as children,
their values and % at the round, as the «Monitoraggio» grid shows them.

Loading comes in steps (:meth:`RoundProjection.start` shows the objectives with the % stored
at the round's last edit; :meth:`RoundProjection.step` reads indicators, values and fasi
in batches, attaches the indicators and computes the live %); :meth:`RoundProjection.apply`
turns a :class:`~piaodesk.store.changes.Changes` into a :class:`Delta` naming only the rows
whose figures changed (an edited value: its indicator, its objective and the ancestors).
No Qt, no SQL: the plan is read through ``store.monitoraggio``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..domain import monitoraggio as rules
from ..domain.enums import StatoMonitoraggio
from ..domain.formats import format_percent
from ..domain.model import Indicatore, Monitoraggio, Obiettivo, StatoAvanzamento
from ..store import monitoraggio as store
from ..store.changes import Changes
from .base import Delta, Key

if TYPE_CHECKING:
    from ..store.archive import Archive
    from ..store.edits import Edit

#: tables whose changes may alter a round's rows or figures
TABLES = frozenset({"monitoraggi", "rilevazioni", "stati_avanzamento", "indicatori", "obiettivi",
                    "fasi", "impostazioni"})

COLUMNS = (("titolo", "Obiettivo / indicatore"), ("target", "Target"), ("valore", "Valore alla data"),
           ("ragg", "% raggiung."), ("calc", "% calcolata"), ("valid", "% validata"),
           ("motivo", "Motivo dell'override"))
C_TITOLO, C_TARGET, C_VALORE, C_RAGG, C_CALC, C_VALID, C_MOTIVO = range(len(COLUMNS))
#: the key of a change of every row (a snapshot taken, undone or redone: one repaint)
TUTTE: Key = ("*",)
ALL_COLUMNS = {k for k, _ in COLUMNS}


class Nodo:
    """A row: an objective (``kind == "o"``) or an indicator (``"i"``) under its objective."""

    __slots__ = ("children", "kind", "obj", "parent", "row", "waiting")

    def __init__(self, kind: str, obj: Any, parent: Nodo | None, row: int) -> None:
        self.kind, self.obj, self.parent, self.row = kind, obj, parent, row
        self.children: list[Nodo] = []
        #: indicator rows counted but not made yet (made when first asked for, or when read)
        self.waiting = 0

    def count(self) -> int:
        return len(self.children) + self.waiting

    def child(self, row: int) -> Nodo:
        """The row-th child, its empty indicator rows made on demand."""
        while row >= len(self.children) and self.waiting:
            self.children.append(Nodo("i", None, self, len(self.children)))
            self.waiting -= 1
        return self.children[row]

    @property
    def key(self) -> Key:
        return (self.kind, self.obj.id or 0 if self.obj is not None else None)

    def objective(self) -> Obiettivo:
        """The row's objective (its own, or the indicator's)."""
        obj: Obiettivo = self.obj if self.kind == "o" or self.parent is None else self.parent.obj
        return obj


class RoundProjection:
    """One round as the grid shows it (see the module doc)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.mid: int | None = None
        #: the whole round, once loaded (None while loading or without a round)
        self.rnd: store.Round | None = None
        self.mon: Monitoraggio | None = None
        self.stati: dict[int, StatoAvanzamento] = {}
        self.roots: list[Nodo] = []
        self.nodes: dict[Key, Nodo] = {}
        self._steps: Iterator[Delta] | None = None
        self.loads = 0  # whole readings started (tests, diagnostics)

    # ------------------------------------------------------------------ loading

    @property
    def loading(self) -> bool:
        return self._steps is not None

    def load(self, mid: int | None) -> Delta:
        """The round read at once (small plans, tests, the CLI)."""
        delta = self.start(mid)
        self.finish()
        return delta

    def start(self, mid: int | None) -> Delta:
        """First step: the round's objectives with their stored %; the rest by :meth:`step`."""
        self._steps, self.rnd, self.mon, self.stati = None, None, None, {}
        self.roots, self.nodes, self.mid = [], {}, mid
        first = store.inizio_round(self.archive, mid) if mid is not None else None
        if first is None:
            self.mid = None
            return Delta.everything()
        self.loads += 1
        mon, obiettivi = first
        self.mon = mon
        by_id: dict[int, Nodo] = {}
        for o in obiettivi:
            parent = by_id.get(o.parent_id) if o.parent_id is not None else None
            siblings = parent.children if parent else self.roots
            node = Nodo("o", o, parent, len(siblings))
            siblings.append(node)
            by_id[o.id or 0] = node
            self.nodes[("o", o.id or 0)] = node
        # the indicators' rows are there from the start (empty until read): no row is added later
        for oid, n in self.archive.conteggi_per_obiettivo("indicatori"):
            owner = by_id.get(oid)
            if owner is not None:
                owner.waiting = n
        self._steps = self._run(mon, obiettivi)
        return Delta.everything()

    def step(self, budget_s: float = 0.03) -> Delta:
        """Run loading steps for about ``budget_s``: the rows added and the rows changed."""
        out = Delta()
        if self._steps is None:
            return out
        t0 = time.perf_counter()
        for part in self._steps:
            out.reset = out.reset or part.reset
            out.inserted += part.inserted
            out.changed.update(part.changed)
            if time.perf_counter() - t0 >= budget_s:
                return out
        self._steps = None
        return out

    def finish(self) -> Delta:
        """The rest of the loading, at once (before an edit that needs the whole round)."""
        return self.step(budget_s=float("inf"))

    def _run(self, mon: Monitoraggio, obiettivi: list[Obiettivo]) -> Iterator[Delta]:
        stati: dict[int, StatoAvanzamento] = {}
        for batch in store.stati_round_a_passi(self.archive, mon.id or 0):
            stati.update(batch)
            yield Delta()
        self.stati = stati  # the stored % and validations
        yield Delta(changed=dict.fromkeys((("o", o.id or 0) for o in obiettivi), None))
        rnd: store.Round | None = None
        for part in store.leggi_round_a_passi(self.archive, mon, obiettivi, stati):
            if part is None:
                yield Delta()
            else:
                rnd = part
        assert rnd is not None
        owners = list(rnd.indicatori.items())
        for k in range(0, len(owners), 1000):  # the indicators into their rows, in slices
            d = Delta()
            for oid, inds in owners[k:k + 1000]:
                node = self.nodes.get(("o", oid))
                if node is None:
                    continue
                if node.waiting:
                    node.child(node.count() - 1)
                places = [c for c in node.children if c.kind == "i"]
                if len(places) != len(inds):  # (counted before a change: rows made anew)
                    node.children = [c for c in node.children if c.kind == "o"]
                    places = []
                    for _ind in inds:
                        places.append(Nodo("i", None, node, len(node.children)))
                        node.children.append(places[-1])
                    d.reset = True
                for place, ind in zip(places, inds):
                    place.obj = ind
                    self.nodes[("i", ind.id or 0)] = place
                    d.change(("i", ind.id or 0), None)
            yield d
        self.rnd = rnd
        done = Delta()
        if not rnd.chiuso:  # the live % where they differ from the stored ones
            for o in rnd.obiettivi:
                oid = o.id or 0
                if rnd.calcolata(oid) != self._stored(oid):
                    done.change(("o", oid), {"calc", "valid"})
        yield done

    def _stored(self, oid: int) -> Decimal | None:
        st = self.stati.get(oid)
        return st.perc_calcolata if st else None

    # ------------------------------------------------------------------ changes

    def apply(self, ch: Changes) -> Delta:
        """The rows to show again after ``ch`` (reset when the rows themselves changed)."""
        if self.mid is None and not ch.touches("monitoraggi"):
            return Delta()
        if not (ch.reset or ch.moved or ch.tables() & TABLES):
            return Delta()
        if self.rnd is None or ch.touches("monitoraggi"):
            return self.start(self.mid)
        if self.mid is not None:  # «Rileva i valori», its undo or redo: the round it left
            dopo = store.round_dopo_istantanea(self.archive, self.mid)
            if dopo is not None:
                self.rnd, self.stati = dopo, dopo.stati
                return Delta(changed={TUTTE: None})  # (every row: one repaint)
        new = store.aggiorna_round(self.archive, self.rnd, ch)
        if new is None:
            return self.start(self.mid)
        old, self.rnd, self.stati = self.rnd, new, new.stati
        delta = Delta()
        for oid in new.ricalcolati:
            if old.calcolata(oid) != new.calcolata(oid) or old.stati.get(oid) != new.stati.get(oid):
                delta.change(("o", oid), {"calc", "valid", "motivo"})
        for oid in ch.updated.get("obiettivi", {}):
            node = self.nodes.get(("o", oid))
            fresh = next((o for o in new.obiettivi if o.id == oid), None) if node else None
            if node is not None and fresh is not None:
                node.obj = fresh
                delta.change(("o", oid), None)
        for oid, inds in new.indicatori.items():
            if inds is old.indicatori.get(oid):
                continue
            for ind in inds:
                node = self.nodes.get(("i", ind.id or 0))
                if node is not None and node.obj is not ind:
                    node.obj = ind
                    delta.change(("i", ind.id or 0), None)
        for oid in new.ricalcolati:  # a changed value's objective is among the recomputed
            for ind in new.indicatori.get(oid, ()):
                iid = ind.id or 0
                if old.rilevazioni.get(iid) != new.rilevazioni.get(iid):
                    delta.change(("i", iid), {"target", "valore", "ragg"})
        return delta

    # ------------------------------------------------------------------ what the grid shows

    @property
    def chiuso(self) -> bool:
        return self.mon is not None and self.mon.stato == StatoMonitoraggio.CHIUSO

    def calcolata(self, oid: int) -> Decimal | None:
        if self.rnd is not None:
            return self.rnd.calcolata(oid)
        return self._stored(oid)  # while loading: the % stored at the round's last edit

    def validata(self, oid: int) -> Decimal | None:
        st = self.stati.get(oid)
        return st.perc_validata if st else None

    def overridden(self, node: Nodo) -> bool:
        """An objective whose validated % differs from the computed one."""
        if node.kind != "o":
            return False
        val = self.validata(node.obj.id or 0)
        return val is not None and val != self.calcolata(node.obj.id or 0)

    def editable(self, node: Nodo, col: int, readonly: bool = False) -> bool:
        return (node.kind == "i" and col in (C_TARGET, C_VALORE) and node.obj is not None
                and self.mon is not None and not self.chiuso and not readonly)

    def text(self, node: Nodo, col: int) -> str | None:
        if node.kind == "o":
            o: Obiettivo = node.obj
            oid = o.id or 0
            if col == C_TITOLO:
                return f"{o.codice}  {o.titolo}".strip()
            if col == C_CALC:
                return format_percent(self.calcolata(oid))
            if col == C_VALID:
                return format_percent(self.validata(oid))
            if col == C_MOTIVO:
                st = self.stati.get(oid)
                return (st.motivo_override or "") if st else ""
            return None
        ind: Indicatore | None = node.obj
        if ind is None:  # (not read yet)
            return "…" if col == C_TITOLO else ""
        if col == C_TITOLO:
            return ind.descrizione
        r = self.rnd.rilevazioni.get(ind.id or 0) if self.rnd is not None else None
        if col == C_TARGET:
            return (r.target_testo or rules.testo_valore(r.target, ind.tipo)) if r else ""
        if col == C_VALORE:
            return (r.valore_testo or rules.testo_valore(r.valore, ind.tipo)) if r else ""
        if col == C_RAGG:
            if r is None:
                return ""
            ris = rules.risultato_round(ind, rules.ValoreRound(r.target, r.valore, r.target_testo))
            return format_percent(ris.perc)
        return None

    def tooltip(self, node: Nodo, col: int) -> str | None:
        if node.kind == "o":
            o = node.obj
            st = self.stati.get(o.id or 0)
            if col == C_TITOLO:
                return f"{o.codice} {o.titolo}"
            if col == C_MOTIVO and st and st.motivo_override:
                return str(st.motivo_override)
            if col in (C_CALC, C_VALID):
                extra = (" (calcolo in corso: per ora la % salvata all'ultima modifica del "
                         "monitoraggio)" if self.rnd is None and not self.chiuso else "")
                return ("% calcolata dal motore di valutazione con i valori del monitoraggio; "
                        "% validata dal Nucleo di Valutazione (diversa solo con motivazione)." + extra)
            return None
        ind = node.obj
        if ind is None:
            return "Lettura degli indicatori in corso…"
        if col == C_TITOLO:
            return (f"{ind.descrizione}\nPolarità: {ind.polarita.label}; "
                    f"aggregazione: {ind.aggregazione.label}; peso: {ind.peso or '—'}")
        if col == C_VALORE and self.chiuso:
            return "Monitoraggio chiuso: valore congelato"
        return None

    # ------------------------------------------------------------------ edits

    def write(self, node: Nodo, col: int, text: str) -> Edit:
        """The edit of an indicator's value or target typed in the grid (built from the round
        as held here: nothing is read again). Raises PlanError with an Italian message."""
        if node.kind != "i" or col not in (C_VALORE, C_TARGET) or self.mid is None:
            raise ValueError("cella non modificabile")
        self.finish()
        key = "valore_testo" if col == C_VALORE else "target_testo"
        return store.imposta_rilevazione(self.archive, self.mid, node.obj.id, rnd=self.rnd,
                                         **{key: text})
