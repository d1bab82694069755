"""Properties in schema order: the helpers, and the documents and workbooks ria-docs writes.

tests/test_office_validator.py checks the same files with Microsoft's validator
when it is installed; these checks run everywhere.
"""

from __future__ import annotations

import io
import re
import time
import zipfile

import openpyxl
from lxml import etree
from openpyxl.styles import Font

from ria_docs.ooxml import FONT, TC_PR, normalise_zip, order_children, order_properties_xml, order_styles

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
X = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _names(element) -> list[str]:
    return [etree.QName(child).localname for child in element]


def test_order_children_puts_a_cells_properties_in_schema_order_keeping_values():
    properties = etree.fromstring(
        f'<w:tcPr xmlns:w="{W}"><w:shd w:fill="F8696B"/><w:vAlign w:val="top"/><w:tcW w:w="900"/>'
        '<w:vMerge w:val="restart"/></w:tcPr>')
    assert order_children(properties, TC_PR) is True
    assert _names(properties) == ["tcW", "vMerge", "shd", "vAlign"]
    assert properties.find(f"{{{W}}}shd").get(f"{{{W}}}fill") == "F8696B"
    assert order_children(properties, TC_PR) is False  # already in order: nothing moved


def test_order_children_leaves_an_element_holding_what_the_sequence_does_not_name():
    text = f'<w:tcPr xmlns:w="{W}"><w:shd/><!-- a note --><w:tcW/></w:tcPr>'
    properties = etree.fromstring(text)
    assert order_children(properties, TC_PR) is False
    assert etree.tostring(properties).decode() == text
    other_namespace = etree.fromstring(f'<w:tcPr xmlns:w="{W}" xmlns:v="urn:other"><w:shd/><v:tcW/></w:tcPr>')
    assert order_children(other_namespace, TC_PR) is False


def test_order_properties_xml_reorders_only_blocks_out_of_order():
    body = ('<w:tbl><w:tr><w:tc><w:tcPr><w:shd w:val="clear" w:fill="63BE7B"/><w:tcW w:w="2" w:type="dxa"/>'
            '<w:tcBorders><w:top w:val="single"/></w:tcBorders><w:vMerge/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>'
            '<w:tc><w:tcPr><w:tcW w:w="3" w:type="dxa"/><w:shd w:fill="FFFFFF"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>')
    ordered = order_properties_xml(body, "tcPr", TC_PR)
    assert ordered == body.replace(
        '<w:shd w:val="clear" w:fill="63BE7B"/><w:tcW w:w="2" w:type="dxa"/><w:tcBorders><w:top w:val="single"/>'
        '</w:tcBorders><w:vMerge/>',
        '<w:tcW w:w="2" w:type="dxa"/><w:vMerge/><w:tcBorders><w:top w:val="single"/></w:tcBorders>'
        '<w:shd w:val="clear" w:fill="63BE7B"/>')
    assert order_properties_xml(ordered, "tcPr", TC_PR) == ordered


def test_order_properties_xml_leaves_blocks_it_cannot_split_into_known_children():
    untouched = [
        '<w:tcPr><w:shd/>{% if x %}<w:tcW/>{% endif %}</w:tcPr>',  # text between children
        '<w:tcPr><w:shd/><w:unknown/><w:tcW/></w:tcPr>',  # a child the sequence does not name
        '<w:tcPr><w:shd/><w:tcPrChange w:id="1"><w:tcPr><w:tcW/></w:tcPr></w:tcPrChange></w:tcPr>',  # nested
    ]
    for block in untouched:
        assert order_properties_xml(block, "tcPr", TC_PR) == block


def test_order_properties_xml_is_quick_on_a_large_body():
    """The text render path keeps bodies of tens of MB as text: ordering them must stay cheap."""
    cell = ('<w:tc><w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="63BE7B"/><w:tcW w:w="900" w:type="dxa"/>'
            '</w:tcPr><w:p><w:r><w:t>' + "words " * 20 + '</w:t></w:r></w:p></w:tc>')
    body = cell * 100_000  # about 25 MB
    start = time.perf_counter()
    ordered = order_properties_xml(body, "tcPr", TC_PR)
    seconds = time.perf_counter() - start
    assert ordered.count('<w:tcPr><w:tcW w:w="900" w:type="dxa"/><w:shd ') == 100_000
    assert seconds < 5, f"{seconds:.1f} s to order 100,000 cells"


