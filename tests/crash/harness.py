"""SIGKILL crash harness: real PerfDesk writers killed at random points.

Run it from the repository root (240 kills take about two and a half minutes
on an idle 2-core machine):

    .venv/bin/python -m tests.crash.harness --kills 240 [--seed N] [--keep DIR]

It builds its inputs once with the real command line (`perfdesk demo`, a plan
workbook with `export-plan`, a published master and a laptop made from it
with `sync refresh`, a bundle with `sync send`, a filled-in lead return with
`returns export`, a backup), runs each writer once to the end to time it and
to record what a finished run leaves, then again and again on a fresh copy
of the prepared files, each time killing its process group with SIGKILL
after a random delay drawn from 0.15 to 1.15 times its normal duration
(start-up included, so some kills land before it writes and some after it
has finished).

The writers: `update`, `edit` (a field), `import-plan --replace`, `sync
receive` of a bundle, `returns import --yes`, `restore`, `backup` and `sync
refresh`. After every kill it checks, as the next PerfDesk would find it:

- integrity: SQLite's `PRAGMA integrity_check` is ok, and `perfdesk check`'s
  checks (`services.integrity.check_database`) pass;
- lost committed writes: the writes made while preparing (each by a process
  that exited 0) are there, and so is the killed command's own if it had
  already exited 0;
- half-applied: the row counts of every table are exactly those before the
  command or exactly those a finished run leaves, nothing in between;
- lost unsent changes (refresh): the laptop keeps its identity and every
  change it had not sent, also after the next refresh runs to the end;
- incomplete backups offered: every backup `perfdesk backups` numbers
  (`usable_backups`) is a whole copy of a state the database was in;
- stale locks: the next writer gets the write lock at once.

It prints a table of kills per writer and each failure count, and exits 1
if any failure was found. `run()` is what tests/crash/test_crash.py calls.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

FAILURES = ("lost committed", "lost unsent", "integrity", "half-applied",
            "incomplete backup offered", "stale lock", "identity changed")
PLAN, ACTION = "Partnership", "PA1.1"
LEAD = "Head of Service Corporate Parenting"
LOW, HIGH = 0.15, 1.15  # the kill delay, as a share of the command's normal duration


def perfdesk(*argv: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "perfdesk", *argv], cwd=cwd, env=_env(cwd),
                          capture_output=True, text=True, timeout=120)
    if check and done.returncode != 0:
        raise RuntimeError(f"perfdesk {' '.join(argv)} failed ({done.returncode}): "
                           f"{done.stderr.strip()}")
    return done


def _env(folder: Path) -> dict[str, str]:
    import perfdesk

    env = dict(os.environ)
    # The children run the very PerfDesk this harness imports (the working tree), not
    # a copy installed in site-packages, whatever folder they run in.
    source = str(Path(perfdesk.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([source, *filter(None, [env.get("PYTHONPATH")])])
    env["PERFDESK_DB"] = str(folder / "nowhere.sqlite")  # every command names its --db
    env["PERFDESK_LOG"] = str(folder / "perfdesk.log")
    env.pop("PYTHONHASHSEED", None)
    return env


# --- what a database holds -------------------------------------------------------


def counts(path: Path) -> tuple[tuple[str, int, int], ...]:
    """Rows of every table (and how many are live, for tables that tombstone)."""
    conn = sqlite3.connect(path)
    try:
        tables = sorted(r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
        found = []
        for table in tables:
            columns = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
            total = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            live = (conn.execute(f'SELECT count(*) FROM "{table}" WHERE deleted_at IS NULL')
                    .fetchone()[0] if "deleted_at" in columns else total)
            found.append((table, int(total), int(live)))
        return tuple(found)
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)  # as the next PerfDesk: a -wal or hot journal is recovered
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def scalar(path: Path, query: str, *args: object) -> object:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(query, args).fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def unsent_ids(path: Path) -> tuple[str, set[str]]:
    from perfdesk.store import sync_state
    from perfdesk.store.database import open_database

    db = open_database(path)
    try:
        with db.read() as session:
            return db.database_id, {c.id for _, c in sync_state.unsent(session, db.database_id)}
    finally:
        db.close()


# --- the inputs, built once --------------------------------------------------------


@dataclass
class Inputs:
    folder: Path
    master: Path  # the demo plans
    laptop: Path  # a laptop made from the published master, with unsent work
    published: Path
    workbook: Path
    bundle: Path
    returned: Path
    saved: Path  # a backup of the master, before one more edit
    laptop_id: str = ""
    unsent: set[str] = field(default_factory=set)
    committed: list[Callable[[Path], bool]] = field(default_factory=list)


def prepare(folder: Path) -> Inputs:
    import openpyxl

    base = folder / "base"
    base.mkdir(parents=True)
    master = base / "master.sqlite"
    perfdesk("demo", "--db", str(master), cwd=base)
    workbook = base / "plan.xlsx"
    perfdesk("export-plan", PLAN, "--out", str(workbook), "--db", str(master), cwd=base)
    published = base / "published.sqlite"
    perfdesk("sync", "publish", "--db", str(master), "--out", str(published), cwd=base)
    laptop = base / "laptop.sqlite"
    perfdesk("sync", "refresh", str(published), "--db", str(laptop), cwd=base)
    perfdesk("update", "--db", str(laptop), "--plan", PLAN, "--action", ACTION,
             "--status", "On track", "--note", "Sent from the laptop", cwd=base)
    bundle = base / "ana.perfdesk-updates"
    perfdesk("sync", "send", "--db", str(laptop), "--out", str(bundle), cwd=base)
    for note in ("Unsent one", "Unsent two"):  # the laptop's work not yet sent
        perfdesk("update", "--db", str(laptop), "--plan", PLAN, "--action", ACTION,
                 "--status", "At risk", "--note", note, cwd=base)
    perfdesk("edit", "--db", str(laptop), "--plan", PLAN, "--action", ACTION,
             "impact=Typed on the laptop, not sent", cwd=base)
    returned = base / "return.xlsx"
    perfdesk("returns", "export", "--db", str(master), "--lead", LEAD, "--out", str(returned),
             cwd=base)
    book = openpyxl.load_workbook(returned)
    sheet = book["Actions"]
    columns = {c.value: c.column for c in sheet[1]}
    for row, note in ((2, "Panel now weekly"), (3, "Audit finished")):
        sheet.cell(row=row, column=columns["New status"], value="On track")
        sheet.cell(row=row, column=columns["What was done"], value=note)
    book.save(returned)
    perfdesk("backup", "--db", str(master), cwd=base)
    from perfdesk.store.backup import usable_backups

    saved = usable_backups(master)[0].path
    perfdesk("edit", "--db", str(master), "--plan", PLAN, "--action", ACTION,
             "impact=Committed after the backup", cwd=base)
    inputs = Inputs(base, master, laptop, published, workbook, bundle, returned, saved)
    inputs.laptop_id, inputs.unsent = unsent_ids(laptop)
    if len(inputs.unsent) < 3:
        raise RuntimeError(f"the laptop should have unsent work, has {len(inputs.unsent)}")
    return inputs


# --- the writers ---------------------------------------------------------------------


@dataclass
class Writer:
    name: str
    target: str  # "master" or "laptop": the database it writes
    argv: Callable[[Inputs, Path], list[str]]
    duration: float = 0.0
    finished: tuple[tuple[str, int, int], ...] = ()  # the counts a finished run leaves


def _writers() -> list[Writer]:
    return [
        Writer("update", "master", lambda i, db: [
            "update", "--db", str(db), "--plan", PLAN, "--action", ACTION,
            "--status", "Off track", "--note", "Written by the killed process"]),
        Writer("edit", "master", lambda i, db: [
            "edit", "--db", str(db), "--plan", PLAN, "--action", ACTION,
            "impact=Edited by the killed process"]),
        Writer("import-plan --replace", "master", lambda i, db: [
            "import-plan", str(i.workbook), "--replace", "--db", str(db)]),
        Writer("sync receive", "master", lambda i, db: [
            "sync", "receive", str(i.bundle), "--db", str(db)]),
        Writer("returns import", "master", lambda i, db: [
            "returns", "import", str(i.returned), "--yes", "--db", str(db)]),
        Writer("restore", "master", lambda i, db: [
            "restore", str(_saved_in(i, db)), "--db", str(db)]),
        Writer("backup", "master", lambda i, db: ["backup", "--db", str(db)]),
        Writer("sync refresh", "laptop", lambda i, db: [
            "sync", "refresh", str(i.published), "--db", str(db)]),
    ]


def _saved_in(inputs: Inputs, db: Path) -> Path:
    """The prepared backup, in this copy's own backups folder."""
    from perfdesk.store.backup import backup_folder

    return backup_folder(db) / inputs.saved.name


