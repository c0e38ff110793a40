"""Reading the objective tree leaves no reference cycle behind.

The views load in slices that freeze what they built out of the garbage collector
(``ui.models.slices``): a cycle created while reading would keep every row it reaches
alive for the rest of the session (the valuation tabs of a 10.000-objective plan kept
two copies of the tree that way).
"""

from __future__ import annotations

import gc


def test_obiettivi_leaves_no_garbage_cycle(demo):
    expected = [o.id for o in demo.obiettivi()]
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        rows = demo.obiettivi()
        light = demo.obiettivi(columns=("codice",))
        del rows, light
        found = gc.collect()
    finally:
        if was:
            gc.enable()
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
