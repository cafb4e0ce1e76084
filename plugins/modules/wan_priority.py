#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: wan_priority
short_description: Ensure the priority and enabled state of a router's WAN connections
version_added: 0.1.0
description:
  - Sets the failover priority and the enabled state of the WAN connections listed; connections not listed, and
    keys not given, are left as they are.
  - Priority 1 is the most preferred. Several connections may share a priority where the platform allows it
    (Peplink priority groups 1 to 4).
extends_documentation_fragment:
  - wanfleet.routers.connection
  - wanfleet.routers.attributes
options:
  connections:
    description: The WAN connections to set.
    type: list
    elements: dict
    required: true
    suboptions:
      id:
        description: The connection's id (Peplink connection id, NCM WAN rule id or index). Give O(connections[].id) or O(connections[].name).
        type: str
      name:
        description: The connection's name (for example V(Cellular 1)).
        type: str
      priority:
        description: The priority, 1 being the most preferred.
        type: int
      enabled:
        description: Whether the connection is used at all.
        type: bool
  device:
    description:
      - The router, by id, serial number, name or MAC address. Required with V(incontrol) and V(ncm) unless
        O(group) is given; with V(peplink_router) the device is the router at the URL.
    type: str
  group:
    description:
      - "V(ncm) only, instead of O(device): set the priorities in the group's configuration, which its routers inherit."
    type: str
  apply:
    description:
      - "V(peplink_router) and V(incontrol): apply the change at once (C(instantActive)). With V(false) the change is
        saved as pending configuration, to be applied later (for example by another task or the router's web admin)."
    type: bool
    default: true
attributes:
  diff_mode:
    support: full
  platform:
    platforms: [peplink_router, incontrol, ncm]
notes:
  - "O(platform=peplink_router): O(group) is refused (a router has no groups)."
  - "O(platform=incontrol): O(group) is refused (a group-level setting is NCM only); O(device) is required."
  - "O(platform=peplink_router): reads C(status.wan.connection) (firmware 8.0.0 or later) and writes
    C(config.wan.connection.priority). With O(apply=false) the saved (pending) values are read back with a
    C(config.wan.connection.priority) request that carries only the connection ids; see the platform page."
  - "O(platform=incontrol): InControl 2 documents no WAN priority call; the module sends the router API call through
    InControl's device API proxy (C(.../devapi/config.wan.connection.priority)), which is inferred from public clients."
  - "O(platform=ncm): the priorities live in the configuration at C(wan.rules2.<id>.priority) and
    C(wan.rules2.<id>.disabled); the key names are inferred from the NCM configuration reference.
    Priorities are NCM's own numbers (lower is preferred; connections not listed keep theirs, which may be
    fractional such as 1.1, and are returned as such). O(connections[].name) is the WAN rule's C(trigger_name).
    O(apply=false) is not supported."
author:
  - wanfleet.routers contributors (@wanfleet)
"""

EXAMPLES = r"""
- name: Prefer the first wired WAN, cellular as backup, the second wired WAN off
  wanfleet.routers.wan_priority:
    platform: peplink_router
    peplink_router:
      url: https://192.168.50.1
    connections:
      - {name: WAN 1, priority: 1, enabled: true}
      - {name: Cellular, priority: 2, enabled: true}
      - {name: WAN 2, enabled: false}

- name: The same through InControl 2
  wanfleet.routers.wan_priority:
    platform: incontrol
    device: 1824-1234-ABCD
    connections:
      - {id: "1", priority: 1}
      - {id: "2", priority: 2}
"""

RETURN = r"""
connections:
  description: Every WAN connection after the task (predicted in check mode), most preferred first, disabled last.
  returned: always
  type: list
  elements: dict
  sample:
    - {id: "1", name: WAN 1, priority: 1, enabled: true}
    - {id: "2", name: Cellular 1, priority: 2, enabled: true}
    - {id: "3", name: Wi-Fi WAN, priority: null, enabled: false}
changed_keys:
  description: V([connections]) when something changed.
  returned: when changed
  type: list
  elements: str
"""

from ansible_collections.wanfleet.routers.plugins.module_utils.ansible_module import WanfleetModule
from ansible_collections.wanfleet.routers.plugins.module_utils.models import wan_in_order
from ansible_collections.wanfleet.routers.plugins.module_utils.clients import resource_class
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import ensure_module

SPEC = dict(
    argument_spec=dict(
        connections=dict(
            type="list",
            elements="dict",
            required=True,
            options=dict(
                id=dict(type="str"),
                name=dict(type="str"),
                priority=dict(type="int"),
                enabled=dict(type="bool"),
            ),
            required_one_of=[("id", "name")],
        ),
        device=dict(type="str"),
        group=dict(type="str"),
        apply=dict(type="bool", default=True),
    ),
    platforms=("peplink_router", "incontrol", "ncm"),
    mutually_exclusive=[("device", "group")],
)


def operate(module, client):
    result = ensure_module(module, resource_class(module.platform, "wan_priority")(client, module.params), "wan", state="present")
    result["connections"] = wan_in_order((result.pop("wan") or {}).get("connections") or {})
    return result


def main():
    WanfleetModule(**SPEC).run(operate)


if __name__ == "__main__":
    main()
