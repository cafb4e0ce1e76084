# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cross-platform contracts: one table of what each platform takes, held to the modules' SPEC, their
documentation, every platform's Resource and the site_provision role."""

from __future__ import annotations

import json
import os
import re

import jinja2
import pytest
import respx
import yaml

from ansible_collections.wanfleet.routers.plugins.module_utils import clients
from ansible_collections.wanfleet.routers.plugins.filter import platform_support
from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import devices, group, ssid, support, wan
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError, UnsupportedError
from ansible_collections.wanfleet.routers.plugins.modules import group as group_module
from ansible_collections.wanfleet.routers.plugins.modules import config_backup, device_info, firmware, reboot
from ansible_collections.wanfleet.routers.plugins.modules import ssid_profile, wan_priority

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
DOC = yaml.safe_load(ssid_profile.DOCUMENTATION)
VALID = {"name": "Staff", "band": "2.4", "state": "present"}
# The selection each platform needs (validate() runs without a client: it sends nothing).
SCOPE = {"incontrol": {"group": "Branches"}, "ncm": {"device": "router-1"}, "peplink_router": {}, "telecomx": {"device": "router-1"}}


def notes_of(platform):
    return " ".join(note for note in DOC["notes"] if note.startswith("O(platform=%s)" % platform))


def test_the_table_names_only_the_module_s_platforms_and_options():
    assert set(ssid.UNSUPPORTED) == set(ssid_profile.SPEC["platforms"])
    for platform, options in ssid.UNSUPPORTED.items():
        assert set(options) <= set(ssid_profile.SPEC["argument_spec"]), platform


@pytest.mark.parametrize("platform,option", [(platform, option) for platform, options in sorted(ssid.UNSUPPORTED.items()) for option in sorted(options)])
def test_the_documentation_says_what_the_table_refuses(platform, option):
    assert "O(%s)" % option in notes_of(platform)


@pytest.mark.parametrize("platform,option", [(platform, option) for platform, options in sorted(ssid.UNSUPPORTED.items()) for option in sorted(options)])
def test_every_platform_refuses_an_unsupported_option_the_same_way(platform, option):
    params = dict((key, None) for key in ssid_profile.SPEC["argument_spec"])
    params.update(VALID, platform=platform, update_passphrase="always", **SCOPE[platform])
    if platform == "peplink_router":
        params["band"] = None
    params[option] = {"id": "1", "vlan_id": 20, "broadcast": False, "fast_transition": False}.get(option, "x")
    resource = clients.resource_class(platform, "ssid_profile")(None, params)
    with pytest.raises(UnsupportedError) as caught:
        resource.validate()
    assert caught.value.message == "%s: ssid_profile option %s is not supported on platform %s: %s" % (
        platform,
        option,
        platform,
        ssid.UNSUPPORTED[platform][option],
    )


COMMON_RULES = [
    (dict(name="\u00e9" * 17), "ssid_profile: name (the SSID) must be 1 to 32 bytes (octets of UTF-8), got 34"),
    (dict(vlan_id=4095), "ssid_profile: vlan_id must be 1 to 4094, or 0 for untagged (the LAN); got 4095"),
    (dict(security="open", passphrase="abcdefgh"), "ssid_profile: passphrase is not allowed with security open"),
    (dict(passphrase="short"), "ssid_profile: passphrase must be 8 to 63 printable ASCII characters"),
    (
        dict(security="wpa_wpa2_personal", fast_transition=True),
        "ssid_profile: fast_transition can be set only with security wpa2_personal, not wpa_wpa2_personal",
    ),
]


@pytest.mark.parametrize(
    "platform,params,message",
    [
        (platform, params, message)
        for platform in sorted(ssid.UNSUPPORTED)
        for params, message in COMMON_RULES
        if not set(params) & set(ssid.UNSUPPORTED[platform])
    ],
)
def test_the_common_rules_read_the_same_on_every_platform(platform, params, message):
    with pytest.raises(InputError) as caught:
        ssid.validate(platform, dict(dict(name="Staff"), **params))
    assert caught.value.message.startswith("%s: %s" % (platform, message))


