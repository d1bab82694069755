"""`ria-docs emails`: the emails a round needs, as drafts to open, check and send.

One draft per chair to write to: the problems in their return, quoted by sheet
and cell with the fix; or, for a network that has not returned, a reminder with
its workbook attached (pre-filled from the baseline when given). And one
circulation draft with the documents attached. Each is an .eml file built with
the standard library's email package; ``X-Unsent: 1`` makes Outlook open it as
a draft, and Thunderbird and Apple Mail open it as a message to edit or send.
Nothing is sent: ria-docs has no mail server and needs none.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import TYPE_CHECKING

from .outputs import DOCUMENTS, RUG_XLSX, pdf_name
from .report import Problem, Severity
from .returns import return_file_name, safe_name

if TYPE_CHECKING:
    from .pipeline import CheckResult
    from .region import RegionConfig
    from .status import NetworkStatus

DEFAULTS = {
    "problems_subject": "{network}: your return for {period} needs correcting",
    "problems_body": (
        "Dear {chair},\n\nThank you for the {network} return for {period}. Before it can go into the {region} RIA "
        "plan and regional update, please correct the following in the workbook and send it back:\n\n{problems}\n"
        "Thank you,\n{team}\n"),
    "reminder_subject": "{network}: your return for {period}",
    "reminder_body": (
        "Dear {chair},\n\nWe have not yet received the {network} return for the {region} RIA plan and regional "
        "update, {period}. The workbook is attached again, filled in with what the network said last round where "
        "there is one: please update it and send it back.\n\nThank you,\n{team}\n"),
    "circulation_subject": "{region} RIA plan {plan_year} and regional update, {period}",
    "circulation_body": (
        "Dear colleagues,\n\nPlease find attached the {region} RIA plan {plan_year} and the regional update for "
        "{period}.\n\nBest wishes,\n{team}\n"),
}

CIRCULATION_EML = "circulation.eml"
# CRLF line ends, as mail files have them; headers left whole up to the 998 characters RFC 5322 allows (folded
# at 78, a long subject broke after "Subject:" and read back with a space in front).
_POLICY = policy.SMTP.clone(max_line_length=998)
_ATTACHED = (*DOCUMENTS, *map(pdf_name, DOCUMENTS), RUG_XLSX)


def by_sheet(problems: list[Problem]) -> dict[str | None, list[Problem]]:
    grouped: dict[str | None, list[Problem]] = {}
    for problem in problems:
        grouped.setdefault(problem.sheet, []).append(problem)
    return grouped


def problems_text(problems: list[Problem]) -> str:
    """A return's problems as plain text for an email to its chair: by sheet, each with its cell and fix."""
    lines = []
    for sheet, found in by_sheet(problems).items():
        lines.append(f"{sheet or 'The whole file'}:")
        for p in found:
            where = f"cell {p.cell}: " if p.cell else ""
            kind = "" if p.severity is Severity.ERROR else "(to check) "
            lines.append(f"- {where}{kind}{p.message}" + (f". How to fix: {p.hint}" if p.hint else ""))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def team_name(region: RegionConfig) -> str:
    """How the drafts sign off: team_email's name, else "<region> RIA team"."""
    team = _addresses(region.team_email)
    return (team[0].display_name if team else "") or f"{region.region} RIA team"


def address_of(text: str | None) -> str | None:
    """The address alone ("a@b.org") of "Name <a@b.org>" as region.toml or a return gives it."""
    found = _addresses(text)
    return found[0].addr_spec if found else text


def email_text(region: RegionConfig, kind: str, network: str = "", chair: str | None = None,
               problems: list[Problem] | None = None, count: int = 0) -> tuple[str, str]:
    """(subject, body) of a "problems", "reminder" or "circulation" email, in region.toml's words where
    it gives them ([emails]), else ria-docs' own."""
    values = {"period": region.period, "region": region.region, "plan_year": region.plan_year, "network": network,
              "chair": (chair or "").split(" (")[0] or "colleague", "team": team_name(region),
              "count": sum(p.severity is Severity.ERROR for p in problems) if problems else count,
              "problems": problems_text(problems) if problems else ""}
    return (_wording(region, f"{kind}_subject").format(**values),
            _wording(region, f"{kind}_body").format(**values))


@dataclass
class Drafts:
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # drafts not written, and why


def _addresses(text: str | list[str] | None) -> list[Address]:
    """Addresses as region.toml or a return gives them ("a@b.org", "Name <a@b.org>", "a@b; c@d")."""
    if not text:
        return []
    texts = [text] if isinstance(text, str) else list(text)
    found = []
    for name, address in getaddresses([t.replace(";", ",") for t in texts]):
        if "@" in address:
            user, domain = address.rsplit("@", 1)
            found.append(Address(display_name=name, username=user, domain=domain))
    return found


