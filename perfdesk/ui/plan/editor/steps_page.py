"""The "Steps" tab: an action's steps, ticked off as they are done."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from perfdesk.services.actions import edits as action_edits
from perfdesk.services.actions.detail import ActionDetail
from perfdesk.store.schema import Step
from perfdesk.ui import ask
from perfdesk.ui.models.rows_model import ROW_ROLE
from perfdesk.ui.ops import Done, Operations
from perfdesk.ui.plan.editor.fields import name, push_button, row_table, tab_chain
from perfdesk.ui.plan.editor.table_models import StepColumn, StepsModel

NO_STEPS = ("This action has no steps. A large action can be broken into steps, each "
            "ticked off when done: use Add step.")


class StepsPage(QWidget):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self._detail: ActionDetail | None = None
        self._read_only = False

        self.add = push_button("&Add step…", "Add step", "Add a step to this action")
        self.delete = push_button("De&lete step…", "Delete step", "Delete the selected step")
        self.model = StepsModel()
        self.model.on_toggle = self.set_done
        self.table = row_table(self.model, "Steps of this action",
                               "Tick Done (Space) when a step is done", wrap=True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(StepColumn.DONE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(StepColumn.STEP, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(StepColumn.TIMESCALE, QHeaderView.ResizeMode.ResizeToContents)
        self.explanation = name(QLabel(NO_STEPS), "No steps")
        self.explanation.setWordWrap(True)

        self.add.clicked.connect(self.add_step)
        self.delete.clicked.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(self._enable)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.delete)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.explanation)
        layout.addWidget(self.table, 1)
        layout.addStretch(0)
        tab_chain(self.add, self.delete, self.table)
        self._enable()

    def load(self, detail: ActionDetail) -> None:
        self._detail = detail
        self.model.set_rows(detail.steps)
        self.table.resizeRowsToContents()
        self.explanation.setVisible(not detail.steps)
        self.table.setVisible(bool(detail.steps))
        self._enable()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.model.set_editable(not read_only)
        self._enable()

    def selected_step(self) -> Step | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def _enable(self) -> None:
        writable = not self._read_only and self._detail is not None
        self.add.setEnabled(writable)
        self.delete.setEnabled(writable and self.selected_step() is not None)

    # Edits

    def set_done(self, step_id: str, done: bool) -> bool:
        if self._detail is None or self._read_only:
            return False
        verb = "Tick" if done else "Untick"
        return isinstance(self.ops.run(f"{verb} step of action {self._detail.ref}",
                                       lambda s: action_edits.set_step_done(s, step_id, done)),
                          Done)

    def add_step(self) -> None:
        detail = self._detail
        if detail is None or self._read_only:
            return
        text = ask.text(self, "Add step", f"A new step of action {detail.ref}:")
        if text is None or not text.strip():
            return
        timescale = ask.text(self, "Add step", "Its timescale (for example “May 2024”), "
                                               "or leave blank:")
        if timescale is None:
            return
        self.ops.run(f"Add step to action {detail.ref}",
                     lambda s: action_edits.add_step(s, detail.id, text, timescale.strip()))

    def delete_selected(self) -> None:
        detail, step = self._detail, self.selected_step()
        if detail is None or step is None or self._read_only:
            return
        if not ask.confirm(self, "Delete step", f"Delete the step “{step.text}”? "
                                                "(Undo brings it back.)"):
            return
        step_id = step.id
        self.ops.run(f"Delete step of action {detail.ref}",
                     lambda s: action_edits.delete_step(s, step_id))
