"""One sanitiser for every cell value, and "did you mean" suggestions.

Every string that comes out of a workbook passes through :func:`clean_text`
before it is used anywhere, because one stray control character in a value
makes docxtpl drop text from the document without any error. Text is taken
literally: Excel's _xHHHH_ escapes are decoded once, by the workbook reader
(calamine), so a chair's own "_x0041_" stays as typed.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import unicodedata
from dataclasses import dataclass

# Line breaks as Excel writes them on Windows (\r\n, often as _x000D_\n), on a
# Mac (\x0b, vertical tab) and as Unicode separators.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\u2028\u2029\x85]")

# Characters XML 1.0 forbids (tab and newline are handled before this), plus
# the non-characters U+FFFE/U+FFFF that openpyxl lets through but cannot save.
_FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# Invisible characters that would make an empty-looking bullet. The joiners
# (U+200C, U+200D) stay: emoji sequences and several scripts need them; a line
# of nothing else is empty all the same.
_ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff]")
_ONLY_JOINERS = re.compile("^[\u200c\u200d]*$")


@dataclass(frozen=True)
class CleanText:
    text: str  # lines joined by "\n", each stripped, no empty lines
    removed: tuple[str, ...] = ()  # descriptions of characters taken out

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n") if self.text else []

    @property
    def one_line(self) -> str:
        return " ".join(self.lines)


def _describe(char: str) -> str:
    name = unicodedata.name(char, None)
    code = f"U+{ord(char):04X}"
    return f"{code} {name}" if name else code


# Anything that needs more than splitting into lines: most cells have none of it.
_SPECIAL = re.compile("[\r\x0b\x0c\u2028\u2029\x85\t\xa0\u200b\u200c\u200d\u2060\ufeff"
                      "\x00-\x08\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> CleanText:
    """Make one cell's text safe for XML and split it into clean lines."""
    # Short texts (headers, "Yes", RAG words, LA names) recur in every return and
    # are cached; a long one is cleaned each time, so the cache never holds it.
    return _clean_short(value) if len(value) <= 200 else _clean(value)


@functools.lru_cache(maxsize=8192)
def _clean_short(value: str) -> CleanText:
    return _clean(value)


def _clean(value: str) -> CleanText:
    if not _SPECIAL.search(value):
        lines = [line.strip() for line in value.split("\n")]
        return CleanText("\n".join(line for line in lines if line))
    text = _LINE_BREAKS.sub("\n", value).replace("\t", " ").replace("\xa0", " ")
    text = _ZERO_WIDTH.sub("", text)
    removed = tuple(sorted({_describe(c) for c in _FORBIDDEN.findall(text)}))
    if removed:
        text = _FORBIDDEN.sub("", text)
    lines = [line.strip() for line in text.split("\n")]
    return CleanText("\n".join(line for line in lines if not _ONLY_JOINERS.match(line)), removed)


