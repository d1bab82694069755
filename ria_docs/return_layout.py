"""The return workbook's layout: its sheets, their headers, the About labels.

One home for the words a chair sees as sheet names, headers and labels: the
reader reads by them, the validator names them in messages, and the workbook
writer issues them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Rag
from .text import loose_key

# Sheets of the issued workbook that hold the team's text, not the chair's:
# skipped while protected (as issued); read like any extra sheet otherwise.
INSTRUCTIONS_SHEET = "Instructions"
LISTS_SHEET = "Lists"


@dataclass(frozen=True)
class SheetSpec:
    name: str
    headers: dict[str, str]  # key -> header text as the spec writes it
    required: tuple[str, ...]
    # Columns of numbers or dates, where a formula's saved result is a value
    # like any other; in every other column a formula is a slip (text typed
    # starting with "=") and an error.
    computed: tuple[str, ...] = ()


SHEETS: dict[str, SheetSpec] = {
    spec.name.lower(): spec
    for spec in (
        SheetSpec("Contribution", {"contribution": "Contribution"}, ("contribution",)),
        SheetSpec(
            "Work programme",
            {
                "theme": "Theme",
                "outcome": "Outcome",
                "activity": "Activity",
                "rag": "RAG",
                "regional_group_task": "Regional group task",
                "seminar_workshop": "Seminar/workshop",
                "project_work": "Project work",
                "lead_responsibility": "Lead responsibility",
                "ria_lead": "RIA lead",
                "sdsa": "SDSA",
                "commentary": "Commentary",
            },
            ("theme", "activity"),
        ),
        SheetSpec(
            "LA support",
            {
                "la": "LA",
                "support_needed": "Support needed",
                "support_actions": "Support actions",
                "strengths_and_offers": "Strengths and offers",
                "offer_actions": "Offer actions",
            },
            ("la",),
        ),
        # One row, one block; a workbook of the first layout (Section, Bullet, Sub-bullet) reads the same.
        SheetSpec(
            "Update",
            {"section": "Section", "paragraph": "Paragraph", "bullet": "Bullet", "sub_bullet": "Sub-bullet",
             "numbered": "Numbered"},
            ("section",),
        ),
        SheetSpec(
            "Indicators",
            {"la": "LA", "indicator": "Indicator", "value": "Value", "period": "Period"},
            ("la", "indicator", "value"),
            computed=("value",),
        ),
    )
}

# The words for a RAG status (as loose_key gives them) and for a tick box (lower case), in a return
# and in a plan read back by import.
RAG_WORDS = {
    "r": Rag.RED, "red": Rag.RED,
    "a": Rag.AMBER, "amber": Rag.AMBER,
    "g": Rag.GREEN, "green": Rag.GREEN,
    "b": Rag.BLUE, "blue": Rag.BLUE, "complete": Rag.BLUE, "completed": Rag.BLUE,
    "blue complete": Rag.BLUE,
}
TICKED = {"yes", "y", "x", "✗", "✓", "✔", "☑", "☒", "√", "●", "•", "true"}
NOT_TICKED = {"no", "n", "false", "☐"}

# The Update sheet's block columns: the one a row fills says how its text is shown.
UPDATE_BLOCKS = ("paragraph", "bullet", "sub_bullet", "numbered")

SHEETS_BY_KEY = {loose_key(spec.name): spec for spec in SHEETS.values()}
LAYOUT_SHEETS = {loose_key(INSTRUCTIONS_SHEET), loose_key(LISTS_SHEET)}

ABOUT_LABELS = {
    "network": "Network",
    "period": "Period",
    "completed_by": "Completed by",
    "email": "Email",
    "date_submitted": "Date submitted",
    "chair": "Chair",
    "chair_la": "Chair LA",
    "director": "Director link",
    "director_la": "Director link LA",
    "template_version": "Template version",
}
ABOUT_COMPUTED = ("date_submitted",)  # =TODAY() is a date like any other
# Row 1 of About may hold column headings instead of a label (older workbooks did).
ABOUT_HEADINGS = {"question", "answer", "label", "labels", "value", "values", "field", "details", "response", "item"}
