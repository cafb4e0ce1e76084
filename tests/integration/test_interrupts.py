"""Ctrl-C (SIGINT) and AWX's cancel (SIGTERM) sent to a real ansible-playbook in the middle of a write.

The simulator answers every request late (latency), which keeps a write in flight long enough to
interrupt it; the test waits until the write has reached the simulator, signals ansible-playbook
(which passes the signal on to its worker, and the worker to a module process), then checks the
simulator: nothing half-applied, every router session closed. On a collection without interrupt
handling the worker dies at once: the router keeps the SSID saved but not applied and an open
session, the new NCM group keeps the routers moved into it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

import pytest
import yaml

from ansible_collections.wanfleet.routers.plugins.module_utils.interrupt import Interruptible
from ansible_collections.wanfleet.routers.plugins.plugin_utils.controller import run_on_controller
from tests.integration.conftest import BIN, credentials
from tests.simulator.process import Simulator

pytestmark = [pytest.mark.integration, pytest.mark.slow]

LATENCY_MS = 700
SIGNALS = [signal.SIGINT, signal.SIGTERM]


@pytest.fixture(scope="module")
def fleet():
    """A simulator with 12 devices per platform (several NCM routers of one product)."""
    with Simulator(fleet=12, settings={"reboot_seconds": 60}) as sim:
        yield sim


@pytest.fixture
def fleet_sim(fleet):
    fleet.reset()
    yield fleet
    fleet.latency(0)


@pytest.fixture
def slow_sim(sim):
    """The session's simulator (default seed); its latency is set back after the test."""
    yield sim
    sim.latency(0)


def start(ansible_env, tmp_path, tasks, play_vars=None):
    play = [{"name": "interrupted", "hosts": "localhost", "connection": "local", "gather_facts": False, "vars": play_vars or {}, "tasks": tasks}]
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    env = dict(ansible_env, ANSIBLE_LOCAL_TEMP=str(tmp_path / "local"), ANSIBLE_REMOTE_TMP=str(tmp_path / "remote"))
    return subprocess.Popen(
        [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", str(playbook)],
        env=env,
        cwd=str(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for %s" % what)


def interrupt_when(sim, process, method, path_part, signum, answered=False):
    """Send `signum` to ansible-playbook once a `method` request to a path containing `path_part` reached the
    simulator (and, with answered, got its answer); return ansible-playbook's output."""

    def seen():
        assert process.poll() is None, process.stdout.read()
        return [entry for entry in sim.requests() if entry["method"] == method and path_part in entry["path"] and (entry["status"] is not None or not answered)]

    wait_for(seen, what="%s %s" % (method, path_part))
    process.send_signal(signum)
    output = process.communicate(timeout=120)[0]
    return output


@pytest.mark.parametrize("run_on_controller", [True, False], ids=["worker", "module-process"])
@pytest.mark.parametrize("signum", SIGNALS, ids=lambda signum: signal.Signals(signum).name)
def test_an_interrupted_ssid_write_is_discarded_and_the_session_closed(slow_sim, ansible_env, tmp_path, signum, run_on_controller):
    sim = slow_sim
    (serial,) = [serial for serial, router in sim.state()["peplink"]["routers"].items() if router["name"] == "router-001"]
    before = sim.state()["peplink"]["routers"][serial]
    sim.latency(LATENCY_MS)
    process = start(
        ansible_env,
        tmp_path,
        [
            {
                "name": "rename the SSID",
                "wanfleet.routers.ssid_profile": {
                    "platform": "peplink_router",
                    "id": "2",
                    "name": "Interrupted-SSID",
                    "peplink_router": credentials(sim, serial)["peplink_router"],
                },
            }
        ],
        play_vars={"wanfleet_run_on_controller": run_on_controller},
    )
    output = interrupt_when(sim, process, "POST", "config.ssid.profile", signum)
    assert process.returncode != 0

    def settled():  # a module process may still be cleaning up after ansible-playbook ended
        router = sim.state()["peplink"]["routers"][serial]
        return router if not router["pending"] and router["sessions"] == 0 else None

    router = wait_for(settled, timeout=30, what="no pending config and no session (last: %s)\n%s" % (sim.state()["peplink"]["routers"][serial], output))
    assert router["running"] == before["running"] and router["saved"] == before["saved"]
    assert any(entry["path"].endswith("cmd.config.discard") for entry in sim.writes())


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda signum: signal.Signals(signum).name)
def test_an_interrupted_group_create_is_rolled_back(fleet_sim, ansible_env, tmp_path, signum):
    sim = fleet_sim
    routers = [item for item in sim.state()["ncm"]["routers"] if item["product"] == "IBR900"]
    assert len(routers) >= 3, "the fleet has too few IBR900 routers"
    groups_before = dict((item["id"], item["group"]) for item in routers)
    sim.latency(LATENCY_MS)
    process = start(
        ansible_env,
        tmp_path,
        [
            {
                "name": "create a group",
                "wanfleet.routers.group": {
                    "platform": "ncm",
                    "name": "Interrupted",
                    "product": "IBR900",
                    "target_firmware": "7.24.10",
                    "devices": [item["name"] for item in routers],
                    "ncm": credentials(sim)["ncm"],
                },
            }
        ],
    )
    output = interrupt_when(sim, process, "PUT", "/routers/", signum)
    assert process.returncode != 0

    def rolled_back():
        state = sim.state()["ncm"]
        now = dict((item["id"], item["group"]) for item in state["routers"] if item["id"] in groups_before)
        return not any(item["name"] == "Interrupted" for item in state["groups"]) and now == groups_before

    wait_for(rolled_back, timeout=30, what="the group deleted and its routers back\n%s" % output)
    assert any(entry["method"] == "DELETE" and "/groups/" in entry["path"] for entry in sim.writes())


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda signum: signal.Signals(signum).name)
def test_an_interrupted_reboot_wait_says_the_reboot_was_sent(fleet_sim, signum):
    """In the worker's code path (run_on_controller, the signal sent to this process during the wait): the
    message that ends the task. ansible-playbook shows no task result after an interrupt, so it is read here."""
    sim = fleet_sim
    online = [item for item in sim.state()["ncm"]["routers"] if item["state"] == "online"][0]
    args = {"platform": "ncm", "device": online["name"], "wait": True, "wait_sleep": 1, "wait_timeout": 600, "ncm": credentials(sim)["ncm"]}

    def signal_during_the_wait():
        wait_for(lambda: [entry for entry in sim.requests() if entry["path"].endswith("/reboot_activity/") and entry["status"] is not None], what="the reboot")
        time.sleep(0.5)
        os.kill(os.getpid(), signum)

    watcher = threading.Thread(target=signal_during_the_wait)
    watcher.start()
    try:
        result = run_on_controller("reboot", args, False)
    finally:
        watcher.join()
        Interruptible.last = None
    assert result["failed"] and result["error_kind"] == "interrupted", result
    assert "interrupted by %s" % signal.Signals(signum).name in result["msg"]
    assert "the reboots were sent (%s), only the wait for them was cut short" % online["name"] in result["msg"]
