"""Reading scrapes: files, directories (recursive) and stdin, as text or HTML."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from linesift.lines import NotTextError, decode, split_lines
from linesift.render import html_to_text, looks_like_html

INPUT_FORMATS = ("auto", "text", "html")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


class InputError(ValueError):
    """An input that cannot be read; the message names it."""


@dataclass
class Page:
    path: str
    lines: list[str]
    warnings: list[str] = field(default_factory=list)


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


def iter_pages(paths: list[str], input_format: str = "auto") -> Iterator[Page | InputError]:
    """Pages in input order; an unreadable input yields its InputError instead (so a batch goes on)."""
    for path in expand_paths(paths):
        try:
            yield read_page(path, input_format)
        except InputError as err:
            yield err
