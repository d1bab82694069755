"""Page layout of tables with vertically merged cells (Section C's themes).

Word and LibreOffice draw a merged cell's text only on the page where the merge
starts, so a theme whose rows run onto a new page leaves that page with blank
Theme and Outcome cells. Here:

- every group of rows joined by a vertically merged cell is kept on one page
  (``w:keepNext`` on the paragraphs of all its rows but the last, and
  ``w:cantSplit`` on its rows), and
- a group estimated taller than a page is first cut into chunks that each fit,
  each chunk restarting the merge with a copy of the first row's text marked
  " (continued)", so every page names its theme.

Heights are estimated from the table alone (the text path has no styles.xml):
see ``_Estimator`` for how, and ``FITS_MARGIN`` for how close is "fits".

Three entry points: ``keep_merged_rows_together`` for one ``w:tbl`` element,
``keep_tables_together_tree`` for a parsed body and ``keep_tables_together``
for a body kept as text, where only the tables holding a merge are parsed.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator, Set
from typing import TYPE_CHECKING

from lxml import etree

from .ooxml import P_PR, insert_in_order

if TYPE_CHECKING:
    _RowGrid = list[tuple[int, int, etree._Element]]  # _grid_of_row of one row: (grid column, span, tc)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
_W = f"{{{W_NS}}}"

CONTINUED = " (continued)"

# Measured against LibreOffice's pages (the example plan, and a theme of 40
# long activities), the estimate came out between 2% under and 7% over the
# real heights, mostly 2-5% over. So:
# - a group estimated up to FITS_MARGIN over the usable height is kept whole:
#   at that distance it most likely fits, and a theme that fits must not be
#   split (if it does not, its last rows run onto the next page unnamed);
# - the chunks of a group that is split are packed to CHUNK_FILL of the usable
#   height, so a chunk overruns its page only if the estimate is 5% low, more
#   than was ever seen: every page of a long theme names it.
FITS_MARGIN = 0.05
CHUNK_FILL = 0.95

# Where the table states nothing, the values of the shipped templates' table
# styles (Table Text: Arial 9 pt, 2 pt after; Table Grid: 108-twip side margins).
DEFAULT_HALF_POINTS = 18
DEFAULT_AFTER_TWIPS = 40
DEFAULT_SIDE_MARGIN_TWIPS = 108
# A list paragraph's indent comes from numbering or styles the table does not
# show: assume a generous one (Table Bullet's is 255 twips).
LIST_INDENT_TWIPS = 360
LINE_EM = 1.15  # single spacing: Arial's ascent, descent and gap (LibreOffice: 10.35 pt at 9 pt)
BOLD_FACTOR = 1.08  # Arial Bold's letters are about 7% wider than regular
ROW_OVERHEAD_PT = 1.0  # a 0.5 pt border and rounding
# Styles the table cannot see into, guessed from their names.
_LIST_STYLE = re.compile("bullet|list", re.I)
_BOLD_STYLE = re.compile("heading|title|strong", re.I)
_WORDS = re.compile(r"[ \n]")
# A4 portrait, 1-inch margins: the page when no sectPr follows the table.
DEFAULT_PAGE = (16838, 1440, 1440)

# Helvetica/Arial advance widths, in thousandths of an em, for ASCII 32-126.
_ARIAL = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]
_OTHER_WIDTH = 667  # any other character: as wide as a capital, to err high



_TAGS = {name: f"{_W}{name}" for name in (
    "trPr", "tcPr", "pPr", "rPr", "gridBefore", "gridSpan", "vMerge", "tblHeader", "tcW", "tcMar", "pStyle",
    "ind", "numPr", "sz", "b", "spacing", "trHeight", "tblGrid", "tblPr", "tblCellMar", "pgSz", "pgMar")}


def _get(node: etree._Element, *names: str) -> etree._Element | None:
    """The child of ``node`` at names[0], its child at names[1]...; None where one is missing.
    (A plain loop: find parses a path each call, three times slower, and this runs
    about a hundred times a row; a national plan's Section C has ten thousand rows.)"""
    for name in names:
        tag = _TAGS[name] if name in _TAGS else f"{_W}{name}"
        for child in node:
            if child.tag == tag:
                node = child
                break
        else:
            return None
    return node


def _props(node: etree._Element, name: str) -> dict[str, etree._Element]:
    """The children of node's properties element (tcPr, pPr, rPr: always its first
    child when present), by tag: one pass where each property looked up would be one."""
    tag = _TAGS[name]
    for child in node:
        if child.tag == tag:
            return {c.tag: c for c in child}
        break
    return {}


def _int(node: etree._Element | None, attribute: str = "val", default: int = 0) -> int:
    if node is None:
        return default
    value = node.get(f"{_W}{attribute}")
    try:
        return int(float(value)) if value is not None else default
    except ValueError:
        return default


def _on(node: etree._Element | None) -> bool:
    """A toggle property (w:b, w:tblHeader...) that is present and not switched off."""
    return node is not None and node.get(f"{_W}val", "true") not in ("0", "false", "off")


# -- the table's structure ------------------------------------------------------------


class _Merge:
    """One vertically merged cell: grid column and span, first and last row (table indexes)."""

    def __init__(self, column: int, span: int, start: int, cell: etree._Element) -> None:
        self.column, self.span, self.start, self.end, self.cell = column, span, start, start, cell


def _grid_of_row(row: etree._Element) -> _RowGrid:
    """(grid column, span, tc) for each cell of a row."""
    position = _int(_get(row, "trPr", "gridBefore"))
    found = []
    for cell in row.iterchildren(f"{_W}tc"):
        span = max(_int(_get(cell, "tcPr", "gridSpan"), default=1), 1)
        found.append((position, span, cell))
        position += span
    return found


def _vmerge(cell: etree._Element) -> str | None:
    """"restart", "continue" (bare or explicit) or None."""
    node = _get(cell, "tcPr", "vMerge")
    if node is None:
        return None
    return "restart" if node.get(f"{_W}val") == "restart" else "continue"


def _header_count(rows: list[etree._Element]) -> int:
    count = 0
    for row in rows:
        if not _on(_get(row, "trPr", "tblHeader")):
            break
        count += 1
    return count


def _merges(grid: list[_RowGrid], first: int, last: int) -> list[_Merge]:
    """The merges among rows first..last-1 that join two rows or more, in order of start.
    ``grid`` is _grid_of_row of each row of the table."""
    open_: dict[int, _Merge] = {}
    found: list[_Merge] = []
    for index in range(first, last):
        seen = set()
        for column, span, cell in grid[index]:
            seen.add(column)
            kind = _vmerge(cell)
            if kind == "restart":
                open_[column] = _Merge(column, span, index, cell)
                found.append(open_[column])
            elif kind == "continue" and column in open_ and open_[column].end == index - 1:
                open_[column].end = index
            else:
                open_.pop(column, None)
        for column in list(open_):
            if column not in seen:  # a row with no cell at that column ends the merge
                del open_[column]
    return [m for m in found if m.end > m.start]


def _groups(merges: list[_Merge]) -> list[tuple[int, int, list[_Merge]]]:
    """Runs of rows joined by overlapping merges: (first row, last row, merges)."""
    groups: list[list] = []
    for merge in sorted(merges, key=lambda m: m.start):
        if groups and merge.start <= groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], merge.end)
            groups[-1][2].append(merge)
        else:
            groups.append([merge.start, merge.end, [merge]])
    return [tuple(g) for g in groups]


