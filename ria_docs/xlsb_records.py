"""What a binary .xlsb workbook says that python-calamine does not report.

An .xlsb is a zip package like an .xlsx, but its parts hold binary records
([MS-XLSB]) instead of XML. calamine reads its values, but sizes its table
from the cells' positions before we can check them (one value at XFD1048576
in a 5 KB file and the process aborts allocating hundreds of GB), shows an
error formula's cell as a blank, and gives no hidden rows, sheet protection
or percentage formats. This module reads the parts' records directly: the
sheet list in xl/workbook.bin, the relationships in
xl/_rels/workbook.bin.rels, the number formats in xl/styles.bin and each
sheet's cell records. It builds no cells: only each sheet's protection,
hidden rows, error and formula cells, percentage cells, the rectangle its
values cover and how many there are, so that a stray far-away cell is refused
before calamine allocates a table for it.

A record is a type (1 or 2 bytes) and a size (1 to 4 bytes), 7 bits a byte
with the high bit saying another byte follows, then the body. Anything
malformed raises :class:`XlsbDamaged`; the caller reports the file as damaged.
Every loop is bounded by the length of the part it reads.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from .spreadsheet import SheetDetails

ERROR_CODES = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
               0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
PERCENT_FORMATS = {9, 10}  # Excel's built-in 0% and 0.00%
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384  # what Excel allows; beyond is not a valid file
# Records read in one workbook: a return has a few thousand. Reading takes about a second a million, so a
# package of 250 MB of tiny records (each part small enough to pass the zip checks) is refused in seconds.
MAX_RECORDS = 3_000_000

# Record types ([MS-XLSB] 2.3.2), checked against files Excel wrote.
ROW_HEADER = 0x0000  # BrtRowHdr: rw u32, ixfe u32, miyRw u16, flags u16 (0x1000 fDyZero: hidden), ...
CELL_BLANK, CELL_RK, CELL_ERROR, CELL_BOOL, CELL_REAL, CELL_ST, CELL_ISST = 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07
FMLA_STRING, FMLA_NUM, FMLA_BOOL, FMLA_ERROR = 0x08, 0x09, 0x0A, 0x0B
# The "short" cells: no column of their own, the one after the previous cell in the row.
SHORT_BLANK, SHORT_RK, SHORT_ERROR, SHORT_BOOL, SHORT_REAL, SHORT_ST, SHORT_ISST = 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12
SHORT_RSTRING, CELL_RSTRING = 0x3D, 0x3E  # rich-text strings kept in the cell
BEGIN_SHEETS, END_SHEETS, BUNDLE_SHEET = 0x008F, 0x0090, 0x009C  # BrtBeginBundleShs, BrtEndBundleShs, BrtBundleSh
SHEET_PROTECTION = 0x0217  # BrtSheetProtection: protpwd u16, fLocked u32, ...
SHEET_PROTECTION_ISO = 0x02A6  # BrtSheetProtectionIso (a SHA-512 password): dwSpinCount u32, fLocked u32, ...
NUMBER_FORMAT, CELL_FORMAT = 0x002C, 0x002F  # BrtFmt (ifmt u16, stFmtCode), BrtXF (ixfeParent u16, iFmt u16, ...)
BEGIN_CELL_FORMATS, END_CELL_FORMATS = 0x0269, 0x026A  # BrtBeginCellXFs, BrtEndCellXFs

# Each cell record, the fewest bytes its body can have: column (not in short cells), style, value, and for a
# formula its flags and the formula's length.
MIN_SIZE = {
    CELL_BLANK: 8, CELL_RK: 12, CELL_ERROR: 9, CELL_BOOL: 9, CELL_REAL: 16, CELL_ST: 12, CELL_ISST: 12,
    FMLA_STRING: 18, FMLA_NUM: 22, FMLA_BOOL: 15, FMLA_ERROR: 15, CELL_RSTRING: 13,
    SHORT_BLANK: 4, SHORT_RK: 8, SHORT_ERROR: 5, SHORT_BOOL: 5, SHORT_REAL: 12, SHORT_ST: 8, SHORT_ISST: 8,
    SHORT_RSTRING: 9,
}
SHORT_CELLS = {SHORT_BLANK, SHORT_RK, SHORT_ERROR, SHORT_BOOL, SHORT_REAL, SHORT_ST, SHORT_ISST, SHORT_RSTRING}
BLANKS = {CELL_BLANK, SHORT_BLANK}  # formatting only, no value
FORMULAS = {FMLA_STRING, FMLA_NUM, FMLA_BOOL, FMLA_ERROR}
ERRORS = {CELL_ERROR, SHORT_ERROR, FMLA_ERROR}
NUMBERS = {CELL_RK, CELL_REAL, SHORT_RK, SHORT_REAL, FMLA_NUM}

_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


class XlsbDamaged(Exception):
    """The file is not a well-formed .xlsb."""


class XlsbTooLarge(Exception):
    """The workbook holds far more records or filled cells than any return (the message says which)."""


@dataclass
class XlsbSheet(SheetDetails):
    """One sheet's details, as its records give them (protected only if they say so)."""

    name: str = ""
    protected: bool | None = False
    part: str = ""  # the zip entry of its records
    unread: list[tuple[int, int]] = field(default_factory=list)  # cells calamine skips (short and rich-text cells)


