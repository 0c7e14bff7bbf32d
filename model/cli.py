"""The ``linesift`` command: thin typer commands over importable functions.

Results go to stdout (or ``-o``), logs and progress to stderr. User errors print ``Error: ...`` and
exit 1; usage errors print one ``Error: ...`` line too and exit 2. An input read or written with a caveat prints ``Warning: ...``;
notes and progress start ``linesift: ``.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import signal
import sys
import time
from contextlib import closing, suppress
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
import typer.core
from linesift.inputs import (HTML_SUFFIXES, INPUT_FORMATS, LINE_RECORD_KEYS, TEXT_FIELD_DEFAULT, one_line,
                             stdin_twice)
from linesift.modelfile import SHIPPED_MODEL_WORD, names_shipped_model
from linesift.output import (
    ERROR_FIELD,
    FORMATS,
    LINE_TEXTS_FIELD,
    OUTPUT_FIELDS,
    commit_temp_file,
    drop_temp_file,
    format_record,
    gzip_named,
    is_own_stream,
    is_special_file,
    link_target,
    new_temp_file,
    open_text_output,
    resolved,
    text_writer,
)
from linesift import settings
from linesift.settings import (
    AUTO_JOBS_MAX,
    BATCH_PAGES_DEFAULT,
    CV_FOLDS_DEFAULT,
    FEW_PAGES,
    HEAD_MODEL_MIN_PAGES,
    JOBS_MAX,
    KNOWN_SHARE_DEFAULT,
    MEMBERS_DEFAULT,
    MEMBERS_MAX,
    MEMBERS_RECIPE,
    MIN_SAMPLES_LEAF_RECIPE,
    N_ESTIMATORS_DEFAULT,
    ORACLE_WARNING_BELOW,
    PAGE_WARNINGS_MAX,
    PAGE_MODEL_MIN_PAGES,
    TAIL_MODEL_MIN_PAGES,
    TRAIN_ONE_THREAD_LINES,
    TREES_MAX,
    UNSEEN_SHIFT_DEFAULT,
    UNSEEN_SHIFT_RECIPE,
    WEIGHTING_DEFAULT,
)

# click's exceptions, as the typer installed raises them (typer 0.29 carries its own copy of click)
_clicks = sys.modules[typer.BadParameter.__module__]
_NoArgsIsHelp = getattr(_clicks, "NoArgsIsHelpError", ())  # ``linesift`` alone (click >= 8.2)
_click_utils = importlib.import_module(_clicks.__name__.rsplit(".", 1)[0] + ".utils")  # its program name
_click_globals = importlib.import_module(_clicks.__name__.rsplit(".", 1)[0] + ".globals")  # the running command


class _Commands(typer.core.TyperGroup):
    """linesift's command group: a usage error (an unknown option or command, a bad value, a missing
    argument) is said on one line, ``Error: <what>; see 'linesift predict -h'``, exit 2, where click prints
    the usage, a hint and a blank line before it. ``linesift`` alone still prints the help."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _NoArgsIsHelp as err:
            err.show()
            sys.exit(err.exit_code)
        except _clicks.UsageError as err:
            say_error(usage_error_line(err, self._command_path(args, prog_name)))
            sys.exit(err.exit_code)
        except _clicks.ClickException as err:
            say_error(err.format_message())
            sys.exit(err.exit_code)
        except typer.Abort:
            say_error("aborted")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def _command_path(self, args, prog_name) -> str:
        """The command an error without a context came from (an option's missing value): ``linesift predict``."""
        args = sys.argv[1:] if args is None else list(args)
        detect = getattr(_click_utils, "_detect_program_name", None)
        prog = prog_name or (detect() if detect else "linesift")
        return f"{prog} {args[0]}" if args and args[0] in self.commands else prog


def usage_error_line(err, command_path: str | None = None) -> str:
    """``err``'s message, and where its command's help is: ``No such option: --bogus; see 'linesift
    predict -h'``; ``command_path`` names the command where the error has no context."""
    message = err.format_message().rstrip().replace("Value error, ", "")  # pydantic's prefix (typer >= 0.26)
    path = err.ctx.command_path if err.ctx is not None else command_path
    if path is None:
        return message
    return f"{message.rstrip('.')}; see '{path} -h'"


app = typer.Typer(
    cls=_Commands,
    add_completion=False,
    rich_markup_mode=None,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Label each line of a scraped web page as content or boilerplate.\n\n"
    "Example: w3m -dump -cols 10000 https://example.org/news | linesift predict",
)



OutputFormat = Enum("OutputFormat", {name: name for name in FORMATS}, type=str)
InputFormat = Enum("InputFormat", {name: name for name in INPUT_FORMATS}, type=str)


