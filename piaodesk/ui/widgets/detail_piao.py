"""The PIAO section of the objective form (issue 18): programme from the harmonised catalogue, risk
level and its measure, the portal's kinds, product kind, operational manager, approval phase, the
Comune of an Unione, and the obiettivi di valore pubblico the objective serves (read-only here:
they are linked in the «Valore pubblico» tab).

Each control commits through the form's ``commit(key, value)`` (one undoable ``SetFields``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from ...domain.catalogo import catalogo
from ...domain.enums import TipoProdotto
from ...domain.model import Obiettivo
from ...domain.portale import TIPOLOGIE_PIAO
from ...domain.rischio import ScalaRischio, scala_predefinita
from ...store import rischio as rischio_store
from ...store import valore_pubblico as vp_store
from ...store.changes import Changes
from ...store.edits import SetFields

NESSUNO = "(nessuno)"


def _combo(parent: QWidget, width: int = 12) -> QComboBox:
    c = QComboBox(parent)
    c.setMinimumContentsLength(width)
    c.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return c


class SezionePiao(QWidget):
    def __init__(self, ctx: Any, commit: Callable[[str, Any], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._commit = commit
        self._loading = False
        self._ob: Obiettivo | None = None
        g = QGridLayout(self)
        g.setContentsMargins(0, 0, 0, 0)
        g.setHorizontalSpacing(10)
        g.setVerticalSpacing(6)
        g.setColumnStretch(1, 3)
        g.setColumnStretch(3, 2)
        self.programma = _combo(self, 20)
        self.programma.addItem(NESSUNO, None)
        for m in catalogo().missioni:
            for p in catalogo().programmi_di(m.codice):
                self.programma.addItem(f"{p.chiave} – {m.nome} – {p.nome}", p.chiave)
        self.programma.setToolTip("Missione e programma della classificazione armonizzata "
                                  "(D.Lgs. 118/2011, allegato 14)")
        self.programma.activated.connect(lambda _i: self._set("programma_cod", self.programma.currentData()))
        self.prodotto = _combo(self)
        self.prodotto.addItem(NESSUNO, None)
        for t in TipoProdotto:
            self.prodotto.addItem(t.label, t)
        self.prodotto.activated.connect(lambda _i: self._set("tipo_prodotto", self.prodotto.currentData()))
        self.rischio = _combo(self, 8)
        self.rischio.setToolTip("Livelli della scala dell'ente («Piano › Scala del rischio…»)")
        self._riempi_rischio(None)
        self.rischio.activated.connect(lambda _i: self._set_rischio())
        self.misura = QLineEdit(self)
        self.misura.setPlaceholderText("misura di prevenzione")
        self.misura.editingFinished.connect(lambda: self._set("rischio_misura", self.misura.text().strip() or None))
        self.tipi: dict[str, QCheckBox] = {}
        box = QWidget(self)
        bl = QHBoxLayout(box)
        bl.setContentsMargins(0, 0, 0, 0)
        for key, label in TIPOLOGIE_PIAO:
            cb = QCheckBox(label, box)
            cb.toggled.connect(lambda v, k=key: self._set(k, v))
            self.tipi[key] = cb
            bl.addWidget(cb)
        bl.addStretch(1)
        self.operativo = _combo(self)
        self.operativo.activated.connect(
            lambda _i: self._set("responsabile_operativo_id", self.operativo.currentData()))
        self.fase = QLineEdit(self)
        self.fase.setPlaceholderText("es. Approvato")
        self.fase.editingFinished.connect(lambda: self._set("fase_approvazione", self.fase.text().strip() or None))
        self.comune = _combo(self)
        self.comune.activated.connect(lambda _i: self._set("comune_id", self.comune.currentData()))
        self.valore_pubblico = QLabel(self)
        self.valore_pubblico.setWordWrap(True)
        self.valore_pubblico.setToolTip("Si collega nella scheda «Valore pubblico»")
        rows = ((("Programma (catalogo)", self.programma), ("Tipo di prodotto", self.prodotto)),
                (("Livello di rischio", self.rischio), ("Misura di prevenzione", self.misura)),
                (("Tipologia PIAO", box), None),
                (("Resp. operativo", self.operativo), ("Fase di approvazione", self.fase)),
                (("Comune", self.comune), ("Valore pubblico", self.valore_pubblico)))
        for r, (left, right) in enumerate(rows):
            g.addWidget(QLabel(left[0], self), r, 0)
            g.addWidget(left[1], r, 1, 1, 3 if right is None else 1)
            if right is not None:
                g.addWidget(QLabel(right[0], self), r, 2)
                g.addWidget(right[1], r, 3)
        self.carica_elenchi()
        ctx.hub.changed.connect(self._changed)

    def _changed(self, ch: Changes) -> None:
        if rischio_store.CHIAVE in ch.updated.get("impostazioni", {}).get(0, set()) and not self._loading:
            self.fill(self._ob)  # the ente's scale changed: the combo offers its levels

    def _scala(self) -> ScalaRischio:
        try:
            return rischio_store.scala(self.ctx.archive)
        except ValueError:  # unreadable setting: the dialog says so; the form still works
            return scala_predefinita()

    def _riempi_rischio(self, attuale: str | None) -> None:
        """The ente's levels, lowest first; a level the objective has that is off the scale (an older
        file) is shown as such, never replaced."""
        scala = self._scala()
        self.rischio.clear()
        self.rischio.addItem("(non indicato)", None)
        for lv in scala.livelli:
            self.rischio.addItem(lv.nome, lv.nome)
            if lv.descrizione:
                self.rischio.setItemData(self.rischio.count() - 1, lv.descrizione, Qt.ItemDataRole.ToolTipRole)
        if attuale and attuale not in scala.nomi:
            self.rischio.addItem(f"{attuale} (fuori scala)", attuale)

    def carica_elenchi(self) -> None:
        arc = self.ctx.archive
        self._loading = True
        self.operativo.clear()
        self.operativo.addItem(NESSUNO, None)
        for p in arc.persone():
            self.operativo.addItem(p.nominativo, p.id)
        self.comune.clear()
        self.comune.addItem("(tutta l'Unione)", None)
        ente = arc.ente()
        for e in arc.enti():
            if ente is not None and e.parent_id == ente.id:
                self.comune.addItem(e.nome, e.id)
        self._loading = False

    def _set(self, key: str, value: Any) -> None:
        if not self._loading:
            self._commit(key, value)

    def _set_rischio(self) -> None:
        livello = self.rischio.currentData()
        ob = self._ob
        if self._loading or ob is None or ob.id is None or livello == ob.rischio_livello:
            return
        # a level says the row carries a risk (one undoable step); removing it keeps the flag
        values: dict[str, Any] = {"rischio_livello": livello}
        if livello is not None and not ob.rischio_corruttivo:
            values["rischio_corruttivo"] = True
        self.ctx.push(SetFields(Obiettivo, ob.id, values, label="Modifica livello di rischio"))

    def fill(self, ob: Obiettivo | None) -> None:
        self._ob = ob
        self._loading = True
        try:
            def pick(combo: QComboBox, value: Any) -> None:
                combo.setCurrentIndex(max(combo.findData(value), 0))

            if ob is None:
                self._riempi_rischio(None)
                for c in (self.programma, self.prodotto, self.rischio, self.operativo, self.comune):
                    c.setCurrentIndex(0)
                self.misura.clear()
                self.fase.clear()
                self.valore_pubblico.clear()
                return
            pick(self.programma, ob.programma_cod)
            pick(self.prodotto, ob.tipo_prodotto)
            self._riempi_rischio(ob.rischio_livello)
            pick(self.rischio, ob.rischio_livello)
            pick(self.operativo, ob.responsabile_operativo_id)
            pick(self.comune, ob.comune_id)
            self.misura.setText(ob.rischio_misura or "")
            self.fase.setText(ob.fase_approvazione or "")
            for key, cb in self.tipi.items():
                cb.blockSignals(True)
                cb.setChecked(bool(getattr(ob, key)))
                cb.blockSignals(False)
            testo = vp_store.testo_per(self.ctx.archive, ob.id or 0)
            self.valore_pubblico.setText(testo or "—")
        finally:
            self._loading = False

    def set_readonly(self, ro: bool) -> None:
        for w in (self.programma, self.prodotto, self.rischio, self.operativo, self.comune, *self.tipi.values()):
            w.setEnabled(not ro)
        self.misura.setReadOnly(ro)
        self.fase.setReadOnly(ro)
