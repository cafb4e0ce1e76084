# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers the Peplink router client and resources share: the router's identity, login mode, queries, records."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError
from ansible_collections.wanfleet.routers.plugins.module_utils.models import Device, WanConnection, cellular_record
from ansible_collections.wanfleet.routers.plugins.module_utils._peplink_router.facts import (
    LIST_SEPARATOR,
    SERIAL_IN_PATH,
    SESSION_COOKIES,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._router_api import (
    API_PREFIX,
    FIRMWARE,
    _as_int,
    _keyed_items,
)


def router_identity(url):
    """(id, serial) of the router at `url`.

    The router API has no serial number, model or hostname call (Peplink Router API Documentation: none listed), so the
    identity comes from the URL: the serial from a simulator-style `/peplink/<serial>` path,
    else no serial and the URL's host (with its port, if any) as the id.
    """
    parts = urlsplit(url)
    match = SERIAL_IN_PATH.search(parts.path)
    serial = match.group(1) if match else None
    host = parts.netloc.rsplit("@", 1)[-1]
    return serial or host, serial


def _check_router_selection(client, params, module):
    """`device` must name this router, checked without a request (`group` is refused by the module's contract)."""
    device = params.get("device")
    if device is not None and not client.names_this_router(device):
        raise InputError(
            "peplink_router: %s: device %r is not the router at %s (known as %s); on this platform the device is "
            "the router at url" % (module, device, client.base_url, router_identity(client.base_url)[0]),
            platform="peplink_router",
        )


def _discard_after_failure(client, writes_before):
    """Roll back after a failed change: discard pending config if a write went out since `writes_before`."""
    if writes_before is None or client.sent_writes <= writes_before:
        return None
    client.discard_config()
    return "; the pending change was discarded (cmd.config.discard), so the router keeps its previous configuration"


def _auth_mode(settings):
    auth = tuple(settings.get("auth") or ())
    if auth:
        return "token" if "client_id" in auth else "login"
    if settings.get("username") and settings.get("password"):
        return "login"
    if settings.get("client_id") and settings.get("client_secret"):
        return "token"
    raise InputError("peplink_router: credentials are missing: set username+password or client_id+client_secret", platform="peplink_router")


def _api_name(api_name):
    name = str(api_name).lstrip("/")
    return name[len(API_PREFIX) :] if name.startswith(API_PREFIX) else name


def _query(params):
    if not params:
        return None
    query = {}
    for key, value in params.items():
        if value is None:
            continue
        query[key] = LIST_SEPARATOR.join(str(item) for item in value) if isinstance(value, (list, tuple)) else value
    return query or None


def _json_or_none(response):
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _session_cookie(response):
    """(name, value) of the session cookie the login set, read from Set-Cookie (not the jar)."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        pair = header.split(";", 1)[0]
        if "=" in pair:
            name, value = pair.split("=", 1)
            found.setdefault(name.strip(), value.strip())
    for name in SESSION_COOKIES:
        if found.get(name):
            return name, found[name]
    return None, None


def _router_cellular(modem):
    bands = [band for band in modem.get("band") or [] if isinstance(band, dict)]
    signal = bands[0].get("signal") if bands and isinstance(bands[0].get("signal"), dict) else {}
    sims = modem.get("sim") if isinstance(modem.get("sim"), dict) else {}
    sim = next((item for key, item in _keyed_items(sims) if item.get("active")), {})
    roaming = modem.get("roamingStatus") if isinstance(modem.get("roamingStatus"), dict) else {}
    carrier = modem.get("carrier") if isinstance(modem.get("carrier"), dict) else {}
    return cellular_record(
        carrier=carrier.get("name"),
        technology=modem.get("mobileType") or modem.get("network"),
        band=", ".join(str(band.get("name")) for band in bands if band.get("name")) or None,
        rsrp=signal.get("rsrp"),
        rsrq=signal.get("rsrq"),
        sinr=signal.get("sinr"),
        rssi=signal.get("rssi"),
        signal_bar=_as_int(modem.get("signalLevel")),
        imei=modem.get("imei") or None,
        iccid=sim.get("iccid") or None,
        imsi=sim.get("imsi") or None,
        apn=sim.get("apn") or None,
        roaming=None if not roaming.get("message") else roaming["message"] != "home",
    )


def _firmware_record(raw):
    images = [
        {"id": _as_int(key) if _as_int(key) is not None else key, "version": item.get("version"), "bootable": item.get("bootable"), "in_use": item.get("inUse")}
        for key, item in _keyed_items(raw, FIRMWARE)
    ]
    running = [image["version"] for image in images if image["in_use"]]
    if not running and len(images) == 1:
        running = [images[0]["version"]]
    return {"version": running[0] if running else None, "images": images}


def _wan_config_record(item):
    """A config.wan.connection.priority answer item as {name, priority, enabled}; no priority when
    disabled, like status.wan.connection ("The field will not appear if the WAN is disabled")."""
    enabled = item.get("enable")
    return {
        "name": item.get("name"),
        "priority": None if enabled is False else _as_int(item.get("priority")),
        "enabled": enabled if isinstance(enabled, bool) else None,
    }


def _wan_record(wan_id, item):
    status = item.get("message")
    if not status and item.get("enable") is False:
        status = "disabled"
    return WanConnection(
        id=wan_id, name=item.get("name"), type=item.get("type"), status=status, ip=item.get("ip"), priority=item.get("priority"), enabled=item.get("enable")
    )


def _snake(text):
    return re.sub(r"[^0-9a-z]+", "_", str(text).lower()).strip("_")


def _check_filters(filters, platform):
    if not filters:
        return {}
    known = set(Device.model_fields) - {"raw", "wan", "ssids"}
    unknown = sorted(set(filters) - known)
    if unknown:
        raise InputError(
            "%s: unknown filter(s) %s; a router can be filtered on %s" % (platform, ", ".join(unknown), ", ".join(sorted(known))), platform=platform
        )
    return dict(filters)


def _filters_match(device, filters):
    return all(device.passes(key, wanted) for key, wanted in filters.items())
