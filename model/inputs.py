"""Reading scrapes: files, directories (recursive) and stdin, as text or HTML."""

from __future__ import annotations

import codecs
import errno
import gzip
import io
import itertools
import json
import os
import re
import select
import stat
import struct
import sys
import time
import weakref
import zlib
from collections.abc import Iterable, Iterator
from contextlib import redirect_stderr, suppress
from dataclasses import dataclass, field
from pathlib import Path

from linesift.lines import (NotTextError, decode, decode_as, is_blank, looks_binary, not_text, split_lines,
                            utf8_rows, without_surrogates)
from linesift.output import ERROR_FIELD, gzip_named, held_fields, is_special_file
from linesift.render import html_to_text, looks_like_html
from linesift.settings import JSON_MAX_DEPTH, STDIN_PAUSE_SECONDS
from linesift.sites import site_of_url

INPUT_FORMATS = ("auto", "text", "html", "jsonl", "parquet", "warc")
WARC_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz", ".arc.gz")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
PARQUET_SUFFIXES = (".parquet",)
PARQUET_MAGIC = b"PAR1"  # how a Parquet file opens (and ends)
PARQUET_ON_STDIN = "Parquet cannot be read from stdin (it is read from its end); give the file's path"
TEXT_FIELD_DEFAULT = "text"
LINE_RECORD_KEYS = frozenset(("path", "line", "label", "score", "text"))  # a line of predict's JSONL output for scrapes
GZIP_MAGIC = b"\x1f\x8b"
UTF16_PEEK_BYTES = 64  # of a corpus file, read to tell UTF-16 (blank lines before its first record)
UTF16_CORPUS = "UTF-16 text: JSONL corpora are UTF-8 (save it as UTF-8)"
_UTF16_BLANKS = {c.encode(codec) for c in " \t\r\n" for codec in ("utf-16-le", "utf-16-be")}
# a "JSONL corpus" whose first rows are all not JSON, none opening as an object does, is no corpus (a scrape
# named .jsonl, or text read with --input-format jsonl): one error for the file, not one per row
NOT_JSONL_ROWS = 3
# records of a corpus file that hold no page (no --text-field): the first few said on stderr, the rest counted at
# the file's end (each still an error record in place with --format jsonl)
NO_PAGE_SAID = 3
GZIPPED = "gzip-compressed; decompress it first (zcat)"  # a .gz read as a page (.jsonl.gz and .warc.gz are read)
GZIPPED_CORPUS = "gzip-compressed: a corpus so compressed is named .jsonl.gz (or decompress it first)"  # a .jsonl
WARC_VERSION_LINE = re.compile(rb"WARC/\d+\.\d+\r?\n")  # how a WARC file opens ("WARC/1.0"), as warcio reads it
WARC_SNIFF_BYTES = 4096  # of gzipped stdin, read to tell a WARC file (its first member opens with the version line)
# a row of a labelled page (data/FORMAT.md) or of predict's own TSV output: label, TAB, line; after any
# "# key: value" header rows and blank rows at the top (matched at the start only: a scrape fails at once)
_LABELLED_START = re.compile(r"(?:[ \t]*\r?\n|# [a-z][a-z0-9_]*:[^\n]*\n)*(?:content|boilerplate|unsure|blank)\t")
_LABELLED_ROW = re.compile(r"(?:content|boilerplate|unsure|blank)\t|# [a-z][a-z0-9_]*:|[ \t]*\r?$")
LABELLED_NOTE = ("every line opens with a label and a tab, as a labelled page (or predict's TSV output) does; "
                 "its lines are scored as they are, labels and all (linesift evaluate scores a labelled page "
                 "against its labels)")


def looks_labelled(text: str) -> bool:
    """Whether ``text`` is a labelled page rather than a scrape: every non-blank row (after ``# key: value``
    header rows) opens with ``content``, ``boilerplate``, ``unsure`` or ``blank`` and a TAB."""
    if not _LABELLED_START.match(text):
        return False
    return all(_LABELLED_ROW.match(row) for row in text.split("\n"))


STDIN_CHUNK = 1 << 20  # bytes of stdin read at a time (a signal is handled between reads)
# bytes of a followed stdin read ahead, at most, to tell a producer's pause (a record of more that stalls is
# waited for whole: its bytes still coming are not a pause)
STDIN_READ_AHEAD = 16 << 20
_NOT_BLANK = re.compile(rb"\S")


class StdinPipe:
    """stdin read straight from its file descriptor (a pipe or a socket) into a buffer of its own, so that
    whether a row is waiting, or the producer has paused, can be known (``paused``); read as Python's buffered
    stdin is (``read``, ``readline``)."""

    def __init__(self, fd: int):
        self.fd, self.data, self.at, self.started, self.ended = fd, bytearray(), 0, False, False

    def _more(self) -> bool:
        """One read of the descriptor (waiting for the producer) onto the buffer; False at the stream's end."""
        if self.ended:
            return False
        self.started = True
        while True:
            try:
                chunk = os.read(self.fd, STDIN_CHUNK)
                break
            except BlockingIOError:  # a descriptor its maker left non-blocking: wait until it can be read
                select.select([self.fd], [], [])
        if not chunk:
            self.ended = True
            return False
        if self.at:  # what was taken is let go of before the buffer grows
            del self.data[:self.at]
            self.at = 0
        self.data += chunk
        return True

    def _take(self, n: int) -> bytes:
        taken = bytes(self.data[self.at:self.at + n])
        self.at += len(taken)
        return taken

    def read(self, size: int | None = -1) -> bytes:
        """``size`` bytes, fewer at the stream's end; all that is left for a negative ``size``."""
        while (size is None or size < 0 or len(self.data) - self.at < size) and self._more():
            pass
        return self._take(len(self.data) - self.at if size is None or size < 0 else size)

    def peek(self, size: int) -> bytes:
        """The next ``size`` bytes (fewer at the stream's end), left to be read."""
        while len(self.data) - self.at < size and self._more():
            pass
        return bytes(self.data[self.at:self.at + size])

    def read1(self, size: int | None = -1) -> bytes:
        """What is waiting, up to ``size`` bytes, after one read of the descriptor if nothing is (b"" at the
        stream's end): as ``io.BufferedReader.read1``."""
        if len(self.data) == self.at:
            self._more()
        waiting = len(self.data) - self.at
        return self._take(waiting if size is None or size < 0 else min(size, waiting))

    def readline(self, limit: int | None = -1) -> bytes:
        """The next row, up to and with its ``\\n`` (the rest at the stream's end), at most ``limit`` bytes."""
        limit = -1 if limit is None else limit
        searched = 0  # bytes after ``at`` without a line break
        while (end := self.data.find(b"\n", self.at + searched)) < 0:
            searched = len(self.data) - self.at
            if 0 <= limit <= searched or not self._more():
                return self._take(searched if limit < 0 else min(limit, searched))
        n = end + 1 - self.at
        return self._take(n if limit < 0 else min(limit, n))

    def paused(self, timeout: float) -> bool:
        """Whether the producer has paused: no row that is not blank (as ``_jsonl_rows`` skips them: Unicode
        spaces too) is waiting whole, nor comes whole within ``timeout`` seconds (what comes meanwhile is read:
        blank rows or part of a row, a keep-alive or a slow record, do not hold the pause off). Not before stdin
        is read (the files given before ``-`` do not wait for it), nor after its end; past ``STDIN_READ_AHEAD``
        waiting unread, nothing more is read, and a pause is only waited for. Each byte is
        searched once (offsets from ``at``: ``_more`` moves the buffer)."""
        blank = searched = 0  # bytes after ``at`` that are blank; bytes searched for a line break after a text
        deadline = time.monotonic() + timeout
        while self.started and not self.ended:
            while (text := _NOT_BLANK.search(self.data, self.at + blank)) is not None:
                blank = text.start() - self.at
                end = self.data.find(b"\n", self.at + max(blank, searched))
                if end < 0:  # part of a row
                    break
                if not _blank_row(self.data, text.start(), end):
                    return False
                blank = searched = end + 1 - self.at
            else:
                blank = len(self.data) - self.at
            searched = len(self.data) - self.at
            left = max(deadline - time.monotonic(), 0)
            ready = select.select([self.fd], [], [], left)[0]
            if not ready or searched > STDIN_READ_AHEAD:  # past it, bytes coming are not a pause; not read here
                return not ready
            self._more()
        return False


