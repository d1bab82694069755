"""Stage 1: read a return workbook into cleaned cells with their references.

The reader knows the layout (sheet names, headers, About labels) but not the
meaning of values: it finds the sheets and columns, cleans every cell with
:func:`ria_docs.text.clean_text`, and reports every non-empty cell it does not
hand on (extra sheets, extra columns, unknown About labels) as ignored.
Meaning (networks, themes, RAG words...) is checked by :mod:`ria_docs.validate`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .cell_refs import column_letter
from .exceptions import UnreadableFile
from .ledger import CellNotes
from .report import Report
from .return_layout import (
    ABOUT_COMPUTED,
    ABOUT_HEADINGS,
    ABOUT_LABELS,
    LAYOUT_SHEETS,
    SHEETS,
    SHEETS_BY_KEY,
    SheetSpec,
)
from .spreadsheet import Cell, Sheet, read_sheets
from .text import CleanText, clean_text, did_you_mean, listed, loose_key, renamed_from, suggest

RETURN_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
LONG_CELL = 2000  # characters; longer is read, with a warning


@dataclass(frozen=True)
class CellText:
    ref: str  # "D7"
    row: int
    text: CleanText
    value: object  # the value as the spreadsheet gave it (bool, date, number or str)


@dataclass
class SheetData:
    title: str  # as spelled in the workbook
    columns: dict[str, str] = field(default_factory=dict)  # key -> column letter
    rows: list[dict[str, CellText]] = field(default_factory=list)
    # (row, key) of cells refused with an error (a formula, an error value): not
    # blank, so checks that a row needs them do not report them missing as well.
    refused: set[tuple[int, str]] = field(default_factory=set)


@dataclass
class RawReturn:
    file: str  # relative to the inputs folder, for messages
    about: dict[str, CellText] = field(default_factory=dict)
    about_title: str = "About"
    about_label_rows: dict[str, int] = field(default_factory=dict)  # key -> row of its label
    sheets: dict[str, SheetData] = field(default_factory=dict)  # key: spec name, lower case
    # The issued Instructions and Lists sheets, found unprotected (a chair lifted the protection, or
    # the file was saved without it): title -> {"A1": text}, for the validator to tell what was typed
    # there from what ria-docs issued.
    issued_sheets: dict[str, dict[str, str]] = field(default_factory=dict)
    cells: CellNotes = field(default_factory=CellNotes)  # what the reader read, and set aside as layout or ignored
    is_return: bool = True  # False for a workbook with no About sheet: its cells are counted, never used


def _display(cell: Cell) -> str:
    """A non-text cell as the chair saw it in Excel, near enough."""
    value = cell.value
    if value is None:  # a formula with no saved result
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, (int, float)):
        if "%" in cell.number_format:
            return f"{value * 100:g}%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    return str(value)


def _refs(cells: Iterable[Cell]) -> list[str]:
    return [cell.coordinate for cell in cells]


class _ReturnReader:
    def __init__(self, path: Path, file: str, report: Report) -> None:
        self.path = path
        self.file = file
        self.report = report
        self.cells = CellNotes()

    # -- helpers ---------------------------------------------------------
    def _cell(self, sheet: str, cell: Cell) -> CellText:
        value = cell.value
        text = clean_text(value if isinstance(value, str) else _display(cell))
        ref = cell.coordinate
        if text.removed:
            self.report.warning(
                "removed-characters",
                f"removed characters that cannot go into a Word document: {', '.join(text.removed)}",
                file=self.file, sheet=sheet, cell=ref,
                hint="check the text still reads as intended",
            )
        if len(text.text) > LONG_CELL:
            self.report.warning(
                "long-cell", f"holds {len(text.text):,} characters, far more than a bullet in a table cell",
                file=self.file, sheet=sheet, cell=ref,
                hint="check it is meant to be one cell; split it over several rows if it is several points",
            )
        return CellText(ref, cell.row, text, value)

    def _ignore(self, sheet: str, refs: list[str], message: str, hint: str | None = None) -> None:
        self.cells.ignored.extend(f"{sheet}!{ref}" for ref in refs)
        shown = listed(refs)
        self.report.warning(
            "ignored-cells", f"{message}, so {len(refs)} cell(s) are not used: {shown}",
            file=self.file, sheet=sheet, hint=hint,
        )

    def _refuse(self, sheet: str, refs: list[str], kind: str, message: str, hint: str,
                cell: str | None = None) -> None:
        """Cells that cannot be read where they are, and would be lost: an error, so the return is fixed."""
        self.cells.ignored.extend(f"{sheet}!{ref}" for ref in refs)
        self.report.error(kind, message, file=self.file, sheet=sheet, cell=cell, hint=hint)

    # -- the whole file ----------------------------------------------------
    def read(self) -> RawReturn | None:
        try:
            _kind, sheets = read_sheets(self.path)
        except UnreadableFile as problem:
            self.report.error(problem.kind, problem.message, file=self.file, hint=problem.hint)
            return None
        return self._read_workbook(sheets)

    def _read_workbook(self, sheets: list[Sheet]) -> RawReturn:
        raw = RawReturn(self.file, cells=self.cells)
        seen: set[str] = set()
        extra: list[Sheet] = []
        for sheet in sheets:
            key = loose_key(sheet.title)
            if key in LAYOUT_SHEETS and sheet.protected:
                continue  # the team's Instructions and dropdown lists, as issued (and still protected)
            self.cells.read.extend(f"{sheet.title}!{c.coordinate}" for r in sorted(sheet.rows)
                                          for c in _row(sheet, r))
            self._notes(sheet)
            if key == "about" and key not in seen:
                seen.add(key)
                self._read_about(sheet, raw)
            elif key in SHEETS_BY_KEY and key not in seen:
                seen.add(key)
                spec = SHEETS_BY_KEY[key]
                data = self._read_table(sheet, spec)
                if data is not None:
                    raw.sheets[spec.name.lower()] = data
            else:
                extra.append(sheet)
        for sheet in extra:  # once every sheet is known: a renamed sheet is one whose original is missing
            self._extra_sheet(sheet, seen, raw)
        if "about" not in seen:
            names = ", ".join(f'"{sheet.title}"' for sheet in sheets)
            self.report.error(
                "not-a-return",
                f"has no About sheet, so it is not a network return (its sheets: {names})",
                file=self.file,
                hint="use the workbook issued by the regional team, or add an About sheet with Network and Period",
            )
            raw.is_return = False
        return raw

    def _notes(self, sheet: Sheet) -> None:
        """Notes (comments) on cells are not part of the return: named, with what they say."""
        if not sheet.notes:
            return
        self.cells.ignored.extend(f"{sheet.title}!{ref} (note)" for ref in sheet.notes)
        shown = [f'{ref} ("{text[:60]}{"..." if len(text) > 60 else ""}")' if text else ref
                 for ref, text in sheet.notes.items()]
        self.report.warning(
            "notes", f"{len(shown)} note(s) on cells are not used: {listed(shown, 4)}", file=self.file,
            sheet=sheet.title, hint="type into the return's cells anything in a note that should reach the plan",
        )

    def _extra_sheet(self, sheet: Sheet, seen: set[str], raw: RawReturn) -> None:
        """A sheet ria-docs does not read: a warning, unless it looks like one it
        reads that is missing (renamed or misspelt), when its cells would be lost."""
        key = loose_key(sheet.title)
        refs = [c.coordinate for r in sorted(sheet.rows) for c in _row(sheet, r)]
        known = ["About", *(spec.name for spec in SHEETS.values())]
        guess = None if key in LAYOUT_SHEETS else renamed_from(sheet.title, known) or _sheet_by_headers(sheet)
        if key in seen and refs:
            self._refuse(sheet.title, refs, "second-sheet", f'a second sheet called "{sheet.title}" is not read, so '
                         f"its {len(refs)} cell(s) would be lost: {listed(refs)}",
                         "move its rows into the first one, then delete it")
        elif guess and loose_key(guess) not in seen and refs:
            self._refuse(sheet.title, refs, "renamed-sheet",
                         f'sheet "{sheet.title}" looks like the "{guess}" sheet renamed, and this return has no '
                         f'"{guess}" sheet, so its {len(refs)} cell(s) would be lost: {listed(refs)}',
                         f'rename the sheet "{guess}" (right-click its tab > Rename)')
        elif key in LAYOUT_SHEETS:
            # Unprotected, so it may have been typed in: the validator compares it with what was issued.
            raw.issued_sheets[sheet.title] = {
                c.coordinate: self._cell(sheet.title, c).text.text for r in sorted(sheet.rows) for c in _row(sheet, r)}
        else:
            message = f'sheet "{sheet.title}" is not one ria-docs reads'
            guess = guess or suggest(sheet.title, known)
            hint = f'did you mean "{guess}"? Rename the sheet so its cells are used' if guess else None
            if key in seen:
                message, hint = f'a second sheet called "{sheet.title}" is not read', "delete it"
            if refs:
                self._ignore(sheet.title, refs, message, hint)
            elif hint and key not in seen:
                self.report.warning("extra-sheet", message, file=self.file, sheet=sheet.title, hint=hint)

    def _usable(self, sheet: str, cell: Cell, computed: bool) -> bool:
        """Whether a cell's value can be used. A formula in a text column is
        text typed starting with "=" (Excel and LibreOffice calculate it: an
        error, or worse, a number); in a column of figures or dates its saved
        result is used. Errors (#N/A, #VALUE!) are never a value. Whether or
        not the file saved a result, the same slip gets the same answer."""
        if cell.formula is None and not cell.error:
            return True
        if computed and not cell.error and cell.value is not None:
            return True
        formula = cell.formula
        shows = f" (it shows {cell.value})" if cell.error else ""
        if formula is None:
            kind, message = "excel-error", f"shows the error {cell.value}, which is not a value ria-docs can use"
            hint = ("type the value instead; if you typed text starting with =, + or -, type an apostrophe "
                    "before it (') to keep it as text")
        elif computed and cell.value is None:
            kind = "formula-without-value"
            message = f"holds a formula ({formula[:60]}) whose result was never saved, so its value cannot be read"
            hint = "open the file in Excel, save it, and send it again (or type the value instead)"
        elif computed:
            kind, message = "formula-error", f"holds a formula ({formula[:60]}) whose result is an error{shows}"
            hint = "fix the formula, or type the value instead"
        elif formula.startswith("="):
            kind = "formula-in-text"
            message = (f'holds the formula "{formula[:120]}"{shows}, not text: a cell that starts with "=" is '
                       "calculated by Excel and LibreOffice")
            start = formula if len(formula) <= 40 else formula[:40].rstrip() + "..."
            hint = f"to keep it as text, type it again with an apostrophe first ('{start}), or start it another way"
        else:  # a .xls keeps no formula text
            kind, message = "formula-in-text", f"holds a formula, not text{shows}"
            hint = ("if it was meant as text starting with =, + or -, type it again with an apostrophe first "
                    "('=...), which keeps it as text")
        self._refuse(sheet, [cell.coordinate], kind, message, hint, cell=cell.coordinate)
        return False

    def _warn_hidden(self, sheet: Sheet) -> None:
        if sheet.hidden_rows:
            rows = ", ".join(str(r) for r in sheet.hidden_rows[:10])
            self.report.warning(
                "hidden-rows",
                f"row(s) {rows} are hidden in Excel but were read like the others",
                file=self.file, sheet=sheet.title,
                hint="delete hidden rows that should not be in the plan",
            )
        if sheet.hidden:
            self.report.warning(
                "hidden-sheet", "this sheet is hidden in Excel but was read", file=self.file, sheet=sheet.title,
            )

    # -- About -------------------------------------------------------------
    def _read_about(self, sheet: Sheet, raw: RawReturn) -> None:
        raw.about_title = sheet.title
        self._warn_hidden(sheet)
        labels = {loose_key(text): key for key, text in ABOUT_LABELS.items()}
        rows = []  # (row, label text, key or None), for rows with a label in column A
        for row in sorted(sheet.rows):
            cells = sheet.rows[row]
            label = self._cell(sheet.title, cells[1]).text.one_line if 1 in cells else ""
            if row == 1 and labels.get(loose_key(label)) is None and all(
                    loose_key(self._cell(sheet.title, c).text.one_line) in ABOUT_HEADINGS for c in cells.values()):
                # Column headings such as "Question | Answer"; anything else in row 1 is reported below.
                self.cells.layout.extend(f"{sheet.title}!{c.coordinate}" for c in _row(sheet, row))
                continue
            rows.append((row, label, labels.get(loose_key(label)) if label else None))
        present = {key for _, _, key in rows if key}
        missing = [key for key in ABOUT_LABELS if key not in present]
        # As issued, each label has its own row: a label in the row of a missing
        # one, between the labels issued above and below it, is that one renamed.
        issued_rows = {number: key for number, key in enumerate(ABOUT_LABELS, start=1)}
        found_rows = {row: key for row, _, key in rows if key}
        empty_label_above: tuple[str, int] | None = None  # (key, row) of a label just above with no value
        outside: list[str] = []  # cells beside a label's value, or with no label
        for row, label, key in rows:
            cells = sheet.rows[row]
            beside = [cell for cell in _row(sheet, row) if cell.column > 1]
            if key is None and label:
                guess = _key_of(renamed_from(label, [ABOUT_LABELS[k] for k in missing]))
                if guess is None and issued_rows.get(row) in missing and _between_issued(found_rows, issued_rows, row):
                    guess = issued_rows[row]
                if guess and beside:
                    missing.remove(guess)
                    refs = [cells[1].coordinate, *(c.coordinate for c in beside)]
                    self._refuse(
                        sheet.title, refs, "renamed-label", f'row {row} is labelled "{label}", which looks like '
                        f'"{ABOUT_LABELS[guess]}" renamed, and there is no "{ABOUT_LABELS[guess]}" label, so '
                        f"{listed(refs[1:])} would be lost", f'change {cells[1].coordinate} to "{ABOUT_LABELS[guess]}"',
                        cell=cells[1].coordinate)
                else:
                    self._ignore(
                        sheet.title, _refs(_row(sheet, row)), f'"{label}" is not an About label ria-docs knows',
                        did_you_mean(label, list(ABOUT_LABELS.values()))
                        or "the labels are: " + ", ".join(ABOUT_LABELS.values()),
                    )
                empty_label_above = None
                continue
            if key is None:  # a value with no label: beside the one above, if that one has none?
                value = cells.get(2)
                if value is not None and empty_label_above is not None and empty_label_above[1] == row - 1:
                    self._misplaced(sheet.title, value, *empty_label_above)
                    outside.extend(c.coordinate for c in beside if c is not value)
                else:
                    outside.extend(c.coordinate for c in beside)
                empty_label_above = None
                continue
            self.cells.layout.append(f"{sheet.title}!{cells[1].coordinate}")
            raw.about_label_rows.setdefault(key, row)
            value = cells.get(2)
            further = [c for c in beside if c.column > 2]
            if value is None and further and key not in raw.about:
                self._misplaced(sheet.title, further[0], key, row)  # typed one column too far
                further = further[1:]
            outside.extend(c.coordinate for c in further)
            empty_label_above = (key, row) if value is None and not further and key not in raw.about else None
            if value is None or not self._usable(sheet.title, value, key in ABOUT_COMPUTED):
                continue
            if key in raw.about:
                self._ignore(
                    sheet.title, [value.coordinate],
                    f'"{ABOUT_LABELS[key]}" is given twice; the first, in row {raw.about[key].row}, is used',
                )
            else:
                raw.about[key] = self._cell(sheet.title, value)
        if outside:
            self._ignore(sheet.title, outside, "only a label in column A and its value in column B are read")

    def _misplaced(self, sheet: str, cell: Cell, key: str, label_row: int) -> None:
        """A value typed beside the wrong cell: an error, as the value would be lost."""
        self._refuse(
            sheet, [cell.coordinate], "misplaced-value", f"{cell.coordinate} holds a value where ria-docs does not "
            f'read one, and "{ABOUT_LABELS[key]}" (row {label_row}) has none in B{label_row}: is it its value?',
            f"move it to B{label_row}, beside its label, or clear it", cell=cell.coordinate)

    # -- the table sheets --------------------------------------------------
    def _read_table(self, sheet: Sheet, spec: SheetSpec) -> SheetData | None:
        self._warn_hidden(sheet)
        headers_by_column = sheet.rows.get(1, {})
        wanted = {loose_key(text): key for key, text in spec.headers.items()}
        columns: dict[int, str] = {}
        found: dict[str, str] = {}
        extra_columns: list[int] = []
        for column, cell in sorted(headers_by_column.items()):
            text = self._cell(sheet.title, cell).text.one_line
            key = wanted.get(loose_key(text))
            if key is None:
                extra_columns.append(column)
            elif key in found:
                self.report.error(
                    "duplicate-header",
                    f'two columns are headed "{spec.headers[key]}" ({found[key]}1 and {cell.column_letter}1)',
                    file=self.file, sheet=sheet.title, cell=cell.coordinate,
                    hint="rename or delete one of them",
                )
                extra_columns.append(column)
            else:
                columns[column] = key
                found[key] = cell.column_letter
        self.cells.layout.extend(f"{sheet.title}!{headers_by_column[c].coordinate}" for c in columns)
        missing = [spec.headers[k] for k in spec.required if k not in found]
        data_rows = [r for r in sorted(sheet.rows) if r > 1]
        if missing:
            seen = ", ".join(f'"{self._cell(sheet.title, c).text.one_line}"' for _, c in sorted(headers_by_column.items()))
            self.report.error(
                "missing-header",
                f"row 1 has no {' or '.join(chr(34) + m + chr(34) for m in missing)} header"
                + (f" (found: {seen})" if seen else " (row 1 is empty)"),
                file=self.file, sheet=sheet.title,
                hint="headers must be in row 1: " + ", ".join(spec.headers.values()),
            )
            self.cells.ignored.extend(f"{sheet.title}!{c.coordinate}" for r in data_rows for c in _row(sheet, r))
            self.cells.ignored.extend(f"{sheet.title}!{headers_by_column[c].coordinate}" for c in extra_columns)
            return None
        missing = [key for key in spec.headers if key not in found]
        # As issued, each header has its own column (columns cannot be inserted or
        # deleted): a header in the column of a missing one is that one, renamed.
        issued = dict(enumerate(spec.headers, start=1))
        for column in extra_columns:
            header = headers_by_column[column]
            refs = [sheet.rows[r][column].coordinate for r in data_rows if column in sheet.rows[r]]
            text = self._cell(sheet.title, header).text.one_line
            renamed = renamed_from(text, [spec.headers[k] for k in missing])
            if renamed is None and issued.get(column) in missing and _between_issued(columns, issued, column):
                renamed = spec.headers[issued[column]]
            if renamed and refs:
                missing.remove(next(k for k in missing if spec.headers[k] == renamed))
                guess: str | None = renamed
                # A misspelt or renamed header whose column is missing: its cells would be lost.
                self._refuse(
                    sheet.title, [header.coordinate, *refs], "renamed-header",
                    f'column {header.column_letter} is headed "{text}", which looks like "{guess}" renamed, and '
                    f'this sheet has no "{guess}" column, so its {len(refs)} cell(s) would be lost: {listed(refs)}',
                    f'change the header in {header.coordinate} to "{guess}"', cell=header.coordinate)
                continue
            guess = suggest(text, list(spec.headers.values()))
            hint = f'did you mean "{guess}"? Rename the header so its cells are used' if guess else None
            self._ignore(
                sheet.title, [header.coordinate, *refs],
                f'column {header.column_letter} ("{text}") is not a column of this sheet', hint,
            )
        headerless = sorted({c for r in data_rows for c in sheet.rows[r] if c not in columns and c not in extra_columns})
        for column in headerless:
            refs = [sheet.rows[r][column].coordinate for r in data_rows if column in sheet.rows[r]]
            self._ignore(sheet.title, refs, f"column {column_letter(column)} has no header in row 1",
                         "give the column a header or move the text into a column that has one")
        data = SheetData(sheet.title, columns=found)
        numbers: list[CellText] = []  # numbers and dates where text is expected
        for r in data_rows:
            row = {}
            for c, cell in sheet.rows[r].items():
                if c not in columns:
                    continue
                if self._usable(sheet.title, cell, columns[c] in spec.computed):
                    row[columns[c]] = self._cell(sheet.title, cell)
                    if columns[c] not in spec.computed and _is_number_or_date(cell.value):
                        numbers.append(row[columns[c]])
                else:
                    data.refused.add((r, columns[c]))
            row = {k: v for k, v in row.items() if v.text.text}
            if row:
                data.rows.append(row)
        if numbers:
            shown = listed([f"{c.ref} ({c.text.one_line})" for c in numbers], 6)
            self.report.warning(
                "number-as-text", f"{len(numbers)} cell(s) hold a number or a date, published as ria-docs writes it, "
                f"not with the formatting Excel showed (a currency sign, a month name, thousands): {shown}",
                file=self.file, sheet=sheet.title,
                hint="if a cell should read otherwise, type it as it should read, starting with an apostrophe "
                     "('£1,500)",
            )
        return data


def _between_issued(found: dict[int, str], issued: dict[int, str], place: int) -> bool:
    """Whether the labels or headers issued on either side of ``place`` (row or
    column) are where they were issued: then what stands at ``place`` is the one
    issued there, whatever it is called now."""
    return all(found.get(side) == issued[side] for side in (place - 1, place + 1) if side in issued)


def _is_number_or_date(value: object) -> bool:
    return isinstance(value, (int, float, dt.date, dt.time)) and not isinstance(value, bool)


def _key_of(label: str | None) -> str | None:
    """The About key of a label as ABOUT_LABELS spells it."""
    return next((key for key, text in ABOUT_LABELS.items() if text == label), None)


def _sheet_by_headers(sheet: Sheet) -> str | None:
    """The sheet ria-docs reads that this one's row 1 (or About labels) says it is, if any."""
    first = {loose_key(str(c.value)) for c in sheet.rows.get(1, {}).values() if isinstance(c.value, str)}
    for spec in SHEETS.values():
        if all(loose_key(spec.headers[key]) in first for key in spec.required):
            return spec.name
    labels = {loose_key(str(row[1].value)) for row in sheet.rows.values() if 1 in row and isinstance(row[1].value, str)}
    if {"network", "period"} <= labels:
        return "About"
    return None


def _row(sheet: Sheet, row: int) -> list[Cell]:
    """The non-empty cells of one row, left to right."""
    return [cell for _, cell in sorted(sheet.rows[row].items())]


def read_return(path: Path, file: str, report: Report) -> RawReturn | None:
    """Read one return; problems go to ``report``.

    None when the file cannot be opened as a workbook; a workbook that is not a
    return (no About sheet) comes back with ``is_return`` False and its cells counted."""
    return _ReturnReader(Path(path), file, report).read()
