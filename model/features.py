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

TERMINAL = (".", "!", "?", "\u3002", "\uff01", "\uff1f", "\u2026", "\u061f", "\u0964", ";", "\u037e")
CLOSERS = "\"'\u201d\u2019\u00bb)]\u300d\u300f\uff09*_ "
SEPARATORS = "|\u00bb\u203a\u00b7\u2022/>\u2013\u2014:"
BULLET_START = re.compile(r"^\s*(?:[\u2022*\u00b7\u25aa\u25cf\u25e6\u25ba\u2023+\-\u2013\u2014>#]|\d{1,3}[.)]|\[\d+\])\s")
NORMALISE_DIGITS = re.compile(r"\d+")
URLISH = re.compile(r"https?://|www\.|\.com\b|@\w|\w\.(?:html?|php|jpe?g|png|gif|svg)\b", re.I)
CTA = re.compile(r"^\W*(?:[\w\u00c0-\uffff]+\W*){1,4}$")  # a short 1-4 word line, e.g. a button

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


def _class_counts(lines: list[str]) -> dict[str, np.ndarray]:
    """Per-line counts of letters, capitals, digits, spaces, punctuation, symbols, CJK and word starts."""
    n = len(lines)
    joined = "\n".join(lines)
    if joined.count("\n") != max(n - 1, 0):  # a line holding a line break (API callers): count it as a space
        joined = "\n".join(line.replace("\n", " ") for line in lines)
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    line_id = np.cumsum(cps == 10)
    keep = cps != 10
    table = _class_table()
    flags = np.where(cps < 0x10000, table[np.minimum(cps, 0xFFFF)], SYMBOL).astype(np.uint8)
    flags = np.where((cps >= 0x20000) & (cps < 0x30000), LETTER | CJK, flags).astype(np.uint8)
    is_letter = (flags & LETTER) > 0
    prev_letter = np.concatenate([[False], is_letter[:-1]])
    counts = {}
    for name, flag in (("letters", LETTER), ("upper", UPPER), ("digits", DIGIT), ("spaces", SPACE),
                       ("punct", PUNCT), ("symbols", SYMBOL), ("cjk", CJK)):
        hit = ((flags & flag) > 0) & keep
        counts[name] = np.bincount(line_id[hit], minlength=n).astype(np.float32)
    word_start = is_letter & ~prev_letter & keep
    counts["word_starts"] = np.bincount(line_id[word_start], minlength=n).astype(np.float32)
    counts["upper_word_starts"] = np.bincount(line_id[word_start & ((flags & UPPER) > 0)], minlength=n).astype(
        np.float32
    )
    return counts


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros_like(a, dtype=np.float32), where=b > 0)


