#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: firmware
short_description: Make routers run a firmware version, where the platform's API allows it
version_added: 0.2.0
description:
  - "O(platform=peplink_router): when O(version) is installed on the router (one of the images C(info.firmware)
    lists), bootable, and not the one running, the router is rebooted into it (C(cmd.system.reboot) with its
    C(firmwareId)). A version that is not installed fails and lists the installed ones: the router API documents no
    firmware upload."
  - "O(platform=ncm): a router runs its group's C(target_firmware). With O(group), the group's target firmware is set
    to O(version) (resolved among the firmwares of the group's product) and its routers upgrade themselves. With
    O(device), the router is only checked: when it runs another version the task fails and names its group."
  - "O(platform=incontrol): reports only. InControl 2's API documents a device's firmware as read-only fields;
    devices that do not run O(version) make the task fail."
  - A reboot is sent once and never again, not even when waiting ends in a timeout.
extends_documentation_fragment:
  - wanfleet.routers.connection
  - wanfleet.routers.attributes
options:
  version:
    description:
      - The firmware version wanted, for example V(8.2.1) or V(8.2.1 build 5330) (Peplink), V(7.24.10) (NCM).
      - A version without a build number matches any build of it.
    type: str
    required: true
  device:
    description:
      - The device, by id, serial number, name or MAC address. With O(platform=peplink_router) the router at the URL.
    type: str
  group:
    description:
      - NetCloud Manager, InControl 2 - the group (id or name). On NetCloud Manager its target firmware is set.
    type: str
  wait:
    description:
      - Wait until the devices run O(version) (a rebooted Peplink router answers again and runs it; NetCloud Manager
        routers report it as their C(actual_firmware)). Devices that do not in O(wait_timeout) fail the task and are
        listed.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 900
  wait_sleep:
    description: Seconds between two checks while waiting.
    type: int
    default: 15
attributes:
  check_mode:
    support: full
    description: Predicts the action for each device and sends nothing.
  diff_mode:
    support: none
    description: RV(firmware) shows each device's version before and after.
  platform:
    support: full
    platforms: [peplink_router, ncm, incontrol]
    description: Runs on the controller and talks to the platform's API.
notes:
  - "O(platform=ncm): routers that are offline upgrade when they come back; with O(wait) they are reported as not
    upgraded when the time is up."
author:
  - wanfleet.routers contributors (@wanfleet)
"""

EXAMPLES = r"""
- name: Boot the other firmware image a Peplink router holds
  wanfleet.routers.firmware:
    platform: peplink_router
    peplink_router:
      url: https://192.168.50.1
    version: 8.1.3
    wait: true

- name: Move an NCM group to 7.24.10 and wait for its routers
  wanfleet.routers.firmware:
    platform: ncm
    group: Retail IBR900
    version: 7.24.10
    wait: true
    wait_timeout: 1800

- name: Check that every InControl device of a group runs 8.2.1
  wanfleet.routers.firmware:
    platform: incontrol
    group: Branches
    version: 8.2.1
"""

RETURN = r"""
firmware:
  description: One item per device.
  returned: always
  type: list
  elements: dict
  contains:
    device:
      description: The device's name (its id if it has none).
      type: str
    before:
      description: The version it ran before the task.
      type: str
    after:
      description: The version it runs, or will run, after the task.
      type: str
    action:
      description:
        - V(none) (already runs it), V(reboot) (Peplink router rebooted into it), V(upgrade) (NCM router follows its
          group's new target), V(unsupported) (InControl 2 cannot change it).
      type: str
    pending:
      description: InControl 2 only - the version InControl has scheduled, or null.
      type: str
  sample: [{device: store-042, before: 7.23.40, after: 7.24.10, action: upgrade}]
not_upgraded:
  description: With O(wait), the devices that did not run O(version) when the time was up.
  returned: always
  type: list
  elements: str
  sample: []
"""

import time

from ansible_collections.wanfleet.routers.plugins.module_utils.ansible_module import WanfleetModule
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError, TransportError
from ansible_collections.wanfleet.routers.plugins.module_utils.incontrol import NO_FIRMWARE_WRITE, pending_firmware

SPEC = dict(
    argument_spec=dict(
        version=dict(type="str", required=True),
        device=dict(type="str"),
        group=dict(type="str"),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=900),
        wait_sleep=dict(type="int", default=15),
    ),
    platforms=("peplink_router", "ncm", "incontrol"),
    mutually_exclusive=[("device", "group")],
)


def same_version(wanted, have):
    """"8.2.1" is "8.2.1 build 5330"; "8.2.1 build 5330" is only itself."""
    wanted, have = str(wanted).strip(), str(have or "").strip()
    return have == wanted or have.startswith(wanted + " ")


def operate(module, client):
    params = module.params
    if not str(params["version"]).strip():
        raise InputError("version must not be empty")
    if params["wait_timeout"] <= 0 or params["wait_sleep"] <= 0:
        raise InputError("wait_timeout and wait_sleep must be positive")
    if module.platform == "ncm" and not (params["device"] or params["group"]):
        raise InputError("ncm: give group (whose target firmware is set) or device (checked only)")
    return PLATFORMS[module.platform](module, client)


def _entry(device, before, after, action):
    return {"device": device.name or device.id, "before": before, "after": after, "action": action}


def _result(changed, entries, not_upgraded=()):
    result = {"changed": changed, "firmware": entries, "not_upgraded": list(not_upgraded)}
    if not_upgraded:
        result.update(failed=True, msg="%d device(s) did not run the firmware in time: %s" % (
            len(not_upgraded), ", ".join(not_upgraded)))
    return result


def _wait(params, pending, still_pending):
    """Poll still_pending(pending) -> the ones left, until none is left or the time is up; returns those left."""
    deadline = time.time() + params["wait_timeout"]
    while pending:
        time.sleep(min(params["wait_sleep"], max(0.0, deadline - time.time())))
        pending = still_pending(pending)
        if time.time() >= deadline:
            break
    return pending


def _peplink_router(module, client):
    params, version = module.params, module.params["version"]
    device = client.devices(device=params["device"], detail=False)[0]
    firmware = client.firmware()
    running = firmware["version"]
    if same_version(version, running):
        return _result(False, [_entry(device, running, running, "none")])
    image = next((item for item in firmware["images"] if same_version(version, item["version"])), None)
    if image is None:
        raise InputError("peplink_router: firmware %s is not installed on %s; installed: %s. The router API documents no "
                         "firmware upload (upload it in the web admin or through InControl 2)" % (
                             version, device.name or device.id, ", ".join(item["version"] for item in firmware["images"])))
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
            raise InputError("ncm: %s runs %s, not %s; a router runs its group's firmware: set it on group %s" % (
                device.name or device.id, device.firmware, version, device.group or "(the router is in no group)"))
        return _result(False, [_entry(device, device.firmware, device.firmware, "none")])
    target = client.group_firmware(params["group"])
    wanted = client.product_firmware(version, target["product_id"])
    devices = client.devices(group=target["group"].id, detail=False)
    entries = [_entry(device, device.firmware, wanted["version"], "none" if device.firmware == wanted["version"] else "upgrade")
               for device in devices]
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
    devices = client.devices(device=params["device"], group=params["group"], detail=True)
    entries = []
    for device in devices:
        runs = same_version(version, device.firmware)
        entries.append(dict(_entry(device, device.firmware, device.firmware, "none" if runs else "unsupported"),
                            pending=pending_firmware(device)))
    result = _result(False, entries)
    others = [entry["device"] for entry in entries if entry["action"] != "none"]
    if others:
        result.update(failed=True, msg="%s; %d device(s) do not run %s: %s" % (NO_FIRMWARE_WRITE, len(others), version, ", ".join(others)))
    return result


PLATFORMS = {"peplink_router": _peplink_router, "ncm": _ncm, "incontrol": _incontrol}


def main():
    WanfleetModule(**SPEC).run(operate)


if __name__ == "__main__":
    main()
