"""A model adapted to a user's labelled pages: a base model (the shipped one) corrected by a small boosted model.

A model trained from scratch needs hundreds of labelled pages to come near the shipped model, and forgets what
the shipped model learnt from thousands. A user with a few dozen labelled pages of their own crawl, whose
conventions differ (reader comments dropped, product specifications kept, ...), can instead keep the base model
whole and learn when to overrule it: ``AdaptedClassifier`` scores a line from the base model's score and label
for it (after the base's page thresholds, tail cut and headline) and for its neighbours, with the line's own
features (``features.batch_features``), in one boosted model fitted on the user's pages
(``linesift train --adapt``). Its threshold is tuned for word F1 of the kept text on out-of-fold scores, and its
cross-validated scores are reported beside the base model's on the same pages. Where the correction is no better
than the base model out of fold (pages of the conventions the base was trained on, where a few dozen pages
teach it mostly noise: README), the adapted model labels as the base model does (``fallback``).
"""

from __future__ import annotations

import copy

import numpy as np
from linesift.binning import one_pass_binning
from linesift.classifier import (
    ScoredPages,
    _oof_report,
    labels_from_scores,
    page_word_f1,
    pages_weigh_the_same,
    row_targets,
    score_unwrapped,
    tuned_threshold,
)
from linesift.features import batch_features, context_features
from linesift.lines import overlong_row
from linesift.settings import (
    ADAPT_ESTIMATORS,
    ADAPT_LEAF_NODES,
    ADAPT_LEARNING_RATE,
    ADAPT_MIN_SAMPLES_LEAF,
    CV_FOLDS_DEFAULT,
    RANDOM_STATE_DEFAULT,
)
from linesift.sites import corpus_sites
from linesift.wrapping import unwrap
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold
from sklearn.utils.validation import check_is_fitted

BASE_COLUMNS = ["base_score", "base_kept"]
THRESHOLD_GRID = np.round(np.arange(0.1, 0.91, 0.025), 3)


def base_columns(scores: list[np.ndarray], line_thresholds: list[np.ndarray], layout) -> tuple[np.ndarray, list[str]]:
    """Per row (non-blank line, placed by ``layout``): the base model's score (``scores``, per page and line) and
    whether it keeps the line (the score reaches the line's threshold, ``line_thresholds``: after the base's
    page thresholds, tail cut and headline), and both over the row's neighbours, windows and block
    (``features.context_features``)."""
    rows = [layout.index[layout.rows(p)] for p in range(len(layout.n_lines))]
    score = np.concatenate([scores[p][r] for p, r in enumerate(rows)] or [np.zeros(0)])
    kept = np.concatenate([(scores[p] >= line_thresholds[p])[r] for p, r in enumerate(rows)]
                          or [np.zeros(0, dtype=bool)])
    own = np.column_stack([score, kept]).astype(np.float32)
    ctx, ctx_names = context_features(own, list(BASE_COLUMNS), layout)
    # its last column, the block's lines, is a column of the lines' own features already
    return np.hstack([own, ctx[:, :-1]]).astype(np.float32), BASE_COLUMNS + ctx_names[:-1]


def labelled_as_scored(lines: list[str], labels: list) -> tuple[list[str], list]:
    """A labelled page as models score it: a hard-wrapped page (``wrapping.unwrap``) with its paragraphs
    joined, a joined line labelled as its lines are where they agree and unsure where they differ (blank
    lines carry no label)."""
    u = unwrap(lines)
    if u is None:
        return lines, list(labels)
    joined, origin = u
    found: list[set] = [set() for _ in joined]
    for label, at in zip(labels, origin.tolist()):
        if label:
            found[at].add(label)
    return joined, [None if not f else f.pop() if len(f) == 1 else "unsure" for f in found]


