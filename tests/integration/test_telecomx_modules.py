"""platform telecomx end to end: every module through real ansible-playbook runs against the simulator.

The simulator's TelecomX seed (default fleet): customer "Sim Customer A/S" with tx-site-0001 (XVS-200,
2.4 + 5 GHz), tx-site-0002 (XVS-700, 2.4 + 5 + 6 GHz) and tx-site-0003 (XM-100, 2.4 GHz); customer
"Other Customer ApS" with other-site-0001 (MAC 02c0de000004). Accounts manager@example.com (MANAGER)
and viewer@example.com (VIEWER), password sim-password.
"""

from __future__ import annotations

import json

import pytest

from tests.integration.conftest import credentials

NEW_MAC = "00:11:22:33:44:55"
SECRET = "Office-secret-7"
SECRET_5G = "Office-secret-5G"
OTHER_SECRET = "Changed-secret-99"
SEED_SECRETS = ("sim-wifi-0001", "sim-wifi-0002", "sim-wifi-0003")


@pytest.fixture
def tx(sim, run_playbook):
    """run_playbook with module_defaults for group/wanfleet.routers.all holding the simulator's credentials."""

    def run(tasks, **kwargs):
        return run_playbook(tasks, defaults=credentials(sim), **kwargs)

    return run


def task(title, module, **args):
    return {"name": title, "wanfleet.routers." + module: dict(platform="telecomx", **args)}


def failing(title, module, **args):
    return dict(task(title, module, **args), ignore_errors=True)


def devices(sim):
    return dict((device["name"], device) for device in sim.state()["telecomx"]["devices"])


def by_mac(sim, mac):
    wanted = mac.replace(":", "").lower()
    return next((device for device in sim.state()["telecomx"]["devices"] if device["macAddress"] == wanted), None)


def last_seq(sim):
    entries = sim.requests()
    return entries[-1]["seq"] if entries else 0


def assert_ok(run):
    assert run.rc == 0 and not run.failed, run.stdout + run.stderr


def assert_hidden(run, *secrets):
    everything = run.stdout + run.stderr + json.dumps(run.results, default=str)
    for secret in secrets:
        assert secret not in everything, secret


def assert_failed(run, name, *words):
    statuses = [entry["status"] for entry in run.results if entry["task"] == name]
    result = run.task(name)
    assert statuses == ["failed"], (name, result)
    for word in words:
        assert word in result["msg"], (name, word, result["msg"])
    return result


# ---- device_info ---------------------------------------------------------------------------------


def test_device_info_reads_devices_by_any_key_and_masks_wifi_passwords(sim, tx):
    ids = dict((name, device["_id"]) for name, device in devices(sim).items())
    run = tx(
        [
            task("all", "device_info"),
            task("by name", "device_info", device="tx-site-0002", include_raw=True),
            task("by mac", "device_info", device="02-C0-DE-00-00-02"),
            task("by id", "device_info", device=ids["tx-site-0003"]),
            task("filtered", "device_info", filters={"status": "online", "model": "*XVS-7*"}),
            failing("unknown", "device_info", device="no-such-site"),
        ]
    )
    assert [device["name"] for device in run.task("all")["devices"]] == ["tx-site-0001", "tx-site-0002", "tx-site-0003"]
    (second,) = run.task("by name")["devices"]
    assert second["id"] == ids["tx-site-0002"] and second["mac"] == "02:c0:de:00:00:02" and second["model"] == "TP-LINK XVS-700"
    assert second["status"] == "online" and second["serial"] == "XVS70000000002"
    assert [ssid["id"] for ssid in second["ssids"]] == ["2.4", "5", "6"]
    assert second["wan"][0]["ip"] and second["wan"][0]["status"] == "connected"
    raw = second.pop("raw")
    assert raw["wifi"]["password"] == raw["wifi"]["password5G"] == raw["wifi"]["password6G"] == "********"
    assert run.task("by mac")["devices"] == [second] and "raw" not in run.task("all")["devices"][0]
    assert [device["name"] for device in run.task("by id")["devices"]] == ["tx-site-0003"]
    assert [device["name"] for device in run.task("filtered")["devices"]] == ["tx-site-0002"]
    assert_failed(run, "unknown", "no network device matches 'no-such-site'")
    assert_hidden(run, *SEED_SECRETS)
    assert sim.writes() == []


