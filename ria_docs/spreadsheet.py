"""Opening a spreadsheet file safely, whatever its format, as plain sheets of cells.

Checks come before any parsing: the file's size; what its zip really inflates
to, counted while inflating (never the sizes the zip claims); XML entity
declarations (XML bombs, external entities); encryption. The format is told
from the content, not the name, so a .xls renamed .xlsx still reads.

Values come from python-calamine (fast, for every format). Before calamine
sees a file, one pass over its own records (the sheet XML of .xlsx, the
content.xml of .ods, the BIFF records of .xls) finds what calamine does not
report: hidden rows, sheet protection, error cells, formulas (with or without
a saved result), percentage formats, and the rectangle each sheet's values
cover. A sheet whose values spread over more cells than any return needs (one
stray cell at XFD1048576, a row repeated a million times) is refused there,
before calamine would allocate a table for it. So the work and memory for one
file are bounded by its real content, and one bad file never stops the others.
Either way the reader gets the same :class:`Sheet` and :class:`Cell` objects.
"""

from __future__ import annotations

import collections
import contextlib
import io
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .cell_refs import column_letter, column_number, split_ref
from .exceptions import UnreadableFile
from .text import clean_text

if TYPE_CHECKING:
    from lxml import etree
    from python_calamine import CalamineWorkbook

    from .xls_records import XlsSheet
    from .xlsb_records import XlsbSheet


MAX_FILE_BYTES = 25 * 1024 * 1024  # a return is normally well under 1 MB
# What a package may unpack to. A return unpacks to well under 1 MB; at this
# size a workbook's strings, held once by calamine and once by Python, stay
# within a few hundred MB.
MAX_INFLATED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200  # deflate rarely beats 100:1 on real spreadsheet XML
# Cells in the rectangles the values of all sheets cover: a return fills a few
# thousand. calamine allocates a table this size (and Python a list of lists).
MAX_CELL_AREA = 2_000_000
# Filled cells in all sheets: each becomes a Python object. A return has a few
# thousand; this many take about two seconds and 100 MB to read.
MAX_FILLED_CELLS = 200_000
# Texts in a workbook's shared-strings table, used or not: calamine loads them all.
MAX_SHARED_STRINGS = 2 * MAX_FILLED_CELLS
MAX_ZIP_ENTRIES = 5_000  # a workbook has a few dozen parts
MAX_SMALL_PART = 16 * 1024 * 1024  # styles.xml with Excel's 64,000 cell formats is about 5 MB
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # legacy .xls, and any encrypted Office file
_CHUNK = 1 << 20
_ENTITY = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
# The usual writing of rows and of sheet protection (Excel, LibreOffice,
# openpyxl): no prefix, each attribute after one space as name="value" with no
# character references, a row's number first, like <row r="7" spans="1:3"
# hidden="1">. When they are written so, and no comment, CDATA or processing
# instruction could hold them, these patterns read them exactly
# (_usual_rows_and_protection); any other sheet is walked (_walk_sheet), which
# reads every spelling XML allows: other quotes and spacing, a prefix, "true".
_USUAL_ATTRIBUTES = rb'(?: [A-Za-z_][\w.:-]*="[^"<>&]*")*'
_USUAL_ROW = re.compile(rb'<row r="(\d+)"' + _USUAL_ATTRIBUTES + rb'?(?: hidden="([^"<>&]*)"'
                        + _USUAL_ATTRIBUTES + rb')? ?/?>')
_USUAL_PROTECTION = re.compile(rb"<sheetProtection" + _USUAL_ATTRIBUTES + rb'?(?: sheet="([^"<>&]*)"'
                               + _USUAL_ATTRIBUTES + rb')? ?/?>')
# The usual writing of a sheet (Excel, LibreOffice, openpyxl): every cell
# opens "<c r=" and names its place, like <c r="B7" s="1">. When every cell
# opening in a sheet is written so, the cells' places come from one pattern;
# any other sheet is walked cell by cell (_walk_sheet). A cell that is only
# formatting (<c r="B7" s="1"/>) holds nothing, and is left out when it counts.
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')
_EMPTY_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*?/>')
# The parts the scanners read: the workbook, its relationships, styles and
# sheets (.xlsx), content.xml (.ods) and the mimetype that tells .ods apart.
_SCANNED_PARTS = re.compile(r"^(mimetype|content\.xml|xl/(workbook\.xml|_rels/workbook\.(xml|bin)\.rels|styles\.xml"
                            r"|worksheets/[^/]+\.xml|worksheets/_rels/[^/]+\.rels|comments[^/]*\.xml|comments/[^/]+\.xml))$")
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"


