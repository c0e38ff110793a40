"""The valuation cycle's rules (issue 10), pinned on seed 003's structure and seed 001's 50/50.

Seed 003 (shared/reference/seed-003-004.md §2): per-sheet score Σ peso × punteggio, bands A–E on
0–30; l.9/l.36 Part A (organizzativa) 50 % and Part B (objectives) 50 %; l.69/l.74 fasi and
indicators «obbligatorio per obiettivi gestionali»; l.82 the payment-time objective «in misura non
inferiore al 30%». Seed 001 (seed-000-001.md §2.3(a), §4.2 R4): performance organizzativa = 50 %
ente + 50 % area, each from its indicators with targets such as «Inferiore al 45%» (L73).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from piaodesk.domain import enums
from piaodesk.domain import individuale as ind
from piaodesk.domain import organizzativa as org
from piaodesk.domain import verifica as ver
from piaodesk.domain.enums import FonteVoce, LivelloOrganizzativo, Polarita, TipoIndicatore
from piaodesk.domain.model import IndicatoreOrganizzativo, ValoreOrganizzativo, VoceOrganizzativa
from piaodesk.domain.valutazione import (
    CategoriaValutazione,
    Comportamento,
    PesoMinimo,
    SistemaValutazione,
    obiettivi_valutati,
    perc_nodo,
    risultato_scheda,
)

S = SistemaValutazione()


# ----------------------------------------------------------------------------- node % and schede


def test_perc_nodo_rule_validated_then_children_then_own():
    assert perc_nodo(D(100), [D(50), D(70)], D(10)) == D(100)
    assert perc_nodo(None, [D(50), D(70), None], D(10)) == D(60)  # unweighted, known children
    assert perc_nodo(None, [], D(10)) == D(10)
    assert perc_nodo(None, None, None) is None


def test_a_strategico_is_replaced_by_its_weighted_operativi():
    # 1 strategico (no weight) → 2, 3 operativi (30, 70); 4 flat objective of 003 with a weight
    figli = {None: [1, 4], 1: [2, 3]}
    pesi = {1: None, 2: D(30), 3: D(70), 4: D(50)}
    assert obiettivi_valutati(figli, pesi, [1, 4]) == [2, 3, 4]
    # 002: OE → OS with no weight anywhere: the OE is evaluated as a whole
    assert obiettivi_valutati({None: [10], 10: [11, 12]}, {10: None, 11: None, 12: None}, [10]) == [10]
    # an operativo assigned to another unit belongs to that unit's scheda
    assert obiettivi_valutati(figli, pesi, [1], altrove=lambda k: k == 3) == [2]
    # a member below another member is not evaluated twice
    assert obiettivi_valutati(figli, pesi, [1, 2, 3]) == [2, 3]
    # an unweighted sibling of weighted operativi stays (and Verifica reports it)
    figli2 = {None: [1], 1: [2, 3, 5]}
    assert obiettivi_valutati(figli2, {**pesi, 5: None}, [1]) == [2, 3, 5]


def test_scheda_result_003_coordinamento_and_tutti_i_settori():
    """seed-003-004.md §2.4's derived tests: 0,30×27 + 0,30×22 = 14,70 of 18 = 81,67 %;
    TUTTI I SETTORI 0,50×30 + 0,50×15 = 22,50 of 30 = 75 %."""
    r = risultato_scheda(S, [("PC.1", "Convenzioni", D(30), D(90), D(27)),
                             ("PC.2", "Fabbisogno", D(30), D(70), D(22))])
    assert r.riepilogo.valutazione_finale == D("14.70")
    assert r.riepilogo.massimo(S) == D(18)
    assert round(r.perc, 2) == D("81.67")
    assert not r.pari_peso and not r.mancanti
    t = risultato_scheda(S, [("TS.1", "Contratti", D(50), None, D(30)),
                             ("TS.2", "Tempi di pagamento", D(50), None, D(15))])
    assert t.perc == D(75)
    # the percentuale option: weighted mean of the objectives' %
    p = risultato_scheda(SistemaValutazione(risultato_struttura="percentuale"),
                         [("A", "a", D(30), D(90), D(27)), ("B", "b", D(70), D(60), None)])
    assert p.perc == D(69)


def test_scheda_never_zero_without_saying_why():
    nessun_peso = risultato_scheda(S, [("10701", "Scheda UO", None, D("98.51"), None)])
    assert nessun_peso.pari_peso and "pari peso" in nessun_peso.spiegazione
    assert nessun_peso.perc == D(100)  # 98,51 % → suggested 30/30
    manca = risultato_scheda(S, [("A", "a", D(50), D(80), None), ("B", "b", D(50), None, None)])
    assert manca.perc is None and manca.mancanti == ("risultato di B",)
    vuota = risultato_scheda(S, [])
    assert vuota.perc is None and vuota.mancanti


# ----------------------------------------------------------------------------- Verifica del piano


def _ob(i, codice, titolo, peso, gestionale=False, fasi=1, inds=1):
    return ver.ObiettivoVerifica(i, codice, titolo, peso, gestionale, fasi, inds)


def test_verifica_003_rules():
    sistema = SistemaValutazione(gestionali_fasi_indicatori=True,
                                 pesi_minimi=(PesoMinimo("tempi di pagamento", D(30)),))
    scheda = ver.SchedaVerifica(1, "SETTORE FINANZIARIO", (
        _ob(1, "TS.2", "Riduzione dei tempi di pagamento", D(20)),
        _ob(2, "FIN.1", "Rendiconto spese per sanzioni", D(40), gestionale=True, fasi=0, inds=0),
        _ob(3, "FIN.2", "Altro", None)))
    probs = ver.verifica_piano(sistema, [scheda], [(7, "Rossi Mario", 7, ""), (8, "Bianchi", None, "")])
    text = "\n".join(str(p) for p in probs)
    assert "[errore] Scheda SETTORE FINANZIARIO: obiettivi senza peso accanto" in text and "FIN.2" in text
    assert "TS.2 «Riduzione dei tempi di pagamento» deve pesare almeno 30 %" in text
    assert "[errore] Obiettivo FIN.1: nessun indicatore (obbligatorio per gli obiettivi gestionali)" in text
    assert "[errore] Obiettivo FIN.1: nessuna fase (obbligatoria per gli obiettivi gestionali)" in text
    assert "[errore] Persona Rossi Mario: è indicata come valutatore di sé stessa" in text
    assert "[errore] Persona Bianchi: nessun valutatore" in text
    # the Coordinamento sheet: 30 % + 30 % = 60 % is a warning, not an error
    coord = ver.SchedaVerifica(2, "Coordinamento", (_ob(4, "PC.1", "a", D(30)), _ob(5, "PC.2", "b", D(30))))
    probs = ver.verifica_scheda(S, coord)
    assert [p.gravita for p in probs] == ["avviso"] and "60 %" in probs[0].messaggio
    # without the SMVP rule an objective without indicators is only a warning
    assert [p.gravita for p in ver.verifica_obiettivo(S, _ob(6, "X", "x", D(10), True, 0, 0))] == ["avviso"]


# ----------------------------------------------------------------------------- individual valuation


EQ = CategoriaValutazione("Responsabili", responsabili=True, peso_organizzativa=D(50),
                          peso_struttura=D(50), peso_comportamenti=D(0), valutatore="")
STAFF = CategoriaValutazione("Istruttori", aree=("istruttori",), peso_organizzativa=D(10),
                             peso_struttura=D(20), peso_individuali=D(30), peso_comportamenti=D(40))
SMVP = SistemaValutazione(categorie=(EQ, STAFF))


def test_category_by_role_then_area_then_default():
    assert SMVP.categoria("istruttori", False).nome == "Istruttori"
    assert SMVP.categoria("istruttori", True).nome == "Responsabili"
    assert SMVP.categoria(None, False).nome == "Personale"  # the general weights
    assert SMVP.categoria(None, False, "istruttori").nome == "Istruttori"
    with pytest.raises(ValueError):
        SMVP.categoria(None, False, "Dirigenti")


def test_valutatore_is_never_the_person():
    genitore = {1: None, 2: 1, 3: 2}
    resp = {1: 100, 2: 200, 3: 300}
    # staff of unit 3: its responsabile
    assert ind.valutatore(5, 3, genitore, resp, STAFF, SMVP) == ind.Valutatore(300, "Responsabile della struttura")
    # the responsabile of unit 3 goes up to unit 2's
    assert ind.valutatore(300, 3, genitore, resp, STAFF, SMVP).persona_id == 200
    # the top responsabile: the SMVP's body
    assert ind.valutatore(100, 1, genitore, resp, STAFF, SMVP) == ind.Valutatore(None, "Nucleo di Valutazione")
    # a category that names its body
    cat = CategoriaValutazione("EQ", responsabili=True, valutatore="Segretario generale")
    assert ind.valutatore(300, 3, genitore, resp, cat, SMVP).ruolo == "Segretario generale"
    # a stored choice naming the person is ignored
    scelto = ind.Valutatore(300, "Valutatore")
    assert ind.valutatore(300, 3, genitore, resp, STAFF, SMVP, scelto=scelto).persona_id == 200


def test_individual_objectives_weighted_by_impegno_and_period():
    rows, perc, note, mancano = ind.obiettivi_individuali([
        (1, D(50), None, None, D(100)),                           # half the time, all year
        (2, D(100), date(2025, 7, 1), date(2025, 12, 31), D(40)),  # full time, second half
        (3, D(100), date(2024, 1, 1), date(2024, 12, 31), D(0)),   # another year: weighs 0
    ], 2025)
    w1, w2, w3 = (r.peso for r in rows)
    assert w1 == D(50) and w3 == 0
    assert round(w2, 2) == D("50.41")  # 184 of 365 days
    assert round(perc, 2) == round((w1 * 100 + w2 * 40) / (w1 + w2), 2)
    assert any("fuori dall'anno 2025" in n for n in note) and not mancano
    rows, perc, note, mancano = ind.obiettivi_individuali([(1, None, None, None, None)], 2025)
    assert perc is None and mancano == (1,) and "considerata 100 %" in note[0]


def test_incomplete_valuation_has_no_final_and_says_what_is_missing():
    comp = {c.nome: D(24) for c in SMVP.comportamenti}
    e = ind.esito_individuale(SMVP, STAFF, organizzativa=D(90), struttura=D(80), individuali=D(70),
                              comportamenti=comp)
    # 10×90 + 20×80 + 30×70 + 40×80 (24/30) = 78 %
    assert e.completa and e.finale == D(78) and e.punti == D("23.4") and e.fascia.lettera == "C"
    del comp["Collaborazione e integrazione organizzativa"]
    e = ind.esito_individuale(SMVP, STAFF, organizzativa=D(90), struttura=D(80), individuali=D(70),
                              comportamenti=comp)
    assert e.stato == "incompleta" and e.finale is None and e.fascia is None and e.punti is None
    assert e.messaggio_incompleta == ("Valutazione incompleta — manca: punteggi dei comportamenti "
                                      "(Collaborazione e integrazione organizzativa).")
    # a component with weight 0 is not asked for
    e = ind.esito_individuale(SMVP, EQ, organizzativa=D(80), struttura=D(100), individuali=None,
                              comportamenti={})
    assert e.completa and e.finale == D(90)
    # 003 Part A 50 / Part B 50, Part A missing: incomplete, never re-weighted
    e = ind.esito_individuale(SMVP, EQ, organizzativa=None, organizzativa_mancante="performance organizzativa",
                              struttura=D(100), individuali=None, comportamenti={})
    assert e.finale is None and e.mancanti == ("performance organizzativa",)


def test_behaviour_score_outside_the_scale_is_refused():
    assert ind.punteggio_fuori_scala(S, D(31)) == "Il punteggio 31 è fuori scala (da 0 a 30)."
    assert ind.punteggio_fuori_scala(S, D(-1))
    assert ind.punteggio_fuori_scala(S, D(30)) is None


def test_cycle_step_is_the_last_done_in_order():
    assert ind.passo_corrente({}) is None
    assert ind.passo_corrente({"presa_visione": None, "assegnazione": None}) == "presa_visione"


# ----------------------------------------------------------------------------- organisational (001)


def _voce(i, livello, fonte=FonteVoce.INDICATORI, peso=None):
    return VoceOrganizzativa(id=i, livello=livello, codice=str(i), nome=f"voce {i}", fonte=fonte, peso=peso)


def test_001_organisational_performance_50_ente_50_area():
    ente = _voce(1, LivelloOrganizzativo.ENTE)
    inds = [IndicatoreOrganizzativo(id=1, voce_id=1, nome="Rigidità strutturale di bilancio",
                                    polarita=Polarita.DECRESCENTE),           # «Inferiore al 45%» (L73)
            IndicatoreOrganizzativo(id=2, voce_id=1, nome="Capacità di riscossione")]  # «Superiore al 53%»
    valori = {1: ValoreOrganizzativo(indicatore_id=1, anno=2023, target=D(45), valore=D(40)),
              2: ValoreOrganizzativo(indicatore_id=2, anno=2023, target=D(53), valore=D(50))}
    r_ente = org.risultato_voce(ente, inds, valori)
    assert r_ente.indicatori[0].raggiungimento == 1
    assert round(r_ente.perc, 4) == round((1 + D(50) / D(53)) / 2 * 100, 4)
    area = _voce(2, LivelloOrganizzativo.UNITA)
    pec = IndicatoreOrganizzativo(id=3, voce_id=2, nome="Atti spediti via pec", tipo=TipoIndicatore.SI_NO)
    r_area = org.risultato_voce(area, [pec], {3: ValoreOrganizzativo(indicatore_id=3, anno=2023, target=D(1),
                                                                       valore=D(0))})
    assert r_area.perc == 0
    s_ente, s_area = org.sintesi([r_ente]), org.sintesi([r_area])
    total = org.perc_organizzativa(s_ente.perc, s_area.perc, D(50), D(50))
    assert total == (s_ente.perc + 0) / 2
    # an area without a result makes the component incomplete, never rescaled to the ente alone
    assert org.perc_organizzativa(s_ente.perc, None, D(50), D(50)) is None
    assert org.perc_organizzativa(s_ente.perc, None, D(100), D(0)) == s_ente.perc


def test_003_table_2_total_and_missing_values():
    righe = [org.RisultatoVoce(_voce(1, LivelloOrganizzativo.ENTE, FonteVoce.OBIETTIVI), (), D(80)),
             org.RisultatoVoce(_voce(2, LivelloOrganizzativo.ENTE), (), D(100))]
    s = org.sintesi(righe)
    assert s.perc == D(90) and s.pari_peso  # no weights between the rows (003 T2): equal, and said
    mancante = org.risultato_voce(_voce(3, LivelloOrganizzativo.ENTE),
                                  [IndicatoreOrganizzativo(id=9, voce_id=3, nome="Velocità di pagamento")], {})
    s = org.sintesi([*righe, mancante])
    assert s.perc is None and s.mancanti == ("3 voce 3: valore di «Velocità di pagamento»",)
    line1 = org.risultato_voce(_voce(4, LivelloOrganizzativo.ENTE, FonteVoce.OBIETTIVI), [], {},
                               perc_obiettivi=None)
    assert line1.perc is None and "schede obiettivi" in line1.mancanti[0]


# ----------------------------------------------------------------------------- SMVP and enums


def test_smvp_with_categories_round_trips_and_validates():
    s = SistemaValutazione(categorie=(STAFF, CategoriaValutazione(
        "Operatori", aree=("operatori",), peso_struttura=D(60), peso_comportamenti=D(30),
        comportamenti=(Comportamento("Puntualità", D(100)),))),
        pesi_minimi=(PesoMinimo("tempi di pagamento", D(30)),), peso_org_ente=D(50), peso_org_unita=D(40))
    again = SistemaValutazione.from_json(s.to_json())
    assert again == s
    problems = s.validate()
    assert "Categoria «Operatori»: i pesi delle componenti sommano a 90, non a 100" in problems
    assert any("ente e unità" in p for p in problems)
    # an older file without the new fields still reads
    assert SistemaValutazione.from_json('{"nome": "vecchio", "scala_max": "30"}').categorie == ()


def test_enum_values_are_unique_across_enums():
    """Labels live in one dict keyed by value: a value shared by two enums gave Ramo.OBIETTIVI
    the label of another enum's member."""
    seen: dict[str, str] = {}
    for name in dir(enums):
        cls = getattr(enums, name)
        if isinstance(cls, type) and issubclass(cls, enums.LabeledEnum) and cls is not enums.LabeledEnum:
            for m in cls:
                assert m.value not in seen, f"{m.value}: {seen.get(m.value)} e {name}"
                seen[m.value] = name
    assert enums.Ramo.OBIETTIVI.label == "Obiettivi"


