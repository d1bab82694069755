"""Opening any spreadsheet safely: each format's own records, and work bounded by real content."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from ria_docs.exceptions import UnreadableFile
from ria_docs.spreadsheet import read_sheets, shows_percent

FORMATS = ROOT / "tests" / "data" / "formats"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


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


def _xlsx_with_sheet(tmp_path: Path, sheet_xml: str, name: str = "made.xlsx") -> Path:
    """A workbook of one sheet, "Contribution", whose XML is ``sheet_xml``."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Contribution"
    path = tmp_path / name
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for n, d in parts.items():
            target.writestr(n, d)
    return path


def test_a_formula_in_a_sheet_written_with_a_namespace_prefix_is_found(tmp_path):
    path = _xlsx_with_sheet(tmp_path, (
        f'<x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Contribution</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2"><x:f>SUM(B1:B3)</x:f></x:c></x:row>'
        '<x:row r="3"><x:c r="A3" t="e"><x:f>NA()</x:f><x:v>#N/A</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"))
    cells = _cells(path)
    assert (cells["Contribution!A2"].formula, cells["Contribution!A2"].value) == ("=SUM(B1:B3)", None)
    assert (cells["Contribution!A3"].formula, cells["Contribution!A3"].value) == ("=NA()", "#N/A")


@pytest.mark.parametrize("code, percent", [
    ("0%", True), ("0.0%", True), ('0.0"%"', False), ("0.0\\%", False), ('[Red]0.0"%"', False), ("#,##0", False)])
def test_only_a_real_percent_format_multiplies_by_a_hundred(code, percent):
    assert shows_percent(code) is percent


def _read_bounded(path: Path, seconds: int = 20) -> subprocess.CompletedProcess:
    """read_sheets in a child process with 2 GB of address space and a time limit,
    so a regression (calamine allocating a table for a far cell) cannot take the
    test run down with it."""
    script = textwrap.dedent(f"""
        import resource, sys, time
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))
        from pathlib import Path
        from ria_docs.exceptions import UnreadableFile
        from ria_docs.spreadsheet import read_sheets
        start = time.perf_counter()
        try:
            read_sheets(Path({str(path)!r}))
            print("read")
        except UnreadableFile as problem:
            print(problem.kind, problem.message, "|", problem.hint)
        print(f"{{time.perf_counter() - start:.2f}}")
    """)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=seconds)


def test_one_far_away_value_is_refused_before_it_is_read(tmp_path):
    path = _xlsx_with_sheet(tmp_path, (
        f'<worksheet xmlns="{MAIN_NS}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Contribution</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>stray</t></is></c></row>'
        "</sheetData></worksheet>"))
    assert path.stat().st_size < 20_000
    result = _read_bounded(path)
    first, seconds = result.stdout.splitlines()
    assert first == (
        'sheet-too-large has values spread over 17,179,869,184 cells in sheet "Contribution" (down to row '
        "1,048,576 and across to column XFD), far more than a return needs | delete whatever is typed far from "
        "the table (look near XFD1048576: press Ctrl+End in Excel or LibreOffice to find it), save and send it again"
    )
    assert float(seconds) < 5


def test_styled_empty_cells_far_away_cost_nothing(tmp_path):
    path = _xlsx_with_sheet(tmp_path, (
        f'<worksheet xmlns="{MAIN_NS}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Contribution</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" s="0"/></row>'
        "</sheetData></worksheet>"))
    assert _read_bounded(path).stdout.splitlines()[0] == "read"


def _ods(path: Path, rows: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="About">{rows}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", content)
        package.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>"))
    return path


CELL = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'


@pytest.mark.parametrize("rows, refused", [
    (f'<table:table-row table:number-rows-repeated="1048576">{CELL}</table:table-row>', True),
    ('<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="16384" '
     'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>', True),
    # How LibreOffice itself ends every sheet: a million empty rows, stored once.
    (f'<table:table-row>{CELL}</table:table-row><table:table-row table:number-rows-repeated="1048575">'
     '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>', False),
])
def test_repeated_rows_in_a_tiny_ods_are_counted_not_expanded(tmp_path, rows, refused):
    path = _ods(tmp_path / "repeats.ods", rows)
    assert path.stat().st_size < 1000
    first, seconds = _read_bounded(path).stdout.splitlines()
    assert first.startswith("sheet-too-large has ") if refused else first == "read"
    assert float(seconds) < 5


def test_a_zip_entry_that_lies_about_its_size_is_refused_without_inflating_it_all(tmp_path):
    """The entry says 1 KB; it inflates to 400 MB of zeros. Counting as it inflates stops at the limit."""
    path = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(FORMATS / "return.xlsx") as source:
        parts = {n: source.read(n) for n in source.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
        with target.open("xl/media/padding.xml", "w") as stream:
            for _ in range(400):
                stream.write(b"\0" * (1 << 20))
    data = bytearray(path.read_bytes())
    entry = data.find(b"xl/media/padding.xml", data.find(b"PK\x01\x02")) - 46  # its central directory entry
    assert data[entry:entry + 4] == b"PK\x01\x02"
    data[entry + 24:entry + 28] = (1024).to_bytes(4, "little")  # its uncompressed size, now a lie
    path.write_bytes(bytes(data))
    first, seconds = _read_bounded(path).stdout.splitlines()
    assert first.split(" | ")[0] in (
        "damaged-file is damaged: it is not a complete Excel file (perhaps cut short when sent)",
        "zip-bomb would unpack to more than 250.0 MB from 398.1 KB, which no return needs",
    )
    assert float(seconds) < 5


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
