"""Writing outputs: one consistent set, whatever happens.

Every file ria-docs writes (the documents, plan.json, the report, the tartan
rug, issued return workbooks) goes through :func:`write_outputs`, one
transaction per run:

1. **Lock.** ``OUTPUTS/.ria-docs.lock`` (see :class:`OutputsLock`) keeps two
   runs from writing into one folder at once; the second waits, then gives up
   with a plain message. A lock left by a process that died is taken over.
2. **Recover.** A journal left by a run that was killed (kill -9, power cut)
   is rolled back: the old set is put back. Staging and backup folders left
   behind are removed.
3. **Stage.** Each new file is written and fsynced in a private staging
   folder ``OUTPUTS/.ria-docs.new.XXXXXXXX`` (made by mkdtemp, so its name is
   unpredictable and it is created exclusively; files in it are opened with
   O_EXCL and O_NOFOLLOW). A full disk fails here, before anything changed.
4. **Journal.** ``OUTPUTS/.ria-docs.journal`` names the files that will be
   replaced and where the old copies are kept. It is written to a temporary
   file, fsynced and renamed into place before the first output is touched.
5. **Swap.** The old files (every managed name in ``replaces``, so a stale
   tartan-rug.xlsx or PDF goes too) are renamed into a backup folder
   ``OUTPUTS/.ria-docs.old.XXXXXXXX``, then the new ones are renamed in.
   Renames never follow links, so a link planted at an output name is
   replaced, not written through.
6. **Commit.** The journal is deleted; this is the moment the new set
   counts. The backups and the staging folder are then removed.

Any exception before the commit (a file open in Word, Ctrl-C, SIGTERM,
which is turned into an exit for the time of the write) rolls back at once,
through the same code a next run uses after a kill. From the journal to the
commit, and during a roll-back, SIGINT, SIGTERM and SIGHUP are blocked (main
thread, POSIX): a signal arriving then is taken once the folder holds one
complete set again.

Steps 1 and 2 come first in every command, before it reads anything in the
folder: :func:`settled` holds a folder (lock, then recover) for a whole
command, and write_outputs inside it does not take the lock again. A plan.json
is read through :func:`settled_plan`. The library never prints and never
imports click.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import re
import shutil
import signal
import socket
import stat
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from .exceptions import OutputError

if TYPE_CHECKING:
    from types import FrameType

    # What tells two folders apart (_key): ("inode", device, inode) or ("path", normalised path).
    _FolderKey = tuple[str, int, int] | tuple[str, str]

try:  # POSIX: the lock is an flock, released by the kernel however the process ends
    import fcntl
except ImportError:  # Windows: an exclusively created lock file holding the owner's pid
    fcntl = None  # type: ignore[assignment]  # a module or None: mypy types the name as the module

# The files ria-docs manages in an outputs folder, named in this one place.
PLAN_DOCX = "ria-plan.docx"
UPDATE_DOCX = "regional-update.docx"
CHANGES_DOCX = "changes.docx"  # written only by merge --baseline
PLAN_JSON = "plan.json"
MERGE_REPORT = "merge-report.md"
RUG_XLSX = "tartan-rug.xlsx"  # written only when region.toml lists indicators
REPORT_HTML = "report.html"  # the round at a glance, for a browser
DOCUMENTS = (PLAN_DOCX, UPDATE_DOCX, CHANGES_DOCX)


def pdf_name(docx: str) -> str:
    """The PDF --pdf writes beside a document: ria-plan.docx -> ria-plan.pdf."""
    return docx.rsplit(".", 1)[0] + ".pdf"


# A merge replaces all of these as one set: one the new merge does not write is removed.
MERGE_OUTPUTS = frozenset({*DOCUMENTS, *map(pdf_name, DOCUMENTS), PLAN_JSON, MERGE_REPORT, RUG_XLSX, REPORT_HTML})
# render rewrites the two documents from plan.json: it replaces them and their PDFs, and keeps
# plan.json, merge-report.md, changes.docx (and its PDF) and the rug, which belong to the merge.
RENDER_OUTPUTS = frozenset({PLAN_DOCX, UPDATE_DOCX, pdf_name(PLAN_DOCX), pdf_name(UPDATE_DOCX)})

LOCK_NAME = ".ria-docs.lock"
JOURNAL_NAME = ".ria-docs.journal"
STAGING_PREFIX = ".ria-docs.new."
BACKUP_PREFIX = ".ria-docs.old."
LOCK_WAIT = 30.0  # seconds a run waits for another to finish writing
# Temporary files of ria-docs before 0.x's journal: .NAME.new.PID.tmp and .NAME.old.PID.tmp.
_LEGACY = re.compile(r"^\.(?P<name>.+)\.(?P<kind>new|old)\.\d+\.tmp$")
_OPEN_NEW = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
             | getattr(os, "O_CLOEXEC", 0))
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def write_outputs(
    out_dir: Path, files: dict[str, bytes], *, replaces: Iterable[str] = (), wait: float | None = None
) -> list[Path]:
    """Put ``files`` ({name: bytes}) into ``out_dir``: all of them, or none.

    ``replaces`` names earlier outputs this set replaces as a whole: those the
    new set lacks are removed with the rest of the old set. Other files in the
    folder are left alone. Returns the paths written, in the order given.
    Raises OutputError with nothing changed when anything fails; any other
    exception (Ctrl-C) also leaves the old set in place.
    """
    out_dir = Path(out_dir)
    for name in files:
        if not _plain(name):
            raise ValueError(f"not a plain file name: {name!r}")
    # Inside settled() the caller holds the folder already (and recovered it before reading there).
    with _exit_on_sigterm(), settled(out_dir, create=True, wait=wait):
        folders = [name for name in files if (out_dir / name).is_dir() and not (out_dir / name).is_symlink()]
        if folders:
            raise OutputError(
                f"{out_dir / folders[0]}: is a folder, where ria-docs writes a file of that name. "
                "Rename or move the folder and run the command again. Nothing was changed."
            )
        _swap(out_dir, files, set(replaces) | set(files))
    return [out_dir / name for name in files]


# --- settling a folder before reading or writing there ---------------------------------------------

_HELD = threading.local()  # the folders this thread holds: {key: depth}


def _held() -> dict[_FolderKey, int]:
    folders = getattr(_HELD, "folders", None)
    if folders is None:
        folders = _HELD.folders = {}
    return folders


def _key(folder: Path) -> _FolderKey:
    """What tells two folders apart: the file system's own identity (device and inode), so one
    folder reached by two spellings (a bind mount, another case on macOS) is one folder."""
    try:
        found = os.stat(folder)
        return ("inode", found.st_dev, found.st_ino)
    except OSError:  # not there yet: its spelling, as well as can be told
        return ("path", os.path.normcase(os.path.realpath(os.path.abspath(folder))))


def holds(folder: Path) -> bool:
    """Whether this thread holds ``folder`` (inside :func:`settled`)."""
    return _key(Path(folder)) in _held()


@contextlib.contextmanager
def settled(folder: Path, *, create: bool = False, wait: float | None = None,
            read_only: bool = False) -> Iterator[Path]:
    """Hold ``folder`` for the time of the block, after finishing what an interrupted run left there.

    Takes the folder's lock (waiting for another run to finish), then rolls back a journal a killed
    run left and removes its hidden folders: so everything read there afterwards is one complete set,
    and stays so until the block ends. Every command enters this before it reads anything in an
    outputs folder (plan.json, the files already there) and keeps it until it has written there.

    Re-entrant in one thread: :func:`write_outputs` inside the block does not take the lock again
    (an flock belongs to an open file, so a second one in the same process would wait for itself).
    ``create`` makes the folder if it is missing (and removes it again if the block leaves it
    empty); without it, a folder that does not exist is not settled. With ``read_only``, a folder
    this user cannot write to is read without the lock, unless a run was interrupted there.
    """
    folder = Path(folder)
    held = _held()
    if _key(folder) in held:
        held[_key(folder)] += 1
        try:
            yield folder
        finally:
            held[_key(folder)] -= 1
        return
    created: list[Path] = _make_folder(folder) if create else []
    key = _key(folder)  # once the folder exists: its identity on disk
    try:
        lock = None
        if create or folder.is_dir():
            lock = OutputsLock(folder, LOCK_WAIT if wait is None else wait, create=create)
            try:
                lock.__enter__()
            except OutputError:
                if not (read_only and lock.denied):
                    raise
                if os.path.lexists(folder / JOURNAL_NAME):
                    raise OutputError(
                        f"{folder}: a ria-docs run writing there was interrupted and its previous outputs are still "
                        f"to be put back, but you cannot write to this folder ({lock.denied}). Ask someone who can "
                        "to run the command again (any ria-docs command reading that folder puts them back first), "
                        "or copy plan.json elsewhere once it is."
                    ) from None
                lock = None  # read-only and nothing half-done: nothing to settle, nothing anyone can change
        try:
            if lock is not None:
                recover(folder)
            held[key] = 1
            try:
                yield folder
            finally:
                del held[key]
        finally:
            if lock is not None:
                lock.__exit__(None, None, None)
    finally:
        for path in reversed(created):  # made for this run and left empty (nothing written): gone again
            with contextlib.suppress(OSError):
                os.rmdir(path)


def _make_folder(folder: Path) -> list[Path]:
    """Create ``folder`` and any missing parents; the ones made, outermost first."""
    missing = []
    path = Path(os.path.abspath(folder))
    while not os.path.isdir(path) and path.parent != path:
        missing.append(path)
        path = path.parent
    missing.reverse()
    made = []
    for path in missing:
        try:
            os.mkdir(path)
            made.append(path)
        except FileExistsError:
            if not os.path.isdir(path):
                raise OutputError(f"{path}: is a file, where the outputs folder should be. Choose another folder with -o.") from None
        except OSError as exc:
            for done in reversed(made):
                with contextlib.suppress(OSError):
                    os.rmdir(done)
            raise OutputError(f"{folder}: cannot create the outputs folder ({exc.strerror}).") from None
    return made


def is_outputs_folder(folder: Path) -> bool:
    """Whether ``folder`` holds what ria-docs writes or leaves there: a managed output, its lock, journal or hidden folders."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return any(
        name in MERGE_OUTPUTS or name in (JOURNAL_NAME, LOCK_NAME) or name.startswith((STAGING_PREFIX, BACKUP_PREFIX))
        for name in names
    )