def _version(value: bool) -> None:
    if value:
        from linesift import __version__

        typer.echo(f"linesift {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Label each line of a scraped web page as content or boilerplate."""


def say_error(message) -> None:
    """Print ``Error: message`` on stderr, on one line (where stderr can be written: the exit code says it too)."""
    log(f"Error: {one_line(message)}")


def fail(message: str, code: int = 1):
    """``say_error(message)`` and exit with ``code``; a usage error (code 2) says where the command's help
    is, as click's own do: ``...; see 'linesift predict -h'``."""
    ctx = _click_globals.get_current_context(silent=True) if code == 2 else None
    say_error(f"{message}; see '{ctx.command_path} -h'" if ctx is not None else message)
    raise typer.Exit(code)


def cannot_write(where, err: OSError):
    """Fail as writing to ``where`` (a file, or "stdout") failed with ``err`` (a full disk, a closed device)."""
    fail(f"{where}: cannot write ({err.strerror or err})")


MEMBERS_SCORING_HELP = (
    "Score with the model's first N members only [default, or N above the model's count: all; the shipped "
    f"model has {MEMBERS_RECIPE}]: faster, a little less accurate (the shipped model with "
    "--members 1: 1.4-1.5x the pages a second in one process; held-out word F1 within 0.03 of all three's by "
    "corpus, see the README).")


def log(message: str) -> None:
    """``message`` on stderr; where stderr cannot be written (a full disk, its reader gone), the command goes
    on without its logs: they are not its results."""
    with suppress(OSError, ValueError):  # ValueError: a closed stream
        typer.echo(message, err=True)


def _model_file(model: Optional[Path]) -> Optional[Path]:
    """The model file named on the command line; None for the shipped model (none named, or
    ``SHIPPED_MODEL_WORD`` where no file of that name exists)."""
    return None if model is None or names_shipped_model(model) else model


def _say_unlabelled(data: list[Path]) -> None:
    """Say on stderr how many files in the directories of ``data`` are left out as not labelled pages, and
    name each left out as no regular file."""
    from linesift.training.labelled import (CORPUS_SUFFIXES, PAGE_SUFFIXES, linked_directories, special_files,
                                            unlabelled_files)

    named = [p for p in data if str(p) != "-"]
    for special in special_files(named):
        log(f"Warning: {special}: not a regular file (a pipe, socket or device), skipped")
    for link in linked_directories(named):
        log(f"Warning: {link}: a symbolic link to a directory, not followed (name the directory itself)")
    if files := unlabelled_files(named):
        log(f"linesift: note: {len(files)} file{'s' * (len(files) != 1)} in the directories given "
            f"{'are' if len(files) != 1 else 'is'} not {', '.join(PAGE_SUFFIXES + CORPUS_SUFFIXES)} and left out "
            f"(the first: {files[0]})")


def _say_empty_corpora(data: list[Path], pages) -> None:
    """Warn of each labelled corpus (``.jsonl``, ``.jsonl.gz``) among ``data`` that gave none of ``pages``, as
    ``import`` does."""
    from linesift.training.labelled import find_labelled_files, is_corpus_name

    read = {page.source.rpartition(":")[0] for page in pages}  # a corpus's pages are named "file:N"
    for path in find_labelled_files([p for p in data if str(p) != "-"]):
        if is_corpus_name(path.name) and str(path) not in read:
            log(f"Warning: {path}: no records")


def _no_labelled_pages(data: list[Path]) -> str:
    """The error for labelled-data paths that hold no page."""
    from linesift.training.labelled import CORPUS_SUFFIXES, PAGE_SUFFIXES

    hint = (f" (a directory gives its {', '.join(PAGE_SUFFIXES + CORPUS_SUFFIXES)} files)"
            if any(Path(p).is_dir() for p in data) else "")
    return f"{' '.join(map(str, data))}: no labelled pages found{hint}"


def _model_files(model: Optional[Path]) -> set[Path]:
    """The model file a command reads and its sidecar, resolved: inputs no output may replace."""
    from linesift.modelfile import default_model_path, sidecar_path

    path = _model_file(model) or default_model_path()
    return {resolved(path), resolved(sidecar_path(path))}


def _load(model: Optional[Path], unseen_raise: bool = True, members: Optional[int] = None):
    """The model file (``_model_file``: None or ``SHIPPED_MODEL_WORD`` is the shipped model);
    ``unseen_raise=False`` turns off its raised threshold for pages of unseen words (``unseen_shift``);
    ``members`` scores with its first N members only (``LineClassifier.first_members``)."""
    from linesift.modelfile import ModelFileError, load_model

    try:
        clf = load_model(_model_file(model))
    except ModelFileError as err:
        fail(str(err))
    if not unseen_raise:
        clf.set_params(unseen_shift=0.0)
    if members is not None:
        if members > len(clf.members_):
            log(f"linesift: note: --members {members}: the model has {len(clf.members_)}, scoring with all of them")
        clf = clf.first_members(members)
    return clf


def _one_thread() -> None:
    """Fit a small training set on one OpenMP thread (``TRAIN_ONE_THREAD_LINES``): faster there, and on a busy
    machine much faster, where threads spin waiting for each other. (Scoring always runs on one thread a
    process: ``settings.SCORING_THREADS``.)"""
    import sklearn.ensemble  # noqa: F401  (loads the OpenMP library to limit: linesift imports it only to fit)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="openmp")


def _fewer_collections() -> None:
    """The loaded model is long-lived: keep the garbage collector off it (``gc.freeze``) and collect less
    often, since scoring allocates many short-lived lists and strings but no reference cycles."""
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


SIGPIPE_EXIT = 141  # 128 + SIGPIPE: what a tool killed by a closed pipe reports
STDOUT_CLOSED = "stdout is closed; give it somewhere to write (a file, a pipe or /dev/null)"
WRITE_CHUNK = 1 << 16  # characters per write to the output


def _reader_gone(stop: bool = True) -> None:
    """stdout's reader closed the pipe (``linesift predict DIR | head``): stop quietly, as a Unix tool does
    (unless ``stop`` is False: another error is on its way out). stdout is pointed at /dev/null so the final
    flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    if stop:
        raise typer.Exit(SIGPIPE_EXIT)


def _reader_closed(stream) -> bool:
    """Whether ``stream`` writes to a pipe whose reader has gone. A large write into a pipe whose reader
    leaves mid-write can return as written (its first part went through), so the end of a run checks."""
    import select
    import stat

    try:
        fd = stream.fileno()
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return False
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        return any(event & (select.POLLERR | select.POLLHUP) for _, event in poller.poll(0))  # Linux / BSD
    except (OSError, ValueError, AttributeError):  # no poll (Windows), or not a descriptor
        return False


def _stdout():
    """sys.stdout; a one-line error when the process was started with it closed (``>&-``)."""
    if sys.stdout is None:
        fail(STDOUT_CLOSED)
    return sys.stdout


def emit(text: str) -> None:
    """Print a command's result on stdout (one write); a reader gone away ends the run with 141, quietly;
    another failure (a full disk) is a one-line error."""
    out = _stdout()
    try:
        out.write(text if text.endswith("\n") else text + "\n")
        out.flush()
    except BrokenPipeError:
        _reader_gone()
    except OSError as err:
        cannot_write("stdout", err)


def path_argument(value: str) -> Path:
    """A path given on the command line: ``-`` alone is stdin or stdout; another name that is ``-`` once made
    a Path (``./-``, a file of that name) is made absolute, so it is not taken for them."""
    path = Path(value)
    return path.absolute() if value != "-" and str(path) == "-" else path


def no_directory(output: Path, parent: Path) -> str:
    """What is said of ``output``, whose ``parent`` is no directory: missing, or a file."""
    return f"{output}: {parent} is a file, not a directory" if parent.exists() else \
        f"{output}: directory {parent} does not exist"


def _output_file(output: Path, what: str) -> None:
    """Fail unless ``output`` can be written as a file: not a directory, this process's stdout (which carries
    the command's results), a device or a FIFO (renaming the file written over it would replace it), inside
    an existing directory this process may write in."""
    if str(output) == "-":  # stdout carries this command's results
        fail(f"-: this command writes a file, not stdout; give the {what}", 2)
    _stdout()  # closed (``>&-``): said before the work, not after it
    if output.is_dir():
        fail(f"{output}: is a directory; give the {what}")
    if is_own_stream(output):
        fail(f"{output}: is this command's stdout, which prints its results; give the {what}")
    if is_own_stream(output, fd=2):
        fail(f"{output}: is this command's stderr, which prints its logs; give the {what}")
    if is_special_file(output):
        fail(f"{output}: not a regular file (a device or a FIFO); give the {what}")
    parent = link_target(output).parent  # where the file is written
    if not parent.is_dir():
        fail(no_directory(output, parent))
    if not os.access(parent, os.W_OK | os.X_OK):
        fail(f"{output}: cannot write in {parent} (permission denied)")


def format_of_name(name: str) -> OutputFormat:
    """The output format a file name asks for: ``jsonl`` for ``.jsonl`` and ``.jsonl.gz``, ``tsv`` for ``.tsv``
    and ``.tsv.gz``, else ``text``."""
    stem = name.lower().removesuffix(".gz")
    return next((f for f in (OutputFormat.jsonl, OutputFormat.tsv) if stem.endswith(f".{f.value}")), OutputFormat.text)


class _Progress:
    """A one-line page counter on stderr, redrawn at most twice a second; only where stderr is a terminal. A
    message takes its line (``clear``); at the end it shows the final count, if it was ever drawn."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr is not None and sys.stderr.isatty()
        self.start, self.last, self.pages, self.drawn = time.perf_counter(), 0.0, 0, False

    def update(self, pages: int) -> None:
        self.pages = pages
        now = time.perf_counter()
        if self.enabled and now - self.last >= 0.5:
            self.last, self.drawn = now, True
            self._draw(now)

    def _draw(self, now: float) -> None:
        rate = self.pages / max(now - self.start, 1e-9)
        sys.stderr.write(f"\r\033[Klinesift: {self.pages} page{'s' * (self.pages != 1)}, {rate:.0f} pages/s")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.drawn:
            self._draw(time.perf_counter())
            sys.stderr.write("\n")

    def clear(self) -> None:
        """Take the counter off its line, for a message to take it (redrawn at the next update)."""
        if self.enabled and self.last:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.last = 0.0


def record_of(page_path: str) -> tuple[str, str]:
    """The file a page came from and its record in it (``c.jsonl:3`` -> ``("c.jsonl", "3")``, a WARC record
    ``file#id``); ``(page_path, "")`` for a page that is a file of its own, or stdin."""
    if page_path == "-" or os.path.exists(page_path):
        return page_path, ""
    base, _, record = page_path.partition("#") if "#" in page_path else page_path.rpartition(":")
    # the file's own name may hold "#" or ":" ("a#b.warc#<urn:...>"): the longest prefix that is a file
    for at in range(len(page_path) - 1, 0, -1):
        if page_path[at] in "#:" and os.path.isfile(page_path[:at]):
            return page_path[:at], page_path[at + 1:]
    return base, record


def page_file_name(page_path: str, roots: list[str]) -> Path:
    """Where ``-o DIR`` puts a page's cleaned text: its path under the input directory it came from (or
    its file name) with ``.txt``; a corpus record ``file:N`` or WARC record ``file#id`` becomes ``file/N.txt``."""
    base, record = record_of(page_path)
    record = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in record)
    rel = Path("stdin" if base == "-" else Path(base).name)
    for root in roots:
        if root != "-" and Path(root).is_dir() and resolved(base).is_relative_to(resolved(root)):
            rel = resolved(base).relative_to(resolved(root))
            break
    return rel / f"{record}.txt" if record else rel.with_name(rel.stem + ".txt")


