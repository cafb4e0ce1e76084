"""wanfleet.routers.config_backup end to end: real ansible-playbook runs against the simulator.

The default seed: InControl organization sim-org with groups HQ (one router) and Branches (two), NCM groups
"Retail IBR900" (one online router), TelecomX three devices.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.integration.conftest import credentials

pytestmark = pytest.mark.integration


def task(title, platform, ignore_errors=False, **args):
    entry = {"name": title, "wanfleet.routers.config_backup": dict(platform=platform, **args)}
    if ignore_errors:
        entry["ignore_errors"] = True
    return entry


def files(folder):
    """{relative path: bytes} of every file under `folder`."""
    found = {}
    for root, _dirs, names in os.walk(str(folder)):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, str(folder))] = handle.read()
    return found


@pytest.mark.parametrize(
    "platform, selection, expected",
    [
        ("incontrol", {"group": "Branches"}, 2),
        ("ncm", {"group": "Retail IBR900"}, 2),  # its router, and the group's own configuration
        ("telecomx", {}, 3),
    ],
)
def test_check_apply_again(sim, run_playbook, tmp_path, platform, selection, expected):
    dest = tmp_path / "backups"
    tasks = [task("backup", platform, dest=str(dest), **selection)]
    defaults = credentials(sim)

    checked = run_playbook(tasks, defaults=defaults, check=True)
    assert checked.rc == 0, checked.stdout
    predicted = checked.task("backup")
    assert predicted["changed"] is True
    assert len(predicted["backups"]) == expected
    assert all(item["changed"] for item in predicted["backups"])
    assert not dest.exists(), "check mode wrote files"

    applied = run_playbook(tasks, defaults=defaults)
    assert applied.rc == 0, applied.stdout
    result = applied.task("backup")
    assert result["changed"] is True and result["failed_devices"] == []
    written = files(dest)
    assert sorted(os.path.join(dest, path) for path in written) == sorted(item["path"] for item in result["backups"])
    for item in result["backups"]:
        assert item["path"].startswith(str(dest / platform) + os.sep)
        content = written[os.path.relpath(item["path"], str(dest))]
        assert item["size"] == len(content) and item["sha256"] == predicted_sha(predicted, item["path"])
        assert oct(os.stat(item["path"]).st_mode & 0o777) == "0o600"
    stamps = dict((item["path"], os.stat(item["path"]).st_mtime_ns) for item in result["backups"])

    again = run_playbook(tasks, defaults=defaults)
    assert again.rc == 0, again.stdout
    second = again.task("backup")
    assert second["changed"] is False
    assert not any(item["changed"] for item in second["backups"])
    assert dict((item["path"], os.stat(item["path"]).st_mtime_ns) for item in second["backups"]) == stamps
    assert sim.writes() == [], "a backup sent a write"


def predicted_sha(result, path):
    return [item["sha256"] for item in result["backups"] if item["path"] == path][0]


def test_telecomx_backup_holds_no_password_and_no_live_state(sim, run_playbook, tmp_path):
    dest = tmp_path / "backups"
    run = run_playbook([task("backup", "telecomx", dest=str(dest))], defaults=credentials(sim))
    assert run.rc == 0, run.stdout
    for item in run.task("backup")["backups"]:
        document = json.loads(open(item["path"]).read())
        assert "status" not in document and "jobs" not in document
        wifi = document.get("wifi") or {}
        assert not set(wifi) & {"password", "password5G", "password6G"}
        assert document["_id"]
    assert b"sim-password" not in b"".join(files(dest).values())


def test_ncm_diff_names_changed_keys_and_history(sim, run_playbook, tmp_path):
    dest = tmp_path / "backups"
    backup = task("backup", "ncm", dest=str(dest), group="Retail IBR900", history=True, keep=1)
    defaults = credentials(sim)
    assert run_playbook([backup], defaults=defaults).rc == 0
    # A change of the router's own configuration through another module: the next backup changes.
    change = {
        "name": "ssid",
        "wanfleet.routers.ssid_profile": {
            "platform": "ncm",
            "device": router_name(sim, "Retail IBR900"),
            "name": "Backup-Test",
            "security": "open",
            "band": "2.4",
        },
    }
    changed = run_playbook([change, backup], defaults=defaults, diff=True)
    assert changed.rc == 0, changed.stdout
    result = changed.task("backup")
    assert result["changed"] is True
    router_file = [item for item in result["backups"] if not item["device"].startswith("group ")][0]
    group_file = [item for item in result["backups"] if item["device"].startswith("group ")][0]
    assert router_file["changed"] is True and group_file["changed"] is False
    before, after = result["diff"]["before"][router_file["path"]], result["diff"]["after"][router_file["path"]]
    assert before["configuration"] != after["configuration"]
    assert before["router"] == after["router"]
    assert "Backup-Test" not in json.dumps(result["diff"])
    history = os.path.join(str(dest), "ncm", "history", os.path.basename(router_file["path"])[:-5])
    assert len(os.listdir(history)) == 1  # keep: 1


def router_name(sim, group_name):
    state = sim.state()["ncm"]
    group_id = [item["id"] for item in state["groups"] if item["name"] == group_name][0]
    return [item["name"] for item in state["routers"] if item["group"] == group_id][0]


def test_incontrol_new_backup_after_a_configuration_change(sim, run_playbook, tmp_path):
    dest = tmp_path / "backups"
    backup = task("backup", "incontrol", dest=str(dest), group="Branches")
    defaults = credentials(sim)
    first = run_playbook([backup], defaults=defaults)
    assert first.rc == 0, first.stdout
    saved = first.task("backup")["backups"]
    assert all(item["path"].endswith(".conf") and open(item["path"], "rb").read().startswith(b"PEPLINK-CONFIG") for item in saved)
    # InControl pushes the group's SSID change to its Wi-Fi router, whose next configuration file differs.
    change = {"name": "ssid", "wanfleet.routers.ssid_profile": {"platform": "incontrol", "group": "Branches", "name": "Branch WiFi", "vlan_id": 30}}
    again = run_playbook([change, backup], defaults=defaults)
    assert again.rc == 0, again.stdout
    assert again.task("ssid")["changed"] is True
    assert sorted(item["changed"] for item in again.task("backup")["backups"]) == [False, True]


def test_a_failing_device_is_reported_and_the_others_are_saved(sim, run_playbook, tmp_path):
    dest = tmp_path / "backups"
    devices = sim.state()["incontrol"]["devices"]
    broken = sorted(item["id"] for item in devices.values() if item["group_id"] == 102)[0]
    sim.fault(method="GET", path=r"/d/%d/config_backup$" % broken, status=500, count=100)
    run = run_playbook([task("backup", "incontrol", dest=str(dest), group="Branches", ignore_errors=True)], defaults=credentials(sim))
    result = run.failed_task("backup")
    assert len(result["failed_devices"]) == 1 and len(result["backups"]) == 1
    assert result["failed_devices"][0]["device"] in result["msg"]
    assert os.path.exists(result["backups"][0]["path"])


@pytest.mark.parametrize(
    "platform, args, message",
    [
        ("peplink_router", {}, "no configuration export"),
        ("ncm", {"keep": 0, "history": True}, "keep must be at least 1"),
        ("telecomx", {"group": "x"}, "no device groups"),
    ],
)
def test_bad_input_is_refused_before_any_request(sim, run_playbook, tmp_path, platform, args, message):
    sim.clear_requests()
    run = run_playbook([task("backup", platform, dest=str(tmp_path / "b"), ignore_errors=True, **args)], defaults=credentials(sim))
    result = run.failed_task("backup")
    assert message in result["msg"]
    assert not (tmp_path / "b").exists()
    if platform != "telecomx":  # telecomx logs in before it can tell that it has no groups
        assert sim.requests() == []
