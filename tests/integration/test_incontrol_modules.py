"""Every module on platform incontrol, through real ansible-playbook runs against the simulator.

The seed (tests/simulator/incontrol.py, "default"): organization sim-org with groups HQ (101:
router-001, Wi-Fi not managed by InControl), Branches (102: router-002 with Wi-Fi, router-003
without; SSID profile 602 "Branch WiFi") and Staging (103, empty). The routers are the Peplink
routers of the simulator (same serials), so a change made through InControl shows through the
router API as well.

Each playbook run costs a second or two, so related checks share a run.
"""

from __future__ import annotations

import httpx
import pytest

from tests.integration.conftest import credentials

pytestmark = pytest.mark.integration

BRANCH_PASSPHRASE = "sim-102-passphrase"  # the seed's passphrase of profile 602
NEW_PASSPHRASE = "Corr3ct-Horse-Battery"


@pytest.fixture
def play(sim, run_playbook):
    """run_playbook with the simulator's credentials as module_defaults (group/wanfleet.routers.all)."""
    return lambda tasks, **kwargs: run_playbook(tasks, defaults=credentials(sim), **kwargs)


def task(title, module, ignore_errors=False, **args):
    """A task of wanfleet.routers.<module> on platform incontrol."""
    entry = {"name": title, "wanfleet.routers." + module: dict(args, platform="incontrol")}
    if ignore_errors:
        entry["ignore_errors"] = True
    return entry


def failing(title, module, **args):
    """A task expected to fail; the play goes on, so one run can hold several checks."""
    return task(title, module, ignore_errors=True, **args)


def status(run, name):
    return [entry["status"] for entry in run.results if entry["task"] == name][-1]


def ok(run, name):
    result = run.task(name)
    assert status(run, name) == "ok", result
    return result


def failed_with(run, name, *words):
    result = run.task(name)
    assert status(run, name) == "failed", result
    for word in words:
        assert word in result["msg"], (word, result["msg"])
    return result


def ic_state(sim):
    return sim.state()["incontrol"]


def serial_of(sim, device_id):
    return next(serial for serial, item in ic_state(sim)["devices"].items() if item["id"] == device_id)


def group_named(sim, name):
    return next((group for group in ic_state(sim)["groups"] if group["name"] == name), None)


def counts(sim):
    """{"METHOD path": n} of the requests logged since the last clear."""
    out = {}
    for entry in sim.requests():
        key = "%s %s" % (entry["method"], entry["path"])
        out[key] = out.get(key, 0) + 1
    return out


def router_api(sim, serial, name, params=None):
    """GET /api/<name> of one router through its own local API (login, call, logout)."""
    base = "%s/peplink/%s/api/" % (sim.url, serial)
    with httpx.Client(timeout=10) as client:
        login = client.post(base + "login", json={"username": "admin", "password": "admin"})
        assert login.json()["stat"] == "ok"
        cookie = {"Cookie": "bauth=" + login.cookies["bauth"]}
        reply = client.get(base + name, params=params, headers=cookie).json()
        client.post(base + "logout", json={}, headers=cookie)
    assert reply["stat"] == "ok", reply
    return reply["response"]


# ---- device_info ------------------------------------------------------------------------------


