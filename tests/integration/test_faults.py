# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault matrix: every module x platform under every fault the simulator can inject.

For each module x platform (tests/integration/files/inprocess.py: CASES, a change from the seed) and
each request it sends that matters (its first read and each of its writes: the *target*), each
fault below is armed for that request, the module runs, and:

- it ends either in success after retries or in a clear failure: `msg` starts with the platform and
  names the call (method and path) and the status or transport failure; never a crash (traceback);
- success means the simulator holds exactly the configuration of an undisturbed run ("new"); a
  failure leaves exactly the configuration before the run ("old") or the new one: never a mix;
- an idempotent request is retried (once per fault, `max_retries` 2 here), with the pause the
  platform asked for (Retry-After in seconds or as an HTTP date) or the backoff;
- a non-idempotent request (a reboot, a create) is sent once: never resent after a failure; a
  second copy is only ever sent after the platform refused the first for an expired token (with
  the new login between the two);
- a read failure sends no write at all.

The matrix runs each module's main() in this process (inprocess.py says why), with the retry pauses
computed but not slept. A second part runs a dozen cases, one per fault kind, through
ansible-playbook with real pauses and with the fault armed by a controller-side action plugin
(tests/integration/files/action_plugins/sim_control.py), so no module process is spent on control;
a third runs the inventory (ansible-inventory) with faults on its listings. The tests after the matrix
hold the fixes of what the matrix found (rollback of a half-created group, messages after a lost answer).

Fault semantics in the simulator (tests/simulator/faults.py): status codes, malformed JSON, stat: fail
and a dropped connection answer in the platform's place (the request is not carried out); a delay
reads the request and lets the platform carry it out after the client's timeout (the answer is lost,
the change is made); token expiry expires the platform's tokens before it answers.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml

from ansible_collections.wanfleet.routers.plugins.module_utils.incontrol import InControlClient
from ansible_collections.wanfleet.routers.plugins.module_utils.ncm import NcmClient
from ansible_collections.wanfleet.routers.plugins.module_utils.peplink_router import PeplinkRouterClient
from ansible_collections.wanfleet.routers.plugins.module_utils.telecomx import TelecomXClient
from tests.integration.conftest import BIN, HERE, credentials
from tests.integration.files.inprocess import (
    CASES,
    CASES_BY_ID,
    PASSPHRASE,
    configuration,
    differences,
    instant_retries,
    normalized,
    run_module,
    wait_until_answered,
)

pytestmark = pytest.mark.integration

MAX_RETRIES = 2  # every single fault below is retried once; a persistent one exhausts the retries
TIMEOUT = 1.0  # the client's timeout in the read-timeout cases (seconds)
LATE = 1.6  # how late the simulator answers in those cases
CLIENTS = {"peplink_router": PeplinkRouterClient, "incontrol": InControlClient, "ncm": NcmClient, "telecomx": TelecomXClient}
AUTH_PATHS = ("/api/oauth2/token", "/api/login", "/api/auth.token.grant", "/auth/login")
# The simulator's credentials and the passphrase the cases set: never in a result, whatever failed.
SECRETS = ("sim-secret", "sim-cp-key", "sim-ecm-key", "sim-password", PASSPHRASE)

# name -> the fault rule (for the next request matching the target; count 1 unless given)
FAULTS = {
    "429-retry-after-seconds": {"status": 429, "retry_after": 1},
    "429-retry-after-date": {"status": 429, "retry_after_date": 1},
    "429-no-header": {"status": 429},
    "500": {"status": 500},
    "502": {"status": 502},
    "503": {"status": 503},
    "504": {"status": 504},
    "dropped-connection": {"drop": True},
    "read-timeout": {"delay": LATE},
    "malformed-json": {"malformed_json": True},
    "token-expiry": {"expire_tokens": True},
    "stat-fail": {"stat_fail": True},
    "503-persistent": {"status": 503, "count": MAX_RETRIES + 1},
    "429-retry-after-too-long": {"status": 429, "retry_after": 120},
}
# A module's reads share one request loop; their part of the matrix keeps the faults that differ.
READ_FAULTS = ("429-retry-after-date", "500", "dropped-connection", "malformed-json", "token-expiry", "stat-fail", "503-persistent")


def applies(case, target, fault):
    if not target.write and case.kind != "read" and fault not in READ_FAULTS:
        return False
    # `stat: fail` is the Peplink router's error envelope; InControl relays router replies (device API)
    # and checks its own envelope; TelecomX and NCM reads check theirs. NCM documents its write answers
    # as empty (201/202), so an unexpected 200 body there is not a fault the client can see.
    if fault == "stat-fail" and case.platform == "ncm" and target.write:
        return False
    return True


