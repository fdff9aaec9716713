"""An enumerated column (a status, a unit, a polarity...) stored as the word
users see, and read back as the domain's enum member: the one place those
words are turned into members and back, instead of every reader parsing them.

The column stays plain text (VARCHAR), so the schema and the stored words are
exactly what they were. Only a member, or its exact stored word, can be
written. A word this PerfDesk does not know (a file changed by another
program, or by a newer PerfDesk) is refused when read, in plain words.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Dialect, String, Table, func, select, type_coerce
from sqlalchemy.types import TypeDecorator
from sqlmodel.sql.sqltypes import AutoString

from perfdesk.errors import NotPerfDeskDatabase

E = TypeVar("E", bound=Enum)


class UnknownStoredWord(NotPerfDeskDatabase):
    """A stored enumerated column holds a word this PerfDesk does not know."""


class EnumText(TypeDecorator[E], Generic[E]):
    """`enum` members stored as their value (text)."""

    impl = AutoString
    cache_ok = True

    def __init__(self, enum: type[E]) -> None:
        super().__init__()
        self.enum = enum
        self._by_word: dict[str, E] = {str(m.value): m for m in enum}

    @property
    def python_type(self) -> type[E]:
        return self.enum

    def word(self, value: E | str) -> str:
        """The stored word of a member (or of its exact word)."""
        if isinstance(value, self.enum):
            return str(value.value)
        if isinstance(value, str) and value in self._by_word:
            return value
        raise ValueError(f"{value!r} is not a {self._what} (expected one of: {self._options})")

    def member(self, word: str) -> E:
        """The member stored as `word` (ValueError for any other word)."""
        found = self._by_word.get(word)
        if found is None:
            raise ValueError(f"{word!r} is not a {self._what} "
                             f"(expected one of: {self._options})")
        return found

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.word(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        if value is None:
            return None
        found = self._by_word.get(value)
        if found is None:
            raise UnknownStoredWord(
                f"The database holds the {self._what} {value!r}, which this PerfDesk does not "
                f"know (expected one of: {self._options}): it was changed by another program "
                "or a newer PerfDesk. Nothing was changed; restore a backup or update PerfDesk."
            )
        return found

    def copy(self, **kw: Any) -> EnumText[E]:
        return EnumText(self.enum)

    @property
    def _what(self) -> str:
        return self.enum.__name__.lower()

    @property
    def _options(self) -> str:
        return ", ".join(self._by_word)


def unknown_words(connection: Connection, tables: Iterable[Table]) -> list[str]:
    """Each word stored in an `EnumText` column of `tables` that this
    PerfDesk does not know, in plain words (`perfdesk check` lists them)."""
    problems = []
    for table in tables:
        for column in table.columns:
            if not isinstance(column.type, EnumText):
                continue
            stored = type_coerce(column, String())  # the words as stored, not parsed
            for word, count in connection.execute(
                    select(stored, func.count()).where(column.isnot(None)).group_by(stored)):
                if word not in column.type._by_word:
                    problems.append(
                        f"{table.name} {column.name}: {count} "
                        f"{'row holds' if count == 1 else 'rows hold'} {word!r}, "
                        f"not a {column.type._what} this PerfDesk knows ({column.type._options})")
    return problems
