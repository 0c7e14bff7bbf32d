"""Labelled pages: the one-page-per-file TSV form and the JSONL corpus form (see data/FORMAT.md).

A labelled page file has optional ``# key: value`` header lines at the top, then one row per page line:
``label<TAB>original line``. A blank page line is an empty row (or a tab followed by its whitespace).
Reading then writing a page gives the same bytes back. Errors name ``file:line``.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from linesift.inputs import (GZIP_MAGIC, GZIPPED, GZIPPED_CORPUS, UTF16_CORPUS, UTF16_PEEK_BYTES, bounded_rows,
                             json_record, read_file_bytes, read_stdin, stdin_twice, utf16_corpus)
from linesift.lines import NotTextError, is_blank, utf8_rows
from linesift.sites import site_of_url
from linesift.output import atomic_write_text, format_record, gzip_named, resolved
from linesift.render import looks_like_html

LABELS = ("content", "boilerplate", "unsure")
PAGE_SUFFIXES = (".tsv",)
CORPUS_SUFFIXES = (".jsonl", ".jsonl.gz")
_HEADER = re.compile(r"^# ([a-z][a-z0-9_]*): ?(.*)$")
# a row of `linesift predict -f tsv` output: label, score (4 decimals), line; blank lines "blank", no score
_PREDICTED_LINE = re.compile(r"[01]\.\d{4}\t")
PREDICT_OUTPUT = ("`linesift predict -f tsv` output (label, score, line), not a labelled page (label, line): check "
                  "its labels, then take the score column out (cut -f1,3) and blank rows' labels")


def is_corpus_name(name: str) -> bool:
    """Whether a file name is a labelled corpus's (``CORPUS_SUFFIXES``, in any case: ``P.JSONL`` too)."""
    return name.lower().endswith(CORPUS_SUFFIXES)


def is_labelled_name(name: str) -> bool:
    """Whether a file name is a labelled page's or corpus's (``PAGE_SUFFIXES``, ``CORPUS_SUFFIXES``, any case)."""
    return name.lower().endswith(PAGE_SUFFIXES + CORPUS_SUFFIXES)


class LabelledDataError(ValueError):
    """A labelled file that cannot be read; the message starts with ``file:line:``."""


@dataclass
class LabelledPage:
    lines: list[str]
    labels: list[str | None]  # None for blank lines
    meta: dict[str, str] = field(default_factory=dict)
    source: str = ""

    @property
    def known_site(self) -> str | None:
        """The page's site: its ``site`` field or its url host (without ``www.``); None when neither exists."""
        return site_of_url(self.meta.get("site")) or site_of_url(self.meta.get("url"))

    @property
    def site(self) -> str:
        """The page's site for grouping and the train/held-out split: ``known_site``; when unknown, its id
        (every render of a page in one group, wherever it was read from), else its source (its own group)."""
        return self.known_site or self.meta.get("id") or self.source


