"""The tartan rug: banding by polarity and method, ties, missing figures, colours in both outputs."""

from __future__ import annotations

import openpyxl
import pytest
from conftest import ROOT, SMALL_REGION, about, messages
from docx_helpers import NS, cell_prop, cell_text, cells, paragraph_text, rows

from ria_docs import rug
from ria_docs.pipeline import merge_folder
from ria_docs.region import IndicatorConfig

VALUES = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0]  # eight LAs: two per quarter


@pytest.mark.parametrize("polarity, value, code", [
    ("higher", 80.0, "Q1"), ("higher", 60.0, "Q2"), ("higher", 40.0, "Q3"), ("higher", 10.0, "Q4"),
    ("lower", 10.0, "Q1"), ("lower", 30.0, "Q2"), ("lower", 50.0, "Q3"), ("lower", 80.0, "Q4"),
    ("none", 10.0, "L"), ("none", 30.0, "ML"), ("none", 50.0, "MH"), ("none", 80.0, "H"),
])
def test_quartiles_by_polarity(polarity, value, code):
    assert rug.quartile(value, VALUES, polarity).code == code


def test_with_two_figures_the_best_is_q1_and_the_worst_q4():
    assert [rug.quartile(v, [40.0, 70.0], "higher").code for v in (70.0, 40.0)] == ["Q1", "Q4"]
    assert rug.quartile(5.0, [5.0], "lower").code == "Q1"


def test_ties_share_a_quarter():
    values = [10.0, 20.0, 20.0, 20.0, 20.0, 30.0, 40.0, 50.0]
    assert {rug.quartile(20.0, values, "lower").code} == {"Q1"}  # only one value is better
    assert rug.quartile(20.0, values, "higher").code == "Q2"  # three of the seven others are better
    assert rug.quartile(10.0, values, "higher").code == "Q4"


@pytest.mark.parametrize("polarity, value, code", [
    ("higher", 60.0, "▲"), ("higher", 52.0, "●"), ("higher", 40.0, "▼"), ("higher", 47.5, "●"),
    ("lower", 40.0, "▲"), ("lower", 60.0, "▼"), ("lower", 51.0, "●"),
    ("none", 60.0, "↑"), ("none", 40.0, "↓"), ("none", 50.0, "="),
])
def test_against_england_with_a_tolerance(polarity, value, code):
    indicator = IndicatorConfig(name="x", polarity=polarity, method="england", england=50.0, tolerance=2.5)
    assert rug.against_england(value, indicator).code == code


def test_default_tolerance_is_five_percent_of_england():
    indicator = IndicatorConfig(name="x", polarity="higher", method="england", england=80.0)
    assert rug.against_england(84.0, indicator).code == "●" and rug.against_england(84.1, indicator).code == "▲"


def test_the_bands_have_readable_contrast_with_black_text():
    from test_documents_polish import _luminance

    for band in [*rug.QUARTERS, *rug.NEUTRAL_QUARTERS, rug.BETTER, rug.SIMILAR, rug.WORSE, rug.ABOVE, rug.LEVEL,
                 rug.BELOW, rug.MISSING]:
        assert (_luminance(band.fill) + 0.05) / 0.05 >= 4.5, band


RUG_REGION = SMALL_REGION + '''
[[indicator]]
name = "Re-referrals"
unit = "%"
polarity = "lower"

[[indicator]]
name = "Assessments within 45 days"
unit = "%"
polarity = "higher"
method = "england"
england = 80.0
tolerance = 2.0

[[indicator]]
name = "Children looked after"
unit = "per 10,000"
polarity = "none"
'''


def _rug_cycle(cycle, add_return, figures, name="data.xlsx"):
    (cycle / "region.toml").write_text(RUG_REGION, encoding="utf-8")
    from ria_docs.region import load_region
    from ria_docs.workbook import build_return, save_workbook

    region = load_region(cycle / "region.toml")
    workbook = build_return(region, about(), {"Indicators": figures})
    save_workbook(workbook, cycle / name)


