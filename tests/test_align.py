"""training/align.py: rendered lines labelled by aligning them to the gold main text."""

from __future__ import annotations

import unicodedata

import pytest

import numpy as np

from linesift.training import align
from linesift.training.align import align_labels, align_lines, aligned_share, matched_pairs

GOLD = "Die Fahrradstraße wird verlängert, sagt die Bezirksbürgermeisterin.\nDer Umbau beginnt im Mai."


def test_lines_of_the_gold_are_content_and_the_others_boilerplate():
    lines = ["Startseite", "", "Die Fahrradstraße wird verlängert, sagt die Bezirksbürgermeisterin.",
             "Der Umbau beginnt im Mai.", "Impressum Datenschutz"]
    assert align_labels(lines, GOLD) == ["boilerplate", None, "content", "content", "boilerplate"]


def test_a_line_holding_a_without_snippet_is_boilerplate():
    lines = ["Der Umbau beginnt im Mai.", "Lesen Sie auch: der Umbau beginnt"]
    assert align_labels(lines, GOLD + "\nLesen Sie auch", ["Lesen Sie auch"]) == ["content", "boilerplate"]


@pytest.mark.parametrize("line", [
    "Die Fahr\u00adrad\u00adstra\u00adße wird verlängert, sagt die Bezirks\u00adbürger\u00admeisterin.",  # soft hyphens
    "Die Fahrrad\u200bstraße wird verlängert, sagt die Bezirks\u200bbürgermeisterin.",  # zero-width spaces
    unicodedata.normalize("NFD", "Die Fahrradstraße wird verlängert, sagt die Bezirksbürgermeisterin."),
])
def test_invisible_characters_and_decomposed_accents_do_not_split_words(line):
    assert align_labels(["Startseite", line], GOLD) == ["boilerplate", "content"]


def test_without_folding_they_split_words_as_before():
    line = "Die Fahr\u00adrad\u00adstra\u00adße wird verlängert, sagt die Bezirks\u00adbürger\u00admeisterin."
    assert align_labels(["Startseite", line], GOLD, fold=False) == ["boilerplate", "unsure"]  # 3 of 9 tokens


def test_pages_too_costly_for_difflib_are_cut_at_their_shared_start_and_end_and_at_tokens_found_once():
    page = [[*"xaby"], ["menu", "home"], [*"bcaz"]]
    gold = [*"xabybcaz"]
    blocks, unknown = matched_pairs([t for line in page for t in line], gold, max_cost=0, gap_cost=0)
    assert (sorted(blocks), unknown.tolist()) == ([(0, 0, 4), (6, 4, 4)], [False] * 10)
    # q, z and w passed by (the other side lacks them), then the shared start and end
    blocks, unknown = matched_pairs([*"qaybcaz"], [*"aybrcaw"], max_cost=0, gap_cost=1)
    assert (sorted(blocks), unknown.any()) == ([(1, 0, 3), (4, 4, 2)], False)
    # no shared start or end: anchored at the tokens found once on each side
    assert sorted(matched_pairs([9, 1, 2, 3, 4, 8], [8, 1, 2, 3, 4, 9], max_cost=0, gap_cost=0)[0]) == [
        (1, 1, 1), (2, 2, 1), (3, 3, 1), (4, 4, 1)]
    assert aligned_share(page, gold, max_cost=0, gap_cost=0).tolist() == [1.0, 0.0, 1.0]
    assert aligned_share(page, gold).tolist() == [1.0, 0.0, 1.0]  # difflib's


def test_runs_of_tokens_found_once_anchor_when_no_token_is():
    a, b = [1, 2, 1, 3, 2, 3], [3, 1, 2, 1, 3, 2]  # each token twice; each pair of tokens once
    # the pairs (1, 2) and (1, 3) anchor, not the pairs overlapping them; the 2 after them by difflib
    assert sorted(matched_pairs(a, b, max_cost=0, gap_cost=0)[0]) == [(0, 1, 2), (2, 3, 2), (4, 5, 1)]


def test_a_teaser_repeating_the_gold_s_first_words_does_not_take_them_from_the_article():
    # page: the teaser (1 2 3), a menu (7 8 9 ...), the article (1 2 3 4 5 6 ...); gold: the article
    article = list(range(100, 130))
    page, gold = [1, 2, 3, *range(7, 40), 1, 2, 3, 4, 5, 6, *article], [1, 2, 3, 4, 5, 6, *article]
    blocks = matched_pairs(page, gold, max_cost=0, gap_cost=0)[0]
    assert sorted(blocks)[0] == (36, 0, 36)  # the article, as difflib aligns it


def test_a_costly_region_without_anchors_leaves_the_tokens_whose_words_the_gold_holds_unknown():
    blocks, unknown = matched_pairs([1, 2, 1, 2, 3], [2, 1, 2, 1], max_cost=7, gap_cost=0)  # 8 pairs
    assert (blocks, unknown.tolist()) == ([], [True, True, True, True, False])
    assert matched_pairs([1, 2, 1, 2, 3], [2, 1, 2, 1], max_cost=8, gap_cost=0)[0] == [(0, 1, 3)]  # difflib's


def test_a_line_is_unsure_only_where_unknown_tokens_could_change_its_label():
    # no run of the gold's is found once on both sides; "nav" is not in it: not aligned, where a and b are unknown
    lines = [["nav", "nav", "nav", "a"], ["a", "b"], ["nav"]]
    share = aligned_share(lines, [*"bababa"], max_cost=0, gap_cost=0)
    assert np.isnan(share).tolist() == [False, True, False]
    assert share[[0, 2]].tolist() == [0.0, 0.0]


def test_a_huge_page_is_aligned_by_anchors_as_difflib_would():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(5000)]

    def sentence():
        return "the " + " ".join(rng.choice(words, 11))

    article = [sentence() for _ in range(4000)]
    menus = [f"menu {i} of the site" for i in range(2000)]
    lines = menus[:1000] + article + menus[1000:]
    labels, unaligned = align_lines(lines, "\n".join(article))  # 4,000 x 6,000 "the": 24 million pairs
    assert (labels == ["boilerplate"] * 1000 + ["content"] * 4000 + ["boilerplate"] * 1000, unaligned) == (True, 0)


def test_a_long_periodic_page_without_anchors_is_left_unsure_and_counted():
    lines = ["Startseite", *["ja nein"] * 3200, "Kommentar schreiben"]  # 2 * 3200 * 3200 pairs; no anchor
    labels, unaligned = align_lines(lines, "nein ja\n" * 3200, without=["Kommentar schreiben"])
    assert (labels[0], set(labels[1:-1]), labels[-1], unaligned) == ("boilerplate", {"unsure"}, "boilerplate", 3200)
    assert align_lines(lines[:3001], "nein ja\n" * 3000)[1] == 0  # 18 million pairs: difflib's
