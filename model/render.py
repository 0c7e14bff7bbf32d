"""HTML to text, the way linesift renders HTML input at prediction time.

inscriptis is used because it is a pure-Python, layout-aware renderer (tables, lists and block
structure become lines much like a text browser dump), well kept, Apache-2.0, and fast enough.
It is imported lazily so text-only runs never pay for it.
"""

from __future__ import annotations

import re

_HTML_SNIFF = re.compile(r"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html|<head|<body)", re.I | re.S)


def looks_like_html(text: str) -> bool:
    """True when a text starts like an HTML document."""
    return bool(_HTML_SNIFF.match(text[:2048]))


def html_to_text(html: str) -> str:
    """Render an HTML document to plain text lines with inscriptis."""
    from inscriptis import get_text
    from inscriptis.model.config import ParserConfig

    if not html.strip():
        return ""
    try:
        return get_text(html, ParserConfig(display_images=False, display_links=False))
    except Exception:  # lxml rejects some documents (e.g. bare XML declarations with unicode)
        html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
        try:
            return get_text(html, ParserConfig())
        except Exception:
            return ""
