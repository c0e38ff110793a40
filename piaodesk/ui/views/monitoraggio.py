"""Tab «Monitoraggio»: a round's values and % per objective, the dialogue with the Nucleo,
the comparison across rounds and the budget summary.

Every change goes through ``ctx.push`` (undoable); a closed round is shown
read-only and its edits are refused with an Italian message.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ...domain import monitoraggio as rules
from ...domain.enums import StatoMonitoraggio
from ...domain.formats import format_date, format_percent
from ...domain.model import Monitoraggio
from ...store import monitoraggio as store
from ...store.db import PlanError
from ...store.edits import Batch
from ..models.monitoraggio import RoundModel
from ..models.slices import full_collections_postponed
from .monitoraggio_rileva import RilevaPronta

__all__ = ["DialogoPanel", "MonitoraggioView", "RoundModel"]

#: the grid opens with its first level expanded up to this many roots
EXPAND_ROOTS = 200


class DialogoPanel(QFrame):
    """The monitoring dialogue of one objective and its validated %."""

    message = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.mid: int | None = None
        self.oid: int | None = None
        #: the round as the grid holds it, kept up to date by its projection (not read again)
        self.round_source: Any = lambda: None
        self.setObjectName("pannello_dialogo")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 4, 4)
        self.titolo = QLabel("Selezionare un obiettivo", self)
        self.titolo.setWordWrap(True)
        f = self.titolo.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.1)
        self.titolo.setFont(f)
        lay.addWidget(self.titolo)
        self.relazione = self._text("Relazione del Settore sullo stato di avanzamento")
        self.osservazioni = self._text("Eventuali osservazioni del Nucleo di Valutazione")
        self.risposta = self._text("Eventuale risposta del Settore alle osservazioni")
        for label, w in (("Relazione del Settore", self.relazione),
                         ("Osservazioni del Nucleo di Valutazione", self.osservazioni),
                         ("Risposta del Settore", self.risposta)):
            lay.addWidget(QLabel(label, self))
            lay.addWidget(w, 1)
        form = QFormLayout()
        self.calcolata = QLabel("—", self)
        form.addRow("% calcolata:", self.calcolata)
        self.validata = QLineEdit(self)
        self.validata.setPlaceholderText("uguale alla calcolata (vuoto: non validata)")
        self.validata.setMaximumWidth(260)
        form.addRow("% validata dal Nucleo:", self.validata)
        self.motivo = QPlainTextEdit(self)
        self.motivo.setPlaceholderText("Obbligatoria se la % validata è diversa da quella calcolata")
        self.motivo.setMaximumHeight(64)
        form.addRow("Motivo dell'override:", self.motivo)
        lay.addLayout(form)
        self.errore = QLabel("", self)
        self.errore.setObjectName("errore_dialogo")
        self.errore.setWordWrap(True)
        self.errore.setStyleSheet("color: #b91c1c;")
        self.errore.hide()
        lay.addWidget(self.errore)
        row = QHBoxLayout()
        row.addStretch(1)
        self.salva = QPushButton("Salva", self)
        self.salva.setObjectName("salva_dialogo")
        self.salva.clicked.connect(self.save)
        row.addWidget(self.salva)
        lay.addLayout(row)
        self.set_objective(None, None)

    def _text(self, placeholder: str) -> QPlainTextEdit:
        w = QPlainTextEdit(self)
        w.setPlaceholderText(placeholder)
        w.setMinimumHeight(48)
        return w

    def set_objective(self, mid: int | None, oid: int | None, rnd: store.Round | None = None) -> None:
        """Show an objective; ``rnd`` is the round already read by the grid (no re-read)."""
        self.mid, self.oid = mid, oid
        self.errore.hide()
        if rnd is None or rnd.monitoraggio.id != mid:
            rnd = None
            if mid is not None and oid is not None:  # (no objective shown: no round needed)
                rnd = store.leggi_round(self.ctx.archive, mid)
        ob = self.ctx.archive.obiettivo(oid) if oid is not None else None
        enabled = rnd is not None and ob is not None
        st = rnd.stati.get(oid) if enabled and rnd and oid is not None else None
        self.titolo.setText(f"{ob.codice}  {ob.titolo}" if ob else "Selezionare un obiettivo")
        self._shown: dict[int, str] = {}
        for w, text in ((self.relazione, st.relazione_settore if st else ""),
                        (self.osservazioni, st.osservazioni_nucleo if st else ""),
                        (self.risposta, st.risposta_settore if st else ""),
                        (self.motivo, st.motivo_override if st else "")):
            w.setPlainText(_plain(text or ""))
            self._shown[id(w)] = w.toPlainText()
        calc = rnd.calcolata(oid) if enabled and rnd and oid is not None else None
        self.calcolata.setText(format_percent(calc) or "non calcolabile")
        self.validata.setText(format_percent(st.perc_validata).replace(" %", "")
                              if st and st.perc_validata is not None else "")
        writable = enabled and rnd is not None and not rnd.chiuso and not self.ctx.readonly
        for w in (self.relazione, self.osservazioni, self.risposta, self.motivo):
            w.setReadOnly(not writable)
        self.validata.setReadOnly(not writable)
        self.salva.setEnabled(writable)
        self.setEnabled(enabled)

    def save(self) -> bool:
        """Save texts and validated % as one undoable step; refuse an override without reason."""
        if self.mid is None or self.oid is None:
            return False
        arc = self.ctx.archive
        rnd = self.round_source()
        if rnd is None or rnd.monitoraggio.id != self.mid:
            rnd = None
        try:
            edits = []
            dialogo = store.imposta_dialogo(arc, self.mid, self.oid,
                                            relazione_settore=self._changed(self.relazione),
                                            osservazioni_nucleo=self._changed(self.osservazioni),
                                            risposta_settore=self._changed(self.risposta), rnd=rnd)
            if dialogo is not None:
                edits.append(dialogo)
            if rnd is None:
                rnd = store.leggi_round(arc, self.mid)
            st = rnd.stati.get(self.oid)
            text = self.validata.text().strip().replace("%", "").strip()
            motivo = self.motivo.toPlainText().strip() or None
            new_val = rules.arrotonda(_parse_perc(text)) if text else None
            if text and new_val is None:
                raise PlanError(f"«{text}» non è una percentuale: scrivere ad esempio 100 o 96,74.")
            old_val = st.perc_validata if st else None
            old_mot = (st.motivo_override or None) if st else None
            if new_val != old_val or (new_val is not None and motivo != old_mot):
                msg = rules.errore_validata(rnd.calcolata(self.oid), new_val, motivo)
                if msg:
                    raise store.OverrideSenzaMotivo(msg)
                edits.append(store.imposta_validata(arc, self.mid, self.oid, new_val, motivo, rnd=rnd))
        except PlanError as exc:
            self._error(str(exc))
            return False
        self.errore.hide()
        if not edits:
            return True
        edit = edits[0] if len(edits) == 1 else Batch(edits, edits[0].label)
        ok = self.ctx.push(edit)
        if ok:
            self.message.emit("Stato di avanzamento salvato.")
        return ok

    def _changed(self, w: QPlainTextEdit) -> str | None:
        """The text to save, or None when untouched (keeps the stored HTML of imported texts)."""
        text = w.toPlainText()
        return None if text == self._shown.get(id(w)) else text

    def _error(self, text: str) -> None:
        self.errore.setText(text)
        self.errore.show()
        self.message.emit(text)


def _parse_perc(text: str) -> Decimal | None:
    from ...domain.formats import parse_decimal

    return parse_decimal(text)


def _plain(text: str) -> str:
    """Seed texts carry HTML (<p>, <ul>): show them as plain paragraphs."""
    import html
    import re

    if "<" not in text:
        return text
    text = re.sub(r"(?i)<\s*(br|/p|/li)\s*/?>", "\n", text)
    text = re.sub(r"(?i)<li[^>]*>", "• ", text)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(re.sub(r"\n{3,}", "\n\n", text)).strip()


class MonitoraggioView(QWidget):
    """The «Monitoraggio» tab."""

    message = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("vista_monitoraggio")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Monitoraggio:", self))
        self.rounds = QComboBox(self)
        self.rounds.setObjectName("scelta_monitoraggio")
        self.rounds.setMinimumWidth(360)
        bar.addWidget(self.rounds)
        self.stato = QLabel("", self)
        self.stato.setObjectName("stato_monitoraggio")
        bar.addWidget(self.stato)
        bar.addStretch(1)
        self.nuovo = QPushButton("Nuovo monitoraggio…", self)
        self.rileva = QPushButton("Rileva i valori", self)
        self.rileva.setToolTip("Prende i valori degli indicatori alla data del monitoraggio "
                               "(solo dove mancano)")
        self.chiudi = QPushButton("Chiudi il monitoraggio", self)
        self.chiudi.setObjectName("chiudi_monitoraggio")
        self.riapri = QPushButton("Riapri", self)
        for b in (self.nuovo, self.rileva, self.chiudi, self.riapri):
            bar.addWidget(b)
        lay.addLayout(bar)
        self.banner = QLabel("", self)
        self.banner.setObjectName("avviso_monitoraggio")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #eef2ff; border: 1px solid #c7d2fe; "
                                  "padding: 4px 8px; }")
        lay.addWidget(self.banner)

        self.tabs = QTabWidget(self)
        lay.addWidget(self.tabs, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.model = RoundModel(ctx, self)
        self.pronta = RilevaPronta(self.model, self)  # «Rileva i valori» built ahead
        self.tree = QTreeView(split)
        self.tree.setObjectName("griglia_monitoraggio")
        self.tree.setModel(self.model)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QTreeView.EditTrigger.DoubleClicked | QTreeView.EditTrigger.EditKeyPressed
                                  | QTreeView.EditTrigger.AnyKeyPressed)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((340, 110, 110, 90, 90, 90)):
            self.tree.setColumnWidth(col, width)
        self.panel = DialogoPanel(ctx, split)
        self.panel.round_source = self.model.full_round
        split.addWidget(self.tree)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([900, 440])
        self.tabs.addTab(split, "Stato di avanzamento")

        from .monitoraggio_confronto import ConfrontoWidget

        self.confronto = ConfrontoWidget(ctx, self)
        self.tabs.addTab(self.confronto, "Confronto tra monitoraggi")
        from .monitoraggio_bilancio import BilancioWidget

        self.bilancio = BilancioWidget(ctx, self)
        self.tabs.addTab(self.bilancio, "Risorse finanziarie")

        self.rounds.currentIndexChanged.connect(self._round_changed)
        self.tree.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.refused.connect(self._refused)
        self.model.modelReset.connect(self._expand)
        self.model.loaded.connect(self._loaded)
        self.panel.message.connect(self.message)
        self.nuovo.clicked.connect(self.new_round)
        self.rileva.clicked.connect(self.take_values)
        self.chiudi.clicked.connect(self.close_round)
        self.riapri.clicked.connect(self.reopen_round)
        ctx.hub.changed.connect(self._on_changes)
        ctx.hub.error.connect(self._refused)
        self._fill_rounds()

    # -- rounds

    def current_round(self) -> int | None:
        data = self.rounds.currentData()
        return int(data) if data is not None else None

    def _fill_rounds(self, select: int | None = None) -> None:
        keep = select if select is not None else self.current_round()
        self.rounds.blockSignals(True)
        self.rounds.clear()
        rounds = self.ctx.archive.monitoraggi()
        for m in rounds:
            stato = "chiuso" if m.stato == StatoMonitoraggio.CHIUSO else "aperto"
            self.rounds.addItem(f"{m.nome} — al {format_date(m.data)} ({stato})", m.id)
        if not rounds:
            self.rounds.addItem("Nessun monitoraggio: aprirne uno con «Nuovo monitoraggio…»", None)
        pos = self.rounds.findData(keep) if keep is not None else -1
        if pos < 0 and rounds:
            pos = len(rounds) - 1
        self.rounds.setCurrentIndex(max(pos, 0))
        self.rounds.blockSignals(False)
        if self.current_round() != self.model.mid or self.model.mid is None:
            self._round_changed()
        else:
            self._loaded()

    def _round_changed(self, *_: Any) -> None:
        mid = self.current_round()
        self.ctx.extra["monitoraggio_corrente"] = mid
        self.model.set_round(mid)
        self.panel.set_objective(mid, None, self.model.rnd)
        self._update_state()

    def _loaded(self) -> None:
        """The whole round is in: the panel and the banner show it."""
        if self.model.rnd is not None:
            self.panel.set_objective(self.model.mid, self.panel.oid, self.model.rnd)
        self._update_state()

    def _update_state(self) -> None:
        proj = self.model.proj
        mon, chiuso = proj.mon, proj.chiuso
        ro = self.ctx.readonly
        self.rileva.setEnabled(mon is not None and not chiuso and not ro)
        self.chiudi.setEnabled(mon is not None and not chiuso and not ro)
        self.riapri.setEnabled(mon is not None and chiuso and not ro)
        self.nuovo.setEnabled(not ro)
        if mon is None:
            self.stato.setText("")
            self.banner.setText("Nessun monitoraggio nel piano. Un monitoraggio (stato di avanzamento) "
                                "fotografa i valori degli indicatori a una data, es. 30/06 o 31/12.")
            return
        m = mon
        if chiuso:
            self.stato.setText(f"Chiuso il {format_date(m.chiuso_il)}")
            self.banner.setText(f"Monitoraggio chiuso il {format_date(m.chiuso_il)}: valori e percentuali "
                                "sono congelati (sola lettura). Per correggerli usare «Riapri».")
            self.banner.setStyleSheet("QLabel { background: #f3f4f6; border: 1px solid #d1d5db; "
                                      "padding: 4px 8px; }")
        else:
            self.stato.setText("Aperto")
            rnd = self.model.rnd
            missing = "" if rnd is None or rnd.rilevato else (
                " I valori non sono ancora stati rilevati: premere «Rileva i valori».")
            if rnd is None:
                missing = " (Calcolo delle % in corso: per ora quelle salvate all'ultima modifica.)"
            self.banner.setText(f"Valori degli indicatori al {format_date(m.data)}: modificabili nelle "
                                "celle gialle (doppio clic). La % calcolata si aggiorna subito; la % "
                                "validata si imposta a destra." + missing)
            self.banner.setStyleSheet("QLabel { background: #eef2ff; border: 1px solid #c7d2fe; "
                                      "padding: 4px 8px; }")

    def _expand(self) -> None:
        # the first level open when it is short (a large plan's thousands of schede stay closed:
        # expanding them all would cost longer than showing the round)
        if len(self.model.proj.roots) <= EXPAND_ROOTS:
            self.tree.expandToDepth(0)

    def _row_changed(self, current: QModelIndex, _prev: QModelIndex) -> None:
        node = self.model.nodo(current)
        if node is None:
            return
        ob = node.obj if node.kind == "o" else node.parent.obj  # type: ignore[union-attr]
        self.ctx.current_obiettivo = ob.id
        self.panel.set_objective(self.current_round(), ob.id, self.model.full_round())

    def _on_changes(self, ch: Any) -> None:
        if ch.touches("monitoraggi") or ch.reset or ch.moved:
            inserted = list(ch.inserted.get("monitoraggi", ()))
            self._fill_rounds(select=inserted[0] if inserted else None)
            return
        if ch.touches("stati_avanzamento") or ch.touches("rilevazioni"):
            if self.model.rnd is not None:  # (else: shown when the round is loaded)
                self.panel.set_objective(self.current_round(), self.panel.oid, self.model.rnd)
            self._update_state()

    def _refused(self, text: str) -> None:
        self.message.emit(text)
        self.banner.setText(text)
        self.banner.setStyleSheet("QLabel { background: #fef2f2; border: 1px solid #fecaca; "
                                  "color: #991b1b; padding: 4px 8px; }")

    # -- actions

    def new_round(self) -> None:
        from ..dialogs.monitoraggio import NuovoMonitoraggioDialog

        dlg = NuovoMonitoraggioDialog(self.ctx, self)
        dlg.exec()

    def take_values(self) -> None:
        mid = self.current_round()
        if mid is None:
            return
        with full_collections_postponed():  # (50.000 records made at once: no full collection)
            edit = self.pronta.edit(mid)  # built ahead while the round was shown
            if edit is None:
                rnd = self.model.full_round() if self.model.proj.mid == mid else None
                try:  # the round the grid already holds: not read again (bench latenza_rileva);
                    # the leaves' own % from the plan's cache, as the tree has them
                    edit = store.rileva(self.ctx.archive, mid, rnd=rnd)
                except PlanError as exc:
                    self._refused(str(exc))
                    return
            if edit is None:
                self.message.emit("Tutti i valori sono già rilevati.")
                return
            self.ctx.push(edit)

    def close_round(self, *, confirm: bool = True) -> bool:
        mid = self.current_round()
        if mid is None:
            return False
        m = self.ctx.archive.get(Monitoraggio, mid)
        if confirm and QMessageBox.question(
                self, "Chiudi il monitoraggio",
                f"Chiudere «{m.nome}»? Valori e percentuali saranno congelati e non più "
                "modificabili (si può annullare con Modifica ▸ Annulla o riaprirlo).") != \
                QMessageBox.StandardButton.Yes:
            return False
        try:
            edit = store.chiudi(self.ctx.archive, mid)
        except PlanError as exc:
            self._refused(str(exc))
            return False
        return self.ctx.push(edit)

    def reopen_round(self) -> bool:
        mid = self.current_round()
        if mid is None:
            return False
        try:
            return self.ctx.push(store.riapri(self.ctx.archive, mid))
        except PlanError as exc:
            self._refused(str(exc))
            return False
