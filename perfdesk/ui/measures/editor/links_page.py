"""The golden thread from a measure: the actions that serve it, each with
its status; link another or unlink one."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from perfdesk import presentation
from perfdesk.services.measures import links as measure_links
from perfdesk.services.measures.detail import LinkedAction, MeasureDetail
from perfdesk.ui import ask
from perfdesk.ui.linked_page import LinkedListPage
from perfdesk.ui.ops import Operations


def choose_action(parent: QWidget, choices: list[LinkedAction]) -> LinkedAction | None:
    """Which action to link; tests replace this."""
    labels = [f"{a.ref} — {a.text[:70]}" for a in choices]
    index = ask.choose(parent, "Link an action", "Action that serves this measure:", labels)
    return None if index is None else choices[index]


class LinksPage(LinkedListPage):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Actions serving this measure", "Status and ref of each",
                         "&Link action…", "&Unlink", "Unlink the selected action", parent)
        self.detail: MeasureDetail | None = None

    def load(self, detail: MeasureDetail) -> None:
        self.detail = detail
        rows = [(a.ref, a.text, presentation.colour(a.status), presentation.badge(a.status), a.id)
                for a in detail.actions]
        note = ("The actions that serve this measure, with their status." if detail.actions
                else "No actions are linked to this measure yet. Link the actions meant to "
                "move it (Link action…).")
        self.show_rows(rows, note, can_link=True)

    def link_one(self) -> None:
        detail = self.detail
        if detail is None:
            return
        linked = {a.id for a in detail.actions}
        chosen = choose_action(self, [a for a in detail.plan_actions if a.id not in linked])
        if chosen is not None:
            self.ops.run(f"Link {detail.row.ref} to action {chosen.ref}",
                         lambda s: measure_links.link_action(s, detail.id, chosen.id))

    def unlink_one(self, linked_id: str) -> None:
        detail = self.detail
        if detail is not None:
            self.ops.run(f"Unlink {detail.row.ref} from an action",
                         lambda s: measure_links.unlink_action(s, detail.id, linked_id))