class _DirSink:
    """``--format text -o DIR``: one cleaned file per page, each written atomically, never over an input."""

    def __init__(self, directory: Path, roots: list[str], inputs: set):
        self.directory, self.roots, self.inputs, self.taken = directory, roots, inputs, set()
        self.owners: dict[Path, str] = {}  # the directory of a corpus's (or WARC's) records: which file's they are
        self.moved: set[Path] = set()  # such directories numbered, said once each

    def target(self, page_path: str) -> Path:
        """The page's file; ``name-2.txt``, ``name-3.txt``... when another page of this run took the name or a
        directory has it; a directory on the way that exists as a file (a corpus ``c.jsonl`` whose records go to
        ``c.jsonl/N.txt``) is numbered so too, and so is a corpus's directory that another corpus of the same
        name took in this run (``c-2.jsonl/N.txt``). Where the file is an input, OSError: numbered, it would be
        read as an input by the next run, and numbered again."""
        wanted = self.directory / page_file_name(page_path, self.roots)
        source, record = record_of(page_path)
        parts = wanted.relative_to(self.directory).parent.parts  # a record's last part: its file's directory
        base = self.directory
        for part in parts[:-1] if record else parts:  # the directories, made where free
            base = self._free(base / part, lambda p: p.exists() and not p.is_dir())
        if record:  # free, and not another file's records' in this run
            base = self._free(base / parts[-1], lambda p: (p.exists() and not p.is_dir())
                              or self.owners.get(p, source) != source)
            self.owners[base] = source
        target = self._free(base / wanted.name, lambda p: p in self.taken or p.is_dir())
        if resolved(target) in self.inputs:
            raise OSError(f"{target}: would overwrite an input")
        if record and target.parent != wanted.parent and target.name == wanted.name:
            if target.parent not in self.moved:  # once for the corpus, not for each of its records
                self.moved.add(target.parent)
                log(f"linesift: note: {source}: its records written to {target.parent}/, as "
                    f"{wanted.parent.relative_to(self.directory)}/ was taken (by another file's records, or a file)")
        elif target != wanted:
            log(f"linesift: note: {page_path}: written to {target}, as {wanted.relative_to(self.directory)} was "
                "taken (by another page of this run, a directory, or a file where a directory would go)")
        self.taken.add(target)
        return target

    @staticmethod
    def _free(path: Path, taken) -> Path:
        """``path``, or the first of ``name-2.ext``, ``name-3.ext``... that is not ``taken``."""
        candidate, n = path, 1
        ending = _ending(path)  # c.jsonl.gz -> c-2.jsonl.gz
        while taken(candidate):
            n += 1
            candidate = path.with_name(f"{path.name[:len(path.name) - len(ending)]}-{n}{ending}")
        return candidate

    def write(self, outputs: list[tuple[str, str]]) -> None:
        from linesift.output import atomic_write_text

        for page_path, text in outputs:
            target = self.target(page_path)
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(target, text)

    def close(self, ok: bool) -> None:
        pass


def writes_stdout(path: Optional[Path]) -> bool:
    """Whether ``-o path`` (None: not given) writes this process's stdout."""
    return path is None or str(path) == "-" or is_own_stream(path)


class _Sink:
    """stdout, or a temporary file renamed over ``path`` only when the run completes (a device or a FIFO,
    such as ``/dev/null``, is written to in place)."""

    def __init__(self, path: Optional[Path], separator: str = ""):
        self.tmp, self.separator, self.written = None, separator, False
        if writes_stdout(path):
            self.handle = _stdout()
        elif is_special_file(path):
            self.handle = open(path, "w", encoding="utf-8", newline="")
        else:  # through a symlink, the file it points to is replaced, not the link; a name ending in .gz gzipped
            # (at gzip's own default level, 6: 9 is slower for little gain on a crawl's output)
            fd, self.tmp = new_temp_file(path)
            self.handle = text_writer(os.fdopen(fd, "wb"), compress=gzip_named(path), newline="",
                                      level=6)

    def write(self, outputs: list[tuple[str, str]]) -> None:
        try:
            for _, text in outputs:
                if self.separator and text:
                    if self.written:
                        self.handle.write(self.separator)
                    self.written = True
                for start in range(0, len(text), WRITE_CHUNK):  # a closed pipe fails the next piece
                    self.handle.write(text[start:start + WRITE_CHUNK])
            if self.handle is sys.stdout:  # a batch's results reach a reader down the pipe as they come
                self.handle.flush()
        except BrokenPipeError:
            if self.handle is sys.stdout:
                _reader_gone()
            raise

    def close(self, ok: bool) -> None:
        if self.tmp is None:
            if self.handle is not sys.stdout:
                self.handle.close()
                return
            try:
                self.handle.flush()
            except BrokenPipeError:
                _reader_gone(stop=ok)
            if _reader_closed(self.handle):
                _reader_gone(stop=ok)
            return
        try:
            self.handle.close()
            if ok:
                commit_temp_file(self.tmp)
        finally:  # not renamed (failed run, or the last write failed): no temporary file is left
            drop_temp_file(self.tmp)


