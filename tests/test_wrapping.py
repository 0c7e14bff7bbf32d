"""Hard-wrapped scrapes (``w3m -dump`` / ``lynx -dump`` at 80 columns): paragraphs joined before scoring."""

from __future__ import annotations

import re
import textwrap
import unicodedata

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


def test_a_page_of_one_long_paragraph_is_joined_into_one_line_without_trailing_spaces():
    text = " ".join([PARAGRAPHS[0]] * 40)
    page = [line + " " for line in textwrap.wrap(text, 64)]  # w3m pads some cut lines with a space
    joined, origin = unwrap(page)
    assert joined == [text]
    assert origin.tolist() == [0] * len(page)


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


# Chinese is written without spaces: w3m wraps it between any two characters at 80 display columns, each
# character taking two (40 characters a line)
CHINESE = [
    ("市政府今天上午召开新闻发布会，介绍了城市轨道交通建设的最新进展。新线路预计明年年底通车，"
     "沿线将设置十二个车站，连接北部新区和老城中心，每天可以运送乘客约三十万人次，"
     "有关部门表示施工期间将尽量减少对居民生活的影响。"),
    ("据介绍，今年全市共完成道路改造工程四十多项，新增公交线路十五条，市民出行更加方便。"
     "交通部门还将在主要路口安装智能信号灯，根据车流量自动调整红绿灯时间，缓解高峰时段的拥堵，"
     "这项工作计划在明年夏天之前全部完成。"),
]


def wrapped_chinese(width_chars: int = 40) -> list[str]:
    page = ["首页", "新闻", ""]
    for paragraph in CHINESE * 2:
        page += [paragraph[i:i + width_chars] for i in range(0, len(paragraph), width_chars)] + [""]
    return page + ["版权所有"]


def test_chinese_wrapped_at_80_columns_is_joined_without_spaces():
    joined, origin = unwrap(wrapped_chinese())
    assert joined == ["首页", "新闻", ""] + [CHINESE[0], "", CHINESE[1], ""] * 2 + ["版权所有"]
    assert origin.tolist() == [0, 1, 2, 3, 3, 3, 4, 5, 5, 5, 6, 7, 7, 7, 8, 9, 9, 9, 10, 11]


def test_chinese_wrapped_by_characters_mixed_with_latin_is_joined_too():
    mixed = [p.replace("十二个", "12个 (line 3) ").replace("四十多项", "40多项 (2026) ") for p in CHINESE]
    page = []
    for paragraph in mixed:  # wrapped at 64 characters, not columns, as lynx and textwrap count
        page += [paragraph[i:i + 64] for i in range(0, len(paragraph), 64)] + [""]
    joined, _ = unwrap(page * 3)
    assert joined == [mixed[0], "", mixed[1], ""] * 3


def test_chinese_with_one_line_per_paragraph_is_not_touched():
    assert unwrap(["首页", ""] + [CHINESE[0], "", CHINESE[1], ""] * 3) is None


KOREAN = [
    ("서울시는 오늘 오전 기자회견을 열고 새로운 지하철 노선의 건설 계획을 발표했다 새 노선은 내년 말에 "
     "개통될 예정이며 북부 신도시와 도심을 연결하게 된다 시 관계자는 공사 기간 동안 주민들의 불편을 "
     "최소화하겠다고 밝혔다."),
    ("올해 시는 도로 개선 사업 마흔여 건을 마쳤고 버스 노선 열다섯 개를 새로 만들었다 교통 당국은 "
     "주요 교차로에 신호등을 설치해 차량 흐름에 따라 신호 시간을 자동으로 바꿀 계획이다."),
]


def wrap_columns(paragraph: str, columns: int) -> list[str]:
    """Wrap at spaces to ``columns`` display columns, a Hangul syllable taking two (as w3m wraps Korean)."""
    out, line = [], ""
    for word in paragraph.split():
        candidate = f"{line} {word}" if line else word
        if len(candidate) + sum("\uac00" <= c <= "\ud7a3" for c in candidate) > columns:
            out.append(line)
            candidate = word
        line = candidate
    return out + [line]


