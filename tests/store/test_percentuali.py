"""The bulk % cache: same numbers as a fresh computation after any edit or undo."""

from datetime import date
from decimal import Decimal

import pytest

from piaodesk.domain.formats import round_half_up
from piaodesk.domain.model import Fase, Indicatore, Misura, Obiettivo, Valutazione
from piaodesk.store.archive import PercUnpacker, _PercState
from piaodesk.store.edits import DeleteRow, InsertRow, MoveObiettivo, SetFields


def fresh(arc, anno=2025):
    return _PercState(arc, anno).final


def by_code(arc, code):
    return next(o for o in arc.obiettivi() if o.codice == code)


def test_bulk_matches_the_printed_seed_numbers(demo):
    perc = demo.percentuali(2025)
    for code, printed in (("OE0527", "66.67"), ("10701", "98.51"), ("10703", "94.31")):
        assert round_half_up(perc[by_code(demo, code).id], 2) == Decimal(printed)
    assert perc == fresh(demo)


def test_incremental_refresh_after_value_edit_and_undo(demo):
    leaf = by_code(demo, "UO046704")  # 85,11 (seed 002 L2664-2669)
    scheda = by_code(demo, "10701")
    before = dict(demo.percentuali(2025))
    ind = next(i for i in demo.indicatori(leaf.id) if "sopralluoghi" in i.descrizione)
    dic = next(m for m in demo.misure([ind.id]) if m.periodo == "Dicembre")
    edit = SetFields(Misura, dic.id, {"valore": Decimal("27"), "valore_testo": "27,00"})
    demo.apply(edit)  # 12 + 27 = 39 of 47
    after = demo.percentuali(2025)
    assert after[leaf.id] != before[leaf.id]
    # the scheda's % is the Nucleo's validated 98,51 (seed 002): computed moves, final does not
    assert after[scheda.id] == before[scheda.id] == Decimal("98.51")
    assert round_half_up(demo.perc_avanzamento(scheda.id, 2025), 2) != Decimal("98.51")
    assert after == fresh(demo)
    demo.revert(edit)
    assert demo.percentuali(2025) == before


def test_refresh_after_delete_insert_move_and_override(demo):
    demo.percentuali(2025)
    oe = by_code(demo, "OE0527")
    leaf = by_code(demo, "OE052703")  # scores 0
    ind = demo.indicatori(leaf.id)[0]
    d = DeleteRow(Indicatore, ind.id)
    demo.apply(d)
    assert demo.percentuali(2025) == fresh(demo)
    # the 0 % leaf now has nothing to score; OE0527 keeps the Nucleo's validated 66,67
    assert demo.perc_avanzamento(oe.id, 2025) == Decimal(100)
    assert round_half_up(demo.percentuali(2025)[oe.id], 2) == Decimal("66.67")
    demo.revert(d)
    assert demo.percentuali(2025) == fresh(demo)
    f = InsertRow(Fase(obiettivo_id=leaf.id, descrizione="Collaudo", scadenza=date(2025, 9, 30),
                       perc_realizzazione=Decimal(50)))
    demo.apply(f)
    assert demo.percentuali(2025) == fresh(demo)
    v = InsertRow(Valutazione(obiettivo_id=leaf.id, anno=2025, perc_validata=Decimal(100),
                              motivo="Correzione del Nucleo"))
    demo.apply(v)
    perc = demo.percentuali(2025)
    assert perc[leaf.id] == Decimal(100)
    assert demo.perc_avanzamento(leaf.id, 2025) != Decimal(100)  # computed stays computed
    assert perc == fresh(demo)
    m = MoveObiettivo(leaf.id, None, 0)
    demo.apply(m)
    assert demo.percentuali(2025) == fresh(demo)
    demo.revert(m)
    n = InsertRow(Obiettivo(titolo="Nuovo", parent_id=oe.id))
    demo.apply(n)
    assert demo.percentuali(2025) == fresh(demo)


def test_background_computation_is_adopted_only_if_nothing_changed(demo):
    import threading

    gen = demo.generation
    box = {}
    t = threading.Thread(target=lambda: box.update(st=type(demo).calcola_percentuali(demo.path, 2025)))
    t.start()
    t.join()
    assert demo.adotta_percentuali(box["st"], gen)
    assert demo.percentuali(2025) == fresh(demo)
    leaf = by_code(demo, "OE052701")
    demo.apply(SetFields(Obiettivo, leaf.id, {"note": "modificato"}))
    assert not demo.adotta_percentuali(box["st"], gen)  # stale: refused


def test_state_survives_the_trip_from_the_worker_process(demo):
    """The state travels packed (flat arrays and strings) and is rebuilt in small slices:
    nothing is lost, and the rebuilt state keeps refreshing incrementally like the original."""
    import pickle

    st = _PercState(demo, 2025)
    st.dirty.add(by_code(demo, "10701").id)
    PercUnpacker.CHUNK = 7  # many slices even on the small demo plan
    try:
        unpacker = PercUnpacker(pickle.loads(pickle.dumps(st.pack())))
        slices = 1
        while not unpacker.step(0):
            slices += 1
    finally:
        PercUnpacker.CHUNK = 1500
    back = unpacker.state
    assert slices > 10 and back is not None
    for attr in ("anno", "dirty", "parent", "children", "own", "validated", "final", "_computed"):
        assert getattr(back, attr) == getattr(st, attr), attr
    assert None in back.own.values() or None in back.final.values()
    assert [list(v) for v in back.children.values()] == [list(v) for v in st.children.values()]
    assert back.validated, "the demo has validated % (10708: 96,74 -> 100)"
    # adopted, it answers exactly as a fresh computation, also after an edit
    back.dirty.clear()
    assert demo.adotta_percentuali(back, demo.generation)
    leaf = by_code(demo, "UO046704")
    ind = next(i for i in demo.indicatori(leaf.id) if "sopralluoghi" in i.descrizione)
    dic = next(m for m in demo.misure([ind.id]) if m.periodo == "Dicembre")
    demo.apply(SetFields(Misura, dic.id, {"valore": Decimal("27"), "valore_testo": "27,00"}))
    assert demo.percentuali(2025) == fresh(demo)


