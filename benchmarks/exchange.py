"""Benchmark rows for what arrives in bulk: update bundles from many laptops
received at once, and lead returns imported at once. Absolute goals (no
floor): each within 2 s, with progress reported along the way. Timed in this
process, after the set-up (copies, edits, filled-in returns) is done."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import time
from pathlib import Path

TODAY = dt.date(2024, 1, 15)
GOAL_S = 2.0


def _row(figure: str, seconds: float, note: str):  # type: ignore[no-untyped-def]
    from benchmarks.__main__ import Row

    return Row(figure, f"{seconds:.2f} s", "–", None, f"≤ {GOAL_S:.0f} s",
               seconds <= GOAL_S, note)


def bundles(folder: Path, count: int, changes: int):  # type: ignore[no-untyped-def]
    from benchmarks.__main__ import demo_db
    from perfdesk.services.sync.copies import publish, refresh
    from perfdesk.services.sync.receive import receive
    from perfdesk.services.sync.send import send
    from perfdesk.store import queries
    from perfdesk.store.database import open_database
    from perfdesk.store.schema import ProgressUpdate

    master_path = folder / "master.sqlite"
    shutil.copyfile(demo_db(), master_path)
    master = open_database(master_path, author="secretariat")
    published = publish(master, folder / "published.sqlite")
    paths = []
    for n in range(count):
        laptop_path = folder / f"laptop{n}.sqlite"
        refresh(laptop_path, published, author=f"lead{n}")
        laptop = open_database(laptop_path, author=f"lead{n}")
        with laptop.write() as session:  # progress updates: a term's returns from one lead
            ids = [a.id for plan in queries.plans(session)
                   for a in queries.plan_actions(session, plan.id)]
            for k in range(changes):
                session.add(ProgressUpdate(
                    action_id=ids[(n * changes + k) % len(ids)], reported_on=TODAY,
                    author=f"lead{n}", status="On track",
                    done_text=f"Update {k} from laptop {n}"))
        paths.append(send(laptop, folder / f"lead{n}.perfdesk-updates").path)
        laptop.close()
    calls: list[float] = []
    started = time.perf_counter()
    report = receive(master, paths, progress=lambda done, total: calls.append(
        time.perf_counter()))
    seconds = time.perf_counter() - started
    master.close()
    marks = [started, *calls, started + seconds]
    gap = max(b - a for a, b in itertools.pairwise(marks))
    return _row(f"Receive {count} bundles of {changes} changes at once", seconds,
                f"{report.applied} applied, {len(report.conflicts)} conflicts; "
                f"{len(calls)} progress reports, longest gap {gap * 1000:.0f} ms")


def returns(folder: Path, count: int):  # type: ignore[no-untyped-def]
    import openpyxl

    from benchmarks.__main__ import demo_db
    from perfdesk.services.returns.apply import apply_return, check_return
    from perfdesk.services.returns.read import read_return
    from perfdesk.services.returns.write import leads_with_work, write_return
    from perfdesk.services.workbook.exchange import backup_before
    from perfdesk.store.database import open_database
    from perfdesk.store.edits import perform

    db_path = folder / "returns.sqlite"
    shutil.copyfile(demo_db(), db_path)
    db = open_database(db_path, author="secretariat")
    with db.read() as session:
        leads = [lead.name for lead in leads_with_work(session, TODAY)]
        out = folder / "returns"
        out.mkdir()
        paths = [write_return(session, leads[n % len(leads)], out / f"return{n}.xlsx", TODAY)
                 for n in range(count)]
    for n, path in enumerate(paths):  # the lead fills in up to three actions
        book = openpyxl.load_workbook(path)
        sheet = book["Actions"]
        columns = {c.value: c.column for c in sheet[1]}
        for row in range(2, min(sheet.max_row, 4) + 1):
            sheet.cell(row, columns["New status"], "On track")
            sheet.cell(row, columns["What was done"], f"Return {n}: progress made")
            sheet.cell(row, columns["Date"], TODAY)
        book.save(path)
    done: list[float] = []
    started = time.perf_counter()
    docs = [read_return(path, TODAY) for path in paths]
    with db.read() as session:
        previews = [check_return(session, doc) for doc in docs]
    backup_before(db, "before-returns")
    added = 0
    for preview in previews:
        added += perform(db, "Import return",
                         lambda s, p=preview: apply_return(s, p, True))[0]
        done.append(time.perf_counter())
    seconds = time.perf_counter() - started
    db.close()
    return _row(f"Import {count} returns", seconds,
                f"{added} updates added; read, checked, backed up, applied "
                "(the CLI's steps; the window reports each return applied)")


def exchange_rows(folder: Path, quick: bool) -> list:  # type: ignore[type-arg]
    count = 5 if quick else 50
    rows = []
    for make in (lambda: bundles(folder, count, 40), lambda: returns(folder, count)):
        try:
            rows.append(make())
        except Exception as exc:  # a benchmark that cannot run says why in its row
            from benchmarks.__main__ import Row

            rows.append(Row(str(exc).splitlines()[0][:60], "–", "–", None, "", None,
                            f"failed: {type(exc).__name__}"))
    return rows
