"""Rows joined by vertically merged cells stay on one page; a group longer than
a page is cut into chunks that each name it (ria_docs.layout)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from lxml import etree

from ria_docs.layout import (
    CONTINUED,
    keep_merged_rows_together,
    keep_tables_together,
    keep_tables_together_tree,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
DECLARATIONS = f'xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
LANDSCAPE = '<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/><w:pgMar w:top="850" w:bottom="850" w:left="850" w:right="850"/></w:sectPr>'
LONG = ("Regional placement sufficiency practice safeguarding partnership workforce recruitment outcomes "
        "children families review evidence quality audit leadership support commissioning ") * 2


def para(text: str = "", style: str = "TableText", extra: str = "") -> str:
    run = f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{extra}</w:pPr>{run}</w:p>'


def cell(content: str = "", width: int = 2000, merge: str | None = None, span: int = 1) -> str:
    properties = f'<w:tcW w:type="dxa" w:w="{width}"/>'
    if span > 1:
        properties += f'<w:gridSpan w:val="{span}"/>'
    if merge == "restart":
        properties += '<w:vMerge w:val="restart"/>'
    elif merge == "continue":
        properties += "<w:vMerge/>"
    return f"<w:tc><w:tcPr>{properties}</w:tcPr>{content or para()}</w:tc>"


def row(*cells: str, header: bool = False) -> str:
    properties = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    return f"<w:tr>{properties}{''.join(cells)}</w:tr>"


def table(*rows: str, grid=(2000, 2000, 2000)) -> str:
    columns = "".join(f'<w:gridCol w:w="{w}"/>' for w in grid)
    return f'<w:tbl><w:tblPr><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{columns}</w:tblGrid>{"".join(rows)}</w:tbl>'


def element(xml: str):
    return etree.fromstring(f"<w:body {DECLARATIONS}>{xml}{LANDSCAPE}</w:body>")[0]


def rows_of(tbl):
    return tbl.findall("w:tr", NS)


def kept(tr) -> list[bool]:
    """For each paragraph of a row: does it keep with the next?"""
    return [p.find("w:pPr/w:keepNext", NS) is not None for p in tr.iter(f"{{{W}}}p")]


def cant_split(tr) -> bool:
    return tr.find("w:trPr/w:cantSplit", NS) is not None


def text(tc) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in tc.findall("w:p", NS)]


def theme_table(activities: list[str], *, label="A: Increasing Placement Sufficiency",
                outcome=("More sustainable arrangements",)) -> str:
    """Section C's shape: two header rows, then one theme whose Theme, Outcome and
    Lead cells merge over its activities."""
    header = [
        row(cell(para("Theme", "TableHeading"), 1474, "restart"), cell(para("Outcome", "TableHeading"), 2041, "restart"),
            cell(para("Suggested activity", "TableHeading"), 3742), cell(para("Lead", "TableHeading"), 2041, "restart"),
            header=True),
        row(cell("", 1474, "continue"), cell("", 2041, "continue"), cell(para("Detail", "TableHeading"), 3742),
            cell("", 2041, "continue"), header=True),
    ]
    body = []
    for index, activity in enumerate(activities):
        first = index == 0
        body.append(row(
            cell(para(label, "TableHeading") if first else "", 1474, "restart" if first else "continue"),
            cell("".join(para(o) for o in outcome) if first else "", 2041, "restart" if first else "continue"),
            cell(para(activity, "TableBullet"), 3742),
            cell(para("Lead network", "TableBullet") + para("Second lead", "TableBullet") if first else "", 2041,
                 "restart" if first else "continue"),
        ))
    return table(*header, *body, grid=(1474, 2041, 3742, 2041))


# -- keeping a group together ------------------------------------------------------------


def test_a_group_keeps_every_row_but_its_last_with_the_next_and_leaves_other_rows_alone():
    tbl = element(table(
        row(cell(para("Theme")), cell(para("Activity")), cell(para("Lead")), header=True),
        row(cell(para("A: one"), merge="restart"), cell(para("first")), cell(para("x"))),
        row(cell(merge="continue"), cell(para("second") + para("more")), cell(para("y"))),
        row(cell(merge="continue"), cell(para("third")), cell(para("z"))),
        row(cell(para("B: alone"), merge="restart"), cell(para("only")), cell(para("w"))),  # a merge of one row
        row(cell(para("no merge")), cell(para("plain")), cell(para("v"))),
    ))
    header, a1, a2, a3, single, plain = (etree.tostring(r) for r in rows_of(tbl))
    keep_merged_rows_together(tbl)
    rows = rows_of(tbl)
    assert kept(rows[1]) == [True] * 3 and kept(rows[2]) == [True] * 4
    assert kept(rows[3]) == [False] * 3, "the group's last row lets the page break after it"
    assert all(cant_split(r) for r in rows[1:4])
    assert [etree.tostring(r) for r in (rows[0], rows[4], rows[5])] == [header, single, plain]


def test_keep_next_goes_where_the_schema_puts_it_and_existing_row_properties_stay():
    tbl = element(table(
        row(cell(para("A", extra='<w:spacing w:after="0"/><w:jc w:val="center"/>'), merge="restart"),
            cell('<w:p><w:pPr><w:jc w:val="left"/></w:pPr></w:p>'), cell("<w:p/>")),
        row(cell(merge="continue"), cell(para("b")), cell(para("c"))),
    ))
    first = rows_of(tbl)[0]
    first.insert(0, etree.fromstring(f'<w:trPr {DECLARATIONS}><w:trHeight w:val="400"/></w:trPr>'))
    keep_merged_rows_together(tbl)
    orders = [[etree.QName(c).localname for c in p.find("w:pPr", NS)] for p in first.iter(f"{{{W}}}p")]
    assert orders == [["pStyle", "keepNext", "spacing", "jc"], ["keepNext", "jc"], ["keepNext"]]
    assert [etree.QName(c).localname for c in first.find("w:trPr", NS)] == ["trHeight", "cantSplit"]
    assert first.index(first.find("w:trPr", NS)) == 0


def test_grid_columns_count_spans_not_cells():
    # Row 2's continuing cell is its third cell but in grid column 2, where row 1's
    # merge starts (row 1's first cell spans two columns): the rows are joined.
    joined = element(table(
        row(cell(para("wide"), 4000, span=2), cell(para("A"), merge="restart")),
        row(cell(para("a")), cell(para("b")), cell(merge="continue")),
    ))
    # Here the continuing cell is the second, as the merge's first is, but in grid
    # column 1: it continues nothing, and counting cells would wrongly join them.
    apart = element(table(
        row(cell(para("wide"), 4000, span=2), cell(para("A"), merge="restart")),
        row(cell(para("a")), cell(merge="continue"), cell(para("c"))),
    ))
    keep_merged_rows_together(joined)
    keep_merged_rows_together(apart)
    assert kept(rows_of(joined)[0]) == [True, True]
    assert kept(rows_of(apart)[0]) == [False, False]


def test_a_theme_that_fits_is_not_split():
    tbl = element(theme_table([f"Activity {i}: a short line" for i in range(12)]))
    keep_merged_rows_together(tbl)
    rows = rows_of(tbl)[2:]
    restarts = [r for r in rows if r.find("w:tc/w:tcPr/w:vMerge[@w:val='restart']", NS) is not None]
    assert len(restarts) == 1
    assert all(all(kept(r)) for r in rows[:-1]) and not any(kept(rows[-1]))


# -- a group longer than a page ------------------------------------------------------------------


def _chunks(tbl):
    """Body rows cut where the Theme cell restarts: [[rows], ...]."""
    chunks = []
    for tr in rows_of(tbl)[2:]:
        if tr.find("w:tc/w:tcPr/w:vMerge", NS).get(f"{{{W}}}val") == "restart":
            chunks.append([])
        chunks[-1].append(tr)
    return chunks


def test_an_over_long_group_is_cut_into_chunks_that_each_name_the_theme():
    tbl = element(theme_table([f"Activity {i}. {LONG}" for i in range(60)],
                              outcome=("First outcome line", "Second outcome line")))
    keep_merged_rows_together(tbl)
    chunks = _chunks(tbl)
    assert len(chunks) > 10, "60 rows of 11 lines each are many landscape pages"
    assert sum(len(c) for c in chunks) == 60
    theme, outcome, _, lead = rows_of(tbl)[2].findall("w:tc", NS)
    assert text(theme) == ["A: Increasing Placement Sufficiency"], "the first chunk's label is unchanged"
    assert text(outcome) == ["First outcome line", "Second outcome line"]
    for chunk in chunks[1:]:
        theme, outcome, _, lead = chunk[0].findall("w:tc", NS)
        assert text(theme) == ["A: Increasing Placement Sufficiency" + CONTINUED]
        assert text(outcome) == ["First outcome line", "Second outcome line" + CONTINUED]
        assert text(lead) == ["Lead network", "Second lead" + CONTINUED], "a lead list is copied whole"
        assert [p.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val") for p in lead.findall("w:p", NS)] == [
            "TableBullet", "TableBullet"], "paragraphs are copied with their properties"
        assert all(tc.find("w:tcPr/w:vMerge", NS).get(f"{{{W}}}val") == "restart"
                   for tc in (theme, outcome, lead))
    for chunk in chunks:
        assert all(all(kept(r)) for r in chunk[:-1]), "a chunk is kept together"
        assert not any(kept(chunk[-1])), "a page may break between chunks"
    # A landscape A4 page has about 460 pt below the header rows, and an activity
    # of 36 words in a 6.6 cm column takes 11 lines (about 120 pt): three a page.
    assert [len(c) for c in chunks] == [3] * 20


def test_chunks_follow_the_page_of_the_section_that_holds_the_table():
    activities = [f"Activity {i}. {LONG}" for i in range(30)]
    portrait = '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:bottom="1134"/></w:sectPr>'
    # The table's section is the first sectPr after it (here a paragraph's, ending a portrait section).
    text = (f"<w:body {DECLARATIONS}>{theme_table(activities)}<w:p><w:pPr>{portrait}</w:pPr></w:p>"
            f"{theme_table(activities)}{theme_table(activities)}{LANDSCAPE}</w:body>")
    body = etree.fromstring(text)
    keep_tables_together_tree(body)
    tall, wide, also_wide = body.findall("w:tbl", NS)
    assert 1 < len(_chunks(tall)) < len(_chunks(wide)) == len(_chunks(also_wide)), "portrait pages hold more rows"
    assert etree.tostring(etree.fromstring(keep_tables_together(text))) == etree.tostring(body)


# -- the body as text ------------------------------------------------------------------------------


def _body_text() -> str:
    """A body whose untouched parts are written as lxml would not write them."""
    nested = table(row(cell(para("inner"), merge="restart")), row(cell(merge="continue")))
    merged = theme_table(["one", "two", "three"])
    three = para("three", "TableBullet")
    merged = merged.replace(three, nested + three, 1)  # a nested table, with merges of its own, in the last row
    plain = table(row(cell(para("Chair&#39;s &#123;text&#125;"))), row(cell(para("x"))))
    return (f"<w:body {DECLARATIONS}><w:p  ><w:r><w:t xml:space='preserve'>Before &#123; &gt; </w:t></w:r></w:p>"
            f"{plain}{merged}<w:p><w:r><w:t>Between</w:t></w:r></w:p>{merged}"
            f"<w:p><w:r><w:t>After &#x7D;</w:t></w:r></w:p>{LANDSCAPE}</w:body>")


def test_text_path_changes_only_the_merged_tables_and_matches_the_tree_path():
    body = _body_text()
    result = keep_tables_together(body)
    first, second = [m.start() for m in re.finditer(r"<w:tbl>(?:(?!<w:tbl>).)*?w:tblHeader", body)]
    head = body[:first]
    between = body[body.index("<w:p><w:r><w:t>Between"):second]
    tail = body[body.index("<w:p><w:r><w:t>After"):]
    assert result.startswith(head), "the paragraph and the unmerged table before are byte for byte as they were"
    assert between in result and result.endswith(tail)
    assert result.count("keepNext") == 2 * (5 + 4), "in each theme, its first two rows (5 and 4 paragraphs) keep with the next"
    tree = etree.fromstring(body)
    keep_tables_together_tree(tree)
    assert etree.tostring(etree.fromstring(result)) == etree.tostring(tree)


def test_a_long_table_is_parsed_in_batches_that_never_cut_a_group(monkeypatch):
    import ria_docs.layout

    themes = "".join(
        theme_table([f"Activity {i}. {LONG if n % 2 else 'short'}" for i in range(n)], label=f"{code}: Theme")
        for code, n in zip("ABCD", (1, 40, 7, 25), strict=False))
    # One table, four themes: each theme_table's header rows and grid dropped after the first.
    rows = re.findall(r"<w:tr>.*?</w:tr>(?=<w:tr>|</w:tbl>)", themes)
    headers = rows[:2]
    body_rows = [r for r in rows if "tblHeader" not in r]
    one = table(*headers, *body_rows, grid=(1474, 2041, 3742, 2041))
    text = f"<w:body {DECLARATIONS}>{one}{LANDSCAPE}</w:body>"
    tree = etree.fromstring(text)
    keep_tables_together_tree(tree)
    monkeypatch.setattr(ria_docs.layout, "BATCH_CHARACTERS", 3000)  # a few rows a batch
    batched = keep_tables_together(text)
    assert etree.tostring(etree.fromstring(batched)) == etree.tostring(tree)
    assert batched.count(CONTINUED) > 3 and batched.count("tblHeader") == 2


def test_nested_tables_are_balanced_and_an_unmerged_body_is_returned_as_it_is():
    body = _body_text()
    result = keep_tables_together(body)
    outer = etree.fromstring(result).findall("w:tbl", NS)[1]
    assert len(rows_of(outer)) == 5, "the span ran to the outer table's end, not the nested one's"
    assert kept(rows_of(outer)[2])[0] and not any(kept(rows_of(outer)[4]))
    plain = f"<w:body {DECLARATIONS}>{table(row(cell(para('x'))))}{LANDSCAPE}</w:body>"
    assert keep_tables_together(plain) is plain


def test_a_whole_document_xml_works_too_and_keeps_its_declarations():
    document = (f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<w:document {DECLARATIONS}>"
                + _body_text().replace(f"<w:body {DECLARATIONS}>", "<w:body>") + "</w:document>")
    result = keep_tables_together(document)
    assert result.count("keepNext") == 18
    assert result.count("xmlns:w=") == 1, "the tables spliced back declare no namespaces of their own"
    etree.fromstring(result.encode("utf-8"))


# -- on real pages ------------------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None, reason="needs LibreOffice and pdftotext")
def test_every_page_of_a_long_theme_names_it_in_libreoffice(example_outputs, tmp_path, monkeypatch):
    import random

    from ria_docs import render
    from ria_docs.context import plan_context
    from ria_docs.pdf import to_pdf
    from ria_docs.plan_file import read_plan
    from ria_docs.render import render_docx
    from ria_docs.template_files import installed_templates

    context = plan_context(read_plan(example_outputs / "plan.json"))
    theme = context["themes"][1]
    words = LONG.lower().split()
    rng = random.Random(7)
    theme["activities"] = [
        dict(theme["activities"][0], rag="",
             bullets=[f"Task{i:02} " + " ".join(rng.choice(words) for _ in range(rng.randint(10, 60))) + "."])
        for i in range(40)
    ]
    template = installed_templates() / "ria-plan.docx"
    after = render_docx(template, context, title="t", subject="s", author="a")  # render keeps themes together
    with monkeypatch.context() as patch:  # the same render without it, to show the check can fail
        patch.setattr(render, "keep_tables_together", lambda body: body)
        before = render_docx(template, context, title="t", subject="s", author="a")
    pdfs = to_pdf({"before.docx": before, "after.docx": after})

    def unnamed_pages(pdf: bytes) -> list[int]:
        """Pages holding the long theme's activities without its label."""
        (tmp_path / "page.pdf").write_bytes(pdf)
        pages = subprocess.run(["pdftotext", "-layout", str(tmp_path / "page.pdf"), "-"],
                               capture_output=True, text=True, check=True).stdout.split("\f")
        holding = [n for n, page in enumerate(pages, 1) if re.search(r"Task\d\d", page)]
        assert len(holding) >= 5, "the theme runs over several pages"
        # The label's first words: the narrow Theme column wraps the rest.
        return [n for n in holding if "B: Improving" not in pages[n - 1]]

    assert unnamed_pages(pdfs["before.pdf"]), "without the layout, continuation pages show a blank Theme cell"
    assert unnamed_pages(pdfs["after.pdf"]) == []
