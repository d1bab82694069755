"""Merge rules: order, theme text conflicts, duplicates, roster overrides."""

from __future__ import annotations

from conftest import about, messages


def test_order_is_region_then_network_then_row(add_return, check):
    # Files named so that reading order differs from network order.
    add_return("a-commissioning.xlsx", about(), {
        "Work programme": [{"Theme": "B", "Activity": "C1"}, {"Activity": "C2"}],
        "LA support": [{"LA": "Rutland", "Support needed": "C-Rutland"}, {"LA": "Derby", "Support needed": "C-Derby"}],
        "Update": [{"Section": "Regional Priorities", "Bullet": "C-update"}],
    })
    add_return("z-safeguarding.xlsx", about("2nd Tier Safeguarding Leads"), {
        "Work programme": [{"Theme": "B", "Activity": "S1"}, {"Theme": "A", "Activity": "S-A"}],
        "LA support": [{"LA": "Derby", "Support needed": "S-Derby"}],
        "Update": [{"Section": "Network Highlights", "Bullet": "S-high"}, {"Section": "Regional Priorities", "Bullet": "S-update"}],
    })
    plan = check().plan
    a, b = plan.themes
    assert [x.bullets[0] for x in a.activities] == ["S-A"]
    assert [x.bullets[0] for x in b.activities] == ["S1", "C1", "C2"]  # 2nd Tier is the first network
    assert [r.la for r in plan.la_support] == ["Derby", "Derbyshire", "Leicester", "Leicestershire", "Rutland"]
    assert [t.text for t in plan.la_support[0].support_needed] == ["S-Derby", "C-Derby"]
    assert [[b.text for b in s.blocks] for s in plan.update] == [["S-update", "C-update"], ["S-high"]]
    assert [r.network for r in plan.returns] == ["2nd Tier Safeguarding Leads", "Commissioning Leads"]


def test_the_lead_networks_outcome_wins_and_the_other_is_a_warning(add_return, check):
    add_return("safeguarding.xlsx", about("2nd Tier Safeguarding Leads"), {
        "Work programme": [{"Theme": "A", "Outcome": "Their outcome", "Activity": "x"}]})
    add_return("commissioning.xlsx", about(), {
        "Work programme": [{"Theme": "A", "Outcome": "Lead's outcome", "Activity": "y"}]})
    result = check()
    assert result.plan.themes[0].outcome == ["Lead's outcome"]
    assert result.plan.themes[0].outcome_source.file == "commissioning.xlsx"
    assert messages(result.report) == [
        "safeguarding.xlsx, Work programme!B2: warning: 2nd Tier Safeguarding Leads gives theme A a different "
        "Outcome from Commissioning Leads; the lead network's text is used "
        "(agree the Outcome with Commissioning Leads, which leads this theme)"
    ]


def test_without_the_lead_the_first_network_gives_the_text(add_return, check):
    # Theme A's lead (Commissioning Leads) gives none; of the two that do, 2nd Tier comes first in
    # region.toml, though its file is read second.
    add_return("a-virtual-schools.xlsx", about("Virtual School Heads"), {
        "Work programme": [{"Theme": "A", "Lead responsibility": "Sue", "Activity": "y"}]})
    add_return("z-safeguarding.xlsx", about("2nd Tier Safeguarding Leads"), {
        "Work programme": [{"Theme": "A", "Lead responsibility": "Helen", "Activity": "x"}]})
    result = check()
    assert result.plan.themes[0].lead_responsibility == ["Helen"]
    assert result.plan.themes[0].lead_responsibility_source.file == "z-safeguarding.xlsx"
    assert messages(result.report) == [
        "a-virtual-schools.xlsx, Work programme!H2: warning: Virtual School Heads gives theme A a different "
        "Lead responsibility from 2nd Tier Safeguarding Leads; the first network's text is used "
        "(agree the Lead responsibility with Commissioning Leads, which leads this theme)"
    ]


