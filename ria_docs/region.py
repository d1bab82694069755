"""region.toml: the regional team's description of one cycle.

Loaded into validated pydantic models.  Every problem is collected and reported
together, each with the key and the line of region.toml it is on.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from .exceptions import RegionError
from .text import did_you_mean, find_match, forbidden_characters, loose_key


def _word_safe(text: str) -> str:
    bad = forbidden_characters(text)
    if bad:
        raise ValueError(f"contains a character a Word document cannot hold ({', '.join(bad)})")
    return text


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_word_safe)]
# nan and inf are valid TOML, but no figure to compare with: plan.json could not hold them.
Finite = Annotated[float, Field(allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NetworkConfig(_Strict):
    name: Name
    aliases: list[Name] = []
    reports_to: Name | None = None
    chair: Name | None = None
    chair_la: Name | None = None
    director: Name | None = None
    director_la: Name | None = None
    email: Name | None = None  # extension: where to chase the network's return
    # Extensions to the spec: the name the Section A chart shows, where it
    # differs, and a network that is in the chart but not in Section D.
    structure_label: Name | None = None
    show_in_section_d: bool = True

    @property
    def label(self) -> str:
        return self.structure_label or self.name


# The placeholders email wording may use, with a sample of each for checking region.toml.
EMAIL_PLACEHOLDERS = {"network": "N", "chair": "C", "period": "P", "region": "R", "plan_year": "Y", "count": 1,
                      "problems": "- cell A1: ...", "team": "T"}


class EmailWording(_Strict):
    """The email drafts' words where region.toml gives its own ([emails]); None: ria-docs' default."""

    problems_subject: Name | None = None
    problems_body: str | None = None
    reminder_subject: Name | None = None
    reminder_body: str | None = None
    circulation_subject: Name | None = None
    circulation_body: str | None = None


class ThemeConfig(_Strict):
    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9]{1,3}$")]
    title: Name
    lead: Name

    @property
    def label(self) -> str:
        return f"{self.code}: {self.title}"


class IndicatorConfig(_Strict):
    """A performance indicator of the tartan rug."""

    name: Name
    unit: str = ""  # "%" is shown after each figure; anything else ("per 10,000") in the column heading
    polarity: Literal["higher", "lower", "none"] = "none"  # which way is better
    method: Literal["quartile", "england"] = "quartile"  # how a cell is banded
    england: Finite | None = None
    tolerance: Finite | None = None  # method "england": within this of England counts as similar
    source: Name | None = None

    @property
    def similar_within(self) -> float:
        """The tolerance, or 5% of the England value when none is given."""
        if self.tolerance is not None:
            return self.tolerance
        return abs(self.england or 0) * 0.05


class RegionConfig(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    region: Name
    plan_year: Name
    period: Name
    las: list[Name] = Field(min_length=1)
    update_sections: list[Name] = []
    networks: list[NetworkConfig] = Field(min_length=1, alias="network")
    themes: list[ThemeConfig] = Field(default=[], alias="theme")
    indicators: list[IndicatorConfig] = Field(default=[], alias="indicator")
    rug_section: Name = "Data Benchmarking"  # extension: the update section the tartan rug goes under
    # Extensions: Section A's opening paragraphs, separated by blank lines;
    # the author the documents' properties name.
    overview: Annotated[str, AfterValidator(_word_safe)] | None = None
    author: Name | None = None
    # The regional update's title and subtitle; {region}, {period} and {plan_year} are filled in.
    update_title: Name = "{region} Regional Update - {period}"
    update_subtitle: Name | None = None  # e.g. "The {region} Regional Update"
    # Email drafts (ria-docs emails): who they are from, who the documents go to, their words.
    team_email: Name | None = None
    circulation: list[Name] = []
    emails: EmailWording = EmailWording()

    def filled_in(self, text: str) -> str:
        """``text`` with {region}, {period} and {plan_year} filled in (checked when region.toml is read)."""
        return text.format(region=self.region, period=self.period, plan_year=self.plan_year)

    @property
    def overview_paragraphs(self) -> list[str]:
        if not self.overview:
            return []
        paragraphs = re.split(r"\n\s*\n", self.overview.strip())
        return [" ".join(p.split()) for p in paragraphs if p.strip()]

    @property
    def document_author(self) -> str:
        """The documents' author property: ``author`` in region.toml, else "<region> RIA"."""
        return self.author or f"{self.region} RIA"

    def network(self, name: str) -> NetworkConfig:
        return next(n for n in self.networks if n.name == name)

    def theme(self, code: str) -> ThemeConfig:
        return next(t for t in self.themes if t.code == code)

    def network_spellings(self) -> dict[str, str]:
        """Every accepted spelling of a network name -> its canonical name."""
        spellings: dict[str, str] = {}
        for network in self.networks:
            for spelling in (network.name, *network.aliases):
                spellings[spelling] = network.name
        return spellings

    def resolve_network(self, text: str) -> str | None:
        return find_match(text, self.network_spellings())

    def canonical_network(self, name: str) -> str:
        """The network's name as region.toml gives it now: aliases resolved, anything else kept as it is
        (a plan from an earlier round may name networks this region.toml no longer has)."""
        return self.resolve_network(name) or name

    def network_index(self, name: str) -> int:
        return [n.name for n in self.networks].index(name)


