"""LibreOffice as the chairs' and the regional team's real client: type into an
issued return through UNO, save it as .xlsx, .ods and .xls, and check that every
typed cell reaches the plan and the documents, or is an error naming its cell;
save and restyle the templates in Writer, and check the documents keep every edit
and the same pages.

LibreOffice is driven by tests/libreoffice_chair.py, run by the system python3
(Debian's python3-uno) against one headless soffice per test session,
listening on 127.0.0.1 only, with its own throwaway profile.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SMALL_REGION
from docx_helpers import NS, cell_prop, cells, page_layout, rows, table_after, text_lines
from lxml import etree

from ria_docs.pipeline import check_folder, merge_folder
from ria_docs.region import load_region
from ria_docs.workbook import blank_return, save_workbook

sys.path.insert(0, str(Path(__file__).parent))
import libreoffice_chair as chair  # noqa: E402  (only its stdlib parts run here)

pytestmark = pytest.mark.libreoffice  # pytest -m "not libreoffice" leaves these out

SYSTEM_PYTHON = "/usr/bin/python3"
HELPER = Path(__file__).with_name("libreoffice_chair.py")
RUN_TIMEOUT = 120  # seconds for one helper run (start-up included)
FORMATS = {  # suffix -> LibreOffice's filter, as File > Save As names them
    ".xlsx": "Calc MS Excel 2007 XML",
    ".ods": "calc8",
    ".xls": "MS Excel 97",
}
NETWORK = "Commissioning Leads"
SENTENCE = "=Adoption support fund bids coordinated regionally"


def _missing() -> str | None:
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        return "LibreOffice (soffice) is not installed"
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return f"{SYSTEM_PYTHON} is missing"
    try:
        probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{SYSTEM_PYTHON} does not run: {error}"
    if probe.returncode != 0:
        return f"{SYSTEM_PYTHON} has no uno module (install Debian's python3-uno)"
    return None


class LibreOffice:
    """One headless soffice on 127.0.0.1, restarted if a test crashed it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        self.port = chair.free_port()
        self.profile = self.folder / f"profile-{self.starts}"
        self.process = subprocess.Popen(
            chair.soffice_command(self.port, str(self.profile)), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: soffice.bin and oosplash
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=10)
        finally:
            self.process = None
            shutil.rmtree(self.profile, ignore_errors=True)

    def run(self, instructions: dict, work: Path) -> list[dict]:
        """Run the instructions (see libreoffice_chair.py); the report of each op."""
        if self.process is None or self.process.poll() is not None:
            self.stop()
            self.start()
        path = work / f"instructions-{len(list(work.glob('instructions-*.json')))}.json"
        path.write_text(json.dumps(instructions, indent=1), encoding="utf-8")
        try:
            done = subprocess.run([SYSTEM_PYTHON, str(HELPER), str(path), "--port", str(self.port)],
                                  capture_output=True, text=True, timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.stop()  # a hung soffice is not reused
            raise
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["ok"], report
        return report["ops"]


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory):
    missing = _missing()
    if missing:
        pytest.skip(missing)
    office = LibreOffice(tmp_path_factory.mktemp("libreoffice"))
    try:
        office.start()
        yield office
    finally:
        office.stop()


@pytest.fixture
def issued(tmp_path) -> Path:
    """A blank return as `ria-docs returns` issues it, in a round folder of its own."""
    cycle = tmp_path / "cycle"
    cycle.mkdir()
    (cycle / "region.toml").write_text(SMALL_REGION, encoding="utf-8")
    path = tmp_path / "issued.xlsx"
    save_workbook(blank_return(load_region(cycle / "region.toml"), NETWORK), path, when=dt.date(2024, 6, 1))
    return path


def type_(sheet: str, cell: str, text: str) -> dict:
    return {"op": "type", "sheet": sheet, "cell": cell, "text": text}


def saves(folder: Path, stem: str) -> list[dict]:
    return [{"path": str(folder / f"{stem}{suffix}"), "filter": name} for suffix, name in FORMATS.items()]


