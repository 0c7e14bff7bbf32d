"""linesift.features: one row of hand-made features per non-blank line, independent of language."""

from __future__ import annotations

import math

import numpy as np
import pytest

from linesift.codepoints import clause_marks
from linesift.features import ISLAND_NAMES, batch_features, island_features, page_features, score_context_features


def column(lines: list[str], name: str) -> list[float]:
    X, names, _ = page_features(lines)
    return X[:, names.index(name)].tolist()


def approx(values):
    return pytest.approx(values, rel=1e-6, abs=1e-6)


def test_one_row_per_non_blank_line():
    X, names, _ = page_features(["Home", "", "A sentence.", "   ", "\t", "Footer"])
    assert X.shape == (3, len(names))


def test_feature_names_are_unique():
    _, names, _ = page_features(["Home"])
    assert len(names) == len(set(names))


def test_matrix_is_float32():
    X, _, _ = page_features(["Home", "A sentence."])
    assert X.dtype == np.float32


def test_rows_follow_the_non_blank_lines_in_order():
    assert column(["ab", "", "abcd", "a"], "log_chars") == approx([math.log(3), math.log(5), math.log(2)])


def test_layout_index_points_at_the_non_blank_lines():
    _, _, layout = page_features(["", "a", "", "b", "c"])
    assert layout.index.tolist() == [1, 3, 4]


def test_empty_page_has_no_rows_and_all_columns():
    X, names, _ = page_features([])
    _, names_one, _ = page_features(["x"])
    assert X.shape == (0, len(names_one))
    assert names == names_one


def test_page_of_only_blank_lines_has_no_rows():
    X, names, _ = page_features(["", "  ", "\t"])
    assert X.shape == (0, len(names))


# -- punctuation -----------------------------------------------------------------------------------------
def test_terminal_punctuation():
    lines = ["It rained all day.", "Is it?", "Home", "Price: 20", "See all"]
    assert column(lines, "ends_terminal") == [1.0, 1.0, 0.0, 0.0, 0.0]


def test_terminal_punctuation_chinese_full_stop():
    assert column(["图书馆周末开放。", "首页"], "ends_terminal") == [1.0, 0.0]


def test_terminal_punctuation_before_closing_quote():
    lines = ['She said "stop."', "He asked \u201cwhy?\u201d", "\u00abHola.\u00bb", '"Menu"']
    assert column(lines, "ends_terminal") == [1.0, 1.0, 1.0, 0.0]


def test_ends_colon():
    assert column(["Ingredients:", "材料：", "Salt"], "ends_colon") == [1.0, 1.0, 0.0]


# -- bullets ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("line", ["  • Home", "* item", "1. step", "12) twelfth", "- dash item"])
def test_bullet_detected(line):
    assert column([line], "bullet") == [1.0]


@pytest.mark.parametrize("line", ["Home", "1.5 kg flour", "*bold* text", "2026 was a year"])
def test_not_a_bullet(line):
    assert column([line], "bullet") == [0.0]


@pytest.mark.parametrize("line", ["ALSO READ: Another story", "Read more: x", "  • Related Story: x", "Tags: a, b",
                                  "Читайте также: x", "相关阅读：x", "Lire aussi : x"])
def test_teaser_cue_detected(line):
    assert column([line], "teaser_cue") == [1.0]


@pytest.mark.parametrize("line", ["Reading more books helps.", "Tagsüber regnet es.", "She shared the prize."])
def test_not_a_teaser_cue(line):
    assert column([line], "teaser_cue") == [0.0]


def cue_flags(lines):  # OPENS_WITH_CUE (1) and ONLY_A_LABEL (2), the flags these tests cover
    from linesift.features import ONLY_A_LABEL, OPENS_WITH_CUE, batch_features
    return (batch_features([lines]).cues & (OPENS_WITH_CUE | ONLY_A_LABEL)).tolist()


def test_cues_of_more_languages_are_found_after_scoring_not_by_the_models_feature():
    lines = ["Lesen Sie auch: x", "Auch interessant", "Te puede interesar", "Leggi anche: x",
             "Zobacz także: x", "По теме: x", "分享到：", "Schlagwörter: a, b", "Teilen", "ALSO READ: Another story"]
    assert cue_flags(lines) == [1] * 10
    assert column(lines, "teaser_cue") == [0.0] * 9 + [1.0]


def test_sidebar_headings_and_more_german_cues_are_found_after_scoring_not_by_the_models_feature():
    lines = ["Ähnliche Beiträge", "Das könnte dich auch interessieren …", "Diese Geschichte teilen", "Recent Posts",
             "Meistgelesene Beiträge", "Lesetipp: x", "Lo más leído", "Les plus lus", "I più letti (5)"]
    assert cue_flags(lines) == [1] * 9
    assert column(lines, "teaser_cue") == [0.0] * 9


