"""Return workbooks as chairs receive them: layout, dropdowns, protection.

The layout comes from :mod:`ria_docs.reader` (sheet names, headers, About
labels), so what this writes always reads back.  :func:`blank_return` makes
the workbook for one network; :func:`set_about` and :func:`fill_sheet` write
values by label and header name, as a chair fills them.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import Plan
from .ooxml import normalise_zip, put_text
from .region import RegionConfig
from .return_layout import ABOUT_LABELS, INSTRUCTIONS_SHEET, LISTS_SHEET, SHEETS
from .rug import SUMMARY_FILL

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

TEMPLATE_VERSION = "3"
LAST_ROW = 2000  # dropdowns and input messages reach this far down
FONT = "Calibri"  # the workbook's default; bold cells must name it too
HEADER_FILL = "D9E2F3"
LOCKED_FILL = "F2F2F2"

COLUMN_WIDTHS = {  # characters: long text wide, tick columns narrow
    "Contribution": 100, "Theme": 30, "Outcome": 36, "Activity": 60, "RAG": 10, "Regional group task": 11,
    "Seminar/workshop": 11, "Project work": 10, "Lead responsibility": 34, "RIA lead": 9, "SDSA": 9,
    "Commentary": 36, "LA": 20, "Support needed": 42, "Support actions": 32, "Strengths and offers": 42,
    "Offer actions": 32, "Section": 34, "Paragraph": 60, "Bullet": 50, "Sub-bullet": 40, "Numbered": 44,
    "Indicator": 44, "Value": 12, "Period": 14,
}
RAG_CHOICES = ["Red", "Amber", "Green", "Blue"]
TICK_CHOICES = ["Yes", "No"]
TICK_HEADERS = ("Regional group task", "Seminar/workshop", "Project work", "RIA lead", "SDSA")

# What each column is for, shown when a chair selects a cell (Excel allows
# 32 characters of title and 255 of message).
COLUMN_HELP = {
    "Contribution": "One bullet per row: what this network contributes to the RIA plan and other priorities.",
    "Theme": "Pick the theme from the list (or type its letter). Leave blank to mean the same theme as the row above.",
    "Outcome": "The outcome the theme aims for. Give it once, on the theme's first row.",
    "Activity": "One activity per row. A line break in the cell starts a new bullet of the same activity: "
                "Ctrl+Enter in LibreOffice, Alt+Enter in Excel (Ctrl+Option+Enter or Option+Enter on a Mac).",
    "RAG": "Red, Amber or Green; Blue when complete. Leave blank if not yet rated.",
    "Regional group task": "Yes if this is a task for a regional group; otherwise leave blank.",
    "Seminar/workshop": "Yes if this activity is a seminar or workshop; otherwise leave blank.",
    "Project work": "Yes if this activity is project work; otherwise leave blank.",
    "Lead responsibility": "Who leads the theme's work, e.g. the group and named lead. Give it once per theme.",
    "RIA lead": "Yes if the RIA lead supports this activity; otherwise leave blank.",
    "SDSA": "Yes if the SDSA supports this activity; otherwise leave blank.",
    "Commentary": "Anything the regional team should know. Kept in the plan's data, not printed.",
    "LA": "Pick the local authority. Leave blank to mean the same LA as the row above.",
    "Support needed": "Support the LA needs or has asked for, and the outcome to achieve. One bullet per row.",
    "Support actions": "Actions agreed for that support. One bullet per row.",
    "Strengths and offers": "The LA's areas of strength and offers of help to others. One bullet per row.",
    "Offer actions": "Actions for those offers. One bullet per row.",
    "Section": "Pick the heading of the regional update. Leave blank to mean the same as the row above.",
    "Paragraph": "A paragraph of plain text, not in a list: prose, a lead-in line before a list, or a label between "
                 "numbered items. Fill one of Paragraph, Bullet, Sub-bullet or Numbered on each row.",
    "Bullet": "One bullet of news per row, under the Section.",
    "Sub-bullet": "A bullet nested under the Bullet above it (leave Bullet blank on this row).",
    "Numbered": "An item of a numbered list: Word numbers it 1, 2, 3... Numbering runs on across Paragraph rows "
                "and starts again after a Bullet or in a new Section. Do not type the number.",
    "Indicator": "Pick the indicator of the tartan rug. One row per LA and indicator.",
    "Value": "The LA's figure, as a number (22.5 for 22.5%). Leave the row out if there is no figure.",
    "Period": "The period the figure covers, such as 2018/19 or Q2 2019/20.",
}
ABOUT_HELP = {
    "Network": "Filled in by the regional team.",
    "Period": "The return round, filled in by the regional team.",
    "Completed by": "Your name.",
    "Email": "Where the regional team can reach you about this return.",
    "Date submitted": "The date you send it back, like 02/12/2019.",
    "Chair": "The network's chair or lead, as Section D of the plan shows it.",
    "Chair LA": "The chair's local authority.",
    "Director link": "The network's link Director of Children's Services.",
    "Director link LA": "The director's local authority.",
    "Template version": "The workbook layout's version: please leave it.",
}
LOCKED_ABOUT = ("Network", "Period", "Template version")
# The in-cell line break, as the README's "Issuing returns" says it.
LINE_BREAK_KEYS = ("Ctrl+Enter in LibreOffice Calc; Alt+Enter in Excel on Windows; "
                   "Ctrl+Option+Enter (or Option+Enter) in Excel for Mac")


def _styles() -> dict[str, Any]:  # fonts, fills, alignments and protections, by use
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    return {
        "header_font": Font(name=FONT, bold=True),
        "header_fill": PatternFill("solid", fgColor=HEADER_FILL),
        "locked_fill": PatternFill("solid", fgColor=LOCKED_FILL),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "unlocked": Protection(locked=False),
        "locked": Protection(locked=True),
    }


def _fit_rows(ws: Worksheet, cells: Iterable[Cell]) -> None:
    """Row heights for wrapped text in ``cells`` (of ``ws``).

    Excel and LibreOffice keep a row one line high until someone edits it, so
    the height is estimated from the text and the column widths.
    """
    lines_by_row: dict[int, int] = {}
    for cell in cells:
        if not isinstance(cell.value, str):
            continue
        row = cell.row
        width = ws.column_dimensions[cell.column_letter].width or 10
        lines = wrapped_lines(cell.value, width * 1.15)  # Calibri 11 fits a little more than the width's digits
        lines_by_row[row] = max(lines_by_row.get(row, 1), lines)
    for row, lines in lines_by_row.items():
        if lines > 1 and ws.row_dimensions[row].height is None:
            ws.row_dimensions[row].height = 15 * lines


def _print_setup(ws: Worksheet, landscape: bool) -> None:
    """One page wide when printed, header row on every page."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    page_setup = ws.sheet_properties.pageSetUpPr
    assert page_setup is not None  # openpyxl gives every sheet's properties one
    page_setup.fitToPage = True


