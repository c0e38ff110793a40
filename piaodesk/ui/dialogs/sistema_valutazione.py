"""«Sistema di valutazione (SMVP)»: the ente's valuation rules and the evaluator's scores.

Tab 1 edits :class:`SistemaValutazione` (fasce, scale, caps, component and
behaviour weights) and stores it in the plan with one undoable
:class:`SetSetting`. Tab 2 lets the evaluator assign each objective's score
(0–scala) and, with a reason, override its %; these are ``Valutazione`` rows.
Everything is validated first; bad input is reported in Italian and nothing
is written.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.formats import format_decimal, format_percent, parse_decimal
from ...domain.model import Valutazione
from ...domain.valutazione import Comportamento, Fascia, SistemaValutazione
from ...store.edits import Batch, Edit, InsertRow, SetFields, SetSetting
from ..context import Context

CHIAVE = "sistema_valutazione"


def _dec(text: str) -> Decimal | None:
    t = (text or "").strip()
    if not t:
        return None
    return parse_decimal(t)


def _item(text: str, editable: bool = True) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    if not editable:
        it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return it


class SistemaValutazioneDialog(QDialog):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Sistema di misurazione e valutazione (SMVP)")
        self.resize(880, 760)
        self.quiet = False  # tests: problems go to self.problems instead of a message box
        self.problems: list[str] = []
        s = ctx.archive.sistema_valutazione()
        self._orig = s
        layout = QVBoxLayout(self)
        tabs = QTabWidget()
        layout.addWidget(tabs)
        tabs.addTab(self._tab_sistema(s), "Regole di valutazione")
        tabs.addTab(self._tab_punteggi(s), "Punteggi del valutatore")
        self.avvisi = QLabel()
        self.avvisi.setWordWrap(True)
        self.avvisi.setStyleSheet("color: #9b2c2c;")
        layout.addWidget(self.avvisi)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._refresh_avvisi()

    # ------------------------------------------------------------------ tab 1

    def _tab_sistema(self, s: SistemaValutazione) -> QWidget:
        w = QWidget()
        outer = QVBoxLayout(w)
        form = QFormLayout()
        self.nome = QLineEdit(s.nome)
        form.addRow("Nome del sistema:", self.nome)
        self.scala = QSpinBox(minimum=1, maximum=1000, value=int(s.scala_max))
        form.addRow("Punteggio massimo della scala:", self.scala)
        self.interi = QCheckBox("Solo punteggi interi")
        self.interi.setChecked(s.punteggi_interi)
        self.cap = QCheckBox("Raggiungimento di ogni indicatore al massimo 100 %")
        self.cap.setChecked(s.cap_indicatore)
        form.addRow("", self.interi)
        form.addRow("", self.cap)
        self.quota = QSpinBox(minimum=0, maximum=100, value=int(s.quota_indicatori), suffix=" %")
        self.quota_fasi = QLabel()
        q = QHBoxLayout()
        q.addWidget(self.quota)
        q.addWidget(self.quota_fasi, 1)
        form.addRow("% obiettivo dagli indicatori:", q)
        self.p_settore = QSpinBox(minimum=0, maximum=100, value=int(s.peso_obiettivi_settore), suffix=" %")
        self.p_ind = QSpinBox(minimum=0, maximum=100, value=int(s.peso_obiettivi_individuali), suffix=" %")
        self.p_comp = QSpinBox(minimum=0, maximum=100, value=int(s.peso_comportamenti), suffix=" %")
        comp = QHBoxLayout()
        for label, spin in (("settore", self.p_settore), ("individuali", self.p_ind),
                            ("comportamenti", self.p_comp)):
            comp.addWidget(QLabel(label))
            comp.addWidget(spin)
        form.addRow("Pesi delle componenti:", comp)
        outer.addLayout(form)
        outer.addWidget(QLabel("Fasce di valutazione (lettera, da, a, descrittore):"))
        self.fasce = QTableWidget(0, 4)
        self.fasce.setHorizontalHeaderLabels(["Lettera", "Da", "A", "Descrittore"])
        self.fasce.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.fasce.verticalHeader().setDefaultSectionSize(24)
        self.fasce.setMinimumHeight(24 * 6 + 6)
        for f in s.fasce:
            self._add_fascia(f.lettera, format_decimal(f.minimo, None, strip_zeros=True),
                             format_decimal(f.massimo, None, strip_zeros=True), f.descrittore)
        outer.addWidget(self.fasce, 2)
        outer.addLayout(self._row_buttons(self.fasce, lambda: self._add_fascia("", "", "", "")))
        outer.addWidget(QLabel("Comportamenti organizzativi (nome, peso %):"))
        self.comportamenti = QTableWidget(0, 2)
        self.comportamenti.setHorizontalHeaderLabels(["Comportamento", "Peso %"])
        self.comportamenti.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.comportamenti.verticalHeader().setDefaultSectionSize(24)
        self.comportamenti.setMinimumHeight(24 * 5 + 6)
        for c in s.comportamenti:
            self._add_comp(c.nome, format_decimal(c.peso, None, strip_zeros=True))
        outer.addWidget(self.comportamenti, 2)
        outer.addLayout(self._row_buttons(self.comportamenti, lambda: self._add_comp("", "")))
        for sig in (self.quota.valueChanged, self.p_settore.valueChanged, self.p_ind.valueChanged,
                    self.p_comp.valueChanged, self.scala.valueChanged):
            sig.connect(self._refresh_avvisi)
        self.fasce.itemChanged.connect(self._refresh_avvisi)
        self.comportamenti.itemChanged.connect(self._refresh_avvisi)
        return w

    def _row_buttons(self, table: QTableWidget, add) -> QHBoxLayout:  # type: ignore[no-untyped-def]
        row = QHBoxLayout()
        b_add, b_del = QPushButton("Aggiungi riga"), QPushButton("Elimina riga")
        b_add.clicked.connect(add)
        b_del.clicked.connect(lambda: (table.removeRow(table.currentRow()) if table.currentRow() >= 0
                                       else None, self._refresh_avvisi()))
        row.addStretch(1)
        row.addWidget(b_add)
        row.addWidget(b_del)
        return row

    def _add_fascia(self, lettera: str, da: str, a: str, descr: str) -> None:
        r = self.fasce.rowCount()
        self.fasce.insertRow(r)
        for c, v in enumerate((lettera, da, a, descr)):
            self.fasce.setItem(r, c, _item(v))

    def _add_comp(self, nome: str, peso: str) -> None:
        r = self.comportamenti.rowCount()
        self.comportamenti.insertRow(r)
        self.comportamenti.setItem(r, 0, _item(nome))
        self.comportamenti.setItem(r, 1, _item(peso))

    @staticmethod
    def _cell(table: QTableWidget, r: int, c: int) -> str:
        it = table.item(r, c)
        return it.text().strip() if it else ""

    def sistema(self) -> tuple[SistemaValutazione | None, list[str]]:
        """The system as edited, or the problems that prevent building it."""
        problems: list[str] = []
        fasce = []
        for r in range(self.fasce.rowCount()):
            lettera, da, a, descr = (self._cell(self.fasce, r, c) for c in range(4))
            if not (lettera or da or a or descr):
                continue
            lo, hi = _dec(da), _dec(a)
            if not lettera:
                problems.append(f"Fascia alla riga {r + 1}: manca la lettera")
            if lo is None or hi is None:
                problems.append(f"Fascia {lettera or r + 1}: «da» e «a» devono essere numeri")
                continue
            fasce.append(Fascia(lettera, lo, hi, descr))
        comps = []
        for r in range(self.comportamenti.rowCount()):
            nome, peso = self._cell(self.comportamenti, r, 0), self._cell(self.comportamenti, r, 1)
            if not nome and not peso:
                continue
            p = _dec(peso)
            if not nome or p is None:
                problems.append(f"Comportamento alla riga {r + 1}: servono nome e peso numerico")
                continue
            comps.append(Comportamento(nome, p))
        if not fasce:
            problems.append("Serve almeno una fascia di valutazione")
        if problems:
            return None, problems
        s = SistemaValutazione(
            nome=self.nome.text().strip() or "Sistema di valutazione", scala_max=Decimal(self.scala.value()),
            fasce=tuple(fasce), punteggi_interi=self.interi.isChecked(), cap_indicatore=self.cap.isChecked(),
            quota_indicatori=Decimal(self.quota.value()), peso_obiettivi_settore=Decimal(self.p_settore.value()),
            peso_obiettivi_individuali=Decimal(self.p_ind.value()), peso_comportamenti=Decimal(self.p_comp.value()),
            comportamenti=tuple(comps))
        return s, s.validate()

    def _refresh_avvisi(self, *_: object) -> None:
        self.quota_fasi.setText(f"dalle fasi: {100 - self.quota.value()} %")
        _, problems = self.sistema()
        self.avvisi.setText("\n".join(problems))

    # ------------------------------------------------------------------ tab 2

    def _tab_punteggi(self, s: SistemaValutazione) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        arc = self.ctx.archive
        self.anno_val = self.ctx.anno or arc.piano().anno_inizio
        v.addWidget(QLabel(f"Anno {self.anno_val}. Punteggio sulla scala del sistema; la % validata "
                           "sostituisce quella calcolata e richiede una motivazione."))
        self.punteggi = QTableWidget(0, 7)
        self.punteggi.setHorizontalHeaderLabels(["Codice", "Obiettivo", "% calcolata", "Suggerito",
                                                 "Punteggio", "% validata", "Motivazione"])
        self.punteggi.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.punteggi.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._rows: list[tuple[int, Valutazione | None]] = []
        roots = [o for o in arc.obiettivi() if o.parent_id is None]
        for o in roots:
            val = arc.valutazione(o.id or 0, self.anno_val)
            perc = arc.perc_avanzamento(o.id or 0, self.anno_val)
            sugg = s.punteggio_suggerito(perc)
            r = self.punteggi.rowCount()
            self.punteggi.insertRow(r)
            vals = [(o.codice, False), (o.titolo, False), (format_percent(perc), False),
                    (format_decimal(sugg, None, strip_zeros=True) if sugg is not None else "", False),
                    (format_decimal(val.punteggio, None, strip_zeros=True) if val and val.punteggio is not None
                     else "", True),
                    (format_decimal(val.perc_validata) if val and val.perc_validata is not None else "", True),
                    ((val.motivo or "") if val else "", True)]
            for c, (t, ed) in enumerate(vals):
                self.punteggi.setItem(r, c, _item(t, ed))
            self._rows.append((o.id or 0, val))
        self.punteggi.resizeColumnToContents(0)
        v.addWidget(self.punteggi)
        return w

    def punteggi_edits(self, s: SistemaValutazione) -> tuple[list[Edit], list[str]]:
        edits: list[Edit] = []
        problems: list[str] = []
        for r, (oid, val) in enumerate(self._rows):
            codice = self._cell(self.punteggi, r, 0)
            t_score, t_perc = self._cell(self.punteggi, r, 4), self._cell(self.punteggi, r, 5)
            motivo = self._cell(self.punteggi, r, 6) or None
            try:
                score = _dec(t_score)
                perc = _dec(t_perc)
            except InvalidOperation:  # pragma: no cover - parse_decimal returns None instead
                score = perc = None
            if t_score and score is None:
                problems.append(f"{codice}: punteggio «{t_score}» non numerico")
                continue
            if score is not None:
                if not 0 <= score <= s.scala_max:
                    problems.append(f"{codice}: punteggio {t_score} fuori scala 0–{s.scala_max}")
                    continue
                if s.punteggi_interi and score != score.to_integral_value():
                    problems.append(f"{codice}: il sistema ammette solo punteggi interi ({t_score})")
                    continue
            if t_perc and (perc is None or not 0 <= perc <= 1000):
                problems.append(f"{codice}: % validata «{t_perc}» non valida")
                continue
            if perc is not None and not motivo:
                problems.append(f"{codice}: la % validata richiede una motivazione")
                continue
            old = (val.punteggio, val.perc_validata, val.motivo) if val else (None, None, None)
            if (score, perc, motivo) == old or (val is None and score is None and perc is None):
                continue
            if val is None:
                edits.append(InsertRow(Valutazione(obiettivo_id=oid, anno=self.anno_val, punteggio=score,
                                                   perc_validata=perc, motivo=motivo, valutatore="valutatore")))
            else:
                edits.append(SetFields(Valutazione, val.id or 0,
                                       {"punteggio": score, "perc_validata": perc, "motivo": motivo}))
        return edits, problems

    # ------------------------------------------------------------------ save

    def accept(self) -> None:
        s, problems = self.sistema()
        edits: list[Edit] = []
        if s is not None:
            edits, more = self.punteggi_edits(s)
            problems = problems + more
        self.problems = problems
        if problems or s is None:
            if not self.quiet:
                QMessageBox.warning(self, "Sistema di valutazione",
                                    "Correggere prima di salvare:\n• " + "\n• ".join(problems))
            return
        if s != self._orig:
            edits.insert(0, SetSetting(CHIAVE, s.to_json(), label="Sistema di valutazione"))
        if edits:
            ok = self.ctx.push(edits[0] if len(edits) == 1 else
                               Batch(edits, "Sistema di valutazione e punteggi"))
            if not ok:
                return
        super().accept()


def show_sistema_dialog(main_window: QWidget | None, ctx: Context) -> None:
    SistemaValutazioneDialog(ctx, main_window).exec()
