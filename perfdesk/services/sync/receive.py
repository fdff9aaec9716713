"""Receive updates: any number of bundles into this (master) database.

Every bundle is read and checked before anything changes; one that fails is
refused with the others, and the database is untouched. Then a backup, then
all of them in one transaction (see `sync_apply` for how each change is
decided). Receiving a bundle again finds every change already applied or
seen and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from perfdesk.errors import Problem, ValidationFailed
from perfdesk.services.health_check import invariant_problems
from perfdesk.services.sync.apply import MISSING, Applier, Tally, unknown_changes
from perfdesk.services.sync.bundle import Bundle, BundleChange, read_bundle
from perfdesk.services.workbook.exchange import backup_before
from perfdesk.store import migrate, sync_state
from perfdesk.store.database import Database
from perfdesk.store.schema import SyncExchange

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BundleOutcome:
    source: str
    author: str
    database_name: str
    changes: int  # in the bundle
    new: int  # not received before
    tally: Tally


@dataclass(frozen=True)
class ReceiveReport:
    bundles: list[BundleOutcome]

    @property
    def applied(self) -> int:
        return sum(b.tally.applied for b in self.bundles)

    @property
    def conflicts(self) -> list[int]:
        seen: list[int] = []
        for bundle in self.bundles:
            seen += [c for c in bundle.tally.conflicts if c not in seen]
        return seen

    @property
    def missing(self) -> int:
        return sum(b.tally.missing for b in self.bundles)

    @property
    def nothing_new(self) -> bool:
        return all(b.new == 0 for b in self.bundles)


def _retry(
    applier: Applier, bundles: list[Bundle], tallies: list[Tally],
    waiting: list[tuple[int, BundleChange]],
) -> list[tuple[int, BundleChange]]:
    """Bundles may come in any order: a change that waited for a row another
    bundle brings is tried again until no more can be applied. Returns the
    changes still waiting."""
    while waiting:
        still: list[tuple[int, BundleChange]] = []
        for number, change in waiting:
            applier.bundle_id = bundles[number].bundle_id
            if applier.apply(change, tallies[number]) == MISSING:
                still.append((number, change))
        if len(still) == len(waiting):
            break
        waiting = still
    return waiting


def read_bundles(paths: Sequence[Path]) -> list[Bundle]:
    """Every bundle, checked whole, before any is applied."""
    known = migrate.known_revisions()
    bundles = []
    for path in paths:
        bundle = read_bundle(path)
        if bundle.schema not in known:
            raise ValidationFailed(bundle.source, [Problem(
                "the file", f"it was sent by a newer PerfDesk (schema {bundle.schema}); "
                            "update PerfDesk to receive it")])  # fmt: skip
        bundles.append(bundle)
    return bundles


def check_family(bundle: Bundle, family: str) -> None:
    """Refuse a bundle from a database that is not a copy of this master: its
    plans would otherwise be added here a second time."""
    sender = bundle.family or bundle.database_id
    if sender != family:
        raise ValidationFailed(bundle.source, [Problem(
            "the file", f"it was sent from {bundle.database_name or 'a database'} by "
                        f"{bundle.author or 'someone'}, which is not a copy of this master "
                        "(it was never refreshed from it), so its plans would be added here "
                        "a second time. Have them take a copy with Refresh from master, "
                        "make their changes there, and send again")])  # fmt: skip


def receive(
    db: Database, paths: Sequence[Path], author: str | None = None,
    progress: Progress | None = None,
) -> ReceiveReport:
    """Apply the bundles in one transaction. Before it commits, the database
    must still keep every rule `perfdesk check` checks; otherwise the whole
    receive is refused (ValidationFailed naming the bundle and the rule) and
    nothing changes. A backup of the state before is taken only when
    something is about to change: not for a refused receive, nor for
    bundles already received. `progress(done, total)` is called only before
    the transaction commits: one that raises (a cancel) changes nothing."""
    bundles = read_bundles(paths)
    with db.read() as session:
        family = sync_state.family(session)
        # In WAL mode the backup is taken inside the write transaction, once
        # the changes are known to be sound: readers see the committed state.
        backup_inside = session.connection().exec_driver_sql(
            "PRAGMA journal_mode").scalar() == "wal"
    for bundle in bundles:
        check_family(bundle, family)
    who = db.author if author is None else author
    if not backup_inside:
        backup_before(db, "before-receive")
    total = sum(len(b.changes) for b in bundles)
    done = 0
    outcomes = []
    with db.write(who, record=False) as session:
        applier = Applier(session, "")
        waiting: list[tuple[int, BundleChange]] = []  # rows not here yet: tried again below
        tallies = []
        for number, bundle in enumerate(bundles):
            fresh = unknown_changes(session, list(bundle.changes))
            applier.bundle_id = bundle.bundle_id
            applier.load(fresh)
            tally = Tally()
            for change in fresh:
                if applier.apply(change, tally) == MISSING:
                    waiting.append((number, change))
                done += 1
                if progress is not None and done % 200 == 0:
                    progress(done, total)
            done += len(bundle.changes) - len(fresh)
            tallies.append(tally)
            outcomes.append(BundleOutcome(bundle.source, bundle.author, bundle.database_name,
                                          len(bundle.changes), len(fresh), tally))
        if progress is not None:  # the last call: only while the transaction is open
            progress(total, total)
        if all(outcome.new == 0 for outcome in outcomes):
            session.rollback()  # received before: nothing to record, no backup
        else:
            for number, _change in _retry(applier, bundles, tallies, waiting):
                tallies[number].missing += 1
            applier.finish()
            for bundle, tally in zip(bundles, tallies, strict=True):
                session.add(SyncExchange(
                    bundle_id=bundle.bundle_id, kind="received", author=bundle.author,
                    other_database=bundle.database_id, file_name=bundle.source,
                    changes=len(bundle.changes), applied=tally.applied,
                    conflicts=len(tally.conflicts),
                ))
            session.flush()
            _keep_the_rules(session, bundles)
            if backup_inside:
                backup_before(db, "before-receive")
    report = ReceiveReport(outcomes)
    log.info("received %d bundle(s): %d applied, %d conflict(s)", len(bundles), report.applied,
             len(report.conflicts))
    return report


def _keep_the_rules(session: Session, bundles: list[Bundle]) -> None:
    """Refuse the bundles (the caller's transaction then rolls back) when
    applying them broke a rule the database keeps (services/integrity.py)."""
    broken = invariant_problems(session.connection())
    if not broken:
        return
    source = bundles[0].source if len(bundles) == 1 else " + ".join(b.source for b in bundles)
    log.info("refused %s: it would break %s", source, broken)
    shown = broken[:10] + ([f"and {len(broken) - 10} more"] if len(broken) > 10 else [])
    raise ValidationFailed(source, [
        Problem("the file", f"applying it would break a rule of the database: {rule}")
        for rule in shown
    ])
