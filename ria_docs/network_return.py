"""The stage types between checking a return and merging it.

:mod:`ria_docs.validate` makes a :class:`NetworkReturn` of each return whose
cells all made sense; :mod:`ria_docs.merge` merges them, and
:mod:`ria_docs.last_round` rebuilds one from last round's plan.  Kept apart
from both, so the merge needs nothing of the checking.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .ledger import CellNotes
from .model import Activity, BlockKind, IndicatorValue, Person, Source, Text


@dataclass
class ThemeEntry:
    """What one return says about one theme."""

    code: str
    outcome: list[str] = field(default_factory=list)
    outcome_source: Source | None = None
    lead_responsibility: list[str] = field(default_factory=list)
    lead_responsibility_source: Source | None = None
    activities: list[Activity] = field(default_factory=list)


@dataclass
class UpdateEntry:
    section: str
    text: str
    source: Source
    sub_bullets: list[Text] = field(default_factory=list)
    kind: BlockKind = BlockKind.BULLET


@dataclass
class NetworkReturn:
    """A return whose cells all made sense: ready to merge."""

    file: str
    network: str | None  # None when the About sheet names no known network
    about_sheet: str = "About"
    network_cell: str | None = None
    date_submitted: dt.date | None = None
    date_cell: str | None = None
    completed_by: str | None = None
    email: str | None = None
    template_version: str | None = None
    chair: Person | None = None
    chair_la: Text | None = None  # an LA given without a chair name
    director: Person | None = None
    director_la: Text | None = None
    contribution: list[Text] = field(default_factory=list)
    themes: dict[str, ThemeEntry] = field(default_factory=dict)  # code -> entry, in row order
    la_support: dict[str, dict[str, list[Text]]] = field(default_factory=dict)  # la -> column -> bullets
    update: list[UpdateEntry] = field(default_factory=list)
    indicators: list[IndicatorValue] = field(default_factory=list)
    cells: CellNotes = field(default_factory=CellNotes)  # the validator's: used, ignored, layout

    @property
    def item_count(self) -> int:
        count = len(self.contribution) + len(self.update) + len(self.indicators)
        count += sum(len(u.sub_bullets) for u in self.update)
        for entry in self.themes.values():
            count += len(entry.activities) + bool(entry.outcome) + bool(entry.lead_responsibility)
        count += sum(len(b) for columns in self.la_support.values() for b in columns.values())
        count += sum(x is not None for x in (self.chair, self.director, self.chair_la, self.director_la))
        return count