def round_with(saved: Path, tmp_path: Path) -> Path:
    """A round folder holding the small region and this one return."""
    cycle = tmp_path / f"round-{saved.suffix[1:]}"
    (cycle / "returns").mkdir(parents=True)
    (cycle / "region.toml").write_text(SMALL_REGION, encoding="utf-8")
    shutil.copy(saved, cycle / "returns" / f"return{saved.suffix}")
    return cycle


def by_cell(plan: dict) -> dict[str, str]:
    """plan.json's text by source "Sheet!Cell" (bullets, and items from one cell, joined by newlines)."""
    found: dict[str, list[str]] = {}

    def text(value) -> str:
        return "\n".join(value) if isinstance(value, list) else str(value)

    def walk(node) -> None:
        if isinstance(node, dict):
            source = node.get("source")
            if isinstance(source, dict) and source.get("cell"):
                value = next((node[k] for k in ("text", "bullets", "name", "value") if k in node), None)
                found.setdefault(f"{source['sheet']}!{source['cell']}", []).append(text(value))
            for key, value in node.items():
                if key.endswith("_source") and isinstance(value, dict) and value.get("cell"):
                    found.setdefault(f"{value['sheet']}!{value['cell']}", []).append(
                        text(node[key[: -len("_source")]]))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(plan)
    return {where: "\n".join(texts) for where, texts in found.items()}


# What the chair types, in order; rows move as LibreOffice moves them.
CHAIR_OPS = [
    type_("About", "B3", "Pat Chair"),
    type_("About", "B4", "pat.chair@example.org"),
    type_("About", "B5", "2024-06-01"),
    type_("Contribution", "A2", "Leads the region's sufficiency work"),
    {"op": "string", "sheet": "Contribution", "cell": "A3", "text": "Hosts the commissioning forum\nand its newsletter"},
    type_("Work programme", "A2", "A: Increasing Placement Sufficiency"),  # from the dropdown
    type_("Work programme", "B2", "More local placements"),
    {"op": "string", "sheet": "Work programme", "cell": "C2", "text": "Joint market position statement\nShared "
     "provider forum"},  # Ctrl+Enter between the bullets
    type_("Work programme", "D2", "Amber"),
    type_("Work programme", "E2", "Yes"),
    type_("Work programme", "H2", "Commissioning Leads (Sally Savage)"),
    type_("Work programme", "C3", "An activity the chair deletes"),
    type_("Work programme", "D3", "Red"),
    type_("Work programme", "C4", "Regional fostering recruitment campaign"),
    type_("Work programme", "D4", "Green"),
    {"op": "delete_rows", "sheet": "Work programme", "index": 2, "count": 1},  # row 3 goes; row 4 becomes 3
    {"op": "insert_rows", "sheet": "Work programme", "index": 1, "count": 1},  # a row right under the header
    type_("Work programme", "A2", "B"),
    type_("Work programme", "C2", "Practice week across the region"),
    {"op": "insert_rows", "sheet": "Work programme", "index": 4, "count": 2},  # rows added below the last
    type_("Work programme", "C5", "Sufficiency data dashboard"),
    type_("Work programme", "D5", "Blue"),
    type_("LA support", "A2", "Rutland"),
    type_("LA support", "B2", "Help with the sufficiency strategy"),
    type_("Update", "A2", "Network Highlights"),
    type_("Update", "B2", "The forum met in May"),  # Paragraph
    type_("Update", "E3", "Agree the sufficiency strategy"),  # Numbered
    type_("Update", "B4", "Then, by the autumn:"),  # a Paragraph between: a label, the numbers run on
    type_("Update", "E5", "1. Open two homes"),  # the number typed too: taken off, Word numbers it
    type_("Update", "C6", "Providers were invited to the forum"),  # Bullet
    type_("Update", "D7", "Twelve came"),  # Sub-bullet
]
EXPECTED = {  # "Sheet!Cell" of plan.json -> its text, after the deletion and insertions above
    "Contribution!A2": "Leads the region's sufficiency work",
    "Contribution!A3": "Hosts the commissioning forum\nand its newsletter",  # a line break: two bullets
    "Work programme!C2": "Practice week across the region",
    "Work programme!B3": "More local placements",
    "Work programme!C3": "Joint market position statement\nShared provider forum",
    "Work programme!H3": "Commissioning Leads (Sally Savage)",
    "Work programme!C4": "Regional fostering recruitment campaign",
    "Work programme!C5": "Sufficiency data dashboard",
    "LA support!B2": "Help with the sufficiency strategy",
    "Update!B2": "The forum met in May",
    "Update!E3": "Agree the sufficiency strategy",
    "Update!B4": "Then, by the autumn:",
    "Update!E5": "Open two homes",
    "Update!C6": "Providers were invited to the forum",
    "Update!D7": "Twelve came",
}


