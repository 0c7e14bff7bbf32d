"""The line classifier: a scikit-learn estimator fitted on whole pages.

Stage 1 scores each non-blank line from its own features and its neighbours' features (gradient-boosted
trees), optionally with a learned lexical score (a linear model over hashed words of the line, stacked
out-of-fold). Stage 2 (``context="stack"``) re-scores each line from its own features plus stage-1 scores
of its neighbours, windows, block and the page's densest region, so a short line inside the article is
kept and a sentence inside a teaser block is dropped. ``context="smooth"`` averages neighbours' stage-1 scores instead, and
``context="none"`` uses stage 1 alone (kept for measuring what the context stage adds). With ``members=N``
the lexical step and both stages are fitted N times with consecutive seeds and a line's score is the mean of
theirs (the shipped model: 3); the threshold and the per-page models work on that mean.
"""

from __future__ import annotations

import copy
import inspect
import numbers
import warnings
from functools import partial
from typing import NamedTuple

import numpy as np
from linesift.binning import one_pass_binning
from linesift.codepoints import stable_keys
from linesift.conventions import call_to_action_rows, held_rows, hold_scores, widget_rows
from linesift.features import (
    batch_features,
    block_means,
    context_features,
    score_context_features,
    window_mean,
)
from linesift.heads import choose_heads, fit_head_model, head_columns, head_profiles
from linesift.lexical import lexical_matrix, word_tokens
from linesift.lines import overlong_row
from linesift.page_thresholds import (
    choose_thresholds,
    f1_curves,
    fit_page_model,
    page_f1,
    page_profiles,
    row_thresholds,
    threshold_grid,
)
from linesift.settings import (
    CV_FOLDS_DEFAULT,
    HASH_FEATURES_DEFAULT,
    HEAD_MODEL_MIN_PAGES,
    KNOWN_SHARE_DEFAULT,
    KNOWN_SHARE_MIN_WORDS,
    LEARNING_RATE_DEFAULT,
    MAX_LEAF_NODES_DEFAULT,
    MEMBERS_DEFAULT,
    MIN_SAMPLES_LEAF_DEFAULT,
    N_ESTIMATORS_DEFAULT,
    PAGE_MODEL_MIN_PAGES,
    RANDOM_STATE_DEFAULT,
    STAGE2_ESTIMATORS_DEFAULT,
    STAGE2_LEAF_NODES_DEFAULT,
    TAIL_MODEL_MIN_PAGES,
    THRESHOLD_TOLERANCE,
    UNSEEN_SHIFT_DEFAULT,
    UNSEEN_THRESHOLD_MAX,
    UNTUNED_THRESHOLD,
    VOCABULARY_BITS,
    WEIGHTING_DEFAULT,
)
from linesift.sites import SITE_FEATURE_NAMES, SiteTable, build_site_table
from linesift.tails import after_cut, choose_cuts, cut_gains, fit_tail_model, tail_profiles
from linesift.wrapping import unwrap
from linesift.trees import BoostedTrees, frozen, scoring_threads, use_estimators
from scipy import sparse

SMOOTH_WIDTH = 3
# the fitted models of a page's threshold, tail cut and headline, beside the members (None where not fitted)
PER_PAGE_MODELS = ("page_model_", "tail_model_", "head_model_")



class ScoredPages(NamedTuple):
    """Pages scored by ``LineClassifier.score_pages_and_thresholds``, one entry per page in each field."""

    scores: list[np.ndarray]  # per line; NaN for blank lines
    thresholds: list[float]  # the page's threshold (``page_threshold``)
    bases: list[float | None]  # where that threshold was raised from the page's scores: the one it was raised from
    line_thresholds: list[np.ndarray]  # what each line must reach to be content
    whole_rows: list[int | None]  # the line kept whatever its score on a page of one long line, else None
    content_ends: list[int | None]  # the line where the page's main content was cut off (``tails.py``), else None
    headline_lines: list[list[int]]  # the lines kept as the page's headline whatever their scores (``heads.py``)


class Member(NamedTuple):
    """One member of the model: its lexical step (None without), stage 1, stage 2 (None unless stacked)."""

    lexical: object | None  # a fitted SGDClassifier, or its ``trees.LinearWords`` in a model file
    stage1: object  # a fitted HistGradientBoostingClassifier, or its ``trees.BoostedTrees``
    stage2: object | None