def fresh_copy(inputs: Inputs, writer: Writer, folder: Path) -> Path:
    """The prepared database the writer works on (with its backups), alone in `folder`."""
    from perfdesk.store.backup import backup_folder

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    source = inputs.master if writer.target == "master" else inputs.laptop
    db = folder / source.name
    shutil.copy(source, db)
    if writer.target == "master":
        shutil.copytree(backup_folder(source), backup_folder(db))
    return db


# --- one kill --------------------------------------------------------------------------


@dataclass
class Outcome:
    writer: str
    delay: float
    exited: int | None  # its exit status if it finished before the kill
    took: float  # how long it ran
    failures: list[str]
    notes: list[str]


def kill_once(inputs: Inputs, writer: Writer, folder: Path, delay: float) -> Outcome:
    db = fresh_copy(inputs, writer, folder)
    before = counts(db)
    states_before = _backup_states(db)
    began = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "perfdesk", *writer.argv(inputs, db)],
                               cwd=folder, env=_env(folder), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        exited = process.wait(timeout=delay)
        took = time.monotonic() - began
    except subprocess.TimeoutExpired:
        took = delay
        exited = None
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    failures, notes = check_after(inputs, writer, db, before, states_before, exited)
    return Outcome(writer.name, delay, exited, took, failures, notes)


