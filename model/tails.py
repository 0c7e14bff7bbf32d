"""Where a page's main content ends: a learned cut of the kept lines' tail.

Lines are scored one at a time, with a window of neighbours, so what follows an article and reads like it
is kept: reader comments (LABELING.md: boilerplate below an article), a related story's first paragraph, a
footer's sentences. On the held-out pages, dropping every kept line after the gold's last line would have
lifted 0.6.x's word F1 from 0.853 to 0.905 (dragnet 0.778 -> 0.912, daniel 0.878 -> 0.922;
data/EXPERIMENTS.md). Whether a kept line starts such a tail shows in what comes before and after it on the
page, not in the line: how many of the kept words come before it, how its kept lines score and how long they
are on each side, how far it stands from the previous kept line, and how many comment bylines ("Brianna on
October 23rd, 2012 2:42 pm", "by dpilot (134227) writes:", "Reply") each side holds.

A small boosted regression model learns, for each candidate line (a kept line that starts a kept block or
is a byline, after at least ``TAIL_MIN_SHARE_BEFORE`` of the page's kept words), how much the page's word
F1 gains when that line and every line after it are dropped; a page is cut at its candidate with the best
predicted gain, if that gain is positive (``choose_cuts``), and not cut otherwise, as the page threshold
model does for thresholds (``page_thresholds.py``).

Features are pure functions of a batch's rows and their ``features.Layout`` (``tail_profiles``); the bylines
are found in the feature pass, with the cues (``features.BYLINE``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from linesift.features import BYLINE, CUE_FLAGS, Layout
from linesift.page_thresholds import page_f1
from linesift.settings import (
    TAIL_MIN_SHARE_BEFORE,
    TAIL_MODEL_ITERATIONS,
    TAIL_MODEL_LEAF_NODES,
    TAIL_MODEL_LEARNING_RATE,
    TAIL_MODEL_MIN_SAMPLES_LEAF,
)

if TYPE_CHECKING:  # imported where a model is fitted: a model file scores without scikit-learn (trees.py)
    from sklearn.ensemble import HistGradientBoostingRegressor

_LONG_WORDS = 20  # a line of prose

TAIL_NAMES = (
    "kept_word_share_before", "log_kept_words_before", "log_kept_words_after", "score_before", "score_after",
    "kept_share_after", "kept_share_before", "bylines_before", "bylines_after", "byline_rate_after",
    "byline_rate_before", "long_kept_before", "long_kept_after", "mean_score_after", "gap", "own_score",
    "own_log_words", "own_byline", "byline_before", "position", "log_rows", "cues_3_before", "cues_before",
    "cues_after", "blocks_before", "blocks_after", "long_share_after", "long_share_before", "gap_mean_score",
    "longest_gap_before", "gap_ratio",
)


def _before_after(values: np.ndarray, layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the sum of ``values`` over its page's rows before it, and over it and the rows after it."""
    cum = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    return cum[:-1] - cum[layout.page_start], cum[layout.page_end] - cum[:-1]


