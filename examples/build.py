"""Write the example cycles' return workbooks from examples/source/.

    python examples/build.py

The returns are data a chair would type, kept as Python in examples/source/ so
they are reviewable and can never drift from the workbook layout: the project's
own writer (ria_docs.workbook) writes them.
  examples/source/east_midlands.py -> inputs/returns/*.xlsx
  examples/source/eastern.py       -> examples/eastern/*.xlsx
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from ria_docs.workbook import build_return, save_workbook  # noqa: E402

CYCLES = {
    "east_midlands": ROOT / "inputs" / "returns",
    "eastern": ROOT / "examples" / "eastern",
}


def load_source(name: str):
    path = ROOT / "examples" / "source" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.RETURNS


def build(name: str, target: Path) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for entry in load_source(name):
        path = target / entry["file"]
        workbook = build_return(entry["about"], entry["sheets"])
        save_workbook(workbook, path, when=entry["about"].get("Date submitted"))
        written.append(path)
    return written


def main() -> None:
    for name, target in CYCLES.items():
        for path in build(name, target):
            print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
