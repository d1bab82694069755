"""Checks on a Word template that a regional team can act on.

(1) Tag mistakes (lint_template, located_error): every {{ }} / {% %} tag of the
body, headers and footers is read in document order and the blocks matched
with a stack, so a problem is named by its place (the Heading 1 above it, the
table by its first row), the tag, and what to add or change. Jinja itself only
says "Unexpected end of template", with text from wherever docxtpl had got to.

(2) Layout that rendering would lose (layout_hazards, keep_layout): docxtpl
removes each paragraph holding a {%p %} tag (each row holding {%tr %}, each
cell holding {%tc %}) with everything it carries. Word and LibreOffice move
section breaks onto such paragraphs when a user saves, and the break (a page's
orientation, a new page) then vanishes from every rendered document.

Templates are only ever read: nothing here writes a template file.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from .ooxml import P_PR, insert_in_order

if TYPE_CHECKING:
    import jinja2
    from docx.document import Document
    from jinja2 import nodes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_P, _T, _TAB, _TBL, _TR, _TC = _w("p"), _w("t"), _w("tab"), _w("tbl"), _w("tr"), _w("tc")
_VAL = _w("val")

# ---------------------------------------------------------------- reading a template


@dataclass
class _Para:
    element: etree._Element
    part: str  # "body", "header" or "footer"
    text: str  # the w:t text, which is all docxtpl reads tags from
    shown: str  # as a reader sees it (tabs as spaces)
    heading: str | None  # the nearest Heading 1 above (body only)
    table: etree._Element | None  # innermost table holding it


@dataclass
class _Tag:
    para: _Para
    raw: str
    kind: str  # "expr", "stmt" or "comment"
    prefix: str  # "", "p", "tr", "tc" or "r"
    body: str  # inside the braces, without the prefix
    keyword: str = ""  # a statement's first word
    broken: bool = False  # not closed: reported already, still opens or ends its block

    @property
    def opener_form(self) -> str:
        return "{%" + (self.prefix or " ") + (" " if self.prefix else "") + self.keyword[3:] + " \u2026 %}"

    @property
    def end_tag(self) -> str:
        return "{%" + (self.prefix or " ") + (" " if self.prefix else "") + "end" + self.keyword + " %}"


@dataclass
class _Problem:
    message: str
    fails: bool = True  # makes rendering fail (else it renders, but wrongly)
    name: str = ""  # for undefined values: the missing name or attribute


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True)


def _own_text(p: etree._Element, shown: bool = False) -> str:
    """The paragraph's text, without that of paragraphs nested in it (text boxes)."""
    parts = []
    for node in p.iter(_T, _TAB):
        if next(node.iterancestors(_P), None) is not p:
            continue
        parts.append(node.text or "" if node.tag == _T else (" " if shown else ""))
    return "".join(parts)


def _heading_styles(styles_xml: bytes | None) -> set[str | None]:
    """Style ids of Heading 1, whatever Word's language called the id (None: a style with no id)."""
    ids: set[str | None] = {"Heading1"}
    if styles_xml:
        for style in etree.fromstring(styles_xml, _safe_parser()).iter(_w("style")):
            name = style.find(_w("name"))
            if name is not None and (name.get(_VAL) or "").lower() == "heading 1":
                ids.add(style.get(_w("styleId")))
    return ids


def _is_heading(p: etree._Element, heading_ids: set[str | None]) -> bool:
    ppr = p.find(_w("pPr"))
    if ppr is None:
        return False
    style, level = ppr.find(_w("pStyle")), ppr.find(_w("outlineLvl"))
    return (style is not None and style.get(_VAL) in heading_ids) or (level is not None and level.get(_VAL) == "0")


def _paragraphs(root: etree._Element, part: str, heading_ids: set[str | None]) -> list[_Para]:
    paras: list[_Para] = []
    heading = None
    for p in root.iter(_P):
        shown = " ".join(_own_text(p, shown=True).split())
        if part == "body" and _is_heading(p, heading_ids) and shown:
            heading = shown
        paras.append(_Para(p, part, _own_text(p), shown, heading, next(p.iterancestors(_TBL), None)))
    return paras


