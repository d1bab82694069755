"""PDFs and page previews of the documents, through LibreOffice and pdftoppm.

Both are outside programs: when one is missing the commands say so plainly
(ToolMissing) rather than fail, and everything else works without them.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .exceptions import ToolMissing

INSTALL_HINT = (
    "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui; "
    "Windows and macOS: libreoffice.org) and run the command again"
)
_MAC_SOFFICE = "/Applications/LibreOffice.app/Contents/MacOS/soffice"


def find_soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and Path(_MAC_SOFFICE).exists():
        found = _MAC_SOFFICE
    return found


def require_soffice(for_what: str = "no PDF can be made", alternative: str = ", or leave out --pdf") -> str:
    found = find_soffice()
    if found is None:
        raise ToolMissing(f"LibreOffice is not installed, so {for_what}: {INSTALL_HINT}{alternative}.")
    return found


def to_pdf(documents: dict[str, bytes]) -> dict[str, bytes]:
    """{"x.docx": bytes} -> {"x.pdf": bytes}, converted by headless LibreOffice."""
    soffice = require_soffice()
    with tempfile.TemporaryDirectory(prefix="ria-docs-pdf-") as tmp:
        folder = Path(tmp)
        sources = []
        for name, data in documents.items():
            (folder / name).write_bytes(data)
            sources.append(str(folder / name))
        # A profile of its own: a LibreOffice the user has open would otherwise take the job, or block it.
        command = [soffice, "--headless", "--norestore", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                   "--convert-to", "pdf", "--outdir", str(folder), *sources]
        try:
            subprocess.run(command, capture_output=True, timeout=300, check=False)
        except subprocess.TimeoutExpired:
            raise ToolMissing("LibreOffice took more than 5 minutes to make the PDFs and was stopped.") from None
        pdfs = {}
        for name in documents:
            pdf = folder / f"{Path(name).stem}.pdf"
            # LibreOffice exits 0 even when a conversion fails: the file is the only proof.
            if not pdf.exists():
                raise ToolMissing(f"LibreOffice did not convert {name} to PDF; try opening it in LibreOffice to see why.")
            pdfs[pdf.name] = pdf.read_bytes()
        return pdfs


def preview(outputs: Path, resolution: int = 80) -> dict[str, list[Path]]:
    """PNG pages of each document in ``outputs``, written to ``outputs/preview/``."""
    outputs = Path(outputs)
    documents = sorted(outputs.glob("*.docx"))
    if not documents:
        raise ToolMissing(f"{outputs}: no .docx documents here to preview; run ria-docs merge first.")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise ToolMissing(
            "pdftoppm (from poppler) is not installed, so no page images can be made: install poppler "
            "(Debian/Ubuntu: apt-get install poppler-utils; macOS: brew install poppler) and run it again."
        )
    require_soffice("no page images can be made", "")
    pdfs = to_pdf({path.name: path.read_bytes() for path in documents})
    target = outputs / "preview"
    target.mkdir(exist_ok=True)
    pages: dict[str, list[Path]] = {}
    with tempfile.TemporaryDirectory(prefix="ria-docs-preview-") as tmp:
        for document in documents:
            for old in target.glob(f"{document.stem}-*.png"):
                old.unlink()
            pdf = Path(tmp) / f"{document.stem}.pdf"
            pdf.write_bytes(pdfs[pdf.name])
            subprocess.run([pdftoppm, "-r", str(resolution), "-png", str(pdf), str(target / document.stem)],
                           check=True, capture_output=True, timeout=300)
            pages[document.name] = sorted(target.glob(f"{document.stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return pages