# ---- modules telecomx does not have, and input refused before any request ------------------------


def test_modules_telecomx_lacks_fail_before_any_request(sim, tx):
    run = tx(
        [
            failing("group", "group", name="Stores"),
            failing("wan_priority", "wan_priority", device="tx-site-0001", connections=[{"name": "WAN", "priority": 1}]),
            failing("reboot", "reboot", device="tx-site-0001"),
            failing("alert_rule", "alert_rule", alert_types=["connection_state"]),
            failing("device_info group", "device_info", group="Stores"),
        ]
    )
    for module in ("group", "wan_priority", "reboot", "alert_rule"):
        assert_failed(run, module, "wanfleet.routers.%s does not support platform telecomx" % module)
    assert_failed(run, "device_info group", "telecomx has no device groups")
    assert sim.requests() == []


def test_telecomx_device_bad_input_sends_nothing(sim, tx):
    base = dict(mac_address=NEW_MAC, name="Aarhus", model="XVS-200")
    run = tx(
        [
            failing("mac", "telecomx_device", mac_address="00:11:22:33:44", name="x", model="XVS-200"),
            failing("password", "telecomx_device", wifi={"ssid": "Office", "password": "short"}, **base),
            failing("ssid", "telecomx_device", wifi={"ssid_5g": "S" * 33}, **base),
            failing("pool subnet", "telecomx_device", dhcp={"ip_pool_start": "192.168.1.100", "ip_pool_end": "192.168.2.100"}, **base),
            failing(
                "reservation subnet",
                "telecomx_device",
                dhcp={"ip_pool_start": "192.168.1.100", "ip_pool_end": "192.168.1.200", "reserved_clients": [{"mac": "02:00:00:00:00:01", "ip": "10.0.0.5"}]},
                **base,
            ),
            failing("lease", "telecomx_device", dhcp={"lease_time": 0}, **base),
        ]
    )
    assert_failed(run, "mac", "mac_address: '00:11:22:33:44' is not a MAC address")
    assert_failed(run, "password", "wifi.password must be 8 to 63 printable ASCII characters or 64 hexadecimal digits")
    assert_failed(run, "ssid", "wifi.ssid_5g must be 1 to 32 characters")
    assert_failed(run, "pool subnet", "are not in one /24 subnet")
    assert_failed(run, "reservation subnet", "dhcp.reserved_clients[0].ip 10.0.0.5 is outside the DHCP pool's subnet 192.168.1.0/24")
    assert_failed(run, "lease", "dhcp.lease_time is in minutes and must be at least 1")
    assert sim.requests() == []


def test_ssid_profile_bad_input_sends_nothing(sim, tx):
    base = dict(device="tx-site-0001", band="5", name="Guest")
    run = tx(
        [
            failing("vlan", "ssid_profile", vlan_id=5000, **base),
            failing("broadcast", "ssid_profile", broadcast=False, **base),
            failing("wpa3", "ssid_profile", security="wpa3_personal", passphrase="long-enough", **base),
            failing("short passphrase", "ssid_profile", passphrase="1234567", **base),
            failing("slot", "ssid_profile", id="1", **base),
            failing("no band", "ssid_profile", device="tx-site-0001", name="Guest"),
        ]
    )
    assert_failed(run, "vlan", "ssid_profile option vlan_id is not supported on platform telecomx")
    assert_failed(run, "broadcast", "ssid_profile option broadcast is not supported on platform telecomx")
    assert_failed(run, "wpa3", "ssid_profile security wpa3_personal is not supported on platform telecomx")
    assert_failed(run, "short passphrase", "passphrase must be 8 to 63 printable ASCII characters or 64 hexadecimal digits")
    assert_failed(run, "slot", "ssid_profile option id is not supported", "choose it with band")
    assert_failed(run, "no band", "ssid_profile needs band (2.4, 5 or 6)")
    assert sim.requests() == []


# ---- telecomx_device -------------------------------------------------------------------------------


def new_device(**extra):
    args = dict(
        mac_address=NEW_MAC,
        name="Aarhus office",
        model="XVS-200",
        notes="rack 2",
        wifi={"enabled": True, "ssid": "Office", "password": SECRET, "enabled_5g": True, "ssid_5g": "Office-5G", "password_5g": SECRET_5G},
        dhcp={
            "enable": True,
            "ip_pool_start": "192.168.1.100",
            "ip_pool_end": "192.168.1.199",
            "lease_time": 720,
            "primary_dns_server": "192.168.1.1",
            "reserved_clients": [{"mac": "00:aa:bb:cc:dd:ee", "ip": "192.168.1.10"}],
        },
    )
    args.update(extra)
    return args


