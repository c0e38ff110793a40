"""The monitoring round's projection (viste/monitoraggio.py), without a QApplication: loading in
steps, the figures shown, and apply(changes) -> Delta naming only the rows that changed."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from piaodesk.domain.model import Fase, Indicatore, Obiettivo, StatoAvanzamento
from piaodesk.store import monitoraggio as mon
from piaodesk.store.edits import SetFields
from piaodesk.viste import monitoraggio as vista


@pytest.fixture
def demo_round(demo):
    mid = demo.monitoraggi()[-1].id  # the round the view opens on (31/12), values taken
    demo.apply(mon.rileva(demo, mid))
    return demo, mid


def _node(proj, code):
    return next(n for k, n in proj.nodes.items() if k[0] == "o" and n.obj.codice == code)


def test_stepped_loading_ends_with_the_same_round_as_a_reading_at_once(demo_round):
    arc, mid = demo_round
    proj = vista.RoundProjection(arc)
    assert proj.start(mid).reset and proj.loading
    assert proj.rnd is None and proj.roots  # the objectives' rows are there at once
    uo = _node(proj, "UO046704")
    assert uo.count() > 0 and uo.child(0).obj is None  # indicator rows known, not read yet
    assert proj.text(uo.child(0), vista.C_TITOLO) == "…"
    steps, changed = 0, set()
    while proj.loading:
        changed |= set(proj.step(budget_s=0).changed)
        steps += 1
    assert steps > 3  # really in steps
    fresh = mon.leggi_round(arc, mid)
    assert (proj.rnd.rilevazioni, proj.rnd.stati, proj.rnd.calcolate) == (
        fresh.rilevazioni, fresh.stati, fresh.calcolate)
    first = uo.child(0)
    assert first.obj is not None and ("i", first.obj.id) in changed  # filled rows are repainted
    assert proj.text(uo, vista.C_CALC) == "85,11 %"  # seed 002 §3.2
    assert proj.nodes[("i", first.obj.id)] is first


def test_a_typed_value_changes_only_its_branch(demo_round):
    arc, mid = demo_round
    proj = vista.RoundProjection(arc)
    proj.load(mid)
    uo = _node(proj, "UO046704")
    sopralluoghi = uo.children[1]
    assert proj.text(sopralluoghi, vista.C_VALORE) == "33,00"
    assert proj.editable(sopralluoghi, vista.C_VALORE)
    assert not proj.editable(uo, vista.C_VALORE)
    ch = arc.apply(proj.write(sopralluoghi, vista.C_VALORE, "47"))
    delta = proj.apply(ch)
    assert not delta.reset
    assert ("i", sopralluoghi.obj.id) in delta.changed
    ancestors, n = set(), uo
    while n is not None:
        ancestors.add(("o", n.obj.id))
        n = n.parent
    assert ancestors <= set(delta.changed)
    assert len(delta.changed) < len(proj.nodes) / 10  # not every row
    assert proj.text(uo, vista.C_CALC) == "100,00 %"
    fresh = mon.leggi_round(arc, mid)
    assert proj.rnd.calcolate == fresh.calcolate and proj.rnd.stati == fresh.stati
    assert proj.loads == 1  # nothing read again


def test_renaming_and_fasi_and_indicator_edits_update_in_place(demo_round):
    arc, mid = demo_round
    proj = vista.RoundProjection(arc)
    proj.load(mid)
    uo = _node(proj, "UO046704")
    delta = proj.apply(arc.apply(SetFields(Obiettivo, uo.obj.id, {"titolo": "Sopralluoghi rinominati"})))
    assert delta.changed == {("o", uo.obj.id): None} and not delta.reset
    assert "Sopralluoghi rinominati" in proj.text(uo, vista.C_TITOLO)
    ind = uo.children[0].obj
    delta = proj.apply(arc.apply(SetFields(Indicatore, ind.id, {"descrizione": "Nuova descrizione"})))
    assert ("i", ind.id) in delta.changed and proj.text(uo.children[0], vista.C_TITOLO) == "Nuova descrizione"
    leaf = next(n for n in proj.nodes.values() if n.kind == "o" and not any(
        c.kind == "o" for c in n.children) and arc.fasi(n.obj.id))
    fase = arc.fasi(leaf.obj.id)[0]
    delta = proj.apply(arc.apply(SetFields(Fase, fase.id, {"perc_realizzazione": D(0)})))
    assert not delta.reset and proj.loads == 1
    fresh = mon.leggi_round(arc, mid)
    assert proj.rnd.calcolate == fresh.calcolate
    # an edit of the round itself (closing it) reads the round again
    delta = proj.apply(arc.apply(mon.chiudi(arc, mid)))
    assert delta.reset and proj.loading
    proj.finish()
    assert proj.chiuso and not proj.editable(uo.children[0], vista.C_VALORE)


def test_validated_percent_and_reason_are_shown(demo_round):
    arc, mid = demo_round
    proj = vista.RoundProjection(arc)
    proj.load(mid)
    sched = _node(proj, "10701")
    ch = arc.apply(mon.imposta_validata(arc, mid, sched.obj.id, "100", "mero errore materiale",
                                        rnd=proj.rnd))
    delta = proj.apply(ch)
    assert ("o", sched.obj.id) in delta.changed
    assert proj.text(sched, vista.C_VALID) == "100,00 %"
    assert proj.text(sched, vista.C_MOTIVO) == "mero errore materiale"
    assert proj.overridden(sched)
    st = arc.select(StatoAvanzamento, "monitoraggio_id = ? AND obiettivo_id = ?", (mid, sched.obj.id))[0]
    assert st.perc_validata == D("100.00")
    assert proj.rnd.calcolate == mon.leggi_round(arc, mid).calcolate


def test_incremental_percent_equals_a_full_recomputation(demo_round):
    """Many value edits in a row, each built from the projection's round: the % kept up to date
    branch by branch equal those of a fresh reading."""
    arc, mid = demo_round
    proj = vista.RoundProjection(arc)
    proj.load(mid)
    inds = [n for n in proj.nodes.values() if n.kind == "i"][:12]
    for k, node in enumerate(inds):
        proj.apply(arc.apply(proj.write(node, vista.C_VALORE, str(10 * k + 3))))
    fresh = mon.leggi_round(arc, mid)
    assert proj.rnd.calcolate == fresh.calcolate
    assert {o: s.perc_calcolata for o, s in proj.rnd.stati.items()} == {
        o: s.perc_calcolata for o, s in fresh.stati.items()}


def test_comparison_rows_patch_renames_and_reload_otherwise(demo_round):
    from piaodesk.viste.confronto import ConfrontoProjection

    arc, mid = demo_round
    p = ConfrontoProjection(arc)
    p.load_all()
    assert p.reload_count == 1 and len(p) == len(arc.indicatori())
    labels = [c.label for c in p.columns()]
    assert labels[:3] == ["Obiettivo", "Indicatore", "Target"] and len(labels) == 3 + len(arc.monitoraggi())
    row = next(r for r in p.rows() if r.vals[-1] is not None)
    assert p.text(row, p.columns()[-1]) == (row.vals[-1].valore_testo or
                                           mon.rules.testo_valore(row.vals[-1].valore, row.ind.tipo))
    d = p.apply(arc.apply(SetFields(Indicatore, row.ind.id, {"descrizione": "Rinominato"})))
    assert list(d.changed) == [row.key] and p.row(row.key).ind.descrizione == "Rinominato"
    assert p.reload_count == 1  # patched, not computed again
    r = next(iter(mon.leggi_round(arc, mid).rilevazioni.values()))
    edit = mon.imposta_rilevazione(arc, mid, r.indicatore_id, valore_testo="1")
    assert p.apply(arc.apply(edit)).reset  # a value: the comparison is read again


def test_budget_summary_rows_and_total():
    from piaodesk.domain.bilancio import RiepilogoBilancio, RigaBilancio
    from piaodesk.viste.bilancio import TOTALE, BilancioProjection

    riga = RigaBilancio(1, "P1", "Progetto", D(1000), D(1200), None, D(500), D(500), None,
                        D("120.0"), D("100.0"), D("100.00"), None)
    p = BilancioProjection()
    p.set_riepilogo(RiepilogoBilancio((riga,), D(1000), D(1200), None, D(500), D(500), None))
    p.load_all()
    rows = p.rows()
    assert [r.key for r in rows] == [("r", 1), TOTALE]
    cols = {c.key: c for c in p.columns()}
    assert p.text(rows[0], cols["stato_spesa"]) == "120,0 %"
    assert p.cell_status(rows[0], "stato_spesa") == "soon"  # over 100 %: highlighted
    assert p.cell_status(rows[0], "stato_entrata") is None
    assert rows[1].titolo == "Totale settore" and rows[1].totale
    p.set_riepilogo(None)
    p.load_all()
    assert p.rows() == []


def test_rileva_from_the_held_round_is_shown_without_reading_it_again(demo, monkeypatch):
    """«Rileva i valori» made from the round the grid holds: after it, its undo and its redo
    the projection shows the round a fresh reading gives, every row repainted once, and
    nothing is read again (no new loading)."""
    m2 = demo.monitoraggi()[-1].id
    proj = vista.RoundProjection(demo)
    proj.load(m2)
    assert not proj.rnd.rilevato
    uo = _node(proj, "UO046704")
    assert proj.text(uo.children[1], vista.C_VALORE) == ""
    edit = mon.rileva(demo, m2, rnd=proj.rnd)

    def no_rows_read_again(*_a):
        raise AssertionError("round updated row by row")

    monkeypatch.setattr(mon, "aggiorna_round", no_rows_read_again)
    for step in (demo.apply, demo.revert, demo.apply):
        delta = proj.apply(step(edit))
        fresh = mon.leggi_round(demo, m2)
        assert (proj.rnd.rilevazioni, proj.rnd.stati, proj.rnd.calcolate) == (
            fresh.rilevazioni, fresh.stati, fresh.calcolate)
        assert not delta.reset and delta.changed == {vista.TUTTE: None}  # every row, one repaint
        assert proj.loads == 1
    assert proj.rnd.rilevato and proj.text(uo.children[1], vista.C_VALORE) == "33,00"