def test_device_info_reads_the_organization_one_device_and_a_group(sim, play):
    serial = serial_of(sim, 10002)
    run = play(
        [
            task("all", "device_info"),
            task("by serial", "device_info", device=serial.lower(), include_raw=True),
            task("by name in group", "device_info", group="Branches", device="router-003"),
            task("group", "device_info", group="Branches"),
            task("filtered", "device_info", filters={"model": "balance*"}),
        ]
    )
    assert run.rc == 0, run.stdout
    devices = ok(run, "all")["devices"]
    assert [device["name"] for device in devices] == ["router-001", "router-002", "router-003"]
    second = devices[1]
    assert second["serial"] == serial and second["group"] == "Branches" and second["group_id"] == "102"
    assert second["status"] == "online" and second["model"] == "MAX BR1 Pro 5G"
    assert [(wan["id"], wan["name"], wan["type"], wan["priority"], wan["enabled"]) for wan in second["wan"]] == [
        ("1", "WAN", "ethernet", 1, True),
        ("2", "Cellular", "cellular", 2, True),
    ]
    assert second["ssids"] == [{"id": "602", "name": "Branch WiFi", "enabled": True}]
    assert "raw" not in second
    one = ok(run, "by serial")["devices"]
    assert len(one) == 1 and one[0]["id"] == "10002"
    assert one[0]["raw"]["ssid_profiles_applied"][0]["wpa_passphrase"] == "********"
    assert BRANCH_PASSPHRASE not in run.stdout
    assert [device["id"] for device in ok(run, "by name in group")["devices"]] == ["10003"]
    assert [device["id"] for device in ok(run, "group")["devices"]] == ["10002", "10003"]
    assert [device["model"] for device in ok(run, "filtered")["devices"]] == ["Balance 20X", "Balance 380"]
    assert sim.writes() == []

    # The next run reuses the token and the organization of this one: no login, no GET /rest/o,
    # one request per task.
    sim.clear_requests()
    run = play([task("again", "device_info"), task("again group", "device_info", group="Branches")])
    assert run.rc == 0, run.stdout
    assert counts(sim) == {"GET /rest/o/oSIM01/d": 1, "GET /rest/o/oSIM01/g": 1, "GET /rest/o/oSIM01/g/102/d": 1}


def test_device_info_bad_input(sim, play):
    run = play(
        [
            failing("unknown filter", "device_info", filters={"colour": "red"}),
            failing("filter disagrees with group", "device_info", group="HQ", filters={"group": "Branches"}),
        ]
    )
    failed_with(run, "unknown filter", "unknown device filter(s) colour")
    failed_with(run, "filter disagrees with group", "disagree")
    assert sim.requests() == []
    run = play([failing("unknown device", "device_info", device="no-such-router"), failing("unknown group", "device_info", group="Nowhere")])
    failed_with(run, "unknown device", "no device with id, serial, MAC or name 'no-such-router'")
    failed_with(run, "unknown group", "group 'Nowhere' not found; known: HQ (id 101), Branches (id 102), Staging (id 103)")
    assert sim.writes() == []


# ---- reboot -----------------------------------------------------------------------------------


def test_reboot_check_mode_then_a_group_and_wait(sim, play):
    before = dict((serial, item["uptime"]) for serial, item in sim.state()["peplink"]["routers"].items())
    run = play([task("reboot branches", "reboot", group="Branches")], check=True)
    result = ok(run, "reboot branches")
    assert result["changed"] is True  # check mode predicts the reboot
    assert [device["name"] for device in result["rebooted"]] == ["router-002", "router-003"]
    assert sim.writes() == []

    run = play([task("reboot branches", "reboot", group="Branches", wait=True, wait_sleep=1, wait_timeout=60)])
    result = ok(run, "reboot branches")
    assert result["changed"] is True and result["offline"] == []
    assert [device["id"] for device in result["rebooted"]] == ["10002", "10003"]
    assert 1 <= result["elapsed"] < 60
    log = counts(sim)
    assert log["POST /rest/o/oSIM01/g/102/d/10002/tools/reboot"] == 1
    assert log["POST /rest/o/oSIM01/g/102/d/10003/tools/reboot"] == 1
    assert len(sim.writes()) == 2
    routers = sim.state()["peplink"]["routers"]
    for device_id in (10002, 10003):
        serial = serial_of(sim, device_id)
        assert routers[serial]["online"] and routers[serial]["uptime"] < before[serial]
        assert routers[serial]["uptime"] < 60
    assert routers[serial_of(sim, 10001)]["uptime"] >= before[serial_of(sim, 10001)]  # HQ untouched


def test_reboot_is_never_resent_and_bad_input_sends_nothing(sim, play):
    run = play(
        [
            failing("nothing selected", "reboot"),
            failing("zero timeout", "reboot", device="router-001", wait=True, wait_timeout=0),
            failing("negative sleep", "reboot", device="router-001", wait_sleep=-1),
        ]
    )
    failed_with(run, "nothing selected", "give device or group")
    failed_with(run, "zero timeout", "wait_timeout and wait_sleep must be positive")
    failed_with(run, "negative sleep", "wait_timeout and wait_sleep must be positive")
    assert sim.requests() == []

    sim.fault(method="POST", path="/tools/reboot$", count=1, status=503)
    run = play([failing("refused", "reboot", device="router-001"), failing("unknown", "reboot", device="router-999")])
    failed_with(run, "refused", "HTTP 503", "reboots sent before it: none")
    failed_with(run, "unknown", "no device with id, serial, MAC or name 'router-999'")
    assert counts(sim)["POST /rest/o/oSIM01/g/101/d/10001/tools/reboot"] == 1  # not retried
    assert len(sim.writes()) == 1


