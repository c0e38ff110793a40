"""``piaodesk calendario`` and ``piaodesk catalogo`` (issue 18 points 2 and 9)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from piaodesk.domain.model import Obiettivo, Piano
from piaodesk.store.archive import Archive
from piaodesk.store.edits import InsertRow


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "piaodesk", *args], capture_output=True, text=True, timeout=120)


def _plan(tmp_path: Path) -> Path:
    path = tmp_path / "p.piao"
    a = Archive.create(path, Piano(titolo="Piano", anno_inizio=2026, anno_fine=2028))
    # seed 001 L442, L211 and a text that names no programme
    for code, mis, prog in (("1", "MISSIONE 12 – DIRITTI SOCIALI, POLITICHE SOCIALI E FAMIGLIA",
                             "PROGRAMMA 2: INTERVENTI PER LA DISABILITÀ"),
                            ("2", "MISSIONE 01: SERVIZI ISTITUZIONALI, GENERALI E DI GESTIONE",
                             "PROGRAMMA 10: RISORSE UMANE"),
                            ("3", None, "La città del welfare")):
        a.apply(InsertRow(Obiettivo(codice=code, titolo=f"Obiettivo {code}", missione=mis, programma=prog)))
    a.close()
    return path


def test_calendar_days_left_and_ente_settings(tmp_path):
    plan = _plan(tmp_path)
    r = _cli("calendario", str(plan), "--oggi", "20/09/2026", "--json")
    voci = {v["voce"]: v for v in json.loads(r.stdout)}
    assert voci["variazioni"]["data"] == "30/09/2026" and voci["variazioni"]["giorni"] == 10
    assert voci["relazione"]["data"] == "30/06/2027" and voci["piao"]["stato"] == "scaduta da 232 giorni"
    r = _cli("calendario", str(plan), "--imposta", "relazione=15/06", "variazioni_peg=off",
             "--bilancio", "10/03/2026", "--json")
    voci = {v["voce"]: v for v in json.loads(r.stdout)}
    assert voci["relazione"]["data"] == "15/06/2027" and "variazioni_peg" not in voci
    assert voci["piao"]["data"] == "09/04/2026"  # 30 days after the late budget
    r = _cli("calendario", str(plan), "--imposta", "relazione=31/02")
    assert r.returncode == 2 and "non è una data" in r.stderr
    r = _cli("calendario", str(plan), "--json")  # the refused change wrote nothing
    assert {v["voce"]: v for v in json.loads(r.stdout)}["relazione"]["data"] == "15/06/2027"


def test_catalogue_review_applies_only_sure_matches(tmp_path):
    plan = _plan(tmp_path)
    r = _cli("catalogo", str(plan))
    assert r.returncode == 0 and "2 proposte sicure, 1 da rivedere" in r.stdout
    assert "Programma 12.02 – Interventi per la disabilità" in r.stdout
    with Archive.open(plan, readonly=True) as a:
        assert all(o.programma_cod is None for o in a.obiettivi())  # only a proposal so far
    r = _cli("catalogo", str(plan), "--applica")
    assert "Registrati 2 programmi; 1 da scegliere a mano" in r.stdout
    with Archive.open(plan, readonly=True) as a:
        assert {o.codice: o.programma_cod for o in a.obiettivi()} == {"1": "12.02", "2": "01.10", "3": None}


def test_relative_deadlines_wait_for_their_event_then_get_a_date(tmp_path):
    """Seed 001 L158-L159 «entro 30 giorni dall'approvazione» and L238-L241 «Entro 5 giorni dalla
    stipula definitiva dell'accordo aziendale»: stored as written, dated when the event is known."""
    from piaodesk.domain.model import Fase

    plan = _plan(tmp_path)
    with Archive.open(plan) as a:
        oid = a.obiettivi()[0].id
        a.apply(InsertRow(Fase(obiettivo_id=oid, descrizione="Crono programma",
                               scadenza_relativa="entro 30 giorni dall'approvazione")))
        a.apply(InsertRow(Fase(obiettivo_id=oid, descrizione="Trasmissione",
                               scadenza_relativa="Entro 5 giorni dalla stipula definitiva dell'accordo aziendale")))
    r = _cli("calendario", str(plan))
    assert "in attesa   fase «Crono programma»" in r.stdout and "manca la data di «approvazione»" in r.stdout
    r = _cli("calendario", str(plan), "--evento", "approvazione=15/03/2026")
    assert r.returncode == 0 and "→ 14/04/2026" in r.stdout and "1 scadenze calcolate" in r.stdout
    r = _cli("calendario", str(plan), "--evento", "stipula definitiva=02/05/2026")
    assert "→ 07/05/2026" in r.stdout
    with Archive.open(plan, readonly=True) as a:
        got = {f.descrizione: (f.scadenza_relativa, f.scadenza) for f in a.fasi()}
    from datetime import date as d
    assert got["Crono programma"] == ("entro 30 giorni dall'approvazione", d(2026, 4, 14))
    assert got["Trasmissione"][1] == d(2026, 5, 7)
    r = _cli("calendario", str(plan), "--evento", "approvazione=31/02/2026")
    assert r.returncode == 2 and "non è una data" in r.stderr
