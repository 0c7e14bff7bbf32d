"""Line features: pure functions over a page's lines returning ``(matrix, column names)``.

Every function takes the page's non-blank lines (in order) plus, where needed, the page layout
(``Layout``: block ids and page positions computed once from all lines, blanks included) and returns
a float32 matrix with one row per non-blank line. Work is done per page with numpy over the page's
code points, not per character in Python, and nothing depends on a language or script.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from linesift.lines import is_blank
from linesift.settings import CONTEXT_SHIFTS_DEFAULT, CONTEXT_WINDOWS_DEFAULT

TERMINAL = (".", "!", "?", "\u3002", "\uff01", "\uff1f", "\u2026", "\u061f", "\u0964", ";", "\u037e")
CLOSERS = "\"'\u201d\u2019\u00bb)]\u300d\u300f\uff09*_ "
SEPARATORS = "|\u00bb\u203a\u00b7\u2022/>\u2013\u2014:"
BULLET_START = re.compile(r"^[ \t]*(?:[\u2022*\u00b7\u25aa\u25cf\u25e6\u25ba\u2023+\-\u2013\u2014>#]|\d{1,3}[.)]|\[\d+\])[ \t]", re.M)
NORMALISE_DIGITS = re.compile(r"\d+")
URLISH = re.compile(r"https?://|www\.|\.(?:com|org|net|html?|php|jpe?g|png|gif|svg)\b|@\w", re.I)
SPACE_RUN = re.compile(r"[ \t\u00a0]{2,}|[\t\u00a0]")
# lines that open with a teaser, tag or share cue ("Also read", "Read more:", "Tags:", "Lire aussi", ...)
TEASER_CUE = re.compile(
    r"^[^\w\n]*(?:also read|read more|read also|more from|see also|related(?: articles| posts| stories| news)?"
    r"|recommended(?: for you)?|you (?:may|might) also like|trending|tags?|share(?: on| this)?|lire aussi"
    r"|voir aussi|à lire aussi|lee también|leer más|siehe auch|mehr zum thema|weiterlesen"
    r"|czytaj (?:też|także|więcej)|читайте также|читать далее|смотрите также|διαβάστε επίσης"
    r"|相关阅读|相关新闻|相关文章|延伸阅读|阅读更多)(?:\b|(?=\W)|$)", re.I | re.M)

# code point class flags
LETTER, UPPER, DIGIT, SPACE, PUNCT, SYMBOL, CJK = 1, 2, 4, 8, 16, 32, 64


@lru_cache(maxsize=1)
def _class_table() -> np.ndarray:
    """Class flags for every code point of the Basic Multilingual Plane (built once, ~20 ms)."""
    table = np.zeros(0x10000, dtype=np.uint8)
    for cp in range(0x10000):
        cat = unicodedata.category(chr(cp))
        major = cat[0]
        flag = 0
        if major == "L":
            flag = LETTER | (UPPER if cat == "Lu" else 0)
            if (0x3040 <= cp <= 0x30FF) or (0x3400 <= cp <= 0x9FFF) or (0xAC00 <= cp <= 0xD7AF) or (
                0xF900 <= cp <= 0xFAFF
            ):
                flag |= CJK
        elif cat == "Nd":
            flag = DIGIT
        elif major == "Z" or cp in (9, 10, 11, 12, 13):
            flag = SPACE
        elif major == "P":
            flag = PUNCT
        elif major == "S":
            flag = SYMBOL
        table[cp] = flag
    return table


@dataclass(frozen=True)
class Layout:
    """Where each non-blank line sits in its page (computed once per page from all lines)."""

    index: np.ndarray  # position among all lines, 0-based
    n_lines: int  # all lines of the page, blanks included
    block: np.ndarray  # block id: blocks are runs of lines between blank lines
    blank_before: np.ndarray
    blank_after: np.ndarray


def page_layout(lines: list[str]) -> tuple[list[str], Layout]:
    """Return the non-blank lines of a page and their layout."""
    blank = np.fromiter((is_blank(line) for line in lines), dtype=bool, count=len(lines))
    index = np.flatnonzero(~blank)
    block_all = np.cumsum(blank)
    prev_blank = np.concatenate([[True], blank[:-1]]) if len(lines) else blank
    next_blank = np.concatenate([blank[1:], [True]]) if len(lines) else blank
    layout = Layout(
        index=index,
        n_lines=len(lines),
        block=block_all[index],
        blank_before=prev_blank[index],
        blank_after=next_blank[index],
    )
    return [lines[i] for i in index], layout


SEPARATOR_FLAG, COMMA_FLAG, STOP_FLAG, COPYRIGHT_FLAG = 1, 2, 4, 8
_SPECIAL_CHARS = {SEPARATOR_FLAG: SEPARATORS, COMMA_FLAG: ",\uff0c\u3001", STOP_FLAG: ".!?\u3002\uff01\uff1f",
                  COPYRIGHT_FLAG: "\u00a9"}
_LAST_CHAR_CLASS = {**{c: 1 for c in TERMINAL}, ":": 2, "\uff1a": 2, ",": 3, "\uff0c": 3, "\u3001": 3,
                    **{str(d): 4 for d in range(10)}}


@lru_cache(maxsize=1)
def _special_table() -> np.ndarray:
    table = np.zeros(0x10000, dtype=np.uint8)
    for flag, chars in _SPECIAL_CHARS.items():
        for ch in chars:
            table[ord(ch)] |= flag
    return table


def _line_hits(pattern: re.Pattern, joined: str, starts: np.ndarray) -> np.ndarray:
    """1.0 for each line (of ``joined``, lines starting at ``starts``) where ``pattern`` matches."""
    hit = np.zeros(len(starts), dtype=np.float32)
    pos = [m.start() for m in pattern.finditer(joined)]
    if pos:
        hit[np.searchsorted(starts, pos, side="right") - 1] = 1.0
    return hit


def _class_counts(lines: list[str]) -> dict[str, np.ndarray]:
    """Per-line counts of character classes, word starts and special characters, from the page's code points."""
    n = len(lines)
    joined = "\n".join(lines)
    if joined.count("\n") != max(n - 1, 0):  # a line holding a line break (API callers): count it as a space
        joined = "\n".join(line.replace("\n", " ") for line in lines)
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    newline = cps == 10
    line_id = np.cumsum(newline)
    keep = ~newline
    bmp = np.minimum(cps, 0xFFFF)
    flags = np.where(cps < 0x10000, _class_table()[bmp], SYMBOL).astype(np.uint8)
    flags = np.where((cps >= 0x20000) & (cps < 0x30000), LETTER | CJK, flags).astype(np.uint8)
    special = np.where(cps < 0x10000, _special_table()[bmp], 0).astype(np.uint8)
    is_letter = (flags & LETTER) > 0
    prev_letter = np.concatenate([[False], is_letter[:-1]])
    next_space = np.concatenate([(flags[1:] & SPACE) > 0, [True]]) | np.concatenate([newline[1:], [True]])

    word_start = is_letter & ~prev_letter

    def count(mask):
        return np.bincount(line_id[mask & keep], minlength=n).astype(np.float32)

    counts = {name: count((flags & flag) > 0) for name, flag in (
        ("letters", LETTER), ("upper", UPPER), ("digits", DIGIT), ("spaces", SPACE),
        ("punct", PUNCT), ("symbols", SYMBOL), ("cjk", CJK))}
    counts["word_starts"] = count(word_start)
    counts["upper_word_starts"] = count(word_start & ((flags & UPPER) > 0))
    counts["separators"] = count((special & SEPARATOR_FLAG) > 0)
    counts["commas"] = count((special & COMMA_FLAG) > 0)
    counts["sentence_breaks"] = count(((special & STOP_FLAG) > 0) & (next_space | (cps >= 0x3000)))
    counts["copyright"] = np.minimum(count((special & COPYRIGHT_FLAG) > 0), 1.0)
    starts = np.concatenate([[0], np.flatnonzero(newline) + 1])
    counts["urlish"] = _line_hits(URLISH, joined, starts)
    counts["bullet"] = _line_hits(BULLET_START, joined, starts)
    counts["teaser_cue"] = _line_hits(TEASER_CUE, joined, starts)
    return counts


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros_like(a, dtype=np.float32), where=b > 0)


