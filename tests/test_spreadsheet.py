"""Opening any spreadsheet safely: each format's own records, and work bounded by real content."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import hostile_files
import pytest
from conftest import ROOT, messages, problems_of

from ria_docs import spreadsheet
from ria_docs.exceptions import UnreadableFile
from ria_docs.reader import read_return
from ria_docs.report import Report
from ria_docs.spreadsheet import read_sheets, shows_percent

FORMATS = ROOT / "tests" / "data" / "formats"
MAIN_NS = hostile_files.MAIN_NS


def _cells(path: Path) -> dict[str, object]:
    """"Sheet!A1" -> the Cell, for every cell read."""
    _kind, sheets = read_sheets(path)
    return {f"{s.title}!{c.coordinate}": c for s in sheets for row in s.rows.values() for c in row.values()}


@pytest.mark.parametrize("suffix", ["xlsx", "ods", "xls"])
def test_a_sentence_typed_with_an_equals_sign_is_a_formula_cell_in_every_format(suffix):
    """LibreOffice saved these: the typed sentence is a formula with an error result, not a blank."""
    cells = _cells(FORMATS / f"formula-as-text.{suffix}")
    contribution = cells["Contribution!A2"]
    assert contribution.error and contribution.value in ("#VALUE!", "Err:509")
    # .xlsx and .ods keep the formula's text; .xls keeps only its compiled form.
    expected = "a formula" if suffix == "xls" else "=adoption support fund bids coordinated regionally"
    assert contribution.formula == expected
    figure = cells["Indicators!C2"]  # a real formula: its saved result is kept beside it
    assert (figure.value, figure.error, figure.formula is not None) == (20.0, False, True)
    assert cells["Contribution!A3"].formula is None and cells["Contribution!A3"].value == "Plain text stays"


def test_a_formula_in_a_sheet_written_with_a_namespace_prefix_is_found(tmp_path):
    path = hostile_files.xlsx_with_sheet(tmp_path / "prefixed.xlsx", (
        f'<x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Contribution</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2"><x:f>SUM(B1:B3)</x:f></x:c></x:row>'
        '<x:row r="3"><x:c r="A3" t="e"><x:f>NA()</x:f><x:v>#N/A</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"))
    cells = _cells(path)
    assert (cells["Contribution!A2"].formula, cells["Contribution!A2"].value) == ("=SUM(B1:B3)", None)
    assert (cells["Contribution!A3"].formula, cells["Contribution!A3"].value) == ("=NA()", "#N/A")


@pytest.mark.parametrize("code, percent", [
    ("0%", True), ("0.0%", True), ('0.0"%"', False), ("0.0\\%", False), ('[Red]0.0"%"', False), ("#,##0", False),
    ("0.0_%", False), ("0.0*%", False), ("0.0_)%", True)])
def test_only_a_real_percent_format_multiplies_by_a_hundred(code, percent):
    assert shows_percent(code) is percent


def _read_bounded(path: Path) -> str:
    """What read_sheets says of ``path``, from a child process with 2 GB of address
    space and a time limit: a regression (calamine allocating a table for a far
    cell) cannot take the test run down with it. How long each file takes, and
    how much memory, is measured by ``python bench/run.py --hostile``."""
    script = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))
        from pathlib import Path
        from ria_docs.exceptions import UnreadableFile
        from ria_docs.spreadsheet import read_sheets
        try:
            read_sheets(Path({str(path)!r}))
            print("read")
        except UnreadableFile as problem:
            print(problem.kind, problem.message, "|", problem.hint)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def test_one_far_away_value_is_refused_before_it_is_read(tmp_path):
    path = hostile_files.far_value(tmp_path / "far.xlsx")
    assert path.stat().st_size < 20_000
    assert _read_bounded(path) == (
        'sheet-too-large has values spread over 17,179,869,184 cells in sheet "Contribution" (down to row '
        "1,048,576 and across to column XFD), far more than a return needs | delete whatever is typed far from "
        "the table (look near XFD1048576: press Ctrl+End in Excel or LibreOffice to find it), save and send it again"
    )


def test_styled_empty_cells_far_away_cost_nothing(tmp_path):
    assert _read_bounded(hostile_files.far_styled_empty(tmp_path / "styled.xlsx")) == "read"


@pytest.mark.parametrize("what", list(hostile_files.ODS_REPEATS))
def test_repeated_rows_in_a_tiny_ods_are_counted_not_expanded(tmp_path, what):
    path = hostile_files.ods(tmp_path / "repeats.ods", hostile_files.ODS_REPEATS[what])
    assert path.stat().st_size < 1000
    said = _read_bounded(path)
    if what == "LibreOffice's empty tail":
        assert said == "read"
    else:
        assert said.startswith("sheet-too-large has ") and "filled cells, far more than a return needs" in said


def test_a_zip_entry_that_lies_about_its_size_is_refused_without_inflating_it_all(tmp_path):
    """The entry says 1 KB; it inflates to 400 MB of zeros. Counting as it inflates stops at the limit."""
    path = hostile_files.lying_zip(tmp_path / "liar.xlsx", FORMATS / "return.xlsx")
    assert _read_bounded(path).split(" | ")[0] in (
        "damaged-file is damaged: it is not a complete Excel file (perhaps cut short when sent)",
        "zip-bomb would unpack to more than 100.0 MB from 398.1 KB, which no return needs",
    )


def test_long_text_near_the_limits_is_read(tmp_path):
    """Not every large file is hostile: 10 MB of text in 100 cells reads (with long-cell warnings later)."""
    path = hostile_files.long_strings(tmp_path / "long.xlsx", 10, cells=100)
    assert _read_bounded(path) == "read"


def test_a_damaged_xls_is_reported_and_calamine_prints_nothing(tmp_path, capfd):
    """Flipped bytes that make calamine panic inside its Rust code: a damaged
    file, with no backtrace on the terminal."""
    data = bytearray((FORMATS / "return.xls").read_bytes())
    import random

    rng = random.Random(7)
    outcomes = set()
    for attempt in range(60):
        damaged = bytearray(data)
        for _ in range(10):
            damaged[rng.randrange(512, len(damaged))] = rng.randrange(256)
        path = tmp_path / f"damaged-{attempt}.xls"
        path.write_bytes(bytes(damaged))
        try:
            read_sheets(path)
            outcomes.add("read")
        except UnreadableFile as problem:
            outcomes.add(problem.kind)
    captured = capfd.readouterr()
    assert "panicked" not in captured.err and "RUST_BACKTRACE" not in captured.err
    assert "damaged-file" in outcomes and outcomes <= {"read", "damaged-file", "sheet-too-large"}


@pytest.mark.parametrize("far_cell", [
    "<row r='1048576'><c r='XFD1048576' t='inlineStr'><is><t>stray</t></is></c></row>",  # single quotes
    '<row r = "1048576"><c r = "XFD1048576" t="inlineStr"><is><t>stray</t></is></c></row>',  # spaces around =
    '<!-- a comment --><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>stray</t></is></c></row>',
])
def test_a_far_value_is_refused_however_the_sheet_is_written(tmp_path, far_cell):
    path = hostile_files.xlsx_with_sheet(tmp_path / "odd.xlsx", (
        f'<worksheet xmlns="{MAIN_NS}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Contribution</t></is></c></row>'
        f"{far_cell}</sheetData></worksheet>"))
    assert _read_bounded(path).startswith("sheet-too-large has values spread over")


def test_cells_without_references_are_placed_as_calamine_places_them(tmp_path):
    """A row with no number follows the one before; a cell with no reference, the one before it."""
    rows = "<row/>" * 300_000 + '<row><c t="inlineStr"><is><t>x</t></is></c>' + "<c/>" * 3000 + (
        '<c t="inlineStr"><is><t>far</t></is></c></row>')
    path = hostile_files.xlsx_with_sheet(tmp_path / "unnumbered.xlsx", (
        f'<worksheet xmlns="{MAIN_NS}"><sheetData>{rows}</sheetData></worksheet>'))
    assert _read_bounded(path).startswith('sheet-too-large has values spread over 900,603,002 cells in sheet')


@pytest.mark.parametrize("cell", ["<c r='A2' t='e'><v>#N/A</v></c>", '<c r="A2" t = "e"><v>#N/A</v></c>',
                                  '<c t="e"><v>#N/A</v></c>', "<c r='A2'><f>SUM(B1:B3)</f></c>"])
def test_an_error_or_formula_cell_is_found_however_it_is_written(tmp_path, cell):
    path = hostile_files.xlsx_with_sheet(tmp_path / "odd.xlsx", (
        f'<worksheet xmlns="{MAIN_NS}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Contribution</t></is></c></row>'
        f'<row r="2">{cell}</row></sheetData></worksheet>'))
    found = _cells(path)["Contribution!A2"]
    assert found.error or found.formula == "=SUM(B1:B3)"


@pytest.mark.parametrize("suffix", ["xlsx", "ods", "xls"])
def test_notes_on_cells_are_found_in_every_format(suffix):
    _kind, sheets = read_sheets(FORMATS / f"notes.{suffix}")
    notes = {s.title: s.notes for s in sheets if s.notes}
    if suffix == "xls":  # the text of an .xls note is in drawing records ria-docs does not read
        assert notes == {"About": {"B5": ""}, "Work programme": {"C2": ""}}
    else:
        assert notes == {"About": {"B5": "Chair changes to Jo Bloggs from July"},
                         "Work programme": {"C2": "New activity: sufficiency audit (please add)"}}


def test_a_package_of_a_great_many_parts_is_refused_before_it_is_opened(tmp_path):
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        for number in range(6000):
            package.writestr(f"xl/media/part{number}.bin", b"")
    with pytest.raises(UnreadableFile, match="is a package of 6,000 parts, where a workbook has a few dozen"):
        read_sheets(path)


def test_styles_nested_past_the_parsers_depth_are_damage(tmp_path):
    path = hostile_files.xlsx_with_sheet(tmp_path / "deep.xlsx", (
        f'<worksheet xmlns="{MAIN_NS}"><sheetData></sheetData></worksheet>'))
    with zipfile.ZipFile(path) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    parts["xl/styles.xml"] = parts["xl/styles.xml"].replace(b"</styleSheet>", b"<a>" * 5000 + b"</a>" * 5000
                                                            + b"</styleSheet>")
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    with pytest.raises(UnreadableFile) as caught:
        read_sheets(path)
    assert caught.value.kind == "damaged-file"


def test_an_xls_sheet_whose_dimensions_say_a_million_rows_is_refused_before_calamine_sizes_it(tmp_path):
    """calamine reserves a table as large as an .xls sheet's DIMENSIONS record says, before reading a cell."""
    import struct

    data = bytearray((FORMATS / "return.xls").read_bytes())
    first = bytes.fromhex("00020e000000000013000000000002000000")  # the first sheet's DIMENSIONS record
    at = data.find(first)
    assert at > 0
    data[at:at + 18] = b"\x00\x02\x0e\x00" + struct.pack("<IIHHH", 0, 1_000_000, 0, 1000, 0)
    path = tmp_path / "dimensions.xls"
    path.write_bytes(bytes(data))
    assert _read_bounded(path).startswith(
        'sheet-too-large has values spread over 1,000,000,000 cells in sheet "Instructions"')


