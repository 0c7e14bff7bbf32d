"""The quality floors: their bookkeeping on hand-made scores, and the shipped model held to data/floors.json
on the held-out pages wherever the corpora are beside the checkout (../shared/corpora, or $LINESIFT_CORPORA)."""

from __future__ import annotations

import json
import os

import pytest

from conftest import REPO
from linesift.training import floors

CORPORA = os.environ.get("LINESIFT_CORPORA") or REPO.parent / "shared" / "corpora"


def test_a_score_within_the_margin_of_its_floor_passes_and_one_below_fails():
    given = {"w3m": {"a": 0.800, "b": 0.800}}
    scores = {"w3m": {"a": 0.7951, "b": 0.7949}}
    assert floors.shortfalls(scores, given, margin=0.005) == ["w3m b: 0.7949 is below its floor 0.800 less 0.005"]


def test_a_floor_without_its_score_fails_unless_its_section_was_not_measured():
    given = {"inscriptis": {"daniel": 0.9, "wcxb-dev": 0.8}, "w3m": {"daniel": 0.9}}
    scores = {"inscriptis": {"daniel": 0.95}}
    assert floors.shortfalls(scores, given) == ["inscriptis wcxb-dev: not measured (floor 0.800)"]


def test_writing_raises_floors_rounded_down_and_keeps_a_higher_one():
    new, kept_higher = floors.raised({"w3m": {"a": 0.9, "b": 0.5}}, {"w3m": {"a": 0.8999, "b": 0.61294, "c": 0.7}})
    assert new == {"w3m": {"a": 0.9, "b": 0.612, "c": 0.7}}
    assert kept_higher == ["w3m a: 0.8999 would lower its floor 0.900 (kept; --lower)"]


def test_writing_with_lower_sets_every_floor_to_its_score():
    new, kept_higher = floors.raised({"w3m": {"a": 0.9}}, {"w3m": {"a": 0.8999}}, lower=True)
    assert (new, kept_higher) == ({"w3m": {"a": 0.899}}, [])


def test_lower_without_write_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "some.jsonl.gz").write_bytes(b"")
    with pytest.raises(SystemExit) as stop:
        floors.main(["--corpora", str(tmp_path), "--lower"])
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith("error: --lower goes with --write")


def test_the_committed_floors_cover_the_html_path_and_the_common_crawl_lines():
    committed = json.loads((REPO / "data" / "floors.json").read_text())
    assert set(committed["floors"]) >= {"inscriptis", "lines"}
    assert committed["margin"] == floors.FLOOR_MARGIN


@pytest.mark.skipif(not os.path.isdir(CORPORA), reason=f"no labelled corpora at {CORPORA}")
def test_the_shipped_model_holds_its_floors_on_the_held_out_pages():
    from linesift.modelfile import load_model
    from linesift.training.renderers import available_renderers

    renderers = tuple(r for r in floors.FLOOR_RENDERERS if r in available_renderers())
    scores = floors.measure(floors.Path(CORPORA), load_model(None), renderers)
    assert floors.shortfalls(scores, floors.read_floors(REPO / "data" / "floors.json")) == []
