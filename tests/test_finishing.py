"""Numbered lists as Word numbers them, and web addresses as links: in the .docx, and as
LibreOffice shows them (its text conversion and its PDF)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import ROOT, about

from ria_docs.finishing import web_addresses
from ria_docs.pipeline import merge_folder

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def test_web_addresses_leave_out_the_sentence_around_them():
    assert web_addresses("For further details go to www.seslip.co.uk.") == [
        (26, 42, "https://www.seslip.co.uk")]
    assert [t for _, _, t in web_addresses("(see https://example.org/a_(b)), or http://x.org/p?q=1&r=2;")] == [
        "https://example.org/a_(b)", "http://x.org/p?q=1&r=2"]
    assert web_addresses("www. alone, or http:// alone, is not one") == []


def _numbering(document: docx.document.Document) -> dict[str, str | None]:
    """numId -> the start its level 0 is overridden to (None: not overridden)."""
    starts = {}
    for num in document.part.numbering_part.element.iter(f"{W}num"):
        start = num.find(f"{W}lvlOverride/{W}startOverride")
        starts[num.get(f"{W}numId")] = start.get(f"{W}val") if start is not None else None
    return starts


def _list_of(paragraph) -> str | None:
    num_id = paragraph._p.find(f"{W}pPr/{W}numPr/{W}numId")
    return num_id.get(f"{W}val") if num_id is not None else None


def test_each_run_of_numbered_items_is_one_word_list_numbered_from_1(south_east_outputs):
    document = docx.Document(south_east_outputs / "regional-update.docx")
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text[:12] for p in numbered][:2] == ["Agree a shar", "Review how r"]
    assert len(numbered) == 10
    assert not any(re.match(r"\s*\d+[.)]", p.text) for p in numbered)  # Word writes the numbers
    lists = {_list_of(p) for p in numbered}
    assert len(lists) == 1 and None not in lists  # 1-10 run on across the three labels between them
    assert _numbering(document)[lists.pop()] == "1"
    labels = [p for p in document.paragraphs if p.text.startswith("Actions that will")]
    assert [p.style.name for p in labels] == ["Normal"] * 3
    bullets = [p for p in document.paragraphs if p.style.name.startswith("List Bullet")]
    assert bullets and all(_list_of(p) is None for p in bullets)  # bullets keep their style's list


def test_numbering_restarts_in_each_section_and_after_a_bullet(cycle, add_return, tmp_path):
    add_return("commissioning.xlsx", about(), {"Update": [
        {"Section": "Regional Priorities", "Numbered": "one"}, {"Numbered": "two"}, {"Paragraph": "A label:"},
        {"Numbered": "three"}, {"Bullet": "a bullet"}, {"Numbered": "one again"},
        {"Section": "Network Highlights", "Numbered": "first of this section"},
    ]})
    result = merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    document = docx.Document(tmp_path / "out" / "regional-update.docx")
    numbered = [(p.text, _list_of(p)) for p in document.paragraphs if p.style.name == "List Number"]
    assert result.written and [text for text, _ in numbered] == ["one", "two", "three", "one again",
                                                                 "first of this section"]
    ids = [num_id for _, num_id in numbered]
    assert ids[0] == ids[1] == ids[2] and len({ids[2], ids[3], ids[4]}) == 3
    assert all(_numbering(document)[num_id] == "1" for num_id in ids)


def test_web_addresses_are_links_to_them(south_east_outputs, example_outputs):
    for path, expected in ((south_east_outputs / "regional-update.docx",
                            {"www.seslip.co.uk": "https://www.seslip.co.uk",
                             "https://www.example.org.uk/pep-format": "https://www.example.org.uk/pep-format"}),
                           (example_outputs / "ria-plan.docx",  # Section A's own text, from region.toml
                            {"www.sectorledimprovement.co.uk": "https://www.sectorledimprovement.co.uk",
                             "www.adcs.org.uk/regions/east-midlands": "https://www.adcs.org.uk/regions/east-midlands"})):
        document = docx.Document(path)
        rels = document.part.rels
        links = {"".join(t.text for t in link.iter(f"{W}t")): rels[link.get(R_ID)] for link in
                 document.element.body.iter(f"{W}hyperlink") if link.get(R_ID)}
        assert {text: rel.target_ref for text, rel in links.items()} == expected
        assert all(rel.is_external for rel in links.values())
        # shown as a link, in the template's Hyperlink style
        styles = {style.get(f"{W}val") for link in document.element.body.iter(f"{W}hyperlink") if link.get(R_ID)
                  for style in link.iter(f"{W}rStyle")}
        assert styles == {"Hyperlink"}
        # and the text reads on unchanged around it
        assert any(p.text == "For further details of the programme go to www.seslip.co.uk." for p in
                   document.paragraphs) or path.name == "ria-plan.docx"


def test_a_template_without_a_hyperlink_style_shows_links_blue_and_underlined(cycle, add_return, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    for name in ("ria-plan.docx", "regional-update.docx"):
        shutil.copy(ROOT / "templates" / name, templates / name)
    update = templates / "regional-update.docx"
    with zipfile.ZipFile(update) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    parts["word/styles.xml"] = re.sub(rb'<w:style w:type="character" w:customStyle="1" w:styleId="Hyperlink">.*?'
                                      rb"</w:style>|<w:style w:type=\"character\" w:styleId=\"Hyperlink\">.*?</w:style>",
                                      b"", parts["word/styles.xml"], flags=re.S)
    assert b'w:styleId="Hyperlink"' not in parts["word/styles.xml"]
    with zipfile.ZipFile(update, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    add_return("commissioning.xlsx", about(), {"Update": [{"Section": "Regional Priorities",
                                                           "Paragraph": "See www.example.org."}]})
    assert merge_folder(cycle, tmp_path / "out", templates=templates).written
    body = zipfile.ZipFile(tmp_path / "out" / "regional-update.docx").read("word/document.xml").decode()
    link = re.search(r"<w:hyperlink [^>]*>(.*?)</w:hyperlink>", body).group(1)
    assert '<w:color w:val="0563C1"/>' in link and '<w:u w:val="single"/>' in link and ">www.example.org<" in link


def test_a_template_copied_before_blocks_shows_every_block_as_a_bullet(cycle, add_return, tmp_path):
    """A team's copy of the first update template loops over section.bullets: no text is lost."""
    templates = tmp_path / "templates"
    templates.mkdir()
    shutil.copy(ROOT / "templates" / "ria-plan.docx", templates)
    doc = docx.Document()
    doc.add_paragraph("{{ title }}", style="Title")
    doc.add_paragraph("{%p for section in sections %}")
    doc.add_paragraph("{{ section.heading }}", style="Heading 2")
    doc.add_paragraph("{%p for bullet in section.bullets %}")
    doc.add_paragraph("{{ bullet.text }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.save(templates / "regional-update.docx")
    add_return("commissioning.xlsx", about(), {"Update": [
        {"Section": "Regional Priorities", "Paragraph": "Prose"}, {"Numbered": "An item"}, {"Bullet": "A bullet"}]})
    assert merge_folder(cycle, tmp_path / "out", templates=templates).written
    document = docx.Document(tmp_path / "out" / "regional-update.docx")
    assert [(p.style.name, p.text) for p in document.paragraphs][2:] == [
        ("List Bullet", "Prose"), ("List Bullet", "An item"), ("List Bullet", "A bullet")]


# -- as LibreOffice shows them ---------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _converted(source: Path, target: str, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation={(out / 'profile').as_uri()}",
                    "--convert-to", target, "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    return out / f"{source.stem}.{target.split(':')[0]}"


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_numbers_the_items_across_labels_and_bullets_only_the_bullets(south_east_outputs, tmp_path):
    text = _converted(south_east_outputs / "regional-update.docx", "txt:Text", tmp_path).read_text("utf-8-sig")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    numbered = [line for line in lines if re.match(r"\d+\. ", line)]
    assert [line.split(".")[0] for line in numbered] == [str(n) for n in range(1, 11)]
    assert numbered[0] == "1. Agree a shared approach to assessing neglect, with one set of tools used across the region"
    assert numbered[5].startswith("6. Launch a programme")  # after "Actions that will develop leadership capacity:"
    at = {line: i for i, line in enumerate(lines)}
    assert at["Actions that will develop leadership capacity:"] == at[numbered[4]] + 1  # a label, unnumbered
    bulleted = [line for line in lines if line.startswith("•")]
    assert "• Progress on each priority will appear in this update every quarter." in bulleted
    assert not any(line.startswith("•") for line in lines if "Agree a shared" in line or line.startswith("Actions"))
    assert "Three themes came up in almost every conversation:" in lines  # a paragraph: no bullet, no number


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_every_link_opens_its_address_in_the_pdf(south_east_outputs):
    from ria_docs.pdf import to_pdf

    pdf = to_pdf({"regional-update.docx": (south_east_outputs / "regional-update.docx").read_bytes()})
    data = next(iter(pdf.values()))
    targets = sorted(set(re.findall(rb"/URI\s*\(([^)]*)\)", data)))
    assert [t.decode().rstrip("/") for t in targets] == ["https://www.example.org.uk/pep-format",
                                                        "https://www.seslip.co.uk"]
    assert io.BytesIO(data).read(5) == b"%PDF-"


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_restarts_the_numbers_after_a_bullet_and_in_a_new_section(cycle, add_return, tmp_path):
    add_return("commissioning.xlsx", about(), {"Update": [
        {"Section": "Regional Priorities", "Numbered": "one"}, {"Numbered": "two"}, {"Paragraph": "A label:"},
        {"Numbered": "three"}, {"Bullet": "a bullet"}, {"Numbered": "one again"},
        {"Section": "Network Highlights", "Numbered": "first of this section"},
    ]})
    assert merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates").written
    text = _converted(tmp_path / "out" / "regional-update.docx", "txt:Text", tmp_path / "txt").read_text("utf-8-sig")
    assert [line.strip() for line in text.splitlines() if line.strip()][1:] == [
        "Regional Priorities", "1. one", "2. two", "A label:", "3. three", "• a bullet", "1. one again",
        "Network Highlights", "1. first of this section"]
