"""Objective levels and hierarchical codes (domain/codici.py): pure rules."""

from __future__ import annotations

from piaodesk.domain import codici
from piaodesk.domain.enums import Livello, Ramo


def test_level_of_a_child_follows_the_parent():
    assert codici.livello_nuovo(Ramo.OBIETTIVI, Livello.LINEA_STRATEGICA) == Livello.STRATEGICO
    assert codici.livello_nuovo(Ramo.OBIETTIVI, Livello.STRATEGICO) == Livello.OPERATIVO
    assert codici.livello_nuovo(Ramo.OBIETTIVI, "operativo") == Livello.AZIONE
    assert codici.livello_nuovo(Ramo.OBIETTIVI, Livello.SPECIFICO) == Livello.AZIONE
    assert codici.livello_nuovo("schede_uo", Livello.SCHEDA_UO) == Livello.ATTIVITA_GESTIONALE
    # a leaf level and an unknown level: «azione»
    assert codici.livello_nuovo(Ramo.OBIETTIVI, Livello.AZIONE) == Livello.AZIONE
    assert codici.livello_nuovo(Ramo.OBIETTIVI, "livello_di_un_altro_programma") == Livello.AZIONE


def test_level_at_the_top_follows_siblings_else_the_branch():
    assert codici.livello_nuovo(Ramo.OBIETTIVI, None, Livello.LINEA_STRATEGICA) == Livello.LINEA_STRATEGICA
    assert codici.livello_nuovo(Ramo.OBIETTIVI, None) == Livello.STRATEGICO
    other = next(r for r in Ramo if r != Ramo.OBIETTIVI)
    assert codici.livello_nuovo(other, None) == Livello.SCHEDA_UO


def test_new_code_is_next_and_never_repeats_a_sibling():
    assert codici.codice_nuovo(None, []) == "1"
    assert codici.codice_nuovo("2", ["2.1", "2.2"]) == "2.3"
    assert codici.codice_nuovo("", ["A", "B"]) == "3"
    # a gap left by a deletion: «1», «3» → «4», not a second «3»
    assert codici.codice_nuovo(None, ["1", "3"]) == "4"
    assert codici.codice_nuovo("1.2", ["1.2.1", "1.2.5", None]) == "1.2.6"
    # codes of another prefix are not counted
    assert codici.codice_nuovo("1", ["2.7", "1.1"]) == "1.3"


def test_renumber_lists_only_changed_codes_in_tree_order():
    tree = {None: [(1, "1"), (2, "X"), (3, None)], 1: [(11, "1.1"), (12, "1.5")], 2: [(21, "9.9")],
            3: [], 11: [], 12: [(121, "")], 21: [], 121: []}
    out = codici.rinumera(lambda pid: tree[pid], None, None)
    assert out == [(12, "1.2"), (121, "1.2.1"), (2, "2"), (21, "2.1"), (3, "3")]
    # under a coded node
    assert codici.rinumera(lambda pid: tree[pid], 1, "4") == [(11, "4.1"), (12, "4.2"), (121, "4.2.1")]
    # already in order: nothing
    assert codici.rinumera(lambda pid: tree[pid], 21, "2.1") == []


def test_renumber_walks_a_deep_tree_without_recursion():
    depth = 5000
    out = codici.rinumera(lambda pid: [] if (pid or 0) >= depth else [((pid or 0) + 1, None)], None, None)
    assert len(out) == depth and out[2] == (3, "1.1.1")