def test_korean_is_left_as_it_is():
    # w3m cuts Korean inside words, and without lowercase a wrapped line cannot be told from a headline list
    lines = wrap_columns(" ".join(KOREAN * 4), 72)
    assert unwrap(lines) is None and unwrap(lines + [""] + lines) is None


def wrap_cjk(text: str, columns: int = 80) -> list[str]:
    """Wrap as w3m does: before any wide character or at a space, never inside a word of Latin letters."""
    def width(s: str) -> int:
        return len(s) + sum(not c.isascii() for c in s)

    out, line = [], ""
    for token in re.findall(r"[A-Za-z0-9]+|\s|.", text):
        if width(line + token) > columns:
            out.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return out + [line]


def test_latin_after_chinese_is_joined_without_a_space():
    paragraph = CHINESE[0][:40] + "Apple" + CHINESE[0][40:]
    lines = wrap_cjk(paragraph)
    assert lines[1].startswith("Apple")
    joined, _ = unwrap((lines + [""]) * 3)
    assert joined == [paragraph, ""] * 3


def test_a_list_of_headlines_cut_at_one_length_is_not_joined():
    text = "".join(CHINESE).replace("。", "，")
    titles = [text[k:k + 32] for k in range(0, 96, 8)]  # a site's "related news", each cut at 32 characters
    assert unwrap(["首页 | 新闻 | 体育", "相关新闻"] + titles + ["版权所有"]) is None
    cut = [title[:31] + "…" for title in titles]  # ... or cut with an ellipsis
    assert unwrap(["首页 | 新闻 | 体育", "相关新闻"] + cut + ["版权所有"]) is None


def test_chinese_wrapped_at_160_columns_is_joined():
    page = []
    for paragraph in CHINESE * 3:
        page += wrap_cjk(paragraph * 2, 160) + [""]
    joined, _ = unwrap(page)
    assert joined == [CHINESE[0] * 2, "", CHINESE[1] * 2, ""] * 3


def test_two_short_chinese_paragraphs_are_joined():
    joined, _ = unwrap(wrap_cjk(CHINESE[0]) + [""] + wrap_cjk(CHINESE[1]))
    assert joined == [CHINESE[0], "", CHINESE[1]]


def test_a_chinese_line_one_column_past_the_width_was_cut():
    # w3m at 80 columns fits 39 Chinese characters (78 columns), or 39 and a digit (79): one such line
    # among 50+ is past the width the page's lines keep to
    paragraphs = [CHINESE[0], CHINESE[1]] * 10 + ["1" + CHINESE[0]]
    page = []
    for paragraph in paragraphs:
        page += wrap_cjk(paragraph, 79) + [""]
    joined, _ = unwrap(page)
    assert joined == [x for paragraph in paragraphs for x in (paragraph, "")]


def test_a_full_stop_past_a_table_row_does_not_make_a_run_a_paragraph():
    text = "".join(CHINESE).replace("。", "，")
    row = [text[:40], text[40:80], "表格  说明文字。"]  # the last line's cells stand 2 spaces apart: not joined
    page = wrap_cjk(CHINESE[0]) + [""] + wrap_cjk(CHINESE[1]) + [""] + row
    joined, _ = unwrap(page)
    assert joined == [CHINESE[0], "", CHINESE[1], ""] + row


def test_a_list_of_excerpts_cut_at_one_length_that_ends_the_page_is_not_joined():
    text = "".join(CHINESE)  # the openings of articles, holding "，" and "。", each cut by the site at 40
    excerpts = [text[k:k + 40] for k in range(0, 64, 8)]
    assert unwrap(["最新文章"] + excerpts) is None


