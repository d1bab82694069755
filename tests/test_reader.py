"""Reading workbooks: sheets, headers, cells and what is ignored."""

from __future__ import annotations

import pytest
from conftest import ROOT, edit_parts, messages

from ria_docs.reader import read_return
from ria_docs.report import Report

ABOUT = [["Network", "Commissioning Leads"], ["Period", "June 2024"]]


def read(path, report=None):
    report = report or Report()
    return read_return(path, path.name, report), report


def test_sheet_names_and_headers_match_loosely(write_sheets):
    path = write_sheets("r.xlsx", {
        " about ": ABOUT,
        "WORK PROGRAMME": [["theme*", "Activity:", " RAG ", "Seminar / Workshop"], ["A", "Do it", "Red", "Yes"]],
    })
    raw, report = read(path)
    assert report.problems == []
    assert raw.about["network"].text.text == "Commissioning Leads"
    [row] = raw.sheets["work programme"].rows
    assert {k: c.text.text for k, c in row.items()} == {
        "theme": "A", "activity": "Do it", "rag": "Red", "seminar_workshop": "Yes"}
    assert row["activity"].ref == "B2"


def test_extra_sheets_and_columns_are_ignored_with_their_cells_named(write_sheets):
    path = write_sheets("r.xlsx", {
        "About": ABOUT,
        "Contribution": [["Contribution", "Notes"], ["Bullet", "my note"], [None, "another"]],
        "Scratch": [["anything"]],
    })
    raw, report = read(path)
    assert messages(report) == [
        'r.xlsx, sheet Contribution: warning: column B ("Notes") is not a column of this sheet, '
        "so 3 cell(s) are not used: B1, B2, B3",
        'r.xlsx, sheet Scratch: warning: sheet "Scratch" is not one ria-docs reads, so 1 cell(s) are not used: A1',
    ]
    assert raw.cells.ignored == ["Contribution!B1", "Contribution!B2", "Contribution!B3", "Scratch!A1"]
    assert [r["contribution"].text.text for r in raw.sheets["contribution"].rows] == ["Bullet"]


def test_cells_under_no_header_are_reported(write_sheets):
    path = write_sheets("r.xlsx", {"About": ABOUT, "Contribution": [["Contribution"], ["Bullet", None, "stray"]]})
    _, report = read(path)
    assert messages(report) == [
        "r.xlsx, sheet Contribution: warning: column C has no header in row 1, so 1 cell(s) are not used: C2 "
        "(give the column a header or move the text into a column that has one)"
    ]


def test_a_missing_required_header_says_which_and_what_was_found(write_sheets):
    path = write_sheets("r.xlsx", {"About": ABOUT, "Work programme": [["Theme", "RAG status"], ["A", "Red"]]})
    raw, report = read(path)
    assert messages(report)[0] == (
        'r.xlsx, sheet Work programme: error: row 1 has no "Activity" header (found: "Theme", "RAG status") '
        "(headers must be in row 1: Theme, Outcome, Activity, RAG, Regional group task, Seminar/workshop, "
        "Project work, Lead responsibility, RIA lead, SDSA, Commentary)"
    )
    assert "work programme" not in raw.sheets
    assert raw.cells.ignored == ["Work programme!A2", "Work programme!B2", "Work programme!B1"]


def test_merged_cells_read_as_blank_below_their_first_cell(write_sheets):
    def merge(workbook):
        workbook["LA support"].merge_cells("A2:A3")

    path = write_sheets("r.xlsx", {
        "About": ABOUT,
        "LA support": [["LA", "Support needed"], ["Derby", "One"], [None, "Two"]],
    }, edit=merge)
    raw, _ = read(path)
    rows = raw.sheets["la support"].rows
    assert [sorted(r) for r in rows] == [["la", "support_needed"], ["support_needed"]]


def test_empty_rows_are_skipped_and_hidden_rows_read_with_a_warning(write_sheets):
    def hide(workbook):
        workbook["Contribution"].row_dimensions[4].hidden = True

    path = write_sheets("r.xlsx", {
        "About": ABOUT,
        "Contribution": [["Contribution"], ["One"], [None], ["Hidden"], ["   "], ["Two"]],
    }, edit=hide)
    raw, report = read(path)
    assert [r["contribution"].text.text for r in raw.sheets["contribution"].rows] == ["One", "Hidden", "Two"]
    assert messages(report) == [
        "r.xlsx, sheet Contribution: warning: row(s) 4 are hidden in Excel but were read like the others "
        "(delete hidden rows that should not be in the plan)"
    ]


