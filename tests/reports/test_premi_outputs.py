"""``piaodesk premi``: the demo's valuations → xlsx and PDF whose amounts sum to the fund."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader

from piaodesk.cli import main
from piaodesk.domain.premi import RegolePremi
from piaodesk.store import premi as sp
from piaodesk.store.archive import Archive
from piaodesk.store.valutazioni import QuadroValutazioni


def test_cli_premi_writes_xlsx_and_signable_pdf_summing_to_the_fund(demo_path, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["premi", str(demo_path), "--fondo", "50000", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "distribuito 50.000,00 €" in text
    wb = load_workbook(out / "premi-2025.xlsx")
    ws = wb["Premi"]
    totali = [ws.cell(r, 12).value for r in range(3, ws.max_row)]
    assert round(sum(Decimal(str(v)) for v in totali), 2) == Decimal("50000.00")
    assert str(ws.cell(ws.max_row, 12).value).startswith("=SUM(L3:")
    pdf = PdfReader(out / "premi-2025.pdf")
    fields = pdf.get_fields() or {}
    assert {"Firma_Personale", "Firma_Segretario"} <= set(fields)
    assert "Differenziazione dei premi per fascia" in "".join(p.extract_text() for p in pdf.pages)


def test_premi_take_the_valuation_numbers_unchanged(demo_path):
    with Archive.open(demo_path, readonly=True) as arc:
        q = QuadroValutazioni(arc)
        _, esito = sp.calcola(arc, fondo=Decimal(1000), quadro=q)
        by = {p.b.persona_id: p for p in esito.premi}
        for v in q.tutte():
            assert by[v.persona.id].b.finale == v.esito.finale
            if v.esito.finale is None:
                assert by[v.persona.id].totale == 0
        assert sum(p.totale for p in esito.premi) == Decimal(1000)


def test_settings_stored_in_the_plan_and_undoable(demo_path):
    with Archive.open(demo_path) as arc:
        edit = sp.imposta_regole(RegolePremi(fondo=Decimal("1234.56"), soglia=Decimal(70)))
        arc.apply(edit)
        assert sp.regole(arc).fondo == Decimal("1234.56")
        _, esito = sp.calcola(arc)
        assert sum(p.totale for p in esito.premi) == Decimal("1234.56")
        assert all(p.totale == 0 for p in esito.premi if (p.b.finale or 0) < 70)
        arc.revert(edit)
        assert sp.regole(arc).fondo == 0


def test_cli_premi_errors_are_one_italian_line(demo_path, tmp_path, capsys):
    assert main(["premi", str(demo_path), "--out", str(tmp_path)]) == 2
    assert "Nessun fondo indicato" in capsys.readouterr().err
    assert main(["premi", str(tmp_path / "manca.piao"), "--fondo", "1", "--out", str(tmp_path)]) == 2
    assert "non esiste" in capsys.readouterr().err


def test_cli_trasparenza_pdf_and_csv_aggregated(demo_path, tmp_path):
    out = tmp_path / "tr"
    assert main(["trasparenza", str(demo_path), "--fondo", "50000", "--out", str(out)]) == 0
    premi_csv = (out / "trasparenza-premi-2025.csv").read_text(encoding="utf-8-sig")
    righe = [r.split(";") for r in premi_csv.splitlines()]
    assert ["Ammontare", "Ammontare complessivo dei premi stanziati", "50.000,00"] in righe
    cat = [r for r in righe if r[0] == "Categoria"]
    totale = sum(Decimal(r[4].replace(".", "").replace(",", ".")) for r in cat)
    assert totale == Decimal("50000.00")
    with Archive.open(demo_path, readonly=True) as arc:
        nomi = [p.nominativo for p in arc.persone()]
    assert not any(n and n in premi_csv for n in nomi)  # aggregated: nobody named
    obiettivi = (out / "trasparenza-obiettivi-2025.csv").read_text(encoding="utf-8-sig")
    assert "OE0527;" in obiettivi and "66,67 %" in obiettivi
    assert (out / "trasparenza-2025.pdf").stat().st_size > 1000


def test_cli_premi_one_fund_per_categoria(demo_path, tmp_path, capsys):
    out = tmp_path / "cat"
    assert main(["premi", str(demo_path), "--ripartizione", "categoria", "--fondo-per", "Area degli Istruttori",
                 "10000", "--fondo-per", "Responsabili di settore (EQ)", "5.000,50", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "distribuito 15.000,50 €" in text
    assert "Nessun fondo indicato per «Aree degli Operatori e degli Operatori esperti»" in text
    ws = load_workbook(out / "premi-2025.xlsx")["Premi"]
    per_cat: dict[str, Decimal] = {}
    for r in range(3, ws.max_row):
        per_cat[ws.cell(r, 4).value] = per_cat.get(ws.cell(r, 4).value, Decimal(0)) + Decimal(str(ws.cell(r, 12).value))
    assert round(per_cat["Area degli Istruttori"], 2) == Decimal("10000.00")
    assert round(per_cat["Responsabili di settore (EQ)"], 2) == Decimal("5000.50")
    assert per_cat["Aree degli Operatori e degli Operatori esperti"] == 0
    assert main(["premi", str(demo_path), "--fondo-per", "X", "1", "--out", str(out)]) == 2
    assert "vanno indicati insieme" in capsys.readouterr().err
