"""The %-of-a-node rule (validated, else mean of children, else own), written once in
domain/avanzamento.py and asked by the store, the reports and the tree."""

from __future__ import annotations

from decimal import Decimal as D

from piaodesk.domain import avanzamento, valutazione
from piaodesk.domain.avanzamento import (
    FONTE_MEDIA,
    FONTE_PROPRIA,
    FONTE_VALIDATA,
    fonte_nodo,
    media_figli,
    perc_nodo,
)
from piaodesk.domain.enums import Ramo


def test_rule_validated_then_children_then_own():
    assert perc_nodo(D(100), [D(50), D(70)], D(10)) == D(100)
    assert perc_nodo(None, [D(50), D(70), None], D(10)) == D(60)  # unweighted, known children
    assert perc_nodo(None, [None, None], D(10)) is None  # children without a %: not the own %
    assert perc_nodo(None, [], D(10)) == D(10)
    assert perc_nodo(None, None, D(10)) == D(10)
    assert perc_nodo(None, None, None) is None
    assert perc_nodo(D(0), [D(50)], D(10)) == D(0)  # a validated 0 is a value


def test_source_of_a_node_percentage():
    assert fonte_nodo(D(0), [D(1)]) == FONTE_VALIDATA
    assert fonte_nodo(None, [None]) == FONTE_MEDIA
    assert fonte_nodo(None, []) == FONTE_PROPRIA
    assert fonte_nodo(None, None) == FONTE_PROPRIA


def test_mean_and_the_old_names_are_the_same_functions():
    assert media_figli([D(1), None, D(2)]) == D("1.5")
    assert media_figli([None]) is None
    # the evaluation engine re-exports the one rule, it does not write it again
    assert valutazione.perc_nodo is avanzamento.perc_nodo
    assert valutazione.perc_scheda is avanzamento.media_figli


def test_store_bulk_percentages_follow_the_rule(demo):
    anno = 2025
    final = demo.percentuali(anno)
    assert final
    seen_media = seen_validata = 0
    for oid, value in final.items():
        kids = [k for r in Ramo for k in demo.figli_ids(oid, r)]
        val = demo.valutazione(oid, anno)
        validata = val.perc_validata if val is not None else None
        own = demo.risultato_obiettivo(oid, anno).perc
        expected = perc_nodo(validata, [final[k] for k in kids], own)
        # the store sums siblings in its own order: equal but for the 28th digit
        assert (value is None) == (expected is None), oid
        assert value is None or abs(value - expected) < D("1e-20"), oid
        seen_media += bool(kids) and validata is None
        seen_validata += validata is not None
    assert seen_media  # the demo has parents whose % is their children's mean
