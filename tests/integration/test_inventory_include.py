"""The inventory plugin's `include` (cellular, location) through ansible-inventory against the simulator."""

from __future__ import annotations

import pytest

from tests.integration.test_inventory import inventory, ok, plain, sources, write

pytestmark = pytest.mark.integration


def test_include_sets_cellular_and_location_and_groups_by_carrier(sim, ansible_env, tmp_path):
    config = {
        "sources": sources(sim),
        "include": ["cellular", "location"],
        "keyed_groups": [{"key": "wanfleet_cellular | map(attribute='carrier') | list", "prefix": "carrier"}],
        "compose": {
            "signal_class": "'none' if not wanfleet_cellular or wanfleet_cellular[0].rsrp is none else 'good' if wanfleet_cellular[0].rsrp >= -90 else 'poor'"
        },
        "strict": True,
    }
    data = plain(ok(*inventory(ansible_env, write(tmp_path, config))))
    hostvars = data["_meta"]["hostvars"]
    assert all("wanfleet_cellular" in host and "wanfleet_location" in host for host in hostvars.values())
    modems = [modem for host in hostvars.values() for modem in host["wanfleet_cellular"]]
    platforms_with_modems = set(host["wanfleet_platform"] for host in hostvars.values() if host["wanfleet_cellular"])
    assert platforms_with_modems == {"incontrol", "ncm"}  # TelecomX documents no modem fields
    assert all(modem["wan_id"] and modem["carrier"] and modem["rsrp"] is not None for modem in modems)
    carriers = [name for name in data if name.startswith("carrier_")]
    assert carriers and all(data[name]["hosts"] for name in carriers)
    assert set(host["signal_class"] for host in hostvars.values()) >= {"none"}
    located = [host["wanfleet_location"] for host in hostvars.values() if host["wanfleet_location"]]
    assert located and all(set(item) == {"latitude", "longitude", "accuracy_m", "method", "updated_at"} for item in located)


def test_without_include_the_variables_are_not_defined_and_cost_nothing(sim, ansible_env, tmp_path):
    sim.clear_requests()
    data = plain(ok(*inventory(ansible_env, write(tmp_path, {"sources": sources(sim)}))))
    assert not any("wanfleet_cellular" in host or "wanfleet_location" in host for host in data["_meta"]["hostvars"].values())
    paths = set(entry["path"] for entry in sim.requests())
    assert not paths & {"/api/v2/net_device_signal_samples/", "/api/v2/locations/", "/api/v2/net_devices/"}


def test_include_per_source_and_bad_value(sim, ansible_env, tmp_path):
    config = {"sources": sources(sim, ("ncm",), include=["location"]) + sources(sim, ("telecomx",))}
    hostvars = plain(ok(*inventory(ansible_env, write(tmp_path, config))))["_meta"]["hostvars"]
    assert all(("wanfleet_location" in host) == (host["wanfleet_platform"] == "ncm") for host in hostvars.values())
    config = {"sources": sources(sim, ("ncm",), include=["signal"])}
    process = inventory(ansible_env, write(tmp_path, config), env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})[0]
    assert process.returncode != 0 and "include must be a list of cellular, location" in process.stderr
