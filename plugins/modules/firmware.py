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
    details: Predicts the action for each device and sends nothing.
  diff_mode:
    support: none
    details: RV(firmware) shows each device's version before and after.
  platform:
    platforms: [peplink_router, ncm, incontrol]
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

from ansible_collections.wanfleet.routers.plugins.module_utils.ansible_module import WanfleetModule
from ansible_collections.wanfleet.routers.plugins.module_utils.firmware import ensure_firmware
from ansible_collections.wanfleet.routers.plugins.module_utils.waiting import wait_options

SPEC = dict(
    argument_spec=dict(version=dict(type="str", required=True), device=dict(type="str"), group=dict(type="str"), **wait_options(timeout=900, sleep=15)),
    platforms=("peplink_router", "ncm", "incontrol"),
    mutually_exclusive=[("device", "group")],
)


def operate(module, client):
    return ensure_firmware(module, client)


def main():
    WanfleetModule(**SPEC).run(operate)


if __name__ == "__main__":
    main()