# ---- group ------------------------------------------------------------------------------------


def test_group_create_check_apply_idempotent_rename_and_delete(sim, play):
    create = dict(name="Warehouse", timezone="Europe/Copenhagen", country="dk", devices=["router-003"])
    run = play([task("create", "group", **create)], check=True, diff=True)
    result = ok(run, "create")
    assert result["changed"] is True
    assert result["group"] == {"name": "Warehouse", "timezone": "Europe/Copenhagen", "country": "DK", "devices": ["10003"]}
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"] == {"name": "Warehouse", "timezone": "Europe/Copenhagen", "country": "DK", "devices": ["10003"]}
    assert sim.writes() == [] and group_named(sim, "Warehouse") is None

    run = play([task("create", "group", **create)], diff=True)
    result = ok(run, "create")
    assert result["changed"] is True and result["group"]["id"]
    group = group_named(sim, "Warehouse")
    assert (group["timezone"], group["country"], group["devices"]) == ("Europe/Copenhagen", "DK", [10003])
    assert str(group["id"]) == result["group"]["id"]
    assert 10003 not in group_named(sim, "Branches")["devices"]  # moved, as IC2 devices are in one group
    assert [(w["method"], w["path"]) for w in sim.writes()] == [("POST", "/rest/o/oSIM01/g"), ("POST", "/rest/o/oSIM01/g/%s/add_devices" % group["id"])]

    sim.clear_requests()
    run = play([task("create", "group", **create)], diff=True)
    result = ok(run, "create")
    assert result["changed"] is False and result["diff"] == {"before": {}, "after": {}}
    assert sim.writes() == []
    assert counts(sim) == {"GET /rest/o/oSIM01/g": 1, "GET /rest/o/oSIM01/d/basic": 1}  # what an unchanged run costs

    run = play(
        [
            task("rename", "group", name="Warehouse", new_name="Warehouse North", timezone="Europe/Berlin"),
            task("rename again", "group", name="Warehouse", new_name="Warehouse North", timezone="Europe/Berlin"),
            task("by id", "group", id=str(group["id"]), country="DE"),
        ],
        diff=True,
    )
    result = ok(run, "rename")
    assert result["changed"] is True and result["changed_keys"] == ["name", "timezone"]
    assert result["diff"] == {
        "before": {"name": "Warehouse", "timezone": "Europe/Copenhagen"},
        "after": {"name": "Warehouse North", "timezone": "Europe/Berlin"},
    }
    assert ok(run, "rename again")["changed"] is False
    assert ok(run, "by id")["group"]["country"] == "DE"
    renamed = group_named(sim, "Warehouse North")
    assert renamed["id"] == group["id"] and renamed["timezone"] == "Europe/Berlin" and renamed["country"] == "DE"
    assert group_named(sim, "Warehouse") is None

    # absent: IC2 refuses to delete a group that still has devices (the simulator's inferred rule)
    run = play([failing("delete with devices", "group", name="Warehouse North", state="absent")])
    failed_with(run, "delete with devices", "still has 1 device(s)")
    sim.clear_requests()
    run = play(
        [
            task("move back", "group", name="Branches", devices=["router-003"]),
            task("delete", "group", name="Warehouse North", state="absent"),
        ],
        check=True,
        diff=True,
    )
    assert ok(run, "move back")["changed"] is True
    assert ok(run, "delete")["changed"] is True and ok(run, "delete")["group"] is None
    assert sim.writes() == []
    sim.clear_requests()
    run = play(
        [
            task("move back", "group", name="Branches", devices=["router-003"]),
            task("delete", "group", name="Warehouse North", state="absent"),
            task("delete again", "group", name="Warehouse North", state="absent"),
        ],
        diff=True,
    )
    result = ok(run, "delete")
    assert result["changed"] is True and result["group"] is None
    assert result["diff"]["before"]["name"] == "Warehouse North" and result["diff"]["after"] == {}
    assert ok(run, "delete again")["changed"] is False
    assert group_named(sim, "Warehouse North") is None
    assert 10003 in group_named(sim, "Branches")["devices"]
    assert [(w["method"], w["path"]) for w in sim.writes()] == [("POST", "/rest/o/oSIM01/g/102/add_devices"), ("DELETE", "/rest/o/oSIM01/g/%s" % group["id"])]


