"""CLI: piaodesk valutazione FILE elenco | mostra | imposta | verifica (issue 10)."""

from __future__ import annotations

import json
from decimal import Decimal as D

from piaodesk.cli import main
from piaodesk.store.archive import Archive
from piaodesk.store.backup import list_backups
from piaodesk.store.valutazioni import QuadroValutazioni


def test_mostra_json_has_everything_a_sheet_needs(demo_path, capsys):
    assert main(["valutazione", str(demo_path), "mostra", "--persona", "favaro eleonora", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["valutato"] == "FAVARO ELEONORA" and data["valutatore"].startswith("ORSO GIANNA")
    assert data["categoria"] == "Area degli Istruttori" and data["stato"] == "completa"
    assert [c["componente"] for c in data["componenti"]] == ["organizzativa", "struttura", "individuali",
                                                             "comportamenti"]
    assert [c["peso"] for c in data["componenti"]] == ["10.00", "20.00", "30.00", "40.00"]
    total = sum(D(c["ponderato"]) for c in data["componenti"])
    assert abs(total - D(data["finale"])) <= D("0.02")
    assert data["fascia"] == "D" and data["passo"] == "esito_riesame"
    with Archive.open(demo_path, readonly=True) as arc:
        v = QuadroValutazioni(arc, 2025).persona(arc.trova_persona("FAVARO ELEONORA").id)
        assert data["finale"] == str(v.esito.finale.quantize(D("0.01")))
    # the incomplete one: no final, no fascia, what is missing
    assert main(["valutazione", str(demo_path), "mostra", "--persona", "GRECO ANTONIO", "--json"]) == 0
    greco = json.loads(capsys.readouterr().out)
    assert greco["stato"] == "incompleta" and greco["finale"] is None and greco["fascia"] is None
    assert "punteggi dei comportamenti" in greco["mancanti"][0]


def test_elenco_filters_and_text_output(demo_path, capsys):
    assert main(["valutazione", str(demo_path), "elenco", "--stato", "incompleta"]) == 0
    out = capsys.readouterr().out
    assert "1 persone" in out and "GRECO ANTONIO" in out and "Verifica intermedia" in out
    assert main(["valutazione", str(demo_path), "elenco", "--passo", "esito_riesame"]) == 0
    assert "FAVARO ELEONORA" in capsys.readouterr().out
    assert main(["valutazione", str(demo_path), "elenco", "--passo", "boh"]) == 2
    assert "Passo «boh» sconosciuto" in capsys.readouterr().err
    assert main(["valutazione", str(demo_path), "mostra", "--persona", "GRECO ANTONIO"]) == 0
    out = capsys.readouterr().out
    assert "Valutazione incompleta — manca: punteggi dei comportamenti" in out and "fascia" not in out


def test_imposta_scores_completes_the_valuation_with_a_backup(demo_path, capsys):
    args = ["valutazione", str(demo_path), "imposta", "--persona", "GRECO ANTONIO",
            "--comportamento", "programmazione=25", "--comportamento", "utenza=22,5",
            "--comportamento", "risorse umane=24", "--comportamento", "Collaborazione=27",
            "--passo", "valutazione_finale", "--data", "30/01/2026"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "aggiornata: finale" in out and "piaodesk ripristina" in out
    assert list_backups(demo_path)
    with Archive.open(demo_path, readonly=True) as arc:
        v = QuadroValutazioni(arc, 2025).persona(arc.trova_persona("GRECO ANTONIO").id)
        assert v.esito.completa and v.passo == "valutazione_finale"
        assert {n: s for n, _, s in v.esito.comportamenti}["Orientamento al risultato e all'utenza"] \
            == D("22.5")
    # the same again: nothing to change
    assert main(args) == 0
    assert "Nessuna modifica" in capsys.readouterr().out


def test_imposta_refuses_bad_values_and_writes_nothing(demo_path, capsys):
    before = demo_path.read_bytes()
    cases = [
        (["--comportamento", "programmazione=35"], "fuori scala"),
        (["--comportamento", "programmazione=alto"], "«alto» non è un numero"),
        (["--comportamento", "simpatia=20"], "Comportamento «simpatia» sconosciuto"),
        (["--comportamento", "e=20"], "ambiguo"),
        (["--valutatore", "greco antonio"], "non può essere valutatore di sé stesso"),
        (["--passo", "valutazione_finale"], "richiede --data"),
        (["--passo", "esito_riesame", "--data", "01/03/2026"], "richiede una richiesta di riesame"),
        (["--categoria", "Dirigenti"], "non prevista"),
    ]
    for extra, message in cases:
        assert main(["valutazione", str(demo_path), "imposta", "--persona", "GRECO ANTONIO", *extra]) == 2
        assert message in capsys.readouterr().err, extra
    assert main(["valutazione", str(demo_path), "mostra", "--persona", "Nessuno Mai"]) == 2
    assert "Nessuna persona «Nessuno Mai»" in capsys.readouterr().err
    with Archive.open(demo_path, readonly=True) as arc:
        assert arc.audit(5)[0][2] != "Valutazione di GRECO ANTONIO"
    assert demo_path.read_bytes() == before


def test_verifica_lists_problems_and_exits_1_on_errors(demo_path, capsys):
    assert main(["valutazione", str(demo_path), "verifica"]) == 0
    out = capsys.readouterr().out
    assert "0 errori, 3 avvisi" in out and "pari peso" in out
    with Archive.open(demo_path) as arc:
        from piaodesk.domain.model import Obiettivo
        from piaodesk.store.edits import SetFields

        ts2 = next(o for o in arc.obiettivi() if o.codice == "TS.2")
        arc.apply(SetFields(Obiettivo, ts2.id, {"peso": D(20)}))
    assert main(["valutazione", str(demo_path), "verifica", "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert any(p["gravita"] == "errore" and "deve pesare almeno 30 %" in p["messaggio"] for p in problems)
