"""How many labelled pages a model of your own needs: fit on N random training pages, score held-out pages.

    python -m linesift.training.learning_curve --corpora ../shared/corpora --corpus daniel --lang pl,ru \\
        --pages 10,30,100,300 --samples 3

Training pages: the recipe's training side of ``--corpus`` (``--labelled DIR`` reuses imported pages), one
renderer, the languages asked for; each sample of N pages is fitted with the recipe's parameters. Held-out
pages: that corpus's held-out sites in those languages, scraped with the same renderer, scored on the kept
text (word F1 against the gold, mean over pages, per language). Prints one markdown row per N: the mean and
range over the samples, and the fitting time.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from linesift.predict import predict_pages
from linesift.training.benchmark import held_out_pages, kept
from linesift.training.fit import fit_pages
from linesift.training.recipe import MODEL_PARAMS, training_pages
from linesift.training.scoring import text_scores
from linesift.training.split import CORPORA_DEFAULT, corpora_argument

# the recipe's model as `linesift train` fits it: without the raised threshold for pages of unseen words,
# which is off there (measured for the shipped model's vocabulary of many languages)
TRAIN_PARAMS = {k: v for k, v in MODEL_PARAMS.items() if k != "unseen_shift"}


def pool_of(corpora: Path, labelled: Path | None, corpus: str, langs: set[str], renderer: str,
            jobs: int = 1) -> list:
    """The recipe's training pages of ``corpus`` in ``langs`` rendered by ``renderer``."""
    return [p for p in training_pages(corpora, labelled, jobs, names=(corpus,), langs=langs)
            if p.meta.get("renderer") == renderer]


def scores_by_lang(model, held) -> dict[str, float]:
    """Mean word F1 of the kept text per language of the held-out pages."""
    res = defaultdict(list)
    for page, pred in zip(held, predict_pages([p.scrape for p in held], model)):
        res[page.meta.get("lang")].append(text_scores(kept(pred.lines, pred.labels), page.gold)["word_f1"])
    return {lang: float(np.mean(v)) for lang, v in res.items()}


def learning_curve(pool: list, held: list, sizes: list[int], samples: int, langs: list[str]):
    """Rows of (N, {lang: [score per sample]}, [fit seconds per sample]), one per size N.

    Sample k of every size is drawn with seed k, so a smaller sample is often the first pages of a larger
    one (fewer differences between sizes than independent draws); with N equal to the pool's size every
    sample holds the same pages.
    """
    for n in sizes:
        scores, secs = defaultdict(list), []
        for seed in range(samples):
            sample = random.Random(seed).sample(pool, n)
            start = time.perf_counter()
            model = fit_pages(sample, infer_sites=True, **TRAIN_PARAMS)  # as `linesift train` fits
            secs.append(time.perf_counter() - start)
            for lang, f in scores_by_lang(model, held).items():
                scores[lang].append(f)
        yield n, {lang: scores[lang] for lang in langs}, secs


def page_counts(value: str) -> list[int]:
    """``--pages`` (an argparse type): positive whole numbers, comma-separated."""
    try:
        sizes = [int(x) for x in value.split(",")]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: give page counts, comma-separated (e.g. 10,30,100)")
    return sizes


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=corpora_argument, default=CORPORA_DEFAULT)
    parser.add_argument("--labelled", type=Path, default=None, help="reuse imported pages from this directory")
    parser.add_argument("--corpus", default="daniel")
    parser.add_argument("--lang", default="pl,ru", help="languages, comma-separated")
    parser.add_argument("--renderer", default="w3m")
    parser.add_argument("--pages", type=page_counts, default="10,30,100,300",
                        help="training pages per model, comma-separated")
    parser.add_argument("--samples", type=int, default=3, help="random samples of pages per size")
    parser.add_argument("--jobs", type=int, default=2, help="processes rendering pages (without --labelled)")
    args = parser.parse_args(argv)
    langs = args.lang.split(",")
    pool = pool_of(args.corpora, args.labelled, args.corpus, set(langs), args.renderer, args.jobs)
    held = held_out_pages(args.corpora, corpora=(args.corpus,), renderer=args.renderer, langs=set(langs))
    print(f"{len(pool)} training pages, {len(held)} held-out pages", file=sys.stderr, flush=True)
    sizes = args.pages
    for n in (n for n in sizes if n > len(pool)):
        print(f"skipping N={n}: only {len(pool)} training pages", file=sys.stderr, flush=True)
    sizes = [n for n in sizes if n <= len(pool)]
    print("| pages | " + " | ".join(f"{lang} word F1" for lang in langs) + " | fit |")
    print("|---" * (len(langs) + 2) + "|")
    for n, scores, secs in learning_curve(pool, held, sizes, args.samples, langs):
        cells = [f"{np.mean(v):.3f} ({min(v):.3f}-{max(v):.3f})" if v else "" for v in scores.values()]
        print(f"| {n} | " + " | ".join(cells) + f" | {np.mean(secs):.0f} s |", flush=True)


if __name__ == "__main__":
    main()
