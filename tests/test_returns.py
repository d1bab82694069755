"""Issuing return workbooks: layout, dropdowns, protection, names, pre-fill, round trip."""

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


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """Blank returns for every network of the example region."""
    out = tmp_path_factory.mktemp("issued")
    result = issue_returns(ROOT / "inputs", out)
    return out, result


def test_one_workbook_per_network_named_from_network_and_period(issued):
    out, result = issued
    assert len(result.written) == 20
    assert out / "Commissioning Leads - December 2019.xlsx" in result.written
    assert out / "IRO Managers-CPC Chairs - December 2019.xlsx" in result.written  # "/" is not in a file name


def test_sheets_in_order_with_instructions_first_and_lists_hidden(issued):
    workbook = openpyxl.load_workbook(issued[0] / "Commissioning Leads - December 2019.xlsx")
    assert workbook.sheetnames == [
        "Instructions", "About", "Contribution", "Work programme", "LA support", "Update", "Indicators", "Lists"]
    assert workbook["Lists"].sheet_state == "hidden"
    assert workbook.active.title == "Instructions"
    text = " ".join(str(c.value) for row in workbook["Instructions"].iter_rows() for c in row if c.value)
    assert "December 2019" in text and "Blank means same as above" in text and "Red, Amber, Green" in text


def test_about_is_prefilled_from_the_roster_and_its_fixed_cells_locked(issued):
    ws = openpyxl.load_workbook(issued[0] / "Commissioning Leads - December 2019.xlsx")["About"]
    values = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, 11)}
    assert values == {
        "Network": "Commissioning Leads", "Period": "December 2019", "Completed by": None, "Email": None,
        "Date submitted": None, "Chair": "Sally Savage", "Chair LA": "Lincolnshire",
        "Director link": "Colin Pettigrew", "Director link LA": "Nottinghamshire", "Template version": "3",
    }
    locked = {ws.cell(row=r, column=1).value for r in range(1, 11) if ws.cell(row=r, column=2).protection.locked}
    assert locked == {"Network", "Period", "Template version"}
    assert ws.protection.sheet


def _validations(ws) -> dict[str, tuple[str | None, str | None]]:
    return {str(v.sqref): (v.type, v.formula1) for v in ws.data_validations.dataValidation}


def test_dropdowns_cover_the_vocabulary_columns(issued):
    workbook = openpyxl.load_workbook(issued[0] / "Commissioning Leads - December 2019.xlsx")
    work = _validations(workbook["Work programme"])
    assert work["A2:A2000"] == ("list", "Lists!$A$2:$A$14")  # 13 themes, from the hidden sheet
    assert work["D2:D2000"] == ("list", '"Red,Amber,Green,Blue"')
    for column in "EFGIJ":  # the five tick columns
        assert work[f"{column}2:{column}2000"] == ("list", '"Yes,No"')
    assert work["C2:C2000"] == (None, None)  # free text, with an input message
    assert _validations(workbook["LA support"])["A2:A2000"] == ("list", "Lists!$B$2:$B$10")
    assert _validations(workbook["Update"])["A2:A2000"] == ("list", "Lists!$C$2:$C$6")
    lists = workbook["Lists"]
    assert [c.value for c in lists["A"]][1:3] == ["A: Increasing Placement Sufficiency", "B: Improving Practice Methodology"]
    prompts = {str(v.sqref): v.prompt for v in workbook["Work programme"].data_validations.dataValidation}
    assert prompts["D2:D2000"].startswith("Red, Amber or Green")
    assert all(len(p) <= 255 for p in prompts.values())


def test_data_sheets_are_protected_but_lock_no_cell_so_libreoffice_can_size_columns_and_rows(issued):
    ws = openpyxl.load_workbook(issued[0] / "Commissioning Leads - December 2019.xlsx")["Work programme"]
    protection = ws.protection
    assert protection.sheet
    # LibreOffice refuses to widen a column (or size a row) holding any locked
    # cell, and a row inserted under the header copies the header's lock.
    assert [cell.protection.locked for cell in ws[1]] == [False] * 11
    assert all(ws.column_dimensions[c].protection.locked is False for c in "ABCDEFGHIJK")
    # chairs can add, delete and format rows and columns; not insert or delete columns
    assert (protection.insertRows, protection.deleteRows, protection.formatRows, protection.formatColumns) == (
        False, False, False, False)
    assert (protection.insertColumns, protection.deleteColumns) == (True, True)
    assert ws.freeze_panes == "A2"


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


def test_text_that_looks_like_a_formula_stays_text(tmp_path, cycle, add_return):
    from conftest import about

    path = add_return("r.xlsx", about(), {"Contribution": [
        {"Contribution": "=HYPERLINK(\"http://x\")"}, {"Contribution": "+44 1234"},
        {"Contribution": "-5 places"}, {"Contribution": "@risk"}]})
    ws = openpyxl.load_workbook(path)["Contribution"]
    assert [(c.value, c.data_type) for c in ws["A"][1:]] == [
        ('=HYPERLINK("http://x")', "s"), ("+44 1234", "s"), ("-5 places", "s"), ("@risk", "s")]
    result = merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    network = next(n for n in result.plan.networks if n.name == "Commissioning Leads")
    assert [t.text for t in network.contribution][0] == '=HYPERLINK("http://x")'


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


def test_columns_beyond_the_headers_are_unlocked_so_whole_rows_can_be_deleted(issued):
    workbook = openpyxl.load_workbook(issued[0] / "Commissioning Leads - December 2019.xlsx")
    ws = workbook["Work programme"]
    rest = ws.column_dimensions["L"]
    assert (rest.min, rest.max, rest.protection.locked) == (12, 16384, False)
    assert workbook.security.lockStructure  # sheets cannot be renamed or unhidden by accident


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


def test_the_line_break_key_is_given_for_libreoffice_and_excel_as_the_readme_gives_it(issued):
    workbook = openpyxl.load_workbook(issued[0] / "Commissioning Leads - December 2019.xlsx")
    text = " ".join(str(c.value) for row in workbook["Instructions"].iter_rows() for c in row if c.value)
    prompts = {str(v.sqref): v.prompt for v in workbook["Work programme"].data_validations.dataValidation}
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for where in (text, prompts["C2:C2000"]):
        assert "Ctrl+Enter in LibreOffice" in where and "Alt+Enter in Excel" in where, where
        assert "Ctrl+Option+Enter" in where
    assert "**Ctrl+Enter** in LibreOffice Calc, **Alt+Enter** in Excel on Windows" in readme
    assert "**Ctrl+Option+Enter** (or Option+Enter) in Excel for Mac" in readme
