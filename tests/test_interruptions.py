"""Whatever stops a run, the outputs folder holds the complete old set or the complete new set.

The real windows are too narrow to hit by chance, so the faults are injected
at the exact moment: the k-th file-system call of a write raises, for every k.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT

from ria_docs import outputs, pdf
from ria_docs.exceptions import OutputError, ToolMissing
from ria_docs.outputs import MERGE_OUTPUTS, OutputsLock, recover, write_outputs
from ria_docs.pipeline import check_folder, load_plan, merge_folder, render_plan_file
from ria_docs.plan_file import read_plan
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

        def run(files, start=start, errors=errors):  # this round's barrier and list
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


# --- every command settles a folder before it reads there ------------------------------------------



def kill_when(patch, moment):
    """Stands for kill -9 just after the rename ``moment(source, target)`` picks: nothing runs after it."""
    state = {"dead": False}

    def wrap(name, real):
        def call(*args, **kwargs):
            if state["dead"]:
                raise Killed()
            result = real(*args, **kwargs)
            if name == "replace" and moment(str(args[0]), str(args[1])):
                state["dead"] = True
                raise Killed()
            return result
        return call

    for name in PRIMITIVES:
        patch.setattr(os, name, wrap(name, getattr(os, name)))


def newer_round(plan_bytes: bytes) -> bytes:
    """Another round's plan.json: the same plan, another period."""
    data = json.loads(plan_bytes)
    data["region"]["period"] = "March 2020"
    return json.dumps(data).encode("utf-8")



@pytest.fixture
def killed_merge(tmp_path, monkeypatch, example_merge):
    """An outputs folder whose second merge was killed just after its plan.json went in (the rest still old)."""
    out = tmp_path / "outputs"
    out.mkdir()
    for name, data in example_merge.items():
        (out / name).write_bytes(data)
    new = {"plan.json": newer_round(example_merge["plan.json"]), "ria-plan.docx": b"new plan",
           "regional-update.docx": b"new update", "merge-report.md": b"new report"}
    with monkeypatch.context() as patch:
        kill_when(patch, lambda source, target: target == str(out / "plan.json"))
        with pytest.raises(Killed):
            write_outputs(out, new, replaces=MERGE_OUTPUTS)
    assert (out / "plan.json").read_bytes() == new["plan.json"]  # the half-new folder a next command finds
    assert (out / outputs.JOURNAL_NAME).exists()
    return out


def test_a_plan_json_is_read_only_after_its_folder_is_recovered(killed_merge, example_merge):
    plan = load_plan(killed_merge / "plan.json")
    assert plan.region.period == read_plan_bytes(example_merge["plan.json"]).region.period
    assert listing(killed_merge) == example_merge  # the old set, nothing hidden left


def read_plan_bytes(data):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "plan.json").write_bytes(data)
        return read_plan(Path(folder) / "plan.json")


def test_render_after_a_killed_merge_renders_the_plan_that_stays(killed_merge, example_merge):
    render_plan_file(killed_merge / "plan.json", killed_merge, templates=ROOT / "templates")
    assert listing(killed_merge) == example_merge  # never the killed run's plan in this round's documents


def test_check_with_a_baseline_there_and_a_merge_that_stops_on_errors_recover_first(tmp_path, killed_merge,
                                                                                      example_merge):
    result = check_folder(ROOT / "inputs", baseline=killed_merge / "plan.json")
    assert result.baseline.region.period == "December 2019"
    assert listing(killed_merge) == example_merge
    # Killed again, then a merge that writes nothing (a return with an error) still puts the old set back.
    inputs = tmp_path / "inputs"
    shutil.copytree(ROOT / "inputs", inputs)
    (inputs / "returns" / "broken.xlsx").write_bytes(b"")
    with pytest.MonkeyPatch.context() as patch:
        kill_when(patch, lambda source, target: target == str(killed_merge / "plan.json"))
        with pytest.raises(Killed):
            write_outputs(killed_merge, {"plan.json": b"{}", "ria-plan.docx": b"x"}, replaces=MERGE_OUTPUTS)
    result = merge_folder(inputs, killed_merge, templates=ROOT / "templates")
    assert not result.written and result.check.report.errors
    assert listing(killed_merge) == example_merge


def test_returns_after_a_killed_force_still_refuse_to_replace_without_force(tmp_path, monkeypatch):
    out = tmp_path / "returns"
    name = return_file_name("Commissioning Leads", "December 2019")
    issue_returns(ROOT / "inputs", out, networks=["Commissioning Leads"])
    (out / name).write_bytes(b"the copy sent to the chair")
    with monkeypatch.context() as patch:  # killed after the old workbook was moved aside
        kill_when(patch, lambda source, target: outputs.BACKUP_PREFIX in target)
        with pytest.raises(Killed):
            issue_returns(ROOT / "inputs", out, networks=["Commissioning Leads"], force=True)
    assert not (out / name).exists()
    with pytest.raises(OutputError, match="already exist"):
        issue_returns(ROOT / "inputs", out, networks=["Commissioning Leads"])
    assert listing(out) == {name: b"the copy sent to the chair"}


def test_two_returns_runs_at_once_without_force_one_writes_the_other_refuses(tmp_path, monkeypatch):
    out = tmp_path / "returns"
    real_write = outputs._write_new

    def slow_write(path, data):
        time.sleep(0.05)
        real_write(path, data)

    monkeypatch.setattr(outputs, "_write_new", slow_write)
    start, results = threading.Barrier(2), []

    def run():
        start.wait()
        try:
            results.append(len(issue_returns(ROOT / "inputs", out, networks=["CSE Leads", "Commissioning Leads"]).written))
        except OutputError as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str)[0] == 2
    assert "already exist" in sorted(results, key=str)[1]


