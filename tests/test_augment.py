"""Unspaced training copies (training/augment.py): Chinese renders written as Thai is, without sentence marks."""

from __future__ import annotations

from linesift.training.augment import UNSPACED_RENDERER, unspaced_copies, unspaced_line
from linesift.training.labelled import LabelledPage


def test_han_becomes_thai_letters_and_sentence_marks_spaces():
    assert unspaced_line("北京今天下雨，明天晴。") == "ดวทชฐว อชฉ "


def test_other_characters_stay():
    assert unspaced_line("GDP增长3.5%、出口下降。") == "GDPฉฮ3.5% ซศฐถ "
    assert unspaced_line("Home | News, sport.") == "Home | News, sport."


def test_a_line_of_marks_alone_is_not_made_blank():
    assert unspaced_line("。") == "。"


def _page(lang: str, renderer: str) -> LabelledPage:
    return LabelledPage(["首页 | 新闻", "", "北京今天下雨，明天晴。"], ["boilerplate", None, "content"],
                        {"id": f"{lang}-{renderer}", "url": "https://news.example.cn/1", "lang": lang,
                         "renderer": renderer}, "pages.jsonl:1")


def test_copies_are_made_of_chinese_w3m_renders_only_with_their_labels_id_and_url():
    pages = [_page("zh", "w3m"), _page("zh", "lynx"), _page("en", "w3m")]
    copies = unspaced_copies(pages)
    assert [(c.lines, c.labels, c.meta, c.source) for c in copies] == [
        (["รถ | หภ", "", "ดวทชฐว อชฉ "], ["boilerplate", None, "content"],
         {"id": "zh-w3m", "url": "https://news.example.cn/1", "lang": "zh", "renderer": UNSPACED_RENDERER},
         "pages.jsonl:1")]
    assert pages[0].lines[2] == "北京今天下雨，明天晴。" and pages[0].meta["renderer"] == "w3m"  # left as it was
    assert copies[0].site == pages[0].site  # the same page: the same fold


def test_a_copy_has_its_own_template_counts_in_its_page_s_fold():
    from linesift.training.fit import fold_plan

    page, other = _page("zh", "w3m"), _page("en", "w3m")
    page.meta["id"] = "news-1"  # ids whose site keys are kept (fit.SITE_BLANKED_PERCENT)
    other.meta.update(id="page-1", url="https://other.example/1")
    copy = unspaced_copies([page])[0]
    plan = fold_plan([page, copy, other])
    assert plan.keys == ["news.example.cn|w3m", f"news.example.cn|{UNSPACED_RENDERER}", "other.example|w3m"]
    assert plan.groups[0] == plan.groups[1] != plan.groups[2]
