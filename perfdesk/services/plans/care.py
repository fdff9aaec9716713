"""Looking after a plan's shape: where its actions sit and what they are
called, its priorities and outcomes, and the plan itself (leads are in
`leads.py`).

Each function works inside the caller's write session, so one call is one
transaction and one undoable edit. Nothing is erased: deleting sets
`deleted_at`, and the history hook records every change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlmodel import Session

from perfdesk.domain.text import name_key
from perfdesk.domain.timeframe import Timeframe
from perfdesk.errors import Conflict
from perfdesk.services.edit_guards import choice, live_row, required_line
from perfdesk.services.workbook.layout import PLAN_STATES, PRIORITY_KINDS
from perfdesk.store import queries
from perfdesk.store.schema import (
    Action,
    Outcome,
    Plan,
    Priority,
    utc_now,
)

_TIMEFRAME_RANK = {tf: rank for rank, tf in enumerate(Timeframe)}


def _timeframe(text: str | None) -> Timeframe | None:
    try:
        return Timeframe.parse(text)
    except ValueError as exc:
        raise Conflict(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from exc


def _priority_in(session: Session, plan_id: str, priority_id: str | None) -> str | None:
    if priority_id is None:
        return None
    priority = live_row(session, Priority, priority_id, "priority")
    if priority.plan_id != plan_id:
        raise Conflict(f"Priority {priority.ref} belongs to another plan.")
    return priority.id


def _cleaned(
    fields: dict[str, Any], cleaners: dict[str, Callable[[Any], Any]], what: str
) -> dict[str, Any]:
    """Edited fields, each checked and tidied; a field not editable is a bug."""
    unknown = set(fields) - set(cleaners)
    if unknown:
        raise ValueError(f"{what} has no editable field {', '.join(sorted(unknown))}")
    return {key: cleaners[key](value) for key, value in fields.items()}


# --- Actions: place and ref --------------------------------------------------

def _make_room(
    session: Session, plan_id: str, priority_id: str | None, timeframe: Timeframe | None,
    moving: str | None = None,
) -> int:
    """The display_order that puts an action last in its priority+timeframe
    group, later actions shifted up one so the plan keeps the order priority,
    timeframe, then position (no priority and no timeframe go last)."""
    ranks = {p.id: n for n, p in enumerate(queries.plan_priorities(session, plan_id))}

    def group(pid: str | None, tf: Timeframe | None) -> tuple[int, int]:
        return ranks.get(pid or "", len(ranks)), (len(Timeframe) if tf is None
                                                  else _TIMEFRAME_RANK[tf])

    others = [a for a in queries.plan_actions(session, plan_id) if a.id != moving]
    target = group(priority_id, timeframe)
    same = [a for a in others if group(a.priority_id, a.timeframe) == target]
    before = same or [a for a in others if group(a.priority_id, a.timeframe) < target]
    if before:
        order = max(a.display_order for a in before) + 1
    else:
        order = min((a.display_order for a in others), default=0)
    for other in others:
        if other.display_order >= order:
            other.display_order += 1
    return order


def _alpha_prefix(refs: Iterable[str]) -> str:
    """The letters every ref starts with ("C" of C1...C19; "" of 1, 2)."""
    heads = [re.sub(r"[^A-Za-z].*", "", ref) for ref in refs]
    prefix = min(heads, default="")
    while not all(head.startswith(prefix) for head in heads):
        prefix = prefix[:-1]
    return prefix


def _by_priority(actions: Sequence[Action], heads: dict[str, str]) -> bool:
    """Whether the plan numbers actions within each priority ("2.3", "PA1.4")
    rather than across the plan ("C7"). With no evidence: by priority when
    the plan has priorities and no actions yet."""
    placed = [a for a in actions if a.priority_id in heads]
    if not placed:
        return not actions and bool(heads)
    matching = sum(a.ref.startswith(f"{heads[a.priority_id or '']}.") for a in placed)
    return matching * 2 > len(placed)


def _unplaced_head(heads: dict[str, str]) -> str:
    """Numbering by priority, actions with none are "0.n" ("PA0.n")."""
    return f"{_alpha_prefix(heads.values())}0"


def _next_number(refs: Iterable[str], head: str, taken: Iterable[str] = ()) -> str:
    """`head` + one more than the highest number after it, skipping taken refs."""
    refs = set(refs)
    tails = [r[len(head):] for r in refs if r.startswith(head)]
    n = max((int(t) for t in tails if t.isdecimal()), default=0) + 1
    while f"{head}{n}" in refs.union(taken):
        n += 1
    return f"{head}{n}"


def next_ref(session: Session, plan_id: str, priority_id: str | None = None) -> str:
    """The next free action ref in the plan's own pattern."""
    actions = queries.plan_actions(session, plan_id)
    heads = {p.id: p.ref for p in queries.plan_priorities(session, plan_id)}
    refs = [a.ref for a in actions]
    if _by_priority(actions, heads):
        return _next_number(refs, f"{heads.get(priority_id or '', _unplaced_head(heads))}.")
    return _next_number(refs, _alpha_prefix(refs))