def _template_parts(path: Path) -> list[tuple[str, list[_Para]]]:
    """The parts docxtpl renders (body, headers, footers), each as its paragraphs. Read only."""
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        heading_ids = _heading_styles(package.read("word/styles.xml") if "word/styles.xml" in names else None)
        parts = [("body", "word/document.xml")]
        for kind in ("header", "footer"):
            parts += [(kind, n) for n in sorted(names) if re.fullmatch(rf"word/{kind}\d*\.xml", n)]
        return [(kind, _paragraphs(etree.fromstring(package.read(name), _safe_parser()), kind, heading_ids))
                for kind, name in parts]


# ---------------------------------------------------------------- where a tag is, in words


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " \u2026"


def _table_head(table: etree._Element) -> str:
    row = table.find(_TR)
    if row is None:
        return ""
    cells = [" ".join(" ".join(_own_text(p, shown=True) for p in tc.iter(_P)).split()) for tc in row.findall(_TC)]
    return _cut(" | ".join(c for c in cells if c), 32)


def _place(para: _Para, tag: _Tag | None = None) -> str:
    """'the table under "Section B: …" (headed "LA | …")', or the paragraph by its own text."""
    if para.part != "body":
        return f'the {para.part} paragraph "{_cut(para.shown, 60)}"'
    under = f'under "{para.heading}"' if para.heading else "near the start of the document"
    if para.table is not None:
        return f'the table {under} (headed "{_table_head(para.table)}")'
    if tag is not None and para.text.strip() == tag.raw:
        return f"a paragraph {under}"
    return f'the paragraph "{_cut(para.shown, 60)}" {under}'


# ---------------------------------------------------------------- finding the tags

_OPENERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_KINDS = {"{{": "expr", "{%": "stmt", "{#": "comment"}
_TOKEN = re.compile(r"\{[{%#]|%\}|\}\}")
_OPEN = re.compile(r"\{[{%#]")
_PREFIX = re.compile(r"^(tr|tc|p|r) ")
_SEP = "\x00"  # between paragraphs: never in a w:t
_SMART = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})  # docxtpl does the same

BLOCKS = {"for", "if", "with", "macro", "call", "filter", "block", "autoescape"}
MIDDLE = {"elif": {"if"}, "else": {"if", "for"}}
CELL_TAGS = {"vm", "hm", "cellbg", "colspan"}  # docxtpl's own, rewritten before Jinja reads the template
WHAT = {"for": "loop", "if": "condition"}
BY_PREFIX = {
    "tr": ("row ", "in a row below it"),
    "tc": ("column ", "in a cell to its right, in the same row"),
    "p": ("paragraph ", "in a paragraph below it"),
    "": ("", "after it"),
}


def _scan(paras: list[_Para]) -> tuple[list[_Tag], list[_Problem]]:
    """Every tag of one part in document order, and the tags that are broken or split."""
    text = _SEP.join(p.text for p in paras)
    starts, offset = [], 0
    for p in paras:
        starts.append(offset)
        offset += len(p.text) + 1

    def para_at(position: int) -> _Para:
        import bisect

        return paras[bisect.bisect_right(starts, position) - 1]

    tags, problems, pos = [], [], 0
    while (m := _TOKEN.search(text, pos)) is not None:
        token, para = m.group(), para_at(m.start())
        if token in ("%}", "}}"):
            opener = "{%" if token == "%}" else "{{"
            problems.append(_Problem(
                f'{_place(para)} has "{token}" with no "{opener}" before it, in '
                f'"{_cut(para.shown, 60)}": the tag\'s opening "{opener}" is missing or broken.'))
            pos = m.end()
            continue
        close = text.find(_OPENERS[token], m.end())
        following = _OPEN.search(text, m.end())
        if close < 0 or (following is not None and following.start() < close):
            end = text.find(_SEP, m.start())
            raw = text[m.start(): end if end >= 0 else len(text)].strip()
            problems.append(_Problem(
                f'{_place(para)} has a tag that is not closed: "{raw}" needs "{_OPENERS[token]}" at its end'
                + (f' (it ends "{raw[-1]}")' if raw[-1:] in "}%" else "") + "."))
            pos = m.end()
            # Still counted as the block it was meant to be, so its end tag is not reported too
            tags.append(_tag(para, raw, token, raw[2:].rstrip("}%"), broken=True))
            continue
        raw = text[m.start(): close + 2]
        pos = close + 2
        if _SEP in raw:  # docxtpl joins the paragraphs (or cells) the tag spans into one
            pieces = raw.split(_SEP)
            last = para_at(close)
            same_cell = next(para.element.iterancestors(_TC), None) is next(last.element.iterancestors(_TC), None)
            what = ("paragraphs", "they become one paragraph") if same_cell else (
                "table cells", "the cells become one and the row loses a cell")
            problems.append(_Problem(
                f'{_place(para)} has the tag "{"".join(pieces)}" split over {len(pieces)} {what[0]} '
                f'("{pieces[0]}" and "{pieces[-1]}"): rendering joins them, so {what[1]}. '
                f"Put the whole tag in one paragraph.", fails=False))
            raw = "".join(pieces)
        tags.append(_tag(para, raw, token, raw[2:-2]))
    return tags, problems


