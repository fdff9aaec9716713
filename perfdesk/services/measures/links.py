"""The golden thread: which actions of a plan are meant to move which of its
measures. A link is a row of its own, tombstoned when unlinked and restored
when linked again, so its history reads as one story."""

from __future__ import annotations

from sqlmodel import Session, select

from perfdesk.errors import Conflict, NotFound
from perfdesk.services.edit_guards import live_row
from perfdesk.services.measures.edits import measure
from perfdesk.store.schema import Action, MeasureAction, utc_now


def _links(session: Session, measure_id: str, action_id: str) -> list[MeasureAction]:
    """Every link of this measure to this action, tombstoned ones included."""
    rows = session.exec(select(MeasureAction).where(
        MeasureAction.measure_id == measure_id, MeasureAction.action_id == action_id
    )).all()
    return sorted(rows, key=lambda link: link.updated_at)


def link_action(session: Session, measure_id: str, action_id: str) -> MeasureAction:
    """Link an action of the same plan to the measure."""
    row = measure(session, measure_id)
    action = live_row(session, Action, action_id, "action")
    if action.plan_id != row.plan_id:
        raise Conflict(
            f"Action {action.ref} belongs to another plan; {row.ref} can only be linked "
            "to actions of its own plan."
        )
    links = _links(session, row.id, action.id)
    if any(link.deleted_at is None for link in links):
        raise Conflict(f"{row.ref} is already linked to action {action.ref}.")
    if links:
        links[-1].deleted_at = None
        return links[-1]
    link = MeasureAction(measure_id=row.id, action_id=action.id)
    session.add(link)
    return link


def unlink_action(session: Session, measure_id: str, action_id: str) -> None:
    row = measure(session, measure_id)
    live = [link for link in _links(session, row.id, action_id) if link.deleted_at is None]
    if not live:
        action = session.get(Action, action_id)
        name = f"action {action.ref}" if action is not None else "that action"
        raise NotFound(f"{row.ref} is not linked to {name} (perhaps unlinked in another window).")
    for link in live:
        link.deleted_at = utc_now()
