"""Reading the objective tree leaves no reference cycle behind.

A cycle created while reading would keep every row it reaches alive until a full
collection (the valuation tabs of a 10.000-objective plan once kept two copies of the
tree that way).
"""

from __future__ import annotations

import gc


def test_obiettivi_leaves_no_garbage_cycle(demo):
    expected = [o.id for o in demo.obiettivi()]
    gc.collect()
    gc.garbage.clear()
    # every object a collection frees (also an automatic one meanwhile) lands in gc.garbage
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        rows = demo.obiettivi()
        light = demo.obiettivi(columns=("codice",))
        del rows, light
        gc.collect()
        found = len(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert found == 0
    # parents before children, siblings in their order (the tree order is unchanged)
    seen: set[int] = set()
    for o in demo.obiettivi():
        assert o.parent_id is None or o.parent_id in seen
        seen.add(o.id)
    assert [o.id for o in demo.obiettivi()] == expected
    roots = [o for o in demo.obiettivi() if o.parent_id is None]
    assert [(o.ramo, o.posizione) for o in roots] == sorted(((o.ramo, o.posizione) for o in roots),
                                                           key=lambda t: (t[0] == "attivita", t[1]))
