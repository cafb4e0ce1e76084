# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TelecomX network-management API: everything the collection knows about it.

Sources: the verbatim wiki pages docs/api/telecomx-network-device-{create,update}.txt
and docs/api/beyond-the-docs.md part B (cited below as "B.n"). What those do not
say is marked `inferred` in the block of constants below, so a correction is one
edit there.

Two vocabularies meet here and nowhere else: the API's camelCase objects
(`macAddress`, `wifi.ssid5G`, `dhcp.reservedClients`) and the modules'
snake_case options (`mac_address`, `wifi.ssid_5g`, `dhcp.reserved_clients`).
"""

from __future__ import annotations

import fnmatch
import ipaddress
import json
import re
import threading
import time

from ansible_collections.wanfleet.routers.plugins.module_utils.checks import check_passphrase
from ansible_collections.wanfleet.routers.plugins.module_utils.interrupt import Interrupted
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    MASK,
    AmbiguousError,
    ApiError,
    AuthError,
    ConflictError,
    InputError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    UnsupportedError,
    ValidationError,
    WaitTimeoutError,
    error_class_for_status,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.http import DEFAULT_MAX_RETRIES, ApiClient
from ansible_collections.wanfleet.routers.plugins.module_utils.models import (
    Device,
    Ssid,
    WanConnection,
    mac_digits,
    normalize_mac,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import Resource, not_existing, values_differ
from ansible_collections.wanfleet.routers.plugins.module_utils.token_cache import TokenCache, cache_key

# ---- what the documents say, and what is inferred: correct it here ---------------------------

LOGIN_PATH = "/auth/login"                    # documented: B.1 (POST, JSON body username/password)
VALIDATE_TOKEN_PATH = "/auth/validateToken"   # documented: B.3 (reply: success, employee, customer, accessLevel)
DEVICES_PATH = "/network/device"              # documented: B.4 (GET list), create page (POST)
DEVICE_PATH = "/network/device/%s"            # documented: B.5 (GET), update page (POST, partial)
DEVICE_DELETE_PATH = "/network/device/%s"     # inferred: B.6, no delete page; the wiki's DELETE /<resource>/<ID> convention
MODELS_PATH = "/network/device/model"         # documented: B.7
TOKEN_PARAM = "token"                         # documented: B.2, every example uses ?token=; no header is documented
DEFAULT_TOKEN_MINUTES = 15                    # documented: B.1 / B.3 `expiresInMinutes` default
PAGE_LIMIT = 500                              # documented: B.4 / B.7, limit max 500
LIST_CONCURRENCY = 4                          # pages after the first, fetched in parallel (total is known)
DEVICE_LIST_KEY = "networkDevices"            # documented: B.4
# conflict: B.7, the model list documents `networkDevices` (a copy-paste error of the device list);
# accept the likely real names too, then any top-level array.
MODEL_LIST_KEYS = ("networkDeviceModels", "models", "networkDevices")
# inferred: B.10, the error body's JSON shape is undocumented; the documented "Message" (a key such
# as `macAddress`) is looked for under these names, then a bare string body.
ERROR_BODY_KEYS = ("error", "message", "Message", "code", "errors")
# documented: B.12, create/update/delete need MANAGER, OWNER, RESELLER or ADMIN; these levels are
# documented below them, so a write is refused before it is sent.
READ_ONLY_ACCESS_LEVELS = frozenset(("NO_LOGIN", "PERSONAL", "VIEWER"))
WRITE_ACCESS_LEVELS = ("MANAGER", "OWNER", "RESELLER", "ADMIN")
# documented: update page, the properties an update takes. conflict: `macAddress` is not in its
# body table but its error table keeps 422 macAddress, so a MAC change is allowed.
UPDATABLE_KEYS = ("name", "notes", "wifi", "dhcp", "mac_address")
# documented: B.8, `jobs` and `state`; inferred: polling GET until both settle means "provisioned".
PROVISIONED_STATE = "ACTIVE"
DELETING_STATE = "DELETING"
# inferred: no page says how long provisioning takes; polls start quick and back off to this.
WAIT_FIRST_POLL_SECONDS = 1.0
WAIT_MAX_POLL_SECONDS = 5.0
# inferred: no firmware field is documented on a device; these would be read if the API had them.
FIRMWARE_KEYS = ("firmwareVersion", "firmware")
# documented: create page status.wanIp / status.publicIp; B.7's copied table names
# status.localIpAddress / status.publicIpAddress (read as fallbacks).
WAN_IP_KEYS = ("wanIp", "publicIp", "localIpAddress", "publicIpAddress")
# documented: create page status.networkType, mobile routers only; "1" = none.
MOBILE_NETWORK_TYPES = {"2": "gsm", "4": "wcdma", "8": "lte", "16": "lte_plus", "32": "nr"}

# documented: B.7, a model's capabilities{wifi, wifi2G, wifi5G, wifi6G}: which radios it has.
MODEL_WIFI_CAPABILITY = "wifi"
BAND_CAPABILITIES = (("2.4", "wifi2G"), ("5", "wifi5G"), ("6", "wifi6G"))
# inferred: the pages type a password as a String and say nothing of its rules; WPA2-PSK's are
# 8-63 characters or 64 hex digits, and a null password is an open network. SSIDs are at most
# 32 bytes (802.11).
SSID_MAX_BYTES = 32
# inferred: the documents name no security mode; a band with a password is reported as
# wpa2_personal and one without as open (ssid_profile `security`).
SECURITY_WITH_PASSWORD = "wpa2_personal"
SECURITY_OPEN = "open"
# inferred: the dhcp object carries no netmask. The pool and the reservations must lie in the
# router's LAN, taken as the /24 around the pool (the documented example's status.subnetMask
# is 255.255.255.0 with lanIp 192.168.0.1 and a pool of 192.168.0.100-200).
DHCP_SUBNET_PREFIX = 24

# documented: the error tables of the create/update/logout pages (B.3, B.10): (status, Message) -> meaning.
ERROR_MEANINGS = {
    (400, "bad_request"): "the API refused the request as malformed",
    (401, "credentials_invalid"): "login required",
    (401, "expired"): "session expired",
    (401, "invalid_token"): "the token is not valid from this IP address",
    (403, "access_denied"): "insufficient access level",
    (403, "blacklisted"): "this IP address is blacklisted by TelecomX",
    (404, "customer"): "customer not found",
    (404, "id"): "no such object (unknown id)",
    (409, "type"): "a value is not one of the permitted values",
    (422, "macAddress"): "MAC address is already in use",
    (500, "internal_error"): "internal error on the TelecomX side",
}

# ---- camelCase (API) <-> snake_case (modules): the one table --------------------------------

# (module name, API name) for the writable device properties.
DEVICE_FIELDS = (
    ("name", "name"),
    ("model", "model"),
    ("customer", "customer"),
    ("mac_address", "macAddress"),
    ("serial_number", "serialNumber"),
    ("mvno_account", "mvnoAccount"),
    ("notes", "notes"),
    ("wifi", "wifi"),
    ("dhcp", "dhcp"),
)
# Read-only properties of the device object (create page, "Response").
DEVICE_READ_ONLY_FIELDS = (
    ("id", "_id"),
    ("state", "state"),
    ("jobs", "jobs"),
    ("model_type", "modelType"),
    ("model_brand", "modelBrand"),
    ("model_description", "modelDescription"),
    ("model_picture", "modelPicture"),
    ("status", "status"),
)
WIFI_FIELDS = (
    ("enabled", "enabled"),
    ("ssid", "ssid"),
    ("password", "password"),
    ("enabled_5g", "enabled5G"),
    ("ssid_5g", "ssid5G"),
    ("password_5g", "password5G"),
    ("enabled_6g", "enabled6G"),
    ("ssid_6g", "ssid6G"),
    ("password_6g", "password6G"),
    ("band_steering", "bandsteering"),
)
# The wifi bands as the modules name them (SPEC `band`), with the API's keys of each.
WIFI_BANDS = (
    ("2.4", "enabled", "ssid", "password"),
    ("5", "enabled5G", "ssid5G", "password5G"),
    ("6", "enabled6G", "ssid6G", "password6G"),
)
WIFI_PASSWORD_KEYS = ("password", "password5G", "password6G")
DHCP_FIELDS = (
    ("enable", "enable"),
    ("ip_pool_start", "ipPoolStart"),
    ("ip_pool_end", "ipPoolEnd"),
    ("lease_time", "leaseTime"),             # minutes (documented)
    ("primary_dns_server", "primaryDnsServer"),
    ("reserved_clients", "reservedClients"),
)
RESERVATION_FIELDS = (
    ("mac", "mac"),
    ("ip", "ip"),
    ("enable", "enable"),  # conflict: typed String in the table, a boolean in the example; booleans are sent
    ("id", "id"),
)

DEVICE_FILTER_KEYS = ("customer", "name", "model", "status", "state", "mac", "serial")

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_OBJECT_ID = re.compile(r"^[0-9a-fA-F]{24}\Z")


def camel_to_snake(name):
    """Fallback for API keys not in the tables (read-only status fields): lanIp -> lan_ip."""
    return _CAMEL_BOUNDARY.sub("_", str(name).lstrip("_")).lower()


def _api_to_module(obj, fields, nested=None):
    """One API object -> the module's names; keys not in `fields` are converted mechanically."""
    if not isinstance(obj, dict):
        return obj
    names = dict((api, module) for module, api in fields)
    result = {}
    for key, value in obj.items():
        name = names.get(key) or camel_to_snake(key)
        if nested and name in nested and value is not None:
            value = nested[name](value)
        result[name] = value
    return result


