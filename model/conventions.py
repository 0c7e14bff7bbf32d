"""Conventions of ../shared/LABELING.md held after scoring, where a line's own features cannot tell them."""

from __future__ import annotations

import re
from itertools import islice

import numpy as np
from linesift.features import starts_with_teaser_cue
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
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")  # Chinese and Japanese: no spaces


def _words(line: str) -> float:
    """Words of a line, two characters of Chinese or Japanese counting as one (as the features count them)."""
    return len(line.split()) + len(_UNSPACED.findall(line)) / 2


def teaser_list_rows(lines: list[str], cue_rows=None) -> list[int]:
    """Rows of the lines of a page that list other pages' headlines under a bare teaser cue: up to
    ``TEASER_LIST_LINES`` non-blank lines right after a line that is only a teaser cue ("Also read", "Related",
    "Read more", "Читайте также"; at most ``TEASER_CUE_MAX_WORDS`` words; "Tags" and "Share" excluded), each of
    ``TEASER_LIST_WORDS`` words, not ending a sentence and not a cue itself. The list ends at the first line
    that is not such a line, and before a line other than the first that is followed by prose (a sentence of
    ``TEASER_LIST_PROSE_WORDS`` or more words): the article's next heading, after a short list. ``cue_rows``:
    the rows of the lines opening with a teaser cue, if known (the ``teaser_cue`` feature column, as the
    classifier has it); else found here, more slowly."""
    if cue_rows is None:
        cue_rows = [i for i, line in enumerate(lines) if starts_with_teaser_cue(line)]
    rows: list[int] = []
    lo, hi = TEASER_LIST_WORDS
    for i in cue_rows:
        cue = lines[i].strip()
        if len(cue.split()) > TEASER_CUE_MAX_WORDS or _NOT_A_LIST_CUE.match(cue):
            continue
        after = list(islice((k for k in range(i + 1, len(lines)) if lines[k].strip()), TEASER_LIST_LINES + 1))
        for j, k in enumerate(after[:TEASER_LIST_LINES]):
            line = lines[k].strip()
            if not lo <= _words(line) <= hi or _SENTENCE_END.search(line) or starts_with_teaser_cue(line):
                break
            if j and j + 1 < len(after) and _is_prose(lines[after[j + 1]].strip()):
                break
            rows.append(k)
    return rows


def _is_prose(line: str) -> bool:
    return _words(line) >= TEASER_LIST_PROSE_WORDS and _PROSE_END.search(line) is not None


def hold_to_conventions(lines: list[str], scores: np.ndarray, cue_rows=None) -> np.ndarray:
    """``scores`` of a page's ``lines`` with the lines of a teaser list (``teaser_list_rows``) held to at most
    ``TEASER_LIST_SCORE``."""
    rows = teaser_list_rows(lines, cue_rows)
    if rows:
        scores = scores.copy()
        scores[rows] = np.minimum(scores[rows], TEASER_LIST_SCORE)
    return scores
