"""Conventions of ../shared/LABELING.md held after scoring, where a line's own features cannot tell them:
teaser, tag and share cues ("Also read", "Tags:", "Lesen Sie auch", "Поделиться"), the lists of other pages'
headlines under a short teaser cue, and lines that only label an ad or head reader comments ("Anzeige",
"3 Comments"), in the languages of ``features.ANY_TEASER_CUES``, ``SIDEBAR_HEADINGS`` (bare headings only:
"Recent Posts", "Ähnliche Beiträge"), ``AD_LABELS``, ``COMMENT_CUES`` and ``MORE_COMMENT_CUES``; and, at
prediction, lines that open with a call to action (``features.CALL_CUES``, ``COOKIE_CUES``,
``SIGN_IN_CUES``: newsletter, cookie and sign-in prompts, affiliate and paywall notices). The cues are found in
the feature pass (``features.Features.cues``); the rules here read those flags and the few lines they mark."""

from __future__ import annotations

import re

import numpy as np
from linesift.codepoints import HAN_KANA
from linesift.features import (
    COOKIE,
    CUE_LINE,
    ONLY_A_LABEL,
    OPENS_WITH_CUE,
    PROMPT,
    TAG_OR_SHARE,
    WIDGET,
    Layout,
    batch_features,
)
from linesift.settings import (
    COOKIE_POLICY_LINES,
    TEASER_CUE_MAX_WORDS,
    TEASER_LIST_LINES,
    TEASER_LIST_PROSE_WORDS,
    TEASER_LIST_SCORE,
    TEASER_LIST_WORDS,
)

# a sentence's end: "." (not the "..." of a cut headline), "!", and their CJK forms, before closing marks
_SENTENCE_END = re.compile(r"(?:(?<!\.\.)\.|[!\u3002\uff01])[\"'\u201d\u2019\u00bb)\]]*$")
_PROSE_END = re.compile(r"[.!?\u3002\uff01\uff1f][\"'\u201d\u2019\u00bb)\]]*$")


def _words(line: str) -> float:
    """Words of a line, two characters of Chinese or Japanese counting as one (unlike the ``log_words``
    feature, Korean's are not: it puts spaces between words)."""
    return len(line.split()) + len(HAN_KANA.findall(line)) / 2


def _starts_lowercase(line: str) -> bool:
    """Whether a line's first letter is lowercase: a wrapped sentence's "share in the profits", not a cue."""
    return next((ch for ch in line if ch.isalpha()), "").islower()


def cue_line(line: str, flags: int) -> bool:
    """Whether a stripped line that opens with a teaser, tag or share cue (``flags``: its
    ``features.Features.cues``) is a cue line of LABELING.md's boilerplate: the bare cue (but for punctuation
    and a count) or the cue and a colon ("Read more: <another headline>"; ``features.CUE_LINE``), its first
    letter not lowercase."""
    return bool(flags & CUE_LINE) and not _starts_lowercase(line)


def list_head(line: str, flags: int) -> bool:
    """Whether a stripped line that opens with a teaser cue (``flags``: its ``features.Features.cues``) may
    head a teaser list: at most ``TEASER_CUE_MAX_WORDS`` words between spaces ("Also read", "More from CNN",
    "Читайте также", "相关阅读"), not a tag or share cue (``features.TAG_OR_SHARE``), not starting in lowercase
    and not ending a sentence ("Polecamy ten przepis."). A heading such as "Recommended dosage" heads a list
    too: on the held-out pages, the lists under such short cue lines were mostly teasers (data/EXPERIMENTS.md)."""
    return (len(line.split()) <= TEASER_CUE_MAX_WORDS and not flags & TAG_OR_SHARE
            and not _starts_lowercase(line) and not _SENTENCE_END.search(line))


def label_line(line: str) -> bool:
    """Whether a stripped line that is only an ad label or a comment heading or count
    (``features.ONLY_A_LABEL``) is held: not when it starts in lowercase without a count (the end of a wrapped
    sentence, "advertising.", or a code comment, "// comment")."""
    return not _starts_lowercase(line) or any(ch.isdigit() for ch in line)


def teaser_list(layout: Layout, lines: list[str], cues: np.ndarray, cue_lines: np.ndarray) -> np.ndarray:
    """Rows of a batch's non-blank lines (``lines``, stripped; ``layout``: their layout; ``cues``: their
    ``features.Features.cues``; ``cue_lines``: whether each is a cue line, ``cue_line``) that list other
    pages' headlines under a short teaser cue: up to ``TEASER_LIST_LINES`` lines right after a line that
    heads a list (``list_head``: "Also read", "Related", "Read more", "Читайте также", "Mehr zum Thema"),
    each of ``TEASER_LIST_WORDS`` words (``_words``), not ending a sentence and not a cue line itself. The
    list ends at the first line that is not such a line, and before a line other than the first that is
    followed by prose (a sentence of ``TEASER_LIST_PROSE_WORDS`` or more words): the article's next heading,
    after a short list. A list never runs past its page."""
    ends = layout.page_end
    lo, hi = TEASER_LIST_WORDS
    rows: list[int] = []
    for i in np.flatnonzero(cues & OPENS_WITH_CUE).tolist():
        if not list_head(lines[i], int(cues[i])):
            continue
        end = int(ends[i])
        for k in range(i + 1, min(i + 1 + TEASER_LIST_LINES, end)):
            if cue_lines[k] or not lo <= _words(lines[k]) <= hi or _SENTENCE_END.search(lines[k]):
                break
            after = k + 1  # a line other than the first, followed by prose: the article's next heading
            if (k > i + 1 and after < end and _words(lines[after]) >= TEASER_LIST_PROSE_WORDS
                    and _PROSE_END.search(lines[after])):
                break
            rows.append(k)
    return np.array(rows, dtype=np.int64)


