"""The ente's own risk scale (issue 18 point 4: «BASSA / MEDIA / ALTA (or the ente's scale)»).

Seed 001 writes the levels in more than one way for the same scale: «BASSA»/«MEDIA» (L115-L121,
L452, L456), «BASSO» (L501), «CRITICITA' BASSA» (L436); an ente's own scale keeps its names as
written, and those writings still find the level."""

from __future__ import annotations

import pytest

from piaodesk.domain.rischio import (
    LivelloScala,
    ScalaRischio,
    leggi_livello,
    messaggio_scomparsi,
    nuova_scala,
    scala,
    scala_predefinita,
    scomparsi,
)


def test_names_kept_as_the_ente_writes_them() -> None:
    s = nuova_scala([("Basso", "nessun contatto con l'esterno"), ("Medio", ""), ("Alto", ""),
                     ("  Critico  ", "  appalti  sopra soglia ")])
    assert s.nomi == ("Basso", "Medio", "Alto", "Critico")
    assert s.descrizione("Critico") == "appalti sopra soglia"
    assert scala("Basso, Medio, Alto, Critico") == ("Basso", "Medio", "Alto", "Critico")
    assert not s.predefinita and scala_predefinita().predefinita


@pytest.mark.parametrize(("testo", "livello"), [
    ("BASSA", "Basso"),             # 001 L121
    ("MEDIA", "Medio"),             # 001 L456
    ("BASSO", "Basso"),             # 001 L501
    ("CRITICITA' BASSA", "Basso"),  # 001 L436
    ("critico", "Critico"),
])
def test_seed_001_writings_find_the_ente_level(testo, livello) -> None:
    assert leggi_livello(testo, scala("Basso, Medio, Alto, Critico")) == livello


def test_unknown_level_names_the_scale() -> None:
    s = nuova_scala(["BASSO", "MEDIO", "ALTO", "CRITICO"])
    with pytest.raises(ValueError, match="«GRAVE» sconosciuto: valori ammessi BASSO, MEDIO, ALTO, CRITICO"):
        leggi_livello("GRAVE", s)


@pytest.mark.parametrize(("righe", "messaggio"), [
    (["BASSO", ""], "riga 2: il nome del livello non può essere vuoto"),
    (["BASSO", "   "], "riga 2: il nome del livello non può essere vuoto"),
    (["Basso", "BASSA"], "riga 2 («BASSA»): è lo stesso livello della riga 1 («Basso»)"),
    (["ALTO", "MEDIO", "ALTO"], "riga 3: il livello «ALTO» è ripetuto"),
    (["ALTO"], "almeno due livelli"),
    (["BASSO", "MEDIO, ALTO"], "virgole"),
    (["BASSO", "X" * 41], "supera i 40 caratteri"),
])
def test_bad_scales_refused_in_italian(righe, messaggio) -> None:
    with pytest.raises(ValueError, match=messaggio.replace("(", r"\(").replace(")", r"\)")):
        nuova_scala(righe)


def test_json_round_trip_and_garbage() -> None:
    s = ScalaRischio((LivelloScala("BASSO", "a"), LivelloScala("CRITICO", "è «alto»")))
    assert ScalaRischio.from_json(s.to_json()) == s
    with pytest.raises(ValueError, match="non è leggibile"):
        ScalaRischio.from_json('{"livelli": 3}')


def test_a_used_level_that_disappears_is_named_with_its_objectives() -> None:
    uso = {"MEDIA": ["TS.1", "TS.2"], "BASSA": ["1.1"]}
    mancano = scomparsi(("BASSA", "MEDIA", "ALTA"), ("BASSO", "MEDIA", "ALTA"), uso)
    assert mancano == {"BASSA": ["1.1"]}
    assert scomparsi(("BASSA", "MEDIA", "ALTA"), ("BASSO", "MEDIA", "ALTA"), uso, {"BASSA": "BASSO"}) == {}
    # a rename towards a name that is not on the new scale carries nothing
    assert scomparsi(("BASSA", "MEDIA"), ("BASSO", "MEDIA"), uso, {"BASSA": "NULLO"}) == {"BASSA": ["1.1"]}
    msg = messaggio_scomparsi({"MEDIA": ["TS.1", "TS.2"]})
    assert "il livello «MEDIA» è usato da 2 obiettivi (TS.1, TS.2)" in msg and "non è stata cambiata" in msg
