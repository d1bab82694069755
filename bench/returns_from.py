"""Time `ria-docs returns --from`: issuing pre-filled workbooks for N networks.

    python bench/returns_from.py                 # N = 20, 60, 180; 3 runs each; medians
    python bench/returns_from.py --sizes 20 60 --runs 1

For each N it builds, in memory, last round's plan for bench/run.py's synthetic
region (150 LAs, 13 themes, N networks): ten activities per network spread over
three themes, five LA support rows and a contribution per network, a return
per network, every theme's outcome and lead text. It writes that plan.json and
region.toml (next period) under bench/data/returns-from/N/ (not committed), then
times `issue_returns(..., from_plan=...)` and, apart, the pre-fill alone (the
rows of every network's workbook, without writing any workbook).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import LAS, THEMES, region_toml, sentence  # noqa: E402

DATA = ROOT / "bench" / "data" / "returns-from"
ACTIVITIES = 10


def synthetic_plan(n: int):
    """Last round's plan (period June 2024) for N networks."""
    from ria_docs.model import (
        Activity,
        LASupport,
        Network,
        Person,
        Plan,
        Rag,
        ReturnUsed,
        Source,
        Text,
        Theme,
        Ticks,
    )
    from ria_docs.region import RegionConfig, load_region

    folder = DATA / str(n)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "region.toml").write_text(region_toml(n), encoding="utf-8")
    region: RegionConfig = load_region(folder / "region.toml")
    rng = random.Random(n)
    themes = {t.code: Theme(code=t.code, title=t.title, lead_network=t.lead,
                            outcome=[sentence(rng, 12)], lead_responsibility=[sentence(rng, 6)])
              for t in region.themes}
    support = {la: LASupport(la=la) for la in region.las}
    networks, returns = [], []
    for i, config in enumerate(region.networks, start=1):
        file = f"returns/network-{i:03}.xlsx"
        codes = rng.sample(THEMES, 3)
        for row in range(ACTIVITIES):
            themes[codes[row % 3]].activities.append(Activity(
                bullets=[sentence(rng, rng.randint(8, 30))], rag=rng.choice(list(Rag)),
                ticks=Ticks(sdsa=rng.random() < 0.5), network=config.name,
                source=Source(file=file, sheet="Work programme", cell=f"C{row + 2}")))
        for row in range(5):
            la = f"Authority {rng.randint(1, LAS):03}"
            source = Source(file=file, sheet="LA support", cell=f"B{row + 2}")
            support[la].support_needed.append(Text(text=sentence(rng, 10), source=source, network=config.name))
            support[la].strengths_and_offers.append(Text(text=sentence(rng, 10), source=source, network=config.name))
        networks.append(Network(
            name=config.name, structure_label=config.label, reports_to=config.reports_to,
            chair=Person(name=config.chair, la=config.chair_la, source=Source(file="region.toml")),
            contribution=[Text(text=sentence(rng, 40), source=Source(file=file, sheet="Contribution", cell="A2"),
                               network=config.name)],
            return_file=file))
        returns.append(ReturnUsed(file=file, network=config.name, completed_by=f"Chair {i}",
                                  email=f"chair{i}@example.org", date_submitted="2024-06-01"))
    plan = Plan(region=region, networks=networks, themes=list(themes.values()), la_support=list(support.values()),
                update=[], returns=returns)
    (folder / "plan.json").write_text(plan.model_dump_json(indent=1), encoding="utf-8")
    (folder / "region.toml").write_text(region_toml(n).replace('period = "June 2024"', 'period = "September 2024"'),
                                        encoding="utf-8")
    return folder


def prefill_only(folder: Path) -> float:
    """Seconds to work out every network's pre-filled rows (no workbook written)."""
    from ria_docs import returns
    from ria_docs.pipeline import load_plan
    from ria_docs.region import load_region

    region = load_region(folder / "region.toml")
    plan = load_plan(folder / "plan.json")
    start = time.perf_counter()
    try:  # the plan indexed once, then each network's rows
        from ria_docs.last_round import last_round
    except ImportError:  # before ria_docs.last_round: one pass over the plan per network
        for network in region.networks:
            returns.prefill(plan, region, network.name, [])
    else:
        said = last_round(plan, region)
        for network in region.networks:
            returns.prefill(said[network.name], region, [])
    return time.perf_counter() - start


def issue_seconds(folder: Path) -> float:
    from ria_docs.returns import issue_returns

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        issued = issue_returns(folder, Path(out) / "sent", from_plan=folder / "plan.json")
        seconds = time.perf_counter() - start
    assert len(issued.written) == len(list(load_networks(folder))), issued.notes
    return seconds


def load_networks(folder: Path):
    from ria_docs.region import load_region

    return load_region(folder / "region.toml").networks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 60, 180])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import openpyxl  # noqa: F401  (first import not timed)

    rows = []
    for n in args.sizes:
        folder = synthetic_plan(n)
        prefill = statistics.median(prefill_only(folder) for _ in range(args.runs))
        issue = statistics.median(issue_seconds(folder) for _ in range(args.runs))
        rows.append((n, prefill, issue))
    print(f"{'networks':>8}  {'pre-fill only (s)':>17}  {'issue_returns --from (s)':>24}  {'per network (ms)':>16}")
    for n, prefill, issue in rows:
        print(f"{n:>8}  {prefill:>17.3f}  {issue:>24.2f}  {1000 * issue / n:>16.1f}")


if __name__ == "__main__":
    main()