def _protect(ws: Worksheet) -> None:
    """Protect the sheet, leaving chairs free to add, delete and format rows and columns.

    Excel honours these flags whatever is locked; LibreOffice refuses to size a
    column or row, or lets an inserted row inherit the row above's lock, when
    any cell of it is locked. So the sheets chairs type in lock nothing (their
    headers included: a renamed header is an error at merge), and protection
    only keeps columns from being inserted or deleted. Only About's three grey
    cells and the hidden Lists sheet stay locked.
    """
    protection = ws.protection
    protection.sheet = True
    for allowed in ("insertRows", "deleteRows", "formatRows", "formatColumns", "formatCells", "sort", "autoFilter"):
        setattr(protection, allowed, False)  # False: not protected, so allowed


def _unlock_columns(ws: Worksheet, widths: dict[str, float]) -> None:
    """Give the columns their widths and unlock every cell of the sheet, to the last column.

    Cells nobody wrote take the column's style: unlocked here, so LibreOffice
    lets chairs size any column or row, and delete rows, on the protected sheet.
    """
    from openpyxl.utils import column_index_from_string, get_column_letter

    unlocked = _styles()["unlocked"]
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
        ws.column_dimensions[letter].protection = unlocked
    first = max(column_index_from_string(letter) for letter in widths) + 1
    rest = ws.column_dimensions[get_column_letter(first)]
    rest.min, rest.max = first, 16384
    rest.protection = unlocked


