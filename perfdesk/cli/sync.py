"""`perfdesk sync`: update bundles between laptops and the master.

  send      write this database's changes since its last bundle
  receive   apply bundles; collisions are held as pending conflicts (exit 3)
  conflicts list the pending conflicts
  resolve   decide one conflict, or all of them
  refresh   take the published master, keeping this laptop's unsent changes
  publish   write the master as a file for laptops to refresh from
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from perfdesk.cli.args import EXIT_CONFLICTS, EXIT_OK, Command, Subparsers, add_json, add_out
from perfdesk.errors import PerfDeskError

if TYPE_CHECKING:
    from perfdesk.services.sync.conflicts import ConflictView
    from perfdesk.store.database import Database


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    sync = sub.add_parser("sync", parents=[common],
                          help="update bundles between laptops and the master")
    verbs = sync.add_subparsers(dest="sync_command", required=True,
                                metavar="send|receive|conflicts|resolve|refresh|publish")
    send = verbs.add_parser("send", parents=[common],
                            help="write the changes made here since the last bundle")
    add_out(send, "BUNDLE")
    send.add_argument("--everything", action="store_true",
                      help="every change made here, for a bundle that went astray")
    receive = verbs.add_parser("receive", parents=[common], help="apply bundles to this database")
    receive.add_argument("bundles", type=Path, nargs="+", metavar="BUNDLE")
    receive.add_argument("--resolve", choices=("master", "incoming"),
                         help="decide every new conflict at once this way")
    listing = verbs.add_parser("conflicts", parents=[common], help="the pending conflicts")
    add_json(listing)
    resolve = verbs.add_parser("resolve", parents=[common], help="decide pending conflicts")
    which = resolve.add_mutually_exclusive_group(required=True)
    which.add_argument("id", type=int, nargs="?", metavar="ID",
                       help="the conflict's number in `perfdesk sync conflicts`")
    which.add_argument("--all", action="store_true", help="every pending conflict")
    how = resolve.add_mutually_exclusive_group(required=True)
    how.add_argument("--take", choices=("master", "incoming"))
    how.add_argument("--value", metavar="TEXT", help="a value of your own")
    refresh = verbs.add_parser("refresh", parents=[common],
                               help="take the published master, keeping unsent changes here")
    refresh.add_argument("master", type=Path, metavar="MASTER")
    publish = verbs.add_parser("publish", parents=[common],
                               help="write this master as a file for laptops")
    add_out(publish, "FILE")


def opens_database(args: argparse.Namespace) -> bool:
    """Refresh replaces the file, so it must not be held open while it runs."""
    return not (args.command == "sync" and args.sync_command == "refresh")


def refresh_without_open(args: argparse.Namespace, db_path: str, author: str) -> int:
    from perfdesk.clock import system_clock
    from perfdesk.services.sync.copies import refresh

    if "://" in db_path:
        raise PerfDeskError("Only a database file can be refreshed from the master.")
    result = refresh(Path(db_path), args.master, author=author, clock=system_clock)
    if result.created:
        print(f"Made {result.path} from {args.master.name}")
    else:
        print(f"Refreshed {result.path} from {args.master.name}; kept {result.kept} change"
              f"{'' if result.kept == 1 else 's'} made here and not yet in the master.")
    return EXIT_OK


def _sync(db: Database, args: argparse.Namespace) -> int:
    return _VERBS[args.sync_command](db, args)


def _send(db: Database, args: argparse.Namespace) -> int:
    from perfdesk.services.sync.send import send

    result = send(db, args.out, everything=args.everything)
    print(f"Wrote {result.changes} change{'' if result.changes == 1 else 's'} to {result.path}")
    return EXIT_OK


def _receive(db: Database, args: argparse.Namespace) -> int:
    from perfdesk.services.sync.conflicts import Take, pending, resolve
    from perfdesk.services.sync.receive import receive
    from perfdesk.store.edits import perform

    report = receive(db, args.bundles)
    for bundle in report.bundles:
        tally = bundle.tally
        if bundle.new == 0:
            print(f"{bundle.source}: already received; nothing changed.")
            continue
        print(f"{bundle.source} (from {bundle.author or 'someone'}, {bundle.database_name}): "
              f"{tally.applied} applied, {tally.same} already here, "
              f"{len(tally.conflicts)} conflict{'' if len(tally.conflicts) == 1 else 's'}"
              + (f", {tally.missing} waiting for rows not here yet" if tally.missing else ""))
    new = report.conflicts
    if new and args.resolve:
        take = Take(args.resolve)
        perform(db, f"Keep the {take.value}'s values",
                lambda s: [resolve(s, i, take, db.author) for i in new])
        print(f"Decided {len(new)} conflict{'' if len(new) == 1 else 's'}: "
              f"kept the {take.value}'s value.")
    with db.read() as session:
        views = pending(session)
    waiting = [c for c in views if c.id in new]
    if waiting:
        print(f"{len(waiting)} conflict{'' if len(waiting) == 1 else 's'} kept pending:")
        for view in waiting:
            print(_conflict_line(view))
        print("Decide with `perfdesk sync resolve ID --take master|incoming` "
              "or in the window (File > Conflicts).")
        return EXIT_CONFLICTS
    older = len(views)
    if older:
        print(f"{older} conflict{'' if older == 1 else 's'} from earlier bundles "
              f"{'is' if older == 1 else 'are'} still pending: `perfdesk sync conflicts`.")
    return EXIT_OK


def _conflicts(db: Database, args: argparse.Namespace) -> int:
    from perfdesk.services.sync.conflicts import pending

    with db.read() as session:
        views = pending(session)
    if args.json:
        print(json.dumps([{
            "id": v.id, "where": v.where, "ref": v.ref, "field": v.field, "base": v.base,
            "master": v.master, "incoming": v.incoming, "incoming_author": v.incoming_author,
            "incoming_at": v.incoming_at.isoformat(),
        } for v in views], indent=2, ensure_ascii=False))
        return EXIT_OK
    if not views:
        print("No conflicts are pending.")
    for view in views:
        print(_conflict_line(view))
    return EXIT_OK


def _conflict_line(view: ConflictView) -> str:
    from perfdesk.services.sync.conflicts import local_time

    return (f"  #{view.id}  {view.where}, {view.field}\n"
            f"      master:   {_shown(view.master)}\n"
            f"      incoming: {_shown(view.incoming)}  ({view.incoming_author or 'someone'}, "
            f"{local_time(view.incoming_at):%d %b %Y %H:%M})\n"
            f"      both started from: {_shown(view.base)}")


def _shown(value: str | None) -> str:
    return "(blank)" if value in (None, "") else repr(value)


def _resolve(db: Database, args: argparse.Namespace) -> int:
    from perfdesk.services.sync.conflicts import Take, resolve, resolve_all
    from perfdesk.store.edits import perform

    take = Take.EDITED if args.value is not None else Take(args.take)
    if args.all:
        count, _ = perform(db, "Decide conflicts", lambda s: resolve_all(s, take, db.author))
        print(f"Decided {count} conflict{'' if count == 1 else 's'}.")
        return EXIT_OK
    perform(db, f"Decide conflict {args.id}",
            lambda s: resolve(s, args.id, take, db.author, args.value))
    print(f"Decided conflict {args.id}.")
    return EXIT_OK


def _publish(db: Database, args: argparse.Namespace) -> int:
    from perfdesk.services.sync.copies import publish

    out = publish(db, args.out)
    print(f"Published {out}")
    return EXIT_OK


_VERBS: dict[str, Command] = {
    "send": _send, "receive": _receive, "conflicts": _conflicts, "resolve": _resolve,
    "publish": _publish,  # refresh replaces the file, so it runs unopened: refresh_without_open
}
COMMANDS: dict[str, Command] = {"sync": _sync}
