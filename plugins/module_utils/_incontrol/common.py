# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers the InControl client and resources share: device matching and filters, records, input checks."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import AmbiguousError, InputError, NotFoundError
from ansible_collections.wanfleet.routers.plugins.module_utils.models import (
    Ssid,
    WanConnection,
    cellular_record,
    location_record,
    normalize_mac,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import not_existing
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.facts import (
    ENDPOINTS,
    FIRMWARE_PENDING_ACTIVE,
    PLATFORM,
    WRITE_BODY_KEY,
)


# ---- helpers -----------------------------------------------------------------------


def _is_modem(interface):
    return interface.get("type") in ("gobi", "cellular") or bool(interface.get("cellular_signals") or interface.get("imei"))


def _cellular(interface):
    signals = interface.get("cellular_signals") if isinstance(interface.get("cellular_signals"), dict) else {}
    sims = interface.get("sims")
    if isinstance(sims, list):  # documented as one object; tolerate a list (the active SIM first)
        sims = next((sim for sim in sims if isinstance(sim, dict) and sim.get("active")), sims[0] if sims else None)
    sims = sims if isinstance(sims, dict) else {}
    return cellular_record(
        carrier=interface.get("carrier_name") or None,
        technology=interface.get("s2g3glte") or interface.get("gobi_data_tech") or None,
        band=interface.get("gobi_band_class_name") or None,
        rsrp=signals.get("rsrp"),
        rsrq=signals.get("rsrq"),
        sinr=signals.get("sinr"),
        rssi=signals.get("rssi"),
        signal_bar=_int_or_none(interface.get("signal_bar")),
        imei=interface.get("imei") or None,
        iccid=sims.get("iccid") or None,
        imsi=sims.get("imsi") or None,
        apn=interface.get("apn") or None,
    )  # roaming: not in the document's interface model


def _location(raw):
    # documented: isStatic "Indicates if the returned location is a static one"; inferred: else from the GPS
    method = None if raw.get("isStatic") is None else ("static" if raw.get("isStatic") else "gps")
    return location_record(raw.get("latitude"), raw.get("longitude"), method=method, updated_at=raw.get("location_timestamp") or None)


def pending_firmware(device):
    """The firmware version InControl has scheduled for a device (fw_pending_ver while active), or None."""
    raw = device.raw or {}
    return raw.get("fw_pending_ver") or None if str(raw.get("fw_pending_status")) == FIRMWARE_PENDING_ACTIVE else None


def _newest_backup(days):
    """{id, taken_at} of the newest file of a config_backup listing ([{date, file_list: [{size, time, id}]}]), or None.

    inferred: `time` may be a time of day or a full timestamp (the doc says only "Backup time"), so
    files are ordered by (date, time, id), and taken_at is "<date> <time>" unless time holds the date.
    """
    files = []
    for day in days if isinstance(days, list) else []:
        for item in (day.get("file_list") or []) if isinstance(day, dict) else []:
            if isinstance(item, dict) and item.get("id") is not None:
                date, when = str(day.get("date") or ""), str(item.get("time") or "")
                taken_at = when if date and when.startswith(date) else " ".join(filter(None, (date, when)))
                files.append(((date, when, _int_or_none(item["id"]) or 0), {"id": item["id"], "taken_at": taken_at or None}))
    return max(files, key=lambda entry: entry[0])[1] if files else None


def _json_or_none(response):
    try:
        return response.json()
    except ValueError:
        return None


def _error_code(body):
    return body.get("error") if isinstance(body, dict) and isinstance(body.get("error"), str) else None


def _is_token_url(url):
    return urlsplit(str(url)).path.endswith(ENDPOINTS["token"][1])


def _wrapped(body, wrap):
    if body is None or not wrap:
        return body
    return {WRITE_BODY_KEY: body}


def _pick(items, key, what, platform, known, attr=False, missing=InputError):
    """The item whose id is `key`, else whose name is (exactly, then case-insensitively)."""

    def get(item, name):
        return getattr(item, name) if attr else item.get(name)

    by_id = [item for item in items if str(get(item, "id")) == key]
    if by_id:
        return by_id[0]
    for same in (lambda name: name == key, lambda name: name.lower() == key.lower()):
        named = [item for item in items if get(item, "name") is not None and same(str(get(item, "name")))]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise AmbiguousError(
                "%s: %s name %r matches %d %ss; use the id: %s"
                % (platform, what, key, len(named), what, ", ".join("%s (id %s)" % (get(item, "name"), get(item, "id")) for item in named)),
                platform=platform,
            )
    raise missing("%s: %s %r not found; known: %s" % (platform, what, key, known), platform=platform)


def _match_device(devices, key, platform):
    """One device by id, then serial (any case), then MAC, then name (exact, then any case)."""
    key = str(key)
    try:
        mac = normalize_mac(key)
    except ValueError:
        mac = None
    tiers = (
        lambda item: item.id == key,
        lambda item: item.serial is not None and item.serial.upper() == key.upper(),
        lambda item: mac is not None and item.mac == mac,
        lambda item: item.name == key,
        lambda item: item.name is not None and item.name.lower() == key.lower(),
    )
    for matches in tiers:
        hits = [item for item in devices if matches(item)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise AmbiguousError(
                "%s: device %r matches %d devices; use the id or serial: %s" % (platform, key, len(hits), ", ".join(_describe(item) for item in hits)),
                platform=platform,
            )
    raise not_existing(
        NotFoundError("%s: no device with id, serial, MAC or name %r (among %d devices)" % (platform, key, len(devices)), platform=platform), "device", key
    )


def _describe(device):
    return "%s (id %s, serial %s, group %s)" % (device.name, device.id, device.serial, device.group)


def _as_list(value):
    return [str(item) for item in value] if isinstance(value, (list, tuple, set)) else [str(value)]


def _passes(device, filters):
    """Client-side filters (IC2 documents none server-side); see InControlClient.devices and Device.passes."""
    for key in ("name", "status"):
        if key in filters and not device.passes(key, filters[key]):
            return False
    if "model" in filters and not device.passes("model", filters["model"], [device.model, (device.raw or {}).get("product_code")]):
        return False
    if "tags" in filters:
        tags = set(str(tag) for tag in (device.raw or {}).get("tags") or [])
        if not set(_as_list(filters["tags"])) <= tags:
            return False
    return True


def _mac_or_none(value):
    try:
        return normalize_mac(value)
    except ValueError:
        return None  # a malformed MAC must not hide the device


def _int_or_none(value):
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _wan(item):
    """interface (InControl 2 API docs, model `interface`) -> WanConnection.

    `priority` is the interface's `group` ("the priority group id"); 0 or
    absent means in no priority group (a disabled WAN), reported as None like
    the router API, which leaves `priority` out for disabled WANs. `enabled`
    is `is_enable` (InControl 2 API docs) or `enable` (what a public client reads). An
    interface_polling_obj ({id, name, msg}: data not ready) keeps its id and name.
    """
    enabled = item.get("is_enable")
    if enabled is None:
        enabled = item.get("enable")
    if enabled is None and item.get("status") == "Disabled":
        enabled = False
    return WanConnection(
        id=item.get("id"),
        name=item.get("name"),
        type=item.get("virtualType") or item.get("type"),
        status=item.get("status"),
        ip=item.get("ip") or None,
        priority=_int_or_none(item.get("group")) or None,
        enabled=enabled if isinstance(enabled, bool) else None,
    )


def _ssids(raw):
    """ssid_profiles_applied[] (with `enabled`) when present, else ssids[] ({id, ssid})."""
    applied = [item for item in raw.get("ssid_profiles_applied") or [] if isinstance(item, dict)]
    if applied:
        return [
            Ssid(id=item.get("id"), name=item.get("ssid"), enabled=item.get("enabled") if isinstance(item.get("enabled"), bool) else None) for item in applied
        ]
    return [Ssid(id=item.get("id"), name=item.get("ssid")) for item in raw.get("ssids") or [] if isinstance(item, dict)]


# ---- input checks shared by the resources ------------------------------------------------


_COUNTRY = re.compile(r"^[A-Za-z]{2}\Z")

try:
    import zoneinfo
except ImportError:  # pragma: no cover - Python < 3.9 controllers are not supported
    zoneinfo = None


def check_timezone(value, platform=PLATFORM):
    """An IANA time zone name, checked against the controller's time zone database when it has one."""
    if not value or not value.strip():
        raise InputError("%s: timezone must not be empty" % platform, platform=platform)
    if zoneinfo is None:
        return
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        try:
            known = zoneinfo.available_timezones()
        except Exception:  # pylint: disable=broad-except
            known = set()
        if known:  # without a database on the controller, InControl decides
            raise InputError(
                "%s: timezone %r is not a known time zone; use an IANA name such as Europe/Copenhagen" % (platform, value), platform=platform
            ) from exc


def _as_api_id(value):
    """Our string ids -> IC2's integer ids (group, device, profile ids are integers)."""
    text = str(value)
    return int(text) if text.isdigit() else text


def _id_key(value):
    """Sort key of a numeric id: numeric order."""
    text = str(value)
    return (len(text), text)


def _by_name(items, name, what, platform):
    """The one dict/record named exactly `name`, or None; several -> AmbiguousError listing them."""

    def get(item, key):
        return item.get(key) if isinstance(item, dict) else getattr(item, key)

    hits = [item for item in items if get(item, "name") == name]
    if len(hits) > 1:
        raise AmbiguousError(
            "%s: %d %ss are named %r; give the id: %s" % (platform, len(hits), what, name, ", ".join(str(get(item, "id")) for item in hits)), platform=platform
        )
    return hits[0] if hits else None
