"""The modules end to end on platform ncm: real ansible-playbook runs against the simulator's NCM v2.

The default seed (3 devices per platform): an online IBR900 in group "Retail IBR900" (whose group
configuration names SSID "Retail-Corp" on radio 0 / BSS 0), an online AER2200 in "Depots AER2200"
with its own SSID, an offline E300 in "Clinics E300", an empty group "Staging IBR900", five users,
the push destination "noc-webhook" and two alert rules on "Retail IBR900".
"""

from __future__ import annotations

import pytest

from tests.integration.conftest import credentials

pytestmark = pytest.mark.integration

PASSPHRASE = "Guest-Wifi-2024!"  # given to the tasks as {{ psk }}
OTHER_PASSPHRASE = "Staff-Wifi-2025?"


# ---- helpers -------------------------------------------------------------------------------


def ncm(sim):
    return sim.state()["ncm"]


def router(sim, product=None, name=None, state=None):
    """The simulator's record of the first router of a product (or with a name / state)."""
    for item in ncm(sim)["routers"]:
        if (product is None or item["product"] == product) and (name is None or item["name"] == name) and (state is None or item["state"] == state):
            return item
    raise AssertionError("no such router in the seed: %s %s %s" % (product, name, state))


def group(sim, name):
    matches = [item for item in ncm(sim)["groups"] if item["name"] == name]
    return matches[0] if matches else None


def bss(config, radio, index):
    return config[0].get("wlan", {}).get("radio", {}).get(str(radio), {}).get("bss", {}).get(str(index), {})


def task(title, module, /, check=None, ignore_errors=False, **args):
    entry = {"name": title, "wanfleet.routers." + module: dict(platform="ncm", **args)}
    if check is not None:
        entry["check_mode"] = check
    if ignore_errors:
        entry["ignore_errors"] = True
    return entry


def failed(run, name):
    """The message of a task that failed (ignore_errors keeps the play going)."""
    entries = [entry for entry in run.results if entry["task"] == name]
    assert entries and entries[-1]["status"] == "failed", "task %r did not fail: %s" % (name, entries)
    return entries[-1]["result"]["msg"]


def write_paths(sim):
    return [(entry["method"], entry["path"]) for entry in sim.writes()]


@pytest.fixture
def play(sim, run_playbook):
    """play(tasks, check=False, diff=False) with the simulator's credentials as module_defaults; the
    passphrases are play variables, as a vault would give them (a failing task's source is printed)."""

    def run(tasks, **kwargs):
        return run_playbook(tasks, defaults=credentials(sim), play_vars={"psk": PASSPHRASE, "other_psk": OTHER_PASSPHRASE}, **kwargs)

    return run


# ---- device_info ------------------------------------------------------------------------------


def test_device_info_reads_one_router(sim, play):
    ibr = router(sim, "IBR900")
    run = play([task("info", "device_info", device=ibr["name"])])
    assert run.rc == 0, run.stdout
    (device,) = run.task("info")["devices"]
    assert (device["id"], device["name"], device["model"], device["status"], device["group"]) == (
        str(ibr["id"]),
        ibr["name"],
        "IBR900",
        "online",
        "Retail IBR900",
    )
    assert sim.writes() == []


# ---- ssid_profile -----------------------------------------------------------------------------