def test_a_sidebar_heading_is_a_cue_only_when_bare():
    lines = ["Passend dazu: ein trockener Riesling aus der Pfalz.", "Most popular among tourists",
             "Recent articles: a survey of 40 studies found no effect.", "Lesetipps für den Sommer", "Most popular:"]
    assert cue_flags(lines) == [0, 0, 0, 0, 1]


def test_ad_labels_and_comment_counts_are_label_lines():
    lines = ["Anzeige", "ΔΙΑΦΗΜΙΣΗ", "— Advertisement —", "广告", "9 comentarios", "Kommentare (12)", "• Комментарии: 0",
             "Comments are closed.", "ΣΧΟΛΙΑ (3)", "3 comentários", "Werbung wirkt, sagt die Studie.", "Comments welcome!",
             "Sponsored Content"]
    assert cue_flags(lines) == [2] * 10 + [0] * 3


def test_words_that_only_begin_like_a_cue_are_not_cues():
    lines = ["Teilnehmer kamen aus zehn Ländern.", "По темени ударили.", "Tagsüber regnet es.", "", "Polecamy"]
    assert cue_flags(lines) == [0, 0, 0, 1]  # rows: the blank line has none


def test_every_cue_opens_with_two_literal_characters():
    from linesift.features import _CUE_HEAD, _CUE_TAIL, _cue_starts
    with pytest.raises(ValueError):
        _cue_starts(_CUE_HEAD, ("(?:también )?te puede interesar",), _CUE_TAIL)


# -- repetition ------------------------------------------------------------------------------------------
def test_line_repeated_three_times_has_log_repeats_log3():
    lines = ["Share", "The body of the article.", "Share", "Other", "Share"]
    assert column(lines, "log_repeats") == approx([math.log(3), 0.0, math.log(3), 0.0, math.log(3)])


def test_repeats_ignore_surrounding_whitespace():
    assert column(["  • Home", "• Home  "], "log_repeats") == approx([math.log(2), math.log(2)])


def test_seen_before_marks_later_copies_only():
    assert column(["Share", "Body.", "Share", "Share"], "seen_before") == [0.0, 0.0, 1.0, 1.0]


def test_loose_repetition_ignores_case_digits_and_spacing():
    lines = ["Page 1 of 3", "PAGE 2 OF 3", "page  3 of 3"]
    assert column(lines, "log_repeats_loose") == approx([math.log(3)] * 3)


def test_exact_repetition_does_not_ignore_case_or_digits():
    assert column(["Page 1 of 3", "PAGE 2 OF 3", "page  3 of 3"], "log_repeats") == [0.0, 0.0, 0.0]


# -- position and layout -------------------------------------------------------------------------------
def test_first_line_has_rel_position_zero():
    assert column(["Title", "Body.", "Footer"], "rel_position")[0] == 0.0


def test_rel_position_counts_blank_lines():
    assert column(["", "a", "b", "c"], "rel_position") == approx([0.25, 0.5, 0.75])


def test_log_from_end_is_zero_on_last_line():
    assert column(["a", "b", "c"], "log_from_end") == approx([math.log(3), math.log(2), 0.0])


def test_blank_before_and_after():
    lines = ["a", "b", "", "c", "d", ""]
    assert column(lines, "blank_before") == [1.0, 0.0, 1.0, 0.0]
    assert column(lines, "blank_after") == [0.0, 1.0, 0.0, 1.0]


def test_block_mean_averages_within_blocks():
    lines = ["aaaa", "aa", "", "a"]
    first = (math.log(5) + math.log(3)) / 2
    assert column(lines, "log_chars_block_mean") == approx([first, first, math.log(2)])


def test_block_size():
    assert column(["a", "b", "", "c"], "log_block_lines") == approx([math.log(3), math.log(3), math.log(2)])


def test_neighbour_features_use_minus_one_beyond_the_page():
    assert column(["Stop.", "Go"], "ends_terminal_prev1") == [-1.0, 1.0]


# -- scripts ---------------------------------------------------------------------------------------------
def test_cjk_ratio_of_chinese_line():
    assert column(["图书馆周末开放。"], "cjk_ratio") == approx([7 / 8])


def test_cjk_ratio_zero_for_latin():
    assert column(["The library opens on Sunday."], "cjk_ratio") == [0.0]


def test_letter_ratio_of_greek_line():
    assert column(["Καλημέρα κόσμε"], "letter_ratio") == approx([13 / 14])


def test_letter_ratio_of_russian_line():
    assert column(["Привет, мир"], "letter_ratio") == approx([9 / 11])


def test_greek_and_russian_are_not_cjk():
    assert column(["Καλημέρα κόσμε", "Привет, мир"], "cjk_ratio") == [0.0, 0.0]


