"""Adapters for data pipelines: records in, cleaned records out, the model loaded once per process.

``clean_records`` is what a Dask bag partition, a Spark ``mapPartitions`` or a datatrove step calls; it
holds no state between calls except the model, loaded lazily on first use (so the function pickles
cheaply to workers), and streams records in batches of 32. ``clean_partition`` cleans a partition's
records together in corpus mode, as ``linesift predict`` cleans a corpus. See the README's "Distributed
engines" section.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice

from linesift.inputs import NO_FIELD
from linesift.lines import split_lines
from linesift.output import ERROR_FIELD, OUTPUT_FIELDS, held_fields
from linesift.predict import default_model, predict_corpus, predict_pages
from linesift.settings import BATCH_PAGES_DEFAULT


def clean_records(records: Iterable[dict], text_field: str = "text", model=None,
                  threshold: float | None = None, cut: bool = True) -> Iterator[dict]:
    """Each record with ``content``, ``line_labels``, ``line_scores`` and ``linesift`` stats added, in order
    (``cut=False``: what follows a page's main content is kept, as ``linesift predict --no-tail-cut``),
    scored ``BATCH_PAGES_DEFAULT`` records at a time. A record without a string ``text_field`` (missing,
    None, a number; or not a dict) comes back with an ``error`` field instead (``unreadable``), as
    ``linesift predict`` writes an error record for it, and the others are cleaned. The first record that
    already holds a field its results replace (``output.OUTPUT_FIELDS``: cleaned before? or ``error``) gets a
    warning. A ``text_field`` the results are written to is refused (``ValueError``)."""
    _check_text_field(text_field)  # at the call, not at the first record
    return _cleaned(records, text_field, model, threshold, cut)


def _cleaned(records: Iterable[dict], text_field: str, model, threshold: float | None, cut: bool) -> Iterator[dict]:
    """``clean_records``'s results, the model loaded at the first record."""
    model = model if model is not None else default_model()
    it = iter(records)
    start = 0
    said = False
    while batch := list(islice(it, BATCH_PAGES_DEFAULT)):
        texts = [page_text(r, text_field) for r in batch]
        said = said or _say_replaced(batch, texts, start)
        good = [i for i, text in enumerate(texts) if text is not None]
        results = dict(zip(good, predict_pages([split_lines(texts[i]) for i in good], model, threshold, cut=cut)))
        for i, record in enumerate(batch):
            yield results[i].record(record) if i in results else unreadable(record, start + i, text_field)
        start += len(batch)


def clean_partition(records: Iterable[dict], text_field: str = "text", model=None, threshold: float | None = None,
                    url_field: str = "url", cut: bool = True) -> list[dict]:
    """The records of one partition, cleaned together in corpus mode, as ``linesift predict`` cleans a
    corpus: lines repeated across the partition's pages of a site (the host of ``url_field``, else a site
    inferred from shared template lines, ``sites.corpus_sites``) count as template. The partition is held
    in memory; give each partition the pages of a few sites (e.g. partitioned by host) for the most signal.
    A record without a string ``text_field`` comes back with an ``error`` field, as in ``clean_records``."""
    from linesift.sites import site_of_url

    _check_text_field(text_field)
    records = list(records)
    texts = [page_text(r, text_field) for r in records]
    _say_replaced(records, texts, 0)
    good = [i for i, text in enumerate(texts) if text is not None]
    hosts = [site_of_url(records[i].get(url_field) if isinstance(records[i].get(url_field), str) else None)
             for i in good]  # records[i] is a mapping: page_text found its text
    results = dict(zip(good, predict_corpus([split_lines(texts[i]) for i in good], model, threshold, hosts, cut=cut)))
    return [results[i].record(record) if i in results else unreadable(record, i, text_field)
            for i, record in enumerate(records)]


def _check_text_field(text_field: str) -> None:
    """Refuse a ``text_field`` the results are written to (its page would be replaced by them), as
    ``linesift predict -f jsonl`` refuses such a ``--text-field``."""
    if text_field in (*OUTPUT_FIELDS, ERROR_FIELD):
        raise ValueError(f"text_field {text_field!r}: the results are written to the records' "
                         f"{', '.join(OUTPUT_FIELDS)} fields (or {ERROR_FIELD}), which would replace the page; copy it "
                         "to another field first")


def _say_replaced(records: list, texts: list[str | None], start: int) -> bool:
    """Warn (once) if one of ``records`` (their page ``texts``, None for none) already holds a field its
    results replace (``OUTPUT_FIELDS``, or ``error`` for a record without a page) or one that stays beside
    them and may contradict them (an old ``error`` beside results, old results beside an ``error``); return
    whether it did."""
    for i, (record, text) in enumerate(zip(records, texts)):
        if not isinstance(record, Mapping):
            continue
        written, other = (OUTPUT_FIELDS, (ERROR_FIELD,)) if text is not None else ((ERROR_FIELD,), OUTPUT_FIELDS)
        if held := held_fields(record, written, other):
            warnings.warn(f"record {start + i}: already has {held} (said for the first such record only)",
                          stacklevel=3)
            return True
    return False


def page_text(record, text_field: str) -> str | None:
    """The page text of a record (a dict or any mapping): its ``text_field`` if that is a string, else None."""
    value = record.get(text_field) if isinstance(record, Mapping) else None
    return value if isinstance(value, str) else None


def unreadable(record, position: int, text_field: str) -> dict:
    """A record that holds no page, as returned: its fields (if it is a mapping) and an ``error`` naming its
    position in the input (from 0)."""
    if not isinstance(record, Mapping):
        return {ERROR_FIELD: f"record {position}: a record must be a mapping (a JSON object)"}
    return {**record, ERROR_FIELD: f"record {position}: {NO_FIELD} {text_field!r}"}