def _tag(para: _Para, raw: str, token: str, inner: str, broken: bool = False) -> _Tag:
    inner = inner.translate(_SMART)
    prefix_match = _PREFIX.match(inner)
    prefix = prefix_match.group(1) if prefix_match else ""
    body = inner[len(prefix):] if prefix else inner
    tag = _Tag(para, raw, _KINDS[token], prefix, body, broken=broken)
    if tag.kind == "stmt":
        tag.keyword = (body.strip().lstrip("-+").split() or [""])[0]
    return tag


# ---------------------------------------------------------------- checking them


def _jinja_env() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment()


def _syntax(tag: _Tag, env: jinja2.Environment) -> _Problem | None:
    """The tag alone, as Jinja reads it (a block with its end, so it stands on its own)."""
    import jinja2

    kw, body = tag.keyword, tag.body
    if tag.prefix and ("%" in body or "}" in body):
        return _Problem(
            f'{_place(tag.para, tag)} has {tag.raw}: a {{%{tag.prefix} %}} tag cannot hold "%" or "}}" '
            f"inside it; write the value without them (or set it in a plain {{% %}} tag first).")
    if tag.kind == "comment" or kw in CELL_TAGS:
        return None
    if kw in ("tr", "tc", "p", "r") and tag.kind == "stmt":
        fixed = "{%" + kw + body.strip()[len(kw):].rstrip() + " %}"
        # Matched as the tag it was meant to be, so its end tag is not reported as well
        tag.prefix, tag.keyword = kw, (body.split()[1:2] or [""])[0]
        return _Problem(f'{_place(tag.para, tag)} has {tag.raw}: write it {fixed}, with no space between "{{%" and "{kw}".')
    if tag.kind == "expr":
        source = "{{" + body + "}}"
    elif kw in BLOCKS or (kw == "set" and "=" not in body):
        source = "{%" + body + "%}{% end" + kw + " %}"
    elif kw in MIDDLE:  # inside the blocks it may stand in: an elif in an if alone
        source = "{% if x %}{%" + body + "%}{% endif %}"
    elif kw.startswith("end"):
        source = "{% " + kw[3:] + (" x in y" if kw == "endfor" else " x") + " %}{%" + body + "%}"
    else:
        source = "{%" + body + "%}"
    try:
        env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        known = sorted(BLOCKS | set(MIDDLE) | {"end" + b for b in BLOCKS} | {"set"})
        if exc.message and exc.message.startswith("Encountered unknown tag"):
            close = difflib.get_close_matches(kw, known, n=1)
            if close and close[0] in BLOCKS:
                tag.keyword = close[0]  # likewise: {% iff %} still opens what its {% endif %} ends
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            return _Problem(f'{_place(tag.para, tag)} has {tag.raw}: "{kw}" is not a template tag{hint}.')
        return _Problem(f"{_place(tag.para, tag)} has {tag.raw}, which is not written correctly ({exc.message}).")
    return None


def _describe(tag: _Tag) -> str:
    kind = BY_PREFIX[tag.prefix][0] + WHAT.get(tag.keyword, f'"{tag.keyword}" block')
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} ({tag.raw})"