@app.command()
def predict(
    ctx: typer.Context,
    paths: List[str] = typer.Argument(None, metavar="PATH",
                                      help="Scrapes: files, directories (recursive) or - for stdin [default: -]."),
    model: Optional[Path] = typer.Option(None, "--model", "-m", metavar="MODEL", readable=False,
                                         help="Model file [default: the shipped model]."),
    threshold: Optional[float] = typer.Option(
        None, "--threshold", "-t", min=0.0, max=1.0, metavar="0-1",
        help="Keep lines scoring at least this, on every page: lower keeps more (recall), higher less "
        "(precision) [default: the model's tuned threshold, raised on a page after its article starts when its "
        "scores' profile says so, and on a page whose words the model mostly never saw; the page cut where its "
        "main content ends, and its headline kept above its first kept line, if the model has learnt them]."),
    tail_cut: bool = typer.Option(True, "--tail-cut/--no-tail-cut",
                                  help="Drop what follows a page's main content (comments, related stories), where "
                                  "the model learnt where it ends; --no-tail-cut keeps it, e.g. for forum threads "
                                  "(a --threshold given turns the cut off too)."),
    unseen_raise: bool = typer.Option(True, "--unseen-raise/--no-unseen-raise",
                                      help="Raise the threshold on a page whose words the model mostly never saw "
                                      "(a language it was not trained on), where a scrape's boilerplate would be "
                                      "kept; --no-unseen-raise for text already cleaned of boilerplate in such a "
                                      "language, where the raise drops content."),
    members: Optional[int] = typer.Option(None, "--members", min=1, metavar="N", help=MEMBERS_SCORING_HELP),
    output_arg: Optional[str] = typer.Option(None, "--output", "-o", metavar="PATH",
                                             help="Write here (atomically) instead of stdout; a name ending in .gz "
                                             "is gzipped. With --format text and a directory (existing, or ending "
                                             "in /): one cleaned .txt file per page."),
    fmt: Optional[OutputFormat] = typer.Option(None, "--format", "-f", show_default=False,
                                               help="text: content lines only; tsv: label, score, line; jsonl: one "
                                               "record a line. Default: as -o's name ends (.tsv, .jsonl, with or "
                                               "without .gz), else text."),
    input_format: InputFormat = typer.Option(InputFormat.auto, "--input-format",
                                             help="auto: .html/.htm rendered as HTML, .jsonl/.jsonl.gz read as a "
                                             "corpus (one page per record), .parquet as one (a page per row; "
                                             "needs pyarrow), .warc/.warc.gz/.wet/.wet.gz as WARC, "
                                             "else text; stdin is sniffed: WARC (plain or gzipped) when it "
                                             "opens with a WARC header, HTML when it opens as an HTML document "
                                             "and holds end tags, or a JSONL corpus when its first lines that "
                                             "are not blank are JSON objects (data/CLI.md); --input-format text "
                                             "reads any page as text."),
    text_field: str = typer.Option(TEXT_FIELD_DEFAULT, "--text-field", metavar="FIELD",
                                   help="JSONL and Parquet corpora: the field holding the page text."),
    html_field: Optional[str] = typer.Option(None, "--html-field", metavar="FIELD",
                                             help="JSONL and Parquet corpora: the field holding the page HTML "
                                             "(rendered first)."),
    encoding: Optional[str] = typer.Option(None, "--encoding", metavar="CHARSET",
                                           help="Read text and HTML pages in this charset (e.g. cp1251, gb18030, "
                                           "shift_jis), not as UTF-8 or the legacy charset that reads them best, "
                                           "nor as an HTML page's <meta> says (a byte order mark still wins; "
                                           "latin-1 and ascii read as cp1252, as browsers read them). Not for "
                                           "JSONL and Parquet, which are UTF-8, nor WARC, read by each response's "
                                           "Content-Type."),
    fail_fast: bool = typer.Option(False, "--fail-fast", help="Stop at the first unreadable input."),
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="Print pages, lines, seconds and pages/s on stderr, and whether corpus mode ran "
                                 "(its sites with 2+ pages, how many inferred)."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, max=JOBS_MAX, metavar="N",
                             help=f"Worker processes; 0: one per available core (up to {AUTO_JOBS_MAX}) once there is more than one batch "
                             f"of {BATCH_PAGES_DEFAULT} pages (output order and content are the same for any N)."),
    sites: bool = typer.Option(True, "--sites/--no-sites",
                               help="Several pages: a first pass counts lines repeated across pages of a site (url "
                               "host; pages without a url are grouped by the template lines they share), a "
                               "template signal (regular files only: not stdin or a pipe)."),
    site_field: Optional[str] = typer.Option(None, "--site-field", metavar="FIELD",
                                             help="JSONL and Parquet corpora: group pages into sites by this field, "
                                             "not by url host."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display on stderr."),
):
    """Label every line of scraped pages and print the content (or every line with its label).

    Example: linesift predict page.txt --format tsv

    JSONL corpora (.jsonl, .jsonl.gz, one page per record in --text-field; Parquet files too, a page per
    row): with --format jsonl each output record is the input record, every field kept, plus content,
    line_labels, line_scores (line_texts too for --html-field pages and WARC records: the lines the labels
    are for) and a linesift object (lines, kept, dropped, threshold; base_threshold where it was raised;
    whole_line on a page of one long line; content_end where the page was cut; headline_lines where a
    headline was kept above the first kept line), in input order.
    """
    from linesift.batch import WorkerLost, available_cores, batches, build_table, score_stream, with_sites
    from linesift.inputs import (JSONL_SUFFIXES, PARQUET_SUFFIXES, WARC_SUFFIXES, expand_paths, follow_stdin,
                                 iter_pages, readable_twice, stdin_paused, text_codec)

    paths = paths or ["-"]
    if "-" in paths and not quiet and sys.stdin is not None and sys.stdin.isatty():  # else it seems to hang
        log("linesift: reading a page from the terminal: end it with Ctrl-D (give files, or pipe a scrape in)")
    if error := stdin_twice(paths):
        fail(error, 2)
    if output_arg == "":  # an unset "$OUT": not the working directory
        fail("--output is empty (an unset shell variable?); give a file, a directory or -", 2)
    for option, value in (("--text-field", text_field), ("--html-field", html_field), ("--site-field", site_field)):
        if value == "":  # an unset "$FIELD": not a field named "", nor the option left out
            fail(f"{option} is empty (an unset shell variable?); name the field", 2)
    if html_field and ctx.get_parameter_source("text_field").name != "DEFAULT":  # typer may bundle its own click
        fail("--text-field and --html-field: a page is read from one field, as text or as HTML; give one", 2)
    if site_field and not sites:
        fail("--site-field groups pages into sites for corpus mode, which --no-sites turns off; give one", 2)
    if encoding is not None and text_codec(encoding) is None:
        fail(f"--encoding {encoding}: not a charset Python reads pages in (e.g. utf-8, cp1252, cp1251, gb18030)", 2)
    output = path_argument(output_arg) if output_arg is not None else None
    to_dir = output is not None and (output.is_dir() or output_arg.endswith(("/", os.sep)))
    if fmt is None:
        fmt = OutputFormat.text if output is None or to_dir else format_of_name(output.name)
    elif output is not None and not to_dir and format_of_name(output.name) not in (fmt, OutputFormat.text):
        log(f"Warning: {output}: named as {format_of_name(output.name).value}, written as {fmt.value} (--format); "
            "a later run would read it by its name")
    if to_dir and fmt != OutputFormat.text:
        what = "is a directory" if output.is_dir() else f"names a directory ({output_arg} ends with /)"
        fail(f"{output}: {what}; one file per page is written with --format text, else give a file", 2)
    if to_dir and output.exists() and not output.is_dir():
        fail(f"{output}: is a file, not a directory ({output_arg} ends with /)")
    if to_dir and not output.is_dir() and not output.parent.is_dir():  # made, but not a tree a typo could start
        fail(no_directory(output, output.parent))
    written = (*OUTPUT_FIELDS, LINE_TEXTS_FIELD) if html_field else OUTPUT_FIELDS  # a rendered page's lines too
    if fmt == OutputFormat.jsonl:  # the fields read must survive in the output records
        read_fields = (("--html-field", html_field) if html_field else ("--text-field", text_field),
                       ("--site-field", site_field))
        for option, field in read_fields:
            if field in (*written, ERROR_FIELD):
                fail(f"{option} {field}: --format jsonl writes its results in the record's "
                     f"{', '.join(written)} fields (or {ERROR_FIELD}), which would replace this one; rename it first "
                     f"(e.g. jq -c '.input_{field} = .{field} | del(.{field})') and give {option} input_{field}", 2)
    skipped: list[str] = []
    expanded = expand_paths(paths, skipped)  # directories walked once: the passes below read these paths
    for said in skipped:
        log(f"Warning: {said}")
    files = [p for p in expanded if p != "-"]
    named = [resolved(p) for p in files]  # the files they are, links and relative names followed
    if len(set(named)) < len(named):  # kept, so the output lines up with the arguments
        seen: set = set()
        twice = next(path for path, key in zip(files, named) if key in seen or seen.add(key))
        log(f"linesift: note: {twice} is given more than once (itself or through a directory); it is scored each "
            "time")
    if encoding is not None:  # said once: the first input it does not apply to
        corpus_names = JSONL_SUFFIXES + PARQUET_SUFFIXES + WARC_SUFFIXES
        corpus = next((p for p in expanded if input_format.value in ("jsonl", "parquet", "warc")
                       or (input_format.value == "auto" and p.lower().endswith(corpus_names))), None)
        if corpus is not None:
            log(f"Warning: {corpus}: --encoding is for text and HTML pages; JSONL and Parquet are read as UTF-8, "
                "WARC by each record's Content-Type")
    for path in paths:  # a directory of no pages (all hidden, say) is not an error, but worth a word
        if path != "-" and Path(path).is_dir() and not any(Path(p).is_relative_to(path) for p in expanded):
            log(f"Warning: {path}: no pages found in this directory")
    model_files = _model_files(model)
    inputs = set(named) | model_files
    if output is not None and str(output) != "-" and not to_dir:
        if resolved(output) in model_files:
            fail(f"{output}: output would overwrite the model file being read (or its sidecar)")
        if resolved(output) in inputs:
            fail(f"{output}: output would overwrite an input")
        if not output.parent.is_dir():
            fail(no_directory(output, output.parent))
        _refuse_foreign_output(output, fmt.value, paths)
    clf = _load(model, unseen_raise, members)  # scored on one OpenMP thread a process (settings.SCORING_THREADS)
    _fewer_collections()
    started = time.perf_counter()
    try:
        # several pages in one text stream: a blank line between pages
        sink = _DirSink(output, paths, inputs) if to_dir else _Sink(output, "\n" if fmt == OutputFormat.text else "")
    except OSError as err:
        cannot_write(output, err)
    n_pages = n_lines = n_failed = n_page_warnings = 0
    n_held = 0  # records read that hold no page: written back as error records with their fields (jsonl)
    ok = False
    # not where the results go to the same terminal: they would be written into the counter's line
    progress = _Progress(enabled=not quiet and not (writes_stdout(output) and sys.stdout is not None
                                                    and sys.stdout.isatty()))

    def on_error(err) -> None:
        nonlocal n_failed, n_held
        n_failed += 1
        n_held += getattr(err, "record", None) is not None
        said = str(err) if getattr(err, "said", None) is None else err.said
        progress.clear()
        if fail_fast:
            fail(said)
        if said:
            say_error(said)

    def on_warning(warning: str) -> None:
        progress.clear()
        log(f"Warning: {warning}")

    def read():
        return iter_pages(expanded, input_format.value, text_field, html_field, site_field,
                          written if fmt == OutputFormat.jsonl else (), encoding)

    if "-" in expanded:
        follow_stdin()
    try:
        table, items = None, read()
        if sites and getattr(clf, "use_sites_", False) and readable_twice(expanded):
            try:
                first_pass = build_table(read(), until_error=fail_fast)
                table = first_pass.table
                items = with_sites(items, first_pass.sites)
            except MemoryError:  # a huge page in the first pass: the pages are scored without it, as --no-sites
                table = None
                on_warning("out of memory counting lines across the pages (corpus mode): each page is scored alone, "
                           "as with --no-sites")
        # a live producer on stdin (a pipe): when it pauses, the pages read so far are scored and written
        paused = stdin_paused if "-" in expanded else None
        page_batches = batches(items, on_error, on_warning,
                               error_records=fmt == OutputFormat.jsonl, paused=paused)
        workers = jobs or min(available_cores(), AUTO_JOBS_MAX)
        if table is not None and first_pass.lines * clf.trees_per_row() >= workers * settings.TREES_NUMPY_BUDGET:
            clf.load_estimators()  # a run the first pass counts past each process's numpy budget (trees.py)
        # closed on the way out, so a worker pool is stopped at once whatever ends the loop
        with closing(score_stream(page_batches, clf, threshold, fmt.value, workers, table,
                                  tail_cut, paused)) as results:
            for result in results:
                try:
                    sink.write(result.outputs)
                except OSError as err:
                    if err.filename or err.strerror:
                        cannot_write(err.filename or output or "stdout", err)
                    fail(str(err))  # _DirSink's own refusal (an output among the inputs), which names the file
                n_pages += result.pages
                n_lines += result.lines
                for failure in result.failures:  # a page too large for the memory: said as an unreadable input
                    on_error(failure)
                for warning in result.warnings:
                    n_page_warnings += 1
                    if n_page_warnings <= PAGE_WARNINGS_MAX:
                        on_warning(warning)
                progress.update(n_pages)
        # a run in which every input failed writes no file, but records read that hold no page are its output
        ok = n_pages > 0 or n_failed == 0 or (fmt == OutputFormat.jsonl and n_held > 0)
    except KeyboardInterrupt:  # Ctrl-C: the clean-up below runs, then exit 130 (whatever typer's version does)
        raise typer.Exit(130) from None
    except WorkerLost as err:  # nothing is written: the lost batch would leave a hole in the output
        progress.clear()
        fail(str(err))
    finally:
        follow_stdin(False)
        progress.close()
        try:
            sink.close(ok)
        except OSError as err:  # the last write failed (disk full): said only if nothing else was
            if ok:
                cannot_write(output or "stdout", err)
    if n_page_warnings > PAGE_WARNINGS_MAX:
        log(f"Warning: {n_page_warnings - PAGE_WARNINGS_MAX} more pages with one line holding most of the page "
            "or HTML that renders to no text")
    if table is None and n_pages > 1 and sites and "-" in expanded and getattr(clf, "use_sites_", False) and not quiet:
        log("linesift: note: pages read from stdin are scored page by page" + (
            ", and so are the files given with it" if len(expanded) > 1 else "") + ": corpus mode (lines repeated "
            "across a site's pages) reads its inputs twice, so it needs files (give a file's path instead of -; -q: no note)")
    if verbose:
        seconds = time.perf_counter() - started
        log(f"linesift: {n_pages} page{'s' * (n_pages != 1)}, {n_lines} line{'s' * (n_lines != 1)}, {n_failed} failed, "
            f"{seconds:.3f} s, "
            f"{n_pages / seconds if seconds else 0:.1f} pages/s")
        if table is None or not table.counts:  # no site of 2+ pages: every page was scored alone
            log("linesift: page by page (no cross-page counts" + (")" if table is None else
                                                                  ": no site has 2+ pages)"))
        else:
            from linesift.sites import INFERRED_SITE_PREFIX

            inferred = sum(site.startswith(INFERRED_SITE_PREFIX) for site in table.counts)
            log(f"linesift: corpus mode, sites with 2+ pages: {len(table.counts)} ({inferred} inferred from "
                "shared template lines)")
    if n_failed:
        raise typer.Exit(1)


