"""Archive reads used by the views that load in slices."""


def test_select_batches_reads_everything_once_even_with_edits_in_between(demo):
    from piaodesk.domain.model import Fase as _Fase
    from piaodesk.store.edits import InsertRow as _Insert

    every = {f.id for f in demo.fasi()}
    seen: list[int] = []
    first_ob = demo.obiettivi()[0].id
    for k, batch in enumerate(demo.select_batches(_Fase, batch=3)):
        assert len(batch) <= 3
        seen += [f.id for f in batch]
        if k == 1:  # an edit committed between two batches: no error, the new row comes later
            demo.apply(_Insert(_Fase(obiettivo_id=first_ob, descrizione="Aggiunta durante")))
    assert len(seen) == len(set(seen))
    assert set(seen) == every | {max(seen)} and max(seen) not in every
    only = [f for b in demo.select_batches(_Fase, "obiettivo_id = ?", (first_ob,),
                                           columns=("id", "descrizione")) for f in b]
    assert {f.id for f in only} == {f.id for f in demo.fasi(first_ob)}
    assert all(f.perc_realizzazione is None for f in only)  # only the columns asked for


def test_ordine_obiettivi_is_the_tree_order(demo):
    assert demo.ordine_obiettivi() == [o.id for o in demo.obiettivi()]


def test_repeated_decimals_and_dates_are_shared_objects(demo):
    """Immutable values read many times are one object each (memory of large plans)."""
    from datetime import date
    from decimal import Decimal

    from piaodesk.store.codec import _date, _decimal

    assert _decimal("25") is _decimal("25") and _decimal("25") == Decimal(25)
    assert _decimal("25.0") == Decimal("25.0") and str(_decimal("25.0")) == "25.0"  # text kept
    assert _date("2025-12-31") is _date("2025-12-31") == date(2025, 12, 31)
    fasi = demo.fasi()
    by_value: dict = {}
    for f in fasi:
        if f.perc_realizzazione is not None:
            by_value.setdefault(f.perc_realizzazione, set()).add(id(f.perc_realizzazione))
    assert by_value and all(len(ids) == 1 for ids in by_value.values())


def test_obiettivi_with_only_some_fields_keep_the_tree_order(demo):
    full = demo.obiettivi()
    light = demo.obiettivi(columns=("codice",))
    assert [(o.id, o.parent_id, o.codice) for o in light] == [(o.id, o.parent_id, o.codice) for o in full]
    assert all(o.titolo == "" for o in light) and any(o.titolo for o in full)
