"""The objective tree's projection, without Qt: lazy reading, filters, year, grouping, deltas."""

from __future__ import annotations

import gc
import sys
import weakref
from datetime import date
from decimal import Decimal

from piaodesk.domain import valutazione as engine
from piaodesk.domain.enums import Ramo
from piaodesk.domain.model import Fase, Obiettivo
from piaodesk.store.albero import LettoreAlbero
from piaodesk.store.edits import DeleteRow, InsertRow, MoveObiettivo, SetFields
from piaodesk.viste.albero import IGNOTO, TUTTE, AlberoObiettivi, Filtro


def _tree(arc, **kw) -> AlberoObiettivi:
    return AlberoObiettivi(LettoreAlbero(arc), arc.piano().anno_inizio, **kw)


def _oe0527(arc) -> int:
    return next(o.id for o in arc.obiettivi() if o.codice == "OE0527")


def _shown(t: AlberoObiettivi) -> list[tuple[int, object]]:
    """(depth, key) of every row shown, in order."""
    out = []

    def walk(n, d):
        for k in n.vis or []:
            assert k.up is n and k.row() == (n.vis or []).index(k)
            out.append((d, k.key))
            walk(k, d + 1)

    walk(t.root, 0)
    return out


def test_no_qt_imported():
    """The projection and its reader load without Qt (a fresh interpreter)."""
    import subprocess

    code = ("import sys, piaodesk.viste.albero, piaodesk.store.albero; "
            "print(any(m.startswith('PySide6') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_lazy_then_whole(demo):
    t = _tree(demo)
    groups = t.root.vis
    assert [g.ramo for g in groups] == [Ramo.OBIETTIVI, Ramo.ATTIVITA]
    assert all(g.children is None for g in groups) and t.fetch_count == 0
    g = groups[0]
    g.set_children(t.read_children(g))
    assert [n.id for n in g.children] == demo.figli_ids(None, Ramo.OBIETTIVI)
    assert t.load_all() and t.all_loaded
    assert len(t.by_id) == demo.count(Obiettivo)
    assert not t.load_all()  # once


def test_search_shows_matches_with_ancestors_and_descendants(demo):
    t = _tree(demo)
    oe = _oe0527(demo)
    d = t.set_filtro(Filtro(testo="icaro"))
    assert d.reset
    shown = [k for _, k in _shown(t)]
    assert shown[0] == ("gruppo", "obiettivi") and ("gruppo", "attivita") not in shown
    assert oe in shown
    for kid in demo.discendenti(oe):
        assert kid in shown  # children of a match stay visible
    assert not t.set_filtro(Filtro(testo="icaro"))  # same filter: nothing to do
    t.set_filtro(Filtro(testo="zzz-nessuno"))
    assert _shown(t) == []
    t.set_filtro(Filtro())
    assert [k for d, k in _shown(t) if d == 0] == [("gruppo", "obiettivi"), ("gruppo", "attivita")]
    assert all(n.vis is n.children and n.up is n.parent for n in t.by_id.values())


def test_late_filter_follows_the_domain_rule(demo):
    oggi = date(2026, 6, 30)
    t = _tree(demo, oggi=oggi)
    want = {f.obiettivo_id for f in demo.fasi() if engine.fase_in_ritardo(f, oggi)}
    assert want  # the demo has late phases at this date
    assert LettoreAlbero(demo).in_ritardo(None, oggi) == want
    t.set_filtro(Filtro(solo_in_ritardo=True))
    shown = {k for _, k in _shown(t) if isinstance(k, int)}
    assert want <= shown
    t.set_filtro(Filtro())
    assert t.late(t.by_id[next(iter(want))])


def test_year_change_drops_every_percent(demo):
    t = _tree(demo)
    t.load_all()
    oe = t.by_id[_oe0527(demo)]
    assert t.perc(oe) == demo.percentuali(t.anno).get(oe.id)
    d = t.set_anno(t.anno + 1)
    assert d.changed == {TUTTE: {"perc"}}
    assert oe.perc is IGNOTO
    assert t.perc(oe) == demo.percentuali(t.anno).get(oe.id)
    assert not t.set_anno(t.anno)


def test_grouped_by_settore(demo):
    t = _tree(demo)
    assert t.set_per_settore(True).reset
    rows = _shown(t)
    settori = [k for d, k in rows if d == 1]
    assert settori and all(k[0] == "settore" for k in settori)
    names = {u.id: u.nome for u in demo.unita()}
    first = next(n for n in t.root.vis[0].vis)
    assert t.label(first) in (*names.values(), "Senza settore")
    # every objective is shown once, under a row of its own settore
    ids = [k for _, k in rows if isinstance(k, int)]
    assert len(ids) == len(set(ids)) == demo.count(Obiettivo)
    for n in t.by_id.values():
        up = n.up
        while up.settore is None:
            up = up.up
        assert up.settore == (n.obj.unita_id or 0)
    t.set_per_settore(False)
    assert all(n.vis is n.children for n in t.by_id.values())


def test_apply_edits_give_deltas(demo):
    t = _tree(demo)
    t.load_all()
    oe = _oe0527(demo)
    kids = demo.figli_ids(oe)
    # an update: the row changes, its siblings' weight check too
    ch = demo.apply(SetFields(Obiettivo, kids[0], {"titolo": "Rinominato", "peso": Decimal(3)}))
    d = t.apply(ch)
    assert d.changed[kids[0]] is None and "peso" in d.changed[kids[1]]
    assert t.by_id[kids[0]].obj.titolo == "Rinominato"
    # a new child: pending until committed, then in place
    new = Obiettivo(parent_id=oe, ramo=Ramo.OBIETTIVI, livello="azione", codice="N", titolo="Nuovo",
                    posizione=0)
    new.id = demo.allocate_id(Obiettivo)
    d = t.apply(demo.apply(InsertRow(new)))
    assert d.inserted == [new.id] and t.by_id[oe] in t.pending
    t.commit_all()
    assert [n.id for n in t.by_id[oe].children] == demo.figli_ids(oe)
    # a move: the row changes parent
    d = t.apply(demo.apply(MoveObiettivo(kids[0], None, 0, "obiettivi")))
    assert kids[0] in d.moved
    t.commit_all()
    assert t.by_id[kids[0]].parent is t.group(Ramo.OBIETTIVI)
    # a value of a phase: the owner's % and its ancestors' are dropped
    oe_node = t.by_id[oe]
    t.perc(oe_node)
    fase = demo.fasi(kids[1])[0] if demo.fasi(kids[1]) else None
    if fase is not None:
        d = t.apply(demo.apply(SetFields(Fase, fase.id, {"perc_realizzazione": Decimal(10)})))
        assert "perc" in d.changed[oe] and oe_node.perc is IGNOTO


def test_deleted_subtree_is_collectable(demo):
    """No gc.freeze: a deleted subtree's nodes go as soon as nothing points at them."""
    t = _tree(demo)
    t.load_all()
    oe = _oe0527(demo)
    refs = [weakref.ref(t.by_id[i]) for i in demo.discendenti(oe, True)]
    assert len(refs) > 1
    t.apply(demo.apply(DeleteRow(Obiettivo, oe)))
    t.commit_all()
    assert oe not in t.by_id
    gc.collect()
    assert all(r() is None for r in refs)


def test_reset_reloads(demo):
    from piaodesk.store.changes import Changes

    t = _tree(demo)
    t.load_all()
    assert t.apply(Changes.everything()).reset
    assert not t.all_loaded and t.by_id == {}


def test_move_edit_and_refusal(demo):
    t = _tree(demo)
    t.load_all()
    oe = _oe0527(demo)
    kid = demo.figli_ids(oe)[0]
    why = t.spostamento([oe], t.by_id[kid])
    assert isinstance(why, str) and "discendente" in why  # into its own subtree: refused
    edit = t.spostamento([kid], t.group(Ramo.OBIETTIVI), 0)
    assert not isinstance(edit, str)
    d = t.apply(demo.apply(edit))
    t.commit_all()
    assert kid in d.moved and demo.figli_ids(None, Ramo.OBIETTIVI)[0] == kid
    assert t.group(Ramo.OBIETTIVI).children[0].id == kid


def test_tooltips_in_italian(demo):
    t = _tree(demo)
    t.load_all()
    n = t.by_id[_oe0527(demo)]
    tip = t.tooltip(n, "peso")
    assert tip.startswith("Somma dei pesi") or tip == "Nessun peso assegnato a questo livello."
    assert t.tooltip(n, "titolo").startswith("OE0527")


def test_settore_and_responsabile_filters(demo):
    t = _tree(demo)
    obs = demo.obiettivi()
    u = next(o.unita_id for o in obs if o.unita_id is not None)
    t.set_filtro(Filtro(unita_id=u))
    shown = {k for _, k in _shown(t) if isinstance(k, int)}
    own = {o.id for o in obs if o.unita_id == u or u in demo.unita_condivise(o.id)}
    assert own and own <= shown
    # the other rows shown are ancestors or descendants of a match only
    near = set(own)
    for i in own:
        near |= set(demo.discendenti(i)) | set(LettoreAlbero(demo).antenati(i))
    assert shown <= near
    r = next(o.responsabile_id for o in obs if o.responsabile_id is not None)
    t.set_filtro(Filtro(unita_id=u, responsabile_id=r))
    both = {o.id for o in obs if o.responsabile_id == r and o.id in own}
    assert both <= {k for _, k in _shown(t) if isinstance(k, int)}


def test_a_monitoring_snapshot_leaves_the_trees_percentages_alone(demo):
    """«Rileva i valori» names the objectives its rows hang from (owners), but the tree's %
    do not depend on a round's rows: nothing is dropped, no row repainted."""
    from piaodesk.store import monitoraggio as mon

    t = _tree(demo)
    t.load_all()
    oe_node = t.by_id[_oe0527(demo)]
    kept = t.perc(oe_node)
    mid = demo.monitoraggi()[-1].id
    ch = demo.apply(mon.rileva(demo, mid))
    assert ch.owners and oe_node.id in ch.owners  # (named: the writer knows them)
    d = t.apply(ch)
    assert not d.changed and oe_node.perc is not IGNOTO and t.perc(oe_node) == kept