def test_a_workbook_whose_sheets_were_not_all_measured_is_refused(tmp_path):
    """Two sheets of one name, or a sheet's part named in other capitals: calamine reads what nothing measured."""
    path = hostile_files.far_value(tmp_path / "far.xlsx")
    with zipfile.ZipFile(path) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"worksheets/sheet1.xml", b"Worksheets/Sheet1.xml")
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    # Found whatever its capitals, as calamine finds it: measured, and refused for its far cell.
    assert _read_bounded(path).startswith("sheet-too-large has values spread over 17,179,869,184 cells")
    path = hostile_files.far_styled_empty(tmp_path / "readable.xlsx")  # read, until its one sheet is listed twice
    with zipfile.ZipFile(path) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    import re

    sheet = re.search(rb"<sheet [^>]*/>", parts["xl/workbook.xml"]).group(0)  # the one sheet, listed twice
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(sheet, sheet + sheet)
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    assert _read_bounded(path) == (
        "damaged-file cannot be read safely: its list of sheets does not match the sheets it holds | open it in "
        "Excel or LibreOffice and save it as a new Excel Workbook (.xlsx)")


def test_a_cell_without_a_reference_is_in_its_row_elements_row(tmp_path):
    path = hostile_files.xlsx_with_sheet(tmp_path / "rows.xlsx", (
        f'<worksheet xmlns="{MAIN_NS}"><sheetData>'
        '<row r="1048576"><c r="XFC1" t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row>'
        "</sheetData></worksheet>"))
    assert _read_bounded(path).startswith("sheet-too-large has values spread over 17,179,869,184 cells")