def line_shape_features(lines: list[str]) -> tuple[np.ndarray, list[str]]:
    """Length, punctuation and character-class features of each line on its own."""
    n = len(lines)
    stripped = [line.strip() for line in lines]
    n_chars = np.fromiter(map(len, stripped), dtype=np.float32, count=n)
    indent = np.fromiter(map(len, lines), dtype=np.float32, count=n) - np.fromiter(
        (len(a.lstrip()) for a in lines), dtype=np.float32, count=n)
    n_words = np.fromiter((len(s.split()) for s in stripped), dtype=np.float32, count=n)
    c = _class_counts(stripped)
    eff_words = n_words + c["cjk"] / 2.0  # CJK has no spaces: count ~2 characters as a word
    last = np.fromiter((_LAST_CHAR_CLASS.get((s.rstrip(CLOSERS) or s)[-1:], 0) for s in stripped),
                       dtype=np.int8, count=n)
    first = [s[:1] for s in stripped]
    cols = {
        "log_chars": np.log1p(n_chars),
        "log_words": np.log1p(eff_words),
        "mean_word_len": _ratio(c["letters"], np.maximum(c["word_starts"], 1.0)),
        "indent": np.minimum(indent, 40.0),
        "ends_terminal": (last == 1).astype(np.float32),
        "ends_colon": (last == 2).astype(np.float32),
        "ends_comma": (last == 3).astype(np.float32),
        "ends_digit": (last == 4).astype(np.float32),
        "bullet": c["bullet"],
        "teaser_cue": c["teaser_cue"],
        "separators_per_word": _ratio(c["separators"], np.maximum(eff_words, 1.0)),
        "sentence_breaks": np.minimum(c["sentence_breaks"], 20.0),
        "commas_per_word": _ratio(c["commas"], np.maximum(eff_words, 1.0)),
        "copyright": c["copyright"],
        "urlish": c["urlish"],
        "bracket_start": np.fromiter((f in "[(<{|" and f != "" for f in first), dtype=np.float32, count=n),
        "first_upper": np.fromiter((f.isupper() for f in first), dtype=np.float32, count=n),
        "letter_ratio": _ratio(c["letters"], n_chars),
        "digit_ratio": _ratio(c["digits"], n_chars),
        "space_ratio": _ratio(c["spaces"], n_chars),
        "punct_ratio": _ratio(c["punct"], n_chars),
        "symbol_ratio": _ratio(c["symbols"], n_chars),
        "cjk_ratio": _ratio(c["cjk"], n_chars),
        "upper_ratio": _ratio(c["upper"], c["letters"]),
        "title_word_ratio": _ratio(c["upper_word_starts"], c["word_starts"]),
    }
    return np.column_stack(list(cols.values())).astype(np.float32), list(cols)


