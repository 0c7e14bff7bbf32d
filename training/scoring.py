"""Text-level quality measures used by the benchmark and the model card."""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from html.parser import HTMLParser

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


_UNSPACED = "\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"  # Chinese, Japanese, their punctuation
_CJK_GAP = re.compile(f"(?<=[{_UNSPACED}]) (?=[{_UNSPACED}])")


def _norm(text: str) -> str:
    """Lowercase, runs of whitespace as one space, none between two characters of Chinese or Japanese
    (scripts written without spaces, where a space is no word break; Korean keeps its spaces)."""
    return _CJK_GAP.sub("", _SPACE.sub(" ", text.lower()).strip())


def snippet_counts(predicted: str, with_: list[str], without: list[str], norm=_norm) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives): ``with`` snippets found, ``without`` found, ``with``
    missed; texts and snippets read through ``norm`` (by default lowercased, ``_norm``)."""
    text = norm(predicted)
    found = [norm(s) in text for s in with_]
    leaked = [norm(s) in text for s in without]
    return sum(found), sum(leaked), len(found) - sum(found)


SYNTHETIC_SNIPPETS = 4  # with and without snippets drawn per page
WITH_TOKENS = (8, 60)  # a with snippet: a gold sentence of this many tokens
WITHOUT_TOKENS = (2, 10)  # a without snippet: an HTML text node of this many tokens, not in the gold
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
_HIDDEN = {"script", "style", "noscript", "template", "title", "select", "textarea", "svg"}  # tags that are closed


class _TextNodes(HTMLParser):
    """The text nodes of an HTML page outside scripts, styles and other text never shown as page text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden, self.nodes = 0, []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in _HIDDEN

    def handle_endtag(self, tag):
        self.hidden -= tag in _HIDDEN and self.hidden > 0

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.nodes.append(" ".join(data.split()))


def synthetic_snippets(html: str, gold: str, page_id: str, n: int = SYNTHETIC_SNIPPETS) -> tuple[list, list]:
    """``with`` and ``without`` snippets for a page that has none, so snippet F1 can be measured on any HTML +
    gold corpus: up to ``n`` gold sentences of ``WITH_TOKENS`` tokens, spread evenly from the first to the last,
    and up to ``n`` HTML text nodes of ``WITHOUT_TOKENS`` tokens that are not in the gold (menu items, footer
    links, tags), drawn at random, seeded by ``page_id``. On wcxb-dev, whose pages have real snippets, they
    rank extractors as its real snippets do, lower for all (see the model card)."""
    lo, hi = WITH_TOKENS
    sentences = [s.strip() for line in gold.split("\n") for s in _SENTENCE_END.split(line)
                 if lo <= len(tokens(s)) <= hi]
    if len(sentences) > n:
        sentences = [sentences[round(k * (len(sentences) - 1) / max(n - 1, 1))] for k in range(n)]
    parser = _TextNodes()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:  # html.parser gives up on some malformed markup: the text nodes read so far
        pass
    gold_text, (lo, hi) = _norm(gold), WITHOUT_TOKENS
    nodes = sorted({t for t in parser.nodes if lo <= len(tokens(t)) <= hi and _norm(t) not in gold_text})
    seed = int(hashlib.sha1(page_id.encode("utf-8")).hexdigest()[:8], 16)
    return sentences, random.Random(seed).sample(nodes, min(n, len(nodes)))


def text_scores(predicted: str, gold: str, with_=(), without=()) -> dict:
    """All per-page scores of an extracted text against the gold text and snippets."""
    wp, wr, wf = word_prf(predicted, gold)
    sp, sr, sf = shingle_prf(predicted, gold)
    out = {"word_p": wp, "word_r": wr, "word_f1": wf, "shingle_f1": sf}
    if with_ or without:
        p, r, f = snippet_prf(predicted, with_, without)
        out.update(snippet_p=p, snippet_r=r, snippet_f1=f)
    return out


def snippet_prf(predicted: str, with_, without) -> tuple[float, float, float]:
    """Snippet precision, recall and F1: ``with`` snippets found count as true positives, ``without`` found as
    false positives, ``with`` missed as false negatives."""
    tp, fp, fn = snippet_counts(predicted, list(with_), list(without))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bootstrap_ci(values, seed: int = 0, rounds: int = 1000) -> tuple[float, float]:
    """95% confidence interval of the mean by a seeded bootstrap over pages."""
    v = np.asarray(values, dtype=float)
    if len(v) == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = v[rng.integers(0, len(v), size=(rounds, len(v)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))
