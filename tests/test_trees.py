"""Fitted models held so a model file scores without importing scikit-learn (trees.py): the same scores, bit for
bit, and the switch to the estimators after the numpy budget."""

import json
import pickle
import subprocess
import sys

import numpy as np
import pytest
from linesift import settings, trees
from linesift.modelfile import default_model_path, load_model
from linesift.trees import BoostedTrees, LinearWords, frozen
from scipy import sparse
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import SGDClassifier

from conftest import PAGES_DIR, SHIPPED_MODEL


@pytest.fixture(autouse=True)
def _fresh_budget(monkeypatch):
    """Each test starts with nothing walked in numpy, and leaves the process's count as it was."""
    monkeypatch.setattr(trees, "_walked", [0])


def _data(seed=0, n=400):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    X[rng.random((n, 5)) < 0.2] = np.nan  # missing values take the side each split learned
    y = (np.nan_to_num(X[:, 0]) + np.nan_to_num(X[:, 1]) * 0.5 + rng.normal(scale=0.3, size=n) > 0).astype(int)
    return X, y


def test_boosted_classifier_scores_as_the_estimator_bit_for_bit():
    X, y = _data()
    est = HistGradientBoostingClassifier(max_iter=15, max_leaf_nodes=15, min_samples_leaf=5, random_state=0).fit(X, y)
    held = BoostedTrees(est)
    new = _data(seed=1)[0]
    assert np.array_equal(held.predict_proba(new), est.predict_proba(new))
    assert held._estimator is None  # scored in numpy


def test_boosted_regressor_predicts_as_the_estimator_bit_for_bit():
    X, y = _data()
    target = y + np.nan_to_num(X[:, 2])
    est = HistGradientBoostingRegressor(max_iter=10, max_leaf_nodes=7, min_samples_leaf=5, random_state=0).fit(X, target)
    new = _data(seed=2)[0]
    assert np.array_equal(BoostedTrees(est).predict(new), est.predict(new))


def test_linear_words_scores_as_the_sgd_classifier_bit_for_bit():
    rng = np.random.default_rng(0)
    X = sparse.random(300, 50, density=0.1, format="csr", random_state=0, dtype=np.float32)
    y = rng.integers(0, 2, 300)
    est = SGDClassifier(loss="log_loss", max_iter=5, tol=None, random_state=0).fit(X, y)
    assert np.array_equal(LinearWords(est).predict_proba(X), est.predict_proba(X))


def test_past_the_budget_the_estimator_scores(monkeypatch):
    X, y = _data()
    est = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X, y)
    held = BoostedTrees(est)
    monkeypatch.setattr(settings, "TREES_NUMPY_BUDGET", 10 * len(X))  # one call of 400 rows by 10 trees
    first = held.predict_proba(X)
    assert (held._estimator, trees._walked[0]) == (None, 4000)
    second = held.predict_proba(X)  # 8,000 rows times trees would pass the budget
    assert held._estimator is not None and trees._walked[0] is None
    assert np.array_equal(first, second)


def test_a_pickled_copy_leaves_the_loaded_estimator_behind():
    X, y = _data()
    held = BoostedTrees(HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, y))
    held.estimator()
    assert pickle.loads(pickle.dumps(held))._estimator is None


def test_frozen_leaves_other_objects_as_they_are():
    stand_in = object()
    assert (frozen(None), frozen(stand_in)) == (None, stand_in)


def test_a_multiclass_classifier_is_refused():
    X, _ = _data()
    est = HistGradientBoostingClassifier(max_iter=3, random_state=0).fit(X, np.arange(len(X)) % 3)
    with pytest.raises(ValueError, match="binary"):
        BoostedTrees(est)


def test_a_frozen_model_scores_as_the_fitted_one(tiny_model, tiny_pages):
    pages = [p[0] for p in tiny_pages]
    icy = tiny_model.frozen()
    assert isinstance(icy.members_[0].stage1, BoostedTrees) and isinstance(icy.members_[0].lexical, LinearWords)
    assert isinstance(tiny_model.members_[0].stage1, HistGradientBoostingClassifier)  # the fitted one unchanged
    for a, b in zip(tiny_model.score_pages(pages), icy.score_pages(pages)):
        np.testing.assert_array_equal(a, b)


_SCORE_IN_A_FRESH_PROCESS = """
import json, sys
from pathlib import Path
from linesift.modelfile import default_model_path, load_model
from linesift.lines import split_lines
model = load_model(sys.argv[1])
pages = [split_lines(p.read_text(encoding="utf-8")) for p in sorted(Path(sys.argv[2]).glob("*.txt"))]
scores = [[None if s != s else float(s) for s in page] for page in model.score_pages(pages)]
print(json.dumps({"sklearn": any(m.split(".")[0] == "sklearn" for m in sys.modules), "scores": scores}))
"""