def test_a_zip_that_understates_its_entries_is_counted_all_the_same(tmp_path):
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        for number in range(6000):
            package.writestr(f"xl/media/part{number}.bin", b"")
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8:end + 12] = (5).to_bytes(2, "little") * 2  # the end record now says 5 entries
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableFile, match="is a package of 6,000 parts"):
        read_sheets(path)


def test_a_chart_on_a_sheet_of_its_own_is_read_as_an_empty_sheet(tmp_path):
    import openpyxl
    from openpyxl.chart import BarChart, Reference

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "About"
    sheet.append(["Network", "Commissioning Leads"])
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=1, min_row=1, max_row=1))
    workbook.create_chartsheet("Chart1").add_chart(chart)
    workbook.save(tmp_path / "chart.xlsx")
    _kind, sheets = read_sheets(tmp_path / "chart.xlsx")
    assert [(s.title, len(s.rows)) for s in sheets] == [("About", 1), ("Chart1", 0)]


# -- behind the reader: entity declarations, zip bombs and size limits ----------------------------------

def _bombed(source, target, part: str = "xl/workbook.xml") -> None:
    """The workbook with an entity declaration (the start of a "billion laughs") in one part."""
    with zipfile.ZipFile(source) as package:
        xml = package.read(part)
    doctype = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    head, declaration, rest = xml.partition(b"?>")
    declared = head + declaration + doctype + rest if declaration else doctype + xml
    _with_part(source, target, part, declared)


