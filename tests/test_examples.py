"""The committed example workbooks and templates are what the code in the repo makes."""

from __future__ import annotations

import importlib.util
import sys
import zipfile

import openpyxl
from lxml import etree

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


def xml_parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {
            name: etree.tostring(etree.fromstring(package.read(name)), method="c14n")
            for name in package.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        }


def test_templates_match_the_builder_and_the_packaged_copies(tmp_path, monkeypatch):
    builder = load_script(ROOT / "scripts" / "build_templates.py", "build_templates")
    builder.build_plan(tmp_path / "ria-plan.docx")
    builder.build_update(tmp_path / "regional-update.docx")
    builder.build_changes(tmp_path / "changes.docx")
    for name in ("ria-plan.docx", "regional-update.docx", "changes.docx"):
        committed = ROOT / "templates" / name
        assert xml_parts(committed) == xml_parts(tmp_path / name), f"{name} is stale: run python scripts/build_templates.py"
        assert (ROOT / "ria_docs" / "templates" / name).read_bytes() == committed.read_bytes()
