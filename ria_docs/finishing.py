"""What a person's own Word document has that a template's loops cannot write.

After rendering: each run of numbered items becomes a list of its own, numbered
from 1 by Word (a template's "List Number" paragraphs all share one list, so
its numbers would run on from section to section); and web addresses in the
text become links. Applied to the rendered package, so both render paths get
it, and only where a document has either.
"""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape
from xml.sax.saxutils import escape, quoteattr

from .ooxml import normalise_zip

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{_W_NS}}}"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
DOCUMENT, NUMBERING, STYLES = "word/document.xml", "word/numbering.xml", "word/styles.xml"
DOCUMENT_RELS = "word/_rels/document.xml.rels"

# A web address as people type them: with its scheme, or starting www.; the
# punctuation of the sentence around it is not part of it.
WEB_ADDRESS = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\u2019\u201d"


def web_addresses(text: str) -> list[tuple[int, int, str]]:
    """(start, end, target) of each web address in ``text``; a www. address links to https://."""
    found = []
    for match in WEB_ADDRESS.finditer(text):
        start, end = match.span()
        while end > start and (text[end - 1] in _TRAILING
                               or (text[end - 1] == ")" and text[start:end].count("(") < text[start:end].count(")"))):
            end -= 1
        address = text[start:end]
        if "." not in address.split("//")[-1].strip("."):
            continue  # "www." alone, "http://" alone
        found.append((start, end, address if "://" in address else f"https://{address}"))
    return found


def finish(data: bytes) -> bytes:
    """The rendered package with its numbered lists restarted and its web addresses linked;
    the same bytes when it has neither."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = set(package.namelist())
        body = package.read(DOCUMENT).decode("utf-8")
        numbering = package.read(NUMBERING).decode("utf-8") if NUMBERING in names else None
        styles = package.read(STYLES).decode("utf-8") if STYLES in names else ""
        rels = package.read(DOCUMENT_RELS).decode("utf-8") if DOCUMENT_RELS in names else None
    changed: dict[str, str] = {}
    if numbering is not None:
        lists = _numbered_lists(body, numbering, styles)
        if lists is not None:
            body, numbering = lists
            changed[DOCUMENT], changed[NUMBERING] = body, numbering
    if rels is not None and WEB_ADDRESS.search(body):
        linked = _link_addresses(body, rels, styles)
        if linked is not None:
            changed[DOCUMENT], changed[DOCUMENT_RELS] = linked
    if not changed:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as package, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in package.infolist():
            content = changed[info.filename].encode("utf-8") if info.filename in changed else package.read(info)
            target.writestr(info, content)
    return normalise_zip(out.getvalue())


# -- numbered lists --------------------------------------------------------------------------------

def _style_numbering(styles: str, numbering: str) -> tuple[dict[str, str], set[str]]:
    """(numbered style id -> its abstract numbering, list style ids of any kind) of the template."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    numbering_root = etree.fromstring(numbering.encode("utf-8"), parser)
    abstract_of: dict[str, str] = {}
    for num in numbering_root.iter(f"{_W}num"):
        abstract_id = num.find(f"{_W}abstractNumId")
        if abstract_id is not None:
            abstract_of[num.get(f"{_W}numId", "")] = abstract_id.get(f"{_W}val", "")
    formats: dict[str, str] = {}
    for abstract in numbering_root.iter(f"{_W}abstractNum"):
        level = next((lvl for lvl in abstract.iter(f"{_W}lvl") if lvl.get(f"{_W}ilvl") == "0"), None)
        fmt = level.find(f"{_W}numFmt") if level is not None else None
        formats[abstract.get(f"{_W}abstractNumId", "")] = fmt.get(f"{_W}val", "decimal") if fmt is not None \
            else "decimal"
    styles_root = etree.fromstring(styles.encode("utf-8"), parser) if styles else None
    by_id = {s.get(f"{_W}styleId", ""): s for s in styles_root.iter(f"{_W}style")} if styles_root is not None else {}

    def num_id(style_id: str | None, depth: int = 0) -> str | None:
        style = by_id.get(style_id) if style_id else None
        if style is None or depth > 20:
            return None
        found = style.find(f"{_W}pPr/{_W}numPr/{_W}numId")
        if found is not None:
            return found.get(f"{_W}val")
        based = style.find(f"{_W}basedOn")
        return num_id(based.get(f"{_W}val"), depth + 1) if based is not None else None

    numbered: dict[str, str] = {}
    listed: set[str] = set()
    for style_id in by_id:
        abstract = abstract_of.get(num_id(style_id) or "")
        if abstract is None:
            continue
        listed.add(style_id)
        if formats.get(abstract) not in ("bullet", "none"):
            numbered[style_id] = abstract
    return numbered, listed


