"""Cross-page repetition: site tables and the site-aware classifier."""

from __future__ import annotations

import math

import numpy as np

from linesift.classifier import LineClassifier
from linesift.sites import SITE_FEATURE_NAMES, SiteTable, build_site_table, line_keys, site_of_url


def test_site_of_url_drops_www_and_case():
    assert site_of_url("https://WWW.News.example/a?b") == "news.example"


def test_site_of_url_without_host_is_none():
    assert site_of_url("") is None and site_of_url(None) is None


def test_line_keys_fold_case_digits_and_spacing():
    a, b, c = line_keys(["Page 1 of  9", "page 7 of 3", "Another line"]).tolist()
    assert a == b and a != c


def test_line_keys_are_stable_across_processes():
    # length and crc32, not Python's salted hash(): the same value in every process
    assert line_keys(["home"]).tolist() == [(4 << 32) | 0x71D60CD0]


def test_table_counts_pages_holding_a_line_once_per_page():
    table = build_site_table([["Home", "Home", "Story one."], ["Home", "Story two."]], ["a.example"] * 2)
    feats = table.features("a.example", ["Home", "Story one."])
    assert np.allclose(feats[:, 0], [math.log1p(2), math.log1p(1)])
    assert feats[:, 1].tolist() == [1.0, 0.5]
    assert np.allclose(feats[:, 2], [math.log1p(2)] * 2)


def test_unknown_or_single_page_site_gives_missing_features():
    table = build_site_table([["Home"]], ["a.example"])
    assert np.isnan(table.features("a.example", ["Home"])).all()
    assert np.isnan(table.features(None, ["Home"])).all()
    assert table.features(None, ["Home"]).shape == (1, len(SITE_FEATURE_NAMES))


def test_table_prunes_single_page_lines_when_over_its_cap():
    table = SiteTable(max_keys_per_site=3)
    table.add("s", ["Home", "a"])
    table.add("s", ["Home", "b", "c"])
    assert list(table.counts["s"].values()) == [2]


def _site_pages():
    """Two sites, three pages each: template lines repeat across a site's pages, stories do not."""
    stories = [f"Story {w} is told in a long sentence about the harbour, the council and the weather."
               for w in ("one", "two", "three", "four", "five", "six")]
    pages, labels, sites = [], [], []
    for i, story in enumerate(stories):
        site = "a.example" if i < 3 else "b.example"
        template = ["Latest headlines from the newsroom today", "Sign up for our morning briefing"]
        pages.append(template + ["", story, "", f"Unique footer sentence number {i} written in full."])
        labels.append(["boilerplate", "boilerplate", None, "content", None, "content"])
        sites.append(site)
    return pages, labels, sites


def test_site_aware_model_has_site_columns_and_scores_without_a_table():
    pages, labels, sites = _site_pages()
    model = LineClassifier(n_estimators=10, cv=2, use_sites=True).fit(pages, labels, groups=sites, sites=sites)
    assert [n for n in model.feature_names_ if n.startswith("site_")][:3] == SITE_FEATURE_NAMES
    alone = model.score_pages(pages[:1])[0]
    with_table = model.score_pages(pages[:1], sites[:1], build_site_table(pages, sites))[0]
    assert np.isnan(alone).tolist() == np.isnan(with_table).tolist() == [False, False, True, False, True, False]


def test_site_columns_are_dropped_when_no_site_has_two_pages():
    pages, labels, _ = _site_pages()
    model = LineClassifier(n_estimators=10, cv=2, use_sites=True).fit(pages, labels, sites=[f"s{i}" for i in range(6)])
    assert model.use_sites_ is False
    assert not any(n.startswith("site_") for n in model.feature_names_)