def _blank_row(data: bytearray, start: int, end: int) -> bool:
    """Whether the row from ``start`` (its first byte that is not an ASCII space) to ``end`` is blank as a
    decoded row's ``strip()`` has it: Unicode spaces (a no-break space, U+3000) and separators (\\x1c-\\x1f)."""
    if data[start] < 0x80 and not 0x1c <= data[start] <= 0x1f:
        return False
    return is_blank(data[start:end].decode("utf-8", errors="replace"))


_stdin_pipe: StdinPipe | None = None


def follow_stdin(on: bool = True) -> None:
    """Read stdin through a ``StdinPipe`` where it is a pipe or a socket (on POSIX), so ``stdin_paused`` can
    tell when a live producer pauses; ``on=False`` goes back to Python's buffered stdin. For a command that
    has read nothing of stdin yet (``linesift predict``): bytes Python's buffer already held would be passed by."""
    global _stdin_pipe
    _stdin_pipe = None
    if not on or os.name != "posix" or sys.stdin is None:
        return
    try:
        fd = sys.stdin.fileno()
        mode = os.fstat(fd).st_mode
    except (OSError, ValueError, io.UnsupportedOperation):  # no descriptor (a test runner's stdin)
        return
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        _stdin_pipe = StdinPipe(fd)


def stdin_paused(timeout: float = STDIN_PAUSE_SECONDS) -> bool:
    """Whether stdin, followed (``follow_stdin``), has nothing more to read for now: its producer paused."""
    return _stdin_pipe is not None and _stdin_pipe.paused(timeout)


def _stdin_buffer():
    """stdin's binary stream (a ``StdinPipe`` where it is followed); OSError (EBADF) when there is none (``<&-``:
    Python sets ``sys.stdin`` to None)."""
    if sys.stdin is None:
        raise OSError(errno.EBADF, "no stdin: it is closed")
    return _stdin_pipe if _stdin_pipe is not None else _nonblocking_stdin() or sys.stdin.buffer


_nonblocking: tuple[object, StdinPipe | None] | None = None  # sys.stdin, and a StdinPipe where it is non-blocking


def _nonblocking_stdin() -> StdinPipe | None:
    """A ``StdinPipe`` for stdin where the descriptor is non-blocking (its maker left it so: a parent in Node.js
    or asyncio), whose reads wait for the producer; Python's buffered stdin would return what has come so far
    as if it were the end. Decided at the first read of each ``sys.stdin``, else None."""
    global _nonblocking
    if _nonblocking is None or _nonblocking[0] is not sys.stdin:
        try:
            fd = sys.stdin.fileno()
            pipe = None if os.get_blocking(fd) else StdinPipe(fd)
        except (OSError, ValueError, io.UnsupportedOperation):  # no descriptor (a test runner's stdin)
            pipe = None
        _nonblocking = (sys.stdin, pipe)
    return _nonblocking[1]


# stdin streams whose end has been read: a terminal's Ctrl-D is read once, and reading on would wait for
# another (the pages typed would seem to hang until a second Ctrl-D)
_ENDED = weakref.WeakSet()


def read_stdin(head: bytes = b"") -> bytes:
    """``head`` and the rest of stdin, read a chunk at a time: one ``read()`` of a long or endless stream (``yes |
    linesift predict``) holds off SIGTERM and Ctrl-C until the stream ends, or memory does. (The chunks are
    joined at the end, so a stream takes twice its size for a moment; scoring it takes far more.) A chunk
    shorter than asked for is the stream's end, which is not read for again. Binary data is read no further
    than it takes to tell (``_read_chunks``)."""
    stdin = _stdin_buffer()
    if stdin in _ENDED:
        return head
    data, ended = _read_chunks(stdin.read, head)
    if ended:
        _ENDED.add(stdin)
    return data


def read_file_bytes(path: str | Path) -> bytes:
    """The bytes of the file ``path``: a regular file's at once, anything else's (a device, a FIFO) a chunk at a
    time as stdin's (``read_stdin``), so that ``/dev/zero`` is an error, not all of memory."""
    with open(path, "rb") as handle:
        if stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return handle.read()
        return _read_chunks(handle.read, b"")[0]


def _read_chunks(read, head: bytes) -> tuple[bytes, bool]:
    """``head`` and what ``read(STDIN_CHUNK)`` gives until a chunk is short (the end: True), or until what was
    read, ``NOT_TEXT_SAMPLE`` bytes or more, is already not text (False, the rest unread): ``lines.decode``
    refuses the whole then as it refuses that part, with the same words, so an endless binary stream
    (``/dev/zero``, ``/dev/urandom``) is told from its first MB."""
    parts, size, checked = [head], len(head), False
    while True:
        parts.append(read(STDIN_CHUNK) or b"")
        size += len(parts[-1])
        if len(parts[-1]) < STDIN_CHUNK:
            return b"".join(parts), True
        if not checked and size >= NOT_TEXT_SAMPLE:
            checked = True
            read_so_far = b"".join(parts)
            if not_text(read_so_far):
                return read_so_far, False


NOT_TEXT_SAMPLE = 1 << 16  # bytes read before telling binary data: the sample ``lines.decode`` judges by


def stdin_row(binary_stop: bool = False) -> bytes:
    """The next row of stdin (up to and with its ``\\n``; b"" at its end), read as ``read_stdin`` reads: a row
    cut short of its ``\\n`` and of the chunk asked for is the stream's end. ``binary_stop``: a row of
    binary data (``/dev/zero``) is read no further than it takes to tell (``_read_chunks``)."""
    stdin, parts, size, checked = _stdin_buffer(), [], 0, not binary_stop
    while stdin not in _ENDED and not (parts and parts[-1].endswith(b"\n")):
        parts.append(stdin.readline(STDIN_CHUNK) or b"")
        size += len(parts[-1])
        if len(parts[-1]) < STDIN_CHUNK and not parts[-1].endswith(b"\n"):
            _ENDED.add(stdin)
        elif not checked and size >= NOT_TEXT_SAMPLE and not parts[-1].endswith(b"\n"):
            checked = True  # once, as ``_read_chunks``: a long row of text is not decoded again at each chunk
            if not_text(b"".join(parts)):
                break
    return b"".join(parts)


def stdin_rows(head: list[bytes] | None = None, binary_stop: bool = False) -> Iterator[bytes]:
    """``head`` (rows read already), then the rows of stdin (``stdin_row``). ``binary_stop``: a row of binary data
    (``/dev/zero``) raises NotTextError once it is told (``stdin_row``), before it fills memory."""
    yield from head or []
    while row := stdin_row(binary_stop):
        if binary_stop and not row.endswith(b"\n") and _stdin_buffer() not in _ENDED:
            raise NotTextError("not a text file")
        yield row


def bounded_rows(handle) -> Iterator[bytes]:
    """The rows of the binary file ``handle`` (each up to and with its ``\\n``), read ``STDIN_CHUNK`` bytes at most
    at a time: a row that has grown to ``NOT_TEXT_SAMPLE`` bytes without its ``\\n`` and is not text
    (``lines.not_text``: ``/dev/zero``, a gzip of zeros) raises NotTextError there, not at the end of memory."""
    while True:
        parts, size = [], 0
        while not (parts and parts[-1].endswith(b"\n")):
            part = handle.readline(STDIN_CHUNK)
            if not part:
                break
            parts.append(part)
            size += len(part)
            if (size >= NOT_TEXT_SAMPLE > size - len(part) and not part.endswith(b"\n")
                    and not_text(b"".join(parts))):  # checked once, where the row passes the sample's size
                raise NotTextError("not a text file")
        if not parts:
            return
        yield b"".join(parts)


class InputError(ValueError):
    """An input that cannot be read; the message names it. ``said``: what stderr says of it in its place (None:
    the message; "": nothing, as an earlier error said it: the rows of a Parquet row group after its first)."""

    def __init__(self, message: str, said: str | None = None, record: dict | None = None):
        super().__init__(message)
        self.said, self.record = said, record  # record: a corpus record that holds no page, kept in the output


NO_FIELD = "no string field"  # a corpus record without its page: "no string field 'text'"


def one_line(message) -> str:
    """``message`` on one line (a library's error can span several)."""
    return " ".join(part.strip() for part in str(message).splitlines() if part.strip())


