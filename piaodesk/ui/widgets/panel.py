"""Right side of the editor: a live summary of the selected objective and the tabs
«Scheda» (detail form), «Fasi», «Indicatori» (+ «Periodi»), «Personale», «Risorse»."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QItemSelection, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.formats import format_decimal, format_percent
from ...domain.model import Obiettivo
from ...store.valutazioni import pesi_scheda
from ...store.changes import Changes
from ..models.columns import SortRole
from ..models.grids import AssegnazioniModel, FasiModel, IndicatoriModel, MisureModel, RisorseModel
from .detail import ObiettivoForm
from .grid import ExcelTableView

CENTO = Decimal(100)


def make_grid(model: Any, parent: QWidget, object_name: str, sortable: bool = True) -> ExcelTableView:
    view = ExcelTableView(parent)
    view.setObjectName(object_name)
    if sortable:
        proxy = QSortFilterProxyModel(view)
        proxy.setSourceModel(model)
        proxy.setSortRole(SortRole)
        view.setModel(proxy)
        view.setSortingEnabled(True)
        view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    else:
        view.setModel(model)
    for i, col in enumerate(model._columns):
        if col.width:
            view.setColumnWidth(i, col.width)
    return view


class ObiettivoPanel(QWidget):
    message = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.oid: int | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 0, 0, 0)
        lay.setSpacing(4)
        self.title = QLabel(self)
        self.title.setObjectName("titoloObiettivo")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.summary = QLabel(self)
        self.summary.setObjectName("riepilogoObiettivo")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.title)
        lay.addWidget(self.summary)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("schedeObiettivo")
        lay.addWidget(self.tabs, 1)

        self.form = ObiettivoForm(ctx, self)
        self.form.refused.connect(self.message)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.form)
        self.tabs.addTab(scroll, "Scheda")

        self.fasi_model = FasiModel(ctx, self)
        self.fasi = make_grid(self.fasi_model, self, "grigliaFasi")
        self.tabs.addTab(self.fasi, "Fasi")

        self.ind_model = IndicatoriModel(ctx, self)
        self.mis_model = MisureModel(ctx, self)
        self.indicatori = make_grid(self.ind_model, self, "grigliaIndicatori")
        self.misure = make_grid(self.mis_model, self, "grigliaPeriodi")
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("splitIndicatori")
        split.addWidget(self.indicatori)
        box = QWidget(split)
        bl = QVBoxLayout(box)
        bl.setContentsMargins(0, 4, 0, 0)
        bl.setSpacing(2)
        self.misure_label = QLabel("Periodi dell'indicatore selezionato", box)
        bl.addWidget(self.misure_label)
        bl.addWidget(self.misure)
        split.addWidget(box)
        split.setSizes([260, 160])
        self.split_indicatori = split
        self.tabs.addTab(split, "Indicatori")
        self.indicatori.selectionModel().currentRowChanged.connect(self._indicator_changed)

        self.ass_model = AssegnazioniModel(ctx, self)
        self.personale = make_grid(self.ass_model, self, "grigliaPersonale")
        self.tabs.addTab(self.personale, "Personale")

        self.ris_model = RisorseModel(ctx, self)
        self.risorse = make_grid(self.ris_model, self, "grigliaRisorse")
        self.tabs.addTab(self.risorse, "Risorse")

        for grid, model in ((self.fasi, self.fasi_model), (self.indicatori, self.ind_model),
                            (self.misure, self.mis_model), (self.personale, self.ass_model),
                            (self.risorse, self.ris_model)):
            grid.message.connect(self.message)
            model.refused.connect(self.message)  # the model says its refusals (once)
        ctx.hub.changed.connect(self._on_changes)
        self.set_obiettivo(None)

    # ------------------------------------------------------------------ selection

    def grids(self) -> dict[str, ExcelTableView]:
        return {"fasi": self.fasi, "indicatori": self.indicatori, "periodi": self.misure,
                "personale": self.personale, "risorse": self.risorse}

    def set_obiettivo(self, oid: int | None) -> None:
        self.oid = oid
        self.form.set_obiettivo(oid)
        for m in (self.fasi_model, self.ind_model, self.ass_model, self.ris_model):
            m.set_obiettivo(oid)
        first = self.ind_model.ids()[0] if self.ind_model.ids() else None
        self.mis_model.set_indicatore(first)
        if first is not None:
            self.indicatori.setCurrentIndex(self.indicatori.model().index(0, 1))
        self.refresh_summary()

    def _indicator_changed(self, current: Any, _previous: Any = None) -> None:
        rid = current.data(Qt.ItemDataRole.UserRole + 1) if current.isValid() else None
        if self.mis_model.indicatore is None or self.mis_model.indicatore.id != rid:
            self.mis_model.set_indicatore(rid)
        ind = self.mis_model.indicatore
        self.misure_label.setText(
            f"Periodi di «{ind.descrizione[:80]}» — target e valori per anno e periodo "
            "(Ctrl+Ins aggiunge un periodo)" if ind else "Periodi dell'indicatore selezionato")

    def set_anno(self) -> None:
        self.ind_model.set_anno()
        self.refresh_summary()

    def _on_changes(self, ch: Changes) -> None:
        if self.oid is not None and self.oid in ch.deleted.get("obiettivi", set()):
            self.set_obiettivo(None)
            return
        if ch.tables() & {"obiettivi", "fasi", "indicatori", "misure", "valutazioni", "impostazioni"}:
            self.refresh_summary()

    # ------------------------------------------------------------------ summary

    def refresh_summary(self) -> None:
        arc = self.ctx.archive
        ob = arc.obiettivo(self.oid) if self.oid is not None else None
        if ob is None:
            self.title.setText("<span style='font-size:13pt;color:#666'>Selezionare un obiettivo "
                               "nell'albero a sinistra</span>")
            self.summary.setText("")
            self.tabs.setEnabled(False)
            return
        self.tabs.setEnabled(True)
        anno = self.ctx.anno or arc.piano().anno_inizio
        ris = arc.risultato_obiettivo(ob.id, anno)
        perc = arc.perc_avanzamento(ob.id, anno)
        self.title.setText(f"<span style='font-size:13pt'><b>{_esc(ob.codice)}</b> "
                           f"{_esc(ob.titolo)}</span>")
        parts = [f"<b>Avanzamento {anno}: {format_percent(perc) or '—'}</b>",
                 f"indicatori {format_percent(ris.perc_indicatori) or '—'}",
                 f"fasi {format_percent(ris.perc_fasi) or '—'}"]
        parts.extend(self._weights(ob))
        self.summary.setText(" &nbsp;·&nbsp; ".join(parts))

    def _weights(self, ob: Obiettivo) -> list[str]:
        arc = self.ctx.archive
        out = []
        # weights are checked per scheda (the objectives a unit evaluates), not per tree level:
        # a level of the tree mixes every settore's objectives
        for nome, n, pesi in pesi_scheda(arc, ob.id or 0):
            given = [p for p in pesi if p is not None]
            if given:
                out.append(_weight_text(f"pesi della scheda {_esc(nome)}", sum(given, Decimal(0)), n))
        if ob.responsabile_id is not None:
            n_r, pesi_r = arc.pesi_responsabile(ob.responsabile_id, ob.ramo, str(ob.livello))
            if pesi_r:
                out.append(_weight_text("pesi del responsabile", sum(pesi_r, Decimal(0)), n_r))
        return out



def _weight_text(what: str, total: Decimal, n: int) -> str:
    text = f"{what}: {format_decimal(total, 2, strip_zeros=True)} %"
    if total != CENTO:
        tip = f"La somma dei pesi ({n} obiettivi) dovrebbe essere 100 %."
        return f"<span style='color:#b26a00' title='{tip}'>⚠ {text}</span>"
    return f"<span style='color:#2e7d32'>{text} ✓</span>"


def _esc(text: str | None) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_ = QItemSelection