def matrix():
    for case in CASES:
        for target in case.targets:
            for fault in FAULTS:
                if applies(case, target, fault):
                    yield pytest.param(case.id, target.name, fault, id="%s-%s-%s" % (case.id, target.name, fault))


def expected_outcome(case, target, fault):
    """ "ok" (success after retries) or "failed" (a clear failure), from the request's idempotency."""
    spec = FAULTS[fault]
    if fault == "token-expiry":
        return "ok"  # refused before it did anything: re-authenticate and resend, even a POST
    if fault in ("malformed-json", "stat-fail", "503-persistent", "429-retry-after-too-long"):
        return "failed"
    if spec.get("status"):
        return "ok" if target.idempotent and spec["status"] in CLIENTS[case.platform].retry_statuses else "failed"
    if target.idempotent:
        return "ok"  # dropped connection, read timeout: resent
    if case.id == "reboot-peplink_router":
        return "ok"  # the router drops the connection when it goes down: a lost answer counts as accepted
    return "failed"


# ---- one case --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def undisturbed(simulator):
    """case id -> (old configuration, new configuration, result, request log) of a run without faults."""
    found = {}

    def get(case):
        if case.id not in found:
            simulator.reset()
            state = simulator.state()
            old = configuration(simulator)
            with instant_retries():
                result = run_module(case.module, case.module_args(simulator, state, max_retries=MAX_RETRIES))
            assert not result.get("failed"), result
            found[case.id] = (old, configuration(simulator), result, simulator.requests())
        return found[case.id]

    return get


def hits(requests, target):
    return [entry for entry in requests if target.matches(entry)]


def check_sent(case, target, fault, requests, outcome, clean_count):
    """How many copies of the target request went out (`clean_count` in a run without faults), and
    that a non-idempotent one is never resent."""
    sent = hits(requests, target)
    assert sent, "the fault's target was never requested: %s" % [(e["method"], e["path"]) for e in requests]
    if fault == "token-expiry":
        # Resent at most once, and only after the platform refused it, with a new login in between.
        assert len(sent) in (clean_count, clean_count + 1), sent
        if len(sent) == clean_count + 1:
            between = [entry for entry in requests if sent[0]["seq"] < entry["seq"] < sent[1]["seq"]]
            assert any(entry["path"].endswith(AUTH_PATHS) for entry in between), (sent, between)
        return
    if not target.idempotent:
        assert len(sent) == 1, "a non-idempotent %s was sent %d times" % (target.name, len(sent))
        return
    if fault == "503-persistent":
        assert len(sent) == MAX_RETRIES + 1
    elif outcome == "failed":
        assert len(sent) == 1, "a failure that is not retried was resent: %s" % [(e["method"], e["status"]) for e in sent]
    else:
        assert len(sent) == clean_count + 1, "expected one retry: %s" % [(e["method"], e["status"]) for e in sent]


def check_pauses(fault, pauses):
    """The pause before the retry: what the platform asked for, else the backoff (0.25-0.5 s first)."""
    if fault == "429-retry-after-seconds":
        assert pauses == [1.0]
    elif fault == "429-retry-after-date":
        assert len(pauses) == 1 and 0.0 <= pauses[0] <= 1.0
    elif fault in ("429-no-header", "500", "502", "503", "504", "dropped-connection", "read-timeout"):
        assert len(pauses) == 1 and 0.25 <= pauses[0] <= 0.5, pauses


def shown_path(entry):
    """A logged request's path as messages show it: relative to the platform's base URL."""
    path = entry["path"]
    if path.startswith("/peplink/"):
        return path[path.index("/api/") :]
    if path.startswith("/api/v2/"):
        return path[len("/api/v2") :]
    return path


def check_message(case, target, fault, result, requests):
    """A clear failure: through the collection's error handling, naming the platform, the call and the status."""
    msg = result["msg"]
    assert not result.get("crashed"), msg
    assert result.get("error_kind"), result
    assert msg.startswith(case.platform + ": "), msg
    assert "%s %s" % (target.method, shown_path(hits(requests, target)[-1])) in msg, msg
    spec = FAULTS[fault]
    if spec.get("status"):
        assert "HTTP %d" % spec["status"] in msg, msg
    if fault == "read-timeout":
        assert "timed out after %gs" % TIMEOUT in msg, msg
    if fault == "malformed-json":
        assert "not JSON" in msg, msg
    if fault == "stat-fail" and case.platform == "peplink_router":
        assert "router error 999: Simulated failure" in msg, msg
    if fault == "503-persistent" and target.idempotent:
        assert "(after %d retries)" % MAX_RETRIES in msg, msg
    if fault == "429-retry-after-too-long" and target.idempotent:
        assert "retry after 120s" in msg, msg
    if fault in ("read-timeout", "dropped-connection") and not target.idempotent:
        assert "may have been carried out" in msg, msg


