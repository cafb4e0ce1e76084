# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The telecomx modules' input (SSIDs, ids, addresses, the DHCP pool), checked before any request."""

from __future__ import annotations

import ipaddress

from ansible_collections.wanfleet.routers.plugins.module_utils.checks import check_passphrase
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError
from ansible_collections.wanfleet.routers.plugins.module_utils.models import normalize_mac
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.convert import _OBJECT_ID, _as_bool
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.facts import (
    BAND_CAPABILITIES,
    DHCP_SUBNET_PREFIX,
    MODEL_WIFI_CAPABILITY,
    SSID_MAX_BYTES,
    WIFI_BANDS,
    WIFI_FIELDS,
)


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
    """A TelecomX id: 24 hexadecimal digits (wiki api:networkmanagement:device:update)."""
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
            record = {
                "mac": _mac_option(client["mac"], where + ".mac"),
                "ip": _ipv4(client["ip"], where + ".ip"),
                "enable": True if client.get("enable") is None else bool(_as_bool(client["enable"])),
            }
            for field, seen in (("mac", macs), ("ip", ips)):
                if record[field] in seen:
                    raise _input_error("%s.%s %s is already reserved by dhcp.reserved_clients[%d]" % (where, field, record[field], seen[record[field]]))
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
            raise _input_error("dhcp.ip_pool_start %s and dhcp.ip_pool_end %s are not in one /%d subnet%s" % (start, end, DHCP_SUBNET_PREFIX, whose))
        for index, client in enumerate(dhcp.get("reserved_clients") or []):
            if client.get("ip") and ipaddress.IPv4Address(client["ip"]) not in subnet:
                raise _input_error("dhcp.reserved_clients[%d].ip %s is outside the DHCP pool's subnet %s%s" % (index, client["ip"], subnet, whose))
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
