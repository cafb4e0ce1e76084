"""playbooks/site.yml when things go wrong: secrets at -v, a site that fails part-way, two runs of one site at once."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml

from tests.demo import ncm_firmware_version
from tests.integration.conftest import BIN
from tests.integration import test_role
from tests.integration.test_role import PASSPHRASE, SITE, connection, ncm_group, ncm_router

site = test_role.site  # the fixture that runs playbooks/site.yml

pytestmark = pytest.mark.integration

NCM_KEY = "sim-cp-key"


def test_site_definitions_never_show_their_secrets_at_verbose(sim, site):
    """wanfleet_sites items carry passphrases and credentials: no task over them prints them, -vvv included."""
    sites = [
        {
            "site_provision_name": "verbose",
            "site_provision_platform": "ncm",
            "site_provision_connection": connection(sim),
            "site_provision_group": {"name": "Retail IBR900"},
            "site_provision_ssids": [{"name": "Retail-Corp", "id": "0.0", "passphrase": PASSPHRASE}],
        }
    ]
    run = site({}, "-vvv", extra_vars={"wanfleet_sites": sites})
    assert run.rc == 0, run.output
    assert PASSPHRASE not in run.output and NCM_KEY not in run.output
    # a wrong key is still reported by name
    wrong = site({}, "-vvv", extra_vars={"wanfleet_sites": [dict(sites[0], site_provision_ssid=[])]})
    assert wrong.rc != 0 and "unknown: site_provision_ssid" in wrong.failure("localhost")
    assert PASSPHRASE not in wrong.output and NCM_KEY not in wrong.output


def test_a_site_that_fails_part_way_is_in_the_summary_marked_failed(sim, site):
    """The group is created and a router moved, then the SSID write fails: the summary says so."""
    router = ncm_router(sim, "IBR900")
    sites = {
        "north": {
            "site_provision_platform": "ncm",
            "site_provision_connection": connection(sim),
            "site_provision_group": {"name": "Stores North", "product": "IBR900", "target_firmware": ncm_firmware_version(sim, router)},
            "site_provision_devices": [router["name"]],
            "site_provision_ssids": [{"name": "North-Staff", "id": "0.1", "security": "wpa2_personal", "passphrase": PASSPHRASE}],
            "site_provision_reboot_on": ["group"],
        }
    }
    reboots = len(sim.state()["ncm"]["reboots"])
    sim.fault(method="PUT", path="^/api/v2/groups/[0-9]+/$", status=400, count=100)
    sim.fault(method="PATCH", path="^/api/v2/groups/[0-9]+/$", status=400, count=100)
    run = site(sites)
    assert run.rc != 0
    assert "north" in run.summaries, run.output[-6000:]
    summary = run.summaries["north"]
    assert summary["failed"] is True and summary["failure"]["task"].endswith("Ensure the SSIDs")
    assert summary["changes"]["group Stores North"][0] == "created: members %s" % router["name"]
    assert "group Stores North: SSID 'North-Staff' failed" in summary["lines"]
    assert summary["lines"][0].startswith("north (ncm): FAILED at ") and "1 change made before the failure" in summary["lines"][0]
    assert "north (ncm): FAILED at " in run.stdout  # the summary play prints it too
    assert ncm_group(sim, "Stores North")["routers"] == [router["id"]]  # what the summary reports is what happened
    assert len(sim.state()["ncm"]["reboots"]) == reboots  # a failed site reboots nothing
    assert PASSPHRASE not in run.output and PASSPHRASE not in json.dumps(run.summaries)


def concurrent_site_runs(ansible_env, tmp_path, sites, runs=2):
    """Start `runs` ansible-playbook site.yml at once for the same sites; [(returncode, output)]."""
    processes = []
    for number in range(runs):
        directory = tmp_path / ("run%d" % number)
        directory.mkdir()
        inventory = directory / "sites.yml"
        inventory.write_text(yaml.safe_dump({"wanfleet_sites": {"hosts": sites}}))
        env = dict(ansible_env, ANSIBLE_LOCAL_TEMP=str(directory / "local"), ANSIBLE_REMOTE_TMP=str(directory / "remote"))
        processes.append(
            subprocess.Popen(
                [os.path.join(BIN, "ansible-playbook"), "-i", str(inventory), SITE],
                env=env,
                cwd=str(directory),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    return [(process.wait(timeout=600), process.stdout.read()) for process in processes]


def test_two_runs_creating_the_same_ncm_group_leave_one(sim, ansible_env, tmp_path, site):
    # Each create is held 10 s by the server, so both runs have looked for the group (and not found it) before
    # either group exists: the race two AWX jobs of one site run into.
    sim.fault(method="POST", path="^/api/v2/groups/$", delay=10, count=2)
    router = ncm_router(sim, "IBR900")
    sites = {
        "north": {
            "site_provision_platform": "ncm",
            "site_provision_connection": connection(sim),
            "site_provision_group": {"name": "Stores North", "product": "IBR900", "target_firmware": ncm_firmware_version(sim, router)},
            "site_provision_devices": [router["name"]],
        }
    }
    outcomes = concurrent_site_runs(ansible_env, tmp_path, sites)
    assert [rc for rc, _output in outcomes] == [0, 0], "\n".join(output[-3000:] for _rc, output in outcomes)
    assert len([entry for entry in sim.requests() if entry["method"] == "POST" and entry["path"] == "/api/v2/groups/"]) == 2
    groups = [group for group in sim.state()["ncm"]["groups"] if group["name"] == "Stores North"]
    assert len(groups) == 1
    assert groups[0]["routers"] == [router["id"]]
    again = site(sites)  # no ambiguity left for the next run
    assert again.rc == 0 and again.recap("north")["changed"] == 0, again.output


def test_two_runs_creating_the_same_incontrol_group_leave_one(sim, ansible_env, tmp_path, site):
    sim.fault(method="POST", path="^/rest/o/[^/]+/g$", delay=10, count=2)
    sites = {"east": {"site_provision_platform": "incontrol", "site_provision_connection": connection(sim), "site_provision_group": {"name": "Stores East"}}}
    outcomes = concurrent_site_runs(ansible_env, tmp_path, sites)
    assert [rc for rc, _output in outcomes] == [0, 0], "\n".join(output[-3000:] for _rc, output in outcomes)
    assert len([entry for entry in sim.requests() if entry["method"] == "POST" and entry["path"].endswith("/g")]) == 2
    assert len([group for group in sim.state()["incontrol"]["groups"] if group["name"] == "Stores East"]) == 1
    again = site(sites)
    assert again.rc == 0 and again.recap("east")["changed"] == 0, again.output
