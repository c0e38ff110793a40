"""``piaodesk rischio FILE`` (issue 18 point 4): the ente's scale, set, described, renamed; a level
objectives use is never dropped (seed 001 grades each row BASSA/MEDIA, L115-L121, «BASSO» L501)."""

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
    for code, lv in (("1", "BASSA"), ("2", "MEDIA"), ("3", "MEDIA"), ("4", None)):
        a.apply(InsertRow(Obiettivo(codice=code, titolo=f"Obiettivo {code}", rischio_livello=lv,
                                    rischio_corruttivo=lv is not None)))
    a.close()
    return path


def test_list_set_rename_and_refuse(tmp_path):
    plan = _plan(tmp_path)
    r = _cli("rischio", str(plan))
    assert r.returncode == 0
    assert "(predefinita)" in r.stdout and " 2. MEDIA     2 obiettivi" in r.stdout
    # dropping MEDIA and BASSA, used by objectives 1-3: refused, the objectives named, nothing written
    r = _cli("rischio", str(plan), "--scala", "BASSO,MEDIO,ALTO,CRITICO")
    assert r.returncode == 2
    assert "«BASSA» è usato da 1 obiettivo (1)" in r.stderr and "«MEDIA» è usato da 2 obiettivi (2, 3)" in r.stderr
    assert "--rinomina" in r.stderr
    with Archive.open(plan, readonly=True) as a:
        assert a.impostazione("scala_rischio") is None
    r = _cli("rischio", str(plan), "--scala", "BASSO,MEDIO,ALTO,CRITICO", "--rinomina", "BASSA=BASSO",
             "MEDIA=MEDIO", "--descrizione", "CRITICO=appalti sopra soglia", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout[r.stdout.index("{"):])
    assert [x["nome"] for x in data["livelli"]] == ["BASSO", "MEDIO", "ALTO", "CRITICO"]
    assert data["livelli"][1]["obiettivi"] == ["2", "3"] and data["livelli"][3]["descrizione"] == "appalti sopra soglia"
    with Archive.open(plan, readonly=True) as a:
        assert sorted(o.rischio_livello or "" for o in a.obiettivi()) == ["", "BASSO", "MEDIO", "MEDIO"]
    # a duplicate (BASSO and BASSA are the same level) and an unknown --descrizione: refused
    r = _cli("rischio", str(plan), "--scala", "BASSO,BASSA,ALTO")
    assert r.returncode == 2 and "riga 2 («BASSA»): è lo stesso livello della riga 1 («BASSO»)" in r.stderr
    r = _cli("rischio", str(plan), "--descrizione", "GRAVE=x")
    assert r.returncode == 2 and "GRAVE non è un livello della scala" in r.stderr
