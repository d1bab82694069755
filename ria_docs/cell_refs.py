"""Cell references ("D7"): column letters to numbers and back.

openpyxl has these, but importing it costs a merge a tenth of a second; a check
or merge that writes no workbook need not pay for it.
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_COLUMN = 18278  # ZZZ: the most three letters name; Excel's own limit is XFD (16384)
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


@lru_cache(maxsize=1024)  # asked for every cell read: a return uses a few dozen columns
def column_letter(index: int) -> str:
    """1 -> "A", 28 -> "AB"."""
    if not 1 <= index <= MAX_COLUMN:
        raise ValueError(f"Invalid column index {index}")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """"A" -> 1, "ab" -> 28."""
    if not 1 <= len(letters) <= 3 or not letters.isascii() or not letters.isalpha():
        raise ValueError(f"{letters!r} is not a valid column name")
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def split_ref(ref: str) -> tuple[str, int]:
    """"$D$7" -> ("D", 7)."""
    match = _REF.match(ref)
    if match is None or int(match.group(2)) == 0:
        raise ValueError(f"Invalid cell coordinates ({ref})")
    return match.group(1), int(match.group(2))