@pytest.fixture(scope="module")
def chair_saved(libreoffice, tmp_path_factory) -> dict[str, Path]:
    """The return as a chair fills it in LibreOffice, saved in the three formats."""
    work = tmp_path_factory.mktemp("chair")
    cycle = work / "cycle"
    cycle.mkdir()
    (cycle / "region.toml").write_text(SMALL_REGION, encoding="utf-8")
    issued = work / "issued.xlsx"
    save_workbook(blank_return(load_region(cycle / "region.toml"), NETWORK), issued, when=dt.date(2024, 6, 1))
    ops = libreoffice.run({"open": str(issued), "ops": CHAIR_OPS, "save": saves(work, "filled")}, work)
    assert all(op["ok"] for op in ops), [op for op in ops if not op["ok"]]
    return {suffix: work / f"filled{suffix}" for suffix in FORMATS}


@pytest.mark.parametrize("suffix", list(FORMATS))
def test_what_a_chair_typed_in_libreoffice_reaches_the_plan_and_the_documents(chair_saved, suffix, tmp_path):
    cycle = round_with(chair_saved[suffix], tmp_path)
    result = merge_folder(cycle, tmp_path / "out")
    assert result.written, [p.format() for p in result.check.report.errors]
    plan = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    cells = by_cell(plan)
    for where, text in EXPECTED.items():
        assert cells.get(where, "").replace("\r", "") == text, (where, cells.get(where))
    # the deleted activity is gone; the dropdown values arrived as values
    assert "An activity the chair deletes" not in json.dumps(plan)
    activities = {a["source"]["cell"]: a for t in plan["themes"] for a in t["activities"]}
    assert activities["C3"]["rag"] == "amber" or str(activities["C3"]["rag"]).lower() == "amber"
    assert activities["C3"]["ticks"]["regional_group_task"] is True
    assert str(activities["C4"]["rag"]).lower() == "green" and str(activities["C5"]["rag"]).lower() == "blue"
    theme_of = {a["source"]["cell"]: t["code"] for t in plan["themes"] for a in t["activities"]}
    assert theme_of == {"C2": "B", "C3": "A", "C4": "A", "C5": "A"}
    assert {s["la"] for s in plan["la_support"] if s["support_needed"]} == {"Rutland"}
    about = plan["returns"][0]
    assert (about["completed_by"], about["email"], about["date_submitted"]) == (
        "Pat Chair", "pat.chair@example.org", "2024-06-01")
    # and in the documents
    plan_doc = "\n".join(text_lines(tmp_path / "out" / "ria-plan.docx"))
    update_doc = "\n".join(text_lines(tmp_path / "out" / "regional-update.docx"))
    for text in ("Practice week across the region", "Joint market position statement", "Shared provider forum",
                 "Regional fostering recruitment campaign", "Sufficiency data dashboard",
                 "Leads the region's sufficiency work", "Help with the sufficiency strategy"):
        assert text in plan_doc, text
    assert "The forum met in May" in update_doc
    [section] = [s for s in plan["update"] if s["blocks"]]
    assert [(b["kind"], b["text"]) for b in section["blocks"]] == [
        ("paragraph", "The forum met in May"), ("numbered", "Agree the sufficiency strategy"),
        ("paragraph", "Then, by the autumn:"), ("numbered", "Open two homes"),
        ("bullet", "Providers were invited to the forum")]
    assert [s["text"] for s in section["blocks"][-1]["sub_bullets"]] == ["Twelve came"]


