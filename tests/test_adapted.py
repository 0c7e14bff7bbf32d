"""The shipped (here: a tiny) model adapted to a user's labelled pages (model/adapted.py, `train --adapt`)."""

from __future__ import annotations

import json
import textwrap

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
    assert (model.corrects_, model.oof_scores_["corrects"]) == (corrects, corrects)
    lines = tiny_pages[3][0]
    same = np.array_equal(model.score_pages([lines])[0], tiny_model.score_pages([lines])[0], equal_nan=True)
    assert same == (not corrects)


def test_a_model_that_falls_back_reports_the_base_models_scores(tiny_model, tiny_pages):
    model = AdaptedClassifier(base=tiny_model, **SMALL).fit(*zip(*tiny_pages))
    s = model.oof_scores_
    assert (s["word_f1"], s["line_f1"], s["threshold"]) == (s["base_word_f1"], s["base_line_f1"], tiny_model.threshold_)
    assert model.threshold_ == tiny_model.threshold_


def test_an_adapted_model_is_no_base(adapted, user_pages):
    with pytest.raises(ValueError, match="the base model is an adapted model: adapt its base instead"):
        AdaptedClassifier(base=adapted, **SMALL).fit(*zip(*user_pages))


def test_a_clone_keeps_the_base_and_is_unfitted(adapted):
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError

    copy = clone(adapted)
    assert copy.base is adapted.base
    with pytest.raises(NotFittedError):
        copy.score_pages([["a line"]])


def test_predict_gives_the_labels_of_the_scores(adapted):
    lines, labels = commented(PARAGRAPHS[3], COMMENTS[3])
    assert adapted.predict([lines]) == [[lab or "blank" for lab in labels]]


def test_a_hard_wrapped_labelled_page_is_read_as_scored():
    from linesift.adapted import labelled_as_scored
    from test_wrapping import MENU, PARAGRAPHS as WRAPPED, wrapped_page

    lines = wrapped_page()
    first = len(textwrap.wrap(WRAPPED[0], 64))  # the first paragraph's lines, all content
    labels = [None if not line else "content" if len(MENU) < i <= len(MENU) + first else "boilerplate"
              for i, line in enumerate(lines)]
    labels[len(MENU) + first + 2] = "content"  # one line of the second paragraph: its lines disagree
    assert labelled_as_scored(lines, labels) == (
        MENU + ["", WRAPPED[0], "", WRAPPED[1], "", "  • Share", "© 2026 Harbour News"],
        ["boilerplate"] * len(MENU) + [None, "content", None, "unsure", None, "boilerplate", "boilerplate"])


def test_a_page_that_is_not_wrapped_keeps_its_lines_and_labels(user_pages):
    from linesift.adapted import labelled_as_scored

    lines, labels = user_pages[0]
    assert labelled_as_scored(lines, labels) == (lines, labels)


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
    # the base model was trained on these very pages: a correction cannot beat it out of fold
    assert result.stdout.endswith(", did not beat it out of fold)\n")
    assert "linesift: note: adapting did not beat the base model on these pages out of fold, so the model written " \
           "labels pages as the base model does\n" in result.stderr
    assert json.loads(path.with_name("a.model.json").read_text())["kind"] == "linesift.AdaptedClassifier"


@pytest.fixture(scope="module")
def correcting_file(adapted, tmp_path_factory):
    """The adapted tiny model (it uses its correction), written to a model file."""
    from linesift.modelfile import save_model

    path = tmp_path_factory.mktemp("correcting") / "c.model"
    save_model(adapted, path)
    return path


@pytest.mark.parametrize("flags, threshold", [([], None), (["--members", "1"], None), (["--no-unseen-raise"], None),
                                              (["--no-sites"], None), (["--threshold", "0"], 0.0)])
def test_predict_with_an_adapted_model(runner, correcting_file, tmp_path, flags, threshold):
    lines, labels = commented(PARAGRAPHS[3], COMMENTS[3])
    page = tmp_path / "page.txt"
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(page), "-m", str(correcting_file), "--format", "tsv", "-q", *flags])
    assert result.exit_code == 0, result.output
    rows = [row.split("\t") for row in result.stdout.splitlines()]
    assert [row[2] for row in rows] == lines
    expected = [lab or "blank" for lab in labels] if threshold is None else [
        "content" if line else "blank" for line in lines]
    assert [row[0] for row in rows] == expected


def test_evaluate_and_info_read_an_adapted_model(runner, correcting_file, tmp_path):
    result = runner.invoke(app, ["info", str(correcting_file)])
    assert result.exit_code == 0, result.output
    side = json.loads(result.stdout)
    assert (side["kind"], side["cross_validated"]["corrects"]) == ("linesift.AdaptedClassifier", True)
    lines, labels = commented(PARAGRAPHS[3], COMMENTS[3])
    (tmp_path / "p.tsv").write_text("".join(f"{lab}\t{line}\n" if lab else "\n" for line, lab in zip(lines, labels)),
                                    encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(correcting_file), str(tmp_path / "p.tsv"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["line_f1"] == 1.0


def test_train_adapt_refuses_an_adapted_base(runner, correcting_file, tmp_path):
    result = runner.invoke(app, ["train", str(PAGES_DIR), "--adapt", "--base", str(correcting_file),
                                 "-o", str(tmp_path / "m.model")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {correcting_file}: an adapted model; adapt its base model instead\n"


@pytest.mark.parametrize("flags, message", [
    (["--adapt", "--trees", "10"], "Error: --trees: for training from scratch; --adapt takes --cv, --threshold, "
                                   "--sites and --base\n"),
    (["--adapt", "--members", "1", "--no-headline"], "Error: --headline/--no-headline, --members: for training from "
                                                     "scratch; --adapt takes --cv, --threshold, --sites and --base\n"),
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
