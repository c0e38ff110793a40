"""The missioni/programmi catalogue and the review of free-text headings (seed 001, issue 18 point 2)."""

from __future__ import annotations

from pathlib import Path

from piaodesk.domain.catalogo import ANNO_CATALOGO, Certezza, catalogo, riconosci

#: seed 001 exactly as delivered (shared/seeds/001_142f2b20942e7c60.txt)
SEED_001 = Path(__file__).parent / "data" / "001_142f2b20942e7c60.txt"

#: seed 001's fifteen headings (line: missione.programma)
ATTESI_001 = {178: "01.01", 211: "01.10", 247: "01.03", 263: "01.08", 342: "11.01", 358: "09.02",
              365: "10.05", 393: "04.06", 407: "06.02", 442: "12.02", 458: "12.03", 471: "12.04",
              495: "12.05", 504: "12.06", 520: "12.07"}


def test_catalogue_has_every_missione_and_its_programmi() -> None:
    cat = catalogo()
    assert ANNO_CATALOGO >= 2024
    assert [m.codice for m in cat.missioni] == [f"{n:02d}" for n in range(1, 21)] + ["50", "60", "99"]
    assert cat.programma(1, 10).nome == "Risorse umane"
    assert cat.programma("12", "9").nome == "Servizio necroscopico e cimiteriale"
    assert cat.da_chiave("03.01").nome == "Polizia locale e amministrativa"
    # the choice list of a municipality leaves the regions-only programmes out
    assert all(not p.solo_regioni for p in cat.programmi_di(1))
    assert len(cat.programmi_di(1)) == 11
    assert len(cat.programmi_di(1, per_enti_locali=False)) == 12
    keys = [p.chiave for p in cat.programmi]
    assert len(keys) == len(set(keys))


def _righe_001() -> list[str]:
    return SEED_001.read_text(encoding="utf-8").splitlines()


def test_seed_001_fifteen_headings_all_recognised() -> None:
    righe = _righe_001()
    for line, chiave in ATTESI_001.items():
        r = riconosci(righe[line - 1])
        assert r.programma is not None, (line, righe[line - 1])
        assert r.programma.chiave == chiave, line
        assert r.certezza is Certezza.ESATTA, (line, r.nota)
        assert not r.da_rivedere
    # the strategic objective written on the same heading is kept apart (seed 001 L393, S11)
    r = riconosci(righe[393 - 1])
    assert r.obiettivo_strategico.startswith("GARANTIRE INCLUSIONE SCOLASTICA")


def test_pnrr_line_is_not_a_programme() -> None:
    righe = _righe_001()
    r = riconosci(righe[560 - 1])  # "Obiettivo strategico: Attuazione progetti PNRR Missione 5 …"
    assert r.programma is None and r.certezza is Certezza.NESSUNA and r.da_rivedere


def test_wrong_code_with_another_name_goes_to_review() -> None:
    r = riconosci("MISSIONE 12 - PROGRAMMA 03: INTERVENTI PER LA DISABILITÀ")
    assert r.programma.chiave == "12.03"  # what the code says …
    assert r.certezza is Certezza.DISCORDE and r.da_rivedere  # … but never taken silently
    assert "da confermare" in r.nota


def test_name_only_and_code_only_and_nothing() -> None:
    assert riconosci("Polizia locale e amministrativa").programma.chiave == "03.01"
    assert riconosci("Polizia locale e amministrativa").da_rivedere
    r = riconosci("12.05")
    assert r.programma.chiave == "12.05" and r.certezza is Certezza.SOLO_CODICE
    assert riconosci("varie ed eventuali").certezza is Certezza.NESSUNA
    assert riconosci("").certezza is Certezza.NESSUNA
    assert riconosci("MISSIONE 77 - PROGRAMMA 01: INESISTENTE").programma is None
