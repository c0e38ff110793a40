"""Signatories by the ente's type, unit names not doubled (issue 15, point 9)."""

from __future__ import annotations

from piaodesk.domain.enums import TipoEnte
from piaodesk.domain.firmatari import firmatari_di_vertice, nome_unita


def test_comune_and_unione_have_their_own_signatories() -> None:
    assert [r for r, _ in firmatari_di_vertice(TipoEnte.COMUNE)] == ["Il Segretario comunale", "Il Sindaco"]
    assert [r for r, _ in firmatari_di_vertice(TipoEnte.UNIONE)] == ["Il Segretario dell'Unione",
                                                                   "Il Presidente dell'Unione"]
    for tipo in (TipoEnte.COMUNE, TipoEnte.ALTRO, None):
        assert not any("Unione" in r for r, _ in firmatari_di_vertice(tipo))
    fields = [c for t in TipoEnte for _, c in firmatari_di_vertice(t)]
    assert all(c.startswith("Firma_") for c in fields)


def test_unit_names_not_doubled() -> None:
    assert nome_unita("Settore", "SETTORE FINANZIARIO") == "SETTORE FINANZIARIO"
    assert nome_unita("Settore", "Finanziario") == "Settore Finanziario"
    assert nome_unita("Settore", "Settori riuniti") == "Settore Settori riuniti"
    assert nome_unita("", "Polizia Locale") == "Polizia Locale"
    assert nome_unita("Settore", "") == "Settore"