def _with_part(source, target, name: str, data: bytes) -> None:
    with zipfile.ZipFile(source) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    parts[name] = data
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for part, content in parts.items():
            package.writestr(part, content)


def test_xml_entity_declarations_are_refused_before_parsing(cycle):
    path = cycle / "bomb.xlsx"
    _bombed(FORMATS / "return.xlsx", path)
    assert problems_of(path) == [
        "bomb.xlsx: error: contains XML entity declarations (xl/workbook.xml), which ria-docs refuses to "
        "read because they can be used to attack the computer reading them (open it in Excel and save it as a "
        "new .xlsx; if it came from outside, check it first)"
    ]


def test_behind_the_pre_check_small_parts_with_a_doctype_are_refused_by_the_parser(cycle, monkeypatch):
    """With the pre-check switched off, the parser of small parts still refuses the declaration."""
    path = cycle / "bomb.xlsx"
    _bombed(FORMATS / "return.xlsx", path, "xl/workbook.xml")
    monkeypatch.setattr(spreadsheet, "_ENTITY", __import__("re").compile(rb"(?!)"))  # switch the pre-check off
    assert problems_of(path) == [
        "bomb.xlsx: error: contains XML that ria-docs refuses to read (entity declarations) "
        "(open it in Excel and save it as a new .xlsx)"
    ]


def test_behind_the_pre_check_sheets_never_expand_entities(cycle, monkeypatch):
    """Sheets are streamed with entities left unresolved, so a bomb cannot go off."""
    path = cycle / "bomb.xlsx"
    with zipfile.ZipFile(FORMATS / "return.xlsx") as package:
        [part] = [n for n in package.namelist() if b"Sufficiency strategy" in package.read(n)]
        xml = package.read(part)
    doctype = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    # The bomb in a formula, with a saved value: a sheet holding a formula has every cell walked, and
    # calamine reads the value past it, so the whole file is read (an entity in a cell's text is refused
    # by calamine before anything else reads the sheet).
    cell = b'<c r="B2" s="7" t="inlineStr"><is><t>Sufficiency strategy</t></is></c>'
    assert cell in xml
    xml = doctype + xml.replace(cell, b'<c r="B2" t="str"><f>&b;&b;&b;</f><v>x</v></c>')
    _with_part(FORMATS / "return.xlsx", path, part, xml)
    monkeypatch.setattr(spreadsheet, "_ENTITY", __import__("re").compile(rb"(?!)"))
    report = Report()
    raw = read_return(path, "bomb.xlsx", report)
    assert raw is not None, messages(report)  # read, not refused
    texts = [c.text.text for row in raw.sheets.get("la support").rows for c in row.values()]
    assert not any("aaaaaaaaaa" in text for text in texts + messages(report))
    assert messages(report) == [  # the formula is found, and shown unexpanded: not quoted at all
        "bomb.xlsx, LA support!B2: error: holds a formula, not text (if it was meant as text starting with =, + "
        "or -, type it again with an apostrophe first ('=...), which keeps it as text)"
    ]


