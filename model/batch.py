"""Scoring many pages: batches through the model, in one process or in worker processes, output in input order.

Workers load the model once (pool initializer) and receive batches of pages; at most ``2 * jobs``
batches are in flight, so memory stays constant however many pages stream through.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from contextlib import contextmanager, suppress
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from linesift.inputs import InputError, Page
from linesift.lines import overlong_row, word_chars
from linesift.trees import scores_with_estimators
from linesift.output import error_record, format_page, format_record
from linesift.predict import predict_pages
from linesift.settings import BATCH_PAGES_DEFAULT


@dataclass
class BatchResult:
    outputs: list[tuple[str, str]]  # (page path, formatted output of the page), in input order
    lines: int
    errors: int = 0  # outputs that stand for unreadable inputs
    warnings: list[str] = field(default_factory=list)  # found while scoring (``overlong_line``)
    failures: list[str] = field(default_factory=list)  # pages that could not be scored (``too_large``)

    @property
    def pages(self) -> int:
        return len(self.outputs) - self.errors


def score_batch(pages: list[Page], model, threshold: float | None, fmt: str, table=None,
                cut: bool = True) -> BatchResult:
    """Render pending HTML, score all lines of the batch in one model call and format the results. Where
    memory runs out, each page is scored alone, and a page that still does not fit is a failure (an error
    record in its place with ``fmt`` jsonl), not the end of the run."""
    try:
        return _scored(pages, model, threshold, fmt, table, cut)
    except MemoryError:
        pass
    if len(pages) == 1:
        return too_large(pages[0], fmt)
    alone = [score_batch([page], model, threshold, fmt, table, cut) for page in pages]
    return BatchResult([out for r in alone for out in r.outputs], sum(r.lines for r in alone),
                       sum(r.errors for r in alone), [w for r in alone for w in r.warnings],
                       [f for r in alone for f in r.failures])


def too_large(page: Page, fmt: str) -> BatchResult:
    """The result standing for a ``page`` whose scoring ran out of memory: a failure, and with ``fmt`` jsonl
    an error record in its place."""
    size = f"{len(page.lines):,} lines" if page.text is None and page.html is None else "not yet split into lines"
    message = f"{page.path}: too large to score in this memory ({size}; MemoryError)"
    return BatchResult([(page.path, error_record(message))] if fmt == "jsonl" else [], 0, int(fmt == "jsonl"),
                       failures=[message])


def _scored(pages: list[Page], model, threshold: float | None, fmt: str, table, cut: bool) -> BatchResult:
    pages = [p.render() for p in pages]
    out = []
    results = predict_pages([p.lines for p in pages], model, threshold, [p.site for p in pages], table, cut)
    for page, res in zip(pages, results):
        if page.error is not None:
            out.append((page.path, error_record(page.error, page.record)))
        elif page.record is not None and fmt == "jsonl":
            out.append((page.path, format_record(res.record(page.record, page.record_lines))))
        else:
            out.append((page.path, format_page(page.path, page.lines, res.labels, res.scores, fmt)))
    # the model found each page's one long line (``PagePrediction.whole_line``) unless a threshold is given
    warnings = [w for w in (overlong_line(page, res.whole_line if threshold is None else overlong_row(page.lines),
                                          threshold) for page, res in zip(pages, results)) if w]
    warnings += [no_text_shown(page) for page in pages if page.shows_no_text]
    return BatchResult(out, sum(len(p.lines) for p in pages), sum(p.error is not None for p in pages), warnings)


def overlong_line(page: Page, row: int | None, threshold: float | None = None) -> str | None:
    """A warning when line ``row`` holds most of a long page (``lines.overlong_row``: a converter that drops
    line breaks, such as trafilatura's ``html2txt``): linesift labels whole lines, so it keeps that line
    (or labels it by its score at a ``threshold`` given)."""
    if row is None:
        return None
    kept = " (this one by its score: --threshold)" if threshold is not None else ", so it keeps that line whole"
    return (f"{page.path}: line {row + 1} holds {word_chars(page.lines[row]):,} of the page's "
            f"{sum(map(word_chars, page.lines)):,} letters and digits; linesift labels whole lines{kept}: "
            "give it a scrape with line breaks (w3m -dump, lynx -dump, inscriptis)")


def no_text_shown(page: Page) -> str:
    """The warning for an HTML page that renders to no text: nothing to label, so no line in the output."""
    return (f"{page.path}: its HTML renders to no text (a page its scripts fill in?), so it has no lines to label; "
            "give linesift the page as a browser shows it (its innerText) to keep its text")


def batches(items: Iterable[Page | InputError | str], on_error: Callable[[InputError], None],
            on_warning: Callable[[str], None], size: int = BATCH_PAGES_DEFAULT,
            error_records: bool = False, paused: Callable[[], bool] | None = None) -> Iterator[list[Page]]:
    """Group readable pages into batches; report unreadable inputs and warnings as they come. With
    ``error_records`` an unreadable input also keeps its place in the output (``error_record``). ``paused``:
    whether the input's producer has paused (``inputs.stdin_paused``), where the pages read so far are a batch
    of their own, so a live stream's results do not wait for a batch to fill."""
    batch: list[Page] = []
    items = iter(items)
    while True:
        if batch and paused is not None and paused():
            yield batch
            batch = []
        item = next(items, None)
        if item is None:
            break
        if isinstance(item, str):  # a warning of a page given before it (``inputs.iter_warc``)
            on_warning(item)
            continue
        if isinstance(item, InputError):
            if batch:  # the pages read before the bad input are scored first (``--fail-fast`` stops after them)
                yield batch
                batch = []
            on_error(item)
            if error_records:
                batch.append(Page(str(item), [], error=str(item), record=item.record))
            continue
        for warning in item.warnings:
            on_warning(warning)
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_worker_state: dict = {}


def available_cores() -> int:
    """CPUs this process may run on (its affinity mask where the platform has one)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class FirstPass(NamedTuple):
    """What the first pass over a corpus found (``build_table``)."""

    table: object  # the ``sites.FrozenSiteTable`` of the corpus
    sites: list  # the site of every page read, in order
    lines: int  # the lines of the pages counted (blank ones too): how long the scoring pass will be


def build_table(items: Iterable[Page | InputError], until_error: bool = False) -> FirstPass:
    """First pass over a corpus: count, per site, the pages holding each line (bounded memory). Returns the
    table and the site of every page read, in order: its own (url host or site field), else one inferred
    from the template lines it shares with other pages (``sites.TemplateGroups``). HTML without a site is
    not rendered here (rendering twice would cost more than the signal): such pages are scored alone.
    ``until_error`` stops at the first unreadable input (``--fail-fast``: the scoring pass stops there too)."""
    from linesift.sites import corpus_sites

    counted = [0]

    def pages():
        for item in items:
            if isinstance(item, Page):
                lines = item.render().lines if item.site or item.html is None else None
                counted[0] += len(lines) if lines is not None else 0
                yield lines, item.site
            elif until_error:
                return

    table, sites = corpus_sites(pages())
    return FirstPass(table, sites, counted[0])


def with_sites(items: Iterable[Page | InputError], sites: list[str]) -> Iterator[Page | InputError]:
    """The second pass's items, each page given the site the first pass (``build_table``) found for it."""
    pages = iter(sites)
    for item in items:
        if isinstance(item, Page):
            item.site = next(pages, item.site)
        yield item


def _init_worker(model, threshold, fmt, table, cut=True, estimators=False) -> None:
    """Worker set-up: the parent's model as it was loaded and set (a forked worker inherits it, a spawned
    one gets a pickled copy). Ctrl-C is left to the parent, which stops the pool: a worker interrupted
    mid-batch would leave the parent waiting for a result that never comes, and print its own traceback.
    SIGTERM and SIGHUP get their default action back (SIGHUP stays ignored under ``nohup``): the parent's
    handler (``cli.main``) removes the run's temporary files, which are the parent's to remove."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    hangup = getattr(signal, "SIGHUP", None)
    if hangup is not None and signal.getsignal(hangup) is not signal.SIG_IGN:
        signal.signal(hangup, signal.SIG_DFL)
    if estimators:  # the parent scores with the estimators (trees.py): a spawned worker loads them too
        model.load_estimators()
    _worker_state.update(model=model, threshold=threshold, fmt=fmt, table=table, cut=cut)


def _work(pages: list[Page]) -> BatchResult:
    s = _worker_state
    return score_batch(pages, s["model"], s["threshold"], s["fmt"], s["table"], s["cut"])


@contextmanager
def _deferred_interrupts():
    """Ctrl-C (SIGINT) deferred for the block in the whole process, and delivered after it. A Python handler
    does this, as whichever thread the kernel hands the signal to, Python runs its handler in the main
    thread (a mask, ``pthread_sigmask``, holds it back in one thread only); a worker forked meanwhile
    inherits the handler until ``_init_worker`` ignores Ctrl-C."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # handlers are the main thread's to set
        yield
        return
    got: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: got.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if got:
            signal.raise_signal(signal.SIGINT)


ABANDONED_POOLS: list = []  # pools whose workers were killed and which were not shut down (``_pool``)


@contextmanager
def _pool(ctx, jobs: int, initargs):
    """A pool of ``jobs`` worker processes (``concurrent.futures``: a worker that dies, killed by the kernel's
    out-of-memory killer say, breaks the pool instead of leaving its batch waited for), all started at once
    with Ctrl-C deferred, so no worker is interrupted between its fork and ``_init_worker``; a Ctrl-C
    pressed meanwhile reaches the parent once they are up.

    A run stopped early (Ctrl-C, an error, a closed pipe) wants no more results: its workers are killed at
    once, not waited for (a long page would hold a Ctrl-C up), and the pool is left as it is, in
    ``ABANDONED_POOLS``: its shutdown could wait for ever on a result a killed worker was sending (its pipe is
    held open by this process), and so could the interpreter's exit, so ``cli.main`` ends the process
    (``os._exit``) once the command has cleaned up."""
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=initargs)
    try:
        with _deferred_interrupts():
            pool.submit(int).result()  # the workers start here (all at once under fork; one, at least, else)
        yield pool
    except BaseException:
        with _deferred_interrupts():
            _kill_workers(pool)
            ABANDONED_POOLS.append(pool)
        raise
    pool.shutdown(wait=True)