def _u16(data: bytes, offset: int) -> int:
    return struct.unpack_from("<H", data, offset)[0]


def _u32(data: bytes, offset: int) -> int:
    return struct.unpack_from("<I", data, offset)[0]


def records(data: bytes, budget: list[int] | None = None) -> Iterator[tuple[int, bytes]]:
    """(type, body) of each record of a part, in order; ``budget`` ([records
    left]) is shared by the parts of one workbook.

    Stricter than the format needs, so that whatever passes is framed the same
    way by any reader: the second byte of a type and the fourth of a size
    never say "more", and a body never runs past the end of the part.
    """
    offset, end = 0, len(data)
    while offset < end:  # each turn moves on by at least two bytes
        kind = data[offset]
        offset += 1
        if kind & 0x80:
            if offset >= end or data[offset] & 0x80:
                raise XlsbDamaged("bad record type")
            kind = (kind & 0x7F) | (data[offset] << 7)
            offset += 1
        size = 0
        for shift in (0, 7, 14, 21):
            if offset >= end:
                raise XlsbDamaged("record cut short")
            byte = data[offset]
            offset += 1
            size |= (byte & 0x7F) << shift
            if not byte & 0x80:
                break
        else:
            raise XlsbDamaged("bad record size")
        if offset + size > end:
            raise XlsbDamaged("record runs past the end of its part")
        if budget is not None:
            budget[0] -= 1
            if budget[0] < 0:
                raise XlsbTooLarge(f"holds more than {MAX_RECORDS:,} records, far more than a return needs")
        yield kind, data[offset:offset + size]
        offset += size


def _wide_string(data: bytes, offset: int, *, nullable: bool = False) -> tuple[str | None, int]:
    """An XLWideString (u32 count of UTF-16 units, then the units) and the offset after it.
    A nullable one may instead hold 0xFFFFFFFF: no string."""
    count = _u32(data, offset)
    offset += 4
    if nullable and count == 0xFFFFFFFF:
        return None, offset
    if offset + 2 * count > len(data):
        raise XlsbDamaged("string runs past its record")
    return data[offset:offset + 2 * count].decode("utf-16-le", "replace"), offset + 2 * count


def _normalised(name: str) -> str:
    """A zip entry name as calamine looks it up: any case, "\\" or "/"."""
    return name.replace("\\", "/").lower()


