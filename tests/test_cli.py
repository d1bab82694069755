"""The ria-docs command line, as a user runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT, about

from ria_docs.cli import main
from ria_docs.template_files import template_path, template_source

OUTPUT_NAMES = ["merge-report.md", "plan.json", "regional-update.docx", "report.html", "ria-plan.docx",
                "tartan-rug.xlsx"]


@pytest.fixture
def runner():
    return CliRunner()


def test_merge_writes_the_four_outputs(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    result = runner.invoke(main, ["merge", "inputs", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == OUTPUT_NAMES
    assert result.output.splitlines()[-8:] == [
        "No return from 14 networks: SEND & Inclusion, Early Years Strategic Leads, Virtual School Heads, "
        "Children Missing Education, 3rd Tier Safeguarding Leads, IRO Managers/CPC Chairs, Principal Social "
        "Workers, QA and Audit Moderation, CLA Leads & Care Leavers, CSE Leads, Troubled Families Leads, "
        "School Admission EMRAG, Childrens Workforce Development, Residential Placements",
        "6 returns read: 0 errors, 0 warnings.",
        f"Wrote {out / 'ria-plan.docx'}",
        f"Wrote {out / 'regional-update.docx'}",
        f"Wrote {out / 'tartan-rug.xlsx'}",
        f"Wrote {out / 'plan.json'}",
        f"Wrote {out / 'merge-report.md'}",
        f"Wrote {out / 'report.html'}",
    ]


def test_render_from_plan_json_writes_the_same_documents(runner, tmp_path, example_outputs, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "again"
    result = runner.invoke(main, ["render", str(example_outputs / "plan.json"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == (f"Wrote {out / 'ria-plan.docx'}\nWrote {out / 'regional-update.docx'}\n"
                             f"Template for ria-plan.docx: {template_source(template_path('ria-plan.docx'))}\n"
                             f"Template for regional-update.docx: "
                             f"{template_source(template_path('regional-update.docx'))}\n")
    for name in ("ria-plan.docx", "regional-update.docx"):
        assert (out / name).read_bytes() == (example_outputs / name).read_bytes(), name


def test_merge_with_an_error_lists_it_writes_nothing_and_exits_1(runner, cycle, add_return, tmp_path):
    add_return("commissioning.xlsx", about(), {"Work programme": [{"Theme": "A", "Activity": "x", "RAG": "Yellow"}]})
    out = tmp_path / "out"
    out.mkdir()
    (out / "ria-plan.docx").write_bytes(b"last cycle's plan")
    result = runner.invoke(main, ["merge", str(cycle), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        'commissioning.xlsx, Work programme!D2: error: RAG "Yellow" is not a RAG status '
        "(use Red, Amber, Green or Blue (complete), or R, A, G, B; leave it blank if not yet rated)"
    )
    assert result.stderr == (
        "Error: 1 error(s) in 1 file(s); nothing was written. "
        "Fix them and merge again, or use --skip-invalid to leave those returns out. To see them in a browser: "
        f"ria-docs check {cycle} --html report.html\n"
    )
    assert sorted(p.name for p in out.iterdir()) == ["ria-plan.docx"]
    assert (out / "ria-plan.docx").read_bytes() == b"last cycle's plan"


def test_skip_invalid_writes_from_the_valid_returns_and_names_the_excluded(runner, cycle, add_return, tmp_path):
    add_return("commissioning.xlsx", about(), {"Work programme": [{"Theme": "A", "Activity": "x", "RAG": "Yellow"}]})
    add_return("safeguarding.xlsx", about("2nd Tier Safeguarding"), {"Contribution": [{"Contribution": "Kept"}]})
    out = tmp_path / "out"
    result = runner.invoke(main, ["merge", str(cycle), "-o", str(out), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    report = (out / "merge-report.md").read_text(encoding="utf-8")
    assert "| commissioning.xlsx | Commissioning Leads |" in report
    assert "| no: 1 error(s); left out (--skip-invalid) |" in report
    assert '"Yellow" is not a RAG status' in report
    plan = (out / "plan.json").read_text(encoding="utf-8")
    assert '"text": "Kept"' in plan and '"x"' not in plan


def test_check_reports_and_writes_nothing(runner, cycle, add_return, tmp_path, monkeypatch):
    add_return("commissioning.xlsx", about(), {"LA support": [{"LA": "Leics", "Support needed": "Help"}]})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["check", str(cycle)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        'commissioning.xlsx, LA support!A2: error: "Leics" is not an LA of Testshire '
        '(did you mean "Leicestershire"?)'
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inputs"]


def test_check_on_the_example_cycle_is_clean(runner, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "6 returns read: 0 errors, 0 warnings."


def test_a_folder_without_region_toml_is_a_plain_error(runner, tmp_path):
    result = runner.invoke(main, ["merge", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'region.toml'}: no region.toml here. Each cycle folder needs one; "
        "see the README for an example.\n"
    )
    assert not (tmp_path / "out").exists()


def test_render_of_a_file_that_is_not_a_plan_is_a_plain_error(runner, tmp_path):
    bogus = tmp_path / "plan.json"
    bogus.write_text('{"hello": 1}', encoding="utf-8")
    result = runner.invoke(main, ["render", str(bogus), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bogus}: is not a plan.json written by ria-docs (")
    assert "Traceback" not in result.output


def test_unknown_option_is_a_usage_error_with_exit_2(runner):
    result = runner.invoke(main, ["merge", "--frobnicate"])
    assert result.exit_code == 2
    assert "No such option" in result.stderr and "--frobnicate" in result.stderr


@pytest.mark.parametrize("command", ["merge", "check", "render", "returns", "status", "preview"])
def test_every_command_has_help_with_an_example(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert ("Example:" in result.output or "Examples:" in result.output) and f"ria-docs {command}" in result.output


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "ria_docs", "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("ria-docs, version ")


def test_merge_from_another_folder_uses_the_installed_templates(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./templates here
    from ria_docs.template_files import installed_templates, template_path

    assert template_path("ria-plan.docx", None) == installed_templates() / "ria-plan.docx"
    result = runner.invoke(main, ["merge", str(ROOT / "inputs")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "outputs").iterdir()) == OUTPUT_NAMES


def test_a_missing_templates_folder_is_named(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(main, ["merge", "-o", str(tmp_path / "out"), "--templates", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'nope'}: no such folder. Give the folder that holds the templates with "
        "--templates, or make one with: ria-docs templates FOLDER\n"
    )


def test_skip_invalid_says_which_returns_were_left_out(runner, cycle, add_return, tmp_path):
    add_return("bad.xlsx", about(), {"Work programme": [{"Theme": "A", "Activity": "x", "RAG": "Yellow"}]})
    result = runner.invoke(main, ["merge", str(cycle), "-o", str(tmp_path / "out"), "--skip-invalid"])
    assert result.exit_code == 0
    assert "Left out 1 return(s) with errors: bad.xlsx" in result.stdout.splitlines()


def test_a_spreadsheet_in_another_format_is_listed_with_why_it_was_left_out(runner, cycle, add_return, tmp_path):
    (cycle / "vsh.xls").write_bytes(b"old format")
    add_return("commissioning.xlsx", about())
    out = tmp_path / "out"
    result = runner.invoke(main, ["merge", str(cycle), "-o", str(out), "--skip-invalid"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == (
        "vsh.xls: error: is not an Excel workbook: it holds plain text (a CSV file renamed?) "
        "(open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx))"
    )
    report = (out / "merge-report.md").read_text(encoding="utf-8")
    assert "| vsh.xls |  |  |  | 1 error | 0 | 0 | 0 | 0 | 0 | no: 1 error(s); left out (--skip-invalid) |" in report


def test_outputs_kept_inside_the_round_folder_are_not_read_as_returns(runner, tmp_path):
    cycle = tmp_path / "2019-12"
    shutil.copytree(ROOT / "inputs", cycle)
    first = runner.invoke(main, ["merge", str(cycle), "-o", str(cycle / "outputs")])
    assert first.exit_code == 0, first.output
    assert (cycle / "outputs" / "tartan-rug.xlsx").exists()
    again = runner.invoke(main, ["check", str(cycle)])
    assert again.exit_code == 0 and again.stdout.splitlines()[-1] == "6 returns read: 0 errors, 0 warnings."
    # and a merge into a fresh folder inside it skips it from the first run
    new = runner.invoke(main, ["merge", str(cycle), "-o", str(cycle / "outputs-2")])
    assert new.exit_code == 0, new.output


# -- a console that cannot show every character (issue 11, family 6) ------------------------------------------

def _bad_tick(add_return):
    add_return("commissioning.xlsx", about(), {"Work programme": [{"Theme": "A", "Activity": "x", "SDSA": "maybe"}]})


TICK_HINT = "(use Yes (or Y, X, \\u2713) to tick it; leave it blank or No to leave it unticked)"


def _cp1252(*args: str, cwd) -> subprocess.CompletedProcess:
    env = {**__import__("os").environ, "PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0"}
    return subprocess.run([sys.executable, "-m", "ria_docs", *args], cwd=cwd, env=env, capture_output=True,
                          timeout=120)


def test_check_on_a_cp1252_console_shows_what_it_cannot_encode_as_an_escape(cycle, add_return):
    _bad_tick(add_return)
    result = _cp1252("check", str(cycle), cwd=ROOT)
    stdout, stderr = result.stdout.decode("cp1252"), result.stderr.decode("cp1252")
    assert result.returncode == 1, stderr
    assert "Traceback" not in stderr and stderr == ""
    assert stdout.splitlines()[0] == (
        f'commissioning.xlsx, Work programme!J2: error: "maybe" in SDSA is neither a tick nor blank {TICK_HINT}')
    assert stdout.splitlines()[-1] == "1 return read: 1 error, 0 warnings."


def test_merge_on_a_cp1252_console_reports_after_writing(cycle, add_return, tmp_path):
    add_return("\u03a9mega returns.xlsx", about(**{"Completed by": "Zo\u00eb \u0141ukasz"}))
    result = _cp1252("merge", str(cycle), "-o", str(tmp_path / "out"), cwd=ROOT)
    stdout, stderr = result.stdout.decode("cp1252"), result.stderr.decode("cp1252")
    assert result.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "  ok  \\u03a9mega returns.xlsx (Commissioning Leads)" in stdout.splitlines()
    assert stdout.splitlines()[-1] == f"Wrote {tmp_path / 'out' / 'report.html'}"


def test_check_through_a_cp1252_runner(cycle, add_return):
    _bad_tick(add_return)
    result = CliRunner(charset="cp1252").invoke(main, ["check", str(cycle)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert TICK_HINT in result.stdout


@pytest.mark.parametrize("command", ["check", "status"])
def test_json_is_valid_on_a_cp1252_console(cycle, add_return, command):
    """Characters cp1252 lacks are JSON escapes (\\ud83d\\ude00), never Python's (\\U0001f600)."""
    import json
    import os

    add_return("adoption \U0001f600.xlsx", about())
    add_return("safeguarding \u0141.xlsx", about("2nd Tier Safeguarding Leads"))
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    result = subprocess.run([sys.executable, "-m", "ria_docs", command, str(cycle), "--format", "json"],
                            capture_output=True, env=env, timeout=120)
    assert b"\\U0001f600" not in result.stdout
    data = json.loads(result.stdout.decode("cp1252"))
    files = ([r["file"] for r in data["returns"]] if command == "check"
             else [n["file"] for n in data["networks"] if n["file"]])
    assert sorted(files) == ["adoption \U0001f600.xlsx", "safeguarding \u0141.xlsx"]


