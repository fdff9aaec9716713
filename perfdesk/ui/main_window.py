"""The main window: a tab per plan and the Overview, menus, toolbar, the
read-only banner and the status bar. What each menu command does lives in
`ui/commands/` (which see the window only through `commands.window.Window`);
this module only wires them up, and redraws when `ops.changed` says what an
operation changed. While a long operation changes the database (in a
worker), the editing commands are disabled; reading goes on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from perfdesk.clock import Clock, fixed_clock
from perfdesk.errors import PerfDeskError
from perfdesk.services.summaries import action_count
from perfdesk.store import backup, queries
from perfdesk.store.changes import Changes
from perfdesk.store.database import Database
from perfdesk.ui.commands import file as file_commands
from perfdesk.ui.commands import plan as plan_commands
from perfdesk.ui.commands import printing as print_commands
from perfdesk.ui.commands import sync as sync_commands
from perfdesk.ui.ops import Operations
from perfdesk.ui.overview.tab import OverviewTab, load_charts
from perfdesk.ui.plan.tab import PlanTab
from perfdesk.ui.settings import Settings

BANNER_STYLE = (
    "background: #fff4c2; color: #3b2f00; padding: 6px; border-bottom: 1px solid #c9a800;"
)
NATIVE = QKeySequence.SequenceFormat.NativeText
StandardKey = QKeySequence.StandardKey
Shortcut = QKeySequence | QKeySequence.StandardKey | str
BACKUP_EVERY_MS = 15 * 60 * 1000  # a periodic backup, when something has changed


def _returns() -> ModuleType:
    from perfdesk.ui.commands import (
        returns as returns_commands,  # openpyxl loads only when returns are used
    )

    return returns_commands


class MainWindow(QMainWindow):
    def __init__(self, db: Database, settings: Settings, today: dt.date | None = None,
                 log_path: Path | None = None) -> None:
        """`today`: a day to stop the window's clock at (tests); otherwise the
        window tells the time by the database's clock."""
        super().__init__()
        self.settings = settings
        self.log_path = log_path
        self.clock: Clock = fixed_clock(today) if today else db.clock
        self.db: Database | None = None
        self.ops: Operations | None = None
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setAccessibleName("Notice")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Plans")
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs)
        self.setCentralWidget(central)
        self.where = QLabel()
        self.who = QLabel()
        self.counts = QLabel()
        self.conflicts = QPushButton()
        self.conflicts.setFlat(True)
        self.conflicts.setAccessibleName("Conflicts to decide")
        self.conflicts.setToolTip("Changes from laptops that collided with this database's")
        self.conflicts.clicked.connect(lambda: sync_commands.show_conflicts(self))
        self.conflicts.hide()
        self.unsent = QLabel()
        self.unsent.setAccessibleName("Changes not yet sent")
        self.unsent.setToolTip("Changes made here since your last Send my updates")
        for label in (self.conflicts, self.unsent, self.counts, self.who, self.where):
            self.statusBar().addPermanentWidget(label)
        self._build_actions()
        self._build_menus()
        self.tabs.currentChanged.connect(self._tab_changed)
        self._unsaved_to_backup = False
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(BACKUP_EVERY_MS)
        self.backup_timer.timeout.connect(self.periodic_backup)
        self.backup_timer.start()
        self.charts_loaded = False  # the Overview charts imported: at idle after the first frame
        self.set_database(db)
        self._restore_geometry()

    @property
    def today(self) -> dt.date:
        return self.clock().date()

    @property
    def widget(self) -> QWidget:
        """The parent of a command's questions (`commands.window.Window`)."""
        return self

    def show_status(self, text: str, ms: int = 10000) -> None:
        self.statusBar().showMessage(text, ms)

    # -- the database shown ------------------------------------------------
    def set_database(self, db: Database) -> None:
        """Show `db` (on start, or after File > Open / New)."""
        self.release_database()
        if self.ops is not None:
            self.ops.deleteLater()
        self.db = db
        self.ops = Operations(db, self.settings, self, clock=self.clock)
        self.ops.undo_state.connect(self._update_undo)
        self.ops.changed.connect(self._on_changed)
        self.ops.long_work.started.connect(lambda _label: self._update_editing())
        self.ops.long_work.ended.connect(self._update_editing)
        self.settings.remember_database(db.location)
        self.build_tabs()
        self.setWindowTitle(f"PerfDesk — {db.path.name if db.path else db.location}")
        self.where.setText(db.location)
        self.where.setToolTip("The database file in use")
        self._show_banner()
        self._update_undo()
        self._update_editing()
        self.show_user()
        self.update_conflicts()
        file_commands.fill_recent_menu(self)

    def release_database(self) -> None:
        """Save what is being typed and let go of the file (before it is
        replaced, or another is shown)."""
        if self.db is None:
            return
        self.save_typing()
        self._save_layout()
        self.db.close()

    def save_typing(self) -> None:
        """Save a field still being typed in (every other edit is saved already)."""
        for tab in self.built_plan_tabs():
            tab.editor.details.commit_pending()

    def update_conflicts(self) -> None:
        """Show how many received changes wait for a decision, if any, and
        on a laptop's copy how many changes wait to be sent."""
        from perfdesk.services.sync.conflicts import pending_count
        from perfdesk.services.sync.send import unsent_on_a_copy

        count = self.ops.read(pending_count) if self.ops is not None else 0
        self.conflicts.setText(f"⚠ {count} conflict{'s' if count != 1 else ''} to decide  ·")
        self.conflicts.setVisible(count > 0)
        unsent = self.ops.read(unsent_on_a_copy) if self.ops is not None else None
        self.unsent.setText(f"{unsent} change{'s' if unsent != 1 else ''} to send  ·"
                            if unsent else "All sent  ·" if unsent == 0 else "")
        self.unsent.setVisible(unsent is not None)

    def build_tabs(self, select_plan: str | None = None) -> None:
        assert self.ops is not None
        last = select_plan or str(self.settings.window_value("last_tab") or "")
        self.tabs.blockSignals(True)
        for tab in self.plan_tabs():
            tab.discard()
        while self.tabs.count():
            widget = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if widget is not None:
                widget.deleteLater()
        plans = self.ops.read(queries.plans)
        for plan in plans:  # shells: each tab is built when first shown (or asked for)
            tab = PlanTab(self.ops, plan.id, self.today)
            tab.counts_changed.connect(self._update_counts)
            tab.contents_built.connect(self._show_panes)
            tab.action_activated.connect(lambda: plan_commands.add_update(self))
            self.tabs.addTab(tab, plan.short_name)
            self.tabs.setTabToolTip(self.tabs.count() - 1, plan.title)
        self.overview = OverviewTab(self.ops, today=self.today)
        self.overview.open_actions.connect(self.open_actions)
        self.overview.open_measures.connect(self.open_measures)
        self.tabs.addTab(self.overview, "Overview")
        self.tabs.blockSignals(False)
        names = [self.tabs.tabText(i) for i in range(self.tabs.count())]
        ids = [t.plan_id for t in self.plan_tabs()]
        if last in ids:
            self.tabs.setCurrentIndex(ids.index(last))
        elif last in names:
            self.tabs.setCurrentIndex(names.index(last))
        else:
            self.tabs.setCurrentIndex(0)
        current = self.current_plan_tab()
        if current is not None:
            current.ensure_built()
        self._update_counts()

    def plan_tabs(self) -> list[PlanTab]:
        tabs = (self.tabs.widget(i) for i in range(self.tabs.count()))
        return [t for t in tabs if isinstance(t, PlanTab)]

    def built_plan_tabs(self) -> list[PlanTab]:
        """The plan tabs shown at least once (the others have nothing to save)."""
        return [t for t in self.plan_tabs() if t.is_built]

    def current_plan_tab(self) -> PlanTab | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, PlanTab) else None

    def tab_for_plan(self, plan_id: str) -> PlanTab | None:
        return next((t for t in self.plan_tabs() if t.plan_id == plan_id), None)

    # -- menus -----------------------------------------------------------
    def _action(self, text: str, slot: Callable[[MainWindow], object],
                shortcut: Shortcut | list[Shortcut] | None = None, tip: str = "",
                *, edits: bool = False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setStatusTip(tip)
        keys = f" ({action.shortcut().toString(NATIVE)})" if shortcut is not None else ""
        action.setToolTip(f"{tip or text.replace('&', '').rstrip('.…')}{keys}")
        action.triggered.connect(lambda _checked=False: slot(self))
        if edits:
            self._editing_actions.append(action)
        return action

    def _build_actions(self) -> None:
        self._editing_actions: list[QAction] = []
        a = self._action
        fc, pc = file_commands, plan_commands
        self.act_new_db = a("&New database…", fc.new_database, StandardKey.New,
                            "Start an empty database file")
        self.act_open_db = a("&Open database…", fc.open_database, StandardKey.Open,
                             "Open another PerfDesk database file")
        self.act_backup = a("&Backup now", fc.backup_now, "Ctrl+Shift+B",
                            "Save a backup copy of the database now")
        self.act_restore = a("Restore from bac&kup…", fc.restore_backup, None,
                             "Put the plans back as a backup had them", edits=True)
        self.act_keep = a("Backups &to keep…", fc.keep_backups, None,
                          "How many backups of this database are kept", edits=True)
        self.act_import = a("&Import plan workbook…", fc.import_workbook, "Ctrl+I",
                            "Add a plan from an Excel workbook", edits=True)
        self.act_export = a("&Export plan workbook…", fc.export_workbook, "Ctrl+E",
                            "Save the current plan as an Excel workbook")
        self.act_export_csv = a("Export &list as CSV…", fc.export_list_csv, None,
                                "The actions shown in this tab, as a CSV file")
        self.act_export_returns = a(
            "Export lead ret&urns…", lambda w: _returns().export_returns(w), None,
            "Excel workbooks for leads without PerfDesk to fill in")
        self.act_import_returns = a(
            "I&mport lead returns…", lambda w: _returns().import_returns(w), None,
            "Apply filled-in lead returns, after a preview", edits=True)
        self.act_send = a("&Send my updates…", sync_commands.send_updates, "Ctrl+Shift+S",
                          "Write the changes made here since your last bundle to a file")
        self.act_receive = a("Recei&ve updates…", sync_commands.receive_updates, "Ctrl+Shift+R",
                             "Bring bundles from laptops into this master", edits=True)
        self.act_conflicts = a("Conflicts to &decide…", sync_commands.show_conflicts, None,
                               "Changes that collided, side by side", edits=True)
        self.act_publish = a("Publis&h master…", sync_commands.publish_master, None,
                             "Write this master as a file for laptops to refresh from")
        self.act_refresh_master = a("Re&fresh from master…", sync_commands.refresh_from_master,
                                    None, "Take the published master, keeping the changes "
                                          "made here", edits=True)
        self.act_pack = a("Print p&ack…", print_commands.print_pack, "Ctrl+Shift+P",
                          "Make the board pack or a lead's summary as a PDF")
        self.act_print = a("P&rint…", print_commands.print_table, StandardKey.Print,
                           "Print the list on screen, with a preview")
        self.act_prefs = a("&Preferences…", fc.preferences, StandardKey.Preferences,
                           "Your name, your lead roles, filters and printing")
        if self.act_prefs.shortcut().isEmpty():
            self.act_prefs.setShortcut(QKeySequence("Ctrl+,"))
        self.act_quit = a("&Quit", lambda w: w.close(), StandardKey.Quit, "Close PerfDesk")
        self.act_undo = a("&Undo", lambda w: w.ops and w.ops.undo(), StandardKey.Undo,
                          "Undo the last edit")
        self.act_redo = a("&Redo", lambda w: w.ops and w.ops.redo(), ["Ctrl+Shift+Z", "Ctrl+Y"],
                          "Redo the edit just undone")
        self.act_find = a("&Find actions", pc.find, StandardKey.Find,
                          "Search the actions of this plan")
        self.act_clear = a("C&lear filters", pc.clear_filters, "Ctrl+Shift+L",
                           "Show every action of this plan")
        self.act_update = a("&Add update…", pc.add_update, "Ctrl+U",
                            "Record progress on the chosen action", edits=True)
        self.act_next_tab = a("&Next tab", lambda w: w._step_tab(1), "Ctrl+PgDown")
        self.act_prev_tab = a("&Previous tab", lambda w: w._step_tab(-1), "Ctrl+PgUp")
        self.act_overview = a("&Overview", lambda w: w.tabs.setCurrentWidget(w.overview),
                              "Ctrl+0", "Where each plan stands")
        self.act_refresh = a("&Reload", lambda w: w.build_tabs(), StandardKey.Refresh,
                             "Read the database again")
        self.act_add_action = a("&New action", pc.add_action, "Ctrl+Shift+N",
                                "Add an action to the chosen priority and timeframe", edits=True)
        self.act_delete_action = a("&Delete action…", pc.delete_action, "Ctrl+Delete",
                                   "Delete the chosen action (can be undone)", edits=True)
        self.act_move_action = a("&Move action…", pc.move_action, "Ctrl+M",
                                 "Move the chosen action to another priority or timeframe",
                                 edits=True)
        self.act_renumber = a("&Renumber actions", pc.renumber, None,
                              "Give this plan's actions consecutive refs", edits=True)
        self.act_add_priority = a("Add &priority…", pc.add_priority, None, edits=True)
        self.act_edit_priority = a("&Edit priority…", pc.edit_priority, None,
                                   "Edit the priority chosen on the left", edits=True)
        self.act_delete_priority = a("Dele&te priority…", pc.delete_priority, None,
                                     "Delete the chosen priority and its actions", edits=True)
        self.act_add_outcome = a("Add &outcome statement…", pc.add_outcome, None, edits=True)
        self.act_leads = a("&Leads…", pc.manage_leads, "Ctrl+L",
                           "Rename leads or merge two into one", edits=True)
        self.act_plan_details = a("Plan deta&ils…", pc.edit_plan, None, edits=True)
        self.act_new_plan = a("New &blank plan…", pc.new_plan, None, edits=True)
        self.act_roll = a("Roll &forward…", pc.roll_forward, None,
                          "Start the next period's plan with every open action", edits=True)
        self.act_about = a("&About PerfDesk", fc.about, None)
        self.act_show_nav = a("Show pr&iorities pane", lambda w: w._show_panes(), "F7",
                              "Show or hide the priorities on the left")
        self.act_show_editor = a("Show action &editor", lambda w: w._show_panes(), "F8",
                                 "Show or hide the editor on the right, to see every column")
        for action, key in ((self.act_show_nav, "show_navigator"),
                            (self.act_show_editor, "show_editor")):
            action.setCheckable(True)
            action.setChecked(str(self.settings.window_value(key)) != "false")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.act_new_db, self.act_open_db])
        self.recent_menu = QMenu("Open re&cent", self)
        file_menu.addMenu(self.recent_menu)
        file_menu.addActions([self.act_backup, self.act_restore, self.act_keep])
        file_menu.addSeparator()
        file_menu.addActions([self.act_import, self.act_export, self.act_export_csv])
        file_menu.addActions([self.act_export_returns, self.act_import_returns])
        file_menu.addSeparator()
        file_menu.addActions([self.act_send, self.act_receive, self.act_conflicts])
        file_menu.addActions([self.act_publish, self.act_refresh_master])
        file_menu.addSeparator()
        file_menu.addActions([self.act_pack, self.act_print])
        file_menu.addSeparator()
        file_menu.addActions([self.act_prefs, self.act_quit])
        edit = bar.addMenu("&Edit")
        edit.addActions([self.act_undo, self.act_redo])
        edit.addSeparator()
        edit.addActions([self.act_update, self.act_find, self.act_clear])
        view = bar.addMenu("&View")
        view.addActions([self.act_overview, self.act_next_tab, self.act_prev_tab])
        view.addSeparator()
        view.addActions([self.act_show_nav, self.act_show_editor, self.act_refresh])
        plan = bar.addMenu("&Plan")
        plan.addActions([self.act_add_action, self.act_move_action, self.act_delete_action,
                         self.act_renumber])
        plan.addSeparator()
        plan.addActions([self.act_add_priority, self.act_edit_priority,
                         self.act_delete_priority, self.act_add_outcome])
        plan.addSeparator()
        plan.addActions([self.act_leads, self.act_plan_details, self.act_new_plan,
                         self.act_roll])
        bar.addMenu("&Help").addAction(self.act_about)
        tools = self.addToolBar("Main")
        tools.setObjectName("main_toolbar")
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tools.addActions([self.act_undo, self.act_redo])
        tools.addSeparator()
        tools.addActions([self.act_update, self.act_add_action, self.act_find])
        tools.addSeparator()
        tools.addActions([self.act_pack, self.act_backup, self.act_send])

    # -- reacting -----------------------------------------------------------
    def _update_undo(self) -> None:
        if self.ops is None:
            return
        history = self.ops.history
        for action, word, label, keys in (
            (self.act_undo, "Undo", history.undo_label, "Ctrl+Z"),
            (self.act_redo, "Redo", history.redo_label, "Ctrl+Shift+Z"),
        ):
            action.setEnabled(label is not None)
            action.setText(f"&{word} {label}" if label else f"&{word}")
            action.setIconText(word)
            action.setToolTip(f"{word} {label} ({keys})" if label else f"Nothing to {word.lower()}")

    def _update_editing(self) -> None:
        """Editing commands only on a writable database, and not while a
        long operation is changing it (reading and printing go on)."""
        busy = self.ops is not None and bool(self.ops.busy_with)
        writable = self.db is not None and not self.db.read_only and not busy
        for action in self._editing_actions:
            action.setEnabled(writable)
        if busy:
            self.act_undo.setEnabled(False)
            self.act_redo.setEnabled(False)
        else:
            self._update_undo()

    def _on_changed(self, changes: Changes) -> None:
        self._unsaved_to_backup = True
        self.update_conflicts()
        if self.ops and changes.plans:  # a plan added, removed or renamed: its tab
            current = self.current_plan_tab()
            self.build_tabs(current.plan_id if current else None)
        self._update_counts()

    def periodic_backup(self) -> None:
        """While the window is open, a backup now and then if anything changed."""
        db = self.db
        if not self._unsaved_to_backup or db is None or db.path is None or db.read_only:
            return
        if self.ops is not None and self.ops.long_work.label:
            return  # the next tick, once the long operation has ended
        try:
            backup.backup(db.path, "periodic", db.now())
        except (OSError, PerfDeskError) as exc:  # a backup must never stop the work
            self.statusBar().showMessage(f"The periodic backup failed: {exc}", 10000)
            return
        self._unsaved_to_backup = False

    def _update_counts(self) -> None:
        tab = self.current_plan_tab()
        if tab is None:
            total = self.ops.read(action_count) if self.ops is not None else 0
            self.counts.setText(f"{len(self.plan_tabs())} plans · {total} actions  ·")
        elif tab.pages.currentIndex() == 1:
            measures = tab.measures.model
            self.counts.setText(f"{measures.shown} of {measures.total} measures shown  ·")
        else:
            self.counts.setText(f"{tab.model.shown} of {tab.model.total} actions shown  ·")

    def show_user(self) -> None:
        name = self.settings.user_name or "no name set"
        self.who.setText(f"You: {name}  ·")
        self.who.setToolTip("Set your name in Preferences; it signs your updates")

    def _show_banner(self) -> None:
        assert self.db is not None
        notes = []
        if self.db.read_only:
            reason = self.db.read_only_reason or "it cannot be written"
            notes.append(f"Read-only: {reason}. You can look, search and print, "
                         "but not change anything.")
        if self.db.warning:
            notes.append(self.db.warning)
        self.banner.setText("\n".join(notes))
        self.banner.setVisible(bool(notes))

    def _tab_changed(self, _index: int) -> None:
        current = self.current_plan_tab()
        if current is not None:
            current.ensure_built()
        self._update_counts()

    def open_actions(self, request: object) -> None:
        """A click in the Overview: the matching actions, filtered, in their tab."""
        tab = self._tab_for_request(request)
        if tab is None:
            return
        self.tabs.setCurrentWidget(tab)
        tab.show_actions(
            priority_id=getattr(request, "priority_id", None),
            status=getattr(request, "status", None),
            timeframe=getattr(request, "timeframe", None),
            overdue=bool(getattr(request, "overdue", False)),
            action_id=getattr(request, "action_id", None),
        )

    def open_measures(self, request: object) -> None:
        tab = self._tab_for_request(request)
        if tab is None:
            return
        self.tabs.setCurrentWidget(tab)
        tab.show_measures(area=getattr(request, "area", None), rag=getattr(request, "rag", None))

    def _tab_for_request(self, request: object) -> PlanTab | None:
        plan_id = getattr(request, "plan_id", None)
        if plan_id:
            return self.tab_for_plan(plan_id)
        tabs = self.plan_tabs()
        return tabs[0] if tabs else None

    def _show_panes(self) -> None:
        nav, editor = self.act_show_nav.isChecked(), self.act_show_editor.isChecked()
        self.settings.set_window_value("show_navigator", nav)
        self.settings.set_window_value("show_editor", editor)
        for tab in self.built_plan_tabs():  # the others do this when built
            tab.navigator.setVisible(nav)
            tab.editor.setVisible(editor)

    def _step_tab(self, step: int) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    # -- remembered layout ------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.settings.window_value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.window_value("state")
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def _save_layout(self) -> None:
        self.settings.set_window_value("geometry", self.saveGeometry())
        self.settings.set_window_value("state", self.saveState())
        tab = self.current_plan_tab()
        self.settings.set_window_value("last_tab", tab.plan_id if tab else "Overview")
        if tab is not None:
            tab.save_layout()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.charts_loaded:  # the first frame is drawn: import the charts at idle
            QTimer.singleShot(0, self._load_charts)

    def _load_charts(self) -> None:
        if not self.charts_loaded:
            load_charts()
            self.overview.prepare_charts()
            self.charts_loaded = True

    def closeEvent(self, event: QCloseEvent) -> None:
        """Every edit is already committed, bar a field still being typed in,
        which is saved now; then only the layout is left to keep. Not while
        a long operation runs: it is waited for (or cancelled) first."""
        if self.ops is not None and self.ops.long_work.label:
            self.show_status(f"Wait for {self.ops.long_work.label} to finish, or cancel it, "
                             "before closing PerfDesk.", 10000)
            event.ignore()
            return
        self.save_typing()
        self._save_layout()
        self.settings.store.sync()
        if self.db is not None:
            self.db.close()
            self.db = None
        event.accept()