def test_group_membership_and_purge(sim, play):
    run = play(
        [
            task("keep members", "group", name="Branches", devices=["router-002"]),
            failing("purge", "group", name="Branches", devices=["router-002"], purge_devices=True),
            task("purge nothing", "group", name="Branches", devices=["router-002", "router-003"], purge_devices=True),
        ]
    )
    result = ok(run, "keep members")
    assert result["changed"] is False and result["group"]["devices"] == ["10002", "10003"]  # ensure, not exact
    failed_with(run, "purge", "purge_devices would remove 1 device(s) from group 'Branches' (router-003 (id 10003))", "no call to take a device out of a group")
    assert ok(run, "purge nothing")["changed"] is False
    assert sim.writes() == []


def test_group_bad_input(sim, play):
    run = play(
        [
            failing("ncm option", "group", name="Stores", product="IBR900"),
            failing("timezone", "group", name="Stores", timezone="Mars/Olympus_Mons"),
            failing("country", "group", name="Stores", country="DNK"),
            failing("purge without devices", "group", name="Stores", purge_devices=True),
        ]
    )
    failed_with(run, "ncm option", "option product is NetCloud Manager only")
    failed_with(run, "timezone", "timezone 'Mars/Olympus_Mons' is not a known time zone")
    failed_with(run, "country", "country must be a two-letter country code")
    failed_with(run, "purge without devices", "purge_devices needs devices")
    assert sim.requests() == []

    run = play(
        [
            failing("unknown device", "group", name="Branches", devices=["router-002", "ghost-router"]),
            failing("unknown id", "group", id="4242", timezone="UTC"),
            failing("nothing to rename", "group", name="Nowhere", new_name="Somewhere"),
            failing("rename onto another", "group", name="Staging", new_name="HQ"),
        ]
    )
    failed_with(run, "unknown device", "no device with id, serial, MAC or name 'ghost-router'")
    failed_with(run, "unknown id", "no group with id 4242")
    failed_with(run, "nothing to rename", "nothing to rename")
    failed_with(run, "rename onto another", "a group of that name exists already (id 101)")
    assert sim.writes() == []


# ---- ssid_profile -----------------------------------------------------------------------------


def test_ssid_profile_update_shows_on_the_routers(sim, play):
    change = dict(group="Branches", name="Branch WiFi", vlan_id=20, passphrase=NEW_PASSPHRASE, broadcast=False)
    run = play([task("change", "ssid_profile", **change)], check=True, diff=True)
    result = ok(run, "change")
    assert result["changed"] is True and result["changed_keys"] == ["broadcast", "passphrase", "vlan_id"]
    assert result["profile"]["vlan_id"] == 20 and result["profile"]["passphrase"] == "********"
    assert result["diff"] == {
        "before": {"broadcast": True, "passphrase": "********", "vlan_id": 0},
        "after": {"broadcast": False, "passphrase": "********", "vlan_id": 20},
    }
    assert sim.writes() == []

    run = play([task("change", "ssid_profile", **change)], diff=True)
    result = ok(run, "change")
    assert result["changed"] is True and result["profile"]["id"] == "602"
    assert NEW_PASSPHRASE not in run.stdout and BRANCH_PASSPHRASE not in run.stdout
    assert [(w["method"], w["path"]) for w in sim.writes()] == [("PUT", "/rest/o/oSIM01/g/102/ssid_profiles/602")]
    profile = next(p for p in ic_state(sim)["ssid_profiles"] if p["id"] == 602)
    assert (profile["vlan_id"], profile["wpa_passphrase"], profile["broadcast"]) == (20, NEW_PASSPHRASE, False)
    # one world: the group's Wi-Fi router (router-002 follows group settings) got it through its own API
    on_router = router_api(sim, serial_of(sim, 10002), "config.ssid.profile")
    first = on_router[str(on_router["order"][0])]
    assert first["name"] == "Branch WiFi" and first["vlanId"] == 20 and first["broadcast"] is False
    assert first["security"]["wpa2Personal"]["key"] == NEW_PASSPHRASE and first["incontrolManaged"] is True

    sim.clear_requests()
    run = play(
        [
            task("change", "ssid_profile", **change),
            task("same passphrase, on_create", "ssid_profile", group="Branches", name="Branch WiFi", passphrase=NEW_PASSPHRASE, update_passphrase="on_create"),
        ],
        diff=True,
    )
    assert ok(run, "change")["changed"] is False and ok(run, "change")["diff"] == {"before": {}, "after": {}}
    assert ok(run, "same passphrase, on_create")["changed"] is False
    assert sim.writes() == []
    assert counts(sim) == {"GET /rest/o/oSIM01/g": 2, "GET /rest/o/oSIM01/g/102/ssid_profiles": 2}

    # the passphrase is read back and compared: a different one is a change, even with on_create
    run = play(
        [task("other passphrase", "ssid_profile", group="102", id="602", name="Branch WiFi", passphrase="another-passphrase", update_passphrase="on_create")]
    )
    assert ok(run, "other passphrase")["changed_keys"] == ["passphrase"]
    assert next(p for p in ic_state(sim)["ssid_profiles"] if p["id"] == 602)["wpa_passphrase"] == "another-passphrase"


