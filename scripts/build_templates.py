"""Build a first version of the Word templates into a NEW folder.

    python scripts/build_templates.py NEW_FOLDER

The templates in templates/ are the source of truth: ordinary .docx files with
docxtpl tags that the regional team restyles in Word or LibreOffice. This script
made their first version and stays as a record of how; it never writes into a
folder that holds a template, so it cannot overwrite anyone's edits. To change
the shipped templates, edit templates/*.docx in Word or LibreOffice.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from ria_docs.context import RAG_FILLS as CONTEXT_RAG_FILLS  # noqa: E402
from ria_docs.ooxml import TC_PR, insert_in_order, normalise_zip  # noqa: E402

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
FONT = "Arial"
DARK = "1F3864"  # navy: heading text and top header cells
HEADER_FILL = "D9E2F3"  # pale blue header rows
GROUP_FILL = "DEEAF6"
RAG_FILLS = list(CONTEXT_RAG_FILLS.values())  # red, amber, green, blue: the fills the documents use
A4_SHORT, A4_LONG = Cm(21.0), Cm(29.7)


# -- styles -------------------------------------------------------------------
def _set_font(style, size: float | None = None, bold: bool | None = None, color: str | None = None) -> None:
    """Set a style's font, dropping theme fonts (which would override the name)."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        rpr.remove(fonts)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    rpr.insert(0, fonts)
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    if color is not None:
        style.font.color.rgb = RGBColor.from_string(color)


def _spacing(style, before: float = 0, after: float = 4, line: float | None = None) -> None:
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if line:
        fmt.line_spacing = line


def _dash_for_second_level(doc) -> None:
    """List Bullet 2 gets an en dash, so nested bullets read as nested."""
    numbering = doc.part.numbering_part.element
    num_id = doc.styles["List Bullet 2"].element.pPr.numPr.numId.val
    num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == str(num_id))
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
    level = abstract.find(qn("w:lvl"))
    level.find(qn("w:lvlText")).set(qn("w:val"), "\u2013")
    fonts = level.find(qn("w:rPr")).find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), FONT)


def _styles(doc) -> None:
    _dash_for_second_level(doc)
    styles = doc.styles
    normal = styles["Normal"]
    _set_font(normal, 10)
    _spacing(normal, 0, 6, 1.1)
    _set_font(styles["Title"], 20, True, DARK)
    title_ppr = styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)
    _spacing(styles["Title"], 0, 12)
    _set_font(styles["Heading 1"], 14, True, DARK)
    _spacing(styles["Heading 1"], 12, 6)
    _set_font(styles["Heading 2"], 12, True, DARK)
    _spacing(styles["Heading 2"], 10, 4)
    for name in ("List Bullet", "List Bullet 2", "List Number"):
        _set_font(styles[name], 10)
        _spacing(styles[name], 0, 3)
    # Web addresses in the text become links in this style (ria_docs.finishing).
    link = styles.add_style("Hyperlink", 2)
    link.base_style = styles["Default Paragraph Font"]
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    link.font.underline = True
    # Table text is smaller so the wide tables fit a landscape page.
    table_text = styles.add_style("Table Text", 1)
    table_text.base_style = normal
    _set_font(table_text, 9)
    _spacing(table_text, 0, 2, 1.0)
    table_heading = styles.add_style("Table Heading", 1)
    table_heading.base_style = table_text
    _set_font(table_heading, 9, True)
    # Word's built-in contents style is called "toc 1"; the cached entries use it too.
    toc = styles.add_style("TOC 1", 1)
    toc.element.name_val = "toc 1"
    toc.base_style = normal
    _set_font(toc, 10)
    _spacing(toc, 0, 3)
    rug_text = styles.add_style("Rug Text", 1)  # figures in the narrow columns of the tartan rug
    rug_text.base_style = table_text
    _set_font(rug_text, 8)
    rug_heading = styles.add_style("Rug Heading", 1)
    rug_heading.base_style = table_heading
    _set_font(rug_heading, 8, True)
    table_bullet = styles.add_style("Table Bullet", 1)
    table_bullet.base_style = styles["List Bullet"]
    _set_font(table_bullet, 9)
    _spacing(table_bullet, 0, 2, 1.0)
    ind = table_bullet.paragraph_format
    ind.left_indent, ind.first_line_indent = Cm(0.45), Cm(-0.45)


