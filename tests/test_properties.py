"""Property-based tests: every input line is accounted for, and the labelled readers never crash."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linesift.lines import split_lines
from linesift.output import format_page
from linesift.predict import predict_pages
from linesift.training.labelled import (
    LabelledDataError,
    format_labelled_page,
    parse_labelled_page,
    read_jsonl_pages,
)

PAGE_TEXT = st.text(
    alphabet=st.sampled_from(list("ab .!?:|•©\t 0123\r\nДжΩ中文。\u00a0\x00\x1b😀")) | st.characters(), max_size=400
)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _predict(model, text):
    lines = split_lines(text)
    return lines, predict_pages([lines], model)[0]


@FAST
@given(text=PAGE_TEXT)
def test_tsv_has_one_row_per_input_line_with_its_text(tiny_model, text):
    lines, res = _predict(tiny_model, text)
    rows = format_page("p", lines, res.labels, res.scores, "tsv").split("\n")[:-1] if lines else []
    assert len(rows) == len(lines)
    for row, line in zip(rows, lines):
        label, score, original = row.split("\t", 2)
        assert original == line
        assert label in ("content", "boilerplate", "blank")
        assert (score == "") == (label == "blank")
        assert score == "" or 0.0 <= float(score) <= 1.0


@FAST
@given(text=PAGE_TEXT)
def test_jsonl_has_one_record_per_input_line_in_order(tiny_model, text):
    lines, res = _predict(tiny_model, text)
    out = format_page("p", lines, res.labels, res.scores, "jsonl")
    records = [json.loads(r) for r in out.split("\n") if r]
    assert [r["line"] for r in records] == list(range(1, len(lines) + 1))
    assert [r["text"] for r in records] == lines
    assert all(r["score"] is None or 0.0 <= r["score"] <= 1.0 for r in records)


@FAST
@given(text=PAGE_TEXT, threshold=st.floats(0, 1))
def test_text_output_is_a_subsequence_of_the_input_lines(tiny_model, text, threshold):
    lines = split_lines(text)
    res = predict_pages([lines], tiny_model, threshold)[0]
    kept = [line for line in res.content.split("\n") if line] if res.content else []
    it = iter(lines)
    assert all(any(line == x for x in it) for line in kept)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("content\tboilerplate unsure#: \n\rx")), max_size=200))
def test_labelled_page_reader_either_parses_and_round_trips_or_names_the_line(text):
    try:
        page = parse_labelled_page(text, "f.tsv")
    except LabelledDataError as err:
        assert str(err).startswith("f.tsv:")
        return
    again = parse_labelled_page(format_labelled_page(page), "f.tsv")
    assert (again.lines, again.labels, again.meta) == (page.lines, page.labels, page.meta)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row=st.one_of(st.text(max_size=80), st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["lines", "labels", "id", "url"]), inner, max_size=4),
    max_leaves=10).map(json.dumps)))
def test_jsonl_reader_never_crashes(tmp_path, row):
    path = tmp_path / "c.jsonl"
    path.write_text(row.replace("\n", " ") + "\n", encoding="utf-8")
    try:
        list(read_jsonl_pages(path))
    except LabelledDataError as err:
        assert str(err).startswith(str(path))
