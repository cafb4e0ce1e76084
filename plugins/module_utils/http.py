# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP mechanics shared by every platform: one pooled client, retries, paging.

Platform knowledge (auth, envelopes, error shapes) lives in the platform
modules, which subclass ApiClient and fill in its hooks. Nothing here knows a
vendor.
"""

from __future__ import annotations

import email.utils
import http.cookiejar
import os
import random
import ssl
import sys
import threading
import time
import traceback
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# httpx's __init__ imports its command-line client, httpx._main, whenever rich and click are
# installed (ansible-lint brings them into many controller environments); it falls back to a stub
# `httpx.main` when that import fails. No module uses the CLI, and every task is a new process:
# loading it cost each task about 75 ms of CPU (bench/bench_task_cost.py). So the first import
# of httpx in a process is made with httpx._main blocked; the block is lifted right after, so an
# explicit `import httpx._main` still works.
_HTTPX_CLI = "httpx._main"
_BLOCK_HTTPX_CLI = "httpx" not in sys.modules and _HTTPX_CLI not in sys.modules
if _BLOCK_HTTPX_CLI:
    sys.modules[_HTTPX_CLI] = None  # type: ignore[assignment]  # makes `from ._main import main` raise ImportError
try:
    import httpx
    HAS_HTTPX = True
    HTTPX_IMPORT_ERROR = None
except ImportError:
    HAS_HTTPX = False
    HTTPX_IMPORT_ERROR = traceback.format_exc()
finally:
    if _BLOCK_HTTPX_CLI and sys.modules.get(_HTTPX_CLI, False) is None:
        del sys.modules[_HTTPX_CLI]

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # pragma: no cover - Windows controllers are not supported by Ansible
    HAS_FCNTL = False

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    MalformedResponseError,
    PaginationError,
    Redactor,
    TransportError,
    WanfleetError,
    error_class_for_status,
)

COLLECTION_VERSION = "0.1.0"
USER_AGENT = "wanfleet.routers/%s" % COLLECTION_VERSION

# Methods that may be re-sent after a failure without changing the outcome.
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))
DEFAULT_RETRY_STATUSES = frozenset((429, 502, 503, 504))
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 5
BACKOFF_BASE = 0.5
# A Retry-After longer than this is not waited out: the run fails with the hint instead.
RETRY_MAX_WAIT = 60.0
# Transport failures that happen before a request leaves (no connection): anything else (a read
# timeout, a connection closed mid-answer) may come after the platform received the request.
NOT_SENT_ERRORS = frozenset(("ConnectError", "ConnectTimeout", "PoolTimeout", "UnsupportedProtocol", "ProxyError"))


def parse_retry_after(headers, now=None):
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
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def backoff_delay(attempt, base=BACKOFF_BASE, cap=RETRY_MAX_WAIT, rand=random.random):
    """Exponential backoff with jitter: half fixed, half random, never above cap."""
    ceiling = min(cap, base * (2 ** attempt))
    return ceiling / 2.0 + rand() * ceiling / 2.0


class HttpSession(object):
    """The one pooled httpx client of a run, with the run's transport settings."""

    def __init__(self, timeout=DEFAULT_TIMEOUT, validate_certs=True, ca_path=None, transport=None):
        if not HAS_HTTPX:
            raise WanfleetError("the Python library httpx is required on the controller")
        if not validate_certs:
            verify = False
        elif ca_path:
            if not os.path.exists(ca_path):
                raise WanfleetError("ca_path %s does not exist" % ca_path)
            verify = ssl.create_default_context(cafile=ca_path)
        else:
            verify = True
        self.timeout = float(timeout)
        self.client = httpx.Client(
            timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
            verify=verify,
            trust_env=True,  # HTTPS_PROXY/NO_PROXY and SSL_CERT_FILE from the environment
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=True,
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            transport=transport,
            # No shared cookie jar: one router's session cookie must never reach another router on the
            # same host; the platforms that use cookies send them explicitly.
            cookies=httpx.Cookies(http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))),
        )

    def close(self):
        self.client.close()


