"""Checks on the demo data files resources/demo/seed003.json and seed002.json.

Pure stdlib + pytest; no application imports. Line numbers in comments refer to
the source extractions /work/shared/seeds/003_ae3f5810bc759f7e.txt ("l.") and
/work/shared/seeds/002_a8fc9481d39210a7.txt ("L"), 1-based as `cat -n` shows them.
"""
import json
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parent.parent / "resources" / "demo"


def _load(name):
    with open(DEMO / name, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def s003():
    return _load("seed003.json")


@pytest.fixture(scope="module")
def s002():
    return _load("seed002.json")


def walk(objs):
    for o in objs:
        yield o
        yield from walk(o["figli"])


def by_code(data, code):
    for o in walk(data["obiettivi"]):
        if o["codice"] == code:
            return o
    raise KeyError(code)


def num(s):
    """Italian number text ('1.800,00') -> float"""
    return float(s.replace(".", "").replace(",", "."))


OBJ_KEYS = {"codice", "titolo", "descrizione", "livello", "ramo", "tipologia", "unita", "responsabile", "peso", "anni",
            "missione", "programma", "stakeholder", "altri_settori", "trasversale", "inizio_previsto",
            "fine_prevista", "inizio_effettivo", "fine_effettiva", "stato", "flags", "extra", "fasi", "indicatori",
            "assegnazioni", "monitoraggio", "perc_avanzamento_stampata", "perc_convalidata", "figli"}
IND_KEYS = {"descrizione", "formula", "tipo", "polarita", "aggregazione", "peso", "unita_misura", "fonte", "misure"}


def check_shape_and_refs(data):
    assert set(data) >= {"fonte", "ente", "piano", "unita", "persone", "obiettivi"}
    ukeys = [u["key"] for u in data["unita"]]
    pkeys = [p["key"] for p in data["persone"]]
    assert len(ukeys) == len(set(ukeys))
    assert len(pkeys) == len(set(pkeys)), "a person is duplicated"
    for u in data["unita"]:
        assert u["responsabile"] is None or u["responsabile"] in pkeys
        assert u["parent"] is None or u["parent"] in ukeys
    for p in data["persone"]:
        assert p["unita"] in ukeys
    for o in walk(data["obiettivi"]):
        assert set(o) - {"roster"} == OBJ_KEYS, o["codice"]
        assert o["unita"] is None or o["unita"] in ukeys
        assert o["responsabile"] is None or o["responsabile"] in pkeys
        for a in o["assegnazioni"]:
            assert a["persona"] is None or a["persona"] in pkeys
        for r in o.get("roster", []):
            assert r["persona"] in pkeys
        for i in o["indicatori"]:
            assert set(i) == IND_KEYS
            assert i["polarita"] in ("crescente", "decrescente", "uguale")
            assert i["aggregazione"] in ("somma", "media", "ultimo")
            assert i["tipo"] in ("numero", "percentuale", "si_no", "data", "giorni", "rapporto", "testo")
        text = json.dumps(o["descrizione"], ensure_ascii=False) + json.dumps(o["monitoraggio"], ensure_ascii=False)
        assert "<p>" not in text and "</p>" not in text and "**" not in text


# ======================================================================== seed 003
def test_003_shape(s003):
    check_shape_and_refs(s003)
    assert s003["ente"] == {"nome": "Unione Marca Occidentale", "tipo": "unione", "comuni_membri": ["Loria", "Resana"]}
    assert (s003["piano"]["anno_inizio"], s003["piano"]["anno_fine"]) == (2025, 2027)  # l.5 "ANNO 2025/2027"


def test_003_counts(s003):
    settori = [u for u in s003["unita"] if u["tipo"] == "settore"]
    assert len(settori) == 4  # TUTTI I SETTORI (l.42) is not a unit
    objs = list(walk(s003["obiettivi"]))
    assert len(objs) == 11 and len(s003["obiettivi"]) == 11
    assert sum(len(o["fasi"]) for o in objs) == 23
    assert sum(len(o["indicatori"]) for o in objs) == 32
    # 27 staff rows: l.148, 184-185, 241-254 (13), 353-363 (11). The brief and analysis §1.4 say 26, but
    # l.363 "Vaghi Giuseppina 18 OPERATORE ESPERTO" is the last line of the file (no trailing newline, so
    # `wc -l` reports 362) and was missed there.
    assert len(s003["persone"]) == 27
    per_unit = {}
    for p in s003["persone"]:
        per_unit.setdefault(p["unita"], []).append(p)
    assert {k: len(v) for k, v in per_unit.items()} == {"pc": 1, "fin": 2, "pl": 13, "ss": 11}
    assert sum(p["ore_settimanali"] for p in per_unit["pl"]) == 468
    assert sum(p["ore_settimanali"] for p in per_unit["ss"]) == 352  # 7x36 + 30 + 18 + 34 + 18
    assert [len(o["fasi"]) for o in objs] == [3, 3, 2, 2, 3, 3, 2, 0, 2, 3, 0]
    assert [len(o["indicatori"]) for o in objs] == [2, 1, 1, 1, 5, 1, 2, 2, 4, 7, 6]


def test_003_transversal(s003):
    ts = [o for o in s003["obiettivi"] if o["trasversale"]]
    assert [o["codice"] for o in ts] == ["TS.1", "TS.2"]
    for o in ts:
        assert o["unita"] is None and o["responsabile"] is None
        assert o["peso"] == "50"  # T3 "OBIETTIVI PREVISTI" l.39-40 "50%"
    assert ts[1]["titolo"] == "Riduzione dei tempi di pagamento"  # l.57 (detail title blank at l.81)
    assert ts[1]["descrizione"].count("\n") == 4  # five <p> paragraphs at l.82
    assert ts[1]["descrizione"].endswith("su un volume dei pagamenti pari al 95%.")
    assert s003["obiettivi_previsti"][1] == {"descrizione": "2) Riduzione dei tempi di pagamento", "parametro": "PNRR",
                                             "peso": "50%"}  # l.40
    assert len(s003["parte_a"]) == 7  # l.16-22
    assert s003["parte_a"][0] == {"indicatore": "Grado di attendibilità della programmazione",
                                  "fattori": "Stanzamenti definitivi / stanziamenti iniziali"}  # l.16 (sic)


def test_003_verbatim_values(s003):
    pc1, pc2 = by_code(s003, "PC.1"), by_code(s003, "PC.2")
    assert (pc1["peso"], pc2["peso"]) == ("30", "30")  # l.110-111
    assert pc2["titolo"] == "Attuazione del Piano Triennale del Fabbisogno di personale per l'anno 2025"  # l.133
    assert pc2["altri_settori"] == "Settore Economico-Finanziario"  # l.139
    assert by_code(s003, "PL.1")["peso"] is None  # blank weight
    # l.201 vs l.207: detail title repeats obj. 2, RIEPILOGO title used
    pl1 = by_code(s003, "PL.1")
    assert pl1["titolo"] == "REALIZZAZIONE PROGETTO IMPLEMENTAZIONE VIDEOSORVEGLIANZA"
    assert pl1["descrizione"].startswith("Alla luce di fatti di cronaca")  # l.208
    assert by_code(s003, "PL.2")["indicatori"][0]["misure"][0]["target"] == "< o = a 80%"  # l.237
    fin1 = by_code(s003, "FIN.1")
    assert fin1["titolo"] == "Rendiconto spese per sanzioni artt. 142 e 208"  # l.158
    assert [i["misure"][0]["target"] for i in fin1["indicatori"]] == [
        "n.1 atto amministrativo",  # l.175
        "n. 4 prospetti per Comune e n. 1 prospetto di sintesi dei dati contabili",  # l.176
        "n. 1 certificato compilato ed inviato",  # l.177
        "n. 2",  # l.180 (orphan block l.179-182)
        "n. 1",  # l.181
    ]
    assert fin1["indicatori"][0]["formula"] == "n. ___ atto amministrativo"  # l.175
    ss2, ss3 = by_code(s003, "SS.2"), by_code(s003, "SS.3")
    assert ss2["tipologia"] == ["gestionale", "esecutivo"]  # l.292 both ticked
    assert ss3["anni"] == [2025, 2026]  # l.312
    assert ss3["missione"] == "12 Diritti sociali, politiche sociali e famiglia"  # l.311
    assert [f["scadenza"] for f in ss3["fasi"]] == ["2025-05-31", "2026-12-31", "2025-12-02"]  # l.317-319
    assert [i["misure"][0]["target"] for i in by_code(s003, "SS.4")["indicatori"]] == \
        ["si", "si", "si", "2", "5", "50"]  # l.344-350
    for o in walk(s003["obiettivi"]):
        for i in o["indicatori"]:
            assert len(i["misure"]) == 1
            m = i["misure"][0]
            assert (m["anno"], m["periodo"], m["valore"]) == (2025, "", None)


def test_003_persons(s003):
    p = {x["key"]: x for x in s003["persone"]}
    ces = p["ceschel_silvia"]
    assert "dott.ssa CESCHEL SIVIA" in ces["alias"] and "Ceschel Silvia (EQ)" in ces["alias"]  # l.258, l.353
    assert ces["eq"] is True and ces["categoria"] == "FUNZIONARIO EQ"
    man = p["manuppelli_mariarosa"]
    assert (man["cognome"], man["nome"], man["categoria"]) == ("MANUPPELLI", "MARIA ROSA", "FUNZIONARIO / EQ")  # l.241
    assert p["gatto_rivelina"]["ore_settimanali"] == 30  # l.360
    assert p["vaghi_giuseppina"]["ore_settimanali"] == 18  # l.363
    assert p["favaro_eleonora"]["eq"] is False  # l.185 ISTRUTTORE
    u = {x["key"]: x for x in s003["unita"]}
    assert u["pc"]["codice"] == "Coordinamento" and u["pc"]["responsabile"] == "rossetto_chiara"  # l.101-102
    assert u["pl"]["codice"] == "POLIZIA LOCALE"  # l.193


# ======================================================================== seed 002
def test_002_shape(s002):
    check_shape_and_refs(s002)
    assert s002["ente"]["nome"] == "Comune di Modena" and s002["ente"]["tipo"] == "comune"
    assert (s002["piano"]["anno_inizio"], s002["piano"]["anno_fine"]) == (2021, 2023)
    assert [o["codice"] for o in s002["obiettivi"]] == ["OE0527", "10701", "10703"]


def test_002_oe0527(s002):
    oe = by_code(s002, "OE0527")
    assert (oe["ramo"], oe["livello"]) == ("obiettivi", "operativo")
    assert [c["codice"] for c in oe["figli"]] == ["OE052701", "OE052702", "OE052703"]
    assert all(c["livello"] == "specifico" for c in oe["figli"])
    assert oe["perc_avanzamento_stampata"] == "66,67" and oe["perc_convalidata"] == "66,67"  # L37, L42
    assert oe["stato"] == "IN Corso"  # L34
    assert len(oe["roster"]) == 11  # L47-57
    os1, os2, os3 = oe["figli"]
    assert (os1["inizio_previsto"], os1["fine_prevista"]) == ("2021-01-01", "2021-06-30")  # L68
    assert (os2["inizio_previsto"], os2["fine_prevista"]) == ("2021-01-01", "2021-01-31")  # L97
    assert [len(x["assegnazioni"]) for x in oe["figli"]] == [8, 6, 11]
    # L71 "RIGHI-ANALISA ... S" resolves to RIGHI ANNALISA
    assert os1["assegnazioni"][0] == {"persona": "righi_annalisa", "data_inizio": "2021-01-01",
                                      "data_fine": "2021-06-30", "responsabile": True, "impegno": None}
    assert os2["responsabile"] == "terenziani_massimo"  # L100
    ind = os3["indicatori"][0]  # L142-144
    assert ind["descrizione"] == "N. aggiornamenti - aggiornamento software"
    assert [(m["periodo"], m["target"], m["valore"]) for m in ind["misure"]] == [
        ("", "1,00", "0,00"), ("Giugno", "0,00", "0,00"), ("Dicembre", "1,00", "0,00")]
    r2 = os3["monitoraggio"][1]  # L150-154, cells broken across lines
    assert r2["relazione_settore"].endswith("nei primi mesi del 2022.")
    assert r2["osservazioni_nucleo"].endswith("entro il termine definito.")
    assert r2["risposta_settore"].startswith("Nonostante l'impegno")


def test_002_10701(s002):
    uo = by_code(s002, "10701")
    assert (uo["ramo"], uo["livello"], uo["perc_convalidata"]) == ("attivita", "scheda_uo", "98,51")  # L2462
    assert len(uo["figli"]) == 10
    assert all(f["livello"] == "attivita_gestionale" and f["ramo"] == "attivita" for f in uo["figli"])
    assert sum(len(f["indicatori"]) for f in uo["figli"]) == 23
    assert len(uo["roster"]) == 23  # L2465-2486 + L2489
    a4 = by_code(s002, "UO046704")
    sop = a4["indicatori"][1]  # L2667-2669
    assert sop["descrizione"] == "N. sopralluoghi - Commissione di Vigilanza" and sop["peso"] == "50"
    assert [(m["periodo"], m["target"], m["valore"]) for m in sop["misure"]] == [
        ("", "47,00", "33,00"), ("Giugno", "25,00", "12,00"), ("Dicembre", "22,00", "21,00")]
    assert sop["aggregazione"] == "somma" and sop["polarita"] == "crescente"
    assert [(a["persona"], a["data_inizio"], a["data_fine"], a["responsabile"]) for a in a4["assegnazioni"]] == [
        ("righi_annalisa", "2021-05-11", "2021-12-31", True),  # L2657
        ("chiriciello_rosaria", "2021-01-01", "2021-12-31", False),  # L2658 "CHIRICIELLO-ROSTARIA"
        ("ronchetti_giovanna", "2021-07-07", "2021-12-31", False),  # L2659
        ("terenziani_massimo", "2021-01-01", "2021-05-11", False),  # L2660
        ("toselli_monica", "2021-01-01", "2021-12-31", False)]  # L2661
    assert a4["flags"] == ["Prevenzione della corruzione", "Servizi di area vasta"]  # L2647-2648
    a1 = by_code(s002, "UO046701")  # L2625-2627
    assert a1["indicatori"][0]["polarita"] == "decrescente" and a1["indicatori"][0]["aggregazione"] == "media"
    assert a1["flags"] == ["Controlli di qualità", "Protezione civile"]  # L2609-2610
    car = by_code(s002, "UO046707")["indicatori"][0]  # L2707
    assert (car["descrizione"], car["peso"], car["misure"][0]["target"], car["misure"][0]["valore"]) == \
        ("N. cartellini", "20", "1.800,00", "2.880,00")
    assert by_code(s002, "UO046715")["extra"]["Att. Esternalizzata"] is None  # L2743 blank
    assert by_code(s002, "UO046720")["flags"] == ["Prevenzione della corruzione", "Trasparenza"]  # L2822-2823


def test_002_10703(s002):
    uo = by_code(s002, "10703")
    assert uo["perc_convalidata"] == "94,31"  # L3066
    assert len(uo["figli"]) == 24
    assert sum(len(f["indicatori"]) for f in uo["figli"]) == 40
    assert len(uo["roster"]) == 85  # L3069-3161
    assert all(f["responsabile"] is None for f in uo["figli"])  # no "S" row in 10703
    a = by_code(s002, "UO041453")  # outsourcing rows inside the flags table, L3175-3177
    assert a["flags"] == []
    assert (a["extra"]["Att. Esternalizzata"], a["extra"]["Sogg. Affidatario"], a["extra"]["Mod. di Affidamento"]) == \
        ("Si Parzialmente", "CSS", "Appalto")
    t = by_code(s002, "UO041456")  # L3290-3295
    assert [(m["periodo"], m["valore"]) for m in t["indicatori"][0]["misure"]] == \
        [("", "80,00"), ("Giugno", "81,00"), ("Dicembre", "80,00")]
    assert "conseguito 80,5%" in t["monitoraggio"][1]["osservazioni_nucleo"]
    assert len(by_code(s002, "UO041430")["assegnazioni"]) == 53  # L3794-3850


def test_002_half_years_everywhere(s002):
    n = 0
    for o in walk(s002["obiettivi"]):
        for i in o["indicatori"]:
            n += 1
            assert [(m["anno"], m["periodo"]) for m in i["misure"]] == [(2021, ""), (2021, "Giugno"),
                                                                      (2021, "Dicembre")]
            assert all(m["target"] and m["valore"] for m in i["misure"])
        if o["livello"] in ("specifico", "attivita_gestionale"):
            assert [m["round"] for m in o["monitoraggio"]] == [1, 2]
    assert n == 3 + 23 + 40


def test_002_persons(s002):
    p = {x["key"]: x for x in s002["persone"]}
    righi = p["righi_annalisa"]
    assert {"RIGHI-ANALISA", "RIGHI, ANNALISA", "RIGHI ANNALISA", "RIGHI-ANNALISA"} <= set(righi["alias"])
    assert righi["categoria"] == "Dirigente"
    assert {"STOCCHIO-FAUSTO", "STOCCO-FAUSTO", "STOCCH-FAUSTO"} <= set(p["stocchio_fausto"]["alias"])  # L3152, L3287
    assert p["terenziani_massimo"]["categoria"] is None  # never in a roster
    assert p["lolli_maddalena"]["categoria"] == "Categoria D3"  # L54
    assert not any(k.startswith("stocco_") or k == "righi_analisa" for k in p)


def _ind_achievement(i):
    per = [m for m in i["misure"] if m["periodo"]]
    ann = next(m for m in i["misure"] if not m["periodo"])
    if i["aggregazione"] == "somma":
        t, v = sum(num(m["target"]) for m in per), sum(num(m["valore"]) for m in per)
        assert (t, v) == (num(ann["target"]), num(ann["valore"]))  # printed annual = sum of the periods
    else:  # media: mean of the non-empty periods (seed-002.md §3.1)
        ne = [m for m in per if num(m["target"]) or num(m["valore"])]
        t = sum(num(m["target"]) for m in ne) / len(ne)
        v = sum(num(m["valore"]) for m in ne) / len(ne)
    if i["polarita"] == "crescente":
        return min(v / t, 1.0)
    return 1.0 if v <= t else t / v


@pytest.mark.parametrize("code,printed", [("OE0527", "66,67"), ("10701", "98,51"), ("10703", "94,31")])
def test_002_printed_percentages_reproduce(s002, code, printed):
    """Data integrity: the seed-002 rule (§3) recomputes the printed % from these data."""
    s = by_code(s002, code)
    leaves = []
    for f in s["figli"]:
        w = sum(num(i["peso"]) for i in f["indicatori"])
        assert w == 100
        leaves.append(100 * sum(num(i["peso"]) * _ind_achievement(i) for i in f["indicatori"]) / w)
    pct = sum(leaves) / len(leaves)
    assert f"{pct:.2f}".replace(".", ",") == printed
    assert printed == (s["perc_convalidata"])
