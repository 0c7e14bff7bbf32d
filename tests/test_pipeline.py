"""Running linesift inside a distributed engine (Dask, local processes): records in, cleaned records out."""

from __future__ import annotations

import pytest

from conftest import SHIPPED_MODEL
from linesift.pipeline import clean_records

RECORDS = [{"id": i, "text": f"Home\n\nParagraph {i} of the story, told in a long sentence.\nShare"} for i in range(10)]


def test_clean_records_keeps_fields_and_order(tiny_model):
    out = list(clean_records(RECORDS, model=tiny_model))
    assert [r["id"] for r in out] == list(range(10))
    assert all(len(r["line_labels"]) == 4 and r["line_labels"][1] == "blank" for r in out)
    assert all(r["linesift"]["lines"] == 4 for r in out)


@pytest.mark.parametrize("clean", ["clean_records", "clean_partition"])
def test_cleaning_records_cleaned_before_warns_once(tiny_model, clean):
    import linesift.pipeline

    records = [RECORDS[0], *({**r, "content": "old", "linesift": {}} for r in RECORDS[1:3])]
    with pytest.warns(UserWarning) as said:
        out = list(getattr(linesift.pipeline, clean)(records, model=tiny_model))
    assert [str(w.message) for w in said] == ["record 1: already has 'content', 'linesift', which the results "
                                              "replace (said for the first such record only)"]
    assert out[1]["content"] != "old"


def test_cleaning_a_record_without_a_page_warns_of_the_error_it_replaces_and_the_results_it_keeps(tiny_model):
    records = [{"id": 1, "txt": "x", "content": "kept", "error": "upstream: HTTP 503"}]
    with pytest.warns(UserWarning) as said:
        out = list(clean_records(records, model=tiny_model))
    assert [str(w.message) for w in said] == ["record 0: already has 'error', which the error replaces and 'content', "
                                              "which stays beside the error (said for the first such record only)"]
    assert out == [{"id": 1, "txt": "x", "content": "kept", "error": "record 0: no string field 'text'"}]


@pytest.mark.parametrize("clean", ["clean_records", "clean_partition"])
def test_cleaning_a_record_holding_an_error_warns_that_it_stays_beside_the_results(tiny_model, clean):
    import linesift.pipeline

    records = [{**RECORDS[0], "error": "record 0: no string field 'text'"}]
    with pytest.warns(UserWarning) as said:
        out = list(getattr(linesift.pipeline, clean)(records, model=tiny_model))
    assert [str(w.message) for w in said] == ["record 0: already has 'error', which stays beside the results (said "
                                              "for the first such record only)"]
    assert (out[0]["error"], out[0]["linesift"]["lines"]) == ("record 0: no string field 'text'", 4)


def test_clean_records_passes_no_cut_on(cutting_model, commented_page):
    record = {"text": "\n".join(commented_page[0])}
    cut, kept = (next(clean_records([record], model=cutting_model, cut=flag)) for flag in (True, False))
    assert (cut["linesift"].get("content_end"), kept["linesift"].get("content_end")) == (7, None)


def test_clean_partition_passes_no_cut_on(cutting_model, commented_page):
    from linesift.pipeline import clean_partition

    records = [{"text": "\n".join(commented_page[0]), "url": "https://a.example/1"}]
    cut, kept = (clean_partition(records, model=cutting_model, cut=flag)[0] for flag in (True, False))
    assert (cut["linesift"].get("content_end"), kept["linesift"].get("content_end")) == (7, None)


def _partition(records, model_path):
    from linesift.modelfile import load_model

    return list(clean_records(records, model=load_model(model_path)))


def test_dask_bag_gives_the_same_records_as_a_loop(model_file):
    dask_bag = pytest.importorskip("dask.bag")
    from linesift.modelfile import load_model

    bag = dask_bag.from_sequence(RECORDS, npartitions=3)
    out = bag.map_partitions(_partition, str(model_file)).compute(scheduler="processes", num_workers=2)
    assert out == list(clean_records(RECORDS, model=load_model(model_file)))


