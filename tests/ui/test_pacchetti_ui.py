"""GUI of issue 16: the merge review dialog, the packet banner, a window whose lock was taken
over turning read-only, the Cronologia of an objective."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from piaodesk.domain.model import Obiettivo
from piaodesk.store import pacchetti as pk
from piaodesk.store.archive import Archive
from piaodesk.store.edits import SetFields
from piaodesk.ui import main_window as mw
from piaodesk.ui.dialogs.pacchetti import CronologiaDialog, UnioneDialog, _merge, prepara_pacchetto
from piaodesk.ui.main_window import MainWindow

pytestmark = pytest.mark.ui


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(mw, "warn", lambda parent, title, text: seen.append(text))
    return seen


def _oid(arc: Archive, codice: str) -> int:
    return next(o.id for o in arc.obiettivi() if o.codice == codice)  # type: ignore[misc]


def _conflicting_packet(demo_path: Path, tmp_path: Path) -> tuple[Path, int]:
    p = tmp_path / "pc.piao"
    with Archive.open(demo_path) as arc:
        pk.crea_pacchetto(arc, "Coordinamento", p)
        oid = _oid(arc, "PC.1")
        arc.apply(SetFields(Obiettivo, oid, {"titolo": "Titolo scelto dal coordinamento"}))
    with Archive.open(p) as a:
        a.apply(SetFields(Obiettivo, oid, {"titolo": "Titolo scritto nel settore",
                                           "descrizione": "Descrizione nuova dal settore"}))
        a.apply(SetFields(Obiettivo, _oid(a, "PC.2"), {"note": "Nota del settore"}))
    con = __import__("sqlite3").connect(p)  # a change outside the settore, behind its back
    con.execute("UPDATE obiettivi SET titolo = 'Trasversale cambiato' WHERE codice = 'TS.1'")
    con.commit()
    con.close()
    return p, oid


def test_review_dialog_choices_and_one_undo(qtbot, demo_path: Path, tmp_path: Path,
                                            settings: QSettings, messages: list[str]) -> None:
    p, oid = _conflicting_packet(demo_path, tmp_path)
    win = MainWindow(Archive.open(demo_path), settings)
    qtbot.addWidget(win)
    analisi = pk.analizza(win.archive, p)
    dlg = UnioneDialog(analisi, win)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.conflitti.rowCount() == 1 and dlg.modifiche.rowCount() == 2
    assert dlg.rifiutate.rowCount() == 1
    row = [dlg.conflitti.item(0, c).text() for c in range(5)]
    assert row[1:] == ["titolo", row[2], "Titolo scritto nel settore",
                       "Titolo scelto dal coordinamento"]
    assert not dlg.ok.isEnabled()  # a conflict without a choice: never silently
    dlg.choose_all("pacchetto")
    assert dlg.ok.isEnabled()
    out = Path(os.environ.get("PIAODESK_SHOT_DIR", tmp_path)) / "dialogo-unione.png"
    assert dlg.grab().save(str(out)) and out.stat().st_size > 5000
    assert _merge(win, win.ctx, analisi, dlg.scelte())
    arc = win.archive
    assert arc.obiettivo(oid).titolo == "Titolo scritto nel settore"  # type: ignore[union-attr]
    assert arc.obiettivo(oid).descrizione == "Descrizione nuova dal settore"  # type: ignore[union-attr]
    assert arc.obiettivo(_oid(arc, "TS.1")).titolo != "Trasversale cambiato"  # type: ignore[union-attr]
    assert win.ctx.stack.count() == 1
    win.ctx.stack.undo()  # the whole merge, one step
    assert arc.obiettivo(oid).titolo == "Titolo scelto dal coordinamento"  # type: ignore[union-attr]
    assert arc.obiettivo(_oid(arc, "PC.2")).note != "Nota del settore"  # type: ignore[union-attr]
    cron = CronologiaDialog(win.ctx, oid, win)
    qtbot.addWidget(cron)
    origins = {cron.table.item(r, 2).text() for r in range(cron.table.rowCount())}
    assert "pacchetto pc.piao" in origins
    win.close()


def test_packet_banner_and_refusal(qtbot, demo_path: Path, tmp_path: Path, settings: QSettings,
                                   messages: list[str]) -> None:
    p = tmp_path / "pc.piao"
    with Archive.open(demo_path) as arc:
        pk.crea_pacchetto(arc, "Coordinamento", p)
    win = MainWindow(Archive.open(p), settings)
    qtbot.addWidget(win)
    win.show()
    assert win.banner.isVisible() and "Pacchetto del settore" in win.banner.text()
    assert "sola consultazione" in win.banner.text()
    ts1 = _oid(win.archive, "TS.1")
    assert not win.ctx.push(SetFields(Obiettivo, ts1, {"titolo": "no"}))
    assert messages and "solo di consultazione" in messages[-1]
    assert win.ctx.push(SetFields(Obiettivo, _oid(win.archive, "PC.1"), {"titolo": "sì"}))
    win.close()


def test_displaced_window_turns_readonly(qtbot, demo_path: Path, settings: QSettings,
                                         messages: list[str]) -> None:
    win = MainWindow(Archive.open(demo_path), settings)
    qtbot.addWidget(win)
    win.show()
    assert not win.banner.isVisible()
    oid = _oid(win.archive, "PC.1")
    assert win.ctx.push(SetFields(Obiettivo, oid, {"titolo": "prima"}))
    other = Archive.open(demo_path, takeover=True)  # another PC takes control
    try:
        assert not win.ctx.push(SetFields(Obiettivo, oid, {"titolo": "dopo"}))
        assert "preso il controllo" in messages[-1]
        assert win.archive.readonly and "[sola lettura]" in win.windowTitle()
        assert win.banner.isVisible() and "sola lettura" in win.banner.text()
        assert not win.actions_by_name["nuovo_figlio"].isEnabled()
        assert not win.actions_by_name["azione_unisci_pacchetto"].isEnabled()
        qtbot.wait(10)
        assert win.ctx.stack.count() == 0  # no undo can land either
        assert other.obiettivo(oid).titolo == "prima"  # type: ignore[union-attr]
    finally:
        win.close()
        other.close()


def test_prepare_packet_from_the_window(qtbot, demo_path: Path, tmp_path: Path,
                                        settings: QSettings) -> None:
    win = MainWindow(Archive.open(demo_path), settings)
    qtbot.addWidget(win)
    out = prepara_pacchetto(win, win.ctx, settore_id=3, out=tmp_path / "pl.piao")
    assert out is not None
    with Archive.open(out, readonly=True) as packet:
        assert packet.pacchetto is not None and packet.pacchetto.settore_id == 3
        codes = {o.codice for o in packet.obiettivi()}
        assert {"PL.1", "PL.2", "TS.1", "TS.2"} <= codes and "PC.1" not in codes
    assert win.actions_by_name["azione_prepara_pacchetto"].isEnabled()
    win.close()
