"""Backups: thinned by age, listed newest first, and restorable - a restore
itself backed up first so it can be undone."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from perfdesk.domain.backup_policy import backups_to_keep
from perfdesk.errors import DatabaseTooNew, NotPerfDeskDatabase
from perfdesk.store.backup import (
    STAMP_FORMAT,
    backup,
    backup_folder,
    list_backups,
    prune,
)
from perfdesk.store.database import Database
from perfdesk.store.restore import Identity, restore
from perfdesk.store.schema import Plan
from tests.databases import make_schema_0001, plan_titles

NOW = dt.datetime(2026, 11, 23, 14, 5)


# --- the policy -------------------------------------------------------------

moments = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=NOW)
policies = st.fixed_dictionaries({
    "days": st.integers(0, 20), "weeks": st.integers(0, 12),
    "months": st.none() | st.integers(0, 30),
})


@given(st.lists(moments, min_size=1, max_size=60, unique=True), policies)
def test_the_newest_backup_is_always_kept(taken, policy) -> None:
    assert max(taken) in backups_to_keep(taken, NOW, **policy)


@given(st.lists(moments, max_size=60, unique=True), policies)
def test_keeping_is_idempotent(taken, policy) -> None:
    kept = backups_to_keep(taken, NOW, **policy)
    assert kept <= set(taken)
    assert backups_to_keep(sorted(kept), NOW, **policy) == kept


@given(st.lists(moments, max_size=60, unique=True), policies)
def test_nothing_from_today_is_dropped(taken, policy) -> None:
    today = {t for t in taken if t.date() == NOW.date()}
    assert today <= backups_to_keep(taken, NOW, **policy)


@given(st.lists(moments, max_size=60, unique=True), policies)
def test_the_kept_count_is_bounded(taken, policy) -> None:
    kept = backups_to_keep(taken, NOW, **policy)
    today = sum(t.date() == NOW.date() for t in taken)
    months = policy["months"]
    if months is None:  # every month before the weeks, at most one each
        months = len({(t.year, t.month) for t in taken})
    assert len(kept) <= max(1 if taken else 0, today + policy["days"] + policy["weeks"] + months)


def test_the_policy_keeps_recent_days_then_weeks_then_months() -> None:
    taken = [
        NOW - dt.timedelta(hours=1), NOW - dt.timedelta(hours=2),  # today: both kept
        dt.datetime(2026, 11, 22, 9), dt.datetime(2026, 11, 22, 18),  # yesterday: the 18:00
        dt.datetime(2026, 11, 2, 9), dt.datetime(2026, 11, 4, 9),  # one ISO week: the 4th
        dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 30),  # one month: the 30th
    ]
    kept = backups_to_keep(taken, NOW, days=14, weeks=8)
    assert kept == {taken[0], taken[1], taken[3], taken[5], taken[7]}
    assert backups_to_keep(taken, NOW, days=14, weeks=8, months=0) == kept - {taken[7]}
    assert backups_to_keep(taken, NOW, days=0, weeks=0, months=0) == {taken[0], taken[1]}


def test_the_newest_is_kept_even_when_every_window_is_empty() -> None:
    old = [dt.datetime(2021, 1, 1), dt.datetime(2021, 6, 1)]
    assert backups_to_keep(old, NOW, days=0, weeks=0, months=0) == {old[1]}


# --- the files --------------------------------------------------------------


def _stamped(db_path: Path, when: dt.datetime, reason: str = "manual") -> Path:
    """A backup file named as `backup()` names it, taken at a chosen time."""
    folder = backup_folder(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{db_path.stem}-{when.strftime(STAMP_FORMAT)}-{reason}.sqlite"
    path.write_bytes(b"")
    return path


def _add_plan(db: Database, title: str) -> None:
    with db.write() as session:
        session.add(Plan(title=title, short_name=title))


def test_list_backups_is_newest_first_with_reasons(db_path: Path) -> None:
    times = [dt.datetime(2026, 11, 20, 9), dt.datetime(2026, 11, 23, 8),
             dt.datetime(2026, 10, 1, 12)]
    for when, reason in zip(times, ["manual", "before-schema-0003", "before-restore"],
                            strict=True):
        _stamped(db_path, when, reason)
    (backup_folder(db_path) / "notes.sqlite").write_bytes(b"not ours")  # ignored, not deleted
    found = list_backups(db_path)
    assert [b.taken_at for b in found] == sorted(times, reverse=True)
    assert [b.reason for b in found] == ["before-schema-0003", "manual", "before-restore"]
    assert all(b.size == 0 for b in found)
    assert list_backups(db_path.with_name("other.sqlite")) == []


def test_prune_deletes_what_the_policy_drops(db_path: Path) -> None:
    keep = [_stamped(db_path, NOW - dt.timedelta(minutes=5)),
            _stamped(db_path, dt.datetime(2026, 11, 20, 17)),
            _stamped(db_path, dt.datetime(2026, 6, 3))]
    drop = [_stamped(db_path, dt.datetime(2026, 11, 20, 9)),
            _stamped(db_path, dt.datetime(2026, 6, 1))]
    removed = prune(db_path, now=NOW)
    assert sorted(removed) == sorted(drop)
    assert sorted(b.path for b in list_backups(db_path)) == sorted(keep)
    assert prune(db_path, now=NOW) == []
    # a stricter policy drops the month-old ones too, but never the newest
    assert prune(db_path, now=NOW, days=0, weeks=0, months=0) == keep[1:]


def test_backup_thins_the_folder_as_it_goes(empty_db: Database, db_path: Path) -> None:
    old = [_stamped(db_path, dt.datetime(2024, 5, day)) for day in (1, 2, 3)]
    saved = backup(db_path, "manual", NOW)
    left = {b.path for b in list_backups(db_path)}
    assert saved in left and old[2] in left
    assert not (old[0] in left or old[1] in left)


def test_restore_brings_the_data_back_and_can_be_undone(empty_db: Database,
                                                         db_path: Path) -> None:
    _add_plan(empty_db, "Before")
    saved = backup(db_path, "manual", NOW)
    _add_plan(empty_db, "After")
    empty_db.close()

    before_restore = restore(db_path, saved, NOW)
    assert plan_titles(db_path) == {"Before"}
    assert before_restore.name.endswith("-before-restore.sqlite")
    assert before_restore in {b.path for b in list_backups(db_path)}

    restore(db_path, before_restore, NOW)  # the undo
    assert plan_titles(db_path) == {"Before", "After"}


def test_restore_works_while_the_database_is_open(empty_db: Database, db_path: Path) -> None:
    _add_plan(empty_db, "Before")
    saved = backup(db_path, "manual", NOW)
    _add_plan(empty_db, "After")
    restore(db_path, saved, NOW)
    with empty_db.read() as session:
        assert {p.title for p in session.exec(select(Plan)).all()} == {"Before"}


def test_restoring_a_file_that_is_not_a_database_is_refused(empty_db: Database,
                                                              db_path: Path,
                                                              tmp_path: Path) -> None:
    empty_db.close()
    original = db_path.read_bytes()
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("my shopping list\n")
    with pytest.raises(NotPerfDeskDatabase, match="not a PerfDesk database"):
        restore(db_path, bogus, NOW)
    assert db_path.read_bytes() == original
    assert list_backups(db_path) == []  # refused before anything was written


def test_restoring_another_sqlite_database_is_refused(empty_db: Database, db_path: Path,
                                                      tmp_path: Path) -> None:
    empty_db.close()
    original = db_path.read_bytes()
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(NotPerfDeskDatabase):
        restore(db_path, other, NOW)
    assert db_path.read_bytes() == original


def test_restoring_a_database_from_a_newer_perfdesk_is_refused(empty_db: Database,
                                                               db_path: Path) -> None:
    saved = backup(db_path, "manual", NOW)
    empty_db.close()
    with sqlite3.connect(saved) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    original, saved_bytes = db_path.read_bytes(), saved.read_bytes()
    with pytest.raises(DatabaseTooNew, match="newer PerfDesk"):
        restore(db_path, saved, NOW)
    assert db_path.read_bytes() == original
    assert saved.read_bytes() == saved_bytes
    assert [b.path for b in list_backups(db_path)] == [saved]


def test_a_backup_from_an_older_schema_is_restored_and_upgraded(empty_db: Database,
                                                                 db_path: Path,
                                                                 tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    make_schema_0001(old)
    with sqlite3.connect(old) as conn:
        conn.execute(
            "INSERT INTO plan (id, version, updated_at, title, short_name, organisation, board,"
            " marking, state, description) VALUES ('p1', 1, '2023-04-01 00:00:00',"
            " 'From 0001', 'Old', '', '', '', 'Draft', '')"
        )
        conn.execute("INSERT INTO database_info (id, created_at, created_by)"
                     " VALUES ('d1', '2023-04-01 00:00:00', 'PerfDesk 0.0.1')")
    conn.close()
    old_bytes = old.read_bytes()
    empty_db.close()

    restore(db_path, old, NOW, identity=Identity.KEEP)  # another database's (d1)
    assert plan_titles(db_path) == {"From 0001"}
    assert old.read_bytes() == old_bytes  # checked on a copy, never changed


def test_the_number_kept_is_set_per_database_and_applies_at_once(db_path: Path) -> None:
    from perfdesk.domain.backup_policy import KeepPolicy
    from perfdesk.store.backup import read_policy, set_policy

    assert read_policy(db_path) == KeepPolicy()  # the default until set
    old = [_stamped(db_path, NOW - dt.timedelta(days=d)) for d in (1, 2, 3, 4)]
    removed = set_policy(db_path, KeepPolicy(days=2, weeks=0, months=0), NOW)
    assert read_policy(db_path) == KeepPolicy(days=2, weeks=0, months=0)
    assert sorted(removed) == sorted(old[2:])  # thinned at once
    assert prune(db_path, now=NOW) == []  # and later thinning follows it


def test_an_unreadable_setting_falls_back_to_the_default(db_path: Path) -> None:
    from perfdesk.domain.backup_policy import KeepPolicy
    from perfdesk.store.backup import policy_file, read_policy

    policy_file(db_path).parent.mkdir(parents=True)
    policy_file(db_path).write_text("{ days: lots }")
    assert read_policy(db_path) == KeepPolicy()
