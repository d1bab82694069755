"""Problems found in returns, collected into one report (like frictionless).

A :class:`Problem` says where (file, sheet, cell), how bad (error or warning),
what kind, what is wrong, and how to fix it.  The report is built by every
stage of the pipeline and printed, or written as ``merge-report.md``, at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, TypedDict, Unpack

from .problem_kinds import kind as problem_kind

if TYPE_CHECKING:
    from pathlib import Path

    from .exceptions import RegionError


    class _Where(TypedDict, total=False):
        """Where a problem is: Problem's optional fields, as keywords."""

        file: str | None
        sheet: str | None
        cell: str | None
        hint: str | None
        line: int | None


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    severity: Severity
    kind: str  # a short stable code, e.g. "unknown-la", "bad-rag"
    message: str  # what is wrong, in words a chair understands
    file: str | None = None  # path relative to the inputs folder
    sheet: str | None = None
    cell: str | None = None  # "D7"; None for a whole sheet or file
    hint: str | None = None  # how to fix it
    line: int | None = None  # the line, in a text file (region.toml)

    @property
    def where(self) -> str:
        """``returns/x.xlsx, Work programme!D7``: file, then sheet!cell."""
        place = ""
        if self.sheet and self.cell:
            place = f"{self.sheet}!{self.cell}"
        elif self.sheet:
            place = f"sheet {self.sheet}"
        parts = [p for p in (self.file, place) if p]
        return ", ".join(parts)

    def format(self) -> str:
        text = f"{self.severity.value}: {self.message}"
        if self.where:
            text = f"{self.where}: {text}"
        if self.hint:
            text += f" ({self.hint})"
        return text


@dataclass
class ReturnAccount:
    """What happened to one return file: its network and how its cells were used."""

    file: str
    network: str | None = None
    date_submitted: str | None = None
    completed_by: str | None = None
    email: str | None = None  # the Email its About sheet gives
    read_refs: list[str] = field(default_factory=list)  # "Sheet!C4" of every non-empty cell read, headers included
    layout_refs: list[str] = field(default_factory=list)  # of those, headers and About labels
    cells_used: list[str] = field(default_factory=list)  # "Sheet!C4" of cells that reached the plan
    items: int = 0  # items that reached the model
    ignored: list[str] = field(default_factory=list)  # "Sheet!C4" of cells not used
    used: bool = True  # False when excluded (invalid, or superseded by a later return)
    excluded_because: str | None = None

    @property
    def cells_read(self) -> int:
        return len(self.read_refs)

    @property
    def layout(self) -> int:
        return len(self.layout_refs)



@dataclass
class RoundOutcome:
    """Who was heard from, as the merge found it: the report shows it, beside the problems."""

    returns: list[ReturnAccount] = field(default_factory=list)  # every return file, in reading order
    missing_networks: list[str] = field(default_factory=list)  # no file named them
    carried_forward: dict[str, str] = field(default_factory=dict)  # network -> the period its content is from

    def account(self, file: str) -> ReturnAccount:
        """The account of one return file, by its label."""
        return next(a for a in self.returns if a.file == file)


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    # An index, so that per-return questions do not scan every problem.
    _by_file: dict[str | None, list[Problem]] = field(default_factory=dict, repr=False)

    def add(self, severity: Severity, kind: str, message: str, **where: Unpack[_Where]) -> Problem:
        problem_kind(kind)  # every code is in the catalogue (ria_docs.problem_kinds)
        problem = Problem(severity, kind, message, **where)
        self.problems.append(problem)
        self._by_file.setdefault(problem.file, []).append(problem)
        return problem

    def error(self, kind: str, message: str, **where: Unpack[_Where]) -> Problem:
        return self.add(Severity.ERROR, kind, message, **where)

    def warning(self, kind: str, message: str, **where: Unpack[_Where]) -> Problem:
        return self.add(Severity.WARNING, kind, message, **where)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def by_file(self, files: list[str] | None = None) -> list[Problem]:
        """Problems grouped by return (in the order of ``files``, others after), errors first, then as found."""
        order: dict[str | None, int] = {file: i for i, file in enumerate(files or [])}
        ranked = sorted(
            enumerate(self.problems),
            key=lambda item: (order.get(item[1].file, len(order)), item[1].severity is not Severity.ERROR, item[0]),
        )
        return [problem for _, problem in ranked]

    def errors_in(self, file: str) -> list[Problem]:
        return [p for p in self._by_file.get(file, []) if p.severity is Severity.ERROR]

    def warnings_in(self, file: str) -> list[Problem]:
        return [p for p in self._by_file.get(file, []) if p.severity is Severity.WARNING]

    def problems_in(self, file: str) -> list[Problem]:
        """One file's problems in by_file's order (errors first, then as found), from the index."""
        return self.errors_in(file) + self.warnings_in(file)



def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def summary_line(report: Report, outcome: RoundOutcome) -> str:
    line = (
        f"{_plural(len(outcome.returns), 'return')} read: "
        f"{_plural(len(report.errors), 'error')}, {_plural(len(report.warnings), 'warning')}"
    )
    ignored = sum(len(account.ignored) for account in outcome.returns)
    if ignored:
        line += f"; {_plural(ignored, 'non-empty cell')} not used"
    return line + "."


def return_status(report: Report, account: ReturnAccount) -> str:
    """"ok", "1 warning", "2 errors, 1 warning", or why it is not used."""
    errors, warnings = len(report.errors_in(account.file)), len(report.warnings_in(account.file))
    counts = [_plural(n, w) for n, w in ((errors, "error"), (warnings, "warning")) if n]
    status = ", ".join(counts) or "ok"
    if not account.used and not errors and account.excluded_because:
        status = f"not used: {account.excluded_because}"
    return status


