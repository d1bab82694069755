"""Stage 5: render the Word documents from templates, and write outputs safely.

docxtpl would re-parse the rendered XML in recover mode, which silently drops
text after anything malformed. So values are sanitised before
(text.clean_text) and autoescaped during rendering, and the rendered body is
checked strictly instead: kept as text and checked by expat (the usual path,
which also never builds the body's large lxml tree), or, for templates that
need docxtpl's tree fixes, parsed strictly in place of docxtpl's own parse.
A document either renders whole or fails with a clear error.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .exceptions import TemplateError
from .finishing import finish
from .layout import keep_tables_together, keep_tables_together_tree
from .ooxml import TC_PR, ZIP_EPOCH, normalise_zip, order_children, order_properties_xml

if TYPE_CHECKING:
    import jinja2
    from docx.document import Document
    from docx.opc.part import Part, XmlPart
    from docxtpl import DocxTemplate  # untyped: Any to mypy
    from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@functools.cache
def _strict_template_class() -> type[DocxTemplate]:
    from docxtpl import DocxTemplate
    from lxml import etree

    w = f"{{{W_NS}}}"

    class StrictDocxTemplate(DocxTemplate):
        def render_xml_part(self, src_xml: str, part: Part, context: dict,
                            jinja_env: jinja2.Environment | None = None) -> str:
            """Every rendered part (body, headers, footers, footnotes; both render
            paths) with its cells' properties in schema order: docxtpl's
            {% cellbg %} puts w:shd before w:tcW, and {% vm %} adds w:vMerge last."""
            return order_properties_xml(super().render_xml_part(src_xml, part, context, jinja_env), "tcPr", TC_PR)

        def fix_tables(self, xml: str | bytes) -> etree._Element:
            """Parse the rendered body strictly, once, and lay out column loops.

            docxtpl's own parse recovers from broken XML by dropping text; this
            one fails instead. Tables that {%tc %} loops made wider than their
            grid get their columns shared out (_share_columns) in place of
            docxtpl's fix.
            """
            try:
                tree = etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml)
            except etree.XMLSyntaxError as exc:
                raise TemplateError(
                    f"rendering produced broken XML ({exc}); a value or the template holds "
                    "characters Word cannot store. This is a bug in ria-docs: please report it "
                    "with the returns that caused it."
                ) from None
            for table in tree.iter(f"{w}tbl"):
                _share_columns(table, w)
            return tree

    return StrictDocxTemplate


def _share_columns(table: etree._Element, w: str) -> None:
    """After {%tc %} loops: the first column keeps its width, the others share the
    rest of the table's width equally, and every cell says so.

    docxtpl's own fix keeps each generated cell at the template cell's width,
    which squeezes a 10-column tartan rug into letters one per line.
    """
    from lxml import etree

    grid = table.find(f"{w}tblGrid")
    columns = grid.findall(f"{w}gridCol") if grid is not None else []
    rows = table.findall(f"{w}tr")

    def span(cell: etree._Element) -> int:
        node = cell.find(f"{w}tcPr/{w}gridSpan")
        value = node.get(f"{w}val") if node is not None else None
        return int(value) if value and value.isdigit() else 1  # a gridSpan without its w:val spans one column

    def width(cell: etree._Element) -> int:
        node = cell.find(f"{w}tcPr/{w}tcW")
        return int(node.get(f"{w}w", 0)) if node is not None and node.get(f"{w}type", "dxa") == "dxa" else 0

    needed = max((sum(span(c) for c in row.findall(f"{w}tc")) for row in rows), default=0)
    total = sum(int(c.get(f"{w}w", 0)) for c in columns)
    # A loop made cells the grid does not have, or cells as wide as the template's
    # loop cell, several times over: a consistent table's rows never overflow its grid.
    overflowing = any(sum(width(c) for c in row.findall(f"{w}tc")) > total * 1.01 for row in rows)
    if grid is None or not columns or (needed <= len(columns) and not overflowing):  # no grid: no columns
        return
    first = int(columns[0].get(f"{w}w", 0))
    rest = max((total - first) // (needed - 1), 1)
    widths = [first] + [rest] * (needed - 1)
    for column in columns:
        grid.remove(column)
    for share in widths:
        etree.SubElement(grid, f"{w}gridCol").set(f"{w}w", str(share))
    for row in rows:
        position = 0
        for cell in row.findall(f"{w}tc"):
            properties = cell.find(f"{w}tcPr")
            if properties is None:
                properties = etree.SubElement(cell, f"{w}tcPr")
                cell.insert(0, properties)  # a cell's properties come before its paragraphs
            tc_w = properties.find(f"{w}tcW")
            if tc_w is None:
                tc_w = etree.Element(f"{w}tcW")
                properties.insert(0, tc_w)
                order_children(properties, TC_PR)  # then after a w:cnfStyle, if the cell has one
            tc_w.set(f"{w}w", str(sum(widths[position:position + span(cell)])))
            tc_w.set(f"{w}type", "dxa")
            position += span(cell)


def _template_error(template: Path, exc: Exception, context: dict | None = None) -> TemplateError:
    import jinja2

    from .template_check import located_error

    # Jinja names neither the place nor the cause ("Unexpected end of template", with
    # text from wherever docxtpl had got to); the template check names both.
    located = located_error(template, exc, context)
    if located:
        return TemplateError(f"{template}: {located}")
    lines = [line.strip() for line in getattr(exc, "docx_context", []) or [] if line.strip()]
    near = f' near "{" ".join(lines)[:120]}"' if lines else ""
    if isinstance(exc, jinja2.UndefinedError):
        what = f"uses a value ria-docs does not provide: {exc.message}"
        hint = "check the spelling of the {{ ... }} tags against the README's list of template values"
    else:
        what = f"has a template tag mistake: {getattr(exc, 'message', None) or exc}"
        hint = "check that every {% for %} / {% if %} has its {% endfor %} / {% endif %}"
    return TemplateError(f"{template}: {what}{near}. {hint.capitalize()}.")


def _paragraph_in_every_cell(document: Document) -> None:
    """A table cell must hold a paragraph; an empty list in a cell leaves none.

    The paragraph added has no spacing and a small mark, so an empty cell is
    never what makes its row taller than the text beside it.
    """
    from docx.oxml import parse_xml

    empty = f'<w:p xmlns:w="{W_NS}"><w:pPr><w:spacing w:before="0" w:after="0"/><w:rPr><w:sz w:val="12"/></w:rPr></w:pPr></w:p>'
    for cell in document.element.body.xpath(".//w:tc[not(w:p) and not(w:tbl)]"):
        cell.append(parse_xml(empty))


def _core_part(document: Document) -> Part:
    """The package's core-properties part (docProps/core.xml), found by its
    relationship; python-docx adds one to a template without it when its
    core_properties are first read."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    document.core_properties  # noqa: B018 - adds the part if the template has none
    return document.part.package.part_related_by(RELATIONSHIP_TYPE.CORE_PROPERTIES)


