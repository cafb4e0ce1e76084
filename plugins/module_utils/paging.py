# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paging mechanics of ApiClient.paginate_next (http.py): predicted offset links, page identity, and how many
pages are asked for at a time (PageWindow); `chunked` splits values for `__in` filters."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Optional
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def following_offset_url(url: str) -> Optional[str]:
    """The URL of the page after `url` when it is an offset link (offset + limit, same query), else None."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    values = dict(query)
    try:
        offset, limit = int(values["offset"]), int(values["limit"])
    except (KeyError, ValueError):
        return None
    if limit <= 0:
        return None
    page_query = [(key, str(offset + limit) if key == "offset" else value) for key, value in query]
    return urlunsplit(parts._replace(query=urlencode(page_query)))


def url_key(url: str) -> tuple:
    """What identifies a page: scheme, host, path and the query parameters in any order."""
    parts = urlsplit(url)
    return parts[:3] + (tuple(sorted(parse_qsl(parts.query, keep_blank_values=True))),)


def chunked(values: Iterable[Any], size: int = 100) -> list:
    """Split a list for `__in` filters (NCM allows 100 values per field)."""
    values = list(values)
    return [values[index : index + size] for index in range(0, len(values), size)]


# ---- paging ahead ---------------------------------------------------------------


class PageWindow(object):
    """How many pages of one listing are asked for at a time (paginate_next), adapted as pages come back.

    It starts at START (or the cap, if lower), grows by one after each page that came back without a
    429 and not slow, and halves after a 429 or a slow page: at most once per round of pages (a
    page asked for before the last decrease does not decrease it again), never below 1 nor above
    `cap`, the platform's documented (or chosen) ceiling. A page is slow when it took more than
    SLOW_FACTOR times the quickest page of the listing plus SLOW_MARGIN seconds: the server (or the
    way to it) is queueing, and asking for more pages at once would only queue more.
    """

    START = 8
    SLOW_FACTOR = 2.0
    SLOW_MARGIN = 0.2

    def __init__(self, cap: int) -> None:
        self.cap = max(1, int(cap))
        self.size = min(self.START, self.cap)
        self.decreases = 0
        self.quickest = None
        self.sizes = [self.size]  # the size after each page, for tests and benchmarks

    def page_done(self, page: PageRequest) -> None:
        """Adapt to a page that came back (a PageRequest with its seconds and throttled)."""
        if self.quickest is None or page.seconds < self.quickest:
            self.quickest = page.seconds
        slow = page.seconds > self.SLOW_FACTOR * self.quickest + self.SLOW_MARGIN
        if page.throttled or slow:
            if page.decreases == self.decreases:
                self.size = max(1, self.size // 2)
                self.decreases += 1
        else:
            self.size = min(self.cap, self.size + 1)
        self.sizes.append(self.size)


class PageRequest(object):
    """One page asked for ahead: its URL, its future (items, next URL), and how it went (for PageWindow)."""

    def __init__(self, url: str, decreases: int, throttled_before: int) -> None:
        self.url = url
        self.decreases = decreases  # PageWindow.decreases when it was asked for
        self.throttled_before = throttled_before
        self.future = None
        self.started = None
        self.seconds = 0.0
        self.throttled = False


class InlinePool(object):
    """A pool of no threads (concurrency 1): a page is fetched when its result is asked for."""

    def submit(self, fetch: Callable[[], Any]) -> _Deferred:
        return _Deferred(fetch)

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


class _Deferred(object):
    def __init__(self, fetch):
        self.fetch = fetch

    def result(self):
        return self.fetch()

    @staticmethod
    def done():
        return False  # fetched only when its result is asked for

    @staticmethod
    def cancelled():
        return False
