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

from ansible_collections.wanfleet.routers.plugins.module_utils.checks import check_passphrase, check_ssid
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
    TransportError,
    UnsupportedError,
    ValidationError,
    error_class_for_status,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.http import (
    DEFAULT_MAX_RETRIES,
    IDEMPOTENT_METHODS,
    RETRY_MAX_WAIT,
    ApiClient,
    chunked,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.models import (
    Device,
    Group,
    Ssid,
    WanConnection,
    cellular_record,
    id_from_url,
    location_record,
    normalize_mac,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import UNKNOWN, Resource, merged, not_existing

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
# A router's configuration backup (config_backup module): the individual layer and the router's own report.
BACKUP_CONFIG_FIELDS = ("id", "router", "configuration", "actual")

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
# device_info include cellular: the modem fields of net_devices (documented field table) and of
# net_device_signal_samples (documented: rsrp, rsrq, sinr, rssi, dbm, signal_percent).
CELLULAR_NET_DEVICE_FIELDS = ("id", "router", "mode", "type", "carrier", "service_type", "rfband", "imei", "iccid", "imsi",
                              "apn", "roam")
MODEM_TYPES = ("mdm", "modem", "lte")  # documented net_devices `type` values other than ethernet
SIGNAL_SAMPLE_FIELDS = ("net_device", "created_at", "rsrp", "rsrq", "sinr", "rssi", "signal_percent")
# documented: roam "0 non-preferred roaming / 1 home / 2 preferred roaming"
ROAM_HOME = "1"
# device_info include location: locations (documented fields latitude, longitude, accuracy in metres, method, updated_at).
LOCATION_FIELDS = ("router", "latitude", "longitude", "accuracy", "method", "updated_at")
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
# NCM answers 403 for a URL the keys may not see (documented, error statuses); 404 and 400 are what an
# unknown or unsupported link may give. Any of them: the defaults are unknown, the configuration is
# compared as it is (without them), and the task warns.
FIRMWARE_DEFAULTS_UNKNOWN = (NotFoundError, PermissionDeniedError, ValidationError)

# -- wan_priority: WAN rules live at wan.rules2.<_id_> on firmware >= 6.0 (documented, §3.7); NCM
# documents no priority or name key on them. inferred from the NCOS configuration tree:
WAN_RULES_PATH = ("wan", "rules2")
WAN_RULE_NAME_KEY = "trigger_name"    # the rule's name, e.g. "Ethernet", "LTE" (the module's `name`)
# inferred: an older public client (Cradlepoint's SDK examples) names rules by `name`; a rule matches a
# connection's `name` by either key, trigger_name first
WAN_RULE_NAME_KEYS = (WAN_RULE_NAME_KEY, "name")
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

# Fetching pages ahead: the document pages one `meta.next` after another (L6879-6905); that
# routers/ answers offset pages requested together is inferred from L203-211 (it is not among the
# endpoints without offset). A fleet-wide routers listing asks for up to this many pages at a time;
# each page's `next` still decides where it ends (ApiClient.paginate_next).
ROUTER_PAGE_CONCURRENCY = 4

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


def wan_rules_from_config(config):
    """[(rule id, {name, priority, enabled}, names)] of the WAN rules (wan.rules2) of a configuration, in
    order. `name` is the rule's trigger_name, else its name; `names` holds both (WAN_RULE_NAME_KEYS)."""
    rules = config_get(config, WAN_RULES_PATH)
    found = []
    for key, rule in (rules.items() if isinstance(rules, dict) else _children(rules)):
        if not isinstance(rule, dict):
            continue
        names = [str(rule[name_key]) for name_key in WAN_RULE_NAME_KEYS if rule.get(name_key) not in (None, "")]
        found.append((str(rule.get("_id_") or key),
                      {"name": names[0] if names else None, "priority": _priority_value(rule.get(WAN_RULE_PRIORITY_KEY)),
                       "enabled": not _as_bool(rule.get(WAN_RULE_DISABLED_KEY))}, names))
    return found


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
                 sleep=time.sleep, retry_max_wait=RETRY_MAX_WAIT, rate_limiter=None, rate_limit=None):
        super().__init__(settings["url"], session, redactor=redactor, max_retries=max_retries,
                         retry_max_wait=retry_max_wait, sleep=sleep, rate_limiter=rate_limiter, rate_limit=rate_limit)
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

    def list(self, endpoint, params=None, fields=None, limit=PAGE_LIMIT, concurrency=1):
        """Every record of a listing, following `meta.next` to the end; any failed page raises.

        Only `limit` is sent (never `offset`), so this works for the endpoints without offset
        (alert_rules, alert_push_destinations, the sample endpoints) too. `concurrency` > 1
        fetches offset pages ahead (ApiClient.paginate_next): only for endpoints with offset.
        """
        query = _query(params)
        if fields:
            query["fields"] = _csv(fields)
        query.setdefault("limit", str(limit))
        path = self.resource_url(endpoint)
        return self.paginate_next(path, query, self._page_splitter(path), concurrency=concurrency)

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
            if not isinstance(payload, dict) or not isinstance(payload.get("data"), list) \
                    or not all(isinstance(item, dict) for item in payload["data"]):
                raise MalformedResponseError(
                    "ncm: GET %s answered without the documented {data: [objects], meta} list envelope" % self._path(page_url),
                    platform=self.platform, method="GET", url=page_url)
            meta = payload.get("meta")
            next_url = meta.get("next") if isinstance(meta, dict) else None
            if next_url and not isinstance(next_url, str):
                raise self.malformed("GET", page_url, "a meta.next that is not a URL: %r" % (next_url,))
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

    def config_backup(self, device):
        """A router's backup: its configuration_managers record's `configuration` (the individual
        config) and `actual` (what the router last reported), as JSON (§3.1). Passwords read back
        as "*" (L10090-10143), so they never reach the file and do not change it from run to run."""
        manager = self.router_configuration(device.id, fields=BACKUP_CONFIG_FIELDS)
        return {"format": "json", "document": {"router": device.name or device.id, "configuration": manager.get("configuration"),
                                               "actual": manager.get("actual")}}

    def group_config_backup(self, group):
        """A group's backup: its `configuration` (L9575: "GET, PUT and PATCH work the same for groups")."""
        return {"format": "json", "document": {"group": group.name, "configuration": self.group_configuration(group.id)}}

    # ---- device_info include -------------------------------------------------------------------

    def cellular(self, devices):
        """{router id: {net_device id: cellular}}: the routers' WAN modems (net_devices, `router__in`) and the
        newest signal sample of each (net_device_signal_samples, `net_device__in`): two listings per 100
        routers, never a request per router."""
        modems = [item for item in self.list_in("net_devices", "router", [device.id for device in devices],
                                                fields=CELLULAR_NET_DEVICE_FIELDS)
                  if str(item.get("mode") or "").lower() == NET_DEVICE_WAN_MODE and item.get("type") in MODEM_TYPES]
        newest = {}
        if modems:
            for sample in self.list_in("net_device_signal_samples", "net_device", [item["id"] for item in modems],
                                       fields=SIGNAL_SAMPLE_FIELDS):
                key = _ref_id(sample.get("net_device"))
                if key not in newest or str(sample.get("created_at")) > str(newest[key].get("created_at")):
                    newest[key] = sample
        found = {}
        for item in modems:
            modem_id = _ref_id(item.get("id"))
            sample = newest.get(modem_id, {})
            roam = item.get("roam")
            found.setdefault(_ref_id(item.get("router")), {})[modem_id] = cellular_record(
                carrier=item.get("carrier"), technology=item.get("service_type"), band=item.get("rfband"),
                rsrp=sample.get("rsrp"), rsrq=sample.get("rsrq"), sinr=sample.get("sinr"), rssi=sample.get("rssi"),
                imei=item.get("imei"), iccid=item.get("iccid"), imsi=item.get("imsi"), apn=item.get("apn"),
                roaming=None if roam in (None, "") else str(roam) != ROAM_HOME)
        return found

    def locations(self, devices):
        """{router id: location or None} from one `locations` listing (`router__in`)."""
        found = dict((device.id, None) for device in devices)
        for item in self.list_in("locations", "router", list(found), fields=LOCATION_FIELDS):
            found[_ref_id(item.get("router"))] = location_record(
                item.get("latitude"), item.get("longitude"), accuracy_m=item.get("accuracy"), method=item.get("method"),
                updated_at=item.get("updated_at"))
        return found

    # ---- firmware ----------------------------------------------------------------------------

    def group_firmware(self, key):
        """{group: Group, product_id, target: {id, version} or None} of a group (id or name).

        A router runs its group's `target_firmware` (groups, L3708; routers, L6142)."""
        raw = self.find_group_raw(key)
        target_id = _ref_id(raw.get("target_firmware"))
        target = None
        if target_id is not None:
            found = self.list("firmwares", {"id": target_id}, fields=("id", "version"))
            target = {"id": target_id, "version": found[0].get("version") if found else None}
        return {"group": self._group(raw), "product_id": _ref_id(raw.get("product")), "target": target}

    def product_firmware(self, version, product_id):
        """{id, version} of `version` for a product; InputError lists the product's versions.

        Firmwares are filtered by version on the server and matched to the product here (product is
        not a firmwares filter, L3294)."""
        matches = [item for item in self.firmwares(version=version) if item["product_id"] == product_id]
        if len(matches) == 1:
            return {"id": matches[0]["id"], "version": matches[0]["version"]}
        names = dict((item["id"], item["name"]) for item in self.products())
        versions = sorted(set(item["version"] for item in self.firmwares(product=product_id)))
        raise InputError("ncm: firmware %r is not available for product %s; its versions: %s"
                         % (version, names.get(product_id, product_id), _listing(versions, limit=40)), platform=self.platform)

    def set_group_firmware(self, group_id, firmware_id):
        """PATCH the group's target_firmware (a full URL, L6868); its routers then upgrade (L3708)."""
        self.patch("groups", group_id, {"target_firmware": self.resource_url("firmwares", firmware_id)})

    def actual_firmwares(self, router_ids):
        """{router id: firmware id the router reports (actual_firmware, L6117) or None}."""
        routers = self.list_in("routers", "id", router_ids, fields=("id", "actual_firmware"))
        return dict((_ref_id(item.get("id")), _ref_id(item.get("actual_firmware"))) for item in routers)

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
            error = NotFoundError("ncm: no %s matches %r" % (kind, key), platform=self.platform)
            # a group or device an earlier task of a --check play may create; not a product or firmware
            raise not_existing(error, kind, key) if kind in ("group", "device") else error
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
        return self.list("routers", params, fields=fields, concurrency=ROUTER_PAGE_CONCURRENCY)

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
        raise not_existing(NotFoundError("ncm: no device has the id, MAC, serial number or name %r%s"
                                         % (key, " in group %s" % params["group"] if params.get("group") else ""),
                                         platform=self.platform), "device", key)

    def _device_records(self, routers, detail, known_groups=None):
        router_ids = [_ref_id(router.get("id")) for router in routers]
        group_names = self._names("groups", [router.get("group") for router in routers], "name", known=known_groups)
        product_names = dict((item["id"], item["name"]) for item in self.products()) if routers else {}
        firmware_versions = self._names("firmwares", [router.get("actual_firmware") for router in routers], "version",
                                        full_listing=False)
        wan = self._wan_connections(router_ids) if detail and routers else {}
        ssids, wan_rules = self._configured(routers, router_ids) if detail and routers else ({}, {})
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
                wan=wan.get(router_id, []), ssids=ssids.get(router_id, []),
                wan_rules=wan_rules.get(router_id, []) if detail else None, raw=router,
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

    def _configured(self, routers, router_ids):
        """({router id: [Ssid]}, {router id: [WAN rule]}) from the routers' configuration managers (one
        read). SSIDs come from the diff as it is; WAN rules from the diff laid over the firmware's
        defaults, as wan_priority compares them (one default_configuration read per firmware)."""
        managers = self.router_configurations(router_ids, fields=("router", SSID_CONFIG_SOURCE))
        firmware = dict((_ref_id(router.get("id")), router.get("target_firmware") or router.get("actual_firmware"))
                        for router in routers)
        ssids, wan_rules = {}, {}
        for router_id, manager in managers.items():
            diff = manager.get(SSID_CONFIG_SOURCE) or [{}, []]
            ssids[router_id] = ssids_from_config(diff)
            effective = config_effective(self.default_configuration(firmware.get(router_id)), diff)
            wan_rules[router_id] = [dict(record, id=rule_id) for rule_id, record, names in wan_rules_from_config(effective)]
        return ssids, wan_rules

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
            raise not_existing(InputError("ncm: no router has the id, MAC, serial number or name %s"
                                          % ", ".join(repr(key) for key in missing), platform=self.platform),
                               "device", ", ".join(missing))
        return result

    def default_configuration(self, firmware_id):
        """The factory configuration tree of a firmware (FIRMWARE_DEFAULTS_PATH); {} if there is none."""
        firmware_id = _ref_id(firmware_id)
        if firmware_id in (None, ""):
            return {}
        if firmware_id not in self._defaults:
            try:
                body = self.request("GET", self.resource_url("firmwares", firmware_id) + FIRMWARE_DEFAULTS_PATH + "/")
            except FIRMWARE_DEFAULTS_UNKNOWN as exc:
                body = {}
                self.notices.append("the factory defaults of firmware %s are unknown (firmwares/%s/%s/ answered HTTP %s): "
                                    "the configuration is compared without them, so a setting left at its default "
                                    "may show as unset" % (firmware_id, firmware_id, FIRMWARE_DEFAULTS_PATH, exc.status))
            self._defaults[firmware_id] = _default_tree(body)
        return self._defaults[firmware_id]

    def all_accounts(self):
        """Every account the keys see, listed once per client."""
        if self._accounts is None:
            self._accounts = self.accounts()
        return self._accounts


# Inferred: NCM documents no bound; the factory rules hold small fractional numbers (1.1, 2.0, ...), and a
# priority past this is a typo, not an ordering (10^29 was accepted and written as a float).
WAN_PRIORITY_MAX = 1000


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


# ---- modules: the Resources of group, ssid_profile, wan_priority and alert_rule -----------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z")
_ALERT_TYPE = re.compile(r"^[a-z0-9_]+\Z")
_SLOT = re.compile(r"^\s*(\d+)\s*\.\s*(\d+)\s*\Z")
# documented: L1375-1407, these alert types need `settings` for an existing data plan.
PDP_ALERT_TYPES = ("pdp_router_overage", "pdp_account_overage")


def _input(module, message, cls=InputError):
    """An input error naming the platform and the module."""
    return cls("ncm: %s: %s" % (module, message), platform="ncm")


def _id_order(value):
    text = str(value)
    return (0, int(text), text) if text.isdigit() else (1, 0, text)


def _listing(items, limit=20):
    """A readable, bounded list of choices for an error message."""
    items = list(items)
    shown = ", ".join(str(item) for item in items[:limit])
    return shown + (", ... (%d in all)" % len(items) if len(items) > limit else "") if items else "none"


def _priority_value(value):
    """A WAN rule's float priority as the module shows it: an int when it is one."""
    number = _number(value)
    if number is None:
        return None
    return int(number) if number == int(number) else number


class _ConfigScope(object):
    """A router's or a group's configuration: where ssid_profile and wan_priority read and PATCH.

    A router is read through its configuration manager's `target` (its own settings layered over its
    group's, §3.1), so a value the group already gives counts as set; writes go to the router's own
    layer. A group is read and written through its `configuration` (§3.5). Both are laid over the
    firmware's defaults (FIRMWARE_DEFAULTS_PATH), since a diff lists only what differs from them.
    """

    ROUTER_FIELDS = ("id", "name", "group", "product", "actual_firmware", "target_firmware")

    def __init__(self, client, device, group):
        self.client = client
        self.device = device
        self.group = group
        self.label = None
        self.diff = [{}, []]
        self.effective = {}
        self._write = None

    def load(self):
        client = self.client
        if self.device not in (None, ""):
            router = client.find_router(self.device, fields=self.ROUTER_FIELDS)
            router_id = _ref_id(router.get("id"))
            manager = client.router_configuration(router_id, fields=("id", "router", "target"))
            manager_id = _ref_id(manager.get("id"))
            self.label = "router %s (id %s)" % (router.get("name"), router_id)
            self.diff = manager.get("target") or [{}, []]
            firmware = router.get("target_firmware") or router.get("actual_firmware")
            self._write = lambda updates: client.patch_configuration(manager_id, updates)
        else:
            group = client.find_group_raw(self.group, fields=GROUP_FIELDS + ("configuration",))
            group_id = _ref_id(group.get("id"))
            self.label = "group %s (id %s)" % (group.get("name"), group_id)
            self.diff = group.get("configuration") or [{}, []]
            firmware = group.get("target_firmware")
            self._write = lambda updates: client.patch_group_configuration(group_id, updates)
        self.effective = config_effective(client.default_configuration(firmware), self.diff)
        return self

    def configured(self, path):
        """True when the diff (not only the defaults) sets `path`."""
        return config_get(self.diff, path) is not None

    def patch(self, updates):
        self._write(updates)


def _require_scope(module, params):
    if params.get("device") in (None, "") and params.get("group") in (None, ""):
        raise _input(module, "give device (a router's own configuration) or group (the group's configuration, "
                             "which its routers inherit)")


class SsidProfileResource(Resource):
    """One BSS of wlan.radio.<r>.bss.<b> in a router's or group's configuration (id = "<r>.<b>").

    NCM has a fixed set of BSS slots, so "absent" disables (can_delete False). A slot counts as an
    existing SSID when it is enabled or the configuration names it; without `id`, the SSID is found by
    name (on the `band`'s radio if given), else the first unused slot of the `band`'s radio is taken.
    """

    MODULE = "ssid_profile"
    secret_keys = ("passphrase",)
    can_delete = False

    def __init__(self, client, params):
        super(SsidProfileResource, self).__init__(client, params)
        self.scope = _ConfigScope(client, params.get("device"), params.get("group"))
        self.slot = None
        self.slot_record = None

    def validate(self):
        params, module = self.params, self.MODULE
        _require_scope(module, params)
        check_ssid(params.get("name") or "", "ncm: %s" % module)
        slot = params.get("id")
        if slot not in (None, "") and not _SLOT.match(str(slot)):
            raise _input(module, "id must be <radio>.<bss>, for example 0.1 (radio 0, BSS 1); got %r" % (slot,))
        band = params.get("band")
        if band not in (None, "") and band not in BAND_RADIOS:
            raise _input(module, "band %s has no known radio index in the NCM configuration; give id (<radio>.<bss>) "
                                 "instead (known bands: %s)" % (band, ", ".join(sorted(BAND_RADIOS))), UnsupportedError)
        if band and slot not in (None, ""):
            radio = _SLOT.match(str(slot)).group(1)
            if str(int(radio)) != BAND_RADIOS[band]:
                raise _input(module, "id %s is on radio %s, but band %s GHz is radio %s" % (slot, radio, band, BAND_RADIOS[band]))
        vlan = params.get("vlan_id")
        if vlan is not None and not 0 <= vlan <= 4094:
            raise _input(module, "vlan_id must be 1 to 4094 (0 = untagged); got %s" % vlan)
        for option in sorted(SSID_UNSUPPORTED_OPTIONS):
            if params.get(option) is not None:
                raise _input(module, "%s is not supported on platform ncm: %s" % (option, SSID_UNSUPPORTED_OPTIONS[option]),
                             UnsupportedError)
        security = params.get("security")
        if security not in (None, "") and security not in SECURITY_AUTHMODES:
            raise _input(module, "security %s is not supported on platform ncm; use one of: %s"
                         % (security, ", ".join(sorted(SECURITY_AUTHMODES))), UnsupportedError)
        passphrase = params.get("passphrase")
        if passphrase is not None:
            if security == "open":
                raise _input(module, "passphrase is not allowed with security open")
            check_passphrase(passphrase, "ncm", module + ": passphrase")

    # ---- reading -----------------------------------------------------------------------------

    def _slots(self):
        """[(slot, radio, bss dict)] of the effective configuration, radio by radio."""
        slots = []
        for radio_key, radio in _children(config_get(self.scope.effective, WLAN_RADIO_PATH)):
            for bss_key, bss in _children(radio.get("bss") if isinstance(radio, dict) else None):
                if isinstance(bss, dict):
                    slots.append((ssid_slot(radio_key, bss_key), str(radio_key), bss))
        return slots

    def _record(self, slot, radio, bss):
        authmode = bss.get(SSID_AUTHMODE_KEY)
        hidden = _as_bool(bss.get(SSID_HIDDEN_KEY))
        passphrase = bss.get(SSID_PASSPHRASE_KEY)
        bands = dict((value, key) for key, value in BAND_RADIOS.items())
        return {
            "id": slot,
            "name": bss.get(SSID_NAME_KEY),
            "enabled": _as_bool(bss.get(SSID_ENABLED_KEY)),
            "broadcast": None if hidden is None else not hidden,
            "security": dict((value, key) for key, value in SECURITY_AUTHMODES.items()).get(authmode, authmode),
            # "" = no passphrase in the configuration (readable, unlike "*"), so on_create sets one
            "passphrase": read_secret(passphrase) if passphrase not in (None, "") else "",
            "band": bands.get(radio),
        }

    def _exists(self, entry):
        """An SSID exists when its slot is enabled or the configuration names it."""
        slot, bss = entry[0], entry[2]
        radio_key, bss_key = slot.split(".")
        return (_as_bool(bss.get(SSID_ENABLED_KEY)) is True
                or self.scope.configured(WLAN_RADIO_PATH + (radio_key, "bss", bss_key, SSID_NAME_KEY)))

    def read(self):
        params, module = self.params, self.MODULE
        self.scope.load()
        slots = self._slots()
        band = params.get("band")
        band_radio = BAND_RADIOS.get(band) if band else None
        wanted = params.get("id")
        if wanted not in (None, ""):
            match = _SLOT.match(str(wanted))
            wanted = ssid_slot(int(match.group(1)), int(match.group(2)))
            entries = [entry for entry in slots if entry[0] == wanted]
            if not entries:
                raise _input(module, "%s has no SSID slot %s; its slots: %s"
                             % (self.scope.label, wanted, _listing(entry[0] for entry in slots)))
            entry = entries[0]
        else:
            matches = [entry for entry in slots if entry[2].get(SSID_NAME_KEY) == params["name"]
                       and (band_radio is None or entry[1] == band_radio)]
            if len(matches) > 1:
                used = [entry for entry in matches if self._exists(entry)]
                if len(used) != 1:
                    raise _input(module, "SSID %r is on several slots of %s: %s; give id (<radio>.<bss>) or band"
                                 % (params["name"], self.scope.label, ", ".join(entry[0] for entry in used or matches)),
                                 AmbiguousError)
                matches = used
            entry = matches[0] if matches else None
            if entry is None:
                if params.get("state") == "absent":
                    return None
                if band_radio is None:
                    raise _input(module, "%s has no SSID named %r; give id (<radio>.<bss>) or band to choose a free slot"
                                 % (self.scope.label, params["name"]))
                free = [item for item in slots if item[1] == band_radio and not self._exists(item)]
                if not free:
                    raise _input(module, "%s has no unused SSID slot on the %s GHz radio; give id to reuse one of: %s"
                                 % (self.scope.label, band, _listing(item[0] for item in slots if item[1] == band_radio)))
                entry = free[0]
        self.slot = entry[0]
        self.slot_record = self._record(*entry)
        return self.slot_record if self._exists(entry) else None

    def desired(self, current):
        params = self.params
        desired = {
            "id": self.slot,
            "name": params["name"],
            "enabled": params.get("enabled"),
            "broadcast": params.get("broadcast"),
            "security": params.get("security"),
            "passphrase": params.get("passphrase"),
            "band": params.get("band") or None,
        }
        if current is None:
            if desired["enabled"] is None:
                desired["enabled"] = True  # an SSID that is made to exist is switched on unless told otherwise
            security = desired["security"] or self.slot_record["security"]
            if security != "open" and desired["passphrase"] is None and self.slot_record["passphrase"] == "":
                raise _input(self.MODULE, "passphrase is required to set up the secured SSID %r in slot %s of %s"
                             % (params["name"], self.slot, self.scope.label))
        return desired

    # ---- writing -----------------------------------------------------------------------------

    def _write(self, values):
        updates = {}
        if values.get("name") is not None:
            updates[SSID_NAME_KEY] = values["name"]
        if values.get("enabled") is not None:
            updates[SSID_ENABLED_KEY] = values["enabled"]
        if values.get("broadcast") is not None:
            updates[SSID_HIDDEN_KEY] = not values["broadcast"]
        if values.get("security") is not None:
            updates[SSID_AUTHMODE_KEY] = SECURITY_AUTHMODES[values["security"]]
        if values.get("passphrase") not in (None, UNKNOWN):
            updates[SSID_PASSPHRASE_KEY] = values["passphrase"]
        if updates:
            radio, bss = self.slot.split(".")
            self.scope.patch(config_diff(WLAN_RADIO_PATH + (radio, "bss", bss), updates))

    def create(self, desired):
        self._write(desired)
        return merged(self.slot_record, dict((key, value) for key, value in desired.items() if value is not None))

    def delete(self, current):
        raise _input(self.MODULE, "NCM SSID slots cannot be deleted; absent disables them")

    def update(self, current, desired, changes):
        self._write(changes)
        return merged(current, changes)


class WanPriorityResource(Resource):
    """The priority and enabled state of the WAN rules (wan.rules2.<_id_>) of a router's or group's
    configuration. Priorities are NCM's own numbers (lower is preferred); see the INFERRED block."""

    MODULE = "wan_priority"

    def __init__(self, client, params):
        super(WanPriorityResource, self).__init__(client, params)
        self.scope = _ConfigScope(client, params.get("device"), params.get("group"))
        self.order = []
        self.names = {}  # rule id -> its trigger_name and name (either matches a connection's `name`)

    def validate(self):
        params, module = self.params, self.MODULE
        _require_scope(module, params)
        if params.get("apply") is False:
            raise _input(module, "apply: false is not supported on platform ncm: NCM sends a configuration change to "
                                 "the router itself (configuration sync)", UnsupportedError)
        connections = params.get("connections") or []
        if not connections:
            raise _input(module, "connections must list at least one WAN connection")
        for index, item in enumerate(connections):
            where = "connections[%d] (%s)" % (index, item.get("id") or item.get("name"))
            rule_id = item.get("id")
            if rule_id not in (None, "") and not (_UUID.match(str(rule_id)) or str(rule_id).isdigit()):
                raise _input(module, "%s: id must be a WAN rule _id_ (a UUID) or its index (0, 1, ...)" % where)
            if item.get("id") in (None, "") and item.get("name") in (None, ""):
                raise _input(module, "%s: give id or name" % where)
            if item.get("priority") is None and item.get("enabled") is None:
                raise _input(module, "%s: give priority or enabled (or both)" % where)
            if item.get("priority") is not None and not 1 <= item["priority"] <= WAN_PRIORITY_MAX:
                raise _input(module, "%s: priority must be 1 to %d (1 is the most preferred); got %s"
                             % (where, WAN_PRIORITY_MAX, item["priority"]))

    def read(self):
        self.scope.load()
        rules = wan_rules_from_config(self.scope.effective)
        self.order = [rule[0] for rule in rules]
        self.names = dict((rule_id, names) for rule_id, record, names in rules)
        return {"connections": dict((rule_id, record) for rule_id, record, names in rules)}

    def _known(self, connections):
        return _listing("%s (id %s)" % (connections[rule_id].get("name"), rule_id) for rule_id in self.order)

    def _resolve(self, index, item, connections):
        module = self.MODULE
        rule_id, name = item.get("id"), item.get("name")
        if rule_id not in (None, ""):
            rule_id = str(rule_id).strip()
            if rule_id.isdigit():
                if int(rule_id) >= len(self.order):
                    raise _input(module, "connections[%d]: %s has no WAN rule with index %s; its rules: %s"
                                 % (index, self.scope.label, rule_id, self._known(connections)))
                found = self.order[int(rule_id)]
            else:
                matches = [known for known in self.order if known.lower() == rule_id.lower()]
                if not matches:
                    raise _input(module, "connections[%d]: %s has no WAN rule %s; its rules: %s"
                                 % (index, self.scope.label, rule_id, self._known(connections)))
                found = matches[0]
            if name not in (None, "") and name.casefold() not in [known.casefold() for known in self.names.get(found, [])]:
                raise _input(module, "connections[%d]: WAN rule %s is named %r, not %r"
                             % (index, found, connections[found].get("name"), name))
            return found
        matches = [known for known in self.order if name in self.names.get(known, [])]
        if not matches:
            matches = [known for known in self.order
                       if name.casefold() in [other.casefold() for other in self.names.get(known, [])]]
        if len(matches) > 1:
            raise _input(module, "connections[%d]: several WAN rules of %s are named %r: %s; give id"
                         % (index, self.scope.label, name, ", ".join(matches)), AmbiguousError)
        if not matches:
            raise _input(module, "connections[%d]: %s has no WAN rule named %r; its rules: %s"
                         % (index, self.scope.label, name, self._known(connections)))
        return matches[0]

    def desired(self, current):
        connections = (current or {}).get("connections") or {}
        wanted = {}
        for index, item in enumerate(self.params["connections"]):
            rule_id = self._resolve(index, item, connections)
            if rule_id in wanted:
                raise _input(self.MODULE, "connections[%d] names WAN rule %s (%s) a second time"
                             % (index, rule_id, connections[rule_id].get("name")))
            entry = {}
            if item.get("priority") is not None:
                entry["priority"] = item["priority"]
            if item.get("enabled") is not None:
                entry["enabled"] = item["enabled"]
            wanted[rule_id] = entry
        return {"connections": wanted}

    def create(self, desired):
        raise _input(self.MODULE, "NCM WAN rules cannot be created by this module")

    def update(self, current, desired, changes):
        rules = {}
        for rule_id, wanted in changes["connections"].items():
            have = current["connections"].get(rule_id) or {}
            entry = {}
            if wanted.get("priority") is not None and wanted["priority"] != have.get("priority"):
                entry[WAN_RULE_PRIORITY_KEY] = float(wanted["priority"])
            if wanted.get("enabled") is not None and wanted["enabled"] != have.get("enabled"):
                entry[WAN_RULE_DISABLED_KEY] = not wanted["enabled"]
            if entry:
                if _UUID.match(rule_id):
                    entry["_id_"] = rule_id  # an element keyed by UUID must carry it (L9507-9520)
                rules[rule_id] = entry
        if rules:
            self.scope.patch(config_diff(WAN_RULES_PATH, rules))
        return merged(current, changes)

    def delete(self, current):
        raise _input(self.MODULE, "NCM WAN rules cannot be deleted by this module")


class GroupResource(Resource):
    """An NCM group (groups/): name, product, target firmware, account, and its member routers."""

    MODULE = "group"
    unordered_keys = ("devices",)
    ROUTER_FIELDS = ("id", "name", "serial_number", "mac", "product", "group")

    def __init__(self, client, params):
        super(GroupResource, self).__init__(client, params)
        self.raw = None
        self._firmware_versions = {}
        self._ids = {}
        # For rollback(): each router's group before this run, the routers a PUT was sent for, and the
        # group this run created.
        self._group_of = {}
        self._moved = []
        self._created_id = None
        self._restore = None  # (group id, its fields before this run's PUT)

    def validate(self):
        params, module = self.params, self.MODULE
        for option in ("timezone", "country"):
            if params.get(option) not in (None, ""):
                raise _input(module, "%s is an InControl 2 option; NCM groups have none" % option, UnsupportedError)
        if params.get("id") not in (None, "") and not str(params["id"]).strip().isdigit():
            raise _input(module, "id must be the group's numeric id; got %r" % (params["id"],))
        for option in ("name", "new_name", "product", "target_firmware", "account"):
            if params.get(option) is not None and not str(params[option]).strip():
                raise _input(module, "%s must not be empty" % option)
        devices = params.get("devices")
        if devices is not None and any(str(device or "").strip() == "" for device in devices):
            raise _input(module, "devices must not contain empty entries")
        if params.get("purge_devices") and devices is None:
            raise _input(module, "purge_devices needs devices: the members to keep (an empty list removes every member)")

    # ---- reading -----------------------------------------------------------------------------

    def _by_name(self, name):
        found = self.client.list("groups", {"name": name}, fields=GROUP_FIELDS)
        if len(found) > 1:
            raise _input(self.MODULE, "several groups are named %r: %s; give id"
                         % (name, ", ".join("id %s" % _ref_id(item.get("id")) for item in found)), AmbiguousError)
        return found[0] if found else None

    def read(self):
        params, client = self.params, self.client
        if params.get("id") not in (None, ""):
            found = client.list("groups", {"id": str(params["id"]).strip()}, fields=GROUP_FIELDS)
            group = found[0] if found else None
        else:
            group = self._by_name(params["name"])
            new_name = params.get("new_name")
            if group is None and new_name:
                group = self._by_name(new_name)  # renamed by an earlier run
            elif group is not None and new_name and new_name != params["name"] and params.get("state") != "absent":
                other = self._by_name(new_name)
                if other is not None:
                    raise _input(self.MODULE, "cannot rename group %r to %r: group id %s already has that name"
                                 % (params["name"], new_name, _ref_id(other.get("id"))))
        if group is None:
            return None
        self.raw = group
        group_id = _ref_id(group.get("id"))
        members = client.list("routers", {"group": group_id}, fields=("id",))
        return {
            "id": group_id,
            "name": group.get("name"),
            "product": self._product_name(group.get("product")),
            "target_firmware": self._firmware_version(group.get("target_firmware")),
            "account": self._account_name(group.get("account")),
            "devices": sorted((_ref_id(item.get("id")) for item in members), key=_id_order),
        }

    def _product_name(self, reference):
        product_id = _ref_id(reference)
        names = dict((item["id"], item["name"]) for item in self.client.products())
        return names.get(product_id, product_id)

    def _firmware_version(self, reference):
        firmware_id = _ref_id(reference)
        if firmware_id is None:
            return None
        if firmware_id not in self._firmware_versions:
            found = self.client.list("firmwares", {"id": firmware_id}, fields=("id", "version", "product"))
            self._firmware_versions[firmware_id] = found[0].get("version") if found else firmware_id
        return self._firmware_versions[firmware_id]

    def _account_name(self, reference):
        account_id = _ref_id(reference)
        names = dict((item["id"], item["name"]) for item in self.client.all_accounts())
        return names.get(account_id, account_id)

    # ---- the user's options, resolved --------------------------------------------------------

    def _resolve_product(self, key):
        key = _filter_value(key).strip()
        products = self.client.products()
        matches = [item for item in products if key in (item["id"], item["name"])]
        if not matches:
            matches = [item for item in products if str(item["name"]).casefold() == key.casefold()]
        if len(matches) != 1:
            raise _input(self.MODULE, "unknown product %r; NCM products: %s"
                         % (key, _listing(sorted(set(str(item["name"]) for item in products)), limit=60)))
        return matches[0]

    def _resolve_firmware(self, key, product):
        key = _filter_value(key).strip()
        current_id = _ref_id((self.raw or {}).get("target_firmware"))
        if current_id is not None and key in (current_id, self._firmware_versions.get(current_id)):
            return {"id": current_id, "version": self._firmware_version(current_id)}
        params = {"id": key} if key.isdigit() else {"version": key}
        found = [item for item in self.client.list("firmwares", params, fields=("id", "version", "product"))
                 if _ref_id(item.get("product")) == product["id"]]
        if len(found) == 1:
            return {"id": _ref_id(found[0].get("id")), "version": found[0].get("version")}
        versions = sorted(set(item["version"] for item in self.client.firmwares(product=product["id"])))
        raise _input(self.MODULE, "unknown target_firmware %r for product %s; its firmware versions: %s"
                     % (key, product["name"], _listing(versions, limit=40)))

    def _resolve_account(self, key):
        key = _filter_value(key).strip()
        accounts = self.client.all_accounts()
        matches = [item for item in accounts if key in (item["id"], item["name"])]
        if len(matches) > 1:
            raise _input(self.MODULE, "several accounts are named %r: %s; give the id"
                         % (key, ", ".join(item["id"] for item in matches)), AmbiguousError)
        if not matches:
            raise _input(self.MODULE, "unknown account %r; accounts: %s"
                         % (key, _listing("%s (id %s)" % (item["name"], item["id"]) for item in accounts)))
        return matches[0]

    def desired(self, current):
        params, module = self.params, self.MODULE
        if current is None and params.get("id") not in (None, ""):
            raise _input(module, "no group has the id %s; to create a group give its name (NCM assigns the id)" % params["id"])
        desired = {"name": params.get("new_name") or params.get("name"), "product": None, "target_firmware": None,
                   "account": None, "devices": None}
        if params.get("product") not in (None, ""):
            product = self._resolve_product(params["product"])
            if current is not None and product["name"] != current["product"]:
                raise _input(module, "the product of group %r is %s and cannot be changed (asked: %s)"
                             % (current["name"], current["product"], product["name"]))
            desired["product"] = product["name"]
        elif current is None:
            raise _input(module, "product is required to create group %r (the model of its routers, for example IBR900)"
                         % desired["name"])
        else:
            product = {"id": _ref_id(self.raw.get("product")), "name": current["product"]}
        if params.get("target_firmware") not in (None, ""):
            firmware = self._resolve_firmware(params["target_firmware"], product)
            desired["target_firmware"] = firmware["version"]
            self._ids["target_firmware"] = firmware["id"]
        elif current is None:
            raise _input(module, "target_firmware is required to create group %r: the NCOS version its routers run "
                                 "(for example 7.24.10)" % desired["name"])
        if params.get("account") not in (None, ""):
            # Without it NCM creates the group in the requestor's account (NCM API v2, "Create a
            # Resource": "By default, the resource is added to the requestor's account").
            account = self._resolve_account(params["account"])
            desired["account"] = account["name"]
            self._ids["account"] = account["id"]
        if params.get("devices") is not None:
            routers = self.client.find_routers(params["devices"], fields=self.ROUTER_FIELDS) if params["devices"] else {}
            names = dict((item["id"], item["name"]) for item in self.client.products())
            wrong = ["%s (id %s) is %s" % (router.get("name"), _ref_id(router.get("id")),
                                           names.get(_ref_id(router.get("product")), _ref_id(router.get("product"))))
                     for router in routers.values() if _ref_id(router.get("product")) != product["id"]]
            if wrong:
                raise _input(module, "only %s routers can join group %r (every router of an NCM group is the same "
                                     "product): %s" % (product["name"], desired["name"], "; ".join(wrong)))
            wanted = set(_ref_id(router.get("id")) for router in routers.values())
            self._group_of = dict((member, current["id"]) for member in (current or {}).get("devices") or [])
            self._group_of.update((_ref_id(router.get("id")), _ref_id(router.get("group"))) for router in routers.values())
            if not params.get("purge_devices") and current is not None:
                wanted |= set(current["devices"])
            desired["devices"] = sorted(wanted, key=_id_order)
        return desired

    # ---- writing -----------------------------------------------------------------------------

    def _move(self, router_ids, group_id):
        """PUT routers/<id>/ {"group": <group URL> or null} per router (ROUTER_GROUP_FIELD)."""
        reference = self.client.resource_url("groups", group_id) if group_id is not None else None
        for router_id in router_ids:
            try:
                self.client.update("routers", router_id, {ROUTER_GROUP_FIELD: reference})
            except TransportError as error:
                if error.sent:  # the answer was lost, the move may have been made
                    self._moved.append(router_id)
                raise
            self._moved.append(router_id)

    def create(self, desired):
        client = self.client
        product = self._resolve_product(desired["product"])
        body = {"name": desired["name"], "product": client.resource_url("products", product["id"]),
                "target_firmware": client.resource_url("firmwares", self._ids["target_firmware"])}
        if "account" in self._ids:
            body["account"] = client.resource_url("accounts", self._ids["account"])
        created = client.create("groups", body)
        group_id = _ref_id((created or {}).get("id"))
        if group_id is None:
            raise MalformedResponseError("ncm: POST groups/ answered without the new group's id", platform=client.platform)
        self._created_id = group_id
        group_id = self._keep_oldest(desired["name"], group_id, _ref_id(created.get("account")))
        devices = desired.get("devices") or []
        self._move(devices, group_id)
        return dict(desired, id=group_id, devices=list(devices),
                    account=desired["account"] or self._account_name(created.get("account")))

    def _keep_oldest(self, name, created_id, account_id):
        """The id of the group to go on with: another run creating the same group at the same time also succeeds,
        so every run keeps the oldest group of the name in the new group's account (the lowest id; inferred: NCM
        numbers objects as it creates them) and deletes the one it made when that is not it, before moving any
        router. A group of the same name in another (sub)account is another group, never a duplicate."""
        ids = sorted((_ref_id(item.get("id")) for item in self.client.list("groups", {"name": name}, fields=("id", "account"))
                      if account_id is None or _ref_id(item.get("account")) == account_id), key=_id_order)
        if not ids or ids[0] == created_id:
            return created_id
        self.delete({"id": created_id})
        self._created_id = None  # the kept group is the other run's: a rollback must not delete it
        return ids[0]

    def update(self, current, desired, changes):
        client = self.client
        body = {}
        if "name" in changes:
            body["name"] = changes["name"]
        if "target_firmware" in changes:
            body["target_firmware"] = client.resource_url("firmwares", self._ids["target_firmware"])
        if "account" in changes:
            body["account"] = client.resource_url("accounts", self._ids["account"])
        if body:
            self._restore = (current["id"], dict((key, (self.raw or {}).get(key)) for key in body))
            client.update("groups", current["id"], body, fields=GROUP_FIELDS)
        if "devices" in changes:
            wanted, have = set(changes["devices"]), set(current["devices"])
            self._move(sorted(wanted - have, key=_id_order), current["id"])
            self._move(sorted(have - wanted, key=_id_order), None)
        return merged(current, changes)

    def delete(self, current):
        try:
            self.client.delete("groups", current["id"])
        except NotFoundError:
            pass  # gone already (a resent DELETE after a lost answer)

    def rollback(self):
        """Move the routers back to the groups they were in, then delete the group this run created."""
        notes = []
        moved, self._moved = list(dict.fromkeys(self._moved)), []
        for router_id in reversed(moved):
            previous = self._group_of.get(router_id)
            reference = self.client.resource_url("groups", previous) if previous is not None else None
            self.client.update("routers", router_id, {ROUTER_GROUP_FIELD: reference})
        if moved:
            notes.append("router(s) %s were moved back to their previous groups" % ", ".join(moved))
        if self._created_id is not None:
            self.delete({"id": self._created_id})
            notes.append("the group created by this task (id %s) was deleted again" % self._created_id)
        if self._restore is not None:
            group_id, fields = self._restore
            self.client.update("groups", group_id, fields, fields=GROUP_FIELDS)
            notes.append("the group's %s were set back" % ", ".join(sorted(fields)))
        return "; " + " and ".join(notes) + ", so nothing changed" if notes else None

    rollback_failed = "routers may be in the wrong group, or the new group may exist; check the group in NCM and run the task again"


class AlertRuleResource(Resource):
    """An NCM alert rule (alert_rules/, keyed by alert_config_id). Rules have no name: without `id`
    the rule is the one whose alert types and groups are exactly the ones given (no groups = [])."""

    MODULE = "alert_rule"
    unordered_keys = ("alert_types", "groups", "accounts", "email_recipients", "http_destinations")

    def __init__(self, client, params):
        super(AlertRuleResource, self).__init__(client, params)
        self.raw = None
        self._groups = {}        # id -> name
        self._users = {}         # id -> email
        self._destinations = None
        self._ids = {}           # option -> [ids] of the user's values

    def validate(self):
        params, module = self.params, self.MODULE
        rule_id = params.get("id")
        if rule_id is not None and not _UUID.match(str(rule_id).strip()):
            raise _input(module, "id must be the rule's alert_config_id (a UUID such as "
                                 "e81f4500-1e13-11b2-bfff-ffffffffffff); got %r" % (rule_id,))
        types = params.get("alert_types")
        if types is not None:
            if not types:
                raise _input(module, "alert_types must list at least one alert type")
            bad = [item for item in types if not _ALERT_TYPE.match(str(item))]
            if bad:
                raise _input(module, "alert_types: %s not an alert type name (lower case letters, digits and "
                                     "underscores, for example connection_state)" % ", ".join(repr(item) for item in bad))
            data_plan = [item for item in types if item in PDP_ALERT_TYPES]
            if data_plan:
                raise _input(module, "alert types %s need data-plan settings (carrier and thresholds), which this module "
                                     "does not manage" % ", ".join(data_plan), UnsupportedError)
        for email in params.get("email_recipients") or []:
            if not _EMAIL.match(str(email or "")):
                raise _input(module, "email_recipients: %r is not an e-mail address" % (email,))
        for option in ("groups", "accounts", "http_destinations"):
            if any(str(item or "").strip() == "" for item in params.get(option) or []):
                raise _input(module, "%s must not contain empty entries" % option)

    # ---- resolution of names and ids -----------------------------------------------------------

    def _group_ids(self):
        """The ids of the user's groups (names or ids), resolved once."""
        if "groups" not in self._ids:
            keys = [_filter_value(key).strip() for key in self.params.get("groups") or []]
            found = []
            digits = [key for key in keys if key.isdigit()]
            names = [key for key in keys if not key.isdigit()]
            if digits:
                found += self.client.list_in("groups", "id", digits, fields=("id", "name"))
            if names:
                found += self.client.list_in("groups", "name", [key for key in names if "," not in key], fields=("id", "name"))
                for key in [key for key in names if "," in key]:
                    found += self.client.list("groups", {"name": key}, fields=("id", "name"))
            for item in found:
                self._groups[_ref_id(item.get("id"))] = item.get("name")
            ids = []
            for key in keys:
                matches = [group_id for group_id, name in self._groups.items() if key in (group_id, name)]
                if len(matches) > 1:
                    raise _input(self.MODULE, "several groups are named %r: %s; give the id" % (key, ", ".join(matches)),
                                 AmbiguousError)
                if not matches:
                    known = [item.name for item in self.client.groups()]
                    raise not_existing(_input(self.MODULE, "unknown group %r; groups: %s" % (key, _listing(sorted(known)))),
                                       "group", key)
                ids.append(matches[0])
            self._ids["groups"] = ids
        return self._ids["groups"]

    def _account_ids(self):
        accounts = self.client.all_accounts()
        ids = []
        for key in [_filter_value(key).strip() for key in self.params.get("accounts") or []]:
            matches = [item["id"] for item in accounts if key in (item["id"], item["name"])]
            if len(matches) > 1:
                raise _input(self.MODULE, "several accounts are named %r: %s; give the id" % (key, ", ".join(matches)),
                             AmbiguousError)
            if not matches:
                raise _input(self.MODULE, "unknown account %r; accounts: %s"
                             % (key, _listing("%s (id %s)" % (item["name"], item["id"]) for item in accounts)))
            ids.append(matches[0])
        return ids

    def _user_ids(self):
        emails = list(self.params.get("email_recipients") or [])
        if not emails:
            return []
        users = [{"id": user_id, "email": email} for user_id, email in self._users.items()]  # the rule's own

        def missing():
            return [email for email in emails
                    if not any(str(user["email"] or "").casefold() == email.casefold() for user in users)]

        if missing():
            users += self.client.users(missing())
        if missing():  # the filter is exact: look again without regard to case
            users += self.client.users()
        ids = []
        for email in emails:
            matches = [user for user in users if user["email"] == email] or \
                [user for user in users if str(user["email"] or "").casefold() == email.casefold()]
            if not matches:
                raise _input(self.MODULE, "email_recipients: no NCM user has the e-mail address %r (alert e-mails go to "
                                          "NCM users)" % email)
            self._users[matches[0]["id"]] = matches[0]["email"]
            ids.append(matches[0]["id"])
        return ids

    def _destination_list(self):
        if self._destinations is None:
            self._destinations = [{"id": str(item.get("destination_config_id")), "name": item.get("name")}
                                  for item in self.client.list("alert_push_destinations",
                                                               fields=("destination_config_id", "name"))]
        return self._destinations

    def _destination_ids(self):
        destinations = self._destination_list()
        ids = []
        for key in [str(key).strip() for key in self.params.get("http_destinations") or []]:
            matches = [item["id"] for item in destinations if key.lower() == item["id"].lower()] or \
                [item["id"] for item in destinations if key == item["name"]]
            if len(matches) > 1:
                raise _input(self.MODULE, "several HTTP push destinations are named %r: %s; give the destination_config_id"
                             % (key, ", ".join(matches)), AmbiguousError)
            if not matches:
                raise _input(self.MODULE, "unknown http_destinations entry %r; push destinations: %s"
                             % (key, _listing("%s (%s)" % (item["name"], item["id"]) for item in destinations)))
            ids.append(matches[0])
        return ids

    # ---- reading -----------------------------------------------------------------------------

    def read(self):
        params = self.params
        if params.get("id") not in (None, ""):
            found = self.client.list("alert_rules", {"alert_config_id": str(params["id"]).strip()})
            rule = found[0] if found else None
        else:
            types = set(params["alert_types"])
            groups = set(self._group_ids())
            matches = [item for item in self.client.list("alert_rules")
                       if set((item.get("filter_criteria") or {}).get("alert_type__in") or []) == types
                       and set(_ref_id(group) for group in item.get("associated_groups") or []) == groups]
            if len(matches) > 1:
                raise _input(self.MODULE, "%d alert rules have the alert types %s and groups %s: %s; give id"
                             % (len(matches), ", ".join(sorted(types)), ", ".join(params.get("groups") or []) or "(none)",
                                ", ".join(str(item.get("alert_config_id")) for item in matches)), AmbiguousError)
            rule = matches[0] if matches else None
        if rule is None:
            return None
        self.raw = rule
        return self._record(rule)

    def _record(self, rule):
        group_ids = [_ref_id(item) for item in rule.get("associated_groups") or []]
        unknown = [group_id for group_id in group_ids if group_id not in self._groups]
        if unknown:
            for item in self.client.list_in("groups", "id", unknown, fields=("id", "name")):
                self._groups[_ref_id(item.get("id"))] = item.get("name")
        user_ids = [_ref_id(item) for item in rule.get("email_destinations") or []]
        unknown = [user_id for user_id in user_ids if user_id not in self._users]
        if unknown:
            for user in self._users_by_id(unknown):
                self._users[user["id"]] = user["email"]
        accounts = dict((item["id"], item["name"]) for item in self.client.all_accounts()) \
            if rule.get("associated_accounts") else {}
        destinations = dict((item["id"], item["name"]) for item in self._destination_list()) \
            if rule.get("http_destinations") else {}
        schedule = rule.get("schedule")
        return {
            "id": str(rule.get("alert_config_id")),
            "alert_types": sorted((rule.get("filter_criteria") or {}).get("alert_type__in") or []),
            "groups": [self._groups.get(group_id, group_id) for group_id in group_ids],
            "accounts": [accounts.get(_ref_id(item), _ref_id(item)) for item in rule.get("associated_accounts") or []],
            "email_recipients": [self._users.get(user_id, user_id) for user_id in user_ids],
            "http_destinations": [destinations.get(str(item), str(item)) for item in rule.get("http_destinations") or []],
            "schedule": str(schedule).lower() if schedule not in (None, "", "None") else "none",
        }

    def _users_by_id(self, ids):
        fields = ("id", "email")
        return [{"id": _ref_id(item.get("id")), "email": item.get("email")}
                for item in self.client.list_in("users", "id", ids, fields=fields)]

    def desired(self, current):
        params = self.params
        if current is None and params.get("id") not in (None, ""):
            raise _input(self.MODULE, "no alert rule has the id %s" % params["id"])
        desired = {"alert_types": sorted(params["alert_types"]) if params.get("alert_types") is not None else None,
                   "groups": None, "accounts": None, "email_recipients": None, "http_destinations": None,
                   "schedule": params.get("schedule")}
        if params.get("groups") is not None:
            desired["groups"] = [self._groups[group_id] for group_id in self._group_ids()]
        if params.get("accounts") is not None:
            self._ids["accounts"] = self._account_ids()
            names = dict((item["id"], item["name"]) for item in self.client.all_accounts())
            desired["accounts"] = [names[account_id] for account_id in self._ids["accounts"]]
        if params.get("email_recipients") is not None:
            self._ids["email_recipients"] = self._user_ids()
            desired["email_recipients"] = [self._users[user_id] for user_id in self._ids["email_recipients"]]
        if params.get("http_destinations") is not None:
            self._ids["http_destinations"] = self._destination_ids()
            names = dict((item["id"], item["name"]) for item in self._destination_list())
            desired["http_destinations"] = [names[destination] for destination in self._ids["http_destinations"]]
        return desired

    # ---- writing -----------------------------------------------------------------------------

    def _body(self, values):
        body = {}
        if values.get("alert_types") is not None:
            criteria = dict((self.raw or {}).get("filter_criteria") or {})  # keeps external_id__in
            criteria["alert_type__in"] = list(values["alert_types"])
            body["filter_criteria"] = criteria
        for option, field in (("groups", "associated_groups"), ("accounts", "associated_accounts"),
                              ("email_recipients", "email_destinations")):
            if values.get(option) is not None:
                body[field] = [int(item) for item in self._ids[option]]
        if values.get("http_destinations") is not None:
            body["http_destinations"] = list(self._ids["http_destinations"])
        if values.get("schedule") is not None:
            body["schedule"] = None if values["schedule"] == "none" else values["schedule"]
        return body

    def create(self, desired):
        body = self._body(desired)
        body.setdefault("http_destinations", [])  # required on POST (L1097)
        body.setdefault("schedule", None)         # required on POST (L1098)
        created = self.client.create("alert_rules", body) or {}
        rule_id = created.get("alert_config_id")
        if not rule_id:
            raise MalformedResponseError("ncm: POST alert_rules/ answered without the new rule's alert_config_id",
                                         platform=self.client.platform)
        record = dict((key, value) for key, value in desired.items() if value is not None)
        for key in ("groups", "accounts", "email_recipients", "http_destinations"):
            record.setdefault(key, [])
        record.setdefault("schedule", "none")
        return dict(record, id=str(rule_id))

    def update(self, current, desired, changes):
        self.client.patch("alert_rules", current["id"], self._body(changes))
        return merged(current, changes)

    def delete(self, current):
        try:
            self.client.delete("alert_rules", current["id"])
        except NotFoundError:
            pass  # gone already (a resent DELETE after a lost answer)
