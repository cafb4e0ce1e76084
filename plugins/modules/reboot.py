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

from ansible_collections.wanfleet.routers.plugins.module_utils.ansible_module import WanfleetModule
from ansible_collections.wanfleet.routers.plugins.module_utils.reboot import reboot_devices
from ansible_collections.wanfleet.routers.plugins.module_utils.waiting import wait_options


SPEC = dict(
    argument_spec=dict(device=dict(type="str"), group=dict(type="str"), **wait_options(timeout=600, sleep=10)),
    platforms=("incontrol", "peplink_router", "ncm"),
)


def operate(module, client):
    return reboot_devices(module, client)


def main():
    WanfleetModule(**SPEC).run(operate)


if __name__ == "__main__":
    main()
