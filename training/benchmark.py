"""Benchmark: quality and speed of linesift side by side with other extractors, on held-out pages.

    python -m linesift.training.benchmark --corpora ../shared/corpora --out data/benchmarks

Pages come from the site-disjoint held-out split (``split.is_held_out``) of every corpus. linesift runs on
the page's w3m scrape (text) and on its HTML (rendered by inscriptis); keep-everything and C4's line rules
on the scrape; the HTML extractors (``extractors.py``) on the HTML. Quality is scored against the gold
main text; speed is the in-process time per page of each system on the same pages.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from linesift.lines import split_lines
from linesift.predict import predict_corpus, predict_pages
from linesift.render import html_to_text
from linesift.settings import BATCH_PAGES_DEFAULT
from linesift.training.baselines import c4_rules, keep_everything
from linesift.training.extractors import available_extractors
from linesift.training.importer import read_records, record_meta
from linesift.training.labelled import LabelledPage, page_from_record
from linesift.training.metrics import line_prf, prf
from linesift.training.renderers import RENDERERS, render, unavailable
from linesift.training.scoring import bootstrap_ci, snippet_prf, synthetic_snippets, text_scores
from linesift.training.split import CORPORA_DEFAULT, corpora_argument, is_held_out, page_site

HTML_CORPORA = ("wcxb-dev", "cleaneval", "cleanportaleval", "dragnet-training", "readability", "chinese-wce", "daniel")
LINE_CORPORA = ("turku-train",)


@dataclass
class BenchPage:
    meta: dict
    html: str
    gold: str
    with_: list = field(default_factory=list)
    without: list = field(default_factory=list)
    scrape: list = field(default_factory=list)


def held_out_pages(corpora_dir: Path, corpora=HTML_CORPORA, limit: int | None = None, renderer: str = "w3m",
                   langs: set[str] | None = None):
    """Held-out HTML pages of each corpus with their scrape (rendered with ``renderer``); only pages in
    ``langs`` if given."""
    pages = []
    for corpus in corpora:
        path = corpora_dir / f"{corpus}.jsonl.gz"
        if not path.exists():
            continue
        n = 0
        for record in read_records(path):
            meta = record_meta(record)
            if not is_held_out(page_site(meta)) or (langs is not None and meta.get("lang") not in langs):
                continue
            pages.append(BenchPage(meta, record.get("html") or "", record.get("main_content") or "",
                                   record.get("with") or [], record.get("without") or [],
                                   split_lines(render(record.get("html") or "", renderer))))
            n += 1
            if limit and n >= limit:
                break
    return pages


def held_out_line_pages(corpora_dir: Path, corpora=LINE_CORPORA, limit: int | None = None) -> list[LabelledPage]:
    pages = []
    for corpus in corpora:
        path = corpora_dir / f"{corpus}.jsonl.gz"
        if not path.exists():
            continue
        for record in read_records(path):
            page = page_from_record(record, record.get("id", "?"))
            page.meta.update(record_meta(record))
            if is_held_out(page.site):
                pages.append(page)
        if limit:
            pages = pages[:limit]
    return pages


def kept(lines: list[str], labels: list[str]) -> str:
    return "\n".join(line for line, lab in zip(lines, labels) if lab == "content")


def timed_batches(fn, items):
    """Apply ``fn`` to batches of ``items``; return (results, seconds)."""
    out, start = [], time.perf_counter()
    for i in range(0, len(items), BATCH_PAGES_DEFAULT):
        out += fn(items[i:i + BATCH_PAGES_DEFAULT])
    return out, time.perf_counter() - start


def run_systems(pages: list[BenchPage], model, extractors: dict, **options) -> tuple[dict, dict]:
    """Extracted text per system per page, and seconds per system for all pages; ``options`` (``threshold``,
    ``cut``) are linesift's, as ``predict_pages`` takes them."""
    texts, seconds = {}, {}
    scrapes = [p.scrape for p in pages]
    preds, seconds["linesift (text)"] = timed_batches(lambda b: predict_pages(b, model, **options), scrapes)
    texts["linesift (text)"] = [kept(p.lines, p.labels) for p in preds]
    if getattr(model, "use_sites_", False):
        # corpus mode, as `linesift predict` runs over a JSONL corpus with urls: pages of the same site (url
        # host, or daniel's site) scored with cross-page counts, sites inferred from shared template lines
        # for pages without one; directory mode, as over a directory of scrapes: every site inferred
        known = [LabelledPage([], [], p.meta).known_site for p in pages]
        for name, given in (("linesift (text, site)", known), ("linesift (text, dir)", None)):
            start = time.perf_counter()  # the first pass is part of the mode's cost
            preds = predict_corpus(scrapes, model, sites=given, **options)
            seconds[name] = time.perf_counter() - start
            texts[name] = [kept(p.lines, p.labels) for p in preds]

    def html_batch(batch):
        return predict_pages([split_lines(html_to_text(p.html)) for p in batch], model, **options)

    preds, seconds["linesift (html)"] = timed_batches(html_batch, pages)
    texts["linesift (html)"] = [kept(p.lines, p.labels) for p in preds]
    for name, rule in (("keep-everything", keep_everything), ("C4 rules", c4_rules)):
        start = time.perf_counter()
        texts[name] = [kept(s, rule(s)) for s in scrapes]
        seconds[name] = time.perf_counter() - start
    for name, fn in extractors.items():
        start = time.perf_counter()
        texts[name] = [fn(p.html) for p in pages]
        seconds[name] = time.perf_counter() - start
    return texts, seconds


