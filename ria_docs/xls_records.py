"""What a legacy .xls file says that python-calamine does not report.

calamine reads an .xls's values but shows an error cell (#VALUE!, #N/A) as a
blank, gives no formulas, no percentage formats, no hidden rows, no sheet
protection, and sizes its table from the cells before we can check them. This
module reads the file's records directly: the compound file (OLE2) container,
then the BIFF8 records of the Workbook stream. It builds no cells: only each
sheet's protection, hidden rows, error and formula cells, percentage cells
and the rectangle its values cover, so that a stray far-away cell is refused
before calamine allocates a table for it.

Anything malformed raises :class:`XlsDamaged`; the caller reports the file as
damaged. Every loop is bounded by the file's length.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from .spreadsheet import SheetDetails

FREE, END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
ERROR_CODES = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
               0x2A: "#N/A"}
PERCENT_FORMATS = {9, 10}  # Excel's built-in 0% and 0.00%

# BIFF8 record types used here.
BOF, EOF, BOUNDSHEET, FORMAT, XF = 0x0809, 0x000A, 0x0085, 0x041E, 0x00E0
PROTECT, ROW, NOTE, DIMENSIONS = 0x0012, 0x0208, 0x001C, 0x0200
FORMULA, BOOLERR, NUMBER, RK, LABELSST, LABEL, MULRK, RSTRING = 0x0006, 0x0205, 0x0203, 0x027E, 0x00FD, 0x0204, 0x00BD, 0x00D6
VALUE_RECORDS = {NUMBER, RK, LABELSST, LABEL, RSTRING, BOOLERR, FORMULA}


class XlsDamaged(Exception):
    """The file is not a well-formed .xls."""


@dataclass
class XlsSheet(SheetDetails):
    """One sheet's details, as its records give them (protected only if they say so)."""

    name: str = ""
    protected: bool | None = False


def _u16(data: bytes, offset: int) -> int:
    return struct.unpack_from("<H", data, offset)[0]


def _u32(data: bytes, offset: int) -> int:
    return struct.unpack_from("<I", data, offset)[0]


def _chain(table: list[int], start: int, limit: int) -> list[int]:
    """The sectors of a chain, refusing loops and chains longer than the file."""
    sectors: list[int] = []
    current = start
    while current not in (END_OF_CHAIN, FREE):
        if current >= len(table) or len(sectors) > limit:
            raise XlsDamaged("broken sector chain")
        sectors.append(current)
        current = table[current]
    return sectors


def workbook_stream(data: bytes) -> bytes:
    """The "Workbook" stream of a compound file (also "Book", from Excel 5)."""
    try:
        return _workbook_stream(data)
    except (struct.error, IndexError, ValueError) as exc:
        raise XlsDamaged(str(exc)) from None


