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

difflib's matcher takes time that grows with the product of the two sides' shared tokens (a 440 KB page
took 76 s). A region whose ``match_cost`` is above ``MAX_MATCH_COST`` is first cut at anchors, as git's
patience diff does: tokens found exactly once on each side, the longest increasing chain of them kept,
and the gaps between anchors aligned the same way. A region too large that has no such token (a long
repetitive stretch) is left unaligned, and the lines holding its tokens are ``unsure``. Every page of the
shipped model's corpora is below the limit, so its alignment is difflib's alone.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections import Counter
from difflib import SequenceMatcher

import numpy as np
from linesift.lines import is_blank
from linesift.training.metrics import tokens

MIN_RUN = 2
CONTENT_SHARE = 0.5
BOILERPLATE_SHARE = 0.25
# Above this many pairs of equal tokens between the two sides of a region (``match_cost``), the region is
# cut at anchors before difflib aligns it. The largest page of the corpora has 8.1 million (1.1 s). The
# gaps between anchors are cut again above ``GAP_MATCH_COST``, which keeps a 9 MB page to seconds.
MAX_MATCH_COST = 20_000_000
GAP_MATCH_COST = 100_000
# Invisible characters taken out before tokens are read: soft hyphen, zero-width space, non-joiner and
# joiner, word joiner, and the BOM used as a zero-width no-break space.
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def alignment_tokens(text: str, fold: bool = True) -> list[str]:
    """``metrics.tokens`` of ``text``; with ``fold``, of the text without invisible characters, in NFC."""
    return tokens(unicodedata.normalize("NFC", text.translate(INVISIBLE)) if fold else text)


def _ids(toks: list[str], vocab: dict[str, int]) -> list[int]:
    return [vocab.setdefault(t, len(vocab)) for t in toks]


def match_cost(a: list[int], b: list[int]) -> int:
    """The number of pairs of equal tokens between ``a`` and ``b``: what difflib's first search reads."""
    count_b = Counter(b)
    return sum(n * count_b[t] for t, n in Counter(a).items())


def _anchors(a: list[int], b: list[int]) -> list[tuple[int, int]]:
    """Pairs (i, j) of tokens found exactly once in ``a`` and once in ``b``, ``a[i] == b[j]``: the longest
    chain increasing on both sides (patience sorting)."""
    count_a, count_b = Counter(a), Counter(b)
    where_b = {t: j for j, t in enumerate(b) if count_b[t] == 1}
    pairs = [(i, where_b[t]) for i, t in enumerate(a) if count_a[t] == 1 and t in where_b]
    tops: list[int] = []  # tops[k]: the smallest j that ends a chain of k + 1 pairs
    ends: list[int] = []  # ends[k]: the index in pairs of that chain's last pair
    back = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tops, j)
        back[n] = ends[k - 1] if k else -1
        if k == len(tops):
            tops.append(j)
            ends.append(n)
        else:
            tops[k], ends[k] = j, n
    chain, n = [], ends[-1] if ends else -1
    while n >= 0:
        chain.append(pairs[n])
        n = back[n]
    return chain[::-1]


def matched_pairs(a: list[int], b: list[int], max_cost: int = MAX_MATCH_COST, gap_cost: int = GAP_MATCH_COST
                  ) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
    """A monotonic alignment of ``a`` to ``b``: matching blocks (i, j, size), and the ranges of ``a`` left
    unaligned because they were too costly to align and had no anchor. The whole is given to difflib when
    its ``match_cost`` is at most ``max_cost``, a gap between anchors when its cost is at most ``gap_cost``."""
    blocks: list[tuple[int, int, int]] = []
    unaligned: list[tuple[int, int]] = []
    regions = [(0, len(a), 0, len(b))]
    while regions:
        a0, a1, b0, b1 = regions.pop()
        sa, sb = a[a0:a1], b[b0:b1]
        if not sa or not sb:
            continue
        if match_cost(sa, sb) <= (max_cost if (a0, a1, b0, b1) == (0, len(a), 0, len(b)) else gap_cost):
            matcher = SequenceMatcher(None, sa, sb, autojunk=False)
            blocks += [(a0 + i, b0 + j, n) for i, j, n in matcher.get_matching_blocks() if n]
            continue
        anchors = _anchors(sa, sb)
        if not anchors:
            unaligned.append((a0, a1))
            continue
        blocks += [(a0 + i, b0 + j, 1) for i, j in anchors]
        ends = [(-1, -1)] + anchors + [(len(sa), len(sb))]
        regions += [(a0 + i + 1, a0 + k, b0 + j + 1, b0 + m) for (i, j), (k, m) in zip(ends, ends[1:])]
    return blocks, unaligned


