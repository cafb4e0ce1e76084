# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NCM API v2 facts: what the vendor document says (documented) and what it does not (INFERRED, with the evidence)."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.models import normalize_mac


# ---- documented ------------------------------------------------------------------

# (settings option, request header): all four on every request (NCM API v2 docs, About Cradlepoint NetCloud API).
AUTH_HEADERS = (
    ("cp_api_id", "X-CP-API-ID"),
    ("cp_api_key", "X-CP-API-KEY"),
    ("ecm_api_id", "X-ECM-API-ID"),
    ("ecm_api_key", "X-ECM-API-KEY"),
)
SECRET_OPTIONS = ("cp_api_key", "ecm_api_key")

# "most resources have a max limit of 500 records per call" (NCM API v2 docs, Paging Parameters); the API's default is 20.
PAGE_LIMIT = 500
# "the standard filter limits of 100 values per field (ex. router__in=[...])" (NCM API v2 docs, alerts endpoint).
IN_FILTER_LIMIT = 100

# 408 (Response Timeout), 504 and 524 (Cloudflare Timeout) are transient: "your first response
# should be to retry the query" (NCM API v2 docs, Q&A: Server Timeouts when using NetCloud API). 500: cradlepoint/api-samples known-issues reports
# transient "cp internal error shard-router-N" during heavy paging, so it is retried
# too, for idempotent requests only (the core decides).
RETRY_STATUSES = frozenset((408, 429, 500, 502, 503, 504, 524))
TIMEOUT_STATUSES = frozenset((408, 504, 524))

# NCM shows every non-default password in a configuration as "*" (NCM API v2 docs, configuration appendix: Passwords).
PASSWORD_MASK = "*"

# routers filters (NCM API v2 docs, routers endpoint, field table): field -> the operators the table lists ("" is `=`).
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
# `product` is not a routers filter (routers endpoint, field table): it is applied to the listing, by product id.
CLIENT_SIDE_FILTERS = ("product",)

# What device_info shows without detail (fields=, NCM API v2 docs: Limit the Fields Returned in a Result Set).
ROUTER_SUMMARY_FIELDS = ("id", "name", "serial_number", "mac", "state", "group", "product", "full_product_name", "actual_firmware", "account")
GROUP_FIELDS = ("id", "name", "account", "product", "target_firmware", "device_type")
# Only `configuration` and `suspended` are writable (NCM API v2 docs, Configuration Manager Schema); `actual` is left out (large, rarely needed).
CONFIG_FIELDS = ("id", "router", "configuration", "target", "pending", "synched", "suspended", "version_number")
# A router's configuration backup (config_backup module): the individual layer and the router's own report.
BACKUP_CONFIG_FIELDS = ("id", "router", "configuration", "actual")

# ---- INFERRED: every guess in one place ------------------------------------------------

