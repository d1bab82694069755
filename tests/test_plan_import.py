"""ria-docs import: a Word RIA plan, made by ria-docs or by hand, read back into region.toml and plan.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import ROOT
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx_helpers import squash, text_lines
from test_seed_documents import find_in_order, plan_seed_parts

from ria_docs.changes import compare
from ria_docs.cli import main
from ria_docs.context import plan_context
from ria_docs.exceptions import PlanDocumentError
from ria_docs.pipeline import load_plan, merge_folder, render_plan_file
from ria_docs.plan_import import import_plan
from ria_docs.region import load_region
from ria_docs.returns import issue_returns


def _content(plan: dict) -> dict:
    """What a plan shows: text, order, ticks and RAG (not where each item came from)."""
    return {
        "overview": " ".join((plan["region"].get("overview") or "").split()),
        "las": [(r["la"], [[t["text"] for t in r[k]] for k in ("support_needed", "support_actions",
                                                                "strengths_and_offers", "offer_actions")])
                for r in plan["la_support"]],
        "themes": [(t["code"], t["title"], t["outcome"], t["lead_responsibility"], t["lead_network"],
                    [(a["bullets"], a.get("rag"), a["ticks"]) for a in t["activities"]]) for t in plan["themes"]],
        "networks": [(n["name"], n.get("chair") and (n["chair"]["name"], n["chair"].get("la")),
                      n.get("director") and (n["director"]["name"], n["director"].get("la")),
                      [t["text"] for t in n["contribution"]]) for n in plan["networks"] if n["show_in_section_d"]],
        "chart": sorted((n["name"], n.get("reports_to"), n.get("structure_label")) for n in plan["networks"]),
    }


def test_a_plan_ria_docs_made_imports_back_to_the_plan_it_was_made_from(example_outputs, tmp_path):
    result = import_plan(example_outputs / "ria-plan.docx", tmp_path / "imported", period="December 2019")
    original = json.loads((example_outputs / "plan.json").read_text(encoding="utf-8"))
    imported = json.loads((tmp_path / "imported" / "plan.json").read_text(encoding="utf-8"))
    assert _content(imported) == _content(original)
    assert [p.name for p in result.written] == ["region.toml", "plan.json", "import-report.md"]
    region = load_region(tmp_path / "imported" / "region.toml")
    assert (region.region, region.plan_year, region.period) == ("East Midlands", "2019/20", "December 2019")
    # every item says where in the document it came from
    activity = imported["themes"][0]["activities"][0]["source"]
    assert activity == {"file": "ria-plan.docx", "sheet": "Section C table", "cell": "row 3, cell 3"}
    report = (tmp_path / "imported" / "import-report.md").read_text(encoding="utf-8")
    assert ('Section C, theme A: its lead network is taken to be Commissioning Leads, by its name, from "LA '
            "Commissioning Leads group (Sally Savage)") in report
    assert "## Not placed (0)" in report


def test_edits_made_in_word_come_back_and_changes_lists_them(example_outputs, tmp_path):
    edited = tmp_path / "edited.docx"
    document = docx.Document(example_outputs / "ria-plan.docx")
    cell = next(c for t in document.tables for r in t.rows for c in r.cells
                if c.text.strip() == "Joint approach to managing external markets.")
    cell.paragraphs[0].runs[0].text = "A joint approach to managing external markets, agreed in March."
    document.save(edited)
    import_plan(edited, tmp_path / "imported", period="March 2020")
    imported = load_plan(tmp_path / "imported" / "plan.json")
    assert "A joint approach to managing external markets, agreed in March." in [
        a.bullets[0] for a in imported.themes[0].activities]
    changes = compare(imported, load_plan(example_outputs / "plan.json"))  # the next round, from the returns
    assert [c.activity for c in changes.removed] == ["A joint approach to managing external markets, agreed in March."]
    assert [c.activity for c in changes.added] == ["Joint approach to managing external markets."]


# -- a plan made by hand -------------------------------------------------------------------------------

def _cell_text(cell, lines: list[str], typed: bool) -> None:
    """Lines into a cell: as Word list paragraphs, or typed with a "•" in front."""
    cell.paragraphs[0].text = ""
    for i, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        if typed:
            paragraph.text = f"• {line}"
        else:
            paragraph.text = line
            paragraph.style = "List Bullet"


def _merge_down(table, column: int, first: int, last: int) -> None:
    if last > first:
        table.cell(first, column).merge(table.cell(last, column))


def hand_made_plan(path: Path) -> None:
    """The example plan's content, typed into python-docx's default template as a person would:
    Table Grid tables, some bullets typed and some Word lists, some themes merged down their
    rows and some given on their first row only, one theme title broken over two lines, people
    as "Name (LA)" or on two lines, ticks as ●, ✓, X and Yes, an extra column."""
    plan = plan_context(load_plan(_EXAMPLE_PLAN))
    document = docx.Document()
    document.add_paragraph(plan["title"])
    document.add_paragraph("Section A:\tRegional overview", style="Heading 1")
    for paragraph in plan["overview"]:
        document.add_paragraph(paragraph)
    document.add_paragraph("")  # blank paragraphs, as typed
    document.add_paragraph("The elements of the regional improvement cycle are:")
    cycle = document.add_table(rows=2, cols=4, style="Table Grid")
    for i, text in enumerate(["LA Self Evaluation", "Triad Challenge Conversations", "Analysis", "RIA Plan",
                              "Work by Regional Groups", "Brokered support to LAs", "Seminars and Workshops",
                              "Projects and joint work"]):
        cycle.cell(i // 4, i % 4).text = text
    document.add_paragraph("Regional Networks", style="Heading 2")
    document.add_paragraph("The key priorities of regional networks are described in Section D, but their "
                           "reporting relationships are as follows:")
    for group in plan["structure"]:
        chart = document.add_table(rows=1 + len(group["members"]), cols=2, style="Table Grid")
        chart.cell(0, 0).merge(chart.cell(0, 1)).text = group["name"]
        for r, member in enumerate(group["members"], start=1):
            chart.cell(r, 0).text = member["name"]
            _cell_text(chart.cell(r, 1), member["members"], typed=r % 2 == 0)

    document.add_paragraph("Section B: \tBrokered support for LAs [bookmark: _GoBack]")
    table = document.add_table(rows=1, cols=5, style="Table Grid")
    for i, text in enumerate(["LA", "Support needed/requested and outcome to be achieved", "Actions",
                              "Areas of strength/Offers of help", "Actions"]):
        table.cell(0, i).text = text
    for n, la in enumerate(plan["las"]):
        row = table.add_row().cells
        row[0].text = la["name"]
        for i, key in enumerate(("support_needed", "support_actions", "strengths_and_offers", "offer_actions"), 1):
            _cell_text(row[i], la[key], typed=n % 2 == 0)

    section = document.add_section()
    section.orientation, section.page_width, section.page_height = (
        WD_ORIENT.LANDSCAPE, section.page_height, section.page_width)
    document.add_paragraph("Section C:\tJoint work programme", style="Heading 1")
    headers = ["Theme", "Outcome", "Suggested activity", "Monitoring", "Nature of activity", "", "",
               "Lead responsibility for activity", "Support", "", "Notes"]
    second = ["", "", "", "RAG", "Regional Group Task", "Seminar/ Workshop", "Project Work", "", "RIA Lead", "SDSA", ""]
    table = document.add_table(rows=2, cols=len(headers), style="Table Grid")
    for i, (top, below) in enumerate(zip(headers, second, strict=True)):
        table.cell(0, i).text, table.cell(1, i).text = top, below
    table.cell(0, 4).merge(table.cell(0, 6)).text = "Nature of activity"
    table.cell(0, 8).merge(table.cell(0, 9)).text = "Support"
    for column in (0, 1, 2, 7, 10):
        text = headers[column]
        table.cell(0, column).merge(table.cell(1, column)).text = text
    marks = ["●", "✓", "X", "Yes"]
    for t, theme in enumerate(plan["themes"]):
        first = len(table.rows)
        for a, activity in enumerate(theme["activities"]):
            row = table.add_row().cells
            if a == 0 or t % 2:  # even themes: given once, on their first row, with the rows below blank
                code, title = theme["label"].split(": ", 1)
                if theme["label"].startswith("E:"):
                    row[0].text = f"{code}: Developing"
                    row[0].add_paragraph("Reflective Supervision")
                else:
                    row[0].text = theme["label"]
                row[1].text = theme["outcome"] if a == 0 else ""
                row[7].text = theme["lead"] if a == 0 else ""
            _cell_text(row[2], activity["bullets"], typed=a % 2 == 1)
            row[3].text = activity["rag"]
            for column, tick in ((4, "regional_group_task"), (5, "seminar_workshop"), (6, "project_work"),
                                 (8, "ria_lead"), (9, "sdsa")):
                row[column].text = marks[(t + column) % 4] if activity[tick] else ""
        last = len(table.rows) - 1
        if t % 2:  # odd themes: merged down their rows, as the plan ria-docs makes
            for column in (0, 1, 7):
                top_text = table.cell(first, column).text
                _merge_down(table, column, first, last)
                table.cell(first, column).text = top_text

    document.add_paragraph("Section D: \tRegional networks", style="Heading 1")
    table = document.add_table(rows=1, cols=4, style="Table Grid")
    for i, text in enumerate(["Regional Network", "Chair or Lead", "Director Link",
                              "Contribution to the RIA Plan and other priorities"]):
        table.cell(0, i).text = text
    for n, network in enumerate(plan["networks"]):
        row = table.add_row().cells
        row[0].text = network["name"]
        for column, person in ((1, network["chair"]), (2, network["director"])):
            if n % 2 and person.endswith(")") and " (" in person:  # "Name" and "(LA)" on two lines
                name, la = person.rsplit(" (", 1)
                row[column].text = name
                row[column].add_paragraph(f"({la}")
            else:
                row[column].text = person
        _cell_text(row[3], network["contribution"], typed=n % 2 == 0)
    document.save(path)


_EXAMPLE_PLAN: Path  # set by the fixture below: the example merge's plan.json


@pytest.fixture(scope="module")
def hand_made(example_outputs, tmp_path_factory) -> Path:
    global _EXAMPLE_PLAN
    _EXAMPLE_PLAN = example_outputs / "plan.json"
    path = tmp_path_factory.mktemp("hand-made") / "RIA plan 2019-20.docx"
    hand_made_plan(path)
    return path


def test_a_hand_made_plan_imports_and_renders_every_seed_line_in_order(hand_made, tmp_path):
    result = import_plan(hand_made, tmp_path / "imported", period="December 2019")
    assert not [n for n in result.notes if n.kind == "unplaced" and "Notes" not in n.message]
    rendered = render_plan_file(tmp_path / "imported" / "plan.json", tmp_path / "out")
    assert rendered.written
    stream = "".join(squash(line) for line in text_lines(tmp_path / "out" / "ria-plan.docx"))
    before, chart, cycle, after = plan_seed_parts()
    position = find_in_order(before[: before.index("Regional Networks")], stream)
    find_in_order(cycle, stream)
    section_b = stream.find(squash("Section B:"), position)
    chart_text = stream[stream.find(squash("Regional Networks"), position):section_b]
    assert [label for label in chart if squash(label) not in chart_text] == []
    find_in_order([line.replace("Monit-oring", "Monitoring") for line in after], stream, section_b)


def test_a_hand_made_plan_gives_returns_that_merge_back_to_the_same_plan(hand_made, tmp_path):
    folder = tmp_path / "round"
    import_plan(hand_made, folder, period="December 2019")
    render_plan_file(folder / "plan.json", tmp_path / "imported-out")
    issued = issue_returns(folder, folder / "returns", from_plan=folder / "plan.json")
    assert len(issued.written) == 20
    merged = merge_folder(folder, tmp_path / "merged-out", templates=ROOT / "templates")
    assert merged.written, [p.format() for p in merged.check.report.errors]
    assert text_lines(tmp_path / "merged-out" / "ria-plan.docx") == text_lines(tmp_path / "imported-out" /
                                                                               "ria-plan.docx")


def test_what_a_hand_made_plan_holds_beyond_a_plan_is_listed_not_lost(hand_made, tmp_path):
    document = docx.Document(hand_made)
    section_c = next(t for t in document.tables if t.cell(0, 0).text == "Theme" and "Outcome" in t.cell(0, 1).text)
    section_c.cell(3, 10).text = "Check with Sally in March"
    document.save(tmp_path / "noted.docx")
    result = import_plan(tmp_path / "noted.docx", tmp_path / "imported", period="December 2019")
    placed = [(n.where, n.message) for n in result.notes if n.kind == "unplaced"]
    assert ("Section C table, column 11", 'the column "Notes" is not one of Section C\'s; its cells are listed '
            "below") in placed
    assert ("Section C table, row 4, cell 11", '"Check with Sally in March"') in placed
    report = (tmp_path / "imported" / "import-report.md").read_text(encoding="utf-8")
    assert "Check with Sally in March" in report


# -- what is not a plan --------------------------------------------------------------------------------

def test_what_is_not_an_rIA_plan_is_refused_naming_what_was_expected(eastern_outputs, tmp_path):
    letter = tmp_path / "letter.docx"
    doc = docx.Document()
    doc.add_paragraph("Dear colleagues, please find the plan attached.")
    doc.save(letter)
    empty, old, text = tmp_path / "empty.docx", tmp_path / "plan.doc", tmp_path / "plan.docx"
    empty.write_bytes(b"")
    old.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504)
    text.write_text("Section A: not a Word file", encoding="utf-8")
    expected = {
        eastern_outputs / "regional-update.docx": "is not an RIA plan: it has none of the tables of Sections B, C "
                                                  "and D",
        letter: "is not an RIA plan: it has none of the tables of Sections B, C and D",
        empty: "is empty (0 bytes). Give an RIA plan saved as a Word document (.docx).",
        old: "is an old Word document (.doc). Open it in Word or LibreOffice and save it as a Word Document (.docx)",
        text: "is not a Word document. Give an RIA plan saved as a Word document (.docx).",
    }
    for path, message in expected.items():
        with pytest.raises(PlanDocumentError) as raised:
            import_plan(path, tmp_path / path.stem)
        assert str(raised.value).startswith(f"{path}: {message}")
        assert not (tmp_path / path.stem / "region.toml").exists()


def test_import_never_overwrites_a_region_toml_or_plan_json(example_outputs, tmp_path):
    (tmp_path / "round").mkdir()
    (tmp_path / "round" / "region.toml").write_text("# the team's\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(example_outputs / "ria-plan.docx"), "-o", str(tmp_path / "round")])
    assert result.exit_code == 1
    assert result.output == (f"Error: {tmp_path / 'round'}: already holds region.toml, which import would "
                             "overwrite. Import into a new folder.\n")
    assert (tmp_path / "round" / "region.toml").read_text(encoding="utf-8") == "# the team's\n"


def test_the_import_command_says_what_it_read_and_wrote(example_outputs, tmp_path):
    out = tmp_path / "imported"
    result = CliRunner().invoke(main, ["import", str(example_outputs / "ria-plan.docx"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Read 9 LAs, 13 themes with 37 activities, 19 networks.",
        f"20 guess(es) and 0 cell(s) not placed: see {out / 'import-report.md'}.",
        f"Wrote {out / 'region.toml'}",
        f"Wrote {out / 'plan.json'}",
        f"Wrote {out / 'import-report.md'}",
    ]
    assert shutil.which  # the imported folder is a round: check reads it
    check = CliRunner().invoke(main, ["check", str(out)])
    assert check.exit_code == 0, check.output


# -- what hand-made plans hold -----------------------------------------------------------------------

def small_plan(path: Path, *, heading_dash: str = ":\t", b_order: tuple[int, ...] = (0, 1, 2, 3, 4),
               second_header: tuple[str, ...] = ("", "", "", "RAG", "Regional Group Task", "Seminar/ Workshop",
                                                 "Project Work", "", "RIA Lead", "SDSA"),
               theme_labels: tuple[str, str] = ("A: Placements", "B: Practice"), rag_by_shading: bool = False,
               tick_symbol: bool = False) -> Path:
    """A small plan typed by hand, one way or another."""
    document = docx.Document()
    document.add_paragraph("Northshire Regional Improvement and Innovation Alliance Plan 2020/21")
    document.add_paragraph(f"Section A{heading_dash}Regional overview")
    document.add_paragraph("The plan describes the joint work of the region.")
    document.add_paragraph("Section C - the joint work programme - is agreed each spring.")
    document.add_paragraph(f"Section B{heading_dash}Brokered support for LAs")
    headers = ["LA", "Support needed/requested and outcome to be achieved", "Actions",
               "Areas of strength/Offers of help", "Actions"]
    rows = [["Northton", "More foster carers", "Recruitment drive", "Strong edge of care", "Share model"],
            ["Southby", "Faster assessments", "Peer review", "Good data", "Dashboards"]]
    table = document.add_table(rows=1, cols=5, style="Table Grid")
    for i, column in enumerate(b_order):
        table.cell(0, i).text = headers[column]
    for values in rows:
        cells = table.add_row().cells
        for i, column in enumerate(b_order):
            cells[i].text = values[column]
    document.add_paragraph(f"Section C{heading_dash}Joint work programme")
    top = ["Theme", "Outcome", "Suggested activity", "Monitoring", "Nature of activity", "", "",
           "Lead responsibility for activity", "Support", ""]
    table = document.add_table(rows=2, cols=10, style="Table Grid")
    for i, (a, b) in enumerate(zip(top, second_header, strict=True)):
        table.cell(0, i).text, table.cell(1, i).text = a, b
    activities = [(theme_labels[0], "More homes", "Map sufficiency", "Green", "Safeguarding Leads (Ann)"),
                  (theme_labels[1], "Better practice", "Site visits", "Amber", "Virtual School Heads")]
    fills = {"Green": "00B050", "Amber": "FFC000"}
    for label, outcome, activity, rag, lead in activities:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text, cells[7].text = label, outcome, activity, lead
        if rag_by_shading:
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:fill"), fills[rag])
            cells[3]._tc.get_or_add_tcPr().append(shading)
        else:
            cells[3].text = rag
        if tick_symbol:  # Insert > Symbol, Wingdings' tick
            symbol = OxmlElement("w:sym")
            symbol.set(qn("w:font"), "Wingdings")
            symbol.set(qn("w:char"), "F0FC")
            cells[4].paragraphs[0].add_run()._r.append(symbol)
        else:
            cells[4].text = "●"
    document.add_paragraph(f"Section D{heading_dash}Regional networks")
    table = document.add_table(rows=3, cols=4, style="Table Grid")
    for i, text in enumerate(["Regional Network", "Chair or Lead", "Director Link", "Contribution"]):
        table.cell(0, i).text = text
    for r, (name, chair) in enumerate((("Safeguarding Leads", "Ann Lee (Northton)"),
                                       ("Virtual School Heads", "Bo Chen (Southby)")), start=1):
        table.cell(r, 0).text, table.cell(r, 1).text = name, chair
    document.save(path)
    return path


def _imported(path: Path, tmp_path: Path) -> tuple[dict, list]:
    result = import_plan(path, tmp_path / "imported", period="March 2021")
    return json.loads((tmp_path / "imported" / "plan.json").read_text(encoding="utf-8")), result.notes


@pytest.mark.parametrize("dash", [":\t", " \u2014 ", " - ", " "], ids=["colon-tab", "em dash", "hyphen", "space"])
def test_section_headings_as_people_type_them_and_a_sentence_naming_a_section_is_not_one(tmp_path, dash):
    plan, notes = _imported(small_plan(tmp_path / "plan.docx", heading_dash=dash), tmp_path)
    assert plan["region"]["overview"].strip().split("\n\n") == [
        "The plan describes the joint work of the region.", "Section C - the joint work programme - is agreed each spring."]
    assert [t["code"] for t in plan["themes"]] == ["A", "B"] and len(plan["la_support"]) == 2


def test_section_b_columns_are_found_by_their_headers_in_any_order(tmp_path):
    plan, _notes = _imported(small_plan(tmp_path / "plan.docx", b_order=(0, 3, 4, 1, 2)), tmp_path)
    northton = plan["la_support"][0]
    assert {k: [t["text"] for t in northton[k]] for k in ("support_needed", "support_actions",
                                                          "strengths_and_offers", "offer_actions")} == {
        "support_needed": ["More foster carers"], "support_actions": ["Recruitment drive"],
        "strengths_and_offers": ["Strong edge of care"], "offer_actions": ["Share model"]}


def test_section_c_headers_in_other_words_ticks_by_symbol_and_rag_by_shading(tmp_path):
    path = small_plan(tmp_path / "plan.docx", second_header=("", "", "", "Status", "Group task", "Seminar", "Project", "",
                                                             "Lead officer", "SDSA support"),
                      rag_by_shading=True, tick_symbol=True)
    plan, notes = _imported(path, tmp_path)
    activities = [(a["bullets"], a["rag"], a["ticks"]["regional_group_task"], a["ticks"]["ria_lead"])
                  for t in plan["themes"] for a in t["activities"]]
    assert activities == [(["Map sufficiency"], "Green", True, False), (["Site visits"], "Amber", True, False)]
    assert [t["lead_responsibility"] for t in plan["themes"]] == [["Safeguarding Leads (Ann)"], []]
    assert any(n.message == "no RAG word, but shaded #00B050: taken to be Green" for n in notes)


def test_themes_without_their_own_letter_are_told_apart(tmp_path):
    path = small_plan(tmp_path / "plan.docx", theme_labels=("a) Placements", "a) Practice"))
    plan, notes = _imported(path, tmp_path)
    assert [(t["code"], t["title"]) for t in plan["themes"]] == [("A", "Placements"), ("B", "Practice")]
    assert any('has the letter of theme A ("Placements"): it is theme B' in n.message for n in notes)


def test_an_output_folder_that_cannot_be_made_is_a_message_not_a_traceback(tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(small_plan(tmp_path / "plan.docx")), "-o",
                                       str(tmp_path / "afile" / "round"), "--period", "March 2021"])
    assert result.exit_code == 1
    assert result.output == (f"Error: {tmp_path / 'afile' / 'round'}: cannot be written (Not a directory). "
                             "Choose a folder you can write to.\n")


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_plan_the_team_saved_in_libreoffice_imports_the_same(example_outputs, tmp_path):
    import subprocess

    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "saved"),
                    str(example_outputs / "ria-plan.docx")], check=True, capture_output=True, timeout=180)
    import_plan(tmp_path / "saved" / "ria-plan.docx", tmp_path / "imported", period="December 2019")
    original = json.loads((example_outputs / "plan.json").read_text(encoding="utf-8"))
    imported = json.loads((tmp_path / "imported" / "plan.json").read_text(encoding="utf-8"))
    assert _content(imported) == _content(original)
