"""«Performance organizzativa»: the voci of the ente or of a unit (Table 2) and their indicators
(Table 1: formula/fattori, tipo, polarità, peso, target and value of the year), editable.

The voce's % and the total of Table 2 are the numbers ``QuadroValutazioni.sintesi``
gives the sheets and the staff's «organizzativa» component. The snapshot is read once
and kept: an edit of the organisational tables re-reads only them; any other change
(objectives' results feed a voce «dai risultati delle schede») reads the plan again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from ...domain.formats import format_percent
from ...domain.model import Unita, VoceOrganizzativa
from ...domain.organizzativa import RisultatoVoce, SintesiOrganizzativa
from ...store.valutazioni import QuadroValutazioni
from ..context import Context
from ..models.views_organizzativa import TABELLE_ORG, IndicatoriOrgModel, VociModel
from ..models.views_valutazione import TABELLE_INDIFFERENTI, TABELLE_VALUTAZIONI
from .comuni import ViewPanel, make_grid


class PerformanceOrganizzativaView(ViewPanel):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("vista_organizzativa")
        self._q: QuadroValutazioni | None = None
        self._sintesi: SintesiOrganizzativa | None = None
        self._risultati: dict[int, RisultatoVoce] = {}
        # (first: the results are computed again before the grids repaint)
        ctx.hub.changed.connect(self._changed)

        self.livello = QComboBox(self)
        self.livello.setObjectName("livelloOrganizzativo")
        self.livello.setMinimumContentsLength(28)
        self.livello.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.add_label("Performance organizzativa di:")
        self.bar.addWidget(self.livello)
        self.buttons: dict[str, QPushButton] = {}
        for key, text in (("voce+", "Aggiungi voce"), ("voce-", "Elimina voce"),
                          ("ind+", "Aggiungi indicatore"), ("ind-", "Elimina indicatore")):
            b = QPushButton(text, self)
            b.setEnabled(not ctx.archive.readonly)
            self.buttons[key] = b
            self.bar.addWidget(b)
        self.bar.addStretch(1)

        self.voci_model = VociModel(ctx, lambda: self._risultati, self)
        self.ind_model = IndicatoriOrgModel(ctx, lambda: self._risultati, self)
        self.voci = make_grid(self.voci_model, self.voci_model.columns(), self, sortable=False)
        self.voci.setObjectName("grigliaVoci")
        self.voci.verticalHeader().hide()
        self.voci.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.indicatori = make_grid(self.ind_model, self.ind_model.columns(), self, sortable=False)
        self.indicatori.setObjectName("grigliaIndicatoriOrganizzativi")
        self.indicatori.verticalHeader().hide()
        self.totale = QLabel(self)
        self.totale.setObjectName("totaleSintesi")
        self.totale.setWordWrap(True)
        top, self.titolo_voci = self._titled(self.voci, self.totale)
        bottom, self.titolo_ind = self._titled(self.indicatori)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setSizes([260, 330])
        self.set_content(split)

        self.voci_model.refused.connect(self.show_message)
        self.ind_model.refused.connect(self.show_message)
        self.voci.selectionModel().currentRowChanged.connect(self._voce_changed)
        self.voci_model.modelReset.connect(self._select_first)
        self.livello.currentIndexChanged.connect(self._livello_changed)
        self.buttons["voce+"].clicked.connect(lambda: self._append(self.voci, self.voci_model))
        self.buttons["voce-"].clicked.connect(self.voci.remove_rows)
        self.buttons["ind+"].clicked.connect(lambda: self._append(self.indicatori, self.ind_model))
        self.buttons["ind-"].clicked.connect(self.indicatori.remove_rows)
        mw = getattr(ctx, "main_window", None)
        if mw is not None and hasattr(mw, "anno_changed"):
            mw.anno_changed.connect(lambda _a: self._changed(None))
        self._fill_livelli()
        self._compute()
        self._select_first()

    def _titled(self, grid: QWidget, below: QWidget | None = None) -> tuple[QWidget, QLabel]:
        """A grid with a bold title above (and a line below): the page and its title."""
        page = QWidget(self)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        title = QLabel(page)
        title.setStyleSheet("font-weight: bold;")
        lay.addWidget(title)
        lay.addWidget(grid, 1)
        if below is not None:
            lay.addWidget(below)
        return page, title

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._q = None  # a hidden tab keeps its results, not the plan's snapshot (memory)

    # ------------------------------------------------------------------ data

    @property
    def quadro(self) -> QuadroValutazioni:
        if self._q is None or self._q.anno != (self.ctx.anno or self._q.anno):
            self._q = QuadroValutazioni(self.ctx.archive, self.ctx.anno or None, leggero=True)
        return self._q

    def _compute(self) -> None:
        self._sintesi = self.quadro.sintesi(self.voci_model.unita_id)
        self._risultati = {r.voce.id or 0: r for r in self._sintesi.voci}
        self._update_totale()

    def _changed(self, ch: Any) -> None:
        tables = ch.tables() if ch is not None else {"*"}
        if ch is None or ch.reset or tables - set(TABELLE_ORG) - TABELLE_VALUTAZIONI - TABELLE_INDIFFERENTI:
            self._q = None  # objectives, SMVP, units …: read the plan again
            if ch is None or ch.reset or "unita" in tables:
                self._fill_livelli()
        elif tables & set(TABELLE_ORG):
            self.quadro.rileggi_organizzativa()
        else:
            return
        self._compute()
        if ch is None:
            self.ind_model.reload()
            self.voci_model.refresh_rows(None)

    def _fill_livelli(self) -> None:
        current = self.livello.currentData() if self.livello.count() else None
        self.livello.blockSignals(True)
        self.livello.clear()
        self.livello.addItem("Ente (tutte le strutture)", None)
        con_voci = {v.unita_id for v in self.ctx.archive.select(
            VoceOrganizzativa, "unita_id IS NOT NULL", columns=("id", "unita_id"))}
        for u in self.ctx.archive.unita():
            self.livello.addItem(u.nome + (" ●" if u.id in con_voci else ""), u.id)
        self.livello.setCurrentIndex(max(0, self.livello.findData(current)))
        self.livello.blockSignals(False)

    def _livello_changed(self, _i: int) -> None:
        self.voci_model.set_unita(self.livello.currentData())
        self._compute()
        self.voci_model.refresh_rows(None)

    # ------------------------------------------------------------------ selection

    def current_voce(self) -> int | None:
        idx = self.voci.currentIndex()
        return self.voci_model.ids()[idx.row()] if idx.isValid() else None

    def _select_first(self) -> None:
        if self.voci_model.rowCount():
            self.voci.setCurrentIndex(self.voci_model.index(0, 1))
        self._voce_changed(self.voci.currentIndex(), QModelIndex())

    def _append(self, grid: Any, model: Any) -> None:
        """A new row at the end, selected with its name ready to be typed over."""
        if model.insert_row(model.rowCount()):
            idx = model.index(model.rowCount() - 1, model.column_of("nome"))
            grid.setCurrentIndex(idx)
            grid.setFocus()

    def _voce_changed(self, current: QModelIndex, _prev: QModelIndex) -> None:
        vid = self.current_voce()
        if vid != self.ind_model.voce_id:
            self.ind_model.set_voce(vid)
        voce = self.voci_model.row_object(current.row()) if current.isValid() else None
        anno = self.ind_model.anno
        self.titolo_ind.setText(f"Indicatori della voce «{voce.codice} {voce.nome}» — target e valori {anno}"
                                if voce else "Indicatori (selezionare una voce)")
        self.buttons["ind+"].setEnabled(voce is not None and not self.ctx.archive.readonly)
        self.buttons["ind-"].setEnabled(voce is not None and not self.ctx.archive.readonly)

    def _update_totale(self) -> None:
        uid = self.voci_model.unita_id
        unita = self.ctx.archive.get(Unita, uid) if uid is not None else None
        chi = f"di {unita.nome}" if unita is not None else "dell'ente"
        anno = self.ind_model.anno
        self.titolo_voci.setText(f"Sintesi della performance organizzativa {chi} — {anno}")
        s = self._sintesi
        if s is None or not s.voci:
            self.totale.setText("Nessuna voce: «Aggiungi voce» per iniziare (es. 003: 1 obiettivi, "
                                "2.1 programmazione e gestione delle risorse …).")
            self.totale.setStyleSheet("color: #4b5563;")
        elif s.perc is None:
            self.totale.setText("Totale (Tabella 2): non disponibile — manca: " + "; ".join(s.mancanti) + ".")
            self.totale.setStyleSheet("color: #b3261e;")
        else:
            pari = " (voci di pari peso)" if s.pari_peso else ""
            self.totale.setText(f"Totale (Tabella 2): <b>{format_percent(s.perc)}</b>{pari}")
            self.totale.setStyleSheet("color: #1e4d2b;")
        self.summary.setText("Le voci «dai risultati delle schede» valgono la media dei risultati delle schede "
                             "obiettivi; le altre la media pesata del raggiungimento dei loro indicatori. "
                             "Doppio clic o un tasto per modificare; Ctrl+Z annulla.")
