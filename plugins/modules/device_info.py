#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: device_info
short_description: Read routers from InControl 2, a Peplink router, NetCloud Manager or TelecomX
version_added: 0.1.0
description:
  - Returns one device, a group's devices, or all devices (narrowed by O(filters)) as one normalised record
    per device, the same shape on every platform.
  - Never changes anything.
extends_documentation_fragment:
  - wanfleet.routers.connection
  - wanfleet.routers.attributes
  - wanfleet.routers.attributes.read_only
options:
  device:
    description:
      - One device, by id, serial number, name or MAC address (any notation), whichever the platform knows.
      - A name that matches several devices fails and lists them.
      - With O(platform=peplink_router) the device is the router at the URL; if given, it must match that router.
    type: str
  group:
    description:
      - The devices of this group (id or name). InControl 2 and NetCloud Manager only.
    type: str
  filters:
    description:
      - Narrow the listing. Sent to the API where it can filter, applied to the listing otherwise.
      - Common keys are C(name), C(status) (V(online) or V(offline)) and C(model).
      - Every platform matches the same way. C(name), C(model) and C(serial) take shell patterns (C(Store-*),
        C(BR1-??), C([AB]*)); every other key takes an exact value; case is ignored; a list accepts any of its values.
        NetCloud Manager sends plain values to its API (which compares them as it does) and matches patterns on
        the listing.
        NetCloud Manager also takes its router filter fields (for example C(state), C(product), C(account),
        C(serial_number), and C(<field>__in) lists).
    type: dict
    default: {}
  include:
    description:
      - Extra data to read. V(cellular) adds C(cellular) to each cellular WAN connection (carrier, technology, band,
        C(rsrp), C(rsrq), C(sinr), C(rssi) in dBm/dB as the platform gives them, C(signal_bar), C(imei), C(iccid),
        C(imsi), C(apn), C(roaming); null where the platform has no such field). V(location) adds C(location)
        to each device (C(latitude), C(longitude), C(accuracy_m), C(method), C(updated_at)), null when unknown.
      - "Cost: none on InControl 2 (the device listing carries them); NetCloud Manager reads C(net_devices),
        C(net_device_signal_samples) and C(locations) per 100 routers; a Peplink router reads C(info.location)."
      - TelecomX documents neither, so it adds no C(cellular) and a null C(location).
    type: list
    elements: str
    choices: [cellular, location]
    default: []
  include_raw:
    description:
      - Add each device's object as the platform returned it, under C(raw).
    type: bool
    default: false
attributes:
  platform:
    platforms: [incontrol, peplink_router, ncm, telecomx]
notes:
  - "O(platform=peplink_router): C(serial), C(model) and C(name) come from C(status.system.info) where the router
    answers it (not in the router's API document; public clients read it). A router that does not leaves them
    empty, unless the URL carries the serial (C(/peplink/<serial>)). C(id) is the serial from the URL or the
    router's address."
  - "O(platform=telecomx): TelecomX has no device groups, so O(group) is not supported; filters are applied to
    the listing."
  - "O(platform=ncm): WAN connections come from C(net_devices) and SSIDs from the router's configuration, both
    read in bulk (one request per 100 routers), never one request per router."
author:
  - wanfleet.routers contributors (@wanfleet)
"""

EXAMPLES = r"""
- name: All online NCM routers of the Stores group
  wanfleet.routers.device_info:
    platform: ncm
    group: Stores
    filters:
      status: online
  register: stores

- name: One router through InControl 2, by serial number
  wanfleet.routers.device_info:
    platform: incontrol
    device: 1824-1234-ABCD
  register: router

- name: The router at an address, through its own API
  wanfleet.routers.device_info:
    platform: peplink_router
    peplink_router:
      url: https://192.168.50.1
      username: admin
      password: "{{ vault_router_password }}"
    ca_path: /etc/ssl/router-ca.pem

- name: WAN status of every device
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.wan | map(attribute='status') | list }}"
  loop: "{{ stores.devices }}"
"""

RETURN = r"""
devices:
  description: The devices, in the platform's order.
  returned: success
  type: list
  elements: dict
  contains:
    platform:
      description: The platform the record came from.
      type: str
      sample: ncm
    id:
      description: The platform's id of the device, as a string.
      type: str
      sample: "1254"
    name:
      description: Device name.
      type: str
      sample: store-042
    serial:
      description: Serial number, where the platform gives it.
      type: str
      sample: MM180012345678
    mac:
      description: MAC address, lower case with colons.
      type: str
      sample: "00:30:44:1a:2b:3c"
    model:
      description: Product or model name.
      type: str
      sample: IBR900
    firmware:
      description: Running firmware version.
      type: str
      sample: 7.24.30
    status:
      description: V(online), V(offline) or V(unknown).
      type: str
      sample: online
    group:
      description: Name of the device's group, if any.
      type: str
      sample: Stores
    group_id:
      description: Id of the device's group, if any.
      type: str
      sample: "87"
    wan:
      description: WAN connections.
      type: list
      elements: dict
      sample:
        - {id: "1", name: Cellular 1, type: cellular, status: connected, ip: 10.20.30.40, priority: 1, enabled: true,
           cellular: {carrier: Verizon, technology: LTE, band: Band 13, rsrp: -96, rsrq: -10, sinr: 16.4, rssi: -69,
                      signal_bar: 4, imei: "353547063430048", iccid: "8901...", imsi: "3114800...", apn: internet,
                      roaming: false}}
    location:
      description: The device's position. Only with O(include=[location]); null when the platform has none.
      type: dict
      returned: when include has location
      sample: {latitude: 43.578, longitude: -116.191, accuracy_m: 12, method: gps, updated_at: "2026-01-25T16:04:34+00:00"}
    ssids:
      description: SSIDs configured on the device.
      type: list
      elements: dict
      sample:
        - {id: "1", name: Store-WiFi, enabled: true}
    wan_rules:
      description:
        - NetCloud Manager only. The device's WAN rules, with the name, priority and enabled state that
          M(wanfleet.routers.wan_priority) compares (the RV(devices[].wan) entries are interfaces, without priority).
      type: list
      elements: dict
      returned: on platform ncm
      sample:
        - {id: 00000002-a81d-3590-93ca-8b1fcfeb8e14, name: LTE, priority: 1.1, enabled: true}
    raw:
      description: The platform's own object. Only with O(include_raw=true).
      type: dict
      returned: when include_raw is true
"""

from ansible_collections.wanfleet.routers.plugins.module_utils.ansible_module import WanfleetModule
from ansible_collections.wanfleet.routers.plugins.module_utils.models import INCLUDES, add_includes

SPEC = dict(
    argument_spec=dict(
        device=dict(type="str"),
        group=dict(type="str"),
        filters=dict(type="dict", default={}),
        include=dict(type="list", elements="str", choices=list(INCLUDES), default=[]),
        include_raw=dict(type="bool", default=False),
    ),
    platforms=("incontrol", "peplink_router", "ncm", "telecomx"),
    reads_only=True,
)


def operate(module, client):
    params = module.params
    devices = client.devices(device=params["device"], group=params["group"], filters=params["filters"], detail=True)
    records = [device.record(include_raw=params["include_raw"]) for device in devices]
    return {"changed": False, "devices": add_includes(client, devices, records, params["include"])}


def main():
    WanfleetModule(**SPEC).run(operate)


if __name__ == "__main__":
    main()