_KNOWN_TOP = {"region", "plan_year", "period", "las", "update_sections", "network", "theme", "overview", "author",
              "indicator", "rug_section", "update_title", "update_subtitle", "team_email", "circulation", "emails"}
_KNOWN_NETWORK = set(NetworkConfig.model_fields)
_KNOWN_THEME = set(ThemeConfig.model_fields)
_KNOWN_INDICATOR = set(IndicatorConfig.model_fields)


class _Locator:
    """Finds the line of a key in region.toml, for messages.

    tomllib keeps no positions, so this reads the text: good enough to point a
    person at the right line, which is all it is for.
    """

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def _table_start(self, table: str, index: int) -> int | None:
        seen = -1
        for number, line in enumerate(self.lines, start=1):
            if re.match(rf"\s*\[\[\s*{table}\s*\]\]", line):
                seen += 1
                if seen == index:
                    return number
        return None

    def line(self, loc: tuple) -> int | None:
        start, key = 1, None
        if len(loc) >= 2 and loc[0] in ("network", "theme", "indicator") and isinstance(loc[1], int):
            start = self._table_start(loc[0], loc[1]) or 1
            key = loc[2] if len(loc) > 2 else None
            if key is None:
                return start
        elif loc:
            key = loc[0]
        for number in range(start, len(self.lines) + 1):
            text = self.lines[number - 1]
            if number > start and re.match(r"\s*\[", text) and start > 1:
                break  # the next table: the key is not in this one
            if re.match(rf"\s*{re.escape(str(key))}\s*=", text):
                return number
        return start if start > 1 else None


def _where(loc: tuple, data: dict, locator: _Locator) -> str:
    parts = []
    if len(loc) >= 2 and loc[0] in ("network", "theme", "indicator") and isinstance(loc[1], int):
        table = data.get(loc[0], [])
        entry = table[loc[1]] if loc[1] < len(table) and isinstance(table[loc[1]], dict) else {}
        ident = entry.get("name") or entry.get("code")
        label = f"[[{loc[0]}]] number {loc[1] + 1}"
        if isinstance(ident, str):
            label += f' ("{ident}")'
        parts.append(label)
        rest = loc[2:]
    else:
        rest = loc
    if rest:
        parts.append(".".join(str(p) for p in rest))
    line = locator.line(tuple(loc))
    where = ", ".join(parts) if parts else "region.toml"
    return f"line {line}: {where}" if line else where


_PYDANTIC_MESSAGES = {
    "missing": "is missing",
    "string_type": "must be text in quotes",
    "list_type": 'must be a list, like ["A", "B"]',
    "bool_type": "must be true or false",
    "string_too_short": "must not be empty",
    "too_short": "must list at least one entry",
    "string_pattern_mismatch": "must be a short code like A or B2",
    "extra_forbidden": "is not a key ria-docs knows",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "finite_number": "must be an ordinary number, not nan or inf",
}


def _unknown_key_hint(loc: tuple) -> str:
    key = str(loc[-1])
    if len(loc) == 1:
        known = _KNOWN_TOP
    elif loc[0] == "network":
        known = _KNOWN_NETWORK
    elif loc[0] == "indicator":
        known = _KNOWN_INDICATOR
    else:
        known = _KNOWN_THEME
    hint = did_you_mean(key, sorted(known))
    return f" ({hint})" if hint else ""


