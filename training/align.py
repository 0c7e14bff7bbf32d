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
took 76 s). A page whose ``match_cost`` is above ``MAX_MATCH_COST`` is aligned as git's patience diff
does: tokens at a region's ends whose word the other side lacks are passed by, and the start and end the
two sides share are matched (at the page's own ends only when they are at least half of it); the rest is
cut at anchors (tokens, else pairs, fours or eights of tokens, found exactly once on each side; the longest
chain increasing on both sides), and each gap between anchors is aligned the same way, by difflib once it
costs at most ``GAP_MATCH_COST``. Gaps without anchors go to difflib while their costs add up to at most
``MAX_MATCH_COST``. A gap left over (too costly, or met after the anchor search has read ``ANCHOR_WORK``
times the page's and gold's length) is left unaligned: its tokens whose word the gold gap holds are
unknown, and a line whose label they could change is ``unsure``. ``match_cost`` bounds difflib's first
search, not its recursion: a long periodic table can still take a minute (data/EXPERIMENTS.md,
"Thirty-third round"). Every page of the shipped model's corpora is below the limit, so its alignment is
difflib's alone.
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
# Above this many pairs of equal tokens between page and gold (``match_cost``), the page is cut at anchors
# before difflib aligns it. The largest page of the corpora has 8.1 million (1.1 s). The gaps between
# anchors are cut again above ``GAP_MATCH_COST``, which keeps a 9 MB page of prose to seconds.
MAX_MATCH_COST = 20_000_000
GAP_MATCH_COST = 100_000
ANCHOR_GRAMS = (1, 2, 4, 8)  # the lengths of the runs of tokens tried as anchors, in turn
ANCHOR_WORK = 8  # anchors are looked for in at most this many times the tokens of page and gold together
TRIM_ROUNDS = 4  # a region's ends are trimmed at most this many times before it is cut
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


def _chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of ``pairs`` (sorted by their first item) increasing in the second (patience sorting)."""
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


def _grams(toks: list[int], n: int) -> list:
    return toks if n == 1 else list(zip(*(toks[k:] for k in range(n))))


def _anchors(a: list[int], b: list[int]) -> tuple[list[tuple[int, int]], int]:
    """Anchors of ``a`` and ``b`` and their length n: pairs (i, j) with ``a[i:i + n] == b[j:j + n]``, runs
    found exactly once in ``a`` and once in ``b``, the longest chain increasing on both sides, without
    overlaps; single tokens first, then longer runs (``ANCHOR_GRAMS``). ([], 0) when there are none."""
    for n in ANCHOR_GRAMS:
        if n > min(len(a), len(b)):
            break
        grams_a, grams_b = _grams(a, n), _grams(b, n)
        count_a, count_b = Counter(grams_a), Counter(grams_b)
        where_b = {g: j for j, g in enumerate(grams_b) if count_b[g] == 1}
        pairs = [(i, where_b[g]) for i, g in enumerate(grams_a) if count_a[g] == 1 and g in where_b]
        kept: list[tuple[int, int]] = []
        for i, j in _chain(pairs):
            if not kept or (i >= kept[-1][0] + n and j >= kept[-1][1] + n):
                kept.append((i, j))
        if kept:
            return kept, n
    return [], 0


def _inner(toks: list[int], lo: int, hi: int, words: set) -> tuple[int, int]:
    """``lo, hi`` moved inwards past the tokens of ``toks[lo:hi]`` whose word ``words`` lacks."""
    while lo < hi and toks[lo] not in words:
        lo += 1
    while hi > lo and toks[hi - 1] not in words:
        hi -= 1
    return lo, hi


def _shared_ends(a: list[int], b: list[int], a0: int, a1: int, b0: int, b1: int) -> tuple[int, int]:
    """How many tokens ``a[a0:a1]`` and ``b[b0:b1]`` share at their start and at their end; where the two
    would overlap on the shorter side, only the longer (the start on a tie)."""
    start = 0
    while a0 + start < a1 and b0 + start < b1 and a[a0 + start] == b[b0 + start]:
        start += 1
    end = 0
    while a1 - end > a0 and b1 - end > b0 and a[a1 - end - 1] == b[b1 - end - 1]:
        end += 1
    if start + end > min(a1 - a0, b1 - b0):
        return (start, 0) if start >= end else (0, end)
    return start, end


def _difflib_blocks(a: list[int], b: list[int], a0: int, b0: int) -> list[tuple[int, int, int]]:
    return [(a0 + i, b0 + j, n) for i, j, n in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
            if n]


def matched_pairs(a: list[int], b: list[int], max_cost: int = MAX_MATCH_COST, gap_cost: int = GAP_MATCH_COST,
                  work: float = ANCHOR_WORK) -> tuple[list[tuple[int, int, int]], np.ndarray]:
    """A monotonic alignment of ``a`` to ``b``: matching blocks (i, j, size), and which tokens of ``a`` are
    unknown, left unaligned in a gap of the gold that holds their word (see the module's docstring). The whole
    is given to difflib when its ``match_cost`` is at most ``max_cost``."""
    unknown = np.zeros(len(a), dtype=bool)
    if match_cost(a, b) <= max_cost:
        return _difflib_blocks(a, b, 0, 0), unknown
    blocks: list[tuple[int, int, int]] = []
    budget = work * (len(a) + len(b))
    unanchored = max_cost  # the pairs difflib may still be given in gaps without anchors, all told
    regions = [(0, len(a), 0, len(b))]
    while regions:
        a0, a1, b0, b1 = regions.pop()
        whole = (a0, a1, b0, b1) == (0, len(a), 0, len(b))
        for _ in range(TRIM_ROUNDS):  # tokens at the ends whose word the other side lacks, then the shared ends
            in_a, in_b = set(a[a0:a1]), set(b[b0:b1])
            a0, a1 = _inner(a, a0, a1, in_b)
            b0, b1 = _inner(b, b0, b1, in_a)
            shared = _shared_ends(a, b, a0, a1, b0, b1)
            # at the page's own ends only a large shared part: a teaser repeating the article's first lines
            # must not take them from the article
            if not any(shared) or (whole and 2 * sum(shared) < min(a1 - a0, b1 - b0)):
                break
            start, end = shared
            if start:
                blocks.append((a0, b0, start))
                a0, b0 = a0 + start, b0 + start
            if end:
                a1, b1 = a1 - end, b1 - end
                blocks.append((a1, b1, end))
            whole = False
        if a0 == a1 or b0 == b1:
            continue
        sa, sb = a[a0:a1], b[b0:b1]
        cost = match_cost(sa, sb)
        if cost <= gap_cost:
            blocks += _difflib_blocks(sa, sb, a0, b0)
            continue
        anchors, n = [], 0
        if budget > 0:
            budget -= len(sa) + len(sb)
            anchors, n = _anchors(sa, sb)
        if anchors:
            blocks += [(a0 + i, b0 + j, n) for i, j in anchors]
            ends = [(-n, -n)] + anchors + [(len(sa), len(sb))]
            regions += [(a0 + i + n, a0 + k, b0 + j + n, b0 + m) for (i, j), (k, m) in zip(ends, ends[1:])]
        elif cost <= unanchored:
            unanchored -= cost
            blocks += _difflib_blocks(sa, sb, a0, b0)
        else:
            words = set(sb)
            unknown[a0:a1] = [t in words for t in sa]
    return blocks, unknown


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
    """For each line (its tokens), the share of its tokens aligned to the gold text's tokens; NaN for lines
    without tokens, and for lines whose label (``CONTENT_SHARE``, ``BOILERPLATE_SHARE``) depends on tokens
    left unknown (see ``matched_pairs``)."""
    vocab: dict[str, int] = {}
    page_ids: list[int] = []
    owner: list[int] = []
    for i, toks in enumerate(line_toks):
        page_ids += _ids(toks, vocab)
        owner += [i] * len(toks)
    gold_ids = _ids(gold_toks, vocab)
    hit = np.zeros(len(page_ids), dtype=bool)
    blocks, unknown = matched_pairs(page_ids, gold_ids, max_cost, gap_cost)
    for a, size in _runs(blocks):
        if size >= MIN_RUN:
            hit[a:a + size] = True
    counts = np.array([len(t) for t in line_toks], dtype=float)
    owners = np.asarray(owner, dtype=int)

    def per_line(weights: np.ndarray) -> np.ndarray:
        return (np.bincount(owners, weights=weights, minlength=len(line_toks)) if owner
                else np.zeros(len(line_toks)))

    aligned, open_ = per_line(hit), per_line(unknown)  # unknown tokens are in no block
    share = np.full(len(line_toks), np.nan)
    has = counts > 0
    share[has] = aligned[has] / counts[has]
    most = np.where(has, (aligned + open_) / np.maximum(counts, 1), np.nan)
    share[(open_ > 0) & (share < CONTENT_SHARE) & (most > BOILERPLATE_SHARE)] = np.nan
    return share


def _contains(line_toks: list[str], snippet_toks: list[str]) -> bool:
    n = len(snippet_toks)
    if n == 0 or n > len(line_toks):
        return False
    return any(line_toks[i:i + n] == snippet_toks for i in range(len(line_toks) - n + 1))


def align_lines(lines: list[str], gold: str, without: list[str] | None = None,
                fold: bool = True) -> tuple[list[str | None], int]:
    """Labels for the lines of a rendered page (None for blank lines), and how many lines are ``unsure``
    because tokens of theirs could not be aligned (see ``matched_pairs``). ``fold=False`` reads the
    tokens as 0.12.3 and earlier did, with invisible characters and decomposed accents splitting words (the
    recipe keeps it so that it rebuilds the shipped model file)."""
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
    unaligned = sum(1 for label, toks, s in zip(labels, line_toks, share) if label == "unsure" and toks and s != s)
    return labels, unaligned


def align_labels(lines: list[str], gold: str, without: list[str] | None = None,
                 fold: bool = True) -> list[str | None]:
    """The labels of ``align_lines``."""
    return align_lines(lines, gold, without, fold)[0]