def to_text(report: Report, outcome: RoundOutcome | None = None) -> str:
    """The report for a terminal: one line per problem, by return, errors
    first; then one line per return; then who has not returned."""
    outcome = outcome or RoundOutcome()
    lines = [p.format() for p in report.by_file([a.file for a in outcome.returns])]
    if outcome.returns:
        lines.append("Returns:")
        width = max(len(return_status(report, a)) for a in outcome.returns)
        for account in outcome.returns:
            network = f" ({account.network})" if account.network else ""
            lines.append(f"  {return_status(report, account):<{width}}  {account.file}{network}")
    if outcome.missing_networks:
        lines.append(
            f"No return from {_plural(len(outcome.missing_networks), 'network')}: "
            + ", ".join(outcome.missing_networks)
        )
    for period, networks in _by_period(outcome.carried_forward).items():
        lines.append(f"Carried forward from {period}: " + ", ".join(networks))
    lines.append(summary_line(report, outcome))
    return "\n".join(lines)


def _by_period(carried: dict[str, str]) -> dict[str, list[str]]:
    periods: dict[str, list[str]] = {}
    for network, period in carried.items():
        periods.setdefault(period, []).append(network)
    return periods


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Report, *, title: str, written: bool, outcome: RoundOutcome | None = None) -> str:
    """merge-report.md: returns read, networks with no return, every problem."""
    outcome = outcome or RoundOutcome()
    out = [f"# Merge report: {title}", ""]
    if written:
        out.append("Documents written. " + summary_line(report, outcome))
    else:
        out.append("Nothing written: fix the errors below and merge again. " + summary_line(report, outcome))
    out += ["", "## Returns read", ""]
    if outcome.returns:
        out.append("| File | Network | Submitted | Completed by | State | Non-empty cells | Headers and labels "
                   "| Cells used | Cells ignored | Items merged | Used |")
        out.append("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in outcome.returns:
            used = "yes" if r.used else f"no: {r.excluded_because}"
            out.append(
                f"| {_cell(r.file)} | {_cell(r.network)} | {_cell(r.date_submitted)} | {_cell(r.completed_by)} "
                f"| {_cell(return_status(report, r))} | {r.cells_read} | {r.layout} | {len(r.cells_used)} "
                f"| {len(r.ignored)} | {r.items} | {_cell(used)} |"
            )
    else:
        out.append("No return workbooks were found.")
    out += ["", "## Networks with no return", ""]
    out += [
        f"- {name}" + (f" (carried forward from {outcome.carried_forward[name]})"
                       if name in outcome.carried_forward else "")
        for name in outcome.missing_networks
    ] or ["Every network sent a return."]
    ordered = report.by_file([a.file for a in outcome.returns])
    errors = [p for p in ordered if p.severity is Severity.ERROR]
    warnings = [p for p in ordered if p.severity is Severity.WARNING]
    for heading, problems in (("Errors", errors), ("Warnings", warnings)):
        out += ["", f"## {heading} ({len(problems)})", ""]
        if not problems:
            out.append("None.")
            continue
        out.append("| File | Where | Problem | How to fix |")
        out.append("|---|---|---|---|")
        for p in problems:
            where = f"{p.sheet}!{p.cell}" if p.sheet and p.cell else (p.sheet or "")
            out.append(f"| {_cell(p.file)} | {_cell(where)} | {_cell(p.message)} | {_cell(p.hint)} |")
    ignored = [r for r in outcome.returns if r.ignored]
    if ignored:
        out += ["", "## Cells ignored", ""]
        for r in ignored:
            out.append(f"- {_cell(r.file)}: {', '.join(r.ignored)}")
    return "\n".join(out) + "\n"


# check --format json: the README's "The JSON report" documents this version's fields.
JSON_SCHEMA_VERSION = 1


def region_report(exc: RegionError, path: Path) -> Report:

    """A region.toml that cannot be used, as a report: one error per problem it has, so
    ``check --format json`` gives them to programs like any other problem."""
    report = Report()
    prefix = f"{path}: "
    for text in exc.problems or [exc.args[0].removeprefix(prefix)]:
        line = re.match(r"line (\d+)\b", text)
        report.error("region-toml", text, file=str(path), line=int(line.group(1)) if line else None,
                     hint="correct region.toml and check again")
    return report


def to_json(report: Report, *, ascii_only: bool = False, outcome: RoundOutcome | None = None) -> str:
    """The report for programs: every problem, every return, who has not returned.

    ``ascii_only`` writes every other character as a JSON escape (\\u00e9), for an output that cannot
    encode them (a cp1252 console): the JSON stays valid whatever the console."""
    import json

    outcome = outcome or RoundOutcome()
    return json.dumps(
        {
            "schema_version": JSON_SCHEMA_VERSION,
            "ok": not report.errors,
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "returns": [
                {
                    "file": a.file, "network": a.network, "status": return_status(report, a), "used": a.used,
                    "date_submitted": a.date_submitted, "completed_by": a.completed_by,
                    "cells_read": a.cells_read, "items": a.items, "cells_ignored": a.ignored,
                }
                for a in outcome.returns
            ],
            "missing_networks": outcome.missing_networks,
            "problems": [
                {"severity": p.severity.value, "kind": p.kind, "title": problem_kind(p.kind).title, "file": p.file,
                 "sheet": p.sheet, "cell": p.cell, "line": p.line, "message": p.message, "hint": p.hint}
                for p in report.by_file([a.file for a in outcome.returns])
            ],
        },
        indent=2,
        ensure_ascii=ascii_only,
    )
