"""Binary .xlsb workbooks: read through their own records before calamine.

LibreOffice reads .xlsb but cannot write it, so the workbooks here are built
by a small writer of [MS-XLSB] records; calamine (what ria-docs reads values
with) reads them like Excel's own.
"""

from __future__ import annotations

import io
import random
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from ria_docs.exceptions import UnreadableFile
from ria_docs.spreadsheet import read_sheets
from ria_docs.xlsb_records import XlsbDamaged, read_xlsb, records

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- the writer


def record(kind: int, body: bytes = b"") -> bytes:
    """A record: type and size in 7-bit bytes (high bit: another follows), then the body."""
    out = bytearray()
    if kind < 0x80:
        out.append(kind)
    else:
        out += bytes([(kind & 0x7F) | 0x80, kind >> 7])
    size = len(body)
    while True:
        byte, size = size & 0x7F, size >> 7
        out.append(byte | (0x80 if size else 0))
        if not size:
            break
    return bytes(out) + body


def wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def row_header(row: int, hidden: bool = False) -> bytes:  # BrtRowHdr, row 0-based, no column spans
    return record(0x00, struct.pack("<IIHHBI", row, 0, 300, 0x1000 if hidden else 0, 0, 0))


def cell(column: int, style: int = 0) -> bytes:
    return struct.pack("<II", column, style)


def real(column: int, value: float, style: int = 0) -> bytes:  # BrtCellReal
    return record(0x05, cell(column, style) + struct.pack("<d", value))


def text(column: int, value: str) -> bytes:  # BrtCellSt
    return record(0x06, cell(column) + wide(value))


def error(column: int, code: int) -> bytes:  # BrtCellError
    return record(0x03, cell(column) + bytes([code]))


ONE_PLUS_ONE = bytes([0x1E, 1, 0, 0x1E, 1, 0, 0x03])  # PtgInt 1, PtgInt 1, PtgAdd


def formula_number(column: int, value: float) -> bytes:  # BrtFmlaNum: value, flags, cce, rgce, cb
    return record(0x09, cell(column) + struct.pack("<dHI", value, 0, len(ONE_PLUS_ONE)) + ONE_PLUS_ONE
                  + struct.pack("<I", 0))


def formula_error(column: int, code: int) -> bytes:  # BrtFmlaError
    return record(0x0B, cell(column) + struct.pack("<BHI", code, 0, len(ONE_PLUS_ONE)) + ONE_PLUS_ONE
                  + struct.pack("<I", 0))


def sheet_part(rows: bytes, *, protected: bool = False, dimension=(0, 0, 0, 0)) -> bytes:
    body = record(0x81) + record(0x94, struct.pack("<IIII", *dimension)) + record(0x91) + rows + record(0x92)
    if protected:  # BrtSheetProtection: protpwd, fLocked, then 15 more Bool32 (1: not allowed)
        body += record(0x217, struct.pack("<HI", 0, 1) + struct.pack("<I", 1) * 15)
    return body + record(0x82)


def workbook_part(names: list[str]) -> bytes:
    body = record(0x83) + record(0x8F)
    for index, name in enumerate(names, 1):  # BrtBundleSh: hsState, iTabID, strRelID, strName
        body += record(0x9C, struct.pack("<II", 0, index) + wide(f"rId{index}") + wide(name))
    return body + record(0x90) + record(0x9D, bytes(24)) + record(0x84)


def styles_part() -> bytes:
    """Number format 164 "0.0%" and two cell formats: 0 General, 1 that percentage."""
    xf = lambda number_format: struct.pack("<HHHHHBBHBB", 0xFFFF, number_format, 0, 0, 0, 0, 0, 0, 0, 0)  # noqa: E731
    return (record(0x116) + record(0x267, struct.pack("<I", 1)) + record(0x2C, struct.pack("<H", 164) + wide("0.0%"))
            + record(0x268) + record(0x269, struct.pack("<I", 2)) + record(0x2F, xf(0)) + record(0x2F, xf(164))
            + record(0x26A) + record(0x117))


