"""Opening a spreadsheet file safely, whatever its format, as plain sheets of cells.

Checks come before any parsing: the file's size, what its zip would inflate
to, XML entity declarations (XML bombs, external entities), encryption. The
format is told from the content, not the name, so a .xls renamed .xlsx still
reads. Excel workbooks (.xlsx, .xlsm) are read with openpyxl, which keeps
hidden rows and sheet protection; .xls, .ods and .xlsb with python-calamine.
Either way the reader gets the same :class:`Sheet` and :class:`Cell` objects.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
import zlib
from collections import defaultdict
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
    return value is None or (isinstance(value, str) and not clean_text(value).text)


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


def _formulas_without_values(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Sheet name -> (cell, formula) of formulas whose result was never saved.

    Read from the sheets' XML: Excel stores a result beside every formula
    (<f>..</f><v>..</v>); files written by scripts often do not.
    """
    from lxml import etree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    found: dict[str, list[tuple[str, str]]] = {}
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        if not any(_FORMULA.search(package.read(n)) for n in names if n.startswith("xl/worksheets/")):
            return found
        targets = {
            r.get("Id"): r.get("Target")
            for r in etree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
        }
        for sheet in etree.fromstring(package.read("xl/workbook.xml")).iter(f"{main}sheet"):
            target = targets.get(sheet.get(f"{rel}id"), "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if part not in names:
                continue
            data = package.read(part)
            if not _FORMULA.search(data):
                continue
            for _, cell in etree.iterparse(io.BytesIO(data), tag=f"{main}c", resolve_entities=False):
                formula, value = cell.find(f"{main}f"), cell.find(f"{main}v")
                # An empty result is only real for a text formula (t="str").
                if formula is not None and (value is None or (not value.text and cell.get("t") != "str")):
                    shown = f"={formula.text}" if formula.text else "a shared formula"
                    found.setdefault(sheet.get("name"), []).append((cell.get("r"), shown))
                cell.clear()
    return found


def _openpyxl_sheets(path: Path) -> list[Sheet]:
    import openpyxl

    with warnings.catch_warnings():
        # Chairs' workbooks carry data validation and extensions openpyxl
        # warns about; they do not affect the values.
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(path, data_only=True, rich_text=False)
            formulas = _formulas_without_values(path)
        except UnreadableFile:
            raise
        except Exception as exc:  # openpyxl raises many types for malformed parts
            causes, cause = [], exc
            while cause is not None:  # openpyxl wraps the parser's error in a ValueError
                causes.append(cause)
                cause = cause.__cause__
            if any(type(c).__module__.startswith("defusedxml") for c in causes):
                raise UnreadableFile(
                    "xml-entities", "contains XML that ria-docs refuses to read (entity declarations)",
                    "open it in Excel and save it as a new .xlsx",
                ) from None
            raise UnreadableFile(
                "damaged-file", f"could not be read as an Excel workbook ({type(exc).__name__})",
                "open it in Excel and save it again as an Excel Workbook (.xlsx)",
            ) from None
    sheets = []
    try:
        for ws in workbook.worksheets:
            sheet = Sheet(ws.title, hidden=ws.sheet_state != "visible", protected=bool(ws.protection.sheet),
                          formulas_without_values=formulas.get(ws.title, []))
            rows: dict[int, dict[int, Cell]] = defaultdict(dict)
            # openpyxl's cell store, not the sheet's dimensions: one formatted
            # cell at row 1,048,576 would otherwise mean a million empty rows.
            for (row, column), cell in ws._cells.items():
                if not _is_empty(cell.value):
                    rows[row][column] = Cell(row, column, cell.value, cell.number_format or "General",
                                             error=cell.data_type == "e")
            sheet.rows = dict(rows)
            sheet.hidden_rows = [r for r in sorted(rows) if ws.row_dimensions[r].hidden]
            sheets.append(sheet)
    finally:
        workbook.close()
    return sheets


def _calamine_sheets(path: Path) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
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
        return kind, (_openpyxl_sheets(path) if kind == "xlsx" else _calamine_sheets(path))
    except OSError as exc:
        raise UnreadableFile("unreadable-file", f"cannot be opened ({exc.strerror})", "check the file is not open elsewhere") from None