# -- tables -------------------------------------------------------------------
def _cell_property(cell, element) -> None:
    """Add a property to a cell in schema order (Word expects it; the Open XML validator checks)."""
    insert_in_order(cell._tc.get_or_add_tcPr(), element, TC_PR)


def _shade(cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    _cell_property(cell, shd)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    trpr.append(header)


def _no_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def _keep_with_next(row) -> None:
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def _table(doc, widths_cm: list[float], rows: int):
    table = doc.add_table(rows=rows, cols=len(widths_cm))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # python-docx writes w:tblLayout fixed: the column widths hold
    for i, width in enumerate(widths_cm):
        table.columns[i].width = Cm(width)
        for cell in table.columns[i].cells:
            cell.width = Cm(width)
    return table


def _write(cell, text: str, style: str = "Table Text", align=None, white: bool = False) -> None:
    """Put one paragraph of text in a cell (replacing its empty paragraph)."""
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    run = paragraph.add_run(text)
    if white:
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        run.bold = True
    if align is not None:
        paragraph.alignment = align


def _add(cell, text: str, style: str = "Table Text") -> None:
    cell.add_paragraph(text, style=style)


def _loop_in_cell(cell, loop: str, item: str, style: str = "Table Bullet") -> None:
    """A bulleted list in a cell: {%p for %} / bullet / {%p endfor %}."""
    _write(cell, "{%p for " + loop + " %}")
    _add(cell, "{{ " + item + " }}", style)
    _add(cell, "{%p endfor %}")


def _control_row(table, index: int, tag: str) -> None:
    """A row that only holds a {%tr ... %} tag: docxtpl replaces the whole row."""
    _write(table.rows[index].cells[0], tag)


def _header_row(row, labels: list[str]) -> None:
    for cell, label in zip(row.cells, labels, strict=False):
        _write(cell, label, "Table Heading")
        _shade(cell, HEADER_FILL)
    _repeat_header(row)
    _no_split(row)


# -- sections -----------------------------------------------------------------
def _landscape_section(doc):
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = A4_LONG, A4_SHORT
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    section.top_margin = section.bottom_margin = Cm(1.5)
    return section


def _portrait(section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = A4_SHORT, A4_LONG
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES...) with the text shown until it is updated."""
    from docx.oxml import parse_xml

    paragraph._p.append(parse_xml(
        f'<w:fldSimple {W_NS} w:instr=" {instruction} "><w:r><w:rPr><w:sz w:val="16"/></w:rPr>'
        f"<w:t>{shown}</w:t></w:r></w:fldSimple>"
    ))


def _footer(section, text: str) -> None:
    """The document's title and "Page N of M", small, at the foot of every page."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run(f"{text}  |  Page ").font.size = Pt(8)
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" of ").font.size = Pt(8)
    _field(paragraph, "NUMPAGES", "1")


def _heading(doc, text: str, bookmark: str, number: int):
    """A Heading 1 with a bookmark, for the contents list to link to."""
    from docx.oxml import parse_xml

    heading = doc.add_heading(text, level=1)
    heading._p.insert(1, parse_xml(f'<w:bookmarkStart {W_NS} w:id="{number}" w:name="{bookmark}"/>'))
    heading._p.append(parse_xml(f'<w:bookmarkEnd {W_NS} w:id="{number}"/>'))
    return heading


def _contents(doc, entries: list[tuple[str, str]]) -> None:
    """A Word contents field: shown as links to the sections; Word's "Update
    Field" adds page numbers (a document made without Word cannot know them)."""
    from docx.oxml import parse_xml

    doc.add_paragraph("Contents", style="TOC Heading")
    for index, (text, bookmark) in enumerate(entries):
        paragraph = doc.add_paragraph(style=doc.styles["toc 1"])
        if index == 0:
            paragraph._p.append(parse_xml(f'<w:r {W_NS}><w:fldChar w:fldCharType="begin"/></w:r>'))
            paragraph._p.append(parse_xml(
                f'<w:r {W_NS}><w:instrText xml:space="preserve"> TOC \\o "1-1" \\h \\z \\u </w:instrText></w:r>'))
            paragraph._p.append(parse_xml(f'<w:r {W_NS}><w:fldChar w:fldCharType="separate"/></w:r>'))
        paragraph._p.append(parse_xml(
            f'<w:hyperlink {W_NS} w:anchor="{bookmark}" w:history="1"><w:r><w:t xml:space="preserve">'
            f"{text.replace(chr(9), ' ')}</w:t></w:r></w:hyperlink>"))
        if index == len(entries) - 1:
            paragraph._p.append(parse_xml(f'<w:r {W_NS}><w:fldChar w:fldCharType="end"/></w:r>'))