def _module_to_api(obj, fields, where):
    """The module's names -> one API object; an unknown name is the caller's mistake."""
    names = dict(fields)
    unknown = sorted(set(obj) - set(names))
    if unknown:
        raise InputError("telecomx: unknown %s option(s) %s; known: %s" % (where, ", ".join(unknown), ", ".join(sorted(names))),
                         platform="telecomx")
    return dict((names[key], value) for key, value in obj.items())


def _mac_out(value, where):
    try:
        return mac_digits(value)
    except ValueError:
        raise InputError("telecomx: %s: %r is not a MAC address" % (where, value), platform="telecomx")


def _mac_in(value):
    """A MAC from the API in the modules' notation; an unparseable value is kept as it came."""
    try:
        return normalize_mac(value)
    except ValueError:
        return value


def _as_bool(value):
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def wifi_from_api(wifi):
    return _api_to_module(wifi, WIFI_FIELDS)


def wifi_to_api(wifi):
    return None if wifi is None else _drop_none(_module_to_api(wifi, WIFI_FIELDS, "wifi"))


def _reservation_from_api(client):
    client = _api_to_module(client, RESERVATION_FIELDS)
    if isinstance(client, dict):
        if "mac" in client:
            client["mac"] = _mac_in(client["mac"])
        if "enable" in client:
            client["enable"] = _as_bool(client["enable"])
    return client


def _reservation_to_api(client, index):
    where = "dhcp.reserved_clients[%d]" % index
    if not isinstance(client, dict):
        raise InputError("telecomx: %s must be a dict" % where, platform="telecomx")
    body = _drop_none(_module_to_api(client, RESERVATION_FIELDS, where))
    if "mac" in body:
        body["mac"] = _mac_out(body["mac"], where + ".mac")
    if "enable" in body:
        body["enable"] = _as_bool(body["enable"])
    return body


def dhcp_from_api(dhcp):
    return _api_to_module(dhcp, DHCP_FIELDS, nested={
        "reserved_clients": lambda clients: [_reservation_from_api(client) for client in clients]})


def dhcp_to_api(dhcp):
    if dhcp is None:
        return None
    body = _drop_none(_module_to_api(dhcp, DHCP_FIELDS, "dhcp"))
    if body.get("reservedClients") is not None:
        body["reservedClients"] = [_reservation_to_api(client, index) for index, client in enumerate(body["reservedClients"])]
    return body


def device_from_api(raw):
    """An API device object (full or condensed) -> the telecomx_device module's snake_case record."""
    record = _api_to_module(raw, DEVICE_FIELDS + DEVICE_READ_ONLY_FIELDS, nested={
        "wifi": wifi_from_api,
        "dhcp": dhcp_from_api,
        "status": lambda status: _api_to_module(status, ()),
    })
    if record.get("mac_address"):
        record["mac_address"] = _mac_in(record["mac_address"])
    return record


def device_to_api(params, partial=False):
    """The module's snake_case options -> an API body (create, or with partial=True an update).

    None means "not managed" and is left out, except a top-level `wifi`/`dhcp` None in an
    update, which is the documented "set to null if not used".
    """
    body = {}
    for key, value in _module_to_api(params, DEVICE_FIELDS, "device").items():
        if key == "wifi":
            value = wifi_to_api(value)
        elif key == "dhcp":
            value = dhcp_to_api(value)
        elif key == "macAddress" and value is not None:
            value = _mac_out(value, "mac_address")
        if value is not None or (partial and key in ("wifi", "dhcp")):
            body[key] = value
    return body


