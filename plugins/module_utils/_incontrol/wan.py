# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""wan_priority on InControl 2: the router's WAN priorities through the device-API proxy."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils._router_api import _keyed_map
from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import wan as contract
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    AmbiguousError,
    ApiError,
    InputError,
    NotFoundError,
    UnsupportedError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import Resource, changes_between
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.common import _int_or_none
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.facts import (
    DEVAPI_WAN_PRIORITY,
    DEVAPI_WAN_STATUS,
    DEVICE_API_OWNERSHIP,
    PLATFORM,
)


# ---- WAN priority through the device-API proxy ---------------------------------------------


class WanPriorityResource(Resource):
    """The WAN connections of one device: {"connections": {"<id>": {name, priority, enabled}}}.

    Read: devapi GET status.wan.connection (the router's running state, live; documented router
    fields `priority` - absent when disabled - and `enable`). A router without that call (firmware
    before 8.0.0) is read from the IC2 device detail's interfaces (`group` = priority group, `is_enable`).
    Write: devapi POST config.wan.connection.priority {instantActive, list: [{connId, priority, enable}]}.
    """

    def __init__(self, client, params):
        super(WanPriorityResource, self).__init__(client, params)
        self._device = None

    def validate(self):
        params, platform = self.params, PLATFORM
        contract.validate(platform, params)
        connections = params["connections"]
        low, high = contract.priority_range(platform)
        seen = set()
        for item in connections:
            label = item.get("name") if item.get("id") is None else item.get("id")
            if item.get("id") is not None and not str(item["id"]).isdigit():
                raise InputError("%s: connection id must be a number (the router's connection id); got %r" % (platform, item["id"]), platform=platform)
            priority = item.get("priority")
            if priority is not None and not low <= priority <= high:
                raise InputError(
                    "%s: connection %s: priority must be %d to %d (Peplink priority groups); got %s" % (platform, label, low, high, priority), platform=platform
                )
            if priority is not None and item.get("enabled") is False:
                raise InputError(
                    "%s: connection %s: a disabled connection has no priority; leave priority out or set enabled: true" % (platform, label), platform=platform
                )
            key = ("id", str(item["id"])) if item.get("id") is not None else ("name", item["name"])
            if key in seen:
                raise InputError("%s: connection %s is listed twice" % (platform, label), platform=platform)
            seen.add(key)

    def read(self):
        self._device = self.client.find_device(self.params["device"], detail=False)
        device = self._device
        if device.status == "offline":
            raise ApiError(
                "%s: device %s (id %s) is offline; its WAN priorities are read and set through InControl's "
                "device API, which needs the device online" % (PLATFORM, device.name, device.id),
                platform=PLATFORM,
            )
        try:
            raw = self.client.devapi(device.group_id, device.id, DEVAPI_WAN_STATUS)
            connections = dict((conn_id, _wan_state(item)) for conn_id, item in _keyed_map(raw))
        except NotFoundError as exc:
            if not _router_refusal(exc):
                raise
            # the router has no status.wan.connection (firmware before 8.0.0): IC2's copy of the interfaces
            detail = self.client.device_detail(device.group_id, device.id)
            connections = dict(
                (wan.id, {"name": wan.name, "priority": wan.priority if wan.enabled is not False else None, "enabled": wan.enabled}) for wan in detail.wan
            )
        return {"connections": connections}

    def desired(self, current):
        known = current["connections"]
        listing = ", ".join("%s (%s)" % (conn_id, known[conn_id].get("name")) for conn_id in sorted(known, key=lambda key: (len(key), key))) or "none"
        wanted = {}
        for item in self.params["connections"]:
            conn_id = self._connection_id(item, known, listing)
            entry = dict((key, item[key]) for key in ("priority", "enabled") if item.get(key) is not None)
            enabled = entry.get("enabled", known[conn_id].get("enabled"))
            if entry.get("priority") is not None and enabled is False:
                raise InputError(
                    "%s: connection %s (%s) is disabled on device %s, so it has no priority; add enabled: true "
                    "or leave priority out" % (PLATFORM, conn_id, known[conn_id].get("name"), self._device.name),
                    platform=PLATFORM,
                )
            if conn_id in wanted:
                raise InputError("%s: connection %s (%s) is listed twice" % (PLATFORM, conn_id, known[conn_id].get("name")), platform=PLATFORM)
            wanted[conn_id] = entry
        if changes_between({"connections": wanted}, current):
            self._refuse_owned()
        return {"connections": wanted}

    def _refuse_owned(self):
        """Fail before the write when the device detail says another layer owns the WAN settings
        (DEVICE_API_OWNERSHIP): InControl would put its own settings back over a device-API write."""
        device = self._device
        raw = self.client.device_detail(device.group_id, device.id).raw or {}
        for flag, (refusing, meaning, advice) in DEVICE_API_OWNERSHIP.items():
            if raw.get(flag) is refusing:
                raise UnsupportedError(
                    "%s: device %s (id %s) has %s: %s (%s), so its WAN priorities are not written "
                    "through the device API: %s. Nothing was changed." % (PLATFORM, device.name, device.id, flag, str(refusing).lower(), meaning, advice),
                    platform=PLATFORM,
                )

    def _connection_id(self, item, known, listing):
        if item.get("id") is not None:
            conn_id = str(item["id"])
            if conn_id not in known:
                raise InputError(
                    "%s: device %s has no WAN connection with id %s; it has: %s" % (PLATFORM, self._device.name, conn_id, listing), platform=PLATFORM
                )
            if item.get("name") and known[conn_id].get("name") != item["name"]:
                raise InputError(
                    "%s: WAN connection %s of device %s is named %r, not %r" % (PLATFORM, conn_id, self._device.name, known[conn_id].get("name"), item["name"]),
                    platform=PLATFORM,
                )
            return conn_id
        for same in (lambda name: name == item["name"], lambda name: name.lower() == item["name"].lower()):
            hits = [conn_id for conn_id, value in known.items() if value.get("name") is not None and same(value["name"])]
            if len(hits) > 1:
                raise AmbiguousError(
                    "%s: %d WAN connections of device %s are named %r; give the id: %s"
                    % (PLATFORM, len(hits), self._device.name, item["name"], ", ".join(sorted(hits))),
                    platform=PLATFORM,
                )
            if hits:
                return hits[0]
        raise InputError("%s: device %s has no WAN connection named %r; it has: %s" % (PLATFORM, self._device.name, item["name"], listing), platform=PLATFORM)

    def create(self, desired):
        raise UnsupportedError("%s: WAN connections cannot be created" % PLATFORM, platform=PLATFORM)

    def delete(self, current):
        raise UnsupportedError("%s: WAN connections cannot be deleted" % PLATFORM, platform=PLATFORM)

    def update(self, current, desired, changes):
        items = []
        for conn_id, entry in sorted(changes["connections"].items(), key=lambda pair: int(pair[0])):
            have = current["connections"][conn_id]
            item = {}
            if entry.get("priority") is not None and entry["priority"] != have.get("priority"):
                item["priority"] = entry["priority"]
            if entry.get("enabled") is not None and entry["enabled"] != have.get("enabled"):
                item["enable"] = entry["enabled"]
            if item:
                items.append(dict(item, connId=int(conn_id)))
        body = {"list": items}
        if self.params.get("apply", True):
            body["instantActive"] = True
        reply = self.client.devapi(self._device.group_id, self._device.id, DEVAPI_WAN_PRIORITY, method="POST", body=body, idempotent=True)
        after = dict((conn_id, dict(value)) for conn_id, value in current["connections"].items())
        for conn_id, entry in changes["connections"].items():
            after[conn_id].update(entry)
        for conn_id, item in _keyed_map(reply):
            if conn_id in after:
                after[conn_id].update(_wan_state(item, after[conn_id].get("name")))
        for value in after.values():
            if value.get("enabled") is False:
                value["priority"] = None  # as status.wan.connection shows a disabled WAN
        return {"connections": after}


def _router_refusal(error):
    """True when the error is the router's own `stat: fail` answer (not IC2's)."""
    return isinstance(error.body, dict) and str(error.body.get("stat")).lower() == "fail"


def _wan_state(item, name=None):
    """A router WAN_Status_Obj (or a config.wan.connection.priority answer) -> {name, priority, enabled}."""
    enabled = item.get("enable")
    priority = _int_or_none(item.get("priority"))
    return {"name": item.get("name", name), "priority": priority if enabled is not False else None, "enabled": enabled if isinstance(enabled, bool) else None}