def _validation(header: str, formula: str | None) -> DataValidation:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(
        type="list" if formula else None,
        formula1=formula,
        allow_blank=True,
        showInputMessage=True,
        promptTitle=header[:32],
        prompt=COLUMN_HELP[header][:255],
    )
    if formula:
        # A warning, not a stop: chairs may type "A" or "R", which the merge accepts.
        validation.showErrorMessage = True
        validation.errorStyle = "warning"
        validation.errorTitle = "Not in the list"
        validation.error = "This value is not in the list. Keep it only if you are sure; the merge checks it."
    return validation


def _instructions(workbook: Workbook, region: RegionConfig, network: str) -> None:
    from openpyxl.styles import Alignment, Font

    ws = workbook.create_sheet(INSTRUCTIONS_SHEET, 0)
    _unlock_columns(ws, {"A": 24, "B": 100})
    wrap = Alignment(wrap_text=True, vertical="top")
    lines: list[tuple[str, str, str]] = [  # (style, column A, column B)
        ("title", f"{network}: return for {region.period}", ""),
        ("text", "What it is for", f"This return tells the {region.region} regional team what the {network} network "
                 f"is doing. It feeds the RIA plan {region.plan_year} and the regional update for {region.period}."),
        ("text", "Who fills it", "The network's chair, or someone for them, in Excel or LibreOffice. Save it as .xlsx "
                 "and email it back to the regional team."),
        ("text", "How", "Fill the white cells; grey cells are filled by the regional team. Do not rename the sheets "
                 "or their headers. Add as many rows as you need. Selecting a cell shows what goes in it."),
        ("text", "Blank means same as above", "A blank Theme, LA or Section cell means the same as the row above, so "
                 "you only type a theme, LA or section once for a run of rows. Merged cells work the same way."),
        ("text", "Bullets", "Each row is one bullet. A line break inside a cell starts a new bullet in the same "
                 f"place: {LINE_BREAK_KEYS}."),
        ("text", "Rows and columns", "Insert, delete and resize rows anywhere, and widen or narrow columns, "
                 "without unprotecting the sheet."),
        ("head", "Sheet", "What to put there"),
        ("text", "About", "Who completed the return and when; the network's chair and link director. "
                 "Network and Period are filled in for you."),
        ("text", "Contribution", "This network's contribution to the RIA plan and other priorities (Section D)."),
        ("text", "Work programme", "The joint work programme (Section C): for each theme your network works on, "
                 "the outcome, one row per activity, its RAG status and ticks, and who leads it."),
        ("text", "LA support", "Brokered support for local authorities (Section B): support needed and actions, "
                 "strengths and offers of help and actions."),
        ("text", "Update", "News for the regional update: a section heading, then one block of text per row, in the "
                 "column that says how it is shown: Paragraph, Bullet, Sub-bullet or Numbered."),
        *([("text", "Indicators", "Figures for the tartan rug: one row per LA and indicator, with its value and "
            "period. Usually sent by one network for all LAs.")] if region.indicators else []),
        ("head", "Allowed values", ""),
        ("text", "RAG", "Red, Amber, Green, or Blue when complete (R, A, G, B also work). Blank if not yet rated."),
        ("text", "Tick columns", "Yes (or Y, X, ✓) to tick; blank or No to leave unticked."),
        ("text", "Theme", "A theme's letter (A) or its name, as in the list: "
                 + "; ".join(t.label for t in region.themes) if region.themes else "No themes this round."),
        ("text", "LA", "One of: " + ", ".join(region.las)),
        ("text", "Section", "One of: " + "; ".join(region.update_sections) if region.update_sections
                 else "No update sections this round."),
        ("head", "Update rows", "How each kind of row is shown, for example"),
        ("text", "Paragraph", "Plain text: The networks met twice this quarter. Our priorities are:"),
        ("text", "Bullet", "\u2022 A regional conference was held in May"),
        ("text", "Sub-bullet", "\u2013 Nested under the bullet above it: 120 practitioners attended"),
        ("text", "Numbered", "1. Improve the stability of placements (Word writes the number: type the text alone; "
                 "numbering runs on across Paragraph rows, as labels, and starts again after a Bullet)"),
        ("text", "Period", f"This round is {region.period}."),
    ]
    unlocked = _styles()["unlocked"]
    written = []
    for row, (style, left, right) in enumerate(lines, start=1):
        a, b = put(ws, row, 1, left), put(ws, row, 2, right or None)
        written += [a, b]
        a.alignment = b.alignment = wrap
        a.protection = b.protection = unlocked  # nothing locked: LibreOffice lets chairs widen the columns
        if style == "title":
            a.font = Font(name=FONT, bold=True, size=14)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
            ws.cell(row=row, column=2).protection = unlocked  # the merged-over cell, restyled by the merge
            ws.row_dimensions[row].height = 24
        elif style == "head":
            a.font = b.font = Font(name=FONT, bold=True)
            a.fill = b.fill = _styles()["header_fill"]
        else:
            a.font = Font(name=FONT, bold=True)
    _fit_rows(ws, written)
    _print_setup(ws, landscape=False)
    _protect(ws)