def normalised_lines(lines: list[str]) -> list[str]:
    """Lines stripped, lowercased, digits as 0 and runs of spaces as one: the key of near-duplicates."""
    return _fold([line.strip() for line in lines])


def _fold(exact: list[str]) -> list[str]:
    """``normalised_lines`` of lines already stripped (one pass of regexes over the joined page)."""
    text = NORMALISE_DIGITS.sub("0", "\n".join(exact).lower())
    if "  " in text or "\t" in text or "\u00a0" in text:
        text = SPACE_RUN.sub(" ", text)
    loose = text.split("\n")
    if len(loose) != len(exact):  # a line held a line break
        loose = [SPACE_RUN.sub(" ", NORMALISE_DIGITS.sub("0", s.lower())) for s in exact]
    return loose


def repetition_features(lines: list[str]) -> tuple[np.ndarray, list[str]]:
    """How often the same line, or the same line up to case, digits and spacing, occurs on the page."""
    exact = [line.strip() for line in lines]
    loose = _fold(exact)
    out = []
    for keys in (exact, loose):
        # equal lines have equal hashes; hashes are only compared within one page, in one process
        hashes = np.fromiter(map(hash, keys), dtype=np.int64, count=len(keys))
        _, first, inverse, total = np.unique(hashes, return_index=True, return_inverse=True, return_counts=True)
        seen_before = (first[inverse] != np.arange(len(keys))).astype(np.float32)
        out += [np.log1p(total[inverse] - 1).astype(np.float32), seen_before]
    # a line contained in the page's first line (a title repeated) or in another, longer line
    return np.column_stack(out).astype(np.float32), [
        "log_repeats",
        "seen_before",
        "log_repeats_loose",
        "seen_before_loose",
    ]


def position_features(log_chars: np.ndarray, layout: Layout) -> tuple[np.ndarray, list[str]]:
    """Where the line is: relative position, distance from both ends, share of the page's text before it."""
    n = max(layout.n_lines, 1)
    rel = layout.index / n
    chars = np.expm1(log_chars)
    cum = np.cumsum(chars) - chars
    total = max(float(chars.sum()), 1.0)
    cols = {
        "rel_position": rel,
        "log_from_start": np.log1p(layout.index),
        "log_from_end": np.log1p(n - 1 - layout.index),
        "text_before": cum / total,
        "log_page_lines": np.full(len(rel), np.log1p(n)),
        "blank_before": layout.blank_before,
        "blank_after": layout.blank_after,
    }
    return np.column_stack(list(cols.values())).astype(np.float32), list(cols)


