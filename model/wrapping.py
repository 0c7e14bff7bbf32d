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
(``MIN_UNSPACED_WRAPS``), and the lines are joined without a space. Korean is left as it is: w3m cuts it
inside words, and without lowercase a wrapped line cannot be told from a list of headlines.

Other scripts without case (Arabic, Hebrew, Thai, Devanagari, Bengali...) have no lowercase to tell a cut
mid-sentence: a cut counts as one when the next line opens with such a letter, the cut line ends no
sentence, and its run of joined lines ends a paragraph: the run's last line ends a sentence or, in Thai and
Lao, which mark none, stops short of the width (a site's list of titles of one length does neither).
Combining marks (Thai, Devanagari and Bengali vowel signs) take no column in w3m's count (lynx counts
characters; both are tried). A paragraph aligned right (HTML's ``align="right"``, common on right-to-left
pages) comes out of w3m padded on the left: a right-to-left line is as long as its text, its padding is no
indent, and a run of such lines need not keep one indent. Thai and Lao put no space between words, so a
long run of their letters is a clause, not a URL, and w3m leaves one longer than the width whole on its
line, which counts as full.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from linesift.codepoints import HAN_KANA, MARK, THAI_LAO, THAI_LAO_CHAR, class_table
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
# Thai and Lao put no space between words: a long run of their letters is a clause, not a URL; w3m, which
# breaks them only at spaces, leaves a run longer than the width whole on a line of its own
_THAI_LAO_RUN = re.compile(THAI_LAO_CHAR.pattern + r"\S*$")
_THAI_LAO_WORD = re.compile(THAI_LAO_CHAR.pattern + "+")
_ANY_LONG_WORD = re.compile(rf"\S{{{LONGEST_WORD + 1}}}")  # fast; then, none of its characters wide (Chinese
# has no spaces at all)
_LONG_WORD = re.compile("[^\\s" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _WIDE_RANGES.tolist())
                        + f"]{{{LONGEST_WORD + 1}}}")
# a line ending a sentence (a full line of a paragraph that ends there, not a line cut mid-sentence)
_ENDS_SENTENCE = re.compile("[。！？][」』”’）)】]*$")
_SENTENCE_END = "。！？!?.…:：;；"
# ... and in scripts without case: Arabic "؟", Urdu "۔", Devanagari and Bengali "।" and "॥" (a line ending
# in one, closing quotes and brackets aside, is not cut mid-sentence)
_CASELESS_SENTENCE_END = _SENTENCE_END + "؟۔।॥"
_CLOSERS = "\"'”’»)]}"
# letters of scripts written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation
# forms), as (first, last) code points; a line opening (punctuation and digits aside) with one is
# right-to-left: if aligned right, w3m pads it on the left
_RTL_RANGES = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFC))
_RTL_START = re.compile("[\\W\\d_]*[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _RTL_RANGES) + "]")
RTL_MARGIN = 4  # a right-to-left line indented further is padded: its length for a cut is its text's
# a list item's start as the features read it, plus w3m's second-level "□" (not in the features: the shipped
# model was trained without it)
_ITEM_START = re.compile(r"\s*(?:[" + BULLET_MARKS + r"\u25a1]|" + NUMBERED_ITEM + r")\s")


def _url_like(line: str) -> bool:
    """Whether a line holding a long word (``_LONG_WORD``) is kept from setting the width: its long word is a
    URL or the like, not a run of Thai or Lao letters, or the line is one such run (left whole by w3m)."""
    text = line.strip()
    if _THAI_LAO_RUN.match(text):
        return True
    return any(len(word) > LONGEST_WORD and not _THAI_LAO_WORD.fullmatch(word) for word in text.split())


