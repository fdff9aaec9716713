"""Benchmark (not a test): sending and receiving update bundles at scale.

    python benchmarks/bench_sync.py [--updates 50000] [--edits 2000]

A laptop copy of the demo master adds `--updates` progress updates and
changes a text field `--edits` times, as a very busy term's worth of work.
Times: writing the bundle, receiving it into the master (the backup first
included), receiving it again (nothing changes), and refreshing the laptop
from the published master. Prints one line per step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from perfdesk.domain.status import Status
from perfdesk.services.plans.demo import load_demo
from perfdesk.services.sync.copies import publish, refresh
from perfdesk.services.sync.receive import receive
from perfdesk.services.sync.send import send
from perfdesk.store import queries
from perfdesk.store.database import open_database
from perfdesk.store.schema import Action, ProgressUpdate

log = logging.getLogger("bench_sync")


def timed(label: str, work):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = work()
    log.warning("%-44s %7.2f s", label, time.perf_counter() - started)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=50_000)
    parser.add_argument("--edits", type=int, default=2_000)
    args = parser.parse_args()
    logging.basicConfig(format="%(message)s")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        master = open_database(folder / "master.sqlite", create=True, author="secretariat")
        load_demo(master)
        laptop_path = folder / "laptop.sqlite"
        refresh(laptop_path, folder / "master.sqlite", author="ana")
        laptop = open_database(laptop_path, author="ana")
        with laptop.read() as session:
            plan = queries.find_plan(session, "Children's Services")
            actions = [a.id for a in queries.plan_actions(session, plan.id)]

        def busy_term() -> None:
            with laptop.write() as session:  # one transaction: this is set-up, not the subject
                for n in range(args.updates):
                    session.add(ProgressUpdate(
                        action_id=actions[n % len(actions)], reported_on=dt.date(2023, 11, 1),
                        author="ana", status=Status.ON_TRACK.label, done_text=f"Update {n}"))
                for n in range(args.edits):
                    session.flush()  # each edit its own recorded change
                    action = session.get(Action, actions[n % len(actions)])
                    action.impact = f"Impact wording {n}"

        timed(f"making {args.updates:,} updates and {args.edits:,} edits", busy_term)
        bundle = timed("send (write the bundle)",
                       lambda: send(laptop, folder / "ana.perfdesk-updates"))
        size = bundle.path.stat().st_size / (1024 * 1024)
        log.warning("%-44s %7.1f MB, %d changes", "bundle size", size, bundle.changes)
        report = timed("receive into the master", lambda: receive(master, [bundle.path]))
        log.warning("%-44s %d applied, %d conflicts", "  outcome", report.applied,
                    len(report.conflicts))
        again = timed("receive the same bundle again", lambda: receive(master, [bundle.path]))
        log.warning("%-44s %d applied", "  outcome", again.applied)
        published = timed("publish the master", lambda: publish(master, folder / "pub.sqlite"))
        laptop.close()
        kept = timed("refresh the laptop from it", lambda: refresh(laptop_path, published))
        log.warning("%-44s %d kept", "  outcome", kept.kept)
        master.close()


if __name__ == "__main__":
    main()
