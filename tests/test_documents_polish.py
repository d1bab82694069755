"""Documents fit to circulate: properties, page numbers, contents, RAG summary, PDF, previews."""

from __future__ import annotations

import shutil
import zipfile

import docx
import pytest
from click.testing import CliRunner
from conftest import ROOT, about
from docx_helpers import NS, body, cell_prop, cell_text, cells, paragraph_style, paragraph_text, rows, table_after

from ria_docs import pdf
from ria_docs.cli import main
from ria_docs.context import RAG_FILLS
from ria_docs.pipeline import merge_folder

HAS_LIBREOFFICE = pdf.find_soffice() is not None
HAS_PDFTOPPM = shutil.which("pdftoppm") is not None


def test_properties_come_from_region_toml(cycle, add_return, tmp_path):
    region = cycle / "region.toml"
    region.write_text(region.read_text(encoding="utf-8").replace(
        'period = "June 2024"', 'period = "June 2024"\nauthor = "Testshire SDSA"'), encoding="utf-8")
    add_return("r.xlsx", about(**{"Date submitted": __import__("datetime").date(2024, 6, 7)}))
    merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    for name, title, subject in [
        ("ria-plan.docx", "Testshire Regional Improvement and Innovation Alliance Plan 2024/25", "RIA plan 2024/25"),
        ("regional-update.docx", "Testshire Regional Update - June 2024", "Regional update June 2024"),
    ]:
        props = docx.Document(tmp_path / "out" / name).core_properties
        assert (props.title, props.subject, props.author, props.last_modified_by) == (
            title, subject, "Testshire SDSA", "Testshire SDSA")
        assert props.created.date().isoformat() == props.modified.date().isoformat() == "2024-06-07"


def _footer_xml(path) -> str:
    with zipfile.ZipFile(path) as package:
        return "".join(package.read(n).decode() for n in package.namelist() if n.startswith("word/footer"))


@pytest.mark.parametrize("name", ["ria-plan.docx", "regional-update.docx"])
def test_every_page_has_the_title_and_page_n_of_m(example_outputs, name):
    footer = _footer_xml(example_outputs / name)
    assert 'w:instr=" PAGE "' in footer and 'w:instr=" NUMPAGES "' in footer
    title = docx.Document(example_outputs / name).core_properties.title
    assert f"{title}  |  Page " in footer
    document = docx.Document(example_outputs / name)
    assert all(s.footer.is_linked_to_previous for s in document.sections[1:])  # one footer for all sections


def test_sections_are_headings_for_the_navigation_pane_and_linked_from_the_contents(example_outputs):
    document = body(example_outputs / "ria-plan.docx")
    headings = [(paragraph_text(p), p.find("w:bookmarkStart", NS)) for p in document.iter(f"{{{NS['w']}}}p")
                if paragraph_style(p) == "Heading1"]
    assert [text for text, _ in headings] == [
        "Section A:\tRegional overview", "Section B:\tBrokered support for LAs",
        "Section C:\tJoint work programme", "Section D:\tRegional networks"]
    bookmarks = [b.get(f"{{{NS['w']}}}name") for _, b in headings]
    entries = [p for p in document.iter(f"{{{NS['w']}}}p") if paragraph_style(p) == "TOC1"]
    links = [p.find("w:hyperlink", NS).get(f"{{{NS['w']}}}anchor") for p in entries]
    assert links == bookmarks == ["_SectionA", "_SectionB", "_SectionC", "_SectionD"]
    instruction = "".join(t.text for t in document.iter(f"{{{NS['w']}}}instrText"))
    assert instruction.strip().startswith('TOC \\o "1-1"')  # a real contents field: Word can update it
    styles = docx.Document(example_outputs / "ria-plan.docx").styles
    assert styles["Heading 1"].element.pPr.find("w:outlineLvl", NS) is not None


@pytest.mark.parametrize("heading, skip, header_rows", [("Section B:", 0, 1), ("Section C:", 0, 1), ("Section C:", 1, 2),
                                                        ("Section D:", 0, 1)])
def test_table_header_rows_repeat_on_every_page(example_outputs, heading, skip, header_rows):
    table = table_after(example_outputs / "ria-plan.docx", heading, skip)
    flags = [r.find("w:trPr/w:tblHeader", NS) is not None for r in rows(table)]
    assert flags[:header_rows] == [True] * header_rows and not any(flags[header_rows:])
    assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows(table))  # rows do not split


def test_rag_summary_counts_each_theme_and_all_themes(cycle, add_return, tmp_path):
    add_return("r.xlsx", about(), {"Work programme": [
        {"Theme": "A", "Activity": "1", "RAG": "Red"}, {"Activity": "2", "RAG": "Red"},
        {"Activity": "3", "RAG": "Green"}, {"Activity": "4"}, {"Theme": "B", "Activity": "5", "RAG": "Blue"}]})
    merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    summary = table_after(tmp_path / "out" / "ria-plan.docx", "Section C:")
    assert [[cell_text(c) for c in cells(r)] for r in rows(summary)] == [
        ["Theme", "Red", "Amber", "Green", "Blue", "Not rated", "Total"],
        ["A: Increasing Placement Sufficiency", "2", "0", "1", "0", "1", "4"],
        ["B: Improving Practice Methodology", "0", "0", "0", "1", "0", "1"],
        ["All themes", "2", "0", "1", "1", "1", "5"],
    ]
    assert [cell_prop(c, "shd") for c in cells(rows(summary)[0])[1:5]] == list(RAG_FILLS.values())


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@pytest.mark.parametrize("fill", list(RAG_FILLS.values()))
def test_rag_fills_pass_wcag_aa_contrast_with_black_text(fill):
    ratio = (_luminance(fill) + 0.05) / (_luminance("000000") + 0.05)
    assert ratio >= 4.5, (fill, ratio)


def test_pdf_without_libreoffice_is_a_plain_message_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["merge", "-o", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: LibreOffice is not installed, so no PDF can be made: install LibreOffice")
    assert not (tmp_path / "out").exists()


@pytest.mark.libreoffice
@pytest.mark.skipif(not HAS_LIBREOFFICE, reason="LibreOffice is not installed")
def test_merge_with_pdf_writes_both_pdfs_beside_the_documents(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["merge", "examples/eastern", "-o", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 0, result.output
    for name in ("ria-plan.pdf", "regional-update.pdf"):
        data = (tmp_path / "out" / name).read_bytes()
        assert data.startswith(b"%PDF") and b"/Type/Page" in data.replace(b" ", b"")
    assert f"Wrote {tmp_path / 'out' / 'regional-update.pdf'}" in result.stdout


@pytest.mark.libreoffice
@pytest.mark.skipif(not (HAS_LIBREOFFICE and HAS_PDFTOPPM), reason="LibreOffice or pdftoppm is not installed")
def test_preview_writes_png_pages_of_each_document(eastern_outputs, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(eastern_outputs, out)
    result = CliRunner().invoke(main, ["preview", str(out), "--resolution", "40"])
    assert result.exit_code == 0, result.output
    pngs = sorted(p.name for p in (out / "preview").iterdir())
    assert "regional-update-1.png" in pngs and "ria-plan-1.png" in pngs
    assert (out / "preview" / "ria-plan-1.png").read_bytes().startswith(b"\x89PNG")


def test_preview_without_pdftoppm_says_what_to_install(example_outputs, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "pdftoppm" else "/usr/bin/" + name)
    result = CliRunner().invoke(main, ["preview", str(example_outputs)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: pdftoppm (from poppler) is not installed, so no page images can be made")
