"""device_info `include: [cellular, location]` through ansible-playbook against the simulator."""

from __future__ import annotations

import pytest

from tests.integration.conftest import credentials

pytestmark = pytest.mark.integration

SIGNAL_KEYS = ("rsrp", "rsrq", "sinr")


def info(platform, include, **args):
    return {"name": "%s %s" % (platform, "+".join(include) or "plain"), "wanfleet.routers.device_info": dict(platform=platform, include=include, **args)}


def modems(devices):
    return [wan for device in devices for wan in device["wan"] if "cellular" in wan]


@pytest.mark.parametrize("platform", ["incontrol", "ncm", "peplink_router"])
def test_cellular_and_location(sim, run_playbook, platform):
    run = run_playbook([info(platform, []), info(platform, ["cellular", "location"])], defaults=credentials(sim))
    assert run.rc == 0, run.stdout
    plain = run.task("%s plain" % platform)["devices"]
    assert not modems(plain) and not any("location" in device for device in plain), "include is off by default"
    devices = run.task("%s cellular+location" % platform)["devices"]
    found = modems(devices)
    assert found, "no cellular WAN got its cellular data"
    for wan in found:
        assert wan["type"] == "cellular" or platform == "ncm"
        assert wan["cellular"]["carrier"] and all(isinstance(wan["cellular"][key], (int, float)) for key in SIGNAL_KEYS)
        assert wan["cellular"]["imei"] and wan["cellular"]["iccid"]
    assert all("location" in device for device in devices)
    located = [device["location"] for device in devices if device["location"]]
    assert located and all(-90 <= item["latitude"] <= 90 and -180 <= item["longitude"] <= 180 for item in located)
    assert sim.writes() == []


def test_ncm_cellular_is_read_in_bulk(sim, run_playbook):
    sim.clear_requests()
    run = run_playbook([info("ncm", ["cellular", "location"])], defaults=credentials(sim))
    assert run.rc == 0, run.stdout
    paths = [entry["path"] for entry in sim.requests()]
    for endpoint in ("/api/v2/net_device_signal_samples/", "/api/v2/locations/"):
        assert paths.count(endpoint) == 1, paths
    devices = run.task("ncm cellular+location")["devices"]
    assert len(set(wan["cellular"]["rsrp"] for wan in modems(devices))) > 1, "each modem has its own newest sample"


def test_telecomx_has_no_cellular_and_a_null_location(sim, run_playbook):
    run = run_playbook([info("telecomx", ["cellular", "location"])], defaults=credentials(sim))
    assert run.rc == 0, run.stdout
    devices = run.task("telecomx cellular+location")["devices"]
    assert not modems(devices) and all(device["location"] is None for device in devices)
