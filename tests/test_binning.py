"""one_pass_binning: scikit-learn's weighted bin thresholds, found in one pass, bit for bit."""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.ensemble._hist_gradient_boosting import binning

from linesift.binning import one_pass_binning


def column(n=5000, seed=0):
    rng = np.random.default_rng(seed)
    values = np.round(rng.lognormal(size=n), 2)  # ties, more distinct values than bins
    values[rng.random(n) < 0.05] = np.nan
    weights = rng.random(n) * (rng.random(n) > 0.1)  # some zero weights
    return values, weights


def test_weighted_thresholds_are_scikit_learns():
    values, weights = column()
    expected = binning._find_binning_thresholds(values, 255, weights)
    with one_pass_binning():
        found = binning._find_binning_thresholds(values, 255, weights)
    assert len(expected) > 200 and np.array_equal(found, expected)


def test_unweighted_thresholds_are_scikit_learns():
    values, _ = column(seed=1)
    expected = binning._find_binning_thresholds(values, 63)
    with one_pass_binning():
        assert np.array_equal(binning._find_binning_thresholds(values, 63), expected)


def test_a_weighted_fit_grows_the_same_trees():
    values, weights = column(seed=2)
    X = np.column_stack([values, np.roll(values, 1)])
    y = (np.nan_to_num(values) > 1.0) ^ (np.arange(len(values)) % 7 == 0)
    plain = HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, y, sample_weight=weights)
    with one_pass_binning():
        fast = HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, y, sample_weight=weights)
    assert all(np.array_equal(a, b) for a, b in zip(plain._bin_mapper.bin_thresholds_, fast._bin_mapper.bin_thresholds_))
    assert np.array_equal(plain.predict_proba(X), fast.predict_proba(X))


def installed():
    return binning._find_binning_thresholds, binning._weighted_percentile


def test_nested_entries_bin_as_scikit_learn_and_restore_it_at_the_last_exit():
    values, weights = column(seed=3)
    expected = binning._find_binning_thresholds(values, 255, weights)
    before = installed()
    with one_pass_binning():
        with one_pass_binning():
            assert np.array_equal(binning._find_binning_thresholds(values, 255, weights), expected)
        assert np.array_equal(binning._find_binning_thresholds(values, 255, weights), expected)
        assert installed() != before
    assert installed() == before


def test_overlapping_entries_from_two_threads():
    import threading

    values, weights = column(seed=4)
    expected = binning._find_binning_thresholds(values, 255, weights)
    before = installed()
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    found = {}

    def first():  # enters first, leaves while the second is still inside
        with one_pass_binning():
            a_in.set()
            b_in.wait(10)
            found["a"] = binning._find_binning_thresholds(values, 255, weights)
        a_out.set()

    def second():
        a_in.wait(10)
        with one_pass_binning():
            b_in.set()
            a_out.wait(10)
            found["b"] = binning._find_binning_thresholds(values, 255, weights)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert np.array_equal(found["a"], expected) and np.array_equal(found["b"], expected)
    assert installed() == before
