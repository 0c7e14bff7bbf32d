"""Fitted scikit-learn models held so that a model file scores pages without importing scikit-learn.

Importing scikit-learn takes about 1 s (it pulls in ``scipy.stats``), more than scoring a few pages. A model
file (``modelfile.save_model``) therefore holds each fitted model in the form here (``frozen``):

- ``BoostedTrees``: a ``HistGradientBoostingClassifier`` or ``...Regressor`` as the arrays of its trees' nodes,
  walked in numpy. Its scores equal the estimator's bit for bit: the same comparisons (a missing value takes
  the side the tree learned), the trees' values added in the same order, the same ``expit``. It keeps the
  fitted estimator too, pickled, and scores with it once this process has walked
  ``settings.TREES_NUMPY_BUDGET`` rows times trees in numpy (or after ``use_estimators``), as scikit-learn's
  compiled walk is about 2.5 times faster: a few pages never import scikit-learn, a stream of pages pays for
  the import once.
- ``LinearWords``: an ``SGDClassifier`` of the lexical step as its coefficients (a sparse product and
  ``expit``, as scikit-learn computes it).

``frozen`` leaves anything else as it is; a model saved before 0.19.0 holds the estimators themselves and
scores as before.
"""

from __future__ import annotations

import pickle
import sys
import threading
from contextlib import contextmanager, nullcontext
from functools import cache

import numpy as np
from linesift import settings
from scipy.special import expit

# rows times trees walked in numpy in this process so far (``BoostedTrees``); at ``None``, the estimators score
_walked: list[int | None] = [0]
_walked_lock = threading.Lock()


