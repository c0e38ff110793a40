"""Organizzazione projection on the demo plan, without a QApplication."""

import pytest

from piaodesk.domain.enums import TipoUnita
from piaodesk.domain.model import Persona, Unita
from piaodesk.store.edits import SetFields
from piaodesk.viste.organizzazione import OrganizzazioneProjection
from piaodesk.viste.tabella import Refused


def test_tree_edits_and_deltas(demo):
    p = OrganizzazioneProjection(demo)
    p.load_all()
    ss = next(u for u in demo.unita() if u.nome.startswith("SERVIZI SOCIALI, SANITARI"))
    assert len(p.children[ss.id]) == 8 and len(p.subtree(ss.id)) == 9
    n_p, n_o = p.conteggi(ss.id)
    assert n_p == sum(1 for x in demo.persone() if x.unita_id in set(p.subtree(ss.id))) and n_o > 0
    nome = p.columns()[0]
    with pytest.raises(Refused, match="vuoto"):
        p.edit(ss, nome, None)
    assert p.edit(ss, nome, ss.nome) is None
    d = p.apply(demo.apply(p.edit(ss, nome, "Area persona")))
    assert d.changed == {ss.id: None} and p.unita[ss.id].nome == "Area persona"
    uid, ins = p.add_edit(ss.id)
    assert p.apply(demo.apply(ins)).reset
    p.load_all()
    assert p.unita[uid].tipo == TipoUnita.SERVIZIO and p.children[ss.id][-1] == uid
    assert p.apply(demo.apply(SetFields(Unita, uid, {"posizione": 0}))).reset
    resp = next(u for u in demo.unita() if u.responsabile_id is not None)
    d = p.apply(demo.apply(SetFields(Persona, resp.responsabile_id, {"nome": "X"})))
    assert d.changed[resp.id] == {"responsabile_id"}
