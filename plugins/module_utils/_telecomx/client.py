# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TelecomXClient: login and the token query parameter, access levels, the envelope and its errors."""

from __future__ import annotations

import json
import re
import threading
import time

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    ApiError,
    AuthError,
    ConflictError,
    InputError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    ValidationError,
    error_class_for_status,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.http import DEFAULT_MAX_RETRIES, ApiClient
from ansible_collections.wanfleet.routers.plugins.module_utils.token_cache import TokenCache, cache_key
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.convert import _mac_in
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.devices import TelecomXDevices
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.facts import (
    DEFAULT_TOKEN_MINUTES,
    DEVICES_PATH,
    ERROR_BODY_KEYS,
    ERROR_MEANINGS,
    LOGIN_PATH,
    READ_ONLY_ACCESS_LEVELS,
    TOKEN_PARAM,
    VALIDATE_TOKEN_PATH,
    WRITE_ACCESS_LEVELS,
)


def _error_key(body, status):
    """The documented "Message" key of an error body, and the vendor's text, parsed defensively."""
    texts = []
    if isinstance(body, str):
        texts.append(body.strip())
    elif isinstance(body, dict):
        for name in ERROR_BODY_KEYS:
            value = body.get(name)
            if isinstance(value, str) and value:
                texts.append(value)
            elif isinstance(value, list):
                texts.extend(str(item.get("message") or item.get("error") or item) if isinstance(item, dict) else str(item) for item in value if item)
            elif isinstance(value, dict):
                texts.extend("%s: %s" % item for item in value.items())
    elif isinstance(body, list):
        texts.extend(str(item) for item in body if item)
    texts = [text for index, text in enumerate(texts) if text and text not in texts[:index]]
    key = next((text for text in texts if (status, text) in ERROR_MEANINGS), None)
    if key is None:
        key = next((text for text in texts if re.match(r"^[A-Za-z_][\w.\[\]]*$", text)), None)
    return key, "; ".join(text for text in texts if text != key)


