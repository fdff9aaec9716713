"""What an edit changed, as the flags the window's views read."""

from __future__ import annotations

import pytest

from perfdesk.store.changes import Changes
from perfdesk.store.edits import TABLES, Edit, RecordedChange


def _edit(*changes: tuple[str, str]) -> Edit:
    """An edit touching (table, kind) pairs, one row each."""
    return Edit("test", tuple(RecordedChange(table, f"{table}-{n}", kind, "field", None, "x")
                              for n, (table, kind) in enumerate(changes)))


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_recorded_table_tells_some_view(table: str) -> None:
    changes = Changes.of_edit(_edit((table, "update")))
    assert changes.anything and not changes.everything
    assert any((changes.outline, changes.actions, changes.measures, changes.links,
                changes.leads)), f"no view would hear of a change to {table}"
    assert changes.touched() == [(table, f"{table}-0")]


def test_flags_follow_what_was_touched() -> None:
    update = Changes.of_edit(_edit(("progress_update", "insert")))
    assert update.actions and update.rows_added_or_removed
    assert not (update.actions_added_or_removed or update.measures or update.outline)
    figure = Changes.of_edit(_edit(("measure_value", "insert")))
    assert figure.measures and not (figure.actions or figure.actions_added_or_removed)
    action = Changes.of_edit(_edit(("action", "delete")))
    assert action.actions and action.actions_added_or_removed
    renamed = Changes.of_edit(_edit(("plan", "update")))
    assert renamed.plans and renamed.outline and not renamed.rows_added_or_removed
    heading = Changes.of_edit(_edit(("priority", "update")))
    assert heading.outline and not heading.plans
    assert not Changes.of_edit(Edit("nothing", ())).anything


def test_everything_sets_every_flag() -> None:
    everything = Changes.all()
    assert everything.everything and everything.anything
    flags = [name for name, value in vars(everything).items() if isinstance(value, bool)]
    assert all(getattr(everything, name) for name in flags) and len(flags) >= 9
    assert not Changes().anything and Changes(measures=True).anything
