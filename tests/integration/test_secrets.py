# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets never show: every module on every platform, and the inventory, at -vvvv, with known secrets.

Known secret values: the credentials (InControl client secret, NCM API keys, TelecomX password and a
TelecomX token given as `token`, a Peplink router API client's secret, and wrong secrets given on
purpose), the passphrases the tasks set (applied and in check mode with --diff), the passphrases and
Wi-Fi passwords already in the simulator (read back by device_info with include_raw), and every
access token the run was issued (read from the run's token cache files and from the query strings
the simulator logged: TelecomX `?token=`, router `?accessToken=`).

The runs include failures and retries on requests that carry a token in their URL, so the messages
that quote a request (errors, retry warnings, the `url` of a failure) are exercised. The test fails if
any known secret appears anywhere in ansible-playbook's or ansible-inventory's stdout or stderr, in the
recorded task results (returned values, diffs, invocations), or in the inventory's output.
"""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess

import httpx
import pytest
import yaml

from tests.integration.conftest import BIN, credentials
from tests.integration.files.inprocess import ncm_router, peplink_named

pytestmark = pytest.mark.integration

ACTION_PLUGINS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "files", "action_plugins")
PASSPHRASES = {
    "router": "Router-secret-PSK-41",
    "incontrol": "InControl-secret-PSK-42",
    "ncm": "Ncm-secret-PSK-43",
    "telecomx": "TelecomX-secret-PSK-44",
    "telecomx_device": "TxDevice-secret-PW-45",
    "check_router": "Check-router-PSK-46",
    "check_incontrol": "Check-incontrol-PSK-47",
    "check_ncm": "Check-ncm-PSK-48",
    "check_telecomx": "Check-telecomx-PSK-49",
}
WRONG = {"incontrol": "Wrong-client-secret-51", "telecomx_token": "wrong0token0value0000000000000052", "ncm": "Wrong-ncm-key-53"}
SEED_SECRET_KEYS = ("passphrase", "password", "psk", "key")
TOKEN_QUERY = re.compile(r"(?:^|&)(?:token|accessToken|access_token)=([^&]+)")


def seed_secrets(state):
    """Passphrases and Wi-Fi passwords already in the simulated world."""
    found = set()

    def walk(value, key=""):
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, name)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str) and key != "model_list_key" and any(word in key.lower() for word in SEED_SECRET_KEYS):
            if len(value) >= 6:
                found.add(value)

    walk(state)
    return found


def router_api_client(sim, serial):
    """An API client of one router (client_id, client_secret), made through its admin login."""
    base = sim.platform_url("peplink_router", serial) + "/api/"
    with httpx.Client(timeout=30) as http:
        login = http.post(base + "login", json={"username": "admin", "password": "admin"})
        cookie = {"Cookie": "bauth=%s" % login.cookies["bauth"]}
        made = http.post(base + "auth.client", json={"action": "add", "name": "secrets-test", "scope": "api"}, headers=cookie)
        http.post(base + "logout", json={}, headers=cookie)
    made = made.json()["response"]
    return made["clientId"], made["clientSecret"]


def telecomx_token(sim):
    with httpx.Client(timeout=30) as http:
        reply = http.post(sim.url + "/auth/login", json={"username": "manager@example.com", "password": "sim-password"})
    return reply.json()["token"]


def cached_tokens(directory):
    tokens = set()
    for path in glob.glob(os.path.join(directory, "*.json")):
        with open(path) as handle:
            try:
                entry = json.load(handle)
            except ValueError:
                continue
        for key in ("token", "refresh_token", "access_token"):
            # (the InControl organization id is cached under `token` too: not a secret, and short)
            if isinstance(entry, dict) and isinstance(entry.get(key), str) and len(entry[key]) >= 16:
                tokens.add(entry[key])
    return tokens


def logged_tokens(sim):
    tokens = set()
    for entry in sim.requests():
        tokens.update(TOKEN_QUERY.findall(entry.get("query") or ""))
    return tokens


def leaks(secrets, **texts):
    return sorted((secret, where) for secret in secrets for where, text in texts.items() if secret in text)


def module_tasks(sim, router_serial, client, given_token):
    """Every module on every platform it supports, changing something; then failures and check-mode diffs."""
    conn = credentials(sim, router_serial)
    router = {"url": conn["peplink_router"]["url"], "client_id": client[0], "client_secret": client[1]}
    device = ncm_router(sim.state())
    tasks = []

    def add(title, module, platform, ignore_errors=False, check_mode=False, **args):
        task = {"name": title, "wanfleet.routers." + module: dict(args, platform=platform)}
        if ignore_errors:
            task["ignore_errors"] = True
        if check_mode:
            task["check_mode"] = True
        tasks.append(task)

    def arm(title, **rule):
        tasks.append({"name": "arm " + title, "sim_control": {"url": sim.url, "faults": [rule]}})

    # peplink_router, as an API client (its access token travels as ?accessToken=)
    arm("router retry", method="GET", path=r"/api/status\.wan\.connection$", status=503)
    add("router device_info", "device_info", "peplink_router", peplink_router=router, include_raw=True)
    add("router ssid", "ssid_profile", "peplink_router", peplink_router=router, id="2", name="Guest SSID", passphrase=PASSPHRASES["router"], vlan_id=30)
    add(
        "router ssid check",
        "ssid_profile",
        "peplink_router",
        check_mode=True,
        peplink_router=router,
        id="1",
        name="Main SSID",
        passphrase=PASSPHRASES["check_router"],
    )
    add("router wan", "wan_priority", "peplink_router", peplink_router=router, connections=[{"id": "1", "priority": 2}, {"id": "2", "priority": 1}])
    arm("router failure", method="POST", path=r"/api/config\.wan\.connection\.priority$", status=500)
    add(
        "router wan fails",
        "wan_priority",
        "peplink_router",
        ignore_errors=True,
        peplink_router=router,
        connections=[{"id": "1", "priority": 1}, {"id": "2", "priority": 2}],
    )
    # incontrol
    arm("incontrol retry", method="GET", path=r"^/rest/o/[^/]+/g$", status=429, retry_after=1)
    add("incontrol device_info", "device_info", "incontrol", include_raw=True)
    add("incontrol ssid", "ssid_profile", "incontrol", group="Branches", name="Branch WiFi", passphrase=PASSPHRASES["incontrol"])
    add("incontrol ssid check", "ssid_profile", "incontrol", check_mode=True, group="Branches", name="Branch WiFi", passphrase=PASSPHRASES["check_incontrol"])
    add("incontrol wan", "wan_priority", "incontrol", device="router-002", connections=[{"id": "1", "priority": 2}, {"id": "2", "priority": 1}])
    add("incontrol group", "group", "incontrol", name="Warehouse", timezone="Europe/Copenhagen", devices=["router-003"])
    add(
        "incontrol wrong secret",
        "device_info",
        "incontrol",
        ignore_errors=True,
        incontrol=dict(conn["incontrol"], client_secret=WRONG["incontrol"]),
        token_cache=False,
    )
    # ncm
    add("ncm device_info", "device_info", "ncm", include_raw=True)
    add(
        "ncm ssid",
        "ssid_profile",
        "ncm",
        device=device,
        name="Guest",
        band="2.4",
        security="wpa2_personal",
        passphrase=PASSPHRASES["ncm"],
        update_passphrase="on_create",
    )
    add("ncm ssid check", "ssid_profile", "ncm", check_mode=True, group="Retail IBR900", id="0.0", name="Retail-Corp", passphrase=PASSPHRASES["check_ncm"])
    add("ncm wan", "wan_priority", "ncm", device=device, connections=[{"name": "LTE", "priority": 2}, {"id": "0", "priority": 1}])
    add("ncm group", "group", "ncm", name="Stores", product="IBR900", target_firmware="7.24.10", devices=[device])
    add(
        "ncm alert rule",
        "alert_rule",
        "ncm",
        alert_types=["failover_event"],
        groups=["Depots AER2200"],
        email_recipients=["Grace.Hopper@example.com"],
        http_destinations=["noc-webhook"],
        schedule="hourly",
    )
    arm("ncm failure", method="PATCH", path=r"^/api/v2/configuration_managers/\d+/$", status=503, count=10)
    add(
        "ncm ssid fails",
        "ssid_profile",
        "ncm",
        ignore_errors=True,
        max_retries=1,
        device=device,
        name="Guest",
        band="2.4",
        security="wpa2_personal",
        passphrase=PASSPHRASES["ncm"] + "-x",
    )
    add("ncm wrong key", "device_info", "ncm", ignore_errors=True, ncm=dict(conn["ncm"], cp_api_key=WRONG["ncm"]))
    # telecomx (its token travels as ?token=)
    arm("telecomx retry", method="GET", path=r"^/network/device/model$", status=502)
    add("telecomx device_info", "device_info", "telecomx", include_raw=True)
    add(
        "telecomx ssid", "ssid_profile", "telecomx", device="tx-site-0001", band="5", name="Guest", security="wpa2_personal", passphrase=PASSPHRASES["telecomx"]
    )
    add(
        "telecomx ssid check",
        "ssid_profile",
        "telecomx",
        check_mode=True,
        device="tx-site-0002",
        band="2.4",
        name="Home",
        passphrase=PASSPHRASES["check_telecomx"],
    )
    add(
        "telecomx device",
        "telecomx_device",
        "telecomx",
        mac_address="00:11:22:33:44:55",
        name="Aarhus office",
        model="XVS-200",
        wifi={"enabled": True, "ssid": "Office", "password": PASSPHRASES["telecomx_device"]},
        dhcp={"reserved_clients": [{"mac": "00:11:22:33:44:66", "ip": "192.168.1.20"}]},
    )
    add("telecomx given token", "device_info", "telecomx", telecomx={"url": sim.url, "token": given_token})
    arm("telecomx failure", method="GET", path=r"^/network/device$", status=500)
    add("telecomx given token fails", "device_info", "telecomx", ignore_errors=True, telecomx={"url": sim.url, "token": given_token})
    add("telecomx wrong token", "device_info", "telecomx", ignore_errors=True, telecomx={"url": sim.url, "token": WRONG["telecomx_token"]})
    # reboots last (the routers go down for a moment)
    add("router reboot", "reboot", "peplink_router", peplink_router=router)
    add("incontrol reboot", "reboot", "incontrol", device="router-002")
    add("ncm reboot", "reboot", "ncm", device=device)
    return tasks


def test_no_secret_shows_at_vvvv(sim, run_playbook, ansible_env, tmp_path):
    state = sim.state()
    serial = peplink_named(state, "router-001")
    client = router_api_client(sim, serial)
    given_token = telecomx_token(sim)
    known = {"sim-secret", "sim-cp-key", "sim-ecm-key", "sim-password", client[1], given_token}
    known |= set(PASSPHRASES.values()) | set(WRONG.values()) | {PASSPHRASES["ncm"] + "-x"} | seed_secrets(state)
    cache = tmp_path / "token-cache"
    env = {"ANSIBLE_ACTION_PLUGINS": ACTION_PLUGINS, "WANFLEET_CACHE_DIR": str(cache)}

    run = run_playbook(module_tasks(sim, serial, client, given_token), defaults=credentials(sim, serial), diff=True, extra_args=["-vvvv"], env=env)
    statuses = dict((entry["task"], entry["status"]) for entry in run.results)
    assert run.rc == 0, run.stdout[-4000:]
    failing = [name for name in statuses if name.endswith(("fails", "wrong secret", "wrong key", "wrong token"))]
    assert failing and all(statuses[name] == "failed" for name in failing), statuses
    assert all(status == "ok" for name, status in statuses.items() if name not in failing), statuses
    assert "were retried" in run.stdout + run.stderr and "********" in run.stdout  # retries were reported, diffs masked

    # The inventory, every source in detail, with a retried page, at -vvvv.
    sim.fault(method="GET", path=r"^/network/device$", status=503)
    sim.fault(method="GET", path=r"^/rest/o/[^/]+/d$", status=429, retry_after=0)
    conn = credentials(sim, serial)
    config = {
        "plugin": "wanfleet.routers.fleet",
        "detail": True,
        "sources": [{"platform": name, name: conn[name]} for name in ("incontrol", "ncm", "telecomx")],
    }
    path = tmp_path / "secrets.wanfleet.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    inventory = subprocess.run(
        [os.path.join(BIN, "ansible-inventory"), "-i", str(path), "--list", "-vvvv"],
        env=dict(ansible_env, WANFLEET_CACHE_DIR=str(cache), ANSIBLE_VERBOSE_TO_STDERR="True"),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(tmp_path),
        check=False,
    )
    assert inventory.returncode == 0, inventory.stderr[-3000:]
    assert json.loads(inventory.stdout)["_meta"]["hostvars"]

    tokens = cached_tokens(str(cache)) | logged_tokens(sim)
    assert len(logged_tokens(sim)) >= 2 and len(cached_tokens(str(cache))) >= 3, "the run's tokens were not found"
    secrets = known | tokens
    found = leaks(
        secrets,
        playbook_stdout=run.stdout,
        playbook_stderr=run.stderr,
        results=json.dumps(run.results),
        inventory_stdout=inventory.stdout,
        inventory_stderr=inventory.stderr,
    )
    assert found == [], found
