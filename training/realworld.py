"""Snippet scores on trafilatura's real-world test pages (mostly German news and blogs), side by side.

    pip download --no-deps --no-binary :all: trafilatura==1.0.0 -d /tmp/sdist
    python -m linesift.training.realworld /tmp/sdist/trafilatura-1.0.0.tar.gz

trafilatura 1.0.0's source distribution (on PyPI) holds 110 saved HTML pages (``tests/cache``) and, in
``tests/realworld_tests.py``, assertions about 83 of them: text its extraction must hold ("with") and
must not ("without"), such as ``'Impressum' not in result``. This reads both from the tarball (nothing is
copied into the repository), scrapes each page with each of ``--renderers`` (w3m and lynx, as the benchmark
does), runs linesift page by page on each scrape and the HTML extractors on the HTML, and counts the snippets
as the tests' ``in`` does: case-sensitive; texts and snippets are read in Unicode's composed form (NFC: w3m
composes the decomposed umlauts some pages have, lynx does not), runs of whitespace as one space, and a
snippet's own leading and trailing spaces left out. A snippet found in the kept text is a true positive
("with") or a false positive ("without"); a "with" snippet not found is a false negative (so is every "with"
snippet of a page a renderer fails on: its scrape is empty). Precision, recall and F1 are pooled over all
snippets, and given for the German pages apart (``is_german``).

The parser reads what 1.0.0's file holds: ``MOCK_PAGES`` as a literal dict, ``load_mock_page`` called with a
literal url, asserts at the top of the test functions or in the bodies of ``if``, ``for`` and ``with`` blocks.

Two caveats: the snippets were written against trafilatura's own output, so its score here is not
comparable with the others'; and several "with" snippets are reader comments, which LABELING.md counts as
boilerplate (linesift drops them by design). The last column leaves out of the count the "with" snippets that
stand in reader comments (``comment_snippets``: in an element whose class or id says comment).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import tarfile
import unicodedata
from pathlib import Path
from typing import NamedTuple

from linesift.inputs import as_declared
from linesift.lines import decode, split_lines
from linesift.modelfile import load_model
from linesift.output import atomic_write_text
from linesift.predict import predict_pages
from linesift.render import html_tree
from linesift.training.benchmark import kept
from linesift.training.extractors import available_extractors
from linesift.training.metrics import prf as counts_prf
from linesift.training.renderers import render
from linesift.training.scoring import snippet_counts as normalised_snippet_counts

TESTS_FILE = "tests/realworld_tests.py"
PAGES_DIR = "tests/cache/"
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
GERMAN_WORDS = frozenset("der die und das ist nicht mit auf für sich dem den ein eine auch".split())
ENGLISH_WORDS = frozenset("the and is not with on for of to in a an it that".split())


class Snippets(NamedTuple):
    with_: list[str]
    without: list[str]


class Counts(NamedTuple):
    tp: int
    fp: int
    fn: int


def parse_snippets(source: str) -> dict[str, Snippets]:
    """The snippets of each page file in a ``realworld_tests.py``: ``MOCK_PAGES`` maps urls to files, each
    ``result = load_mock_page(url, ...)`` starts a page, and each ``'text' in result`` ("with") or ``'text'
    not in result`` ("without") in the asserts after it (also inside ``if`` blocks) is one of its snippets.
    Snippets holding ``<`` (XML output) are left out."""
    tree = ast.parse(source)
    mock = next(ast.literal_eval(node.value) for node in tree.body
                if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "MOCK_PAGES")
    found: dict[str, tuple[set, set]] = {}

    def walk(statements, page):
        for st in statements:
            if (isinstance(st, ast.Assign) and isinstance(st.value, ast.Call)
                    and getattr(st.value.func, "id", "") == "load_mock_page"):
                page = mock[st.value.args[0].value]
                found.setdefault(page, (set(), set()))
            elif isinstance(st, ast.Assert) and page is not None:
                for node in ast.walk(st.test):
                    if (isinstance(node, ast.Compare) and len(node.ops) == 1
                            and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
                            and getattr(node.comparators[0], "id", "") == "result"
                            and "<" not in node.left.value and node.left.value.strip()):
                        found[page][0 if isinstance(node.ops[0], ast.In) else 1].add(node.left.value)
            elif isinstance(st, (ast.If, ast.For, ast.With)):
                page = walk(st.body, page)
        return page

    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            walk(node.body, None)
    return {page: Snippets(sorted(w), sorted(wo)) for page, (w, wo) in sorted(found.items()) if w or wo}


def decode_html(data: bytes) -> str:
    """A page's HTML as ``linesift predict`` reads an .html file: UTF-8, else its declared charset, else the
    legacy charset that reads it best (``lines.legacy_charset``)."""
    return as_declared(data, *decode(data))[0]


def read_sdist(path: Path) -> tuple[dict[str, Snippets], dict[str, str]]:
    """The snippets and the HTML of each page that has snippets, from a trafilatura source tarball."""
    try:
        tar = tarfile.open(path)
    except OSError as err:
        raise SystemExit(f"Error: {path}: {err.strerror or err}") from None
    except tarfile.TarError:
        raise SystemExit(f"Error: {path}: not a tar archive (trafilatura-1.0.0.tar.gz is one)") from None
    with tar:
        members = {m.name.split("/", 1)[1]: m for m in tar.getmembers() if "/" in m.name and m.isfile()}
        if TESTS_FILE not in members:
            raise SystemExit(f"Error: {path}: no {TESTS_FILE} (trafilatura 1.0.0's source tarball has it)")
        snippets = parse_snippets(tar.extractfile(members[TESTS_FILE]).read().decode("utf-8"))
        html = {name: decode_html(tar.extractfile(members[PAGES_DIR + name]).read())
                for name in snippets if PAGES_DIR + name in members}
    return {name: s for name, s in snippets.items() if name in html}, html


def _case_sensitive(text: str) -> str:
    """``text`` as the tests' ``in`` reads it, in composed form (NFC), runs of whitespace as one space, without
    leading and trailing spaces."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def snippet_counts(text: str, snippets: Snippets) -> Counts:
    """Snippets found in ``text`` as the tests' ``in`` finds them (case-sensitive, ``_case_sensitive``)."""
    return Counts(*normalised_snippet_counts(text, snippets.with_, snippets.without, norm=_case_sensitive))


