"""Statuses, units, polarities and frequencies are stored as the words users
see and read back as the domain's members, by one column type."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import StatementError
from sqlmodel import select

from perfdesk.cli import main
from perfdesk.domain.measures import Frequency, Polarity, Unit
from perfdesk.domain.status import Status
from perfdesk.errors import PerfDeskError
from perfdesk.services.actions import edits as action_edits
from perfdesk.store import queries
from perfdesk.store.database import Database
from perfdesk.store.enum_text import UnknownStoredWord
from perfdesk.store.schema import Change, Measure, ProgressUpdate
from perfdesk.store.values import column_value


def _first_action(db: Database) -> str:
    with db.read() as session:
        plan = queries.plans(session)[0]
        return queries.plan_actions(session, plan.id)[0].id


def _raw(db: Database, sql: str) -> list[tuple[object, ...]]:
    assert db.path is not None
    conn = sqlite3.connect(db.path)
    try:
        rows = conn.execute(sql).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


def test_a_status_is_stored_as_its_word_and_read_as_its_member(demo_db: Database) -> None:
    action_id = _first_action(demo_db)
    with demo_db.write() as session:
        update = action_edits.add_update(session, action_id, status=Status.AT_RISK,
                                         reported_on=dt.date(2024, 1, 5), author="Jo")
        update_id = update.id
    assert _raw(demo_db, f"SELECT status FROM progress_update WHERE id = '{update_id}'") == [
        ("At risk",)]
    with demo_db.read() as session:
        assert session.get(ProgressUpdate, update_id).status is Status.AT_RISK
        recorded = session.exec(select(Change.new_value).where(
            Change.row_id == update_id, Change.kind == "insert")).one()
    assert json.loads(recorded or "")["status"] == "At risk"  # the history, and every bundle


def test_measure_words_are_the_same_words_as_before(demo_db: Database) -> None:
    words = set(_raw(demo_db, "SELECT DISTINCT unit, polarity, frequency FROM measure"))
    with demo_db.read() as session:
        members = {(m.unit, m.polarity, m.frequency) for m in session.exec(select(Measure))}
    assert {(u.value, p.value, f.value) for u, p, f in members} == words
    assert all(isinstance(u, Unit) and isinstance(p, Polarity) and isinstance(f, Frequency)
               for u, p, f in members)


def test_a_recorded_word_reads_back_as_its_member_and_no_other_word_does() -> None:
    assert column_value(ProgressUpdate, "status", "Off track") is Status.OFF_TRACK
    assert column_value(Measure, "unit", "per 10,000") is Unit.PER_10000
    with pytest.raises(ValueError, match="Sorted"):
        column_value(ProgressUpdate, "status", "Sorted")
    with pytest.raises(ValueError):
        column_value(ProgressUpdate, "status", "on track")  # stored words are exact


def test_only_a_member_or_its_exact_word_can_be_written(demo_db: Database) -> None:
    action_id = _first_action(demo_db)
    before = demo_db.path.read_bytes() if demo_db.path else b""
    with pytest.raises(StatementError, match="not a status"), demo_db.write() as session:
        session.add(ProgressUpdate(action_id=action_id, reported_on=dt.date(2024, 1, 5),
                                   status="Nearly there"))  # type: ignore[arg-type]
    assert demo_db.path is not None and demo_db.path.read_bytes() == before


def test_an_unknown_stored_word_is_refused_in_plain_words(demo_db: Database,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    """A file changed by another program: a plain refusal, not a crash."""
    _raw(demo_db, "UPDATE measure SET unit = 'furlongs' WHERE rowid = 1")
    with pytest.raises(UnknownStoredWord) as refused, demo_db.read() as session:
        session.exec(select(Measure)).all()
    assert isinstance(refused.value, PerfDeskError)
    assert "holds the unit 'furlongs', which this PerfDesk does not know" in str(refused.value)
    demo_db.close()
    assert main(["plans", "--db", str(demo_db.path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the unit 'furlongs'" in err and "Traceback" not in err
    assert main(["check", "--db", str(demo_db.path)]) == 1  # and `check` says where it is
    err = capsys.readouterr().err
    assert err == ("measure unit: 1 row holds 'furlongs', not a unit this PerfDesk knows "
                   "(%, per 10,000, number, £, days)\n")


def test_the_columns_are_still_plain_text(tmp_path: Path, empty_db: Database) -> None:
    columns = {(r[1], r[2]) for r in _raw(empty_db, "PRAGMA table_info(measure)")}
    assert {("unit", "VARCHAR"), ("polarity", "VARCHAR"), ("frequency", "VARCHAR")} <= columns
    assert ("status", "VARCHAR") in {(r[1], r[2]) for r in _raw(
        empty_db, "PRAGMA table_info(progress_update)")}
