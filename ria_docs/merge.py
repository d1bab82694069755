"""Stage 3: merge the chosen returns into one canonical :class:`~ria_docs.model.Plan`.

Order is always region.toml's (LAs, themes, networks, update sections), then
network order, then row order, so the same returns always give the same plan.
"""

from __future__ import annotations

from .model import (
    LASupport,
    Network,
    Person,
    Plan,
    ReturnUsed,
    Source,
    Theme,
    UpdateBullet,
    UpdateSection,
)
from .region import RegionConfig
from .report import Report
from .text import loose_key
from .validate import NetworkReturn

REGION_FILE = "region.toml"
LA_COLUMNS = ("support_needed", "support_actions", "strengths_and_offers", "offer_actions")


def _roster_person(name: str | None, la: str | None) -> Person | None:
    if not name:
        return None
    return Person(name=name, la=la, source=Source(file=REGION_FILE))


def _network(config, ret: NetworkReturn | None) -> Network:
    chair = _roster_person(config.chair, config.chair_la)
    director = _roster_person(config.director, config.director_la)
    if ret is not None:
        # A name on the About sheet replaces the roster's person and LA; an LA
        # alone updates the roster person's LA.
        if ret.chair is not None:
            chair = ret.chair
        elif ret.chair_la is not None and chair is not None:
            chair = chair.model_copy(update={"la": ret.chair_la.text, "source": ret.chair_la.source})
        if ret.director is not None:
            director = ret.director
        elif ret.director_la is not None and director is not None:
            director = director.model_copy(update={"la": ret.director_la.text, "source": ret.director_la.source})
    return Network(
        name=config.name,
        structure_label=config.label,
        reports_to=config.reports_to,
        show_in_section_d=config.show_in_section_d,
        chair=chair,
        director=director,
        contribution=list(ret.contribution) if ret else [],
        return_file=ret.file if ret else None,
    )


def _set_aside(report: Report, file: str, refs: list[str]) -> None:
    """Cells read but not in the plan after all: listed as ignored, not used."""
    account = report.account(file)
    for ref in refs:
        if ref in account.cells_used:
            account.cells_used.remove(ref)
        account.ignored.append(ref)


def _theme_text(theme, entries, key: str, label: str, report: Report) -> tuple[list[str], Source | None]:
    """Outcome or lead text: the lead network's, else the first given; others warned."""
    given = [(ret, entry) for ret, entry in entries if getattr(entry, key)]
    if not given:
        return [], None
    lead = [pair for pair in given if pair[0].network == theme.lead]
    winner_ret, winner = (lead or given)[0]
    text = getattr(winner, key)
    for ret, entry in given:
        if entry is winner or loose_key(" ".join(getattr(entry, key))) == loose_key(" ".join(text)):
            continue
        source = getattr(entry, f"{key}_source")
        _set_aside(report, ret.file, [f"{source.sheet}!{source.cell}"])
        why = "the lead network's" if lead else "the first network's"
        report.warning(
            "conflicting-theme-text",
            f"{ret.network} gives theme {theme.code} a different {label} from {winner_ret.network}; "
            f"{why} text is used",
            file=ret.file, sheet=source.sheet, cell=source.cell,
            hint=f"agree the {label} with {theme.lead}, which leads this theme",
        )
    return text, getattr(winner, f"{key}_source")


def _activities(theme, entries, report: Report):
    kept = []
    seen: dict[str, object] = {}
    for _ret, entry in entries:
        for activity in entry.activities:
            key = loose_key(" ".join(activity.bullets))
            twin = seen.get(key)
            if twin is None:
                seen[key] = activity
                kept.append(activity)
                continue
            same_marks = twin.rag == activity.rag and twin.ticks == activity.ticks
            if same_marks:
                message = f"this activity of theme {theme.code} repeats {twin.source}; it is shown once"
                _set_aside(report, activity.source.file, [f"{activity.source.sheet}!{c}" for c in activity.cells])
            else:
                message = (
                    f"this activity of theme {theme.code} repeats {twin.source} with a different "
                    "RAG or ticks; both are shown"
                )
                kept.append(activity)
            report.warning(
                "duplicate-activity", message,
                file=activity.source.file, sheet=activity.source.sheet, cell=activity.source.cell,
                hint="delete one of the two rows",
            )
    return kept


def merge_returns(region: RegionConfig, returns: list[NetworkReturn], report: Report) -> Plan:
    order = {network.name: i for i, network in enumerate(region.networks)}
    returns = sorted(returns, key=lambda r: order[r.network])
    by_network = {r.network: r for r in returns}

    networks = [_network(config, by_network.get(config.name)) for config in region.networks]

    themes = []
    for config in region.themes:
        entries = [(ret, ret.themes[config.code]) for ret in returns if config.code in ret.themes]
        outcome, outcome_source = _theme_text(config, entries, "outcome", "Outcome", report)
        lead, lead_source = _theme_text(config, entries, "lead_responsibility", "Lead responsibility", report)
        themes.append(Theme(
            code=config.code,
            title=config.title,
            lead_network=config.lead,
            outcome=outcome,
            outcome_source=outcome_source,
            lead_responsibility=lead,
            lead_responsibility_source=lead_source,
            activities=_activities(config, entries, report),
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
            section.bullets.extend(
                UpdateBullet(text=e.text, source=e.source, sub_bullets=e.sub_bullets)
                for e in ret.update if e.section == heading
            )
        update.append(section)

    used = [
        ReturnUsed(
            file=ret.file,
            network=ret.network,
            completed_by=ret.completed_by,
            email=ret.email,
            date_submitted=ret.date_submitted.isoformat() if ret.date_submitted else None,
            template_version=ret.template_version,
            cells_used=list(report.account(ret.file).cells_used),
        )
        for ret in returns
    ]
    # "No return" means no file named the network, valid or not: a network
    # whose return has errors did send one, and is listed with its errors.
    sent = {account.network for account in report.returns if account.network}
    report.missing_networks = [n.name for n in region.networks if n.name not in sent]
    return Plan(region=region, networks=networks, themes=themes, la_support=la_support, update=update, returns=used)
