"""Reading a plan.json back (``render``, ``returns --from``, ``--baseline``).

plan.json is written by a merge, but people open it in Notepad and edit it.
Whatever they leave (a byte order mark, a UK date, a duplicated network, a
stray control character, broken JSON), the answer is a plain message naming
the file, the place (line and column, or the path of the value in the JSON)
and what to do: never a traceback, never "a bug in ria-docs". What is checked
here is everything the render, the pre-filled returns and the carry-forward
rely on beyond the schema itself.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from .exceptions import PlanFileError
from .model import SCHEMA_VERSION, Plan
from .text import did_you_mean, forbidden_characters, loose_key, printable

FIX = "Correct it in the file, or merge the returns again to write a new plan.json."
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")

_MESSAGES = {
    "missing": "is missing",
    "extra_forbidden": "is not a key a plan.json has",
    "string_type": "must be text in quotes",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be an ordinary number, not NaN or Infinity",
    "list_type": "must be a list, in [ ]",
    "model_type": "must be an object, in { }",
    "model_attributes_type": "must be an object, in { }",
    "dict_type": "must be an object, in { }",
    "string_too_short": "must not be empty",
    "too_short": "must list at least one entry",
    "string_pattern_mismatch": "must be a short code like A or B2",
}


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    data = {}
    for key, value in pairs:
        if key in data:
            raise _DuplicateKey(key)
        data[key] = value
    return data


def _line_column(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


_CONTROL_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return"}


def _describe(char: str) -> str:
    name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f", {name}" if name else "")


def _decode(path: Path, data: bytes) -> str:
    """The file's text: UTF-8, with or without the byte order mark Notepad adds; UTF-16 with its mark."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = 3 if data.startswith(codecs.BOM_UTF8) else 0
        text = data[start:exc.start].decode("utf-8", "replace")
        line, column = _line_column(text, len(text))
        raise PlanFileError(
            f"{path}: is not UTF-8 text (byte 0x{data[exc.start]:02X} at line {line}, column {column}). "
            "Save it as UTF-8 in your editor (in Notepad: File > Save as, Encoding UTF-8), "
            "or merge the returns again to write a new plan.json."
        ) from None


def _parse(path: Path, text: str) -> object:
    if not text.strip():
        raise PlanFileError(f"{path}: is empty. Give the plan.json a merge wrote, or merge the returns again.")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKey as exc:
        raise PlanFileError(
            f'{path}: the key "{exc.key}" appears twice in one object, so it is not clear which to use. '
            "Keep one of them, or merge the returns again to write a new plan.json."
        ) from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        if exc.msg.startswith("Invalid control character"):
            raise PlanFileError(
                f"{path}: has a control character ({_describe(text[exc.pos])}) inside a text at {where}, which "
                "JSON does not allow. Delete it (write \\n for a line break), "
                "or merge the returns again to write a new plan.json."
            ) from None
        raise PlanFileError(
            f"{path}: is not valid JSON at {where} ({exc.msg}). Look there for a missing or extra comma, quote "
            "or bracket (usually the last edit), or merge the returns again to write a new plan.json."
        ) from None
    except ValueError as exc:  # an integer of more than 4300 digits (Python's limit for reading one)
        if "digits" not in str(exc):
            raise
        where = _long_number(text)
        raise PlanFileError(
            f"{path}: holds a number too long to be read ({where}more than 4300 digits), which no figure has. "
            "Correct it (a figure pasted wrongly?), or merge the returns again to write a new plan.json."
        ) from None
    except RecursionError:
        raise PlanFileError(f"{path}: is nested too deeply to be a plan.json. Merge the returns again.") from None


def _long_number(text: str) -> str:
    """Where the first run of more than 4300 digits starts, as "line L, column C: ", or ""."""
    import re

    found = re.search(r"\d{4301,}", text)
    if not found:
        return ""
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    return f"line {line}, column {column}: "


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a text"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    return "a number"


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the top"


def _shown(value: object) -> str:
    if isinstance(value, str):
        value = printable(value)
        return f'"{value[:60]}..."' if len(value) > 60 else f'"{value}"'
    if isinstance(value, (dict, list)):
        return ""
    return json.dumps(value) if isinstance(value, (bool, int, float)) or value is None else ""


def _schema_problems(exc: ValidationError) -> list[str]:
    problems = []
    for error in exc.errors():
        kind = error["type"]
        if kind in ("enum", "literal_error"):
            message = f"must be {error['ctx']['expected'].replace(chr(39), '')}"
        else:
            message = _MESSAGES.get(kind) or error["msg"].removeprefix("Value error, ")
        shown = "" if kind in ("missing", "extra_forbidden") else _shown(error.get("input"))
        problems.append(f"{_path(tuple(error['loc']))}: {shown + ' ' if shown else ''}{message}")
    return problems


def _strings(value: object, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))