def _new_document():
    """A portrait A4 document with the house styles, a footer and the title."""
    doc = Document()
    _styles(doc)
    _portrait(doc.sections[0])
    _footer(doc.sections[0], "{{ title }}")
    doc.add_paragraph("{{ title }}", style="Title")
    return doc


PLAN_SECTIONS = [
    ("Section A:\tRegional overview", "_SectionA"),
    ("Section B:\tBrokered support for LAs", "_SectionB"),
    ("Section C:\tJoint work programme", "_SectionC"),
    ("Section D:\tRegional networks", "_SectionD"),
]


def build_plan(path: Path) -> None:
    doc = _new_document()
    _contents(doc, PLAN_SECTIONS)
    _heading(doc, "Section A:\tRegional overview", "_SectionA", 1)
    doc.add_paragraph("{%p for paragraph in overview %}")
    doc.add_paragraph("{{ paragraph }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("The elements of the regional improvement cycle are:")
    cycle = _table(doc, [4.25] * 4, 2)
    for cell, text in zip(cycle.rows[0].cells, ["LA Self Evaluation", "Triad Challenge Conversations", "Analysis", "RIA Plan"], strict=False):
        _write(cell, text, "Table Heading", WD_ALIGN_PARAGRAPH.CENTER, white=True)
        _shade(cell, DARK)
    for cell, text in zip(cycle.rows[1].cells, ["Work by Regional Groups", "Brokered support to LAs", "Seminars and Workshops", "Projects and joint work"], strict=False):
        _write(cell, text, "Table Text", WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, GROUP_FILL)

    doc.add_heading("Regional Networks", level=2)
    doc.add_paragraph("{%p if structure %}")
    doc.add_paragraph(
        "The key priorities of regional networks are described in Section D, "
        "but their reporting relationships are as follows:"
    )
    structure = _table(doc, [6.0, 11.0], 6)
    _control_row(structure, 0, "{%tr for group in structure %}")
    top = structure.rows[1].cells[0].merge(structure.rows[1].cells[1])
    _write(top, "{{ group.name }}", "Table Heading", WD_ALIGN_PARAGRAPH.CENTER, white=True)
    _shade(top, DARK)
    _control_row(structure, 2, "{%tr for member in group.members %}")
    _no_split(structure.rows[3])
    member = structure.rows[3].cells
    _write(member[0], "{{ member.name }}", "Table Heading")
    _shade(member[0], GROUP_FILL)
    _loop_in_cell(member[1], "name in member.members", "name")
    _control_row(structure, 4, "{%tr endfor %}")
    _control_row(structure, 5, "{%tr endfor %}")
    doc.add_paragraph("{%p endif %}")

    # Section B
    _landscape_section(doc)
    _heading(doc, "Section B:\tBrokered support for LAs", "_SectionB", 2)
    widths = [3.2, 7.0, 4.6, 7.0, 4.6]
    las = _table(doc, widths, 4)
    _header_row(las.rows[0], [
        "LA", "Support needed/requested and outcome to be achieved", "Actions",
        "Areas of strength/Offers of help", "Actions",
    ])
    _control_row(las, 1, "{%tr for la in las %}")
    _no_split(las.rows[2])
    cells = las.rows[2].cells
    _write(cells[0], "{{ la.name }}", "Table Heading")
    for cell, key in zip(cells[1:], ["support_needed", "support_actions", "strengths_and_offers", "offer_actions"], strict=False):
        _loop_in_cell(cell, f"item in la.{key}", "item")
    _control_row(las, 3, "{%tr endfor %}")

    # Section C
    _landscape_section(doc)
    _heading(doc, "Section C:\tJoint work programme", "_SectionC", 3)
    doc.add_paragraph("RAG status of the activities, by theme (Blue: complete):", style="Table Text")
    summary = _table(doc, [9.0, 1.8, 1.8, 1.8, 1.8, 1.8, 1.8], 4)
    _header_row(summary.rows[0], ["Theme", "Red", "Amber", "Green", "Blue", "Not rated", "Total"])
    for cell, fill in zip(summary.rows[0].cells[1:5], RAG_FILLS, strict=False):
        cell._tc.get_or_add_tcPr().remove(cell._tc.tcPr.find(qn("w:shd")))
        _shade(cell, fill)
    _control_row(summary, 1, "{%tr for row in rag_summary %}")
    _no_split(summary.rows[2])
    cells = summary.rows[2].cells
    _write(cells[0], "{{ row.label }}", "Table Text")
    for cell, key in zip(cells[1:], ["red", "amber", "green", "blue", "not_rated", "total"], strict=False):
        _write(cell, "{{ row." + key + " }}", "Table Text", WD_ALIGN_PARAGRAPH.CENTER)
    _control_row(summary, 3, "{%tr endfor %}")
    doc.add_paragraph("", style="Table Text")
    widths = [2.6, 3.6, 5.8, 2.3, 1.9, 2.1, 1.7, 3.6, 1.4, 1.4]
    work = _table(doc, widths, 7)
    head1, head2 = work.rows[0], work.rows[1]
    for row in (head1, head2):
        for cell in row.cells:
            _shade(cell, HEADER_FILL)
        _repeat_header(row)
        _no_split(row)
    for col, label in [(0, "Theme"), (1, "Outcome"), (2, "Suggested activity"), (7, "Lead responsibility for activity")]:
        merged = head1.cells[col].merge(head2.cells[col])
        _write(merged, label, "Table Heading")
    rag = head1.cells[3].merge(head2.cells[3])
    # The seed's "Monit-oring" was a hand-made break: a soft hyphen lets Word break there only when it must.
    _write(rag, "Monit", "Table Heading", WD_ALIGN_PARAGRAPH.CENTER)
    rag.paragraphs[0].runs[0]._r.append(OxmlElement("w:softHyphen"))
    rag.paragraphs[0].add_run("oring")
    rag.add_paragraph("RAG", style="Table Heading").alignment = WD_ALIGN_PARAGRAPH.CENTER
    nature = head1.cells[4].merge(head1.cells[6])
    _write(nature, "Nature of activity", "Table Heading", WD_ALIGN_PARAGRAPH.CENTER)
    support = head1.cells[8].merge(head1.cells[9])
    _write(support, "Support", "Table Heading", WD_ALIGN_PARAGRAPH.CENTER)
    for col, label in [(4, "Regional Group Task"), (5, "Seminar/ Workshop"), (6, "Project Work"), (8, "RIA Lead"), (9, "SDSA")]:
        _write(head2.cells[col], label, "Table Heading", WD_ALIGN_PARAGRAPH.CENTER)
    _control_row(work, 2, "{%tr for theme in themes %}")
    _control_row(work, 3, "{%tr for activity in theme.activities %}")
    _no_split(work.rows[4])
    cells = work.rows[4].cells
    # {% vm %} merges a cell over the inner loop: one theme's activities.
    _write(cells[0], "{% vm %}{{ theme.label }}", "Table Heading")
    _write(cells[1], "{% vm %}{{ theme.outcome }}")
    _loop_in_cell(cells[2], "bullet in activity.bullets", "bullet")
    _write(cells[3], "{% cellbg activity.rag_fill %}{{ activity.rag }}", "Table Heading", WD_ALIGN_PARAGRAPH.CENTER)
    for col, key in [(4, "regional_group_task"), (5, "seminar_workshop"), (6, "project_work"), (8, "ria_lead"), (9, "sdsa")]:
        _write(cells[col], "{% if activity." + key + " %}●{% endif %}", "Table Text", WD_ALIGN_PARAGRAPH.CENTER)
    _write(cells[7], "{% vm %}{{ theme.lead }}")
    _control_row(work, 5, "{%tr endfor %}")
    _control_row(work, 6, "{%tr endfor %}")
    doc.add_paragraph(
        "● marks the nature of each activity and who supports it. RAG: Red, Amber, Green; Blue when complete.",
        style="Table Text",
    )

    # Section D
    _landscape_section(doc)
    _heading(doc, "Section D:\tRegional networks", "_SectionD", 4)
    nets = _table(doc, [5.4, 5.0, 5.0, 11.0], 4)
    _header_row(nets.rows[0], ["Regional Network", "Chair or Lead", "Director Link", "Contribution to the RIA Plan and other priorities"])
    _control_row(nets, 1, "{%tr for network in networks %}")
    _no_split(nets.rows[2])
    cells = nets.rows[2].cells
    _write(cells[0], "{{ network.name }}", "Table Heading")
    _write(cells[1], "{{ network.chair }}")
    _write(cells[2], "{{ network.director }}")
    _loop_in_cell(cells[3], "item in network.contribution", "item")
    _control_row(nets, 3, "{%tr endfor %}")

    for section in doc.sections[1:]:
        section.footer.is_linked_to_previous = True
    _save(doc, path)


def _rug(doc) -> None:
    """The tartan rug, under its section: LAs as rows, one column per indicator ({%tc %} loops)."""
    doc.add_paragraph("{%p if section.rug %}")
    intro = doc.add_paragraph("Tartan rug: each LA against each indicator; the letters or symbol beside each "
                              "figure give its band (key below).", style="Table Text")
    intro.paragraph_format.keep_with_next = True
    # The template's total width is the page's: the indicator columns share what the LA column leaves.
    rug = _table(doc, [3.2, 0.1, 13.6, 0.1], 4)
    header = rug.rows[0].cells
    _write(header[0], "LA", "Table Heading")
    _write(header[1], "{%tc for indicator in section.rug.indicators %}")
    _write(header[2], "{{ indicator.heading }}", "Rug Heading")
    _write(header[3], "{%tc endfor %}")
    direction = OxmlElement("w:textDirection")  # indicator names read upwards, as tartan rugs do
    direction.set(qn("w:val"), "btLr")
    _cell_property(header[2], direction)
    rug.rows[0].height = Cm(4.2)
    for cell in header:
        _shade(cell, HEADER_FILL)
    _repeat_header(rug.rows[0])
    _control_row(rug, 1, "{%tr for row in section.rug.rows %}")
    _no_split(rug.rows[2])
    cells = rug.rows[2].cells
    _write(cells[0], "{{ row.la }}", "Table Heading")
    _write(cells[1], "{%tc for cell in row.cells %}")
    _write(cells[2], "{% cellbg cell.fill %}{{ cell.text }}", "Rug Text", WD_ALIGN_PARAGRAPH.CENTER)
    _write(cells[3], "{%tc endfor %}")
    _control_row(rug, 3, "{%tr endfor %}")
    # Every row keeps with the next (the last with the key): a rug that fits on a page is never split.
    for row in (rug.rows[0], rug.rows[2]):
        _keep_with_next(row)
    doc.add_paragraph("Key:", style="Table Heading")
    doc.add_paragraph("{%p for band in section.rug.legend %}")
    doc.add_paragraph("{{ band.code }}: {{ band.label }}", style="Table Text")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p for source in section.rug.sources %}")
    doc.add_paragraph("Source: {{ source }}", style="Table Text")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")


