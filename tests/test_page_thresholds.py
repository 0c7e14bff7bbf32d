"""linesift.page_thresholds and its use: a threshold per page, raised from the profile of the page's scores."""

from __future__ import annotations

import copy
import pickle
import types

import numpy as np
import pytest

from conftest import SHIPPED_MODEL
import linesift
from linesift.classifier import LineClassifier, labels_from_scores
from linesift.features import page_layout
from linesift.output import record_with_results
from linesift.page_thresholds import (
    PROFILE_NAMES,
    f1_curves,
    page_profiles,
    row_thresholds,
    threshold_grid,
)
from linesift.pipeline import clean_partition
from linesift.predict import PagePrediction
from linesift.wrapping import unwrap


def _kept(scores, page, threshold=0.6, base=0.3):
    scores = np.asarray(scores)
    return (scores >= row_thresholds(scores, np.asarray(page), threshold, base)).tolist()


def test_a_raised_threshold_holds_only_after_the_first_line_reaching_it_and_apart_from_it():
    scores = np.array([0.4, 0.2, 0.9, 0.35, 0.2, 0.5, 0.4])
    # before the first line >= 0.6: the base 0.3; joined to it by lines >= 0.3: 0.3; after a gap: 0.6
    assert row_thresholds(scores, np.zeros(7, dtype=int), 0.6, 0.3).tolist() == [0.3, 0.3, 0.3, 0.3, 0.6, 0.6, 0.6]
    assert _kept(scores, [0] * 7) == [True, False, True, True, False, False, False]


def test_a_run_of_lines_reaching_the_base_stays_with_the_kept_line_it_touches():
    # a list under a kept paragraph (a product's specifications), then a gap, then a run touching nothing
    scores = [0.9, 0.5, 0.4, 0.35, 0.31, 0.1, 0.5, 0.45]
    assert _kept(scores, [0] * 8) == [True, True, True, True, True, False, False, False]
    assert _kept([0.4, 0.9, 0.2, 0.4, 0.5, 0.95], [0] * 6) == [True, True, False, True, True, True]  # touches from before


def test_a_page_where_no_line_reaches_the_raised_threshold_keeps_the_base():
    assert _kept([0.4, 0.35, 0.2], [0, 0, 0]) == [True, True, False]


def test_the_first_line_reaching_the_raised_threshold_is_found_per_page():
    # page 1 starts at row 3: it comes before page 1's first high row, though after page 0's
    assert _kept([0.9, 0.2, 0.35, 0.35, 0.2, 0.9], [0, 0, 0, 1, 1, 1]) == [True, False, False, True, False, True]


def test_runs_never_cross_pages():
    assert _kept([0.9, 0.2, 0.35, 0.9], [0, 0, 0, 1]) == [True, False, False, True]
    # page 1's run after its high row does not reach back into page 0's tail
    assert _kept([0.9, 0.1, 0.4, 0.4, 0.9, 0.1], [0, 0, 0, 1, 1, 1]) == [True, False, False, True, True, False]


def test_scores_equal_to_a_threshold_reach_it():
    assert _kept([0.9, 0.3, 0.3], [0, 0, 0]) == [True, True, True]  # a run at exactly the base
    assert _kept([0.6, 0.2, 0.5], [0, 0, 0]) == [True, False, False]  # exactly the raised threshold is high


def test_threshold_grid_goes_from_the_tuned_threshold_up_to_the_maximum():
    assert threshold_grid(0.325).tolist() == [round(0.325 + 0.025 * i, 4) for i in range(16)]
    assert threshold_grid(0.7).tolist() == [0.7]
    assert threshold_grid(0.8).tolist() == [0.8]  # a tuned threshold above the maximum is the only one


def test_page_profiles_of_two_pages():
    scores = np.array([0.95, 0.05, 0.6, 0.2])
    words = np.array([30.0, 2.0, 6.0, 2.0])
    prof, names = page_profiles(scores, words, np.array([0, 0, 1, 1]), 2, 0.5)
    assert names == list(PROFILE_NAMES)
    col = {name: prof[:, i].tolist() for i, name in enumerate(names)}
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