def test_a_merge_while_render_runs_waits_for_it(tmp_path, monkeypatch, example_merge):
    """render holds the folder from reading plan.json to writing: a merge then writes its whole set after it."""
    import ria_docs.pipeline as pipeline

    out = tmp_path / "outputs"
    out.mkdir()
    for name, data in example_merge.items():
        (out / name).write_bytes(data)
    other = {"plan.json": b"other json", "ria-plan.docx": b"other plan", "regional-update.docx": b"other update",
             "merge-report.md": b"other report"}
    real_render, threads = pipeline.render_documents, []

    def render_documents(plan, templates=None, **options):
        thread = threading.Thread(target=write_outputs, args=(out, other), kwargs={"replaces": MERGE_OUTPUTS, "wait": 20})
        thread.start()
        threads.append(thread)
        time.sleep(0.3)  # the merge's write comes while render works
        return real_render(plan, templates)

    monkeypatch.setattr(pipeline, "render_documents", render_documents)
    render_plan_file(out / "plan.json", out, templates=ROOT / "templates")
    threads[0].join()
    assert listing(out) == other  # the merge's whole set, never its plan.json beside render's documents


# --- signals: held while the folder is half-swapped --------------------------------------------------

needs_sigmask = pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")


@needs_sigmask
def test_a_second_ctrl_c_during_the_roll_back_waits_until_the_old_set_is_back(tmp_path, monkeypatch):
    out = old_folder(tmp_path)
    real_replace = os.replace

    def replace(source, target, *args, **kwargs):
        if outputs.STAGING_PREFIX in str(source) and str(target) == str(out / "regional-update.docx"):
            raise PermissionError(errno.EACCES, "Permission denied")  # open in Word: the swap rolls back
        if outputs.BACKUP_PREFIX in str(source):  # ... and Ctrl-C is pressed during the roll-back
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        write_outputs(out, NEW, replaces=MERGE_OUTPUTS)
    assert listing(out) == OLD | MINE  # put back whole, then stopped


SIGNAL_MID_SWAP = """
import os, signal, sys
real = os.replace
def replace(source, target, *args, **kwargs):
    real(source, target, *args, **kwargs)
    target = str(target)
    if target.endswith("/ria-plan.docx") and ".ria-docs" not in target and not getattr(replace, "sent", False):
        replace.sent = True
        os.kill(os.getpid(), getattr(signal, sys.argv[3]))
os.replace = replace
from ria_docs.cli import main
main(["merge", sys.argv[1], "-o", sys.argv[2]])
"""


@needs_sigmask
@pytest.mark.parametrize("name, code", [("SIGHUP", 129), ("SIGTERM", 143), ("SIGINT", 1)])
def test_a_signal_mid_swap_is_taken_once_the_set_is_whole(tmp_path, example_merge, name, code):
    out = old_folder(tmp_path)
    process = subprocess.run([sys.executable, "-c", SIGNAL_MID_SWAP, str(ROOT / "inputs"), str(out), name],
                             capture_output=True, cwd=ROOT, timeout=120)
    assert process.returncode == code, process.stderr[-800:]
    assert listing(out) in (OLD | MINE, example_merge | MINE)  # whole, and nothing hidden left


# --- LibreOffice is stopped with ria-docs -------------------------------------------------------------

FAKE_SOFFICE = """#!/bin/sh
sleep 600 &
echo $! > "$RIA_TEST_PIDS/child"
echo $$ > "$RIA_TEST_PIDS/soffice"
wait
"""


def _fake_soffice(tmp_path):
    bin_dir, pids = tmp_path / "bin", tmp_path / "pids"
    bin_dir.mkdir()
    pids.mkdir()
    (bin_dir / "soffice").write_text(FAKE_SOFFICE)
    (bin_dir / "soffice").chmod(0o755)
    return bin_dir, pids


def _gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a zombie waiting for init to reap it is gone too
            if Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z":
                return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def _wait_for(path: Path, within: float = 120.0) -> int:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"{path} never appeared")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and process groups")
def test_sigterm_during_pdf_stops_libreoffice_and_removes_its_folder(tmp_path):
    bin_dir, pids = _fake_soffice(tmp_path)
    out, temp = old_folder(tmp_path), tmp_path / "tmp"
    temp.mkdir()
    env = os.environ | {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "TMPDIR": str(temp),
                        "RIA_TEST_PIDS": str(pids)}
    process = subprocess.Popen([sys.executable, "-m", "ria_docs", "merge", str(ROOT / "inputs"), "-o", str(out), "--pdf"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        child = _wait_for(pids / "child")
        soffice = _wait_for(pids / "soffice")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 143
    assert _gone(soffice) and _gone(child)  # nothing left running on its own
    assert not [p.name for p in temp.iterdir() if p.name.startswith("ria-docs-pdf-")]
    assert listing(out) == OLD | MINE


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups")
def test_libreoffice_that_takes_too_long_is_stopped_with_what_it_started(tmp_path, monkeypatch):
    bin_dir, pids = _fake_soffice(tmp_path)
    monkeypatch.setenv("RIA_TEST_PIDS", str(pids))
    with pytest.raises(ToolMissing, match="was stopped"):
        pdf.run_stoppable([str(bin_dir / "soffice")], timeout=1.0, timed_out="LibreOffice was stopped.")
    assert _gone(_wait_for(pids / "soffice", 1)) and _gone(_wait_for(pids / "child", 1))
