"""The golden thread from a measure: the actions that serve it, each with
its status; link another or unlink one."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from perfdesk.services import measure_links
from perfdesk.services.measure_detail import LinkedAction, MeasureDetail
from perfdesk.ui.editor.fields import name
from perfdesk.ui.models.linked_model import LinkedModel
from perfdesk.ui.ops import Operations


def choose_action(parent: QWidget, choices: list[LinkedAction]) -> LinkedAction | None:
    """Which action to link; tests replace this."""
    labels = [f"{a.ref} — {a.text[:70]}" for a in choices]
    label, ok = QInputDialog.getItem(parent, "Link an action", "Action that serves this "
                                     "measure:", labels, 0, False)
    return choices[labels.index(label)] if ok and label in labels else None


class LinksPage(QWidget):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.detail: MeasureDetail | None = None
        self.model = LinkedModel()
        self.list = name(QListView(), "Actions serving this measure", "Status and ref of each")
        self.list.setModel(self.model)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.link = QPushButton("&Link action…")
        self.unlink = QPushButton("&Unlink")
        self.unlink.setAccessibleName("Unlink the selected action")
        buttons = QHBoxLayout()
        buttons.addWidget(self.link)
        buttons.addWidget(self.unlink)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.link.clicked.connect(self._link)
        self.unlink.clicked.connect(self._unlink)

    def load(self, detail: MeasureDetail) -> None:
        self.detail = detail
        self.model.set_rows([(a.ref, a.text, a.status.colour, f"{a.status.symbol} "
                              f"{a.status.label}", a.id) for a in detail.actions])
        self.note.setText(
            "The actions that serve this measure, with their status." if detail.actions else
            "No actions are linked to this measure yet. Link the actions meant to move it "
            "(Link action…).")
        self.link.setEnabled(not self.ops.read_only)
        self.unlink.setEnabled(not self.ops.read_only and bool(detail.actions))

    def _link(self) -> None:
        detail = self.detail
        if detail is None:
            return
        linked = {a.id for a in detail.actions}
        chosen = choose_action(self, [a for a in detail.plan_actions if a.id not in linked])
        if chosen is not None:
            self.ops.run(f"Link {detail.row.ref} to action {chosen.ref}",
                         lambda s: measure_links.link_action(s, detail.id, chosen.id))

    def _unlink(self) -> None:
        detail = self.detail
        index = self.list.currentIndex()
        if detail is None or not index.isValid():
            return
        action_id = self.model.id_at(index.row())
        self.ops.run(f"Unlink {detail.row.ref} from an action",
                     lambda s: measure_links.unlink_action(s, detail.id, action_id))
