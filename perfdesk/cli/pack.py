"""`perfdesk pack`: a board pack as a PDF."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from perfdesk.cli.args import EXIT_OK, Command, Subparsers, add_as_at, date, plural
from perfdesk.clock import system_clock
from perfdesk.errors import PerfDeskError
from perfdesk.services.pack.model import MARKINGS

if TYPE_CHECKING:  # the database layer loads only when a command runs
    from perfdesk.store.database import Database


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    pack = sub.add_parser("pack", parents=[common], help="print a board pack to PDF")
    pack.add_argument("--out", type=Path, required=True, metavar="PDF")
    pack.add_argument("--plan", action="append", default=[], metavar="NAME",
                      help="a plan to include (repeat for more; default: every plan)")
    pack.add_argument("--priority", metavar="REF", help="only this priority, e.g. 2 or PA1")
    pack.add_argument("--lead", metavar="NAME", help="only the actions this lead leads")
    pack.add_argument("--exceptions", action="store_true",
                      help="only overdue, off-track and at-risk actions")
    add_as_at(pack)
    pack.add_argument("--meeting", type=date, metavar="DATE", help="the meeting's date")
    pack.add_argument("--marking", type=str.upper, choices=MARKINGS,
                      help="the protective marking (default: each plan's own, else OFFICIAL)")
    pack.add_argument("--board", metavar="NAME", help="the board named on the cover")
    pack.add_argument("--landscape", action="store_true")
    pack.add_argument("--history", action="store_true",
                      help="add every action's update history as an appendix")


def _pack(db: Database, args: argparse.Namespace) -> int:
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
    counts = [plural(written.pages, "page"), plural(data.action_count, "action"),
              plural(measures, "measure")]
    print(f"Wrote {written.path}: {', '.join(counts)} (as at {data.as_at.isoformat()})")
    return EXIT_OK


COMMANDS: dict[str, Command] = {"pack": _pack}
