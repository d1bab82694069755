"""Stage 2: check what each cell of a return means, against region.toml.

Turns a :class:`~ria_docs.reader.RawReturn` into a :class:`NetworkReturn` of
typed items (each with its source), reporting every problem found.  Also
chooses between two returns from one network (:func:`select_returns`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterator

from .ledger import CellNotes, unaccounted
from .model import TICK_FIELDS, Activity, BlockKind, IndicatorValue, Person, Rag, Source, Text, Ticks
from .network_return import NetworkReturn, ThemeEntry, UpdateEntry  # noqa: F401  (importable from here, as before)
from .reader import CellText, RawReturn, SheetData
from .region import RegionConfig
from .report import Report
from .return_layout import NOT_TICKED, RAG_WORDS, SHEETS, TICKED, UPDATE_BLOCKS
from .text import did_you_mean, find_match, join_names, listed, loose_key, same_text, strip_list_marker

TICK_COLUMNS = TICK_FIELDS
THEME_LABEL = re.compile(r"^\s*([A-Za-z0-9]{1,3})\s*(?:[:.)\-–—]\s*(.*))?$", re.S)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y")


def _month_year(text: str) -> tuple[int, int] | None:
    text = re.sub(r"\bsept\b", "sep", " ".join(text.split()).lower())
    for fmt in ("%B %Y", "%b %Y", "%B %y", "%b %y", "%m/%Y", "%Y-%m"):
        try:
            when = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return when.year, when.month
    return None


def same_period(typed: str, expected: str) -> bool:
    """"Dec 2019" and "December 2019" are one period; other periods compare as text."""
    typed_month, expected_month = _month_year(typed), _month_year(expected)
    if typed_month and expected_month:
        return typed_month == expected_month
    return loose_key(typed) == loose_key(expected)


class _Validator:
    def __init__(self, raw: RawReturn, region: RegionConfig, report: Report):
        self.raw = raw
        self.region = region
        self.report = report
        self.file = raw.file
        self.cells = CellNotes()  # this stage's own notes, handed on with the result
        self.markers: dict[str, list[str]] = {}  # sheet -> cells whose list markers were taken off

    def source(self, sheet: str, cell: CellText) -> Source:
        return Source(file=self.file, sheet=sheet, cell=cell.ref)

    def error(self, kind: str, message: str, sheet: str | None = None, cell: str | None = None,
              hint: str | None = None) -> None:
        self.report.error(kind, message, file=self.file, sheet=sheet, cell=cell, hint=hint)

    def warning(self, kind: str, message: str, sheet: str | None = None, cell: str | None = None,
                hint: str | None = None) -> None:
        self.report.warning(kind, message, file=self.file, sheet=sheet, cell=cell, hint=hint)

    def items(self, sheet: str, cell: CellText) -> list[str]:
        """A cell's lines as list items: bullet or number markers typed or
        pasted before them are taken off (the documents make their own), and
        the cells that had one are named in the report."""
        items = []
        for line in cell.text.lines:
            item = strip_list_marker(line)
            if item != line:
                self.markers.setdefault(sheet, []).append(cell.ref)
            if item:
                items.append(item)
        return items

    def report_markers(self) -> None:
        for sheet, refs in self.markers.items():
            refs = list(dict.fromkeys(refs))
            shown = listed(refs)
            self.warning(
                "list-markers", f"took the bullet or number typed before the text off {len(refs)} cell(s), as the "
                f"documents make their own bullets: {shown}", sheet,
                hint="nothing to do; one row (or one line of a cell) is one bullet",
            )

    def use(self, sheet: str, *cells: CellText) -> None:
        """Cells whose content goes into the plan."""
        self.cells.used.extend(f"{sheet}!{c.ref}" for c in cells)

    def skipped(self, sheet: str, row: dict[str, CellText]) -> None:
        """Cells of a row that cannot be used because of an error reported above."""
        self.cells.ignored.extend(f"{sheet}!{c.ref}" for c in row.values())

    def carried_down(self, sheet: SheetData, key: str, resolve: Callable[[CellText], str | None],
                     what: str) -> Iterator[tuple[str | None, dict[str, CellText]]]:
        """(value, row) for each row, a blank ``key`` cell meaning "same as above".

        ``resolve(cell)`` gives the canonical value, or None after reporting
        why. Rows under a value that failed, or with none above them, come
        with None (their cells listed as ignored) so the caller can still
        check their other cells.
        """
        label = next(spec.headers[key] for spec in SHEETS.values() if key in spec.headers)
        value, failed = None, False
        for row in sheet.rows:
            if key in row:
                value = resolve(row[key])
                failed = value is None
            elif value is None and not failed:
                number = next(iter(row.values())).row
                self.error(
                    f"missing-{key}", f"this row has no {label}, and there is none above it to carry down",
                    sheet.title, f"{sheet.columns[key]}{number}", hint=f"type {what} in the {label} column",
                )
                failed = True
            if value is None:
                self.skipped(sheet.title, row)
            yield value, row

    # -- About -----------------------------------------------------------
    def about(self) -> NetworkReturn:
        about, sheet = self.raw.about, self.raw.about_title

        def missing_at(key: str) -> str | None:
            row = self.raw.about_label_rows.get(key)
            return f"B{row}" if row else None

        network = None
        cell = about.get("network")
        if cell is None:
            self.error(
                "missing-network", "the Network is blank, so ria-docs cannot tell whose return this is",
                sheet, missing_at("network"),
                hint="type the network's name in column B beside the label Network",
            )
        else:
            network = self.region.resolve_network(cell.text.one_line)
            if network is None:
                spellings = self.region.network_spellings()
                self.error(
                    "unknown-network",
                    f'"{cell.text.one_line}" is not a network of {self.region.region}',
                    sheet, cell.ref,
                    hint=did_you_mean(cell.text.one_line, spellings)
                    or "use a name from region.toml: " + join_names([n.name for n in self.region.networks], 6),
                )
        cell = about.get("period")
        if cell is None:
            self.error(
                "missing-period", f'the Period is blank; this round is "{self.region.period}"',
                sheet, missing_at("period"), hint=f'type "{self.region.period}" beside the label Period',
            )
        else:
            period = cell.text.one_line
            if isinstance(cell.value, (dt.date, dt.datetime)):
                period = cell.value.strftime("%B %Y")  # Excel turned "December 2019" into a date
            if not same_period(period, self.region.period):
                self.error(
                    "wrong-period",
                    f'this return is for "{period}", but this round is "{self.region.period}"',
                    sheet, cell.ref,
                    hint="check it is this round's return; if it is, correct the Period",
                )
        self.use(sheet, *about.values())
        # Carry on without a network, so every other problem is found in this run too.
        result = NetworkReturn(
            self.file, network, about_sheet=sheet, network_cell=about["network"].ref if "network" in about else None
        )
        cell = about.get("date_submitted")
        if cell is not None:
            result.date_submitted = self.date(cell, sheet)
            result.date_cell = cell.ref
        for key in ("completed_by", "email", "template_version"):
            if key in about:
                setattr(result, key, about[key].text.one_line)
        if "completed_by" not in about and "date_submitted" not in about:
            # An issued workbook sent back (or dropped in the folder) untouched.
            self.warning(
                "unfilled-return", "has no Completed by or Date submitted: was it filled in, or is it a blank "
                "return as issued?", sheet, missing_at("date_submitted"),
                hint="fill in Completed by and Date submitted, or take the file out of the folder",
            )
        for person, la in (("chair", "chair_la"), ("director", "director_la")):
            if person in about:
                la_text = about[la].text.one_line if la in about else None
                setattr(result, person, Person(
                    name=about[person].text.one_line, la=la_text, source=self.source(sheet, about[person])
                ))
            elif la in about:
                setattr(result, la, Text(text=about[la].text.one_line, source=self.source(sheet, about[la])))
        return result

    def date(self, cell: CellText, sheet: str) -> dt.date | None:
        when = self._parse_date(cell)
        period = _month_year(self.region.period)
        if when is not None and period is not None and abs(when.year - period[0]) > 1:
            self.warning(
                "unlikely-date", f"Date submitted {when:%d/%m/%Y} is far from this round ({self.region.period})",
                sheet, cell.ref, hint="check the year: it decides which of two returns from one network is newer",
            )
        return when

    def _parse_date(self, cell: CellText) -> dt.date | None:
        if isinstance(cell.value, dt.datetime):
            return cell.value.date()
        if isinstance(cell.value, dt.date):
            return cell.value
        text = cell.text.one_line
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        self.error(
            "bad-date", f'"{text}" is not a date', self.raw.about_title, cell.ref,
            hint=f"type the date the return was sent, like {dt.date(2019, 12, 2):%d/%m/%Y}",
        )
        return None

    # -- Instructions and Lists, found unprotected ------------------------------
    def issued_sheets(self, network: str | None) -> None:
        """Cells of the issued Instructions and Lists sheets as ria-docs wrote them
        are the workbook's layout; anything typed or changed there is named."""
        if not self.raw.issued_sheets:
            return
        from .workbook import issued_sheet_texts

        issued = {loose_key(title): cells for title, cells in issued_sheet_texts(self.region, network).items()} \
            if network else {}
        for title, cells in self.raw.issued_sheets.items():
            expected = issued.get(loose_key(title), {})
            typed = [ref for ref, text in cells.items() if expected.get(ref) != text]
            self.cells.layout.extend(f"{title}!{ref}" for ref in cells if ref not in typed)
            if typed:
                self.cells.ignored.extend(f"{title}!{ref}" for ref in typed)
                shown = listed(typed)
                self.warning(
                    "ignored-cells", f'the issued "{title}" sheet is not read, so {len(typed)} cell(s) typed or '
                    f"changed there are not used: {shown}", title,
                    hint="nothing to do, unless something was typed there for the regional team",
                )

    # -- Contribution ------------------------------------------------------
    def contribution(self, result: NetworkReturn) -> None:
        sheet = self.raw.sheets.get("contribution")
        if sheet is None:
            return
        for row in sheet.rows:
            cell = row["contribution"]
            self.use(sheet.title, cell)
            source = self.source(sheet.title, cell)
            result.contribution.extend(Text(text=line, source=source, network=result.network)
                                       for line in self.items(sheet.title, cell))

    # -- Work programme ------------------------------------------------------
    def theme_code(self, cell: CellText, sheet: str) -> str | None:
        text = re.sub(r"^\s*theme\s+", "", cell.text.one_line, flags=re.I)  # "Theme C" is C
        by_title = {t.title: t.code for t in self.region.themes} | {t.label: t.code for t in self.region.themes}
        exact = find_match(text, by_title)  # first, so a title like "E-safety" is not read as theme E
        if exact:
            return exact
        codes = {t.code.lower(): t.code for t in self.region.themes}
        match = THEME_LABEL.match(text)
        if match and match.group(1).lower() in codes:
            code = codes[match.group(1).lower()]
            title = (match.group(2) or "").strip()
            expected = self.region.theme(code).title
            if title and loose_key(title) != loose_key(expected):
                self.warning(
                    "theme-title", f'theme {code} is called "{expected}" in region.toml, not "{title}"',
                    sheet, cell.ref, hint=f"the row is filed under {code}: {expected}",
                )
            return code
        if not self.region.themes:
            self.error("unknown-theme", f'"{text}" cannot be filed: region.toml has no themes this round',
                       sheet, cell.ref, hint="leave the Work programme sheet empty, or add [[theme]] entries")
            return None
        self.error(
            "unknown-theme", f'"{text}" is not a theme of the {self.region.plan_year} plan', sheet, cell.ref,
            hint=did_you_mean(text, {t.label: t.label for t in self.region.themes})
            or "use a theme code: " + join_names([t.code for t in self.region.themes], 30),
        )
        return None

    def rag(self, cell: CellText, sheet: str) -> tuple[bool, Rag | None]:
        word = loose_key(cell.text.one_line)
        if word in RAG_WORDS:
            return True, RAG_WORDS[word]
        self.error(
            "bad-rag", f'RAG "{cell.text.one_line}" is not a RAG status', sheet, cell.ref,
            hint="use Red, Amber, Green or Blue (complete), or R, A, G, B; leave it blank if not yet rated",
        )
        return False, None

    def tick(self, cell: CellText, sheet: str, header: str) -> tuple[bool, bool]:
        if isinstance(cell.value, bool):
            return True, cell.value
        word = cell.text.one_line.strip().lower()
        if word in TICKED:
            return True, True
        if word in NOT_TICKED:
            return True, False
        self.error(
            "bad-tick", f'"{cell.text.one_line}" in {header} is neither a tick nor blank', sheet, cell.ref,
            hint="use Yes (or Y, X, ✓) to tick it; leave it blank or No to leave it unticked",
        )
        return False, False

    def work_programme(self, result: NetworkReturn) -> None:
        sheet = self.raw.sheets.get("work programme")
        if sheet is None:
            return
        headers = SHEETS["work programme"].headers

        def resolve(cell: CellText) -> str | None:
            return self.theme_code(cell, sheet.title)

        given: dict[tuple[str, str], list[str]] = {}  # (theme, outcome or lead) -> the texts given so far
        for code, row in self.carried_down(sheet, "theme", resolve, "the theme code (like A)"):
            if code is None:
                self.activity(row, None, result.network, sheet, headers)  # checked, not kept
                continue
            entry = result.themes.setdefault(code, ThemeEntry(code))
            if "theme" in row:
                self.use(sheet.title, row["theme"])
            for key in ("outcome", "lead_responsibility"):
                if key not in row:
                    continue
                cell = row[key]
                earlier = given.setdefault((code, key), [])
                self.use(sheet.title, cell)
                if any(same_text(text, " ".join(cell.text.lines)) for text in earlier):
                    continue  # the same text again: nothing lost
                if not earlier:
                    setattr(entry, f"{key}_source", self.source(sheet.title, cell))
                else:  # more text for the theme: kept after the first, never dropped
                    self.warning(
                        "repeated-theme-text",
                        f"theme {code} already has a different {headers[key]} in {getattr(entry, f'{key}_source').cell}; "
                        "both are kept, this one after it", sheet.title, cell.ref,
                        hint=f"give a theme's {headers[key]} once, on its first row, unless it really goes on",
                    )
                earlier.append(" ".join(cell.text.lines))
                setattr(entry, key, getattr(entry, key) + cell.text.lines)
            self.activity(row, entry, result.network, sheet, headers)

    def activity(self, row: dict[str, CellText], entry: ThemeEntry | None, network: str | None, data: SheetData,
                 headers: dict[str, str]) -> None:
        sheet = data.title
        marks = {k: v for k, v in row.items() if k in ("rag", "commentary", *TICK_COLUMNS)}
        if "activity" not in row:
            if marks and not _refused(data, row, "activity"):
                first = min(marks.values(), key=lambda c: c.ref)
                self.error(
                    "missing-activity", "this row has a RAG, tick or commentary but no Activity",
                    sheet, first.ref,
                    hint=f"write the activity in {data.columns['activity']}{first.row} or clear the row",
                )
            return
        ok, rag = (True, None)
        if "rag" in row:
            ok, rag = self.rag(row["rag"], sheet)
        ticks = {}
        for key in TICK_COLUMNS:
            if key in row:
                good, ticks[key] = self.tick(row[key], sheet, headers[key])
                ok = ok and good
        if not ok or entry is None or network is None:
            return
        cell = row["activity"]
        used = [row[k] for k in ("activity", "rag", *TICK_COLUMNS, "commentary") if k in row]
        self.use(sheet, *used)
        entry.activities.append(Activity(
            bullets=self.items(sheet, cell),
            rag=rag,
            ticks=Ticks(**ticks),
            commentary=row["commentary"].text.lines if "commentary" in row else [],
            network=network,
            source=self.source(sheet, cell),
            cells=[c.ref for c in used],
        ))

    def la(self, cell: CellText, sheet: str) -> str | None:
        """The region's LA a cell names, or None after reporting it with a suggestion."""
        la = find_match(cell.text.one_line, {name: name for name in self.region.las})
        if la is None:
            self.error(
                "unknown-la", f'"{cell.text.one_line}" is not an LA of {self.region.region}', sheet, cell.ref,
                hint=did_you_mean(cell.text.one_line, self.region.las)
                or "use an LA name from region.toml: " + join_names(self.region.las, 6),
            )
        return la

    # -- LA support ----------------------------------------------------------
    def la_support(self, result: NetworkReturn) -> None:
        sheet = self.raw.sheets.get("la support")
        if sheet is None:
            return
        def resolve(cell: CellText) -> str | None:
            return self.la(cell, sheet.title)

        for la, row in self.carried_down(sheet, "la", resolve, "the LA's name"):
            if la is None:
                continue
            self.use(sheet.title, *row.values())
            columns = result.la_support.setdefault(la, {})
            for key, cell in row.items():
                if key == "la":
                    continue
                source = self.source(sheet.title, cell)
                columns.setdefault(key, []).extend(
                    Text(text=line, source=source, network=result.network) for line in self.items(sheet.title, cell))

    # -- Indicators (the tartan rug) ---------------------------------------------
    def indicators(self, result: NetworkReturn) -> None:
        sheet = self.raw.sheets.get("indicators")
        if sheet is None:
            return
        names = {i.name: i.name for i in self.region.indicators}
        seen: dict[tuple[str, str], str] = {}

        def resolve(cell: CellText) -> str | None:
            return self.la(cell, sheet.title)

        for la, row in self.carried_down(sheet, "la", resolve, "the LA's name"):
            if la is None or "indicator" not in row or "value" not in row:
                if la is None or _refused(sheet, row, "indicator") or _refused(sheet, row, "value"):
                    continue  # reported already
                first = next(iter(row.values()))
                if ("indicator" in row) != ("value" in row):
                    self.error("incomplete-figure", "this row needs both an Indicator and a Value",
                               sheet.title, first.ref, hint="fill in the missing cell, or clear the row")
                else:  # an LA (and perhaps a period) with no figure yet: nothing to publish, but said
                    self.cells.ignored.extend(f"{sheet.title}!{c.ref}" for c in row.values())
                    self.warning("no-figure", f"row {first.row} names {la} but gives no Indicator or Value, so it "
                                 "is not used", sheet.title, first.ref,
                                 hint="add the indicator and its figure, or clear the row if there is none yet")
                continue
            cell = row["indicator"]
            indicator = find_match(cell.text.one_line, names)
            if indicator is None:
                self.error("unknown-indicator", f'"{cell.text.one_line}" is not an indicator of the tartan rug',
                           sheet.title, cell.ref, hint=did_you_mean(cell.text.one_line, names)
                           or ("the indicators are: " + join_names(list(names), 6) if names
                               else "region.toml lists no [[indicator]]"))
                continue
            value, problem = parse_figure(row["value"])
            if problem is not None:
                self.error("not-a-number", f'"{row["value"].text.one_line}" {problem}',
                           sheet.title, row["value"].ref,
                           hint="type the figure alone, like 22.5 or 1,234 (a point for decimals); leave the row out "
                                "if there is no figure")
                continue
            if (la, indicator) in seen:
                self.error("duplicate-figure", f"{la} already has a figure for {indicator} in {seen[la, indicator]}",
                           sheet.title, row["value"].ref, hint="keep one of the two rows")
                continue
            seen[la, indicator] = row["value"].ref
            self.use(sheet.title, *row.values())
            assert value is not None  # parse_figure gives a figure, or a problem (handled above)
            result.indicators.append(IndicatorValue(

                la=la, indicator=indicator, value=value,
                period=row["period"].text.one_line if "period" in row else None,
                source=self.source(sheet.title, row["value"]),
            ))

    # -- Update ----------------------------------------------------------------
    def update(self, result: NetworkReturn) -> None:
        sheet = self.raw.sheets.get("update")
        if sheet is None:
            return
        sections = {name: name for name in self.region.update_sections}

        def resolve(cell: CellText) -> str | None:
            found = find_match(cell.text.one_line, sections)
            if found is None:
                self.error(
                    "unknown-section", f'"{cell.text.one_line}" is not a section of the regional update',
                    sheet.title, cell.ref,
                    hint=did_you_mean(cell.text.one_line, sections)
                    or ("the sections are: " + join_names(self.region.update_sections)
                        if sections else "region.toml lists no update_sections"),
                )
            return found

        headers = SHEETS["update"].headers
        section, last = None, None  # last: the bullet a Sub-bullet row nests under
        for found, row in self.carried_down(sheet, "section", resolve, "the section heading"):
            if found is None:
                continue
            if "section" in row:
                self.use(sheet.title, row["section"])
            if found != section:
                section, last = found, None  # sub-bullets never cross into another section
            filled = [key for key in UPDATE_BLOCKS if key in row]
            # A bullet with its first sub-bullet beside it: the first layout allowed it, and reads as before.
            nested = row["sub_bullet"] if filled == ["bullet", "sub_bullet"] else None
            filled = ["bullet"] if nested else filled
            if len(filled) > 1:
                cells = [f"{headers[key]} ({row[key].ref})" for key in filled]
                named = ", ".join(cells[:-1]) + " and " + cells[-1]
                self.error(
                    "two-blocks", f"this row fills {named}; one row is one block of the update (a paragraph, "
                    "a bullet, a sub-bullet or a numbered item)", sheet.title, row[filled[1]].ref,
                    hint=f"move the {headers[filled[1]]} text to a row of its own below",
                )
                self.skipped(sheet.title, {key: row[key] for key in filled})
                last = None
                continue
            if not filled:
                continue
            key = filled[0]
            cell = row[key]
            if key == "sub_bullet":
                if last is None:
                    self.error(
                        "orphan-sub-bullet", "this Sub-bullet has no Bullet directly above it in the same section",
                        sheet.title, cell.ref, hint="put it in the Bullet column, or add the bullet it belongs under",
                    )
                    self.skipped(sheet.title, {key: cell})
                    continue
                self.nest(sheet.title, last, cell)
                continue
            self.use(sheet.title, cell)
            source = self.source(sheet.title, cell)
            # A paragraph's lines are paragraphs as typed; list items lose markers typed before them.
            kind = BlockKind(key)
            lines = cell.text.lines if kind is BlockKind.PARAGRAPH else self.items(sheet.title, cell)
            entries = [UpdateEntry(found, line, source, kind=kind) for line in lines]
            result.update.extend(entries)
            last = entries[-1] if kind is BlockKind.BULLET and entries else None
            if nested is not None and last is not None:
                self.nest(sheet.title, last, nested)

    def nest(self, sheet: str, bullet: UpdateEntry, cell: CellText) -> None:
        """A Sub-bullet cell's lines, under ``bullet``."""
        self.use(sheet, cell)
        source = self.source(sheet, cell)
        bullet.sub_bullets.extend(Text(text=line, source=source) for line in self.items(sheet, cell))