def _lists(workbook: Workbook, region: RegionConfig) -> dict[str, str]:
    """The hidden sheet holding dropdown lists too long for Excel's 255-character limit."""
    ws = workbook.create_sheet(LISTS_SHEET)
    columns = {"Theme": [t.label for t in region.themes], "LA": list(region.las), "Section": list(region.update_sections),
               "Indicator": [i.name for i in region.indicators]}
    formulas = {}
    for number, (header, values) in enumerate(columns.items(), start=1):
        put(ws, 1, number, header)
        for row, value in enumerate(values, start=2):
            put(ws, row, number, value)
        if values:
            letter = ws.cell(row=1, column=number).column_letter
            formulas[header] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    ws.sheet_state = "hidden"
    _protect(ws)
    return formulas


def _about(workbook: Workbook, region: RegionConfig, network: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    styles = _styles()
    ws = workbook.create_sheet("About")
    _unlock_columns(ws, {"A": 20, "B": 50})  # only the three grey cells are locked
    config = region.network(network)
    prefilled = {
        "Network": network, "Period": region.period, "Template version": TEMPLATE_VERSION,
        "Chair": config.chair, "Chair LA": config.chair_la,
        "Director link": config.director, "Director link LA": config.director_la,
    }
    for row, label in enumerate(ABOUT_LABELS.values(), start=1):
        put(ws, row, 1, label).font = styles["header_font"]
        ws.cell(row=row, column=1).protection = styles["unlocked"]
        cell = put(ws, row, 2, prefilled.get(label))
        cell.alignment = styles["wrap"]
        if label in LOCKED_ABOUT:
            cell.fill = styles["locked_fill"]
        else:
            cell.protection = styles["unlocked"]
        if label == "Date submitted":
            cell.number_format = "dd/mm/yyyy"
            validation = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
            validation.errorStyle, validation.showErrorMessage = "warning", True
            validation.errorTitle, validation.error = "Not a date", "Type the date like 02/12/2019."
        else:
            validation = DataValidation(allow_blank=True)
        validation.showInputMessage, validation.promptTitle, validation.prompt = True, label, ABOUT_HELP[label]
        validation.add(cell.coordinate)
        ws.add_data_validation(validation)
    _print_setup(ws, landscape=False)
    _protect(ws)


def _data_sheet(workbook: Workbook, name: str, formulas: dict[str, str]) -> None:
    from openpyxl.utils import get_column_letter

    styles = _styles()
    spec = SHEETS[name.lower()]
    ws = workbook.create_sheet(spec.name)
    for number, header in enumerate(spec.headers.values(), start=1):
        letter = get_column_letter(number)
        cell = put(ws, 1, number, header)
        cell.font, cell.fill, cell.alignment = styles["header_font"], styles["header_fill"], styles["wrap"]
        # Unlocked like the rest: LibreOffice will not widen a column holding a
        # locked cell, and a row inserted under the header takes its format.
        cell.protection = styles["unlocked"]
        column = ws.column_dimensions[letter]
        column.width = COLUMN_WIDTHS.get(header, 20)
        # Column style: every cell a chair types in below the header is unlocked and wraps.
        column.protection, column.alignment = styles["unlocked"], styles["wrap"]
        formula: str | None
        if header == "RAG":
            formula = '"' + ",".join(RAG_CHOICES) + '"'
        elif header in TICK_HEADERS:
            formula = '"' + ",".join(TICK_CHOICES) + '"'
        else:
            formula = formulas.get(header)
        validation = _validation(header, formula)
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
        ws.add_data_validation(validation)
    # Every column beyond the headers is unlocked too: Excel and LibreOffice
    # refuse to delete a row that holds any locked cell.
    rest = ws.column_dimensions[get_column_letter(len(spec.headers) + 1)]
    rest.min, rest.max = len(spec.headers) + 1, 16384
    rest.protection = styles["unlocked"]
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30  # room for two-line headers
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    _print_setup(ws, landscape=True)
    _protect(ws)


def blank_return(region: RegionConfig, network: str) -> Workbook:
    """The workbook a network chair receives: Instructions, About pre-filled, the
    four data sheets with dropdowns and input messages, headers protected."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    workbook = Workbook()
    first = workbook.active
    assert first is not None  # a new Workbook holds one sheet, active
    workbook.remove(first)
    _instructions(workbook, region, network)
    _about(workbook, region, network)
    formulas = _lists(workbook, region)
    for name in ("Contribution", "Work programme", "LA support", "Update"):
        _data_sheet(workbook, name, formulas)
    if region.indicators:  # the tartan rug's figures, for whichever network sends them
        _data_sheet(workbook, "Indicators", formulas)
    lists_at = workbook.sheetnames.index(LISTS_SHEET)
    workbook.move_sheet(LISTS_SHEET, offset=len(workbook.sheetnames) - 1 - lists_at)  # hidden, last
    workbook.active = 0  # opens on the Instructions
    # Sheets cannot be renamed, moved or unhidden by accident (no password).
    workbook.security = WorkbookProtection(lockStructure=True)
    return workbook


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write ``value`` at (row, column) with :func:`_write`; return the cell.

    Every cell the tool writes goes through here or :func:`_write`, so a name
    from region.toml or plan.json starting with "=", "+", "-" or "@" stays text.
    """
    from openpyxl.cell.cell import Cell

    cell = ws.cell(row=row, column=column)
    assert isinstance(cell, Cell)  # not a MergedCell: the tool writes where it merged nothing
    _write(cell, value)
    return cell


def _write(cell: Cell, value: Any) -> None:
    """Write a value; text is always text, never a formula, whatever it starts with.
    ``value`` is anything openpyxl can store (it raises ValueError for anything else)."""
    if isinstance(value, str):
        put_text(cell, value)  # openpyxl makes "=..." a formula otherwise, and reads "_x0041_" back as "A"
        return
    cell.value = value
    if isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = "dd/mm/yyyy"


def set_about(workbook: Workbook, values: dict[str, object]) -> None:
    """Fill About values by label, as a chair would."""
    from openpyxl.cell.cell import Cell

    ws = workbook["About"]
    rows = {str(ws.cell(row=r, column=1).value).lower(): r for r in range(1, ws.max_row + 1)}
    for label, value in values.items():
        row = rows.get(label.lower())
        if row is None:
            raise ValueError(f"the About sheet has no label {label!r}")
        cell = ws.cell(row=row, column=2)
        assert isinstance(cell, Cell)  # About's values: no cell of the tool's workbook is merged
        _write(cell, value)


def fill_sheet(workbook: Workbook, sheet: str, records: list[dict[str, object]]) -> None:
    """Append rows under the sheet's headers, each value put by header name."""
    from openpyxl.cell.cell import Cell

    styles = _styles()

    ws = workbook[SHEETS[sheet.lower()].name]
    columns = {str(c.value).lower(): c.column for c in ws[1] if c.value}
    row = _last_row_with_a_value(ws) + 1
    written = []  # the rows above were fitted when they were written
    for record in records:
        for header, value in record.items():
            if header.lower() not in columns:
                raise ValueError(f"sheet {ws.title!r} has no header {header!r}")
            if value in (None, ""):
                continue
            cell = ws.cell(row=row, column=columns[header.lower()])
            assert isinstance(cell, Cell)  # no cell of the tool's data sheets is merged
            _write(cell, value)

            cell.protection, cell.alignment = styles["unlocked"], styles["wrap"]
            written.append(cell)
        row += 1
    _fit_rows(ws, written)


def _last_row_with_a_value(ws: Worksheet) -> int:
    """The last row holding a value (1 when no row below the headers does), looked for from
    the bottom of the sheet up: one row deep in a sheet the tool filled, none in a blank one."""
    for number in range(ws.max_row, 1, -1):
        if any(value is not None for value in next(ws.iter_rows(min_row=number, max_row=number, values_only=True))):
            return number
    return 1


def build_return(region: RegionConfig, about: dict[str, object],
                 sheets: dict[str, list[dict[str, object]]]) -> Workbook:
    """A filled return: the blank workbook for About's network, filled by label and header."""
    network = region.resolve_network(str(about.get("Network", ""))) or region.networks[0].name
    workbook = blank_return(region, network)
    set_about(workbook, about)
    for name, records in sheets.items():
        fill_sheet(workbook, name, records)
    return workbook


def workbook_bytes(workbook: Workbook, *, when: dt.date | None = None) -> bytes:
    """The .xlsx file, with fixed timestamps, so the same content gives the same bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = f"{(when or dt.date(2000, 1, 1)):%Y-%m-%d}T00:00:00Z"
    return normalise_zip(buffer.getvalue(), core_date=stamp)


def save_workbook(workbook: Workbook, path
: Path, *, when: dt.date | None = None) -> None:
    """Save straight to ``path`` (tests and examples; ria-docs returns writes through outputs.write_outputs)."""
    Path(path).write_bytes(workbook_bytes(workbook, when=when))


def issued_sheet_texts(region: RegionConfig, network: str) -> dict[str, dict[str, str]]:
    """The text of the Instructions and Lists sheets as issued to ``network``:
    sheet -> {"A1": text}, cleaned as the reader cleans cells."""
    from .text import clean_text

    workbook = blank_return(region, network)
    return {
        title: {cell.coordinate: clean_text(str(cell.value)).text for row in workbook[title].iter_rows()
                for cell in row if cell.value is not None and clean_text(str(cell.value)).text}
        for title in (INSTRUCTIONS_SHEET, LISTS_SHEET)
    }


def _rug_number_format(unit: str, code: str = "") -> str:
    """A number format that shows the figure, its unit and its band, keeping the cell a number."""
    suffix = f'" {code}"' if code else ""
    return ("0.0%" if unit == "%" else "#,##0.0") + suffix


# -- tartan-rug.xlsx: the rug's figures as numbers, for the team's own analysis --------------------------
# Excel measures a column's width in characters ("0" of the default 11 pt font); a row
# one line of that font high is 15 points. Wrapped text does not grow its row by itself
# in a written file (Excel and LibreOffice keep the height saved), so rows are sized here.
RUG_LINE_POINTS = 15
RUG_HEADING_WIDTH = 16
RUG_LA_WIDTH = 24


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped at spaces in a column ``width``
    characters wide; a word longer than a line breaks where it must, and each
    line break in the text starts a line. The one estimate for every sheet we write."""
    if "\n" in text:
        return sum(wrapped_lines(part, width) for part in text.split("\n"))
    per_line = max(int(width), 1)
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) <= per_line:
            used += 1 + len(word)
            continue
        if used:
            lines += 1
        lines += (len(word) - 1) // per_line
        used = len(word) - (len(word) - 1) // per_line * per_line
    return lines