def _backup_states(db: Path) -> set[tuple[tuple[str, int, int], ...]]:
    from perfdesk.store.backup import usable_backups

    return {counts(b.path) for b in usable_backups(db)}


def check_after(inputs: Inputs, writer: Writer, db: Path, before: tuple, states_before: set,
                exited: int | None) -> tuple[list[str], list[str]]:
    from perfdesk.errors import PerfDeskError
    from perfdesk.services.health_check import check_database
    from perfdesk.store.backup import list_backups, usable_backups
    from perfdesk.store.database import open_database

    failures: list[str] = []
    notes: list[str] = []
    if exited not in (None, 0):
        notes.append(f"exited {exited} before the kill")
    if integrity(db) != "ok":
        return ["integrity"], notes
    try:
        opened = open_database(db, busy_timeout_ms=1500)
        try:
            if not check_database(opened).ok:
                failures.append("integrity")
        finally:
            opened.close()
    except PerfDeskError as exc:
        return ["integrity"], [*notes, str(exc)]

    now = counts(db)
    if exited == 0 and now != writer.finished:
        failures.append("lost committed")  # it said it was done, and it is not there
    elif now not in (before, writer.finished):
        failures.append("half-applied")
    if writer.target == "master" and scalar(
            db, "SELECT count(*) FROM action WHERE impact = 'Committed after the backup'") != 1 \
            and now != writer.finished:  # a finished restore takes it away, as asked
        failures.append("lost committed")

    if writer.target == "laptop":
        identity, unsent = unsent_ids(db)
        if identity != inputs.laptop_id:
            failures.append("identity changed")
        if not inputs.unsent <= unsent:
            failures.append("lost unsent")
        from perfdesk.services.sync.copies import refresh

        try:  # the next refresh is not confused by what the killed one left
            refresh(db, inputs.published, author="harness")
        except PerfDeskError as exc:
            failures.append("stale lock")
            notes.append(f"the next refresh was refused: {exc}")
        identity, unsent = unsent_ids(db)
        if identity != inputs.laptop_id:
            failures.append("identity changed")
        if not inputs.unsent <= unsent:
            failures.append("lost unsent")

    known = states_before | {before, writer.finished}
    for info in usable_backups(db):
        if check_database_file(info.path) != "ok" or counts(info.path) not in known:
            failures.append("incomplete backup offered")
            break
    damaged = [b for b in list_backups(db, checked=True) if not b.usable]
    if damaged:
        notes.append(f"{len(damaged)} damaged backup(s) listed as not restorable")

    try:  # the next writer gets the lock at once
        opened = open_database(db, busy_timeout_ms=1500)
        try:
            with opened.write(record=False):
                pass
        finally:
            opened.close()
    except PerfDeskError as exc:
        failures.append("stale lock")
        notes.append(str(exc))
    return sorted(set(failures), key=failures.index), notes


def check_database_file(path: Path) -> str:
    from perfdesk.store.backup_check import check_backup

    return check_backup(path).problem or "ok"


# --- a run -------------------------------------------------------------------------------