LATE_SLOT_RETRIES = 3


class RateLimiter(object):
    """Spaces requests to at most `rate` per second, across threads and forks.

    With a state file, every process of the run (Ansible forks) shares one
    schedule through an flock-ed timestamp, so 20 forks together stay under a
    per-organization limit instead of each assuming it has the whole budget.
    """

    def __init__(self, rate, state_file=None, sleep=time.sleep, clock=time.time):
        self.interval = 1.0 / float(rate)
        self.state_file = state_file if HAS_FCNTL else None
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._next_slot = 0.0

    def _reserve(self, now):
        if not self.state_file:
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.interval
            return slot
        fd = os.open(self.state_file, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = os.read(fd, 64)
            try:
                shared_next = float(raw.decode("ascii") or 0)
            except ValueError:
                shared_next = 0.0
            slot = max(now, shared_next)
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, ("%.6f" % (slot + self.interval)).encode("ascii"))
        finally:
            os.close(fd)  # closing releases the flock
        return slot

    def wait(self):
        for attempt in range(LATE_SLOT_RETRIES + 1):
            with self._lock:
                slot = self._reserve(self._clock())
            delay = slot - self._clock()
            if delay > 0:
                self._sleep(delay)
            # A process that wakes up late (a busy controller: 20 forks on a few cores) would send in
            # the time of a later slot, and the two requests would reach the platform together: 20
            # forks doing so put 30 requests into one second. A slot missed by more than half an
            # interval is given up and a new one taken (a few times at most, then the request goes).
            if self._clock() - slot <= self.interval / 2.0 or attempt == LATE_SLOT_RETRIES:
                return