class TelecomXClient(TelecomXDevices, ApiClient):
    """The TelecomX network-management API (SPEC platform `telecomx`).

    Credentials (connection.platform_settings): `username`/`password` (a login per run,
    shared through the token cache) or `token` (used as given; it cannot be renewed).
    `customer` (optional) is the customer whose devices are listed and created.
    Never logs out: /auth/logout kills every token of the account (wiki api:auth:logout), including those
    of other runs and forks sharing the cached token.
    """

    platform = "telecomx"

    def __init__(
        self, settings, session, redactor=None, token_cache=None, max_retries=DEFAULT_MAX_RETRIES, sleep=time.sleep, clock=time.monotonic, rate_limit=None
    ):
        super(TelecomXClient, self).__init__(settings["url"], session, redactor=redactor, max_retries=max_retries, sleep=sleep, rate_limit=rate_limit)
        self.settings = settings
        self.customer = settings.get("customer") or None
        self.username = settings.get("username")
        self._password = settings.get("password")
        self._given_token = settings.get("token") if "token" in (settings.get("auth") or ("token",)) else None
        if self._given_token is None and not (self.username and self._password):
            raise InputError("telecomx: credentials are missing: set telecomx.token or telecomx.username and telecomx.password", platform=self.platform)
        for secret in (self._password, self._given_token):
            self.redactor.add(secret)
        self.token_cache = token_cache or TokenCache(enabled=False)
        # No rate limit is documented: no spacing until TelecomX answers 429, then the account's rate
        # follows its 429s (at most the user's rate_limit), shared by the run's forks.
        self.rate_limiter = self.shared_limiter(self.token_cache, None, None, (self.username or "", self.customer or ""))
        self._clock = clock
        self._lock = threading.RLock()
        self._local = threading.local()  # the token a thread's refused request carried
        self._entry = None
        self._identity = None  # validateToken reply for a given token (its access level)
        self._models = None

    # ---- auth -------------------------------------------------------------------------

    def _cache_key(self):
        return cache_key(self.platform, self.base_url, self.username, self._password)

    def authenticate(self, force=False):
        if self._given_token is not None:
            return
        with self._lock:
            refused = getattr(self._local, "refused", None)
            self._local.refused = None
            if force and refused is not None and self._entry and self._entry["token"] != refused:
                return  # another thread already logged in again after the same expiry
            entry = self.token_cache.obtain(self._cache_key(), self._login, force=force)
            self.redactor.add(entry.get("token"))
            self._entry = entry

    def _login(self):
        # Never `persist`: a token that never expires, cached on disk, outlives its need, and the
        # only way to kill it (logout) kills every session of the account.
        # Resending a login is harmless (it only issues another token), so it may be retried.
        payload = self.request("POST", LOGIN_PATH, json={"username": self.username, "password": self._password}, auth=False, idempotent=True)
        token = payload.get("token") if isinstance(payload, dict) else None
        if not token or not isinstance(token, str):
            raise MalformedResponseError(
                "telecomx: POST %s answered without a token" % LOGIN_PATH, platform=self.platform, method="POST", url=self.url(LOGIN_PATH)
            )
        self.redactor.add(token)
        minutes = payload.get("expiresInMinutes", DEFAULT_TOKEN_MINUTES)
        try:
            minutes = float(minutes)
        except (TypeError, ValueError):
            minutes = DEFAULT_TOKEN_MINUTES
        return {
            "token": token,
            "expires_at": None if minutes < 0 else time.time() + minutes * 60.0,
            "customer": payload.get("customer"),
            "accessLevel": payload.get("accessLevel"),
            "employee": payload.get("employee"),
        }

    def auth_params(self):
        token = self._given_token if self._given_token is not None else (self._entry or {}).get("token")
        return {TOKEN_PARAM: token} if token else {}

    def is_expired_auth(self, response):
        if self._given_token is not None or response.status_code != 401:
            return False
        # Any 401 (`expired`, `credentials_invalid`, `invalid_token`, or a body we cannot read):
        # log in once more. Remember which token was refused, for concurrent pages.
        try:
            self._local.refused = response.request.url.params.get(TOKEN_PARAM)
        except (AttributeError, RuntimeError):
            self._local.refused = None
        return True

    @property
    def login_customer(self):
        """The account's own customer id (from the login reply), or None."""
        if self._given_token is not None:
            return (self._validate_token() or {}).get("customer")
        self.authenticate()
        return self._entry.get("customer")

    @property
    def access_level(self):
        """The account's access level (VIEWER, MANAGER, ...), or None when it cannot be known."""
        if self._given_token is not None:
            return (self._validate_token() or {}).get("accessLevel")
        self.authenticate()
        return self._entry.get("accessLevel")

    def _known_access_level(self):
        """The access level if already known, without a request (for error messages)."""
        entry = self._identity if self._given_token is not None else self._entry
        return (entry or {}).get("accessLevel")

    def _validate_token(self):
        """Who a given token belongs to (documented validateToken); best effort beyond auth failures."""
        if self._identity is None:
            try:
                reply = self.request("GET", VALIDATE_TOKEN_PATH)
            except (NotFoundError, MalformedResponseError, ServerError):
                reply = None  # the endpoint is documented but optional for us: the API will still say 403
            self._identity = reply if isinstance(reply, dict) else {}
        return self._identity

    def require_write(self, action="change network devices"):
        """Raise PermissionDeniedError before a write the account's access level cannot do (wiki api:employee:create, access levels)."""
        level = self.access_level
        if level in READ_ONLY_ACCESS_LEVELS:
            who = "the account %s" % self.username if self.username else "the token's account"
            raise PermissionDeniedError(
                "telecomx: %s has access level %s, which cannot %s; that needs %s" % (who, level, action, ", ".join(WRITE_ACCESS_LEVELS)),
                platform=self.platform,
            )

    def close(self):
        """Nothing to release: the token stays cached for the run's later tasks, and logout is never called."""

    # ---- envelope and errors --------------------------------------------------------------

    def unwrap(self, response, method, url):
        if response.status_code >= 400:
            raise self._api_error(response, method, url)
        if not response.content:
            return None
        payload = self.json(response, method, url)
        if isinstance(payload, dict) and payload.get("success") is False:
            # Undocumented (errors are documented as HTTP statuses), handled all the same.
            vendor = self.vendor_message(payload) or "success: false"
            raise ApiError(
                "telecomx: %s %s answered HTTP %s with success false: %s" % (method, self._path(url), response.status_code, vendor),
                platform=self.platform,
                method=method,
                url=url,
                status=response.status_code,
                vendor_message=vendor,
                body=payload,
            )
        return payload

    def vendor_message(self, body):
        key, text = _error_key(body, None)
        return "; ".join(filter(None, (key, text))) or None

    def _api_error(self, response, method, url):
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = response.text[:500] or None
        key, text = _error_key(body, status)
        meaning = ERROR_MEANINGS.get((status, key))
        cls = error_class_for_status(status)
        path = self._path(url)
        explanation = None
        if status == 401:
            cls = AuthError
            explanation = self._auth_explanation(path, meaning)
        elif status == 403 and key == "access_denied":
            level = self._known_access_level()
            explanation = "access denied: the account's access level%s is not enough for this call, or the customer is not one of the account's" % (
                " " + level if level else ""
            )
            if level in READ_ONLY_ACCESS_LEVELS and method != "GET":
                explanation += " (writes need %s)" % ", ".join(WRITE_ACCESS_LEVELS)
        elif status == 404 and key == "id" and path.startswith(DEVICES_PATH + "/"):
            explanation = "no network device with id %s" % path.rsplit("/", 1)[1]
        elif status == 404 and key == "customer":
            explanation = "customer %s not found" % (self._request_field(response, "customer") or self.customer or "")
        elif status == 422 and key == "macAddress":
            cls = ConflictError
            mac = self._request_field(response, "macAddress")
            explanation = "MAC address %s is already in use (by another device, possibly of another customer)" % (_mac_in(mac) if mac else "")
        elif status == 409 and key == "type":
            cls = ValidationError
        elif meaning is None and key is None and text:
            meaning = text  # a shape we do not know: show the body as it came
            text = None
        message = "telecomx: %s %s failed with HTTP %s" % (method, path, status)
        if key:
            message += " (%s)" % key
        detail = explanation or meaning
        if detail:
            message += ": %s" % detail
        if text and text != detail:
            message += " [%s]" % text
        if body is not None and key is None and not text and not isinstance(body, str):
            message += ": %s" % (body,)
        return cls(
            re.sub(r"\s+", " ", message).strip(), platform=self.platform, method=method, url=url, status=status, vendor_message=key or text or None, body=body
        )

    def _auth_explanation(self, path, meaning):
        reason = " (%s)" % meaning if meaning else ""
        if self._given_token is not None:
            return (
                "the given token (telecomx.token / TELECOMX_TOKEN) was refused%s: it is invalid or expired; "
                "create a new one, or use telecomx.username and telecomx.password" % reason
            )
        if path == LOGIN_PATH:
            return (
                "login as %s was refused: check telecomx.username / telecomx.password (TELECOMX_USERNAME / "
                "TELECOMX_PASSWORD); an account that must log in with an SMS or authenticator code cannot be used "
                "here: use an M2M token (telecomx.token)" % self.username
            )
        return "the token was refused%s even after a new login; the account may not log in from this IP address" % reason

    @staticmethod
    def _request_field(response, name):
        """A field of the JSON body the failed request sent (for error messages)."""
        try:
            body = json.loads(response.request.content or b"null")
        except (AttributeError, RuntimeError, ValueError):
            return None
        return body.get(name) if isinstance(body, dict) else None

    def _malformed(self, path, detail, payload=None):
        return MalformedResponseError(
            "telecomx: GET %s answered %s" % (path, detail), platform=self.platform, method="GET", url=self.url(path), body=payload
        ).redacted(self.redactor)

    # ---- paging ---------------------------------------------------------------------------

    def _split(self, path, keys, any_list=False):
        """split_page for paginate_offset: (items, total) from {offset, limit, total, <key>: [...]}."""

        def split(payload):
            if not isinstance(payload, dict):
                raise self._malformed(path, "a %s instead of the list envelope" % type(payload).__name__, payload)
            items = next((payload[key] for key in keys if isinstance(payload.get(key), list)), None)
            if items is None and any_list:
                items = next((value for value in payload.values() if isinstance(value, list)), None)
            if items is None:
                raise self._malformed(path, "no list under %s (keys: %s)" % (" / ".join(keys), ", ".join(sorted(payload))))
            if not all(isinstance(item, dict) for item in items):
                raise self._malformed(path, "list items that are not all objects")
            total = payload.get("total")
            if total is not None:
                try:
                    total = int(total)
                except (TypeError, ValueError):
                    raise self._malformed(path, "a total that is not a number: %r" % (total,))
            return items, total

        return split