def test_ssid_profile_device_check_apply_idempotent(sim, play):
    ibr = router(sim, "IBR900")
    args = dict(device=ibr["name"], name="Guest", band="2.4", security="wpa2_personal", passphrase="{{ psk }}", broadcast=False, update_passphrase="on_create")

    run = play([task("guest", "ssid_profile", **args)], check=True, diff=True)
    assert run.rc == 0, run.stdout
    result = run.task("guest")
    assert result["changed"] is True
    assert result["profile"]["id"] == "0.1"  # the first unused slot of radio 0 (0.0 is enabled)
    assert result["diff"]["after"]["passphrase"] == "********"
    assert result["diff"]["before"] == {}
    assert sim.writes() == []
    assert PASSPHRASE not in run.stdout

    run = play([task("guest", "ssid_profile", **args), task("again", "ssid_profile", **args)], diff=True)
    assert run.rc == 0, run.stdout
    assert run.task("guest")["changed"] is True
    assert run.task("again")["changed"] is False
    assert run.task("again")["profile"] == {
        "id": "0.1",
        "name": "Guest",
        "enabled": True,
        "broadcast": False,
        "security": "wpa2_personal",
        "passphrase": "********",
        "band": "2.4",
    }
    assert write_paths(sim) == [("PATCH", "/api/v2/configuration_managers/%s/" % ibr["configuration_manager"])]
    assert bss(router(sim, "IBR900")["configuration"], 0, 1) == {"ssid": "Guest", "enabled": True, "hidden": True, "authmode": "wpa2psk", "wpapsk": PASSPHRASE}
    assert PASSPHRASE not in run.stdout

    # absent disables the slot (NCM keeps a fixed set of BSS), once
    sim.clear_requests()
    run = play(
        [
            task("off", "ssid_profile", device=ibr["name"], name="Guest", state="absent"),
            task("off again", "ssid_profile", device=ibr["name"], name="Guest", state="absent"),
        ],
        diff=True,
    )
    assert run.rc == 0, run.stdout
    assert run.task("off")["changed"] is True
    assert run.task("off")["diff"] == {"before": {"enabled": True}, "after": {"enabled": False}}
    assert run.task("off again")["changed"] is False
    assert len(sim.writes()) == 1
    assert bss(router(sim, "IBR900")["configuration"], 0, 1)["enabled"] is False


def test_ssid_profile_passphrase_policies_and_secret_masking(sim, play):
    ibr = router(sim, "IBR900")
    base = dict(device=ibr["name"], id="1.0", name="Staff", security="wpa2_personal")
    run = play(
        [
            task("create", "ssid_profile", passphrase="{{ psk }}", update_passphrase="on_create", **base),
            task("on_create", "ssid_profile", passphrase="{{ other_psk }}", update_passphrase="on_create", **base),
            task("always", "ssid_profile", passphrase="{{ other_psk }}", update_passphrase="always", **base),
        ],
        diff=True,
    )
    assert run.rc == 0, run.stdout
    assert run.task("create")["changed"] is True
    # NCM reads the passphrase back as "*": on_create leaves it alone, always sends it (and reports it)
    assert run.task("on_create")["changed"] is False
    assert run.task("always")["changed"] is True
    assert run.task("always")["changed_keys"] == ["passphrase"]
    assert run.task("always")["diff"] == {"before": {"passphrase": "********"}, "after": {"passphrase": "********"}}
    assert len(sim.writes()) == 2
    assert bss(router(sim, "IBR900")["configuration"], 1, 0)["wpapsk"] == OTHER_PASSPHRASE
    assert PASSPHRASE not in run.stdout and OTHER_PASSPHRASE not in run.stdout


def test_ssid_profile_group_layer(sim, play):
    ibr = router(sim, "IBR900")
    retail = group(sim, "Retail IBR900")
    # The router's effective configuration (target) already has the group's SSID: nothing to do.
    run = play([task("inherited", "ssid_profile", device=ibr["name"], name="Retail-Corp", enabled=True, broadcast=True, security="wpa2_personal")])
    assert run.rc == 0, run.stdout
    assert run.task("inherited")["changed"] is False
    assert run.task("inherited")["profile"]["id"] == "0.0"
    assert sim.writes() == []

    # The group's own configuration: hide the SSID for every router of the group.
    run = play(
        [
            task("hide", "ssid_profile", group="Retail IBR900", id="0.0", name="Retail-Corp", broadcast=False),
            task("hide again", "ssid_profile", group="Retail IBR900", id="0.0", name="Retail-Corp", broadcast=False),
        ],
        diff=True,
    )
    assert run.rc == 0, run.stdout
    assert run.task("hide")["changed"] is True
    assert run.task("hide")["diff"] == {"before": {"broadcast": True}, "after": {"broadcast": False}}
    assert run.task("hide again")["changed"] is False
    assert write_paths(sim) == [("PATCH", "/api/v2/groups/%s/" % retail["id"])]
    assert bss(group(sim, "Retail IBR900")["configuration"], 0, 0)["hidden"] is True
    assert router(sim, "IBR900")["configuration"] == [{}, []]  # the router's own layer is untouched


