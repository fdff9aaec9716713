"""Date rules at their edges, with the real clock moved by time-machine.

PerfDesk reads the clock in one place (`perfdesk.clock.system_clock`); every
rule below takes "today" from it through its caller. Moving the clock to a
leap day, to 31 March (the council year's last day) and to the last day of a
quarter shows the rules turn over on the right day, whatever day the suite
runs on.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from perfdesk.clock import fixed_clock, system_clock
from perfdesk.domain.backup_policy import backups_to_keep
from perfdesk.domain.status import Status, is_overdue
from perfdesk.services.actions.rows import action_rows
from perfdesk.services.overview import overview
from perfdesk.store.database import Database
from perfdesk.store.queries import find_plan

LEAP_DAY = dt.datetime(2024, 2, 29, 12, 0)


def _today() -> dt.date:
    return system_clock().date()


@pytest.mark.parametrize(("moment", "overdue"), [
    (dt.datetime(2024, 3, 31, 23, 59, 59), False),  # due today: not yet overdue
    (dt.datetime(2024, 4, 1, 0, 0, 1), True),  # the first second of the next day
])
def test_an_action_due_on_31_march_is_overdue_from_1_april(
        moment: dt.datetime, overdue: bool) -> None:
    with time_machine.travel(moment, tick=False):
        assert is_overdue(dt.date(2024, 3, 31), Status.ON_TRACK, _today()) is overdue
        assert not is_overdue(dt.date(2024, 3, 31), Status.COMPLETE, _today())


def test_the_demo_plan_turns_overdue_at_midnight_on_its_due_day(demo_db: Database) -> None:
    """The lists' overdue flags follow the clock they are given, day by day."""

    def overdue_refs(moment: dt.datetime) -> set[str]:
        with time_machine.travel(moment, tick=False), demo_db.read() as session:
            plan = find_plan(session, "Children's Services")
            return {r.ref for r in action_rows(session, plan.id, _today()) if r.overdue}

    with demo_db.read() as session:
        plan = find_plan(session, "Children's Services")
        rows = action_rows(session, plan.id, dt.date(2023, 4, 1))
    due = sorted({r.due_date for r in rows if r.due_date and not r.status.is_finished})
    first = due[0]
    on_the_day = overdue_refs(dt.datetime.combine(first, dt.time(23, 59)))
    next_day = overdue_refs(dt.datetime.combine(first + dt.timedelta(days=1), dt.time(0, 1)))
    turned = {r.ref for r in rows if r.due_date == first and not r.status.is_finished}
    assert turned and not turned & on_the_day
    assert turned <= next_day


@pytest.mark.parametrize(("moment", "counted"), [
    (dt.datetime(2023, 6, 29, 23, 59), []),
    (dt.datetime(2023, 6, 30, 0, 0), [dt.date(2023, 6, 30)]),  # the quarter's last day counts
    (dt.datetime(2023, 9, 30, 9, 0), [dt.date(2023, 6, 30), dt.date(2023, 9, 30)]),
])
def test_a_quarter_end_counts_from_its_own_last_day(
        demo_db: Database, moment: dt.datetime, counted: list[dt.date]) -> None:
    with time_machine.travel(moment, tick=False), demo_db.read() as session:
        plan = find_plan(session, "Children's Services")
        view = overview(session, plan.id, _today())
    assert [q.as_at for q in view.quarter_ends] == counted


def test_backups_are_thinned_across_a_leap_day() -> None:
    """One a day for 3 days back from 1 March 2024 keeps 29 February, not a 30th."""
    taken = [dt.datetime(2024, 2, d, 9) for d in range(20, 30)] + [dt.datetime(2024, 3, 1, 9)]
    with time_machine.travel(dt.datetime(2024, 3, 1, 18), tick=False):
        kept = backups_to_keep(taken, system_clock(), days=3, weeks=0, months=0)
    assert sorted(t.date() for t in kept) == [
        dt.date(2024, 2, 27), dt.date(2024, 2, 28), dt.date(2024, 2, 29), dt.date(2024, 3, 1)]


def test_a_stopped_clock_is_not_moved_by_the_real_one() -> None:
    stopped = fixed_clock(dt.date(2024, 2, 29))
    with time_machine.travel(dt.datetime(2031, 1, 1), tick=False):
        assert stopped() == dt.datetime(2024, 2, 29, 0, 0)
        assert system_clock().date() == dt.date(2031, 1, 1)


def test_the_window_and_its_dialogs_tell_the_time_by_the_database_clock(
        demo_db: Database, qtbot, tmp_path) -> None:
    """On the leap day the update dialog offers 29 February and no later."""
    from PySide6.QtCore import QDate, QSettings
    from PySide6.QtWidgets import QApplication

    from perfdesk.ui.dialogs.update_dialog import UpdateDialog
    from perfdesk.ui.ops import Operations
    from perfdesk.ui.settings import Settings

    assert QApplication.instance() is not None
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    with time_machine.travel(LEAP_DAY, tick=False):
        ops = Operations(demo_db, settings)
        dialog = UpdateDialog(None, Status.ON_TRACK, "Sam", "1.2", today=ops.today())
        qtbot.addWidget(dialog)
    assert dialog.reported_on.date() == QDate(2024, 2, 29)
    assert dialog.reported_on.maximumDate() == QDate(2024, 2, 29)