def test_the_readme_s_dask_shards_concatenate_into_one_jsonl_stream(model_file, tmp_path):
    import gzip
    import json

    dask_bag = pytest.importorskip("dask.bag")
    bag = dask_bag.from_sequence(RECORDS, npartitions=3)
    bag.map_partitions(_partition, str(model_file)).map(json.dumps).to_textfiles(
        str(tmp_path / "clean-*.jsonl.gz"), last_endline=True, scheduler="sync")  # as the README writes them
    joined = b"".join(gzip.decompress(p.read_bytes()) for p in sorted(tmp_path.glob("clean-*.jsonl.gz")))
    assert [json.loads(row)["id"] for row in joined.decode("utf-8").splitlines()] == [r["id"] for r in RECORDS]


@SHIPPED_MODEL
def test_clean_partition_cleans_records_together_as_predict_cleans_a_corpus(runner, tmp_path):
    import json

    from linesift.cli import app
    from linesift.pipeline import clean_partition

    template = ["Home", "World news", "Sport results", "Weather today", "Contact the newsroom", "About us"]
    stories = ["harbour", "council", "bridge", "market", "school", "station"]  # digits fold alike: words
    records = [{"id": i, "text": "\n".join(template + [f"The {w} story is told in a long sentence, at length."])}
               for i, w in enumerate(stories)]  # no url: the site is inferred from the six shared lines
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = runner.invoke(app, ["predict", str(corpus), "-f", "jsonl"])  # the shipped model, which uses sites
    together = clean_partition(records)
    from_cli = [json.loads(row)["line_scores"] for row in result.stdout.splitlines()]
    assert [r["line_scores"] for r in together] == from_cli
    assert [r["line_scores"] for r in together] != [r["line_scores"] for r in clean_records(records)]


def test_clean_records_say_which_line_of_a_one_line_page_was_kept_whole(tiny_model):
    flat = {"text": "Home News Sport " + "The council met on Tuesday to agree on the harbour budget. " * 30}
    out = list(clean_records([flat, {"text": "Home\nThe council met."}], model=tiny_model))
    assert [r["linesift"].get("whole_line") for r in out] == [1, None]


@pytest.mark.parametrize("clean", ["records", "partition"])
def test_a_record_without_a_string_text_gets_an_error_and_the_others_are_cleaned(tiny_model, clean):
    from linesift.pipeline import clean_partition

    records = [RECORDS[0], {"id": "n", "text": 5}, {"id": "m"}, {"id": "none", "text": None}, 7, RECORDS[1]]
    out = (list(clean_records(records, model=tiny_model)) if clean == "records"
           else clean_partition(records, model=tiny_model))
    assert [(r.get("id"), r.get("error")) for r in out] == [
        (0, None), ("n", "record 1: no string field 'text'"), ("m", "record 2: no string field 'text'"),
        ("none", "record 3: no string field 'text'"), (None, "record 4: a record must be a mapping (a JSON object)"),
        (1, None)]
    assert [len(r.get("line_labels", [])) for r in out] == [4, 0, 0, 0, 0, 4]


def test_a_mapping_that_is_not_a_dict_is_cleaned_as_a_dict_is(tiny_model):
    from collections import UserDict

    out = list(clean_records([UserDict(RECORDS[0])], model=tiny_model))
    assert out == list(clean_records([RECORDS[0]], model=tiny_model))


@pytest.mark.parametrize("clean", ["clean_records", "clean_partition"])
def test_a_text_field_the_results_replace_is_refused_at_the_call(tiny_model, clean):
    import linesift.pipeline

    with pytest.raises(ValueError, match="^text_field 'content': the results are written to the records' content, "
                                         "line_labels, line_scores, linesift fields \\(or error\\), which would "
                                         "replace the page"):
        getattr(linesift.pipeline, clean)([{"content": "Home\nA page."}], text_field="content", model=tiny_model)
