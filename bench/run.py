"""Benchmark the merge against its floor, for growing numbers of returns.

    python bench/run.py                 # N = 20, 60, 180, 540; 3 runs each; medians
    python bench/run.py --sizes 20 60 --runs 5

For each N it generates a synthetic cycle once (bench/data/N/, not committed):
a region of 150 LAs, 13 themes and N networks, and N returns written with the
project's own workbook writer (about 20 activity rows, 10 LA support rows and
10 update bullets each, a few long cells). Then it times:

- the whole `ria-docs merge` as a process, and `ria-docs check` beside it;
- its stages in one process: read, validate, merge, render (context + docx),
  write; and that process's peak memory;
- the floors: a bare python-calamine read of every sheet of the same files,
  one bare docxtpl render of a same-sized context with the same template, and
  a plain write of the same output bytes;
- `ria-docs --help` start-up, and the import floor (a process importing only
  the libraries a merge needs) beside the example cycle's merge, and that
  merge's whole-job floor (the imports, a bare read, a bare render and a plain
  write of the example);
- with --pdf, `ria-docs merge --pdf` once per N (LibreOffice), given up after
  --pdf-timeout seconds (shown as inf);
  (`python bench/returns_from.py` times `returns --from` apart);
- hostile files (tests/hostile_files.py: one value at XFD1048576, a million
  repeated .ods rows, a zip entry that lies about its size, 95 MB of text near
  the size limits...): how long each takes to be read or refused, and the
  peak memory of the process reading it. Every file within the size limit
  should take under 5 s and 500 MB.

    python bench/run.py --hostile       # the hostile files only
    python bench/run.py --sizes 20 180 --pdf --no-hostile

It prints the tables and writes them as JSON to bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results.json"
LAS = 150
THEMES = "ABCDEFGIJKLMN"
SECTIONS = ["Regional Self-Assessment", "Regional Priorities", "Peer Review", "Data Benchmarking", "Network Highlights"]
WORDS = ("regional placement sufficiency practice safeguarding partnership workforce recruitment outcomes "
         "children families review evidence quality audit leadership support commissioning").split()


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def region_toml(networks: int) -> str:
    lines = ['region = "Synthetic"', 'plan_year = "2024/25"', 'period = "June 2024"']
    lines.append("las = [" + ", ".join(f'"Authority {i:03}"' for i in range(1, LAS + 1)) + "]")
    lines.append("update_sections = [" + ", ".join(f'"{s}"' for s in SECTIONS) + "]")
    for i in range(1, networks + 1):
        lines += ["[[network]]", f'name = "Network {i:03}"', 'reports_to = "DCS Group"',
                  f'chair = "Chair {i}"', f'chair_la = "Authority {i % LAS + 1:03}"']
    for index, code in enumerate(THEMES):
        lines += ["[[theme]]", f'code = "{code}"', f'title = "Theme {code} title"',
                  f'lead = "Network {index % networks + 1:03}"']
    return "\n".join(lines) + "\n"


def generate(n: int) -> Path:
    """The cycle folder for N returns, made once and reused."""
    folder = DATA / str(n)
    if (folder / "done").exists():
        return folder
    sys.path.insert(0, str(ROOT))
    import datetime as dt

    from ria_docs.region import load_region
    from ria_docs.workbook import build_return, save_workbook

    (folder / "returns").mkdir(parents=True, exist_ok=True)
    (folder / "region.toml").write_text(region_toml(n), encoding="utf-8")
    region = load_region(folder / "region.toml")
    rng = random.Random(n)
    for i in range(1, n + 1):
        themes = rng.sample(THEMES, 3)
        work = []
        for row in range(20):
            record = {"Activity": sentence(rng, rng.randint(8, 30)), "RAG": rng.choice(["Red", "Amber", "Green", ""]),
                      "SDSA": rng.choice(["Yes", ""]), "Regional group task": rng.choice(["Yes", ""])}
            if row % 7 == 0:
                record |= {"Theme": themes[row // 7], "Outcome": sentence(rng, 12)}
            if row == 5:
                record["Commentary"] = sentence(rng, 200)  # a long cell
            work.append(record)
        support = [{"LA": f"Authority {rng.randint(1, LAS):03}", "Support needed": sentence(rng, 10),
                    "Strengths and offers": sentence(rng, 10)} for _ in range(10)]
        update = [{"Section": rng.choice(SECTIONS), "Bullet": sentence(rng, 25)} for _ in range(10)]
        workbook = build_return(region, {
            "Network": f"Network {i:03}", "Period": "June 2024", "Completed by": f"Chair {i}",
            "Date submitted": dt.date(2024, 6, 1 + i % 28),
        }, {"Work programme": work, "LA support": support, "Update": update,
            "Contribution": [{"Contribution": sentence(rng, 300)}]})
        save_workbook(workbook, folder / "returns" / f"network-{i:03}.xlsx")
    (folder / "done").write_text("", encoding="utf-8")
    return folder


# -- the worker: runs in a fresh process per measurement -----------------------------
def worker(folder: Path, out: Path) -> dict:
    """Stage times, floor times and peak memory of one merge, in this process."""
    import io
    import resource

    sys.path.insert(0, str(ROOT))
    # Import the heavy libraries before timing anything, so neither our stages
    # nor the floor pays for first imports.
    import docx  # noqa: F401
    import docxtpl  # noqa: F401
    import jinja2  # noqa: F401
    import openpyxl  # noqa: F401
    import python_calamine  # noqa: F401

    from ria_docs.ledger import return_accounts
    from ria_docs.merge import merge_returns
    from ria_docs.outputs import write_outputs
    from ria_docs.pipeline import REGION_TOML, file_label, find_return_files, plan_json, render_documents, round_outcome
    from ria_docs.reader import read_return
    from ria_docs.region import load_region
    from ria_docs.report import Report, to_markdown
    from ria_docs.validate import select_returns, validate_return

    times: dict[str, float] = {}

    def timed(name, function, *args):
        start = time.perf_counter()
        value = function(*args)
        times[name] = time.perf_counter() - start
        return value

    region = load_region(folder / REGION_TOML)
    report = Report()
    paths = find_return_files(folder)
    # As the pipeline does: one file at a time, its raw cells dropped once validated.
    times["read"] = times["validate"] = 0.0
    labels, read, checked = [], {}, {}
    for path in paths:
        start = time.perf_counter()
        file = file_label(path, folder)
        labels.append(file)
        raw = read_return(path, file, report)
        middle = time.perf_counter()
        if raw is not None:
            read[file] = raw.cells
            if raw.is_return:
                checked[file] = validate_return(raw, region, report)
        times["read"] += middle - start
        times["validate"] += time.perf_counter() - middle
    start = time.perf_counter()
    valid, superseded = select_returns([r for r in checked.values() if r.network and not report.errors_in(r.file)],
                                       report)
    times["validate"] += time.perf_counter() - start
    start = time.perf_counter()
    plan = merge_returns(region, valid, report)
    outcome = round_outcome(region, return_accounts(labels, read, checked, superseded, plan, report), plan)
    times["merge"] = time.perf_counter() - start
    files = timed("render", render_documents, plan, ROOT / "templates").files

    def write():
        files["plan.json"] = plan_json(plan)
        files["merge-report.md"] = to_markdown(report, title="bench", written=True, outcome=outcome).encode()
        write_outputs(out, files)

    timed("write", write)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    from docxtpl import DocxTemplate
    from python_calamine import CalamineWorkbook

    from ria_docs.context import plan_context, update_context

    # The read floor: a bare calamine read of every sheet's cells (what our reading is built on).
    start = time.perf_counter()
    for path in paths:
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            workbook.get_sheet_by_name(name).to_python()
    times["floor_read"] = time.perf_counter() - start
    # The write floor: the same bytes written plainly, one file each, no lock, staging or journal.
    import tempfile

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as plain:
        for name, data in files.items():
            Path(plain, name).write_bytes(data)
    times["floor_write"] = time.perf_counter() - start
    start = time.perf_counter()
    for name, context in (("ria-plan.docx", plan_context(plan)), ("regional-update.docx", update_context(plan))):
        template = DocxTemplate(str(ROOT / "templates" / name))
        template.render(context)
        template.save(io.BytesIO())
    times["floor_render"] = time.perf_counter() - start
    return {"times": times, "peak_mb": peak_mb, "problems": len(report.problems)}


def hostile_worker(path: Path) -> dict:
    """Read one hostile file as the pipeline does; what happened, how long, how much memory."""
    import resource

    sys.path.insert(0, str(ROOT))
    from ria_docs.reader import read_return
    from ria_docs.report import Report

    start = time.perf_counter()
    report = Report()
    read_return(path, path.name, report)
    refused = [p.kind for p in report.errors if p.cell is None and p.sheet is None]
    outcome = f"refused: {refused[0]}" if refused else f"read ({len(report.problems)} problems)"
    return {"outcome": outcome, "seconds": time.perf_counter() - start, "peak_mb": _peak_mb(resource)}


def _peak_mb(resource) -> float:
    """This process's peak memory. On Linux ru_maxrss survives exec (a child
    started by a big parent reports the parent's size), so VmHWM is read first."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def hostile_table() -> list[dict]:
    sys.path.insert(0, str(ROOT / "tests"))
    import hostile_files

    rows = []
    for what, path in hostile_files.all_files(DATA / "hostile", ROOT / "tests" / "data" / "formats").items():
        result = subprocess.run([sys.executable, __file__, "--hostile-worker", str(path)],
                                capture_output=True, text=True, timeout=600)
        if result.returncode != 0:  # a crash (an abort from calamine) is a result too
            row = {"outcome": f"crashed (exit {result.returncode})", "seconds": float("nan"), "peak_mb": float("nan")}
        else:
            row = json.loads(result.stdout.strip().splitlines()[-1])
        rows.append({"file": what, "size_kb": path.stat().st_size / 1024, **row})
    print(f"{'hostile file':<48} | {'size KB':>9} | {'outcome':<28} | {'seconds':>7} | {'peak MB':>7}")
    for r in rows:
        print(f"{r['file']:<48} | {r['size_kb']:>9.0f} | {r['outcome']:<28} | {r['seconds']:>7.2f} | {r['peak_mb']:>7.0f}")
    return rows


