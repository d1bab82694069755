"""``ria-docs status`` and the chase list: every file accounted for (issue 11, family 7).

A file that cannot be attributed to a network is listed with why, and no
network is called missing while such a file may be its return.
"""

from __future__ import annotations

import json
import os
import sys

import pytest
from click.testing import CliRunner
from conftest import about

from ria_docs.cli import main


def _status(cycle, *more: str):
    result = CliRunner().invoke(main, ["status", str(cycle), *more])
    assert result.exit_code == 0, result.output
    return result


def test_files_that_cannot_be_attributed_are_listed_and_their_networks_not_chased(cycle, add_return):
    add_return("safeguarding.xlsx", about("2nd Tier Safeguarding Leads"))
    (cycle / "Commissioning Leads - June 2024.csv").write_text("Network,Period\n", encoding="utf-8")
    (cycle / "empty.xlsx").write_bytes(b"")
    add_return("blank.xlsx", about(network=None))
    assert _status(cycle).stdout.splitlines() == [
        "returned  2nd Tier Safeguarding Leads  safeguarding.xlsx, A Chair",
        "unknown   Commissioning Leads          a file in the folder may be its return "
        "(Commissioning Leads - June 2024.csv): check it before chasing Sally Savage (Rutland)",
        "missing   Virtual School Heads         no chair or email known: add them to region.toml "
        "(but 2 files could not be attributed to a network: check them before chasing)",
        "1 returned, 0 invalid, 1 unknown, 1 missing.",
        "Files not attributed to a network (3):",
        "  blank.xlsx: the Network is blank, so ria-docs cannot tell whose return this is",
        "  Commissioning Leads - June 2024.csv: is a .csv file, not a workbook with the return's sheets "
        "(may be the return of Commissioning Leads)",
        "  empty.xlsx: is empty (0 bytes)",
    ]


def test_a_network_typed_wrongly_points_to_the_network_it_was_meant_to_be(cycle, add_return):
    add_return("r.xlsx", about("Virtual Schools Head"))
    add_return("commissioning.xlsx", about())
    add_return("safeguarding.xlsx", about("2nd Tier Safeguarding Leads"))
    assert _status(cycle).stdout.splitlines() == [
        "returned  2nd Tier Safeguarding Leads  safeguarding.xlsx, A Chair",
        "returned  Commissioning Leads          commissioning.xlsx, A Chair",
        "unknown   Virtual School Heads         a file in the folder may be its return (r.xlsx): check it "
        "before chasing",
        "2 returned, 0 invalid, 1 unknown, 0 missing.",
        "Files not attributed to a network (1):",
        '  r.xlsx: "Virtual Schools Head" is not a network of Testshire (may be the return of Virtual School Heads)',
    ]


def test_when_no_file_points_anywhere_every_missing_network_says_so(cycle):
    (cycle / "scan0001.pdf").write_bytes(b"%PDF-1.7")
    lines = _status(cycle).stdout.splitlines()
    assert lines[1] == (
        "missing   Commissioning Leads          chase Sally Savage (Rutland) (but 1 file could not be attributed "
        "to a network: check it before chasing)"
    )
    assert lines[3:] == [
        "0 returned, 0 invalid, 3 missing.",
        "Files not attributed to a network (1):",
        "  scan0001.pdf: is a PDF (.pdf), not a return workbook, so it is not read",
    ]


def test_a_folder_with_every_return_read_says_nothing_more(cycle, add_return):
    add_return("commissioning.xlsx", about())
    (cycle / "README.md").write_text("notes", encoding="utf-8")
    lines = _status(cycle).stdout.splitlines()
    assert lines[-1] == "1 returned, 0 invalid, 2 missing."
    assert not any("not attributed" in line for line in lines)