def tail_profiles(scores: np.ndarray, kept: np.ndarray, words: np.ndarray, layout: Layout,
                  cues: np.ndarray) -> tuple[np.ndarray, list[str], np.ndarray]:
    """One row per row of a batch (its non-blank lines, placed by ``layout``), the column names
    (``TAIL_NAMES``), and which rows are candidates for a cut: kept rows after another kept row of their page
    that start a block of kept rows or are a byline, with at least ``TAIL_MIN_SHARE_BEFORE`` of the page's
    kept words before them. ``kept``: the rows the thresholds keep; ``cues``: the feature pass's flags
    (``features.Features.cues``: the bylines, ``BYLINE``, and the cue and label lines)."""
    n = len(scores)
    scores = np.asarray(scores, dtype=np.float64)
    known = np.nan_to_num(scores)  # a row without a score (fitting: a fold of one label) adds 0 to the sums
    kept = np.asarray(kept, dtype=np.float64)
    words = np.asarray(words, dtype=np.float64)
    idx = np.arange(n)
    start = layout.page_start
    byline = ((cues & BYLINE) > 0).astype(np.float64)
    long_ = (words >= _LONG_WORDS) * kept
    cue = ((cues & CUE_FLAGS) > 0).astype(np.float64)  # a cue or label line (conventions.py's flags)

    kw_b, kw_a = _before_after(kept * words, layout)
    sw_b, sw_a = _before_after(kept * words * known, layout)
    k_b, k_a = _before_after(kept, layout)
    r_b, r_a = _before_after(np.ones(n), layout)
    by_b, by_a = _before_after(byline, layout)
    l_b, l_a = _before_after(long_, layout)
    _, s_a = _before_after(known, layout)
    c_b, c_a = _before_after(cue, layout)
    # rows since the page's previous kept row (-1: none before)
    last_kept = np.maximum.accumulate(np.where(kept > 0, idx, -1))
    previous = np.concatenate([[-1], last_kept[:-1]])
    has_previous = previous >= start
    gap = np.where(has_previous, idx - previous - 1, -1).astype(np.float64)
    byline_before = np.concatenate([[0.0], byline[:-1]]) * (idx > start)
    cues_3 = np.zeros(n)
    for k in (1, 2, 3):
        cues_3[k:] += cue[:-k] * (idx[k:] - k >= start[k:])
    block_start = ((kept > 0) & (gap != 0)).astype(np.float64)
    b_b, b_a = _before_after(block_start, layout)
    cum_scores = np.concatenate([[0.0], np.cumsum(known)])
    gap_sum = cum_scores[idx] - cum_scores[np.maximum(previous + 1, 0)]
    gap_mean = np.where(gap > 0, gap_sum / np.maximum(gap, 1), -1.0)
    # the longest gap before a kept row of the page, before this row (pages are apart by 1e9 per page)
    lifted = np.where(kept > 0, np.maximum(gap, 0), 0) + layout.page * 1e9
    longest = np.concatenate([[0.0], (np.maximum.accumulate(lifted) - layout.page * 1e9)[:-1]]) * (idx > start)
    cols = [
        kw_b / np.maximum(kw_b + kw_a, 1), np.log1p(kw_b), np.log1p(kw_a),
        sw_b / np.maximum(kw_b, 1), sw_a / np.maximum(kw_a, 1),
        k_a / r_a, k_b / np.maximum(r_b, 1),
        by_b, by_a, by_a / np.maximum(k_a, 1), by_b / np.maximum(k_b, 1),
        l_b, l_a, s_a / r_a, gap, scores, np.log1p(words), byline, byline_before,
        r_b / (r_b + r_a), np.log1p(r_b + r_a), cues_3, c_b, c_a, b_b, b_a,
        l_a / np.maximum(k_a, 1), l_b / np.maximum(k_b, 1), gap_mean, longest, np.maximum(gap, 0) / np.maximum(longest, 1),
    ]
    matrix = np.column_stack(cols)
    candidates = (has_previous & (kept > 0) & ((gap > 0) | (byline > 0))
                  & (kw_b >= TAIL_MIN_SHARE_BEFORE * (kw_b + kw_a)))
    return matrix, list(TAIL_NAMES), candidates


def cut_gains(y: np.ndarray, kept: np.ndarray, words: np.ndarray, layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """Per row, how much its page's word F1 (kept rows against content rows, labels ``y``: 1, 0, -1 unknown,
    as ``page_thresholds.page_f1`` counts them) changes when the row and every row after it are dropped; and
    whether the page has a defined F1."""
    keep = np.asarray(kept, dtype=bool)
    base = page_f1(keep, y, words, layout.page, len(layout.n_lines))[layout.page]  # NaN: no F1 to gain
    w = np.where(np.asarray(y) >= 0, np.asarray(words, dtype=np.float64), 0.0)
    content = w * (np.asarray(y) == 1)
    kept_b, _ = _before_after(w * keep, layout)
    tp_b, _ = _before_after(content * keep, layout)
    c_b, c_a = _before_after(content, layout)
    den = c_b + c_a + kept_b  # the page's content and the words kept before the row
    cut = np.divide(2 * tp_b, den, out=np.zeros_like(den), where=den > 0)
    usable = ~np.isnan(base)
    return np.where(usable, cut - base, 0.0), usable


def fit_tail_model(matrix: np.ndarray, gains: np.ndarray, random_state: int = 0) -> HistGradientBoostingRegressor:
    """The regression model of a page's word F1 gain from a cut at a candidate row (``cut_gains``)."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    model = HistGradientBoostingRegressor(
        max_iter=TAIL_MODEL_ITERATIONS, max_leaf_nodes=TAIL_MODEL_LEAF_NODES,
        learning_rate=TAIL_MODEL_LEARNING_RATE, min_samples_leaf=TAIL_MODEL_MIN_SAMPLES_LEAF,
        early_stopping=False, random_state=random_state)
    return model.fit(matrix, gains)


def choose_cuts(model: HistGradientBoostingRegressor, matrix: np.ndarray, candidates: np.ndarray,
                layout: Layout) -> np.ndarray:
    """Per page, the candidate row (a batch row index) with the best predicted gain if that is positive;
    -1 for a page not cut."""
    rows = np.flatnonzero(candidates)
    if not len(rows):
        return np.full(len(layout.n_lines), -1, dtype=np.int64)
    return best_cuts(model.predict(matrix[rows]), rows, layout.page[rows], len(layout.n_lines))


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


__all__ = ["TAIL_NAMES", "after_cut", "best_cuts", "choose_cuts", "cut_gains", "fit_tail_model", "tail_profiles"]