class ApiClient(object):
    """One platform's API: auth, envelope and errors are the subclass's hooks.

    `request` is the only way a platform talks HTTP. It applies auth, retries
    idempotent requests on retryable statuses and transport errors with
    backoff (honouring Retry-After), re-authenticates once on an expired
    token, and turns every failure into a typed, redacted WanfleetError.
    """

    platform = "unknown"
    retry_statuses = DEFAULT_RETRY_STATUSES

    def __init__(self, base_url, session, redactor=None, max_retries=DEFAULT_MAX_RETRIES,
                 retry_max_wait=RETRY_MAX_WAIT, sleep=time.sleep, rate_limiter=None):
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.redactor = redactor or Redactor()
        self.max_retries = int(max_retries)
        self.retry_max_wait = float(retry_max_wait)
        self.rate_limiter = rate_limiter
        self._sleep = sleep
        self.retries = []  # (method, url, status or error kind, delay): reported as warnings
        self.request_count = 0

    # ---- hooks for platforms -------------------------------------------------

    def authenticate(self, force=False):
        """Obtain credentials for later requests (cache first unless force)."""

    def auth_headers(self):
        return {}

    def auth_params(self):
        return {}

    def is_expired_auth(self, response):
        """True when the answer means "your token expired": re-authenticate and resend once."""
        return False

    def is_retryable(self, response):
        """True for a transient failure the status does not show (an error inside an HTTP 200)."""
        return response.status_code in self.retry_statuses

    def close(self):
        """Release what the run holds on the platform (sessions); never raises."""

    def unwrap(self, response, method, url):
        """Return the payload of a successful answer or raise the platform's typed error."""
        if response.status_code >= 400:
            raise self.error(response, method, url)
        return self.json(response, method, url) if response.content else None

    def vendor_message(self, body):
        """The vendor's error text from an error body (platforms know their shapes)."""
        if isinstance(body, dict):
            for key in ("message", "error_description", "error", "detail"):
                if body.get(key):
                    return str(body[key])
        return None

    # ---- helpers for platforms -----------------------------------------------

    def url(self, path):
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url + "/" + path.lstrip("/")

    def json(self, response, method, url):
        try:
            return response.json()
        except ValueError:
            raise MalformedResponseError(
                "%s: %s %s answered HTTP %s with a body that is not JSON: %s"
                % (self.platform, method, self._path(url), response.status_code, response.text[:200]),
                platform=self.platform, method=method, url=url, status=response.status_code,
            )

    def error(self, response, method, url, message=None, cls=None):
        """A typed error for an error answer, carrying the vendor's message."""
        try:
            body = response.json()
        except ValueError:
            body = response.text[:500] or None
        vendor = message or self.vendor_message(body) or (body if isinstance(body, str) else None)
        cls = cls or error_class_for_status(response.status_code)
        text = "%s: %s %s failed with HTTP %s" % (self.platform, method, self._path(url), response.status_code)
        if vendor:
            text += ": %s" % vendor
        return cls(text, platform=self.platform, method=method, url=url, status=response.status_code,
                   vendor_message=vendor, body=body, retry_after=parse_retry_after(response.headers))

    def _path(self, url):
        """The URL shown in messages: relative to the platform's base when possible."""
        url = str(url)
        return url[len(self.base_url):] or "/" if url.startswith(self.base_url) else url

    # ---- the request loop ----------------------------------------------------

    def request(self, method, path, params=None, json=None, data=None, headers=None,
                idempotent=None, auth=True, unwrap=True):
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
                response = self._send(method, url, request_params, json, data, request_headers)
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
                    exc.message += ("; the platform asks to retry after %.0fs, longer than a task waits (%.0fs): "
                                    "run it again later" % (wait, self.retry_max_wait))
                exc.args = (exc.message,)
                raise exc.redacted(self.redactor)

    def _send(self, method, url, params, json, data, headers):
        if self.rate_limiter is not None:
            self.rate_limiter.wait()
        self.request_count += 1
        return self.session.client.request(method, url, params=params, json=json, data=data, headers=headers)

    def _pause(self, method, url, reason, attempt, retry_after):
        delay = retry_after if retry_after is not None else backoff_delay(attempt, cap=self.retry_max_wait)
        self.retries.append((method, self.redactor.text(self._path(url)), reason, round(delay, 2)))
        self._sleep(delay)
        return attempt + 1

    def _transport_error(self, method, url, exc, detail=None, idempotent=True):
        detail = detail or str(exc) or type(exc).__name__
        if _is_tls_error(exc):
            detail = ("TLS certificate verification failed (%s); give the CA with ca_path, "
                      "or set validate_certs: false for a self-signed device" % detail)
        elif not idempotent and type(exc).__name__ not in NOT_SENT_ERRORS:
            # The answer was lost, not the request: the platform may have carried it out (a reboot
            # under way, an object created), so it is not resent, and the user must know that.
            detail += ("; the request was sent and may have been carried out, so it is not resent: "
                       "check the outcome before running the task again")
        error = TransportError("%s: %s %s: %s" % (self.platform, method, self._path(url), detail),
                               platform=self.platform, method=method, url=url)
        error.cause = type(exc).__name__
        error.sent = error.cause not in NOT_SENT_ERRORS
        return error.redacted(self.redactor)

    # ---- paging ---------------------------------------------------------------

    def paginate_next(self, path, params, split_page, concurrency=1):
        """Follow `next` links to the end. split_page(payload) -> (items, next_url or None).

        With concurrency > 1 and `next` links that are offset links (`offset=` and `limit=` in
        their query), the following pages are predicted and fetched up to `concurrency` at a
        time; each page's own `next` is still checked against the prediction, so a listing that
        changes or ends early is followed exactly as without concurrency. At most
        concurrency - 1 pages past the end are asked for. Cursor links are followed one by one.

        Any page that fails (after the usual retries) raises: a partial list is never returned.
        """
        items, seen = [], set()
        page_items, url = split_page(self._page("GET", path, params, 0))
        items.extend(page_items)
        while url:
            if _url_key(url) in seen:
                raise PaginationError("%s: listing %s loops on %s" % (self.platform, path, self.redactor.text(url)),
                                      platform=self.platform, method="GET", url=self.redactor.text(url))
            # A `next` URL carries its own query: sending params too would replace it.
            urls = _following_offset_urls(url, concurrency)
            position = len(items)
            pages = self._fetch_pages(lambda page_url: split_page(self._page("GET", page_url, None, position)),
                                      urls, concurrency)
            for index, (page_items, next_url) in enumerate(pages):
                seen.add(_url_key(urls[index]))
                items.extend(page_items)
                url = next_url
                # Go on with the pages fetched ahead only while each page's `next` is the one predicted.
                if not next_url or index + 1 == len(urls) or _url_key(next_url) != _url_key(urls[index + 1]):
                    break
        return items

    @staticmethod
    def _fetch_pages(fetch, keys, concurrency):
        """[fetch(key) for key in keys], up to `concurrency` at a time; the first failure (in order) raises."""
        if concurrency <= 1 or len(keys) <= 1:
            return [fetch(key) for key in keys]
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=min(concurrency, len(keys))) as pool:
            return list(pool.map(fetch, keys))

    def paginate_offset(self, path, params, limit, split_page, concurrency=1):
        """Offset/limit paging. split_page(payload) -> (items, total or None).

        With a total (TelecomX), pages after the first may be fetched concurrently,
        and a listing that comes back shorter than the total raises. Without one,
        paging stops at the first short page.
        """
        base = dict(params or {})

        def fetch(offset):
            payload = self._page("GET", path, dict(base, offset=offset, limit=limit), offset)
            return split_page(payload)

        first, total = fetch(0)
        items = list(first)
        if total is None:
            offset = len(first)
            while len(first) >= limit:
                first = fetch(offset)[0]
                items.extend(first)
                offset += len(first)
            return items
        total = int(total)
        # Servers may send fewer than `limit` per page (TelecomX says so): step by what the first page held.
        step = len(first) or limit
        offsets = list(range(step, total, step))
        pages = self._fetch_pages(fetch, offsets, concurrency)
        for offset, page in zip(offsets, pages):
            if len(items) != offset:
                break  # an earlier page was short: continue in order from where the items end
            items.extend(page[0])
        while len(items) < total:
            page_items = fetch(len(items))[0]
            if not page_items:
                raise PaginationError(
                    "%s: listing %s returned %d of %d items (the list changed while paging or a page was short); "
                    "nothing is returned rather than a partial list" % (self.platform, path, len(items), total),
                    platform=self.platform, method="GET", url=self.url(path))
            items.extend(page_items)
        return items

    def _page(self, method, url, params, position):
        try:
            return self.request(method, url, params=params)
        except WanfleetError as exc:
            # Keep the error's type (auth, rate limit, ...); say that the listing was abandoned.
            exc.message += " (while listing, after %d items; no partial list is returned)" % position
            exc.args = (exc.message,)
            raise


