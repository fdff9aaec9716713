"""Long operations run in a worker, off the GUI thread: the window keeps
ticking while a 50,000-change bundle is received, edits wait for it while
reading goes on, Cancel leaves the database exactly as it was, and no module
of the window but `ui/ops.py` writes through the database."""

from __future__ import annotations

import ast
import datetime as dt
import itertools
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot
from sqlalchemy import func
from sqlmodel import select

from perfdesk.domain.status import Status
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.sync.send import send
from perfdesk.store import backup, queries
from perfdesk.store.database import Database
from perfdesk.store.schema import ProgressUpdate
from perfdesk.ui import ask
from perfdesk.ui.main_window import MainWindow
from tests.sync.laptops import PLAN, laptop

BIG = 50_000
UI = Path(__file__).resolve().parents[2] / "perfdesk" / "ui"


@pytest.fixture(scope="session")
def big_bundle(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle of 50,000 changes (progress updates) from a laptop copy of
    the demo master, built once for the session (it takes a while)."""
    folder = tmp_path_factory.mktemp("big-bundle")
    ana = laptop(demo_template, folder, "ana")
    with ana.read() as session:
        plan = queries.find_plan(session, PLAN)
        actions = [a.id for a in queries.plan_actions(session, plan.id)]
    with ana.write() as session:  # one transaction: this is set-up, not the subject
        for n in range(BIG):
            session.add(ProgressUpdate(
                action_id=actions[n % len(actions)], reported_on=dt.date(2023, 11, 1),
                author="ana", status=Status.ON_TRACK.label, done_text=f"Update {n}"))
    path = send(ana, folder / "ana.perfdesk-updates").path
    ana.close()
    return path


def _updates(db: Database) -> int:
    with db.read() as session:
        return int(session.exec(select(func.count()).select_from(ProgressUpdate)).one())


def _dump(path: Path) -> list[str]:
    """Everything the file holds, as SQL (its -wal included)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _receiving(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, bundle: Path,
               each_tick: Callable[[], None]) -> list[tuple[float, bool]]:
    """Receive `bundle` through the menu while a timer ticks every 10 ms;
    each tick's time and whether the receive was running then."""
    monkeypatch.setattr(ask, "open_paths", lambda *_a: [str(bundle)])
    # The window's own start-up work at idle (importing the charts) is done first:
    # what is measured is the receive.
    qtbot.waitUntil(lambda: window.charts_loaded, timeout=30_000)
    ticks: list[tuple[float, bool]] = []
    assert window.ops is not None
    ops = window.ops

    def tick() -> None:
        ticks.append((time.perf_counter(), bool(ops.busy_with)))
        each_tick()

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    try:
        window.act_receive.trigger()  # returns once received; the timer ticks meanwhile
    finally:
        timer.stop()
    return ticks


def test_a_50000_change_bundle_is_received_while_the_window_keeps_ticking(
    qtbot: QtBot, open_window: Callable[[Database], MainWindow], demo_db: Database,
    big_bundle: Path, monkeypatch: pytest.MonkeyPatch, messages: list[tuple[str, str]],
) -> None:
    window = open_window(demo_db)
    before = _updates(demo_db)
    ticks = _receiving(qtbot, window, monkeypatch, big_bundle, lambda: None)

    during = [at for at, running in ticks if running]
    assert len(during) > 20  # it took a while, and the window kept going all along
    gaps = [later - earlier for earlier, later in itertools.pairwise(during)]
    assert max(gaps) < 0.100, f"the window stalled for {max(gaps) * 1000:.0f} ms"
    title, text = messages[-1]
    assert title == "Updates received" and f"{BIG} applied, 0 conflicts" in text
    assert _updates(demo_db) == before + BIG
    assert not window.ops.busy_with  # type: ignore[union-attr]
    assert window.act_add_action.isEnabled()  # editing is back


def test_cancelling_a_receive_changes_nothing_and_says_so(
    qtbot: QtBot, open_window: Callable[[Database], MainWindow], demo_db: Database,
    big_bundle: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch,
    messages: list[tuple[str, str]],
) -> None:
    window = open_window(demo_db)
    assert window.ops is not None
    ops = window.ops
    row = window.plan_tabs()[0].model.shown_rows()[0]
    before = _dump(db_path)
    seen: dict[str, object] = {}

    def meanwhile() -> None:
        dialog = ops.long_work.dialog
        if not ops.busy_with or not dialog.count.text() or "cancelled" in seen:
            return
        # While it runs: reading goes on, edits wait, the editing commands are off.
        seen["read"] = ops.read(lambda s: len(queries.plans(s)))
        seen["edit"] = ops.run("Edit", lambda s: action_edits.set_text(s, row.id, "text", "x"))
        seen["enabled"] = window.act_add_action.isEnabled()
        seen["shown"] = (dialog.isVisible(), dialog.what.text(), dialog.count.text())
        seen["cancelled"] = True
        dialog.cancel_button.click()

    _receiving(qtbot, window, monkeypatch, big_bundle, meanwhile)

    assert seen.get("cancelled"), "the receive ended before it could be cancelled"
    assert seen["read"] == 3
    assert seen["enabled"] is False
    visible, what, count = seen["shown"]  # type: ignore[misc]
    assert visible and "Applying the changes in ana.perfdesk-updates" in what
    assert count.endswith(f"of {BIG:,}")
    wait = "Wait for Receive updates to finish; nothing was changed."
    assert ("Edit: not done", wait) in messages
    assert messages[-1] == ("Receive updates: cancelled",
                            "Receive updates was cancelled; nothing was changed.")
    assert _dump(db_path) == before  # byte for byte the same data
    assert [b.reason for b in backup.list_backups(db_path)] == []  # and no backup was needed
    assert window.act_add_action.isEnabled()
    done = ops.run("Edit", lambda s: action_edits.set_text(s, row.id, "text", "After"))
    assert done is not None and _dump(db_path) != before  # edits go on afterwards


def test_a_second_long_operation_waits_for_the_first(
    open_window: Callable[[Database], MainWindow], demo_db: Database,
    messages: list[tuple[str, str]],
) -> None:
    window = open_window(demo_db)
    assert window.ops is not None
    ops = window.ops
    inner: list[object] = []
    tried = threading.Event()

    def second() -> None:  # on the GUI thread, while the first runs in its worker
        inner.append(ops.run_long("Print pack", lambda _db, _p: "inner", writes=False))
        inner.append(window.close())  # nor does the window close under it
        tried.set()

    def first(_db: Database, progress: Callable[[int, int], None]) -> str:
        progress(0, 1)
        assert tried.wait(timeout=60)  # the window went on, and tried the second
        progress(1, 1)
        return "outer"

    QTimer.singleShot(50, second)
    done = ops.run_long("Receive updates", first)
    assert getattr(done, "value", None) == "outer"
    refused, closed = inner
    assert getattr(refused, "message", "").startswith("Wait for Receive updates to finish")
    assert messages[-1][0] == "Print pack: not done"
    assert closed is False and window.isVisible()
    assert "Wait for Receive updates to finish" in window.statusBar().currentMessage()


def _cancel_at_once(monkeypatch: pytest.MonkeyPatch, starting: str) -> None:
    """Press Cancel as soon as the progress dialog starts on work whose text
    starts with `starting` (the work's first progress call then stops it)."""
    from perfdesk.ui.dialogs.progress_dialog import ProgressDialog

    start = ProgressDialog.start

    def cancelling(dialog: ProgressDialog, text: str, **how: bool) -> None:
        start(dialog, text, **how)
        if text.startswith(starting):
            dialog.cancel_button.click()

    monkeypatch.setattr(ProgressDialog, "start", cancelling)


@pytest.mark.parametrize("what", ["import", "pack", "refresh", "restore"])
def test_cancelled_long_operations_leave_everything_as_it_was(
    open_window: Callable[[Database], MainWindow], demo_db: Database, db_path: Path,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: list[tuple[str, str]],
    what: str,
) -> None:
    from perfdesk.services.workbook.exchange import export_plan
    from perfdesk.ui.dialogs import pack_dialog

    workbook = tmp_path / "partnership.xlsx"
    export_plan(demo_db, "Partnership", workbook)
    window = open_window(demo_db)
    monkeypatch.setattr(ask, "confirm", lambda *_a, **_k: True)
    monkeypatch.setattr(ask, "choose", lambda *_a: 0)
    if what == "restore":
        window.act_backup.trigger()
        row = window.plan_tabs()[0].model.shown_rows()[0]
        window.ops.run("Edit", lambda s: action_edits.set_text(  # type: ignore[union-attr]
            s, row.id, "text", "After the backup"))
    before = _dump(db_path)
    backups = backup.list_backups(db_path)
    pdf = tmp_path / "pack.pdf"
    if what == "import":
        _cancel_at_once(monkeypatch, "Importing Partnership")
        monkeypatch.setattr(ask, "open_path", lambda *_a: str(workbook))
        window.act_import.trigger()
        title = "Import Partnership: cancelled"
    elif what == "pack":
        from perfdesk.services.pack.model import PackOptions

        _cancel_at_once(monkeypatch, "Gathering the plans")
        monkeypatch.setattr(pack_dialog, "ask_pack", lambda *_a, **_k: PackOptions(
            plans=("Partnership",), meeting=dt.date(2023, 10, 12)))
        monkeypatch.setattr(ask, "save_path", lambda *_a, **_k: str(pdf))
        window.act_pack.trigger()
        title = "Print pack: cancelled"
    elif what == "refresh":  # this database as a laptop, refreshed from a published master
        from perfdesk.services.sync.copies import publish

        master = tmp_path / "published.sqlite"
        other = laptop(db_path, tmp_path, "other")  # any other copy of the plans
        publish(other, master)
        other.close()
        _cancel_at_once(monkeypatch, "Refreshing from the master")
        monkeypatch.setattr(ask, "open_path", lambda *_a: str(master))
        window.act_refresh_master.trigger()
        title = "Refresh from the master: cancelled"
    else:
        _cancel_at_once(monkeypatch, "Restoring the backup")
        window.act_restore.trigger()
        title = "Restore from backup: cancelled"
        backups = backup.list_backups(db_path)  # none taken before the restore began

    assert messages[-1][0] == title and "nothing was changed" in messages[-1][1]
    assert _dump(db_path) == before
    assert backup.list_backups(db_path) == backups or what == "import"  # a backup, no more
    assert not pdf.exists() and not list(tmp_path.glob(".pack-*"))
    assert window.ops is not None and not window.ops.busy_with
    assert window.act_add_action.isEnabled()


def test_the_overview_counts_in_a_worker_and_shows_the_last_counts_asked_for(
    qtbot: QtBot, open_window: Callable[[Database], MainWindow], demo_db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import perfdesk.ui.overview.tab as overview_tab

    counted_on: list[str] = []
    count = overview_tab.overview

    def counting(*args: object, **kwargs: object) -> object:
        counted_on.append(threading.current_thread().name)
        return count(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(overview_tab, "overview", counting)
    window = open_window(demo_db)
    window.tabs.setCurrentWidget(window.overview)
    overview = window.overview
    qtbot.waitUntil(lambda: overview.view is not None and not overview.counting,
                    timeout=30_000)
    assert counted_on and threading.main_thread().name not in counted_on
    plans = [overview.scope.itemData(i) for i in range(1, overview.scope.count())]
    for index in range(1, overview.scope.count()):  # asked three times over: the last is shown
        overview.scope.setCurrentIndex(index)
    assert overview.counting and overview.summary.text() == overview_tab.COUNTING
    qtbot.waitUntil(lambda: not overview.counting, timeout=30_000)
    assert overview.view is not None and overview.view.plan_id == plans[-1]


# -- one way to change data ---------------------------------------------------

# Service functions that change the database (or replace its file) for a long
# operation: the window may call them only inside work handed to `ops`.
WRITERS = {"receive", "refresh", "send", "publish", "restore", "import_document",
           "add_document", "apply_return", "backup_before", "perform", "reverse"}
RUNNERS = {"run", "run_long", "run_long_edit"}  # ops.run*, and LongWork.run before any window
ALLOWED = {UI / "ops.py", UI / "long_work.py"}


def _module_aliases(tree: ast.Module) -> set[str]:
    """Names bound to perfdesk modules (`from perfdesk.store import restore as restoring`)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("perfdesk"):
            for alias in node.names:
                names.add(alias.asname or alias.name)
    return names


def _handed_to_ops(chain: list[ast.AST], tree: ast.Module) -> bool:
    """Whether any function enclosing the call is work handed to a runner:
    a lambda given as an argument, or a def whose name is."""
    handed_names = {arg.id for node in ast.walk(tree) if isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute) and node.func.attr in RUNNERS
                    for arg in node.args if isinstance(arg, ast.Name)}
    for index, node in enumerate(chain):
        if isinstance(node, ast.Lambda) and index > 0:
            parent = chain[index - 1]
            if (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute)
                    and parent.func.attr in RUNNERS and node in parent.args):
                return True
        if isinstance(node, ast.FunctionDef) and node.name in handed_names:
            return True
    return False


def _writes_outside_ops(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = _module_aliases(tree)
    found = []

    def visit(node: ast.AST, chain: list[ast.AST]) -> None:
        if isinstance(node, ast.Call):
            func = node.func
            name = ""
            if isinstance(func, ast.Name) and func.id in WRITERS:
                name = func.id
            elif (isinstance(func, ast.Attribute) and func.attr in WRITERS
                  and isinstance(func.value, ast.Name) and func.value.id in modules):
                name = f"{func.value.id}.{func.attr}"
            elif isinstance(func, ast.Attribute) and func.attr == "write":
                receiver = ast.unparse(func.value)
                if receiver.split(".")[-1] in {"db", "_db", "database"}:
                    found.append(f"{path.name}:{node.lineno} {receiver}.write(")
            if name and not _handed_to_ops(chain, tree):
                found.append(f"{path.name}:{node.lineno} {name}(")
        for child in ast.iter_child_nodes(node):
            visit(child, [*chain, node])

    visit(tree, [])
    return found


def test_no_module_of_the_window_but_ops_writes_through_the_database() -> None:
    modules = sorted(p for p in UI.rglob("*.py") if p not in ALLOWED)
    assert len(modules) > 40
    found = [hit for path in modules for hit in _writes_outside_ops(path)]
    assert found == []
    commands = "\n".join(p.read_text(encoding="utf-8") for p in (UI / "commands").glob("*.py"))
    assert "window.db" not in commands  # data only through window.ops
    assert "perfdesk.ui.main_window" not in commands  # the Window protocol instead


def test_the_check_finds_a_write_made_outside_ops(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from perfdesk.services.sync.receive import receive\n"
        "from perfdesk.store import restore as restoring\n"
        "def bad(window, paths):\n"
        "    receive(window.db, paths)\n"
        "    with window.db.write() as s:\n"
        "        pass\n"
        "    restoring.restore(1, 2, 3)\n"
        "def good(window, paths):\n"
        "    window.ops.run_long('Receive', lambda db, p: receive(db, paths, progress=p))\n"
        "    def work(db, progress):\n"
        "        return restoring.restore(db.path, 2, 3)\n"
        "    window.ops.run_long('Restore', work)\n", encoding="utf-8")
    assert _writes_outside_ops(sample) == [
        "sample.py:4 receive(", "sample.py:5 window.db.write(", "sample.py:7 restoring.restore("]
