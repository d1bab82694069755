"""The cell ledger: what became of every non-empty cell of every return.

Each stage keeps its own :class:`CellNotes` in the result it returns (the
reader's on the :class:`~ria_docs.reader.RawReturn`, the validator's on the
:class:`~ria_docs.network_return.NetworkReturn`), and the plan lists the cells
that reached it.  :func:`return_accounts` works the ledger out once, at the end,
from those: no stage writes another's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .report import Report, ReturnAccount

if TYPE_CHECKING:
    from .model import Plan
    from .network_return import NetworkReturn


@dataclass
class CellNotes:
    """What one stage decided about cells of one return, each as "Sheet!C4"."""

    read: list[str] = field(default_factory=list)  # every non-empty cell (the reader's alone)
    layout: list[str] = field(default_factory=list)  # headers, About labels, issued sheets
    used: list[str] = field(default_factory=list)  # handed on towards the plan
    ignored: list[str] = field(default_factory=list)  # not used, and said so


def unaccounted(*notes: CellNotes) -> list[str]:
    """Cells read that no stage used, set aside or called layout: none, unless a stage forgot one."""
    known = {ref for n in notes for ref in (*n.layout, *n.used, *n.ignored)}
    return [ref for n in notes for ref in n.read if ref not in known]


def return_accounts(
    files: Iterable[str],
    read: Mapping[str, CellNotes],
    checked: Mapping[str, NetworkReturn],
    superseded: Mapping[str, str],
    plan: Plan,
    report: Report,
    *,
    skip_invalid: bool = False,
) -> list[ReturnAccount]:
    """One account per return file, in reading order.

    ``read`` holds the reader's notes and ``checked`` the validator's results, by file (a file
    the reader could not open has neither, one that is not a return no result);
    ``superseded`` names, for each return left out for a later one, the file that replaced it.  A return is used when the plan
    lists it; cells the validator handed on that the plan does not hold (a losing outcome, a
    merged duplicate) were set aside by the merge, and count as ignored.
    """
    in_plan = {used.file: used.cells_used for used in plan.returns}
    accounts = []
    for file in files:
        account = ReturnAccount(file=file)
        ret = checked.get(file)
        for notes in (read.get(file), ret.cells if ret is not None else None):
            if notes is None:
                continue
            account.read_refs += notes.read
            account.layout_refs += notes.layout
            account.ignored += notes.ignored
        if ret is not None:
            account.network, account.completed_by, account.email = ret.network, ret.completed_by, ret.email
            account.date_submitted = f"{ret.date_submitted:%d/%m/%Y}" if ret.date_submitted else None
        if file in in_plan and ret is not None:
            account.cells_used = list(in_plan[file])
            kept = set(account.cells_used)
            account.ignored += [ref for ref in ret.cells.used if ref not in kept]
            account.items = ret.item_count
        else:
            account.used = False
            errors = len(report.errors_in(file))
            if file in superseded:
                account.excluded_because = f"superseded by {superseded[file]}"
            elif errors:
                account.excluded_because = f"{errors} error(s)" + ("; left out (--skip-invalid)" if skip_invalid else "")
        accounts.append(account)
    return accounts
