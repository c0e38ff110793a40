"""Dialogs of issue 16: prepare a settore packet, review and merge one, the Cronologia."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...store import pacchetti as pk
from ...store.db import PLAN_SUFFIX, PlanError
from ..context import Context

_PIANO, _PACCHETTO = "Tieni il valore del piano", "Tieni il valore del pacchetto"
_CONFLICT_BG = QColor("#fde2c8")


def _table(parent: QWidget, headers: list[str], name: str) -> QTableWidget:
    t = QTableWidget(0, len(headers), parent)
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    t.setWordWrap(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _item(text: str, bg: QColor | None = None) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    it.setToolTip(text)
    if bg is not None:
        it.setBackground(QBrush(bg))
    return it


class UnioneDialog(QDialog):
    """The review of a packet: changes per field, conflicts side by side with a choice, the
    changes refused (outside the settore); «Unisci» applies them as one undoable step."""

    def __init__(self, analisi: pk.AnalisiUnione, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.analisi = analisi
        self.setObjectName("dialogo_unione")
        self.setWindowTitle(f"Unisci il pacchetto «{analisi.file.name}»")
        self.resize(1000, 560)
        lay = QVBoxLayout(self)
        head = QLabel(analisi.riepilogo(), self)
        head.setObjectName("riepilogo_unione")
        head.setWordWrap(True)
        lay.addWidget(head)
        tabs = QTabWidget(self)
        lay.addWidget(tabs, 1)

        self.conflitti = _table(tabs, ["Elemento", "Campo", "Alla partenza", "Nel pacchetto",
                                       "Nel piano ora", "Scelta"], "tabella_conflitti")
        self.choices: dict[tuple[str, int, str | None], QComboBox] = {}
        for m in analisi.conflitti:
            r = self.conflitti.rowCount()
            self.conflitti.insertRow(r)
            for c, text in enumerate((m.etichetta, m.campo or ("riga eliminata nel pacchetto"
                                                                if m.tipo == "eliminata" else m.tipo),
                                      pk.mostra_valore(m.base), pk.mostra_valore(m.pacchetto),
                                      pk.mostra_valore(m.attuale))):
                self.conflitti.setItem(r, c, _item(text, _CONFLICT_BG if c in (3, 4) else None))
            combo = QComboBox(self.conflitti)
            combo.addItems(["— scegliere —", _PIANO, _PACCHETTO])
            combo.currentIndexChanged.connect(self._update_ok)
            self.conflitti.setCellWidget(r, 5, combo)
            self.choices[m.chiave] = combo
        self.modifiche = _table(tabs, ["Elemento", "Campo", "Alla partenza", "Nel pacchetto"],
                                "tabella_modifiche")
        for m in analisi.modifiche:
            self._row(self.modifiche, m)
        self.rifiutate = _table(tabs, ["Elemento", "Campo", "Alla partenza", "Nel pacchetto"],
                                "tabella_rifiutate")
        for m in analisi.rifiutate:
            self._row(self.rifiutate, m)
        if analisi.conflitti:
            tabs.addTab(self.conflitti, f"Conflitti ({len(analisi.conflitti)})")
        tabs.addTab(self.modifiche, f"Modifiche ({len(analisi.modifiche)})")
        if analisi.rifiutate:
            tabs.addTab(self.rifiutate, f"Rifiutate, fuori dal settore ({len(analisi.rifiutate)})")
        for t in (self.conflitti, self.rifiutate):
            if tabs.indexOf(t) < 0:
                t.hide()  # not a tab: it would sit over the tab bar
        for t in (self.conflitti, self.modifiche, self.rifiutate):
            t.resizeColumnsToContents()
            for c in range(t.columnCount() - 1):
                t.setColumnWidth(c, min(t.columnWidth(c), 260))
        note = QLabel("Le modifiche vengono applicate insieme, come un unico passo annullabile "
                      "(Modifica › Annulla), e registrate nella cronologia con il nome del "
                      "pacchetto.", self)
        note.setWordWrap(True)
        lay.addWidget(note)
        self.buttons = QDialogButtonBox(self)
        self.ok = self.buttons.addButton("Unisci", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("bottone_unisci")
        self.buttons.addButton("Annulla", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self._update_ok()

    def _row(self, table: QTableWidget, m: pk.Modifica) -> None:
        r = table.rowCount()
        table.insertRow(r)
        campo = m.campo or {"nuova": "(nuova riga)", "eliminata": "(eliminata)"}.get(m.tipo, "")
        for c, text in enumerate((m.etichetta, campo, pk.mostra_valore(m.base),
                                  pk.mostra_valore(m.pacchetto))):
            table.setItem(r, c, _item(text))

    def _update_ok(self, *_a: Any) -> None:
        chosen = all(c.currentIndex() > 0 for c in self.choices.values())
        self.ok.setEnabled(chosen and not self.analisi.vuota)
        self.ok.setToolTip("" if chosen else "Scegliere un valore per ogni conflitto")

    def scelte(self) -> dict[tuple[str, int, str | None], str]:
        return {k: ("piano" if c.currentText() == _PIANO else "pacchetto")
                for k, c in self.choices.items() if c.currentIndex() > 0}

    def choose_all(self, which: str) -> None:
        for c in self.choices.values():
            c.setCurrentText(_PIANO if which == "piano" else _PACCHETTO)


def unisci_pacchetto(main_window: Any, ctx: Context, path: Path | None = None) -> UnioneDialog | None:
    """Piano › Unisci pacchetto…: choose the file, review, merge (one undoable step)."""
    if path is None:
        name, _ = QFileDialog.getOpenFileName(main_window, "Pacchetto da unire", "",
                                              f"Piano piaodesk (*{PLAN_SUFFIX})")
        if not name:
            return None
        path = Path(name)
    try:
        analisi = pk.analizza(ctx.archive, path)
    except PlanError as exc:
        QMessageBox.warning(main_window, "Pacchetto non unito", str(exc))
        return None
    dlg = UnioneDialog(analisi, main_window)
    if analisi.vuota and not analisi.rifiutate:
        QMessageBox.information(main_window, "Unisci pacchetto", analisi.riepilogo())
        return dlg
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return dlg
    _merge(main_window, ctx, analisi, dlg.scelte())
    return dlg


def _merge(main_window: Any, ctx: Context, analisi: pk.AnalisiUnione,
           scelte: dict[tuple[str, int, str | None], str]) -> bool:
    try:
        edit = pk.prepara_unione(ctx.archive, analisi, scelte)
    except PlanError as exc:
        QMessageBox.warning(main_window, "Pacchetto non unito", str(exc))
        return False
    if edit is None:
        return False
    ok = bool(ctx.push(edit))
    if ok and hasattr(main_window, "statusBar"):
        main_window.statusBar().showMessage(
            f"Unite {len(edit.applicate)} modifiche dal pacchetto «{analisi.file.name}».", 8000)
    return ok


def prepara_pacchetto(main_window: Any, ctx: Context, settore_id: int | None = None,
                      out: Path | None = None) -> Path | None:
    """Piano › Prepara pacchetto di settore…: choose the settore and the file."""
    arc = ctx.archive
    if settore_id is None:
        units = list(arc.unita())
        labels = [f"{u.codice} – {u.nome}" if u.codice and u.codice != u.nome else u.nome
                  for u in units]
        label, ok = QInputDialog.getItem(main_window, "Pacchetto di settore",
                                         "Settore (o servizio) del pacchetto:", labels, 0, False)
        if not ok:
            return None
        settore_id = units[labels.index(label)].id
    if out is None:
        base = arc.path.parent if arc.path else Path.home()
        name, _ = QFileDialog.getSaveFileName(main_window, "Salva il pacchetto",
                                              str(base / f"pacchetto-{settore_id}{PLAN_SUFFIX}"),
                                              f"Piano piaodesk (*{PLAN_SUFFIX})")
        if not name:
            return None
        out = Path(name)
    try:
        info = pk.crea_pacchetto(arc, str(settore_id), out)
    except PlanError as exc:
        QMessageBox.warning(main_window, "Pacchetto non creato", str(exc))
        return None
    if hasattr(main_window, "statusBar"):
        main_window.statusBar().showMessage(
            f"Pacchetto del settore «{info.settore_nome}» scritto in «{out.name}».", 8000)
    return out


class CronologiaDialog(QDialog):
    """Who changed what, when, from which PC or packet, for one objective (or the plan)."""

    def __init__(self, ctx: Context, obiettivo_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialogo_cronologia")
        arc = ctx.archive
        ob = arc.obiettivo(obiettivo_id) if obiettivo_id is not None else None
        self.setWindowTitle(f"Cronologia di {ob.codice} – {ob.titolo[:60]}" if ob
                            else "Cronologia del piano")
        self.resize(900, 480)
        lay = QVBoxLayout(self)
        self.table = _table(self, ["Quando", "Chi", "Da dove", "Che cosa"], "tabella_cronologia")
        for v in arc.cronologia(obiettivo_id):
            r = self.table.rowCount()
            self.table.insertRow(r)
            origine = f"pacchetto {v.pacchetto}" if v.pacchetto else (v.postazione or "—")
            when = v.quando.strftime("%d/%m/%Y %H:%M") if v.quando.year > 1 else "—"
            for c, text in enumerate((when, v.utente, origine, v.azione)):
                self.table.setItem(r, c, _item(text))
        self.table.resizeColumnsToContents()
        if not self.table.rowCount():
            lay.addWidget(QLabel("Nessuna modifica registrata.", self))
        lay.addWidget(self.table, 1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        box.rejected.connect(self.reject)
        box.button(QDialogButtonBox.StandardButton.Close).setText("Chiudi")
        lay.addWidget(box)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)


def cronologia(main_window: Any, ctx: Context) -> CronologiaDialog:
    oid = main_window.current_id() if hasattr(main_window, "current_id") else ctx.current_obiettivo
    dlg = CronologiaDialog(ctx, oid, main_window)
    dlg.show()
    return dlg
