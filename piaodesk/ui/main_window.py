"""The main window: objective tree + detail/grids («Editor» tab), the views of the
extensions as further tabs, Italian menus built from ``extensions.MENUS`` and the
``ActionSpec``s, undo/redo and the «Cronologia modifiche» dock, year selector."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolBar,
    QTreeView,
    QUndoView,
    QVBoxLayout,
    QWidget,
)

from ..domain import codici
from ..domain.enums import Ramo
from ..domain.model import Ente, Obiettivo, Piano
from ..paths import default_plan_dir
from ..store.archive import Archive
from ..store.db import PlanError
from ..store.edits import Batch, DeleteRow, Edit, InsertRow, SetFields
from ..store.filtri import scelte_filtri
from ..viste.albero import Filtro
from . import extensions
from .context import Context
from .models.columns import IdRole
from .models.tree import COLUMNS as TREE_COLUMNS
from .models.tree import ObiettiviTreeModel, RamoRole
from .ui_state import UiState, open_settings, recent_plans
from .undo import ChangeHub, emit_reset
from .widgets.lazy import LazyTab
from .widgets.schermo import adatta

if TYPE_CHECKING:
    from .widgets.panel import ObiettivoPanel
    from .widgets.primi_passi import PrimiPassi

#: objectives beyond which whole-plan computations wait for the first paint
LARGE_PLAN = 2000
PLAN_FILTER = "Piani piaodesk (*.piao);;Tutti i file (*)"
_OPEN_WINDOWS: list[MainWindow] = []

def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """Yes/No confirmation (patched in tests)."""
    return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """Warning box (patched in tests)."""
    QMessageBox.warning(parent, title, text)


class MainWindow(QMainWindow):
    anno_changed = Signal(int)  # the year selector changed (ctx.anno already set)

    def __init__(self, archive: Archive, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        settings = settings if settings is not None else open_settings()
        self.state = UiState(settings)
        stack = QUndoStack(self)
        hub = ChangeHub(self)
        piano = archive.piano()
        self.ctx = Context(archive, stack, hub, settings, anno=piano.anno_inizio, main_window=self)
        saved = self.state.anno(piano.anni)
        if saved is not None:
            self.ctx.anno = saved
        self._cut_ids: list[int] = []
        self._write_actions: list[str] = []
        self._build_editor()
        self._build_actions()
        self._build_views()
        self._build_banner()
        hub.changed.connect(self._on_changes)
        hub.error.connect(self._on_store_error)
        stack.cleanChanged.connect(self.update_title)
        self.update_title()
        adatta(self, 1366, 768)  # within the screen, less the taskbar
        self.state.restore_window(self)
        self._plan_remembered = archive.path is None  # recorded after the first paint
        self.statusBar().showMessage("Pronto", 3000)

    # ------------------------------------------------------------------ construction

    @property
    def archive(self) -> Archive:
        return self.ctx.archive

    def _build_editor(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("schedePrincipali")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        editor = QWidget(self)
        lay = QHBoxLayout(editor)
        lay.setContentsMargins(4, 4, 4, 4)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, editor)
        self.splitter.setObjectName("splitEditor")
        lay.addWidget(self.splitter)

        left = QWidget(self.splitter)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.setSpacing(4)
        self.search = QLineEdit(left)
        self.search.setPlaceholderText("Cerca codice o titolo…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply_filter)
        ll.addWidget(self.search)
        row1 = QHBoxLayout()
        self.f_settore = QComboBox(left)
        self.f_resp = QComboBox(left)
        row2 = QHBoxLayout()
        self.f_anno = QComboBox(left)
        self.f_stato = QComboBox(left)
        for combo, tip in ((self.f_settore, "Filtra per settore"),
                           (self.f_resp, "Filtra per responsabile"),
                           (self.f_anno, "Filtra per anno"), (self.f_stato, "Filtra per stato")):
            combo.setToolTip(tip)
            combo.setMinimumContentsLength(8)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.currentIndexChanged.connect(self._apply_filter)
        row1.addWidget(self.f_settore, 1)
        row1.addWidget(self.f_resp, 1)
        row2.addWidget(self.f_anno, 1)
        row2.addWidget(self.f_stato, 1)
        self.f_ritardo = QPushButton("In ritardo", left)
        self.f_ritardo.setCheckable(True)
        self.f_ritardo.setToolTip("Solo obiettivi con fasi in ritardo")
        self.f_ritardo.toggled.connect(self._apply_filter)
        row2.addWidget(self.f_ritardo)
        ll.addLayout(row1)
        ll.addLayout(row2)
        # missioni and programmi of the harmonised catalogue (issue 18): shown when the plan uses them
        self.f_programma = QComboBox(left)
        self.f_programma.setToolTip("Filtra per missione o programma (classificazione armonizzata)")
        self.f_programma.setMinimumContentsLength(8)
        self.f_programma.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.f_programma.currentIndexChanged.connect(self._apply_filter)
        ll.addWidget(self.f_programma)
        self._fill_filters()
        self._fill_programmi()

        self.model = ObiettiviTreeModel(self.ctx, self)
        # a large plan: the % column fills in just after the tree is painted
        self.model.defer_perc = self.archive.count(Obiettivo) > LARGE_PLAN
        # filters, search and settore grouping are the projection's: no proxy model
        self._expanded_before_filter: list[int] = []
        self._filtro = Filtro()
        self.tree = QTreeView(left)
        self.tree.setObjectName("alberoObiettivi")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        hdr = self.tree.header()
        hdr.setStretchLastSection(False)
        hdr.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for i, col in enumerate(TREE_COLUMNS):
            if i != 1:
                self.tree.setColumnWidth(i, col.width)
        self.tree.setColumnWidth(0, 180)
        self.tree.setColumnWidth(2, 52)
        self.tree.setColumnWidth(3, 72)
        ll.addWidget(self.tree, 1)
        # the guide of an empty plan (it hides itself): made only for an empty plan, or when
        # the plan becomes empty
        self._left_layout = ll
        self._primi_passi: PrimiPassi | None = None
        self._guida_se_vuoto()
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        # an expanded row shows its children: read theirs in idle time (expanding is then quick)
        self.tree.expanded.connect(lambda idx: self.model.prefetch_below(self.to_source(idx)))
        if self.model.defer_perc:  # the whole tree, read when the user pauses: quick first search
            self.model.preload_later()
            for sig in (self.tree.expanded, self.tree.collapsed,
                        self.tree.verticalScrollBar().valueChanged):
                sig.connect(self.model.poke)
        # group rows are not spanned over the columns: with any spanned row, Qt asks the
        # model for one more index per row at every layout (expanding a settore: 500 calls)
        self.tree.expand(self.model.index(0, 0))
        self.model.prefetch_below(QModelIndex())  # the other group's rows, in idle time

        # the objective's panel (forms, grids: a third of the start-up) is built just after the
        # first paint, or as soon as it is needed; until then its place says what it will show
        self._panel: ObiettivoPanel | None = None
        self._panel_holder = QWidget(self.splitter)
        self._panel_holder.setObjectName("postoPannello")
        hl = self._panel_layout = QVBoxLayout(self._panel_holder)
        hl.setContentsMargins(0, 0, 0, 0)
        self._panel_wait = QLabel("<span style='font-size:13pt;color:#666'>Selezionare un obiettivo "
                                  "nell'albero a sinistra</span>", self._panel_holder)
        self._panel_wait.setContentsMargins(4, 0, 0, 0)
        self._panel_wait.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        hl.addWidget(self._panel_wait, 1)
        self.model.hint_obiettivo = None
        self.splitter.addWidget(left)
        self.splitter.addWidget(self._panel_holder)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([560, 790])
        self.tabs.addTab(editor, "Editor")

    @property
    def panel(self) -> ObiettivoPanel:
        """The selected objective's panel (built on first use)."""
        if self._panel is None:
            from .widgets.panel import ObiettivoPanel

            panel = ObiettivoPanel(self.ctx, self._panel_holder)
            panel.message.connect(self.show_refused)
            self._panel_layout.replaceWidget(self._panel_wait, panel)
            self._panel_wait.deleteLater()
            self._panel = panel
        return self._panel

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if not self._first_paint_done:
            self._first_paint_done = True  # the window is on screen: the rest follows at once
            QTimer.singleShot(0, self, self._after_first_paint)

    _first_paint_done = False

    def _after_first_paint(self) -> None:
        if self.model.closed or self.archive.closed:
            return  # closed meanwhile
        _ = self.panel
        self._remember_plan()

    def _remember_plan(self) -> None:
        """The plan among the recent ones and the last opened (written to disk with a sync:
        not before the window is on screen)."""
        if not self._plan_remembered:
            self._plan_remembered = True
            self.state.last_plan = self.archive.path

    @property
    def primi_passi(self) -> PrimiPassi:
        """The «Primi passi» guide (made on first use; hidden unless the plan is empty)."""
        if self._primi_passi is None:
            from .widgets.primi_passi import PrimiPassi

            ll = self._left_layout
            self._primi_passi = PrimiPassi(self, ll.parentWidget())
            ll.insertWidget(ll.indexOf(self.tree), self._primi_passi)
        return self._primi_passi

    def _guida_se_vuoto(self, ch: Any = None) -> None:
        if self._primi_passi is not None or self.archive.readonly:
            return
        if ch is not None and not (ch.reset or ch.deleted.get(Obiettivo.TABLE)):
            return
        if self.archive.count(Obiettivo) == 0:
            _ = self.primi_passi

    def to_view(self, src: QModelIndex) -> QModelIndex:
        """The tree view's index for an index of ``self.model`` (the same model: no proxy)."""
        return src

    def to_source(self, idx: QModelIndex) -> QModelIndex:
        """The index of ``self.model`` for an index of the tree view."""
        return idx

    def _expanded_ids(self) -> list[int]:
        """Objectives expanded in the tree, parents first."""
        out: list[int] = []
        stack = [QModelIndex()]
        model = self.model
        while stack:
            parent = stack.pop()
            for r in range(model.rowCount(parent)):
                idx = model.index(r, 0, parent)
                if model.rowCount(idx) and self.tree.isExpanded(idx):
                    oid = model.node(idx).id
                    if oid is not None:
                        out.append(oid)
                    stack.append(idx)
        return out

    def _fill_filters(self) -> None:
        for combo in (self.f_settore, self.f_resp, self.f_anno, self.f_stato):
            combo.blockSignals(True)
            combo.clear()
        scelte = scelte_filtri(self.archive)
        self.f_settore.addItem("Tutti i settori", None)
        for uid, nome in scelte.settori:
            self.f_settore.addItem(nome, uid)
        self.f_resp.addItem("Tutti i responsabili", None)
        for pid, nominativo in scelte.responsabili:
            self.f_resp.addItem(nominativo, pid)
        self.f_anno.addItem("Tutti gli anni", None)
        for a in scelte.anni:
            self.f_anno.addItem(str(a), a)
        self.f_stato.addItem("Tutti gli stati", None)
        for st in scelte.stati:
            self.f_stato.addItem(st, st)
        for combo in (self.f_settore, self.f_resp, self.f_anno, self.f_stato):
            combo.blockSignals(False)

    def _fill_programmi(self) -> None:
        from .widgets.programmi import riempi_programmi

        riempi_programmi(self.f_programma, self.archive)

    def _action(self, menu: QMenu, text: str, slot: Any, shortcut: Any = None,
                name: str | None = None, write: bool = False, tip: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                act.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(lambda _checked=False: slot())
        if name:
            act.setObjectName(name)
        if tip:
            act.setStatusTip(tip)
        if write:
            self._write_actions.append(name or text)
        if write and self.archive.readonly:
            act.setEnabled(False)
        menu.addAction(act)
        self.actions_by_name[name or text] = act
        return act

    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        bar = self.menuBar()
        for title in extensions.MENUS:
            self.menus[title] = bar.addMenu(title)
        m = self.menus["&File"]
        self._action(m, "&Apri piano…", self.open_dialog, QKeySequence.StandardKey.Open, "apri")
        self._action(m, "&Nuovo piano…", self.new_dialog, QKeySequence.StandardKey.New, "nuovo")
        self._action(m, "Apri il piano &dimostrativo", self.open_demo, None, "demo")
        recent = m.addMenu("Piani &recenti")
        for p in recent_plans()[:8]:
            act = recent.addAction(str(p))
            act.triggered.connect(lambda _c=False, path=p: self.open_path(path))
        m.addSeparator()
        self._file_anchor = m.addSeparator()
        self._action(m, "&Esci", self.close, QKeySequence.StandardKey.Quit, "esci")

        m = self.menus["&Modifica"]
        undo = self.ctx.stack.createUndoAction(self, "Annulla")
        undo.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))
        redo = self.ctx.stack.createRedoAction(self, "Ripeti")
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        undo.setObjectName("annulla")
        redo.setObjectName("ripeti")
        fixed_toolbar_text(undo, "Annulla", self.ctx.stack.undoTextChanged)
        fixed_toolbar_text(redo, "Ripeti", self.ctx.stack.redoTextChanged)
        m.addAction(undo)
        m.addAction(redo)
        self.actions_by_name["annulla"] = undo
        self.actions_by_name["ripeti"] = redo
        m.addSeparator()
        self._action(m, "Nuovo obiettivo &figlio", self.add_child, "Ctrl+Shift+N",
                     "nuovo_figlio", True, "Aggiunge un obiettivo sotto quello selezionato")
        self._action(m, "Nuovo obiettivo &fratello", self.add_sibling, "Ctrl+Alt+N", "nuovo_fratello",
                     True, "Aggiunge un obiettivo allo stesso livello")
        self._action(m, "&Elimina obiettivo…", self.delete_selected, "Ctrl+Shift+Del", "elimina", True)
        m.addSeparator()
        self._action(m, "&Taglia obiettivo", self.cut_selected, "Ctrl+Shift+X", "taglia", True,
                     "Prepara lo spostamento; poi selezionare la destinazione e Incolla")
        self._action(m, "&Incolla obiettivo come figlio", self.paste_cut, "Ctrl+Shift+V", "incolla",
                     True)
        self._action(m, "Sposta &su", lambda: self.move_selected(-1), "Ctrl+Up", "su", True)
        self._action(m, "Sposta &giù", lambda: self.move_selected(1), "Ctrl+Down", "giu", True)
        m.addSeparator()
        self._action(m, "&Rinumera codici…", self.renumber_selected, None, "rinumera", True,
                     "Assegna codici gerarchici 1, 1.1, 1.1.1 sotto il nodo selezionato")

        v = self.menus["&Visualizza"]
        self.history = QUndoView(self.ctx.stack)
        self.history.setEmptyLabel("<inizio della sessione>")
        dock = QDockWidget("Cronologia modifiche", self)
        dock.setObjectName("dockCronologia")
        dock.setWidget(self.history)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        dock.hide()
        self.history_dock = dock
        act = dock.toggleViewAction()
        act.setText("&Cronologia modifiche")
        act.setShortcut(QKeySequence("Ctrl+H"))
        v.addAction(act)
        self._action(v, "&Espandi tutto", self.expand_all, None, "espandi")
        self._action(v, "&Comprimi tutto", self.tree.collapseAll, None, "comprimi")
        self._action(v, "Cerca", lambda: self.search.setFocus(), QKeySequence.StandardKey.Find,
                     "cerca")
        group = self._action(v, "Raggruppa per &settore", lambda: None, None, "raggruppa_settore",
                             tip="Mostra gli obiettivi sotto una riga per ciascun settore")
        group.setCheckable(True)
        group.toggled.connect(self.set_per_settore)
        per_mis = self._action(v, "Raggruppa per &missione", lambda: None, None, "raggruppa_missione",
                               tip="Mostra gli obiettivi sotto una riga per ciascuna missione del bilancio")
        per_mis.setCheckable(True)
        per_mis.toggled.connect(self.set_per_missione)

        tb = QToolBar("Strumenti", self)
        tb.setObjectName("toolbarPrincipale")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tb.setMovable(False)
        self.addToolBar(tb)
        tb.addAction(self.actions_by_name["apri"])
        tb.addSeparator()
        tb.addAction(undo)
        tb.addAction(redo)
        tb.addSeparator()
        for n in ("nuovo_figlio", "nuovo_fratello", "elimina"):
            tb.addAction(self.actions_by_name[n])
        tb.addSeparator()
        tb.addWidget(QLabel(" Anno: ", tb))
        self.anno_combo = QComboBox(tb)
        self.anno_combo.setObjectName("selettoreAnno")
        for a in self.archive.piano().anni:
            self.anno_combo.addItem(str(a), a)
        self.anno_combo.setCurrentIndex(max(self.anno_combo.findData(self.ctx.anno), 0))
        self.anno_combo.currentIndexChanged.connect(
            lambda _i: self.set_anno(int(self.anno_combo.currentData())))
        tb.addWidget(self.anno_combo)
        self.toolbar = tb

        specs, self._views = extensions.discover()
        for spec in specs:
            menu = self.menus.get(spec.menu) or self.menus["S&trumenti"]
            act = QAction(spec.text, self)
            if spec.shortcut:
                act.setShortcut(QKeySequence(spec.shortcut))
            if spec.object_name:
                act.setObjectName(spec.object_name)
            if spec.needs_write:
                self._write_actions.append(spec.object_name or spec.text)
            if spec.needs_write and self.archive.readonly:
                act.setEnabled(False)
            act.triggered.connect(lambda _c=False, s=spec: self._run_spec(s))
            if spec.menu == "&File":
                menu.insertAction(self._file_anchor, act)
            else:
                menu.addAction(act)
            self.actions_by_name[spec.object_name or spec.text] = act
        for menu in self.menus.values():
            if menu.isEmpty():
                menu.menuAction().setVisible(False)
        self.tree.addActions([self.actions_by_name[n] for n in (
            "nuovo_figlio", "nuovo_fratello", "elimina", "taglia", "incolla", "su", "giu")])
        # Ctrl+↑/↓ move an objective only from the tree: in a grid they move within the grid
        for n in ("su", "giu"):
            self.actions_by_name[n].setShortcutContext(Qt.ShortcutContext.WidgetShortcut)

    def _run_spec(self, spec: extensions.ActionSpec) -> None:
        try:
            spec.callback(self, self.ctx)
        except PlanError as exc:
            warn(self, "piaodesk", str(exc))

    def _build_views(self) -> None:
        """One tab per extension view, built the first time its tab is shown (see ``LazyTab``)."""
        self.views: dict[str, QWidget] = {}  # the views built so far, by title
        self.view_tabs: dict[str, LazyTab] = {}
        for spec in self._views:
            tab = LazyTab(self.ctx, spec.factory, spec.title, spec.object_name, self.tabs,
                          on_error=lambda msg: self.statusBar().showMessage(msg, 10000))
            tab.built.connect(lambda w, title=spec.title: self.views.__setitem__(title, w))
            self.tabs.addTab(tab, spec.title)
            self.view_tabs[spec.title] = tab

    def _build_banner(self) -> None:
        """A strip above the tabs: what a packet may edit, a plan on a network share, a plan
        that turned read-only because another PC took control."""
        holder = QWidget(self)
        lay = QVBoxLayout(holder)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.banner = QLabel(holder)
        self.banner.setObjectName("bannerPiano")
        self.banner.setWordWrap(True)
        self.banner.setMargin(6)
        lay.addWidget(self.banner)
        self.takeCentralWidget()
        lay.addWidget(self.tabs, 1)
        self.setCentralWidget(holder)
        self.refresh_banner()

    def refresh_banner(self) -> None:
        from ..store.rete import descrizione

        arc = self.archive
        lines, color = [], "#fff4c2"
        if arc.pacchetto is not None:
            lines.append(arc.pacchetto.banner)
        if arc.rete:
            lines.append(f"Il piano è su {descrizione(arc.rete)}: è aperto in modo sicuro per la "
                         "rete (senza WAL, con accesso esclusivo finché resta aperto).")
        if getattr(self, "_lock_lost", False):
            lines.insert(0, arc.readonly_notice or "Il piano è ora in sola lettura.")
            color = "#f8d0d0"
        self.banner.setText("\n".join(lines))
        self.banner.setStyleSheet(f"background: {color}; color: #222; border-bottom: 1px solid #bbb;")
        self.banner.setVisible(bool(lines))

    def lock_lost_here(self, plan: str | None = None) -> bool:
        """Another program took this plan's lock: the window turns read-only (nothing more is
        written) and says so. ``plan``: only if it is this window's plan."""
        arc = self.archive
        if plan is not None and (arc.path is None or Path(plan).resolve() != arc.path.resolve()):
            return False
        if getattr(self, "_lock_lost", False):
            return True
        if arc.lock is not None and not arc.readonly:
            try:
                arc._check_lock()
            except PlanError:
                pass
        self._lock_lost = True
        arc.readonly = True
        for name in self._write_actions:
            act = self.actions_by_name.get(name)
            if act is not None:
                act.setEnabled(False)
        self.ctx.stack.setClean()
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, self.ctx.stack.clear)  # no undo can land any more
        self.refresh_banner()
        self.update_title()
        return True

    def view(self, title: str, show: bool = False) -> QWidget | None:
        """The view of tab ``title``, built now if needed; ``show`` also makes its tab current."""
        tab = self.view_tabs.get(title)
        if tab is None:
            return None
        if show:
            self.tabs.setCurrentWidget(tab)
        return tab.ensure()

    # ------------------------------------------------------------------ start-up

    @classmethod
    def start(cls, path: Path | None, settings: QSettings | None = None) -> MainWindow | None:
        """Open ``path``, or the last plan, or ask with a start dialog (None: the user gave up)."""
        if path is None:
            for p in recent_plans():
                if p.exists():
                    path = p
                    break
        if path is not None:
            win = cls.open_window(Path(path), settings)
            if win is not None:
                return win
        while True:
            choice = StartDialog.choose()
            if choice is None:
                return None
            win = cls.open_window(choice, settings)
            if win is not None:
                return win

    @classmethod
    def open_window(cls, path: Path, settings: QSettings | None = None) -> MainWindow | None:
        # in use elsewhere → read-only/takeover; damaged → offer the last backup
        from .extensions.affidabilita import open_plan_interactive

        arc = open_plan_interactive(None, path)
        if arc is None:
            return None
        win = cls(arc, settings)
        _OPEN_WINDOWS.append(win)
        return win

    # ------------------------------------------------------------------ file actions

    def open_path(self, path: Path) -> MainWindow | None:
        win = MainWindow.open_window(Path(path), self.ctx.settings)
        if win is not None:
            win.show()
            self.close()
        return win

    def open_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Apri piano", self.state.last_dir or
                                              str(default_plan_dir()), PLAN_FILTER)
        if name:
            self.open_path(Path(name))

    def new_dialog(self) -> None:
        path = new_plan_dialog(self, self.archive.path)
        if path is not None:
            self.open_path(path)

    def open_demo(self) -> None:
        self.open_path(demo_plan_path())

    def update_title(self, *_args: Any) -> None:
        piano = self.archive.piano()
        name = self.archive.path.name if self.archive.path else "memoria"
        ro = " [sola lettura]" if self.archive.readonly else ""
        self.setWindowTitle(f"{piano.titolo} – {name} ({piano.stato.label}){ro} — piaodesk")

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember_plan()  # a window closed before it was painted
        self.state.save_window(self)
        self.state.save_anno(self.ctx.anno)
        super().closeEvent(event)
        if event.isAccepted():
            self.model.closed = True
            # the undo commands go while the stack and the window are alive: left to a later
            # garbage collection of the window↔context cycle, the QUndoStack could be deleted
            # after the objects it points to (a crash far from here)
            self.ctx.stack.clear()
            try:
                self.archive.close()
            except Exception:  # noqa: BLE001 - already closed
                pass
            if self in _OPEN_WINDOWS:
                _OPEN_WINDOWS.remove(self)

    # ------------------------------------------------------------------ selection

    def _current_changed(self, current: QModelIndex, _prev: QModelIndex) -> None:
        oid = current.data(IdRole) if current.isValid() else None
        self.ctx.current_obiettivo = oid
        self.model.hint_obiettivo = oid
        self.panel.set_obiettivo(oid)

    def current_id(self) -> int | None:
        idx = self.tree.currentIndex()
        return idx.data(IdRole) if idx.isValid() else None

    def selected_ids(self) -> list[int]:
        ids = []
        for idx in self.tree.selectionModel().selectedRows(0):
            oid = idx.data(IdRole)
            if oid is not None:
                ids.append(oid)
        if not ids and self.current_id() is not None:
            ids = [self.current_id()]
        return ids

    def select_obiettivo(self, oid: int) -> bool:
        src = self.model.index_of_id(oid)
        if not src.isValid():
            return False
        idx = self.to_view(src)
        if not idx.isValid():
            self.search.clear()
            idx = self.to_view(self.model.index_of_id(oid))
        parent = idx.parent()
        while parent.isValid():
            self.tree.expand(parent)
            parent = parent.parent()
        self.tree.setCurrentIndex(idx)
        self.tree.selectionModel().select(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.tree.scrollTo(idx)
        return True

    def expand_all(self) -> None:
        self.model.load_all()
        self.tree.expandAll()

    # ------------------------------------------------------------------ editing the tree

    def _current_ramo(self) -> str:
        idx = self.tree.currentIndex()
        return idx.data(RamoRole) if idx.isValid() else str(Ramo.OBIETTIVI)

    def add_child(self) -> int | None:
        oid = self.current_id()
        ramo = self._current_ramo()
        return self._add(oid, ramo)

    def add_sibling(self) -> int | None:
        oid = self.current_id()
        if oid is None:
            return self._add(None, self._current_ramo())
        ob = self.archive.obiettivo(oid)
        assert ob is not None
        sibs = self.archive.figli_ids(ob.parent_id, ob.ramo)
        return self._add(ob.parent_id, str(ob.ramo), sibs.index(oid) + 1)

    def _add(self, parent_id: int | None, ramo: str, pos: int | None = None) -> int | None:
        if self.archive.readonly:
            return None
        arc = self.archive
        parent = arc.obiettivo(parent_id) if parent_id is not None else None
        sibs = arc.figli(parent_id, ramo)
        livello = codici.livello_nuovo(ramo, parent.livello if parent is not None else None,
                                       sibs[0].livello if sibs else None)
        codice = codici.codice_nuovo(parent.codice if parent is not None else None,
                                     [o.codice for o in sibs])
        new = Obiettivo(parent_id=parent_id, ramo=Ramo(ramo), livello=livello, codice=codice,
                        titolo="Nuovo obiettivo",
                        posizione=len(sibs) if pos is None else pos,
                        unita_id=parent.unita_id if parent else None,
                        responsabile_id=parent.responsabile_id if parent else None,
                        anni=list(parent.anni) if parent else [])
        new.id = arc.allocate_id(Obiettivo)
        if not self.ctx.push(InsertRow(new, label="Nuovo obiettivo")):
            return None
        self.select_obiettivo(new.id)
        self.panel.tabs.setCurrentIndex(0)
        title = self.panel.form.widgets["titolo"]
        title.setFocus()
        if isinstance(title, QLineEdit):
            title.selectAll()
        return new.id

    def delete_selected(self) -> bool:
        ids = self.selected_ids()
        if not ids or self.archive.readonly:
            return False
        arc = self.archive
        n_desc = sum(len(arc.discendenti(i)) for i in ids)
        names = ", ".join(f"«{o.codice} {o.titolo}»" for o in (arc.obiettivo(i) for i in ids[:3]) if o)
        text = f"Eliminare {names}{' e altri' if len(ids) > 3 else ''}"
        if n_desc:
            text += f" con {n_desc} obiettivi sottostanti"
        text += ", le loro fasi, indicatori e assegnazioni?\n\nSi può annullare con Ctrl+Z."
        if not ask(self, "Elimina obiettivo", text):
            return False
        # delete ancestors only (a descendant goes with its ancestor)
        top = [i for i in ids if not any(i in arc.discendenti(j) for j in ids if j != i)]
        edits: list[Edit] = [DeleteRow(Obiettivo, i, label="Elimina obiettivo") for i in top]
        return self.ctx.push(edits[0] if len(edits) == 1 else Batch(edits, "Elimina obiettivi"))

    def cut_selected(self) -> None:
        self._cut_ids = self.selected_ids()
        if self._cut_ids:
            self.statusBar().showMessage(
                f"{len(self._cut_ids)} obiettivi da spostare: selezionare la destinazione e "
                "scegliere «Incolla obiettivo come figlio» (Ctrl+Shift+V).", 8000)

    def paste_cut(self) -> bool:
        if not self._cut_ids:
            return False
        idx = self.tree.currentIndex()
        if not idx.isValid():
            return False
        target = self.model.node(self.to_source(idx.siblingAtColumn(0)))
        ok = self.model.move_ids(self._cut_ids, target, -1)
        if ok:
            moved = self._cut_ids[0]
            self._cut_ids = []
            self.select_obiettivo(moved)
        return ok

    def move_selected(self, delta: int) -> bool:
        oid = self.current_id()
        if oid is None:
            return False
        ob = self.archive.obiettivo(oid)
        assert ob is not None
        sibs = self.archive.figli_ids(ob.parent_id, ob.ramo)
        pos = sibs.index(oid) + delta
        if not 0 <= pos < len(sibs):
            return False
        from ..store.edits import MoveObiettivo

        ok = self.ctx.push(MoveObiettivo(oid, ob.parent_id, pos, str(ob.ramo),
                                         label="Sposta obiettivo"))
        if ok:
            self.select_obiettivo(oid)
        return ok

    def renumber_selected(self, confirm: bool = True) -> bool:
        idx = self.tree.currentIndex()
        if not idx.isValid():
            return False
        node = self.model.node(self.to_source(idx.siblingAtColumn(0)))
        if node.obj is not None:
            where = f"«{node.obj.codice} {node.obj.titolo}»"
        else:
            where = f"«{node.ramo.label}»"
        if confirm and not ask(self, "Rinumera codici",
                               f"Assegnare codici gerarchici (1, 1.1, 1.1.1 …) sotto {where}?"):
            return False
        edit = renumber_edit(self.archive, node.id, str(node.ramo),
                             node.obj.codice if node.obj is not None else "")
        if edit is None:
            self.statusBar().showMessage("I codici sono già in ordine.", 4000)
            return True
        return self.ctx.push(edit)

    def _tree_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        for n in ("nuovo_figlio", "nuovo_fratello", None, "taglia", "incolla", "su", "giu", None,
                  "rinumera", None, "elimina"):
            if n is None:
                menu.addSeparator()
            else:
                menu.addAction(self.actions_by_name[n])
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    # ------------------------------------------------------------------ filters, year

    #: a search showing up to this many rows opens them all; beyond, only the first levels
    EXPAND_ALL_ROWS = 400

    def _apply_filter(self) -> None:
        f = Filtro(
            testo=self.search.text(), unita_id=self.f_settore.currentData(),
            responsabile_id=self.f_resp.currentData(), anno=self.f_anno.currentData(),
            stato=self.f_stato.currentData(), solo_in_ritardo=self.f_ritardo.isChecked(),
            programma=self.f_programma.currentData())
        if f == self._filtro:
            return
        if not self._filtro.active() and not self.model.proj.per_settore:
            self._expanded_before_filter = self._expanded_ids()
        self._filtro = f
        self.model.set_filtro(f)
        self._expand_after_reset()
        current = self.ctx.current_obiettivo
        if current is not None:
            idx = self.model.index_of_id(current)
            if idx.isValid():
                self.tree.setCurrentIndex(idx)

    def _expand_after_reset(self) -> None:
        """After a filter or a grouping: open the rows found (all of them when few)."""
        if self.model.proj.plain:
            for oid in self._expanded_before_filter:
                idx = self.model.index_of_id(oid)
                if idx.isValid():
                    self.tree.expand(idx)
            self.tree.expand(self.model.index(0, 0))
            return
        keep = self.model.proj.shown_count()
        if self._filtro.active() and keep <= self.EXPAND_ALL_ROWS:
            self.tree.expandAll()
        else:  # many rows: the groups open, their rows show the matches under them
            for r in range(self.model.rowCount()):
                self.tree.expand(self.model.index(r, 0))

    def set_per_settore(self, on: bool) -> None:
        """«Raggruppa per settore»: a row per settore under each group of the tree."""
        if on == self.model.proj.per_settore:
            return
        if on and self.model.proj.plain:
            self._expanded_before_filter = self._expanded_ids()
        self.model.set_per_settore(on)
        self._expand_after_reset()
        self._segna_raggruppamento()

    def set_per_missione(self, on: bool) -> None:
        """«Raggruppa per missione» (issue 18): a row per missione of the catalogue under each group."""
        if on == self.model.proj.per_missione:
            return
        if on and self.model.proj.plain:
            self._expanded_before_filter = self._expanded_ids()
        self.model.set_per_missione(on)
        self._expand_after_reset()
        self._segna_raggruppamento()

    def _segna_raggruppamento(self) -> None:
        """The two grouping actions show the tree's one grouping (choosing one drops the other)."""
        for name, on in (("raggruppa_settore", self.model.proj.per_settore),
                         ("raggruppa_missione", self.model.proj.per_missione)):
            act = self.actions_by_name.get(name)
            if act is not None and act.isChecked() != on:
                act.blockSignals(True)
                act.setChecked(on)
                act.blockSignals(False)

    def set_anno(self, anno: int) -> None:
        if anno == self.ctx.anno:
            return
        self.ctx.anno = anno
        self.model.set_anno(anno)
        if self._panel is not None:
            self._panel.set_anno()
        self.anno_changed.emit(anno)
        self.statusBar().showMessage(f"Anno di riferimento: {anno}", 3000)

    # ------------------------------------------------------------------ hub

    def _on_changes(self, ch: Any) -> None:
        self._guida_se_vuoto(ch)
        if ch.touches("piano"):
            self.update_title()
        if ch.touches("unita") or ch.touches("persone"):
            self._fill_filters()
        if ch.reset or any("programma_cod" in (f or ()) for f in ch.updated.get("obiettivi", {}).values()) \
                or ch.inserted.get("obiettivi") or ch.deleted.get("obiettivi"):
            self._fill_programmi()

    def _on_store_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)
        lock = self.archive.lock
        if lock is not None and self.archive.readonly and lock.lost:
            self.lock_lost_here()
            warn(self, "Piano preso in carico da un altro computer", message)
            return
        warn(self, "Modifica non salvata", message)

    def show_refused(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)
        warn(self, "Valore non accettato", message)


