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

# A sentence typed starting with "=" (a formula to Excel and LibreOffice), in
# each format LibreOffice saves: formula-as-text.xlsx/.ods/.xls. Made from a
# return whose Contribution A2 and Work programme C2 hold the formulas, and
# whose Indicators C2 holds a real formula with a result.
from openpyxl import load_workbook  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    region_file = Path(tmp) / "region.toml"
    region_file.write_text(SMALL_REGION + '[[indicator]]\nname = "Re-referrals"\n', encoding="utf-8")
    workbook = build_return(load_region(region_file), {
        "Network": "Commissioning Leads", "Period": "June 2024", "Completed by": "Sally Savage",
        "Date submitted": dt.date(2024, 6, 3),
    }, {
        "Contribution": [{"Contribution": "PLACEHOLDER-1"}, {"Contribution": "Plain text stays"}],
        "Work programme": [{"Theme": "A", "Activity": "PLACEHOLDER-2", "RAG": "Green"}],
        "Indicators": [{"LA": "Derby", "Indicator": "Re-referrals", "Value": "PLACEHOLDER-3"}],
    })
    source = Path(tmp) / "formula-as-text.xlsx"
    save_workbook(workbook, source, when=dt.date(2024, 6, 3))
    typed = load_workbook(source)
    typed["Contribution"]["A2"] = "=Adoption support fund bids coordinated regionally"
    typed["Work programme"]["C2"] = "=+ joint training"
    typed["Indicators"]["C2"] = "=40/2"
    typed.save(source)
    for target in ("xlsx", "ods", "xls"):
        filters = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "ods": "ods", "xls": "xls"}
        out = Path(tmp) / target
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to",
                        filters[target], "--outdir", str(out), str(source)], check=True, capture_output=True)
        (HERE / f"formula-as-text.{target}").write_bytes((out / f"formula-as-text.{target}").read_bytes())
print("made", sorted(p.name for p in HERE.iterdir() if p.name.startswith("formula-as-text")))

# Notes (comments) on cells, in each format LibreOffice saves: notes.xlsx/.ods/.xls.
from openpyxl.comments import Comment  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    region_file = Path(tmp) / "region.toml"
    region_file.write_text(SMALL_REGION, encoding="utf-8")
    workbook = build_return(load_region(region_file), {
        "Network": "Commissioning Leads", "Period": "June 2024", "Completed by": "Sally Savage",
        "Date submitted": dt.date(2024, 6, 3),
    }, {"Work programme": [{"Theme": "A", "Activity": "Joint purchasing"}]})
    source = Path(tmp) / "notes.xlsx"
    save_workbook(workbook, source, when=dt.date(2024, 6, 3))
    noted = load_workbook(source)
    noted["Work programme"]["C2"].comment = Comment("New activity: sufficiency audit (please add)", "Sally")
    noted["About"]["B5"].comment = Comment("Chair changes to Jo Bloggs from July", "Sally")
    noted.save(source)
    for target in ("xlsx", "ods", "xls"):
        filters = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "ods": "ods", "xls": "xls"}
        out = Path(tmp) / target
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to",
                        filters[target], "--outdir", str(out), str(source)], check=True, capture_output=True)
        (HERE / f"notes.{target}").write_bytes((out / f"notes.{target}").read_bytes())
print("made", sorted(p.name for p in HERE.iterdir() if p.name.startswith("notes")))
