"""Label the lines of a rendered page by aligning them to the page's gold main text.

Both sides become token sequences (lowercase ``\\w+``; CJK per character, see ``metrics.tokens``), after
soft hyphens and zero-width characters are taken out and accents composed (``fold``: a rendered
"Fahr&shy;rad" with a soft hyphen, or a decomposed "é", is the gold's word, not two pieces of it). A
monotonic alignment (difflib's longest matching blocks, no junk heuristic) pairs page tokens with gold
tokens; only runs of at least ``MIN_RUN`` tokens count, so a stray "home" or "share" in the gold does not
pull a menu line in, while a one-word heading inside the article is covered by the run that spans it.
A line is ``content`` when at least ``CONTENT_SHARE`` of its tokens are aligned, ``boilerplate`` when at
most ``BOILERPLATE_SHARE`` are, and ``unsure`` in between or when it has no tokens at all. Lines holding
a ``without`` snippet of the source (text that must not be kept) become boilerplate.
"""

from __future__ import annotations

import unicodedata
from difflib import SequenceMatcher

import numpy as np
from linesift.lines import is_blank
from linesift.training.metrics import tokens

MIN_RUN = 2
CONTENT_SHARE = 0.5
BOILERPLATE_SHARE = 0.25
# Invisible characters taken out before tokens are read: soft hyphen, zero-width space, non-joiner and
# joiner, word joiner, and the BOM used as a zero-width no-break space.
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def alignment_tokens(text: str, fold: bool = True) -> list[str]:
    """``metrics.tokens`` of ``text``; with ``fold``, of the text without invisible characters, in NFC."""
    return tokens(unicodedata.normalize("NFC", text.translate(INVISIBLE)) if fold else text)


def _ids(toks: list[str], vocab: dict[str, int]) -> list[int]:
    return [vocab.setdefault(t, len(vocab)) for t in toks]


def aligned_share(line_toks: list[list[str]], gold_toks: list[str]) -> np.ndarray:
    """For each line (its tokens), the share of its tokens aligned to the gold text's tokens (NaN for lines
    without tokens)."""
    vocab: dict[str, int] = {}
    page_ids: list[int] = []
    owner: list[int] = []
    for i, toks in enumerate(line_toks):
        page_ids += _ids(toks, vocab)
        owner += [i] * len(toks)
    gold_ids = _ids(gold_toks, vocab)
    hit = np.zeros(len(page_ids), dtype=bool)
    matcher = SequenceMatcher(None, page_ids, gold_ids, autojunk=False)
    for a, _, size in matcher.get_matching_blocks():
        if size >= MIN_RUN:
            hit[a:a + size] = True
    counts = np.array([len(t) for t in line_toks], dtype=float)
    aligned = (np.bincount(np.asarray(owner, dtype=int), weights=hit, minlength=len(line_toks)) if owner
               else np.zeros(len(line_toks)))
    share = np.full(len(line_toks), np.nan)
    has = counts > 0
    share[has] = aligned[has] / counts[has]
    return share


def _contains(line_toks: list[str], snippet_toks: list[str]) -> bool:
    n = len(snippet_toks)
    if n == 0 or n > len(line_toks):
        return False
    return any(line_toks[i:i + n] == snippet_toks for i in range(len(line_toks) - n + 1))


def align_labels(lines: list[str], gold: str, without: list[str] | None = None,
                 fold: bool = True) -> list[str | None]:
    """Labels for the lines of a rendered page (None for blank lines). ``fold=False`` reads the tokens as
    0.12.3 and earlier did, with invisible characters and decomposed accents splitting words (the recipe
    keeps it so that it rebuilds the shipped model file)."""
    line_toks = [alignment_tokens(line, fold) for line in lines]
    share = aligned_share(line_toks, alignment_tokens(gold, fold))
    labels: list[str | None] = []
    for line, s in zip(lines, share):
        if is_blank(line):
            labels.append(None)
        elif s != s:
            labels.append("unsure")
        elif s >= CONTENT_SHARE:
            labels.append("content")
        elif s <= BOILERPLATE_SHARE:
            labels.append("boilerplate")
        else:
            labels.append("unsure")
    for snippet in without or []:
        snip = alignment_tokens(snippet, fold)
        if len(snip) < 2:
            continue
        for i, toks in enumerate(line_toks):
            if labels[i] is not None and len(snip) * 2 >= len(toks) and _contains(toks, snip):
                labels[i] = "boilerplate"
    return labels
