"""Reading generated documents back: text in document order, tables, cells."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def body(path: Path):
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("word/document.xml")).find(_q("body"))


def paragraph_text(p) -> str:
    parts = []
    for node in p.iter(_q("t"), _q("tab"), _q("br")):
        parts.append(node.text or "" if node.tag == _q("t") else ("\t" if node.tag == _q("tab") else "\n"))
    return "".join(parts)


def text_lines(path: Path) -> list[str]:
    """Every paragraph, in tables too, in document order (one line each)."""
    return [paragraph_text(p) for p in body(path).iter(_q("p"))]


def tables(path: Path) -> list:
    return body(path).findall(_q("tbl"))


def rows(table) -> list:
    return table.findall(_q("tr"))


def cells(row) -> list:
    return row.findall(_q("tc"))


def cell_text(tc) -> str:
    return "\n".join(paragraph_text(p) for p in tc.findall(_q("p")))


def cell_prop(tc, name: str) -> str | None:
    """The w:val (or w:fill for shd) of a cell property, None when absent."""
    node = tc.find(f"w:tcPr/w:{name}", NS)
    if node is None:
        return None
    attr = "fill" if name == "shd" else "val"
    return node.get(_q(attr), "") if node.get(_q(attr)) is not None else ""


def table_after(path: Path, heading_start: str, skip: int = 0):
    """The first table (or, with ``skip``, a later one) after the heading starting with ``heading_start``."""
    seen = False
    for child in body(path):
        is_heading = child.tag == _q("p") and (paragraph_style(child) or "").startswith("Heading")
        if is_heading and paragraph_text(child).startswith(heading_start):
            seen = True
        elif seen and child.tag == _q("tbl"):
            if not skip:
                return child
            skip -= 1
    raise AssertionError(f"no table after {heading_start!r}")


def paragraph_style(p) -> str | None:
    style = p.find("w:pPr/w:pStyle", NS)
    return style.get(_q("val")) if style is not None else None


def squash(text: str) -> str:
    """Text with bullet/tick glyphs and all whitespace removed, for comparison."""
    text = text.replace("[bookmark: _GoBack]", "")
    return re.sub(r"[\s·●•]+", "", text)


def page_layout(path: Path) -> list[dict]:
    """Each section of a document, in order: its orientation, how it starts, the first
    Heading 1 in it, and the first-row text of each of its tables.

    What a reader sees of the page layout, told apart from styles: a restyle changes none of it.
    """
    sections, current = [], {"heading": None, "tables": []}
    for element in body(path):
        tag = etree.QName(element).localname
        if tag == "tbl":
            first_row = element.find("w:tr", NS)
            current["tables"].append(" | ".join(cell_text(tc) for tc in cells(first_row)) if first_row is not None else "")
        elif tag == "p" and current["heading"] is None and paragraph_style(element) in ("Heading1", "Heading 1"):
            current["heading"] = paragraph_text(element)
        properties = element if tag == "sectPr" else element.find("w:pPr/w:sectPr", NS)
        if properties is not None:
            size = properties.find("w:pgSz", NS)
            wide = int(size.get(_q("w"))) > int(size.get(_q("h")))
            start = properties.find("w:type", NS)
            current |= {"orientation": "landscape" if wide else "portrait",
                        "start": start.get(_q("val")) if start is not None else "nextPage"}
            sections.append(current)
            current = {"heading": None, "tables": []}
    return sections
