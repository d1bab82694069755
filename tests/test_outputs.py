"""ria_docs.outputs: outputs written whole or not at all, which files a run replaces, the lock,
links, and where outputs may not go."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT

from ria_docs import outputs
from ria_docs.cli import main
from ria_docs.exceptions import OutputError
from ria_docs.outputs import LOCK_NAME, MERGE_OUTPUTS, RENDER_OUTPUTS, OutputsLock, write_outputs
from ria_docs.pipeline import merge_folder, render_plan_file
from ria_docs.returns import issue_returns

MINE = {"notes.txt": b"the team's notes", "ria-plan (edited).docx": b"a copy the team keeps"}


def listing(folder):
    return {p.name: ("<folder>" if p.is_dir() and not p.is_symlink() else p.read_bytes()) for p in folder.iterdir()}


def folder_with(tmp_path, files):
    out = tmp_path / "out"
    out.mkdir()
    for name, data in files.items():
        (out / name).write_bytes(data)
    return out


# -- written whole or not at all --------------------------------------------------------------------

NEW = {"a.docx": b"new a", "b.docx": b"new b", "c.json": b"new c"}


def contents(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_all_files_are_written_and_no_temporary_files_remain(tmp_path):
    written = write_outputs(tmp_path / "out", NEW)
    assert [p.name for p in written] == ["a.docx", "b.docx", "c.json"]
    assert contents(tmp_path / "out") == NEW


def test_a_rename_that_fails_halfway_puts_the_old_outputs_back(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    old = {"a.docx": b"old a", "b.docx": b"old b", "notes.txt": b"mine"}
    for name, data in old.items():
        (out / name).write_bytes(data)
    real_replace = os.replace

    def fail_on_b(source, target):
        if str(target).endswith("b.docx") and ".new." in str(source):
            raise PermissionError(13, "Permission denied")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", fail_on_b)
    with pytest.raises(OutputError, match=r"b.docx: cannot be written \(Permission denied\). Nothing was changed."):
        write_outputs(out, NEW)
    assert contents(out) == old


def test_an_output_that_cannot_be_moved_aside_is_named(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.docx").write_bytes(b"open in Word")
    real_replace = os.replace

    def locked(source, target):
        if str(source).endswith("a.docx"):
            raise PermissionError(13, "Permission denied")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputError, match=r"a.docx: cannot be replaced \(Permission denied\); is it open in Word"):
        write_outputs(out, NEW)
    assert contents(out) == {"a.docx": b"open in Word"}


@pytest.fixture(params=["flock", "exclusive-file"])
def lock_kind(request, monkeypatch):
    """Every lock test runs with flock (Linux, macOS) and with the O_EXCL file (Windows, shares without flock)."""
    if request.param == "exclusive-file":
        monkeypatch.setattr(outputs, "fcntl", None)
    return request.param


def test_the_managed_names_are_the_documents_their_pdfs_the_plan_the_report_and_the_rug():
    assert MERGE_OUTPUTS == {
        "ria-plan.docx", "regional-update.docx", "changes.docx", "ria-plan.pdf", "regional-update.pdf",
        "changes.pdf", "plan.json", "merge-report.md", "tartan-rug.xlsx", "report.html"}
    assert RENDER_OUTPUTS == {"ria-plan.docx", "regional-update.docx", "ria-plan.pdf", "regional-update.pdf"}


def test_a_merge_removes_the_outputs_of_an_earlier_merge_it_does_not_write(tmp_path):
    earlier = {name: b"earlier " + name.encode() for name in MERGE_OUTPUTS}
    out = folder_with(tmp_path, earlier | MINE)
    (out / "preview").mkdir()
    (out / "preview" / "ria-plan-1.png").write_bytes(b"png")
    result = merge_folder(ROOT / "inputs", out, templates=ROOT / "templates")
    written = {p.name for p in result.written}
    assert written == {"ria-plan.docx", "regional-update.docx", "plan.json", "merge-report.md", "tartan-rug.xlsx",
                       "report.html"}
    after = listing(out)
    assert set(after) == written | set(MINE) | {"preview"}  # no changes.docx, no PDF of an earlier round
    assert all(after[name] != earlier[name] for name in written)
    assert {name: after[name] for name in MINE} == MINE
    assert listing(out / "preview") == {"ria-plan-1.png": b"png"}


def test_a_folder_at_a_name_the_merge_does_not_write_is_left_alone(tmp_path):
    out = folder_with(tmp_path, {})
    (out / "changes.docx").mkdir()
    write_outputs(out, {"plan.json": b"{}"}, replaces=MERGE_OUTPUTS)
    assert listing(out) == {"changes.docx": "<folder>", "plan.json": b"{}"}


def test_render_replaces_the_documents_and_their_pdfs_and_keeps_what_the_merge_wrote(tmp_path):
    out = tmp_path / "out"
    merge_folder(ROOT / "inputs", out, templates=ROOT / "templates")
    merged = listing(out)
    (out / "ria-plan.pdf").write_bytes(b"a pdf of the documents before the template edit")
    (out / "changes.docx").write_bytes(b"the merge's changes")
    render_plan_file(out / "plan.json", out, templates=ROOT / "templates")
    assert listing(out) == merged | {"changes.docx": b"the merge's changes"}  # the stale PDF is gone


def test_a_link_planted_at_an_output_name_is_replaced_not_written_through(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"someone else's file")
    out = folder_with(tmp_path, {})
    for name in ("plan.json", "tartan-rug.xlsx", ".plan.json.new.1234.tmp", ".ria-plan.docx.old.99.tmp",
                 ".ria-docs.journal"):
        (out / name).symlink_to(victim)
    write_outputs(out, {"plan.json": b"new"}, replaces=MERGE_OUTPUTS)
    assert victim.read_bytes() == b"someone else's file"
    assert listing(out) == {"plan.json": b"new"}
    assert not (out / "plan.json").is_symlink()


def test_staging_names_are_not_predictable(tmp_path, monkeypatch):
    out = folder_with(tmp_path, {})
    seen = []
    real = outputs._write_new
    monkeypatch.setattr(outputs, "_write_new", lambda path, data: (seen.append(path), real(path, data)))
    for _ in range(2):
        write_outputs(out, {"plan.json": b"{}"})
    assert len({p.parent.name for p in seen}) == 2
    assert all(p.parent.name.startswith(".ria-docs.new.") and p.parent.parent == out for p in seen)


def test_a_link_planted_at_the_lock_is_refused(tmp_path, lock_kind):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"someone else's file")
    out = folder_with(tmp_path, {"plan.json": b"old"})
    (out / LOCK_NAME).symlink_to(victim)
    with pytest.raises(OutputError, match=r"\.ria-docs\.lock: is a link, where ria-docs keeps its lock. Delete it"
                       if lock_kind == "flock" else r"another ria-docs run is writing to"):
        write_outputs(out, {"plan.json": b"new"}, wait=0.1)
    assert victim.read_bytes() == b"someone else's file"
    assert (out / "plan.json").read_bytes() == b"old"


def test_a_second_run_waits_then_says_what_to_do(tmp_path, lock_kind):
    out = folder_with(tmp_path, {"plan.json": b"old"})
    with OutputsLock(out):
        with pytest.raises(OutputError) as caught:
            write_outputs(out, {"plan.json": b"new"}, wait=0.2)
    message = str(caught.value)
    assert message.startswith(f"another ria-docs run (process {os.getpid()} on {socket.gethostname()}, since ")
    assert message.endswith(f"is writing to {out}; wait for it to finish, or if none is running delete "
                            f"{out / LOCK_NAME} and run the command again.")
    assert listing(out) == {"plan.json": b"old"}  # the lock is gone with its run, nothing written
    write_outputs(out, {"plan.json": b"new"}, wait=0)
    assert listing(out) == {"plan.json": b"new"}


def test_the_lock_of_a_process_that_died_is_taken_over(tmp_path, lock_kind):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    out = folder_with(tmp_path, {LOCK_NAME: f"pid={dead.stdout.strip()}\nhost={socket.gethostname()}\n".encode()})
    write_outputs(out, {"plan.json": b"new"}, wait=0)
    assert listing(out) == {"plan.json": b"new"}


def test_the_lock_of_a_live_process_on_another_computer_is_respected(tmp_path, monkeypatch):
    monkeypatch.setattr(outputs, "fcntl", None)
    out = folder_with(tmp_path, {LOCK_NAME: f"pid={os.getpid()}\nhost=another-pc\nsince=09:00\n".encode()})
    with pytest.raises(OutputError, match=r"another ria-docs run \(process \d+ on another-pc, since 09:00\)"):
        write_outputs(out, {"plan.json": b"new"}, wait=0.1)
    assert set(listing(out)) == {LOCK_NAME}


def test_a_killed_runs_journal_is_rolled_back_by_the_next_run(tmp_path):
    out = folder_with(tmp_path, {"plan.json": b"new json", "notes.txt": b"mine"})
    staging, backup = out / ".ria-docs.new.abc", out / ".ria-docs.old.def"
    staging.mkdir()
    backup.mkdir()
    (staging / "ria-plan.docx").write_bytes(b"new plan")  # not renamed in yet
    (backup / "plan.json").write_bytes(b"old json")
    (backup / "tartan-rug.xlsx").write_bytes(b"old rug")
    (out / ".ria-docs.journal").write_text(json.dumps({
        "staging": staging.name, "backup": backup.name, "new": ["plan.json", "ria-plan.docx"],
        "old": ["plan.json", "tartan-rug.xlsx"]}))
    write_outputs(out, {}, wait=0)
    assert listing(out) == {"plan.json": b"old json", "tartan-rug.xlsx": b"old rug", "notes.txt": b"mine"}


def test_a_journal_that_cannot_be_read_stops_the_run_with_what_to_do(tmp_path):
    out = folder_with(tmp_path, {".ria-docs.journal": b'{"staging": "../../etc"}', "plan.json": b"old"})
    with pytest.raises(OutputError, match=r"\.ria-docs\.journal: a run was interrupted, and its record of what to "
                                          r"put back cannot be read"):
        write_outputs(out, {"plan.json": b"new"}, wait=0)
    assert (out / "plan.json").read_bytes() == b"old"


def test_temporary_files_of_an_older_ria_docs_are_cleared_and_a_moved_aside_output_put_back(tmp_path):
    out = folder_with(tmp_path, {".ria-plan.docx.old.4242.tmp": b"old plan", ".plan.json.new.4242.tmp": b"half",
                                 "plan.json": b"old json", ".hidden-by-the-user": b"mine"})
    write_outputs(out, {"merge-report.md": b"report"}, wait=0)
    assert listing(out) == {"ria-plan.docx": b"old plan", "plan.json": b"old json", ".hidden-by-the-user": b"mine",
                            "merge-report.md": b"report"}


# --- where outputs may go ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    out = tmp_path_factory.mktemp("merged") / "outputs"
    merge_folder(ROOT / "inputs", out, templates=ROOT / "templates")
    return out


@pytest.fixture
def team(tmp_path, monkeypatch, merged):
    """A working folder as a team keeps it: inputs/, templates/ (the team's edited copies), outputs/."""
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(merged, tmp_path / "outputs")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def unchanged(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command", [
    ["render", "outputs/plan.json", "-o", "templates"],
    ["render", "outputs/plan.json", "-o", "templates/../templates"],
    ["render", "outputs/plan.json", "-o", "tpl", "--templates", "tpl"],
    ["render", "outputs/plan.json", "-o", "link-to-templates"],
    ["merge", "inputs", "-o", "templates"],
    ["returns", "inputs", "-o", "templates"],
])
def test_outputs_into_the_templates_folder_are_refused(team, command):
    (team / "tpl").symlink_to(team / "templates")
    (team / "link-to-templates").symlink_to(team / "templates")
    before = unchanged(team)
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1
    folder = command[command.index("-o") + 1]
    assert result.stderr == (f"Error: {folder}: is the templates folder: ria-docs would overwrite the team's "
                             "templates there. Choose another folder with -o.\n")
    assert unchanged(team) == before


