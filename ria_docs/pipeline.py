"""The pipeline as plain functions: check a folder, merge it, render a plan.

This is the library the CLI maps its options onto; it never imports click.
Stages: read (reader) -> validate -> merge -> context -> render.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
import os
from pathlib import Path

from pydantic import ValidationError

from .context import plan_context, update_context
from .exceptions import InputsError, PlanFileError
from .merge import merge_returns
from .model import Plan
from .pdf import require_soffice, to_pdf
from .reader import RETURN_SUFFIXES, read_return
from .region import RegionConfig, load_region
from .changes import compare
from .changes import context as changes_context
from .changes import to_markdown as changes_markdown
from .outputs import MERGE_OUTPUTS, RENDER_OUTPUTS, check_outputs_folder, write_outputs
from .outputs import MERGE_REPORT, PLAN_JSON, RUG_XLSX  # noqa: F401  (named with every output, in outputs.py)
from .render import CHANGES_DOCX, PLAN_DOCX, UPDATE_DOCX, render_docx, template_path, templates_in_use
from .report import Report, to_markdown
from .rug import workbook_bytes as rug_workbook
from .validate import NetworkReturn, select_returns, validate_return

REGION_TOML = "region.toml"
# Files a chair may send that ria-docs cannot read: reported, so a return is not missed.
OTHER_SPREADSHEETS = (".csv", ".numbers")


@dataclass
class CheckResult:
    region: RegionConfig
    report: Report
    returns: list[NetworkReturn] = field(default_factory=list)  # one per network, valid
    plan: Plan | None = None  # merged from ``returns``
    baseline: Plan | None = None  # last round's plan, when given

    @property
    def ok(self) -> bool:
        return not self.report.errors


@dataclass
class MergeResult:
    check: CheckResult
    plan: Plan | None = None
    written: list[Path] = field(default_factory=list)


def _is_outputs_folder(folder: Path) -> bool:
    """A folder a merge wrote (outputs kept inside the round's folder): not returns."""
    return (folder / PLAN_JSON).is_file() and (folder / MERGE_REPORT).is_file()


def find_return_files(inputs: Path, unreadable: list[str] | None = None, skip: tuple[Path, ...] = ()) -> list[Path]:
    """Every workbook under the inputs folder, in a stable order.

    Excel's "~$" lock files, hidden files and folders, the folders in ``skip``
    and folders a merge wrote (holding plan.json and merge-report.md) are
    skipped; folders that cannot be read are added to ``unreadable``.
    """
    found = []

    def skipped(error: OSError) -> None:
        if unreadable is not None:
            unreadable.append(file_label(Path(error.filename), inputs))

    skip = {Path(folder).resolve() for folder in skip}
    for folder, subfolders, files in os.walk(inputs, onerror=skipped, followlinks=False):
        subfolders[:] = sorted(
            d for d in subfolders
            if not d.startswith(".") and not _is_outputs_folder(Path(folder) / d)
            and (Path(folder) / d).resolve() not in skip
        )
        for name in files:
            path = Path(folder) / name
            if name.startswith((".", "~$")) or path.suffix.lower() not in RETURN_SUFFIXES + OTHER_SPREADSHEETS:
                continue
            if path.is_file():
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(inputs).as_posix().lower())


def file_label(path: Path, inputs: Path) -> str:
    """The path relative to the inputs folder, printable whatever bytes the name holds."""
    relative = path.relative_to(inputs).as_posix() if path.is_relative_to(inputs) else str(path)
    relative = relative.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(c if c.isprintable() else "?" for c in relative)


def check_folder(
    inputs: Path, *, skip_invalid: bool = False, baseline: Path | None = None, outputs: Path | None = None
) -> CheckResult:
    """Read and validate every return under ``inputs``; write nothing.

    With ``baseline`` (last round's plan.json), networks with no return keep
    what they said then, marked as carried forward.
    """
    inputs = Path(inputs)
    if not inputs.is_dir():
        raise InputsError(f"{inputs}: no such folder. Give the folder holding region.toml and the returns.")
    region = load_region(inputs / REGION_TOML)
    previous = load_plan(baseline) if baseline is not None else None
    report = Report()
    if previous is not None and previous.region.period == region.period:
        report.warning(
            "baseline-same-period", f"the baseline is from {previous.region.period}, the period of this round too",
            file=str(baseline), hint="give last round's plan.json, or change period in region.toml",
        )
    valid = []
    unreadable: list[str] = []
    files = find_return_files(inputs, unreadable, skip=(Path(outputs),) if outputs is not None else ())
    for folder in unreadable:
        report.error("unreadable-folder", "is a folder that cannot be read, so any returns in it are missed",
                     file=folder, hint="check its permissions, or move the returns out of it")
    for path in files:
        file = file_label(path, inputs)
        if path.suffix.lower() in OTHER_SPREADSHEETS:
            report.account(file)  # listed among the returns, left out below for its error
            report.error(
                "not-a-workbook", f"is a {path.suffix} file, not a workbook with the return's sheets", file=file,
                hint="use the return workbook; if the data is in this file, paste it into one and save it as .xlsx",
            )
            continue
        raw = read_return(path, file, report)
        validated = validate_return(raw, region, report) if raw is not None else None
        if validated is not None and not report.errors_in(file):
            valid.append(validated)
    chosen = select_returns(valid, report)
    for account in report.returns:
        count = len(report.errors_in(account.file))
        if count and account.used:
            account.used = False
            account.cells_used, account.items = [], 0  # none of it reaches the plan
            account.excluded_because = f"{count} error(s)" + ("; left out (--skip-invalid)" if skip_invalid else "")
    result = CheckResult(region, report, [r for r in chosen if not report.errors_in(r.file)])
    # Merge even when nothing will be written: its warnings belong in the report.
    result.plan = merge_returns(region, result.returns, report, previous)
    result.baseline = previous
    if region.indicators and not result.plan.indicator_values and (skip_invalid or not report.errors):
        # Only when the documents would go out without it: with errors, nothing is written anyway.
        report.warning(
            "no-figures", f"region.toml lists {len(region.indicators)} indicator(s) but none of the returns used "
            "sent figures, so the update has no tartan rug this round",
            hint="the network that collects the figures fills the Indicators sheet of its return",
        )
    return result