def _wording(region: RegionConfig, key: str) -> str:
    return getattr(region.emails, key) or DEFAULTS[key]


def _message(region: RegionConfig, to: list[Address], subject: str, body: str,
             attachments: dict[str, bytes]) -> bytes:
    message = EmailMessage(policy=_POLICY)
    message["X-Unsent"] = "1"  # Outlook: open as a draft to send
    if region.team_email:
        message["From"] = _addresses(region.team_email)
    if to:
        message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    for name, data in attachments.items():
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        main, sub = kind.split("/", 1)
        message.add_attachment(data, maintype=main, subtype=sub, filename=name)
    if message.is_multipart():
        # The same drafts, byte for byte, from the same round: a boundary from the content, not chance.
        message.set_boundary("=_ria-docs_" + hashlib.sha256(body.encode() + b"".join(attachments.values()))
                             .hexdigest()[:24])
    return message.as_bytes()


def draft_emails(check: CheckResult, statuses: list[NetworkStatus], *, documents: Path | None = None,
                 workbook_for: dict[str, bytes] | None = None) -> tuple[dict[str, bytes], list[str]]:
    """The drafts ({file name: .eml bytes}) and notes on them. ``documents`` is the outputs folder whose
    documents the circulation draft attaches; ``workbook_for`` each missing network's workbook to attach
    (network -> .xlsx bytes)."""
    region, report = check.region, check.report
    workbook_for = workbook_for or {}
    drafts: dict[str, bytes] = {}
    notes: list[str] = []
    unaddressed: list[str] = []  # networks whose draft has no To
    for status in statuses:
        to = _addresses(status.email)
        if status.state == "invalid" and status.file:
            found = report.problems_in(status.file)
            subject, body = email_text(region, "problems", status.network, status.chase, found)
            name, attachments = f"{safe_name(status.network)} - problems.eml", dict[str, bytes]()
        elif status.state in ("missing", "unknown"):
            subject, body = email_text(region, "reminder", status.network, status.chase)
            name, attachments = f"{safe_name(status.network)} - reminder.eml", {}
            if status.network in workbook_for:  # named as `ria-docs returns` names it
                attachments[return_file_name(status.network, region.period)] = workbook_for[status.network]
        else:
            continue
        drafts[name] = _message(region, to, subject, body, attachments)
        if not to:
            unaddressed.append(status.network)
    if unaddressed:
        notes.append(f"{len(unaddressed)} draft(s) have no To, as no email is known for "
                     f"{', '.join(unaddressed)}: add email to those networks in region.toml, or type the "
                     "address in the draft")
    attached = {name: (documents / name).read_bytes() for name in _ATTACHED
                if documents is not None and (documents / name).is_file()}
    if not attached:
        notes.append(f"{CIRCULATION_EML} not made: no documents in {documents or 'the outputs folder'} "
                     "(merge first, or give --outputs)")
        return drafts, notes
    subject, body = email_text(region, "circulation", count=len(attached))
    to = _addresses(region.circulation)
    drafts[CIRCULATION_EML] = _message(region, to, subject, body, attached)
    if not to:
        notes.append(f"{CIRCULATION_EML}: no circulation list in region.toml; the draft has no To")
    waiting = [s.network for s in statuses if s.state in ("missing", "unknown", "invalid")]
    if waiting:
        notes.append(f"{CIRCULATION_EML}: {len(waiting)} network(s) have no return in the documents yet (missing, "
                     "or left out for errors): check the documents are the ones to circulate before sending")
    return drafts, notes


def write_drafts(inputs: Path, out_dir: Path, *, baseline: Path | None = None,
                 outputs: Path | None = None) -> Drafts:
    """Check ``inputs`` and write every draft into ``out_dir`` (drafts of an earlier run there are replaced)."""
    from .last_round import last_round
    from .outputs import write_outputs
    from .pipeline import check_folder
    from .returns import return_bytes
    from .status import status_of

    check = check_folder(inputs, baseline=baseline)
    statuses = status_of(check).networks
    said = last_round(check.baseline, check.region) if check.baseline is not None else {}
    result = Drafts()
    workbooks = {s.network: return_bytes(check.region, s.network, said.get(s.network), result.notes)
                 for s in statuses if s.state in ("missing", "unknown")}
    drafts, notes = draft_emails(check, statuses, documents=outputs, workbook_for=workbooks)
    result.notes += notes
    out_dir = Path(out_dir)
    earlier = [p.name for p in out_dir.glob("*.eml")] if out_dir.is_dir() else []
    result.written = write_outputs(out_dir, drafts, replaces=earlier)
    return result