def prf(counts: list[Counts]) -> dict:
    """Precision, recall and F1 of the pooled counts (``metrics.prf``), rounded."""
    tp, fp, fn = (sum(c[i] for c in counts) for i in range(3))
    return dict(zip(("precision", "recall", "f1"), (round(x, 3) for x in counts_prf(tp, tp + fp, tp + fn))))


_COMMENT_BOX = re.compile(r"comment|disqus|respond", re.I)  # a class or id of a comment section (WordPress: respond)


def comment_snippets(html: str, snippets: list[str]) -> list[bool]:
    """Whether each snippet stands inside reader comments on the page ``html``: in the text of an element whose
    class or id says so (``_COMMENT_BOX``: "comment-content", "comments", "disqus_thread") and nowhere else
    in the page. LABELING.md calls reader comments below an article boilerplate; trafilatura keeps them, and
    some of its tests' "with" snippets are comments."""
    from lxml.etree import ParserError

    try:
        doc = html_tree(html)  # as linesift's HTML input is parsed
    except (ParserError, ValueError):
        return [False] * len(snippets)
    boxes = [el for el in doc.iter() if isinstance(el.tag, str)
             and _COMMENT_BOX.search(f"{el.get('class') or ''} {el.get('id') or ''}")]
    within = set(boxes)
    outermost = [el for el in boxes if not any(a in within for a in el.iterancestors())]
    inside = _case_sensitive("\n".join(el.text_content() for el in outermost))
    for el in outermost:
        el.drop_tree()
    outside = _case_sensitive(doc.text_content())
    return [s in inside and s not in outside for s in map(_case_sensitive, snippets)]


def is_german(text: str) -> bool:
    """Whether a scrape has more of a few German function words than of a few English ones."""
    words = [w.lower() for w in _WORD.findall(text)]
    return sum(w in GERMAN_WORDS for w in words) > sum(w in ENGLISH_WORDS for w in words)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sdist", type=Path, help="trafilatura-1.0.0.tar.gz")
    parser.add_argument("--model", default=None, help="model file [default: the shipped model]")
    parser.add_argument("--renderers", default="w3m,lynx", help="scrapes for linesift, comma-separated")
    parser.add_argument("--no-extractors", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="also write the results here as JSON")
    args = parser.parse_args(argv)
    snippets, html = read_sdist(args.sdist)
    names = sorted(snippets)
    model = load_model(args.model)
    scrapes = {r: [render(html[n], r) for n in names] for r in args.renderers.split(",")}
    german = [is_german(text) for text in scrapes[next(iter(scrapes))]]
    texts = {}
    for renderer, pages in scrapes.items():
        preds = predict_pages([split_lines(p) for p in pages], model)
        texts[f"linesift ({renderer})"] = [kept(p.lines, p.labels) for p in preds]
    texts["keep-everything"] = next(iter(scrapes.values()))
    if not args.no_extractors:
        for name, extract in available_extractors().items():
            texts[name] = [extract(html[n]) or "" for n in names]
    results = {}
    in_comments = {n: comment_snippets(html[n], snippets[n].with_) for n in names}
    uncommented = {n: Snippets([s for s, c in zip(snippets[n].with_, in_comments[n]) if not c], snippets[n].without)
                   for n in names}
    print(f"{len(names)} pages ({sum(german)} German), "
          f"{sum(len(s.with_) for s in snippets.values())} with and "
          f"{sum(len(s.without) for s in snippets.values())} without snippets; "
          f"{sum(map(sum, in_comments.values()))} with snippets stand in reader comments\n")
    print("| system | precision | recall | F1 | F1, German pages | F1, other pages | F1, comments left out |\n"
          "|---|---|---|---|---|---|---|")
    for system, outs in texts.items():
        counts = [snippet_counts(t, snippets[n]) for n, t in zip(names, outs)]
        row = {"all": prf(counts), "german": prf([c for c, g in zip(counts, german) if g]),
               "other": prf([c for c, g in zip(counts, german) if not g]),
               "comments_left_out": prf([snippet_counts(t, uncommented[n]) for n, t in zip(names, outs)])}
        results[system] = row
        print(f"| {system} | {row['all']['precision']:.3f} | {row['all']['recall']:.3f} | {row['all']['f1']:.3f}"
              f" | {row['german']['f1']:.3f} | {row['other']['f1']:.3f} | {row['comments_left_out']['f1']:.3f} |")
    if args.out:
        atomic_write_text(args.out, json.dumps({"pages": len(names), "german_pages": sum(german), "results": results},
                                       indent=1) + "\n")


if __name__ == "__main__":
    main()
