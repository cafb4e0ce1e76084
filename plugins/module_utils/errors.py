# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors and secret redaction shared by every platform client.

Every error carries what a user needs to act on it (platform, method, redacted
URL, status, the vendor's own message) and nothing they must not see (tokens,
passwords, keys): the message is passed through the run's Redactor before it
is stored.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, Iterable
from urllib.parse import quote, quote_plus

MASK = "********"

# Query parameters that carry credentials on these platforms: IC2 `access_token`,
# router `accessToken`, TelecomX `token`, OAuth bodies `client_secret`/`refresh_token`.
SECRET_PARAMS = frozenset(
    name.lower()
    for name in (
        "token",
        "access_token",
        "accessToken",
        "refresh_token",
        "client_secret",
        "clientSecret",
        "password",
        "api_key",
        "apikey",
        "secret",
    )
)
SECRET_HEADERS = frozenset(("authorization", "cookie", "set-cookie", "x-cp-api-key", "x-ecm-api-key"))


class Redactor(object):
    """Knows every secret of the run and masks them wherever they appear."""

    def __init__(self, secrets: Iterable[object] = ()) -> None:
        self._secrets: set[str] = set()
        self._pattern = None  # every secret, longest first, as one regular expression (built when needed)
        for secret in secrets:
            self.add(secret)

    def add(self, secret: object) -> None:
        # Very short values ("1", "ok") would mask ordinary words; credentials are longer.
        if secret is None or len(str(secret)) < 4 or str(secret) in self._secrets:
            return
        secret = str(secret)
        # The forms a secret takes inside messages too: escaped by repr() or JSON (a key with a
        # newline shows as `\n`), and URL-encoded in a query or form body.
        self._secrets.update((secret, repr(secret)[1:-1], json.dumps(secret)[1:-1], quote(secret, safe=""), quote_plus(secret, safe="")))
        self._pattern = None

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset(self._secrets)

    def text(self, value: object) -> str | None:
        if value is None:
            return None
        text = str(value)
        if self._secrets:
            if self._pattern is None:
                # Longest first, so a secret that contains another is masked whole.
                self._pattern = re.compile("|".join(re.escape(secret) for secret in sorted(self._secrets, key=len, reverse=True)))
            text = self._pattern.sub(MASK, text)
        return _mask_query_secrets(text) if "=" in text else text

    def data(self, value: Any) -> Any:
        """Mask secrets inside nested structures (for error bodies and results): the values of
        secret-named keys at any depth, and every known secret inside any string. One pass: device
        listings of thousands of records go through here."""
        if isinstance(value, dict):
            return dict((key, MASK if _is_secret_key(key) and item not in (None, "") else self.data(item)) for key, item in value.items())
        if isinstance(value, (list, tuple)):
            return [self.data(item) for item in value]
        if isinstance(value, str):
            return self.text(value)
        return value


_QUERY_SECRET_RE = re.compile(r"(?i)([?&](?:%s)=)[^&#\s\"']*" % "|".join(re.escape(name) for name in sorted(SECRET_PARAMS)))


def _mask_query_secrets(text):
    return _QUERY_SECRET_RE.sub(lambda match: match.group(1) + MASK, text)


@functools.lru_cache(maxsize=4096)
def _is_secret_key(key):
    lowered = str(key).lower().replace("-", "_")
    if lowered.startswith("update_"):
        return False  # update_password / update_passphrase are policies, not secrets
    return (
        lowered in SECRET_PARAMS
        or lowered in SECRET_HEADERS
        or lowered.endswith(("_key", "psk"))
        or any(word in lowered for word in ("password", "passphrase", "secret"))
    )


def mask_secret_keys(value: Any) -> Any:
    """Mask the values of secret-named keys at any depth (wifi.password5G, reserved clients, ...)."""
    if isinstance(value, dict):
        return dict((key, MASK if _is_secret_key(key) and item not in (None, "") else mask_secret_keys(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [mask_secret_keys(item) for item in value]
    return value


class WanfleetError(Exception):
    """Base of every error the collection raises on purpose."""

    kind = "error"

    def __init__(
        self,
        message: str,
        platform: str | None = None,
        method: str | None = None,
        url: str | None = None,
        status: int | None = None,
        vendor_message: str | None = None,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        super(WanfleetError, self).__init__(message)
        self.message = message
        self.platform = platform
        self.method = method
        self.url = url
        self.status = status
        self.vendor_message = vendor_message
        self.body = body
        self.retry_after = retry_after
        self.exception = None  # a traceback worth showing (-vvv): the client's own error behind this one

    def __str__(self) -> str:
        return self.message

    def redacted(self, redactor: Redactor) -> WanfleetError:
        """Return the same error with every text field masked."""
        self.message = redactor.text(self.message)
        self.url = redactor.text(self.url)
        self.vendor_message = redactor.text(self.vendor_message)
        self.body = redactor.data(self.body)
        self.exception = redactor.text(self.exception)
        self.args = (self.message,)
        return self

    def to_result(self) -> dict[str, Any]:
        """Keys for AnsibleModule.fail_json (besides msg)."""
        result = {"error_kind": self.kind}
        for key in ("platform", "method", "url", "status", "vendor_message", "body", "exception"):
            value = getattr(self, key)
            if value is not None:
                result[key] = value
        return result


class InputError(WanfleetError):
    """The user's input cannot work; raised before any request is sent."""

    kind = "input"


class UnsupportedError(InputError):
    """The platform cannot do what the module asks."""

    kind = "unsupported"


class AmbiguousError(InputError):
    """A name matched several objects; the message lists the candidates."""

    kind = "ambiguous"


class TransportError(WanfleetError):
    """Connection refused or dropped, TLS failure, timeout: no HTTP answer."""

    kind = "transport"
    cause = None  # the transport exception's name, e.g. ReadTimeout or ConnectError
    sent = False  # True when the request went out and only the answer was lost


class ApiError(WanfleetError):
    """The API answered, and the answer is an error."""

    kind = "api"


class AuthError(ApiError):
    kind = "auth"


class PermissionDeniedError(ApiError):
    kind = "permission"


class NotFoundError(ApiError):
    kind = "not_found"


class RateLimitedError(ApiError):
    kind = "rate_limited"


class ValidationError(ApiError):
    kind = "validation"


class ConflictError(ValidationError):
    kind = "conflict"


class ServerError(ApiError):
    kind = "server"


class WaitTimeoutError(WanfleetError):
    """A device did not reach the awaited state (back after reboot, provisioned) in time."""

    kind = "timeout"


class PendingError(ApiError):
    """The platform accepted the request but has not finished it (IC2 resp_code PENDING)."""

    kind = "pending"


class MalformedResponseError(ApiError):
    """The API answered something that is not the documented envelope (e.g. broken JSON)."""

    kind = "malformed"


class RedirectError(ApiError):
    """A redirect that was not followed (another origin, or a login), or a request to another origin."""

    kind = "redirect"


class PaginationError(ApiError):
    """A page of a listing failed: the listing is abandoned, never returned partially."""

    kind = "pagination"


def error_class_for_status(status: int | None) -> type[ApiError]:
    """The typed error for an HTTP status; the platform refines it from the body."""
    if status in (401, 407):
        return AuthError
    if status == 403:
        return PermissionDeniedError
    if status == 404:
        return NotFoundError
    if status == 429:
        return RateLimitedError
    if status == 409:
        return ConflictError
    if status in (400, 405, 412, 413, 415, 422):
        return ValidationError
    if status is not None and status >= 500 or status in (408,):
        return ServerError
    return ApiError