@pytest.mark.parametrize("which", ["trained", pytest.param("shipped", marks=SHIPPED_MODEL)])
def test_a_model_file_scores_without_importing_scikit_learn_as_its_estimators_do(which, model_file, tmp_path):
    """``model_file`` is trained by `linesift train`; the shipped model has page, tail and headline models too."""
    path = model_file if which == "trained" else default_model_path()
    pages_dir = tmp_path / "pages"
    pages_dir.mkdir()
    for i, tsv in enumerate(sorted(PAGES_DIR.glob("*.tsv"))[:6]):
        rows = [row for row in tsv.read_text(encoding="utf-8").splitlines() if not row.startswith("#")]
        (pages_dir / f"{i}.txt").write_text("\n".join(row.partition("\t")[2] for row in rows), encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", _SCORE_IN_A_FRESH_PROCESS, str(path), str(pages_dir)],
                         capture_output=True, text=True, check=True)
    fresh = json.loads(out.stdout)
    assert fresh["sklearn"] is False
    model = load_model(path)
    model.load_estimators()
    from linesift.lines import split_lines

    pages = [split_lines(p.read_text(encoding="utf-8")) for p in sorted(pages_dir.glob("*.txt"))]
    expected = [[None if s != s else float(s) for s in page] for page in model.score_pages(pages)]
    assert fresh["scores"] == expected


def _first_trees(model) -> BoostedTrees:
    return model.members_[0].stage1


def test_a_batch_scored_in_this_process_walks_the_trees_in_numpy(model_file):
    from linesift.batch import score_stream
    from linesift.inputs import Page

    model = load_model(model_file)
    list(score_stream([[Page("a.txt", ["Home", "A story, told at length."])]], model, None, "tsv", jobs=1))
    assert _first_trees(model)._estimator is None and trees._walked[0] > 0


@pytest.mark.parametrize("budget", [10**12, 0])  # workers walk in numpy; workers score with the estimators
def test_workers_score_as_one_process_walking_in_numpy(model_file, monkeypatch, budget):
    from linesift.batch import score_stream
    from linesift.inputs import Page

    batches = [[Page(f"{i}.txt", ["Home", f"Story {i}, told at length, with a second clause."])] for i in range(3)]
    alone = [r.outputs for r in score_stream(batches, load_model(model_file), None, "tsv", jobs=1)]
    assert trees._walked[0] > 0
    monkeypatch.setattr(settings, "TREES_NUMPY_BUDGET", budget)  # read by the forked workers
    model = load_model(model_file)
    pooled = [r.outputs for r in score_stream(batches, model, None, "tsv", jobs=2)]
    assert pooled == alone
    assert _first_trees(model)._estimator is None  # the parent did not load them: each worker has its budget


_THREADS_AFTER_A_NUMPY_SCORE = """
import sys
from threadpoolctl import threadpool_info, threadpool_limits
from linesift import trees
from linesift.modelfile import load_model
model = load_model(sys.argv[1])
page = [["Home", "A story, told at length."]]
model.score_pages(page)  # walked in numpy: scikit-learn and its OpenMP library not loaded yet
assert "sklearn" not in sys.modules
trees.use_estimators()
stage1 = model.members_[0].stage1
real = stage1.estimator()
seen = []
class Spy:
    def predict_proba(self, X):
        seen.append(sorted({p["num_threads"] for p in threadpool_info() if p["user_api"] == "openmp"}))
        return real.predict_proba(X)
stage1._estimator = Spy()
with threadpool_limits(limits=2, user_api="openmp"):
    model.score_pages(page)
print(seen)
"""