def _of(other: _Tag, tag: _Tag) -> str:
    place = _place(other.para, other)
    return "" if place == _place(tag.para, tag) else f" (in {place})"


def _unclosed(tag: _Tag) -> _Problem:
    where = BY_PREFIX[tag.prefix][1] + (", in the same cell" if not tag.prefix and tag.para.table is not None else "")
    return _Problem(f"{_place(tag.para, tag)} starts {_describe(tag)} that never ends: add {tag.end_tag} {where}.")


def _blocks(tags: list[_Tag]) -> list[_Problem]:
    """Match openers and ends with a stack, naming each mistake once (no cascade)."""
    problems: list[_Problem] = []
    stack: list[_Tag] = []
    crossed: list[_Tag] = []
    for tag in tags:
        if tag.kind != "stmt":
            continue
        kw = tag.keyword
        if kw in BLOCKS or (kw == "set" and "=" not in tag.body):
            stack.append(tag)
        elif kw in MIDDLE:
            if not stack or stack[-1].keyword not in MIDDLE[kw]:
                problems.append(_Problem(
                    f"{_place(tag.para, tag)} has {tag.raw} but no {{%{tag.prefix or ' '}{' ' if tag.prefix else ''}"
                    f"if … %}} is open there: delete it, or add the {{%{tag.prefix or ' '}{' ' if tag.prefix else ''}"
                    f"if … %}} it belongs to above it."))
        elif kw.startswith("end") and kw[3:] in BLOCKS | {"set"}:
            want = kw[3:]
            open_ = [i for i, o in enumerate(stack) if o.keyword == want]
            if not open_:
                if any(o.keyword == want for o in crossed):  # its mistake is reported already
                    crossed.remove(next(o for o in crossed if o.keyword == want))
                elif stack:
                    top = stack.pop()
                    problems.append(_Problem(
                        f"{_place(tag.para, tag)} has {tag.raw} where {top.end_tag} was expected, to end "
                        f"{_describe(top)}{_of(top, tag)}: change it to {top.end_tag}."))
                else:
                    problems.append(_Problem(
                        f"{_place(tag.para, tag)} has {tag.raw} but no {tag.opener_form} is open there: "
                        f"delete it, or add the {tag.opener_form} it ends above it."))
                continue
            # The innermost opener it can end; one whose prefix matches wins, so a missing
            # {%p endfor %} inside a {%tr for %} row is blamed on the {%p for %}.
            chosen = open_[-1]
            if stack[chosen].prefix != tag.prefix:
                chosen = next((i for i in reversed(open_) if stack[i].prefix == tag.prefix), chosen)
            inner, opener = stack[chosen + 1:], stack[chosen]
            del stack[chosen:]
            for other in inner:
                if other.keyword == want or (tag.prefix and not other.prefix):
                    problems.append(_unclosed(other))  # a {% if %} in a cell is closed in that cell, or never
                    continue
                crossed.append(other)
                problems.append(_Problem(
                    f"{_place(tag.para, tag)} has {tag.raw}, which ends {_describe(opener)} while "
                    f"{_describe(other)}{_of(other, tag)} opened inside it is still open: "
                    f"the two cross. Put {other.end_tag} above {tag.raw}."))
            if opener.prefix != tag.prefix:
                problems.append(_Problem(
                    f"{_place(tag.para, tag)} ends {_describe(opener)} with {tag.raw}: write it {opener.end_tag}, "
                    f"so that both tags are of one kind."))
    problems += [_unclosed(o) for o in stack]
    return problems


def _placement(tag: _Tag) -> _Problem | None:
    if tag.prefix in ("tr", "tc") and tag.para.table is None:
        return _Problem(
            f"{_place(tag.para, tag)} has {tag.raw} outside a table: {{%{tag.prefix} %}} tags go in a table "
            f"{'row' if tag.prefix == 'tr' else 'cell'}; in a paragraph use {{%p … %}}.")
    if tag.keyword in CELL_TAGS and tag.para.table is None:
        return _Problem(f"{_place(tag.para, tag)} has {tag.raw} outside a table: it only works in a table cell.")
    return None