def test_json_keeps_its_characters_where_the_console_can_show_them(cycle, add_return):
    import json

    add_return("r\u00e9sum\u00e9 \U0001f600.xlsx", about())
    result = CliRunner().invoke(main, ["check", str(cycle), "--format", "json"])
    assert '"file": "r\u00e9sum\u00e9 \U0001f600.xlsx"' in result.stdout
    assert json.loads(result.stdout)["returns"][0]["file"] == "r\u00e9sum\u00e9 \U0001f600.xlsx"


def test_ctrl_c_while_ria_docs_is_still_starting_ends_it_without_a_traceback(monkeypatch, capsys):
    """Ctrl-C during the imports, before the command line is read (the first fraction of a second)."""
    import sys

    from ria_docs import launch

    class Interrupted:
        def find_spec(self, name, path=None, target=None):
            if name == "ria_docs.cli":
                raise KeyboardInterrupt
            return None

    monkeypatch.delitem(sys.modules, "ria_docs.cli", raising=False)
    monkeypatch.setattr(sys, "meta_path", [Interrupted(), *sys.meta_path])
    with pytest.raises(SystemExit) as stopped:
        launch.main()
    assert stopped.value.code == 130 and capsys.readouterr().err == "Aborted!\n"


def test_render_says_which_pdfs_it_removed_as_out_of_date(runner, example_outputs, tmp_path):
    out = tmp_path / "outputs"
    out.mkdir()
    for name in ("plan.json", "merge-report.md"):
        (out / name).write_bytes((example_outputs / name).read_bytes())
    (out / "ria-plan.pdf").write_bytes(b"%PDF of the documents before")
    result = runner.invoke(main, ["render", str(out / "plan.json")])
    assert result.exit_code == 0, result.output
    assert f"Removed {out / 'ria-plan.pdf'}: it showed the documents before this render (add --pdf to make it " \
           "again)\n" in result.stdout
    assert not (out / "ria-plan.pdf").exists() and (out / "ria-plan.docx").exists()


def test_check_json_gives_region_toml_problems_like_any_other(runner, tmp_path):
    import json

    (tmp_path / "region.toml").write_text('region = "X"\nplan_year = 3\nperiod = "June 2024"\nlas = ["A"]\n'
                                          '[[network]]\nname = "N"\n', encoding="utf-8")
    result = runner.invoke(main, ["check", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["schema_version"], report["ok"], report["errors"]) == (1, False, 1)
    assert report["problems"] == [{
        "severity": "error", "kind": "region-toml", "title": "region.toml problem",
        "file": str(tmp_path / "region.toml"), "sheet": None, "cell": None, "line": 2,
        "message": "line 2: plan_year must be text in quotes", "hint": "correct region.toml and check again",
    }]
    plain = runner.invoke(main, ["check", str(tmp_path)])
    assert plain.exit_code == 1 and plain.stderr.startswith(f"Error: {tmp_path / 'region.toml'}: has 1 problem(s):")
