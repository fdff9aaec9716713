"""Actions as the plan tab lists them, read in a few set-based queries so a
plan of 20,000 actions loads in well under a second."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, col, select

from perfdesk.domain.action_view import ActionRow, search_key
from perfdesk.domain.status import Status, is_overdue
from perfdesk.store.schema import Action, ActionLead, Lead, Priority, ProgressUpdate


def action_rows(
    session: Session, plan_id: str, today: dt.date, only: Sequence[str] | None = None
) -> list[ActionRow]:
    """The plan's live actions (or just those in `only`), in plan order."""
    query = sa.select(  # more columns than sqlmodel's select() types
        col(Action.id), col(Action.ref), col(Action.text), col(Action.priority_id),
        col(Action.timeframe), col(Action.by_when), col(Action.due_date),
        col(Action.original_due_date), col(Action.display_order),
    ).where(col(Action.plan_id) == plan_id, col(Action.deleted_at).is_(None))
    if only is not None:
        query = query.where(col(Action.id).in_(only))
    actions = session.connection().execute(query).all()
    ids = [a[0] for a in actions]
    scope = col(Action.id).in_(ids) if only is not None else col(Action.plan_id) == plan_id
    priorities = dict(session.connection().execute(
        select(Priority.id, Priority.ref).where(Priority.plan_id == plan_id)
    ).all())
    leads = _leads(session, scope)
    updates = _updates(session, scope)
    rows = []
    for (aid, ref, text, pid, tf, by_when, due, original, order) in actions:
        lead_pairs = leads.get(aid, [])
        latest, every_text = updates.get(aid, (None, ""))
        status = latest[1] if latest else Status.NOT_STARTED
        latest_on = latest[0] if latest else None
        latest_text = latest[2] if latest else ""
        names = tuple(name for _, name in lead_pairs)
        rows.append(ActionRow(
            id=aid, plan_id=plan_id, ref=ref, text=text, priority_id=pid,
            priority_ref=priorities.get(pid, "") if pid else "", timeframe=tf.label if tf else None,
            lead_ids=tuple(lid for lid, _ in lead_pairs), leads=names, by_when=by_when,
            due_date=due, original_due_date=original, status=status, latest_on=latest_on,
            latest_text=latest_text, overdue=is_overdue(due, status, today), order=order,
            updates_text=every_text,
            search_key=search_key(ref, text, *names, every_text),
        ))
    rows.sort(key=lambda r: r.order)
    return rows


def _leads(session: Session, scope: sa.ColumnElement[bool]) -> dict[str, list[tuple[str, str]]]:
    query = (
        select(ActionLead.action_id, Lead.id, Lead.name)
        .join(Lead, col(Lead.id) == ActionLead.lead_id)
        .join(Action, col(Action.id) == ActionLead.action_id)
        .where(scope, col(ActionLead.deleted_at).is_(None), col(Lead.deleted_at).is_(None))
        .order_by(col(ActionLead.display_order))
    )
    result: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for action_id, lead_id, name in session.connection().execute(query).all():
        result[action_id].append((lead_id, name))
    return result


def _updates(
    session: Session, scope: sa.ColumnElement[bool]
) -> dict[str, tuple[tuple[dt.date, Status, str] | None, str]]:
    """Per action: its latest counting update (date, status, text) and the
    text of all its updates, for searching."""
    query = (
        sa.select(
            col(ProgressUpdate.action_id), col(ProgressUpdate.reported_on),
            col(ProgressUpdate.recorded_at), col(ProgressUpdate.status),
            col(ProgressUpdate.done_text), col(ProgressUpdate.next_steps),
            col(ProgressUpdate.withdrawn_at),
        )
        .join(Action, col(Action.id) == ProgressUpdate.action_id)
        .where(scope)
    )
    best: dict[str, tuple[dt.date, dt.datetime, Status, str]] = {}
    texts: dict[str, list[str]] = defaultdict(list)
    for aid, on, at, status, done, nxt, withdrawn in session.connection().execute(query).all():
        texts[aid].append(f"{done}\n{nxt}")
        if withdrawn is not None:
            continue
        current = best.get(aid)
        if current is None or (on, at) > (current[0], current[1]):
            best[aid] = (on, at, status, done)
    result: dict[str, tuple[tuple[dt.date, Status, str] | None, str]] = {}
    for aid, chunks in texts.items():
        found = best.get(aid)
        result[aid] = ((found[0], found[2], found[3]) if found else None, "\n".join(chunks))
    return result


def affected_actions(session: Session, changes: Sequence[tuple[str, str]]) -> set[str]:
    """Ids of the actions whose list row an edit may have changed, from the
    (table, row id) pairs it touched: the action itself, or its lead links,
    steps and updates."""
    ids = {row_id for table, row_id in changes if table == "action"}
    children: dict[str, type[ActionLead] | type[ProgressUpdate]] = {
        "action_lead": ActionLead, "progress_update": ProgressUpdate,
    }
    for name, table in children.items():
        row_ids = [row_id for t, row_id in changes if t == name]
        if row_ids:
            query = select(table.action_id).where(col(table.id).in_(row_ids))
            ids |= {r[0] for r in session.connection().execute(query).all()}
    return ids