@dataclass(frozen=True)
class Cell:
    """What the reader needs of a cell, whichever library read it."""

    row: int
    column: int
    value: object  # the value shown (a formula's saved result), None for a formula with none saved
    number_format: str = "General"
    error: bool = False  # an error value such as #N/A or #VALUE!, not text a chair typed
    formula: str | None = None  # "=..." for a formula cell; "a formula" where the file does not keep its text

    @property
    def column_letter(self) -> str:
        return column_letter(self.column)

    @cached_property  # asked for several times for each cell read
    def coordinate(self) -> str:
        return f"{self.column_letter}{self.row}"


@dataclass
class Sheet:
    title: str
    rows: dict[int, dict[int, Cell]] = field(default_factory=dict)  # non-empty cells only
    hidden_rows: list[int] = field(default_factory=list)
    hidden: bool = False
    protected: bool | None = None  # None: the format does not say
    notes: dict[str, str] = field(default_factory=dict)  # "C4" -> the note (comment) on that cell


@dataclass
class SheetDetails:
    """What calamine does not report, read from the file's own records (by this
    module for .xlsx and .ods, by xls_records and xlsb_records for the binary
    formats)."""

    hidden_rows: list[int] = field(default_factory=list)
    protected: bool | None = None
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> "#N/A"
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> "=A1*2"
    percent: set[tuple[int, int]] = field(default_factory=set)  # numbers shown as percentages
    extent: tuple[int, int, int, int] | None = None  # first row, first column, last row, last column of values
    filled: int = 0  # cells holding a value
    notes: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> a note's text ("" unknown)

    def include(self, first_row: int, first_column: int, last_row: int | None = None,
                last_column: int | None = None, count: int = 1) -> None:
        """Count ``count`` filled cells in this rectangle (one cell, by default)."""
        last_row, last_column = last_row or first_row, last_column or first_column
        self.filled += count
        if self.extent is None:
            self.extent = (first_row, first_column, last_row, last_column)
        else:
            r0, c0, r1, c1 = self.extent
            self.extent = (min(r0, first_row), min(c0, first_column), max(r1, last_row), max(c1, last_column))

    @property
    def area(self) -> int:
        """The cells of the table read for the sheet: it starts at A1 (calamine's
        to_python(skip_empty_area=False) fills the rows and columns before the
        first value), so two values at BZZ1048575:BZZ1048576 make 2 billion."""
        if self.extent is None:
            return 0
        _first_row, _first_column, last_row, last_column = self.extent
        return last_row * last_column


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


# A character a person can see: found at once in all but the oddest cells, so
# the full clean (below) runs only for cells of spaces and invisible characters.
_VISIBLE = re.compile("[^\\s\x00-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff\ufffe\uffff\ud800-\udfff]")


def _is_empty(value: object) -> bool:
    """Nothing a person could see: no value, spaces, or only characters the cleaner drops."""
    if value is None or value == "":  # the most common by far: calamine's blank
        return True
    if isinstance(value, str):
        if value[0].isalnum():  # most text starts with a letter or a digit: visible at once
            return False
        return _VISIBLE.search(value) is None and not clean_text(value).text
    return value is None


def shows_percent(code: str) -> bool:
    """Whether a number format multiplies by 100 and shows "%": a % outside
    quotes and [brackets], and not the character after \\, _ (a space as wide
    as it) or * (a fill): 0.0"%", 0.0\\%, 0.0_% and 0.0*% show the number as it is."""
    return "%" in re.sub(r'"[^"]*"|[\\_*].|\[[^\]]*\]', "", code)


_DAMAGED = ("damaged-file", "is damaged: it is not a complete Excel file (perhaps cut short when sent)",
            "ask for it to be sent again")


def _zip_bomb(inflated: int, size: int, *, counted: bool = True) -> UnreadableFile:
    more = "more than " if counted else ""  # counted while inflating: stopped at the limit
    return UnreadableFile(
        "zip-bomb", f"would unpack to {more}{_size(inflated)} from {_size(size)}, which no return needs",
        "ask for the return to be saved again from Excel",
    )


