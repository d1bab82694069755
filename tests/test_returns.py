"""Issuing return workbooks: which, their names, pre-fill, round trip (their layout is in test_workbook)."""

from __future__ import annotations

import json
import shutil
import subprocess

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import ROOT

from ria_docs.cli import main
from ria_docs.exceptions import OutputError, UsageError
from ria_docs.pipeline import merge_folder
from ria_docs.returns import issue_returns, return_file_name, safe_name

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def test_one_workbook_per_network_named_from_network_and_period(issued):
    out, result = issued
    assert len(result.written) == 20
    assert out / "Commissioning Leads - December 2019.xlsx" in result.written
    assert out / "IRO Managers-CPC Chairs - December 2019.xlsx" in result.written  # "/" is not in a file name


def test_an_issued_blank_return_reads_back_and_is_flagged_as_unfilled(issued, tmp_path):
    cycle = tmp_path / "cycle"
    (cycle / "returns").mkdir(parents=True)
    shutil.copy(ROOT / "inputs" / "region.toml", cycle)
    shutil.copy(issued[0] / "Commissioning Leads - December 2019.xlsx", cycle / "returns")
    result = merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    assert result.written
    # Instructions and Lists are not "extra sheets"; the only remark is that nobody filled it in.
    assert [p.format() for p in result.check.report.problems] == [
        "returns/Commissioning Leads - December 2019.xlsx, About!B5: warning: has no Completed by or Date "
        "submitted: was it filled in, or is it a blank return as issued? (fill in Completed by and Date "
        "submitted, or take the file out of the folder)",
        "warning: region.toml lists 10 indicator(s) but none of the returns used sent figures, so the update has "
        "no tartan rug this round (the network that collects the figures fills the Indicators sheet of its return)",
    ]


def test_round_trip_untouched_prefilled_returns_give_the_same_plan(example_outputs, tmp_path):
    previous = json.loads((example_outputs / "plan.json").read_text(encoding="utf-8"))
    cycle = tmp_path / "march"
    cycle.mkdir()
    region = (ROOT / "inputs" / "region.toml").read_text(encoding="utf-8")
    (cycle / "region.toml").write_text(region.replace('period = "December 2019"', 'period = "March 2020"'), encoding="utf-8")
    issued = issue_returns(cycle, tmp_path / "sent", from_plan=example_outputs / "plan.json")
    assert issued.notes == []
    shutil.copytree(tmp_path / "sent", cycle / "returns")  # every chair sends theirs back untouched
    result = merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    assert result.written, [p.format() for p in result.check.report.problems]
    again = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))

    def items(plan: dict) -> dict:
        """The plan without sources and what only names the round."""
        def strip(value):
            if isinstance(value, dict):
                return {k: strip(v) for k, v in value.items()
                        if k not in ("source", "return_file") and not k.endswith("_source")}
            if isinstance(value, list):
                return [strip(v) for v in value]
            return value

        plan = strip(plan)
        # the round's own data: its period, returns, history and tartan rug figures (issued empty, like news)
        del plan["returns"], plan["history"], plan["region"]["period"], plan["indicator_values"]
        return plan

    assert items(again) == items(previous)
    assert again["region"]["period"] == "March 2020"
    # the content really is there, not an empty plan on both sides
    assert sum(len(t["activities"]) for t in again["themes"]) == 37


