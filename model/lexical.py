"""The lexical signal's input: hashed words of each line's start and end, as a sparse matrix.

A line's words are read only within its first ``LEXICAL_HEAD`` and last ``LEXICAL_TAIL`` characters
(where cue words such as "Share", "Read more", "Tags:" or "»" stand), so the cost per line is bounded
whatever its length. Words are runs of letters, digits, marks and ``_``, lowercased, a run of digits as one ``0``.
Each line gets its words, its word pairs and its first word (marked as such), hashed into
``n_features`` columns with a stable 64-bit hash computed with numpy over the code points; rows are
L2-normalised counts. Training and prediction build the matrix with this same function.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from linesift.codepoints import CJK, DIGIT, FOLD_DIGIT, LETTER, MARK, CodePoints, fold_table, mix64
from scipy.sparse import csr_matrix

LEXICAL_HEAD, LEXICAL_TAIL = 48, 16
_WORD_POSITIONS = 64  # characters of a word with their own multiplier in its hash (later ones share the last)
_PAIR, _FIRST = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xD6E8FEB86659FD93)


@lru_cache(maxsize=1)
def _powers() -> np.ndarray:
    """Odd 64-bit multipliers, one per position in a word (a position-sensitive sum hash)."""
    return mix64(np.arange(1, _WORD_POSITIONS + 1, dtype=np.uint64)) | np.uint64(1)


def _read_positions(cp: CodePoints) -> tuple[np.ndarray, np.ndarray]:
    """Code points the lexical model reads: each line's first ``LEXICAL_HEAD`` and last ``LEXICAL_TAIL``
    (all of a short line), in text order; with whether each opens a stretch."""
    lengths = cp.lengths
    short = lengths <= LEXICAL_HEAD + LEXICAL_TAIL
    head = np.where(short, lengths, LEXICAL_HEAD)
    tail = np.where(short, 0, LEXICAL_TAIL)
    stretch_start = np.column_stack([cp.starts, cp.ends - tail]).ravel()
    stretch_len = np.column_stack([head, tail]).ravel()
    total = int(stretch_len.sum())
    first_of_stretch = np.cumsum(stretch_len) - stretch_len
    positions = np.repeat(stretch_start - first_of_stretch, stretch_len) + np.arange(total)
    opens = np.zeros(total, dtype=bool)
    opens[first_of_stretch[stretch_len > 0]] = True
    return positions, opens


def token_hashes(cp: CodePoints) -> tuple[np.ndarray, np.ndarray]:
    """``(line, hash)`` of every word read by the lexical model, in text order (hashes are stable)."""
    lines, hashes, _ = word_tokens(cp)
    return lines, hashes


def word_tokens(cp: CodePoints) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(line, hash, unspaced)`` of every word read by the lexical model, in text order; ``unspaced`` marks
    words of scripts written without spaces (CJK, Thai, Lao, Khmer, Myanmar): a run of such letters reads as
    one word, a whole clause, so it is rarely seen twice."""
    positions, opens = _read_positions(cp)
    cps = cp.cps[positions]
    word = ((cp.flags[positions] & (LETTER | DIGIT | MARK)) > 0) | (cps == 95)
    start = word & (opens | ~np.concatenate([[False], word[:-1]]))
    idx = np.flatnonzero(word)  # from here on, only the code points of words
    if len(idx) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=bool)
    first = np.flatnonzero(start[idx])
    token = np.cumsum(start[idx]) - 1
    in_word = np.minimum(np.arange(len(idx)) - first[token], _WORD_POSITIONS - 1)
    chars = fold_table()[cps[idx]].astype(np.uint64)
    # a run of digits reads as one "0" (page 12 and page 7 are the same words)
    counted = ~((chars == FOLD_DIGIT) & (np.concatenate([[0], chars[:-1]]) == FOLD_DIGIT) & (in_word > 0))
    with np.errstate(over="ignore"):
        sums = np.add.reduceat(np.where(counted, chars * _powers()[in_word], np.uint64(0)), first)
        sizes = np.add.reduceat(counted.astype(np.uint64), first)
        hashes = mix64(sums + sizes * _PAIR)
    first_cp = positions[idx[first]]
    return cp.line_of[first_cp].astype(np.int64), hashes, _unspaced(cp.cps[first_cp], cp.flags[first_cp])


_UNSPACED_RANGES = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF))  # Thai and Lao, Myanmar, Khmer


def _unspaced(cps: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """Whether each code point is a letter of a script written without spaces between words."""
    out = (flags & CJK) > 0
    for low, high in _UNSPACED_RANGES:
        out |= (cps >= low) & (cps <= high)
    return out


def lexical_matrix(cp: CodePoints, n_features: int, tokens=None) -> csr_matrix:
    """One L2-normalised row of hashed word, word-pair and first-word counts per line of ``cp``
    (``tokens``: ``word_tokens(cp)`` when already computed)."""
    n_lines = len(cp.starts)
    lines, h, _ = tokens if tokens is not None else word_tokens(cp)
    same_line = lines[1:] == lines[:-1]
    first = np.concatenate([[True], ~same_line]) if len(lines) else np.zeros(0, dtype=bool)
    with np.errstate(over="ignore"):
        pairs = mix64(h[:-1][same_line] * _PAIR + h[1:][same_line])
    rows = np.concatenate([lines, lines[first], lines[:-1][same_line]])
    keys = np.concatenate([h, mix64(h[first] ^ _FIRST), pairs])
    cols = (keys % np.uint64(n_features)).astype(np.int64)
    m = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_lines, n_features))
    m.sum_duplicates()
    row_of = np.repeat(np.arange(n_lines), np.diff(m.indptr))
    norms = np.sqrt(np.bincount(row_of, weights=m.data**2, minlength=n_lines))
    m.data /= np.maximum(norms, 1e-12)[row_of]
    return m
