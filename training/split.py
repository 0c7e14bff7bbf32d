"""Deterministic site-disjoint split of the corpora into training and held-out pages."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from linesift.training.labelled import LabelledPage

HELD_OUT_SHARE_PERCENT = 20


def page_site(meta: dict) -> str:
    """The site a page is split by (its page id when no site is known), from its metadata alone."""
    return LabelledPage([], [], meta, meta.get("id", "")).site


def is_held_out(site: str, share_percent: int = HELD_OUT_SHARE_PERCENT) -> bool:
    """True for about ``share_percent`` % of sites, the same ones on every machine (sha1 of the site)."""
    return int(hashlib.sha1(site.encode("utf-8")).hexdigest()[:8], 16) % 100 < share_percent


def corpora_argument(value: str) -> Path:
    """``--corpora`` of the training tools (an argparse type): a directory holding ``*.jsonl.gz`` corpora, else a
    usage error naming it (``../shared/corpora`` beside a source checkout)."""
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value}: no such directory (the labelled corpora: ../shared/corpora)")
    if not any(path.glob("*.jsonl.gz")):
        raise argparse.ArgumentTypeError(f"{value}: holds no .jsonl.gz corpora")
    return path


CORPORA_DEFAULT = "../shared/corpora"


def default_corpora(parser: argparse.ArgumentParser, given: Path | None) -> Path:
    """``--corpora`` as given, else ``CORPORA_DEFAULT`` checked as ``corpora_argument`` checks it, for the tools
    that read the corpora only without other options (argparse would check a default even where it is unused)."""
    if given is not None:
        return given
    try:
        return corpora_argument(CORPORA_DEFAULT)
    except argparse.ArgumentTypeError as err:
        parser.error(f"argument --corpora: {err}")
