"""Template checks: tag mistakes named by their place, and layout that rendering would lose."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import ROOT
from docx.enum.section import WD_ORIENT

from ria_docs.context import plan_context, update_context
from ria_docs.exceptions import TemplateError
from ria_docs.pipeline import load_plan
from ria_docs.render import render_document, render_docx
from ria_docs.template_check import keep_layout, layout_hazards, lint_template
from ria_docs.template_files import installed_templates

PLAN = ROOT / "templates" / "ria-plan.docx"
SECTION_A = 'under "Section A: Regional overview"'
SECTION_B_TABLE = 'the table under "Section B: Brokered support for LAs" (headed "LA | Support needed/requested …")'
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def plan_ctx(example_outputs):
    return plan_context(load_plan(example_outputs / "plan.json"))


def _render(template: Path, context: dict) -> bytes:
    return render_docx(template, context, title="t", subject="s", author="a")


def _docxtpl_alone(template: Path, context: dict) -> bytes:
    """docxtpl's own render, without ria-docs keeping the layout: what the hazard does."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(template))
    tpl.render(context)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def lint_and_render_say(bad: Path, expected: str, context: dict) -> None:
    """The linter and a failed render name the same mistake in the same words."""
    assert lint_template(bad) == [f"{bad.name}: {expected}"]
    with pytest.raises(TemplateError) as caught:
        _render(bad, context)
    assert str(caught.value) == f"{bad}: {expected}"


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def plan_with(tmp_path: Path, old: str, new: str | None, nth: int = 0) -> Path:
    """A copy of the shipped plan template (read, never written) with one paragraph's text changed
    (or the paragraph deleted, new=None)."""
    document = docx.Document(PLAN)
    hits = [p for p in document.element.body.iter(f"{W}p") if _text(p) == old]
    paragraph = hits[nth]
    if new is None:
        paragraph.getparent().remove(paragraph)
    else:
        texts = list(paragraph.iter(f"{W}t"))
        texts[0].text = new
        for t in texts[1:]:
            t.text = ""
    path = tmp_path / "ria-plan.docx"
    document.save(path)
    return path


def small(tmp_path: Path, *lines: str, heading: str | None = "Part One", name: str = "small.docx") -> Path:
    """A template of paragraphs; a line "|a|b|" is a one-row table of those cells."""
    document = docx.Document()
    if heading:
        document.add_heading(heading, level=1)
    for line in lines:
        if line.startswith("|"):
            cells = line.strip("|").split("|")
            table = document.add_table(rows=1, cols=len(cells))
            for cell, text in zip(table.rows[0].cells, cells, strict=False):
                cell.text = text
        else:
            document.add_paragraph(line)
    path = tmp_path / name
    document.save(path)
    return path


# ---------------------------------------------------------------- (1) tag mistakes


def test_the_shipped_templates_lint_clean(example_outputs):
    plan = load_plan(example_outputs / "plan.json")
    assert lint_template(PLAN, plan_context(plan)) == []
    assert lint_template(ROOT / "templates" / "regional-update.docx", update_context(plan)) == []
    assert lint_template(ROOT / "templates" / "changes.docx") == []
    for installed in installed_templates().glob("*.docx"):
        assert lint_template(installed) == [], installed.name


def test_a_row_loop_that_never_ends_is_named_by_section_and_table(tmp_path, plan_ctx):
    bad = plan_with(tmp_path, "{%tr endfor %}", None, nth=2)  # Section B's
    expected = (f"{SECTION_B_TABLE} starts a row loop ({{%tr for la in las %}}) that never ends: "
                "add {%tr endfor %} in a row below it.")
    lint_and_render_say(bad, expected, plan_ctx)


def test_a_paragraph_loop_that_never_ends(tmp_path, plan_ctx):
    bad = plan_with(tmp_path, "{%p endfor %}", None)  # the overview's
    expected = (f"a paragraph {SECTION_A} starts a paragraph loop ({{%p for paragraph in overview %}}) "
                "that never ends: add {%p endfor %} in a paragraph below it.")
    lint_and_render_say(bad, expected, plan_ctx)


