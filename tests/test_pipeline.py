"""ria_docs.pipeline on its own: which files a folder holds, their labels, plan.json read back.

Merges of whole rounds are in the scenario suites (test_rounds, test_returns_folder,
test_bad_inputs, test_nothing_lost); these call the pipeline's functions directly.
"""

from __future__ import annotations

import os
import sys

import pytest
from conftest import about

from ria_docs.pipeline import file_label, find_return_files, load_plan, plan_json, scan_folder


def test_find_return_files_lists_only_what_is_read(cycle, add_return):
    add_return("b.xlsx", about())
    add_return("A.xlsx", about())
    (cycle / "notes.csv").write_text("a,b\n", encoding="utf-8")
    (cycle / "x.pdf").write_bytes(b"%PDF")
    assert [p.name for p in find_return_files(cycle)] == ["A.xlsx", "b.xlsx", "notes.csv"]


def test_labels_show_invisible_characters(tmp_path):
    assert file_label(tmp_path / "r\u200b.xlsx", tmp_path) == "r\\u200b.xlsx"
    assert file_label(tmp_path / "sub" / "tab\there.xlsx", tmp_path) == "sub/tab\\x09here.xlsx"
    assert file_label(tmp_path / "Participation – Leicester é.xlsx", tmp_path) == "Participation – Leicester é.xlsx"


def test_names_differing_only_in_unicode_normalisation_get_labels_that_differ(tmp_path):
    nfc, nfd = "r\u00e9sum\u00e9.xlsx", "re\u0301sume\u0301.xlsx"
    assert file_label(tmp_path / nfc, tmp_path) == "r\u00e9sum\u00e9.xlsx"
    assert file_label(tmp_path / nfd, tmp_path) == "re\\u0301sume\\u0301.xlsx"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="file names must be valid text on this system")
def test_a_name_that_prints_like_another_still_gets_its_own_label(cycle, add_return):
    first = add_return("first.xlsx", about())
    add_return("a-\\xff.xlsx", about("2nd Tier Safeguarding Leads"))  # a backslash typed in the name
    try:
        os.rename(first, os.fsencode(cycle) + b"/a-\xff.xlsx")
    except OSError:
        pytest.skip("this file system refuses names that are not valid text")
    scan = scan_folder(cycle)
    assert sorted(scan.labels.values()) == ["a-\\xff.xlsx", "a-\\xff.xlsx (2)"]


def test_plan_json_round_trips(example_outputs, tmp_path):
    saved = (example_outputs / "plan.json").read_bytes()
    plan = load_plan(example_outputs / "plan.json")
    assert plan.region.region == "East Midlands" and plan.networks and plan.themes and plan.history
    assert plan_json(plan) == saved  # written again as a merge writes it: the same bytes
    (tmp_path / "plan.json").write_bytes(plan_json(plan))
    assert load_plan(tmp_path / "plan.json") == plan  # and read again: the same plan, field for field
