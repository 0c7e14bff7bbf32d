"""Writing results: atomic files and the per-line output formats (text, tsv, jsonl)."""

from __future__ import annotations

import contextlib
import errno
import gzip
import io
import json
import math
from json.encoder import encode_basestring
import os
import stat
import tempfile
from pathlib import Path

import numpy as np

FORMATS = ("text", "tsv", "jsonl")
OUTPUT_FIELDS = ("content", "line_labels", "line_scores", "linesift")  # what a corpus record gets
ERROR_FIELD = "error"  # what a record that holds no page gets instead
LINE_TEXTS_FIELD = "line_texts"  # and the page's lines, where its text is no field of the record (HTML, WARC)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def gzip_named(path: str | Path) -> bool:
    """Whether a file's name ends in ``.gz``, in any case: it is read and written gzipped."""
    return str(path).lower().endswith(".gz")


def is_special_file(path: str | Path) -> bool:
    """Whether ``path`` exists and is neither a regular file nor a directory (``/dev/null``, a FIFO, a
    terminal): written to in place, since renaming a file over it would replace the device or pipe."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def is_own_stream(path: str | Path, fd: int = 1) -> bool:
    """Whether ``path`` is this process's stdout (``/dev/stdout``, ``/proc/self/fd/1``, or a link to it), or
    with ``fd=2`` its stderr."""
    try:
        return os.path.samestat(os.stat(path), os.fstat(fd))
    except (OSError, ValueError):
        return False


TEMP_NAME_BYTES = 100  # of the file's name that a temporary file's name begins with
_TEMP_FILES: dict[str, Path] = {}  # this process's temporary files not yet renamed or removed -> the file each replaces


def resolved(path: str | Path) -> Path:
    """``path`` made absolute with its symlinks followed; where they loop, made absolute only (reading it
    says what is wrong)."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):  # a symlink loop: RuntimeError before Python 3.13, OSError since
        return Path(os.path.abspath(path))


def link_target(path: str | Path) -> Path:
    """The file a write to ``path`` replaces: ``path`` itself, or through a symlink the file it points to,
    not the link."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def new_temp_file(path: str | Path) -> tuple[int, str]:
    """A temporary file beside the file a write to ``path`` replaces (``link_target``; same file system, so
    it can be renamed over it), with that file's mode, else 0666 - umask, as a file opened for writing would
    have. ``commit_temp_file`` renames it there."""
    target = link_target(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{_name_start(target)}.", suffix=".tmp",
                                   dir=target.parent or Path("."))
    except OSError as err:  # named as the file to write (no permission, a read-only disk), not the temporary one
        raise OSError(err.errno, err.strerror, str(path)) from None
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    _TEMP_FILES[tmp] = target
    os.chmod(tmp, mode)
    return fd, tmp


def _name_start(target: Path) -> str:
    """``target``'s name cut to TEMP_NAME_BYTES bytes (a character cut in two dropped), so a long but legal
    file name leaves room for a temporary name's additions."""
    return os.fsencode(target.name)[:TEMP_NAME_BYTES].decode("utf-8", "ignore")


def commit_temp_file(tmp: str) -> None:
    """Rename a temporary file (``new_temp_file``) over the file it replaces."""
    os.replace(tmp, _TEMP_FILES[tmp])
    del _TEMP_FILES[tmp]


def drop_temp_file(tmp: str) -> None:
    """Remove a temporary file (``new_temp_file``) that is not to be renamed, if it is still there."""
    Path(tmp).unlink(missing_ok=True)
    _TEMP_FILES.pop(tmp, None)