def test_numbers_and_dates_where_text_is_expected_keep_their_displayed_text(write_sheets):
    import datetime as dt

    def percent(workbook):
        workbook["Contribution"]["A6"].number_format = "0%"

    path = write_sheets("r.xlsx", {
        "About": ABOUT,
        "Contribution": [["Contribution"], [42], [2.5], [dt.datetime(2019, 4, 29)], [True], [0.375]],
    }, edit=percent)
    raw, _ = read(path)
    assert [r["contribution"].text.text for r in raw.sheets["contribution"].rows] == [
        "42", "2.5", "29/04/2019", "TRUE", "37.5%"]


def test_about_reads_labels_and_reports_unknown_ones(write_sheets):
    path = write_sheets("r.xlsx", {"About": [
        ["Question", "Answer"],
        ["Network:", "Commissioning Leads"],
        ["Period", "June 2024", "note to self"],
        ["Favourite colour", "blue"],
        ["Network", "Someone else"],
    ]})
    raw, report = read(path)
    assert raw.about["network"].text.text == "Commissioning Leads"
    assert messages(report) == [
        'r.xlsx, sheet About: warning: "Favourite colour" is not an About label ria-docs knows, '
        "so 2 cell(s) are not used: A4, B4 (the labels are: Network, Period, Completed by, Email, Date submitted, "
        "Chair, Chair LA, Director link, Director link LA, Template version)",
        'r.xlsx, sheet About: warning: "Network" is given twice; the first, in row 2, is used, '
        "so 1 cell(s) are not used: B5",
        "r.xlsx, sheet About: warning: only a label in column A and its value in column B are read, "
        "so 1 cell(s) are not used: C3",
    ]


def test_a_workbook_without_about_is_not_a_return(write_sheets):
    path = write_sheets("budget.xlsx", {"Sheet1": [["Budget"]], "Sheet2": []})
    raw, report = read(path)
    assert raw is not None and not raw.is_return
    assert messages(report)[-1] == (
        'budget.xlsx: error: has no About sheet, so it is not a network return (its sheets: "Sheet1", "Sheet2") '
        "(use the workbook issued by the regional team, or add an About sheet with Network and Period)"
    )


def test_files_that_are_not_workbooks_say_how_to_fix_them(cycle):
    empty = cycle / "empty.xlsx"
    empty.write_bytes(b"")
    csv = cycle / "renamed.xlsx"
    csv.write_text("Network,Period\nX,June 2024\n", encoding="utf-8")
    locked = cycle / "protected.xlsx"
    locked.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504)
    report = Report()
    for path in (empty, csv, locked):
        assert read_return(path, path.name, report) is None
    assert messages(report) == [
        "empty.xlsx: error: is empty (0 bytes) (it was probably not saved; ask for it again)",
        "renamed.xlsx: error: is not an Excel workbook: it holds plain text (a CSV file renamed?) "
        "(open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx))",
        "protected.xlsx: error: could not be read as a spreadsheet "
        "(open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx))",
    ]


def test_a_mac_line_break_is_a_line_break(write_sheets):
    # Excel for Mac types a vertical tab, which the file stores as _x000B_.
    path = write_sheets("r.xlsx", {"About": ABOUT, "Contribution": [["Contribution"], ["line one_x000B_line two"]]})
    raw, report = read(path)
    assert raw.sheets["contribution"].rows[0]["contribution"].text.lines == ["line one", "line two"]
    assert report.problems == []


def test_characters_xml_forbids_are_removed_with_a_warning_naming_the_cell(write_sheets):
    path = write_sheets("r.xlsx", {"About": ABOUT, "Contribution": [["Contribution"], ["bell_x0007_ here"]]})
    raw, report = read(path)
    assert raw.sheets["contribution"].rows[0]["contribution"].text.text == "bell here"
    assert messages(report) == [
        "r.xlsx, Contribution!A2: warning: removed characters that cannot go into a Word document: "
        "U+0007 (check the text still reads as intended)"
    ]