def build_update(path: Path) -> None:
    doc = _new_document()
    doc.add_paragraph("{%p if subtitle %}")
    doc.add_heading("{{ subtitle }}", level=1)
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p for section in sections %}")
    doc.add_heading("{{ section.heading }}", level=2)
    # One paragraph per block, in the style of its kind; Word numbers the numbered items.
    doc.add_paragraph("{%p for block in section.blocks %}")
    doc.add_paragraph('{%p if block.kind == "paragraph" %}')
    doc.add_paragraph("{{ block.text }}")
    doc.add_paragraph('{%p elif block.kind == "numbered" %}')
    doc.add_paragraph("{{ block.text }}", style="List Number")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("{{ block.text }}", style="List Bullet")
    doc.add_paragraph("{%p for sub in block.sub_bullets %}")
    doc.add_paragraph("{{ sub }}", style="List Bullet 2")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endfor %}")
    _rug(doc)
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if not sections %}")
    doc.add_paragraph("No network reported news for this round.")
    doc.add_paragraph("{%p endif %}")
    _save(doc, path)


def build_changes(path: Path) -> None:
    """changes.docx: what changed since the previous round (merge --baseline)."""
    doc = _new_document()
    doc.add_paragraph("{{ region }}: {{ period }} compared with {{ previous_period }}.")
    doc.add_paragraph("{%p if nothing_changed %}")
    doc.add_paragraph("Nothing changed since {{ previous_period }}.")
    doc.add_paragraph("{%p endif %}")
    sections = [
        ("RAG status changes", "rag", "{{ c.theme }}: {{ c.activity }} ({{ c.before }} \u2192 {{ c.after }})"),
        ("Activities added", "added", "{{ c.theme }}: {{ c.activity }}"),
        ("Activities removed", "removed", "{{ c.theme }}: {{ c.activity }}"),
        ("LA support added", "la_added", "{{ c.la }}, {{ c.column }}: {{ c.text }}"),
        ("LA support removed", "la_removed", "{{ c.la }}, {{ c.column }}: {{ c.text }}"),
        ("Chairs and directors", "people", "{{ c.network }}, {{ c.role }}: {{ c.before }} \u2192 {{ c.after }}"),
    ]
    for heading, key, line in sections:
        doc.add_heading(heading, level=2)
        doc.add_paragraph("{%p for c in " + key + " %}")
        doc.add_paragraph(line, style="List Bullet")
        doc.add_paragraph("{%p endfor %}")
        doc.add_paragraph("{%p if not " + key + " %}")
        doc.add_paragraph("None.")
        doc.add_paragraph("{%p endif %}")
    _save(doc, path)


