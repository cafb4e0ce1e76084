# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cradlepoint NetCloud Manager (NCM) API v2: everything this collection knows about it.

References: docs/api/cradlepoint-netcloud-api-v2.txt (`Lnnnn` below) and its
digest docs/api/ncm-digest.md (`§n.n`). What the vendor document does not
say is kept in the INFERRED block below, so a correction is one edit there.

- Auth: four headers on every request, no token (L17-45).
- URLs always end with a slash; without it NCM redirects and bills two calls (L114).
- Lists are `{data, meta}` and are paged by following `meta.next` (L185-211);
  single objects come back bare; 204 has no body.
- Config is a diff `[updates, removals]`; PATCH merges but cannot remove, PUT replaces (§3.2, §3.3).
"""

from __future__ import annotations

import datetime
import re
import time

from urllib.parse import quote, urljoin

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    MASK,
    AmbiguousError,
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
    RETRY_MAX_WAIT,
    ApiClient,
    chunked,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.models import (
    Device,
    Group,
    Ssid,
    WanConnection,
    id_from_url,
    normalize_mac,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import UNKNOWN

# ---- documented ------------------------------------------------------------------

# (settings option, request header): all four on every request (L17-45).
AUTH_HEADERS = (
    ("cp_api_id", "X-CP-API-ID"),
    ("cp_api_key", "X-CP-API-KEY"),
    ("ecm_api_id", "X-ECM-API-ID"),
    ("ecm_api_key", "X-ECM-API-KEY"),
)
SECRET_OPTIONS = ("cp_api_key", "ecm_api_key")

# "most resources have a max limit of 500 records per call" (L197); the API's default is 20.
PAGE_LIMIT = 500
# "the standard filter limits of 100 values per field (ex. router__in=[...])" (L1436).
IN_FILTER_LIMIT = 100

# 408 (Response Timeout), 504 and 524 (Cloudflare Timeout) are transient: "your first response
# should be to retry the query" (L8731-8739). 500: cradlepoint/api-samples known-issues reports
# transient "cp internal error shard-router-N" during heavy paging (anchors §3), so it is retried
# too, for idempotent requests only (the core decides).
RETRY_STATUSES = frozenset((408, 429, 500, 502, 503, 504, 524))
TIMEOUT_STATUSES = frozenset((408, 504, 524))

# NCM shows every non-default password in a configuration as "*" (L10090-10143).
PASSWORD_MASK = "*"

# routers filters (L6106-6140): field -> the operators the table lists ("" is `=`).
ROUTER_FILTERS = {
    "account": ("", "in"),
    "asset_id": ("", "in"),
    "description": ("", "in"),
    "device_type": ("", "in"),
    "full_product_name": ("",),
    "group": ("", "in"),
    "id": ("", "in"),
    "ipv4_address": ("", "in"),
    "mac": ("", "in"),
    "name": ("", "in"),
    "reboot_required": ("", "in"),
    "serial_number": ("", "in"),
    "state": ("", "in"),
    "state_updated_at": ("lt", "gt"),
    "updated_at": ("lt", "gt"),
}
# The names device_info users know from the other platforms.
ROUTER_FILTER_ALIASES = {"serial": "serial_number", "status": "state", "model": "product"}
# `product` is not a routers filter (L6130): it is applied to the listing, by product id.
CLIENT_SIDE_FILTERS = ("product",)

# What device_info shows without detail (fields=, L213-217).
ROUTER_SUMMARY_FIELDS = ("id", "name", "serial_number", "mac", "state", "group", "product",
                         "full_product_name", "actual_firmware", "account")
GROUP_FIELDS = ("id", "name", "account", "product", "target_firmware", "device_type")
# Only `configuration` and `suspended` are writable (§3.1); `actual` is left out (large, rarely needed).
CONFIG_FIELDS = ("id", "router", "configuration", "target", "pending", "synched", "suspended", "version_number")

# ---- INFERRED: every guess in one place ------------------------------------------------

# SSIDs live at wlan.radio.<r>.bss.<b> with key `ssid` (documented, §3.6). The `enabled` key is
# inferred from the NCOS configuration tree; the vendor document shows only ssid, wpapsk and
# radius0nasid.
WLAN_RADIO_PATH = ("wlan", "radio")
SSID_NAME_KEY = "ssid"
SSID_ENABLED_KEY = "enabled"  # inferred: NCOS config tree, not in the vendor document
# inferred: device_info reads SSIDs from `target` (the individual config layered over the group's,
# what NCM drives the device to, §3.1). A diff lists only what differs from the firmware's defaults,
# so an SSID left at its default name does not appear.
SSID_CONFIG_SOURCE = "target"
# inferred: net_devices `mode` is "WAN or LAN" in the table but "wan" in the examples (L4788-5078);
# compared case-insensitively on the client, not as a server filter that might miss.
NET_DEVICE_WAN_MODE = "wan"
NET_DEVICE_FIELDS = ("id", "router", "name", "type", "mode", "connection_state", "ipv4_address")
# inferred: net_devices has no WAN priority field (priority appears only as floats on failovers).
NET_DEVICE_PRIORITY_FIELD = None


def router_mac_notations(mac):
    """The notations a routers `mac` filter is sent in (one `mac__in`, documented).

    inferred: the case NCM stores is unknown: the routers examples have no hex letters (L6208),
    net_devices and alerts show lower case; so both cases of the colon form are asked.
    """
    mac = normalize_mac(mac)
    return [mac, mac.upper()]


# -- ssid_profile. The path wlan.radio.<r>.bss.<b> and the keys `ssid` and `wpapsk` are documented
# (§3.6); every other BSS key below is the NCOS configuration tree's name, not in the vendor document.
SSID_PASSPHRASE_KEY = "wpapsk"  # documented (§3.6); read back as "*" (L10090-10143)
SSID_HIDDEN_KEY = "hidden"      # inferred: NCOS; the module's `broadcast` is its inverse
SSID_AUTHMODE_KEY = "authmode"  # inferred: NCOS
# inferred: the module's security choices as NCOS authmode values (personal/PSK modes only).
SECURITY_AUTHMODES = {
    "open": "none",
    "wpa2_personal": "wpa2psk",
    "wpa_wpa2_personal": "wpa1wpa2psk",
    "wpa3_personal": "wpa3psk",
    "wpa2_wpa3_personal": "wpa2wpa3psk",
}
# inferred: radio index per band on the two-radio models (radio 0 is the 2.4 GHz radio). The vendor
# document never says; its only hint is a webhook showing an SSID named "...-5g" on radio 2 of an
# E3000 (L8370), so tri-radio models differ: give `id` there. 6 GHz has no known index.
BAND_RADIOS = {"2.4": "0", "5": "1"}
# inferred: NCOS keeps neither on the BSS: an SSID's VLAN is a LAN setting (lan.<id>.devices), and
# 802.11r has no documented key. The module's options fail for ncm before any request.
SSID_UNSUPPORTED_OPTIONS = {
    "vlan_id": "NCM ties an SSID to a VLAN through the LAN's devices (lan.<id>.devices), not on the SSID",
    "fast_transition": "the NCM configuration reference documents no 802.11r key",
}
# inferred: the firmware's factory configuration, which configuration diffs are relative to (§3.2),
# is read from the `default_configuration` link of firmwares (documented as a field, L3300-3316;
# the shape of its answer is not shown: a bare tree, `{data: tree}` and a diff are all accepted).
FIRMWARE_DEFAULTS_PATH = "default_configuration"

# -- wan_priority: WAN rules live at wan.rules2.<_id_> on firmware >= 6.0 (documented, §3.7); NCM
# documents no priority or name key on them. inferred from the NCOS configuration tree:
WAN_RULES_PATH = ("wan", "rules2")
WAN_RULE_NAME_KEY = "trigger_name"    # the rule's name, e.g. "Ethernet", "LTE" (the module's `name`)
WAN_RULE_PRIORITY_KEY = "priority"    # a float, lower is preferred (the failovers' floats, §2.13)
WAN_RULE_DISABLED_KEY = "disabled"    # the module's `enabled` is its inverse

# -- group membership: not documented. PUT routers/<id>/ {"group": <group URL>} moves a router in and
# {"group": null} takes it out (Cradlepoint's SDK: assign_router_to_group, remove_router_from_group).
ROUTER_GROUP_FIELD = "group"

# -- reboot: NCM has no reboot status. A router is back when it is online and either its `state`
# changed after the request (it went offline and came back: state_updated_at, L6141) or one of its WAN
# connections restarted after it (net_devices updated_at - uptime): NCM marks a router offline only
# after two minutes (§4), so a quick reboot shows only in the uptimes.
REBOOT_ROUTER_FIELDS = ("id", "state", "state_updated_at")
REBOOT_NET_DEVICE_FIELDS = ("id", "mode", "connection_state", "uptime", "updated_at")


# ---- end of INFERRED ----------------------------------------------------------------------

# A config key under which NCM would echo a secret in a validation error's `value`.
_SECRET_CONFIG_KEY = re.compile(r"(psk|pass(word|wd|phrase)?|secret|key)$", re.IGNORECASE)
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


# ---- configuration helpers (for the modules) -------------------------------------------

def read_secret(value):
    """A password read back from a configuration: "*" means "set, but unreadable" (UNKNOWN)."""
    return UNKNOWN if value == PASSWORD_MASK else value


def config_updates(config):
    """The update dictionary of a configuration diff `[updates, removals]` (or a bare dict)."""
    if isinstance(config, (list, tuple)):
        config = config[0] if config else {}
    return config if isinstance(config, dict) else {}


def config_get(config, path, default=None):
    """The value at `path` ("wlan.radio.0.bss.0.ssid" or a sequence) in a diff's updates."""
    node = config_updates(config)
    for key in _path_keys(path):
        if isinstance(node, dict) and str(key) in node:
            node = node[str(key)]
        elif isinstance(node, list) and str(key).isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return default
    return node


