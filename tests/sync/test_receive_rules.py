"""How a master takes in laptops' changes, rule by rule, as the secretariat
would meet them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import select

from perfdesk.domain.status import Status
from perfdesk.errors import PerfDeskError
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.measures import edits as measure_edits
from perfdesk.services.sync.conflicts import Take, pending, resolve
from perfdesk.services.sync.copies import publish, refresh
from perfdesk.services.sync.receive import receive
from perfdesk.services.sync.send import send
from perfdesk.store import backup, queries
from perfdesk.store.database import Database, open_database
from perfdesk.store.edits import perform
from perfdesk.store.schema import Action, ActionLead, MeasureValue, ProgressUpdate
from tests.sync.laptops import (
    action_field,
    action_id,
    add_update,
    fingerprint,
    laptop,
    separate_database,
    set_text,
)
from tests.sync.laptops import pending as pending_rows


def bundle_of(db: Database, folder: Path) -> Path:
    return send(db, folder / f"{db.author}-{dt.datetime.now():%H%M%S%f}.perfdesk-updates").path


def master_path(db: Database) -> Path:
    assert db.path is not None
    return db.path


def collided_on_impact(master: Database, folder: Path, words: str = "Ana's words") -> Database:
    """Ana's laptop, whose impact for 2.2 was received against the master's own."""
    ana = laptop(master_path(master), folder, "ana")
    set_text(master, "2.2", "impact", "Master's words")
    set_text(ana, "2.2", "impact", words)
    receive(master, [bundle_of(ana, folder)])
    return ana


def test_a_deleted_action_is_deleted_in_the_master_and_undo_there_travels_too(
    demo_db: Database, tmp_path: Path
) -> None:
    ana = laptop(master_path(demo_db), tmp_path, "ana")
    target = action_id(ana, "3.1")
    _, deletion = perform(ana, "Delete 3.1", lambda s: action_edits.action(s, target).__setattr__(
        "deleted_at", dt.datetime.now(dt.UTC)))
    receive(demo_db, [bundle_of(ana, tmp_path)])
    with demo_db.read() as session:
        assert session.get(Action, target).deleted_at is not None  # a tombstone, not gone
    from perfdesk.store.edits import reverse

    reverse(ana, deletion)
    receive(demo_db, [bundle_of(ana, tmp_path)])
    with demo_db.read() as session:
        assert session.get(Action, target).deleted_at is None


def test_two_laptops_adding_the_same_lead_to_an_action_give_it_once(
    demo_db: Database, tmp_path: Path
) -> None:
    ana, ben = (laptop(master_path(demo_db), tmp_path, n) for n in ("ana", "ben"))
    with demo_db.read() as session:
        lead = queries.lead_by_name(session)["director of children's services"]
    for db in (ana, ben):
        target = action_id(db, "1.1")
        perform(db, "leads", lambda s, t=target: action_edits.set_leads(
            s, t, [*[row.lead_id for row in s.exec(select(ActionLead).where(
                ActionLead.action_id == t, ActionLead.deleted_at.is_(None)))], lead.id]))
    receive(demo_db, [bundle_of(ana, tmp_path), bundle_of(ben, tmp_path)])
    with demo_db.read() as session:
        links = session.exec(select(ActionLead).where(
            ActionLead.action_id == action_id(demo_db, "1.1"), ActionLead.lead_id == lead.id,
            ActionLead.deleted_at.is_(None))).all()
    assert len(links) == 1


def test_two_different_figures_for_the_same_period_are_a_conflict(
    demo_db: Database, tmp_path: Path
) -> None:
    ana, ben = (laptop(master_path(demo_db), tmp_path, n) for n in ("ana", "ben"))
    with ana.read() as session:
        plan = queries.find_plan(session, "Children's Services")
        measure = queries.plan_measures(session, plan.id)[0]
        period = measure_edits.next_period(
            max((v.period for v in queries.values_by_measure(session, [measure.id]).get(
                measure.id, [])), default="2023-04"), measure_edits._frequency(measure))
    for db, figure in ((ana, 41.0), (ben, 44.0)):
        perform(db, "figure", lambda s, f=figure: measure_edits.set_value(
            s, measure.id, period, value=f))
    report = receive(demo_db, [bundle_of(ana, tmp_path), bundle_of(ben, tmp_path)])
    assert len(report.conflicts) == 1
    with demo_db.read() as session:
        views = pending(session)
        values = session.exec(select(MeasureValue).where(
            MeasureValue.measure_id == measure.id, MeasureValue.period == period,
            MeasureValue.deleted_at.is_(None))).all()
    assert [v.value for v in values] == [41.0]  # one figure per period
    assert (views[0].field, views[0].master, views[0].incoming) == ("value", "41.0", "44.0")


def test_an_update_withdrawn_on_both_sides_never_conflicts(
    demo_db: Database, tmp_path: Path
) -> None:
    ana = laptop(master_path(demo_db), tmp_path, "ana")
    update_id = add_update(ana, "1.1", "Wrong action")
    receive(demo_db, [bundle_of(ana, tmp_path)])
    for db in (ana, demo_db):
        perform(db, "withdraw", lambda s, who=db.author: action_edits.withdraw_update(
            s, update_id, by=who, reason="meant 1.2"))
    report = receive(demo_db, [bundle_of(ana, tmp_path)])
    assert report.conflicts == []
    with demo_db.read() as session:
        assert session.get(ProgressUpdate, update_id).withdrawn_at is not None


def test_a_second_change_to_a_field_in_conflict_updates_that_conflict(
    demo_db: Database, tmp_path: Path
) -> None:
    ana = collided_on_impact(demo_db, tmp_path, "Ana's first words")
    set_text(ana, "2.2", "impact", "Ana's better words")
    receive(demo_db, [bundle_of(ana, tmp_path)])
    rows = pending_rows(demo_db)
    assert len(rows) == 1 and rows[0].incoming_value == "Ana's better words"


def test_pending_conflicts_survive_closing_and_are_decided_as_recorded_edits(
    demo_db: Database, tmp_path: Path
) -> None:
    collided_on_impact(demo_db, tmp_path)
    demo_db.close()
    reopened = open_database(master_path(demo_db), author="secretariat")
    with reopened.read() as session:
        (view,) = pending(session)
    _, edit = perform(reopened, "decide", lambda s: resolve(s, view.id, Take.INCOMING,
                                                              "secretariat"))
    assert action_field(reopened, "2.2", "impact") == "Ana's words"
    assert edit.touches("action", "impact")  # in the history, undoable like any edit
    with reopened.read() as session:
        assert pending(session) == []
    with pytest.raises(PerfDeskError, match="already decided"):
        perform(reopened, "again", lambda s: resolve(s, view.id, Take.MASTER, "x"))
    reopened.close()


def test_a_backup_is_taken_before_every_receive(demo_db: Database, tmp_path: Path) -> None:
    ana = laptop(master_path(demo_db), tmp_path, "ana")
    add_update(ana, "1.1", "Progress")
    receive(demo_db, [bundle_of(ana, tmp_path)])
    assert [b.reason for b in backup.list_backups(master_path(demo_db))] == ["before-receive"]


def test_nothing_to_send_is_said_plainly(demo_db: Database, tmp_path: Path) -> None:
    ana = laptop(master_path(demo_db), tmp_path, "ana")
    with pytest.raises(PerfDeskError, match="Nothing to send"):
        send(ana, tmp_path / "x.perfdesk-updates")
    assert not (tmp_path / "x.perfdesk-updates").exists()


# ---------------------------------------------------------------- refresh

def test_refresh_takes_the_master_and_keeps_unsent_laptop_changes_on_top(
    demo_db: Database, tmp_path: Path
) -> None:
    ana, ben = (laptop(master_path(demo_db), tmp_path, n) for n in ("ana", "ben"))
    add_update(ben, "2.1", "Ben's progress")
    receive(demo_db, [bundle_of(ben, tmp_path)])
    set_text(demo_db, "1.3", "impact", "The secretariat's wording")
    published = publish(demo_db, tmp_path / "master-copy.sqlite")

    set_text(ana, "1.3", "impact", "Ana's wording")  # unsent, and against the master's
    ana_update = add_update(ana, "1.1", "Ana's unsent progress")
    ana_path, ana_id = master_path(ana), ana.database_id
    ana.close()
    result = refresh(ana_path, published, author="ana")
    assert result.kept == 2 and not result.created
    ana = open_database(ana_path, author="ana")
    assert ana.database_id == ana_id  # still itself
    with ana.read() as session:
        texts = {u.done_text for u in session.exec(select(ProgressUpdate))}
        assert session.get(ProgressUpdate, ana_update) is not None
    assert "Ben's progress" in texts  # the master's news
    assert action_field(ana, "1.3", "impact") == "Ana's wording"  # kept on top
    assert [b.reason for b in backup.list_backups(ana_path)] == ["before-refresh"]

    # the kept change still carries what it was made from, so the master sees the collision
    report = receive(demo_db, [bundle_of(ana, tmp_path)])
    assert report.applied == 1 and len(report.conflicts) == 1
    assert action_field(demo_db, "1.3", "impact") == "The secretariat's wording"


def test_a_decision_against_a_laptop_is_not_undone_by_its_next_refresh(
    demo_db: Database, tmp_path: Path
) -> None:
    ana = collided_on_impact(demo_db, tmp_path)
    with demo_db.write() as session:
        (view,) = pending(session)
        resolve(session, view.id, Take.MASTER, "secretariat")
    published = publish(demo_db, tmp_path / "master-copy.sqlite")
    ana_path = master_path(ana)
    ana.close()
    refresh(ana_path, published, author="ana")
    ana = open_database(ana_path)
    assert action_field(ana, "2.2", "impact") == "Master's words"


def test_refresh_from_something_that_is_not_a_master_changes_nothing(
    demo_db: Database, tmp_path: Path
) -> None:
    ana = laptop(master_path(demo_db), tmp_path, "ana")
    add_update(ana, "1.1", "Unsent")
    before = fingerprint(ana)
    ana_path = master_path(ana)
    ana.close()
    junk = tmp_path / "master.sqlite"
    junk.write_text("not a database")
    with pytest.raises(PerfDeskError):
        refresh(ana_path, junk, author="ana")
    with pytest.raises(PerfDeskError, match="itself"):
        refresh(ana_path, ana_path, author="ana")
    assert fingerprint(open_database(ana_path)) == before


def test_a_lead_renamed_differently_on_both_sides_is_one_conflict_named_by_the_lead(
    demo_db: Database, tmp_path: Path
) -> None:
    from perfdesk.store.schema import Lead

    ana = laptop(master_path(demo_db), tmp_path, "ana")
    with demo_db.read() as session:
        lead = queries.lead_by_name(session)["chief executive"]
    for db, name in ((demo_db, "Chief Executive (interim)"), (ana, "Chief Executive Officer")):
        perform(db, "rename", lambda s, n=name: setattr(s.get(Lead, lead.id), "name", n))
    receive(demo_db, [bundle_of(ana, tmp_path)])
    with demo_db.read() as session:
        (view,) = pending(session)
    assert view.where == "lead Chief Executive (interim)" and view.field == "name"
    assert view.incoming == "Chief Executive Officer"


# ---------------------------------------------------------------- one master's family

def test_a_bundle_from_a_database_that_is_not_a_copy_of_the_master_is_refused(
    demo_db: Database, demo_template: Path, tmp_path: Path
) -> None:
    """Someone edits the demo PerfDesk opened with and sends it: the master
    must not get a second copy of every plan."""
    stranger = open_database(separate_database(demo_template, tmp_path / "own-demo.sqlite"),
                             author="dee")
    add_update(stranger, "1.1", "On my own copy")
    bundle = send(stranger, tmp_path / "dee.perfdesk-updates", everything=True).path
    before = fingerprint(demo_db)
    with pytest.raises(PerfDeskError, match="not a copy of this master"):
        receive(demo_db, [bundle])
    assert fingerprint(demo_db) == before


def test_a_plain_copy_of_the_master_file_and_a_published_copy_can_both_send(
    demo_db: Database, tmp_path: Path
) -> None:
    import shutil

    plain_path = tmp_path / "copied-by-hand.sqlite"
    shutil.copy(master_path(demo_db), plain_path)
    plain = open_database(plain_path, author="eve")
    add_update(plain, "1.1", "From a copied file")
    published = publish(demo_db, tmp_path / "published.sqlite")
    fay = laptop(published, tmp_path, "fay")
    add_update(fay, "1.2", "From the published copy")
    report = receive(demo_db, [bundle_of(plain, tmp_path), bundle_of(fay, tmp_path)])
    assert report.applied == 2


def test_moving_a_laptop_to_another_master_waits_until_it_has_sent_everything(
    demo_db: Database, demo_template: Path, tmp_path: Path
) -> None:
    ana = laptop(master_path(demo_db), tmp_path, "ana")
    add_update(ana, "1.1", "Not sent yet")
    other = separate_database(demo_template, tmp_path / "other-master.sqlite")
    ana_path = master_path(ana)
    ana.close()
    with pytest.raises(PerfDeskError, match="different master"):
        refresh(ana_path, other, author="ana")
    ana = open_database(ana_path, author="ana")
    bundle_of(ana, tmp_path)  # sent: now it may move
    ana.close()
    assert refresh(ana_path, other, author="ana").kept == 0


def test_bundles_received_out_of_order_or_one_missing_lose_nothing(
    demo_db: Database, tmp_path: Path
) -> None:
    """Ana adds an action, sends; then updates it, sends again. The second
    bundle alone waits for the action; given both in either order, all apply."""
    from perfdesk.services.plans import care as plan_care

    ana = laptop(master_path(demo_db), tmp_path, "ana")
    with ana.read() as session:
        plan_id = queries.find_plan(session, "Children's Services").id
    new, _ = perform(ana, "New action", lambda s: plan_care.add_action(
        s, plan_id, None, None, "Run a care leavers' forum"))
    first = bundle_of(ana, tmp_path)
    perform(ana, "update", lambda s: action_edits.add_update(
        s, new.id, status=Status.AT_RISK, reported_on=dt.date(2023, 11, 1),
        author="ana", done="Venue booked"))
    second = bundle_of(ana, tmp_path)

    alone = receive(demo_db, [second])
    assert alone.applied == 0 and alone.missing == 1  # waits; nothing half-applied
    both = receive(demo_db, [second, first])  # the later bundle first
    assert both.missing == 0
    with demo_db.read() as session:
        updates = session.exec(select(ProgressUpdate).where(
            ProgressUpdate.action_id == new.id)).all()
        assert session.get(Action, new.id).text == "Run a care leavers' forum"
    assert [u.done_text for u in updates] == ["Venue booked"]


@pytest.mark.parametrize("ana_first", [True, False], ids=["ana-first", "ben-first"])
def test_a_copy_that_meets_another_then_moves_on_collides_in_either_order(
    demo_db: Database, tmp_path: Path, ana_first: bool
) -> None:
    """Found by the merge property: Ana sets 1.1's impact to "a"; Ben sets it
    to "a" too, then to "aa". Whichever bundle comes first, Ana's "a" and
    Ben's "aa" are both kept: one in the master, the other waiting to be decided."""
    ana, ben = (laptop(master_path(demo_db), tmp_path, n) for n in ("ana", "ben"))
    set_text(ana, "1.1", "impact", "a")
    set_text(ben, "1.1", "impact", "a")
    set_text(ben, "1.1", "impact", "aa")
    bundles = [bundle_of(ana, tmp_path), bundle_of(ben, tmp_path)]
    receive(demo_db, bundles if ana_first else bundles[::-1])

    in_master = action_field(demo_db, "1.1", "impact")
    waiting = {c.incoming_value for c in pending_rows(demo_db)}
    assert {in_master, *waiting} == {"a", "aa"}
    assert len(pending_rows(demo_db)) == 1


def test_a_copy_that_meets_another_and_goes_back_leaves_the_master_as_it_is(
    demo_db: Database, tmp_path: Path
) -> None:
    ana, ben = (laptop(master_path(demo_db), tmp_path, n) for n in ("ana", "ben"))
    before = action_field(demo_db, "1.1", "impact")
    set_text(ana, "1.1", "impact", "a")
    set_text(ben, "1.1", "impact", "a")
    set_text(ben, "1.1", "impact", before)  # Ben changed his mind
    receive(demo_db, [bundle_of(ana, tmp_path), bundle_of(ben, tmp_path)])
    assert action_field(demo_db, "1.1", "impact") == "a"  # Ana's stands: Ben wants no change
    assert pending_rows(demo_db) == []
