"""Benchmark (not a test): how long a pack takes, and how much memory.

    python benchmarks/bench_pack.py [--actions 2000] [--runs 3]

Builds (1) the whole demo pack, (2) the Children's Services pack, and (3) a
pack of a generated plan of 2,000 actions, each in a fresh process so its
peak memory is its own. For comparison it exports each single plan to its
workbook and times LibreOffice printing that workbook to PDF
(`soffice --headless --convert-to pdf`, Debian package
libreoffice-calc-nogui), in the same run. Prints one line per job.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

JOB = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
started = time.perf_counter()
from perfdesk.reports.pack import build_pack
from perfdesk.services.pack.data import pack_data
from perfdesk.services.pack.model import PackOptions
from perfdesk.store.database import open_database
import datetime as dt
db = open_database({db!r}, read_only=True)
with db.read() as session:
    data = pack_data(session, PackOptions(plans=tuple({plans!r})), dt.date(2024, 3, 31))
build_pack(data, __import__("pathlib").Path({out!r}))
elapsed = time.perf_counter() - started
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": elapsed, "peak_mb": peak_kb / 1024}}))
"""


def run_pack(db: Path, plans: list[str], out: Path) -> dict[str, float]:
    code = JOB.format(root=str(ROOT), db=str(db), plans=plans, out=str(out))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    from pypdf import PdfReader

    result["pages"] = len(PdfReader(out).pages)
    result["kb"] = out.stat().st_size / 1024
    return result


def run_soffice(workbook: Path, folder: Path) -> float | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    profile = folder / "lo-profile"
    started = time.perf_counter()
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), str(workbook)],
                   capture_output=True, check=True, timeout=600)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from benchmarks.generate import generated_plan
    from perfdesk.services.plans.demo import load_demo
    from perfdesk.services.plans.documents import save_document
    from perfdesk.services.workbook.exchange import export_plan
    from perfdesk.store.database import open_database

    folder = Path(tempfile.mkdtemp(prefix="perfdesk-pack-bench-"))
    db_path = folder / "bench.sqlite"
    db = open_database(db_path, create=True, author="benchmark")
    load_demo(db)
    with db.write() as session:
        save_document(session, generated_plan(args.actions, short_name="Generated"))
    db.close()
    db = open_database(db_path, read_only=True)
    jobs = [("whole demo pack (3 plans)", ["Children's Services", "Corporate Services",
                                          "Partnership"], None),
            ("Children's Services pack", ["Children's Services"], "Children's Services"),
            (f"generated {args.actions}-action plan pack", ["Generated"], "Generated")]
    soffice_first = True
    for label, plans, single in jobs:
        results = [run_pack(db_path, plans, folder / f"pack-{i}.pdf") for i in range(args.runs)]
        seconds = statistics.median(r["seconds"] for r in results)
        line = (f"{label}: {seconds:.2f} s (median of {args.runs}, incl. Python start), "
                f"peak {max(r['peak_mb'] for r in results):.0f} MB, "
                f"{results[0]['pages']} pages, {results[0]['kb']:.0f} KB")
        if single:
            workbook = folder / f"{single.replace(' ', '_').replace(chr(39), '')}.xlsx"
            export_plan(db, single, workbook)
            if soffice_first:  # LibreOffice's first start builds its profile
                run_soffice(workbook, folder)
                soffice_first = False
            timings = [run_soffice(workbook, folder) for _ in range(args.runs)]
            if timings[0] is None:
                line += "; LibreOffice not installed (apt-get install libreoffice-calc-nogui)"
            else:
                lo = statistics.median(t for t in timings if t is not None)
                verdict = "faster" if seconds <= lo else "SLOWER"
                line += f"; LibreOffice printing its workbook: {lo:.2f} s -> pack is {verdict}"
        print(line, flush=True)
    db.close()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