def parse_labelled_page(text: str, source: str = "<page>") -> LabelledPage:
    """Parse the TSV form of one labelled page."""
    rows = text.split("\n")
    if rows and rows[-1] == "":
        rows.pop()
    meta: dict[str, str] = {}
    lines: list[str] = []
    labels: list[str | None] = []
    in_header = True
    for number, row in enumerate(rows, start=1):
        row = row[:-1] if row.endswith("\r") else row
        if "\r" in row:  # as in JSONL records: a carriage return is a line break, and only "\r\n" ends a row
            raise LabelledDataError(f"{source}:{number}: a carriage return inside the row (one page line per row)")
        if "\x00" in row:  # as predict refuses a scrape holding one
            raise LabelledDataError(f"{source}:{number}: a NUL byte (not a text file?)")
        if in_header and row.startswith("#"):
            m = _HEADER.match(row)
            if not m:
                raise LabelledDataError(f"{source}:{number}: bad header line (expected '# key: value', the key a "
                                        "lowercase letter, then lowercase letters, digits or _)")
            if m.group(1) in meta:  # a second value would silently replace the first
                raise LabelledDataError(f"{source}:{number}: header {m.group(1)!r} given twice (one '# key: value' "
                                        "line per key)")
            meta[m.group(1)] = m.group(2)
            continue
        in_header = False
        if row == "":
            lines.append("")
            labels.append(None)
            continue
        label, tab, line = row.partition("\t")
        if not tab:
            if _HEADER.match(row):
                raise LabelledDataError(f"{source}:{number}: a '# key: value' header line after the first row "
                                        "(headers go at the top)")
            if number == 1 and row.lstrip().startswith("{"):
                raise LabelledDataError(f"{source}:1: missing tab between label and line (a JSONL corpus? name it "
                                        ".jsonl or .jsonl.gz, or give it as -)")
            if not lines and looks_like_html(text):
                raise LabelledDataError(f"{source}:{number}: an HTML page, not a labelled page (label, tab, line: "
                                        "data/FORMAT.md); with its gold text, `linesift import` labels it")
            raise LabelledDataError(f"{source}:{number}: missing tab between label and line")
        if label == "":
            if not is_blank(line) or line == "":
                raise LabelledDataError(f"{source}:{number}: missing label before a non-blank line"
                                        if line else f"{source}:{number}: a blank line is an empty row, not a lone tab")
            lines.append(line)
            labels.append(None)
            continue
        if label == "blank" and line == "\t":
            raise LabelledDataError(f"{source}:{number}: {PREDICT_OUTPUT}")
        if label not in LABELS:
            raise LabelledDataError(
                f"{source}:{number}: unknown label {label!r} (expected content, boilerplate or unsure)"
            )
        if is_blank(line):
            raise LabelledDataError(f"{source}:{number}: a blank line takes no label (leave the row empty)")
        lines.append(line)
        labels.append(label)
    scored = [i for i, label in enumerate(labels) if label is not None]
    if scored and all(_PREDICTED_LINE.match(lines[i]) for i in scored):  # every labelled line opens with a score
        raise LabelledDataError(f"{source}:{scored[0] + 1 + len(meta)}: {PREDICT_OUTPUT}")
    return LabelledPage(lines, labels, meta, source)


def format_labelled_page(page: LabelledPage) -> str:
    """The TSV form of a page (the inverse of ``parse_labelled_page``)."""
    for key, value in page.meta.items():  # a header line the reader would split or reject
        if value is not None and (not _HEADER.fullmatch(f"# {key}: {value}") or "\r" in str(value)):
            raise LabelledDataError(f"{page.source}: field {key!r} cannot be a header line ('# key: value')")
    _one_line_each(page.lines, page.source, "row")  # the reader would split the row or reject it
    out = [f"# {key}: {value}" for key, value in page.meta.items() if value is not None]
    for line, label in zip(page.lines, page.labels):
        if label is None:
            out.append("\t" + line if line else "")
        else:
            out.append(f"{label}\t{line}")
    return "\n".join(out) + "\n" if out else ""


def read_labelled_page(path: str | Path) -> LabelledPage:
    path = Path(path)
    try:
        text = read_file_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise LabelledDataError(not_utf8(str(path), err)) from None
    except OSError as err:
        raise LabelledDataError(f"{path}: {err.strerror or err}") from None
    return parse_labelled_page(text, str(path))


def not_utf8(source: str, err: UnicodeDecodeError) -> str:
    """The error for a page file that is not UTF-8: its line, and the byte of that line (from 0, as the
    JSONL readers say it; a BOM is not counted)."""
    if err.object.startswith(GZIP_MAGIC):
        return gzipped(source)
    if err.object.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return f"{source}: UTF-16 text (its byte order mark says so); labelled pages are UTF-8: save it as UTF-8"
    line = err.object.count(b"\n", 0, err.start) + 1
    byte = err.start - err.object.rfind(b"\n", 0, err.start) - 1
    return f"{source}:{line}: not UTF-8 text (byte {byte} of the line)"



def gzipped(source: str) -> str:
    """The error for gzip-compressed data where text was expected."""
    return f"{source}: " + (GZIPPED_CORPUS if source.lower().endswith(".jsonl") else GZIPPED)


def write_labelled_page(page: LabelledPage, path: str | Path) -> None:
    atomic_write_text(path, format_labelled_page(page))


