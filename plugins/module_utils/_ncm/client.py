# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NcmClient: the four key headers, the envelope (bare objects, `{data, meta}` lists, error shapes) and paging."""

from __future__ import annotations

import time
from urllib.parse import quote, urljoin

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    ApiError,
    AuthError,
    InputError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    ValidationError,
    error_class_for_status,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.http import (
    DEFAULT_MAX_RETRIES,
    IDEMPOTENT_METHODS,
    RETRY_MAX_WAIT,
    ApiClient,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.paging import chunked
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.common import (
    _csv,
    _error_details,
    _filter_value,
    _html_title,
    _mask_config_values,
    _query,
    _ref_id,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.config_tree import NcmConfiguration
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.devices import NcmDevices
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.facts import (
    AUTH_HEADERS,
    IN_FILTER_LIMIT,
    PAGE_LIMIT,
    RETRY_STATUSES,
    SECRET_OPTIONS,
    TIMEOUT_STATUSES,
)


class NcmClient(NcmConfiguration, NcmDevices, ApiClient):
    """NCM API v2 with the four key headers; see the module docstring for the rules it follows."""

    platform = "ncm"
    retry_statuses = RETRY_STATUSES

    def __init__(
        self,
        settings,
        session,
        redactor=None,
        token_cache=None,
        max_retries=DEFAULT_MAX_RETRIES,
        sleep=time.sleep,
        retry_max_wait=RETRY_MAX_WAIT,
        rate_limiter=None,
        rate_limit=None,
    ):
        super().__init__(
            settings["url"],
            session,
            redactor=redactor,
            max_retries=max_retries,
            retry_max_wait=retry_max_wait,
            sleep=sleep,
            rate_limiter=rate_limiter,
            rate_limit=rate_limit,
        )
        for option in SECRET_OPTIONS:
            self.redactor.add(settings.get(option))
        missing = [option for option, header in AUTH_HEADERS if not settings.get(option)]
        if missing:
            raise InputError("ncm: credentials are missing: %s" % ", ".join(missing), platform=self.platform)
        self._headers = dict((header, str(settings[option])) for option, header in AUTH_HEADERS)
        self.token_cache = token_cache  # NCM has no token (the keys go with every request): it holds the rate schedule
        if self.rate_limiter is None:
            # NCM documents 429 without a number: no spacing until it refuses a request, then the
            # account's rate follows its 429s (at most the user's rate_limit), shared by the run's forks.
            self.rate_limiter = self.shared_limiter(token_cache, None, None, (settings["cp_api_id"], settings["ecm_api_id"]))
        self._products = None
        self._accounts = None
        self._defaults = {}
        self._included = {}  # {"cellular"/"location": {router id: ...}}: read by the last devices(include=...)
        self.notices = []  # warnings for the task (unknown firmware defaults)

    # ---- core hooks ----------------------------------------------------------------------

    def auth_headers(self):
        return dict(self._headers)

    def close(self):
        """Nothing to release: no session or token on NCM's side."""

    def url(self, path):
        """Every relative path goes through resource_url, so it ends with a slash."""
        if path.startswith(("http://", "https://")):
            return path
        path, mark, query = path.partition("?")
        return self.resource_url(path) + mark + query

    def unwrap(self, response, method, url):
        if response.status_code >= 400:
            raise self._api_error(response, method, url)
        if not response.content.strip():
            return None  # 204, and the empty 201/202 of reboot_activity, PATCH, test destinations
        body = self.json(response, method, url)
        if isinstance(body, dict) and body.get("success") is False:
            raise self.error(response, method, url, cls=ApiError)
        if isinstance(body, dict) and "success" in body and isinstance(body.get("data"), dict) and "meta" not in body:
            return body["data"]  # the config appendix's `{"success": true, "data": {...}}` (NCM API v2 docs, Configuration Manager Schema)
        return body

    def vendor_message(self, body):
        """The message of NCM's error shapes (NCM API v2 docs, Error response format), with the `errors` details appended."""
        if isinstance(body, str):
            return _html_title(body) or body.strip()[:200] or None
        if not isinstance(body, dict):
            return None
        exception = body.get("exception")
        if isinstance(exception, dict):  # generic, forbidden, server_error, validation
            message = str(exception.get("message") or exception.get("type") or "").strip()
        elif body.get("message"):  # unauthorized: {"status_code", "exception": "unauthorized", "message", "success"}
            message = str(body["message"]).strip()
        else:
            message = str(exception or "").strip() or super().vendor_message(body) or ""
        details = _error_details(body.get("errors"))
        if details:
            message = "%s: %s" % (message, details) if message else details
        return message or None

    def _api_error(self, response, method, url):
        try:
            body = response.json()
        except ValueError:
            body = None
        exception = body.get("exception") if isinstance(body, dict) else None
        kind = exception.get("type") if isinstance(exception, dict) else exception
        status = response.status_code
        if kind == "validation" and status < 500:
            cls = ValidationError  # invalid config: 400 by the prose, 409 in the example (configuration appendix)
        elif kind == "unauthorized":
            cls = AuthError
        elif kind == "server_error":
            cls = ServerError
        else:
            cls = error_class_for_status(status)
        error = self.error(response, method, url, cls=cls)
        _mask_config_values(error.body)
        hint = None
        if cls is AuthError:
            hint = "check ncm.cp_api_id, cp_api_key, ecm_api_id and ecm_api_key, or X_CP_API_ID, X_CP_API_KEY, X_ECM_API_ID and X_ECM_API_KEY"
        elif cls is PermissionDeniedError:
            hint = "NCM answers 403 for an id that does not exist or is not visible to these keys, and for a role without write access"
        elif status in TIMEOUT_STATUSES and method == "GET":
            hint = "NCM timed out; a narrower query (fewer records per request) usually succeeds"
        elif status in TIMEOUT_STATUSES and method not in IDEMPOTENT_METHODS:
            hint = "NCM timed out after receiving the request and may still carry it out: check before running the task again"
        if hint:
            error.message += " (%s)" % hint
            error.args = (error.message,)
        return error

    # ---- URLs ---------------------------------------------------------------------------

    def resource_url(self, endpoint, object_id=None):
        """`<base>/<endpoint>/` or `<base>/<endpoint>/<id>/`: the only place NCM URLs are built.

        Request paths end with a slash (NCM API v2 docs, Format of Examples), and URL fields in request bodies must be full
        URLs (the URL data type), e.g. {"router": client.resource_url("routers", 42)}.
        """
        endpoint = str(endpoint).strip("/")
        if not endpoint:
            raise InputError("ncm: an endpoint name is required", platform=self.platform)
        url = "%s/%s/" % (self.base_url, endpoint)
        if object_id is not None and object_id != "":
            url += quote(str(_ref_id(object_id)), safe="") + "/"
        return url

    # ---- generic calls --------------------------------------------------------------------

    def list(self, endpoint, params=None, fields=None, limit=PAGE_LIMIT, concurrency=1, on_page=None):
        """Every record of a listing, following `meta.next` to the end; any failed page raises.

        Only `limit` is sent (never `offset`), so this works for the endpoints without offset
        (alert_rules, alert_push_destinations, the sample endpoints) too. `concurrency` > 1
        fetches offset pages ahead (ApiClient.paginate_next): only for endpoints with offset.
        on_page(items) sees each page's records as it is accepted.
        """
        query = _query(params)
        if fields:
            query["fields"] = _csv(fields)
        query.setdefault("limit", str(limit))
        path = self.resource_url(endpoint)
        return self.paginate_next(path, query, self._page_splitter(path), concurrency=concurrency, on_page=on_page)

    def list_in(self, endpoint, field, values, params=None, fields=None, limit=PAGE_LIMIT, on_page=None):
        """list() with `<field>__in` filters of at most 100 values (NCM API v2 docs), concatenated."""
        key = field if field.endswith("__in") else field + "__in"
        unique, seen = [], set()
        for value in values:
            value = _filter_value(value)
            if value not in seen:
                seen.add(value)
                unique.append(value)
        items = []
        for chunk in chunked(unique, IN_FILTER_LIMIT):
            items.extend(self.list(endpoint, dict(params or {}, **{key: chunk}), fields=fields, limit=limit, on_page=on_page))
        return items

    def get(self, endpoint, object_id, fields=None):
        """One object, bare (`GET <endpoint>/<id>/`)."""
        params = {"fields": _csv(fields)} if fields else None
        return self.request("GET", self.resource_url(endpoint, object_id), params=params)

    def create(self, endpoint, body):
        """POST (201 + the created object); never resent automatically."""
        return self.request("POST", self.resource_url(endpoint), json=body, idempotent=False)

    def update(self, endpoint, object_id, body, fields=None):
        """PUT (202 + the object)."""
        params = {"fields": _csv(fields)} if fields else None
        return self.request("PUT", self.resource_url(endpoint, object_id), params=params, json=body)

    def patch(self, endpoint, object_id, body, idempotent=True):
        """PATCH (202 or, on alert_rules, 201; usually no body). Absolute values, so safe to resend."""
        return self.request("PATCH", self.resource_url(endpoint, object_id), json=body, idempotent=idempotent)

    def delete(self, endpoint, object_id):
        """DELETE (204); an object gone already (404: a resent DELETE after a lost answer) is no error."""
        try:
            self.request("DELETE", self.resource_url(endpoint, object_id))
        except NotFoundError:
            pass

    def _page_splitter(self, page_url):
        def split(payload):
            if not isinstance(payload, dict) or not isinstance(payload.get("data"), list) or not all(isinstance(item, dict) for item in payload["data"]):
                raise MalformedResponseError(
                    "ncm: GET %s answered without the documented {data: [objects], meta} list envelope" % self._path(page_url),
                    platform=self.platform,
                    method="GET",
                    url=page_url,
                )
            meta = payload.get("meta")
            next_url = meta.get("next") if isinstance(meta, dict) else None
            if next_url and not isinstance(next_url, str):
                raise self.malformed("GET", page_url, "a meta.next that is not a URL: %r" % (next_url,))
            return payload["data"], urljoin(page_url, next_url) if next_url else None

        return split
