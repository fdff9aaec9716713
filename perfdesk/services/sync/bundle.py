"""The update bundle file: every change one database made since it last sent,
as UTF-8 JSON with a SHA-256 checksum over the whole (docs/bundle-format.md).

Reading checks everything before anything is applied: a file that is not a
bundle, is cut short, has been altered, or holds a change that could not be
applied to this schema is refused whole, naming the file and what is wrong.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from perfdesk import __version__
from perfdesk.errors import Problem, ValidationFailed
from perfdesk.files import write_atomically
from perfdesk.store.edits import TABLES
from perfdesk.store.values import column_value, control_character

FORMAT = "PerfDesk update bundle"
FORMAT_VERSION = 1
SUFFIX = ".perfdesk-updates"
MAX_BYTES = 512 * 1024 * 1024
MAX_CHANGES = 500_000  # a term of a busy service is tens of thousands (docs/bundle-format.md)
# Figures that count things (docs/workbook-format.md, Values): never below zero.
COUNT_FIELDS = {"measure_value": frozenset({"numerator", "denominator"})}
KINDS = frozenset({"insert", "update", "delete", "restore"})
UNSENT_FIELDS = frozenset({"id", "version", "updated_at"})
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class BundleChange:
    """One recorded change, as it travels."""

    id: str
    table: str
    row_id: str
    kind: str  # insert, update, delete, restore
    field: str
    old: str | None
    new: str | None  # an insert's new value is the whole row, as JSON
    base_version: int  # the row's version the change was made on (0 for an insert)
    author: str
    changed_at: str  # ISO 8601, UTC
    database_id: str

    def row_values(self) -> dict[str, str | None]:
        """An insert's row, column by column (as recorded text)."""
        return dict(json.loads(self.new or "{}"))


@dataclass(frozen=True)
class Bundle:
    bundle_id: str
    created_at: str
    author: str
    database_id: str
    database_name: str
    schema: str
    perfdesk_version: str
    changes: tuple[BundleChange, ...]
    family: str = ""  # the master the sender is a copy of (see sync_state.family)
    source: str = ""  # the file it was read from


def checksum(body: dict[str, Any]) -> str:
    """SHA-256 of the body's canonical JSON: exactly the bytes of
    `json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`,
    made a list item at a time, so a worker thread working out the checksum
    of a large bundle never holds Python's lock (the GIL) for long and the
    window keeps going."""
    digest = hashlib.sha256()
    for piece in _canonical_pieces(body):
        digest.update(piece.encode("utf-8"))
    return "sha256:" + digest.hexdigest()


def _canonical_pieces(body: dict[str, Any]) -> Iterator[str]:
    def dumps(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    yield "{"
    for number, (key, value) in enumerate(sorted(body.items())):
        yield ("," if number else "") + dumps(key) + ":"
        if isinstance(value, list) and value:
            for start in range(0, len(value), 200):
                yield ("[" if start == 0 else ",") + ",".join(
                    dumps(item) for item in value[start:start + 200])
            yield "]"
        else:
            yield dumps(value)
    yield "}"


def write_bundle(bundle: Bundle, out: Path) -> Path:
    body = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "bundle_id": bundle.bundle_id, "created_at": bundle.created_at,
        "author": bundle.author, "database_id": bundle.database_id,
        "database_name": bundle.database_name, "schema": bundle.schema,
        "perfdesk_version": bundle.perfdesk_version or __version__,
        "family": bundle.family,
        "changes": [asdict(c) for c in bundle.changes],
    }
    body["checksum"] = checksum(body)
    text = json.dumps(body, ensure_ascii=False, indent=1)
    write_atomically(out, lambda handle: handle.write(text.encode("utf-8")))
    return out


def read_bundle(path: Path) -> Bundle:
    """The bundle in `path`, checked whole; ValidationFailed otherwise."""
    source = Path(path).name
    body = _load(Path(path), source)
    problems: list[Problem] = []
    changes = []
    items = body["changes"]
    items.reverse()  # taken from the end, each read change is let go of as it goes
    number = 0
    while items:
        number += 1
        change = _change(items.pop(), f"change {number}", problems)
        if change is not None:
            changes.append(change)
        if len(problems) >= 20:
            problems.append(Problem("…", "further changes were not checked"))
            break
    if problems:
        raise ValidationFailed(source, problems)
    return Bundle(
        bundle_id=body["bundle_id"], created_at=body["created_at"], author=body["author"],
        database_id=body["database_id"], database_name=body["database_name"],
        schema=body["schema"], perfdesk_version=body["perfdesk_version"],
        changes=tuple(changes), family=str(body.get("family") or ""), source=source,
    )