class _PageBatch:
    """Features of a list of pages, one row per non-blank line; ``layout`` maps rows back to pages.

    With ``use_sites`` three cross-page columns are added (``sites.SITE_FEATURE_NAMES``), NaN for pages
    whose site is unknown or has a single page (gradient-boosted trees route missing values natively).
    With ``lexical_features`` the hashed-word matrix of the lines (``lexical.lexical_matrix``) is built too.
    """

    def __init__(self, pages: list[list[str]], use_sites: bool = False, sites=None, table=None,
                 lexical_features: int | None = None, vocabulary: np.ndarray | None = None,
                 collect_words: bool = False):
        f = batch_features(pages)  # holds the code points of a bounded number of lines at a time
        self.X, self.names, self.layout, self.lines, self.cues = f.X, f.names, f.layout, f.lines, f.cues
        # the rows LABELING.md calls boilerplate whatever their score: cue lines, teaser lists, ad labels and
        # comment headings (``conventions.held_rows``); read by ``held`` and by the headline model
        self.held_mask = np.zeros(len(f.X), dtype=bool)
        self.held_mask[held_rows(f.layout, f.lines, f.cues)] = True
        # and calls to action and widgets (``conventions.call_to_action_rows``, ``widget_rows``), held last, at
        # prediction only
        self.call_mask = np.zeros(len(f.X), dtype=bool)
        self.call_mask[call_to_action_rows(f.layout, f.lines, f.cues)] = True
        self.call_mask[widget_rows(f.cues)] = True
        if isinstance(table, SiteTable):  # read through its frozen form
            table = table.freeze()
        if use_sites:  # missing (NaN) unless the page's site is in the table
            site_cols = np.full((len(f.X), len(SITE_FEATURE_NAMES)), np.nan, dtype=np.float32)
            for p, site in enumerate(sites if sites is not None and table is not None else []):
                if table.knows(site):
                    rows = f.layout.rows(p)
                    site_cols[rows] = table.features_of_keys(site, stable_keys(f.folded[rows]))
            self.X = np.hstack([self.X, site_cols])
            self.names = self.names + SITE_FEATURE_NAMES
        self.lexical = None
        self.known_share = None  # with ``vocabulary``: per page, the share of its words in it (NaN: too few)
        self.word_hashes = None  # with ``collect_words``: the distinct word hashes of the batch
        if not (lexical_features or vocabulary is not None or collect_words):
            return
        n_pages = len(f.layout.n_lines)
        mats, seen = [], []
        known, total = np.zeros(n_pages), np.zeros(n_pages)
        offset = 0
        for cp in f.chunks:
            tokens = word_tokens(cp)  # once, for the lexical matrix and the vocabulary
            if lexical_features:
                mats.append(lexical_matrix(cp, lexical_features, tokens))
            lines, hashes, unspaced = tokens
            hashes, page = hashes[~unspaced], f.layout.page[offset + lines[~unspaced]]
            if collect_words:
                seen.append(np.unique(hashes))
            if vocabulary is not None:
                total += np.bincount(page, minlength=n_pages)
                known += np.bincount(page, weights=in_vocabulary(hashes, vocabulary), minlength=n_pages)
            offset += len(cp.starts)
        if lexical_features:
            self.lexical = sparse.vstack(mats, format="csr")
        if collect_words:
            self.word_hashes = np.unique(np.concatenate(seen)) if seen else np.zeros(0, dtype=np.uint64)
        if vocabulary is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                self.known_share = np.where(total >= KNOWN_SHARE_MIN_WORDS, known / total, np.nan)

    def held(self, scores: np.ndarray) -> np.ndarray:
        """The rows' ``scores`` held to the conventions of LABELING.md that a line's own features cannot
        tell (``conventions.hold_scores`` on the rows of ``held_mask``, as ``conventions.hold_rows`` does)."""
        return hold_scores(scores, np.flatnonzero(self.held_mask))

    def page_slices(self):
        for p in range(len(self.layout.n_lines)):
            yield p, self.layout.rows(p)

    def words(self) -> np.ndarray:
        return np.expm1(self.X[:, self.names.index("log_words")])

    def head_columns(self) -> np.ndarray:
        return head_columns(self.X, self.names)


_VOCABULARY_SHIFT = np.uint64(64 - VOCABULARY_BITS)


def vocabulary_bits(hashes: np.ndarray) -> np.ndarray:
    """A bit set of word hashes (``VOCABULARY_BITS`` bits of each hash, packed into bytes): membership
    costs one lookup per word, at a false-positive rate of words / 2**VOCABULARY_BITS (about 1%)."""
    bits = np.zeros(2**VOCABULARY_BITS // 8, dtype=np.uint8)
    at = (np.asarray(hashes, dtype=np.uint64) >> _VOCABULARY_SHIFT).astype(np.int64)
    np.bitwise_or.at(bits, at >> 3, (1 << (at & 7)).astype(np.uint8))
    return bits


def in_vocabulary(hashes: np.ndarray, vocabulary: np.ndarray) -> np.ndarray:
    """1.0 for each hash in the bit set ``vocabulary`` (``vocabulary_bits``), else 0.0."""
    at = (hashes >> _VOCABULARY_SHIFT).astype(np.int64)
    return ((vocabulary[at >> 3] >> (at & 7)) & 1).astype(np.float64)


def tuned_threshold(grid, f1s, raised: bool) -> float:
    """The threshold of ``grid`` whose word F1 (``f1s``) is best; if a page model may raise it (``raised``),
    the lowest within ``THRESHOLD_TOLERANCE`` of the best, as that model never lowers a page's threshold."""
    f1s = np.asarray(f1s, dtype=np.float64)
    if not raised:
        return float(grid[int(np.argmax(f1s))])
    return float(grid[int(np.flatnonzero(f1s >= f1s.max() - THRESHOLD_TOLERANCE)[0])])


def _hgb(est: "LineClassifier", stage: int, seed: int):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=est.n_estimators if stage == 1 else est.stage2_estimators,
        learning_rate=est.learning_rate,
        max_leaf_nodes=est.max_leaf_nodes if stage == 1 else est.stage2_leaf_nodes,
        min_samples_leaf=est.min_samples_leaf,
        early_stopping=False,
        random_state=seed,
    )


def _sgd(seed: int):
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=15, tol=None, random_state=seed)


def _fillable(X):
    """``X`` with its all-missing columns set to 0 (e.g. the site columns of a fold whose sites all have one
    page), which scikit-learn's binning cannot take; a constant column is never split on, so a missing value
    at prediction takes the same path. Sparse matrices (the lexical words) are returned as they are."""
    if sparse.issparse(X) or not len(X):
        return X
    empty = np.isnan(X).all(axis=0)
    if not empty.any():
        return X
    X = X.copy()
    X[:, empty] = 0.0
    return X


def page_word_f1(keep, y, words, layout) -> float:
    """Mean over pages of the word-level F1 of the kept rows (``keep``) against the content rows, unsure rows
    ignored and pages with neither content nor kept words left out (``page_thresholds.page_f1``)."""
    f1s = page_f1(keep, y, words, layout.page, len(layout.n_lines))
    return float(np.nanmean(f1s)) if (~np.isnan(f1s)).any() else 0.0


class TrainingWarning(UserWarning):
    """Something about the training pages the user should hear of (``linesift train`` prints it)."""


