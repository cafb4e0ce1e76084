"""The site_provision role through playbooks/site.yml, against the simulator.

Every site is an inventory host of group `wanfleet_sites` (as in `make demo`). Each scenario runs
--check --diff (nothing is sent), then applies, then applies again (nothing changes, no write), and
reads the role's summary (written by site.yml with wanfleet_summary_path) and the simulator's state.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml

from tests.demo import ncm_firmware_version
from tests.integration.conftest import BIN, credentials
from tests.simulator.process import ROOT

pytestmark = pytest.mark.integration

SITE = os.path.join(ROOT, "playbooks", "site.yml")
PASSPHRASE = "Role-Staff-Passphrase-42"
RECAP = "PLAY RECAP"


class SiteRun(object):
    def __init__(self, process, results, summaries):
        self.rc = process.returncode
        self.stdout = process.stdout
        self.stderr = process.stderr
        self.output = process.stdout + process.stderr
        self.results = results
        self.summaries = summaries

    def recap(self, host):
        """{ok, changed, failed, ...} of one host, from the play recap."""
        tail = self.stdout[self.stdout.rindex(RECAP) :]
        for line in tail.splitlines():
            if line.startswith(host + " "):
                return dict((key, int(value)) for key, value in (part.split("=") for part in line.split(":", 1)[1].split()))
        raise AssertionError("%s is not in the recap:\n%s" % (host, tail))

    def failure(self, host):
        """The message of the first task that failed on a host."""
        failed = [entry for entry in self.results if entry["host"] == host and entry["status"] == "failed"]
        assert failed, "nothing failed on %s:\n%s" % (host, self.stdout[-3000:])
        result = failed[0]["result"]
        items = [item["msg"] for item in result.get("results", []) if item.get("failed")]
        return "; ".join(items) if items else result["msg"]

    def statuses(self, site):
        """{(target, kind, name): status} from the role's summary of a site."""
        return dict(((entry["target"], entry["kind"], entry["name"]), entry["status"]) for entry in self.summaries[site]["results"])


@pytest.fixture
def site(ansible_env, tmp_path):
    """site(sites, *ansible-playbook args, extra_vars=None) runs playbooks/site.yml over the sites (inventory hosts)."""
    counter = [0]

    def run(sites, *args, extra_vars=None, env=None):
        counter[0] += 1
        inventory = tmp_path / ("sites%d.yml" % counter[0])
        inventory.write_text(yaml.safe_dump({"wanfleet_sites": {"hosts": sites}}))
        summary = tmp_path / ("summary%d.json" % counter[0])
        results = tmp_path / ("results%d.jsonl" % counter[0])
        variables = dict(extra_vars or {}, wanfleet_summary_path=str(summary))
        command = [os.path.join(BIN, "ansible-playbook"), "-i", str(inventory), SITE, "-e", json.dumps(variables)] + list(args)
        # Own Ansible temp dirs per run, as the harness's run_playbook: parallel runs sharing ~/.ansible/tmp collide.
        process_env = dict(
            ansible_env,
            WANFLEET_RESULTS_FILE=str(results),
            ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"),
            ANSIBLE_REMOTE_TMP=str(tmp_path / "ansible-remote"),
            **(env or {}),
        )
        process = subprocess.run(command, env=process_env, capture_output=True, text=True, timeout=900, cwd=str(tmp_path), check=False)
        recorded = [json.loads(line) for line in results.read_text().splitlines()] if results.exists() else []
        summaries = dict((entry["site"], entry) for entry in json.loads(summary.read_text())) if summary.exists() else {}
        return SiteRun(process, recorded, summaries)

    return run


def connection(sim, serial=None):
    """site_provision_connection: the simulator's credentials of every platform."""
    return credentials(sim, serial)


def ncm_router(sim, product):
    return [router for router in sim.state()["ncm"]["routers"] if router["product"] == product and router["state"] == "online"][0]


def ncm_group(sim, name):
    matches = [group for group in sim.state()["ncm"]["groups"] if group["name"] == name]
    return matches[0] if matches else None