@dataclass
class Page:
    path: str
    lines: list[str]
    warnings: list[str] = field(default_factory=list)
    record: dict | None = None  # the input record, for pages read from a JSONL corpus or WARC
    html: str | None = None  # HTML still to render (rendering is deferred to the worker that scores the page)
    site: str | None = None  # for cross-page features: the host of the record's url (or its --site-field)
    text: str | None = None  # text still to split into lines (deferred too: one string is cheap to pass on)
    error: str | None = None  # an unreadable input's message: a placeholder that keeps its place in the output
    record_lines: bool = False  # the output record lists the page's lines: its text is no field of ``record``
    shows_no_text: bool = False  # rendered from HTML that is not blank to no text (``batch.no_text_shown``)

    def render(self) -> "Page":
        """Render pending HTML, or split pending text, into lines (in place); return the page."""
        if self.html is not None:
            self.lines, html, self.html = split_lines(html_to_text(self.html)), self.html, None
            self.shows_no_text = bool(html) and not html.isspace() and not any(line.strip() for line in self.lines)
        elif self.text is not None:
            self.lines, self.text = split_lines(self.text), None
        return self


def stdin_twice(paths) -> str | None:
    """The error when ``-`` (stdin) is named more than once among ``paths``, or None."""
    if [str(p) for p in paths].count("-") > 1:
        return "- (stdin) is given more than once; it can be read only once"
    return None


def readable_twice(paths: list[str]) -> bool:
    """Whether the inputs (``expand_paths``) can be read twice, as corpus mode's first pass does: files, not
    stdin, a pipe (``/dev/stdin``, ``<(...)``) or a device (``output.is_special_file``), which the first
    read would drain; a missing input is reported when read."""
    return "-" not in paths and not any(map(is_special_file, paths))


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # inside a directory this process may not enter: reading the path says so
        return False


def _unlistable(path: Path) -> bool:
    return not os.access(path, os.R_OK | os.X_OK)


def expand_paths(paths: list[str], skipped: list[str] | None = None) -> list[str]:
    """Files named by ``paths``, directories expanded recursively (sorted, hidden files skipped). Entries of
    those directories that are neither files nor directories (pipes, sockets, devices: reading a pipe could
    wait for ever), and symbolic links to directories (not followed: a link may loop), are left out, and said
    in ``skipped`` if given (``path: why``). A directory this process may not list stays in the list, so
    that reading it reports it (``read_page``)."""
    out: list[str] = []
    for p in paths:
        if p != "-" and _is_dir(Path(p)):
            found, special = _walk(Path(p))
            out += map(str, sorted(found))
            if skipped is not None:
                skipped += [f"{q}: " + ("a symbolic link to a directory, not followed (name the directory itself)"
                                        if q.is_dir() else "not a regular file (a pipe, socket or device), skipped")
                            for q in sorted(special)]
        else:
            out.append(p)
    return out


def _walk(root: Path) -> tuple[list[Path], list[Path]]:
    """The files under ``root`` (hidden ones left out) and the entries that are neither files nor
    directories. A directory that cannot be listed (``os.walk`` reports it) or entered counts as a file, so
    that reading it names it; symlinks to directories are not followed."""
    found: list[Path] = []
    special: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=lambda err: found.append(Path(err.filename))):
        if _unlistable(Path(dirpath)):  # listed, but its entries cannot be opened
            found.append(Path(dirpath))
            dirnames.clear()
            continue
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        special += [Path(dirpath, name) for name in dirnames if Path(dirpath, name).is_symlink()]  # not walked
        for name in filenames:
            if name.startswith("."):
                continue
            q = Path(dirpath, name)
            try:
                # a dangling symlink is kept, so reading it reports it rather than skipping it unseen
                if q.is_file() or (q.is_symlink() and not q.exists()):
                    found.append(q)
                elif q.exists() and not q.is_dir():
                    special.append(q)
            except OSError:  # e.g. a link into a directory this process may not enter: reading it says so
                found.append(q)
    return found, special


def read_page(path: str, input_format: str = "auto", head: bytes = b"", encoding: str | None = None) -> Page:
    """Read one scrape (``-`` is stdin, after its ``head``: the bytes already read from it to sniff it);
    HTML is rendered to text first. ``encoding``: the charset to read it in (a name ``text_codec`` knows),
    instead of UTF-8 or the legacy charset that reads it best, and instead of what an HTML page declares
    (a byte order mark still wins)."""
    try:
        data = read_stdin(head) if path == "-" else read_file_bytes(path)
    except FileNotFoundError:
        link = path != "-" and os.path.islink(path)
        raise InputError(f"{path}: {'a symbolic link to no file' if link else 'no such file'}") from None
    except IsADirectoryError:  # a directory may be opened where it may be read but not searched
        raise InputError(f"{path}: {'Permission denied' if _unlistable(Path(path)) else 'is a directory'}") from None
    except OSError as err:
        raise InputError(f"{path}: {err.strerror or err}") from None
    try:
        text, warnings = decode_as(data, text_codec(encoding), encoding) if encoding else decode(data)
    except NotTextError as err:
        if data.startswith(GZIP_MAGIC):
            raise InputError(f"{path}: {GZIPPED}") from None
        raise InputError(f"{path}: {err}") from None
    # a file opening as an HTML document is rendered whatever its name (an HTML page saved as .txt), as stdin is
    html = input_format == "html" or (
        input_format == "auto" and (path.lower().endswith(HTML_SUFFIXES) or looks_like_html(text)))
    if html and not encoding:
        text, warnings = as_declared(data, text, warnings)
    if not html and looks_labelled(text):
        warnings.append(LABELLED_NOTE)
    warnings = [f"{path}: {w}" for w in warnings]
    if html:
        return Page(path, [], warnings, html=text)
    return Page(path, [], warnings, text=text)


def os_problem(err: OSError) -> str:
    """What an input that cannot be opened is said to be: ``no such file`` for a missing one, as a missing
    page is, else the system's words."""
    return "no such file" if isinstance(err, FileNotFoundError) else err.strerror or str(err)


def json_problem(err: ValueError | RecursionError) -> str:
    """What is wrong with a JSON row, and where: "Expecting ',' delimiter at column 12" (a row's line break
    aside: an error at its end is at the column after its last character); without a column for what json
    says of the whole row (a number of over 4,300 digits, nesting too deep for Python)."""
    if isinstance(err, RecursionError):
        return "nested too deep"
    if not isinstance(err, json.JSONDecodeError):  # without Python's advice ("use sys.set_int_max_str_digits()")
        return one_line(err).split("; use sys.")[0]
    column = min(err.pos, len(err.doc.rstrip("\r\n"))) + 1
    return f"{err.msg}{'' if err.msg.endswith(' at') else ' at'} column {column}"


