"""Who has returned: one line per network of region.toml (``ria-docs status``).

Every file in the folder is accounted for: a file that cannot be attributed
to a network (a blank or unknown Network, an empty file, a .csv, a file that
cannot be read) is listed with why, and no network is called missing while
such a file may be its return. A file's network is guessed from the Network
typed in it, else from its name ("Commissioning Leads - June 2024.csv");
a network a file points to is "unknown", not "missing". When a file points
nowhere it could be anyone's, and every missing network says so.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .emails import address_of
from .text import find_match, loose_key, suggest

if TYPE_CHECKING:
    from .model import Person
    from .pipeline import CheckResult
    from .report import Report


STATES = ("returned", "invalid", "unknown", "missing")
# Entries of the folder that are named but could not hold a return: not "not attributed".
_NOT_A_RETURN = {"folder-link-loop", "same-file", "folder-named-like-workbook"}
_UNKNOWN_NETWORK = re.compile(r'^"(.*)" is not a network of ')


@dataclass
class NetworkStatus:
    network: str
    state: str  # "returned", "invalid", "unknown" (a file not attributed may be its) or "missing"
    file: str | None = None
    date_submitted: str | None = None
    completed_by: str | None = None
    errors: int = 0
    chase: str | None = None  # who to ask, for a missing return: chair (LA)
    email: str | None = None
    carried_from: str | None = None  # a missing network's content kept from this period (with a baseline)
    may_be_in: list[str] = field(default_factory=list)  # files not attributed that may be this network's
    # Files among may_be_in that are named after this network but whose Network names another: file -> that network
    named_for_it: dict[str, str] = field(default_factory=dict)


@dataclass
class UnattributedFile:
    file: str
    why: str  # in plain words, as the check reports it
    may_be: str | None = None  # the network the file's Network or name points to, if any


@dataclass
class FolderStatus:
    networks: list[NetworkStatus]
    unattributed: list[UnattributedFile] = field(default_factory=list)


def _names(text: str, spellings: dict[str, str], keys: dict[str, str]) -> str | None:
    """The network ``text`` names, whole: a spelling of it, or one inside it ("CSE Leads return")."""
    found = find_match(text, spellings)
    if found:
        return found
    wanted = f" {loose_key(text)} "
    inside = [key for key in keys if key and f" {key} " in wanted]
    return keys[max(inside, key=len)] if inside else None


def _guess(texts: list[str], spellings: dict[str, str]) -> str | None:
    """The network these texts (a typed Network, the file's name) point to, if any, guessing at a slip."""
    keys = {loose_key(spelling): name for spelling, name in spellings.items()}
    for text in texts:
        found = _names(text, spellings, keys) or suggest(text, spellings)
        if found:
            return found
    return None


def _named_after(label: str, spellings: dict[str, str]) -> str | None:
    """The network a file's name (or its folder's) names, matched loosely but whole: no guessing here, since
    the file already says whose it is."""
    path = PurePosixPath(label)
    keys = {loose_key(spelling): name for spelling, name in spellings.items()}
    return next(filter(None, (_names(text, spellings, keys) for text in (path.stem, *reversed(path.parent.parts)))),
                None)


def _why(report: Report, file: str) -> str:
    errors = report.errors_in(file)
    return errors[0].message if errors else "names no network of region.toml"


def folder_status(inputs: Path, baseline: Path | None = None) -> FolderStatus:
    from .pipeline import check_folder

    return status_of(check_folder(inputs, baseline=baseline))


def status_of(check: CheckResult) -> FolderStatus:
    """Who has returned, from a check of the folder (or the check a merge made)."""
    report, region, plan = check.report, check.region, check.plan
    assert plan is not None  # check_folder always merges
    spellings = region.network_spellings()

    unattributed = []
    for account in check.outcome.returns:
        if account.network:
            continue
        typed = [m[1] for p in report.errors_in(account.file) if p.kind == "unknown-network"
                 and (m := _UNKNOWN_NETWORK.match(p.message))]
        path = PurePosixPath(account.file)
        names = [*typed, path.stem, *reversed(path.parent.parts)]
        unattributed.append(UnattributedFile(account.file, _why(report, account.file), _guess(names, spellings)))
    for note in check.not_read:
        if note.kind in _NOT_A_RETURN:
            continue
        path = PurePosixPath(note.label)
        guess = _guess([path.stem.removeprefix("~$").lstrip("."), *reversed(path.parent.parts)], spellings)
        unattributed.append(UnattributedFile(note.label, note.message, guess))
    unattributed.sort(key=lambda u: u.file.lower())
    anyone = [u.file for u in unattributed if u.may_be is None]

    accounts: dict[str, list] = {}
    for account in check.outcome.returns:
        if account.network:
            accounts.setdefault(account.network, []).append(account)
    networks = {n.name: n for n in plan.networks}
    last_returns = {}
    if check.baseline is not None:
        for returned in check.baseline.returns:
            last_returns[region.canonical_network(returned.network)] = returned
    # A file named after a network whose Network says another ("CSE Leads return.xlsx" holding Regional
    # Adoption's): that network is not chased while the file is there.
    named_for: dict[str, dict[str, str]] = {}
    for account in check.outcome.returns:
        if account.network:
            named = _named_after(account.file, spellings)
            if named and named != account.network:
                named_for.setdefault(named, {})[account.file] = account.network
    statuses = []
    for config in region.networks:
        sent = accounts.get(config.name, [])
        used = [a for a in sent if a.used]
        if used:
            account = used[0]
            statuses.append(NetworkStatus(config.name, "returned", account.file, account.date_submitted,
                                          account.completed_by))
        elif sent:
            account = max(sent, key=lambda a: len(report.errors_in(a.file)))
            last = last_returns.get(config.name)
            # Whom to write to about the errors: region.toml's address first, as for chasing.
            statuses.append(NetworkStatus(config.name, "invalid", account.file, account.date_submitted,
                                          account.completed_by, errors=len(report.errors_in(account.file)),
                                          chase=_display(networks[config.name].chair),
                                          email=config.email or account.email or (last.email if last else None),
                                          carried_from=check.outcome.carried_forward.get(config.name)))
        else:
            chair = networks[config.name].chair
            last = last_returns.get(config.name)
            named_it = named_for.get(config.name, {})
            # A file pointing to it by what it says, or by its own name (whatever its Network says).
            pointing = sorted([u.file for u in unattributed if config.name in (u.may_be, _named_after(u.file, spellings))]
                              + list(named_it), key=str.lower)
            statuses.append(NetworkStatus(
                config.name, "unknown" if pointing else "missing", chase=chair.display() if chair else None,
                email=config.email or (last.email if last else None),
                carried_from=check.outcome.carried_forward.get(config.name),
                may_be_in=pointing or list(anyone), named_for_it=dict(named_it),
            ))
    return FolderStatus(statuses, unattributed)


def network_status(inputs: Path, baseline: Path | None = None) -> list[NetworkStatus]:

    return folder_status(inputs, baseline).networks


def _display(person: Person | None) -> str | None:
    return person.display() if person else None


def _files(names: list[str], limit: int = 3) -> str:
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def to_text(status: FolderStatus | list[NetworkStatus]) -> str:
    if isinstance(status, list):
        status = FolderStatus(status)
    statuses = status.networks
    width = max(len(s.network) for s in statuses)
    lines = []
    for s in statuses:
        who = " ".join(x for x in (s.chase, f"<{address_of(s.email)}>" if s.email else None) if x)
        if s.state == "returned":
            detail = ", ".join(x for x in (s.file, s.date_submitted, s.completed_by) if x)
        elif s.state == "invalid":
            detail = f"{s.file}: {s.errors} error(s); ria-docs check lists them"
        elif s.state == "unknown":
            them = "it" if len(s.may_be_in) == 1 else "them"
            shown = [f"{f}, whose Network says {s.named_for_it[f]}" if f in s.named_for_it else f for f in s.may_be_in]
            detail = (f"a file in the folder may be its return ({_files(shown)}): check {them} before "
                      f"chasing" + (f" {who}" if who else ""))
        else:
            detail = f"chase {who}" if who else "no chair or email known: add them to region.toml"
            if s.may_be_in:
                count = len(s.may_be_in)
                detail += (f" (but {_plural(count, 'file')} could not be attributed to a network: check "
                           f"{'it' if count == 1 else 'them'} before chasing)")
        if s.carried_from and s.state in ("unknown", "missing"):
            detail += f"; carried forward from {s.carried_from}"
        lines.append(f"{s.state:<8}  {s.network:<{width}}  {detail}")
    counts = {state: sum(s.state == state for s in statuses) for state in STATES}
    shown = [f"{counts[state]} {state}" for state in STATES if state != "unknown" or counts[state]]
    lines.append(", ".join(shown) + ".")
    if status.unattributed:
        lines.append(f"Files not attributed to a network ({len(status.unattributed)}):")
        for u in status.unattributed:
            lines.append(f"  {u.file}: {u.why}" + (f" (may be the return of {u.may_be})" if u.may_be else ""))
    return "\n".join(lines)


def to_json(status: FolderStatus | list[NetworkStatus], *, ascii_only: bool = False) -> str:
    """``ascii_only``: every other character as a JSON escape, for an output that cannot encode it."""
    if isinstance(status, list):
        status = FolderStatus(status)
    return json.dumps(
        {"networks": [asdict(s) for s in status.networks], "not_attributed": [asdict(u) for u in status.unattributed]},
        indent=2, ensure_ascii=ascii_only,
    )
