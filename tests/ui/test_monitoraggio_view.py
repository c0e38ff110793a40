"""Monitoraggio tab: enter a value, see the computed %, override needs a reason, closed = read-only."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack

from piaodesk.domain.enums import TipoRisorsa
from piaodesk.domain.model import Risorsa, StatoAvanzamento
from piaodesk.store import monitoraggio as mon
from piaodesk.store.edits import Batch, InsertRow
from piaodesk.ui.context import Context
from piaodesk.ui.undo import ChangeHub
from piaodesk.ui.views.monitoraggio import MonitoraggioView, RoundModel
from piaodesk.ui.views.monitoraggio_bilancio import BilancioModel
from piaodesk.ui.views.monitoraggio_confronto import ConfrontoModel

pytestmark = pytest.mark.ui


@pytest.fixture
def ctx(qtbot, demo, tmp_path):
    return Context(demo, QUndoStack(), ChangeHub(),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)


@pytest.fixture
def view(qtbot, ctx):
    v = MonitoraggioView(ctx)
    qtbot.addWidget(v)
    v.resize(1366, 768)
    v.show()
    return v


def _find(model, code, parent=None):
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    for r in range(model.rowCount(parent)):
        idx = model.index(r, 0, parent)
        node = model.nodo(idx)
        if node.kind == "o" and node.obj.codice == code:
            return idx
        found = _find(model, code, idx)
        if found is not None:
            return found
    return None


def _cell(model, idx, col):
    return model.index(idx.row(), col, idx.parent())


def test_models_pass_qabstractitemmodeltester(qtmodeltester, ctx, view):
    ctx.push(mon.rileva(ctx.archive, view.current_round()))
    qtmodeltester.check(view.model)
    qtmodeltester.check(ConfrontoModel(ctx))
    bil = BilancioModel()
    from piaodesk.domain.bilancio import VoceBilancio, riepilogo_bilancio
    bil.set_riepilogo(riepilogo_bilancio([VoceBilancio(1, "A", "a", (Risorsa(assestato=D(10)),))]))
    qtmodeltester.check(bil)


def test_enter_a_value_and_see_the_computed_percent(qtbot, ctx, view):
    assert view.rounds.count() == 2 and view.current_round() == 2  # the latest round (31/12)
    assert "Rileva i valori" in view.banner.text()
    qtbot.mouseClick(view.rileva, Qt.MouseButton.LeftButton)
    m = view.model
    uo = _find(m, "UO046704")  # 85,11 % (seed 002 §3.2)
    assert m.data(_cell(m, uo, RoundModel.C_CALC)) == "85,11 %"
    sched = _find(m, "10701")
    assert m.data(_cell(m, sched, RoundModel.C_CALC)) == "98,51 %"
    sopralluoghi = m.index(1, RoundModel.C_VALORE, uo)  # N. sopralluoghi 47 → 33
    assert m.data(sopralluoghi) == "33,00"
    assert m.flags(sopralluoghi) & Qt.ItemFlag.ItemIsEditable
    assert m.setData(sopralluoghi, "47")
    assert m.data(m.index(1, RoundModel.C_RAGG, uo)) == "100,00 %"
    assert m.data(_cell(m, uo, RoundModel.C_CALC)) == "100,00 %"
    assert m.data(_cell(m, sched, RoundModel.C_CALC)) == "100,00 %"
    ctx.stack.undo()
    assert m.data(_cell(m, sched, RoundModel.C_CALC)) == "98,51 %"
    assert m.data(sopralluoghi) == "33,00"


def test_override_requires_a_reason(qtbot, ctx, view):
    view.take_values()
    sched = _find(view.model, "10701")
    view.tree.setCurrentIndex(sched)
    panel = view.panel
    assert panel.calcolata.text() == "98,51 %"
    panel.validata.setText("100")
    panel.relazione.setPlainText("Relazione del Settore")
    assert not panel.save()
    assert panel.errore.isVisible() and "motivazione" in panel.errore.text()
    mid = view.current_round()
    st = mon.leggi_round(ctx.archive, mid).stati[sched.internalPointer().obj.id]
    assert st.perc_validata is None and st.relazione_settore is None  # nothing half-saved
    panel.motivo.setPlainText("Mero errore materiale nell'indicatore")
    assert panel.save()
    assert not panel.errore.isVisible()
    st = mon.leggi_round(ctx.archive, mid).stati[sched.internalPointer().obj.id]
    assert (st.perc_calcolata, st.perc_validata) == (D("98.51"), D("100.00"))
    assert st.relazione_settore == "Relazione del Settore"
    assert view.model.data(_cell(view.model, sched, RoundModel.C_VALID)) == "100,00 %"
    assert "errore materiale" in view.model.data(_cell(view.model, sched, RoundModel.C_MOTIVO))
    ctx.stack.undo()  # texts and validation were one step
    st = mon.leggi_round(ctx.archive, mid).stati[sched.internalPointer().obj.id]
    assert st.perc_validata is None and st.relazione_settore is None


def test_closing_makes_the_round_read_only(qtbot, ctx, view):
    view.take_values()
    assert view.close_round(confirm=False)
    assert "chiuso" in view.banner.text().lower() and view.riapri.isEnabled()
    assert not view.chiudi.isEnabled() and not view.rileva.isEnabled()
    m = view.model
    uo = _find(m, "UO046704")
    cell = m.index(1, RoundModel.C_VALORE, uo)
    assert not (m.flags(cell) & Qt.ItemFlag.ItemIsEditable)
    assert m.data(_cell(m, uo, RoundModel.C_CALC)) == "85,11 %"  # still visible
    # an edit forced through the model is refused with a message, the value is unchanged
    with qtbot.waitSignal(m.refused) as blocker:
        assert not m.setData(cell, "47")
    assert "è chiuso" in blocker.args[0]
    assert m.data(cell) == "33,00"
    view.tree.setCurrentIndex(uo)
    assert view.panel.relazione.isReadOnly() and not view.panel.salva.isEnabled()
    assert "Chiuso" in view.rounds.currentText() or "chiuso" in view.rounds.currentText()
    ctx.stack.undo()  # closing is undoable
    cell = m.index(1, RoundModel.C_VALORE, _find(m, "UO046704"))
    assert m.flags(cell) & Qt.ItemFlag.ItemIsEditable
    assert not view.panel.relazione.isReadOnly()


def test_new_round_dialog_and_comparison(qtbot, ctx, view):
    from PySide6.QtCore import QDate

    from piaodesk.ui.dialogs.monitoraggio import NuovoMonitoraggioDialog

    dlg = NuovoMonitoraggioDialog(ctx, view)
    qtbot.addWidget(dlg)
    dlg.data.setDate(QDate(2025, 6, 30))
    dlg.accept()  # a round at that date exists: refused in the dialog
    assert not dlg.errore.isHidden() and "Esiste già" in dlg.errore.text()
    dlg.data.setDate(QDate(2025, 9, 30))
    dlg.nome.setText("Terzo stato")
    dlg.accept()
    assert dlg.result() == dlg.DialogCode.Accepted
    assert view.rounds.count() == 3 and "Terzo stato" in view.rounds.currentText()
    assert view.model.rnd.rilevato
    conf = view.confronto.model
    assert conf.columnCount() == 3 + 3
    assert [conf.headerData(c, Qt.Orientation.Horizontal) for c in range(3, 6)] == [
        "Al 30/06/2025", "Al 30/09/2025", "Al 31/12/2025"]
    assert view.confronto.chart.series and view.confronto.chart.rounds[1].startswith("Terzo stato")
    ctx.stack.undo()
    assert view.rounds.count() == 2


def test_budget_summary_in_the_view(qtbot, ctx, view):
    codes = {o.codice: o for o in ctx.archive.obiettivi()}
    ob1, ob2 = codes["FIN.1"], codes["PL.1"]
    ctx.push(Batch([
        InsertRow(Risorsa(obiettivo_id=ob1.id, anno=2025, tipo=TipoRisorsa.SPESA, descrizione="Spese",
                          assestato=D("26082.00"), impegnato=D("80204.06"))),
        InsertRow(Risorsa(obiettivo_id=ob1.id, anno=2025, tipo=TipoRisorsa.ENTRATA, descrizione="Entrate",
                          assestato=D("98980.00"), accertato=D("98979.60"))),
    ], "risorse"))
    bil = view.bilancio
    assert not bil.vuoto.isVisible()
    assert bil.settore.count() == 1
    model = bil.model
    assert model.data(model.index(0, 4)) == "307,5 %"  # seed 004 L2010
    assert model.data(model.index(0, 7)) == "100,0 %"  # seed 004 L1217: 99,9996 %
    assert model.data(model.index(0, 8)) == "100,00 %"
    assert model.data(model.index(1, 1)) == "Totale settore"
    del ob2


def test_render_at_1366x768(qtbot, ctx, view, tmp_path):
    view.take_values()
    for i in range(3):
        view.tabs.setCurrentIndex(i)
        img = view.grab()
        assert (img.width(), img.height()) == (1366, 768)
    assert view.confronto.chart.grab().width() > 600


def test_rinnovo_dialog_previews_and_creates_a_new_file(qtbot, ctx, tmp_path):
    from piaodesk.store.archive import Archive
    from piaodesk.ui.dialogs.rinnovo import RinnovoDialog

    dlg = RinnovoDialog(ctx)
    qtbot.addWidget(dlg)
    # "conferma il piano": by default every objective carries over, years moved on
    assert dlg.conclusi.isChecked()
    assert "OE0527 Implementazione software ICARO: anni 2025, nessuno" not in dlg.rapporto.toPlainText()
    dlg.conclusi.setChecked(False)
    text = dlg.rapporto.toPlainText()
    assert "Piano della Performance 2026/2028" in text and "Non riportati" in text
    assert "OE0527" in text  # a 2025-only objective is now listed as dropped
    dlg.conclusi.setChecked(True)
    dlg.percorso.setText(str(tmp_path / "nuovo"))
    path = dlg.create(ask_open=False)
    assert path == tmp_path / "nuovo.piao" and "Nuovo piano creato" in dlg.rapporto.toPlainText()
    with Archive.open(path, readonly=True) as new:
        assert new.piano().anno_inizio == 2026
        assert any(o.codice == "OE0527" for o in new.obiettivi())
    dlg2 = RinnovoDialog(ctx)
    qtbot.addWidget(dlg2)
    dlg2.percorso.setText(str(path))
    assert dlg2.create(ask_open=False) is None and "esiste già" in dlg2.errore.text()
    assert ctx.archive.piano().anno_inizio == 2025  # the open plan is untouched


def test_extension_registers_the_tab_and_the_menu_entries():
    from piaodesk.ui.extensions import discover

    actions, views = discover()
    assert "vista_monitoraggio" in {v.object_name for v in views}
    names = {a.object_name: a.menu for a in actions}
    assert names["azione_nuovo_monitoraggio"] == "M&onitoraggio"
    assert names["azione_chiudi_monitoraggio"] == "M&onitoraggio"
    assert names["azione_rinnovo_piano"] == "&Piano"


def test_saving_untouched_imported_html_texts_keeps_them(qtbot, ctx, view):
    from piaodesk.store.edits import SetFields

    mid = view.current_round()
    oid = next(o.id for o in ctx.archive.obiettivi() if o.codice == "UO046704")
    st = mon.leggi_round(ctx.archive, mid).stati[oid]
    ctx.archive.apply(SetFields(StatoAvanzamento, st.id, {"relazione_settore": "<p>Primo</p><p>Secondo</p>"}))
    view.panel.set_objective(mid, oid)
    assert view.panel.relazione.toPlainText() == "Primo\nSecondo"
    view.panel.risposta.setPlainText("Risposta nuova")
    assert view.panel.save()
    st = mon.leggi_round(ctx.archive, mid).stati[oid]
    assert st.relazione_settore == "<p>Primo</p><p>Secondo</p>" and st.risposta_settore == "Risposta nuova"


def test_edits_repaint_only_the_rows_that_changed(qtbot, ctx, view, monkeypatch):
    """A renamed objective is shown at once without reading the round again; a value typed at
    the round repaints its indicator and the objectives whose % moved, not the whole tree."""
    from piaodesk.domain.model import Obiettivo
    from piaodesk.store.edits import SetFields

    qtbot.mouseClick(view.rileva, Qt.MouseButton.LeftButton)
    m = view.model
    uo = _find(m, "UO046704")
    sched = _find(m, "10701")
    reads = []
    orig = mon.leggi_round
    monkeypatch.setattr(mon, "leggi_round", lambda *a, **k: reads.append(1) or orig(*a, **k))
    changed = []
    m.dataChanged.connect(lambda a, b, roles: changed.append((m.nodo(a).kind, m.nodo(a).obj.id)))
    ctx.push(SetFields(Obiettivo, m.nodo(uo).obj.id, {"titolo": "Sopralluoghi rinominati"}))
    assert reads == [] and "Sopralluoghi rinominati" in m.data(uo)
    assert changed == [("o", m.nodo(uo).obj.id)]
    changed.clear()
    assert m.setData(m.index(1, RoundModel.C_VALORE, uo), "47")
    rows = set(changed)
    assert ("i", m.nodo(m.index(1, 0, uo)).obj.id) in rows
    assert {("o", m.nodo(uo).obj.id), ("o", m.nodo(sched).obj.id)} <= rows
    n_nodes = sum(1 for _ in m._nodes)
    assert len(rows) < n_nodes / 2  # not every row of the tree
    assert m.data(_cell(m, sched, RoundModel.C_CALC)) == "100,00 %"


def _rows_of_round(arc, mid):
    ril = sorted((r.indicatore_id, r.target_testo, r.target, r.valore_testo, r.valore)
                 for r in arc.rilevazioni(mid))
    stati = sorted((s.obiettivo_id, s.perc_calcolata, s.perc_validata)
                   for s in arc.select(StatoAvanzamento, "monitoraggio_id = ?", (mid,)))
    return ril, stati


def test_rileva_prepared_while_the_round_is_shown_writes_the_same_and_undoes(qtbot, ctx, view):
    """«Rileva i valori» is built ahead while the round lacks values: the click writes the
    prepared step (the same rows as one built at the click), undo and redo show the round
    a fresh reading gives; a change meanwhile makes the prepared step stale (not used)."""
    mid = view.current_round()
    expected_edit = mon.rileva(ctx.archive, mid)
    ctx.archive.apply(expected_edit)
    expected = _rows_of_round(ctx.archive, mid)
    ctx.archive.revert(expected_edit)
    before = _rows_of_round(ctx.archive, mid)
    # (written behind the window's back: what was being prepared is stale, and stays unused)
    assert view.pronta.edit(mid) is None
    view.pronta.schedule(0)

    qtbot.waitUntil(lambda: view.pronta.pronta is not None and view.pronta.pronta.done, timeout=5000)
    prepared = view.pronta.edit(mid)
    assert prepared is not None
    qtbot.mouseClick(view.rileva, Qt.MouseButton.LeftButton)
    assert ctx.stack.command(ctx.stack.count() - 1).edit is prepared  # the click only wrote it
    assert _rows_of_round(ctx.archive, mid) == expected

    def shown_equals_file():
        fresh = mon.leggi_round(ctx.archive, mid)
        rnd = view.model.rnd
        return (rnd.rilevazioni, rnd.stati, rnd.calcolate) == (
            fresh.rilevazioni, fresh.stati, fresh.calcolate)

    assert shown_equals_file()
    uo = _find(view.model, "UO046704")
    assert view.model.data(_cell(view.model, uo, RoundModel.C_CALC)) == "85,11 %"
    ctx.stack.undo()
    assert _rows_of_round(ctx.archive, mid) == before and shown_equals_file()
    ctx.stack.redo()
    assert _rows_of_round(ctx.archive, mid) == expected and shown_equals_file()
    ctx.stack.undo()

    # prepared again; then a change (a dialogue text): the prepared step is stale
    qtbot.waitUntil(lambda: view.pronta.pronta is not None and view.pronta.pronta.done, timeout=5000)
    stale = view.pronta.pronta
    oid = view.model.rnd.obiettivi[0].id
    ctx.push(mon.imposta_dialogo(ctx.archive, mid, oid, relazione_settore="Relazione nuova"))
    assert stale.edit(mid) is None
    view.take_values()  # (built at the click)
    assert _rows_of_round(ctx.archive, mid)[0] == expected[0]


def test_rileva_clicked_while_being_prepared_finishes_and_uses_it(qtbot, ctx, view):
    """A click before the preparation ended: the rest of it is done at once and used (not
    built anew), and the values are those a step built at the click writes."""
    mid = view.current_round()
    edit = mon.rileva(ctx.archive, mid)
    ctx.archive.apply(edit)
    expected = _rows_of_round(ctx.archive, mid)
    ctx.archive.revert(edit)
    view.pronta.schedule(0)
    view.pronta._start()  # (started now, its first slice not run yet)
    pronta = view.pronta.pronta
    assert pronta is not None and not pronta.done
    painted = []
    view.model.dataChanged.connect(lambda a, b, *_: painted.append((a.row(), b.row(), b.column())))
    view.take_values()
    # every row repainted with one signal (the top-level range: the view repaints what shows)
    assert painted == [(0, view.model.rowCount() - 1, len(RoundModel.COLUMNS) - 1)]
    assert pronta.done and ctx.stack.command(ctx.stack.count() - 1).edit is pronta._edit
    assert _rows_of_round(ctx.archive, mid) == expected


def test_rileva_clicked_right_after_a_typed_value_takes_the_plans_percent(qtbot, ctx, view,
                                                                         monkeypatch):
    """A value typed in the grid, then «Rileva i valori» at once (nothing prepared: the typed
    value discarded it): the step is built at the click, taking the untouched leaves' % from
    the plan's % cache as the tree has it, and writes what the full computation writes — the
    typed value kept, every other value taken; one undo step."""
    from piaodesk.store.archive import Archive

    mid = view.current_round()
    m = view.model
    ctx.archive.percentuali(ctx.archive.get(mon.Monitoraggio, mid).anno)  # (the tree's, warm)
    uo = _find(m, "UO046704")
    cell = m.index(1, RoundModel.C_VALORE, uo)  # N. sopralluoghi
    view.tree.setCurrentIndex(cell)
    view.tree.setFocus()
    qtbot.keyClicks(view.tree, "4")  # (typing opens the editor, as in a spreadsheet)
    editor = view.tree.focusWidget()
    assert editor is not view.tree, "typing did not open an editor"
    qtbot.keyClicks(editor, "7")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # (commits)
    assert m.data(cell) == "47"
    assert view.pronta.edit(mid) is None  # (the typed value: nothing prepared)
    steps = ctx.stack.count()

    with monkeypatch.context() as mp:  # the full computation, as reference
        mp.setattr(Archive, "percentuali_proprie", lambda self, anno: None)
        full = mon.rileva(ctx.archive, mid)
    ctx.archive.apply(full)
    expected = _rows_of_round(ctx.archive, mid)
    ctx.archive.revert(full)
    before = _rows_of_round(ctx.archive, mid)

    taken = []
    real = mon._proprie_dal_piano
    monkeypatch.setattr(mon, "_proprie_dal_piano", lambda *a: taken.append(real(*a)) or taken[-1])
    qtbot.mouseClick(view.rileva, Qt.MouseButton.LeftButton)
    assert taken and len(taken[-1]) > 0  # leaves taken from the plan's cache
    assert ctx.stack.count() == steps + 1
    assert _rows_of_round(ctx.archive, mid) == expected
    kept = next(r for r in ctx.archive.rilevazioni(mid) if r.indicatore_id == m.nodo(cell).obj.id)
    assert kept.valore == D("47")
    fresh = mon.leggi_round(ctx.archive, mid)  # the grid shows what the file holds
    assert (m.rnd.rilevazioni, m.rnd.stati, m.rnd.calcolate) == (
        fresh.rilevazioni, fresh.stati, fresh.calcolate)
    assert m.data(cell) == "47" and m.data(_cell(m, uo, RoundModel.C_CALC)) not in ("", None)
    ctx.stack.undo()
    assert _rows_of_round(ctx.archive, mid) == before and m.data(cell) == "47"
