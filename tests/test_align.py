"""training/align.py: rendered lines labelled by aligning them to the gold main text."""

from __future__ import annotations

import unicodedata

import pytest

from linesift.training.align import align_labels

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
