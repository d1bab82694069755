"""`ria-docs import`: read an RIA plan back from Word into region.toml and plan.json.

A plan in the seed's layout, made by hand or by ria-docs and then edited in
Word: Section A's paragraphs and reporting chart, and the tables of Sections
B, C and D, found by their header words (not by position). What it reads
becomes one return per network (the lead network's for a theme's rows, the
first network's for Section B), merged by the same rules as any round, so the
plan.json it writes is one a merge would write. Every guess (a theme's lead
network, a chart label matched to a Section D name) and every cell it could
not place goes into import-report.md.
"""

from __future__ import annotations

import difflib
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .exceptions import PlanDocumentError, RegionError
from .merge import merge_returns
from .model import TICK_FIELDS, Activity, Person, Plan, Source, Text, Ticks
from .network_return import NetworkReturn, ThemeEntry
from .region import RegionConfig, load_region
from .report import Report
from .return_layout import NOT_TICKED, RAG_WORDS, TICKED
from .text import clean_text, loose_key

if TYPE_CHECKING:
    from lxml import etree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REGION_TOML, PLAN_JSON, IMPORT_REPORT = "region.toml", "plan.json", "import-report.md"
_TITLE = re.compile(r"^(?P<region>.+?)\s+Regional Improvement and Innovation Alliance Plan\s+(?P<year>\S+)\s*$", re.I)
_SECTION = re.compile(r"^\s*Section\s+(?P<letter>[A-D])\s*[:.\-\u2013]", re.I)
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_THEME = re.compile(r"^(?P<code>[A-Z]{1,2})\s*[:.)\-\u2013]\s*(?P<title>.+)$")
_CONTINUED = " (continued)"
# A bullet glyph, or a dash or star and a space ("-5%" is a figure, not a bullet).
_TYPED_BULLET = re.compile(r"^(?:[\u2022\u00b7\u25aa\u25ab\u25e6\u2023\u2219\uf0b7]\s*|[-\u2013\u2014*]\s+)(?=\S)")
# Words too common in network names to tell one network from another.
_GENERIC = {"leads", "lead", "group", "network", "networks", "and", "regional", "region", "la", "the", "of", "for"}
CYCLE_INTRO = "The elements of the regional improvement cycle are:"


@dataclass(frozen=True)
class ImportNote:
    kind: str  # "guess", "unplaced" or "skipped" (the template's own text, made again by render)
    where: str  # "Section C table, row 5, cell 3"
    message: str


@dataclass
class ImportResult:
    folder: Path
    region: RegionConfig
    plan: Plan
    notes: list[ImportNote] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


# -- the document as blocks and cells ----------------------------------------------------------------

@dataclass
class _Para:
    text: str
    style: str  # the style's name ("List Bullet"), "" for the default
    listed: bool  # a Word list paragraph (numbering, or a list style)


@dataclass(eq=False)
class _Cell:
    paragraphs: list[_Para]
    row: int  # 1-based, as the report names them
    column: int

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
    def shown(self) -> str:
        """Its text as it stands, markers and all (a tick cell's "●" is its content)."""
        return " ".join(" ".join(p.text.split()) for p in self.paragraphs if p.text.strip())


def _paragraph(p: etree._Element, style_names: dict[str, str]) -> _Para:
    parts = []
    for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}instrText", f"{_W}delText"):
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    style = p.find(f"{_W}pPr/{_W}pStyle")
    style_name = style_names.get(style.get(f"{_W}val", ""), "") if style is not None else ""
    listed = p.find(f"{_W}pPr/{_W}numPr") is not None or "list" in style_name.lower()
    text = clean_text(_BOOKMARK.sub("", "".join(parts))).text
    return _Para(text, style_name, listed)


