"""Leads: the roles and people who lead actions, shared across plans.
Adding, renaming, merging two into one, and how much each is used."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col

from perfdesk.domain.text import guess_lead_kind, name_key
from perfdesk.errors import Conflict
from perfdesk.services.edit_guards import choice, live_row, required_line
from perfdesk.store import queries
from perfdesk.store.schema import Action, ActionLead, Lead, Measure, RoleHolder, utc_now

LEAD_KINDS = ("Role", "Person")


@dataclass(frozen=True)
class LeadRow:
    id: str
    name: str
    kind: str  # Role or Person
    actions: int  # live actions it leads


def _refuse_taken_lead(session: Session, name: str, other_than: str | None = None) -> None:
    for lead in queries.live(session, Lead):
        if lead.id != other_than and name_key(lead.name) == name_key(name):
            raise Conflict(
                f"There is already a lead called {lead.name!r}; use that one "
                "(or merge the two leads)."
            )


def add_lead(session: Session, name: str, kind: str | None = None) -> Lead:
    """A new lead; its kind (Role or Person) is guessed from the name if not given."""
    name = required_line(name, "A lead's name")
    _refuse_taken_lead(session, name)
    lead = Lead(name=name, kind=choice(kind, LEAD_KINDS, "kind of lead") if kind
                else guess_lead_kind(name))
    session.add(lead)
    return lead


def rename_lead(session: Session, lead_id: str, new_name: str) -> Lead:
    lead = live_row(session, Lead, lead_id, "lead")
    new_name = required_line(new_name, "A lead's name")
    _refuse_taken_lead(session, new_name, other_than=lead.id)
    lead.name = new_name
    return lead


def merge_leads(session: Session, keep_id: str, merge_id: str) -> int:
    """Everything led by `merge_id` is led by `keep_id` instead, and the
    merged lead is deleted. Returns the number of actions affected."""
    if keep_id == merge_id:
        raise Conflict("A lead cannot be merged into itself; choose two different leads.")
    keep = live_row(session, Lead, keep_id, "lead")
    merged = live_row(session, Lead, merge_id, "lead")
    now = utc_now()
    both = [keep.id, merged.id]
    links = queries.live(session, ActionLead, col(ActionLead.lead_id).in_(both))
    affected = _repoint(links, keep.id, merged.id, lambda link: link.action_id, now)
    holders = queries.live(session, RoleHolder, col(RoleHolder.lead_id).in_(both))
    _repoint(holders, keep.id, merged.id, lambda holder: name_key(holder.person), now)
    for measure in queries.live(session, Measure, Measure.owner_id == merged.id):
        measure.owner_id = keep.id
    merged.deleted_at = now
    live_actions = queries.live(session, Action, col(Action.id).in_(affected))
    return len(live_actions)


def _repoint(
    rows: Sequence[ActionLead] | Sequence[RoleHolder], keep_id: str, merge_id: str,
    key: Callable[[Any], str], now: dt.datetime,
) -> set[str]:
    """Rows of the merged lead move to the kept one, except those the kept
    lead already has (same `key`), which are tombstoned. Returns the keys moved."""
    kept = {key(row) for row in rows if row.lead_id == keep_id}
    moved: set[str] = set()
    for row in rows:
        if row.lead_id != merge_id:
            continue
        moved.add(key(row))
        if key(row) in kept:
            row.deleted_at = now
        else:
            row.lead_id = keep_id
            kept.add(key(row))
    return moved


def lead_usage(session: Session) -> dict[str, int]:
    """How many live actions each live lead leads (0 for an unused lead)."""
    usage = {lead.id: 0 for lead in queries.live(session, Lead)}
    actions = {a.id for a in queries.live(session, Action)}
    pairs = {(link.lead_id, link.action_id) for link in queries.live(session, ActionLead)}
    for lead_id, action_id in pairs:
        if lead_id in usage and action_id in actions:
            usage[lead_id] += 1
    return usage


def lead_rows(session: Session) -> list[LeadRow]:
    """Every live lead with the number of live actions it leads."""
    usage = lead_usage(session)
    return [LeadRow(lead.id, lead.name, lead.kind, usage.get(lead.id, 0))
            for lead in queries.live(session, Lead)]
