# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Peplink router API that the router client and InControl's device-API proxy both speak: call names, the
`{"stat": "ok"|"fail", ...}` reply envelope and its error codes, keyed-map replies (the WAN priority range is in contracts/wan.py)."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    ApiError,
    AuthError,
    ConflictError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    ValidationError,
)


# ---- Documented (Peplink Router API Documentation, API Reference) ----------------------------------------

API_PREFIX = "api/"
LOGIN = "login"  # POST {username, password} -> cookie bauth, response.permission
LOGOUT = "logout"  # POST, ends the cookie session ("logout immediately after use")
TOKEN_GRANT = "auth.token.grant"  # POST {clientId, clientSecret, scope} -> accessToken, expiresIn
FIRMWARE = "info.firmware"  # GET; also answers before login (in-use version only)
WAN_STATUS = "status.wan.connection"  # GET; 8.0.0+
SSID_PROFILE = "config.ssid.profile"  # GET ?id=; POST {action: update, id, ...}: update only
WAN_PRIORITY = "config.wan.connection.priority"  # POST {instantActive, list: [{connId, priority, enable}]}
CONFIG_APPLY = "cmd.config.apply"  # POST; response.warning when applied with a warning
CONFIG_DISCARD = "cmd.config.discard"  # POST; drops pending config
REBOOT = "cmd.system.reboot"  # POST {} or {firmwareId}
# inferred: not in the router document; aiopeplink (written against real routers) reads
# response.location.{latitude, longitude, altitude, speed, heading}. A router without GPS answers none.
LOCATION = "info.location"


# inferred: the document lists no error codes (Peplink Router API Documentation, API Reference). Public clients re-login and resend
# on {"stat": "fail", "code": 401} (TechBlueprints/peplink-mcp peplink_core/client.py; the Home
# Assistant Peplink integrations), so 401 means "session or token no longer valid".
AUTH_EXPIRED_CODES = frozenset((401,))
# inferred: message words meaning the same when a router sends another code.
AUTH_EXPIRED_WORDS = ("expired", "not logged in", "login required", "unauthorized", "unauthorised", "invalid access token")
# inferred: the codes look like HTTP statuses (401 above); the rest of this table follows that reading.
ERROR_CODES = {
    400: ValidationError,
    401: AuthError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: ValidationError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitedError,  # e.g. a login refused because the router's session table is full
    500: ServerError,
}
# inferred: a read-only user's refusal, recognised by its words whatever the code (a router that
# answers it with code 401 must not be taken for an expired session and logged into again).
PERMISSION_WORDS = ("permission", "read-only", "read only", "forbidden", "no privilege")
# inferred: message words for codes not in ERROR_CODES, checked in this order.
MESSAGE_WORDS = (
    (AuthError, AUTH_EXPIRED_WORDS + ("authentication", "invalid token", "invalid username or password")),
    (NotFoundError, ("not found", "not exist", "no such")),
    (ValidationError, ("invalid", "must be", "is required", "out of range")),
)


# ---- The envelope (shared with incontrol.py, whose device-API proxy returns router replies) ----


def unwrap_router_reply(body, platform, method, url, shown=None):
    """The `response` of a router reply, or the typed error of a `stat: fail` one.

    A failure is `{"stat": "fail", "code": <int>, "message": <str>}`, usually with HTTP 200,
    so the status code cannot be trusted. `platform`, `method` and `url` only word the error
    (`shown`, if given, is how the message names the URL, e.g. its path); the caller redacts it.
    Raises MalformedResponseError when `body` is not a router reply.
    """
    shown = shown or url
    stat = str(body.get("stat")).lower() if isinstance(body, dict) else None
    if stat == "ok":
        return body.get("response")
    if stat != "fail":
        raise MalformedResponseError(
            '%s: %s %s answered something that is not a router reply ({"stat": ...}): %s' % (platform, method, shown, str(body)[:200]),
            platform=platform,
            method=method,
            url=url,
            body=body,
        )
    code = _as_int(body.get("code"))
    message = body.get("message")
    message = str(message) if message not in (None, "") else None
    cls = router_error_class(code, message)
    text = "%s: %s %s failed: router error %s" % (platform, method, shown, body.get("code", "(no code)"))
    text += ": %s" % message if message else " (no message)"
    raise cls(text, platform=platform, method=method, url=url, vendor_message=message, body=body)


def router_error_class(code, message, default=ApiError):
    """The typed error for a router failure code and message (see the INFERRED block)."""
    text = (message or "").lower()
    if any(word in text for word in PERMISSION_WORDS):
        return PermissionDeniedError
    if code in ERROR_CODES:
        return ERROR_CODES[code]
    for cls, words in MESSAGE_WORDS:
        if any(word in text for word in words):
            return cls
    return default


def is_auth_expired_reply(body):
    """True for a `stat: fail` reply meaning "log in again" (not a read-only refusal)."""
    if not isinstance(body, dict) or str(body.get("stat")).lower() != "fail":
        return False
    text = str(body.get("message") or "").lower()
    if any(word in text for word in PERMISSION_WORDS):
        return False
    return _as_int(body.get("code")) in AUTH_EXPIRED_CODES or any(word in text for word in AUTH_EXPIRED_WORDS)


def router_notice(body):
    """The reply's `notice` (beta, deprecated, replaced API) as text, or None."""
    notice = body.get("notice") if isinstance(body, dict) else None
    if not notice:
        return None
    if isinstance(notice, dict):
        return ", ".join("%s=%s" % (key, notice[key]) for key in sorted(notice))
    return str(notice)


def _as_int(value):
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _keyed_items(response, api_name=""):
    """[(id, object)] of a keyed-map reply ({"order": [1, 2], "1": {...}}), in `order`, then any others."""
    if response is None:
        return []
    if not isinstance(response, dict):
        raise MalformedResponseError(
            "peplink_router: %s answered %s where an {order, <id>: {...}} map was expected" % (api_name or "the router", type(response).__name__),
            platform="peplink_router",
        )
    return _keyed_map(response)


def _keyed_map(response):
    """[(id, object)] of a router keyed map ({"order": [1, 2], "1": {...}}); ids as strings."""
    if not isinstance(response, dict):
        return []
    ids = [str(key) for key in response.get("order") or []]
    ids += sorted((key for key in response if key != "order" and key not in ids), key=lambda key: (len(key), key))
    return [(key, response[key]) for key in ids if isinstance(response.get(key), dict)]