def _inflate_all(package: zipfile.ZipFile, size: int, *, xlsb: bool = False) -> dict[str, bytes]:
    """The parts the format's own scanners read (for an .xlsb, its record
    parts too), inflated; every part counted, and every XML part checked for
    entity declarations, as it inflates.

    The sizes a zip declares are not trusted: an entry that inflates to more
    or less than it claims is damaged, and the real total is capped, so the
    check itself never uses more than the cap. Other parts (shared strings,
    pictures) are inflated, checked and dropped: calamine reads those itself.
    """
    parts: dict[str, bytes] = {}
    total = 0
    for entry in package.infolist():
        if entry.is_dir():
            continue
        name = entry.filename.replace("\\", "/").lower()  # as calamine finds parts: whatever their capitals
        xml = name.endswith((".xml", ".rels"))
        binary = xlsb and _is_xlsb_part(entry.filename)
        keep = binary or _SCANNED_PARTS.match(name) is not None
        strings = name.endswith("sharedstrings.xml")
        chunks, length, tail, texts = [], 0, b"", 0
        with package.open(entry) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                length += len(chunk)
                total += len(chunk)
                if total > MAX_INFLATED_BYTES:
                    raise _zip_bomb(total, size)
                if entry.compress_size and length > 10 * 1024 * 1024 and length / entry.compress_size > MAX_RATIO:
                    raise _zip_bomb(total, size)
                if xml:
                    if _ENTITY.search(tail + chunk):
                        raise UnreadableFile(
                            "xml-entities", f"contains XML entity declarations ({entry.filename}), which ria-docs "
                            "refuses to read because they can be used to attack the computer reading them",
                            "open it in Excel and save it as a new .xlsx; if it came from outside, check it first",
                        )
                    if strings:  # each <si> is one text calamine will hold, used or not
                        texts += sum(1 for m in _SHARED_STRING.finditer(tail + chunk) if m.end() > len(tail))
                        if texts > MAX_SHARED_STRINGS:
                            raise UnreadableFile(
                                "sheet-too-large", f"holds more than {MAX_SHARED_STRINGS:,} different texts, far "
                                "more than a return needs", "check it is the right file, and delete pasted data "
                                "that is not part of the return")
                    tail = chunk[-16:]
                if keep:
                    chunks.append(chunk)
        if length != entry.file_size:
            raise UnreadableFile(*_DAMAGED)
        if keep:
            if name in parts:  # two parts calamine cannot tell apart: which one it reads is anyone's guess
                raise UnreadableFile(*_DAMAGED)
            parts[name if not binary else entry.filename] = b"".join(chunks)
    return parts


def _is_xlsb_part(name: str) -> bool:
    """The .xlsb parts whose records are read: the workbook, the styles and the
    sheets (not pictures, macros, printer settings or embedded files)."""
    name = name.replace("\\", "/").lower()
    return name in ("xl/workbook.bin", "xl/styles.bin") or (
        name.endswith(".bin") and name.startswith(("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/",
                                                   "xl/macrosheets/")))


@dataclass
class _Package:
    """A file past the pre-check: its format and, for zip formats, its XML parts."""

    kind: str  # "xlsx", "ods", "xlsb" or "xls"
    data: bytes
    parts: dict[str, bytes] = field(default_factory=dict)


def _declared_entries(data: bytes) -> int | None:
    """How many entries the zip holds, by its end record and by its central
    directory's entry signatures, read before the zip is opened (opening lists
    them all, which takes seconds for a few hundred thousand); None where there
    is no end record to read."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    declared = int.from_bytes(data[end + 10:end + 12], "little")  # 0xFFFF: more, counted in a zip64 record
    return max(declared, data.count(b"PK\x01\x02"))  # the end record may understate: count the entries too


def _precheck(path: Path) -> _Package:
    """The file's format and content, or UnreadableFile."""
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile("empty-file", "is empty (0 bytes)", "it was probably not saved; ask for it again")
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(
            "file-too-large", f"is {_size(size)}, more than the {_size(MAX_FILE_BYTES)} ria-docs reads",
            "check it is the right file; a return is normally well under 1 MB (remove pictures or pasted data)",
        )
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)  # the file may have grown since it was measured
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile("file-too-large", f"is more than the {_size(MAX_FILE_BYTES)} ria-docs reads",
                             "check it is the right file")
    head = data[:8]
    if head == OLE_MAGIC:
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise UnreadableFile(
                "password-protected", "is protected with a password, so it cannot be read",
                "open it in Excel, remove the password (File > Info > Protect Workbook), save it and send it again",
            )
        return _Package("xls", data)
    if not head.startswith(b"PK"):
        text = bool(head) and head.isascii() and all(32 <= b < 127 or b in b"\t\r\n" for b in head)
        raise UnreadableFile(
            "not-a-workbook",
            "is not an Excel workbook: " + ("it holds plain text (a CSV file renamed?)" if text else "its content is not a spreadsheet"),
            "open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx)",
        )
    entries = _declared_entries(data)
    if entries is not None and entries > MAX_ZIP_ENTRIES:
        many = "more than 65,535" if entries == 0xFFFF else f"{entries:,}"
        raise UnreadableFile(
            "zip-bomb", f"is a package of {many} parts, where a workbook has a few dozen",
            "check it is the right file; ask for the return to be saved again from Excel",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = {name.replace("\\", "/").lower() for name in package.namelist()}
            claimed = sum(e.file_size for e in package.infolist())
            if claimed > MAX_INFLATED_BYTES:  # what it claims, first: refused without inflating anything
                raise _zip_bomb(claimed, size, counted=False)
            parts = _inflate_all(package, size, xlsb="xl/workbook.bin" in names)
    except UnreadableFile:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError, OSError):
        # A cut-short file, flipped bytes, an encrypted or unusual zip: all "damaged" to a chair.
        raise UnreadableFile(*_DAMAGED) from None
    if b"opendocument.spreadsheet" in parts.get("mimetype", b""):
        return _Package("ods", data, parts)
    if "xl/workbook.bin" in names:
        return _Package("xlsb", data, parts)
    if "xl/workbook.xml" in parts:
        return _Package("xlsx", data, parts)
    raise UnreadableFile(
        "not-a-workbook", "is a zip file but not an Excel workbook (a Word document or archive?)",
        "check it is the right file",
    )