def page_from_record(record: dict, source: str) -> LabelledPage:
    """A labelled page from a JSONL record ``{"id", "url", "lang", "lines", "labels"}``."""
    if not isinstance(record, dict):
        raise LabelledDataError(f"{source}: a record must be a JSON object")
    lines, labels = record.get("lines"), record.get("labels")
    if lines is None and ("html" in record or "main_content" in record):
        raise LabelledDataError(f"{source}: a record of HTML and gold text, not a labelled page: render and label "
                                "it with `linesift import` first")
    if lines is None and "labels" not in record:
        raise LabelledDataError(f"{source}: no 'lines' and 'labels': not a labelled page (data/FORMAT.md); a corpus "
                                "to clean goes to `linesift predict`")
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
        raise LabelledDataError(f"{source}: 'lines' must be a list of strings")
    _one_line_each(lines, source, "item")
    if not isinstance(labels, list) or len(labels) != len(lines):
        raise LabelledDataError(f"{source}: 'labels' must be a list as long as 'lines' ({len(lines)})")
    clean = [_blank_label(label, source, i) if is_blank(line) else _check_label(label, source, i)
             for i, (line, label) in enumerate(zip(lines, labels), start=1)]
    meta = {k: str(v) for k, v in record.items() if k not in ("lines", "labels") and isinstance(v, (str, int, float))}
    return LabelledPage(list(lines), clean, meta, source)


def _one_line_each(lines: list[str], source: str, unit: str) -> None:
    """Raise when a page line holds a line break: a page holds one line per row (TSV) or item (JSONL)."""
    for i, line in enumerate(lines, start=1):
        if "\n" in line or "\r" in line:
            raise LabelledDataError(f"{source}: line {i} holds a line break (one page line per {unit})")


def _blank_label(label, source: str, i: int) -> None:
    if label not in (None, ""):
        raise LabelledDataError(f"{source}: label {i} is {_as_json(label)} on a blank line (a blank line takes null)")
    return None


def _check_label(label, source: str, i: int) -> str:
    if label not in LABELS:
        raise LabelledDataError(f"{source}: label {i} is {_as_json(label)} (expected content, boilerplate or unsure)")
    return label


