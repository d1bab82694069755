"""Whatever stops a run, the outputs folder holds the complete old set or the complete new set.

The real windows are too narrow to hit by chance, so the faults are injected
at the exact moment: the k-th file-system call of a write raises, for every k.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import ROOT
from ria_docs import outputs
from ria_docs.exceptions import OutputError
from ria_docs.outputs import MERGE_OUTPUTS, OutputsLock, recover, write_outputs
from ria_docs.pipeline import merge_folder
from ria_docs.returns import issue_returns, return_file_name

OLD = {
    "ria-plan.docx": b"old plan", "regional-update.docx": b"old update", "plan.json": b"old json",
    "merge-report.md": b"old report", "tartan-rug.xlsx": b"old rug", "changes.docx": b"old changes",
    "ria-plan.pdf": b"old pdf",
}
NEW = {"ria-plan.docx": b"new plan", "regional-update.docx": b"new update", "plan.json": b"new json",
       "merge-report.md": b"new report"}
NEWER = {name: data.replace(b"new", b"newer") for name, data in NEW.items()}
MINE = {"notes.txt": b"the team's notes"}  # never written by ria-docs: always left alone
# Every call that changes the disk, in the order a write makes them.
PRIMITIVES = ("open", "write", "fsync", "replace", "rename", "unlink", "mkdir", "rmdir", "ftruncate")


@pytest.fixture(autouse=True)
def no_fsync(monkeypatch):
    """fsync matters only in a power cut, which no test here has: skipped, so hundreds of writes take a moment."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


def listing(folder):
    """Every entry of the folder, hidden ones too: files by content, folders as "<folder>"."""
    return {p.name: ("<folder>" if p.is_dir() and not p.is_symlink() else p.read_bytes()) for p in folder.iterdir()}


def old_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir(parents=True)
    for name, data in (OLD | MINE).items():
        (out / name).write_bytes(data)
    return out


class Killed(BaseException):
    """Stands for kill -9 or a power cut: nothing in ria-docs catches it, and nothing runs after it."""


class Faults:
    """Make the k-th call of the file-system primitives raise ``fault``; with ``dead``, every call after it too."""

    def __init__(self, monkeypatch, k, fault, *, names=PRIMITIVES, dead=False):
        self.k, self.fault, self.dead, self.calls, self.hit = k, fault, dead, 0, False
        for name in names:
            monkeypatch.setattr(os, name, self._wrap(getattr(os, name)))

    def _wrap(self, real):
        def call(*args, **kwargs):
            if self.hit and self.dead:
                raise Killed()
            self.calls += 1
            if self.calls == self.k:
                self.hit = True
                raise self.fault
            return real(*args, **kwargs)
        return call


def each_moment(tmp_path, monkeypatch, fault, **options):
    """Yield (folder, faults) once per k, until a write gets through without reaching the k-th call."""
    for k in range(1, 500):
        folder = old_folder(tmp_path / str(k))
        with monkeypatch.context() as patch:
            faults = Faults(patch, k, fault, **options)
            try:
                write_outputs(folder, NEW, replaces=MERGE_OUTPUTS)
            except BaseException as exc:  # noqa: BLE001 - the fault under test
                faults.raised = exc
            else:
                faults.raised = None
        if not faults.hit:
            assert listing(folder) == NEW | MINE
            assert k > 5  # the write really was interrupted at many moments
            return
        yield k, folder, faults
    raise AssertionError("a write that never finishes")


def test_a_write_replaces_the_whole_set_and_leaves_the_users_files(tmp_path):
    out = old_folder(tmp_path)
    (out / "preview").mkdir()
    written = write_outputs(out, NEW, replaces=MERGE_OUTPUTS)
    assert [p.name for p in written] == list(NEW)
    assert listing(out) == NEW | MINE | {"preview": "<folder>"}


@pytest.mark.parametrize("fault", [KeyboardInterrupt(), SystemExit(143), PermissionError(13, "Permission denied")],
                         ids=["ctrl-c", "sigterm", "os-error"])
