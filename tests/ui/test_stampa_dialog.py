"""«Stampa» dialog: PDFs rendered in a worker thread with a cancellable progress; the SMVP editor."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QPushButton, QTableWidgetItem

from piaodesk.reports import data
from piaodesk.ui.context import Context
from piaodesk.ui.dialogs.sistema_valutazione import SistemaValutazioneDialog
from piaodesk.ui.dialogs.stampa import StampaDialog
from piaodesk.ui.undo import ChangeHub

pytestmark = pytest.mark.ui


@pytest.fixture
def ctx(qtbot, demo, tmp_path):
    return Context(demo, QUndoStack(), ChangeHub(),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), anno=2025)


def _unit(ctx, code):
    return next(u for u in ctx.archive.unita() if u.codice == code)


def test_print_scheda_obiettivi_of_a_settore(qtbot, ctx, tmp_path):
    dlg = StampaDialog(ctx, None, "obiettivi")
    qtbot.addWidget(dlg)
    dlg.quiet = True
    dlg.settore.setCurrentIndex(dlg.settore.findData(_unit(ctx, "Coordinamento").id))
    dlg.cartella.setText(str(tmp_path / "out"))
    dlg.esegui()
    qtbot.waitUntil(lambda: dlg.files is not None, timeout=20000)
    assert not dlg.cancelled and dlg.error is None
    assert len(dlg.files) == 1
    pdf = Path(dlg.files[0]).read_bytes()
    assert "26,10" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()  # 10×27 + 30×29 + 30×27 + 30×22
    assert ctx.settings.value("stampa/cartella") == str(tmp_path / "out")


def test_print_selected_objective(qtbot, ctx, tmp_path):
    ctx.current_obiettivo = data.trova_obiettivo(ctx.archive, "OE0527").id
    dlg = StampaDialog(ctx, None, "obiettivo")
    qtbot.addWidget(dlg)
    dlg.quiet = True
    assert "OE0527" in dlg.obiettivo.text() and dlg.stampa_btn.isEnabled()
    dlg.cartella.setText(str(tmp_path))
    dlg.esegui()
    qtbot.waitUntil(lambda: dlg.files is not None, timeout=20000)
    assert [p.rsplit("/", 1)[-1] for p in dlg.files] == ["scheda_obiettivo_2025_OE0527.pdf"]


def test_no_objective_selected_disables_print(qtbot, ctx):
    ctx.current_obiettivo = None
    dlg = StampaDialog(ctx, None, "obiettivo")
    qtbot.addWidget(dlg)
    assert not dlg.stampa_btn.isEnabled()


def test_batch_individual_sheets_then_cancel(qtbot, ctx, tmp_path):
    dlg = StampaDialog(ctx, None, "individuali")
    qtbot.addWidget(dlg)
    dlg.quiet = True
    dlg.settore.setCurrentIndex(dlg.settore.findData(_unit(ctx, "POLIZIA LOCALE").id))
    # full batch of the settore: 13 people of Polizia Locale
    dlg.cartella.setText(str(tmp_path / "tutte"))
    dlg.esegui()
    qtbot.waitUntil(lambda: dlg.files is not None, timeout=30000)
    assert len(dlg.files) == 13 and not dlg.cancelled
    # all sheets of the plan, cancelled from the progress dialog after the first file
    dlg.settore.setCurrentIndex(0)
    dlg.cartella.setText(str(tmp_path / "annullate"))
    dlg.esegui()
    assert dlg.progress is not None and dlg.progress.isVisible()
    qtbot.waitUntil(lambda: dlg.progress.value() >= 1 or dlg.files is not None, timeout=30000)
    dlg.progress.findChild(QPushButton).click()  # the user presses «Annulla»
    qtbot.waitUntil(lambda: dlg.files is not None, timeout=30000)
    QThreadPool.globalInstance().waitForDone(5000)
    total = len(list(ctx.archive.persone()))
    assert dlg.cancelled
    assert 1 <= len(dlg.files) < total
    written = sorted((tmp_path / "annullate").glob("*.pdf"))
    assert len(written) == len(dlg.files)
    assert not list((tmp_path / "annullate").glob("*.part"))
    for f in written:
        assert len(PdfReader(str(f)).pages) >= 1  # complete PDFs only
    assert dlg.stampa_btn.isEnabled()


def test_sistema_valutazione_editor_saves_undoably(qtbot, ctx):
    dlg = SistemaValutazioneDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.quiet = True
    assert dlg.fasce.rowCount() == 5 and dlg.comportamenti.rowCount() == 4
    dlg.p_settore.setValue(60)
    dlg.p_comp.setValue(40)
    dlg.fasce.item(4, 3).setText("Superato")
    dlg.accept()
    assert dlg.problems == []
    s = ctx.archive.sistema_valutazione()
    assert s.peso_obiettivi_settore == Decimal(60) and s.fasce[4].descrittore == "Superato"
    ctx.stack.undo()
    assert ctx.archive.sistema_valutazione().peso_obiettivi_settore == Decimal(50)


def test_sistema_valutazione_refuses_bad_input(qtbot, ctx):
    dlg = SistemaValutazioneDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.quiet = True
    dlg.fasce.item(1, 1).setText("10")  # B starts inside A
    dlg.p_comp.setValue(30)  # components sum to 80
    dlg.accept()
    assert any("sovrappone" in p for p in dlg.problems)
    assert any("componenti" in p for p in dlg.problems)
    assert "sovrappone" in dlg.avvisi.text()
    assert ctx.stack.count() == 0
    assert ctx.archive.sistema_valutazione().fasce[1].minimo == Decimal(15)


def test_evaluator_scores_become_valutazione_rows(qtbot, ctx):
    dlg = SistemaValutazioneDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.quiet = True
    row = next(r for r in range(dlg.punteggi.rowCount()) if dlg.punteggi.item(r, 0).text() == "PC.2")
    dlg.punteggi.setItem(row, 4, QTableWidgetItem("25"))
    dlg.accept()
    oid = data.trova_obiettivo(ctx.archive, "PC.2").id
    assert ctx.archive.valutazione(oid, 2025).punteggio == Decimal(25)
    snap = data.snapshot_scheda_obiettivi(ctx.archive, _unit(ctx, "Coordinamento").id, 2025)
    assert snap.finale == "27,00"  # 26,10 - 6,60 + 7,50
    ctx.stack.undo()
    assert ctx.archive.valutazione(oid, 2025).punteggio == Decimal(22)
    # out of scale and a validated % without a reason are refused
    dlg2 = SistemaValutazioneDialog(ctx)
    qtbot.addWidget(dlg2)
    dlg2.quiet = True
    dlg2.punteggi.setItem(row, 4, QTableWidgetItem("31"))
    dlg2.punteggi.setItem(row, 5, QTableWidgetItem("90"))
    dlg2.accept()
    assert any("fuori scala" in p for p in dlg2.problems)


def test_problems_of_the_chosen_sheets_are_shown_and_asked_before_printing(qtbot, ctx, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from piaodesk.domain.model import Obiettivo
    from piaodesk.store.edits import InsertRow

    uid = _unit(ctx, "POLIZIA LOCALE").id
    # an objective without weight beside weighted ones: an «errore» of that scheda
    ctx.archive.apply(InsertRow(Obiettivo(codice="PL.X", titolo="Obiettivo senza peso", unita_id=uid, anni=[2025])))
    dlg = StampaDialog(ctx, None, "obiettivi")
    qtbot.addWidget(dlg)
    dlg.settore.setCurrentIndex(dlg.settore.findData(uid))
    out = tmp_path / "out"
    dlg.cartella.setText(str(out))
    seen = []

    def answer():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text() + "\n" + box.informativeText())
        next(b for b in box.buttons() if b.text() == "Annulla").click()

    QTimer.singleShot(0, answer)
    dlg.esegui()  # the user answers «Annulla»: nothing printed
    assert seen and "errore" in seen[0] and "PL.X" in seen[0] and "Stampare comunque?" in seen[0]
    q = data.quadro(ctx.archive, 2025)
    scheda = q.scheda(uid)
    oids = {r.obiettivo.id for r in scheda.righe}
    assert dlg.problemi and all(  # only the problems of this scheda, its objectives, or the whole system
        p.dove == f"Scheda {scheda.nome}" or p.obiettivo_id in oids
        or (p.unita_id is None and p.obiettivo_id is None and p.persona_id is None and not p.dove.startswith("Scheda"))
        for p in dlg.problemi)
    assert dlg.job is None and dlg.files is None and not list(out.glob("*.pdf"))
    dlg.quiet = True  # «Stampa comunque»
    dlg.stampa_con_problemi = True
    dlg.esegui()
    qtbot.waitUntil(lambda: dlg.files is not None, timeout=20000)
    assert [p.rsplit("/", 1)[-1] for p in dlg.files] == ["scheda_obiettivi_2025_POLIZIA_LOCALE.pdf"]


def test_new_sheet_kinds_from_the_dialog(qtbot, ctx, tmp_path):
    dlg = StampaDialog(ctx, None, "organizzativa")
    qtbot.addWidget(dlg)
    dlg.quiet = True
    assert not dlg.settore.isEnabled()
    dlg.cartella.setText(str(tmp_path / "org"))
    dlg.esegui()
    qtbot.waitUntil(lambda: dlg.files is not None, timeout=20000)
    assert [p.rsplit("/", 1)[-1] for p in dlg.files] == ["performance_organizzativa_2025.pdf"]
    dlg.modo.setCurrentIndex(dlg.modo.findData("assegnazione"))
    unit = _unit(ctx, "Coordinamento")
    dlg.settore.setCurrentIndex(dlg.settore.findData(unit.id))
    dlg.cartella.setText(str(tmp_path / "ass"))
    dlg.files = None
    dlg.esegui()
    qtbot.waitUntil(lambda: dlg.files is not None, timeout=20000)
    staff = [p for p in ctx.archive.persone() if p.unita_id == unit.id]
    assert len(dlg.files) == len(staff) and all("scheda_assegnazione_2025_" in f for f in dlg.files)
    pdf = PdfReader(dlg.files[0])
    assert set(pdf.get_fields()) == {"Firma_Valutatore", "Firma_Dipendente"}
    dlg.modo.setCurrentIndex(dlg.modo.findData("obiettivi"))
    dlg.settore.setCurrentIndex(dlg.settore.findData(data.TUTTI))
    dlg.cartella.setText(str(tmp_path / "tutti"))
    dlg.files = None
    dlg.esegui()
    qtbot.waitUntil(lambda: dlg.files is not None, timeout=20000)
    assert [p.rsplit("/", 1)[-1] for p in dlg.files] == ["scheda_obiettivi_2025_TUTTI_I_SETTORI.pdf"]