def _hold_section_breaks(doc) -> None:
    """A section break sits on a paragraph holding a space: LibreOffice drops an empty
    section-break paragraph on opening, moving the break onto the paragraph before it,
    which can be a {%p endif %} that rendering removes (and the break with it)."""
    for paragraph in doc.paragraphs:
        if paragraph._p.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None and not paragraph.runs:
            paragraph.add_run(" ")


# Styles a team may apply from Word's Styles pane, kept though no template uses them yet.
_OFFERED_STYLES = re.compile(r"(Normal|Title|Subtitle|Heading \d|List( Bullet| Number| Paragraph| Continue)?( \d)?|Quote|"
                             r"Intense Quote|Caption|Strong|Emphasis|Hyperlink|header|footer|Table Grid|toc \d|"
                             r"Default Paragraph Font|Normal Table|No List|No Spacing)( Char)?$", re.IGNORECASE)


def _trim_styles(doc) -> None:
    """python-docx's blank document defines 160 styles (a 351 KB styles.xml) and carries a
    438 KB stylesWithEffects.xml, which Word rebuilds itself: every rendered document paid
    for them in size and time. Keep the styles the template uses (and those they are based
    on, linked to or followed by), the defaults, and those a team would pick from the pane."""
    parts = [doc.part, doc.part.numbering_part, *(rel.target_part for rel in doc.part.rels.values()
                                                  if rel.reltype.endswith(("/header", "/footer")))]
    used = {value for part in parts for tag in ("pStyle", "rStyle", "tblStyle", "numStyle")
            for value in part.element.xpath(f"//w:{tag}/@w:val")}
    styles = doc.styles.element
    by_id = {style.get(qn("w:styleId")): style for style in styles.iterchildren(qn("w:style"))}
    keep = {style_id for style_id, style in by_id.items()
            if style.get(qn("w:default")) == "1" or style_id in used
            or _OFFERED_STYLES.match(style.find(qn("w:name")).get(qn("w:val")))}
    pending = list(keep)
    while pending:  # what the kept styles lean on
        style = by_id.get(pending.pop())
        for tag in ("basedOn", "link", "next"):
            found = style.find(qn(f"w:{tag}")) if style is not None else None
            if found is not None and found.get(qn("w:val")) not in keep:
                keep.add(found.get(qn("w:val")))
                pending.append(found.get(qn("w:val")))
    for style_id, style in by_id.items():
        if style_id not in keep:
            styles.remove(style)
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.rels.pop(rel_id)


def _save(doc, path: Path) -> None:
    _hold_section_breaks(doc)
    _trim_styles(doc)
    # python-docx's stock thumbnail would show in file browsers as a preview.
    package_rels = doc.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package_rels.pop(rel_id)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = "", "ria-docs", "ria-docs"
    props.comments = "Template for ria-docs: edit the styles and the text in Word, but keep the template tags (in double braces and brace-percent pairs) as they are."
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    doc.save(tmp)
    path.write_bytes(normalise_zip(tmp.read_bytes()))
    tmp.unlink()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    target = Path(args[0])
    names = ("ria-plan.docx", "regional-update.docx", "changes.docx")
    there = [name for name in names if (target / name).exists()]
    if there:  # the templates are the team's: never overwrite one
        print(f"{target} already holds {', '.join(there)}: choose a new folder.", file=sys.stderr)
        return 1
    for name, build in zip(names, (build_plan, build_update, build_changes), strict=False):
        build(target / name)
        print(f"wrote {target / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