def test_xlsm_is_read_like_xlsx(cycle, add_return):
    path = add_return("macro.xlsx", {"Network": "Commissioning Leads", "Period": "June 2024"},
                      {"Contribution": [{"Contribution": "From a macro workbook"}]})
    xlsm = path.rename(path.with_suffix(".xlsm"))
    raw, report = read(xlsm)
    assert report.problems == []
    assert raw.sheets["contribution"].rows[0]["contribution"].text.text == "From a macro workbook"


def test_a_renamed_sheet_whose_original_is_missing_is_an_error(write_sheets):
    path = write_sheets("r.xlsx", {"About": ABOUT, "Work Programme 2019-20": [["Theme", "Activity"], ["A", "x"]]})
    raw, report = read(path)
    assert messages(report) == [
        'r.xlsx, sheet Work Programme 2019-20: error: sheet "Work Programme 2019-20" looks like the "Work programme" '
        'sheet renamed, and this return has no "Work programme" sheet, so its 4 cell(s) would be lost: A1, B1, A2, '
        'B2 (rename the sheet "Work programme" (right-click its tab > Rename))'
    ]
    assert raw.cells.ignored == ["Work Programme 2019-20!" + ref for ref in ("A1", "B1", "A2", "B2")]


def test_a_renamed_sheet_beside_its_original_is_a_warning(write_sheets):
    path = write_sheets("r.xlsx", {"About": ABOUT, "Work programme": [["Theme", "Activity"]],
                                   "Work Programme 2019-20": [["Theme", "Activity"], ["A", "x"]]})
    _, report = read(path)
    assert messages(report) == [
        'r.xlsx, sheet Work Programme 2019-20: warning: sheet "Work Programme 2019-20" is not one ria-docs reads, '
        'so 4 cell(s) are not used: A1, B1, A2, B2 (did you mean "Work programme"? Rename the sheet so its cells '
        "are used)"
    ]


# -- Family: content a chair typed never disappears on a warning ---------------------------


def test_a_sheet_renamed_after_unprotecting_it_is_an_error_naming_the_sheet(add_return, check):
    import openpyxl

    path = add_return("r.xlsx", {"Network": "Commissioning Leads", "Period": "June 2024", "Completed by": "Me"},
                      {"Work programme": [{"Theme": "A", "Activity": "Joint purchasing"}]})
    workbook = openpyxl.load_workbook(path)
    workbook.security = None
    workbook["Work programme"].protection.sheet = False
    workbook["Work programme"].title = "Work programme (updated)"
    workbook.save(path)
    report = check().report
    assert [(p.severity.value, p.kind, p.sheet) for p in report.problems] == [
        ("error", "renamed-sheet", "Work programme (updated)")]
    assert report.problems[0].message.startswith(
        'sheet "Work programme (updated)" looks like the "Work programme" sheet renamed, and this return has no '
        '"Work programme" sheet, so its 13 cell(s) would be lost: A1, B1, C1')


def test_a_sheet_with_another_name_but_the_headers_of_a_missing_sheet_is_an_error(write_sheets):
    path = write_sheets("r.xlsx", {"About": ABOUT, "Sheet1": [["LA", "Support needed"], ["Derby", "Help"]]})
    _, report = read(path)
    assert [(p.kind, p.severity.value) for p in report.problems] == [("renamed-sheet", "error")]
    assert '"Sheet1" looks like the "LA support" sheet renamed' in report.problems[0].message


@pytest.mark.parametrize("header, meant", [("RAG status", "RAG"), ("Comments", "Commentary"),
                                           ("Lead", "Lead responsibility"), ("Seminar", "Seminar/workshop")])
def test_a_renamed_header_whose_column_is_missing_is_an_error(write_sheets, header, meant):
    path = write_sheets("r.xlsx", {"About": ABOUT, "Work programme": [
        ["Theme", "Activity", header], ["A", "Joint purchasing", "Amber-ish"]]})
    raw, report = read(path)
    assert messages(report) == [
        f'r.xlsx, Work programme!C1: error: column C is headed "{header}", which looks like "{meant}" renamed, and '
        f'this sheet has no "{meant}" column, so its 1 cell(s) would be lost: C2 (change the header in C1 to '
        f'"{meant}")'
    ]
    assert raw.cells.ignored == ["Work programme!C1", "Work programme!C2"]