def merge_folder(
    inputs: Path, outputs: Path, *, templates: Path | None = None, skip_invalid: bool = False, pdf: bool = False,
    baseline: Path | None = None,
) -> MergeResult:
    """The main job: check, merge, render, and write all outputs (or none)."""
    check_outputs_folder(outputs, inputs=inputs, templates=templates_in_use(templates))
    if pdf:
        require_soffice()  # before any work, so a missing LibreOffice costs nothing
    check = check_folder(inputs, skip_invalid=skip_invalid, baseline=baseline, outputs=outputs)
    result = MergeResult(check)
    if check.report.errors and not skip_invalid:
        return result
    plan = result.plan = check.plan
    files = render_documents(plan, templates)
    report_md = to_markdown(check.report, title=f"{check.region.region}, {check.region.period}", written=True)
    if check.baseline is not None:
        changes = compare(check.baseline, plan)
        files[CHANGES_DOCX] = render_docx(
            template_path(CHANGES_DOCX, templates), changes_context(changes, plan),
            title=f"Changes since {changes.previous_period}", subject=f"Changes {changes.period}",
            author=plan.region.author or f"{plan.region.region} RIA", when=_round_date(plan),
        )
        report_md += "\n" + changes_markdown(changes)
    if pdf:
        files |= to_pdf(files)
    if plan.indicator_values:
        files[RUG_XLSX] = rug_workbook(plan)
    files[PLAN_JSON] = plan_json(plan)
    files[MERGE_REPORT] = report_md.encode("utf-8")
    result.written = write_outputs(Path(outputs), files, replaces=MERGE_OUTPUTS)
    return result


def plan_json(plan: Plan) -> bytes:
    return (plan.model_dump_json(indent=2) + "\n").encode("utf-8")


def load_plan(path: Path) -> Plan:
    path = Path(path)
    try:
        return Plan.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise PlanFileError(f"{path}: no such file. Give the plan.json a merge wrote.") from None
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot be read ({exc.strerror}).") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PlanFileError(
            f"{path}: is not a plan.json written by ria-docs ({first['msg']} at {where or 'the top'}). "
            "Merge the returns again to make a new one."
        ) from None


def _round_date(plan: Plan) -> dt.datetime | None:
    """The documents' date: the newest return's, so the same returns give the same bytes."""
    dates = [r.date_submitted for r in plan.returns if r.date_submitted]
    return dt.datetime.fromisoformat(max(dates)) if dates else None


def render_documents(plan: Plan, templates: Path | None = None) -> dict[str, bytes]:
    region = plan.region
    author = region.author or f"{region.region} RIA"
    when = _round_date(plan)
    plan_ctx, update_ctx = plan_context(plan), update_context(plan)
    return {
        PLAN_DOCX: render_docx(
            template_path(PLAN_DOCX, templates), plan_ctx,
            title=plan_ctx["title"], subject=f"RIA plan {region.plan_year}", author=author, when=when,
        ),
        UPDATE_DOCX: render_docx(
            template_path(UPDATE_DOCX, templates), update_ctx,
            title=update_ctx["title"], subject=f"Regional update {region.period}", author=author, when=when,
        ),
    }


def render_plan_file(plan_path: Path, outputs: Path, *, templates: Path | None = None, pdf: bool = False) -> list[Path]:
    """Re-render the documents from a saved plan.json (after a template edit)."""
    check_outputs_folder(outputs, templates=templates_in_use(templates))
    if pdf:
        require_soffice()
    plan = load_plan(plan_path)
    files = render_documents(plan, templates)
    if pdf:
        files |= to_pdf(files)
    return write_outputs(Path(outputs), files, replaces=RENDER_OUTPUTS)