# ---------------------------------------------------------------------- helpers


def renumber_edit(archive: Archive, parent_id: int | None, ramo: str, prefix: str) -> Edit | None:
    """A Batch of SetFields giving hierarchical codes (``1``, ``1.1`` …) under a node."""
    edits: list[Edit] = [
        SetFields(Obiettivo, oid, {"codice": code}) for oid, code in codici.rinumera(
            lambda pid: [(o.id or 0, o.codice) for o in archive.figli(pid, ramo)], parent_id, prefix)]
    return Batch(edits, "Rinumera codici") if edits else None


def demo_plan_path() -> Path:
    path = default_plan_dir() / "demo.piao"
    if not path.exists():
        from ..store.demo import build_demo

        build_demo(path).close()
    return path


def fixed_toolbar_text(action: QAction, text: str, changed: Any) -> None:
    """The toolbar button keeps ``text`` (its width never changes, the buttons never shift);
    what would be undone or redone goes to the tooltip."""
    action.setIconText(text)

    def update(what: str) -> None:
        action.setToolTip(f"{text}: {what}" if what else text)

    changed.connect(update)
    update("")


def _same_file(a: Path, b: Path | None) -> bool:
    if b is None:
        return False
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a.absolute() == b.absolute()


def new_plan_dialog(parent: QWidget | None, current: Path | None = None) -> Path | None:
    """Asks where and what the new plan is. A file that exists is named and replaced only after
    a specific question; the plan open in this window (``current``) is refused."""
    name, _ = QFileDialog.getSaveFileName(
        parent, "Nuovo piano", str(default_plan_dir() / "piano.piao"), PLAN_FILTER,
        options=QFileDialog.Option.DontConfirmOverwrite)
    if not name:
        return None
    path = Path(name)
    if not path.suffix:
        path = path.with_suffix(".piao")
    if _same_file(path, current):
        warn(parent, "Nuovo piano",
             f"«{path.name}» è il piano aperto in questa finestra: non può essere sostituito "
             "da un piano vuoto. Scegliere un altro nome.")
        return None
    if path.exists() and not ask(
            parent, "Sostituire il piano esistente?",
            f"Il file «{path.name}» esiste già in {path.parent}.\n\nSostituirlo con un piano "
            "vuoto? Tutto il suo contenuto (obiettivi, indicatori, persone, valutazioni) "
            "andrà perso."):
        return None
    titolo, ok = QInputDialog.getText(parent, "Nuovo piano", "Titolo del piano:",
                                      text="Piano della performance")
    if not ok:
        return None
    ente, ok = QInputDialog.getText(parent, "Nuovo piano", "Ente:", text="Comune di ")
    if not ok:
        return None
    anno, ok = QInputDialog.getInt(parent, "Nuovo piano", "Primo anno del triennio:", 2025, 2000,
                                   2100)
    if not ok:
        return None
    from ..fsio import atomic_path, describe_os_error

    piano = Piano(titolo=titolo, anno_inizio=anno, anno_fine=anno + 2)
    try:
        if path.exists():  # replacing was confirmed: the old file goes only once the new is whole
            with atomic_path(path) as tmp:
                Archive.build(tmp, piano, Ente(nome=ente))
                for side in ("-wal", "-shm"):  # the old plan's journal must not touch the new file
                    path.with_name(path.name + side).unlink(missing_ok=True)
        else:
            Archive.build(path, piano, Ente(nome=ente))
    except PlanError as exc:
        QMessageBox.critical(parent, "Impossibile creare il piano", str(exc))
        return None
    except OSError as exc:
        QMessageBox.critical(parent, "Impossibile creare il piano", describe_os_error(exc, path))
        return None
    return path


