"""Stage 3: merge the chosen returns into one canonical :class:`~ria_docs.model.Plan`.

Order is always region.toml's (LAs, themes, networks, update sections), then
network order, then row order, so the same returns always give the same plan.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import TypeVar

from .last_round import LA_COLUMNS, last_round
from .model import (
    Activity,
    IndicatorValue,
    LASupport,
    Network,
    Person,
    Plan,
    ReturnUsed,
    Round,
    Source,
    Text,
    Theme,
    UpdateBlock,
    UpdateSection,
)
from .network_return import NetworkReturn, ThemeEntry
from .region import NetworkConfig, RegionConfig, ThemeConfig
from .report import Report
from .text import same_text

REGION_FILE = "region.toml"
CARRIED = "(carried forward)"  # the file name of a return rebuilt from last round's plan


def _roster_person(name: str | None, la: str | None) -> Person | None:
    if not name:
        return None
    return Person(name=name, la=la, source=Source(file=REGION_FILE))


class _SetAside:
    """Cells the validator handed on that are left out of the plan after all (a losing
    outcome, a merged duplicate): the plan's list of cells used leaves them out, and the
    ledger counts them as ignored."""

    def __init__(self) -> None:
        self.refs: dict[str, set[str]] = {}

    def add(self, file: str, refs: list[str]) -> None:
        self.refs.setdefault(file, set()).update(refs)

    def kept(self, ret: NetworkReturn) -> list[str]:
        gone = self.refs.get(ret.file, set())
        return [ref for ref in ret.cells.used if ref not in gone]


def _network(config: NetworkConfig, ret: NetworkReturn | None, report: Report, aside: _SetAside) -> Network:
    chair = _roster_person(config.chair, config.chair_la)
    director = _roster_person(config.director, config.director_la)
    if ret is not None:
        # A name on the About sheet replaces the roster's person and LA; an LA
        # alone updates the roster person's LA.
        people = {"Chair": chair, "Director link": director}
        for label, named, la in (("Chair", ret.chair, ret.chair_la), ("Director link", ret.director, ret.director_la)):
            if named is not None:
                people[label] = named
            elif la is not None and (person := people[label]) is not None:
                people[label] = person.model_copy(update={"la": la.text, "source": la.source})
            elif la is not None:
                assert la.source is not None  # an About sheet's LA: validate gives it its cell
                aside.add(ret.file, [f"{la.source.sheet}!{la.source.cell}"])
                report.warning(
                    "la-without-person", f"{label} LA is given, but no {label} name, here or in region.toml, "
                    "so it is not used", file=ret.file, sheet=la.source.sheet, cell=la.source.cell,
                    hint=f"add the {label}'s name",
                )
        chair, director = people["Chair"], people["Director link"]
        if ret.contribution and not config.show_in_section_d:
            first = ret.contribution[0].source
            report.warning(
                "contribution-not-shown", f"{config.name} is not in Section D (show_in_section_d = false in "
                "region.toml), so its contribution is kept in plan.json but shown in neither document",
                # No source for a carried text whose plan.json left it out: the network is named all the same.
                file=ret.file, sheet=first.sheet if first else None,
                hint="show the network in Section D, or leave the sheet empty",
            )
    return Network(
        name=config.name,
        structure_label=config.label,
        reports_to=config.reports_to,
        show_in_section_d=config.show_in_section_d,
        chair=chair,
        director=director,
        contribution=list(ret.contribution) if ret else [],
        return_file=ret.file if ret and ret.file != CARRIED else None,
    )


def _theme_text(theme: ThemeConfig, entries: list[tuple[NetworkReturn, ThemeEntry]], key: str, label: str,
                report: Report, aside: _SetAside) -> tuple[list[str], Source | None]:
    """Outcome or lead text: the lead network's, else the first given; others warned."""
    given = [(ret, entry) for ret, entry in entries if getattr(entry, key)]
    if not given:
        return [], None
    lead = [pair for pair in given if pair[0].network == theme.lead]
    winner_ret, winner = (lead or given)[0]
    text = getattr(winner, key)
    for ret, entry in given:
        if entry is winner or same_text(" ".join(getattr(entry, key)), " ".join(text)):
            continue
        source = getattr(entry, f"{key}_source")
        aside.add(ret.file, [f"{source.sheet}!{source.cell}"])
        why = "the lead network's" if lead else "the first network's"
        report.warning(
            "conflicting-theme-text",
            f"{ret.network} gives theme {theme.code} a different {label} from {winner_ret.network}; "
            f"{why} text is used",
            file=ret.file, sheet=source.sheet, cell=source.cell,
            hint=f"agree the {label} with {theme.lead}, which leads this theme",
        )
    return text, getattr(winner, f"{key}_source")


