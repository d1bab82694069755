"""Shared fixtures: a small region, scenario returns built in tmp_path, the example merge and the round after it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from ria_docs.pipeline import merge_folder
from ria_docs.reader import read_return
from ria_docs.report import Report
from ria_docs.returns import issue_returns
from ria_docs.workbook import build_return, save_workbook

ROOT = Path(__file__).resolve().parent.parent
# The two real documents the outputs reproduce (copied from the shared seeds,
# so the acceptance test runs in any clone).
SEEDS = ROOT / "tests" / "data" / "seeds"

SMALL_REGION = '''\
region = "Testshire"
plan_year = "2024/25"
period = "June 2024"
las = ["Derby", "Derbyshire", "Leicester", "Leicestershire", "Rutland"]
update_sections = ["Regional Priorities", "Network Highlights"]

[[network]]
name = "2nd Tier Safeguarding Leads"
aliases = ["2nd Tier Safeguarding"]
reports_to = "DCS Group"
chair = "Helen Blackman"
chair_la = "Derby"
director = "Andy Smith"
director_la = "Derby"

[[network]]
name = "Commissioning Leads"
reports_to = "DCS Group"
chair = "Sally Savage"
chair_la = "Rutland"

[[network]]
name = "Virtual School Heads"
reports_to = "2nd Tier Safeguarding Leads"

[[theme]]
code = "A"
title = "Increasing Placement Sufficiency"
lead = "Commissioning Leads"

[[theme]]
code = "B"
title = "Improving Practice Methodology"
lead = "2nd Tier Safeguarding Leads"
'''


def about(network: str = "Commissioning Leads", period: str = "June 2024", **more) -> dict:
    values = {"Network": network, "Period": period, "Completed by": "A Chair"}
    values.update(more)
    return values


@pytest.fixture
def cycle(tmp_path) -> Path:
    """An inputs folder with the small region.toml and no returns yet."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "region.toml").write_text(SMALL_REGION, encoding="utf-8")
    return folder


@pytest.fixture
def add_return(cycle):
    """add_return("name.xlsx", about(...), {"Work programme": [...]}) writes a return."""

    from ria_docs.region import load_region

    region = load_region(cycle / "region.toml")

    def write(name: str, about_values: dict, sheets: dict | None = None, *, folder: Path | None = None):
        path = (folder or cycle) / name
        workbook = build_return(region, about_values, sheets or {})
        save_workbook(workbook, path, when=dt.date(2024, 6, 1))
        return path

    return write


@pytest.fixture(scope="session")
def example_outputs(tmp_path_factory) -> Path:
    """The example cycle (inputs/) merged once for the whole session."""
    out = tmp_path_factory.mktemp("example") / "outputs"
    result = merge_folder(ROOT / "inputs", out, templates=ROOT / "templates")
    assert result.written, [p.format() for p in result.check.report.errors]
    return out


