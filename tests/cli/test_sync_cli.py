"""`perfdesk sync`: laptops made from the master, bundles sent and received,
the one collision listed with its action ref and field (exit status 3),
decided from the command line, and nothing changed by receiving again."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from perfdesk.cli import main

PLAN = "Children's Services"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def office(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    paths = {name: str(tmp_path / f"{name}.sqlite") for name in ("master", "ana", "ben")}
    assert main(["demo", "--db", paths["master"]]) == 0
    for laptop in ("ana", "ben"):
        assert main(["sync", "refresh", paths["master"], "--db", paths[laptop]]) == 0
    capsys.readouterr()
    return paths


def test_receive_lists_the_conflict_by_ref_and_field_and_exits_3(
    office: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit = ["edit", "--plan", PLAN, "--action", "1.2"]
    assert main([*edit, "--db", office["ana"], "by_when=January 2024"]) == 0
    assert main([*edit, "--db", office["ben"], "by_when=March 2024"]) == 0
    assert main(["update", "--db", office["ben"], "--plan", PLAN, "--action", "2.1",
                 "--status", "At risk", "--note", "Waiting on HR"]) == 0
    bundles = []
    for laptop in ("ana", "ben"):
        bundle = str(tmp_path / f"{laptop}.perfdesk-updates")
        code, out, _ = run(capsys, "sync", "send", "--db", office[laptop], "--out", bundle)
        assert code == 0 and "Wrote" in out
        bundles.append(bundle)

    code, out, _ = run(capsys, "sync", "receive", *bundles, "--db", office["master"])
    assert code == 3
    assert "action 1.2, by when" in out and "'March 2024'" in out
    code, out, _ = run(capsys, "sync", "receive", *bundles, "--db", office["master"])
    assert code == 0 and out.count("already received; nothing changed") == 2

    code, out, _ = run(capsys, "sync", "conflicts", "--db", office["master"])
    assert "#1  Children's Services, action 1.2, by when" in out
    code, out, _ = run(capsys, "sync", "resolve", "1", "--value", "February 2024",
                       "--db", office["master"])
    assert code == 0
    code, out, _ = run(capsys, "sync", "conflicts", "--db", office["master"])
    assert "No conflicts are pending" in out
    export = tmp_path / "master.csv"
    assert main(["export-actions", "--plan", PLAN, "--db", office["master"],
                 "--out", str(export)]) == 0
    with export.open(encoding="utf-8-sig", newline="") as handle:
        by_ref = {row["Ref"]: row for row in csv.DictReader(handle)}
    assert by_ref["1.2"]["By when"] == "February 2024"
    assert by_ref["2.1"]["Status"] == "At risk"  # the update came through


def test_resolve_incoming_on_receive_decides_at_once(
    office: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["edit", "--plan", PLAN, "--action", "1.3", "--db", office["master"],
                 "impact=Master"]) == 0
    assert main(["edit", "--plan", PLAN, "--action", "1.3", "--db", office["ana"],
                 "impact=Ana"]) == 0
    bundle = str(tmp_path / "ana.perfdesk-updates")
    assert main(["sync", "send", "--db", office["ana"], "--out", bundle]) == 0
    code, out, _ = run(capsys, "sync", "receive", bundle, "--db", office["master"],
                       "--resolve", "incoming")
    assert code == 0 and "Decided 1 conflict" in out
    code, out, _ = run(capsys, "sync", "conflicts", "--db", office["master"], "--json")
    assert out.strip() == "[]"


def test_refresh_keeps_unsent_changes_and_sending_nothing_is_refused(
    office: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "sync", "send", "--db", office["ana"],
                       "--out", str(tmp_path / "x.perfdesk-updates"))
    assert code == 1 and "Nothing to send" in err
    assert main(["edit", "--plan", PLAN, "--action", "1.3", "--db", office["ana"],
                 "impact=Unsent words"]) == 0
    published = str(tmp_path / "published.sqlite")
    assert main(["sync", "publish", "--db", office["master"], "--out", published]) == 0
    code, out, _ = run(capsys, "sync", "refresh", published, "--db", office["ana"])
    assert code == 0 and "kept 1 change" in out
    bundle = str(tmp_path / "ana.perfdesk-updates")
    code, out, _ = run(capsys, "sync", "send", "--db", office["ana"], "--out", bundle)
    assert code == 0 and "Wrote 1 change" in out


def test_a_damaged_bundle_is_refused_with_exit_1(
    office: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "junk.perfdesk-updates"
    bundle.write_text('{"format": "PerfDesk update bundle", "format_version": 1}')
    code, _, err = run(capsys, "sync", "receive", str(bundle), "--db", office["master"])
    assert code == 1 and "junk.perfdesk-updates" in err and "checksum" in err