def test_chinese_line_counts_words_without_spaces():
    # 7 CJK characters count as 3.5 words (no spaces to split on)
    assert column(["图书馆周末开放。"], "log_words") == approx([math.log1p(1 + 3.5)])


def test_astral_characters_do_not_shift_rows():
    X, names, _ = page_features(["emoji 😀 here", "𠀀𠀁", "plain"])
    assert X.shape == (3, len(names))
    assert column(["emoji 😀 here", "𠀀𠀁", "plain"], "cjk_ratio") == [0.0, 1.0, 0.0]


def test_thai_letters_count_as_written_without_spaces():
    # 4 letters: 1 word by its spaces, + 2 as CJK
    assert column(["ฝนตก"], "cjk_ratio") == [1.0]
    assert column(["ฝนตก"], "log_words") == approx([math.log1p(1 + 2)])


def test_a_space_between_thai_words_reads_as_a_comma():
    # 9 letters of 11 characters (the vowel sign of "ปิด" is a mark), 1 + 4.5 words
    assert column(["ฝนตก ถนนปิด"], "commas_per_word") == approx([1 / 5.5])
    assert column(["ฝนตก ถนนปิด"], "cjk_ratio") == approx([9 / 11])


def test_a_thai_clause_space_and_a_chinese_comma_give_the_same_row():
    assert page_features(["ฝนตก ถนนปิด"])[0].tolist() == page_features(["ฝนตก，ถนนปิด"])[0].tolist()


def test_only_the_first_space_of_a_run_between_thai_words_reads_as_a_comma():
    assert clause_marks("ฝนตก   ถนนปิด") == "ฝนตก，  ถนนปิด"


def test_a_space_between_lao_words_reads_as_a_comma():
    # 11 letters (the vowel and tone signs are marks): 1 + 5.5 words
    assert column(["ຝົນຕົກໜັກ ນ້ຳຖ້ວມ"], "commas_per_word") == approx([1 / 6.5])


def test_a_tab_between_thai_words_reads_as_a_comma_too():
    assert clause_marks("ฝนตก\tถนนปิด") == "ฝนตก，ถนนปิด"


def test_a_line_break_between_thai_words_is_left_alone():
    assert clause_marks("ฝนตก \nถนนปิด") == "ฝนตก \nถนนปิด"
    X, _, _ = page_features(["ฝนตก ", "ถนนปิด"])
    assert X.shape[0] == 2


def test_thai_digits_are_not_letters_a_comma_joins():
    assert clause_marks("ราคา ๑๐๐ บาท") == "ราคา ๑๐๐ บาท"


def test_thai_lines_equal_up_to_spacing_repeat():
    assert column(["ฝนตก ถนนปิด", "x", "ฝนตก   ถนนปิด"], "log_repeats_loose") == approx([math.log(2), 0.0, math.log(2)])


def test_a_space_beside_digits_in_thai_is_not_a_comma():
    assert column(["ราคา 100 บาท"], "commas_per_word") == [0.0]


def test_a_space_between_latin_words_is_not_a_comma():
    assert column(["rain falls"], "commas_per_word") == [0.0]


# -- robustness ------------------------------------------------------------------------------------------
def test_one_megabyte_line_gives_one_finite_row():
    X, names, _ = page_features(["word " * 200_000 + "end."])
    assert X.shape == (1, len(names))
    assert np.isfinite(X).all()


def test_features_are_finite_on_a_mixed_page():
    lines = ["  • Home", "", "图书馆周末开放。", "Καλημέρα κόσμε", "© 2026", "|||", "😀", "http://x.example/a.html"]
    X, _, _ = page_features(lines)
    assert np.isfinite(X).all()


# -- batches ---------------------------------------------------------------------------------------------
BATCH = [["Home", "", "A sentence, long enough.", "Home"], [], ["", " "], ["• Menu", "Home", "Story."], ["x"]]


def test_batch_rows_equal_each_page_alone():
    batch = batch_features(BATCH)
    alone = np.vstack([page_features(page)[0] for page in BATCH])
    assert batch.X.tolist() == alone.tolist()


def test_batch_layout_maps_rows_to_pages():
    layout = batch_features(BATCH).layout
    assert layout.offsets.tolist() == [0, 3, 3, 3, 6, 7]
    assert layout.page.tolist() == [0, 0, 0, 3, 3, 3, 4]
    assert layout.index.tolist() == [0, 2, 3, 0, 1, 2, 0]


def test_repetition_is_counted_within_each_page_only():
    f = batch_features(BATCH)
    assert f.X[:, f.names.index("log_repeats")].tolist() == approx([math.log(2), 0, math.log(2), 0, 0, 0, 0])


