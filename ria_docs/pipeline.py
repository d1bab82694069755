"""The pipeline as plain functions: check a folder, merge it, render a plan.

This is the library the CLI maps its options onto; it never imports click.
Stages: read (reader) -> validate -> merge -> context -> render.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .changes import Changes, compare
from .changes import context as changes_context
from .changes import to_markdown as changes_markdown
from .context import plan_context, update_context
from .exceptions import InputsError
from .ledger import CellNotes, return_accounts
from .merge import merge_returns
from .model import Plan
from .outputs import (  # noqa: F401  (MERGE_REPORT, PLAN_JSON, RUG_XLSX: named here too, for callers)
    CHANGES_DOCX,
    MERGE_OUTPUTS,
    MERGE_REPORT,
    PLAN_DOCX,
    PLAN_JSON,
    RENDER_OUTPUTS,
    REPORT_HTML,
    RUG_XLSX,
    UPDATE_DOCX,
    check_outputs_folder,
    is_outputs_folder,
    same_folder,
    settled,
    settled_plan,
    settled_together,
    write_outputs,
)
from .pdf import require_soffice, to_pdf
from .plan_file import read_plan, require_same_region
from .reader import RETURN_SUFFIXES, read_return
from .region import RegionConfig, load_region
from .render import render_document
from .report import Report, ReturnAccount, RoundOutcome, to_markdown
from .template_files import TEMPLATES_FOLDER, stray_templates, template_path, template_source, templates_in_use
from .text import printable
from .validate import NetworkReturn, select_returns, validate_return
from .workbook import rug_workbook

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
    not_read: list = field(default_factory=list)  # FolderNote of each entry not read as a return, and why
    outcome: RoundOutcome = field(default_factory=RoundOutcome)  # who was heard from, who carried forward

    @property
    def ok(self) -> bool:
        return not self.report.errors


@dataclass
class MergeResult:
    check: CheckResult
    plan: Plan | None = None
    written: list[Path] = field(default_factory=list)
    template_notes: list[str] = field(default_factory=list)  # layout kept despite a template's tags; stray files


def _is_outputs_folder(folder: Path) -> bool:
    """A folder a merge wrote (outputs kept inside the round's folder): not returns.

    False when that cannot be told (a folder that cannot be read, a path too
    long): the folder is then walked, and what cannot be read is named."""
    try:
        return all(stat.S_ISREG(os.stat(folder / name).st_mode) for name in (PLAN_JSON, MERGE_REPORT))
    except (OSError, ValueError):
        return False


# Files a chair may send as a return in a form ria-docs does not read: named, so a return is not missed.
OTHER_DOCUMENTS = {
    ".docx": "a Word document", ".doc": "a Word document", ".odt": "a text document", ".rtf": "a text document",
    ".pages": "a Pages document", ".pdf": "a PDF", ".zip": "a zip archive", ".gz": "a compressed file", ".tgz": "a compressed archive",
    ".tar": "an archive", ".7z": "a 7-Zip archive", ".rar": "a RAR archive", ".msg": "a saved email",
    ".eml": "a saved email",
}
_WORKBOOK_MAGIC = (b"PK", bytes.fromhex("D0CF11E0A1B11AE1"))
_APPLE_DOUBLE = b"\x00\x05\x16\x07"  # "._name" files macOS leaves on shared and synced drives
_LOCK_FILE_BYTES = 1024  # Excel's "~$" owner files hold a user name: 165 bytes


@dataclass(frozen=True)
class FolderNote:
    """An entry of the inputs folder that is not read as a return, and why: reported so nothing is missed."""

    error: bool
    kind: str
    label: str  # as file_label gives it
    message: str
    hint: str


@dataclass
class FolderScan:
    returns: list[Path] = field(default_factory=list)  # files to read, in a stable order
    labels: dict[Path, str] = field(default_factory=dict)  # each return's label, unique
    notes: list[FolderNote] = field(default_factory=list)


def _real(path: Path) -> Path:
    """The real path, links resolved; the path itself when that cannot be worked out."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(path))


# Excel's templates hold a workbook like any .xlsx: read as returns.
TEMPLATE_SUFFIXES = (".xltx", ".xltm")
WORKBOOK_SUFFIXES = RETURN_SUFFIXES + TEMPLATE_SUFFIXES


def name_suffix(name: str) -> str:
    """The suffix a name ends in, lower case, ignoring trailing spaces and dots ("x.XLSX " is an .xlsx)."""
    return os.path.splitext(name.rstrip(" ."))[1].lower()


def _could_be_return(name: str) -> bool:
    suffix = name_suffix(name)
    return suffix in WORKBOOK_SUFFIXES or suffix in OTHER_SPREADSHEETS


def _known_suffix(name: str) -> bool:
    suffix = name_suffix(name)
    return _could_be_return(name) or suffix in OTHER_DOCUMENTS


def _sniff_workbook(path: Path) -> str | None:
    """What a file with no name suffix or an unknown one holds, when it looks like a workbook by its
    first bytes: the suffix it would be read under, else None. Never raises."""
    head = _head(path)
    if head == _WORKBOOK_MAGIC[1]:
        return ".xls"  # an OLE file: Excel 97-2003 (or another old Office file; named all the same)
    if not head.startswith(b"PK\x03\x04"):
        return None
    import zipfile

    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist()[:5000])
            if "xl/workbook.xml" in names:
                return ".xlsx"
            if "xl/workbook.bin" in names:
                return ".xlsb"
            if "mimetype" in names:
                with package.open("mimetype") as mimetype:  # 100 bytes at most, whatever it unpacks to
                    if b"spreadsheet" in mimetype.read(100):
                        return ".ods"
            return None  # a zip of something else (a Word document, a presentation...)
    except Exception:  # noqa: BLE001 - a damaged zip: it may be a workbook, so it is named
        return ".xlsx"