def remove_temp_files() -> None:
    """Remove every temporary file of this process still pending (on SIGTERM, which skips clean-up code)."""
    for tmp in list(_TEMP_FILES):
        with contextlib.suppress(OSError):
            drop_temp_file(tmp)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to a temporary file and rename it over ``path`` (through a symlink, the file it links to)."""
    atomic_write_files([(path, data)])


def atomic_write_files(files: list[tuple[str | Path, bytes]]) -> None:
    """Write each ``(path, data)`` to a temporary file, and rename them over their paths only once all are
    whole (a model file and its sidecar): a failure leaves every earlier file as it was. Where a rename fails
    after others were done (a sidecar that cannot be replaced: bind-mounted, immutable), those are undone
    from hard links to the files they replaced, and the error names the file that could not be written. A
    path that is a directory is refused before anything is written."""
    for path, _ in files:
        if link_target(path).is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    temps: list[str] = []
    earlier: dict[str, str | None] = {}  # temporary file -> a hard link to the file it replaces (``_linked_copy``)
    done: list[str] = []
    try:
        for path, data in files:
            fd, tmp = new_temp_file(path)
            temps.append(tmp)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        if len(temps) > 1:
            for tmp in temps:
                earlier[tmp] = _linked_copy(_TEMP_FILES[tmp])
        for tmp, (path, _) in zip(temps, files):
            target = _TEMP_FILES[tmp]
            try:
                commit_temp_file(tmp)
            except OSError as err:
                for committed in reversed(done):  # put the files renamed over back as they were
                    _undo(committed, earlier[committed])
                raise OSError(err.errno, err.strerror, str(path)) from None
            done.append(tmp)
            _TEMP_FILES[tmp] = target  # kept until the end, for an undo
    finally:
        for tmp in temps:  # those not renamed (a failed run)
            if tmp not in done:
                drop_temp_file(tmp)
            _TEMP_FILES.pop(tmp, None)
        for link in earlier.values():
            if link:
                with contextlib.suppress(OSError):
                    drop_temp_file(link)


ABSENT = ""  # ``_linked_copy`` of a file not there yet: undone by removing what the rename made


def _linked_copy(target: Path) -> str | None:
    """A hard link, beside ``target``, to the file ``target`` is now; ``ABSENT`` where there is none; None where
    no link can be made (a file system without hard links): that rename cannot be undone."""
    link = str(target.with_name(f".{_name_start(target)}.{os.getpid()}.old"))
    try:
        if not target.exists():
            return ABSENT
        with contextlib.suppress(FileNotFoundError):
            os.unlink(link)
        os.link(target, link)
    except OSError:
        return None
    _TEMP_FILES[link] = target  # removed on SIGTERM too (``remove_temp_files``)
    return link


def _undo(tmp: str, link: str | None) -> None:
    """Put back the file that the rename of ``tmp`` replaced (``link``), or remove the file it made."""
    target = _TEMP_FILES[tmp]
    with contextlib.suppress(OSError):
        if link == ABSENT:
            os.unlink(target)
        elif link is not None:
            os.replace(link, target)


class _ClosingGzipFile(gzip.GzipFile):
    """A ``GzipFile`` over a file object it closes too."""

    def close(self) -> None:
        raw = self.fileobj
        try:
            super().close()
        finally:
            if raw is not None:
                raw.close()


def open_text_output(path: str | Path, compress: bool = False):
    """A UTF-8 text file to write at ``path``; with ``compress`` gzipped with neither a name nor a time in its
    header, as ``atomic_write_text`` writes, so the same text gives the same bytes."""
    if not compress:
        return open(path, "w", encoding="utf-8")
    return text_writer(open(path, "wb"), compress=True)


def text_writer(raw, compress: bool, newline: str | None = None, level: int = 9) -> io.TextIOWrapper:
    """UTF-8 text written to the binary file object ``raw`` (closed with it); with ``compress`` gzipped at
    ``level``, with neither a name nor a time in its header."""
    if compress:
        raw = _ClosingGzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=level)
    return io.TextIOWrapper(raw, encoding="utf-8", newline=newline)


def atomic_write_text(path: str | Path, text: str, compress: bool = False) -> None:
    data = text.encode("utf-8")
    atomic_write_bytes(path, gzip.compress(data, mtime=0) if compress else data)


def format_page(path: str, lines: list[str], labels: list[str], scores: np.ndarray, fmt: str) -> str:
    """One page's result in ``fmt``: ``text`` keeps content lines and block breaks; ``tsv``/``jsonl`` every line."""
    if fmt == "text":
        return content_text(lines, labels) + ("\n" if any(lab == "content" for lab in labels) else "")
    dumps = encode_basestring  # json's C string encoder: the same text as json.dumps(s, ensure_ascii=False)
    if fmt == "tsv":
        shown = ["" if s != s else f"{s:.4f}" for s in scores.tolist()]
        return "".join([f"{label}\t{score}\t{line}\n" for label, score, line in zip(labels, shown, lines)])
    head = '{"path": ' + dumps(shown_path(path)) + ', "line": '
    shown = ["null" if s != s else repr(s) for s in np.round(scores, 4).tolist()]
    return _one_row_each("".join([f'{head}{number}, "label": "{label}", "score": {score}, "text": {text}}}\n'
                                  for number, label, score, text
                                  in zip(range(1, len(lines) + 1), labels, shown, map(dumps, lines))]))


