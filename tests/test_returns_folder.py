"""Every item in the returns folder is read or named (issue 11, family 3).

Links are followed (a shared or synced returns folder), each real folder once;
broken and looping links, pipes and sockets with a workbook's name, unreadable
entries, workbooks hidden from the reader and documents a return may have been
sent as are each named in the report; every return gets a unique label.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import about, messages

from ria_docs.cli import main
from ria_docs.pipeline import check_folder

needs_symlinks = pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")


def _check(cycle):
    result = check_folder(cycle)
    return result.report, result.outcome


@needs_symlinks
def test_a_linked_returns_folder_is_followed_and_read(cycle, add_return, tmp_path):
    shared = tmp_path / "shared-drive" / "returns"
    shared.mkdir(parents=True)
    add_return("commissioning.xlsx", about(), folder=shared)
    (cycle / "returns").symlink_to(shared, target_is_directory=True)
    report, outcome = _check(cycle)
    assert [(a.file, a.network, a.used) for a in outcome.returns] == [
        ("returns/commissioning.xlsx", "Commissioning Leads", True)]
    assert report.problems == []


@needs_symlinks
def test_a_link_back_to_a_folder_above_is_named_and_not_walked(cycle, add_return):
    (cycle / "returns").mkdir()
    add_return("returns/commissioning.xlsx", about())
    (cycle / "returns" / "up").symlink_to(cycle, target_is_directory=True)
    report, outcome = _check(cycle)
    assert [a.file for a in outcome.returns] == ["returns/commissioning.xlsx"]
    assert messages(report) == [
        "returns/up: warning: is a link back to a folder that holds it, so it is not followed (it would go round "
        "in a loop) (nothing to do, unless the link should point elsewhere)"
    ]


@needs_symlinks
def test_a_second_link_to_a_folder_is_not_read_twice(cycle, add_return, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    add_return("commissioning.xlsx", about(), folder=shared)
    (cycle / "a-returns").symlink_to(shared, target_is_directory=True)
    (cycle / "b-returns").symlink_to(shared, target_is_directory=True)
    report, outcome = _check(cycle)
    assert [a.file for a in outcome.returns] == ["a-returns/commissioning.xlsx"]
    assert messages(report) == [
        "b-returns: warning: is a folder that is read already (through a link), so it is not read twice "
        "(nothing to do, unless the link should point elsewhere)"
    ]


@needs_symlinks
def test_a_link_to_the_folder_above_the_inputs_does_not_read_the_inputs_twice(cycle, add_return):
    add_return("commissioning.xlsx", about())
    (cycle / "round").symlink_to(cycle.parent, target_is_directory=True)
    report, outcome = _check(cycle)
    assert [a.file for a in outcome.returns] == ["commissioning.xlsx"]
    assert [p.file for p in report.problems] == ["round"]


@needs_symlinks
def test_broken_and_looping_links_are_errors(cycle, add_return, tmp_path):
    add_return("commissioning.xlsx", about())
    (cycle / "adoption.xlsx").symlink_to(tmp_path / "unplugged" / "adoption.xlsx")
    (cycle / "returns").symlink_to(tmp_path / "unplugged" / "returns", target_is_directory=True)
    (cycle / "loop.xlsx").symlink_to(cycle / "loop.xlsx")
    (cycle / "old-notes.txt").symlink_to(tmp_path / "unplugged" / "notes.txt")  # a note: a warning is enough
    report, outcome = _check(cycle)
    unplugged = tmp_path / "unplugged"
    assert [(p.severity.value, p.file) for p in report.problems] == [
        ("error", "adoption.xlsx"), ("error", "loop.xlsx"), ("warning", "old-notes.txt"), ("error", "returns")]
    by_file = {p.file: p.format() for p in report.problems}
    assert by_file["adoption.xlsx"] == (
        f"adoption.xlsx: error: is a link to {unplugged / 'adoption.xlsx'}, which cannot be found (a shared drive "
        "not connected?), so it cannot be read (connect the drive it points to, or replace the link with the file "
        "or folder itself)"
    )
    assert by_file["loop.xlsx"].startswith(f"loop.xlsx: error: is a link that leads round in a loop ({cycle / 'loop.xlsx'})")
    assert by_file["returns"].startswith(f"returns: error: is a link to {unplugged / 'returns'}, which cannot be found")
    assert [a.file for a in outcome.returns] == ["commissioning.xlsx"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_called_xlsx_is_named_and_never_opened(cycle, add_return):
    add_return("commissioning.xlsx", about())
    os.mkfifo(cycle / "adoption.xlsx")
    done = []
    worker = threading.Thread(target=lambda: done.append(_check(cycle)), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert done, "reading the folder blocked on the named pipe"
    assert messages(done[0][0]) == [
        "adoption.xlsx: error: is a named pipe (FIFO), not a file, so it cannot be read as a return "
        "(replace it with the return workbook itself)"
    ]
    assert [a.file for a in done[0][1].returns] == ["commissioning.xlsx"]


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets on this system")
def test_a_socket_called_xlsx_is_named(cycle, tmp_path, monkeypatch):
    monkeypatch.chdir(cycle)  # a short relative path: socket paths are limited to about 100 bytes
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind("returns.xlsx")
    except OSError:
        pytest.skip("cannot make a socket here")
    try:
        assert messages(_check(cycle)[0]) == [
            "returns.xlsx: error: is a socket, not a file, so it cannot be read as a return "
            "(replace it with the return workbook itself)"
        ]
    finally:
        server.close()


def test_an_entry_that_cannot_be_looked_at_is_an_error(cycle, add_return, monkeypatch):
    add_return("commissioning.xlsx", about())
    add_return("adoption.xlsx", about("2nd Tier Safeguarding Leads"))
    real_stat = os.stat

    def stat(path, *args, **kwargs):
        if os.fspath(path).endswith("adoption.xlsx"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    report, outcome = _check(cycle)
    assert messages(report) == [
        "adoption.xlsx: error: cannot be read (Permission denied) (check its permissions, or ask for it again)"]
    assert [a.file for a in outcome.returns] == ["commissioning.xlsx"]


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="permissions do not stop this user")
def test_a_file_without_read_permission_is_an_error(cycle, add_return):
    path = add_return("adoption.xlsx", about())
    path.chmod(0)
    try:
        assert [p.kind for p in _check(cycle)[0].problems] == ["unreadable-file"]
    finally:
        path.chmod(0o644)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="file names must be valid text on this system")
def test_two_names_that_are_not_valid_text_get_two_labels_and_are_both_read(cycle, add_return):
    first = add_return("first.xlsx", about())
    second = add_return("second.xlsx", about("2nd Tier Safeguarding Leads"))
    try:
        os.rename(first, os.fsencode(cycle) + b"/a-\xff.xlsx")
        os.rename(second, os.fsencode(cycle) + b"/a-\xfe.xlsx")
    except OSError:
        pytest.skip("this file system refuses names that are not valid text")
    report, outcome = _check(cycle)
    assert [(a.file, a.network, a.used) for a in outcome.returns] == [
        ("a-\\xfe.xlsx", "2nd Tier Safeguarding Leads", True), ("a-\\xff.xlsx", "Commissioning Leads", True)]
    assert report.problems == []
    result = CliRunner().invoke(main, ["check", str(cycle)])
    assert result.exit_code == 0 and "a-\\xff.xlsx (Commissioning Leads)" in result.stdout


def test_workbooks_in_hidden_folders_and_hidden_workbooks_are_named(cycle, add_return, tmp_path):
    outside = add_return("commissioning.xlsx", about())
    (cycle / ".old").mkdir()
    shutil.copy(outside, cycle / ".old" / "adoption.xlsx")
    (cycle / ".cache").mkdir()
    (cycle / ".cache" / "notes.txt").write_text("x", encoding="utf-8")  # no workbook: nothing to say
    shutil.copy(outside, cycle / ".vsh.xlsx")
    (cycle / "._commissioning.xlsx").write_bytes(b"\x00\x05\x16\x07" + b"\x00" * 4000)  # macOS's shadow file
    report, outcome = _check(cycle)
    assert messages(report) == [
        ".old: warning: is a hidden folder (its name starts with a dot), so the 1 workbook(s) in it are not read: "
        ".old/adoption.xlsx (if it holds a return for this round, move it out of the hidden folder)",
        ".vsh.xlsx: warning: is a hidden file (its name starts with a dot), so it is not read "
        "(if it is a return, rename it without the leading dot and check again)",
    ]
    assert [a.file for a in outcome.returns] == ["commissioning.xlsx"]


def test_excel_lock_files_are_quiet_but_a_workbook_named_like_one_is_not(cycle, add_return):
    real = add_return("commissioning.xlsx", about())
    (cycle / "~$commissioning.xlsx").write_bytes(b"\x0bA Chair" + b" " * 157)  # Excel's 165-byte owner file
    shutil.copy(real, cycle / "~$adoption.xlsx")
    report, outcome = _check(cycle)
    assert messages(report) == [
        '~$adoption.xlsx: warning: starts with "~$" like the lock files Excel leaves while a workbook is open, '
        "so it is not read, but it is a workbook (if it is a return, rename it without the ~$ and check again)"
    ]


def test_documents_a_return_may_have_been_sent_as_are_named_and_notes_are_not(cycle, add_return):
    add_return("commissioning.xlsx", about())
    (cycle / "adoption return.docx").write_bytes(b"PK\x03\x04")
    (cycle / "vsh.pdf").write_bytes(b"%PDF-1.7")
    (cycle / "Re: return.msg").write_bytes(b"\xd0\xcf")
    for quiet in ("README.md", "notes.txt", "plan.json", "logo.png"):
        (cycle / quiet).write_text("x", encoding="utf-8")
    report, outcome = _check(cycle)
    assert [(p.severity.value, p.kind, p.file) for p in report.problems] == [
        ("warning", "not-a-return", "adoption return.docx"),
        ("warning", "not-a-return", "Re: return.msg"),
        ("warning", "not-a-return", "vsh.pdf"),
    ]
    assert report.problems[2].format() == (
        "vsh.pdf: warning: is a PDF (.pdf), not a return workbook, so it is not read "
        "(if a chair sent their return this way, ask for it in the return workbook)"
    )


def test_a_merge_with_a_broken_link_writes_nothing(cycle, add_return, tmp_path):
    if sys.platform == "win32":
        pytest.skip("symlinks need privileges on Windows")
    add_return("commissioning.xlsx", about())
    (cycle / "returns").symlink_to(tmp_path / "not-mounted", target_is_directory=True)
    result = CliRunner().invoke(main, ["merge", str(cycle), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "returns: error: is a link to" in result.stdout
    assert not (tmp_path / "out").exists()


# --- A folder a merge wrote, unreadable folders, workbooks not named as such, one file under two names,
# --- names that differ only in Unicode normalisation (issue 11, families 3 and 6; adversarial findings 1, 7, 8, 16, 17)


def test_workbooks_in_a_folder_a_merge_wrote_are_named_not_skipped_silently(cycle, add_return):
    add_return("commissioning.xlsx", about())
    late = cycle / "late"
    late.mkdir()
    add_return("late/adoption.xlsx", about("2nd Tier Safeguarding Leads"))
    for name in ("plan.json", "merge-report.md", "tartan-rug.xlsx", "ria-plan.docx"):
        (late / name).write_text("x", encoding="utf-8")  # what a merge writes: quiet
    report, outcome = _check(cycle)
    assert messages(report) == [
        "late/adoption.xlsx: error: is in late, a folder a merge wrote its outputs into (it holds plan.json and "
        "merge-report.md), so it is not read as a return (if it is a return, move it out of that folder (and write "
        "the outputs to a folder of their own, such as -o outputs); if not, move it out of the returns folder)"
    ]
    assert [a.file for a in outcome.returns] == ["commissioning.xlsx"]


def test_merge_refuses_an_outputs_folder_holding_returns(cycle, add_return, tmp_path):
    (cycle / "returns").mkdir()
    add_return("returns/commissioning.xlsx", about())
    out = cycle / "returns"
    result = CliRunner().invoke(main, ["merge", str(cycle), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {out}: holds 1 workbook(s) that ria-docs did not write (commissioning.xlsx): returns, by the look "
        "of it. Outputs written there would make every later check skip them as an outputs folder. Choose a folder "
        "of their own with -o, such as -o outputs.\n"
    )
    assert sorted(p.name for p in out.iterdir()) == ["commissioning.xlsx"]
    # A tartan rug ria-docs wrote is not a return: the same folder merged into again is fine.
    out2 = tmp_path / "out"
    out2.mkdir()
    (out2 / "tartan-rug.xlsx").write_bytes(b"PK")
    assert CliRunner().invoke(main, ["merge", str(cycle), "-o", str(out2)]).exit_code == 0


def _raise_for(monkeypatch, function_name, fragment, errno_value, message):
    real = getattr(os, function_name)

    def fake(path, *args, **kwargs):
        if fragment in os.fspath(path):
            raise OSError(errno_value, message, os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, function_name, fake)


@pytest.mark.parametrize("errno_value, message", [(13, "Permission denied"), (36, "File name too long")])
def test_a_folder_whose_contents_cannot_be_looked_at_is_named_not_a_traceback(
        cycle, add_return, monkeypatch, errno_value, message):
    add_return("commissioning.xlsx", about())
    (cycle / "locked").mkdir()
    add_return("locked/adoption.xlsx", about("2nd Tier Safeguarding Leads"))
    _raise_for(monkeypatch, "stat", "locked/", errno_value, message)  # as a folder of mode 0444, or a path too long
    _raise_for(monkeypatch, "scandir", "locked", errno_value, message)  # as mode 000
    report, outcome = _check(cycle)
    if errno_value == 13:
        assert messages(report) == [
            "locked: error: is a folder that cannot be read, so any returns in it are missed "
            "(check its permissions, or move the returns out of it)"]
    else:
        assert messages(report) == [
            "locked: error: is a folder whose path is too long to open (File name too long), so any returns in it "
            "are missed (move the returns to a folder nearer the top of the returns folder)"]
    assert [a.file for a in outcome.returns] == ["commissioning.xlsx"]
    result = CliRunner().invoke(main, ["status", str(cycle)])
    assert result.exit_code == 0 and "Traceback" not in result.output


def test_a_file_in_a_folder_that_can_be_listed_but_not_entered_is_named(cycle, add_return, monkeypatch):
    add_return("commissioning.xlsx", about())
    (cycle / "locked").mkdir()
    add_return("locked/adoption.xlsx", about("2nd Tier Safeguarding Leads"))
    _raise_for(monkeypatch, "stat", "locked/", 13, "Permission denied")  # mode 0444: listed, nothing opened
    assert messages(_check(cycle)[0]) == [
        "locked/adoption.xlsx: error: cannot be read (Permission denied) (check its permissions, or ask for it again)"]


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root to run the check as another user")
@pytest.mark.parametrize("mode", [0o000, 0o444])
def test_an_unreadable_folder_as_another_user_is_named_not_a_traceback(cycle, add_return, tmp_path, mode):
    import subprocess
    import tempfile

    as_nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable]
    probe = subprocess.run([*as_nobody, "-c", "import ria_docs"], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "HOME": "/tmp"})
    if probe.returncode != 0:  # a checkout in a private folder (mktemp -d makes them 0700)
        last = (probe.stderr.strip().splitlines() or ["no message"])[-1]
        pytest.skip(f"the other user cannot run ria-docs from this checkout ({last})")
    add_return("commissioning.xlsx", about())
    (cycle / "locked").mkdir()
    add_return("locked/adoption.xlsx", about("2nd Tier Safeguarding Leads"))
    shared = tempfile.mkdtemp(prefix="ria-docs-test-", dir="/tmp")  # a folder the other user can reach
    os.chmod(shared, 0o755)
    cycle = Path(shutil.copytree(cycle, os.path.join(shared, "inputs")))
    for path in [cycle, *cycle.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    (cycle / "locked").chmod(mode)
    try:
        command = [*as_nobody, "-m", "ria_docs", "check", str(cycle)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": "/tmp"})
    finally:
        (cycle / "locked").chmod(0o755)
        shutil.rmtree(shared, ignore_errors=True)
    if "Permission denied" in result.stderr and "ria_docs" not in result.stderr and result.returncode != 1:
        pytest.skip("the other user cannot reach this folder at all")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    assert ("locked: error: is a folder that cannot be read" in result.stdout
            or "locked/adoption.xlsx: error: cannot be read (Permission denied)" in result.stdout), result.stdout


def test_a_path_too_long_to_open_is_named_not_a_traceback(cycle, add_return):
    if sys.platform == "win32":
        pytest.skip("long paths work differently on Windows")
    add_return("commissioning.xlsx", about())
    fd = os.open(cycle, os.O_RDONLY)
    try:
        for _ in range(20):  # past PATH_MAX (4096), as on a deep synced drive
            os.mkdir("D" * 250, dir_fd=fd)
            deeper = os.open("D" * 250, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = deeper
        late = os.open("late.xlsx", os.O_WRONLY | os.O_CREAT, dir_fd=fd)
        os.write(late, b"PK\x03\x04")
        os.close(late)
    finally:
        os.close(fd)
    report, outcome = _check(cycle)
    assert [(p.kind, p.severity.value) for p in report.problems] == [("unreadable-folder", "error")]
    assert report.problems[0].message == (
        "is a folder whose path is too long to open (File name too long), so any returns in it are missed")
    for command in ("check", "status"):
        result = CliRunner().invoke(main, [command, str(cycle)])
        assert "Traceback" not in result.output and not isinstance(result.exception, OSError), result.output


def test_workbooks_without_a_workbook_name_are_read_or_named(cycle, add_return, tmp_path):
    from openpyxl import load_workbook

    add_return("safeguarding.xlsx", about("2nd Tier Safeguarding Leads"))
    source = add_return("source.xlsx", about(), folder=tmp_path)
    data = source.read_bytes()
    (cycle / "Commissioning Leads").write_bytes(data)  # saved from Mac Mail without its suffix
    (cycle / "commissioning.xlsx.download").write_bytes(data)
    (cycle / "cse.xlsx").mkdir()
    (cycle / "cse.xlsx" / "x").write_bytes(data)
    (cycle / "old.xls.bak").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 600)
    (cycle / "README").write_text("not a workbook", encoding="utf-8")
    (cycle / "slides.key").write_bytes(b"PK\x03\x04 not a zip at all")  # a damaged zip: may be a workbook
    template = load_workbook(source)
    template.template = True
    template.save(tmp_path / "vsh.xltx")
    edited = load_workbook(tmp_path / "vsh.xltx")
    edited["About"]["B1"] = "Virtual School Heads"
    edited.template = True
    edited.save(cycle / "vsh.xltx")  # an Excel template: read as a workbook
    (cycle / "late.XLSX ").write_bytes(data)  # a trailing space: read
    report, outcome = _check(cycle)
    assert [(a.file, a.network, a.used) for a in outcome.returns] == [
        ("late.XLSX ", "Commissioning Leads", True), ("safeguarding.xlsx", "2nd Tier Safeguarding Leads", True),
        ("vsh.xltx", "Virtual School Heads", True)]
    assert messages(report) == [
        "Commissioning Leads: warning: is a workbook (.xlsx) by its content, but its name has no suffix, so it is "
        "not read (if it is a return, rename it to end in .xlsx and check again)",
        "commissioning.xlsx.download: warning: is a workbook (.xlsx) by its content, but its name ends in .download, "
        "so it is not read (if it is a return, rename it to end in .xlsx and check again)",
        "cse.xlsx: warning: is a folder, not a workbook, though its name ends in .xlsx; the files in it are looked "
        "at as any folder's (if a return should be here, put the workbook file itself in its place)",
        "cse.xlsx/x: warning: is a workbook (.xlsx) by its content, but its name has no suffix, so it is not read "
        "(if it is a return, rename it to end in .xlsx and check again)",
        "old.xls.bak: warning: is a workbook (.xls) by its content, but its name ends in .bak, so it is not read "
        "(if it is a return, rename it to end in .xls and check again)",
        "slides.key: warning: is a workbook (.xlsx) by its content, but its name ends in .key, so it is not read "
        "(if it is a return, rename it to end in .xlsx and check again)",
    ]


@needs_symlinks
def test_one_file_under_two_names_is_read_once(cycle, add_return):
    add_return("commissioning.xlsx", about())
    (cycle / "latest.xlsx").symlink_to("commissioning.xlsx")
    os.link(cycle / "commissioning.xlsx", cycle / "copy.xlsx")
    (cycle / "sub").mkdir()
    (cycle / "sub" / "again.xlsx").symlink_to(cycle / "latest.xlsx")
    report, outcome = _check(cycle)
    assert [(a.file, a.used) for a in outcome.returns] == [("commissioning.xlsx", True)]
    assert messages(report) == [
        "copy.xlsx: warning: is the same file as (a hard link to) commissioning.xlsx, so that file is read once, "
        "as commissioning.xlsx (nothing to do)",
        "latest.xlsx: warning: is a link to commissioning.xlsx, so that file is read once, as commissioning.xlsx "
        "(nothing to do)",
        "sub/again.xlsx: warning: is a link to commissioning.xlsx, so that file is read once, as commissioning.xlsx "
        "(nothing to do)",
    ]
    result = CliRunner().invoke(main, ["status", str(cycle)])
    assert "Files not attributed" not in result.stdout


@pytest.mark.skipif(sys.platform == "darwin", reason="this file system normalises names itself")
def test_two_returns_whose_names_differ_only_in_normalisation_are_told_apart(cycle, add_return):
    add_return("r\u00e9sum\u00e9.xlsx", about())
    add_return("re\u0301sume\u0301.xlsx", about("2nd Tier Safeguarding Leads"))
    if len(os.listdir(cycle)) < 3:
        pytest.skip("this file system normalises names itself")
    report, outcome = _check(cycle)
    assert sorted(a.file for a in outcome.returns) == ["re\\u0301sume\\u0301.xlsx", "r\u00e9sum\u00e9.xlsx"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_in_a_folder_ria_docs_wrote_is_never_opened(cycle, add_return, tmp_path):
    add_return("commissioning.xlsx", about())
    written = cycle / "old-outputs"
    written.mkdir()
    (written / "plan.json").write_text("{}", encoding="utf-8")
    (written / "merge-report.md").write_text("", encoding="utf-8")
    os.mkfifo(written / "pipe")  # no suffix: would be sniffed for a workbook's first bytes
    result = check_folder(cycle)  # returns: the pipe was not opened
    assert [a.file for a in result.outcome.returns] == ["commissioning.xlsx"]


def test_a_zip_whose_mimetype_unpacks_far_is_sniffed_in_100_bytes(cycle):
    import zipfile

    path = cycle / "sent-from-a-phone"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        with package.open("mimetype", "w") as stream:
            for _ in range(64):  # 64 MB of it, in a file of about 64 KB
                stream.write(b"application/vnd.oasis.opendocument.spreadsheet" + b" " * ((1 << 20) - 46))
    from ria_docs.pipeline import _sniff_workbook

    assert _sniff_workbook(path) == ".ods"


@pytest.mark.parametrize("name", ["CSE Leads.xlsx.gz", "returns.tar", "returns.7z", "returns.rar"])
def test_a_compressed_return_is_named(cycle, name):
    (cycle / name).write_bytes(b"\x1f\x8b compressed")
    messages_said = [p.format() for p in check_folder(cycle).report.problems]
    assert any(name in m for m in messages_said), messages_said


def test_names_that_print_alike_get_labels_that_do_not():
    import unicodedata

    from ria_docs.text import printable

    for composed, other in (("résumé.xlsx", unicodedata.normalize("NFD", "résumé.xlsx")),
                            ("한.xlsx", unicodedata.normalize("NFD", "한.xlsx")), ("\u00c5.xlsx", "\u212b.xlsx")):
        assert printable(composed) == composed and printable(other) != printable(composed)