def test_ssid_profile_create_rename_and_delete(sim, play):
    staff = dict(group="Branches", name="Staff", security="wpa_wpa2_personal", passphrase="staff-passphrase", vlan_id=30, band="5")
    run = play([task("create", "ssid_profile", **staff)], check=True, diff=True)
    result = ok(run, "create")
    assert result["changed"] is True and result["profile"]["passphrase"] == "********"
    assert result["diff"]["after"] == {"band": "5", "name": "Staff", "passphrase": "********", "security": "wpa_wpa2_personal", "vlan_id": 30}
    assert sim.writes() == []

    run = play(
        [
            task("create", "ssid_profile", **staff),
            task("create again", "ssid_profile", **staff),
        ],
        diff=True,
    )
    result = ok(run, "create")
    assert result["changed"] is True
    created = next(p for p in ic_state(sim)["ssid_profiles"] if p["ssid"] == "Staff")
    assert result["profile"]["id"] == str(created["id"])
    assert (created["security"], created["vlan_id"], created["radio_select"], created["wpa_passphrase"]) == ("wpa_wpa2_personal", 30, "2", "staff-passphrase")
    assert ok(run, "create again")["changed"] is False
    assert [w["method"] for w in sim.writes()] == ["POST"]
    on_router = router_api(sim, serial_of(sim, 10002), "config.ssid.profile")
    assert sorted(on_router[str(n)]["name"] for n in on_router["order"]) == ["Branch WiFi", "Staff"]

    profile_id = str(created["id"])
    run = play(
        [
            task("rename by id", "ssid_profile", group="Branches", id=profile_id, name="Staff 5G", enabled=False),
            task("delete", "ssid_profile", group="Branches", name="Staff 5G", state="absent"),
        ],
        check=True,
    )
    assert ok(run, "rename by id")["changed_keys"] == ["enabled", "name"]
    assert ok(run, "delete")["changed"] is False  # in check mode the rename did not happen
    sim.clear_requests()
    run = play(
        [
            task("rename by id", "ssid_profile", group="Branches", id=profile_id, name="Staff 5G", enabled=False),
            task("delete", "ssid_profile", group="Branches", name="Staff 5G", state="absent"),
            task("delete again", "ssid_profile", group="Branches", name="Staff 5G", state="absent"),
        ],
        diff=True,
    )
    assert ok(run, "rename by id")["profile"]["name"] == "Staff 5G"
    result = ok(run, "delete")
    assert result["changed"] is True and result["profile"] is None
    assert result["diff"]["before"]["passphrase"] == "********" and result["diff"]["after"] == {}
    assert ok(run, "delete again")["changed"] is False
    assert [(w["method"], w["path"]) for w in sim.writes()] == [
        ("PUT", "/rest/o/oSIM01/g/102/ssid_profiles/%s" % profile_id),
        ("DELETE", "/rest/o/oSIM01/g/102/ssid_profiles/%s" % profile_id),
    ]
    assert [p["ssid"] for p in ic_state(sim)["ssid_profiles"]] == ["Branch WiFi"]
    assert "staff-passphrase" not in run.stdout


