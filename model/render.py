"""HTML to text, the way linesift renders HTML input at prediction time.

inscriptis is used because it is a pure-Python, layout-aware renderer (tables, lists and block
structure become lines much like a text browser dump), well kept, Apache-2.0, and fast enough.
It is imported lazily so text-only runs never pay for it.
"""

from __future__ import annotations

import re

_XML_DECLARATION = re.compile(r"^<\?xml [^>]+?\?>")  # as inscriptis strips it
_HTML_SNIFF = re.compile(r"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html|<head|<body)", re.I | re.S)


def looks_like_html(text: str) -> bool:
    """True when a text starts like an HTML document."""
    return bool(_HTML_SNIFF.match(text[:2048]))


def html_to_text(html: str) -> str:
    """Render an HTML document to plain text lines with inscriptis."""
    from inscriptis import Inscriptis
    from inscriptis.model.config import ParserConfig

    if not html.strip():
        return ""
    try:
        return Inscriptis(_html_tree(html), ParserConfig(display_images=False, display_links=False)).get_text()
    except Exception:  # lxml rejects some documents (e.g. bare XML declarations with unicode)
        html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
        try:
            return Inscriptis(_html_tree(html), ParserConfig()).get_text()
        except Exception:
            return ""


def _html_tree(html: str):
    """The page's lxml tree, parsed as inscriptis's ``get_text`` parses it (whole documents, a fragment that
    is not one read as ``<pre>``) but with ``huge_tree``: libxml2 otherwise drops everything nested more than
    255 elements deep (unclosed ``<font>`` or ``<div>`` tags of a long forum thread), or the whole page."""
    from lxml.etree import ParserError
    from lxml.html import HTMLParser, document_fromstring

    parser = HTMLParser(huge_tree=True)
    html = html.strip()
    if html.startswith("<?xml "):
        html = _XML_DECLARATION.sub("", html, count=1)
    try:
        return document_fromstring(html, parser=parser)
    except ParserError:
        return document_fromstring("<pre>" + html + "</pre>", parser=parser)
