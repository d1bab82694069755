"""Office Open XML packages (.docx, .xlsx) written reproducibly."""

from __future__ import annotations

import io
import re
import zipfile

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
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