@app.command()
def train(
    data: List[Path] = typer.Argument(..., metavar="DATA", parser=path_argument,
                                      help="Labelled pages: .tsv page files, .jsonl/.jsonl.gz corpora, directories; "
                                           "- is stdin."),
    output: Path = typer.Option(..., "--output", "-o", metavar="MODEL", parser=path_argument,
                                help="Model file to write (plus MODEL.json sidecar)."),
    cv: int = typer.Option(CV_FOLDS_DEFAULT, "--cv", min=2, metavar="N",
                           help="Folds (grouped by site) for stacking and the scores printed."),
    context: str = typer.Option("stack", "--context", metavar="stack|smooth|none",
                                help="Context stage: stack, smooth or none."),
    lexical: bool = typer.Option(True, "--lexical/--no-lexical", help="Use the learned hashed-word score."),
    threshold: Optional[float] = typer.Option(None, "--threshold", min=0.0, max=1.0, metavar="0-1",
                                              help="Fixed threshold [default: tuned for word F1 of the kept text]."),
    n_estimators: int = typer.Option(N_ESTIMATORS_DEFAULT, "--trees", min=10, max=TREES_MAX, metavar="N",
                                     help="Boosting iterations of stage 1."),
    weighting: str = typer.Option(WEIGHTING_DEFAULT, "--weighting", metavar="words|page|line",
                                  help="Line weights in training: words (pages equal, lines by words), page, line."),
    sites: bool = typer.Option(True, "--sites/--no-sites",
                               help="Learn cross-page features from pages sharing a site (url host or '# site:'; "
                               "pages without one grouped by the template lines they share, as predict does)."),
    unseen_shift: float = typer.Option(UNSEEN_SHIFT_DEFAULT, "--unseen-shift", min=0.0, max=1.0, metavar="0-1",
                                       help="Raise the tuned threshold on a page whose words the model mostly never "
                                       f"saw, by this much per unit of known share below {KNOWN_SHARE_DEFAULT} (the "
                                       f"shipped model: {UNSEEN_SHIFT_RECIPE}, measured for thousands of pages of many "
                                       "languages; 0: off)."),
    page_thresholds: bool = typer.Option(True, "--page-thresholds/--no-page-thresholds",
                                         help="Learn to raise a page's threshold from the profile of its scores "
                                         f"(from {PAGE_MODEL_MIN_PAGES}+ labelled pages; fewer keep the tuned one)."),
    tail_cut: bool = typer.Option(True, "--tail-cut/--no-tail-cut",
                                  help="Learn where a page's main content ends, to drop what follows it (comments, "
                                  f"related stories; from {TAIL_MODEL_MIN_PAGES}+ labelled pages)."),
    headline: bool = typer.Option(True, "--headline/--no-headline",
                                  help="Learn which lines just above a page's first kept line to keep (the headline; "
                                  f"from {HEAD_MODEL_MIN_PAGES}+ labelled pages with a line there)."),
    members: int = typer.Option(MEMBERS_DEFAULT, "--members", min=1, max=MEMBERS_MAX, metavar="N",
                                help="Fit the lexical step and the boosted stage(s) this many times, with seeds 0, 1, ..., "
                                "and average their scores: steadier, N times the fitting. The seeds differ in the lexical "
                                "step's order of rows and, on 200,000+ lines, in the rows the trees' bins come from (so "
                                f"with --no-lexical on fewer lines the members are the same). The shipped model: {MEMBERS_RECIPE}, "
                                f"with leaves of {MIN_SAMPLES_LEAF_RECIPE}+ rows (training/recipe.py)."),
):
    """Train a model on labelled pages and print its cross-validated scores (folds grouped by site).

    Example: linesift train my-pages/ -o my.model
    """
    import warnings

    from linesift.classifier import TrainingWarning
    from linesift.modelfile import save_model, sidecar_path
    from linesift.training.fit import SITE_BLANKED_PERCENT, fit_pages, fold_plan, teaches, training_summary
    from linesift.training.labelled import (LabelledDataError, find_labelled_files, is_labelled_name, read_labelled,
                                            repeated_files)

    if context not in ("stack", "smooth", "none"):
        fail(f"--context must be stack, smooth or none, not {context!r}", 2)
    if weighting not in ("words", "page", "line"):
        fail(f"--weighting must be words, page or line, not {weighting!r}", 2)
    if error := stdin_twice(data):  # a usage error, as for predict and import
        fail(error, 2)
    _output_file(output, "model file to write")
    try:
        named = [resolved(path) for path in find_labelled_files([p for p in data if str(p) != "-"])]
        for written in (output, sidecar_path(output)):
            if resolved(written) in named:
                fail(f"{written}: would overwrite labelled data given to train on; write the model elsewhere")
        if _sidecar_of_a_model(output):
            fail(f"{output}: the sidecar of the model file {output.with_name(output.name[:-5])}; name the model "
                 "file otherwise")
        if is_labelled_name(output.name) or str(output) == SHIPPED_MODEL_WORD:
            fail(f"{output}: " + (f"names the shipped model for evaluate, predict and info (`-m {SHIPPED_MODEL_WORD}`)"
                                  if str(output) == SHIPPED_MODEL_WORD else
                                  "a labelled-data name, which train would read as pages next time")
                 + "; name the model file otherwise (e.g. my.model)", 2)
        if sidecar_path(output).exists() and not _sidecar_of_a_model(sidecar_path(output)):
            what = "a directory" if sidecar_path(output).is_dir() else "a file that is not a model's"
            fail(f"{output}: its sidecar {sidecar_path(output)} would replace {what}; give -o another name, or remove "
                 "that first")
        if output.is_file() and not sidecar_path(output).is_file():  # a model file is replaced, nothing else
            fail(f"{output}: exists and is not a model file (no {sidecar_path(output).name} beside it); give -o "
                 "another name, or remove the file first")
        _say_repeated(repeated_files(data))
        pages = read_labelled(data)
    except LabelledDataError as err:
        fail(str(err))
    if not pages:
        fail(_no_labelled_pages(data))
    _say_unlabelled(data)
    _say_empty_corpora(data, pages)
    pages = _once_each(pages, "trained on")
    if unlabelled := [page for page in pages if not teaches(page)]:
        log(f"linesift: note: {len(unlabelled)} page{'s' * (len(unlabelled) != 1)} with no content or boilerplate "
            f"line (only unsure or blank ones) teach{'es' * (len(unlabelled) == 1)} nothing (the first: "
            f"{_page_name(unlabelled[0])})")
    started = time.perf_counter()
    log(f"linesift: training on {len(pages)} page{'s' * (len(pages) != 1)} ...")
    if len(pages) < FEW_PAGES:
        log(f"linesift: note: with fewer than {FEW_PAGES} pages the model depends much on which pages they are "
            "(see the README's learning curve)")
    # the sites the folds are grouped by, inferred for pages without one with --no-sites too: folds that split a
    # template would score the model on pages whose template it learnt
    plan = fold_plan(pages, infer_sites=True)
    if sum(len(page.lines) for page in pages) < TRAIN_ONE_THREAD_LINES:
        _one_thread()
    shown_as_python_would = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):  # ours in one line, when it comes
        if issubclass(category, TrainingWarning):
            log(f"Warning: {message}")
        else:
            shown_as_python_would(message, category, filename, lineno, file, line)

    try:
        with warnings.catch_warnings():  # the user's filters still apply
            warnings.showwarning = show
            model = fit_pages(pages, plan=plan, cv=cv, context=context, lexical=lexical, threshold=threshold,
                              n_estimators=n_estimators, weighting=weighting, use_sites=sites,
                              unseen_shift=unseen_shift, page_thresholds=page_thresholds, tail_cut=tail_cut,
                              headline=headline, members=members,
                              progress=lambda step: log(f"linesift: {time.perf_counter() - started:.1f} s: {step} ..."))
    except ValueError as err:
        fail(str(err))
    summary = training_summary(pages)
    summary["seconds"] = round(time.perf_counter() - started, 1)
    if sites and not model.use_sites_:
        log("linesift: note: no site has 2 or more pages in the cross-page table (sites by url, '# site:' or "
            f"shared template lines; {SITE_BLANKED_PERCENT}% of the pages with a site are left out of it, as pages "
            "scored alone, and each renderer's renders count apart), so the model learns no cross-page features "
            "and scores every page alone")
    s = model.oof_scores_
    # as fit uses them: no more folds than groups of pages that teach
    folds = min(cv, len({group for group, page in zip(plan.groups, pages) if teaches(page)}))
    by = "site" if plan.sites > 1 else "page"
    if by == "page":
        log("linesift: note: the pages are of one site, so the folds are by page and share its template: "
            "the cross-validated scores are optimistic")
    emit(f"cross-validated ({folds} folds by {by}, {summary['pages']} pages"
         + (f", {plan.sites} site{'s' * (plan.sites != 1)}" if by == "site" or plan.sites == 1 else "") + "): "
         f"line P {_score(s['line_precision'])} R {_score(s['line_recall'])} F1 {_score(s['line_f1'])}, "
         f"word F1 {_score(s['word_f1'])}, threshold {model.threshold_:.3f}"
         + (" (not tuned: no fold could be scored)" if s["word_f1"] is None and threshold is None else "")
         + (f", raised per page (word F1 at {model.threshold_:.3f} alone: {s['word_f1_tuned_threshold']:.3f})"
            if model.page_model_ is not None else "")
         + (f", cut where the main content ends (word F1 without the cut: {s['word_f1_before_tail_cut']:.3f})"
            if model.tail_model_ is not None else "")
         + (f", headline kept above it (word F1 without: {s['word_f1_without_headline']:.3f})"
            if model.head_model_ is not None else ""))
    # how the printed scores were made, for `info` to say: folds, and whether by site or by page (optimistic)
    summary["cross_validation"] = {"folds": folds, "by": by, "sites": plan.sites}
    try:  # after the scores: where they cannot be printed (a full stdout) no model file is left
        save_model(model, output, summary)
    except OSError as err:
        cannot_write(err.filename or output, err)  # the model, or its sidecar
    log(f"linesift: wrote {output} in {summary['seconds']} s")


