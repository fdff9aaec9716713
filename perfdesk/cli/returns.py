"""`perfdesk returns export` and `perfdesk returns import`: Excel returns for
heads of service who do not have PerfDesk."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from perfdesk.cli.args import EXIT_OK, EXIT_REFUSED, Command, Subparsers, add_out, plural
from perfdesk.clock import system_clock
from perfdesk.store.database import Database


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    returns = sub.add_parser("returns", parents=[common],
                             help="Excel returns for leads without PerfDesk")
    verbs = returns.add_subparsers(dest="returns_command", metavar="export|import",
                                   required=True)
    export = verbs.add_parser("export", parents=[common],
                              help="a return workbook for a lead, or one for every lead")
    who = export.add_mutually_exclusive_group(required=True)
    who.add_argument("--lead", metavar="NAME")
    who.add_argument("--all", action="store_true", help="one file per lead, into --out")
    add_out(export, "PATH", "the workbook (with --lead) or a folder (with --all)")
    imp = verbs.add_parser("import", parents=[common], help="apply filled-in returns")
    imp.add_argument("files", type=Path, nargs="+", metavar="FILE")
    imp.add_argument("--yes", action="store_true", help="apply without asking")
    imp.add_argument("--confirm-unassigned", action="store_true",
                     help="also apply rows for actions no longer led by the return's lead")


def _returns(db: Database, args: argparse.Namespace) -> int:
    if args.returns_command == "export":
        return _export(db, args)
    return _import(db, args)


def _export(db: Database, args: argparse.Namespace) -> int:
    from perfdesk.services.returns.write import write_all_returns, write_return

    today = system_clock().date()
    with db.read() as session:
        if args.all:
            args.out.mkdir(parents=True, exist_ok=True)
            written = write_all_returns(session, args.out, today)
        else:
            written = [write_return(session, args.lead, args.out, today)]
    for path in written:
        print(f"Wrote {path}")
    return EXIT_OK


def _import(db: Database, args: argparse.Namespace) -> int:
    from perfdesk.services.returns.apply import apply_return, check_return
    from perfdesk.services.returns.read import read_return
    from perfdesk.store.edits import perform

    docs = [read_return(path) for path in args.files]  # every file checked before any applies
    previews = []
    with db.read() as session:
        for doc in docs:
            previews.append(check_return(session, doc))
    for preview in previews:
        print(f"{preview.doc.source}:")
        for item in preview.items:
            flag = f"  [{item.flag.value}]" if item.flag else ""
            print(f"  {item.where}: {item.what}{flag}")
        if not preview.items:
            print("  nothing filled in")
    if not args.yes:
        if not sys.stdin.isatty():
            print("Nothing was applied: run again with --yes to apply these.", file=sys.stderr)
            return EXIT_REFUSED
        if input("Apply these? [y/N] ").strip().casefold() not in ("y", "yes"):
            print("Nothing was applied.")
            return EXIT_REFUSED
    from perfdesk.services.workbook.exchange import backup_before

    backup_before(db, "before-returns")
    total = 0
    for preview in previews:
        added, _ = perform(db, f"Import return {preview.doc.source}",
                           _applier(apply_return, preview, args.confirm_unassigned))
        total += added
    print(f"Added {plural(total, 'update')} and figures.")
    return EXIT_OK


def _applier(apply: Callable[..., int], preview: object, confirm: bool) -> Callable[..., int]:
    return lambda session: apply(session, preview, confirm)


COMMANDS: dict[str, Command] = {"returns": _returns}
