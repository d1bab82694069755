"""From one round to the next: carry forward, what changed, who has not returned, history."""

from __future__ import annotations

import datetime as dt
import json
import shutil

from click.testing import CliRunner
from conftest import KEPT, ROOT, about

from ria_docs.cli import main
from ria_docs.pipeline import merge_folder


def test_networks_with_no_return_keep_their_content_marked_as_carried(march, example_outputs, tmp_path):
    result = merge_folder(march, tmp_path / "out", templates=ROOT / "templates", baseline=example_outputs / "plan.json")
    assert result.written, [p.format() for p in result.check.report.errors]
    plan = result.plan
    assert result.check.outcome.carried_forward == {name: "December 2019" for name in
                                      ["Commissioning Leads", "Participation Leads", "Regional Adoption"]}
    theme_a = plan.themes[0]
    assert len(theme_a.activities) == 4 and {a.carried_from for a in theme_a.activities} == {"December 2019"}
    assert theme_a.outcome == ["More economically sustainable arrangements in each LA and the region"]
    adoption = next(n for n in plan.networks if n.name == "Regional Adoption")
    assert adoption.carried_from == "December 2019"
    assert [(t.text, t.carried_from) for t in adoption.contribution] == [
        ("DfE funded work-stream in D2N2 and L3R", "December 2019")]
    fresh = [a for t in plan.themes for a in t.activities if a.carried_from is None]
    assert fresh and all(a.network in KEPT for a in fresh)
    markdown = (tmp_path / "out" / "merge-report.md").read_text(encoding="utf-8")
    assert "- Regional Adoption (carried forward from December 2019)" in markdown
    cli = CliRunner().invoke(main, ["check", str(march), "--baseline", str(example_outputs / "plan.json")])
    assert "Carried forward from December 2019: Commissioning Leads, Regional Adoption, Participation Leads" in cli.stdout


def test_without_a_baseline_there_is_no_changes_document(example_outputs):
    assert not (example_outputs / "changes.docx").exists()


def test_update_bullets_are_not_carried_but_history_is_kept(cycle, add_return, tmp_path):
    add_return("commissioning.xlsx", about(**{"Date submitted": dt.date(2024, 6, 3)}), {
        "Contribution": [{"Contribution": "Leads theme A"}],
        "Update": [{"Section": "Network Highlights", "Bullet": "June news"}],
        "LA support": [{"LA": "Rutland", "Support needed": "Sufficiency"}],
    })
    first = merge_folder(cycle, tmp_path / "june", templates=ROOT / "templates")
    assert [r.period for r in first.plan.history] == ["June 2024"]
    region = (cycle / "region.toml").read_text(encoding="utf-8").replace('"June 2024"', '"September 2024"')
    (cycle / "region.toml").write_text(region, encoding="utf-8")
    (cycle / "commissioning.xlsx").unlink()
    second = merge_folder(cycle, tmp_path / "sept", templates=ROOT / "templates",
                          baseline=tmp_path / "june" / "plan.json")
    plan = second.plan
    assert [b.text for s in plan.update for b in s.blocks] == []  # news of one round
    network = next(n for n in plan.networks if n.name == "Commissioning Leads")
    assert [t.text for t in network.contribution] == ["Leads theme A"]
    rutland = next(r for r in plan.la_support if r.la == "Rutland")
    assert [(t.text, t.carried_from) for t in rutland.support_needed] == [("Sufficiency", "June 2024")]
    history = json.loads((tmp_path / "sept" / "plan.json").read_text(encoding="utf-8"))["history"]
    assert history == [
        {"period": "June 2024", "date": "2024-06-03", "returns": ["commissioning.xlsx"], "carried_forward": []},
        {"period": "September 2024", "date": None, "returns": [], "carried_forward": ["Commissioning Leads"]},
    ]


def test_a_baseline_from_the_same_period_is_questioned(cycle, add_return, tmp_path):
    add_return("commissioning.xlsx", about())
    merge_folder(cycle, tmp_path / "out", templates=ROOT / "templates")
    again = merge_folder(cycle, tmp_path / "again", templates=ROOT / "templates", baseline=tmp_path / "out" / "plan.json")
    assert [p.kind for p in again.check.report.warnings] == ["baseline-same-period"]


def test_status_lists_returned_invalid_and_missing_networks(cycle, add_return, tmp_path):
    region = (cycle / "region.toml").read_text(encoding="utf-8").replace(
        'name = "Virtual School Heads"', 'name = "Virtual School Heads"\nchair = "Sue Denholm"\nchair_la = "Rutland"')
    (cycle / "region.toml").write_text(region, encoding="utf-8")
    add_return("commissioning.xlsx", about(**{"Date submitted": dt.date(2024, 6, 3), "Email": "sally@example.org.uk"}),
               {"Contribution": [{"Contribution": "Sufficiency strategy"}]})
    merge_folder(cycle, tmp_path / "june", templates=ROOT / "templates")  # last round, for the emails
    (cycle / "region.toml").write_text(region.replace('"June 2024"', '"September 2024"'), encoding="utf-8")
    (cycle / "commissioning.xlsx").unlink()
    add_return("safeguarding.xlsx", about("2nd Tier Safeguarding Leads", period="September 2024",
                                          **{"Date submitted": dt.date(2024, 9, 2)}))
    add_return("vsh.xlsx", about("Virtual School Heads", period="September 2024"),
               {"Work programme": [{"Theme": "A", "Activity": "x", "RAG": "Yellow"}]})
    vsh_email_region = region.replace('"June 2024"', '"September 2024"')
    (cycle / "region.toml").write_text(vsh_email_region, encoding="utf-8")
    result = CliRunner().invoke(main, ["status", str(cycle), "--baseline", str(tmp_path / "june" / "plan.json")])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "returned  2nd Tier Safeguarding Leads  safeguarding.xlsx, 02/09/2024, A Chair",
        "missing   Commissioning Leads          chase Sally Savage (Rutland) <sally@example.org.uk>; "
        "carried forward from June 2024",
        "invalid   Virtual School Heads         vsh.xlsx: 1 error(s); ria-docs check lists them",
        "1 returned, 1 invalid, 1 missing.",
    ]
    data = json.loads(CliRunner().invoke(main, ["status", str(cycle), "--format", "json"]).stdout)
    assert [(s["network"], s["state"]) for s in data["networks"]] == [
        ("2nd Tier Safeguarding Leads", "returned"), ("Commissioning Leads", "missing"), ("Virtual School Heads", "invalid")]


def test_a_templates_folder_without_changes_docx_uses_the_installed_one(cycle, add_return, tmp_path):
    add_return("commissioning.xlsx", about(), {"Contribution": [{"Contribution": "x"}]})
    merge_folder(cycle, tmp_path / "june", templates=ROOT / "templates")
    own = tmp_path / "our-templates"
    own.mkdir()
    for name in ("ria-plan.docx", "regional-update.docx"):
        shutil.copy(ROOT / "templates" / name, own / name)
    region = (cycle / "region.toml").read_text(encoding="utf-8").replace('"June 2024"', '"September 2024"')
    (cycle / "region.toml").write_text(region, encoding="utf-8")
    (cycle / "commissioning.xlsx").unlink()
    result = merge_folder(cycle, tmp_path / "sept", templates=own, baseline=tmp_path / "june" / "plan.json")
    assert (tmp_path / "sept" / "changes.docx") in result.written
