"""playbooks/fleet_report.yml with hostile inventory values, and with one router read through two platforms."""

from __future__ import annotations

import pytest
import yaml

from tests.integration.conftest import first_router_serial
from tests.integration.test_report import ENVIRONMENT, parse, run_report

pytestmark = pytest.mark.integration

MARKUP = '"><img src=x onerror=alert(1)><i class="'


def test_every_value_from_the_inventory_is_escaped(sim, ansible_env, tmp_path):
    """Host variables of any inventory source (a static file here) are text in the page, never markup."""
    host = {
        "wanfleet_platform": MARKUP,
        "wanfleet_status": MARKUP,
        "wanfleet_name": MARKUP,
        "wanfleet_serial": MARKUP,
        "wanfleet_model": MARKUP,
        "wanfleet_firmware": MARKUP,
        "wanfleet_group": MARKUP,
        "wanfleet_wan": [{"id": "1", "name": MARKUP, "status": MARKUP, "ip": MARKUP, "priority": MARKUP, "enabled": True}],
    }
    inventory = tmp_path / "hostile.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {"router-x": host}}}))
    path = run_report(ansible_env, tmp_path, "-e", "wanfleet_report_from_inventory=true", inventory=str(inventory))[1]
    text, page = parse(path)
    assert page.tags["img"] == 0 and page.tags["i"] == 0, text
    assert "onerror" not in [name for name, _value in page.attributes]
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    # the values are there, as text, in the device row (platform name, name, serial, model, firmware, group, status)
    (row,) = page.tables["devices"][1:]
    assert row[:7] == [MARKUP] * 7


def test_a_router_read_through_two_platforms_is_one_device(sim, ansible_env, tmp_path):
    """The same Peplink router through InControl and through its local API: one row, both platforms, counted once."""
    serial = first_router_serial(sim)
    env = dict((key, value) for key, value in ENVIRONMENT.items() if key.startswith("INCONTROL_"))
    env.update(INCONTROL_URL=sim.url, PEPLINK_URL=sim.platform_url("peplink_router", serial), PEPLINK_USERNAME="admin", PEPLINK_PASSWORD="admin")
    process, path = run_report(ansible_env, tmp_path, env=env)
    text, page = parse(path)
    routers = sim.state()["peplink"]["routers"]
    devices = page.tables["devices"][1:]
    assert len(devices) == len(routers) == 3
    (both,) = [row for row in devices if row[2] == serial]
    assert both[0] == "InControl 2 + Peplink router"
    assert "%d devices on" % len(routers) in text
    assert "1 device read through more than one platform (the same serial number) is counted once" in " ".join(text.split())
    rows = dict((row[0], row[1]) for row in page.tables["platforms"][1:])
    assert rows["All"] == "3" and rows["InControl 2"] == "3"
    assert "(3 devices," in process.stdout
