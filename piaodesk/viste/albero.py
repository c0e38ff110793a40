"""The objective tree as a pure projection: nodes, filters, search, year, settore grouping.

:class:`AlberoObiettivi` reads through an injected reader (``store.albero.LettoreAlbero``
or any object with its methods) and answers :meth:`AlberoObiettivi.apply` with a
:class:`~piaodesk.viste.base.Delta`. No Qt, no SQL: ``ui/models/tree_adapter.py`` turns
the deltas into Qt's begin/end calls.

Shape. The root has two group rows («Obiettivi», «Attività gestionali»). Each node has
``children`` (the plan's children, ``None`` until read: the tree is read lazily) and
``vis``/``up``: the rows shown under it and the row it is shown under. Without a filter
and without grouping ``vis is children`` and ``up is parent``. A filter (text, settore,
responsabile, anno, stato, «In ritardo») shows the matches, their ancestors and the
descendants of a match; «Raggruppa per settore» puts a row per settore under each group.

Structural changes on a plain tree are not applied at once: :attr:`pending` holds the
new child lists by parent, and the adapter moves the rows there one begin/end call at a
time (:meth:`AlberoObiettivi.commit`). With a filter or grouping the projection resets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from ..domain.avanzamento import perc_nodo
from ..domain.enums import Livello, Ramo
from ..domain.formats import format_decimal
from ..domain.model import Obiettivo
from ..store.changes import Changes
from ..store.edits import Batch, Edit, MoveObiettivo
from .base import Delta, Key

CENTO = Decimal(100)
#: a computed value not known yet
IGNOTO: Any = object()
#: the key of "every row" in :attr:`Delta.changed` (the year changed: the % of all rows)
TUTTE: Key = ("*",)
#: tables whose rows change an objective's % or late state
_SUBORDINATE = ("fasi", "indicatori", "misure", "valutazioni", "assegnazioni", "risorse")
#: a monitoring round's rows: the tree's % and lateness do not depend on them (the plan's %
#: leave them out, see ``Archive._invalidate_perc``), so their owners are not invalidated
_ROUND_ROWS = frozenset({"monitoraggi", "rilevazioni", "stati_avanzamento"})


class Lettore(Protocol):  # what the projection needs from the store (see store.albero)
    def figli(self, parent_id: int | None, ramo: Ramo | str) -> list[Obiettivo]: ...
    def figli_ids(self, parent_id: int | None, ramo: Ramo | str) -> list[int]: ...
    def tutti(self) -> list[Obiettivo]: ...
    def a_lotti(self) -> Iterable[list[Obiettivo]]: ...
    @property
    def generation(self) -> int: ...
    def obiettivo(self, oid: int) -> Obiettivo | None: ...
    def conta_figli(self, ids: list[int]) -> dict[int, int]: ...
    def in_ritardo(self, ids: list[int] | None, oggi: date) -> set[int]: ...
    def condivise(self) -> dict[int, set[int]]: ...
    def settori(self) -> dict[int, str]: ...
    def proprietari(self, table: str, ids: Iterable[int]) -> set[int]: ...
    def antenati(self, oid: int) -> list[int]: ...
    def percentuali_pronte(self, anno: int) -> bool: ...
    def percentuali(self, anno: int) -> dict[int, Decimal | None]: ...


@dataclass(frozen=True)
class Filtro:
    testo: str = ""
    unita_id: int | None = None
    responsabile_id: int | None = None
    anno: int | None = None
    stato: str | None = None
    solo_in_ritardo: bool = False
    #: a missione («12») or a programme («12.03») of the harmonised catalogue (issue 18)
    programma: str | None = None

    def active(self) -> bool:
        return bool(self.testo.strip() or self.unita_id or self.responsabile_id or self.anno
                    or self.stato or self.solo_in_ritardo or self.programma)


#: the one empty list the tree's objectives hold in their list fields that are empty or not
#: read (tipologia and flags are not in the tree's columns), and one list per distinct value
#: of ``anni`` («2025, 2026, 2027» on most): 10.000 objectives carried 30.000 lists, each an
#: object every full garbage collection walks (issue 13). Never written (nothing changes a
#: node's objective in place; an edit reads the objective again from the store).
_VUOTA: list[Any] = []
_ANNI: dict[tuple[int, ...], list[int]] = {}


def _leggero(o: Obiettivo) -> Obiettivo:
    """``o`` with its list fields shared (see :data:`_VUOTA`)."""
    if not o.tipologia:
        o.tipologia = _VUOTA
    if not o.flags:
        o.flags = _VUOTA
    if not o.anni:
        o.anni = _VUOTA
    elif len(_ANNI) < 1000:  # (a handful of distinct values in a plan)
        o.anni = _ANNI.setdefault(tuple(o.anni), o.anni)
    return o


class Nodo:
    __slots__ = (
        "__weakref__",
        "_row",
        "children",
        "disp",
        "hay",
        "id",
        "late",
        "n_children",
        "obj",
        "parent",
        "pend",
        "perc",
        "pi",
        "ramo",
        "settore",
        "up",
        "vis",
        "wsum",
    )

    def __init__(self, parent: Nodo | None, obj: Obiettivo | None, ramo: Ramo | None,
                 n_children: int, settore: int | None = None) -> None:
        self.parent = self.up = parent
        self.obj = obj if obj is None else _leggero(obj)
        self.id: int | None = obj.id if obj is not None else None
        self.ramo = ramo
        self.children: list[Nodo] | None = None  # None: not read yet
        self.vis: list[Nodo] | None = None  # the rows shown under this one
        self.n_children = n_children
        self.perc: Any = IGNOTO
        self.late: Any = IGNOTO
        self.wsum: Any = IGNOTO  # sum of the children's weights
        self.disp: list[str] | None = None  # display texts (the adapter's cache)
        self.hay: str | None = None  # casefolded search text
        self.settore = settore  # a «Raggruppa per settore» row: the unit (0: none)
        self._row = 0
        self.pi = self.pend = 0  # preorder index, end of the subtree (see AlberoObiettivi._preorder)

    @property
    def is_group(self) -> bool:
        return self.obj is None and self.ramo is not None

    @property
    def key(self) -> Key:
        if self.id is not None:
            return self.id
        if self.settore is not None:
            return ("settore", str(self.ramo), self.settore)
        return ("gruppo", str(self.ramo)) if self.ramo is not None else ("radice",)

    def set_children(self, kids: list[Nodo]) -> None:
        self.children = self.vis = kids
        self.n_children = len(kids)
        for i, k in enumerate(kids):
            k._row = i

    def row(self) -> int:
        up = self.up
        kids = up.vis if up is not None else None
        if not kids:
            return 0
        r = self._row
        if r < len(kids) and kids[r] is self:
            return r
        for i, k in enumerate(kids):  # the siblings changed: renumber them all
            k._row = i
        return self._row


class AlberoObiettivi:
    """The projection of the objective tree (see the module's docstring)."""

    def __init__(self, lettore: Lettore, anno: int, oggi: date | None = None) -> None:
        self.lettore = lettore
        self.anno = anno
        self.oggi = oggi or date.today()
        self.filtro = Filtro()
        #: the tree's grouping: None, "settore" or "missione" (issue 18: the harmonised catalogue)
        self.raggruppa: str | None = None
        #: compute % only when the store has them ready (large plans: a worker fills them)
        self.defer_perc = False
        self.all_loaded = False
        self.fetch_count = 0
        self.pending: dict[Nodo, list[Nodo]] = {}
        #: the objective selected (owner of deleted subordinate rows when a change omits it)
        self.hint: int | None = None
        self.root = Nodo(None, None, None, 2)
        self.by_id: dict[int, Nodo] = {}
        self._condivise: dict[int, set[int]] | None = None
        self._late_all = False
        self._keep: set[int] | None = None
        self._pre: list[Nodo] | None = None  # every objective in preorder (whole tree read)
        self._last: tuple[Filtro, list[int]] | None = None  # last search: filter, its hits
        self._settori: dict[int, str] = {}
        self._build_groups()

    # ------------------------------------------------------------------ reading

    def _build_groups(self) -> None:
        self.by_id = {}
        self.pending = {}
        self.all_loaded = False
        self._condivise = None
        self._late_all = False
        self._pre = None
        groups = [Nodo(self.root, None, r, len(self.lettore.figli_ids(None, r)))
                  for r in (Ramo.OBIETTIVI, Ramo.ATTIVITA)]
        self.root.set_children(groups)

    def group(self, ramo: Ramo | str) -> Nodo:
        return next(g for g in self.root.children or [] if g.ramo == ramo)

    def _new(self, parent: Nodo, o: Obiettivo, n: int) -> Nodo:
        node = Nodo(parent, o, Ramo(o.ramo) if o.ramo else parent.ramo, n)
        self.by_id[o.id] = node  # type: ignore[index]
        return node

    def read_children(self, node: Nodo) -> list[Nodo]:
        """Read (not attach) the children of ``node``; registered by id."""
        objs = self.lettore.figli(node.id, node.ramo)  # type: ignore[arg-type]
        counts = self.lettore.conta_figli([o.id for o in objs if o.id is not None])
        self.fetch_count += 1
        return [self._new(node, o, counts.get(o.id, 0)) for o in objs]  # type: ignore[arg-type]

    def can_fetch(self, node: Nodo) -> bool:
        return node.children is None and node.n_children > 0

    def load_steps(self) -> Iterator[int]:
        """Read the whole tree a batch at a time, then attach it a top-level subtree at a
        time (a step each, for idle time). Children lists already read are kept as they are
        and only never-fetched children are attached, so a view sees no row change. Stops
        if the plan changes meanwhile (what was attached is then kept up to date by
        :meth:`apply`)."""
        gen = self.lettore.generation
        made: dict[int, Nodo] = {}
        by_parent: dict[int | None, list[Obiettivo]] = {}
        for batch in self.lettore.a_lotti():
            for o in batch:
                made[o.id] = Nodo(None, o, Ramo(o.ramo), 0)  # type: ignore[index]
                by_parent.setdefault(o.parent_id, []).append(o)
            yield len(made)
            if self.all_loaded:
                return
        for objs in by_parent.values():
            objs.sort(key=lambda o: (o.posizione is not None, o.posizione or 0, o.id))

        def link(parent: Nodo, objs: list[Obiettivo]) -> list[Nodo]:
            kids = parent.children
            if kids is None or [k.id for k in kids] != [o.id for o in objs]:
                kids = []
                for o in objs:
                    n = self.by_id.get(o.id) or made[o.id]  # type: ignore[arg-type,index]
                    n.parent = n.up = parent
                    kids.append(n)
                parent.set_children(kids)
            for n in kids:
                self.by_id[n.id] = n  # type: ignore[index]
            return kids

        def subtree(n: Nodo) -> None:
            for c in link(n, by_parent.get(n.id, [])):
                subtree(c)

        for g in self.root.children or []:
            if self.lettore.generation != gen or self.all_loaded:
                return
            for n in link(g, [o for o in by_parent.get(None, []) if o.ramo == g.ramo]):
                if self.lettore.generation != gen or self.all_loaded:
                    return
                subtree(n)
                yield len(made)
        self.all_loaded = True
        self.pending = {}
        self._pre = None

    def load_all(self) -> bool:
        """Read and attach the whole tree now (filters search the nodes never expanded).
        True when something was read."""
        if self.all_loaded:
            return False
        for _ in self.load_steps():
            pass
        return True

    def _preorder(self) -> list[Nodo]:
        """Every objective in preorder, each with its index ``pi`` and subtree end ``pend``."""
        if self._pre is None:
            pre: list[Nodo] = []

            def walk(n: Nodo) -> None:
                n.pi = len(pre)
                pre.append(n)
                for c in n.children or []:
                    walk(c)
                n.pend = len(pre)

            for g in self.root.children or []:
                for n in g.children or []:
                    walk(n)
            self._pre = pre
            self._last = None
        return self._pre

    @property
    def per_settore(self) -> bool:
        return self.raggruppa == "settore"

    @property
    def per_missione(self) -> bool:
        return self.raggruppa == "missione"

    def _gruppo(self, ob: Obiettivo | None) -> int:
        """The group row an objective goes under: its settore, or the missione of its programme."""
        if ob is None:
            return 0
        if self.raggruppa == "missione":
            cod = ob.programma_cod or ""
            return int(cod.split(".")[0]) if cod[:2].isdigit() else 0
        return ob.unita_id or 0

    def label(self, node: Nodo) -> str:
        """Text of a group row («Obiettivi») or of a settore/missione row."""
        if node.settore is not None:
            return self._settori.get(node.settore, "Senza missione" if self.per_missione else "Senza settore")
        return node.ramo.label if node.ramo is not None else ""

    def shown_count(self) -> int:
        """How many objectives the current filter shows (all those read, without one)."""
        return len(self._keep) if self._keep is not None and self.filtro.active() else len(self.by_id)

    def node_by_key(self, key: Key) -> Nodo | None:
        if isinstance(key, int):
            return self.by_id.get(key)
        for g in self.root.children or []:
            if g.key == key:
                return g
            for s in g.vis or []:
                if s.settore is not None and s.key == key:
                    return s
        return None

    def nodes(self) -> Iterable[Nodo]:
        return self.by_id.values()

    # ------------------------------------------------------------------ computed values

    def perc(self, node: Nodo, force: bool = False) -> Any:
        """% of a node (``None``: none), or :data:`IGNOTO` while it waits for the worker
        (``force``: compute it now anyway)."""
        if node.perc is not IGNOTO:
            return node.perc
        if node.settore is not None:
            return None
        if node.is_group:
            if node.children is None:
                return None
            vals = [self.perc(c) for c in node.children]
            if any(v is IGNOTO for v in vals):
                return IGNOTO
            node.perc = perc_nodo(None, vals, None)  # a group row: the mean of its rows
            return node.perc
        if self.defer_perc and not force and not self.lettore.percentuali_pronte(self.anno):
            return IGNOTO
        node.perc = self.lettore.percentuali(self.anno).get(node.id)  # type: ignore[arg-type]
        return node.perc

    def late(self, node: Nodo) -> bool:
        if node.obj is None:
            return False
        if node.late is IGNOTO:
            # this node and up to 100 siblings around it, in one query
            sibs = node.parent.children if node.parent is not None and node.parent.children else [node]
            start = max(sibs.index(node) - 20, 0) if node in sibs else 0
            todo = [s for s in sibs[start:start + 100] if s.late is IGNOTO and s.id is not None]
            if node not in todo:
                todo.append(node)
            late = self.lettore.in_ritardo([s.id for s in todo], self.oggi)  # type: ignore[misc]
            for s in todo:
                s.late = s.id in late
        return bool(node.late)

    def _all_late(self) -> None:
        if self._late_all:
            return
        late = self.lettore.in_ritardo(None, self.oggi)
        for n in self.by_id.values():
            n.late = n.id in late
        self._late_all = True

    def weight_sum(self, node: Nodo) -> Decimal | None:
        """Sum of the weights on ``node``'s level (``None``: no weight set)."""
        parent = node.parent
        if parent is None or not parent.children:
            return None
        if parent.wsum is IGNOTO:
            pesi = [s.obj.peso for s in parent.children if s.obj is not None and s.obj.peso is not None]
            parent.wsum = sum(pesi, Decimal(0)) if pesi else None
        return parent.wsum  # type: ignore[no-any-return]

    def weights_wrong(self, node: Nodo) -> bool:
        s = self.weight_sum(node)
        return s is not None and s != CENTO

    def tooltip(self, node: Nodo, key: str) -> str:
        """The tooltip of an objective's cell: the weights' sum on «Peso», else what it is."""
        ob = node.obj
        assert ob is not None
        if key == "peso":
            s = self.weight_sum(node)
            if s is None:
                return "Nessun peso assegnato a questo livello."
            msg = f"Somma dei pesi di questo livello: {format_decimal(s, 2, strip_zeros=True)} %"
            return msg + ("" if s == CENTO else " — dovrebbe essere 100 %.")
        lines = [f"{ob.codice or ''} {ob.titolo}".strip(), Livello(ob.livello).label
                 if ob.livello in Livello._value2member_map_ else str(ob.livello)]
        if self.late(node):
            lines.append("⚠ Ha fasi in ritardo (scadenza passata, non completate).")
        return "\n".join(lines)

    def spostamento(self, ids: list[int], target: Nodo, row: int = -1) -> Edit | str:
        """The edit moving ``ids`` under ``target`` at ``row`` (-1: at the end), or why not."""
        parent_id, ramo = target.id, str(target.ramo)
        for oid in ids:
            if parent_id is not None and (parent_id == oid or oid in self.lettore.antenati(parent_id)):
                return "Non si può spostare un obiettivo dentro sé stesso o un suo discendente."
        siblings = self.lettore.figli_ids(parent_id, ramo)
        pos = len(siblings) if row < 0 else row
        pos -= len([s for s in siblings[:pos] if s in set(ids)])  # counted without the moved rows
        edits: list[Edit] = [MoveObiettivo(oid, parent_id, pos + k, ramo) for k, oid in enumerate(ids)]
        return edits[0] if len(edits) == 1 else Batch(edits, f"Sposta {len(edits)} obiettivi")

    def set_anno(self, anno: int) -> Delta:
        """The year of the % changed: every % is dropped (one delta for all the rows)."""
        if anno == self.anno:
            return Delta()
        self.anno = anno
        self._drop_all_perc()
        return Delta(changed={TUTTE: {"perc"}})

    def _drop_all_perc(self) -> None:
        for n in self.by_id.values():
            n.perc = IGNOTO
        for g in self.root.children or []:
            g.perc = IGNOTO

    # ------------------------------------------------------------------ filters, grouping

    def set_filtro(self, filtro: Filtro) -> Delta:
        if filtro == self.filtro:
            return Delta()
        self.filtro = filtro
        self._restructure()
        return Delta.everything()

    def set_per_settore(self, on: bool) -> Delta:
        return self._raggruppa("settore" if on else None, on == self.per_settore)

    def set_per_missione(self, on: bool) -> Delta:
        return self._raggruppa("missione" if on else None, on == self.per_missione)

    def _raggruppa(self, modo: str | None, unchanged: bool) -> Delta:
        if unchanged:
            return Delta()
        self.raggruppa = modo
        self._restructure()
        return Delta.everything()

    @property
    def plain(self) -> bool:
        return self.raggruppa is None and not self.filtro.active()

    def _restructure(self) -> None:
        """Recompute ``vis``/``up`` for the current filter and grouping."""
        if self.plain:
            for n in (self.root, *self.by_id.values(), *(self.root.children or [])):
                n.vis, n.up = n.children, n.parent
            return
        self.load_all()
        if self.raggruppa is None:
            self._keep = self._show_matches()
            return
        keep = self._keep = self._matches() if self.filtro.active() else None
        names = self._settori = self._nomi_gruppi()
        for g in self.root.children or []:
            if self.raggruppa is not None:
                heads: dict[int, list[Nodo]] = {}

                def collect(nodes: list[Nodo], parent_settore: int | None,
                            heads: dict[int, list[Nodo]]) -> None:
                    for n in nodes:
                        s = self._gruppo(n.obj)
                        if s != parent_settore:
                            heads.setdefault(s, []).append(n)
                        collect(n.children or [], s, heads)

                collect(g.children or [], None, heads)
                order = sorted(heads, key=lambda s: (s == 0, names.get(s, "").casefold()))
                rows = []
                for s in order:
                    sn = Nodo(g, None, g.ramo, 0, settore=s)
                    self._show(sn, heads[s], keep)
                    if sn.vis or keep is None:
                        rows.append(sn)
                g.vis = rows
            else:
                self._show(g, g.children or [], keep)
            for i, r in enumerate(g.vis or []):
                r._row, r.up = i, g
        self.root.vis = [g for g in self.root.children or [] if g.vis or keep is None]
        for i, g in enumerate(self.root.vis):
            g._row = i

    def _nomi_gruppi(self) -> dict[int, str]:
        if self.raggruppa == "missione":
            from ..domain.catalogo import catalogo  # the catalogue only when grouping by missione

            return {int(m.codice): m.etichetta for m in catalogo().missioni if m.codice.isdigit()}
        return self.lettore.settori() if self.raggruppa == "settore" else {}

    def _show(self, up: Nodo, kids: list[Nodo], keep: set[int] | None) -> None:
        """Lay out ``kids`` under ``up``: grouped children stay under their settore row."""
        shown: list[Nodo] = []
        for n in kids:
            if keep is not None and n.id not in keep:
                continue
            s = self._gruppo(n.obj) if self.raggruppa is not None else None
            sub = [c for c in n.children or [] if self.raggruppa is None or self._gruppo(c.obj) == s]
            self._show(n, sub, keep)
            n.up = up
            n._row = len(shown)
            shown.append(n)
        up.vis = shown
        if up.settore is not None:
            up.n_children = len(shown)

    def _marks(self) -> tuple[list[Nodo], bytearray]:
        """The preorder and a mark per node: shown by the filter (the matches, their ancestors,
        the descendants of a match). Typing on refines the last search's matches only."""
        pre = self._preorder()
        f = replace(self.filtro, testo=self.filtro.testo.strip().casefold())
        if f.solo_in_ritardo:
            self._all_late()
        if f.unita_id and self._condivise is None:
            self._condivise = self.lettore.condivise()
        t = f.testo
        if t:
            last = self._last
            if last is not None and last[0].testo in t and replace(last[0], testo="") == \
                    replace(f, testo=""):
                cand = last[1]
            else:
                cand = range(len(pre))  # type: ignore[assignment]
            hays = [n.hay if n.hay is not None else self._hay(n) for n in pre]
            hits = [i for i in cand if t in hays[i]]
        else:
            hits = list(range(len(pre)))
        hits = self._narrow(pre, hits, f)
        self._last = (f, hits)
        desc = bytearray(len(pre))
        shown = bytearray(len(pre))
        for i in hits:
            if desc[i]:
                continue  # inside a match already shown whole
            end = pre[i].pend
            desc[i:end] = shown[i:end] = b"\x01" * (end - i)
            p = pre[i].parent
            while p is not None and p.id is not None and not shown[p.pi]:
                shown[p.pi] = 1
                p = p.parent
        return pre, shown

    def _matches(self) -> set[int]:
        pre, shown = self._marks()
        return {n.id for n, m in zip(pre, shown, strict=True) if m}  # type: ignore[misc]

    def _show_matches(self) -> set[int] | None:
        """Lay out the rows the filter shows (plain tree, no grouping): one pass in preorder."""
        groups = self.root.children or []
        if not self.filtro.active():
            return None
        pre, shown = self._marks()
        for g in groups:
            g.vis = []
        keep = set()
        for n, m in zip(pre, shown, strict=True):
            if m:
                up = n.up = n.parent
                n.vis = []
                n._row = len(up.vis)  # type: ignore[arg-type,union-attr]
                up.vis.append(n)  # type: ignore[union-attr]
                keep.add(n.id)
        self.root.vis = [g for g in groups if g.vis]
        for i, g in enumerate(self.root.vis):
            g._row = i
        return keep  # type: ignore[return-value]

    @staticmethod
    def _hay(n: Nodo) -> str:
        ob = n.obj
        n.hay = f"{ob.codice or ''} {ob.titolo or ''} {ob.descrizione or ''}".casefold()  # type: ignore[union-attr]
        return n.hay

    def _narrow(self, pre: list[Nodo], hits: list[int], f: Filtro) -> list[int]:
        """Keep the ``hits`` meeting the filter's other criteria (one pass per criterion)."""
        if f.solo_in_ritardo:
            hits = [i for i in hits if pre[i].late]
        if f.responsabile_id:
            hits = [i for i in hits if pre[i].obj.responsabile_id == f.responsabile_id]  # type: ignore[union-attr]
        if f.stato:
            hits = [i for i in hits if (pre[i].obj.stato or "") == f.stato]  # type: ignore[union-attr]
        if f.programma:
            pref = f.programma + "."
            hits = [i for i in hits if (c := pre[i].obj.programma_cod or "") == f.programma  # type: ignore[union-attr]
                    or c.startswith(pref)]
        if f.anno:
            hits = [i for i in hits if not pre[i].obj.anni or f.anno in pre[i].obj.anni]  # type: ignore[union-attr]
        if f.unita_id:
            shared = self._condivise or {}
            hits = [i for i in hits if pre[i].obj.unita_id == f.unita_id  # type: ignore[union-attr]
                    or f.unita_id in shared.get(pre[i].id, ())]  # type: ignore[arg-type]
        return hits

    # ------------------------------------------------------------------ changes

    def apply(self, ch: Changes) -> Delta:
        if ch.reset:
            self._build_groups()
            self._restructure()
            return Delta.everything()
        delta = Delta()
        self._last = None  # the next search scans every row again
        upd = ch.updated.get("obiettivi", {})
        gone = set(ch.deleted.get("obiettivi", set()))
        structural = set(ch.inserted.get("obiettivi", set())) | gone | set(ch.moved)
        structural |= {oid for oid, fs in upd.items() if fs & {"parent_id", "posizione", "ramo"}}
        for oid, fields in upd.items():
            node = self.by_id.get(oid)
            fresh = self.lettore.obiettivo(oid) if node is not None else None
            if node is None or fresh is None:
                continue
            node.obj, node.disp, node.hay = _leggero(fresh), None, None
            delta.change(oid)
            if "peso" in fields and node.parent is not None and node.parent.children:
                node.parent.wsum = IGNOTO
                for s in node.parent.children:
                    delta.change(s.key, {"peso"})
        if structural:
            self._structure(structural, gone, delta)
        if ch.touches("impostazioni"):
            self._drop_all_perc()
            delta.change(TUTTE, {"perc"})
        else:
            touched = (set(ch.owners) if ch.tables() - _ROUND_ROWS else set()) | structural
            for table in _SUBORDINATE:
                rows = set(ch.inserted.get(table, set())) | set(ch.updated.get(table, {}))
                touched |= self.lettore.proprietari(table, rows)
                if ch.deleted.get(table) and not ch.owners:
                    if self.hint is not None:  # the objective shown in the editor
                        touched.add(self.hint)
                    else:  # owners unknown: every % (cheap: recomputed on paint)
                        self._drop_all_perc()
                        delta.change(TUTTE, {"perc"})
            for oid in touched:
                self._invalidate_up(oid, delta)
            if touched and ("fasi" in ch.tables()):
                self._late_all = False
            if structural:
                for g in self.root.children or []:
                    g.perc = IGNOTO
                    delta.change(g.key, {"perc"})
        if structural and not self.plain:
            self.commit_all()
            self._restructure()
            return Delta.everything()
        if not self.plain and upd:
            before = self._keep
            campo = {"settore": "unita_id", "missione": "programma_cod"}.get(self.raggruppa or "")
            regroup = campo is not None and any(campo in fs for fs in upd.values())
            if regroup or (self.filtro.active() and self._matches() != before):
                self._restructure()  # a match came or went, a row changed settore
                return Delta.everything()
        return delta

    def _invalidate_up(self, oid: int | None, delta: Delta) -> None:
        node = self.by_id.get(oid) if oid is not None else None
        if node is None and oid is not None:  # not read yet: its nearest ancestor read
            for a in self.lettore.antenati(oid):
                node = self.by_id.get(a)
                if node is not None:
                    break
        while node is not None and node is not self.root:
            node.perc = node.late = IGNOTO
            delta.change(node.key, {"perc", "late"})
            node = node.parent

    def _structure(self, ids: set[int], gone: set[int], delta: Delta) -> None:
        self._pre = None
        self._last = None
        parents: list[Nodo] = []
        for oid in ids:
            node = self.by_id.get(oid)
            if node is not None and node.parent is not None and node.parent not in parents:
                parents.append(node.parent)
            ob = self.lettore.obiettivo(oid)
            if ob is not None:
                p = self.by_id.get(ob.parent_id) if ob.parent_id is not None else self.group(ob.ramo)
                if p is not None and p not in parents:
                    parents.append(p)
        for p in parents:
            if p.id is not None and p.id in gone:
                continue
            new_ids = self.lettore.figli_ids(p.id, p.ramo)  # type: ignore[arg-type]
            if p.children is None:  # not read: only the expand arrow may change
                if (p.n_children > 0) != bool(new_ids):
                    delta.change(p.key)
                p.n_children = len(new_ids)
                continue
            old = {k.id: k for k in p.children}
            fresh = [i for i in new_ids if i not in old and i not in self.by_id]
            counts = self.lettore.conta_figli(fresh)
            kids = []
            for i in new_ids:
                n = old.get(i) or self.by_id.get(i)
                if n is None or i in ids:
                    ob = self.lettore.obiettivo(i)
                    if ob is None:
                        continue
                    if n is None:
                        n = self._new(p, ob, counts.get(i, 0))
                        if self.all_loaded:
                            self._load_subtree(n)  # filters rely on the whole tree
                        delta.inserted.append(i)
                    else:
                        n.obj, n.disp, n.hay = _leggero(ob), None, None
                        delta.change(i)
                if n.parent is not p:
                    delta.moved.append(i)
                kids.append(n)
            delta.removed.extend(k for k in old if k not in set(new_ids))
            self.pending[p] = kids
            p.wsum = IGNOTO
            for k in kids:
                delta.change(k.key, {"peso"})

    def commit(self, parent: Nodo) -> list[Nodo]:
        """The new children of ``parent`` (the adapter moves the rows there, then calls
        :meth:`settle`)."""
        return self.pending.get(parent, [])

    def settle(self, parent: Nodo) -> None:
        """``parent``'s rows are now its new children: forget the nodes that left the tree."""
        kids = self.pending.pop(parent, None)
        if kids is None:
            return
        for k in kids:
            k.parent = k.up = parent
        parent.n_children = len(kids)
        if not self.pending:
            self._forget_detached()

    def commit_all(self) -> None:
        """Apply the pending child lists at once (no adapter watching: tests, a reset)."""
        for p in list(self.pending):
            p.set_children(self.pending[p])
            self.settle(p)

    def _load_subtree(self, node: Nodo) -> None:
        kids = self.read_children(node)
        node.set_children(kids)
        for c in kids:
            self._load_subtree(c)

    def _forget_detached(self) -> None:
        """Drop from ``by_id`` the nodes no longer under the root (deleted subtrees)."""
        alive: set[int] = set()
        stack = list(self.root.children or [])
        while stack:
            n = stack.pop()
            if n.id is not None:
                alive.add(n.id)
            stack.extend(n.children or [])
        for oid in [i for i in self.by_id if i not in alive]:
            del self.by_id[oid]