def test_a_renamed_header_beside_its_column_is_only_a_warning(write_sheets):
    path = write_sheets("r.xlsx", {"About": ABOUT, "Work programme": [
        ["Theme", "Activity", "RAG", "RAG status"], ["A", "Joint purchasing", "Amber", "was red"]]})
    _, report = read(path)
    assert [(p.severity.value, p.kind) for p in report.problems] == [("warning", "ignored-cells")]


def test_a_note_in_about_row_1_is_reported_not_taken_for_headings(write_sheets):
    path = write_sheets("r.xlsx", {"About": [["Please call me before merging", "thanks"], *ABOUT]})
    raw, report = read(path)
    assert messages(report)[0].startswith(
        'r.xlsx, sheet About: warning: "Please call me before merging" is not an About label ria-docs knows, '
        "so 2 cell(s) are not used: A1, B1")
    assert raw.cells.ignored == ["About!A1", "About!B1"]


SENTENCE = "=Adoption support fund bids coordinated regionally"


@pytest.mark.parametrize("saved", [None, "#VALUE!"], ids=["no saved value", "saved as #VALUE!"])
def test_a_sentence_typed_with_an_equals_sign_is_the_same_error_saved_value_or_not(write_sheets, saved):
    """Excel and LibreOffice make it a formula; a script may save it with no result."""
    path = write_sheets("r.xlsx", {"About": ABOUT, "Contribution": [["Contribution"], [SENTENCE]]})
    if saved:
        edit_parts(path, b'<c r="A2"><f>Adoption support fund bids coordinated regionally</f><v></v>',
                   b'<c r="A2" t="e"><f>Adoption support fund bids coordinated regionally</f><v>'
                   + saved.encode() + b"</v>")
    raw, report = read(path)
    shows = f" (it shows {saved})" if saved else ""
    assert messages(report) == [
        f'r.xlsx, Contribution!A2: error: holds the formula "{SENTENCE}"{shows}, not text: a cell that starts with '
        '"=" is calculated by Excel and LibreOffice (to keep it as text, type it again with an apostrophe first '
        "('=Adoption support fund bids coordinated...), or start it another way)"
    ]
    assert raw.sheets["contribution"].rows == [] and raw.cells.ignored == ["Contribution!A2"]


def test_a_formula_in_a_figure_column_uses_its_saved_result_in_every_format(cycle, tmp_path):
    import shutil

    from conftest import SMALL_REGION

    from ria_docs.pipeline import check_folder

    (cycle / "region.toml").write_text(SMALL_REGION + '[[indicator]]\nname = "Re-referrals"\n', encoding="utf-8")
    for suffix in ("xlsx", "ods", "xls"):
        for old in cycle.glob("formula-as-text.*"):
            old.unlink()
        shutil.copy(ROOT / "tests" / "data" / "formats" / f"formula-as-text.{suffix}", cycle)
        result = check_folder(cycle)
        assert [(p.kind, p.sheet, p.cell) for p in result.report.errors] == [
            ("formula-in-text", "Contribution", "A2"), ("formula-in-text", "Work programme", "C2")], suffix
        # Nothing else reported: the row whose Activity was refused is not also "missing its Activity".
        assert [p.kind for p in result.report.warnings] == [], suffix


def test_excel_escapes_in_a_chairs_text_are_read_as_typed(cycle):
    """LibreOffice and Excel save a typed "_x0041_" as _x005F_x0041_; it reads back as typed, not as "A"."""
    import shutil

    from ria_docs.pipeline import check_folder

    shutil.copy(ROOT / "tests" / "data" / "formats" / "return.xlsx", cycle / "r.xlsx")
    edit_parts(cycle / "r.xlsx", b"Sufficiency strategy", b"Sufficiency _x005F_x0041_ strategy")
    plan = check_folder(cycle).plan
    rutland = next(r for r in plan.la_support if r.la == "Rutland")
    assert [t.text for t in rutland.support_needed] == ["Sufficiency _x0041_ strategy"]


@pytest.mark.parametrize("header, column, meant", [
    ("Status", "D", "RAG"), ("Responsible lead", "H", "Lead responsibility"), ("Objective", "B", "Outcome"),
    ("Expected outcome", "B", "Outcome"), ("Progress", "K", "Commentary")])