def _drop_none(obj):
    return dict((key, value) for key, value in obj.items() if value is not None)


def mask_wifi_passwords(raw):
    """A copy of an API device object with the wifi passwords masked (the API returns them in clear)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("wifi"), dict):
        return raw
    wifi = dict((key, MASK if key in WIFI_PASSWORD_KEYS and value not in (None, "") else value)
                for key, value in raw["wifi"].items())
    return dict(raw, wifi=wifi)


def mask_device_secrets(record):
    """A copy of a snake_case device record with wifi.password* masked (for results and diffs:
    resource.ensure() masks top-level secret keys only, and these are nested)."""
    if not isinstance(record, dict) or not isinstance(record.get("wifi"), dict):
        return record
    secret = set(module for module, api in WIFI_FIELDS if api in WIFI_PASSWORD_KEYS)
    wifi = dict((key, MASK if key in secret and value not in (None, "") else value) for key, value in record["wifi"].items())
    return dict(record, wifi=wifi)


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
                texts.extend(str(item.get("message") or item.get("error") or item) if isinstance(item, dict) else str(item)
                             for item in value if item)
            elif isinstance(value, dict):
                texts.extend("%s: %s" % item for item in value.items())
    elif isinstance(body, list):
        texts.extend(str(item) for item in body if item)
    texts = [text for index, text in enumerate(texts) if text and text not in texts[:index]]
    key = next((text for text in texts if (status, text) in ERROR_MEANINGS), None)
    if key is None:
        key = next((text for text in texts if re.match(r"^[A-Za-z_][\w.\[\]]*$", text)), None)
    return key, "; ".join(text for text in texts if text != key)


class TelecomXClient(ApiClient):
    """The TelecomX network-management API (SPEC platform `telecomx`).

    Credentials (connection.platform_settings): `username`/`password` (a login per run,
    shared through the token cache) or `token` (used as given; it cannot be renewed).
    `customer` (optional) is the customer whose devices are listed and created.
    Never logs out: /auth/logout kills every token of the account (B.3), including those
    of other runs and forks sharing the cached token.
    """

    platform = "telecomx"

    def __init__(self, settings, session, redactor=None, token_cache=None, max_retries=DEFAULT_MAX_RETRIES,
                 sleep=time.sleep, clock=time.monotonic, rate_limit=None):
        super(TelecomXClient, self).__init__(settings["url"], session, redactor=redactor,
                                             max_retries=max_retries, sleep=sleep, rate_limit=rate_limit)
        self.settings = settings
        self.customer = settings.get("customer") or None
        self.username = settings.get("username")
        self._password = settings.get("password")
        self._given_token = settings.get("token") if "token" in (settings.get("auth") or ("token",)) else None
        if self._given_token is None and not (self.username and self._password):
            raise InputError("telecomx: credentials are missing: set telecomx.token or telecomx.username and telecomx.password",
                             platform=self.platform)
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
        payload = self.request("POST", LOGIN_PATH, json={"username": self.username, "password": self._password},
                               auth=False, idempotent=True)
        token = payload.get("token") if isinstance(payload, dict) else None
        if not token or not isinstance(token, str):
            raise MalformedResponseError("telecomx: POST %s answered without a token" % LOGIN_PATH,
                                         platform=self.platform, method="POST", url=self.url(LOGIN_PATH))
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
        """Raise PermissionDeniedError before a write the account's access level cannot do (B.12)."""
        level = self.access_level
        if level in READ_ONLY_ACCESS_LEVELS:
            who = "the account %s" % self.username if self.username else "the token's account"
            raise PermissionDeniedError(
                "telecomx: %s has access level %s, which cannot %s; that needs %s"
                % (who, level, action, ", ".join(WRITE_ACCESS_LEVELS)), platform=self.platform)

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
            raise ApiError("telecomx: %s %s answered HTTP %s with success false: %s" % (method, self._path(url), response.status_code, vendor),
                           platform=self.platform, method=method, url=url, status=response.status_code,
                           vendor_message=vendor, body=payload)
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
                " " + level if level else "")
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
        return cls(re.sub(r"\s+", " ", message).strip(), platform=self.platform, method=method, url=url, status=status,
                   vendor_message=key or text or None, body=body)

    def _auth_explanation(self, path, meaning):
        reason = " (%s)" % meaning if meaning else ""
        if self._given_token is not None:
            return ("the given token (telecomx.token / TELECOMX_TOKEN) was refused%s: it is invalid or expired; "
                    "create a new one, or use telecomx.username and telecomx.password" % reason)
        if path == LOGIN_PATH:
            return ("login as %s was refused: check telecomx.username / telecomx.password (TELECOMX_USERNAME / "
                    "TELECOMX_PASSWORD); an account that must log in with an SMS or authenticator code cannot be used "
                    "here: use an M2M token (telecomx.token)" % self.username)
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
        return MalformedResponseError("telecomx: GET %s answered %s" % (path, detail), platform=self.platform, method="GET",
                                      url=self.url(path), body=payload).redacted(self.redactor)

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

    def _list_raw(self, customer=None, full=True):
        params = {"full": "true" if full else "false"}
        customer = customer or self.customer
        if customer:
            params["customer"] = customer
        return self.paginate_offset(DEVICES_PATH, params, PAGE_LIMIT, self._split(DEVICES_PATH, (DEVICE_LIST_KEY,)),
                                    concurrency=LIST_CONCURRENCY)

    def list_devices(self, customer=None, full=True):
        """Every device of the customer (default: telecomx.customer, else the account's own), snake_case.

        Pages of 500 with `total`; any failing or short page raises (never a partial list).
        """
        return [device_from_api(raw) for raw in self._list_raw(customer, full)]

    def list_models(self):
        """Every network device model (raw model objects: _id, brand, name, type, capabilities, ...)."""
        if self._models is None:
            self._models = self.paginate_offset(MODELS_PATH, {}, PAGE_LIMIT, self._split(MODELS_PATH, MODEL_LIST_KEYS, any_list=True))
        return self._models

    @staticmethod
    def model_label(model):
        """'TP-LINK XVS-200' for a model object."""
        return " ".join(str(part) for part in (model.get("brand"), model.get("name")) if part) or str(model.get("_id"))

    def resolve_model(self, key):
        """A model by id, name or 'brand name' (case-insensitive) -> its model object."""
        wanted = str(key).strip()
        models = self.list_models()
        found = [model for model in models if str(model.get("_id")) == wanted]
        if not found:
            lowered = wanted.lower()
            found = [model for model in models
                     if lowered in (str(model.get("name") or "").lower(), self.model_label(model).lower())]
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousError("telecomx: model %r matches %d models: %s; give its id"
                                 % (wanted, len(found), ", ".join("%s (%s)" % (model.get("_id"), self.model_label(model)) for model in found)),
                                 platform=self.platform)
        raise NotFoundError("telecomx: no network device model %r; models: %s"
                            % (wanted, ", ".join("%s (%s)" % (self.model_label(model), model.get("_id")) for model in models) or "none"),
                            platform=self.platform)

    # ---- devices: CRUD --------------------------------------------------------------------

    def _get_raw(self, device_id):
        return self._device_payload(self.request("GET", DEVICE_PATH % device_id), "GET", DEVICE_PATH % device_id)

    def _device_payload(self, payload, method, path):
        if not isinstance(payload, dict) or "_id" not in payload:
            raise MalformedResponseError("telecomx: %s %s answered something that is not a network device" % (method, path),
                                         platform=self.platform, method=method, url=self.url(path),
                                         body=self.redactor.data(mask_wifi_passwords(payload))).redacted(self.redactor)
        for key in WIFI_PASSWORD_KEYS:  # wifi passwords come back in clear: keep them out of any message
            self.redactor.add((payload.get("wifi") or {}).get(key))
        return payload

    def get_device(self, device_id):
        """One device by its id, as the module's snake_case record (NotFoundError if there is none)."""
        return device_from_api(self._get_raw(device_id))

    def device_raw(self, key, customer=None):
        """One device's API object by id, MAC, serial number or name (NotFoundError / AmbiguousError).

        Its wifi passwords are in clear (the API returns them): they go to the redactor here and
        must never reach a result unmasked.
        """
        return self._device_payload(self._one_raw(str(key).strip(), customer), "GET", DEVICES_PATH)

    def cellular(self, devices):
        """TelecomX documents no modem fields beyond a signal percentage (status.signalStrength): no `cellular`."""
        return {}

    def locations(self, devices):
        """TelecomX documents no device position: every location is None."""
        return dict((device.id, None) for device in devices)

    def config_backup(self, device):
        """A device's backup: the writable properties of its device object (create page, "Request")
        and its id, as JSON, with the wifi passwords removed. The read-only `status`, `state` and
        `jobs` are live state, not configuration, and would make every backup look changed."""
        raw = self._get_raw(device.id)
        document = dict((api, raw[api]) for module, api in (("id", "_id"),) + DEVICE_FIELDS if api in raw)
        if isinstance(document.get("wifi"), dict):
            document["wifi"] = dict((key, value) for key, value in document["wifi"].items() if key not in WIFI_PASSWORD_KEYS)
        return {"format": "json", "document": document}

    def model_by_id(self, model_id):
        """The model object of this id, or None when it is not listed or the list cannot be read."""
        try:
            models = self.list_models()
        except (PermissionDeniedError, NotFoundError, MalformedResponseError):
            return None
        return next((model for model in models if str(model.get("_id")) == str(model_id)), None)

    def find_device(self, key, customer=None):
        """The device whose id or MAC address (any notation) is `key`, or None (for the module's read)."""
        key = str(key).strip()
        if _OBJECT_ID.match(key):
            try:
                return self.get_device(key)
            except NotFoundError:
                return None
        mac = _mac_out(key, "mac_address")
        for raw in self._list_raw(customer, full=True):
            if str(raw.get("macAddress") or "").lower() == mac:
                return device_from_api(self._device_payload(raw, "GET", DEVICES_PATH))
        return None

    def create_device(self, params):
        """Create a device from the module's snake_case options; returns the new device (snake_case).

        Never retried (POST): a resend after a lost answer would meet 422 macAddress.
        """
        self.require_write("create network devices")
        body = device_to_api(params)
        if "customer" not in body:
            customer = self.customer or self.login_customer
            if customer:
                body["customer"] = customer
        if isinstance(body.get("model"), str) and not _OBJECT_ID.match(body["model"]):
            body["model"] = self.resolve_model(body["model"])["_id"]
        return device_from_api(self._device_payload(self.request("POST", DEVICES_PATH, json=body), "POST", DEVICES_PATH))

    def update_device(self, device_id, changes, current=None):
        """Apply `changes` (snake_case, only what changes) to a device; returns it (snake_case).

        The update sets absolute values, so a resend after a lost answer changes nothing more:
        it is retried like a PUT (idempotent=True). With `current` (the device as read), a
        `wifi`/`dhcp` change carries only the keys whose value differs: the update takes partial
        objects ("Only properties to update needs to be provided", and its example sends two wifi
        keys), so a key someone else changed since the read is not written back as it was.
        """
        unsupported = sorted(set(changes) - set(UPDATABLE_KEYS))
        if unsupported:
            raise UnsupportedError("telecomx: an existing device's %s cannot be changed (the update takes %s); "
                                   "delete and re-create the device to change it" % (", ".join(unsupported), ", ".join(UPDATABLE_KEYS)),
                                   platform=self.platform)
        changes = dict(changes)
        for key in ("wifi", "dhcp"):
            if current is not None and isinstance(changes.get(key), dict) and isinstance(current.get(key), dict):
                changes[key] = dict((name, value) for name, value in _drop_none(changes[key]).items()
                                    if values_differ(value, current[key].get(name)))
        return device_from_api(self.post_update(device_id, device_to_api(changes, partial=True)))

    def post_update(self, device_id, body):
        """Send one update body (API names, exactly as given: a null is sent as null); returns the raw device.

        The update sets absolute values, so it is retried like a PUT (idempotent=True).
        """
        self.require_write("update network devices")
        path = DEVICE_PATH % device_id
        return self._device_payload(self.request("POST", path, json=body, idempotent=True), "POST", path)

    def delete_device(self, device_id):
        """Delete a device (inferred DELETE, B.6). True when deleted, False when it was already gone.

        A 404 is only "already gone" when a GET agrees; if the device is still there, the
        DELETE path itself is wrong and the error says so.
        """
        self.require_write("delete network devices")
        path = DEVICE_DELETE_PATH % device_id
        try:
            self.request("DELETE", path)
        except NotFoundError as exc:
            try:
                self._get_raw(device_id)
            except NotFoundError:
                return False
            exc.message += " (the device exists: the inferred delete call %s may be wrong)" % path
            exc.args = (exc.message,)
            raise
        return True

    def wait_provisioned(self, device_id, timeout=300.0, sleep=WAIT_MAX_POLL_SECONDS, first_sleep=WAIT_FIRST_POLL_SECONDS):
        """Poll the device until `jobs == 0` and `state == ACTIVE`; return it (snake_case).

        The pauses between polls double from `first_sleep` up to `sleep`.
        """
        deadline = self._clock() + float(timeout)
        delay = min(float(first_sleep), float(sleep))
        while True:
            raw = self._get_raw(device_id)
            state, jobs = raw.get("state"), raw.get("jobs") or 0
            if state == PROVISIONED_STATE and not jobs:
                return device_from_api(raw)
            if state == DELETING_STATE:
                raise ApiError("telecomx: device %s is being deleted (state DELETING); it will not be provisioned" % device_id,
                               platform=self.platform, method="GET", url=self.url(DEVICE_PATH % device_id))
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise WaitTimeoutError("telecomx: device %s was not provisioned within %ss (state %s, %s job(s) in progress)"
                                       % (device_id, _seconds(timeout), state, jobs),
                                       platform=self.platform, method="GET", url=self.url(DEVICE_PATH % device_id))
            self._sleep(min(delay, remaining))
            delay = min(delay * 2, float(sleep))

    def wait_deleted(self, device_id, timeout=300.0, sleep=WAIT_MAX_POLL_SECONDS, first_sleep=WAIT_FIRST_POLL_SECONDS):
        """Poll the device until a GET answers 404 (de-provisioning done, its MAC free again)."""
        deadline = self._clock() + float(timeout)
        delay = min(float(first_sleep), float(sleep))
        while True:
            try:
                raw = self._get_raw(device_id)
            except NotFoundError:
                return True
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise WaitTimeoutError("telecomx: device %s was not gone within %ss after its deletion (state %s)"
                                       % (device_id, _seconds(timeout), raw.get("state")),
                                       platform=self.platform, method="GET", url=self.url(DEVICE_PATH % device_id))
            self._sleep(min(delay, remaining))
            delay = min(delay * 2, float(sleep))

    # ---- devices: the device_info / inventory records ---------------------------------------

    def devices(self, device=None, group=None, filters=None, detail=True):
        """Devices as models.Device records: one (`device`: id, MAC, serial or name) or all.

        TelecomX has no groups. `filters` (keys: customer, name, model, status, state, mac,
        serial) are applied here, after listing, except `customer`, the one filter the API
        takes. A value may be a list (any of); name, model and serial take shell patterns.
        """
        if group is not None:
            raise UnsupportedError("telecomx has no device groups; select devices with device or filters", platform=self.platform)
        filters = dict(filters or {})
        unknown = sorted(set(filters) - set(DEVICE_FILTER_KEYS))
        if unknown:
            raise InputError("telecomx: unknown filter(s) %s; TelecomX devices can be filtered by %s"
                             % (", ".join(unknown), ", ".join(DEVICE_FILTER_KEYS)), platform=self.platform)
        customer = filters.pop("customer", None)
        if device is not None:
            raws = [self._one_raw(str(device).strip(), customer)]
        else:
            raws = self._list_raw(customer, full=detail)
        labels = self._model_labels()
        records = [self._record(raw, labels) for raw in raws]
        return [record for record in records if _filters_match(record, filters)]

    def _one_raw(self, key, customer):
        if _OBJECT_ID.match(key):
            try:
                return self._get_raw(key)
            except NotFoundError:
                pass  # a 24-hex name or serial number: look in the list
        # Matching a serial number needs full items (condensed ones have none).
        candidates = self._list_raw(customer, full=True)
        found = [raw for raw in candidates if self._record(raw, {}).matches(key)]
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousError("telecomx: %r matches %d devices: %s; give the id or MAC address"
                                 % (key, len(found), ", ".join("%s (name %s, MAC %s, serial %s)"
                                                               % (raw.get("_id"), raw.get("name"), _mac_in(raw.get("macAddress")),
                                                                  raw.get("serialNumber")) for raw in found)),
                                 platform=self.platform)
        raise not_existing(NotFoundError(
            "telecomx: no network device matches %r by id, MAC address, serial number or name (%d devices listed%s)"
            % (key, len(candidates), " for customer %s" % (customer or self.customer) if customer or self.customer else ""),
            platform=self.platform), "device", key)

    def _model_labels(self):
        """model id -> 'brand name'; a model list the account cannot read only costs the label."""
        try:
            return dict((str(model.get("_id")), self.model_label(model)) for model in self.list_models())
        except (PermissionDeniedError, NotFoundError, MalformedResponseError):
            return {}

    def _record(self, raw, labels):
        status = raw.get("status") if isinstance(raw.get("status"), dict) else {}
        online = status.get("online", raw.get("online"))
        model_id = raw.get("model")
        model = labels.get(str(model_id)) or " ".join(filter(None, (raw.get("modelBrand"), str(model_id) if model_id else None))) or None
        firmware = next((str(source[key]) for source in (raw, status) for key in FIRMWARE_KEYS if source.get(key)), None)
        mac = raw.get("macAddress")
        try:
            mac = normalize_mac(mac)
        except ValueError:
            mac = None  # not a MAC: leave it out of the record rather than fail the listing (raw keeps it)
        return Device(
            platform=self.platform, id=raw.get("_id"), name=raw.get("name"), serial=raw.get("serialNumber"), mac=mac,
            model=model, firmware=firmware, status="unknown" if online is None else online,
            wan=_wan(status, online), ssids=_ssids(raw.get("wifi")), raw=mask_wifi_passwords(raw),
        )


