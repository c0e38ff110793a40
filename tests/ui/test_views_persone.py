"""Persone and Organizzazione editors: spreadsheet edits, add/delete with confirmation, aliases, undo."""

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from piaodesk.domain.enums import Area2023, TipoUnita
from piaodesk.domain.model import AliasPersona, Persona, Unita
from piaodesk.ui.context import Context
from piaodesk.ui.undo import ChangeHub
from piaodesk.ui.views.organizzazione import OrganizzazioneView
from piaodesk.ui.views.persone import PersoneView

pytestmark = pytest.mark.ui

RIGHI = 113


@pytest.fixture
def ctx(qtbot, demo, tmp_path):
    return Context(demo, QUndoStack(), ChangeHub(),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)


@pytest.fixture
def persone(qtbot, ctx):
    v = PersoneView(ctx)
    qtbot.addWidget(v)
    v.resize(1366, 768)
    v.show()
    return v


def _cell(view, pid, key):
    m = view.model
    return view.proxy.mapFromSource(m.index(m.row_of(pid), m.column_of(key)))


def test_edit_person_fields(persone, qtmodeltester):
    arc = persone.ctx.archive
    qtmodeltester.check(persone.model)
    p = persone.proxy
    assert p.setData(_cell(persone, RIGHI, "area"), Area2023.SEGRETARIO)  # the demo says dirigente
    assert p.setData(_cell(persone, RIGHI, "ore_settimanali"), "36")
    assert p.setData(_cell(persone, RIGHI, "valido_dal"), "01/02/2025")
    assert p.setData(_cell(persone, RIGHI, "eq"), True)
    fin = next(u.id for u in arc.unita() if u.nome == "SETTORE FINANZIARIO")
    assert p.setData(_cell(persone, RIGHI, "unita_id"), "settore finanziario")
    r = arc.get(Persona, RIGHI)
    assert (r.area, r.ore_settimanali, r.valido_dal, r.eq, r.unita_id) == (
        "segretario", Decimal(36), date(2025, 2, 1), True, fin)
    assert _cell(persone, RIGHI, "area").data() == "Segretario"
    assert _cell(persone, RIGHI, "unita_id").data() == "SETTORE FINANZIARIO"
    assert not p.setData(_cell(persone, RIGHI, "valido_al"), "31/01/2025")
    assert "precedente" in persone.model.last_error
    for _ in range(5):
        persone.ctx.stack.undo()
    r = arc.get(Persona, RIGHI)
    assert r.area == "dirigente" and r.eq is False and r.valido_dal is None


def test_add_and_delete_person_with_confirmation(persone, monkeypatch, qtmodeltester):
    arc, ctx = persone.ctx.archive, persone.ctx
    n = len(arc.persone())
    persone.add_person()
    assert len(arc.persone()) == n + 1
    new = persone.current_persona()
    assert arc.get(Persona, new).cognome == "NUOVA"
    qtmodeltester.check(persone.model)
    # delete RIGHI (39 assignments): the dialog says so; "No" keeps everything
    asked = []

    def answer(result):
        def fake(parent, title, text, *a, **k):
            asked.append(text)
            return result
        return fake

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    persone.select_persona(RIGHI)
    persone.elimina.click()
    assert arc.get(Persona, RIGHI) is not None and "39 assegnazioni" in asked[-1]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    persone.elimina.click()
    assert arc.get(Persona, RIGHI) is None and arc.assegnazioni(persona_id=RIGHI) == []
    assert persone.model.row_of(RIGHI) is None
    ctx.stack.undo()
    assert arc.get(Persona, RIGHI) is not None and len(arc.assegnazioni(persona_id=RIGHI)) == 39
    assert persone.model.row_of(RIGHI) is not None