def _runs(blocks: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """The blocks joined where one continues the next on both sides: (start in a, size)."""
    runs: list[list[int]] = []
    last = None
    for i, j, n in sorted(blocks):
        if last is not None and i == last[0] and j == last[1]:
            runs[-1][1] += n
        else:
            runs.append([i, n])
        last = (i + n, j + n)
    return [(i, n) for i, n in runs]


def aligned_share(line_toks: list[list[str]], gold_toks: list[str], max_cost: int = MAX_MATCH_COST,
                  gap_cost: int = GAP_MATCH_COST) -> np.ndarray:
    """For each line (its tokens), the share of its tokens aligned to the gold text's tokens (NaN for lines
    without tokens, and for lines holding tokens left unaligned; see ``matched_pairs``)."""
    vocab: dict[str, int] = {}
    page_ids: list[int] = []
    owner: list[int] = []
    for i, toks in enumerate(line_toks):
        page_ids += _ids(toks, vocab)
        owner += [i] * len(toks)
    gold_ids = _ids(gold_toks, vocab)
    hit = np.zeros(len(page_ids), dtype=bool)
    blocks, unaligned = matched_pairs(page_ids, gold_ids, max_cost, gap_cost)
    for a, size in _runs(blocks):
        if size >= MIN_RUN:
            hit[a:a + size] = True
    counts = np.array([len(t) for t in line_toks], dtype=float)
    owners = np.asarray(owner, dtype=int)
    aligned = (np.bincount(owners, weights=hit, minlength=len(line_toks)) if owner
               else np.zeros(len(line_toks)))
    share = np.full(len(line_toks), np.nan)
    has = counts > 0
    for a0, a1 in unaligned:
        has[owners[a0:a1]] = False
    share[has] = aligned[has] / counts[has]
    return share


def _contains(line_toks: list[str], snippet_toks: list[str]) -> bool:
    n = len(snippet_toks)
    if n == 0 or n > len(line_toks):
        return False
    return any(line_toks[i:i + n] == snippet_toks for i in range(len(line_toks) - n + 1))


def align_lines(lines: list[str], gold: str, without: list[str] | None = None,
                fold: bool = True) -> tuple[list[str | None], int]:
    """Labels for the lines of a rendered page (None for blank lines), and how many lines were left
    ``unsure`` because their tokens could not be aligned (see ``matched_pairs``). ``fold=False`` reads the
    tokens as 0.12.3 and earlier did, with invisible characters and decomposed accents splitting words (the
    recipe keeps it so that it rebuilds the shipped model file)."""
    line_toks = [alignment_tokens(line, fold) for line in lines]
    share = aligned_share(line_toks, alignment_tokens(gold, fold))
    labels: list[str | None] = []
    unaligned = 0
    for line, toks, s in zip(lines, line_toks, share):
        if is_blank(line):
            labels.append(None)
        elif s != s:
            labels.append("unsure")
            unaligned += bool(toks)
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
    return labels, unaligned


def align_labels(lines: list[str], gold: str, without: list[str] | None = None,
                 fold: bool = True) -> list[str | None]:
    """The labels of ``align_lines``."""
    return align_lines(lines, gold, without, fold)[0]