# Word's core properties (title, subject, author) hold at most 255 characters.
PROPERTY_LIMIT = 255


def _property(text: str) -> str:
    """A property value within Word's limit: a longer one (a long region, author or plan_year in
    region.toml or plan.json) is cut, ending in "…"; the documents' text keeps it whole."""
    return text if len(text) <= PROPERTY_LIMIT else text[: PROPERTY_LIMIT - 1].rstrip() + "\u2026"


def _set_properties(document: Document, *, title: str, subject: str, author: str, when: dt.datetime | None) -> None:
    """The document's own properties, none carried over from the template."""
    props = document.core_properties
    title, subject, author = _property(title), _property(subject), _property(author)
    props.title, props.subject, props.author, props.last_modified_by = title, subject, author, author
    props.comments, props.keywords, props.category = "", "", ""
    props.revision = 1
    if when is not None:  # the newest return's date: fixed by the inputs, unlike "now"
        props.created = props.modified = when
    else:
        # CoreProperties can set a date, not remove one. python-docx loads core.xml as an XmlPart.
        core = cast("XmlPart", _core_part(document)).element

        for tag in ("created", "modified", "lastPrinted"):
            for node in core.findall(f"{{*}}{tag}"):
                core.remove(node)


# The parts a render writes values into; the rest come from the template as they are.
RENDERED_PARTS = re.compile(r"^(word/(document|header\d*|footer\d*|footnotes)\.xml|docProps/core\.xml)$")


