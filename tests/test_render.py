"""The rendered documents' structure, read back from their XML."""

from __future__ import annotations

import re
import zipfile

import docx
import pytest
from conftest import ROOT, about
from docx_helpers import (
    NS,
    cell_prop,
    cell_text,
    cells,
    paragraph_style,
    paragraph_text,
    rows,
    table_after,
    text_lines,
)

from ria_docs.exceptions import TemplateError
from ria_docs.pipeline import merge_folder, render_documents
from ria_docs.region import load_region

REGION = load_region(ROOT / "inputs" / "region.toml")


def test_section_b_has_one_row_per_la_in_region_order(example_outputs):
    table = table_after(example_outputs / "ria-plan.docx", "Section B:")
    body_rows = rows(table)[1:]
    assert [cell_text(cells(r)[0]) for r in body_rows] == REGION.las
    leicester = next(r for r in body_rows if cell_text(cells(r)[0]) == "Leicester")
    needed = cells(leicester)[1].findall("w:p", NS)
    assert [paragraph_text(p) for p in needed][:2] == ["Permanence Strategy", "Foster Carer Reviews"]
    assert {paragraph_style(p) for p in needed} == {"TableBullet"}


def test_section_b_empty_la_cells_still_hold_a_paragraph(example_outputs):
    table = table_after(example_outputs / "ria-plan.docx", "Section B:")
    derby = rows(table)[1]
    assert cell_text(cells(derby)[0]) == "Derby"
    for tc in cells(derby)[1:]:
        assert tc.findall("w:p", NS), "a cell without a paragraph makes Word report a damaged file"


def test_section_c_header_cells_span_as_in_the_seed(example_outputs):
    table = table_after(example_outputs / "ria-plan.docx", "Section C:", skip=1)
    first, second = rows(table)[:2]
    spans = [(cell_text(tc), cell_prop(tc, "gridSpan"), cell_prop(tc, "vMerge")) for tc in cells(first)]
    assert spans == [
        ("Theme", None, "restart"),
        ("Outcome", None, "restart"),
        ("Suggested activity", None, "restart"),
        ("Monitoring\nRAG", None, "restart"),
        ("Nature of activity", "3", None),
        ("Lead responsibility for activity", None, "restart"),
        ("Support", "2", None),
    ]
    # The seed's hand-made "Monit-oring" is a soft hyphen: shown only where Word must break the word.
    assert cells(first)[3].find("w:p/w:r/w:softHyphen", NS) is not None
    labels = [cell_text(tc) for tc in cells(second)]
    assert labels == ["", "", "", "", "Regional Group Task", "Seminar/ Workshop", "Project Work", "", "RIA Lead", "SDSA"]
    for row in (first, second):
        assert row.find("w:trPr/w:tblHeader", NS) is not None, "header rows repeat on each page"


def _theme_rows(path, code):
    table = table_after(path, "Section C:", skip=1)
    body_rows = rows(table)[2:]
    start = next(i for i, r in enumerate(body_rows) if cell_text(cells(r)[0]).startswith(f"{code}:"))
    group = [body_rows[start]]
    for row in body_rows[start + 1 :]:
        if cell_prop(cells(row)[0], "vMerge") not in ("continue", ""):  # Word reads both as continue
            break
        group.append(row)
    return group


def test_a_theme_with_four_activities_has_its_theme_cell_merged_over_four_rows(example_outputs):
    group = _theme_rows(example_outputs / "ria-plan.docx", "A")
    assert len(group) == 4
    first = cells(group[0])
    assert cell_text(first[0]) == "A: Increasing Placement Sufficiency"
    assert [cell_prop(first[i], "vMerge") for i in (0, 1, 7)] == ["restart"] * 3
    for row in group[1:]:
        assert cell_prop(cells(row)[0], "vMerge") == "continue" and cell_text(cells(row)[0]) == ""
        assert cell_prop(cells(row)[1], "vMerge") == "continue"
        assert cell_prop(cells(row)[7], "vMerge") == "continue"
    # the next theme starts its own merge
    assert cell_text(cells(_theme_rows(example_outputs / "ria-plan.docx", "B")[0])[0]).startswith("B:")


def test_ticks_show_as_dots_where_the_return_said_yes(example_outputs):
    group = _theme_rows(example_outputs / "ria-plan.docx", "A")
    ticks = [[cell_text(cells(r)[i]) for i in (4, 5, 6, 8, 9)] for r in group]
    assert ticks == [
        ["●", "", "●", "", "●"],
        ["●", "", "●", "", "●"],
        ["●", "", "●", "", "●"],
        ["●", "", "", "●", ""],
    ]


