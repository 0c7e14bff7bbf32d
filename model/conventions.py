"""Conventions of ../shared/LABELING.md held after scoring, where a line's own features cannot tell them."""

from __future__ import annotations

import re

import numpy as np
from linesift.codepoints import HAN_KANA
from linesift.features import Layout, batch_features
from linesift.settings import (
    TEASER_CUE_MAX_WORDS,
    TEASER_LIST_LINES,
    TEASER_LIST_PROSE_WORDS,
    TEASER_LIST_SCORE,
    TEASER_LIST_WORDS,
)

_NOT_A_LIST_CUE = re.compile(r"\W*(?:tags?|share)\b", re.IGNORECASE)  # what follows them is not a teaser list
# a sentence's end: "." (not the "..." of a cut headline), "!", and their CJK forms, before closing marks
_SENTENCE_END = re.compile(r"(?:(?<!\.\.)\.|[!\u3002\uff01])[\"'\u201d\u2019\u00bb)\]]*$")
_PROSE_END = re.compile(r"[.!?\u3002\uff01\uff1f][\"'\u201d\u2019\u00bb)\]]*$")


def _words(line: str) -> float:
    """Words of a line, two characters of Chinese or Japanese counting as one (unlike the ``log_words``
    feature, Korean's are not: it puts spaces between words)."""
    return len(line.split()) + len(HAN_KANA.findall(line)) / 2


def teaser_list(X: np.ndarray, names: list[str], layout: Layout, lines: list[str]) -> np.ndarray:
    """Rows of a batch's non-blank lines (``lines``, stripped; ``X``, ``names``, ``layout``: their features,
    ``features.batch_features``, extra columns allowed) that list other pages' headlines under a bare teaser
    cue: up to ``TEASER_LIST_LINES`` lines right after a line that is only a teaser cue (the ``teaser_cue``
    feature: "Also read", "Related", "Read more", "Читайте также"; at most ``TEASER_CUE_MAX_WORDS`` words
    between spaces; "Tags" and "Share" excluded), each of ``TEASER_LIST_WORDS`` words (``_words``), not ending
    a sentence and not a cue itself. The list ends at the first line that is not such a line, and before a
    line other than the first that is followed by prose (a sentence of ``TEASER_LIST_PROSE_WORDS`` or more
    words): the article's next heading, after a short list. A list never runs past its page."""
    cue = X[:, names.index("teaser_cue")] > 0
    ends = layout.page_end
    lo, hi = TEASER_LIST_WORDS
    rows: list[int] = []
    for i in np.flatnonzero(cue).tolist():
        if len(lines[i].split()) > TEASER_CUE_MAX_WORDS or _NOT_A_LIST_CUE.match(lines[i]):
            continue
        end = int(ends[i])
        for k in range(i + 1, min(i + 1 + TEASER_LIST_LINES, end)):
            if cue[k] or not lo <= _words(lines[k]) <= hi or _SENTENCE_END.search(lines[k]):
                break
            after = k + 1  # a line other than the first, followed by prose: the article's next heading
            if (k > i + 1 and after < end and _words(lines[after]) >= TEASER_LIST_PROSE_WORDS
                    and _PROSE_END.search(lines[after])):
                break
            rows.append(k)
    return np.array(rows, dtype=np.int64)


def hold_rows(X: np.ndarray, names: list[str], layout: Layout, lines: list[str], scores: np.ndarray) -> np.ndarray:
    """The scores of a batch's rows (one per row of ``X``) with the lines of a teaser list (``teaser_list``)
    held to at most ``TEASER_LIST_SCORE``."""
    rows = teaser_list(X, names, layout, lines)
    if len(rows):
        scores = scores.copy()
        scores[rows] = np.minimum(scores[rows], TEASER_LIST_SCORE)
    return scores


def teaser_list_rows(lines: list[str]) -> list[int]:
    """The indices of a page's ``lines`` that form teaser lists (``teaser_list``)."""
    f = batch_features([lines])
    return f.layout.index[teaser_list(f.X, f.names, f.layout, f.lines)].tolist()


def hold_to_conventions(lines: list[str], scores: np.ndarray) -> np.ndarray:
    """``scores`` of a page's ``lines`` (NaN for blank lines) with the lines of a teaser list held to at most
    ``TEASER_LIST_SCORE`` (``hold_rows``)."""
    f = batch_features([lines])
    held = scores.copy()
    held[f.layout.index] = hold_rows(f.X, f.names, f.layout, f.lines, scores[f.layout.index])
    return held
