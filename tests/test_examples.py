"""The committed example workbooks are what the code in the repo makes."""

from __future__ import annotations

import importlib.util
import sys

import openpyxl
from conftest import ROOT


def load_script(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def cell_values(path) -> dict:
    workbook = openpyxl.load_workbook(path)
    return {
        ws.title: [[c.value for c in row] for row in ws.iter_rows()]
        for ws in workbook.worksheets
    }


def test_example_workbooks_match_their_source(tmp_path):
    build = load_script(ROOT / "examples" / "build.py", "examples_build")
    for name, (_cycle, committed_folder) in build.CYCLES.items():
        fresh = build.build(name, tmp_path / name)
        assert fresh, name
        for path in fresh:
            committed = committed_folder / path.name
            assert committed.exists(), f"{committed} is missing: run python examples/build.py"
            assert cell_values(committed) == cell_values(path), f"{committed} is stale: run python examples/build.py"
        committed_names = {p.name for p in committed_folder.glob("*.xlsx")}
        assert committed_names == {p.name for p in fresh}