def test_multi_line_activity_is_one_row_with_several_bullets(example_outputs):
    group = _theme_rows(example_outputs / "ria-plan.docx", "M")
    assert len(group) == 1
    bullets = cells(group[0])[2].findall("w:p", NS)
    assert len(bullets) == 4
    assert {paragraph_style(p) for p in bullets} == {"TableBullet"}


def test_bullets_are_word_list_paragraphs_not_typed_dots(tmp_path, eastern_outputs):
    document = docx.Document(eastern_outputs / "regional-update.docx")
    numbered = {
        name for name in ("List Bullet", "List Bullet 2")
        if document.styles[name].element.pPr.numPr.numId is not None
    }
    bullets = [p for p in document.paragraphs if p.style.name.startswith("List Bullet")]
    assert len(bullets) == 22  # seed 003: 14 bullets, 8 nested under "The priority areas are:"
    assert all(p.style.name in numbered for p in bullets)
    assert not any(p.text.lstrip().startswith(("•", "·", "-")) for p in bullets)
    assert sum(p.style.name == "List Bullet 2" for p in bullets) == 8
    # and it ends, as the seed does, with a plain paragraph; under the title, the subtitle from region.toml
    last, subtitle = document.paragraphs[-1], document.paragraphs[1]
    assert (last.style.name, last.text[:27]) == ("Normal", "A regional leaders’ event f")
    assert (subtitle.style.name, subtitle.text) == ("Heading 1", "The Eastern Regional Update")


def test_wide_sections_are_on_landscape_pages(example_outputs):
    document = docx.Document(example_outputs / "ria-plan.docx")
    orientations = [s.page_width > s.page_height for s in document.sections]
    assert orientations == [False, True, True, True]  # A portrait; B, C, D landscape


def test_section_c_table_fits_its_landscape_page(example_outputs):
    document = docx.Document(example_outputs / "ria-plan.docx")
    section = document.sections[2]
    usable = section.page_width - section.left_margin - section.right_margin
    table = table_after(example_outputs / "ria-plan.docx", "Section C:", skip=1)
    widths = [int(col.get(f"{{{NS['w']}}}w")) for col in table.findall("w:tblGrid/w:gridCol", NS)]
    assert len(widths) == 10
    assert sum(widths) * 635 <= usable  # twips to EMU


def _merge_one(cycle, add_return, tmp_path, rows_):
    add_return("commissioning.xlsx", about(), {"Work programme": rows_})
    result = merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    assert result.written, [p.format() for p in result.check.report.errors]
    return tmp_path / "out"


def test_red_activity_has_a_red_rag_cell_labelled_red(cycle, add_return, tmp_path):
    out = _merge_one(cycle, add_return, tmp_path, [
        {"Theme": "A", "Activity": "Late", "RAG": "Red"},
        {"Activity": "On track", "RAG": "g"},
        {"Activity": "Not rated"},
    ])
    group = _theme_rows(out / "ria-plan.docx", "A")
    rag = [(cell_text(cells(r)[3]), cell_prop(cells(r)[3], "shd")) for r in group]
    assert rag == [("Red", "FF0000"), ("Green", "00B050"), ("", "auto")]


MARKUP = 'Tom & Jerry <b>bold</b> "quoted" \'single\' {{ x }} {% if y %}z{% endif %} {#c#}'


def test_markup_in_cells_comes_out_literally_and_the_files_open(cycle, add_return, tmp_path):
    add_return("commissioning.xlsx", about(), {
        "Work programme": [{"Theme": "A", "Outcome": MARKUP, "Activity": MARKUP, "Lead responsibility": "A & B"}],
        "LA support": [{"LA": "Derby", "Support needed": MARKUP}],
        "Contribution": [{"Contribution": MARKUP}],
        "Update": [{"Section": "Regional Priorities", "Bullet": MARKUP, "Sub-bullet": "x < y & z"}],
    })
    result = merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    assert result.written
    plan_lines = text_lines(tmp_path / "out" / "ria-plan.docx")
    assert plan_lines.count(MARKUP) == 4  # outcome, activity, LA support, contribution
    assert "A & B" in plan_lines
    # template text after the values survived (a broken escape would drop it)
    assert any(line.startswith("Section D:") for line in plan_lines)
    update_lines = text_lines(tmp_path / "out" / "regional-update.docx")
    assert MARKUP in update_lines and "x < y & z" in update_lines
    for name in ("ria-plan.docx", "regional-update.docx"):
        docx.Document(tmp_path / "out" / name)  # opens


