"""Lead returns from the window: export a lead's return, fill it in as the
lead would, import it through the real preview dialog, and see the updates
recorded as made by the lead - once only, confirmed where the action has
moved on, and never from a broken file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QDialog
from sqlmodel import select

from perfdesk.domain.status import Status
from perfdesk.domain.text import name_key
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.plans.leads import add_lead
from perfdesk.services.returns.apply import Flag, ReturnItem, ReturnPreview
from perfdesk.services.returns.read import ActionReturn, MeasureReturn, ReturnDoc
from perfdesk.store import backup, queries
from perfdesk.store.database import Database
from perfdesk.store.schema import ProgressUpdate
from perfdesk.ui import ask
from perfdesk.ui.commands import returns as returns_commands
from perfdesk.ui.dialogs.return_preview import Column, ReturnPreviewDialog
from perfdesk.ui.main_window import MainWindow
from tests.services.test_returns import action_ids, counts
from tests.services.test_returns import fill as fill_sheet

LEAD = "Head of Service Corporate Parenting"
OTHER_LEAD = "Director of Children's Services"
DAY = dt.date(2023, 10, 2)  # the window's today (tests/gui/conftest.py)

Review = Callable[[list[ReturnPreview], MainWindow], bool | None]


# ---------------------------------------------------------------- helpers

def answer_choices(monkeypatch: pytest.MonkeyPatch, **answers: str) -> list[list[str]]:
    """ask.choose answered by label: {title: item}; returns the lists offered."""
    offered: list[list[str]] = []

    def choose(_parent: object, title: str, _label: str, items: list[str]) -> int | None:
        offered.append(list(items))
        return items.index(answers[title]) if answers.get(title) in items else None

    monkeypatch.setattr(ask, "choose", choose)
    return offered


def export_return(window: MainWindow, monkeypatch: pytest.MonkeyPatch, out: Path) -> Path:
    """The lead's return, written through File > Export returns."""
    answer_choices(monkeypatch, **{"Export returns": returns_commands.ONE_LEAD,
                                   "Export a return": LEAD})
    monkeypatch.setattr(ask, "save_path", lambda *_a: str(out))
    returns_commands.export_returns(window)
    assert out.is_file()
    return out


def fill(path: Path, row: int, **cells: object) -> None:
    """Type into the Actions sheet as the lead would: cells by header name."""
    fill_sheet(path, "Actions", row, **cells)




def updates_by(db: Database, author: str) -> list[tuple[str, str, str, dt.date]]:
    with db.read() as session:
        rows = session.exec(select(ProgressUpdate).where(ProgressUpdate.author == author)).all()
        return sorted((u.action_id, u.status.label, u.done_text, u.reported_on) for u in rows)