def _is_tls_error(exc):
    text = "%s %r" % (exc, getattr(exc, "__context__", None))
    return "CERTIFICATE_VERIFY_FAILED" in text or "SSLError" in text or "certificate verify failed" in text


def _following_offset_urls(next_url, count):
    """next_url, then up to count - 1 URLs after it when it is an offset link (same query, offset + limit each)."""
    if count <= 1:
        return [next_url]  # sequential paging: no need to read the link
    parts = urlsplit(next_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    values = dict(query)
    try:
        offset, limit = int(values["offset"]), int(values["limit"])
    except (KeyError, ValueError):
        return [next_url]
    if limit <= 0:
        return [next_url]
    urls = [next_url]
    for step in range(1, count):
        page_query = [(key, str(offset + step * limit) if key == "offset" else value) for key, value in query]
        urls.append(urlunsplit(parts._replace(query=urlencode(page_query))))
    return urls


def _url_key(url):
    """What identifies a page: scheme, host, path and the query parameters in any order."""
    parts = urlsplit(url)
    return parts[:3] + (tuple(sorted(parse_qsl(parts.query, keep_blank_values=True))),)


def chunked(values, size=100):
    """Split a list for `__in` filters (NCM allows 100 values per field)."""
    values = list(values)
    return [values[index:index + size] for index in range(0, len(values), size)]
