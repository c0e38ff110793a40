"""Who signs a sheet, by the ente's type, and how a unit is named on it (issue 15, point 9).

A Comune's sheets are signed at the top by the Segretario comunale and the Sindaco,
an Unione's by its Segretario and its Presidente: never a «Segretario/Presidente
dell'Unione» on a Comune's sheet. A unit already called «SETTORE FINANZIARIO» is
not printed as «Settore SETTORE FINANZIARIO».
"""

from __future__ import annotations

from .enums import TipoEnte

#: (role printed above the block, PDF signature field) of the ente's top signatories
VERTICE: dict[TipoEnte | None, tuple[tuple[str, str], ...]] = {
    TipoEnte.COMUNE: (("Il Segretario comunale", "Firma_Segretario"), ("Il Sindaco", "Firma_Sindaco")),
    TipoEnte.UNIONE: (("Il Segretario dell'Unione", "Firma_Segretario"),
                      ("Il Presidente dell'Unione", "Firma_Presidente")),
    TipoEnte.ALTRO: (("Il Segretario", "Firma_Segretario"),),
    None: (("Il Segretario", "Firma_Segretario"),),
}


def firmatari_di_vertice(tipo: TipoEnte | None) -> tuple[tuple[str, str], ...]:
    """(ruolo, campo) of the top signatories of an ente of this type."""
    return VERTICE.get(tipo, VERTICE[None])


def nome_unita(etichetta: str, nome: str) -> str:
    """«Settore Finanziario», but «SETTORE FINANZIARIO» alone when the name already says it."""
    nome = (nome or "").strip()
    etichetta = (etichetta or "").strip()
    if not etichetta:
        return nome
    if not nome:
        return etichetta
    if nome.casefold().split(" ", 1)[0] == etichetta.casefold():
        return nome
    return f"{etichetta} {nome}"