def test_ssid_profile_security_changes(sim, play):
    run = play(
        [
            task("open guest", "ssid_profile", group="Staging", name="Guest", security="open"),
            task(
                "secure it",
                "ssid_profile",
                group="Staging",
                name="Guest",
                security="wpa2_personal",
                passphrase="guest-passphrase",
                fast_transition=True,
                update_passphrase="on_create",
            ),
            task("wpa/wpa2", "ssid_profile", group="Staging", name="Guest", security="wpa_wpa2_personal"),
            task("again", "ssid_profile", group="Staging", name="Guest", security="wpa_wpa2_personal"),
        ]
    )
    assert ok(run, "open guest")["profile"]["passphrase"] == ""
    assert ok(run, "secure it")["changed_keys"] == ["fast_transition", "passphrase", "security"]
    result = ok(run, "wpa/wpa2")
    assert result["changed_keys"] == ["security"] and result["profile"]["fast_transition"] is False
    assert ok(run, "again")["changed"] is False
    profile = next(p for p in ic_state(sim)["ssid_profiles"] if p["ssid"] == "Guest")
    assert (profile["security"], profile["wpa_passphrase"], profile["fast_transition"]) == ("wpa_wpa2_personal", "guest-passphrase", False)


def test_ssid_profile_bad_input(sim, play):
    base = dict(group="Branches", name="Branch WiFi")
    run = play(
        [
            failing("short passphrase", "ssid_profile", passphrase="short", **base),
            failing("vlan", "ssid_profile", vlan_id=5000, **base),
            failing("wpa3", "ssid_profile", security="wpa3_personal", passphrase="long-enough-1", **base),
            failing("6 GHz", "ssid_profile", band="6", **base),
            failing("device", "ssid_profile", name="Branch WiFi", device="router-002"),
            failing("open with passphrase", "ssid_profile", security="open", passphrase="long-enough-1", **base),
        ]
    )
    failed_with(run, "short passphrase", "passphrase must be 8 to 63 printable ASCII characters or 64 hexadecimal digits (it has 5 characters)")
    failed_with(run, "vlan", "vlan_id must be 1 to 4094, or 0 for untagged")
    failed_with(run, "wpa3", "security wpa3_personal is not available for InControl 2")
    failed_with(run, "6 GHz", "band 6 is not available for InControl 2")
    failed_with(run, "device", "SSID profiles are group settings in InControl 2")
    failed_with(run, "open with passphrase", "passphrase is not allowed with security open")
    assert "long-enough-1" not in run.stdout
    assert sim.requests() == []

    run = play(
        [
            failing("unknown group", "ssid_profile", group="Nowhere", name="Branch WiFi", enabled=True),
            failing("unknown id", "ssid_profile", group="Branches", id="77", name="Branch WiFi", enabled=True),
            failing("create without security", "ssid_profile", group="Branches", name="New SSID"),
            failing("secure without passphrase", "ssid_profile", group="Staging", name="Nope", security="wpa2_personal"),
        ]
    )
    failed_with(run, "unknown group", "group 'Nowhere' not found")
    failed_with(run, "unknown id", "group Branches has no SSID profile with id 77; its profiles: Branch WiFi (id 602)")
    failed_with(run, "create without security", "give security")
    failed_with(run, "secure without passphrase", "security=wpa2_personal needs a passphrase")
    assert sim.writes() == []


# ---- wan_priority -----------------------------------------------------------------------------


