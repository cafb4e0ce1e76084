"""playbooks/fleet_report.yml against the simulator: the HTML report's counts, firmware spread and WAN rows.

The expected numbers come from the simulator's state (default seed: three devices per platform, one NCM
router offline), not from the modules, so a module that miscounts fails here too.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import subprocess
from collections import Counter

import pytest
import yaml

from tests.integration.conftest import BIN, credentials
from tests.simulator.process import ROOT

pytestmark = pytest.mark.integration

REPORT = os.path.join(ROOT, "playbooks", "fleet_report.yml")
ENVIRONMENT = {
    "INCONTROL_CLIENT_ID": "sim-client",
    "INCONTROL_CLIENT_SECRET": "sim-secret",
    "INCONTROL_ORG": "sim-org",
    "X_CP_API_ID": "sim-cp-id",
    "X_CP_API_KEY": "sim-cp-key",
    "X_ECM_API_ID": "sim-ecm-id",
    "X_ECM_API_KEY": "sim-ecm-key",
    "TELECOMX_USERNAME": "manager@example.com",
    "TELECOMX_PASSWORD": "sim-password",
}


class Tables(html.parser.HTMLParser):
    """Every <table id=...> of a page as a list of rows (lists of cell texts), plus the page's tags."""

    def __init__(self):
        super(Tables, self).__init__()
        self.tables = {}
        self.tags = Counter()
        self.attributes = []
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        self.attributes.extend(attrs)
        attrs = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("id"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "div" and self._cell is not None and self._cell:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("\n".join(line.strip() for line in "".join(self._cell).strip().split("\n")))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(re.sub(r"\s+", " ", data))


def parse(path):
    with open(path) as handle:
        text = handle.read()
    parser = Tables()
    parser.feed(text)
    return text, parser


def isolated(ansible_env, tmp_path, env=None):
    """The harness's environment with Ansible temp dirs of this test's own (parallel runs sharing them collide)."""
    return dict(ansible_env, ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"), ANSIBLE_REMOTE_TMP=str(tmp_path / "ansible-remote"), **(env or {}))


def run_report(ansible_env, tmp_path, *args, env=None, inventory=None):
    path = tmp_path / "report.html"
    command = [os.path.join(BIN, "ansible-playbook"), REPORT, "-e", "wanfleet_report_path=%s" % path] + list(args)
    if inventory:
        command[1:1] = ["-i", inventory]
    process = subprocess.run(command, env=isolated(ansible_env, tmp_path, env), capture_output=True, text=True, timeout=600, cwd=str(tmp_path), check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    return process, str(path)


def expected(sim):
    """{platform: (devices, online, offline)} from the simulator's own state."""
    state = sim.state()
    routers = state["peplink"]["routers"].values()
    manager = [user for user in state["telecomx"]["users"] if user["username"] == "manager@example.com"][0]
    telecomx = [device for device in state["telecomx"]["devices"] if device["customer"] == manager["customer"]]
    return {
        "InControl 2": (len(routers), sum(1 for router in routers if router["online"]), sum(1 for router in routers if not router["online"])),
        "NetCloud Manager": (
            len(state["ncm"]["routers"]),
            sum(1 for router in state["ncm"]["routers"] if router["state"] == "online"),
            sum(1 for router in state["ncm"]["routers"] if router["state"] == "offline"),
        ),
        "TelecomX": (
            len(telecomx),
            sum(1 for device in telecomx if device["status"]["online"]),
            sum(1 for device in telecomx if not device["status"]["online"]),
        ),
    }


def test_report_from_the_platforms_in_the_environment(sim, ansible_env, tmp_path):
    env = dict(ENVIRONMENT, INCONTROL_URL=sim.url, CP_BASE_URL=sim.platform_url("ncm"), TELECOMX_URL=sim.url)
    process, path = run_report(ansible_env, tmp_path, env=env)
    text, page = parse(path)
    counts = expected(sim)
    assert counts == {"InControl 2": (3, 3, 0), "NetCloud Manager": (3, 2, 1), "TelecomX": (3, 3, 0)}  # the default seed

    # Self-contained: no script, no external resource.
    assert page.tags["script"] == 0 and page.tags["link"] == 0 and page.tags["img"] == 0
    assert not [value for name, value in page.attributes if name in ("src", "href")]

    platforms = page.tables["platforms"]
    assert platforms[0][:5] == ["Platform", "Devices", "Online", "Offline", "Unknown"]
    rows = dict((row[0], tuple(int(cell) for cell in row[1:4])) for row in platforms[1:])
    assert rows.pop("All") == (9, 8, 1)
    assert rows == counts
    assert "9 devices on 3 platforms" in text
    assert "Fleet report: %s (9 devices, 1 offline)" % path in process.stdout

    # Firmware spread: every device counted once, under its platform and model.
    firmware = page.tables["firmware"][1:]
    counted = Counter()
    for platform, model, versions in firmware:
        for part in versions.replace(" mixed", "").split(", "):
            counted[platform] += int(part.rsplit("(", 1)[1].rstrip(")"))
    assert dict(counted) == dict((platform, numbers[0]) for platform, numbers in counts.items())
    assert sorted(row[1] for row in firmware if row[0] == "NetCloud Manager") == sorted(r["product"] for r in sim.state()["ncm"]["routers"])

    # Devices: one row each, with its status and one line per WAN connection.
    devices = page.tables["devices"]
    assert devices[0] == ["Platform", "Name", "Serial", "Model", "Firmware", "Group", "Status", "WAN connections"]
    assert len(devices) == 1 + 9
    by_name = dict((row[1], row) for row in devices[1:])
    ncm = sim.state()["ncm"]["routers"]
    for router in ncm:
        assert by_name[router["name"]][6] == router["state"]
    router = sim.state()["peplink"]["routers"]
    first = sorted(router)[0]
    wan_lines = by_name[router[first]["name"]][7].split("\n")
    assert len(wan_lines) == len(router[first]["saved"]["wan"])
    assert any(": connected 100." in line and line.endswith("· priority 1") for line in wan_lines), wan_lines

    # Needs attention: the offline NCM router is listed.
    offline = [item["name"] for item in ncm if item["state"] == "offline"]
    assert [row[0] for row in page.tables["attention"][1:] if row[3] == "offline"] == offline


def test_report_with_explicit_sources_and_a_group(sim, ansible_env, tmp_path):
    creds = credentials(sim)
    sources = [{"platform": "ncm", "ncm": creds["ncm"], "group": "Retail IBR900", "label": "NCM retail"}]
    process, path = run_report(ansible_env, tmp_path, "-e", json.dumps({"wanfleet_report_sources": sources}))
    page = parse(path)[1]
    retail = [
        router
        for router in sim.state()["ncm"]["routers"]
        if router["group"] == [group for group in sim.state()["ncm"]["groups"] if group["name"] == "Retail IBR900"][0]["id"]
    ]
    assert [row[1] for row in page.tables["devices"][1:]] == sorted(router["name"] for router in retail)
    assert "(item=NCM retail)" in process.stdout


def test_report_from_the_inventory_plugin(sim, ansible_env, tmp_path):
    creds = credentials(sim)
    config = tmp_path / "fleet.wanfleet.yml"
    config.write_text(yaml.safe_dump({"plugin": "wanfleet.routers.fleet", "detail": True, "sources": [{"platform": "ncm", "ncm": creds["ncm"]}]}))
    sim.clear_requests()
    path = run_report(ansible_env, tmp_path, "-e", "wanfleet_report_from_inventory=true", inventory=str(config))[1]
    page = parse(path)[1]
    ncm = sim.state()["ncm"]["routers"]
    rows = dict((row[0], row[1:4]) for row in page.tables["platforms"][1:])
    assert rows["NetCloud Manager"] == [str(len(ncm)), str(sum(1 for r in ncm if r["state"] == "online")), str(sum(1 for r in ncm if r["state"] == "offline"))]
    assert sorted(row[1] for row in page.tables["devices"][1:]) == sorted(router["name"] for router in ncm)
    assert all(row[7] != "not reported" for row in page.tables["devices"][1:])  # detail: true brings the WAN status


def test_report_without_any_source_says_what_to_do(ansible_env, tmp_path):
    path = tmp_path / "report.html"
    process = subprocess.run(
        [os.path.join(BIN, "ansible-playbook"), REPORT, "-e", "wanfleet_report_path=%s" % path],
        env=isolated(ansible_env, tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(tmp_path),
        check=False,
    )
    assert process.returncode != 0
    assert "No devices to report on: export the credentials of a platform" in process.stdout
    assert not path.exists()