# ---------------------------------------------------------------- values ria-docs does not provide

_UNKNOWN = object()
JINJA_NAMES = {"loop", "range", "lipsum", "dict", "cycler", "joiner", "namespace", "true", "false", "none",
               "True", "False", "None"}


def _parsed(tag: _Tag, env: jinja2.Environment) -> nodes.Template | None:
    import jinja2

    kw, body = tag.keyword, tag.body
    if tag.kind == "expr":
        source = "{{" + body + "}}"
    elif kw in ("for", "if", "with"):
        source = "{%" + body + "%}{% end" + kw + " %}"
    elif kw == "elif":
        source = "{% if true %}{%" + body + "%}{% endif %}"
    elif kw in ("cellbg", "colspan"):
        source = "{{" + body.strip()[len(kw):] + "}}"
    elif kw == "set" and "=" in body:
        source = "{%" + body + "%}"
    else:
        return None
    try:
        return env.parse(source)
    except jinja2.TemplateSyntaxError:
        return None


def _path(node: nodes.Node) -> str:
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_path(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_path(node.node)}.{node.arg.value}"
    return "\u2026"


def _value(node: nodes.Node, scope: dict) -> object:
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        return scope.get(node.name, _UNKNOWN)
    if isinstance(node, (nodes.Getattr, nodes.Getitem)):
        key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", _UNKNOWN)
        base = _value(node.node, scope)
        if isinstance(base, dict):
            return base.get(key, _UNKNOWN)
        return _UNKNOWN if base is _UNKNOWN else getattr(base, str(key), _UNKNOWN)
    return _UNKNOWN


def _suggest(missing: str, known: Iterable[object]) -> str:
    names = sorted(str(k) for k in known)
    close = difflib.get_close_matches(missing, names, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f'"{c}"' for c in close) + "?"
    shown = ", ".join(names[:12]) + (", \u2026" if len(names) > 12 else "")
    return f"it provides: {shown}" if names else "it provides none there"


def _undefined(tags: list[_Tag], context: dict) -> list[_Problem]:
    """Names and attributes the tags use that the context does not hold, as Jinja's
    StrictUndefined would find them; loop variables stand for their list's first item."""
    from jinja2 import nodes

    env, problems = _jinja_env(), []
    frames: list[dict] = [dict(context)]
    for tag in tags:
        if tag.kind == "stmt" and tag.keyword.startswith("end") and tag.keyword[3:] in BLOCKS and len(frames) > 1:
            frames.pop()
        tree = _parsed(tag, env)
        scope = {k: v for frame in frames for k, v in frame.items()}
        bound: dict = {}
        if tree is not None:
            for loop in tree.find_all(nodes.For):
                items = _value(loop.iter, scope)
                sample = items[0] if isinstance(items, list) and items else _UNKNOWN
                for target in loop.target.find_all(nodes.Name) if not isinstance(loop.target, nodes.Name) else [loop.target]:
                    bound[target.name] = sample if isinstance(loop.target, nodes.Name) else _UNKNOWN
            for node in tree.find_all((nodes.Name, nodes.Getattr, nodes.Getitem)):
                if isinstance(node, nodes.Name):
                    if node.ctx == "load" and node.name not in scope and node.name not in bound \
                            and node.name not in JINJA_NAMES:
                        problems.append(_missing(tag, node.name, node.name, set(scope) - JINJA_NAMES))
                else:  # a Getattr, or a Getitem: its key when a constant one
                    if isinstance(node, nodes.Getattr):
                        key = node.attr
                    elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
                        key = node.arg.value
                    else:
                        continue
                    base = _value(node.node, {**scope, **bound})
                    if isinstance(base, dict) and key not in base:
                        problems.append(_missing(tag, str(key), _path(node), base.keys(), _path(node.node)))
            for assign in tree.find_all(nodes.Assign):
                for target in assign.target.find_all(nodes.Name) if not isinstance(assign.target, nodes.Name) else [assign.target]:
                    frames[-1][target.name] = _UNKNOWN
        if tag.kind == "stmt" and tag.keyword in BLOCKS:
            frames.append(bound)
    return problems


