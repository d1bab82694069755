"""What cells mean: networks, period, themes, RAG and ticks, LAs, sections."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import about, messages


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
    assert result.report.account("r.xlsx").ignored == [
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
    assert [(b.text, [s.text for s in b.sub_bullets]) for b in priorities.bullets] == [
        ("The priority areas are:", ["Serious youth violence", "Sharing good practice"]),
        ("A conference was held", []),
    ]
    assert [b.text for b in highlights.bullets] == ["Networks met"]


def test_unknown_section_and_orphan_sub_bullet(add_return, check):
    add_return("r.xlsx", about(), {"Update": [
        {"Section": "Regional Priority", "Bullet": "x"},
        {"Section": "Network Highlights", "Sub-bullet": "orphan"},
    ]})
    assert only(check().report) == [
        'r.xlsx, Update!A2: error: "Regional Priority" is not a section of the regional update '
        '(did you mean "Regional Priorities"?)',
        "r.xlsx, Update!C3: error: this Sub-bullet has no Bullet above it in the same section "
        "(put it in the Bullet column, or add the bullet it belongs under)",
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
    assert result.report.account("r.xlsx").ignored == ["LA SUPPORT !A2"]


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