def pick(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    monkeypatch.setattr(returns_commands, "_pick_files", lambda _w: [str(p) for p in paths])


def review_with(qtbot, monkeypatch: pytest.MonkeyPatch, *, tick: bool = False,
                cancel: bool = False) -> list[dict[str, object]]:
    """Replace the preview with the real dialog, driven by clicks; each
    showing is recorded (rows, summary, checkbox) for the test to check."""
    shown: list[dict[str, object]] = []

    def review(previews: list[ReturnPreview], window: MainWindow) -> bool | None:
        dialog = ReturnPreviewDialog(previews, window)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        model = dialog.model
        shown.append({
            "rows": [(model.index(r, Column.WHERE).data(), model.index(r, Column.FLAG).data())
                     for r in range(model.rowCount())],
            "summary": dialog.summary.text(),
            "checkbox": dialog.confirm.isVisible(),
            "checkbox_text": dialog.confirm.text(),
            "apply_enabled": dialog.apply_button.isEnabled(),
        })
        if tick:
            dialog.confirm.click()
            shown[-1]["summary_ticked"] = dialog.summary.text()
        button = dialog.cancel_button if cancel else dialog.apply_button
        if button.isEnabled():
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        else:
            dialog.reject()
        assert not dialog.isVisible()
        return dialog.confirm_unassigned if dialog.result() == QDialog.DialogCode.Accepted \
            else None

    monkeypatch.setattr(returns_commands, "_review", review)
    return shown


def before_returns_backups(db: Database) -> int:
    assert db.path is not None
    return sum(1 for b in backup.list_backups(db.path) if b.reason == "before-returns")


# ---------------------------------------------------------------- export

def test_export_one_lead_offers_only_leads_with_work_and_says_where(
    demo_db: Database, open_window, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    messages: list[tuple[str, str]],
) -> None:
    with demo_db.write() as session:
        add_lead(session, "Idle Lead")  # leads nothing and owns nothing
    window = open_window(demo_db)
    offered = answer_choices(monkeypatch, **{"Export returns": returns_commands.ONE_LEAD,
                                             "Export a return": LEAD})
    out = tmp_path / "mine.xlsx"
    monkeypatch.setattr(ask, "save_path", lambda *_a: str(out))
    returns_commands.export_returns(window)

    assert offered[0] == [returns_commands.ONE_LEAD, returns_commands.EVERY_LEAD]
    leads = offered[1]
    assert LEAD in leads and leads == sorted(leads, key=str.casefold)
    assert "Idle Lead" not in leads
    assert out.is_file() and len(action_ids(out)) >= 2
    assert messages[-1][0] == "Returns written" and str(out) in messages[-1][1]
    assert str(out) in window.statusBar().currentMessage()


def test_export_every_lead_writes_one_file_each_into_the_folder(
    demo_db: Database, open_window, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    messages: list[tuple[str, str]],
) -> None:
    window = open_window(demo_db)
    answer_choices(monkeypatch, **{"Export returns": returns_commands.EVERY_LEAD})
    folder = tmp_path / "returns"
    folder.mkdir()
    monkeypatch.setattr(ask, "folder_path", lambda *_a: str(folder))
    returns_commands.export_returns(window)

    written = sorted(p.name for p in folder.glob("*.xlsx"))
    assert f"{LEAD}.xlsx" in written and len(written) > 1
    title, text = messages[-1]
    assert title == "Returns written" and f"{len(written)} returns" in text
    assert all(name in text for name in written)


def test_export_into_a_folder_that_cannot_be_written_is_refused(
    demo_db: Database, open_window, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    messages: list[tuple[str, str]],
) -> None:
    window = open_window(demo_db)
    answer_choices(monkeypatch, **{"Export returns": returns_commands.EVERY_LEAD})
    monkeypatch.setattr(ask, "folder_path", lambda *_a: str(tmp_path / "not" / "there"))
    returns_commands.export_returns(window)
    assert messages[-1][0] == "Returns not written"


# ---------------------------------------------------------------- import

def test_a_filled_return_is_previewed_applied_as_the_lead_and_only_once(
    demo_db: Database, open_window, qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    messages: list[tuple[str, str]],
) -> None:
    window = open_window(demo_db)
    path = export_return(window, monkeypatch, tmp_path / "return.xlsx")
    first, second = action_ids(path)[:2]
    fill(path, 2, new_status="at risk", what_was_done="Strategy drafted", date=DAY)
    fill(path, 3, new_status="On track", what_was_done="Panel met", next_steps="Report",
         date="01/10/2023")
    before = counts(demo_db)
    pick(monkeypatch, path)
    shown = review_with(qtbot, monkeypatch)

    assert returns_commands.import_returns(window) == 2
    (seen,) = shown
    assert seen["rows"] == [("Actions row 2", "✓ will be added"),
                            ("Actions row 3", "✓ will be added")]
    assert seen["summary"] == "2 updates and 0 figures will be added."
    assert seen["checkbox"] is False and seen["apply_enabled"] is True
    assert updates_by(demo_db, LEAD) == sorted([
        (first, "At risk", "Strategy drafted", DAY),
        (second, "On track", "Panel met", dt.date(2023, 10, 1)),
    ])
    assert counts(demo_db) == (before[0] + 2, before[1])
    assert before_returns_backups(demo_db) == 1
    assert messages[-1] == ("Returns imported", "Added 2 updates and 0 figures.")
    assert window.ops is not None and window.ops.history.undo_label == "Import return return.xlsx"
    shown_rows = {r.id: r for tab in window.plan_tabs() for r in tab.model.all_rows()}
    assert shown_rows[first].status is Status.AT_RISK  # the window shows it without a reload
    assert shown_rows[first].latest_text == "Strategy drafted"

    assert returns_commands.import_returns(window) is None  # again: only Cancel is left
    assert [flag for _where, flag in shown[1]["rows"]] == ["= already recorded"] * 2
    assert shown[1]["summary"] == "0 updates and 0 figures will be added; 2 already recorded."
    assert shown[1]["apply_enabled"] is False
    assert counts(demo_db) == (before[0] + 2, before[1])


def test_a_row_for_an_action_led_by_someone_else_now_needs_the_tick(
    demo_db: Database, open_window, qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    window = open_window(demo_db)
    path = export_return(window, monkeypatch, tmp_path / "return.xlsx")
    moved, kept = action_ids(path)[:2]
    with demo_db.write() as session:
        other = queries.lead_by_name(session)[name_key(OTHER_LEAD)]
        action_edits.set_leads(session, moved, [other.id])
    fill(path, 2, new_status="On track", what_was_done="Handed over", date=DAY)
    fill(path, 3, new_status="On track", what_was_done="Kept going", date=DAY)
    pick(monkeypatch, path)

    shown = review_with(qtbot, monkeypatch)  # Apply without the tick
    assert returns_commands.import_returns(window) == 1
    assert shown[0]["checkbox"] is True
    assert shown[0]["checkbox_text"].startswith("Also apply the 1 row for ")
    assert shown[0]["summary"] == "1 update and 0 figures will be added; 1 needs your confirmation."
    assert [a for a, *_ in updates_by(demo_db, LEAD)] == [kept]

    shown = review_with(qtbot, monkeypatch, tick=True)  # again, ticked this time
    assert returns_commands.import_returns(window) == 1
    assert shown[0]["apply_enabled"] is False  # only the duplicate and the unconfirmed row
    assert shown[0]["summary_ticked"].startswith("1 update and 0 figures will be added")
    assert sorted(a for a, *_ in updates_by(demo_db, LEAD)) == sorted([moved, kept])


def test_cancel_applies_nothing_and_takes_no_backup(
    demo_db: Database, open_window, qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    window = open_window(demo_db)
    path = export_return(window, monkeypatch, tmp_path / "return.xlsx")
    fill(path, 2, new_status="On track", what_was_done="Panel met", date=DAY)
    before = counts(demo_db)
    pick(monkeypatch, path)
    shown = review_with(qtbot, monkeypatch, cancel=True)
    assert returns_commands.import_returns(window) is None
    assert len(shown) == 1 and counts(demo_db) == before
    assert before_returns_backups(demo_db) == 0
    assert window.ops is not None and window.ops.history.undo_label is None


def test_a_broken_file_is_refused_by_name_and_nothing_from_any_file_applies(
    demo_db: Database, open_window, qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    messages: list[tuple[str, str]],
) -> None:
    window = open_window(demo_db)
    good = export_return(window, monkeypatch, tmp_path / "good.xlsx")
    fill(good, 2, new_status="On track", what_was_done="Panel met", date=DAY)
    wrong = export_return(window, monkeypatch, tmp_path / "wrong.xlsx")
    fill(wrong, 3, new_status="Nearly there", what_was_done="x", date=DAY)
    notes = tmp_path / "notes.xlsx"
    notes.write_text("New status,What was done\nOn track,Panel met\n")
    before = counts(demo_db)
    pick(monkeypatch, good, wrong, notes)
    shown = review_with(qtbot, monkeypatch)

    assert returns_commands.import_returns(window) is None
    assert shown == [] and counts(demo_db) == before
    title, text = messages[-1]
    assert title == "Returns not imported"
    assert "good.xlsx" not in text
    assert "wrong.xlsx: refused, 1 problem" in text
    assert "Actions row 3, column New status: unknown status 'Nearly there'" in text
    assert "notes.xlsx is not an Excel workbook (.xlsx)" in text
    assert "None of the chosen returns was imported." in text
    assert before_returns_backups(demo_db) == 0


def test_choosing_no_file_does_nothing(
    demo_db: Database, open_window, qtbot, monkeypatch: pytest.MonkeyPatch,
    messages: list[tuple[str, str]],
) -> None:
    window = open_window(demo_db)
    pick(monkeypatch)
    shown = review_with(qtbot, monkeypatch)
    assert returns_commands.import_returns(window) is None
    assert shown == [] and messages == []


# ---------------------------------------------------------------- the dialog on its own

def _action(row: int, ref: str) -> ActionReturn:
    return ActionReturn(row, f"id-{ref}", ref, Status.ON_TRACK, "Done", "", DAY, True)


def _item(where: str, ref: str, flag: Flag | None, row: ActionReturn | MeasureReturn,
          ) -> ReturnItem:
    return ReturnItem(where, ref, f"update to {ref}", flag, row)


def _previews() -> list[ReturnPreview]:
    doc = ReturnDoc("a.xlsx", LEAD, "db", "2023-10-01", "CS")
    figure = MeasureReturn(2, "id-M1", "M1", "2023-09", 47.0, "")
    first = ReturnPreview(doc, [
        _item("Actions row 2", "1.1", None, _action(2, "1.1")),
        _item("Actions row 3", "1.2", Flag.NOT_LEAD, _action(3, "1.2")),
        _item("Measures row 2", "M1", None, figure),
    ])
    second = ReturnPreview(ReturnDoc("b.xlsx", OTHER_LEAD, "db", "", ""), [
        _item("Actions row 2", "2.1", Flag.DUPLICATE, _action(2, "2.1")),
        _item("Actions row 4", "2.3", Flag.DELETED, _action(4, "2.3")),
        _item("Actions row 5", "2.4", None, _action(5, "2.4")),
    ])
    return [first, second]


def test_the_dialog_lists_every_item_marks_flags_in_words_and_sums_up(qtbot) -> None:
    dialog = ReturnPreviewDialog(_previews())
    qtbot.addWidget(dialog)
    QAbstractItemModelTester(dialog.model,
                             QAbstractItemModelTester.FailureReportingMode.Fatal)
    dialog.show()
    qtbot.waitExposed(dialog)
    model = dialog.model
    assert model.rowCount() == 6
    assert not dialog.table.isColumnHidden(Column.FILE)  # two files: say which
    rows = [[model.index(r, c).data() for c in Column] for r in range(model.rowCount())]
    assert rows[0] == ["a.xlsx", "Actions row 2", "1.1", "update to 1.1", "✓ will be added"]
    assert rows[1][Column.FLAG] == "? needs confirmation"
    assert rows[3][:2] == ["b.xlsx", "Actions row 2"]
    assert rows[3][Column.FLAG] == "= already recorded"
    assert rows[4][Column.FLAG] == "✗ deleted since export"
    tip = model.index(1, Column.FLAG).data(Qt.ItemDataRole.ToolTipRole)
    assert "added only if you tick the box" in tip
    assert dialog.summary.text() == ("2 updates and 1 figure will be added; 1 needs your "
                                     "confirmation; 1 already recorded; 1 deleted since export.")
    assert dialog.confirm.isVisible() and not dialog.confirm.isChecked()
    assert dialog.confirm_unassigned is False
    assert dialog.apply_button.isEnabled()
    assert dialog.minimumSizeHint().width() <= dialog.width()
    for widget in (dialog, dialog.table, dialog.summary, dialog.confirm,
                   dialog.apply_button, dialog.cancel_button):
        assert widget.accessibleName()

    dialog.confirm.click()
    assert dialog.confirm_unassigned is True
    assert dialog.summary.text().startswith("3 updates and 1 figure will be added; "
                                            "1 no longer led by this lead (included)")


def test_the_dialog_with_nothing_to_add_hides_the_tick_and_disables_apply(qtbot) -> None:
    doc = ReturnDoc("a.xlsx", LEAD, "db", "", "")
    only_seen = ReturnPreview(doc, [_item("Actions row 2", "1.1", Flag.DUPLICATE,
                                          _action(2, "1.1"))])
    dialog = ReturnPreviewDialog([only_seen])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.model.rowCount() == 1 and dialog.table.isColumnHidden(Column.FILE)
    assert not dialog.confirm.isVisible() and dialog.confirm_unassigned is False
    assert not dialog.apply_button.isEnabled()
    assert dialog.windowTitle() == "Import return a.xlsx"

    empty = ReturnPreviewDialog([ReturnPreview(doc, [])])
    qtbot.addWidget(empty)
    assert empty.summary.text() == "Nothing is filled in: there is nothing to add."
    assert not empty.apply_button.isEnabled()
