"""The golden thread from an action: the measures it serves, each with its
RAG; link another or unlink one."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from perfdesk import presentation
from perfdesk.services.actions.detail import ActionDetail
from perfdesk.services.measures import links as measure_links
from perfdesk.services.measures.detail import (
    LinkedMeasure,
    measures_for_action,
    plan_measures_to_link,
)
from perfdesk.ui import ask
from perfdesk.ui.linked_page import LinkedListPage
from perfdesk.ui.ops import Operations


def choose_measure(parent: QWidget, choices: list[LinkedMeasure]) -> LinkedMeasure | None:
    """Which measure to link; tests replace this."""
    labels = [f"{m.ref} — {m.indicator[:70]}" for m in choices]
    index = ask.choose(parent, "Link a measure", "Measure this action serves:", labels)
    return None if index is None else choices[index]


class ActionMeasuresPage(LinkedListPage):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Measures this action serves", "RAG and ref of each",
                         "&Link measure…", "U&nlink", "Unlink the selected measure", parent)
        self.detail: ActionDetail | None = None
        self.linked: tuple[LinkedMeasure, ...] = ()
        self.plan_measures = 0
        self._every: tuple[LinkedMeasure, ...] | None = None

    @property
    def every(self) -> tuple[LinkedMeasure, ...]:
        """Every measure of the plan, read when first needed (to link one)."""
        if self._every is None:
            plan_id = self.detail.plan_id if self.detail else ""
            self._every = self.ops.read(lambda s: plan_measures_to_link(s, plan_id))
        return self._every

    def load(self, detail: ActionDetail) -> None:
        self.detail = detail
        self._every = None
        self.linked, self.plan_measures = self.ops.read(
            lambda s: measures_for_action(s, detail.plan_id, detail.id))
        if not self.plan_measures:
            note = "This plan has no measures to link yet."
        elif not self.linked:
            note = ("No measures are linked to this action yet. Link the measures that "
                    "will show the board it worked (Link measure…).")
        else:
            note = ("How the board will know this action worked: the measures it serves, "
                    "with where each stands.")
        rows = [(m.ref, m.indicator, presentation.colour(m.rag), presentation.badge(m.rag), m.id)
                for m in self.linked]
        self.show_rows(rows, note, can_link=bool(self.plan_measures))

    def link_one(self) -> None:
        detail = self.detail
        if detail is None:
            return
        linked = {m.id for m in self.linked}
        chosen = choose_measure(self, [m for m in self.every if m.id not in linked])
        if chosen is not None:
            self.ops.run(f"Link action {detail.ref} to {chosen.ref}",
                         lambda s: measure_links.link_action(s, chosen.id, detail.id))

    def unlink_one(self, linked_id: str) -> None:
        detail = self.detail
        if detail is not None:
            self.ops.run(f"Unlink action {detail.ref} from a measure",
                         lambda s: measure_links.unlink_action(s, linked_id, detail.id))
