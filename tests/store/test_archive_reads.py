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
