"""`perfdesk update` and `perfdesk edit`: a progress update, or a change to
an action's fields, from the command line. Every FIELD=VALUE pair of one
`edit` is checked before any is applied, and all are applied as one edit (one
transaction), so a refused pair changes nothing."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from sqlmodel import Session

from perfdesk.cli.args import EXIT_OK, Command, Subparsers, add_plan, date
from perfdesk.clock import system_clock
from perfdesk.domain.status import Status
from perfdesk.domain.text import name_key, split_names
from perfdesk.domain.timeframe import Timeframe
from perfdesk.errors import PerfDeskError
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.plans.leads import add_lead
from perfdesk.store import queries
from perfdesk.store.database import Database
from perfdesk.store.edits import perform
from perfdesk.store.schema import Action, Plan

# The fields `edit` knows, in the order they are listed and applied. The due
# date goes before "by when", so a due date given in the same call wins over
# one read from the "by when" text.
FIELDS = ("action", "due_date", "by_when", "leads", "timeframe", "priority",
          "success_criteria", "measure_of_success", "impact", "ref")
ALIASES = {"outcome": "success_criteria", "text": "action"}
_TEXT_COLUMN = {"action": "text", "success_criteria": "success_criteria",
                "measure_of_success": "measure_of_success", "impact": "impact", "ref": "ref"}
_SHOWN = 60  # characters of a long text shown in the "old → new" lines


def _which_action(parser: argparse.ArgumentParser) -> None:
    add_plan(parser)
    parser.add_argument("--action", required=True, metavar="REF",
                        help="the action's ref, e.g. 1.2")


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add `update` and `edit` to `sub` (the subparsers of `perfdesk`)."""
    update = sub.add_parser("update", parents=[common], help="add a progress update to an action")
    _which_action(update)
    update.add_argument("--status", required=True, metavar="STATUS",
                        help="one of: " + ", ".join(s.label for s in Status))
    update.add_argument("--note", default="", metavar="TEXT", help="what has been done")
    update.add_argument("--next", default="", metavar="TEXT", help="the next steps")
    update.add_argument("--date", type=date, metavar="DATE",
                        help="the date reported on, YYYY-MM-DD (default: today)")
    update.add_argument("--author", metavar="NAME", help="who reports (default: your login name)")

    edit = sub.add_parser(
        "edit", parents=[common], help="change an action's fields",
        description="Change fields of one action; every FIELD=VALUE pair is checked first "
                    "and all are applied together, or none. Fields: " + ", ".join(FIELDS)
                    + " (outcome is another name for success_criteria).",
    )
    _which_action(edit)
    edit.add_argument("--reason", default="", metavar="TEXT",
                      help="why the due date changed (needed to change an existing due date)")
    edit.add_argument("pairs", nargs="+", metavar="FIELD=VALUE",
                      help="e.g. due_date=2023-12-31, leads='Head of Service;Jo Bloggs', "
                           "timeframe=3-6, priority=2, impact='…' (a blank value clears)")


# ---------------------------------------------------------------- finding rows


def find_action(session: Session, plan: Plan, ref: str) -> Action:
    """An action of the plan by its ref (spacing and case ignored)."""
    actions = queries.plan_actions(session, plan.id)
    for wanted in (lambda a: a.ref == ref, lambda a: name_key(a.ref) == name_key(ref)):
        found = [a for a in actions if wanted(a)]
        if found:
            return found[0]
    refs = ", ".join(a.ref for a in actions) or "none"
    raise PerfDeskError(f"No action {ref} in {plan.short_name} (actions: {refs}).")


def parse_status(text: str) -> Status:
    try:
        return Status.parse(text)
    except ValueError:
        labels = ", ".join(s.label for s in Status)
        raise PerfDeskError(f"Unknown status {text!r}; use one of: {labels}.") from None


# ---------------------------------------------------------------- update


def _update(db: Database, args: argparse.Namespace) -> int:
    status = parse_status(args.status)
    reported_on = args.date or system_clock().date()
    author = args.author if args.author is not None else db.author
    author = " ".join(author.split())

    def add(session: Session) -> tuple[str, str]:
        plan = queries.find_plan(session, args.plan)
        action = find_action(session, plan, args.action)
        action_edits.add_update(session, action.id, status=status, reported_on=reported_on,
                                author=author, done=args.note, next_steps=args.next)
        return action.ref, plan.short_name

    (ref, plan_name), _ = perform(db, f"Add an update to {args.action}", add, author or None)
    by = f" (by {author})" if author else ""
    print(f"Action {ref} of {plan_name}: {status.label} on {reported_on.isoformat()}{by}")
    return EXIT_OK


# ---------------------------------------------------------------- edit


@dataclass
class _Plan:
    """The checked pairs of one `edit`: what to apply, and what it said."""

    steps: list[Callable[[], None]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    new_leads: list[str] = field(default_factory=list)


def parse_pairs(pairs: list[str]) -> list[tuple[str, str]]:
    """FIELD=VALUE pairs as (field, value), fields by their canonical names,
    in the order they are applied. Every problem is reported at once."""
    problems: list[str] = []
    parsed: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        key = name.strip().casefold().replace("-", "_").replace(" ", "_")
        key = ALIASES.get(key, key)
        if not equals:
            problems.append(f"{pair!r} is not FIELD=VALUE (e.g. due_date=2023-12-31).")
        elif key not in FIELDS:
            problems.append(f"Unknown field {name.strip()!r}; fields: {', '.join(FIELDS)} "
                            "(outcome for success_criteria).")
        elif key in parsed:
            problems.append(f"{key} is given twice; give each field once.")
        else:
            parsed[key] = value
    if problems:
        raise PerfDeskError("\n".join(problems))
    return [(f, parsed[f]) for f in FIELDS if f in parsed]


def _shown(value: object, shorten: bool = True) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):  # a timeframe: its word
        value = value.value
    text = " ".join(str(value).split())
    return text if not shorten or len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"


