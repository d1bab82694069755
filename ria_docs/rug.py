"""The tartan rug: every LA against each indicator, banded and coloured.

Per indicator (region.toml ``[[indicator]]``):

- method "quartile": the LA's quarter within the region. With a polarity,
  Q1 is the best quarter (highest values for "higher", lowest for "lower")
  and Q4 the worst; with polarity "none", quarters run from lowest to
  highest in a neutral palette. LAs with the same value share a quarter.
- method "england": better, similar or worse than the England value; within
  ``tolerance`` (default 5% of the England value) is similar. With polarity
  "none": above, similar, below.

A cell shows its value and its band as text or a symbol, so colour is never
the only signal. A missing figure is "n/a", never zero.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import Plan
from .region import IndicatorConfig

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


@dataclass(frozen=True)
class Band:
    code: str  # shown in the cell beside the value
    label: str  # for the legend
    fill: str  # hex RGB; black text passes WCAG AA on each


QUARTERS = [Band("Q1", "best quarter in the region", "63BE7B"), Band("Q2", "second quarter", "C6EFCE"),
            Band("Q3", "third quarter", "FFEB84"), Band("Q4", "worst quarter in the region", "F8696B")]
NEUTRAL_QUARTERS = [Band("L", "lowest quarter (no better or worse)", "DDEBF7"), Band("ML", "second lowest quarter", "BDD7EE"),
                    Band("MH", "second highest quarter", "9DC3E6"), Band("H", "highest quarter", "6FA8DC")]
BETTER = Band("▲", "better than England", "63BE7B")
SIMILAR = Band("●", "similar to England", "FFEB84")
WORSE = Band("▼", "worse than England", "F8696B")
ABOVE = Band("↑", "above England (no better or worse)", "9DC3E6")
LEVEL = Band("=", "similar to England (no better or worse)", "EDEDED")
BELOW = Band("↓", "below England (no better or worse)", "DDEBF7")
MISSING = Band("n/a", "no figure", "D9D9D9")
SUMMARY_FILL = "F2F2F2"


def quartile(value: float, values: list[float], polarity: str) -> Band:
    """The quarter ``value`` falls in among ``values``, by its rank: the best is
    always in the first quarter and the worst in the last, whatever the number
    of LAs; LAs with the same value share a quarter."""
    ahead = (sum(other < value for other in values) if polarity == "none"
             else sum((other > value) if polarity == "higher" else (other < value) for other in values))
    quarter = 0 if len(values) < 2 else min(3, 4 * ahead // (len(values) - 1))
    return (NEUTRAL_QUARTERS if polarity == "none" else QUARTERS)[quarter]


def against_england(value: float, indicator: IndicatorConfig) -> Band:
    # england is None only in a plan.json's region that load_region never checked: a TypeError, as before.
    difference = value - indicator.england  # type: ignore[operator]
    if abs(difference) <= indicator.similar_within:
        return LEVEL if indicator.polarity == "none" else SIMILAR
    if indicator.polarity == "none":
        return ABOVE if difference > 0 else BELOW
    better = difference > 0 if indicator.polarity == "higher" else difference < 0
    return BETTER if better else WORSE


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    number = f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"{number}%" if unit == "%" else number


def _figures(plan: Plan) -> dict[tuple[str, str], float]:
    """(LA, indicator) -> figure, for the figures sent."""
    return {(v.la, v.indicator): v.value for v in plan.indicator_values}


def _present(plan: Plan, figures: dict[tuple[str, str], float], indicator: IndicatorConfig) -> list[float]:
    """One indicator's figures, for the LAs that have one (never zeros for the others)."""
    return [figures[la, indicator.name] for la in plan.region.las if (la, indicator.name) in figures]


def _average(values: list[float]) -> float | None:
    """The region row: a simple mean of the LAs' figures."""
    return sum(values) / len(values) if values else None


def bands(plan: Plan) -> dict[tuple[str, str], Band]:
    """(LA, indicator) -> band, for every LA and indicator (MISSING where no figure)."""
    figures = _figures(plan)
    result = {}
    for indicator in plan.region.indicators:
        values = _present(plan, figures, indicator)
        for la in plan.region.las:
            value = figures.get((la, indicator.name))
            if value is None:
                result[la, indicator.name] = MISSING
            elif indicator.method == "england":
                result[la, indicator.name] = against_england(value, indicator)
            else:
                result[la, indicator.name] = quartile(value, values, indicator.polarity)
    return result