def test_telecomx_device_create_update_delete(sim, tx):
    # check mode: the creation is predicted, nothing is sent
    run = tx([task("create", "telecomx_device", **new_device())], check=True, diff=True)
    assert_ok(run)
    result = run.task("create")
    assert result["changed"] is True and sim.writes() == [] and by_mac(sim, NEW_MAC) is None
    assert result["device"]["name"] == "Aarhus office" and result["device"]["mac_address"] == NEW_MAC
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["wifi"]["password"] == result["diff"]["after"]["wifi"]["password_5g"] == "********"
    assert result["diff"]["after"]["dhcp"]["lease_time"] == 720
    assert_hidden(run, SECRET, SECRET_5G)

    # apply, waiting for provisioning
    run = tx([task("create", "telecomx_device", wait=True, wait_timeout=60, **new_device())], diff=True)
    assert_ok(run)
    result = run.task("create")
    assert result["changed"] is True and result["device"]["state"] == "ACTIVE" and result["device"]["jobs"] == 0
    assert result["device"]["wifi"]["password"] == result["device"]["wifi"]["password_5g"] == "********"
    assert [(entry["method"], entry["path"]) for entry in sim.writes()] == [("POST", "/network/device")]
    device = by_mac(sim, NEW_MAC)
    assert device["name"] == "Aarhus office" and device["notes"] == "rack 2" and device["state"] == "ACTIVE"
    assert device["wifi"]["password"] == SECRET and device["wifi"]["password5G"] == SECRET_5G and device["wifi"]["ssid5G"] == "Office-5G"
    assert device["dhcp"]["leaseTime"] == 720 and device["dhcp"]["reservedClients"][0]["mac"] == "00aabbccddee"
    assert_hidden(run, SECRET, SECRET_5G)

    # the same again (another MAC notation, and in check mode); other passwords with update_password=on_create;
    # state=absent in check mode: no write at all
    since = last_seq(sim)
    run = tx(
        [
            task("again", "telecomx_device", **new_device(mac_address="0011.2233.4455")),
            dict(task("again, check", "telecomx_device", **new_device()), check_mode=True),
            task("on_create", "telecomx_device", update_password="on_create", **new_device(wifi={"password": OTHER_SECRET, "password_5g": OTHER_SECRET})),
            dict(task("delete, check", "telecomx_device", mac_address=NEW_MAC, state="absent"), check_mode=True),
        ]
    )
    assert_ok(run)
    assert run.task("again")["changed"] is False and run.task("again, check")["changed"] is False
    assert run.task("on_create")["changed"] is False
    assert run.task("delete, check")["changed"] is True and run.task("delete, check")["device"] is None
    assert sim.writes(since) == []
    device = by_mac(sim, NEW_MAC)
    assert device["wifi"]["password"] == SECRET and device["wifi"]["password5G"] == SECRET_5G
    assert_hidden(run, SECRET, SECRET_5G, OTHER_SECRET)

    # an update with --diff: only what changed, secrets masked
    since = last_seq(sim)
    changed = new_device(wifi={"ssid_5g": "Office-fast", "password_5g": OTHER_SECRET}, dhcp={"lease_time": 60})
    run = tx([task("update", "telecomx_device", **changed)], diff=True)
    assert_ok(run)
    result = run.task("update")
    assert result["changed"] is True and result["changed_keys"] == ["dhcp", "wifi"]
    before, after = result["diff"]["before"], result["diff"]["after"]
    assert before["wifi"]["ssid_5g"] == "Office-5G" and after["wifi"]["ssid_5g"] == "Office-fast"
    assert before["wifi"]["password_5g"] == after["wifi"]["password_5g"] == "********"
    assert before["dhcp"]["lease_time"] == 720 and after["dhcp"]["lease_time"] == 60
    assert set(before) == set(after) == {"wifi", "dhcp"}
    assert len(sim.writes(since)) == 1
    device = by_mac(sim, NEW_MAC)
    assert device["wifi"]["ssid5G"] == "Office-fast" and device["wifi"]["password5G"] == OTHER_SECRET
    assert device["wifi"]["password"] == SECRET and device["dhcp"]["leaseTime"] == 60 and device["dhcp"]["enable"] is True
    assert_hidden(run, SECRET, SECRET_5G, OTHER_SECRET)

    # absent: delete and wait until it is gone, then once more
    since = last_seq(sim)
    run = tx(
        [
            task("delete", "telecomx_device", mac_address=NEW_MAC, state="absent", wait=True, wait_timeout=60),
            task("delete again", "telecomx_device", mac_address=NEW_MAC, state="absent"),
        ],
        diff=True,
    )
    assert_ok(run)
    assert run.task("delete")["changed"] is True and run.task("delete")["device"] is None
    assert run.task("delete")["diff"]["before"]["wifi"]["password"] == "********"
    assert run.task("delete again")["changed"] is False
    assert [entry["method"] for entry in sim.writes(since)] == ["DELETE"]
    assert by_mac(sim, NEW_MAC) is None
    assert_hidden(run, SECRET, OTHER_SECRET)


