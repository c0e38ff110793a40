"""Matrice personale: % of time per person and objective, totals and flags, edits and undo."""

from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QLineEdit

from piaodesk.domain.model import Assegnazione, Persona
from piaodesk.ui.context import Context
from piaodesk.ui.models.flat import STATUS_ROLE
from piaodesk.ui.undo import ChangeHub
from piaodesk.ui.views.matrice import MatriceView

pytestmark = pytest.mark.ui

AMATO = 30  # assigned to OE0527 (id 12) in the demo, no % (seed 002 has none)


@pytest.fixture
def view(qtbot, demo, tmp_path):
    ctx = Context(demo, QUndoStack(), ChangeHub(),
                  QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)
    v = MatriceView(ctx)
    qtbot.addWidget(v)
    v.resize(1366, 768)
    v.show()
    return v


def _ass(arc, pid, oid):
    return [a for a in arc.assegnazioni(obiettivo_id=oid) if a.persona_id == pid]


def test_matrix_shape_totals_and_flags(view, qtmodeltester):
    m = view.model
    arc = view.ctx.archive
    qtmodeltester.check(m)
    assert m.rowCount() == len(arc.persone())
    assert m.columnCount() == 4 + len(arc.obiettivi())
    assert m.headerData(m._row_of[AMATO], Qt.Orientation.Vertical) == "AMATO FRANCESCO"
    assert m.index_of(AMATO, 12).data() == "✓"  # assigned, no %
    tot = m.index(m._row_of[AMATO], m.column_of("totale"))
    assert tot.data() == "n.d."
    idle = next(p.id for p in arc.persone() if not arc.assegnazioni(persona_id=p.id))
    cell = m.index(m._row_of[idle], m.column_of("totale"))
    assert cell.data() == "0,00 %" and cell.data(STATUS_ROLE) == "none"
    assert cell.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#fff3cd"


def test_type_percentages_flags_over_100_and_undo(qtbot, view, qtmodeltester):
    m, ctx = view.model, view.ctx
    arc = ctx.archive
    table = view.table
    table.setCurrentIndex(m.index_of(AMATO, 12))
    table.setFocus()
    qtbot.keyClick(table, "6")
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "0")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert _ass(arc, AMATO, 12)[0].impegno == Decimal(60)
    n_ass = len(arc.assegnazioni(persona_id=AMATO))
    assert _ass(arc, AMATO, 3) == []
    assert m.setData(m.index_of(AMATO, 3), "70,5")  # not assigned yet: inserts
    new = _ass(arc, AMATO, 3)
    assert len(new) == 1 and new[0].impegno == Decimal("70.5")
    assert len(arc.assegnazioni(persona_id=AMATO)) == n_ass + 1
    tot = m.index(m._row_of[AMATO], m.column_of("totale"))
    assert tot.data() == "130,50 %" and tot.data(STATUS_ROLE) == "over"
    assert "oltre il 100 %" in tot.data(Qt.ItemDataRole.ToolTipRole)
    qtmodeltester.check(m)
    ctx.stack.undo()
    assert _ass(arc, AMATO, 3) == []
    assert m.index(m._row_of[AMATO], m.column_of("totale")).data() == "60,00 %"
    ctx.stack.undo()
    assert _ass(arc, AMATO, 12)[0].impegno is None


def test_bad_input_and_fixed_columns(view):
    m, arc = view.model, view.ctx.archive
    assert not m.setData(m.index_of(AMATO, 12), "molto")
    assert "numero" in m.last_error
    assert not m.setData(m.index_of(AMATO, 12), "120")
    assert "100" in m.last_error
    assert _ass(arc, AMATO, 12)[0].impegno is None
    row = m._row_of[AMATO]
    assert m.setData(m.index(row, m.column_of("ore_settimanali")), "18")
    assert m.setData(m.index(row, m.column_of("categoria")), "Istruttore")
    p = arc.get(Persona, AMATO)
    assert p.ore_settimanali == Decimal(18) and p.categoria == "Istruttore"
    assert m.index(row, m.column_of("ore_settimanali")).data() == "18"


def test_settore_filter_and_remove_assignment(view, qtmodeltester):
    m, arc, ctx = view.model, view.ctx.archive, view.ctx
    ss = next(u.id for u in arc.unita() if u.nome.startswith("SERVIZI SOCIALI, SANITARI"))
    view.settore.setCurrentIndex(view.settore.findData(ss))
    codes = {m.headerData(c, Qt.Orientation.Horizontal) for c in range(4, m.columnCount())}
    assert "OE0527" in codes and "PL.1" not in codes
    assert AMATO in m._row_of
    qtmodeltester.check(m)
    n = len(arc.assegnazioni())
    assert m.remove_assignments([m.index_of(AMATO, 12)])
    assert len(arc.assegnazioni()) == n - 1 and m.index_of(AMATO, 12).data() == ""
    ctx.stack.undo()
    assert len(arc.assegnazioni()) == n and m.index_of(AMATO, 12).data() == "✓"
    view.segnalate.setChecked(True)
    hidden = [r for r in range(m.rowCount()) if view.table.isRowHidden(r)]
    assert m._row_of[AMATO] in hidden
    assert all(m.flag(m.persona_id(r)) for r in range(m.rowCount()) if r not in hidden)


def test_assignment_edits_from_elsewhere_refresh_cells(view):
    from piaodesk.store.edits import InsertRow

    m, ctx = view.model, view.ctx
    resets = []
    m.modelReset.connect(lambda: resets.append(1))
    ctx.push(InsertRow(Assegnazione(obiettivo_id=4, persona_id=AMATO, impegno=Decimal(25))))
    assert m.index_of(AMATO, 4).data() == "25 %"
    assert resets == []
