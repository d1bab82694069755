"""Writing returns: rows appended under the headers, their heights fitted, through openpyxl's public API."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from conftest import ROOT
from ria_docs.region import load_region
from ria_docs.workbook import blank_return, fill_sheet, workbook_bytes


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
    assert re.findall(r'<c r="([A-Z]+\d+)"', xml)[-4:] == ["A2", "B2", "B4", "B5"]
    assert (ws["A2"].value, ws["B2"].value, ws["B4"].value, ws["B5"].value) == ("Network Highlights", long, "short", long)
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
