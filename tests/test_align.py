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


def test_pages_too_costly_for_difflib_are_cut_at_tokens_found_once_on_each_side():
    page = [[*"xaby"], ["menu", "home"], [*"bcaz"]]  # x, y, c, z are found once on each side, then a and b
    gold = [*"xabybcaz"]
    blocks, unaligned = matched_pairs([t for line in page for t in line], gold, max_cost=0, gap_cost=0)
    assert (sorted(blocks), unaligned) == ([(0, 0, 1), (1, 1, 1), (2, 2, 1), (3, 3, 1), (6, 4, 1), (7, 5, 1),
                                            (8, 6, 1), (9, 7, 1)], [])
    assert aligned_share(page, gold, max_cost=0, gap_cost=0).tolist() == [1.0, 0.0, 1.0]
    assert aligned_share(page, gold).tolist() == [1.0, 0.0, 1.0]  # difflib's


def test_a_costly_region_without_anchors_is_left_unaligned():
    assert matched_pairs([1, 2, 1, 2], [1, 2, 1, 2], max_cost=7) == ([], [(0, 4)])
    assert matched_pairs([1, 2, 1, 2], [1, 2, 1, 2], max_cost=8) == ([(0, 0, 4)], [])


def test_a_long_repetitive_page_is_left_unsure_and_counted():
    lines = ["Startseite", *["ja nein"] * 3200]  # 2 * 3200 * 3200 pairs of equal tokens, no token found once
    labels, unaligned = align_lines(lines, "ja nein\n" * 3200)
    assert (set(labels), unaligned) == ({"unsure"}, 3201)  # "Startseite" too: it is no anchor, not in the gold
    assert align_lines(lines[:3001], "ja nein\n" * 3000) == (["boilerplate", *["content"] * 3000], 0)