class LineClassifier:
    """Label each line of a page ``content`` or ``boilerplate`` with a score in [0, 1].

    ``X`` is a list of pages, each a list of lines (blank lines included); ``y`` is, per page, a list of
    labels (``content``, ``boilerplate``, ``unsure``; anything for blank lines, which are skipped).

    A scikit-learn estimator by its rules (``__init__`` stores the parameters, ``get_params``/``set_params``,
    so ``sklearn.base.clone`` copies it; fitted state ends in ``_``) without scikit-learn's base classes, so
    that a model file (``modelfile.save_model``, its fitted parts in ``trees.frozen`` form) is loaded and
    scores pages without importing scikit-learn.
    """

    _estimator_type = "classifier"

    def __init__(
        self,
        context: str = "stack",
        lexical: bool = True,
        threshold: float | None = None,
        n_estimators: int = N_ESTIMATORS_DEFAULT,
        learning_rate: float = LEARNING_RATE_DEFAULT,
        max_leaf_nodes: int = MAX_LEAF_NODES_DEFAULT,
        stage2_estimators: int = STAGE2_ESTIMATORS_DEFAULT,
        stage2_leaf_nodes: int = STAGE2_LEAF_NODES_DEFAULT,
        hash_features: int = HASH_FEATURES_DEFAULT,
        cv: int = CV_FOLDS_DEFAULT,
        weighting: str = WEIGHTING_DEFAULT,
        use_sites: bool = False,
        random_state: int = RANDOM_STATE_DEFAULT,
        known_share: float = KNOWN_SHARE_DEFAULT,
        unseen_shift: float = UNSEEN_SHIFT_DEFAULT,
        page_thresholds: bool = True,
        tail_cut: bool = True,
        headline: bool = True,
        islands: bool = True,
        members: int = MEMBERS_DEFAULT,
        min_samples_leaf: int = MIN_SAMPLES_LEAF_DEFAULT,
    ):
        self.context = context
        self.lexical = lexical
        self.threshold = threshold
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.stage2_estimators = stage2_estimators
        self.stage2_leaf_nodes = stage2_leaf_nodes
        self.hash_features = hash_features
        self.cv = cv
        self.weighting = weighting
        self.use_sites = use_sites
        self.random_state = random_state
        self.known_share = known_share
        self.unseen_shift = unseen_shift
        self.page_thresholds = page_thresholds
        self.tail_cut = tail_cut
        self.headline = headline
        self.islands = islands
        self.members = members
        self.min_samples_leaf = min_samples_leaf

    def __setstate__(self, state):
        """Models saved before 0.3.0 lack the two unseen-word parameters (and ``vocabulary_``, so their
        pages keep the tuned threshold), models saved before 0.6.0 the page thresholds (``page_model_``),
        before 0.7.0 the tail cut (``tail_model_``), before 0.8.0 the headline model (``head_model_``), before
        0.9.0 the island columns of stage 2 (``islands``), before 0.10.0 the members (one, with scikit-learn's
        leaves): they get the defaults or off, so ``get_params``,
        ``clone`` and saving work as the model was fitted."""
        state.setdefault("known_share", KNOWN_SHARE_DEFAULT)
        state.setdefault("unseen_shift", UNSEEN_SHIFT_DEFAULT)
        state.setdefault("page_thresholds", False)
        state.setdefault("tail_cut", False)
        state.setdefault("headline", False)
        state.setdefault("islands", False)
        state.setdefault("members", 1)
        state.setdefault("min_samples_leaf", MIN_SAMPLES_LEAF_DEFAULT)
        if "stage1_" in state:
            state.setdefault("members_", [Member(state["lexical_"], state["stage1_"], state["stage2_"])])
        if "threshold_" in state:
            state.setdefault("page_model_", None)
            state.setdefault("tail_model_", None)
            state.setdefault("head_model_", None)
        state.pop("_sklearn_version", None)  # saved by scikit-learn's base class, before 0.19.0
        self.__dict__.update(state)

    @classmethod
    def _param_names(cls) -> list[str]:
        """The parameters of ``__init__``, sorted, as scikit-learn lists them."""
        return sorted(list(inspect.signature(cls.__init__).parameters)[1:])

    def get_params(self, deep: bool = True) -> dict:
        """The parameters given to ``__init__`` (``deep`` as scikit-learn has it; none of them is an estimator)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params) -> "LineClassifier":
        known = self._param_names()
        for name, value in params.items():
            if name not in known:
                raise ValueError(f"invalid parameter {name!r} for LineClassifier; valid ones: {', '.join(known)}")
            setattr(self, name, value)
        return self

    def __sklearn_tags__(self):
        """The tags scikit-learn's base classes gave it (a classifier; scikit-learn reads them, so it is loaded)."""
        from sklearn.utils import ClassifierTags, Tags, TargetTags

        return Tags(estimator_type="classifier", target_tags=TargetTags(required=True),
                    classifier_tags=ClassifierTags())

    def __repr__(self) -> str:
        defaults = LineClassifier().get_params()
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if v != defaults[k]]
        return f"LineClassifier({', '.join(changed)})"

    def _check_fitted(self) -> None:
        if not hasattr(self, "members_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("this LineClassifier is not fitted yet: call fit first, or load a model file")

    def frozen(self) -> "LineClassifier":
        """A copy of this fitted model whose fitted estimators are in the form that scores without importing
        scikit-learn (``trees.frozen``), as model files hold it; its scores are this model's, bit for bit."""
        self._check_fitted()
        out = copy.copy(self)
        out.members_ = [Member(*(frozen(part) for part in member)) for member in self.members_]
        out.lexical_, out.stage1_, out.stage2_ = out.members_[0]
        for name in PER_PAGE_MODELS:
            setattr(out, name, frozen(getattr(self, name, None)))
        return out

    # -- fitting -------------------------------------------------------------------------------------
    def _stage1_matrix(self, batch: _PageBatch, lexical_scores: np.ndarray | None) -> tuple[np.ndarray, list[str]]:
        """The line's own features, then its lexical score and that score's mean over its block."""
        if lexical_scores is None:
            return batch.X, list(batch.names)
        block, _ = block_means(lexical_scores, batch.layout)  # a block of teaser or comment lines scores low
        matrix = np.column_stack([batch.X, lexical_scores, block]).astype(np.float32)
        return matrix, list(batch.names) + ["lexical_score", "lexical_block_mean"]

    def _stage2_matrix(self, batch: _PageBatch, s1: np.ndarray,
                       lexical: np.ndarray | None) -> tuple[np.ndarray, list[str]]:
        """The line's own features, then stage-1 scores in context, then the neighbours' lexical scores."""
        ctx, ctx_names = score_context_features(s1.astype(np.float32), batch.layout,
                                                islands=self.islands)
        mats = [batch.X, ctx]
        names = list(batch.names) + [n if n != "log_block_lines" else "score_log_block_lines" for n in ctx_names]
        if lexical is not None:  # the neighbours' lexical scores: a run of teaser or comment lines
            lex_ctx, lex_names = context_features(lexical[:, None], ["lexical"], batch.layout)
            mats.append(lex_ctx)
            names += [n if n.startswith("lexical") else f"lexical_{n}" for n in lex_names]
        return np.hstack(mats), names

    def fit(self, X, y, groups=None, sites=None, headline_pages=None, progress=None):
        """Fit on pages ``X`` with per-line labels ``y``.

        ``groups`` (one per page, e.g. site) keep folds apart; ``sites`` (one per page, None if unknown)
        build the cross-page table when ``use_sites`` is on (the page itself counts, as at prediction);
        ``headline_pages`` (one bool per page; None: all) are the pages whose labels mark the headline as
        LABELING.md does, the ones the headline model (``heads.py``) learns from; ``progress``, if given, is
        called with a few words as each step of the fit starts (``linesift train`` logs them).
        """
        with one_pass_binning():  # the same trees, binned faster (binning.py)
            return self._fit(X, y, groups, sites, headline_pages, progress or (lambda step: None))

    def _fit(self, X, y, groups, sites, headline_pages, progress):
        if self.context not in ("stack", "smooth", "none"):
            raise ValueError(f"context must be 'stack', 'smooth' or 'none', not {self.context!r}")
        if not 0.0 <= self.known_share <= 1.0:
            raise ValueError(f"known_share must be from 0 to 1, not {self.known_share!r}")
        if not 0.0 <= self.unseen_shift <= 1.0:
            raise ValueError(f"unseen_shift must be from 0 to 1, not {self.unseen_shift!r}")
        if self.members < 1:
            raise ValueError(f"members must be at least 1, not {self.members!r}")
        if not isinstance(self.cv, numbers.Integral) or isinstance(self.cv, bool) or self.cv < 2:
            raise ValueError(f"cv must be a whole number at least 2 (out-of-fold stacking needs 2 folds), not "
                             f"{self.cv!r}")
        if len(X) != len(y):
            raise ValueError(f"{len(X)} pages but {len(y)} label lists")
        marked = np.ones(len(X), dtype=bool) if headline_pages is None else np.array(
            [bool(page) for page in headline_pages], dtype=bool)
        if len(marked) != len(X):
            raise ValueError(f"{len(X)} pages but {len(marked)} headline_pages")
        X = list(X)
        # every page counted, near copies too, as the shipped model was fitted
        table = (build_site_table(X, sites, as_scored=False, near_copy_share=None)
                 if self.use_sites and sites is not None else None)
        # site columns only when some site has 2+ pages to learn from (an all-missing column cannot be binned)
        self.use_sites_ = table is not None and bool(table.counts)
        batch = _PageBatch(X, self.use_sites_, sites, table, self.hash_features if self.lexical else None,
                           collect_words=self.lexical)
        # the words the lexical model learns from, to tell a page of mostly unseen words (``page_threshold``)
        self.vocabulary_ = vocabulary_bits(batch.word_hashes) if self.lexical else None
        target = np.full(len(batch.X), -1, dtype=np.int8)
        for p, sl in batch.page_slices():
            labels = y[p]
            if len(labels) != batch.layout.n_lines[p]:
                raise ValueError(f"page {p}: {batch.layout.n_lines[p]} lines but {len(labels)} labels")
            if unknown := _unknown_labels(labels):
                raise ValueError(f"page {p}: a label other than content, boilerplate, unsure or None: {unknown[0]!r}")
            picked = [labels[i] for i in batch.layout.index[sl]]
            target[sl] = [1 if lab == "content" else 0 if lab == "boilerplate" else -1 for lab in picked]
        known = target >= 0
        if len(np.unique(target[known])) < 2:
            raise ValueError("training data needs both content and boilerplate lines")
        page_groups = np.asarray(groups if groups is not None else np.arange(len(X)))
        row_groups = page_groups[batch.layout.page]
        n_folds = min(self.cv, len(np.unique(row_groups[known])))
        if n_folds < 2:
            raise ValueError("training needs content or boilerplate lines on at least 2 pages (or sites) for "
                             "out-of-fold stacking")
        from sklearn.model_selection import GroupKFold

        folds = list(GroupKFold(n_splits=n_folds).split(batch.X[known], target[known], row_groups[known]))
        known_idx = np.flatnonzero(known)
        yk = target[known]
        wk = self._weights(batch, known)[known]
        unscored = sum(len(np.unique(yk[train])) < 2 for train, _ in folds)
        if unscored:
            warnings.warn(TrainingWarning(
                f"{unscored} of {len(folds)} cross-validation folds train on pages of one label only (all content "
                "or all boilerplate) and cannot be scored; " + (
                    f"no fold was, so the threshold is not tuned (labelling at {self._untuned_threshold()}) and there "
                    "are no cross-validated scores: label pages that hold both" if unscored == len(folds) else
                    "the threshold and the cross-validated scores come from the others")), stacklevel=3)

        def oof(make, features):
            out = np.zeros(len(batch.X), dtype=np.float64)
            for train, test in folds:
                if len(np.unique(yk[train])) < 2:  # the fold's training pages hold one label only: no score
                    out[known_idx[test]] = np.nan  # (missing for the next stage, dropped in the report)
                    continue
                m = make().fit(_fillable(features[known_idx[train]]), yk[train], sample_weight=wk[train])
                out[known_idx[test]] = m.predict_proba(features[known_idx[test]])[:, 1]
            # rows without a label (unsure) get a model fitted on all labelled rows
            full = make().fit(_fillable(features[known_idx]), yk, sample_weight=wk)
            if (~known).any():
                out[~known] = full.predict_proba(features[~known])[:, 1]
            return out, full

        members, finals = [], []
        for seed in range(self.random_state, self.random_state + self.members):
            member = f"member {seed - self.random_state + 1} of {self.members}: " if self.members > 1 else ""
            if self.lexical:
                progress(f"{member}the lexical step ({len(folds)} folds, then all pages)")
            lexical_scores, lexical_model = oof(partial(_sgd, seed), batch.lexical) if self.lexical else (None, None)
            F1, names = self._stage1_matrix(batch, lexical_scores)
            progress(f"{member}stage 1 ({len(folds)} folds, then all pages)")
            s1, stage1 = oof(partial(_hgb, self, 1, seed), F1)
            stage2 = None
            if self.context == "stack":
                F2, stage2_names = self._stage2_matrix(batch, s1, lexical_scores)
                progress(f"{member}stage 2 ({len(folds)} folds, then all pages)")
                final, stage2 = oof(partial(_hgb, self, 2, seed), F2)
                names += [f"stage2:{n}" for n in stage2_names]
            else:
                final = self._contextualise(batch, s1)
            members.append(Member(lexical_model, stage1, stage2))
            finals.append(final)
        self.members_ = members
        self.lexical_, self.stage1_, self.stage2_ = members[0]
        self.feature_names_ = names
        final = np.mean(finals, axis=0)  # of one member: its scores, bit for bit
        self.classes_ = np.array(["boilerplate", "content"])
        final = batch.held(final)  # as at prediction, for the threshold and the report
        words = batch.words()
        # the rows of a fold that could not be scored (NaN) are left out of the threshold and the report, as
        # unsure rows are (counted, they would be content the model dropped)
        scored = np.where(np.isnan(final), -1, target)
        if unscored == len(folds):  # no out-of-fold score: nothing to tune or learn per page, nothing to report
            self.threshold_ = self._untuned_threshold()
            self.page_model_ = self.tail_model_ = self.head_model_ = None
            self.oof_scores_ = dict.fromkeys(("line_precision", "line_recall", "line_f1", "word_f1"))
            self.oof_scores_["threshold"] = self.threshold_
            self.n_pages_, self.n_lines_ = len(X), int(known.sum())
            return self
        if self.threshold is None:  # (a fixed threshold: no tuning, nor page, tail or headline models)
            progress("the threshold, and the page, tail and headline models where there are pages enough for them")
            grid = np.round(np.arange(0.2, 0.81, 0.025), 3)
            f1s = [page_word_f1(final >= t, scored, words, batch.layout) for t in grid]
            self.threshold_ = tuned_threshold(grid, f1s, raised=self.page_thresholds)
        else:
            self.threshold_ = float(self.threshold)
        self.page_model_, kept = self._fit_page_model(batch, final, target, words, page_groups)
        kept_before_cut = final >= self.threshold_ if kept is None else kept
        self.tail_model_, cut = self._fit_tail_model(batch, final, target, words, page_groups, kept_before_cut)
        kept_after_cut = kept_before_cut if cut is None else kept_before_cut & ~cut
        self.head_model_, heads = self._fit_head_model(batch, final, target, page_groups, kept_after_cut, marked)
        kept_final = kept_after_cut if heads is None else kept_after_cut | heads
        per_page = kept is not None or cut is not None or heads is not None  # else the tuned threshold's rows
        self.oof_scores_ = _oof_report(final, scored, words, batch.layout, self.threshold_,
                                       kept_final if per_page else None)
        if cut is not None:
            self.oof_scores_["word_f1_before_tail_cut"] = round(
                page_word_f1(kept_before_cut, scored, words, batch.layout), 4)
        if heads is not None:
            self.oof_scores_["word_f1_without_headline"] = round(
                page_word_f1(kept_after_cut, scored, words, batch.layout), 4)
        self.n_pages_ = len(X)
        self.n_lines_ = int(known.sum())
        return self

    def _untuned_threshold(self) -> float:
        """The threshold where no fold could be scored: the one fixed at training, else ``UNTUNED_THRESHOLD``."""
        return float(self.threshold) if self.threshold is not None else UNTUNED_THRESHOLD

    def _fit_page_model(self, batch: _PageBatch, final, target, words, page_groups):
        """The page threshold model (``page_thresholds.py``) over the out-of-fold ``final`` scores, or None
        (off, a threshold fixed at training, or fewer than ``PAGE_MODEL_MIN_PAGES`` pages with labels);
        and for the report the rows kept at page thresholds from models fitted without the page's fold."""
        layout, n_pages = batch.layout, len(batch.layout.n_lines)
        if not self.page_thresholds or self.threshold is not None:
            return None, None
        grid = threshold_grid(self.threshold_)
        curves = f1_curves(final, target, words, layout.page, n_pages, grid)
        usable = ~np.isnan(curves).any(axis=1)
        if usable.sum() < PAGE_MODEL_MIN_PAGES:
            return None, None
        profiles, _ = page_profiles(final, words, layout.page, n_pages, self.threshold_)
        chosen = np.full(n_pages, self.threshold_)
        for train, test in self._page_folds(page_groups):
            train = train[usable[train]]
            if len(train):
                chosen[test] = choose_thresholds(fit_page_model(profiles[train], curves[train], grid,
                                                                self.random_state), profiles[test], grid)
        model = fit_page_model(profiles[usable], curves[usable], grid, self.random_state)
        return model, final >= row_thresholds(final, layout.page, chosen[layout.page], self.threshold_)

    def _page_folds(self, page_groups):
        """The train and test pages of the folds in which the per-page models (page thresholds, tail cut)
        choose for pages they were not fitted on: grouped by ``page_groups``, as the line model's folds."""
        from sklearn.model_selection import GroupKFold

        groups = np.asarray(page_groups)
        return GroupKFold(n_splits=min(self.cv, len(np.unique(groups)))).split(groups, groups=groups)

    def _fit_tail_model(self, batch: _PageBatch, final, target, words, page_groups, kept):
        """The tail model (``tails.py``) over the rows ``kept`` at the out-of-fold thresholds (the page
        thresholds' report rows, or the tuned threshold's without a page model), or None (off, a threshold
        fixed at training, fewer than ``TAIL_MODEL_MIN_PAGES`` pages with a word F1 to gain (content or kept
        words), or no candidate row to learn from); and for the report the rows cut by models fitted without
        the page's fold (None without a tail model)."""
        if not self.tail_cut or self.threshold is not None:
            return None, None
        layout, n_pages = batch.layout, len(batch.layout.n_lines)
        gains, usable = cut_gains(target, kept, words, layout)
        if len(np.unique(layout.page[usable])) < TAIL_MODEL_MIN_PAGES:
            return None, None
        matrix, _, candidates = tail_profiles(final, kept, words, layout, batch.cues)
        learn = candidates & usable
        if not learn.any():  # no page has a kept line to cut at
            return None, None
        cuts = np.full(n_pages, -1, dtype=np.int64)
        for train, test in self._page_folds(page_groups):
            rows = learn & np.isin(layout.page, train)
            if rows.any():
                chosen = choose_cuts(fit_tail_model(matrix[rows], gains[rows], self.random_state), matrix,
                                     candidates & np.isin(layout.page, test), layout)
                cuts[test] = chosen[test]
        model = fit_tail_model(matrix[learn], gains[learn], self.random_state)
        return model, after_cut(cuts, layout.page)

    def _fit_head_model(self, batch: _PageBatch, final, target, page_groups, kept, marked):
        """The headline model (``heads.py``) over the rows ``kept`` at the out-of-fold thresholds, after the
        tail cut; it learns from the labelled candidates of the ``marked`` pages (``fit``'s ``headline_pages``),
        or is None (off, a threshold fixed at training, fewer than ``HEAD_MODEL_MIN_PAGES`` such pages with a
        candidate, or candidates of one label only); and for the report the rows kept by models fitted
        without the page's fold (None without a headline model)."""
        if not self.headline or self.threshold is not None:
            return None, None
        layout = batch.layout
        matrix, _, candidates = head_profiles(final, kept, batch.head_columns(), layout, batch.cues, batch.lines,
                                              batch.held_mask)
        learn = candidates & (target >= 0) & marked[layout.page]
        if (len(np.unique(layout.page[learn])) < HEAD_MODEL_MIN_PAGES
                or len(np.unique(target[learn])) < 2):
            return None, None
        chosen = np.zeros(len(final), dtype=bool)
        for train, test in self._page_folds(page_groups):
            rows = learn & np.isin(layout.page, train)
            if len(np.unique(target[rows])) == 2:
                testing = candidates & np.isin(layout.page, test)
                chosen |= choose_heads(fit_head_model(matrix[rows], target[rows], self.random_state), matrix,
                                       testing)
        return fit_head_model(matrix[learn], target[learn], self.random_state), chosen

    def _weights(self, batch: _PageBatch, known: np.ndarray) -> np.ndarray:
        """Training weight of each line: ``line`` 1 each; ``page`` every page weighs the same; ``words``
        every page weighs the same and within a page a line weighs by its words (as word F1 counts it)."""
        if self.weighting == "line":
            return np.ones(len(batch.X))
        if self.weighting not in ("page", "words"):
            raise ValueError(f"weighting must be 'line', 'page' or 'words', not {self.weighting!r}")
        raw = batch.words() + 1.0 if self.weighting == "words" else np.ones(len(batch.X))
        raw = np.where(known, raw, 0.0)
        out = np.zeros(len(batch.X))
        mean_lines = max(known.sum() / max(len(batch.layout.n_lines), 1), 1.0)
        for _, sl in batch.page_slices():  # once per page at fit time; kept as is so rebuilds stay bit-identical
            total = raw[sl].sum()
            if total > 0:
                out[sl] = raw[sl] / total * mean_lines
        return out

    def _contextualise(self, batch: _PageBatch, s1: np.ndarray) -> np.ndarray:
        if self.context == "none":
            return s1
        return window_mean(s1, SMOOTH_WIDTH, batch.layout).astype(np.float64)

    def trees_per_row(self) -> int:
        """The trees a row walks in numpy across the members scored (0 for a model holding its estimators)."""
        return sum(len(part.roots) for member in self.members_ for part in member if isinstance(part, BoostedTrees))

    def load_estimators(self) -> None:
        """Score with the fitted estimators from now on, loading this model's now (this imports scikit-learn,
        about 1 s): every model of this process switches to them (``trees.use_estimators``), for a long run
        from its first page, or before a fork pool, whose workers then share them. A model that holds its
        estimators themselves is unchanged."""
        use_estimators()
        parts = [part for member in getattr(self, "members_", []) for part in member]
        parts += [getattr(self, name, None) for name in PER_PAGE_MODELS]
        for part in parts:
            if isinstance(part, BoostedTrees):
                part.estimator()

    # -- prediction -----------------------------------------------------------------------------------
    def first_members(self, n: int) -> "LineClassifier":
        """A copy of this fitted model that scores with its first ``n`` members only (all of them when it has
        no more): the features are computed as before, each member's lexical step and trees are skipped, so
        a page costs less and scores a little lower (``linesift predict --members``). Its ``members`` says how
        many it holds; the threshold, the page, tail and headline models (and a saved copy's cross-validated
        scores) stay those fitted on the mean of all the members' scores. The copy shares the fitted parts
        with this model."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n must be a whole number of at least 1, not {n!r}")
        self._check_fitted()
        trimmed = copy.copy(self)
        trimmed.members_ = list(self.members_[:n])
        trimmed.members = len(trimmed.members_)
        return trimmed

    def score_pages(self, X, sites=None, table=None) -> list[np.ndarray]:
        """Scores in [0, 1] for every line of every page; NaN for blank lines.

        ``sites`` (one per page) and ``table`` (a ``sites.FrozenSiteTable``, or a ``SiteTable``, over the
        corpus) give the cross-page features of models fitted with ``use_sites``; without them those
        features are missing. A hard-wrapped page (``wrapping.unwrap``) is scored with its paragraphs
        joined, each of its lines getting the score of the joined line that holds it.
        """
        return self.score_pages_and_thresholds(X, sites, table)[0]

    def score_pages_and_thresholds(self, X, sites=None, table=None, threshold: float | None = None,
                                   cut: bool = True) -> ScoredPages:
        """``score_pages``, with each page's threshold (``page_threshold``), its base threshold where the
        page's threshold was raised from its score profile (else None), and the threshold each of its
        lines must reach: the page's, or the base for lines before the page's first line reaching the
        page's threshold and lines joined to one by a run of lines reaching the base
        (``page_thresholds.row_thresholds``; on a hard-wrapped page, over its joined paragraphs, so a
        paragraph's lines share their label). Without ``threshold``, a line holding most of a long page
        (``lines.overlong_row``: a converter that drops line breaks) must reach 0: it is kept whole, as
        its score cannot tell the article in it from the menus around it. Without ``threshold``, a page
        the tail model cuts (``tails.py``) has its lines from the cut on dropped (threshold infinite), and
        the cut's line is returned (``ScoredPages.content_ends``); a page with such a long line is not cut,
        nor any page with ``cut`` False. Without ``threshold``, the lines the headline model keeps above a
        page's first kept line (``heads.py``; not on a page of one long line) need only their own score
        (``ScoredPages.headline_lines``)."""
        X = list(X)
        with scoring_threads():
            return self._score_and_threshold(X, sites, table, threshold, cut)

    def _score_and_threshold(self, X: list, sites, table, threshold: float | None, cut: bool) -> ScoredPages:
        unwrapped = [unwrap(lines) for lines in X]
        pages = [lines if u is None else u[0] for lines, u in zip(X, unwrapped)]
        # a page without line breaks: its one line holds the article, if any (and the page is not cut)
        whole_rows = [overlong_row(lines) if threshold is None else None for lines in X]
        scores, thresholds, bases, line_thresholds, ends, heads = self._score_lines(
            pages, sites, table, threshold, cut, [row is not None for row in whole_rows])
        # a cut at a joined line: at the first of the lines it joins; a headline joined: all its lines
        ends = [e if e is None or u is None else int(np.argmax(u[1] == e)) for e, u in zip(ends, unwrapped)]
        heads = [h if u is None else np.flatnonzero(np.isin(u[1], h)).tolist() for h, u in zip(heads, unwrapped)]
        back = lambda values: [v if u is None else v[u[1]] for v, u in zip(values, unwrapped)]
        line_thresholds = back(line_thresholds)
        for at, row, u in zip(line_thresholds, whole_rows, unwrapped):
            if row is not None:  # with the lines joined to it, if any (a paragraph's lines share their label)
                at[row if u is None else u[1] == u[1][row]] = 0.0
        return ScoredPages(back(scores), thresholds, bases, line_thresholds, whole_rows, ends, heads)

    def page_threshold(self, known_share: float, threshold: float | None = None,
                       learned: float | None = None) -> float:
        """``threshold`` if given; else the page's threshold: the one learned from its score profile
        (``learned``, from ``page_model_``) or the tuned one, raised on a page whose words the lexical model
        mostly never saw (a language absent from training), where it would keep too much: by
        ``unseen_shift`` per unit of ``known_share`` (the share of the page's words in the training
        vocabulary, NaN when the page has too few) below the ``known_share`` parameter, up to
        ``UNSEEN_THRESHOLD_MAX`` (or the learned threshold, if higher). Off (``unseen_shift=0``) unless
        asked for, as the recipe of the shipped model does: it was measured for a model trained on many
        pages of many languages; a threshold fixed at training (``threshold``) is never raised."""
        if threshold is not None:
            return float(threshold)
        t = float(self.threshold_) if learned is None or learned != learned else float(learned)
        # NaN share: too few words to tell; a threshold fixed at training is used as fixed
        if known_share != known_share or not self.unseen_shift or self.threshold is not None:
            return t
        raised = t + self.unseen_shift * max(0.0, self.known_share - float(known_share))
        return float(min(max(t, UNSEEN_THRESHOLD_MAX), raised))

    def _score_lines(self, X, sites, table, threshold: float | None, cut: bool, whole: list[bool]):
        """``score_pages_and_thresholds`` of pages as they are scored (not hard-wrapped): each line's score,
        each page's threshold (``page_threshold``) and base where that one was raised, each line's
        threshold (``page_thresholds.row_thresholds``, over the batch's rows at once; infinite from the
        page's tail cut on, if any; a headline's own score), the line of that cut (None: not cut; no page is
        cut without ``cut``) and the lines kept as the headline (``heads.py``). ``whole``: per page, True for a
        page of one long line, which is neither cut nor given a headline."""
        final, batch, shares, learned = self._score_rows(X, sites, table)
        layout = batch.layout
        thresholds = [self.page_threshold(share, threshold, t) for share, t in zip(shares, learned)]
        bases = [self.page_threshold(share, threshold) for share in shares]
        bases = [b if b < t else None for b, t in zip(bases, thresholds)]
        page_t = np.asarray(thresholds, dtype=np.float64)
        page_b = np.asarray([t if b is None else b for t, b in zip(thresholds, bases)], dtype=np.float64)
        row_t = row_thresholds(final, layout.page, page_t[layout.page], page_b[layout.page])  # = t where no base
        n_pages = len(layout.n_lines)
        whole = np.asarray(whole, dtype=bool)
        cuts = np.full(n_pages, -1, dtype=np.int64)
        tail_model = getattr(self, "tail_model_", None)
        if tail_model is not None and threshold is None and cut and len(final) and not whole.all():
            matrix, _, candidates = tail_profiles(final, final >= row_t, batch.words(), layout, batch.cues)
            cuts = choose_cuts(tail_model, matrix, candidates, layout)
            cuts[whole] = -1
            row_t = np.where(after_cut(cuts, layout.page), np.inf, row_t)
        heads = np.zeros(len(final), dtype=bool)
        before_heads = row_t
        head_model = getattr(self, "head_model_", None)
        if head_model is not None and threshold is None and len(final):
            matrix, _, candidates = head_profiles(final, final >= row_t, batch.head_columns(), layout, batch.cues,
                                                  batch.lines, batch.held_mask)
            heads = choose_heads(head_model, matrix, candidates & ~whole[layout.page])
            row_t = np.where(heads, np.minimum(row_t, final), row_t)  # a headline kept: it reaches its threshold
        # calls to action held last, so the page, tail and headline models read the scores they were fitted on
        # (held in fitting too, the recipe's refit scored lower: data/EXPERIMENTS.md, "Twenty-ninth round")
        calls = np.flatnonzero(batch.call_mask)
        final = hold_scores(final, calls)
        heads[calls] = False  # never kept as a headline
        row_t[calls] = before_heads[calls]
        ends = [None if c < 0 else int(layout.index[c]) for c in cuts.tolist()]
        scores, line_thresholds, head_lines = [], [], []
        for p in range(n_pages):
            sl = layout.rows(p)
            rows = layout.index[sl]
            s, at = np.full(layout.n_lines[p], np.nan), np.full(layout.n_lines[p], page_t[p])
            s[rows], at[rows] = final[sl], row_t[sl]
            scores.append(s)
            line_thresholds.append(at)
            head_lines.append(rows[heads[sl]].tolist())
        return scores, thresholds, bases, line_thresholds, ends, head_lines

    def _score_rows(self, X, sites=None, table=None):
        """The scores of the batch's rows (its non-blank lines), the ``_PageBatch`` they were scored from (its
        layout places them; the tail and headline models read its cues, words, text and held rows), each
        page's share of known words (NaN where unknown) and the threshold its score profile gives
        (``page_model_``; NaN without)."""
        lexical = self.hash_features if self.lexical_ is not None else None
        batch = _PageBatch(list(X), getattr(self, "use_sites_", False), sites, table, lexical,
                           vocabulary=getattr(self, "vocabulary_", None))
        if len(batch.X):
            final = np.mean([self._member_scores(member, batch) for member in self.members_], axis=0)
        else:
            final = np.zeros(0)
        final = batch.held(final)
        layout, n_pages = batch.layout, len(batch.layout.n_lines)
        shares = batch.known_share if batch.known_share is not None else np.full(n_pages, np.nan)
        learned = np.full(n_pages, np.nan)
        page_model = getattr(self, "page_model_", None)
        if page_model is not None and len(final):
            profiles, _ = page_profiles(final, batch.words(), layout.page, n_pages, self.threshold_)
            learned = choose_thresholds(page_model, profiles, threshold_grid(self.threshold_))
            learned[np.diff(layout.offsets) == 0] = np.nan  # a page of blank lines: nothing to raise
        return final, batch, shares, learned

    def _member_scores(self, member: Member, batch: _PageBatch) -> np.ndarray:
        """One member's scores of the batch's rows (before the conventions' holds)."""
        lex = member.lexical.predict_proba(batch.lexical)[:, 1] if member.lexical is not None else None
        s1 = member.stage1.predict_proba(self._stage1_matrix(batch, lex)[0])[:, 1]
        if member.stage2 is None:
            return self._contextualise(batch, s1)
        return member.stage2.predict_proba(self._stage2_matrix(batch, s1, lex)[0])[:, 1]

    def predict(self, X, threshold: float | None = None, sites=None, table=None, cut: bool = True) -> list[list[str]]:
        """Labels for every line: ``content``, ``boilerplate`` or ``blank`` (``page_threshold`` per page; ``cut``:
        as in ``score_pages_and_thresholds``)."""
        scored = self.score_pages_and_thresholds(X, sites, table, threshold, cut)
        return [labels_from_scores(s, t) for s, t in zip(scored.scores, scored.line_thresholds)]


_LABELS = np.array(["boilerplate", "content", "blank"], dtype=object)
_FIT_LABELS = {"content", "boilerplate", "unsure", None}  # labels fit reads (None: a blank line)


def _unknown_labels(labels) -> list:
    """The labels of a page that are not ``_FIT_LABELS`` (unhashable ones too), in order."""
    try:
        if set(labels) <= _FIT_LABELS:  # at C speed, for the pages that are right
            return []
    except TypeError:  # an unhashable label
        pass
    return [lab for lab in labels if not (lab is None or isinstance(lab, str)) or lab not in _FIT_LABELS]


def labels_from_scores(scores: np.ndarray, threshold) -> list[str]:
    """``content`` where score >= threshold, ``boilerplate`` below, ``blank`` where the score is NaN;
    ``threshold`` one for all lines or one per line (``ScoredPages.line_thresholds``)."""
    scores = np.asarray(scores, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        codes = np.where(np.isnan(scores), 2, scores >= threshold)
    return _LABELS[codes].tolist()


def _oof_report(scores, y, words, layout, threshold, kept=None) -> dict:
    """Out-of-fold line and word scores as prediction labels the pages: the rows of ``kept`` when the model
    has page thresholds, a tail cut or a headline model (then ``word_f1_tuned_threshold`` is the word F1
    at the one tuned threshold, without them), else those scoring at least ``threshold``."""
    known = y >= 0
    at_tuned = scores >= threshold
    pred = at_tuned if kept is None else kept
    tp = int((pred & (y == 1) & known).sum())
    fp = int((pred & (y == 0) & known).sum())
    fn = int((~pred & (y == 1) & known).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    report = {
        "line_precision": round(p, 4),
        "line_recall": round(r, 4),
        "line_f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "word_f1": round(page_word_f1(pred, y, words, layout), 4),
        "threshold": threshold,
    }
    if kept is not None:
        report["word_f1_tuned_threshold"] = round(page_word_f1(at_tuned, y, words, layout), 4)
    return report


__all__ = ["LineClassifier", "ScoredPages", "labels_from_scores"]