def _workbook_bytes(edit) -> bytes:
    workbook = openpyxl.Workbook()
    edit(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_normalise_zip_puts_openpyxls_fonts_in_schema_order():
    def bold_headings(ws):
        ws["A1"] = "Heading"
        ws["A1"].font = Font(name="Calibri", bold=True, italic=True, size=14, color="FF0000")

    raw = _workbook_bytes(bold_headings)
    with zipfile.ZipFile(io.BytesIO(raw)) as package:
        before = etree.fromstring(package.read("xl/styles.xml"))
    assert any(_names(font)[0] == "name" for font in before.iter(f"{{{X}}}font"))  # what openpyxl writes
    with zipfile.ZipFile(io.BytesIO(normalise_zip(raw))) as package:
        after = etree.fromstring(package.read("xl/styles.xml"))
    rank = {name: index for index, name in enumerate(FONT)}
    fonts = list(after.iter(f"{{{X}}}font"))
    assert len(fonts) == len(list(before.iter(f"{{{X}}}font")))
    for font in fonts:
        assert [rank[name] for name in _names(font)] == sorted(rank[name] for name in _names(font))
    heading = next(font for font in fonts if font.find(f"{{{X}}}b") is not None)
    assert _names(heading) == ["b", "i", "sz", "color", "name"]
    reread = openpyxl.load_workbook(io.BytesIO(normalise_zip(raw)))["Sheet"]["A1"].font
    assert (reread.b, reread.i, reread.sz, reread.name, reread.color.rgb) == (True, True, 14, "Calibri", "00FF0000")


def test_order_styles_leaves_ordered_styles_byte_for_byte():
    styles = f'<styleSheet xmlns="{X}"><fonts count="1"><font><b val="1"/><sz val="11"/><name val="Calibri"/></font></fonts></styleSheet>'
    assert order_styles(styles.encode()) == styles.encode()


def _tc_pr_orders(docx_path) -> list[list[str]]:
    with zipfile.ZipFile(docx_path) as package:
        body = package.read("word/document.xml").decode("utf-8")
    return [re.findall(r"<w:([A-Za-z]+)", block) for block in re.findall(r"<w:tcPr>(.*?)</w:tcPr>", body, re.S)]


def test_every_rendered_cell_has_its_properties_in_schema_order(example_outputs, eastern_outputs):
    """Both render paths: the plan renders as text, the update (its rug's column loop) through the tree."""
    rank = {name: index for index, name in enumerate(TC_PR)}
    for path in (example_outputs / "ria-plan.docx", eastern_outputs / "regional-update.docx"):
        orders = [[name for name in names if name in rank] for names in _tc_pr_orders(path)]
        shaded = [names for names in orders if "shd" in names]
        assert shaded, f"{path.name}: no shaded cell to check"
        out_of_order = [names for names in orders if [rank[n] for n in names] != sorted(rank[n] for n in names)]
        assert not out_of_order, f"{path.name}: {out_of_order[:3]}"


def test_share_columns_adds_a_missing_cell_width_in_schema_order():
    """The tree render path's column fix writes w:tcW into cells that lack one."""
    from ria_docs.render import _share_columns

    w = f"{{{W}}}"
    table = etree.fromstring(
        f'<w:tbl xmlns:w="{W}"><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="6000"/></w:tblGrid>'
        '<w:tr><w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr><w:p/></w:tc>'
        '<w:tc><w:tcPr><w:cnfStyle w:val="100000000000"/><w:shd w:fill="63BE7B"/></w:tcPr><w:p/></w:tc>'
        '<w:tc><w:p/></w:tc></w:tr></w:tbl>')
    _share_columns(table, w)  # three cells in a grid of two: the columns are shared out
    first, second, third = table.iter(f"{w}tc")
    assert _names(second.find(f"{w}tcPr")) == ["cnfStyle", "tcW", "shd"]
    assert _names(third) == ["tcPr", "p"] and _names(third.find(f"{w}tcPr")) == ["tcW"]
    assert [c.get(f"{w}w") for c in table.iter(f"{w}gridCol")] == ["3000", "3000", "3000"]