def quality_rows(pages: list[BenchPage], texts: dict) -> list[dict]:
    """Each system's scores on each page; ``synthetic_snippet_f1`` with snippets drawn from the page's HTML
    and gold (``synthetic_snippets``) on every page, those of corpora without snippets included."""
    synthetic = [synthetic_snippets(page.html, page.gold, page.meta.get("id", "")) for page in pages]
    rows = []
    for system, outs in texts.items():
        for page, text, (with_, without) in zip(pages, outs, synthetic):
            row = {"system": system, "corpus": page.meta.get("corpus"), "lang": page.meta.get("lang") or "unknown",
                   "page_type": page.meta.get("page_type") or "unknown"}
            row.update(text_scores(text, page.gold, page.with_, page.without))
            if with_ or without:
                row["synthetic_snippet_f1"] = snippet_prf(text, with_, without)[2]
            rows.append(row)
    return rows


def summarise(rows: list[dict], by: str, metric: str = "word_f1", seed: int = 0) -> dict:
    """{group: {system: (mean, lo, hi, n)}} for pages having ``metric``."""
    groups: dict = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if metric in row:
            groups[row[by]][row["system"]].append(row[metric])
    out = {}
    for group, systems in sorted(groups.items()):
        out[group] = {}
        for system, values in systems.items():
            lo, hi = bootstrap_ci(values, seed)
            out[group][system] = (float(np.mean(values)), lo, hi, len(values))
    return out


def line_scores(pages: list[LabelledPage], model, **options) -> dict:
    """Line-level P/R/F1 on line-labelled pages for linesift (``options`` as ``predict_pages`` takes them),
    keep-everything and C4 rules: pooled over every labelled line of the pages (micro), and the line F1 of
    each page averaged over the pages (``line_f1_per_page``; a page without a content line in its gold
    scores 1.0 where nothing is kept, else 0) and over the pages with a content line
    (``line_f1_per_page_with_content``)."""
    preds = predict_pages([p.lines for p in pages], model, **options)
    systems = {"linesift (text)": [p.labels for p in preds],
               "keep-everything": [keep_everything(p.lines) for p in pages],
               "C4 rules": [c4_rules(p.lines) for p in pages]}
    out = {}
    for name, labels in systems.items():
        tp = n_pred = n_true = 0
        per_page, with_content = [], []
        for page, lab in zip(pages, labels):
            a, b, c = line_prf(lab, page.labels)
            tp, n_pred, n_true = tp + a, n_pred + b, n_true + c
            per_page.append(prf(a, b, c)[2])
            if c:
                with_content.append(per_page[-1])
        out[name] = dict(zip(("line_p", "line_r", "line_f1"), prf(tp, n_pred, n_true)))
        out[name]["line_f1_per_page"] = float(np.mean(per_page)) if per_page else None
        out[name]["line_f1_per_page_with_content"] = float(np.mean(with_content)) if with_content else None
        out[name]["pages"], out[name]["pages_with_content"] = len(per_page), len(with_content)
    return out


