"""ria_docs.workbook: the return workbook a chair receives (sheets, About, dropdowns, protection, text
kept as text), and rows appended under the headers, their heights fitted, through openpyxl's public API."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
from conftest import ROOT

from ria_docs.pipeline import merge_folder
from ria_docs.region import load_region
from ria_docs.workbook import blank_return, fill_sheet, workbook_bytes


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


def test_columns_beyond_the_headers_are_unlocked_so_whole_rows_can_be_deleted(issued):
    workbook = openpyxl.load_workbook(issued[0] / "Commissioning Leads - December 2019.xlsx")
    ws = workbook["Work programme"]
    rest = ws.column_dimensions["L"]
    assert (rest.min, rest.max, rest.protection.locked) == (12, 16384, False)
    assert workbook.security.lockStructure  # sheets cannot be renamed or unhidden by accident


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


def _sheet_xml(workbook, title: str) -> str:
    """The XML of sheet ``title`` as saved."""
    index = workbook.sheetnames.index(title) + 1
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(workbook))) as package:
        return package.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


def test_fill_sheet_appends_under_the_last_value_and_fits_the_rows_it_wrote(cycle: Path):
    region = load_region(cycle / "region.toml")
    workbook = blank_return(region, "Commissioning Leads")
    ws = workbook["Update"]
    long = "A bullet long enough to wrap over several lines of its column. " * 6
    fill_sheet(workbook, "Update", [{"Section": "Network Highlights", "Bullet": long}, {}, {"Bullet": "short"}])
    # A second call goes on under the last value, past the blank record's row.
    fill_sheet(workbook, "Update", [{"Bullet": long}])
    # Saved before anything here looks at the sheet's cells (openpyxl makes a cell for each place looked at):
    # the blank record's row is not written, so looking for the last value made no cells.
    xml = _sheet_xml(workbook, "Update")
    assert re.findall(r'<row r="(\d+)"', xml) == ["1", "2", "4", "5"]
    assert re.findall(r'<c r="([A-Z]+\d+)"', xml)[-4:] == ["A2", "C2", "C4", "C5"]  # Section, then Bullet (C)
    assert (ws["A2"].value, ws["C2"].value, ws["C4"].value, ws["C5"].value) == ("Network Highlights", long, "short", long)
    heights = {row: ws.row_dimensions[row].height for row in (2, 4, 5)}
    assert heights[2] == heights[5] > 15 and heights[4] is None


def test_the_instructions_rows_are_fitted_to_their_text(cycle: Path):
    ws = blank_return(load_region(cycle / "region.toml"), "Commissioning Leads")["Instructions"]
    tall = {row for row, dimension in ws.row_dimensions.items() if dimension.height}
    assert 1 in tall  # the title's own height
    assert any(len(str(ws.cell(row=r, column=2).value or "")) > 115 for r in tall - {1})


def test_the_readers_and_writers_use_no_private_attributes_of_their_libraries():
    """openpyxl's Worksheet._cells, python-docx's CoreProperties._element and
    OpcPackage._core_properties_part, and the like: each has a public way."""
    for module in ("spreadsheet", "render", "workbook"):
        source = (ROOT / "ria_docs" / f"{module}.py").read_text(encoding="utf-8")
        found = re.findall(r"\b(?!self\b|cls\b)\w+\)?\.(_[a-z]\w*)", source)
        assert found == [], (module, found)


def test_wrapped_lines_counts_words_that_do_not_fit_and_each_line_of_a_cell():
    from ria_docs.workbook import wrapped_lines

    assert wrapped_lines("one two three", 7) == 2  # "one two" fits; "three" goes below
    assert wrapped_lines("first line\nsecond", 20) == 2  # a line break is a line, however short
    assert wrapped_lines("a\n\nb", 20) == 3  # an empty line too
    assert wrapped_lines("x" * 25, 10) == 3  # a word longer than a line breaks where it must


def test_the_update_sheet_offers_each_kind_of_block_with_a_prompt_and_an_example(cycle: Path):
    workbook = blank_return(load_region(cycle / "region.toml"), "Commissioning Leads")
    ws = workbook["Update"]
    headers = [cell.value for cell in ws[1]]
    assert headers == ["Section", "Paragraph", "Bullet", "Sub-bullet", "Numbered"]
    prompts = {}
    for validation in ws.data_validations.dataValidation:
        for ranges in validation.sqref.ranges:
            prompts[headers[ranges.min_col - 1]] = validation.prompt
    assert "not in a list" in prompts["Paragraph"] and "Do not type the number" in prompts["Numbered"]
    instructions = workbook["Instructions"]
    rows = {row[0].value: row[1].value for row in instructions.iter_rows() if row[0].value}
    assert rows["Update rows"] == "How each kind of row is shown, for example"
    assert rows["Numbered"].startswith("1. ") and rows["Bullet"].startswith("\u2022 ")
    assert set(rows) >= {"Paragraph", "Bullet", "Sub-bullet", "Numbered"}
