# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""InControlClient: OAuth2 client credentials, the `{resp_code, ..., data}` envelope, the organization and the
device-API proxy (router replies unwrapped by _router_api)."""

from __future__ import annotations

import time

from ansible_collections.wanfleet.routers.plugins.module_utils._router_api import unwrap_router_reply
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    ApiError,
    AuthError,
    InputError,
    MalformedResponseError,
    PendingError,
    Redactor,
    WanfleetError,
    error_class_for_status,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.http import DEFAULT_MAX_RETRIES, ApiClient
from ansible_collections.wanfleet.routers.plugins.module_utils.token_cache import TokenCache, cache_key
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.common import (
    _error_code,
    _is_token_url,
    _json_or_none,
    _pick,
    _wrapped,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.devices import InControlDevices
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.facts import (
    DEVAPI_POST_CONTENT_TYPE,
    ENDPOINTS,
    ERROR_CODES,
    ORGANIZATION_CACHE_SECONDS,
    PENDING_READ_ATTEMPTS,
    PENDING_READ_DELAY,
    PLATFORM,
    RATE_CEILING,
    RATE_LIMIT_PER_SECOND,
    RESP_CODE_ERRORS,
)


class InControlClient(InControlDevices, ApiClient):
    """InControl 2 for one organization.

    settings: connection.platform_settings() for `incontrol` (url, client_id,
    client_secret, organization). `clock` drives the rate limiter (tests
    inject a fake one together with `sleep`).
    """

    platform = PLATFORM

    def __init__(self, settings, session, redactor=None, token_cache=None, max_retries=DEFAULT_MAX_RETRIES, sleep=time.sleep, clock=time.time, rate_limit=None):
        super(InControlClient, self).__init__(
            settings["url"], session, redactor=redactor or Redactor(), max_retries=max_retries, sleep=sleep, rate_limit=rate_limit
        )
        self.client_id = settings.get("client_id")
        self._client_secret = settings.get("client_secret")
        self.redactor.add(self._client_secret)
        self.organization = settings.get("organization") or None
        self.token_cache = token_cache if token_cache is not None else TokenCache(enabled=False)
        self._cache_key = cache_key(self.platform, self.base_url, self.client_id, self._client_secret)
        self._clock = clock
        self._entry = None  # the token cache entry in use: {token, refresh_token, expires_at}
        self._org_id = None
        self._groups = None
        self._down = set()  # devices seen offline since their reboot (is_back)
        self.notices = []  # warnings for the task (writes answered PENDING)
        self.pending_writes = []  # "METHOD path" of the writes InControl answered PENDING
        self.rate_limiter = self._limiter(self.organization)

    # ---- rate limit ----------------------------------------------------------

    def _limiter(self, organization):
        """The RateLimiter of (url, organization), shared by the run's forks (ApiClient.shared_limiter)."""
        return self.shared_limiter(self.token_cache, RATE_CEILING, RATE_LIMIT_PER_SECOND, (organization or "",), clock=self._clock)

    # ---- auth ----------------------------------------------------------------

    def authenticate(self, force=False):
        if self._entry is not None and not force:
            return
        refused = self._entry if force else None
        entry = self.token_cache.obtain(self._cache_key, lambda: self._login(refused), force=force)
        self._use(entry)

    def auth_headers(self):
        return {"Authorization": "Bearer %s" % self._entry["token"]} if self._entry else {}

    def is_expired_auth(self, response):
        """Any 401: log in again once, then fail (public clients re-login on every 401; the InControl 2 API docs
        names `invalid_accessor`, "the access token expired or invalid", but a token revoked or
        rotated elsewhere may be refused with another code)."""
        return response.status_code == 401

    def _use(self, entry):
        self.redactor.add(entry.get("token"))
        self.redactor.add(entry.get("refresh_token"))
        self._entry = entry

    def _login(self, refused=None):
        """A new token entry: the refresh_token grant when a refresh token is known, else client_credentials."""
        if refused and refused.get("refresh_token"):
            try:
                return self._grant({"grant_type": "refresh_token", "refresh_token": refused["refresh_token"]}, refused.get("refresh_token"))
            except ApiError:
                pass  # refresh token expired or revoked (30 days by default): log in afresh
        return self._grant({"grant_type": "client_credentials"})

    def _grant(self, fields, previous_refresh_token=None):
        method, path = self.endpoint("token")
        form = dict(fields, client_id=self.client_id, client_secret=self._client_secret)
        # Asking for a token twice only yields two tokens: safe to resend after a lost answer.
        reply = self.request(method, path, data=form, auth=False, idempotent=True)
        token = reply.get("access_token") if isinstance(reply, dict) else None
        refresh_token = reply.get("refresh_token") if isinstance(reply, dict) else None
        self.redactor.add(token)
        self.redactor.add(refresh_token)
        if not token or not isinstance(token, str):
            raise MalformedResponseError(
                "%s: %s %s answered without an access_token" % (self.platform, method, path),
                platform=self.platform,
                method=method,
                url=self.url(path),
                body=self.redactor.data(reply),
            )
        expires_in = reply.get("expires_in")
        try:
            expires_at = time.time() + float(expires_in) if expires_in is not None else None
        except (TypeError, ValueError):
            expires_at = None
        # A refresh reply without a new refresh token keeps the old one (hass-incontrol2 does the same).
        return {"token": token, "refresh_token": refresh_token or previous_refresh_token, "expires_at": expires_at}

    # ---- envelope ------------------------------------------------------------

    def unwrap(self, response, method, url):
        """`data` of a SUCCESS envelope; every other answer becomes a typed error.

        - HTTP errors carry `{error, error_description}` (InControl 2 API docs, API Error Responses):
          invalid_accessor/unauthorized -> AuthError, rate_limit_exceeded ->
          RateLimitedError, org_not_found -> NotFoundError; else by status.
        - HTTP 200 with resp_code INVALID_INPUT -> ValidationError,
          INTERNAL_ERROR -> ServerError, PENDING -> PendingError.
          PENDING is an error on purpose: the doc does not say what it means,
          and a module must not report a write as done (or return data) when
          IC2 only says it is not finished. The message says it may still be
          applied, so a user checks before re-running.
        - The token endpoint answers plain OAuth JSON, not the envelope.
        """
        body = _json_or_none(response) if response.content else None
        if _is_token_url(url):
            return self._unwrap_token(response, method, url, body)
        if response.status_code >= 400:
            if _error_code(body) == "org_not_found":
                self.token_cache.invalidate(self._org_cache_key())  # a cached resolution may be stale
            raise self.error(response, method, url, cls=self._error_class(body, response.status_code))
        if response.content and body is None:
            self.json(response, method, url)  # raises MalformedResponseError with the text
        if not isinstance(body, dict) or "resp_code" not in body:
            if isinstance(body, dict) and body.get("error"):
                raise self.error(response, method, url, cls=self._error_class(body, response.status_code))
            raise MalformedResponseError(
                "%s: %s %s answered HTTP %s without the resp_code envelope: %s"
                % (self.platform, method, self._path(url), response.status_code, str(body)[:200]),
                platform=self.platform,
                method=method,
                url=url,
                status=response.status_code,
                body=body,
            )
        code = body.get("resp_code")
        if code == "SUCCESS":
            return body.get("data")
        if code == "PENDING" and method != "GET":
            # accepted and queued: the change is made, later
            shown = "%s %s" % (method, self._path(url))
            self.pending_writes.append(shown)
            self.notices.append(
                "%s: InControl answered PENDING (%s): the request was accepted and queued, and is not applied yet" % (shown, self.vendor_message(body))
            )
            return body.get("data")
        vendor = self.vendor_message(body)
        text = "%s: %s %s failed: %s" % (self.platform, method, self._path(url), vendor)
        if code == "PENDING":
            text += " (InControl has not got the answer ready yet)"
        cls = RESP_CODE_ERRORS.get(code, ApiError)
        raise cls(text, platform=self.platform, method=method, url=url, status=response.status_code, vendor_message=vendor, body=body)

    def _unwrap_token(self, response, method, url, body):
        """The OAuth reply as a dict; refused credentials (400/401/403, RFC 6749 5.2) -> AuthError."""
        refused = isinstance(body, dict) and body.get("error") and not body.get("access_token")
        if response.status_code >= 400 or refused:
            cls = AuthError if response.status_code < 404 else self._error_class(body, response.status_code)
            error = self.error(response, method, url, cls=cls)
            if isinstance(error, AuthError):
                error.message += "; check incontrol.client_id and incontrol.client_secret (INCONTROL_CLIENT_ID, INCONTROL_CLIENT_SECRET)"
                error.args = (error.message,)
            raise error
        if not isinstance(body, dict):
            # not quoted: a non-JSON token reply may carry the token in a form we cannot redact
            raise MalformedResponseError(
                "%s: %s %s answered HTTP %s with something that is not an OAuth token reply" % (self.platform, method, self._path(url), response.status_code),
                platform=self.platform,
                method=method,
                url=url,
                status=response.status_code,
            )
        return body

    def vendor_message(self, body):
        if isinstance(body, dict):
            if body.get("error"):
                description = body.get("error_description")
                return "%s: %s" % (body["error"], description) if description else str(body["error"])
            if body.get("resp_code"):
                message = body.get("message")
                return "%s: %s" % (body["resp_code"], message) if message else str(body["resp_code"])
        return super(InControlClient, self).vendor_message(body)

    @staticmethod
    def _error_class(body, status):
        code = _error_code(body)
        if code in ERROR_CODES:
            return ERROR_CODES[code]
        if isinstance(body, dict) and body.get("resp_code") in RESP_CODE_ERRORS and status < 500:
            return RESP_CODE_ERRORS[body["resp_code"]]
        return error_class_for_status(status)

    def request(self, method, path, **kwargs):
        """ApiClient.request; a read answered PENDING is asked again (PENDING_READ_ATTEMPTS in all), then fails."""
        for attempt in range(1, PENDING_READ_ATTEMPTS + 1):
            try:
                return super(InControlClient, self).request(method, path, **kwargs)
            except PendingError as exc:
                if method.upper() != "GET" or attempt == PENDING_READ_ATTEMPTS:
                    exc.message += "; still PENDING after %d attempts: try again later" % attempt
                    exc.args = (exc.message,)
                    raise
                self.retries.append((method.upper(), self._path(self.url(path)), "PENDING", PENDING_READ_DELAY))
                self._sleep(PENDING_READ_DELAY)
        raise AssertionError("unreachable")  # pragma: no cover

    # ---- raw helpers for modules -----------------------------------------------

    def endpoint(self, name, **ids):
        """(method, path) of an ENDPOINTS entry; {org} is this client's organization id."""
        method, template = ENDPOINTS[name][:2]
        if "{org}" in template:
            ids.setdefault("org", self.organization_id())
        return method, template.format(**ids)

    def org_path(self, path):
        """A path relative to the organization ("g/12/d") -> /rest/o/<org>/g/12/d; absolute paths unchanged."""
        if path.startswith(("/", "http://", "https://")):
            return path
        return "/rest/o/%s/%s" % (self.organization_id(), path)

    def get(self, path, params=None):
        """GET `path` (absolute, or relative to the organization) -> the envelope's `data`."""
        return self.request("GET", self.org_path(path), params=params)

    def post(self, path, body=None, params=None, wrap=True, idempotent=False):
        """POST -> `data`. `wrap` sends {"data": body} (the IC2 write shape). Not resent unless idempotent."""
        return self.request("POST", self.org_path(path), params=params, json=_wrapped(body, wrap), idempotent=idempotent)

    def put(self, path, body=None, params=None, wrap=True):
        """PUT -> `data` (resent on retryable failures: a PUT sets an absolute state)."""
        return self.request("PUT", self.org_path(path), params=params, json=_wrapped(body, wrap))

    def delete(self, path, body=None, params=None, wrap=True):
        """DELETE -> `data` (IC2 takes bodies on DELETE, e.g. device_tags)."""
        return self.request("DELETE", self.org_path(path), params=params, json=_wrapped(body, wrap))

    def call(self, name, body=None, params=None, wrap=True, idempotent=None, **ids):
        """Send the ENDPOINTS entry `name` (its method and path) -> `data`.

        e.g. call("group_update", {"name": "x"}, group=12). POSTs are not resent
        unless idempotent=True (the reboot never is).
        """
        method, path = self.endpoint(name, **ids)
        json_body = _wrapped(body, wrap) if method != "GET" else None
        return self.request(method, path, params=params, json=json_body, idempotent=idempotent)

    def devapi(self, group_id, device_id, api_name, method="GET", body=None, params=None, idempotent=None):
        """A router-API call through IC2's device proxy -> the router reply's `response`.

        Unwraps the IC2 envelope, then the router reply {stat, response, code,
        message} with peplink_router.unwrap_router_reply (stat: fail raises its
        typed error). POST bodies are the bare router-API JSON (no "data" wrapper).
        """
        path = self.endpoint("devapi", group=group_id, device=device_id, api=api_name.lstrip("/"))[1]
        method = method.upper()
        headers = None
        if method != "GET":
            headers = {"Content-Type": DEVAPI_POST_CONTENT_TYPE}
            if body is None:
                body = {}
        pending_before = len(self.pending_writes)
        reply = self.request(method, path, params=params, json=body if method != "GET" else None, headers=headers, idempotent=idempotent)
        if len(self.pending_writes) > pending_before:
            return None  # queued by InControl: no router reply yet
        try:
            return unwrap_router_reply(reply, self.platform, method, self.url(path))
        except WanfleetError as exc:
            raise exc.redacted(self.redactor)

    # ---- organization ----------------------------------------------------------

    def organization_id(self):
        """The organization's id, resolved once per client from `organization` (id or name) via GET /rest/o.

        Without `organization`, the only organization the client can see is
        used; several fail listing them.
        """
        if self._org_id is not None:
            return self._org_id
        # Another task of the run resolved it already: reuse that (one GET /rest/o less per task).
        # The cache entry's `token` field holds the organization id (not a secret; TokenCache needs the key).
        cache_entry = self._org_cache_key()
        cached = self.token_cache.get(cache_entry)
        if cached and cached.get("token"):
            return self._set_org_id(str(cached["token"]))
        method, path = self.endpoint("organizations")
        orgs = self.objects(self.request(method, path), method, path)
        known = ", ".join("%s (%s)" % (org.get("id"), org.get("name")) for org in orgs) or "none"
        wanted = self.organization
        if wanted is None:
            if len(orgs) != 1:
                raise InputError(
                    "%s: set incontrol.organization (INCONTROL_ORG): the client can see %d organizations: %s" % (self.platform, len(orgs), known),
                    platform=self.platform,
                )
            chosen = orgs[0]
        else:
            wanted = str(wanted)
            chosen = _pick(orgs, wanted, "organization", self.platform, known)
        self.token_cache.put(cache_entry, {"token": str(chosen["id"]), "expires_at": time.time() + ORGANIZATION_CACHE_SECONDS})
        return self._set_org_id(str(chosen["id"]))

    def _set_org_id(self, org_id):
        self._org_id = org_id
        if self._org_id != self.organization:
            self.rate_limiter = self._limiter(self._org_id)  # the limit is per organization id
        return self._org_id

    def _org_cache_key(self):
        return cache_key(
            self.platform + "-organization", self.base_url, self.client_id, self._client_secret, self.organization if self.organization is not None else ""
        )

    # ---- groups ------------------------------------------------------------------

    def close(self):
        """Nothing to release: IC2 tokens stay cached for the next task of the run."""