def test_a_header_renamed_in_its_issued_column_is_an_error(write_sheets, header, column, meant):
    headers = ["Theme", "Outcome", "Activity", "RAG", "Regional group task", "Seminar/workshop", "Project work",
               "Lead responsibility", "RIA lead", "SDSA", "Commentary"]
    index = ord(column) - ord("A")
    headers[index] = header
    row = ["A", "outcome", "Joint purchasing", "", "", "", "", "", "", "", ""]
    row[index] = "typed here"
    path = write_sheets("r.xlsx", {"About": ABOUT, "Work programme": [headers, row]})
    _, report = read(path)
    assert [(p.kind, p.cell) for p in report.problems] == [("renamed-header", f"{column}1")]
    assert f'which looks like "{meant}" renamed' in report.problems[0].message


@pytest.mark.parametrize("label, meant", [
    ("Director", "Director link"), ("Link director", "Director link"), ("Chairperson", "Chair"),
    ("Chiar", "Chair"), ("Network chair", "Chair"), ("Date submited", "Date submitted")])
def test_a_renamed_about_label_is_an_error(write_sheets, label, meant):
    path = write_sheets("r.xlsx", {"About": [*ABOUT, ["Completed by", "Me"], [label, "Jo Bloggs"]]})
    raw, report = read(path)
    assert messages(report) == [
        f'r.xlsx, About!A4: error: row 4 is labelled "{label}", which looks like "{meant}" renamed, and there is '
        f'no "{meant}" label, so B4 would be lost (change A4 to "{meant}")'
    ]


@pytest.mark.parametrize("rows, cell", [
    ([["Chair", None, "Jo Bloggs"]], "C4"),  # one column too far
    ([["Chair"], [None, "Jo Bloggs"]], "B5"),  # one row too low
])
def test_an_about_value_typed_beside_the_wrong_cell_is_an_error(write_sheets, rows, cell):
    path = write_sheets("r.xlsx", {"About": [*ABOUT, ["Completed by", "Me"], *rows]})
    _, report = read(path)
    assert messages(report) == [
        f'r.xlsx, About!{cell}: error: {cell} holds a value where ria-docs does not read one, and "Chair" (row 4) '
        'has none in B4: is it its value? (move it to B4, beside its label, or clear it)'
    ]


@pytest.mark.parametrize("suffix", ["xlsx", "ods", "xls"])
def test_notes_on_cells_are_named_with_what_they_say(cycle, suffix):
    import shutil

    from ria_docs.pipeline import check_folder

    shutil.copy(ROOT / "tests" / "data" / "formats" / f"notes.{suffix}", cycle)
    result = check_folder(cycle)
    report = result.report
    notes = [p.format() for p in report.problems if p.kind == "notes"]
    said = (' ("Chair changes to Jo Bloggs from July")', ' ("New activity: sufficiency audit (please add)")')
    said = ("", "") if suffix == "xls" else said
    assert notes == [
        f"notes.{suffix}, sheet About: warning: 1 note(s) on cells are not used: B5{said[0]} (type into the "
        "return's cells anything in a note that should reach the plan)",
        f"notes.{suffix}, sheet Work programme: warning: 1 note(s) on cells are not used: C2{said[1]} (type into "
        "the return's cells anything in a note that should reach the plan)",
    ]
    assert [r for r in result.outcome.returns[0].ignored if "note" in r] == ["About!B5 (note)", "Work programme!C2 (note)"]


def test_numbers_and_dates_in_text_columns_are_named_as_published(write_sheets):
    import datetime as dt

    path = write_sheets("r.xlsx", {"About": ABOUT, "Contribution": [["Contribution"], [1500], [dt.datetime(2024, 6, 1)],
                                                                   ["Plain text"]]})
    _, report = read(path)
    assert messages(report) == [
        "r.xlsx, sheet Contribution: warning: 2 cell(s) hold a number or a date, published as ria-docs writes it, "
        "not with the formatting Excel showed (a currency sign, a month name, thousands): A2 (1500), A3 (01/06/2024) "
        "(if a cell should read otherwise, type it as it should read, starting with an apostrophe ('£1,500))"
    ]