def _wan(status, online):
    """One WAN record from the status block: TelecomX reports the uplink's addresses, not its connections."""
    ip = next((status[key] for key in WAN_IP_KEYS if status.get(key)), None)
    if ip is None:
        return []
    network = MOBILE_NETWORK_TYPES.get(str(status.get("networkType")))
    return [WanConnection(id="wan", name="WAN", type="cellular" if network else None,
                          status=None if online is None else ("connected" if online else "disconnected"), ip=ip)]


def _ssids(wifi):
    if not isinstance(wifi, dict):
        return []
    ssids = []
    for band, enabled, ssid, _password in WIFI_BANDS:
        if wifi.get(ssid) or wifi.get(enabled):
            ssids.append(Ssid(id=band, name=wifi.get(ssid), enabled=bool(wifi.get(enabled))))
    return ssids


def _filters_match(record, filters):
    for key, wanted in filters.items():
        if wanted is None:
            continue
        values = wanted if isinstance(wanted, (list, tuple)) else [wanted]
        if key == "state":
            have = (record.raw or {}).get("state")
        elif key == "mac":
            have = record.mac
            values = [_mac_in(value) for value in values]
        else:
            have = getattr(record, key)
        have = "" if have is None else str(have).lower()
        if not any(fnmatch.fnmatchcase(have, str(value).lower()) if key in ("name", "model", "serial") else have == str(value).lower()
                   for value in values):
            return False
    return True