def _position(ref: str | None) -> tuple[int, int] | None:
    if not ref:
        return None
    letters, row = split_ref(ref)
    return row, column_number(letters)


def small_xml(data: bytes) -> etree._Element:
    """A small part (the workbook's list of sheets, its relationships, its
    styles) as a tree: parsed by libxml2 within its own limits on depth, never
    loading a DTD or resolving an entity, and refused when it declares any."""
    from lxml import etree

    if len(data) > MAX_SMALL_PART:
        raise UnreadableFile(
            "file-too-large", f"has a part of {_size(len(data))} where a workbook has a few kilobytes",
            "open it in Excel or LibreOffice and save it as a new .xlsx",
        )
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    root = etree.fromstring(data, parser)
    if root.getroottree().docinfo.internalDTD is not None:
        raise UnreadableFile(
            "xml-entities", "contains XML that ria-docs refuses to read (entity declarations)",
            "open it in Excel and save it as a new .xlsx",
        )
    return root


def _percent_styles(parts: dict[str, bytes]) -> set[int]:
    """Indexes of cell formats whose number format shows a percentage."""
    if "xl/styles.xml" not in parts:
        return set()
    styles = small_xml(parts["xl/styles.xml"])
    percent_formats = {9, 10}  # Excel's built-in 0% and 0.00%
    for number_format in styles.iter():
        if _local(number_format.tag) == "numFmt" and shows_percent(number_format.get("formatCode") or ""):
            percent_formats.add(_format_id(number_format.get("numFmtId")))  # -1, without a usable id: none uses it
    cell_formats = next((e for e in styles if _local(e.tag) == "cellXfs"), None)
    if cell_formats is None:
        return set()
    return {i for i, xf in enumerate(cell_formats) if _format_id(xf.get("numFmtId", "0")) in percent_formats - {-1}}


def _format_id(value: str | None) -> int:
    """A numFmtId as a number; -1 when missing or not a whole number (a damaged styles part)."""
    try:
        return int(value or "")
    except ValueError:
        return -1


_ODD_CELL = re.compile(rb"<c[>/\t\n\r]")  # a cell with no attributes, or spaced otherwise: one scan, not five


def _fast_extent(data: bytes) -> tuple[tuple[int, int, int, int] | None, int] | None:
    """The rectangle the sheet's non-empty cells cover and their number, from
    the cells' references alone; None when the sheet is not written the usual
    way and must be walked instead."""
    if b":c" in data or _ODD_CELL.search(data):
        return None  # a prefix, a cell without a reference, other spacing
    refs = _CELL_REF.findall(data)
    if len(refs) != data.count(b"<c "):
        return None  # a cell whose reference is not its first attribute, or is quoted otherwise
    extent, filled = _rectangle(refs)
    if filled > MAX_FILLED_CELLS or (extent and extent[2] * extent[3] > MAX_CELL_AREA):
        # Counted with the cells that are only formatting: count again without them.
        empty = collections.Counter(_EMPTY_CELL_REF.findall(data))
        kept = []
        for ref in refs:
            if empty[ref]:
                empty[ref] -= 1
            else:
                kept.append(ref)
        extent, filled = _rectangle(kept)
        if filled > MAX_FILLED_CELLS:
            raise _too_many(filled)
    return extent, filled