def xlsb(sheets: dict[str, bytes], *, styles: bool = True) -> bytes:
    names = list(sheets)
    relationships = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'worksheet" Target="worksheets/sheet{i}.bin"/>' for i in range(1, len(names) + 1))
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.bin" ContentType="application/vnd.ms-excel.worksheet"/>'
        for i in range(1, len(names) + 1))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
            + overrides
            + ('<Override PartName="/xl/styles.bin" ContentType="application/vnd.ms-excel.styles"/>' if styles else "")
            + "</Types>"))
        package.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.bin"/></Relationships>'))
        package.writestr("xl/workbook.bin", workbook_part(names))
        package.writestr("xl/_rels/workbook.bin.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + relationships
            + ('<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
               'styles" Target="styles.bin"/>' if styles else "")
            + "</Relationships>"))
        for i, part in enumerate(sheets.values(), 1):
            package.writestr(f"xl/worksheets/sheet{i}.bin", part)
        if styles:
            package.writestr("xl/styles.bin", styles_part())
    return buffer.getvalue()


def sample() -> bytes:
    """Sheet "Data": a header row, numbers, a percentage, an error, formulas, a hidden row;
    sheet "Locked": one cell, protected."""
    data = (
        row_header(0) + text(0, "Name") + text(1, "Figure")
        + row_header(1) + text(0, "Derby") + real(1, 12.5)
        + row_header(2, hidden=True) + text(0, "Rutland") + real(1, 0.25, style=1)
        + row_header(3) + text(0, "Broken") + error(1, 0x2A)
        + row_header(4) + text(0, "Sum") + formula_number(1, 2.0) + formula_error(2, 0x07)
    )
    locked = row_header(0) + text(0, "Instructions")
    return xlsb({"Data": sheet_part(data, dimension=(0, 4, 0, 2)),
                 "Locked": sheet_part(locked, protected=True)})


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


# ------------------------------------------------------------------ tests


def test_records_are_framed_by_seven_bit_types_and_sizes():
    body = bytes(200)  # a size of two bytes
    assert list(records(record(0x217, body) + record(0x05))) == [(0x217, body), (0x05, b"")]
    with pytest.raises(XlsbDamaged):
        list(records(record(0x05, b"abc")[:-1]))  # body cut short
    with pytest.raises(XlsbDamaged):
        list(records(bytes([0x81, 0x80, 0x00])))  # a type of three bytes


def test_the_records_give_extent_errors_formulas_protection_hidden_rows_and_percentages():
    data, locked = read_xlsb(_parts(sample()))
    assert data.name == "Data" and data.part == "xl/worksheets/sheet1.bin"
    assert data.extent == (1, 1, 5, 3) and data.filled == 11
    assert data.errors == {(4, 2): "#N/A", (5, 3): "#DIV/0!"}
    assert data.formulas == {(5, 2): "a formula", (5, 3): "a formula"}
    assert data.percent == {(3, 2)}
    assert data.hidden_rows == [3]
    assert data.protected is False
    assert locked.protected is True and locked.extent == (1, 1, 1, 1) and locked.filled == 1


def test_calamine_reads_the_hand_built_workbook_as_the_records_say():
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(sample()))
    assert book.sheet_names == ["Data", "Locked"]
    values = book.get_sheet_by_name("Data").to_python(skip_empty_area=False)
    assert values[0][:2] == ["Name", "Figure"]
    assert values[1][:2] == ["Derby", 12.5]
    assert values[2][:2] == ["Rutland", 0.25]
    assert values[4][1] == 2.0  # a formula's saved result