def test_wan_priority_check_apply_and_router_view(sim, play):
    swap = dict(device="router-002", connections=[{"name": "Cellular", "priority": 1}, {"id": "1", "priority": 2}])
    run = play([task("swap", "wan_priority", **swap)], check=True, diff=True)
    result = ok(run, "swap")
    assert result["changed"] is True
    assert [(c["id"], c["priority"]) for c in result["connections"]] == [("2", 1), ("1", 2)]
    assert result["diff"]["before"]["connections"]["2"]["priority"] == 2
    assert result["diff"]["after"]["connections"]["2"]["priority"] == 1
    assert sim.writes() == []

    run = play([task("swap", "wan_priority", **swap)], diff=True)
    result = ok(run, "swap")
    assert result["connections"] == [
        {"id": "2", "name": "Cellular", "priority": 1, "enabled": True},
        {"id": "1", "name": "WAN", "priority": 2, "enabled": True},
    ]
    writes = sim.writes()
    assert [(w["method"], w["path"]) for w in writes] == [("POST", "/rest/o/oSIM01/g/102/d/10002/devapi/config.wan.connection.priority")]
    serial = serial_of(sim, 10002)
    status = router_api(sim, serial, "status.wan.connection")
    assert (status["1"]["priority"], status["2"]["priority"]) == (2, 1)  # running: applied at once
    assert sim.state()["peplink"]["routers"][serial]["pending"] is False

    sim.clear_requests()
    run = play([task("swap", "wan_priority", **swap)], diff=True)
    assert ok(run, "swap")["changed"] is False and sim.writes() == []
    assert counts(sim) == {"GET /rest/o/oSIM01/d/basic": 1, "GET /rest/o/oSIM01/g/102/d/10002/devapi/status.wan.connection": 1}

    run = play(
        [
            task("disable", "wan_priority", device=serial, connections=[{"name": "wan", "enabled": False}]),
            task("disable again", "wan_priority", device=serial, connections=[{"id": "1", "enabled": False}]),
        ]
    )
    result = ok(run, "disable")
    assert result["connections"][-1] == {"id": "1", "name": "WAN", "priority": None, "enabled": False}
    assert ok(run, "disable again")["changed"] is False
    assert router_api(sim, serial, "status.wan.connection")["1"]["enable"] is False


def test_wan_priority_apply_false_leaves_the_change_pending(sim, play):
    serial = serial_of(sim, 10001)
    run = play([task("pending", "wan_priority", device="router-001", apply=False, connections=[{"name": "WAN 3", "enabled": True, "priority": 4}])])
    assert ok(run, "pending")["changed"] is True
    router = sim.state()["peplink"]["routers"][serial]
    assert router["pending"] is True
    assert router["saved"]["wan"]["4"] == {"priority": 4, "enable": True}
    assert router["running"]["wan"]["4"]["enable"] is False


def test_wan_priority_bad_input(sim, play):
    run = play(
        [
            failing("priority 9", "wan_priority", device="router-002", connections=[{"id": "1", "priority": 9}]),
            failing("disabled with priority", "wan_priority", device="router-002", connections=[{"id": "1", "priority": 1, "enabled": False}]),
            failing("group", "wan_priority", group="Branches", connections=[{"id": "1", "priority": 1}]),
            failing("no device", "wan_priority", connections=[{"id": "1", "priority": 1}]),
        ]
    )
    failed_with(run, "priority 9", "connection 1: priority must be 1 to 4")
    failed_with(run, "disabled with priority", "a disabled connection has no priority")
    failed_with(run, "group", "a group-level setting is NetCloud Manager only")
    failed_with(run, "no device", "device is required")
    assert sim.requests() == []

    run = play(
        [
            failing("unknown connection", "wan_priority", device="router-002", connections=[{"name": "Starlink", "priority": 1}]),
            failing("unknown device", "wan_priority", device="router-404", connections=[{"id": "1", "priority": 1}]),
            failing("priority on a disabled one", "wan_priority", device="router-001", connections=[{"id": "4", "priority": 1}]),
        ]
    )
    failed_with(run, "unknown connection", "has no WAN connection named 'Starlink'; it has: 1 (WAN), 2 (Cellular)")
    failed_with(run, "unknown device", "no device with id, serial, MAC or name 'router-404'")
    failed_with(run, "priority on a disabled one", "connection 4 (WAN 3) is disabled")
    assert sim.writes() == []


# ---- modules incontrol does not have ------------------------------------------------------------


def test_alert_rule_and_telecomx_device_are_not_supported(sim, play):
    run = play(
        [
            failing("alert rule", "alert_rule", alert_types=["connection_state"]),
            failing("telecomx device", "telecomx_device", mac_address="00:11:22:33:44:55"),
        ]
    )
    failed_with(run, "alert rule", "wanfleet.routers.alert_rule does not support platform incontrol; it supports: ncm")
    failed_with(run, "telecomx device", "wanfleet.routers.telecomx_device does not support platform incontrol")
    assert sim.requests() == []
