# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The firmware module's work on each platform: compare, switch (router reboot / NCM group target) and wait."""

from __future__ import annotations

import time
from typing import Any

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError, TransportError
from ansible_collections.wanfleet.routers.plugins.module_utils.clients import platform_module
from ansible_collections.wanfleet.routers.plugins.module_utils.waiting import check_wait_options, wait_until


def same_version(wanted: Any, have: Any) -> bool:
    """ "8.2.1" is "8.2.1 build 5330"; "8.2.1 build 5330" is only itself."""
    wanted, have = str(wanted).strip(), str(have or "").strip()
    return have == wanted or have.startswith(wanted + " ")


def ensure_firmware(module: Any, client: Any) -> dict[str, Any]:
    """The firmware module's result: O(version) running (or set as the NCM group's target) on the devices selected."""
    params = module.params
    if not str(params["version"]).strip():
        raise InputError("version must not be empty")
    check_wait_options(params)
    if module.platform == "ncm" and not (params["device"] or params["group"]):
        raise InputError("ncm: give group (whose target firmware is set) or device (checked only)")
    return PLATFORMS[module.platform](module, client)


def _entry(device, before, after, action):
    return {"device": device.name or device.id, "before": before, "after": after, "action": action}


def _result(changed, entries, not_upgraded=()):
    result = {"changed": changed, "firmware": entries, "not_upgraded": list(not_upgraded)}
    if not_upgraded:
        result.update(failed=True, msg="%d device(s) did not run the firmware in time: %s" % (len(not_upgraded), ", ".join(not_upgraded)))
    return result


def _wait(params, pending, still_pending):
    """Poll still_pending(pending) -> the ones left, until none is left or the time is up; returns those left."""
    left = list(pending)

    def none_left():
        left[:] = still_pending(left)
        return not left

    if left:  # the first poll after one wait_sleep: the switch has only just begun
        wait_until(none_left, params["wait_timeout"], params["wait_sleep"], first_pause=params["wait_sleep"])
    return left


def _peplink_router(module, client):
    params, version = module.params, module.params["version"]
    device = client.devices(device=params["device"], detail=False)[0]
    firmware = client.firmware()
    running = firmware["version"]
    if same_version(version, running):
        return _result(False, [_entry(device, running, running, "none")])
    image = next((item for item in firmware["images"] if same_version(version, item["version"])), None)
    if image is None:
        raise InputError(
            "peplink_router: firmware %s is not installed on %s; installed: %s. The router API documents no "
            "firmware upload (upload it in the web admin or through InControl 2)"
            % (version, device.name or device.id, ", ".join(item["version"] for item in firmware["images"]))
        )
    if not image["bootable"]:
        raise InputError("peplink_router: firmware %s is installed on %s but not bootable" % (image["version"], device.name or device.id))
    entry = _entry(device, running, image["version"], "reboot")
    if module.check_mode:
        return _result(True, [entry])
    started = time.time()
    client.reboot_device(device, image["id"])  # sent once: the wait below only reads

    def still_pending(pending):
        try:
            if client.is_back(device, started) and same_version(image["version"], client.firmware()["version"]):
                return []
        except TransportError:
            pass  # still restarting
        return pending

    left = _wait(params, [entry["device"]], still_pending) if params["wait"] else []
    return _result(True, [entry], left)


def _ncm(module, client):
    params, version = module.params, module.params["version"]
    if params["device"]:
        device = client.devices(device=params["device"], detail=False)[0]
        if not same_version(version, device.firmware):
            raise InputError(
                "ncm: %s runs %s, not %s; a router runs its group's firmware: set it on group %s"
                % (device.name or device.id, device.firmware, version, device.group or "(the router is in no group)")
            )
        return _result(False, [_entry(device, device.firmware, device.firmware, "none")])
    target = client.group_firmware(params["group"])
    wanted = client.product_firmware(version, target["product_id"])
    devices = client.devices(group=target["group"].id, detail=False)
    entries = [_entry(device, device.firmware, wanted["version"], "none" if device.firmware == wanted["version"] else "upgrade") for device in devices]
    changed = (target["target"] or {}).get("id") != wanted["id"]
    if module.check_mode or not (changed or params["wait"]):
        return _result(changed, entries)
    if changed:
        client.set_group_firmware(target["group"].id, wanted["id"])
    names = dict((device.id, entry["device"]) for device, entry in zip(devices, entries))

    def still_pending(pending):
        actual = client.actual_firmwares(pending)
        return [router_id for router_id in pending if actual.get(router_id) != wanted["id"]]

    left = _wait(params, [device.id for device in devices], still_pending) if params["wait"] else []
    return _result(changed, entries, [names[router_id] for router_id in left])


def _incontrol(module, client):
    params, version = module.params, module.params["version"]
    incontrol = platform_module("incontrol")  # loaded with the client: no other platform is imported
    devices = client.devices(device=params["device"], group=params["group"], detail=True)
    entries = []
    for device in devices:
        runs = same_version(version, device.firmware)
        entries.append(dict(_entry(device, device.firmware, device.firmware, "none" if runs else "unsupported"), pending=incontrol.pending_firmware(device)))
    result = _result(False, entries)
    others = [entry["device"] for entry in entries if entry["action"] != "none"]
    if others:
        result.update(failed=True, msg="%s; %d device(s) do not run %s: %s" % (incontrol.NO_FIRMWARE_WRITE, len(others), version, ", ".join(others)))
    return result


PLATFORMS = {"peplink_router": _peplink_router, "ncm": _ncm, "incontrol": _incontrol}
