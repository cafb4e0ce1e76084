"""telecomx_device when someone else acts on the same device: a concurrent Wi-Fi edit, and a device another
(interrupted) run left provisioning. Real ansible-playbook runs against the simulator."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from tests.integration.conftest import credentials
from tests.integration.test_telecomx_modules import assert_ok, by_mac, devices, task
from tests.simulator.process import Simulator

pytestmark = pytest.mark.integration


def telecomx_update(sim, device_id, body):
    """Another client's update of a device (the TelecomX API directly, as the manager account)."""
    login = httpx.post(sim.url + "/auth/login", json={"username": "manager@example.com", "password": "sim-password"})
    token = login.json()["token"]
    response = httpx.post("%s/network/device/%s" % (sim.url, device_id), params={"token": token}, json=body)
    assert response.status_code == 200, response.text


def wait_for_request(sim, method, path, timeout=120):
    """Block until a request is in the simulator's log (it may still be waiting for its answer)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(entry["method"] == method and entry["path"] == path for entry in sim.requests()):
            return
        time.sleep(0.1)
    raise AssertionError("no %s %s within %ss" % (method, path, timeout))


def test_an_update_sends_only_the_wifi_keys_that_change(sim, run_playbook):
    """The update of wifi.ssid_5g is held by the server while another client renames the 2.4 GHz SSID: the held
    update must not write the 2.4 GHz SSID back as the module read it."""
    device = devices(sim)["tx-site-0001"]
    path = "/network/device/%s" % device["_id"]
    sim.fault(method="POST", path="^%s$" % path, delay=4, count=1)
    sim.clear_requests()
    outcome = {}
    update = task("5 GHz SSID", "telecomx_device", id=device["_id"], wifi={"ssid_5g": "Fast-5G"})
    worker = threading.Thread(target=lambda: outcome.update(run=run_playbook([update], defaults=credentials(sim))))
    worker.start()
    wait_for_request(sim, "POST", path)  # the module has read the device and its update is held
    telecomx_update(sim, device["_id"], {"wifi": {"ssid": "Edited-elsewhere"}})
    worker.join(timeout=300)
    assert_ok(outcome["run"])
    assert outcome["run"].task("5 GHz SSID")["changed"] is True
    wifi = by_mac(sim, device["macAddress"])["wifi"]
    assert wifi["ssid5G"] == "Fast-5G"
    assert wifi["ssid"] == "Edited-elsewhere"  # the other client's change stays


def test_wait_waits_for_a_device_found_still_provisioning(ansible_env, run_playbook):
    """A create whose wait was cut short (or another run's create) leaves the device PROVISIONING; the next run with
    wait: true returns once it is ACTIVE, not at once. A simulator of its own, with slow provisioning."""
    with Simulator(seed="default", settings={"telecomx_provision_seconds": 8}) as slow:
        args = dict(mac_address="00:11:22:33:44:66", name="Odense office", model="XM-100")
        run = run_playbook([task("create", "telecomx_device", **args)], defaults=credentials(slow))
        assert_ok(run)
        assert run.task("create")["device"]["state"] == "PROVISIONING"
        run = run_playbook([task("again, waiting", "telecomx_device", wait=True, wait_timeout=120, **args)], defaults=credentials(slow))
        assert_ok(run)
        result = run.task("again, waiting")
        assert result["changed"] is False
        assert result["device"]["state"] == "ACTIVE" and result["device"]["jobs"] == 0
