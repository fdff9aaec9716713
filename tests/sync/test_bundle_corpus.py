"""Broken bundles: each is refused whole, with the file named and what is
wrong, and the master is left exactly as it was - even when it came with
good bundles."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from perfdesk.errors import ValidationFailed
from perfdesk.services.sync.bundle import checksum
from perfdesk.services.sync.receive import receive
from perfdesk.services.sync.send import send
from perfdesk.store.database import Database
from tests.sync.laptops import add_update, fingerprint, laptop, set_text


@pytest.fixture
def bundle(demo_db: Database, tmp_path: Path) -> Path:
    assert demo_db.path is not None
    ana = laptop(demo_db.path, tmp_path, "ana")
    set_text(ana, "1.3", "impact", "I feel listened to")
    add_update(ana, "1.3", "Ran two listening events")
    path = send(ana, tmp_path / "ana.perfdesk-updates").path
    ana.close()
    return path


def _edit_json(change: Callable[[dict], None], reseal: bool) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        body = json.loads(path.read_text(encoding="utf-8"))
        change(body)
        if reseal:  # as if a program rewrote it and its checksum
            body.pop("checksum")
            body["checksum"] = checksum(body)
        path.write_text(json.dumps(body), encoding="utf-8")
    return damage


def _set_change(key: str, value: object) -> Callable[[dict], None]:
    return lambda body: body["changes"][0].__setitem__(key, value)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "one character altered": (
        lambda p: p.write_text(p.read_text(encoding="utf-8").replace(
            "I feel listened to", "I feel ignored"), encoding="utf-8"),
        "checksum does not match"),
    "cut short": (_truncate, "not a whole PerfDesk update bundle"),
    "empty file": (lambda p: p.write_bytes(b""), "not a whole PerfDesk update bundle"),
    "a workbook renamed": (lambda p: p.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4),
                           "not a PerfDesk update bundle"),
    "a PDF renamed": (lambda p: p.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
                      "not a PerfDesk update bundle"),
    "other JSON": (lambda p: p.write_text('{"hello": "world"}'), "not a PerfDesk update bundle"),
    "newer format": (_edit_json(lambda b: b.__setitem__("format_version", 99), True),
                     "newer PerfDesk"),
    "newer schema": (_edit_json(lambda b: b.__setitem__("schema", "9999"), True),
                     "newer PerfDesk"),
    "unknown table": (_edit_json(_set_change("table", "salary"), True), "unknown table"),
    "unknown field": (_edit_json(_set_change("field", "password"), True), "no field"),
    "bad time": (_edit_json(_set_change("changed_at", "yesterday"), True), "unreadable time"),
    "not an id": (_edit_json(_set_change("row_id", "1; DROP TABLE action"), True),
                  "not PerfDesk ids"),
    "wrong type of field": (_edit_json(_set_change("base_version", "one"), True),
                            "wrong type"),
    "added row that does not fit": (
        _edit_json(lambda b: [c.__setitem__("new", json.dumps({"id": c["row_id"], "x": 1}))
                              for c in b["changes"] if c["kind"] == "insert"] and None, True),
        "does not fit"),
    "a figure that is not a number": (
        _edit_json(lambda b: [c.__setitem__("new", json.dumps(
            {**json.loads(c["new"]), "reported_on": "next Tuesday"}))
            for c in b["changes"] if c["kind"] == "insert"] and None, True),
        "not a valid reported on"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_broken_bundle_is_refused_whole_and_nothing_changes(
    case: str, bundle: Path, demo_db: Database, tmp_path: Path
) -> None:
    damage, message = CASES[case]
    good = tmp_path / "good.perfdesk-updates"
    good.write_bytes(bundle.read_bytes())
    damage(bundle)
    before = fingerprint(demo_db)
    with pytest.raises(ValidationFailed) as refused:
        receive(demo_db, [good, bundle])  # the good one is not applied either
    assert refused.value.source == bundle.name
    assert message in str(refused.value)
    assert fingerprint(demo_db) == before


def test_free_text_that_looks_like_a_date_is_just_text(
    bundle: Path, demo_db: Database
) -> None:
    """Not everything odd is broken: an impact statement may say anything."""
    def odd(body: dict) -> None:
        for change in body["changes"]:
            if change["field"] == "impact":
                change["new"] = "31/02/2024"

    _edit_json(odd, reseal=True)(bundle)
    report = receive(demo_db, [bundle])
    assert report.applied == 2


def test_a_bundle_of_50000_changes_is_received_whole_with_progress_then_changes_nothing(
    demo_db: Database, tmp_path: Path
) -> None:
    """A term's worth of updates from a busy service, built straight into a
    bundle file (as a laptop would write it) to keep the test quick."""
    import uuid

    from perfdesk.services.sync.bundle import Bundle, BundleChange, write_bundle
    from perfdesk.store import queries, sync_state
    from perfdesk.store.schema import ProgressUpdate

    with demo_db.read() as session:
        actions = [a.id for a in queries.plan_actions(
            session, queries.find_plan(session, "Children's Services").id)]
        family = sync_state.family(session)
    now = "2023-11-01T09:00:00+00:00"
    changes = []
    for n in range(50_000):
        row_id = str(uuid.uuid4())
        row = {"id": row_id, "version": "1", "updated_at": now, "deleted_at": None,
               "action_id": actions[n % len(actions)], "reported_on": "2023-11-01",
               "recorded_at": now, "author": "Busy Service", "status": "On track",
               "done_text": f"Update {n}", "next_steps": "", "withdrawn_at": None,
               "withdrawn_by": "", "withdrawn_reason": ""}
        changes.append(BundleChange(str(uuid.uuid4()), "progress_update", row_id, "insert",
                                    "", None, json.dumps(row), 0, "Busy Service", now,
                                    str(uuid.uuid4())))
    path = write_bundle(Bundle(str(uuid.uuid4()), now, "Busy Service", str(uuid.uuid4()),
                               "busy.sqlite", "0003", "test", tuple(changes), family),
                        tmp_path / "busy.perfdesk-updates")
    seen: list[tuple[int, int]] = []
    report = receive(demo_db, [path], progress=lambda done, total: seen.append((done, total)))
    assert report.applied == 50_000
    assert seen[-1] == (50_000, 50_000) and len(seen) > 10  # the bar moves as it goes
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    with demo_db.read() as session:
        from sqlmodel import func, select

        held = session.exec(select(func.count()).select_from(ProgressUpdate)
                            .where(ProgressUpdate.author == "Busy Service")).one()
    assert held == 50_000
    before = fingerprint(demo_db)
    assert receive(demo_db, [path]).applied == 0
    assert fingerprint(demo_db) == before


def test_a_bundle_that_would_break_the_plans_rules_is_refused_and_leaves_no_backup(
    demo_db: Database, tmp_path: Path
) -> None:
    """Regression: a bundle deleting only a plan row was accepted, leaving its
    actions live under a deleted plan (and `perfdesk check` failing)."""
    import uuid

    from perfdesk.services.health_check import check_database
    from perfdesk.services.sync.bundle import Bundle, BundleChange, write_bundle
    from perfdesk.store import backup, queries, sync_state

    with demo_db.read() as session:
        plan = queries.find_plan(session, "Children's Services")
        family = sync_state.family(session)
    now = "2024-04-15T09:00:00+00:00"
    delete = BundleChange(str(uuid.uuid4()), "plan", plan.id, "delete", "deleted_at", None,
                          now, 1, "Mallory", now, str(uuid.uuid4()))
    path = write_bundle(Bundle(str(uuid.uuid4()), now, "Mallory", str(uuid.uuid4()), "m.sqlite",
                               "0003", "test", (delete,), family), tmp_path / "m.perfdesk-updates")
    assert demo_db.path is not None
    before, backups = fingerprint(demo_db), backup.list_backups(demo_db.path)
    with pytest.raises(ValidationFailed) as refused:
        receive(demo_db, [path])
    assert refused.value.source == "m.perfdesk-updates"
    assert "is live but its plan is deleted" in str(refused.value)
    assert fingerprint(demo_db) == before
    assert backup.list_backups(demo_db.path) == backups
    assert check_database(demo_db).ok


def test_a_deeply_nested_bundle_is_refused_as_damaged(tmp_path: Path) -> None:
    """Regression: [[[[...]]]] 100,000 deep raised RecursionError."""
    from perfdesk.services.sync.bundle import read_bundle

    path = tmp_path / "deep.perfdesk-updates"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(ValidationFailed, match="nested far too deeply") as refused:
        read_bundle(path)
    assert refused.value.source == "deep.perfdesk-updates"


@pytest.mark.parametrize("text", ["inf", "-1e999", "nan"])
def test_infinity_and_nan_in_a_bundle_are_refused_naming_the_change(
    text: str, bundle: Path
) -> None:
    """Regression: "inf" and "-1e999" were stored as infinity, "nan" as blank."""
    from perfdesk.services.sync.bundle import read_bundle

    def figure(body: dict) -> None:
        body["changes"][0].update(table="measure", field="target", kind="update",
                                  old=None, new=text)

    _edit_json(figure, reseal=True)(bundle)
    with pytest.raises(ValidationFailed) as refused:
        read_bundle(bundle)
    (problem,) = refused.value.problems
    assert problem.where.startswith("change 1 (") and "measure target" in problem.where
    assert f"{text!r} is not a valid target" in problem.reason