def test_a_column_loop_that_never_ends(tmp_path):
    bad = small(tmp_path, "|Name|{%tc for c in cols %}|{{ c }}|")
    assert lint_template(bad) == [
        'small.docx: the table under "Part One" (headed "Name | {%tc for c in cols %} | …") starts a column '
        "loop ({%tc for c in cols %}) that never ends: add {%tc endfor %} in a cell to its right, in the same row."
    ]
    with pytest.raises(TemplateError, match=re.escape("starts a column loop ({%tc for c in cols %}) that never ends")):
        _render(bad, {"cols": ["a"]})


def test_a_condition_in_a_table_cell_that_never_ends(tmp_path, plan_ctx):
    bad = plan_with(tmp_path, "{% if activity.sdsa %}●{% endif %}", "{% if activity.sdsa %}●")
    expected = ('the table under "Section C: Joint work programme" (headed "Theme | Outcome | Suggested …") starts '
                "a condition ({% if activity.sdsa %}) that never ends: add {% endif %} after it, in the same cell.")
    lint_and_render_say(bad, expected, plan_ctx)


def test_a_plain_loop_in_a_paragraph_that_never_ends(tmp_path):
    bad = small(tmp_path, "Intro", "Names: {% for n in names %}{{ n }}, ")
    assert lint_template(bad) == [
        'small.docx: the paragraph "Names: {% for n in names %}{{ n }}," under "Part One" starts a loop '
        "({% for n in names %}) that never ends: add {% endfor %} after it."
    ]


def test_an_end_with_nothing_open(tmp_path, plan_ctx):
    bad = plan_with(tmp_path, "{%p if structure %}", None)
    expected = (f"a paragraph {SECTION_A} has {{%p endif %}} but no {{%p if … %}} is open there: "
                "delete it, or add the {%p if … %} it ends above it.")
    lint_and_render_say(bad, expected, plan_ctx)


def test_an_endif_where_an_endfor_was_expected(tmp_path, plan_ctx):
    bad = plan_with(tmp_path, "{%p endfor %}", "{%p endif %}")
    expected = (f"a paragraph {SECTION_A} has {{%p endif %}} where {{%p endfor %}} was expected, to end a paragraph "
                "loop ({%p for paragraph in overview %}): change it to {%p endfor %}.")
    lint_and_render_say(bad, expected, plan_ctx)


def test_crossed_blocks_are_one_message(tmp_path):
    bad = small(tmp_path, "{%p if show %}", "{%p for n in names %}", "{{ n }}", "{%p endif %}", "{%p endfor %}")
    assert lint_template(bad) == [
        'small.docx: a paragraph under "Part One" has {%p endif %}, which ends a paragraph condition '
        "({%p if show %}) while a paragraph loop ({%p for n in names %}) opened inside it is still open: "
        "the two cross. Put {%p endfor %} above {%p endif %}."
    ]
    with pytest.raises(TemplateError, match="the two cross"):
        _render(bad, {"show": True, "names": ["a"]})


def test_a_tag_with_a_broken_brace_is_one_message(tmp_path, plan_ctx):
    bad = plan_with(tmp_path, "{%tr for la in las %}", "{%tr for la in las }")
    expected = (f'{SECTION_B_TABLE} has a tag that is not closed: "{{%tr for la in las }}" needs "%}}" at its end '
                '(it ends "}").')
    lint_and_render_say(bad, expected, plan_ctx)  # and not its {%tr endfor %} as well


def test_a_closing_brace_with_no_opening(tmp_path):
    bad = small(tmp_path, "Region: { region }}")
    assert lint_template(bad) == [
        'small.docx: the paragraph "Region: { region }}" under "Part One" has "}}" with no "{{" before it, in '
        '"Region: { region }}": the tag\'s opening "{{" is missing or broken.'
    ]