# -- height estimates -------------------------------------------------------------------


_WIDTHS = {chr(32 + index): width for index, width in enumerate(_ARIAL)}


@functools.lru_cache(maxsize=1 << 16)  # words repeat: a plan has far fewer distinct words than words
def _ems(text: str) -> float:
    return sum(_WIDTHS.get(c, _OTHER_WIDTH) for c in text) / 1000


def _text_width(text: str, half_points: int, bold: bool) -> float:
    """Width in twips of a piece of text, with Arial's advance widths."""
    return _ems(text) * half_points * 10 * (BOLD_FACTOR if bold else 1)


class _Estimator:
    """Conservative heights, in twips, of a table's rows.

    Each paragraph is wrapped word by word into its cell's width (tcW, else the
    grid columns it spans, less the side margins and a list indent), with
    Arial's letter widths at the run's size (w:sz, else 9 pt); a line is 1.15
    times the largest size on it, plus the paragraph's spacing (else 2 pt
    after). A cell is the sum of its paragraphs; a row its tallest cell that is
    not part of a merge, at least its trHeight; a merged cell's text that is
    taller than its rows makes its last row grow, as Word and LibreOffice do.
    """

    def __init__(self, table: etree._Element) -> None:
        grid = _get(table, "tblGrid")
        self.grid = [_int(col, "w") for col in grid.findall(f"{_W}gridCol")] if grid is not None else []
        margins = _get(table, "tblPr", "tblCellMar")
        self.side = self._margins(margins, ("left", "start"), DEFAULT_SIDE_MARGIN_TWIPS) + self._margins(
            margins, ("right", "end"), DEFAULT_SIDE_MARGIN_TWIPS)
        self.vertical = self._margins(margins, ("top",), 0) + self._margins(margins, ("bottom",), 0)

    @staticmethod
    def _margins(margins: etree._Element | None, names: tuple[str, ...], default: int) -> int:
        if margins is None:
            return default
        for name in names:
            node = _get(margins, name)
            if node is not None and node.get(f"{_W}type", "dxa") == "dxa":
                return _int(node, "w")
        return default

    def width(self, column: int, span: int, cell: etree._Element,
              props: dict[str, etree._Element] | None = None) -> int:

        node = (_props(cell, "tcPr") if props is None else props).get(f"{_W}tcW")
        if node is not None and node.get(f"{_W}type", "dxa") == "dxa" and _int(node, "w") > 0:
            return _int(node, "w")
        grid = sum(self.grid[column:column + span])
        return grid or 2000  # no width anywhere: a narrow column, to err high

    def cell(self, column: int, span: int, cell: etree._Element, blocks: list[etree._Element] | None = None) -> float:
        """The height of a cell, or of ``blocks`` (paragraphs) put in it."""
        props = _props(cell, "tcPr")
        width = self.width(column, span, cell, props)
        margins = props.get(f"{_W}tcMar")
        side = self.side if margins is None else (
            self._margins(margins, ("left", "start"), self.side // 2)
            + self._margins(margins, ("right", "end"), self.side // 2))
        usable = max(width - side, 200)
        blocks = [b for b in cell if b.tag != f"{_W}tcPr"] if blocks is None else blocks
        height = float(self.vertical)
        for block in blocks:
            for paragraph in block.iter(f"{_W}p"):  # nested tables: their paragraphs, stacked
                height += self.paragraph(paragraph, usable)
        return height

    def paragraph(self, paragraph: etree._Element, usable: int) -> float:
        ppr = _props(paragraph, "pPr")
        style = ppr.get(f"{_W}pStyle")
        style_name = style.get(f"{_W}val", "") if style is not None else ""
        indent = 0
        ind = ppr.get(f"{_W}ind")
        if ind is not None:
            indent = max(_int(ind, "left") or _int(ind, "start"), 0) + max(_int(ind, "right") or _int(ind, "end"), 0)
        elif f"{_W}numPr" in ppr or _LIST_STYLE.search(style_name):
            indent = LIST_INDENT_TWIPS
        width = max(usable - indent, 200)
        styled_bold = bool(_BOLD_STYLE.search(style_name))
        mark = ppr.get(f"{_W}rPr")
        mark_size = _int(_get(mark, "sz") if mark is not None else None, default=DEFAULT_HALF_POINTS)

        lines: list[int] = []  # the largest size on each finished line, in half-points
        line_width, line_size, has_word = 0.0, 0, False

        def break_line() -> None:
            nonlocal line_width, line_size, has_word
            lines.append(line_size or mark_size)
            line_width, line_size, has_word = 0.0, 0, False

        for run in paragraph.iter(f"{_W}r"):
            rpr = _props(run, "rPr")
            size = _int(rpr.get(f"{_W}sz"), default=DEFAULT_HALF_POINTS)
            bold = styled_bold or _on(rpr.get(f"{_W}b"))
            for node in run:
                if node.tag in (f"{_W}br", f"{_W}cr"):
                    break_line()
                    continue
                text = "    " if node.tag == f"{_W}tab" else node.text or "" if node.tag == f"{_W}t" else None
                if text is None:
                    continue
                for index, word in enumerate(_WORDS.split(text)):
                    if index and has_word:
                        line_width += _text_width(" ", size, bold)
                    if not word:
                        continue
                    word_width = _text_width(word, size, bold)
                    if has_word and line_width + word_width > width:  # whole words wrap
                        break_line()
                    while word_width > width:  # a word longer than the line breaks anywhere
                        lines.append(max(line_size, size))
                        word_width -= width
                        line_width, line_size = 0.0, 0
                    line_width += word_width
                    line_size, has_word = max(line_size, size), True
        lines.append(line_size or mark_size)  # the last line: a paragraph has one at least

        spacing = ppr.get(f"{_W}spacing")
        before = _int(spacing, "before") if spacing is not None and spacing.get(f"{_W}before") else 0
        after = _int(spacing, "after") if spacing is not None and spacing.get(f"{_W}after") else DEFAULT_AFTER_TWIPS
        rule = spacing.get(f"{_W}lineRule", "auto") if spacing is not None else "auto"
        line = _int(spacing, "line") if spacing is not None and spacing.get(f"{_W}line") else 240
        total = 0.0
        for size in lines:
            natural = size * 10 * LINE_EM  # twips: half-points x 10 = twips per em
            if rule == "exact":
                total += line
            elif rule == "atLeast":
                total += max(line, natural)
            else:
                total += natural * line / 240
        return total + before + after

    def row(self, row: etree._Element, cells: _RowGrid, skip: Set[etree._Element] = frozenset()) -> float:
        """A row's height from its ``cells`` (_grid_of_row), leaving out those in ``skip`` (merged ones)."""
        tallest = 0.0
        for column, span, cell in cells:
            if cell not in skip:
                tallest = max(tallest, self.cell(column, span, cell))
        height_node = _get(row, "trPr", "trHeight")
        if height_node is not None:
            stated = _int(height_node)
            if height_node.get(f"{_W}hRule") == "exact":
                return float(stated)
            tallest = max(tallest, float(stated))
        return tallest + ROW_OVERHEAD_PT * 20


def _block_height(heights: dict[int, float], merges: list[_Merge], first: int, last: int,
                  labels: dict[_Merge, float]) -> float:
    """Rows first..last, their merged cells' text (``labels``: merge -> height
    of its text in this block) making a merge's last row grow where needed."""
    rows = {i: heights[i] for i in range(first, last + 1)}
    for merge in sorted(merges, key=lambda m: m.end):
        a, b = max(merge.start, first), min(merge.end, last)
        if a > b:
            continue
        short = labels[merge] - sum(rows[i] for i in range(a, b + 1))
        if short > 0:
            rows[b] += short
    return sum(rows.values())


def _page_height(sect_pr: etree._Element | None) -> int:
    """The height, in twips, between a section's top and bottom margins."""
    height, top, bottom = DEFAULT_PAGE
    if sect_pr is not None:
        height = _int(_get(sect_pr, "pgSz"), "h", height)
        margin = _get(sect_pr, "pgMar")
        if margin is not None:
            top, bottom = abs(_int(margin, "top", top)), abs(_int(margin, "bottom", bottom))
    return height - top - bottom


def _following_sect_pr(element: etree._Element) -> etree._Element | None:
    """The first sectPr after ``element`` in document order: its section's properties."""
    node: etree._Element | None = element
    while node is not None:
        for sibling in node.itersiblings():
            if sibling.tag == f"{_W}sectPr":
                return sibling
            found = next(sibling.iter(f"{_W}sectPr"), None)
            if found is not None:
                return found
        node = node.getparent()
    return None


# -- changes to the table --------------------------------------------------------------------


def _child(parent: etree._Element, tag: str, sequence: tuple[str, ...] | None = None,
           first: bool = False) -> etree._Element:
    """parent's child ``tag``, made if missing (in schema ``sequence`` order, else first/last)."""
    for node in parent:
        if node.tag == tag:
            return node
    node = etree.Element(tag)
    if sequence is not None:
        insert_in_order(parent, node, sequence)
    elif first:
        parent.insert(0, node)
    else:
        parent.append(node)
    return node


def _keep_with_next(row: etree._Element) -> None:
    for paragraph in row.iter(f"{_W}p"):
        ppr = _child(paragraph, f"{_W}pPr", first=True)
        keep = _child(ppr, f"{_W}keepNext", P_PR)
        # The template's keepNext w:val="0" would undo it.
        keep.attrib.pop(f"{_W}val", None)  # type: ignore[call-overload]  # lxml-stubs: str defaults only


def _cant_split(row: etree._Element) -> None:
    trpr = _get(row, "trPr")
    if trpr is None:
        trpr = etree.Element(f"{_W}trPr")
        exceptions = _get(row, "tblPrEx")  # tr holds tblPrEx?, trPr?, then its cells
        row.insert(1 if exceptions is not None and row.index(exceptions) == 0 else 0, trpr)
    node = _child(trpr, f"{_W}cantSplit")
    node.attrib.pop(f"{_W}val", None)  # type: ignore[call-overload]  # lxml-stubs: str defaults only


def _continued_copy(cell: etree._Element) -> list[etree._Element]:
    """The blocks of ``cell`` (the merge's first cell), copied, marked " (continued)"."""
    # Bookmarks, comments and paragraph ids must stay unique in a document: the copy has none.
    marks = (f"{_W}bookmarkStart", f"{_W}bookmarkEnd", f"{_W}commentRangeStart", f"{_W}commentRangeEnd")
    blocks = [copy.deepcopy(b) for b in cell if b.tag != f"{_W}tcPr" and b.tag not in marks]
    for block in blocks:
        for node in list(block.iter(*marks)):
            parent = node.getparent()
            if parent is not None:
                parent.remove(node)
        for node in block.iter():
            for name in (f"{{{W14_NS}}}paraId", f"{{{W14_NS}}}textId"):
                node.attrib.pop(name, None)  # type: ignore[call-overload]  # lxml-stubs: str defaults only
    paragraphs = [b for b in blocks if b.tag == f"{_W}p"]
    texts = [t for t in (paragraphs[-1].iter(f"{_W}t") if paragraphs else ()) if t.text]
    if texts:  # an empty cell stays empty: "(continued)" alone would name nothing
        last = texts[-1]
        run = last.getparent()
        assert run is not None  # a w:t found below the paragraph has a parent
        marker = etree.Element(f"{_W}r")
        properties = _get(run, "rPr")
        if properties is not None:
            marker.append(copy.deepcopy(properties))
        text = etree.SubElement(marker, f"{_W}t")
        text.text = CONTINUED
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.addnext(marker)
    return blocks


def _restart_with(cell: etree._Element, blocks: list[etree._Element]) -> None:
    for block in [b for b in cell if b.tag != f"{_W}tcPr"]:
        cell.remove(block)
    for block in blocks:
        cell.append(block)
    node = _get(cell, "tcPr", "vMerge")
    assert node is not None  # a cell that continues a merge: its vMerge is how it was found
    node.set(f"{_W}val", "restart")


def keep_merged_rows_together(table: etree._Element, *, sect_pr: etree._Element | None = None) -> None:
    """Keep each group of rows joined by a vertically merged cell on one page,
    first cutting a group taller than a page into chunks that restart the merge
    with its first row's text marked " (continued)".

    ``table`` is one ``w:tbl`` element, changed in place. ``sect_pr`` is the
    properties of the section holding it; by default the first ``w:sectPr``
    after the table in its tree (A4 portrait when there is none). Header rows
    (``w:tblHeader``) and rows outside merged groups are left as they are.
    """
    _keep_together(table, sect_pr)


def _keep_together(table: etree._Element, sect_pr: etree._Element | None) -> bool:
    """keep_merged_rows_together; False when the table has no merged group (and is unchanged)."""
    rows = table.findall(f"{_W}tr")
    headers = _header_count(rows)
    grid = [_grid_of_row(r) for r in rows]
    groups = _groups(_merges(grid, headers, len(rows)))
    if not groups:
        return False
    estimate = _Estimator(table)
    if sect_pr is None:
        sect_pr = _following_sect_pr(table)
    header_merges = _merges(grid, 0, headers)
    skip = _merged_tcs(grid, header_merges)
    header_height = _block_height({i: estimate.row(rows[i], grid[i], skip) for i in range(headers)}, header_merges,
                                  0, headers - 1, _labels(estimate, header_merges)) if headers else 0.0
    usable = _page_height(sect_pr) - header_height

    for first, last, merges in groups:
        skip = _merged_tcs(grid, merges)
        heights = {i: estimate.row(rows[i], grid[i], skip) for i in range(first, last + 1)}
        labels = _labels(estimate, merges)
        chunks = [(first, last)]
        if _block_height(heights, merges, first, last, labels) > usable * (1 + FITS_MARGIN):
            chunks = _chunks(estimate, grid, heights, merges, labels, first, last, usable)
        for start, end in chunks:
            for index in range(start, end):
                _keep_with_next(rows[index])
            for index in range(start, end + 1):
                # A row taller than a page must be let break, or Word cuts it off.
                if heights[index] <= usable:
                    _cant_split(rows[index])
    return True


def _merged_tcs(grid: list[_RowGrid], merges: list[_Merge]) -> set[etree._Element]:
    """The cells of ``merges`` in every row they cover (their rows' heights leave them out)."""
    cells: set[etree._Element] = set()
    for merge in merges:
        for index in range(merge.start, merge.end + 1):
            cells.update(cell for column, _span, cell in grid[index] if column == merge.column)
    return cells


def _labels(estimate: _Estimator, merges: list[_Merge]) -> dict[_Merge, float]:
    """The height of each merged cell's text."""
    return {m: estimate.cell(m.column, m.span, m.cell) for m in merges}


def _chunks(estimate: _Estimator, grid: list[_RowGrid], heights: dict[int, float], merges: list[_Merge],
            labels: dict[_Merge, float], first: int, last: int, usable: float) -> list[tuple[int, int]]:
    """Cut rows first..last into runs that each fit ``usable``, restarting the
    merges at each run's first row with their text marked " (continued)"."""
    copies = {m: _continued_copy(m.cell) for m in merges}
    continued = {m: estimate.cell(m.column, m.span, m.cell, copies[m]) for m in merges}

    def block(start: int, end: int) -> float:
        here = {m: (labels[m] if m.start == start else continued[m]) for m in merges}
        # A label taller than a page cannot fit in any chunk: packing the rows
        # around it would only make one-row chunks, each repeating it.
        here = {m: (h if h <= usable * CHUNK_FILL else 0.0) for m, h in here.items()}
        return _block_height(heights, merges, start, end, here)

    room = usable * CHUNK_FILL
    chunks = []
    start = first
    while start <= last:
        end = start
        while end < last and block(start, end + 1) <= room:
            end += 1
        chunks.append((start, end))
        start = end + 1
    for start, _end in chunks[1:]:
        for merge in merges:
            if merge.start < start <= merge.end:
                cell = next(c for col, _s, c in grid[start] if col == merge.column)
                _restart_with(cell, copy.deepcopy(copies[merge]))
    return chunks


# -- whole bodies ----------------------------------------------------------------------------


def _top_level_tables(body_xml: etree._Element) -> Iterator[etree._Element]:
    for table in body_xml.iter(f"{_W}tbl"):
        if not any(a.tag == f"{_W}tbl" for a in table.iterancestors()):
            yield table


def keep_tables_together_tree(body_xml: etree._Element) -> None:
    """keep_merged_rows_together on every top-level table of a parsed ``w:body``
    that holds a vertically merged cell (the tree render path)."""
    for table in list(_top_level_tables(body_xml)):
        if next(table.iter(f"{_W}vMerge"), None) is not None:
            keep_merged_rows_together(table)


_NAMESPACE = re.compile(r'\sxmlns(?::([\w.-]+))?\s*=\s*("[^"]*"|\'[^\']*\')')
_ROOT = re.compile(r"\s*(?:<\?xml[^>]*\?>\s*)?<([\w.:-]+)([^>]*)>")


def _spans(text: str, name: str, start: int = 0, stop: int | None = None,
           first_only: bool = False) -> Iterator[tuple[int, int]]:
    """(start, end) of each outermost ``<name ...>...</name>`` (or ``<name/>``) in
    text[start:stop]: the tags are counted, so nested ones stay inside their parent."""
    tags = re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])[^>]*?(/?)>")
    depth, opened = 0, 0
    for match in tags.finditer(text, start, len(text) if stop is None else stop):
        closing, empty = match.group(1), match.group(2)
        if closing:
            depth -= 1
            if depth == 0:
                yield opened, match.end()
                if first_only:
                    return
        elif empty:
            if depth == 0:
                yield match.start(), match.end()
                if first_only:
                    return
        else:
            if depth == 0:
                opened = match.start()
            depth += 1


def keep_tables_together(body: str) -> str:
    """keep_merged_rows_together on a rendered body kept as text (the text
    render path): only the top-level ``<w:tbl>`` spans holding ``w:vMerge`` are
    parsed, changed and spliced back; every other byte is left as it was.

    ``body`` is the ``<w:body ...>`` element as text, with the namespace
    declarations docxtpl gives it (or a whole document.xml).
    """
    root = _ROOT.match(body)
    declarations = dict(_NAMESPACE.findall(root.group(2))) if root else {}
    prefix = next((p for p, uri in declarations.items() if uri.strip("\"'") == W_NS and p), "w")
    declarations.setdefault(prefix, f'"{W_NS}"')
    opening = "<ria-wrap " + " ".join(
        f"xmlns:{p}={uri}" if p else f"xmlns={uri}" for p, uri in declarations.items()) + ">"
    merge_mark = f"<{prefix}:vMerge"

    pieces: list[str] = []
    done = 0
    section, sect_pr = (-1, -1), None
    for start, end in list(_spans(body, f"{prefix}:tbl")):
        if body.find(merge_mark, start, end) < 0:
            continue
        if section[0] < end:  # the section found for the table before may hold this one too: no new search
            section = next(_spans(body, f"{prefix}:sectPr", end, first_only=True), (len(body), len(body)))
            sect_pr = etree.fromstring(opening + body[section[0]:section[1]] + "</ria-wrap>")[0] \
                if section[0] < len(body) else None
        for first, last, rows in _table_batches(body, start, end, prefix, opening, sect_pr):
            pieces += [body[done:first], rows]
            done = last
    if not pieces:
        return body
    pieces.append(body[done:])
    return "".join(pieces)


# A batch of rows is parsed at a time, so a table as long as a national plan's
# Section C (most of a 27 MB body) is never one lxml tree, ten times its size.
BATCH_CHARACTERS = 1 << 20


def _table_batches(body: str, start: int, end: int, prefix: str, opening: str,
                   sect_pr: etree._Element | None) -> Iterator[tuple[int, int, str]]:
    """The changed rows of the table at body[start:end], as (first, last, new text of
    body[first:last]), batch by batch. A batch ends only before a row that continues
    no merge, so a group of joined rows is never cut; each is parsed with the table's
    properties and header rows, which set the usable height."""
    rows = list(_spans(body, f"{prefix}:tr", start, end))
    if not rows:
        return
    header_tag = re.compile(rf'<{prefix}:tblHeader(?![^>]*{prefix}:val="(?:0|false|off)")[\s/>]')

    def is_header(row: tuple[int, int]) -> bool:
  # tblHeader, not switched off, in the row's own properties, before its first cell
        cell = body.find(f"<{prefix}:tc", *row)
        return header_tag.search(body, row[0], cell if cell >= 0 else row[1]) is not None

    headers = 0
    while headers < len(rows) and is_header(rows[headers]):
        headers += 1
    skeleton = body[start:rows[0][0]]  # <w:tbl>, tblPr, tblGrid
    header_text = body[rows[0][0]:rows[headers - 1][1]] if headers else ""
    continuing = re.compile(rf'<{prefix}:vMerge(?:\s*/>|\s+{prefix}:val="continue")')
    batch = headers
    while batch < len(rows):
        stop = batch + 1
        while stop < len(rows) and (rows[stop][1] - rows[batch][0] < BATCH_CHARACTERS
                                    or continuing.search(body, *rows[stop])):
            stop += 1
        first, last = rows[batch][0], rows[stop - 1][1]
        wrapped = etree.fromstring(f"{opening}{skeleton}{header_text}{body[first:last]}</{prefix}:tbl></ria-wrap>")
        table = wrapped[0]
        if _keep_together(table, sect_pr):
            # Written without the table's own parts, and without declarations (the wrapper holds them).
            for child in list(table)[:len(table) - (stop - batch)]:
                table.remove(child)
            written = etree.tostring(wrapped, encoding="unicode")
            inner = written[written.index(">") + 1:-len("</ria-wrap>")]
            yield first, last, inner[inner.index(">") + 1:-len(f"</{prefix}:tbl>")]
        batch = stop