def shown_path(path: str) -> str:
    """``path`` as text that can be written as UTF-8: a file name that is not UTF-8 (held with Python's
    surrogate escapes) gets U+FFFD for its bad bytes."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


# characters JSON leaves raw in a string that str.splitlines() (and JavaScript before ES2019) takes for line
# breaks: escaped, so a JSONL output splits into its records however it is read
_JSON_ROW_BREAKS = ("\u2028", "\u2029", "\x85")


def _one_row_each(jsonl: str) -> str:
    """``jsonl`` (JSON rows, each ending in "\\n") with ``_JSON_ROW_BREAKS`` escaped inside its strings."""
    for char in _JSON_ROW_BREAKS:
        if char in jsonl:
            jsonl = jsonl.replace(char, f"\\u{ord(char):04x}")
    return jsonl


def record_with_results(record: dict, page, with_lines: bool = False) -> dict:
    """A corpus record with the results of its ``page`` (a ``predict.PagePrediction``) added, every input
    field kept: the cleaned text, the per-line labels and scores, and a ``linesift`` object of counts and of
    the page's threshold, its base threshold where that one was raised, the line kept whatever its score on a
    page of one long line, the line where the main content was judged to end and the lines kept as the
    headline (lines 1-based; each only where the page has one). ``with_lines``: the page's lines too
    (``LINE_TEXTS_FIELD``), for a page whose text is not one of the record's fields (rendered from its HTML,
    or read from a WARC record), so the labels can be matched to their lines."""
    out = dict(record)
    out["content"] = content_text(page.lines, page.labels)
    if with_lines:
        out[LINE_TEXTS_FIELD] = page.lines
    out["line_labels"] = page.labels
    out["line_scores"] = [None if s != s else round(s, 4) for s in page.scores.tolist()]
    stats = {"lines": len(page.lines), "kept": page.labels.count("content"),
             "dropped": page.labels.count("boilerplate")}
    if page.threshold is not None:
        stats["threshold"] = round(page.threshold, 4)
    if page.base_threshold is not None:
        stats["base_threshold"] = round(page.base_threshold, 4)
    if page.whole_line is not None:
        stats["whole_line"] = page.whole_line + 1
    if page.content_end is not None:
        stats["content_end"] = page.content_end + 1
    if page.headline_lines:
        stats["headline_lines"] = [line + 1 for line in page.headline_lines]
    out["linesift"] = stats
    return out


def _json_value(value):
    """A value JSON has no type for, as a Parquet row can hold: dates and times in ISO 8601, decimals as their
    digits, bytes in base64, anything else as its text."""
    if hasattr(value, "isoformat"):  # datetime, date, time
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        import base64

        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)  # Decimal, timedelta, ...


def _finite(value):
    """``value`` with every float that is not finite (NaN, infinity: not JSON, though Python writes them) as
    its text, "NaN", "Infinity" or "-Infinity", in lists and dicts too."""
    if isinstance(value, float) and not math.isfinite(value):
        return json.dumps(value)  # "NaN", "Infinity", "-Infinity"
    if isinstance(value, dict):  # a key too (a Parquet map's keys may be floats)
        return {_finite(key) if isinstance(key, float) else key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def format_record(record: dict) -> str:
    """A corpus record (``record_with_results``, or a labelled page's) as one JSON line: valid JSON, so values
    JSON has no type for are written as text (``_json_value``, ``_finite``)."""
    try:
        row = json.dumps(record, ensure_ascii=False, default=_json_value, allow_nan=False)
    except ValueError:  # a NaN or an infinity somewhere: rare, so looked for only then
        row = json.dumps(_finite(record), ensure_ascii=False, default=_json_value, allow_nan=False)
    return _one_row_each(row + "\n")


def error_record(message: str, record: dict | None = None) -> str:
    """The JSONL output line standing for an input that could not be read: ``{"error": "file:N: why"}``, after
    the fields of its ``record`` where it is one that holds no page (a corpus record without its text field),
    as ``pipeline.clean_records`` returns it, so it can be joined back to its input by them."""
    return format_record({**(record or {}), ERROR_FIELD: shown_path(message)})


def content_text(lines: list[str], labels: list[str]) -> str:
    """The kept lines, with one blank line wherever blank lines separated kept ones (dropped lines alone
    leave no gap: a dropped "Advertisement" inside a paragraph block keeps the block together)."""
    out: list[str] = []
    gap = False
    for line, label in zip(lines, labels):
        if label == "content":
            if gap and out:
                out.append("")
            out.append(line)
            gap = False
        elif label == "blank" and out:
            gap = True
    return "\n".join(out)


def held_fields(record, replaced: tuple[str, ...], kept: tuple[str, ...]) -> str:
    """The fields of ``replaced`` and ``kept`` a record already holds (a record cleaned before), said for a
    warning ("" for none): the ``replaced`` ones the new results (or error) replace; the ``kept`` ones stay
    and may contradict them (an old ``error`` beside new results, old results beside a new ``error``)."""
    old = [name for name in replaced if name in record]
    stale = [name for name in kept if name in record]
    new, verb = ("the error", "replaces") if ERROR_FIELD in replaced else ("the results", "replace")
    said = [f"{', '.join(map(repr, old))}, which {new} {verb}"] if old else []
    if stale:
        said.append(f"{', '.join(map(repr, stale))}, which {'stays' if len(stale) == 1 else 'stay'} beside {new}")
    return " and ".join(said)
