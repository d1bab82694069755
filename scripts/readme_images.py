"""Render the README's pictures, through LibreOffice.

    python scripts/readme_images.py

Needs LibreOffice (soffice) and poppler (pdftoppm). Issues the Commissioning
Leads return pre-filled from a merge of inputs/, prints it to PDF as Calc
would, and crops the Instructions and Work programme pages into docs/images/;
then takes pages of the documents from `ria-docs preview` of the two example
merges (the first page of Sections B and C, the Eastern update and its tartan rug,
the South East's update of prose and numbered priorities).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from ria_docs.pdf import preview  # noqa: E402
from ria_docs.pipeline import merge_folder  # noqa: E402
from ria_docs.returns import issue_returns  # noqa: E402

IMAGES = ROOT / "docs" / "images"
# (page, crop x, y, width, height at 100 dpi, file)
CROPS = [(1, 40, 40, 760, 480, "return-instructions.png"), (4, 60, 60, 1020, 180, "return-work-programme.png")]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        merge_folder(ROOT / "inputs", work / "out", templates=ROOT / "templates")
        [path] = issue_returns(ROOT / "inputs", work / "returns", networks=["Commissioning Leads"],
                               from_plan=work / "out" / "plan.json").written
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(path)],
                       check=True, capture_output=True)
        pdf = work / f"{path.stem}.pdf"
        if not pdf.exists():
            sys.exit("LibreOffice did not convert the workbook")
        IMAGES.mkdir(parents=True, exist_ok=True)
        for page, x, y, width, height, name in CROPS:
            prefix = work / name.removesuffix(".png")
            subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                            "-x", str(x), "-y", str(y), "-W", str(width), "-H", str(height), str(pdf), str(prefix)],
                           check=True)
            (IMAGES / name).write_bytes(prefix.with_suffix(".png").read_bytes())
            print(f"wrote docs/images/{name}")
        merge_folder(ROOT / "examples" / "eastern", work / "eastern", templates=ROOT / "templates")
        merge_folder(ROOT / "examples" / "south-east", work / "south-east", templates=ROOT / "templates")
        plan_pages = preview(work / "out", resolution=70)["ria-plan.docx"]
        update_pages = preview(work / "eastern", resolution=70)["regional-update.docx"]
        prose_pages = preview(work / "south-east", resolution=70)["regional-update.docx"]
        for page, name in [(plan_pages[1], "plan-section-b.png"), (plan_pages[2], "plan-section-c.png"),
                           (update_pages[0], "regional-update.png"), (update_pages[1], "tartan-rug.png"),
                           (prose_pages[0], "regional-update-prose.png")]:
            (IMAGES / name).write_bytes(page.read_bytes())
            print(f"wrote docs/images/{name}")


def report_screenshot() -> None:
    """report.html of the example round with one return wrong and one missing, as Chromium shows it
    (needs selenium, chromium and chromium-driver)."""
    import shutil

    import openpyxl
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    from ria_docs.pipeline import check_folder, report_page

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        merge_folder(ROOT / "inputs", work / "december", templates=ROOT / "templates")
        shutil.copytree(ROOT / "inputs", work / "round")
        (work / "round" / "returns" / "participation-leads.xlsx").unlink()
        path = work / "round" / "returns" / "commissioning-leads.xlsx"
        workbook = openpyxl.load_workbook(path)
        workbook["Work programme"]["D2"], workbook["Work programme"]["A3"] = "Purple", "Z"
        workbook.save(path)
        page = work / "report.html"
        page.write_text(report_page(check_folder(work / "round", baseline=work / "december" / "plan.json")),
                        encoding="utf-8")
        options = Options()
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1000,1300"):
            options.add_argument(argument)
        options.binary_location = shutil.which("chromium") or "chromium"
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
        try:
            driver.get(page.as_uri())
            driver.save_screenshot(str(IMAGES / "report-html.png"))
        finally:
            driver.quit()
        print("wrote docs/images/report-html.png")


if __name__ == "__main__":
    main()
    report_screenshot()
