"""The action's leads: a list in order, with add (an existing lead, or a new
one created and linked in the same edit), remove and move up/down."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QGridLayout,
    QListView,
    QWidget,
)
from sqlmodel import Session

from perfdesk.domain.text import name_key
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.actions.detail import ActionDetail
from perfdesk.services.plans import leads as lead_care
from perfdesk.ui import ask
from perfdesk.ui.ops import Done, Operations, Refused
from perfdesk.ui.plan.editor.fields import name, push_button, tab_chain
from perfdesk.ui.plan.editor.table_models import ActionLeadsModel


class LeadsBox(QWidget):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self._detail: ActionDetail | None = None
        self._read_only = False
        self._select_after: str | None = None

        self.model = ActionLeadsModel()
        self.list = name(QListView(), "Leads of this action",
                         "Who leads this action, first lead first")
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows = 4
        self.list.setFixedHeight(self.list.fontMetrics().lineSpacing() * rows + 16)
        self.remove = push_button("Remo&ve", "Remove lead", "Remove the selected lead")
        self.up = push_button("Move up", "Move lead up", "Move the selected lead up the list")
        self.down = push_button("Move down", "Move lead down",
                                "Move the selected lead down the list")
        self.choose = name(QComboBox(), "Lead to add",
                           "Choose a lead, or type a new name to create one")
        self.choose.setEditable(True)
        self.choose.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.choose.lineEdit()
        assert line is not None  # an editable combo box has its line edit
        line.setPlaceholderText("Type or choose a lead…")
        line.returnPressed.connect(self.add_chosen)
        completer = QCompleter(self.choose.model(), self.choose)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.choose.setCompleter(completer)
        self.add = push_button("Add l&ead", "Add lead", "Add the chosen or typed lead (Enter)")

        self.add.clicked.connect(self.add_chosen)
        self.remove.clicked.connect(self.remove_selected)
        self.up.clicked.connect(lambda: self.move_selected(-1))
        self.down.clicked.connect(lambda: self.move_selected(1))
        self.list.selectionModel().selectionChanged.connect(self._enable)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.list, 0, 0, 3, 1)
        grid.addWidget(self.remove, 0, 1)
        grid.addWidget(self.up, 1, 1)
        grid.addWidget(self.down, 2, 1)
        grid.addWidget(self.choose, 3, 0)
        grid.addWidget(self.add, 3, 1)
        grid.setColumnStretch(0, 1)
        tab_chain(self.list, self.remove, self.up, self.down, self.choose, self.add)
        self._enable()

    def focus_target(self) -> QWidget:
        return self.list

    def load(self, detail: ActionDetail) -> None:
        same_action = self._detail is not None and self._detail.id == detail.id
        self._detail = detail
        self.model.set_rows(detail.leads)
        linked = {lead_id for lead_id, _ in detail.leads}
        typed = self.choose.currentText() if same_action else ""
        with QSignalBlocker(self.choose):
            self.choose.clear()
            for lead_id, lead_name in detail.all_leads:
                if lead_id not in linked:
                    self.choose.addItem(lead_name, lead_id)
            self.choose.setCurrentIndex(-1)
            self.choose.setEditText(typed)
        if self._select_after in linked:
            row = self.model.ids().index(self._select_after)
            self.list.selectionModel().setCurrentIndex(
                self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        self._select_after = None
        self._enable()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.choose.setEnabled(not read_only)
        self._enable()

    def selected_row(self) -> int | None:
        rows = self.list.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _enable(self) -> None:
        row = self.selected_row()
        count = self.model.rowCount()
        writable = not self._read_only and self._detail is not None
        self.remove.setEnabled(writable and row is not None)
        self.up.setEnabled(writable and row is not None and row > 0)
        self.down.setEnabled(writable and row is not None and row < count - 1)
        self.add.setEnabled(writable)

    # Edits: each is one set_leads edit

    def add_chosen(self) -> None:
        if self._detail is None or self._read_only:
            return
        typed = " ".join(self.choose.currentText().split())
        if not typed:
            return
        detail, current = self._detail, self.model.ids()
        found = [lead_id for lead_id, lead_name in detail.all_leads
                 if name_key(lead_name) == name_key(typed)]
        if found and found[0] in current:
            ask.inform(self, "Already a lead", f"{typed} already leads action {detail.ref}.")
            return
        if found:
            lead_id = found[0]
            outcome = self.ops.run(
                f"Add lead to action {detail.ref}",
                lambda s: action_edits.set_leads(s, detail.id, [*current, lead_id]))
        else:
            if not ask.confirm(self, "New lead",
                               f"There is no lead called “{typed}”. Create “{typed}” as a new "
                               f"lead and make them a lead of action {detail.ref}?",
                               yes="Create lead"):
                return

            def create_and_link(session: Session) -> None:
                lead = lead_care.add_lead(session, typed)
                session.flush()
                action_edits.set_leads(session, detail.id, [*current, lead.id])

            outcome = self.ops.run(f"Add new lead {typed} to action {detail.ref}",
                                   create_and_link)
        if isinstance(outcome, Done):
            with QSignalBlocker(self.choose):
                self.choose.setEditText("")

    def remove_selected(self) -> None:
        row = self.selected_row()
        if self._detail is None or row is None or self._read_only:
            return
        ids = self.model.ids()
        del ids[row]
        self._set(f"Remove lead from action {self._detail.ref}", ids)

    def move_selected(self, delta: int) -> None:
        row = self.selected_row()
        if self._detail is None or row is None or self._read_only:
            return
        ids = self.model.ids()
        target = row + delta
        if not 0 <= target < len(ids):
            return
        ids[row], ids[target] = ids[target], ids[row]
        self._select_after = ids[target]
        self._set(f"Reorder leads of action {self._detail.ref}", ids)

    def _set(self, label: str, ids: Sequence[str]) -> None:
        action_id = self._detail.id if self._detail else ""
        outcome = self.ops.run(label, lambda s: action_edits.set_leads(s, action_id, ids))
        if isinstance(outcome, Refused):
            self._select_after = None