def config_diff(path, value):
    """An update dictionary that sets `path` to `value`: config_diff("a.0.b", 1) == {"a": {"0": {"b": 1}}}.

    Array positions are quoted string keys, as NCM requires in updates (§3.2).
    """
    for key in reversed(_path_keys(path)):
        value = {str(key): value}
    return value


def ssid_slot(radio, bss):
    """The id device_info gives an SSID: "<radio index>.<bss index>"."""
    return "%s.%s" % (radio, bss)


def ssids_from_config(config):
    """The SSIDs in a configuration diff, as Ssid records (id = ssid_slot)."""
    ssids = []
    for radio_key, radio in _children(config_get(config, WLAN_RADIO_PATH)):
        for bss_key, bss in _children(radio.get("bss") if isinstance(radio, dict) else None):
            if isinstance(bss, dict):
                ssids.append(Ssid(id=ssid_slot(radio_key, bss_key), name=bss.get(SSID_NAME_KEY),
                                  enabled=_as_bool(bss.get(SSID_ENABLED_KEY))))
    return ssids


def config_removals(config):
    """The removal list of a configuration diff (empty for a bare dict)."""
    if isinstance(config, (list, tuple)) and len(config) > 1 and isinstance(config[1], list):
        return config[1]
    return []


def config_effective(defaults, diff):
    """The whole configuration a diff describes over the firmware's defaults: the removals first, then
    the updates merged (§3.2). `_id_` arrays keyed by index in the defaults are re-keyed by `_id_`
    where the diff keys them by UUID (NCM treats both forms as equal, §3.2)."""
    config = _tree_copy(config_updates(defaults) if isinstance(defaults, (list, tuple)) else defaults or {})
    for path in config_removals(diff):
        _remove_path(config, path)
    _merge_tree(config, config_updates(diff))
    return config


