"""PerfDesk keeps its database on a local disk and never uses the network.

That no command and no window start connects anywhere is shown, in child
processes with an audit hook and under strace, by tests/hygiene/test_no_network.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdesk.cli import main
from perfdesk.store.network import is_network_path


def test_a_share_path_is_recognised_as_network() -> None:
    assert is_network_path(Path("//council-fs/improvement/perfdesk.sqlite"))
    assert not is_network_path(Path("/tmp/perfdesk.sqlite"))


def test_opening_a_database_on_a_share_warns(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("perfdesk.store.database.is_network_path", lambda path: True)
    assert main(["demo", "--db", str(tmp_path / "shared.sqlite")]) == 0
    assert "network folder" in capsys.readouterr().err


@pytest.mark.parametrize("flag", ["--read-only"])
def test_read_only_flag_refuses_to_create(tmp_path: Path, flag: str, capsys) -> None:
    assert main(["demo", flag, "--db", str(tmp_path / "new.sqlite")]) == 1
    assert "read-only" in capsys.readouterr().err
    assert not (tmp_path / "new.sqlite").exists()
