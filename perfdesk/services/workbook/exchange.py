"""Plans in and out of workbooks, through the database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from perfdesk.domain.plan_document import PlanDocument
from perfdesk.domain.text import name_key
from perfdesk.errors import Conflict
from perfdesk.services.plans.documents import load_document, save_document, tombstone_plan
from perfdesk.store import backup, queries
from perfdesk.store.database import Database
from perfdesk.store.schema import Plan

log = logging.getLogger(__name__)


def same_name_plans(session: Session, doc: PlanDocument) -> list[Plan]:
    key = name_key(doc.plan.short_name)
    return [p for p in queries.plans(session) if name_key(p.short_name) == key]


def add_document(session: Session, doc: PlanDocument, source: str, replace: bool,
                 progress: Callable[[int, int], None] | None = None) -> Plan:
    """Save a checked plan document in the caller's transaction. A plan with
    the same short name is refused unless `replace`, which tombstones it.
    `progress(done, 2)` is called inside the transaction (a cancel rolls it back)."""
    if progress is not None:
        progress(0, 2)
    existing = same_name_plans(session, doc)
    if existing and not replace:
        raise Conflict(
            f"{source}: a plan named {doc.plan.short_name!r} is already in this database; "
            "nothing was changed. Replace it, or change the short name in the workbook."
        )
    for old in existing:
        tombstone_plan(session, old)
    plan = save_document(session, doc)
    if progress is not None:
        session.flush()
        progress(2, 2)
    return plan


def backup_before(db: Database, reason: str) -> None:
    """A backup before anything that brings outside data in: an import, a
    return, a bundle. Databases that are not files (URLs) have none."""
    if db.path is not None and db.path.exists():
        saved = backup.backup(db.path, reason, db.now())
        log.info("backup %s: %s", reason, saved)


def import_document(db: Database, doc: PlanDocument, source: str, replace: bool = False) -> str:
    """Add a plan document already checked by `read_workbook`, backing the
    database up first when it replaces a plan."""
    with db.read() as session:
        existing = same_name_plans(session, doc)
    if existing and not replace:
        raise Conflict(
            f"{source}: a plan named {doc.plan.short_name!r} is already in {db.location}; "
            "nothing was changed. Use --replace to replace it (a backup is taken first)."
        )
    backup_before(db, "before-replace" if existing else "before-import")
    with db.write() as session:
        add_document(session, doc, source, replace)
    return doc.plan.short_name


def export_plan(db: Database, name: str, out: Path) -> str:
    """Write one plan to a workbook; return the plan's short name."""
    from perfdesk.services.workbook.write import write_workbook

    with db.read() as session:
        plan = queries.find_plan(session, name)
        doc = load_document(session, plan)
    write_workbook(doc, out)
    return doc.plan.short_name
