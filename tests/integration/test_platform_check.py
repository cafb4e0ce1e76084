"""playbooks/platform_check.yml against the simulator, in both answer shapes where the evidence is split.

The probe must only read (no write in the simulator's log), stay within its request bound, print one
table per platform, and never show a value (serials, names, passphrases) - only shapes.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.integration.conftest import BIN, first_router_serial
from tests.simulator.process import ROOT, Simulator

pytestmark = pytest.mark.integration

PLAYBOOK = os.path.join(ROOT, "playbooks", "platform_check.yml")
# the probe's own bound (MAX_CALLS) plus logins: InControl token + /rest/o, router login/logout, TelecomX login
MAX_REQUESTS_PER_PLATFORM = 16 + 3


def environment(sim):
    return dict(sim.credentials_environment(), PEPLINK_URL=sim.platform_url("peplink_router", first_router_serial(sim)))


def run_check(sim, ansible_env, tmp_path):
    results = tmp_path / "results.jsonl"
    env = dict(
        ansible_env,
        WANFLEET_RESULTS_FILE=str(results),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"),
        ANSIBLE_REMOTE_TMP=str(tmp_path / "ansible-remote"),
        **environment(sim),
    )
    process = subprocess.run(
        [os.path.join(BIN, "ansible-playbook"), PLAYBOOK], env=env, capture_output=True, text=True, timeout=600, cwd=str(tmp_path), check=False
    )
    assert process.returncode == 0, process.stdout + process.stderr
    entries = [json.loads(line) for line in results.read_text().splitlines()]
    (check,) = [entry["result"] for entry in entries if entry["task"] == "Ask each platform every read the collection depends on"]
    return process.stdout, dict((item["item"], item) for item in check["results"])


@pytest.mark.parametrize("shape", ["list", "object"])
def test_platform_check_reads_only_and_prints_a_table_per_platform(shape, ansible_env, tmp_path):
    with Simulator(seed="default", settings={"incontrol_ssid_profiles_shape": shape}) as sim:
        sim.clear_requests()
        stdout, results = run_check(sim, ansible_env, tmp_path)
        requests = sim.requests()
        assert sim.writes() == []
        state = sim.state()
    assert sorted(results) == ["incontrol", "ncm", "peplink_router", "telecomx"]
    for platform, result in results.items():
        assert result["changed"] is False and not result.get("failed"), result
        outcomes = dict((row["call"], row["outcome"]) for row in result["calls"])
        assert set(outcomes.values()) == {"answered as expected"}, (platform, outcomes)
        assert all(row["status"] == 200 and len(row["fingerprint"]) == 12 for row in result["calls"])
        assert result["table"][1] == "call | evidence | outcome | status | fingerprint | shape"
        assert "platform_check %s" % platform in stdout
    assert all(entry["method"] in ("GET", "HEAD") or entry["path"].endswith(("/token", "/login", "/logout")) for entry in requests)
    for platform in ("incontrol", "ncm", "peplink", "telecomx"):
        assert sum(1 for entry in requests if entry["platform"] == platform) <= MAX_REQUESTS_PER_PLATFORM
    ssid = next(row for row in results["incontrol"]["calls"] if row["call"].endswith("/ssid_profiles"))
    assert ssid["shape"].startswith("{ssid_profiles: [" if shape == "object" else "[")
    # evidence is named per call: documented or inferred
    assert any(row["evidence"].startswith("inferred") for row in results["peplink_router"]["calls"])
    # never a value: no serial, router name or passphrase of the simulator appears in the output
    values = list(state["peplink"]["routers"]) + [router["name"] for router in state["peplink"]["routers"].values()]
    values += [profile["wpa_passphrase"] for profile in state["incontrol"]["ssid_profiles"]]
    values += [router["serial_number"] for router in state["ncm"]["routers"] if router.get("serial_number")]
    shown = json.dumps([(result["calls"], result["table"]) for result in results.values()])
    for value in values:
        assert value not in shown, value
    # the printed tables (the router URL, an input holding the simulator's serial, is not part of them)
    printed = stdout.split("Print the tables", 1)[1]
    for value in values:
        assert value not in printed, (value, printed[max(0, printed.find(value) - 200) : printed.find(value) + 50])


def test_platform_check_reports_a_different_shape_and_a_refusal(sim, ansible_env, tmp_path):
    sim.fault(method="GET", path="status.system.info", status=200, body={"stat": "ok", "response": ["not", "an", "object"]})
    sim.fault(method="GET", path="/default_configuration/$", status=403, body={"success": False, "data": {"exception": "forbidden", "message": "Forbidden"}})
    stdout, results = run_check(sim, ansible_env, tmp_path)
    router = dict((row["call"], row) for row in results["peplink_router"]["calls"])
    assert router["GET /api/status.system.info"]["outcome"] == "different shape"
    assert router["GET /api/status.system.info"]["shape"] == "[str]"
    ncm = next(row for row in results["ncm"]["calls"] if "default_configuration" in row["call"])
    assert ncm["outcome"] == "refused (permission)" and ncm["status"] == 403
    assert sim.writes() == []