def _numbered_lists(body: str, numbering: str, styles: str) -> tuple[str, str] | None:
    """Each run of numbered paragraphs its own list: a heading, a bullet or other list
    paragraph, or a table ends a run; plain paragraphs between items (labels) do not."""
    numbered, listed = _style_numbering(styles, numbering)
    if not any(f'w:val="{style_id}"' in body for style_id in numbered):
        return None
    from lxml import etree

    from .ooxml import P_PR, insert_in_order

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(body.encode("utf-8"), parser)
    numbering_root = etree.fromstring(numbering.encode("utf-8"), parser)
    next_id = max((int(n.get(f"{_W}numId", "0")) for n in numbering_root.iter(f"{_W}num")), default=0) + 1
    current: str | None = None  # the numId of the list being written
    body_element = root.find(f"{_W}body")
    for child in (body_element if body_element is not None else []):
        if child.tag != f"{_W}p":
            current = None  # a table
            continue
        ppr = child.find(f"{_W}pPr")
        style_element = ppr.find(f"{_W}pStyle") if ppr is not None else None
        style = style_element.get(f"{_W}val") if style_element is not None else None
        if style in numbered and (ppr is None or ppr.find(f"{_W}numPr") is None):
            if current is None:
                current = str(next_id)
                next_id += 1
                num = etree.SubElement(numbering_root, f"{_W}num", {f"{_W}numId": current})
                etree.SubElement(num, f"{_W}abstractNumId", {f"{_W}val": numbered[style]})
                override = etree.SubElement(num, f"{_W}lvlOverride", {f"{_W}ilvl": "0"})
                etree.SubElement(override, f"{_W}startOverride", {f"{_W}val": "1"})
            assert ppr is not None  # it has a pStyle
            num_pr = etree.Element(f"{_W}numPr")
            etree.SubElement(num_pr, f"{_W}ilvl", {f"{_W}val": "0"})
            etree.SubElement(num_pr, f"{_W}numId", {f"{_W}val": current})
            insert_in_order(ppr, num_pr, P_PR)
        elif style in listed or _is_heading(ppr):
            current = None
    # CT_Numbering: every w:num after the last w:abstractNum (and before numIdMacAtCleanup).
    cleanup = numbering_root.find(f"{_W}numIdMacAtCleanup")
    if cleanup is not None:
        numbering_root.remove(cleanup)
        numbering_root.append(cleanup)
    return (etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True).decode("utf-8"),
            etree.tostring(numbering_root, xml_declaration=True, encoding="UTF-8", standalone=True).decode("utf-8"))


def _is_heading(ppr: object) -> bool:
    from lxml import etree

    if not isinstance(ppr, etree._Element):
        return False
    style = ppr.find(f"{_W}pStyle")
    name = style.get(f"{_W}val", "") if style is not None else ""
    return ppr.find(f"{_W}outlineLvl") is not None or bool(re.match(r"(Heading\d|Title|Subtitle)$", name))


# -- links -----------------------------------------------------------------------------------------