def context(plan: Plan) -> dict | None:
    """The rug for templates: indicators, one row per LA, a region and an England row, a legend."""
    region = plan.region
    if not region.indicators or not plan.indicator_values:
        return None
    figures = _figures(plan)
    banded = bands(plan)
    rows = []
    for la in region.las:
        cells = []
        for indicator in region.indicators:
            band, value = banded[la, indicator.name], figures.get((la, indicator.name))
            text = "n/a" if value is None else f"{shown(value, indicator.unit)} {band.code}"
            cells.append({"text": text, "fill": band.fill})
        rows.append({"la": la, "cells": cells})
    averages = []
    for indicator in region.indicators:
        average = _average(_present(plan, figures, indicator))
        averages.append({"text": shown(average, indicator.unit), "fill": SUMMARY_FILL})
    rows.append({"la": f"{region.region} average", "cells": averages})
    rows.append({"la": "England", "cells": [
        {"text": shown(i.england, i.unit) if i.england is not None else "–", "fill": SUMMARY_FILL}
        for i in region.indicators
    ]})
    used = {banded[key] for key in banded}
    order = [*QUARTERS, *NEUTRAL_QUARTERS, BETTER, SIMILAR, WORSE, ABOVE, LEVEL, BELOW, MISSING]
    return {
        "indicators": [
            {"name": i.name, "heading": i.name if i.unit in ("%", "") else f"{i.name} ({i.unit})",
             "method": "quarters within the region" if i.method == "quartile" else "compared with England",
             "source": i.source or ""}
            for i in region.indicators
        ],
        "rows": rows,
        "legend": [{"code": b.code, "label": b.label, "fill": b.fill} for b in order if b in used],
        "sources": sorted({i.source for i in region.indicators if i.source}),
    }


def _excel_format(unit: str, code: str = "") -> str:
    """A number format that shows the figure, its unit and its band, keeping the cell a number."""
    suffix = f'" {code}"' if code else ""
    return ("0.0%" if unit == "%" else "#,##0.0") + suffix


# Excel measures a column's width in characters ("0" of the default 11 pt font); a row
# one line of that font high is 15 points. Wrapped text does not grow its row by itself
# in a written file (Excel and LibreOffice keep the height saved), so rows are sized here.
LINE_POINTS = 15
HEADING_WIDTH = 16
LA_WIDTH = 24


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped at spaces in a column ``width``
    characters wide; a word longer than a line breaks where it must."""
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


def _fit_rows(ws: Worksheet, last_row: int) -> None:
    """Rows 1..last_row as tall as their wrapped cells need; the header row always gets a height,
    with a little room below its text, so its headings never cover the first LA."""
    for row in range(1, last_row + 1):
        lines = max((wrapped_lines(str(cell.value), ws.column_dimensions[cell.column_letter].width)
                     for cell in ws[row] if cell.alignment.wrap_text and isinstance(cell.value, str)), default=1)
        if row == 1 or lines > 1:
            ws.row_dimensions[row].height = LINE_POINTS * lines + 3


def workbook_bytes(plan: Plan) -> bytes:
    """tartan-rug.xlsx: the same table; figures stay numbers (shown with their band),
    with the same fills, the key and the sources below."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.worksheet import Worksheet

    from .ooxml import normalise_zip
    from .workbook import put as write  # text stays text, never a formula

    region = plan.region
    figures = _figures(plan)
    banded = bands(plan)
    workbook = Workbook()
    ws = workbook.active
    assert isinstance(ws, Worksheet)  # a new Workbook holds one worksheet, active
    ws.title = "Tartan rug"
    wrapped = Alignment(wrap_text=True, vertical="top")
    corner = write(ws, 1, 1, "LA")
    corner.font, corner.alignment = Font(bold=True), wrapped  # at the top, level with the headings
    for column, indicator in enumerate(region.indicators, start=2):
        heading = indicator.name if indicator.unit in ("%", "") else f"{indicator.name} ({indicator.unit})"
        cell = write(ws, 1, column, heading)
        cell.font, cell.alignment = Font(bold=True), wrapped
        ws.column_dimensions[cell.column_letter].width = HEADING_WIDTH
    ws.column_dimensions["A"].width = LA_WIDTH
    ws.freeze_panes = "B2"

    def put(row: int, column: int, value: float | None, unit: str, code: str, fill: str) -> None:
        if value is None:
            cell = write(ws, row, column, "n/a")
        else:
            cell = write(ws, row, column, round(value / 100 if unit == "%" else value, 6))
            cell.number_format = _excel_format(unit, code)
        cell.fill = PatternFill("solid", fgColor=fill)

    for row, la in enumerate(region.las, start=2):
        write(ws, row, 1, la).alignment = wrapped  # "Bournemouth, Christchurch and Poole" is wider than the column
        for column, indicator in enumerate(region.indicators, start=2):
            band = banded[la, indicator.name]
            put(row, column, figures.get((la, indicator.name)), indicator.unit, band.code, band.fill)
    summary_row = len(region.las) + 2
    for row, label in ((summary_row, f"{region.region} average"), (summary_row + 1, "England")):
        cell = write(ws, row, 1, label)
        cell.font, cell.alignment = Font(bold=True), wrapped
    for column, indicator in enumerate(region.indicators, start=2):
        put(summary_row, column, _average(_present(plan, figures, indicator)), indicator.unit, "", SUMMARY_FILL)
        put(summary_row + 1, column, indicator.england, indicator.unit, "", SUMMARY_FILL)
    row = summary_row + 3
    write(ws, row, 1, "Key").font = Font(bold=True)
    rug = context(plan)
    assert rug is not None  # called for a plan with figures, each checked against the region's indicators

    for offset, band in enumerate(rug["legend"], start=1):
        write(ws, row + offset, 1, band["code"]).fill = PatternFill("solid", fgColor=band["fill"])
        write(ws, row + offset, 2, band["label"])
    for offset, source in enumerate(rug["sources"], start=len(rug["legend"]) + 2):
        write(ws, row + offset, 1, f"Source: {source}")
    _fit_rows(ws, summary_row + 1)
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
