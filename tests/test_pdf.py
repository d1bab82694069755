"""Both documents convert to PDF with headless LibreOffice (when it is installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

import pytest

from ria_docs import pdf

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_documents_convert_to_pdf(example_outputs, eastern_outputs, tmp_path):
    sources = [example_outputs / "ria-plan.docx", eastern_outputs / "regional-update.docx"]
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, sources)],
        check=True, capture_output=True, timeout=240,
    )
    # LibreOffice exits 0 even when a conversion fails: check the files.
    pages = {}
    for source in sources:
        pdf = tmp_path / f"{source.stem}.pdf"
        assert pdf.exists(), f"{source.name} did not convert"
        data = pdf.read_bytes()
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