def test_ssid_profile_bad_input_sends_nothing(sim, play):
    ibr = router(sim, "IBR900")["name"]
    cases = [
        (
            "short passphrase",
            dict(device=ibr, name="Guest", band="2.4", passphrase="short"),
            "passphrase must be 8 to 63 printable ASCII characters or 64 hexadecimal digits",
        ),
        ("vlan 5000", dict(device=ibr, name="Guest", band="2.4", vlan_id=5000), "vlan_id is not supported on platform ncm"),
        ("fast transition", dict(device=ibr, name="Guest", band="2.4", fast_transition=True), "fast_transition is not supported on platform ncm"),
        ("band 6", dict(device=ibr, name="Guest", band="6"), "band 6 has no known radio index"),
        ("bad id", dict(device=ibr, name="Guest", id="0-1"), "id must be <radio>.<bss>"),
        (
            "open with passphrase",
            dict(device=ibr, name="Guest", band="2.4", security="open", passphrase="{{ psk }}"),
            "passphrase is not allowed with security open",
        ),
    ]
    run = play([task(name, "ssid_profile", ignore_errors=True, **args) for name, args, message in cases])
    for name, args, message in cases:
        assert message in failed(run, name), name
        assert "ncm" in failed(run, name)
    assert sim.requests() == []
    assert PASSPHRASE not in run.stdout

    run = play(
        [
            task("unknown router", "ssid_profile", ignore_errors=True, device="no-such-router", name="Guest", band="2.4"),
            task("no slot", "ssid_profile", ignore_errors=True, device=ibr, name="Guest", id="0.7"),
            task("secured without passphrase", "ssid_profile", ignore_errors=True, device=ibr, name="Guest", band="5"),
        ]
    )
    assert "no device has the id, MAC, serial number or name 'no-such-router'" in failed(run, "unknown router")
    assert "has no SSID slot 0.7; its slots: 0.0, 0.1" in failed(run, "no slot")
    assert "passphrase is required to set up the secured SSID 'Guest' in slot 1.1" in failed(run, "secured without passphrase")
    assert sim.writes() == []


# ---- wan_priority -----------------------------------------------------------------------------

RULE_LTE = "00000002-a81d-3590-93ca-8b1fcfeb8e14"
RULE_WWAN = "00000003-a81d-3590-93ca-8b1fcfeb8e14"


def test_wan_priority_device(sim, play):
    ibr = router(sim, "IBR900")
    connections = [{"name": "LTE", "priority": 2}, {"name": "WiFi as WAN", "enabled": False}, {"id": "0", "priority": 1}]

    run = play([task("wan", "wan_priority", device=ibr["name"], connections=connections)], check=True, diff=True)
    assert run.rc == 0, run.stdout
    result = run.task("wan")
    assert result["changed"] is True
    assert sim.writes() == []
    before, after = result["diff"]["before"]["connections"], result["diff"]["after"]["connections"]
    assert (before[RULE_LTE]["priority"], after[RULE_LTE]["priority"]) == (1.1, 2)
    assert (before[RULE_WWAN]["enabled"], after[RULE_WWAN]["enabled"]) == (True, False)
    order = [(item["name"], item["priority"], item["enabled"]) for item in result["connections"]]
    assert order[0] == ("Ethernet", 1, True) and order[-1] == ("WiFi as WAN", 2, False)

    run = play(
        [task("wan", "wan_priority", device=ibr["name"], connections=connections), task("again", "wan_priority", device=ibr["name"], connections=connections)]
    )
    assert run.rc == 0, run.stdout
    assert run.task("wan")["changed"] is True
    assert run.task("again")["changed"] is False
    assert write_paths(sim) == [("PATCH", "/api/v2/configuration_managers/%s/" % ibr["configuration_manager"])]
    rules = router(sim, "IBR900")["configuration"][0]["wan"]["rules2"]
    assert rules[RULE_LTE] == {"_id_": RULE_LTE, "priority": 2.0}
    assert rules[RULE_WWAN] == {"_id_": RULE_WWAN, "disabled": True}
    assert rules["00000000-a81d-3590-93ca-8b1fcfeb8e14"]["priority"] == 1.0


