"""linesift.training.scale: a long crawl through `linesift predict`, with its speed and memory sampled."""

from __future__ import annotations

import json

import pytest

from linesift.training.scale import check_output, crawl_record, id_word, main, zipf_sites


def test_id_words_are_letters_and_distinct():
    assert [id_word(i) for i in (0, 1, 25, 26, 27, 702)] == ["a", "b", "z", "ba", "bb", "bba"]
    assert len({id_word(i) for i in range(5000)}) == 5000


def test_sites_are_drawn_the_same_way_each_time_and_in_range():
    sites = zipf_sites(1000, 50)
    assert sites.tolist() == zipf_sites(1000, 50).tolist()
    assert sites.min() >= 0 and sites.max() < 50
    assert (sites == 0).sum() > (sites == 49).sum()  # a few large sites, a long tail


def test_a_record_is_its_scrape_with_its_own_word_between_its_sites_template():
    record = crawl_record(27, [["Title", "", "Body text."]], site=1)
    assert record["url"] == "https://www.site-b.example/page/bb"
    assert record["text"].split("\n") == ["Home b", "News b", "About us b", "Search this site b", "Sign in b", "",
                                          "Title bb", "", "Body text. bb", "", "Privacy policy", "Terms of use",
                                          "Contact", "All rights reserved."]


def test_a_record_missing_from_the_output_is_an_error(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps({"id": 0, "line_labels": ["content"], "line_scores": [0.9]}) + "\n")
    with pytest.raises(AssertionError, match="1 output records for 2 input records"):
        check_output(out, [1, 1])


def test_a_run_samples_every_tenth_and_accounts_for_every_record(tmp_path):
    scrapes = tmp_path / "scrapes"
    scrapes.mkdir()
    for i in range(2):
        (scrapes / f"{i}.txt").write_text(f"Menu\n\nA sentence of article {i}, long enough to be read.\n")
    result = main(["--scrapes", str(scrapes), "--pages", "30", "--sites", "4", "--tmp", str(tmp_path),
                   "--out", str(tmp_path / "scale.json"), "--", "--jobs", "1"])
    assert [s["pages"] for s in result["samples"]] == [3, 6, 9, 12, 15, 18, 21, 24, 27, 30]
    assert (result["pages"], result["lines"], result["predict_args"]) == (30, 30 * 14, ["--jobs", "1"])
    assert json.loads((tmp_path / "scale.json").read_text())["samples"] == result["samples"]


def test_a_crawl_without_urls_has_records_without_them(tmp_path):
    from linesift.training.scale import write_crawl

    counts = write_crawl(tmp_path / "c.jsonl", 3, [["Title", "Body text."]], sites=2, urls=False)
    records = [json.loads(row) for row in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert counts == [13, 13, 13] and [sorted(r) for r in records] == [["id", "text"]] * 3