def _seconds(value):
    value = float(value)
    return int(value) if value.is_integer() else value


# ---- the modules' input, checked before any request ---------------------------------------------

# (band, enabled, ssid, password) under the modules' names (wifi.enabled_5g, ...).
_SNAKE = dict((api, module) for module, api in WIFI_FIELDS)
SNAKE_WIFI_BANDS = tuple((band, _SNAKE[enabled], _SNAKE[ssid], _SNAKE[password]) for band, enabled, ssid, password in WIFI_BANDS)


def _input_error(message):
    return InputError("telecomx: " + message, platform="telecomx")


def check_ssid(value, where):
    if value is None:
        return
    size = len(str(value).encode("utf-8"))
    if not 1 <= size <= SSID_MAX_BYTES:
        raise _input_error("%s must be 1 to %d characters (bytes in UTF-8), got %d: %r" % (where, SSID_MAX_BYTES, size, value))


def check_object_id(value, where):
    """A TelecomX id: 24 hexadecimal digits (B.9)."""
    if value is not None and not _OBJECT_ID.match(str(value)):
        raise _input_error("%s must be a TelecomX id (24 hexadecimal digits), got %r" % (where, value))
    return None if value is None else str(value).lower()


def _ipv4(value, where):
    if value is None:
        return None
    try:
        return str(ipaddress.IPv4Address(str(value).strip()))
    except ValueError:
        raise _input_error("%s must be an IPv4 address, got %r" % (where, value))