# A figure typed as text: digits with a point for decimals; commas only between
# groups of three (1,234.5). "22,5" could be 22.5 or 225, so it is refused.
_FIGURE = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[-+]?\.\d+$")
_LARGEST = 1e15  # no indicator of children's services comes near this; past it, a slip


def parse_figure(cell: CellText) -> tuple[float | None, str | None]:
    """(value, None) for a figure as typed (22.5, 22.5%, 1,234 or a number cell);
    (None, what is wrong) for anything that is not exactly one number."""
    value = cell.value
    if isinstance(value, bool):
        return None, "is TRUE or FALSE, not a number"
    if isinstance(value, (int, float)):
        number = float(value) * (100 if cell.text.text.endswith("%") else 1)
    else:
        text = re.sub(r"\s+%$", "%", cell.text.one_line.strip()).replace("\u2212", "-")  # "12 %"; a typeset minus
        if re.search(r"\d[\s]+[\d.,]", text):  # "12 15", or two lines of a cell: never run together
            return None, "holds more than one number"
        percent = text.endswith("%")
        text = text[:-1] if percent else text
        if not _FIGURE.match(text):
            if "," in text and re.fullmatch(r"[-+]?[\d.,]*\d[\d.,]*", text):  # 22,5 or 1.234,5
                return None, "could mean two things (a comma for decimals, or for thousands)"
            return None, "is not a number"
        number = float(text.replace(",", ""))
    if not math.isfinite(number) or abs(number) > _LARGEST:
        return None, "is not a figure ria-docs can publish (too large)"
    return number, None