def _cue_lines(lines: list[str], cues: np.ndarray) -> np.ndarray:
    """Whether each row is a cue line (``cue_line``), tried on the rows flagged ``CUE_LINE`` only."""
    mask = np.zeros(len(lines), dtype=bool)
    for i in np.flatnonzero(cues & CUE_LINE).tolist():
        mask[i] = cue_line(lines[i], int(cues[i]))
    return mask


def held_rows(layout: Layout, lines: list[str], cues: np.ndarray) -> np.ndarray:
    """Rows of a batch's non-blank lines (``lines``, stripped; ``cues``: their ``features.Features.cues``) that
    LABELING.md calls boilerplate whatever their score: cue lines (``cue_line``), teaser lists
    (``teaser_list``), and ad labels and comment headings or counts (``label_line``), in row order. (Calls to
    action, ``call_to_action_rows``, are held after the page, tail and headline models.)"""
    cue_lines = _cue_lines(lines, cues)
    held = cue_lines.copy()
    held[[i for i in np.flatnonzero(cues & ONLY_A_LABEL).tolist() if label_line(lines[i])]] = True
    held[teaser_list(layout, lines, cues, cue_lines)] = True
    return np.flatnonzero(held)


def call_to_action_rows(layout: Layout, lines: list[str], cues: np.ndarray) -> np.ndarray:
    """Rows of a batch's non-blank lines (``lines``, stripped; ``cues``: their ``features.Features.cues``) that
    open with a call to action (``features.PROMPT``: "Subscribe to our newsletter", "Wir verwenden Cookies",
    "Sign in to comment", "Forgot your password?") and do not start in lowercase, but for the cookie notices
    of a page where ``COOKIE_POLICY_LINES`` or more lines open with one (a cookie policy, whose text they
    are), in row order. They are held to boilerplate as the model scores, after the page, tail and headline
    models, which were fitted without them (data/EXPERIMENTS.md, "Twenty-ninth round")."""
    rows = np.array([i for i in np.flatnonzero(cues & PROMPT).tolist() if not _starts_lowercase(lines[i])],
                    dtype=np.int64)
    cookie = (cues & COOKIE) > 0
    per_page = np.bincount(layout.page[cookie], minlength=len(layout.n_lines))
    policy = per_page[layout.page] >= COOKIE_POLICY_LINES
    return rows[~(cookie[rows] & policy[rows])] if len(rows) else rows


def widget_rows(cues: np.ndarray) -> np.ndarray:
    """Rows of a batch's non-blank lines (``cues``: their ``features.Features.cues``) that are nothing but
    interface widgets (``features.WIDGET``: "Back to top", "Print | E-mail", "5 min read", "Gefällt mir"), in
    row order. They are held to boilerplate as the model scores, with the calls to action
    (data/EXPERIMENTS.md, "Thirty-fourth round")."""
    return np.flatnonzero(cues & WIDGET)


def hold_rows(layout: Layout, lines: list[str], cues: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The scores of a batch's rows (one per non-blank line of ``lines``, stripped; ``cues``: their
    ``features.Features.cues``) with the cue lines, teaser lists, ad labels and comment headings
    (``held_rows``; not the calls to action, ``call_to_action_rows``) held to at most ``TEASER_LIST_SCORE``."""
    return hold_scores(scores, held_rows(layout, lines, cues))


def hold_scores(scores: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``scores`` with those of ``rows`` (``held_rows``) held to at most ``TEASER_LIST_SCORE``."""
    if len(rows):
        scores = scores.copy()
        scores[rows] = np.minimum(scores[rows], TEASER_LIST_SCORE)
    return scores


def teaser_list_rows(lines: list[str]) -> list[int]:
    """The indices of a page's ``lines`` that form teaser lists (``teaser_list``)."""
    f = batch_features([lines])
    return f.layout.index[teaser_list(f.layout, f.lines, f.cues, _cue_lines(f.lines, f.cues))].tolist()


def hold_to_conventions(lines: list[str], scores: np.ndarray) -> np.ndarray:
    """``scores`` of a page's ``lines`` (NaN for blank lines) with its cue lines, teaser lists, ad labels,
    comment headings (``hold_rows``), calls to action (``call_to_action_rows``) and widgets (``widget_rows``) held
    to at most ``TEASER_LIST_SCORE``."""
    f = batch_features([lines])
    held = scores.copy()
    rows = hold_scores(hold_rows(f.layout, f.lines, f.cues, scores[f.layout.index]),
                       np.concatenate([call_to_action_rows(f.layout, f.lines, f.cues), widget_rows(f.cues)]))
    held[f.layout.index] = rows
    return held
