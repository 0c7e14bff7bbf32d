"""Cross-page repetition: how many pages of the same site hold a line (a template line is boilerplate).

A ``SiteTable`` counts, per site, the pages containing each normalised line (case, digits and spacing
folded, as in the page-level repetition features), keyed by a stable 64-bit hash so tables can be
built in one process and used in others. Memory is bounded: a site keeps at most ``MAX_KEYS_PER_SITE``
keys; when it overflows, lines seen on only one page are dropped first (they carry no template signal).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

import numpy as np
from linesift.codepoints import code_points, folded_lines, stable_keys
from linesift.wrapping import as_scored as scored_lines

MAX_KEYS_PER_SITE = 200_000
SITE_FEATURE_NAMES = ["site_log_pages_with_line", "site_share_pages_with_line", "site_log_pages"]


def site_of_url(url: str | None) -> str | None:
    """The site of a page: its URL's host without ``www.``; None when there is no host."""
    if not url:
        return None
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host or None


def line_keys(lines: list[str]) -> np.ndarray:
    """Stable 64-bit keys of the lines stripped and folded (case, digits, spacing), the same in every
    process (unlike Python's salted ``hash``)."""
    return stable_keys(folded_lines(code_points([line.strip() for line in lines])))


class SiteTable:
    """Per site: number of pages seen, and for each line key the number of pages holding it."""

    def __init__(self, max_keys_per_site: int = MAX_KEYS_PER_SITE):
        self.max_keys_per_site = max_keys_per_site
        self.pages: dict[str, int] = {}
        self.counts: dict[str, dict[int, int]] = {}
        self.seen: dict[str, set[int]] = {}  # page fingerprints: an exact duplicate page is counted once

    def add(self, site: str | None, lines: list[str]) -> None:
        """Count one page of ``site`` (its non-blank lines)."""
        if not site:
            return
        keys = line_keys([line for line in lines if line.strip()])
        fingerprint = hash(keys.tobytes())
        seen = self.seen.setdefault(site, set())
        if fingerprint in seen:  # the same page again (a copy, a tracking-parameter variant)
            return
        if len(seen) < self.max_keys_per_site:
            seen.add(fingerprint)
        self.pages[site] = self.pages.get(site, 0) + 1
        counts = self.counts.setdefault(site, {})
        for key in set(keys.tolist()):
            counts[key] = counts.get(key, 0) + 1
        if len(counts) > self.max_keys_per_site:
            self.counts[site] = {k: v for k, v in counts.items() if v > 1}

    def knows(self, site: str | None) -> bool:
        """Whether the table has at least 2 pages of ``site`` (else its features are missing)."""
        return bool(site) and self.pages.get(site, 0) >= 2

    def features(self, site: str | None, lines: list[str]) -> np.ndarray:
        """Site features of the (non-blank) ``lines`` of a page; NaN when the site has fewer than 2 pages."""
        if not self.knows(site):
            return np.full((len(lines), len(SITE_FEATURE_NAMES)), np.nan, dtype=np.float32)
        return self.features_of_keys(site, line_keys(lines))

    def features_of_keys(self, site: str, keys: np.ndarray) -> np.ndarray:
        """``features`` from the lines' keys (``line_keys``) of a page of a site the table ``knows``."""
        n = self.pages[site]
        counts = self.counts[site]
        with_line = np.fromiter((counts.get(k, 1) for k in keys.tolist()), dtype=np.float32, count=len(keys))
        return np.column_stack([np.log1p(with_line), with_line / n, np.full(len(keys), np.log1p(n))]).astype(np.float32)


def build_site_table(pages: list[list[str]], sites: list[str | None], as_scored: bool = True) -> SiteTable:
    """The table of ``pages`` (one site each, None if unknown): ``site_table_of`` their pairs."""
    return site_table_of(zip(pages, sites), as_scored)


def site_table_of(pages_and_sites: Iterable[tuple[list[str], str | None]], as_scored: bool = True) -> SiteTable:
    """The table of ``(lines, site)`` pairs, read one at a time (a stream of any length: memory is bounded
    by the table). With ``as_scored`` each page is counted as ``LineClassifier.score_pages`` scores it (a
    hard-wrapped page with its paragraphs joined, ``wrapping.as_scored``), so the keys match; fitting,
    which scores pages as given, counts them as given. Pages without a site are not counted."""
    table = SiteTable()
    for lines, site in pages_and_sites:
        if site:
            table.add(site, scored_lines(lines) if as_scored else lines)
    return table