# ---- every contract, its module's SPEC and DOCUMENTATION together ------------------------------------

# contract -> its module
CONTRACTS = [(ssid, ssid_profile), (wan, wan_priority), (group, group_module)]


def table_keys(table):
    return [(platform, key) for platform, keys in sorted(table.items()) for key in sorted(keys)]


@pytest.mark.parametrize("contract,module", CONTRACTS, ids=lambda value: getattr(value, "__name__", "").rsplit(".")[-1])
def test_each_table_names_only_its_module_s_platforms_and_options(contract, module):
    platforms = set(module.SPEC["platforms"])
    for name in ("UNSUPPORTED", "SELECTORS", "REQUIRED", "PRIORITY_RANGE", "CANNOT_REMOVE_MEMBERS"):
        table = getattr(contract, name, {})
        assert set(table) <= platforms, "%s.%s names a platform the module does not take" % (contract.MODULE, name)
    for platform, key in table_keys(contract.UNSUPPORTED):
        assert support.split_key(key)[0] in module.SPEC["argument_spec"], (platform, key)
    if hasattr(contract, "SELECTORS"):
        assert set(contract.SELECTORS) == platforms  # every platform says how a task selects its target


@pytest.mark.parametrize(
    "contract,module,platform,key", [(contract, module, platform, key) for contract, module in CONTRACTS for platform, key in table_keys(contract.UNSUPPORTED)]
)
def test_the_documentation_notes_every_refusal_of_every_table(contract, module, platform, key):
    notes = " ".join(note for note in yaml.safe_load(module.DOCUMENTATION)["notes"] if note.startswith("O(platform=%s)" % platform))
    assert "O(%s)" % key in notes


def test_a_key_with_a_value_refuses_that_value_only():
    table = {"ncm": {"apply=false": "why"}}
    support.refuse_unsupported("wan_priority", "ncm", {"apply": True}, table)
    with pytest.raises(UnsupportedError, match=re.escape("ncm: wan_priority: apply: false is not supported on platform ncm: why")):
        support.refuse_unsupported("wan_priority", "ncm", {"apply": False}, table)


WAN_VALID = {"device": "router-1", "group": None, "apply": True, "connections": [{"id": "1", "name": None, "priority": 1, "enabled": None}]}


@pytest.mark.parametrize(
    "platform,params,message",
    [
        ("incontrol", dict(group="Branches", device=None), "incontrol: wan_priority option group is not supported on platform incontrol"),
        ("peplink_router", dict(group="Branches", device=None), "peplink_router: wan_priority option group is not supported"),
        ("ncm", dict(apply=False), "ncm: wan_priority: apply: false is not supported on platform ncm"),
        ("incontrol", dict(device=None), "incontrol: wan_priority: device is required"),
        ("ncm", dict(device=None), "ncm: wan_priority: give device"),
        ("peplink_router", dict(connections=[]), "peplink_router: wan_priority: connections must list at least one WAN connection"),
        ("ncm", dict(connections=[{"id": None, "name": ""}]), "ncm: wan_priority: connections[0]: give id or name"),
    ],
)
def test_the_wan_contract_refuses_the_same_way_on_every_platform(platform, params, message):
    with pytest.raises(InputError) as caught:
        wan.validate(platform, dict(WAN_VALID, **params))
    assert caught.value.message.startswith(message)


