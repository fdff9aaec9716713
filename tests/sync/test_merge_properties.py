"""Properties of receiving bundles, over many generated afternoons of edits
on several laptops (and on the master meanwhile): no edit is lost or
overwritten, receiving twice changes nothing, and bundles that do not
collide give the same master in any order."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from perfdesk.services.sync.receive import receive
from perfdesk.services.sync.send import send
from perfdesk.store.database import Database, open_database
from perfdesk.store.schema import ProgressUpdate, SyncConflict
from tests.sync.laptops import action_field, action_id, add_update, fingerprint, laptop, set_text

REFS = ("1.1", "1.2", "1.3", "2.1")
FIELDS = ("impact", "measure_of_success", "success_criteria")
PROPERTY = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@dataclass(frozen=True)
class Edit:
    ref: str
    field: str  # "" for a progress update
    text: str


edits = st.builds(
    Edit, st.sampled_from(REFS), st.sampled_from((*FIELDS, "")),
    st.text(alphabet="abcxyz ", min_size=1, max_size=6).map(str.strip).filter(bool),
)
afternoons = st.lists(st.lists(edits, min_size=1, max_size=5), min_size=2, max_size=3)


@contextmanager
def copies(template: Path, count: int) -> Iterator[tuple[Database, list[Database], Path]]:
    with tempfile.TemporaryDirectory(prefix="perfdesk-merge-") as scratch:
        folder = Path(scratch)
        shutil.copy(template, folder / "master.sqlite")
        master = open_database(folder / "master.sqlite", author="secretariat")
        laptops = [laptop(folder / "master.sqlite", folder, f"lap{i}") for i in range(count)]
        try:
            yield master, laptops, folder
        finally:
            for db in (master, *laptops):
                db.close()


def make_edits(db: Database, planned: list[Edit]) -> tuple[dict[tuple[str, str], str], set[str]]:
    """Carry out the edits; return each field's final value and the updates added."""
    final: dict[tuple[str, str], str] = {}
    updates: set[str] = set()
    for edit in planned:
        if edit.field:
            set_text(db, edit.ref, edit.field, edit.text)
            final[(edit.ref, edit.field)] = edit.text
        else:
            updates.add(add_update(db, edit.ref, edit.text))
    return final, updates


def send_all(laptops: list[Database], folder: Path) -> list[Path]:
    return [send(db, folder / f"{db.author}.perfdesk-updates").path for db in laptops]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Path:
    return demo_template


@PROPERTY
@given(afternoons, st.lists(edits, max_size=3))
def test_no_edit_is_lost_and_receiving_twice_changes_nothing(
    template: Path, plans: list[list[Edit]], at_the_master: list[Edit]
) -> None:
    with copies(template, len(plans)) as (master, laptops, folder):
        made = [make_edits(db, planned) for db, planned in zip(laptops, plans, strict=True)]
        own, _ = make_edits(master, at_the_master)  # the secretariat works on too
        bundles = send_all(laptops, folder)
        receive(master, bundles)

        for (ref, field), value in own.items():  # never overwritten by a laptop
            assert action_field(master, ref, field) == value, (ref, field)

        with master.read() as session:
            conflicts = session.exec(select(SyncConflict)).all()
            held = {u.id for u in session.exec(select(ProgressUpdate))}
        for final, updates in made:
            assert updates <= held  # every progress update arrived
            for (ref, field), value in final.items():
                in_master = action_field(master, ref, field) == value
                in_conflict = any(
                    c.row_id == action_id(master, ref) and c.field == field
                    and c.incoming_value == value for c in conflicts)
                assert in_master or in_conflict, (ref, field, value)

        before = (fingerprint(master), len(conflicts))
        receive(master, list(reversed(bundles)))
        with master.read() as session:
            after_conflicts = len(session.exec(select(SyncConflict)).all())
        assert (fingerprint(master), after_conflicts) == before


@PROPERTY
@given(afternoons)
def test_bundles_that_do_not_collide_give_the_same_master_in_any_order(
    template: Path, plans: list[list[Edit]]
) -> None:
    # each laptop keeps to its own actions, so nothing collides
    own = [[Edit(REFS[i], e.field, e.text) for e in planned] for i, planned in enumerate(plans)]
    results = set()
    with copies(template, len(own)) as (_, laptops, folder):
        for db, planned in zip(laptops, own, strict=True):
            make_edits(db, planned)
        bundles = send_all(laptops, folder)
        for order in itertools.permutations(bundles):
            start = folder / "start.sqlite"
            shutil.copy(template, start)
            master = open_database(start, author="secretariat")
            report = receive(master, list(order))
            assert report.conflicts == []
            results.add(fingerprint(master))
            master.close()
            start.unlink()
            shutil.rmtree(folder / "start-backups", ignore_errors=True)
    assert len(results) == 1
