"""The shipped templates keep the contract the README promises: their tags are values
ria-docs provides, the example renders strictly, and the pages are laid out as described.

The templates are the team's, edited in Word or LibreOffice: these tests check what they
must hold, never their bytes.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from docx_helpers import body, cell_text, cells, page_layout, rows
from docxtpl import DocxTemplate

from ria_docs.changes import compare
from ria_docs.changes import context as changes_context
from ria_docs.context import plan_context, update_context
from ria_docs.exceptions import TemplateError
from ria_docs.pipeline import check_folder
from ria_docs.render import render_docx

TEMPLATES = ROOT / "templates"


@pytest.fixture(scope="module")
def contexts() -> dict[str, dict]:
    plan = check_folder(ROOT / "inputs").plan
    eastern = check_folder(ROOT / "examples" / "eastern").plan
    return {
        "ria-plan.docx": plan_context(plan),
        "regional-update.docx": update_context(eastern),
        "changes.docx": changes_context(compare(plan, plan), plan),
    }


@pytest.mark.parametrize("name", ["ria-plan.docx", "regional-update.docx", "changes.docx"])
def test_every_value_a_template_uses_is_one_ria_docs_provides(name, contexts):
    used = DocxTemplate(str(TEMPLATES / name)).get_undeclared_template_variables()
    assert used and used <= set(contexts[name]), used - set(contexts[name])


@pytest.mark.parametrize("name", ["ria-plan.docx", "regional-update.docx", "changes.docx"])
def test_the_example_renders_strictly_and_a_missing_value_is_an_error(name, contexts, tmp_path):
    out = tmp_path / name
    out.write_bytes(render_docx(TEMPLATES / name, contexts[name], title="t", subject="s", author="a"))
    assert page_layout(out)
    used = DocxTemplate(str(TEMPLATES / name)).get_undeclared_template_variables()
    missing = sorted(used)[0]
    with pytest.raises(TemplateError, match=re.escape(missing)):
        render_docx(TEMPLATES / name, {k: v for k, v in contexts[name].items() if k != missing},
                    title="t", subject="s", author="a")


def loops_by_table(path) -> list[list[str]]:
    """The row and column loops ({%tr for %}, {%tc for %}) in each table of a template."""
    found = []
    for element in body(path):
        if element.tag.endswith("}tbl"):
            text = " ".join(cell_text(tc) for row in rows(element) for tc in cells(row))
            found.append(re.findall(r"\{%(t[rc]) for (\w+) in ([\w.]+) %\}", text))
    return found


def test_the_plan_has_four_sections_each_on_new_pages_with_its_tables(example_outputs):
    layout = page_layout(example_outputs / "ria-plan.docx")
    assert [(s["heading"].split(":")[0], s["orientation"], s["start"]) for s in layout] == [
        ("Section A", "portrait", "nextPage"),
        ("Section B", "landscape", "nextPage"),
        ("Section C", "landscape", "nextPage"),
        ("Section D", "landscape", "nextPage"),
    ]
    assert [len(s["tables"]) for s in layout] == [2, 1, 2, 1]  # cycle + chart; LAs; RAG summary + work; networks
    assert loops_by_table(TEMPLATES / "ria-plan.docx") == [
        [],
        [("tr", "group", "structure"), ("tr", "member", "group.members")],
        [("tr", "la", "las")],
        [("tr", "row", "rag_summary")],
        [("tr", "theme", "themes"), ("tr", "activity", "theme.activities")],
        [("tr", "network", "networks")],
    ]


def test_the_update_is_one_portrait_section_with_the_tartan_rug(eastern_outputs):
    layout = page_layout(eastern_outputs / "regional-update.docx")
    assert [(s["orientation"], len(s["tables"])) for s in layout] == [("portrait", 1)]
    assert loops_by_table(TEMPLATES / "regional-update.docx") == [
        [("tc", "indicator", "section.rug.indicators"), ("tr", "row", "section.rug.rows"), ("tc", "cell", "row.cells")],
    ]


def test_no_section_break_sits_on_a_paragraph_that_rendering_removes():
    """Writer drops an empty section-break paragraph when it opens a file, moving the break onto
    the paragraph before; in the shipped templates that paragraph always stays."""
    for name in ("ria-plan.docx", "regional-update.docx", "changes.docx"):
        for element in body(TEMPLATES / name):
            if element.tag.endswith("}p") and element.find(".//{*}sectPr") is not None:
                text = "".join(element.itertext())
                assert text.strip() == "" and text != "", (name, text)  # a space: kept by Writer, shown as nothing
                assert "{%" not in text
