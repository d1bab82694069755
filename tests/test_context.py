"""The values templates see."""

from __future__ import annotations

from conftest import about

from ria_docs.context import plan_context, update_context
from ria_docs.pipeline import load_plan


def test_structure_groups_networks_under_what_they_report_to(example_outputs):
    context = plan_context(load_plan(example_outputs / "plan.json"))
    [top] = context["structure"]
    assert top["name"] == "EM DCS Group"
    assert [m["name"] for m in top["members"]] == [
        "2nd Tier Safeguarding Leads", "EMSIG Schools & Learning Leads", "Commissioning Leads", "Improvement & Data Group"]
    commissioning = top["members"][2]
    assert commissioning["members"] == ["Regional Adoption", "Residential Placements"]
    assert top["members"][3]["members"] == []


def test_section_d_leaves_out_chart_only_networks_and_shows_people_with_las(example_outputs):
    context = plan_context(load_plan(example_outputs / "plan.json"))
    names = [n["name"] for n in context["networks"]]
    assert len(names) == 19 and "Residential Placements" not in names
    assert context["networks"][0] == {
        "name": "2nd Tier Safeguarding Leads", "chair": "Helen Blackman (Nottingham)",
        "director": "Andy Smith (Derby)", "contribution": []}


def test_a_theme_with_no_activity_still_gets_one_empty_row(add_return, check):
    add_return("commissioning.xlsx", about(), {"Work programme": [{"Theme": "A", "Outcome": "Only an outcome"}]})
    themes = plan_context(check().plan)["themes"]
    assert [len(t["activities"]) for t in themes] == [1, 1]
    assert themes[0]["outcome"] == "Only an outcome"
    assert themes[0]["activities"][0]["bullets"] == []
    assert themes[0]["lead"] == "Commissioning Leads"  # no lead text given: region.toml's lead network


def test_multi_line_outcome_becomes_line_breaks_in_one_cell(add_return, check):
    add_return("commissioning.xlsx", about(), {"Work programme": [{"Theme": "A", "Outcome": "One\nTwo", "Activity": "x"}]})
    assert plan_context(check().plan)["themes"][0]["outcome"] == "One\nTwo"


def test_update_leaves_out_sections_with_no_bullets(add_return, check):
    add_return("commissioning.xlsx", about(), {"Update": [{"Section": "Network Highlights", "Bullet": "Met"}]})
    context = update_context(check().plan)
    assert (context["title"], context["subtitle"]) == ("Testshire Regional Update - June 2024", None)
    assert context["sections"] == [
        {"heading": "Network Highlights", "blocks": [{"kind": "bullet", "text": "Met", "sub_bullets": [], "number": None}],
         "bullets": [{"text": "Met", "sub_bullets": []}], "rug": None}]


def test_numbering_runs_on_across_paragraphs_and_restarts_after_a_bullet_and_in_each_section(add_return, check):
    add_return("commissioning.xlsx", about(), {"Update": [
        {"Section": "Regional Priorities", "Numbered": "one"}, {"Numbered": "two"}, {"Paragraph": "A label:"},
        {"Numbered": "three"}, {"Bullet": "a bullet"}, {"Numbered": "one again"},
        {"Section": "Network Highlights", "Numbered": "first of this section"},
    ]})
    sections = update_context(check().plan)["sections"]
    assert [[(b["kind"], b["number"]) for b in s["blocks"]] for s in sections] == [
        [("numbered", 1), ("numbered", 2), ("paragraph", None), ("numbered", 3), ("bullet", None), ("numbered", 1)],
        [("numbered", 1)],
    ]
    # a template copied before blocks existed shows every block, as a bullet: no text is lost
    assert [b["text"] for b in sections[0]["bullets"]] == ["one", "two", "A label:", "three", "a bullet", "one again"]


def test_update_title_and_subtitle_come_from_region_toml(cycle, add_return, check):
    toml = (cycle / "region.toml").read_text(encoding="utf-8")
    (cycle / "region.toml").write_text(toml.replace(
        "update_sections", 'update_title = "{region} regional update {period}"\n'
        'update_subtitle = "The {region} Regional Update, {plan_year}"\nupdate_sections', 1), encoding="utf-8")
    add_return("commissioning.xlsx", about(), {"Update": [{"Section": "Network Highlights", "Paragraph": "Met"}]})
    context = update_context(check().plan)
    assert (context["title"], context["subtitle"]) == ("Testshire regional update June 2024",
                                                       "The Testshire Regional Update, 2024/25")