def test_wan_priority_group(sim, play):
    staging = group(sim, "Staging IBR900")
    run = play(
        [
            task("wan", "wan_priority", group="Staging IBR900", connections=[{"id": RULE_LTE, "enabled": False}]),
            task("again", "wan_priority", group="Staging IBR900", connections=[{"id": RULE_LTE, "enabled": False}]),
        ]
    )
    assert run.rc == 0, run.stdout
    assert (run.task("wan")["changed"], run.task("again")["changed"]) == (True, False)
    assert write_paths(sim) == [("PATCH", "/api/v2/groups/%s/" % staging["id"])]
    assert group(sim, "Staging IBR900")["configuration"][0]["wan"]["rules2"][RULE_LTE] == {"_id_": RULE_LTE, "disabled": True}


def test_wan_priority_bad_input(sim, play):
    ibr = router(sim, "IBR900")["name"]
    cases = [
        ("priority 0", dict(device=ibr, connections=[{"name": "LTE", "priority": 0}]), "priority must be 1 to 1000"),
        ("apply false", dict(device=ibr, apply=False, connections=[{"name": "LTE", "priority": 2}]), "apply: false is not supported on platform ncm"),
        ("bad id", dict(device=ibr, connections=[{"id": "wan1", "priority": 2}]), "id must be a WAN rule _id_ (a UUID) or its index"),
        ("nothing to set", dict(device=ibr, connections=[{"name": "LTE"}]), "give priority or enabled"),
    ]
    run = play([task(name, "wan_priority", ignore_errors=True, **args) for name, args, message in cases])
    for name, args, message in cases:
        assert message in failed(run, name), name
    assert sim.requests() == []

    run = play(
        [
            task("unknown", "wan_priority", ignore_errors=True, device=ibr, connections=[{"name": "Satellite", "priority": 1}]),
            task("twice", "wan_priority", ignore_errors=True, device=ibr, connections=[{"name": "LTE", "priority": 1}, {"id": RULE_LTE, "enabled": True}]),
        ]
    )
    message = failed(run, "unknown")
    assert "has no WAN rule named 'Satellite'; its rules: Ethernet (id 00000000-a81d-3590-93ca-8b1fcfeb8e14)" in message
    assert "LTE (id %s)" % RULE_LTE in message
    assert "names WAN rule %s (LTE) a second time" % RULE_LTE in failed(run, "twice")
    assert sim.writes() == []


# ---- group ------------------------------------------------------------------------------------


def test_group_create_members_rename_purge_delete(sim, play):
    ibr = router(sim, "IBR900")
    old_group = ibr["group"]
    create = dict(name="Stores", product="IBR900", target_firmware="7.24.10", devices=[ibr["name"]])

    run = play([task("create", "group", **create)], check=True, diff=True)
    assert run.rc == 0, run.stdout
    result = run.task("create")
    assert result["changed"] is True
    # no account given: none inferred, NCM creates the group in the requestor's account
    assert result["diff"]["after"] == {"devices": [str(ibr["id"])], "name": "Stores", "product": "IBR900", "target_firmware": "7.24.10"}
    assert sim.writes() == []

    run = play([task("create", "group", **create), task("again", "group", **create)], diff=True)
    assert run.rc == 0, run.stdout
    assert run.task("create")["changed"] is True
    assert run.task("create")["group"]["account"] == "sim-account"  # the account NCM chose, from its answer
    assert run.task("again")["changed"] is False
    stores = group(sim, "Stores")
    assert stores["product"] == "IBR900" and stores["routers"] == [ibr["id"]]
    assert write_paths(sim) == [("POST", "/api/v2/groups/"), ("PUT", "/api/v2/routers/%s/" % ibr["id"])]
    assert router(sim, "IBR900")["group"] == stores["id"] != old_group
    assert run.task("again")["group"] == {
        "id": str(stores["id"]),
        "name": "Stores",
        "product": "IBR900",
        "target_firmware": "7.24.10",
        "account": "sim-account",
        "devices": [str(ibr["id"])],
    }

    # rename, twice (the second run finds the group by its new name)
    sim.clear_requests()
    run = play(
        [task("rename", "group", name="Stores", new_name="Stores North"), task("rename again", "group", name="Stores", new_name="Stores North")], diff=True
    )
    assert run.rc == 0, run.stdout
    assert run.task("rename")["diff"] == {"before": {"name": "Stores"}, "after": {"name": "Stores North"}}
    assert run.task("rename again")["changed"] is False
    assert write_paths(sim) == [("PUT", "/api/v2/groups/%s/" % stores["id"])]
    assert group(sim, "Stores North")["id"] == stores["id"]

    # purge: the member not listed leaves the group (its `group` becomes null)
    sim.clear_requests()
    run = play(
        [
            task("purge", "group", name="Stores North", devices=[], purge_devices=True),
            task("purge again", "group", name="Stores North", devices=[], purge_devices=True),
        ]
    )
    assert run.rc == 0, run.stdout
    assert (run.task("purge")["changed"], run.task("purge again")["changed"]) == (True, False)
    assert write_paths(sim) == [("PUT", "/api/v2/routers/%s/" % ibr["id"])]
    assert router(sim, "IBR900")["group"] is None

    # absent
    sim.clear_requests()
    run = play([task("delete", "group", name="Stores North", state="absent"), task("delete again", "group", name="Stores North", state="absent")], diff=True)
    assert run.rc == 0, run.stdout
    assert run.task("delete")["changed"] is True and run.task("delete")["group"] is None
    assert run.task("delete")["diff"]["before"]["name"] == "Stores North"
    assert run.task("delete again")["changed"] is False
    assert write_paths(sim) == [("DELETE", "/api/v2/groups/%s/" % stores["id"])]
    assert group(sim, "Stores North") is None


