"""The tables. Every synchronised row carries a stable UUID, a version counter
and a tombstone (`deleted_at`): rows are never removed, so a deletion can
travel to another copy of the database and be undone.

Enumerated values (status, timeframe, unit, polarity...) are stored as the
words users see ("On track", "0–3 months", "higher is better"); a column typed
`EnumText` reads and writes them as the domain's enum members.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, ClassVar

from sqlmodel import Field, SQLModel

from perfdesk.domain.measures import Frequency, Polarity, Unit
from perfdesk.domain.status import Status
from perfdesk.domain.timeframe import Timeframe
from perfdesk.store.enum_text import EnumText

if TYPE_CHECKING:
    import sqlalchemy as sa


def new_id() -> str:
    return str(uuid.uuid4())


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Synced(SQLModel):
    """Columns every row that can travel between databases has."""

    if TYPE_CHECKING:  # what SQLModel sets on each table class, typed for mypy
        __table__: ClassVar[sa.Table]
        __tablename__: ClassVar[str]

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    version: int = Field(default=1)
    updated_at: dt.datetime = Field(default_factory=utc_now)
    deleted_at: dt.datetime | None = Field(default=None)


class DatabaseInfo(SQLModel, table=True):
    """One row: this database file's own identity."""

    __tablename__ = "database_info"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    created_at: dt.datetime = Field(default_factory=utc_now)
    created_by: str = Field(default="")


class Plan(Synced, table=True):
    __tablename__ = "plan"
    title: str
    short_name: str = Field(index=True)
    organisation: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    board: str = ""
    marking: str = ""
    state: str = "Draft"
    description: str = ""
    rolled_from_id: str | None = Field(default=None, foreign_key="plan.id", max_length=36)


class Priority(Synced, table=True):
    __tablename__ = "priority"
    plan_id: str = Field(foreign_key="plan.id", index=True)
    ref: str
    title: str
    kind: str = "Priority"
    statement: str = ""
    needs_improvement: str = ""  # one point per line
    display_order: int = 0


class Outcome(Synced, table=True):
    """An outcome statement of a plan (priority_id empty) or of a priority."""

    __tablename__ = "outcome"
    plan_id: str = Field(foreign_key="plan.id", index=True)
    priority_id: str | None = Field(default=None, foreign_key="priority.id")
    statement: str
    display_order: int = 0


class Lead(Synced, table=True):
    """A role or a named person who leads actions; shared across plans."""

    __tablename__ = "lead"
    name: str = Field(index=True)
    kind: str = "Role"  # Role or Person


class RoleHolder(Synced, table=True):
    """A person who holds a lead role, so "my actions" can follow the person."""

    __tablename__ = "role_holder"
    lead_id: str = Field(foreign_key="lead.id", index=True)
    person: str


class Action(Synced, table=True):
    __tablename__ = "action"
    plan_id: str = Field(foreign_key="plan.id", index=True)
    priority_id: str | None = Field(default=None, foreign_key="priority.id")
    ref: str
    timeframe: Timeframe | None = Field(default=None, sa_type=EnumText(Timeframe))
    success_criteria: str = ""
    text: str = ""
    by_when: str = ""
    original_due_date: dt.date | None = None
    due_date: dt.date | None = None
    due_date_reason: str = ""
    measure_of_success: str = ""
    impact: str = ""
    display_order: int = 0
    carried_from_id: str | None = Field(default=None, foreign_key="action.id", max_length=36)


class ActionLead(Synced, table=True):
    __tablename__ = "action_lead"
    action_id: str = Field(foreign_key="action.id", index=True)
    lead_id: str = Field(foreign_key="lead.id", index=True)
    display_order: int = 0


class Step(Synced, table=True):
    __tablename__ = "step"
    action_id: str = Field(foreign_key="action.id", index=True)
    text: str
    timescale: str = ""
    done: bool = False
    display_order: int = 0


class ProgressUpdate(Synced, table=True):
    """Append-only: a mistaken update is withdrawn, never erased."""

    __tablename__ = "progress_update"
    action_id: str = Field(foreign_key="action.id", index=True)
    reported_on: dt.date
    recorded_at: dt.datetime = Field(default_factory=utc_now)
    author: str = ""
    status: Status = Field(sa_type=EnumText(Status))
    done_text: str = ""
    next_steps: str = ""
    withdrawn_at: dt.datetime | None = None
    withdrawn_by: str = ""
    withdrawn_reason: str = ""