def _lookup(parts: dict[str, bytes]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for name, data in parts.items():
        key = _normalised(name)
        if key in found:  # two entries calamine cannot tell apart: which one it reads is anyone's guess
            raise XlsbDamaged(f"two parts named {key}")
        found[key] = data
    return found


def _targets(rels: bytes) -> dict[str, str]:
    """Relationship id -> target, from xl/_rels/workbook.bin.rels."""
    from .spreadsheet import small_xml

    return {rid: r.get("Target") or "" for r in small_xml(rels).iter(_RELATIONSHIPS) if (rid := r.get("Id"))}



def _percent_styles(styles: bytes | None, budget: list[int]) -> set[int]:
    """Indexes of cell formats (BrtXF in the cell formats block) whose number format shows a percentage."""
    from .spreadsheet import shows_percent

    if not styles:
        return set()
    percent_formats = set(PERCENT_FORMATS)
    cell_formats: list[int] = []
    in_cell_formats = False
    for kind, body in records(styles, budget):
        if kind == NUMBER_FORMAT:
            code, _ = _wide_string(body, 2)
            if shows_percent(code or ""):
                percent_formats.add(_u16(body, 0))
        elif kind == BEGIN_CELL_FORMATS:
            in_cell_formats = True
        elif kind == END_CELL_FORMATS:
            in_cell_formats = False
        elif kind == CELL_FORMAT and in_cell_formats:
            cell_formats.append(_u16(body, 2))
    return {index for index, number in enumerate(cell_formats) if number in percent_formats}


def read_xlsb(parts: dict[str, bytes]) -> list[XlsbSheet]:
    """Each sheet's details, in workbook order, from the package's parts (zip
    entry name -> bytes: the .bin parts and the workbook's relationships)."""
    try:
        return _read_xlsb(parts)
    except (struct.error, IndexError, ValueError, KeyError) as exc:
        raise XlsbDamaged(str(exc)) from None
    except Exception as exc:
        if type(exc).__module__.startswith(("lxml", "xml.")):  # the relationships are not XML
            raise XlsbDamaged(str(exc)) from None
        raise


def _read_xlsb(parts: dict[str, bytes]) -> list[XlsbSheet]:
    found = _lookup(parts)
    if "xl/workbook.xml" in found:  # calamine would read the package as an .xlsx, whatever these records say
        raise XlsbDamaged("both xl/workbook.xml and xl/workbook.bin")
    workbook, rels = found.get("xl/workbook.bin"), found.get("xl/_rels/workbook.bin.rels")
    if workbook is None or rels is None:
        raise XlsbDamaged("no workbook or no relationships")
    targets = _targets(rels)
    budget = [MAX_RECORDS]
    sheets: list[XlsbSheet] = []
    for kind, body in records(workbook, budget):
        if kind == BUNDLE_SHEET:
            relation, offset = _wide_string(body, 8, nullable=True)
            name, _ = _wide_string(body, offset)
            if relation is None:
                continue  # calamine skips a sheet without a relationship too
            if relation not in targets:
                raise XlsbDamaged(f"sheet {name!r} has no relationship {relation!r}")
            sheets.append(XlsbSheet(name=name or "", part=_normalised(f"xl/{targets[relation]}")))
        elif kind == END_SHEETS:
            break
    from .spreadsheet import MAX_FILLED_CELLS

    percent_styles = _percent_styles(found.get("xl/styles.bin"), budget)
    filled = 0
    for sheet in sheets:
        data = found.get(sheet.part)
        if data is None:
            raise XlsbDamaged(f"no part {sheet.part} for sheet {sheet.name!r}")
        _read_sheet(data, sheet, percent_styles, budget, MAX_FILLED_CELLS - filled)
        filled += sheet.filled
    return sheets


def _read_sheet(data: bytes, sheet: XlsbSheet, percent_styles: set[int], budget: list[int] | None = None,
                most: int | None = None) -> None:
    """One sheet's details; XlsbTooLarge past ``most`` filled cells (before the
    error and formula maps grow with them)."""
    row, column = 0, -1  # 0-based, as in the records; the column of the previous cell in the row
    for kind, body in records(data, budget):
        if kind == ROW_HEADER:
            if len(body) < 13:
                raise XlsbDamaged("short row header")
            row, column = _u32(body, 0), -1
            if row >= MAX_ROW:
                raise XlsbDamaged("row beyond the last row a sheet can have")
            if _u16(body, 10) & 0x1000:  # fDyZero: the row is hidden
                sheet.hidden_rows.append(row + 1)
            continue
        if kind in (SHEET_PROTECTION, SHEET_PROTECTION_ISO):
            flag = 2 if kind == SHEET_PROTECTION else 4  # where fLocked is
            if len(body) < flag + 4:
                raise XlsbDamaged("short sheet protection")
            sheet.protected = sheet.protected or _u32(body, flag) == 1
            continue
        minimum = MIN_SIZE.get(kind)
        if minimum is None:
            continue  # not a cell
        if len(body) < minimum:
            raise XlsbDamaged("short cell record")
        if kind in SHORT_CELLS:
            column, style = column + 1, _u32(body, 0) & 0xFFFFFF
            value = body[4:]
        else:
            column, style = _u32(body, 0), _u32(body, 4) & 0xFFFFFF
            value = body[8:]
        if column >= MAX_COLUMN:
            raise XlsbDamaged("column beyond the last column a sheet can have")
        if kind in (CELL_ST, SHORT_ST, FMLA_STRING):
            _wide_string(value, 0)  # the string must fit in its record
        if kind in BLANKS:
            continue
        position = (row + 1, column + 1)
        sheet.include(*position)
        if kind in SHORT_CELLS or kind == CELL_RSTRING:
            sheet.unread.append(position)
        if most is not None and sheet.filled > most:
            raise XlsbTooLarge("has more filled cells than a return needs (a few thousand)")
        if kind in FORMULAS:
            sheet.formulas[position] = "a formula"
        if kind in ERRORS:
            sheet.errors[position] = ERROR_CODES.get(value[0], "#ERROR")
        elif kind in NUMBERS and style in percent_styles:
            sheet.percent.add(position)
