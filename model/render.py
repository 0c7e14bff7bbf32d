"""HTML to text, the way linesift renders HTML input at prediction time.

inscriptis is used because it is a pure-Python, layout-aware renderer (tables, lists and block
structure become lines much like a text browser dump), well kept, Apache-2.0, and fast enough.
It is imported lazily so text-only runs never pay for it. Its default ("relaxed") profile is used as it is,
quirks and all (code in ``<pre><code>`` on one line, two spaces of indentation per nested ``<div>``): the
shipped model was trained on its renders, and renders closer to a browser's scored lower with it and with a
model rebuilt on them (data/EXPERIMENTS.md, "Thirty-sixth round").
"""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager

_XML_DECLARATION = re.compile(r"^<\?xml [^>]+?\?>")  # as inscriptis strips it
_DOCUMENT_OPENING = re.compile(r"\s*(<\?xml [^>]*\?>)?\s*")  # blanks and an XML declaration before the comments
# a document's opening (after an XML declaration and comments): a doctype, or a tag of its head or body
_HTML_START = re.compile(r"<!doctype\s+html|<(html|head|body|meta|title)[\s>/]", re.I)
_MARKUP = re.compile(r"</[a-z][a-z0-9:-]*\s*>|<br\s*/?>", re.I)  # an end tag, or a line break
HTML_SNIFF_CHARS = 1 << 20  # how far into a text markup is looked for (a page's head may hold 100 KB of style)


def looks_like_html(text: str) -> bool:
    """True when a text starts like an HTML document (an XML declaration and comments aside) and holds an end
    tag or a ``<br>`` in its first ``HTML_SNIFF_CHARS``: a scrape of a page about HTML may open with
    "<!DOCTYPE html> explained", and is text."""
    at = _DOCUMENT_OPENING.match(text, 0, 2048).end()
    while text.startswith("<!--", at):  # comments (a licence, a banner) of any length, within HTML_SNIFF_CHARS
        end = text.find("-->", at + 4, HTML_SNIFF_CHARS)
        if end < 0:
            return False
        at = end + 3
        while at < len(text) and text[at].isspace():
            at += 1
    return _HTML_START.match(text, at) is not None and _MARKUP.search(text, 0, HTML_SNIFF_CHARS) is not None


def html_to_text(html: str, after_end: bool = True) -> str:
    """Render an HTML document to plain text lines with inscriptis; where it gives no text at all, or libxml2
    read it only in part (it drops everything nested past 2,048 levels, the text after that too), the page's
    text between its tags (``_text_between_tags``): every word of it, on cruder lines. ``after_end``: what
    follows the page's ``</html>`` is rendered too, as browsers and w3m show it (libxml2 drops it; the shipped
    model's inscriptis renders were made without, ``training.renderers.render_inscriptis_as_shipped``)."""
    if not html.strip():
        return ""
    if after_end:
        html = _html_end_tags_dropped(html)
    text = _rendered(html)
    if text is None:  # read in part; the blank lines of thousands of nested block tags joined into one
        return _BLANK_RUN.sub("\n\n", _text_between_tags(html))
    return text if text.strip() else _text_between_tags(html)


_BLANK_RUN = re.compile(r"\n(?:[ \t]*\n)+")
_HTML_END = re.compile(r"</html\s*>", re.I)
_NOT_BLANK = re.compile(r"\S")


def _html_end_tags_dropped(html: str) -> str:
    """``html`` without its ``</html>`` end tags where anything but blanks follows the first: libxml2 reads
    nothing after one, where browsers put what follows in the body (a page's article, an appended second page)."""
    end = _HTML_END.search(html)
    if end is None or _NOT_BLANK.search(html, end.end()) is None:
        return html
    return _HTML_END.sub("", html)