def _activities(theme: ThemeConfig, entries: list[tuple[NetworkReturn, ThemeEntry]], report: Report,
                aside: _SetAside) -> list[Activity]:
    kept: list[Activity] = []
    seen: dict[str, Activity] = {}
    for _ret, entry in entries:
        for activity in entry.activities:
            key = " ".join(" ".join(activity.bullets).split()).casefold()  # as text.same_text compares
            twin = seen.get(key)
            if twin is None:
                seen[key] = activity
                kept.append(activity)
                continue
            identical = (twin.rag, twin.ticks, twin.commentary) == (activity.rag, activity.ticks, activity.commentary)
            if identical:
                message = f"this activity of theme {theme.code} repeats {twin.source}; it is shown once"
                aside.add(activity.source.file, [f"{activity.source.sheet}!{c}" for c in activity.cells])
            else:
                message = (
                    f"this activity of theme {theme.code} repeats {twin.source} with a different "
                    "RAG, ticks or commentary; both are shown"
                )
                kept.append(activity)
            report.warning(
                "duplicate-activity", message,
                file=activity.source.file, sheet=activity.source.sheet, cell=activity.source.cell,
                hint="delete one of the two rows",
            )
    return kept


def carried_returns(region: RegionConfig, baseline: Plan, present: Collection[str | None]) -> list[NetworkReturn]:
    """For each network with no return this round, what it said last round
    (:func:`ria_docs.last_round.last_round`), as if it had sent it again: its own
    activities (with the outcome and lead text of the themes it leads), its
    contribution and its LA support, each marked as carried. Update bullets are
    one round's news and are not carried; its chair and director are
    region.toml's, as for any network whose return does not name them."""
    period = baseline.region.period
    carried = []
    for network, said in last_round(baseline, region).items():
        if network in present or not said.has_content:
            continue
        ret = NetworkReturn(file=CARRIED, network=network)
        ret.contribution = [_carry(t, period) for t in said.contribution]
        for code, entry in said.themes.items():
            if entry.activities or entry.outcome or entry.lead_responsibility:
                ret.themes[code] = replace(entry, activities=[_carry(a, period) for a in entry.activities])
        ret.la_support = {
            la: {column: [_carry(t, period) for t in items] for column, items in columns.items()}
            for la, columns in said.la_support.items()
        }
        carried.append(ret)
    return carried


_Carried = TypeVar("_Carried", Activity, Text)


def _carry(item: _Carried, period: str) -> _Carried:
    return item.model_copy(update={"carried_from": item.carried_from or period})


def _indicator_values(region: RegionConfig, returns: list[NetworkReturn], report: Report,
                      aside: _SetAside) -> list[IndicatorValue]:
    """Tartan rug figures in region order; a second figure for an LA and indicator is warned and set aside."""
    figures: dict[tuple[str, str], IndicatorValue] = {}
    for ret in returns:
        for value in ret.indicators:
            key = (value.la, value.indicator)
            if key in figures:
                first = figures[key].source
                report.warning(
                    "figure-in-two-returns", f"{value.la}'s {value.indicator} is also given in {first}; that one is used",
                    file=value.source.file, sheet=value.source.sheet, cell=value.source.cell,
                    hint="let one network send each figure",
                )
                aside.add(value.source.file, [f"{value.source.sheet}!{value.source.cell}"])
                continue
            figures[key] = value
    la_order = {la: i for i, la in enumerate(region.las)}
    indicator_order = {ind.name: i for i, ind in enumerate(region.indicators)}
    return sorted(figures.values(), key=lambda v: (indicator_order[v.indicator], la_order[v.la]))