def _workbook_stream(data: bytes) -> bytes:
    if len(data) < 512 or data[:8] != bytes.fromhex("D0CF11E0A1B11AE1"):
        raise XlsDamaged("not a compound file")
    sector_size = 1 << _u16(data, 0x1E)
    mini_size = 1 << _u16(data, 0x20)
    if sector_size not in (512, 4096) or mini_size != 64:
        raise XlsDamaged("unusual sector size")
    sectors_in_file = max(len(data) // sector_size, 1)

    def sector(number: int) -> bytes:
        start = (number + 1) * sector_size
        if start >= len(data):
            raise XlsDamaged("sector outside the file")
        return data[start:start + sector_size]

    fat_sectors = [_u32(data, 0x4C + 4 * i) for i in range(109)]
    next_difat, difat_count = _u32(data, 0x44), _u32(data, 0x48)
    for _ in range(difat_count):
        if next_difat in (END_OF_CHAIN, FREE):
            break
        block = sector(next_difat)
        fat_sectors += [_u32(block, 4 * i) for i in range(sector_size // 4 - 1)]
        next_difat = _u32(block, sector_size - 4)
    fat: list[int] = []
    for number in fat_sectors[:_u32(data, 0x2C)]:
        if number in (FREE, END_OF_CHAIN):
            continue
        block = sector(number)
        fat += struct.unpack(f"<{sector_size // 4}I", block)

    def read_chain(start: int) -> bytes:
        return b"".join(sector(n) for n in _chain(fat, start, sectors_in_file))

    directory = read_chain(_u32(data, 0x30))
    entries = []
    for offset in range(0, len(directory) - 127, 128):
        name_length = _u16(directory, offset + 64)
        name = directory[offset:offset + max(name_length - 2, 0)].decode("utf-16-le", "replace")
        kind, start, size = directory[offset + 66], _u32(directory, offset + 116), _u32(directory, offset + 120)
        entries.append((name, kind, start, size))
    if not entries:
        raise XlsDamaged("no directory")
    streams = {name: (start, size) for name, kind, start, size in entries if kind == 2}
    found = streams.get("Workbook") or streams.get("Book")
    if found is None:
        raise XlsDamaged("no Workbook stream")
    start, size = found
    if size > len(data) * 2:
        raise XlsDamaged("stream larger than the file")
    if size >= _u32(data, 0x38):  # the mini stream cut-off, 4096
        return read_chain(start)[:size]
    _root_name, _kind, root_start, root_size = entries[0]
    mini_stream = read_chain(root_start)[:root_size]
    mini_fat_bytes = read_chain(_u32(data, 0x3C)) if _u32(data, 0x3C) not in (END_OF_CHAIN, FREE) else b""
    mini_fat = list(struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes))
    chain = _chain(mini_fat, start, len(mini_stream) // mini_size + 1)
    return b"".join(mini_stream[n * mini_size:(n + 1) * mini_size] for n in chain)[:size]


def _records(stream: bytes, start: int = 0) -> Iterator[tuple[int, bytes]]:

    """(type, data) of each record from ``start``."""
    offset = start
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        yield kind, stream[offset + 4:offset + 4 + length]
        offset += 4 + length


def _short_string(data: bytes, offset: int, length_bytes: int = 1) -> str:
    """A BIFF8 unicode string: length, flags, then Latin-1 or UTF-16 characters."""
    length = data[offset] if length_bytes == 1 else _u16(data, offset)
    flags = data[offset + length_bytes]
    body = data[offset + length_bytes + 1:]
    return body[:length * 2].decode("utf-16-le", "replace") if flags & 1 else body[:length].decode("latin-1")


def read_xls(data: bytes) -> list[XlsSheet]:
    """Each worksheet's details, in workbook order."""
    stream = workbook_stream(data)
    try:
        return _read_biff(stream)
    except (struct.error, IndexError, ValueError) as exc:
        raise XlsDamaged(str(exc)) from None


def _read_biff(stream: bytes) -> list[XlsSheet]:
    formats: dict[int, str] = {}
    percent_formats = set(PERCENT_FORMATS)
    cell_formats: list[int] = []
    sheets: list[tuple[int, XlsSheet]] = []
    for kind, body in _records(stream):
        if kind == BOUNDSHEET:
            # Every sheet, worksheet or not (chart, macro, module): calamine makes a table of each.
            sheets.append((_u32(body, 0), XlsSheet(name=_short_string(body, 6))))
        elif kind == FORMAT:
            code = _short_string(body, 2, length_bytes=2)
            formats[_u16(body, 0)] = code
        elif kind == XF:
            cell_formats.append(_u16(body, 2))
        elif kind == EOF:
            break
    from .spreadsheet import shows_percent

    percent_formats |= {number for number, code in formats.items() if shows_percent(code)}
    percent_xfs = {index for index, number in enumerate(cell_formats) if number in percent_formats}
    for position, sheet in sheets:
        if position >= len(stream):
            raise XlsDamaged("sheet outside the stream")
        _read_sheet(stream, position, sheet, percent_xfs)
    return [sheet for _, sheet in sheets]


def _read_sheet(stream: bytes, position: int, sheet: XlsSheet, percent_xfs: set[int]) -> None:
    depth = 0
    for kind, body in _records(stream, position):
        if kind == BOF:
            depth += 1
            continue
        if kind == EOF:
            depth -= 1
            if depth <= 0:
                return
            continue
        if depth != 1:
            continue  # an embedded chart's records
        if kind == DIMENSIONS and len(body) >= 12:
            # calamine sizes its table from this record before reading a cell: it counts as far as it says.
            last_row, last_column = _u32(body, 4), _u16(body, 10)
            if last_row and last_column:
                sheet.include(last_row, last_column, count=0)
        elif kind == NOTE and len(body) >= 4:
            sheet.notes[_u16(body, 0) + 1, _u16(body, 2) + 1] = ""
        elif kind == PROTECT and len(body) >= 2:
            sheet.protected = _u16(body, 0) == 1
        elif kind == ROW and len(body) >= 16:
            if _u16(body, 12) & 0x20:  # fDyZero: the row is hidden
                sheet.hidden_rows.append(_u16(body, 0) + 1)
        elif kind == MULRK and len(body) >= 6:
            row, first = _u16(body, 0), _u16(body, 2)
            count = (len(body) - 6) // 6
            for index in range(count):
                xf = _u16(body, 4 + 6 * index)
                sheet.include(row + 1, first + index + 1)
                if xf in percent_xfs:
                    sheet.percent.add((row + 1, first + index + 1))
        elif kind in VALUE_RECORDS and len(body) >= 6:
            row, column, xf = _u16(body, 0) + 1, _u16(body, 2) + 1, _u16(body, 4)
            sheet.include(row, column)
            if kind == BOOLERR and len(body) >= 8 and body[7] == 1:
                sheet.errors[row, column] = ERROR_CODES.get(body[6], "#ERROR")
            elif kind == FORMULA and len(body) >= 14:
                sheet.formulas[row, column] = "a formula"
                result = body[6:14]
                if result[6:8] == b"\xff\xff" and result[0] == 2:
                    sheet.errors[row, column] = ERROR_CODES.get(result[2], "#ERROR")
                elif xf in percent_xfs and result[6:8] != b"\xff\xff":
                    sheet.percent.add((row, column))
            elif kind in (NUMBER, RK) and xf in percent_xfs:
                sheet.percent.add((row, column))
