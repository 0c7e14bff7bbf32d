"""Parquet corpora: one page per row, its columns the record's fields (read with pyarrow, an optional extra)."""

from __future__ import annotations

import os
import stat
from contextlib import suppress
from typing import Iterator

from linesift.inputs import PARQUET_ON_STDIN, InputError, one_line, os_problem
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
        yield InputError(f"{path}: {os_problem(err)}")
        return
    with handle:
        try:
            table = pyarrow.parquet.ParquetFile(handle)
        except (OSError, pyarrow.ArrowException) as err:
            yield InputError(f"{path}: not a Parquet file ({_reason(err)})")
            return
        names = table.schema_arrow.names
        twins = sorted({name for name in names if names.count(name) > 1})
        at_start = [f"columns named alike ({', '.join(map(repr, twins))}): the first is read, each other written "
                    f"with its number ({', '.join(map(repr, sorted(set(unique_names(names)) - set(names))))})"
                    ] if twins else []
        said = set()  # each warning once per file, at the first row read that it holds for
        number = 0
        for group in range(table.num_row_groups):
            size, done = table.metadata.row_group(group).num_rows, 0
            try:
                for batch in table.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[group]):
                    records, warning = python_rows(batch)
                    for record in records:
                        done += 1
                        where = f"{path}:{number + done}"
                        fresh = [w for w in at_start + [warning] if w and w not in said]
                        said.update(fresh)
                        at_start = []
                        yield where, record, [f"{where}: {w}" for w in fresh]
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
    names = unique_names(batch.schema.names)
    if names != batch.schema.names:
        batch = pyarrow.RecordBatch.from_arrays(batch.columns, names=names)
    try:
        return _utf8_values(batch, batch.to_pylist()), None
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
    return _utf8_values(batch, [dict(zip(batch.schema.names, values)) for values in zip(*columns)]), warning


def _utf8_values(batch, rows: list[dict]) -> list[dict]:
    """``rows`` with each value of a binary column that ``plain_columns`` left binary (a value in it is not
    UTF-8) as text where it is UTF-8: each value is written alike (text, or base64 where it is not UTF-8),
    whatever the other values of its batch are."""
    import pyarrow.types as kind

    binary = [name for name, column in zip(batch.schema.names, batch.columns)
              if kind.is_binary(column.type) or kind.is_large_binary(column.type)]
    for row in rows if binary else ():
        for name in binary:
            value = row[name]
            if isinstance(value, bytes):
                with suppress(UnicodeDecodeError):
                    row[name] = value.decode("utf-8")
    return rows


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique, so a record keeps every column: the second "text" is "text.2", the third
    "text.3" (a number more where that name is taken too)."""
    out, seen = [], set(names)
    for at, name in enumerate(names):
        if name in names[:at]:
            k = names[:at].count(name) + 1
            while f"{name}.{k}" in seen:
                k += 1
            name = f"{name}.{k}"
            seen.add(name)
        out.append(name)
    return out


def plain_columns(batch):
    """``batch`` with its dates, times and timestamps as Arrow writes them as text ("2026-11-30 12:05:00.000000",
    whatever their resolution, and whether pandas is installed or not: Python's types would need it for
    nanoseconds), and its binary columns as text where every value is UTF-8 (Impala and older Hive write
    strings so)."""
    import pyarrow

    return pyarrow.RecordBatch.from_arrays([_plain(column) for column in batch.columns], names=batch.schema.names)


def _plain(column):
    """One column as ``plain_columns`` reads it: dates and times as text, in structs, lists and maps too (one
    cast of the whole column, which keeps its nulls and slicing); a binary column as text where it is UTF-8."""
    import pyarrow
    import pyarrow.types as kind

    if kind.is_binary(column.type) or kind.is_large_binary(column.type):
        with suppress(pyarrow.ArrowInvalid):  # a value not UTF-8: left as bytes (``_utf8_values`` reads the others)
            return column.cast(pyarrow.large_string() if kind.is_large_binary(column.type) else pyarrow.string())
        return column
    target = _plain_type(column.type)
    if target == column.type:
        return column
    with suppress(pyarrow.ArrowNotImplementedError, pyarrow.ArrowInvalid):  # an older pyarrow: python_rows' fallback
        return column.cast(target)
    return column


def _plain_type(kind_of):
    """``kind_of`` with its dates, times and timestamps as text, at any depth."""
    import pyarrow
    import pyarrow.types as kind

    if kind.is_temporal(kind_of) and not kind.is_duration(kind_of) and not kind.is_interval(kind_of):
        return pyarrow.string()
    if kind.is_struct(kind_of):
        return pyarrow.struct([pyarrow.field(f.name, _plain_type(f.type), f.nullable) for f in kind_of])
    if kind.is_map(kind_of):
        return pyarrow.map_(_plain_type(kind_of.key_type), _plain_type(kind_of.item_type))
    if kind.is_fixed_size_list(kind_of):
        return pyarrow.list_(_plain_type(kind_of.value_type), kind_of.list_size)
    if kind.is_large_list(kind_of):
        return pyarrow.large_list(_plain_type(kind_of.value_type))
    if kind.is_list(kind_of):
        return pyarrow.list_(_plain_type(kind_of.value_type))
    return kind_of