def test_group_update_firmware_and_membership(sim, play):
    ibr = router(sim, "IBR900")
    staging = group(sim, "Staging IBR900")
    run = play(
        [
            task("move", "group", name="Staging IBR900", target_firmware="7.23.40", devices=[str(ibr["id"])]),
            task("again", "group", name="Staging IBR900", target_firmware="7.23.40", devices=[str(ibr["id"])]),
        ],
        diff=True,
    )
    assert run.rc == 0, run.stdout
    result = run.task("move")
    assert result["changed_keys"] == ["devices", "target_firmware"]
    assert result["diff"]["before"] == {"devices": [], "target_firmware": "7.24.10"}
    assert result["diff"]["after"] == {"devices": [str(ibr["id"])], "target_firmware": "7.23.40"}
    assert run.task("again")["changed"] is False
    assert write_paths(sim) == [("PUT", "/api/v2/groups/%s/" % staging["id"]), ("PUT", "/api/v2/routers/%s/" % ibr["id"])]
    assert group(sim, "Staging IBR900")["routers"] == [ibr["id"]]
    assert group(sim, "Retail IBR900")["routers"] == []


def test_group_bad_input(sim, play):
    aer = router(sim, "AER2200")
    cases = [
        ("timezone", dict(name="Stores", timezone="Europe/Copenhagen"), "timezone is an InControl 2 option"),
        ("purge without devices", dict(name="Stores", purge_devices=True), "purge_devices needs devices"),
        ("bad id", dict(id="stores"), "id must be the group's numeric id"),
    ]
    run = play([task(name, "group", ignore_errors=True, **args) for name, args, message in cases])
    for name, args, message in cases:
        assert message in failed(run, name), name
    assert sim.requests() == []

    run = play(
        [
            task("unknown product", "group", ignore_errors=True, name="Stores", product="IBR9000", target_firmware="7.24.10"),
            task("unknown firmware", "group", ignore_errors=True, name="Stores", product="IBR900", target_firmware="9.9.9"),
            task("wrong product", "group", ignore_errors=True, name="Staging IBR900", devices=[aer["name"]]),
            task("product change", "group", ignore_errors=True, name="Staging IBR900", product="AER2200"),
            task("unknown device", "group", ignore_errors=True, name="Staging IBR900", devices=["no-such-router"]),
            task("unknown id", "group", ignore_errors=True, id="1"),
        ]
    )
    message = failed(run, "unknown product")
    assert "unknown product 'IBR9000'; NCM products:" in message and "IBR900" in message and "AER2200" in message
    assert "unknown target_firmware '9.9.9' for product IBR900; its firmware versions: 7.22.60, 7.23.40, 7.24.10" in failed(run, "unknown firmware")
    assert "only IBR900 routers can join group 'Staging IBR900'" in failed(run, "wrong product")
    assert "%s (id %s) is AER2200" % (aer["name"], aer["id"]) in failed(run, "wrong product")
    assert "the product of group 'Staging IBR900' is IBR900 and cannot be changed" in failed(run, "product change")
    assert "no router has the id, MAC, serial number or name 'no-such-router'" in failed(run, "unknown device")
    assert "no group has the id 1" in failed(run, "unknown id")
    assert sim.writes() == []