_RUN = re.compile(r"<w:r(?=[ >])([^>]*)>(.*?)</w:r>", re.S)
_RPR = re.compile(r"^(<w:rPr>.*?</w:rPr>|<w:rPr/>)", re.S)
_TEXT = re.compile(r"<w:t(?=[ >/])([^>]*)>([^<]*)</w:t>")
# Parts of the body not to link inside: a link already, a field's result.
_KEEP = re.compile(r"<w:hyperlink\b.*?</w:hyperlink>|<w:fldSimple\b.*?</w:fldSimple>", re.S)


def _link_addresses(body: str, rels: str, styles: str) -> tuple[str, str] | None:
    targets: dict[str, str] = {}  # target -> relationship id
    taken = set(re.findall(r'Id="([^"]+)"', rels))
    link_style = 'w:styleId="Hyperlink"' in styles

    def relation(target: str) -> str:
        if target not in targets:
            number = len(targets) + 1
            while f"rIdLink{number}" in taken:
                number += 1
            targets[target] = f"rIdLink{number}"
            taken.add(targets[target])
        return targets[target]

    def link_run(match: re.Match[str]) -> str:
        attributes, inner = match.group(1), match.group(2)
        if not WEB_ADDRESS.search(inner) or "<w:p" in inner or "<w:r " in inner or "<w:r>" in inner:
            return match.group(0)  # no address; or a drawing's text box, whose runs are matched on their own
        rpr_match = _RPR.match(inner)
        rpr = rpr_match.group(1) if rpr_match else ""
        opened = f"<w:r{attributes}>{rpr}"

        def link_text(text_match: re.Match[str]) -> str:
            text = unescape(text_match.group(2))
            pieces, at = [], 0
            for start, end, target in web_addresses(text):
                pieces.append(_t(text[at:start]))
                pieces.append(f"</w:r><w:hyperlink r:id={quoteattr(relation(target))} w:history=\"1\">"
                              f"<w:r>{_link_rpr(rpr, link_style)}{_t(text[start:end])}</w:r></w:hyperlink>{opened}")
                at = end
            if at == 0:
                return text_match.group(0)
            pieces.append(_t(text[at:]))
            return "".join(pieces)

        return f"<w:r{attributes}>" + _TEXT.sub(link_text, inner) + "</w:r>"

    pieces, at = [], 0
    for kept in _KEEP.finditer(body):
        pieces.append(_RUN.sub(link_run, body[at:kept.start()]))
        pieces.append(kept.group(0))
        at = kept.end()
    pieces.append(_RUN.sub(link_run, body[at:]))
    if not targets:
        return None
    added = "".join(f'<Relationship Id={quoteattr(rel_id)} Type="{_HYPERLINK}" Target={quoteattr(target)} '
                    'TargetMode="External"/>' for target, rel_id in targets.items())
    return "".join(pieces), rels.replace("</Relationships>", added + "</Relationships>")


def _t(text: str) -> str:
    return f'<w:t xml:space="preserve">{escape(text)}</w:t>'


def _link_rpr(rpr: str, link_style: bool) -> str:
    """The run's own properties, shown as a link: the template's Hyperlink style when it has
    one, else Word's blue and underline (in schema order)."""
    from lxml import etree

    from .ooxml import R_PR, insert_in_order

    wrapped = f'<w:rPr xmlns:w="{_W_NS}">' + (rpr[len("<w:rPr>"):-len("</w:rPr>")] if rpr.endswith("</w:rPr>")
                                               else "") + "</w:rPr>"
    element = etree.fromstring(wrapped)
    if link_style:
        for old in element.findall(f"{_W}rStyle"):
            element.remove(old)
        insert_in_order(element, etree.Element(f"{_W}rStyle", {f"{_W}val": "Hyperlink"}), R_PR)
    else:
        for name in ("color", "u"):
            for old in element.findall(f"{_W}{name}"):
                element.remove(old)
        insert_in_order(element, etree.Element(f"{_W}color", {f"{_W}val": "0563C1"}), R_PR)
        insert_in_order(element, etree.Element(f"{_W}u", {f"{_W}val": "single"}), R_PR)
    text = etree.tostring(element, encoding="unicode")
    return text.replace(f' xmlns:w="{_W_NS}"', "", 1)
