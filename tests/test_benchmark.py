"""linesift.training.benchmark: scores of the held-out pages."""

from __future__ import annotations

from linesift.training.benchmark import line_scores
from linesift.training.labelled import LabelledPage


def test_line_scores_pool_the_lines_and_average_the_pages(tiny_model):
    article = LabelledPage(["Menu", "A whole sentence of the article.", "Another sentence here.", "Footer"],
                           ["boilerplate", "content", "content", "boilerplate"], {}, "a")
    menu_only = LabelledPage(["Home", "Contact"], ["boilerplate", "boilerplate"], {}, "b")
    keep_all = line_scores([article, menu_only], tiny_model)["keep-everything"]
    # pooled: 2 of the 6 kept lines are content, both content lines kept; page by page: 2/3 and 0
    assert {k: round(v, 4) for k, v in keep_all.items()} == {
        "line_p": 0.3333, "line_r": 1.0, "line_f1": 0.5, "line_f1_per_page": 0.3333,
        "line_f1_per_page_with_content": 0.6667, "pages": 2, "pages_with_content": 1}