def test_interrupted_at_any_moment_the_folder_holds_the_old_set_or_the_new(tmp_path, monkeypatch, fault):
    seen = set()
    for k, folder, faults in each_moment(tmp_path, monkeypatch, fault):
        after = {name: data for name, data in listing(folder).items() if not name.startswith(".ria-docs")}
        assert after in (OLD | MINE, NEW | MINE), k
        # Only an error while tidying up after the commit goes unreported: the new set is in place.
        assert faults.raised is not None or (isinstance(fault, OSError) and after == NEW | MINE), k
        seen.add("old" if after == OLD | MINE else "new")
        if isinstance(fault, OSError) and faults.raised is not None:
            assert isinstance(faults.raised, OutputError), k  # a plain message, never a traceback
            assert listing(folder) == after == OLD | MINE, k  # and tidied up at once
        # The next run finds nothing half-done and writes its own set whole.
        write_outputs(folder, NEWER, replaces=MERGE_OUTPUTS)
        assert listing(folder) == NEWER | MINE, k
    assert seen == {"old", "new"}  # interrupted at the commit too


def test_killed_at_any_moment_the_next_run_recovers(tmp_path, monkeypatch):
    seen = set()
    for k, folder, faults in each_moment(tmp_path, monkeypatch, Killed(), dead=True):
        assert isinstance(faults.raised, Killed)
        with OutputsLock(folder, wait=0):  # a killed run's lock file is taken over at once
            recover(folder)
            after = {n: d for n, d in listing(folder).items() if n != ".ria-docs.lock"}
        assert after in (OLD | MINE, NEW | MINE), k  # nothing hidden left behind either
        seen.add("old" if after == OLD | MINE else "new")
        write_outputs(folder, NEWER, replaces=MERGE_OUTPUTS, wait=0)
        assert listing(folder) == NEWER | MINE, k
    assert seen == {"old", "new"}


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_disk_changes_nothing_and_leaves_no_temporary_file(tmp_path, monkeypatch, error):
    moments = 0
    for k, folder, faults in each_moment(tmp_path, monkeypatch, OSError(error, os.strerror(error)),
                                         names=("write",)):
        moments += 1
        assert isinstance(faults.raised, OutputError), k
        assert str(faults.raised).startswith(f"{folder}: the disk is full")
        assert "Nothing was changed" in str(faults.raised)
        assert listing(folder) == OLD | MINE, k
    assert moments == len(NEW) + 2  # the lock's details, each file, the journal


def test_two_runs_at_once_leave_one_runs_complete_set(tmp_path, monkeypatch):
    out = old_folder(tmp_path)
    real_write = outputs._write_new

    def slow_write(path, data):  # widen the window in which two runs could interleave
        time.sleep(0.002)
        real_write(path, data)

    monkeypatch.setattr(outputs, "_write_new", slow_write)
    sets = [{name: data + b" from run %d" % run for name, data in (NEW if run % 2 else OLD).items()}
            for run in range(6)]
    for _round in range(3):
        start = threading.Barrier(len(sets))
        errors = []

        def run(files):
            start.wait()
            try:
                write_outputs(out, files, replaces=MERGE_OUTPUTS)
            except BaseException as exc:  # pragma: no cover - shown by the assert below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(files,)) for files in sets]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert listing(out) in [files | MINE for files in sets]


def test_two_runs_at_once_without_flock(tmp_path, monkeypatch):
    monkeypatch.setattr(outputs, "fcntl", None)  # as on Windows: the lock is an exclusively created file
    test_two_runs_at_once_leave_one_runs_complete_set(tmp_path, monkeypatch)