def test_telecomx_device_by_id_changes_name_and_mac(sim, tx):
    device_id = devices(sim)["tx-site-0003"]["_id"]
    run = tx(
        [
            task("rename", "telecomx_device", id=device_id, name="Depot", mac_address="02:c0:de:00:00:33"),
            task("again", "telecomx_device", id=device_id, name="Depot", mac_address="02c0de000033"),
        ]
    )
    assert_ok(run)
    assert run.task("rename")["changed_keys"] == ["mac_address", "name"] and run.task("again")["changed"] is False
    assert devices(sim)["Depot"]["macAddress"] == "02c0de000033"
    assert len(sim.writes()) == 1


def test_telecomx_device_refusals_after_reads_send_no_write(sim, tx):
    run = tx(
        [
            failing("6 GHz on XVS-200", "telecomx_device", **new_device(wifi={"enabled_6g": True, "ssid_6g": "Six"})),
            failing("no model", "telecomx_device", mac_address=NEW_MAC, name="Aarhus"),
            failing("wifi on a switch", "telecomx_device", **new_device(model="XS-108")),
            failing("serial of an existing device", "telecomx_device", mac_address="02:c0:de:00:00:01", serial_number="NEW"),
            failing("unknown id", "telecomx_device", id="66a1f3c0d0d0d0d0d0000099", name="x"),
        ]
    )
    assert_failed(run, "6 GHz on XVS-200", "model TP-LINK XVS-200 has no 6 GHz radio, so wifi.enabled_6g cannot be set")
    assert_failed(run, "no model", "creating it needs name, model and mac_address (missing: model)")
    assert_failed(run, "wifi on a switch", "model NETGEAR XS-108 has no Wi-Fi")
    assert_failed(run, "serial of an existing device", "the serial_number of an existing device cannot be changed")
    assert_failed(run, "unknown id", "no network device with id 66a1f3c0d0d0d0d0d0000099")
    assert sim.writes() == []


def test_telecomx_device_viewer_and_mac_in_use(sim, tx):
    viewer = dict(credentials(sim)["telecomx"], username="viewer@example.com")
    run = tx(
        [
            dict(task("viewer check", "telecomx_device", telecomx=viewer, mac_address="02:c0:de:00:00:01", name="renamed"), check_mode=True),
            failing("viewer", "telecomx_device", telecomx=viewer, mac_address="02:c0:de:00:00:01", name="renamed"),
        ]
    )
    assert run.task("viewer check")["changed"] is True  # a read-only account can run check mode
    assert_failed(run, "viewer", "the account viewer@example.com has access level VIEWER, which cannot update network devices")
    assert sim.writes() == [] and devices(sim)["tx-site-0001"]["name"] == "tx-site-0001"

    # other-site-0001 belongs to another customer: not in our list, but its MAC is taken platform-wide
    run = tx([failing("taken", "telecomx_device", **new_device(mac_address="02:C0:DE:00:00:04"))])
    assert_failed(run, "taken", "MAC address 02:c0:de:00:00:04 is already in use")
    assert [(entry["method"], entry["status"]) for entry in sim.writes()] == [("POST", 422)]
    assert_hidden(run, SECRET, SECRET_5G)


# ---- ssid_profile --------------------------------------------------------------------------------