def settled_plan(plan_path: Path, *, wait: float | None = None) -> AbstractContextManager[Path | None]:

    """For reading a plan.json: its folder settled (see :func:`settled`) when it is an outputs folder.

    So a plan.json is never read from a folder a killed run left half-new, or while a run writes
    there. A plan.json elsewhere (sent by email, copied to a read-only share) is read as it is.
    """
    folder = Path(os.path.realpath(os.path.abspath(plan_path))).parent
    if holds(folder) or not is_outputs_folder(folder):
        return contextlib.nullcontext()
    return settled(folder, wait=wait, read_only=True)


@contextlib.contextmanager
def settled_together(*folders: tuple[Path, dict]) -> Iterator[None]:
    """:func:`settled` for several folders, held in one fixed order, so two runs never wait on each other."""
    with contextlib.ExitStack() as stack:
        for folder, options in sorted(folders, key=lambda item: _key(Path(item[0]))):
            stack.enter_context(settled(folder, **options))
        yield


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP wait until the block ends: so the folder is never left half-swapped.

    Blocked with pthread_sigmask in the main thread where it exists (POSIX); a signal that came in
    the meantime is delivered as the block ends, when the folder holds one complete set again.
    """
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)}
    previous = mask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, previous)


def _swap(out_dir: Path, files: dict[str, bytes], replaces: set[str]) -> None:
    staging = backup = None
    try:
        try:
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
        except OSError as exc:
            raise _not_written(exc, out_dir, out_dir) from None
        for name, data in files.items():
            try:
                _write_new(staging / name, data)
            except OSError as exc:
                raise _not_written(exc, out_dir / name, out_dir) from None
        old = sorted(name for name in replaces if _replaceable(out_dir / name))
        try:
            backup = Path(tempfile.mkdtemp(prefix=BACKUP_PREFIX, dir=out_dir))
        except OSError as exc:
            raise _not_written(exc, out_dir, out_dir) from None
        with signals_held():  # from the journal to the commit: a signal waits for one complete set
            _commit(out_dir, files, old, staging, backup)
    except BaseException as exc:
        try:
            recover(out_dir)  # the same roll-back a next run would do after a kill
        except OutputError as failed:
            raise failed from exc
        raise
    with signals_held():  # the new set is in place: tidy up before a signal held meanwhile stops the run
        for folder in (staging, backup):
            _remove_entry(folder)


def _commit(out_dir: Path, files: dict[str, bytes], old: list[str], staging: Path, backup: Path) -> None:
    try:
        try:
            _write_journal(out_dir, {"staging": staging.name, "backup": backup.name, "new": list(files), "old": old})
        except OSError as exc:
            raise _not_written(exc, out_dir / JOURNAL_NAME, out_dir) from None
        for name in old:
            try:
                os.replace(out_dir / name, backup / name)
            except OSError as exc:
                raise OutputError(
                    f"{out_dir / name}: cannot be replaced ({exc.strerror}); is it open in Word or Excel? "
                    "Close it and run the command again. Nothing was changed."
                ) from None
        for name in files:
            try:
                os.replace(staging / name, out_dir / name)
            except OSError as exc:
                raise OutputError(f"{out_dir / name}: cannot be written ({exc.strerror}). Nothing was changed.") from None
        _fsync_folder(out_dir)
        try:
            os.unlink(out_dir / JOURNAL_NAME)  # the commit: from here on, the new set counts
        except OSError as exc:
            raise OutputError(f"{out_dir}: cannot be written ({exc.strerror}). Nothing was changed.") from None
        _fsync_folder(out_dir)
    except BaseException as exc:
        try:
            recover(out_dir)  # at once, before a signal held meanwhile is let through
        except OutputError as failed:
            raise failed from exc
        raise


def recover(out_dir: Path) -> None:
    """Finish what an interrupted run left in ``out_dir``; call it holding the lock.

    A journal means the run stopped between its first rename and its commit:
    it is rolled back, so the folder holds the old set again. Then the staging
    and backup folders and temporary files of earlier runs are removed.
    """
    with signals_held():  # a second Ctrl-C does not stop the roll-back halfway
        _recover(Path(out_dir))


def _recover(out_dir: Path) -> None:
    journal = out_dir / JOURNAL_NAME
    if os.path.islink(journal):  # ria-docs renames a file of its own there, never a link
        os.unlink(journal)
    if os.path.lexists(journal):
        record = _read_journal(journal)
        backup = out_dir / record["backup"]
        try:
            _roll_back(out_dir, out_dir / record["staging"], backup, record["new"], record["old"])
            os.unlink(journal)
            _fsync_folder(out_dir)
        except OSError as exc:
            raise OutputError(
                f"{out_dir}: a run was interrupted and its previous outputs could not be put back "
                f"({exc.strerror}); they are kept in {backup}. Close any output open in Word or Excel "
                "and run the command again to put them back."
            ) from None
    try:
        entries = list(os.scandir(out_dir))
    except OSError:
        return
    names = {entry.name for entry in entries}
    for entry in entries:
        name = entry.name
        if name.startswith((STAGING_PREFIX, BACKUP_PREFIX)) or (
            name.startswith((JOURNAL_NAME + ".", LOCK_NAME + ".")) and name.endswith((".tmp", ".stale"))
        ):
            _remove_entry(out_dir / name)
        elif (legacy := _LEGACY.match(name)) and legacy["name"] in MERGE_OUTPUTS:
            # An older ria-docs was stopped mid-swap: an old output moved aside comes back if its place is empty.
            if legacy["kind"] == "old" and legacy["name"] not in names and not entry.is_symlink():
                with contextlib.suppress(OSError):
                    os.replace(out_dir / name, out_dir / legacy["name"])
                    names.add(legacy["name"])
                continue  # put back, or kept where it is if it cannot be
            _remove_entry(out_dir / name)


def _roll_back(out_dir: Path, staging: Path, backup: Path, new: list[str], old: list[str]) -> None:
    kept = set(old)
    for name in new:
        # A new file already renamed in (gone from staging) with no old copy to put over it.
        if name not in kept and not os.path.lexists(staging / name) and os.path.lexists(out_dir / name):
            os.unlink(out_dir / name)
    for name in old:
        if os.path.lexists(backup / name):
            os.replace(backup / name, out_dir / name)


def _read_journal(journal: Path) -> dict:
    try:
        if not stat.S_ISREG(os.lstat(journal).st_mode):  # a pipe planted there would block the open for ever
            raise OSError(errno.EINVAL, "not an ordinary file")
        fd = os.open(journal, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
                     | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as stream:
            record = json.loads(stream.read(1_000_000))
        ok = (
            isinstance(record, dict)
            and all(isinstance(record.get(k), str) for k in ("staging", "backup"))
            and record["staging"].startswith(STAGING_PREFIX) and _plain(record["staging"])
            and record["backup"].startswith(BACKUP_PREFIX) and _plain(record["backup"])
            and all(isinstance(record.get(k), list) and all(isinstance(n, str) and _plain(n) for n in record[k])
                    for k in ("new", "old"))
        )
    except (OSError, ValueError):
        ok = False
    if not ok:
        raise OutputError(
            f"{journal}: a run was interrupted, and its record of what to put back cannot be read. "
            f"Move any files in {journal.parent}/{BACKUP_PREFIX}* back into {journal.parent} "
            "if the outputs there are missing, then delete the record and run the command again."
        )
    return record


def _write_journal(out_dir: Path, record: dict) -> None:
    fd, temp = tempfile.mkstemp(prefix=JOURNAL_NAME + ".", suffix=".tmp", dir=out_dir)
    try:
        try:
            _write_all(fd, json.dumps(record).encode("utf-8"))
        finally:
            os.close(fd)
        os.replace(temp, out_dir / JOURNAL_NAME)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_folder(out_dir)


def create_new(target: Path, data: bytes) -> bool:
    """Write ``data`` as ``target`` only if no file has that name: False, and nothing written, if one
    has (or takes it meanwhile). Written to a temporary file first and linked into place, so an
    interruption leaves no half file and a race loses nothing. OSError when it cannot be written."""
    temporary = target.parent / f".ria-docs-{os.getpid()}-{target.name}.tmp"
    try:
        # Made like any new file (the umask decides who may read it), under a name no one else uses.
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        try:
            os.link(temporary, target)  # fails if the name was taken meanwhile: nothing is overwritten
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            if os.path.lexists(target):
                return False
            os.replace(temporary, target)
        return True
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` exclusively (never through a link), write ``data`` and fsync it."""
    fd = os.open(path, _OPEN_NEW, 0o666)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def _fsync_folder(folder: Path) -> None:
    """Make renames in ``folder`` survive a power cut (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _replaceable(path: Path) -> bool:
    """An existing file (or link) at an output name; a folder there is the user's and stays."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISDIR(mode)


