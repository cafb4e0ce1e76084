"""Ansible conventions the real services taught us (issue 14), end to end through ansible-playbook.

- A module that speaks one platform (telecomx_device, alert_rule) needs no `platform`, and refuses
  another one clearly.
- Check mode across a play: an object a previous task would create is a predicted change with a
  warning, not a failure; outside check mode the same task still fails.
"""

from __future__ import annotations

import pytest

from tests.integration.conftest import credentials
from tests.simulator.process import Simulator

pytestmark = pytest.mark.integration


def task(title, module, ignore_errors=False, **args):
    entry = {"name": title, "wanfleet.routers." + module: args}
    if ignore_errors:
        entry["ignore_errors"] = True
    return entry


def status(run, name):
    return [entry["status"] for entry in run.results if entry["task"] == name][-1]


def test_single_platform_modules_default_their_platform(sim, run_playbook):
    run = run_playbook(
        [
            task("tx", "telecomx_device", mac_address="00:11:22:33:44:99", name="Default platform", model="XVS-200"),
            task("rule", "alert_rule", alert_types=["connection_state"], groups=["Retail IBR900"], schedule="none"),
            task("tx elsewhere", "telecomx_device", ignore_errors=True, platform="ncm", mac_address="00:11:22:33:44:98"),
            task("rule elsewhere", "alert_rule", ignore_errors=True, platform="incontrol", alert_types=["connection_state"]),
        ],
        defaults=credentials(sim),
        check=True,
        env={"WANFLEET_PLATFORM": "incontrol"},
    )
    tx, rule = run.task("tx"), run.task("rule")
    assert status(run, "tx") == "ok" and tx["changed"] is True, tx
    assert tx["invocation"]["module_args"]["platform"] == "telecomx"
    assert status(run, "rule") == "ok" and rule["invocation"]["module_args"]["platform"] == "ncm", rule
    assert "wanfleet.routers.telecomx_device does not support platform ncm; it supports: telecomx" in run.task("tx elsewhere")["msg"]
    assert "wanfleet.routers.alert_rule does not support platform incontrol; it supports: ncm" in run.task("rule elsewhere")["msg"]
    assert sim.writes() == []


# ---- InControl 2: answers of the real service ----------------------------------------------------


@pytest.fixture(scope="module")
def variant():
    """A simulator answering the other way where the evidence is split: SSID profiles as an object
    holding `ssid_profiles`, and router-002 (device 10002) with its WAN settings managed by InControl."""
    settings = {"reboot_seconds": 2, "incontrol_ssid_profiles_shape": "object", "incontrol_icmg_wan_devices": "10002"}
    with Simulator(seed="default", settings=settings) as sim:
        yield sim


def ic(title, module, ignore_errors=False, **args):
    return task(title, module, ignore_errors=ignore_errors, platform="incontrol", **args)


def test_incontrol_ssid_profiles_as_an_object_and_wan_owned_by_incontrol(variant, run_playbook):
    change = dict(group="Branches", name="Branch WiFi", vlan_id=20)
    swap = dict(device="router-002", connections=[{"name": "Cellular", "priority": 1}])
    run = run_playbook(
        [
            ic("change", "ssid_profile", **change),
            ic("again", "ssid_profile", **change),
            ic("owned", "wan_priority", ignore_errors=True, **swap),
            ic("not owned", "wan_priority", device="router-003", connections=[{"name": "WAN 2", "priority": 1}]),
        ],
        defaults=credentials(variant),
    )
    assert run.task("change")["changed"] is True and run.task("change")["profile"]["id"] == "602", run.stdout
    assert run.task("again")["changed"] is False
    owned = run.task("owned")
    assert status(run, "owned") == "failed" and "has icmg_wan: true" in owned["msg"] and "Nothing was changed" in owned["msg"], owned
    assert status(run, "not owned") == "ok", run.task("not owned")["msg"]
    writes = [(entry["method"], entry["path"]) for entry in variant.writes()]
    assert ("PUT", "/rest/o/oSIM01/g/102/ssid_profiles/602") in writes
    assert not any("/d/10002/" in path for method, path in writes)


def test_incontrol_pending_write_is_a_change_with_a_warning_and_a_pending_read_is_asked_again(sim, run_playbook):
    pending = {"resp_code": "PENDING", "caller_ref": 1, "server_ref": 2, "message": "queued"}
    sim.fault(method="POST", path="/tools/reboot$", status=200, body=pending, count=1)
    sim.fault(method="GET", path="/rest/o/oSIM01/d$", status=200, body=pending, count=1)
    run = run_playbook([ic("reboot", "reboot", device="router-002"), ic("info", "device_info", device="router-001")], defaults=credentials(sim))
    reboot, info = run.task("reboot"), run.task("info")
    assert reboot["changed"] is True and status(run, "reboot") == "ok", reboot
    assert any("accepted and queued" in warning for warning in reboot["warnings"])
    assert status(run, "info") == "ok" and info["devices"][0]["name"] == "router-001", info
    assert any("PENDING" in warning for warning in info["warnings"])

    sim.fault(method="GET", path="/rest/o/oSIM01/d$", status=200, body=pending, count=5)
    run = run_playbook([ic("info", "device_info", ignore_errors=True, device="router-001")], defaults=credentials(sim))
    assert status(run, "info") == "failed" and "still PENDING after 3 attempts" in run.task("info")["msg"]