def add_action(
    session: Session, plan_id: str, priority_id: str | None, timeframe: str | None,
    text: str = "",
) -> Action:
    """A new action, last in its priority and timeframe, with the next ref."""
    live_row(session, Plan, plan_id, "plan")
    priority_id = _priority_in(session, plan_id, priority_id)
    band = _timeframe(timeframe)
    action = Action(
        plan_id=plan_id, priority_id=priority_id, timeframe=band, text=text.strip(),
        ref=next_ref(session, plan_id, priority_id),
        display_order=_make_room(session, plan_id, priority_id, band),
    )
    session.add(action)
    return action


def delete_action(session: Session, action_id: str) -> Action:
    action = live_row(session, Action, action_id, "action")
    action.deleted_at = utc_now()
    return action


def move_action(
    session: Session, action_id: str, priority_id: str | None, timeframe: str | None
) -> Action:
    """Into another priority and/or timeframe, last there; the ref stays."""
    action = live_row(session, Action, action_id, "action")
    priority_id = _priority_in(session, action.plan_id, priority_id)
    band = _timeframe(timeframe)
    action.display_order = _make_room(session, action.plan_id, priority_id, band, action.id)
    action.priority_id, action.timeframe = priority_id, band
    return action


def renumber_actions(session: Session, plan_id: str) -> int:
    """Refs in plan order with no gaps, in the plan's pattern; returns how
    many refs changed (none for a plan already numbered)."""
    live_row(session, Plan, plan_id, "plan")
    priorities = queries.plan_priorities(session, plan_id)
    heads = {p.id: p.ref for p in priorities}
    ranks = {p.id: n for n, p in enumerate(priorities)}
    actions = queries.plan_actions(session, plan_id)
    ordered = sorted(
        actions, key=lambda a: (ranks.get(a.priority_id or "", len(ranks)), a.display_order)
    )
    new_refs: dict[str, str] = {}
    if _by_priority(actions, heads):
        counts: Counter[str] = Counter()
        for action in ordered:
            head = heads.get(action.priority_id or "", _unplaced_head(heads))
            counts[head] += 1
            new_refs[action.id] = f"{head}.{counts[head]}"
    else:
        prefix = _alpha_prefix(a.ref for a in actions)
        new_refs = {a.id: f"{prefix}{n}" for n, a in enumerate(ordered, start=1)}
    shared = [ref for ref, n in Counter(new_refs.values()).items() if n > 1]
    if shared:
        raise Conflict(
            f"Renumbering would give two actions the ref {shared[0]}: two priorities "
            "have refs that overlap. Give the priorities distinct refs first."
        )
    changed = 0
    for action in actions:
        if action.ref != new_refs[action.id]:
            action.ref = new_refs[action.id]
            changed += 1
    return changed


# --- Priorities --------------------------------------------------------------

def _next_priority_ref(priorities: Sequence[Priority], kind: str) -> str:
    """Next number after the plan's refs of that kind ("5", "PA4", "T4")."""
    refs = [p.ref for p in priorities if p.kind == kind] or [p.ref for p in priorities]
    return _next_number(refs, _alpha_prefix(refs), taken=[p.ref for p in priorities])


def add_priority(session: Session, plan_id: str, title: str, kind: str = "Priority") -> Priority:
    live_row(session, Plan, plan_id, "plan")
    kind = choice(kind, PRIORITY_KINDS, "kind of priority")
    priorities = queries.plan_priorities(session, plan_id)
    priority = Priority(
        plan_id=plan_id, title=required_line(title, "A priority's title"), kind=kind,
        ref=_next_priority_ref(priorities, kind),
        display_order=max((p.display_order for p in priorities), default=-1) + 1,
    )
    session.add(priority)
    return priority


