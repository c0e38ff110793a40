"""``piaodesk print`` through piaodesk.cli.main."""

from __future__ import annotations

import io

from pypdf import PdfReader

from piaodesk.cli import main


def test_print_scheda_obiettivi_of_one_settore(demo_path, tmp_path, capsys):
    out = tmp_path / "stampe"
    rc = main(["print", str(demo_path), "--scheda", "obiettivi", "--settore", "Coordinamento",
               "--anno", "2025", "--out", str(out)])
    assert rc == 0
    files = list(out.glob("*.pdf"))
    assert [f.name for f in files] == ["scheda_obiettivi_2025_Coordinamento.pdf"]
    reader = PdfReader(io.BytesIO(files[0].read_bytes()))
    assert "26,10" in reader.pages[0].extract_text()  # 10×27 + 30×29 + 30×27 + 30×22
    assert "1 scheda stampata" in capsys.readouterr().out


def test_print_all_settori_and_one_obiettivo_and_one_person(demo_path, tmp_path):
    out = tmp_path / "s"
    # the demo's schede have «errore» problems (objectives without weight beside weighted ones)
    assert main(["print", str(demo_path), "--scheda", "obiettivi", "--out", str(out), "--forza"]) == 0
    assert len(list(out.glob("scheda_obiettivi_*.pdf"))) >= 5  # 4 settori of 003 + 002 units
    assert (out / "scheda_obiettivi_2025_TUTTI_I_SETTORI.pdf").exists()
    assert main(["print", str(demo_path), "--scheda", "obiettivo", "--obiettivo", "oe0527",
                 "--out", str(out), "--forza"]) == 0
    pdf = (out / "scheda_obiettivo_2025_OE0527.pdf").read_bytes()
    assert "66,67" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert main(["print", str(demo_path), "--scheda", "individuale", "--persona", "Orso Gianna",
                 "--out", str(out), "--forza"]) == 0
    assert len(list(out.glob("scheda_individuale_2025_*Orso*.pdf"))) == 1


def test_print_errors_are_italian(demo_path, tmp_path, capsys):
    assert main(["print", str(demo_path), "--scheda", "obiettivi", "--settore", "Inesistente",
                 "--out", str(tmp_path)]) == 2
    assert "Settore «Inesistente» non trovato" in capsys.readouterr().err
    assert main(["print", str(demo_path), "--scheda", "obiettivo", "--out", str(tmp_path)]) == 2
    assert "--obiettivo" in capsys.readouterr().err
    assert main(["print", str(demo_path), "--scheda", "individuale", "--anno", "2031",
                 "--out", str(tmp_path)]) == 2
    assert "fuori dal triennio" in capsys.readouterr().err
    assert main(["print", str(tmp_path / "manca.piao"), "--scheda", "obiettivi", "--out", str(tmp_path)]) == 2