def test_labels_with_a_threshold_per_line():
    scores = np.array([0.4, np.nan, 0.9, 0.35])
    assert labels_from_scores(scores, np.array([0.3, 0.3, 0.6, 0.6])) == ["content", "blank", "content",
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
    lines = tiny_pages[3][0]
    res = linesift.predict_lines(lines, model=raising_model)
    assert (res.threshold, res.base_threshold) == (0.7, raising_model.threshold_)
    rows = np.flatnonzero(~np.isnan(res.scores))  # blank lines are skipped for neighbours
    at = row_thresholds(res.scores[rows], np.zeros(len(rows), dtype=int), 0.7, raising_model.threshold_)
    expected = np.full(len(lines), "blank", dtype=object)
    expected[rows] = np.where(res.scores[rows] >= at, "content", "boilerplate")
    assert res.labels == expected.tolist()


def test_a_wrapped_paragraph_is_labelled_as_one_line(raising_model):
    import textwrap

    paragraphs = [" ".join(["The harbour board met on Monday and agreed to dredge the eastern channel."] * 4),
                  " ".join(["Fishermen asked for the work to stop during the spawning season in March."] * 4)]
    page = ["Home", "News", ""]
    for paragraph in paragraphs:
        page += textwrap.wrap(paragraph, 64) + [""]
    page += ["© 2026 Harbour News"]
    model = copy.deepcopy(raising_model)
    # joined lines: Home, News, blank, paragraph 1, blank, paragraph 2, blank, footer
    joined = np.array([0.01, 0.01, np.nan, 0.9, np.nan, 0.5, np.nan, 0.01])
    layout = page_layout([unwrap(page)[0]])[1]
    # what _score_lines reads of the batch (no tail or head model; no call to action)
    batch = types.SimpleNamespace(layout=layout, call_mask=np.zeros(5, dtype=bool))
    model._score_rows = lambda pages, sites, table: (joined[~np.isnan(joined)], batch, np.array([np.nan]),
                                                     np.array([0.7]))
    res = linesift.predict_lines(page, model=model)
    second = [label for line, label in zip(page, res.labels) if line and line in paragraphs[1]]
    assert len(second) > 2
    assert second == ["content"] * len(second)  # next to the first paragraph: the base threshold, every line


def test_learned_and_unseen_word_thresholds_combine(raising_model):
    model = copy.deepcopy(raising_model)
    model.unseen_shift, model.known_share, model.threshold_ = 0.3, 0.85, 0.325
    assert model.page_threshold(0.5, None, 0.4) == pytest.approx(0.4 + 0.3 * 0.35)
    assert model.page_threshold(0.5, None, 0.6) == 0.6  # above UNSEEN_THRESHOLD_MAX: not raised further
    assert model.page_threshold(0.5, 0.3, 0.6) == 0.3  # a given threshold is used as given
    assert model.page_threshold(float("nan"), None, 0.45) == 0.45


def test_a_corpus_record_of_a_raised_page_says_its_base_threshold(raising_model, tiny_pages):
    [out] = clean_partition([{"text": "\n".join(tiny_pages[3][0])}], model=raising_model)
    assert out["linesift"]["threshold"] == 0.7
    assert out["linesift"]["base_threshold"] == round(raising_model.threshold_, 4)


def test_a_page_of_blank_lines_is_not_raised(raising_model):
    res = linesift.predict_pages([["", "  "], ["Some text of a page, in one line."]], model=raising_model)
    assert (res[0].threshold, res[0].base_threshold) == (raising_model.threshold_, None)
    assert res[1].threshold == 0.7


def test_a_given_threshold_is_used_on_every_line_even_with_a_page_model(raising_model, tiny_pages):
    res = linesift.predict_lines(tiny_pages[3][0], model=raising_model, threshold=0.5)
    assert (res.threshold, res.base_threshold) == (0.5, None)
    assert res.labels == labels_from_scores(res.scores, 0.5)


def test_a_record_says_the_base_threshold_of_a_raised_page():
    page = PagePrediction(["a", "b"], ["content", "boilerplate"], np.array([0.9, 0.4]), 0.6, 0.325)
    out = record_with_results({"text": "a\nb"}, page)
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


@pytest.mark.parametrize("params", [{"page_thresholds": False, "tail_cut": False}, {"threshold": 0.4}])
def test_no_page_or_tail_model_when_off_or_with_a_fixed_threshold(tiny_pages, commented_page, monkeypatch, params):
    monkeypatch.setattr("linesift.classifier.PAGE_MODEL_MIN_PAGES", 3)
    monkeypatch.setattr("linesift.classifier.TAIL_MODEL_MIN_PAGES", 3)
    monkeypatch.setattr("linesift.tails.TAIL_MIN_SHARE_BEFORE", 0.0)  # as in test_tails: pages to cut
    pages = tiny_pages * 2 + [commented_page] * 2
    model = LineClassifier(n_estimators=10, cv=2, **params).fit([p[0] for p in pages], [p[1] for p in pages],
                                                                groups=[0, 1, 2, 3, 0, 1, 2, 3, 4, 5])
    assert (model.page_model_, model.tail_model_) == (None, None)
    assert not {"word_f1_tuned_threshold", "word_f1_before_tail_cut"} & set(model.oof_scores_)


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


def _daypack_features_and_specifications():
    """The shipped model's labels, scores and thresholds for the 13 lines under the description of a product
    page of ours (data/pages), and the page's prediction."""
    from pathlib import Path

    from linesift.training.labelled import read_labelled_page

    page = read_labelled_page(Path(__file__).resolve().parents[1] / "data" / "pages" / "en-product-daypack.tsv")
    res = linesift.predict_lines(page.lines)
    start, end = page.lines.index("Features"), page.lines.index("Water resistance      PU coated, rain cover included")
    rows = [(line, label, score) for line, label, score
            in zip(page.lines[start:end + 1], res.labels[start:end + 1], res.scores[start:end + 1]) if line]
    return rows, res


@SHIPPED_MODEL
def test_the_shipped_model_keeps_a_product_pages_features_and_specifications():
    rows, _ = _daypack_features_and_specifications()
    assert [(line, label) for line, label, _ in rows] == [(line, "content") for line, _, _ in rows]
