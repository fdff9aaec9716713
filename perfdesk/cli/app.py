"""The `perfdesk` command: no subcommand opens the window; a subcommand works
headless. Exit status: 0 done, 1 refused (one line per problem on stderr),
or stopped by an unexpected problem (one line saying so and where the log
with the details is), 2 wrong usage, 3 conflicts kept pending (sync receive).

Commands that only read (`READ_ONLY_COMMANDS`) open the database read-only,
so they never change it. Every file the process makes is owner-only: `main`
tightens the umask to take away group and other access (see `owner_only`).

This module assembles the parser, runs a command and is the last resort for
a bug. The commands are one module per group (`plans`, `pack`, `actions`,
`backup`, `returns`, `sync`), each with `add_parsers` and `COMMANDS`; what
they share (exit statuses, dates, `--plan`, `--out`, `--json`) is `args`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from perfdesk import __version__
from perfdesk.cli import actions as cli_actions
from perfdesk.cli import backup as cli_backup
from perfdesk.cli import pack as cli_pack
from perfdesk.cli import plans as cli_plans
from perfdesk.cli import returns as cli_returns
from perfdesk.cli import sync as cli_sync
from perfdesk.cli.args import EXIT_OK, EXIT_REFUSED, Command
from perfdesk.errors import PerfDeskError, ValidationFailed
from perfdesk.login import login_name
from perfdesk.paths import default_database

log = logging.getLogger(__name__)


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

    cli_plans.add_parsers(sub, common)
    cli_pack.add_parsers(sub, common)
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

    creates = args.command in cli_plans.CREATES
    cli_plans.before_open(args)
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


COMMANDS: dict[str, Command] = {
    **cli_plans.COMMANDS, **cli_pack.COMMANDS, **cli_actions.COMMANDS, **cli_backup.COMMANDS,
    **cli_returns.COMMANDS, **cli_sync.COMMANDS,
}