def json_depth(value) -> int:
    """How deep a decoded JSON value nests lists and objects (a string or number: 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, depth)
            stack += [(x, depth + 1) for x in (item.values() if isinstance(item, dict) else item)]
    return deepest


def json_record(row: str, where: str, warnings: list[str] | None = None, error: type[ValueError] = InputError):
    """The JSON value of one row, lone surrogates replaced (``lines.without_surrogates``; said in
    ``warnings``, if given, naming ``where``); ``error`` naming ``where`` if it is not JSON."""
    try:
        value = json.loads(row)
    except (ValueError, RecursionError) as err:  # JSONDecodeError, a number of over 4,300 digits, deep nesting
        raise error(f"{where}: broken JSON ({json_problem(err)})") from None
    if row.count("[") + row.count("{") > JSON_MAX_DEPTH and json_depth(value) > JSON_MAX_DEPTH:
        raise error(f"{where}: JSON nested more than {JSON_MAX_DEPTH} levels deep (too deep to hand to a worker "
                    "process; a page's record nests a few levels)")
    value, replaced = without_surrogates(value, row)  # recursive, so after the depth is checked
    if replaced and warnings is not None:
        warnings.append(f"{where}: {replaced} lone surrogate(s) (text cut inside a character) replaced")
    return value


_OPENS_RECORD = re.compile(rb'\{\s*"')  # a JSON object's opening, up to its first key's quote


def looks_like_jsonl(first_row: bytes, next_row: bytes | None = None) -> bool:
    """Whether stdin's first two rows that are not blank (``next_row`` None: there is no second) start a JSONL
    corpus: the only row a JSON object; or two rows opening with "{" of which one is a JSON object, or which
    both open as one does, with a key (records cut short: their errors are said in place). A scrape rarely
    opens so (a JSON-LD block, a log line or a package.json opening a page are text: the line after them is
    no record); ``--input-format text`` reads it as a page."""
    first = first_row.removeprefix(codecs.BOM_UTF8).strip()
    if not first.startswith(b"{"):
        return False
    if next_row is None:
        return _json_object(first) is not None
    second = next_row.removeprefix(codecs.BOM_UTF8).strip()  # files with a BOM each, joined by cat
    return second.startswith(b"{") and (_json_object(first) is not None or _json_object(second) is not None
                                        or bool(_OPENS_RECORD.match(first) and _OPENS_RECORD.match(second)))


def _json_object(row: bytes) -> dict | None:
    """``row`` as a JSON object, or None where it is not one."""
    if not row.startswith(b"{"):
        return None
    try:
        value = json.loads(row.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _holds_field(row: bytes, field: str) -> bool:
    """Whether ``row`` is a JSON object holding ``field`` (a record of the corpus, not a JSON-LD block opening
    a page of text)."""
    return field in (_json_object(row.strip()) or {})


def _sniffed_stdin(input_format: str, field: str = TEXT_FIELD_DEFAULT) -> tuple[str, list[bytes]]:
    """stdin's input format and the bytes read from it to tell it (handed on, so nothing is read twice): in
    ``auto``, its rows up to the first that is not blank (a BOM at the start read as blank), and to the next
    such row where that one opens with "{": ``warc`` if its first row is a WARC version line (or it is gzip
    that opens with one), ``jsonl`` if those two rows start a corpus (``looks_like_jsonl``), or if the first is
    a record holding ``field`` and a live producer paused after it (``stdin_paused``: its one record is not
    held for a second); other gzip bytes are refused before the rest is read."""
    if sys.stdin is None:
        raise InputError("-: no stdin (it is closed)")
    if input_format != "auto":
        return input_format, []
    try:
        buffer = _stdin_buffer()
        # gzip is told by its first 2 bytes, not a row: its first record may hold no line break, and a live
        # producer's next record would be waited for
        gzipped = isinstance(buffer, StdinPipe) and buffer.peek(len(GZIP_MAGIC)) == GZIP_MAGIC
        head = [] if gzipped else _rows_to_nonblank([])
        if head and head[0].startswith(PARQUET_MAGIC):
            raise InputError(f"-: {PARQUET_ON_STDIN} (or --input-format text, for a page of text opening so)")
        if gzipped or head[0].startswith(GZIP_MAGIC):  # a gzipped WARC is read; any other gzip is refused
            head = [_gzip_opening(buffer, b"".join(head))]
            if not WARC_VERSION_LINE.match(_gunzipped_start(head[0])):
                raise InputError(f"-: {GZIPPED}")
            return "warc", head
        if len(head) == 1 and WARC_VERSION_LINE.fullmatch(head[0]):  # from its first byte, as warcio reads it
            return "warc", head
        first = head[-1]
        if not first.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"{"):
            return "auto", head
        if stdin_paused() and _holds_field(first, field):  # a live producer's one record: not held for a second
            return "jsonl", head
        head = _rows_to_nonblank(head)
    except OSError as err:
        raise InputError(f"-: {err.strerror or err}") from None
    return ("jsonl" if looks_like_jsonl(first, head[-1] or None) else "auto"), head


def _gzip_opening(buffer, data: bytes) -> bytes:
    """``data`` (the start of a gzip stream on stdin) and what is read after it, up to ``WARC_SNIFF_BYTES``,
    until it ungzips to a line or 16 bytes (a WARC version line is shorter), or stdin ends; read as it comes,
    so a live producer's first record is not held for more bytes."""
    while len(data) < WARC_SNIFF_BYTES:
        start = _gunzipped_start(data)
        if b"\n" in start or len(start) >= 16:
            break
        more = buffer.read1(WARC_SNIFF_BYTES - len(data))
        if not more:
            break
        data += more
    return data


def _rows_to_nonblank(head: list[bytes]) -> list[bytes]:
    """``head`` and the rows of stdin after it up to the first that is not blank (a BOM read as blank)."""
    head = head + [stdin_row(binary_stop=True)]
    while head[-1] and not head[-1].removeprefix(codecs.BOM_UTF8).strip():
        head.append(stdin_row(binary_stop=True))
    return head