def _mac_option(value, where):
    try:
        return normalize_mac(value)
    except ValueError:
        raise _input_error("%s: %r is not a MAC address (give 12 hex digits, with or without : - . separators)" % (where, value))


def wifi_input(wifi):
    """The user's `wifi` option: only the keys given, SSIDs and passwords checked."""
    given = dict((key, value) for key, value in (wifi or {}).items() if value is not None)
    for key, value in given.items():
        if key.startswith("ssid"):
            check_ssid(value, "wifi." + key)
        elif key.startswith("password"):
            check_passphrase(value, "telecomx", "wifi." + key)
    return given


def dhcp_input(dhcp):
    """The user's `dhcp` option: only the keys given, addresses normalised, reservations checked."""
    given = dict((key, value) for key, value in (dhcp or {}).items() if value is not None)
    for key in ("ip_pool_start", "ip_pool_end", "primary_dns_server"):
        if key in given:
            given[key] = _ipv4(given[key], "dhcp." + key)
    if "lease_time" in given and (isinstance(given["lease_time"], bool) or int(given["lease_time"]) < 1):
        raise _input_error("dhcp.lease_time is in minutes and must be at least 1, got %r" % (given["lease_time"],))
    if "reserved_clients" in given:
        clients, macs, ips = [], {}, {}
        for index, client in enumerate(given["reserved_clients"]):
            where = "dhcp.reserved_clients[%d]" % index
            if not isinstance(client, dict):
                raise _input_error("%s must be a dict with mac and ip" % where)
            for key in ("mac", "ip"):
                if client.get(key) in (None, ""):
                    raise _input_error("%s.%s is required" % (where, key))
            record = {"mac": _mac_option(client["mac"], where + ".mac"), "ip": _ipv4(client["ip"], where + ".ip"),
                      "enable": True if client.get("enable") is None else bool(_as_bool(client["enable"]))}
            for field, seen in (("mac", macs), ("ip", ips)):
                if record[field] in seen:
                    raise _input_error("%s.%s %s is already reserved by dhcp.reserved_clients[%d]"
                                       % (where, field, record[field], seen[record[field]]))
                seen[record[field]] = index
            clients.append(record)
        given["reserved_clients"] = clients
    check_dhcp_pool(given)
    return given


def check_dhcp_pool(dhcp, complete=False, current=False):
    """The relations between the DHCP values that are known: pool in order and in one subnet,
    reservations inside it; with `complete` (every value is known: the given ones laid over the
    device's, or a new device's), a pool when the server is on. `current`: some values are the device's."""
    start, end = dhcp.get("ip_pool_start"), dhcp.get("ip_pool_end")
    whose = " (with the device's current values)" if current else ""
    if start and end:
        if ipaddress.IPv4Address(start) > ipaddress.IPv4Address(end):
            raise _input_error("dhcp.ip_pool_start %s is above dhcp.ip_pool_end %s%s" % (start, end, whose))
    anchor = start or end
    if anchor:
        subnet = ipaddress.IPv4Network("%s/%d" % (anchor, DHCP_SUBNET_PREFIX), strict=False)
        if start and end and ipaddress.IPv4Address(end) not in subnet:
            raise _input_error("dhcp.ip_pool_start %s and dhcp.ip_pool_end %s are not in one /%d subnet%s"
                               % (start, end, DHCP_SUBNET_PREFIX, whose))
        for index, client in enumerate(dhcp.get("reserved_clients") or []):
            if client.get("ip") and ipaddress.IPv4Address(client["ip"]) not in subnet:
                raise _input_error("dhcp.reserved_clients[%d].ip %s is outside the DHCP pool's subnet %s%s"
                                   % (index, client["ip"], subnet, whose))
    if complete and dhcp.get("enable") and not (start and end):
        raise _input_error("dhcp.enable needs dhcp.ip_pool_start and dhcp.ip_pool_end%s" % (" (the device has none)" if current else ""))


def _reservations_against(wanted, have):
    """The wanted reservations in the device's terms: the device's own list when it holds the same
    reservations in another order, else the wanted list with the device-assigned ids kept by MAC."""
    have = list(have or [])

    def key(client):
        return (client.get("mac"), client.get("ip"), client.get("enable") is not False)

    if sorted(map(key, wanted)) == sorted(map(key, have)):
        return have
    ids = dict((client.get("mac"), client.get("id")) for client in have if client.get("id"))
    return [dict(client, id=ids[client["mac"]]) if client["mac"] in ids else dict(client) for client in wanted]


def model_bands(model):
    """(has wifi, [bands]) from a model object's capabilities, or None when it has none to read."""
    caps = (model or {}).get("capabilities")
    if not isinstance(caps, dict):
        return None
    bands = [band for band, cap in BAND_CAPABILITIES if caps.get(cap) is not False]
    return caps.get(MODEL_WIFI_CAPABILITY) is not False, bands


def _band_label(band):
    return "%s GHz" % band


# ---- telecomx_device ---------------------------------------------------------------------------