def edit_priority(session: Session, priority_id: str, **fields: Any) -> Priority:
    """Title, statement, needs_improvement, kind or ref. A new ref does not
    renumber the priority's actions (renumber_actions does)."""
    fields = _cleaned(fields, {
        "title": lambda v: required_line(v, "A priority's title"), "statement": str.strip,
        "needs_improvement": str.strip, "ref": lambda v: required_line(v, "A priority's ref"),
        "kind": lambda v: choice(v, PRIORITY_KINDS, "kind of priority"),
    }, "a priority")
    priority = live_row(session, Priority, priority_id, "priority")
    others = queries.plan_priorities(session, priority.plan_id)
    if any(p.ref == fields.get("ref") and p.id != priority.id for p in others):
        raise Conflict(f"Another priority in this plan is already {fields['ref']}.")
    for key, value in fields.items():
        setattr(priority, key, value)
    return priority


def delete_priority(session: Session, priority_id: str) -> list[str]:
    """Tombstone the priority with its actions and outcomes, in one edit so
    undoing it brings them all back. Returns the ids of the actions hidden."""
    priority = live_row(session, Priority, priority_id, "priority")
    actions = queries.live(session, Action, Action.priority_id == priority.id)
    outcomes = queries.live(session, Outcome, Outcome.priority_id == priority.id)
    now = utc_now()
    for row in (priority, *actions, *outcomes):
        row.deleted_at = now
    return [a.id for a in actions]


# --- Outcomes ----------------------------------------------------------------

def _statement(text: str) -> str:
    if not text.strip():
        raise Conflict("An outcome needs a statement.")
    return text.strip()


def add_outcome(
    session: Session, plan_id: str, priority_id: str | None, statement: str
) -> Outcome:
    live_row(session, Plan, plan_id, "plan")
    orders = [o.display_order for o in queries.plan_outcomes(session, plan_id)]
    outcome = Outcome(
        plan_id=plan_id, priority_id=_priority_in(session, plan_id, priority_id),
        statement=_statement(statement), display_order=max(orders, default=-1) + 1,
    )
    session.add(outcome)
    return outcome


def edit_outcome(session: Session, outcome_id: str, statement: str) -> Outcome:
    outcome = live_row(session, Outcome, outcome_id, "outcome")
    outcome.statement = _statement(statement)
    return outcome


def delete_outcome(session: Session, outcome_id: str) -> Outcome:
    outcome = live_row(session, Outcome, outcome_id, "outcome")
    outcome.deleted_at = utc_now()
    return outcome


# --- Plans -------------------------------------------------------------------

def _refuse_taken_short_name(session: Session, short_name: str, other_than: str = "") -> None:
    for plan in queries.plans(session):
        if plan.id != other_than and name_key(plan.short_name) == name_key(short_name):
            raise Conflict(
                f"There is already a plan called {plan.short_name!r}; choose another short name."
            )


def _check_period(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise Conflict(
            f"The plan cannot end ({end:%d/%m/%Y}) before it starts ({start:%d/%m/%Y})."
        )


def create_blank_plan(
    session: Session, title: str, short_name: str, period_start: dt.date | None,
    period_end: dt.date | None, organisation: str = "", board: str = "",
) -> Plan:
    title = required_line(title, "A plan's title")
    short_name = required_line(short_name, "A plan's short name")
    _refuse_taken_short_name(session, short_name)
    _check_period(period_start, period_end)
    plan = Plan(
        title=title, short_name=short_name, period_start=period_start, period_end=period_end,
        organisation=organisation.strip(), board=board.strip(), state="Draft",
    )
    session.add(plan)
    return plan


def edit_plan(session: Session, plan_id: str, **fields: Any) -> Plan:
    """Title, short_name, organisation, board, marking, state, period_start,
    period_end or description."""
    fields = _cleaned(fields, {
        "title": lambda v: required_line(v, "A plan's title"),
        "short_name": lambda v: required_line(v, "A plan's short name"),
        "organisation": str.strip, "board": str.strip, "marking": str.strip,
        "description": str.strip, "state": lambda v: choice(v, PLAN_STATES, "plan state"),
        "period_start": lambda v: v, "period_end": lambda v: v,
    }, "a plan")
    plan = live_row(session, Plan, plan_id, "plan")
    if "short_name" in fields:
        _refuse_taken_short_name(session, fields["short_name"], other_than=plan.id)
    _check_period(
        fields.get("period_start", plan.period_start), fields.get("period_end", plan.period_end)
    )
    for key, value in fields.items():
        setattr(plan, key, value)
    return plan