def _gunzipped_start(data: bytes, size: int = 64) -> bytes:
    """The first ``size`` bytes ``data`` (the start of a gzip stream) decompresses to; b"" if it is not gzip."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, size)
    except zlib.error:
        return b""


def iter_records(path: str, text_field: str = TEXT_FIELD_DEFAULT, html_field: str | None = None,
                 site_field: str | None = None, head: list[bytes] | None = None,
                 replaced: tuple[str, ...] = ()) -> Iterator[Page | InputError]:
    """Pages of a JSONL(.gz) corpus, one per record, streamed; a bad record yields its InputError. Rows are
    UTF-8 (a BOM at the start is skipped); a row that is not gets its bad bytes replaced, with a warning.
    ``head``: for stdin (``-``), its first rows, already read to sniff it (``_sniffed_stdin``). ``replaced``:
    the fields the output record will write (for ``--format jsonl``, ``output.OUTPUT_FIELDS``, and
    ``LINE_TEXTS_FIELD`` too with ``html_field``); the first record of the file holding one gets a warning."""
    return corpus_pages(_jsonl_rows(path, head), text_field, html_field, site_field, replaced)


def _jsonl_rows(path: str, head: list[bytes] | None) -> Iterator[tuple[str, object, list[str]] | InputError]:
    """Each record of a JSONL(.gz) corpus with where it is ("file:N") and its warnings, or its InputError."""
    from contextlib import nullcontext

    try:
        if path == "-":
            rows = stdin_rows(head, binary_stop=True)
            first = next(rows, None)
            if first is not None and first.startswith(GZIP_MAGIC):  # --input-format jsonl given: not sniffed
                yield InputError(f"-: {GZIPPED}")
                return
            handle = nullcontext(itertools.chain([] if first is None else [first], rows))
        elif gzip_named(path):
            handle = gzip.open(path, "rb")
        else:
            handle = open(path, "rb")
            problem = _not_utf8_rows(handle.peek(UTF16_PEEK_BYTES)[:UTF16_PEEK_BYTES])
            if problem:
                handle.close()
                yield InputError(f"{path}: {problem}")
                return
    except OSError as err:
        yield InputError(f"{path}: {os_problem(err)}")
        return
    except NotTextError as err:  # stdin's first row
        yield InputError(f"{path}:{len(head or []) + 1}: {err}")
        return
    with handle as rows:
        number, opening = 0, []  # opening: the errors of the first rows, none of them a JSON object's opening
        try:
            for number, row, bad_byte in utf8_rows(rows if path == "-" else bounded_rows(rows)):
                if not row.strip():
                    continue
                where = f"{path}:{number}"
                warnings = ([] if bad_byte is None
                            else [f"{where}: not UTF-8 (byte {bad_byte}); undecodable bytes replaced"])
                try:
                    record = json_record(row, where, warnings)
                except InputError as err:
                    if opening is not None and not row.lstrip().startswith("{"):
                        opening.append(err)
                        if len(opening) == NOT_JSONL_ROWS:
                            first = str(opening[0]).removeprefix(f"{path}:")
                            yield InputError(f"{path}: not a JSONL corpus (its first {NOT_JSONL_ROWS} rows are not "
                                             f"JSON; row {first}); a scrape is read with --input-format text")
                            return
                        continue
                    record = err
                yield from opening or ()
                opening = None
                yield record if isinstance(record, InputError) else (where, record, warnings)
        except (OSError, EOFError, zlib.error) as err:  # a cut or corrupt .gz among them
            yield from opening or ()
            yield InputError(f"{path}:{number + 1}: cannot read ({err})")
        except NotTextError as err:  # a row of binary data: read no further (``bounded_rows``)
            yield from opening or ()
            yield InputError(f"{path}:{number + 1}: {err}")
        else:
            yield from opening or ()


def _not_utf8_rows(start: bytes) -> str | None:
    """What a corpus file not named .gz that opens with ``start`` (its first bytes) is, where it cannot be
    read as rows of UTF-8 at all: gzip, UTF-16 (which would be an error for each of its rows); else None."""
    if start[:2] == GZIP_MAGIC[:2]:
        return GZIPPED_CORPUS
    return UTF16_CORPUS if utf16_corpus(start) else None


def utf16_corpus(start: bytes) -> bool:
    """Whether a JSONL corpus opening with ``start`` (its first ``UTF16_PEEK_BYTES``) is UTF-16: a byte order
    mark, or its first "{" after any blank lines with a NUL beside it."""
    units = [start[i:i + 2] for i in range(0, len(start) - 1, 2)]
    first = next((u for u in units if u not in _UTF16_BLANKS), b"")
    return start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or first in (b"{\x00", b"\x00{")


def corpus_pages(rows: Iterable[tuple[str, object, list[str]] | InputError],
                 text_field: str = TEXT_FIELD_DEFAULT, html_field: str | None = None, site_field: str | None = None,
                 replaced: tuple[str, ...] = ()) -> Iterator[Page | InputError]:
    """The pages of a corpus's records (``corpus_page``), each given with where it is ("file:N") and its
    warnings so far; an InputError among them is passed on. ``replaced``: the fields the output record will
    write; the first record holding one gets a warning, the others of the corpus do not. So does the first
    record that is a line of ``predict``'s own output (``LINE_RECORD_KEYS``: one line, read as a page), and
    the first record without a page that holds results of an earlier run, which stay beside its error (said
    with the error, ``InputError.said``)."""
    line_records_said = False
    stale = replaced
    no_page = 0  # records without a page (``NO_PAGE_SAID``)
    for row in rows:
        if isinstance(row, InputError):
            yield row
            continue
        where = row[0]
        page = corpus_page(*row, text_field, html_field, site_field)
        if stale and isinstance(page, InputError) and isinstance(page.record, dict):
            if held := held_fields(page.record, (ERROR_FIELD,), stale):  # a record cleaned before, its page gone
                page.said = f"{page}; the record already has {held} (said once per file)"
                stale = ()
        if isinstance(page, InputError) and page.record is not None:
            no_page += 1
            if no_page == NO_PAGE_SAID:
                page.said = f"{page.said or page}; later ones of this file are counted at its end"
            elif no_page > NO_PAGE_SAID:
                page.said = ""
        if not line_records_said and isinstance(page, Page) and LINE_RECORD_KEYS <= page.record.keys():
            page.warnings.append(f"{page.path}: a record of one line and its label, as `linesift predict -f jsonl` "
                                 "writes for scrapes: each is read as a page (said once per file)")
            line_records_said = True
        held = held_fields(page.record, replaced, (ERROR_FIELD,)) if replaced and isinstance(page, Page) else ""
        if held:  # a record cleaned before, or a field of the same name
            page.warnings.append(f"{page.path}: --format jsonl: the record already has {held} (said once per file)")
            replaced = ()
        yield page
    if no_page > NO_PAGE_SAID:
        yield f"{where.rpartition(':')[0]}: {no_page - NO_PAGE_SAID} more record(s) without a page, not said one by one"


def corpus_page(where: str, record, warnings: list[str], text_field: str = TEXT_FIELD_DEFAULT,
                html_field: str | None = None, site_field: str | None = None) -> "Page | InputError":
    """The page of one corpus record (a JSONL row's object, a Parquet row), read ``where`` ("file:N"): its text
    (or HTML, ``html_field``; bytes, as a Parquet binary column holds, read as UTF-8) and site; an InputError if
    it has no such field."""
    if not isinstance(record, dict):  # a JSON array, string, number, true/false or null
        return InputError(f"{where}: a record must be a JSON object")
    field_name = html_field or text_field
    value = record.get(field_name)
    if isinstance(value, bytes):  # a Parquet string column written as untagged binary (Impala, older Hive)
        value = value.decode("utf-8", "replace")
        if "\ufffd" in value:
            warnings.append(f"{where}: {field_name!r} is not UTF-8; undecodable bytes replaced")
    if not isinstance(value, str):
        labelled = "lines" in record and "labels" in record
        return InputError(f"{where}: {NO_FIELD} {field_name!r}" + (
            " (a labelled page, lines and labels: linesift evaluate scores a model on it)" if labelled else
            _html_field_hint(record, html_field is not None)), record=record)
    if site_field:  # any value but a missing or empty one names a site (0 and false too)
        site = None if record.get(site_field) in (None, "") else str(record.get(site_field))
    else:
        site = site_of_url(record.get("url") if isinstance(record.get("url"), str) else None)
    if html_field:
        return Page(where, [], warnings, record=record, html=value, site=site, record_lines=True)
    return Page(where, [], warnings, record=record, site=site, text=value)


def _html_field_hint(record: dict, html: bool) -> str:
    """A hint for a record without its text field that has an ``html`` one: ``--html-field html``; else ""."""
    return " (it has 'html': --html-field html renders it)" if not html and isinstance(record.get("html"), str) else ""


_META_TAG = re.compile(rb"<meta\b[^>]*>", re.I)
_COMMENT = re.compile(rb"<!--.*?(?:-->|\Z)", re.S)  # an unclosed comment runs to the end of what is read
_ATTRIBUTE = re.compile(rb"""([^\s=/>]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_CHARSET_VALUE = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
DECLARED_CHARSET_BYTES = 4096  # of a page read for its <meta> charset (browsers' prescan reads 1024)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` of its first 4 KB (``DECLARED_CHARSET_BYTES``), outside
    comments, as browsers read one: a ``charset`` attribute, or the ``content`` of a ``http-equiv=content-type``
    pragma (not a description that mentions "charset="); the first such ``<meta>``, if Python knows it as a
    text encoding (``text_codec``). A ``<meta>`` naming UTF-16 or UTF-32 means UTF-8, as browsers read it, and
    one naming a charset its own bytes do not read as ASCII in (EBCDIC's cp037, cp500) is passed by: a page
    whose ``<meta>`` could be read as ASCII is in neither."""
    head = _COMMENT.sub(b" ", data[:DECLARED_CHARSET_BYTES])
    for tag in _META_TAG.finditer(head):
        attributes = {}
        for found in _ATTRIBUTE.finditer(tag.group(0), 5):  # after "<meta"; the first of a name counts
            attributes.setdefault(found.group(1).lower(), (found.group(2) or b"").strip(b"\"'").strip())
        name = attributes.get(b"charset")
        if not name and attributes.get(b"http-equiv", b"").lower() == b"content-type":
            found = _CHARSET_VALUE.search(attributes.get(b"content", b""))
            name = found.group(1) if found else None
        if not name:
            continue
        codec = text_codec(name.decode("ascii", "replace"))
        if codec and codecs.lookup(codec).name.startswith(("utf-16", "utf-32")):
            return "utf-8"
        if codec is None or not _reads_as_ascii(tag.group(0), codec):
            return None
        return codec
    return None


def _reads_as_ascii(tag: bytes, codec: str) -> bool:
    """Whether ``tag`` (ASCII bytes, as a ``<meta>`` is) reads as the same characters in ``codec``."""
    try:
        return tag.decode(codec) == tag.decode("ascii", "replace")
    except (UnicodeError, LookupError):
        return False


def as_declared(data: bytes, text: str, warnings: list[str]) -> tuple[str, list[str]]:
    """An HTML page's ``(text, warnings)`` as ``lines.decode`` read ``data``, or, when that was not UTF-8 (a
    warning) and the page declares another charset Python knows, ``data`` decoded by it, without warnings
    unless that too had to replace bytes (a page declaring UTF-8 that is not keeps ``decode``'s warning)."""
    declared = declared_charset(data) if warnings else None
    if declared is None or codecs.lookup(declared).name in ("utf-8", "utf-8-sig"):  # "utf_8_sig", "U8": UTF-8 too
        return text, warnings
    try:
        return data.decode(declared), []
    except UnicodeDecodeError as err:
        return data.decode(declared, errors="replace"), [f"not valid {declared} as the page declares (byte "
                                                         f"{err.start}); undecodable bytes replaced"]
    except UnicodeError:  # a codec that fails whatever the bytes: read as ``decode`` read it
        return text, warnings


def _charset(content_type: str) -> str | None:
    """The charset of an HTTP Content-Type, if given and known to Python."""
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return text_codec(value.strip("\"' "))
    return None


def iter_warc(path: str, head: list[bytes] | None = None) -> Iterator[Page | InputError | str]:
    """Pages of a WARC/WET file: HTML ``response`` records rendered, ``conversion`` records taken as text;
    a str is a warning of a page given before it (``_warc_items``).
    ``head``: for stdin (``-``), its first bytes, already read to sniff it (``_sniffed_stdin``).

    Uses warcio (pure Python, the Webrecorder/Common Crawl reference reader; ``pip install warcio``, or the ``warc`` extra).
    """
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        yield InputError(f"{path}: reading WARC needs warcio (pip install warcio; the warc extra of linesift)")
        return
    _brotli_for_warcio()
    skip = 0  # records read already, where a file gzipped whole is read again through gzip
    while True:
        try:
            if path == "-":  # head: what the sniff read; with --input-format warc nothing was, so read 2 bytes
                opening = b"".join(head) if head else _stdin_buffer().read(len(GZIP_MAGIC))
                if opening.startswith(GZIP_MAGIC):  # stdin cannot be read again, as a file gzipped whole is
                    handle = _Gunzipped(_Prefixed(opening, _stdin_buffer()))
                else:  # plain records: warcio reads 16 KB at a time, which would hold a burst's records past a pause
                    handle = _Prefixed(opening, _stdin_buffer(), most=WARC_READ_BYTES)
            else:
                handle = gzip.open(path, "rb") if skip else open(path, "rb")
        except OSError as err:
            yield InputError(f"{path}: {os_problem(err)}")
            return
        with handle:
            for item in _warc_items(path, handle, ArchiveIterator, skip):
                if isinstance(item, _GzippedWhole):
                    skip = item.records
                    break
                yield item
            else:
                return


@dataclass
class _GzippedWhole:
    """Said by ``_warc_items`` of a file gzipped whole (one gzip member, where warcio reads one per record),
    after the pages of its first ``records`` records: it is read again through gzip, from the next."""

    records: int


def _warc_items(path: str, handle, archive_iterator,
                skip: int = 0) -> Iterator[Page | InputError | str | _GzippedWhole]:
    """The pages, errors and late warnings (a page's, given after it: str) of the WARC records read from
    ``handle`` (``iter_warc``); ``skip``: records read before, through warcio's own gzip reader, whose pages
    were given."""
    # each page is held until the next record is read: warcio finds then whether the record ran past its
    # Content-Length (a warning for its page). On stdin whose producer has paused (a live crawl) after a
    # record (its gzip member whole and checked, ``_whole_once_paused``), the page or error is given at once, and
    # that warning, if it comes, after it, on its own.
    page, number, whole = None, 0, True  # whole: record ``number`` was read to its end
    given = None  # the page given before the next record was read, and how many warnings it had then
    try:
        archive = archive_iterator(handle)
        records = iter(archive)
        while (record := _next_record(records, page if given is None else given[0], number)) is not None:
            if page is not None:
                yield page
            yield from _late_warnings(given)
            page, whole, given = None, False, None
            number += 1
            if number <= skip:  # its page was given: the next record's errors come after it
                whole = True
                continue
            arc = record.format == "arc"
            if arc and not path.lower().endswith(".arc.gz"):  # warcio's fallback for what is not WARC
                yield InputError(f"{path}: not a WARC file (record {number} has no 'WARC/' version line)")
                return
            if not arc and not (record.rec_headers.get_header("Content-Length") or "").strip().isdigit():
                yield InputError(f"{path}: broken WARC (record {number} is cut short: no Content-Length)")
                return
            said = io.StringIO()  # warcio's own word on a gzip member it cannot inflate, said here instead
            with redirect_stderr(said):
                page = _warc_page(path, record)
                while record.raw_stream.read(1 << 16):  # the rest of the record, to tell whether it is whole
                    pass
            whole = True
            why = f"; {one_line(said.getvalue())}" if said.getvalue().strip() else ""
            if getattr(record.raw_stream, "limit", 0) > 0:
                yield InputError(f"{path}: broken WARC (record {number} is cut short: "
                                 f"{record.raw_stream.limit} bytes missing{why})")
                return
            if why and isinstance(page, Page):
                page.warnings.append(f"{page.path}: reading record {number}: {why[2:]}")
            if path == "-" and page is not None and _whole_once_paused(handle):
                given = (page, len(page.warnings)) if isinstance(page, Page) else None
                yield page
                page = None
        if page is not None:
            yield page
        yield from _late_warnings(given)
        unread = _unread_bytes(path, archive, handle if skip else None)
        if unread:
            yield InputError(f"{path}: broken WARC ({unread} bytes after the last whole record, cut short?)")
    except Exception as err:  # warcio raises several kinds on truncated or malformed archives
        yield from _late_warnings(given)  # found as the next record failed
        gzipped = isinstance(err, (BrokenGzip, EOFError))  # the gzip stream read through ``_Gunzipped`` or gzip
        if not whole:  # a record cut or damaged in its middle: said by the archive's error
            page = None
        elif gzipped and getattr(err, "checked", False) and isinstance(page, Page):
            # the check (CRC, length) at its gzip member's end failed once its data had been read: damaged text
            page = InputError(f"{page.path}: its gzip member is damaged ({one_line(err)})")
        if page is not None:
            yield page
        # warcio's ArchiveLoadFailed for a file gzipped whole: "non-chunked gzip file detected"
        if path != "-" and not skip and "non-chunked gzip" in str(err):
            yield _GzippedWhole(number)
            return
        if gzipped:
            where = f"after record {number}" if whole else f"in record {number}"
            yield InputError(f"{path}: broken WARC (its gzip stream breaks {where}: {one_line(err)})")
            return
        if whole and _lacks_target_uri(err):
            yield InputError(f"{path}: broken WARC (record {number + 1} has no WARC-Target-URI, which a response, "
                             "request or revisit record needs)")
            return
        yield InputError(f"{path}: broken WARC ({type(err).__name__}: {one_line(err)})")


def _late_warnings(given: tuple[Page, int] | None) -> list[str]:
    """The warnings a page given early (``_warc_items``: the page, and how many warnings it had then) got
    after it was given."""
    return [] if given is None else given[0].warnings[given[1]:]


def _lacks_target_uri(err: Exception) -> bool:
    """Whether ``err`` is warcio's AttributeError for a response, request or revisit record without a
    WARC-Target-URI, which it needs to tell whether the record holds HTTP headers (``uri.startswith``)."""
    import traceback

    frames = traceback.extract_tb(err.__traceback__)
    return isinstance(err, AttributeError) and bool(frames) and frames[-1].name == "load_http_headers"


def _next_record(records: Iterator, page: Page | InputError | None, number: int):
    """The next of warcio's ``records``, or None at their end. warcio writes a warning block of its own to
    stderr when a record is not followed by a blank line (its Content-Length too small): it is caught here and
    said in one line, as a warning of the record's ``page``."""
    said = io.StringIO()
    try:
        with redirect_stderr(said):
            return next(records, None)
    finally:
        if said.getvalue().strip() and isinstance(page, Page):
            page.warnings.append(f"{page.path}: record {number} runs past its Content-Length (perhaps too small): "
                                 "its text may have lost its end")


class BrokenGzip(Exception):
    """A gzip stream cut short or corrupt (``_Gunzipped``); ``checked``: a member's data was read whole and
    failed the check of its end (CRC or length), so what was read of it is damaged."""

    def __init__(self, message: str, checked: bool = False):
        super().__init__(message)
        self.checked = checked


class _Gunzipped(io.RawIOBase):
    """The records of a gzipped WARC on stdin, ungzipped: gzip joins a member per record (Common Crawl's files)
    and one member for the whole (``gzip crawl.warc``) alike, where warcio reads the first kind only and a
    file of the second is read again (``iter_warc``). A gzip cut short raises ``BrokenGzip``: warcio takes an
    EOFError for the end of the records and would stop without a word.

    The members are read here, not by ``gzip.GzipFile``: it reads on for more compressed bytes while those it
    holds could still give data (topping its read up from the pipe), so on a live stream the end of a large
    member's record waited for the next record to come. Here compressed bytes are read only when those held
    give nothing more, and each member's check (CRC, length) is made at its end, as gzip makes it, with gzip's
    words."""

    def __init__(self, raw):
        self.raw, self.members = raw, _GzipMembers()

    def waiting(self) -> bytes:
        """The gzip bytes not read yet that are waiting: the sniff's, and stdin's followed (``StdinPipe``)."""
        raw = self.raw
        if not isinstance(raw, _Prefixed):
            return b""
        rest = raw.rest
        return raw.head + (bytes(rest.data[rest.at:]) if isinstance(rest, StdinPipe) else b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while (data := self.members.data(len(buffer))) is None:  # the bytes held give nothing more: read on
            more = self.raw.read(WARC_READ_BYTES)
            if not more:
                self.members.end()
                return 0
            self.members.pending += more
        buffer[:len(data)] = data
        return len(data)


# bytes of a WARC on stdin read at a time, compressed or plain (where warcio would read 16 KB): what is not read
# yet stays in stdin's buffer, where a pause is told (``StdinPipe.paused``); read 64 KB at a time, a burst of
# small records was read ahead, and each record then waited the pause's 0.1 s (3 pages a second; plain, 16 KB at
# a time: 100 records of 400 bytes in 6.7 s, 1.4 s read 2 KB at a time)
WARC_READ_BYTES = 2048


def _whole_once_paused(handle) -> bool:
    """Whether stdin's producer has paused (``stdin_paused``) after a whole WARC record: plain bytes are; gzip
    (``_Gunzipped``) is where the member being read ends, and passes its check (CRC, length), within the bytes
    read and those waiting unread, and every member before it passed: its end (the blank lines after the
    record, the check) is read only when the next record's bytes are asked for."""
    return stdin_paused() and (not isinstance(handle, _Gunzipped) or handle.members.whole_with(handle.waiting()))


class _GzipMembers:
    """gzip members decompressed from the bytes given (``pending``), one after another, each checked at its
    end (CRC and length: ``BrokenGzip`` with ``checked``); zero bytes between members are passed by, as gzip
    passes them."""

    def __init__(self):
        self.pending = b""  # compressed bytes given, not yet used
        self.member = None  # the raw deflate stream of the member being read; None between members
        self.crc = self.size = 0

    def data(self, size: int) -> bytes | None:
        """Up to ``size`` bytes of data, or None where the bytes given hold no more (a member's header, data
        or check still to come)."""
        while True:
            if self.member is None:
                self.pending = self.pending.lstrip(b"\0")
                start = _gzip_header_end(self.pending) if self.pending else None
                if start is None:
                    return None
                self.pending, self.crc, self.size = self.pending[start:], 0, 0
                self.member = zlib.decompressobj(-zlib.MAX_WBITS)
            if not self.member.eof:
                if not self.pending:  # zlib may still hold data of input it has taken (up to 258 bytes)
                    out = self.member.decompress(b"", size)
                    self.crc, self.size = zlib.crc32(out, self.crc), self.size + len(out)
                    return out or None
                try:
                    out = self.member.decompress(self.pending, size)
                except zlib.error as err:
                    raise BrokenGzip(one_line(err)) from None
                self.pending = self.member.unused_data if self.member.eof else self.member.unconsumed_tail
                self.crc, self.size = zlib.crc32(out, self.crc), self.size + len(out)
                if out:
                    return out
                continue
            if not _member_checked(self.pending, self.crc, self.size):  # its check (CRC, length) still to come
                return None
            self.pending, self.member = self.pending[8:], None

    def end(self) -> None:
        """The compressed bytes ended: ``BrokenGzip`` where a member is cut short."""
        rest = self.pending.lstrip(b"\0") if self.member is None else None
        if rest is not None and len(rest) == 1:  # gzip reads a member's 2 magic bytes first
            _not_gzip(rest)
        if rest is None or rest:
            raise BrokenGzip("Compressed file ended before the end-of-stream marker was reached")

    def whole_with(self, waiting: bytes) -> bool:
        """Whether the member being read ends, and passes its check, within the bytes held and ``waiting``
        (those not given yet); nothing is changed."""
        if self.member is None:
            return True
        pending, crc, size = self.pending + waiting, self.crc, self.size
        if not self.member.eof:  # its copy decompresses the rest (a copy of a stream at its end would not say so)
            member = self.member.copy()
            try:
                data = member.decompress(pending)
            except zlib.error:
                return False
            if not member.eof:
                return False
            pending, crc, size = member.unused_data, zlib.crc32(data, crc), size + len(data)
        try:
            return _member_checked(pending, crc, size)
        except BrokenGzip:
            return False


def _member_checked(after: bytes, crc: int, size: int) -> bool:
    """Whether a member whose data had ``crc`` and ``size`` passes its check, the 8 bytes opening ``after``
    (False where they have not all come); ``BrokenGzip`` where it fails, in gzip's words."""
    if len(after) < 8:
        return False
    said_crc, said_size = struct.unpack("<II", after[:8])
    if said_crc != crc:
        raise BrokenGzip(f"CRC check failed {hex(said_crc)} != {hex(crc)}", checked=True)
    if said_size != size & 0xFFFFFFFF:
        raise BrokenGzip("Incorrect length of data produced", checked=True)
    return True


def _gzip_header_end(data: bytes) -> int | None:
    """Where the gzip member header opening ``data`` ends, or None where ``data`` does not hold all of it;
    ``BrokenGzip`` for bytes that are no gzip header (gzip's words)."""
    if len(data) < 10:
        return None if GZIP_MAGIC.startswith(data[:2]) else _not_gzip(data)
    if data[:2] != GZIP_MAGIC:
        _not_gzip(data)
    if data[2] != 8:
        raise BrokenGzip("Unknown compression method")
    flags, end = data[3], 10
    if flags & 4:  # FEXTRA
        if len(data) < end + 2:
            return None
        end += 2 + int.from_bytes(data[end:end + 2], "little")
    for flag in (8, 16):  # FNAME, FCOMMENT: zero-terminated
        if flags & flag:
            zero = data.find(b"\0", end)
            if zero < 0:
                return None
            end = zero + 1
    if flags & 2:  # FHCRC
        end += 2
    return end if len(data) >= end else None


def _not_gzip(data: bytes):
    raise BrokenGzip(f"Not a gzipped file ({data[:2]!r})")


class _Prefixed(io.RawIOBase):
    """A binary stream: ``head`` (bytes already read from ``rest``), then the rest of ``rest``, at most ``most``
    bytes a read if given."""

    def __init__(self, head: bytes, rest, most: int | None = None):
        self.head, self.rest, self.most = head, rest, most

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        # what is waiting (one read of the pipe when nothing is), not a full buffer: a live producer's records
        # are not held back for the bytes after them (Python 3.12's gzip asks for 128 KB at a time)
        data = self.rest.read1(len(buffer) if self.most is None else min(len(buffer), self.most))
        buffer[:len(data)] = data
        return len(data)


class _Brotli:
    """A brotli decompressor as warcio calls one (``decompress``, ``unused_data``), over Google's ``brotli``
    module, whose ``Decompressor`` warcio 1.7-1.8 fails on (it sets an attribute on it: an AttributeError)."""

    unused_data = b""

    def __init__(self):
        import brotli

        self._decompressor = brotli.Decompressor()

    def decompress(self, data: bytes) -> bytes:
        return self._decompressor.process(data)


def _can_decode_brotli() -> bool:
    from warcio.bufferedreaders import BufferedReader

    return "br" in BufferedReader.DECOMPRESSORS


def _brotli_for_warcio() -> None:
    """Let warcio decode ``Content-Encoding: br`` bodies with Google's brotli module where that is installed (the
    warc extra installs it); brotlipy, whose API warcio was written for, is left to warcio."""
    try:
        import brotli
        from warcio.bufferedreaders import BufferedReader
    except ImportError:
        return
    if hasattr(brotli, "Decompressor") and hasattr(brotli.Decompressor, "process"):
        BufferedReader.DECOMPRESSORS["br"] = _Brotli


def _warc_page(path: str, record) -> Page | InputError | None:
    """The page of an HTML ``response`` or a ``conversion`` record, else None; an InputError in its place for a
    body that cannot be decoded (a Content-Encoding warcio fails on), so the records after it are read."""
    if record.rec_type not in ("response", "conversion"):
        return None
    record_id = record.rec_headers.get_header("WARC-Record-ID") or ""
    url = record.rec_headers.get_header("WARC-Target-URI")
    meta = {"url": url, "warc_record_id": record_id}
    headers = record.http_headers  # None for a conversion record
    ctype = (headers.get_header("Content-Type") or "") if headers else ""
    if record.rec_type == "response" and "html" not in ctype.lower():
        return None
    encoding = (headers.get_header("Content-Encoding") or "").strip().lower() if headers else ""
    if encoding == "br" and not _can_decode_brotli():  # warcio would hand the compressed bytes on as the page
        return InputError(f"{path}#{record_id}: its body is brotli-compressed (Content-Encoding: br); reading it "
                          "needs brotli (pip install brotli; the warc extra of linesift)")
    try:
        body = record.content_stream().read()
    except (BrokenGzip, EOFError):  # the archive's gzip stream, not the body's encoding: said by ``_warc_items``
        raise
    except Exception as err:  # warcio's decoders raise several kinds (brotli's AttributeError, zlib.error, ...)
        why = f"{type(err).__name__}: {one_line(err)}"
        return InputError(f"{path}#{record_id}: cannot decode the record's body ({why})")
    if encoding in ("gzip", "x-gzip") and body.startswith(GZIP_MAGIC):
        # warcio hands on as it is a body it did not gunzip: x-gzip (which it does not know), gzip twice, or
        # gzip data broken from its start
        try:
            body = _gunzipped(body)
        except zlib.error as err:
            return InputError(f"{path}#{record_id}: cannot decode the record's body (Content-Encoding: {encoding}, "
                              f"and its gzip data is broken: {one_line(err)})")
    if record.rec_type == "conversion":
        return Page(f"{path}#{record_id}", [], record=meta, site=site_of_url(url),
                    text=body.decode("utf-8", errors="replace"), record_lines=True)
    try:
        html = _decoded_body(body, ctype)
    except NotTextError:
        return InputError(f"{path}#{record_id}: its body is not text, though its Content-Type is {ctype!r}")
    return Page(f"{path}#{record_id}", [], record=meta, html=html, site=site_of_url(url), record_lines=True)


_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)  # UTF-32 LE: as UTF-16 LE


def _decoded_body(data: bytes, content_type: str) -> str:
    """An HTML response body as text: by the charset of its Content-Type, else as an ``.html`` file is read
    (``lines.decode``, then ``as_declared``: the charset its ``<meta>`` declares, which legacy Cyrillic and
    CJK pages often give only there); bad bytes replaced. Bytes that are no text (``lines.NotTextError``, and
    mostly not UTF-8: an image or compressed data under an HTML Content-Type) are refused. A byte order mark
    wins over the Content-Type, as browsers read it."""
    charset = _charset(content_type)
    if charset is not None and not data.startswith(_BOMS):
        with suppress(UnicodeError):  # a codec that fails whatever the bytes: read as a file is
            return data.decode(charset, errors="replace")
    try:
        text, warnings = decode(data)
    except NotTextError:  # a NUL or two in a page (padding, a stray byte) are read over; binary data is refused
        text = data.rstrip(b"\0").decode("utf-8", errors="replace")
        if looks_binary(text[:65536]):
            raise
        return text
    return as_declared(data, text, warnings)[0]


def _gunzipped(data: bytes, layers: int = 2) -> bytes:
    """``data`` gunzipped, twice where it was gzipped twice (a body cut short: as far as it goes); zlib.error
    where it is broken."""
    for _ in range(layers):
        if not data.startswith(GZIP_MAGIC):
            break
        data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)
    return data


def _unread_bytes(path: str, archive, gunzipped=None) -> int:
    """Bytes of a file after the end of the last record read, not counting blank lines: warcio stops
    quietly at a record whose header is cut short. ``gunzipped``: the gzip stream a file gzipped whole was
    read through (the records' offsets are in its bytes)."""
    if path == "-":
        return 0
    try:
        end = archive.get_record_offset() + archive.get_record_length()
    except (AttributeError, TypeError):  # no record at all
        end = 0
    if gunzipped is not None:
        while gunzipped.read(1 << 20):  # to its end (warcio read ahead of the last record)
            pass
        size = gunzipped.tell()
    else:
        size = Path(path).stat().st_size
    unread = size - end
    if unread <= 0:
        return 0
    with gzip.open(path, "rb") if gunzipped is not None else open(path, "rb") as handle:
        handle.seek(end)
        tail = handle.read(min(unread, 1 << 20))
    return 0 if len(tail) == unread and not tail.strip() else unread


# charsets read as browsers read them (the WHATWG Encoding Standard), by Python's name of the codec: as the larger
# charset a label names there (ISO-8859-1 as windows-1252, its quotes and dashes, not controls; a page labelled
# GB2312 holds GBK characters, one labelled EUC-KR Windows-949's)
_READ_AS = {"iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "tis-620": "cp874", "iso8859-11": "cp874",
            "gb2312": "gb18030", "gbk": "gb18030", "euc_kr": "cp949", "shift_jis": "cp932", "big5": "big5hkscs"}
# WHATWG labels Python does not know, by a name it does
_WHATWG_LABELS = {"x-gbk": "gbk", "gb_2312": "gbk", "gb_2312-80": "gbk", "csgb2312": "gbk", "iso-ir-58": "gbk",
                  "windows-31j": "cp932", "x-sjis": "cp932", "windows-949": "cp949", "ks_c_5601-1989": "cp949",
                  "iso-ir-149": "cp949", "csksc56011987": "cp949", "cn-big5": "big5hkscs", "x-x-big5": "big5hkscs",
                  "csbig5": "big5hkscs", "x-euc-jp": "euc_jp", "x-cp1252": "cp1252", "x-cp1251": "cp1251"}
# Python codecs that are no page's charset, which a page may still name: they fail on any bytes ("undefined"),
# decode host names or escapes ("idna", "punycode", "unicode-escape"), or ignore ``errors="replace"``; no
# browser reads a page with them (nor with UTF-7, which the WHATWG Encoding Standard leaves out)
_NOT_PAGE_CODECS = frozenset({"undefined", "idna", "punycode", "unicode-escape", "raw-unicode-escape", "utf-7",
                              "charmap"})


def text_codec(name: str) -> str | None:
    """The codec Python decodes the charset ``name`` with: None for a name it does not know or that is not a
    text encoding (``hex``, ``base64``). A charset browsers read as a larger one is read so (``_READ_AS``):
    ISO-8859-1 and ASCII as windows-1252, GB2312 as GB18030, EUC-KR as windows-949, Shift_JIS as windows-31J."""
    name = _WHATWG_LABELS.get(name.strip().lower(), name)
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    # bytes.decode refuses a codec that is not a text encoding ("'hex' is not a text encoding")
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_PAGE_CODECS:
        return None
    return _READ_AS.get(info.name, name)


def _sniffing_said(records: Iterator[Page | InputError]) -> Iterator[Page | InputError]:
    """stdin's records, read as a JSONL corpus because its first lines are JSON objects: where the first has
    no page field, its error says why."""
    first = next(records, None)
    if isinstance(first, InputError) and NO_FIELD in str(first):
        first = InputError(f"{first} (stdin is read as a JSONL corpus, as its first lines that are not blank are "
                           "JSON objects: --text-field names another field, --input-format text reads it as one "
                           "page)", said=first.said, record=first.record)
    if first is not None:
        yield first
    yield from records


def iter_pages(paths: list[str], input_format: str = "auto", text_field: str = TEXT_FIELD_DEFAULT,
               html_field: str | None = None, site_field: str | None = None,
               replaced: tuple[str, ...] = (), encoding: str | None = None) -> Iterator[Page | InputError | str]:
    """Pages in input order; an unreadable input yields its InputError instead (so a batch goes on), and a
    WARC on stdin a warning (str) of a page it gave before the warning was found (``iter_warc``).
    ``replaced``: JSONL corpora, the fields the output records will write (``iter_records``); ``encoding``:
    text and HTML files, the charset to read them in (``read_page``)."""
    for path in expand_paths(paths):
        fmt, head = input_format, []
        if path == "-":
            try:
                fmt, head = _sniffed_stdin(input_format, html_field or text_field)
            except InputError as err:
                yield err
                continue
        if fmt == "jsonl" or (fmt == "auto" and path.lower().endswith(JSONL_SUFFIXES)):
            records = iter_records(path, text_field, html_field, site_field, head, replaced)
            yield from _sniffing_said(records) if path == "-" and input_format == "auto" else records
            continue
        if fmt == "parquet" or (fmt == "auto" and path.lower().endswith(PARQUET_SUFFIXES)):
            from linesift.parquet import parquet_rows

            yield from corpus_pages(parquet_rows(path), text_field, html_field, site_field, replaced)
            continue
        if fmt == "warc" or (fmt == "auto" and path.lower().endswith(WARC_SUFFIXES)):
            yield from iter_warc(path, head)
            continue
        try:
            yield read_page(path, fmt, b"".join(head), encoding)
        except InputError as err:
            yield err
