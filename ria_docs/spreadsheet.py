"""Opening a spreadsheet file safely, whatever its format, as plain sheets of cells.

Checks come before any parsing: the file's size, what its zip would inflate
to, XML entity declarations (XML bombs, external entities), encryption. The
format is told from the content, not the name, so a .xls renamed .xlsx still
reads. Values come from python-calamine (fast, for every format); for Excel
workbooks (.xlsx, .xlsm) one streaming pass over each sheet's XML adds what
calamine does not report: hidden rows, sheet protection, error cells,
percentage formats and formulas without a saved result.
Either way the reader gets the same :class:`Sheet` and :class:`Cell` objects.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from .exceptions import UnreadableFile
from .text import clean_text

MAX_FILE_BYTES = 25 * 1024 * 1024  # a return is normally well under 1 MB
MAX_INFLATED_BYTES = 250 * 1024 * 1024
MAX_RATIO = 200  # deflate rarely beats 100:1 on real spreadsheet XML
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # legacy .xls, and any encrypted Office file
_ENTITY = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_FORMULA = re.compile(rb"<f[ >/]")
_PROTECTION = re.compile(rb"<(?:\w+:)?sheetProtection\b[^>]*>")
_SHEET_ON = re.compile(rb'\ssheet="(?:1|true)"')
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b(?=[^>]*\shidden="(?:1|true)")[^>]*\sr="(\d+)"')


@dataclass(frozen=True)
class Cell:
    """What the reader needs of a cell, whichever library read it."""

    row: int
    column: int
    value: object
    number_format: str = "General"
    error: bool = False  # an Excel error value such as #N/A, not text a chair typed

    @property
    def column_letter(self) -> str:
        return get_column_letter(self.column)

    @property
    def coordinate(self) -> str:
        return f"{self.column_letter}{self.row}"


@dataclass
class Sheet:
    title: str
    rows: dict[int, dict[int, Cell]] = field(default_factory=dict)  # non-empty cells only
    hidden_rows: list[int] = field(default_factory=list)
    hidden: bool = False
    protected: bool | None = None  # None: the format does not say
    formulas_without_values: list[tuple[str, str]] = field(default_factory=list)  # (ref, formula)


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def _is_empty(value) -> bool:
    """Nothing a person could see: no value, spaces, or only characters the cleaner drops."""
    if isinstance(value, str):
        return not value.strip() or not clean_text(value).text
    return value is None


def _precheck(path: Path) -> str:
    """The file's format ("xlsx", "ods", "xlsb" or "xls"), or UnreadableFile."""
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile("empty-file", "is empty (0 bytes)", "it was probably not saved; ask for it again")
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(
            "file-too-large", f"is {_size(size)}, more than the {_size(MAX_FILE_BYTES)} ria-docs reads",
            "check it is the right file; a return is normally well under 1 MB (remove pictures or pasted data)",
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        data = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise UnreadableFile(
                "password-protected", "is protected with a password, so it cannot be read",
                "open it in Excel, remove the password (File > Info > Protect Workbook), save it and send it again",
            )
        return "xls"
    if not head.startswith(b"PK"):
        text = head.isascii() and all(32 <= b < 127 or b in b"\t\r\n" for b in head)
        raise UnreadableFile(
            "not-a-workbook",
            "is not an Excel workbook: " + ("it holds plain text (a CSV file renamed?)" if text else "its content is not a spreadsheet"),
            "open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx)",
        )
    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
            names = {e.filename for e in entries}
            inflated = sum(e.file_size for e in entries)
            if inflated > MAX_INFLATED_BYTES or any(
                e.compress_size and e.file_size / e.compress_size > MAX_RATIO and e.file_size > 10 * 1024 * 1024
                for e in entries
            ):
                raise UnreadableFile(
                    "zip-bomb", f"would unpack to {_size(inflated)} from {_size(size)}, which no return needs",
                    "ask for the return to be saved again from Excel",
                )
            for entry in entries:
                if entry.filename.endswith((".xml", ".rels")) and _ENTITY.search(package.read(entry)):
                    raise UnreadableFile(
                        "xml-entities", f"contains XML entity declarations ({entry.filename}), which ria-docs refuses "
                        "to read because they can be used to attack the computer reading them",
                        "open it in Excel and save it as a new .xlsx; if it came from outside, check it first",
                    )
            if "mimetype" in names and b"opendocument.spreadsheet" in package.read("mimetype"):
                return "ods"
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except UnreadableFile:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError, OSError):
        # A cut-short file, flipped bytes, an encrypted or unusual zip: all "damaged" to a chair.
        raise UnreadableFile(
            "damaged-file", "is damaged: it is not a complete Excel file (perhaps cut short when sent)",
            "ask for it to be sent again",
        ) from None
    raise UnreadableFile(
        "not-a-workbook", "is a zip file but not an Excel workbook (a Word document or archive?)",
        "check it is the right file",
    )


