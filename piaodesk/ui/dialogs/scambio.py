"""Excel exchange in the GUI: export, template, and the import preview/review dialog.

:class:`ImportDialog` shows what an import would do before anything changes:
the differences (rows added / changed / removed, field by field: old → new),
the problems found in the file (row numbers, with a choice where the user can
decide, e.g. «collega» a name variant to an existing person), and for flat
tables the column mapping, which the user can change and re-read. «Importa
nel piano» pushes the whole import as ONE undoable step; «Annulla» leaves the
plan untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...exchange.common import ExchangeError, ImportPlan, column_letter, righe_mancanti
from ..context import Context
from ..widgets.celle import dato_cella

Rebuild = Callable[[dict[str, int] | None, dict[str, str]], ImportPlan]

_COLORI = {"aggiunta": "#1b7f3b", "modifica": "#1f4e79", "rimozione": "#b3261e"}
_GRAVITA = {"errore": ("Errore", "#b3261e"), "avviso": ("Avviso", "#9a6700"),
            "info": ("Informazione", "#555555")}


class ImportDialog(QDialog):
    """Preview of an import: accept applies it as one undoable step, reject changes nothing."""

    def __init__(self, ctx: Context, plan: ImportPlan, *, rebuild: Rebuild | None = None,
                 colonne: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan = plan
        self.rebuild = rebuild
        self.colonne = colonne or []
        self.decisioni: dict[str, str] = {}
        self.applied = False
        self.setWindowTitle(f"Anteprima dell'importazione — {plan.origine}")
        self.resize(1000, 640)
        lay = QVBoxLayout(self)
        self.sommario = QLabel()
        self.sommario.setWordWrap(True)
        self.sommario.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.sommario)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)

        self.albero = QTreeWidget()
        self.albero.setHeaderLabels(["Riga / campo", "Prima", "Dopo"])
        self.albero.setAlternatingRowColors(True)
        self.albero.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.albero.setColumnWidth(0, 420)
        self.albero.setColumnWidth(1, 250)
        self.tabs.addTab(self.albero, "Differenze")

        self.problemi = QTableWidget(0, 4)
        self.problemi.setHorizontalHeaderLabels(["Gravità", "Dove", "Problema", "Scelta"])
        self.problemi.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problemi.setWordWrap(True)
        self.problemi.verticalHeader().setVisible(False)
        hh = self.problemi.horizontalHeader()
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.problemi.setColumnWidth(0, 100)
        self.problemi.setColumnWidth(1, 170)
        self.problemi.setColumnWidth(3, 150)
        self.tabs.addTab(self.problemi, "Problemi")

        self.mappa: QTableWidget | None = None
        if plan.mappatura is not None:
            page = QWidget()
            pl = QVBoxLayout(page)
            self.mappa_info = QLabel()
            self.mappa_info.setWordWrap(True)
            pl.addWidget(self.mappa_info)
            self.mappa = QTableWidget(0, 2)
            self.mappa.setHorizontalHeaderLabels(["Dato del piano", "Colonna del file"])
            self.mappa.verticalHeader().setVisible(False)
            self.mappa.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            self.mappa.setColumnWidth(0, 240)
            pl.addWidget(self.mappa, 1)
            row = QHBoxLayout()
            self.rileggi = QPushButton("Applica la mappatura e rileggi il file")
            self.rileggi.clicked.connect(self._rileggi)
            row.addStretch(1)
            row.addWidget(self.rileggi)
            pl.addLayout(row)
            self.tabs.addTab(page, "Colonne")

        self.buttons = QDialogButtonBox()
        self.importa = self.buttons.addButton("Importa nel piano", QDialogButtonBox.ButtonRole.AcceptRole)
        self.annulla = self.buttons.addButton("Annulla", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._accetta)
        self.buttons.rejected.connect(self.reject)
        if self.rebuild is not None:
            self.aggiorna = self.buttons.addButton("Applica le scelte", QDialogButtonBox.ButtonRole.ActionRole)
            self.aggiorna.clicked.connect(self._rileggi)
        lay.addWidget(self.buttons)
        self._fill()

    # ------------------------------------------------------------------ filling

    def _fill(self) -> None:
        plan = self.plan
        c = plan.conta_differenze()
        parts = [f"<b>{plan.origine}</b>"]
        if plan.differenze:
            parts.append(f"{c.get('aggiunta', 0)} righe aggiunte, {c.get('modifica', 0)} modificate, "
                         f"{c.get('rimozione', 0)} rimosse.")
        if plan.riepilogo and plan.mappatura is not None:
            parts.append(" · ".join(f"{k}: {v}" for k, v in plan.riepilogo.items()))
        if plan.rimozioni:
            parts.append(f"<span style='color:#b3261e'>{righe_mancanti(plan.mancanti).capitalize()}"
                         f": la rimozione sarà chiesta all'importazione.</span>")
        if plan.vuoto:
            parts.append(f"<b>{escape(plan.nota or 'Nessuna differenza: il piano non cambia.')}</b>")
        else:
            parts.append(f"Con «Importa nel piano» le {len(plan.edits)} modifiche sono applicate "
                         f"in un'unica operazione, annullabile con Modifica › Annulla.")
        errori = sum(1 for p in plan.problemi if p.gravita == "errore")
        if plan.problemi:
            parts.append(f"<span style='color:#9a6700'>Problemi da verificare: {len(plan.problemi)}"
                         f"{f' (di cui {errori} errori)' if errori else ''} — vedere la scheda "
                         f"«Problemi».</span>")
        self.sommario.setText("<br>".join(parts))
        self.importa.setEnabled(not plan.vuoto and not self.ctx.readonly)

        self.albero.clear()
        for d in plan.differenze:
            label = f"{d.foglio} {d.chiave}"
            if d.descrizione:
                label += f" — {d.descrizione[:80]}"
            if d.riga:
                label += f" (riga {d.riga})"
            verbo = {"aggiunta": "Aggiunta", "modifica": "Modifica", "rimozione": "Rimozione"}[d.tipo]
            top = QTreeWidgetItem([f"{verbo}: {label}", "", ""])
            top.setForeground(0, QBrush(QColor(_COLORI[d.tipo])))
            top.setData(0, Qt.ItemDataRole.UserRole, d.tipo)
            for campo, prima, dopo in d.campi:
                child = QTreeWidgetItem([campo, prima, dopo])
                child.setToolTip(1, prima)
                child.setToolTip(2, dopo)
                top.addChild(child)
            self.albero.addTopLevelItem(top)
            top.setExpanded(len(plan.differenze) <= 50)
        self.tabs.setTabText(0, f"Differenze ({len(plan.differenze)})")

        self.problemi.setRowCount(len(plan.problemi))
        for r, p in enumerate(plan.problemi):
            nome, colore = _GRAVITA.get(p.gravita, (p.gravita, "#000000"))
            g = QTableWidgetItem(nome)
            g.setForeground(QBrush(QColor(colore)))
            self.problemi.setItem(r, 0, g)
            self.problemi.setItem(r, 1, QTableWidgetItem(p.dove()))
            msg = QTableWidgetItem(p.messaggio)
            msg.setToolTip(p.messaggio)
            self.problemi.setItem(r, 2, msg)
            if p.scelte and p.chiave:
                combo = QComboBox()
                for s in p.scelte:
                    combo.addItem(s.capitalize(), s)
                current = self.decisioni.get(p.chiave, p.scelte[0])
                combo.setCurrentIndex(max(0, combo.findData(current)))
                combo.setEnabled(self.rebuild is not None)
                combo.currentIndexChanged.connect(
                    lambda _i, k=p.chiave, cb=combo: self.decisioni.__setitem__(k, cb.currentData()))
                self.problemi.setCellWidget(r, 3, combo)
        self.problemi.resizeRowsToContents()
        self.tabs.setTabText(1, f"Problemi ({len(plan.problemi)})")

        if self.mappa is not None and plan.mappatura is not None:
            from ...exchange.flat import CAMPI

            self.mappa_info.setText(
                f"Mappatura {plan.mappatura_origine}. Scegliere per ogni dato la colonna del file "
                f"che lo contiene, poi «Applica la mappatura e rileggi il file». La mappatura "
                f"viene ricordata nel piano." + (f" Anni dei target: {', '.join(map(str, plan.anni))}."
                                                 if plan.anni else ""))
            self.mappa.setRowCount(len(CAMPI))
            width = max([len(self.colonne)] + [v + 1 for v in plan.mappatura.values()])
            for r, (campo, (lab, _names)) in enumerate(CAMPI.items()):
                item = QTableWidgetItem(lab)
                item.setData(Qt.ItemDataRole.UserRole, campo)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.mappa.setItem(r, 0, item)
                combo = QComboBox()
                combo.addItem("— non presente —", -1)
                for i in range(width):
                    head = self.colonne[i] if i < len(self.colonne) else ""
                    combo.addItem(f"{column_letter(i)}" + (f": {head[:40]}" if head else ""), i)
                combo.setCurrentIndex(max(0, combo.findData(plan.mappatura.get(campo, -1))))
                self.mappa.setCellWidget(r, 1, combo)

    def mappatura(self) -> dict[str, int] | None:
        if self.mappa is None:
            return None
        out: dict[str, int] = {}
        for r in range(self.mappa.rowCount()):
            campo = dato_cella(self.mappa, r, 0)
            combo = self.mappa.cellWidget(r, 1)
            if isinstance(combo, QComboBox) and combo.currentData() is not None and combo.currentData() >= 0:
                out[campo] = int(combo.currentData())
        return out

    # ------------------------------------------------------------------ actions

    def _rileggi(self) -> None:
        if self.rebuild is None:
            return
        try:
            self.plan = self.rebuild(self.mappatura(), dict(self.decisioni))
        except ExchangeError as exc:
            QMessageBox.warning(self, "Importazione", str(exc))
            return
        self._fill()

    def _accetta(self) -> None:
        if self.plan.vuoto:
            self.reject()
            return
        errori = [p for p in self.plan.problemi if p.gravita == "errore"]
        if errori and not getattr(self, "_confermato", False):
            ans = QMessageBox.question(
                self, "Importare comunque?",
                f"Ci sono {len(errori)} errori da verificare (vedere «Problemi»). Importare comunque? "
                f"L'importazione si potrà annullare con Modifica › Annulla.")
            if ans != QMessageBox.StandardButton.Yes:
                return
        if self.plan.rimozioni:
            n = self.plan.mancanti
            ans = QMessageBox.question(
                self, "Rimuovere le righe mancanti?",
                f"{righe_mancanti(n).capitalize()} (vedere «Differenze», in rosso). "
                f"Rimuoverle dal piano?\n\nSì: rimuove {'la riga' if n == 1 else f'le {n} righe'}."
                f"\nNo: importa il resto "
                f"senza rimuovere niente.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.No)
            if ans == QMessageBox.StandardButton.Cancel:
                return
            if ans == QMessageBox.StandardButton.Yes:
                self.plan.conferma_rimozioni(n)
            else:
                self.plan.rimozioni = []
                if not self.plan.edits:
                    self.reject()
                    return
        if self.ctx.push(self.plan.batch()):
            self.applied = True
            self.accept()
        else:
            QMessageBox.critical(self, "Importazione non riuscita",
                                 "Il piano ha rifiutato le modifiche: nulla è stato cambiato.")


# ---------------------------------------------------------------------- entry points


def _ask_save(parent: QWidget | None, title: str, name: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, name, "Cartella di lavoro Excel (*.xlsx)")
    if not path:
        return None
    p = Path(path)
    return p if p.suffix.lower() == ".xlsx" else p.with_suffix(".xlsx")


def esporta(parent: QWidget | None, ctx: Context, formato: str = "piaodesk",
            path: Path | None = None, settore: int | None = None) -> Path | None:
    from ...exchange.portale import write_portale
    from ...exchange.workbook import write_workbook

    stem = ctx.archive.path.stem if ctx.archive.path else "piano"
    if path is None:
        title = "Esporta per il portale PIAO" if formato == "portale" else "Esporta in Excel"
        path = _ask_save(parent, title, f"{stem}{'-portale' if formato == 'portale' else ''}.xlsx")
        if path is None:
            return None
    try:
        if formato == "portale":
            write_portale(ctx.archive, path, settore)
        else:
            write_workbook(ctx.archive, path, settore)
    except ExchangeError as exc:
        QMessageBox.critical(parent, "Esportazione non riuscita", str(exc))
        return None
    if parent is not None and hasattr(parent, "statusBar"):
        parent.statusBar().showMessage(f"Esportato: {path}", 8000)
    return path


def modello(parent: QWidget | None, ctx: Context, path: Path | None = None) -> Path | None:
    from ...exchange.workbook import write_template

    path = path or _ask_save(parent, "Modello Excel vuoto", "modello-piano.xlsx")
    if path is None:
        return None
    try:
        write_template(path, ctx.archive.piano().anni)
    except ExchangeError as exc:
        QMessageBox.critical(parent, "Modello non scritto", str(exc))
        return None
    return path


def prepara(ctx: Context, path: Path) -> tuple[ImportPlan, Rebuild | None, list[str]]:
    """Read ``path`` (no writes) → plan, a rebuild function for flat tables, header texts."""
    from ...exchange import prepare_import
    from ...exchange.readers import kind_of
    from ...exchange.reimport import is_piaodesk_workbook

    if kind_of(path) == "xlsx" and is_piaodesk_workbook(path):
        return prepare_import(ctx.archive, path), None, []
    from ...exchange.flat import find_header, import_flat
    from ...exchange.readers import read_table

    tab = read_table(path)
    idx, _m, _y = find_header(tab)
    if idx is not None:
        colonne = ["" if c is None else str(c) for c in tab.righe[idx][1]]
    else:
        sample = next((cells for _n, cells in tab.righe if len(cells) > 10), [])
        colonne = ["" if c is None else str(c) for c in sample]

    def rebuild(mapping: dict[str, int] | None, decisioni: dict[str, str]) -> ImportPlan:
        return import_flat(ctx.archive, tab, mapping=mapping, decisioni=decisioni)

    return rebuild(None, {}), rebuild, colonne


def importa(parent: QWidget | None, ctx: Context, path: Path | None = None,
            reimport: bool = False) -> ImportDialog | None:
    if path is None:
        filtro = ("Cartella di lavoro Excel (*.xlsx)" if reimport else
                  "Tabelle (*.xlsx *.csv *.txt *.tsv);;Tutti i file (*)")
        titolo = "Reimporta Excel modificato" if reimport else "Importa da Excel/CSV"
        name, _ = QFileDialog.getOpenFileName(parent, titolo, "", filtro)
        if not name:
            return None
        path = Path(name)
    try:
        plan, rebuild, colonne = prepara(ctx, path)
    except ExchangeError as exc:
        QMessageBox.critical(parent, "File non importabile", str(exc))
        return None
    if reimport and plan.mappatura is not None:
        QMessageBox.information(parent, "Reimporta Excel modificato",
                                "Il file non è una cartella esportata da piaodesk: viene letto come "
                                "tabella di obiettivi e indicatori.")
    dlg = ImportDialog(ctx, plan, rebuild=rebuild, colonne=colonne, parent=parent)
    return dlg


def run_import(parent: QWidget | None, ctx: Context, reimport: bool = False) -> None:
    dlg = importa(parent, ctx, reimport=reimport)
    if dlg is not None:
        dlg.exec()
