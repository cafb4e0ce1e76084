# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The config_backup module's work: read each device's configuration (several at once) and store it (backup.py).

A device that cannot be read is reported and the others are still backed up.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ansible_collections.wanfleet.routers.plugins.module_utils import backup
from ansible_collections.wanfleet.routers.plugins.module_utils.clients import platform_module
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError, UnsupportedError, WanfleetError
from ansible_collections.wanfleet.routers.plugins.module_utils.interrupt import Interrupted

# Devices read at once. The client's rate limiter still spaces the requests (InControl: below 20/s).
CONCURRENCY = 4


def back_up(module: Any, client: Any) -> dict[str, Any]:
    """The config_backup module's result: each selected device's configuration (and an NCM group's) stored in O(dest)."""
    params = module.params
    if module.platform == "peplink_router":
        raise UnsupportedError(platform_module("peplink_router").NO_CONFIG_EXPORT, platform=module.platform)
    if params["keep"] < 1:
        raise InputError("keep must be at least 1")
    if not params["dest"]:
        raise InputError("dest must name a folder")
    devices = client.devices(device=params["device"], group=params["group"], detail=False)
    stems = backup.unique_stems(devices)
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        fetched = list(pool.map(lambda device: _fetch(client.config_backup, device), devices))
    backups, failed, diff = [], [], {"before": {}, "after": {}}
    for device, (content, error) in zip(devices, fetched):
        if error is not None:
            failed.append({"device": device.name or device.id, "serial": device.serial, "error": module.redactor.text(error.message)})
            continue
        entry = _store(module, stems[device.id], content, diff)
        backups.append(dict({"platform": module.platform, "device": device.name or device.id, "serial": device.serial}, **entry))
    if params["group"] and module.platform == "ncm":
        group = client.find_group(params["group"])
        content, error = _fetch(client.group_config_backup, group)
        if error is not None:
            failed.append({"device": "group " + group.name, "serial": None, "error": module.redactor.text(error.message)})
        else:
            entry = _store(module, "groups/" + backup.file_stem(group), content, diff)
            backups.append(dict({"platform": module.platform, "device": "group " + group.name, "serial": None}, **entry))
    result = {"changed": any(entry["changed"] for entry in backups), "backups": backups, "failed_devices": failed, "diff": diff}
    if failed:
        result.update(
            failed=True,
            msg="%s: %d of %d device(s) could not be backed up: %s"
            % (module.platform, len(failed), len(devices), "; ".join("%s (%s)" % (item["device"], item["error"]) for item in failed)),
        )
    return result


def _fetch(read, device):
    """(backup, None) or (None, the WanfleetError): one device's failure must not stop the others; Ctrl-C stops all."""
    try:
        return read(device), None
    except Interrupted:
        raise
    except WanfleetError as error:
        return None, error


def _store(module, stem, content, diff):
    params = module.params
    entry, change = backup.store(params["dest"], module.platform, stem, content, check_mode=module.check_mode, history=params["history"], keep=params["keep"])
    diff["before"].update(change["before"])
    diff["after"].update(change["after"])
    return entry
