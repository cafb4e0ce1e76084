# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""wan_priority on a Peplink router: config.wan.connection.priority."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    AmbiguousError,
    InputError,
    PermissionDeniedError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import Resource, changes_between
from ansible_collections.wanfleet.routers.plugins.module_utils._peplink_router.common import (
    _check_router_selection,
    _discard_after_failure,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._peplink_router.ssid import _profile_number
from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import wan as contract


class WanPriorityResource(Resource):
    """Priority and enabled state of the router's WAN connections.

    Read from status.wan.connection (the running state; no priority = disabled). Written with
    config.wan.connection.priority, `instantActive` = the module's `apply`. With apply=false the
    change is saved as pending config, which status.wan.connection does not show: when the running
    state differs from the request, the saved values of the listed connections are read back with
    saved_wan_priorities() and compared instead, so a second apply=false run changes nothing, and
    an apply=true run (which compares the running state) still applies what is pending.
    """

    can_delete = False

    def __init__(self, client, params):
        super(WanPriorityResource, self).__init__(client, params)
        self._resolved = None
        self._unread_priority = {}
        self._writes_before = None

    def validate(self):
        params = self.params
        contract.validate("peplink_router", params)
        _check_router_selection(self.client, params, "wan_priority")
        connections = params["connections"]
        low, high = contract.priority_range("peplink_router")
        ids, names = {}, {}
        for index, item in enumerate(connections):
            label = "connections[%d]" % index
            wan_id, name = item.get("id"), item.get("name")
            if wan_id is not None and _profile_number(wan_id) is None:
                raise InputError(
                    "peplink_router: wan_priority: %s: id must be a WAN connection number (1, 2, ...), got %r" % (label, wan_id), platform="peplink_router"
                )
            priority = item.get("priority")
            if priority is not None and not low <= priority <= high:
                raise InputError(
                    "peplink_router: wan_priority: %s: priority must be %d (most preferred) to %d, got %s" % (label, low, high, priority),
                    platform="peplink_router",
                )
            if priority is None and item.get("enabled") is None:
                raise InputError("peplink_router: wan_priority: %s: give priority and/or enabled" % label, platform="peplink_router")
            for seen, key in ((ids, _profile_number(wan_id) if wan_id is not None else None), (names, name)):
                if key is not None and key in seen:
                    raise InputError(
                        "peplink_router: wan_priority: connections[%d] and %s name the same connection %s" % (seen[key], label, key), platform="peplink_router"
                    )
                if key is not None:
                    seen[key] = index

    def read(self):
        running = dict(
            (str(wan.id), {"name": wan.name, "priority": None if wan.enabled is False else wan.priority, "enabled": wan.enabled})
            for wan in self.client.wan_connections()
        )
        self._resolved = self._resolve(running)
        current = running
        if self.params.get("apply") is False:
            wanted = self._wanted(running)
            if changes_between(wanted, {"connections": running}):
                current = dict(running)
                for wan_id, saved in self._saved([wan_id for wan_id, item in self._resolved]).items():
                    current[wan_id] = dict(running.get(wan_id) or {}, **saved)
        return {"connections": current}

    def desired(self, current):
        return self._wanted(current["connections"])

    def update(self, current, desired, changes):
        self._writes_before = self.client.sent_writes
        have = current["connections"]
        items = []
        for wan_id, entry in changes["connections"].items():
            differs = dict((key, value) for key, value in entry.items() if value is not None and (have.get(wan_id) or {}).get(key) != value)
            if not differs:
                continue
            if wan_id in self._unread_priority:
                differs["priority"] = self._unread_priority[wan_id]
            items.append(dict(differs, id=wan_id))
        written = self.client.set_wan_priorities(items, instant_active=self.params.get("apply") is not False)
        result = dict((wan_id, dict(item)) for wan_id, item in have.items())
        for wan in written:
            before = result.get(wan.id) or {}
            result[wan.id] = {"name": wan.name or before.get("name"), "priority": wan.priority, "enabled": wan.enabled}
        return {"connections": result}

    def rollback(self):
        return _discard_after_failure(self.client, self._writes_before)

    rollback_failed = "the router may hold pending configuration, apply or discard it in its web admin"

    def _wanted(self, connections):
        """{"connections": {id: {priority?, enabled?}}}: the listed connections, their given keys.

        The router does not report the priority of a disabled connection, so a priority for a
        connection that is (or ends) disabled is not compared; it is sent along when that
        connection is written for another reason.
        """
        out = {}
        self._unread_priority = {}
        for wan_id, item in self._resolved:
            entry = {}
            if item.get("enabled") is not None:
                entry["enabled"] = item["enabled"]
            ends_enabled = item["enabled"] if item.get("enabled") is not None else (connections.get(wan_id) or {}).get("enabled")
            if item.get("priority") is not None:
                if ends_enabled is False:
                    self._unread_priority[wan_id] = item["priority"]
                else:
                    entry["priority"] = item["priority"]
            out[wan_id] = entry
        return {"connections": out}

    def _resolve(self, running):
        """[(id, connection option)]: names resolved to ids; unknown or ambiguous ones fail, listing the known."""
        known = ", ".join("%s (%s)" % (wan_id, item["name"]) for wan_id, item in running.items()) or "none"
        resolved, seen = [], {}
        for index, item in enumerate(self.params["connections"]):
            label = "connections[%d]" % index
            name = item.get("name")
            if item.get("id") is not None:
                wan_id = str(_profile_number(item["id"]))
                if wan_id not in running:
                    raise InputError(
                        "peplink_router: wan_priority: %s: this router has no WAN connection %s; it has %s" % (label, wan_id, known), platform="peplink_router"
                    )
                if name is not None and running[wan_id]["name"] != name:
                    raise InputError(
                        "peplink_router: wan_priority: %s: connection %s is named %r, not %r" % (label, wan_id, running[wan_id]["name"], name),
                        platform="peplink_router",
                    )
            else:
                matches = [key for key, wan in running.items() if wan["name"] == name]
                matches = matches or [key for key, wan in running.items() if str(wan["name"] or "").lower() == name.lower()]
                if not matches:
                    raise InputError(
                        "peplink_router: wan_priority: %s: this router has no WAN connection named %r; it has %s" % (label, name, known),
                        platform="peplink_router",
                    )
                if len(matches) > 1:
                    raise AmbiguousError(
                        "peplink_router: wan_priority: %s: several WAN connections are named %r: ids %s; give id" % (label, name, ", ".join(matches)),
                        platform="peplink_router",
                    )
                wan_id = matches[0]
            if wan_id in seen:
                raise InputError(
                    "peplink_router: wan_priority: connections[%d] and %s are the same connection %s" % (seen[wan_id], label, wan_id), platform="peplink_router"
                )
            seen[wan_id] = index
            resolved.append((wan_id, item))
        return resolved

    def _saved(self, ids):
        """The saved (pending) values of `ids`; {} for a read-only login, whose write will be refused anyway."""
        try:
            return self.client.saved_wan_priorities(ids)
        except PermissionDeniedError:
            return {}
