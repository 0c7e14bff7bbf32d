"""Evaluate a model on labelled pages: line-level P/R/F1 and word-level F1 of the kept text."""

from __future__ import annotations

import numpy as np
from linesift.predict import predict_pages, score_corpus
from linesift.training.labelled import LabelledPage
from linesift.training.metrics import line_prf, prf, tokens, word_prf


def gold_text(page: LabelledPage) -> str:
    """The page's labelled content lines joined (what a perfect classifier keeps)."""
    return "\n".join(line for line, label in zip(page.lines, page.labels) if label == "content")


def evaluate_pages(model, pages: list[LabelledPage], threshold: float | None = None, sites: bool = False,
                   cut: bool = True) -> dict:
    """Scores of ``model`` on ``pages``: micro line P/R/F1 and mean per-page word P/R/F1 of kept text.

    Unsure lines are left out of both: they are neither counted in line scores nor in either text, and a
    page with no content or boilerplate line (all unsure, or empty), or with no content line where nothing is
    kept, is left out of the word mean (where something is kept it scores 0); with no page in it, the word
    scores are None (n/a), as the line scores are where no line is content in the gold or kept. With
    ``sites`` the pages are scored together in corpus mode, as ``linesift predict`` scores many pages: with
    the cross-page counts of their sites (url host or site field, else inferred, ``sites.corpus_sites``),
    for a model fitted with them. ``cut=False``: no page is cut where its main content ends (``tails.py``).
    """
    lines = [p.lines for p in pages]
    if sites:  # scored alone for a model without sites, or where no site has 2+ pages
        preds, corpus_mode = score_corpus(lines, model, threshold, [p.known_site for p in pages], cut=cut)
    else:
        preds, corpus_mode = predict_pages(lines, model, threshold, cut=cut), False
    tp = n_pred = n_true = 0
    words = []
    for page, pred in zip(pages, preds):
        a, b, c = line_prf(pred.labels, page.labels)
        tp, n_pred, n_true = tp + a, n_pred + b, n_true + c
        if not any(label in ("content", "boilerplate") for label in page.labels):
            continue  # nothing to score: its empty texts would count as a perfect page
        kept = "\n".join(line for line, lab, gold in zip(page.lines, pred.labels, page.labels)
                         if lab == "content" and gold != "unsure")
        gold = gold_text(page)
        if not tokens(gold) and not tokens(kept):  # no words of content, none kept: left out, as train's
            continue  # cross-validation leaves them (``page_thresholds.page_f1``), not counted perfect
        words.append(word_prf(kept, gold))
    # no content line in the gold and none kept: no line score to give (n/a, as the word scores then), not 1.0
    line = [round(x, 4) for x in prf(tp, n_pred, n_true)] if n_pred or n_true else [None] * 3
    w = np.array(words) if words else np.zeros((0, 3))
    return {
        "pages": len(pages),
        "corpus_mode": corpus_mode,  # cross-page counts used: a site of 2+ pages, for a model fitted with them
        "lines": int(sum(lab in ("content", "boilerplate") for pg in pages for lab in pg.labels)),
        "threshold": model.threshold_ if threshold is None else threshold,
        "pages_raised": sum(pred.threshold is not None and pred.threshold > model.threshold_ for pred in preds)
        if threshold is None else 0,  # pages labelled at a raised threshold (score profile, unseen words)
        "pages_cut": sum(pred.content_end is not None for pred in preds),  # where the main content ends
        "pages_headline": sum(bool(pred.headline_lines) for pred in preds),  # a headline kept above it
        "line_precision": line[0],
        "line_recall": line[1],
        "line_f1": line[2],
        "word_precision": round(float(w[:, 0].mean()), 4) if len(w) else None,
        "word_recall": round(float(w[:, 1].mean()), 4) if len(w) else None,
        "word_f1": round(float(w[:, 2].mean()), 4) if len(w) else None,
    }