def test_ncm_group_site_check_apply_and_apply_again(sim, site):
    router = ncm_router(sim, "IBR900")
    sites = {
        "stores": {
            "site_provision_platform": "ncm",
            "site_provision_connection": connection(sim),
            "site_provision_group": {"name": "Role stores", "product": "IBR900", "target_firmware": ncm_firmware_version(sim, router)},
            "site_provision_devices": [router["name"]],
            "site_provision_ssids": [
                {"name": "Role-Staff", "id": "0.1", "enabled": True, "security": "wpa2_personal", "passphrase": PASSPHRASE, "update_passphrase": "on_create"}
            ],
            "site_provision_alert_rules": [{"alert_types": ["connection_state", "failover_event"], "schedule": "none"}],
        }
    }
    rules_before = len(sim.state()["ncm"]["alert_rules"])

    check = site(sites, "--check", "--diff")
    assert check.rc == 0, check.output
    assert sim.writes() == []
    assert check.statuses("stores") == {
        ("group Role stores", "group", "Role stores"): "created",
        ("group Role stores", "SSID", "Role-Staff"): "pending",
        ("group Role stores", "alert rule", "connection_state+failover_event"): "pending",
    }
    assert check.summaries["stores"]["check_mode"] is True
    assert "group Role stores: would be created: members %s" % router["name"] in check.summaries["stores"]["lines"]
    assert ncm_group(sim, "Role stores") is None

    apply = site(sites)
    assert apply.rc == 0, apply.output
    assert apply.recap("stores")["changed"] == 3
    assert set(apply.statuses("stores").values()) == {"created"}
    group = ncm_group(sim, "Role stores")
    assert group["routers"] == [router["id"]]
    assert group["configuration"][0]["wlan"]["radio"]["0"]["bss"]["1"]["ssid"] == "Role-Staff"
    rules = sim.state()["ncm"]["alert_rules"]
    assert len(rules) == rules_before + 1 and rules[-1]["associated_groups"] == [group["id"]]
    assert apply.summaries["stores"]["changes"] == {
        "group Role stores": ["created: members %s" % router["name"], "SSID 'Role-Staff' created", "alert rule 'connection_state+failover_event' created"]
    }

    sim.clear_requests()
    again = site(sites)
    assert again.rc == 0, again.output
    assert again.recap("stores")["changed"] == 0
    assert sim.writes() == []
    assert again.summaries["stores"]["changed"] is False
    assert again.summaries["stores"]["lines"] == ["stores (ncm): no changes"]
    assert set(again.statuses("stores").values()) == {"unchanged"}

    recheck = site(sites, "--check", "--diff")
    assert recheck.rc == 0 and recheck.recap("stores")["changed"] == 0
    assert sim.writes() == []


def test_incontrol_and_router_sites_reboot_only_after_a_change(sim, site):
    """An InControl group SSID, and a router's WAN priorities with site_provision_reboot_on: [wan]."""
    serial = sorted(sim.state()["peplink"]["routers"])[0]
    sites = {
        "branches": {
            "site_provision_platform": "incontrol",
            "site_provision_connection": connection(sim),
            "site_provision_group": {"name": "Branches"},
            "site_provision_ssids": [{"name": "Branch WiFi", "vlan_id": 30}],
            "site_provision_reboot_on": ["group"],  # an SSID change is not a reason here
        },
        "hq": {
            "site_provision_platform": "peplink_router",
            "site_provision_connection": connection(sim, serial),
            "site_provision_wan": [{"connections": [{"id": "1", "priority": 2}, {"id": "2", "priority": 1}]}],
            "site_provision_reboot_on": ["wan"],
            "site_provision_reboot_sleep": 1,
            "site_provision_reboot_timeout": 60,
        },
    }
    router_target = "router " + sim.platform_url("peplink_router", serial).split("://", 1)[1]

    check = site(sites, "--check", "--diff")
    assert check.rc == 0, check.output
    assert sim.writes() == []
    assert check.statuses("branches") == {("group Branches", "group", "Branches"): "unchanged", ("group Branches", "SSID", "Branch WiFi"): "changed"}
    assert check.statuses("hq") == {(router_target, "WAN priorities", ""): "changed", (router_target, "reboot", ""): "rebooted"}
    assert "%s: would be rebooted" % router_target in check.summaries["hq"]["lines"]
    assert '"vlan_id": 30' in check.stdout  # the diff

    apply = site(sites)
    assert apply.rc == 0, apply.output
    assert apply.statuses("branches")[("group Branches", "SSID", "Branch WiFi")] == "changed"
    assert apply.statuses("hq")[(router_target, "reboot", "")] == "rebooted"
    assert apply.summaries["hq"]["rebooted"]
    reboots = [entry for entry in sim.requests() if entry["method"] == "POST" and entry["path"].endswith("cmd.system.reboot")]
    assert len(reboots) == 1 and serial in reboots[0]["path"]
    assert [profile["vlan_id"] for profile in sim.state()["incontrol"]["ssid_profiles"] if profile["ssid"] == "Branch WiFi"] == [30]
    assert sim.state()["peplink"]["routers"][serial]["saved"]["wan"]["2"]["priority"] == 1
    assert sim.state()["peplink"]["routers"][serial]["saved"]["wan"]["1"]["priority"] == 2

    sim.clear_requests()
    again = site(sites)
    assert again.rc == 0, again.output
    assert again.recap("branches")["changed"] == 0 and again.recap("hq")["changed"] == 0
    assert sim.writes() == []
    assert not again.summaries["hq"]["rebooted"]