def test_json_lists_the_files_not_attributed(cycle, add_return):
    add_return("commissioning.xlsx", about())
    (cycle / "vsh.csv").write_text("a,b\n", encoding="utf-8")
    data = json.loads(_status(cycle, "--format", "json").stdout)
    assert [(s["network"], s["state"], s["may_be_in"]) for s in data["networks"]] == [
        ("2nd Tier Safeguarding Leads", "missing", ["vsh.csv"]),
        ("Commissioning Leads", "returned", []),
        ("Virtual School Heads", "missing", ["vsh.csv"]),
    ]
    assert data["not_attributed"] == [
        {"file": "vsh.csv", "why": "is a .csv file, not a workbook with the return's sheets", "may_be": None}]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_entries_not_read_are_not_attributed_either(cycle, add_return, tmp_path):
    add_return("commissioning.xlsx", about())
    (cycle / "Virtual School Heads.xlsx").symlink_to(tmp_path / "unplugged.xlsx")
    (cycle / "~$safeguarding.xlsx").write_bytes(b"\x0bA Chair" + b" " * 157)  # Excel's lock file: nothing to say
    lines = _status(cycle).stdout.splitlines()
    assert lines[2].startswith("unknown   Virtual School Heads         a file in the folder may be its return "
                               "(Virtual School Heads.xlsx)")
    assert lines[-2:] == [
        "Files not attributed to a network (1):",
        f"  Virtual School Heads.xlsx: is a link to {tmp_path / 'unplugged.xlsx'}, which cannot be found (a shared "
        "drive not connected?), so it cannot be read (may be the return of Virtual School Heads)",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_pipe_named_like_a_return_is_not_attributed_and_never_opened(cycle):
    os.mkfifo(cycle / "commissioning.xlsx")
    lines = _status(cycle).stdout.splitlines()
    assert lines[1].startswith("unknown   Commissioning Leads")
    assert lines[-1] == ("  commissioning.xlsx: is a named pipe (FIFO), not a file, so it cannot be read as a return "
                         "(may be the return of Commissioning Leads)")


# --- Files named after a network, workbooks not read (adversarial findings 1, 8, 9)


def test_a_file_named_after_a_missing_network_makes_it_unknown_whoever_it_says_it_is(cycle, add_return):
    add_return("commissioning.xlsx", about())
    add_return("Virtual School Heads return.xlsx", about("2nd Tier Safeguarding Leads"))  # a copy of another's
    lines = _status(cycle).stdout.splitlines()
    assert lines == [
        "returned  2nd Tier Safeguarding Leads  Virtual School Heads return.xlsx, A Chair",
        "returned  Commissioning Leads          commissioning.xlsx, A Chair",
        "unknown   Virtual School Heads         a file in the folder may be its return (Virtual School Heads "
        "return.xlsx, whose Network says 2nd Tier Safeguarding Leads): check it before chasing",
        "2 returned, 0 invalid, 1 unknown, 0 missing.",
    ]
    data = json.loads(_status(cycle, "--format", "json").stdout)
    vsh = data["networks"][2]
    assert (vsh["state"], vsh["may_be_in"], vsh["named_for_it"]) == (
        "unknown", ["Virtual School Heads return.xlsx"],
        {"Virtual School Heads return.xlsx": "2nd Tier Safeguarding Leads"})


def test_workbooks_not_read_for_their_name_or_place_are_never_chased(cycle, add_return, tmp_path):
    add_return("safeguarding.xlsx", about("2nd Tier Safeguarding Leads"))
    data = add_return("x.xlsx", about(), folder=tmp_path).read_bytes()
    (cycle / "Commissioning Leads").write_bytes(data)  # no suffix
    late = cycle / "late"
    late.mkdir()
    (late / "plan.json").write_text("{}", encoding="utf-8")
    (late / "merge-report.md").write_text("x", encoding="utf-8")
    (late / "vsh.xlsx").write_bytes(data)  # skipped with the outputs a merge wrote there
    assert _status(cycle).stdout.splitlines() == [
        "returned  2nd Tier Safeguarding Leads  safeguarding.xlsx, A Chair",
        "unknown   Commissioning Leads          a file in the folder may be its return (Commissioning Leads): "
        "check it before chasing Sally Savage (Rutland)",
        "missing   Virtual School Heads         no chair or email known: add them to region.toml (but 1 file could "
        "not be attributed to a network: check it before chasing)",
        "1 returned, 0 invalid, 1 unknown, 1 missing.",
        "Files not attributed to a network (2):",
        "  Commissioning Leads: is a workbook (.xlsx) by its content, but its name has no suffix, so it is not read "
        "(may be the return of Commissioning Leads)",
        "  late/vsh.xlsx: is in late, a folder a merge wrote its outputs into (it holds plan.json and "
        "merge-report.md), so it is not read as a return",
    ]


def test_a_file_named_after_a_network_is_not_chased_whatever_its_network_says(cycle, add_return):
    """Its Network a slip that looks like another network's: the network its name names is not chased."""
    from ria_docs.status import network_status

    add_return("Commissioning Leads.xlsx", about())  # Commissioning Leads has returned
    add_return("Virtual School Heads return.xlsx", about("Comissioning Leedz Group"))
    statuses = {s.network: s for s in network_status(cycle)}
    assert statuses["Virtual School Heads"].state == "unknown"
    assert statuses["Virtual School Heads"].may_be_in == ["Virtual School Heads return.xlsx"]


def test_status_takes_emails_from_region_toml(cycle):
    region = (cycle / "region.toml").read_text(encoding="utf-8").replace(
        'chair = "Sally Savage"', 'chair = "Sally Savage"\nemail = "commissioning@example.org.uk"')
    (cycle / "region.toml").write_text(region, encoding="utf-8")
    lines = CliRunner().invoke(main, ["status", str(cycle)]).stdout.splitlines()
    assert lines[1] == "missing   Commissioning Leads          chase Sally Savage (Rutland) <commissioning@example.org.uk>"
