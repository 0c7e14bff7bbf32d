"""Where a page's main content starts: its headline, kept by a learned choice among the lines above it.

LABELING.md counts the headline of the main piece (and its standfirst) as content, but headlines look like
the teaser titles and menu entries around them, and wcxb's gold leaves the page's ``<h1>`` out, so the line
model learns to drop them: on the held-out daniel pages the first sentence of the gold, mostly the headline,
was kept on about half of the pages (data/EXPERIMENTS.md, twelfth round). What tells the headline from a teaser
shows in where it stands: right above the article's first kept line, after a blank line, not a list item,
the best-scored and longest of the short lines there, and in its words: a headline's words come back in
the article's first paragraphs, a teaser's or a menu's rarely.

A small boosted classifier reads each candidate (a line within ``HEAD_MAX_ROWS_ABOVE`` non-blank lines
above its page's first kept line) with its own score and shape and with where it stands against that line,
and the lines it gives a probability of at least ``HEAD_MIN_PROBABILITY`` of being content are kept. It
learns from training pages whose labels mark the headline as LABELING.md does (``LineClassifier.fit``'s
``headline_pages``; the recipe leaves out wcxb and Readability, whose golds leave the headline out).

Features are pure functions of a batch's rows and their ``features.Layout`` (``head_profiles``).
"""

from __future__ import annotations

import re

from typing import TYPE_CHECKING

import numpy as np

from linesift.features import BYLINE, CUE_FLAGS, Layout
from linesift.settings import (
    HEAD_MAX_ROWS_ABOVE,
    HEAD_MIN_PROBABILITY,
    HEAD_MODEL_ITERATIONS,
    HEAD_MODEL_LEAF_NODES,
    HEAD_MODEL_LEARNING_RATE,
    HEAD_MODEL_MIN_SAMPLES_LEAF,
    HEAD_OVERLAP_ROWS,
)

if TYPE_CHECKING:  # imported where a model is fitted: a model file scores without scikit-learn (trees.py)
    from sklearn.ensemble import HistGradientBoostingClassifier

# the columns of the feature pass (``features.batch_features``) a candidate is read by
HEAD_ROW_COLUMNS = (
    "log_words", "log_chars", "ends_terminal", "ends_colon", "digit_ratio", "title_word_ratio", "blank_before",
    "blank_after", "bullet", "separators_per_word", "log_repeats", "seen_before", "rel_position",
)
HEAD_NAMES = HEAD_ROW_COLUMNS + (
    "score", "rows_to_first", "lines_to_first", "cue", "byline", "first_score", "first_log_words",
    "log_kept_words", "max_score_between", "log_words_between", "previous_log_words", "previous_score",
    "next_log_words", "next_score", "score_rank", "words_rank", "best_candidate_score", "rows_before",
    "words_in_article_share", "log_words_in_article",
)


def head_columns(X: np.ndarray, names: list[str]) -> np.ndarray:
    """The ``HEAD_ROW_COLUMNS`` of a feature matrix ``X`` with columns ``names`` (``features.batch_features``)."""
    return X[:, [names.index(name) for name in HEAD_ROW_COLUMNS]]


# a word: letters, digits and the marks of scripts whose vowel signs Python's \w leaves out (combining
# diacritics, Indic, Thai and Lao, Myanmar, Khmer); in a script written without spaces (Chinese, Japanese,
# Thai, ...) a run is a clause, read as its pairs of characters
_WORD = re.compile("[\\w\u0300-\u036f\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]+")
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def line_words(text: str) -> list[str]:
    """The words of a text (a line, or lines joined by line breaks) as ``article_words`` compares them:
    lowercase runs of ``_WORD``, a run in a script written without spaces as its character pairs."""
    low = text.lower()
    words = _WORD.findall(low)
    if not _UNSPACED.search(low):  # most text: no run to split, and no run to test
        return words
    out = []
    for word in words:
        if len(word) > 1 and _UNSPACED.search(word):
            out += [word[i:i + 2] for i in range(len(word) - 1)]
        else:
            out.append(word)
    return out