# ---- alert_rule -------------------------------------------------------------------------------


def test_alert_rule_create_update_delete(sim, play):
    rule = dict(
        alert_types=["failover_event", "connection_state"],
        groups=["Depots AER2200"],
        email_recipients=["Grace.Hopper@example.com"],
        http_destinations=["noc-webhook"],
        schedule="hourly",
    )
    run = play([task("rule", "alert_rule", **rule)], check=True, diff=True)
    assert run.rc == 0, run.stdout
    assert run.task("rule")["changed"] is True
    assert run.task("rule")["diff"]["after"] == {
        "alert_types": ["connection_state", "failover_event"],
        "email_recipients": ["grace.hopper@example.com"],
        "groups": ["Depots AER2200"],
        "http_destinations": ["noc-webhook"],
        "schedule": "hourly",
    }
    assert sim.writes() == []
    rules_before = len(ncm(sim)["alert_rules"])

    run = play([task("rule", "alert_rule", **rule), task("again", "alert_rule", **rule)])
    assert run.rc == 0, run.stdout
    assert (run.task("rule")["changed"], run.task("again")["changed"]) == (True, False)
    assert write_paths(sim) == [("POST", "/api/v2/alert_rules/")]
    created = run.task("rule")["rule"]
    stored = [item for item in ncm(sim)["alert_rules"] if item["alert_config_id"] == created["id"]][0]
    depots = group(sim, "Depots AER2200")
    destination = ncm(sim)["alert_push_destinations"][0]["id"]
    assert (stored["filter_criteria"], stored["associated_groups"], stored["email_destinations"], stored["http_destinations"], stored["schedule"]) == (
        {"alert_type__in": ["connection_state", "failover_event"]},
        [depots["id"]],
        [111032],
        [destination],
        "hourly",
    )
    assert len(ncm(sim)["alert_rules"]) == rules_before + 1

    # update by id (PATCH answers 201), then delete
    sim.clear_requests()
    run = play(
        [
            task("daily", "alert_rule", id=created["id"], schedule="none", email_recipients=[]),
            task("daily again", "alert_rule", id=created["id"], schedule="none", email_recipients=[]),
            task("delete", "alert_rule", id=created["id"], state="absent"),
            task("delete again", "alert_rule", id=created["id"], state="absent"),
        ],
        diff=True,
    )
    assert run.rc == 0, run.stdout
    assert run.task("daily")["diff"] == {
        "before": {"email_recipients": ["grace.hopper@example.com"], "schedule": "hourly"},
        "after": {"email_recipients": [], "schedule": "none"},
    }
    assert run.task("daily again")["changed"] is False
    assert run.task("delete")["changed"] is True and run.task("delete again")["changed"] is False
    assert write_paths(sim) == [("PATCH", "/api/v2/alert_rules/%s/" % created["id"]), ("DELETE", "/api/v2/alert_rules/%s/" % created["id"])]
    assert sim.requests()[[entry["method"] for entry in sim.requests()].index("PATCH")]["status"] == 201
    assert all(item["alert_config_id"] != created["id"] for item in ncm(sim)["alert_rules"])


def test_alert_rule_matches_seeded_rule_and_ambiguity(sim, play):
    seeded = [item for item in ncm(sim)["alert_rules"] if item["filter_criteria"]["alert_type__in"] == ["connection_state", "reboot_status_change"]][0]
    other = [item for item in ncm(sim)["alert_rules"] if item is not seeded and item["alert_config_id"] != seeded["alert_config_id"]][0]
    match = dict(alert_types=["reboot_status_change", "connection_state"], groups=["Retail IBR900"])
    run = play(
        [
            task("same", "alert_rule", http_destinations=["noc-webhook"], schedule="none", **match),
            # make the second seeded rule cover the same alert types and groups
            task("copy", "alert_rule", id=other["alert_config_id"], alert_types=["connection_state", "reboot_status_change"]),
            task("ambiguous", "alert_rule", ignore_errors=True, schedule="daily", **match),
        ]
    )
    assert run.task("same")["changed"] is False
    assert run.task("same")["rule"]["id"] == seeded["alert_config_id"]
    assert run.task("copy")["changed"] is True
    message = failed(run, "ambiguous")
    assert "2 alert rules have the alert types connection_state, reboot_status_change and groups Retail IBR900" in message
    assert seeded["alert_config_id"] in message and other["alert_config_id"] in message
    assert write_paths(sim) == [("PATCH", "/api/v2/alert_rules/%s/" % other["alert_config_id"])]


