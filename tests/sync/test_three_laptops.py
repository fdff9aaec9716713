"""Must show: three laptop copies of the master. Two change different actions,
the third changes the same field of one action as the first. Receiving all
three applies every change that does not collide and holds exactly that one
conflict; receiving them again changes nothing."""

from __future__ import annotations

from pathlib import Path

from perfdesk.services.sync.receive import receive
from perfdesk.services.sync.send import send
from perfdesk.store.database import Database
from perfdesk.store.schema import ProgressUpdate
from tests.sync.laptops import (
    action_field,
    add_update,
    fingerprint,
    laptop,
    pending,
    set_by_when,
    set_text,
)


def test_three_laptops_give_every_change_and_exactly_one_conflict(
    demo_db: Database, tmp_path: Path
) -> None:
    assert demo_db.path is not None
    first, second, third = (laptop(demo_db.path, tmp_path, n) for n in ("ana", "ben", "cat"))
    original_1_2 = action_field(demo_db, "1.2", "by_when")

    set_text_by_when = "End of January 2024"
    set_by_when(first, "1.2", set_text_by_when)
    set_text(first, "1.3", "impact", "I know who my social worker is")
    update_ana = add_update(first, "1.2", "Drafted the new structure")

    set_text(second, "2.1", "measure_of_success", "Every manager has had a 1:1 this month")
    update_ben = add_update(second, "2.1", "Met all managers")

    set_by_when(third, "1.2", "March 2024")  # the same field as the first laptop
    update_cat = add_update(third, "1.2", "Consulted staff")

    bundles = [send(db, tmp_path / f"{db.author}.perfdesk-updates").path
               for db in (first, second, third)]
    report = receive(demo_db, bundles, author="secretariat")

    # every change that does not collide is in the master
    assert action_field(demo_db, "1.3", "impact") == "I know who my social worker is"
    assert action_field(demo_db, "2.1", "measure_of_success") == (
        "Every manager has had a 1:1 this month")
    assert action_field(demo_db, "1.2", "by_when") == set_text_by_when  # first come, applied
    with demo_db.read() as session:
        for update_id, author in ((update_ana, "ana"), (update_ben, "ben"), (update_cat, "cat")):
            update = session.get(ProgressUpdate, update_id)
            assert update is not None and update.author == author  # updates never collide

    # exactly one conflict: action 1.2's by-when, master's vs the third laptop's
    conflicts = pending(demo_db)
    assert len(conflicts) == 1 and report.conflicts == [conflicts[0].id]
    conflict = conflicts[0]
    assert (conflict.field, conflict.base_value, conflict.incoming_value) == (
        "by_when", original_1_2, "March 2024")
    assert conflict.incoming_author == "cat"

    # receiving them all again changes nothing
    before = fingerprint(demo_db)
    again = receive(demo_db, bundles, author="secretariat")
    assert again.nothing_new and again.applied == 0 and again.conflicts == []
    assert fingerprint(demo_db) == before
    assert len(pending(demo_db)) == 1
