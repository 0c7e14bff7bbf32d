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


def test_a_long_url_does_not_set_the_width():
    page = wrapped_page() + ["", "References", "   1. https://example.org/" + "a-long-path/" * 8 + "page.html"]
    joined, _ = unwrap(page)
    assert PARAGRAPHS[0] in joined


def test_table_rows_stay_apart():
    page = wrapped_page()
    rows = [f"{name:<22}{goals:>29}  points {points}" for name, goals, points in
            (("Harbour United", 12, 30), ("Port Rovers", 11, 28), ("eastside Athletic", 9, 25))]
    joined, _ = unwrap(page + [""] + rows)
    assert joined[-3:] == rows


def test_a_list_of_titles_of_one_length_is_not_a_wrapped_page():
    titles = [f"Council approves budget for the new harbour wall, part {i} of the series" for i in range(12)]
    titles[3], titles[7] = "iPhone" + titles[3][7:], "eBay" + titles[7][7:]  # two open in lowercase
    assert unwrap(titles) is None


def test_site_table_counts_a_wrapped_page_as_it_is_scored():
    from linesift.sites import build_site_table, line_keys

    table = build_site_table([wrapped_page(), wrapped_page() + ["A line of the second page only."]],
                             ["a.example", "a.example"], near_copy_share=None)  # else a near copy, not counted
    features = table.features_of_keys("a.example", line_keys([PARAGRAPHS[0]]))
    assert features[0, 1] == 1.0  # the joined paragraph is on both pages