def _once_each(pages: list, done: str) -> list:
    """``pages`` without the pages that repeat an earlier one line for line, labels and all, said in a note."""
    from linesift.training.labelled import unique_pages

    pages, repeats = unique_pages(pages)
    if repeats:
        log(f"linesift: note: {len(repeats)} page{'s' * (len(repeats) != 1)} repeat{'s' * (len(repeats) == 1)} an "
            f"earlier page line for line, labels and all (the first: {_page_name(repeats[0])}); each is {done} once")
    return pages


def _page_name(page) -> str:
    """A labelled page as a note names it: its source (file, or file and record line), and its id if it has one."""
    ident = page.meta.get("id")
    return f"{page.source} (id {ident})" if ident and ident not in page.source else page.source


def _say_repeated(files: list[Path]) -> None:
    """Say on stderr which labelled files were named more than once (read once)."""
    if files:
        more = f" and {len(files) - 1} more" if len(files) > 1 else ""
        log(f"linesift: note: {files[0]}{more} named more than once (a directory and a file in it, a link to a "
            f"file named too); {'each is' if more else 'it is'} read once")


# a row of predict's TSV output: label, score (none for a blank line), line
_PREDICT_TSV_ROW = re.compile(r"(?:content|boilerplate)\t(?:[01]\.[0-9]{4})\t|blank\t\t")
# predict's error record names the input: "file: why", "file:N: why"
_PREDICT_ERROR = re.compile(r"[^\n]+?(?::[0-9]+)?: ")
_LABELLED_FIRST_ROW = re.compile(r"(?:content|boilerplate|unsure|blank)\t|# [a-z][a-z0-9_]*: ")  # a labelled page's
FOREIGN_HEAD_BYTES = 1 << 20  # of an existing -o file's first row read to tell it; a longer row is not told


def _foreign_output(output: Path, kind: str) -> str | None:
    """What an existing ``-o`` file holds where it is not what the command writes (``kind``: ``text``, ``tsv`` or
    ``jsonl``, predict's; ``labelled``, import's): an input of the kind a shell glob after -o names (``-o
    pages/*.tsv``), a labelled page, a corpus, a scrape (``text``: an HTML page, or a corpus or a labelled page
    under its name). None where it is absent, empty, unreadable, the command's own earlier output, or cannot
    be told (a first row over ``FOREIGN_HEAD_BYTES``)."""
    import gzip

    try:
        if not output.is_file() or output.stat().st_size == 0:
            return None
        text_over = kind == "text"
        if text_over:  # a scrape cannot be told from a text output, but an HTML page can, by its name, and a
            if output.suffix.lower() in HTML_SUFFIXES:  # corpus or a labelled page named .jsonl or .tsv can
                return "an HTML page"
            kind = format_of_name(output.name).value
            if kind == "text":
                return None
        with (gzip.open if gzip_named(output) else open)(output, "rb") as handle:
            head = handle.readline(FOREIGN_HEAD_BYTES)
    except (OSError, EOFError, ValueError):  # unreadable: not told here (writing it may fail, and say so)
        return None
    if not head:  # empty once ungzipped (as an import of no records writes it)
        return None
    if not head.endswith(b"\n") and len(head) >= FOREIGN_HEAD_BYTES:
        return None
    first = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
    if kind == "tsv" and text_over:  # a text output named .tsv before is not refused; a labelled page is
        return "a labelled page (label, tab, line)" if _LABELLED_FIRST_ROW.match(first) and not \
            _PREDICT_TSV_ROW.match(first) else None
    if kind == "tsv":
        return None if _PREDICT_TSV_ROW.match(first) else "rows that are not predict's TSV (label, score, line)"
    try:
        record = json.loads(first)
    except ValueError:
        record = None
    if text_over and not isinstance(record, dict):  # a text output named .jsonl before
        return None
    fields = record.keys() if isinstance(record, dict) else set()
    if kind == "labelled":
        return None if {"lines", "labels"} <= fields else "records that are not labelled pages (lines, labels)"
    error = record.get(ERROR_FIELD) if fields else None
    ours = ("linesift" in fields or LINE_RECORD_KEYS <= fields
            or (isinstance(error, str) and _PREDICT_ERROR.match(error) is not None))
    return None if ours else "records that are not predict's output (no linesift or error field)"


def _glob_after_output(output: Path, inputs) -> bool:
    """Whether ``-o`` looks like the first name of a shell glob written after it (``-o pages/*.txt``): an
    existing file that sorts before two or more inputs named beside it with its ending."""
    peers = [Path(p).name for p in inputs if str(p) != "-" and Path(p).parent == output.parent
             and _ending(Path(p)) == _ending(output)]
    return output.is_file() and len(peers) >= 2 and output.name < min(peers)


def _ending(path: Path) -> str:
    """A file name's ending as a glob names it: ``.jsonl.gz`` for a gzipped name, else its suffix."""
    return "".join(path.suffixes[-2:]) if path.suffix.lower() == ".gz" else path.suffix


def _refuse_foreign_output(output: Path, kind: str, inputs) -> None:
    """Refuse an ``-o`` file that holds an input's kind of data (``_foreign_output``); for a text output, which
    cannot be told from a scrape, one named as the first of a shell glob (``_glob_after_output``) too."""
    sidecar = output.with_name(output.name + ".json")
    if output.is_file() and _sidecar_of_a_model(sidecar):
        fail(f"{output}: exists and is a linesift model (its sidecar {sidecar.name} is beside it); give -o another "
             "name, or remove the file first")
    if _sidecar_of_a_model(output):
        fail(f"{output}: exists and is the sidecar of the model file {output.with_name(output.name[:-5])}; give -o "
             "another name")
    what = _foreign_output(output, kind)
    if what is None and kind == "text" and _glob_after_output(output, inputs):
        what = "what the inputs beside it may (it sorts before them, named as they are)"
    if what:
        fail(f"{output}: exists and holds {what}: an input? (a glob after -o names one: -o "
             f"{output.parent / ('*' + _ending(output))}); give -o another name, or remove the file first")


