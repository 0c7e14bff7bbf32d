"""Cross-page repetition: site tables and the site-aware classifier."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
from linesift.classifier import LineClassifier
from linesift.sites import (
    SITE_FEATURE_NAMES,
    SiteTable,
    TemplateGroups,
    build_site_table,
    corpus_sites,
    line_keys,
    site_columns,
    site_of_url,
)


def test_site_of_url_drops_www_and_case():
    assert site_of_url("https://WWW.News.example/a?b") == "news.example"


def test_site_of_url_without_host_is_none():
    assert site_of_url("") is None and site_of_url(None) is None


def test_line_keys_fold_case_digits_and_spacing():
    a, b, c = line_keys(["Page 1 of  9", "page 7 of 3", "Another line"]).tolist()
    assert a == b and a != c


def test_line_keys_are_stable_across_processes():
    # a hash of the code points, not Python's salted hash(): the same value under any PYTHONHASHSEED
    code = "from linesift.sites import line_keys; print(line_keys(['Home', 'About us']).tolist())"
    keys = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")]
    assert keys[0] == keys[1] == f"{line_keys(['Home', 'About us']).tolist()}\n"


def test_line_keys_differ_for_different_lines():
    keys = line_keys(["home", "homes", "ohme", "emoh", "about"]).tolist()
    assert len(set(keys)) == 5


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


def _crawl(table: SiteTable, sites=("a", "b", "c"), pages=4) -> SiteTable:
    """Pages of each site in turn: two template lines of the site and a story line of the page's own (named
    by a letter: digits are folded when lines are counted)."""
    for story in "pqrstuvw"[:pages]:
        for site in sites:
            table.add(site, [f"Menu {site}", f"Story {story} of {site}.", f"Footer {site}"])
    return table


def test_lines_seen_on_one_page_are_dropped_from_every_site_past_the_table_s_budget_and_features_stay():
    bounded, unbounded = _crawl(SiteTable(max_keys=12)), _crawl(SiteTable())
    assert bounded.keys <= 12 < unbounded.keys
    assert bounded.counts["a"] == {k: 4 for k in line_keys(["Menu a", "Footer a"]).tolist()}
    page = ["Menu a", "Story s of a.", "Footer a", "A line never seen."]
    assert np.array_equal(bounded.freeze().features("a", page), unbounded.freeze().features("a", page))


def test_a_frozen_table_gives_each_line_the_count_of_the_site_s_pages_holding_it():
    table = _crawl(SiteTable())
    table.add("d", ["Only d."])
    table.add("d", ["Another d."])
    table._shrink()  # site d keeps no line: none was on both its pages
    frozen = table.freeze()
    page = ["Menu a", "Story s of a.", "Footer b", "A line never seen."]
    for site in ("a", "b", "d"):
        counts = [table.counts[site].get(k, 1) for k in line_keys(page).tolist()]
        assert np.array_equal(frozen.features(site, page),
                              site_columns(np.array(counts, dtype=np.float32), table.pages[site]))
    assert not (frozen.knows("e") or frozen.knows(None) or table.knows("e"))
    assert np.isnan(frozen.features("e", page)).all()
    assert frozen.counts["d"][0].size == 0 and frozen.pages == table.pages


def test_a_model_scores_pages_with_a_table_as_with_its_frozen_form():
    pages, labels, sites = _site_pages()
    model = LineClassifier(n_estimators=10, cv=2, use_sites=True).fit(pages, labels, groups=sites, sites=sites)
    table = SiteTable()
    for page, site in zip(pages, sites):
        table.add(site, page)
    counted, frozen = (model.score_pages(pages, sites, t) for t in (table, table.freeze()))
    assert all(np.array_equal(a, b, equal_nan=True) for a, b in zip(counted, frozen))


def test_sites_updated_longest_ago_are_forgotten_when_template_lines_alone_pass_half_the_budget():
    table = SiteTable(max_keys=6)
    for site in ("a", "b", "c"):  # each site: 2 template lines, on both its pages
        for story in ("x", "y"):
            table.add(site, [f"Menu {site}", f"{story} of {site}", f"Footer {site}"])
    assert (list(table.counts), table.keys, table.knows("a"), table.knows("b")) == (["c"], 2, False, False)


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


def test_predict_corpus_takes_numpy_strings_as_sites():
    from linesift.predict import predict_corpus

    pages, labels, sites = _site_pages()
    model = LineClassifier(n_estimators=10, cv=2, use_sites=True).fit(pages, labels, groups=sites, sites=sites)
    assert model.use_sites_  # so the sites are read (interned: a numpy.str_ cannot be)
    for numpy_sites, str_sites in zip(predict_corpus(pages, model, sites=np.array(sites)),
                                      predict_corpus(pages, model, sites=sites)):
        np.testing.assert_array_equal(numpy_sites.scores, str_sites.scores)  # NaN for blank lines, alike


def test_site_columns_are_dropped_when_no_site_has_two_pages():
    pages, labels, _ = _site_pages()
    model = LineClassifier(n_estimators=10, cv=2, use_sites=True).fit(pages, labels, sites=[f"s{i}" for i in range(6)])
    assert model.use_sites_ is False
    assert not any(n.startswith("site_") for n in model.feature_names_)


def test_fit_when_a_fold_trains_on_sites_of_one_page_only():
    # a.example has two pages, the other four sites one: the fold that holds a.example out trains on pages
    # whose site columns are all missing (scikit-learn's binning cannot take an all-missing column)
    pages, labels, _ = _site_pages()
    sites = ["a.example", "a.example", "c.example", "d.example", "e.example", "f.example"]
    model = LineClassifier(n_estimators=10, cv=2, use_sites=True).fit(pages, labels, groups=sites, sites=sites)
    assert model.use_sites_ is True
    assert [len(s) for s in model.score_pages(pages)] == [6] * 6


def _template_corpus(tmp_path):
    """60 pages of four sites and a site-aware model saved in ``tmp_path``. Every line is six random
    five-letter words and a full stop; a site's five template lines repeat on all its pages, the other three
    lines are new on each page, and the order is shuffled: only the cross-page counts tell them apart."""
    import random

    from linesift.modelfile import save_model

    rng = random.Random(0)
    words = ["apple", "brick", "cloud", "dance", "eagle", "flame", "grape", "house", "ivory", "jolly", "knife",
             "lemon", "mango", "noble", "ocean", "piano", "queen", "river", "stone", "tiger"]

    def sentence():
        return " ".join(rng.choice(words) for _ in range(6)).capitalize() + "."

    templates = {f"s{k}.example": [sentence() for _ in range(5)] for k in range(4)}
    pages, labels, sites = [], [], []
    for i in range(60):
        site = f"s{i % 4}.example"
        rows = [(t, "boilerplate") for t in templates[site]] + [(sentence(), "content") for _ in range(3)]
        rng.shuffle(rows)
        pages.append([r[0] for r in rows])
        labels.append([r[1] for r in rows])
        sites.append(site)
    model = LineClassifier(n_estimators=20, cv=2, use_sites=True, lexical=False).fit(
        pages, labels, groups=sites, sites=sites)
    save_model(model, tmp_path / "m.model")
    return model, pages, labels, sites


def _rounded(preds):
    return [[round(x, 4) for x in p.scores.tolist()] for p in preds]


def test_cli_corpus_mode_scores_with_the_site_table_and_jobs_2_matches_jobs_1(tmp_path):
    import json

    from linesift.cli import app
    from typer.testing import CliRunner

    model, pages, _, sites = _template_corpus(tmp_path)
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "url": f"https://{s}/{i}", "text": "\n".join(p)}) + "\n"
                              for i, (p, s) in enumerate(zip(pages, sites))), encoding="utf-8")
    runner = CliRunner()
    common = ["predict", str(corpus), "--model", str(tmp_path / "m.model"), "--format", "jsonl"]
    one = runner.invoke(app, common + ["-j", "1"])
    two = runner.invoke(app, common + ["-j", "2"])
    alone = runner.invoke(app, common + ["--no-sites"])
    assert one.exit_code == two.exit_code == alone.exit_code == 0
    assert one.stdout == two.stdout
    assert [json.loads(r)["id"] for r in one.stdout.splitlines()] == list(range(60))
    from linesift.predict import predict_pages

    corpus_mode = _rounded(predict_pages(pages, model, sites=sites, table=build_site_table(pages, sites)))
    page_by_page = _rounded(predict_pages(pages, model))
    assert corpus_mode != page_by_page  # the site features matter to this model
    assert [json.loads(r)["line_scores"] for r in one.stdout.splitlines()] == corpus_mode
    assert [json.loads(r)["line_scores"] for r in alone.stdout.splitlines()] == page_by_page


def test_an_exact_duplicate_page_is_counted_once():
    table = build_site_table([["Home", "Story."], ["Home", "Story."], ["Home", "Other."]], ["a.example"] * 3)
    assert table.pages["a.example"] == 2
    assert table.features("a.example", ["Story."])[0, 1] == 0.5


def test_cli_directory_of_scrapes_groups_pages_by_their_template_lines(tmp_path):
    # text files carry no url: the first pass infers the four sites from the five template lines they share
    import json
    from collections import defaultdict

    from linesift.cli import app
    from linesift.predict import predict_pages
    from typer.testing import CliRunner

    model, pages, _, _ = _template_corpus(tmp_path)
    (tmp_path / "scrapes").mkdir()
    for i, page in enumerate(pages):
        (tmp_path / "scrapes" / f"page{i:02d}.txt").write_text("\n".join(page) + "\n", encoding="utf-8")
    runner = CliRunner()
    common = ["predict", str(tmp_path / "scrapes"), "--model", str(tmp_path / "m.model"), "--format", "jsonl"]
    one, two, alone = (runner.invoke(app, common + extra) for extra in (["-j", "1"], ["-j", "2"], ["--no-sites"]))
    assert one.exit_code == two.exit_code == alone.exit_code == 0
    assert one.stdout == two.stdout

    def scores(stdout):
        by_path = defaultdict(list)
        for row in map(json.loads, stdout.splitlines()):
            by_path[row["path"]].append(row["score"])
        return [by_path[p] for p in sorted(by_path)]

    table, inferred = corpus_sites(zip(pages, [None] * len(pages)))
    assert sorted(set(inferred)) == ["~0", "~1", "~2", "~3"]
    assert scores(one.stdout) == _rounded(predict_pages(pages, model, sites=inferred, table=table))
    assert scores(alone.stdout) == _rounded(predict_pages(pages, model))
    assert scores(one.stdout) != scores(alone.stdout)


TEMPLATE = ["Home", "News", "Sport", "Weather", "Contact us"]


def test_pages_sharing_five_template_lines_fall_into_one_inferred_site():
    groups = TemplateGroups()
    pages = [TEMPLATE + ["Story one."], TEMPLATE + ["Story two."], TEMPLATE[:4] + ["Four shared lines only."]]
    assert [groups.site_of_keys(line_keys(p)) for p in pages] == ["~0", "~0", "~1"]


def test_template_lines_are_read_at_both_ends_of_a_page():
    groups = TemplateGroups(edge_lines=2)
    middle = [f"Paragraph {w} of the story." for w in ("one", "two", "three", "four", "five", "six")]
    first = TEMPLATE[:2] + middle + TEMPLATE[2:4]
    second = TEMPLATE[:2] + [f"Other {line}" for line in middle] + TEMPLATE[2:4]
    assert [groups.site_of_keys(line_keys(p)) for p in (first, second)] == ["~0", "~1"]  # 4 shared, 5 needed
    groups = TemplateGroups(edge_lines=2, min_shared=4)
    assert [groups.site_of_keys(line_keys(p)) for p in (first, second)] == ["~0", "~0"]


def test_template_groups_forget_the_group_used_longest_ago():
    groups = TemplateGroups(max_groups=1)
    other = [f"Menu item {w}" for w in ("alpha", "beta", "gamma", "delta", "epsilon")]
    pages = [TEMPLATE + ["Story one."], other + ["Story two."], TEMPLATE + ["Story three."]]
    assert [groups.site_of_keys(line_keys(p)) for p in pages] == ["~0", "~1", "~2"]


def test_site_table_forgets_the_oldest_site_seen_once():
    table = SiteTable(max_single_page_sites=1)
    table.add("a.example", ["Home", "Story one."])
    table.add("b.example", ["Home", "Story two."])  # a.example's first page is forgotten
    table.add("a.example", ["Home", "Story three."])  # so this one counts as its first
    assert not table.knows("a.example") and "b.example" not in table.pages
    table.add("a.example", ["Home", "Story four."])
    assert table.pages["a.example"] == 2
    assert table.freeze().features("a.example", ["Home"])[0, 1] == 1.0


def test_corpus_sites_keeps_given_sites_and_infers_the_others():
    pages = [TEMPLATE + ["Story one."], TEMPLATE + ["Story two."], TEMPLATE + ["Story three."]]
    table, sites = corpus_sites(zip(pages, ["a.example", None, None]))
    assert sites == ["a.example", "~0", "~0"]
    assert table.pages == {"a.example": 1, "~0": 2}


def test_a_near_copy_of_a_page_is_not_counted_again():
    # another snapshot of a page (a new time stamp): counted, its article would look like the site's template
    story = ["Home"] + [f"The {n} long paragraph of the story, told in enough words to hold most of the page."
                        for n in ("first", "second", "third")]
    pages = [story, story + ["12:05."], ["Home", "Another story, on another page of the same site."]]
    assert build_site_table(pages, ["a.example"] * 3).pages["a.example"] == 2
    assert build_site_table(pages, ["a.example"] * 3, near_copy_share=None).pages["a.example"] == 3


def test_first_pass_leaves_html_without_a_site_unrendered_and_alone():
    from linesift.batch import build_table
    from linesift.inputs import Page

    html = Page("a.html", [], html="<p>Home</p>")
    text = Page("b.txt", [], text="Home\nStory.")
    sites = build_table([html, text]).sites
    assert sites == [None, "~0"]
    assert html.html == "<p>Home</p>"  # rendered once, by the pass that scores it


def test_a_page_of_a_heavy_template_with_a_new_article_is_counted():
    # 90% of its characters are menu lines seen on the first page, but its longest line is new
    menu = [f"Menu entry number {w}" for w in ("alpha", "bravo", "charl", "delta", "echos", "foxtr", "golfs",
                                                 "hotel", "india", "julie", "kilos", "limas")]
    pages = [menu + ["A first short story, all new."], menu + ["A second short story, all new."]]
    assert len(pages[1][-1]) / sum(map(len, pages[1])) < 0.1
    assert build_site_table(pages, ["a.example"] * 2).pages["a.example"] == 2


def test_a_page_joins_its_own_site_when_an_older_group_holds_its_generic_lines_too():
    generic = ["Home", "About us", "Contact", "Privacy policy"]
    a = generic + ["Alpha news", "Alpha weather", "Story of alpha."]
    b1 = generic + ["Bravo sport", "Bravo weather", "First bravo story."]  # 4 lines shared with a: its own group
    b2 = generic + ["Bravo sport", "Bravo weather", "Second bravo story."]  # 6 with b1, 4 with a
    groups = TemplateGroups()
    assert [groups.site_of_keys(line_keys(p)) for p in (a, b1, b2)] == ["~0", "~1", "~1"]


def test_a_site_field_of_zero_names_a_site_and_an_empty_one_does_not(tmp_path):
    import json

    from linesift.inputs import iter_records

    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({"text": "A line.", "shop": v}) + "\n" for v in (0, False, "", None)))
    assert [p.site for p in iter_records(str(path), site_field="shop")] == ["0", "False", None, None]


def test_evaluate_scores_labelled_pages_together_as_predict_does(tmp_path):
    import json

    from typer.testing import CliRunner

    from linesift.cli import app
    from linesift.training.evaluate import evaluate_pages
    from linesift.training.labelled import LabelledPage

    model, pages, labels, _ = _template_corpus(tmp_path)
    corpus = tmp_path / "labelled.jsonl"  # no urls: the sites are inferred, as predict infers them
    corpus.write_text("".join(json.dumps({"id": str(i), "lines": p, "labels": lab}) + "\n"
                              for i, (p, lab) in enumerate(zip(pages, labels))), encoding="utf-8")
    labelled = [LabelledPage(p, lab, {"id": str(i)}) for i, (p, lab) in enumerate(zip(pages, labels))]
    together, alone = (evaluate_pages(model, labelled, sites=s) for s in (True, False))
    assert (together["corpus_mode"], alone["corpus_mode"]) == (True, False)
    assert together["line_f1"] != alone["line_f1"]
    assert evaluate_pages(model, labelled[:1], sites=True)["corpus_mode"] is False  # no site of 2+ pages
    runner = CliRunner()
    common = ["evaluate", str(tmp_path / "m.model"), str(corpus), "--json"]
    assert json.loads(runner.invoke(app, common).stdout) == together
    assert json.loads(runner.invoke(app, common + ["--no-sites"]).stdout) == alone


def test_a_site_is_found_after_newer_groups_took_its_generic_lines():
    # "Home"... name only the 2 groups that took them last, yet site a's page shares 7 lines with its group
    generic = ["Home", "About us", "Contact", "Privacy policy"]

    def page(site, n):
        return generic + [f"{site} menu {w}" for w in ("one", "two", "three")] + [f"Story {n} of {site}."]

    groups = TemplateGroups(groups_per_line=2)
    pages = [page("alpha", 1), page("bravo", 2), page("charlie", 3), page("alpha", 4)]
    assert [groups.site_of_keys(line_keys(p)) for p in pages] == ["~0", "~1", "~2", "~0"]


def test_a_given_site_spelled_like_an_inferred_one_stays_apart():
    pages = [TEMPLATE + ["Story one."], TEMPLATE + ["Story two."], TEMPLATE + ["Story three."]]
    table, sites = corpus_sites(zip(pages, ["~0", None, None]))
    assert sites == ["~~0", "~0", "~0"]
    assert table.pages == {"~~0": 1, "~0": 2}


def test_predict_corpus_scores_pages_together_as_the_table_does(tmp_path):
    from linesift.predict import predict_corpus, predict_pages

    model, pages, _, sites = _template_corpus(tmp_path)
    table, inferred = corpus_sites(zip(pages, [None] * len(pages)))
    assert _rounded(predict_corpus(pages, model, batch=7)) == _rounded(
        predict_pages(pages, model, sites=inferred, table=table))
    assert _rounded(predict_corpus(pages, model, sites=sites)) == _rounded(
        predict_pages(pages, model, sites=sites, table=build_site_table(pages, sites)))


def test_predict_corpus_with_a_model_without_site_features_scores_each_page_alone(tiny_model, tiny_pages):
    from linesift.predict import predict_corpus, predict_pages

    pages = [p[0] for p in tiny_pages]
    for together, alone in zip(predict_corpus(pages, tiny_model), predict_pages(pages, tiny_model)):
        np.testing.assert_array_equal(together.scores, alone.scores)  # blank lines' NaN scores compare equal


def test_train_infers_sites_for_labelled_pages_without_urls(tmp_path):
    import json

    from typer.testing import CliRunner

    from linesift.cli import app
    from linesift.modelfile import load_model

    _, pages, labels, _ = _template_corpus(tmp_path)
    corpus = tmp_path / "labelled.jsonl"  # no url, no site: the four sites are inferred from their templates
    corpus.write_text("".join(json.dumps({"id": str(i), "lines": p, "labels": lab}) + "\n"
                              for i, (p, lab) in enumerate(zip(pages, labels))), encoding="utf-8")
    runner = CliRunner()
    for flags, learns_sites in (([], True), (["--no-sites"], False)):
        out = tmp_path / f"t{len(flags)}.model"
        result = runner.invoke(app, ["train", str(corpus), "-o", str(out), "--trees", "10", "--cv", "2"] + flags)
        assert result.exit_code == 0, result.output
        assert load_model(out).use_sites_ is learns_sites


def test_site_keys_infer_a_site_per_renderer_only_when_asked():
    from linesift.training.fit import site_keys
    from linesift.training.labelled import LabelledPage

    pages = [LabelledPage(TEMPLATE + [f"Story {w}."], [None] * 6, {"id": w, "renderer": "w3m"})
             for w in ("one", "two")]
    assert site_keys(pages) == [None, None]
    assert site_keys(pages, infer=True) == ["~0|w3m", "~0|w3m"]


def test_which_pages_train_without_their_site_does_not_depend_on_how_their_path_is_spelled():
    from linesift.training.fit import site_key
    from linesift.training.labelled import LabelledPage

    def keys(folder: str) -> list:
        return [site_key(LabelledPage(TEMPLATE + [f"Story {i}."], [None] * 6, {"url": "https://a.example/x"},
                                      f"{folder}/p{i}.tsv")) for i in range(40)]

    assert keys("data") == keys("./data") == keys("/abs/data")
    assert {None, "a.example|"} == set(keys("data"))  # some pages train without their site, most with it


def test_fold_groups_join_pages_of_an_inferred_site_and_renders_of_a_page():
    from linesift.training.fit import fold_groups
    from linesift.training.labelled import LabelledPage

    pages = [LabelledPage([], [], meta) for meta in (
        {"id": "a", "renderer": "w3m"}, {"id": "b", "renderer": "w3m"}, {"id": "b", "renderer": "lynx"},
        {"id": "c", "renderer": "lynx"}, {"id": "d", "renderer": "w3m"}, {"id": "e", "url": "https://x.org/e"})]
    keys = ["~0|w3m", "~0|w3m", "~0|lynx", "~0|lynx", "~1|w3m", None]
    groups = fold_groups(pages, keys)
    assert len({groups[0], groups[1], groups[2], groups[3]}) == 1  # a-b by their site, b-c through b's renders
    assert groups[4] not in groups[:4] and groups[5] == "x.org"
    assert fold_groups(pages, [None] * 6) == ["a", "b", "b", "c", "d", "x.org"]


def test_fold_groups_of_pages_all_of_one_site_are_by_page():
    from linesift.training.fit import fold_groups
    from linesift.training.labelled import LabelledPage

    pages = [LabelledPage([], [], {"id": i}) for i in ("a", "b", "c")]
    assert fold_groups(pages, ["~0|"] * 3) == ["a", "b", "c"]
    assert len(set(fold_groups(pages, ["~0|"] * 3, one_site_by_page=False))) == 1
    one_host = [LabelledPage([], [], {"id": i, "url": f"https://x.org/{i}"}) for i in ("a", "b")]
    assert fold_groups(one_host, ["x.org|", "x.org|"]) == ["a", "b"]
    no_ids = [LabelledPage([], [], {"url": "https://x.org/"}, source="p.tsv") for _ in range(2)]
    assert fold_groups(no_ids, [None, None]) == ["p.tsv#0", "p.tsv#1"]
