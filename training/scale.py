"""Crawl scale: memory and speed over one long run, as a crawl is cleaned.

    python -m linesift.training.scale --corpora ../shared/corpora --pages 100000

Writes a JSONL crawl of ``--pages`` records with urls (``--no-urls``: without, so every site is inferred from
the template lines its pages share, as for a directory of scrapes) and runs ``linesift predict CRAWL
--format jsonl`` on it as shipped (corpus mode: a first pass counting every site's lines, then one worker
per core), reading its output as it comes. At every tenth of the pages it records the pages a second since
the last tenth and the memory of the command's process tree (the sum of its processes' proportional set
sizes, shared pages counted once, and the largest resident set of one process); at the end it checks that
every record came out once, in input order, with one label per line of its text.

The records are made from ``--base`` held-out w3m scrapes (or the ``.txt`` files of ``--scrapes DIR``),
taken in turn. Every line of a record carries a word of its own (``id_word``), so no two records share
their text and the per-site line counts grow as a real crawl's do (pages that were copies of each other
would be skipped as near copies and grow nothing); each record also gets its site's menu and footer lines,
so template lines repeat within a site. Records are spread over ``--sites`` sites by ``zipf_sites``: a few
large sites and a long tail of small ones, the way a crawl's hosts are spread. The first tenth's pages a
second include the command's start-up and its first pass, which also runs before any output (reported
apart, as the seconds to the first record out); a tenth whose records arrive in the same read as the last
one's gets a rate that means nothing (only in runs of a few hundred pages), and one read after the command
exited gets no memory (None). The JSON result (and the table printed) is what the README reports under
"Cleaning a crawl" (data/benchmarks/scale.json).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from linesift.lines import split_lines
from linesift.training.split import CORPORA_DEFAULT, corpora_argument, default_corpora

CHECKPOINTS = 10  # samples of speed and memory, at every tenth of the pages
SAMPLE_SECONDS = 1.0  # and of memory alone, all along
TEMPLATE_HEAD = ("Home", "News", "About us", "Search this site", "Sign in")
TEMPLATE_FOOT = ("Privacy policy", "Terms of use", "Contact", "All rights reserved.")


def id_word(i: int) -> str:
    """A word of letters only for number ``i`` (``a``, ``b``, ... ``ba``): digits would be normalised away
    when lines are counted across pages, letters are not."""
    word = ""
    while True:
        word = chr(ord("a") + i % 26) + word
        i //= 26
        if i == 0:
            return word


def zipf_sites(pages: int, sites: int, seed: int = 0) -> np.ndarray:
    """The site of each of ``pages`` records: drawn from a Zipf-like law over ``sites`` sites (site ``k`` with
    weight 1/(k+1)), the same for the same arguments."""
    weights = 1.0 / np.arange(1, sites + 1)
    cdf = np.cumsum(weights) / weights.sum()
    return np.minimum(np.searchsorted(cdf, np.random.default_rng(seed).random(pages)), sites - 1)


def crawl_record(i: int, base: list[list[str]], site: int) -> dict:
    """Record ``i`` of the crawl: the ``i``-th base scrape (in turn), every line with ``i``'s own word, between
    the template lines of its site."""
    word = id_word(i)
    body = [f"{line} {word}" if line.strip() else line for line in base[i % len(base)]]
    lines = [f"{t} {id_word(site)}" for t in TEMPLATE_HEAD] + [""] + body + [""] + list(TEMPLATE_FOOT)
    return {"id": i, "url": f"https://www.site-{id_word(site)}.example/page/{word}", "text": "\n".join(lines)}


def write_crawl(path: Path, pages: int, base: list[list[str]], sites: int, urls: bool = True) -> list[int]:
    """Write the crawl's records as JSONL (without their urls unless ``urls``); return each record's number
    of lines."""
    counts = []
    with path.open("w", encoding="utf-8") as out:
        for i, site in enumerate(zipf_sites(pages, sites)):
            record = crawl_record(i, base, int(site))
            if not urls:
                del record["url"]
            counts.append(len(split_lines(record["text"])))
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return counts


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants (from ``/proc``)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def _kb(path: str, key: str) -> int:
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_memory_mb(root: int) -> tuple[float, float]:
    """(sum of the proportional set sizes of ``root``'s process tree, largest resident set of one), in MB."""
    pids = process_tree(root)
    pss = sum(_kb(f"/proc/{pid}/smaps_rollup", "Pss:") for pid in pids)
    rss = max((_kb(f"/proc/{pid}/status", "VmRSS:") for pid in pids), default=0)
    return round(pss / 1024, 1), round(rss / 1024, 1)


class MemorySampler(threading.Thread):
    """Samples a process tree's memory every ``SAMPLE_SECONDS`` until stopped; keeps the peaks."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root, self.stopped = root, threading.Event()
        self.peak_pss_mb = self.peak_rss_mb = 0.0

    def run(self) -> None:
        while not self.stopped.wait(SAMPLE_SECONDS):
            pss, rss = tree_memory_mb(self.root)
            self.peak_pss_mb, self.peak_rss_mb = max(self.peak_pss_mb, pss), max(self.peak_rss_mb, rss)


def run(crawl: Path, out: Path, pages: int, argv: list[str]) -> dict:
    """Run ``linesift predict`` on ``crawl``, copying its stdout to ``out``: the seconds to its first output
    record (start-up and the first pass), a sample of speed and memory at every tenth of ``pages`` records,
    and the peaks of the memory sampled every ``SAMPLE_SECONDS``."""
    command = [sys.executable, "-m", "linesift.cli", "predict", str(crawl), "--format", "jsonl", "--quiet", *argv]
    start = time.perf_counter()
    errors = tempfile.TemporaryFile()  # not a pipe: a pipe nobody reads while stdout is read could fill up
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors)
    sampler = MemorySampler(proc.pid)
    sampler.start()
    samples, done, first, last_t, last_n = [], 0, None, start, 0
    marks = [pages * k // CHECKPOINTS for k in range(1, CHECKPOINTS + 1)]
    fd = proc.stdout.fileno()
    with out.open("wb") as sink:
        while chunk := os.read(fd, 1 << 20):
            sink.write(chunk)
            done += chunk.count(b"\n")
            if first is None and done:
                first = time.perf_counter()
            while marks and done >= marks[0]:
                now = time.perf_counter()
                # once the command has exited (its last records read after it ended), its memory is gone
                pss, rss = tree_memory_mb(proc.pid) if proc.poll() is None else (None, None)
                samples.append({"pages": marks[0], "seconds": round(now - start, 1),
                                "pages_per_s": round((marks[0] - last_n) / max(now - last_t, 1e-9), 1),
                                "tree_pss_mb": pss, "max_rss_mb": rss})
                last_t, last_n = now, marks.pop(0)
    sampler.stopped.set()
    sampler.join()
    if proc.wait() != 0:
        errors.seek(0)
        said = errors.read().decode("utf-8", "replace").strip()
        raise RuntimeError(f"linesift predict failed ({proc.returncode}): {said}")
    errors.close()
    return {"seconds": round(time.perf_counter() - start, 1),
            "seconds_to_first_record": round((first or start) - start, 1), "samples": samples,
            "peak_tree_pss_mb": max([sampler.peak_pss_mb, *(s["tree_pss_mb"] or 0 for s in samples)]),
            "peak_max_rss_mb": max([sampler.peak_rss_mb, *(s["max_rss_mb"] or 0 for s in samples)])}


def check_output(out: Path, line_counts: list[int]) -> None:
    """Every record once, in input order, with one label and one score per line of its text."""
    n = 0
    with out.open(encoding="utf-8") as f:
        for n, row in enumerate(f, 1):
            record = json.loads(row)
            i = n - 1
            if record.get("id") != i:
                raise AssertionError(f"output record {n}: id {record.get('id')}, expected {i}")
            if len(record["line_labels"]) != line_counts[i] or len(record["line_scores"]) != line_counts[i]:
                raise AssertionError(f"output record {n}: {len(record['line_labels'])} labels for "
                                     f"{line_counts[i]} lines")
    if n != len(line_counts):
        raise AssertionError(f"{n} output records for {len(line_counts)} input records")


def base_scrapes(corpora: Path, scrapes: Path | None, base: int) -> list[list[str]]:
    if scrapes is not None:
        found = [split_lines(p.read_text(encoding="utf-8")) for p in sorted(scrapes.glob("*.txt"))]
    else:
        from linesift.training.benchmark import held_out_pages

        found = [p.scrape for p in held_out_pages(corpora, corpora=("wcxb-dev", "cleaneval", "daniel"),
                                                 limit=base // 3 + 1)]
    found = [lines for lines in found if any(line.strip() for line in lines)][:base]
    if not found:
        raise SystemExit(f"no scrapes with text in {scrapes or corpora}")
    return found


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=corpora_argument, default=None, help=f"[default: {CORPORA_DEFAULT}]")
    parser.add_argument("--scrapes", type=Path, default=None, help="a directory of .txt scrapes to build the crawl "
                        "from, instead of the held-out pages of --corpora")
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=20_000)
    parser.add_argument("--no-urls", dest="urls", action="store_false", help="records without urls: every "
                        "site inferred from shared template lines")
    parser.add_argument("--base", type=int, default=300, help="how many held-out scrapes the records are made from")
    parser.add_argument("--tmp", type=Path, default=None, help="where to write the crawl and the output "
                        "(default: the system's temporary directory)")
    parser.add_argument("--out", type=Path, default=Path("data/benchmarks/scale.json"))
    parser.add_argument("predict_args", nargs="*", help="more options for linesift predict (after --)")
    args = parser.parse_args(argv)
    if args.scrapes is None:  # the corpora are read only without --scrapes
        args.corpora = default_corpora(parser, args.corpora)
    base = base_scrapes(args.corpora, args.scrapes, args.base)
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        crawl, out = Path(tmp) / "crawl.jsonl", Path(tmp) / "cleaned.jsonl"
        line_counts = write_crawl(crawl, args.pages, base, args.sites, args.urls)
        measured = run(crawl, out, args.pages, args.predict_args)
        check_output(out, line_counts)
        crawl_mb = round(crawl.stat().st_size / 2**20)
    result = {"pages": args.pages, "sites": args.sites, "urls": args.urls, "base_scrapes": len(base),
              "crawl_mb": crawl_mb, "lines": sum(line_counts), "predict_args": args.predict_args, **measured}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"{args.pages} pages ({sum(line_counts)} lines, {crawl_mb} MB of JSONL) on {args.sites} sites "
          f"({'with urls' if args.urls else 'no urls: sites inferred'}), "
          f"made from {len(base)} scrapes; every record out once, in order, one label per line")
    print(f"{measured['seconds']} s in all ({args.pages / measured['seconds']:.0f} pages/s), start-up and first "
          f"pass {measured['seconds_to_first_record']} s; peak memory: process tree PSS "
          f"{measured['peak_tree_pss_mb']} MB, largest RSS {measured['peak_max_rss_mb']} MB (sampled every "
          f"{SAMPLE_SECONDS:g} s)")
    print("| pages done | seconds | pages/s in this tenth | process tree PSS MB | largest RSS MB |\n"
          "|---|---|---|---|---|")
    for s in measured["samples"]:
        memory = (f"{s['tree_pss_mb']} | {s['max_rss_mb']}" if s["tree_pss_mb"] is not None
                  else "(exited) | (exited)")
        print(f"| {s['pages']} | {s['seconds']} | {s['pages_per_s']} | {memory} |")
    return result


if __name__ == "__main__":
    main()
