"""The bulk % cache: same numbers as a fresh computation after any edit or undo."""

from datetime import date
from decimal import Decimal

from piaodesk.domain.formats import round_half_up
from piaodesk.domain.model import Fase, Indicatore, Misura, Obiettivo, Valutazione
from piaodesk.store.archive import _PercState
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
