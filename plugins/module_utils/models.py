# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Normalised records, so modules compare like with like across platforms.

Each platform module converts its raw objects into these; the validators take
care of what differs between vendors: integer vs string ids, MAC notations,
status spellings, URLs standing for ids.
"""

from __future__ import annotations

import fnmatch
import os
import re
import traceback

from typing import Any, Iterable, List, Optional

try:
    from pydantic import BaseModel, ConfigDict, field_validator

    HAS_PYDANTIC = True
    PYDANTIC_IMPORT_ERROR = None
except ImportError:
    HAS_PYDANTIC = False
    PYDANTIC_IMPORT_ERROR = traceback.format_exc()

    # Let this file import without pydantic, so the module can report it with
    # missing_required_lib() instead of a traceback.
    class BaseModel(object):  # type: ignore[no-redef]
        pass

    def ConfigDict(**kwargs):  # type: ignore[no-redef]  # noqa: N802 - mirrors pydantic's name
        return kwargs

    def field_validator(*args, **kwargs):  # type: ignore[no-redef]
        return lambda function: function


_MAC_HEX = re.compile(r"^[0-9a-f]{12}\Z")
_MAC_SEPARATORS = re.compile(r"[\s:.\-]")


def normalize_mac(value: object) -> str | None:
    """Any common MAC notation -> 'aa:bb:cc:dd:ee:ff'. Raises ValueError for anything else."""
    if value is None or value == "":
        return None
    digits = _MAC_SEPARATORS.sub("", str(value)).lower()
    if not _MAC_HEX.match(digits):
        raise ValueError("%r is not a MAC address" % (value,))
    return ":".join(digits[index : index + 2] for index in range(0, 12, 2))


def mac_digits(value: object) -> str | None:
    """Any common MAC notation -> 12 lower-case hex digits (TelecomX's notation)."""
    mac = normalize_mac(value)
    return mac.replace(":", "") if mac else None


def id_from_url(value: object) -> str | None:
    """NCM refers to objects by URL (…/groups/42/); compare by the id at its end."""
    if value is None or value == "":
        return None
    text = str(value).rstrip("/")
    if "/" in text:
        text = text.rsplit("/", 1)[1]
    return text


_ONLINE = frozenset(("online", "on", "up", "connected", "true", "1", "active"))
_OFFLINE = frozenset(("offline", "off", "down", "disconnected", "false", "0", "inactive"))


def normalize_status(value: object) -> str:
    """Vendor status spellings -> online / offline / unknown."""
    if isinstance(value, bool):
        return "online" if value else "offline"
    text = str(value).strip().lower() if value is not None else ""
    if text in _ONLINE:
        return "online"
    if text in _OFFLINE:
        return "offline"
    return "unknown"


_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def shape_of(value: Any, depth: int = 3) -> str:
    """A JSON value's shape without its values, e.g. {data: [{id: int, name: str}]}: keys and types only
    (no value can leak), for error messages and the platform check's fingerprints."""
    if isinstance(value, dict):
        if depth <= 0:
            return "{...}"
        # a key that is not a field name (an id, a serial, a MAC of a keyed map) is a value: shown as <key>
        fields = dict(((key if _FIELD_NAME.match(str(key)) else "<key>"), item) for key, item in value.items())
        return "{%s}" % ", ".join("%s: %s" % (key, shape_of(item, depth - 1)) for key, item in sorted(fields.items()))
    if isinstance(value, list):
        if depth <= 0:
            return "[...]"
        return "[%s]" % (shape_of(value[0], depth - 1) if value else "")
    return "null" if value is None else type(value).__name__


class Record(BaseModel):
    # Built by _build_models() below, all at once, rather than each as its class statement runs. Models belong in
    # this file: one derived from Record elsewhere would be built on first use, with pydantic's plugin search.
    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)


def _as_id(value):
    return None if value is None or value == "" else id_from_url(value)


class WanConnection(Record):
    id: str
    name: Optional[str] = None
    type: Optional[str] = None
    status: Optional[str] = None
    ip: Optional[str] = None
    priority: Optional[int] = None
    enabled: Optional[bool] = None

    _id = field_validator("id", mode="before")(_as_id)

    @field_validator("type", mode="before")
    @classmethod
    def _cellular(cls, value):
        # Peplink calls a cellular WAN "gobi" before firmware 8.0.1 (router API and InControl alike).
        return "cellular" if value == "gobi" else value

    @field_validator("status", mode="before")
    @classmethod
    def _lower_status(cls, value):
        # The router says "Connected", NCM "connected": compare and report them alike.
        return value.lower() if isinstance(value, str) and value else (value or None)