def test_identical_activities_merge_once_and_different_marks_stay_twice(add_return, check):
    add_return("safeguarding.xlsx", about("2nd Tier Safeguarding Leads"), {"Work programme": [
        {"Theme": "A", "Activity": "Joint purchasing", "RAG": "Green"},
        {"Activity": "Site visits", "RAG": "Red"},
    ]})
    add_return("commissioning.xlsx", about(), {"Work programme": [
        {"Theme": "A", "Activity": "joint  purchasing", "RAG": "green"},
        {"Activity": "Site visits", "RAG": "Amber"},
    ]})
    result = check()
    assert [(a.bullets[0], a.rag.value) for a in result.plan.themes[0].activities] == [
        ("Joint purchasing", "Green"), ("Site visits", "Red"), ("Site visits", "Amber")]
    assert messages(result.report) == [
        "commissioning.xlsx, Work programme!C2: warning: this activity of theme A repeats safeguarding.xlsx, "
        "Work programme!C2; it is shown once (delete one of the two rows)",
        "commissioning.xlsx, Work programme!C3: warning: this activity of theme A repeats safeguarding.xlsx, "
        "Work programme!C3 with a different RAG, ticks or commentary; both are shown (delete one of the two rows)",
    ]


def test_about_overrides_the_roster(add_return, check):
    add_return("commissioning.xlsx", about(**{"Chair": "New Chair", "Chair LA": "Derby", "Director link LA": "Rutland"}))
    # Issued returns come with the roster filled in; a chair who clears a name
    # leaves the roster's person, and one who changes only an LA keeps the name.
    add_return("safeguarding.xlsx", about("2nd Tier Safeguarding Leads", **{
        "Chair": None, "Chair LA": "Leicester", "Director link": None, "Director link LA": None}))
    networks = {n.name: n for n in check().plan.networks}
    commissioning, safeguarding = networks["Commissioning Leads"], networks["2nd Tier Safeguarding Leads"]
    assert commissioning.chair.display() == "New Chair (Derby)"
    assert commissioning.chair.source.cell == "B6"
    assert commissioning.director is None  # an LA alone cannot make a director
    assert safeguarding.chair.display() == "Helen Blackman (Leicester)"
    assert safeguarding.director.display() == "Andy Smith (Derby)"
    assert safeguarding.director.source.file == "region.toml"
    assert networks["Virtual School Heads"].chair is None


def test_networks_with_no_return_are_listed(add_return, check):
    add_return("commissioning.xlsx", about())
    assert check().outcome.missing_networks == ["2nd Tier Safeguarding Leads", "Virtual School Heads"]


def test_a_network_whose_return_has_errors_did_send_one(add_return, check):
    add_return("commissioning.xlsx", about(), {"Work programme": [{"Theme": "A", "Activity": "x", "RAG": "Yellow"}]})
    result = check()
    assert result.report.errors
    assert result.outcome.missing_networks == ["2nd Tier Safeguarding Leads", "Virtual School Heads"]


def test_a_carried_contribution_with_no_source_is_still_named_for_a_network_not_in_section_d(cycle):
    """A plan.json may leave a text's source out; the warning then names the network's file alone."""
    from conftest import SMALL_REGION

    from ria_docs.merge import CARRIED, merge_returns
    from ria_docs.model import Text
    from ria_docs.network_return import NetworkReturn
    from ria_docs.region import load_region
    from ria_docs.report import Report

    (cycle / "region.toml").write_text(SMALL_REGION.replace(
        'name = "Virtual School Heads"', 'name = "Virtual School Heads"\nshow_in_section_d = false'), encoding="utf-8")
    region = load_region(cycle / "region.toml")
    carried = NetworkReturn(CARRIED, "Virtual School Heads", contribution=[Text(text="PEP reviews")])
    report = Report()
    plan = merge_returns(region, [carried], report)
    assert [p.format() for p in report.problems] == [
        f"{CARRIED}: warning: Virtual School Heads is not in Section D (show_in_section_d = false in region.toml), "
        "so its contribution is kept in plan.json but shown in neither document (show the network in Section D, "
        "or leave the sheet empty)"
    ]
    assert [t.text for n in plan.networks for t in n.contribution] == ["PEP reviews"]
