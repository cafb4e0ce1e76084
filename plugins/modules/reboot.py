#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: reboot
short_description: Reboot a router or every router of a group, and wait until they are back
version_added: 0.1.0
description:
  - Sends one reboot request per device (NetCloud Manager, a Peplink router) or per device through InControl 2,
    and with O(wait=true) waits until every rebooted device answers again.
  - The reboot request is never retried automatically, whatever O(max_retries) says, so a device is never
    rebooted twice by one task.
  - Devices that are not online (offline, or never connected) are not sent a reboot (NetCloud Manager drops such
    requests); they are listed in RV(offline). If no selected device is online the task fails.
  - The task reports C(changed=true) whenever a reboot was sent. In check mode nothing is sent and the task
    predicts the change, as M(ansible.builtin.reboot) does; C(changed) is V(true) and RV(rebooted) lists the
    devices that would be rebooted.
extends_documentation_fragment:
  - wanfleet.routers.connection
  - wanfleet.routers.attributes
options:
  device:
    description:
      - The device to reboot, by id, serial number, name or MAC address.
      - With O(platform=peplink_router) the device is the router at the URL.
    type: str
  group:
    description:
      - Reboot every device of this group (id or name). InControl 2 and NetCloud Manager only.
      - With O(device), the device must be in this group.
    type: str
  wait:
    description: Wait until every rebooted device is back (online again, or answering with its uptime reset).
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait for the devices to come back before failing.
    type: int
    default: 600
  wait_sleep:
    description: Seconds between two checks while waiting.
    type: int
    default: 10
attributes:
  check_mode:
    details: Nothing is sent in check mode.
  diff_mode:
    support: none
    details: A reboot changes no configuration.
  platform:
    platforms: [incontrol, peplink_router, ncm]
notes:
  - "O(platform=incontrol): the reboot call (C(POST .../d/<id>/tools/reboot)) is not in Peplink's published document;
    it is inferred from public clients. See the platform page in the collection's docs."
  - "O(platform=ncm): C(POST reboot_activity/) with the router's URL, one request per online router."
author:
  - wanfleet.routers contributors (@wanfleet)
"""

EXAMPLES = r"""
- name: Reboot one NCM router and wait for it
  wanfleet.routers.reboot:
    platform: ncm
    device: store-042
    wait: true
    wait_timeout: 900

- name: Reboot every device of an InControl group
  wanfleet.routers.reboot:
    platform: incontrol
    group: Warehouse

- name: Reboot the router at an address
  wanfleet.routers.reboot:
    platform: peplink_router
    peplink_router:
      url: https://192.168.50.1
    wait: true
"""

RETURN = r"""
rebooted:
  description: The devices a reboot was sent to (in check mode, would be sent to).
  returned: always
  type: list
  elements: dict
  sample: [{id: "1254", name: store-042, serial: MM180012345678}]
offline:
  description: Selected devices that were not online (offline or never connected) and were not sent a reboot.
  returned: always
  type: list
  elements: dict
  sample: []
elapsed:
  description: Seconds from the first reboot request until the last device was back (0 without O(wait)).
  returned: always
  type: float
  sample: 74.2
"""

import time

from ansible_collections.wanfleet.routers.plugins.module_utils.ansible_module import WanfleetModule
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError, TransportError, WaitTimeoutError, WanfleetError
from ansible_collections.wanfleet.routers.plugins.module_utils.interrupt import Interrupted


def brief(device):
    return {"id": device.id, "name": device.name, "serial": device.serial}


SPEC = dict(
    argument_spec=dict(
        device=dict(type="str"),
        group=dict(type="str"),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=600),
        wait_sleep=dict(type="int", default=10),
    ),
    platforms=("incontrol", "peplink_router", "ncm"),
)


def operate(module, client):
    params = module.params
    if module.platform != "peplink_router" and not (params["device"] or params["group"]):
        raise InputError("%s: give device or group: a reboot of every device is not done by accident" % module.platform)
    if params["wait_timeout"] <= 0 or params["wait_sleep"] <= 0:
        raise InputError("wait_timeout and wait_sleep must be positive")
    targets = client.devices(device=params["device"], group=params["group"], detail=False)
    # Only a device the platform reports online can take a reboot (NCM drops the others' requests).
    online = [device for device in targets if device.status == "online"]
    offline = [brief(device) for device in targets if device.status != "online"]
    if not online:
        raise InputError("%s: nothing to reboot: %s offline" % (
            module.platform, ", ".join(device["name"] or device["id"] for device in offline) or "no device matched"))
    if module.check_mode:
        # check mode predicts the change (ansible.builtin.reboot does the same) and sends nothing
        return {"changed": True, "rebooted": [brief(device) for device in online], "offline": offline, "elapsed": 0.0}
    started = time.time()
    sent = []
    for device in online:
        try:
            client.reboot_device(device)
        except WanfleetError as error:
            if isinstance(error, TransportError) and error.sent:
                error.message += "; the reboot of %s was sent, its answer was lost (it may be rebooting)" % (
                    device.name or device.id)
            error.message += "; reboots sent before it: %s" % (", ".join(d["name"] or d["id"] for d in sent) or "none")
            raise
        sent.append(brief(device))
    elapsed = 0.0
    if params["wait"]:
        try:
            _wait_back(client, online, started, params)
        except Interrupted as error:
            error.message += "; the reboots were sent (%s), only the wait for them was cut short" % (
                ", ".join(d["name"] or d["id"] for d in sent))
            raise
        elapsed = round(time.time() - started, 1)
    return {"changed": True, "rebooted": sent, "offline": offline, "elapsed": elapsed}


def _wait_back(client, devices, started, params):
    """Wait until every device is back after its reboot, or fail after wait_timeout."""
    waiting = list(devices)
    deadline = started + params["wait_timeout"]
    time.sleep(min(params["wait_sleep"], params["wait_timeout"]))
    while waiting:
        waiting = [device for device in waiting if not _is_back(client, device, started)]
        if not waiting:
            return
        if time.time() >= deadline:
            raise WaitTimeoutError("%s: %d device(s) not back after %ss: %s" % (
                client.platform, len(waiting), params["wait_timeout"],
                ", ".join(device.name or device.id for device in waiting)), platform=client.platform)
        time.sleep(params["wait_sleep"])


def _is_back(client, device, rebooted_at):
    try:
        return client.is_back(device, rebooted_at)
    except TransportError:
        return False  # still restarting


def main():
    WanfleetModule(**SPEC).run(operate)


if __name__ == "__main__":
    main()
