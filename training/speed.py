"""Speed side by side, as users run it: ``linesift predict DIR`` against trafilatura, in one run.

    python -m linesift.training.speed --corpora ../shared/corpora --pages 400

Writes ``--pages`` held-out pages as w3m scrapes (``.txt``) and as HTML files into a temporary directory,
then runs, each in its own process: ``linesift predict TXT_DIR --format jsonl`` and ``linesift predict
HTML_DIR --format jsonl`` as shipped (one worker per core) and with ``--jobs 1`` (one process, one
thread), the text command with ``--no-sites`` (page by page, without corpus mode's first pass) and with
``--members 1`` (the model's first member only), and
trafilatura's ``extract`` over the same HTML files (one process). The marginal time per
page is (time for all pages - time for one page) / (pages - 1), which removes interpreter and model
start-up (the launcher's own start-up cancels out too); peak RSS is the command's ``ru_maxrss``. The
one-process text command is also run on every 8th, 4th and 2nd page and on all of them, one after the other
(the same mix of corpora): time per page should not depend on how many pages there are. Results are printed as a table and written as JSON.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from linesift.training.benchmark import held_out_pages
from linesift.training.split import CORPORA_DEFAULT, corpora_argument

TRAFILATURA_LOOP = (
    "import sys, pathlib, trafilatura\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.html')):\n"
    "    trafilatura.extract(p.read_text(encoding='utf-8'), include_comments=False)\n"
)


# A child forked from this (large) process inherits its peak RSS, so the command is started by a small
# launcher and the launcher reports its child's peak RSS.
LAUNCHER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


def run_child(argv: list[str]) -> tuple[float, int]:
    """Run a command; return (wall seconds, peak RSS of the command in MB)."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", LAUNCHER, *argv], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"speed: {' '.join(argv[:4])} ... failed with exit code {proc.returncode}")
    return seconds, int(proc.stdout.split()[-1]) // 1024


def write_pages(pages, root: Path, n: int) -> tuple[Path, Path]:
    txt, html = root / f"txt{n}", root / f"html{n}"
    txt.mkdir()
    html.mkdir()
    for i, p in enumerate(pages[:n]):
        (txt / f"{i:05d}.txt").write_text("\n".join(p.scrape) + "\n", encoding="utf-8")
        (html / f"{i:05d}.html").write_text(p.html, encoding="utf-8")
    return txt, html


def _per_page_and_lines(pages, seconds: float) -> dict:
    """Marginal cost of ``pages`` (the one-page run subtracted from ``seconds``), per page and per 1,000 lines."""
    lines = sum(len(p.scrape) for p in pages) - len(pages[0].scrape)
    return {"ms_per_page": round(1000 * seconds / (len(pages) - 1), 2),
            "ms_per_1000_lines": round(1e6 * seconds / lines, 2)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=corpora_argument, default=CORPORA_DEFAULT)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--out", type=Path, default=Path("data/benchmarks/speed.json"))
    args = parser.parse_args(argv)
    if importlib.util.find_spec("trafilatura") is None:
        parser.error("trafilatura, the speed's reference, is not installed (pip install '.[bench]')")
    pages = held_out_pages(args.corpora, corpora=("wcxb-dev", "cleaneval", "daniel"), limit=args.pages // 3 + 1)
    pages = [p for p in pages if p.scrape][: args.pages]
    linesift = [sys.executable, "-m", "linesift.cli", "predict", "--format", "jsonl"]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        one_txt, one_html = write_pages(pages, root, 1)
        all_txt, all_html = write_pages(pages, root, len(pages))
        one_core = linesift + ["--jobs", "1"]
        systems = {
            "linesift predict (text)": (linesift + [str(one_txt)], linesift + [str(all_txt)]),
            "linesift predict (text, --jobs 1)": (one_core + [str(one_txt)], one_core + [str(all_txt)]),
            # page by page: no first pass over the directory (corpus mode's cross-page counts)
            "linesift predict (text, --no-sites)": (linesift + ["--no-sites", str(one_txt)],
                                                    linesift + ["--no-sites", str(all_txt)]),
            # the shipped model's first member only: fewer trees and lexical steps per line
            "linesift predict (text, --members 1)": (linesift + ["--members", "1", str(one_txt)],
                                                     linesift + ["--members", "1", str(all_txt)]),
            "linesift predict (text, --jobs 1, --members 1)": (one_core + ["--members", "1", str(one_txt)],
                                                               one_core + ["--members", "1", str(all_txt)]),
            "linesift predict (html)": (linesift + [str(one_html)], linesift + [str(all_html)]),
            "linesift predict (html, --jobs 1)": (one_core + [str(one_html)], one_core + [str(all_html)]),
            "trafilatura (html)": ([sys.executable, "-c", TRAFILATURA_LOOP, str(one_html)],
                                   [sys.executable, "-c", TRAFILATURA_LOOP, str(all_html)]),
        }
        for name, (one, many) in systems.items():
            t1, _ = run_child(one)
            tn, rss = run_child(many)
            results[name] = {"pages": len(pages), "seconds_all": round(tn, 2), "seconds_one": round(t1, 2),
                             "marginal_ms_per_page": round(1000 * (tn - t1) / (len(pages) - 1), 2),
                             "peak_rss_mb": rss}
        # growth with the number of pages: the first n pages, one process, against the one-page run
        t1, _ = run_child(one_core + [str(one_txt)])
        scaling = {}
        for step in (8, 4, 2, 1):  # every 8th, 4th, 2nd page, all: the same mix of corpora, in one sweep
            subset = pages[::step]
            sub_root = root / f"every{step}"
            sub_root.mkdir()
            some_txt, _ = write_pages(subset, sub_root, len(subset))
            tn, _ = run_child(one_core + [str(some_txt)])
            scaling[len(subset)] = _per_page_and_lines(subset, tn - t1)
    base = results["trafilatura (html)"]["marginal_ms_per_page"]
    for r in results.values():
        r["speed_vs_trafilatura"] = round(base / r["marginal_ms_per_page"], 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({**results, "text_jobs_1_ms_per_page_by_pages": scaling}, indent=1) + "\n")
    print("| system | pages | marginal ms/page | x trafilatura | peak RSS MB |\n|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['pages']} | {r['marginal_ms_per_page']} | {r['speed_vs_trafilatura']} | {r['peak_rss_mb']} |")
    print("\nlinesift predict (text, --jobs 1) by number of pages: "
          + ", ".join(f"{n} pages: {v['ms_per_page']} ms/page, {v['ms_per_1000_lines']} ms/1000 lines"
                      for n, v in sorted(scaling.items())))


if __name__ == "__main__":
    main()
