"""Prediction API: label the lines of pages with a model (the shipped default unless given one)."""

from __future__ import annotations

import numbers
import os
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from linesift.classifier import labels_from_scores
from linesift.lines import split_lines
from linesift.modelfile import load_model, names_shipped_model
from linesift.output import content_text, record_with_results
from linesift.render import html_to_text
from linesift.settings import BATCH_PAGES_DEFAULT


@dataclass
class PagePrediction:
    """Every line of a page with its label (``content``, ``boilerplate``, ``blank``) and score (NaN if blank)."""

    lines: list[str]
    labels: list[str]
    scores: np.ndarray
    threshold: float | None = None  # what the page's lines were labelled with (``LineClassifier.page_threshold``)
    base_threshold: float | None = None  # where the threshold was raised: what lines before the page's first
    # line reaching it, and runs of lines joined to one, need (``LineClassifier.score_pages_and_thresholds``)
    whole_line: int | None = None  # 0-based: the line kept whatever its score, on a page of one long line
    content_end: int | None = None  # 0-based: where the main content was judged to end; this line and every
    # line after it are boilerplate whatever their scores (``tails.py``)
    headline_lines: list[int] = field(default_factory=list)  # 0-based: lines above the page's first kept line
    # kept as its headline whatever their scores (``heads.py``)

    @property
    def content(self) -> str:
        """The kept text: content lines, block breaks kept."""
        return content_text(self.lines, self.labels)

    def record(self, record: dict, with_lines: bool = False) -> dict:
        """The corpus ``record`` this page came from, with its results added (``output.record_with_results``;
        ``with_lines``: its lines too)."""
        return record_with_results(record, self, with_lines)


@lru_cache(maxsize=1)
def default_model():
    """The model shipped in the package (loaded once per process)."""
    return load_model(None)


def predict_pages(pages: list[list[str]], model=None, threshold: float | None = None, sites=None,
                  table=None, cut: bool = True) -> list[PagePrediction]:
    """Label every line of each page (each page a list of lines); one model call for the whole batch.

    ``sites`` (one per page, e.g. ``sites.site_of_url(url)``) and ``table`` (a ``sites.FrozenSiteTable``
    built over the corpus, ``sites.corpus_sites``) add cross-page repetition; without them each page is
    scored on its own. Without ``threshold`` each page gets the model's (``LineClassifier.page_threshold``),
    with it that one. ``cut=False`` keeps what follows a page's main content where the model would drop it
    (``tails.py``).
    """
    if isinstance(pages, str):
        raise TypeError("pages must be a list of pages (each a list of lines), not a str")
    pages = [_checked_lines(page, at) for at, page in enumerate(pages if isinstance(pages, list) else list(pages))]
    if sites is not None:
        sites = _checked_sites(sites, len(pages))
    check_threshold(threshold)
    model = _model(model)
    scored = model.score_pages_and_thresholds(pages, sites, table, threshold, cut)
    return [PagePrediction(list(lines), labels_from_scores(s, at), s, t, b, w, e, h)
            for lines, s, at, t, b, w, e, h
            in zip(pages, scored.scores, scored.line_thresholds, scored.thresholds, scored.bases,
                   scored.whole_rows, scored.content_ends, scored.headline_lines)]


def predict_corpus(pages: list[list[str]], model=None, threshold: float | None = None, sites=None,
                   batch: int = BATCH_PAGES_DEFAULT, cut: bool = True) -> list[PagePrediction]:
    """Label the lines of many pages scored together in corpus mode, as ``linesift predict`` scores a corpus:
    lines repeated across the pages of a site count as template. ``sites`` (one per page: e.g. the url's
    host, ``sites.site_of_url``; None where unknown, or no list) name the sites; a page without one is put
    with the pages it shares template lines with (``sites.corpus_sites``). Scored ``batch`` pages at a time.
    A model fitted without the cross-page features scores each page alone."""
    return score_corpus(pages, model, threshold, sites, batch, cut)[0]


def score_corpus(pages: list[list[str]], model=None, threshold: float | None = None, sites=None,
                 batch: int = BATCH_PAGES_DEFAULT, cut: bool = True) -> tuple[list[PagePrediction], bool]:
    """``predict_corpus``'s predictions, and whether any page was scored with cross-page counts (a site of 2+
    pages, for a model fitted with them)."""
    from linesift.sites import corpus_sites

    pages = pages if isinstance(pages, list) else list(pages)
    if sites is not None:
        sites = _checked_sites(sites, len(pages))
    model = _model(model)
    names = table = None
    if getattr(model, "use_sites_", False):
        table, names = corpus_sites(zip(pages, sites if sites is not None else [None] * len(pages)))
    out: list[PagePrediction] = []
    for start in range(0, len(pages), batch):
        end = start + batch
        out += predict_pages(pages[start:end], model, threshold, names[start:end] if names else None, table, cut)
    return out, table is not None and bool(table.counts)


