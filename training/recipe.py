"""Rebuild the shipped default model from ../shared/corpora (deterministic: same data, same model).

    python -m linesift.training.recipe --corpora ../shared/corpora --out model/default.model

1. Import the licence-compatible corpora (``LICENSED_CORPORA``): render each HTML page with w3m (every
   page) and with lynx and inscriptis (alternate halves of the pages), align to the gold, label lines.
   Renders whose oracle word F1 is below ``MIN_ORACLE`` (a broken render or gold) are left out.
2. Keep the training side of the site-disjoint split (``split.is_held_out``); held-out sites are for the
   benchmark and the model card.
3. Fit a LineClassifier (folds grouped by site) and save it with its sidecar.

It runs with numpy's AVX-512 loops turned off (``NUMPY_SIMD``, set unless ``NPY_DISABLE_CPU_FEATURES`` is set
already), as the shipped file was built: with them, a machine that has AVX-512 builds another file.

``--unspaced-copies`` also trains on an unspaced copy of each Chinese w3m render (``augment.unspaced_copies``:
written as Thai and Lao are, without spaces between words or sentence marks, which no corpus here has); tried
and not shipped (data/EXPERIMENTS.md, nineteenth round), so the shipped model is rebuilt without it.

``--labelled DIR`` reuses pages already imported with ``linesift import`` (one ``<corpus>.jsonl.gz`` each).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

from linesift.features import starts_with_teaser_cue
from linesift.modelfile import save_model
from linesift.settings import MEMBERS_RECIPE, MIN_SAMPLES_LEAF_RECIPE, N_ESTIMATORS_DEFAULT, UNSEEN_SHIFT_RECIPE
from linesift.training.augment import UNSPACED_SOURCE_RENDERER, unspaced_copies
from linesift.training.fit import fit_pages, training_summary
from linesift.training.importer import import_corpus, record_meta
from linesift.training.labelled import read_jsonl_pages
from linesift.training.renderers import renderer_versions
from linesift.training.split import CORPORA_DEFAULT, corpora_argument, default_corpora, is_held_out, page_site

# dragnet-training is AGPL-3.0: measured, never trained on (see data/MODEL.md)
LICENSED_CORPORA = ("wcxb-dev", "cleaneval", "cleanportaleval", "readability", "chinese-wce", "daniel", "turku-train")
MAIN_RENDERER = "w3m"
SECOND_RENDERERS = ("lynx", "inscriptis")
MIN_ORACLE = 0.5
# corpora whose gold leaves the page's headline out (the <h1>, where it has 15+ characters: wcxb on 582 of 641
# article pages, Readability on 68 of 83): the headline model (model/heads.py) does not learn from them
HEADLINE_LEFT_OUT = ("wcxb-dev", "readability")
# numpy's AVX-512 loops (log, exp and others) round some results differently from its AVX2 ones, and the
# difference grows through the stages into another model (another tuned threshold); the shipped file was built
# without them, so the recipe runs with them off, as numpy reads this variable when imported. The names are
# the AVX-512 dispatch targets of numpy's releases, older and newer; numpy skips those it has not (an
# ImportWarning, hidden by default), and on a machine without AVX-512 nothing changes (data/MODEL.md, "Rebuild")
NUMPY_SIMD = ("NPY_DISABLE_CPU_FEATURES", "X86_V4 AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR")
MODEL_PARAMS = {"context": "stack", "lexical": True, "weighting": "words", "use_sites": True,
                "n_estimators": N_ESTIMATORS_DEFAULT, "cv": 3, "unseen_shift": UNSEEN_SHIFT_RECIPE,
                "members": MEMBERS_RECIPE, "min_samples_leaf": MIN_SAMPLES_LEAF_RECIPE}


def renders_of(page_id: str) -> tuple[str, str]:
    """The renders of a page the recipe trains on: the main renderer's and one second renderer's."""
    second = SECOND_RENDERERS[int(hashlib.sha1(page_id.encode()).hexdigest()[:4], 16) % len(SECOND_RENDERERS)]
    return MAIN_RENDERER, second


def trained_on(meta: dict, renderer: str | None, langs: set[str] | None = None) -> bool:
    """Whether the recipe trains on a page's render by ``renderer`` (None: a line-labelled page): the page is
    on the training side of the split, in ``langs`` if given, and the render one of its two (``renders_of``)."""
    return (not is_held_out(page_site(meta)) and (langs is None or meta.get("lang") in langs)
            and (renderer is None or renderer in renders_of(meta.get("id", ""))))


def wanted_render(record: dict, renderer: str, langs: set[str] | None = None) -> bool:
    """Whether to render a corpus record with ``renderer`` for training (``import_corpus``'s ``select``):
    ``trained_on`` before rendering; ``keep_for_training`` checks the render made."""
    return trained_on(record_meta(record), renderer, langs)


def keep_for_training(page, langs: set[str] | None = None) -> bool:
    """A render the recipe trains on (``trained_on``: also the pages of a cached import, made before any
    selection) whose labels are usable (its oracle score at least ``MIN_ORACLE``)."""
    renderer = page.meta.get("renderer")
    if renderer is not None and float(page.meta.get("oracle_word_f1", 1.0)) < MIN_ORACLE:
        return False
    return trained_on(page.meta, renderer, langs)


def with_convention(page):
    """Apply ../shared/LABELING.md where a corpus's gold differs: a line opening with a teaser, tag or share
    cue ("Also read", "Read more: <other headline>", "Tags:", ...) is boilerplate."""
    page.labels = ["boilerplate" if lab == "content" and starts_with_teaser_cue(line) else lab
                   for line, lab in zip(page.lines, page.labels)]
    return page


def training_pages(corpora: Path, labelled: Path | None, jobs: int = 1,
                   names: tuple[str, ...] = LICENSED_CORPORA, langs: set[str] | None = None) -> list:
    """The training side of the corpora ``names`` (pages in ``langs`` only, if given), labelled and filtered
    as the recipe trains on them."""
    pages = []
    for corpus in names:
        if labelled is not None and (labelled / f"{corpus}.jsonl.gz").exists():
            source = read_jsonl_pages(labelled / f"{corpus}.jsonl.gz")
        else:
            # as_shipped: rendered and aligned as the shipped model's pages were, since the recipe must rebuild
            # the shipped file. Aligned without folding (0.12.3 and before): folding invisible characters and
            # accents changes 6 lines of 2 pages of the w3m renders; refitted with folding, the model moved as a
            # new seed does and scored lower (data/EXPERIMENTS.md, "twenty-seventh round"). lynx reading a page's
            # declared charset (0.19.4 and before): 129 lynx renders change, "thirty-seventh round". inscriptis
            # reading nothing after </html> (0.19.6 and before): 5 inscriptis renders change.
            source = (page for page, _ in import_corpus(corpora / f"{corpus}.jsonl.gz",
                                                        [MAIN_RENDERER, *SECOND_RENDERERS], jobs,
                                                        lambda record, r: wanted_render(record, r, langs),
                                                        as_shipped=True))
        kept, unrendered = [], 0
        for p in source:
            unrendered += "render_error" in p.meta  # no lines: its oracle score leaves it out
            if keep_for_training(p, langs):
                p.meta.setdefault("corpus", corpus)
                kept.append(with_convention(p))
        failed = f" ({unrendered} renders failed: another run may differ)" if unrendered else ""
        print(f"{corpus}: {len(kept)} training pages{failed}", flush=True)
        pages += kept
    return pages


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=corpora_argument, default=None, help=f"[default: {CORPORA_DEFAULT}]")
    parser.add_argument("--labelled", type=Path, default=None, help="reuse imported pages from this directory")
    parser.add_argument("--out", type=Path, default=Path("model/default.model"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--trees", type=int, default=MODEL_PARAMS["n_estimators"])
    parser.add_argument("--unspaced-copies", action="store_true",
                        help="also train on unspaced copies of the Chinese w3m renders (not in the shipped model)")
    args = parser.parse_args(argv)
    if args.labelled is None or not all((args.labelled / f"{c}.jsonl.gz").exists() for c in LICENSED_CORPORA):
        args.corpora = default_corpora(parser, args.corpora)  # read for the corpora --labelled does not hold
    if not os.access(args.out.parent, os.W_OK):  # said now, not after the fit
        parser.error(f"argument --out: {args.out.parent}: no such directory, or not writable")
    name, _ = NUMPY_SIMD
    if os.environ.get(name) is None:  # called from Python, whose numpy has chosen its loops
        print(f"note: {name} is not set: on a machine with AVX-512 this builds another file than the shipped one",
              file=sys.stderr, flush=True)
    start = time.perf_counter()
    pages = training_pages(args.corpora, args.labelled, args.jobs)
    if args.unspaced_copies:
        copies = unspaced_copies(pages)
        print(f"unspaced copies: {len(copies)} (of the Chinese {UNSPACED_SOURCE_RENDERER} renders)", flush=True)
        pages += copies
    params = dict(MODEL_PARAMS, n_estimators=args.trees)
    print(f"fitting on {len(pages)} pages, {sum(len(p.lines) for p in pages)} lines, {params}", flush=True)
    # sites from urls only: inferring them for the 485 training renders without one was not better on wcxb
    # (data/EXPERIMENTS.md, sixth round), and the shipped model stays as rebuilt since 0.2.0
    model = fit_pages(pages, headline_pages=[p.meta.get("corpus") not in HEADLINE_LEFT_OUT for p in pages],
                      **params)
    summary = training_summary(pages)
    summary["seconds"] = round(time.perf_counter() - start)
    if args.labelled is None:  # rendered here (pages from --labelled were rendered wherever they were imported)
        summary["renderer_versions"] = renderer_versions([MAIN_RENDERER, *SECOND_RENDERERS])
    summary["recipe"] = "python -m linesift.training.recipe --corpora ../shared/corpora --out model/default.model"
    summary["numpy_disabled_cpu_features"] = os.environ.get(NUMPY_SIMD[0])
    save_model(model, args.out, summary)
    print(f"wrote {args.out}: cross-validated {model.oof_scores_} in {summary['seconds']} s")


if __name__ == "__main__":
    if os.environ.get(NUMPY_SIMD[0]) is None:  # numpy is imported already: start again with the variable set
        os.execve(sys.executable, sys.orig_argv, {**os.environ, NUMPY_SIMD[0]: NUMPY_SIMD[1]})
    main()
