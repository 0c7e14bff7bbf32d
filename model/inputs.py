"""Reading scrapes: files, directories (recursive) and stdin, as text or HTML."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from linesift.lines import NotTextError, decode, split_lines
from linesift.render import html_to_text, looks_like_html

INPUT_FORMATS = ("auto", "text", "html", "jsonl")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
TEXT_FIELD_DEFAULT = "text"


class InputError(ValueError):
    """An input that cannot be read; the message names it."""


@dataclass
class Page:
    path: str
    lines: list[str]
    warnings: list[str] = field(default_factory=list)
    record: dict | None = None  # the input record, for pages read from a JSONL corpus


def expand_paths(paths: list[str]) -> list[str]:
    """Files named by ``paths``, directories expanded recursively (sorted, hidden files skipped)."""
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if p != "-" and path.is_dir():
            out += [str(q) for q in sorted(path.rglob("*"))
                    if q.is_file() and not any(part.startswith(".") for part in q.relative_to(path).parts)]
        else:
            out.append(p)
    return out


def read_page(path: str, input_format: str = "auto") -> Page:
    """Read one scrape (``-`` is stdin); HTML is rendered to text first."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as err:
        raise InputError(f"{path}: {err.strerror or err}") from None
    try:
        text, warnings = decode(data)
    except NotTextError:
        raise InputError(f"{path}: not a text file") from None
    html = input_format == "html" or (
        input_format == "auto"
        and (path.lower().endswith(HTML_SUFFIXES) or (path == "-" and looks_like_html(text)))
    )
    if html:
        text = html_to_text(text)
    return Page(path, split_lines(text), [f"{path}: {w}" for w in warnings])


def iter_records(path: str, text_field: str = TEXT_FIELD_DEFAULT, html_field: str | None = None
                 ) -> Iterator[Page | InputError]:
    """Pages of a JSONL(.gz) corpus, one per record, streamed; a bad record yields its InputError."""
    import gzip
    import io
    import json

    try:
        if path == "-":
            handle = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        elif path.endswith(".gz"):
            handle = gzip.open(path, "rt", encoding="utf-8", errors="replace")
        else:
            handle = open(path, encoding="utf-8", errors="replace")
    except OSError as err:
        yield InputError(f"{path}: {err.strerror or err}")
        return
    field_name = html_field or text_field
    with handle:
        number = 0
        try:
            for number, row in enumerate(handle, start=1):
                if not row.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    record = json.loads(row)
                except json.JSONDecodeError as err:
                    yield InputError(f"{where}: broken JSON ({err.msg})")
                    continue
                value = record.get(field_name) if isinstance(record, dict) else None
                if not isinstance(value, str):
                    yield InputError(f"{where}: no string field {field_name!r}")
                    continue
                text = html_to_text(value) if html_field else value
                yield Page(f"{where}", split_lines(text), record=record)
        except (OSError, EOFError) as err:
            yield InputError(f"{path}:{number + 1}: cannot read ({err})")


def iter_pages(paths: list[str], input_format: str = "auto", text_field: str = TEXT_FIELD_DEFAULT,
               html_field: str | None = None) -> Iterator[Page | InputError]:
    """Pages in input order; an unreadable input yields its InputError instead (so a batch goes on)."""
    for path in expand_paths(paths):
        if input_format == "jsonl" or (input_format == "auto" and path.lower().endswith(JSONL_SUFFIXES)):
            yield from iter_records(path, text_field, html_field)
            continue
        try:
            yield read_page(path, input_format)
        except InputError as err:
            yield err