def _fit_rug_rows(ws: Worksheet, last_row: int) -> None:
    """Rows 1..last_row as tall as their wrapped cells need; the header row always gets a height,
    with a little room below its text, so its headings never cover the first LA."""
    for row in range(1, last_row + 1):
        lines = max((wrapped_lines(str(cell.value), ws.column_dimensions[cell.column_letter].width)
                     for cell in ws[row] if cell.alignment.wrap_text and isinstance(cell.value, str)), default=1)
        if row == 1 or lines > 1:
            ws.row_dimensions[row].height = RUG_LINE_POINTS * lines + 3


def rug_workbook(plan: Plan) -> bytes:
    """tartan-rug.xlsx: the same table; figures stay numbers (shown with their band),
    with the same fills, the key and the sources below."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.worksheet import Worksheet

    from . import rug


    region = plan.region
    figures = rug.figures_of(plan)
    banded = rug.bands(plan)
    workbook = Workbook()
    ws = workbook.active
    assert isinstance(ws, Worksheet)  # a new Workbook holds one worksheet, active
    ws.title = "Tartan rug"
    wrapped = Alignment(wrap_text=True, vertical="top")
    corner = put(ws, 1, 1, "LA")
    corner.font, corner.alignment = Font(bold=True), wrapped  # at the top, level with the headings
    for column, indicator in enumerate(region.indicators, start=2):
        heading = indicator.name if indicator.unit in ("%", "") else f"{indicator.name} ({indicator.unit})"
        cell = put(ws, 1, column, heading)
        cell.font, cell.alignment = Font(bold=True), wrapped
        ws.column_dimensions[cell.column_letter].width = RUG_HEADING_WIDTH
    ws.column_dimensions["A"].width = RUG_LA_WIDTH
    ws.freeze_panes = "B2"

    def figure(row: int, column: int, value: float | None, unit: str, code: str, fill: str) -> None:
        if value is None:
            cell = put(ws, row, column, "n/a")
        else:
            cell = put(ws, row, column, round(value / 100 if unit == "%" else value, 6))
            cell.number_format = _rug_number_format(unit, code)
        cell.fill = PatternFill("solid", fgColor=fill)

    for row, la in enumerate(region.las, start=2):
        put(ws, row, 1, la).alignment = wrapped  # "Bournemouth, Christchurch and Poole" is wider than the column
        for column, indicator in enumerate(region.indicators, start=2):
            band = banded[la, indicator.name]
            figure(row, column, figures.get((la, indicator.name)), indicator.unit, band.code, band.fill)
    summary_row = len(region.las) + 2
    for row, label in ((summary_row, f"{region.region} average"), (summary_row + 1, "England")):
        cell = put(ws, row, 1, label)
        cell.font, cell.alignment = Font(bold=True), wrapped
    for column, indicator in enumerate(region.indicators, start=2):
        figure(summary_row, column, rug.average(rug.present_figures(plan, figures, indicator)), indicator.unit, "", SUMMARY_FILL)
        figure(summary_row + 1, column, indicator.england, indicator.unit, "", SUMMARY_FILL)
    row = summary_row + 3
    put(ws, row, 1, "Key").font = Font(bold=True)
    legend = rug.context(plan)
    assert legend is not None  # called for a plan with figures, each checked against the region's indicators

    for offset, band in enumerate(legend["legend"], start=1):
        put(ws, row + offset, 1, band["code"]).fill = PatternFill("solid", fgColor=band["fill"])
        put(ws, row + offset, 2, band["label"])
    for offset, source in enumerate(legend["sources"], start=len(legend["legend"]) + 2):
        put(ws, row + offset, 1, f"Source: {source}")
    _fit_rug_rows(ws, summary_row + 1)
    # Printed as the document shows it: landscape A4, one page wide, the headings on every page.
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    page_setup = ws.sheet_properties.pageSetUpPr
    assert page_setup is not None  # openpyxl gives every sheet's properties one
    page_setup.fitToPage = True

    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return normalise_zip(buffer.getvalue(), core_date="2000-01-01T00:00:00Z")