def _sidecar_of_a_model(path: Path) -> bool:
    """Whether ``path`` is the sidecar of a model file beside it (``X.model.json`` of ``X.model``): a JSON
    object naming a linesift model, with the file it names there."""
    if len(path.name) <= len(".json") or not path.name.endswith(".json"):
        return False
    try:
        if not path.is_file():  # OSError where its name is too long
            return False
        side = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(side, dict) and side.get("kind") == "linesift.LineClassifier"
            and path.with_name(path.name[:-5]).is_file())


def _score(value: float | None) -> str:
    """A cross-validated score as ``train`` prints it: n/a where no fold could be scored."""
    return "n/a" if value is None else f"{value:.3f}"


@app.command()
def evaluate(
    model: Path = typer.Argument(..., readable=False, metavar="MODEL",
                                 help=f"Model file, or {SHIPPED_MODEL_WORD} for the shipped model (to compare "
                                 "a model of your own with it on your pages)."),
    data: List[Path] = typer.Argument(..., metavar="DATA", parser=path_argument,
                                      help="Labelled pages: .tsv page files, .jsonl/.jsonl.gz corpora, directories; "
                                           "- is stdin."),
    threshold: Optional[float] = typer.Option(None, "--threshold", min=0.0, max=1.0, metavar="0-1",
                                              help="Override the threshold."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as one JSON object."),
    sites: bool = typer.Option(True, "--sites/--no-sites",
                               help="Score the pages together in corpus mode, as predict scores many pages "
                               "(cross-page counts per site: url host, '# site:', else inferred); "
                               "--no-sites scores each page alone."),
    tail_cut: bool = typer.Option(True, "--tail-cut/--no-tail-cut",
                                  help="Cut pages where the model says their main content ends, as predict does; "
                                  "--no-tail-cut measures without the cut."),
    unseen_raise: bool = typer.Option(True, "--unseen-raise/--no-unseen-raise",
                                      help="Raise the threshold on pages of words the model mostly never saw, as "
                                      "predict does; --no-unseen-raise measures without it."),
    members: Optional[int] = typer.Option(None, "--members", min=1, metavar="N",
                                          help=MEMBERS_SCORING_HELP + " As predict does."),
):
    """Score a model on labelled pages: line precision/recall/F1 and word F1 of the kept text.

    Example: linesift evaluate my.model held-out-pages/ --json

    The shipped model on the same pages: linesift evaluate default data/pages --json
    """
    from linesift.training.evaluate import evaluate_pages
    from linesift.training.labelled import LabelledDataError, read_labelled, repeated_files

    if error := stdin_twice(data):
        fail(error, 2)
    clf = _load(model, unseen_raise, members)
    try:
        _say_repeated(repeated_files(data))
        pages = read_labelled(data)
    except LabelledDataError as err:
        fail(str(err))
    if not pages:
        fail(_no_labelled_pages(data))
    _say_unlabelled(data)
    _say_empty_corpora(data, pages)
    pages = _once_each(pages, "scored")
    if not any(label in ("content", "boilerplate") for page in pages for label in page.labels):
        fail("no line labelled content or boilerplate in " + " ".join(map(str, data)) + ": nothing to score")
    scores = evaluate_pages(clf, pages, threshold, sites, tail_cut)
    if as_json:
        emit(json.dumps(scores))
        return
    rows = [f"pages\t{scores['pages']}", f"corpus_mode\t{'yes' if scores['corpus_mode'] else 'no'}",
            f"lines\t{scores['lines']}", f"threshold\t{scores['threshold']:.3f}",
            f"pages_raised\t{scores['pages_raised']}", f"pages_cut\t{scores['pages_cut']}",
            f"pages_headline\t{scores['pages_headline']}"]
    rows += [f"{key}\t{'n/a' if scores[key] is None else format(scores[key], '.4f')}"  # n/a: no page to average
             for key in ("line_precision", "line_recall", "line_f1", "word_precision", "word_recall", "word_f1")]
    emit("\n".join(rows))


@app.command()
def info(model: Optional[Path] = typer.Argument(None, readable=False, metavar="MODEL",
                                                help="Model file [default: the shipped model].")):
    """Show what a model is: versions, threshold, features, training data and scores (from its sidecar).

    Example: linesift info my.model
    """
    from linesift.modelfile import (ModelFileError, check_model_path, default_model_path, file_matches_sidecar,
                                    read_sidecar)

    path = Path(_model_file(model) or default_model_path())
    try:
        check_model_path(path)
        sidecar = read_sidecar(path)
        matches = file_matches_sidecar(path, sidecar)
    except ModelFileError as err:
        fail(str(err))
    shown = {k: v for k, v in sidecar.items() if k != "feature_names"}
    shown["path"] = str(path)
    shown["sha256_matches_file"] = matches
    shown["features"] = f"{len(sidecar.get('feature_names', []))}: " + ", ".join(sidecar.get("feature_names", []))
    emit(json.dumps(shown, indent=2, ensure_ascii=False))
    if not matches:
        fail(f"{path}: model file does not match its sidecar sha256 (corrupt or modified)")


@app.command("import")
def import_(
    corpora: List[Path] = typer.Argument(..., metavar="CORPUS", parser=path_argument,
                                         help="Corpora of HTML + gold text (.jsonl/.jsonl.gz records; - for stdin)."),
    output: Path = typer.Option(..., "--output", "-o", metavar="OUT", parser=path_argument,
                                help="Labelled pages to write (.jsonl or .jsonl.gz)."),
    renderer: List[str] = typer.Option(["inscriptis"], "--renderer", "-r", metavar="NAME",
                                       help="Renderer(s): inscriptis, w3m, lynx, html-text, chromium "
                                            "(repeat the option for several)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, max=JOBS_MAX, metavar="N", help="Worker processes."),
    fold: bool = typer.Option(True, "--fold/--no-fold",
                              help="Take soft hyphens and zero-width characters out and compose accents before "
                                   "aligning, so a word they split still matches the gold; --no-fold renders and "
                                   "aligns as the shipped model's pages were (aligned as 0.12.3 did; lynx reading a "
                                   "page's declared charset, as 0.19.4 did; inscriptis stopping at </html>, as 0.19.6 "
                                   "did): pages for the recipe's --labelled, "
                                   "which rebuilds the shipped model."),
):
    """Render HTML pages, align their lines to the gold text and write labelled pages; print oracle scores.

    Example: linesift import corpus.jsonl.gz -r w3m -r lynx -o labelled.jsonl.gz
    """
    from collections import defaultdict
    from concurrent.futures.process import BrokenProcessPool

    from linesift.batch import WORKER_LOST
    from linesift.training.importer import CorpusError, import_corpus
    from linesift.training.labelled import LabelledDataError, file_identity, is_corpus_name, page_to_record
    from linesift.training.renderers import unavailable

    error = unavailable(renderer)
    if error:
        fail(error, 2)
    if error := stdin_twice(corpora):
        fail(error, 2)
    # the same renders twice would be trained on twice
    if len(set(renderer)) < len(renderer):
        log("linesift: note: a renderer is named more than once; each renders the pages once")
        renderer = list(dict.fromkeys(renderer))
    once, seen = [], set()
    for corpus in corpora:  # by the file it is, as train reads its labelled files (``file_identity``)
        if (key := corpus if str(corpus) == "-" else file_identity(corpus)) in seen:
            log(f"linesift: note: {corpus} is given more than once; its pages are imported once")
            continue
        seen.add(key)
        once.append(corpus)
    corpora = once
    _output_file(output, "labelled corpus file to write (.jsonl or .jsonl.gz)")
    if not is_corpus_name(output.name):  # train and evaluate tell a labelled corpus by its name
        fail(f"{output}: give a .jsonl or .jsonl.gz name (train and evaluate tell a labelled corpus by it)", 2)
    if resolved(output) in {resolved(c) for c in corpora if str(c) != "-"}:
        fail(f"{output}: output would overwrite an input")
    _refuse_foreign_output(output, "labelled", corpora)
    oracle: dict = defaultdict(list)
    unrendered: dict = defaultdict(list)  # (corpus, renderer) -> (page id, what went wrong)
    textless: dict = defaultdict(list)  # (corpus, renderer) -> ids of pages rendered to no text
    partial: dict = defaultdict(list)  # (corpus, renderer) -> (page id, lines left unsure, lines), not aligned in full
    misaligned: dict = defaultdict(list)  # (corpus, renderer) -> (page id, oracle word F1): gold mostly not found
    fd, tmp = new_temp_file(output)  # through a symlink, the file it points to is replaced, not the link
    os.close(fd)
    out = open_text_output(tmp, compress=gzip_named(output))
    ok = False

    progress = _Progress(enabled=True)

    def written(action) -> None:  # a failure of the output (a full disk) names the output, not an input
        try:
            action()
        except OSError as err:
            progress.clear()
            cannot_write(output, err)

    def fail_cleared(message: str) -> None:  # the counter off its line first
        progress.clear()
        fail(message)

    pages = copied = 0  # copied: labelled pages (lines and labels), written as they are
    try:
        for path in corpora:
            before = pages
            try:
                for page, f1 in import_corpus(path, renderer, jobs, as_shipped=not fold):
                    written(lambda: out.write(format_record(page_to_record(page))))
                    pages += 1
                    progress.update(pages)
                    key = (page.meta.get("corpus", path.name), page.meta.get("renderer"))
                    if f1 is not None:
                        oracle[key].append(f1)
                        if (f1 < ORACLE_WARNING_BELOW and any(map(str.strip, page.lines))  # not said otherwise:
                                and not {"render_error", "unaligned_lines"} & page.meta.keys()):  # failed, partial
                            misaligned[key].append((page.meta.get("id", "?"), f1))
                    else:
                        copied += 1
                    if "render_error" in page.meta:
                        unrendered[key].append((page.meta.get("id", "?"), page.meta["render_error"]))
                    elif f1 is not None and not any(map(str.strip, page.lines)):  # rendered to no text: empty
                        # or markup-only html (lynx writes a blank line for it)
                        textless[key].append(page.meta.get("id", "?"))
                    if f1 is not None and "unaligned_lines" in page.meta:  # aligned in this run
                        partial[key].append((page.meta.get("id", "?"), page.meta["unaligned_lines"],
                                             sum(1 for label in page.labels if label)))
            except (CorpusError, LabelledDataError) as err:  # the message names file and line
                fail_cleared(str(err))
            except FileNotFoundError:
                fail_cleared(f"{path}: no such file")
            except IsADirectoryError:
                fail_cleared(f"{path}: is a directory; give its corpora (e.g. {path / '*.jsonl.gz'})")
            except (OSError, EOFError, ValueError) as err:
                fail_cleared(f"{path}: cannot import ({getattr(err, 'strerror', None) or err})")
            except BrokenProcessPool:  # a worker killed (out of memory): its pages are lost, nothing is written
                fail_cleared(f"{path}: {WORKER_LOST}")
            if pages == before:
                progress.clear()
                log(f"Warning: {path}: no records")
        progress.close()
        written(out.close)
        # printed before the file is renamed into place: where it cannot be (a full stdout) no file is left
        emit("\n".join(["corpus\trenderer\tpages\toracle_word_f1"]
                       + [f"{corpus}\t{rend}\t{len(f1s)}\t{sum(f1s) / len(f1s):.4f}"
                          for (corpus, rend), f1s in sorted(oracle.items(),
                                                            key=lambda item: (item[0][0], renderer.index(item[0][1])))]))
        commit_temp_file(tmp)
        ok = True
    finally:
        if not ok:
            with suppress(OSError):  # the write that failed is said already
                out.close()
            drop_temp_file(tmp)
    for (corpus, rend), failed in sorted(unrendered.items()):
        page_id, what = failed[0]
        log(f"Warning: {corpus}: {len(failed)} page(s) not rendered with {rend}, written with no lines "
            f"(first: {page_id}: {what})")
    for (corpus, rend), ids in sorted(textless.items()):
        log(f"Warning: {corpus}: {len(ids)} page(s) with no text rendered with {rend} (their html is empty or "
            f"markup only), written with no lines (first: {ids[0]})")
    for (corpus, rend), pages_left in sorted(partial.items()):
        page_id, count, lines = pages_left[0]
        log(f"Warning: {corpus}: {len(pages_left)} page(s) ({rend}) too large to align in full within the "
            "alignment's work limits (data/CLI.md, import); lines whose label depends on the rest are written as "
            f"unsure (first: {page_id}: {count} of {lines} lines)")
    for (corpus, rend), low in sorted(misaligned.items()):
        page_id, f1 = low[0]
        log(f"Warning: {corpus}: {len(low)} page(s) ({rend}) whose gold text was mostly not found in the "
            f"render (oracle word F1 below {ORACLE_WARNING_BELOW}), written with their lines as labelled, most "
            f"of them boilerplate (first: {page_id}: {f1:.2f}); each page's oracle_word_f1 says which")
    if copied:
        log(f"linesift: {copied} labelled page{'s' * (copied != 1)} (lines and labels) copied as given")


def _terminated(signum, frame) -> None:
    """SIGTERM (``timeout``, ``docker stop``, a batch scheduler) or SIGHUP (the session gone): remove this
    run's temporary files, stop the worker processes and exit with 128 + the signal, at once."""
    import multiprocessing

    from linesift.output import remove_temp_files

    remove_temp_files()
    for child in multiprocessing.active_children():  # workers would print tracebacks writing to a dead parent
        try:
            os.kill(child.pid, signal.SIGKILL)
        except OSError:
            pass
    os._exit(128 + signum)


PATH_OPTIONS = ("-o", "--output", "-m", "--model")  # whose empty value would name the working directory


def _empty_argument(argv: list[str]) -> bool:
    """Whether ``argv`` holds an empty argument other than the value of an option that takes text
    (``--site-field ""`` is one): an unset ``"$VAR"``, which as a path would read or write the working
    directory (a path argument, or ``PATH_OPTIONS``' value)."""
    if "" not in argv:
        return False
    takes_value = {name for command in typer.main.get_command(app).commands.values() for param in command.params
                   if param.param_type_name == "option" and not param.is_flag for name in param.opts}
    takes_text = takes_value - set(PATH_OPTIONS)
    return any(arg == "" and (i == 0 or argv[i - 1] not in takes_text) for i, arg in enumerate(argv))


def _printing_failed(err: OSError) -> bool:
    """Whether ``err`` came from printing the command line's own text (help, version: click, typer or rich
    writing to stdout); a command's results are printed by ``emit`` and its sinks, which say so themselves."""
    import traceback

    frames = traceback.extract_tb(err.__traceback__)
    return bool(frames) and any(f"{os.sep}{name}{os.sep}" in frames[-1].filename for name in ("click", "typer", "rich"))


def _leave_abandoned_workers(code, left_before: int = 0) -> None:
    """End the process at once (``os._exit``, its output flushed) with exit ``code`` where a run stopped early
    left a worker pool behind (``batch.ABANDONED_POOLS``): the interpreter's exit would join the pool's
    thread, which may wait for ever on a killed worker's result, or, where that thread has ended, may collect
    the pool after the modules its clean-up uses are torn down, which prints "Exception ignored in: <function
    _ExecutorManagerThread.__init__.<locals>.weakref_cb ...>" and a traceback (seen once in CI after Ctrl-C).
    ``left_before``: pools left by earlier commands run in this process (``main`` called again, as tests do)."""
    batch = sys.modules.get("linesift.batch")
    if batch is None or len(batch.ABANDONED_POOLS) <= left_before:
        return
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError, AttributeError):  # a reader gone, a closed or missing stream
            stream.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)