class TelecomXDeviceResource(Resource):
    """One network device for the telecomx_device module (records: device_from_api's snake_case).

    The wifi passwords are nested (wifi.password, wifi.password_5g, ...): resource.ensure() masks
    secret-named keys at any depth in results and diffs; they are compared like any value, the API
    returning them in clear. `update_password: on_create` drops the given passwords of bands that
    already have one, so an existing device's passwords are left alone.
    """

    secret_keys = ()
    can_delete = True

    def __init__(self, client, params):
        super(TelecomXDeviceResource, self).__init__(client, params)
        self._mac = None
        self._wifi = {}
        self._dhcp = {}
        self._deleting = None

    def validate(self):
        params = self.params
        check_object_id(params.get("id"), "id")
        for key in ("customer", "mvno_account"):
            check_object_id(params.get(key), key)
        if params.get("mac_address") is not None:
            self._mac = _mac_option(params["mac_address"], "mac_address")
        if not params.get("id") and not self._mac:
            raise _input_error("telecomx_device needs id or mac_address to find the device")
        if params.get("name") is not None and not str(params["name"]).strip():
            raise _input_error("name must not be empty")
        if params.get("wait_timeout") is not None and params["wait_timeout"] < 0:
            raise _input_error("wait_timeout must not be negative")
        self._wifi = wifi_input(params.get("wifi"))
        self._dhcp = dhcp_input(params.get("dhcp"))

    def read(self):
        params = self.params
        if params.get("id"):
            current = self.client.find_device(params["id"])
        else:
            current = self.client.find_device(self._mac, customer=params.get("customer"))
        if current is not None and current.get("state") == DELETING_STATE:
            self._deleting = current  # on its way out: absent already, and its MAC is not free yet
            return None
        if current is not None and self.params.get("wait") and self.params.get("state") != "absent" \
                and (current.get("state") != PROVISIONED_STATE or current.get("jobs")):
            # Still provisioning (a create whose wait was interrupted, or another run's): `wait` means the device is
            # ready when the task returns, whether or not this run changes it.
            current = self.client.wait_provisioned(current["id"], timeout=self.params.get("wait_timeout") or 0)
        return current

    def desired(self, current):
        params = self.params
        if current is None:
            self._check_creatable()
        model = self._model(current)
        desired = {
            "name": params.get("name"),
            "model": None if model is None else model.get("_id"),
            "customer": check_object_id(params.get("customer"), "customer"),
            "mac_address": self._mac,
            "serial_number": params.get("serial_number"),
            "mvno_account": check_object_id(params.get("mvno_account"), "mvno_account"),
            "notes": params.get("notes"),
            "wifi": self._desired_wifi(current, model),
            "dhcp": self._desired_dhcp(current),
        }
        if current is not None:
            self._check_fixed(current, desired)
        return desired

    def _check_creatable(self):
        params = self.params
        if self._deleting is not None:
            raise ConflictError("telecomx: device %s (MAC %s) is being deleted (state DELETING) and its MAC address stays in use "
                                "until TelecomX has finished; run again later, or delete it with state=absent and wait=true first"
                                % (self._deleting.get("id"), self._deleting.get("mac_address")), platform="telecomx")
        if params.get("id"):
            raise NotFoundError("telecomx: no network device with id %s; TelecomX assigns ids, so to create a device give "
                                "its mac_address without id" % params["id"], platform="telecomx")
        missing = [key for key in ("name", "model", "mac_address") if not params.get(key)]
        if missing:
            raise _input_error("no device has MAC address %s; creating it needs %s (missing: %s)"
                               % (self._mac, "name, model and mac_address", ", ".join(missing)))

    def _model(self, current):
        """The model object for `model` (id or name), else the current device's; None when unknown or not needed."""
        wanted = self.params.get("model")
        if wanted is not None:
            wanted = str(wanted).strip()
            if current is not None and wanted.lower() == str(current.get("model")).lower() and not self._wifi:
                return {"_id": current.get("model")}  # the same id and nothing to check: no model list needed
            return self.client.resolve_model(wanted)
        if self._wifi and current is not None:
            return self.client.model_by_id(current.get("model"))
        return None

    def _desired_wifi(self, current, model):
        wifi = dict(self._wifi)
        if not wifi:
            return None
        have = ((current or {}).get("wifi") or {}) if current is not None else {}
        if current is not None and self.params.get("update_password") == "on_create":
            for band, enabled, ssid, password in SNAKE_WIFI_BANDS:
                if password in wifi and have.get(password) not in (None, ""):
                    del wifi[password]  # an existing password is left alone; a band without one gets it
        capabilities = model_bands(model)
        if capabilities is not None:
            has_wifi, bands = capabilities
            label = self.client.model_label(model)
            if not has_wifi:
                raise UnsupportedError("telecomx: model %s has no Wi-Fi; leave the wifi option out" % label, platform="telecomx")
            for band, enabled, ssid, password in SNAKE_WIFI_BANDS:
                if band not in bands and (wifi.get(enabled) is True or wifi.get(ssid) or wifi.get(password)):
                    raise UnsupportedError("telecomx: model %s has no %s radio, so wifi.%s cannot be set (its bands: %s)"
                                           % (label, _band_label(band), enabled if wifi.get(enabled) else (ssid if wifi.get(ssid) else password),
                                              ", ".join(_band_label(item) for item in bands) or "none"), platform="telecomx")
        merged = dict(have, **wifi)
        for band, enabled, ssid, password in SNAKE_WIFI_BANDS:
            if merged.get(enabled) and not merged.get(ssid):
                raise _input_error("wifi.%s is true but the %s band has no SSID: give wifi.%s" % (enabled, _band_label(band), ssid))
        return wifi or None

    def _desired_dhcp(self, current):
        dhcp = dict(self._dhcp)
        if not dhcp:
            return None
        have = ((current or {}).get("dhcp") or {}) if current is not None else {}
        if "reserved_clients" in dhcp:
            dhcp["reserved_clients"] = _reservations_against(dhcp["reserved_clients"], have.get("reserved_clients"))
        check_dhcp_pool(dict(have, **dhcp), complete=True, current=current is not None)
        return dhcp

    def _check_fixed(self, current, desired):
        for key in ("model", "customer", "serial_number", "mvno_account"):
            wanted = desired.get(key)
            if wanted is not None and str(wanted).lower() != str(current.get(key)).lower():
                raise UnsupportedError("telecomx: the %s of an existing device cannot be changed (the update call takes %s): device %s "
                                       "has %r, the task asks for %r; delete and re-create the device to change it"
                                       % (key, ", ".join(UPDATABLE_KEYS), current.get("id"), current.get(key), wanted), platform="telecomx")

    def create(self, desired):
        device = self.client.create_device(dict((key, value) for key, value in desired.items() if value is not None))
        return self._wait(device)

    def update(self, current, desired, changes):
        return self._wait(self.client.update_device(current["id"], changes, current=current))

    def delete(self, current):
        self.client.delete_device(current["id"])
        if self.params.get("wait"):
            self.client.wait_deleted(current["id"], timeout=self.params.get("wait_timeout") or 0)

    def _wait(self, device):
        if self.params.get("wait"):
            try:
                return self.client.wait_provisioned(device["id"], timeout=self.params.get("wait_timeout") or 0)
            except Interrupted as error:
                error.message += ("; device %s was saved and was still provisioning: the next run finds it and "
                                  "compares it again" % device["id"])
                raise
        return device


