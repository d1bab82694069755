"""A Word document as ria-docs reads one back: blocks in order, each a paragraph (its own text,
style and whether it is a list item) or a table (a grid of cells, a merged cell the same object in
each place it covers). Read with lxml from python-docx's public ``document.element``; text boxes,
drawings' fallback copies and text moved or deleted with changes tracked are not a paragraph's own.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .exceptions import PlanDocumentError
from .text import clean_text

if TYPE_CHECKING:
    from lxml import etree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")  # text extraction's leftovers, pasted back in
# A bullet glyph, or a dash or star and a space ("-5%" is a figure, not a bullet).
_TYPED_BULLET = re.compile(r"^(?:[\u2022\u00b7\u25aa\u25ab\u25e6\u2023\u2219\uf0b7]\s*|[-\u2013\u2014*]\s+)(?=\S)")


@dataclass
class Para:
    text: str
    style: str  # the style's name ("List Bullet"), "" for the default
    listed: bool  # a Word list paragraph (numbering, or a list style)
    boxes: list[str] = field(default_factory=list)  # the text of text boxes anchored in it (not its own text)


@dataclass(eq=False)
class Cell:
    paragraphs: list[Para]
    row: int  # 1-based, as the report names them
    column: int
    fill: str | None = None  # its shading ("FF0000"), where it has one
    nested: list[str] = field(default_factory=list)  # a table inside it, a row a line ("Milestone | Date")

    @property
    def lines(self) -> list[str]:
        """Its text as items: a line each, bullets typed before them ("•", "·", "-") taken off;
        letters and numbers ("a)", "1.") are the text's own and stay."""
        items = []
        for para in self.paragraphs:
            for line in para.text.split("\n"):
                item = _TYPED_BULLET.sub("", line.strip()).strip()
                if item:
                    items.append(item)
        return items

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def items(self) -> list[str]:
        """Its lines, and a table inside it as a line a row."""
        return self.lines + self.nested

    @property
    def shown(self) -> str:
        """Its text as it stands, markers and all (a tick cell's "●" is its content)."""
        return " ".join(" ".join(p.text.split()) for p in self.paragraphs if p.text.strip())


_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Text that is not the paragraph's own: a text box's, the fallback copy of a drawing, text moved or deleted
# with changes tracked.
_NOT_ITS_OWN = {f"{_W}txbxContent", f"{_MC}Fallback", f"{_W}moveFrom", f"{_W}del"}
# Symbols from Word's Insert > Symbol (Wingdings and the like), as the characters they show.
_SYMBOLS = {"F0FC": "✓", "F0FE": "☒", "F0FD": "☒", "F0FB": "✗", "F0A8": "☐", "F06F": "☐", "F06C": "●",
            "F09F": "•", "F0A7": "▪", "F0D6": "✓", "F0D5": "✗", "F050": "✓", "F04F": "✗"}


def _own(node: etree._Element, p: etree._Element) -> bool:
    """Whether ``node`` is the paragraph's own text (not in a text box, a drawing's fallback, a move)."""
    parent = node.getparent()
    while parent is not None and parent is not p:
        if parent.tag in _NOT_ITS_OWN:
            return False
        parent = parent.getparent()
    return True


def _paragraph(p: etree._Element, style_names: dict[str, str]) -> Para:
    parts = []
    for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}sym"):
        if not _own(node, p):
            continue
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        else:  # a symbol: its character, as far as it is known
            parts.append(_SYMBOLS.get((node.get(f"{_W}char") or "").upper(), "?"))
    boxes = []
    for box in p.iter(f"{_W}txbxContent"):
        if not any(a.tag == f"{_MC}Fallback" for a in box.iterancestors()):
            text = " ".join(" ".join((t.text or "") for t in q.iter(f"{_W}t")) for q in box.iter(f"{_W}p")).strip()
            if text:
                boxes.append(" ".join(text.split()))
    style = p.find(f"{_W}pPr/{_W}pStyle")
    style_name = style_names.get(style.get(f"{_W}val", ""), "") if style is not None else ""
    listed = p.find(f"{_W}pPr/{_W}numPr") is not None or "list" in style_name.lower()
    text = clean_text(_BOOKMARK.sub("", "".join(parts))).text
    return Para(text, style_name, listed, boxes)


