"""Issuing return workbooks to network chairs (``ria-docs returns``).

One workbook per network, blank or pre-filled from last round's plan.json so
chairs update rather than retype.  Pre-filled content is exactly what reads
back into the same plan: merging untouched returns reproduces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .exceptions import OutputError, UsageError
from .model import Plan
from .outputs import check_outputs_folder, settled, write_outputs
from .region import RegionConfig, load_region
from .text import did_you_mean, join_names
from .workbook import blank_return, fill_sheet, set_about, workbook_bytes

# Characters some file system refuses, and names Windows reserves.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_name(text: str, limit: int = 80) -> str:
    """A file-name part that is safe on Windows, macOS and Linux."""
    name = _UNSAFE.sub("-", text)
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"-{2,}", "-", name).strip(" .-")
    name = name[:limit].rstrip(" .-")
    if not name or name.lower() in _RESERVED:
        name = f"network-{name}" if name else "network"
    return name


def return_file_name(network: str, period: str) -> str:
    return f"{safe_name(network)} - {safe_name(period)}.xlsx"


@dataclass
class Issued:
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a pre-fill could not carry over


def _chosen_networks(region: RegionConfig, names: list[str]) -> list[str]:
    if not names:
        return [n.name for n in region.networks]
    chosen, unknown = [], []
    for name in names:
        found = region.resolve_network(name)
        if found is None:
            hint = did_you_mean(name, region.network_spellings()) or "the networks are: " + join_names(
                [n.name for n in region.networks], 30, word="and")
            unknown.append(f'"{name}" is not a network in region.toml ({hint})')
        elif found not in chosen:
            chosen.append(found)
    if unknown:
        raise UsageError("; ".join(unknown) + ".")
    return chosen


def prefill(plan: Plan, region: RegionConfig, network: str, notes: list[str]) -> tuple[dict, dict]:
    """About values and sheet rows for one network, from last round's plan.

    What last round said for this network: its own activities (with RAG and
    ticks) in every theme, plus the outcome and lead text of the themes it now
    leads; its contribution; the LA support rows it sent; its About details.
    Update bullets are news of one round and start empty. Names in the plan
    are matched through region.toml's aliases, so a renamed network keeps its
    content.
    """
    def mine(name: str | None) -> bool:
        return bool(name) and region.canonical_network(name) == network

    about: dict[str, object] = {}
    sheets: dict[str, list[dict]] = {}
    previous = next((n for n in plan.networks if mine(n.name)), None)
    if previous is not None:
        for label, person in (("Chair", previous.chair), ("Director link", previous.director)):
            about[label] = person.name if person else None
            about[f"{label} LA"] = person.la if person else None
        if previous.contribution:
            sheets["Contribution"] = [{"Contribution": t.text} for t in previous.contribution]
    last = next((r for r in plan.returns if mine(r.network)), None)
    if last is not None:
        about["Completed by"], about["Email"] = last.completed_by, last.email

    codes = {t.code for t in region.themes}
    led = {t.code for t in region.themes if t.lead == network}
    rows = []
    for theme in plan.themes:
        activities = [a for a in theme.activities if mine(a.network)]
        if theme.code not in codes or (theme.code not in led and not activities):
            continue
        first: dict[str, object] = {"Theme": region.theme(theme.code).label}
        if theme.code in led:
            first["Outcome"] = "\n".join(theme.outcome) or None
            first["Lead responsibility"] = "\n".join(theme.lead_responsibility) or None
        for index, activity in enumerate(activities or [None]):
            row = dict(first) if index == 0 else {}
            if activity is not None:
                ticks = activity.ticks
                row |= {
                    "Activity": "\n".join(activity.bullets),
                    "RAG": activity.rag.value if activity.rag else None,
                    "Regional group task": "Yes" if ticks.regional_group_task else None,
                    "Seminar/workshop": "Yes" if ticks.seminar_workshop else None,
                    "Project work": "Yes" if ticks.project_work else None,
                    "RIA lead": "Yes" if ticks.ria_lead else None,
                    "SDSA": "Yes" if ticks.sdsa else None,
                    "Commentary": "\n".join(activity.commentary) or None,
                }
            rows.append(row)
    if rows:
        sheets["Work programme"] = rows

    files = {r.file for r in plan.returns if mine(r.network)}
    columns = {"support_needed": "Support needed", "support_actions": "Support actions",
               "strengths_and_offers": "Strengths and offers", "offer_actions": "Offer actions"}
    la_rows = []
    for support in plan.la_support:
        sent = {key: [t.text for t in getattr(support, key) if t.source and t.source.file in files] for key in columns}
        depth = max(map(len, sent.values()))
        if depth and support.la not in region.las:
            notes.append(f"{network}: LA support for {support.la} is not pre-filled; it is no longer in region.toml")
            continue
        for index in range(depth):
            row = {"LA": support.la} if index == 0 else {}
            row |= {columns[key]: values[index] for key, values in sent.items() if index < len(values)}
            la_rows.append(row)
    if la_rows:
        sheets["LA support"] = la_rows
    return about, sheets


def issue_returns(
    inputs: Path,
    out_dir: Path,
    *,
    networks: list[str] | None = None,
    from_plan: Path | None = None,
    force: bool = False,
) -> Issued:
    """Write one return workbook per network (or per named network) into ``out_dir``."""
    from .pipeline import REGION_TOML, load_plan
    from .template_files import templates_in_use
    from .plan_file import require_same_region

    check_outputs_folder(out_dir, templates=templates_in_use(None), documents=False)
    region = load_region(Path(inputs) / REGION_TOML)
    chosen = _chosen_networks(region, list(networks or []))
    plan = load_plan(from_plan) if from_plan else None
    if plan is not None:
        require_same_region(plan, from_plan, region.region)
    result = Issued()
    if plan is not None and plan.region.period == region.period:
        result.notes.append(
            f"{from_plan} is from {plan.region.period}, the period region.toml still gives; "
            "change period in region.toml for the new round"
        )
    if Path(out_dir).resolve().is_relative_to(Path(inputs).resolve()):
        result.notes.append(
            f"{out_dir} is inside the inputs folder {inputs}: the merge reads every workbook there, so move the "
            "issued returns out before merging, or issue them elsewhere with -o"
        )
    if plan is not None:
        dropped = [t.code for t in plan.themes if t.activities and t.code not in {x.code for x in region.themes}]
        if dropped:
            result.notes.append(
                f"themes {', '.join(dropped)} of {from_plan} are not in region.toml; their activities are not pre-filled"
            )
    out_dir = Path(out_dir)
    targets: dict[str, Path] = {}
    for name in chosen:  # two names may differ only in characters a file name cannot hold
        path, number = out_dir / return_file_name(name, region.period), 1
        while path in targets.values():
            number += 1
            path = out_dir / f"{return_file_name(name, region.period)[:-5]} ({number}).xlsx"
        targets[name] = path
    # Held from the check for existing workbooks to the write: a run killed there is rolled back first
    # (so its old workbooks count as existing), and a second run at once waits, then finds these.
    with settled(out_dir, create=True):
        return _write_returns(region, plan, targets, out_dir, force, result)


def _write_returns(region, plan, targets: dict[str, Path], out_dir: Path, force: bool, result: Issued) -> Issued:
    existing = [p.name for p in targets.values() if p.exists()]
    if existing and not force:
        shown = ", ".join(existing[:3]) + (f" and {len(existing) - 3} more" if len(existing) > 3 else "")
        raise OutputError(
            f"{len(existing)} return(s) already exist in {out_dir}: {shown}. "
            "Nothing was written. Use --force to replace them, or choose another folder with -o."
        )
    files: dict[str, bytes] = {}
    for name, path in targets.items():
        workbook = blank_return(region, name)
        if plan is not None:
            about, sheets = prefill(plan, region, name, result.notes)
            set_about(workbook, about)
            for sheet, rows in sheets.items():
                fill_sheet(workbook, sheet, rows)
        files[path.name] = workbook_bytes(workbook)
    # One batch: every workbook is in place, or none is and any earlier ones are as they were.
    result.written = write_outputs(out_dir, files)
    return result
