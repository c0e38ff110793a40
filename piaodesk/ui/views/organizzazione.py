"""Organizzazione: the tree of units (area → settore → servizio/ufficio) with CdR code and responsabile."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QAbstractItemView, QMessageBox, QPushButton, QTreeView, QWidget

from ..context import Context
from ..delegates import TypedDelegate
from ..models.views_organizzazione import OrganizzazioneModel
from .comuni import ViewPanel


class OrganizzazioneView(ViewPanel):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("vista_organizzazione")
        self.model = OrganizzazioneModel(ctx, self)
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setItemDelegate(TypedDelegate(self.tree))
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setStyleSheet("QTreeView::item { padding: 4px 2px; }")
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        for i, col in enumerate(self.model.columns()):
            self.tree.setColumnWidth(i, col.width)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("aggiungi", "Aggiungi unità", self.add_sibling),
            ("sotto", "Aggiungi sotto-unità", self.add_child),
            ("rinomina", "Rinomina", self.rename),
            ("elimina", "Elimina", self.delete),
        ):
            b = QPushButton(text, self)
            b.clicked.connect(slot)
            self.bar.addWidget(b)
            self.buttons[key] = b
        self.bar.addStretch(1)
        self.set_content(self.tree)
        self.model.refused.connect(self.show_message)
        self.model.modelAboutToBeReset.connect(self._remember)
        self.model.modelReset.connect(self._restore)
        self._current: int | None = None
        self.tree.expandAll()
        self._summarize()

    def current_id(self) -> int | None:
        return self.model.id_of(self.tree.currentIndex())

    def select(self, uid: int) -> None:
        idx = self.model.index_of(uid)
        if idx.isValid():
            self.tree.setCurrentIndex(idx)

    def _remember(self) -> None:
        self._current = self.current_id()

    def _restore(self) -> None:
        self.tree.expandAll()
        if self._current is not None:
            self.select(self._current)
        self._summarize()

    def _summarize(self) -> None:
        n = len(self.model._unita)
        self.summary.setText(f"{n} unità organizzative. Doppio clic o F2 per modificare; il responsabile "
                             "si sceglie tra le persone dell'anagrafica.")

    def add_sibling(self) -> None:
        cur = self.current_id()
        u = self.model.unita(cur) if cur is not None else None
        uid = self.model.add_unit(u.parent_id if u else None, cur)
        if uid is not None:
            self._edit_name(uid)

    def add_child(self) -> None:
        cur = self.current_id()
        if cur is None:
            self.show_message("Selezionare l'unità sotto cui aggiungere.")
            return
        uid = self.model.add_unit(cur)
        if uid is not None:
            self._edit_name(uid)

    def _edit_name(self, uid: int) -> None:
        self.tree.expand(self.model.parent(self.model.index_of(uid)))
        self.select(uid)
        self.tree.edit(self.model.index_of(uid, 0))

    def rename(self) -> None:
        cur = self.current_id()
        if cur is not None:
            self.tree.edit(self.model.index_of(cur, 0))

    def delete(self) -> None:
        cur = self.current_id()
        if cur is None:
            return
        ids = self.model.subtree(cur)
        n_p, n_o = self.model.projection.conteggi(cur)
        u = self.model.unita(cur)
        text = f"Eliminare «{u.nome if u else cur}»"
        if len(ids) > 1:
            text += f" e le sue {len(ids) - 1} sotto-unità"
        text += "?"
        if n_p or n_o:
            text += f"\n{n_p} persone e {n_o} obiettivi resteranno senza unità."
        text += "\nSi può annullare con Modifica › Annulla."
        if QMessageBox.question(self, "Elimina unità", text) == QMessageBox.StandardButton.Yes:
            self.model.delete_unit(cur)

    def _current_index(self) -> QModelIndex:
        return self.tree.currentIndex()
