"""The code points of many lines at once: one numpy array over all lines of a batch of pages.

Features, the lexical tokens and the near-duplicate keys are all computed from it with numpy (per code
point, through lookup tables over all of Unicode), never per character in Python.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# code point class flags
LETTER, UPPER, DIGIT, SPACE, PUNCT, SYMBOL, CJK, MARK = 1, 2, 4, 8, 16, 32, 64, 128
FOLD_SPACE, FOLD_DIGIT = ord(" "), ord("0")


# Han and kana: Chinese and Japanese, written without spaces between words
HAN_KANA = re.compile("[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003fffd]")
# Thai and Lao: written without spaces between words and without a full stop; a space ends a clause or a
# sentence. Their letters count as CJK and such a space as a Chinese comma ("，"), so that their prose reads
# like the Chinese prose the model learnt from (without it, a Thai paragraph reads as one long unpunctuated
# word, like a menu item; data/EXPERIMENTS.md, "Twentieth round").
THAI_LAO = (0x0E00, 0x0EFF)
THAI_LAO_CHAR = re.compile(f"[{chr(THAI_LAO[0])}-{chr(THAI_LAO[1])}]")
_THAI_LAO_LETTER = "\u0e01-\u0e3a\u0e40-\u0e4e\u0e81-\u0ece\u0edc-\u0edf"  # and marks; not digits or symbols
# whitespace between two Thai or Lao letters (never a line break: it would join two lines)
CLAUSE_SPACE = re.compile(f"(?<=[{_THAI_LAO_LETTER}])([^\\S\\n]+)(?=[{_THAI_LAO_LETTER}])")
CLAUSE_MARK = "\uff0c"


def _is_cjk(cp: int) -> bool:
    return (0x3040 <= cp <= 0x30FF or 0x3400 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7AF or 0xF900 <= cp <= 0xFAFF
            or THAI_LAO[0] <= cp <= THAI_LAO[1])


def clause_marks(text: str) -> str:
    """``text`` with the first character of each run of whitespace between two Thai or Lao letters read as a
    comma ("，"): the same length, so positions in it are positions in ``text``."""
    if text.isascii() or not THAI_LAO_CHAR.search(text):  # most text: nothing to read
        return text
    return CLAUSE_SPACE.sub(lambda m: CLAUSE_MARK + m.group(1)[1:], text)


UNICODE_SIZE = 0x110000


@lru_cache(maxsize=1)
def class_table() -> np.ndarray:
    """Class flags for every code point (built once, ~30 ms): from Unicode's categories in the Basic
    Multilingual Plane; above it, the CJK extension planes are CJK letters and the rest symbols."""
    table = np.full(UNICODE_SIZE, SYMBOL, dtype=np.uint8)
    table[0x20000:0x40000] = LETTER | CJK
    for cp in range(0x10000):
        cat = unicodedata.category(chr(cp))
        major = cat[0]
        flag = 0
        if major == "L":
            flag = LETTER | (UPPER if cat == "Lu" else 0) | (CJK if _is_cjk(cp) else 0)
        elif cat == "Nd":
            flag = DIGIT
        elif major == "Z" or cp in (9, 10, 11, 12, 13):
            flag = SPACE
        elif major == "P":
            flag = PUNCT
        elif major == "S":
            flag = SYMBOL
        elif major == "M":
            flag = MARK
        table[cp] = flag
    return table


@lru_cache(maxsize=1)
def fold_table() -> np.ndarray:
    """Each code point folded: lowercase (where that is one character), digits as ``0``, spaces as `` ``
    (code points above the Basic Multilingual Plane unchanged)."""
    table = np.arange(UNICODE_SIZE, dtype=np.uint32)
    classes = class_table()
    for cp in np.flatnonzero(classes & UPPER).tolist():
        lower = chr(cp).lower()
        if len(lower) == 1:
            table[cp] = ord(lower)
    table[(classes & DIGIT) > 0] = FOLD_DIGIT
    table[(classes & SPACE) > 0] = FOLD_SPACE
    table[10] = 10  # the line separator stays
    return table


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a well-spread 64-bit hash of each value (vectorised, wrapping arithmetic)."""
    x = x.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x


@dataclass
class CodePoints:
    """All lines joined by ``\\n``, as code points with their class flags and each line's span."""

    joined: str
    cps: np.ndarray  # uint32 code points of ``joined``
    flags: np.ndarray  # uint8 class flags (astral CJK extension letters, Thai and Lao count as CJK too)
    starts: np.ndarray  # index of each line's first code point
    ends: np.ndarray  # one past each line's last code point
    line_of: np.ndarray  # line of each code point (a separating newline belongs to the line it ends)
    clause_commas: np.ndarray | None = None  # where ``clause_marks`` put a comma for a space (None: nowhere)

    @property
    def lengths(self) -> np.ndarray:
        return self.ends - self.starts

    def folded(self) -> np.ndarray:
        """Code points lowercased, digits as ``0``, spaces as `` `` (astral code points unchanged; a comma
        ``clause_marks`` put for a space is a space again, so lines equal up to spacing fold alike)."""
        folded = fold_table()[self.cps]
        if self.clause_commas is not None:
            folded[self.clause_commas] = FOLD_SPACE
        return folded


def code_points(lines: list[str]) -> CodePoints:
    """The code points of ``lines`` (lines holding a line break, from API callers, read it as a space; a space
    between Thai or Lao characters as "，", ``clause_marks``)."""
    joined = "\n".join(lines)
    if joined.count("\n") != max(len(lines) - 1, 0):
        joined = "\n".join(line.replace("\n", " ") for line in lines)
    marked = clause_marks(joined)
    cps = np.frombuffer(marked.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    marks = None
    if marked is not joined:
        marks = np.flatnonzero(cps != np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32))
        joined = marked
    newline = np.flatnonzero(cps == 10)
    starts = np.concatenate([[0], newline + 1]).astype(np.int64) if lines else np.zeros(0, dtype=np.int64)
    ends = np.concatenate([newline, [len(cps)]]).astype(np.int64) if lines else np.zeros(0, dtype=np.int64)
    flags = class_table()[cps]
    # each line's code points and the "\n" that ends it (the last line has none)
    line_of = np.repeat(np.arange(len(starts), dtype=np.int32), ends - starts + 1)[: len(cps)]
    return CodePoints(joined, cps, flags, starts, ends, line_of, marks)


def folded_lines(cp: CodePoints) -> list[str]:
    """Each line lowercased, digits as ``0`` and spaces as `` ``, runs of digits or of spaces as one."""
    folded = cp.folded()
    prev = np.concatenate([[0], folded[:-1]]) if len(folded) else folded
    drop = (folded == prev) & ((folded == FOLD_DIGIT) | (folded == FOLD_SPACE))
    if not len(cp.starts):
        return []
    return folded[~drop].tobytes().decode("utf-32-le", "surrogatepass").split("\n")


def stable_keys(lines: list[str]) -> np.ndarray:
    """64-bit keys of strings, the same in every process (unlike Python's salted ``hash``): length and
    crc32 of the UTF-8 bytes."""
    return np.fromiter(((len(b) << 32) | zlib.crc32(b) for b in
                        (line.encode("utf-8", "surrogatepass") for line in lines)), dtype=np.uint64, count=len(lines))
