"""Deterministic site-disjoint split of the corpora into training and held-out pages."""

from __future__ import annotations

import hashlib

HELD_OUT_SHARE_PERCENT = 20


def is_held_out(site: str, share_percent: int = HELD_OUT_SHARE_PERCENT) -> bool:
    """True for about ``share_percent`` % of sites, the same ones on every machine (sha1 of the site)."""
    return int(hashlib.sha1(site.encode("utf-8")).hexdigest()[:8], 16) % 100 < share_percent
