"""The flat-table Projection base, without a QApplication: load in steps, apply -> Delta,
the edit hook and its refusals, the pure row order."""

import subprocess
import sys
from decimal import Decimal

import pytest
from flat_helpers import Fake, Riga, Voci

from piaodesk.store.changes import Changes
from piaodesk.viste.tabella import Col, Order, Refused, sort_key


def test_no_qt_imported():
    code = "import sys, piaodesk.viste.tabella; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_load_in_steps_builds_every_row():
    p = Voci(Fake(400))
    steps = list(p.load())
    assert len(steps) > 3 and steps[-1] == 100 and steps == sorted(steps)
    assert len(p) == 400 and p.row(5) == Riga(5, "voce 005", Decimal(5))
    assert [c.key for c in p.columns()] == ["nome", "peso"]
    assert p.editable(p.row(5), "peso") and not p.editable(p.row(5), "nome")


def test_apply_says_removed_inserted_changed():
    f = Fake()
    p = Voci(f)
    p.load_all()
    del f.items[3]
    f.items[11] = ("nuova", Decimal(1))
    f.items[4] = ("voce 004", Decimal(99))
    ch = Changes()
    ch.add_delete("voci", 3)
    ch.add_insert("voci", 11)
    ch.add_update("voci", 4, {"peso"})
    ch.add_update("voci", 5, {"peso"})  # unchanged content: not reported
    d = p.apply(ch)
    assert d.removed == [3] and d.inserted == [11] and d.changed == {4: None}
    assert not d.reset and p.row(3) is None and p.row(4).peso == Decimal(99)
    assert p.apply(Changes()) == type(d)()
    assert p.apply(Changes.everything()).reset


def test_edit_hook_and_refusal():
    p = Voci(Fake())
    p.load_all()
    assert p.edit(p.row(2), "peso", Decimal(5)) == ("set", 2, "peso", Decimal(5))
    with pytest.raises(Refused, match="superare 100"):
        p.edit(p.row(2), "peso", Decimal(500))


def test_choices_from_column():
    c = Col("x", "X", "choice", choices=lambda: [("Uno", 1), ("Due", 2)])
    p = Voci(Fake())
    p.load_all()
    assert p.choices(p.row(1), c) == [("Uno", 1), ("Due", 2)]
    assert p.choices(p.row(1), p.columns()[0]) is None


def test_order_places_rows_by_bisection_and_sorts_in_steps():
    p = Voci(Fake(50))
    p.load_all()
    o = Order(p)
    rows = p.rows()[::-1]
    o.sort(rows)
    assert [r.nome for r in rows] == sorted(r.nome for r in rows)
    new = Riga(99, "voce 010a", None)
    assert o.insert_pos(rows, new) == 10
    assert o.fits(rows, 10, Riga(11, "voce 011", None))
    assert not o.fits(rows, 10, Riga(11, "voce 999", None))
    o.column, o.desc = "peso", True
    out = []
    fracs = list(o.sorted_in_steps(p.rows(), 7, out))
    assert fracs[-1] == 1.0 and len(out) == 50
    assert [r.peso for r in out] == sorted((r.peso for r in out), reverse=True)


def test_sort_key_total_order():
    vals = [None, "b", Decimal(2), "A", 1, ""]
    assert sorted(vals, key=sort_key) == [1, Decimal(2), "A", "b", None, ""]