def _aside_from_markup(data: bytes) -> bool:
    """Whether the sheet holds a comment, CDATA or a processing instruction
    (other than the XML declaration), where "<row" may be text, not a row.
    (A DOCTYPE, the other "<!", was refused before.)"""
    return b"<!" in data or data.find(b"<?", 4) >= 0


def _is_true(value: str | bytes | None) -> bool:
    """An XML Schema boolean: "1" or "true", with any spaces around it."""
    return value is not None and value.strip() in ((b"1", b"true") if isinstance(value, bytes) else ("1", "true"))


def _usual_rows_and_protection(data: bytes) -> tuple[list[int] | None, bool | None]:
    """The numbers of the hidden rows, and whether the sheet is protected; either
    is None when not written the usual way, and the sheet must be walked instead.
    An attribute's or element's name is always spelt out: without "hidden" no
    row is hidden, without "sheetProtection" the sheet is not protected."""
    hidden_rows: list[int] | None = []
    if b"hidden" in data:
        rows = None if b":row" in data or _aside_from_markup(data) else _USUAL_ROW.findall(data)
        # Every row written the usual way (no other element of a sheet starts "<row" but its page
        # breaks), or one is quoted, spaced or numbered otherwise, or has a ">" in a value.
        if rows is not None and len(rows) == data.count(b"<row") - data.count(b"<rowBreaks"):
            hidden_rows = [int(number) for number, hidden in rows if hidden and _is_true(hidden)]
        else:
            hidden_rows = None
    # The last mention, near the end of the sheet (after its rows): the protection, if written the usual way.
    # It is markup unless a comment, processing instruction or CDATA holds it, and so ends after it.
    at = data.rfind(b"sheetProtection")
    if at < 0:
        return hidden_rows, False
    usual = _USUAL_PROTECTION.match(data, at - 1) if at and data[at - 1] == ord("<") else None
    if usual is None or any(end in data[usual.end():] for end in (b"-->", b"?>", b"]]>")):
        return hidden_rows, None
    return hidden_rows, _is_true(usual.group(1))


def _rectangle(refs: list[tuple[bytes, bytes]]) -> tuple[tuple[int, int, int, int] | None, int]:
    if not refs:
        return None, 0
    rows = [int(row) for _, row in refs]
    columns = [column_number(letters.decode()) for letters in {letters for letters, _ in refs}]
    return (min(rows), min(columns), max(rows), max(columns)), len(refs)


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _walk_sheet(data: bytes, found: SheetDetails, percent_styles: set[int], *, extent: bool) -> None:
    """Visit every cell of a sheet as calamine places it: at its reference, or,
    without one, next along in its row (the row's number, or the next row).
    Records hidden rows, protection, formulas, errors and percentage cells;
    with ``extent``, the rectangle and number of the cells that hold something too."""
    from lxml import etree

    found.hidden_rows, found.protected = [], False
    row = column = 0
    position: tuple[int, int] | None = None
    events = etree.iterparse(io.BytesIO(data), events=("start", "end"), resolve_entities=False, load_dtd=False,
                             no_network=True)
    for event, element in events:
        name = _local(element.tag)
        if event == "start":
            if name == "row":
                number = element.get("r")
                row, column = (int(number) if number and number.isdigit() else row + 1), 0
                if _is_true(element.get("hidden")):
                    found.hidden_rows.append(row)
            elif name == "c":
                # A cell without a reference is the next along in its row; its row is the row
                # element's, whatever the reference of the cell before it said (as calamine reads it).
                position = _position(element.get("r")) or (row, column + 1)
                column = position[1]
            elif name == "sheetProtection":
                found.protected = _is_true(element.get("sheet"))
            continue
        if name == "row":
            element.clear()
        if name != "c" or position is None:
            continue
        children = {_local(child.tag): child for child in element}
        kind, formula, value = element.get("t"), children.get("f"), children.get("v")
        if extent and children:
            found.include(*position)
            if found.filled > MAX_FILLED_CELLS:
                raise _too_many(found.filled)
        if formula is not None:
            found.formulas[position] = f"={formula.text}" if formula.text else "a formula"
        if kind == "e":
            found.errors[position] = (value.text if value is not None else None) or "#VALUE!"
        elif formula is not None and (value is None or (not value.text and kind != "str")):
            pass  # no saved result: the formula alone says what the cell is
        elif kind in (None, "n") and value is not None and int(element.get("s", 0) or 0) in percent_styles:
            found.percent.add(position)
        element.clear()  # keep memory flat on long sheets


