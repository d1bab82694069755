"""What each network said last round (ria_docs.last_round): one rule for the merge's
carry-forward and for the pre-fill of `ria-docs returns --from`."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from conftest import ROOT, about

from ria_docs.last_round import LA_COLUMNS, canonical_names, last_round
from ria_docs.merge import CARRIED, carried_returns
from ria_docs.model import Activity, LASupport, Network, Person, Plan, Rag, ReturnUsed, Source, Text, Theme, Ticks
from ria_docs.pipeline import load_plan, merge_folder
from ria_docs.region import RegionConfig, load_region
from ria_docs.returns import issue_returns, prefill


def _source(file: str, cell: str = "C2") -> Source:
    return Source(file=file, sheet="Work programme", cell=cell)


def _activity(text: str, network: str, file: str, **more) -> Activity:
    return Activity(bullets=[text], network=network, source=_source(file), **more)


def _text(text: str, network: str | None, file: str) -> Text:
    return Text(text=text, network=network, source=Source(file=file, sheet="LA support", cell="B2"))


@pytest.fixture
def region(cycle) -> RegionConfig:
    return load_region(cycle / "region.toml")


@pytest.fixture
def plan(region) -> Plan:
    """Last round (June 2024) of the small region, as plan.json holds it, with names
    through an alias, a theme and an LA region.toml no longer has, and a network it
    never had."""
    return Plan(
        region=region,
        networks=[
            Network(name="2nd Tier Safeguarding", structure_label="2nd Tier Safeguarding",  # an alias
                    chair=Person(name="Helen Blackman", la="Derby"), director=Person(name="Andy Smith", la="Derby"),
                    contribution=[_text("Safeguarding's part", "2nd Tier Safeguarding Leads", "s.xlsx")],
                    return_file="s.xlsx"),
            Network(name="Commissioning Leads", structure_label="Commissioning Leads",
                    chair=Person(name="Sam New", la="Rutland"), return_file="c.xlsx"),
            Network(name="Virtual School Heads", structure_label="Virtual School Heads"),
        ],
        themes=[
            Theme(code="A", title="Increasing Placement Sufficiency", lead_network="Commissioning Leads",
                  outcome=["More placements"], lead_responsibility=["Sally"],
                  outcome_source=_source("c.xlsx", "B2"), lead_responsibility_source=_source("c.xlsx", "G2"),
                  activities=[
                      _activity("Commission", "Commissioning Leads", "c.xlsx", rag=Rag.GREEN),
                      _activity("Safeguarding in A", "2nd Tier Safeguarding", "s.xlsx", rag=Rag.RED,
                                ticks=Ticks(sdsa=True)),
                      _activity("Gone network's", "Fostering Leads", "f.xlsx"),
                  ]),
            Theme(code="B", title="Improving Practice Methodology", lead_network="2nd Tier Safeguarding Leads",
                  activities=[_activity("Site visits", "Commissioning Leads", "c.xlsx", commentary=["on track"])]),
            Theme(code="Z", title="A theme no longer run", lead_network="Commissioning Leads",
                  outcome=["Old outcome"], activities=[_activity("Old work", "Commissioning Leads", "c.xlsx")]),
        ],
        la_support=[
            LASupport(la="Derby", support_needed=[_text("Derby needs", "2nd Tier Safeguarding Leads", "s.xlsx")],
                      offer_actions=[_text("Derby offers", "Commissioning Leads", "c.xlsx")]),
            LASupport(la="Rutland", support_needed=[_text("Rutland needs", "Commissioning Leads", "c.xlsx"),
                                                    _text("Nobody's", None, "c.xlsx")],
                      support_actions=[_text("Rutland acts", "Commissioning Leads", "c.xlsx"),
                                       _text("Rutland acts too", "Commissioning Leads", "c.xlsx")]),
            LASupport(la="Old Shire", strengths_and_offers=[_text("Old strength", "Commissioning Leads", "c.xlsx")]),
        ],
        update=[],
        returns=[ReturnUsed(file="s.xlsx", network="2nd Tier Safeguarding", completed_by="Helen"),
                 ReturnUsed(file="c.xlsx", network="Commissioning Leads", completed_by="Sam", email="sam@example.org")],
    )


def _texts(columns: dict[str, list[Text]]) -> dict[str, list[str]]:
    return {column: [t.text for t in items] for column, items in columns.items()}


def test_each_network_of_region_toml_gets_what_it_reported(plan, region):
    said = last_round(plan, region)
    assert list(said) == ["2nd Tier Safeguarding Leads", "Commissioning Leads", "Virtual School Heads"]
    assert {s.period for s in said.values()} == {"June 2024"}

    commissioning = said["Commissioning Leads"]
    assert list(commissioning.themes) == ["A", "B"]  # not Z: no longer a theme
    assert commissioning.leads == {"A"}
    a = commissioning.themes["A"]
    assert (a.outcome, a.lead_responsibility) == (["More placements"], ["Sally"])
    assert (a.outcome_source.cell, a.lead_responsibility_source.cell) == ("B2", "G2")
    assert [x.bullets for x in a.activities] == [["Commission"]]
    b = commissioning.themes["B"]
    assert (b.outcome, b.lead_responsibility, [x.bullets for x in b.activities]) == ([], [], [["Site visits"]])
    assert {la: _texts(c) for la, c in commissioning.la_support.items()} == {
        "Derby": {"offer_actions": ["Derby offers"]},
        "Rutland": {"support_needed": ["Rutland needs"], "support_actions": ["Rutland acts", "Rutland acts too"]},
    }
    assert commissioning.las_dropped == ["Old Shire"]
    assert (commissioning.chair.name, commissioning.director, commissioning.contribution) == ("Sam New", None, [])
    assert (commissioning.completed_by, commissioning.email) == ("Sam", "sam@example.org")
    assert commissioning.has_content

    # Named in the plan by its alias: still its content.
    safeguarding = said["2nd Tier Safeguarding Leads"]
    assert list(safeguarding.themes) == ["A", "B"]
    assert safeguarding.leads == {"B"}  # leads B, which has no outcome or lead text
    assert [x.bullets for x in safeguarding.themes["A"].activities] == [["Safeguarding in A"]]
    assert safeguarding.themes["A"].outcome == []  # not the lead of A
    assert (safeguarding.themes["B"].outcome, safeguarding.themes["B"].activities) == ([], [])
    assert [t.text for t in safeguarding.contribution] == ["Safeguarding's part"]
    assert {la: _texts(c) for la, c in safeguarding.la_support.items()} == {"Derby": {"support_needed": ["Derby needs"]}}
    assert (safeguarding.chair.display(), safeguarding.director.display()) == ("Helen Blackman (Derby)", "Andy Smith (Derby)")
    assert (safeguarding.completed_by, safeguarding.email) == ("Helen", None)

    vsh = said["Virtual School Heads"]
    assert (vsh.themes, vsh.la_support, vsh.contribution, vsh.chair, vsh.last_return) == ({}, {}, [], None, None)
    assert vsh.entry is not None and not vsh.has_content


def test_a_led_theme_with_no_text_and_no_activity_is_not_content(plan, region):
    plan.themes[1].activities = []
    plan.networks[0].contribution = []
    plan.themes[0].activities = [a for a in plan.themes[0].activities if a.network != "2nd Tier Safeguarding"]
    plan.la_support[0].support_needed = []
    safeguarding = last_round(plan, region)["2nd Tier Safeguarding Leads"]
    assert list(safeguarding.themes) == ["B"] and not safeguarding.has_content


def test_names_are_matched_as_region_toml_matches_them(region):
    canonical = canonical_names(region)
    for name in ["2nd Tier Safeguarding", "2ND tier  safeguarding leads", "Commissioning Leads", "commissioning-leads",
                 "Fostering Leads", "", "Virtual School Heads."]:
        assert canonical(name) == region.canonical_network(name), name
    assert canonical("2nd Tier Safeguarding") == "2nd Tier Safeguarding Leads"
    assert canonical("Fostering Leads") == "Fostering Leads"


def test_the_plan_is_indexed_once_not_once_per_network(plan, region, monkeypatch):
    calls = []
    spellings = RegionConfig.network_spellings
    monkeypatch.setattr(RegionConfig, "network_spellings", lambda self: calls.append(1) or spellings(self))
    last_round(plan, region)
    assert len(calls) == 1


def test_the_merge_carries_and_the_pre_fill_gives_the_same_content(plan, region):
    carried = {r.network: r for r in carried_returns(region, plan, present=set())}
    assert list(carried) == ["2nd Tier Safeguarding Leads", "Commissioning Leads"]  # VSH said nothing
    commissioning = carried["Commissioning Leads"]
    assert commissioning.file == CARRIED
    assert [(code, [a.bullets[0] for a in e.activities], e.outcome) for code, e in commissioning.themes.items()] == [
        ("A", ["Commission"], ["More placements"]), ("B", ["Site visits"], [])]
    assert {a.carried_from for e in commissioning.themes.values() for a in e.activities} == {"June 2024"}
    assert {la: _texts(c) for la, c in commissioning.la_support.items()} == {
        "Derby": {"offer_actions": ["Derby offers"]},
        "Rutland": {"support_needed": ["Rutland needs"], "support_actions": ["Rutland acts", "Rutland acts too"]},
    }
    assert list(carried["2nd Tier Safeguarding Leads"].themes) == ["A"]  # B: led, but nothing to carry
    assert [t.carried_from for t in carried["2nd Tier Safeguarding Leads"].contribution] == ["June 2024"]

    notes: list[str] = []
    about_values, sheets = prefill(last_round(plan, region)["Commissioning Leads"], region, notes)
    assert about_values == {"Chair": "Sam New", "Chair LA": "Rutland", "Director link": None, "Director link LA": None,
                            "Completed by": "Sam", "Email": "sam@example.org"}
    assert sheets == {
        "Work programme": [
            {"Theme": "A: Increasing Placement Sufficiency", "Outcome": "More placements", "Lead responsibility": "Sally",
             "Activity": "Commission", "RAG": "Green", "Regional group task": None, "Seminar/workshop": None,
             "Project work": None, "RIA lead": None, "SDSA": None, "Commentary": None},
            {"Theme": "B: Improving Practice Methodology", "Activity": "Site visits", "RAG": None,
             "Regional group task": None, "Seminar/workshop": None, "Project work": None, "RIA lead": None,
             "SDSA": None, "Commentary": "on track"},
        ],
        "LA support": [
            {"LA": "Derby", "Offer actions": "Derby offers"},
            {"LA": "Rutland", "Support needed": "Rutland needs", "Support actions": "Rutland acts"},
            {"Support actions": "Rutland acts too"},
        ],
    }
    assert notes == ["Commissioning Leads: LA support for Old Shire is not pre-filled; it is no longer in region.toml"]

    about_values, sheets = prefill(last_round(plan, region)["2nd Tier Safeguarding Leads"], region, notes)
    assert sheets["Work programme"] == [
        {"Theme": "A: Increasing Placement Sufficiency", "Activity": "Safeguarding in A", "RAG": "Red",
         "Regional group task": None, "Seminar/workshop": None, "Project work": None, "RIA lead": None,
         "SDSA": "Yes", "Commentary": None},
        {"Theme": "B: Improving Practice Methodology", "Outcome": None, "Lead responsibility": None},  # led: to fill
    ]
    assert sheets["Contribution"] == [{"Contribution": "Safeguarding's part"}]
    assert sheets["LA support"] == [{"LA": "Derby", "Support needed": "Derby needs"}]
    # A network with no entry in the plan keeps region.toml's About values.
    assert prefill(last_round(plan.model_copy(update={"networks": [], "returns": []}), region)["Virtual School Heads"],
                   region, []) == ({}, {})


def test_a_carried_network_keeps_region_tomls_chair_though_the_pre_fill_gives_last_rounds(plan, region):
    """Unchanged: the merge carries content, not people (the README lists what is carried); the
    pre-fill offers last round's About details for the chair to correct."""
    carried = carried_returns(region, plan, present=set())
    assert {(r.network, r.chair, r.director) for r in carried} == {
        ("2nd Tier Safeguarding Leads", None, None), ("Commissioning Leads", None, None)}
    assert last_round(plan, region)["Commissioning Leads"].chair.name == "Sam New"


