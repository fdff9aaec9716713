"""Every input in the corpus (tests/corpus/make_corpus.py) through the
command line, as a user would give it:

- an input that must be accepted is accepted, and what it holds is there;
- an input that must be refused exits with status 1, the message names the
  file (and the sheet, row and column, or the change, where there is one)
  and says why; no traceback reaches the terminal; the database is
  byte-identical afterwards (checkpointed, SHA-256) and no backup was added.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from perfdesk import cli
from tests.corpus.make_corpus import ACCEPT, BIG_BUNDLE, Item

# Another helper owns these; until their work is in, the case is expected to fail.
PENDING: dict[str, str] = {}


def digest(path: Path) -> str:
    """The file's SHA-256 once everything in its -wal is in the file."""
    if path.is_file() and path.stat().st_size:
        con = sqlite3.connect(path)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError:
            pass  # not a database: compared as the bytes it is
        finally:
            con.close()
    if path.is_dir():
        return "a folder: " + ",".join(sorted(p.name for p in path.iterdir()))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def backups_of(db: Path) -> list[str]:
    folder = db.parent / f"{db.stem}-backups"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def master(corpus: Path, tmp_path: Path) -> Path:
    """This test's own copy of the corpus's database (a plain file copy: the
    database was left checkpointed, one file), in a folder with a space and
    non-ASCII letters in its name."""
    folder = tmp_path / "Plans folder é"
    folder.mkdir()
    return Path(shutil.copyfile(corpus / "demo.sqlite", folder / "plans ü.sqlite"))


def command(item: Item, path: Path, db: Path) -> list[str]:
    return {
        "workbook": ["import-plan", str(path)],
        "return": ["returns", "import", str(path), "--yes"],
        "bundle": ["sync", "receive", str(path)],
        "backup": ["restore", str(path)],
        "db": ["check"],
    }[item.kind] + ["--db", str(path if item.kind == "db" else db)]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def test_the_corpus_covers_every_way_in(corpus: Path) -> None:
    from tests.corpus.conftest import corpus_items

    items = corpus_items()
    assert len(items) >= 100
    for kind in ("workbook", "return", "bundle", "backup", "db"):
        assert any(i.kind == kind and i.expect != ACCEPT for i in items), kind
    assert {i.kind for i in items if i.expect == ACCEPT} >= {"workbook", "return", "bundle",
                                                             "db"}


def test_each_input(corpus_item: Item, corpus: Path, master: Path, tmp_path: Path,
                    capsys: pytest.CaptureFixture[str]) -> None:
    if corpus_item.id in PENDING:
        pytest.xfail(PENDING[corpus_item.id])
    source = corpus / corpus_item.path
    if corpus_item.kind == "db" and source.is_file():  # tried on a copy: the corpus stays as made
        target = tmp_path / source.name
        shutil.copy2(source, target)
        source = target
    if corpus_item.expect == ACCEPT:
        accepted(corpus_item, source, master, capsys)
    else:
        refused(corpus_item, source, master, capsys)


def refused(item: Item, path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    watched = path if item.kind == "db" else db
    before, kept = digest(watched), backups_of(watched)
    status, _out, err = run(command(item, path, db), capsys)
    assert status == 1, err
    assert path.name in err  # names the file
    for reason in item.reasons:
        assert reason in err
    if item.where:
        assert item.where in err
    assert digest(watched) == before  # byte-identical
    assert backups_of(watched) == kept  # and no backup left behind


def accepted(item: Item, path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if item.read_only:
        opened_read_only(path)
        return
    status, out, err = run(command(item, path, db), capsys)
    assert status == 0, err
    if item.kind == "workbook":
        assert set(item.texts) <= plan_texts(db, item.plan)
    elif item.kind == "return":
        assert "Added 1 update" in out
        assert " / ".join(item.texts) in update_texts(db)
    elif item.kind == "bundle" and item.twice:
        assert "2 applied" in out
        before, kept = digest(db), backups_of(db)
        status, out, err = run(command(item, path, db), capsys)
        assert status == 0, err
        assert "already received; nothing changed" in out
        assert digest(db) == before and backups_of(db) == kept
    elif item.kind == "bundle":
        assert f"{BIG_BUNDLE} applied" in out


def opened_read_only(path: Path) -> None:
    """A read-only file opens read-only with a warning, run as an ordinary
    user (root may write any file, so under root the command runs as the
    test user, as tests/hygiene does)."""
    from tests.hygiene.helpers import ordinary_user, perfdesk, scratch

    user = ordinary_user()
    with scratch(user) as home:
        copy = home / path.parent.name / path.name  # the same odd folder and name
        copy.parent.mkdir()
        shutil.copyfile(path, copy)
        copy.chmod(0o444)
        if user is not None:
            for owned in (copy.parent, copy):
                os.chown(owned, user.pw_uid, user.pw_gid)
        before = copy.read_bytes()
        shown = perfdesk(["plans", "--db", str(copy)], home, user=user)
        edit = perfdesk(["update", "--db", str(copy), "--plan", "Partnership", "--action",
                         "PA1.1", "--status", "On track"], home, user=user)
        after = copy.read_bytes()
    assert shown.returncode == 0, shown.stderr
    assert "Children" in shown.stdout and "Traceback" not in shown.stderr
    assert edit.returncode == 1, edit.stderr  # opened read-only: the edit is refused
    assert "is open read-only" in edit.stderr and "nothing was changed" in edit.stderr
    assert after == before


def plan_texts(db_path: Path, short_name: str) -> set[str]:
    from perfdesk.services.plans.documents import load_document
    from perfdesk.store import queries
    from perfdesk.store.database import open_database

    db = open_database(db_path)
    try:
        with db.read() as session:
            doc = load_document(session, queries.find_plan(session, short_name))
    finally:
        db.close()
    return {a.text for a in doc.actions} | {lead for a in doc.actions for lead in a.leads}


def update_texts(db_path: Path) -> set[str]:
    con = sqlite3.connect(db_path)
    try:
        return {text for (text,) in con.execute("SELECT done_text FROM progress_update")}
    finally:
        con.close()
