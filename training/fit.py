"""Fit a LineClassifier on labelled pages, grouped by site so folds never share a site."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import NamedTuple

# loaded with the training code, so that a threadpool limit set after importing it reaches scikit-learn's OpenMP
# (linesift's scoring side does not import scikit-learn: model/trees.py)
import sklearn.ensemble  # noqa: F401
from linesift.classifier import LineClassifier
from linesift.sites import TemplateGroups, page_keys
from linesift.training.labelled import LabelledPage


def training_summary(pages: list[LabelledPage]) -> dict:
    """Counts recorded in the model sidecar: pages, sites, lines per label, languages, sources."""
    labels = Counter(lab for p in pages for lab in p.labels if lab)
    return {
        "pages": len(pages),
        "sites": len({p.site for p in pages}),
        "lines": dict(sorted(labels.items())),
        "languages": dict(Counter(p.meta.get("lang") or "unknown" for p in pages).most_common()),
        "corpora": dict(Counter(p.meta.get("corpus") or "local" for p in pages).most_common()),
        "renderers": dict(Counter(p.meta.get("renderer") or "unknown" for p in pages).most_common()),
    }


SITE_BLANKED_PERCENT = 30


def site_key(page: LabelledPage) -> str | None:
    """The cross-page table key of a training page: its site and renderer (a template looks different in
    each renderer); None for pages without a url/site, and for ``SITE_BLANKED_PERCENT`` % of the others so
    the model also learns to do without (as for a page scored alone). Which pages those are is drawn from
    each page's id, or for a page without one from its text (not its path: the same files named another way,
    ``data`` or ``./data`` or ``/abs/data``, must give the same model)."""
    if page.known_site is None:
        return None
    drawn_from = page.meta.get("id") or "\n".join(page.lines)
    digest = int(hashlib.sha1(drawn_from.encode("utf-8", "surrogatepass")).hexdigest()[:4], 16)
    if digest % 100 < SITE_BLANKED_PERCENT:
        return None
    return f"{page.site}|{page.meta.get('renderer', '')}"


def site_keys(pages: list[LabelledPage], infer: bool = False) -> list[str | None]:
    """``site_key`` of each page; with ``infer``, a page without a url/site gets the site ``TemplateGroups``
    infers from the template lines it shares with the other pages of its renderer (as ``predict`` infers
    sites for a directory of scrapes), so pages labelled without urls teach the cross-page features too."""
    groups: dict[str, TemplateGroups] = {}
    keys = []
    for page in pages:
        key = site_key(page)
        if infer and page.known_site is None:
            renderer = page.meta.get("renderer", "")
            site = groups.setdefault(renderer, TemplateGroups()).site_of_keys(page_keys(page.lines)[0])
            key = f"{site}|{renderer}"
        keys.append(key)
    return keys


def fold_groups(pages: list[LabelledPage], keys: list[str | None], one_site_by_page: bool = True) -> list[str]:
    """The cross-validation group of each page: its site (``LabelledPage.site``). A page without a url/site
    that got an inferred site (``keys``, from ``site_keys``) shares a group with the other pages of that site,
    and with the other renders of itself, so the folds do not split the template they share (pages of one
    site with and without urls still fall into two groups). When that leaves one group (every page of one
    site), each page is its own group (``one_site_by_page``; its renders together): folds then share the
    template, so the cross-validated scores are optimistic."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for page, key in zip(pages, keys):
        if page.known_site is None and key is not None:
            parent[find(page.site)] = find("\0" + key)  # an inferred key never equals a page id
    groups = [find(page.site) for page in pages]
    if len(set(groups)) > 1 or not one_site_by_page:
        return groups
    return _page_groups(pages)


def _page_groups(pages: list[LabelledPage]) -> list[str]:
    return [page.meta.get("id") or f"{page.source}#{i}" for i, page in enumerate(pages)]


class FoldPlan(NamedTuple):
    """How ``fit_pages`` fits: the cross-page site key of each page (``site_keys``), its fold group
    (``fold_groups``), and the number of sites among the pages (1: the folds are by page)."""

    keys: list[str | None]
    groups: list[str]
    sites: int


def teaches(page: LabelledPage) -> bool:
    """Whether ``page`` has a line to learn from (content or boilerplate), not only unsure or blank ones."""
    return not {"content", "boilerplate"}.isdisjoint(page.labels)


def fold_plan(pages: list[LabelledPage], infer_sites: bool = False) -> FoldPlan:
    """The ``FoldPlan`` of ``pages``; with ``infer_sites`` pages without a site get one inferred. Sites are
    counted among the pages that teach (a content or boilerplate line): a page of only unsure lines on a site of
    its own would make two sites of one, and folds by site then too few to stack."""
    keys = site_keys(pages, infer_sites)
    groups = fold_groups(pages, keys, one_site_by_page=False)
    sites = len({group for group, page in zip(groups, pages) if teaches(page)})
    return FoldPlan(keys, groups if sites > 1 else _page_groups(pages), sites)


def fit_pages(pages: list[LabelledPage], infer_sites: bool = False, plan: FoldPlan | None = None,
              headline_pages: list[bool] | None = None, progress=None, **params) -> LineClassifier:
    """Fit a LineClassifier on ``pages`` (params as LineClassifier's), folds grouped by site; with
    ``infer_sites`` pages without a site get one inferred (``site_keys``) for the cross-page features, and
    their folds are grouped by it (``fold_groups``). ``plan``: the pages' ``fold_plan``, if made already;
    ``headline_pages``: the pages the headline model learns from (``LineClassifier.fit``; None: all);
    ``progress``: called with each step of the fit (``LineClassifier.fit``)."""
    pages = list(pages)  # read more than once
    plan = plan or fold_plan(pages, infer_sites)
    model = LineClassifier(**params)
    return model.fit([p.lines for p in pages], [p.labels for p in pages], groups=plan.groups, sites=plan.keys,
                     headline_pages=headline_pages, progress=progress)
