# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bad-input matrix: invalid input to the modules, the inventory and the role.

Every case must end in a clear message (the fragment given here, which names what is wrong), an
exit status of failure, and not one write request in the simulator's log (reads are allowed where
the input can only be judged against the platform: an unknown device, an ambiguous name, wrong
credentials).

The module cases run each module's main() in this process (tests/integration/files/inprocess.py),
so the ~70 of them cost seconds; a handful also run through ansible-playbook, the inventory cases
through ansible-inventory (several at once), the role cases through playbooks/site.yml (one run,
one inventory host per bad site).
"""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import yaml

from tests.integration.conftest import BIN, credentials
from tests.integration.files.inprocess import peplink_named, run_module
from tests.simulator.process import ROOT

pytestmark = pytest.mark.integration

GOOD_PSK = "Good-passphrase-2026"
HEX64 = "0123456789abcdef" * 4


def ncm_router(sim, product="IBR900"):
    return next(item for item in sim.state()["ncm"]["routers"] if item["product"] == product)["name"]


def router_001(sim):
    """The peplink_router options of router-001 (its SSID profiles are local, not pushed by InControl)."""
    return credentials(sim, peplink_named(sim.state(), "router-001"))["peplink_router"]


# (id, module, platform, arguments: (sim) -> dict, fragment of the message)
# The arguments are added to the simulator's credentials for the platform (credentials(sim)).
MODULE_CASES = [
    # -- passphrases: 8 to 63 printable characters, or 64 hexadecimal digits
    ("psk-7-chars-router", "ssid_profile", "peplink_router", lambda sim: dict(id="2", name="Guest SSID", passphrase="short-7"), "passphrase"),
    ("psk-64-not-hex-router", "ssid_profile", "peplink_router", lambda sim: dict(id="2", name="Guest SSID", passphrase="x" * 64), "passphrase"),
    ("psk-65-chars-incontrol", "ssid_profile", "incontrol", lambda sim: dict(group="Branches", name="Branch WiFi", passphrase="a" * 65), "passphrase"),
    ("psk-7-chars-incontrol", "ssid_profile", "incontrol", lambda sim: dict(group="Branches", name="Branch WiFi", passphrase="1234567"), "passphrase"),
    (
        "psk-7-chars-ncm",
        "ssid_profile",
        "ncm",
        lambda sim: dict(device=ncm_router(sim), name="Guest", band="2.4", security="wpa2_personal", passphrase="1234567"),
        "passphrase",
    ),
    (
        "psk-64-not-hex-ncm",
        "ssid_profile",
        "ncm",
        lambda sim: dict(device=ncm_router(sim), name="Guest", band="2.4", security="wpa2_personal", passphrase=HEX64[:-1] + "g"),
        "passphrase",
    ),
    (
        "psk-7-chars-telecomx",
        "ssid_profile",
        "telecomx",
        lambda sim: dict(device="tx-site-0001", band="5", name="Guest", security="wpa2_personal", passphrase="1234567"),
        "passphrase",
    ),
    # WPA passphrases are 8-63 printable ASCII characters (found missing on telecomx by this matrix; fixed).
    (
        "psk-non-ascii-telecomx",
        "ssid_profile",
        "telecomx",
        lambda sim: dict(device="tx-site-0001", band="5", name="Guest", security="wpa2_personal", passphrase="p\u00e6ssw\u00f8rd-123"),
        "passphrase",
    ),
    (
        "psk-non-ascii-ncm",
        "ssid_profile",
        "ncm",
        lambda sim: dict(device=ncm_router(sim), name="Guest", band="2.4", security="wpa2_personal", passphrase="p\u00e6ssw\u00f8rd-123"),
        "passphrase",
    ),
    (
        "psk-control-character-incontrol",
        "ssid_profile",
        "incontrol",
        lambda sim: dict(group="Branches", name="Branch WiFi", passphrase="tab\there-123"),
        "passphrase",
    ),
    (
        "wifi-password-short-telecomx-device",
        "telecomx_device",
        "telecomx",
        lambda sim: dict(mac_address="00:11:22:33:44:55", name="Aarhus office", model="XVS-200", wifi={"enabled": True, "ssid": "Office", "password": "short"}),
        "password",
    ),
    (
        "psk-with-open-security-router",
        "ssid_profile",
        "peplink_router",
        lambda sim: dict(id="2", name="Guest SSID", security="open", passphrase=GOOD_PSK),
        "open",
    ),
    # -- VLANs
    ("vlan-4095-router", "ssid_profile", "peplink_router", lambda sim: dict(id="2", name="Guest SSID", vlan_id=4095), "vlan_id"),
    ("vlan-negative-incontrol", "ssid_profile", "incontrol", lambda sim: dict(group="Branches", name="Branch WiFi", vlan_id=-1), "vlan_id"),
    ("vlan-5000-ncm", "ssid_profile", "ncm", lambda sim: dict(device=ncm_router(sim), name="Guest", band="2.4", vlan_id=5000), "vlan"),
    ("vlan-4095-telecomx", "ssid_profile", "telecomx", lambda sim: dict(device="tx-site-0001", band="5", name="Guest", vlan_id=4095), "vlan"),
    ("vlan-not-a-number", "ssid_profile", "peplink_router", lambda sim: dict(id="2", name="Guest SSID", vlan_id="ten"), "vlan_id"),
    # -- MAC and IP addresses
    ("mac-too-short", "telecomx_device", "telecomx", lambda sim: dict(mac_address="00:11:22:33:44", name="x", model="XVS-200"), "mac"),
    ("mac-not-hex", "telecomx_device", "telecomx", lambda sim: dict(mac_address="GG:11:22:33:44:55", name="x", model="XVS-200"), "mac"),
    (
        "dhcp-pool-ip-invalid",
        "telecomx_device",
        "telecomx",
        lambda sim: dict(mac_address="02c0de000001", dhcp={"ip_pool_start": "192.168.1.300"}),
        "192.168.1.300",
    ),
    (
        "dhcp-dns-not-an-ip",
        "telecomx_device",
        "telecomx",
        lambda sim: dict(mac_address="02c0de000001", dhcp={"primary_dns_server": "dns.example.com"}),
        "dns.example.com",
    ),
    (
        "dhcp-reservation-bad-mac",
        "telecomx_device",
        "telecomx",
        lambda sim: dict(mac_address="02c0de000001", dhcp={"reserved_clients": [{"mac": "zz", "ip": "192.168.1.20"}]}),
        "zz",
    ),
    (
        "dhcp-pool-reversed",
        "telecomx_device",
        "telecomx",
        lambda sim: dict(mac_address="02c0de000001", dhcp={"ip_pool_start": "192.168.1.200", "ip_pool_end": "192.168.1.100"}),
        "192.168.1.200",
    ),
    ("device-mac-malformed-ncm", "device_info", "ncm", lambda sim: dict(device="00:30:44:zz:00:01"), "00:30:44:zz:00:01"),
    # -- unknown devices, groups and other names
    ("unknown-device-incontrol", "device_info", "incontrol", lambda sim: dict(device="no-such-router"), "no-such-router"),
    ("unknown-device-ncm-ssid", "ssid_profile", "ncm", lambda sim: dict(device="no-such-router", name="Guest", band="2.4"), "no-such-router"),
    (
        "unknown-device-incontrol-wan",
        "wan_priority",
        "incontrol",
        lambda sim: dict(device="no-such-router", connections=[{"id": "1", "priority": 1}]),
        "no-such-router",
    ),
    ("unknown-device-ncm-reboot", "reboot", "ncm", lambda sim: dict(device="no-such-router"), "no-such-router"),
    ("unknown-group-incontrol-reboot", "reboot", "incontrol", lambda sim: dict(group="No Such Group"), "No Such Group"),
    ("unknown-group-incontrol-ssid", "ssid_profile", "incontrol", lambda sim: dict(group="No Such Group", name="Branch WiFi", enabled=False), "No Such Group"),
    ("unknown-member-ncm-group", "group", "ncm", lambda sim: dict(name="Retail IBR900", devices=["no-such-router"]), "no-such-router"),
    ("unknown-member-incontrol-group", "group", "incontrol", lambda sim: dict(name="Staging", devices=["no-such-router"]), "no-such-router"),
    ("unknown-device-telecomx-ssid", "ssid_profile", "telecomx", lambda sim: dict(device="tx-no-such-site", band="5", name="Guest"), "tx-no-such-site"),
    ("unknown-alert-group", "alert_rule", "ncm", lambda sim: dict(alert_types=["failover_event"], groups=["No Such Group"]), "No Such Group"),
    (
        "unknown-alert-recipient",
        "alert_rule",
        "ncm",
        lambda sim: dict(alert_types=["failover_event"], email_recipients=["nobody@example.com"]),
        "nobody@example.com",
    ),
    ("unknown-alert-destination", "alert_rule", "ncm", lambda sim: dict(alert_types=["failover_event"], http_destinations=["no-such-hook"]), "no-such-hook"),
    ("unknown-wan-name-router", "wan_priority", "peplink_router", lambda sim: dict(connections=[{"name": "Satellite 9", "priority": 1}]), "Satellite 9"),
    ("unknown-wan-id-router", "wan_priority", "peplink_router", lambda sim: dict(connections=[{"id": "99", "priority": 1}]), "99"),
    (
        "unknown-wan-name-ncm",
        "wan_priority",
        "ncm",
        lambda sim: dict(device=ncm_router(sim), connections=[{"name": "Satellite 9", "priority": 1}]),
        "Satellite 9",
    ),
    ("unknown-ssid-id-router", "ssid_profile", "peplink_router", lambda sim: dict(id="9", name="Nine"), "9"),
    (
        "unknown-model-telecomx",
        "telecomx_device",
        "telecomx",
        lambda sim: dict(mac_address="00:11:22:33:44:55", name="x", model="No-Such-Model"),
        "No-Such-Model",
    ),
    (
        "device-not-this-router",
        "ssid_profile",
        "peplink_router",
        lambda sim: dict(device="router-099", id="1", name="Branch WiFi", enabled=False),
        "router-099",
    ),
    # -- ambiguous names (made ambiguous before the test; the log is cleared after)
    ("ambiguous-device-ncm", "reboot", "ncm", lambda sim: dict(device="twin"), "twin"),
    ("ambiguous-device-ncm-info", "device_info", "ncm", lambda sim: dict(device="twin"), "twin"),
    ("ambiguous-group-ncm-alert", "alert_rule", "ncm", lambda sim: dict(alert_types=["failover_event"], groups=["twin group"]), "twin group"),
    ("ambiguous-group-ncm", "group", "ncm", lambda sim: dict(name="twin group", target_firmware="7.24.10"), "twin group"),
    (
        "same-wan-by-name-and-id-router",
        "wan_priority",
        "peplink_router",
        lambda sim: dict(connections=[{"name": "Cellular", "priority": 1}, {"id": "2", "priority": 2}]),
        "same connection 2",
    ),
    (
        "duplicate-wan-router",
        "wan_priority",
        "peplink_router",
        lambda sim: dict(connections=[{"id": "1", "priority": 1}, {"id": "1", "priority": 2}]),
        "same connection",
    ),
    # -- wrong types and values the argument spec refuses
    ("connections-not-a-list", "wan_priority", "peplink_router", lambda sim: dict(connections="WAN 1"), "connections"),
    ("connection-without-id-or-name", "wan_priority", "peplink_router", lambda sim: dict(connections=[{"priority": 1}]), "id, name"),
    ("priority-not-a-number", "wan_priority", "peplink_router", lambda sim: dict(connections=[{"id": "1", "priority": "first"}]), "priority"),
    ("priority-out-of-range-router", "wan_priority", "peplink_router", lambda sim: dict(connections=[{"id": "1", "priority": 9}]), "priority"),
    ("enabled-not-a-bool", "ssid_profile", "peplink_router", lambda sim: dict(id="2", name="Guest SSID", enabled="maybe"), "enabled"),
    ("wifi-not-a-dict", "telecomx_device", "telecomx", lambda sim: dict(mac_address="02c0de000001", wifi="on"), "wifi"),
    ("devices-not-a-list", "group", "ncm", lambda sim: dict(name="Retail IBR900", devices={"a": 1}), "devices"),
    ("wait-timeout-not-a-number", "reboot", "ncm", lambda sim: dict(device=ncm_router(sim), wait_timeout="soon"), "wait_timeout"),
    ("max-retries-not-a-number", "device_info", "ncm", lambda sim: dict(max_retries="many"), "max_retries"),
    ("timeout-not-a-number", "device_info", "telecomx", lambda sim: dict(timeout="fast"), "timeout"),
    ("unknown-state", "ssid_profile", "ncm", lambda sim: dict(device=ncm_router(sim), name="Guest", state="gone"), "state"),
    ("unknown-security", "ssid_profile", "incontrol", lambda sim: dict(group="Branches", name="Branch WiFi", security="wep"), "security"),
    ("unknown-band", "ssid_profile", "telecomx", lambda sim: dict(device="tx-site-0001", name="Guest", band="7"), "band"),
    ("unknown-option", "device_info", "ncm", lambda sim: dict(devcie="x"), "devcie"),
    ("unknown-schedule", "alert_rule", "ncm", lambda sim: dict(alert_types=["failover_event"], schedule="weekly"), "schedule"),
    ("telecomx-device-without-identity", "telecomx_device", "telecomx", lambda sim: dict(name="x"), "mac_address"),
    ("group-without-name-or-id", "group", "incontrol", lambda sim: dict(timezone="UTC"), "name"),
    (
        "device-and-group",
        "wan_priority",
        "ncm",
        lambda sim: dict(device=ncm_router(sim), group="Retail IBR900", connections=[{"id": "0", "priority": 1}]),
        "mutually exclusive",
    ),
    ("ncm-group-create-without-product", "group", "ncm", lambda sim: dict(name="New Stores"), "product"),
    ("reboot-without-target", "reboot", "incontrol", lambda sim: {}, "device or group"),
    ("band-on-router", "ssid_profile", "peplink_router", lambda sim: dict(id="2", name="Guest SSID", band="5"), "band"),
    ("group-on-router", "ssid_profile", "peplink_router", lambda sim: dict(group="Branches", id="2", name="Guest SSID"), "group"),
    # -- missing or wrong credentials
    ("incontrol-no-secret", "device_info", "incontrol", lambda sim: dict(incontrol={"url": sim.url, "client_id": "sim-client"}), "INCONTROL_CLIENT_SECRET"),
    ("ncm-missing-ecm-key", "device_info", "ncm", lambda sim: dict(ncm=dict(credentials(sim)["ncm"], ecm_api_key=None)), "X_ECM_API_KEY"),
    ("telecomx-no-password", "device_info", "telecomx", lambda sim: dict(telecomx={"url": sim.url, "username": "manager@example.com"}), "TELECOMX_PASSWORD"),
    ("router-no-url", "device_info", "peplink_router", lambda sim: dict(peplink_router={"username": "admin", "password": "admin"}), "PEPLINK_URL"),
    (
        "router-url-not-http",
        "device_info",
        "peplink_router",
        lambda sim: dict(peplink_router={"url": "ftp://192.0.2.1", "username": "admin", "password": "admin"}),
        "http",
    ),
    (
        "incontrol-wrong-secret",
        "ssid_profile",
        "incontrol",
        lambda sim: dict(incontrol=dict(credentials(sim)["incontrol"], client_secret="not-the-secret"), group="Branches", name="Branch WiFi", enabled=False),
        "client_secret",
    ),
    (
        "telecomx-wrong-password",
        "telecomx_device",
        "telecomx",
        lambda sim: dict(telecomx=dict(credentials(sim)["telecomx"], password="not-the-password"), mac_address="02c0de000001", notes="x"),
        "401",
    ),
    (
        "router-wrong-password",
        "wan_priority",
        "peplink_router",
        lambda sim: dict(peplink_router=dict(credentials(sim)["peplink_router"], password="not-the-password"), connections=[{"id": "1", "priority": 2}]),
        "login",
    ),
    ("ncm-wrong-key", "reboot", "ncm", lambda sim: dict(ncm=dict(credentials(sim)["ncm"], cp_api_key="not-the-key"), device=ncm_router(sim)), "401"),
    (
        "router-read-only-user",
        "ssid_profile",
        "peplink_router",
        lambda sim: dict(peplink_router=dict(router_001(sim), username="viewer", password="viewer"), id="2", name="Guest SSID", enabled=False),
        "read-only",
    ),
    (
        "telecomx-viewer",
        "telecomx_device",
        "telecomx",
        lambda sim: dict(
            telecomx=dict(credentials(sim)["telecomx"], username="viewer@example.com"), mac_address="00:11:22:33:44:55", name="x", model="XVS-200"
        ),
        "VIEWER",
    ),
    # -- a platform the module does not support
    ("group-on-router", "group", "peplink_router", lambda sim: dict(name="x"), "does not support platform peplink_router"),
    ("group-on-telecomx", "group", "telecomx", lambda sim: dict(name="x"), "does not support platform telecomx"),
    ("alert-rule-on-incontrol", "alert_rule", "incontrol", lambda sim: dict(alert_types=["x"]), "does not support platform incontrol"),
    ("telecomx-device-on-ncm", "telecomx_device", "ncm", lambda sim: dict(mac_address="00:11:22:33:44:55"), "does not support platform ncm"),
    ("wan-priority-on-telecomx", "wan_priority", "telecomx", lambda sim: dict(connections=[{"id": "1"}]), "does not support platform telecomx"),
    ("reboot-on-telecomx", "reboot", "telecomx", lambda sim: dict(device="tx-site-0001"), "does not support platform telecomx"),
    ("unknown-platform", "device_info", "meraki", lambda sim: {}, "platform"),
]


def module_case_ids():
    seen = set()
    for case in MODULE_CASES:
        assert case[0] not in seen or case[0] == "group-on-router", case[0]
        seen.add(case[0])
    return ["%s-%s" % (case[0], case[1]) for case in MODULE_CASES]


def make_ambiguous(sim):
    """Two NCM routers named "twin" and two NCM groups named "twin group" (renamed through the API)."""
    headers = {"X-CP-API-ID": "sim-cp-id", "X-CP-API-KEY": "sim-cp-key", "X-ECM-API-ID": "sim-ecm-id", "X-ECM-API-KEY": "sim-ecm-key"}
    state = sim.state()["ncm"]
    with httpx.Client(base_url=sim.platform_url("ncm"), headers=headers, timeout=30) as client:
        for router in state["routers"][:2]:
            client.put("/routers/%s/" % router["id"], json={"name": "twin"}).raise_for_status()
        for group in state["groups"][:2]:
            client.put("/groups/%s/" % group["id"], json={"name": "twin group"}).raise_for_status()


def module_args(sim, platform, arguments):
    args = dict(credentials(sim), platform=platform, token_cache=False, max_retries=1)
    args.update(arguments(sim))
    for name, value in list(args.items()):
        if isinstance(value, dict) and any(item is None for item in value.values()):
            args[name] = dict((key, item) for key, item in value.items() if item is not None)
    return args


@pytest.mark.parametrize("case", MODULE_CASES, ids=module_case_ids())
def test_module_bad_input(sim, case):
    name, module, platform, arguments, fragment = case
    if name.startswith("ambiguous-"):
        make_ambiguous(sim)
    sim.clear_requests()
    result = run_module(module, module_args(sim, platform, arguments))
    assert result.get("failed"), "accepted: %s" % result
    assert not result.get("crashed"), result["msg"]
    msg = result["msg"]
    assert fragment in msg, msg
    assert sim.writes() == [], "a write went out: %s (%s)" % (sim.writes(), msg)


# ---- the same through ansible-playbook (a sample: the in-process runs above are the matrix) -------------

PLAYBOOK_SAMPLE = (
    "psk-7-chars-router",
    "vlan-5000-ncm",
    "mac-not-hex",
    "unknown-device-incontrol",
    "ambiguous-device-ncm",
    "connections-not-a-list",
    "telecomx-no-password",
    "group-on-telecomx",
    "router-read-only-user",
)


def test_module_bad_input_through_ansible_playbook(sim, run_playbook):
    make_ambiguous(sim)
    sim.clear_requests()
    cases = dict((case[0], case) for case in MODULE_CASES)
    tasks = []
    for name in PLAYBOOK_SAMPLE:
        module, platform, arguments = cases[name][1:4]
        args = module_args(sim, platform, arguments)
        tasks.append({"name": name, "wanfleet.routers." + module: args, "ignore_errors": True})
    run = run_playbook(tasks)
    assert run.rc == 0, run.stdout[-3000:]
    for name in PLAYBOOK_SAMPLE:
        entry = [item for item in run.results if item["task"] == name][-1]
        assert entry["status"] == "failed", (name, entry["result"])
        assert cases[name][4] in entry["result"]["msg"], entry["result"]["msg"]
        assert "MODULE FAILURE" not in entry["result"]["msg"] and "Traceback" not in json.dumps(entry["result"])
    assert sim.writes() == []


# ---- the inventory: ansible-inventory, as AWX runs it (an unparsed source fails the update) -------------

INVENTORY_CASES = [
    # (id, configuration: (sim) -> the file's content, fragment of the message)
    ("no-sources", lambda sim: {"sources": []}, "sources must be a non-empty list"),
    ("source-not-a-dict", lambda sim: {"sources": ["ncm"]}, "sources[0] must be a dictionary"),
    ("unknown-platform", lambda sim: {"sources": [{"platform": "meraki"}]}, "sources[0].platform must be one of"),
    ("router-platform", lambda sim: {"sources": [{"platform": "peplink_router"}]}, "through their InControl organization"),
    ("missing-credentials", lambda sim: {"sources": [{"platform": "ncm", "ncm": {"url": sim.platform_url("ncm")}}]}, "credentials are missing"),
    (
        "unknown-credential-option",
        lambda sim: {"sources": [{"platform": "incontrol", "incontrol": dict(credentials(sim)["incontrol"], secret="x")}]},
        "unknown option(s) secret",
    ),
    (
        "credentials-of-another-platform",
        lambda sim: {"sources": [{"platform": "ncm", "ncm": credentials(sim)["ncm"], "telecomx": credentials(sim)["telecomx"]}]},
        "a source is one platform",
    ),
    (
        "filters-not-a-dict",
        lambda sim: {"sources": [{"platform": "telecomx", "telecomx": credentials(sim)["telecomx"], "filters": ["online"]}]},
        "filters must be a dictionary",
    ),
    ("unknown-filter", lambda sim: {"sources": [{"platform": "telecomx", "telecomx": credentials(sim)["telecomx"], "filters": {"colour": "blue"}}]}, "colour"),
    (
        "timeout-not-a-number",
        lambda sim: {"sources": [{"platform": "ncm", "ncm": credentials(sim)["ncm"], "timeout": "fast"}]},
        "timeout must be of type float",
    ),
    ("unknown-hostname-key", lambda sim: {"hostnames": ["nickname"], "sources": [{"platform": "ncm", "ncm": credentials(sim)["ncm"]}]}, "nickname"),
    ("unknown-duplicate-policy", lambda sim: {"duplicate_hostnames": "merge", "sources": [{"platform": "ncm", "ncm": credentials(sim)["ncm"]}]}, "merge"),
    (
        "wrong-client-secret",
        lambda sim: {"sources": [{"platform": "incontrol", "incontrol": dict(credentials(sim)["incontrol"], client_secret="not-it")}]},
        "client authentication failed",
    ),
    (
        "wrong-organization",
        lambda sim: {"sources": [{"platform": "incontrol", "incontrol": dict(credentials(sim)["incontrol"], organization="no-such-org")}]},
        "no-such-org",
    ),
]
AWX_ENV = {"ANSIBLE_INVENTORY_UNPARSED_FAILED": "True", "ANSIBLE_INVENTORY_ENABLED": "wanfleet.routers.fleet"}


def test_inventory_bad_input(sim, ansible_env, tmp_path):
    """Each bad file in its own ansible-inventory run, four at a time."""

    def run(case):
        name, config = case[:2]
        path = tmp_path / ("%s.wanfleet.yml" % name)
        path.write_text(yaml.safe_dump(dict({"plugin": "wanfleet.routers.fleet"}, **config(sim)), sort_keys=False))
        command = [os.path.join(BIN, "ansible-inventory"), "-i", str(path), "--list"]
        return subprocess.run(command, env=dict(ansible_env, **AWX_ENV), capture_output=True, text=True, timeout=300, cwd=str(tmp_path), check=False)

    with ThreadPoolExecutor(max_workers=4) as pool:
        processes = list(pool.map(run, INVENTORY_CASES))
    problems = []
    for case, process in zip(INVENTORY_CASES, processes):
        name, fragment = case[0], case[2]
        output = " ".join((process.stdout + process.stderr).split())  # the warning may wrap lines
        if process.returncode == 0 or fragment not in output or "Traceback" in output or "not-it" in output:
            problems.append((name, process.returncode, output[-600:]))
    assert problems == []
    assert sim.writes() == []


# ---- the role, through playbooks/site.yml: one run, one inventory host per bad site ---------------------


def role_cases(sim):
    conn = credentials(sim)
    return {
        "bad-platform": ({"site_provision_platform": "meraki"}, "site_provision_platform"),
        "ssid-vlan-not-a-number": (
            {
                "site_provision_platform": "ncm",
                "site_provision_connection": conn,
                "site_provision_group": {"name": "Retail IBR900"},
                "site_provision_ssids": [{"name": "Guest", "vlan_id": "ten"}],
            },
            "vlan_id",
        ),
        "ssids-not-a-list": (
            {"site_provision_platform": "incontrol", "site_provision_connection": conn, "site_provision_ssids": "Guest"},
            "site_provision_ssids",
        ),
        "wan-without-connections": (
            {"site_provision_platform": "incontrol", "site_provision_connection": conn, "site_provision_wan": [{"device": "router-001"}]},
            "connections",
        ),
        "group-on-router-site": (
            {"site_provision_platform": "peplink_router", "site_provision_connection": conn, "site_provision_group": {"name": "x"}},
            "has no group",
        ),
        "alert-rules-on-incontrol": (
            {"site_provision_platform": "incontrol", "site_provision_connection": conn, "site_provision_alert_rules": [{"alert_types": ["failover_event"]}]},
            "only ncm has alert rules",
        ),
        "short-passphrase": (
            {
                "site_provision_platform": "ncm",
                "site_provision_connection": conn,
                "site_provision_group": {"name": "Retail IBR900"},
                "site_provision_ssids": [{"name": "Retail-Corp", "id": "0.0", "passphrase": "Sh0rt!"}],
            },
            "passphrase must be 8 to 63",
        ),
        "vlan-out-of-range": (
            {
                "site_provision_platform": "incontrol",
                "site_provision_connection": conn,
                "site_provision_group": {"name": "Branches"},
                "site_provision_ssids": [{"name": "Branch WiFi", "vlan_id": 4095}],
            },
            "vlan_id must be 1 to 4094",
        ),
        "unknown-member": (
            {
                "site_provision_platform": "incontrol",
                "site_provision_connection": conn,
                "site_provision_group": {"name": "Staging"},
                "site_provision_devices": ["no-such-router"],
            },
            "no-such-router",
        ),
        "unknown-wan-device": (
            {
                "site_provision_platform": "ncm",
                "site_provision_connection": conn,
                "site_provision_wan": [{"device": "no-such-router", "connections": [{"id": "0", "priority": 1}]}],
            },
            "no-such-router",
        ),
        "missing-credentials": (
            {"site_provision_platform": "telecomx", "site_provision_ssids": [{"name": "Guest", "device": "tx-site-0001", "band": "5"}]},
            "credentials are missing",
        ),
        "unknown-security": (
            {
                "site_provision_platform": "telecomx",
                "site_provision_connection": conn,
                "site_provision_ssids": [{"name": "Guest", "device": "tx-site-0001", "band": "5", "security": "wep"}],
            },
            "security",
        ),
    }


def test_role_bad_input(sim, ansible_env, tmp_path):
    cases = role_cases(sim)
    hosts = dict((name, dict(case[0], ansible_connection="local")) for name, case in cases.items())
    inventory = tmp_path / "sites.yml"
    inventory.write_text(yaml.safe_dump({"wanfleet_sites": {"hosts": hosts}}))
    results = tmp_path / "results.jsonl"
    command = [os.path.join(BIN, "ansible-playbook"), "-i", str(inventory), os.path.join(ROOT, "playbooks", "site.yml"), "--forks", "12"]
    process = subprocess.run(
        command, env=dict(ansible_env, WANFLEET_RESULTS_FILE=str(results)), capture_output=True, text=True, timeout=600, cwd=str(tmp_path), check=False
    )
    assert process.returncode != 0
    recorded = [json.loads(line) for line in results.read_text().splitlines()] if results.exists() else []
    problems = []
    for name, case in cases.items():
        fragment = case[1]
        failed = [entry for entry in recorded if entry["host"] == name and entry["status"] == "failed"]
        message = json.dumps(failed[0]["result"]) if failed else None  # a loop's items carry their own msg
        if not failed or fragment not in message or "MODULE FAILURE" in message:
            problems.append((name, message))
    assert problems == [], process.stdout[-3000:]
    assert "Sh0rt!" not in json.dumps(recorded) + process.stdout + process.stderr
    assert sim.writes() == []


def test_matrix_size(sim):
    """The issue asks for at least 60 invalid inputs across the modules, the inventory and the role."""
    assert len(MODULE_CASES) + len(INVENTORY_CASES) + len(role_cases(sim)) >= 60