def _history(region: RegionConfig, baseline: Plan | None, used: list[ReturnUsed], carried: dict[str, str]) -> list[Round]:
    """The baseline's rounds, then this one (dated by its newest return, so output stays deterministic)."""
    dates = [r.date_submitted for r in used if r.date_submitted]
    this_round = Round(
        period=region.period, date=max(dates) if dates else None, returns=[r.file for r in used],
        carried_forward=list(carried),
    )
    return [h for h in (baseline.history if baseline else []) if h.period != region.period] + [this_round]


def merge_returns(
    region: RegionConfig, returns: list[NetworkReturn], report: Report, baseline: Plan | None = None
) -> Plan:
    """One plan from this round's returns; with ``baseline`` (last round's plan),
    networks with no return keep what they said then, marked as carried."""
    order: dict[str | None, int] = {network.name: i for i, network in enumerate(region.networks)}

    sent = {r.network for r in returns}
    carried: list[NetworkReturn] = []
    carried_from: dict[str, str] = {}  # network -> the period its content is from
    if baseline is not None:
        carried = carried_returns(region, baseline, sent)
        # A carried return is named for a region network (carried_returns): never None.
        carried_from = {r.network: baseline.region.period for r in carried if r.network is not None}
    returns = sorted([*returns, *carried], key=lambda r: order[r.network])
    by_network = {r.network: r for r in returns}

    aside = _SetAside()
    networks = [
        _network(config, by_network.get(config.name), report, aside).model_copy(
            update={"carried_from": carried_from.get(config.name)})
        for config in region.networks
    ]

    themes = []
    for config in region.themes:
        entries = [(ret, ret.themes[config.code]) for ret in returns if config.code in ret.themes]
        outcome, outcome_source = _theme_text(config, entries, "outcome", "Outcome", report, aside)
        lead, lead_source = _theme_text(config, entries, "lead_responsibility", "Lead responsibility", report, aside)
        themes.append(Theme(
            code=config.code,
            title=config.title,
            lead_network=config.lead,
            outcome=outcome,
            outcome_source=outcome_source,
            lead_responsibility=lead,
            lead_responsibility_source=lead_source,
            activities=_activities(config, entries, report, aside),
        ))

    la_support = []
    for la in region.las:
        row = LASupport(la=la)
        for ret in returns:
            for column in LA_COLUMNS:
                getattr(row, column).extend(ret.la_support.get(la, {}).get(column, []))
        la_support.append(row)

    update = []
    for heading in region.update_sections:
        section = UpdateSection(heading=heading)
        for ret in returns:
            section.blocks.extend(
                UpdateBlock(kind=e.kind, text=e.text, source=e.source, sub_bullets=e.sub_bullets)
                for e in ret.update if e.section == heading
            )
        update.append(section)

    indicator_values = _indicator_values(region, returns, report, aside)
    returns = [r for r in returns if r.file != CARRIED]  # the plan lists the files actually used
    used = []
    for ret in returns:
        assert ret.network is not None  # sorted by order[ret.network] above: a region network's name
        used.append(ReturnUsed(
            file=ret.file,
            network=ret.network,
            completed_by=ret.completed_by,
            email=ret.email,
            date_submitted=ret.date_submitted.isoformat() if ret.date_submitted else None,
            template_version=ret.template_version,
            cells_used=aside.kept(ret),
        ))

    history = _history(region, baseline, used, carried_from)
    return Plan(region=region, networks=networks, themes=themes, la_support=la_support, update=update,
                returns=used, history=history, indicator_values=indicator_values)