def _tree_copy(value):
    if isinstance(value, dict):
        return dict((key, _tree_copy(item)) for key, item in value.items())
    if isinstance(value, list):
        return [_tree_copy(item) for item in value]
    return value


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


def _merge_tree(node, updates):
    for key, value in updates.items():
        key = str(key)
        if isinstance(value, list):  # a list in a diff replaces the whole array (L2550)
            value = dict((str(index), item) for index, item in enumerate(value))
            node[key] = _tree_copy(value)
        elif isinstance(value, dict) and isinstance(node.get(key), dict):
            child = node[key]
            if any(_UUID.match(str(name)) for name in value) and child and all(str(name).isdigit() for name in child):
                child = node[key] = dict((item.get("_id_") if isinstance(item, dict) and item.get("_id_") else name, item)
                                         for name, item in child.items())
            _merge_tree(child, value)
        else:
            node[key] = _tree_copy(value)


def _remove_path(node, path):
    for position, key in enumerate(path):
        if not isinstance(node, dict):
            return
        if isinstance(key, int) and not isinstance(key, bool):
            names = list(node)
            key = names[key] if names and _UUID.match(str(names[0])) and 0 <= key < len(names) else str(key)
        key = str(key)
        if key not in node:
            return
        if position == len(path) - 1:
            del node[key]
        else:
            node = node[key]


def _path_keys(path):
    return [key for key in path.split(".") if key != ""] if isinstance(path, str) else list(path)


def _children(node):
    """(key, value) of a config array, which diffs write as a dict of index strings (or a list)."""
    if isinstance(node, list):
        return [(str(index), value) for index, value in enumerate(node)]
    if not isinstance(node, dict):
        return []
    return sorted(node.items(), key=lambda item: (0, int(item[0])) if str(item[0]).isdigit() else (1, str(item[0])))


def _as_bool(value):
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    return True if text in ("true", "1", "yes", "on") else False if text in ("false", "0", "no", "off") else None


def _ref_id(value):
    """The id of a reference: a URL, a bare id, or an expanded object."""
    if isinstance(value, dict):
        value = value.get("id") or value.get("resource_url")
    return id_from_url(value)


