"""Cross-page repetition: how many pages of the same site hold a line (a template line is boilerplate).

A ``SiteTable`` counts, per site, the pages containing each normalised line (case, digits and spacing
folded, as in the page-level repetition features), keyed by a stable 64-bit hash so tables can be
built in one process and used in others. Memory is bounded per site, for all sites and for the sites seen
once: a site keeps at most ``MAX_KEYS_PER_SITE`` keys and all sites together ``MAX_SITE_KEYS`` (past
either, lines seen on only one page are dropped first: they carry no template signal; past the second,
then whole sites updated longest ago), and a site's first page waits, as an array of keys, among the last
``MAX_SINGLE_PAGE_SITES`` sites seen once until a second page of the site comes.

Pages without a url still come from sites: ``TemplateGroups`` puts a page with the earlier page it shares
``TEMPLATE_MIN_SHARED`` template lines with (menus and footers, among the first and last
``TEMPLATE_EDGE_LINES`` lines), so a directory of scrapes gets the same signal as a corpus with urls.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, OrderedDict
from collections.abc import Iterable
from urllib.parse import urlsplit

import numpy as np
from linesift.codepoints import code_points, folded_lines, stable_keys
from linesift.settings import (
    MAX_SINGLE_PAGE_SITES,
    MAX_SITE_KEYS,
    MAX_TEMPLATE_GROUPS,
    NEAR_COPY_LONGEST,
    NEAR_COPY_SHARE,
    TEMPLATE_EDGE_LINES,
    TEMPLATE_GROUPS_PER_LINE,
    TEMPLATE_MIN_SHARED,
)
from linesift.wrapping import as_scored as scored_lines

MAX_KEYS_PER_SITE = 200_000
SITE_FEATURE_NAMES = ["site_log_pages_with_line", "site_share_pages_with_line", "site_log_pages"]
INFERRED_SITE_PREFIX = "~"  # names of the sites ``TemplateGroups`` infers ("~0", "~1", ...): never a host


def site_of_url(url: str | None) -> str | None:
    """The site of a page: its URL's host without ``www.``; None when there is no host. A URL Python's parser
    refuses ("http://[::1", "see [1]") gets the host its text names, as written, so it never stops a run."""
    if not url:
        return None
    url = url if "//" in url else "//" + url
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        netloc = _URL_END.split(url.split("//", 1)[1], maxsplit=1)[0].rpartition("@")[2].lower()
        host = netloc.partition("]")[0].lstrip("[") if netloc.startswith("[") else netloc.partition(":")[0]
    return host[4:] if host.startswith("www.") else host or None


_URL_END = re.compile(r"[/?#]")  # where a URL's host and port end


def line_keys(lines: list[str]) -> np.ndarray:
    """Stable 64-bit keys of the lines stripped and folded (case, digits, spacing), the same in every
    process (unlike Python's salted ``hash``)."""
    return _stripped_keys([line.strip() for line in lines])


def _stripped_keys(stripped: list[str]) -> np.ndarray:
    """``line_keys`` of lines already stripped."""
    return stable_keys(folded_lines(code_points(stripped)))


def page_keys(lines: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The keys (``line_keys``) and lengths of a page's non-blank lines, stripped, in page order."""
    stripped = [s for s in map(str.strip, lines) if s]
    return _stripped_keys(stripped), np.fromiter(map(len, stripped), dtype=np.float64, count=len(stripped))


class SiteTable:
    """Per site: number of pages seen, and for each line key the number of pages holding it. Built one page
    at a time (``add``, the first pass over a corpus), then read frozen (``freeze``)."""

    def __init__(self, max_keys_per_site: int = MAX_KEYS_PER_SITE,
                 max_single_page_sites: int = MAX_SINGLE_PAGE_SITES,
                 near_copy_share: float | None = NEAR_COPY_SHARE, max_keys: int = MAX_SITE_KEYS):
        self.max_keys_per_site = max_keys_per_site
        self.max_single_page_sites = max_single_page_sites
        self.near_copy_share = near_copy_share
        self.max_keys = max_keys
        self.pages: dict[str, int] = {}
        # sites with 2+ pages, the one updated last at the end; ``keys``: their line keys and page fingerprints
        self.counts: OrderedDict[str, dict[int, int]] = OrderedDict()
        self.keys = 0
        self.seen: dict[str, set[int]] = {}  # page fingerprints: an exact duplicate page is counted once
        # sites seen once so far: (fingerprint, keys of the page), the oldest forgotten first
        self.single: OrderedDict[str, tuple[int, np.ndarray]] = OrderedDict()

    def add(self, site: str | None, lines: list[str]) -> None:
        """Count one page of ``site`` (its non-blank lines)."""
        if site:
            self.add_keys(site, *page_keys(lines))

    def add_keys(self, site: str, keys: np.ndarray, chars: np.ndarray | None = None) -> None:
        """Count one page of ``site`` from its lines' keys (``line_keys``) and lengths (``chars``, for the
        near-copy check: without them only exact copies are recognised)."""
        fingerprint = hash(keys.tobytes())
        if site not in self.counts:
            first = self.single.pop(site, None)
            if first is None:  # the site's first page
                first = (fingerprint, np.unique(keys))
                self.pages[site] = 1
            if first[0] == fingerprint or self._near_copy(np.isin(keys, first[1]), chars):
                self.single[site] = first  # (again: a copy counts once), now the site seen once last
                if len(self.single) > self.max_single_page_sites:  # forget the oldest site seen once
                    del self.pages[self.single.popitem(last=False)[0]]
                return
            self.seen[site] = {first[0]}
            self.counts[site] = dict.fromkeys(first[1].tolist(), 1)
            self.keys += len(first[1]) + 1
        seen = self.seen[site]
        if fingerprint in seen:  # the same page again (a copy, a tracking-parameter variant)
            return
        counts = self.counts[site]
        if self._near_copy(np.fromiter(map(counts.__contains__, keys.tolist()), dtype=bool, count=len(keys)), chars):
            return
        if len(seen) < self.max_keys_per_site:
            seen.add(fingerprint)
            self.keys += 1
        self.pages[site] += 1
        before = len(counts)
        for key in set(keys.tolist()):
            counts[key] = counts.get(key, 0) + 1
        if len(counts) > self.max_keys_per_site:
            counts = self.counts[site] = {k: v for k, v in counts.items() if v > 1}
        self.keys += len(counts) - before
        self.counts.move_to_end(site)
        if self.keys > self.max_keys:
            self._shrink()

    def _shrink(self) -> None:
        """Bring the keys of all sites (and their pages' fingerprints) back within ``max_keys``: drop every
        site's lines seen on one page only (a line not found counts as on one page, so the features of the
        table so far do not change; such a line seen again counts from 1 again) and the fingerprints of its
        pages so far (a copy of a page from before the shrink counts again); if more than half of
        ``max_keys`` is left, forget whole sites, updated longest ago first (then scored without cross-page
        features, as a site seen once, until two more of their pages come)."""
        for site, counts in self.counts.items():
            self.counts[site] = {k: v for k, v in counts.items() if v > 1}
            self.seen[site] = set()  # a copy of an earlier page is then told only by the near-copy check
        self.keys = sum(map(len, self.counts.values()))
        while self.keys > self.max_keys // 2:
            site, counts = self.counts.popitem(last=False)
            self.keys -= len(counts) + len(self.seen.pop(site))
            del self.pages[site]

    def _near_copy(self, seen: np.ndarray, chars: np.ndarray | None) -> bool:
        """Whether a page is a near copy of the site's pages so far (another snapshot of a page, with a new
        date or ad): ``near_copy_share`` of its characters, and its ``NEAR_COPY_LONGEST`` longest lines (an
        article's paragraphs, not its menus), on lines already seen there. Counted, it would make the
        article's own lines look like the site's template."""
        if self.near_copy_share is None or chars is None or not len(chars):
            return False
        longest = np.argsort(chars, kind="stable")[-NEAR_COPY_LONGEST:]
        return bool(seen[longest].all()) and float(chars[seen].sum()) >= self.near_copy_share * float(chars.sum())

    def knows(self, site: str | None) -> bool:
        """Whether the table has at least 2 pages of ``site`` (else its features are missing)."""
        return bool(site) and site in self.counts

    def freeze(self) -> FrozenSiteTable:
        """The table as it is, to read features from (``FrozenSiteTable``)."""
        return FrozenSiteTable(self)


def site_columns(with_line: np.ndarray, pages: int) -> np.ndarray:
    """The ``SITE_FEATURE_NAMES`` columns of a page's lines, from how many of the site's ``pages`` hold each."""
    return np.column_stack([np.log1p(with_line), with_line / pages,
                            np.full(len(with_line), np.log1p(pages))]).astype(np.float32)


class FrozenSiteTable:
    """A ``SiteTable``'s counts as sorted arrays, read when pages are scored: 12 bytes a line key against 40-70
    in the table's dicts, looked up with numpy, and shared with forked workers as they are (no Python objects
    whose reference counts would copy their pages). ``counts`` maps each site with 2+ pages to its keys
    (sorted) and their counts; ``pages`` the pages counted per site; nothing can be added."""

    def __init__(self, table: SiteTable):
        self.pages = dict(table.pages)  # pages counted per site (sites seen once among them)
        self.counts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for site, counts in table.counts.items():
            keys = np.fromiter(counts.keys(), dtype=np.uint64, count=len(counts))
            values = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
            order = np.argsort(keys)
            self.counts[site] = (keys[order], values[order])

    def knows(self, site: str | None) -> bool:
        """Whether the table has at least 2 pages of ``site`` (else its features are missing)."""
        return bool(site) and site in self.counts

    def features(self, site: str | None, lines: list[str]) -> np.ndarray:
        """Site features of the (non-blank) ``lines`` of a page; NaN when the site has fewer than 2 pages."""
        if not self.knows(site):
            return np.full((len(lines), len(SITE_FEATURE_NAMES)), np.nan, dtype=np.float32)
        return self.features_of_keys(site, line_keys(lines))

    def features_of_keys(self, site: str, keys: np.ndarray) -> np.ndarray:
        """``features`` from the lines' keys (``line_keys``) of a page of a site the table ``knows``: how many
        of the site's pages hold each line (1, this page, for a line not in the table)."""
        known, counts = self.counts[site]
        with_line = np.ones(len(keys), dtype=np.float32)  # a line not found is on this page only
        if len(known):
            at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
            found = known[at] == keys
            with_line[found] = counts[at[found]]
        return site_columns(with_line, self.pages[site])


class TemplateGroups:
    """Sites inferred for pages without one, one page at a time: a page joins the group of the earlier
    page with which it shares the most template keys (lines among the first and last ``edge_lines`` of
    each), if they are at least ``min_shared``; else it starts a group of its own. A group is known by the
    edge keys of its first page; the ``max_groups`` groups joined or started last are kept, and a line
    names at most the ``groups_per_line`` groups that took it last ("Home", "Contact": bounded memory
    and time; the lines a page shares with a group are still counted exactly), so pages of one site far
    apart in a long stream may fall into two groups."""

    def __init__(self, min_shared: int = TEMPLATE_MIN_SHARED, edge_lines: int = TEMPLATE_EDGE_LINES,
                 max_groups: int = MAX_TEMPLATE_GROUPS, groups_per_line: int = TEMPLATE_GROUPS_PER_LINE):
        self.min_shared = min_shared
        self.edge_lines = edge_lines
        self.max_groups = max_groups
        self.groups_per_line = groups_per_line
        self.holders: dict[int, list[int]] = {}  # an edge key -> the groups whose first page holds it
        self.groups: OrderedDict[int, frozenset] = OrderedDict()  # group -> its first page's edge keys, by last use
        self.started = 0

    def site_of_keys(self, keys: np.ndarray) -> str:
        """The inferred site of a page, from its non-blank lines' keys (``line_keys``), in page order."""
        e = self.edge_lines
        edge = set((np.concatenate([keys[:e], keys[-e:]]) if len(keys) > 2 * e else keys).tolist())
        # candidates: the groups most lines name, and every group a line held by few groups names (a generic
        # line's list may have lost an older group); then the lines shared with each, counted exactly
        votes, candidates, full = Counter(), set(), 0
        for k in edge:
            holders = self.holders.get(k)
            if holders:
                votes.update(holders)
                if len(holders) < self.groups_per_line:
                    candidates.update(holders)
                else:
                    full += 1
        candidates.update(g for g, _ in votes.most_common(self.groups_per_line))
        best, shared = None, self.min_shared - 1
        for g in sorted(candidates, key=lambda g: (-votes[g], g)):  # ties: more votes, then started first
            if votes[g] + full <= shared:  # nor can any later one: it shares at most its votes and the full lines
                break
            n = len(edge & self.groups[g])
            if n > shared:
                best, shared = g, n
        if best is not None:
            self.groups.move_to_end(best)
            return inferred_site(best)
        group, self.started = self.started, self.started + 1
        for k in edge:
            holders = self.holders.setdefault(k, [])
            holders.append(group)
            if len(holders) > self.groups_per_line:
                del holders[0]
        self.groups[group] = frozenset(edge)
        if len(self.groups) > self.max_groups:  # forget the group used longest ago
            old, old_keys = self.groups.popitem(last=False)
            for k in old_keys:
                holders = self.holders.get(k)
                if holders is not None and old in holders:
                    holders.remove(old)
                    if not holders:
                        del self.holders[k]
        return inferred_site(group)


def inferred_site(group: int) -> str:
    """The name of an inferred site (``INFERRED_SITE_PREFIX`` and its number), one string object per name."""
    return sys.intern(f"{INFERRED_SITE_PREFIX}{group}")


def build_site_table(pages: list[list[str]], sites: list[str | None], as_scored: bool = True,
                     near_copy_share: float | None = NEAR_COPY_SHARE) -> FrozenSiteTable:
    """The table of ``pages`` (one site each, None if unknown): ``corpus_sites`` without inferring sites.
    With ``as_scored`` each page is counted as ``LineClassifier.score_pages`` scores it (a hard-wrapped page
    with its paragraphs joined, ``wrapping.as_scored``), so the keys match; fitting, which scores pages as
    given, counts them as given. Pages without a site are not counted; near copies of a site's earlier
    pages are not counted again unless ``near_copy_share`` is None."""
    return corpus_sites(zip(pages, sites), infer=False, as_scored=as_scored, near_copy_share=near_copy_share)[0]


def corpus_sites(
    pages_and_sites: Iterable[tuple[list[str] | None, str | None]], infer: bool = True, as_scored: bool = True,
    near_copy_share: float | None = NEAR_COPY_SHARE,
) -> tuple[FrozenSiteTable, list[str | None]]:
    """First pass over a corpus, one page at a time: the ``SiteTable`` of its pages, frozen (counted as scored, see
    ``build_site_table``), and each page's site: its own, or with ``infer``, for a page without one, the site
    ``TemplateGroups`` infers from the template lines it shares with earlier pages (then a given site
    spelled like an inferred one gets one more ``INFERRED_SITE_PREFIX``). A page given as ``(None, site)``
    is left out: not counted."""
    table, groups, sites = SiteTable(near_copy_share=near_copy_share), TemplateGroups(), []
    for lines, site in pages_and_sites:
        if infer and site and site.startswith(INFERRED_SITE_PREFIX):  # a given "~0" is not the inferred "~0"
            site = INFERRED_SITE_PREFIX + site
        site = sys.intern(site) if site else site  # one string per site, however many pages it has
        if lines is None or not (site or infer):  # left out (``batch.build_table``: HTML without a site)
            sites.append(site)
            continue
        keys, chars = page_keys(scored_lines(lines) if as_scored else lines)
        site = site or groups.site_of_keys(keys)
        table.add_keys(site, keys, chars)
        sites.append(site)
    return table.freeze(), sites
