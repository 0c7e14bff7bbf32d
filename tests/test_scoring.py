"""linesift.training.scoring: snippet F1, and snippets drawn from HTML + gold for corpora without them."""

from __future__ import annotations

from linesift.training.scoring import snippet_prf, synthetic_snippets

GOLD = ("The council met on Monday to vote on the new budget for the city.\n"
        "It passed. The mayor said the new budget would fund three schools next year.")
HTML = ("<html><head><title>City news today</title><script>var shown = 'not page text';</script></head><body>"
        "<nav><a>About us</a> <a>Contact the team</a></nav>"
        "<select><option>Choose a size<option>Big one</select>"
        "<p>The council met on Monday to vote on the new budget for the city.</p>"
        "<p>It passed. The mayor said the new budget would fund three schools next year.</p>"
        "<footer>&copy; 2024 Example News Ltd</footer></body></html>")


def test_snippet_prf_counts_found_with_and_leaked_without_snippets():
    text = "The council met on Monday.\nAbout us"
    assert snippet_prf(text, ["the council met", "three schools"], ["about us", "contact"]) == (0.5, 0.5, 0.5)


def test_synthetic_with_snippets_are_gold_sentences_of_eight_tokens_or_more():
    with_, _ = synthetic_snippets(HTML, GOLD, "page-1")
    assert with_ == ["The council met on Monday to vote on the new budget for the city.",
                     "The mayor said the new budget would fund three schools next year."]


def test_synthetic_without_snippets_are_shown_text_nodes_not_in_the_gold():
    _, without = synthetic_snippets(HTML, GOLD, "page-1")
    assert sorted(without) == ["About us", "Contact the team", "© 2024 Example News Ltd"]


def test_synthetic_snippets_are_drawn_by_page_id():
    assert synthetic_snippets(HTML, GOLD, "page-1", n=2) == synthetic_snippets(HTML, GOLD, "page-1", n=2)
    assert len(synthetic_snippets(HTML, GOLD, "page-1", n=2)[1]) == 2


def test_snippets_match_across_spaces_between_cjk_characters_only():
    assert snippet_prf("郭德纲受访 向伤者道歉", ["郭德纲受访向伤者道歉"], []) == (1.0, 1.0, 1.0)
    assert snippet_prf("the council met", ["thecouncil met"], [])[2] == 0.0


def test_synthetic_without_snippets_differ_from_page_to_page():
    html = "<ul>" + "".join(f"<li>Menu item {i}</li>" for i in range(20)) + "</ul>"
    draws = {tuple(synthetic_snippets(html, "", f"page-{i}", n=2)[1]) for i in range(5)}
    assert len(draws) > 1


def test_synthetic_snippets_survive_markup_the_html_parser_gives_up_on():
    html = "<p>Contact the team</p><![ foo [ bar ]]><p>About us today</p>"
    assert synthetic_snippets(html, "", "page-1", n=1)[1] in (["Contact the team"], ["About us today"])
