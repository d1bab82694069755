"""Office Open XML packages (.docx, .xlsx) written reproducibly."""

from __future__ import annotations

import io
import re
import zipfile

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Excel's escape for characters XML cannot hold, _xHHHH_; readers decode it, so
# text that happens to look like one is written with its underscore escaped.
_LOOKS_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def put_text(cell, value: str) -> None:
    """Write text into an openpyxl cell as text, whatever it holds: never a
    formula ("=...", "+...", "@..."), and an "_x0041_" a person typed reads
    back as typed, not as "A"."""
    cell.value = _LOOKS_ESCAPED.sub(r"_x005F_x\1_", value)
    cell.data_type = "s"
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def normalise_zip(data: bytes, core_date: str | None = None) -> bytes:
    """Rewrite a package so its bytes depend only on its content.

    Entry times are fixed; with ``core_date`` (ISO, e.g. 2019-12-02T00:00:00Z)
    the created/modified stamps that writers set to "now" are replaced too.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if core_date and info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(rb"\g<1>" + core_date.encode() + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()
