"""PerfDesk's benchmarks: one table, each figure a ratio against a floor
measured alongside it in the same run (the machines are shared and noisy).

    python -m benchmarks [--quick] [--repeats N] [--out results.md]

Every timing runs in a fresh child process (`benchmarks/child.py`), the
PerfDesk job and its floor interleaved, and the median is taken. Generated
databases are cached in the temporary folder (perfdesk-bench-cache/) between
runs. `--quick` uses small databases and two repeats: a smoke run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(tempfile.gettempdir()) / "perfdesk-bench-cache"
TYPED = "children placement"
PACK_PLAN = "Children's Services"


@dataclass
class Row:
    figure: str
    perfdesk: str
    floor: str
    ratio: float | None  # PerfDesk / floor, or None for absolute figures
    goal: str
    met: bool | None
    note: str = ""


@dataclass(frozen=True)
class Sizes:
    typing_actions: int
    large: dict[str, int]
    repeats: int


FULL = Sizes(20_000, dict(plans=50, actions=20_000, updates=200_000, measures=2_000,
                          values=60), 5)
QUICK = Sizes(2_000, dict(plans=5, actions=2_000, updates=20_000, measures=200, values=60), 2)


# -- running jobs -------------------------------------------------------------

def child(job: str, *args: str, timeout: float = 600) -> tuple[float, dict[str, object]]:
    """Run one job in a fresh process: (seconds from start to its end or
    first frame, its JSON result)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    started = time.time()
    done = subprocess.run([sys.executable, "-m", "benchmarks.child", job, *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=timeout)
    ended = time.time()
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"{job} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    at = float(result.get("frame_at", ended))  # type: ignore[arg-type]
    return at - started, result


def paired(repeats: int, app: Callable[[], float], floor: Callable[[], float]
           ) -> tuple[list[float], list[float]]:
    """The app's and the floor's timings, taken in turn."""
    ours, floors = [], []
    for _ in range(repeats):
        ours.append(app())
        floors.append(floor())
    return ours, floors


# -- data ---------------------------------------------------------------------------

def _cached(name: str, make: Callable[[Path], None]) -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / name
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        started = time.perf_counter()
        print(f"  building {name} (cached for next time)…", flush=True)
        make(partial)
        partial.rename(path)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def demo_db() -> Path:
    def make(path: Path) -> None:
        from perfdesk.services.plans.demo import load_demo
        from perfdesk.store.database import open_database

        db = open_database(path, create=True, author="benchmark")
        load_demo(db)
        db.close()

    return _cached("demo.sqlite", make)


def one_plan_db(actions: int) -> Path:
    def make(path: Path) -> None:
        from benchmarks.generate import generated_plan
        from perfdesk.services.plans.documents import save_document
        from perfdesk.store.database import open_database

        db = open_database(path, create=True, author="benchmark")
        with db.write() as session:
            save_document(session, generated_plan(actions))
        db.close()

    return _cached(f"one-plan-{actions}.sqlite", make)


def large_db(sizes: dict[str, int]) -> Path:
    def make(path: Path) -> None:
        from benchmarks.generate import generate_database

        generate_database(path, **sizes)

    name = "large-" + "-".join(str(v) for v in sizes.values()) + ".sqlite"
    return _cached(name, make)


def fresh_copy(db: Path, folder: Path) -> Path:
    """A copy to open, so no run changes the cached file."""
    copy = folder / db.name
    shutil.copyfile(db, copy)
    return copy


def settings_file(folder: Path, name: str, last_tab: str | None = None) -> str:
    ini = folder / f"{name}.ini"
    if last_tab is not None:
        from PySide6.QtCore import QSettings

        store = QSettings(str(ini), QSettings.Format.IniFormat)
        store.setValue("window/last_tab", last_tab)
        store.sync()
    return str(ini)


# -- the figures -------------------------------------------------------------------

def _ratio_row(figure: str, ours: list[float], floors: list[float], goal: float,
               unit: str = "s", note: str = "") -> Row:
    ours_m, floor_m = statistics.median(ours), statistics.median(floors)
    ratio = ours_m / floor_m
    scale = 1000 if unit == "ms" else 1
    fmt = "{:.0f} ms" if unit == "ms" else "{:.2f} s"
    return Row(figure, fmt.format(ours_m * scale), fmt.format(floor_m * scale), ratio,
               f"≤ {goal:.1f}×", ratio <= goal, note)


def startup(label: str, db: Path, folder: Path, repeats: int, goal: float,
            last_tab: str | None = None) -> Row:
    copy = fresh_copy(db, folder)
    ini_name = f"start-{label}".replace(" ", "-")

    def app() -> float:
        ini = settings_file(folder, ini_name, last_tab)
        seconds, _ = child("app_start", str(copy), ini)
        Path(ini).unlink(missing_ok=True)
        return seconds

    ours, floors = paired(repeats, app, lambda: child("floor_start", str(copy))[0])
    return _ratio_row(f"Start-up to first frame: {label}", ours, floors, goal,
                      note=f"median of {repeats}")


def typing(db: Path, folder: Path, actions: int, repeats: int) -> list[Row]:
    """Each run types the same words in PerfDesk and in the floor, one after
    the other; a run's median and slowest key are taken on each side, and
    the table shows the median of those over the runs (one slowest key of
    one run swings twofold on a shared machine)."""
    copy = fresh_copy(db, folder)
    ours: list[list[float]] = []
    floors: list[list[float]] = []
    for i in range(repeats):
        _, run = child("app_typing", str(copy), settings_file(folder, f"typing{i}"), TYPED)
        _, floor = child("floor_typing", str(copy), TYPED)
        assert isinstance(run["ms"], list) and isinstance(floor["ms"], list)
        ours.append(run["ms"])
        floors.append(floor["ms"])
    keys = (f"{len(ours[0])} keys (typing “{TYPED}”, then erasing it); "
            f"median of {repeats} runs")
    rows = []
    for name, pick in (("median", statistics.median), ("worst", max)):
        a = statistics.median(pick(run) for run in ours)
        f = statistics.median(pick(run) for run in floors)
        ratio = a / f
        rows.append(Row(f"Typing a filter at {actions:,} actions: {name}", f"{a:.0f} ms",
                        f"{f:.0f} ms", ratio, "≤ 1.3×", ratio <= 1.3, keys))
    return rows


def overview(db: Path, folder: Path, actions: int, repeats: int) -> list[Row]:
    copy = fresh_copy(db, folder)
    runs = [child("app_overview", str(copy), settings_file(folder, f"ov{i}"))[1]
            for i in range(repeats)]
    ms = statistics.median(float(r["ms"]) for r in runs)  # type: ignore[arg-type]
    counted = statistics.median(float(r["counted_ms"]) for r in runs)  # type: ignore[arg-type]
    # The goal is for the counts a user came for, not the "Counting…" frame before them.
    rows = [Row(f"Overview at {actions:,} actions (tab chosen to counts drawn)",
                f"{counted:.0f} ms", "–", None, "≤ 200 ms", counted <= 200,
                f"median of {repeats}"),
            Row(f"Overview at {actions:,} actions (tab chosen to first frame)", f"{ms:.0f} ms",
                "–", None, "(for information)", None,
                f"median of {repeats}; the tab is drawn first saying Counting…")]
    rows.append(startup(f"{actions:,} actions, last closed on the Overview", db, folder,
                        repeats, 1.4, last_tab="Overview"))
    return rows


def pack(db: Path, folder: Path, repeats: int) -> list[Row]:
    from perfdesk.services.workbook.exchange import export_plan
    from perfdesk.store.database import open_database

    copy = fresh_copy(db, folder)
    workbook = folder / "plan.xlsx"
    handle = open_database(copy, read_only=True)
    export_plan(handle, PACK_PLAN, workbook)
    handle.close()
    out = folder / "pack.pdf"
    ours, floors = paired(
        repeats,
        lambda: child("app_pack", str(copy), PACK_PLAN, str(out))[0],
        lambda: child("floor_pack", str(workbook), str(folder / "floor.pdf"))[0],
    )
    rows = [_ratio_row(f"Board pack of one plan ({PACK_PLAN}) vs bare reportlab", ours, floors,
                       1.2, note=f"median of {repeats}, process start to PDF written")]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        rows.append(Row("Board pack vs LibreOffice printing the workbook", "–", "–", None,
                        "(comparison)", None, "LibreOffice not installed: skipped"))
        return rows
    profile = folder / "lo-profile"

    def libreoffice() -> float:
        started = time.perf_counter()
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(folder / "lo"), str(workbook)],
                       capture_output=True, check=True, timeout=600)
        return time.perf_counter() - started

    libreoffice()  # its first start builds its profile
    lo = [libreoffice() for _ in range(repeats)]
    rows.append(_ratio_row("Board pack vs LibreOffice printing its workbook", ours, lo, 1.0,
                           note="for comparison; soffice --headless --convert-to pdf"))
    rows[-1].goal, rows[-1].met = "(comparison)", None
    return rows