@dataclass
class _SheetDetails:
    """What calamine does not report, read from a worksheet's XML."""

    hidden_rows: list[int] = field(default_factory=list)
    protected: bool = False
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> "#N/A"
    percent: set[tuple[int, int]] = field(default_factory=set)  # numbers shown as percentages
    formulas_without_values: list[tuple[str, str]] = field(default_factory=list)


def _position(ref: str | None) -> tuple[int, int] | None:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    if not ref:
        return None
    letters, row = coordinate_from_string(ref)
    return row, column_index_from_string(letters)


def _percent_styles(package: zipfile.ZipFile, main: str) -> set[int]:
    """Indexes of cell formats whose number format shows a percentage."""
    from defusedxml.ElementTree import fromstring

    if "xl/styles.xml" not in package.namelist():
        return set()
    styles = fromstring(package.read("xl/styles.xml"))
    percent_formats = {9, 10}  # Excel's built-in 0% and 0.00%
    for number_format in styles.iter(f"{main}numFmt"):
        if "%" in (number_format.get("formatCode") or ""):
            percent_formats.add(int(number_format.get("numFmtId")))
    cell_formats = styles.find(f"{main}cellXfs")
    if cell_formats is None:
        return set()
    return {i for i, xf in enumerate(cell_formats) if int(xf.get("numFmtId", 0)) in percent_formats}


