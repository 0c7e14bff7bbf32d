"""Where a page's main content ends: a learned cut of the kept lines' tail.

Lines are scored one at a time, with a window of neighbours, so what follows an article and reads like it
is kept: reader comments (LABELING.md: boilerplate below an article), a related story's first paragraph, a
footer's sentences. On the held-out pages, dropping every kept line after the gold's last line would lift
word F1 from 0.853 to 0.905 (dragnet 0.778 -> 0.912, daniel 0.878 -> 0.922; data/MODEL.md). Whether a kept
line starts such a tail shows in what comes before and after it on the page, not in the line: how many of the
kept words come before it, how its kept lines score and how long they are on each side, how far it stands
from the previous kept line, and how many comment bylines ("Brianna on October 23rd, 2012 2:42 pm",
"by dpilot (134227) writes:", "Reply") each side holds.

A small boosted regression model learns, for each candidate line (a kept line that starts a kept block or
is a byline, after at least ``TAIL_MIN_SHARE_BEFORE`` of the page's kept words), how much the page's word
F1 gains when that line and every line after it are dropped; a page is cut at its candidate with the best
predicted gain, if that gain is positive (``choose_cuts``), and not cut otherwise, as the page threshold
model does for thresholds (``page_thresholds.py``).

Features are pure functions of a batch's rows (``tail_profiles``): one row per line, rows of a page
contiguous and in order.
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

from linesift.settings import (
    TAIL_BUTTON_MAX_WORDS,
    TAIL_BYLINE_MAX_WORDS,
    TAIL_MIN_SHARE_BEFORE,
    TAIL_MODEL_ITERATIONS,
    TAIL_MODEL_LEAF_NODES,
    TAIL_MODEL_LEARNING_RATE,
    TAIL_MODEL_MIN_SAMPLES_LEAF,
)

_LONG_WORDS = 20  # a line of prose
# A comment's byline or button: a time of day, a numeric date, "3 days ago", "(Score:2)", a line ending in
# "X said:" or "writes:", a lone "Reply". Matched over a batch's lowercased text at once, each pattern
# opening with a digit or a letter of a few words so the engine skips ahead to where one can start
# (one search per line cost 1.3 ms per page).
_SPACE = r"[^\S\n]"  # whitespace within a line
_DIGIT_PATTERNS = [re.compile(p, re.MULTILINE) for p in (
    rf"\d(?<!\w\d)(?:\d?:\d{{2}}|\d{{0,3}}[./-]\d{{1,2}}[./-]\d{{1,4}}\b"
    rf"|\d*{_SPACE}+(?:minutes?|hours?|days?|weeks?|months?|years?){_SPACE}+ago\b)",
    rf"\(score:{_SPACE}*-?\d\)",
)]
_SAID = re.compile(rf"(?:said|says|wrote|writes|schrieb|a écrit|escribió|napisał|написал){_SPACE}*:?{_SPACE}*$",
                   re.MULTILINE)
# a button alone on its line: found by its word, then the line's text before it must hold no word character
_BUTTON = re.compile(r"(?:reply|antworten|répondre|responder|rispondi|odpowiedz|ответить|回复|返信|report(?: abuse)?"
                     r"|like|permalink|quote)[^\w\n]*$", re.MULTILINE)
_WORD = re.compile(r"\w")

TAIL_NAMES = (
    "kept_word_share_before", "log_kept_words_before", "log_kept_words_after", "score_before", "score_after",
    "kept_share_after", "kept_share_before", "bylines_before", "bylines_after", "byline_rate_after",
    "byline_rate_before", "long_kept_before", "long_kept_after", "mean_score_after", "gap", "own_score",
    "own_log_words", "own_byline", "byline_before", "position", "log_rows", "cues_3_before", "cues_before",
    "cues_after", "blocks_before", "blocks_after", "long_share_after", "long_share_before", "gap_mean_score",
    "longest_gap_before", "gap_ratio",
)


def _line_starts(text: str) -> np.ndarray:
    """Where each line of ``text`` starts (lone surrogates, which the lines of a page may hold, pass)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return np.concatenate([[0], np.flatnonzero(codes == 10) + 1])


def _matching_rows(lines: list[str], rows: np.ndarray, patterns, alone=None) -> np.ndarray:
    """The ``rows`` (indices into ``lines``) whose lowercased line holds a match of one of ``patterns``, or of
    ``alone`` with no word character before it on the line. The lines are joined and searched at once."""
    if not len(rows):
        return rows
    # lowercasing may lengthen a line ("İ") but never adds or drops a line break
    text = "\n".join([lines[i].strip() for i in rows.tolist()]).lower()
    starts = _line_starts(text)
    if len(starts) != len(rows):  # a line holding a line break itself (pages split by the caller)
        text = "\n".join([lines[i].strip().replace("\n", " ") for i in rows.tolist()]).lower()
        starts = _line_starts(text)
    hits = [m.start() for pattern in patterns for m in pattern.finditer(text)]
    if alone is not None:
        hits += [m.start() for m in alone.finditer(text)
                 if not _WORD.search(text, text.rfind("\n", 0, m.start()) + 1, m.start())]
    return rows[np.searchsorted(starts, np.asarray(hits, dtype=np.int64), side="right") - 1]


