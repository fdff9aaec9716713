"""Two PerfDesks writing to one database at the same moment, many times
over: each either succeeds or is refused in plain words ("in use by another
PerfDesk ... nothing was changed", exit 1), and no update that was reported
done (exit 0) is missing afterwards.

The two processes are released together: each imports PerfDesk, says
"ready", then waits on its stdin; the test closes both stdins at once when
both are ready (a barrier, not a sleep)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from perfdesk.cli import main
from tests.hygiene.helpers import child_env, one_plain_line, scratch

ROUNDS = 20
WRITER = """
import sys
from perfdesk.cli import main
import perfdesk.cli.actions, perfdesk.store.database, perfdesk.services.actions.edits
print("ready", flush=True)
sys.stdin.read()
sys.exit(main(sys.argv[1:]))
"""


def test_two_writers_at_once_lose_nothing(capsys) -> None:
    with scratch() as home:
        db = home / "plans.sqlite"
        assert main(["demo", "--db", str(db)]) == 0
        capsys.readouterr()
        done: list[str] = []
        refused = 0
        for round_ in range(ROUNDS):
            notes = [f"round {round_} writer {w}" for w in (1, 2)]
            writers = [
                subprocess.Popen(
                    [sys.executable, "-c", WRITER, "update", "--db", str(db),
                     "--plan", "Partnership", "--action", "PA1.1", "--status", "on track",
                     "--note", note, "--author", note],
                    env=child_env(home), cwd=home, text=True, stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for note in notes
            ]
            for writer in writers:
                assert writer.stdout.readline() == "ready\n"
            for writer in writers:  # release both
                writer.stdin.close()
            for writer, note in zip(writers, notes, strict=True):
                writer.stdout.read()  # a line or two each: nothing fills a pipe
                err = writer.stderr.read()
                writer.wait(timeout=120)
                writer.stdout.close()
                writer.stderr.close()
                if writer.returncode == 0:
                    done.append(note)
                    continue
                assert writer.returncode == 1, err
                line = one_plain_line(err)
                assert "in use by another PerfDesk" in line and "nothing was changed" in line
                refused += 1
        conn = sqlite3.connect(db)
        try:
            kept = {n for (n,) in conn.execute("SELECT done_text FROM progress_update")}
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        finally:
            conn.close()
        print(f"two writers, {ROUNDS} rounds: {len(done)} updates done, {refused} refused")
        assert set(done) <= kept
        assert len(done) + refused == 2 * ROUNDS
        assert len(done) >= ROUNDS  # at least one of each pair gets through
