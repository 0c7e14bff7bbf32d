"""Import labelled pages from corpora of HTML + gold main text (see ../shared/corpora/SOURCES.md).

Each record's HTML is rendered with each requested renderer, the rendered lines are aligned to the gold
(``align.align_labels``) and written as labelled pages. The oracle score of a page is the word F1 of its
content-labelled lines against the gold: what a perfect line classifier could reach on that scrape.
Records that are already line-labelled (``lines`` + ``labels``) are passed through.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from pathlib import Path

from linesift.inputs import bounded_rows, stdin_rows
from linesift.lines import NotTextError, split_lines
from linesift.output import gzip_named
from linesift.sites import site_of_url
from linesift.training.align import align_lines
from linesift.training.labelled import (LabelledPage, RowCount, decoded_rows, json_rows, page_from_record,
                                       refuse_utf16)
from linesift.training.metrics import word_prf
from linesift.training.renderers import render_checked

_DANIEL_SITE = re.compile(r"^daniel/\d+_([^_]+)_")


def record_meta(record: dict) -> dict[str, str]:
    """Page metadata kept from a corpus record: id, corpus, url, lang, page_type, site."""
    meta = {k: str(record[k]) for k in ("id", "corpus", "url", "lang")  # a number (id 0 too) or a string
            if isinstance(record.get(k), (str, int, float)) and not isinstance(record[k], bool) and record[k] != ""}
    page_type = record.get("page_type")
    if isinstance(page_type, dict):
        page_type = page_type.get("primary")
    if page_type:
        meta["page_type"] = str(page_type)
    m = _DANIEL_SITE.match(meta.get("id", ""))  # the id as a string (a number or null is no daniel id)
    if m and not record.get("url"):
        meta["site"] = site_of_url(m.group(1)) or m.group(1)
    return meta


def label_record(record: dict, renderer: str, as_shipped: bool = False) -> tuple[LabelledPage, float | None]:
    """Render and align one HTML+gold record; return the labelled page and its oracle word F1. ``as_shipped``:
    rendered and aligned as the shipped model's pages were (``render_checked``'s lynx, and ``align.align_labels``
    without folding)."""
    meta = record_meta(record)
    if "lines" in record:
        page = page_from_record(record, meta.get("id", "?"))
        page.meta.update(meta)
        return page, None
    text, error = render_checked(record.get("html") or "", renderer, as_shipped)
    if error:  # the page is still written, with no lines; linesift import names it on stderr
        meta["render_error"] = error
    lines = split_lines(text)
    gold = record.get("main_content") or ""
    labels, unaligned = align_lines(lines, gold, record.get("without") or [], fold=not as_shipped)
    if unaligned:  # linesift import names the page on stderr
        meta["unaligned_lines"] = str(unaligned)
    kept = "\n".join(line for line, lab in zip(lines, labels) if lab == "content")
    oracle = word_prf(kept, gold)[2]
    meta["renderer"] = renderer
    meta["oracle_word_f1"] = f"{oracle:.4f}"
    return LabelledPage(lines, labels, meta, meta.get("id", "?")), oracle


class CorpusError(ValueError):
    """A corpus record that cannot be imported; the message starts with ``file:line:``."""


def record_problem(record) -> str | None:
    """What makes a corpus record unusable, or None: an HTML record needs ``html`` and ``main_content``
    strings (the gold may be empty), a line-labelled one ``lines`` and ``labels`` (checked when read)."""
    if not isinstance(record, dict):
        return "a record must be a JSON object"
    if "lines" in record:
        return None
    for key in ("html", "main_content"):
        if not isinstance(record.get(key), str):
            return (f"no {key!r} string" + (" (the gold main text; a record may instead hold 'lines' and 'labels')"
                                            if key == "main_content" else ""))
    for key in ("with", "without"):
        value = record.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(x, str) for x in value)):
            return f"{key!r} must be a list of strings"
    return None


def read_records(path: str | Path) -> Iterator[dict]:
    """The records of a corpus file (``-``: stdin), checked; a bad one raises CorpusError naming its line."""
    if str(path) == "-":
        handle = nullcontext(stdin_rows(binary_stop=True))
    else:
        handle = (gzip.open if gzip_named(path) else open)(path, "rb")
    counted = RowCount()
    with handle as rows:
        if str(path) != "-":
            refuse_utf16(rows, str(path), CorpusError)
            rows = bounded_rows(rows)
        try:
            for number, record in json_rows(decoded_rows(counted(rows), str(path), CorpusError), str(path),
                                            CorpusError):
                problem = record_problem(record)
                if problem:
                    raise CorpusError(f"{path}:{number}: {problem}")
                if "lines" in record:
                    page_from_record(record, f"{path}:{number}")  # raises LabelledDataError naming the line
                yield record
        except (EOFError, zlib.error, gzip.BadGzipFile) as err:  # a .gz cut short or corrupt
            raise CorpusError(f"{path}:{counted.number + 1}: cannot read ({err})") from None
        except NotTextError as err:  # a row of binary data (/dev/zero), read no further
            raise CorpusError(f"{path}:{counted.number + 1}: {err}") from None


def _job(args):
    return label_record(*args)


def import_corpus(path: str | Path, renderers: list[str], jobs: int = 1,
                  select=None, as_shipped: bool = False) -> Iterator[tuple[LabelledPage, float | None]]:
    """Labelled pages of a corpus file, for each renderer, in input order; with ``select(record, renderer)``
    only the renders it picks are made (``as_shipped``: as in ``label_record``)."""
    tasks = ((record, r, as_shipped) for record in read_records(path)
             for r in (renderers[:1] if "lines" in record else renderers) if select is None or select(record, r))
    if jobs <= 1:
        yield from map(_job, tasks)
        return
    with ProcessPoolExecutor(jobs) as pool:
        yield from pool.map(_job, tasks, chunksize=8)