def test_outputs_inside_the_templates_folder_are_refused(team):
    before = unchanged(team)
    result = CliRunner().invoke(main, ["render", "outputs/plan.json", "-o", "templates/out"])
    assert result.exit_code == 1
    assert result.stderr == ("Error: templates/out: is inside the templates folder templates: ria-docs would write "
                             "among the team's templates. Choose another folder with -o.\n")
    assert unchanged(team) == before and not (team / "templates" / "out").exists()


@pytest.mark.parametrize("folder", ["inputs", "inputs/", "./inputs", "link-to-inputs"])
def test_a_merge_into_its_inputs_folder_is_refused(team, folder):
    (team / "link-to-inputs").symlink_to(team / "inputs")
    before = unchanged(team)
    result = CliRunner().invoke(main, ["merge", "inputs", "-o", folder])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {folder.rstrip('/') if folder != './inputs' else 'inputs'}: "
                                    "is the inputs folder, where the returns and region.toml are")
    assert result.stderr.endswith("Choose another folder with -o, such as -o outputs.\n")
    assert unchanged(team) == before


def test_outputs_beside_the_templates_and_inside_the_inputs_are_fine(team):
    merge_folder(team / "inputs", team / "inputs" / "outputs")
    render_plan_file(team / "outputs" / "plan.json", team / "rendered")
    issue_returns(team / "inputs", team / "returns-to-send", networks=["CSE Leads"])
    assert (team / "rendered" / "ria-plan.docx").is_file()