def _remove_entry(path: Path | None) -> None:
    """Best-effort removal of a leftover: a link or file is unlinked, a real folder removed with its files."""
    if path is None:
        return
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


def _plain(name: str) -> bool:
    return bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\x00") and os.path.basename(name) == name


def _not_written(exc: OSError, path: Path, out_dir: Path) -> OutputError:
    if exc.errno in _DISK_FULL:
        return OutputError(
            f"{out_dir}: the disk is full ({exc.strerror}), so {path.name} could not be written. "
            "Nothing was changed: the previous outputs are as they were. Free some space and run the command again."
        )
    return OutputError(f"{path}: cannot be written ({exc.strerror}); nothing was changed.")


@contextlib.contextmanager
def _exit_on_sigterm() -> Iterator[None]:
    """While outputs are written, SIGTERM and SIGHUP exit through Python, so the swap rolls back first.

    Only in the main thread, and only for a signal nobody else has set a handler for (the CLI sets
    one for its whole run: see ria_docs.cli).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    changed = {}

    def stop(signum: int, _frame: FrameType | None) -> NoReturn:
        raise SystemExit(128 + signum)

    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) is signal.SIG_DFL:
            changed[signum] = signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum, previous in changed.items():
            signal.signal(signum, previous)


# --- the lock -------------------------------------------------------------------------------------


class OutputsLock:
    """``FOLDER/.ria-docs.lock``, held while a run writes into FOLDER.

    Where fcntl exists (Linux, macOS) the lock is an flock on that file: the
    kernel releases it however the process ends, so a file left by a killed
    run is simply taken over. The file is deleted on release; a run that
    locked a file deleted meanwhile tries again. Elsewhere (Windows), and on
    shares without flock, the lock is the file itself, created with O_EXCL;
    one left by a process no longer running on this computer is taken over.
    Either way the file holds the owner's pid, computer and start time, for
    the message a second run gives.
    """

    def __init__(self, folder: Path, wait: float = LOCK_WAIT, *, create: bool = False):
        self.folder, self.wait, self.create = Path(folder), wait, create
        self.path = self.folder / LOCK_NAME
        self._fd: int | None = None
        self._token = ""
        self._flock = fcntl is not None
        self.denied = ""  # why the lock could not be made, when this user may not write to the folder

    def __enter__(self) -> OutputsLock:
        deadline = time.monotonic() + self.wait
        while not (self._try_flock() if self._flock else self._try_exclusive()):
            if time.monotonic() >= deadline:
                raise self._busy()
            time.sleep(0.05)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._fd is not None:  # flock: delete while still holding it, then let go
            fd, self._fd = self._fd, None
            try:
                with contextlib.suppress(OSError):
                    os.unlink(self.path)
            finally:
                os.close(fd)
        elif self._token:
            if _read_small(self.path) == self._token:
                with contextlib.suppress(OSError):
                    os.unlink(self.path)
            self._token = ""

    def _try_flock(self) -> bool:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0),
                         0o644)
        except OSError as exc:
            if self._gone(exc):
                return False
            raise self._unusable(exc) from None
        try:
            held = self._lock_and_sign(fd)
        except BaseException:
            os.close(fd)
            raise
        if held:
            self._fd = fd
            return True
        os.close(fd)
        if self._flock:
            return False
        with contextlib.suppress(OSError):  # a share without flock: the exclusive file alone
            if os.lstat(self.path).st_size == 0:  # the empty file just opened, not an owner's
                os.unlink(self.path)
        return self._try_exclusive()

    def _lock_and_sign(self, fd: int) -> bool:
        """flock ``fd``; True when it is the lock file now in place, with this run's details written in."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                self._flock = False
            return False
        try:
            mine, there = os.fstat(fd), os.lstat(self.path)
        except FileNotFoundError:  # its owner deleted it as we locked it: try again
            return False
        if (mine.st_dev, mine.st_ino) != (there.st_dev, there.st_ino):
            return False
        if not stat.S_ISREG(mine.st_mode) or mine.st_nlink != 1:
            raise OutputError(f"{self.path}: is not a lock file ria-docs made. Delete it and run the command again.")
        try:
            os.ftruncate(fd, 0)
            os.write(fd, _owner().encode("utf-8"))
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            if isinstance(exc, OSError):
                raise _not_written(exc, self.path, self.folder) from None
            raise
        return True

    def _try_exclusive(self) -> bool:
        token = _owner()
        try:
            fd = os.open(self.path, _OPEN_NEW, 0o644)
        except FileExistsError:
            seen = _read_small(self.path)
            if self._stale(seen) and self._break(seen):
                return self._try_exclusive()
            return False
        except OSError as exc:
            if self._gone(exc):
                return False
            raise self._unusable(exc) from None
        try:
            _write_all(fd, token.encode("utf-8"))
        except BaseException as exc:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            if isinstance(exc, OSError):
                raise _not_written(exc, self.path, self.folder) from None
            raise
        os.close(fd)
        self._token = token
        return True

    def _stale(self, seen: str | None) -> bool:
        if seen is None:
            return False
        owner = _parse_owner(seen)
        if owner is None:  # empty or damaged: stale once its writer has had ample time
            try:
                return time.time() - os.lstat(self.path).st_mtime > 10
            except OSError:
                return False
        pid, host, _since = owner
        return host == socket.gethostname() and not _alive(pid)

    def _break(self, seen: str | None) -> bool:
        """Move a dead owner's lock aside; if it changed meanwhile (a live run took it over), put it back.

        Two runs breaking one stale lock at the same moment could still both go on: a window of
        microseconds, on the systems without flock only.
        """
        aside = self.path.with_name(f"{LOCK_NAME}.{uuid.uuid4().hex}.stale")
        try:
            os.rename(self.path, aside)
        except OSError:
            return False
        if _read_small(aside) != seen:
            with contextlib.suppress(OSError):
                os.rename(aside, self.path)
                return False
        with contextlib.suppress(OSError):
            os.unlink(aside)
        return True

    def _busy(self) -> OutputError:
        owner = _parse_owner(_read_small(self.path) or "")
        who = f" (process {owner[0]} on {owner[1]}, since {owner[2]})" if owner else ""
        return OutputError(
            f"another ria-docs run{who} is writing to {self.folder}; wait for it to finish, "
            f"or if none is running delete {self.path} and run the command again."
        )

    def _gone(self, exc: OSError) -> bool:
        """The folder was removed under us (a run that made it found it empty): make it again and retry."""
        if exc.errno != errno.ENOENT or not self.create or os.path.isdir(self.folder):
            return False
        with contextlib.suppress(OSError):
            os.makedirs(self.folder, exist_ok=True)
        return True

    def _unusable(self, exc: OSError) -> OutputError:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT):
            self.denied = exc.strerror or "permission denied"  # for a command that only reads there, no matter
        if exc.errno == errno.ELOOP or os.path.islink(self.path):
            return OutputError(f"{self.path}: is a link, where ria-docs keeps its lock. Delete it and run the command again.")
        return OutputError(f"{self.folder}: cannot be written ({exc.strerror}); nothing was changed.")


