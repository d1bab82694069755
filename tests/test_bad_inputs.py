"""Every kind of bad input a return can be: found in one run, said clearly, nothing lost."""

from __future__ import annotations

import shutil
import zipfile

import pytest
from click.testing import CliRunner
from conftest import ROOT, SMALL_REGION, about, messages, problems_of

from ria_docs.cli import main
from ria_docs.pipeline import merge_folder

FORMATS = ROOT / "tests" / "data" / "formats"


def test_random_bytes(cycle):
    path = cycle / "noise.xlsx"
    path.write_bytes(bytes(range(256)) * 4)
    assert problems_of(path) == [
        "noise.xlsx: error: is not an Excel workbook: its content is not a spreadsheet "
        "(open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx))"
    ]


def test_a_truncated_workbook(cycle):
    path = cycle / "cut.xlsx"
    path.write_bytes((FORMATS / "return.xlsx").read_bytes()[:5000])
    assert problems_of(path) == [
        "cut.xlsx: error: is damaged: it is not a complete Excel file (perhaps cut short when sent) "
        "(ask for it to be sent again)"
    ]


def test_a_password_protected_workbook(cycle):
    path = cycle / "locked.xlsx"
    shutil.copy(FORMATS / "password-protected.xlsx", path)
    assert problems_of(path) == [
        "locked.xlsx: error: is protected with a password, so it cannot be read (open it in Excel, remove the "
        "password (File > Info > Protect Workbook), save it and send it again)"
    ]


@pytest.mark.parametrize("name", ["return.xls", "return.ods"])
def test_legacy_xls_and_ods_are_read_like_xlsx(cycle, tmp_path, name):
    shutil.copy(FORMATS / name, cycle / name)
    result = merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    # Their own records keep the issued sheets' protection, so Instructions and Lists are skipped as issued.
    assert result.written and result.check.report.problems == []
    [activity] = result.plan.themes[0].activities
    assert (activity.bullets, activity.rag.value, activity.ticks.sdsa) == (["Joint purchasing", "Shared framework"], "Amber", True)
    rutland = next(r for r in result.plan.la_support if r.la == "Rutland")
    assert [t.text for t in rutland.support_needed] == ["Sufficiency strategy"]
    assert result.plan.returns[0].date_submitted == "2024-06-03"


def test_excel_lock_files_are_skipped_silently(cycle, add_return, check):
    add_return("commissioning.xlsx", about())
    (cycle / "~$commissioning.xlsx").write_bytes(b"\x0bAndy Smith" + b" " * 150)
    result = check()
    assert [a.file for a in result.outcome.returns] == ["commissioning.xlsx"] and result.report.problems == []


def test_a_missing_optional_sheet_is_fine_and_a_misspelt_one_is_an_error(write_sheets, check):
    write_sheets("r.xlsx", {
        "About": [["Network", "Commissioning Leads"], ["Period", "June 2024"], ["Completed by", "Me"]],
        "LA suport": [["LA", "Support needed"], ["Derby", "Help"]],
    })
    assert messages(check().report) == [
        'r.xlsx, sheet LA suport: error: sheet "LA suport" looks like the "LA support" sheet renamed, and this '
        'return has no "LA support" sheet, so its 4 cell(s) would be lost: A1, B1, A2, B2 (rename the sheet '
        '"LA support" (right-click its tab > Rename))'
    ]


def test_a_formula_with_no_saved_value_in_a_figure_column_asks_for_a_save_in_excel(cycle, write_sheets, check):
    (cycle / "region.toml").write_text(SMALL_REGION + '[[indicator]]\nname = "Re-referrals"\n', encoding="utf-8")
    write_sheets("r.xlsx", {
        "About": [["Network", "Commissioning Leads"], ["Period", "June 2024"], ["Completed by", "Me"]],
        "Indicators": [["LA", "Indicator", "Value"], ["Derby", "Re-referrals", "=B7*2"]],
    })
    assert messages(check().report) == [
        "r.xlsx, Indicators!C2: error: holds a formula (=B7*2) whose result was never saved, so its value cannot "
        "be read (open the file in Excel, save it, and send it again (or type the value instead))"
    ]


def test_a_formula_in_a_text_column_is_an_error_saved_value_or_not(write_sheets, check):
    write_sheets("r.xlsx", {
        "About": [["Network", "Commissioning Leads"], ["Period", "June 2024"], ["Completed by", "Me"]],
        "Contribution": [["Contribution"], ['=CONCAT("Joint ", "work")']],
    })
    assert messages(check().report) == [
        'r.xlsx, Contribution!A2: error: holds the formula "=CONCAT("Joint ", "work")", not text: a cell that '
        'starts with "=" is calculated by Excel and LibreOffice (to keep it as text, type it again with an '
        """apostrophe first ('=CONCAT("Joint ", "work")), or start it another way)"""
    ]


