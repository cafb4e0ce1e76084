# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""backup.py: where backups go, when they are written, their diff and history."""

from __future__ import annotations

import os

from ansible_collections.wanfleet.routers.plugins.module_utils import backup
from ansible_collections.wanfleet.routers.plugins.module_utils.incontrol import _newest_backup
from ansible_collections.wanfleet.routers.plugins.module_utils.models import Device


def device(device_id, name=None, serial=None):
    return Device(platform="ncm", id=device_id, name=name, serial=serial)


def test_stems_are_safe_and_unique():
    devices = [device("1", name="../etc/passwd"), device("2", serial="SN 2"), device("3", name="a/b"), device("4", name="a:b")]
    stems = backup.unique_stems(devices)
    assert stems["1"] == "_etc_passwd"
    assert stems["2"] == "SN_2"
    assert (stems["3"], stems["4"]) == ("a_b-3", "a_b-4")  # both would be a_b
    assert all("/" not in stem and not stem.startswith(".") for stem in stems.values())


def test_store_writes_only_changes_and_never_in_check_mode(tmp_path):
    document = {"configuration": [{"system": {"name": "x"}}, []], "actual": {"a": 1}}
    entry, diff = backup.store(str(tmp_path), "ncm", "r1", {"format": "json", "document": document}, check_mode=True)
    assert entry["changed"] is True and not (tmp_path / "ncm").exists()
    assert set(diff["after"][entry["path"]]) == {"configuration", "actual"}

    entry, _diff = backup.store(str(tmp_path), "ncm", "r1", {"format": "json", "document": document})
    assert entry["changed"] is True and entry["size"] == os.path.getsize(entry["path"])
    assert oct(os.stat(entry["path"]).st_mode & 0o777) == "0o600"
    assert os.listdir(str(tmp_path / "ncm")) == ["r1.json"]  # no temporary file left

    entry, diff = backup.store(str(tmp_path), "ncm", "r1", {"format": "json", "document": dict(document)})
    assert entry["changed"] is False and diff == {"before": {}, "after": {}}

    changed = dict(document, actual={"a": "secret-value"})
    entry, diff = backup.store(str(tmp_path), "ncm", "r1", {"format": "json", "document": changed})
    before, after = diff["before"][entry["path"]], diff["after"][entry["path"]]
    assert before["configuration"] == after["configuration"] and before["actual"] != after["actual"]
    assert "secret-value" not in repr(diff)


def test_binary_backup_diff_is_its_digest(tmp_path):
    entry, diff = backup.store(str(tmp_path), "incontrol", "r", {"format": "conf", "content": b"\x00\x01"})
    assert diff["after"][entry["path"]] == {"sha256": entry["sha256"]}


def test_history_keeps_the_newest_copies(tmp_path):
    for number in range(4):
        backup.store(str(tmp_path), "telecomx", "d", {"format": "json", "document": {"n": number}}, history=True, keep=2, now=1700000000 + number)
    history = tmp_path / "telecomx" / "history" / "d"
    assert sorted(os.listdir(str(history))) == ["20231114T221322Z.json", "20231114T221323Z.json"]
    assert (history / "20231114T221323Z.json").read_text() == (tmp_path / "telecomx" / "d.json").read_text()


def test_newest_incontrol_backup():
    listing = [
        {"date": "2026-01-02", "file_list": [{"size": 5, "time": "08:00:00", "id": 7}]},
        {"date": "2026-01-03", "file_list": [{"size": 5, "time": "07:00:00", "id": 9}, {"size": 5, "time": "09:30:00", "id": 8}]},
    ]
    assert _newest_backup(listing) == {"id": 8, "taken_at": "2026-01-03 09:30:00"}
    assert _newest_backup([]) is None and _newest_backup(None) is None
