"""The one sanitiser every cell value passes through, and name suggestions."""

from __future__ import annotations

import pytest

from ria_docs.text import clean_text, did_you_mean, find_match, loose_key, suggest


def test_line_breaks_of_every_origin_become_lines():
    text = clean_text("one\r\ntwo\rthree\x0bfour\u2028five\r\nsix\tseven")
    assert text.lines == ["one", "two", "three", "four", "five", "six seven"]


def test_text_is_literal_the_reader_decodes_excel_escapes_once():
    # calamine has already turned the file's _x005F_x0041_ into the _x0041_ a chair typed.
    assert clean_text("keep _x0041_ and _x000D_ literal").text == "keep _x0041_ and _x000D_ literal"


def test_characters_xml_forbids_are_removed_and_named():
    text = clean_text("bell\x07 null\x00 nonchar\ufffe ok")
    assert text.text == "bell null nonchar ok"
    assert text.removed == ("U+0000", "U+0007", "U+FFFE")


def test_blank_lines_and_edge_spaces_go_but_inner_text_stays():
    text = clean_text("  first  \n\n   \n second line\xa0 ")
    assert text.lines == ["first", "second line"]
    assert text.one_line == "first second line"
    assert clean_text("   \n ").lines == []


def test_markup_is_left_alone_for_the_renderer_to_escape():
    assert clean_text("Tom & Jerry <b> {{ x }}").text == "Tom & Jerry <b> {{ x }}"


def test_header_keys_ignore_case_spaces_and_trailing_star_or_colon():
    assert loose_key("  Work   Programme *") == "work programme"
    assert loose_key("Period:") == "period"


LAS = ["Derby", "Derbyshire", "Leicester", "Leicestershire", "Nottingham", "Nottinghamshire", "Northamptonshire"]


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("Leics", "Leicestershire"),  # county abbreviation, though nearer "Leicester" by edit distance
        ("Notts", "Nottinghamshire"),
        ("Northants", "Northamptonshire"),
        ("Derbys", "Derbyshire"),
        ("Leicester City", "Leicester"),
        ("Nottinghamshre", "Nottinghamshire"),
    ],
)
def test_suggestions_for_las_as_people_type_them(typed, meant):
    assert suggest(typed, LAS) == meant


def test_no_suggestion_for_something_unrelated():
    assert suggest("Kent", LAS) is None
    assert did_you_mean("Kent", LAS) is None
    assert did_you_mean("Leics", LAS) == 'did you mean "Leicestershire"?'


def test_find_match_is_loose_about_case_punctuation_and_ampersands():
    names = {"IRO Managers & CP Chairs": "IRO", "SEND and Inclusion": "SEND"}
    assert find_match("iro managers and cp chairs", names) == "IRO"
    assert find_match("SEND & Inclusion.", names) == "SEND"
    assert find_match("SEND", names) is None