def test_empty_plan_state_packs(tmp_path):
    import pickle

    from piaodesk.domain.model import Piano
    from piaodesk.store.archive import Archive

    with Archive.create(tmp_path / "vuoto.piao", Piano(titolo="Vuoto", anno_inizio=2025)) as arc:
        st = PercUnpacker(pickle.loads(pickle.dumps(_PercState(arc, 2025).pack()))).run()
        assert st.final == {} and st.parent == {} and st.own == {}


@pytest.mark.parametrize("full_above", [200, 0], ids=["mirato", "completo"])
def test_structural_edits_update_the_cache_in_place(demo, monkeypatch, full_above):
    """Insert, delete (subtrees too), move, reorder and their undo re-link the cached state
    (no whole-plan recomputation: seconds on a large plan) and give exactly a fresh
    computation's numbers, both re-reading only the parents concerned and all the links."""
    import random

    from piaodesk.store import archive as archive_module

    monkeypatch.setattr(archive_module, "RESTRUCTURE_FULL_ABOVE", full_above)
    rnd = random.Random(7 + full_above)
    dict(demo.percentuali(2025))
    state = demo._perc[2025]
    done = []
    for step in range(60):
        obs = demo.obiettivi()
        target = rnd.choice(obs)
        kind = rnd.choice(("insert", "insert", "move", "reorder", "delete", "undo"))
        if kind == "insert":
            edit = InsertRow(Obiettivo(titolo=f"Nuovo {step}", parent_id=target.id,
                                       posizione=rnd.randrange(0, 3)))
        elif kind == "move":
            dest = rnd.choice(obs)
            if dest.id in demo.discendenti(target.id, True):
                continue
            edit = MoveObiettivo(target.id, dest.id, rnd.randrange(0, 3))
        elif kind == "reorder":
            sibs = demo.figli(target.parent_id, target.ramo) if target.parent_id is None \
                else demo.figli(target.parent_id)
            edit = MoveObiettivo(target.id, target.parent_id, rnd.randrange(0, len(sibs)))
        elif kind == "delete":
            if len(obs) > 15 and (not demo.figli(target.id) or rnd.random() < 0.3):
                edit = DeleteRow(Obiettivo, target.id)
            else:
                continue
        else:
            if not done:
                continue
            demo.revert(done.pop())
            assert demo.percentuali(2025) == fresh(demo), f"passo {step}: annulla"
            continue
        demo.apply(edit)
        done.append(edit)
        assert demo.percentuali(2025) == fresh(demo), f"passo {step}: {kind}"
        assert demo._perc[2025] is state, "the cached state was recomputed from scratch"
    while done:
        demo.revert(done.pop())
    assert demo.percentuali(2025) == fresh(demo)
    assert demo._perc[2025] is state


def test_new_valuation_system_recombines_the_cached_parts(demo):
    """Saving the SMVP does not recompute the plan's % from the file (seconds on a large plan):
    each objective's indicators % and fasi % are recombined; same figures as a fresh computation."""
    import dataclasses

    from piaodesk.store.edits import SetSetting

    before = dict(demo.percentuali(2025))
    state = demo._perc[2025]
    sistema = demo.sistema_valutazione()
    for quota in (Decimal(30), Decimal(100), sistema.quota_indicatori):
        edit = SetSetting("sistema_valutazione",
                          dataclasses.replace(sistema, quota_indicatori=quota).to_json())
        demo.apply(edit)
        assert demo._perc.get(2025) is state  # recombined in place, not thrown away
        assert demo.percentuali(2025) == fresh(demo)
        if quota == 30:
            assert demo.percentuali(2025) != before  # the weights did move the figures
        demo.revert(edit)
        assert demo.percentuali(2025) == fresh(demo) == before
    capped = SetSetting("sistema_valutazione",
                        dataclasses.replace(sistema, cap_indicatore=not sistema.cap_indicatore).to_json())
    demo.apply(capped)  # the cap changes each indicator's result: computed again
    assert demo.percentuali(2025) == fresh(demo)


def test_a_state_from_the_worker_also_follows_a_new_valuation_system(demo):
    import dataclasses

    from piaodesk.store.edits import SetSetting

    packed = _PercState(demo, 2025).pack()
    assert demo.adotta_percentuali(PercUnpacker(packed).run(), demo.generation)
    state = demo._perc[2025]
    sistema = demo.sistema_valutazione()
    demo.apply(SetSetting("sistema_valutazione",
                          dataclasses.replace(sistema, quota_indicatori=Decimal(30)).to_json()))
    assert demo._perc.get(2025) is state
    assert demo.percentuali(2025) == fresh(demo)
