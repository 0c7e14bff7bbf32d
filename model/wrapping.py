"""Hard-wrapped scrapes: paragraphs broken into lines of a fixed width are joined back before scoring.

``w3m -dump`` and ``lynx -dump`` wrap at 80 columns unless told otherwise, so a paragraph comes out as
several short lines, and the length and punctuation of each piece no longer describe the paragraph (the
model was trained on one line per block). ``unwrap`` finds a page's wrap width and joins each line to the
one before it when the previous line ended only because the next word did not fit. Scores of a joined
line go to every line it was made of, so the output still has one row per input line.

Widths are display columns, as w3m counts them: a wide character (CJK, Hangul, fullwidth forms) takes two;
a page with wide characters is measured in characters too (as Python's ``textwrap`` counts), and the count
that joins more lines wins.

A page counts as wrapped when its width (the length all but ``OVERLONG_SHARE`` of its lines keep to) is
``MIN_WIDTH``-``MAX_WIDTH`` columns, at least ``MIN_NEAR_SHARE`` of its lines (and ``MIN_WRAPS``) come
within ``NEAR_WIDTH`` columns of that width, and at least ``MIN_WRAPS`` lines were cut before a word that
did not fit, ``MIN_LOWER_SHARE`` (and ``MIN_LOWER_STARTS``) of them mid-sentence (the next line opens in
lowercase). Lines holding a word longer than ``LONGEST_WORD`` (URLs) do not set the width; list items and
table rows are never joined. Pages dumped without a width limit have lines of any length and are left as
they are.

Chinese and Japanese, written without spaces, are wrapped before any character. Such a cut (on lines
holding Han or kana) counts when the next character would not have fitted, either line holds clause
punctuation, and the run of lines it joins holds a full stop "。" and ends a paragraph: its last line stops
short of the width or ends a sentence (a site's list of headlines or excerpts cut at one length fails one
or the other). It is mid-sentence when the line does not end a sentence, 3 such cuts suffice
(``MIN_UNSPACED_WRAPS``), and the lines are joined without a space. Korean and other scripts without case
are left as they are: w3m cuts Korean inside words, and without lowercase a wrapped line cannot be told
from a list of headlines.
"""

from __future__ import annotations

import bisect
import re

import numpy as np
from linesift.codepoints import HAN_KANA
from linesift.features import BULLET_MARKS, NUMBERED_ITEM

MIN_WIDTH, MAX_WIDTH = 60, 250  # terminal-like widths (72, 80, 100, 132, ...)
NEAR_WIDTH = 15  # a wrapped line ends within a word's length of the width
MIN_NEAR_SHARE = 0.1
MIN_WRAPS = 5
MIN_LOWER_STARTS = 2
MIN_UNSPACED_WRAPS = 3  # cuts inside Chinese or Japanese prose (clause marks, a full stop in the paragraph)
OVERLONG_SHARE = 0.02  # lines allowed past the wrap width (menus and table rows a dump does not wrap)
MIN_LOWER_SHARE = 0.2  # of the cut lines, the share whose next line opens in lowercase (not a list of titles)
LONGEST_WORD = 40  # longest word a wrap leaves whole at a line's end (a line holding a longer one, a URL,
# does not set the width); cut lines are looked for only this close to the width
# clause punctuation: a cut line of Chinese or Japanese prose holds some (a truncated headline rarely does)
_CLAUSE = re.compile("[，、。；：！？,;:]")
# code points of East Asian width W or F (two columns in a terminal), as (first, last) ranges (not the
# Hangul jamo U+1100-115F, rare in text: the first range starts above the bullets and rules w3m draws)
_WIDE_RANGES = np.array([(0x2E80, 0x303E), (0x3041, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
                         (0xA000, 0xA4CF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFF60),
                         (0xFFE0, 0xFFE6), (0x20000, 0x3FFFD)], dtype=np.uint32)
_ANY_LONG_WORD = re.compile(rf"\S{{{LONGEST_WORD + 1}}}")  # fast; then, none of its characters wide (Chinese
# has no spaces at all)
_LONG_WORD = re.compile("[^\\s" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _WIDE_RANGES.tolist())
                        + f"]{{{LONGEST_WORD + 1}}}")
