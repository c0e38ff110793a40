"""GUI side of reliability: plan-in-use dialog, damaged plan, restore, backups, about/guide."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QMessageBox

from piaodesk import __version__
from piaodesk.domain.model import Persona
from piaodesk.store import backup
from piaodesk.store.archive import Archive
from piaodesk.store.edits import InsertRow
from piaodesk.store.lock import lock_path, read_lock
from piaodesk.ui.dialogs import backup as dialogs
from piaodesk.ui.extensions import affidabilita
from piaodesk.ui.undo import ChangeHub

pytestmark = pytest.mark.ui
SHOTS = Path("/work/notes/shots")


def _shot(widget, name: str) -> None:
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        widget.grab().save(str(SHOTS / name))


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PIAODESK_HOME", str(tmp_path / "home"))


def _foreign_lock(plan: Path) -> None:
    lock_path(plan).write_text(json.dumps({
        "user": "MARIO", "host": "PC-UFFICIO", "pid": 4242,
        "since": datetime(2026, 11, 27, 9, 12).isoformat(), "token": "x"}), encoding="utf-8")


class _Ctx:
    def __init__(self, archive: Archive) -> None:
        self.archive, self.stack, self.hub = archive, QUndoStack(), ChangeHub()


def test_in_use_dialog_offers_readonly(qtbot, demo_path: Path):
    _foreign_lock(demo_path)
    seen = {}

    def click_readonly():
        box = QApplication.activeModalWidget()
        seen["text"] = box.text()
        seen["info"] = box.informativeText()
        seen["buttons"] = [b.text() for b in box.buttons()]
        _shot(box, "affidabilita_in_uso.png")
        [ro] = [b for b in box.buttons() if b.text() == "Apri in sola lettura"]
        ro.click()

    QTimer.singleShot(0, click_readonly)
    arc = affidabilita.open_plan_interactive(None, demo_path)
    try:
        assert "è in uso da MARIO su PC-UFFICIO dal 27/11/2026 alle 09:12" in seen["text"]
        assert "sola lettura" in seen["info"]
        assert set(seen["buttons"]) >= {"Apri in sola lettura", "Prendi comunque il controllo…", "Annulla"}
        assert arc is not None and arc.readonly
        assert read_lock(demo_path).user == "MARIO"
    finally:
        arc.close()


def test_in_use_takeover_and_cancel(qtbot, demo_path: Path, monkeypatch):
    _foreign_lock(demo_path)
    monkeypatch.setattr(dialogs, "ask_in_use", lambda parent, exc: None)
    assert affidabilita.open_plan_interactive(None, demo_path) is None
    monkeypatch.setattr(dialogs, "ask_in_use", lambda parent, exc: "takeover")
    arc = affidabilita.open_plan_interactive(None, demo_path)
    assert arc is not None and not arc.readonly
    assert read_lock(demo_path).pid == os.getpid()
    arc.apply(InsertRow(Persona(cognome="Preso")))
    arc.close()


def test_damaged_plan_offers_latest_backup(qtbot, demo_path: Path, monkeypatch):
    backup.make_backup(demo_path, "apertura")
    data = demo_path.read_bytes()
    demo_path.write_bytes(data[: len(data) // 3])
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    arc = affidabilita.open_plan_interactive(None, demo_path)
    assert arc is not None and arc.counts()["obiettivi"] > 0
    assert "danneggiato" in asked[0] and "all'apertura" in asked[0]
    assert list(demo_path.parent.glob("demo.danneggiato-*.piao"))
    arc.close()


def test_restore_dialog_lists_copies_and_restores(qtbot, demo, monkeypatch):
    first = backup.make_backup(demo.path, "apertura", now=datetime(2026, 11, 27, 9, 0))
    demo.apply(InsertRow(Persona(cognome="Sbagliato")))
    backup.make_backup(demo.path, "periodico", now=datetime(2026, 11, 27, 9, 10))
    dlg = dialogs.RipristinaDialog(demo.path)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 2
    assert dlg.table.item(0, 0).text() == "27/11/2026 alle 09:10:00"
    assert dlg.table.item(0, 1).text() == "automatica"
    assert dlg.table.item(1, 1).text() == "all'apertura"
    dlg.show()
    _shot(dlg, "affidabilita_ripristino.png")

    ctx = _Ctx(demo)
    ctx.stack.push(__import__("PySide6.QtGui", fromlist=["QUndoCommand"]).QUndoCommand("x"))
    resets = []
    ctx.hub.changed.connect(lambda ch: resets.append(ch))

    def choose_oldest(self):
        self.table.selectRow(1)
        self.accept()
        return 1

    monkeypatch.setattr(dialogs.RipristinaDialog, "exec", choose_oldest)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    assert dialogs.ripristina(None, ctx) is True
    assert "Sbagliato" not in {p.cognome for p in demo.persone()}
    assert ctx.stack.count() == 0 and resets and resets[0].reset
    assert any(b.motivo == "ripristino" for b in backup.list_backups(demo.path))
    assert first.exists()


def test_scheduler_backs_up_on_open_and_heartbeats(qtbot, demo_path: Path):
    sched = affidabilita.BackupScheduler(interval_ms=3_600_000)
    try:
        arc = Archive.open(demo_path)
        qtbot.waitUntil(lambda: len(backup.list_backups(demo_path)) == 1, timeout=10000)
        sched.wait()
        assert backup.list_backups(demo_path)[0].motivo == "apertura"
        old = datetime.now().timestamp() - 900
        os.utime(lock_path(demo_path), (old, old))
        sched.tick()
        sched.wait()
        assert lock_path(demo_path).stat().st_mtime > old + 800  # heartbeat
        arc.close()
    finally:
        sched.stop()


def test_about_shows_version_path_and_guide(qtbot, demo_path: Path):
    dlg = dialogs.InformazioniDialog(demo_path)
    qtbot.addWidget(dlg)
    text = dlg.label.text()
    assert f"piaodesk {__version__}" in text
    assert str(demo_path) in text
    assert "Guida di piaodesk" in text
    dlg.show()
    _shot(dlg, "affidabilita_informazioni.png")
    guida = dialogs.GuidaDialog()
    qtbot.addWidget(guida)
    plain = guida.browser.toPlainText()
    for topic in ("Creare un piano", "Modificare", "Monitorare", "Stampare", "Firmare", "piaodesk info"):
        assert topic in plain, topic
    guida.show()
    _shot(guida, "affidabilita_guida.png")


def test_actions_declared():
    names = {a.object_name: a for a in affidabilita.ACTIONS}
    assert names["azione_ripristina_backup"].menu == "&File"
    assert names["azione_ripristina_backup"].needs_write
    assert names["azione_informazioni"].menu == "&?"
    assert names["azione_informazioni"].text == "Informazioni su piaodesk"


def test_main_window_opens_a_plan_in_use_read_only(qtbot, demo_path: Path, monkeypatch, tmp_path: Path):
    """The editor's own «Apri» path goes through the in-use dialog, not a bare error."""
    from PySide6.QtCore import QSettings

    from piaodesk.ui.main_window import MainWindow

    _foreign_lock(demo_path)
    monkeypatch.setattr(dialogs, "ask_in_use", lambda parent, exc: "readonly")
    win = MainWindow.open_window(demo_path, QSettings(str(tmp_path / "ui.ini"),
                                                      QSettings.Format.IniFormat))
    assert win is not None
    qtbot.addWidget(win)
    try:
        assert win.ctx.archive.readonly
        assert "sola lettura" in win.windowTitle()
        assert read_lock(demo_path).user == "MARIO"  # the other user's lock is untouched
    finally:
        win.close()