def _cell(tc: etree._Element, style_names: dict[str, str], row: int, column: int) -> Cell:
    """A table cell: its own paragraphs (a table inside it is read a row a line), and its shading."""
    paragraphs, nested = [], []
    for child in tc:
        if child.tag == f"{_W}p":
            paragraphs.append(_paragraph(child, style_names))
        elif child.tag == f"{_W}tbl":
            for inner in _table(child, style_names):
                line = " | ".join(c.text for c in distinct([inner]) if c.text)
                if line:
                    nested.append(line)
        elif child.tag == f"{_W}sdt":
            paragraphs += [_paragraph(q, style_names) for q in child.iter(f"{_W}p")]
    shading = tc.find(f"{_W}tcPr/{_W}shd")
    fill = shading.get(f"{_W}fill") if shading is not None else None
    return Cell(paragraphs, row, column, fill if fill and fill.lower() != "auto" else None, nested)


def _table(tbl: etree._Element, style_names: dict[str, str]) -> list[list[Cell]]:
    """The table as rows of cells, one per grid column: a cell spanning columns, or merged down
    from the row above, is the same Cell in each place it covers."""
    rows: list[list[Cell]] = []
    for number, tr in enumerate(tbl.iter(f"{_W}tr"), start=1):
        if tr.getparent() is not tbl:
            continue  # a row of a table nested in a cell
        row: list[Cell] = []
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        row += [Cell([], number, c + 1) for c in range(int(before.get(f"{_W}val", "0")) if before is not None else 0)]
        for tc in tr.findall(f"{_W}tc"):
            span_element = tc.find(f"{_W}tcPr/{_W}gridSpan")
            span = int(span_element.get(f"{_W}val", "1")) if span_element is not None else 1
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            above = rows[-1][len(row)] if rows and len(rows[-1]) > len(row) else None
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue" and above is not None:
                cell = above
            else:
                cell = _cell(tc, style_names, number, len(row) + 1)
            row += [cell] * span
        rows.append(row)
    return rows


def blocks(body: etree._Element, style_names: dict[str, str]) -> Iterator[Para | list[list[Cell]]]:
    for child in body:
        if child.tag == f"{_W}p":
            yield _paragraph(child, style_names)
        elif child.tag == f"{_W}tbl":
            rows = child.findall(f"{_W}tr")
            cells = rows[0].findall(f"{_W}tc") if len(rows) == 1 else []
            if len(cells) == 1 and cells[0].find(f"{_W}tbl") is not None:
                yield from blocks(cells[0], style_names)  # a one-cell table laying out what is inside it
            else:
                yield _table(child, style_names)
        elif child.tag == f"{_W}sdt":  # a content control (a contents list, say): its paragraphs
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from blocks(content, style_names)


# -- opening --------------------------------------------------------------------------------------------

def open_document(path: Path) -> tuple[etree._Element, dict[str, str]]:
    import docx

    what = "an RIA plan saved as a Word document (.docx)"
    try:
        head = path.read_bytes()[:8]
    except FileNotFoundError:
        raise PlanDocumentError(f"{path}: no such file. Give {what}.") from None
    except OSError as exc:
        raise PlanDocumentError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if not head:
        raise PlanDocumentError(f"{path}: is empty (0 bytes). Give {what}.")
    if head.startswith(bytes.fromhex("D0CF11E0A1B11AE1")) and "EncryptedPackage".encode("utf-16-le") in \
            path.read_bytes()[:1 << 20]:
        raise PlanDocumentError(f"{path}: is protected with a password, so it cannot be read. Open it in Word, "
                                "remove the password (File > Info > Protect Document), save it and import that.")
    if head.startswith(bytes.fromhex("D0CF11E0A1B11AE1")):
        raise PlanDocumentError(f"{path}: is an old Word document (.doc). Open it in Word or LibreOffice and save it "
                                "as a Word Document (.docx), then import that.")
    if not zipfile.is_zipfile(path):
        raise PlanDocumentError(f"{path}: is not a Word document. Give {what}.")
    try:
        document = docx.Document(str(path))
    except Exception:  # noqa: BLE001 - python-docx raises many kinds for a package that is not a document
        raise PlanDocumentError(f"{path}: could not be opened as a Word document. Give {what}.") from None
    names = {style.style_id: style.name or "" for style in document.styles}
    return document.element.body, names


def distinct(rows: list[list[Cell]]) -> list[Cell]:
    seen: set[int] = set()
    cells = []
    for row in rows:
        for cell in row:
            if id(cell) not in seen:
                seen.add(id(cell))
                cells.append(cell)
    return cells