def verify_docx(data: bytes, name: str) -> None:
    """Open a finished document strictly, without holding it all in memory:
    the package is sound, its structure parts (content types, relationships)
    parse, and every part holding rendered values parses as XML, streamed."""
    from xml.parsers import expat

    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            bad = package.testzip()
            if bad:
                raise ValueError(f"damaged entry {bad}")
            entries = package.namelist()
            if "[Content_Types].xml" not in entries or "word/document.xml" not in entries:
                raise ValueError("not a Word document package")
            for entry in entries:
                if entry.endswith(".rels") or entry == "[Content_Types].xml":
                    etree.fromstring(package.read(entry))
                elif RENDERED_PARTS.match(entry):
                    # Expat with no handlers: a strict well-formedness check in C that builds
                    # no tree (a 25 MB document.xml would be a 300 MB lxml tree).
                    checker = expat.ParserCreate()
                    with package.open(entry) as stream:
                        checker.ParseFile(stream)
    except Exception as exc:  # any failure (expat.ExpatError included) means we must not write it
        raise TemplateError(f"{name}: the rendered document does not open cleanly ({exc}); nothing was written.") from None


@dataclass(frozen=True)
class Rendered:
    data: bytes  # the .docx
    notes: list[str]  # what the template's tags would have moved in the page layout, kept; text beside {%p %} tags


def render_document(
    template: Path, context: dict, *, title: str, subject: str, author: str, when: dt.datetime | None = None,
) -> Rendered:
    """A rendered document, with a warning for each thing the template's tags would have moved in
    the page layout (a section break on a paragraph rendering removes), which was kept."""
    data, notes = _rendered_package(template, context, title=title, subject=subject, author=author, when=when)
    data = finish(data)  # each numbered list from 1; web addresses as links
    verify_docx(data, template.name)  # the template's trees are gone by now: one document in memory at a time
    return Rendered(data, notes)


def render_docx(
    template: Path, context: dict, *, title: str, subject: str, author: str, when: dt.datetime | None = None,
) -> bytes:
    """A rendered document's bytes alone (see render_document)."""
    return render_document(template, context, title=title, subject=subject, author=author, when=when).data


def _rendered_package(template: Path, context: dict, *, title: str, subject: str, author: str,
                      when: dt.datetime | None) -> tuple[bytes, list[str]]:
    import jinja2

    from .template_check import content_warnings, keep_layout, unreadable

    cls = _strict_template_class()
    try:
        tpl = cls(str(template))
        tpl.render_init()
        # A break that sits on a paragraph a {%p %} tag removes is moved, in this copy only.
        moved = keep_layout(tpl.docx)
        template_body = tpl.get_xml()
    except Exception as exc:
        raise TemplateError(f"{template}: {unreadable(Path(template), exc)}") from None
    notes = [f"{template}: {message}" for message in moved + content_warnings(template)]
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, finalize=_literal)
    try:
        if _needs_tree(tpl, template_body):
            return _render_through_tree(tpl, context, env, title=title, subject=subject, author=author,
                                        when=when), notes
        return _render_as_text(tpl, template, context, env, title=title, subject=subject, author=author,
                               when=when), notes
    except TemplateError:
        raise
    except jinja2.TemplateError as exc:
        raise _template_error(template, exc, context) from None


def _literal(value: object) -> object:
    """Every value exactly as typed. After rendering, docxtpl turns "{_{", "}_}",
    "{_%" and "%_}" into template tags' braces (for template authors); a chair's
    text holding them must come out as it is, so its braces are written as
    character references, which that replacement does not see."""
    if type(value) is not str or ("{" not in value and "}" not in value):
        return value  # Markup, RichText and numbers are the template's own; plain text is autoescaped
    from markupsafe import Markup, escape

    return Markup(str(escape(value)).replace("{", "&#123;").replace("}", "&#125;"))