def test_ssid_profile_check_apply_again_absent(sim, tx):
    guest = dict(device="tx-site-0001", band="5", name="Guest", enabled=True, security="wpa2_personal", passphrase=SECRET)
    run = tx([task("guest", "ssid_profile", **guest)], check=True, diff=True)
    assert_ok(run)
    result = run.task("guest")
    assert result["changed"] is True and sim.writes() == []
    assert result["diff"] == {"before": {"name": "tx-site-0001-5G", "passphrase": "********"}, "after": {"name": "Guest", "passphrase": "********"}}
    assert result["profile"]["name"] == "Guest" and result["profile"]["band"] == "5"
    assert devices(sim)["tx-site-0001"]["wifi"]["ssid5G"] == "tx-site-0001-5G"
    assert_hidden(run, SECRET, "sim-wifi-0001")

    run = tx([task("guest", "ssid_profile", **guest)], diff=True)
    assert_ok(run)
    assert run.task("guest")["changed"] is True and run.task("guest")["profile"]["passphrase"] == "********"
    wifi = devices(sim)["tx-site-0001"]["wifi"]
    assert wifi["ssid5G"] == "Guest" and wifi["password5G"] == SECRET and wifi["enabled5G"] is True
    assert wifi["ssid"] == "tx-site-0001" and wifi["password"] == "sim-wifi-0001"  # the other band is untouched
    assert [(entry["method"], entry["path"]) for entry in sim.writes()] == [("POST", "/network/device/" + devices(sim)["tx-site-0001"]["_id"])]
    assert_hidden(run, SECRET, "sim-wifi-0001")

    since = last_seq(sim)
    run = tx(
        [
            task("again", "ssid_profile", **guest),
            task("again, on_create", "ssid_profile", update_passphrase="on_create", **guest),
            dict(task("absent, check", "ssid_profile", device="tx-site-0001", band="5", name="Guest", state="absent"), check_mode=True),
            task("absent, other ssid", "ssid_profile", device="tx-site-0001", band="5", name="Staff", state="absent"),
        ]
    )
    assert_ok(run)
    assert run.task("again")["changed"] is False and run.task("again, on_create")["changed"] is False
    assert run.task("absent, check")["changed"] is True and run.task("absent, check")["profile"]["enabled"] is False
    assert run.task("absent, other ssid")["changed"] is False  # the band carries another SSID: left alone
    assert sim.writes(since) == []

    since = last_seq(sim)
    run = tx(
        [
            task("absent", "ssid_profile", device="tx-site-0001", band="5", name="Guest", state="absent"),
            task("absent again", "ssid_profile", device="tx-site-0001", band="5", name="Guest", state="absent"),
            task("open", "ssid_profile", device="02:c0:de:00:00:03", band="2.4", name="Cafe", security="open"),
        ],
        diff=True,
    )
    assert_ok(run)
    assert run.task("absent")["changed"] is True and run.task("absent")["diff"] == {"before": {"enabled": True}, "after": {"enabled": False}}
    assert run.task("absent again")["changed"] is False
    assert run.task("open")["changed_keys"] == ["name", "passphrase", "security"]
    assert len(sim.writes(since)) == 2
    state = devices(sim)
    assert state["tx-site-0001"]["wifi"]["enabled5G"] is False and state["tx-site-0001"]["wifi"]["password5G"] == SECRET
    assert state["tx-site-0003"]["wifi"]["ssid"] == "Cafe" and state["tx-site-0003"]["wifi"]["password"] is None
    assert_hidden(run, SECRET, "sim-wifi-0001", "sim-wifi-0003")


def test_ssid_profile_refusals_after_reads_send_no_write(sim, tx):
    run = tx(
        [
            failing("unknown device", "ssid_profile", device="no-such-site", band="5", name="Guest"),
            failing("6 GHz on XVS-200", "ssid_profile", device="tx-site-0001", band="6", name="Guest"),
            failing("5 GHz on XM-100", "ssid_profile", device="tx-site-0003", band="5", name="Guest"),
        ]
    )
    assert_failed(run, "unknown device", "no network device matches 'no-such-site'")
    assert_failed(run, "6 GHz on XVS-200", "device tx-site-0001 (model TP-LINK XVS-200) has no 6 GHz radio; its bands: 2.4, 5")
    assert_failed(run, "5 GHz on XM-100", "device tx-site-0003 (model TP-LINK XM-100) has no 5 GHz radio; its bands: 2.4")
    assert sim.writes() == []