def line_shape_features(lines: list[str]) -> tuple[np.ndarray, list[str]]:
    """Length, punctuation and character-class features of each line on its own."""
    stripped = [line.strip() for line in lines]
    n_chars = np.fromiter((len(s) for s in stripped), dtype=np.float32, count=len(lines))
    indent = np.fromiter((len(a) - len(a.lstrip()) for a in lines), dtype=np.float32, count=len(lines))
    n_words = np.fromiter((len(s.split()) for s in stripped), dtype=np.float32, count=len(lines))
    c = _class_counts(stripped)
    eff_words = n_words + c["cjk"] / 2.0  # CJK has no spaces: count ~2 characters as a word
    core = [s.rstrip(CLOSERS) or s for s in stripped]
    ends_terminal = np.fromiter((s.endswith(TERMINAL) for s in core), dtype=np.float32, count=len(lines))
    ends_colon = np.fromiter((s.endswith((":", "\uff1a")) for s in core), dtype=np.float32, count=len(lines))
    ends_comma = np.fromiter((s.endswith((",", "\uff0c", "\u3001")) for s in core), dtype=np.float32,
                             count=len(lines))
    ends_digit = np.fromiter((s[-1:].isdigit() for s in core), dtype=np.float32, count=len(lines))
    bullet = np.fromiter((BULLET_START.match(a) is not None for a in lines), dtype=np.float32, count=len(lines))
    separators = np.fromiter((sum(s.count(ch) for ch in SEPARATORS) for s in stripped), dtype=np.float32,
                             count=len(lines))
    sentences = np.fromiter((s.count(". ") + s.count("\u3002") + s.count("? ") + s.count("! ") for s in stripped),
                            dtype=np.float32, count=len(lines))
    copyright_ = np.fromiter(("\u00a9" in s or "(c)" in s.lower()[:8] for s in stripped), dtype=np.float32,
                             count=len(lines))
    urlish = np.fromiter((URLISH.search(s) is not None for s in stripped), dtype=np.float32, count=len(lines))
    bracket = np.fromiter((s[:1] in "[(<{|" for s in stripped), dtype=np.float32, count=len(lines))
    first_upper = np.fromiter((s[:1].isupper() for s in stripped), dtype=np.float32, count=len(lines))
    commas = np.fromiter((s.count(",") + s.count("\uff0c") + s.count("\u3001") for s in stripped),
                         dtype=np.float32, count=len(lines))
    cols = {
        "log_chars": np.log1p(n_chars),
        "log_words": np.log1p(eff_words),
        "mean_word_len": _ratio(c["letters"], np.maximum(c["word_starts"], 1.0)),
        "indent": np.minimum(indent, 40.0),
        "ends_terminal": ends_terminal,
        "ends_colon": ends_colon,
        "ends_comma": ends_comma,
        "ends_digit": ends_digit,
        "bullet": bullet,
        "separators_per_word": _ratio(separators, np.maximum(eff_words, 1.0)),
        "sentence_breaks": np.minimum(sentences, 20.0),
        "commas_per_word": _ratio(commas, np.maximum(eff_words, 1.0)),
        "copyright": copyright_,
        "urlish": urlish,
        "bracket_start": bracket,
        "first_upper": first_upper,
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


def repetition_features(lines: list[str]) -> tuple[np.ndarray, list[str]]:
    """How often the same line, or the same line up to case, digits and spacing, occurs on the page."""
    exact = [line.strip() for line in lines]
    loose = [NORMALISE_DIGITS.sub("0", " ".join(s.lower().split())) for s in exact]
    out = []
    for keys in (exact, loose):
        counts: dict[str, int] = {}
        first_seen = np.zeros(len(keys), dtype=np.float32)
        for i, key in enumerate(keys):
            if key in counts:
                first_seen[i] = 1.0
            counts[key] = counts.get(key, 0) + 1
        total = np.fromiter((counts[k] for k in keys), dtype=np.float32, count=len(keys))
        out += [np.log1p(total - 1), first_seen]
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


def _shift(values: np.ndarray, k: int, fill: float) -> np.ndarray:
    out = np.full_like(values, fill)
    if k > 0 and k < len(values):
        out[k:] = values[:-k]
    elif k < 0 and -k < len(values):
        out[:k] = values[-k:]
    return out


def window_mean(values: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average, shrinking at the page edges."""
    if len(values) == 0:
        return values.astype(np.float32)
    half = width // 2
    csum = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    idx = np.arange(len(values))
    lo = np.maximum(idx - half, 0)
    hi = np.minimum(idx + half + 1, len(values))
    return ((csum[hi] - csum[lo]) / (hi - lo)).astype(np.float32)


def block_stats(values: np.ndarray, block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and size of each line's block (lines between blank lines), broadcast back to the lines."""
    if len(values) == 0:
        return values.astype(np.float32), values.astype(np.float32)
    _, inverse, sizes = np.unique(block, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=values)
    return (sums / sizes)[inverse].astype(np.float32), sizes[inverse].astype(np.float32)


def context_features(
    values: np.ndarray, names: list[str], layout: Layout, shifts=(1, 2), windows=(5, 11)
) -> tuple[np.ndarray, list[str]]:
    """Neighbours' values (shifted up and down), centred window means and block means of some columns."""
    cols, out_names = [], []
    for j, name in enumerate(names):
        v = values[:, j]
        for k in shifts:
            cols += [_shift(v, k, -1.0), _shift(v, -k, -1.0)]
            out_names += [f"{name}_prev{k}", f"{name}_next{k}"]
        for w in windows:
            cols.append(window_mean(v, w))
            out_names.append(f"{name}_win{w}")
        mean, size = block_stats(v, layout.block)
        cols.append(mean)
        out_names.append(f"{name}_block_mean")
    _, size = block_stats(np.zeros(len(layout.block)), layout.block)
    cols.append(np.log1p(size))
    out_names.append("log_block_lines")
    if not cols:
        return np.zeros((len(layout.block), 0), dtype=np.float32), []
    return np.column_stack(cols).astype(np.float32), out_names


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


def score_context_features(scores: np.ndarray, layout: Layout, shifts=(1, 2, 3), windows=(5, 11, 25)):
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