def test_neighbours_do_not_cross_pages():
    f = batch_features([["Stop."], ["Go"]])
    assert f.X[:, f.names.index("ends_terminal_prev1")].tolist() == [-1.0, -1.0]


def test_score_context_of_a_batch_equals_each_page_alone():
    batch = batch_features(BATCH).layout
    scores = np.linspace(0.1, 0.9, len(batch.page))
    together = score_context_features(scores, batch)[0]
    alone = np.vstack([score_context_features(scores[batch.rows(p)], page_features(page)[2])[0]
                       for p, page in enumerate(BATCH)])
    assert together.tolist() == alone.tolist()


def test_islands_of_a_page():
    # rows 1-2 form the larger island, row 8 a smaller one, 6 rows apart; a tie in distance goes to the earlier
    layout = page_features(["x"] * 10)[2]
    scores = np.array([0.1, 0.9, 0.8, 0.2, 0.1, 0.1, 0.1, 0.1, 0.7, 0.1])
    matrix, names = island_features(scores, layout)
    assert names == ISLAND_NAMES
    assert np.round(matrix.astype(np.float64), 2).tolist() == [
        [1.1, 1.0, 1.1, 0.85, 0.1, 1.0],
        [1.1, 1.0, 1.1, 0.85, 0.0, 1.0],
        [1.1, 1.0, 1.1, 0.85, 0.0, 1.0],
        [1.1, 1.0, 1.1, 0.85, 0.1, 1.0],
        [1.1, 1.0, 1.1, 0.85, 0.2, 1.0],
        [1.1, 1.0, 1.1, 0.85, 0.3, 1.0],
        [1.1, 0.5, 1.1, 0.7, 0.2, 0.0],
        [1.1, 0.5, 1.1, 0.7, 0.1, 0.0],
        [1.1, 0.5, 1.1, 0.7, 0.0, 0.0],
        [1.1, 0.5, 1.1, 0.7, 0.1, 0.0],
    ]


def test_a_page_without_islands_is_far_from_any():
    layout = page_features(["x"] * 3)[2]
    matrix, _ = island_features(np.array([0.1, 0.2, 0.3]), layout)
    assert matrix.tolist() == [[0.0, 0.0, 0.0, 0.0, 1.0, 0.0]] * 3


def test_islands_do_not_cross_pages():
    batch = batch_features([["x"] * 3, ["x"] * 3]).layout
    scores = np.array([0.1, 0.1, 0.9, 0.9, 0.1, 0.1])  # one strong row at the end of page 1, one at the start of 2
    matrix, _ = island_features(scores, batch)
    assert np.round(matrix[:, 0].astype(np.float64), 2).tolist() == [0.69] * 6  # one island a page, not one


def test_comment_cue_after_a_line_of_digits_stays_on_its_line():
    assert column(["Posted 2024", "5", "Comments", "Great post"], "comment_cue") == [0.0, 0.0, 1.0, 0.0]


def test_comment_cue_does_not_reach_into_the_next_page():
    f = batch_features([["Some article text here.", "12"], ["Comments", "Nice post!"]])
    assert f.X[:, f.names.index("comment_cue")].tolist() == [0.0, 0.0, 1.0, 0.0]


def test_a_dotted_capital_i_elsewhere_in_the_batch_does_not_change_cues():
    page = ["Share this article", "A sentence of the story.", "See also: more"]
    f = batch_features([page, ["İstanbul"]])
    assert f.X[:3, f.names.index("teaser_cue")].tolist() == column(page, "teaser_cue") == [1.0, 0.0, 1.0]


@pytest.mark.parametrize("line", ["SIEHE AUCH: mehr", "» Also Read: x", "3 Comments", "12  KOMMENTARE", "Leave a Reply",
                                  "ΣΧΌΛΙΑ (2)", "Комментарии", "评论", "à lire aussi", "_tags", "² Comments",
                                  "SİEHE AUCH", "Related", "Readers said", "comments and more words beyond the cue limit",
                                  "Lesen Sie auch:", "9 comentarios", "ΔΙΑΦΗΜΙΣΗ", "— Advertisement —", "Anzeigenmarkt"])
def test_cue_columns_equal_a_full_scan_of_the_patterns(line):
    from linesift.codepoints import code_points
    from linesift.features import ANY_TEASER_CUE, COMMENT_CUE, LABEL_LINE, TEASER_CUE, _line_hits, lowercase

    lowered = "\n" + lowercase(code_points([line]).joined)
    expected = [_line_hits(pattern, lowered, np.array([0]), 1)[0]
                for pattern in (TEASER_CUE, COMMENT_CUE, ANY_TEASER_CUE, LABEL_LINE)]
    flags = cue_flags([line])[0]
    assert [column([line], "teaser_cue")[0], column([line], "comment_cue")[0], flags & 1, flags // 2] == expected