def window_mean(values: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average over lines (axis 0 of a 1-D or 2-D array), shrinking at the page edges."""
    n = len(values)
    if n == 0:
        return values.astype(np.float32)
    csum = np.concatenate([np.zeros((1,) + values.shape[1:]), np.cumsum(values, axis=0, dtype=np.float64)])
    idx = np.arange(n)
    lo, hi = np.maximum(idx - width // 2, 0), np.minimum(idx + width // 2 + 1, n)
    size = (hi - lo).reshape((n,) + (1,) * (values.ndim - 1))
    return ((csum[hi] - csum[lo]) / size).astype(np.float32)


def context_features(
    values: np.ndarray, names: list[str], layout: Layout, shifts=(1, 2), windows=(5, 11)
) -> tuple[np.ndarray, list[str]]:
    """Neighbours' values (shifted up and down), centred window means and block means of some columns.

    Computed for all columns at once; lines past the page edges read as -1.
    """
    n, c = values.shape
    values = values.astype(np.float64)
    cols, out_names = [], []
    for k in shifts:
        prev = np.full((n, c), -1.0)
        nxt = np.full((n, c), -1.0)
        if k < n:
            prev[k:] = values[:-k]
            nxt[:-k] = values[k:]
        cols += [prev, nxt]
        out_names += [f"{m}_prev{k}" for m in names] + [f"{m}_next{k}" for m in names]
    for w in windows:
        cols.append(window_mean(values, w))
        out_names += [f"{m}_win{w}" for m in names]
    if n:
        starts = np.flatnonzero(np.concatenate([[True], layout.block[1:] != layout.block[:-1]]))
        sizes = np.diff(np.concatenate([starts, [n]]))
        block_of = np.repeat(np.arange(len(starts)), sizes)
        cols.append((np.add.reduceat(values, starts, axis=0) / sizes[:, None])[block_of])
        cols.append(np.log1p(sizes[block_of])[:, None])
    else:
        cols += [np.zeros((0, c)), np.zeros((0, 1))]
    out_names += [f"{m}_block_mean" for m in names] + ["log_block_lines"]
    return np.hstack(cols).astype(np.float32), out_names


CONTEXT_COLUMNS = ("log_chars", "ends_terminal", "letter_ratio", "bullet", "log_repeats_loose", "separators_per_word")


def page_features(lines: list[str]) -> tuple[np.ndarray, list[str], Layout]:
    """All hand-made features of a page's non-blank lines: ``(matrix, names, layout)``."""
    text_lines, layout = page_layout(lines)
    if not text_lines:
        _, names, _ = page_features(["x"])
        return np.zeros((0, len(names)), dtype=np.float32), names, layout
    shape, shape_names = line_shape_features(text_lines)
    rep, rep_names = repetition_features(text_lines)
    pos, pos_names = position_features(shape[:, shape_names.index("log_chars")], layout)
    base = np.hstack([shape, rep])
    base_names = shape_names + rep_names
    picked = [base_names.index(c) for c in CONTEXT_COLUMNS]
    ctx, ctx_names = context_features(base[:, picked], list(CONTEXT_COLUMNS), layout)
    return np.hstack([base, pos, ctx]), base_names + pos_names + ctx_names, layout


def score_context_features(scores: np.ndarray, layout: Layout, shifts=CONTEXT_SHIFTS_DEFAULT,
                           windows=CONTEXT_WINDOWS_DEFAULT):
    """Second-stage features over first-stage scores of a page: neighbours, windows, block, densest region."""
    if len(scores) == 0:
        _, names = score_context_features(np.zeros(1, dtype=np.float32), page_layout(["x"])[1], shifts, windows)
        return np.zeros((0, len(names)), dtype=np.float32), names
    ctx, names = context_features(scores[:, None], ["score"], layout, shifts, windows)
    n = len(scores)
    dense = window_mean(scores, max(windows))
    centre = int(np.argmax(dense))
    idx = np.arange(n)
    cum = np.cumsum(scores)
    total = max(float(cum[-1]), 1e-6)
    extra = np.column_stack(
        [
            scores,
            (idx - centre) / n,
            np.abs(idx - centre) / n,
            (cum - scores) / total,
            np.full(n, dense.max()),
            np.full(n, scores.mean()),
        ]
    ).astype(np.float32)
    names = ["score"] + names + ["from_densest", "abs_from_densest", "score_before", "page_max_dense", "page_mean"]
    return np.hstack([extra[:, :1], ctx, extra[:, 1:]]), names
