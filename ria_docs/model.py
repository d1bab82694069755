"""The canonical model of one cycle: what plan.json holds.

Everything the documents show is here, each item with the source it came from,
so ``ria-docs render plan.json`` can rebuild the documents without the returns.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict

from .region import Finite, RegionConfig

SCHEMA_VERSION = 2  # 2: the update's sections hold blocks (paragraphs, bullets, numbered items), not bullets


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Model):
    """Where an item came from: a return's file (relative to the inputs folder),
    sheet and cell; or region.toml, for roster defaults."""

    file: str
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        if self.sheet and self.cell:
            return f"{self.file}, {self.sheet}!{self.cell}"
        return self.file


class Text(_Model):
    """One paragraph or bullet, and its source."""

    text: str
    source: Source | None = None
    network: str | None = None  # who reported it (LA support and contributions)
    carried_from: str | None = None  # the period it was carried forward from, when no return this round


class Rag(str, Enum):
    RED = "Red"
    AMBER = "Amber"
    GREEN = "Green"
    BLUE = "Blue"  # complete


class Ticks(_Model):
    """The five tick columns of Section C."""

    regional_group_task: bool = False
    seminar_workshop: bool = False
    project_work: bool = False
    ria_lead: bool = False
    sdsa: bool = False


# The five "nature of activity" and "support" ticks, in the order the documents show them.
TICK_FIELDS: tuple[str, ...] = tuple(Ticks.model_fields)


class Activity(_Model):
    bullets: list[str]  # one activity row; several lines are several bullets
    rag: Rag | None = None
    ticks: Ticks = Ticks()
    commentary: list[str] = []
    network: str
    source: Source  # the Activity cell
    cells: list[str] = []  # every cell of its row that went into it ("A7", "D7", ...)
    carried_from: str | None = None  # the period it was carried forward from, when no return this round


class Theme(_Model):
    code: str
    title: str
    lead_network: str
    outcome: list[str] = []
    outcome_source: Source | None = None
    lead_responsibility: list[str] = []
    lead_responsibility_source: Source | None = None
    activities: list[Activity] = []

    @property
    def label(self) -> str:
        return f"{self.code}: {self.title}"


class LASupport(_Model):
    """Section B: one LA's row."""

    la: str
    support_needed: list[Text] = []
    support_actions: list[Text] = []
    strengths_and_offers: list[Text] = []
    offer_actions: list[Text] = []


# Section B's four columns of an LA's row, in order.
LA_SUPPORT_FIELDS: tuple[str, ...] = tuple(name for name in LASupport.model_fields if name != "la")


class Person(_Model):
    name: str
    la: str | None = None
    source: Source | None = None

    def display(self) -> str:
        return f"{self.name} ({self.la})" if self.la else self.name


class Network(_Model):
    """Section D: one regional network, roster overridden by its return."""

    name: str
    structure_label: str
    reports_to: str | None = None
    show_in_section_d: bool = True
    chair: Person | None = None
    director: Person | None = None
    contribution: list[Text] = []
    return_file: str | None = None  # the return used, if any
    carried_from: str | None = None  # no return this round: content kept from this period


class BlockKind(str, Enum):
    """How one row of an Update sheet is shown."""

    PARAGRAPH = "paragraph"
    BULLET = "bullet"
    NUMBERED = "numbered"  # an item of a numbered list, numbered by Word


class UpdateBlock(_Model):
    """One block of a section of the regional update: a paragraph, a bullet (with its
    sub-bullets) or a numbered item."""

    kind: BlockKind = BlockKind.BULLET
    text: str
    source: Source
    sub_bullets: list[Text] = []


class UpdateSection(_Model):
    heading: str
    blocks: list[UpdateBlock] = []


class IndicatorValue(_Model):
    """One LA's figure for one indicator of the tartan rug."""

    la: str
    indicator: str
    value: Finite  # nan and inf are no figure
    period: str | None = None  # the period the figure covers, as the return says
    source: Source


class ReturnUsed(_Model):
    file: str
    network: str
    completed_by: str | None = None
    email: str | None = None
    date_submitted: str | None = None  # ISO date
    template_version: str | None = None
    cells_used: list[str] = []  # "Sheet!C7" of every cell that reached this plan


class Round(_Model):
    """One round merged into the plan, for its history."""

    period: str
    date: str | None = None  # the newest Date submitted of the round's returns (ISO)
    returns: list[str] = []  # files used
    carried_forward: list[str] = []  # networks whose content was kept from an earlier round


class Plan(_Model):
    schema_version: int = SCHEMA_VERSION
    region: RegionConfig
    networks: list[Network]
    themes: list[Theme]
    la_support: list[LASupport]
    update: list[UpdateSection]
    returns: list[ReturnUsed] = []
    history: list[Round] = []
    indicator_values: list[IndicatorValue] = []
