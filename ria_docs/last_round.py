"""What each network said last round, read from a baseline plan.json.

One rule for both uses of a baseline: the merge carries it forward for a
network that sends no return this round (:func:`ria_docs.merge.carried_returns`),
and ``ria-docs returns --from`` pre-fills it into the network's workbook
(:func:`ria_docs.returns.prefill`).

A network's last-round content is what the plan says the network itself
reported, by each item's ``network`` (who reported it), matched to this round's
region.toml through its aliases:

- its activities, in every theme of this round's region.toml, with the outcome
  and lead text of the themes it leads in this round's region.toml (an
  activity stays with the network that reported it, even in a theme another
  network leads);
- its Section D contribution, and its chair and director, as its entry in the
  plan's networks gives them;
- its LA support items, for the LAs of this round's region.toml;
- who completed its return, and their email, as the plan's returns give them.

Items the baseline itself carried forward from an earlier round are the
network's too: they keep the network that reported them, though their source
is an earlier round's file that the baseline's returns do not list.

:func:`last_round` reads the plan once, indexing every item by network in one
pass, so the cost grows with the plan and not with networks x plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .model import LA_SUPPORT_FIELDS, Network, Person, Plan, ReturnUsed, Text
from .network_return import ThemeEntry
from .region import RegionConfig
from .text import loose_key

LA_COLUMNS = LA_SUPPORT_FIELDS


@dataclass
class LastRound:
    """What one network of this round's region.toml said in the baseline."""

    network: str  # its name in this round's region.toml
    period: str  # the baseline's period
    entry: Network | None = None  # its entry among the plan's networks (the first, if aliases give two)
    last_return: ReturnUsed | None = None  # the return the plan used for it (the first, if aliases give two)
    # Theme code -> what it said there, in the plan's theme order, for the themes of this
    # round's region.toml where it reported an activity or that it leads (these with the
    # theme's outcome and lead text, which may be empty).
    themes: dict[str, ThemeEntry] = field(default_factory=dict)
    leads: set[str] = field(default_factory=set)  # codes of those themes it leads in this round's region.toml
    # LA -> column (LA_COLUMNS) -> the items it reported, in the plan's LA order; only columns with items.
    la_support: dict[str, dict[str, list[Text]]] = field(default_factory=dict)
    las_dropped: list[str] = field(default_factory=list)  # LAs it gave support for that region.toml no longer has

    @property
    def contribution(self) -> list[Text]:
        return list(self.entry.contribution) if self.entry else []

    @property
    def chair(self) -> Person | None:
        return self.entry.chair if self.entry else None

    @property
    def director(self) -> Person | None:
        return self.entry.director if self.entry else None

    @property
    def completed_by(self) -> str | None:
        return self.last_return.completed_by if self.last_return else None

    @property
    def email(self) -> str | None:
        return self.last_return.email if self.last_return else None

    @property
    def has_content(self) -> bool:
        """Whether there is anything to carry forward: a contribution, an activity,
        a led theme's outcome or lead text, or an LA support item."""
        return bool(self.contribution or self.la_support or any(
            e.activities or e.outcome or e.lead_responsibility for e in self.themes.values()))


def canonical_names(region: RegionConfig) -> Callable[[str], str]:

    """``region.canonical_network`` for many names, its spellings indexed once.

    Matches as :func:`ria_docs.text.find_match` does (loose keys, the first
    spelling listed wins); a name of no network of region.toml is kept as it is.
    """
    index: dict[str, str] = {}
    for spelling, name in region.network_spellings().items():
        index.setdefault(loose_key(spelling), name)
    known: dict[str, str] = {}

    def canonical(name: str) -> str:
        if name not in known:
            known[name] = index.get(loose_key(name), name)
        return known[name]

    return canonical


def last_round(baseline: Plan, region: RegionConfig) -> dict[str, LastRound]:
    """Every network of region.toml (by name, in region order) -> what the baseline says it said."""
    canonical = canonical_names(region)
    said = {n.name: LastRound(network=n.name, period=baseline.region.period) for n in region.networks}

    def of(name: str | None) -> LastRound | None:
        return said.get(canonical(name)) if name else None

    for network in baseline.networks:
        mine = of(network.name)
        if mine is not None and mine.entry is None:
            mine.entry = network
    for used in baseline.returns:
        mine = of(used.network)
        if mine is not None and mine.last_return is None:
            mine.last_return = used

    lead_of = {t.code: t.lead for t in region.themes}
    for theme in baseline.themes:
        if theme.code not in lead_of:
            continue  # not a theme this round
        for activity in theme.activities:
            mine = of(activity.network)
            if mine is not None:
                mine.themes.setdefault(theme.code, ThemeEntry(theme.code)).activities.append(activity)
        lead = said.get(lead_of[theme.code])
        if lead is not None:
            entry = lead.themes.setdefault(theme.code, ThemeEntry(theme.code))
            entry.outcome, entry.outcome_source = list(theme.outcome), theme.outcome_source
            entry.lead_responsibility = list(theme.lead_responsibility)
            entry.lead_responsibility_source = theme.lead_responsibility_source
            lead.leads.add(theme.code)

    las = set(region.las)
    for support in baseline.la_support:
        for column in LA_COLUMNS:
            for item in getattr(support, column):
                mine = of(item.network)
                if mine is None:
                    continue
                if support.la in las:
                    mine.la_support.setdefault(support.la, {}).setdefault(column, []).append(item)
                elif support.la not in mine.las_dropped:
                    mine.las_dropped.append(support.la)
    return said