def article_words(lines: list[str], candidates: np.ndarray, page: np.ndarray, kept_rows: np.ndarray,
                  first_at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the share and the number of a candidate's words (``line_words``) found in the first
    ``HEAD_OVERLAP_ROWS`` kept rows of its page (0 for other rows). ``kept_rows``: the batch's kept rows in
    order; ``first_at``: per page, where its first kept row is in ``kept_rows`` (a candidate's page has one)."""
    share, hits = np.zeros(len(lines)), np.zeros(len(lines))
    article: dict[int, set[str]] = {}  # per page with a candidate, its article's words, read once
    for r in np.flatnonzero(candidates).tolist():
        p = int(page[r])
        if p not in article:
            first = kept_rows[first_at[p]:first_at[p] + HEAD_OVERLAP_ROWS]
            article[p] = set(line_words("\n".join([lines[k] for k in first[page[first] == p].tolist()])))
        words = line_words(lines[r])
        hits[r] = sum(w in article[p] for w in words)
        share[r] = hits[r] / max(len(words), 1)
    return share, np.log1p(hits)


def head_profiles(scores: np.ndarray, kept: np.ndarray, columns: np.ndarray, layout: Layout,
                  cues: np.ndarray, lines: list[str], held: np.ndarray | None = None
                  ) -> tuple[np.ndarray, list[str], np.ndarray]:
    """One row per row of a batch (its non-blank lines, placed by ``layout``), the column names
    (``HEAD_NAMES``), and which rows are candidates: rows within ``HEAD_MAX_ROWS_ABOVE`` rows above their
    page's first kept row, but for the rows ``held`` to the conventions (``conventions.held_rows``: cue
    lines, teaser lists, ad labels, comment headings), which stay boilerplate. ``columns``: the rows'
    ``HEAD_ROW_COLUMNS`` of the feature pass; ``cues``: its flags (``features.Features.cues``); ``lines``:
    the rows' text (``features.Features.lines``)."""
    n = len(scores)
    scores = np.nan_to_num(np.asarray(scores, dtype=np.float64))  # a row without a score (fitting) counts 0
    kept = np.asarray(kept, dtype=bool)
    columns = np.asarray(columns, dtype=np.float64)
    log_words = columns[:, HEAD_ROW_COLUMNS.index("log_words")]
    words = np.expm1(log_words)
    idx = np.arange(n)
    page, start, n_pages = layout.page, layout.page_start, len(layout.n_lines)
    kept_rows = np.flatnonzero(kept)
    pages_kept, at = np.unique(page[kept_rows], return_index=True)  # rows are in page order
    first_at = np.full(n_pages, -1, dtype=np.int64)  # per page, where its first kept row is in kept_rows
    first_at[pages_kept] = at
    first_of_page = np.full(n_pages, -1, dtype=np.int64)
    first_of_page[pages_kept] = kept_rows[at]
    first = first_of_page[page]
    to_first = first - idx
    candidates = (first >= 0) & (to_first >= 1) & (to_first <= HEAD_MAX_ROWS_ABOVE)
    if held is not None:
        candidates &= ~np.asarray(held, dtype=bool)
    anchor = np.maximum(first, 0)
    between_max = np.full(n, -1.0)
    between_words = np.zeros(n)
    for k in range(1, HEAD_MAX_ROWS_ABOVE):  # the rows between a candidate and the first kept row
        inside = candidates & (to_first > k)
        ahead = np.minimum(idx + k, n - 1)
        between_max = np.where(inside, np.maximum(between_max, scores[ahead]), between_max)
        between_words = np.where(inside, between_words + words[ahead], between_words)
    has_previous = idx > start
    previous = np.maximum(idx - 1, 0)
    following = np.minimum(idx + 1, n - 1)
    kept_words = np.bincount(page, weights=words * kept, minlength=n_pages)
    rows = np.flatnonzero(candidates)
    score_rank, words_rank = np.zeros(n), np.zeros(n)
    best = np.full(n_pages, -1.0)
    if len(rows):
        for values, rank in ((scores, score_rank), (words, words_rank)):
            order = np.lexsort((rows, -values[rows], page[rows]))  # by page, highest first
            ranked = rows[order]
            page_first = np.concatenate([[0], np.flatnonzero(np.diff(page[ranked])) + 1])
            starts = np.repeat(page_first, np.diff(np.concatenate([page_first, [len(ranked)]])))
            rank[ranked] = np.arange(len(ranked)) - starts
        np.maximum.at(best, page[rows], scores[rows])
    in_article, log_in_article = article_words(lines, candidates, page, kept_rows, first_at)
    cols = [
        *columns.T, scores, to_first, layout.index[anchor] - layout.index, ((cues & CUE_FLAGS) > 0),
        ((cues & BYLINE) > 0), scores[anchor], log_words[anchor], np.log1p(kept_words[page]), between_max,
        np.log1p(between_words), np.where(has_previous, log_words[previous], -1.0),
        np.where(has_previous, scores[previous], -1.0), log_words[following], scores[following], score_rank,
        words_rank, best[page], idx - start, in_article, log_in_article,
    ]
    return np.column_stack(cols).astype(np.float64), list(HEAD_NAMES), candidates


def fit_head_model(matrix: np.ndarray, content: np.ndarray, random_state: int = 0) -> HistGradientBoostingClassifier:
    """The classifier of whether a candidate row (``head_profiles``) is content."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(
        max_iter=HEAD_MODEL_ITERATIONS, max_leaf_nodes=HEAD_MODEL_LEAF_NODES,
        learning_rate=HEAD_MODEL_LEARNING_RATE, min_samples_leaf=HEAD_MODEL_MIN_SAMPLES_LEAF,
        early_stopping=False, random_state=random_state)
    return model.fit(matrix, np.asarray(content, dtype=np.int8))


def choose_heads(model: HistGradientBoostingClassifier, matrix: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Whether each row is a candidate the head model keeps (probability of content at least
    ``HEAD_MIN_PROBABILITY``)."""
    chosen = np.zeros(len(candidates), dtype=bool)
    rows = np.flatnonzero(candidates)
    if len(rows):
        chosen[rows] = model.predict_proba(matrix[rows])[:, 1] >= HEAD_MIN_PROBABILITY
    return chosen


__all__ = ["HEAD_NAMES", "HEAD_ROW_COLUMNS", "article_words", "choose_heads", "fit_head_model", "head_columns",
           "head_profiles", "line_words"]
