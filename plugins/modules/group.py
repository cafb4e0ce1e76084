#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: group
short_description: Ensure a device group of InControl 2 or NetCloud Manager exists, with its members
version_added: 0.1.0
description:
  - Creates, renames, updates or deletes one group, and makes sure the devices listed are its members.
  - The group is found by O(id) if given, else by O(name). With O(new_name), a group already carrying the new name
    counts as renamed, so the task stays idempotent.
extends_documentation_fragment:
  - wanfleet.routers.connection
  - wanfleet.routers.attributes
options:
  name:
    description:
      - Name of the group. Required unless O(id) is given.
    type: str
  id:
    description:
      - Id of an existing group. Takes precedence over O(name) for finding it.
    type: str
  new_name:
    description:
      - Rename the group to this.
    type: str
  state:
    description:
      - V(present) creates or updates the group; V(absent) deletes it.
    type: str
    default: present
    choices: [present, absent]
  product:
    description:
      - NetCloud Manager only. The product (model) of the group's routers, by name (for example V(IBR900)) or id.
        Required to create an NCM group; cannot be changed afterwards.
    type: str
  target_firmware:
    description:
      - NetCloud Manager only. The firmware version the group's routers should run (for example V(7.24.30)), or its id.
    type: str
  account:
    description:
      - NetCloud Manager only. The (sub)account that owns the group, by name or id. Defaults to the keys' account.
    type: str
  timezone:
    description:
      - InControl 2 only. The group's time zone (for example V(Europe/Copenhagen)).
    type: str
  country:
    description:
      - InControl 2 only. The group's country code (for example V(DK)).
    type: str
  devices:
    description:
      - Devices that must be members of the group, by id, serial number, name or MAC address.
    type: list
    elements: str
  purge_devices:
    description:
      - Remove from the group every member not listed in O(devices).
        NetCloud Manager moves such routers out of the group (they stay in the account);
        InControl 2 has no documented call for that and fails before any write.
    type: bool
    default: false
attributes:
  diff_mode:
    support: full
  platform:
    platforms: [incontrol, ncm]
notes:
  - "O(platform=ncm): moving a router into a group changes more than membership: the router takes the group's
    target firmware (and may upgrade) and the group's configuration is layered over the router's own.
    Only routers of the group's product can join it."
  - "O(platform=incontrol): O(product), O(target_firmware) and O(account) are refused (NCM only)."
  - "O(platform=ncm): O(timezone) and O(country) are refused (InControl 2 only)."
  - "O(platform=incontrol): the group write calls (create, update, delete, add devices) are not in Peplink's
    published document; they are inferred from public clients. See the platform page in the collection's docs."
author:
  - wanfleet.routers contributors (@wanfleet)
"""

EXAMPLES = r"""
- name: A group for the store routers, with two members
  wanfleet.routers.group:
    platform: ncm
    name: Stores
    product: IBR900
    target_firmware: 7.24.10
    devices:
      - store-001
      - MM180012345678

- name: Rename a group
  wanfleet.routers.group:
    platform: incontrol
    name: Warehouse
    new_name: Warehouse North

- name: Remove a group
  wanfleet.routers.group:
    platform: ncm
    name: Old stores
    state: absent
"""

RETURN = r"""
group:
  description: The group after the task (predicted in check mode); null after O(state=absent).
  returned: always
  type: dict
  sample: {id: "87", name: Stores, product: IBR900, target_firmware: 7.24.30, account: Main, devices: ["1254", "1255"]}
changed_keys:
  description: The keys that changed.
  returned: when changed
  type: list
  elements: str
  sample: [devices]
"""

from ansible_collections.wanfleet.routers.plugins.module_utils.ansible_module import WanfleetModule
from ansible_collections.wanfleet.routers.plugins.module_utils.clients import resource_class
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import ensure_module

SPEC = dict(
    argument_spec=dict(
        name=dict(type="str"),
        id=dict(type="str"),
        new_name=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        product=dict(type="str"),
        target_firmware=dict(type="str"),
        account=dict(type="str"),
        timezone=dict(type="str"),
        country=dict(type="str"),
        devices=dict(type="list", elements="str"),
        purge_devices=dict(type="bool", default=False),
    ),
    platforms=("incontrol", "ncm"),
    required_one_of=[("name", "id")],
)


def operate(module, client):
    return ensure_module(module, resource_class(module.platform, "group")(client, module.params), "group")


def main():
    WanfleetModule(**SPEC).run(operate)


if __name__ == "__main__":
    main()
