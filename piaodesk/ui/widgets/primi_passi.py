"""«Primi passi»: a short guide shown in the editor while the plan has no objectives.

Three steps, each a button that does it (units, people, first objective), or
the import of a workbook that fills the plan at once. A step already done
shows how many rows it has; the panel hides itself as soon as the plan has an
objective, and comes back if every objective is deleted (or undone).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.model import Obiettivo, Persona, Unita
from ...store.changes import Changes

_TABLES = (Obiettivo.TABLE, Unita.TABLE, Persona.TABLE)


class PrimiPassi(QFrame):
    """The guide; ``window`` is the main window (its views, ``add_sibling``, the import)."""

    done = Signal()  # the plan got its first objective: the guide is hidden

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.ctx = window.ctx
        self.setObjectName("primi_passi")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#primi_passi { background: #f0f6ff; border: 1px solid #bcd3f5; "
                           "border-radius: 4px; }")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 10)
        title = QLabel("<b>Primi passi</b>: il piano è vuoto. In tre passi, oppure importando "
                       "un file già pronto:", self)
        title.setWordWrap(True)
        lay.addWidget(title)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(10)
        self.buttons: dict[str, QPushButton] = {}
        self.states: dict[str, QLabel] = {}
        steps = (
            ("unita", "1. Unità organizzative…", ("Apre «Organizzazione» e aggiunge un'unità "
                                                  "(settore, servizio, ufficio)"), self.add_unit),
            ("persone", "2. Persone…", ("Apre «Persone» e aggiunge una persona (responsabili, "
                                        "personale valutato)"), self.add_person),
            ("obiettivo", "3. Primo obiettivo", ("Aggiunge il primo obiettivo nell'albero, "
                                                 "pronto da scrivere"), self.add_objective),
            ("importa", "Importa da Excel/CSV…", ("Riempie il piano da una cartella di lavoro o "
                                                  "da una tabella di obiettivi e indicatori "
                                                  "(con anteprima)"), self.import_workbook),
        )
        for row, (key, text, tip, slot) in enumerate(steps):
            button = QPushButton(text, self)
            button.setObjectName(f"primi_passi_{key}")
            button.setToolTip(tip)
            button.clicked.connect(lambda _c=False, s=slot: s())
            state = QLabel("", self)
            state.setObjectName(f"primi_passi_stato_{key}")
            state.setWordWrap(True)
            state.setStyleSheet("color: #4b5563;")
            grid.addWidget(button, row, 0)
            grid.addWidget(state, row, 1)
            self.buttons[key] = button
            self.states[key] = state
        self.states["importa"].setText("oppure, in una volta sola")
        lay.addLayout(grid)
        self.ctx.hub.changed.connect(self._on_changes)
        self.refresh()

    # -- state

    def plan_is_empty(self) -> bool:
        return self.ctx.archive.count(Obiettivo) == 0

    def refresh(self) -> None:
        """Show the guide on an empty plan (a writable one), with what is already done."""
        arc = self.ctx.archive
        empty = self.plan_is_empty() and not arc.readonly
        if empty:
            n_unita, n_persone = arc.count(Unita), arc.count(Persona)
            self.states["unita"].setText(f"✔ {n_unita} unità" if n_unita else
                                         "settori e servizi dell'ente")
            self.states["persone"].setText(f"✔ {n_persone} persone" if n_persone else
                                           "chi è responsabile e chi è valutato")
            self.states["obiettivo"].setText("poi si aggiungono figli e fratelli (Modifica)")
        was = not self.isHidden()
        self.setVisible(empty)
        if was and not empty:
            self.done.emit()

    def _on_changes(self, ch: Changes) -> None:
        if ch.reset or any(ch.touches(t) for t in _TABLES):
            self.refresh()

    # -- the steps

    def add_unit(self) -> None:
        view = self.window_.view("Organizzazione", show=True)
        if view is not None:
            view.add_sibling()

    def add_person(self) -> None:
        view = self.window_.view("Persone", show=True)
        if view is not None:
            view.add_person()

    def add_objective(self) -> None:
        self.window_.tabs.setCurrentIndex(0)
        self.window_.tree.setCurrentIndex(self.window_.tree.rootIndex())  # a top-level one
        self.window_.add_sibling()

    def import_workbook(self) -> None:
        from ..dialogs.scambio import run_import

        run_import(self.window_, self.ctx)