def _snapshot(session: Session, action: Action, fields: list[str]) -> dict[str, object]:
    """The action's value of each field, as compared and shown."""
    values: dict[str, object] = {}
    for name in fields:
        if name == "leads":
            leads = queries.leads_by_action(session, [action.id]).get(action.id, [])
            values[name] = "; ".join(lead.name for lead in leads)
        elif name == "priority":
            refs = {p.id: p.ref for p in queries.plan_priorities(session, action.plan_id)}
            values[name] = refs.get(action.priority_id or "", "")
        else:
            values[name] = getattr(action, _TEXT_COLUMN.get(name, name))
    return values


def _check(session: Session, plan: Plan, action: Action, name: str, value: str,
           reason: str, out: _Plan) -> None:
    """Check one pair; add a step applying it, or a problem."""
    row_id = action.id
    if name in _TEXT_COLUMN:
        column = _TEXT_COLUMN[name]
        if name == "ref" and not value.strip():
            out.problems.append("ref: an action needs a ref.")
            return
        out.steps.append(lambda: action_edits.set_text(session, row_id, column, value))
    elif name == "by_when":
        out.steps.append(lambda: action_edits.set_by_when(session, row_id, value.strip()))
    elif name == "due_date":
        _check_due(session, action, value, reason, out)
    elif name == "timeframe":
        try:
            timeframe = Timeframe.parse(value)
        except ValueError as exc:
            out.problems.append(f"timeframe: {exc}.")
            return
        label = timeframe.label if timeframe else None
        out.steps.append(lambda: action_edits.set_timeframe(session, row_id, label))
    elif name == "priority":
        _check_priority(session, plan, action, value, out)
    elif name == "leads":
        _check_leads(session, action, value, out)


def _check_due(session: Session, action: Action, value: str, reason: str, out: _Plan) -> None:
    due: dt.date | None = None
    if value.strip():
        try:
            due = dt.date.fromisoformat(value.strip())
        except ValueError:
            out.problems.append(f"due_date: {value!r} is not a date (use YYYY-MM-DD, "
                                "or leave it blank).")
            return
    if action.due_date is not None and due != action.due_date and not reason.strip():
        out.problems.append(
            f"due_date: changing the due date of {action.ref} from "
            f"{action.due_date.isoformat()} needs --reason TEXT saying why (the board will ask)."
        )
        return
    row_id = action.id
    out.steps.append(lambda: action_edits.set_due_date(session, row_id, due, reason))


def _check_priority(session: Session, plan: Plan, action: Action, value: str,
                    out: _Plan) -> None:
    priority_id: str | None = None
    if value.strip():
        priorities = queries.plan_priorities(session, plan.id)
        found = [p for p in priorities if name_key(p.ref) == name_key(value)]
        if not found:
            refs = ", ".join(p.ref for p in priorities) or "none"
            out.problems.append(f"priority: no priority {value.strip()} in {plan.short_name} "
                                f"(priorities: {refs}; or leave it blank).")
            return
        priority_id = found[0].id
    row_id = action.id
    out.steps.append(lambda: action_edits.set_priority(session, row_id, priority_id))


def _check_leads(session: Session, action: Action, value: str, out: _Plan) -> None:
    existing = queries.lead_by_name(session)
    names: list[str] = []
    for name in split_names(value):
        if name_key(name) not in {name_key(n) for n in names}:
            names.append(" ".join(name.split()))
    row_id = action.id
    new = [n for n in names if name_key(n) not in existing]
    out.new_leads += new

    def apply() -> None:
        ids = []
        for name in names:
            lead = existing.get(name_key(name))
            if lead is None:
                lead = add_lead(session, name)
                session.flush()
            ids.append(lead.id)
        action_edits.set_leads(session, row_id, ids)

    out.steps.append(apply)


def _edit(db: Database, args: argparse.Namespace) -> int:
    pairs = parse_pairs(args.pairs)
    names = [name for name, _ in pairs]

    def change(session: Session) -> tuple[str, dict[str, object], dict[str, object], list[str]]:
        plan = queries.find_plan(session, args.plan)
        action = find_action(session, plan, args.action)
        ref = action.ref  # as it was, should the ref itself change
        checked = _Plan()
        for name, value in pairs:
            _check(session, plan, action, name, value, args.reason, checked)
        if checked.problems:
            raise PerfDeskError("\n".join(checked.problems))
        before = _snapshot(session, action, names)
        for step in checked.steps:
            step()
        session.flush()
        return ref, before, _snapshot(session, action, names), checked.new_leads

    (ref, before, after, new_leads), _ = perform(db, f"Edit action {args.action}", change)
    for name in new_leads:
        print(f"New lead: {name}")
    changed = [n for n in names if before[n] != after[n]]
    for name in changed:
        shorten = name in _TEXT_COLUMN  # long texts are cut short; names are shown whole
        print(f"{ref} {name}: {_shown(before[name], shorten)} → {_shown(after[name], shorten)}")
    if not changed:
        print(f"{ref}: nothing changed")
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "update": _update, "edit": _edit,
}
