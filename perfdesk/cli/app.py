"""The `perfdesk` command: no subcommand opens the window; a subcommand works
headless. Exit status: 0 done, 1 refused (one line per problem on stderr),
or stopped by an unexpected problem (one line saying so and where the log
with the details is), 2 wrong usage, 3 conflicts kept pending (sync receive).

Commands that only read (`READ_ONLY_COMMANDS`) open the database read-only,
so they never change it. Every file the process makes is owner-only: `main`
tightens the umask to take away group and other access (see `owner_only`)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from perfdesk import __version__, presentation
from perfdesk.cli import actions as cli_actions
from perfdesk.cli import backup as cli_backup
from perfdesk.cli import returns as cli_returns
from perfdesk.cli import sync as cli_sync
from perfdesk.clock import system_clock
from perfdesk.errors import PerfDeskError, ValidationFailed
from perfdesk.login import login_name
from perfdesk.paths import default_database
from perfdesk.services.pack.model import MARKINGS

log = logging.getLogger(__name__)
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: an option given before the command is not reset by the command's own copy.
    common.add_argument("--db", metavar="FILE", default=argparse.SUPPRESS,
                        help="database file or SQLAlchemy URL (default: $PERFDESK_DB, else "
                             "perfdesk.sqlite in the user data folder)")
    common.add_argument("--read-only", action="store_true", default=argparse.SUPPRESS,
                        help="open the database read-only")
    common.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="log what is happening")

    parser = argparse.ArgumentParser(
        prog="perfdesk", parents=[common],
        description="Track improvement action plans offline. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"PerfDesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("demo", parents=[common], help="create a database holding the Devon demo plans")

    plans = sub.add_parser("plans", parents=[common], help="each plan with its counts")
    plans.add_argument("--as-at", type=_date, metavar="DATE", help="statuses as at YYYY-MM-DD")
    plans.add_argument("--json", action="store_true", help="print JSON")

    imp = sub.add_parser("import-plan", parents=[common], help="import a plan workbook (.xlsx)")
    imp.add_argument("workbook", type=Path)
    imp.add_argument("--replace", action="store_true",
                     help="replace a plan with the same short name (after a backup)")

    exp = sub.add_parser("export-plan", parents=[common], help="export a plan to a workbook")
    exp.add_argument("name", help="the plan's short name or title")
    exp.add_argument("--out", type=Path, required=True, metavar="WORKBOOK")

    csv_out = sub.add_parser("export-actions", parents=[common],
                             help="a plan's actions as CSV (formula-like cells made safe)")
    csv_out.add_argument("--plan", required=True, metavar="NAME")
    csv_out.add_argument("--out", type=Path, required=True, metavar="CSV")

    measures = sub.add_parser("measures", parents=[common], help="a plan's measures and RAG")
    measures.add_argument("--plan", required=True, metavar="NAME")
    measures.add_argument("--as-at", type=_date, metavar="DATE")
    measures.add_argument("--json", action="store_true")

    sub.add_parser("check", parents=[common], help="integrity and schema version")

    pack = sub.add_parser("pack", parents=[common], help="print a board pack to PDF")
    pack.add_argument("--out", type=Path, required=True, metavar="PDF")
    pack.add_argument("--plan", action="append", default=[], metavar="NAME",
                      help="a plan to include (repeat for more; default: every plan)")
    pack.add_argument("--priority", metavar="REF", help="only this priority, e.g. 2 or PA1")
    pack.add_argument("--lead", metavar="NAME", help="only the actions this lead leads")
    pack.add_argument("--exceptions", action="store_true",
                      help="only overdue, off-track and at-risk actions")
    pack.add_argument("--as-at", type=_date, metavar="DATE", help="as at YYYY-MM-DD")
    pack.add_argument("--meeting", type=_date, metavar="DATE", help="the meeting's date")
    pack.add_argument("--marking", type=str.upper, choices=MARKINGS,
                      help="the protective marking (default: each plan's own, else OFFICIAL)")
    pack.add_argument("--board", metavar="NAME", help="the board named on the cover")
    pack.add_argument("--landscape", action="store_true")
    pack.add_argument("--history", action="store_true",
                      help="add every action's update history as an appendix")
    cli_actions.add_parsers(sub, common)
    cli_backup.add_parsers(sub, common)
    cli_returns.add_parsers(sub, common)
    cli_sync.add_parsers(sub, common)
    return parser


@contextmanager
def owner_only() -> Iterator[None]:
    """Files and folders made inside are owner-only (0600 and 0700 on Linux
    and macOS) and never looser than the user's own umask: the database and
    SQLite's -wal/-shm/-journal, backups, the log, settings, exports, bundles,
    returns and packs all inherit it. Windows has no umask (nothing to do)."""
    if not hasattr(os, "umask"):
        yield
        return
    old = os.umask(0o077)
    os.umask(old | 0o077)
    try:
        yield
    finally:
        os.umask(old)


def main(argv: Sequence[str] | None = None) -> int:
    with owner_only():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    # Defaults live in the namespace, not on the shared options, so an option
    # given before the command (`perfdesk --db X plans`) is not reset by it.
    defaults = argparse.Namespace(db=None, read_only=False, verbose=False)
    parser = build_parser()
    args, extra = parser.parse_known_args(argv, namespace=defaults)
    if extra and args.command == "edit" and all("=" in e for e in extra):
        args.pairs += extra  # FIELD=VALUE pairs on both sides of --reason
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    from perfdesk import log as logs

    logs.configure(args.verbose)  # plain lines on the terminal; tracebacks go to the log file
    if args.command is None:
        from perfdesk.ui.app import run_gui

        return run_gui(args.db, read_only=args.read_only)
    from perfdesk.paths import log_file

    log_path = logs.to_file(log_file())  # opened only if something is logged
    try:
        return _run(args)
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return EXIT_OK
    except ValidationFailed as exc:
        for problem in exc.problems:
            print(f"{exc.source}: {problem}", file=sys.stderr)
        print(f"{exc.source}: refused; nothing was changed.", file=sys.stderr)
        return EXIT_REFUSED
    except PerfDeskError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print(f"Stopped. {_what_changed(args)}", file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:  # the last resort: a bug, logged, and told in one line
        log.critical("Unexpected error running perfdesk %s", args.command, exc_info=exc,
                     extra={logs.FILE_ONLY: True})  # the terminal gets the line below
        where = (f"details are in {log_path}" if log_path is not None and log_path.is_file()
                 else "details could not be written to a log file")
        print(f"PerfDesk hit an unexpected problem ({type(exc).__name__}); "
              f"{_what_changed(args)} {where}.", file=sys.stderr)
        return EXIT_REFUSED


READ_ONLY_COMMANDS = ("plans", "measures", "check", "export-plan", "export-actions", "pack",
                      "backups", "sync conflicts", "returns export")


def only_reads(args: argparse.Namespace) -> bool:
    """Does this command only read the database? (`backups --keep-*` changes
    the keep.json beside the backups, not the database.)"""
    verb = getattr(args, "sync_command", None) or getattr(args, "returns_command", None)
    return args.command in READ_ONLY_COMMANDS or f"{args.command} {verb}" in READ_ONLY_COMMANDS


def _what_changed(args: argparse.Namespace) -> str:
    db = getattr(args, "opened", None)
    if db is None or db.read_only or not db.writes:
        return "nothing was changed in the database;"
    return "the changes it had finished were saved;"


def _run(args: argparse.Namespace) -> int:
    from perfdesk.store.database import open_database

    creates = args.command in ("demo", "import-plan")
    if args.command == "import-plan":
        # Check the workbook before a database is created or opened for it.
        from perfdesk.services.workbook.read import read_workbook

        args.document = read_workbook(args.workbook, system_clock().date())
    if not cli_sync.opens_database(args):
        return cli_sync.refresh_without_open(args, args.db or str(default_database()), login_name())
    if args.command == "restore":  # a damaged database cannot be opened, only restored
        return cli_backup.restore_without_open(args, args.db or str(default_database()),
                                               login_name())
    db = open_database(args.db or default_database(), create=creates,
                       read_only=args.read_only or only_reads(args), author=login_name())
    args.opened = db  # for the last-resort handler: did anything change?
    if db.warning:
        print(f"warning: {db.warning}", file=sys.stderr)
    try:
        return COMMANDS[args.command](db, args)
    finally:
        db.close()


def _demo(db, args) -> int:  # type: ignore[no-untyped-def]
    from perfdesk.services.plans.demo import load_demo

    added = load_demo(db)
    print(f"{db.location}: added {', '.join(added)}" if added
          else f"{db.location}: the demo plans are already there")
    return EXIT_OK


def _plans(db, args) -> int:  # type: ignore[no-untyped-def]
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


def _import(db, args) -> int:  # type: ignore[no-untyped-def]
    from perfdesk.services.workbook.exchange import import_document

    name = import_document(db, args.document, args.workbook.name, replace=args.replace)
    print(f"imported {name!r} from {args.workbook} into {db.location}")
    return EXIT_OK


def _export(db, args) -> int:  # type: ignore[no-untyped-def]
    from perfdesk.services.workbook.exchange import export_plan

    name = export_plan(db, args.name, args.out)
    print(f"exported {name!r} to {args.out}")
    return EXIT_OK


def _export_actions(db, args) -> int:  # type: ignore[no-untyped-def]
    from perfdesk.services.actions.csv_export import write_actions_csv
    from perfdesk.services.actions.rows import action_rows
    from perfdesk.store.queries import find_plan

    with db.read() as session:
        plan = find_plan(session, args.plan)
        rows = action_rows(session, plan.id, system_clock().date())
    write_actions_csv(rows, args.out)
    print(f"exported {len(rows)} actions of {plan.short_name!r} to {args.out}")
    return EXIT_OK


def _measures(db, args) -> int:  # type: ignore[no-untyped-def]
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


def _check(db, args) -> int:  # type: ignore[no-untyped-def]
    from perfdesk.services.health_check import check_database

    report = check_database(db)
    print(f"{db.location}: schema {report.schema} (this PerfDesk: {report.head}); "
          f"database id {db.database_id}")
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print("ok" if report.ok else f"{len(report.problems)} problem(s)")
    return EXIT_OK if report.ok else EXIT_REFUSED


def _pack(db, args) -> int:  # type: ignore[no-untyped-def]
    from perfdesk.services.pack.data import pack_data
    from perfdesk.services.pack.model import PackOptions

    if args.out.is_dir():
        raise PerfDeskError(f"{args.out} is a folder; give the PDF's file name.")
    if not args.out.parent.is_dir():
        raise PerfDeskError(f"No folder {args.out.parent} to write {args.out.name} into.")
    options = PackOptions(
        plans=tuple(args.plan), priority=args.priority, lead=args.lead,
        exceptions_only=args.exceptions, as_at=args.as_at, meeting=args.meeting,
        marking=args.marking, landscape=args.landscape, history=args.history, board=args.board,
    )
    with db.read() as session:
        data = pack_data(session, options, system_clock().date())
    try:
        from perfdesk.reports.pack import write_pack
    except ImportError as exc:  # the renderer or reportlab missing; anything else is a bug
        missing = exc.name or ""
        if missing not in ("perfdesk.reports", "perfdesk.reports.pack") and not (
                missing == "reportlab" or missing.startswith("reportlab.")):
            raise
        raise PerfDeskError(f"This PerfDesk cannot write PDFs ({exc}); "
                            "reinstall it with its reportlab dependency.") from exc
    written = write_pack(data, args.out)  # it knows its page count: no reading it back
    measures = sum(len(p.measures) for plan in data.plans for p in plan.priorities)
    counts = [_plural(written.pages, "page"), _plural(data.action_count, "action"),
              _plural(measures, "measure")]
    print(f"Wrote {written.path}: {', '.join(counts)} (as at {data.as_at.isoformat()})")
    return EXIT_OK


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


COMMANDS = {
    "demo": _demo, "plans": _plans, "import-plan": _import, "export-plan": _export,
    "export-actions": _export_actions,
    "measures": _measures, "check": _check, "pack": _pack,
    **cli_actions.COMMANDS, **cli_backup.COMMANDS, **cli_returns.COMMANDS, **cli_sync.COMMANDS,
}
