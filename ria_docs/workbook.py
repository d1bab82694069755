"""Writing return workbooks in the layout the reader expects.

The layout comes from :mod:`ria_docs.reader` (sheet names, headers, About
labels), so what this writes always reads back.  Values are written by header
name, as a chair fills them.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from .ooxml import normalise_zip
from .reader import ABOUT_LABELS, SHEETS

TEMPLATE_VERSION = "1"
COLUMN_WIDTHS = {  # characters; long text columns wide, tick columns narrow
    "Contribution": 90, "Theme": 24, "Outcome": 36, "Activity": 60, "RAG": 9, "Regional group task": 11,
    "Seminar/workshop": 11, "Project work": 11, "Lead responsibility": 36, "RIA lead": 9, "SDSA": 9,
    "Commentary": 36, "LA": 18, "Support needed": 40, "Support actions": 30, "Strengths and offers": 40,
    "Offer actions": 30, "Section": 34, "Bullet": 70, "Sub-bullet": 60,
}


def _set_text(cell, value) -> None:
    """Write a value; text is always text, never a formula, whatever it starts with."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def build_return(about: dict[str, object], sheets: dict[str, list[dict[str, object]]]):
    """An openpyxl workbook: About (label -> value), then the named sheets' rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    known_labels = {label.lower(): label for label in ABOUT_LABELS.values()}
    workbook = Workbook()
    ws = workbook.active
    ws.title = "About"
    rows = dict(about)
    rows.setdefault("Template version", TEMPLATE_VERSION)
    for row, (label, value) in enumerate(rows.items(), start=1):
        if label.lower() not in known_labels:
            raise ValueError(f"unknown About label {label!r}")
        ws.cell(row=row, column=1, value=known_labels[label.lower()]).font = Font(bold=True)
        cell = ws.cell(row=row, column=2)
        _set_text(cell, value)
        if isinstance(value, (dt.date, dt.datetime)):
            cell.number_format = "dd/mm/yyyy"
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 50

    for name, data in sheets.items():
        spec = SHEETS[name.lower()]
        headers = list(spec.headers.values())
        ws = workbook.create_sheet(spec.name)
        for column, header in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=column, value=header)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[cell.column_letter].width = COLUMN_WIDTHS.get(header, 20)
        ws.freeze_panes = "A2"
        lookup = {h.lower(): i for i, h in enumerate(headers, start=1)}
        for row, record in enumerate(data, start=2):
            for header, value in record.items():
                if header.lower() not in lookup:
                    raise ValueError(f"sheet {spec.name!r} has no header {header!r}")
                if value in (None, ""):
                    continue
                cell = ws.cell(row=row, column=lookup[header.lower()])
                _set_text(cell, value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    return workbook


def save_workbook(workbook, path: Path, *, when: dt.date | None = None) -> None:
    """Save with fixed timestamps, so the same content gives the same bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = f"{(when or dt.date(2000, 1, 1)):%Y-%m-%d}T00:00:00Z"
    Path(path).write_bytes(normalise_zip(buffer.getvalue(), core_date=stamp))