def _width(lines: list[str], lengths: np.ndarray) -> int:
    """The wrap width: the length that all but ``OVERLONG_SHARE`` of the lines keep to (a dump's menu or
    table row can pass it), not counting lines that hold a word longer than ``LONGEST_WORD`` (a long URL,
    as in lynx's list of links, is never wrapped; a long run of Thai or Lao letters is a clause and counts,
    unless it is the whole line, which w3m leaves whole however long)."""
    allowed = int(OVERLONG_SHARE * int((lengths > 0).sum()))
    if int((lengths > MAX_WIDTH).sum()) > 2 * (allowed + 1):  # a dump without a width limit (not all URLs)
        return MAX_WIDTH + 1
    for i in np.argsort(-lengths, kind="stable").tolist():
        if lengths[i] < MIN_WIDTH:
            return int(lengths[i])
        if not (_ANY_LONG_WORD.search(lines[i]) and _LONG_WORD.search(lines[i]) and _url_like(lines[i])):
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
    wide characters or combining marks is measured in display columns (a wide character takes two, a mark
    none, as w3m counts) and in characters (as lynx counts): the count that joins more lines wins."""
    chars = np.fromiter(map(len, map(str.rstrip, lines)), dtype=np.int64, count=len(lines))
    in_chars = _width(lines, chars)
    # not wrapped in characters, nor in columns (a wide character takes two; a mark takes none, so its lines
    # are shorter in columns, but a page of lines past MAX_WIDTH characters is not taken for a wrapped one)
    if not MIN_WIDTH // 2 <= in_chars <= MAX_WIDTH:
        return None
    scripts = _scripts(lines, chars)
    found, stripped, wide = [], None, None
    # a page with combining marks: in columns (w3m: a mark takes none) and in characters (lynx)
    for lengths, word_width in ((chars, len),) if isinstance(scripts.marks, int) else \
            ((chars - scripts.marks, _columns), (chars, len)):
        width = in_chars if lengths is chars else _width(lines, lengths)
        if not MIN_WIDTH // 2 <= width <= MAX_WIDTH:
            continue
        if stripped is None:
            stripped = [line.rstrip() for line in lines]
            wide = _wide_counts(stripped, chars)
        if wide is None:
            found.append(_unwrap(lines, stripped, lengths, width, 0, scripts, word_width))
            continue
        counts, last_wide = wide
        found += [_unwrap(lines, stripped, n, _width(lines, n), w, scripts, word_width, last_wide)
                  for n, w in ((lengths + counts, 2), (lengths, 1))]
    found = [r for r in found if r]
    return min(found, key=lambda r: len(r[0])) if found else None  # the count that joins more lines


class _Scripts(NamedTuple):
    """What of a page's lines needs more than Latin wrapping rules (None or 0: nothing)."""

    marks: np.ndarray | int  # combining marks (no column of their own: Thai, Bengali, Hindi vowel signs)
    whole_run: np.ndarray | None  # the line is one run of Thai or Lao, full however long
    rtl: np.ndarray | None  # the line opens (punctuation and digits aside) with a right-to-left letter
    padding: np.ndarray | None  # a right-to-left line's indent past RTL_MARGIN (aligned right: no indent)


_MARK, _THAI_LAO_FLAG, _RTL = 1, 2, 4


@lru_cache(maxsize=1)
def _script_table() -> np.ndarray:
    """For each code point of the Basic Multilingual Plane: a combining mark, Thai or Lao, right-to-left."""
    table = np.where((class_table()[:0x10000] & MARK) > 0, _MARK, 0).astype(np.uint8)
    table[THAI_LAO[0]:THAI_LAO[1] + 1] |= _THAI_LAO_FLAG
    for first, last in _RTL_RANGES:
        table[first:last + 1] |= _RTL
    return table


def _scripts(lines: list[str], chars: np.ndarray) -> _Scripts:
    """``_Scripts`` of ``lines`` (``chars``: each line's length without trailing whitespace): one numpy pass
    over the page, and a pass over its lines for Thai or Lao and for right-to-left letters if it holds any."""
    text = "\n".join(lines)
    if text.isascii():
        return _Scripts(0, None, None, None)
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    at = np.flatnonzero((cps >= 0x300) & (cps <= 0xFFFF))  # none below the first combining mark, or astral
    flags = _script_table()[cps[at]]
    found = int(np.bitwise_or.reduce(flags)) if len(flags) else 0
    marks, whole_run, rtl, padding = 0, None, None, None
    if found & _MARK:
        at = at[(flags & _MARK) > 0]
        starts = np.concatenate([[0], np.cumsum([len(line) + 1 for line in lines[:-1]])]).astype(np.int64)
        before = np.searchsorted(at, np.concatenate([starts, starts + chars]))  # marks before each point
        marks = before[len(lines):] - before[:len(lines)]
    if found & _THAI_LAO_FLAG:
        whole_run = np.fromiter((bool(_THAI_LAO_RUN.match(line.strip())) for line in lines), dtype=bool,
                                count=len(lines))
    if found & _RTL:
        rtl = np.fromiter((bool(_RTL_START.match(line.lstrip())) for line in lines), dtype=bool, count=len(lines))
        indents = np.fromiter((len(line) - len(line.lstrip()) for line in lines), dtype=np.int64, count=len(lines))
        padding = np.where(rtl & (indents > RTL_MARGIN), indents, 0)
    return _Scripts(marks, whole_run, rtl, padding)


def _run_ends(n: int, joins: set[int]) -> np.ndarray:
    """For each of ``n`` lines, the last line of the run of joined lines that holds it."""
    ends = np.arange(n)
    for i in sorted(joins, reverse=True):  # line i + 1 joins line i
        ends[i] = ends[i + 1]
    return ends


def _sentence_ended(line: str) -> bool:
    """Whether ``line`` ends a sentence (``_CASELESS_SENTENCE_END``), closing quotes and brackets aside."""
    last = line.rstrip(_CLOSERS)[-1:]
    return bool(last) and last in _CASELESS_SENTENCE_END