@pytest.mark.parametrize("platform", sorted(wan.PRIORITY_RANGE))
def test_each_platform_s_wan_resource_reads_its_priority_range_from_the_contract(platform, monkeypatch):
    low, high = wan.priority_range(platform)
    params = dict(WAN_VALID, connections=[{"id": "1", "name": None, "priority": high + 1, "enabled": None}])
    resource_class = clients.resource_class(platform, "wan_priority")
    if platform == "peplink_router":
        params["device"] = None
    with pytest.raises(InputError, match="priority must be %d" % low):
        resource_class(None, params).validate()
    monkeypatch.setitem(wan.PRIORITY_RANGE, platform, (low, high + 1))  # the contract widened: the Resource follows
    resource_class(None, params).validate()


@pytest.mark.parametrize("platform", sorted(ssid.SELECTORS))
def test_each_ssid_resource_requires_what_the_selector_tables_say(platform):
    """The Resources word their own message; what they require is the table's."""
    needed = ssid.SELECTORS[platform] + ssid.REQUIRED.get(platform, ())
    for option in needed:
        params = dict((key, None) for key in ssid_profile.SPEC["argument_spec"])
        params.update(VALID, platform=platform, update_passphrase="always", **SCOPE[platform])
        params.update(dict((other, None) for other in ssid.SELECTORS[platform]) if option in ssid.SELECTORS[platform] else {option: None})
        with pytest.raises(InputError, match=option):
            clients.resource_class(platform, "ssid_profile")(None, params).validate()


# ---- the device-selection contract: the modules that select devices with the client's devices() ------

DEVICE_MODULES = {"config_backup": config_backup, "device_info": device_info, "firmware": firmware, "reboot": reboot}
# how the modules' documentation names a platform
PLATFORM_NAMES = {"incontrol": "InControl 2", "ncm": "NetCloud Manager", "peplink_router": "Peplink", "telecomx": "TelecomX"}


def test_the_device_selection_table_names_its_modules_options_and_platforms():
    assert sorted(DEVICE_MODULES) == sorted(devices.MODULES)
    platforms = set().union(*(module.SPEC["platforms"] for module in DEVICE_MODULES.values()))
    assert set(devices.UNSUPPORTED) <= platforms
    for platform, key in table_keys(devices.UNSUPPORTED):
        for name, module in DEVICE_MODULES.items():
            assert support.split_key(key)[0] in module.SPEC["argument_spec"], (name, platform, key)


@pytest.mark.parametrize("name", sorted(DEVICE_MODULES))
def test_each_device_module_documents_group_for_the_platforms_the_table_lets_take_it(name):
    module = DEVICE_MODULES[name]
    description = " ".join(yaml.safe_load(module.DOCUMENTATION)["options"]["group"]["description"])
    for platform in module.SPEC["platforms"]:
        refused = "group" in devices.UNSUPPORTED.get(platform, {})
        assert (PLATFORM_NAMES[platform] in description) is not refused, (platform, description)


@pytest.mark.parametrize("platform,key", table_keys(devices.UNSUPPORTED))
def test_the_clients_refuse_a_selection_from_the_table_before_any_request(platform, key, session, monkeypatch):
    settings = {"url": "http://127.0.0.1:9", "username": "u", "password": "p", "client_id": "a", "client_secret": "b", "auth": ("username", "password")}
    client = clients.client_class(platform)(settings, session)
    option = support.split_key(key)[0]
    with respx.mock(assert_all_called=False) as mock:  # no route: a request would fail the test
        with pytest.raises(UnsupportedError) as caught:
            client.devices(**{option: "Branches"})
        assert caught.value.message == "%s: %s" % (platform, devices.UNSUPPORTED[platform][key]) and not mock.calls
        monkeypatch.setitem(devices.UNSUPPORTED, platform, {})  # the table changed: the client follows
        with pytest.raises(Exception) as caught:
            client.devices(**{option: "Branches"})
        assert not isinstance(caught.value, UnsupportedError)


# ---- the role reads the same tables ------------------------------------------------------------------