def test_overwritten_plan_offers_restore(qtbot, demo_path: Path, monkeypatch):
    """First bytes overwritten: «non è un database SQLite», and the GUI offers the backup."""
    backup.make_backup(demo_path, "periodico")
    with demo_path.open("r+b") as fh:
        fh.write(b"sovrascritto da un altro programma")
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: pytest.fail(f"errore: {a[2]}"))
    arc = affidabilita.open_plan_interactive(None, demo_path)
    assert arc is not None and arc.counts()["obiettivi"] > 0
    assert "non è un database SQLite" in asked[0] and "Ripristinare" in asked[0]
    assert list(demo_path.parent.glob("demo.danneggiato-*.piao"))  # the overwritten file kept
    arc.close()


def test_backups_of_deleted_plans_are_removed_only_when_agreed(qtbot, demo_path: Path, monkeypatch,
                                                                tmp_path: Path):
    import shutil
    from datetime import timedelta

    gone = tmp_path / "eliminato.piao"
    shutil.copyfile(demo_path, gone)
    backup.make_backup(gone, "periodico", now=datetime.now() - timedelta(days=60))
    gone.unlink()
    shown = []

    def answer(choice):
        def exec_(box):
            shown.append(box.text() + box.informativeText())
            box.clickedButton = lambda: next(b for b in box.buttons() if b.text() == choice)
            return 0
        return exec_

    monkeypatch.setattr(QMessageBox, "exec", answer("No"))
    assert affidabilita.offer_orphan_cleanup(None) == 0
    assert backup.list_backups(gone) and "eliminato.piao" in shown[0] and "rete" in shown[0]
    monkeypatch.setattr(QMessageBox, "exec", answer("Elimina le copie"))
    assert affidabilita.offer_orphan_cleanup(None) == 1
    assert not backup.list_backups(gone)
    shown.clear()
    assert affidabilita.offer_orphan_cleanup(None) == 0 and not shown  # nothing left to ask