def _missing(tag: _Tag, name: str, path: str, known: Iterable[object], base: str = "") -> _Problem:
    options = _suggest(name, known)
    if base and options.startswith("did you mean"):
        options = options.replace('"', f'"{base}.', 1).replace(' or "', f' or "{base}.')
    return _Problem(
        f'{_place(tag.para, tag)} has {tag.raw}, which uses "{path}", a value ria-docs does not provide '
        f'({options}). The values are listed in the README, under "Values the templates can use".', name=name)


# ---------------------------------------------------------------- public


def _problems(path: Path, context: dict | None) -> list[_Problem]:
    env, found = _jinja_env(), []
    for _, paras in _template_parts(Path(path)):
        tags, problems = _scan(paras)
        for tag in tags:
            problem = None if tag.broken else _placement(tag) or _syntax(tag, env)
            if problem:
                problems.append(problem)
        problems += _blocks(tags)
        problems += _removed_text(paras)
        if context is not None:  # with the tag mistakes, so one pass lists everything
            problems += _undefined(tags, context)
        found += problems
    return found


def lint_template(path: Path | str, context: dict | None = None) -> list[str]:
    """Every tag problem of a template, each naming its place; empty when it is clean.

    With ``context`` (the values a render passes), also the values it uses that
    the context does not hold. The file is only read.
    """
    path = Path(path)
    try:
        return [f"{path.name}: {p.message}" for p in _problems(path, context)]
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        return [f"{path.name}: {unreadable(path, exc)}"]


def content_warnings(path: Path | str) -> list[str]:
    """What a template that renders would still lose: text beside a tag that removes its
    paragraph, row or cell. Rendering goes on; these are said, not raised."""
    try:
        # Only the scan and the removed text: a render of a sound template need not check each tag's syntax.
        return [p.message for _, paras in _template_parts(Path(path))
                for p in _scan(paras)[1] + _removed_text(paras) if not p.fails]
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return []  # rendering reports a file it cannot open


ODF_TEXT = b"application/vnd.oasis.opendocument.text"
SAVE_AS_DOCX = 'in Word or Writer, use File > Save As and choose "Word 2007-365 (.docx)"'


def unreadable(path: Path, exc: Exception) -> str:
    """Why a template cannot be opened, in words a team can act on."""
    try:
        with zipfile.ZipFile(path) as package:
            odf = "mimetype" in package.namelist() and package.read("mimetype").startswith(ODF_TEXT)
    except (OSError, zipfile.BadZipFile, KeyError):
        odf = False
    if odf:
        return f"is an OpenDocument (.odt) file, not a Word .docx one: {SAVE_AS_DOCX}."
    return f"cannot be read as a Word .docx template ({type(exc).__name__}): {SAVE_AS_DOCX}."


def located_error(template: Path, exc: Exception, context: dict | None) -> str | None:
    """The problem behind a failed render, in words and with its place (no file name),
    or None when the template shows none of the mistakes this module knows."""
    import jinja2

    try:
        problems = _problems(Path(template), context if isinstance(exc, jinja2.UndefinedError) else None)
    except Exception:  # a template docxtpl opened but we cannot read: keep Jinja's message
        return None
    if isinstance(exc, jinja2.UndefinedError):
        said = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", exc.message or "")
        name = next((g for g in said.groups() if g), None) if said else None
        undefined = [p for p in problems if p.name]
        chosen = next((p for p in undefined if p.name == name), undefined[0] if undefined else None)
        return chosen.message if chosen else None
    failing = [p for p in problems if p.fails]
    return failing[0].message if failing else None


# ---------------------------------------------------------------- what rendering removes

# docxtpl's patch_xml: the innermost paragraph / row / cell holding such a tag is
# replaced by the bare tag, and everything else in it is dropped.
_REMOVING = {y: re.compile(r"(\{%|\{\{)" + y + r" [^}%]*(%\}|\}\})|\{#" + y + r" [^}#]*#\}") for y in ("tr", "tc", "p")}
_HOLDER = {"tr": _TR, "tc": _TC, "p": _P}


