"""What adapting the shipped model to N labelled pages gains (``linesift train --adapt``), against training from scratch.

    python -m linesift.training.adapt_curve --corpora ../shared/corpora --corpus dragnet-training \\
        --pages 30,100,300 --samples 3

Pages: those of ``--corpus`` the shipped model never trained on (every page of a corpus the recipe leaves
out, such as dragnet-training; else the held-out sites of the recipe's split), rendered by ``--renderer``
(``--labelled DIR`` reuses pages imported with ``linesift import``). Their sites are split in two by a hash: N
pages of one half are the user's labelled pages, the other half are scored. For each N and sample (seed k), the
shipped model is adapted to the N pages (``AdaptedClassifier``, as ``train --adapt``) and a model is trained
from scratch on them (``linesift train``'s defaults: cross-page features, sites inferred where pages have no
url); each is scored on the other half as ``linesift evaluate`` scores it (in corpus mode; word F1 of the kept
text against the labelled content, mean over pages). Prints
one markdown row per N: the shipped model's score, then each model's mean and range over the samples, in how
many samples the adapted model used its correction (else it labels as the shipped model does), and the
fitting times (on one OpenMP thread below ``TRAIN_ONE_THREAD_LINES`` lines, as ``linesift train`` fits).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import time
from pathlib import Path

import numpy as np
from linesift.predict import default_model
from linesift.settings import TRAIN_ONE_THREAD_LINES
from linesift.training.evaluate import evaluate_pages
from linesift.training.fit import adapt_pages, fit_pages, fold_plan
from linesift.training.importer import import_corpus, record_meta
from linesift.training.labelled import read_jsonl_pages
from linesift.training.recipe import LICENSED_CORPORA
from linesift.training.split import is_held_out, page_site
from threadpoolctl import threadpool_limits


def never_trained_on(meta: dict, corpus: str) -> bool:
    """Whether the recipe's model never saw the page: a corpus it leaves out, or a held-out site."""
    return corpus not in LICENSED_CORPORA or is_held_out(page_site(meta))


def user_half(site: str) -> bool:
    """The half of the sites whose pages are the user's labelled pages (the other half is scored)."""
    return int(hashlib.sha1(("adapt:" + site).encode("utf-8")).hexdigest()[:8], 16) % 2 == 0


def unseen_pages(corpora: Path, labelled: Path | None, corpus: str, renderer: str, jobs: int = 1) -> list:
    """The pages of ``corpus`` rendered by ``renderer`` that the shipped model never trained on."""
    if labelled is not None and (labelled / f"{corpus}.jsonl.gz").exists():
        source = read_jsonl_pages(labelled / f"{corpus}.jsonl.gz")
    else:
        source = (page for page, _ in import_corpus(corpora / f"{corpus}.jsonl.gz", [renderer], jobs,
                                                    lambda record, r: never_trained_on(record_meta(record), corpus)))
    return [p for p in source if p.meta.get("renderer", renderer) == renderer and never_trained_on(p.meta, corpus)]


def adapt_curve(pool: list, test: list, sizes: list[int], samples: int, scratch: bool = True):
    """Rows of (N, adapted scores, scratch scores, adapt seconds, scratch seconds, corrections used), one per N, a
    score per sample; an adapted model whose correction did not beat the shipped model out of fold labels as it
    does (``AdaptedClassifier.corrects_``)."""
    for n in sizes:
        adapted, trained, secs_a, secs_t, used = [], [], [], [], 0
        for seed in range(samples):
            sample = random.Random(seed).sample(pool, n)
            plan = fold_plan(sample, infer_sites=True)
            threads = 1 if sum(len(p.lines) for p in sample) < TRAIN_ONE_THREAD_LINES else None
            start = time.perf_counter()
            with threadpool_limits(threads, "openmp"):
                model = adapt_pages(sample, default_model(), plan=plan)
            secs_a.append(time.perf_counter() - start)
            used += model.corrects_
            adapted.append(evaluate_pages(model, test, sites=True)["word_f1"])
            if scratch:
                start = time.perf_counter()
                with threadpool_limits(threads, "openmp"):
                    model = fit_pages(sample, plan=plan, use_sites=True)
                secs_t.append(time.perf_counter() - start)
                trained.append(evaluate_pages(model, test, sites=True)["word_f1"])
        yield n, adapted, trained, secs_a, secs_t, used


def _cell(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{np.mean(values):.3f} ({min(values):.3f}-{max(values):.3f})" if len(values) > 1 else f"{values[0]:.3f}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    parser.add_argument("--labelled", type=Path, default=None, help="reuse imported pages from this directory")
    parser.add_argument("--corpus", default="dragnet-training")
    parser.add_argument("--renderer", default="w3m")
    parser.add_argument("--pages", default="30,100,300", help="sizes N, comma-separated")
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--no-scratch", action="store_true", help="adapt only")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    pages = unseen_pages(args.corpora, args.labelled, args.corpus, args.renderer, args.jobs)
    pool = [p for p in pages if user_half(p.site)]
    test = [p for p in pages if not user_half(p.site)]
    sizes = [n for n in (int(x) for x in args.pages.split(",")) if n <= len(pool)]
    base = evaluate_pages(default_model(), test, sites=True)["word_f1"]
    print(f"{args.corpus}, {args.renderer}: {len(pool)} pages to adapt on, {len(test)} scored; the shipped model "
          f"{base:.3f}", flush=True)
    print("| pages | shipped model | adapted | corrections used | from scratch | seconds (adapt / scratch) |")
    print("|---|---|---|---|---|---|")
    for n, adapted, trained, secs_a, secs_t, used in adapt_curve(pool, test, sizes, args.samples, not args.no_scratch):
        times = f"{np.mean(secs_a):.0f}" + (f" / {np.mean(secs_t):.0f}" if secs_t else "")
        print(f"| {n} | {base:.3f} | {_cell(adapted)} | {used} of {args.samples} | {_cell(trained)} | {times} |",
              flush=True)


if __name__ == "__main__":
    main()