def _rendered(html: str) -> str | None:
    """inscriptis's text of the page; None where libxml2 read it only in part (``_parsed``)."""
    from inscriptis import Inscriptis
    from inscriptis.model.config import ParserConfig

    with _deep_recursion(), _bounded_css_lengths():
        try:
            tree, whole = _parsed(html)
            if not whole:
                return None
            return Inscriptis(tree, ParserConfig(display_images=False, display_links=False)).get_text()
        except Exception:  # lxml rejects some documents (e.g. bare XML declarations with unicode)
            html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
            try:
                return Inscriptis(html_tree(html), ParserConfig()).get_text()
            except Exception:
                return ""


_HIDDEN_ELEMENTS = re.compile(r"<(script|style|template|head|title)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_BLOCK_TAG = re.compile(r"<(?:br|/?(?:p|div|li|h[1-6]|tr|td|th|table|ul|ol|dl|dt|dd|pre|blockquote|section|article|"
                        r"header|footer|nav|aside|main|form))\b[^>]*>", re.I)  # the <head>, <title> too, is left out
_TAG = re.compile(r"<[A-Za-z/!?][^>]*>")  # a "<" before a space or digit is text ("Price < 5 euros and > 2")


def _text_between_tags(html: str) -> str:
    """A last resort for a page no parser here reads: its text between tags, a line break at each block tag,
    entities decoded; scripts, styles and comments left out."""
    import html as entities

    text = _TAG.sub("", _BLOCK_TAG.sub("\n", _HIDDEN_ELEMENTS.sub("", html)))
    text = "\n".join(line.strip() for line in entities.unescape(text).split("\n"))
    return text if text.strip() else ""


# inscriptis's cap on a CSS length (margins as blank lines, padding as spaces), 100,000 em, let a 70 KB page
# of 1,000 paragraphs styled "margin-top: 9999999em" render to 100 million blank lines (68 s, 6.5 GB); no page
# of the corpora asks for more than 38 em but one held-out page (1,018: "margin-top: 8142px")
RENDER_MAX_EM = 64


@contextmanager
def _bounded_css_lengths():
    """inscriptis's cap on CSS lengths (``MAX_EM_LEN``) set to ``RENDER_MAX_EM`` while it renders."""
    from inscriptis.model import css

    cap = css.MAX_EM_LEN
    css.MAX_EM_LEN = min(cap, RENDER_MAX_EM)
    try:
        yield
    finally:
        css.MAX_EM_LEN = cap


RENDER_RECURSION_LIMIT = 10_000  # inscriptis recurses about 3 frames an element; libxml2 reads 2,048 levels deep


@contextmanager
def _deep_recursion():
    """Python's recursion limit raised while inscriptis walks the tree: at its default of 1,000, a page nested
    some 990 elements deep (unclosed tags) rendered to nothing. Python-to-Python calls do not use the C stack."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, RENDER_RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def html_tree(html: str):
    """The page's lxml tree, parsed as inscriptis's ``get_text`` parses it (whole documents, a fragment that
    is not one read as ``<pre>``) but with ``huge_tree``: libxml2 otherwise drops everything nested more than
    255 elements deep (unclosed ``<font>`` or ``<div>`` tags of a long forum thread), or the whole page."""
    return _parsed(html)[0]


def _parsed(html: str):
    """``(html_tree(html), whether libxml2 read the whole page)``: past its depth limit (2,048 levels with
    ``huge_tree``) it drops the deeper elements and what follows them, and says so in its error log."""
    from lxml.etree import ParserError
    from lxml.html import HTMLParser, document_fromstring

    parser = HTMLParser(huge_tree=True)
    html = html.strip()
    if html.startswith("<?xml "):
        html = _XML_DECLARATION.sub("", html, count=1)
    try:
        tree = document_fromstring(html, parser=parser)
    except ParserError:
        tree = document_fromstring("<pre>" + html + "</pre>", parser=parser)
    return tree, not any(_TOO_DEEP in error.message for error in parser.error_log)


_TOO_DEEP = "Excessive depth in document"  # libxml2's message at its depth limit
