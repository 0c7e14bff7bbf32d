"""Other extractors run side by side in the benchmark (optional: ``pip install .[bench]``).

Each entry maps a name to a function ``html -> text``; systems whose package is missing are skipped.
"""

from __future__ import annotations

from collections.abc import Callable


def _trafilatura() -> Callable[[str], str]:
    import trafilatura

    return lambda html: trafilatura.extract(html, include_comments=False) or ""


def _resiliparse() -> Callable[[str], str]:
    from resiliparse.extract.html2text import extract_plain_text

    return lambda html: extract_plain_text(html, main_content=True)


def _readability() -> Callable[[str], str]:
    import lxml.html
    from readability import Document

    def run(html: str) -> str:
        summary = Document(html).summary(html_partial=True)
        return lxml.html.fromstring(summary).text_content() if summary.strip() else ""

    return run


def _justext() -> Callable[[str], str]:
    import justext

    stop = justext.get_stoplist("English")
    return lambda html: "\n".join(p.text for p in justext.justext(html, stop) if not p.is_boilerplate)


def _boilerpy3() -> Callable[[str], str]:
    import logging

    from boilerpy3 import extractors

    logging.getLogger("boilerpy3").setLevel(logging.CRITICAL)  # it logs a traceback per page it cannot parse
    ext = extractors.ArticleExtractor(raise_on_failure=False)
    return lambda html: ext.get_content(html) or ""


FACTORIES = {
    "trafilatura": _trafilatura,
    "resiliparse": _resiliparse,
    "readability-lxml": _readability,
    "justext": _justext,
    "boilerpy3": _boilerpy3,
}


def available_extractors() -> dict[str, Callable[[str], str]]:
    """The extractors importable here, each wrapped so a failure on one page gives an empty text."""
    out = {}
    for name, factory in FACTORIES.items():
        try:
            fn = factory()
        except ImportError:
            continue

        def safe(html: str, fn=fn) -> str:
            try:
                return fn(html)
            except Exception:
                return ""

        out[name] = safe
    return out