def test_same_inputs_give_the_same_bytes(tmp_path):
    first = merge_folder(ROOT / "inputs", tmp_path / "a", templates=ROOT / "templates")
    second = merge_folder(ROOT / "inputs", tmp_path / "b", templates=ROOT / "templates")
    assert first.written and second.written
    for name in ("ria-plan.docx", "regional-update.docx", "plan.json", "merge-report.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_document_properties_name_the_document(example_outputs):
    props = docx.Document(example_outputs / "ria-plan.docx").core_properties
    assert props.title == "East Midlands Regional Improvement and Innovation Alliance Plan 2019/20"
    assert props.author == "East Midlands RIA"
    assert props.comments == ""  # not the template's note to its editors
    assert props.created.date().isoformat() == "2019-12-09"  # the newest return, not "now"
    with zipfile.ZipFile(example_outputs / "ria-plan.docx") as package:
        assert "docProps/thumbnail.jpeg" not in package.namelist()
    with zipfile.ZipFile(example_outputs / "ria-plan.docx") as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_template_with_a_tag_mistake_is_a_clear_error(tmp_path, example_outputs):
    bad = tmp_path / "templates"
    bad.mkdir()
    document = docx.Document()
    document.add_paragraph("{%p for x in las %}")
    document.add_paragraph("{{ x.name }}")  # no endfor
    document.save(bad / "ria-plan.docx")
    document.save(bad / "regional-update.docx")
    from ria_docs.pipeline import load_plan

    plan = load_plan(example_outputs / "plan.json")
    with pytest.raises(TemplateError) as caught:
        render_documents(plan, bad)
    assert str(caught.value) == (
        f"{bad / 'ria-plan.docx'}: a paragraph near the start of the document starts a paragraph loop "
        "({%p for x in las %}) that never ends: add {%p endfor %} in a paragraph below it."
    )


def test_a_template_using_an_unknown_value_names_it(tmp_path, example_outputs):
    bad = tmp_path / "templates"
    bad.mkdir()
    document = docx.Document()
    document.add_paragraph("{{ regoin }}")
    document.save(bad / "ria-plan.docx")
    document.save(bad / "regional-update.docx")
    from ria_docs.pipeline import load_plan

    with pytest.raises(TemplateError) as caught:
        render_documents(load_plan(example_outputs / "plan.json"), bad)
    assert str(caught.value) == (
        f'{bad / "ria-plan.docx"}: a paragraph near the start of the document has {{{{ regoin }}}}, which uses '
        '"regoin", a value ria-docs does not provide (did you mean "region"?). The values are listed in the '
        'README, under "Values the templates can use".'
    )


def test_column_loops_still_get_their_grid_fixed(tmp_path):
    """{%tc %} loops can leave rows with more cells than the table grid; docxtpl's fix still runs then."""
    from ria_docs.render import render_docx

    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ["{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"], strict=False):
        cell.text = text
    document.save(tmp_path / "columns.docx")
    data = render_docx(tmp_path / "columns.docx", {"cols": ["a", "b", "c", "d", "e"]}, title="t", subject="s", author="a")
    (tmp_path / "out.docx").write_bytes(data)
    [table] = [t for t in __import__("docx_helpers").tables(tmp_path / "out.docx")]
    grid = table.findall("w:tblGrid/w:gridCol", NS)
    assert [cell_text(c) for c in cells(rows(table)[0])] == ["a", "b", "c", "d", "e"]
    assert len(grid) == 5


def test_verification_refuses_a_document_whose_xml_is_broken(example_outputs):
    from ria_docs.render import verify_docx

    data = (example_outputs / "ria-plan.docx").read_bytes()
    verify_docx(data, "ria-plan.docx")  # the real one passes
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"</w:body>", b"<w:p></w:body>")
    broken = __import__("io").BytesIO()
    with zipfile.ZipFile(broken, "w") as package:
        for name, part in parts.items():
            package.writestr(name, part)
    with pytest.raises(TemplateError, match=r"ria-plan.docx: the rendered document does not open cleanly \(mismatched tag"):
        verify_docx(broken.getvalue(), "ria-plan.docx")


@pytest.mark.parametrize("typed", ["Keep {_{ this }_} and {_% that %_}", "Literal {{ name }} and {% if x %}",
                                   "Angle <b> & ampersand", "_x0041_ stays"])
def test_a_chairs_text_comes_out_exactly_as_typed(cycle, add_return, tmp_path, typed):
    """docxtpl turns {_{ into {{ after rendering, for template authors; a chair's text is never rewritten."""
    add_return("r.xlsx", about(), {"Contribution": [{"Contribution": typed}],
                                   "Work programme": [{"Theme": "A", "Activity": typed}]})
    result = merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    assert result.written, [p.format() for p in result.check.report.problems]
    document = docx.Document(tmp_path / "out" / "ria-plan.docx")
    texts = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert texts.count(typed) >= 2  # the Section C activity and the Section D contribution


