"""«Sistema di valutazione (SMVP)»: the ente's valuation rules and the evaluator's scores.

Tab 1 edits :class:`SistemaValutazione` (fasce, scale, caps, component and
behaviour weights), tab «Categorie» the categories of staff (areas, responsabili,
the four components' weights, the evaluating body) and the split of the
organisational performance, tab «Regole» the SMVP's own rules (gestionali need
fasi and indicators; minimum weights); all stored in the plan with one undoable
:class:`SetSetting`. Tab «Punteggi» lets the evaluator assign each objective's score
(0–scala) and, with a reason, override its %; these are ``Valutazione`` rows.
Everything is validated first; bad input is reported in Italian and nothing
is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.enums import Area2023
from ...domain.formats import format_decimal, format_percent, parse_decimal
from ...domain.model import Obiettivo, Valutazione
from ...domain.valutazione import (
    CategoriaValutazione,
    Comportamento,
    Fascia,
    PesoMinimo,
    SistemaValutazione,
)
from ...store.archive import Archive
from ...store.edits import Batch, Edit, InsertRow, SetFields, SetSetting
from ...store.valutazioni import TUTTI, QuadroValutazioni
from ..context import Context
from ..widgets.celle import dato_cella

CHIAVE = "sistema_valutazione"


def _dec(text: str) -> Decimal | None:
    t = (text or "").strip()
    if not t:
        return None
    return parse_decimal(t)


def _area_label(area: str) -> str:
    """The label of a 2023 area; a text that is no area stays as it is."""
    found = Area2023.from_text(area)
    return found.label if found is not None else area


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
        self.resize(900, 640)  # fits a 1366×768 screen; the long tabs scroll
        self.quiet = False  # tests: problems go to self.problems instead of a message box
        self.problems: list[str] = []
        s = ctx.archive.sistema_valutazione()
        self._orig = s
        layout = QVBoxLayout(self)
        self.tabs = tabs = QTabWidget()
        layout.addWidget(tabs, 1)
        tabs.addTab(_scrolling(self._tab_sistema(s)), "Scala, fasce e comportamenti")
        tabs.addTab(_scrolling(self._tab_categorie(s)), "Categorie di personale")
        tabs.addTab(_scrolling(self._tab_regole(s)), "Regole del sistema")
        tabs.addTab(self._tab_punteggi(s), "Punteggi del valutatore")
        self.avvisi = QLabel()
        self.avvisi.setWordWrap(True)
        self.avvisi.setMaximumHeight(self.avvisi.fontMetrics().height() * 4 + 4)
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
        form.addRow("Pesi (personale senza categoria):", comp)
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

    # ------------------------------------------------------------------ categories, rules

    def _tab_categorie(self, s: SistemaValutazione) -> QWidget:
        w = QWidget()
        outer = QVBoxLayout(w)
        outer.addWidget(_hint("Ogni persona è valutata secondo la prima categoria che comprende la sua area "
                              "(inquadramento 2023) o, per chi è responsabile di un'unità, la categoria dei "
                              "responsabili. I pesi delle quattro componenti sommano a 100. Il valutatore, "
                              "se indicato, è l'organo che valuta la categoria (es. Nucleo di Valutazione); "
                              "vuoto: il responsabile dell'unità."))
        self.categorie = QTableWidget(0, len(CAT_COLS))
        self.categorie.setObjectName("tabellaCategorie")
        for c, (key, label, _w) in enumerate(CAT_COLS):
            head = QTableWidgetItem(label)
            head.setToolTip(CAT_TIPS.get(key, ""))
            self.categorie.setHorizontalHeaderItem(c, head)
        hdr = self.categorie.horizontalHeader()
        for c, (_k, _l, width) in enumerate(CAT_COLS):
            self.categorie.setColumnWidth(c, width)
        hdr.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.categorie.verticalHeader().setDefaultSectionSize(24)
        self.categorie.setMinimumHeight(24 * 5 + 6)
        self.categorie.setToolTip("Aree ammesse: " + ", ".join(a.label for a in Area2023))
        for cat in s.categorie:
            self._add_categoria(cat)
        outer.addWidget(self.categorie, 1)
        outer.addLayout(self._row_buttons(self.categorie, lambda: self._add_categoria(None)))
        form = QFormLayout()
        self.org_ente = QSpinBox(minimum=0, maximum=100, value=int(s.peso_org_ente), suffix=" %")
        self.org_unita = QSpinBox(minimum=0, maximum=100, value=int(s.peso_org_unita), suffix=" %")
        org = QHBoxLayout()
        org.addWidget(QLabel("ente"))
        org.addWidget(self.org_ente)
        org.addWidget(QLabel("unità"))
        org.addWidget(self.org_unita)
        org.addStretch(1)
        form.addRow("Performance organizzativa:", org)
        self.risultato_struttura = QComboBox()
        self.risultato_struttura.addItem("Valutazione finale della scheda sul punteggio massimo", "valutazione")
        self.risultato_struttura.addItem("Media pesata della % di raggiungimento degli obiettivi",
                                         "percentuale")
        self.risultato_struttura.setCurrentIndex(max(0, self.risultato_struttura.findData(
            s.risultato_struttura)))
        form.addRow("Risultato della struttura:", self.risultato_struttura)
        self.valutatore_resp = QLineEdit(s.valutatore_responsabili)
        self.valutatore_resp.setPlaceholderText("es. Nucleo di Valutazione, Segretario generale, Sindaco")
        form.addRow("Valutatore dei responsabili:", self.valutatore_resp)
        outer.addLayout(form)
        self.categorie.itemChanged.connect(self._refresh_avvisi)
        for spin in (self.org_ente, self.org_unita):
            spin.valueChanged.connect(self._refresh_avvisi)
        return w

    def _add_categoria(self, c: CategoriaValutazione | None) -> None:
        r = self.categorie.rowCount()
        self.categorie.blockSignals(True)
        self.categorie.insertRow(r)
        c = c or CategoriaValutazione("", peso_struttura=Decimal(50), peso_comportamenti=Decimal(50))
        values = {"nome": c.nome, "aree": ", ".join(_area_label(a) for a in c.aree),
                  "organizzativa": _num(c.peso_organizzativa), "struttura": _num(c.peso_struttura),
                  "individuali": _num(c.peso_individuali), "comportamenti": _num(c.peso_comportamenti),
                  "valutatore": c.valutatore}
        for col, (key, _l, _w) in enumerate(CAT_COLS):
            if key == "responsabili":
                it = QTableWidgetItem()
                it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                            | Qt.ItemFlag.ItemIsSelectable)
                it.setCheckState(Qt.CheckState.Checked if c.responsabili else Qt.CheckState.Unchecked)
            else:
                it = _item(values[key])
                it.setToolTip(values[key])
            if col == 0:
                it.setData(Qt.ItemDataRole.UserRole, c.nome)  # the catalogue of behaviours follows the name
            self.categorie.setItem(r, col, it)
        self.categorie.blockSignals(False)

    def _tab_regole(self, s: SistemaValutazione) -> QWidget:
        w = QWidget()
        outer = QVBoxLayout(w)
        self.gestionali = QCheckBox("Gli obiettivi gestionali devono avere fasi e indicatori "
                                    "(«obbligatorio per obiettivi gestionali»)")
        self.gestionali.setChecked(s.gestionali_fasi_indicatori)
        outer.addWidget(self.gestionali)
        outer.addWidget(_hint("Pesi minimi: un obiettivo il cui titolo contiene il testo deve pesare almeno "
                              "la percentuale indicata (es. «tempi di pagamento», 30 %). La «Verifica del "
                              "piano» segnala gli obiettivi che non la rispettano."))
        self.pesi_minimi = QTableWidget(0, 2)
        self.pesi_minimi.setObjectName("tabellaPesiMinimi")
        self.pesi_minimi.setHorizontalHeaderLabels(["Testo nel titolo dell'obiettivo", "Peso minimo %"])
        self.pesi_minimi.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.pesi_minimi.verticalHeader().setDefaultSectionSize(24)
        self.pesi_minimi.setMinimumHeight(24 * 4 + 6)
        for pm in s.pesi_minimi:
            self._add_peso_minimo(pm.testo, _num(pm.minimo))
        outer.addWidget(self.pesi_minimi, 1)
        outer.addLayout(self._row_buttons(self.pesi_minimi, lambda: self._add_peso_minimo("", "")))
        self.pesi_minimi.itemChanged.connect(self._refresh_avvisi)
        return w

    def _add_peso_minimo(self, testo: str, minimo: str) -> None:
        r = self.pesi_minimi.rowCount()
        self.pesi_minimi.insertRow(r)
        self.pesi_minimi.setItem(r, 0, _item(testo))
        self.pesi_minimi.setItem(r, 1, _item(minimo))

    def _categorie_lette(self, problems: list[str]) -> tuple[CategoriaValutazione, ...]:
        old = {c.nome: c for c in self._orig.categorie}
        out: list[CategoriaValutazione] = []
        seen: set[str] = set()
        t = self.categorie
        for r in range(t.rowCount()):
            cells = {key: self._cell(t, r, col) for col, (key, _l, _w) in enumerate(CAT_COLS)
                     if key != "responsabili"}
            it = t.item(r, CAT_KEYS.index("responsabili"))
            resp = it is not None and it.checkState() == Qt.CheckState.Checked
            if not any(cells.values()):
                continue
            nome = cells["nome"]
            where = f"Categoria «{nome}»" if nome else f"Categoria alla riga {r + 1}"
            if not nome:
                problems.append(f"{where}: manca il nome")
                continue
            if nome.casefold() in seen:
                problems.append(f"{where}: nome ripetuto")
                continue
            seen.add(nome.casefold())
            aree = []
            for a in (x.strip() for x in cells["aree"].replace(";", ",").split(",")):
                if not a:
                    continue
                area = Area2023.from_text(a)
                if area is None:
                    problems.append(f"{where}: area «{a}» sconosciuta (ammesse: "
                                    + ", ".join(x.label for x in Area2023) + ")")
                    continue
                aree.append(area.value)
            pesi = {}
            for k in ("organizzativa", "struttura", "individuali", "comportamenti"):
                text = cells[k]
                v = _dec(text) if text else Decimal(0)
                if v is None or not Decimal(0) <= v <= Decimal(100):
                    problems.append(f"{where}: peso «{text}» della componente {k} non valido (da 0 a 100)")
                    v = Decimal(0)
                pesi[f"peso_{k}"] = v
            if not aree and not resp:
                problems.append(f"{where}: indicare le aree o la spunta «Responsabili»")
            orig = old.get(str(dato_cella(t, r, 0) or nome))
            out.append(CategoriaValutazione(nome, tuple(aree), resp, comportamenti=orig.comportamenti if orig
                                            else (), valutatore=cells["valutatore"], **pesi))
        return tuple(out)

    def _pesi_minimi_letti(self, problems: list[str]) -> tuple[PesoMinimo, ...]:
        return tuple(PesoMinimo(t, m) for t, m in self._nomi_numeri(
            self.pesi_minimi, problems, "Peso minimo alla riga {riga}: servono il testo e un peso tra 0 e 100",
            lambda m: Decimal(0) < m <= Decimal(100)))

    def _nomi_numeri(self, table: QTableWidget, problems: list[str], messaggio: str,
                     valido: Callable[[Decimal], bool] = lambda _n: True) -> list[tuple[str, Decimal]]:
        """The (text, number) rows of a two-column table; a row with one of them wrong is said."""
        out = []
        for r in range(table.rowCount()):
            nome, numero = self._cell(table, r, 0), self._cell(table, r, 1)
            if not nome and not numero:
                continue
            n = _dec(numero)
            if not nome or n is None or not valido(n):
                problems.append(messaggio.format(riga=r + 1))
                continue
            out.append((nome, n))
        return out

    def _row_buttons(self, table: QTableWidget, add: Callable[[], None]) -> QHBoxLayout:
        row = QHBoxLayout()
        b_add, b_del = QPushButton("Aggiungi riga"), QPushButton("Elimina riga")

        def elimina() -> None:
            if table.currentRow() >= 0:
                table.removeRow(table.currentRow())
            self._refresh_avvisi()

        b_add.clicked.connect(add)
        b_del.clicked.connect(elimina)
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
        comps = [Comportamento(n, p) for n, p in self._nomi_numeri(
            self.comportamenti, problems, "Comportamento alla riga {riga}: servono nome e peso numerico")]
        if not fasce:
            problems.append("Serve almeno una fascia di valutazione")
        categorie = self._categorie_lette(problems)
        pesi_minimi = self._pesi_minimi_letti(problems)
        if problems:
            return None, problems
        # the fields this dialog does not show are kept as they are (never silently reset)
        s = replace(
            self._orig,
            nome=self.nome.text().strip() or "Sistema di valutazione", scala_max=Decimal(self.scala.value()),
            fasce=tuple(fasce), punteggi_interi=self.interi.isChecked(), cap_indicatore=self.cap.isChecked(),
            quota_indicatori=Decimal(self.quota.value()), peso_obiettivi_settore=Decimal(self.p_settore.value()),
            peso_obiettivi_individuali=Decimal(self.p_ind.value()), peso_comportamenti=Decimal(self.p_comp.value()),
            comportamenti=tuple(comps), categorie=categorie, peso_org_ente=Decimal(self.org_ente.value()),
            peso_org_unita=Decimal(self.org_unita.value()),
            risultato_struttura=str(self.risultato_struttura.currentData()),
            valutatore_responsabili=self.valutatore_resp.text().strip() or "Nucleo di Valutazione",
            gestionali_fasi_indicatori=self.gestionali.isChecked(), pesi_minimi=pesi_minimi)
        return s, s.validate()

    def _refresh_avvisi(self, *_: object) -> None:
        self.quota_fasi.setText(f"dalle fasi: {100 - self.quota.value()} %")
        problems = self.sistema()[1]
        self.avvisi.setText("\n".join(problems))

    # ------------------------------------------------------------------ tab 2

    def _tab_punteggi(self, s: SistemaValutazione) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        arc = self.ctx.archive
        self.anno_val = self.ctx.anno or arc.piano().anno_inizio
        v.addWidget(_hint(f"Anno {self.anno_val}: gli obiettivi che le schede valutano (con un peso, a "
                          "qualunque livello dell'albero). Punteggio sulla scala del sistema; la % validata "
                          "sostituisce quella calcolata e richiede una motivazione."))
        self.punteggi = QTableWidget(0, 7)
        self.punteggi.setHorizontalHeaderLabels(["Codice", "Obiettivo", "% calcolata", "Suggerito",
                                                 "Punteggio", "% validata", "Motivazione"])
        self.punteggi.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.punteggi.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._rows: list[tuple[int, Valutazione | None]] = []
        for o in obiettivi_valutati(arc, self.anno_val):
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


def obiettivi_valutati(arc: Archive, anno: int) -> list[Obiettivo]:
    """The objectives the schede evaluate (each once, schede in order: TUTTI I SETTORI first)."""
    q = QuadroValutazioni(arc, anno, leggero=True)
    keys = [*([TUTTI] if q.membri(TUTTI) else []), *q.unita_con_schede()]
    seen: set[int] = set()
    out = []
    for k in keys:
        for r in q.scheda(k).righe:
            if r.obiettivo.id not in seen:
                seen.add(r.obiettivo.id or 0)
                out.append(r.obiettivo)
    return out


#: columns of the categories' table: (key, header, width)
CAT_COLS = (("nome", "Categoria", 200), ("aree", "Aree (2023)", 160), ("responsabili", "Resp.", 44),
            ("organizzativa", "Org. %", 62), ("struttura", "Strutt. %", 62),
            ("individuali", "Indiv. %", 62), ("comportamenti", "Comp. %", 62),
            ("valutatore", "Valutatore", 140))
CAT_TIPS = {"responsabili": "Categoria dei responsabili di un'unità (dirigenti, EQ)",
            "organizzativa": "Peso della performance organizzativa (ente e unità), in %",
            "struttura": "Peso degli obiettivi della struttura (scheda obiettivi), in %",
            "individuali": "Peso degli obiettivi individuali, in %",
            "comportamenti": "Peso dei comportamenti organizzativi, in %",
            "valutatore": "Organo che valuta la categoria (vuoto: il responsabile dell'unità)"}
CAT_KEYS = [c[0] for c in CAT_COLS]


def _num(x: Decimal) -> str:
    return format_decimal(x, None, strip_zeros=True)


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #4b5563;")
    return label


def _scrolling(w: QWidget) -> QScrollArea:
    """A tab's page in a scroll area: the dialog stays within a 1366×768 screen."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(w)
    return area


def show_sistema_dialog(main_window: QWidget | None, ctx: Context) -> None:
    SistemaValutazioneDialog(ctx, main_window).exec()