def _xlsx_notes(parts: dict[str, bytes], sheet_part: str) -> dict[tuple[int, int], str]:
    """The notes (comments) on a sheet's cells: their own part, named in the sheet's relationships."""
    folder, _, name = sheet_part.rpartition("/")
    relationships = parts.get(f"{folder}/_rels/{name}.rels")
    if relationships is None:
        return {}
    notes = {}
    for relation in small_xml(relationships):
        if not (relation.get("Type") or "").endswith("/comments"):
            continue
        target = relation.get("Target") or ""
        path = posixpath.normpath(target.lstrip("/") if target.startswith("/") else f"{folder}/{target}").lower()
        if path not in parts:
            continue
        for comment in small_xml(parts[path]).iter():
            position = _position(comment.get("ref")) if _local(comment.tag) == "comment" else None
            if position:
                # lxml-stubs: itertext() gives str or bytes; lxml gives str (from a parsed document, always).
                notes[position] = " ".join("".join(comment.itertext()).split())  # type: ignore[arg-type]
    return notes


def _xlsx_details(parts: dict[str, bytes]) -> dict[str, SheetDetails]:
    """Sheet name -> hidden rows, protection, error cells, formulas, percentage
    cells and extent. Excel stores a result beside every formula
    (<f>..</f><v>..</v>); files written by scripts often do not, and a
    sentence typed starting with "=" is saved as a formula with an error.

    Every part is read with lxml set never to load a DTD or resolve an entity
    (the pre-check has refused any), and within libxml2's limits on depth.
    Any namespace or prefix is accepted.
    """
    details: dict[str, SheetDetails] = {}
    targets = {r.get("Id"): r.get("Target") for r in small_xml(parts["xl/_rels/workbook.xml.rels"])}
    percent_styles = _percent_styles(parts)
    for sheet in small_xml(parts["xl/workbook.xml"]).iter():
        if _local(sheet.tag) != "sheet":
            continue
        relation = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
        target = targets.get(relation, "") or ""  # type: ignore[arg-type]  # lxml-stubs: attributes str or bytes; str
        part = posixpath.normpath(target.lstrip("/") if target.startswith("/") else f"xl/{target}").lower()
        if part.startswith("xl/chartsheets/"):
            # A chart on a sheet of its own: no cells, calamine reads none. (A sheet without its required
            # name is kept under "", here and below: no sheet calamine lists matches it, which is damage.)
            details[sheet.get("name") or ""] = SheetDetails()
            continue
        if part not in parts:
            continue
        found = details[sheet.get("name") or ""] = SheetDetails()
        data = parts[part]
        hidden_rows, protected = _usual_rows_and_protection(data)
        found.hidden_rows, found.protected = hidden_rows or [], protected
        found.notes = _xlsx_notes(parts, part)
        fast = _fast_extent(data)
        if fast is not None:
            found.extent, found.filled = fast
            # Any "e" in quotes may be an error cell's type (t="e", t = 'e'): then every cell is visited.
            if hidden_rows is not None and protected is not None and not (
                    _FORMULA.search(data) or b'"e"' in data or b"'e'" in data or percent_styles):
                continue  # nothing else to find: no need to visit every cell
        _walk_sheet(data, found, percent_styles, extent=fast is None)
    return details


def _ods_formula(text: str) -> str:
    """An OpenFormula as the chair typed it: "of:=[.A1]*2" -> "=A1*2"."""
    text = text.split(":", 1)[1] if text.startswith(("of:", "oooc:", "msoxl:")) else text
    return re.sub(r"\[\$?[^\]]*?\.\$?([A-Z]+\$?\d+)\]", r"\1", text)