def byline_rows(lines: list[str], words: np.ndarray, digits: np.ndarray | None = None) -> np.ndarray:
    """Whether each line looks like a comment's byline or button (at most ``TAIL_BYLINE_MAX_WORDS`` words; a
    button alone on its line, at most ``TAIL_BUTTON_MAX_WORDS``). ``digits``: whether each line holds a decimal
    digit (the feature pass knows), so the time and date patterns read only those lines."""
    words = np.asarray(words)
    short = words <= TAIL_BYLINE_MAX_WORDS
    found = np.zeros(len(lines), dtype=bool)
    with_digits = short if digits is None else short & np.asarray(digits, dtype=bool)
    found[_matching_rows(lines, np.flatnonzero(with_digits), _DIGIT_PATTERNS)] = True
    found[_matching_rows(lines, np.flatnonzero(short), (_SAID,))] = True
    found[_matching_rows(lines, np.flatnonzero(words <= TAIL_BUTTON_MAX_WORDS), (), _BUTTON)] = True
    return found


def _before_after(values: np.ndarray, page: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the sum of ``values`` over its page's rows before it, and over it and the rows after it."""
    cum = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    before = cum[:-1] - cum[offsets[:-1]][page]
    return before, cum[offsets[1:]][page] - cum[:-1]


def tail_profiles(lines: list[str], scores: np.ndarray, kept: np.ndarray, words: np.ndarray, page: np.ndarray,
                  offsets: np.ndarray, cues: np.ndarray,
                  digits: np.ndarray | None = None) -> tuple[np.ndarray, list[str], np.ndarray]:
    """One row per line (rows of ``lines``: a batch's non-blank lines, ``page`` each row's page, ``offsets``
    where each page's rows start), the column names (``TAIL_NAMES``), and which rows are candidates for a
    cut: kept rows after another kept row of their page that start a block of kept rows or are a byline,
    with at least ``TAIL_MIN_SHARE_BEFORE`` of the page's kept words before them. ``kept``: the rows the
    thresholds keep; ``cues``: the feature pass's cue flags (``Features.cues``); ``digits``: see
    ``byline_rows``."""
    n = len(scores)
    scores = np.asarray(scores, dtype=np.float64)
    known = np.nan_to_num(scores)  # a row without a score (fitting: a fold of one label) adds 0 to the sums
    kept = np.asarray(kept, dtype=np.float64)
    words = np.asarray(words, dtype=np.float64)
    page = np.asarray(page, dtype=np.int64)
    offsets = np.asarray(offsets, dtype=np.int64)
    idx = np.arange(n)
    start = offsets[:-1][page] if n else np.zeros(0, dtype=np.int64)
    byline = byline_rows(lines, words, digits).astype(np.float64)
    long_ = (words >= _LONG_WORDS) * kept
    cue = (np.asarray(cues) > 0).astype(np.float64)

    kw_b, kw_a = _before_after(kept * words, page, offsets)
    sw_b, sw_a = _before_after(kept * words * known, page, offsets)
    k_b, k_a = _before_after(kept, page, offsets)
    r_b, r_a = _before_after(np.ones(n), page, offsets)
    by_b, by_a = _before_after(byline, page, offsets)
    l_b, l_a = _before_after(long_, page, offsets)
    _, s_a = _before_after(known, page, offsets)
    c_b, c_a = _before_after(cue, page, offsets)
    # rows since the page's previous kept row (-1: none before)
    last_kept = np.maximum.accumulate(np.where(kept > 0, idx, -1)) if n else idx
    previous = np.concatenate([[-1], last_kept[:-1]])
    has_previous = previous >= start
    gap = np.where(has_previous, idx - previous - 1, -1).astype(np.float64)
    byline_before = np.concatenate([[0.0], byline[:-1]]) * (idx > start)
    cues_3 = np.zeros(n)
    for k in (1, 2, 3):
        cues_3[k:] += cue[:-k] * (idx[k:] - k >= start[k:])
    block_start = ((kept > 0) & (gap != 0)).astype(np.float64)
    b_b, b_a = _before_after(block_start, page, offsets)
    cum_scores = np.concatenate([[0.0], np.cumsum(known)])
    gap_sum = cum_scores[idx] - cum_scores[np.maximum(previous + 1, 0)]
    gap_mean = np.where(gap > 0, gap_sum / np.maximum(gap, 1), -1.0)
    # the longest gap before a kept row of the page, before this row (pages are apart by 1e9 per page)
    lifted = np.where(kept > 0, np.maximum(gap, 0), 0) + page * 1e9
    longest = np.concatenate([[0.0], (np.maximum.accumulate(lifted) - page * 1e9)[:-1]]) * (idx > start) \
        if n else np.zeros(0)
    cols = [
        kw_b / np.maximum(kw_b + kw_a, 1), np.log1p(kw_b), np.log1p(kw_a),
        sw_b / np.maximum(kw_b, 1), sw_a / np.maximum(kw_a, 1),
        k_a / r_a if n else np.zeros(0), k_b / np.maximum(r_b, 1),
        by_b, by_a, by_a / np.maximum(k_a, 1), by_b / np.maximum(k_b, 1),
        l_b, l_a, s_a / r_a if n else np.zeros(0), gap, scores, np.log1p(words), byline, byline_before,
        r_b / (r_b + r_a) if n else np.zeros(0), np.log1p(r_b + r_a), cues_3, c_b, c_a, b_b, b_a,
        l_a / np.maximum(k_a, 1), l_b / np.maximum(k_b, 1), gap_mean, longest, np.maximum(gap, 0) / np.maximum(longest, 1),
    ]
    matrix = np.column_stack(cols) if n else np.zeros((0, len(TAIL_NAMES)))
    candidates = (has_previous & (kept > 0) & ((gap > 0) | (byline > 0))
                  & (kw_b >= TAIL_MIN_SHARE_BEFORE * (kw_b + kw_a)))
    return matrix, list(TAIL_NAMES), candidates


def cut_gains(y: np.ndarray, kept: np.ndarray, words: np.ndarray, page: np.ndarray,
              offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, how much its page's word F1 (kept rows against content rows, labels ``y``: 1, 0, -1 unknown)
    changes when the row and every row after it are dropped; and whether the page has a defined F1."""
    known = np.asarray(y) >= 0
    w = np.where(known, np.asarray(words, dtype=np.float64), 0.0)
    keep = np.asarray(kept, dtype=bool)
    content = w * (np.asarray(y) == 1)
    kept_b, kept_a = _before_after(w * keep, page, offsets)
    tp_b, tp_a = _before_after(content * keep, page, offsets)
    c_b, c_a = _before_after(content, page, offsets)
    total_content, total_kept, total_tp = c_b + c_a, kept_b + kept_a, tp_b + tp_a
    usable = total_content + total_kept > 0
    den = np.where(usable, total_content + total_kept, 1.0)
    gain = 2 * tp_b / np.maximum(total_content + kept_b, 1e-12) * (total_content + kept_b > 0) - 2 * total_tp / den
    return np.where(usable, gain, 0.0), usable


def fit_tail_model(matrix: np.ndarray, gains: np.ndarray, random_state: int = 0) -> HistGradientBoostingRegressor:
    """The regression model of a page's word F1 gain from a cut at a candidate row (``cut_gains``)."""
    model = HistGradientBoostingRegressor(
        max_iter=TAIL_MODEL_ITERATIONS, max_leaf_nodes=TAIL_MODEL_LEAF_NODES,
        learning_rate=TAIL_MODEL_LEARNING_RATE, min_samples_leaf=TAIL_MODEL_MIN_SAMPLES_LEAF,
        early_stopping=False, random_state=random_state)
    return model.fit(matrix, gains)


def choose_cuts(model: HistGradientBoostingRegressor, matrix: np.ndarray, candidates: np.ndarray,
                page: np.ndarray, n_pages: int) -> np.ndarray:
    """Per page, the candidate row (a batch row index) with the best predicted gain if that is positive;
    -1 for a page not cut."""
    cuts = np.full(n_pages, -1, dtype=np.int64)
    rows = np.flatnonzero(candidates)
    if not len(rows):
        return cuts
    return best_cuts(model.predict(matrix[rows]), rows, np.asarray(page)[rows], n_pages)


def best_cuts(gain: np.ndarray, rows: np.ndarray, row_pages: np.ndarray, n_pages: int) -> np.ndarray:
    """Per page, the row of ``rows`` (on ``row_pages``) with the highest ``gain``, if positive (the first
    of equals); -1 for a page without one."""
    cuts = np.full(n_pages, -1, dtype=np.int64)
    order = np.lexsort((rows, -gain, row_pages))  # by page, best gain first, then earliest
    first = np.concatenate([[True], row_pages[order][1:] != row_pages[order][:-1]]) if len(order) else order
    best = order[first]
    positive = gain[best] > 0
    cuts[row_pages[best][positive]] = rows[best][positive]
    return cuts


def after_cut(cuts: np.ndarray, page: np.ndarray) -> np.ndarray:
    """Whether each row is at or after its page's cut (``choose_cuts``; -1: not cut)."""
    at = np.asarray(cuts)[np.asarray(page, dtype=np.int64)]
    return (at >= 0) & (np.arange(len(at)) >= at)


__all__ = ["TAIL_NAMES", "after_cut", "best_cuts", "byline_rows", "choose_cuts", "cut_gains", "fit_tail_model",
           "tail_profiles"]