def wan_in_order(connections: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """{id: connection} -> list, most preferred first, disabled (or unprioritised) last (wan_priority's result)."""

    def key(item):
        connection = item[1]
        usable = connection.get("enabled") is not False and connection.get("priority") is not None
        return (0 if usable else 1, connection.get("priority") or 0, item[0])

    return [dict(connection, id=connection_id) for connection_id, connection in sorted(connections.items(), key=key)]


class Ssid(Record):
    id: Optional[str] = None
    name: Optional[str] = None
    enabled: Optional[bool] = None

    _id = field_validator("id", mode="before")(_as_id)


# The device filters that take shell patterns (Device.passes); the others match exactly.
PATTERN_FILTERS = ("name", "model", "serial")
_FIELD = object()  # Device.passes: read the filter's key as a field of the record


def has_pattern(wanted: Any) -> bool:
    """True when a filter value (or one of a list) is a shell pattern rather than a plain value."""
    values = wanted if isinstance(wanted, (list, tuple, set, frozenset)) else [wanted]
    return any(char in str(value) for value in values for char in "*?[")


class Device(Record):
    """The record device_info returns (documented in its RETURN) and the inventory's hostvars."""

    platform: str
    id: str
    name: Optional[str] = None
    serial: Optional[str] = None
    mac: Optional[str] = None
    model: Optional[str] = None
    firmware: Optional[str] = None
    status: str = "unknown"
    group: Optional[str] = None
    group_id: Optional[str] = None
    wan: List[WanConnection] = []
    ssids: List[Ssid] = []
    # NetCloud Manager only: the WAN rules wan_priority compares ({id, name, priority, enabled}); None elsewhere
    wan_rules: Optional[List[dict]] = None
    raw: Optional[dict] = None

    _ids = field_validator("id", "group_id", mode="before")(_as_id)
    _mac = field_validator("mac", mode="before")(normalize_mac)
    _status = field_validator("status", mode="before")(normalize_status)

    def matches(self, key: object) -> bool:
        """True when `key` is this device's id, serial, name or MAC (any notation)."""
        key = str(key)
        if key in (self.id, self.serial, self.name):
            return True
        try:
            return self.mac is not None and normalize_mac(key) == self.mac
        except ValueError:
            return False

    def passes(self, key: str, wanted: Any, have: Any = _FIELD) -> bool:
        """True when filter `key` (a field, or `have`: the value(s) the platform reads for it) accepts `wanted`.

        One behaviour on every platform, where the platform filters the listing itself: name, model and
        serial take shell patterns (``Store-*``), every other key an exact value; both ignore case, and a
        list of wanted values accepts any of them."""
        if have is _FIELD:
            have = getattr(self, key)
        haves = ["" if value is None else str(value).lower() for value in (have if isinstance(have, list) else [have])]
        wanteds = wanted if isinstance(wanted, (list, tuple, set, frozenset)) else [wanted]
        if key in PATTERN_FILTERS:
            return any(fnmatch.fnmatchcase(value, str(pattern).lower()) for value in haves for pattern in wanteds)
        return any(value == str(item).lower() for value in haves for item in wanteds)

    def record(self, include_raw: bool = False) -> dict[str, Any]:
        exclude = set() if include_raw else {"raw"}
        if self.wan_rules is None:
            exclude.add("wan_rules")  # a platform without WAN rules shows no such key
        return self.model_dump(exclude=exclude or None)


class Group(Record):
    platform: str
    id: str
    name: str
    raw: Optional[dict] = None

    _id = field_validator("id", mode="before")(_as_id)


def _build_models(base):
    """Build every model derived from `base`, with pydantic's plugin search off and the environment left as it was.

    pydantic looks for plugins (entry points of the group "pydantic") by reading the metadata of every
    installed distribution when it builds a model and PYDANTIC_DISABLE_PLUGINS is not set: about 25 ms of
    each task on a controller with a hundred packages. No model here uses pydantic plugins. The variable is
    set only while these models are built (a user's own setting is kept), so importing this file changes
    nothing for the rest of the process: the controller's worker, and the programs it starts.
    """
    if not HAS_PYDANTIC:
        return
    before = os.environ.get("PYDANTIC_DISABLE_PLUGINS")
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        models = list(base.__subclasses__())
        while models:
            model = models.pop()
            model.model_rebuild()
            models.extend(model.__subclasses__())
    finally:
        if before is None:
            del os.environ["PYDANTIC_DISABLE_PLUGINS"]


_build_models(Record)


# device_info / inventory `include` (cellular, location): the shapes every platform fills; None where it has no such field.
CELLULAR_FIELDS = ("carrier", "technology", "band", "rsrp", "rsrq", "sinr", "rssi", "signal_bar", "imei", "iccid", "imsi", "apn", "roaming")
INCLUDES = ("cellular", "location")


def cellular_record(**values: Any) -> dict[str, Any]:
    """{carrier, technology, band, rsrp, rsrq, sinr, rssi, signal_bar, imei, iccid, imsi, apn, roaming}."""
    return dict((key, values.get(key)) for key in CELLULAR_FIELDS)


def location_record(
    latitude: Any, longitude: Any, accuracy_m: float | None = None, method: str | None = None, updated_at: str | None = None
) -> dict[str, Any] | None:
    """{latitude, longitude, accuracy_m, method, updated_at}, or None without a position."""
    if latitude in (None, "") or longitude in (None, ""):
        return None
    return {"latitude": float(latitude), "longitude": float(longitude), "accuracy_m": accuracy_m, "method": method, "updated_at": updated_at}


def add_includes(client: Any, devices: list[Device], records: list[dict[str, Any]], include: Iterable[str]) -> list[dict[str, Any]]:
    """Add what `include` asks to device records (Device.record() dicts, in the order of `devices`).

    cellular: each WAN the platform reports a modem for gains `cellular`; location: each record gains
    `location` (None when unknown). The platform client reads them (client.cellular(), client.locations()),
    in as few requests as it can; without `include` nothing is read.
    """
    if "cellular" in include:
        modems = client.cellular(devices)
        for device, record in zip(devices, records):
            found = modems.get(device.id) or {}
            for wan in record.get("wan") or []:
                if wan["id"] in found:
                    wan["cellular"] = found[wan["id"]]
    if "location" in include:
        locations = client.locations(devices)
        for device, record in zip(devices, records):
            record["location"] = locations.get(device.id)
    return records