def _as_json(value) -> str:
    """A record's value as JSON spells it (``null``, ``"Content"``), for messages about a JSONL record."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def refuse_utf16(handle, source: str, error: type[ValueError] = LabelledDataError) -> None:
    """Raise ``error`` where the binary ``handle`` (a file, which peeks) opens as a UTF-16 corpus, whose every
    row would be broken JSON."""
    if utf16_corpus(handle.peek(UTF16_PEEK_BYTES)[:UTF16_PEEK_BYTES]):
        raise error(f"{source}: {UTF16_CORPUS}")


def decoded_rows(handle, source: str, error: type[ValueError] = LabelledDataError) -> Iterator[str]:
    """The rows of a binary JSONL file as text, split at "\\n" only (a raw carriage return inside a row does not
    shift the line numbers); a row that is not UTF-8 raises ``error`` naming its line."""
    for number, row, bad_byte in utf8_rows(handle):
        if bad_byte is not None:
            if number == 1 and row.startswith("\x1f\ufffd"):  # gzip's magic bytes, 0x8b replaced
                raise error(gzipped(source))
            raise error(f"{source}:{number}: not UTF-8 text (byte {bad_byte} of the line)")
        yield row


def json_rows(rows: Iterable[str], source: str, error: type[ValueError] = LabelledDataError) -> Iterator[tuple[int, object]]:
    """``(line number, record)`` of each non-blank JSONL row, lone surrogates replaced by U+FFFD
    (``lines.without_surrogates``); a broken row raises ``error`` naming ``source:line``."""
    for number, row in enumerate(rows, start=1):
        if row.strip():
            yield number, json_record(row, f"{source}:{number}", error=error)


def _pages_of_rows(rows: Iterable[str], source: str) -> Iterator[LabelledPage]:
    """Labelled pages of JSONL rows (blank rows skipped); errors name ``source:line``."""
    for number, record in json_rows(rows, source):
        yield page_from_record(record, f"{source}:{number}")


def read_jsonl_pages(path: str | Path) -> Iterator[LabelledPage]:
    """Labelled pages of a JSONL (or JSONL.gz) corpus, one record per line."""
    path = Path(path)
    opener = gzip.open if gzip_named(path) else open
    counted = RowCount()
    try:
        with opener(path, "rb") as handle:
            refuse_utf16(handle, str(path))
            yield from _pages_of_rows(decoded_rows(counted(bounded_rows(handle)), str(path)), str(path))
    except (OSError, EOFError, zlib.error) as err:  # a cut or corrupt .gz: the line it broke off at
        raise LabelledDataError(f"{path}:{counted.number + 1}: cannot read "
                                f"({getattr(err, 'strerror', None) or err})") from None
    except NotTextError as err:  # a row of binary data (a gzip of zeros), read no further
        raise LabelledDataError(f"{path}:{counted.number + 1}: {err}") from None


class RowCount:
    """Rows passed through (``counted(rows)``), counted: ``number`` is the last one's, so a file that breaks
    off (a .gz cut short) is said at the row after it."""

    def __init__(self):
        self.number = 0

    def __call__(self, rows):
        for self.number, row in enumerate(rows, start=1):
            yield row


def read_labelled_stdin() -> list[LabelledPage]:
    """Labelled pages from stdin (``-``): a JSONL corpus if it opens with ``{``, else one TSV page."""
    try:
        text = read_stdin().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise LabelledDataError(not_utf8("-", err)) from None
    except OSError as err:
        raise LabelledDataError(f"-: cannot read ({err.strerror or err})") from None
    if text.lstrip().startswith("{"):  # a BOM opening a row skipped, as in a file (``utf8_rows``: files joined by cat)
        return list(_pages_of_rows((row.removeprefix("\ufeff") for row in text.split("\n")), "-"))
    return [parse_labelled_page(text, "-")] if text.strip() else []


def page_to_record(page: LabelledPage) -> dict:
    record: dict = dict(page.meta)
    record["lines"] = page.lines
    record["labels"] = page.labels
    return record


def write_jsonl_pages(pages: Iterable[LabelledPage], path: str | Path) -> int:
    """Write pages as a JSONL(.gz) corpus atomically; return how many were written."""
    rows = [format_record(page_to_record(p)) for p in pages]
    atomic_write_text(path, "".join(rows), compress=gzip_named(path))
    return len(rows)


def find_labelled_files(paths: Iterable[str | Path]) -> list[Path]:
    """Labelled files named by ``paths`` (directories searched recursively, sorted; hidden files and
    directories left out, as ``linesift predict`` leaves them: editor lock files, ``.ipynb_checkpoints``)."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(_labelled_files_under(p))
        elif p.exists():
            found.append(p)
        else:
            raise LabelledDataError(f"{p}: no such file or directory")
    return found


def repeated_files(paths: Iterable[str | Path]) -> list[Path]:
    """The labelled files ``paths`` name more than once (``find_labelled_files``; by the file they are, so a
    file and a link to it, or a directory and a file in it, are one), each once, by the name it was first
    given."""
    first: dict[tuple[int, int] | Path, Path] = {}
    repeated: list[Path] = []
    for path in find_labelled_files([p for p in paths if str(p) != "-"]):
        key = file_identity(path)
        if key not in first:
            first[key] = path
        elif first[key] not in repeated:
            repeated.append(first[key])
    return repeated


def file_identity(path: str | Path) -> tuple[int, int] | Path:
    """What file ``path`` is: its device and inode, or where it cannot be looked at, its resolved path."""
    try:
        st = Path(path).stat()
    except OSError:
        return resolved(path)
    return st.st_dev, st.st_ino


def unlabelled_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files under the directories among ``paths`` that ``find_labelled_files`` leaves out as not labelled
    pages by their names (not ``.tsv``, ``.jsonl`` or ``.jsonl.gz``; hidden ones are not counted), sorted."""
    return sorted(q for q in _files_in_directories(paths) if not is_labelled_name(q.name))


def special_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files under the directories among ``paths`` named as labelled pages that ``find_labelled_files``
    leaves out as not regular files (a FIFO, a socket, a device: reading one could wait for ever), sorted."""
    return sorted(q for q in _files_in_directories(paths)
                  if is_labelled_name(q.name) and q.exists() and not q.is_file() and not q.is_dir())


def linked_directories(paths: Iterable[str | Path]) -> list[Path]:
    """The symbolic links to directories under the directories among ``paths``, which are not followed (a link
    may loop; ``predict`` leaves them out too), hidden ones aside, sorted."""
    found: list[Path] = []
    for root in map(Path, paths):
        if root.is_dir():
            for dirpath, dirnames, _ in os.walk(root, onerror=lambda err: None):
                dirnames[:] = [name for name in dirnames if not name.startswith(".")]
                found += [Path(dirpath, name) for name in dirnames if Path(dirpath, name).is_symlink()]
    return sorted(found)


def _files_in_directories(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The names of the files under the directories among ``paths`` (``_visible_files``; a directory that
    cannot be listed is left out: ``find_labelled_files`` names it)."""
    for root in map(Path, paths):
        if root.is_dir():
            yield from _visible_files(root, onerror=lambda err: None)


def _visible_files(root: Path, onerror) -> Iterator[Path]:
    """The names of the files under the directory ``root`` (as listed: not yet looked at), hidden ones (a name
    starting with ".") and those in hidden directories left out; ``onerror`` as ``os.walk``'s."""
    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        yield from (Path(dirpath, name) for name in filenames if not name.startswith("."))


def _labelled_files_under(root: Path) -> Iterator[Path]:
    """The labelled files under the directory ``root``, hidden ones (a name starting with ".") and those in
    hidden directories left out; one that cannot be listed, or a name that cannot be followed (a symlink
    loop, no permission), raises LabelledDataError naming it rather than being skipped."""

    def refused(err: OSError):
        raise LabelledDataError(f"{err.filename}: {err.strerror or err}")

    for q in _visible_files(root, onerror=refused):
        if is_labelled_name(q.name):
            try:
                q.stat()
            except FileNotFoundError:
                raise LabelledDataError(f"{q}: a symbolic link to no file") from None
            except OSError as err:  # a looping link, or no permission to look
                raise LabelledDataError(f"{q}: {err.strerror or err}") from None
            if q.is_file():
                yield q


def unique_pages(pages: list[LabelledPage]) -> tuple[list[LabelledPage], list[LabelledPage]]:
    """``pages`` without those that repeat an earlier page line for line, labels and all (the same scrape
    labelled in two files, a corpus and a copy of its pages), and the repeats left out. Trained on twice, a
    page weighs double, and where the two copies fall into different folds the cross-validated scores (and the
    threshold tuned on them) see a page the fold was trained on. Pages with no labelled line are all kept."""
    seen: set[tuple[tuple[str, ...], tuple[str | None, ...]]] = set()
    kept: list[LabelledPage] = []
    repeats: list[LabelledPage] = []
    for page in pages:
        if not any(page.labels):  # nothing to train on (a page a renderer failed on is written with no lines)
            kept.append(page)
            continue
        key = (tuple(page.lines), tuple(page.labels))
        if key in seen:
            repeats.append(page)
        else:
            seen.add(key)
            kept.append(page)
    return kept, repeats


def read_labelled(paths: Iterable[str | Path] | str | Path) -> list[LabelledPage]:
    """All labelled pages under ``paths`` (or the one path): TSV page files and JSONL corpora (``-``: stdin,
    either form); a file found twice (named twice, or inside a directory named too) is read once
    (``repeated_files`` names them)."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if error := stdin_twice(paths):
        raise LabelledDataError(error)
    # every path found (or refused) before any is read
    files = {str(named): find_labelled_files([named]) for named in paths if str(named) != "-"}
    pages: list[LabelledPage] = []
    read: set[tuple[int, int] | Path] = set()
    for named in paths:
        if str(named) == "-":
            pages.extend(read_labelled_stdin())
            continue
        for path in files[str(named)]:
            if file_identity(path) in read:
                continue
            read.add(file_identity(path))
            if is_corpus_name(path.name):
                pages.extend(read_jsonl_pages(path))
            else:
                pages.append(read_labelled_page(path))
    return pages