def _xlsx_details(path: Path) -> dict[str, _SheetDetails]:
    """Sheet name -> hidden rows, protection, error cells, percentage cells and
    formulas whose result was never saved (Excel stores a result beside every
    formula, <f>..</f><v>..</v>; files written by scripts often do not).

    Small parts are parsed with defusedxml; sheets are streamed with lxml set
    never to load a DTD or resolve an entity (the pre-check has refused any).
    """
    from defusedxml.ElementTree import fromstring
    from lxml import etree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    details: dict[str, _SheetDetails] = {}
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        targets = {r.get("Id"): r.get("Target") for r in fromstring(package.read("xl/_rels/workbook.xml.rels"))}
        percent_styles = _percent_styles(package, main)
        for sheet in fromstring(package.read("xl/workbook.xml")).iter(f"{main}sheet"):
            target = targets.get(sheet.get(f"{rel}id"), "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if part not in names:
                continue
            found = details[sheet.get("name")] = _SheetDetails()
            data = package.read(part)
            protection = _PROTECTION.search(data)
            found.protected = bool(protection and _SHEET_ON.search(protection.group(0)))
            found.hidden_rows = [int(m.group(1)) for m in _HIDDEN_ROW.finditer(data)]
            if not (_FORMULA.search(data) or b't="e"' in data or percent_styles):
                continue  # nothing else to find: no need to visit every cell
            events = etree.iterparse(
                io.BytesIO(data), events=("end",), tag=f"{main}c",
                resolve_entities=False, load_dtd=False, no_network=True,
            )
            for _, element in events:
                kind, formula, value = element.get("t"), element.find(f"{main}f"), element.find(f"{main}v")
                if kind == "e":
                    position = _position(element.get("r"))
                    if position and value is not None and value.text:
                        found.errors[position] = value.text
                elif formula is not None and (value is None or (not value.text and kind != "str")):
                    # An empty result is only real for a text formula (t="str").
                    shown = f"={formula.text}" if formula.text else "a shared formula"
                    found.formulas_without_values.append((element.get("r"), shown))
                elif kind in (None, "n") and value is not None and int(element.get("s", 0)) in percent_styles:
                    position = _position(element.get("r"))
                    if position:
                        found.percent.add(position)
                element.clear()  # keep memory flat on long sheets
    return details


def _open_calamine(path: Path):
    """calamine reads from a file object: its paths must be valid UTF-8, file names need not be."""
    from python_calamine import CalamineWorkbook

    with path.open("rb") as handle:
        return CalamineWorkbook.from_filelike(io.BytesIO(handle.read()))


def _xlsx_sheets(path: Path) -> list[Sheet]:
    """Excel workbooks: values from calamine (fast), details from the sheets' XML."""
    try:
        details = _xlsx_details(path)
        workbook = _open_calamine(path)
        visible = {m.name: str(m.visible).lower().endswith("visible") for m in workbook.sheets_metadata}
        sheets = []
        for name in workbook.sheet_names:
            found = details.get(name, _SheetDetails())
            rows: dict[int, dict[int, Cell]] = {}
            for row_number, row in enumerate(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False), 1):
                cells = {}
                for column, value in enumerate(row, 1):
                    if not _is_empty(value):
                        number_format = "0%" if (row_number, column) in found.percent else "General"
                        cells[column] = Cell(row_number, column, value, number_format)
                if cells:
                    rows[row_number] = cells
            for (row_number, column), error in found.errors.items():  # calamine reads these as blanks
                rows.setdefault(row_number, {})[column] = Cell(row_number, column, error, error=True)
            hidden_rows = sorted(r for r in found.hidden_rows if r in rows)
            sheets.append(Sheet(name, rows, hidden_rows, hidden=not visible.get(name, True), protected=found.protected,
                                formulas_without_values=found.formulas_without_values))
        return sheets
    except UnreadableFile:
        raise
    except Exception as exc:  # a part missing or malformed, whichever library noticed
        if type(exc).__module__.startswith("defusedxml"):
            raise UnreadableFile(
                "xml-entities", "contains XML that ria-docs refuses to read (entity declarations)",
                "open it in Excel and save it as a new .xlsx",
            ) from None
        raise UnreadableFile(
            "damaged-file", f"could not be read as an Excel workbook ({type(exc).__name__})",
            "open it in Excel and save it again as an Excel Workbook (.xlsx)",
        ) from None


def _calamine_sheets(path: Path) -> list[Sheet]:
    try:
        workbook = _open_calamine(path)
        visible = {m.name: str(m.visible).lower().endswith("visible") for m in workbook.sheets_metadata}
        sheets = []
        for name in workbook.sheet_names:
            values = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            rows: dict[int, dict[int, Cell]] = {}
            for row_number, row in enumerate(values, start=1):
                cells = {c: Cell(row_number, c, v) for c, v in enumerate(row, start=1) if not _is_empty(v)}
                if cells:
                    rows[row_number] = cells
            sheets.append(Sheet(name, rows, hidden=not visible.get(name, True)))
    except Exception as exc:  # calamine's errors are plain exceptions with a message
        message = str(exc).lower()
        if "password" in message or "encrypt" in message:
            raise UnreadableFile(
                "password-protected", "is protected with a password, so it cannot be read",
                "open it in Excel, remove the password, save it and send it again",
            ) from None
        raise UnreadableFile(
            "damaged-file", "could not be read as a spreadsheet",
            "open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx)",
        ) from None
    return sheets


def read_sheets(path: Path) -> tuple[str, list[Sheet]]:
    """(format, sheets) of a spreadsheet file; UnreadableFile says why not."""
    try:
        kind = _precheck(path)
        return kind, (_xlsx_sheets(path) if kind == "xlsx" else _calamine_sheets(path))
    except OSError as exc:
        raise UnreadableFile("unreadable-file", f"cannot be opened ({exc.strerror})", "check the file is not open elsewhere") from None