@pytest.mark.parametrize("suffix", [".ods", ".xls"])
def test_a_return_saved_by_libreoffice_gets_no_warning_about_the_sheets_ria_docs_issued(chair_saved, suffix,
                                                                                         tmp_path):
    check = check_folder(round_with(chair_saved[suffix], tmp_path))
    noise = [p.format() for p in check.report.warnings if "Instructions" in p.message or "Lists" in p.message
             or p.sheet in ("Instructions", "Lists")]
    assert noise == []


def test_a_sentence_typed_with_an_equals_sign_is_an_error_quoting_it_in_every_format(libreoffice, issued, tmp_path):
    ops = libreoffice.run({"open": str(issued), "ops": [
        type_("About", "B3", "Pat Chair"),
        type_("Work programme", "A2", "A"),
        type_("Work programme", "C2", SENTENCE),  # Calc makes it a formula: Err:509, saved as #VALUE!
        type_("Work programme", "C3", "An activity typed plainly"),
    ], "save": saves(tmp_path, "typed")}, tmp_path)
    assert ops[2]["type"] == "FORMULA" and ops[2]["error"] == 509, ops[2]
    for suffix in FORMATS:
        check = check_folder(round_with(tmp_path / f"typed{suffix}", tmp_path / suffix[1:]))
        errors = [p for p in check.report.errors if p.kind == "formula-in-text"]
        assert [(p.sheet, p.cell) for p in errors] == [("Work programme", "C2")], (
            suffix, [p.format() for p in check.report.problems])
        if suffix != ".xls":
            # LibreOffice stores the formula lower-cased: the message quotes it whatever the case.
            # Its .xls holds no trace of the text (the formula is saved as =#N/A with #VALUE!
            # cached), so there only the cell can be named.
            assert SENTENCE[1:].lower() in errors[0].message.lower(), errors[0].message


def test_libreoffice_lets_a_chair_size_columns_and_rows_and_type_under_the_header(libreoffice, issued, tmp_path):
    """Family 8: on the protected sheets, through the menu commands a chair uses."""
    ops = libreoffice.run({"open": str(issued), "ops": [
        {"op": "protected", "sheet": "Work programme"},
        {"op": "column_width", "sheet": "Work programme", "column": 2, "width": 20000},  # Activity
        {"op": "column_width", "sheet": "Work programme", "column": 0, "width": 3000},  # Theme, narrower
        {"op": "row_height", "sheet": "Work programme", "row": 0, "height": 1500},  # the header row
        {"op": "row_height", "sheet": "Work programme", "row": 5, "height": 2000},
        {"op": "column_width", "sheet": "Contribution", "column": 0, "width": 12000},
        {"op": "column_width", "sheet": "Instructions", "column": 1, "width": 25000},
        {"op": "column_width", "sheet": "About", "column": 0, "width": 6000},
        {"op": "insert_rows", "sheet": "Work programme", "index": 1, "count": 1},
        {"op": "read", "sheet": "Work programme", "cell": "C2"},
        {"op": "read", "sheet": "Work programme", "cell": "L2"},
        {"op": "insert_rows", "sheet": "Contribution", "index": 1, "count": 1},
        {"op": "read", "sheet": "Contribution", "cell": "A2"},
        {"op": "protected", "sheet": "Work programme"},
    ]}, tmp_path)
    assert all(op["ok"] for op in ops), json.dumps(ops)
    assert ops[0]["protected"] and ops[-1]["protected"]  # nobody had to unprotect anything
    for op in ops[1:8]:
        assert op["changed"], op
    # the row inserted right under the header takes no lock from it
    assert [ops[9]["locked"], ops[10]["locked"], ops[12]["locked"]] == [False, False, False]


# -- the regional team's templates, saved and restyled in Writer ------------------------------------------------

