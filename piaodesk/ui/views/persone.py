"""Persone: the staff register (add/delete/edit like a spreadsheet) and the aliases of a person."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...domain.formats import format_int
from ...domain.model import Persona
from ...store.edits import InsertRow
from ..context import Context
from ..models.columns import SortRole
from ..models.views_persone import AliasModel, PersoneModel
from ..widgets.grid import ExcelTableView
from .comuni import ViewPanel


class PersoneView(ViewPanel):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("vista_persone")
        self.model = PersoneModel(ctx, self)
        self.model.confirm_delete = self._confirm_delete
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)

        self.cerca = QLineEdit(self)
        self.cerca.setPlaceholderText("Cerca persona…")
        self.cerca.setClearButtonEnabled(True)
        self.cerca.setMinimumWidth(240)
        self.bar.addWidget(self.cerca)
        self.bar.addStretch(1)
        self.aggiungi = QPushButton("Aggiungi persona", self)
        self.elimina = QPushButton("Elimina persone selezionate", self)
        self.bar.addWidget(self.aggiungi)
        self.bar.addWidget(self.elimina)

        self.table = ExcelTableView(self)
        self.table.setModel(self.proxy)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(False)
        for i, col in enumerate(self.model.columns()):
            if col.width:
                self.table.setColumnWidth(i, col.width)
        self.table.message.connect(self.show_message)
        self.table.set_plan_wide()  # per-column filter, frozen «Cognome» (issue 14)

        # aliases of the selected person
        side = QWidget(self)
        lay = QVBoxLayout(side)
        lay.setContentsMargins(6, 0, 0, 0)
        self.alias_title = QLabel("Alias", side)
        self.alias_title.setWordWrap(True)
        lay.addWidget(self.alias_title)
        self.alias_model = AliasModel(ctx, self)
        self.alias_table = ExcelTableView(side)
        self.alias_table.setModel(self.alias_model)
        self.alias_table.verticalHeader().hide()
        self.alias_table.message.connect(self.show_message)
        lay.addWidget(self.alias_table, 1)
        row = QHBoxLayout()
        self.alias_nuovo = QLineEdit(side)
        self.alias_nuovo.setPlaceholderText("Nuovo alias, es. RIGHI-ANNALISA")
        self.alias_aggiungi = QPushButton("Aggiungi", side)
        self.alias_elimina = QPushButton("Elimina alias", side)
        row.addWidget(self.alias_nuovo, 1)
        row.addWidget(self.alias_aggiungi)
        lay.addLayout(row)
        lay.addWidget(self.alias_elimina)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(side)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        split.setSizes([1040, 300])
        self.set_content(split)

        self.cerca.textChanged.connect(self.proxy.setFilterFixedString)
        self.aggiungi.clicked.connect(self.add_person)
        self.elimina.clicked.connect(self.table.remove_rows)
        self.alias_aggiungi.clicked.connect(self.add_alias)
        self.alias_nuovo.returnPressed.connect(self.add_alias)
        self.alias_elimina.clicked.connect(self.alias_table.remove_rows)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.refused.connect(self.show_message)
        self.alias_model.refused.connect(self.show_message)
        for sig in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            sig.connect(self._summarize)
        self._current_changed(self.table.currentIndex())
        self._summarize()

    # ------------------------------------------------------------ people

    def current_persona(self) -> int | None:
        idx = self.table.currentIndex()
        if not idx.isValid():
            return None
        return int(self.model.row_at(self.proxy.mapToSource(idx).row()).id)

    def select_persona(self, pid: int) -> None:
        r = self.model.row_of(pid)
        if r is not None:
            self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(r, 0)))

    def _ids(self) -> list[int]:
        return [p.id for p in self.model.rows()]

    def add_person(self) -> None:
        before = set(self._ids())
        if self.model.insert_row(self.model.rowCount()):
            new = [i for i in self._ids() if i not in before]
            if new:
                self.cerca.clear()
                self.select_persona(new[0])  # typing now replaces «NUOVA» (Excel-like)

    def _confirm_delete(self, people: list[Persona]) -> bool:
        arc = self.ctx.archive
        n_ass = sum(len(arc.assegnazioni(persona_id=p.id)) for p in people)
        nomi = ", ".join(p.nominativo for p in people[:5]) + ("…" if len(people) > 5 else "")
        text = f"Eliminare {len(people)} persone ({nomi})?" if len(people) > 1 else \
            f"Eliminare {nomi}?"
        if n_ass:
            text += f"\nVerranno tolte anche {n_ass} assegnazioni a obiettivi."
        text += "\nSi può annullare con Modifica › Annulla."
        answer = QMessageBox.question(self, "Elimina persone", text)
        return answer == QMessageBox.StandardButton.Yes

    def _summarize(self, *args: Any) -> None:
        self.summary.setText(f"{format_int(self.model.rowCount())} persone. "
                             "Ctrl+Ins aggiunge, Ctrl+Canc elimina; "
                             "gli alias servono a riconoscere i nomi scritti diversamente nei documenti.")

    # ------------------------------------------------------------ aliases

    def _current_changed(self, current: QModelIndex, *args: Any) -> None:
        pid = self.current_persona()
        self.alias_model.set_persona(pid)
        p = self.model.projection.row(pid) if pid is not None else None
        self.alias_title.setText(f"Alias di {p.nominativo}" if p else "Alias (selezionare una persona)")
        for w in (self.alias_nuovo, self.alias_aggiungi, self.alias_elimina):
            w.setEnabled(p is not None and not self.ctx.archive.readonly)

    def add_alias(self) -> None:
        obj = self.alias_model.new_alias(self.alias_nuovo.text())
        if obj is None:
            return
        if self.ctx.push(InsertRow(obj, label=f"Aggiungi alias «{obj.alias}»")):
            self.alias_nuovo.clear()