def test_alert_rule_bad_input(sim, play):
    cases = [
        (
            "bad email",
            dict(alert_types=["connection_state"], email_recipients=["noc-at-example.com"]),
            "email_recipients: 'noc-at-example.com' is not an e-mail address",
        ),
        ("data plan", dict(alert_types=["pdp_router_overage"]), "alert types pdp_router_overage need data-plan settings"),
        ("bad id", dict(id="42"), "id must be the rule's alert_config_id"),
        ("bad type", dict(alert_types=["Connection State"]), "'Connection State' not an alert type name"),
    ]
    run = play([task(name, "alert_rule", ignore_errors=True, **args) for name, args, message in cases])
    for name, args, message in cases:
        assert message in failed(run, name), name
    assert sim.requests() == []

    run = play(
        [
            task("unknown user", "alert_rule", ignore_errors=True, alert_types=["connection_state"], email_recipients=["nobody@example.com"]),
            task("unknown destination", "alert_rule", ignore_errors=True, alert_types=["connection_state"], http_destinations=["pager"]),
            task("unknown group", "alert_rule", ignore_errors=True, alert_types=["connection_state"], groups=["Nowhere"]),
        ]
    )
    assert "no NCM user has the e-mail address 'nobody@example.com'" in failed(run, "unknown user")
    assert "unknown http_destinations entry 'pager'; push destinations: noc-webhook" in failed(run, "unknown destination")
    assert "unknown group 'Nowhere'; groups: Clinics E300, Depots AER2200, Retail IBR900, Staging IBR900" in failed(run, "unknown group")
    assert sim.writes() == []


# ---- reboot -----------------------------------------------------------------------------------


def test_reboot(sim, play):
    ibr = router(sim, "IBR900")
    offline = router(sim, state="offline")
    run = play([task("reboot", "reboot", device=ibr["name"])], check=True)
    assert run.rc == 0, run.stdout
    assert run.task("reboot")["changed"] is True  # check mode predicts the reboot
    assert run.task("reboot")["rebooted"] == [{"id": str(ibr["id"]), "name": ibr["name"], "serial": run.task("reboot")["rebooted"][0]["serial"]}]
    assert sim.writes() == []

    run = play(
        [
            task("reboot", "reboot", device=ibr["name"], wait=True, wait_sleep=1, wait_timeout=60),
            task("offline", "reboot", ignore_errors=True, device=offline["name"]),
            task("unknown", "reboot", ignore_errors=True, device="no-such-router"),
            task("no target", "reboot", ignore_errors=True),
        ]
    )
    result = run.task("reboot")
    assert result["changed"] is True and result["offline"] == []
    assert 2 <= result["elapsed"] < 30  # the simulator keeps a rebooting router offline for 2 s
    assert "nothing to reboot: %s offline" % offline["name"] in failed(run, "offline")
    assert write_paths(sim) == [("POST", "/api/v2/reboot_activity/")]
    reboots = ncm(sim)["reboots"]
    assert [(item["router"], item["delivered"]) for item in reboots] == [(ibr["id"], True)]
    assert router(sim, "IBR900")["state"] == "online"
    assert "no device has the id, MAC, serial number or name 'no-such-router'" in failed(run, "unknown")
    assert "give device or group" in failed(run, "no target")


def test_reboot_group_skips_offline_routers(sim, play):
    ibr = router(sim, "IBR900")
    run = play([task("reboot", "reboot", group="Retail IBR900")])
    assert run.rc == 0, run.stdout
    assert [item["id"] for item in run.task("reboot")["rebooted"]] == [str(ibr["id"])]
    assert write_paths(sim) == [("POST", "/api/v2/reboot_activity/")]