@pytest.mark.parametrize("case_id,target_name,fault", list(matrix()))
def test_fault(sim, undisturbed, case_id, target_name, fault):
    case = CASES_BY_ID[case_id]
    target = next(item for item in case.targets if item.name == target_name)
    old, new, clean, clean_log = undisturbed(case)
    sim.reset()
    state = sim.state()
    sim.fault(**dict({"method": target.method, "path": target.path, "count": 1}, **FAULTS[fault]))
    extra = {"timeout": TIMEOUT} if fault == "read-timeout" else {}
    with instant_retries() as pauses:
        result = run_module(case.module, case.module_args(sim, state, max_retries=MAX_RETRIES, **extra))
    if fault == "read-timeout":
        wait_until_answered(sim)  # the late answer: its change lands after the client gave up
    requests = sim.requests()
    after = configuration(sim)
    outcome = "failed" if result.get("failed") else "ok"
    expected = expected_outcome(case, target, fault)
    assert outcome == expected, result.get("msg")
    assert [secret for secret in SECRETS if secret in json.dumps(result)] == [], "a secret in the result"

    check_sent(case, target, fault, requests, outcome, len(hits(clean_log, target)))
    if outcome == "ok":
        if target.idempotent:
            check_pauses(fault, pauses)
        if case.kind == "read":
            assert [device["id"] for device in result["devices"]] == [device["id"] for device in clean["devices"]]
        elif case.kind == "config":
            assert result["changed"] is True
            assert after == new, "success, but not the new configuration: %s" % differences(new, after)
        if fault not in ("token-expiry",) and expected == "ok" and target.idempotent:
            assert any("were retried" in warning for warning in result.get("warnings", ())), result.get("warnings")
        return

    check_message(case, target, fault, result, requests)
    if not target.write:
        writes = [entry for entry in requests if entry["method"] not in ("GET", "HEAD") and not entry["path"].endswith(AUTH_PATHS + ("/api/logout",))]
        assert writes == [], "a read failed, yet a write was sent: %s" % writes
    if fault == "read-timeout" and not target.idempotent and case.kind == "config" and after not in (old, new):
        # A create whose answer was lost: the platform made the object after the client gave up,
        # and the module, told only "timed out", stopped before its next step. The message says
        # the request may have been carried out; a second run must finish the job.
        with instant_retries():
            again = run_module(case.module, case.module_args(sim, sim.state(), max_retries=MAX_RETRIES))
        assert not again.get("failed"), again["msg"]
        assert configuration(sim) == new, differences(new, configuration(sim))
        return
    assert after in (old, new), "a failure left a mix of old and new: %s" % differences(old, after)
    if case.kind == "reboot":
        reboots = [entry for entry in hits(requests, target) if str(entry["status"]).startswith("2")]
        assert len(reboots) <= 1


def test_matrix_covers_every_module_and_platform():
    """SPEC section 3: every module on every platform it supports, and every fault kind of the issue."""
    pairs = set((case.module, case.platform) for case in CASES)
    assert pairs == {
        ("device_info", "peplink_router"),
        ("device_info", "incontrol"),
        ("device_info", "ncm"),
        ("device_info", "telecomx"),
        ("ssid_profile", "peplink_router"),
        ("ssid_profile", "incontrol"),
        ("ssid_profile", "ncm"),
        ("ssid_profile", "telecomx"),
        ("wan_priority", "peplink_router"),
        ("wan_priority", "incontrol"),
        ("wan_priority", "ncm"),
        ("group", "incontrol"),
        ("group", "ncm"),
        ("alert_rule", "ncm"),
        ("telecomx_device", "telecomx"),
        ("reboot", "peplink_router"),
        ("reboot", "incontrol"),
        ("reboot", "ncm"),
    }
    assert len(list(matrix())) >= 18 * 12


# ---- what the matrix found, fixed ----------------------------------------------------------------------


