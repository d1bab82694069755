"""Whatever region.toml or plan.json hold, an .xlsx the tool writes holds text, never a formula."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

from ria_docs.pipeline import merge_folder
from ria_docs.region import load_region
from ria_docs.returns import issue_returns
from ria_docs.workbook import build_return, save_workbook

# Every name a workbook shows, each starting with a character Excel or
# LibreOffice would take as the start of a formula.
HOSTILE_REGION = '''\
region = "=Testshire"
plan_year = "2024/25"
period = "June 2024"
las = ["=Derby", "+Derbyshire", "-Leicester", "@Leicestershire"]
update_sections = ["=HYPERLINK(\\"http://example.com\\",\\"click\\")", "+Network Highlights"]

[[network]]
name = "=Commissioning Leads"
reports_to = "DCS Group"
chair = "=Sally Savage"
chair_la = "=Derby"
director = "+Andy Smith"
director_la = "-Leicester"

[[network]]
name = "@Virtual School Heads"
reports_to = "=Commissioning Leads"

[[theme]]
code = "A"
title = "=Increasing Placement Sufficiency"
lead = "=Commissioning Leads"

[[indicator]]
name = "=1+1"
unit = "%"
polarity = "lower"
method = "england"
england = 22.6
tolerance = 2.0
source = "=cmd|' /C calc'!A0"
'''
STARTS = ("=", "+", "-", "@")


def formulas_in(path) -> dict[str, list[str]]:
    """Every <f> element of every worksheet of an .xlsx, by part name."""
    with zipfile.ZipFile(path) as archive:
        found = {}
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8")
                hits = re.findall(r"<(?:\w+:)?f[ >].*?</(?:\w+:)?f>|<(?:\w+:)?f/>", xml)
                if hits:
                    found[name] = hits
        return found


def strings_in(path) -> set[str]:
    workbook = openpyxl.load_workbook(path)
    return {c.value for ws in workbook.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


@pytest.fixture
def hostile(tmp_path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "region.toml").write_text(HOSTILE_REGION, encoding="utf-8")
    return folder


def test_names_starting_with_formula_characters_stay_text_in_an_issued_return(hostile, tmp_path):
    result = issue_returns(hostile, tmp_path / "sent")
    assert len(result.written) == 2
    for path in result.written:
        assert formulas_in(path) == {}
        workbook = openpyxl.load_workbook(path)
        assert all(c.data_type != "f" for ws in workbook.worksheets for row in ws.iter_rows() for c in row)
    # read back as the very same strings: Lists, About, Instructions text
    lists = [c.value for c in workbook["Lists"]["A"]][1:] + [c.value for c in workbook["Lists"]["B"]][1:]
    assert "A: =Increasing Placement Sufficiency" in lists
    assert {"=Derby", "+Derbyshire", "-Leicester", "@Leicestershire"} <= set(lists)
    commissioning = next(p for p in result.written if "Commissioning" in p.name)
    about = {r[0].value: r[1].value for r in openpyxl.load_workbook(commissioning)["About"].iter_rows()}
    assert (about["Network"], about["Chair"], about["Chair LA"], about["Director link"], about["Director link LA"]) == (
        "=Commissioning Leads", "=Sally Savage", "=Derby", "+Andy Smith", "-Leicester")
    instructions = " ".join(strings_in(commissioning))
    assert "=Commissioning Leads: return for June 2024" in strings_in(commissioning)
    assert "=Testshire regional team" in instructions
    assert "=1+1" in [c.value for c in workbook["Lists"]["D"]]
    assert '=HYPERLINK("http://example.com","click")' in [c.value for c in workbook["Lists"]["C"]]


def test_a_chairs_text_starting_with_formula_characters_stays_text(hostile, tmp_path):
    region = load_region(hostile / "region.toml")
    workbook = build_return(region, {"Network": "=Commissioning Leads", "Completed by": "=A Chair"}, {
        "Contribution": [{"Contribution": "=SUM(A1:A3)"}, {"Contribution": "-5% fewer referrals"}],
        "Work programme": [{"Theme": "A", "Activity": "=Adoption support fund bids coordinated regionally",
                            "Lead responsibility": "@Lead"}],
    })
    path = tmp_path / "return.xlsx"
    save_workbook(workbook, path)
    assert formulas_in(path) == {}
    assert {"=SUM(A1:A3)", "-5% fewer referrals", "=Adoption support fund bids coordinated regionally", "@Lead",
            "=A Chair"} <= strings_in(path)


def test_the_tartan_rug_workbook_keeps_names_as_text(hostile, tmp_path):
    region = load_region(hostile / "region.toml")
    workbook = build_return(region, {"Network": "=Commissioning Leads", "Completed by": "A Chair",
                                     "Date submitted": "01/06/2024"}, {
        "Indicators": [{"LA": la, "Indicator": "=1+1", "Value": 20 + n, "Period": "2023/24"}
                       for n, la in enumerate(region.las)],
    })
    (hostile / "returns").mkdir()
    save_workbook(workbook, hostile / "returns" / "return.xlsx")
    result = merge_folder(hostile, tmp_path / "out")
    rug = tmp_path / "out" / "tartan-rug.xlsx"
    assert result.written and rug.exists(), [p.format() for p in result.check.report.problems]
    assert formulas_in(rug) == {}
    strings = strings_in(rug)
    assert {"=Derby", "+Derbyshire", "-Leicester", "@Leicestershire", "=Testshire average", "=1+1"} <= strings
    assert any(s.startswith("Source: =cmd") for s in strings)