class AdaptedClassifier(ClassifierMixin, BaseEstimator):
    """A fitted ``LineClassifier`` (``base``; None: the shipped model) corrected on labelled pages.

    ``fit`` learns, from the pages' labels, a boosted model over each line's own features and the base
    model's score and label for it and its neighbours; prediction scores a page with the base model, then with
    that model. The result has the interface ``predict_pages`` and the CLI use (``score_pages_and_thresholds``,
    ``first_members``, ``threshold_``); its page threshold is the tuned one on every page (the base's raised
    thresholds, tail cut and headline are among what it reads, not repeated after it). With ``fallback``, a
    correction whose out-of-fold word F1 does not beat the base model's on the same pages is not used
    (``corrects_`` False): the model scores and labels as its base does.
    """

    def __init__(self, base=None, n_estimators: int = ADAPT_ESTIMATORS, max_leaf_nodes: int = ADAPT_LEAF_NODES,
                 min_samples_leaf: int = ADAPT_MIN_SAMPLES_LEAF, learning_rate: float = ADAPT_LEARNING_RATE,
                 cv: int = CV_FOLDS_DEFAULT, threshold: float | None = None, fallback: bool = True,
                 random_state: int = RANDOM_STATE_DEFAULT):
        self.base = base
        self.n_estimators = n_estimators
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.learning_rate = learning_rate
        self.cv = cv
        self.threshold = threshold
        self.fallback = fallback
        self.random_state = random_state

    def _booster(self) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(max_iter=self.n_estimators, max_leaf_nodes=self.max_leaf_nodes,
                                              min_samples_leaf=self.min_samples_leaf, learning_rate=self.learning_rate,
                                              early_stopping=False, random_state=self.random_state)

    def _matrix(self, pages: list[list[str]], scores, line_thresholds):
        """The rows' features (the lines' own, then ``base_columns``), their names and the batch's features."""
        f = batch_features(pages)
        cols, names = base_columns(scores, line_thresholds, f.layout)
        return np.hstack([f.X, cols]), f.names + names, f

    def fit(self, X, y, groups=None, sites=None):
        """Fit on pages ``X`` with per-line labels ``y`` (``content``, ``boilerplate``, anything else unsure);
        ``groups`` (one per page, e.g. site) keep folds apart; ``sites`` (one per page, None if unknown) give
        the base model its cross-page counts as ``predict_corpus`` gives them (a page without a site is put
        with the pages it shares template lines with); without them each page is scored alone. Pages are
        read as they are scored: a hard-wrapped page with its paragraphs joined (``wrapping.unwrap``; a
        joined line is unsure where its lines' labels differ)."""
        with one_pass_binning():  # the same trees, binned faster (binning.py)
            return self._fit(X, y, groups, sites)

    def _fit(self, X, y, groups, sites):
        from linesift.classifier import LineClassifier
        from linesift.predict import default_model

        if len(X) != len(y):
            raise ValueError(f"{len(X)} pages but {len(y)} label lists")
        X = [list(page) for page in X]
        self.base_ = self.base if self.base is not None else copy.deepcopy(default_model())
        if not isinstance(self.base_, LineClassifier):
            raise ValueError("the base model is an adapted model: adapt its base instead")
        names = table = None
        if sites is not None and getattr(self.base_, "use_sites_", False):
            table, names = corpus_sites(zip(X, sites))
        pages, y = zip(*[labelled_as_scored(lines, labels) for lines, labels in zip(X, y)]) if X else ((), ())
        pages = list(pages)
        whole = [overlong_row(lines) is not None for lines in X]
        scores_b, _, _, line_t_b, _, _ = self.base_._score_lines(pages, names, table, None, True, whole)
        M, self.feature_names_, f = self._matrix(pages, scores_b, line_t_b)
        layout = f.layout
        target = row_targets(y, layout)
        known = target >= 0
        if len(np.unique(target[known])) < 2:
            raise ValueError("training data needs both content and boilerplate lines")
        page_groups = np.asarray(groups if groups is not None else np.arange(len(X)))
        row_groups = page_groups[layout.page]
        n_folds = min(self.cv, len(np.unique(row_groups[known])))
        if n_folds < 2:
            raise ValueError("adapting needs at least 2 pages (or sites) with labelled lines, and cv of 2 or more")
        words = np.expm1(f.X[:, f.names.index("log_words")])
        weights = pages_weigh_the_same(words + 1.0, known, layout)
        idx = np.flatnonzero(known)
        oof = np.full(len(M), np.nan)
        for train, test in GroupKFold(n_splits=n_folds).split(idx, groups=row_groups[idx]):
            if len(np.unique(target[idx[train]])) < 2:  # a fold of one label: no score, left out of the report
                continue
            fold = self._booster().fit(M[idx[train]], target[idx[train]], sample_weight=weights[idx[train]])
            oof[idx[test]] = fold.predict_proba(M[idx[test]])[:, 1]
        target_scored = np.where(np.isnan(oof), -1, target)
        if self.threshold is None:
            f1s = [page_word_f1(oof >= t, target_scored, words, layout) for t in THRESHOLD_GRID]
            self.threshold_ = tuned_threshold(THRESHOLD_GRID, f1s, raised=False)
        else:
            self.threshold_ = float(self.threshold)
        self.correction_ = self._booster().fit(M[idx], target[idx], sample_weight=weights[idx])
        self.classes_ = np.array(["boilerplate", "content"])
        base_kept = M[:, len(f.names) + BASE_COLUMNS.index("base_kept")] > 0
        correction = _oof_report(np.nan_to_num(oof, nan=-1.0), target_scored, words, layout, self.threshold_)
        base = _oof_report(base_kept.astype(np.float64), target_scored, words, layout, 0.5)
        base["threshold"] = float(self.base_.threshold_)
        self.corrects_ = not self.fallback or correction["word_f1"] > base["word_f1"]
        # the scores of the model as it labels: the correction's, or the base's where it falls back
        self.oof_scores_ = dict(correction if self.corrects_ else base, corrects=self.corrects_,
                                **{f"base_{k}": v for k, v in base.items()},
                                **{f"correction_{k}": v for k, v in correction.items()})
        if not self.corrects_:  # labelled as the base labels
            self.threshold_ = float(self.base_.threshold_)
        self.use_sites_ = bool(getattr(self.base_, "use_sites_", False))
        # what the CLI reads of a LineClassifier: no page, tail or headline model of its own
        self.page_model_ = self.tail_model_ = self.head_model_ = None
        self.n_pages_ = len(X)
        self.n_lines_ = int(known.sum())
        return self

    def __sklearn_clone__(self):
        """An unfitted copy with the same parameters and the same (fitted) base model, not a clone of it: the
        base is what is adapted, not fitted again."""
        return type(self)(**self.get_params(deep=False))

    @property
    def members_(self):
        """The base model's members (``--members`` scores the base with its first N)."""
        check_is_fitted(self, "correction_")
        return self.base_.members_

    def first_members(self, n: int) -> "AdaptedClassifier":
        """A copy whose base model scores with its first ``n`` members only."""
        out = copy.copy(self)
        out.base_ = self.base_.first_members(n)
        return out

    def predict(self, X, threshold: float | None = None, sites=None, table=None, cut: bool = True) -> list[list[str]]:
        """Labels for every line: ``content``, ``boilerplate`` or ``blank`` (as ``LineClassifier.predict``)."""
        scored = self.score_pages_and_thresholds(X, sites, table, threshold, cut)
        return [labels_from_scores(s, t) for s, t in zip(scored.scores, scored.line_thresholds)]

    def score_pages(self, X, sites=None, table=None) -> list[np.ndarray]:
        """Scores in [0, 1] for every line of every page; NaN for blank lines."""
        return self.score_pages_and_thresholds(X, sites, table)[0]

    def score_pages_and_thresholds(self, X, sites=None, table=None, threshold: float | None = None,
                                   cut: bool = True) -> ScoredPages:
        """As ``LineClassifier.score_pages_and_thresholds``: each line's score, each page's threshold
        (``threshold``, else the tuned one) and what each line must reach. The base model scores the pages
        as it would alone (``cut`` turns its tail cut on or off), with ``sites`` and ``table`` if given."""
        check_is_fitted(self, "correction_")
        if not self.corrects_:
            return self.base_.score_pages_and_thresholds(X, sites, table, threshold, cut)
        return score_unwrapped(X, threshold, lambda pages, whole: self._score_lines(
            pages, sites, table, threshold, cut, whole))

    def _score_lines(self, pages, sites, table, threshold: float | None, cut: bool, whole: list[bool]):
        """As ``LineClassifier._score_lines``, on pages as they are scored: the base model's scores and line
        thresholds (its own threshold, raised or not, its cut and headline), then this model's scores of the
        rows, at one threshold for every line (``threshold``, else the tuned one); no cut or headline of its
        own (those of the base are among what it reads)."""
        scores_b, _, _, line_t_b, _, _ = self.base_._score_lines(pages, sites, table, None, cut, whole)
        M, _, f = self._matrix(pages, scores_b, line_t_b)
        final = self.correction_.predict_proba(M)[:, 1] if len(M) else np.zeros(0)
        t = self.threshold_ if threshold is None else float(threshold)
        layout = f.layout
        scores, line_thresholds = [], []
        for p in range(len(pages)):
            s = np.full(layout.n_lines[p], np.nan)
            s[layout.index[layout.rows(p)]] = final[layout.rows(p)]
            scores.append(s)
            line_thresholds.append(np.full(layout.n_lines[p], t))
        n = len(pages)
        return scores, [t] * n, [None] * n, line_thresholds, [None] * n, [[] for _ in range(n)]


__all__ = ["AdaptedClassifier", "base_columns", "labelled_as_scored"]