def test_a_value_split_across_runs_renders_and_lints_clean(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Hello {{ na")
    paragraph.add_run("me }}!").bold = True  # Word splits a tag where its formatting changes
    document.save(tmp_path / "runs.docx")
    assert lint_template(tmp_path / "runs.docx") == []
    out = docx.Document(io.BytesIO(_render(tmp_path / "runs.docx", {"name": "Ann"})))
    assert [p.text for p in out.paragraphs] == ["Hello Ann!"]


def test_a_value_split_across_paragraphs_or_cells_renders_but_is_reported(tmp_path):
    """docxtpl joins what the tag spans: no error, but the paragraphs (or cells) become one."""
    paragraphs = small(tmp_path, "Hello {{ na", "me }} there", heading=None, name="paragraphs.docx")
    out = docx.Document(io.BytesIO(_render(paragraphs, {"name": "Ann"})))
    assert [p.text for p in out.paragraphs] == ["Hello Ann there"]
    assert lint_template(paragraphs) == [
        'paragraphs.docx: the paragraph "Hello {{ na" near the start of the document has the tag "{{ name }}" '
        'split over 2 paragraphs ("{{ na" and "me }}"): rendering joins them, so they become one paragraph. '
        "Put the whole tag in one paragraph."
    ]
    cells = small(tmp_path, "|{{ na|me }}|", heading=None, name="cells.docx")
    out = docx.Document(io.BytesIO(_render(cells, {"name": "Ann"})))
    assert [[c.text for c in row.cells] for row in out.tables[0].rows] == [["Ann"]]
    assert lint_template(cells) == [
        'cells.docx: the table near the start of the document (headed "{{ na | me }}") has the tag "{{ name }}" '
        'split over 2 table cells ("{{ na" and "me }}"): rendering joins them, so the cells become one and the '
        "row loses a cell. Put the whole tag in one paragraph."
    ]


def test_a_value_ria_docs_does_not_provide_names_the_tag_and_close_names(tmp_path, plan_ctx):
    bad = plan_with(tmp_path, "{{ la.name }}", "{{ la.nmae }}")
    expected = (f'{SECTION_B_TABLE} has {{{{ la.nmae }}}}, which uses "la.nmae", a value ria-docs does not provide '
                '(did you mean "la.name"?). The values are listed in the README, under "Values the templates can use".')
    with pytest.raises(TemplateError) as caught:
        _render(bad, plan_ctx)
    assert str(caught.value) == f"{bad}: {expected}"
    assert lint_template(bad, plan_ctx) == [f"ria-plan.docx: {expected}"]
    assert lint_template(bad) == []  # without the values, names cannot be checked


def test_an_unknown_top_level_value(tmp_path, plan_ctx):
    bad = plan_with(tmp_path, "{{ title }}", "{{ titel }}")
    with pytest.raises(TemplateError) as caught:
        _render(bad, plan_ctx)
    assert str(caught.value) == (
        f'{bad}: a paragraph near the start of the document has {{{{ titel }}}}, which uses "titel", a value '
        'ria-docs does not provide (did you mean "title"?). The values are listed in the README, under '
        '"Values the templates can use".'
    )


def test_an_unknown_value_with_nothing_close_lists_what_is_there(tmp_path):
    bad = small(tmp_path, "{{ zzz }}")
    with pytest.raises(TemplateError) as caught:
        _render(bad, {"region": "R", "period": "P"})
    assert str(caught.value).endswith(
        'has {{ zzz }}, which uses "zzz", a value ria-docs does not provide (it provides: period, region). '
        'The values are listed in the README, under "Values the templates can use".'
    )


def test_misspelt_and_misplaced_tags(tmp_path):
    bad = small(tmp_path, "{% tr for x in xs %}", "{% iff x %}yes{% endif %}", "{%tr endfor %}")
    assert lint_template(bad) == [
        'small.docx: a paragraph under "Part One" has {% tr for x in xs %}: write it {%tr for x in xs %}, '
        'with no space between "{%" and "tr".',
        'small.docx: the paragraph "{% iff x %}yes{% endif %}" under "Part One" has {% iff x %}: "iff" is not a '
        'template tag (did you mean "if"?).',
        'small.docx: a paragraph under "Part One" has {%tr endfor %} outside a table: {%tr %} tags go in a table '
        "row; in a paragraph use {%p … %}.",
    ]


def test_a_mistake_in_the_footer_is_named_there(tmp_path):
    document = docx.Document()
    document.add_paragraph("{{ title }}")
    document.sections[0].footer.paragraphs[0].text = "{{ title } | Page"
    document.save(tmp_path / "footer.docx")
    expected = ('the footer paragraph "{{ title } | Page" has a tag that is not closed: "{{ title } | Page" needs '
                '"}}" at its end.')
    assert lint_template(tmp_path / "footer.docx") == [f"footer.docx: {expected}"]
    with pytest.raises(TemplateError) as caught:
        _render(tmp_path / "footer.docx", {"title": "T"})
    assert str(caught.value) == f"{tmp_path / 'footer.docx'}: {expected}"


def test_text_beside_a_paragraph_tag_is_reported_as_dropped(tmp_path):
    bad = small(tmp_path, "Names below {%p for n in names %}", "{{ n }}", "{%p endfor %}")
    assert lint_template(bad) == [
        'small.docx: the paragraph "Names below {%p for n in names %}" under "Part One" has "Names below" in the '
        "paragraph of {%p for n in names %}, and rendering removes that whole paragraph: put the text in a "
        "paragraph of its own."
    ]


def test_lint_lists_every_problem_and_never_writes_the_template(tmp_path):
    bad = small(tmp_path, "{%p for n in names %}", "{{ n }}", "{%p if x %}", "{{ y }")
    before = hashlib.sha256(bad.read_bytes()).hexdigest()
    assert lint_template(bad) == [
        'small.docx: the paragraph "{{ y }" under "Part One" has a tag that is not closed: "{{ y }" needs "}}" '
        'at its end (it ends "}").',
        'small.docx: a paragraph under "Part One" starts a paragraph loop ({%p for n in names %}) that never ends: '
        "add {%p endfor %} in a paragraph below it.",
        'small.docx: a paragraph under "Part One" starts a paragraph condition ({%p if x %}) that never ends: '
        "add {%p endif %} in a paragraph below it.",
    ]
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == before


def test_a_file_that_is_not_a_docx(tmp_path):
    (tmp_path / "notes.docx").write_text("not a zip")
    assert lint_template(tmp_path / "notes.docx") == [
        'notes.docx: cannot be read as a Word .docx template (BadZipFile): in Word or Writer, use File > Save As '
        'and choose "Word 2007-365 (.docx)".'
    ]


# ---------------------------------------------------------------- (2) layout that rendering removes


def _orientations(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode()
    return ["landscape" if 'w:orient="landscape"' in s else "portrait"
            for s in re.findall(r"<w:sectPr\b.*?</w:sectPr>", xml, re.S)]


def sections_template(tmp_path: Path, tag_lines: list[str], carrier: int, name: str = "sections.docx") -> Path:
    """Part One (portrait) whose section break sits on tag_lines[carrier], as Writer leaves it
    when it drops the empty paragraph that held the break; then Part Two, landscape."""
    document = docx.Document()
    document.add_heading("Part One", level=1)
    paragraphs = [document.add_paragraph(line) for line in tag_lines]
    document.add_section()  # python-docx puts the first section's break on a new empty paragraph
    holder = document.paragraphs[-1]._p
    sect = holder.pPr.sectPr
    paragraphs[carrier]._p.get_or_add_pPr().append(sect)
    holder.getparent().remove(holder)
    last = document.sections[-1]
    last.orientation, last.page_width, last.page_height = WD_ORIENT.LANDSCAPE, last.page_height, last.page_width
    document.add_heading("Part Two", level=1)
    document.add_paragraph("Wide things")
    path = tmp_path / name
    document.save(path)
    return path


PART_ONE_BREAK = 'the section break that ends "Part One" (portrait, new page)'
WORD_FIX = "put the section break after a paragraph that always stays, e.g. a paragraph below the tag holding a space (Writer drops an empty one)."


def test_a_section_break_on_an_endif_paragraph_is_a_hazard_and_keep_layout_fixes_the_copy(tmp_path):
    path = sections_template(tmp_path, ["{%p if show %}", "Shown", "{%p endif %}"], carrier=2)
    before = path.read_bytes()
    context = {"show": True}
    assert _orientations(_docxtpl_alone(path, context)) == ["landscape"]  # the hazard is real: Part One's page is gone
    rendered = render_document(path, context, title="t", subject="s", author="a")
    assert _orientations(rendered.data) == ["portrait", "landscape"]  # render keeps it, and says so
    assert rendered.notes == [
        f'{path}: Moved {PART_ONE_BREAK} off the paragraph "{{%p endif %}}", which rendering removes, onto an empty '
        f"paragraph after it. To fix the template, in Word {WORD_FIX}"
    ]

    document = docx.Document(path)
    assert layout_hazards(document) == [
        f'{PART_ONE_BREAK} sits on the paragraph "{{%p endif %}}", which rendering removes: that section would run '
        f"on into the next and take its page layout (landscape). In Word, {WORD_FIX}"
    ]
    assert keep_layout(document) == [
        f'Moved {PART_ONE_BREAK} off the paragraph "{{%p endif %}}", which rendering removes, onto an empty '
        f"paragraph after it. To fix the template, in Word {WORD_FIX}"
    ]
    assert layout_hazards(document) == []
    assert path.read_bytes() == before  # only the Document in memory changed
    document.save(tmp_path / "fixed.docx")
    for show in (True, False):
        rendered = _render(tmp_path / "fixed.docx", {"show": show})
        assert _orientations(rendered) == ["portrait", "landscape"]
        body = docx.Document(io.BytesIO(rendered)).element.body
        [carrier] = [p for p in body.iter(f"{W}p") if p.find(f"{W}pPr/{W}sectPr") is not None]
        assert _text(carrier) == "" and _text(carrier.getprevious()) == ("Shown" if show else "Part One")


def test_a_section_break_on_a_loop_opening_goes_before_the_loop(tmp_path):
    path = sections_template(tmp_path, ["Intro", "{%p for n in names %}", "{{ n }}", "{%p endfor %}"], carrier=1)
    document = docx.Document(path)
    assert keep_layout(document) == [
        f'Moved {PART_ONE_BREAK} off the paragraph "{{%p for n in names %}}", which rendering removes, onto an '
        f"empty paragraph before it. To fix the template, in Word {WORD_FIX}"
    ]
    document.save(tmp_path / "fixed.docx")
    for names in (["a", "b", "c"], []):  # once, whatever the loop gives
        assert _orientations(_render(tmp_path / "fixed.docx", {"names": names})) == ["portrait", "landscape"]


def test_a_section_break_on_an_else_is_reported_not_moved(tmp_path):
    path = sections_template(tmp_path, ["{%p if show %}", "Yes", "{%p else %}", "No", "{%p endif %}"], carrier=2)
    document = docx.Document(path)
    hazard = (f'{PART_ONE_BREAK} sits on the paragraph "{{%p else %}}", which rendering removes: that section would '
              f"run on into the next and take its page layout (landscape). In Word, {WORD_FIX}")
    assert layout_hazards(document) == [hazard]
    assert keep_layout(document) == [hazard]  # both sides of an else are inside the block: no exact place


def _page_break_template(tmp_path: Path, carrier: int) -> Path:
    document = docx.Document()
    document.add_heading("Part One", level=1)
    lines = ["{%p for n in names %}", "{{ n }}", "{%p endfor %}", "After the list"]
    paragraphs = [document.add_paragraph(line) for line in lines]
    paragraphs[carrier].paragraph_format.page_break_before = True
    document.save(tmp_path / "breaks.docx")
    return tmp_path / "breaks.docx"


def test_a_page_break_on_a_loop_end_moves_to_the_paragraph_after(tmp_path):
    path = _page_break_template(tmp_path, carrier=2)
    document = docx.Document(path)
    assert layout_hazards(document) == [
        'the page break on the paragraph "{%p endfor %}" (under "Part One") is lost: rendering removes that '
        "paragraph. In Word, put the page break on a paragraph that always stays, e.g. the first paragraph after "
        "the tag (Paragraph > Line and Page Breaks > Page break before)."
    ]
    assert keep_layout(document) == [
        'Moved the page break off the paragraph "{%p endfor %}", which rendering removes, onto the paragraph after '
        'it ("After the list"). To fix the template, in Word put the page break on that paragraph (Paragraph > '
        "Line and Page Breaks > Page break before)."
    ]
    document.save(tmp_path / "fixed.docx")
    out = docx.Document(io.BytesIO(_render(tmp_path / "fixed.docx", {"names": ["a", "b"]})))
    assert [(p.text, bool(p.paragraph_format.page_break_before)) for p in out.paragraphs] == [
        ("Part One", False), ("a", False), ("b", False), ("After the list", True)]


def test_a_page_break_on_a_loop_opening_is_reported_not_moved(tmp_path):
    """Moved onto the loop's first paragraph it would repeat for every item: no exact place."""
    document = docx.Document(_page_break_template(tmp_path, carrier=0))
    hazard = ('the page break on the paragraph "{%p for n in names %}" (under "Part One") is lost: rendering removes '
              "that paragraph. In Word, put the page break on a paragraph that always stays, e.g. the first "
              "paragraph after the tag (Paragraph > Line and Page Breaks > Page break before).")
    assert keep_layout(document) == [hazard]


def test_a_page_break_in_a_removed_table_row_is_reported(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "{%tr for n in names %}"
    table.cell(0, 0).paragraphs[0].add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
    table.cell(1, 0).text = "{{ n }}"
    assert layout_hazards(document) == [
        'the page break on a table row holding "{%tr for n in names %}" (under the first part of the document) is '
        "lost: rendering removes that table row. In Word, put the page break on a paragraph that always stays, "
        "e.g. the first paragraph after the tag (Paragraph > Line and Page Breaks > Page break before)."
    ]


def test_the_shipped_plan_has_no_layout_hazards():
    assert layout_hazards(docx.Document(PLAN)) == []


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.libreoffice
@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_the_plan_saved_by_libreoffice_keeps_its_page_layout_after_keep_layout(tmp_path, plan_ctx):
    """Writer moves Section A's break off an empty paragraph onto {%p endif %}: rendered as saved,
    every page is landscape; after keep_layout the sections are the original template's.

    The shipped plan holds its breaks on paragraphs holding a space, which Writer keeps; a plan
    whose break paragraphs a user emptied (as the first shipped version had them) is the hazard.
    """
    emptied = tmp_path / "emptied" / "ria-plan.docx"
    emptied.parent.mkdir()
    document = docx.Document(PLAN)
    for paragraph in document.paragraphs:
        if paragraph._p.pPr is not None and paragraph._p.pPr.sectPr is not None and not paragraph.text.strip():
            for run in paragraph.runs:
                run._r.getparent().remove(run._r)
    document.save(emptied)
    saved = tmp_path / "saved"
    subprocess.run(
        [_soffice(), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--norestore",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(saved), str(emptied)],
        check=True, capture_output=True, timeout=240, start_new_session=True,
    )
    saved_plan = saved / "ria-plan.docx"
    original = _orientations(_render(PLAN, plan_ctx))
    assert original == ["portrait", "landscape", "landscape", "landscape"]
    assert _orientations(_docxtpl_alone(saved_plan, plan_ctx)) == ["landscape", "landscape", "landscape"]

    document = docx.Document(saved_plan)
    assert layout_hazards(document) == [
        'the section break that ends "Section A: Regional overview" (portrait, new page) sits on the paragraph '
        '"{%p endif %}", which rendering removes: that section would run on into the next and take its page '
        f"layout (landscape). In Word, {WORD_FIX}"
    ]
    assert keep_layout(document) == [
        'Moved the section break that ends "Section A: Regional overview" (portrait, new page) off the paragraph '
        '"{%p endif %}", which rendering removes, onto an empty paragraph after it. To fix the template, in Word '
        f"{WORD_FIX}"
    ]
    fixed = tmp_path / "fixed" / "ria-plan.docx"
    fixed.parent.mkdir()
    document.save(fixed)
    assert lint_template(fixed, plan_ctx) == []
    assert _orientations(_render(fixed, plan_ctx)) == original