@cache
def _threadpools(sklearn_loaded: bool):
    """threadpoolctl's controller of this process's thread pools, made once (finding the loaded libraries takes
    2 ms, a limit through it 0.01 ms), and again once scikit-learn is loaded: it loads the OpenMP library that a
    controller made before it would not know of, and could not limit."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def scoring_threads():
    """A context in which OpenMP (the boosted trees' prediction) runs on ``settings.SCORING_THREADS`` threads
    (read at each call; None: as the process has it), the threads of the caller's process as they were after
    it."""
    threads = settings.SCORING_THREADS
    if threads is None:
        return nullcontext()
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"linesift.settings.SCORING_THREADS must be None or a whole number of threads, 1 or more;"
                         f" it is {threads!r}")
    return _threadpools("sklearn" in sys.modules).limit(limits=threads, user_api="openmp")


def use_estimators() -> None:
    """Score with the fitted estimators from now on in this process (importing scikit-learn at the next
    score): for a long stream, where scikit-learn's faster walk pays for its import at once. ``predict`` calls
    it (through ``LineClassifier.load_estimators``) where corpus mode's first pass counts a long run; else
    each process, a worker too, switches at its budget."""
    _walked[0] = None


def scores_with_estimators() -> bool:
    """Whether this process has switched to the fitted estimators (``use_estimators``, or its budget spent)."""
    return _walked[0] is None


_uncounted = [0]  # ``uncounted`` contexts open


@contextmanager
def uncounted():
    """A context in which walks in numpy are not counted against the budget (a model file's check at its load,
    ``modelfile.load_model``: it does not load the estimators, whatever the budget)."""
    with _walked_lock:
        _uncounted[0] += 1
    try:
        yield
    finally:
        with _walked_lock:
            _uncounted[0] -= 1


def _walk_in_numpy(cost: int) -> bool:
    """Whether to walk ``cost`` rows times trees in numpy (counted) rather than with the estimator."""
    with _walked_lock:
        if _walked[0] is None:
            return False
        if _uncounted[0]:
            return True
        if _walked[0] + cost > settings.TREES_NUMPY_BUDGET:
            _walked[0] = None
            return False
        _walked[0] += cost
        return True


class BoostedTrees:
    """A fitted ``HistGradientBoostingClassifier`` or ``HistGradientBoostingRegressor`` (binary or one output,
    numeric features), scored as the estimator scores (``predict_proba``, ``predict``)."""

    def __init__(self, estimator):
        if getattr(estimator, "n_trees_per_iteration_", 1) != 1:
            raise ValueError("BoostedTrees holds a regressor or a binary classifier only")
        self.is_classifier = hasattr(estimator, "predict_proba")
        link = type(estimator._loss.link).__name__
        if link != ("LogitLink" if self.is_classifier else "IdentityLink"):
            raise ValueError(f"BoostedTrees holds a logistic classifier or a regressor of identity link, not {link}")
        if getattr(estimator, "is_categorical_", None) is not None:  # its trees read reordered columns
            raise ValueError("BoostedTrees holds trees of numeric features only")
        self.n_features_in_ = int(estimator.n_features_in_)
        self.baseline = float(np.ravel(estimator._baseline_prediction)[0])
        parts, roots, offset = [], [], 0
        for (predictor,) in estimator._predictors:
            nodes = predictor.nodes
            roots.append(offset)
            parts.append((nodes["feature_idx"], nodes["num_threshold"], nodes["left"].astype(np.int64) + offset,
                          nodes["right"].astype(np.int64) + offset, nodes["is_leaf"], nodes["missing_go_to_left"],
                          nodes["value"]))
            offset += len(nodes)
        columns = [np.concatenate(c) for c in zip(*parts)]
        self.feature = np.asarray(columns[0], dtype=np.int64)
        self.threshold = np.asarray(columns[1], dtype=np.float64)
        self.left = np.asarray(columns[2], dtype=np.int64)
        self.right = np.asarray(columns[3], dtype=np.int64)
        self.is_leaf = np.asarray(columns[4], dtype=bool)
        self.missing_left = np.asarray(columns[5], dtype=bool)
        self.value = np.asarray(columns[6], dtype=np.float64)
        self.roots = np.asarray(roots, dtype=np.int64)
        self.estimator_pickle = pickle.dumps(estimator, protocol=5)
        self._estimator = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_estimator"] = None
        return state

    def estimator(self):
        """The fitted estimator (unpickled at the first call: this imports scikit-learn)."""
        if self._estimator is None:
            self._estimator = pickle.loads(self.estimator_pickle)
        return self._estimator

    def raw(self, X) -> np.ndarray:
        """The trees' summed values of each row of ``X`` plus the baseline (the estimator's raw prediction),
        walked ``settings.TREES_WALK_ROWS`` rows at a time (its walkers' memory: 8 numbers a row and tree)."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has shape {X.shape}; these trees read {self.n_features_in_} columns")
        step = settings.TREES_WALK_ROWS
        if len(X) <= step:
            return self._walk(X)
        return np.concatenate([self._walk(X[i:i + step]) for i in range(0, len(X), step)])

    def _walk(self, X: np.ndarray) -> np.ndarray:
        n, n_trees = len(X), len(self.roots)
        node = np.repeat(self.roots, n)  # one walker per tree and row, tree by tree
        row_start = np.tile(np.arange(n, dtype=np.int64) * X.shape[1], n_trees)
        walking = np.flatnonzero(~self.is_leaf[node])
        flat = X.ravel()
        while len(walking):
            at = node[walking]
            x = flat[row_start[walking] + self.feature[at]]
            left = np.where(np.isnan(x), self.missing_left[at], x <= self.threshold[at])
            at = np.where(left, self.left[at], self.right[at])
            node[walking] = at
            walking = walking[~self.is_leaf[at]]
        values = self.value[node].reshape(n_trees, n)
        out = np.full(n, self.baseline)
        for tree_values in values:  # in the trees' order, as the estimator adds them
            out += tree_values
        return out

    def _numpy(self, X) -> bool:
        return self._estimator is None and _walk_in_numpy(len(X) * len(self.roots))

    def _by_estimator(self, method: str, X) -> np.ndarray:
        """The estimator's ``method`` of ``X``, on ``settings.SCORING_THREADS`` (limited here, after the estimator
        is loaded: a limit set before scikit-learn was would not reach its OpenMP)."""
        estimator = self.estimator()
        with scoring_threads():
            return getattr(estimator, method)(X)

    def predict_proba(self, X) -> np.ndarray:
        if not self.is_classifier:
            raise AttributeError("a regressor has no predict_proba")
        if not self._numpy(X):
            return self._by_estimator("predict_proba", X)
        proba = np.empty((len(X), 2), dtype=np.float64)
        proba[:, 1] = expit(self.raw(X))
        proba[:, 0] = 1 - proba[:, 1]
        return proba

    def predict(self, X) -> np.ndarray:
        """A regressor's predictions (a classifier's are not needed here)."""
        if self.is_classifier:
            raise AttributeError("BoostedTrees predicts a regressor's values only; use predict_proba")
        if not self._numpy(X):
            return self._by_estimator("predict", X)
        return self.raw(X)


class LinearWords:
    """A fitted binary ``SGDClassifier`` with a logistic loss (the lexical step), scored as it scores."""

    def __init__(self, estimator):
        if estimator.coef_.shape[0] != 1 or estimator.loss != "log_loss":
            raise ValueError("LinearWords holds a binary classifier of logistic loss only")
        self.coef_ = np.array(estimator.coef_)  # of the dtype it was fitted in, as it computes in it
        self.intercept_ = np.array(estimator.intercept_)

    def predict_proba(self, X) -> np.ndarray:
        prob = np.asarray(X @ self.coef_.T) + self.intercept_
        prob = expit(prob.ravel())
        return np.stack([1 - prob, prob], axis=1)


def frozen(estimator):
    """``estimator`` in the form that scores without scikit-learn, if it is one of the kinds above; else
    itself (None, a form already frozen, a stand-in of the tests)."""
    kind = type(estimator).__name__
    if kind in ("HistGradientBoostingClassifier", "HistGradientBoostingRegressor"):
        return BoostedTrees(estimator)
    if kind == "SGDClassifier" and estimator.loss == "log_loss" and estimator.coef_.shape[0] == 1:
        return LinearWords(estimator)
    return estimator
