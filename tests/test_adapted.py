"""The shipped (here: a tiny) model adapted to a user's labelled pages (model/adapted.py, `train --adapt`)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import PAGES_DIR, PARAGRAPHS, make_page
from linesift.adapted import AdaptedClassifier
from linesift.classifier import labels_from_scores
from linesift.cli import app

# the user's convention: a reader's comment under the article is boilerplate (the tiny base model keeps it)
COMMENTS = ["What a great read, thank you for writing it, I have shared it with all of my friends today.",
            "I disagree with most of this, but the second paragraph made me think again about the whole thing.",
            "My grandfather used to say exactly the same thing when we were children, lovely to read it here.",
            "Thanks for the tips, I will try this at the weekend and report back here on how it went for us."]
SMALL = {"n_estimators": 20, "min_samples_leaf": 2, "cv": 2}  # a booster that can learn from a few pages


def commented(paragraphs: list[str], comment: str) -> tuple[list[str], list[str | None]]:
    """A tiny page with a reader's comment between its last paragraph and its footer, labelled boilerplate."""
    lines, labels = make_page(paragraphs)
    at = len(lines) - 5  # the blank line before the footer
    return lines[:at] + ["", comment] + lines[at:], labels[:at] + [None, "boilerplate"] + labels[at:]


@pytest.fixture(scope="module")
def user_pages():
    """Nine commented pages of the first three articles (comments 0-2) to adapt on."""
    return [commented(p, c) for p in PARAGRAPHS[:3] for c in COMMENTS[:3]]


@pytest.fixture(scope="module")
def adapted(tiny_model, user_pages):
    return AdaptedClassifier(base=tiny_model, **SMALL).fit([p[0] for p in user_pages], [p[1] for p in user_pages])


def labels_of(model, lines):
    scored = model.score_pages_and_thresholds([lines])
    return labels_from_scores(scored.scores[0], scored.line_thresholds[0])


def test_the_adapted_model_drops_what_the_user_labels_boilerplate_and_the_base_keeps(tiny_model, adapted):
    lines, labels = commented(PARAGRAPHS[3], COMMENTS[3])  # an article and a comment neither model saw
    comment = lines.index(COMMENTS[3])
    assert labels_of(tiny_model, lines)[comment] == "content"
    assert labels_of(adapted, lines) == [lab or "blank" for lab in labels]


def test_the_adapted_model_reports_the_base_model_on_the_same_pages(adapted):
    s = adapted.oof_scores_
    assert (s["base_line_precision"], s["base_line_recall"]) == (0.8, 1.0)  # the base keeps the 9 comments
    assert s["word_f1"] > s["base_word_f1"]
    assert adapted.corrects_


@pytest.mark.parametrize("fallback, corrects", [(True, False), (False, True)])
def test_a_correction_no_better_than_the_base_falls_back_to_it(tiny_model, tiny_pages, fallback, corrects):
    # the tiny pages as the base was trained on them: nothing to correct, the base labels them all right
    model = AdaptedClassifier(base=tiny_model, fallback=fallback, **SMALL).fit(*zip(*tiny_pages))
    assert model.oof_scores_["base_word_f1"] == 1.0
    assert model.corrects_ == corrects
    lines = tiny_pages[3][0]
    same = np.array_equal(model.score_pages([lines])[0], tiny_model.score_pages([lines])[0], equal_nan=True)
    assert same == (not corrects)


def test_the_adapted_model_keeps_the_base_model_whole(tiny_model, adapted):
    assert adapted.base_ is tiny_model
    assert adapted.members_ == tiny_model.members_
    assert adapted.feature_names_[-16:] == ["base_score", "base_kept", "base_score_prev1", "base_kept_prev1",
                                            "base_score_next1", "base_kept_next1", "base_score_prev2",
                                            "base_kept_prev2", "base_score_next2", "base_kept_next2",
                                            "base_score_win5", "base_kept_win5", "base_score_win11",
                                            "base_kept_win11", "base_score_block_mean", "base_kept_block_mean"]