def main() -> None:
    batch = sys.modules.get("linesift.batch")
    left_before = len(batch.ABANDONED_POOLS) if batch is not None else 0
    try:
        _main()
    except SystemExit as done:  # every way the command ends but a bug's traceback
        _leave_abandoned_workers(done.code, left_before)
        raise


def _main() -> None:
    signal.signal(signal.SIGTERM, _terminated)
    hangup = getattr(signal, "SIGHUP", None)  # the terminal or ssh session gone: the same clean-up, unless
    if hangup is not None and signal.getsignal(hangup) is not signal.SIG_IGN:  # run under nohup, which ignores it
        signal.signal(hangup, _terminated)
    argv = sys.argv[1:]
    if _empty_argument(argv):
        command = typer.main.get_command(app)
        path = command._command_path(argv, None) if isinstance(command, _Commands) else "linesift"
        say_error(f"an empty argument (an unset shell variable?) where a path or value goes; see '{path} -h'")
        sys.exit(2)
    if sys.stdout is None and {"--help", "--version"} & set(argv):
        say_error(STDOUT_CLOSED)
        sys.exit(1)
    try:
        app()
    except OSError as err:  # what a command does not catch itself, as help or version text to a full disk
        what = err.strerror or err
        if err.filename:
            say_error(f"{err.filename}: {what}")
        elif _printing_failed(err):
            _reader_gone(stop=False)  # the interpreter's last flush would fail again
            say_error(f"stdout: cannot write ({what})")
        else:
            say_error(what)
        sys.exit(1)
    except MemoryError:  # outside the scoring of a page, which says its page (``batch.too_large``)
        say_error("out of memory (MemoryError): give it fewer or smaller pages at once")
        sys.exit(1)


if __name__ == "__main__":
    main()
