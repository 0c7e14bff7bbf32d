"""linesift.page_thresholds and its use: a threshold per page, raised from the profile of the page's scores."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import linesift
from linesift.classifier import LineClassifier, labels_from_scores
from linesift.output import record_with_results
from linesift.page_thresholds import (
    PROFILE_NAMES,
    f1_curves,
    kept_rows,
    page_profiles,
    threshold_grid,
)


def test_kept_rows_raises_the_threshold_only_after_the_first_line_reaching_it_and_away_from_it():
    scores = np.array([0.4, 0.2, 0.9, 0.35, 0.3, 0.5, 0.4])
    kept = kept_rows(scores, np.zeros(7, dtype=int), np.full(7, 0.6), np.full(7, 0.3))
    # before the first line >= 0.6: the base 0.3; next to it: 0.3; further on: 0.6
    assert kept.tolist() == [True, False, True, True, False, False, False]


def test_kept_rows_keeps_the_base_threshold_on_a_page_where_no_line_reaches_the_raised_one():
    scores = np.array([0.4, 0.35, 0.2])
    assert kept_rows(scores, np.zeros(3, dtype=int), np.full(3, 0.6), np.full(3, 0.3)).tolist() == [True, True, False]


def test_kept_rows_neighbours_and_first_lines_are_per_page():
    scores = np.array([0.9, 0.35, 0.35, 0.9])
    page = np.array([0, 0, 1, 1])
    # row 2 starts page 1: it comes before page 1's first high row, not after page 0's
    assert kept_rows(scores, page, np.full(4, 0.6), np.full(4, 0.3)).tolist() == [True, True, True, True]
    scores = np.array([0.9, 0.2, 0.2, 0.35, 0.9])
    page = np.array([0, 0, 0, 1, 1])
    assert kept_rows(scores, page, np.full(5, 0.6), np.full(5, 0.3)).tolist() == [True, False, False, True, True]


def test_threshold_grid_goes_from_the_tuned_threshold_up_to_the_maximum():
    assert threshold_grid(0.325).tolist() == [round(0.325 + 0.025 * i, 4) for i in range(16)]
    assert threshold_grid(0.7).tolist() == [0.7]
    assert threshold_grid(0.8).tolist() == [0.8]  # a tuned threshold above the maximum is the only one


def test_page_profiles_of_two_pages():
    scores = np.array([0.95, 0.05, 0.6, 0.2])
    words = np.array([30.0, 2.0, 6.0, 2.0])
    prof = page_profiles(scores, words, np.array([0, 0, 1, 1]), 2, 0.5)
    col = {name: prof[:, i].tolist() for i, name in enumerate(PROFILE_NAMES)}
    assert prof.shape == (2, len(PROFILE_NAMES))
    assert col["log_rows"] == pytest.approx([np.log1p(2), np.log1p(2)])
    assert col["word_share_0.5"] == pytest.approx([30 / 32, 6 / 8])
    assert col["line_share_0.9"] == [0.5, 0.0]
    assert col["words_per_line_high"] == [30.0, 6.0]
    assert col["kept_flips"] == [1.0, 1.0]  # each page switches once across 0.5, never across pages
    assert col["kept_word_share_first_third"] == pytest.approx([30 / 32, 6 / 8])
    assert col["long_line_word_share"] == pytest.approx([30 / 32, 0.0])
    assert col["short_line_mean_score"] == pytest.approx([0.05, 0.2])


def test_f1_curves_count_words_of_known_lines_only():
    scores = np.array([0.9, 0.4, 0.45, 0.1])
    y = np.array([1, 1, 0, -1])
    words = np.array([10.0, 5.0, 5.0, 50.0])
    curves = f1_curves(scores, y, words, np.zeros(4, dtype=int), 1, np.array([0.3, 0.5]))
    # at 0.3: kept 20 words, 15 of them content, content 15 -> 30 / 35; at 0.5: 2 * 10 / 25
    assert curves.tolist() == [[pytest.approx(30 / 35), pytest.approx(20 / 25)]]


def test_f1_curves_are_nan_for_a_page_without_content_or_kept_words():
    curves = f1_curves(np.array([0.1]), np.array([0]), np.array([3.0]), np.zeros(1, dtype=int), 1, np.array([0.5]))
    assert np.isnan(curves).all()


def test_labels_with_a_base_threshold_skip_blank_lines_for_neighbours():
    scores = np.array([0.4, np.nan, 0.9, np.nan, 0.35, 0.35])
    assert labels_from_scores(scores, 0.6, 0.3) == ["content", "blank", "content", "blank", "content", "boilerplate"]
    assert labels_from_scores(scores, 0.6) == ["boilerplate", "blank", "content", "blank", "boilerplate",
                                               "boilerplate"]


class _PrefersHighest:
    """A page model whose predicted gain is the candidate threshold itself: every page gets the highest."""

    def predict(self, X):
        return X[:, -1]


@pytest.fixture(scope="module")
def raising_model(tiny_model):
    model = copy.deepcopy(tiny_model)
    model.page_model_ = _PrefersHighest()
    return model


def test_a_page_model_raises_the_threshold_and_keeps_the_tuned_one_as_base(raising_model, tiny_pages):
    res = linesift.predict_lines(tiny_pages[3][0], model=raising_model)
    assert res.threshold == 0.7
    assert res.base_threshold == raising_model.threshold_
    assert res.labels == labels_from_scores(res.scores, 0.7, raising_model.threshold_)


def test_a_given_threshold_is_used_on_every_line_even_with_a_page_model(raising_model, tiny_pages):
    res = linesift.predict_lines(tiny_pages[3][0], model=raising_model, threshold=0.5)
    assert (res.threshold, res.base_threshold) == (0.5, None)
    assert res.labels == labels_from_scores(res.scores, 0.5)


def test_a_record_says_the_base_threshold_of_a_raised_page():
    out = record_with_results({"text": "a\nb"}, ["a", "b"], ["content", "boilerplate"], np.array([0.9, 0.4]),
                              0.6, 0.325)
    assert out["linesift"] == {"lines": 2, "kept": 1, "dropped": 1, "threshold": 0.6, "base_threshold": 0.325}


def test_fit_learns_a_page_model_from_enough_pages(tiny_pages, monkeypatch):
    monkeypatch.setattr("linesift.classifier.PAGE_MODEL_MIN_PAGES", 3)
    pages = tiny_pages * 2
    model = LineClassifier(n_estimators=10, cv=2).fit([p[0] for p in pages], [p[1] for p in pages],
                                                       groups=[0, 1, 2, 3, 0, 1, 2, 3])
    assert model.page_model_ is not None
    assert set(model.oof_scores_) >= {"word_f1", "word_f1_tuned_threshold"}
    res = linesift.predict_lines(tiny_pages[0][0], model=model)
    assert model.threshold_ <= res.threshold <= 0.7


@pytest.mark.parametrize("params", [{"page_thresholds": False}, {"threshold": 0.4}])
def test_no_page_model_when_off_or_with_a_fixed_threshold(tiny_pages, monkeypatch, params):
    monkeypatch.setattr("linesift.classifier.PAGE_MODEL_MIN_PAGES", 3)
    model = LineClassifier(n_estimators=10, cv=2, **params).fit([p[0] for p in tiny_pages], [p[1] for p in tiny_pages])
    assert model.page_model_ is None
    assert "word_f1_tuned_threshold" not in model.oof_scores_


def test_no_page_model_from_fewer_pages_than_the_minimum(tiny_model):
    assert tiny_model.page_model_ is None  # 3 pages


def test_a_model_saved_before_page_thresholds_loads_without_them(tiny_model, tiny_pages):
    old = copy.deepcopy(tiny_model)
    for name in ("page_thresholds", "page_model_"):
        del old.__dict__[name]
    restored = pickle.loads(pickle.dumps(old))
    assert restored.get_params()["page_thresholds"] is False
    assert restored.page_model_ is None
    res = linesift.predict_lines(tiny_pages[3][0], model=restored)
    assert (res.threshold, res.base_threshold) == (tiny_model.threshold_, None)