@dataclass
class Report:
    kills: Counter[str] = field(default_factory=Counter)
    finished: Counter[str] = field(default_factory=Counter)
    failures: dict[str, Counter[str]] = field(default_factory=dict)
    examples: list[Outcome] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_failures(self) -> int:
        return sum(sum(c.values()) for c in self.failures.values())

    def table(self) -> str:
        header = ["writer", "runs", "killed", "done first", *FAILURES]
        rows = [header]
        for name in self.kills:
            found = self.failures.get(name, Counter())
            rows.append([name, str(self.kills[name]),
                         str(self.kills[name] - self.finished[name]), str(self.finished[name]),
                         *(str(found[f]) for f in FAILURES)])
        total = Counter()
        for found in self.failures.values():
            total.update(found)
        rows.append(["total", str(sum(self.kills.values())),
                     str(sum(self.kills.values()) - sum(self.finished.values())),
                     str(sum(self.finished.values())), *(str(total[f]) for f in FAILURES)])
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        lines = ["  ".join(cell.rjust(w) if i else cell.ljust(w)
                           for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
                 for row in rows]
        lines.insert(1, "-" * len(lines[0]))
        lines.insert(len(lines) - 1, "-" * len(lines[0]))
        timing = ", ".join(f"{k} {v:.2f}s" for k, v in self.durations.items())
        lines.append(f"normal durations (median of whole runs): {timing}")
        lines.append(f"{sum(self.kills.values())} runs in {self.seconds:.0f}s")
        for outcome in self.examples[:10]:
            lines.append(f"FAILED {outcome.writer} killed at {outcome.delay:.2f}s: "
                         f"{', '.join(outcome.failures)} {'; '.join(outcome.notes)}")
        return "\n".join(lines)


def run(kills: int, seed: int = 12, folder: Path | None = None,
        log: Callable[[str], None] = lambda _line: None) -> Report:
    """Prepare, time each writer, then `kills` runs spread evenly over the
    writers in a seeded random order, each killed after a random delay."""
    started = time.monotonic()
    own = folder is None
    folder = Path(tempfile.mkdtemp(prefix="perfdesk-crash-")) if folder is None else folder
    try:
        inputs = prepare(folder / "inputs")
        writers = _writers()
        report = Report()
        timings: dict[str, list[float]] = {}
        for writer in writers:  # whole runs, to time it and see what it leaves
            for _ in range(2):
                db = fresh_copy(inputs, writer, folder / "timing")
                began = time.monotonic()
                perfdesk(*writer.argv(inputs, db), cwd=db.parent)
                timings.setdefault(writer.name, []).append(time.monotonic() - began)
                writer.finished = counts(db)
            log(f"{writer.name}: {min(timings[writer.name]):.2f}s")
        rng = random.Random(seed)
        order = [writers[i % len(writers)] for i in range(kills)]
        rng.shuffle(order)
        for number, writer in enumerate(order, start=1):
            # Its normal duration: the median of its latest whole runs, so that the kills
            # follow the machine's pace when other work slows it down or lets it go.
            writer.duration = statistics.median(timings[writer.name][-5:])
            delay = rng.uniform(LOW, HIGH) * writer.duration
            outcome = kill_once(inputs, writer, folder / "run", delay)
            report.kills[writer.name] += 1
            if outcome.exited is not None:
                report.finished[writer.name] += 1
                timings[writer.name].append(outcome.took)
            if outcome.failures:
                report.failures.setdefault(writer.name, Counter()).update(outcome.failures)
                report.examples.append(outcome)
                keep = folder / "failed" / f"{number:04d}-{writer.name.replace(' ', '_')}"
                shutil.copytree(folder / "run", keep)
            log(f"{number:4}/{kills} {writer.name:22} {delay:5.2f}s "
                f"{'done' if outcome.exited is not None else 'killed':6} "
                f"{', '.join(outcome.failures) or 'ok'}")
        report.durations = {w.name: statistics.median(timings[w.name]) for w in writers}
        report.seconds = time.monotonic() - started
        return report
    finally:
        if own:
            shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.crash.harness",
                                     description="Kill PerfDesk writers with SIGKILL at random "
                                                 "points and check nothing is lost.")
    parser.add_argument("--kills", type=int, default=240)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR and keep it (failed runs are copied to DIR/failed)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    report = run(args.kills, args.seed, args.keep,
                 log=(lambda _l: None) if args.quiet else
                 (lambda line: print(line, file=sys.stderr, flush=True)))
    print(report.table())
    return 1 if report.total_failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
