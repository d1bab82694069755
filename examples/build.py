"""Write the example cycles' return workbooks from examples/source/.

    python examples/build.py

The returns are data a chair would type, kept as Python in examples/source/ so
they are reviewable. Each is written the way a chair fills one: the blank
workbook `ria-docs returns` issues, filled in by label and header name.
  examples/source/east_midlands.py -> inputs/returns/*.xlsx
  examples/source/eastern.py       -> examples/eastern/*.xlsx
  examples/source/south_east.py    -> examples/south-east/*.xlsx
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from ria_docs.region import load_region  # noqa: E402
from ria_docs.workbook import build_return, save_workbook  # noqa: E402

CYCLES = {  # source -> (cycle folder with region.toml, folder for the returns)
    "east_midlands": (ROOT / "inputs", ROOT / "inputs" / "returns"),
    "eastern": (ROOT / "examples" / "eastern", ROOT / "examples" / "eastern"),
    "south_east": (ROOT / "examples" / "south-east", ROOT / "examples" / "south-east"),
}


def load_source(name: str):
    path = ROOT / "examples" / "source" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.RETURNS


def build(name: str, target: Path | None = None) -> list[Path]:
    cycle, default_target = CYCLES[name]
    target = target or default_target
    region = load_region(cycle / "region.toml")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for entry in load_source(name):
        path = target / entry["file"]
        workbook = build_return(region, entry["about"], entry["sheets"])
        save_workbook(workbook, path, when=entry["about"].get("Date submitted"))
        written.append(path)
    return written


def main() -> None:
    for name in CYCLES:
        for path in build(name):
            print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
