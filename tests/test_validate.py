"""What cells mean: networks, period, themes, RAG and ticks, LAs, sections."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import about, edit_parts, messages


def only(report):
    return messages(report)


def test_network_alias_and_loose_spelling_are_accepted(add_return, check):
    add_return("r.xlsx", about("2nd tier safeguarding"))
    result = check()
    assert only(result.report) == []
    assert [r.network for r in result.returns] == ["2nd Tier Safeguarding Leads"]


def test_unknown_network_suggests_and_blank_network_points_at_the_cell(add_return, check):
    add_return("a.xlsx", about("Comissioning Leads"))
    add_return("b.xlsx", about(""))
    assert only(check().report) == [
        'a.xlsx, About!B1: error: "Comissioning Leads" is not a network of Testshire '
        '(did you mean "Commissioning Leads"?)',
        "b.xlsx, About!B1: error: the Network is blank, so ria-docs cannot tell whose return this is "
        "(type the network's name in column B beside the label Network)",
    ]


def test_a_return_for_another_period_is_an_error(add_return, check):
    add_return("r.xlsx", about(period="March 2024"))
    assert only(check().report) == [
        'r.xlsx, About!B2: error: this return is for "March 2024", but this round is "June 2024" '
        "(check it is this round's return; if it is, correct the Period)"
    ]


def test_a_period_excel_turned_into_a_date_still_matches(add_return, check):
    add_return("r.xlsx", about(period=dt.date(2024, 6, 1)))
    assert only(check().report) == []


@pytest.mark.parametrize("typed", ["A", "a", "A: Increasing Placement Sufficiency", "A - Increasing placement sufficiency",
                                   "Increasing Placement Sufficiency"])
def test_theme_may_be_a_code_a_label_or_the_title(add_return, check, typed):
    add_return("r.xlsx", about(), {"Work programme": [{"Theme": typed, "Activity": "Do it"}]})
    result = check()
    assert only(result.report) == []
    assert [a.bullets for a in result.plan.themes[0].activities] == [["Do it"]]


def test_unknown_theme_suggests_and_its_rows_are_not_used(add_return, check):
    add_return("r.xlsx", about(), {"Work programme": [
        {"Theme": "Increasing Placement Suficiency", "Activity": "One"},
        {"Activity": "Two"},
    ]})
    result = check()
    assert only(result.report) == [
        'r.xlsx, Work programme!A2: error: "Increasing Placement Suficiency" is not a theme of the 2024/25 plan '
        '(did you mean "A: Increasing Placement Sufficiency"?)'
    ]
    assert result.outcome.account("r.xlsx").ignored == [
        "Work programme!A2", "Work programme!C2", "Work programme!C3"]


def test_a_row_with_no_theme_above_it(add_return, check):
    add_return("r.xlsx", about(), {"Work programme": [{"Activity": "Orphan"}]})
    assert only(check().report) == [
        "r.xlsx, Work programme!A2: error: this row has no Theme, and there is none above it to carry down "
        "(type the theme code (like A) in the Theme column)"
    ]


@pytest.mark.parametrize("typed, word", [("Red", "Red"), ("r", "Red"), ("AMBER", "Amber"), ("g", "Green"),
                                         ("Blue", "Blue"), ("complete", "Blue"), ("amber ", "Amber")])
def test_rag_words_and_letters(add_return, check, typed, word):
    add_return("r.xlsx", about(), {"Work programme": [{"Theme": "A", "Activity": "x", "RAG": typed}]})
    result = check()
    assert only(result.report) == []
    assert result.plan.themes[0].activities[0].rag.value == word


def test_a_rag_outside_the_vocabulary_names_the_cell_and_the_allowed_values(add_return, check):
    add_return("r.xlsx", about(), {"Work programme": [{"Theme": "A", "Activity": "x", "RAG": "Yellow"}]})
    assert only(check().report) == [
        'r.xlsx, Work programme!D2: error: RAG "Yellow" is not a RAG status '
        "(use Red, Amber, Green or Blue (complete), or R, A, G, B; leave it blank if not yet rated)"
    ]


@pytest.mark.parametrize("typed", ["Yes", "y", "X", "✓", "●", "TRUE", True])
def test_ticked_words(add_return, check, typed):
    add_return("r.xlsx", about(), {"Work programme": [{"Theme": "A", "Activity": "x", "SDSA": typed}]})
    result = check()
    assert only(result.report) == []
    assert result.plan.themes[0].activities[0].ticks.sdsa is True


@pytest.mark.parametrize("typed", ["No", "n", False])
def test_unticked_words(add_return, check, typed):
    add_return("r.xlsx", about(), {"Work programme": [{"Theme": "A", "Activity": "x", "RIA lead": typed}]})
    result = check()
    assert only(result.report) == []
    assert result.plan.themes[0].activities[0].ticks.ria_lead is False


def test_a_tick_outside_the_vocabulary_is_an_error(add_return, check):
    add_return("r.xlsx", about(), {"Work programme": [{"Theme": "A", "Activity": "x", "Project work": "ticked"}]})
    assert only(check().report) == [
        'r.xlsx, Work programme!G2: error: "ticked" in Project work is neither a tick nor blank '
        "(use Yes (or Y, X, ✓) to tick it; leave it blank or No to leave it unticked)"
    ]


def test_marks_without_an_activity_are_an_error(add_return, check):
    add_return("r.xlsx", about(), {"Work programme": [{"Theme": "A", "Outcome": "Better", "RAG": "Red"}]})
    assert only(check().report) == [
        "r.xlsx, Work programme!D2: error: this row has a RAG, tick or commentary but no Activity "
        "(write the activity in C2 or clear the row)"
    ]


def test_theme_cells_fill_down_and_outcome_once_per_theme_is_enough(add_return, check):
    add_return("r.xlsx", about(), {"Work programme": [
        {"Theme": "A", "Outcome": "More placements", "Activity": "One", "Lead responsibility": "Sally"},
        {"Activity": "Two\nand a second bullet"},
        {"Theme": "B", "Activity": "Three"},
    ]})
    result = check()
    assert only(result.report) == []
    a, b = result.plan.themes
    assert a.outcome == ["More placements"] and a.lead_responsibility == ["Sally"]
    assert [x.bullets for x in a.activities] == [["One"], ["Two", "and a second bullet"]]
    assert [x.bullets for x in b.activities] == [["Three"]]
    assert str(a.activities[1].source) == "r.xlsx, Work programme!C3"


def test_unknown_la_suggests_the_county(add_return, check):
    add_return("r.xlsx", about(), {"LA support": [{"LA": "Leics", "Support needed": "x"}]})
    assert only(check().report) == [
        'r.xlsx, LA support!A2: error: "Leics" is not an LA of Testshire (did you mean "Leicestershire"?)'
    ]


def test_la_fills_down_and_each_line_is_a_bullet(add_return, check):
    add_return("r.xlsx", about(), {"LA support": [
        {"LA": "Rutland", "Support needed": "One\nTwo", "Strengths and offers": "Strong"},
        {"Support needed": "Three", "Offer actions": "Share"},
    ]})
    result = check()
    rutland = next(r for r in result.plan.la_support if r.la == "Rutland")
    assert [t.text for t in rutland.support_needed] == ["One", "Two", "Three"]
    assert [t.text for t in rutland.strengths_and_offers] == ["Strong"]
    assert [t.source.cell for t in rutland.offer_actions] == ["E3"]


def test_update_sections_bullets_and_sub_bullets(add_return, check):
    add_return("r.xlsx", about(), {"Update": [
        {"Section": "Regional priorities", "Bullet": "The priority areas are:"},
        {"Sub-bullet": "Serious youth violence"},
        {"Sub-bullet": "Sharing good practice"},
        {"Bullet": "A conference was held"},
        {"Section": "Network Highlights", "Bullet": "Networks met"},
    ]})
    result = check()
    assert only(result.report) == []
    priorities, highlights = result.plan.update
    assert [(b.text, [s.text for s in b.sub_bullets]) for b in priorities.blocks] == [
        ("The priority areas are:", ["Serious youth violence", "Sharing good practice"]),
        ("A conference was held", []),
    ]
    assert [b.text for b in highlights.blocks] == ["Networks met"]


def test_unknown_section_and_orphan_sub_bullet(add_return, check):
    add_return("r.xlsx", about(), {"Update": [
        {"Section": "Regional Priority", "Bullet": "x"},
        {"Section": "Network Highlights", "Sub-bullet": "orphan"},
    ]})
    assert only(check().report) == [
        'r.xlsx, Update!A2: error: "Regional Priority" is not a section of the regional update '
        '(did you mean "Regional Priorities"?)',
        "r.xlsx, Update!D3: error: this Sub-bullet has no Bullet directly above it in the same section "
        "(put it in the Bullet column, or add the bullet it belongs under)",
    ]


def test_update_rows_are_paragraphs_bullets_or_numbered_items_in_row_order(add_return, check):
    add_return("r.xlsx", about(), {"Update": [
        {"Section": "Regional Priorities", "Paragraph": "Directors agreed:\nTwo lines, two paragraphs"},
        {"Numbered": "1. First"}, {"Paragraph": "A label:"}, {"Numbered": "Second"},
        {"Bullet": "A bullet", "Sub-bullet": "beside it, as the first layout allowed"}, {"Sub-bullet": "below it"},
    ]})
    result = check()
    [section] = [s for s in result.plan.update if s.blocks]
    assert [(b.kind.value, b.text, [s.text for s in b.sub_bullets]) for b in section.blocks] == [
        ("paragraph", "Directors agreed:", []), ("paragraph", "Two lines, two paragraphs", []),
        ("numbered", "First", []), ("paragraph", "A label:", []), ("numbered", "Second", []),
        ("bullet", "A bullet", ["beside it, as the first layout allowed", "below it"]),
    ]
    assert [p.kind for p in result.report.problems] == ["list-markers"]  # "1. " taken off: Word numbers it


def test_a_row_filling_two_kinds_of_block_is_an_error_naming_the_cell(add_return, check):
    add_return("r.xlsx", about(), {"Update": [
        {"Section": "Regional Priorities", "Paragraph": "Prose", "Numbered": "An item"},
        {"Sub-bullet": "no bullet above: the row above was refused"},
    ]})
    result = check()
    assert only(result.report) == [
        "r.xlsx, Update!E2: error: this row fills Paragraph (B2) and Numbered (E2); one row is one block of the "
        "update (a paragraph, a bullet, a sub-bullet or a numbered item) (move the Numbered text to a row of its "
        "own below)",
        "r.xlsx, Update!D3: error: this Sub-bullet has no Bullet directly above it in the same section "
        "(put it in the Bullet column, or add the bullet it belongs under)",
    ]
    assert {"Update!B2", "Update!E2", "Update!D3"} <= set(result.outcome.returns[0].ignored)


def test_an_update_sheet_of_the_first_layout_reads_as_before(write_sheets, check):
    """Section, Bullet, Sub-bullet only: the workbook issued before paragraphs and numbered items."""
    about_rows = [["Network", "Commissioning Leads"], ["Period", "June 2024"], ["Completed by", "Sam"],
                  ["Date submitted", "03/06/2024"]]
    write_sheets("old.xlsx", {"About": about_rows, "Update": [
        ["Section", "Bullet", "Sub-bullet"],
        ["Regional Priorities", "The priority areas are:", ""],
        ["", "", "Serious youth violence"],
        ["", "A conference was held", "in September"],
    ]})
    result = check()
    assert only(result.report) == []
    [section] = [s for s in result.plan.update if s.blocks]
    assert [(b.kind.value, b.text, [s.text for s in b.sub_bullets]) for b in section.blocks] == [
        ("bullet", "The priority areas are:", ["Serious youth violence"]),
        ("bullet", "A conference was held", ["in September"]),
    ]


def test_two_returns_from_one_network_the_later_wins(add_return, check):
    add_return("old.xlsx", about(**{"Date submitted": dt.date(2024, 6, 1)}), {"Contribution": [{"Contribution": "Old"}]})
    add_return("new.xlsx", about(**{"Date submitted": dt.date(2024, 6, 3)}), {"Contribution": [{"Contribution": "New"}]})
    result = check()
    assert only(result.report) == [
        'old.xlsx, About!B5: warning: Commissioning Leads sent more than one return ("new.xlsx" and "old.xlsx"); '
        'the later one, '
        "new.xlsx (03/06/2024), is used and this one is not (remove the older return from the folder to silence this)"
    ]
    network = next(n for n in result.plan.networks if n.name == "Commissioning Leads")
    assert [t.text for t in network.contribution] == ["New"]


def test_two_returns_from_one_network_without_dates_are_errors(add_return, check):
    add_return("one.xlsx", about())
    add_return("two.xlsx", about())
    assert [p.kind for p in check().report.errors] == ["duplicate-return", "duplicate-return"]


def test_a_date_submitted_that_is_not_a_date(add_return, check):
    add_return("r.xlsx", about(**{"Date submitted": "last Tuesday"}))
    assert only(check().report) == [
        'r.xlsx, About!B5: error: "last Tuesday" is not a date (type the date the return was sent, like 02/12/2019)'
    ]


def test_no_value_above_points_at_the_carried_column_whatever_the_sheet_is_called(write_sheets, check):
    write_sheets("r.xlsx", {
        "About": [["Network", "Commissioning Leads"], ["Period", "June 2024"], ["Completed by", "Me"]],
        "LA SUPPORT ": [["Support needed", "LA"], ["Help", None], ["More", "Rutland"]],
    })
    result = check()
    assert only(result.report) == [
        "r.xlsx, LA SUPPORT !B2: error: this row has no LA, and there is none above it to carry down "
        "(type the LA's name in the LA column)"
    ]
    assert result.outcome.account("r.xlsx").ignored == ["LA SUPPORT !A2"]


def test_an_unknown_network_does_not_hide_the_other_problems_in_the_file(add_return, check):
    add_return("r.xlsx", about("Comissioning Leads"), {
        "Work programme": [{"Theme": "A", "Activity": "x", "RAG": "Yellow"}],
        "LA support": [{"LA": "Leics", "Support needed": "x"}],
    })
    assert [p.cell for p in check().report.errors] == ["B1", "D2", "A2"]


def test_rows_under_an_unknown_theme_are_still_checked(add_return, check):
    add_return("r.xlsx", about(), {"Work programme": [
        {"Theme": "Theme Z", "Activity": "x"},
        {"Activity": "y", "RAG": "Yellow", "SDSA": "ticked"},
    ]})
    assert [(p.kind, p.cell) for p in check().report.errors] == [
        ("unknown-theme", "A2"), ("bad-rag", "D3"), ("bad-tick", "J3")]


@pytest.mark.parametrize("typed", ["Dec 2019", "december 2019", "12/2019", "2019-12"])
def test_a_period_written_another_way_is_the_same_period(typed):
    from ria_docs.validate import same_period

    assert same_period(typed, "December 2019")
    assert not same_period(typed, "November 2019")


def test_theme_written_as_theme_and_a_code(add_return, check):
    add_return("r.xlsx", about(), {"Work programme": [{"Theme": "Theme B", "Activity": "x"}]})
    result = check()
    assert only(result.report) == []
    assert result.plan.themes[1].activities[0].bullets == ["x"]


def test_duplicate_returns_without_dates_point_at_the_network_cell(add_return, check):
    add_return("one.xlsx", about())
    add_return("two.xlsx", about())
    assert only(check().report)[0] == (
        'one.xlsx, About!B1: error: Commissioning Leads sent more than one return ("one.xlsx" and "two.xlsx") '
        "and their Date submitted does not say which is later "
        "(remove the older return, or give each its Date submitted)"
    )


# -- List markers typed or pasted before list items ------------------------------------------


def test_pasted_list_markers_are_taken_off_list_items_and_reported(add_return, check):
    add_return("r.xlsx", about(), {
        "Contribution": [{"Contribution": "- Leads sufficiency work\n\u2022 Chairs the forum"},
                         {"Contribution": "* Shares data"}, {"Contribution": "o Hosts the event"},
                         {"Contribution": "1. First priority\n2) Second\n(a) Third"}],
        "Work programme": [{"Theme": "A", "Activity": "\u2022\tJoint purchasing\n-5% placement costs\n1.5 days"}],
        "LA support": [{"LA": "Derby", "Support needed": "\u25aa Help", "Support actions": "- Visit"}],
    })
    result = check()
    assert only(result.report) == [
        "r.xlsx, sheet Contribution: warning: took the bullet or number typed before the text off 4 cell(s), as "
        "the documents make their own bullets: A2, A3, A4, A5 (nothing to do; one row (or one line of a cell) is "
        "one bullet)",
        "r.xlsx, sheet Work programme: warning: took the bullet or number typed before the text off 1 cell(s), as "
        "the documents make their own bullets: C2 (nothing to do; one row (or one line of a cell) is one bullet)",
        "r.xlsx, sheet LA support: warning: took the bullet or number typed before the text off 2 cell(s), as the "
        "documents make their own bullets: B2, C2 (nothing to do; one row (or one line of a cell) is one bullet)",
    ]
    network = next(n for n in result.plan.networks if n.name == "Commissioning Leads")
    assert [t.text for t in network.contribution] == [
        "Leads sufficiency work", "Chairs the forum", "Shares data", "Hosts the event", "First priority", "Second",
        "Third"]
    [activity] = result.plan.themes[0].activities
    assert activity.bullets == ["Joint purchasing", "-5% placement costs", "1.5 days"]
    derby = next(r for r in result.plan.la_support if r.la == "Derby")
    assert ([t.text for t in derby.support_needed], [t.text for t in derby.support_actions]) == (["Help"], ["Visit"])


@pytest.mark.parametrize("text", ["-5% on last year", "1.5 days a week", "o'clock meetings", "Oxford visit",
                                  "2019. A year", "10 LAs", "(see note)", "A. N. Other chairs", "> 10% of children",
                                  "i.e. this", "12 - 18 year olds", "1.1 times the rate", "\u00d8rsted visit"])
def test_text_that_only_looks_like_a_marker_is_untouched(text):
    from ria_docs.text import strip_list_marker

    assert strip_list_marker(text) == text


def test_an_outcome_keeps_its_text_as_typed(add_return, check):
    """Outcome and Lead responsibility are paragraphs in a merged cell, not lists."""
    add_return("r.xlsx", about(), {"Work programme": [
        {"Theme": "A", "Outcome": "- More foster carers", "Activity": "Campaign"}]})
    result = check()
    assert only(result.report) == [] and result.plan.themes[0].outcome == ["- More foster carers"]


# -- Figures: parsed strictly -----------------------------------------------------------------

def _figures(cycle, rows: list[dict]):
    """A return with these Indicators rows, in a region with one indicator."""
    import datetime as dt

    from conftest import SMALL_REGION

    from ria_docs.region import load_region
    from ria_docs.workbook import build_return, save_workbook

    (cycle / "region.toml").write_text(SMALL_REGION + '[[indicator]]\nname = "Re-referrals"\nunit = "%"\n',
                                       encoding="utf-8")
    path = cycle / "r.xlsx"
    save_workbook(build_return(load_region(cycle / "region.toml"), about(), {"Indicators": rows}), path,
                  when=dt.date(2024, 6, 1))
    return path


@pytest.mark.parametrize("typed, expected", [
    ("22.5", 22.5), ("22.5%", 22.5), ("1,234", 1234.0), ("1,234.5", 1234.5), (" 7 ", 7.0), ("-3", -3.0),
    (0.225, 0.225), (42, 42.0)])
def test_figures_typed_in_the_usual_ways_are_read(cycle, check, typed, expected):
    _figures(cycle, [{"LA": "Derby", "Indicator": "Re-referrals", "Value": typed}])
    result = check()
    assert only(result.report) == []
    assert [v.value for v in result.plan.indicator_values] == [expected]


@pytest.mark.parametrize("typed, problem", [
    ("22,5", "could mean two things (a comma for decimals, or for thousands)"),
    ("1.234,5", "could mean two things (a comma for decimals, or for thousands)"),
    ("12,34", "could mean two things (a comma for decimals, or for thousands)"),
    ("1E+400", "is not a number"),
    ("22.5.1", "is not a number"),
    ("about 20", "is not a number"),
    ("nan", "is not a number"),
    (True, "is TRUE or FALSE, not a number"),
])
def test_a_figure_that_could_mean_two_things_is_an_error_naming_the_cell(cycle, check, typed, problem):
    _figures(cycle, [{"LA": "Derby", "Indicator": "Re-referrals", "Value": typed}])
    shown = "TRUE" if typed is True else typed
    assert only(check().report) == [
        f'r.xlsx, Indicators!C2: error: "{shown}" {problem} (type the figure alone, like 22.5 or 1,234 (a point for '
        "decimals); leave the row out if there is no figure)"
    ]


def test_a_number_cell_too_large_to_publish_is_an_error(cycle, check):
    """A figure stored as 1E+400 reads as infinity: refused here, not by render later."""
    path = _figures(cycle, [{"LA": "Derby", "Indicator": "Re-referrals", "Value": 12345}])
    edit_parts(path, b"<v>12345</v>", b"<v>1E+400</v>")
    assert only(check().report) == [
        'r.xlsx, Indicators!C2: error: "inf" is not a figure ria-docs can publish (too large) (type the figure '
        "alone, like 22.5 or 1,234 (a point for decimals); leave the row out if there is no figure)"
    ]


def test_an_indicators_row_with_an_la_but_no_figure_yet_is_reported(cycle, check):
    _figures(cycle, [{"LA": "Derby", "Indicator": "Re-referrals", "Value": 20}, {"LA": "Rutland", "Period": "2023/24"}])
    result = check()
    assert only(result.report) == [
        "r.xlsx, Indicators!A3: warning: row 3 names Rutland but gives no Indicator or Value, so it is not used "
        "(add the indicator and its figure, or clear the row if there is none yet)"
    ]
    assert result.outcome.returns[0].ignored == ["Indicators!A3", "Indicators!D3"]


def test_a_cell_no_stage_accounts_for_is_reported_not_lost(add_return, check, monkeypatch):
    """The safety net under every stage: were one to forget a cell, the report still names it."""
    from ria_docs import validate

    monkeypatch.setattr(validate._Validator, "contribution", lambda self, result: None)
    add_return("r.xlsx", about(), {"Contribution": [{"Contribution": "Forgotten by a stage"}]})
    assert only(check().report) == [
        "r.xlsx: warning: 1 cell(s) were read but not used: Contribution!A2 (check what they hold, and move it "
        "into the columns the return asks for)"
    ]


@pytest.mark.parametrize("pasted", ["\uf0b7 item", "\uf0d8 item", "\uf0a7\titem", "\u00d8 item", "\u00a7 item",
                                    "\u2013 item", "\u2014 item", "-item", "\u2022item", "\u25e6 item", "\u27a2 item",
                                    "\u2713 item", "\u2212 item", "* item", "o item", "1. item", "10) item", "(2) item",
                                    "(ii) item", "iv) item", "a) item", "(b) item", "A) item", "1.1. item",
                                    "- \u2022 item"])
def test_markers_from_word_outlook_and_typing_are_taken_off(pasted):
    from ria_docs.text import clean_text, strip_list_marker

    assert strip_list_marker(clean_text(pasted).text) == "item"



@pytest.mark.parametrize("typed", ["12 15", "12\n15", "1 2 3", "22\u00a05"])
def test_several_numbers_in_one_figure_cell_are_an_error(cycle, check, typed):
    _figures(cycle, [{"LA": "Derby", "Indicator": "Re-referrals", "Value": typed}])
    [problem] = check().report.problems
    assert (problem.kind, problem.cell) == ("not-a-number", "C2") and "holds more than one number" in problem.message


def test_joiners_inside_text_are_kept():
    from ria_docs.text import clean_text

    family = "\U0001f469\u200d\U0001f469\u200d\U0001f467"
    assert clean_text(f"Families {family} first").text == f"Families {family} first"
    assert clean_text("\u200d\u200c").text == ""