def _removed_by_rendering(root: etree._Element) -> dict[etree._Element, str]:
    """{paragraph, row or cell element: the tag that removes it}."""
    removed: dict[etree._Element, str] = {}
    for p in root.iter(_P):
        text = _own_text(p)
        for prefix in ("tr", "tc", "p"):
            m = _REMOVING[prefix].search(text)
            if m:
                holder = p if prefix == "p" else next(p.iterancestors(_HOLDER[prefix]), None)
                if holder is not None:
                    removed.setdefault(holder, m.group())
    return removed


def _removed_text(paras: list[_Para]) -> list[_Problem]:
    """Text beside a {%p %} tag in its paragraph (or a {%tr %} tag in its row) is dropped silently."""
    problems: list[_Problem] = []
    if not paras:
        return problems
    root = paras[0].element.getroottree().getroot()
    by_node = {p.element: p for p in paras}
    for holder, tag in _removed_by_rendering(root).items():
        texts = [by_node[p].shown for p in ([holder] if holder.tag == _P else holder.iter(_P)) if p in by_node]
        rest = " ".join(" ".join(texts).replace(tag, " ").split())
        if rest:
            para = by_node[holder if holder.tag == _P else next(holder.iter(_P))]
            unit = {_P: "paragraph", _TR: "row", _TC: "cell"}[holder.tag]
            problems.append(_Problem(
                f'{_place(para)} has "{_cut(rest, 40)}" in the {unit} of {tag}, and rendering removes that whole '
                f"{unit}: put the text in a {unit} of its own.", fails=False))
    return problems


def _body(document: Document) -> etree._Element:
    return document.element.body


def _sect_words(sect: etree._Element) -> tuple[str, str]:
    size = sect.find(_w("pgSz"))
    orient = "portrait"
    if size is not None:
        wide = int(size.get(_w("w"), 0) or 0) > int(size.get(_w("h"), 0) or 0)
        orient = "landscape" if size.get(_w("orient")) == "landscape" or wide else "portrait"
    kind = sect.find(_w("type"))
    starts: dict[str | None, str] = {"nextPage": "new page", "continuous": "continuous", "evenPage": "new even page",
                                     "oddPage": "new odd page", "nextColumn": "new column"}
    start = starts.get(kind.get(_VAL) if kind is not None else "nextPage", "new page")
    return orient, start


@dataclass
class _Hazard:
    paragraph: etree._Element
    tag: str
    message: str
    sect: etree._Element | None = None
    page_break: list[etree._Element] = field(default_factory=list)


def _hazards(document: Document) -> list[_Hazard]:
    body = _body(document)
    removed = _removed_by_rendering(body)
    heading_ids = _heading_styles(document.styles.element.xml.encode() if hasattr(document, "styles") else None)
    hazards, heading = [], None
    all_sects = [p.find(f"{_w('pPr')}/{_w('sectPr')}") for p in body.iter(_P)]
    sects = [s for s in all_sects if s is not None] + [s for s in [body.find(_w("sectPr"))] if s is not None]
    for p in body.iter(_P):
        shown = " ".join(_own_text(p, shown=True).split())
        if _is_heading(p, heading_ids) and shown:
            heading = shown
        holder = next((h for h in [p, *p.iterancestors(_TR, _TC)] if h in removed), None)
        if holder is None:
            continue
        tag, unit = removed[holder], {_P: "paragraph", _TR: "table row", _TC: "table cell"}[holder.tag]
        section = f'"{heading}"' if heading else "the first part of the document"
        where = f'the paragraph "{_cut(shown, 40)}"' if holder is p else f'a {unit} holding "{tag}"'
        sect = p.find(f"{_w('pPr')}/{_w('sectPr')}")
        if sect is not None:
            orient, start = _sect_words(sect)
            after = sects[sects.index(sect) + 1] if sects.index(sect) + 1 < len(sects) else None
            becomes = f" ({_sect_words(after)[0]})" if after is not None else ""
            hazards.append(_Hazard(p, tag, (
                f"the section break that ends {section} ({orient}, {start}) sits on {where}, which rendering "
                f"removes: that section would run on into the next and take its page layout{becomes}. "
                f"In Word, put the section break after a paragraph that always stays, e.g. a paragraph "
                f"below the tag holding a space (Writer drops an empty one)."), sect=sect))
        ppr = p.find(_w("pPr"))
        before = ppr.find(_w("pageBreakBefore")) if ppr is not None else None
        breaks = [b for b in p.iter(_w("br")) if b.get(_w("type")) == "page"]
        if before is not None and before.get(_VAL, "true") in ("0", "false", "off"):
            before = None
        if before is not None or breaks:
            hazards.append(_Hazard(p, tag, (
                f"the page break on {where} (under {section}) is lost: rendering removes that {unit}. "
                f"In Word, put the page break on a paragraph that always stays, e.g. the first paragraph "
                f"after the tag (Paragraph > Line and Page Breaks > Page break before)."),
                page_break=[b for b in [before] if b is not None] + breaks))
    return hazards