def test_read_sheets_gives_the_cells_with_errors_formulas_and_details(tmp_path):
    path = tmp_path / "return.xlsb"
    path.write_bytes(sample())
    kind, (data, locked) = read_sheets(path)
    assert kind == "xlsb"
    cells = {cell.coordinate: cell for row in data.rows.values() for cell in row.values()}
    assert cells["A2"].value == "Derby" and cells["B2"].value == 12.5
    assert cells["B3"].value == 0.25 and cells["B3"].number_format == "0%"
    assert cells["B4"].error and cells["B4"].value == "#N/A"
    assert cells["B5"].formula == "a formula" and cells["B5"].value == 2.0 and not cells["B5"].error
    assert cells["C5"].formula == "a formula" and cells["C5"].error and cells["C5"].value == "#DIV/0!"
    assert data.hidden_rows == [3] and data.protected is False
    assert locked.protected is True and locked.rows[1][1].value == "Instructions"


def test_a_damaged_record_part_is_a_damaged_file(tmp_path):
    parts = _parts(sample())
    sheet = parts["xl/worksheets/sheet1.bin"]
    cut = sheet[:len(sheet) // 2 + 3]
    path = tmp_path / "cut.xlsb"
    path.write_bytes(_rezip(parts, {"xl/worksheets/sheet1.bin": cut}))
    with pytest.raises(UnreadableFile) as refused:
        read_sheets(path)
    assert refused.value.kind == "damaged-file"


def _rezip(parts: dict[str, bytes], changes: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, changes.get(name, data))
    return buffer.getvalue()


def _run_limited(script: str, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run a script in a child python whose address space is capped at 2 GB, so a
    regression (calamine allocating hundreds of GB and aborting) fails the test
    instead of taking the test run down."""
    def limit():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=limit, cwd=ROOT)


# Where one value is typed, as (row, column) 0-based, and whether the workbook is read. A1048576 and XFD1 make a
# table of a million and of 16,384 cells: big but within the limit. The others would be hundreds of GB.
READ_EACH = """
    import sys
    from pathlib import Path
    from ria_docs.exceptions import UnreadableFile
    from ria_docs.spreadsheet import read_sheets
    for name in sys.argv[1:]:
        try:
            read_sheets(Path(name))
            print("read")
        except UnreadableFile as exc:
            print(exc.kind)
"""

FAR = {"XFD1048576": ((1_048_575, 16_383), False), "AZ1048576": ((1_048_575, 51), False),
       "BZZ1048575:BZZ1048576": ((1_048_575, 2_053), False),
       "A1048576": ((1_048_575, 0), True), "XFD1": ((0, 16_383), True)}


@pytest.mark.parametrize("where", FAR)
def test_a_value_far_away_is_refused_before_calamine_sees_it(tmp_path, where):
    (row, column), readable = FAR[where]
    rows = row_header(0) + text(0, "Name") + row_header(row) + real(column, 1.0)
    if where == "BZZ1048575:BZZ1048576":  # nothing near A1: the table calamine gives still starts there
        rows = row_header(row - 1) + real(column, 1.0) + row_header(row) + real(column, 2.0)
    path = tmp_path / "far.xlsb"
    path.write_bytes(xlsb({"Data": sheet_part(rows, dimension=(0, row, 0, column))}))
    assert path.stat().st_size < 5000
    done = _run_limited("""
        import sys
        from pathlib import Path
        from ria_docs.exceptions import UnreadableFile
        from ria_docs.spreadsheet import read_sheets
        try:
            read_sheets(Path(sys.argv[1]))
            print("read")
        except UnreadableFile as exc:
            print(exc.kind, exc.message)
    """, str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    if readable:
        assert done.stdout.startswith("read"), done.stdout
    else:
        assert done.stdout.startswith("sheet-too-large"), done.stdout
        assert "row 1,048,576" in done.stdout


def test_a_column_or_row_beyond_excel_is_damage_not_a_table(tmp_path):
    paths = []
    for number, rows in enumerate((row_header(0) + real(0xFFFFFFF0, 1.0), row_header(0xFFFFFFF0) + real(0, 1.0))):
        path = tmp_path / f"beyond-{number}.xlsb"
        path.write_bytes(xlsb({"Data": sheet_part(rows)}))
        paths.append(str(path))
    done = _run_limited(READ_EACH, *paths)
    assert done.returncode == 0, (done.stdout + done.stderr)[-2000:]
    assert done.stdout.splitlines() == ["damaged-file", "damaged-file"]


def test_random_damage_to_a_sheet_gives_sheets_or_a_report_never_a_crash(tmp_path):
    """200 mutations of the sheet part: each is read or refused as UnreadableFile,
    nothing else (no other exception, no abort), within the time and memory limits."""
    parts = _parts(sample())
    sheet = parts["xl/worksheets/sheet1.bin"]
    generator = random.Random(11)
    paths = []
    for number in range(200):
        mutated = bytearray(sheet)
        for _ in range(generator.randint(1, 8)):
            position = generator.randrange(len(mutated))
            choice = generator.random()
            if choice < 0.6:
                mutated[position] = generator.randrange(256)
            elif choice < 0.8:
                del mutated[position]
            else:
                mutated[position:position] = bytes([generator.choice((0x80, 0xFF, 0x00, 0x7F))])
        path = tmp_path / f"mutant-{number}.xlsb"
        path.write_bytes(_rezip(parts, {"xl/worksheets/sheet1.bin": bytes(mutated)}))
        paths.append(str(path))
    done = _run_limited("""
        import sys
        from pathlib import Path
        from ria_docs.exceptions import UnreadableFile
        from ria_docs.spreadsheet import read_sheets
        outcomes = {"read": 0, "refused": 0}
        for name in sys.argv[1:]:
            try:
                read_sheets(Path(name))
                outcomes["read"] += 1
            except UnreadableFile:
                outcomes["refused"] += 1
            except BaseException as exc:
                print("CRASH", name, type(exc).__name__, exc)
                raise SystemExit(1)
        print(outcomes["read"], outcomes["refused"])
    """, *paths, timeout=300)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    read, refused = map(int, done.stdout.split())
    assert read + refused == 200
    assert read > 0 and refused > 0  # the mutations reach both outcomes: the test exercises the refusals


@pytest.mark.parametrize("flood", ["records", "cells"])
def test_a_flood_of_small_records_is_refused_in_seconds(tmp_path, flood):
    """Parts small enough to pass the zip checks can still hold millions of records:
    the reading stops at a budget instead of taking minutes."""
    import time

    if flood == "records":  # 3.1 million empty records of a type that is not a cell
        rows = record(0x25) * 3_100_000
    else:  # 200,001 numbers in one column
        rows = b"".join(row_header(r) + real(0, 1.0) for r in range(200_001))
    path = tmp_path / "flood.xlsb"
    path.write_bytes(xlsb({"Data": sheet_part(rows)}))
    assert path.stat().st_size < 2 * 1024 * 1024
    started = time.monotonic()
    with pytest.raises(UnreadableFile) as refused:
        read_sheets(path)
    assert refused.value.kind == "sheet-too-large"
    assert ("records" if flood == "records" else "filled cells") in refused.value.message
    assert time.monotonic() - started < 10


def test_cells_calamine_would_skip_refuse_the_file_rather_than_vanish(tmp_path):
    """calamine reads neither "short" nor rich-text cells of an .xlsb: the file is refused, naming one."""
    short = record(0x11, struct.pack("<I", 0) + wide("short text"))  # BrtShortSt: the column after the last
    rows = row_header(0) + text(0, "Network") + short
    path = tmp_path / "short.xlsb"
    path.write_bytes(xlsb({"About": sheet_part(rows)}))
    with pytest.raises(UnreadableFile) as caught:
        read_sheets(path)
    assert (caught.value.kind, caught.value.message) == (
        "unreadable-cells", 'holds 1 cell(s) stored in a way ria-docs cannot read in an .xlsb file (the first: '
        'sheet "About", B1)')
