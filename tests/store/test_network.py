"""PerfDesk keeps its database on a local disk and never uses the network."""

from __future__ import annotations

import socket
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


def test_no_command_opens_a_network_connection(tmp_path: Path, monkeypatch, capsys) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError(f"network connection attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    db, book = str(tmp_path / "p.sqlite"), str(tmp_path / "p.xlsx")
    for args in (["demo"], ["plans", "--json"], ["measures", "--plan", "Partnership"],
                 ["export-plan", "Partnership", "--out", book], ["check"]):
        assert main([*args, "--db", db]) == 0, args
    assert main(["import-plan", book, "--db", str(tmp_path / "q.sqlite")]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("flag", ["--read-only"])
def test_read_only_flag_refuses_to_create(tmp_path: Path, flag: str, capsys) -> None:
    assert main(["demo", flag, "--db", str(tmp_path / "new.sqlite")]) == 1
    assert "read-only" in capsys.readouterr().err
    assert not (tmp_path / "new.sqlite").exists()