def _table(tbl: etree._Element, style_names: dict[str, str]) -> list[list[_Cell]]:
    """The table as rows of cells, one per grid column: a cell spanning columns, or merged down
    from the row above, is the same _Cell in each place it covers."""
    rows: list[list[_Cell]] = []
    for number, tr in enumerate(tbl.iter(f"{_W}tr"), start=1):
        if tr.getparent() is not tbl:
            continue  # a row of a table nested in a cell
        row: list[_Cell] = []
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        row += [_Cell([], number, c + 1) for c in range(int(before.get(f"{_W}val", "0")) if before is not None else 0)]
        for tc in tr.findall(f"{_W}tc"):
            span_element = tc.find(f"{_W}tcPr/{_W}gridSpan")
            span = int(span_element.get(f"{_W}val", "1")) if span_element is not None else 1
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            above = rows[-1][len(row)] if rows and len(rows[-1]) > len(row) else None
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue" and above is not None:
                cell = above
            else:
                cell = _Cell([_paragraph(p, style_names) for p in tc.iter(f"{_W}p")], number, len(row) + 1)
            row += [cell] * span
        rows.append(row)
    return rows


def _blocks(body: etree._Element, style_names: dict[str, str]) -> Iterator[_Para | list[list[_Cell]]]:
    for child in body:
        if child.tag == f"{_W}p":
            yield _paragraph(child, style_names)
        elif child.tag == f"{_W}tbl":
            yield _table(child, style_names)
        elif child.tag == f"{_W}sdt":  # a content control (a contents list, say): its paragraphs
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content, style_names)


# -- reading -------------------------------------------------------------------------------------------

def _open(path: Path) -> tuple[etree._Element, dict[str, str]]:
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


