# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""wan_priority on NCM: the priority and enabled state of the WAN rules (wan.rules2)."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import wan as contract
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import AmbiguousError
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import Resource, merged
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.common import _input, _listing
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.config_tree import (
    _UUID,
    _ConfigScope,
    config_diff,
    wan_rules_from_config,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.facts import (
    WAN_RULES_PATH,
    WAN_RULE_DISABLED_KEY,
    WAN_RULE_PRIORITY_KEY,
)


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
        contract.validate("ncm", params)
        connections = params["connections"]
        low, high = contract.priority_range("ncm")
        for index, item in enumerate(connections):
            where = "connections[%d] (%s)" % (index, item.get("id") or item.get("name"))
            rule_id = item.get("id")
            if rule_id not in (None, "") and not (_UUID.match(str(rule_id)) or str(rule_id).isdigit()):
                raise _input(module, "%s: id must be a WAN rule _id_ (a UUID) or its index (0, 1, ...)" % where)
            if item.get("priority") is None and item.get("enabled") is None:
                raise _input(module, "%s: give priority or enabled (or both)" % where)
            if item.get("priority") is not None and not low <= item["priority"] <= high:
                raise _input(module, "%s: priority must be %d to %d (1 is the most preferred); got %s" % (where, low, high, item["priority"]))

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
                    raise _input(
                        module,
                        "connections[%d]: %s has no WAN rule with index %s; its rules: %s" % (index, self.scope.label, rule_id, self._known(connections)),
                    )
                found = self.order[int(rule_id)]
            else:
                matches = [known for known in self.order if known.lower() == rule_id.lower()]
                if not matches:
                    raise _input(module, "connections[%d]: %s has no WAN rule %s; its rules: %s" % (index, self.scope.label, rule_id, self._known(connections)))
                found = matches[0]
            if name not in (None, "") and name.casefold() not in [known.casefold() for known in self.names.get(found, [])]:
                raise _input(module, "connections[%d]: WAN rule %s is named %r, not %r" % (index, found, connections[found].get("name"), name))
            return found
        matches = [known for known in self.order if name in self.names.get(known, [])]
        if not matches:
            matches = [known for known in self.order if name.casefold() in [other.casefold() for other in self.names.get(known, [])]]
        if len(matches) > 1:
            raise _input(
                module,
                "connections[%d]: several WAN rules of %s are named %r: %s; give id" % (index, self.scope.label, name, ", ".join(matches)),
                AmbiguousError,
            )
        if not matches:
            raise _input(module, "connections[%d]: %s has no WAN rule named %r; its rules: %s" % (index, self.scope.label, name, self._known(connections)))
        return matches[0]

    def desired(self, current):
        connections = (current or {}).get("connections") or {}
        wanted = {}
        for index, item in enumerate(self.params["connections"]):
            rule_id = self._resolve(index, item, connections)
            if rule_id in wanted:
                raise _input(self.MODULE, "connections[%d] names WAN rule %s (%s) a second time" % (index, rule_id, connections[rule_id].get("name")))
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
                    entry["_id_"] = rule_id  # an element keyed by UUID must carry it (NCM API v2 docs, configuration appendix: arrays vs objects in PATCH)
                rules[rule_id] = entry
        if rules:
            self.scope.patch(config_diff(WAN_RULES_PATH, rules))
        return merged(current, changes)

    def delete(self, current):
        raise _input(self.MODULE, "NCM WAN rules cannot be deleted by this module")
