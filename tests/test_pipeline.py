"""Running linesift inside a distributed engine (Dask, local processes): records in, cleaned records out."""

from __future__ import annotations

import pytest

from linesift.pipeline import clean_records

RECORDS = [{"id": i, "text": f"Home\n\nParagraph {i} of the story, told in a long sentence.\nShare"} for i in range(10)]


def test_clean_records_keeps_fields_and_order(tiny_model):
    out = list(clean_records(RECORDS, model=tiny_model))
    assert [r["id"] for r in out] == list(range(10))
    assert all(len(r["line_labels"]) == 4 and r["line_labels"][1] == "blank" for r in out)
    assert all(r["linesift"]["lines"] == 4 for r in out)


def _partition(records, model_path):
    from linesift.modelfile import load_model

    return list(clean_records(records, model=load_model(model_path)))


def test_dask_bag_gives_the_same_records_as_a_loop(model_file):
    dask_bag = pytest.importorskip("dask.bag")
    from linesift.modelfile import load_model

    bag = dask_bag.from_sequence(RECORDS, npartitions=3)
    out = bag.map_partitions(_partition, str(model_file)).compute(scheduler="processes", num_workers=2)
    assert out == list(clean_records(RECORDS, model=load_model(model_file)))
