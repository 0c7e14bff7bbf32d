"""Parquet corpora: one page per row, its columns the record's fields (read with pyarrow, an optional extra)."""

from __future__ import annotations

import os
import stat
from contextlib import suppress
from typing import Iterator

from linesift.inputs import PARQUET_ON_STDIN, InputError, one_line
from linesift.settings import PARQUET_BATCH_ROWS

NEEDS_PYARROW = "reading Parquet needs pyarrow (pip install pyarrow; the parquet extra of linesift)"


def parquet_rows(path: str) -> Iterator[tuple[str, dict, list[str]] | InputError]:
    """Each row of a Parquet file as a record (``inputs.corpus_pages`` reads it), with where it is ("file:N", rows
    numbered from 1) and its warnings; ``PARQUET_BATCH_ROWS`` rows are decoded at a time, a row group at a time.
    A file that is not Parquet is one InputError; a row group that cannot be read gives one for each of its
    rows not read (so output records still line up with the rows; stderr says them in one line), and the next
    group is read."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        yield InputError(f"{path}: {NEEDS_PYARROW}")
        return
    if path == "-":
        yield InputError(f"-: {PARQUET_ON_STDIN}")
        return
    try:
        handle = open(path, "rb")
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # /dev/stdin, a FIFO: no end to read from
            handle.close()
            yield InputError(f"{path}: not a regular file; {PARQUET_ON_STDIN}")
            return
    except OSError as err:
        yield InputError(f"{path}: {err.strerror or err}")
        return
    with handle:
        try:
            table = pyarrow.parquet.ParquetFile(handle)
        except (OSError, pyarrow.ArrowException) as err:
            yield InputError(f"{path}: not a Parquet file ({_reason(err)})")
            return
        number = 0
        for group in range(table.num_row_groups):
            size, done = table.metadata.row_group(group).num_rows, 0
            try:
                for batch in table.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[group]):
                    records, warning = python_rows(batch)
                    for record in records:
                        done += 1
                        where = f"{path}:{number + done}"
                        yield where, record, [] if warning is None else [f"{where}: {warning}"]
            except (OSError, pyarrow.ArrowException) as err:
                first, last, why = number + done + 1, number + size, f"cannot read row group {group + 1} ({_reason(err)})"
                for row in range(first, last + 1):  # stderr says it once, for all of them
                    yield InputError(f"{path}:{row}: {why}",
                                     said="" if row > first else f"{path}: rows {first}-{last}: {why}")
            number += size


def _reason(err: Exception) -> str:
    """pyarrow's message on one line, its control characters (bytes of a corrupt page it quotes) as spaces."""
    return "".join(c if c.isprintable() else " " for c in one_line(err))


def python_rows(batch) -> tuple[list[dict], str | None]:
    """A record batch's rows as dicts (``plain_columns`` first; map columns as lists of [key, value] pairs); a
    column holding values Python cannot hold is read as Arrow writes it as text, and one that cannot be read
    so either is None, each with a warning."""
    import pyarrow

    batch = plain_columns(batch)
    try:
        return batch.to_pylist(), None
    except (ValueError, OverflowError, pyarrow.ArrowException):
        pass
    columns, said = [], []
    for name, column in zip(batch.schema.names, batch.columns):
        try:
            columns.append(column.to_pylist())
            continue
        except (ValueError, OverflowError, pyarrow.ArrowException):
            pass
        try:
            columns.append(column.cast(pyarrow.string()).to_pylist())
            said.append(f"{name!r} read as text")
        except (ValueError, OverflowError, pyarrow.ArrowException):
            columns.append([None] * len(column))
            said.append(f"{name!r} left out (null)")
    warning = f"values Python cannot hold: column {', '.join(said)}"
    return [dict(zip(batch.schema.names, values)) for values in zip(*columns)], warning


def plain_columns(batch):
    """``batch`` with its dates, times and timestamps as Arrow writes them as text ("2026-11-30 12:05:00.000000",
    whatever their resolution, and whether pandas is installed or not: Python's types would need it for
    nanoseconds), and its binary columns as text where every value is UTF-8 (Impala and older Hive write
    strings so)."""
    import pyarrow
    import pyarrow.types as kind

    columns = []
    for column in batch.columns:
        if kind.is_temporal(column.type) and not kind.is_duration(column.type) and not kind.is_interval(column.type):
            column = column.cast(pyarrow.string())
        elif kind.is_binary(column.type) or kind.is_large_binary(column.type):
            with suppress(pyarrow.ArrowInvalid):  # not UTF-8: left as bytes (base64 in JSON output)
                column = column.cast(pyarrow.large_string() if kind.is_large_binary(column.type) else pyarrow.string())
        columns.append(column)
    return pyarrow.RecordBatch.from_arrays(columns, names=batch.schema.names)