def test_latin_with_a_fullwidth_character_keeps_its_spaces():
    first = "The harbour board met on Monday and the tickets go on sale！"  # a fullwidth "！" ends the line
    second = "and the first concert is already close to sold out, they say."
    joined, _ = unwrap(([first, second, ""]) * 6)
    assert joined == [first + " " + second, ""] * 6


def test_lines_joined_to_a_one_line_page_are_kept_with_it(tiny_model):
    text = "".join(CHINESE) * 2
    long = "详见http://example.com/" + "a" * 50 + " " + text * 8  # a long line a wrap joined to the four above
    page = [text[k:k + 40] for k in range(0, 160, 40)] + [long]
    joined, origin = unwrap(page)
    (thresholds,) = tiny_model.score_pages_and_thresholds([page]).line_thresholds
    assert origin.tolist() == [0, 0, 0, 0, 0] and thresholds.tolist() == [0.0] * 5


# -- scripts without case: Arabic (right to left), Hindi (combining marks), Thai (no spaces between words) ----
ARABIC = [
    ("هطلت أمطار غزيرة على المدينة يوم الثلاثاء، وأغلقت المياه عدة شوارع رئيسية في وسط البلد، وتأخر آلاف "
     "الموظفين عن العودة إلى منازلهم. وقال رئيس البلدية إن فرق الطوارئ عملت طوال الليل لسحب المياه من "
     "الأحياء المنخفضة."),
    ("وتتوقع هيئة الأرصاد الجوية استمرار الأمطار يومين آخرين، ودعت السكان إلى متابعة النشرات والتحذيرات "
     "الرسمية بعناية، وطلبت من السائقين تجنب الطرق المغمورة حتى صباح الغد."),
]
HINDI = [
    ("मंगलवार को शहर में भारी बारिश हुई और कई मुख्य सड़कों पर पानी भर गया, जिससे हजारों लोग देर से घर "
     "पहुंचे। नगर निगम ने कहा कि आपातकालीन दल पूरी रात निचले इलाकों से पानी निकालने में लगे रहे।"),
    ("मौसम विभाग ने अगले दो दिनों तक बारिश जारी रहने का अनुमान लगाया है और लोगों से आधिकारिक चेतावनियों "
     "पर ध्यान देने को कहा है।"),
]
THAI = [
    ("เมื่อวันอังคารที่ผ่านมา ฝนตกหนักต่อเนื่องหลายชั่วโมง ทำให้น้ำท่วมถนนสายหลักหลายสายในตัวเมือง "
     "ประชาชนจำนวนมาก ต้องเดินทางกลับบ้านล่าช้า เจ้าหน้าที่เทศบาล ได้นำเครื่องสูบน้ำมาช่วยระบายน้ำ "
     "ออกจากพื้นที่ลุ่มต่ำ และขอให้ผู้ขับขี่ หลีกเลี่ยงเส้นทางที่มีน้ำท่วมขัง"),
    ("กรมอุตุนิยมวิทยา คาดว่าจะมีฝนตกต่อเนื่อง ไปอีกสองถึงสามวัน จึงขอให้ประชาชน ติดตามประกาศเตือนภัย "
     "อย่างใกล้ชิด"),
]


def columns(text: str) -> int:
    """Display columns as w3m counts them: a combining mark (a Thai or Hindi vowel sign) takes none."""
    return sum(not unicodedata.category(c).startswith("M") for c in text)


def wrap_marks(paragraph: str, width: int, right: bool = False) -> list[str]:
    """Wrap at spaces to ``width`` columns (``right``: padded on the left to the width, as w3m aligns a
    right-to-left paragraph); a word wider than the width stands on a line of its own."""
    out, line = [], ""
    for word in paragraph.split():
        candidate = f"{line} {word}" if line else word
        if line and columns(candidate) > width:
            out.append(line)
            candidate = word
        line = candidate
    out.append(line)
    return [" " * (width - columns(x)) + x if right else x for x in out]