# ---- NetCloud Manager ------------------------------------------------------------------------------


def ncm_router(sim, product):
    return next(item for item in sim.state()["ncm"]["routers"] if item["product"] == product)


def test_ncm_device_info_shows_the_wan_rules_wan_priority_compares(sim, run_playbook):
    ibr = ncm_router(sim, "IBR900")
    run = run_playbook(
        [
            task("info", "device_info", platform="ncm", device=ibr["name"]),
            task(
                "wan", "wan_priority", platform="ncm", device=ibr["name"], connections=[{"name": "LTE", "enabled": True}, {"name": "Ethernet", "enabled": True}]
            ),
        ],
        defaults=credentials(sim),
    )
    (device,) = run.task("info")["devices"]
    rules = dict((rule["name"], (rule["priority"], rule["enabled"])) for rule in device["wan_rules"])
    assert rules["Ethernet"] == (0, True) and rules["LTE"] == (1.1, True), device["wan_rules"]
    # what device_info shows is what wan_priority compares: no change
    assert status(run, "wan") == "ok" and run.task("wan")["changed"] is False, run.task("wan")["msg"]


def test_ncm_firmware_defaults_refused_are_a_warning_not_a_failure(sim, run_playbook):
    ibr = ncm_router(sim, "IBR900")
    # by rule id: a rule's name (trigger_name) is in the firmware's defaults, which this test refuses
    wan = task("wan", "wan_priority", platform="ncm", device=ibr["name"], connections=[{"id": "00000002-a81d-3590-93ca-8b1fcfeb8e14", "priority": 2}])
    assert run_playbook([wan], defaults=credentials(sim)).task("wan")["changed"] is True  # now in the router's own diff
    writes = len(sim.writes())
    sim.fault(
        method="GET", path="/default_configuration/$", status=403, count=10, body={"success": False, "data": {"exception": "forbidden", "message": "Forbidden"}}
    )
    run = run_playbook([wan], defaults=credentials(sim))
    result = run.task("wan")
    assert status(run, "wan") == "ok" and result["changed"] is False, result
    assert any("factory defaults of firmware" in warning and "HTTP 403" in warning for warning in result["warnings"])
    assert len(sim.writes()) == writes


# ---- check mode across a play ------------------------------------------------------------------------


def test_check_mode_predicts_acting_on_a_group_an_earlier_task_creates(sim, run_playbook):
    tasks = [
        ic("create", "group", name="Pop-up"),
        ic("ssid", "ssid_profile", ignore_errors=True, group="Pop-up", name="Pop-up WiFi", security="wpa2_personal", passphrase="Pop-up-passphrase-1"),
        ic("reboot", "reboot", ignore_errors=True, group="Pop-up"),
        ic("info", "device_info", ignore_errors=True, group="Pop-up"),
        task(
            "ncm ssid",
            "ssid_profile",
            ignore_errors=True,
            platform="ncm",
            group="Pop-up NCM",
            name="Pop-up WiFi",
            security="wpa2_personal",
            passphrase="Pop-up-passphrase-1",
        ),
    ]
    check = run_playbook(tasks, defaults=credentials(sim), check=True)
    for name in ("create", "ssid", "reboot", "ncm ssid"):
        assert status(check, name) == "ok" and check.task(name)["changed"] is True, (name, check.task(name))
    for name in ("ssid", "reboot", "ncm ssid"):
        assert any("would act on group Pop-up" in warning and "does not exist yet" in warning for warning in check.task(name)["warnings"]), check.task(name)
    assert status(check, "info") == "ok" and check.task("info")["devices"] == []
    assert sim.writes() == []

    # outside check mode a group that does not exist still fails
    run = run_playbook(
        [
            ic("ssid", "ssid_profile", ignore_errors=True, group="Nowhere", name="x", security="open"),
            task("ncm ssid", "ssid_profile", ignore_errors=True, platform="ncm", group="Nowhere", name="x", security="open"),
        ],
        defaults=credentials(sim),
    )
    assert status(run, "ssid") == "failed" and "group 'Nowhere' not found" in run.task("ssid")["msg"]
    assert status(run, "ncm ssid") == "failed" and "no group matches 'Nowhere'" in run.task("ncm ssid")["msg"]


def test_incontrol_group_ssid_profile_warns_about_devices_that_do_not_follow_the_group(sim, run_playbook):
    # HQ holds router-001, whose wifi_cfg is not_managed (its SSIDs are set on the router itself)
    profile = dict(group="HQ", name="HQ WiFi", security="wpa2_personal", passphrase="HQ-passphrase-123")
    run = run_playbook([ic("create", "ssid_profile", **profile), ic("again", "ssid_profile", **profile)], defaults=credentials(sim))
    create, again = run.task("create"), run.task("again")
    assert create["changed"] is True and any("do not reach router-001 (wifi_cfg not_managed)" in warning for warning in create["warnings"]), create
    assert again["changed"] is False and not any("wifi_cfg" in warning for warning in again.get("warnings", []))