class _Importer:
    def __init__(self, path: Path, region_name: str | None, period: str | None):
        self.path = path
        self.file = path.name
        self.notes: list[ImportNote] = []
        self.region_name, self.period = region_name, period
        self.title = ""
        self.overview: list[str] = []
        self.chart: list[tuple[str, str | None]] = []  # (label, the label it reports to)
        self.la_rows: list[tuple[str, dict[str, list[Text]]]] = []
        self.themes: list[dict] = []  # code, title, outcome, lead text, activities, sources
        self.networks: list[dict] = []  # name, chair, director, contribution
        self.chart_heading = False  # Section A has its "Regional Networks" part

    def note(self, kind: str, where: str, message: str) -> None:
        self.notes.append(ImportNote(kind, where, message))

    def source(self, table: str, cell: _Cell) -> Source:
        return Source(file=self.file, sheet=table, cell=f"row {cell.row}, cell {cell.column}")

    # -- walking the document
    def read(self) -> None:
        body, style_names = _open(self.path)
        section: str | None = None
        in_chart = False
        before_cycle = True
        for block in _blocks(body, style_names):
            if isinstance(block, _Para):
                if block.style.lower().startswith("toc") or re.search(r"\t\s*\d+\s*$", block.text):
                    continue  # a contents entry
                found = _SECTION.match(block.text)
                if found:
                    section = found.group("letter").upper()
                    continue
                if section is None:
                    if not self.title and block.text and block.text.lower() != "contents":
                        self.title = block.text
                    continue
                if section == "A":
                    text = block.text.strip()
                    if text == CYCLE_INTRO:
                        before_cycle = False
                    elif loose_key(text) == "regional networks":
                        in_chart = self.chart_heading = True
                    elif text and before_cycle and not in_chart:
                        self.overview.append(" ".join(text.split()))
                continue
            self.table(block, section, in_chart)
        if self.chart_heading and not self.chart:
            self.note("guess", "Section A, the reporting chart", "the chart is not a table (a Word drawing?), so "
                      "who reports to whom is not read: add reports_to to the networks in region.toml")

    def table(self, rows: list[list[_Cell]], section: str | None, in_chart: bool) -> None:
        if not rows:
            return
        header = [loose_key(cell.text) for cell in rows[0]]
        joined = " | ".join(header)
        if "theme" in header and any("outcome" in h for h in header):
            self.section_c(rows)
        elif header[:1] == ["la"] and "support" in joined:
            self.section_b(rows)
        elif "network" in joined and "chair" in joined:
            self.section_d(rows)
        elif header[:1] == ["theme"] and "red" in header:
            self.note("skipped", "Section C", "the table of RAG counts by theme: made again from the activities")
        elif section == "A" and in_chart:
            self.section_a_chart(rows)
        elif section == "A" and "la self evaluation" in joined:
            self.note("skipped", "Section A", "the improvement cycle table: the template's own text")
        else:
            where = f"a table in Section {section}" if section else "a table before Section A"
            for cell in _distinct(rows):
                if cell.text:
                    self.note("unplaced", f"{where}, row {cell.row}, cell {cell.column}",
                              f'"{_short(cell.text)}" (a table whose headers are not a plan\'s: {joined[:80]})')

    def section_a_chart(self, rows: list[list[_Cell]]) -> None:
        """The reporting chart as ria-docs draws it: a top group across the row, then each group
        reporting to it with the groups reporting to that group listed beside it."""
        top: str | None = None
        for row in rows:
            cells = _distinct([row])
            if len(cells) == 1:
                top = cells[0].text
                if top:
                    self.chart.append((top, None))
            elif cells:
                member = cells[0].text
                if not member:
                    continue
                self.chart.append((member, top))
                for cell in cells[1:]:
                    self.chart += [(line, member) for line in cell.lines]

    def section_b(self, rows: list[list[_Cell]]) -> None:
        columns = {1: "support_needed", 2: "support_actions", 3: "strengths_and_offers", 4: "offer_actions"}
        for extra in range(5, len(rows[0])):
            self.note("unplaced", f"Section B table, column {extra + 1}",
                      f'the column "{rows[0][extra].text}" is not one of Section B\'s; its cells are listed below')
        for row in rows[1:]:
            la = row[0].text
            if not la:
                continue
            found: dict[str, list[Text]] = {}
            for index, cell in enumerate(row[1:], start=1):
                if index in columns:
                    found[columns[index]] = [Text(text=line, source=self.source("Section B table", cell))
                                             for line in cell.lines]
                elif cell.text:
                    self.note("unplaced", f"Section B table, row {cell.row}, cell {cell.column}", f'"{_short(cell.text)}"')
            self.la_rows.append((la, found))

    def section_c(self, rows: list[list[_Cell]]) -> None:
        second = rows[1] if len(rows) > 1 else []
        two_rows = any(loose_key(c.text) in ("regional group task", "ria lead", "sdsa", "rag") for c in second)
        keys = []
        for index in range(len(rows[0])):
            words = " ".join(loose_key(r[index].text) for r in rows[: 2 if two_rows else 1] if index < len(r))
            keys.append(_column_key(words))
        for index, key in enumerate(keys):
            if key is None:
                self.note("unplaced", f"Section C table, column {index + 1}",
                          f'the column "{rows[0][index].text}" is not one of Section C\'s; its cells are listed below')
        theme: dict | None = None
        done: set[int] = set()  # cells (merged over rows) already read
        for row in rows[2 if two_rows else 1:]:
            by_key = {key: row[i] for i, key in enumerate(keys) if key and i < len(row)}
            theme_cell = by_key.get("theme")
            label = theme_cell.text.removesuffix(_CONTINUED).strip() if theme_cell else ""
            if label and theme_cell is not None and (theme is None or label != theme["label"]):
                match = _THEME.match(label)
                if match is None:
                    then = "its row is read into the theme above" if theme else "its rows are not read"
                    self.note("unplaced", f"Section C table, row {theme_cell.row}, cell {theme_cell.column}",
                              f'"{_short(label)}" does not start with a theme letter ("A: ..."): {then}')
                    if theme is None:
                        continue
                else:
                    theme = {"label": label, "code": match.group("code"), "title": match.group("title"),
                             "outcome": [], "outcome_source": None, "lead": [], "lead_source": None,
                             "activities": [], "source": self.source("Section C table", theme_cell)}
                    self.themes.append(theme)
            if theme is None:
                continue
            for key, name in (("outcome", "outcome"), ("lead", "lead")):
                cell = by_key.get(key)
                if cell is None or id(cell) in done:
                    continue
                done.add(id(cell))
                lines = [line.removesuffix(_CONTINUED) for line in cell.lines]
                if lines and not theme[name] and not cell.text.endswith(_CONTINUED.strip()):
                    theme[name], theme[f"{name}_source"] = lines, self.source("Section C table", cell)
            activity = by_key.get("activity")
            bullets = activity.lines if activity is not None and id(activity) not in done else []
            if activity is not None:
                done.add(id(activity))
            ticks = {tick: by_key[tick].shown.lower() in TICKED for tick in TICK_FIELDS if tick in by_key}
            for tick in ticks:
                shown = by_key[tick].shown
                if shown and not ticks[tick] and shown.lower() not in NOT_TICKED:
                    self.note("unplaced", f"Section C table, row {by_key[tick].row}, cell {by_key[tick].column}",
                              f'"{_short(shown)}" is not a tick (●, ✓, ✔, X or Yes); the box is left unticked')
            rag_cell = by_key.get("rag")
            rag_text = loose_key(rag_cell.text) if rag_cell is not None else ""
            rag = RAG_WORDS.get(rag_text)
            if rag_text and rag is None and rag_cell is not None:
                self.note("unplaced", f"Section C table, row {rag_cell.row}, cell {rag_cell.column}",
                          f'"{_short(rag_cell.text)}" is not a RAG status; the activity has none')
            if not bullets:
                if any(ticks.values()) or rag is not None:
                    self.note("unplaced", f"Section C table, row {row[0].row}",
                              "a row with ticks or a RAG status but no activity text is not read")
                continue
            assert activity is not None  # it gave bullets
            theme["activities"].append((bullets, rag, ticks, self.source("Section C table", activity)))
            for i, key in enumerate(keys):
                if key is None and i < len(row) and row[i].text and id(row[i]) not in done:
                    done.add(id(row[i]))
                    self.note("unplaced", f"Section C table, row {row[i].row}, cell {row[i].column}",
                              f'"{_short(row[i].text)}"')

    def section_d(self, rows: list[list[_Cell]]) -> None:
        header = [loose_key(c.text) for c in rows[0]]
        def column(*words: str) -> int | None:
            return next((i for i, h in enumerate(header) if any(w in h for w in words)), None)
        name_at, chair_at = column("network"), column("chair", "lead")
        director_at, contribution_at = column("director"), column("contribution", "priorit")
        known = {name_at, chair_at, director_at, contribution_at}
        for row in rows[1:]:
            if name_at is None or not row[name_at].text:
                continue
            cell_at = {key: row[i] for key, i in (("chair", chair_at), ("director", director_at),
                                                  ("contribution", contribution_at)) if i is not None and i < len(row)}
            self.networks.append({
                "name": row[name_at].text,
                "chair": _person(cell_at.get("chair")), "chair_cell": cell_at.get("chair"),
                "director": _person(cell_at.get("director")), "director_cell": cell_at.get("director"),
                "contribution": [Text(text=line, source=self.source("Section D table", cell_at["contribution"]))
                                 for line in cell_at["contribution"].lines] if "contribution" in cell_at else [],
            })
            for i, cell in enumerate(row):
                if i not in known and cell.text:
                    self.note("unplaced", f"Section D table, row {cell.row}, cell {cell.column}", f'"{_short(cell.text)}"')

    # -- what it means
    def region(self) -> dict:
        title = _TITLE.match(self.title) if self.title else None
        region = self.region_name or (title.group("region") if title else None)
        plan_year = title.group("year") if title else None
        if not self.themes and not self.la_rows and not self.networks:
            raise PlanDocumentError(
                f"{self.path}: is not an RIA plan: it has none of the tables of Sections B, C and D (found by their "
                'headers: "LA" and "Support needed...", "Theme" and "Outcome", "Regional Network" and "Chair"). '
                "Give an RIA plan in the layout of the plan ria-docs makes.")
        if region is None:
            raise PlanDocumentError(
                f'{self.path}: its title ("{_short(self.title)}") does not say the region, as in "East Midlands '
                'Regional Improvement and Innovation Alliance Plan 2019/20". Give it with --region NAME.')
        if plan_year is None:
            plan_year = "not given"
            self.note("guess", "the title", 'the plan year is not in the title; region.toml says "not given": '
                      "correct plan_year there")
        period = self.period
        if period is None:
            period = plan_year
            self.note("guess", "the title", f'the plan does not say its return round: period is "{plan_year}" '
                      "(import with --period, or correct period in region.toml)")
        return {"region": region, "plan_year": plan_year, "period": period}

    def network_configs(self) -> list[dict]:
        """Section D's networks in order, then the chart's groups that are not in Section D."""
        configs = [{"name": n["name"], **_roster(n)} for n in self.networks]
        by_key = {_network_key(c["name"]): c for c in configs}
        label_of: dict[str, str] = {}  # chart label -> network name
        for label, _ in self.chart:
            if label in label_of:
                continue
            config = by_key.get(_network_key(label))
            if config is None:
                close = difflib.get_close_matches(_network_key(label), list(by_key), n=1, cutoff=0.75)
                if close:
                    config = by_key[close[0]]
                    self.note("guess", "Section A, the reporting chart",
                              f'"{label}" is taken to be the network "{config["name"]}" of Section D')
            if config is not None:
                label_of[label] = config["name"]
                if label != config["name"]:
                    config["structure_label"] = label
        parents = [parent for _, parent in self.chart if parent]
        for label, parent in self.chart:
            if label in label_of:
                continue
            if parent is None and label in parents and not any(lbl == label for lbl, p in self.chart if p):
                continue  # a top group (a DCS group): named as reports_to, not a network
            configs.append({"name": label, "show_in_section_d": False})
            by_key[_network_key(label)] = configs[-1]
            label_of[label] = label
        for label, parent in self.chart:
            if parent is not None and label in label_of:
                config = by_key[_network_key(label_of[label])]
                config.setdefault("reports_to", label_of.get(parent, parent))
        return configs

    def lead_network(self, theme: dict, names: list[str]) -> str:
        """The network a theme's "Lead responsibility" text names first: by its name, then by a
        word of its name no other network has ("EMSIG", "Participation"), then by its chair or
        director; else the first network, said in the report."""
        text = " ".join(theme["lead"])
        key = f" {_network_key(text)} "
        people = {n["name"]: [p[0] for p in (n["chair"], n["director"]) if p] for n in self.networks}
        words = {name: set(_network_key(name).split()) - _GENERIC for name in names}
        found, how = None, ""
        for way, match in (
            ("its name", lambda name: [f" {_network_key(name)} "]),
            ("a word of its name", lambda name: [f" {w} " for w in words[name] if len(w) > 3 and
                                                 not any(w in words[other] for other in names if other != name)]),
            ("its chair or director", lambda name: [f" {_network_key(p)} " for p in people.get(name, [])]),
        ):
            at = {name: min((key.find(m) for m in match(name) if key.find(m) >= 0), default=-1) for name in names}
            named = [name for name in names if at[name] >= 0]
            if named:
                found, how = min(named, key=lambda name: at[name]), way
                break
        where = f'Section C, theme {theme["code"]}'
        if found is None:
            self.note("guess", where, f'no network is named in its lead text ("{_short(text)}"): its lead is taken '
                      f"to be {names[0]}; correct lead in region.toml")
            return names[0]
        if loose_key(text) != loose_key(found):
            self.note("guess", where, f'its lead network is taken to be {found}, by {how}, from "{_short(text)}"')
        return found