def layout_hazards(document: Document) -> list[str]:
    """Section and page breaks on paragraphs (rows, cells) that docxtpl's {%p %}, {%tr %} and
    {%tc %} tags remove, in plain words, with the fix in Word. ``document`` is a python-docx
    Document: the template opened, or docxtpl's ``tpl.docx`` before rendering.

    List numbering on a removed paragraph is not reported: a restart belongs to the
    list's w:num (its startOverride), applied at the first paragraph using that num,
    so when the items below share the removed paragraph's num (as a restarted list's
    items do) the first kept item restarts instead; the removed paragraph only stops
    counting, which is what a tag paragraph should do."""
    return [h.message for h in _hazards(document)]


def _tag_keyword(tag: str) -> str:
    words = tag[2:].split()
    return words[1] if len(words) > 1 else ""


def keep_layout(document: Document) -> list[str]:

    """Move layout off what rendering removes, in the given Document only (never the file).

    A section break on a removed paragraph goes onto a new empty paragraph just
    after it (just before it, for a paragraph opening a loop or condition, so the
    break stays outside the block and still comes once); a page break on the
    paragraph closing a block goes onto the paragraph that follows it. Returns a
    warning for each move, then those hazards that could not be moved exactly.
    """
    from docx.oxml import OxmlElement

    done = []
    for hazard in _hazards(document):
        kw = _tag_keyword(hazard.tag)
        parent = hazard.paragraph.getparent()
        assert parent is not None  # a paragraph found in the body
        if hazard.sect is not None and parent.tag == _w("body"):
            if kw in MIDDLE:
                continue  # {%p else %}: both sides are inside the block; no exact place
            holder = OxmlElement("w:p")
            holder.append(OxmlElement("w:pPr"))
            holder[0].append(hazard.sect)  # lxml moves it: the removed paragraph keeps none
            opens = kw in BLOCKS
            (hazard.paragraph.addprevious if opens else hazard.paragraph.addnext)(holder)
            done.append(hazard.message.split(" sits on ")[0].replace("the section break", "Moved the section break", 1)
                        + f' off the paragraph "{hazard.tag}", which rendering removes, onto an empty paragraph '
                        f'{"before" if opens else "after"} it. To fix the template, in Word put the section break '
                        f"after a paragraph that always stays, e.g. a paragraph below the tag holding a space (Writer drops an empty one).")
        elif hazard.page_break and kw.startswith("end"):
            following = hazard.paragraph.getnext()
            if following is None or following.tag != _P or following in _removed_by_rendering(_body(document)):
                continue
            ppr = following.find(_w("pPr"))
            if ppr is None:
                ppr = OxmlElement("w:pPr")
                following.insert(0, ppr)
            if ppr.find(_w("pageBreakBefore")) is None:
                insert_in_order(ppr, OxmlElement("w:pageBreakBefore"), P_PR)
            for node in hazard.page_break:
                owner = node.getparent()
                assert owner is not None  # a w:br in its run, a w:pageBreakBefore in its pPr
                owner.remove(node)
            text = " ".join(_own_text(following, shown=True).split())
            done.append(f'Moved the page break off the paragraph "{hazard.tag}", which rendering removes, onto '
                        f'the paragraph after it ("{_cut(text, 40)}"). To fix the template, in Word put the page '
                        f"break on that paragraph (Paragraph > Line and Page Breaks > Page break before).")
    return done + layout_hazards(document)