# SSIDs live at wlan.radio.<r>.bss.<b> with key `ssid` (documented: NCM API v2 docs, configuration appendix examples). The `enabled` key is
# inferred from the NCOS configuration tree; the vendor document shows only ssid, wpapsk and
# radius0nasid.
WLAN_RADIO_PATH = ("wlan", "radio")
SSID_NAME_KEY = "ssid"
SSID_ENABLED_KEY = "enabled"  # inferred: NCOS config tree, not in the vendor document
# inferred: device_info reads SSIDs from `target` (the individual config layered over the group's,
# what NCM drives the device to: Configuration Manager Schema). A diff lists only what differs from the firmware's defaults,
# so an SSID left at its default name does not appear.
SSID_CONFIG_SOURCE = "target"
# inferred: net_devices `mode` is "WAN or LAN" in the table but "wan" in the examples (NCM API v2 docs, net_devices endpoint);
# compared case-insensitively on the client, not as a server filter that might miss.
NET_DEVICE_WAN_MODE = "wan"
NET_DEVICE_FIELDS = ("id", "router", "name", "type", "mode", "connection_state", "ipv4_address")
# device_info include cellular: the modem fields of net_devices (documented field table) and of
# net_device_signal_samples (documented: rsrp, rsrq, sinr, rssi, dbm, signal_percent).
CELLULAR_NET_DEVICE_FIELDS = ("id", "router", "mode", "type", "carrier", "service_type", "rfband", "imei", "iccid", "imsi", "apn", "roam")
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

    inferred: the case NCM stores is unknown: the routers examples have no hex letters (routers endpoint, GET example),
    net_devices and alerts show lower case; so both cases of the colon form are asked.
    """
    mac = normalize_mac(mac)
    return [mac, mac.upper()]


# -- ssid_profile. The path wlan.radio.<r>.bss.<b> and the keys `ssid` and `wpapsk` are documented
# (configuration appendix examples); every other BSS key below is the NCOS configuration tree's name, not in the vendor document.
SSID_PASSPHRASE_KEY = "wpapsk"  # documented (configuration appendix examples); read back as "*" (Passwords)
SSID_HIDDEN_KEY = "hidden"  # inferred: NCOS; the module's `broadcast` is its inverse
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
# E3000 (NCM API v2 docs, Webhook Response Payload Examples), so tri-radio models differ: give `id` there. 6 GHz has no known index.
BAND_RADIOS = {"2.4": "0", "5": "1"}
# inferred: the firmware's factory configuration, which configuration diffs are relative to (configuration appendix: Diffs),
# is read from the `default_configuration` link of firmwares (documented as a field: NCM API v2 docs, firmwares endpoint;
# the shape of its answer is not shown: a bare tree, `{data: tree}` and a diff are all accepted).
FIRMWARE_DEFAULTS_PATH = "default_configuration"
# NCM answers 403 for a URL the keys may not see (documented, error statuses); 404 and 400 are what an
# unknown or unsupported link may give. Any of them: the defaults are unknown, the configuration is
# compared as it is (without them), and the task warns.
FIRMWARE_DEFAULTS_UNKNOWN = (NotFoundError, PermissionDeniedError, ValidationError)

# -- wan_priority: WAN rules live at wan.rules2.<_id_> on firmware >= 6.0 (documented: NCM API v2 docs, configuration appendix, WAN examples); NCM
# documents no priority or name key on them. inferred from the NCOS configuration tree:
WAN_RULES_PATH = ("wan", "rules2")
WAN_RULE_NAME_KEY = "trigger_name"  # the rule's name, e.g. "Ethernet", "LTE" (the module's `name`)
# inferred: an older public client (Cradlepoint's SDK examples) names rules by `name`; a rule matches a
# connection's `name` by either key, trigger_name first
WAN_RULE_NAME_KEYS = (WAN_RULE_NAME_KEY, "name")
WAN_RULE_PRIORITY_KEY = "priority"  # a float, lower is preferred (the failovers endpoint's floats)
WAN_RULE_DISABLED_KEY = "disabled"  # the module's `enabled` is its inverse

# -- group membership: not documented. PUT routers/<id>/ {"group": <group URL>} moves a router in and
# {"group": null} takes it out (Cradlepoint's SDK: assign_router_to_group, remove_router_from_group).
ROUTER_GROUP_FIELD = "group"

# -- reboot: NCM has no reboot status. A router is back when it is online and either its `state`
# changed after the request (it went offline and came back: state_updated_at, routers endpoint) or one of its WAN
# connections restarted after it (net_devices updated_at - uptime): NCM marks a router offline only
# after two minutes (NCM API v2 docs, Q&A), so a quick reboot shows only in the uptimes.
REBOOT_ROUTER_FIELDS = ("id", "state", "state_updated_at")
REBOOT_NET_DEVICE_FIELDS = ("id", "mode", "connection_state", "uptime", "updated_at")

# Fetching pages ahead: the document pages one `meta.next` after another (NCM API v2 docs, the Python code sample of routers); that
# routers/ answers offset pages requested together is inferred from Paging Parameters (it is not among the
# endpoints without offset). A fleet-wide routers listing asks for several pages at a time, as many as
# paging.PageWindow allows (8 at first, more while pages come back quickly, half after a 429 or a slow
# page), never more than this cap: NCM documents no limit on concurrent requests, only 429 without a
# number, so the cap is ours (four times the fixed 4 used before; at most cap - 1 pages past the end are
# asked for). Each page's `next` still decides where it ends (ApiClient.paginate_next).
ROUTER_PAGE_CONCURRENCY = 16
# The side listings of a device listing (group and firmware names, products; with detail WAN connections
# and configurations) run this many at a time while the router pages come in (_DeviceLookups).
SIDE_LISTING_CONCURRENCY = 4

# ---- end of INFERRED ----------------------------------------------------------------------