def test_orphan_action_declared():
    names = {a.object_name: a for a in affidabilita.ACTIONS}
    assert names["azione_copie_orfane"].menu == "&File"


def _answers(monkeypatch, *, file: str, texts: list[str], anno: int = 2027) -> list[str]:
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    errors: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (file, ""))
    import itertools

    answers = itertools.cycle(texts)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (next(answers), True))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (anno, True))
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: errors.append(a[2]))
    # «Sostituire il piano esistente?» (issue 14): yes
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    return errors


def test_new_plan_over_an_existing_file_never_loses_it_on_failure(qtbot, demo_path: Path, monkeypatch):
    """«Nuovo piano» replacing a file (confirmed in the dialog): a full disk keeps the old one."""
    import errno

    from piaodesk import fsio
    from piaodesk.ui.main_window import new_plan_dialog

    before = demo_path.read_bytes()
    errors = _answers(monkeypatch, file=str(demo_path), texts=["Nuovo", "Comune di Prova"])

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    real = fsio.publish
    monkeypatch.setattr(fsio, "publish", full)
    assert new_plan_dialog(None) is None
    assert errors and "Spazio esaurito" in errors[0]
    assert demo_path.read_bytes() == before  # the old plan is still there
    assert [p for p in demo_path.parent.iterdir() if fsio.TMP_MARK in p.name] == []
    monkeypatch.setattr(fsio, "publish", real)
    assert new_plan_dialog(None) == demo_path
    with Archive.open(demo_path, readonly=True) as arc:
        assert arc.piano().titolo == "Nuovo" and arc.counts()["obiettivi"] == 0


def test_gui_export_on_a_full_disk_says_it_in_italian(qtbot, demo, monkeypatch, tmp_path: Path):
    import errno
    import zipfile

    from piaodesk.ui.dialogs.scambio import esporta

    out = tmp_path / "e.xlsx"
    out.write_bytes(b"esportazione precedente")
    errors = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: errors.append(a[2]))

    def full(self, *a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", full)
    assert esporta(None, _Ctx(demo), "piaodesk", out) is None
    assert len(errors) == 1 and "Spazio esaurito" in errors[0] and "nessun file sostituito" in errors[0]
    assert out.read_bytes() == b"esportazione precedente"


def test_orphans_are_asked_once_per_run(qtbot, monkeypatch):
    calls = []
    monkeypatch.setattr(affidabilita, "offer_orphan_cleanup", lambda parent: calls.append(parent) or 0)
    sched = affidabilita.BackupScheduler(interval_ms=3_600_000)
    try:
        sched.check_orphans_once(None)
        sched.check_orphans_once(None)
        assert len(calls) == 1
    finally:
        sched.stop()
