"""Both documents convert to PDF with headless LibreOffice (when it is installed), found where it is installed."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

import pytest
from click.testing import CliRunner
from conftest import ROOT

from ria_docs import pdf
from ria_docs.cli import main
from ria_docs.exceptions import ToolMissing

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_documents_convert_to_pdf(example_outputs, eastern_outputs):
    sources = [example_outputs / "ria-plan.docx", eastern_outputs / "regional-update.docx"]
    pdfs = pdf.to_pdf({source.name: source.read_bytes() for source in sources})
    pages = {}
    for source in sources:
        assert f"{source.stem}.pdf" in pdfs, f"{source.name} did not convert"
        data = pdfs[f"{source.stem}.pdf"]
        assert data.startswith(b"%PDF")
        pages[source.stem] = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    # Section A; B; C over several pages; D. The update fits one or two pages.
    assert 5 <= pages["ria-plan"] <= 10, pages
    assert 1 <= pages["regional-update"] <= 2, pages


# --- The contents list has page numbers ----------------------------------------------------------

PDFTOTEXT = shutil.which("pdftotext")
CONTENTS_LINE = re.compile(r"^(Section [A-D]:.*?)\s*\.{3,}\s*(\d+)$")


def _pages_text(pdf_bytes, tmp_path):
    pdf_file = tmp_path / "doc.pdf"
    pdf_file.write_bytes(pdf_bytes)
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf_file), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout
    # One string a page, each line's runs of spaces made one (a heading's tab comes out as spaces).
    return [[" ".join(line.split()) for line in page.splitlines()] for page in text.split("\f")]


def _contents_and_headings(pages):
    contents = {m[1]: int(m[2]) for line in pages[0] if (m := CONTENTS_LINE.match(line))}
    # The first page with a line that is the title alone: the heading, not its contents line.
    headings = {title: min((number for number, lines in enumerate(pages, 1) if title in lines), default=None)
                for title in contents}
    return contents, headings


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None, reason="LibreOffice or pdftotext is not installed")
def test_contents_page_numbers_are_the_pages_the_sections_start_on(example_outputs, tmp_path):
    plan = (example_outputs / "ria-plan.docx").read_bytes()
    pdfs = pdf.to_pdf({"ria-plan.docx": plan})
    contents, headings = _contents_and_headings(_pages_text(pdfs["ria-plan.pdf"], tmp_path))
    assert list(contents) == ["Section A: Regional overview", "Section B: Brokered support for LAs",
                              "Section C: Joint work programme", "Section D: Regional networks"]
    assert contents == headings
    # Section C runs over several pages, so a contents list that counted wrong would show here.
    assert contents["Section D: Regional networks"] - contents["Section C: Joint work programme"] >= 2, contents
    # The .docx is left as rendered: only the PDF's copy was brought up to date.
    assert (example_outputs / "ria-plan.docx").read_bytes() == plan


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None, reason="LibreOffice or pdftotext is not installed")
def test_pdfs_are_made_in_a_temporary_folder_whose_name_has_quotes_and_ampersands(
        example_outputs, eastern_outputs, tmp_path, monkeypatch):
    # The documents' addresses are written into the macro: a name like this must not break it.
    odd = tmp_path / "Jane \"JJ\" O'Neil & <co> é"
    odd.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(odd))
    pdfs = pdf.to_pdf({"ria-plan.docx": (example_outputs / "ria-plan.docx").read_bytes(),
                       "regional-update.docx": (eastern_outputs / "regional-update.docx").read_bytes()})
    assert sorted(pdfs) == ["regional-update.pdf", "ria-plan.pdf"]
    contents, headings = _contents_and_headings(_pages_text(pdfs["ria-plan.pdf"], tmp_path))
    assert len(contents) == 4 and contents == headings
    assert _pages_text(pdfs["regional-update.pdf"], tmp_path)[0][0] == "Eastern Regional Update - December 2019"
    assert list(odd.iterdir()) == []  # its folder went with it


# --- Where LibreOffice is found ------------------------------------------------------------------

NOT_INSTALLED = (
    "LibreOffice is not installed, so no PDF can be made: install LibreOffice (Debian/Ubuntu: sudo apt-get install "
    "libreoffice-writer-nogui; macOS: brew install --cask libreoffice, or the download from libreoffice.org; "
    "Windows: winget install TheDocumentFoundation.LibreOffice, or the download from libreoffice.org) and run the "
    "command again, or leave out --pdf. If LibreOffice is installed where ria-docs does not look, set "
    "RIA_DOCS_SOFFICE to the full path of its soffice program."
)
CHOOSE_SOFFICE = (
    "Set it to the full path of LibreOffice's soffice program (on Windows soffice.exe in LibreOffice's program "
    "folder, on macOS LibreOffice.app/Contents/MacOS/soffice), or remove it to let ria-docs look in the usual places."
)


@pytest.fixture
def nowhere(tmp_path, monkeypatch):
    """A computer with no LibreOffice anywhere ria-docs looks: each test then installs one where it says."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "home"))  # Path.home() on Windows
    for name in ("RIA_DOCS_SOFFICE", "ProgramFiles", "ProgramW6432", "ProgramFiles(x86)"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(pdf, "_MAC_APPLICATIONS", tmp_path / "Applications")
    return tmp_path


def _install(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


def test_with_libreoffice_nowhere_the_message_says_how_to_install_it_on_each_system(nowhere):
    assert pdf.find_soffice() is None
    with pytest.raises(ToolMissing) as caught:
        pdf.require_soffice()
    assert str(caught.value) == NOT_INSTALLED


def test_libreoffice_in_windows_program_files_is_found_though_not_on_path(nowhere, monkeypatch):
    monkeypatch.setenv("ProgramFiles", str(nowhere / "Program Files"))
    monkeypatch.setenv("ProgramFiles(x86)", str(nowhere / "Program Files (x86)"))
    assert pdf.find_soffice() is None  # the folders, without LibreOffice in them
    soffice = _install(nowhere / "Program Files" / "LibreOffice" / "program" / "soffice.exe")
    _install(nowhere / "Program Files (x86)" / "LibreOffice" / "program" / "soffice.exe")
    assert pdf.find_soffice() == soffice


def test_32_bit_libreoffice_in_program_files_x86_is_found(nowhere, monkeypatch):
    monkeypatch.setenv("ProgramFiles", str(nowhere / "Program Files"))
    monkeypatch.setenv("ProgramFiles(x86)", str(nowhere / "Program Files (x86)"))
    soffice = _install(nowhere / "Program Files (x86)" / "LibreOffice" / "program" / "soffice.exe")
    assert pdf.find_soffice() == soffice


def test_64_bit_libreoffice_is_found_from_a_32_bit_python(nowhere, monkeypatch):
    # A 32-bit Python on 64-bit Windows sees ProgramFiles as the (x86) folder; ProgramW6432 is the other.
    monkeypatch.setenv("ProgramFiles", str(nowhere / "Program Files (x86)"))
    monkeypatch.setenv("ProgramW6432", str(nowhere / "Program Files"))
    soffice = _install(nowhere / "Program Files" / "LibreOffice" / "program" / "soffice.exe")
    assert pdf.find_soffice() == soffice


def test_libreoffice_in_macos_applications_is_found(nowhere):
    soffice = _install(nowhere / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice")
    assert pdf.find_soffice() == soffice


def test_libreoffice_in_the_users_own_applications_folder_on_macos_is_found(nowhere):
    soffice = _install(nowhere / "home" / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice")
    assert pdf.find_soffice() == soffice


def test_soffice_on_path_comes_before_the_install_places(nowhere, monkeypatch):
    _install(nowhere / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice")
    on_path = _install(nowhere / "bin" / ("soffice.exe" if sys.platform == "win32" else "soffice"))
    assert pdf.find_soffice() == on_path


def test_ria_docs_soffice_comes_first(nowhere, monkeypatch):
    _install(nowhere / "bin" / ("soffice.exe" if sys.platform == "win32" else "soffice"))
    chosen = _install(nowhere / "LibreOffice 7.6 portable" / "App" / "libreoffice" / "program" / "soffice.exe")
    monkeypatch.setenv("RIA_DOCS_SOFFICE", chosen)
    assert pdf.find_soffice() == chosen
    assert pdf.require_soffice() == chosen


def test_an_empty_ria_docs_soffice_counts_as_unset(nowhere, monkeypatch):
    monkeypatch.setenv("RIA_DOCS_SOFFICE", "")
    assert pdf.find_soffice() is None


def test_ria_docs_soffice_naming_no_file_is_said_plainly(nowhere, monkeypatch):
    missing = nowhere / "Program Files" / "LibreOffice" / "program" / "soffice.exe"
    monkeypatch.setenv("RIA_DOCS_SOFFICE", str(missing))
    # Not passed over for one on PATH: the user chose this one, and would not know theirs was ignored.
    _install(nowhere / "bin" / "soffice")
    with pytest.raises(ToolMissing) as caught:
        pdf.require_soffice()
    assert str(caught.value) == f"RIA_DOCS_SOFFICE is set to {missing}, but there is no file there. {CHOOSE_SOFFICE}"


def test_ria_docs_soffice_naming_a_folder_is_said_plainly(nowhere, monkeypatch):
    folder = nowhere / "LibreOffice" / "program"
    folder.mkdir(parents=True)
    monkeypatch.setenv("RIA_DOCS_SOFFICE", str(folder))
    with pytest.raises(ToolMissing) as caught:
        pdf.find_soffice()
    assert str(caught.value) == (
        f"RIA_DOCS_SOFFICE is set to {folder}, but that is a folder, not the soffice program. {CHOOSE_SOFFICE}")


def test_merge_pdf_with_a_wrong_ria_docs_soffice_stops_before_writing(nowhere, monkeypatch):
    monkeypatch.setenv("RIA_DOCS_SOFFICE", str(nowhere / "soffice"))
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["merge", "-o", str(nowhere / "out"), "--pdf"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: RIA_DOCS_SOFFICE is set to {nowhere / 'soffice'}, but there is no file there. {CHOOSE_SOFFICE}\n")
    assert not (nowhere / "out").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_ria_docs_soffice_naming_a_file_that_is_no_program_is_said_plainly(nowhere, monkeypatch, example_outputs):
    not_a_program = nowhere / "soffice"
    not_a_program.write_text("notes")
    monkeypatch.setenv("RIA_DOCS_SOFFICE", str(not_a_program))
    with pytest.raises(ToolMissing) as caught:
        pdf.to_pdf({"ria-plan.docx": (example_outputs / "ria-plan.docx").read_bytes()})
    assert str(caught.value) == f"{not_a_program} could not be started: Permission denied."


@pytest.mark.skipif(os.name == "nt" or not hasattr(signal, "pthread_sigmask"), reason="POSIX signals")
def test_a_signal_as_the_program_starts_still_stops_it(monkeypatch, tmp_path):
    """SIGTERM arriving while Popen returns (the child started, not yet known to run_stoppable):
    the child is stopped all the same, never left running on its own."""
    started = []
    real_popen = subprocess.Popen

    def popen_then_signal(*args, **kwargs):
        process = real_popen(*args, **kwargs)
        started.append(process)
        os.kill(os.getpid(), signal.SIGTERM)  # as if it came now, before Popen returned
        return process

    def stop(signum, frame):
        raise SystemExit(143)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        monkeypatch.setattr(pdf.subprocess, "Popen", popen_then_signal)
        with pytest.raises(SystemExit):
            pdf.run_stoppable(["sleep", "60"], timeout=30, timed_out="took too long")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert started and started[0].poll() is not None, "the program was left running"
