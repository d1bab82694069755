"""A Word document read as blocks: paragraphs with their own text, tables as grids of cells."""

from __future__ import annotations

import docx
from docx.oxml import parse_xml

from ria_docs.docx_reader import Cell, Para, blocks, distinct, open_document

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _read(tmp_path, build) -> list:
    document = docx.Document()
    build(document)
    path = tmp_path / "d.docx"
    document.save(path)
    body, styles = open_document(path)
    return list(blocks(body, styles))


def test_a_merged_cell_is_one_cell_in_every_place_it_covers(tmp_path):
    def build(document):
        table = document.add_table(rows=3, cols=3)
        table.cell(0, 0).merge(table.cell(0, 1)).text = "across"
        table.cell(1, 2).merge(table.cell(2, 2)).text = "down"
        table.cell(1, 0).text = "plain"
    [rows] = _read(tmp_path, build)
    assert rows[0][0] is rows[0][1] and rows[1][2] is rows[2][2] and rows[1][0] is not rows[2][0]
    assert [c.text for c in distinct(rows)] == ["across", "", "plain", "", "down", "", ""]


def test_a_paragraph_s_own_text_leaves_out_deletions_moves_and_text_boxes_and_reads_symbols(tmp_path):
    def build(document):
        paragraph = document.add_paragraph("kept ")
        paragraph._p.append(parse_xml(f'<w:del {W} w:id="1" w:author="a"><w:r><w:delText>gone</w:delText></w:r></w:del>'))
        paragraph._p.append(parse_xml(f'<w:moveFrom {W} w:id="2" w:author="a"><w:r><w:t>moved away</w:t></w:r></w:moveFrom>'))
        paragraph._p.append(parse_xml(f'<w:r {W}><w:sym w:font="Wingdings" w:char="F0FC"/></w:r>'))
        document.add_paragraph("• typed bullet", style="List Bullet")
    para, listed = _read(tmp_path, build)
    assert isinstance(para, Para) and para.text == "kept ✓"
    assert listed.listed and Cell([listed], 1, 1).lines == ["typed bullet"]  # the typed "•" is taken off