def test_aliases_of_selected_person(persone):
    arc, ctx = persone.ctx.archive, persone.ctx
    persone.select_persona(RIGHI)
    before = arc.alias(RIGHI)
    assert persone.alias_model.rowCount() == len(before) and "RIGHI ANNALISA" in persone.alias_title.text()
    persone.alias_nuovo.setText("A. RIGHI")
    persone.alias_aggiungi.click()
    assert "A. RIGHI" in arc.alias(RIGHI)
    assert arc.trova_persona("A. RIGHI").id == RIGHI
    m = persone.alias_model
    row = [m.row_at(r).alias for r in range(m.rowCount())].index("A. RIGHI")
    assert m.setData(m.index(row, 0), "RIGHI A.")
    assert "RIGHI A." in arc.alias(RIGHI)
    assert not m.setData(m.index(row, 0), "")
    assert "vuoto" in m.last_error
    persone.alias_table.setCurrentIndex(m.index(row, 0))
    persone.alias_elimina.click()
    assert arc.alias(RIGHI) == before
    ctx.stack.undo()
    ctx.stack.undo()
    assert "A. RIGHI" in arc.alias(RIGHI)
    assert arc.count(AliasPersona, "persona_id = ?", (RIGHI,)) == len(before) + 1


@pytest.fixture
def org(qtbot, ctx):
    v = OrganizzazioneView(ctx)
    qtbot.addWidget(v)
    v.resize(1366, 768)
    v.show()
    return v


def test_organisation_tree_and_edits(org, monkeypatch, qtmodeltester):
    m, arc, ctx = org.model, org.ctx.archive, org.ctx
    qtmodeltester.check(m)
    ss = next(u for u in arc.unita() if u.nome.startswith("SERVIZI SOCIALI, SANITARI"))
    idx = m.index_of(ss.id)
    assert m.rowCount(idx) == 8 and m.index(0, 2, idx).data() == "10701"
    # rename, code, responsabile (combo of people)
    assert m.setData(m.index_of(ss.id, 0), "Area Servizi alla persona")
    assert m.setData(m.index_of(ss.id, 2), "RA01")
    assert m.setData(m.index_of(ss.id, 3), 30)
    u = arc.get(Unita, ss.id)
    assert (u.nome, u.codice, u.responsabile_id) == ("Area Servizi alla persona", "RA01", 30)
    assert m.index_of(ss.id, 3).data() == "AMATO FRANCESCO"
    assert not m.setData(m.index_of(ss.id, 0), "  ")
    assert m.last_error == "Il nome dell'unità non può essere vuoto."
    assert arc.get(Unita, ss.id).nome == "Area Servizi alla persona"  # nothing written
    # add a sub-unit, then a sibling after it
    org.select(ss.id)
    org.add_child()
    child = org.current_id()
    cu = arc.get(Unita, child)
    assert cu.parent_id == ss.id and cu.tipo == TipoUnita.SERVIZIO and m.rowCount(m.index_of(ss.id)) == 9
    qtmodeltester.check(m)
    org.add_sibling()
    sib = arc.get(Unita, org.current_id())
    assert sib.parent_id == ss.id and sib.posizione == cu.posizione + 1
    kids = [m.id_of(m.index(r, 0, m.index_of(ss.id))) for r in range(m.rowCount(m.index_of(ss.id)))]
    assert kids[-2:] == [child, sib.id]
    # delete the settore with its sub-units; people and objectives stay, without unit
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    n_units = len(arc.unita())
    org.select(ss.id)
    org.delete()
    assert len(arc.unita()) == n_units - 11
    assert arc.get(Persona, RIGHI).unita_id is None
    qtmodeltester.check(m)
    for _ in range(6):
        ctx.stack.undo()
    u = arc.get(Unita, ss.id)
    assert (u.nome, u.codice, u.responsabile_id) == (ss.nome, ss.codice, ss.responsabile_id)
    assert arc.get(Persona, RIGHI).unita_id is not None
    assert len(arc.unita()) == 13 and m.rowCount(m.index_of(ss.id)) == 8
