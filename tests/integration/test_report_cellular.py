"""The fleet report's cellular health section (playbooks/templates/fleet_report_cellular.html.j2) against the simulator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
import yaml

from tests.integration.conftest import credentials
from tests.integration.test_report import ENVIRONMENT, parse, run_report

pytestmark = pytest.mark.integration

SCREENSHOT = os.environ.get("WANFLEET_REPORT_SCREENSHOT")  # where to keep the screenshot, e.g. for make demo


def test_cellular_section_summaries_chart_and_carriers(sim, ansible_env, tmp_path):
    env = dict(ENVIRONMENT, INCONTROL_URL=sim.url, CP_BASE_URL=sim.platform_url("ncm"), TELECOMX_URL=sim.url)
    process, path = run_report(ansible_env, tmp_path, env=env)
    text, page = parse(path)
    html = open(path).read()
    assert "Cellular health" in text
    assert "RSRP &ge; -90 dBm" in html and "SINR &ge; 13 dB" in html  # the thresholds are on the page
    assert page.tags["svg"] == 1 and page.tags["rect"] > 4 and page.tags["script"] == 0
    assert not [value for name, value in page.attributes if name in ("src", "href")]
    carriers = page.tables["carriers"]
    assert carriers[0] == ["Carrier", "Modems", "Poor signal", "Roaming"]
    total = sum(int(row[1]) for row in carriers[1:])
    assert total >= 2 and "<b>%d</b>modems" % total in html
    chart = html[html.index('id="signal-chart"') : html.index("</svg>")]
    assert "InControl 2 (" in chart and "NetCloud Manager (" in chart  # one bar per platform with modems
    # summaries come before the long device table
    assert html.index('id="cellular"') < html.index('id="signal-chart"') < html.index('id="devices"')
    if shutil.which("chromium") or shutil.which("chromium-browser"):
        shot = SCREENSHOT or str(tmp_path / "fleet-report.png")
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--screenshot=%s" % shot, "--window-size=1400,2400", "file://" + path],
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert os.path.getsize(shot) > 10000


def test_cellular_section_off(sim, ansible_env, tmp_path):
    env = dict(ENVIRONMENT, INCONTROL_URL=sim.url, CP_BASE_URL=sim.platform_url("ncm"), TELECOMX_URL=sim.url)
    sim.clear_requests()
    _process, path = run_report(ansible_env, tmp_path, "-e", "wanfleet_report_cellular=false", env=env)
    text, page = parse(path)
    assert "No cellular data" in text and page.tags["svg"] == 0
    assert "/api/v2/net_device_signal_samples/" not in set(entry["path"] for entry in sim.requests())


@pytest.mark.parametrize("detail", [True, False])
def test_the_report_from_the_inventory_shows_the_cellular_data_the_plugin_read(sim, ansible_env, tmp_path, detail):
    ncm = credentials(sim)["ncm"]
    config = tmp_path / "fleet.wanfleet.yml"
    config.write_text(
        yaml.safe_dump({"plugin": "wanfleet.routers.fleet", "detail": detail, "include": ["cellular"], "sources": [{"platform": "ncm", "ncm": ncm}]})
    )
    (tmp_path / "inventory").mkdir()
    inventory_path = run_report(ansible_env, tmp_path / "inventory", "-e", "wanfleet_report_from_inventory=true", inventory=str(config))[1]
    (tmp_path / "api").mkdir()
    api_path = run_report(ansible_env, tmp_path / "api", "-e", json.dumps({"wanfleet_report_sources": [{"platform": "ncm", "ncm": ncm}]}))[1]
    from_inventory, from_api = parse(inventory_path)[1], parse(api_path)[1]
    assert len(from_api.tables["carriers"]) > 1
    assert from_inventory.tables["carriers"] == from_api.tables["carriers"]
    if detail:  # the WANs have their names; without detail a modem's WAN is known by its id only
        assert from_inventory.tables.get("cellular-attention") == from_api.tables.get("cellular-attention")
