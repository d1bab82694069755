"""Make the files in this folder: one return saved in the formats chairs send.

    python tests/data/formats/make.py   (needs LibreOffice, and msoffcrypto-tool for the encrypted one)

return.xlsx is a Commissioning Leads return for the tests' small region
(tests/conftest.py SMALL_REGION); LibreOffice saves it as return.xls and
return.ods; msoffcrypto-tool encrypts it (password "secret") as
password-protected.xlsx.
"""

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from conftest import SMALL_REGION  # noqa: E402

from ria_docs.region import load_region  # noqa: E402
from ria_docs.workbook import build_return, save_workbook  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    region_file = Path(tmp) / "region.toml"
    region_file.write_text(SMALL_REGION, encoding="utf-8")
    workbook = build_return(load_region(region_file), {
        "Network": "Commissioning Leads", "Period": "June 2024", "Completed by": "Sally Savage",
        "Date submitted": dt.date(2024, 6, 3),
    }, {
        "Work programme": [{"Theme": "A", "Activity": "Joint purchasing\nShared framework", "RAG": "Amber", "SDSA": "Yes"}],
        "LA support": [{"LA": "Rutland", "Support needed": "Sufficiency strategy"}],
    })
    save_workbook(workbook, HERE / "return.xlsx", when=dt.date(2024, 6, 3))
for target in ("xls", "ods"):
    subprocess.run(["soffice", "--headless", "--convert-to", target, "--outdir", str(HERE), str(HERE / "return.xlsx")],
                   check=True, capture_output=True)
    assert (HERE / f"return.{target}").exists(), target

from msoffcrypto.format.ooxml import OOXMLFile  # noqa: E402

with open(HERE / "return.xlsx", "rb") as plain, open(HERE / "password-protected.xlsx", "wb") as locked:
    OOXMLFile(plain).encrypt("secret", locked)
print("made", sorted(p.name for p in HERE.iterdir() if p.suffix != ".py"))