def test_prefill_gives_a_network_the_themes_it_leads_and_its_own_rows(example_outputs, tmp_path):
    issue_returns(ROOT / "inputs", tmp_path, networks=["Commissioning Leads", "Improvement & Data Leads"],
                  from_plan=example_outputs / "plan.json")
    commissioning = openpyxl.load_workbook(tmp_path / "Commissioning Leads - December 2019.xlsx")
    rows = list(commissioning["Work programme"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["A: Increasing Placement Sufficiency", None, None, None]
    assert rows[0][4] == "Yes" and rows[0][5] is None  # ticks carried over
    about = commissioning["About"]
    assert (about["B3"].value, about["B4"].value) == ("Sally Savage", "sally.savage@example.org.uk")
    assert about["B5"].value is None  # Date submitted is this round's
    assert commissioning["LA support"].max_row == 1 and commissioning["Update"].max_row == 1
    data = openpyxl.load_workbook(tmp_path / "Improvement & Data Leads - December 2019.xlsx")["LA support"]
    first = next(data.iter_rows(min_row=2, values_only=True))
    assert first[:2] == ("Leicester", "Permanence Strategy")


@pytest.mark.parametrize("network, expected", [
    ("../x", "x"),
    ("A/B: C?", "A-B- C"),
    ("CON", "network-CON"),
    ("   ", "network"),
    ("IRO Managers/CPC Chairs", "IRO Managers-CPC Chairs"),
])
def test_file_names_are_safe_everywhere(network, expected):
    assert safe_name(network) == expected


def test_hostile_network_names_stay_inside_the_folder(tmp_path):
    cycle = tmp_path / "cycle"
    cycle.mkdir()
    long = "Regional Network for the Improvement of Outcomes for Children and Young People in Care"
    (cycle / "region.toml").write_text(
        'region = "R"\nplan_year = "1"\nperiod = "June 2024"\nlas = ["A"]\n'
        '[[network]]\nname = "../x"\n[[network]]\nname = "A/B: C?"\n'
        f'[[network]]\nname = "{long} (North)"\n[[network]]\nname = "{long} (South)"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    written = issue_returns(cycle, out).written
    cut = long[:80]  # file names stop at 80 characters, so these two would collide
    assert [p.name for p in written] == [
        "x - June 2024.xlsx", "A-B- C - June 2024.xlsx", f"{cut} - June 2024.xlsx", f"{cut} - June 2024 (2).xlsx"]
    assert all(p.parent == out and p.exists() for p in written)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cycle", "out"]


def test_existing_returns_are_not_overwritten_without_force(tmp_path):
    out = tmp_path / "out"
    issue_returns(ROOT / "inputs", out, networks=["CSE Leads"])
    target = out / return_file_name("CSE Leads", "December 2019")
    target.write_bytes(b"a chair's work")
    with pytest.raises(OutputError, match=r"1 return\(s\) already exist in .*out: CSE Leads - December 2019.xlsx. "
                                          r"Nothing was written. Use --force"):
        issue_returns(ROOT / "inputs", out, networks=["CSE Leads", "Regional Adoption"])
    assert target.read_bytes() == b"a chair's work"
    assert not (out / "Regional Adoption - December 2019.xlsx").exists()  # nothing written at all
    issue_returns(ROOT / "inputs", out, networks=["CSE Leads"], force=True)
    assert target.read_bytes() != b"a chair's work"


def test_unknown_network_is_a_usage_error_with_a_suggestion(tmp_path):
    with pytest.raises(UsageError, match=r'"CSE Lead" is not a network in region.toml \(did you mean "CSE Leads"\?\)'):
        issue_returns(ROOT / "inputs", tmp_path, networks=["CSE Lead"])
    result = CliRunner().invoke(main, ["returns", str(ROOT / "inputs"), "-o", str(tmp_path), "--network", "CSE Lead"])
    assert result.exit_code == 2
    assert result.stderr == ('Error: "CSE Lead" is not a network in region.toml (did you mean "CSE Leads"?).\n')


def test_cli_names_each_workbook_it_writes(tmp_path):
    result = CliRunner().invoke(main, ["returns", str(ROOT / "inputs"), "-o", str(tmp_path),
                                       "--network", "cse leads", "--network", "Regional Adoption"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Wrote {tmp_path / 'CSE Leads - December 2019.xlsx'}\n"
        f"Wrote {tmp_path / 'Regional Adoption - December 2019.xlsx'}\n"
    )


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_issued_workbooks_open_in_libreoffice_calc(issued, tmp_path):
    source = issued[0] / "Commissioning Leads - December 2019.xlsx"
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=240,
    )
    pdf = tmp_path / "Commissioning Leads - December 2019.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def _plan_with_a_contribution_to_another_networks_theme(cycle, add_return, tmp_path):
    from conftest import about

    add_return("commissioning.xlsx", about(**{"Email": "c@example.org.uk"}), {"Work programme": [
        {"Theme": "A", "Outcome": "More placements", "Lead responsibility": "Sally", "Activity": "Commission", "RAG": "Green"}]})
    add_return("safeguarding.xlsx", about("2nd Tier Safeguarding Leads"), {"Work programme": [
        {"Theme": "A", "Activity": "Safeguarding's part", "RAG": "Red", "SDSA": "Yes"},
        {"Theme": "B", "Outcome": "Learn", "Activity": "Site visits"}]})
    result = merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    assert result.written
    return tmp_path / "out" / "plan.json"


def _work_rows(path):
    ws = openpyxl.load_workbook(path)["Work programme"]
    return [tuple(v for v in row[:4]) for row in ws.iter_rows(min_row=2, values_only=True)]


def test_prefill_keeps_each_activity_with_the_network_that_reported_it(cycle, add_return, tmp_path):
    plan = _plan_with_a_contribution_to_another_networks_theme(cycle, add_return, tmp_path)
    issue_returns(cycle, tmp_path / "sent", from_plan=plan)
    assert _work_rows(tmp_path / "sent" / "Commissioning Leads - June 2024.xlsx") == [
        ("A: Increasing Placement Sufficiency", "More placements", "Commission", "Green")]
    assert _work_rows(tmp_path / "sent" / "2nd Tier Safeguarding Leads - June 2024.xlsx") == [
        ("A: Increasing Placement Sufficiency", None, "Safeguarding's part", "Red"),  # not the lead: no outcome
        ("B: Improving Practice Methodology", "Learn", "Site visits", None),
    ]
    assert _work_rows(tmp_path / "sent" / "Virtual School Heads - June 2024.xlsx") == []


def test_a_renamed_network_keeps_its_prefill_through_its_alias(cycle, add_return, tmp_path):
    plan = _plan_with_a_contribution_to_another_networks_theme(cycle, add_return, tmp_path)
    region = (cycle / "region.toml").read_text(encoding="utf-8").replace(
        'name = "Commissioning Leads"', 'name = "Commissioning & Sufficiency Leads"\naliases = ["Commissioning Leads"]')
    (cycle / "region.toml").write_text(region.replace('period = "June 2024"', 'period = "July 2024"'), encoding="utf-8")
    issue_returns(cycle, tmp_path / "sent", from_plan=plan)
    path = tmp_path / "sent" / "Commissioning & Sufficiency Leads - July 2024.xlsx"
    assert _work_rows(path)[0][2] == "Commission"
    assert openpyxl.load_workbook(path)["About"]["B4"].value == "c@example.org.uk"


def test_notes_for_a_forgotten_period_change_and_returns_issued_into_the_inputs(cycle, add_return, tmp_path):
    plan = _plan_with_a_contribution_to_another_networks_theme(cycle, add_return, tmp_path)
    notes = issue_returns(cycle, cycle / "to-send", from_plan=plan).notes
    assert notes == [
        f"{plan} is from June 2024, the period region.toml still gives; change period in region.toml for the new round",
        f"{cycle / 'to-send'} is inside the inputs folder {cycle}: the merge reads every workbook there, so move "
        "the issued returns out before merging, or issue them elsewhere with -o",
    ]


def test_an_unknown_network_with_no_near_miss_lists_the_networks(tmp_path, cycle):
    with pytest.raises(UsageError) as caught:
        issue_returns(cycle, tmp_path, networks=["Xyz"])
    assert str(caught.value) == (
        '"Xyz" is not a network in region.toml (the networks are: "2nd Tier Safeguarding Leads", '
        '"Commissioning Leads" and "Virtual School Heads").'
    )
