"""«Piano › Scala del rischio…» (issue 18 point 4; seed 001 grades each row BASSA/MEDIA, L114-L121):
the ente's corruption-risk levels, lowest first, each with an optional description. Levels are added,
removed, renamed and moved; «Salva» writes one undoable step. A duplicate or empty name is refused in
Italian; a level that objectives use never disappears silently: renamed, the objectives follow it
after a question naming them; removed, the save is refused naming them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.rischio import SCALA_PREDEFINITA, ScalaRischio, nuova_scala, scala_predefinita
from ...store import rischio as store
from ...store.changes import Changes
from ..context import Context

ORIGINALE = Qt.ItemDataRole.UserRole  # on a row's name: the level's name when the dialog read it


class ScalaRischioDialog(QDialog):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Scala del rischio corruttivo")
        self.intro = QLabel("I livelli di rischio dell'ente, dal più basso al più alto (sottosezione 2.3 del "
                            "PIAO). Il livello si sceglie nella scheda dell'obiettivo e si stampa con la misura "
                            "di prevenzione. Rinominando un livello, gli obiettivi che lo usano lo seguono.")
        self.intro.setWordWrap(True)
        self.tabella = QTableWidget(0, 3)
        self.tabella.setHorizontalHeaderLabels(["Livello", "Descrizione (facoltativa)", "Obiettivi"])
        self.tabella.verticalHeader().setVisible(True)
        self.tabella.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tabella.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        hh = self.tabella.horizontalHeader()
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tabella.setColumnWidth(0, 160)
        self.tabella.setColumnWidth(2, 80)
        self.tabella.itemChanged.connect(self._modificata)
        self.errore = QLabel()
        self.errore.setStyleSheet("color: #a40000")
        self.errore.setWordWrap(True)
        self.fuori = QLabel()  # levels objectives carry that are not on the saved scale (older files)
        self.fuori.setStyleSheet("color: #4b5563")
        self.fuori.setWordWrap(True)
        self.fuori.setVisible(False)
        self.aggiungi = QPushButton("+ Livello")
        self.togli = QPushButton("− Livello")
        self.su = QPushButton("Su")
        self.giu = QPushButton("Giù")
        self.predefinita = QPushButton("Scala predefinita")
        self.predefinita.setToolTip("BASSA, MEDIA, ALTA")
        self.salva_btn = QPushButton("Salva")
        chiudi = QPushButton("Chiudi")
        self.aggiungi.clicked.connect(lambda: self.nuovo())
        self.togli.clicked.connect(lambda: self.rimuovi())
        self.su.clicked.connect(lambda: self.sposta(-1))
        self.giu.clicked.connect(lambda: self.sposta(1))
        self.predefinita.clicked.connect(lambda: self.usa_predefinita())
        self.salva_btn.clicked.connect(lambda: self.salva())
        chiudi.clicked.connect(self.accept)
        modifica = not ctx.readonly
        for b in (self.aggiungi, self.togli, self.su, self.giu, self.predefinita, self.salva_btn):
            b.setEnabled(modifica)
        if not modifica:
            self.tabella.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        bar = QHBoxLayout()
        for b in (self.aggiungi, self.togli, self.su, self.giu, self.predefinita):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.salva_btn)
        bar.addWidget(chiudi)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addWidget(self.tabella, 1)
        lay.addWidget(self.fuori)
        lay.addWidget(self.errore)
        lay.addLayout(bar)
        self.resize(720, 420)
        self._riempiendo = False
        self.sporca = False
        ctx.hub.changed.connect(self._changed)
        self.carica()

    # ------------------------------------------------------------------ reading

    def _changed(self, ch: Changes) -> None:
        setting = ch.updated.get("impostazioni", {}).get(0, set())
        if ch.reset or store.CHIAVE in setting:
            self.carica()
        elif ch.touches("obiettivi"):
            self._conta()
            try:
                self._fuori(store.scala(self.ctx.archive))
            except ValueError:
                pass  # said by carica()

    def carica(self) -> None:
        try:
            scala = store.scala(self.ctx.archive)
        except ValueError as exc:
            scala = scala_predefinita()
            self.errore.setText(f"{exc}: si mostra la scala predefinita.")
        self._riempi(scala, originali=True)
        self.sporca = False
        self._fuori(scala)

    def _fuori(self, scala: ScalaRischio) -> None:
        uso = store.in_uso(self.ctx.archive)
        fuori = [f"«{lv}» ({', '.join(c[:6])}{' …' if len(c) > 6 else ''})"
                 for lv, c in uso.items() if lv not in scala.nomi]
        self.fuori.setText("Livelli fuori scala ancora usati (si correggono nella scheda dell'obiettivo o "
                           "aggiungendoli alla scala): " + "; ".join(fuori) if fuori else "")
        self.fuori.setVisible(bool(fuori))

    def _riempi(self, scala: ScalaRischio, originali: bool) -> None:
        vecchi = [self._originale(r) for r in range(self.tabella.rowCount())]
        self._riempiendo = True
        try:
            self.tabella.setRowCount(0)
            for n, lv in enumerate(scala.livelli):
                orig = lv.nome if originali else (vecchi[n] if n < len(vecchi) else None)
                self._inserisci(self.tabella.rowCount(), lv.nome, lv.descrizione, orig)
        finally:
            self._riempiendo = False
        self._conta()

    def _inserisci(self, r: int, nome: str, descrizione: str, originale: str | None) -> None:
        self.tabella.insertRow(r)
        it = QTableWidgetItem(nome)
        it.setData(ORIGINALE, originale)
        self.tabella.setItem(r, 0, it)
        self.tabella.setItem(r, 1, QTableWidgetItem(descrizione))
        uso = QTableWidgetItem("")
        uso.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        uso.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.tabella.setItem(r, 2, uso)

    def _originale(self, r: int) -> str | None:
        it = self.tabella.item(r, 0)
        v = it.data(ORIGINALE) if it is not None else None
        return str(v) if v else None

    def _testo(self, r: int, c: int) -> str:
        it = self.tabella.item(r, c)
        return it.text() if it is not None else ""

    def _conta(self) -> None:
        """The «Obiettivi» column: how many objectives use the level the row started as."""
        uso = store.in_uso(self.ctx.archive)
        self._riempiendo = True
        try:
            for r in range(self.tabella.rowCount()):
                codici = uso.get(self._originale(r) or "", [])
                it = self.tabella.item(r, 2)
                if it is not None:
                    it.setText(str(len(codici)) if codici else "")
                    it.setToolTip(", ".join(codici[:30]))
        finally:
            self._riempiendo = False

    def _modificata(self, _item: QTableWidgetItem) -> None:
        if not self._riempiendo:
            self.sporca = True
            self.errore.clear()

    # ------------------------------------------------------------------ editing the rows

    def righe(self) -> list[tuple[str, str]]:
        return [(self._testo(r, 0), self._testo(r, 1)) for r in range(self.tabella.rowCount())]

    def nuovo(self, nome: str = "", descrizione: str = "") -> int:
        r = self.tabella.currentRow() + 1 if self.tabella.currentRow() >= 0 else self.tabella.rowCount()
        self._riempiendo = True
        try:
            self._inserisci(r, nome, descrizione, None)
        finally:
            self._riempiendo = False
        self.sporca = True
        self.tabella.setCurrentCell(r, 0)
        if not nome:
            it = self.tabella.item(r, 0)
            if it is not None:
                self.tabella.editItem(it)
        return r

    def rimuovi(self) -> None:
        r = self.tabella.currentRow()
        if r < 0:
            return
        self.tabella.removeRow(r)
        self.sporca = True
        self.tabella.setCurrentCell(min(r, self.tabella.rowCount() - 1), 0)

    def sposta(self, verso: int) -> None:
        r = self.tabella.currentRow()
        dest = r + verso
        if r < 0 or not 0 <= dest < self.tabella.rowCount():
            return
        self._riempiendo = True
        try:
            for c in range(self.tabella.columnCount()):
                a, b = self.tabella.takeItem(r, c), self.tabella.takeItem(dest, c)
                self.tabella.setItem(r, c, b)
                self.tabella.setItem(dest, c, a)
        finally:
            self._riempiendo = False
        self.sporca = True
        self.tabella.setCurrentCell(dest, self.tabella.currentColumn())

    def usa_predefinita(self) -> None:
        """The rows become BASSA / MEDIA / ALTA; a level of the same name keeps its objectives."""
        attuali = {self._originale(r): r for r in range(self.tabella.rowCount())}
        self._riempiendo = True
        try:
            self.tabella.setRowCount(0)
            for nome in SCALA_PREDEFINITA:
                self._inserisci(self.tabella.rowCount(), nome, "", nome if nome in attuali else None)
        finally:
            self._riempiendo = False
        self.sporca = True
        self._conta()

    # ------------------------------------------------------------------ saving

    def conferma(self, testo: str) -> bool:
        """Asked before objectives follow a renamed level (tests replace it)."""
        return QMessageBox.question(self, "Scala del rischio", testo) == QMessageBox.StandardButton.Yes

    def salva(self) -> bool:
        righe = self.righe()
        try:
            nuova = nuova_scala(righe)
        except ValueError as exc:
            self.errore.setText(f"{str(exc)[:1].upper()}{str(exc)[1:]}: la scala non è stata salvata.")
            return False
        rinomina = {}
        for r in range(self.tabella.rowCount()):
            orig, nome = self._originale(r), nuova.livelli[r].nome
            if orig and orig != nome and orig not in nuova.nomi:
                rinomina[orig] = nome
        uso = store.in_uso(self.ctx.archive)
        seguono = {v: uso[v] for v in rinomina if uso.get(v)}
        try:
            edit = store.imposta(self.ctx.archive, nuova.livelli, rinomina)
        except ValueError as exc:  # LivelliInUso: it names the objectives
            msg = str(exc)
            self.errore.setText(msg[:1].upper() + msg[1:] + ".")
            return False
        if seguono:
            righe_msg = [f"«{v}» → «{rinomina[v]}»: {', '.join(c[:10])}" + (" …" if len(c) > 10 else "")
                         for v, c in seguono.items()]
            n = sum(len(c) for c in seguono.values())
            if not self.conferma(f"I livelli rinominati sono usati da {n} "
                                 f"{'obiettivo' if n == 1 else 'obiettivi'}, che passeranno al nuovo nome:\n\n"
                                 + "\n".join(righe_msg) + "\n\nProcedere?"):
                self.errore.setText("Nulla è stato salvato.")
                return False
        self.errore.clear()
        if edit is None:
            self.sporca = False
            return True
        ok = self.ctx.push(edit)
        if ok:
            self.carica()
        return ok


def show_scala_rischio_dialog(parent: QWidget, ctx: Context) -> ScalaRischioDialog:
    dlg = ScalaRischioDialog(ctx, parent)
    dlg.show()
    return dlg