def test_returns_on_a_full_disk_keep_the_workbooks_that_were_there(tmp_path, monkeypatch):
    out = tmp_path / "returns"
    names = ["CSE Leads", "Regional Adoption"]
    issue_returns(ROOT / "inputs", out, networks=names)
    good = listing(out)
    assert sorted(good) == sorted(return_file_name(n, "December 2019") for n in names)
    for name in good:
        (out / name).write_bytes(b"a chair's copy of " + name.encode())  # --force must not destroy these
    before = listing(out)
    for k in range(1, 500):
        with monkeypatch.context() as patch:
            faults = Faults(patch, k, OSError(errno.ENOSPC, "No space left on device"), names=("write",))
            try:
                issue_returns(ROOT / "inputs", out, networks=names, force=True)
            except OutputError as exc:
                assert "the disk is full" in str(exc)
        if not faults.hit:
            break
        assert listing(out) == before, k  # none replaced, no truncated workbook, no temporary file
    assert listing(out) == good  # the batch got through whole once the disk had room
    assert k > 4


def test_interrupted_returns_batch_is_all_or_nothing(tmp_path, monkeypatch):
    out = tmp_path / "returns"
    names = ["CSE Leads", "Regional Adoption", "Participation Leads"]
    issue_returns(ROOT / "inputs", out, networks=names[:1])
    old = listing(out)
    new = None
    for k in range(1, 500):
        with monkeypatch.context() as patch:
            faults = Faults(patch, k, KeyboardInterrupt(), names=("replace",))
            try:
                issue_returns(ROOT / "inputs", out, networks=names, force=True)
            except KeyboardInterrupt:
                pass
        if not faults.hit:
            new = listing(out)
            break
        assert listing(out) == old, k
    assert len(new) == 3


# --- a real process, really interrupted ---------------------------------------------------------

# The merge with each rename slowed, and a line on stderr when the swap starts, so a signal lands in it.
SLOW_MERGE = """
import os, sys, time
real = os.replace
def slow(source, target):
    if not getattr(slow, "told", False):
        slow.told = True
        print("swapping", file=sys.stderr, flush=True)
    time.sleep(0.03)
    real(source, target)
os.replace = slow
from ria_docs.cli import main
main(["merge", sys.argv[1], "-o", sys.argv[2]])
"""


@pytest.fixture(scope="module")
def example_merge(tmp_path_factory):
    """The outputs of an uninterrupted merge of the example, by file name."""
    out = tmp_path_factory.mktemp("reference") / "out"
    merge_folder(ROOT / "inputs", out, templates=ROOT / "templates")
    return listing(out)


def _consistent(out, new, *, killed=False):
    """The folder holds the old set or the new; after a kill, once the next run has recovered."""
    if not killed:
        managed = {name: data for name, data in listing(out).items() if not name.startswith(".ria-docs")}
        assert managed in (OLD | MINE, new | MINE)
    write_outputs(out, {}, replaces=(), wait=0)  # a next run: recovers, then writes nothing
    assert listing(out) in (OLD | MINE, new | MINE)  # nothing hidden left either
    return "old" if listing(out) == OLD | MINE else "new"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_merge_signalled_while_it_swaps_the_outputs(tmp_path, example_merge):
    moments = [(signal.SIGINT, 0.0), (signal.SIGTERM, 0.05), (signal.SIGKILL, 0.1), (signal.SIGINT, 0.2)]
    for index, (signum, delay) in enumerate(moments):
        out = old_folder(tmp_path / str(index))
        process = subprocess.Popen([sys.executable, "-c", SLOW_MERGE, str(ROOT / "inputs"), str(out)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        try:
            assert process.stderr.readline() == b"swapping\n"
            time.sleep(delay)
            process.send_signal(signum)
            process.wait(timeout=60)
        finally:
            process.kill()
            process.wait()
        assert process.returncode != 0  # stopped before it finished
        _consistent(out, example_merge, killed=signum == signal.SIGKILL)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_at_points_in_time_during_a_merge(tmp_path, example_merge):
    for index, delay in enumerate((0.8, 1.2)):
        out = old_folder(tmp_path / str(index))
        process = subprocess.Popen([sys.executable, "-m", "ria_docs", "merge", str(ROOT / "inputs"), "-o", str(out)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        try:
            time.sleep(delay)
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
        finally:
            process.kill()
            process.wait()
        _consistent(out, example_merge)