def _ods_details(parts: dict[str, bytes]) -> dict[str, SheetDetails]:
    """The same details from an OpenDocument spreadsheet's content.xml, where
    runs of identical rows and cells are stored once with a repeat count: the
    extent counts the repeats without expanding them."""
    from lxml import etree

    t, office, calcext = _ODS_TABLE, _ODS_OFFICE, _ODS_CALCEXT
    details: dict[str, SheetDetails] = {}
    data = parts.get("content.xml")
    if data is None:
        raise UnreadableFile(*_DAMAGED)
    found: SheetDetails | None = None
    row = column = 0  # 1-based position of the current row; columns before the current cell
    row_repeat = 1
    cells = (f"{t}table-cell", f"{t}covered-table-cell")
    events = etree.iterparse(io.BytesIO(data), events=("start", "end"), resolve_entities=False, load_dtd=False,
                             no_network=True)
    for event, element in events:
        tag = element.tag
        if tag == f"{t}table" and event == "start":
            found = details[element.get(f"{t}name", "")] = SheetDetails()
            found.protected = element.get(f"{t}protected") == "true"
            row = 0
        elif tag == f"{t}table-row" and found is not None:
            if event == "start":
                row, column = row + 1, 0
                row_repeat = int(element.get(f"{t}number-rows-repeated", "1"))
                if element.get(f"{t}visibility") in ("collapse", "filter"):
                    found.hidden_rows.extend(range(row, row + min(row_repeat, 100_000)))
            else:
                row += row_repeat - 1
                element.clear()
        elif tag in cells and event == "end" and found is not None:
            repeat = int(element.get(f"{t}number-columns-repeated", "1"))
            first = column + 1
            column += repeat
            formula = element.get(f"{t}formula")
            has_value = element.get(f"{office}value-type") is not None or formula is not None or any(
                (child.text or "").strip() or len(child) for child in element)
            for note in element.iterchildren(f"{office}annotation"):
                text = " ".join("".join(p.itertext()) for p in note.iterchildren(
                    "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"))
                found.notes[row, first] = " ".join(text.split())
            if has_value:
                last = (row + row_repeat - 1, column)
                found.include(row, first, *last, count=repeat * row_repeat)
                if found.area > MAX_CELL_AREA or found.filled > MAX_FILLED_CELLS:
                    return details  # refused by the caller; no need to read further
                error = element.get(f"{calcext}value-type") == "error"
                percent = element.get(f"{office}value-type") == "percentage"
                shown = "".join(element.itertext()).strip() if error else ""
                # Repeats are expanded only here, for the few cells that need it (the area is bounded above).
                positions = ((r, c) for r in range(row, last[0] + 1) for c in range(first, column + 1))
                for position in positions if formula is not None or error or percent else ():
                    if formula is not None:
                        found.formulas[position] = _ods_formula(formula)
                    if error:
                        found.errors[position] = shown or "#VALUE!"
                    elif percent:
                        found.percent.add(position)
            element.clear()
    return details


_Source = TypeVar("_Source")  # what a record reader reads: an .xls file's bytes, an .xlsb file's parts


def _records_details(read: Callable[[_Source], Sequence[XlsSheet | XlsbSheet]],
                     source: _Source) -> dict[str, SheetDetails]:
    """The details of a binary workbook (.xls, .xlsb) from its record reader, by sheet name."""
    from .xls_records import XlsDamaged
    from .xlsb_records import XlsbDamaged, XlsbTooLarge

    try:
        sheets = read(source)
    except XlsbTooLarge as exc:
        raise UnreadableFile("sheet-too-large", str(exc), "check it is the right file, and delete pasted data "
                             "that is not part of the return") from None
    except (XlsDamaged, XlsbDamaged):
        raise UnreadableFile("damaged-file", "could not be read as a spreadsheet",
                             "open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx)") from None
    unread = [(sheet.name, cell) for sheet in sheets for cell in getattr(sheet, "unread", [])]
    if unread:  # calamine would drop these cells without a word
        name, (row, column) = unread[0]
        raise UnreadableFile(
            "unreadable-cells", f"holds {len(unread)} cell(s) stored in a way ria-docs cannot read in an .xlsb "
            f'file (the first: sheet "{name}", {column_letter(column)}{row})',
            "open it in Excel and save it as an Excel Workbook (.xlsx)",
        )
    return {sheet.name: sheet for sheet in sheets}


def _xls_details(data: bytes) -> dict[str, SheetDetails]:
    from .xls_records import read_xls

    return _records_details(read_xls, data)


def _xlsb_details(parts: dict[str, bytes]) -> dict[str, SheetDetails]:
    from .xlsb_records import read_xlsb

    return _records_details(read_xlsb, parts)


def _too_many(filled: int) -> UnreadableFile:
    return UnreadableFile(
        "sheet-too-large", f"has {filled:,} filled cells, far more than a return needs (a few thousand)",
        "check it is the right file, and delete pasted data that is not part of the return",
    )


def _check_area(details: dict[str, SheetDetails]) -> None:
    """Refuse a workbook whose values spread over more cells than any return needs."""
    filled = sum(d.filled for d in details.values())
    if filled > MAX_FILLED_CELLS:
        raise _too_many(filled)
    if sum(d.area for d in details.values()) <= MAX_CELL_AREA:
        return
    name, widest = max(details.items(), key=lambda item: item[1].area)
    assert widest.extent is not None  # its area is over the limit: a sheet without extent has none
    first_row, first_column, last_row, last_column = widest.extent
    corner = f"{column_letter(min(last_column, 16384))}{last_row}"
    raise UnreadableFile(
        "sheet-too-large",
        f'has values spread over {widest.area:,} cells in sheet "{name}" (down to row {last_row:,} and across to '
        f"column {column_letter(min(last_column, 16384))}), far more than a return needs",
        f"delete whatever is typed far from the table (look near {corner}: press Ctrl+End in Excel or "
        "LibreOffice to find it), save and send it again",
    )


