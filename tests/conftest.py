"""Shared fixtures: tiny hand-made pages, small trained models and the CLI runner.

Everything here is small on purpose (the whole suite should run in well under a minute) and nothing reads
outside the repository (no ../shared; only tests/test_floors.py's last test reads the corpora, where they are).
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
PAGES_DIR = REPO / "data" / "pages"

NAV = ["Skip to content", "  • Home", "  • News", "  • Sport", "  • Contact", "Search the site"]
FOOTER = ["© 2026 Example Media Ltd", "Privacy policy", "Terms of use", "Follow us"]

PARAGRAPHS = [
    [
        "Harbour dredging plan stalls again",
        "The council and the port trust could not agree on who pays for removing the silt this year.",
        "Engineers warned that the channel will be too shallow for the ferry by the end of the summer.",
        "A new meeting has been called for next month, the harbour master said on Tuesday.",
    ],
    [
        "How to bind a small notebook",
        "Fold each sheet in half and press the crease firmly with a bone folder before you start sewing.",
        "Punch the holes with an awl through all the folded sheets at once so that they line up exactly.",
        "Sew the signatures together with waxed linen thread, pulling each stitch tight as you go.",
    ],
    [
        "Smoky chickpea and squash stew",
        "Warm the oil in a heavy pot and soften the onion slowly for about ten minutes over low heat.",
        "Add the squash, the chickpeas and the smoked paprika, then pour in the stock and simmer gently.",
        "Season the stew with salt and lemon juice and serve it hot with plenty of crusty bread.",
    ],
    [
        "Retrying failed jobs",
        "A job that raises an exception is retried up to three times with an exponential back-off delay.",
        "You can change the number of attempts for a single queue in its configuration file.",
        "Jobs that still fail after the last attempt are moved to the dead letter queue for inspection.",
    ],
]


def _shipped_model_matches_installed_versions() -> bool:
    """Whether the shipped model was saved with the installed scikit-learn's and numpy's major.minor (its
    exact scores are asserted only then)."""
    import numpy
    import sklearn

    from linesift.modelfile import default_model_path, read_sidecar

    saved = read_sidecar(default_model_path())["versions"]
    return all(saved[lib].split(".")[:2] == mod.__version__.split(".")[:2]
               for lib, mod in (("sklearn", sklearn), ("numpy", numpy)))


# a test asserting the shipped model's labels or scores
SHIPPED_MODEL = pytest.mark.skipif(not _shipped_model_matches_installed_versions(),
                                   reason="the shipped model was saved with another scikit-learn/numpy major.minor")


def make_page(paragraphs: list[str]) -> tuple[list[str], list[str | None]]:
    """A tiny page: navigation, a title and paragraphs separated by blank lines, then a footer."""
    lines: list[str] = []
    labels: list[str | None] = []
    for line in NAV:
        lines.append(line)
        labels.append("boilerplate")
    for text in paragraphs:
        lines += ["", text]
        labels += [None, "content"]
    lines.append("")
    labels.append(None)
    for line in FOOTER:
        lines.append(line)
        labels.append("boilerplate")
    return lines, labels


@pytest.fixture(scope="session", autouse=True)
def _one_openmp_thread():
    """Run scikit-learn's OpenMP code (histogram gradient boosting) on one thread.

    On a few hundred rows the trees are dominated by thread start-up and barrier spinning; on a machine whose
    CPUs are busy with other work a 20-tree fit took 3-6 s with the default thread count and 0.1 s with one
    (the whole suite: 4 min against 5 s). The fitted scores are the same either way.
    """
    import sklearn.ensemble  # noqa: F401  (loads the OpenMP runtime so the limit applies to it)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"):
        yield


@pytest.fixture(scope="session")
def tiny_pages() -> list[tuple[list[str], list[str | None]]]:
    """Four tiny labelled pages as (lines, labels); blank lines are labelled None."""
    return [make_page(p) for p in PARAGRAPHS]


@pytest.fixture(scope="session")
def tiny_model(tiny_pages):
    """A small LineClassifier fitted on the first three tiny pages (the fourth is left unseen)."""
    from linesift.classifier import LineClassifier

    train = tiny_pages[:3]
    return LineClassifier(n_estimators=20, cv=2).fit([p[0] for p in train], [p[1] for p in train])


@pytest.fixture(scope="session")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def trained(tmp_path_factory, runner):
    """`linesift train data/pages --trees 30 -o m.model`, run once: (model path, CliRunner result)."""
    from linesift.cli import app

    path = tmp_path_factory.mktemp("model") / "m.model"
    result = runner.invoke(app, ["train", str(PAGES_DIR), "--trees", "30", "-o", str(path)])
    return path, result


@pytest.fixture(scope="session")
def model_file(trained) -> Path:
    """Path of the small model trained on data/pages (with its .json sidecar beside it)."""
    path, result = trained
    assert result.exit_code == 0, result.output
    return path


# a page in a language no model here was trained on (made-up words): 20+ words the lexical step reads
UNSEEN_PAGE = ["Zorblat quindle vemmish trask ollopine dravick sune.", "",
               "Pentrovar mish klodd yarrow vintessa glumph arrowick tesh borrin.", "",
               "Quastor vellip nook drammer zintillo hebbish corven alatt ruskin plovey.", "",
               "Ombrevix tallow senk fribble gastromir pellet unkwist damber lorrel."]


# an article followed by a reader's comment under its byline (model/tails.py)
COMMENTED_PAGE = ["Home | News | Sport", "",
                  "The harbour board met on Monday and agreed to dredge the eastern channel before the summer.",
                  "Fishermen asked for the work to stop during the spawning season, which runs through March.",
                  "The board said it would publish a timetable for the dredging work next week, after a vote.", "",
                  "Brianna on October 23rd, 2012 2:42 pm", "",
                  "I have fished the eastern channel for thirty years and I have never seen it this shallow, ever."]
COMMENTED_LABELS = ["boilerplate", None, "content", "content", "content", None, "boilerplate", None, "boilerplate"]


@pytest.fixture(scope="session")
def commented_page() -> tuple[list[str], list[str | None]]:
    """A short article, then a reader's comment under its byline; labels as in ../shared/LABELING.md."""
    return COMMENTED_PAGE, COMMENTED_LABELS


class Gain:
    """A stand-in tail model: the same predicted gain for every candidate."""

    def __init__(self, gain):
        self.gain = gain

    def predict(self, matrix):
        return np.full(len(matrix), self.gain)


@pytest.fixture(scope="session")
def gain_model():
    """``Gain``: a stand-in tail model of one predicted gain, ``Gain(0.1)``."""
    return Gain


@pytest.fixture
def cutting_model(tiny_model):
    """The tiny model keeping every line, with a stand-in tail model cutting each page at its first candidate
    (``tails.py``: the earliest of equal gains)."""
    model = copy.deepcopy(tiny_model)
    model.threshold_ = 0.0  # every line kept, so the cut alone decides
    model.tail_model_ = Gain(0.1)
    return model
