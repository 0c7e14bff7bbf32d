"""Adapters for data pipelines: records in, cleaned records out, the model loaded once per process.

``clean_records`` is what a Dask bag partition, a Spark ``mapPartitions`` or a datatrove step calls; it
holds no state between calls except the model, loaded lazily on first use (so the function pickles
cheaply to workers), and streams page by page. ``clean_partition`` cleans a partition's records together
in corpus mode, as ``linesift predict`` cleans a corpus. See the README's "Distributed engines" section.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from linesift.lines import split_lines
from linesift.predict import default_model, predict_corpus, predict_pages
from linesift.settings import BATCH_PAGES_DEFAULT


def clean_records(records: Iterable[dict], text_field: str = "text", model=None,
                  threshold: float | None = None, cut: bool = True) -> Iterator[dict]:
    """Each record with ``content``, ``line_labels``, ``line_scores`` and ``linesift`` stats added, in order
    (``cut=False``: what follows a page's main content is kept, as ``linesift predict --no-tail-cut``)."""
    model = model if model is not None else default_model()
    it = iter(records)
    while batch := list(islice(it, BATCH_PAGES_DEFAULT)):
        pages = [split_lines(r.get(text_field) or "") for r in batch]
        for record, res in zip(batch, predict_pages(pages, model, threshold, cut=cut)):
            yield res.record(record)


def clean_partition(records: Iterable[dict], text_field: str = "text", model=None, threshold: float | None = None,
                    url_field: str = "url", cut: bool = True) -> list[dict]:
    """The records of one partition, cleaned together in corpus mode, as ``linesift predict`` cleans a
    corpus: lines repeated across the partition's pages of a site (the host of ``url_field``, else a site
    inferred from shared template lines, ``sites.corpus_sites``) count as template. The partition is held
    in memory; give each partition the pages of a few sites (e.g. partitioned by host) for the most signal."""
    from linesift.sites import site_of_url

    records = list(records)
    pages = [split_lines(r.get(text_field) or "") for r in records]
    hosts = [site_of_url(r.get(url_field) if isinstance(r.get(url_field), str) else None) for r in records]
    return [res.record(record) for record, res in zip(records, predict_corpus(pages, model, threshold, hosts,
                                                                             cut=cut))]
