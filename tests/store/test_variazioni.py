"""Variations during the year (issue 18 point 5; seed 002: «richiesta di variazione entro il 30/09»)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from piaodesk.domain.model import Fase, Indicatore, Misura, Obiettivo, Piano
from piaodesk.domain.variazioni import Passo, StatoVariazione, Variazione, piega
from piaodesk.store import variazioni as var
from piaodesk.store.archive import Archive
from piaodesk.store.edits import Batch, DeleteRow, InsertRow, SetFields


def _delibera(**kw: object) -> Variazione:
    base = {"atto_tipo": "Deliberazione di Giunta", "atto_numero": "45", "atto_data": date(2026, 9, 12),
                "motivo": "Richiesta del responsabile entro il 30/09"}
    base.update(kw)
    return Variazione(**base)  # type: ignore[arg-type]


@pytest.fixture()
def arc(tmp_path: Path) -> Archive:
    a = Archive.create(tmp_path / "p.piao", Piano(titolo="Piano", anno_inizio=2026, anno_fine=2028))
    a.apply(InsertRow(Obiettivo(codice="1", titolo="Digitalizzare", peso=Decimal(30))))
    return a


def test_fold_keeps_first_before_and_last_after() -> None:
    passi = [Passo("obiettivi", 1, "peso", "30", "40"), Passo("obiettivi", 1, "peso", "40", "30"),
             Passo("obiettivi", 1, "titolo", "A", "B"), Passo("obiettivi", 1, "titolo", "B", "C"),
             Passo("fasi", 9, "", None, "x", "inserimento"), Passo("fasi", 9, "", "x", None, "eliminazione")]
    folded = piega(passi)
    assert [(p.campo, p.prima, p.dopo) for p in folded] == [("titolo", "A", "C")]


def test_edits_are_grouped_under_the_open_variation_with_before_after(arc: Archive) -> None:
    oid = arc.obiettivi()[0].id
    arc.apply(InsertRow(Fase(obiettivo_id=oid, descrizione="Bando", scadenza=date(2026, 6, 30))))
    fid = arc.fasi(oid)[0].id
    arc.apply(SetFields(Obiettivo, oid, {"peso": Decimal(35)}))  # before the variation: not in it
    arc.apply(var.ApriVariazione(_delibera()))
    assert var.aperta(arc) is not None
    arc.apply(Batch([SetFields(Fase, fid, {"scadenza": date(2026, 11, 30)}),
                     SetFields(Obiettivo, oid, {"peso": Decimal(40)})], "Variazione"))
    undone = SetFields(Obiettivo, oid, {"titolo": "Altro"})
    arc.apply(undone)
    arc.revert(undone)  # undone within the variation: leaves no line
    arc.apply(InsertRow(Fase(obiettivo_id=oid, descrizione="Collaudo")))
    voci = var.voci(arc, var.aperta(arc))
    righe = {(v.campo, v.prima, v.dopo) for v in voci}
    assert ("Scadenza", "30/06/2026", "30/11/2026") in righe
    assert ("Peso", "35 %", "40 %") in righe
    assert not any(v.campo == "Titolo" for v in voci)
    assert any(v.azione == "inserimento" and "Collaudo" in v.dopo for v in voci)
    assert any("Fase «Bando»" in v.oggetto and "1 Digitalizzare" in v.oggetto for v in voci)
    arc.apply(var.ChiudiVariazione())
    v = var.trova(arc, None)
    assert v.stato is StatoVariazione.CHIUSA and var.aperta(arc) is None
    frozen = var.voci(arc, v)
    assert {(x.campo, x.prima, x.dopo) for x in frozen} == righe
    arc.apply(SetFields(Obiettivo, oid, {"peso": Decimal(50)}))  # after closing: not in it
    assert var.voci(arc, var.trova(arc, v.id)) == frozen


def test_open_close_are_undoable_and_refusals_are_italian(arc: Archive) -> None:
    with pytest.raises(var.ErroreVariazione, match="motivo"):
        var.ApriVariazione(_delibera(motivo=" "))
    apri = var.ApriVariazione(_delibera())
    arc.apply(apri)
    with pytest.raises(var.ErroreVariazione, match="già una variazione aperta"):
        arc.apply(var.ApriVariazione(_delibera(atto_numero="46")))
    assert len(var.elenco(arc)) == 1  # the refused one left nothing
    chiudi = var.ChiudiVariazione()
    arc.apply(chiudi)
    arc.revert(chiudi)
    assert var.aperta(arc) is not None and var.aperta(arc).stato is StatoVariazione.APERTA
    arc.revert(apri)
    assert var.elenco(arc) == [] and var.aperta(arc) is None
    with pytest.raises(var.ErroreVariazione, match="Nessuna variazione aperta"):
        arc.apply(var.ChiudiVariazione())


def test_deleted_row_and_measures_are_named(arc: Archive) -> None:
    oid = arc.obiettivi()[0].id
    arc.apply(InsertRow(Indicatore(obiettivo_id=oid, descrizione="Pratiche evase")))
    iid = arc.indicatori(oid)[0].id
    arc.apply(InsertRow(Misura(indicatore_id=iid, anno=2026, target_testo="≥ 100", target=Decimal(100))))
    mid = arc.misure([iid])[0].id
    arc.apply(var.ApriVariazione(_delibera()))
    arc.apply(SetFields(Misura, mid, {"target_testo": "≥ 80", "target": Decimal(80)}))
    arc.apply(InsertRow(Obiettivo(codice="2", titolo="Da togliere")))
    arc.apply(DeleteRow(Obiettivo, arc.obiettivi()[-1].id))
    arc.apply(InsertRow(Obiettivo(codice="3", titolo="Nuovo")))
    arc.apply(DeleteRow(Indicatore, iid))
    voci = var.voci(arc, var.aperta(arc))
    assert any("Target/valore 2026 «Pratiche evase»" in v.oggetto and v.prima == "100" and v.dopo == "80"
               for v in voci)
    assert not any("Da togliere" in (v.prima + v.dopo) for v in voci)  # inserted and deleted: nothing
    assert any(v.azione == "eliminazione" and v.prima == "Pratiche evase" for v in voci)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "piaodesk", *args], capture_output=True, text=True,
                          timeout=120)


def test_cli_lists_shows_and_prints(tmp_path: Path) -> None:
    plan = tmp_path / "p.piao"
    a = Archive.create(plan, Piano(titolo="Piano", anno_inizio=2026, anno_fine=2028))
    a.apply(InsertRow(Obiettivo(codice="1", titolo="Digitalizzare", peso=Decimal(30))))
    oid = a.obiettivi()[0].id
    a.close()
    r = _cli("variazioni", str(plan))
    assert r.returncode == 0 and "Nessuna variazione" in r.stdout
    r = _cli("variazioni", str(plan), "apri", "--atto", "Deliberazione di Giunta", "--numero", "98",
             "--data", "25/09/2026", "--motivo", "Ritardo del finanziamento")
    assert r.returncode == 0, r.stderr
    r = _cli("variazioni", str(plan), "apri", "--atto", "X", "--motivo", "Y")
    assert r.returncode == 2 and "già una variazione aperta" in r.stderr
    r = _cli("variazioni", str(plan), "apri", "--atto", "X", "--motivo", "Y", "--data", "31/02/2026")
    assert r.returncode == 2 and "non è una data" in r.stderr
    with Archive.open(plan) as b:
        b.apply(SetFields(Obiettivo, oid, {"peso": Decimal(45)}))
    assert _cli("variazioni", str(plan), "chiudi").returncode == 0
    r = _cli("variazioni", str(plan))
    assert "Deliberazione di Giunta n. 98 del 25/09/2026" in r.stdout and "chiusa" in r.stdout
    r = _cli("variazioni", str(plan), "mostra", "1", "--json")
    data = json.loads(r.stdout)
    assert data["voci"] == [{"tabella": "obiettivi", "riga_id": oid, "oggetto": "Obiettivo 1 Digitalizzare",
                             "campo": "Peso", "prima": "30 %", "dopo": "45 %", "azione": "modifica"}]
    r = _cli("variazioni", str(plan), "stampa", "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    pdf = tmp_path / "out" / "variazioni.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Variazione n. 1 — Deliberazione di Giunta n. 98 del 25/09/2026" in text
    assert "Ritardo del finanziamento" in text and "30 %" in text and "45 %" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Pages:           1" in info  # the signatures stay on the page with the table
    fields = subprocess.run(["pdfsig", "-nocert", str(pdf)], capture_output=True, text=True)
    assert "Firma_Responsabile" in (fields.stdout + fields.stderr) or b"/Firma_Responsabile" in pdf.read_bytes()
    csv = (tmp_path / "out" / "variazioni.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0] == "N.;Atto;Motivo;Oggetto;Campo;Prima;Dopo"
    assert ";Peso;30 %;45 %" in csv
