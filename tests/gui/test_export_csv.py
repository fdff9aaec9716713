"""File > Export list as CSV writes exactly the actions shown, in the order
shown - so a filtered list exports as filtered."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from perfdesk.store.database import Database
from perfdesk.ui import ask
from perfdesk.ui.main_window import MainWindow


def test_the_filtered_list_exports_as_shown(
    qtbot, open_window: Callable[[Database], MainWindow], demo_db: Database, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(demo_db)
    tab = window.current_plan_tab()
    assert tab is not None
    qtbot.keyClicks(tab.filters.search, "b&b hotel")
    qtbot.waitUntil(lambda: tab.model.shown < tab.model.total)
    shown = [row.ref for row in tab.model.shown_rows()]
    out = tmp_path / "list.csv"
    monkeypatch.setattr(ask, "save_path", lambda *_a: str(out))
    window.act_export_csv.trigger()
    with out.open(encoding="utf-8-sig", newline="") as handle:
        refs = [row["Ref"] for row in csv.DictReader(handle)]
    assert refs == shown and 0 < len(refs) < tab.model.total