def test_properties_longer_than_words_limit_are_cut_not_a_traceback(cycle, add_return, tmp_path):
    """region.toml's author, region or plan_year past 255 characters (Word's limit for a document property)
    are cut to 255 in the properties, ending in "…"; the documents' text keeps them whole."""
    text = (cycle / "region.toml").read_text(encoding="utf-8")
    long_region = "Testshire " + "x" * 300
    text = text.replace('region = "Testshire"', f'region = "{long_region}"\nauthor = "{"A" * 300}"')
    (cycle / "region.toml").write_text(text, encoding="utf-8")
    add_return("commissioning.xlsx", about())
    result = merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    assert result.written
    props = docx.Document(tmp_path / "out" / "ria-plan.docx").core_properties
    assert props.author == "A" * 254 + "\u2026"
    assert len(props.title) == 255 and props.title.endswith("\u2026")
    # A plan.json edited by hand the same way renders too.
    from click.testing import CliRunner

    from ria_docs.cli import main

    rendered = CliRunner().invoke(main, ["render", str(tmp_path / "out" / "plan.json"), "-o", str(tmp_path / "again"),
                                         "--templates", str(ROOT / "templates")])
    assert rendered.exit_code == 0, rendered.output
    assert docx.Document(tmp_path / "again" / "ria-plan.docx").core_properties.author == "A" * 254 + "\u2026"


# -- Both render paths: the text path (the usual) and the tree path (docxtpl's own) ------------


@pytest.fixture(scope="module")
def template_contexts() -> dict[str, dict]:
    """Each shipped template's context, from the example rounds (as test_shipped_templates)."""
    from ria_docs.changes import compare
    from ria_docs.changes import context as changes_context
    from ria_docs.context import plan_context, update_context
    from ria_docs.pipeline import check_folder

    plan = check_folder(ROOT / "inputs").plan
    eastern = check_folder(ROOT / "examples" / "eastern").plan
    return {"ria-plan.docx": plan_context(plan), "regional-update.docx": update_context(eastern),
            "changes.docx": changes_context(compare(plan, plan), plan)}


def _render_through(path: str, template, context, monkeypatch, when) -> dict[str, bytes]:
    """The rendered package's parts, the path forced by ``_needs_tree``."""
    import io

    from ria_docs import render

    monkeypatch.setattr(render, "_needs_tree", lambda tpl, body: path == "tree")
    data = render.render_docx(template, context, title="A title", subject="A subject", author="An author", when=when)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def _canonical(xml: bytes, *, widths: bool = True) -> bytes:
    """Canonical XML (C14N), so the XML declaration, attribute order and
    self-closed tags do not count; without ``widths``, the tables' column and
    cell widths left out."""
    from lxml import etree

    root = etree.fromstring(xml)
    if not widths:
        w = f"{{{NS['w']}}}"
        for node in [*root.iter(f"{w}gridCol"), *root.iter(f"{w}tcW")]:
            node.getparent().remove(node)
    return etree.tostring(root, method="c14n")


SHIPPED = sorted(p.name for p in (ROOT / "templates").glob("*.docx"))


@pytest.mark.parametrize("when", [None, "round date"])
@pytest.mark.parametrize("name", SHIPPED)
def test_both_render_paths_give_the_same_document(name, when, template_contexts, monkeypatch):
    """render_docx keeps the body as text (no lxml tree of it) unless a template needs docxtpl's tree
    fixes (_needs_tree). Forced through each path, every shipped template gives the same document:
    the same parts, the same body, headers and footers as canonical XML, every other part byte for
    byte. The one difference by design: a template with column loops ({%tc %}) gets its columns
    shared out (_share_columns) only on the tree path, which is why it is rendered there."""
    import datetime as dt

    from docxtpl import DocxTemplate

    from ria_docs.render import _needs_tree

    template = ROOT / "templates" / name
    moment = dt.datetime(2024, 6, 3, 12, 0) if when else None
    tree = _render_through("tree", template, template_contexts[name], monkeypatch, moment)
    text = _render_through("text", template, template_contexts[name], monkeypatch, moment)
    assert sorted(tree) == sorted(text)
    loaded = DocxTemplate(str(template))
    loaded.render_init()
    column_loops = "{%tc " in loaded.get_xml()
    assert column_loops == (name == "regional-update.docx")  # the shipped template with column loops
    assert _needs_tree(loaded, loaded.get_xml()) == column_loops
    for part in tree:
        if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes)\.xml", part):
            assert _canonical(tree[part], widths=not column_loops) == _canonical(text[part], widths=not column_loops), part
        else:
            assert tree[part] == text[part], part
    if column_loops:  # and without the columns shared out, the text path's tables would overflow their grid
        assert _canonical(tree["word/document.xml"]) != _canonical(text["word/document.xml"])