class StartDialog(QDialog):
    """Shown when no plan is known: open, create, or try the demo plan."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("piaodesk")
        self.result_path: Path | None = None
        lay = QVBoxLayout(self)
        lbl = QLabel("<h3>Benvenuto in piaodesk</h3><p>Il piano della performance dell'ente, "
                     "in un file. Come si vuole iniziare?</p>", self)
        lay.addWidget(lbl)
        for text, slot in (("Apri piano…", self._open), ("Nuovo piano…", self._new),
                           ("Apri il piano dimostrativo", self._demo)):
            b = QPushButton(text, self)
            b.setMinimumHeight(34)
            b.clicked.connect(slot)
            lay.addWidget(b)
        close = QPushButton("Esci", self)
        close.clicked.connect(self.reject)
        lay.addWidget(close)

    def _open(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Apri piano", str(default_plan_dir()),
                                              PLAN_FILTER)
        if name:
            self.result_path = Path(name)
            self.accept()

    def _new(self) -> None:
        path = new_plan_dialog(self)
        if path is not None:
            self.result_path = path
            self.accept()

    def _demo(self) -> None:
        self.result_path = demo_plan_path()
        self.accept()

    @classmethod
    def choose(cls) -> Path | None:
        dlg = cls()
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        return dlg.result_path


_ = emit_reset
