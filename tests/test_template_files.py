"""Where each template is found, and the team's own copies of the defaults."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from ria_docs.cli import main
from ria_docs.exceptions import TemplateError
from ria_docs.template_files import (
    TEMPLATE_NAMES,
    copy_default_templates,
    installed_templates,
    stray_templates,
    template_path,
    template_source,
)


@pytest.fixture
def places(tmp_path, monkeypatch):
    """A working folder with ./templates, a round with its own templates/, and an option folder."""
    work = tmp_path / "work"
    for folder in ("work/templates", "work/2020-03/templates", "mine"):
        (tmp_path / folder).mkdir(parents=True)
    monkeypatch.chdir(work)
    return tmp_path


def put(folder, name: str) -> None:
    (folder / name).write_bytes((installed_templates() / name).read_bytes())


def test_each_template_comes_from_the_first_folder_that_holds_it(places):
    round_dir = places / "work" / "2020-03"
    assert template_path("ria-plan.docx", None, round_dir) == installed_templates() / "ria-plan.docx"
    put(places / "work" / "templates", "ria-plan.docx")
    assert template_path("ria-plan.docx", None, round_dir) == Path("templates", "ria-plan.docx")
    put(round_dir / "templates", "ria-plan.docx")
    assert template_path("ria-plan.docx", None, round_dir) == round_dir / "templates" / "ria-plan.docx"
    put(places / "mine", "ria-plan.docx")
    assert template_path("ria-plan.docx", places / "mine", round_dir) == places / "mine" / "ria-plan.docx"
    # one restyled template does not hide the defaults of the others
    assert template_path("regional-update.docx", places / "mine", round_dir) == (
        installed_templates() / "regional-update.docx")


def test_where_a_template_came_from_is_told_in_words(places):
    assert template_source(installed_templates() / "ria-plan.docx") == "installed with ria-docs"
    assert template_source(places / "mine" / "ria-plan.docx") == str(places / "mine")


def test_an_option_folder_that_is_missing_or_holds_no_template_is_named(places):
    with pytest.raises(TemplateError) as missing:
        template_path("ria-plan.docx", places / "nope")
    assert str(missing.value) == (
        f"{places / 'nope'}: no such folder. Give the folder that holds the templates with --templates, "
        "or make one with: ria-docs templates FOLDER")
    with pytest.raises(TemplateError) as empty:
        template_path("ria-plan.docx", places / "mine")
    assert str(empty.value) == (
        f"{places / 'mine'}: holds none of the templates (ria-plan.docx, regional-update.docx, changes.docx). "
        f"Copy the defaults there with: ria-docs templates {places / 'mine'}, or give the folder that holds your "
        "templates.")
    (places / "mine" / "ria-plan (1).docx").write_bytes(b"the restyle, saved under another name")
    with pytest.raises(TemplateError) as near_miss:  # named, rather than a fresh copy put beside it
        template_path("ria-plan.docx", places / "mine")
    assert str(near_miss.value) == (
        f"{places / 'mine'}: holds none of the templates (ria-plan.docx, regional-update.docx, changes.docx). "
        f"{places / 'mine' / 'ria-plan (1).docx'} is not used: ria-docs takes only ria-plan.docx, "
        "regional-update.docx, changes.docx from a templates folder. Rename it to the template it restyles, or "
        "move it out of the folder.")


def test_word_files_in_a_templates_folder_that_are_not_templates_are_named(places):
    put(places / "work" / "templates", "ria-plan.docx")
    (places / "work" / "templates" / "ria-plan (1).docx").write_bytes(b"restyled, saved under another name")
    (places / "work" / "templates" / "~$a-plan.docx").write_bytes(b"Word's lock file")
    (places / "work" / "templates" / "notes.txt").write_text("not a Word file")
    assert stray_templates(None, places / "work" / "2020-03") == [
        f"{os.path.join('templates', 'ria-plan (1).docx')} is not used: ria-docs takes only ria-plan.docx, "
        "regional-update.docx, changes.docx from a templates folder. Rename it to the template it restyles, "
        "or move it out of the folder."
    ]


def test_the_defaults_are_copied_and_a_template_there_is_never_overwritten(tmp_path):
    folder = tmp_path / "team" / "templates"
    folder.mkdir(parents=True)
    (folder / "ria-plan.docx").write_bytes(b"the team's restyled plan")
    written, kept = copy_default_templates(folder)
    assert written == [folder / "regional-update.docx", folder / "changes.docx"]
    assert kept == [folder / "ria-plan.docx"]
    assert (folder / "ria-plan.docx").read_bytes() == b"the team's restyled plan"
    assert (folder / "changes.docx").read_bytes() == (installed_templates() / "changes.docx").read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == sorted(TEMPLATE_NAMES)  # no temporary file left
    assert copy_default_templates(folder) == ([], [folder / name for name in TEMPLATE_NAMES])


def test_the_templates_command_says_what_it_wrote_and_what_it_kept(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(main, ["templates"])
    assert first.exit_code == 0, first.output
    assert first.output == "".join(f"Wrote {os.path.join('templates', name)}\n" for name in TEMPLATE_NAMES)
    (tmp_path / "templates" / "changes.docx").unlink()
    second = runner.invoke(main, ["templates"])
    assert second.output == (
        f"Wrote {os.path.join('templates', 'changes.docx')}\n"
        f"Kept {os.path.join('templates', 'ria-plan.docx')}: it is already there (delete it to get the default again)\n"
        f"Kept {os.path.join('templates', 'regional-update.docx')}: it is already there (delete it to get the "
        "default again)\n"
    )


def test_a_round_with_its_own_templates_uses_them_and_the_report_says_so(copy_example, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./templates here
    templates = copy_example / "templates"
    templates.mkdir()
    put(templates, "ria-plan.docx")
    (templates / "old plan.docx").write_bytes(b"an old copy")
    result = CliRunner().invoke(main, ["merge", str(copy_example), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    report = (tmp_path / "out" / "merge-report.md").read_text(encoding="utf-8")
    assert report.split("## Templates\n\n")[1].split("\n\n")[0].splitlines() == [
        f"- ria-plan.docx: {templates}",
        "- regional-update.docx: installed with ria-docs",
        f"- {templates / 'old plan.docx'} is not used: ria-docs takes only ria-plan.docx, "
        "regional-update.docx, changes.docx from a templates folder. Rename it to the template it restyles, "
        "or move it out of the folder.",
    ]
    # The round's Word templates are not taken for returns sent as documents.
    assert "old plan.docx" not in report.split("## Templates")[0]
    assert "Word document" not in report


def test_render_without_o_writes_beside_the_plan_json(example_outputs, tmp_path, monkeypatch):
    round_dir = tmp_path / "2020-03"
    (round_dir / "outputs").mkdir(parents=True)
    for name in ("plan.json", "merge-report.md"):
        (round_dir / "outputs" / name).write_bytes((example_outputs / name).read_bytes())
    (tmp_path / "outputs").mkdir()  # last round's documents, in the working folder: left alone
    (tmp_path / "outputs" / "ria-plan.docx").write_bytes(b"last round")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["render", os.path.join("2020-03", "outputs", "plan.json")])
    assert result.exit_code == 0, result.output
    assert (round_dir / "outputs" / "ria-plan.docx").stat().st_size > 10_000
    assert (round_dir / "outputs" / "regional-update.docx").exists()
    assert (tmp_path / "outputs" / "ria-plan.docx").read_bytes() == b"last round"


def test_the_shipped_templates_are_the_installed_ones_in_a_checkout():
    # A development install runs from the checkout: its templates/ is the one copy.
    assert installed_templates().resolve() in {(ROOT / "templates").resolve(), (ROOT / "ria_docs" / "templates").resolve()}
    assert sorted(p.name for p in installed_templates().glob("*.docx")) == sorted(TEMPLATE_NAMES)


def test_a_template_whose_tags_would_move_a_section_break_still_renders_it_and_says_so(copy_example, tmp_path):
    """As Writer leaves a plan whose break paragraph was emptied: the break on {%p endif %}."""
    import docx

    templates = copy_example / "templates"
    templates.mkdir()
    document = docx.Document(str(installed_templates() / "ria-plan.docx"))
    carrier = next(p for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.sectPr is not None)
    endif = carrier._p.getprevious()
    assert "".join(t.text for t in endif.iter("{*}t")) == "{%p endif %}"
    endif.get_or_add_pPr().append(carrier._p.pPr.sectPr)
    carrier._p.getparent().remove(carrier._p)
    document.save(str(templates / "ria-plan.docx"))
    result = CliRunner().invoke(main, ["merge", str(copy_example), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    warning = (
        f'{templates / "ria-plan.docx"}: Moved the section break that ends "Section A: Regional overview" '
        '(portrait, new page) off the paragraph "{%p endif %}", which rendering removes, onto an empty paragraph '
        "after it. To fix the template, in Word put the section break after a paragraph that always stays, e.g. a "
        "paragraph below the tag holding a space (Writer drops an empty one)."
    )
    assert f"Warning: {warning}\n" in result.stderr
    assert f"- {warning}" in (tmp_path / "out" / "merge-report.md").read_text(encoding="utf-8")
    from docx_helpers import page_layout

    assert [s["orientation"] for s in page_layout(tmp_path / "out" / "ria-plan.docx")] == [
        "portrait", "landscape", "landscape", "landscape"]


def test_templates_check_lists_every_problem_at_once(tmp_path):
    import docx

    folder = tmp_path / "templates"
    copy_default_templates(folder)
    document = docx.Document(str(folder / "ria-plan.docx"))
    endfor = next(p for p in document.tables[2].rows[-1].cells[0].paragraphs if p.text == "{%tr endfor %}")
    endfor.runs[0].text = ""  # Section B's row loop never ends
    document.save(str(folder / "ria-plan.docx"))
    (folder / "changes.docx").write_bytes(b"not a Word file")
    result = CliRunner().invoke(main, ["templates", str(folder), "--check"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        'ria-plan.docx: the table under "Section B: Brokered support for LAs" (headed "LA | Support '
        'needed/requested …") starts a row loop ({%tr for la in las %}) that never ends: add {%tr endfor %} in a '
        "row below it.",
        'changes.docx: cannot be read as a Word .docx template (BadZipFile): in Word or Writer, use File > Save As '
        'and choose "Word 2007-365 (.docx)".',
    ]
    assert result.stderr == (f"Error: 2 problem(s) in ria-plan.docx, changes.docx (checked ria-plan.docx, "
                             f"regional-update.docx, changes.docx in {folder}).\n")
    clean = CliRunner().invoke(main, ["templates", str(installed_templates()), "--check"])
    assert clean.exit_code == 0
    assert clean.stdout == (f"No problems found in {installed_templates()}: ria-plan.docx, regional-update.docx, "
                            "changes.docx.\n")


def test_templates_check_names_unknown_values_with_tag_mistakes_and_files_not_used(tmp_path):
    """One pass lists everything merge would stop at, and what merge would quietly not use."""
    import docx

    folder = tmp_path / "templates"
    copy_default_templates(folder)
    document = docx.Document(str(folder / "ria-plan.docx"))
    for paragraph in document.tables[2].rows[2].cells[0].paragraphs:
        if paragraph.text == "{{ la.name }}":
            paragraph.runs[0].text = "{{ la.nam }}"
    endfor = next(p for p in document.tables[2].rows[-1].cells[0].paragraphs if p.text == "{%tr endfor %}")
    endfor.runs[0].text = ""
    document.save(str(folder / "ria-plan.docx"))
    (folder / "regional-update.odt").write_bytes(b"a restyle saved in Writer's own format")
    result = CliRunner().invoke(main, ["templates", str(folder), "--check"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3, lines
    assert "starts a row loop ({%tr for la in las %}) that never ends" in lines[0]
    assert 'which uses "la.nam", a value ria-docs does not provide (did you mean "la.name"?)' in lines[1]
    assert lines[2] == (
        f"{folder / 'regional-update.odt'} is not used: it is an OpenDocument text file, and ria-docs reads .docx "
        'templates only. In Word or Writer, use File > Save As and choose "Word 2007-365 (.docx)", named as the '
        "template it restyles (ria-plan.docx, regional-update.docx, changes.docx)."
    )


def test_an_opendocument_file_named_docx_is_told_to_be_saved_as_docx(copy_example, tmp_path):
    import zipfile

    templates = copy_example / "templates"
    templates.mkdir()
    with zipfile.ZipFile(templates / "ria-plan.docx", "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", "<office:document-content/>")
    result = CliRunner().invoke(main, ["merge", str(copy_example), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"Error: {templates / 'ria-plan.docx'}: is an OpenDocument (.odt) file, not a Word .docx one: in Word or "
        'Writer, use File > Save As and choose "Word 2007-365 (.docx)".\n')
    assert not (tmp_path / "out" / "ria-plan.docx").exists()


def test_text_beside_a_paragraph_tag_is_a_warning_when_rendering(copy_example, tmp_path):
    import docx

    templates = copy_example / "templates"
    copy_default_templates(templates)
    document = docx.Document(str(templates / "ria-plan.docx"))
    endfor = next(p for p in document.paragraphs if p.text == "{%p endfor %}")
    endfor.add_run(" This plan was agreed by the DCS group.")
    document.save(str(templates / "ria-plan.docx"))
    result = CliRunner().invoke(main, ["merge", str(copy_example), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (f"Warning: {templates / 'ria-plan.docx'}: the paragraph \"{{%p endfor %}} This plan was agreed by the "
            "DCS group.\"") in result.stderr
    assert "rendering removes that whole paragraph: put the text in a paragraph of its own." in result.stderr