def markdown_table(summary: dict, systems: list[str], title: str) -> str:
    head = f"| {title} | " + " | ".join(systems) + " |\n|---|" + "---|" * len(systems) + "\n"
    body = ""
    for group, vals in summary.items():
        n = max(v[3] for v in vals.values())
        cells = [f"{vals[s][0]:.3f} [{vals[s][1]:.3f}, {vals[s][2]:.3f}]" if s in vals else "" for s in systems]
        body += f"| {group} (n={n}) | " + " | ".join(cells) + " |\n"
    return head + body


def plot_quality(summary: dict, systems: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(summary)
    width = 0.8 / len(systems)
    fig, ax = plt.subplots(figsize=(max(8, 1.6 * len(groups)), 4.5))
    for i, s in enumerate(systems):
        means = [summary[g].get(s, (np.nan,) * 4)[0] for g in groups]
        err = np.array([[summary[g][s][0] - summary[g][s][1], summary[g][s][2] - summary[g][s][0]]
                        if s in summary[g] else [0, 0] for g in groups]).T
        ax.bar(np.arange(len(groups)) + i * width, means, width, yerr=err, label=s, capsize=2)
    ax.set_xticks(np.arange(len(groups)) + 0.4 - width / 2)
    ax.set_xticklabels(groups, rotation=20)
    ax.set_ylabel("word F1 (mean over pages, 95% CI)")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, ncol=4, loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def speed_by_length(pages: list[BenchPage], model, repeats: int = 3) -> list[tuple[int, float]]:
    """(lines, ms) of linesift per single page on the scrape, best of ``repeats``."""
    out = []
    for p in pages:
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            predict_pages([p.scrape], model)
            best = min(best, time.perf_counter() - start)
        out.append((len(p.scrape), best * 1000))
    return out


def plot_speed(points: list[tuple[int, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x, y = np.array(points).T
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter(x, y, s=6, alpha=0.5)
    slope, intercept = np.polyfit(x, y, 1)
    xs = np.linspace(0, x.max(), 50)
    ax.plot(xs, slope * xs + intercept, color="C1", label=f"{slope * 1000:.1f} ms per 1000 lines + {intercept:.2f} ms")
    ax.set_xlabel("lines in the page")
    ax.set_ylabel("ms per page (one page per call)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=corpora_argument, default=CORPORA_DEFAULT)
    parser.add_argument("--out", type=Path, default=Path("data/benchmarks"))
    parser.add_argument("--model", type=Path, default=None, help="model file [default: the shipped model]")
    parser.add_argument("--limit", type=int, default=None, help="at most this many held-out pages per corpus")
    parser.add_argument("--no-extractors", action="store_true", help="skip the HTML extractors")
    parser.add_argument("--renderer", default="w3m", choices=sorted(RENDERERS),
                        help="renderer of the scrape linesift reads (renderers.py) [default: w3m]")
    parser.add_argument("--members", type=int, default=None,
                        help="score with the model's first N members only, as `linesift predict --members N`")
    parser.add_argument("--threshold", type=float, default=None,
                        help="label linesift's lines at this threshold, as `linesift predict --threshold`")
    parser.add_argument("--no-tail-cut", action="store_true", help="as `linesift predict --no-tail-cut`")
    args = parser.parse_args(argv)
    if args.members is not None and args.members < 1:
        parser.error(f"--members must be at least 1, not {args.members}")
    if args.threshold is not None and not 0 <= args.threshold <= 1:
        parser.error(f"--threshold must be between 0 and 1, not {args.threshold}")
    if error := unavailable([args.renderer]):
        parser.error(error)

    from linesift.modelfile import ModelFileError, load_model

    try:
        model = load_model(args.model)
    except ModelFileError as err:
        parser.error(f"argument --model: {err}")
    model.load_estimators()  # a long run's speed from the first page: scikit-learn's walk (model/trees.py)
    if args.members is not None:
        model = model.first_members(args.members)
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    pages = held_out_pages(args.corpora, limit=args.limit, renderer=args.renderer)
    line_pages = held_out_line_pages(args.corpora)
    print(f"{len(pages)} held-out HTML pages, {len(line_pages)} line-labelled pages "
          f"(prepared in {time.perf_counter() - t0:.0f} s)", flush=True)
    extractors = {} if args.no_extractors else available_extractors()
    options = {"threshold": args.threshold, "cut": not args.no_tail_cut}
    texts, seconds = run_systems(pages, model, extractors, **options)
    rows = quality_rows(pages, texts)
    systems = list(texts)
    n_lines = sum(len(p.scrape) for p in pages)
    speed = {s: {"ms_per_page": 1000 * sec / len(pages), "pages_per_s": len(pages) / sec,
                 "lines_per_s": n_lines / sec} for s, sec in seconds.items()}
    results = {
        "pages": len(pages),
        "renderer": args.renderer,
        "members": len(model.members_),  # the members linesift scored with (--members)
        "threshold": args.threshold,
        "tail_cut": not args.no_tail_cut,
        "by_corpus": summarise(rows, "corpus"),
        "by_page_type": summarise([r for r in rows if r["corpus"] == "wcxb-dev"], "page_type"),
        "by_lang": summarise(rows, "lang"),
        "shingle_by_corpus": summarise(rows, "corpus", "shingle_f1"),
        "snippet_by_corpus": summarise(rows, "corpus", "snippet_f1"),
        "synthetic_snippet_by_corpus": summarise(rows, "corpus", "synthetic_snippet_f1"),
        "synthetic_snippet_by_lang": summarise([r for r in rows if r["corpus"] == "daniel"], "lang",
                                               "synthetic_snippet_f1"),
        "turku_lines": line_scores(line_pages, model, **options) if line_pages else {},
        "speed": speed,
    }
    points = speed_by_length(pages[:: max(1, len(pages) // 300)], model)
    results["speed_vs_lines"] = {"slope_ms_per_1000_lines": float(np.polyfit(*np.array(points).T, 1)[0] * 1000)}
    (args.out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    shown = "".join(([f", --threshold {args.threshold}"] if args.threshold is not None else [])
                    + ([", --no-tail-cut"] if args.no_tail_cut else [])
                    + ([f", --members {args.members}"] if args.members is not None else []))
    title = (f"{len(pages)} held-out pages (site-disjoint split), linesift (text{shown}) on the {args.renderer} "
             "scrape, word F1 mean [95% CI]")
    md = ["# Benchmark results", "", title, ""]
    md.append(markdown_table(results["by_corpus"], systems, "corpus"))
    md.append(markdown_table(results["by_page_type"], systems, "wcxb page type"))
    md.append(markdown_table(results["by_lang"], systems, "language"))
    md += ["Shingle (4-gram) F1", "", markdown_table(results["shingle_by_corpus"], systems, "corpus")]
    md += ["Snippet F1 (with/without snippets)", "", markdown_table(results["snippet_by_corpus"], systems, "corpus")]
    md += ["Synthetic snippet F1 (`scoring.synthetic_snippets`: up to 4 gold sentences, up to 4 HTML text nodes "
           "not in the gold, per page)", "", markdown_table(results["synthetic_snippet_by_corpus"], systems, "corpus"),
           "Synthetic snippet F1, daniel (multilingual news) by language", "",
           markdown_table(results["synthetic_snippet_by_lang"], systems, "language")]
    if results["turku_lines"]:
        first = next(iter(results["turku_lines"].values()))
        md += ["Line-labelled Common Crawl text (turku), line P / R / F1 pooled over all lines; line F1 mean over "
               f"the {first['pages']} pages, and over the {first['pages_with_content']} with a content line", "",
               "| system | P | R | F1 | F1 per page | F1 per page with content |", "|---|---|---|---|---|---|"]
        md += [f"| {s} | {v['line_p']:.3f} | {v['line_r']:.3f} | {v['line_f1']:.3f} | {v['line_f1_per_page']:.3f} "
               f"| {v['line_f1_per_page_with_content']:.3f} |" for s, v in results["turku_lines"].items()]
        md.append("")
    md += ["Speed on the same pages (in-process, one core)", "", "| system | ms/page | pages/s | lines/s |", "|---|---|---|---|"]
    md += [f"| {s} | {v['ms_per_page']:.2f} | {v['pages_per_s']:.0f} | {v['lines_per_s']:.0f} |" for s, v in speed.items()]
    (args.out / "results.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))
    if importlib.util.find_spec("matplotlib") is None:
        print("note: no plots (matplotlib is in the bench extra: pip install '.[bench]')", file=sys.stderr)
    else:
        plot_quality(results["by_corpus"], systems, args.out / "quality_by_corpus.png")
        plot_speed(points, args.out / "time_vs_lines.png")


if __name__ == "__main__":
    main()