class Measure(Synced, table=True):
    __tablename__ = "measure"
    plan_id: str = Field(foreign_key="plan.id", index=True)
    priority_id: str | None = Field(default=None, foreign_key="priority.id")
    ref: str
    area: str = ""
    indicator: str
    unit: Unit = Field(default=Unit.NUMBER, sa_type=EnumText(Unit))
    polarity: Polarity = Field(default=Polarity.HIGHER, sa_type=EnumText(Polarity))
    frequency: Frequency = Field(default=Frequency.MONTHLY, sa_type=EnumText(Frequency))
    baseline: float | None = None
    baseline_text: str = ""
    baseline_date: dt.date | None = None
    target: float | None = None
    target_text: str = ""
    target_date: dt.date | None = None
    tolerance: float | None = None
    definition: str = ""
    source: str = ""
    owner_id: str | None = Field(default=None, foreign_key="lead.id")
    display_order: int = 0


class MeasureAction(Synced, table=True):
    __tablename__ = "measure_action"
    measure_id: str = Field(foreign_key="measure.id", index=True)
    action_id: str = Field(foreign_key="action.id", index=True)


class MeasureValue(Synced, table=True):
    __tablename__ = "measure_value"
    measure_id: str = Field(foreign_key="measure.id", index=True)
    period: str
    period_end: dt.date
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""
    author: str = ""


class Benchmark(Synced, table=True):
    __tablename__ = "benchmark"
    measure_id: str = Field(foreign_key="measure.id", index=True)
    period: str
    period_end: dt.date
    comparator: str
    value: float | None = None


class Change(SQLModel, table=True):
    """One recorded change to one field of one row. Never itself changed."""

    __tablename__ = "change"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    changed_at: dt.datetime = Field(default_factory=utc_now, index=True)
    author: str = ""
    database_id: str = ""
    table_name: str
    row_id: str = Field(index=True)
    kind: str  # insert, update, delete, restore
    field: str = ""
    old_value: str | None = None
    new_value: str | None = None
    row_version: int = 1


SYNCED_TABLES: tuple[type[Synced], ...] = (
    Plan, Priority, Outcome, Lead, RoleHolder, Action, ActionLead, Step,
    ProgressUpdate, Measure, MeasureAction, MeasureValue, Benchmark,
)


# ------------------------------------------------------------ exchanging updates
# These tables belong to one database file: they are never sent anywhere, so
# they carry no UUID/version/tombstone and their changes are not recorded.


class SyncState(SQLModel, table=True):
    """Small facts about this file's exchanges, by key (e.g. what was sent)."""

    __tablename__ = "sync_state"
    key: str = Field(primary_key=True)
    value: str = ""


class SyncExchange(SQLModel, table=True):
    """One bundle sent or received, or one publish or refresh: the log the
    secretariat reads to see who has sent what."""

    __tablename__ = "sync_exchange"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    bundle_id: str = Field(default="", index=True)
    kind: str  # sent, received, published, refreshed
    at: dt.datetime = Field(default_factory=utc_now)
    author: str = ""
    other_database: str = ""
    file_name: str = ""
    changes: int = 0
    applied: int = 0
    conflicts: int = 0


class SyncSeen(SQLModel, table=True):
    """An incoming change that was seen but not applied as it stood (it
    collided, or the master already had its value), so receiving it again
    does nothing. Applied changes are in `change` under their own id."""

    __tablename__ = "sync_seen"
    change_id: str = Field(primary_key=True, max_length=36)
    bundle_id: str = ""
    outcome: str  # conflict, same, superseded
    conflict_id: int | None = Field(default=None, foreign_key="sync_conflict.id")


class SyncConflict(SQLModel, table=True):
    """The same field changed differently here and in an incoming bundle
    since their common value: held until someone decides."""

    __tablename__ = "sync_conflict"
    id: int | None = Field(default=None, primary_key=True)
    bundle_id: str = ""
    table_name: str
    row_id: str = Field(index=True)
    field: str
    base_value: str | None = None  # the value both sides started from
    master_value: str | None = None  # this database's value when the bundle came
    incoming_value: str | None = None
    incoming_author: str = ""
    incoming_at: dt.datetime
    incoming_database: str = ""
    detected_at: dt.datetime = Field(default_factory=utc_now)
    resolved_at: dt.datetime | None = None
    resolved_by: str = ""
    resolution: str = ""  # master, incoming, edited
    resolved_value: str | None = None
