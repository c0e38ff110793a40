"""The command line checks values with the grids' rules and words (domain/validazione.py)."""

from __future__ import annotations

import pytest

from piaodesk.cli import main


def _refused(args, capsys) -> str:
    try:
        code = main(args)
    except SystemExit as exc:  # argparse
        code = exc.code
    assert code == 2
    return capsys.readouterr().err


def test_perc_out_of_range_is_refused(demo_path, capsys):
    err = _refused(["monitoraggio", str(demo_path), "valida", "31/12/2025", "10701", "--perc", "150",
                    "--motivo", "x"], capsys)
    assert "La percentuale 150 non è ammessa" in err and "tra 0 e 100" in err
    err = _refused(["monitoraggio", str(demo_path), "valida", "31/12/2025", "10701", "--perc", "abc",
                    "--motivo", "x"], capsys)
    assert "«abc» non è un numero valido" in err


@pytest.mark.parametrize("anno", ["99999", "abc"])
def test_year_out_of_range_is_refused(demo_path, capsys, anno):
    err = _refused(["bilancio", str(demo_path), "--anno", anno], capsys)
    assert ("tra 2000 e 2100" in err) if anno != "abc" else ("non è un numero valido" in err)