def test_a_threshold_given_is_used_on_every_line(adapted):
    lines, _ = commented(PARAGRAPHS[3], COMMENTS[3])
    scored = adapted.score_pages_and_thresholds([lines], threshold=0.0)
    assert scored.thresholds == [0.0]
    assert labels_from_scores(scored.scores[0], scored.line_thresholds[0]) == [
        "blank" if not line else "content" for line in lines]


def test_adapting_needs_both_labels(tiny_model, user_pages):
    only_boilerplate = [(lines, ["boilerplate" if lab else None for lab in labels]) for lines, labels in user_pages]
    with pytest.raises(ValueError, match="both content and boilerplate"):
        AdaptedClassifier(base=tiny_model, **SMALL).fit(*zip(*only_boilerplate))


def test_adapting_needs_two_pages(tiny_model, user_pages):
    with pytest.raises(ValueError, match="at least 2 pages"):
        AdaptedClassifier(base=tiny_model, **SMALL).fit([user_pages[0][0]], [user_pages[0][1]])


def test_an_adapted_model_file_loads_and_scores_as_it_was_saved(adapted, tmp_path):
    from linesift.modelfile import load_model, save_model

    path = tmp_path / "a.model"
    side = save_model(adapted, path)
    assert side["kind"] == "linesift.AdaptedClassifier"
    assert side["params"]["base"]["kind"] == "linesift.LineClassifier"
    lines, _ = commented(PARAGRAPHS[3], COMMENTS[3])
    np.testing.assert_array_equal(load_model(path).score_pages([lines])[0], adapted.score_pages([lines])[0])


# -- the CLI ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def adapted_file(tmp_path_factory, runner, model_file):
    """`linesift train data/pages --adapt --base <the small model of data/pages>`, run once."""
    path = tmp_path_factory.mktemp("adapted") / "a.model"
    result = runner.invoke(app, ["train", str(PAGES_DIR), "--adapt", "--base", str(model_file), "-o", str(path)])
    return path, result


def test_train_adapt_prints_its_scores_beside_the_base_models(adapted_file):
    path, result = adapted_file
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("cross-validated (3 folds by site, ")
    assert "; the base model on the same pages: line P " in result.stdout
    # the base model was trained on these very pages: a correction cannot beat it out of fold
    assert "linesift: note: adapting did not beat the base model on these pages out of fold" in result.stderr
    assert json.loads(path.with_name("a.model.json").read_text())["kind"] == "linesift.AdaptedClassifier"


@pytest.mark.parametrize("flags", [["--members", "1"], ["--no-unseen-raise"], ["--threshold", "0.5"]])
def test_predict_with_an_adapted_model(runner, adapted_file, tmp_path, flags):
    path, _ = adapted_file
    lines, _ = commented(PARAGRAPHS[3], COMMENTS[3])
    page = tmp_path / "page.txt"
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(page), "-m", str(path), "--format", "tsv", "-q", *flags])
    assert result.exit_code == 0, result.output
    assert [row.split("\t")[2] for row in result.stdout.splitlines()] == lines


@pytest.mark.parametrize("flags, message", [
    (["--adapt", "--trees", "10"], "Error: --trees: for training from scratch; --adapt takes --cv, --threshold, "
                                   "--sites and --base\n"),
    (["--base", "x.model"], "Error: --base: the model to adapt, with --adapt\n"),
])
def test_train_refuses_options_of_the_other_mode(runner, tmp_path, flags, message):
    result = runner.invoke(app, ["train", str(PAGES_DIR), "-o", str(tmp_path / "m.model"), *flags])
    assert result.exit_code == 2
    assert result.stderr == message


def test_train_adapt_names_a_missing_base_model(runner, tmp_path):
    result = runner.invoke(app, ["train", str(PAGES_DIR), "--adapt", "--base", str(tmp_path / "no.model"),
                                 "-o", str(tmp_path / "m.model")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'no.model'}: no such model file\n"