@pytest.mark.parametrize("case_id", ["group-incontrol", "group-ncm"])
def test_group_created_with_members_is_deleted_when_the_members_fail(sim, case_id):
    """A group created with members, whose members cannot be added: the new group is deleted again.

    The group is created (POST), then its members are added (incontrol: POST .../add_devices; ncm: PUT
    routers/<id>/ with the group). When that fails, GroupResource.rollback() (ncm: moves the routers
    back first) deletes the new group, and the message says so: the old configuration, not a mix.
    """
    case = CASES_BY_ID[case_id]
    target = next(item for item in case.targets if item.name == "members")
    old = configuration(sim)
    sim.fault(method=target.method, path=target.path, status=500, count=MAX_RETRIES + 1)
    with instant_retries():
        result = run_module(case.module, case.module_args(sim, sim.state(), max_retries=MAX_RETRIES))
    assert result.get("failed") and "HTTP 500" in result["msg"], result
    assert "was deleted again, so nothing changed" in result["msg"], result["msg"]
    assert configuration(sim) == old, "half-created: %s" % differences(old, configuration(sim))


def test_ncm_504_on_a_write_says_it_may_be_carried_out(sim):
    """NCM's 504 hint ("a narrower query usually succeeds") is for listings; on a create it says instead
    that NCM may still carry the request out, so the user checks before re-running."""
    case = CASES_BY_ID["alert_rule-ncm"]
    sim.fault(method="POST", path=r"^/api/v2/alert_rules/$", status=504)
    result = run_module(case.module, case.module_args(sim, sim.state(), max_retries=MAX_RETRIES))
    assert result.get("failed") and "HTTP 504" in result["msg"]
    assert "narrower query" not in result["msg"] and "may still carry it out" in result["msg"], result["msg"]


@pytest.mark.parametrize("case_id", ["reboot-incontrol", "reboot-ncm"])
def test_reboot_whose_answer_is_lost_names_the_device(sim, case_id):
    """A reboot whose answer is lost (read timeout): the platform carried it out, so the message names
    the device as possibly rebooting instead of reporting "no reboot sent", and the reboot is not resent."""
    case = CASES_BY_ID[case_id]
    target = next(item for item in case.targets if item.name == "reboot")
    sim.fault(method=target.method, path=target.path, delay=LATE)
    result = run_module(case.module, case.module_args(sim, sim.state(), max_retries=MAX_RETRIES, timeout=TIMEOUT))
    wait_until_answered(sim)
    assert result.get("failed") and "may have been carried out" in result["msg"], result
    assert [entry["status"] for entry in hits(sim.requests(), target)] in ([200], [201])  # it was carried out
    assert "was sent, its answer was lost (it may be rebooting); reboots sent before it: none" in result["msg"], result["msg"]


# ---- through ansible-playbook: one case per fault kind, real pauses --------------------------------------

ACTION_PLUGINS = os.path.join(HERE, "files", "action_plugins")

# (title, case id, target name, fault, expected outcome): each fault kind once, over the four platforms.
PLAYBOOK_CASES = [
    ("router ssid, apply throttled with Retry-After 1s", "ssid_profile-peplink_router", "apply", "429-retry-after-seconds", "ok"),
    ("router wan priority, stat fail", "wan_priority-peplink_router", "write", "stat-fail", "failed"),
    ("router reboot, 503", "reboot-peplink_router", "reboot", "503", "failed"),
    ("incontrol wan priority, throttled until an HTTP date", "wan_priority-incontrol", "write", "429-retry-after-date", "ok"),
    ("incontrol ssid, token expires mid-run", "ssid_profile-incontrol", "write", "token-expiry", "ok"),
    ("incontrol device_info, dropped connection", "device_info-incontrol", "read", "dropped-connection", "ok"),
    ("ncm ssid, 500 on the config patch", "ssid_profile-ncm", "write", "500", "ok"),
    ("ncm reboot, answer lost to a read timeout", "reboot-ncm", "reboot", "read-timeout", "failed"),
    ("ncm alert rule, 502 on create", "alert_rule-ncm", "create", "502", "failed"),
    ("telecomx device, 504 on create", "telecomx_device-telecomx", "create", "504", "failed"),
    ("telecomx ssid, throttled without Retry-After", "ssid_profile-telecomx", "write", "429-no-header", "ok"),
    ("telecomx device_info, malformed JSON", "device_info-telecomx", "read", "malformed-json", "failed"),
]


