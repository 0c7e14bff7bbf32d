"""linesift.heads and its use: the headline kept, chosen among the lines above a page's first kept line."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import linesift
from linesift.classifier import LineClassifier
from linesift.features import batch_features
from linesift.heads import HEAD_NAMES, choose_heads, head_columns, head_profiles, line_words


def _profiles(pages, scores, kept, held=None):
    f = batch_features(pages)
    return head_profiles(np.asarray(scores, dtype=float), np.asarray(kept, dtype=bool), head_columns(f.X, f.names),
                         f.layout, f.cues, f.lines, held)


class Probability:
    """A stand-in headline model: the same probability of content for every candidate."""

    def __init__(self, p):
        self.p = p

    def predict_proba(self, matrix):
        return np.column_stack([np.full(len(matrix), 1 - self.p), np.full(len(matrix), self.p)])


HEADLINED_PAGE = ["Home | News | Sport", "", "Harbour board votes to dredge the eastern channel", "",
                  "The harbour board met on Monday and agreed to dredge the eastern channel before the summer.",
                  "Fishermen asked for the work to stop during the spawning season, which runs through March."]


def test_candidates_are_the_rows_just_above_the_first_kept_row(monkeypatch):
    monkeypatch.setattr("linesift.heads.HEAD_MAX_ROWS_ABOVE", 2)
    page = ["Menu", "Search", "Log in", "Title of the piece", "a " * 20, "b " * 20]
    matrix, names, candidates = _profiles([page], [0.1, 0.2, 0.3, 0.4, 0.9, 0.9], [0, 0, 0, 0, 1, 1])
    assert names == list(HEAD_NAMES) and matrix.shape == (6, len(HEAD_NAMES))
    assert candidates.tolist() == [False, False, True, True, False, False]
    col = lambda name: matrix[:, names.index(name)].tolist()
    assert [col("rows_to_first")[r] for r in (2, 3)] == [2, 1]
    assert [col("score_rank")[r] for r in (2, 3)] == [1, 0]  # the best-scored candidate ranks 0
    assert [col("best_candidate_score")[r] for r in (2, 3)] == [0.4, 0.4]
    assert [col("max_score_between")[r] for r in (2, 3)] == [0.4, -1]  # -1: no row between
    assert [col("previous_score")[r] for r in (2, 3)] == [0.2, 0.3]
    assert [col("next_score")[r] for r in (2, 3)] == [0.4, 0.9]
    assert [col("next_log_words")[r] for r in (2, 3)] == pytest.approx(np.log1p([4, 20]).tolist())
    assert col("log_kept_words")[2] == pytest.approx(np.log1p(40))  # the page's kept words only


def test_a_candidates_words_are_looked_for_in_the_first_kept_lines_of_its_page(monkeypatch):
    monkeypatch.setattr("linesift.heads.HEAD_OVERLAP_ROWS", 2)
    first = ["Menu Home", "Harbour board votes to dredge", "The harbour board voted on Monday.",
             "Work starts in May.", "The dredge vote was close."]
    second = ["Board games", "Chess is a game."]
    matrix, names, candidates = _profiles([first, second], [0.1, 0.2, 0.9, 0.9, 0.9, 0.2, 0.9],
                                          [0, 0, 1, 1, 1, 0, 1])
    assert candidates.tolist() == [True, True, False, False, False, True, False]
    col = lambda name: matrix[:, names.index(name)].tolist()
    # "harbour", "board" in the first two kept lines; "dredge" only in the third; "board" not on page 2
    assert [col("words_in_article_share")[r] for r in (0, 1, 5)] == [0.0, 0.4, 0.0]
    assert col("log_words_in_article")[1] == pytest.approx(np.log1p(2))
    assert col("words_in_article_share")[2:5] == [0.0, 0.0, 0.0]  # not candidates


def test_words_keep_their_marks_and_unspaced_scripts_read_as_character_pairs():
    assert line_words("Harbour board, votes!") == ["harbour", "board", "votes"]
    assert line_words("खेल समाचार") == ["खेल", "समाचार"]  # vowel signs inside the words
    assert line_words("北京停售") == ["北京", "京停", "停售"]
    assert line_words("한국어 뉴스") == ["한국어", "뉴스"]  # Korean is written with spaces


def test_a_row_without_a_score_counts_as_scoring_0():
    matrix, names, _ = _profiles([["Menu", "Title", "a " * 20]], [0.1, np.nan, 0.9], [0, 0, 1])
    assert matrix[:2, names.index("score")].tolist() == [0.1, 0.0]
    assert matrix[0, names.index("max_score_between")] == 0.0


def test_rows_held_to_the_conventions_are_never_candidates():
    page = ["Also read", "Another story entirely", "Title of the piece", "a " * 20]
    _, _, candidates = _profiles([page], [0.1, 0.1, 0.3, 0.9], [0, 0, 0, 1], held=[True, True, False, False])
    assert candidates.tolist() == [False, False, True, False]


def test_lines_to_first_counts_blank_lines_and_rows_to_first_does_not():
    matrix, names, candidates = _profiles([HEADLINED_PAGE], [0.1, 0.3, 0.9, 0.9], [0, 0, 1, 1])
    assert candidates.tolist() == [True, True, False, False]
    assert matrix[:2, names.index("rows_to_first")].tolist() == [2, 1]
    assert matrix[:2, names.index("lines_to_first")].tolist() == [4, 2]


def test_no_candidate_on_a_page_without_a_kept_row():
    _, _, candidates = _profiles([["Menu", "Title", "Footer"]], [0.1, 0.2, 0.1], [0, 0, 0])
    assert candidates.tolist() == [False, False, False]


def test_a_page_in_a_batch_has_the_features_it_has_alone():
    first = ["Menu", "Title one", "a " * 12, "b " * 12]  # its best candidate scores above the second page's
    second = ["Log in", "Search", "Title two is longer", "c " * 20, "d " * 6]
    scores = np.array([0.1, 0.45, 0.9, np.nan, 0.05, 0.3, 0.25, 0.8, 0.6])
    kept = np.nan_to_num(scores) >= 0.5
    both, _, cand_both = _profiles([first, second], scores, kept)
    alone, _, cand_alone = _profiles([second], scores[4:], kept[4:])
    np.testing.assert_array_equal(both[4:], alone)
    assert cand_both[4:].tolist() == cand_alone.tolist() == [True, True, True, False, False]


def test_the_model_keeps_the_candidates_it_gives_half_a_chance_or_more():
    candidates = np.array([True, False, True])
    assert choose_heads(Probability(0.5), np.zeros((3, 2)), candidates).tolist() == [True, False, True]
    assert choose_heads(Probability(0.49), np.zeros((3, 2)), candidates).tolist() == [False, False, False]


@pytest.fixture
def headline_model(tiny_model):
    """The tiny model with a threshold no line reaches but the articles' (0.5), and a stand-in headline model
    keeping every candidate."""
    model = copy.deepcopy(tiny_model)
    model.tail_model_ = None
    model.head_model_ = Probability(0.9)
    return model


def test_the_chosen_headline_is_content_and_reaches_its_line_threshold(headline_model):
    plain = copy.deepcopy(headline_model)
    plain.head_model_ = None
    before = linesift.predict_lines(HEADLINED_PAGE, model=plain)
    first = before.labels.index("content")
    res = linesift.predict_lines(HEADLINED_PAGE, model=headline_model)
    # every non-blank line above the first kept one (up to HEAD_MAX_ROWS_ABOVE rows) is kept
    assert res.labels[:first] == ["content" if line else "blank" for line in HEADLINED_PAGE[:first]]
    assert res.labels[first:] == before.labels[first:]
    scored = headline_model.score_pages_and_thresholds([HEADLINED_PAGE])
    heads = [i for i in range(first) if HEADLINED_PAGE[i]]
    assert res.headline_lines == scored.headline_lines[0] == heads
    # a headline's line threshold is its own score
    assert [scored.line_thresholds[0][i] for i in heads] == [scored.scores[0][i] for i in heads]
    assert res.record({})["linesift"]["headline_lines"] == [i + 1 for i in heads]  # 1-based in corpus records


def test_an_ad_label_above_the_first_kept_line_stays_boilerplate(headline_model):
    page = HEADLINED_PAGE[:2] + ["Advertisement", ""] + HEADLINED_PAGE[2:]  # held to the conventions
    res = linesift.predict_lines(page, model=headline_model)
    assert res.labels[:5] == ["content", "blank", "boilerplate", "blank", "content"]  # the stand-in keeps the rest
    assert res.headline_lines == [0, 4]


def test_no_headline_on_a_page_of_one_long_line(headline_model):
    page = HEADLINED_PAGE[:5] + ["", ("word " * 30 + ". ") * 10]  # kept lines, and a line of 1,500 letters
    plain = copy.deepcopy(headline_model)
    plain.head_model_ = None
    res = linesift.predict_lines(page, model=headline_model)
    assert (res.whole_line, res.headline_lines) == (6, [])
    assert res.labels == linesift.predict_lines(page, model=plain).labels


def test_no_headline_kept_with_a_given_threshold(headline_model):
    plain = copy.deepcopy(headline_model)
    plain.head_model_ = None
    assert (linesift.predict_lines(HEADLINED_PAGE, model=headline_model, threshold=0.5).labels
            == linesift.predict_lines(HEADLINED_PAGE, model=plain, threshold=0.5).labels)


@pytest.mark.parametrize("minimum, learnt", [(8, True), (9, False)])  # 8 pages to learn from
def test_fit_learns_a_headline_model_from_enough_marked_pages(tiny_pages, monkeypatch, minimum, learnt):
    monkeypatch.setattr("linesift.classifier.HEAD_MODEL_MIN_PAGES", minimum)
    pages = [_with_menu_title(p) for p in tiny_pages] * 2
    fit = lambda marked: LineClassifier(n_estimators=10, cv=2).fit(
        [p[0] for p in pages], [p[1] for p in pages], groups=[0, 1, 2, 3] * 2, headline_pages=marked)
    model = fit(None)
    assert (model.head_model_ is not None, "word_f1_without_headline" in model.oof_scores_) == (learnt, learnt)
    assert fit([False] * 8).head_model_ is None  # no page marks its headline: nothing to learn from


@pytest.mark.parametrize("p, kept", [(0.9, True), (0.1, False)])
def test_the_cross_validated_report_counts_the_headlines(tiny_pages, monkeypatch, p, kept):
    monkeypatch.setattr("linesift.classifier.HEAD_MODEL_MIN_PAGES", 3)
    monkeypatch.setattr("linesift.classifier.fit_head_model", lambda matrix, y, random_state=0: Probability(p))
    pages = [_with_menu_title(page) for page in tiny_pages] * 2
    report = LineClassifier(n_estimators=10, cv=2).fit([q[0] for q in pages], [q[1] for q in pages],
                                                        groups=[0, 1, 2, 3] * 2).oof_scores_
    assert (report["word_f1"] != report["word_f1_without_headline"]) is kept


@pytest.mark.parametrize("params", [{"headline": False}, {"threshold": 0.4}])
def test_no_headline_model_when_off_or_with_a_fixed_threshold(tiny_pages, monkeypatch, params):
    monkeypatch.setattr("linesift.classifier.HEAD_MODEL_MIN_PAGES", 3)
    pages = [_with_menu_title(page) for page in tiny_pages] * 2
    model = LineClassifier(n_estimators=10, cv=2, **params).fit([q[0] for q in pages], [q[1] for q in pages],
                                                                 groups=[0, 1, 2, 3] * 2)
    assert model.head_model_ is None and "word_f1_without_headline" not in model.oof_scores_


def test_headline_pages_must_match_the_pages(tiny_pages, monkeypatch):
    with pytest.raises(ValueError, match="4 pages but 3 headline_pages"):
        LineClassifier(n_estimators=10, cv=2).fit([p[0] for p in tiny_pages], [p[1] for p in tiny_pages],
                                                  headline_pages=[True] * 3)


def _with_menu_title(page):
    """A tiny page with a teaser (boilerplate; not a cue line, as held lines are no candidates) and a short
    kicker (content) above its title: candidates of both labels for the headline model, as the kicker scores
    like the menu above it."""
    lines, labels = page
    at = labels.index("content")
    return (lines[:at] + ["Top read: a teaser", "", "In brief", ""] + lines[at:],
            labels[:at] + ["boilerplate", None, "content", None] + labels[at:])
