# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two vocabularies: the API's camelCase objects and the modules' snake_case options, both ways."""

from __future__ import annotations

import re

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import MASK, InputError
from ansible_collections.wanfleet.routers.plugins.module_utils.models import mac_digits, normalize_mac
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.facts import (
    DEVICE_FIELDS,
    DEVICE_READ_ONLY_FIELDS,
    DHCP_FIELDS,
    RESERVATION_FIELDS,
    WIFI_FIELDS,
    WIFI_PASSWORD_KEYS,
)


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
        raise InputError("telecomx: unknown %s option(s) %s; known: %s" % (where, ", ".join(unknown), ", ".join(sorted(names))), platform="telecomx")
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
    return _api_to_module(dhcp, DHCP_FIELDS, nested={"reserved_clients": lambda clients: [_reservation_from_api(client) for client in clients]})


def dhcp_to_api(dhcp):
    if dhcp is None:
        return None
    body = _drop_none(_module_to_api(dhcp, DHCP_FIELDS, "dhcp"))
    if body.get("reservedClients") is not None:
        body["reservedClients"] = [_reservation_to_api(client, index) for index, client in enumerate(body["reservedClients"])]
    return body


def device_from_api(raw):
    """An API device object (full or condensed) -> the telecomx_device module's snake_case record."""
    record = _api_to_module(
        raw,
        DEVICE_FIELDS + DEVICE_READ_ONLY_FIELDS,
        nested={
            "wifi": wifi_from_api,
            "dhcp": dhcp_from_api,
            "status": lambda status: _api_to_module(status, ()),
        },
    )
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
    wifi = dict((key, MASK if key in WIFI_PASSWORD_KEYS and value not in (None, "") else value) for key, value in raw["wifi"].items())
    return dict(raw, wifi=wifi)
