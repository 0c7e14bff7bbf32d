"""Scores: word-level F1 of kept text (bag of lowercase ``\\w+`` tokens; CJK scored per character), line P/R/F1."""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def tokens(text: str) -> list[str]:
    """Lowercase ``\\w+`` tokens; a token holding CJK characters is split into its characters."""
    out: list[str] = []
    for tok in _WORD.findall(text.lower()):
        if _CJK.search(tok):
            out.extend(ch for ch in tok if not ch.isspace())
        else:
            out.append(tok)
    return out


def prf(tp: float, n_pred: float, n_true: float) -> tuple[float, float, float]:
    """Precision, recall, F1 from counts; an empty prediction of an empty truth is perfect."""
    if n_pred == 0 and n_true == 0:
        return 1.0, 1.0, 1.0
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_true if n_true else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def word_prf(predicted: str, gold: str) -> tuple[float, float, float]:
    """Bag-of-words precision, recall and F1 of ``predicted`` text against ``gold`` text."""
    pc, gc = Counter(tokens(predicted)), Counter(tokens(gold))
    tp = sum((pc & gc).values())
    return prf(tp, sum(pc.values()), sum(gc.values()))


def line_prf(predicted: list[str], gold: list[str | None]) -> tuple[int, int, int]:
    """(true positives, predicted content, gold content) over lines with a content/boilerplate gold label."""
    tp = n_pred = n_true = 0
    for p, g in zip(predicted, gold):
        if g not in ("content", "boilerplate"):
            continue
        n_pred += p == "content"
        n_true += g == "content"
        tp += p == "content" and g == "content"
    return tp, n_pred, n_true
