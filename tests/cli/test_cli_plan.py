"""`piaodesk demo --no-gui`, `piaodesk info`, `piaodesk nuovo` and the error paths."""

import json
import sqlite3
from pathlib import Path

from piaodesk.cli import main


def test_demo_then_info(tmp_path: Path, capsys):
    plan = tmp_path / "x.piao"
    assert main(["demo", "--path", str(plan), "--no-gui"]) == 0
    assert plan.exists()
    capsys.readouterr()
    assert main(["info", str(plan)]) == 0
    out = capsys.readouterr().out
    assert "Unione Marca Occidentale" in out
    assert "2025/2027" in out
    counts = {}
    for line in out.splitlines():
        label, _, value = line.rpartition(":")
        if value.strip().isdigit():
            counts[label.strip()] = int(value)
    assert counts["Fasi"] == 23
    assert counts["Obiettivi"] >= 15
    assert counts["Persone"] > 100
    assert main(["info", str(plan), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["fasi"] == 23 and data["ente"] == "Unione Marca Occidentale"


def test_demo_reuses_existing_and_refuses_foreign(tmp_path: Path, capsys):
    plan = tmp_path / "x.piao"
    main(["demo", "--path", str(plan), "--no-gui"])
    assert main(["demo", "--path", str(plan), "--no-gui"]) == 0
    assert "esistente" in capsys.readouterr().out
    foreign = tmp_path / "altro.piao"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    assert main(["demo", "--path", str(foreign), "--no-gui"]) == 2
    assert "non un piano piaodesk" in capsys.readouterr().err


def test_info_errors_are_italian(tmp_path: Path, capsys):
    text = tmp_path / "testo.piao"
    text.write_text("ciao", encoding="utf-8")
    assert main(["info", str(text)]) == 2
    assert "non è un piano piaodesk" in capsys.readouterr().err
    assert main(["info", str(tmp_path / "manca.piao")]) == 2
    assert "non esiste" in capsys.readouterr().err


def test_nuovo(tmp_path: Path, capsys):
    assert main(["nuovo", str(tmp_path / "nuovo"), "--ente", "Comune di Resana", "--anno", "2026"]) == 0
    assert main(["info", str(tmp_path / "nuovo.piao")]) == 0
    out = capsys.readouterr().out
    assert "Comune di Resana" in out and "2026/2028" in out
