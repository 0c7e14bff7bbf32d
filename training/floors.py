"""Quality floors: the shipped model's scores on the held-out pages, pinned so that no change lowers them unseen.

    python -m linesift.training.floors --corpora ../shared/corpora            # check: exit 1 below a floor
    python -m linesift.training.floors --corpora ../shared/corpora --write    # raise the floors to today's scores

Each floor is a score of the model on the site-disjoint held-out pages (``split.is_held_out``) as
``benchmark.py`` scores them: the word F1 of the kept text against the gold, mean over the pages of each
corpus (and of wcxb's article and other pages), for the page's HTML as ``linesift predict page.html`` reads it
(inscriptis, part of the package) and for its w3m scrape where w3m is installed; and the line F1 of the
Common Crawl lines (pooled, and mean over the documents). A score passes while it is at least its floor less
``FLOOR_MARGIN`` (a renderer's or a library's new release may move a page or two). ``--write`` raises floors
to the scores and keeps the others; a floor comes down only with ``--lower``, so lowering one is a decision
seen in the diff of ``data/floors.json``, never a side effect. The suite checks the floors where the corpora
are beside the checkout (``tests/test_floors.py``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

FLOOR_MARGIN = 0.005
FLOORS_PATH = Path(__file__).resolve().parents[1] / "data" / "floors.json"
FLOOR_RENDERERS = ("inscriptis", "w3m")  # the HTML path of `linesift predict`, and the scrape the issue checks
DECIMALS = 3


def html_scores(corpora_dir: Path, model, renderer: str) -> dict[str, float]:
    """Mean word F1 of the kept text per corpus (and ``wcxb-dev:article`` / ``wcxb-dev:other``) over the
    held-out pages rendered with ``renderer``."""
    from linesift.predict import predict_pages
    from linesift.training.benchmark import timed_batches, held_out_pages, kept
    from linesift.training.scoring import text_scores

    pages = held_out_pages(corpora_dir, renderer=renderer)
    preds, _ = timed_batches(lambda batch: predict_pages(batch, model), [p.scrape for p in pages])
    groups: dict[str, list[float]] = defaultdict(list)
    for page, pred in zip(pages, preds):
        f1 = text_scores(kept(pred.lines, pred.labels), page.gold)["word_f1"]
        corpus = page.meta.get("corpus") or "unknown"
        groups[corpus].append(f1)
        if corpus == "wcxb-dev":
            groups[corpus + (":article" if page.meta.get("page_type") == "article" else ":other")].append(f1)
    return {group: float(np.mean(values)) for group, values in sorted(groups.items())}


def line_floor_scores(corpora_dir: Path, model) -> dict[str, float]:
    """Line F1 of the held-out Common Crawl lines: pooled over the lines, and mean over the documents."""
    from linesift.training.benchmark import held_out_line_pages, line_scores

    pages = held_out_line_pages(corpora_dir)
    if not pages:
        return {}
    scores = line_scores(pages, model)["linesift (text)"]
    return {"line_f1": scores["line_f1"], "line_f1_per_page": scores["line_f1_per_page"]}


def measure(corpora_dir: Path, model, renderers: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """{section: {group: score}}: one section per renderer, and ``lines`` for the Common Crawl lines."""
    out = {renderer: html_scores(corpora_dir, model, renderer) for renderer in renderers}
    lines = line_floor_scores(corpora_dir, model)
    if lines:
        out["lines"] = lines
    return out


def shortfalls(scores: dict, floors: dict, margin: float = FLOOR_MARGIN) -> list[str]:
    """One line per score below its floor less ``margin``, and per floor that was not measured, of the sections
    measured."""
    out = []
    for section, section_floors in sorted(floors.items()):
        if section not in scores:
            continue  # not measured here (w3m not installed)
        for group, floor in sorted(section_floors.items()):
            score = scores[section].get(group)
            if score is None:
                out.append(f"{section} {group}: not measured (floor {floor:.3f})")
            elif score < floor - margin:
                out.append(f"{section} {group}: {score:.4f} is below its floor {floor:.3f} less {margin}")
    return out


def raised(floors: dict, scores: dict, lower: bool = False) -> tuple[dict, list[str]]:
    """The floors with each score, rounded down to ``DECIMALS``, as its floor where that raises it (or, with
    ``lower``, wherever it differs), and the floors a score would have lowered but did not."""
    out = {section: dict(groups) for section, groups in floors.items()}
    kept_higher = []
    scale = 10 ** DECIMALS
    for section, groups in scores.items():
        for group, score in groups.items():
            new = math.floor(score * scale + 1e-9) / scale
            old = out.setdefault(section, {}).get(group)
            if old is None or new > old or lower:
                out[section][group] = new
            elif new < old:
                kept_higher.append(f"{section} {group}: {score:.4f} would lower its floor {old:.3f} (kept; --lower)")
    return {section: dict(sorted(groups.items())) for section, groups in sorted(out.items())}, kept_higher


def read_floors(path: Path) -> dict:
    """The floors of ``path`` ({section: {group: floor}}), or {} where the file does not exist."""
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))["floors"]


def write_floors(path: Path, floors: dict, model_sha256: str) -> None:
    from linesift.output import atomic_write_text

    doc = {"about": "quality floors of the shipped model on the held-out pages: python -m linesift.training.floors",
           "margin": FLOOR_MARGIN, "model_sha256": model_sha256, "floors": floors}
    atomic_write_text(path, json.dumps(doc, indent=1) + "\n")


def report(scores: dict, floors: dict) -> str:
    rows = ["section\tgroup\tscore\tfloor"]
    for section, groups in scores.items():
        for group, score in groups.items():
            floor = floors.get(section, {}).get(group)
            rows.append(f"{section}\t{group}\t{score:.4f}\t{'-' if floor is None else f'{floor:.3f}'}")
    return "\n".join(rows)


def main(argv=None) -> int:
    from linesift.training.renderers import available_renderers
    from linesift.training.split import CORPORA_DEFAULT, corpora_argument

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=corpora_argument, default=CORPORA_DEFAULT)
    parser.add_argument("--floors", type=Path, default=FLOORS_PATH, help="the floors file [default: data/floors.json]")
    parser.add_argument("--write", action="store_true", help="raise the floors to today's scores (never lowers one)")
    parser.add_argument("--lower", action="store_true", help="with --write: set every floor to today's score")
    args = parser.parse_args(argv)
    if args.lower and not args.write:
        parser.error("--lower goes with --write")

    from linesift.modelfile import default_model_path, load_model, read_sidecar

    model = load_model(None)
    model.load_estimators()
    renderers = tuple(r for r in FLOOR_RENDERERS if r in available_renderers())
    scores = measure(args.corpora, model, renderers)
    floors = read_floors(args.floors)
    print(report(scores, floors))
    if args.write:
        new, kept_higher = raised(floors, scores, lower=args.lower)
        write_floors(args.floors, new, read_sidecar(default_model_path())["sha256"])
        for line in kept_higher:
            print(f"floors: {line}", file=sys.stderr)
        print(f"floors: wrote {args.floors}", file=sys.stderr)
        return 0
    missing = shortfalls(scores, floors)
    for line in missing:
        print(f"floors: {line}", file=sys.stderr)
    skipped = [r for r in FLOOR_RENDERERS if r not in renderers]
    if skipped:
        print(f"floors: not checked here: {', '.join(skipped)} (not installed)", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