# --- settled(): held once, re-entered freely -------------------------------------------------------


def test_write_outputs_inside_settled_does_not_wait_for_its_own_lock(tmp_path, lock_kind):
    out = tmp_path / "out"
    with outputs.settled(out, create=True, wait=0):
        assert outputs.holds(out) and (out / LOCK_NAME).exists()
        write_outputs(out, {"plan.json": b"{}"}, wait=0)  # would wait for itself with a second flock
        with pytest.raises(OutputError, match="another ria-docs run"):
            with OutputsLock(out, wait=0):  # anyone else waits
                pass
    assert not outputs.holds(out) and listing(out) == {"plan.json": b"{}"}


def test_a_folder_settled_for_a_run_that_wrote_nothing_is_not_left_behind(tmp_path):
    with outputs.settled(tmp_path / "new" / "out", create=True):
        pass
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() == 0, reason="needs a folder the user cannot write")
def test_a_plan_json_in_a_folder_nobody_may_write_is_still_read(tmp_path, merged):
    shared = tmp_path / "shared"
    shutil.copytree(merged, shared)
    shared.chmod(0o555)
    try:
        from ria_docs.pipeline import load_plan

        assert load_plan(shared / "plan.json").region.region
        # With a run interrupted there, it says who can put things back rather than read a half-new set.
        shared.chmod(0o755)
        (shared / outputs.JOURNAL_NAME).write_text("{}")
        shared.chmod(0o555)
        with pytest.raises(OutputError, match="cannot write to this folder"):
            load_plan(shared / "plan.json")
    finally:
        shared.chmod(0o755)