# ---- input errors: each stops its site before any request ------------------------------------------

BAD_SITES = {
    # meta/argument_specs.yml
    "no-platform": ({}, "missing required arguments: site_provision_platform"),
    "bad-platform": ({"site_provision_platform": "meraki"}, "site_provision_platform must be one of: incontrol, ncm, peplink_router, telecomx"),
    "ssid-typo": (
        {"site_provision_platform": "ncm", "site_provision_group": {"name": "G"}, "site_provision_ssids": [{"name": "S", "passphase": "x"}]},
        "passphase",
    ),
    "bad-security": (
        {"site_provision_platform": "ncm", "site_provision_group": {"name": "G"}, "site_provision_ssids": [{"name": "S", "security": "wep"}]},
        "security must be one of",
    ),
    "group-without-name": (
        {"site_provision_platform": "ncm", "site_provision_group": {"product": "IBR900"}},
        "missing required arguments: name found in site_provision_group",
    ),
    "wan-without-connections": (
        {"site_provision_platform": "peplink_router", "site_provision_wan": [{"apply": True}]},
        "missing required arguments: connections found in site_provision_wan",
    ),
    # tasks/main.yml's first task (two variables at once)
    "router-with-group": (
        {"site_provision_platform": "peplink_router", "site_provision_group": {"name": "G"}},
        "site_provision_group: a peplink_router site has no group",
    ),
    "incontrol-ssid-without-group": (
        {"site_provision_platform": "incontrol", "site_provision_ssids": [{"name": "S"}]},
        "site_provision_ssids[0] (S): incontrol SSID profiles belong to a group",
    ),
    "alert-rule-on-incontrol": (
        {"site_provision_platform": "incontrol", "site_provision_alert_rules": [{"alert_types": ["x"]}]},
        "site_provision_alert_rules: only ncm has alert rules",
    ),
    "members-without-group": (
        {"site_provision_platform": "ncm", "site_provision_devices": ["r1"]},
        "site_provision_devices: these are the members of site_provision_group, which is not set",
    ),
    "telecomx-ssid-without-band": (
        {"site_provision_platform": "telecomx", "site_provision_ssids": [{"name": "S", "device": "d"}]},
        "telecomx SSIDs need device and band",
    ),
}


def test_bad_input_fails_with_a_clear_message_before_any_request(sim, site):
    run = site(dict((name, case[0]) for name, case in BAD_SITES.items()))
    assert run.rc != 0
    for name, case in BAD_SITES.items():
        assert case[1] in run.failure(name), name
        assert run.recap(name)["failed"] == 1
    assert sim.requests() == []


def test_passphrases_never_show_even_verbose(sim, site, tmp_path):
    sites = {
        "staff": {
            "site_provision_platform": "ncm",
            "site_provision_connection": connection(sim),
            "site_provision_group": {"name": "Retail IBR900"},
            "site_provision_ssids": [{"name": "Retail-Corp", "id": "0.0", "passphrase": PASSPHRASE}],  # the seed's, new passphrase
        }
    }
    check = site(sites, "--check", "--diff", "-vvv")
    apply = site(sites, "--diff", "-vvv")
    for run in (check, apply):
        assert run.rc == 0, run.output
        assert PASSPHRASE not in run.output
        assert PASSPHRASE not in json.dumps(run.results)
        assert PASSPHRASE not in json.dumps(run.summaries)
    assert "********" in apply.stdout  # the diff masks it
    assert apply.summaries["staff"]["changes"] == {"group Retail IBR900": ["SSID 'Retail-Corp' changed: passphrase"]}
    assert ncm_group(sim, "Retail IBR900")["configuration"][0]["wlan"]["radio"]["0"]["bss"]["0"]["wpapsk"] == PASSPHRASE


