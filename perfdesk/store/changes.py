"""What an operation changed, as one typed description every view reads.

After Anki's `OpChanges`: an operation (an edit, an undo, receiving a bundle,
restoring a backup) ends with one `Changes`, and each view decides from its
flags what to redraw, instead of each keeping its own set of table names.
The table names live here and nowhere else in the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from perfdesk.store.edits import Edit

# Which tables each area of the data is made of.
_PLANS = frozenset({"plan"})
_OUTLINE = frozenset({"plan", "priority", "outcome"})
_ACTIONS = frozenset({"action", "action_lead", "step", "progress_update"})
_MEASURES = frozenset({"measure", "measure_value", "benchmark"})
_LINKS = frozenset({"measure_action"})
_LEADS = frozenset({"lead", "role_holder"})
_CONFLICTS = frozenset({"sync_conflict"})
# Rows whose adding or removing changes which actions a list holds, or the
# leads it offers to filter by.
_ACTION_LIST = frozenset({"action", "action_lead"})


@dataclass(frozen=True)
class Changes:
    """Which kinds of thing changed. `everything` (a bundle received, a
    backup restored, a copy refreshed) means every view reloads whole."""

    plans: bool = False  # a plan itself (added, removed, renamed): the window's tabs
    outline: bool = False  # plans, priorities, outcomes: tabs and headings
    actions: bool = False  # an action's fields, leads, steps or updates
    measures: bool = False  # a measure, its figures or benchmarks
    links: bool = False  # which measures an action is linked to
    leads: bool = False  # the list of leads (names, roles, holders)
    conflicts: bool = False  # conflicts waiting to be decided (set by receiving)
    rows_added_or_removed: bool = False  # rows of any kind added, removed or restored
    # Actions added, removed or restored, or leads linked to or unlinked from
    # them: lists of actions re-read whole instead of repainting their rows.
    actions_added_or_removed: bool = False
    everything: bool = False
    # The rows touched, as (table, row id), for views that refresh only those.
    rows: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @classmethod
    def of_edit(cls, edit: Edit) -> Changes:
        tables = edit.tables
        return cls(
            plans=bool(tables & _PLANS),
            outline=bool(tables & _OUTLINE),
            actions=bool(tables & _ACTIONS),
            measures=bool(tables & _MEASURES),
            links=bool(tables & _LINKS),
            leads=bool(tables & _LEADS),
            conflicts=bool(tables & _CONFLICTS),
            rows_added_or_removed=edit.structural,
            actions_added_or_removed=any(
                c.kind != "update" and c.table in _ACTION_LIST for c in edit.changes),
            rows=frozenset((c.table, c.row_id) for c in edit.changes),
        )

    @classmethod
    def all(cls) -> Changes:
        """Anything may have changed: reload every view."""
        return cls(plans=True, outline=True, actions=True, measures=True, links=True,
                   leads=True, conflicts=True, rows_added_or_removed=True,
                   actions_added_or_removed=True, everything=True)

    @property
    def anything(self) -> bool:
        """Whether any view has something to redraw."""
        return bool(self.rows) or any(
            getattr(self, f.name) for f in fields(self) if f.type in ("bool", bool))

    def __or__(self, other: Changes) -> Changes:
        """Both sets of changes at once."""
        return Changes(**{f.name: getattr(self, f.name) | getattr(other, f.name)
                          for f in fields(self)})

    def touched(self) -> list[tuple[str, str]]:
        """The (table, row id) pairs touched, in order (for `affected_actions`)."""
        return sorted(self.rows)

