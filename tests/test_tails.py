"""linesift.tails and its use: where a page's main content ends, learned from what comes before and after."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import linesift
from linesift.classifier import LineClassifier
from linesift.features import BYLINE, batch_features, page_layout
from linesift.tails import TAIL_NAMES, after_cut, best_cuts, cut_gains, tail_profiles


def _flags(pages, cue_rows=()):
    """The layout of a batch of pages (each line a row) and its rows' ``Features.cues`` (the bylines found
    in the feature pass), with the rows of ``cue_rows`` flagged as cue lines (4) too."""
    cues = batch_features(pages).cues.copy()
    cues[list(cue_rows)] |= 4
    return page_layout(pages)[1], cues


def byline_rows(lines):
    return (batch_features([lines]).cues & BYLINE > 0).tolist()


def test_bylines_are_short_lines_with_a_time_a_date_a_said_or_a_lone_button():
    lines = ["Brianna on October 23rd, 2012 2:42 pm", "by dpilot (134227) writes:", "Reply", "  Antworten  ",
             "Posted 3 days ago", "12.01.2012", "Re: (Score:2)",
             "The meeting ran from 9:30 to noon, and the council then voted on the budget for the coming year.",
             "Reply to the minister's letter", "Comments"]
    assert byline_rows(lines) == [True, True, True, True, True, True, True, False, False, False]


def test_candidates_are_kept_block_starts_or_bylines_after_half_the_kept_words():
    # one page: a kept article of 3 rows (30 words), a dropped heading, then two kept comment rows
    lines = ["a " * 10, "b " * 10, "c " * 10, "Comments", "Ann said:", "d " * 5]
    words = np.array([10, 10, 10, 1, 2, 5])
    kept = np.array([1, 1, 1, 0, 1, 1], dtype=bool)
    scores = np.array([0.9, 0.8, 0.9, 0.1, 0.5, 0.6])
    layout, cues = _flags([lines])
    matrix, names, candidates = tail_profiles(scores, kept, words, layout, cues)
    assert names == list(TAIL_NAMES) and matrix.shape == (6, len(TAIL_NAMES))
    # row 4 starts a kept block after a gap of one row; row 5 is inside it; rows 1-2 are not block starts
    assert candidates.tolist() == [False, False, False, False, True, False]
    col = lambda name: matrix[:, names.index(name)].tolist()
    assert col("gap") == [-1, 0, 0, 0, 1, 0]  # dropped rows since the previous kept row
    assert col("kept_word_share_before")[4] == pytest.approx(30 / 37)
    assert col("bylines_before") == [0, 0, 0, 0, 0, 1]
    assert col("bylines_after") == [1, 1, 1, 1, 1, 0]
    assert col("own_byline") == [0, 0, 0, 0, 1, 0]


def test_no_candidate_before_half_the_kept_words():
    lines = ["a " * 5, "x", "b " * 30]
    words = np.array([5, 1, 30])
    layout, cues = _flags([lines])
    _, _, candidates = tail_profiles(np.array([0.9, 0.1, 0.9]), np.array([True, False, True]), words, layout, cues)
    assert candidates.tolist() == [False, False, False]  # 5 of 35 kept words come before row 2


def test_a_page_in_a_batch_has_the_features_it_has_alone():
    first = ["Menu", "a " * 12, "b " * 12, "x", "c " * 8, "12:30 pm"]  # ends with a byline and a cue line near
    second = ["Reply", "d " * 20, "y", "e " * 6, "f " * 6]
    words = np.array([len(line.split()) for line in first + second], dtype=float)
    scores = np.array([0.1, 0.9, np.nan, 0.2, 0.8, 0.3, 0.1, 0.9, 0.2, 0.7, 0.6])
    kept = scores >= 0.5
    layout, cues = _flags([first, second], cue_rows=(3, 6))
    both, _, cand_both = tail_profiles(scores, kept, words, layout, cues)
    alone_layout, alone_cues = _flags([second], cue_rows=(0,))
    alone, _, cand_alone = tail_profiles(scores[6:], kept[6:], words[6:], alone_layout, alone_cues)
    # page 0's rows (and its NaN score) reach no column (up to the sums' rounding)
    np.testing.assert_allclose(both[6:], alone, rtol=1e-12, atol=1e-12)
    assert cand_both[6:].tolist() == cand_alone.tolist() == [False, False, False, True, False]


def test_features_never_cross_pages():
    lines = ["a " * 10, "b " * 10, "Reply", "c " * 10]
    words = np.array([10, 10, 1, 10])
    layout, cues = _flags([lines[:2], lines[2:]])
    matrix, names, candidates = tail_profiles(np.full(4, 0.9), np.ones(4, dtype=bool), words, layout, cues)
    assert matrix[:, names.index("bylines_after")].tolist() == [0, 0, 1, 0]
    assert matrix[:, names.index("gap")].tolist() == [-1, 0, -1, 0]  # row 2 has no kept row before it on its page
    assert candidates.tolist() == [False, False, False, False]


def test_cut_gains_are_the_change_in_the_pages_word_f1():
    # content 10 + 10 words, then a kept comment of 20 words and an unsure row: F1 2*20/(20+40) = 2/3;
    # cut at row 2: 1.0; at row 1: 2*10/(20+10); at row 3: the same as no cut (unsure rows count neither way)
    y = np.array([1, 1, 0, -1])
    kept = np.array([True, True, True, True])
    words = np.array([10.0, 10.0, 20.0, 5.0])
    gains, usable = cut_gains(y, kept, words, page_layout([["a", "b", "c", "d"]])[1])
    assert gains.tolist() == pytest.approx([-2 / 3, 0, 1 / 3, 0])
    assert usable.tolist() == [True] * 4


def test_bylines_are_found_on_their_own_rows_whatever_the_lines_hold():
    # a line break or a lone surrogate inside a line (pages split by the caller) moves no match to another row
    assert byline_rows(["a\nb", "Reply", "x"]) == [False, True, False]
    assert byline_rows(["12:30 \udcff", "x", "İİİ", "Reply"]) == [True, False, False, True]


def test_the_best_positive_cut_of_each_page():
    gain = np.array([0.1, 0.3, 0.3, -0.2, 0.05])
    rows = np.array([2, 4, 6, 11, 20])
    row_pages = np.array([0, 0, 0, 1, 2])
    # page 0: the best (0.3), the earliest of equals; page 1: none positive; page 3: no candidate
    assert best_cuts(gain, rows, row_pages, 4).tolist() == [4, -1, 20, -1]


def test_rows_from_the_cut_on_are_after_it():
    assert after_cut(np.array([2, -1]), np.array([0, 0, 0, 0, 1, 1])).tolist() == [False, False, True, True,
                                                                                     False, False]


def test_a_page_is_cut_at_its_best_candidate_and_says_where(cutting_model, commented_page):
    res = linesift.predict_lines(commented_page[0], model=cutting_model)
    assert res.labels == ["content", "blank", "content", "content", "content", "blank", "boilerplate", "blank",
                          "boilerplate"]
    assert res.content_end == 6
    assert res.record({})["linesift"]["content_end"] == 7  # 1-based in corpus records


def test_no_cut_without_a_positive_gain(cutting_model, commented_page, gain_model):
    cutting_model.tail_model_ = gain_model(-0.1)
    res = linesift.predict_lines(commented_page[0], model=cutting_model)
    assert (res.content_end, "boilerplate" in res.labels) == (None, False)
    assert "content_end" not in res.record({})["linesift"]


def test_no_cut_when_asked(cutting_model, commented_page):
    res = linesift.predict_pages([commented_page[0]], model=cutting_model, cut=False)[0]
    assert (res.content_end, "boilerplate" in res.labels) == (None, False)


def test_no_cut_with_a_given_threshold(cutting_model, commented_page):
    res = linesift.predict_lines(commented_page[0], model=cutting_model, threshold=0.0)
    assert (res.content_end, "boilerplate" in res.labels) == (None, False)


def test_a_wrapped_page_is_cut_at_the_first_line_of_the_joined_line(cutting_model):
    import textwrap

    article = " ".join(["The harbour board met on Monday and agreed to dredge the eastern channel."] * 4)
    comment = " ".join(["I have fished that channel for thirty years and never seen it so shallow."] * 2)
    page = ["Home", ""] + textwrap.wrap(article, 64) + ["", "Ann on March 3, 2026 at 9:12 am", ""]
    first_comment_line = len(page)
    page += textwrap.wrap(comment, 64)
    res = linesift.predict_lines(page, model=cutting_model)
    assert res.content_end == first_comment_line - 2  # the byline, the cut's joined line, is one line
    assert res.labels[res.content_end:] == ["boilerplate", "blank"] + ["boilerplate"] * (len(page) - first_comment_line)
    assert "boilerplate" not in res.labels[:res.content_end]


def test_a_page_of_one_long_line_is_not_cut(cutting_model):
    page = ["word " * 100, "", "Ann said:", ("x" * 100 + " ") * 20]
    res = linesift.predict_lines(page, model=cutting_model)
    assert (res.whole_line, res.content_end) == (3, None)
    assert res.labels == ["content", "blank", "content", "content"]


@pytest.mark.parametrize("minimum, learnt", [(10, True), (11, False)])  # 10 pages to learn from
def test_fit_learns_a_tail_model_from_enough_pages(tiny_pages, commented_page, monkeypatch, minimum, learnt):
    monkeypatch.setattr("linesift.classifier.TAIL_MODEL_MIN_PAGES", minimum)
    monkeypatch.setattr("linesift.tails.TAIL_MIN_SHARE_BEFORE", 0.0)  # tiny pages: any later kept block
    # the tiny pages' kept lines are one block each: pages with a comment after the article give candidates
    pages = tiny_pages * 2 + [commented_page] * 2
    # without the island columns: with them stage 2 drops the tiny pages' comment out of fold, leaving no
    # kept block to cut (the shipped model, fitted with them, has a tail model: test_cli)
    model = LineClassifier(n_estimators=10, cv=2, islands=False).fit(
        [p[0] for p in pages], [p[1] for p in pages], groups=[0, 1, 2, 3, 0, 1, 2, 3, 4, 5])
    assert (model.tail_model_ is not None, "word_f1_before_tail_cut" in model.oof_scores_) == (learnt, learnt)


@pytest.mark.parametrize("gain, cut", [(0.1, True), (-0.1, False)])
def test_the_cross_validated_report_counts_the_cut(tiny_pages, commented_page, monkeypatch, gain_model, gain, cut):
    monkeypatch.setattr("linesift.classifier.TAIL_MODEL_MIN_PAGES", 3)
    monkeypatch.setattr("linesift.tails.TAIL_MIN_SHARE_BEFORE", 0.0)
    monkeypatch.setattr("linesift.classifier.fit_tail_model", lambda matrix, gains, random_state=0: gain_model(gain))
    pages = tiny_pages + [commented_page] * 2
    model = LineClassifier(n_estimators=10, cv=2).fit([p[0] for p in pages], [p[1] for p in pages],
                                                       groups=[0, 1, 2, 3, 4, 5])
    report = model.oof_scores_
    assert (report["word_f1"] != report["word_f1_before_tail_cut"]) is cut


def test_no_tail_model_without_a_candidate(tiny_pages, monkeypatch):
    monkeypatch.setattr("linesift.classifier.TAIL_MODEL_MIN_PAGES", 3)
    monkeypatch.setattr("linesift.tails.TAIL_MIN_SHARE_BEFORE", 1.1)  # no row has more than all kept words before it
    model = LineClassifier(n_estimators=10, cv=2).fit([p[0] for p in tiny_pages], [p[1] for p in tiny_pages])
    assert model.tail_model_ is None
    assert "word_f1_before_tail_cut" not in model.oof_scores_


@pytest.mark.parametrize("param, fitted", [("tail_cut", "tail_model_"), ("headline", "head_model_")])
def test_a_model_saved_before_the_tail_cut_or_the_headline_loads_without_them(tiny_model, param, fitted):
    state = tiny_model.__getstate__()
    del state[param], state[fitted]
    old = LineClassifier.__new__(LineClassifier)
    old.__setstate__(state)
    assert (getattr(old, param), getattr(old, fitted)) == (False, None)
    assert pickle.loads(pickle.dumps(old)).get_params()[param] is False


def test_a_model_saved_before_the_island_columns_scores_without_them(tiny_pages):
    train = tiny_pages[:3]
    fitted = LineClassifier(n_estimators=20, cv=2, islands=False).fit([p[0] for p in train], [p[1] for p in train])
    state = fitted.__getstate__()
    del state["islands"]  # as pickled by 0.8
    old = LineClassifier.__new__(LineClassifier)
    old.__setstate__(state)
    assert old.islands is False
    np.testing.assert_array_equal(old.score_pages([tiny_pages[3][0]])[0], fitted.score_pages([tiny_pages[3][0]])[0])


def test_no_cut_in_corpus_mode_when_asked(cutting_model, commented_page):
    from linesift.predict import predict_corpus

    cut, kept = (predict_corpus([commented_page[0]] * 40, cutting_model, cut=flag, batch=16) for flag in (True, False))
    assert ([p.content_end for p in cut], [p.content_end for p in kept]) == ([6] * 40, [None] * 40)


def test_no_cut_in_one_page_functions_when_asked(cutting_model, commented_page):
    text = "\n".join(commented_page[0])
    assert (linesift.predict_text(text, cutting_model).content_end,
            linesift.predict_text(text, cutting_model, cut=False).content_end) == (6, None)
    assert cutting_model.predict([commented_page[0]], cut=False)[0].count("boilerplate") == 0


def test_no_cut_for_the_pages_read_before_reading_stops(cutting_model, commented_page):
    from linesift.batch import score_stream
    from linesift.inputs import Page

    def batches():  # reading stops (--fail-fast) after the first batch: that batch is still scored
        yield [Page("a.txt", list(commented_page[0]))]
        raise KeyboardInterrupt

    results = []
    with pytest.raises(KeyboardInterrupt):
        for result in score_stream(batches(), cutting_model, None, "tsv", cut=False):
            results.append(result)
    ((_, tsv),) = results[0].outputs
    assert "boilerplate" not in tsv