def _column_key(words: str) -> str | None:
    for key, needles in (("regional_group_task", ("regional group",)), ("seminar_workshop", ("seminar", "workshop")),
                         ("project_work", ("project",)), ("ria_lead", ("ria lead",)), ("sdsa", ("sdsa",)),
                         ("rag", ("rag", "monitoring")), ("lead", ("lead",)), ("theme", ("theme",)),
                         ("outcome", ("outcome",)), ("activity", ("activit",))):
        if any(needle in words for needle in needles):
            return key
    return None


def _distinct(rows: list[list[_Cell]]) -> list[_Cell]:
    seen: set[int] = set()
    cells = []
    for row in rows:
        for cell in row:
            if id(cell) not in seen:
                seen.add(id(cell))
                cells.append(cell)
    return cells


def _short(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _network_key(name: str) -> str:
    return loose_key(name.replace("&", " and "))


def _person(cell: _Cell | None) -> tuple[str, str | None] | None:
    """"Name (LA)", or "Name" and "(LA)" on two lines, or "Name" alone."""
    if cell is None or not cell.text:
        return None
    text = " ".join(cell.text.split())
    match = re.match(r"^(?P<name>.*?)\s*\((?P<la>[^()]+)\)\s*$", text)
    # "A/B (Nottingham)/(Notts)": brackets inside the name mean it is not "Name (LA)"; kept whole.
    if match and match.group("name") and not re.search(r"[()/]$|\(", match.group("name")):
        return match.group("name"), match.group("la").strip()
    return text, None


def _roster(network: dict) -> dict:
    roster: dict[str, str] = {}
    for role in ("chair", "director"):
        person = network[role]
        if person:
            roster[role] = person[0]
            if person[1]:
                roster[f"{role}_la"] = person[1]
    return roster


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def region_toml(top: dict, overview: list[str], las: list[str], networks: list[dict], themes: list[dict]) -> str:
    lines = ["# Imported by ria-docs import from an RIA plan: check what import-report.md lists.", ""]
    lines += [f"{key} = {_toml(value)}" for key, value in top.items()]
    lines.append("las = [\n" + "".join(f"  {_toml(la)},\n" for la in las) + "]")
    lines.append("update_sections = []")
    if overview:
        body = "\n\n".join(overview).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        lines.append(f'overview = """\n{body}\n"""')
    for network in networks:
        lines += ["", "[[network]]"] + [f"{key} = {_toml(value)}" for key, value in network.items()]
    for theme in themes:
        lines += ["", "[[theme]]"] + [f"{key} = {_toml(value)}" for key, value in theme.items()]
    return "\n".join(lines) + "\n"


def import_plan(docx_path: Path, folder: Path, *, region: str | None = None, period: str | None = None) -> ImportResult:
    """Read ``docx_path`` into ``folder``/region.toml, plan.json and import-report.md; refuse to
    overwrite a region.toml or plan.json there."""
    from .outputs import create_new
    from .pipeline import plan_json

    docx_path, folder = Path(docx_path), Path(folder)
    taken = [name for name in (REGION_TOML, PLAN_JSON) if (folder / name).exists()]
    if taken:
        raise PlanDocumentError(f"{folder}: already holds {' and '.join(taken)}, which import would overwrite. "
                                "Import into a new folder.")
    importer = _Importer(docx_path, region, period)
    importer.read()
    top = importer.region()
    networks = importer.network_configs()
    if not any(n.get("show_in_section_d", True) for n in networks):
        raise PlanDocumentError(f"{docx_path}: has no Section D table of networks (headed \"Regional Network\" and "
                                "\"Chair\"), so there is no network to give the plan's content to.")
    names = [n["name"] for n in networks if n.get("show_in_section_d", True)]
    theme_configs = [{"code": t["code"], "title": t["title"], "lead": importer.lead_network(t, names)}
                     for t in importer.themes]
    text = region_toml(top, importer.overview, [la for la, _ in importer.la_rows], networks, theme_configs)
    staging = folder / f".ria-docs-import-{REGION_TOML}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging.write_text(text, encoding="utf-8")
        config = load_region(staging)
    except RegionError as exc:
        raise PlanDocumentError(f"{docx_path}: what it holds does not make a region.toml ria-docs can use: "
                                f"{exc}") from None
    finally:
        staging.unlink(missing_ok=True)
    returns = _returns(importer, config, theme_configs)
    report = Report()
    plan = merge_returns(config, returns, report)
    notes = importer.notes + [ImportNote("guess", p.where or "the merge", p.message) for p in report.problems]
    result = ImportResult(folder, config, plan, notes)
    report_md = import_report(docx_path, result)
    for name, data in ((REGION_TOML, text.encode("utf-8")), (PLAN_JSON, plan_json(plan))):
        if not create_new(folder / name, data):
            raise PlanDocumentError(f"{folder / name}: appeared while importing; nothing more was written.")
        result.written.append(folder / name)
    (folder / IMPORT_REPORT).write_text(report_md, encoding="utf-8")
    result.written.append(folder / IMPORT_REPORT)
    return result


def _returns(importer: _Importer, region: RegionConfig, themes: list[dict]) -> list[NetworkReturn]:
    """What the plan says, as one return per network: Section D's people and contribution, a
    theme's rows for its lead network, Section B for the first network."""
    by_name = {n.name: NetworkReturn(importer.file, n.name) for n in region.networks}
    for network in importer.networks:
        ret = by_name[network["name"]]
        # Each item names who reported it, as a merge's do: returns --from pre-fills it from that.
        ret.contribution = [t.model_copy(update={"network": ret.network}) for t in network["contribution"]]
        for role in ("chair", "director"):
            person, cell = network[role], network[f"{role}_cell"]
            if person:
                setattr(ret, role, Person(name=person[0], la=person[1], source=importer.source("Section D table", cell)))
    first = by_name[next(n.name for n in region.networks if n.show_in_section_d)]
    for la, columns in importer.la_rows:
        first.la_support[la] = {column: [t.model_copy(update={"network": first.network}) for t in items]
                                for column, items in columns.items()}
    for theme, config in zip(importer.themes, themes, strict=True):
        ret = by_name[config["lead"]]
        lead_text = theme["lead"]
        if [loose_key(line) for line in lead_text] == [loose_key(config["lead"])]:
            lead_text = []  # the lead network's name alone: what a plan shows when no return gave lead text
        entry = ret.themes.setdefault(theme["code"], ThemeEntry(theme["code"]))
        entry.outcome, entry.outcome_source = theme["outcome"], theme["outcome_source"]
        entry.lead_responsibility = lead_text
        entry.lead_responsibility_source = theme["lead_source"] if lead_text else None
        entry.activities = [Activity(bullets=bullets, rag=rag, ticks=Ticks(**ticks), network=config["lead"], source=source)
                            for bullets, rag, ticks, source in theme["activities"]]
    return list(by_name.values())


def import_report(docx_path: Path, result: ImportResult) -> str:
    plan = result.plan
    out = [f"# Import report: {docx_path.name}", "",
           f"Read {len(plan.region.las)} LA(s) (Section B), {len(plan.themes)} theme(s) with "
           f"{sum(len(t.activities) for t in plan.themes)} activities (Section C), "
           f"{sum(n.show_in_section_d for n in plan.region.networks)} network(s) (Section D), "
           f"{len(plan.region.overview_paragraphs)} paragraph(s) of Section A.", ""]
    for heading, kind, intro in (
        ("Guesses", "guess", "Check each in region.toml or plan.json."),
        ("Not placed", "unplaced", "Text in the document that is not in plan.json: add it to a return if it belongs."),
        ("Made again by render", "skipped", "The template's own text, or what is worked out from the rest."),
    ):
        notes = [n for n in result.notes if n.kind == kind]
        out += [f"## {heading} ({len(notes)})", ""]
        out += [intro, ""] + [f"- {n.where}: {n.message}" for n in notes] if notes else ["None."]
        out.append("")
    return "\n".join(out)
