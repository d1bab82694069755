"""Office Open XML packages (.docx, .xlsx) written reproducibly, and valid.

Word and Excel read properties in any order, but the schema (and Microsoft's
Open XML SDK validator) fixes one, and some readers follow the schema: so
properties that docxtpl or openpyxl write out of order are put back in
schema order here (order_children for a tree, order_properties_xml for the
text of a rendered body, order_styles for an openpyxl workbook's styles).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree
    from openpyxl.cell.cell import Cell

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Excel's escape for characters XML cannot hold, _xHHHH_; readers decode it, so
# text that happens to look like one is written with its underscore escaped.
_LOOKS_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def put_text(cell: Cell, value: str) -> None:
    """Write text into an openpyxl cell as text, whatever it holds: never a
    formula ("=...", "+...", "@..."), and an "_x0041_" a person typed reads
    back as typed, not as "A"."""
    cell.value = _LOOKS_ESCAPED.sub(r"_x005F_x\1_", value)
    cell.data_type = "s"


# Schema sequences (as the Open XML SDK validates them, Microsoft365), by local name.
# CT_TcPr: a table cell's properties; docxtpl's {% cellbg %} puts w:shd first.
TC_PR = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
         "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
         "tcPrChange")
# CT_Font (xl/styles.xml): a choice in ECMA-376, a sequence to the SDK; openpyxl writes name first.
FONT = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color",
        "name", "family", "charset", "scheme")


# CT_PPr: a paragraph's properties.
P_PR = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
        "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
        "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
        "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
        "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")


# CT_RPr: a run's properties.
R_PR = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
        "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
        "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
        "em", "lang", "eastAsianLayout", "specVanish", "oMath", "rPrChange")


def insert_in_order(parent: etree._Element, child: etree._Element, sequence: tuple[str, ...]) -> etree._Element:
    """Add ``child`` to ``parent`` where ``sequence`` (local names) puts it: before the first
    child that comes later in it; children it does not name count as coming last."""
    place = sequence.index(child.tag.split("}")[-1])
    for index, existing in enumerate(parent):
        name = existing.tag.split("}")[-1] if isinstance(existing.tag, str) else ""  # a comment's tag is not
        if (sequence.index(name) if name in sequence else len(sequence)) > place:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def order_children(element: etree._Element, sequence: tuple[str, ...]) -> bool:
    """Put an lxml element's children in ``sequence`` order (by local name);
    True if it moved any. An element holding a child the sequence does not
    name (a comment, an extension) is left as it is: where it belongs is unknown."""
    children = list(element)
    namespace = element.tag[: element.tag.find("}") + 1]  # the sequence's names are in the parent's namespace
    rank = {namespace + name: index for index, name in enumerate(sequence)}
    found = [rank.get(child.tag) for child in children]  # a comment's tag is a function: not ranked
    ranks = [r for r in found if r is not None]
    if len(ranks) < len(found) or ranks == sorted(ranks):
        return False
    tails = [child.tail for child in children]  # whitespace between children stays where it was
    ordered = [child for _, child in sorted(zip(ranks, children, strict=True), key=lambda pair: pair[0])]
    for child, tail in zip(ordered, tails, strict=True):
        element.append(child)  # append moves it: the children end up in the new order
        child.tail = tail
    return True


# One child of a properties element, in the text of a rendered part: an empty
# element or one with content (w:tcBorders). Properties never nest their own tag
# but w:tcPrChange's w:tcPr; a block holding one does not split into children
# and is left alone.
_CHILD = re.compile(r"<w:([A-Za-z]+)(?:\s[^>]*)?(?:/>|>.*?</w:\1>)", re.S)


def order_properties_xml(xml: str, tag: str, sequence: tuple[str, ...]) -> str:
    """The text of a WordprocessingML part with the children of every
    ``<w:TAG>...</w:TAG>`` in ``sequence`` order.

    For a rendered body kept as text (it can be 27 MB): only those blocks are
    looked at, each distinct block once (a body repeats a few dozen kinds of
    cell thousands of times), and one is rebuilt only when it is out of order
    and is nothing but children the sequence names."""
    opening, closing = f"<w:{tag}>", f"</w:{tag}>"
    rank = {name: index for index, name in enumerate(sequence)}
    done: dict[str, str | None] = {}  # a block's text -> its children in order, None when they are already
    pieces = xml.split(opening)  # str.split and a dict beat a regex callback per block by five times
    changed = False
    for index in range(1, len(pieces)):
        piece = pieces[index]
        end = piece.find(closing)
        if end < 0:  # an outer block holding a nested one (w:tcPrChange): not split into children
            continue
        content = piece[:end]
        if content in done:
            ordered = done[content]
        else:
            ordered = _in_order(content, rank)
            ordered = done[content] = None if ordered is content else ordered
        if ordered is not None:
            pieces[index] = ordered + piece[end:]
            changed = True
    return opening.join(pieces) if changed else xml


def _in_order(content: str, rank: dict[str, int]) -> str:
    """One block's children in order; the same string when they are, or when
    it holds text, a comment or an element ``rank`` does not name."""
    children, ranks, position = [], [], 0
    for child in _CHILD.finditer(content):
        if child.start() != position or child.group(1) not in rank:
            return content
        children.append(child.group(0))
        ranks.append(rank[child.group(1)])
        position = child.end()
    if position != len(content) or ranks == sorted(ranks):
        return content
    return "".join(child for _, child in sorted(zip(ranks, children, strict=True), key=lambda pair: pair[0]))


_SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def order_styles(content: bytes) -> bytes:
    """xl/styles.xml with every font's children in schema order (cell fonts and
    conditional-format fonts alike); the bytes unchanged when already so."""
    from lxml import etree

    root = etree.fromstring(content)
    changed = False
    for font in root.iter(f"{{{_SPREADSHEET_NS}}}font"):
        changed |= order_children(font, FONT)
    if not changed:
        return content
    if content.lstrip().startswith(b"<?xml"):  # lxml's standalone=None (no attribute) is its default
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return etree.tostring(root, xml_declaration=False, encoding="UTF-8")



_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def normalise_zip(data: bytes, core_date: str | None = None) -> bytes:
    """Rewrite a package so its bytes depend only on its content.

    Entry times are fixed, a workbook's styles put in schema order
    (order_styles); with ``core_date`` (ISO, e.g. 2019-12-02T00:00:00Z)
    the created/modified stamps that writers set to "now" are replaced too.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if core_date and info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(rb"\g<1>" + core_date.encode() + rb"\g<2>", content)
            elif info.filename == "xl/styles.xml":  # openpyxl writes a font's name first, not its bold and size
                content = order_styles(content)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()
