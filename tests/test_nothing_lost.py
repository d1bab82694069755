"""Every non-empty cell of every return reaches plan.json or is listed as ignored."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
from conftest import ROOT

from ria_docs.pipeline import merge_folder
from ria_docs.return_layout import ABOUT_LABELS, SHEETS
from ria_docs.text import clean_text, loose_key

FREE_TEXT = {"Contribution", "Outcome", "Activity", "Lead responsibility", "Commentary", "Support needed",
             "Support actions", "Strengths and offers", "Offer actions", "Bullet", "Sub-bullet",
             "Completed by", "Email", "Chair", "Chair LA", "Director link", "Director link LA"}


def cells_of(path):
    """(content cells, layout cells, header or label of each cell) of one workbook, as "Sheet!A1"."""
    headers = {loose_key(h) for spec in SHEETS.values() for h in spec.headers.values()}
    labels = {loose_key(label) for label in ABOUT_LABELS.values()}
    content, layout, kind = set(), set(), {}
    for ws in openpyxl.load_workbook(path).worksheets:
        if ws.title in ("Instructions", "Lists") and ws.protection.sheet:
            continue
        names = {c.column: str(c.value) for c in ws[1] if c.value}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                    continue
                ref = f"{ws.title}!{cell.coordinate}"
                if ws.title == "About":
                    label = str(ws.cell(row=cell.row, column=1).value)
                    is_layout = cell.column == 1 and loose_key(label) in labels
                    kind[ref] = label
                else:
                    is_layout = cell.row == 1 and loose_key(str(cell.value)) in headers
                    kind[ref] = names.get(cell.column, "")
                (layout if is_layout else content).add(ref)
    return content, layout, kind


def test_every_non_empty_cell_is_in_the_plan_or_listed_as_ignored(cycle, add_return, tmp_path):
    lead = add_return("commissioning.xlsx", {
        "Network": "Commissioning Leads", "Period": "June 2024", "Completed by": "Sally Savage",
        "Email": "sally@example.org.uk", "Date submitted": dt.date(2024, 6, 3), "Chair LA": "Rutland",
    }, {
        "Work programme": [
            {"Theme": "A: Increasing Placement Sufficiency", "Outcome": "More local placements",
             "Activity": "Joint purchasing\nShared framework", "RAG": "amber", "SDSA": "Yes", "Project work": "no",
             "Lead responsibility": "Sally Savage"},
            {"Outcome": "A different outcome, second time", "Activity": "Market position statement", "RAG": "G",
             "Commentary": "On track & funded"},
            {"Theme": "B", "Activity": "Site visits", "Regional group task": True},
        ],
        "LA support": [{"LA": "Rutland", "Support needed": "Sufficiency strategy", "Offer actions": 2024}],
        "Update": [{"Section": "Regional Priorities", "Bullet": "Priorities agreed:"}, {"Sub-bullet": "Placements"}],
        "Contribution": [{"Contribution": "Leads theme A <with> {{ care }}"}],
    })
    other = add_return("safeguarding.xlsx", {
        "Network": "2nd Tier Safeguarding", "Period": "June 2024", "Completed by": "Helen", "Chair": "Helen B",
    }, {
        "Work programme": [
            {"Theme": "A", "Outcome": "Safeguarding's view of the outcome", "Activity": "joint purchasing\nshared framework",
             "RAG": "Amber", "SDSA": "Yes"},  # the lead's activity again: merged once
            {"Activity": "Exploitation pathway", "RAG": "Red"},
        ],
    })
    # Chairs' untidiness: an unknown About label, a note beside a value, an extra column, an extra sheet.
    workbook = openpyxl.load_workbook(other)
    workbook["About"]["A12"], workbook["About"]["B12"] = "Favourite colour", "blue"
    workbook["About"]["C1"] = "note to self"
    workbook["Work programme"]["L1"], workbook["Work programme"]["L3"] = "My notes", "call Ali"
    workbook.create_sheet("Scratch")["B7"] = "draft text"
    workbook.save(other)

    result = merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    assert result.written and not result.check.report.errors
    plan = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    plan_text = json.dumps(plan, ensure_ascii=False)
    used_by_file = {r["file"]: r["cells_used"] for r in plan["returns"]}
    for path in (lead, other):
        content, layout, kind = cells_of(path)
        used = set(used_by_file[path.name])
        ignored = set(result.check.outcome.account(path.name).ignored)
        assert used.isdisjoint(ignored)
        assert used | ignored == content, (sorted(content - used - ignored), sorted((used | ignored) - content))
        assert not (used | ignored) & layout
        # what "used" claims is really in the plan, word for word
        workbook = openpyxl.load_workbook(path)
        for ref in used:
            if kind[ref] in FREE_TEXT:
                sheet, cell = ref.split("!")
                value = workbook[sheet][cell].value
                for line in clean_text(str(value)).lines:
                    assert json.dumps(line, ensure_ascii=False)[1:-1] in plan_text, (ref, line)
    # the cells set aside are the ones the report explains:
    # safeguarding's outcome loses to the lead's, and the chairs' untidiness...
    other_ignored = set(result.check.outcome.account("safeguarding.xlsx").ignored)
    assert other_ignored == {"Work programme!B2", "About!A12", "About!B12", "About!C1", "Work programme!L1",
                             "Work programme!L3", "Scratch!B7"}
    # ...the lead's repeated activity is merged into safeguarding's (first in network order); its
    # second, different outcome is kept after its first (never dropped on a warning)
    lead_ignored = set(result.check.outcome.account("commissioning.xlsx").ignored)
    assert lead_ignored == {"Work programme!C2", "Work programme!D2", "Work programme!G2", "Work programme!J2"}
    assert "Work programme!B3" in used_by_file["commissioning.xlsx"]