def _iso_date_problem(where: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if _ISO_DATE.match(value):
            dt.date.fromisoformat(value)
            return None
    except ValueError:
        pass
    uk = _UK_DATE.match(value.strip())
    advice = "write it like 2019-12-02"
    if uk:
        try:
            advice = "write " + dt.date(int(uk[3]), int(uk[2]), int(uk[1])).isoformat()
        except ValueError:
            pass
    return f'{where}: "{printable(value)}" is not a date written year-month-day, as plan.json holds dates: {advice}'


def _twice(values: list[tuple[str, str]], what: str) -> list[str]:
    """(where, name) pairs whose names repeat an earlier one."""
    seen: dict[str, str] = {}
    problems = []
    for where, name in values:
        key = loose_key(name) or name
        if key in seen:
            problems.append(f'{where}: {what} "{name}" is listed twice (also at {seen[key]}); keep one')
        else:
            seen[key] = where
    return problems


def _content_problems(plan: Plan, data: dict) -> list[str]:
    problems = []
    if plan.schema_version != SCHEMA_VERSION:
        problems.append(
            f"schema_version: {plan.schema_version}, but this ria-docs reads plan.json of schema {SCHEMA_VERSION} "
            "(merge the returns again with this version)"
        )
    for loc, text in _strings(data):
        bad = forbidden_characters(text)
        if bad:
            problems.append(f"{_path(loc)}: holds a character a Word document cannot hold ({', '.join(bad)}); "
                            "delete it")
    dates = [_iso_date_problem(f"returns[{i}].date_submitted", used.date_submitted)
             for i, used in enumerate(plan.returns)]

    dates += [_iso_date_problem(f"history[{i}].date", round_.date) for i, round_ in enumerate(plan.history)]
    problems += [p for p in dates if p]  # the problems above are never empty: only the dates' None is dropped


    problems += _twice([(f"networks[{i}].name", n.name) for i, n in enumerate(plan.networks)], "the network")
    problems += _twice([(f"themes[{i}].code", t.code) for i, t in enumerate(plan.themes)], "the theme")
    problems += _twice([(f"la_support[{i}].la", r.la) for i, r in enumerate(plan.la_support)], "the LA")

    known = {n.name: n.name for n in plan.networks} | plan.region.network_spellings()

    def unknown(where: str, name: str) -> None:
        if name not in known:
            hint = did_you_mean(name, known)
            problems.append(f'{where}: "{name}" is not one of the plan\'s networks'
                            + (f" ({hint})" if hint else "; use a name from networks"))

    for i, theme in enumerate(plan.themes):
        unknown(f"themes[{i}].lead_network", theme.lead_network)
        for j, activity in enumerate(theme.activities):
            unknown(f"themes[{i}].activities[{j}].network", activity.network)
    parent = {n.name: n.reports_to for n in plan.networks if n.reports_to}
    for i, network in enumerate(plan.networks):
        seen, current = {network.name}, parent.get(network.name)
        while current is not None:
            if current in seen:
                if current == network.name:  # only the networks on the circle, not those reporting into it
                    problems.append(f'networks[{i}].reports_to: reporting lines go round in a circle through '
                                    f'"{parent[network.name]}"')
                break
            seen.add(current)
            current = parent.get(current)
    for i, indicator in enumerate(plan.region.indicators):
        if indicator.method == "england" and indicator.england is None:
            problems.append(f'region.indicators[{i}].england: indicator "{indicator.name}" is compared with England '
                            "(method \"england\") but has no england value")
    return problems


def _upgraded(data: dict) -> dict:
    """A plan.json of an earlier schema, in this one's terms (a copy; messages name the new fields).

    1 -> 2: an update section's ``bullets`` became ``blocks``, each a bullet unless it says otherwise."""
    if data.get("schema_version") != 1 or not isinstance(data.get("update"), list):
        return data
    update = [{**{k: v for k, v in section.items() if k != "bullets"}, "blocks": section["bullets"]}
              if isinstance(section, dict) and "bullets" in section and "blocks" not in section else section
              for section in data["update"]]
    return {**data, "schema_version": SCHEMA_VERSION, "update": update}


def read_plan(path: Path) -> Plan:
    """The plan in ``path``; PlanFileError says, in plain words, why it cannot be used."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PlanFileError(f"{path}: no such file. Give the plan.json a merge wrote.") from None
    except IsADirectoryError:
        raise PlanFileError(f"{path}: is a folder. Give the plan.json file a merge wrote in it.") from None
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot be read ({exc.strerror}).") from None
    data = _parse(path, _decode(path, raw))
    if not isinstance(data, dict):
        raise PlanFileError(
            f"{path}: holds {_kind(data)}, not a plan (a JSON object that starts with {{). "
            "Give the plan.json a merge wrote."
        )
    if not {"region", "networks", "themes"} & data.keys():
        raise PlanFileError(
            f"{path}: is not a plan.json written by ria-docs (it has none of region, networks, themes). "
            "Give the plan.json a merge wrote."
        )
    data = _upgraded(data)
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        problems = _schema_problems(exc)
    else:
        problems = _content_problems(plan, data)
    if problems:
        fix = FIX if len(problems) == 1 else FIX.replace("Correct it", "Correct them")
        raise PlanFileError(f"{path}: has {len(problems)} problem(s) (was it edited by hand?). {fix}", problems)
    return plan


def require_same_region(plan: Plan, path: Path, region: str) -> None:
    """Refuse last round's plan of another region: its activities would be carried into this one's."""
    if loose_key(plan.region.region) != loose_key(region):
        raise PlanFileError(
            f"{path}: is the plan of {plan.region.region}, but this round is {region} (region.toml): give this "
            "region's last plan.json. (If the region was renamed, change region near the top of that plan.json.)"
        )
