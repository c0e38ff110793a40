"""«Piano › Scala del rischio…» (issue 18 point 4): the ente's levels edited in order, one undoable
step; the objective form offers them. Seed 001 grades its rows BASSA/MEDIA (L115-L121), writes
«BASSO» (L501): an ente with its own scale renames levels and its objectives follow them."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from piaodesk.store import rischio as store
from piaodesk.ui.context import Context
from piaodesk.ui.dialogs.rischio import ScalaRischioDialog
from piaodesk.ui.extensions import discover
from piaodesk.ui.undo import ChangeHub
from piaodesk.ui.widgets.detail import ObiettivoForm

pytestmark = pytest.mark.ui


@pytest.fixture
def ctx(qtbot, demo, tmp_path):
    return Context(demo, QUndoStack(), ChangeHub(),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)


def _ts1(ctx):
    return next(o for o in ctx.archive.obiettivi() if o.codice == "TS.1")


def _name(dlg, r, text):
    dlg.tabella.item(r, 0).setText(text)


def test_menu_entry():
    assert "azione_scala_rischio" in {a.object_name for a in discover()[0]}


def test_add_reorder_describe_save_undo(qtbot, ctx):
    dlg = ScalaRischioDialog(ctx)
    qtbot.addWidget(dlg)
    assert dlg.righe() == [("BASSA", ""), ("MEDIA", ""), ("ALTA", "")]
    assert dlg.tabella.item(1, 2).text() == "1" and dlg.tabella.item(1, 2).toolTip() == "TS.1"
    dlg.tabella.setCurrentCell(2, 0)
    r = dlg.nuovo("CRITICA", "appalti sopra soglia")
    assert r == 3
    dlg.tabella.setCurrentCell(0, 0)
    r = dlg.nuovo("TRASCURABILE")  # inserted after BASSA: moved up, above it
    dlg.sposta(-1)
    assert [n for n, _d in dlg.righe()] == ["TRASCURABILE", "BASSA", "MEDIA", "ALTA", "CRITICA"]
    dlg.tabella.item(2, 1).setText("discrezionalità nelle scelte")
    depth = ctx.stack.count()
    assert dlg.salva() and ctx.stack.count() == depth + 1
    s = store.scala(ctx.archive)
    assert s.nomi == ("TRASCURABILE", "BASSA", "MEDIA", "ALTA", "CRITICA")
    assert s.descrizione("MEDIA") == "discrezionalità nelle scelte"
    ctx.stack.undo()
    assert store.scala(ctx.archive).nomi == ("BASSA", "MEDIA", "ALTA")
    assert [n for n, _d in dlg.righe()] == ["BASSA", "MEDIA", "ALTA"]  # the dialog follows the undo
    ctx.stack.redo()
    assert len(dlg.righe()) == 5


def test_duplicates_and_empties_refused_in_italian(qtbot, ctx):
    dlg = ScalaRischioDialog(ctx)
    qtbot.addWidget(dlg)
    depth = ctx.stack.count()
    dlg.tabella.setCurrentCell(2, 0)
    dlg.nuovo("")
    assert not dlg.salva()
    assert dlg.errore.text() == "Riga 4: il nome del livello non può essere vuoto: la scala non è stata salvata."
    _name(dlg, 3, "Bassa")
    assert not dlg.salva() and "Riga 4 («Bassa»): è lo stesso livello della riga 1 («BASSA»)" in dlg.errore.text()
    assert ctx.stack.count() == depth and ctx.archive.impostazione(store.CHIAVE) is None


def test_removing_a_used_level_is_refused_naming_the_objective(qtbot, ctx):
    dlg = ScalaRischioDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.tabella.setCurrentCell(1, 0)
    dlg.rimuovi()  # MEDIA, used by TS.1
    depth = ctx.stack.count()
    assert not dlg.salva()
    assert "Il livello «MEDIA» è usato da 1 obiettivo (TS.1)" in dlg.errore.text()
    assert ctx.stack.count() == depth and _ts1(ctx).rischio_livello == "MEDIA"


def test_renaming_a_used_level_asks_and_the_objective_follows(qtbot, ctx):
    dlg = ScalaRischioDialog(ctx)
    qtbot.addWidget(dlg)
    domande: list[str] = []
    risposta = [False]
    dlg.conferma = lambda testo: domande.append(testo) or risposta[0]  # type: ignore[method-assign]
    for r, nome in enumerate(("BASSO", "MEDIO", "ALTO")):
        _name(dlg, r, nome)
    depth = ctx.stack.count()
    assert not dlg.salva()  # «No»: nothing written
    assert "«MEDIA» → «MEDIO»: TS.1" in domande[0] and ctx.stack.count() == depth
    assert dlg.errore.text() == "Nulla è stato salvato."
    risposta[0] = True
    assert dlg.salva() and ctx.stack.count() == depth + 1
    assert _ts1(ctx).rischio_livello == "MEDIO" and store.scala(ctx.archive).nomi == ("BASSO", "MEDIO", "ALTO")
    ctx.stack.undo()  # one step: the scale and the objective together
    assert _ts1(ctx).rischio_livello == "MEDIA" and store.scala(ctx.archive).nomi == ("BASSA", "MEDIA", "ALTA")


def test_objective_form_offers_the_ente_levels(qtbot, ctx):
    form = ObiettivoForm(ctx)
    qtbot.addWidget(form)
    form.show()
    ts1 = _ts1(ctx)
    form.set_obiettivo(ts1.id)
    p = form.piao
    assert [p.rischio.itemText(i) for i in range(p.rischio.count())] == ["(non indicato)", "BASSA", "MEDIA", "ALTA"]
    ctx.push(store.imposta(ctx.archive, [("BASSO", ""), ("MEDIO", ""), ("ALTO", ""),
                                         ("CRITICO", "appalti sopra soglia")], {"MEDIA": "MEDIO"}))
    items = [p.rischio.itemText(i) for i in range(p.rischio.count())]
    assert items == ["(non indicato)", "BASSO", "MEDIO", "ALTO", "CRITICO"] and p.rischio.currentText() == "MEDIO"
    j = p.rischio.findData("CRITICO")
    assert p.rischio.itemData(j, 3) == "appalti sopra soglia"  # its description as the tooltip
    p.rischio.setCurrentIndex(j)
    p.rischio.activated.emit(j)
    assert ctx.archive.obiettivo(ts1.id).rischio_livello == "CRITICO"
    # a level off the scale (an older file) is shown as such, never replaced
    from piaodesk.domain.model import Obiettivo
    from piaodesk.store.edits import SetFields

    ctx.push(SetFields(Obiettivo, ts1.id, {"rischio_livello": "MOLTO ALTA"}))
    assert p.rischio.currentText() == "MOLTO ALTA (fuori scala)"


def test_fits_a_small_screen_and_screenshot(qtbot, ctx, tmp_path):
    dlg = ScalaRischioDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.tabella.setCurrentCell(2, 0)
    dlg.nuovo("CRITICA", "appalti sopra soglia comunitaria, affidamenti diretti ripetuti")
    dlg.tabella.item(0, 1).setText("attività vincolate, nessun contatto con l'esterno")
    dlg.show()
    assert dlg.minimumSizeHint().height() <= 700 and dlg.height() <= 700 and dlg.width() <= 1366
    out = os.environ.get("PIAODESK_SCREENSHOTS")
    path = (tmp_path if not out else __import__("pathlib").Path(out)) / "scala_rischio.png"
    assert dlg.grab().save(str(path)) and path.stat().st_size > 0


def test_levels_off_the_scale_are_shown(qtbot, ctx):
    """An older file graded «MOLTO ALTA» by hand: the dialog says which objectives carry it."""
    from piaodesk.domain.model import Obiettivo
    from piaodesk.store.edits import SetFields

    dlg = ScalaRischioDialog(ctx)
    qtbot.addWidget(dlg)
    assert dlg.fuori.isHidden()
    ctx.push(SetFields(Obiettivo, _ts1(ctx).id, {"rischio_livello": "MOLTO ALTA"}))  # the dialog follows
    assert "«MOLTO ALTA» (TS.1)" in dlg.fuori.text() and not dlg.fuori.isHidden()
