"""«Valutazione individuale»: a row per person, the selected person's detail, the cycle.

Tab «Persone»: the table (filters by unit, state and step of the cycle) and, for the
selected person, the components with weights and values and why, the behaviours'
grid with the editable scores, evaluator, category, notes and the steps of the
cycle. Tab «Ciclo di valutazione»: how many persons are at each step, and who.
Every edit is one undoable step written at once (Ctrl+Z undoes it); a refused value
is said once, in Italian, in the message line, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFocusEvent, QHideEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.enums import PassoCiclo
from ...domain.formats import (
    format_date,
    format_decimal,
    format_int,
    format_percent,
    parse_date,
    parse_decimal,
)
from ...store.valutazioni import ValutazionePersona
from ..context import Context
from ..delegates import DateLineEdit
from ..models.columns import InvalidInput
from ..models.flat import FlatFilterProxy as RowFilterProxy
from ..models.views_valutazione import (
    DA_AVVIARE,
    ComportamentiModel,
    PassiModel,
    RigaValutazione,
    ValutazioniModel,
    campi_valutatore,
    chiave_valutatore,
    valutatori_possibili,
)
from ..widgets.celle import cella, dato_cella
from .comuni import ViewPanel, fill_combo, filter_combo, make_grid

STATI = (("completa", "Complete"), ("incompleta", "Incomplete"))
PASSI = ((None, DA_AVVIARE), *((p.value, p.label) for p in PassoCiclo))
_PASSO_NESSUNO = "-"  # combo data of «Da avviare» (None means «all»)


class NoteEdit(QPlainTextEdit):
    """A multi-line text that says when the person has finished editing it (focus out)."""

    editingFinished = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self.document().isModified():
            self.document().setModified(False)
            self.editingFinished.emit()


def conta_persone(n: int) -> str:
    return "nessuna persona" if n == 0 else "1 persona" if n == 1 else f"{format_int(n)} persone"


def _ro_item(text: str, align_right: bool = False) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if align_right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return it


def _compact_table(cols: list[str], parent: QWidget) -> QTableWidget:
    t = QTableWidget(0, len(cols), parent)
    t.setHorizontalHeaderLabels(cols)
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 8)
    return t


class ValutazioneIndividualeView(ViewPanel):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("vista_valutazione")
        self.model = ValutazioniModel(ctx, self)
        self.proxy = RowFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._pid: int | None = None
        self._accept: Callable[[RigaValutazione], bool] | None = None
        self._ciclo_scelto = False

        self.unita = filter_combo(self, [], "Tutte le unità", width=260)
        self.stato = filter_combo(self, STATI, "Tutti gli stati", width=150)
        self.stato.setMinimumContentsLength(10)
        self.passo = filter_combo(self, [(v or _PASSO_NESSUNO, label) for v, label in PASSI],
                                  "Tutti i passi", width=200)
        self.cerca = QLineEdit(self)
        self.cerca.setPlaceholderText("Cerca persona…")
        self.cerca.setClearButtonEnabled(True)
        self.cerca.setMaximumWidth(220)
        for w in (self.unita, self.stato, self.passo):
            w.currentIndexChanged.connect(self._apply_filter)
        self.cerca.textChanged.connect(self._apply_filter)
        self.add_label("Unità:")
        self.bar.addWidget(self.unita)
        self.add_label("Stato:")
        self.bar.addWidget(self.stato)
        self.add_label("Passo:")
        self.bar.addWidget(self.passo)
        self.bar.addWidget(self.cerca)
        self.bar.addStretch(1)
        self.watch_loading(self.model, "delle valutazioni")

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("schedeValutazione")
        self.tabs.addTab(self._build_persone(), "Persone")
        self.tabs.addTab(self._build_ciclo(), "Ciclo di valutazione")
        self.set_content(self.tabs)

        self.model.refused.connect(self.show_message)
        self.model.persone_aggiornate.connect(self._persone_aggiornate)
        self.model.modelAboutToBeReset.connect(self._remember)
        self.model.modelReset.connect(self._restore)
        for sig in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset,
                    self.model.dataChanged):
            sig.connect(self.schedule_summary)
        mw = getattr(ctx, "main_window", None)
        if mw is not None and hasattr(mw, "anno_changed"):
            mw.anno_changed.connect(lambda _a: self.model.reload())
        self._fill_unita()
        self._restore()
        self.update_summary()

    # ------------------------------------------------------------------ construction

    def _build_persone(self) -> QWidget:
        """The table on top (every column fits 1366 px), the selected person below."""
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("splitValutazione")
        self.table = make_grid(self.proxy, self.model.columns(), split)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        split.addWidget(self.table)
        split.addWidget(self._build_detail(split))
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([250, 340])
        self.model.modelReset.connect(self._widths)
        return split

    def _widths(self) -> None:
        """Column widths again after a reload (the SMVP may have changed the components shown)."""
        for i, col in enumerate(self.model.columns()):
            if col.width:
                self.table.setColumnWidth(i, col.width)

    def _build_detail(self, parent: QWidget) -> QWidget:
        """Left: who, the result, the components and why; right: the editable parts in tabs."""
        w = QSplitter(Qt.Orientation.Horizontal, parent)
        w.setObjectName("splitDettaglio")
        left = QWidget(w)
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 2, 4, 0)
        lay.setSpacing(4)
        self.intestazione = QLabel(left)
        self.intestazione.setWordWrap(True)
        self.intestazione.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.esito = QLabel(left)
        self.esito.setWordWrap(True)
        self.esito.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.intestazione)
        lay.addWidget(self.esito)
        self.componenti = _compact_table(["Componente", "Peso", "Valore", "Ponderato"], left)
        self.componenti.setObjectName("tabellaComponenti")
        hdr = self.componenti.horizontalHeader()
        hdr.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2, 3):
            self.componenti.setColumnWidth(c, 74)
        self.componenti.setFixedHeight(self.componenti.verticalHeader().defaultSectionSize() * 4
                                       + self.componenti.horizontalHeader().sizeHint().height() + 4)
        self.componenti.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lay.addWidget(self.componenti)
        self.spiegazione = QLabel(left)
        self.spiegazione.setWordWrap(True)
        self.spiegazione.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.spiegazione.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.spiegazione.setStyleSheet("color: #374151;")
        why = QScrollArea(left)
        why.setWidgetResizable(True)
        why.setFrameShape(QScrollArea.Shape.NoFrame)
        why.setWidget(self.spiegazione)
        lay.addWidget(why, 1)
        w.addWidget(left)
        self.dettaglio = QTabWidget(w)
        self.dettaglio.setObjectName("dettaglioValutazione")
        w.addWidget(self.dettaglio)
        w.setSizes([620, 720])
        self.pagine: dict[str, QWidget] = {}

        # behaviours
        page = QWidget(w)
        pl = QVBoxLayout(page)
        pl.setContentsMargins(4, 4, 4, 4)
        self.comportamenti_model = ComportamentiModel(self.model, self)
        self.comportamenti = make_grid(self.comportamenti_model, self.comportamenti_model.columns(), page,
                                       sortable=False)
        self.comportamenti.setObjectName("grigliaComportamenti")
        self.comportamenti.verticalHeader().hide()
        self.comportamenti.setWordWrap(True)
        self.comportamenti.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.comportamenti.horizontalHeader().setStretchLastSection(False)
        self.comportamenti.setColumnWidth(3, 150)
        self.comportamenti_model.refused.connect(self.show_message)
        pl.addWidget(self.comportamenti, 1)
        self.scala = QLabel(page)
        self.scala.setWordWrap(True)
        self.scala.setStyleSheet("color: #4b5563;")
        pl.addWidget(self.scala)
        self.dettaglio.addTab(page, "Comportamenti")
        self.pagine["comportamenti"] = page

        # evaluator, category, notes
        page = QWidget(w)
        form = QFormLayout(page)
        form.setContentsMargins(6, 6, 6, 6)
        self.valutatore = QComboBox(page)
        self.valutatore.setObjectName("valutatore")
        self.valutatore.setMinimumContentsLength(24)
        self.valutatore.activated.connect(self._valutatore_scelto)
        self.categoria = QComboBox(page)
        self.categoria.setObjectName("categoria")
        self.categoria.activated.connect(self._categoria_scelta)
        self.individuali = QLineEdit(page)
        self.individuali.setPlaceholderText("calcolata dagli obiettivi assegnati")
        self.individuali.setToolTip("% degli obiettivi individuali validata dal valutatore (vuoto: calcolata)")
        self.individuali.editingFinished.connect(self._individuali_scritta)
        self.note = NoteEdit(page)
        self.note.setObjectName("noteValutazione")
        self.note.setPlaceholderText("Note del valutatore (stampate sulla scheda)")
        self.note.editingFinished.connect(self._note_scritte)
        form.addRow("Valutatore:", self.valutatore)
        form.addRow("Categoria:", self.categoria)
        form.addRow("% obiettivi individuali validata:", self.individuali)
        form.addRow("Note:", self.note)
        self.dettaglio.addTab(page, "Valutatore e note")
        self.pagine["valutatore"] = page

        # cycle steps
        page = QWidget(w)
        pl = QVBoxLayout(page)
        pl.setContentsMargins(4, 4, 4, 4)
        self.passi_model = PassiModel(self.model, self)
        self.passi = make_grid(self.passi_model, self.passi_model.columns(), page, sortable=False)
        self.passi.setObjectName("grigliaPassi")
        self.passi.verticalHeader().hide()
        self.passi.horizontalHeader().setStretchLastSection(False)
        self.passi.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.passi.setColumnWidth(0, 200)
        self.passi.setColumnWidth(3, 100)
        self.passi_model.refused.connect(self.show_message)
        pl.addWidget(self.passi, 1)
        hint = QLabel("Scrivere la data (gg/mm/aaaa) del passo svolto; svuotare data e testo per "
                      "annullarlo. L'esito del riesame è «confermata» o «modificata».", page)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #4b5563;")
        pl.addWidget(hint)
        self.dettaglio.addTab(page, "Passi del ciclo")
        self.pagine["ciclo"] = page
        return w

    def _build_ciclo(self) -> QWidget:
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setObjectName("splitCiclo")
        self.ciclo_passi = _compact_table(["Passo del ciclo", "Persone"], split)
        self.ciclo_passi.setObjectName("cicloConteggi")
        self.ciclo_passi.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.ciclo_passi.setColumnWidth(1, 70)
        self.ciclo_passi.currentCellChanged.connect(lambda *_a: self._fill_ciclo_persone())
        self.ciclo_persone = _compact_table(["Nominativo", "Unità", "Valutatore", "Data del passo",
                                             "Stato"], split)
        self.ciclo_persone.setObjectName("cicloPersone")
        for c, wdt in enumerate((190, 260, 240, 100)):
            self.ciclo_persone.setColumnWidth(c, wdt)
        self.ciclo_persone.horizontalHeader().setStretchLastSection(True)
        self.ciclo_persone.cellDoubleClicked.connect(self._ciclo_apri)
        right = QWidget(split)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Per le persone elencate registra", right))
        self.ciclo_nuovo = QComboBox(right)
        self.ciclo_nuovo.setObjectName("cicloNuovoPasso")
        for p in PassoCiclo:
            self.ciclo_nuovo.addItem(p.label, p.value)
        bar.addWidget(self.ciclo_nuovo)
        bar.addWidget(QLabel("in data", right))
        self.ciclo_data = DateLineEdit(right)
        self.ciclo_data.setMaximumWidth(130)
        bar.addWidget(self.ciclo_data)
        self.ciclo_registra = QPushButton("Registra", right)
        self.ciclo_registra.setEnabled(not self.ctx.archive.readonly)
        self.ciclo_registra.clicked.connect(self._registra_elencati)
        bar.addWidget(self.ciclo_registra)
        bar.addStretch(1)
        rl.addLayout(bar)
        rl.addWidget(self.ciclo_persone, 1)
        split.addWidget(self.ciclo_passi)
        split.addWidget(right)
        split.setSizes([300, 1040])
        for valore, label in PASSI:
            r = self.ciclo_passi.rowCount()
            self.ciclo_passi.insertRow(r)
            it = _ro_item(label)
            it.setData(Qt.ItemDataRole.UserRole, valore)
            self.ciclo_passi.setItem(r, 0, it)
            self.ciclo_passi.setItem(r, 1, _ro_item("0", True))
        self.ciclo_passi.setCurrentCell(0, 0)
        return split

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.model.riposa()  # a hidden tab keeps its rows, not the plan's snapshot

    # ------------------------------------------------------------------ filters

    def _fill_unita(self) -> None:
        seen: dict[int, str] = {}
        for r in self.model.rows():
            if r.unita_id is not None:
                seen[r.unita_id] = r.unita
        fill_combo(self.unita, sorted(seen.items(), key=lambda kv: kv[1].casefold()), "Tutte le unità")

    def loaded(self) -> None:
        """The rows loaded in slices are in: the person shown before, or the first one."""
        self._restore()

    def _apply_filter(self, *_a: object) -> None:
        uid, stato, passo = self.unita.currentData(), self.stato.currentData(), self.passo.currentData()
        testo = self.cerca.text().strip().casefold()
        if uid is None and stato is None and passo is None and not testo:
            self._accept = None
        else:
            def accept(r: RigaValutazione) -> bool:
                return ((uid is None or r.unita_id == uid) and (stato is None or r.stato == stato)
                        and (passo is None or (r.passo or _PASSO_NESSUNO) == passo)
                        and (not testo or testo in r.nominativo.casefold()))
            self._accept = accept
        self.proxy.set_predicate(self._accept)
        self.update_summary()

    def righe_filtrate(self) -> list[RigaValutazione]:
        """The rows the filters let through (the table and the cycle's counts)."""
        rows = self.model.rows()
        return rows if self._accept is None else [r for r in rows if self._accept(r)]

    # ------------------------------------------------------------------ selection

    def current_persona(self) -> int | None:
        idx = self.table.currentIndex()
        if not idx.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(idx).row()).key

    def select_persona(self, pid: int, mostra: bool = True) -> bool:
        """Select a person (clearing the filters that hide them); ``mostra``: bring the
        «Persone» tab forward."""
        self.model.finish_loading()
        r = self.model.row_of(pid)
        if r is None:
            return False
        idx = self.proxy.mapFromSource(self.model.index(r, 0))
        if not idx.isValid():
            for combo in (self.unita, self.stato, self.passo):
                combo.setCurrentIndex(0)
            self.cerca.clear()
            idx = self.proxy.mapFromSource(self.model.index(r, 0))
        if mostra:
            self.tabs.setCurrentIndex(0)
        self.table.setCurrentIndex(idx)
        self.table.scrollTo(idx)
        return True

    def _current_changed(self, current: QModelIndex, _prev: QModelIndex) -> None:
        pid = self.current_persona()
        if pid != self._pid or pid is None:
            self._pid = pid
            self.show_persona()

    def _remember(self) -> None:
        self._kept = self._pid

    def _restore(self) -> None:
        pid = getattr(self, "_kept", None)
        if pid is not None and self.model.row_of(pid) is not None:
            self.select_persona(pid, mostra=False)
        elif self.proxy.rowCount():
            self.table.setCurrentIndex(self.proxy.index(0, 0))
        self._pid = self.current_persona()
        self.show_persona()
        self._fill_unita()

    def _persone_aggiornate(self, pids: set[int]) -> None:
        if self._pid in pids:
            self.show_persona()

    # ------------------------------------------------------------------ detail

    def persona(self) -> ValutazionePersona | None:
        return self.model.persona(self._pid) if self._pid is not None else None

    def show_persona(self) -> None:
        v = self.persona()
        self.comportamenti_model.set_persona(v)
        self.passi_model.set_persona(v)
        ro = self.ctx.archive.readonly
        for w in (self.valutatore, self.categoria, self.individuali, self.note):
            w.setEnabled(v is not None and not ro)
        if v is None:
            self.intestazione.setText("<i>Selezionare una persona.</i>")
            self.esito.clear()
            self.componenti.setRowCount(0)
            self.spiegazione.clear()
            self.scala.clear()
            return
        e = v.esito
        unita = v.unita.nome if v.unita else "nessuna unità"
        self.intestazione.setText(
            f"<b>{v.persona.nominativo}</b> — {unita}<br>Categoria: <b>{e.categoria}</b> · "
            f"Valutatore: <b>{v.valutatore_nome}</b> · Passo: {v.passo_label}")
        if e.completa:
            fascia = f" · fascia <b>{e.fascia.lettera}</b>" if e.fascia else ""
            self.esito.setStyleSheet("color: #1e4d2b;")
            self.esito.setText(f"Valutazione finale <b>{format_percent(e.finale)}</b> · "
                               f"{format_decimal(e.punti, 2)} punti su "
                               f"{format_decimal(self.model.scala, 0)}{fascia}")
        else:
            self.esito.setStyleSheet("color: #b3261e;")
            self.esito.setText(e.messaggio_incompleta)
        self.componenti.setRowCount(0)
        for c in e.componenti:
            r = self.componenti.rowCount()
            self.componenti.insertRow(r)
            self.componenti.setItem(r, 0, _ro_item(c.nome))
            self.componenti.setItem(r, 1, _ro_item(format_percent(c.peso, 0), True))
            self.componenti.setItem(r, 2, _ro_item(format_percent(c.valore) if c.valore is not None
                                                   else "manca", True))
            self.componenti.setItem(r, 3, _ro_item(format_decimal(c.ponderato, 2)
                                                   if c.ponderato is not None else "", True))
        righe = []
        if v.scheda is not None:
            righe.append("Struttura — " + v.scheda.frase())
        if v.righe_individuali and any(c.chiave == "individuali" for c in e.componenti):
            righe.append("Obiettivi individuali: " + ", ".join(
                f"{o.codice or o.titolo[:30]} ({format_decimal(r.peso, 0)})" for o, _a, r in v.righe_individuali)
                + " (peso = % impegno × quota dell'anno).")
        righe.extend(v.note)
        self.spiegazione.setText("\n".join(righe))
        scala = format_decimal(self.model.scala, 0)
        self.scala.setText(f"Punteggi da 0 a {scala}, con la virgola per i decimali (es. 25,5). "
                           "Un punteggio vuoto lascia la valutazione incompleta.")
        self._fill_valutatore(v)
        self._fill_categoria(v)
        rec = v.record
        self.individuali.setText(format_decimal(rec.punteggio_individuali, 2, strip_zeros=True)
                                 if rec and rec.punteggio_individuali is not None else "")
        if not self.note.hasFocus():
            self.note.setPlainText((rec.note or "") if rec else "")
            self.note.document().setModified(False)

    def _fill_valutatore(self, v: ValutazionePersona) -> None:
        q = self.model.quadro_attuale()
        self.valutatore.blockSignals(True)
        self.valutatore.clear()
        for label, data in valutatori_possibili(q, v.persona.id or 0):
            self.valutatore.addItem(label, data)
        rec = v.record
        current = chiave_valutatore(rec.valutatore_id, rec.valutatore_ruolo) if rec else None
        pos = self.valutatore.findData(current) if current is not None else 0
        self.valutatore.setItemText(0, f"Sistema: {self._automatico(v)}")
        self.valutatore.setCurrentIndex(max(pos, 0))
        self.valutatore.blockSignals(False)

    def _automatico(self, v: ValutazionePersona) -> str:
        """Who the SMVP names as evaluator when none is chosen."""
        q = self.model.quadro_attuale()
        auto = q.valutatore(v.persona, scelto_nel_piano=False)
        return auto.descrizione({k: x.nominativo for k, x in q.persone.items() if k})

    def _fill_categoria(self, v: ValutazionePersona) -> None:
        q = self.model.quadro_attuale()
        self.categoria.blockSignals(True)
        self.categoria.clear()
        auto = q.sistema.categoria(v.persona.area, v.persona.id in q.responsabili_di)
        self.categoria.addItem(f"Sistema: {auto.nome}", None)
        for c in q.sistema.categorie:
            self.categoria.addItem(c.nome, c.nome)
        rec = v.record
        pos = self.categoria.findData(rec.categoria) if rec and rec.categoria else 0
        self.categoria.setCurrentIndex(max(pos, 0))
        self.categoria.blockSignals(False)

    # ------------------------------------------------------------------ edits of the form

    def _valutatore_scelto(self, _i: int) -> None:
        if self._pid is None:
            return
        self.model.push(self._pid, **campi_valutatore(self.valutatore.currentData()))
        self.show_persona()

    def _categoria_scelta(self, _i: int) -> None:
        if self._pid is not None:
            self.model.push(self._pid, categoria=self.categoria.currentData())
            self.show_persona()

    def _individuali_scritta(self) -> None:
        if self._pid is None or not self.individuali.isModified():
            return
        self.individuali.setModified(False)
        text = self.individuali.text().strip()
        value: Decimal | None = None
        if text:
            value = parse_decimal(text.rstrip("%").strip())
            if value is None:
                self.show_message(f"«{text}» non è un numero valido: usare la virgola per i decimali, "
                                  "es. 87,5.")
                return
        self.model.push(self._pid, punteggio_individuali=value)

    def _note_scritte(self) -> None:
        if self._pid is not None:
            self.model.push(self._pid, note=self.note.toPlainText().strip() or None)

    # ------------------------------------------------------------------ summary and cycle

    def update_summary(self) -> None:
        if self.model.loading:
            return
        rows = self.model.rows()
        complete = sum(1 for r in rows if r.stato == "completa")
        shown = self.proxy.rowCount()
        text = (f"{format_int(len(rows))} persone, {format_int(complete)} valutazioni complete e "
                f"{format_int(len(rows) - complete)} incomplete")
        if shown != len(rows):
            text += f" ({format_int(shown)} mostrate)"
        anno = self.model.anno_righe
        self.summary.setText(text + (f" — anno {anno}." if anno else ".") +
                             " I punteggi si scrivono nella scheda «Comportamenti»; Ctrl+Z annulla.")
        self._fill_ciclo()

    def conteggi_ciclo(self) -> dict[str | None, int]:
        out: dict[str | None, int] = {p[0]: 0 for p in PASSI}
        for r in self.righe_filtrate():
            out[r.passo] = out.get(r.passo, 0) + 1
        return out

    def _fill_ciclo(self) -> None:
        counts = self.conteggi_ciclo()
        for r in range(self.ciclo_passi.rowCount()):
            key = dato_cella(self.ciclo_passi, r, 0)
            cella(self.ciclo_passi, r, 1).setText(format_int(counts.get(key, 0)))
        if not self._ciclo_scelto and self.model.rowCount():
            # first time: the step where most persons are
            self._ciclo_scelto = True
            best = max(range(self.ciclo_passi.rowCount()), key=lambda r: counts.get(
                dato_cella(self.ciclo_passi, r, 0), 0))
            self.ciclo_passi.setCurrentCell(best, 0)
        self._fill_ciclo_persone()

    def _fill_ciclo_persone(self) -> None:
        r = self.ciclo_passi.currentRow()
        item = self.ciclo_passi.item(r, 0) if r >= 0 else None
        if item is None:
            return
        key = item.data(Qt.ItemDataRole.UserRole)
        if key != getattr(self, "_ciclo_chiave", "-"):  # a new step chosen: propose the next one
            self._ciclo_chiave = key
            order = [p.value for p in PassoCiclo]
            nxt = order[0] if key is None else order[min(order.index(key) + 1, len(order) - 1)]
            self.ciclo_nuovo.setCurrentIndex(max(0, self.ciclo_nuovo.findData(nxt)))
        rows = [x for x in self.righe_filtrate() if x.passo == key]
        t = self.ciclo_persone
        t.setRowCount(0)
        t.setRowCount(len(rows))
        for n, x in enumerate(rows):
            it = _ro_item(x.nominativo)
            it.setData(Qt.ItemDataRole.UserRole, x.key)
            t.setItem(n, 0, it)
            t.setItem(n, 1, _ro_item(x.unita))
            t.setItem(n, 2, _ro_item(x.valutatore))
            t.setItem(n, 3, _ro_item(format_date(x.data_passo) if x.data_passo else ""))
            t.setItem(n, 4, _ro_item(x.stato))

    def _registra_elencati(self) -> None:
        pids = [int(dato_cella(self.ciclo_persone, r, 0))
                for r in range(self.ciclo_persone.rowCount())]
        testo = self.ciclo_data.text().strip()
        data = parse_date(testo)
        if data is None:
            self.show_message(f"«{testo}» non è una data valida: scrivere gg/mm/aaaa, es. 15/07/2025."
                              if testo else "Scrivere la data del passo (gg/mm/aaaa).")
            return
        self.show_message(self.registra_passo(str(self.ciclo_nuovo.currentData()), data, pids))

    def registra_passo(self, passo: str, data: date, pids: list[int]) -> str:
        """Record a step of the cycle on a date for several persons: one undo step.

        Persons who already have that step keep it (never overwritten); a refused one
        (e.g. an outcome of a riesame never requested) is said. Returns the Italian summary.
        """
        label = PassoCiclo(passo).label
        q = self.model.quadro_attuale()
        gia, rifiuti, fatti = 0, [], 0
        stack = self.ctx.stack
        started = False
        try:
            for pid in pids:
                if any(str(p.passo) == passo for p in q.passi.get(pid, [])):
                    gia += 1
                    continue
                try:
                    edit = self.model.edit(pid, passi={passo: (data, None, None)})
                except InvalidInput as exc:
                    rifiuti.append(f"{q.nome(pid)}: {exc}")
                    continue
                if edit is None:
                    continue
                if not started:
                    stack.beginMacro(f"«{label}» per più persone")
                    started = True
                if self.ctx.push(edit):
                    fatti += 1
                q = self.model.quadro_attuale()
        finally:
            if started:
                stack.endMacro()
        parts = [f"«{label}» del {format_date(data)} registrato per {conta_persone(fatti)}"]
        if gia:
            parts.append(f"{conta_persone(gia)} " + ("lo aveva già (non modificata)" if gia == 1
                                                     else "lo avevano già (non modificate)"))
        if rifiuti:
            parts.append(f"{conta_persone(len(rifiuti))} " + ("rifiutata" if len(rifiuti) == 1 else "rifiutate")
                         + ": " + "; ".join(rifiuti[:3]) + ("…" if len(rifiuti) > 3 else ""))
        return "; ".join(parts) + ". Ctrl+Z annulla." if fatti else "; ".join(parts) + "."

    def _ciclo_apri(self, row: int, _col: int) -> None:
        it = self.ciclo_persone.item(row, 0)
        if it is not None:
            self.select_persona(int(it.data(Qt.ItemDataRole.UserRole)))
