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
from .last_round import LastRound, last_round
from .model import LA_SUPPORT_FIELDS, TICK_FIELDS, Plan
from .outputs import check_outputs_folder, settled, write_outputs
from .region import RegionConfig, load_region
from .return_layout import SHEETS
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


# The fields' headers, as the return workbook's layout names them.
PREFILL_COLUMNS = {field: SHEETS["la support"].headers[field] for field in LA_SUPPORT_FIELDS}
TICK_HEADERS = {field: SHEETS["work programme"].headers[field] for field in TICK_FIELDS}


def prefill(said: LastRound, region: RegionConfig, notes: list[str]) -> tuple[dict, dict]:
    """About values and sheet rows for one network, from what it said last round
    (:func:`ria_docs.last_round.last_round`, which matches names in the plan
    through region.toml's aliases, so a renamed network keeps its content).

    Its own activities (with RAG and ticks) in every theme, plus the outcome and
    lead text of the themes it now leads; its contribution; its LA support
    rows; its About details. Update bullets are news of one round and start empty.
    """
    network = said.network
    about: dict[str, object] = {}
    sheets: dict[str, list[dict]] = {}
    if said.entry is not None:
        for label, person in (("Chair", said.chair), ("Director link", said.director)):
            about[label] = person.name if person else None
            about[f"{label} LA"] = person.la if person else None
        if said.contribution:
            sheets["Contribution"] = [{"Contribution": t.text} for t in said.contribution]
    if said.last_return is not None:
        about["Completed by"], about["Email"] = said.completed_by, said.email

    labels = {t.code: t.label for t in region.themes}
    rows = []
    for code, entry in said.themes.items():
        first: dict[str, object] = {"Theme": labels[code]}
        if code in said.leads:
            first["Outcome"] = "\n".join(entry.outcome) or None
            first["Lead responsibility"] = "\n".join(entry.lead_responsibility) or None
        for index, activity in enumerate(entry.activities or [None]):
            row = dict(first) if index == 0 else {}
            if activity is not None:
                row |= {"Activity": "\n".join(activity.bullets), "RAG": activity.rag.value if activity.rag else None}
                row |= {header: "Yes" if getattr(activity.ticks, key) else None for key, header in TICK_HEADERS.items()}
                row["Commentary"] = "\n".join(activity.commentary) or None
            rows.append(row)
    if rows:
        sheets["Work programme"] = rows

    for la in said.las_dropped:
        notes.append(f"{network}: LA support for {la} is not pre-filled; it is no longer in region.toml")
    la_rows = []
    for la, columns in said.la_support.items():
        sent = {header: [t.text for t in columns.get(key, [])] for key, header in PREFILL_COLUMNS.items()}
        for index in range(max(map(len, sent.values()))):
            row = {"LA": la} if index == 0 else {}
            row |= {header: values[index] for header, values in sent.items() if index < len(values)}
            la_rows.append(row)
    if la_rows:
        sheets["LA support"] = la_rows
    return about, sheets


def return_bytes(region: RegionConfig, network: str, said: LastRound | None, notes: list[str]) -> bytes:
    """One network's return workbook: blank, or pre-filled with what it ``said`` last round."""
    workbook = blank_return(region, network)
    if said is not None:
        about, sheets = prefill(said, region, notes)
        set_about(workbook, about)
        for sheet, rows in sheets.items():
            fill_sheet(workbook, sheet, rows)
    return workbook_bytes(workbook)


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
    from .plan_file import require_same_region
    from .template_files import templates_in_use

    check_outputs_folder(out_dir, templates=templates_in_use(None), documents=False)
    region = load_region(Path(inputs) / REGION_TOML)
    chosen = _chosen_networks(region, list(networks or []))
    plan = load_plan(from_plan) if from_plan else None
    if plan is not None:
        assert from_plan is not None  # plan is loaded from it
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
    taken: set[Path] = set()
    for name in chosen:  # two names may differ only in characters a file name cannot hold
        path, number = out_dir / return_file_name(name, region.period), 1
        while path in taken:
            number += 1
            path = out_dir / f"{return_file_name(name, region.period)[:-5]} ({number}).xlsx"
        targets[name] = path
        taken.add(path)
    # Held from the check for existing workbooks to the write: a run killed there is rolled back first
    # (so its old workbooks count as existing), and a second run at once waits, then finds these.
    with settled(out_dir, create=True):
        return _write_returns(region, plan, targets, out_dir, force, result)


def _write_returns(region: RegionConfig, plan: Plan | None, targets
: dict[str, Path], out_dir: Path, force: bool, result: Issued) -> Issued:
    existing = [p.name for p in targets.values() if p.exists()]
    if existing and not force:
        shown = ", ".join(existing[:3]) + (f" and {len(existing) - 3} more" if len(existing) > 3 else "")
        raise OutputError(
            f"{len(existing)} return(s) already exist in {out_dir}: {shown}. "
            "Nothing was written. Use --force to replace them, or choose another folder with -o."
        )
    said = last_round(plan, region) if plan is not None else {}  # the plan read once, for every network
    files = {path.name: return_bytes(region, name, said.get(name), result.notes) for name, path in targets.items()}
    # One batch: every workbook is in place, or none is and any earlier ones are as they were.
    result.written = write_outputs(out_dir, files)
    return result