FIGURES = [
    {"LA": "Derby", "Indicator": "Re-referrals", "Value": 18, "Period": "2023/24"},
    {"LA": "Derbyshire", "Indicator": "Re-referrals", "Value": "25.5%"},
    {"LA": "Leicester", "Indicator": "Re-referrals", "Value": 30},
    {"LA": "Leicestershire", "Indicator": "Re-referrals", "Value": 22},
    {"LA": "Derby", "Indicator": "Assessments within 45 days", "Value": 90},
    {"LA": "Rutland", "Indicator": "Assessments within 45 days", "Value": 79},
    {"LA": "Derby", "Indicator": "Children looked after", "Value": 70},
    {"LA": "Rutland", "Indicator": "Children looked after", "Value": 40},
]


def _rug_table(path):
    from docx_helpers import body

    found = False
    for child in body(path):
        if child.tag.endswith("}p") and paragraph_text(child).startswith("Tartan rug"):
            found = True
        elif found and child.tag.endswith("}tbl"):
            return child
    raise AssertionError("no tartan rug")


def test_the_rug_under_data_benchmarking_and_in_tartan_rug_xlsx(cycle, add_return, tmp_path):
    _rug_cycle(cycle, add_return, FIGURES)
    result = merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    assert result.written and result.check.report.problems == []
    table = _rug_table(tmp_path / "out" / "regional-update.docx")
    grid = [[cell_text(c) for c in cells(r)] for r in rows(table)]
    assert grid[0] == ["LA", "Re-referrals", "Assessments within 45 days", "Children looked after (per 10,000)"]
    assert grid[1:] == [
        ["Derby", "18% Q1", "90% ▲", "70 H"],
        ["Derbyshire", "25.5% Q3", "n/a", "n/a"],  # missing figures are n/a, not zero
        ["Leicester", "30% Q4", "n/a", "n/a"],
        ["Leicestershire", "22% Q2", "n/a", "n/a"],
        ["Rutland", "n/a", "79% ●", "40 L"],
        ["Testshire average", "23.9%", "84.5%", "55"],
        ["England", "–", "80%", "–"],
    ]
    fills = [[cell_prop(c, "shd") for c in cells(r)[1:]] for r in rows(table)[1:3]]
    assert fills == [["63BE7B", "63BE7B", "6FA8DC"], ["FFEB84", "D9D9D9", "D9D9D9"]]
    widths = [int(c.get(f"{{{NS['w']}}}w")) for c in table.findall("w:tblGrid/w:gridCol", NS)]
    assert len(widths) == 4 and len(set(widths[1:])) == 1  # indicator columns share the width
    ws = openpyxl.load_workbook(tmp_path / "out" / "tartan-rug.xlsx")["Tartan rug"]
    assert [c.value for c in ws[1]] == ["LA", "Re-referrals", "Assessments within 45 days", "Children looked after (per 10,000)"]
    # figures stay numbers; the number format shows the band beside them, as the document does
    assert (ws["B2"].value, ws["B2"].number_format, ws["B2"].fill.fgColor.rgb) == (0.18, '0.0%" Q1"', "0063BE7B")
    assert (ws["B7"].value, ws["B7"].number_format) == (0.23875, "0.0%")  # region average (23.875%), a number too
    assert ws["D8"].value == "n/a"  # no England value given
    assert (ws["C3"].value, ws["C3"].fill.fgColor.rgb) == ("n/a", "00D9D9D9")
    assert ws["D2"].fill.fgColor.rgb == "006FA8DC"
    # printed landscape, one page wide, the headings repeated
    assert (ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == ("landscape", 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"


def test_indicator_rows_are_validated_with_their_cells(cycle, add_return):
    _rug_cycle(cycle, add_return, [
        {"LA": "Leics", "Indicator": "Re-referrals", "Value": 20},
        {"LA": "Derby", "Indicator": "Re-referral", "Value": 20},
        {"LA": "Derby", "Indicator": "Re-referrals", "Value": "about 20"},
        {"LA": "Rutland", "Indicator": "Re-referrals", "Value": 20},
        {"LA": "Rutland", "Indicator": "Re-referrals", "Value": 21},
    ])
    from ria_docs.pipeline import check_folder

    assert messages(check_folder(cycle).report) == [
        'data.xlsx, Indicators!A2: error: "Leics" is not an LA of Testshire (did you mean "Leicestershire"?)',
        'data.xlsx, Indicators!B3: error: "Re-referral" is not an indicator of the tartan rug (did you mean "Re-referrals"?)',
        'data.xlsx, Indicators!C4: error: "about 20" is not a number (type the figure alone, like 22.5 or 1,234 '
        "(a point for decimals); leave the row out if there is no figure)",
        "data.xlsx, Indicators!C6: error: Rutland already has a figure for Re-referrals in C5 (keep one of the two rows)",
    ]  # no "no figures" warning: with errors nothing is written anyway


def test_region_toml_checks_indicators(tmp_path):
    from ria_docs.exceptions import RegionError
    from ria_docs.region import load_region

    (tmp_path / "region.toml").write_text(RUG_REGION.replace('polarity = "lower"', 'polarity = "down"').replace(
        "england = 80.0\ntolerance = 2.0\n", ""), encoding="utf-8")
    with pytest.raises(RegionError) as caught:
        load_region(tmp_path / "region.toml")
    assert caught.value.problems == [
        "line 39: [[indicator]] number 1 (\"Re-referrals\"), polarity Input should be 'higher', 'lower' or 'none'"]
    (tmp_path / "region.toml").write_text(RUG_REGION.replace("england = 80.0\ntolerance = 2.0\n", ""), encoding="utf-8")
    with pytest.raises(RegionError) as caught:
        load_region(tmp_path / "region.toml")
    assert caught.value.problems == [
        'line 45: [[indicator]] number 2 ("Assessments within 45 days"), method: method "england" needs an '
        "england value to compare with"]


def test_a_percentage_formatted_figure_is_read_as_a_percentage(cycle, add_return, tmp_path):
    _rug_cycle(cycle, add_return, [{"LA": "Derby", "Indicator": "Re-referrals", "Value": 0.255}])
    workbook = openpyxl.load_workbook(cycle / "data.xlsx")
    workbook["Indicators"]["C2"].number_format = "0.0%"  # shown as 25.5% in Excel
    workbook.save(cycle / "data.xlsx")
    result = merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    assert [(v.la, v.value) for v in result.plan.indicator_values] == [("Derby", 25.5)]


def _header_height(cycle, tmp_path, name: str, out: str) -> float | None:
    (cycle / "region.toml").write_text(RUG_REGION.replace('name = "Re-referrals"', f'name = "{name}"'),
                                       encoding="utf-8")
    from ria_docs.region import load_region
    from ria_docs.workbook import build_return, save_workbook

    figures = [dict(f, Indicator=name) if f["Indicator"] == "Re-referrals" else f for f in FIGURES]
    save_workbook(build_return(load_region(cycle / "region.toml"), about(), {"Indicators": figures}),
                  cycle / "data.xlsx")
    assert merge_folder(cycle, tmp_path / out, templates=ROOT / "templates").written
    ws = openpyxl.load_workbook(tmp_path / out / "tartan-rug.xlsx")["Tartan rug"]
    assert ws["B1"].value == name and ws["B1"].alignment.wrap_text
    return ws.row_dimensions[1].height


def test_the_rug_workbooks_header_row_is_as_tall_as_its_wrapped_headings(cycle, tmp_path):
    """Excel and LibreOffice keep a written row's height: unsized, wrapped headings cover the first LA."""
    from ria_docs.workbook import RUG_LINE_POINTS as LINE_POINTS
    from ria_docs.workbook import wrapped_lines

    assert [wrapped_lines(text, 16) for text in ("LA", "within 12 months", "Re-referrals within 12 months",
                                                 "Care leavers in education, employment or training")] == [1, 1, 2, 4]
    assert wrapped_lines("x" * 40, 16) == 3  # a word longer than the column breaks
    # "Children looked after (per 10,000)", the third indicator, takes three lines at width 16
    short = _header_height(cycle, tmp_path, "Re-referrals", "short")
    assert short is not None and short >= 3 * LINE_POINTS
    longer = _header_height(cycle, tmp_path, "Re-referrals of children in need within twelve months of a "
                                             "previous referral, as a share of all referrals", "long")
    assert longer > short and longer >= 7 * LINE_POINTS