# --- preview ---------------------------------------------------------------------------------------


@pytest.fixture
def previewable(tmp_path, monkeypatch):
    """An outputs folder with a document; LibreOffice and pdftoppm seen as installed (never reached)."""
    from ria_docs import pdf

    out = folder_with(tmp_path, {"ria-plan.docx": b"a document"})
    monkeypatch.setattr(pdf.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(pdf, "to_pdf", lambda documents: pytest.fail("converted before checking preview/"))
    return out


def test_preview_refuses_a_link_at_outputs_preview(previewable, tmp_path):
    from ria_docs import pdf

    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "ria-plan-1.png").write_bytes(b"precious")
    (previewable / "preview").symlink_to(victim)
    with pytest.raises(OutputError, match="preview: is a link.*Delete the link"):
        pdf.preview(previewable)
    assert listing(victim) == {"ria-plan-1.png": b"precious"}


def test_preview_refuses_a_file_at_outputs_preview(previewable):
    from ria_docs import pdf

    (previewable / "preview").write_bytes(b"notes")
    with pytest.raises(OutputError, match="preview: is a file"):
        pdf.preview(previewable)
    assert (previewable / "preview").read_bytes() == b"notes"


def test_stale_pdf_folders_a_killed_run_left_go_a_day_later(tmp_path, monkeypatch):
    import tempfile
    import time

    from ria_docs import pdf

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old, fresh, other = tmp_path / "ria-docs-pdf-old", tmp_path / "ria-docs-pdf-fresh", tmp_path / "someone-else"
    for folder in (old, fresh, other):
        (folder / "profile").mkdir(parents=True)
    two_days_ago = time.time() - 2 * 86400
    for folder in (old, other):
        os.utime(folder, (two_days_ago, two_days_ago))
    pdf.remove_stale_temporary_folders()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ria-docs-pdf-fresh", "someone-else"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_planted_at_the_journal_is_refused_not_waited_on(tmp_path):
    out = folder_with(tmp_path, {"plan.json": b"{}", "merge-report.md": b"old"})
    os.mkfifo(out / outputs.JOURNAL_NAME)
    with pytest.raises(OutputError, match="its record of what to put back cannot be read"):
        write_outputs(out, {"plan.json": b"new"}, wait=1)  # returns at once: nothing opens the pipe


def test_one_folder_by_two_spellings_is_one_folder_to_the_lock(tmp_path):
    """A link (as a bind mount or another case on macOS) to the outputs folder: held once, not waited on."""
    out = folder_with(tmp_path, {"plan.json": b"{}"})
    alias = tmp_path / "alias"
    alias.symlink_to(out, target_is_directory=True)
    with outputs.settled(out):
        assert outputs.holds(alias)
        write_outputs(alias, {"plan.json": b"new"}, wait=0.5)  # would wait for itself, then fail, if two locks
    assert (out / "plan.json").read_bytes() == b"new"