def _needs_tree(tpl: DocxTemplate, template_body: str) -> bool:
    """Template features whose fixes docxtpl makes on the parsed body: column
    loops ({%tc %}), drawings (their ids are renumbered), footnotes."""
    footnotes = any(p.content_type.endswith(".footnotes+xml") for p in tpl.docx.part.package.parts)
    return "{%tc " in template_body or "docPr" in template_body or footnotes


def _render_through_tree(tpl: DocxTemplate, context: dict, env: jinja2.Environment, *, title: str, subject: str,
                         author: str, when: dt.datetime | None) -> bytes:
    """docxtpl's own render: the rendered body becomes an lxml tree (about ten
    times the size of its XML) that python-docx saves."""
    tpl.render(context, jinja_env=env)
    keep_tables_together_tree(tpl.docx.element.body)  # a merged group (a theme) stays on one page, or names itself
    document = tpl.docx
    _paragraph_in_every_cell(document)
    _set_properties(document, title=title, subject=subject, author=author, when=when)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue())


# A cell left with no paragraph (an empty list): only its properties, if any.
_EMPTY_CELL = re.compile(r"(<w:tc>(?:<w:tcPr>(?:(?!</w:tcPr>).)*</w:tcPr>)?)(</w:tc>)", re.S)
_EMPTY_PARAGRAPH = '<w:p><w:pPr><w:spacing w:before="0" w:after="0"/><w:rPr><w:sz w:val="12"/></w:rPr></w:pPr></w:p>'


def _render_as_text(tpl: DocxTemplate, template: Path, context: dict, env: jinja2.Environment, *, title: str,
                    subject: str, author: str, when: dt.datetime | None) -> bytes:

    """The same render, with the body kept as text: docxtpl's patch and Jinja
    render, checked strictly by expat, spliced into the template's package.
    No tree of the body is built, so a national plan's 27 MB body costs tens
    of MB, not hundreds."""
    from xml.parsers import expat

    body = tpl.build_xml(context, env)
    body = _EMPTY_CELL.sub(lambda m: m.group(1) + _EMPTY_PARAGRAPH + m.group(2), body)
    body = keep_tables_together(body)  # a merged group (a theme) stays on one page, or names itself
    try:
        expat.ParserCreate().Parse(body, True)
    except expat.ExpatError as exc:
        raise TemplateError(
            f"rendering produced broken XML ({exc}); a value or the template holds characters Word cannot "
            "store. This is a bug in ria-docs: please report it with the returns that caused it."
        ) from None
    replaced: dict[str, bytes] = {}
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for rel_key, xml in tpl.build_headers_footers_xml(context, uri, env):
            replaced[tpl.docx.part.rels[rel_key].target_part.partname.lstrip("/")] = xml
    tpl.render_properties(context, env)
    _set_properties(tpl.docx, title=title, subject=subject, author=author, when=when)
    core = _core_part(tpl.docx)
    replaced[core.partname.lstrip("/")] = core.blob
    with zipfile.ZipFile(template) as source:
        names = source.namelist()
        if core.partname.lstrip("/") not in names:  # a template without properties: let python-docx add them
            return _render_through_tree(tpl, context, env, title=title, subject=subject, author=author, when=when)
        document = source.read("word/document.xml").decode("utf-8")
        start, end = document.index("<w:body"), document.rindex("</w:body>") + len("</w:body>")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in names:
                entry = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
                entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
                if name == "word/document.xml":  # streamed in pieces: no second copy of the body
                    with target.open(entry, "w") as stream:
                        stream.write(document[:start].encode("utf-8"))
                        for offset in range(0, len(body), 1 << 20):
                            stream.write(body[offset:offset + (1 << 20)].encode("utf-8"))
                        stream.write(document[end:].encode("utf-8"))
                else:
                    target.writestr(entry, replaced.get(name) or source.read(name))
    return out.getvalue()