def _filter_value(value):
    """A filter value as NCM wants it: URL fields are filtered by their integer id (L6868-6875)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict) or (isinstance(value, str) and value.startswith(("http://", "https://"))):
        return _ref_id(value)
    return str(value)


def _query(params):
    """Query parameters: lists become the comma form of `__in` filters (L8741-8759)."""
    query = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, (set, frozenset)):
            value = sorted(value, key=str)
        if isinstance(value, (list, tuple)):
            value = ",".join(_filter_value(item) for item in value)
        else:
            value = _filter_value(value)
        query[key] = value
    return query


def _csv(fields):
    return fields if isinstance(fields, str) else ",".join(fields)


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]


def _safe_mac(value):
    try:
        return normalize_mac(value)
    except ValueError:
        return None


def _html_title(text):
    """A readable line for an HTML error page (a proxy's 524, say) instead of the whole page."""
    stripped = text.lstrip()
    if not stripped.startswith("<"):
        return None
    match = _HTML_TITLE.search(stripped)
    title = " ".join(match.group(1).split()) if match else ""
    return "an HTML page%s instead of the API's JSON" % (" (%s)" % title if title else "")


def _error_details(errors):
    """The `errors` list of an NCM error body as text; request context (path, method) left out."""
    details = []
    for entry in errors if isinstance(errors, list) else []:
        if not isinstance(entry, dict):
            details.append(str(entry))
            continue
        config = entry.get("configuration")
        if isinstance(config, dict):
            # The config validation error (L9094-9117). `message` echoes the value ("cannot set
            # wpapsk to ..."), so the path and the reason are shown, never the value.
            path = config.get("path")
            where = ".".join(str(key) for key in path) if isinstance(path, list) else str(path or "?")
            details.append("configuration %s: %s" % (where, config.get("reason") or config.get("message") or "invalid"))
            continue
        for key, value in entry.items():
            if key not in ("path", "method"):
                details.append("%s: %s" % (key, value))
    return "; ".join(details)


def _mask_config_values(body):
    """Mask the `value` of a config validation error (and its echo in `message`) when its path ends in a secret key."""
    for entry in body.get("errors") or [] if isinstance(body, dict) else []:
        config = entry.get("configuration") if isinstance(entry, dict) else None
        path = config.get("path") if isinstance(config, dict) else None
        value = config.get("value") if isinstance(config, dict) else None
        if isinstance(path, list) and path and _SECRET_CONFIG_KEY.search(str(path[-1])) and value not in (None, ""):
            config["value"] = MASK
            if isinstance(config.get("message"), str):
                config["message"] = config["message"].replace(str(value), MASK)


class NcmClient(ApiClient):
    """NCM API v2 with the four key headers; see the module docstring for the rules it follows."""

    platform = "ncm"
    retry_statuses = RETRY_STATUSES

    def __init__(self, settings, session, redactor=None, token_cache=None, max_retries=DEFAULT_MAX_RETRIES,
                 sleep=time.sleep, retry_max_wait=RETRY_MAX_WAIT, rate_limiter=None):
        super().__init__(settings["url"], session, redactor=redactor, max_retries=max_retries,
                         retry_max_wait=retry_max_wait, sleep=sleep, rate_limiter=rate_limiter)
        for option in SECRET_OPTIONS:
            self.redactor.add(settings.get(option))
        missing = [option for option, header in AUTH_HEADERS if not settings.get(option)]
        if missing:
            raise InputError("ncm: credentials are missing: %s" % ", ".join(missing), platform=self.platform)
        self._headers = dict((header, str(settings[option])) for option, header in AUTH_HEADERS)
        self.token_cache = token_cache  # unused: NCM has no token, the keys go with every request
        self._products = None
        self._accounts = None
        self._defaults = {}

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
            return body["data"]  # the config appendix's `{"success": true, "data": {...}}` (L8935)
        return body

    def vendor_message(self, body):
        """The message of NCM's error shapes (L274-335), with the `errors` details appended."""
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
            cls = ValidationError  # invalid config: 400 by the prose, 409 in the example (L9073, L9094)
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
            hint = ("check ncm.cp_api_id, cp_api_key, ecm_api_id and ecm_api_key, "
                    "or X_CP_API_ID, X_CP_API_KEY, X_ECM_API_ID and X_ECM_API_KEY")
        elif cls is PermissionDeniedError:
            hint = ("NCM answers 403 for an id that does not exist or is not visible to these keys, "
                    "and for a role without write access")
        elif status in TIMEOUT_STATUSES:
            hint = "NCM timed out; a narrower query (fewer records per request) usually succeeds"
        if hint:
            error.message += " (%s)" % hint
            error.args = (error.message,)
        return error

    # ---- URLs ---------------------------------------------------------------------------

    def resource_url(self, endpoint, object_id=None):
        """`<base>/<endpoint>/` or `<base>/<endpoint>/<id>/`: the only place NCM URLs are built.

        Request paths end with a slash (L114), and URL fields in request bodies must be full
        URLs (L6868), e.g. {"router": client.resource_url("routers", 42)}.
        """
        endpoint = str(endpoint).strip("/")
        if not endpoint:
            raise InputError("ncm: an endpoint name is required", platform=self.platform)
        url = "%s/%s/" % (self.base_url, endpoint)
        if object_id is not None and object_id != "":
            url += quote(str(_ref_id(object_id)), safe="") + "/"
        return url

    # ---- generic calls --------------------------------------------------------------------

    def list(self, endpoint, params=None, fields=None, limit=PAGE_LIMIT):
        """Every record of a listing, following `meta.next` to the end; any failed page raises.

        Only `limit` is sent (never `offset`), so this works for the endpoints without offset
        (alert_rules, alert_push_destinations, the sample endpoints) too.
        """
        query = _query(params)
        if fields:
            query["fields"] = _csv(fields)
        query.setdefault("limit", str(limit))
        path = self.resource_url(endpoint)
        return self.paginate_next(path, query, self._page_splitter(path))

    def list_in(self, endpoint, field, values, params=None, fields=None, limit=PAGE_LIMIT):
        """list() with `<field>__in` filters of at most 100 values (L1436), concatenated."""
        key = field if field.endswith("__in") else field + "__in"
        unique, seen = [], set()
        for value in values:
            value = _filter_value(value)
            if value not in seen:
                seen.add(value)
                unique.append(value)
        items = []
        for chunk in chunked(unique, IN_FILTER_LIMIT):
            items.extend(self.list(endpoint, dict(params or {}, **{key: chunk}), fields=fields, limit=limit))
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
        """DELETE (204)."""
        return self.request("DELETE", self.resource_url(endpoint, object_id))

    def _page_splitter(self, page_url):
        def split(payload):
            if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
                raise MalformedResponseError(
                    "ncm: GET %s answered without the documented {data: [...], meta} list envelope" % self._path(page_url),
                    platform=self.platform, method="GET", url=page_url)
            meta = payload.get("meta")
            next_url = meta.get("next") if isinstance(meta, dict) else None
            return payload["data"], urljoin(page_url, next_url) if next_url else None
        return split

    # ---- configuration ----------------------------------------------------------------------

    def router_configuration(self, router_id, fields=CONFIG_FIELDS):
        """The configuration_managers object of a router (its id is not the router's, §3.1)."""
        managers = self.list("configuration_managers", {"router": router_id}, fields=fields)
        if not managers:
            raise NotFoundError("ncm: router %s has no configuration manager (no such router, or not visible to these keys)"
                                % _ref_id(router_id), platform=self.platform)
        return managers[0]

    def router_configurations(self, router_ids, fields=CONFIG_FIELDS):
        """{router id: configuration_managers object} for many routers, in `router__in` chunks."""
        managers = self.list_in("configuration_managers", "router", router_ids, fields=fields)
        return dict((_ref_id(manager.get("router")), manager) for manager in managers)

    def patch_configuration(self, config_manager_id, updates, removals=None):
        """Merge `updates` into a router's individual config (202, no body).

        PATCH cannot remove anything (L9443): removals raise; use put_configuration.
        Empty updates send nothing (PATCH [{}, []] "will do nothing at all").
        """
        self._check_patchable(removals)
        if updates:
            self.patch("configuration_managers", config_manager_id, {"configuration": [updates, []]})

    def put_configuration(self, config_manager_id, updates, removals=None, fields=("configuration",)):
        """Replace a router's whole individual config with `[updates, removals]` (202 + `fields`).

        Anything not in `updates` goes back to the group/firmware default (§3.3).
        """
        return self.update("configuration_managers", config_manager_id,
                           {"configuration": [updates or {}, list(removals or [])]}, fields=fields)

    def group_configuration(self, group_id):
        """A group's configuration diff `[updates, removals]` (L9549)."""
        config = (self.get("groups", group_id, fields=("configuration",)) or {}).get("configuration")
        return config if isinstance(config, list) and len(config) == 2 else [config_updates(config), []]

    def patch_group_configuration(self, group_id, updates, removals=None):
        """Merge `updates` into a group's config; same rules as patch_configuration (L9575)."""
        self._check_patchable(removals)
        if updates:
            self.patch("groups", group_id, {"configuration": [updates, []]})

    def put_group_configuration(self, group_id, updates, removals=None):
        """Replace a group's whole config with `[updates, removals]`."""
        return self.update("groups", group_id, {"configuration": [updates or {}, list(removals or [])]})

    def _check_patchable(self, removals):
        if removals:
            raise InputError("ncm: a configuration PATCH cannot remove anything (NCM API v2, configuration_managers); "
                             "removals need a PUT of the whole configuration", platform=self.platform)

    # ---- reference data -----------------------------------------------------------------------

    def groups(self, params=None):
        return [self._group(item) for item in self.list("groups", params, fields=GROUP_FIELDS)]

    def find_group(self, key):
        """The group with this id or name; AmbiguousError lists same-named groups."""
        return self._group(self.find_group_raw(key))

    def find_group_raw(self, key, fields=GROUP_FIELDS):
        """The raw groups record with this id or name (id first when the key is all digits)."""
        key = _filter_value(key).strip()
        if key.isdigit():
            found = self.list("groups", {"id": key}, fields=fields)
            if found:
                return found[0]
        found = self.list("groups", {"name": key}, fields=fields)
        return self._one(found, key, "group", lambda item: "%s (id %s)" % (item.get("name"), item.get("id")))

    def products(self):
        """[{id, name, device_type, series}], listed once per client (products do not change during a run)."""
        if self._products is None:
            self._products = [dict(id=_ref_id(item.get("id")), name=item.get("name"), device_type=item.get("device_type"),
                                   series=item.get("series"))
                              for item in self.list("products", fields=("id", "name", "device_type", "series"))]
        return self._products

    def find_product(self, key):
        """A product by id, URL or name (e.g. "IBR600")."""
        key = _filter_value(key)
        matches = [item for item in self.products() if key in (item["id"], item["name"])]
        return self._one(matches, key, "product", lambda item: "%s (id %s)" % (item["name"], item["id"]))

    def firmwares(self, product=None, version=None):
        """[{id, version, product_id, is_deprecated}]; `product` (id, URL or name) is matched on the
        client because firmwares cannot be filtered by product (L3294)."""
        product_id = self.find_product(product)["id"] if product not in (None, "") else None
        params = {"version": version} if version not in (None, "") else None
        records = [dict(id=_ref_id(item.get("id")), version=item.get("version"), product_id=_ref_id(item.get("product")),
                        is_deprecated=item.get("is_deprecated"))
                   for item in self.list("firmwares", params, fields=("id", "version", "product", "is_deprecated"))]
        return [record for record in records if product_id is None or record["product_id"] == product_id]

    def find_firmware(self, version, product):
        """The firmware of `product` with this version (a group's target_firmware)."""
        matches = self.firmwares(product=product, version=version)
        return self._one(matches, "%s for product %s" % (version, product), "firmware",
                         lambda item: "%s (id %s)" % (item["version"], item["id"]))

    def accounts(self, params=None):
        """[{id, name, parent_id, is_disabled}]."""
        return [dict(id=_ref_id(item.get("id")), name=item.get("name"), parent_id=_ref_id(item.get("account")),
                     is_disabled=item.get("is_disabled"))
                for item in self.list("accounts", params, fields=("id", "name", "account", "is_disabled"))]

    def find_account(self, key):
        key = _filter_value(key)
        field = "id" if key.isdigit() else "name"
        return self._one(self.accounts({field: key}), key, "account", lambda item: "%s (id %s)" % (item["name"], item["id"]))

    def users(self, emails=None):
        """[{id, email, username, first_name, last_name, account_id}]; `emails` filters with email__in."""
        fields = ("id", "email", "username", "first_name", "last_name", "account")
        items = self.list_in("users", "email", emails, fields=fields) if emails is not None else self.list("users", fields=fields)
        return [dict(id=_ref_id(item.get("id")), email=item.get("email"), username=item.get("username"),
                     first_name=item.get("first_name"), last_name=item.get("last_name"), account_id=_ref_id(item.get("account")))
                for item in items]

    def _one(self, matches, key, kind, describe):
        if not matches:
            raise NotFoundError("ncm: no %s matches %r" % (kind, key), platform=self.platform)
        if len(matches) > 1:
            raise AmbiguousError("ncm: %s %r is ambiguous; candidates: %s; give the id"
                                 % (kind, key, ", ".join(describe(item) for item in matches)), platform=self.platform)
        return matches[0]

    def _group(self, item):
        return Group(platform=self.platform, id=_ref_id(item.get("id")), name=item.get("name") or "", raw=item)

    # ---- devices ----------------------------------------------------------------------------

    def devices(self, device=None, group=None, filters=None, detail=True):
        """Devices as Device records: one (`device`: id, serial, name or MAC), a group's, or all.

        `filters` are routers filters (L6106-6140; lists become `__in`), plus `product`/`model`
        (matched on the client). Group names, models and firmware versions come from one listing
        each, never a request per device. With detail, WAN connections (net_devices) and SSIDs
        (configuration_managers) come in `router__in` chunks of 100; without it, the routers
        listing asks only for the fields the record needs.
        """
        params, product_ids = self._router_filters(filters)
        known_groups = {}
        if group not in (None, ""):
            found = self.find_group(group)
            params["group"], known_groups[found.id] = found.id, found.name
        fields = None if detail else ROUTER_SUMMARY_FIELDS
        routers = self._find_router(device, params, fields) if device not in (None, "") else self._routers(params, fields)
        if product_ids is not None:
            routers = [router for router in routers if _ref_id(router.get("product")) in product_ids]
        return self._device_records(routers, detail, known_groups)

    def _router_filters(self, filters):
        params, product_ids = {}, None
        for key, value in (filters or {}).items():
            if value is None or value == [] or value == "":
                continue
            name = ROUTER_FILTER_ALIASES.get(key, key)
            field, operator = (name.split("__", 1) + [""])[:2]
            if field in CLIENT_SIDE_FILTERS and operator in ("", "in"):
                product_ids = set(self.find_product(item)["id"] for item in _as_list(value))
                continue
            if field not in ROUTER_FILTERS or operator not in ROUTER_FILTERS[field]:
                raise InputError("ncm: %r is not a device filter; use one of: %s" % (
                    key, ", ".join(sorted(set(ROUTER_FILTERS) | set(ROUTER_FILTER_ALIASES) | set(CLIENT_SIDE_FILTERS)))),
                    platform=self.platform)
            values = _as_list(value)
            if field == "group":
                values = [self.find_group(item).id for item in values]
            elif field == "account":
                values = [self.find_account(item)["id"] for item in values]
            elif field == "mac":
                params["mac__in"] = [notation for item in values for notation in self._mac_notations(item)]
                continue
            if isinstance(value, (list, tuple, set, frozenset)) and operator == "":
                if len(values) == 1:
                    value = values[0]
                elif "in" in ROUTER_FILTERS[field]:
                    name, value = field + "__in", values
                else:
                    raise InputError("ncm: filter %s takes one value" % key, platform=self.platform)
            else:
                value = values if operator == "in" else values[0]
            params[name] = value
        return params, product_ids

    def _mac_notations(self, value):
        try:
            return router_mac_notations(value)
        except ValueError:
            raise InputError("ncm: %r is not a MAC address" % (value,), platform=self.platform)

    def _routers(self, params, fields):
        """routers/ with the filters; an `__in` filter of more than 100 values is split."""
        long_filters = [key for key, value in params.items()
                        if key.endswith("__in") and isinstance(value, list) and len(value) > IN_FILTER_LIMIT]
        if len(long_filters) > 1:
            raise InputError("ncm: only one filter may list more than %d values" % IN_FILTER_LIMIT, platform=self.platform)
        if long_filters:
            rest = dict(params)
            values = rest.pop(long_filters[0])
            return self.list_in("routers", long_filters[0], values, params=rest, fields=fields)
        return self.list("routers", params, fields=fields)

    def _find_router(self, key, params, fields):
        """One router by id, MAC, serial number or name, asked in that order until one matches."""
        key = _filter_value(key).strip()
        candidates = []
        if key.isdigit():
            candidates.append(("id", key))
        mac = _safe_mac(key)
        if mac:
            candidates.append(("mac__in", router_mac_notations(mac)))
        candidates += [("serial_number", key), ("name", key)]
        for field, value in candidates:
            found = self.list("routers", dict(params, **{field: value}), fields=fields)
            if found:
                self._one(found, key, "device", lambda item: "%s (id %s, serial %s)"
                          % (item.get("name"), item.get("id"), item.get("serial_number")))
                return found
        raise NotFoundError("ncm: no device has the id, MAC, serial number or name %r%s"
                            % (key, " in group %s" % params["group"] if params.get("group") else ""), platform=self.platform)

    def _device_records(self, routers, detail, known_groups=None):
        router_ids = [_ref_id(router.get("id")) for router in routers]
        group_names = self._names("groups", [router.get("group") for router in routers], "name", known=known_groups)
        product_names = dict((item["id"], item["name"]) for item in self.products()) if routers else {}
        firmware_versions = self._names("firmwares", [router.get("actual_firmware") for router in routers], "version",
                                        full_listing=False)
        wan = self._wan_connections(router_ids) if detail and routers else {}
        ssids = self._ssids(router_ids) if detail and routers else {}
        devices = []
        for router, router_id in zip(routers, router_ids):
            group_id = _ref_id(router.get("group"))
            product = product_names.get(_ref_id(router.get("product")))
            full_name = router.get("full_product_name")
            devices.append(Device(
                platform=self.platform, id=router_id, name=router.get("name"), serial=router.get("serial_number"),
                mac=_safe_mac(router.get("mac")),
                model=product or (full_name if full_name not in (None, "", "unknown") else None),
                firmware=firmware_versions.get(_ref_id(router.get("actual_firmware"))),
                status=router.get("state"), group=group_names.get(group_id), group_id=group_id,
                wan=wan.get(router_id, []), ssids=ssids.get(router_id, []), raw=router,
            ))
        return devices

    def _names(self, endpoint, references, attribute, full_listing=True, known=None):
        """{id: attribute} for the referenced objects (beyond those `known`): `id__in` chunks, or
        one full listing when that takes fewer requests (more than 100 ids of a small endpoint)."""
        names = dict(known or {})
        ids = sorted(set(_ref_id(reference) for reference in references) - {None} - set(names))
        if not ids:
            return names
        fields = ("id", attribute)
        if full_listing and len(ids) > IN_FILTER_LIMIT:
            items = self.list(endpoint, fields=fields)
        else:
            items = self.list_in(endpoint, "id", ids, fields=fields)
        names.update((_ref_id(item.get("id")), item.get(attribute)) for item in items)
        return names

    def _wan_connections(self, router_ids):
        """{router id: [WanConnection]} from net_devices in WAN mode."""
        connections = {}
        for item in self.list_in("net_devices", "router", router_ids, fields=NET_DEVICE_FIELDS):
            if str(item.get("mode") or "").lower() != NET_DEVICE_WAN_MODE:
                continue
            # The doc's own example has "router": null; with one router asked, it is that one.
            router_id = _ref_id(item.get("router")) or (router_ids[0] if len(router_ids) == 1 else None)
            state = item.get("connection_state")
            connections.setdefault(router_id, []).append(WanConnection(
                id=_ref_id(item.get("id")), name=item.get("name"), type=item.get("type"),
                status=str(state).lower() if state not in (None, "") else None, ip=item.get("ipv4_address"),
                priority=_priority(item.get(NET_DEVICE_PRIORITY_FIELD)) if NET_DEVICE_PRIORITY_FIELD else None,
            ))
        return connections

    def _ssids(self, router_ids):
        """{router id: [Ssid]} from the routers' configuration managers."""
        managers = self.router_configurations(router_ids, fields=("router", SSID_CONFIG_SOURCE))
        return dict((router_id, ssids_from_config(manager.get(SSID_CONFIG_SOURCE))) for router_id, manager in managers.items())

    # ---- actions ------------------------------------------------------------------------------

    def reboot_router(self, router_id):
        """Ask NCM to reboot a router (201). Never resent: a lost answer must not mean two reboots.
        An offline router's request is lost (L5236-5238)."""
        return self.request("POST", self.resource_url("reboot_activity"),
                            json={"router": self.resource_url("routers", router_id)}, idempotent=False)

    def reboot_group(self, group_id):
        """Ask NCM to reboot every router of a group (201). Never resent."""
        return self.request("POST", self.resource_url("reboot_activity"),
                            json={"group": self.resource_url("groups", group_id)}, idempotent=False)

    def reboot_device(self, device):
        """The reboot module's call: one POST reboot_activity/ for this router (L5229-5259)."""
        return self.reboot_router(device.id)

    def is_back(self, device, rebooted_at):
        """True once the router rebooted after `rebooted_at` (epoch) and is online again (see the
        INFERRED block: REBOOT_*)."""
        found = self.list("routers", {"id": device.id}, fields=REBOOT_ROUTER_FIELDS)
        if not found:
            raise NotFoundError("ncm: router %s is no longer visible" % device.id, platform=self.platform)
        router = found[0]
        if str(router.get("state") or "").lower() != "online":
            return False
        changed_at = _epoch(router.get("state_updated_at"))
        if changed_at is not None and changed_at > rebooted_at:
            return True
        for item in self.list("net_devices", {"router": device.id}, fields=REBOOT_NET_DEVICE_FIELDS):
            if str(item.get("mode") or "").lower() != NET_DEVICE_WAN_MODE:
                continue
            updated_at, uptime = _epoch(item.get("updated_at")), _number(item.get("uptime"))
            if updated_at is not None and uptime is not None and updated_at - uptime > rebooted_at:
                return True
        return False

    # ---- lookups for the modules ---------------------------------------------------------------

    def find_router(self, key, fields=None):
        """The raw routers record with this id, MAC, serial number or name."""
        return self._find_router(key, {}, fields)[0]

    def find_routers(self, keys, fields=None):
        """{key: raw router} for many keys (id, MAC, serial number or name) in a few `__in` listings.

        A key is matched in that order (id, MAC, serial, name); a key no router has raises InputError
        naming every such key, one that several routers share raises AmbiguousError.
        """
        keys = [str(key).strip() for key in keys]
        by_field = {"id": [], "mac": [], "serial_number": [], "name": []}
        fields = None if fields is None else sorted(set(fields) | {"id", "mac", "serial_number", "name"})
        result, missing = {}, []
        for key in [key for key in keys if "," in key]:  # the comma form of `__in` cannot carry it
            result[key] = self._find_router(key, {}, fields)[0]
        for key in keys:
            if key in result:
                continue
            if key.isdigit():
                by_field["id"].append(key)
            if _safe_mac(key):
                by_field["mac"].extend(router_mac_notations(key))
            by_field["serial_number"].append(key)
            by_field["name"].append(key)
        found = dict((field, self.list_in("routers", field, values, fields=fields) if values else [])
                     for field, values in by_field.items())
        for key in keys:
            if key in result:
                continue
            mac = _safe_mac(key)
            for field in ("id", "mac", "serial_number", "name"):
                if field == "mac":
                    matches = [item for item in found[field] if mac and _safe_mac(item.get("mac")) == mac]
                elif field == "id" and not key.isdigit():
                    continue
                else:
                    matches = [item for item in found[field] if str(item.get(field)) == key]
                if matches:
                    result[key] = self._one(matches, key, "device", lambda item: "%s (id %s, serial %s)" % (
                        item.get("name"), item.get("id"), item.get("serial_number")))
                    break
            else:
                missing.append(key)
        if missing:
            raise InputError("ncm: no router has the id, MAC, serial number or name %s" % ", ".join(repr(key) for key in missing),
                             platform=self.platform)
        return result

    def default_configuration(self, firmware_id):
        """The factory configuration tree of a firmware (FIRMWARE_DEFAULTS_PATH); {} if there is none."""
        firmware_id = _ref_id(firmware_id)
        if firmware_id in (None, ""):
            return {}
        if firmware_id not in self._defaults:
            try:
                body = self.request("GET", self.resource_url("firmwares", firmware_id) + FIRMWARE_DEFAULTS_PATH + "/")
            except NotFoundError:
                body = {}
            self._defaults[firmware_id] = _default_tree(body)
        return self._defaults[firmware_id]

    def all_accounts(self):
        """Every account the keys see, listed once per client."""
        if self._accounts is None:
            self._accounts = self.accounts()
        return self._accounts

    def keys_account(self):
        """The account of the API keys: the visible account whose parent is itself or not visible (inferred)."""
        accounts = self.all_accounts()
        ids = set(item["id"] for item in accounts)
        roots = [item for item in accounts if item["parent_id"] in (None, item["id"]) or item["parent_id"] not in ids]
        if len(roots) != 1:
            raise InputError("ncm: cannot tell which account these keys belong to (%s); give account"
                             % (", ".join("%s (id %s)" % (item["name"], item["id"]) for item in roots) or "none visible"),
                             platform=self.platform)
        return roots[0]


def _priority(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _epoch(text):
    """An NCM timestamp (ISO 8601, "+00:00" or "%2B00:00") as epoch seconds, or None."""
    if not text:
        return None
    text = str(text).replace("%2B", "+").replace("%2b", "+").replace("Z", "+00:00")
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


def _default_tree(body):
    """The configuration tree in a default_configuration answer (bare, `{data: ...}` or a diff)."""
    if isinstance(body, (list, tuple)):
        return config_updates(body)
    if isinstance(body, dict) and set(body) & {"data", "success"} and isinstance(body.get("data"), (dict, list)):
        return _default_tree(body["data"])
    return body if isinstance(body, dict) else {}