def load_region(path: Path) -> RegionConfig:
    """Read and check region.toml; raise RegionError listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise RegionError(
            f"{path}: no region.toml here. Each cycle folder needs one; "
            "see the README for an example."
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise RegionError(f"{path}: cannot be read ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise RegionError(f"{path}: is not UTF-8 text; save it as UTF-8 in your editor.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegionError(f"{path}: is not valid TOML: {exc}. Check quotes and brackets on that line.") from None
    except ValueError as exc:  # an integer of more than 4300 digits (Python's limit for reading one)
        if "digits" not in str(exc):
            raise
        line = next((n for n, row in enumerate(text.splitlines(), 1) if re.search(r"\d{4301,}", row)), None)
        where = f" at line {line}" if line else ""
        raise RegionError(f"{path}: holds a number of more than 4300 digits{where}, too long to be read. "
                          "Correct it, or put it in quotes if it is a text.") from None
    locator = _Locator(text)
    try:
        region = RegionConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            message = _PYDANTIC_MESSAGES.get(error["type"], error["msg"].removeprefix("Value error, "))
            if loc == ("network",) and error["type"] == "missing":
                message = "is missing: add at least one [[network]]"
            hint = _unknown_key_hint(loc) if error["type"] == "extra_forbidden" else ""
            problems.append(f"{_where(loc, data, locator)} {message}{hint}")
        raise RegionError(f"{path}: has {len(problems)} problem(s):", problems) from None
    problems = _consistency_problems(region, data, locator)
    if problems:
        raise RegionError(f"{path}: has {len(problems)} problem(s):", problems)
    return _canonical(region)


def _duplicates(values: list[str]) -> list[str]:
    """Values that match an earlier one the way returns are matched (loose_key)."""
    seen: dict[str, str] = {}
    dupes = []
    for value in values:
        key = loose_key(value)
        if key in seen and value not in dupes:
            dupes.append(value)
        seen[key] = value
    return dupes


def _consistency_problems(region: RegionConfig, data: dict, locator: _Locator) -> list[str]:
    problems = []

    def at(*loc: str | int) -> str:

        return _where(loc, data, locator)

    for la in _duplicates(region.las):
        problems.append(f'{at("las")} lists "{la}" twice')
    for section in _duplicates(region.update_sections):
        problems.append(f'{at("update_sections")} lists "{section}" twice')
    for key, text in region.emails.model_dump().items():
        try:
            text.format(**EMAIL_PLACEHOLDERS) if text else None
        except (KeyError, IndexError, ValueError):
            names = ", ".join("{" + name + "}" for name in EMAIL_PLACEHOLDERS)
            problems.append(f'{at("emails", key)}: "{text[:60]}" can hold only {names} in braces (a brace of its '
                            "own is written twice: {{ or }})")
    for key in ("update_title", "update_subtitle"):
        text = getattr(region, key)
        try:
            region.filled_in(text) if text else None
        except (KeyError, IndexError, ValueError):
            problems.append(f'{at(key)}: "{text}" can hold only {{region}}, {{period}} and {{plan_year}} in braces '
                            "(a brace of its own is written twice: {{ or }})")

    owner: dict[str, tuple[int, str]] = {}  # loose key -> (index, name) of the network it belongs to
    for i, network in enumerate(region.networks):
        for spelling in (network.name, *network.aliases):
            key = loose_key(spelling)
            if key in owner and owner[key][0] != i:
                other = owner[key][1]
                if other == network.name:
                    problems.append(f'{at("network", i, "name")}: "{spelling}" is listed twice')
                else:
                    key_name = "name" if spelling == network.name else "aliases"
                    problems.append(
                        f'{at("network", i, key_name)}: "{spelling}" is already a name or alias '
                        f'of "{other}"; each spelling may belong to one network'
                    )
            owner.setdefault(key, (i, network.name))  # an alias that re-spells its own name is harmless

    spellings = region.network_spellings()
    for i, theme in enumerate(region.themes):
        if find_match(theme.lead, spellings) is None:
            hint = did_you_mean(theme.lead, spellings)
            problems.append(
                f'{at("theme", i, "lead")}: "{theme.lead}" is not a [[network]]'
                + (f" ({hint})" if hint else "; add it as a [[network]] or fix the name")
            )
    for name in _duplicates([i.name for i in region.indicators]):
        problems.append(f'{at("indicator")}: indicator "{name}" is listed twice')
    for i, indicator in enumerate(region.indicators):
        if indicator.method == "england" and indicator.england is None:
            problems.append(f'{at("indicator", i, "method")}: method "england" needs an england value to compare with')
    for code in _duplicates([t.code for t in region.themes]):
        problems.append(f'{at("theme")}: theme code "{code}" is used twice')

    # reports_to may name a group that is not a network (the DCS group), but
    # must not go round in a circle.
    parent = {n.name: find_match(n.reports_to, spellings) or n.reports_to for n in region.networks if n.reports_to}
    for i, network in enumerate(region.networks):
        seen, current = {network.name}, parent.get(network.name)
        while current is not None:
            if current in seen:
                problems.append(f'{at("network", i, "reports_to")}: reporting lines go round in a circle through "{current}"')
                break
            seen.add(current)
            current = parent.get(current)
    return problems


def _canonical(region: RegionConfig) -> RegionConfig:
    """Theme leads and reporting lines spelled as the networks' own names."""
    spellings = region.network_spellings()
    themes = [t.model_copy(update={"lead": find_match(t.lead, spellings)}) for t in region.themes]
    networks = [
        n.model_copy(update={"reports_to": find_match(n.reports_to, spellings) or n.reports_to})
        if n.reports_to
        else n
        for n in region.networks
    ]
    return region.model_copy(update={"themes": themes, "networks": networks})
