"""Hard-wrapped scrapes (``w3m -dump`` / ``lynx -dump`` at 80 columns): paragraphs joined before scoring."""

from __future__ import annotations

import textwrap

import numpy as np
from linesift.wrapping import unwrap

PARAGRAPHS = [
    ("The harbour board met on Monday and agreed to dredge the eastern channel before the winter storms, "
     "after two ships ran aground there in October. The work will cost four million and take six weeks, "
     "said the board's chair, who added that the port trust would pay half of it."),
    ("Fishermen welcomed the decision but asked for the work to stop during the spawning season, which "
     "begins in late March, and the board promised to meet them before the contract is signed next month."),
]
MENU = ["Home", "News", "Sport"]


def wrapped_page(width: int = 64) -> list[str]:
    page = list(MENU) + [""]
    for paragraph in PARAGRAPHS:
        page += textwrap.wrap(paragraph, width) + [""]
    return page + ["  • Share", "© 2026 Harbour News"]


def test_a_wrapped_page_gets_its_paragraphs_back_on_one_line_each():
    joined, origin = unwrap(wrapped_page())
    assert joined == MENU + [""] + [PARAGRAPHS[0], "", PARAGRAPHS[1], ""] + ["  • Share", "© 2026 Harbour News"]
    assert len(origin) == len(wrapped_page())


def test_origin_maps_every_line_to_the_joined_line_that_holds_it():
    page = wrapped_page()
    joined, origin = unwrap(page)
    for i, line in enumerate(page):
        assert line.strip() in joined[origin[i]]
    assert origin.tolist() == sorted(origin.tolist())


def test_a_page_with_long_lines_is_not_touched():
    page = list(MENU) + [""] + PARAGRAPHS
    assert unwrap(page) is None


def test_a_page_of_short_lines_is_not_touched():
    assert unwrap(MENU * 20) is None


def test_a_list_item_after_a_full_line_starts_its_own_line():
    page = wrapped_page()
    page[4] = "  • " + page[4]  # the first wrapped line of the first paragraph becomes a list item
    joined, origin = unwrap(page)
    assert joined[4].startswith("  • The harbour board")
    assert origin[4] != origin[3]


def test_scores_of_a_wrapped_page_come_back_per_input_line(tiny_model):
    page = wrapped_page()
    (scores,) = tiny_model.score_pages([page])
    joined, origin = unwrap(page)
    (joined_scores,) = tiny_model.score_pages([joined])
    assert len(scores) == len(page)
    assert np.array_equal(scores, joined_scores[origin], equal_nan=True)
    assert [np.isnan(s) for s in scores] == [not line.strip() for line in page]