PIECE = 1024 * 1024  # a large file is counted and decoded this much at a time


def _count(raw: bytes, word: bytes) -> int:
    """`raw.count(word)` a piece at a time (the GIL is let go between)."""
    return sum(raw.count(word, start, start + PIECE + len(word) - 1)
               for start in range(0, len(raw), PIECE))


def _decoded(raw: bytes) -> str:
    """`raw.decode("utf-8")` a piece at a time (the GIL is let go between);
    UnicodeDecodeError as that would raise."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    pieces = [decoder.decode(view[start:start + PIECE]) for start in range(0, len(raw), PIECE)]
    pieces.append(decoder.decode(b"", final=True))
    return "".join(pieces)


_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace
_DECODER = json.JSONDecoder()


class _NotLaidOut(ValueError):
    """Not an object of values and lists: left to json.loads."""


def _parse(text: str) -> Any:
    """`json.loads(text)`, read a list item at a time where the text is a
    JSON object (as every bundle is), so a worker thread reading a large
    bundle never holds Python's lock for long. Anything else, or anything
    wrong, is read by `json.loads` itself, for its own error and position."""
    try:
        return _object_in_pieces(text)
    except (ValueError, RecursionError):
        return json.loads(text)


def _object_in_pieces(text: str) -> dict[str, Any]:
    def space(at: int) -> int:
        return _SPACE.match(text, at).end()  # type: ignore[union-attr]

    def expect(at: int, char: str) -> int:
        if text[at:at + 1] != char:
            raise _NotLaidOut(char)
        return space(at + 1)

    at = expect(space(0), "{")
    body: dict[str, Any] = {}
    while text[at:at + 1] != "}":
        if text[at:at + 1] != '"':
            raise _NotLaidOut("key")
        key, at = _DECODER.raw_decode(text, at)
        at = expect(space(at), ":")
        if text[at:at + 1] == "[":
            value, at = _list_in_pieces(text, space(at + 1), space)
        else:
            value, at = _DECODER.raw_decode(text, at)
        body[key] = value
        at = space(at)
        if text[at:at + 1] != "}":
            at = expect(at, ",")
            if text[at:at + 1] == "}":  # a trailing comma
                raise _NotLaidOut("key")
    if space(at + 1) != len(text):
        raise _NotLaidOut("end")
    return body


def _list_in_pieces(text: str, at: int, space: Any) -> tuple[list[Any], int]:
    items: list[Any] = []
    if text[at:at + 1] == "]":
        return items, at + 1
    while True:
        item, at = _DECODER.raw_decode(text, at)
        items.append(item)
        at = space(at)
        if text[at:at + 1] == "]":
            return items, at + 1
        if text[at:at + 1] != ",":
            raise _NotLaidOut(",")
        at = space(at + 1)


def _refuse(source: str, reason: str) -> ValidationFailed:
    return ValidationFailed(source, [Problem("the file", reason)])


def _load(path: Path, source: str) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _refuse(source, f"it is {size // (1024 * 1024)} MB, more than any bundle")
        raw = path.read_bytes()
    except OSError as exc:
        raise _refuse(source, f"it cannot be read ({exc.strerror})") from exc
    # Cheap before parsing: every change names its row once, so more row ids
    # than the limit is more changes than the limit (checked again after).
    if _count(raw, b'"row_id"') > MAX_CHANGES:
        raise _too_many(source)
    try:
        body = _parse(_decoded(raw))
    except UnicodeDecodeError as exc:
        raise _refuse(source, "it is not a PerfDesk update bundle (not text)") from exc
    except json.JSONDecodeError as exc:
        raise _refuse(source, "it is not a whole PerfDesk update bundle (cut short or "
                              f"not one: {exc.msg} at character {exc.pos})") from exc
    except RecursionError as exc:  # [[[[...]]]] nested deeper than Python reads
        raise _refuse(source, "it is not a PerfDesk update bundle: its JSON is nested far "
                              "too deeply (the file is damaged, or is something else)") from exc
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise _refuse(source, "it is not a PerfDesk update bundle")
    version = body.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise _refuse(source, f"it was written by a newer PerfDesk (bundle format {version}); "
                              "update PerfDesk to receive it")
    stated = body.pop("checksum", None)
    if stated != checksum(body):
        raise _refuse(source, "its checksum does not match its contents: it was damaged or "
                              "altered after it was sent. Ask for it to be sent again")
    for key in ("bundle_id", "created_at", "author", "database_id", "database_name",
                "schema", "perfdesk_version"):
        if not isinstance(body.get(key), str):
            raise _refuse(source, f"its {key.replace('_', ' ')} is missing")
    if not isinstance(body.get("changes"), list):
        raise _refuse(source, "it holds no list of changes")
    if len(body["changes"]) > MAX_CHANGES:
        raise _too_many(source)
    return body


def _too_many(source: str) -> ValidationFailed:
    return _refuse(source, f"it holds more than {MAX_CHANGES:,} changes, more than any "
                           "bundle PerfDesk sends: check that this is the right file")


def _change(item: Any, where: str, problems: list[Problem]) -> BundleChange | None:
    def bad(reason: str) -> None:
        problems.append(Problem(where, reason))

    if not isinstance(item, dict):
        bad("not a change")
        return None
    try:
        change = BundleChange(**item)
    except TypeError:
        bad("its fields are not those of a change")
        return None
    text_fields = ("id", "table", "row_id", "kind", "field", "author", "changed_at",
                   "database_id")
    wrong = [f for f in text_fields if not isinstance(getattr(change, f), str)]
    wrong += [f for f in ("old", "new") if not isinstance(getattr(change, f), str | None)]
    if not isinstance(change.base_version, int) or isinstance(change.base_version, bool):
        wrong.append("base_version")
    if wrong:
        bad(f"a field has the wrong type ({', '.join(wrong)})")
        return None
    where = f"{where} ({change.id}, {change.table}"
    where += f" {change.field})" if change.field else ")"
    model = TABLES.get(change.table)
    if model is None:
        bad(f"unknown table {change.table!r}")
        return None
    if change.kind not in KINDS:
        bad(f"unknown kind of change {change.kind!r}")
        return None
    if not _UUID.fullmatch(change.id) or not _UUID.fullmatch(change.row_id):
        bad("its ids are not PerfDesk ids")
        return None
    try:
        dt.datetime.fromisoformat(change.changed_at)
    except ValueError:
        bad(f"unreadable time {change.changed_at!r}")
        return None
    columns = set(model.__table__.c.keys())
    if change.kind == "insert":
        try:
            values = change.row_values()
        except (json.JSONDecodeError, TypeError, ValueError, RecursionError):
            bad("the added row is not readable")
            return None
        unknown = set(values) - columns
        if unknown or values.get("id") != change.row_id:
            bad(f"the added {change.table} row does not fit this PerfDesk "
                f"({', '.join(sorted(unknown)) or 'wrong id'})")
            return None
        if any(not isinstance(v, str | None) for v in values.values()):
            bad("the added row is not readable (a value that is not text)")
            return None
        pairs = list(values.items())
    elif change.field not in columns or change.field in UNSENT_FIELDS:
        bad(f"{change.table} has no field {change.field!r} that can change")
        return None
    else:
        pairs = [(change.field, change.old), (change.field, change.new)]
    counts = COUNT_FIELDS.get(change.table, frozenset())
    for field, text in pairs:
        what = field.replace('_', ' ')
        try:
            value = column_value(model, field, text)
        except (ValueError, TypeError, OverflowError):
            bad(f"{change.table} {what}: {text!r} is not a valid {what}")
            return None
        if isinstance(value, str) and (char := control_character(value)) is not None:
            bad(f"{change.table} {what}: the text holds a control character "
                f"(U+{ord(char):04X})")
            return None
        if field in counts and value is not None and value < 0:
            bad(f"{change.table} {what}: {text!r} is below zero, and a {what} counts things")
            return None
    return change
