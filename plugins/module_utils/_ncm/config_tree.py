# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NCM configuration trees (the `[updates, removals]` diff), the client's configuration calls and a router's or group's configuration scope."""

from __future__ import annotations

import re

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError, NotFoundError
from ansible_collections.wanfleet.routers.plugins.module_utils.models import Ssid
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import UNKNOWN
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.common import (
    _as_bool,
    _input,
    _priority_value,
    _ref_id,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.facts import (
    BACKUP_CONFIG_FIELDS,
    CONFIG_FIELDS,
    GROUP_FIELDS,
    PASSWORD_MASK,
    SSID_ENABLED_KEY,
    SSID_NAME_KEY,
    WAN_RULES_PATH,
    WAN_RULE_DISABLED_KEY,
    WAN_RULE_NAME_KEYS,
    WAN_RULE_PRIORITY_KEY,
    WLAN_RADIO_PATH,
)


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

    Array positions are quoted string keys, as NCM requires in updates (NCM API v2 docs, configuration appendix: Diffs).
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
                ssids.append(Ssid(id=ssid_slot(radio_key, bss_key), name=bss.get(SSID_NAME_KEY), enabled=_as_bool(bss.get(SSID_ENABLED_KEY))))
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
    for key, rule in rules.items() if isinstance(rules, dict) else _children(rules):
        if not isinstance(rule, dict):
            continue
        names = [str(rule[name_key]) for name_key in WAN_RULE_NAME_KEYS if rule.get(name_key) not in (None, "")]
        found.append(
            (
                str(rule.get("_id_") or key),
                {
                    "name": names[0] if names else None,
                    "priority": _priority_value(rule.get(WAN_RULE_PRIORITY_KEY)),
                    "enabled": not _as_bool(rule.get(WAN_RULE_DISABLED_KEY)),
                },
                names,
            )
        )
    return found


def config_effective(defaults, diff):
    """The whole configuration a diff describes over the firmware's defaults: the removals first, then
    the updates merged (configuration appendix: Diffs). `_id_` arrays keyed by index in the defaults are re-keyed by `_id_`
    where the diff keys them by UUID (NCM treats both forms as equal: arrays vs objects in PATCH)."""
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
        if isinstance(value, list):  # a list in a diff replaces the whole array (configuration_managers endpoint: arrays vs objects in PATCH)
            value = dict((str(index), item) for index, item in enumerate(value))
            node[key] = _tree_copy(value)
        elif isinstance(value, dict) and isinstance(node.get(key), dict):
            child = node[key]
            if any(_UUID.match(str(name)) for name in value) and child and all(str(name).isdigit() for name in child):
                child = node[key] = dict((item.get("_id_") if isinstance(item, dict) and item.get("_id_") else name, item) for name, item in child.items())
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


class NcmConfiguration(object):
    """NcmClient's configuration calls (configuration_managers and groups' configuration)."""

    # ---- configuration ----------------------------------------------------------------------

    def router_configuration(self, router_id, fields=CONFIG_FIELDS):
        """The configuration_managers object of a router (its id is not the router's: Configuration Manager Schema)."""
        managers = self.list("configuration_managers", {"router": router_id}, fields=fields)
        if not managers:
            raise NotFoundError(
                "ncm: router %s has no configuration manager (no such router, or not visible to these keys)" % _ref_id(router_id), platform=self.platform
            )
        return managers[0]

    def router_configurations(self, router_ids, fields=CONFIG_FIELDS):
        """{router id: configuration_managers object} for many routers, in `router__in` chunks."""
        managers = self.list_in("configuration_managers", "router", router_ids, fields=fields)
        return dict((_ref_id(manager.get("router")), manager) for manager in managers)

    def patch_configuration(self, config_manager_id, updates, removals=None):
        """Merge `updates` into a router's individual config (202, no body).

        PATCH cannot remove anything (configuration appendix: PATCH): removals raise (a PUT of the whole configuration would be needed).
        Empty updates send nothing (PATCH [{}, []] "will do nothing at all").
        """
        self._check_patchable(removals)
        if updates:
            self.patch("configuration_managers", config_manager_id, {"configuration": [updates, []]})

    def group_configuration(self, group_id):
        """A group's configuration diff `[updates, removals]` (configuration appendix: Group Configurations)."""
        config = (self.get("groups", group_id, fields=("configuration",)) or {}).get("configuration")
        return config if isinstance(config, list) and len(config) == 2 else [config_updates(config), []]

    def patch_group_configuration(self, group_id, updates, removals=None):
        """Merge `updates` into a group's config; same rules as patch_configuration (Group Configurations)."""
        self._check_patchable(removals)
        if updates:
            self.patch("groups", group_id, {"configuration": [updates, []]})

    def _check_patchable(self, removals):
        if removals:
            raise InputError(
                "ncm: a configuration PATCH cannot remove anything (NCM API v2, configuration_managers); removals need a PUT of the whole configuration",
                platform=self.platform,
            )

    def config_backup(self, device):
        """A router's backup: its configuration_managers record's `configuration` (the individual
        config) and `actual` (what the router last reported), as JSON (Configuration Manager Schema). Passwords read back
        as "*" (configuration appendix: Passwords), so they never reach the file and do not change it from run to run."""
        manager = self.router_configuration(device.id, fields=BACKUP_CONFIG_FIELDS)
        return {
            "format": "json",
            "document": {"router": device.name or device.id, "configuration": manager.get("configuration"), "actual": manager.get("actual")},
        }

    def group_config_backup(self, group):
        """A group's backup: its `configuration` (Group Configurations: "GET, PUT and PATCH work the same for groups")."""
        return {"format": "json", "document": {"group": group.name, "configuration": self.group_configuration(group.id)}}


def _default_tree(body):
    """The configuration tree in a default_configuration answer (bare, `{data: ...}` or a diff)."""
    if isinstance(body, (list, tuple)):
        return config_updates(body)
    if isinstance(body, dict) and set(body) & {"data", "success"} and isinstance(body.get("data"), (dict, list)):
        return _default_tree(body["data"])
    return body if isinstance(body, dict) else {}


class _ConfigScope(object):
    """A router's or a group's configuration: where ssid_profile and wan_priority read and PATCH.

    A router is read through its configuration manager's `target` (its own settings layered over its
    group's: Configuration Manager Schema), so a value the group already gives counts as set; writes go to the router's own
    layer. A group is read and written through its `configuration` (Group Configurations). Both are laid over the
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
        raise _input(module, "give device (a router's own configuration) or group (the group's configuration, which its routers inherit)")