# a line ending a sentence (a full line of a paragraph that ends there, not a line cut mid-sentence)
_ENDS_SENTENCE = re.compile("[。！？][」』”’）)】]*$")
_SENTENCE_END = "。！？!?.…:：;；"
# a list item's start as the features read it, plus w3m's second-level "□" (not in the features: the shipped
# model was trained without it)
_ITEM_START = re.compile(r"\s*(?:[" + BULLET_MARKS + r"\u25a1]|" + NUMBERED_ITEM + r")\s")


def _width(lines: list[str], lengths: np.ndarray) -> int:
    """The wrap width: the length that all but ``OVERLONG_SHARE`` of the lines keep to (a dump's menu or
    table row can pass it), not counting lines that hold a word longer than ``LONGEST_WORD`` (a long URL,
    as in lynx's list of links, is never wrapped)."""
    allowed = int(OVERLONG_SHARE * int((lengths > 0).sum()))
    if int((lengths > MAX_WIDTH).sum()) > 2 * (allowed + 1):  # a dump without a width limit (not all URLs)
        return MAX_WIDTH + 1
    for i in np.argsort(-lengths, kind="stable").tolist():
        if lengths[i] < MIN_WIDTH:
            return int(lengths[i])
        if not (_ANY_LONG_WORD.search(lines[i]) and _LONG_WORD.search(lines[i])):
            if allowed == 0:
                return int(lengths[i])
            allowed -= 1
    return 0


def as_scored(lines: list[str]) -> list[str]:
    """The lines as ``LineClassifier.score_pages`` scores them: joined when the page is hard-wrapped."""
    u = unwrap(lines)
    return lines if u is None else u[0]


def unwrap(lines: list[str]) -> tuple[list[str], np.ndarray] | None:
    """``(joined lines, origin)`` for a hard-wrapped page, where ``origin[i]`` is the joined line that
    holds line ``i``; None when the page does not look wrapped (then it is scored as it is). A page with
    wide characters is measured in display columns and in characters: the count that joins more lines wins."""
    lengths = np.fromiter(map(len, map(str.rstrip, lines)), dtype=np.int64, count=len(lines))
    width = _width(lines, lengths)
    if not MIN_WIDTH // 2 <= width <= MAX_WIDTH:  # not wrapped in characters, nor in columns (2 a character)
        return None
    stripped = [line.rstrip() for line in lines]
    wide = _wide_counts(stripped, lengths)
    if wide is None:
        return _unwrap(lines, stripped, lengths, width, 0)
    counts, last_wide = wide
    found = [r for r in (_unwrap(lines, stripped, n, _width(lines, n), w, last_wide)
                         for n, w in ((lengths + counts, 2), (lengths, 1))) if r]
    return min(found, key=lambda r: len(r[0])) if found else None  # the count that joins more lines


def _is_wide(cps: np.ndarray) -> np.ndarray:
    """Whether each code point is of East Asian width W or F."""
    at = np.searchsorted(_WIDE_RANGES[:, 0], cps, side="right") - 1
    return (at >= 0) & (cps <= _WIDE_RANGES[np.maximum(at, 0), 1])


_WIDE_STARTS = _WIDE_RANGES[:, 0].tolist()


def _wide_char(char: str) -> bool:
    """``_is_wide`` of one character."""
    at = bisect.bisect_right(_WIDE_STARTS, ord(char)) - 1
    return at >= 0 and ord(char) <= int(_WIDE_RANGES[at, 1])


def _paragraph_runs(cjk: set[int], joins: set[int], stripped: list[str], full: np.ndarray) -> set[int]:
    """The cuts of ``cjk`` (before a character of text without spaces) whose run of joined lines (``joins``)
    holds a full stop "。" and ends a paragraph: its last line stops short of the width (not ``full``) or
    ends a sentence. Chinese or Japanese prose wrapped at a width does; a site's list of headlines or
    excerpts, each cut at one length, does not."""
    kept = set()
    for i in cjk:
        start, end = i, i + 1
        while start - 1 in joins:
            start -= 1
        while end in joins:
            end += 1
        if (any("。" in stripped[k] for k in range(start, end + 1))
                and (not full[end] or _ENDS_SENTENCE.search(stripped[end]))):
            kept.add(i)
    return kept


def _unspaced_char(char: str) -> bool:
    """A wide character of a script written without spaces (Chinese, Japanese; not Hangul: Korean has spaces)."""
    return _wide_char(char) and not "\uac00" <= char <= "\ud7a3"


