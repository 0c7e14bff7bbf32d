"""A threshold per page, read from the profile of the page's scores.

One threshold for every page is a compromise: on the training pages' out-of-fold scores, news and article
pages reach their best word F1 at 0.45-0.5 (they keep related teasers and comments at 0.325, the tuned threshold then),
CleanEval and the Common Crawl documents at 0.25 (data/EXPERIMENTS.md). How a page's scores are spread tells the
two apart: a page with one long run of high-scoring prose and a tail of middling short lines gains by a
higher threshold. A small boosted regression model learns, from a page's score profile and a candidate
threshold ``t``, how much the page's word F1 at ``t`` differs from its F1 at the tuned threshold; a page
gets the candidate with the best predicted gain. Candidates never go below the tuned threshold: lowering it
helped on the training pages, but cost Common Crawl lines (line F1 0.850 -> 0.759) on held-out documents.

A raised threshold is for what follows the article's start and stands apart from it: lines before the page's
first line that reaches it (headline, standfirst, byline), and lines joined to such a line by a run of lines
all reaching the tuned threshold (a list under a kept paragraph), need only the tuned threshold
(``row_thresholds``). Raised for every line, it dropped headlines scoring 0.45-0.55 on news pages, a quarter
of a page's snippets in the snippet F1 of news; with only the lines before the first one reaching it and
next to one exempt, it dropped a product page's specifications (data/EXPERIMENTS.md).

Features are pure functions of a batch's row scores, words and layout (``page_profiles``), one row per page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from linesift.settings import (
    PAGE_MODEL_ITERATIONS,
    PAGE_MODEL_LEAF_NODES,
    PAGE_MODEL_LEARNING_RATE,
    PAGE_MODEL_MIN_SAMPLES_LEAF,
    PAGE_THRESHOLD_MAX,
    PAGE_THRESHOLD_STEP,
)

if TYPE_CHECKING:  # imported where a model is fitted: a model file scores without scikit-learn (trees.py)
    from sklearn.ensemble import HistGradientBoostingRegressor

_CUTS = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
_LONG_WORDS = 20  # a line of prose
_SHORT_WORDS = 5  # a menu item, a button, a date

PROFILE_NAMES = (
    ["log_rows", "log_words", "words_per_line_high", "words_per_line_middle"]
    + [f"word_share_{c:.1f}" for c in _CUTS]
    + [f"line_share_{c:.1f}" for c in _CUTS]
    + ["kept_flips", "kept_word_share_first_third", "kept_word_share_middle_third", "kept_word_share_last_third",
       "long_line_word_share", "long_line_mean_score", "short_line_mean_score"]
)


def _per_page(values: np.ndarray, page: np.ndarray, n_pages: int) -> np.ndarray:
    return np.bincount(page, weights=values, minlength=n_pages)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.zeros_like(num, dtype=np.float64), where=den > 0)


def page_profiles(scores: np.ndarray, words: np.ndarray, page: np.ndarray, n_pages: int,
                  base: float) -> tuple[np.ndarray, list[str]]:
    """One row per page, and the column names (``PROFILE_NAMES``), from its rows' ``scores`` and ``words`` (``page``: each
    row's page, rows of a page contiguous and in order): how many lines and words, the share of its words
    and lines scoring at least 0.1, 0.2, ... 0.9, how often the lines switch across ``base`` (the tuned
    threshold), where the words kept at ``base`` sit, and how long and short lines score."""
    scores = np.asarray(scores, dtype=np.float64)
    words = np.asarray(words, dtype=np.float64)
    page = np.asarray(page, dtype=np.int64)
    rows = np.bincount(page, minlength=n_pages).astype(np.float64)
    total = _per_page(words, page, n_pages)
    high, middle = scores >= 0.5, (scores >= 0.1) & (scores < 0.5)
    cols = [
        np.log1p(rows),
        np.log1p(total),
        _ratio(_per_page(words * high, page, n_pages), _per_page(high.astype(float), page, n_pages)),
        _ratio(_per_page(words * middle, page, n_pages), _per_page(middle.astype(float), page, n_pages)),
    ]
    at_least = scores[:, None] >= _CUTS[None, :]
    cols += [_ratio(_per_page(words * at_least[:, j], page, n_pages), total) for j in range(len(_CUTS))]
    cols += [_ratio(_per_page(at_least[:, j].astype(float), page, n_pages), rows) for j in range(len(_CUTS))]
    kept = scores >= base
    same_page = np.zeros(len(scores), dtype=bool)
    same_page[1:] = page[1:] == page[:-1]
    flips = np.zeros(len(scores))
    flips[1:] = (kept[1:] != kept[:-1]) & same_page[1:]
    cols.append(_ratio(_per_page(flips, page, n_pages), np.maximum(rows - 1, 1)))
    start = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64)
    rank = np.arange(len(scores)) - start[page]
    third = np.minimum(3 * rank // np.maximum(rows[page], 1).astype(np.int64), 2)
    for k in range(3):
        cols.append(_ratio(_per_page(words * (kept & (third == k)), page, n_pages), total))
    long_, short = words >= _LONG_WORDS, words < _SHORT_WORDS
    cols.append(_ratio(_per_page(words * long_, page, n_pages), total))
    cols.append(_ratio(_per_page(scores * long_, page, n_pages), _per_page(long_.astype(float), page, n_pages)))
    cols.append(_ratio(_per_page(scores * short, page, n_pages), _per_page(short.astype(float), page, n_pages)))
    matrix = np.column_stack(cols) if n_pages else np.zeros((0, len(PROFILE_NAMES)))
    return matrix, list(PROFILE_NAMES)


def threshold_grid(base: float) -> np.ndarray:
    """The candidate thresholds of a page: the tuned ``base``, then up by ``PAGE_THRESHOLD_STEP`` to
    ``PAGE_THRESHOLD_MAX``."""
    n = int(np.floor((PAGE_THRESHOLD_MAX - base) / PAGE_THRESHOLD_STEP + 1e-9)) + 1
    return np.round(base + PAGE_THRESHOLD_STEP * np.arange(max(n, 1)), 4)


def page_f1(keep: np.ndarray, y: np.ndarray, words: np.ndarray, page: np.ndarray, n_pages: int) -> np.ndarray:
    """Word F1 of each page's kept rows (``keep``) against its content rows (labels ``y``: 1, 0, -1 unknown,
    which counts neither way); NaN where a page has neither content nor kept words."""
    known = y >= 0
    w = np.where(known, words, 0.0)
    content = _per_page(w * (y == 1), page, n_pages)
    kept = _per_page(w * keep, page, n_pages)
    tp = _per_page(w * (keep & (y == 1)), page, n_pages)
    den = content + kept
    return np.where(den > 0, 2 * tp / np.where(den > 0, den, 1), np.nan)


def f1_curves(scores: np.ndarray, y: np.ndarray, words: np.ndarray, page: np.ndarray, n_pages: int,
              grid: np.ndarray) -> np.ndarray:
    """``page_f1`` of the rows scoring at least each threshold of ``grid``: one column per threshold."""
    return np.column_stack([page_f1(scores >= t, y, words, page, n_pages) for t in grid]) if len(grid) \
        else np.zeros((n_pages, 0))


def row_thresholds(scores: np.ndarray, page: np.ndarray, threshold, base) -> np.ndarray:
    """The threshold each row must reach: its page's ``threshold``, but ``base`` (the tuned threshold) for
    rows that come before their page's first row reaching ``threshold``, and for rows joined to a row
    reaching it by a run of consecutive rows of the page all reaching ``base`` (a hysteresis: a list under
    a kept paragraph stays with it). ``threshold`` and ``base`` per row or one each, ``threshold`` at least
    ``base`` (a page's candidates start at the tuned threshold)."""
    scores = np.asarray(scores, dtype=np.float64)
    page = np.asarray(page, dtype=np.int64)
    threshold = np.broadcast_to(np.asarray(threshold, dtype=np.float64), scores.shape)
    base = np.broadcast_to(np.asarray(base, dtype=np.float64), scores.shape)
    high = scores >= threshold
    if not len(scores):
        return threshold.copy()
    same = np.zeros(len(scores), dtype=bool)  # row i and row i - 1 are on one page
    same[1:] = page[1:] == page[:-1]
    starts = np.flatnonzero(~same)
    # high rows before row i on its page (before it in the batch, less those before its page): none = before
    highs_before = np.cumsum(high) - high
    before = highs_before - np.repeat(highs_before[starts], np.diff(np.append(starts, len(scores)))) == 0
    # runs of consecutive rows of a page reaching the base; those holding a high row keep the base
    reach = scores >= base
    run = np.cumsum(~(reach & np.concatenate([[False], reach[:-1]]) & same))
    joined = reach & np.isin(run, run[high & reach])
    return np.where(before | joined, base, threshold)


def _candidates(profiles: np.ndarray, grid: np.ndarray) -> np.ndarray:
    return np.column_stack([np.repeat(profiles, len(grid), axis=0), np.tile(grid, len(profiles))])


def fit_page_model(profiles: np.ndarray, curves: np.ndarray, grid: np.ndarray,
                   random_state: int = 0) -> HistGradientBoostingRegressor:
    """The regression model of a page's F1 gain at each threshold of ``grid`` over its F1 at ``grid[0]``,
    from its profile (``curves``: ``f1_curves`` of pages with a defined F1 at every threshold)."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    model = HistGradientBoostingRegressor(
        max_iter=PAGE_MODEL_ITERATIONS, max_leaf_nodes=PAGE_MODEL_LEAF_NODES,
        learning_rate=PAGE_MODEL_LEARNING_RATE, min_samples_leaf=PAGE_MODEL_MIN_SAMPLES_LEAF,
        early_stopping=False, random_state=random_state)
    return model.fit(_candidates(profiles, grid), (curves - curves[:, :1]).ravel())


def choose_thresholds(model: HistGradientBoostingRegressor, profiles: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Per page, the threshold of ``grid`` with the best predicted gain (``grid[0]`` when none is positive)."""
    if not len(profiles):
        return np.zeros(0)
    gain = model.predict(_candidates(profiles, grid)).reshape(len(profiles), len(grid))
    gain[:, 0] = np.maximum(gain[:, 0], 0.0)
    return grid[np.argmax(gain, axis=1)]


__all__ = ["PROFILE_NAMES", "choose_thresholds", "f1_curves", "fit_page_model", "page_f1", "page_profiles",
           "row_thresholds", "threshold_grid"]