def role_errors(platform, **variables):
    """The messages roles/site_provision/templates/input_errors.json.j2 renders (the role's first check)."""
    with open(os.path.join(ROOT, "roles", "site_provision", "templates", "input_errors.json.j2")) as handle:
        source = handle.read()
    environment = jinja2.Environment(extensions=["jinja2.ext.do"])
    environment.filters["to_json"] = json.dumps
    environment.filters["wanfleet.routers.platform_support"] = platform_support.platform_support
    values = dict(
        site_provision_platform=platform,
        site_provision__group_name="",
        site_provision__group={},
        site_provision_devices=[],
        site_provision_purge_devices=False,
        site_provision_alert_rules=[],
        site_provision_reboot_on=[],
        site_provision_ssids=[],
        site_provision_wan=[],
    )
    values.update(variables)
    return json.loads(environment.from_string(source).render(**values))


def test_the_filter_reads_the_spec_and_the_contracts():
    found = platform_support.platform_support("telecomx")
    assert found["platforms"]["group"] == sorted(group_module.SPEC["platforms"])
    assert "group" not in found["modules"] and "ssid_profile" in found["modules"]
    assert found["unsupported"]["ssid_profile"] == ssid.UNSUPPORTED["telecomx"]
    assert found["unsupported"]["device_info"] == devices.UNSUPPORTED["telecomx"] and "device_info" not in found["selectors"]
    assert found["selectors"]["ssid_profile"] == ["device"] and found["required"]["ssid_profile"] == ["band"]


def test_the_role_s_verdict_follows_the_tables(monkeypatch):
    ssid_item = [{"name": "S", "device": "router-1"}]
    assert role_errors("incontrol", site_provision__group_name="G", site_provision_ssids=ssid_item) == [
        "site_provision_ssids[0] (S): device is not used on incontrol (%s)" % ssid.UNSUPPORTED["incontrol"]["device"]
    ]
    monkeypatch.setitem(ssid.UNSUPPORTED, "incontrol", {})
    monkeypatch.setitem(ssid.SELECTORS, "incontrol", ("device", "group"))
    assert role_errors("incontrol", site_provision__group_name="G", site_provision_ssids=ssid_item) == []
    group_keys = {"name": "G", "country": "DK"}
    assert role_errors("ncm", site_provision__group_name="G", site_provision__group=group_keys) == [
        "site_provision_group.country: not on ncm: " + group.UNSUPPORTED["ncm"]["country"]
    ]
    monkeypatch.setitem(group.UNSUPPORTED, "ncm", {})
    assert role_errors("ncm", site_provision__group_name="G", site_provision__group=group_keys) == []


def test_the_role_s_platform_checks_come_from_the_module_platforms(monkeypatch):
    rules = [{"alert_types": ["x"]}]
    assert role_errors("incontrol", site_provision_alert_rules=rules) == ["site_provision_alert_rules: only ncm has alert rules, not incontrol"]
    monkeypatch.setattr(
        platform_support, "module_platforms", lambda: {"alert_rule": ["incontrol", "ncm"], "group": ["incontrol"], "reboot": [], "ssid_profile": ["incontrol"]}
    )
    assert role_errors("incontrol", site_provision_alert_rules=rules) == []
    assert role_errors("incontrol", site_provision_reboot_on=["changed"]) == [
        "site_provision_reboot_on: incontrol devices cannot be rebooted through this collection"
    ]


@pytest.mark.parametrize(
    "path", ["tasks/main.yml", "tasks/backup.yml", "handlers/main.yml", "vars/main.yml", "templates/input_errors.json.j2", "templates/summary.json.j2"]
)
def test_the_role_names_no_platform(path):
    """Which platform takes what is the collection's (the tables, SPEC): the role's tasks, vars and templates
    compare the platform with none (meta/argument_specs.yml lists the choices, the README explains them)."""
    with open(os.path.join(ROOT, "roles", "site_provision", path)) as handle:
        text = handle.read()
    assert not re.findall(r"""['"](incontrol|ncm|peplink_router|telecomx)['"]""", text)