def test_the_estimators_score_on_one_thread_though_scikit_learn_was_loaded_after_a_numpy_score(model_file):
    """A thread limit made before scikit-learn loaded its OpenMP library could not limit it (nor, then, make a
    later fork safe)."""
    out = subprocess.run([sys.executable, "-c", _THREADS_AFTER_A_NUMPY_SCORE, str(model_file)],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[[1]]"


def test_a_file_holding_the_estimators_themselves_loads_and_scores_as_before(tiny_model, tiny_pages, tmp_path,
                                                                             monkeypatch):
    """As files written before 0.19.0 are: the same scores, through scikit-learn."""
    from linesift.classifier import LineClassifier
    from linesift.modelfile import save_model

    monkeypatch.setattr(LineClassifier, "frozen", lambda self: self)
    save_model(tiny_model, tmp_path / "old.model")
    loaded = load_model(tmp_path / "old.model")
    assert isinstance(loaded.members_[0].stage1, HistGradientBoostingClassifier)
    pages = [p[0] for p in tiny_pages]
    for a, b in zip(tiny_model.score_pages(pages), loaded.score_pages(pages)):
        np.testing.assert_array_equal(a, b)


def test_the_scikit_learn_version_a_base_class_pickled_is_not_kept(tiny_model):
    """Pickles of 0.18.0 and before carry ``_sklearn_version`` (scikit-learn's base class wrote it)."""
    state = dict(vars(tiny_model), _sklearn_version="1.9.1")
    restored = type(tiny_model).__new__(type(tiny_model))
    restored.__setstate__(state)
    assert not hasattr(restored, "_sklearn_version") and restored.get_params() == tiny_model.get_params()


@pytest.mark.parametrize("loss", ["poisson", "gamma"])
def test_a_regressor_of_another_link_is_refused(loss):
    X, y = _data()
    est = HistGradientBoostingRegressor(loss=loss, max_iter=3, random_state=0).fit(np.nan_to_num(X), y + 1.0)
    with pytest.raises(ValueError, match="identity link"):
        BoostedTrees(est)


def test_trees_over_categorical_features_are_refused():
    X, y = _data()
    X[:, 4] = np.arange(len(X)) % 3
    est = HistGradientBoostingClassifier(max_iter=3, categorical_features=[4], random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="numeric features only"):
        BoostedTrees(est)


def test_scikit_learn_reads_the_classifier_as_one_fitted_or_not(tiny_model):
    from linesift.classifier import LineClassifier
    from sklearn.base import is_classifier
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    assert is_classifier(LineClassifier()) and is_classifier(tiny_model.frozen())
    with pytest.raises(NotFittedError):
        check_is_fitted(LineClassifier())
    check_is_fitted(tiny_model)


_ONE_THREAD = """
from threadpoolctl import threadpool_info
from linesift.cli import _one_thread
_one_thread()
print(sorted({p["num_threads"] for p in threadpool_info() if p["user_api"] == "openmp"}))
"""


def test_train_s_one_thread_reaches_scikit_learn_though_nothing_imported_it_before():
    out = subprocess.run([sys.executable, "-c", _ONE_THREAD], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[1]"


def test_rows_walked_in_blocks_sum_as_walked_whole(monkeypatch):
    X, y = _data(n=1000)
    est = HistGradientBoostingClassifier(max_iter=12, random_state=0).fit(X, y)
    whole = BoostedTrees(est).raw(X)
    monkeypatch.setattr(settings, "TREES_WALK_ROWS", 64)
    assert np.array_equal(BoostedTrees(est).raw(X), whole)
    assert np.array_equal(BoostedTrees(est).predict_proba(X), est.predict_proba(X))


@pytest.mark.parametrize("budget, loaded", [(1000, True), (10**12, False)])  # 3 pages of 3 lines, 180 trees
def test_predict_loads_the_estimators_at_once_where_the_first_pass_counts_a_long_run(
        runner, tmp_path, monkeypatch, budget, loaded):
    """With the shipped model, which has corpus mode's columns (the first pass counts the pages)."""
    from linesift.cli import app

    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"Home\n\nStory {i}, told at length, with a second clause.\n",
                                           encoding="utf-8")
    monkeypatch.setattr(settings, "TREES_NUMPY_BUDGET", budget)
    result = runner.invoke(app, ["predict", str(tmp_path), "-j", "1", "-q"])
    assert result.exit_code == 0
    assert (trees._walked[0] is None) == loaded


def test_a_lexical_step_of_another_loss_is_kept_as_the_estimator():
    rng = np.random.default_rng(0)
    X = sparse.random(100, 20, density=0.2, format="csr", random_state=0)
    est = SGDClassifier(loss="modified_huber", max_iter=5, tol=None, random_state=0).fit(X, rng.integers(0, 2, 100))
    assert frozen(est) is est
    with pytest.raises(ValueError, match="logistic"):
        LinearWords(est)


def test_spawned_workers_of_a_parent_scoring_with_the_estimators_load_them_too(model_file, monkeypatch):
    import multiprocessing

    from linesift import batch
    from linesift.inputs import Page

    calls = []
    monkeypatch.setattr(batch, "_pool", lambda ctx, jobs, initargs: calls.append(initargs[-1]) or _no_pool())
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    batches = [[Page(f"{i}.txt", ["Home", f"Story {i}."])] for i in range(2)]
    for switched in (False, True):
        if switched:
            trees.use_estimators()
        with pytest.raises(_NoPool):
            list(batch.score_stream(batches, load_model(model_file), None, "tsv", jobs=2))
    assert calls == [False, True]


class _NoPool(Exception):
    pass


def _no_pool():
    raise _NoPool


def test_a_worker_told_so_loads_the_estimators_at_its_start(model_file):
    import signal

    from linesift.batch import _init_worker, _worker_state

    model = load_model(model_file)
    sigs = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    handlers = {sig: signal.getsignal(sig) for sig in sigs}  # the worker's set-up changes them
    try:
        _init_worker(model, None, "tsv", None, True, True)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        _worker_state.clear()
    assert _first_trees(model)._estimator is not None and trees._walked[0] is None


def test_loading_a_model_file_spends_none_of_the_budget(model_file, monkeypatch):
    monkeypatch.setattr(trees, "_walked", [0])
    monkeypatch.setattr(settings, "TREES_NUMPY_BUDGET", 0)
    model = load_model(model_file)  # scores a page to check the file (modelfile.SMOKE_PAGE)
    assert trees._walked == [0]
    assert _first_trees(model)._estimator is None
