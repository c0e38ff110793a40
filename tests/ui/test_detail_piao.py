"""The objective form's PIAO section (issue 18 points 2-4, 6, 8): each field one undoable edit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from piaodesk.domain.enums import TipoProdotto
from piaodesk.ui.context import Context
from piaodesk.ui.undo import ChangeHub
from piaodesk.ui.widgets.detail import ObiettivoForm

pytestmark = pytest.mark.ui


@pytest.fixture
def form(qtbot, demo, tmp_path):
    ctx = Context(demo, QUndoStack(), ChangeHub(), QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat),
                  anno=2025)
    f = ObiettivoForm(ctx)
    qtbot.addWidget(f)
    f.show()
    return f


def _ob(f, code):
    return next(o for o in f.ctx.archive.obiettivi() if o.codice == code)


def test_fields_shown_and_edited(qtbot, form):
    ts1 = _ob(form, "TS.1")
    form.set_obiettivo(ts1.id)
    p = form.piao
    assert p.rischio.currentText() == "MEDIA" and p.misura.text().startswith("Solo piattaforme")
    assert p.tipi["accessibilita_digitale"].isChecked() and not p.tipi["pari_opportunita"].isChecked()
    assert p.valore_pubblico.text().startswith("VP1")
    # the catalogue: a programme chosen from the list
    i = p.programma.findData("01.03")
    assert "Gestione economica, finanziaria" in p.programma.itemText(i)
    p.programma.setCurrentIndex(i)
    p.programma.activated.emit(i)
    assert form.ctx.archive.obiettivo(ts1.id).programma_cod == "01.03"
    # risk level on an objective without the flag: level and flag in one step
    pc1 = _ob(form, "PC.1")
    form.set_obiettivo(pc1.id)
    depth = form.ctx.stack.count()
    j = p.rischio.findData("ALTA")
    p.rischio.setCurrentIndex(j)
    p.rischio.activated.emit(j)
    got = form.ctx.archive.obiettivo(pc1.id)
    assert (got.rischio_livello, got.rischio_corruttivo) == ("ALTA", True)
    assert form.ctx.stack.count() == depth + 1
    form.ctx.stack.undo()
    got = form.ctx.archive.obiettivo(pc1.id)
    assert (got.rischio_livello, got.rischio_corruttivo) == (None, False)
    assert p.rischio.currentIndex() == 0  # the form follows the undo
    # kinds, product, operational manager, Comune
    p.tipi["pari_opportunita"].setChecked(True)
    k = p.prodotto.findData(TipoProdotto.PRIORITARIO)
    p.prodotto.setCurrentIndex(k)
    p.prodotto.activated.emit(k)
    c = 1  # the first member Comune
    p.comune.setCurrentIndex(c)
    p.comune.activated.emit(c)
    got = form.ctx.archive.obiettivo(pc1.id)
    assert got.pari_opportunita and got.tipo_prodotto is TipoProdotto.PRIORITARIO
    assert got.comune_id == p.comune.itemData(c) is not None
    p.misura.setText("Rotazione del personale")
    p.misura.editingFinished.emit()
    assert form.ctx.archive.obiettivo(pc1.id).rischio_misura == "Rotazione del personale"


def test_tree_filter_by_missione_and_programma(qtbot, demo_path, tmp_path):
    """Issue 18 point 2: the tree filters by the catalogue's missione or programme."""
    from piaodesk.domain.model import Obiettivo
    from piaodesk.store.edits import Batch, SetFields
    from piaodesk.ui.main_window import MainWindow

    win = MainWindow.start(demo_path, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    assert not win.f_programma.isVisibleTo(win)  # no programme used yet: no combo
    obs = {o.codice: o.id for o in win.ctx.archive.obiettivi()}
    win.ctx.push(Batch([SetFields(Obiettivo, obs["PL.1"], {"programma_cod": "03.01"}),
                        SetFields(Obiettivo, obs["PL.2"], {"programma_cod": "03.02"}),
                        SetFields(Obiettivo, obs["SS.0"], {"programma_cod": "12.05"})], "Programmi"))
    assert win.f_programma.isVisibleTo(win)
    texts = [win.f_programma.itemText(i) for i in range(win.f_programma.count())]
    assert "Missione 03 – Ordine pubblico e sicurezza" in texts
    assert any("Programma 03.01 – Polizia locale e amministrativa" in t for t in texts)
    win.f_programma.setCurrentIndex(win.f_programma.findData("03"))
    shown = {win.model.proj.by_id[i].obj.codice for i in win.model.proj._matches()}
    assert shown == {"PL.1", "PL.2"}
    win.f_programma.setCurrentIndex(win.f_programma.findData("03.02"))
    assert {win.model.proj.by_id[i].obj.codice for i in win.model.proj._matches()} == {"PL.2"}
    win.f_programma.setCurrentIndex(0)
    assert not win.model.proj.filtro.active()


def test_plan_wide_tables_filter_by_missione(qtbot, demo, tmp_path):
    """Issue 18 point 2: Scadenze and Indicatori filter by the catalogue's missione or programme."""
    from piaodesk.domain.model import Obiettivo
    from piaodesk.store.edits import Batch, SetFields
    from piaodesk.ui.views.indicatori import IndicatoriView
    from piaodesk.ui.views.scadenze import ScadenzeView

    ctx = Context(demo, QUndoStack(), ChangeHub(), QSettings(str(tmp_path / "v.ini"), QSettings.Format.IniFormat),
                  anno=2025)
    scad, ind = ScadenzeView(ctx), IndicatoriView(ctx)
    qtbot.addWidget(scad)
    qtbot.addWidget(ind)
    assert not scad.programma.isVisibleTo(scad)
    obs = {o.codice: o.id for o in demo.obiettivi()}
    ctx.push(Batch([SetFields(Obiettivo, obs["FIN.1"], {"programma_cod": "01.03"})], "Programma"))
    assert scad.programma.isVisibleTo(scad) and ind.programma.findData("01.03") >= 0
    for view in (scad, ind):
        view.programma.setCurrentIndex(view.programma.findData("01"))
        shown = {view.proxy.index(r, 0).data() for r in range(view.proxy.rowCount())}
        assert view.proxy.rowCount() > 0
        rows = [view.model.row_at(view.proxy.mapToSource(view.proxy.index(r, 0)).row())
                for r in range(view.proxy.rowCount())]
        assert {row.obiettivo_id for row in rows} == {obs["FIN.1"]}, shown
        view.programma.setCurrentIndex(0)
        assert view.proxy.rowCount() > len(rows)
