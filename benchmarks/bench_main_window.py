"""Benchmark (not a test): open the main window on a generated plan of
20,000 actions and time keystrokes in the search box.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_main_window.py [--actions 20000]

Reports: building the database (once, cached beside this script's output
folder), opening the window until the plan tab is filled, and for each
keystroke of a typed search the time from the key press to the table
holding the filtered rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout


def build(path: Path, actions: int) -> float:
    from benchmarks.generate import generated_plan
    from perfdesk.services.plans.documents import save_document
    from perfdesk.store.database import open_database

    started = time.perf_counter()
    db = open_database(path, create=True, author="benchmark")
    with db.write() as session:
        save_document(session, generated_plan(actions))
    db.close()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=20_000)
    parser.add_argument("--typed", default="children placement")
    parser.add_argument("--db", type=Path, help="reuse this generated database")
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / f"perfdesk-bench-{args.actions}.sqlite"
    if not path.exists():
        print(f"generating {args.actions} actions into {path}: {build(path, args.actions):.1f} s")

    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    from perfdesk.store.database import open_database
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.settings import Settings

    ini = path.with_suffix(".ini")
    ini.unlink(missing_ok=True)  # a first start: no remembered tab or layout
    settings = Settings(QSettings(str(ini), QSettings.Format.IniFormat))
    started = time.perf_counter()
    window = MainWindow(open_database(path), settings)
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    opened = time.perf_counter() - started
    tab = window.plan_tabs()[0]
    print(f"window open with {tab.model.total} actions: {opened * 1000:.0f} ms")

    timings = []
    for char in args.typed:
        started = time.perf_counter()
        QTest.keyClick(tab.filters.search, char)
        app.processEvents()
        timings.append((time.perf_counter() - started) * 1000)
        print(f"  typed {tab.filters.search.text()!r:24} -> {tab.model.shown:6} rows "
              f"in {timings[-1]:.1f} ms")
    print(f"keystroke to updated table: median {statistics.median(timings):.1f} ms, "
          f"worst {max(timings):.1f} ms over {len(timings)} keys")
    erased = []
    for _ in args.typed:
        started = time.perf_counter()
        QTest.keyClick(tab.filters.search, Qt.Key.Key_Backspace)
        app.processEvents()
        erased.append((time.perf_counter() - started) * 1000)
    print(f"backspace (widening, every row checked again): median "
          f"{statistics.median(erased):.1f} ms, worst {max(erased):.1f} ms; "
          f"{tab.model.shown} rows shown at the end")
    started = time.perf_counter()
    window.tabs.setCurrentWidget(window.overview)
    app.processEvents()
    print(f"Overview counted and drawn: {(time.perf_counter() - started) * 1000:.0f} ms")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