def _open_calamine(data: bytes) -> CalamineWorkbook:
    """calamine reads from a file object: its paths must be valid UTF-8, file names need not be."""
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_filelike(io.BytesIO(data))


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:

    """calamine's Rust code prints a panic's backtrace on standard error before
    Python sees the exception; the file is reported as damaged instead."""
    try:
        saved = os.dup(2)
    except OSError:  # no standard error to silence
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _sheets(package: _Package, details: dict[str, SheetDetails]) -> list[Sheet]:
    """Values from calamine, with the details calamine does not give."""
    with _quiet_stderr():
        workbook = _open_calamine(package.data)
        names = list(workbook.sheet_names)
        if package.kind in _DETAILS and (len(set(names)) != len(names) or set(names) != set(details) or "" in names):
            # calamine would read a sheet that was not measured (a part named in other capitals, two
            # sheets of one name) or one without its required name: nothing says how far its values
            # reach, or what it is, so it is not read at all.
            raise UnreadableFile(
                "damaged-file", "cannot be read safely: its list of sheets does not match the sheets it holds",
                "open it in Excel or LibreOffice and save it as a new Excel Workbook (.xlsx)",
            )
        visible = {m.name: str(m.visible).lower().endswith("visible") for m in workbook.sheets_metadata}
        tables = {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                  for name in workbook.sheet_names}
    sheets = []
    for name, values in tables.items():
        found = details.get(name, SheetDetails())
        rows: dict[int, dict[int, Cell]] = {}
        for row_number, row in enumerate(values, 1):
            cells = {}
            for column, value in enumerate(row, 1):
                if value == "":
                    continue  # calamine's blank, most of the grid (a formula's or error's cell comes below)
                position = (row_number, column)
                if position in found.formulas or position in found.errors:
                    continue  # below, from the file's own records
                if not _is_empty(value):
                    number_format = "0%" if position in found.percent else "General"
                    cells[column] = Cell(row_number, column, value, number_format)
            if cells:
                rows[row_number] = cells
        for position in found.formulas.keys() | found.errors.keys():
            row_number, column = position
            shown = values[row_number - 1][column - 1] if row_number <= len(values) and column <= len(
                values[row_number - 1]) else None
            error = found.errors.get(position)
            kept = error if error is not None else (None if _is_empty(shown) else shown)
            number_format = "0%" if position in found.percent else "General"
            rows.setdefault(row_number, {})[column] = Cell(
                row_number, column, kept, number_format, error=error is not None, formula=found.formulas.get(position))
        rows = {r: dict(sorted(rows[r].items())) for r in sorted(rows)}
        hidden_rows = sorted(r for r in found.hidden_rows if r in rows)
        notes = {f"{column_letter(c)}{r}": text for (r, c), text in sorted(found.notes.items())}
        sheets.append(Sheet(name, rows, hidden_rows, hidden=not visible.get(name, True), protected=found.protected,
                            notes=notes))
    return sheets


_DETAILS = {"xlsx": lambda p: _xlsx_details(p.parts), "ods": lambda p: _ods_details(p.parts),
            "xls": lambda p: _xls_details(p.data), "xlsb": lambda p: _xlsb_details(p.parts)}


def _read(package: _Package) -> list[Sheet]:
    try:
        details = _DETAILS[package.kind](package) if package.kind in _DETAILS else {}
        _check_area(details)
        return _sheets(package, details)
    except UnreadableFile:
        raise
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine panics (pyo3's PanicException is a BaseException)
        message = str(exc).lower()
        if "password" in message or "encrypt" in message:
            raise UnreadableFile(
                "password-protected", "is protected with a password, so it cannot be read",
                "open it in Excel, remove the password, save it and send it again",
            ) from None
        what = "an Excel workbook" if package.kind == "xlsx" else "a spreadsheet"
        raise UnreadableFile(
            "damaged-file", f"could not be read as {what}" + (f" ({type(exc).__name__})" if package.kind == "xlsx" else ""),
            "open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx)",
        ) from None


def read_sheets(path: Path) -> tuple[str, list[Sheet]]:
    """(format, sheets) of a spreadsheet file; UnreadableFile says why not."""
    try:
        package = _precheck(path)
    except OSError as exc:
        raise UnreadableFile("unreadable-file", f"cannot be opened ({exc.strerror})", "check the file is not open elsewhere") from None
    return package.kind, _read(package)