WORD_FILTER = "MS Word 2007 XML"  # Writer's File > Save As > Word 2007-365 (.docx)
TEMPLATE_NAMES = ("ria-plan.docx", "regional-update.docx", "changes.docx")


def render_example(templates: Path, out: Path) -> dict[str, Path]:
    """The example round rendered with the templates in ``templates`` (changes.docx against itself)."""
    from ria_docs.changes import compare
    from ria_docs.changes import context as changes_context
    from ria_docs.pipeline import render_documents
    from ria_docs.render import render_docx

    plan = check_folder(ROOT / "inputs").plan
    files = render_documents(plan, templates).files
    files["changes.docx"] = render_docx(templates / "changes.docx", changes_context(compare(plan, plan), plan),
                                        title="Changes", subject="Changes", author="ria-docs")
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    return {name: out / name for name in files}


@pytest.fixture(scope="module")
def example_with_shipped_templates(tmp_path_factory) -> dict[str, Path]:
    return render_example(ROOT / "templates", tmp_path_factory.mktemp("shipped"))


def test_templates_saved_by_libreoffice_render_the_same_pages(libreoffice, example_with_shipped_templates, tmp_path):
    """Opened in Writer and saved as .docx with no change: every section still starts a new
    page in its orientation, with the same headings and tables."""
    saved = tmp_path / "saved"
    saved.mkdir()
    for name in TEMPLATE_NAMES:
        ops = libreoffice.run({"open": str(ROOT / "templates" / name), "ops": [],
                               "save": [{"path": str(saved / name), "filter": WORD_FILTER}]}, tmp_path)
        assert ops == []
    rendered = render_example(saved, tmp_path / "out")
    for name in TEMPLATE_NAMES:
        assert page_layout(rendered[name]) == page_layout(example_with_shipped_templates[name]), name
    assert [s["orientation"] for s in page_layout(rendered["ria-plan.docx"])] == [
        "portrait", "landscape", "landscape", "landscape"]


def test_a_template_restyled_in_libreoffice_renders_with_every_edit(libreoffice, example_with_shipped_templates,
                                                                    tmp_path):
    """A sentence added, Heading 1's colour and font changed, Section B's header fill changed."""
    restyled = tmp_path / "restyled"
    shutil.copytree(ROOT / "templates", restyled)
    sentence = "Each LA's self evaluation feeds the triad conversations."
    ops = libreoffice.run({"open": str(ROOT / "templates" / "ria-plan.docx"), "ops": [
        {"op": "add_paragraph_after", "find": "The elements of the regional improvement cycle are:", "text": sentence},
        {"op": "paragraph_style", "name": "Heading 1", "set": {"CharColor": 0xC00000, "CharFontName": "Liberation Serif"}},
        {"op": "header_fill", "first_cell": "LA", "color": 0xFFC000},
    ], "save": [{"path": str(restyled / "ria-plan.docx"), "filter": WORD_FILTER}]}, tmp_path)
    assert all(op["ok"] for op in ops) and ops[0]["found"] and ops[2] == {"ok": True, "found": True, "cells": 5}, ops
    plan = render_example(restyled, tmp_path / "out")["ria-plan.docx"]

    lines = [line.strip() for line in text_lines(plan)]
    assert lines[lines.index("The elements of the regional improvement cycle are:") + 1] == sentence
    with zipfile.ZipFile(plan) as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
    heading = next(s for s in styles.iterfind("w:style", NS)
                   if s.find("w:name", NS).get(f"{{{NS['w']}}}val").lower() == "heading 1")
    assert heading.find("w:rPr/w:color", NS).get(f"{{{NS['w']}}}val").upper() == "C00000"
    assert heading.find("w:rPr/w:rFonts", NS).get(f"{{{NS['w']}}}ascii") == "Liberation Serif"
    section_b = table_after(plan, "Section B:")
    header_fills = {cell_prop(tc, "shd") for tc in cells(rows(section_b)[0])}
    assert header_fills == {"FFC000"}
    assert page_layout(plan) == page_layout(example_with_shipped_templates["ria-plan.docx"])
