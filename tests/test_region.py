"""region.toml: loaded into models; every mistake reported with its line."""

from __future__ import annotations

import pytest
from conftest import ROOT, SMALL_REGION

from ria_docs.exceptions import RegionError
from ria_docs.region import load_region


def write(tmp_path, text: str):
    path = tmp_path / "region.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path, text: str) -> list[str]:
    with pytest.raises(RegionError) as caught:
        load_region(write(tmp_path, text))
    return caught.value.problems


def test_the_example_region_loads():
    region = load_region(ROOT / "inputs" / "region.toml")
    assert region.region == "East Midlands"
    assert len(region.las) == 9 and len(region.themes) == 13
    assert [t.code for t in region.themes][6:8] == ["G", "I"]  # gaps allowed: no H
    assert region.network("EMSIG Schools and Learning Leads").label == "EMSIG Schools & Learning Leads"
    assert region.overview_paragraphs[0].startswith("This plan describes the joint work")
    assert len(region.overview_paragraphs) == 4


def test_aliases_resolve_and_theme_leads_are_stored_as_network_names(tmp_path):
    text = SMALL_REGION.replace('lead = "Commissioning Leads"', 'lead = "commissioning leads"')
    region = load_region(write(tmp_path, text))
    assert region.theme("A").lead == "Commissioning Leads"
    assert region.resolve_network("2nd tier safeguarding") == "2nd Tier Safeguarding Leads"


def test_a_theme_whose_lead_is_not_a_network_names_its_line_and_suggests(tmp_path):
    text = SMALL_REGION.replace('lead = "Commissioning Leads"', 'lead = "Comissioning Leads"')
    assert problems(tmp_path, text) == [
        'line 29: [[theme]] number 1 ("A"), lead: "Comissioning Leads" is not a [[network]] '
        '(did you mean "Commissioning Leads"?)'
    ]


def test_a_missing_key_and_a_wrong_type_are_both_reported(tmp_path):
    text = SMALL_REGION.replace('period = "June 2024"\n', "").replace('plan_year = "2024/25"', "plan_year = 2024")
    assert problems(tmp_path, text) == [
        "line 2: plan_year must be text in quotes",
        "period is missing",
    ]


def test_an_unknown_key_suggests_the_right_one(tmp_path):
    text = SMALL_REGION.replace('chair = "Sally Savage"', 'chiar = "Sally Savage"')
    assert problems(tmp_path, text) == [
        'line 19: [[network]] number 2 ("Commissioning Leads"), chiar is not a key ria-docs knows '
        '(did you mean "chair"?)'
    ]


def test_duplicates_and_circular_reporting_lines(tmp_path):
    text = SMALL_REGION.replace('"Rutland"]', '"Rutland", "derby"]').replace(
        'reports_to = "DCS Group"\nchair = "Helen', 'reports_to = "Virtual School Heads"\nchair = "Helen'
    )
    found = problems(tmp_path, text)
    assert 'line 4: las lists "derby" twice' in found
    assert any("reporting lines go round in a circle" in p for p in found)


def test_an_alias_claimed_by_two_networks_is_an_error(tmp_path):
    text = SMALL_REGION.replace('name = "Virtual School Heads"', 'name = "Virtual School Heads"\naliases = ["2nd Tier Safeguarding"]')
    assert any('"2nd Tier Safeguarding" is already a name or alias of "2nd Tier Safeguarding Leads"' in p
               for p in problems(tmp_path, text))


def test_broken_toml_says_where(tmp_path):
    with pytest.raises(RegionError, match=r"is not valid TOML: .*line 3"):
        load_region(write(tmp_path, 'region = "X"\nplan_year = "1"\nperiod = "June\n'))


def test_no_region_toml(tmp_path):
    with pytest.raises(RegionError, match="no region.toml here"):
        load_region(tmp_path / "region.toml")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "+nan"])
def test_an_england_value_or_tolerance_that_is_not_a_number_is_refused(tmp_path, value):
    text = SMALL_REGION + f'''
[[indicator]]
name = "Re-referrals"
method = "england"
england = {value}
tolerance = {value}
'''
    assert problems(tmp_path, text) == [
        '''line 39: [[indicator]] number 1 ("Re-referrals"), england must be an ordinary number, not nan or inf''',
        '''line 40: [[indicator]] number 1 ("Re-referrals"), tolerance must be an ordinary number, not nan or inf''',
    ]


def test_an_integer_of_more_than_4300_digits_is_a_plain_message(tmp_path):
    with pytest.raises(RegionError) as caught:
        load_region(write(tmp_path, SMALL_REGION + "\nextra = " + "9" * 5000 + "\n"))
    line = SMALL_REGION.count("\n") + 2
    assert str(caught.value) == (
        f"{tmp_path / 'region.toml'}: holds a number of more than 4300 digits at line {line}, too long to be read. "
        "Correct it, or put it in quotes if it is a text.")


def test_check_with_such_a_number_in_region_toml_is_no_traceback(tmp_path):
    from click.testing import CliRunner

    from ria_docs.cli import main

    write(tmp_path, SMALL_REGION.replace('plan_year = "2024/25"', "plan_year = " + "2" * 4400))
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'region.toml'}: holds a number of more than 4300 digits at line 2, too long to be read. "
        "Correct it, or put it in quotes if it is a text.\n")