@pytest.mark.parametrize(("testo", "area"), [
    ("Categoria B3", "operatori_esperti"), ("ISTRUTTORE", "istruttori"), ("FUNZIONARIO / EQ", "funzionari_eq"),
    ("Categoria D3", "funzionari_eq"), ("PO", "funzionari_eq"), ("Categoria A", "operatori"),
    ("Dirigente", "dirigente"), ("OPERATORE ESPERTO", "operatori_esperti"), ("Autista", None), (None, None)])
def test_area_from_printed_category(testo, area):
    got = enums.area_da_categoria(testo)
    assert (got.value if got else None) == area


def test_verifica_rischio_off_scale_levels_are_warnings_on_their_objectives():
    scala = ("BASSO", "MEDIO", "ALTO")
    graduati = [(1, "A.1", "MEDIO"), (2, "X.1", "CRITICO"), (3, "X.2", "")]
    probs = ver.verifica_rischio(scala, graduati)
    assert [(p.gravita, p.dove, p.obiettivo_id) for p in probs] == [("avviso", "Obiettivo X.1", 2)]
    assert "«CRITICO» fuori dalla scala dell'ente (BASSO, MEDIO, ALTO)" in probs[0].messaggio
    assert [(p.gravita, p.dove) for p in ver.verifica_rischio("la scala non è leggibile", graduati)] == [
        ("errore", "Scala del rischio")]
    # through the plan check
    assert [p.dove for p in ver.verifica_piano(S, [], [], (scala, graduati))] == ["Obiettivo X.1"]