def _checked_sites(sites, pages: int) -> list[str | None]:
    """``sites`` as a list of one str (numpy's too, made a str) or None per page, or ValueError / TypeError
    saying what is wrong."""
    if isinstance(sites, (str, bytes)):
        raise TypeError(f"sites must be a list of sites (one str or None per page), not a {type(sites).__name__}")
    sites = list(sites)
    if len(sites) != pages:
        raise ValueError(f"sites must name one site (or None) per page: {len(sites)} sites for {pages} pages")
    for at, site in enumerate(sites):
        if site is None or type(site) is str:
            continue
        if not isinstance(site, str):
            raise TypeError(f"sites[{at}]: a site is a str or None, not {type(site).__name__} ({site!r})")
        sites[at] = str.__str__(site)  # a str subclass (numpy.str_): sites are interned, and it cannot be
    return sites


def _checked_lines(page, at: int) -> list[str]:
    """Page ``at`` of a call as a list of lines, or TypeError / ValueError saying what it is instead: a str, bytes
    or dict, a line that is not a str, a line holding a line break (its labels would not line up with the kept
    text's lines). The lines are checked at C speed (one join)."""
    if isinstance(page, (str, bytes, dict)):
        raise TypeError(f"page {at} must be a list of lines, not a {type(page).__name__} (predict_text splits a whole "
                        "scrape)")
    page = page if isinstance(page, list) else list(page)
    try:
        joined = "\n".join(page)
    except TypeError:
        line = next(i for i, line in enumerate(page) if not isinstance(line, str))
        raise TypeError(f"page {at}, line {line}: a line must be a str, not {type(page[line]).__name__}") from None
    if joined.count("\n") != max(len(page) - 1, 0):
        line = next(i for i, line in enumerate(page) if "\n" in line)
        raise ValueError(f"page {at}, line {line}: a line holds a line break (linesift.split_lines splits a page "
                         "into its lines)")
    return page


def _model(model):
    """The model to score with: the shipped one for None or "default" (loaded once), a model file's for a path
    (loaded at each call: load it once with ``load_model`` to score many pages), else ``model`` itself, which
    must be a linesift model."""
    if model is None or (isinstance(model, (str, os.PathLike)) and names_shipped_model(model)):
        return default_model()
    if isinstance(model, (str, os.PathLike)):
        return load_model(model)
    if not hasattr(model, "score_pages_and_thresholds"):
        raise TypeError(f"model must be a linesift model (linesift.load_model), a model file's path or None, not "
                        f"{type(model).__name__}")
    return model


def check_threshold(threshold: float | None) -> None:
    """A threshold is None (the model's own) or a number from 0 to 1."""
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, numbers.Real)):
        raise TypeError(f"threshold must be a number from 0 to 1 or None, not {type(threshold).__name__}")
    if threshold is not None and not 0.0 <= threshold <= 1.0:  # NaN fails too
        raise ValueError(f"threshold must be from 0 to 1, not {threshold!r}")


def predict_lines(lines: list[str], model=None, threshold: float | None = None, cut: bool = True) -> PagePrediction:
    """Label every line of one page (a list, or any iterable of lines; ``cut``: as in ``predict_pages``)."""
    if isinstance(lines, (str, bytes, dict)):
        raise TypeError(f"lines must be a list of lines, not a {type(lines).__name__} (predict_text splits a whole "
                        "scrape)")
    return predict_pages([list(lines)], model, threshold, cut=cut)[0]


def predict_text(text: str, model=None, threshold: float | None = None, cut: bool = True) -> PagePrediction:
    """Split a scrape into lines (``\\n``, ``\\r\\n``, ``\\r``) and label each."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    return predict_lines(split_lines(text), model, threshold, cut)


def predict_html(html: str, model=None, threshold: float | None = None, cut: bool = True) -> PagePrediction:
    """Render an HTML document to text lines (inscriptis, as ``linesift predict page.html`` does) and label each."""
    if not isinstance(html, str):
        raise TypeError(f"html must be a str, not {type(html).__name__}")
    return predict_text(html_to_text(html), model, threshold, cut)