def _refused(sheet: SheetData, row: dict[str, CellText], key: str) -> bool:
    """Whether the row's ``key`` cell was refused by the reader (and reported there)."""
    return bool(row) and (next(iter(row.values())).row, key) in sheet.refused


def validate_return(raw: RawReturn, region: RegionConfig, report: Report) -> NetworkReturn:
    """The typed return (its ``network`` None when its About sheet names no known network).

    Every sheet is checked either way, so one run reports every problem.
    """
    validator = _Validator(raw, region, report)
    result = validator.about()
    validator.issued_sheets(result.network)
    validator.contribution(result)
    validator.work_programme(result)
    validator.la_support(result)
    validator.update(result)
    validator.indicators(result)
    validator.report_markers()
    result.cells = validator.cells
    if not report.errors_in(raw.file):
        # A safety net under every stage: a cell read but neither used, ignored
        # nor layout would be lost unseen. None should be; if one is, say so.
        lost = unaccounted(raw.cells, result.cells)
        if lost:
            result.cells.ignored.extend(lost)
            report.warning(
                "unused-cells", f"{len(lost)} cell(s) were read but not used: " + listed(lost),
                file=raw.file, hint="check what they hold, and move it into the columns the return asks for",
            )
    return result


def select_returns(returns: list[NetworkReturn], report: Report) -> tuple[list[NetworkReturn], dict[str, str]]:
    """One return per network: where a network sent two, the later Date submitted wins.

    Gives the returns chosen and, for each left out for a later one, the file that replaced it."""
    by_network: dict[str | None, list[NetworkReturn]] = {}  # validated returns: a network each
    for ret in returns:
        by_network.setdefault(ret.network, []).append(ret)
    chosen, superseded = [], {}
    for network, candidates in by_network.items():
        if len(candidates) == 1:
            chosen.append(candidates[0])
            continue
        files = join_names([c.file for c in candidates], word="and")
        dates = [(c.date_submitted, c) for c in candidates if c.date_submitted]
        dated = [c for _, c in sorted(dates, key=lambda pair: pair[0])]  # stable, as sorting the returns by date
        if len(dated) == len(candidates) and dated[-1].date_submitted != dated[-2].date_submitted:
            winner = dated[-1]
            for loser in candidates:
                if loser is winner:
                    continue
                superseded[loser.file] = winner.file
                report.warning(
                    "superseded-return",
                    f"{network} sent more than one return ({files}); the later one, {winner.file} "
                    f"({winner.date_submitted:%d/%m/%Y}), is used and this one is not",
                    file=loser.file, sheet=loser.about_sheet, cell=loser.date_cell,
                    hint="remove the older return from the folder to silence this",
                )
            chosen.append(winner)
        else:
            for candidate in candidates:
                report.error(
                    "duplicate-return",
                    f"{network} sent more than one return ({files}) and their Date submitted "
                    "does not say which is later",
                    file=candidate.file, sheet=candidate.about_sheet,
                    cell=candidate.date_cell or candidate.network_cell,
                    hint="remove the older return, or give each its Date submitted",
                )
    return chosen, superseded
