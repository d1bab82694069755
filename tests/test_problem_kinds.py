"""The catalogue of problem codes: every code ria-docs reports is in it, every entry is used,
and the README lists it as it is."""

from __future__ import annotations

import ast
import re

import pytest
from conftest import ROOT

from ria_docs.problem_kinds import KINDS, markdown_table
from ria_docs.report import Report

KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)+")
# Kebab-case strings in the library that are not problem codes.
NOT_CODES = {"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "ria-docs", "returns-to-send",
             "covered-table-cell", "table-cell", "table-row", "number-columns-repeated", "number-rows-repeated",
             "value-type"}
# Codes made as f"missing-{key}" by the validator's carried-down columns.
CARRIED_DOWN = {"missing-theme", "missing-la", "missing-section"}


def strings_in_library() -> set[str]:
    found = set()
    for path in (ROOT / "ria_docs").glob("*.py"):
        if path.name == "problem_kinds.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEBAB.fullmatch(node.value):
                found.add(node.value)
            elif isinstance(node, ast.Constant) and node.value == "notes":
                found.add("notes")
    return found


def test_every_code_the_library_writes_is_in_the_catalogue_and_every_entry_is_used():
    used = strings_in_library() - NOT_CODES
    assert used - set(KINDS) == set()
    assert set(KINDS) - used - CARRIED_DOWN == set()


def test_a_code_not_in_the_catalogue_is_refused():
    with pytest.raises(ValueError, match="problem kind 'made-up' is not in ria_docs/problem_kinds.py"):
        Report().error("made-up", "anything")


def test_each_entry_says_what_it_means_and_how_to_fix_it():
    for kind in KINDS.values():
        assert kind.title and kind.meaning and kind.fix, kind.code
        assert "|" not in kind.title + kind.meaning + kind.fix, kind.code  # the README's table


def test_the_readme_lists_the_catalogue():
    assert markdown_table() in (ROOT / "README.md").read_text(encoding="utf-8")
