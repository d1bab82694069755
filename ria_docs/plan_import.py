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
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .docx_reader import Cell, Para, blocks, distinct, open_document
from .exceptions import PlanDocumentError, RegionError
from .merge import merge_returns
from .model import TICK_FIELDS, Activity, Person, Plan, Rag, Source, Text, Ticks
from .network_return import NetworkReturn, ThemeEntry
from .region import RegionConfig, load_region
from .report import Report
from .return_layout import NOT_TICKED, RAG_WORDS, TICKED
from .text import loose_key

REGION_TOML, PLAN_JSON, IMPORT_REPORT = "region.toml", "plan.json", "import-report.md"
# "East Midlands Regional Improvement and Innovation Alliance Plan 2019/20", "East Midlands RIA Plan 2019-20".
_TITLE = re.compile(r"^(?P<region>.+?)\s+(?:Regional Improvement and Innovation Alliance|RIA)(?:\s+\(RIA\))?\s+Plan\b",
                    re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\s*[/-]\s*(?:(?:19|20)?\d\d)\b")
_SECTION = re.compile(r"^\s*Section\s+(?P<letter>[A-D])\b\s*[:.\-\u2013\u2014]?\s*", re.I)
_THEME = re.compile(r"^(?:Theme\s+)?\(?(?P<code>[A-Za-z0-9]{1,3})\s*[:.)\-\u2013\u2014]\s*(?P<title>.+)$", re.I)
# The shades a RAG cell may have instead of a word: Word's and the documents' reds, ambers, greens and blues.
_RAG_SHADES = [(Rag.RED, (0xFF, 0x00, 0x00)), (Rag.RED, (0xF8, 0x69, 0x6B)), (Rag.AMBER, (0xFF, 0xC0, 0x00)),
               (Rag.AMBER, (0xFF, 0xEB, 0x84)), (Rag.GREEN, (0x00, 0xB0, 0x50)), (Rag.GREEN, (0x92, 0xD0, 0x50)),
               (Rag.GREEN, (0x63, 0xBE, 0x7B)), (Rag.BLUE, (0x00, 0x70, 0xC0)), (Rag.BLUE, (0x9D, 0xC3, 0xE6))]
_CONTINUED = " (continued)"
# Words too common in network names to tell one network from another.
_GENERIC = {"leads", "lead", "group", "network", "networks", "and", "regional", "region", "la", "the", "of", "for"}
CYCLE_INTRO = "The elements of the regional improvement cycle are:"
CHART_INTRO = "The key priorities of regional networks are described in"
# Sentences of the plan template's own (made again by render): not the plan's content.
_TEMPLATE_TEXT = {"RAG status of the activities, by theme (Blue: complete):",
                  "● marks the nature of each activity and who supports it. RAG: Red, Amber, Green; Blue when complete."}
_SECTION_TITLES = {"A": "regional overview", "B": "brokered support for las", "C": "joint work programme",
                   "D": "regional networks"}


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


class _Importer:
    def __init__(self, path: Path, region_name: str | None, period: str | None, plan_year: str | None = None):
        self.path = path
        self.file = path.name
        self.notes: list[ImportNote] = []
        self.region_name, self.period, self.plan_year = region_name, period, plan_year
        self.title = ""
        self.overview: list[str] = []
        self.chart: list[tuple[str, str | None]] = []  # (label, the label it reports to)
        self.la_rows: list[tuple[str, dict[str, list[Text]]]] = []
        self.themes: list[dict] = []  # code, title, outcome, lead text, activities, sources
        self.networks: list[dict] = []  # name, chair, director, contribution
        self.chart_heading = False  # Section A has its "Regional Networks" part
        self.last_table: tuple[str | None, str, int] | None = None  # (section, kind, width) of the last plan table
        self.last_header: tuple[list[Cell], list[Cell] | None] | None = None  # its header row and the next

    def note(self, kind: str, where: str, message: str) -> None:
        self.notes.append(ImportNote(kind, where, message))

    def source(self, table: str, cell: Cell) -> Source:
        return Source(file=self.file, sheet=table, cell=f"row {cell.row}, cell {cell.column}")

    # -- walking the document
    def read(self) -> None:
        body, style_names = open_document(self.path)
        section: str | None = None
        in_chart = False
        title: list[str] = []
        for block in blocks(body, style_names):
            if isinstance(block, Para):
                for box in block.boxes:
                    self.note("unplaced", f"a text box in {f'Section {section}' if section else 'the title'}",
                              f'"{_short(box)}": text boxes are not part of the plan\'s text')
                if block.style.lower().startswith("toc") or re.search(r"\t\s*\d+\s*$", block.text):
                    continue  # a contents entry
                letter = _section_heading(block)
                if letter:
                    section, in_chart = letter, False
                    continue
                text = " ".join(block.text.split())
                if not text:
                    continue
                if section is None:
                    if loose_key(text) != "contents":
                        title.append(text)
                elif section == "A":
                    if text == CYCLE_INTRO:
                        continue
                    if loose_key(text) == "regional networks":
                        in_chart = self.chart_heading = True
                    elif in_chart and text.startswith(CHART_INTRO):
                        continue
                    elif in_chart:
                        self.note("unplaced", "Section A, under Regional Networks", f'"{_short(text)}"')
                    else:
                        self.overview.append(text)
                elif text not in _TEMPLATE_TEXT:
                    self.note("unplaced", f"Section {section}, a paragraph", f'"{_short(text)}": only Section '
                              "A's paragraphs are read; the other sections are their tables")
                continue
            self.table(block, section, in_chart)
        # The paragraph that reads as a plan's title (a "DRAFT" line may stand above it), else the first lines.
        self.title = next((t for t in title if _TITLE.search(t)), " ".join(title[:3]))
        if self.chart_heading and not self.chart:
            self.note("guess", "Section A, the reporting chart", "the chart is not a table (a Word drawing?), so "
                      "who reports to whom is not read: add reports_to to the networks in region.toml")

    def table(self, rows: list[list[Cell]], section: str | None, in_chart: bool) -> None:
        if not rows:
            return
        at, kind = _header_row(rows)
        if kind is None and self.last_table is not None and section == self.last_table[0] \
                and len(rows[0]) == self.last_table[2]:
            kind, at = self.last_table[1], -1  # the table above, carried on in a second table with no header
            self.note("guess", f"a table in Section {section}", f"a table with no header, below the {kind} table "
                      "and as wide, is read as more of it")
        for skipped in rows[:max(at, 0)]:
            for cell in distinct([skipped]):
                if cell.text:
                    self.note("skipped", f"a title row of the {kind or 'a'} table", f'"{_short(cell.text)}"')
        if at >= 0:
            header, body = rows[at], rows[at + 1:]
            second = body[0] if body else None
        else:  # the table above, carried on: read with its header rows
            assert self.last_header is not None  # set with last_table
            header, second = self.last_header
            body = ([second] if second is not None and kind == "Section C" else []) + rows
        if kind in ("Section B", "Section C", "Section D"):
            self.last_table = (section, kind, len(rows[0]))
            if at >= 0:
                self.last_header = (header, second)
            {"Section B": self.section_b, "Section C": self.section_c, "Section D": self.section_d}[kind](
                header, body, second)
            return
        self.last_table = None
        joined = " | ".join(loose_key(cell.text) for cell in rows[0])
        if kind == "RAG summary":
            self.note("skipped", "Section C", "the table of RAG counts by theme: made again from the activities")
        elif section == "A" and in_chart:
            self.section_a_chart(rows)
        elif section == "A" and "la self evaluation" in joined:
            self.note("skipped", "Section A", "the improvement cycle table: the template's own text")
        else:
            where = f"a table in Section {section}" if section else "a table before Section A"
            for cell in distinct(rows):
                if cell.text:
                    self.note("unplaced", f"{where}, row {cell.row}, cell {cell.column}",
                              f'"{_short(cell.text)}" (a table whose headers are not a plan\'s: {joined[:80]})')

    def section_a_chart(self, rows: list[list[Cell]]) -> None:
        """The reporting chart as ria-docs draws it: a top group across the row, then each group
        reporting to it with the groups reporting to that group listed beside it."""
        top: str | None = None
        for row in rows:
            cells = distinct([row])
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

    def _unplaced_columns(self, table: str, header: list[Cell], keys: list[str | None]) -> None:
        for index, key in enumerate(keys):
            if key is None and header[index].text and (index == 0 or header[index] is not header[index - 1]):
                self.note("unplaced", f"{table} table, column {index + 1}", f'the column "{header[index].text}" is '
                          f"not one of {table}'s; its cells are listed below")

    def _rest_of_row(self, table: str, row: list[Cell], keys: list[str | None], done: set[int]) -> None:
        for i, key in enumerate(keys):
            if key is None and i < len(row) and row[i].text and id(row[i]) not in done:
                done.add(id(row[i]))
                self.note("unplaced", f"{table} table, row {row[i].row}, cell {row[i].column}", f'"{_short(row[i].text)}"')

    @staticmethod
    def _is_header_again(row: list[Cell], header: list[Cell]) -> bool:
        """A header row typed again further down (a table continued on a new page, by hand)."""
        texts = [loose_key(c.text) for c in row]
        return any(texts) and texts == [loose_key(c.text) for c in header][:len(texts)]

    def section_b(self, header: list[Cell], rows: list[list[Cell]], _second: list[Cell] | None) -> None:
        # By header words: "Actions" is the actions of the column before it (support, or strengths and offers).
        keys: list[str | None] = []
        last = None
        for index, cell in enumerate(header):
            words = loose_key(cell.text)
            key: str | None
            if index == 0:
                key = "la"
            elif "need" in words or "request" in words or ("support" in words and "action" not in words):
                key = last = "support_needed"
            elif ("strength" in words or "offer" in words) and "action" not in words:
                key = last = "strengths_and_offers"
            elif "action" in words:
                key = {"support_needed": "support_actions", "strengths_and_offers": "offer_actions"}.get(last or "")
            else:
                key = None
            keys.append(key if key not in keys else None)
        self._unplaced_columns("Section B", header, keys)
        for row in rows:
            if self._is_header_again(row, header):
                continue
            la = row[0].text
            done: set[int] = {id(row[0])}
            if not la:
                self._rest_of_row("Section B", row, [None] * len(row), done)
                continue
            found: dict[str, list[Text]] = {}
            for index, key in enumerate(keys):
                if key and key != "la" and index < len(row):
                    done.add(id(row[index]))
                    found[key] = [Text(text=line, source=self.source("Section B table", row[index]))
                                  for line in row[index].items]
            self._rest_of_row("Section B", row, keys, done)
            self.la_rows.append((la, found))

    def section_c(self, header: list[Cell], rows: list[list[Cell]], second: list[Cell] | None) -> None:
        sub_keys = [_column_key(loose_key(c.text)) for c in second or []]
        two_rows = any(key in (*TICK_FIELDS, "rag") for key in sub_keys)
        if two_rows:
            rows = rows[1:]
        keys = []
        for index in range(len(header)):
            words = loose_key(header[index].text)
            if two_rows and second is not None and index < len(second) and second[index] is not header[index]:
                words += " " + loose_key(second[index].text)
            keys.append(_column_key(words))
        self._unplaced_columns("Section C", header, keys)
        theme: dict | None = None
        done: set[int] = set()  # cells (merged over rows) already read
        for row in rows:
            if self._is_header_again(row, header) or (two_rows and second and self._is_header_again(row, second)):
                continue
            by_key = {key: row[i] for i, key in enumerate(keys) if key and i < len(row)}
            theme_cell = by_key.get("theme")
            label = " ".join(theme_cell.text.removesuffix(_CONTINUED).split()) if theme_cell else ""
            if label and theme_cell is not None and (theme is None or label != theme["label"]):
                theme = self._theme(label, theme_cell)
            if theme is None:
                self._rest_of_row("Section C", row, [None] * len(row), done)
                continue
            for key in ("outcome", "lead"):
                cell = by_key.get(key)
                if cell is None or id(cell) in done:
                    continue
                done.add(id(cell))
                lines = [line.removesuffix(_CONTINUED) for line in cell.lines]
                if cell.text.endswith(_CONTINUED.strip()) and theme[key]:
                    continue  # a long theme's next part, naming it again
                if lines:
                    theme[key] += lines  # given over several rows of the theme: all of it
                    theme[f"{key}_source"] = theme[f"{key}_source"] or self.source("Section C table", cell)
            if theme_cell is not None:
                done.add(id(theme_cell))
            activity = by_key.get("activity")
            bullets = activity.items if activity is not None and id(activity) not in done else []
            if activity is not None:
                done.add(id(activity))
                if activity.nested:
                    self.note("guess", f"Section C table, row {activity.row}, cell {activity.column}",
                              "a table inside the activity cell is read a row a bullet")
            ticks = {}
            for tick in TICK_FIELDS:
                if tick in by_key:
                    done.add(id(by_key[tick]))
                    shown = by_key[tick].shown
                    ticks[tick] = shown.lower() in TICKED
                    if shown and not ticks[tick] and shown.lower() not in NOT_TICKED:
                        self.note("unplaced", f"Section C table, row {by_key[tick].row}, cell {by_key[tick].column}",
                                  f'"{_short(shown)}" is not a tick (●, ✓, ✔, X or Yes); the box is left unticked')
            rag = self._rag(by_key.get("rag"))
            if not bullets:
                if any(ticks.values()) or rag is not None:
                    self.note("unplaced", f"Section C table, row {row[0].row}",
                              "a row with ticks or a RAG status but no activity text is not read")
                self._rest_of_row("Section C", row, keys, done)
                continue
            assert activity is not None  # it gave bullets
            theme["activities"].append((bullets, rag, ticks, self.source("Section C table", activity)))
            self._rest_of_row("Section C", row, keys, done)

    def _theme(self, label: str, cell: Cell) -> dict:
        match = _THEME.match(label)
        if match:
            code, title = match.group("code").upper(), match.group("title").strip()
        else:
            used = {t["code"] for t in self.themes}
            code = next(c for c in (chr(ord("A") + i) for i in range(26)) if c not in used)
            title = label
            self.note("guess", f"Section C table, row {cell.row}, cell {cell.column}",
                      f'"{_short(label)}" does not start with a theme letter ("A: ..."): it is theme {code}')
        theme: dict = {"label": label, "code": code, "title": title, "outcome": [], "outcome_source": None,
                 "lead": [], "lead_source": None, "activities": [], "source": self.source("Section C table", cell)}
        same = next((t for t in self.themes if t["code"] == code), None)
        if same is not None and loose_key(same["title"]) == loose_key(title):
            self.note("guess", f"Section C table, row {cell.row}, cell {cell.column}",
                      f'theme {code} is given again further down: its rows are read into the first')
            return same
        if same is not None:  # "a) ..." for every theme, or a letter used twice: another theme all the same
            used = {t["code"] for t in self.themes}
            theme["code"] = next(c for c in (chr(ord("A") + i) for i in range(26)) if c not in used)
            self.note("guess", f"Section C table, row {cell.row}, cell {cell.column}",
                      f'"{_short(label)}" has the letter of theme {code} ("{_short(same["title"], 40)}"): '
                      f'it is theme {theme["code"]}')
        self.themes.append(theme)
        return theme

    def _rag(self, cell: Cell | None) -> Rag | None:
        """The RAG status a cell says, or its shading shows (the nearest of red, amber, green and blue)."""
        if cell is None:
            return None
        text = loose_key(cell.text)
        if text:
            if text in RAG_WORDS:
                return RAG_WORDS[text]
            self.note("unplaced", f"Section C table, row {cell.row}, cell {cell.column}",
                      f'"{_short(cell.text)}" is not a RAG status; the activity has none')
            return None
        if cell.fill is None or not re.fullmatch(r"[0-9A-Fa-f]{6}", cell.fill):
            return None
        rgb = [int(cell.fill[i:i + 2], 16) for i in (0, 2, 4)]
        if max(rgb) - min(rgb) < 40:
            return None  # grey or white: no status
        nearest = min(_RAG_SHADES, key=lambda shade: sum((a - b) ** 2 for a, b in zip(rgb, shade[1], strict=True)))
        self.note("guess", f"Section C table, row {cell.row}, cell {cell.column}",
                  f"no RAG word, but shaded #{cell.fill.upper()}: taken to be {nearest[0].value}")
        return nearest[0]

    def section_d(self, header_cells: list[Cell], rows: list[list[Cell]], _second: list[Cell] | None) -> None:
        header = [loose_key(c.text) for c in header_cells]

        def column(wanted: str, unwanted: str = "") -> int | None:
            return next((i for i, h in enumerate(header) if wanted in h and not (unwanted and unwanted in h)), None)
        name_at = column("network")
        chair_at = column("chair") if column("chair") is not None else column("lead", "director")
        director_at = column("director")
        contribution_at = column("contribution") if column("contribution") is not None else column("priorit")
        keys: list[str | None] = [None] * len(header)
        for key, at in (("name", name_at), ("chair", chair_at), ("director", director_at),
                        ("contribution", contribution_at)):
            if at is not None:
                keys[at] = key
        self._unplaced_columns("Section D", header_cells, keys)
        for row in rows:
            if self._is_header_again(row, header_cells):
                continue
            done: set[int] = set()
            if name_at is None or not row[name_at].text:
                self._rest_of_row("Section D", row, [None] * len(row), done)
                continue
            cell_at = {key: row[i] for key, i in (("chair", chair_at), ("director", director_at),
                                                  ("contribution", contribution_at)) if i is not None and i < len(row)}
            done |= {id(row[name_at]), *(id(c) for c in cell_at.values())}
            self.networks.append({
                "name": row[name_at].text,
                "chair": _person(cell_at.get("chair")), "chair_cell": cell_at.get("chair"),
                "director": _person(cell_at.get("director")), "director_cell": cell_at.get("director"),
                "contribution": [Text(text=line, source=self.source("Section D table", cell_at["contribution"]))
                                 for line in cell_at["contribution"].items] if "contribution" in cell_at else [],
            })
            self._rest_of_row("Section D", row, keys, done)

    # -- what it means
    def region(self) -> dict:
        title = _TITLE.search(self.title) if self.title else None
        region = self.region_name or (title.group("region").strip(" -:") if title else None)
        year = _YEAR.search(self.title) if self.title else None
        plan_year = self.plan_year or (year.group(0).replace("-", "/") if year else None)
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
            raise PlanDocumentError(
                f'{self.path}: its title ("{_short(self.title)}") does not give the plan\'s year, as in "East '
                'Midlands Regional Improvement and Innovation Alliance Plan 2019/20". Give it with --plan-year, '
                'e.g. --plan-year 2019/20.')
        period = self.period
        if period is None:
            period = plan_year
            self.note("guess", "the title", f'the plan does not say its return round: period is "{plan_year}" '
                      "(import with --period, or correct period in region.toml)")
        return {"region": region, "plan_year": plan_year, "period": period}

    def split_people(self, las: list[str]) -> None:
        """"Name, LA" and "Name - LA" where the part after is one of the plan's LAs: the person and their LA."""
        keys = {loose_key(la): la for la in las}
        for network in self.networks:
            for role in ("chair", "director"):
                person = network[role]
                if not person or person[1]:
                    continue
                match = re.match(r"^(?P<name>.+?)\s*(?:,|\s[-\u2013\u2014])\s*(?P<la>[^,]+)$", person[0])
                if match and loose_key(match.group("la")) in keys:
                    network[role] = (match.group("name"), keys[loose_key(match.group("la"))])
                    self.note("guess", f'Section D, {network["name"]}',
                              f'"{person[0]}" is taken to be {match.group("name")} of {network[role][1]}')

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


def _section_heading(para: Para) -> str | None:
    """The section a paragraph heads ("Section C:<tab>Joint work programme", "Section C - Joint work
    programme", "Section C Joint work programme", or a Heading style with "Section C"), else None: a
    sentence that starts "Section C - the joint work programme - is..." is not a heading."""
    found = _SECTION.match(para.text)
    if not found:
        return None
    letter = found.group("letter").upper()
    rest = loose_key(para.text[found.end():])
    heading_style = para.style.lower().startswith(("heading", "title"))
    if heading_style or rest.startswith(_SECTION_TITLES[letter]) or (len(para.text) <= 60 and not rest):
        return letter
    return letter if rest and loose_key(_SECTION_TITLES[letter]).startswith(rest) else None


def _header_row(rows: list[list[Cell]]) -> tuple[int, str | None]:
    """(index of the header row, which plan table it heads) among the table's first three rows."""
    for at, row in enumerate(rows[:3]):
        header = [loose_key(cell.text) for cell in row]
        joined = " | ".join(header)
        if any(h == "theme" or h.startswith("theme ") for h in header) and "outcome" in joined:
            return at, "Section C"
        if header[:1] == ["theme"] and "red" in header:
            return at, "RAG summary"
        if header and header[0] in ("la", "las", "local authority", "authority") and \
                ("support" in joined or "strength" in joined):
            return at, "Section B"
        if "network" in joined and ("chair" in joined or "director" in joined):
            return at, "Section D"
    return 0, None


def _column_key(words: str) -> str | None:
    """Which Section C column a header names (its two header rows' words, loosely): the ticks first, as
    "Nature of activity" and "Support" span them, then RAG, lead, theme, outcome, activity."""
    padded = f" {words} "
    for key, needles in (("regional_group_task", ("regional group", "group task")),
                         ("seminar_workshop", ("seminar", "workshop")), ("project_work", ("project",)),
                         ("ria_lead", (" ria ", "support lead")), ("sdsa", ("sdsa",)),
                         ("rag", (" rag ", "monitoring", "status")), ("lead", ("lead",)), ("theme", ("theme",)),
                         ("outcome", ("outcome",)), ("activity", ("activit",))):
        if any(needle in padded for needle in needles):
            return key
    return None


def _short(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _network_key(name: str) -> str:
    return loose_key(name.replace("&", " and "))


def _person(cell: Cell | None) -> tuple[str, str | None] | None:
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


def import_plan(docx_path: Path, folder: Path, *, region: str | None = None, period: str | None = None,
                plan_year: str | None = None) -> ImportResult:
    """Read ``docx_path`` into ``folder``/region.toml, plan.json and import-report.md; refuse to
    overwrite a region.toml or plan.json there."""
    from .outputs import create_new
    from .pipeline import plan_json

    docx_path, folder = Path(docx_path), Path(folder)
    taken = [name for name in (REGION_TOML, PLAN_JSON) if (folder / name).exists()]
    if taken:
        raise PlanDocumentError(f"{folder}: already holds {' and '.join(taken)}, which import would overwrite. "
                                "Import into a new folder.")
    importer = _Importer(docx_path, region, period, plan_year)
    importer.read()
    top = importer.region()
    if not importer.la_rows:
        raise PlanDocumentError(f"{docx_path}: has no Section B table of LAs (headed \"LA\" and \"Support "
                                "needed...\"), so there is no LA to list in region.toml.")
    las = list(dict.fromkeys(la for la, _ in importer.la_rows))
    importer.split_people(las)
    networks = importer.network_configs()
    if not any(n.get("show_in_section_d", True) for n in networks):
        raise PlanDocumentError(f"{docx_path}: has no Section D table of networks (headed \"Regional Network\" and "
                                "\"Chair\"), so there is no network to give the plan's content to.")
    names = [n["name"] for n in networks if n.get("show_in_section_d", True)]
    theme_configs = [{"code": t["code"], "title": t["title"], "lead": importer.lead_network(t, names)}
                     for t in importer.themes]
    text = region_toml(top, importer.overview, las, networks, theme_configs)
    with tempfile.TemporaryDirectory() as staging:  # checked as ria-docs will read it, before anything is written
        Path(staging, REGION_TOML).write_text(text, encoding="utf-8")
        try:
            config = load_region(Path(staging, REGION_TOML))
        except RegionError as exc:
            problems = "; ".join(exc.problems) or str(exc).split(": ", 1)[-1]
            raise PlanDocumentError(f"{docx_path}: what it holds does not make a region.toml ria-docs can use "
                                    f"({problems}); nothing was written.") from None
    returns = _returns(importer, config, theme_configs)
    report = Report()
    plan = merge_returns(config, returns, report)
    notes = importer.notes + [ImportNote("guess", p.where or "the merge", p.message) for p in report.problems]
    result = ImportResult(folder, config, plan, notes)
    report_md = import_report(docx_path, result)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in ((REGION_TOML, text.encode("utf-8")), (PLAN_JSON, plan_json(plan))):
            if not create_new(folder / name, data):
                raise PlanDocumentError(f"{folder / name}: appeared while importing; nothing more was written.")
            result.written.append(folder / name)
        if not create_new(folder / IMPORT_REPORT, report_md.encode("utf-8")):
            with tempfile.NamedTemporaryFile("wb", dir=folder, delete=False, suffix=".tmp") as stream:
                stream.write(report_md.encode("utf-8"))
            os.replace(stream.name, folder / IMPORT_REPORT)  # an earlier import's report: replaced
        result.written.append(folder / IMPORT_REPORT)
    except OSError as exc:
        raise PlanDocumentError(f"{folder}: cannot be written ({exc.strerror or exc}). Choose a folder you can "
                                "write to.") from None
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
