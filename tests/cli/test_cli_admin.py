"""CLI: piaodesk monitoraggio … / bilancio / rinnova."""

from __future__ import annotations

from decimal import Decimal as D

from piaodesk.cli import main
from piaodesk.store.archive import Archive


def test_monitoraggio_round_trip(demo_path, capsys):
    assert main(["monitoraggio", str(demo_path), "apri", "--data", "30/09/2025", "--nome", "Terzo"]) == 0
    out = capsys.readouterr().out
    assert "«Terzo» al 30/09/2025: 98 indicatori" in out
    assert main(["monitoraggio", str(demo_path), "apri", "--data", "30/09/2025"]) == 2
    assert "Esiste già un monitoraggio al 30/09/2025" in capsys.readouterr().err
    assert main(["monitoraggio", str(demo_path), "apri", "--data", "31/13/2025"]) == 2
    assert "non è una data" in capsys.readouterr().err
    assert main(["monitoraggio", str(demo_path), "rileva", "31/12/2025"]) == 0
    assert main(["monitoraggio", str(demo_path), "valida", "31/12/2025", "10701", "--perc", "100"]) == 2
    assert "motivazione" in capsys.readouterr().err
    assert main(["monitoraggio", str(demo_path), "valida", "31/12/2025", "10701", "--perc", "100",
                 "--motivo", "errore materiale"]) == 0
    assert "calcolata 98,51 %, validata 100,00 %" in capsys.readouterr().out
    assert main(["monitoraggio", str(demo_path), "chiudi", "31/12/2025", "--data", "15/01/2026"]) == 0
    assert main(["monitoraggio", str(demo_path), "valida", "31/12/2025", "10701", "--perc", "98,51"]) == 2
    assert "è chiuso il 15/01/2026" in capsys.readouterr().err
    assert main(["monitoraggio", str(demo_path), "elenco"]) == 0
    out = capsys.readouterr().out
    assert "Chiuso il 15/01/2026" in out and "Terzo" in out
    assert main(["monitoraggio", str(demo_path), "mostra", "31/12/2025"]) == 0
    out = capsys.readouterr().out
    assert "10701" in out and "98,51 %" in out and "errore materiale" in out
    with Archive.open(demo_path, readonly=True) as arc:
        codes = {o.codice: o.id for o in arc.obiettivi()}
        (st,) = [s for s in arc.stati_avanzamento(codes["10701"]) if s.perc_validata is not None]
        assert (st.perc_calcolata, st.perc_validata) == (D("98.51"), D("100.00"))


def test_rinnova_prints_the_differences_and_writes_a_new_plan(demo_path, tmp_path, capsys):
    out_path = tmp_path / "prossimo"
    assert main(["rinnova", str(demo_path), "--out", str(out_path), "--prova"]) == 0
    out = capsys.readouterr().out
    assert "Non riportati" in out and "Prova: nessun file scritto." in out
    assert not out_path.with_suffix(".piao").exists()
    assert main(["rinnova", str(demo_path), "--out", str(out_path)]) == 0
    out = capsys.readouterr().out
    assert "Piano della Performance 2026/2028" in out and "Attività gestionali:" in out
    with Archive.open(out_path.with_suffix(".piao"), readonly=True) as new:
        assert (new.piano().anno_inizio, new.piano().anno_fine) == (2026, 2028)
    assert main(["rinnova", str(demo_path), "--out", str(out_path)]) == 2
    assert "esiste già" in capsys.readouterr().err


def test_bilancio_without_resources(demo_path, capsys):
    assert main(["bilancio", str(demo_path)]) == 0
    assert "Nessuna risorsa finanziaria per il 2025." in capsys.readouterr().out
