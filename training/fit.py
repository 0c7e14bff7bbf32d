"""Fit a LineClassifier on labelled pages, grouped by site so folds never share a site."""

from __future__ import annotations

from collections import Counter

from linesift.classifier import LineClassifier
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


def fit_pages(pages: list[LabelledPage], **params) -> LineClassifier:
    """Fit a LineClassifier on ``pages`` (params as LineClassifier's), folds grouped by site."""
    model = LineClassifier(**params)
    return model.fit([p.lines for p in pages], [p.labels for p in pages], groups=[p.site for p in pages])