def test_sites_given_as_variables_and_credentials_from_the_environment(sim, site):
    environment = {"INCONTROL_URL": sim.url, "INCONTROL_CLIENT_ID": "sim-client", "INCONTROL_CLIENT_SECRET": "sim-secret", "INCONTROL_ORG": "sim-org"}
    sites = [
        {
            "site_provision_name": "staging",
            "site_provision_platform": "incontrol",
            "site_provision_group": {"name": "Staging"},
            "site_provision_ssids": [{"name": "Staging-Guest", "security": "open", "enabled": True}],
            "site_provision_backup_keep": 5,
        }
    ]  # any option of the role's argument spec is a site key
    apply = site({}, extra_vars={"wanfleet_sites": sites}, env=environment)
    assert apply.rc == 0, apply.output
    assert apply.summaries["staging"]["changes"] == {"group Staging": ["SSID 'Staging-Guest' created"]}
    again = site({}, extra_vars={"wanfleet_sites": sites}, env=environment)
    assert again.rc == 0 and again.recap("staging")["changed"] == 0 and again.recap("localhost")["changed"] == 0

    wrong = site({}, extra_vars={"wanfleet_sites": [dict(sites[0], site_provision_ssid=[])]}, env=environment)
    assert wrong.rc != 0
    assert "unknown: site_provision_ssid" in wrong.failure("localhost")

    none = site({}, env=environment)
    assert none.rc != 0
    assert "No sites to provision: give an inventory whose group wanfleet_sites holds the sites" in none.failure("localhost")


def test_ncm_reboots_each_router_once_after_group_and_device_changes(sim, site):
    """A group SSID change reboots the group's routers; a WAN change on one of them does not reboot it again."""
    router = ncm_router(sim, "IBR900")
    retail = ncm_group(sim, "Retail IBR900")
    assert retail["routers"] == [router["id"]]
    sites = {
        "retail": {
            "site_provision_platform": "ncm",
            "site_provision_connection": connection(sim),
            "site_provision_group": {"name": "Retail IBR900"},
            "site_provision_ssids": [{"name": "Retail-Corp", "id": "0.0", "broadcast": False}],
            "site_provision_wan": [{"device": router["name"], "connections": [{"name": "LTE", "priority": 2}]}],
            "site_provision_reboot_on": ["ssid", "wan"],
            "site_provision_reboot_sleep": 1,
            "site_provision_reboot_timeout": 120,
        }
    }
    check = site(sites, "--check")
    assert check.rc == 0, check.output
    assert sim.writes() == []
    assert check.statuses("retail") == {
        ("group Retail IBR900", "group", "Retail IBR900"): "unchanged",
        ("group Retail IBR900", "SSID", "Retail-Corp"): "changed",
        ("device " + router["name"], "WAN priorities", ""): "changed",
        ("device " + router["name"], "reboot", ""): "rebooted",
    }

    apply = site(sites)
    assert apply.rc == 0, apply.output
    assert apply.summaries["retail"]["rebooted"] == [router["name"]]
    reboots = [entry for entry in sim.requests() if entry["method"] == "POST" and "reboot_activity" in entry["path"]]
    assert len(reboots) == 1

    sim.clear_requests()
    again = site(sites)
    assert again.rc == 0 and again.recap("retail")["changed"] == 0, again.output
    assert sim.writes() == []


def test_backup_dest_saves_the_devices_before_the_change(sim, site, tmp_path):
    """site_provision_backup_dest: the group's routers are backed up, with their configuration before the role's change;
    a group the role is about to create has nothing to back up and does not fail the site."""
    dest = tmp_path / "backups"
    existing = {
        "site_provision_platform": "ncm",
        "site_provision_connection": connection(sim),
        "site_provision_group": {"name": "Retail IBR900"},
        "site_provision_backup_dest": str(dest),
        "site_provision_ssids": [{"name": "Role-Backup", "id": "0.1", "enabled": True, "security": "open"}],
    }
    new = dict(existing, site_provision_group={"name": "Role new group", "product": "IBR900", "target_firmware": "7.24.10"})

    check = site({"existing": existing, "new": new}, "--check")
    assert check.rc == 0, check.output
    assert not dest.exists() and sim.writes() == []

    apply = site({"existing": existing, "new": new})
    assert apply.rc == 0, apply.output
    saved = sorted(os.listdir(str(dest / "ncm")))
    assert "groups" in saved and "history" in saved and any(name.endswith(".json") for name in saved)
    router_file = [name for name in saved if name.endswith(".json")][0]
    assert "Role-Backup" not in (dest / "ncm" / router_file).read_text()  # taken before the SSID was set
    assert ncm_group(sim, "Role new group") is not None
