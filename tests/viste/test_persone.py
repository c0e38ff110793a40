"""Persone and alias projections on the demo plan, without a QApplication."""

from datetime import date

import pytest

from piaodesk.domain.enums import Area2023
from piaodesk.domain.model import AliasPersona, Unita
from piaodesk.store.edits import Batch, DeleteRow, InsertRow, SetFields
from piaodesk.viste.persone import AliasProjection, PersoneProjection
from piaodesk.viste.tabella import Order, Refused

RIGHI = 113


def test_people_in_archive_order_and_new_rows_land_there(demo):
    p = PersoneProjection(demo)
    p.load_all()
    rows = p.rows()
    Order(p).sort(rows)
    assert [r.id for r in rows] == [x.id for x in demo.persone()]
    d = p.apply(demo.apply(InsertRow(p.new_row(0))))
    assert len(d.inserted) == 1
    rows = p.rows()
    Order(p).sort(rows)
    assert [r.id for r in rows] == [x.id for x in demo.persone()]


def test_edits_validation_and_restyle_on_units(demo):
    p = PersoneProjection(demo)
    p.load_all()
    r = p.row(RIGHI)
    assert p.value(r, "area") == Area2023.DIRIGENTE
    assert p.edit(r, "area", Area2023.DIRIGENTE) is None  # same value
    with pytest.raises(Refused, match="cognome"):
        p.edit(r, "cognome", None)
    p.apply(demo.apply(p.edit(r, "valido_dal", date(2025, 2, 1))))
    with pytest.raises(Refused, match="precedente"):
        p.edit(p.row(RIGHI), "valido_al", date(2025, 1, 31))
    uid = demo.unita()[0].id
    d = p.apply(demo.apply(SetFields(Unita, uid, {"nome": "Altro nome"})))
    assert len(d.changed) == len(p) and ("Altro nome", uid) in p.unita_choices()
    edit = p.delete_edit([p.row(RIGHI), p.row(30)])
    assert isinstance(edit, Batch)
    d = p.apply(demo.apply(edit))
    assert sorted(d.removed) == [30, RIGHI]


def test_aliases_of_one_person(demo):
    a = AliasProjection(demo)
    a.load_all()
    assert len(a) == 0
    a.persona_id = RIGHI
    a.load_all()
    assert sorted(x.alias for x in a.rows()) == sorted(demo.alias(RIGHI))
    d = a.apply(demo.apply(InsertRow(a.new_alias(" A. RIGHI "))))
    assert [a.row(k).alias for k in d.inserted] == ["A. RIGHI"]
    d = a.apply(demo.apply(InsertRow(AliasPersona(persona_id=30, alias="ALTRO"))))
    assert not d.inserted  # another person's alias
    with pytest.raises(Refused):
        a.edit(a.rows()[0], "alias", "")
    assert isinstance(a.delete_edit([a.rows()[0]]), DeleteRow)
