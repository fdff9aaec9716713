"""A short list of linked things with Link… and Unlink buttons: the golden
thread, shown from an action (its measures) and from a measure (its actions)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QListView, QPushButton, QVBoxLayout, QWidget

from perfdesk.ui.models.linked_model import Linked, LinkedModel
from perfdesk.ui.ops import Operations
from perfdesk.ui.plan.editor.fields import name


class LinkedListPage(QWidget):
    """Subclasses fill it with `show_rows` and act in `link_one` and `unlink_one`."""

    def __init__(self, ops: Operations, list_name: str, list_tip: str, link_text: str,
                 unlink_text: str, unlink_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.model = LinkedModel()
        self.list = name(QListView(), list_name, list_tip)
        self.list.setModel(self.model)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.link = QPushButton(link_text)
        self.unlink = QPushButton(unlink_text)
        self.unlink.setAccessibleName(unlink_name)
        buttons = QHBoxLayout()
        buttons.addWidget(self.link)
        buttons.addWidget(self.unlink)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.link.clicked.connect(self.link_one)
        self.unlink.clicked.connect(self._unlink_selected)

    def show_rows(self, rows: list[Linked], note: str, can_link: bool) -> None:
        self.model.set_rows(rows)
        self.note.setText(note)
        self.link.setEnabled(not self.ops.read_only and can_link)
        self.unlink.setEnabled(not self.ops.read_only and bool(rows))

    def _unlink_selected(self) -> None:
        index = self.list.currentIndex()
        if index.isValid():
            self.unlink_one(self.model.id_at(index.row()))

    def link_one(self) -> None:
        raise NotImplementedError  # each page links its own kind of thing

    def unlink_one(self, linked_id: str) -> None:
        raise NotImplementedError
