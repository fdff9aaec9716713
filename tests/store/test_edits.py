"""Undo as a property of the data: every edit can be reversed, in the
database, as a recorded change."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from perfdesk.domain.status import Status
from perfdesk.errors import Conflict
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.plans import care as plan_care
from perfdesk.services.undo import UndoHistory
from perfdesk.store import queries
from perfdesk.store.edits import perform, reverse
from perfdesk.store.schema import Action, Change, Step


def _action(db, ref: str = "1.3") -> Action:
    with db.read() as s:
        plan = queries.find_plan(s, "Children's Services")
        return next(a for a in queries.plan_actions(s, plan.id) if a.ref == ref)


def _snapshot(db, action_id: str) -> dict[str, object]:
    with db.read() as s:
        row = s.get(Action, action_id)
        return {k: v for k, v in row.model_dump().items() if k not in ("version", "updated_at")}


def test_reversing_a_field_edit_restores_it_and_is_recorded(demo_db) -> None:
    action = _action(demo_db)
    before = _snapshot(demo_db, action.id)
    _, edit = perform(demo_db, "Revise due date", lambda s: action_edits.set_due_date(
        s, action.id, dt.date(2024, 1, 31), "Waiting for the new structure"))
    assert _snapshot(demo_db, action.id) != before
    reverse(demo_db, edit, author="Undoer")
    assert _snapshot(demo_db, action.id) == before
    with demo_db.read() as s:
        undone = s.exec(select(Change).where(Change.row_id == action.id,
                                             Change.author == "Undoer")).all()
    assert {c.field for c in undone} == {"due_date", "due_date_reason"}


def test_undo_of_a_new_action_tombstones_it_and_redo_restores_it(demo_db) -> None:
    history = UndoHistory(demo_db)
    plan_id = _action(demo_db).plan_id
    new, edit = perform(demo_db, "Add action", lambda s: plan_care.add_action(
        s, plan_id, None, None, "A new thing"))
    history.record(edit)
    history.undo()
    with demo_db.read() as s:
        assert s.get(Action, new.id).deleted_at is not None
    history.redo()
    with demo_db.read() as s:
        assert s.get(Action, new.id).deleted_at is None


def test_undo_is_refused_when_the_value_changed_again_since(demo_db) -> None:
    action = _action(demo_db)
    _, first = perform(demo_db, "Edit text", lambda s: action_edits.set_text(
        s, action.id, "text", "Mine"))
    perform(demo_db, "Edit text elsewhere", lambda s: action_edits.set_text(
        s, action.id, "text", "Theirs"))
    with pytest.raises(Conflict, match="changed again"):
        reverse(demo_db, first)
    assert _snapshot(demo_db, action.id)["text"] == "Theirs"


def test_undo_of_a_step_tick_and_of_an_update(demo_db) -> None:
    history = UndoHistory(demo_db)
    action = _action(demo_db)
    step, edit = perform(demo_db, "Add step", lambda s: action_edits.add_step(s, action.id, "Do"))
    history.record(edit)
    _, edit = perform(demo_db, "Tick", lambda s: action_edits.set_step_done(s, step.id, True))
    history.record(edit)
    _, edit = perform(demo_db, "Update", lambda s: action_edits.add_update(
        s, action.id, status=Status.COMPLETE, reported_on=dt.date(2023, 9, 1), author="A"))
    history.record(edit)
    assert history.undo_label == "Update"
    history.undo()
    history.undo()
    with demo_db.read() as s:
        assert s.get(Step, step.id).done is False
        updates = queries.updates_by_action(s, [action.id])[action.id]
        assert [u.withdrawn_reason for u in updates] == ["Undone"]
    assert history.redo_label == "Tick"
