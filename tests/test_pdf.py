"""Both documents convert to PDF with headless LibreOffice (when it is installed)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_documents_convert_to_pdf(example_outputs, eastern_outputs, tmp_path):
    sources = [example_outputs / "ria-plan.docx", eastern_outputs / "regional-update.docx"]
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, sources)],
        check=True, capture_output=True, timeout=240,
    )
    # LibreOffice exits 0 even when a conversion fails: check the files.
    pages = {}
    for source in sources:
        pdf = tmp_path / f"{source.stem}.pdf"
        assert pdf.exists(), f"{source.name} did not convert"
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF")
        pages[source.stem] = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    # Section A; B; C over several pages; D. The update fits one or two pages.
    assert 5 <= pages["ria-plan"] <= 10, pages
    assert 1 <= pages["regional-update"] <= 2, pages