def _kill_workers(pool) -> None:
    """SIGKILL the ``pool``'s worker processes, and any other live child process multiprocessing started
    (a worker forked but not yet listed by the pool)."""
    import signal

    workers = list((getattr(pool, "_processes", None) or {}).values())  # noqa: SLF001 (the pool's workers)
    for process in {*workers, *multiprocessing.active_children()}:
        if process.exitcode is None:
            with suppress(OSError):
                os.kill(process.pid, signal.SIGKILL)


class WorkerLost(RuntimeError):
    """A worker process died (killed: by the kernel's out-of-memory killer, say)."""


WORKER_LOST = ("a worker process was killed (out of memory?), so the run cannot go on; try fewer --jobs, or "
               "leave out the largest pages")


def score_stream(page_batches: Iterable[list[Page]], model, threshold: float | None, fmt: str,
                 jobs: int = 1, table=None, cut: bool = True,
                 paused: Callable[[], bool] | None = None) -> Iterator[BatchResult]:
    """Results of each batch, in input order; ``jobs > 1`` scores in that many worker processes (no more than
    there are batches), started only when there is a second batch (a few pages are scored at once, in this
    process). ``paused``: whether
    the input's producer has paused (``inputs.stdin_paused``), where the results of the batches read so far
    come out before more is read: a batch read before a pause is scored in this process, and the workers'
    batches in flight are waited for."""
    page_batches = iter(page_batches)
    first = next(page_batches, None)
    while first is not None and paused is not None and paused():
        yield score_batch(first, model, threshold, fmt, table, cut)
        first = next(page_batches, None)
    try:
        second = next(page_batches, None) if first is not None else None
    except BaseException:  # reading on stopped (e.g. --fail-fast): the pages read before still come out
        if first is not None:
            yield score_batch(first, model, threshold, fmt, table, cut)
        raise
    if jobs <= 1 or second is None:
        for pages in itertools.chain([first, second], page_batches):
            if pages is not None:
                yield score_batch(pages, model, threshold, fmt, table, cut)
        return
    # no more workers than batches: up to ``jobs`` batches are read before the workers start (not where the
    # producer has paused, whose next batch may be long in coming)
    ahead = [first, second]
    try:
        while len(ahead) < jobs and (paused is None or not paused()):
            pages = next(page_batches, None)
            if pages is None:
                jobs = len(ahead)
                break
            ahead.append(pages)
    except BaseException:  # reading stopped (e.g. --fail-fast): the pages read before still come out
        for pages in ahead:
            yield score_batch(pages, model, threshold, fmt, table, cut)
        raise
    page_batches = itertools.chain(ahead, page_batches)
    # fork where the platform has it: workers start at once with the model and site table already in memory
    # (the parent has run OpenMP, if at all, on SCORING_THREADS = 1, or after a batch read before a pause past its
    # numpy budget: trees.py; so forking it is safe); elsewhere spawn, and both are pickled
    fork = "fork" in multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if fork else "spawn")
    # a parent that scores with the estimators has its spawned workers load them too (forked ones inherit them)
    estimators = scores_with_estimators() and callable(getattr(model, "load_estimators", None))
    initargs = (model, threshold, fmt, table, cut, estimators)
    from concurrent.futures.process import BrokenProcessPool

    try:
        yield from _pooled(page_batches, ctx, jobs, initargs, paused)
    except BrokenProcessPool:  # at start-up, or where a batch is given or its result taken
        raise WorkerLost(WORKER_LOST) from None


def _pooled(page_batches: Iterator[list[Page]], ctx, jobs: int, initargs,
            paused: Callable[[], bool] | None = None) -> Iterator[BatchResult]:
    """``score_stream``'s results from ``jobs`` worker processes, at most ``2 * jobs`` batches and one more in
    flight; all of them come out when the producer has ``paused``."""
    with _pool(ctx, jobs, initargs) as pool:
        pending: deque = deque()
        while True:
            if pending and paused is not None and paused():
                while pending:
                    yield pending.popleft().result()
            try:
                pages = next(page_batches, None)
            except BaseException:  # reading stopped (e.g. --fail-fast): the batches read before still come out
                while pending:
                    yield pending.popleft().result()
                raise
            if pages is None:
                break
            pending.append(pool.submit(_work, pages))
            while len(pending) > 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
