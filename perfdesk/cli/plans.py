"""Plans from the command line: `demo`, `plans`, `measures`, `import-plan`,
`export-plan` and `export-actions`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from perfdesk import presentation
from perfdesk.cli.args import EXIT_OK, Command, Subparsers, add_as_at, add_json, add_out, add_plan
from perfdesk.clock import system_clock

if TYPE_CHECKING:  # the database layer loads only when a command runs
    from perfdesk.store.database import Database

CREATES = ("demo", "import-plan")  # commands that may make the database file


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    sub.add_parser("demo", parents=[common], help="create a database holding the Devon demo plans")

    plans = sub.add_parser("plans", parents=[common], help="each plan with its counts")
    add_as_at(plans, "statuses as at YYYY-MM-DD")
    add_json(plans)

    imp = sub.add_parser("import-plan", parents=[common], help="import a plan workbook (.xlsx)")
    imp.add_argument("workbook", type=Path)
    imp.add_argument("--replace", action="store_true",
                     help="replace a plan with the same short name (after a backup)")

    exp = sub.add_parser("export-plan", parents=[common], help="export a plan to a workbook")
    exp.add_argument("name", help="the plan's short name or title")
    add_out(exp, "WORKBOOK")

    csv_out = sub.add_parser("export-actions", parents=[common],
                             help="a plan's actions as CSV (formula-like cells made safe)")
    add_plan(csv_out)
    add_out(csv_out, "CSV")

    measures = sub.add_parser("measures", parents=[common], help="a plan's measures and RAG")
    add_plan(measures)
    add_as_at(measures)
    add_json(measures)


def before_open(args: argparse.Namespace) -> None:
    """`import-plan` checks the workbook before a database is created or
    opened for it."""
    if args.command == "import-plan":
        from perfdesk.services.workbook.read import read_workbook

        args.document = read_workbook(args.workbook, system_clock().date())


def _demo(db: Database, args: argparse.Namespace) -> int:
    from perfdesk.services.plans.demo import load_demo

    added = load_demo(db)
    print(f"{db.location}: added {', '.join(added)}" if added
          else f"{db.location}: the demo plans are already there")
    return EXIT_OK


def _plans(db: Database, args: argparse.Namespace) -> int:
    from perfdesk.services.summaries import plan_summaries

    with db.read() as session:
        summaries = plan_summaries(session, args.as_at)
    if args.json:
        print(json.dumps([s.as_json() for s in summaries], indent=2, ensure_ascii=False))
        return EXIT_OK
    heading = f"as at {args.as_at.isoformat()}" if args.as_at else "now"
    print(f"Plans in {db.location} ({heading})")
    for s in summaries:
        counts = ", ".join(f"{label} {n}" for label, n in s.by_status.items())
        print(f"{s.short_name}: {s.priorities} priorities, {s.actions} actions, "
              f"{s.measures} measures — {counts}")
    return EXIT_OK


def _import(db: Database, args: argparse.Namespace) -> int:
    from perfdesk.services.workbook.exchange import import_document

    name = import_document(db, args.document, args.workbook.name, replace=args.replace)
    print(f"imported {name!r} from {args.workbook} into {db.location}")
    return EXIT_OK


def _export(db: Database, args: argparse.Namespace) -> int:
    from perfdesk.services.workbook.exchange import export_plan

    name = export_plan(db, args.name, args.out)
    print(f"exported {name!r} to {args.out}")
    return EXIT_OK


def _export_actions(db: Database, args: argparse.Namespace) -> int:
    from perfdesk.services.actions.csv_export import write_actions_csv
    from perfdesk.services.actions.rows import action_rows
    from perfdesk.store.queries import find_plan

    with db.read() as session:
        plan = find_plan(session, args.plan)
        rows = action_rows(session, plan.id, system_clock().date())
    write_actions_csv(rows, args.out)
    print(f"exported {len(rows)} actions of {plan.short_name!r} to {args.out}")
    return EXIT_OK


def _measures(db: Database, args: argparse.Namespace) -> int:
    from perfdesk.services.summaries import measure_summaries
    from perfdesk.store.queries import find_plan

    with db.read() as session:
        plan = find_plan(session, args.plan)
        rows = measure_summaries(session, plan, args.as_at)
    if args.json:
        print(json.dumps([m.as_json() for m in rows], indent=2, ensure_ascii=False))
        return EXIT_OK
    for m in rows:
        latest = "—" if m.latest is None else f"{m.latest:g} ({m.latest_period})"
        target = "—" if m.target is None else f"{m.target:g}"
        trend = m.direction.value if m.direction else ""
        print(f"{m.ref:7} {presentation.symbol(m.rag)} {m.rag.label:5} latest {latest:18} "
              f"target {target:8} {trend:10} {m.indicator}")
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "demo": _demo, "plans": _plans, "import-plan": _import, "export-plan": _export,
    "export-actions": _export_actions, "measures": _measures,
}
