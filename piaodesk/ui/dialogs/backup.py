"""Dialogs of the reliability features: restore a backup, plan in use, about, user guide."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ... import __version__
from ...paths import resource
from ...store import backup as backups
from ...store.lock import PlanInUse
from ..context import Context

_size = backups.formato_dimensione


# ---------------------------------------------------------------------- restore


class RipristinaDialog(QDialog):
    """The list of automatic copies of one plan; the chosen one replaces the plan's content."""

    def __init__(self, plan: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Ripristina da backup")
        self.setObjectName("dialogo_ripristino")
        self.plan = plan
        self.chosen: Path | None = None
        self._backups = backups.list_backups(plan)

        intro = QLabel(
            f"Copie di sicurezza di <b>{plan.name}</b>, dalla più recente. Il contenuto attuale del "
            "piano sarà sostituito dalla copia scelta; prima viene salvata una copia dello stato "
            "attuale, così il ripristino si può a sua volta annullare.")
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self._backups), 3, self)
        self.table.setObjectName("tabella_copie")
        self.table.setHorizontalHeaderLabels(["Data e ora", "Tipo di copia", "Dimensione"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, b in enumerate(self._backups):
            cells = [f"{b.quando:%d/%m/%Y} alle {b.quando:%H:%M:%S}", b.descrizione, _size(b.dimensione)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _i: self.accept())
        if self._backups:
            self.table.selectRow(0)
        empty = QLabel("Non ci sono ancora copie di sicurezza di questo piano.")
        empty.setVisible(not self._backups)

        self.buttons = QDialogButtonBox(self)
        self.restore_button = self.buttons.addButton("Ripristina", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(bool(self._backups))
        other = QPushButton("Da un altro file…", self)
        self.buttons.addButton(other, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        other.clicked.connect(self._other_file)

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table)
        lay.addWidget(empty)
        lay.addWidget(self.buttons)
        self.resize(560, 380)

    def _other_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Copia da ripristinare",
                                              str(backups.backup_dir(self.plan)),
                                              "Piani piaodesk (*.piao)")
        if name:
            self.chosen = Path(name)
            super().accept()

    def accept(self) -> None:
        if self.chosen is None:
            rows = self.table.selectionModel().selectedRows()
            if not rows:
                return
            self.chosen = self._backups[rows[0].row()].path
        super().accept()


def ripristina(parent: QWidget | None, ctx: Context) -> bool:
    """File › Ripristina da backup…: choose a copy, confirm, restore into the open plan."""
    arc = ctx.archive
    if arc.readonly or arc.path is None:
        QMessageBox.information(parent, "Ripristina da backup",
                                "Il piano è aperto in sola lettura: non può essere ripristinato.")
        return False
    dlg = RipristinaDialog(arc.path, parent)
    if dlg.exec() != QDialog.DialogCode.Accepted or dlg.chosen is None:
        return False
    answer = QMessageBox.question(
        parent, "Ripristina da backup",
        f"Sostituire il contenuto attuale di «{arc.path.name}» con la copia «{dlg.chosen.name}»?\n\n"
        "Lo stato attuale viene prima salvato come copia di sicurezza.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    from ...store.db import PlanError

    try:
        backups.restore(arc, dlg.chosen)
    except PlanError as exc:
        QMessageBox.critical(parent, "Ripristino non riuscito", str(exc))
        return False
    ctx.stack.clear()  # the undo history refers to the replaced content
    from ..undo import emit_reset

    emit_reset(ctx.hub)
    QMessageBox.information(parent, "Ripristina da backup",
                            "Copia ripristinata. Lo stato precedente è stato salvato tra le copie "
                            "di sicurezza («prima del ripristino»).")
    return True


def ask_remove_orphans(parent: QWidget | None, found: list[backups.Orfano]) -> list[backups.Orfano]:
    """«Copie di piani che non esistono più»: the person chooses; returns what to delete."""
    righe = []
    for o in found[:12]:
        quando = f"ultima del {o.ultima:%d/%m/%Y}" if o.ultima else "nessuna copia"
        righe.append(f"• {o.piano} — {o.copie} copie, {_size(o.dimensione)}, {quando}")
    if len(found) > 12:
        righe.append(f"… e altri {len(found) - 12} piani")
    box = QMessageBox(parent)
    box.setObjectName("dialogo_copie_orfane")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Copie di piani eliminati")
    box.setText(f"Ci sono copie di sicurezza di {len(found)} "
                f"{'piano che non esiste' if len(found) == 1 else 'piani che non esistono'} più "
                f"(da almeno {backups.ORPHAN_GRACE.days} giorni nessuna nuova copia). Eliminarle?")
    box.setInformativeText("\n".join(righe) + "\n\nSe un piano è su una cartella di rete o una "
                           "chiavetta non collegata in questo momento, rispondere No.")
    yes = box.addButton("Elimina le copie", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("No", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return list(found) if box.clickedButton() is yes else []


# ---------------------------------------------------------------------- plan in use


def ask_in_use(parent: QWidget | None, exc: PlanInUse) -> str | None:
    """«in uso da … dal …»: returns ``"readonly"``, ``"takeover"`` or ``None`` (cancel)."""
    box = QMessageBox(parent)
    box.setObjectName("dialogo_in_uso")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Piano in uso")
    box.setText(f"Il piano «{exc.path.name if exc.path else ''}» è in uso da {exc.info.describe()}.")
    if exc.stale:
        box.setInformativeText(
            f"Il blocco sembra abbandonato ({exc.stale}), per esempio dopo un'interruzione del "
            "programma. Se nessuno lo sta usando se ne può prendere il controllo; altrimenti "
            "aprirlo in sola lettura.")
    else:
        box.setInformativeText(
            "Due persone non possono modificare lo stesso piano insieme. Si può aprirlo in sola "
            "lettura (consultare, stampare) e riprovare più tardi.")
    ro = box.addButton("Apri in sola lettura", QMessageBox.ButtonRole.AcceptRole)
    take = box.addButton("Prendi il controllo" if exc.stale else "Prendi comunque il controllo…",
                         QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Annulla", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(ro)
    box.exec()
    clicked = box.clickedButton()
    if clicked is ro:
        return "readonly"
    if clicked is take:
        if not exc.stale:
            sure = QMessageBox.warning(
                parent, "Prendi il controllo",
                f"{exc.info.describe()} potrebbe star ancora modificando il piano: le sue modifiche "
                "successive non verrebbero più salvate. Continuare solo se si è certi che il "
                "programma su quel computer è chiuso.\n\nPrendere il controllo?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if sure != QMessageBox.StandardButton.Yes:
                return None
        return "takeover"
    return None


# ---------------------------------------------------------------------- about and guide


def guida_path() -> Path | None:
    """The Italian user guide (bundled under resources/guida, or docs/ of a source checkout)."""
    for cand in (resource("guida", "guida.md"), resource().parent / "docs" / "guida.md"):
        if cand.is_file():
            return cand
    return None


class GuidaDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Guida di piaodesk")
        self.setObjectName("dialogo_guida")
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        path = guida_path()
        if path is None:
            self.browser.setPlainText("La guida non è stata trovata nell'installazione.")
        else:
            self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Chiudi")
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser)
        lay.addWidget(buttons)
        self.resize(720, 640)


class InformazioniDialog(QDialog):
    """Version, plan file path, where backups go, and the link to the guide."""

    def __init__(self, plan: Path | None, parent: QWidget | None = None, *,
                 readonly: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Informazioni su piaodesk")
        self.setObjectName("dialogo_informazioni")
        guida = guida_path()
        rows = [f"<h2>piaodesk {__version__}</h2>",
                "<p>Piano della performance (PIAO/PEG) per enti locali: editor offline, "
                "monitoraggio, schede di valutazione firmate.</p>"]
        if plan is not None:
            stato = " (aperto in sola lettura)" if readonly else ""
            rows.append(f"<p><b>Piano aperto</b>{stato}:<br>"
                        f"<a href='{QUrl.fromLocalFile(str(plan.parent)).toString()}'>{plan}</a></p>")
            rows.append(f"<p><b>Copie di sicurezza</b>:<br>"
                        f"<a href='{QUrl.fromLocalFile(str(backups.backup_dir(plan, create=False))).toString()}'>"
                        f"{backups.backup_dir(plan, create=False)}</a></p>")
        else:
            rows.append("<p>Nessun piano aperto.</p>")
        if guida is not None:
            rows.append("<p><a href='guida:'>Guida di piaodesk</a> (creare un piano, modificarlo, "
                        "monitorarlo, stampare e firmare le schede)</p>")
        rows.append("<p>Licenza EUPL-1.2.</p>")
        self.label = QLabel("".join(rows), self)
        self.label.setObjectName("testo_informazioni")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.label.linkActivated.connect(self._link)
        self.label.setMinimumWidth(480)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        icon = resource("icons", "piaodesk.svg")
        if icon.exists():
            from PySide6.QtGui import QIcon

            pic = QLabel(self)
            pic.setPixmap(QIcon(str(icon)).pixmap(64, 64))
            pic.setAlignment(Qt.AlignmentFlag.AlignTop)
            top.addWidget(pic)
        top.addWidget(self.label, 1)
        lay.addLayout(top)
        lay.addWidget(buttons)

    def _link(self, href: str) -> None:
        if href == "guida:":
            GuidaDialog(self).exec()
        else:
            QDesktopServices.openUrl(QUrl(href))
