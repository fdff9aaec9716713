"""The action editor: one action's details, updates, steps and history.

It reads everything through `action_detail` and changes nothing itself:
each page makes its edits through `Operations.run`, and the editor reloads
when `ops.changed` says an edit touched what it shows.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QLabel, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from perfdesk import presentation
from perfdesk.errors import NotFound, PerfDeskError
from perfdesk.services.actions.detail import ActionDetail, action_detail
from perfdesk.store.changes import Changes
from perfdesk.ui.ops import Operations
from perfdesk.ui.plan.editor.details_page import DetailsPage
from perfdesk.ui.plan.editor.fields import name
from perfdesk.ui.plan.editor.history_page import HistoryPage
from perfdesk.ui.plan.editor.measures_page import ActionMeasuresPage
from perfdesk.ui.plan.editor.steps_page import StepsPage
from perfdesk.ui.plan.editor.updates_page import ADD_SHORTCUT, UpdatesPage

EMPTY_TEXT = "Select an action to see and update it"


WAITING_STYLE = "background: #fff4c2; color: #3b2f00; padding: 4px; border: 1px solid #c9a800;"


class ActionEditor(QWidget):
    action_shown = Signal(object)  # the id of the action now shown, or None

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self._action_id: str | None = None
        self._detail: ActionDetail | None = None
        self._reloading = False
        self._reload_again = False

        self.title = name(QLabel(), "Action and status")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.plan = name(QLabel(), "Plan")
        self.carried = name(QLabel(), "Carried forward from")
        self.carried.setWordWrap(True)
        self.read_only_note = name(QLabel("This database is open read-only: nothing can be "
                                          "changed."), "Read-only")
        self.read_only_note.setWordWrap(True)
        self.waiting_note = name(QLabel(), "Changes waiting for a decision")
        self.waiting_note.setWordWrap(True)
        self.waiting_note.setStyleSheet(WAITING_STYLE)
        self.details = DetailsPage(ops)
        self.updates = UpdatesPage(ops)
        self.steps = StepsPage(ops)
        self.history = HistoryPage()
        self.tabs = name(QTabWidget(), "Action editor sections")
        self.tabs.addTab(self.details, "&Details")
        self.tabs.addTab(self.updates, "&Updates")
        self.tabs.addTab(self.steps, "&Steps")
        self.tabs.addTab(self.history, "&History")
        self.measures = ActionMeasuresPage(ops)
        self.tabs.addTab(self.measures, "&Measures")
        self.tabs.setUsesScrollButtons(False)  # every tab in sight, none behind arrows
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self.tabs.setTabToolTip(1, f"Progress updates; add one with {ADD_SHORTCUT}")

        self.empty = name(QLabel(EMPTY_TEXT), "No action selected")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.plan, self.carried, self.read_only_note,
                       self.waiting_note):
            column.addWidget(widget)
        column.addWidget(self.tabs, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

        self._shortcut = QShortcut(QKeySequence(ADD_SHORTCUT), self)
        self._shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._shortcut.activated.connect(self.add_update)
        ops.changed.connect(self.on_changed)
        self._show_empty(EMPTY_TEXT)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # In a window whose own action has the key (the main window's "Add
        # update"), two shortcuts would be ambiguous and neither would fire.
        self._shortcut.setEnabled(not _window_has_key(self, ADD_SHORTCUT))

    @property
    def action_id(self) -> str | None:
        return self._action_id

    @property
    def detail(self) -> ActionDetail | None:
        """What is shown, as last read from the database."""
        return self._detail

    def show_action(self, action_id: str | None) -> None:
        """Show an action (None: the empty state). A field still being
        typed in is saved first."""
        if self._detail is not None and action_id != self._action_id:
            self.details.commit_pending()
        self._action_id = action_id
        self.reload()
        self.action_shown.emit(self._action_id)

    def reload(self) -> None:
        """Read the action again and show it."""
        if self._reloading:  # an edit made while reloading: read once more after
            self._reload_again = True
            return
        self._reloading = True
        try:
            self._reload()
            while self._reload_again:
                self._reload_again = False
                self._reload()
        finally:
            self._reloading = False

    def add_update(self) -> None:
        if self._detail is None:
            return
        self.tabs.setCurrentWidget(self.updates)
        self.updates.add_update()

    def on_changed(self, changes: Changes) -> None:
        """Re-read the action shown when anything it shows changed: the action,
        its leads, steps and updates, the names of leads, priorities and
        plans, the measures linked to it with their latest figures, and the
        received changes to it waiting for a decision."""
        if self._action_id is not None and (
                changes.actions or changes.leads or changes.outline or changes.links
                or changes.measures or changes.conflicts):
            had = self._action_id
            self.reload()
            if self._action_id != had:
                self.action_shown.emit(self._action_id)

    def _reload(self) -> None:
        action_id = self._action_id
        if action_id is None:
            self._show_empty(EMPTY_TEXT)
            return
        try:
            detail = self.ops.read(lambda session: action_detail(session, action_id))
        except NotFound:  # deleted, perhaps in another window
            self._action_id = None
            self._show_empty(EMPTY_TEXT)
            return
        except PerfDeskError as exc:
            self._show_empty(f"This action cannot be shown just now.\n{exc}")
            return
        self._detail = detail
        self._show_header(detail)
        read_only = self.ops.read_only
        for page in (self.details, self.updates, self.steps):
            page.load(detail)
            page.set_read_only(read_only)
        self.history.load(detail)
        self.measures.load(detail)
        self.read_only_note.setVisible(read_only)
        self.tabs.setTabText(1, f"&Updates ({len(detail.updates)})")
        self.tabs.setTabText(2, f"&Steps ({len(detail.steps)})")
        self.tabs.setTabText(3, f"&History ({len(detail.history)})")
        self.tabs.setTabText(4, f"&Measures ({len(self.measures.linked)})")
        self.stack.setCurrentIndex(1)

    def _show_header(self, detail: ActionDetail) -> None:
        status = detail.status
        e = html.escape
        self.title.setText(f"{e(detail.ref)} · <span style='color:{presentation.colour(status)}'>"
                           f"{e(presentation.symbol(status))}</span> {e(status.label)}")
        self.title.setAccessibleName(f"Action {detail.ref}, status {status.label}")
        self.plan.setText(detail.plan_name)
        self.carried.setText(f"Carried forward from {detail.carried_from}")
        self.carried.setVisible(bool(detail.carried_from))
        self.waiting_note.setText(
            "⚠ A different change to this action's " + "; ".join(detail.waiting)
            + " waits for a decision: File > Conflicts to decide…")
        self.waiting_note.setVisible(bool(detail.waiting))

    def _show_empty(self, message: str) -> None:
        self._detail = None
        self.empty.setText(message)
        self.stack.setCurrentIndex(0)


def _window_has_key(widget: QWidget, keys: str) -> bool:
    window = widget.window()
    if window is widget:
        return False
    sequence = QKeySequence(keys)
    actions = {*window.findChildren(QAction), *window.actions()}
    return any(sequence in action.shortcuts() for action in actions)
