"""Hostile spreadsheet files, small on disk and built in code: for the tests
(tests/test_spreadsheet.py) and for the benchmark (bench/run.py --hostile),
which measures how long each takes to be read or refused, and how much memory.

Each builder writes one file at ``path`` and returns it.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ODS_CELL = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'


def xlsx_with_sheet(path: Path, sheet_xml: str, *, shared_strings: str | None = None) -> Path:
    """A workbook of one sheet, "Contribution", whose XML is ``sheet_xml``
    (with this shared-strings table, if given)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Contribution"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode("utf-8")
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings.encode("utf-8")
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
            b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def _with_far_cell(path: Path, cell: str) -> Path:
    return xlsx_with_sheet(path, (
        f'<worksheet xmlns="{MAIN_NS}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Contribution</t></is></c></row>'
        f'<row r="1048576">{cell}</row></sheetData></worksheet>'))


def far_value(path: Path) -> Path:
    """One value at XFD1048576: calamine would allocate a table of 17 billion cells."""
    return _with_far_cell(path, '<c r="XFD1048576" t="inlineStr"><is><t>stray</t></is></c>')


def far_styled_empty(path: Path) -> Path:
    """A formatted but empty cell at XFD1048576: costs nothing."""
    return _with_far_cell(path, '<c r="XFD1048576" s="0"/>')


def ods(path: Path, rows: str) -> Path:
    """An OpenDocument spreadsheet with one sheet, About, of these table rows."""
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


ODS_REPEATS = {
    "a million repeated rows": f'<table:table-row table:number-rows-repeated="1048576">{ODS_CELL}</table:table-row>',
    "a cell repeated across every column": (
        '<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="16384" '
        'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'),
    # How LibreOffice itself ends every sheet: a million empty rows, stored once.
    "LibreOffice's empty tail": (
        f'<table:table-row>{ODS_CELL}</table:table-row><table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'),
}


def lying_zip(path: Path, source: Path, megabytes: int = 400) -> Path:
    """``source`` with one more entry that says it is 1 KB and inflates to ``megabytes`` of zeros."""
    with zipfile.ZipFile(source) as original:
        parts = {n: original.read(n) for n in original.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
        with target.open("xl/media/padding.xml", "w") as stream:
            for _ in range(megabytes):
                stream.write(b"\0" * (1 << 20))
    data = bytearray(path.read_bytes())
    entry = data.find(b"xl/media/padding.xml", data.find(b"PK\x01\x02")) - 46  # its central directory entry
    assert data[entry:entry + 4] == b"PK\x01\x02"
    data[entry + 24:entry + 28] = (1024).to_bytes(4, "little")  # its uncompressed size, now a lie
    path.write_bytes(bytes(data))
    return path


def long_strings(path: Path, megabytes: int, cells: int = 1000) -> Path:
    """``cells`` cells of long text, ``megabytes`` of it in all, compressed as
    well as prose compresses: a file near the size limits that is not a bomb."""
    rng = random.Random(1)
    # Random bytes mapped onto three characters, mostly "e": about as compressible
    # as prose (deflate makes it 6 to 7 times smaller), made at C speed.
    letters = b"e" * 192 + b" " * 32 + b"t" * 32
    per_cell = megabytes * 1024 * 1024 // cells
    strings = [rng.randbytes(per_cell).translate(letters).decode("ascii") for _ in range(cells)]
    shared = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="{cells + 1}" '
              f'uniqueCount="{cells + 1}"><si><t>Contribution</t></si>'
              + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    rows = "".join(f'<row r="{i + 2}"><c r="A{i + 2}" t="s"><v>{i + 1}</v></c></row>' for i in range(cells))
    sheet = (f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>{rows}'
             "</sheetData></worksheet>")
    return xlsx_with_sheet(path, sheet, shared_strings=shared)


def all_files(folder: Path, formats: Path) -> dict[str, Path]:
    """Every hostile file, by what it is, built in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "one value at XFD1048576 (.xlsx)": far_value(folder / "far-value.xlsx"),
        "a formatted empty cell at XFD1048576 (.xlsx)": far_styled_empty(folder / "far-styled.xlsx"),
        "a zip entry that lies about its size (.xlsx)": lying_zip(folder / "liar.xlsx", formats / "return.xlsx"),
        "95 MB of text in 1,000 cells (.xlsx)": long_strings(folder / "long-strings.xlsx", 95),
    }
    for number, (what, rows) in enumerate(ODS_REPEATS.items()):
        files[f"{what} (.ods)"] = ods(folder / f"repeats-{number}.ods", rows)
    return files