def wrapped_script(paragraphs: list[str], width: int = 72, right: bool = False) -> list[str]:
    page = []
    for paragraph in paragraphs * 3:
        page += wrap_marks(paragraph, width, right) + [""]
    return page


def test_arabic_aligned_to_the_right_is_joined():
    page = wrapped_script(ARABIC, right=True)
    assert page[1].startswith("  ")  # padded on the left
    joined, _ = unwrap(page)
    assert joined == [ARABIC[0], "", ARABIC[1], ""] * 3  # the padding is no indent


def test_a_menu_of_short_arabic_lines_aligned_to_the_right_is_not_joined():
    items = ["الرئيسية", "أخبار العالم", "الرياضة", "الاقتصاد", "اتصل بنا"]
    menu = [" " * (72 - columns(item)) + item for item in items * 4]
    assert unwrap(menu + [""] + wrapped_script(ARABIC, right=True))[0][:20] == menu


def test_hindi_is_measured_without_its_vowel_signs():
    page = wrapped_script(HINDI)
    assert max(map(len, page)) > 72  # longer than the width in characters
    joined, _ = unwrap(page)
    assert joined == [HINDI[0], "", HINDI[1], ""] * 3


def test_thai_is_joined_at_its_spaces():
    joined, _ = unwrap(wrapped_script(THAI))
    assert joined == [THAI[0], "", THAI[1], ""] * 3


def test_a_list_of_arabic_titles_of_one_length_is_not_a_wrapped_page():
    # a site's headlines cut at one length: every line looks cut, but no run of them ends a sentence
    words = " ".join(ARABIC * 3).replace("،", "").replace(".", "")
    titles = wrap_marks(words, 72)
    assert len(titles) >= 8
    assert unwrap(titles + [""] + titles) is None


def test_an_arabic_line_opening_with_a_quote_or_a_digit_is_right_to_left_too():
    page = wrapped_script(ARABIC, right=True)
    for k, opening in ((1, "«"), (2, "2024 ")):  # in the padding, so the lines keep their length
        text = page[k].lstrip()
        assert len(page[k]) - len(text) > len(opening)
        page[k] = " " * (len(page[k]) - len(text) - len(opening)) + opening + text
    _, origin = unwrap(page)
    assert origin[0] == origin[1] == origin[2]


def test_a_list_of_arabic_sentences_of_one_length_is_not_a_wrapped_page():
    # each line ends a sentence: none was cut mid-sentence
    words = " ".join(ARABIC * 3).replace("،", "").replace(".", "")
    sentences = [line + "." for line in wrap_marks(words, 71)]
    assert unwrap(sentences + [""] + sentences) is None


def test_a_run_of_thai_longer_than_the_width_stands_whole_and_is_joined():
    run = "ประชาชนจำนวนมากต้องเดินทางกลับบ้านล่าช้า" * 3  # 102 columns, no space to break at
    paragraph = THAI[0].replace("ประชาชนจำนวนมาก ต้องเดินทางกลับบ้านล่าช้า", run)
    page = wrapped_script([paragraph, THAI[1]])
    assert run in page
    joined, _ = unwrap(page)
    assert joined == [paragraph, "", THAI[1], ""] * 3


def test_long_urls_with_thai_letters_do_not_set_the_width():
    references = [f"  {k}. https://th.wikipedia.org/wiki/ประเทศไทย_ข่าวเศรษฐกิจ_{k}_การเมืองและสังคม" for k in range(1, 4)]
    joined, _ = unwrap(wrapped_page() + references)
    assert joined[4] == PARAGRAPHS[0]


def test_lines_with_long_runs_of_thai_set_the_width():
    clauses = THAI[0].split() + THAI[1].split()
    runs = [a + b for a, b in zip(clauses[::2], clauses[1::2])]  # 32-54 characters without a space
    page = wrapped_script([" ".join(runs), " ".join(runs[::-1])])
    joined, _ = unwrap(page)
    assert joined == [" ".join(runs), "", " ".join(runs[::-1]), ""] * 3