def _merged_example(name: str, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp(name) / "outputs"
    result = merge_folder(ROOT / "examples" / name, out, templates=ROOT / "templates")
    assert result.written, [p.format() for p in result.check.report.errors]
    return out


@pytest.fixture(scope="session")
def south_east_outputs(tmp_path_factory) -> Path:
    """The second example: an update of prose, a numbered list under labels, and links."""
    return _merged_example("south-east", tmp_path_factory)


@pytest.fixture(scope="session")
def eastern_outputs(tmp_path_factory) -> Path:
    return _merged_example("eastern", tmp_path_factory)


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """Blank returns for every network of the example region."""
    out = tmp_path_factory.mktemp("issued")
    result = issue_returns(ROOT / "inputs", out)
    return out, result


# The March 2020 round (the fixture march): the networks that return, and those that do not.
KEPT = ["2nd Tier Safeguarding Leads", "EMSIG Schools and Learning Leads", "Improvement & Data Leads"]
MISSING = ["Commissioning Leads", "Regional Adoption", "Participation Leads"]  # the other three that returned in December


def _row_of(ws, text: str) -> int:
    return next(c.row for c in ws["C"] if c.value and str(c.value).startswith(text))


@pytest.fixture
def march(example_outputs, tmp_path):
    """The March 2020 round: three networks return (one RAG moved, one activity added, one removed), three do not."""
    cycle = tmp_path / "march"
    cycle.mkdir()
    region = (ROOT / "inputs" / "region.toml").read_text(encoding="utf-8")
    (cycle / "region.toml").write_text(region.replace('period = "December 2019"', 'period = "March 2020"'),
                                       encoding="utf-8")
    issue_returns(cycle, tmp_path / "sent", networks=KEPT, from_plan=example_outputs / "plan.json")
    shutil.copytree(tmp_path / "sent", cycle / "returns")
    path = cycle / "returns" / "2nd Tier Safeguarding Leads - March 2020.xlsx"
    workbook = openpyxl.load_workbook(path)
    ws = workbook["Work programme"]
    ws.cell(row=_row_of(ws, "A series of site visits"), column=4, value="Green")  # RAG moved
    removed = _row_of(ws, "Strategic MACE")
    for column in range(1, 12):
        ws.cell(row=removed, column=column).value = None  # an activity removed (value=None would be ignored)
    ws.cell(row=ws.max_row + 1, column=1, value="L")
    ws.cell(row=ws.max_row, column=3, value="Audit of new safeguarding arrangements")  # an activity added
    workbook["About"]["B5"] = dt.date(2020, 3, 2)
    workbook.save(path)
    return cycle


@pytest.fixture
def copy_example(tmp_path) -> Path:
    """A writable copy of the example inputs folder."""
    target = tmp_path / "inputs"
    shutil.copytree(ROOT / "inputs", target)
    return target


@pytest.fixture
def write_sheets(cycle):
    """write_sheets("x.xlsx", {"About": [[...], ...], ...}) writes rows exactly as given.

    Returns the openpyxl workbook too, via ``edit=`` callback, for merged cells,
    hidden rows and the like.
    """
    from openpyxl import Workbook

    def write(name: str, sheets: dict[str, list[list]], edit=None) -> Path:
        workbook = Workbook()
        workbook.remove(workbook.active)
        for title, rows in sheets.items():
            ws = workbook.create_sheet(title)
            for row in rows:
                ws.append(row)
        if edit:
            edit(workbook)
        path = cycle / name
        workbook.save(path)
        return path

    return write


@pytest.fixture
def check(cycle):
    """Run the check stage on the scenario folder; return the report."""
    from ria_docs.pipeline import check_folder

    def run():
        return check_folder(cycle)

    return run


def messages(report) -> list[str]:
    return [p.format() for p in report.problems]


def problems_of(path) -> list[str]:
    """What reading one file alone reports, one line a problem."""
    report = Report()
    read_return(path, path.name, report)
    return messages(report)


def edit_parts(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` in every part of a workbook's zip that holds it,
    as a file written by another program might hold it; at least one must."""
    import zipfile

    with zipfile.ZipFile(path) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    edited = [n for n, data in parts.items() if old in data]
    assert edited, f"{old!r} is in no part of {path.name}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data.replace(old, new))


@pytest.fixture
def every_state(march, example_outputs) -> tuple[Path, Path]:
    """The March round with a network in every state: returned (2), invalid (EMSIG's RAG is "Purple"),
    missing and carried forward (3, with December's plan as the baseline), missing with nothing to carry
    (the rest); Regional Adoption has an email in region.toml. Returns (the round, the baseline)."""
    path = march / "returns" / "EMSIG Schools and Learning Leads - March 2020.xlsx"
    workbook = openpyxl.load_workbook(path)
    ws = workbook["Work programme"]
    ws.cell(row=2, column=4, value="Purple")
    workbook.save(path)
    toml = march / "region.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'name = "Regional Adoption"', 'name = "Regional Adoption"\nemail = "Ann Chair <adoption.chair@example.org.uk>"',
        1), encoding="utf-8")
    return march, example_outputs / "plan.json"
