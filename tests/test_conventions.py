"""linesift.conventions: LABELING.md's teaser lists held to boilerplate scores after the classifier."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SHIPPED_MODEL
from linesift.conventions import hold_to_conventions, teaser_list_rows

PAGE = [
    "The harbour reopened on Monday after three weeks of repairs to the sea wall.",  # 0
    "",
    "Also Read",  # 2: a bare teaser cue
    "",
    "Storm season ends early across the northern coast",  # 4
    "Fishermen count the cost of a quiet winter",  # 5
    "Ferry timetable changes from next week",  # 6
    "Boat show returns to the old dock",  # 7: past the three lines a list may hold
]


def test_up_to_three_headline_lines_after_a_bare_teaser_cue_are_a_teaser_list():
    assert teaser_list_rows(PAGE) == [4, 5, 6]


def test_a_sentence_ends_the_teaser_list():
    page = PAGE[:4] + ["Storm season ends early across the northern coast",
                       "The council said the wall would hold for another ten years.", "Ferry timetable changes"]
    assert teaser_list_rows(page) == [4]


def test_after_a_short_list_the_articles_next_heading_is_not_held():
    page = PAGE[:5] + ["Pacific Alliance and the new summit",
                       "The trading bloc was founded in 2011 and has met every year since then, until now."]
    assert teaser_list_rows(page) == [4]


def test_a_cut_headline_ending_in_dots_stays_in_the_list_and_a_long_line_ends_it():
    long_line = " ".join(["word"] * 26)
    page = ["Intro line of the story.", "Related", "Storm season ends early across the...", long_line, "Ferry news"]
    assert teaser_list_rows(page) == [2]


def test_a_chinese_teaser_list_counts_two_characters_as_a_word():
    page = ["北京市今天发布了新的交通规划。", "相关阅读", "北京地铁新线年底开通", "上海楼市成交量回升"]
    assert teaser_list_rows(page) == [2, 3]


def test_a_german_teaser_list_under_mehr_zum_thema():
    page = ["Der Stadtrat beschloss am Donnerstag den Bau eines Radwegs.", "Mehr zum Thema",
            "Parkgebühren steigen ab Januar deutlich", "Wochenmarkt zieht auf den Rathausplatz um"]
    assert teaser_list_rows(page) == [2, 3]


def test_tags_and_share_cues_and_long_cue_lines_head_no_list():
    for cue in ("Tags:", "Share on Facebook", "Also read what the harbour master said about the wall today",
                "Teilen", "Schlagwörter:", "Поделиться"):
        assert teaser_list_rows(["Intro line of the story.", cue, "Storm season ends early", "Ferry news"]) == []


def test_cue_lines_are_held_when_bare_or_followed_by_a_colon():
    page = ["Der Stadtrat beschloss am Donnerstag den Bau eines Radwegs.",  # 0
            "Lesen Sie auch: Neue Buslinie verbindet Vororte mit dem Bahnhof",  # 1: a cue and a colon
            "Read more about how the new bus line will change the daily commute of thousands",  # 2: no colon
            "share in the profits of the company, which rose by a tenth.",  # 3: a wrapped sentence, lowercase
            "Tags: Verkehr, Stadtrat",  # 4
            "Поделиться"]  # 5: a bare cue
    held = hold_to_conventions(page, np.full(len(page), 0.9))
    assert held.tolist() == [0.9, 0.1, 0.9, 0.9, 0.1, 0.1]


PROSE = "Die Gemeinde hat am Montag den Haushalt für das kommende Jahr beschlossen."


def held_between_prose(line):
    return hold_to_conventions([PROSE, line, PROSE], np.full(3, 0.9))[1] == 0.1


@pytest.mark.parametrize("line", ["Related Stories", "ALSO READ:", "Teilen", "Tags", "Polecamy", "Read More »",
                                  "SİEHE AUCH: Neue Buslinie verbindet Vororte", "相关报道：", "Zobacz także: x"])
def test_bare_cues_and_cues_with_a_colon_are_held(line):
    assert held_between_prose(line)


@pytest.mark.parametrize("line", ["Tag 3", "Tag der offenen Tür", "Tag: Samstag, 12. Oktober", "Teilen statt besitzen",
                                  "Teilen des Landes.", "Stichwort: Fachkräftemangel. Viele Betriebe suchen Personal.",
                                  "Compartir piso en Madrid", "Etiquetas energéticas", "Polecamy ten przepis.",
                                  "Recommended dosage", "Share prices fall", "Trending upward",
                                  "Recommended courses:", "标签，是商品的身份证。"])
def test_headings_and_sentences_that_open_with_a_cue_word_are_not_held(line):
    assert not held_between_prose(line)


@pytest.mark.parametrize("line", ["Subscribe to our free newsletter and never miss a story.",
                                  "» Sign up for our newsletters", "Abonnieren Sie jetzt kostenlos unseren Newsletter.",
                                  "Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis zu bieten.",
                                  "This website uses cookies to improve your experience.", "Sign in to comment",
                                  "Melden Sie sich an, um Kommentare zu schreiben.", "Forgot your password?",
                                  "We may earn a commission from links on this page.", "Zapisz się do Newslettera",
                                  "Nous utilisons des cookies pour améliorer votre expérience.",
                                  "Подпишитесь на нашу рассылку", "Inscrivez-vous à nos newsletters",
                                  "Suscríbete a nuestros boletines", "Ta strona używa plików cookie.",
                                  "Questo sito utilizza cookies", "By using this site, you agree to our cookie policy.",
                                  "Log in or register to post comments", "Lost your password?",
                                  "You must log in to post a comment.", "We and our partners use cookies to store data.",
                                  "We may earn an affiliate commission when you buy through links on our site.",
                                  "Sign up to receive our newsletter", "Join our mailing list",
                                  "Du musst angemeldet sein, um einen Kommentar abzugeben.", "Забыли пароль?",
                                  "Wir setzen Cookies ein, um unsere Website zu verbessern."])
def test_calls_to_action_are_held(line):
    assert held_between_prose(line)


@pytest.mark.parametrize("line", [
    "The newsletter, founded in 1990, asked readers to subscribe to our free newsletter list.",  # not its opening
    "subscribe to our newsletter, the mayor said, and you will hear of every meeting.",  # a wrapped sentence
    "Cookies were on the table when the council met.",  # a word, not a prompt
    "We use cookies " + "and many other words in this long policy paragraph " * 8,  # over PROMPT_MAX_WORDS words
    "Log in to your account as an administrator and open the Settings page.",  # a how-to page's steps and titles
    "Log in to view the dashboard, then click Add data source.", "Forgot your password? Here is how to reset it",
    "Passwort vergessen? So setzen Sie es zurück", "Bitte melden Sie sich an der Rezeption.",
    "Melden Sie sich an, um die Einstellungen der FritzBox zu ändern.",
    "To continue reading from a file after EOF, call seek().",
    "By using third-party cookies, advertisers can track users across sites.",
])
def test_sentences_that_only_mention_a_newsletter_or_cookies_are_not_held(line):
    assert not held_between_prose(line)


@pytest.mark.parametrize("line", ["Ähnliche Beiträge", "Das könnte dich auch interessieren …", "Diese Geschichte teilen",
                                  "Recent Posts", "Most Popular", "Meistgelesene Beiträge",
                                  "Lesetipp: Neue Buslinie verbindet Vororte"])
def test_sidebar_headings_and_german_cues_are_held(line):
    assert held_between_prose(line)


@pytest.mark.parametrize("line", ["Passend dazu: ein trockener Riesling aus der Pfalz.",
                                  "Most popular: chocolate chip, chosen by 42 percent of those asked.",
                                  "Les plus lus : Victor Hugo et Émile Zola restent en tête.",
                                  "Recent articles: a survey of 40 studies found no effect.",
                                  "Most popular among tourists", "Weitere Themen der Sitzung"])
def test_sentences_and_headings_that_open_with_a_sidebar_heading_are_not_held(line):
    assert not held_between_prose(line)


def test_a_bare_sidebar_heading_heads_a_list_of_other_posts():
    page = [PROSE, "Beliebte Beiträge", "Neue Radwege im Norden", "Wochenmarkt zieht um"]
    assert teaser_list_rows(page) == [2, 3]


@pytest.mark.parametrize("head", ["Lesetipps für den Sommer", "Most popular among tourists", "Weitere Themen der Sitzung",
                                  "Diese Geschichte teilen"])
def test_a_longer_heading_or_a_share_cue_heads_no_list(head):
    assert teaser_list_rows([PROSE, head, "Der Zauberberg", "Buddenbrooks", "Der Tod in Venedig"]) == []


def test_a_teaser_list_runs_past_a_headline_that_opens_with_a_cue_word():
    page = [PROSE, "Also read", "Share prices slump as rates rise", "Ferry timetable changes", "Boat show returns"]
    assert teaser_list_rows(page) == [2, 3, 4]


def test_a_japanese_cue_heads_a_list():
    page = ["北京市今天发布了新的交通规划。", "あわせて読みたい", "北京地铁新线年底开通", "上海楼市成交量回升"]
    assert teaser_list_rows(page) == [2, 3]


@pytest.mark.parametrize("line", ["Reacties", "【コメント】", "// comment", "advertising.", "Schlagwort: Digitalisierung"])
def test_headings_code_comments_and_wrapped_ends_are_not_label_lines(line):
    assert not held_between_prose(line)


def test_a_lowercase_or_sentence_ending_cue_heads_no_list():
    for head in ("auch interessant.", "Polecamy ten przepis.", "Auch interessant."):
        assert teaser_list_rows([PROSE, head, "Neue Radwege im Norden", "Ferry news today"]) == []


def test_ad_labels_and_comment_headings_are_held_wherever_they_stand():
    page = ["Der Stadtrat beschloss am Donnerstag den Bau eines Radwegs.", "Anzeige",
            "Die Baukosten werden auf rund vier Millionen Euro geschätzt.", "Kommentare (23)", "Publicidad"]
    held = hold_to_conventions(page, np.full(len(page), 0.9))
    assert held.tolist() == [0.9, 0.1, 0.9, 0.1, 0.1]


def test_an_unaccented_greek_capital_cue_heads_a_teaser_list():
    page = ["Η νέα μονάδα αφαλάτωσης θα λειτουργεί πριν από το καλοκαίρι.", "ΔΙΑΒΑΣΤΕ ΕΠΙΣΗΣ",
            "Κλειστό για εργασίες το παλιό λιμάνι", "Λειψυδρία στα νησιά φέτος"]
    assert teaser_list_rows(page) == [2, 3]


def test_teaser_list_scores_are_held_to_at_most_a_tenth():
    scores = np.array([0.9, np.nan, 0.05, np.nan, 0.6, 0.08, 0.45, 0.7])
    held = hold_to_conventions(PAGE, scores)
    np.testing.assert_array_equal(held, [0.9, np.nan, 0.05, np.nan, 0.1, 0.08, 0.1, 0.7])
    assert scores[4] == 0.6  # the scores given are not changed in place


def test_the_shipped_model_scores_a_teaser_list_as_boilerplate():
    from linesift.modelfile import load_model

    scores = load_model().score_pages([PAGE])[0]  # 0.56-0.66 for the three headlines without the convention
    assert all(scores[i] <= 0.1 for i in (4, 5, 6)) and scores[0] > 0.5


ARTICLE_WITH_PROMPTS = [
    "Home", "Politics", "", "Rail operator announces new services between London and Manchester",
    "The rail operator plans to run many more trains between London and Manchester from next year.",
    "According to a spokesman, the trains will run every hour in future, and every half hour at peak times.",
    "Subscribe to our free newsletter now and never miss news from your region again.",  # 6: 0.92 unheld
    "Passenger groups welcomed the plans but also called for better punctuality and better information.",
    "We use cookies to give you the best experience. If you continue, you agree to their use.",  # 8: 0.94
    "The operator wants to present the plans in detail in spring. Prices should be fixed by then too.",
]


@SHIPPED_MODEL
def test_the_shipped_model_drops_calls_to_action_inside_an_article_and_keeps_the_article():
    from linesift import predict_lines

    page = predict_lines(ARTICLE_WITH_PROMPTS)
    assert [i for i, label in enumerate(page.labels) if label == "content"] == [3, 4, 5, 7, 9]
    assert page.scores[6] == page.scores[8] == pytest.approx(0.1)


@SHIPPED_MODEL
def test_the_shipped_model_drops_a_widget_line_inside_an_article():
    from linesift import predict_lines

    page = predict_lines(ARTICLE_WITH_PROMPTS[:6] + ["Print | E-mail"] + ARTICLE_WITH_PROMPTS[7:])
    assert page.labels[6] == "boilerplate"
    assert page.scores[6] <= 0.1


def test_widget_lines_are_held_at_prediction_only():
    from linesift.classifier import _PageBatch

    batch = _PageBatch([[PROSE, PROSE, "Back to top"]])
    assert batch.held(np.full(3, 0.9)).tolist() == [0.9] * 3
    assert np.flatnonzero(batch.call_mask).tolist() == [2]


def test_the_cookie_notices_of_a_cookie_policy_are_not_held():
    page = ["Cookie policy", "We use cookies to make our website work.", "We use cookies for these purposes:",
            "Strictly necessary cookies keep you signed in.", "We use cookies from partners to measure visits."]
    assert hold_to_conventions(page, np.full(len(page), 0.9)).tolist() == [0.9] * 5
    assert hold_to_conventions(page[:3], np.full(3, 0.9)).tolist() == [0.9, 0.1, 0.1]  # two: a banner's


def test_calls_to_action_are_not_among_the_rows_fitting_holds():
    from linesift.classifier import _PageBatch

    batch = _PageBatch([ARTICLE_WITH_PROMPTS])  # one row per non-blank line: the prompts are rows 5 and 7
    assert batch.held(np.full(9, 0.9)).tolist() == [0.9] * 9
    assert np.flatnonzero(batch.call_mask).tolist() == [5, 7]


def test_fitting_tunes_the_threshold_on_scores_held_to_the_conventions(monkeypatch):
    import linesift.classifier as classifier
    from linesift.classifier import LineClassifier

    held = []

    def spy(scores, rows):
        held.append(rows.tolist())
        return scores

    monkeypatch.setattr(classifier, "hold_scores", spy)
    pages = [[f"Story {i} opens with a sentence long enough to read as prose.", "Also Read", f"Other story {i}",
              "Home"] for i in range(4)]
    LineClassifier(n_estimators=2, stage2_estimators=2, cv=2, lexical=False).fit(
        pages, [["content", "boilerplate", "boilerplate", "boilerplate"]] * 4)
    # every training page's cue line and teaser (rows 1 and 2 of each), once, before the threshold is tuned
    assert held == [[1, 2, 5, 6, 9, 10, 13, 14]]


@SHIPPED_MODEL
def test_predict_prints_held_scores_for_a_teaser_list(tmp_path):
    from typer.testing import CliRunner

    from linesift.cli import app

    page = tmp_path / "page.txt"
    page.write_text("\n".join(PAGE) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["predict", str(page), "--format", "tsv"])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [rows[i][:2] for i in (4, 5, 6)] == [["boilerplate", "0.1000"]] * 3


@pytest.mark.parametrize("line", ["Back to top", "↑ Nach oben", "Print | E-mail", "5 min read", "Lesezeit: 3 Min.",
                                  "Gefällt mir:", "« Zurück zur Übersicht", "Tagged:", "Like this:"])
def test_a_line_of_interface_widgets_only_is_held(line):
    assert held_between_prose(line)


@pytest.mark.parametrize("line", ["Top 10 beaches of the coast", "Print this article for your records, please.",
                                  "Back to the harbour, the ferry turned at noon.", "Tagged: Verkehr, Stadtrat und Bau",
                                  "Like this, the wall would hold for ten years."])
def test_a_line_that_goes_on_past_a_widget_word_is_not_held_as_one(line):
    from linesift.conventions import widget_rows
    from linesift.features import batch_features

    assert widget_rows(batch_features([[line]]).cues).tolist() == []