def _owner() -> str:
    since = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    return f"pid={os.getpid()}\nhost={socket.gethostname()}\nsince={since}\nrun={uuid.uuid4().hex}\n"


def _parse_owner(text: str) -> tuple[int, str, str] | None:
    fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    try:
        return int(fields["pid"]), fields["host"], fields.get("since", "?")
    except (KeyError, ValueError):
        return None


def _read_small(path: Path) -> str | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        return os.read(fd, 4096).decode("utf-8", "replace")
    except OSError:
        return None
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    """Whether a process with this pid runs on this computer (when unsure: yes)."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    if os.name == "nt":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]  # Windows only: mypy checks as on Linux
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            # Access denied: it exists. (GetLastError is Windows only, as windll.)
            return ctypes.GetLastError() == 5  # type: ignore[attr-defined]


        code = ctypes.c_ulong()
        try:
            return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


# --- where outputs may go -------------------------------------------------------------------------


def check_outputs_folder(
    outputs: Path, *, inputs: Path | None = None, templates: Iterable[Path] = (), documents: bool = True
) -> None:
    """Refuse an outputs folder that is the inputs folder, or is (or is inside) a templates folder in use.

    With ``documents`` (merge, render), also refuse one that holds workbooks ria-docs did not write (any
    but tartan-rug.xlsx): returns, by the look of it (``-o round/returns``); once a merge wrote there,
    every later check would skip the folder as an outputs folder. Called before any work, so nothing is
    written.
    """
    outputs = Path(outputs)
    if inputs is not None and same_folder(outputs, Path(inputs)):
        raise OutputError(
            f"{outputs}: is the inputs folder, where the returns and region.toml are: ria-docs would write "
            "its outputs among them. Choose another folder with -o, such as -o outputs."
        )
    for folder in templates:
        if same_folder(outputs, Path(folder)):
            raise OutputError(
                f"{outputs}: is the templates folder: ria-docs would overwrite the team's templates there. "
                "Choose another folder with -o."
            )
        if any(same_folder(parent, Path(folder)) for parent in _absolute(outputs).parents):
            raise OutputError(
                f"{outputs}: is inside the templates folder {folder}: ria-docs would write among the team's "
                "templates. Choose another folder with -o."
            )
    from .pipeline import outputs_folder_workbooks  # here: pipeline imports this module

    found = outputs_folder_workbooks(outputs) if documents else []
    if found:
        shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        raise OutputError(
            f"{outputs}: holds {len(found)} workbook(s) that ria-docs did not write ({shown}): returns, by the look "
            "of it. Outputs written there would make every later check skip them as an outputs folder. Choose a "
            "folder of their own with -o, such as -o outputs."
        )


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path)).resolve()


def same_folder(a: Path, b: Path) -> bool:
    """One folder, however it is spelled (case, links, ..), or two spellings of a folder not there yet."""
    try:
        return os.path.samefile(a, b)  # also when case or links make two spellings of one folder
    except OSError:
        return _absolute(a) == _absolute(b)