def _ends_paragraph(line: str, length: int, width: int) -> bool:
    """Whether the last line of a run of joined lines of a script without case ends a paragraph: it ends a
    sentence or, in Thai and Lao (which mark no sentence's end), stops short of the width by more than
    ``NEAR_WIDTH`` (a site's list of titles cut at one length does neither)."""
    return _sentence_ended(line) or (THAI_LAO_CHAR.fullmatch(line[-1:]) is not None and length < width - NEAR_WIDTH)


def _columns(word: str) -> int:
    """``word``'s length less its combining marks (``MARK`` in ``class_table``, as ``_scripts`` counts them)."""
    if word.isascii():
        return len(word)
    return int(np.count_nonzero((class_table()[[ord(c) for c in word]] & MARK) == 0))


def _caseless_start(text: str) -> bool:
    """Whether ``text`` opens with a letter of a script without case (Arabic, Hebrew, Thai, Devanagari,
    Bengali...) that is not a wide one (Chinese, Japanese and Korean have rules of their own)."""
    first = text[:1]
    return first.isalpha() and not first.isupper() and not first.islower() and not _wide_char(first)


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
            wide_width: int, scripts: _Scripts, word_width=len, last_wide: np.ndarray | None = None
            ) -> tuple[list[str], np.ndarray] | None:
    """``unwrap`` with the lines' ``lengths`` and the page's ``width`` (``_width``) measured with a wide
    character as ``wide_width`` columns (0: the page has none; ``last_wide``: whether each line ends in one;
    ``scripts``: what the page's text holds; ``word_width``: a word's length, as ``lengths`` count)."""
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
    if scripts.whole_run is not None:  # a line of one run of Thai or Lao is full, however long
        fits |= scripts.whole_run
    rtl = scripts.rtl if scripts.rtl is not None else np.zeros(len(lines), dtype=bool)
    # a right-to-left line padded on the left (aligned right) is as long as its text
    text_lengths = lengths if scripts.padding is None else lengths - scripts.padding
    candidates = np.flatnonzero(filled[:-1] & filled[1:] & (text_lengths[:-1] >= width - LONGEST_WORD) & fits[:-1])
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
        if text_lengths[i] + 1 + word_width(nxt.split(None, 1)[0]) > width:
            cut.append(i)
            if han and _unspaced_char(stripped[i][-1]):  # Latin after Chinese: joined without a space
                unspaced.add(i)
    # a list item starts a new line; a continuation is indented at least as far as its start (unless both
    # are right-to-left: aligned right, each is padded to the right edge); table rows (cells apart by 2+
    # spaces) stay apart
    joins = {i for i in cut if not _ITEM_START.match(lines[i + 1])
             and (len(lines[i + 1]) - len(lines[i + 1].lstrip()) >= len(lines[i]) - len(lines[i].lstrip())
                  or rtl[i] and rtl[i + 1])
             and "  " not in lines[i].strip() and "  " not in lines[i + 1].strip()}
    if cjk:  # Chinese or Japanese cut lines count only in a run that holds a full stop and ends a paragraph
        dropped = cjk - _paragraph_runs(cjk, joins, stripped, lengths + max(wide_width, 1) > width)
        cut, cjk, joins = [i for i in cut if i not in dropped], cjk - dropped, joins - dropped
    # mid-sentence: the next line opens in lowercase, or Chinese goes on after a line that ends no sentence,
    # or a script without case does, in a run of lines that ends a paragraph
    caseless = [i for i in cut if _caseless_start(lines[i + 1].lstrip()) and not _sentence_ended(stripped[i])]
    if caseless:
        ends = _run_ends(len(lines), joins)
        caseless = {i for i in caseless if _ends_paragraph(stripped[ends[i + 1]], text_lengths[ends[i + 1]], width)}
    lower = sum(lines[i + 1].lstrip()[:1].islower() or (i in cjk and stripped[i][-1] not in _SENTENCE_END)
                or i in caseless for i in cut)
    too_few = len(cut) < MIN_WRAPS and len(cjk) < MIN_UNSPACED_WRAPS
    if too_few or lower < max(MIN_LOWER_STARTS, MIN_LOWER_SHARE * len(cut)):
        return None
    joined_to_previous = np.zeros(len(lines), dtype=bool)
    joined_to_previous[[i + 1 for i in joins]] = True
    origin = np.cumsum(~joined_to_previous) - 1
    # each joined line's pieces are gathered and joined once (adding to a string copies it: a page of one
    # paragraph of many lines would take quadratic time)
    parts: list[list[str]] = []
    for i, (line, joined) in enumerate(zip(lines, joined_to_previous.tolist())):
        if joined:
            parts[-1][-1] = parts[-1][-1].rstrip()
            parts[-1] += ["" if i - 1 in cjk or i - 1 in unspaced else " ", line.strip()]
        else:  # a right-to-left paragraph's padding is no indent
            parts.append([line.lstrip() if rtl[i] and i in joins else line])
    return ["".join(pieces) for pieces in parts], origin