def run_worker(folder: Path, out: Path) -> dict:
    result = subprocess.run([sys.executable, __file__, "--worker", str(folder), str(out)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


# As installed: bytecode cached (some shells set PYTHONDONTWRITEBYTECODE, and every start then compiles ria_docs).
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def process_seconds(command: list[str], cwd: Path, timeout: float | None = None, may_fail: bool = False) -> float:
    """Seconds the command took as a process; infinity when it ran past ``timeout``, or failed
    where ``may_fail`` (ria-docs gives LibreOffice 5 minutes, then stops it and says so)."""
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, check=not may_fail, env=_ENV, timeout=timeout)
    except subprocess.TimeoutExpired:  # ria-docs stops LibreOffice with itself
        return math.inf
    return math.inf if done.returncode else time.perf_counter() - start


# What any merge must import: the floor a merge's start-up is compared with.
IMPORT_FLOOR = "import click, docx, docxtpl, lxml, openpyxl, pydantic, python_calamine"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 60, 180, 540])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hostile", action="store_true", help="measure the hostile files only")
    parser.add_argument("--pdf", action="store_true", help="time merge --pdf too, once per N (needs LibreOffice)")
    parser.add_argument("--pdf-timeout", type=float, default=600, help="give up on a --pdf merge after this many s")
    parser.add_argument("--no-hostile", action="store_true", help="leave out the hostile files")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--hostile-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(Path(args.worker[0]), Path(args.worker[1]))))
        return
    if args.hostile_worker:
        print(json.dumps(hostile_worker(Path(args.hostile_worker))))
        return
    if args.hostile:
        RESULTS.write_text(json.dumps({"hostile": hostile_table()}, indent=2) + "\n", encoding="utf-8")
        return

    exe = Path(sys.executable).parent / "ria-docs"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "ria_docs"]
    rows = []
    process_seconds([*cli, "--help"], ROOT)  # once, to write the bytecode cache
    help_times = [process_seconds([*cli, "--help"], ROOT) for _ in range(max(args.runs, 5))]
    # The import floor: a process that only imports the libraries a merge needs.
    imports = [process_seconds([sys.executable, "-c", IMPORT_FLOOR], ROOT) for _ in range(max(args.runs, 5))]
    example = [process_seconds([*cli, "merge", "inputs", "-o", str(DATA / "out-example")], ROOT)
               for _ in range(max(args.runs, 5))]
    # The example's whole-job floor: the imports, a bare calamine read, a bare docxtpl render, a plain write.
    example_stages = run_worker(ROOT / "inputs", DATA / "out-example-stages")["times"]
    example_floor = statistics.median(imports) + sum(example_stages[k] for k in ("floor_read", "floor_render",
                                                                                 "floor_write"))
    for n in args.sizes:
        folder = generate(n)
        whole = [process_seconds([*cli, "merge", str(folder), "-o", str(DATA / f"out-{n}")], ROOT)
                 for _ in range(args.runs)]
        checks = [process_seconds([*cli, "check", str(folder)], ROOT) for _ in range(args.runs)]
        pdf = process_seconds([*cli, "merge", str(folder), "-o", str(DATA / f"out-{n}-pdf"), "--pdf"], ROOT,
                              timeout=args.pdf_timeout, may_fail=True) if args.pdf else math.nan
        workers = [run_worker(folder, DATA / f"out-{n}-stages") for _ in range(args.runs)]
        stage = {k: statistics.median(w["times"][k] for w in workers) for k in workers[0]["times"]}
        ours = stage["read"] + stage["validate"] + stage["merge"] + stage["render"]
        floor = stage["floor_read"] + stage["floor_render"]
        rows.append({
            "n": n, "process_s": statistics.median(whole), "check_s": statistics.median(checks), "pdf_s": pdf,
            **{f"{k}_s": v for k, v in stage.items()},
            "read_ratio": (stage["read"] + stage["validate"] + stage["merge"]) / stage["floor_read"],
            "render_ratio": stage["render"] / stage["floor_render"],
            "write_ratio": stage["write"] / stage["floor_write"],
            "ratio": ours / floor,
            "peak_mb": statistics.median(w["peak_mb"] for w in workers),
        })
        print(f"  N={n} done", file=sys.stderr)

    summary = {"help_s": statistics.median(help_times), "import_floor_s": statistics.median(imports),
               "example_merge_s": statistics.median(example), "example_floor_s": example_floor, "rows": rows}
    print(f"ria-docs --help: {summary['help_s']:.3f} s   import floor: {summary['import_floor_s']:.3f} s   "
          f"example cycle merge (process): {summary['example_merge_s']:.3f} s "
          f"({summary['example_merge_s'] / summary['import_floor_s']:.1f}x the import floor; "
          f"{summary['example_merge_s'] / example_floor:.1f}x its whole-job floor of {example_floor:.3f} s: "
          "imports, bare read, bare render, plain write)")
    header = ["N", "merge", "check", "merge --pdf", "read", "validate", "merge", "render", "write", "floor read", "floor render",
              "floor write", "ours/floor", "read/floor", "render/floor", "write/floor", "peak MB"]
    print(" | ".join(f"{h:>12}" for h in header))
    for r in rows:
        cells = [r["n"], r["process_s"], r["check_s"], r["pdf_s"], r["read_s"], r["validate_s"], r["merge_s"], r["render_s"],
                 r["write_s"], r["floor_read_s"], r["floor_render_s"], r["floor_write_s"], r["ratio"],
                 r["read_ratio"], r["render_ratio"], r["write_ratio"], r["peak_mb"]]
        print(" | ".join(f"{c:>12}" if isinstance(c, int) else f"{c:>12.2f}" for c in cells))
    by_n = {r["n"]: r for r in rows}
    if 60 in by_n and 540 in by_n:
        print(f"growth 540/60 (process): {by_n[540]['process_s'] / by_n[60]['process_s']:.1f}x (9x is linear)")
    summary["hostile"] = [] if args.no_hostile else hostile_table()
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
