"""Inputs an adversarial tester found: each once crashed, lost a cell, or misled."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import struct
import zipfile

import openpyxl
import pytest
from conftest import ROOT, SMALL_REGION, about, messages

from ria_docs.exceptions import OutputError, RegionError
from ria_docs.outputs import write_outputs
from ria_docs.pipeline import check_folder, find_return_files
from ria_docs.reader import read_return
from ria_docs.region import load_region
from ria_docs.report import Report

FORMATS = ROOT / "tests" / "data" / "formats"
DAMAGED = ("is damaged: it is not a complete Excel file (perhaps cut short when sent) (ask for it to be sent again)")


def _local_header_offsets(data: bytes):
    offset = data.find(b"PK\x03\x04")
    while offset != -1:
        yield offset
        offset = data.find(b"PK\x03\x04", offset + 4)


@pytest.mark.parametrize("damage", ["flipped bytes", "encrypted flag", "deflate64"])
def test_a_damaged_zip_is_reported_not_a_traceback(cycle, damage):
    data = bytearray((FORMATS / "return.xlsx").read_bytes())
    if damage == "flipped bytes":
        for position in range(400, 440):
            data[position] ^= 0xFF
    else:
        central = data.find(b"PK\x01\x02")
        while central != -1:  # change every entry in the central directory
            if damage == "encrypted flag":
                flags = struct.unpack_from("<H", data, central + 8)[0]
                struct.pack_into("<H", data, central + 8, flags | 1)
            else:
                struct.pack_into("<H", data, central + 10, 9)
            central = data.find(b"PK\x01\x02", central + 4)
    path = cycle / "damaged.xlsx"
    path.write_bytes(bytes(data))
    report = Report()
    assert read_return(path, "damaged.xlsx", report) is None
    assert [p.kind for p in report.errors] == ["damaged-file"]
    assert messages(report)[0].startswith("damaged.xlsx: error: ")


def test_a_file_name_that_is_not_valid_text_is_shown_and_merged(cycle, add_return, tmp_path):
    path = add_return("adoption.xlsx", about())
    odd = os.fsencode(cycle) + b"/adoption-\xff.xlsx"
    os.rename(path, odd)
    from ria_docs.pipeline import merge_folder

    result = merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    assert result.written
    assert [a.file for a in result.check.outcome.returns] == ["adoption-\\xff.xlsx"]  # the byte, shown as an escape


def test_an_output_name_taken_by_a_folder_is_a_clear_error(tmp_path):
    out = tmp_path / "out"
    (out / "plan.json").mkdir(parents=True)
    (out / "plan.json" / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match=r"plan.json: is a folder, where ria-docs writes a file of that name"):
        write_outputs(out, {"ria-plan.docx": b"x", "plan.json": b"{}"})
    assert sorted(p.name for p in out.iterdir()) == ["plan.json"]
    assert (out / "plan.json" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_region_needs_a_network_and_a_work_programme_needs_themes(tmp_path, cycle, add_return):
    (tmp_path / "region.toml").write_text('region = "R"\nplan_year = "1"\nperiod = "June 2024"\nlas = ["A"]\n')
    with pytest.raises(RegionError) as caught:
        load_region(tmp_path / "region.toml")
    assert caught.value.problems == ["network is missing: add at least one [[network]]"]
    text = SMALL_REGION[: SMALL_REGION.index("[[theme]]")]
    (cycle / "region.toml").write_text(text, encoding="utf-8")
    add_return("r.xlsx", about(), {"Work programme": [{"Theme": "A", "Activity": "x"}]})
    assert messages(check_folder(cycle).report) == [
        'r.xlsx, Work programme!A2: error: "A" cannot be filed: region.toml has no themes this round '
        "(leave the Work programme sheet empty, or add [[theme]] entries)"
    ]


def test_an_unreadable_region_toml_is_a_plain_error(tmp_path, monkeypatch):
    path = tmp_path / "region.toml"
    path.write_text(SMALL_REGION, encoding="utf-8")
    real = type(path).read_bytes

    def denied(self):
        if self.name == "region.toml":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(type(path), "read_bytes", denied)
    with pytest.raises(RegionError, match=r"region.toml: cannot be read \(Permission denied\)"):
        load_region(path)


def test_names_in_other_scripts_stay_distinct(cycle, add_return):
    text = SMALL_REGION.replace('name = "Virtual School Heads"', 'name = "Участие"\n[[network]]\nname = "Усыновление"')
    (cycle / "region.toml").write_text(text, encoding="utf-8")
    add_return("a.xlsx", about("Усыновление"))
    add_return("b.xlsx", about("участие"))
    result = check_folder(cycle)
    assert result.report.problems == []
    assert sorted(r.network for r in result.returns) == ["Усыновление", "Участие"]


def test_region_checks_duplicates_the_way_returns_are_matched(tmp_path):
    text = SMALL_REGION.replace('"Rutland"]', '"Rutland", "Rutland!"]').replace(
        'name = "Virtual School Heads"', 'name = "Virtual School Heads"\naliases = ["Commissioning-Leads"]')
    (tmp_path / "region.toml").write_text(text, encoding="utf-8")
    with pytest.raises(RegionError) as caught:
        load_region(tmp_path / "region.toml")
    assert caught.value.problems == [
        'line 4: las lists "Rutland!" twice',
        'line 24: [[network]] number 3 ("Virtual School Heads"), aliases: "Commissioning-Leads" is already a name '
        'or alias of "Commissioning Leads"; each spelling may belong to one network',
    ]


def test_region_text_that_word_cannot_hold_is_refused_at_its_line(tmp_path):
    text = SMALL_REGION.replace('region = "Testshire"', 'region = "Test\\u0001shire"')
    (tmp_path / "region.toml").write_text(text, encoding="utf-8")
    with pytest.raises(RegionError) as caught:
        load_region(tmp_path / "region.toml")
    assert caught.value.problems == ["line 1: region contains a character a Word document cannot hold (U+0001)"]


def test_an_la_with_no_person_to_belong_to_is_reported_not_claimed(add_return, check):
    add_return("vsh.xlsx", about("Virtual School Heads", **{"Chair LA": "Derby"}))
    result = check()
    assert messages(result.report) == [
        "vsh.xlsx, About!B7: warning: Chair LA is given, but no Chair name, here or in region.toml, so it is "
        "not used (add the Chair's name)"
    ]
    account = result.outcome.account("vsh.xlsx")
    assert "About!B7" in account.ignored and "About!B7" not in account.cells_used


def test_texts_that_differ_in_symbols_are_different(add_return, check):
    add_return("r.xlsx", about(), {"Work programme": [
        {"Theme": "A", "Outcome": "Agency staff (< 10%)", "Activity": "Agency staff < 10%"},
        {"Outcome": "Agency staff (> 10%)", "Activity": "Agency staff > 10%"},
    ]})
    result = check()
    assert [a.bullets for a in result.plan.themes[0].activities] == [["Agency staff < 10%"], ["Agency staff > 10%"]]
    assert [p.kind for p in result.report.problems] == ["repeated-theme-text"]  # the second outcome, named
    assert result.plan.themes[0].outcome == ["Agency staff (< 10%)", "Agency staff (> 10%)"]  # and kept


def test_excel_error_values_are_named_and_not_used(write_sheets, check):
    path = write_sheets("r.xlsx", {
        "About": [["Network", "Commissioning Leads"], ["Period", "June 2024"], ["Completed by", "Me"]],
        "Contribution": [["Contribution"], ["Real text"], ["#N/A"]],
    })
    with zipfile.ZipFile(path) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    [sheet] = [n for n, d in parts.items() if b"#N/A" in d and n.startswith("xl/worksheets/")]
    parts[sheet] = parts[sheet].replace(b't="inlineStr"><is><t>#N/A</t></is>', b't="e"><v>#N/A</v>')
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    result = check()
    assert messages(result.report) == [
        "r.xlsx, Contribution!A3: error: shows the error #N/A, which is not a value ria-docs can use (type the "
        "value instead; if you typed text starting with =, + or -, type an apostrophe before it (') to keep it "
        "as text)"
    ]
    assert result.outcome.returns[0].ignored == ["Contribution!A3"]


def test_an_unprotected_instructions_sheet_is_read_like_any_other(cycle, add_return, check):
    path = add_return("r.xlsx", about())
    workbook = openpyxl.load_workbook(path)
    workbook["Instructions"].protection.sheet = False
    workbook["Instructions"]["D40"] = "Please call me about theme A"
    workbook.save(path)
    result = check()
    assert messages(result.report) == [
        'r.xlsx, sheet Instructions: warning: the issued "Instructions" sheet is not read, so 1 cell(s) typed or '
        "changed there are not used: D40 (nothing to do, unless something was typed there for the regional team)"
    ]
    assert result.outcome.account("r.xlsx").ignored == ["Instructions!D40"]


@pytest.mark.parametrize("suffix", [".xlsx", pytest.param(".ods", marks=pytest.mark.libreoffice),
                                    pytest.param(".xls", marks=pytest.mark.libreoffice)])  # saved as by LibreOffice
def test_issued_sheets_unprotected_but_untouched_are_not_noise(cycle, add_return, check, suffix):
    """A chair lifts the protection of Instructions and Lists (no password is needed) and types nothing there."""
    import subprocess

    path = add_return("r.xlsx", about())
    workbook = openpyxl.load_workbook(path)
    workbook["Instructions"].protection.sheet = False
    workbook["Lists"].protection.sheet = False
    workbook.save(path)
    if suffix != ".xlsx":
        if shutil.which("soffice") is None:
            pytest.skip("LibreOffice is not installed")
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(cycle.parent / 'lo').as_uri()}",
                        "--convert-to", suffix[1:], "--outdir", str(cycle), str(path)], check=True,
                       capture_output=True, timeout=120)
        path.unlink()
    result = check()
    assert messages(result.report) == []
    layout = result.outcome.account(f"r{suffix}").layout_refs
    assert "Instructions!A1" in layout and "Lists!A1" in layout


def test_a_contribution_of_a_network_not_in_section_d_says_where_it_goes(cycle, add_return, check):
    (cycle / "region.toml").write_text(SMALL_REGION.replace(
        'name = "Virtual School Heads"', 'name = "Virtual School Heads"\nshow_in_section_d = false'), encoding="utf-8")
    add_return("r.xlsx", about("Virtual School Heads"), {"Contribution": [{"Contribution": "PEP reviews"}]})
    assert [p.kind for p in check().report.problems] == ["contribution-not-shown"]


def test_notes_and_other_files_in_the_folder_are_left_alone(cycle, add_return, check):
    add_return("r.xlsx", about())
    (cycle / "notes.txt").write_text("chase VSH", encoding="utf-8")
    (cycle / "minutes.docx").write_bytes(b"PK")
    # Text notes are left alone; a Word document may be a return sent the wrong way, so it is named (a warning).
    assert messages(check().report) == [
        "minutes.docx: warning: is a Word document (.docx), not a return workbook, so it is not read "
        "(if a chair sent their return this way, ask for it in the return workbook)"
    ]


def test_a_theme_title_that_starts_like_a_code_is_that_theme(cycle, add_return, check):
    (cycle / "region.toml").write_text(SMALL_REGION.replace(
        'title = "Improving Practice Methodology"', 'title = "A-level results"'), encoding="utf-8")
    add_return("r.xlsx", about(), {"Work programme": [{"Theme": "A-level results", "Activity": "x"}]})
    result = check()
    assert result.report.problems == []
    assert [len(t.activities) for t in result.plan.themes] == [0, 1]


def test_a_folder_that_cannot_be_read_is_an_error(cycle, add_return, monkeypatch):
    add_return("r.xlsx", about())
    real_walk = os.walk

    def walk(top, onerror=None, followlinks=False):
        onerror(PermissionError(13, "Permission denied", str(cycle / "locked")))
        yield from real_walk(top, onerror=onerror, followlinks=followlinks)

    monkeypatch.setattr(os, "walk", walk)
    assert messages(check_folder(cycle).report)[0] == (
        "locked: error: is a folder that cannot be read, so any returns in it are missed "
        "(check its permissions, or move the returns out of it)"
    )


def test_a_date_far_from_the_round_is_questioned(add_return, check):
    add_return("r.xlsx", about(**{"Date submitted": dt.date(2091, 6, 1)}))
    assert messages(check().report) == [
        "r.xlsx, About!B5: warning: Date submitted 01/06/2091 is far from this round (June 2024) (check the year: "
        "it decides which of two returns from one network is newer)"
    ]


def test_the_missing_activity_hint_names_the_activity_column_where_it_is(write_sheets, check):
    write_sheets("r.xlsx", {
        "About": [["Network", "Commissioning Leads"], ["Period", "June 2024"], ["Completed by", "Me"]],
        "Work programme": [["Activity", "Theme", "RAG"], [None, "A", "Red"]],
    })
    assert messages(check().report)[0].endswith("(write the activity in A2 or clear the row)")


def test_cells_that_only_look_filled_are_empty(write_sheets, check):
    write_sheets("r.xlsx", {
        "About": [["Network", "Commissioning Leads"], ["Period", "June 2024"], ["Completed by", "Me"]],
        "Contribution": [["Contribution"], ["\u200b"], ["_x000D_"], ["Real"]],
    })
    result = check()
    network = next(n for n in result.plan.networks if n.name == "Commissioning Leads")
    assert [t.text for t in network.contribution] == ["Real"]
    assert result.report.problems == []


def test_symlinked_returns_are_read_and_hidden_folders_skipped(cycle, add_return, tmp_path):
    outside = add_return("real.xlsx", about(), folder=tmp_path)
    (cycle / "linked.xlsx").symlink_to(outside)
    hidden = cycle / ".old"
    hidden.mkdir()
    shutil.copy(outside, hidden / "stale.xlsx")
    assert [p.name for p in find_return_files(cycle)] == ["linked.xlsx"]
