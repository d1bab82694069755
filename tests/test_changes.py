"""ria_docs.changes: what changed since the baseline round, in the merge report and in changes.docx."""

from __future__ import annotations

from conftest import ROOT
from docx_helpers import text_lines

from ria_docs.pipeline import merge_folder


def test_changes_show_in_the_report_and_in_changes_docx(march, example_outputs, tmp_path):
    merge_folder(march, tmp_path / "out", templates=ROOT / "templates", baseline=example_outputs / "plan.json")
    markdown = (tmp_path / "out" / "merge-report.md").read_text(encoding="utf-8")
    rag = "B: Improving Practice Methodology: A series of site visits to LAs with effective practice (not rated -> Green)"
    added = "L: Developing Safeguarding Partnerships: Audit of new safeguarding arrangements"
    removed_start = "C: Protecting young people at risk of exploitation: Strategic MACE"
    section = markdown[markdown.index("## Changes since December 2019"):]
    assert f"### RAG status changes\n\n- {rag}\n" in section
    assert f"### Activities added\n\n- {added}\n" in section
    assert f"### Activities removed\n\n- {removed_start}" in section
    assert "### Chairs and directors\n\nNone." in section
    lines = text_lines(tmp_path / "out" / "changes.docx")
    assert lines[0] == "Changes since December 2019"
    assert rag.replace("->", "\u2192") in lines and added in lines
    assert any(line.startswith(removed_start) for line in lines)
