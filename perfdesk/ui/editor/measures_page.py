"""The golden thread from an action: the measures it serves, each with its
RAG; link another or unlink one."""

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
from perfdesk.services.action_detail import ActionDetail
from perfdesk.services.measure_detail import LinkedMeasure, measures_for_action
from perfdesk.ui.editor.fields import name
from perfdesk.ui.models.linked_model import LinkedModel
from perfdesk.ui.ops import Operations


def choose_measure(parent: QWidget, choices: list[LinkedMeasure]) -> LinkedMeasure | None:
    """Which measure to link; tests replace this."""
    labels = [f"{m.ref} — {m.indicator[:70]}" for m in choices]
    label, ok = QInputDialog.getItem(parent, "Link a measure",
                                     "Measure this action serves:", labels, 0, False)
    return choices[labels.index(label)] if ok and label in labels else None


class ActionMeasuresPage(QWidget):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.detail: ActionDetail | None = None
        self.linked: tuple[LinkedMeasure, ...] = ()
        self.every: tuple[LinkedMeasure, ...] = ()
        self.model = LinkedModel()
        self.list = name(QListView(), "Measures this action serves", "RAG and ref of each")
        self.list.setModel(self.model)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.link = QPushButton("&Link measure…")
        self.unlink = QPushButton("U&nlink")
        self.unlink.setAccessibleName("Unlink the selected measure")
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

    def load(self, detail: ActionDetail) -> None:
        self.detail = detail
        self.linked, self.every = self.ops.read(
            lambda s: measures_for_action(s, detail.plan_id, detail.id))
        self.model.set_rows([(m.ref, m.indicator, m.rag.colour, f"{m.rag.symbol} {m.rag.label}",
                              m.id) for m in self.linked])
        if not self.every:
            note = "This plan has no measures to link yet."
        elif not self.linked:
            note = ("No measures are linked to this action yet. Link the measures that "
                    "will show the board it worked (Link measure…).")
        else:
            note = ("How the board will know this action worked: the measures it serves, "
                    "with where each stands.")
        self.note.setText(note)
        self.link.setEnabled(not self.ops.read_only and bool(self.every))
        self.unlink.setEnabled(not self.ops.read_only and bool(self.linked))

    def _link(self) -> None:
        detail = self.detail
        if detail is None:
            return
        linked = {m.id for m in self.linked}
        chosen = choose_measure(self, [m for m in self.every if m.id not in linked])
        if chosen is not None:
            self.ops.run(f"Link action {detail.ref} to {chosen.ref}",
                         lambda s: measure_links.link_action(s, chosen.id, detail.id))

    def _unlink(self) -> None:
        detail = self.detail
        index = self.list.currentIndex()
        if detail is None or not index.isValid():
            return
        measure_id = self.model.id_at(index.row())
        self.ops.run(f"Unlink action {detail.ref} from a measure",
                     lambda s: measure_links.unlink_action(s, measure_id, detail.id))