def test_a_zip_that_inflates_past_the_limit_is_refused_unread(cycle, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_INFLATED_BYTES", 1024 * 1024)
    path = cycle / "inflates.xlsx"
    _with_part(FORMATS / "return.xlsx", path, "xl/media/padding.bin", b"\0" * (2 * 1024 * 1024))
    [message] = problems_of(path)
    assert message.startswith("inflates.xlsx: error: would unpack to 2.") and "which no return needs" in message


def test_a_file_over_the_size_limit_names_its_size(cycle, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_FILE_BYTES", 10 * 1024)
    path = cycle / "big.xlsx"
    shutil.copy(FORMATS / "return.xlsx", path)
    assert problems_of(path) == [
        "big.xlsx: error: is 13 KB, more than the 10 KB ria-docs reads (check it is the right file; a return "
        "is normally well under 1 MB (remove pictures or pasted data))"
    ]


def _sheet_with(rows: str, protection: str = "", *, prefix: str = "") -> str:
    """A sheet XML: "Contribution" in A1, then ``rows`` (each holding a value), then ``protection``."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{MAIN_NS}"' if prefix else f'xmlns="{MAIN_NS}"'
    return (f"<{p}worksheet {xmlns}><{p}sheetData>"
            f'<{p}row r="1"><{p}c r="A1" t="inlineStr"><{p}is><{p}t>Contribution</{p}t></{p}is></{p}c></{p}row>'
            f"{rows}</{p}sheetData>{protection}</{p}worksheet>")


def _row(opening: str, number: int, prefix: str = "") -> str:
    """``opening`` is the row's start tag; its one cell holds text."""
    p = f"{prefix}:" if prefix else ""
    return f'{opening}<{p}c r="A{number}" t="inlineStr"><{p}is><{p}t>row {number}</{p}t></{p}is></{p}c></{p}row>'


# Row 2 hidden and the sheet protected, spelt every way XML allows; rows 3 and 4 visible.
HIDDEN_AND_PROTECTED = {
    "the usual writing": (_row('<row r="2" hidden="1">', 2) + _row('<row r="3" hidden="0">', 3)
                          + _row('<row r="4">', 4), '<sheetProtection sheet="1" objects="1"/>', ""),
    "LibreOffice's writing": (_row('<row r="2" customFormat="false" ht="12.8" hidden="true" customHeight="false">', 2)
                              + _row('<row r="3" customFormat="false" ht="12.8" hidden="false">', 3)
                              + _row('<row r="4" hidden="false">', 4),
                              '<sheetProtection sheet="true" objects="true" scenarios="true"/>', ""),
    "single quotes": (_row("<row r='2' hidden='1'>", 2) + _row("<row r='3' hidden='0'>", 3) + _row("<row r='4'>", 4),
                      "<sheetProtection sheet='1'/>", ""),
    "spaces around =": (_row('<row r = "2" hidden = "1">', 2) + _row('<row r="3" hidden = "0">', 3)
                        + _row('<row r="4">', 4), '<sheetProtection sheet = "1" />', ""),
    '"true" and line breaks': (_row('<row\n r="2"\n hidden="true"\n>', 2) + _row('<row r="3" hidden="false">', 3)
                               + _row('<row r="4">', 4), '<sheetProtection\n\tsheet="true"/>', ""),
    "a prefix": (_row('<x:row r="2" hidden="true">', 2, "x") + _row('<x:row r="3" hidden="false">', 3, "x")
                 + _row('<x:row r="4">', 4, "x"), '<x:sheetProtection sheet="1"/>', "x"),
    "hidden before the row number": (_row('<row hidden="1" r="2">', 2) + _row('<row hidden="0" r="3">', 3)
                                     + _row('<row r="4">', 4), '<sheetProtection objects="0" sheet="1"/>', ""),
    "rows without numbers": (_row('<row hidden="1">', 2) + _row("<row>", 3) + _row("<row>", 4),
                             '<sheetProtection sheet="1"/>', ""),
    "character references and spaces in values": (
        _row('<row r="2" hidden=" &#49; ">', 2) + _row('<row r="3" hidden="&#48;">', 3) + _row('<row r="4">', 4),
        '<sheetProtection sheet="&#x74;rue"/>', ""),
    "a > in an attribute before hidden": (
        _row('<row r="2" spans="1>1" hidden="1">', 2) + _row('<row r="3">', 3) + _row('<row r="4">', 4),
        '<sheetProtection algorithmName="a>b" sheet="1"/>', ""),
}


@pytest.mark.parametrize("spelling", list(HIDDEN_AND_PROTECTED))
def test_hidden_rows_and_protection_are_found_however_the_sheet_is_written(tmp_path, spelling):
    rows, protection, prefix = HIDDEN_AND_PROTECTED[spelling]
    path = hostile_files.xlsx_with_sheet(tmp_path / "odd.xlsx", _sheet_with(rows, protection, prefix=prefix))
    _kind, (sheet,) = read_sheets(path)
    assert sorted(sheet.rows) == [1, 2, 3, 4]
    assert (sheet.hidden_rows, sheet.protected) == ([2], True)


# Nothing hidden and no protection, though the words are there: in a comment, a
# processing instruction, text, or protection switched off.
NOT_HIDDEN_NOR_PROTECTED = {
    "switched off": (_row('<row r="2" hidden="0">', 2), '<sheetProtection sheet="0" objects="1"/>'),
    "switched off, single quotes": (_row("<row r='2' hidden='false'>", 2), "<sheetProtection sheet='false'/>"),
    "no sheet attribute": (_row('<row r="2">', 2), '<sheetProtection objects="1" scenarios="1"/>'),
    "in a comment": ('<!-- <row r="2" hidden="1"> -->' + _row('<row r="2">', 2),
                     '<!-- <sheetProtection sheet="1"/> -->'),
    "in a processing instruction": ('<?note <row r="2" hidden="1"> ?>' + _row('<row r="2">', 2),
                                    '<?note <sheetProtection sheet="1"/> ?>'),
    "in another attribute's value": (_row('<row r="2" spans=\' hidden="1"\'>', 2),
                                     "<sheetProtection algorithmName=' sheet=\"1\"'/>"),
}


@pytest.mark.parametrize("spelling", list(NOT_HIDDEN_NOR_PROTECTED))
def test_rows_and_sheets_are_not_taken_for_hidden_or_protected_when_they_are_not(tmp_path, spelling):
    rows, protection = NOT_HIDDEN_NOR_PROTECTED[spelling]
    path = hostile_files.xlsx_with_sheet(tmp_path / "odd.xlsx", _sheet_with(rows, protection))
    _kind, (sheet,) = read_sheets(path)
    assert sorted(sheet.rows) == [1, 2]
    assert (sheet.hidden_rows, sheet.protected) == ([], False)


@pytest.mark.parametrize("row, prefix", [
    ('<row r="4" spans="1:2" hidden="1">', ""), ('<row hidden="true" r="4">', ""),
    ('<x:row ht="12" hidden="1" r="4" >', "x")])
def test_hidden_rows_are_found_whatever_the_attribute_order(tmp_path, row, prefix):
    """Moved from test_reader.py, which tested the regex this replaced."""
    p = f"{prefix}:" if prefix else ""
    rows = _row(row, 4, prefix) + _row(f'<{p}row r="5">', 5, prefix)
    path = hostile_files.xlsx_with_sheet(tmp_path / "order.xlsx", _sheet_with(rows, prefix=prefix))
    _kind, (sheet,) = read_sheets(path)
    assert (sheet.hidden_rows, sheet.protected) == ([4], False)


def _rewritten(tmp_path: Path, name: str, part: str, old: bytes, new: bytes) -> Path:
    """A small workbook (About!B1 0.5 shown as 0.0%) with one part's bytes replaced."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "About"
    sheet["A1"], sheet["B1"] = "Figure", 0.5
    sheet["B1"].number_format = "0.0%"
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    path = tmp_path / name
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                assert old in data, f"{old!r} not in {part}"
                data = data.replace(old, new)
            target.writestr(info, data)
    return path


@pytest.mark.parametrize("new", [b"<numFmt ", b'<numFmt numFmtId="x" '], ids=["no id", "not a number"])
def test_a_number_format_without_a_usable_id_is_read_not_called_damaged(tmp_path, new):
    path = _rewritten(tmp_path, "r.xlsx", "xl/styles.xml", b'<numFmt numFmtId="164" ', new)
    assert _cells(path)["About!B1"].value == 0.5  # before: "could not be read (TypeError)"


def test_a_sheet_without_its_name_is_damage_named_in_words(tmp_path):
    path = _rewritten(tmp_path, "r.xlsx", "xl/workbook.xml", b' name="About"', b"")
    report = Report()
    assert read_return(path, "r.xlsx", report) is None
    assert messages(report) == [
        "r.xlsx: error: cannot be read safely: its list of sheets does not match the sheets it holds "
        "(open it in Excel or LibreOffice and save it as a new Excel Workbook (.xlsx))"
    ]
