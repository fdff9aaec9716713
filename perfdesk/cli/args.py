"""What every command group of `perfdesk` shares: the exit statuses, the
shape of a command, and the argument types and options written once."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:  # the database layer loads only when a command runs
    from perfdesk.store.database import Database

# 0 done, 1 refused (one line per problem on stderr), 2 wrong usage,
# 3 conflicts kept pending (sync receive).
EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_CONFLICTS = 0, 1, 2, 3

# A command: the open database and the parsed arguments in, the exit status out.
Command: TypeAlias = "Callable[[Database, argparse.Namespace], int]"
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def date(text: str) -> dt.date:
    """An argument type: a date as YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def whole_number(text: str) -> int:
    """An argument type: 0, 1, 2..."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 0 or more")
    return int(text)


def add_plan(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plan", required=True, metavar="NAME",
                        help="the plan's short name or title")


def add_as_at(parser: argparse.ArgumentParser, help: str = "as at YYYY-MM-DD") -> None:
    parser.add_argument("--as-at", type=date, metavar="DATE", help=help)


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def add_out(parser: argparse.ArgumentParser, metavar: str, help: str | None = None) -> None:
    parser.add_argument("--out", type=Path, required=True, metavar=metavar, help=help)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