@functools.lru_cache(maxsize=65536)
def loose_key(text: str) -> str:
    """Key for matching names chairs type: case, spacing, punctuation, apostrophes,
    & vs and. Letters of any script count ("Участие" stays itself)."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[\W_]+", " ", text)
    return " ".join(text.split())


def same_text_key(text: str) -> str:
    """What two texts share when they differ only in case and spacing: the same outcome or activity.

    Stricter than :func:`loose_key`, which is for names: "< 10%" and "> 10%"
    are different activities.
    """
    return " ".join(text.split()).casefold()


def same_text(first: str, second: str) -> bool:
    return same_text_key(first) == same_text_key(second)


# Abbreviations English councils use for themselves, which no edit-distance
# measure would guess ("Leics" is nearer "Leicester" than "Leicestershire").
COUNTY_ABBREVIATIONS = {
    "beds": "bedfordshire",
    "berks": "berkshire",
    "bucks": "buckinghamshire",
    "cambs": "cambridgeshire",
    "derbys": "derbyshire",
    "glos": "gloucestershire",
    "hants": "hampshire",
    "herts": "hertfordshire",
    "lancs": "lancashire",
    "leics": "leicestershire",
    "lincs": "lincolnshire",
    "northants": "northamptonshire",
    "notts": "nottinghamshire",
    "oxon": "oxfordshire",
    "shrops": "shropshire",
    "staffs": "staffordshire",
    "warks": "warwickshire",
    "wilts": "wiltshire",
    "worcs": "worcestershire",
}


@functools.lru_cache(maxsize=256)
def _index(candidates: tuple[tuple[str, str], ...]) -> dict[str, str]:
    index: dict[str, str] = {}
    for spelling, canonical in candidates:
        index.setdefault(loose_key(spelling), canonical)  # the first spelling wins, as listed
    return index


def find_match(value: str, candidates: dict[str, str]) -> str | None:
    """The canonical name ``value`` means, or None.

    ``candidates`` maps every accepted spelling (names and aliases) to its
    canonical name.  Matching ignores case, spacing, punctuation and "&"/"and".
    The index of loose keys is built once per set of candidates: a region's
    540 networks are looked up once per return, not compared one by one.
    """
    return _index(tuple(candidates.items())).get(loose_key(value))


def suggest(value: str, candidates: dict[str, str] | list[str]) -> str | None:
    """The canonical name ``value`` was probably meant to be, for a hint."""
    if isinstance(candidates, list):
        candidates = {c: c for c in candidates}
    wanted = loose_key(value)
    if not wanted:
        return None
    by_key = {loose_key(spelling): canonical for spelling, canonical in candidates.items()}
    county = COUNTY_ABBREVIATIONS.get(wanted)
    if county and county in by_key:
        return by_key[county]
    # "Derbys" for Derbyshire, "Nottingham City" for Nottingham: a shortened
    # name, or a name with a word added, is a better clue than edit distance.
    starts = [k for k in by_key if k.startswith(wanted) or wanted.startswith(k + " ")]
    if len(starts) == 1:
        return by_key[starts[0]]
    close = difflib.get_close_matches(wanted, list(by_key), n=1, cutoff=0.6)
    return by_key[close[0]] if close else None


def renamed_from(value: str, names: list[str]) -> str | None:
    """The name ``value`` most likely is, renamed or misspelt ("Work programme
    (updated)", "RAG status", "Expected outcome", "LA suport", "Comments",
    "Link director"); None when unsure.

    Stricter than :func:`suggest`, because a guess here turns a warning into an
    error: a word added or dropped at either end, the same words in another
    order, a shared stem of five letters or more, or a close spelling, and
    only when one name fits best (a name the value starts with, then one that
    starts with the value, then the shortest). Give it only the names that are
    missing: a renamed one is one of those.
    """
    wanted = loose_key(value)
    if not wanted:
        return None
    keys = {loose_key(name): name for name in names}
    if wanted in keys:
        return keys[wanted]

    def fits(key: str) -> bool:
        return (wanted.startswith(key + " ") or key.startswith(wanted + " ") or wanted.endswith(" " + key)
                or key.endswith(" " + wanted) or sorted(wanted.split()) == sorted(key.split())
                or wanted.replace(" ", "") == key.replace(" ", "")
                or len(os.path.commonprefix([wanted, key])) >= 5)

    found = [key for key in keys if fits(key)]
    if len(found) > 1:  # a name the value starts with, else one that starts with the value; then the shortest
        found = ([key for key in found if wanted.startswith(key)] or [key for key in found if key.startswith(wanted)]
                 or found)
        shortest = min(map(len, found))
        found = [key for key in found if len(key) == shortest]
    if len(found) == 1:
        return keys[found[0]]
    close = difflib.get_close_matches(wanted, list(keys), n=2, cutoff=0.8)
    return keys[close[0]] if len(close) == 1 else None


def did_you_mean(value: str, candidates: dict[str, str] | list[str]) -> str | None:
    guess = suggest(value, candidates)
    return f'did you mean "{guess}"?' if guess else None


def listed(items: list[str], limit: int = 8) -> str:
    """``A2, B4, C7`` for messages; past ``limit``, ``A2, B4 and 7 more``."""
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def join_names(names: list[str], limit: int = 12, word: str = "or") -> str:
    """``"A", "B" or "C"`` for messages; past ``limit``, ``"A", "B" and 7 more``."""
    quoted = [f'"{n}"' for n in names]
    if not quoted:
        return "(none)"
    if len(quoted) > limit:
        return ", ".join(quoted[:limit]) + f" and {len(quoted) - limit} more"
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + f" {word} " + quoted[-1]


def forbidden_characters(text: str) -> list[str]:
    """Characters in ``text`` that a Word document cannot hold, described."""
    return sorted({_describe(c) for c in _FORBIDDEN.findall(text)})


# What Word, Outlook or a chair puts before a list item, and what pasting one
# from Word leaves: a bullet symbol (Word's symbol-font bullets are private-use
# characters, U+F0xx, or Ø and § once their font is lost); a dash or star and
# a space (a dash straight before a word too); Word's "o" and a space; a
# number, letter or roman numeral with a point or bracket, and a space. Never
# a minus sign, a comparison or a decimal ("-5%", "> 10%", "1.5 days").
_LIST_MARKER = re.compile(
    "^(?:[\uf020-\uf0ff\u2022\u25cf\u25e6\u25aa\u25ab\u25a0\u25a1\u2023\u2043\u2219\u00b7\u25cb\u25c6"
    "\u25c7\u27a2\u27a4\u27a2\u2794\u25ba\u25b6\u25b8\u2713\u2714\u2756\u2666\u2192\u21d2\u2605]\\s*"
    "|[\u00d8\u00a7]\\s+"
    "|[-\u2010\u2011\u2012\u2013\u2014\u2212*]\\s+|[-\u2010\u2013\u2014](?=[^\\W\\d_])"
    "|o\\s+"
    "|\\(?\\d{1,2}[.)]\\s+|\\d{1,2}(?:\\.\\d{1,2})+\\.\\s+"
    "|\\(?(?:i{1,3}|iv|vi{0,3}|ix|x)[.)]\\s+|\\(?[a-z][.)]\\s+|\\(?[A-Z]\\)\\s+)")


def strip_list_marker(line: str) -> str:
    """A list item without the marker typed or pasted before it ("- item",
    "\u2022 item", "1. item"): the documents number and bullet lists themselves."""
    for _ in range(3):  # "- \u2022 item", pasted twice over
        stripped = _LIST_MARKER.sub("", line, count=1)
        if stripped == line:
            break
        line = stripped
    return line


def printable(text: str) -> str:
    """``text`` with bytes that are not UTF-8 shown as \\xff and invisible characters as \\u200b, so it
    always prints, and two names that differ only there stay two names (file labels).

    A name not in Unicode's composed form (NFC: macOS writes "e" + U+0301 where Windows writes "é", and
    Korean syllables as their letters; U+212B is the twin of "Å") shows the characters its composed form
    changes as escapes ("re\\u0301sume\\u0301.xlsx"), so it never prints like its composed twin."""
    out = []
    decomposed = not unicodedata.is_normalized("NFC", text)
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte the file system's encoding could not decode (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif decomposed and code > 0x7F and (unicodedata.combining(char) or unicodedata.decomposition(char)
                                            or 0x1100 <= code <= 0x11FF):
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        elif char.isprintable() or char == " ":
            out.append(char)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out)