def _la_rows(path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)["LA support"]
    return [row[:2] for row in ws.iter_rows(min_row=2, values_only=True)]


def test_a_network_carried_forward_last_round_gets_its_la_support_pre_filled(cycle, add_return, tmp_path):
    """Changed: the pre-fill took a network's LA support rows by source file, among the files
    of the plan's returns; rows the plan itself carried forward have an earlier round's file,
    so they were lost (and went to whichever network sent a file of that name this round).
    Now they go by who reported them, as the merge carries them."""
    add_return("return.xlsx", about(**{"Date submitted": dt.date(2024, 6, 3)}), {
        "LA support": [{"LA": "Rutland", "Support needed": "Sufficiency"}],
        "Work programme": [{"Theme": "A", "Outcome": "More placements", "Activity": "Commission"}],
    })
    merge_folder(cycle, tmp_path / "june", templates=ROOT / "templates")
    region = (cycle / "region.toml").read_text(encoding="utf-8")
    (cycle / "region.toml").write_text(region.replace('"June 2024"', '"September 2024"'), encoding="utf-8")
    # September: Commissioning Leads sends nothing; Safeguarding's file has the name Commissioning's had.
    add_return("return.xlsx", about("2nd Tier Safeguarding Leads", period="September 2024"), {
        "LA support": [{"LA": "Derby", "Support needed": "Practice"}]})
    september = merge_folder(cycle, tmp_path / "sept", templates=ROOT / "templates",
                             baseline=tmp_path / "june" / "plan.json")
    assert september.check.outcome.carried_forward == {"Commissioning Leads": "June 2024"}
    rutland = next(r for r in september.plan.la_support if r.la == "Rutland").support_needed
    assert [(t.text, t.network, t.source.file, t.carried_from) for t in rutland] == [
        ("Sufficiency", "Commissioning Leads", "return.xlsx", "June 2024")]

    (cycle / "return.xlsx").unlink()
    (cycle / "region.toml").write_text(region.replace('"June 2024"', '"December 2024"'), encoding="utf-8")
    issue_returns(cycle, tmp_path / "sent", from_plan=tmp_path / "sept" / "plan.json")
    sent = tmp_path / "sent"
    # Before: [] here, and Safeguarding's workbook had Rutland's "Sufficiency" too.
    assert _la_rows(sent / "Commissioning Leads - December 2024.xlsx") == [("Rutland", "Sufficiency")]
    assert _la_rows(sent / "2nd Tier Safeguarding Leads - December 2024.xlsx") == [("Derby", "Practice")]
    # Activities were already pre-filled by who reported them; LA support now goes the same way.
    ws = openpyxl.load_workbook(sent / "Commissioning Leads - December 2024.xlsx")["Work programme"]
    assert [row[2] for row in ws.iter_rows(min_row=2, values_only=True)] == ["Commission"]

    # Sent back untouched, the pre-filled returns give December what the merge would have carried.
    for name in ("Commissioning Leads", "2nd Tier Safeguarding Leads"):
        (sent / f"{name} - December 2024.xlsx").rename(cycle / f"{name}.xlsx")
    december = merge_folder(cycle, tmp_path / "dec", templates=ROOT / "templates")
    carried = merge_folder(_emptied(cycle), tmp_path / "dec-carried",
                           templates=ROOT / "templates", baseline=tmp_path / "sept" / "plan.json")
    for plan in (december.plan, carried.plan):
        assert [(r.la, [(t.text, t.network) for column in LA_COLUMNS for t in getattr(r, column)])
                for r in plan.la_support if r.la in ("Derby", "Rutland")] == [
            ("Derby", [("Practice", "2nd Tier Safeguarding Leads")]),
            ("Rutland", [("Sufficiency", "Commissioning Leads")]),
        ]


def _emptied(cycle):
    """The cycle's region.toml alone, in a folder of its own: every network sends nothing."""
    folder = cycle.parent / "no-returns"
    folder.mkdir()
    (folder / "region.toml").write_text((cycle / "region.toml").read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def test_the_example_plan_is_pre_filled_with_what_the_merge_would_carry(example_outputs):
    """For every network of the example, the pre-fill's LA support and activities are
    exactly what a merge with no returns would carry forward."""
    plan = load_plan(example_outputs / "plan.json")
    region = plan.region
    carried = {r.network: r for r in carried_returns(region, plan, present=set())}
    said = last_round(plan, region)
    total = 0
    for network in region.networks:
        _about, sheets = prefill(said[network.name], region, [])
        ret = carried.get(network.name)
        support = ret.la_support if ret else {}
        assert sum(1 for row in sheets.get("LA support", []) for k in row if k != "LA") == sum(
            len(items) for columns in support.values() for items in columns.values()), network.name
        activities = [row["Activity"] for row in sheets.get("Work programme", []) if "Activity" in row]
        assert activities == ["\n".join(a.bullets) for e in (ret.themes.values() if ret else []) for a in e.activities]
        total += len(activities)
    assert total == 37
