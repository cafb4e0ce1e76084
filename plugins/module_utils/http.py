# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP mechanics shared by every platform: the request loop (retries, redirects, body limits) and paging.

The pooled httpx client it sends through is HttpSession (http_session.py).

Platform knowledge (auth, envelopes, error shapes) lives in the platform
modules, which subclass ApiClient and fill in its hooks. Nothing here knows a
vendor.
"""

from __future__ import annotations

import email.utils
import math
import os
import random
import time
from typing import Any, Callable, Mapping, Optional
from urllib.parse import urljoin, urlsplit

from ansible_collections.wanfleet.routers.plugins.module_utils import connection, interrupt
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    MalformedResponseError,
    PaginationError,
    RedirectError,
    Redactor,
    TransportError,
    WanfleetError,
    error_class_for_status,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.http_session import HttpSession, httpx, request_deadline
from ansible_collections.wanfleet.routers.plugins.module_utils.paging import InlinePool, PageRequest, PageWindow, following_offset_url, url_key
from ansible_collections.wanfleet.routers.plugins.module_utils.rate_limiter import RateLimiter
from ansible_collections.wanfleet.routers.plugins.module_utils.token_cache import cache_key

# Re-exported: modules, plugins and tests import these from http.py, where they were before http_session.py.
from ansible_collections.wanfleet.routers.plugins.module_utils.http_session import (  # noqa: F401  # pylint: disable=unused-import
    HAS_HTTPX,
    HTTPX_IMPORT_ERROR,
    USER_AGENT,
)

# Methods that may be re-sent after a failure without changing the outcome.
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))
DEFAULT_RETRY_STATUSES = frozenset((429, 502, 503, 504))
DEFAULT_TIMEOUT = connection.DEFAULT_TIMEOUT
DEFAULT_MAX_RETRIES = connection.DEFAULT_MAX_RETRIES
BACKOFF_BASE = 0.5
RETRY_MAX_WAIT = connection.RETRY_MAX_WAIT
# The largest answer body read (decoded), in bytes. The biggest documented answers are full listings
# (NCM: 500 records per page; TelecomX and InControl: a whole organization's devices), a few MiB
# at most; a body past this is refused instead of filling the controller's memory.
MAX_BODY_BYTES = 64 * 1024 * 1024
# The deepest JSON accepted. The vendors' documents nest a few levels (NCM configuration trees
# about ten); deeper is not an API answer.
MAX_JSON_DEPTH = 64
# A listing that needs more pages than this is refused (NCM: 500 records a page, so 5 million
# records; TelecomX and InControl pages are larger): a server that keeps linking on does not keep a
# task paging for ever.
MAX_PAGES = 10000
# Redirects followed for one request (same origin only, see ApiClient._send).
MAX_REDIRECTS = 5
# How much of a vendor's message or body an error carries.
MAX_MESSAGE_CHARS = 300
# Transport failures that happen before a request leaves (no connection): anything else (a read
# timeout, a connection closed mid-answer) may come after the platform received the request.
NOT_SENT_ERRORS = frozenset(("ConnectError", "ConnectTimeout", "PoolTimeout", "UnsupportedProtocol", "ProxyError"))


def parse_retry_after(headers: Mapping[str, Any], now: Optional[float] = None) -> Optional[float]:
    """Seconds to wait from a Retry-After header (any case; delta-seconds or HTTP date), or None."""
    value = None
    for name, item in headers.items():
        if name.lower() == "retry-after":
            value = item
            break
    if value is None:
        return None
    value = str(value).strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        # A negative, infinite or NaN value is no instruction: the usual backoff applies.
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def backoff_delay(attempt: int, base: float = BACKOFF_BASE, cap: float = RETRY_MAX_WAIT, rand: Callable[[], float] = random.random) -> float:
    """Exponential backoff with jitter: half fixed, half random, never above cap."""
    ceiling = min(cap, base * (2**attempt))
    return ceiling / 2.0 + rand() * ceiling / 2.0


def origin(url: Any) -> tuple[str, str, Optional[int]]:
    """(scheme, host, port) of a URL, the unit credentials are bound to."""
    parts = urlsplit(str(url))
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(scheme)


def cut(text: Any, limit: int = MAX_MESSAGE_CHARS) -> str:
    """`text` at most `limit` characters long, saying how much was cut."""
    text = str(text)
    if len(text) <= limit:
        return text
    return "%s... (%d more characters)" % (text[:limit], len(text) - limit)


class ApiClient(object):
    """One platform's API: auth, envelope and errors are the subclass's hooks.

    `request` is the only way a platform talks HTTP. It applies auth, retries
    idempotent requests on retryable statuses and transport errors with
    backoff (honouring Retry-After), re-authenticates once on an expired
    token, and turns every failure into a typed, redacted WanfleetError.
    """

    platform = "unknown"
    retry_statuses = DEFAULT_RETRY_STATUSES

    def __init__(
        self,
        base_url: str,
        session: HttpSession,
        redactor: Optional[Redactor] = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_max_wait: float = RETRY_MAX_WAIT,
        sleep: Callable[[float], Any] = time.sleep,
        rate_limiter: Optional[RateLimiter] = None,
        rate_limit: Optional[float] = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.origin = origin(self.base_url)
        self.session = session
        self.redactor = redactor or Redactor()
        self.max_retries = int(max_retries)
        self.retry_max_wait = float(retry_max_wait)
        self.rate_limiter = rate_limiter
        self.rate_limit = float(rate_limit) if rate_limit else None  # the user's `rate_limit`, requests/s
        self._sleep = sleep
        self.retries = []  # (method, url, status or error kind, delay): reported as warnings
        self.last_request = None  # (method, URL) of the last request sent, for errors about its answer

    # ---- hooks for platforms -------------------------------------------------

    def authenticate(self, force: bool = False) -> None:
        """Obtain credentials for later requests (cache first unless force)."""

    def auth_headers(self) -> dict:
        return {}

    def auth_params(self) -> dict:
        return {}

    def is_expired_auth(self, response: Any) -> bool:
        """True when the answer means "your token expired": re-authenticate and resend once."""
        return False

    def is_retryable(self, response: Any) -> bool:
        """True for a transient failure the status does not show (an error inside an HTTP 200)."""
        return response.status_code in self.retry_statuses

    def close(self) -> None:
        """Release what the run holds on the platform (sessions); never raises."""

    def unwrap(self, response: Any, method: str, url: Any) -> Any:
        """Return the payload of a successful answer or raise the platform's typed error."""
        if response.status_code >= 400:
            raise self.error(response, method, url)
        return self.json(response, method, url) if response.content else None

    def vendor_message(self, body: Any) -> Optional[str]:
        """The vendor's error text from an error body (platforms know their shapes)."""
        if isinstance(body, dict):
            for key in ("message", "error_description", "error", "detail"):
                if body.get(key):
                    return str(body[key])
        return None

    # ---- helpers for platforms -----------------------------------------------

    def shared_limiter(
        self, token_cache: Any, documented: Optional[float], start: Optional[float], identity: tuple, clock: Callable[[], float] = time.time
    ) -> RateLimiter:
        """The RateLimiter of the account `identity` (a tuple of strings), shared by the run's forks.

        `documented`: the platform's limit in requests/s (None when it documents no number); the
        user's `rate_limit` lowers it, never raises it. `start`: the rate to begin with (None: the
        ceiling). The schedule lives in the token cache's folder, whose checks hold for this file
        too; with the cache disabled nothing is written and the limiter spaces this process only.
        """
        ceiling = min(value for value in (documented, self.rate_limit) if value) if documented or self.rate_limit else None
        state_file = None
        if token_cache is not None and token_cache.usable():
            state_file = os.path.join(token_cache.directory, "ratelimit-%s" % cache_key(self.platform + "-ratelimit", self.base_url, *identity))
        return RateLimiter(ceiling, start=start, state_file=state_file, sleep=self._sleep, clock=clock)

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url + "/" + path.lstrip("/")

    def json(self, response: Any, method: str, url: Any) -> Any:
        try:
            body = response.json()
        except RecursionError:
            body = deep = True
        except ValueError:
            raise self.malformed(method, url, "a body that is not JSON: %s" % response.text[:200], response.status_code)
        else:
            deep = _nested_deeper(body, MAX_JSON_DEPTH)
        if deep:
            raise self.malformed(method, url, "JSON nested deeper than %d levels" % MAX_JSON_DEPTH, response.status_code)
        return body

    def objects(self, value: Any, method: str, url: Any, what: str = "a list of objects") -> list:
        """`value` when it is a list of objects (None: []), else MalformedResponseError: a listing never drops
        items it cannot read."""
        value = [] if value is None else value
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.malformed(method, self.url(url), "%s instead of %s" % (_shape(value), what))
        return value

    def malformed(self, method: str, url: Any, what: str, status: Optional[int] = None) -> MalformedResponseError:
        """The MalformedResponseError for an answer that is not what was expected (`what` says how)."""
        error = MalformedResponseError(
            "%s: %s %s answered%s %s" % (self.platform, method, self._path(url), " HTTP %s with" % status if status else "", what),
            platform=self.platform,
            method=method,
            url=str(url),
            status=status,
        )
        return error.redacted(self.redactor)

    def error(self, response: Any, method: str, url: Any, message: Optional[str] = None, cls: Optional[type] = None) -> WanfleetError:
        """A typed error for an error answer, carrying the vendor's message."""
        try:
            body = response.json()
        except ValueError:
            body = response.text[:500] or None
        vendor = message or self.vendor_message(body) or (body if isinstance(body, str) else None)
        vendor = cut(vendor) if vendor is not None else None
        if body is not None and not isinstance(body, str) and len(repr(body)) > 4 * MAX_MESSAGE_CHARS:
            body = cut(repr(body))
        cls = cls or error_class_for_status(response.status_code)
        text = "%s: %s %s failed with HTTP %s" % (self.platform, method, self._path(url), response.status_code)
        if vendor:
            text += ": %s" % vendor
        return cls(
            text,
            platform=self.platform,
            method=method,
            url=url,
            status=response.status_code,
            vendor_message=vendor,
            body=body,
            retry_after=parse_retry_after(response.headers),
        )

    def _path(self, url):
        """The URL shown in messages: relative to the platform's base when possible."""
        url = str(url)
        return url[len(self.base_url) :] or "/" if url.startswith(self.base_url) else url

    # ---- the request loop ----------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        params: Optional[dict] = None,
        json: Any = None,
        data: Any = None,
        headers: Optional[dict] = None,
        idempotent: Optional[bool] = None,
        auth: bool = True,
        unwrap: bool = True,
    ) -> Any:
        """Send one logical request; see the class docstring for what it handles."""
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        url = self.url(path)
        attempt = 0
        reauthenticated = False
        if auth:
            self.authenticate()
        while True:
            request_headers = dict(headers or {})
            request_params = None if params is None else dict(params)
            if auth:
                request_headers.update(self.auth_headers())
                extra = self.auth_params()
                if extra:
                    request_params = dict(request_params or {}, **extra)
            try:
                response = self._send(method, url, request_params, json, data, request_headers, follow=auth)
            except httpx.TimeoutException as exc:
                if idempotent and attempt < self.max_retries:
                    attempt = self._pause(method, url, "timeout", attempt, None)
                    continue
                raise self._transport_error(method, url, exc, "timed out after %gs" % self.session.timeout, idempotent)
            except httpx.TransportError as exc:
                if idempotent and attempt < self.max_retries and not _is_tls_error(exc):
                    attempt = self._pause(method, url, type(exc).__name__, attempt, None)
                    continue
                raise self._transport_error(method, url, exc, idempotent=idempotent)
            if auth and not reauthenticated and self.is_expired_auth(response):
                # The request was refused before it did anything: resending is safe.
                reauthenticated = True
                self.authenticate(force=True)
                continue
            wait = None
            if idempotent and attempt < self.max_retries and self.is_retryable(response):
                wait = parse_retry_after(response.headers)
                if wait is None or wait <= self.retry_max_wait:
                    attempt = self._pause(method, url, response.status_code, attempt, wait)
                    continue
            try:
                return self.unwrap(response, method, url) if unwrap else response
            except WanfleetError as exc:
                if attempt:
                    exc.message += " (after %d retries)" % attempt
                if wait is not None and wait > self.retry_max_wait:
                    exc.message += "; the platform asks to retry after %.0fs, longer than a task waits (%.0fs): run it again later" % (
                        wait,
                        self.retry_max_wait,
                    )
                exc.args = (exc.message,)
                raise exc.redacted(self.redactor)

    def _send(self, method, url, params, json, data, headers, follow=True):
        """Send, following redirects within the configured origin only (`follow`=False: none)."""
        for dummy in range(MAX_REDIRECTS + 1):
            interrupt.checkpoint()  # Ctrl-C / cancel: stop here, between requests (see interrupt.py)
            self._check_origin(method, url)
            if self.rate_limiter is not None:
                self.rate_limiter.wait()
            self.last_request = (method, url)
            response = self._exchange(method, url, params, json, data, headers)
            if response.status_code == 429 and self.rate_limiter is not None:
                self.rate_limiter.refused(parse_retry_after(response.headers))
            if not response.is_redirect:
                return response
            target = urljoin(str(response.request.url), response.headers["location"])
            if not follow or origin(target) != self.origin:
                raise self._refused_redirect(method, url, response.status_code, target, follow)
            if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                method, json, data = "GET", None, None  # what every HTTP client does with these
            url, params = target, None  # the Location carries its own query
        raise self.malformed(method, url, "redirects more than %d times (a redirect loop)" % MAX_REDIRECTS)

    def _exchange(self, method, url, params, json, data, headers):
        """One HTTP exchange, bounded: `timeout` for all of it, MAX_BODY_BYTES for the body."""
        client = self.session.client
        request = client.build_request(method, url, params=params, json=json, data=data, headers=headers)
        with request_deadline(self.session.timeout):
            response = client.send(request, stream=True)
            try:
                response._content = self._read_body(response, method, url)  # pylint: disable=protected-access
            finally:
                response.close()
        return response

    def _read_body(self, response, method, url):
        declared = response.headers.get("content-length", "")
        size, chunks = int(declared) if declared.isdigit() else 0, []
        if size <= MAX_BODY_BYTES:
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    break
                chunks.append(chunk)
        if size > MAX_BODY_BYTES:
            raise self.malformed(
                method,
                url,
                "a body larger than %d MiB, which no answer of the API is; it was not read" % (MAX_BODY_BYTES // (1024 * 1024)),
                response.status_code,
            )
        return b"".join(chunks)

    def _check_origin(self, method, url):
        if origin(url) != self.origin:
            raise RedirectError(
                "%s: %s %s is not on the configured origin %s: not sent, so no credential leaves it"
                % (self.platform, method, self.redactor.text(url), _origin_text(self.origin)),
                platform=self.platform,
                method=method,
                url=self.redactor.text(url),
            )

    def _refused_redirect(self, method, url, status, target, follow):
        why = (
            "a request that carries credentials itself (a login) is never redirected"
            if not follow
            else "it points outside the configured origin %s, and credentials are only sent there" % _origin_text(self.origin)
        )
        return RedirectError(
            "%s: %s %s was redirected (HTTP %s) to %s: not followed, %s" % (self.platform, method, self._path(url), status, target, why),
            platform=self.platform,
            method=method,
            url=url,
            status=status,
        ).redacted(self.redactor)

    def _pause(self, method, url, reason, attempt, retry_after):
        delay = retry_after if retry_after is not None else backoff_delay(attempt, cap=self.retry_max_wait)
        self.retries.append((method, self.redactor.text(self._path(url)), reason, round(delay, 2)))
        self._sleep(delay)
        return attempt + 1

    def _transport_error(self, method, url, exc, detail=None, idempotent=True):
        detail = detail or str(exc) or type(exc).__name__
        if _is_tls_error(exc):
            detail = "TLS certificate verification failed (%s); give the CA with ca_path, or set validate_certs: false for a self-signed device" % detail
        elif not idempotent and type(exc).__name__ not in NOT_SENT_ERRORS:
            # The answer was lost, not the request: the platform may have carried it out (a reboot
            # under way, an object created), so it is not resent, and the user must know that.
            detail += "; the request was sent and may have been carried out, so it is not resent: check the outcome before running the task again"
        error = TransportError("%s: %s %s: %s" % (self.platform, method, self._path(url), detail), platform=self.platform, method=method, url=url)
        error.cause = type(exc).__name__
        error.sent = error.cause not in NOT_SENT_ERRORS
        return error.redacted(self.redactor)

    # ---- paging ---------------------------------------------------------------

    def paginate_next(
        self, path: str, params: Optional[dict], split_page: Callable[[Any], tuple], concurrency: int = 1, on_page: Optional[Callable[[list], Any]] = None
    ) -> list:
        """Follow `next` links to the end. split_page(payload) -> (items, next_url or None).

        With concurrency > 1 and `next` links that are offset links (`offset=` and `limit=` in
        their query), the following pages are predicted and asked for ahead, several at a time:
        how many is a PageWindow (it starts at PageWindow.START, grows while pages come back
        quickly without a 429, halves on a 429 or a slow page, and never exceeds `concurrency`).
        Each page's own `next` is still checked against the prediction, so a listing that changes
        or ends early is followed exactly as without concurrency. At most concurrency - 1 pages
        past the end are asked for. Cursor links are followed one by one.

        on_page(items) is called with each page's items, in order, as soon as the page is
        accepted: a caller starts its side listings from it while the pages go on.

        Any page that fails (after the usual retries) raises: a partial list is never returned.
        """
        from collections import deque
        from concurrent.futures import ThreadPoolExecutor  # here: most tasks never page ahead (bench_task_cost.py)

        window = PageWindow(concurrency)
        page_items, url = self._split_checked(split_page, self._page("GET", path, params, 0), path)
        items = list(page_items)
        if on_page:
            on_page(page_items)
        if not url:
            return items
        pool = ThreadPoolExecutor(max_workers=window.cap) if window.cap > 1 else InlinePool()
        ahead = deque()  # the pages asked for, in listing order
        seen = set()
        try:
            while url:
                self._check_next_link(path, url, seen)
                if not ahead or url_key(ahead[0].url) != url_key(url):
                    ahead.clear()  # predicted wrongly (the listing changed): go on from the server's own link
                    ahead.append(self._ask_page(pool, split_page, url, len(items), window))
                while len(ahead) < window.size:
                    following = following_offset_url(ahead[-1].url)
                    if following is None:
                        break
                    ahead.append(self._ask_page(pool, split_page, following, len(items), window))
                page = ahead.popleft()
                page_items, url = page.future.result()  # a failed page raises here: no partial list
                window.page_done(page)
                seen.add(url_key(page.url))
                if not page_items and url:
                    raise self._pagination_error(path, "has an empty page that links on (%s)" % page.url)
                items.extend(page_items)
                if on_page:
                    on_page(page_items)
        finally:
            # Pages still asked for are past the end (or after a failure): nothing waits for their answers.
            # Those not started are dropped; those in flight end on their own (or when the session closes).
            pool.shutdown(wait=False, cancel_futures=True)
        for page in ahead:
            # A page past the end may have met Ctrl-C before its request: Interrupted is raised once, there.
            if page.future.done() and not page.future.cancelled() and isinstance(page.future.exception(), interrupt.Interrupted):
                raise page.future.exception()
        return items

    def _check_next_link(self, path, url, seen):
        if url_key(url) in seen:
            raise self._pagination_error(path, "loops on %s" % url)
        if origin(url) != self.origin:
            raise self._pagination_error(path, "links to %s, outside the configured origin %s" % (url, _origin_text(self.origin)))
        if len(seen) + 1 >= MAX_PAGES:
            raise self._pagination_error(path, "goes on past %d pages" % MAX_PAGES)

    def _ask_page(self, pool, split_page, url, position, window):
        """Start fetching one page (a PageRequest); its future gives (items, next URL)."""
        page = PageRequest(url, window.decreases, self._throttled_count())

        def fetch():
            page.started = time.monotonic()
            try:
                # A `next` URL carries its own query: sending params too would replace it.
                return self._split_checked(split_page, self._page("GET", url, None, position), url)
            finally:
                page.seconds = time.monotonic() - page.started
                page.throttled = self._throttled_count() > page.throttled_before

        page.future = pool.submit(fetch)
        return page

    def _throttled_count(self):
        """How many 429 answers (rate limited) this client has retried so far."""
        return sum(1 for retry in self.retries if retry[2] == 429)

    @staticmethod
    def _fetch_pages(fetch, keys, concurrency):
        """[fetch(key) for key in keys], up to `concurrency` at a time; the first failure (in order) raises."""
        if concurrency <= 1 or len(keys) <= 1:
            return [fetch(key) for key in keys]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(concurrency, len(keys))) as pool:
            return list(pool.map(fetch, keys))

    def paginate_offset(self, path: str, params: Optional[dict], limit: int, split_page: Callable[[Any], tuple], concurrency: int = 1) -> list:
        """Offset/limit paging. split_page(payload) -> (items, total or None).

        With a total (TelecomX), pages after the first may be fetched concurrently,
        and a listing that comes back shorter than the total raises. Without one,
        paging stops at the first short page.
        """
        base = dict(params or {})

        pages = [0]

        def fetch(offset):
            pages[0] += 1
            if pages[0] > MAX_PAGES:
                raise self._pagination_error(path, "goes on past %d pages" % MAX_PAGES)
            payload = self._page("GET", path, dict(base, offset=offset, limit=limit), offset)
            return self._split_checked(split_page, payload, path)

        first, total = fetch(0)
        items = list(first)
        if total is None:
            offset = len(first)
            while len(first) >= limit:
                first = fetch(offset)[0]
                items.extend(first)
                offset += len(first)
            return items
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            raise self.malformed("GET", self.url(path), "a total that is not a count: %s" % cut(repr(total), 40))
        # Servers may send fewer than `limit` per page (TelecomX says so): step by what the first page held.
        step = len(first) or limit
        if (total - len(first)) / float(step) >= MAX_PAGES:
            raise self._pagination_error(path, "announces %d items, more than %d pages of %d" % (total, MAX_PAGES, step))
        offsets = range(step, total, step)  # a range: nothing is built from the server's total
        pages_ahead = self._fetch_pages(fetch, offsets, concurrency)
        for offset, page in zip(offsets, pages_ahead):
            if len(items) != offset:
                break  # an earlier page was short: continue in order from where the items end
            items.extend(page[0])
        while len(items) < total:
            page_items = fetch(len(items))[0]
            if not page_items:
                raise self._pagination_error(
                    path, "returned %d of %d items (the list changed while paging, a page was short, or the total is wrong)" % (len(items), total)
                )
            items.extend(page_items)
        return items

    def _split_checked(self, split_page, payload, url):
        """split_page(payload), held to the shape every listing has: a list, a `next` that is a URL (or a total).
        That the items are what the platform lists (objects) is its split_page's to check."""
        page_items, after = split_page(payload)
        if not isinstance(page_items, list):
            raise self.malformed("GET", self.url(url), "a page whose items are not a list")
        if after is not None and not isinstance(after, (str, int)) or isinstance(after, bool):
            raise self.malformed("GET", self.url(url), "a link to the next page that is not a URL: %s" % cut(repr(after), 40))
        return page_items, after

    def _pagination_error(self, path, what):
        error = PaginationError(
            "%s: listing %s %s; nothing is returned rather than a partial list" % (self.platform, self._path(self.url(path)), what),
            platform=self.platform,
            method="GET",
            url=self.url(path),
        )
        return error.redacted(self.redactor)

    def _page(self, method, url, params, position):
        try:
            return self.request(method, url, params=params)
        except WanfleetError as exc:
            # Keep the error's type (auth, rate limit, ...); say that the listing was abandoned.
            exc.message += " (while listing, after %d items; no partial list is returned)" % position
            exc.args = (exc.message,)
            raise


def _shape(value):
    """What a JSON value is, briefly, for messages."""
    if isinstance(value, list):
        kinds = sorted(set(type(item).__name__ for item in value))
        return "a list of %s" % ", ".join(kinds) if kinds else "an empty list"
    return "a %s" % type(value).__name__


def _origin_text(parts):
    scheme, host, port = parts
    return "%s://%s:%s" % (scheme, host, port)


def _nested_deeper(value, limit):
    """True when `value` nests lists/objects more than `limit` levels (walked level by level, no recursion)."""
    level = [value] if isinstance(value, (dict, list)) else []
    for dummy in range(limit):
        level = [child for node in level for child in (node.values() if isinstance(node, dict) else node) if isinstance(child, (dict, list))]
        if not level:
            return False
    return True


def _is_tls_error(exc):
    text = "%s %r" % (exc, getattr(exc, "__context__", None))
    return "CERTIFICATE_VERIFY_FAILED" in text or "SSLError" in text or "certificate verify failed" in text