# -- the table -------------------------------------------------------------------------

def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from PySide6 import __version__ as pyside
    from PySide6.QtCore import qVersion

    return {
        "CPU": cpu, "Cores": str(os.cpu_count()), "Python": platform.python_version(),
        "Qt": f"{qVersion()} (PySide6 {pyside})", "OS": platform.platform(),
        "Date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }


def markdown(rows: list[Row], info: dict[str, str], quick: bool) -> str:
    lines = ["### PerfDesk benchmarks" + (" (quick run)" if quick else ""), "",
             " · ".join(f"**{k}** {v}" for k, v in info.items()), "",
             "| Figure | PerfDesk | Floor | Ratio | Goal | Met | Notes |",
             "|---|---:|---:|---:|---|:-:|---|"]
    for r in rows:
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "–"
        met = {True: "yes", False: "**no**", None: "–"}[r.met]
        lines.append(f"| {r.figure} | {r.perfdesk} | {r.floor} | {ratio} | {r.goal} | {met} "
                     f"| {r.note} |")
    return "\n".join(lines) + "\n"


def build_table(quick: bool = False, repeats: int | None = None,
                only: set[str] | None = None) -> tuple[list[Row], dict[str, str]]:
    sizes = QUICK if quick else FULL
    n = repeats or sizes.repeats
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="perfdesk-bench-") as scratch:
        folder = Path(scratch)
        demo = demo_db()
        one = one_plan_db(sizes.typing_actions)

        def want(name: str) -> bool:
            return only is None or name in only

        if want("startup"):
            print("start-up…", flush=True)
            rows.append(startup("demo", demo, folder, n, 1.0))
            large = large_db(sizes.large)
            s = sizes.large
            rows.append(startup(
                f"large ({s['plans']} plans, {s['actions']:,} actions, {s['updates']:,} updates,"
                f" {s['measures']:,} measures × {s['values']})", large, folder, n, 1.4))
        if want("typing"):
            print("typing…", flush=True)
            rows += typing(one, folder, sizes.typing_actions, n)
        if want("overview"):
            print("overview…", flush=True)
            rows += overview(one, folder, sizes.typing_actions, n)
        if want("pack"):
            print("pack…", flush=True)
            rows += pack(demo, folder, n)
        if want("sync"):
            print("bundles and returns…", flush=True)
            from benchmarks.exchange import exchange_rows

            rows += exchange_rows(folder, quick)
    return rows, machine()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="small data, two repeats")
    parser.add_argument("--repeats", type=int)
    parser.add_argument("--only", action="append",
                        choices=["startup", "typing", "overview", "pack", "sync"])
    parser.add_argument("--out", type=Path, default=CACHE / "results.md",
                        help="where to write the Markdown table")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    rows, info = build_table(args.quick, args.repeats, set(args.only) if args.only else None)
    text = markdown(rows, info, args.quick)
    print()
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"(written to {args.out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
