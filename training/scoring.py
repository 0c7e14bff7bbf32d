"""Text-level quality measures used by the benchmark and the model card."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
from linesift.training.metrics import prf, tokens, word_prf

SHINGLE_SIZE = 4
_SPACE = re.compile(r"\s+")


def shingle_prf(predicted: str, gold: str, n: int = SHINGLE_SIZE) -> tuple[float, float, float]:
    """Precision/recall/F1 of word n-gram shingles (the ScrapingHub article-extraction benchmark measure)."""

    def shingles(text):
        toks = tokens(text)
        return Counter(tuple(toks[i:i + n]) for i in range(max(len(toks) - n + 1, 1 if toks else 0)))

    p, g = shingles(predicted), shingles(gold)
    return prf(sum((p & g).values()), sum(p.values()), sum(g.values()))


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text.lower()).strip()


def snippet_counts(predicted: str, with_: list[str], without: list[str]) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives): ``with`` snippets found, ``without`` found, ``with`` missed."""
    text = _norm(predicted)
    found = [_norm(s) in text for s in with_]
    leaked = [_norm(s) in text for s in without]
    return sum(found), sum(leaked), len(found) - sum(found)


def text_scores(predicted: str, gold: str, with_=(), without=()) -> dict:
    """All per-page scores of an extracted text against the gold text and snippets."""
    wp, wr, wf = word_prf(predicted, gold)
    sp, sr, sf = shingle_prf(predicted, gold)
    out = {"word_p": wp, "word_r": wr, "word_f1": wf, "shingle_f1": sf}
    if with_ or without:
        tp, fp, fn = snippet_counts(predicted, list(with_), list(without))
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        out.update(snippet_p=p, snippet_r=r, snippet_f1=2 * p * r / (p + r) if p + r else 0.0)
    return out


def bootstrap_ci(values, seed: int = 0, rounds: int = 1000) -> tuple[float, float]:
    """95% confidence interval of the mean by a seeded bootstrap over pages."""
    v = np.asarray(values, dtype=float)
    if len(v) == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = v[rng.integers(0, len(v), size=(rounds, len(v)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))