def _head(path: Path, size: int = 8) -> bytes:
    """The first bytes of an ordinary file (a pipe is never opened: it would wait for ever)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return b""
        with path.open("rb") as handle:
            return handle.read(size)
    except (OSError, ValueError):
        return b""


def _kind_of_special(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not an ordinary file"


def scan_folder(inputs: Path, skip: tuple[Path, ...] = ()) -> FolderScan:
    """Every entry under the inputs folder, read as a return or named with a reason.

    Returns are the workbooks (and .csv/.numbers files, reported as such) that
    are ordinary files, whatever the case of their suffix and with trailing
    spaces ("x.XLSX "); Excel templates (.xltx, .xltm) are read as workbooks.
    Links are followed, to files and to folders (a shared or synced
    ``returns`` folder), each real folder once: a link back to a folder
    already read is named, not walked again, and a file reached under two
    names (a link, a hard link) is read once, the other name a warning.
    Named, as errors: broken or looping links, pipes, sockets and devices with
    a workbook's name, folders and files that cannot be read (permissions, a
    path too long), and workbooks in a folder a merge wrote (one holding
    plan.json and merge-report.md, skipped as outputs), other than the
    tartan-rug.xlsx a merge writes there. Named, as warnings: workbooks in
    hidden folders, hidden workbooks, "~$" files that are workbooks rather
    than Excel's lock files, files that are workbooks by their content but not
    by their name (no suffix, "x.xlsx.download"), folders named like
    workbooks, and documents a return may have been sent as (.docx, .pdf...).
    Quiet: other files (region.toml, README...), Excel's small "~$" lock
    files, macOS's "._" shadow files, and what a merge wrote.  No OSError
    escapes: whatever cannot be looked at is named.
    """
    inputs = Path(inputs)
    scan = FolderScan()
    skip_real = {_real(Path(folder)) for folder in skip}

    def note(error: bool, kind: str, path: Path, message: str, hint: str) -> None:
        scan.notes.append(FolderNote(error, kind, file_label(path, inputs), message, hint))

    def unreadable(error: OSError) -> None:
        path = Path(error.filename) if error.filename else inputs
        if error.errno == errno.ENAMETOOLONG:
            note(True, "unreadable-folder", path, "is a folder whose path is too long to open (File name too long), "
                 "so any returns in it are missed", "move the returns to a folder nearer the top of the returns folder")
        else:
            note(True, "unreadable-folder", path, "is a folder that cannot be read, so any returns in it are missed",
                 "check its permissions, or move the returns out of it")

    def unreadable_file(path: Path, exc: OSError) -> None:
        if exc.errno == errno.ENAMETOOLONG:
            note(True, "unreadable-file", path, "cannot be read: its path is too long to open (File name too long)",
                 "move it to a folder nearer the top of the returns folder")
        else:
            note(True, "unreadable-file", path, f"cannot be read ({exc.strerror or exc})",
                 "check its permissions, or ask for it again")

    def identity(path: Path) -> tuple[int, int] | None:
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return None
        return info.st_dev, info.st_ino

    root = identity(inputs)
    visited = {root} if root else set()
    links: list[Path] = []  # linked folders, walked after the real tree so that the real paths name its files
    files_seen: dict[tuple[int, int], list[Path]] = {}  # each return file's names, to read it once

    def walk(top: Path) -> None:
        for folder, subfolders, files in os.walk(top, onerror=unreadable, followlinks=False):
            here = Path(folder)
            kept = []
            for name in sorted(subfolders):
                path = here / name
                try:
                    if _real(path) in skip_real or _is_outputs_folder(path):
                        _outputs_folder(path)
                        continue
                    if name.startswith("."):
                        _hidden_folder(path)
                        continue
                    if _could_be_return(name):
                        note(False, "folder-named-like-workbook", path,
                             f"is a folder, not a workbook, though its name ends in {name_suffix(name)}; "
                             "the files in it are looked at as any folder's",
                             "if a return should be here, put the workbook file itself in its place")
                    if os.path.islink(path):
                        links.append(path)
                        continue
                    ident = identity(path)
                    if ident is not None and ident in visited:  # reached again through a link to a folder above it
                        _linked_again(path)
                        continue
                    if ident is not None:
                        visited.add(ident)
                except OSError as exc:
                    unreadable(OSError(exc.errno, exc.strerror, str(path)))
                    continue
                kept.append(name)
            subfolders[:] = kept
            for name in files:
                try:
                    _entry(here / name, name)
                except OSError as exc:
                    unreadable_file(here / name, exc)

    def _bounded_files(path: Path, limit: int = 5000) -> Iterator[tuple[Path, str]]:
        """Every file under ``path``, at most ``limit`` entries looked at (a cache or a repository is big)."""
        seen = 0
        for folder, subfolders, files in os.walk(path, followlinks=False):
            seen += len(files) + len(subfolders)
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            for name in sorted(files):
                yield Path(folder), name
            if seen > limit:
                return

    def _hidden_folder(path: Path) -> None:
        found = [folder / f for folder, f in _bounded_files(path) if _could_be_return(f) and not f.startswith(("~$", "._"))]
        if found:
            shown = ", ".join(file_label(p, inputs) for p in sorted(found)[:5])
            more = f" and {len(found) - 5} more" if len(found) > 5 else ""
            note(False, "hidden-folder", path,
                 f"is a hidden folder (its name starts with a dot), so the {len(found)} workbook(s) in it are not read: "
                 f"{shown}{more}", "if it holds a return for this round, move it out of the hidden folder")

    def _outputs_folder(path: Path) -> None:
        """A folder a merge wrote is not read: each workbook in it that ria-docs did not write is named."""
        for folder, name in _bounded_files(path):
            file = folder / name
            if not _ours(path, file, name) and _workbook_file(file, name):
                note(True, "in-outputs-folder", file,
                     f"is in {file_label(path, inputs)}, a folder a merge wrote its outputs into (it holds "
                     f"{PLAN_JSON} and {MERGE_REPORT}), so it is not read as a return",
                     "if it is a return, move it out of that folder (and write the outputs to a folder of their own, "
                     "such as -o outputs); if not, move it out of the returns folder")

    def _entry(path: Path, name: str) -> None:
        suffix = name_suffix(name)
        returnish = _could_be_return(name)
        try:
            info = os.stat(path)  # follows links: what the file is, without opening it
        except (OSError, ValueError) as exc:
            if os.path.islink(path):
                _broken_link(path, name, exc if isinstance(exc, OSError) else OSError(errno.ENOENT, str(exc)))
            elif returnish or (isinstance(exc, OSError) and exc.errno == errno.ENAMETOOLONG):
                unreadable_file(path, exc if isinstance(exc, OSError) else OSError(errno.EINVAL, str(exc)))
            return
        if stat.S_ISDIR(info.st_mode):
            return  # a folder os.walk could not tell was one: found through its link
        if not stat.S_ISREG(info.st_mode):
            if returnish or suffix in OTHER_DOCUMENTS:
                note(True, "not-a-file", path,
                     f"is {_kind_of_special(info.st_mode)}, not a file, so it cannot be read as a return",
                     "replace it with the return workbook itself")
            return
        if name.startswith("~$"):
            if returnish and info.st_size > _LOCK_FILE_BYTES and _head(path).startswith(_WORKBOOK_MAGIC):
                note(False, "lock-file-workbook", path,
                     'starts with "~$" like the lock files Excel leaves while a workbook is open, so it is not read, '
                     "but it is a workbook", "if it is a return, rename it without the ~$ and check again")
            return
        if name.startswith("."):
            if returnish and not (name.startswith("._") and _head(path, 4) == _APPLE_DOUBLE):
                note(False, "hidden-file", path, "is a hidden file (its name starts with a dot), so it is not read",
                     "if it is a return, rename it without the leading dot and check again")
            return
        if returnish:
            if info.st_ino:  # 0 where the file system has no inode numbers: each name read
                files_seen.setdefault((info.st_dev, info.st_ino), []).append(path)
            scan.returns.append(path)
        elif suffix in OTHER_DOCUMENTS:
            note(False, "not-a-return", path, f"is {OTHER_DOCUMENTS[suffix]} ({suffix}), not a return workbook, "
                 "so it is not read", "if a chair sent their return this way, ask for it in the return workbook")
        elif info.st_size and (kind := _sniff_workbook(path)):
            named = f"ends in {suffix}" if suffix else "has no suffix"
            note(False, "workbook-not-named", path,
                 f"is a workbook ({kind}) by its content, but its name {named}, so it is not read",
                 f"if it is a return, rename it to end in {kind} and check again")

    def _linked_again(path: Path) -> None:
        note(False, "folder-link-loop", path, "is a folder that is read already (through a link), so it is not read twice",
             "nothing to do, unless the link should point elsewhere")

    def _broken_link(path: Path, name: str, exc: OSError) -> None:
        try:
            target = os.readlink(path)
        except (OSError, ValueError):
            target = "?"
        target = printable(str(target))
        if exc.errno == errno.ELOOP:
            message = f"is a link that leads round in a loop ({target}), so it cannot be read"
        else:
            message = f"is a link to {target}, which cannot be found (a shared drive not connected?), so it cannot be read"
        quiet = name_suffix(name) and not _known_suffix(name)
        note(not quiet, "broken-link", path, message,
             "connect the drive it points to, or replace the link with the file or folder itself")

    walk(inputs)
    while links:
        link = links.pop(0)
        ident = identity(link)
        if ident is None:
            _broken_link(link, link.name, OSError(errno.ENOENT, "not found"))
            continue
        if _real(link.parent).is_relative_to(_real(link)):
            note(False, "folder-link-loop", link,
                 "is a link back to a folder that holds it, so it is not followed (it would go round in a loop)",
                 "nothing to do, unless the link should point elsewhere")
            continue
        if ident in visited:
            _linked_again(link)
            continue
        visited.add(ident)
        walk(link)

    for names in files_seen.values():  # one file under several names: read once, under its own name
        if len(names) < 2:
            continue
        names.sort(key=lambda p: (os.path.islink(p), _sort_key(p, inputs)))
        kept, *others = names
        for other in others:
            how = "a link to" if os.path.islink(other) else "the same file as (a hard link to)"
            note(False, "same-file", other, f"is {how} {file_label(kept, inputs)}, so that file is read once, as "
                 f"{file_label(kept, inputs)}", "nothing to do")
            scan.returns.remove(other)

    scan.returns.sort(key=lambda p: _sort_key(p, inputs))
    used: set[str] = set()
    for path in scan.returns:
        label = file_label(path, inputs)
        number = 1
        while label in used:  # two names that print the same (possible only with unusual characters)
            number += 1
            label = f"{file_label(path, inputs)} ({number})"
        used.add(label)
        scan.labels[path] = label
    scan.notes.sort(key=lambda n: n.label.lower())
    return scan


def _ours(folder: Path, path: Path, name: str) -> bool:
    """Files a merge or ria-docs's own writing leaves in an outputs folder, or no one's return."""
    return name.startswith((".", "~$")) or (path.parent == folder and name == RUG_XLSX)


def _workbook_file(path: Path, name: str) -> bool:
    return _could_be_return(name) or (not _known_suffix(name) and _sniff_workbook(path) is not None)


def outputs_folder_workbooks(folder: Path, limit: int = 5000) -> list[str]:
    """The workbooks under ``folder`` that ria-docs did not write (any but its tartan-rug.xlsx), as paths
    relative to it: a folder holding them is not one to write outputs into. Never raises."""
    folder = Path(folder)
    found, seen = [], 0
    try:
        for here, subfolders, files in os.walk(folder, followlinks=False):
            seen += len(files) + len(subfolders)
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            for name in sorted(files):
                path = Path(here) / name
                if not _ours(folder, path, name) and _workbook_file(path, name):
                    found.append(file_label(path, folder))
            if seen > limit:
                break
    except (OSError, ValueError):
        pass  # what cannot be looked at is named when the folder is written to
    return found


def _sort_key(path: Path, inputs: Path) -> str:
    return path.relative_to(inputs).as_posix().lower() if path.is_relative_to(inputs) else str(path).lower()


def find_return_files(inputs: Path, unreadable: list[str] | None = None, skip: tuple[Path, ...] = ()) -> list[Path]:
    """Every file under the inputs folder to read as a return, in a stable order
    (see :func:`scan_folder`, which also names what is not read, and why).
    Folders that cannot be read are added to ``unreadable``."""
    scan = scan_folder(inputs, skip)
    if unreadable is not None:
        unreadable.extend(n.label for n in scan.notes if n.kind == "unreadable-folder")
    return scan.returns


def file_label(path: Path, inputs: Path) -> str:
    """The path relative to the inputs folder, printable whatever bytes the name holds."""
    relative = path.relative_to(inputs).as_posix() if path.is_relative_to(inputs) else str(path)
    return printable(relative)


def round_outcome(region: RegionConfig, accounts: list[ReturnAccount], plan: Plan) -> RoundOutcome:
    """Who was heard from: "no return" means no file named the network, valid or not (a network
    whose return has errors did send one, and is listed with its errors); and whose content was
    carried forward, from which period."""
    named = {account.network for account in accounts if account.network}
    return RoundOutcome(
        returns=accounts,
        missing_networks=[n.name for n in region.networks if n.name not in named],
        carried_forward={n.name: n.carried_from for n in plan.networks if n.carried_from},
    )


def check_folder(
    inputs: Path, *, skip_invalid: bool = False, baseline: Path | None = None, outputs: Path | None = None
) -> CheckResult:
    """Read and validate every return under ``inputs``; write nothing.

    With ``baseline`` (last round's plan.json), networks with no return keep
    what they said then, marked as carried forward.
    """
    inputs = Path(inputs)
    try:
        is_folder = stat.S_ISDIR(os.stat(inputs).st_mode)
    except FileNotFoundError:
        is_folder = False
    except (OSError, ValueError) as exc:
        raise InputsError(f"{inputs}: cannot be opened ({getattr(exc, 'strerror', None) or exc}). Check its "
                          "permissions, or give a folder you can read.") from None
    if not is_folder:
        raise InputsError(f"{inputs}: no such folder. Give the folder holding region.toml and the returns.")
    region = load_region(inputs / REGION_TOML)
    previous = load_plan(baseline) if baseline is not None else None
    if previous is not None:
        assert baseline is not None  # previous is loaded from it
        require_same_region(previous, baseline, region.region)
    report = Report()
    if previous is not None and previous.region.period == region.period:
        report.warning(
            "baseline-same-period", f"the baseline is from {previous.region.period}, the period of this round too",
            file=str(baseline), hint="give last round's plan.json, or change period in region.toml",
        )
    # The round's templates folder holds Word files that are not returns.
    skip = (inputs / TEMPLATES_FOLDER,) + ((Path(outputs),) if outputs is not None else ())
    scan = scan_folder(inputs, skip=skip)
    for note in scan.notes:
        (report.error if note.error else report.warning)(note.kind, note.message, file=note.label, hint=note.hint)
    files: list[str] = []
    read: dict[str, CellNotes] = {}  # the reader's notes only: a return's cells are let go once validated
    checked: dict[str, NetworkReturn] = {}
    for path in scan.returns:
        file = scan.labels[path]
        files.append(file)
        if name_suffix(path.name) in OTHER_SPREADSHEETS:
            report.error(
                "not-a-workbook", f"is a {name_suffix(path.name)} file, not a workbook with the return's sheets", file=file,
                hint="use the return workbook; if the data is in this file, paste it into one and save it as .xlsx",
            )
            continue
        raw = read_return(path, file, report)
        if raw is None:
            continue
        read[file] = raw.cells
        if raw.is_return:
            checked[file] = validate_return(raw, region, report)
    valid = [ret for file, ret in checked.items() if ret.network is not None and not report.errors_in(file)]
    chosen, superseded = select_returns(valid, report)
    result = CheckResult(region, report, [r for r in chosen if not report.errors_in(r.file)])
    # Merge even when nothing will be written: its warnings belong in the report.
    result.plan = merge_returns(region, result.returns, report, previous)
    accounts = return_accounts(files, read, checked, superseded, result.plan, report, skip_invalid=skip_invalid)
    result.outcome = round_outcome(region, accounts, result.plan)
    result.baseline = previous
    result.not_read = list(scan.notes)
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
    check_outputs_folder(outputs, inputs=inputs, templates=templates_in_use(templates, inputs))
    if pdf:
        require_soffice()  # before any work, so a missing LibreOffice costs nothing
    # The outputs folder is held from the start: a run killed there is rolled back before anything is
    # read (a baseline kept there, the files already there), and a second merge waits for this one.
    with settled(outputs, create=True):
        return _merge(inputs, outputs, templates, skip_invalid, pdf, baseline)


def _merge(inputs: Path, outputs: Path, templates: Path | None, skip_invalid: bool, pdf: bool,
           baseline: Path | None) -> MergeResult:
    check = check_folder(inputs, skip_invalid=skip_invalid, baseline=baseline, outputs=outputs)
    result = MergeResult(check)
    if check.report.errors and not skip_invalid:
        return result
    plan = result.plan = check.plan
    assert plan is not None  # check_folder always merges

    rendered = render_documents(plan, templates, round_dir=inputs)
    files, used, notes = dict(rendered.files), dict(rendered.used), list(rendered.notes)
    report_md = to_markdown(check.report, title=f"{check.region.region}, {check.region.period}", written=True,
                            outcome=check.outcome)
    changes = compare(check.baseline, plan) if check.baseline is not None else None
    if changes is not None:
        used[CHANGES_DOCX] = template_path(CHANGES_DOCX, templates, inputs)
        changes_doc = render_document(
            used[CHANGES_DOCX], changes_context(changes, plan),
            title=f"Changes since {changes.previous_period}", subject=f"Changes {changes.period}",
            author=plan.region.document_author, when=_round_date(plan),
        )
        files[CHANGES_DOCX] = changes_doc.data
        notes += changes_doc.notes
        report_md += "\n" + changes_markdown(changes)
    notes += stray_templates(templates, inputs)
    result.template_notes = notes
    report_md += "\n" + templates_markdown(used, notes)
    if pdf:
        files |= to_pdf(files)
    if plan.indicator_values:
        files[RUG_XLSX] = rug_workbook(plan)
    files[PLAN_JSON] = plan_json(plan)
    files[MERGE_REPORT] = report_md.encode("utf-8")
    files[REPORT_HTML] = report_page(check, documents=sorted(files), changes=changes).encode("utf-8")
    result.written = write_outputs(Path(outputs), files, replaces=MERGE_OUTPUTS)
    return result


def report_page(check: CheckResult, documents: list[str] | tuple[str, ...] = (), *, merged: bool = True,
                changes: Changes | None = None) -> str:
    """report.html for a checked (or merged) folder: who has returned, every problem, whom to chase,
    what changed since the baseline (``changes``, when the caller has them already), and links to
    ``documents`` written beside it."""
    from .report_html import round_html
    from .status import status_of

    if changes is None and check.baseline is not None and check.plan is not None:
        changes = compare(check.baseline, check.plan)
    return round_html(check, status_of(check), changes=changes, documents=documents, merged=merged)


def plan_json(plan: Plan) -> bytes:
    return (plan.model_dump_json(indent=2) + "\n").encode("utf-8")


def load_plan(path: Path) -> Plan:
    """A saved plan.json; PlanFileError names the file, the place and what to do (see ria_docs.plan_file).

    When it is in an outputs folder, that folder is settled first: a run killed there is rolled back,
    and one writing there is waited for, so the plan.json read is that of one complete set.
    """
    with settled_plan(path):
        return read_plan(path)


def _round_date(plan: Plan) -> dt.datetime | None:
    """The documents' date: the newest return's, so the same returns give the same bytes."""
    dates = [r.date_submitted for r in plan.returns if r.date_submitted]
    return dt.datetime.fromisoformat(max(dates)) if dates else None


@dataclass
class RenderedDocuments:
    files: dict[str, bytes]  # file name -> the .docx
    used: dict[str, Path]  # document -> the template it was made from
    notes: list[str]  # what the templates' tags would have moved in the page layout, kept (see render_document)


def render_documents(plan: Plan, templates: Path | None = None, *, round_dir: Path | None = None) -> RenderedDocuments:
    """Both documents, from the templates template_path finds."""
    region = plan.region
    author = region.document_author
    when = _round_date(plan)
    plan_ctx, update_ctx = plan_context(plan), update_context(plan)
    used = {name: template_path(name, templates, round_dir) for name in (PLAN_DOCX, UPDATE_DOCX)}
    documents = {
        PLAN_DOCX: render_document(
            used[PLAN_DOCX], plan_ctx,
            title=plan_ctx["title"], subject=f"RIA plan {region.plan_year}", author=author, when=when,
        ),
        UPDATE_DOCX: render_document(
            used[UPDATE_DOCX], update_ctx,
            title=update_ctx["title"], subject=f"Regional update {region.period}", author=author, when=when,
        ),
    }
    return RenderedDocuments({name: d.data for name, d in documents.items()}, used,
                             [note for d in documents.values() for note in d.notes])


def templates_markdown(used: dict[str, Path], notes: list[str]) -> str:
    """The report's account of the templates: which file made each document, and Word files
    in a templates folder that were not used."""
    lines = ["## Templates", ""]
    lines += [f"- {name}: {template_source(path)}" for name, path in used.items()]
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def round_of_plan(plan_path: Path) -> Path:
    """The round a saved plan.json belongs to: the folder holding its outputs folder
    (2020-03/outputs/plan.json belongs to 2020-03), whose templates/ render uses."""
    return Path(os.path.abspath(plan_path)).parent.parent


@dataclass
class RenderResult:
    written: list[Path]
    used: dict[str, Path] = field(default_factory=dict)  # document -> the template it was made from
    notes: list[str] = field(default_factory=list)  # layout kept despite a template's tags; stray files
    removed: list[Path] = field(default_factory=list)  # PDFs of the documents before (no longer matching)


def render_plan_file(
    plan_path: Path, outputs: Path | None = None, *, templates: Path | None = None, pdf: bool = False,
) -> RenderResult:
    """Re-render the documents from a saved plan.json (after a template edit), into ``outputs``
    or, by default, beside the plan.json."""
    round_dir = round_of_plan(plan_path)
    outputs = Path(plan_path).parent if outputs is None else Path(outputs)
    check_outputs_folder(outputs, templates=templates_in_use(templates, round_dir))
    if pdf:
        require_soffice()
    # Both folders are held from reading plan.json to the write: a merge into either waits, so the
    # documents written always match the plan.json beside them.
    plan_folder = Path(os.path.realpath(os.path.abspath(plan_path))).parent
    folders = [(Path(outputs), {"create": True})]
    if is_outputs_folder(plan_folder) and not same_folder(plan_folder, Path(outputs)):
        folders.append((plan_folder, {"read_only": True}))
    with settled_together(*folders):
        plan = load_plan(plan_path)
        rendered = render_documents(plan, templates, round_dir=round_dir)
        files = dict(rendered.files)
        result = RenderResult(written=[], used=dict(rendered.used),
                              notes=[*rendered.notes, *stray_templates(templates, round_dir)])
        if pdf:
            files |= to_pdf(files)
        stale = [Path(outputs) / name for name in sorted(RENDER_OUTPUTS - set(files)) if (Path(outputs) / name).exists()]
        result.written = write_outputs(Path(outputs), files, replaces=RENDER_OUTPUTS)
        result.removed = [path for path in stale if not path.exists()]
        return result
