"""A plan.json edited by hand: a plain message naming the file, the place and what to do (issue 11, family 6),
and a baseline from another region refused (family 2)."""

from __future__ import annotations

import codecs
import datetime as dt
import json

import pytest
from click.testing import CliRunner
from conftest import ROOT, about

from ria_docs.cli import main
from ria_docs.pipeline import merge_folder

FIX = "Correct it in the file, or merge the returns again to write a new plan.json."


@pytest.fixture
def plan_file(cycle, add_return, tmp_path):
    """A plan.json a merge wrote (one return), to edit as a person would."""
    add_return("commissioning.xlsx", about(**{"Date submitted": dt.date(2024, 6, 3)}), {
        "Contribution": [{"Contribution": "Sufficiency strategy"}],
        "Work programme": [{"Theme": "A", "Activity": "Joint purchasing", "RAG": "Amber"}],
    })
    result = merge_folder(cycle, tmp_path / "june", templates=ROOT / "templates")
    assert result.written
    return tmp_path / "june" / "plan.json"


def _edit(path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def _render(path, out) -> str:
    """Render, expecting a plain refusal: the message on stderr, no traceback, nothing written."""
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "bug in ria-docs" not in result.output
    assert result.stdout == ""
    assert not out.exists()
    return result.stderr


def _problems(path, *lines: str) -> str:
    count = len(lines)
    fix = FIX if count == 1 else FIX.replace("Correct it", "Correct them")
    return "\n".join([f"Error: {path}: has {count} problem(s) (was it edited by hand?). {fix}",
                      *(f"  - {line}" for line in lines)]) + "\n"


def test_the_plan_a_merge_wrote_renders(plan_file, tmp_path):
    result = CliRunner().invoke(main, ["render", str(plan_file), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "ria-plan.docx").is_file()


def test_a_uk_date_names_the_place_and_the_iso_date(plan_file, tmp_path):
    _edit(plan_file, lambda d: d["returns"][0].update(date_submitted="03/06/2024"))
    assert _render(plan_file, tmp_path / "out") == _problems(
        plan_file, 'returns[0].date_submitted: "03/06/2024" is not a date written year-month-day, as plan.json '
        "holds dates: write 2024-06-03")


def test_a_date_that_is_not_one_says_how_to_write_it(plan_file, tmp_path):
    _edit(plan_file, lambda d: d["history"][0].update(date="June"))
    assert _render(plan_file, tmp_path / "out") == _problems(
        plan_file, 'history[0].date: "June" is not a date written year-month-day, as plan.json holds dates: '
        "write it like 2019-12-02")


def test_a_duplicated_network(plan_file, tmp_path):
    _edit(plan_file, lambda d: d["networks"].append(d["networks"][1]))
    assert _render(plan_file, tmp_path / "out") == _problems(
        plan_file, 'networks[3].name: the network "Commissioning Leads" is listed twice (also at networks[1].name); '
        "keep one")


def test_a_missing_key(plan_file, tmp_path):
    _edit(plan_file, lambda d: d["themes"][0].pop("title"))
    assert _render(plan_file, tmp_path / "out") == _problems(plan_file, "themes[0].title: is missing")


def test_wrong_types_and_values_are_all_listed(plan_file, tmp_path):
    def change(data):
        activity = data["themes"][0]["activities"][0]
        activity["bullets"] = "Joint purchasing"
        activity["rag"] = "Yellow"
        activity["ticks"]["sdsa"] = "maybe"
        data["networks"][0]["show_in_section_d"] = None
    _edit(plan_file, change)
    assert _render(plan_file, tmp_path / "out") == _problems(
        plan_file,
        'networks[0].show_in_section_d: null must be true or false',
        'themes[0].activities[0].bullets: "Joint purchasing" must be a list, in [ ]',
        'themes[0].activities[0].rag: "Yellow" must be Red, Amber, Green or Blue',
        'themes[0].activities[0].ticks.sdsa: "maybe" must be true or false',
    )


def test_an_unknown_key(plan_file, tmp_path):
    _edit(plan_file, lambda d: d["themes"][0].update(colour="red"))
    assert _render(plan_file, tmp_path / "out") == _problems(plan_file, "themes[0].colour: is not a key a plan.json has")


def test_a_byte_order_mark_from_notepad_is_fine(plan_file, tmp_path):
    plan_file.write_bytes(codecs.BOM_UTF8 + plan_file.read_bytes())
    result = CliRunner().invoke(main, ["render", str(plan_file), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output


def test_notepad_unicode_utf16_is_fine(plan_file, tmp_path):
    plan_file.write_bytes(plan_file.read_text(encoding="utf-8").encode("utf-16"))
    result = CliRunner().invoke(main, ["render", str(plan_file), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output


def test_a_file_saved_in_another_encoding(plan_file, tmp_path):
    text = plan_file.read_text(encoding="utf-8").replace('"Testshire"', '"Testshire caf\u00e9"', 1)
    plan_file.write_bytes(text.encode("cp1252"))
    assert _render(plan_file, tmp_path / "out") == (
        f"Error: {plan_file}: is not UTF-8 text (byte 0xE9 at line 4, column 29). Save it as UTF-8 in your editor "
        "(in Notepad: File > Save as, Encoding UTF-8), or merge the returns again to write a new plan.json.\n"
    )


def test_a_typed_control_character(plan_file, tmp_path):
    text = plan_file.read_text(encoding="utf-8").replace('"Testshire"', '"Test\x01shire"', 1)
    plan_file.write_text(text, encoding="utf-8")
    assert _render(plan_file, tmp_path / "out") == (
        f"Error: {plan_file}: has a control character (U+0001) inside a text at line 4, column 20, which JSON "
        "does not allow. Delete it (write \\n for a line break), or merge the returns again to write a new "
        "plan.json.\n"
    )


def test_an_escaped_control_character_word_cannot_hold(plan_file, tmp_path):
    _edit(plan_file, lambda d: d["themes"][0]["activities"][0]["bullets"].append("Bell\u0007"))
    assert _render(plan_file, tmp_path / "out") == _problems(
        plan_file, "themes[0].activities[0].bullets[1]: holds a character a Word document cannot hold (U+0007); "
        "delete it")


def test_invalid_json_names_the_line_and_column(plan_file, tmp_path):
    text = plan_file.read_text(encoding="utf-8").replace('"schema_version": 2,', '"schema_version": 2', 1)
    plan_file.write_text(text, encoding="utf-8")
    assert _render(plan_file, tmp_path / "out") == (
        f"Error: {plan_file}: is not valid JSON at line 3, column 3 (Expecting ',' delimiter). Look there for a "
        "missing or extra comma, quote or bracket (usually the last edit), or merge the returns again to write "
        "a new plan.json.\n"
    )


def test_a_key_given_twice(plan_file, tmp_path):
    text = plan_file.read_text(encoding="utf-8").replace('"schema_version": 2,', '"schema_version": 2,\n"schema_version": 2,')
    plan_file.write_text(text, encoding="utf-8")
    assert _render(plan_file, tmp_path / "out") == (
        f'Error: {plan_file}: the key "schema_version" appears twice in one object, so it is not clear which to '
        "use. Keep one of them, or merge the returns again to write a new plan.json.\n"
    )


@pytest.mark.parametrize("content, kind", [("[]", "a list"), ('"plan"', "a text"), ("null", "null"), ("3", "a number")])
def test_a_plan_that_is_not_an_object(tmp_path, content, kind):
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")
    assert _render(path, tmp_path / "out") == (
        f"Error: {path}: holds {kind}, not a plan (a JSON object that starts with {{). Give the plan.json a merge "
        "wrote.\n"
    )


def test_an_empty_file(tmp_path):
    path = tmp_path / "plan.json"
    path.write_bytes(codecs.BOM_UTF8 + b"\n")
    assert _render(path, tmp_path / "out") == (
        f"Error: {path}: is empty. Give the plan.json a merge wrote, or merge the returns again.\n")


def test_a_folder_given_as_the_plan(tmp_path):
    from ria_docs.exceptions import PlanFileError
    from ria_docs.pipeline import load_plan

    with pytest.raises(PlanFileError) as caught:
        load_plan(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a folder. Give the plan.json file a merge wrote in it."


def test_an_activity_of_an_unknown_network(plan_file, tmp_path):
    _edit(plan_file, lambda d: d["themes"][0]["activities"][0].update(network="Comissioning Leads"))
    assert _render(plan_file, tmp_path / "out") == _problems(
        plan_file, 'themes[0].activities[0].network: "Comissioning Leads" is not one of the plan\'s networks '
        '(did you mean "Commissioning Leads"?)')


def test_reporting_lines_in_a_circle(plan_file, tmp_path):
    def change(data):
        data["networks"][0]["reports_to"] = "Commissioning Leads"
        data["networks"][1]["reports_to"] = "2nd Tier Safeguarding Leads"
    _edit(plan_file, change)
    assert _render(plan_file, tmp_path / "out") == _problems(
        plan_file,
        'networks[0].reports_to: reporting lines go round in a circle through "Commissioning Leads"',
        'networks[1].reports_to: reporting lines go round in a circle through "2nd Tier Safeguarding Leads"',
    )


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_a_figure_that_is_not_a_number(plan_file, tmp_path, literal):
    def change(data):
        data["region"]["indicators"] = [{"name": "Re-referrals", "unit": "%", "polarity": "lower", "method": "quartile"}]
        data["indicator_values"] = [{"la": "Derby", "indicator": "Re-referrals", "value": 1.5,
                                     "source": {"file": "x.xlsx", "sheet": "Indicators", "cell": "C2"}}]
    _edit(plan_file, change)
    text = plan_file.read_text(encoding="utf-8").replace('"value": 1.5', f'"value": {literal}')
    plan_file.write_text(text, encoding="utf-8")
    assert _render(plan_file, tmp_path / "out") == _problems(
        plan_file, f"indicator_values[0].value: {literal} must be an ordinary number, not NaN or Infinity")


def test_an_england_comparison_without_the_england_value(plan_file, tmp_path):
    _edit(plan_file, lambda d: d["region"].update(indicators=[{"name": "Re-referrals", "method": "england"}]))
    assert _render(plan_file, tmp_path / "out") == _problems(
        plan_file, 'region.indicators[0].england: indicator "Re-referrals" is compared with England (method '
        '"england") but has no england value')


def test_a_plan_from_a_newer_ria_docs(plan_file, tmp_path):
    _edit(plan_file, lambda d: d.update(schema_version=3))
    assert _render(plan_file, tmp_path / "out") == _problems(
        plan_file, "schema_version: 3, but this ria-docs reads plan.json of schema 2 (merge the returns again with "
        "this version)")


def test_a_plan_of_schema_1_is_read_its_update_bullets_as_bullets(plan_file):
    """plan.json written before paragraphs and numbered items: each section held "bullets"."""
    from ria_docs.plan_file import read_plan

    source = {"file": "r.xlsx", "sheet": "Update", "cell": "B2"}

    def older(data):
        data["schema_version"] = 1
        data["update"] = [{"heading": "Regional Priorities", "bullets": [
            {"text": "Met twice", "source": source, "sub_bullets": [{"text": "in May", "source": source}]}]}]
    _edit(plan_file, older)
    plan = read_plan(plan_file)
    assert plan.schema_version == 2
    assert [[(b.kind.value, b.text, [s.text for s in b.sub_bullets]) for b in s.blocks] for s in plan.update] == [
        [("bullet", "Met twice", ["in May"])]]


def test_returns_from_a_hand_edited_plan_is_refused_the_same_way(plan_file, cycle, tmp_path):
    _edit(plan_file, lambda d: d["returns"][0].update(date_submitted="03/06/2024"))
    result = CliRunner().invoke(main, ["returns", str(cycle), "--from", str(plan_file), "-o", str(tmp_path / "sent")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr == _problems(
        plan_file, 'returns[0].date_submitted: "03/06/2024" is not a date written year-month-day, as plan.json '
        "holds dates: write 2024-06-03")
    assert not (tmp_path / "sent").exists()


# -- a baseline from another region (family 2) -------------------------------------------------------------

def _other_region(plan_file) -> None:
    _edit(plan_file, lambda d: d["region"].update(region="West Midlands"))


def _refusal(plan_file) -> str:
    return (f"Error: {plan_file}: is the plan of West Midlands, but this round is Testshire (region.toml): give "
            "this region's last plan.json. (If the region was renamed, change region near the top of that "
            "plan.json.)\n")


def test_merge_refuses_another_regions_baseline(plan_file, cycle, tmp_path):
    _other_region(plan_file)
    result = CliRunner().invoke(main, ["merge", str(cycle), "-o", str(tmp_path / "out"), "--baseline", str(plan_file)])
    assert result.exit_code == 1
    assert result.stderr == _refusal(plan_file)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["check", "status"])
def test_check_and_status_refuse_another_regions_baseline(plan_file, cycle, command):
    _other_region(plan_file)
    result = CliRunner().invoke(main, [command, str(cycle), "--baseline", str(plan_file)])
    assert result.exit_code == 1 and result.stderr == _refusal(plan_file)


def test_returns_from_refuses_another_regions_plan(plan_file, cycle, tmp_path):
    _other_region(plan_file)
    result = CliRunner().invoke(main, ["returns", str(cycle), "--from", str(plan_file), "-o", str(tmp_path / "sent")])
    assert result.exit_code == 1 and result.stderr == _refusal(plan_file)
    assert not (tmp_path / "sent").exists()


def test_the_same_region_spelt_differently_is_the_same_region(plan_file, cycle, tmp_path):
    _edit(plan_file, lambda d: d["region"].update(region="TESTSHIRE", period="March 2024"))
    result = CliRunner().invoke(main, ["check", str(cycle), "--baseline", str(plan_file)])
    assert result.exit_code == 0, result.output


def test_an_integer_of_more_than_4300_digits_is_a_plain_message_for_every_command(plan_file, cycle, tmp_path):
    text = plan_file.read_text(encoding="utf-8")
    data = json.loads(text)
    data["region"]["plan_year"] = "HUGE"
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps(data).replace('"HUGE"', "1" + "0" * 5000), encoding="utf-8")
    column = json.dumps(data).index('"HUGE"') + 1
    expected = (f"Error: {huge}: holds a number too long to be read (line 1, column {column}: more than 4300 digits), "
                "which no figure has. Correct it (a figure pasted wrongly?), or merge the returns again to write a "
                "new plan.json.\n")
    for command in (["render", str(huge), "-o", str(tmp_path / "out")],
                    ["returns", str(cycle), "--from", str(huge), "-o", str(tmp_path / "issued")],
                    ["merge", str(cycle), "-o", str(tmp_path / "out2"), "--baseline", str(huge)],
                    ["status", str(cycle), "--baseline", str(huge)]):
        result = CliRunner().invoke(main, command)
        assert (result.exit_code, result.stderr) == (1, expected), command
