"""Column values as the history records them (text) and back again."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from enum import Enum
from typing import Any

import sqlalchemy as sa

from perfdesk.store.enum_text import EnumText
from perfdesk.store.history import as_text
from perfdesk.store.schema import Synced

# Control characters no one types: NUL and the rest of C0, except tab, line
# feed, carriage return, and the vertical tab and form feed that text pasted
# from Word carries as its line and page breaks.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")


def control_character(text: str) -> str | None:
    """The first control character in text that no one could have typed, if any."""
    found = _CONTROL.search(text)
    return None if found is None else found[0]


def column_value(model: type[Synced], field: str, text: str | None) -> Any:
    """A recorded text value back as the column's Python value (ValueError
    when the text cannot be one)."""
    if text is None:
        return None
    kind = column_kind(model, field)
    if kind is bool:
        if text not in ("true", "false"):
            raise ValueError(f"{text!r} is not true or false")
        return text == "true"
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(text)
    if kind is dt.date:
        return dt.date.fromisoformat(text)
    if kind is float:
        number = float(text)
        if not math.isfinite(number):  # "inf", "-1e999", "nan": not a figure
            raise ValueError(f"{text!r} is not a finite number")
        return number
    if kind is int:
        return int(text)
    if issubclass(kind, Enum):  # EnumText: the stored word, exactly
        return kind(text)
    return text


@functools.cache  # a bundle asks this for every field of every change
def column_kind(model: type[Synced], field: str) -> type:
    column_type = model.__table__.c[field].type
    if isinstance(column_type, EnumText):
        return column_type.enum
    if isinstance(column_type, sa.TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, sa.DateTime):  # sqlmodel's UTCDateTime names no python_type
        return dt.datetime
    try:
        return column_type.python_type
    except NotImplementedError:
        return str


def same_value(current: Any, recorded: str | None) -> bool:
    """Whether a column's value is the one recorded as text."""
    if isinstance(current, dt.datetime) and recorded is not None:
        try:
            return naive_utc(current) == naive_utc(dt.datetime.fromisoformat(recorded))
        except ValueError:
            return False
    return as_text(current) == recorded


def naive_utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back what was stored without its zone; stored values are UTC.
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
