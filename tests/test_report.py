"""ria_docs.report: what `ria-docs check` says, as text for people and as JSON for programs."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import about

from ria_docs.cli import main
from ria_docs.report import Report


@pytest.fixture
def runner():
    return CliRunner()


def test_report_lists_problems_by_return_and_the_summary_counts_unused_cells(runner, cycle, add_return, write_sheets):
    write_sheets("b.xlsx", {"About": [["Network", "Commissioning Leads"], ["Period", "June 2024"], ["Completed by", "Me"]],
                            "Notes": [["scribble"]]})
    add_return("a.xlsx", about("2nd Tier Safeguarding"), {"LA support": [{"LA": "Kent", "Support needed": "x"}]})
    result = runner.invoke(main, ["check", str(cycle)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        'a.xlsx, LA support!A2: error: "Kent" is not an LA of Testshire '
        '(use an LA name from region.toml: "Derby", "Derbyshire", "Leicester", "Leicestershire" or "Rutland")',
        'b.xlsx, sheet Notes: warning: sheet "Notes" is not one ria-docs reads, so 1 cell(s) are not used: A1',
        "Returns:",
        "  1 error    a.xlsx (2nd Tier Safeguarding Leads)",
        "  1 warning  b.xlsx (Commissioning Leads)",
        "No return from 1 network: Virtual School Heads",
        # the Notes cell, and the two cells of the row with the unknown LA
        "2 returns read: 1 error, 1 warning; 3 non-empty cells not used.",
    ]


def test_json_report_for_programs(cycle, add_return):
    add_return("r.xlsx", about(), {"Work programme": [{"Theme": "A", "Activity": "x", "RAG": "Yellow"}]})
    result = CliRunner().invoke(main, ["check", str(cycle), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["schema_version"] == 1 and report["ok"] is False and report["errors"] == 1
    assert report["problems"][0] == {
        "severity": "error", "kind": "bad-rag", "title": "Not a RAG status", "file": "r.xlsx",
        "sheet": "Work programme", "cell": "D2", "line": None, "message": 'RAG "Yellow" is not a RAG status',
        "hint": "use Red, Amber, Green or Blue (complete), or R, A, G, B; leave it blank if not yet rated",
    }
    assert report["returns"][0]["status"] == "1 error"
    assert report["missing_networks"] == ["2nd Tier Safeguarding Leads", "Virtual School Heads"]


def test_one_files_problems_come_in_the_order_of_the_whole_report():
    report = Report()
    report.warning("ignored-cells", "w1", file="a.xlsx")
    report.error("bad-rag", "e1", file="b.xlsx")
    report.error("bad-rag", "e2", file="a.xlsx")
    report.warning("notes", "w2", file="a.xlsx")
    report.error("unknown-la", "e3", file="a.xlsx")
    for file in ("a.xlsx", "b.xlsx"):
        assert report.problems_in(file) == [p for p in report.by_file() if p.file == file]
    assert [p.message for p in report.problems_in("a.xlsx")] == ["e2", "e3", "w1", "w2"]
