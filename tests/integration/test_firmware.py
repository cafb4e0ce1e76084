"""wanfleet.routers.firmware end to end: real ansible-playbook runs against the simulator.

Seed: every Peplink router holds two images, 8.1.3 build 5158 (slot 1, bootable) and 8.2.1 build 5330 (slot 2,
running). NCM groups target their product's newest firmware, 7.24.10; "Retail IBR900" has one online router.
"""

from __future__ import annotations

import pytest

from tests.integration.conftest import credentials, first_router_serial

pytestmark = pytest.mark.integration


def task(title, platform, ignore_errors=False, check=None, **args):
    entry = {"name": title, "wanfleet.routers.firmware": dict(platform=platform, **args)}
    if ignore_errors:
        entry["ignore_errors"] = True
    if check is not None:
        entry["check_mode"] = check
    return entry


def reboots(sim, since=0):
    return [entry for entry in sim.writes(since) if entry["path"].endswith("cmd.system.reboot")]


def test_peplink_router_boots_the_installed_image_once(sim, run_playbook):
    serial = first_router_serial(sim)
    wanted = task("boot 8.1.3", "peplink_router", version="8.1.3", wait=True, wait_timeout=60, wait_sleep=1)
    run = run_playbook([dict(wanted, name="predict", check_mode=True), wanted, dict(wanted, name="again")], defaults=credentials(sim))
    assert run.rc == 0, run.stdout
    assert run.task("predict")["changed"] is True
    assert run.task("predict")["firmware"][0]["action"] == "reboot"
    result = run.task("boot 8.1.3")
    assert result["changed"] is True and result["not_upgraded"] == []
    assert result["firmware"][0]["before"] == "8.2.1 build 5330" and result["firmware"][0]["after"] == "8.1.3 build 5158"
    assert run.task("again")["changed"] is False and run.task("again")["firmware"][0]["action"] == "none"
    assert sim.state()["peplink"]["routers"][serial]["firmware"] == "8.1.3 build 5158"
    sent = reboots(sim)
    assert len(sent) == 1, "one reboot, never re-sent: %s" % sent


def test_peplink_router_version_not_installed_lists_the_installed(sim, run_playbook):
    run = run_playbook([task("upgrade", "peplink_router", version="9.0.0", ignore_errors=True)], defaults=credentials(sim))
    message = run.failed_task("upgrade")["msg"]
    assert "not installed" in message and "8.1.3 build 5158" in message and "8.2.1 build 5330" in message
    assert sim.writes() == []


def group_routers(sim, name):
    state = sim.state()["ncm"]
    group = [item for item in state["groups"] if item["name"] == name][0]
    return group, [item for item in state["routers"] if item["group"] == group["id"]]


def test_ncm_group_target_firmware_check_apply_wait_again(sim, run_playbook):
    group_before, routers = group_routers(sim, "Retail IBR900")
    wanted = task("downgrade", "ncm", group="Retail IBR900", version="7.23.40", wait=True, wait_timeout=120, wait_sleep=1)
    run = run_playbook([dict(wanted, name="predict", check_mode=True)], defaults=credentials(sim))
    assert run.rc == 0, run.stdout
    assert run.task("predict")["changed"] is True
    assert set(item["action"] for item in run.task("predict")["firmware"]) == {"upgrade"}
    assert sim.writes() == []

    run = run_playbook([wanted, dict(wanted, name="again")], defaults=credentials(sim))
    assert run.rc == 0, run.stdout
    result = run.task("downgrade")
    assert result["changed"] is True and result["not_upgraded"] == []
    assert [item["after"] for item in result["firmware"]] == ["7.23.40"] * len(routers)
    again = run.task("again")
    assert again["changed"] is False and set(item["action"] for item in again["firmware"]) == {"none"}
    group_after, routers_after = group_routers(sim, "Retail IBR900")
    assert group_after["target_firmware"] != group_before["target_firmware"]
    assert set(item["actual_firmware"] for item in routers_after if item["state"] == "online") == {group_after["target_firmware"]}
    patches = [entry for entry in sim.writes() if entry["method"] == "PATCH"]
    assert [entry["path"] for entry in patches] == ["/api/v2/groups/%s/" % group_after["id"]]


def test_ncm_device_that_differs_names_its_group(sim, run_playbook):
    _group, routers = group_routers(sim, "Retail IBR900")
    run = run_playbook([task("one", "ncm", device=routers[0]["name"], version="7.23.40", ignore_errors=True)], defaults=credentials(sim))
    assert "set it on group Retail IBR900" in run.failed_task("one")["msg"]
    assert sim.writes() == []


def test_ncm_version_unknown_for_the_product(sim, run_playbook):
    run = run_playbook([task("bad", "ncm", group="Retail IBR900", version="6.0.0", ignore_errors=True)], defaults=credentials(sim))
    message = run.failed_task("bad")["msg"]
    assert "not available for product IBR900" in message and "7.24.10" in message
    assert sim.writes() == []


def test_ncm_wait_reports_the_routers_that_did_not_upgrade(sim, run_playbook):
    """An offline router of the group never takes the new firmware: it is named, the task fails."""
    state = sim.state()["ncm"]
    offline = [item for item in state["routers"] if item["state"] != "online" and item["group"] is not None][0]
    group = [item for item in state["groups"] if item["id"] == offline["group"]][0]
    wait = task("wait", "ncm", group=group["name"], version="7.23.40", wait=True, wait_timeout=3, wait_sleep=1, ignore_errors=True)
    run = run_playbook([wait], defaults=credentials(sim))
    result = run.failed_task("wait")
    assert offline["name"] in result["not_upgraded"] and offline["name"] in result["msg"]


def test_incontrol_reports_and_refuses_a_change(sim, run_playbook):
    run = run_playbook(
        [task("same", "incontrol", group="Branches", version="8.2.1"), task("other", "incontrol", group="Branches", version="8.1.3", ignore_errors=True)],
        defaults=credentials(sim),
    )
    same = run.task("same")
    assert same["changed"] is False and set(item["action"] for item in same["firmware"]) == {"none"}
    assert [item["before"] for item in same["firmware"]] == ["8.2.1 build 5330"] * 2
    other = run.failed_task("other")
    assert "fw_pending_ver" in other["msg"] and other["firmware"][0]["action"] == "unsupported"
    assert sim.writes() == []


@pytest.mark.parametrize(
    "platform, args, message",
    [
        ("ncm", {"version": "7.24.10"}, "give group"),
        ("incontrol", {"version": " "}, "version must not be empty"),
        ("peplink_router", {"version": "8.1.3", "wait_timeout": 0}, "must be positive"),
        ("telecomx", {"version": "1"}, "does not support platform telecomx"),
    ],
)
def test_bad_input_is_refused_before_any_request(sim, run_playbook, platform, args, message):
    sim.clear_requests()
    run = run_playbook([task("bad", platform, ignore_errors=True, **args)], defaults=credentials(sim))
    assert message in run.failed_task("bad")["msg"]
    assert sim.requests() == []