def _wide_counts(stripped: list[str], lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The number of wide characters on each line, and whether it ends in one; None when the page has none."""
    cps = np.frombuffer("".join(stripped).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    high = np.flatnonzero(cps >= _WIDE_RANGES[0, 0])
    wide = high[_is_wide(cps[high])]
    if not len(wide):
        return None
    ends = np.cumsum(lengths)
    return (np.bincount(np.searchsorted(ends, wide, side="right"), minlength=len(lengths)),
            (lengths > 0) & np.isin(ends - 1, wide))


def _unwrap(lines: list[str], stripped: list[str], lengths: np.ndarray, width: int,
            wide_width: int, last_wide: np.ndarray | None = None) -> tuple[list[str], np.ndarray] | None:
    """``unwrap`` with the lines' ``lengths`` and the page's ``width`` (``_width``) measured with a wide
    character as ``wide_width`` columns (0: the page has none; ``last_wide``: whether each line ends in one)."""
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        return None
    filled = lengths > 0
    near = int((lengths >= width - NEAR_WIDTH).sum())
    if near < max(MIN_UNSPACED_WRAPS if wide_width else MIN_WRAPS, MIN_NEAR_SHARE * int(filled.sum())):
        return None
    # line i was cut when line i + 1's first word would not have fitted after it (in columns, a line ending
    # in a wide character can end one column past the width found)
    fits = lengths <= width
    if wide_width == 2:
        fits |= (lengths == width + 1) & last_wide
    candidates = np.flatnonzero(filled[:-1] & filled[1:] & (lengths[:-1] >= width - LONGEST_WORD) & fits[:-1])
    cut, cjk, unspaced = [], set(), set()  # cjk: cut before a character of text without spaces
    for i in candidates.tolist():
        nxt = lines[i + 1].lstrip()
        # a line holding Han or kana is Chinese or Japanese (not Latin with a fullwidth "！" or "Ａ")
        han = wide_width and (HAN_KANA.search(stripped[i]) or HAN_KANA.search(nxt))
        if han and nxt and _unspaced_char(nxt[0]):
            if lengths[i] + wide_width > width and (_CLAUSE.search(stripped[i]) or _CLAUSE.search(nxt)):
                cut.append(i)
                cjk.add(i)
            continue
        if lengths[i] + 1 + len(nxt.split(None, 1)[0]) > width:
            cut.append(i)
            if han and _unspaced_char(stripped[i][-1]):  # Latin after Chinese: joined without a space
                unspaced.add(i)
    # a list item starts a new line; a continuation is indented at least as far as its start; table rows
    # (cells apart by 2+ spaces) stay apart
    joins = {i for i in cut if not _ITEM_START.match(lines[i + 1])
             and len(lines[i + 1]) - len(lines[i + 1].lstrip()) >= len(lines[i]) - len(lines[i].lstrip())
             and "  " not in lines[i].strip() and "  " not in lines[i + 1].strip()}
    if cjk:  # Chinese or Japanese cut lines count only in a run that holds a full stop and ends a paragraph
        dropped = cjk - _paragraph_runs(cjk, joins, stripped, lengths + max(wide_width, 1) > width)
        cut, cjk, joins = [i for i in cut if i not in dropped], cjk - dropped, joins - dropped
    # mid-sentence: the next line opens in lowercase, or Chinese goes on after a line that ends no sentence
    lower = sum(lines[i + 1].lstrip()[:1].islower() or (i in cjk and stripped[i][-1] not in _SENTENCE_END)
                for i in cut)
    too_few = len(cut) < MIN_WRAPS and len(cjk) < MIN_UNSPACED_WRAPS
    if too_few or lower < max(MIN_LOWER_STARTS, MIN_LOWER_SHARE * len(cut)):
        return None
    joined_to_previous = np.zeros(len(lines), dtype=bool)
    joined_to_previous[[i + 1 for i in joins]] = True
    origin = np.cumsum(~joined_to_previous) - 1
    out: list[str] = []
    for i, (line, joined) in enumerate(zip(lines, joined_to_previous.tolist())):
        if joined:
            out[-1] = out[-1].rstrip() + ("" if i - 1 in cjk or i - 1 in unspaced else " ") + line.strip()
        else:
            out.append(line)
    return out, origin