def test_a_formula_with_a_saved_value_is_read_as_its_value_in_a_figure_column(cycle, write_sheets, check):
    (cycle / "region.toml").write_text(SMALL_REGION + '[[indicator]]\nname = "Re-referrals"\n', encoding="utf-8")
    path = write_sheets("r.xlsx", {
        "About": [["Network", "Commissioning Leads"], ["Period", "June 2024"], ["Completed by", "Me"]],
        "Indicators": [["LA", "Indicator", "Value"], ["Derby", "Re-referrals", "=1+1"]],
    })
    # Excel saves a formula's result beside it (<f>1+1</f><v>2</v>); openpyxl saves none.
    with zipfile.ZipFile(path) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    [sheet] = [n for n, data in parts.items() if b"<f>1+1</f>" in data]
    parts[sheet] = parts[sheet].replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>")
    assert b"<v>2</v>" in parts[sheet]
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    result = check()
    assert result.report.problems == []
    assert [(v.la, v.value) for v in result.plan.indicator_values] == [("Derby", 2.0)]


def test_a_very_long_cell_is_read_with_a_warning(add_return, check):
    add_return("r.xlsx", about(), {"Contribution": [{"Contribution": "word " * 2000}]})
    result = check()
    assert messages(result.report) == [
        "r.xlsx, Contribution!A2: warning: holds 9,999 characters, far more than a bullet in a table cell "
        "(check it is meant to be one cell; split it over several rows if it is several points)"
    ]
    network = next(n for n in result.plan.networks if n.name == "Commissioning Leads")
    assert len(network.contribution[0].text) == 9999


def test_a_sheet_with_100000_rows_mostly_empty(write_sheets, check):
    def far_down(workbook):
        ws = workbook["Contribution"]
        ws.cell(row=100_000, column=1, value="At the very bottom")
        for row in range(3, 100_000, 1000):
            ws.cell(row=row, column=2).number_format = "0.00"  # formatted, empty
    write_sheets("r.xlsx", {
        "About": [["Network", "Commissioning Leads"], ["Period", "June 2024"], ["Completed by", "Me"]],
        "Contribution": [["Contribution"], ["At the top"]],
    }, edit=far_down)
    result = check()
    assert result.report.problems == []
    network = next(n for n in result.plan.networks if n.name == "Commissioning Leads")
    assert [t.text for t in network.contribution] == ["At the top", "At the very bottom"]
    assert network.contribution[1].source.cell == "A100000"


def test_a_folder_with_one_of_each_bad_file_gives_one_readable_report(cycle, add_return, write_sheets):
    (cycle / "returns").mkdir()
    (cycle / "returns" / "empty.xlsx").write_bytes(b"")
    (cycle / "returns" / "exported.xlsx").write_text("Network,Period\nCSE Leads,June 2024\n", encoding="utf-8")
    (cycle / "returns" / "cut.xlsx").write_bytes((FORMATS / "return.xlsx").read_bytes()[:3000])
    shutil.copy(FORMATS / "password-protected.xlsx", cycle / "returns" / "locked.xlsx")
    (cycle / "returns" / "~$locked.xlsx").write_bytes(b"lock")
    (cycle / "returns" / "notes.csv").write_text("a,b\n", encoding="utf-8")
    write_sheets("returns/budget.xlsx", {"Budget": [["Line", "Amount"], ["Travel", 100]]})
    add_return("returns/bad-values.xlsx", about("2nd Tier Safeguarding"), {
        "Work programme": [{"Theme": "Z", "Activity": "x"}, {"Theme": "A", "Activity": "y", "RAG": "Yellow"}],
        "LA support": [{"LA": "Leics", "Support needed": "z"}],
    })
    add_return("returns/old-round.xlsx", about(period="March 2024"))
    result = CliRunner().invoke(main, ["check", str(cycle)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    lines = result.stdout.splitlines()
    errors = [line for line in lines if ": error: " in line]
    assert [line.split(":")[0].split(",")[0] for line in errors] == [
        "returns/bad-values.xlsx", "returns/bad-values.xlsx", "returns/bad-values.xlsx",
        "returns/budget.xlsx", "returns/cut.xlsx", "returns/empty.xlsx", "returns/exported.xlsx",
        "returns/locked.xlsx", "returns/notes.csv", "returns/old-round.xlsx",
    ]
    assert "  1 error, 1 warning  returns/budget.xlsx" in lines  # one line per file, with its state
    assert lines[-1] == "8 returns read: 10 errors, 1 warning; 8 non-empty cells not used."
    assert "~$locked.xlsx" not in result.output
