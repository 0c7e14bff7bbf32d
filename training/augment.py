"""Training copies of pages in a form the corpora lack: text without spaces between words and without sentence
punctuation, as Thai and Lao are written.

Thai and Lao put no space between words and no full stop after a sentence (a space ends a clause). No corpus
here has a page in either, and the model learnt from Chinese that a line of a script without spaces and
without a "，" or "。" is a menu, not a sentence. An unspaced copy of a Chinese training render is that page
written so: every Han character becomes one of the 46 Thai consonants (by its code point), every Chinese
comma, enumeration comma and full stop a space; the labels stay the same. The copy is the same page (its id
and url: the same fold of the cross-validation) as another render of it (``UNSPACED_RENDERER``: its own
cross-page template counts, as each renderer's are), and not a Thai page: its words are not Thai words.

The recipe adds them with ``--unspaced-copies`` only: they make a Thai page readable to the model, but cost
Readability's pages about 0.03 in two fits (data/EXPERIMENTS.md, nineteenth round), so the shipped model has none.
"""

from __future__ import annotations

import re
from dataclasses import replace

from linesift.training.labelled import LabelledPage

UNSPACED_LANGS = ("zh",)  # pages whose copies are made: Chinese, written without spaces between words
UNSPACED_SOURCE_RENDERER = "w3m"  # copies of this renderer's renders only
UNSPACED_RENDERER = "w3m+unspaced"  # the copies' renderer (``fit.site_key`` keys a site's template by it)
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_THAI_CONSONANTS = 46  # U+0E01 (ko kai) to U+0E2E (ho nokhuk)
_SENTENCE_MARKS = str.maketrans({"，": " ", "。": " ", "、": " "})


def unspaced_line(line: str) -> str:
    """``line`` with each Han character mapped to a Thai consonant and Chinese commas and full stops turned into
    spaces; a line those marks alone make up stays as mapped, so no labelled line becomes blank."""
    mapped = _HAN.sub(lambda m: chr(0x0E01 + ord(m.group()) % _THAI_CONSONANTS), line)
    unmarked = mapped.translate(_SENTENCE_MARKS)
    return unmarked if unmarked.strip() else mapped


def unspaced_copies(pages: list[LabelledPage]) -> list[LabelledPage]:
    """An unspaced copy (``unspaced_line``) of each page in ``UNSPACED_LANGS`` rendered by
    ``UNSPACED_SOURCE_RENDERER``, in page order; its ``renderer`` is ``UNSPACED_RENDERER``."""
    return [replace(page, lines=[unspaced_line(line) for line in page.lines], labels=list(page.labels),
                    meta={**page.meta, "renderer": UNSPACED_RENDERER})
            for page in pages
            if page.meta.get("lang") in UNSPACED_LANGS and page.meta.get("renderer") == UNSPACED_SOURCE_RENDERER]
