"""The projections' shared Delta record (no Qt)."""


from piaodesk.store.changes import Changes
from piaodesk.viste import Delta


def test_delta_merge_and_columns():
    d = Delta()
    assert not d
    d.change(1, ["peso"])
    d.change(1, ["titolo"])
    assert d.changed == {1: {"peso", "titolo"}}
    d.change(1)  # any column wins
    d.change(1, ["peso"])
    assert d.changed == {1: None}
    d.merge(Delta(removed=[2], inserted=[3]))
    assert d.removed == [2] and d.inserted == [3] and d
    assert d.merge(Delta.everything()).reset


def test_changes_reset_is_explicit():
    ch = Changes.everything()
    assert ch.reset and ch and not ch.moved  # no -1 sentinel any more
    merged = Changes().merge(ch)
    assert merged.reset
    own = Changes(owners={5})
    assert Changes().merge(own).owners == {5}