# ---- ssid_profile --------------------------------------------------------------------------------

class SsidProfileResource(Resource):
    """One band's SSID of a TelecomX device (the device's `wifi` object, per `band`).

    The bands are fixed (the model's radios), so `absent` disables the band (can_delete False),
    and only when it carries this SSID: a band showing another SSID is left alone. Passwords are
    read back in clear, so `passphrase` is compared like any value (and masked in output); an open
    band reads as passphrase "" so that a given passphrase is set even with update_passphrase=on_create.
    """

    secret_keys = ("passphrase",)
    can_delete = False

    UNSUPPORTED_OPTIONS = (
        ("id", "a TelecomX device has one SSID per band: choose it with band"),
        ("vlan_id", "TelecomX's wifi settings have no VLAN"),
        ("broadcast", "TelecomX's wifi settings cannot hide an SSID"),
        ("fast_transition", "TelecomX's wifi settings have no 802.11r setting"),
    )

    def __init__(self, client, params):
        super(SsidProfileResource, self).__init__(client, params)
        self._raw = None

    def validate(self):
        params = self.params
        for option, why in self.UNSUPPORTED_OPTIONS:
            if params.get(option) is not None:
                raise UnsupportedError("telecomx: ssid_profile option %s is not supported on platform telecomx: %s" % (option, why),
                                       platform="telecomx")
        if params.get("group"):
            raise UnsupportedError("telecomx: ssid_profile with group is not supported: TelecomX has no device groups; give device",
                                   platform="telecomx")
        security = params.get("security")
        if security not in (None, SECURITY_OPEN, SECURITY_WITH_PASSWORD):
            raise UnsupportedError("telecomx: ssid_profile security %s is not supported on platform telecomx: a band is %s (no password) "
                                   "or %s (a password); the API has no security mode" % (security, SECURITY_OPEN, SECURITY_WITH_PASSWORD),
                                   platform="telecomx")
        if not params.get("device"):
            raise _input_error("ssid_profile needs device (id, MAC address, serial number or name): each TelecomX device has its own SSIDs")
        if not params.get("band"):
            raise _input_error("ssid_profile needs band (2.4, 5 or 6): each band of a TelecomX device has its own SSID")
        if self._band() is None:
            raise _input_error("ssid_profile band must be one of %s, got %r" % (", ".join(spec[0] for spec in WIFI_BANDS), params["band"]))
        check_ssid(params.get("name"), "name")
        check_passphrase(params.get("passphrase"), "telecomx")
        if security == SECURITY_OPEN and params.get("passphrase") is not None:
            raise _input_error("ssid_profile: passphrase is not allowed with security=open")

    def _band(self):
        return next((spec for spec in WIFI_BANDS if spec[0] == str(self.params.get("band"))), None)

    def read(self):
        raw = self.client.device_raw(self.params["device"])
        self._check_band(raw)
        self._raw = raw
        record = self._record(raw)
        if self.params.get("state") == "absent" and record["name"] != self.params.get("name"):
            return None  # this SSID is not on that band: nothing to disable
        return record

    def _check_band(self, raw):
        model = self.client.model_by_id(raw.get("model"))
        capabilities = model_bands(model)
        if capabilities is None:
            return  # the model (or its capabilities) cannot be read: the API will judge
        has_wifi, bands = capabilities
        where = "device %s (model %s)" % (raw.get("name") or raw.get("_id"), self.client.model_label(model))
        if not has_wifi:
            raise UnsupportedError("telecomx: %s has no Wi-Fi" % where, platform="telecomx")
        band = self._band()[0]
        if band not in bands:
            raise UnsupportedError("telecomx: %s has no %s radio; its bands: %s"
                                   % (where, _band_label(band), ", ".join(bands)), platform="telecomx")

    def _record(self, raw):
        band, enabled, ssid, password = self._band()
        wifi = raw.get("wifi") or {}
        secret = wifi.get(password)
        return {"device": raw.get("_id"), "device_name": raw.get("name"), "band": band, "name": wifi.get(ssid),
                "enabled": bool(wifi.get(enabled)), "security": SECURITY_WITH_PASSWORD if secret else SECURITY_OPEN,
                "passphrase": secret or "", "band_steering": wifi.get("bandsteering")}

    def desired(self, current):
        params = self.params
        security, passphrase = params.get("security"), params.get("passphrase")
        if security == SECURITY_OPEN:
            passphrase = ""  # the band's password is removed
        elif passphrase is not None and security is None:
            security = SECURITY_WITH_PASSWORD
        if security == SECURITY_WITH_PASSWORD and not passphrase and not (current or {}).get("passphrase"):
            raise _input_error("ssid_profile: security=%s needs a passphrase: the %s band of device %s has none (it is open)"
                               % (SECURITY_WITH_PASSWORD, _band_label(self._band()[0]), params["device"]))
        return {"name": params.get("name"), "enabled": params.get("enabled"), "security": security, "passphrase": passphrase}

    def create(self, desired):
        raise UnsupportedError("telecomx: a device's SSIDs are its bands; they are not created", platform="telecomx")

    def delete(self, current):
        raise UnsupportedError("telecomx: a device's SSIDs are its bands; state=absent disables one", platform="telecomx")

    def update(self, current, desired, changes):
        enabled, ssid, password = self._band()[1:]
        # Only this band's keys that change (partial update, see update_device): the other bands, and
        # whatever changed on the device since it was read, stay as they are.
        wifi = {}
        if "name" in changes:
            wifi[ssid] = changes["name"]
        if "enabled" in changes:
            wifi[enabled] = changes["enabled"]
        if "passphrase" in changes:
            wifi[password] = changes["passphrase"] or None  # null: an open band
        elif changes.get("security") == SECURITY_OPEN:
            wifi[password] = None
        self._raw = self.client.post_update(self._raw["_id"], {"wifi": wifi})
        return self._record(self._raw)