def test_faults_through_ansible_playbook(sim, run_playbook, undisturbed):
    """The same guarantees end to end: ansible-playbook, real retry pauses, the messages as printed."""
    expected_configs = dict((case_id, undisturbed(CASES_BY_ID[case_id])[:2]) for case_id in set(c[1] for c in PLAYBOOK_CASES))
    clean_logs = dict((case_id, undisturbed(CASES_BY_ID[case_id])[3]) for case_id in expected_configs)
    sim.reset()
    tasks = []
    for title, case_id, target_name, fault, outcome in PLAYBOOK_CASES:
        case = CASES_BY_ID[case_id]
        target = next(item for item in case.targets if item.name == target_name)
        rule = dict({"method": target.method, "path": target.path, "count": 1}, **FAULTS[fault])
        args = case.module_args(sim, sim.state(), max_retries=MAX_RETRIES)
        for platform in CLIENTS:
            if platform != case.platform:
                args.pop(platform)
        if fault == "read-timeout":
            args["timeout"] = TIMEOUT
        tasks.append({"name": "arm: " + title, "sim_control": {"url": sim.url, "reset": True, "faults": [rule]}})
        tasks.append({"name": title, "wanfleet.routers." + case.module: args, "ignore_errors": True})
        tasks.append({"name": "after: " + title, "sim_control": {"url": sim.url, "capture": True, "settle": fault == "read-timeout"}})
    run = run_playbook(tasks, extra_args=["-v"], env={"ANSIBLE_ACTION_PLUGINS": ACTION_PLUGINS})
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Traceback" not in run.stdout + run.stderr
    for title, case_id, target_name, fault, outcome in PLAYBOOK_CASES:
        case = CASES_BY_ID[case_id]
        target = next(item for item in case.targets if item.name == target_name)
        entry = [item for item in run.results if item["task"] == title][-1]
        result, captured = entry["result"], run.task("after: " + title)
        assert entry["status"] == outcome, (title, result.get("msg"))
        after = normalized(captured["state"])
        old, new = expected_configs[case_id]
        check_sent(case, target, fault, captured["requests"], outcome, len(hits(clean_logs[case_id], target)))
        if outcome == "ok":
            if case.kind == "config":
                assert after == new, (title, differences(new, after))
            if fault != "token-expiry":
                assert any("were retried" in warning for warning in result.get("warnings", ())), (title, result)
            if fault == "429-retry-after-seconds":
                assert any("waited 1.0s" in warning for warning in result["warnings"]), result["warnings"]
                first, second = hits(captured["requests"], target)[:2]
                assert second["time"] - first["time"] >= 0.95, "Retry-After 1 was not waited out"
        else:
            check_message(case, target, fault, result, captured["requests"])
            assert result["msg"] in run.stdout, "the message is not shown to the user"
            assert after in (old, new), (title, differences(old, after))


# ---- the inventory under faults --------------------------------------------------------------------------


def test_inventory_under_faults(sim, ansible_env, tmp_path):
    """Transient faults on the listings are retried and the inventory is complete; one that is not
    (malformed JSON) fails the inventory, with no partial host list."""
    conn = credentials(sim)
    config = {
        "plugin": "wanfleet.routers.fleet",
        "detail": True,
        "sources": [{"platform": name, name: conn[name], "max_retries": MAX_RETRIES, "timeout": TIMEOUT + 1.0} for name in ("incontrol", "ncm", "telecomx")],
    }
    path = tmp_path / "faults.wanfleet.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))

    def inventory():
        process = subprocess.run(
            [os.path.join(BIN, "ansible-inventory"), "-i", str(path), "--list"],
            env=dict(ansible_env, ANSIBLE_INVENTORY_UNPARSED_FAILED="True"),
            capture_output=True,
            text=True,
            timeout=300,
            cwd=str(tmp_path),
            check=False,
        )
        hosts = json.loads(process.stdout)["_meta"]["hostvars"] if process.returncode == 0 else None
        return process, hosts

    clean, expected = inventory()
    assert clean.returncode == 0, clean.stderr[-2000:]
    sim.reset()
    for rule in (
        {"method": "GET", "path": r"^/rest/o/[^/]+/d$", "status": 429, "retry_after_date": 1},
        {"method": "GET", "path": r"^/api/v2/routers/$", "drop": True},
        {"method": "GET", "path": r"^/api/v2/firmwares/$", "delay": TIMEOUT + 1.5},
        {"method": "GET", "path": r"^/network/device$", "expire_tokens": True},
        {"method": "GET", "path": r"^/network/device/model$", "status": 503},
    ):
        sim.fault(**rule)
    faulted, hosts = inventory()
    assert faulted.returncode == 0, faulted.stderr[-2000:]
    assert sorted(hosts) == sorted(expected)
    assert "retried" in faulted.stderr

    sim.reset()
    sim.fault(method="GET", path=r"^/network/device$", malformed_json=True)
    broken, hosts = inventory()
    assert broken.returncode != 0 and hosts is None
    text = " ".join(broken.stderr.split())
    assert "telecomx: GET /network/device answered HTTP 200 with a body that is not JSON" in text, text[-2000:]
    assert not [secret for secret in SECRETS if secret in broken.stdout + broken.stderr + faulted.stderr]
