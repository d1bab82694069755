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

# Two more returns, edited as a chair's program would leave them, then saved by
# LibreOffice in each format it saves: formula-as-text.* and notes.*.
from openpyxl import load_workbook  # noqa: E402
from openpyxl.comments import Comment  # noqa: E402

ABOUT = {"Network": "Commissioning Leads", "Period": "June 2024", "Completed by": "Sally Savage",
         "Date submitted": dt.date(2024, 6, 3)}
LIBREOFFICE_FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "ods": "ods", "xls": "xls"}


def saved_by_libreoffice(stem: str, region_text: str, sheets: dict, edit) -> None:
    """stem.xlsx/.ods/.xls here: a return with ``sheets``, changed by ``edit(workbook)``, saved by LibreOffice."""
    with tempfile.TemporaryDirectory() as tmp:
        region_file = Path(tmp) / "region.toml"
        region_file.write_text(region_text, encoding="utf-8")
        source = Path(tmp) / f"{stem}.xlsx"
        save_workbook(build_return(load_region(region_file), ABOUT, sheets), source, when=dt.date(2024, 6, 3))
        workbook = load_workbook(source)
        edit(workbook)
        workbook.save(source)
        for target, name in LIBREOFFICE_FILTERS.items():
            out = Path(tmp) / target
            subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to",
                            name, "--outdir", str(out), str(source)], check=True, capture_output=True)
            (HERE / f"{stem}.{target}").write_bytes((out / f"{stem}.{target}").read_bytes())
    print("made", sorted(p.name for p in HERE.iterdir() if p.name.startswith(stem)))


def typed_with_an_equals_sign(workbook) -> None:
    """Contribution A2 and Work programme C2: sentences typed starting with "=", formulas to Excel and
    LibreOffice; Indicators C2: a real formula with a result."""
    workbook["Contribution"]["A2"] = "=Adoption support fund bids coordinated regionally"
    workbook["Work programme"]["C2"] = "=+ joint training"
    workbook["Indicators"]["C2"] = "=40/2"


def with_notes(workbook) -> None:
    workbook["Work programme"]["C2"].comment = Comment("New activity: sufficiency audit (please add)", "Sally")
    workbook["About"]["B5"].comment = Comment("Chair changes to Jo Bloggs from July", "Sally")


saved_by_libreoffice("formula-as-text", SMALL_REGION + '[[indicator]]\nname = "Re-referrals"\n', {
    "Contribution": [{"Contribution": "PLACEHOLDER-1"}, {"Contribution": "Plain text stays"}],
    "Work programme": [{"Theme": "A", "Activity": "PLACEHOLDER-2", "RAG": "Green"}],
    "Indicators": [{"LA": "Derby", "Indicator": "Re-referrals", "Value": "PLACEHOLDER-3"}],
}, typed_with_an_equals_sign)
saved_by_libreoffice("notes", SMALL_REGION, {"Work programme": [{"Theme": "A", "Activity": "Joint purchasing"}]},
                     with_notes)
