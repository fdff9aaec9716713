"""Pending conflicts, side by side: the value both sides started from, this
database's value and the incoming one, with a box to write a third. Each
decision is one undoable edit through `Operations.run`; the list reloads
from the database after it, so what is shown is always what is pending."""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from perfdesk.services.sync.conflicts import ConflictView, Take, local_time, pending, resolve
from perfdesk.store.changes import Changes
from perfdesk.ui.models.rows_model import RowsModel
from perfdesk.ui.ops import Done, Operations


class Column(IntEnum):
    NUMBER = 0
    WHERE = 1
    FIELD = 2
    FROM = 3
    WHEN = 4


class ConflictListModel(RowsModel):
    """The pending conflicts, one row each."""

    Column = Column
    headers: ClassVar[dict[int, str]] = {
        Column.NUMBER: "#", Column.WHERE: "Where", Column.FIELD: "Field",
        Column.FROM: "Incoming from", Column.WHEN: "Changed",
    }

    @property
    def views(self) -> list[ConflictView]:
        return list(self._rows)

    def cell(self, row: ConflictView, column: int, role: int) -> object:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if column == Column.NUMBER:
            return str(row.id)
        if column == Column.WHERE:
            return row.where
        if column == Column.FIELD:
            return row.field
        if column == Column.FROM:
            return row.incoming_author or "someone"
        return f"{local_time(row.incoming_at):%d %b %Y %H:%M}"


def _pane(title: str, accessible: str, read_only: bool = True) -> tuple[QGroupBox, QPlainTextEdit]:
    box = QGroupBox(title)
    text = QPlainTextEdit()
    text.setReadOnly(read_only)
    text.setAccessibleName(accessible)
    text.setTabChangesFocus(True)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(text)
    return box, text


class ConflictsDialog(QDialog):
    """Decide pending conflicts one at a time: keep, take or write."""

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setWindowTitle("Conflicts to decide")
        self.resize(960, 620)
        self.model = ConflictListModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Pending conflicts")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.WHERE, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What is pending")
        self.context = QLabel()
        self.context.setWordWrap(True)
        self.context.setTextFormat(Qt.TextFormat.PlainText)
        self.context.setAccessibleName("What the conflict is about")

        base_box, self.base = _pane("Both started from", "Value both started from")
        master_box, self.master = _pane("Here now (keep)", "Value here now")
        incoming_box, self.incoming = _pane("Incoming (take)", "Incoming value")
        self.incoming_box = incoming_box
        edited_box, self.edited = _pane("Or write the value to use", "Your value",
                                        read_only=False)
        self.keep_button = QPushButton("&Keep this database's")
        self.take_button = QPushButton("&Take incoming")
        self.edit_button = QPushButton("&Use my text")
        for button, name in ((self.keep_button, "Keep this database's value"),
                             (self.take_button, "Take the incoming value"),
                             (self.edit_button, "Use the value written below")):
            button.setAccessibleName(name)
        self.keep_button.clicked.connect(lambda: self.decide(Take.MASTER))
        self.take_button.clicked.connect(lambda: self.decide(Take.INCOMING))
        self.edit_button.clicked.connect(lambda: self.decide(Take.EDITED))

        sides = QWidget()
        grid = QGridLayout(sides)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.context, 0, 0, 1, 3)
        grid.addWidget(base_box, 1, 0)
        grid.addWidget(master_box, 1, 1)
        grid.addWidget(incoming_box, 1, 2)
        grid.addWidget(edited_box, 2, 0, 1, 3)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.keep_button, self.take_button, self.edit_button):
            buttons.addWidget(button)
        grid.addLayout(buttons, 3, 0, 1, 3)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(sides)
        split.setSizes([220, 400])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addWidget(close)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.reload()

    @property
    def current(self) -> ConflictView | None:
        row = self.table.currentIndex().row()
        return self.model.views[row] if 0 <= row < len(self.model.views) else None

    def reload(self, keep_row: int = 0) -> None:
        self.model.set_rows(self.ops.read(pending))
        count = len(self.model.views)
        if count:
            self.summary.setText(
                f"{count} change{'s' if count != 1 else ''} collided: the same field was "
                "changed differently here and in a bundle. Nothing has been overwritten. "
                "Choose which value stands, or write the one to use.")
            self.table.selectRow(min(keep_row, count - 1))
        else:
            self.summary.setText("No conflicts are pending: every change has been decided.")
        self._show_current()

    def _show_current(self) -> None:
        view = self.current
        for widget in (self.keep_button, self.take_button, self.edit_button, self.edited):
            widget.setEnabled(view is not None and not self.ops.read_only)
        self.base.setPlainText(_shown(view.base) if view else "")
        self.master.setPlainText(_shown(view.master) if view else "")
        self.incoming.setPlainText(_shown(view.incoming) if view else "")
        self.edited.setPlainText((view.incoming or "") if view else "")
        self.context.setText(
            f"{view.where}: {view.context}\nThe {view.field} was changed differently here "
            f"and by {view.incoming_author or 'someone'}." if view else "")
        if view is not None:
            self.incoming_box.setTitle(
                f"Incoming from {view.incoming_author or 'someone'} (take)")

    def decide(self, take: Take) -> None:
        view = self.current
        if view is None:
            return
        row = self.table.currentIndex().row()
        value = self.edited.toPlainText() if take is Take.EDITED else None
        who = self.ops.author
        done = self.ops.run(f"Decide conflict {view.id} ({view.where}, {view.field})",
                            lambda s: resolve(s, view.id, take, who, value),
                            also=Changes(conflicts=True))  # kept as it was: no row changes
        if isinstance(done, Done):
            self.reload(row)


def _shown(value: str | None) -> str:
    return "(blank)" if value in (None, "") else value
