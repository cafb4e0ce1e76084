#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: telecomx_device
short_description: Ensure a TelecomX network device, with its Wi-Fi and DHCP settings
version_added: 0.1.0
description:
  - Creates, updates or deletes one network device of a TelecomX customer. An update sends only the properties
    that differ.
  - The device is found by O(id), else by O(mac_address) (any common notation; TelecomX stores 12 hex digits).
  - With O(wait=true), waits until the device's provisioning jobs are done (C(jobs == 0) and C(state == ACTIVE)).
extends_documentation_fragment:
  - wanfleet.routers.connection
  - wanfleet.routers.attributes
options:
  platform:
    description:
      - Which API to talk to. This module speaks only V(telecomx) (TelecomX), the default; another value fails
        before any request. E(WANFLEET_PLATFORM) is not read by this module.
    type: str
    required: false
    default: telecomx
    choices: [incontrol, peplink_router, ncm, telecomx]
  id:
    description: The device's id (24 hex digits).
    type: str
  mac_address:
    description:
      - The device's MAC address, for example V(00:11:22:33:44:55), V(0011.2233.4455) or V(001122334455).
        Required to create a device.
    type: str
  name:
    description: Name of the device. Required to create a device.
    type: str
  model:
    description: The device model, by id or name (for example V(XVS-200)). Required to create a device.
    type: str
  customer:
    description: Customer id the device belongs to. Defaults to O(telecomx.customer), then the account's own customer.
    type: str
  serial_number:
    description: Serial number.
    type: str
  mvno_account:
    description: MVNO account id the device is linked to (a router uplinked through a SIM card).
    type: str
  notes:
    description: Free text.
    type: str
  wifi:
    description:
      - Wi-Fi settings; keys left out are not managed. The 2.4 GHz keys have no suffix.
    type: dict
    suboptions:
      enabled:
        description: Wi-Fi on 2.4 GHz.
        type: bool
      ssid:
        description: SSID on 2.4 GHz.
        type: str
      password:
        description: Passphrase on 2.4 GHz (8 to 63 characters).
        type: str
      enabled_5g:
        description: Wi-Fi on 5 GHz.
        type: bool
      ssid_5g:
        description: SSID on 5 GHz.
        type: str
      password_5g:
        description: Passphrase on 5 GHz.
        type: str
      enabled_6g:
        description: Wi-Fi on 6 GHz (models that have it).
        type: bool
      ssid_6g:
        description: SSID on 6 GHz.
        type: str
      password_6g:
        description: Passphrase on 6 GHz.
        type: str
      band_steering:
        description: One SSID on every band, clients moving freely between them.
        type: bool
  dhcp:
    description: DHCP server settings; keys left out are not managed.
    type: dict
    suboptions:
      enable:
        description: Run the DHCP server.
        type: bool
      ip_pool_start:
        description: First address handed out.
        type: str
      ip_pool_end:
        description: Last address handed out; not below O(dhcp.ip_pool_start).
        type: str
      lease_time:
        description: Lease time in minutes.
        type: int
      primary_dns_server:
        description: DNS server given to clients.
        type: str
      reserved_clients:
        description: Address reservations. The list replaces the device's list when given.
        type: list
        elements: dict
        suboptions:
          mac:
            description: The client's MAC address, any notation.
            type: str
            required: true
          ip:
            description: The address to give it, inside the DHCP subnet.
            type: str
            required: true
          enable:
            description: Whether the reservation is active.
            type: bool
            default: true
  update_password:
    description:
      - V(always) sends a Wi-Fi password that differs from the device's; V(on_create) sets passwords only on a new
        device, or on a band that has none yet.
    type: str
    default: always
    choices: [always, on_create]
  state:
    description: V(present) or V(absent).
    type: str
    default: present
    choices: [present, absent]
  wait:
    description:
      - Wait until provisioning is done after a change, and for a device found still provisioning (a create whose
        wait was interrupted, or another run's) even when nothing changes; after O(state=absent), wait until the
        device is gone (so its MAC address can be used again at once).
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait with O(wait=true).
    type: int
    default: 300
attributes:
  diff_mode:
    support: full
    details: Wi-Fi passwords are shown as C(********).
  platform:
    platforms: [telecomx]
notes:
  - "TelecomX documents create (C(POST /network/device)) and update (C(POST /network/device/<id>)). Delete
    (C(DELETE /network/device/<id>)) and waiting on C(jobs) are inferred; see the platform page in the collection's docs."
  - A VIEWER account can read but not write; the module fails before sending a write with such an account.
author:
  - wanfleet.routers contributors (@wanfleet)
"""

EXAMPLES = r"""
- name: A router for the Aarhus office
  wanfleet.routers.telecomx_device:
    platform: telecomx
    mac_address: "00:11:22:33:44:55"
    name: Aarhus office
    model: XVS-200
    wifi:
      enabled: true
      ssid: Office
      password: "{{ vault_office_psk }}"
      enabled_5g: true
      ssid_5g: Office-5G
      password_5g: "{{ vault_office_psk }}"
    dhcp:
      enable: true
      ip_pool_start: 192.168.1.100
      ip_pool_end: 192.168.1.199
      lease_time: 720
      reserved_clients:
        - {mac: "00:aa:bb:cc:dd:ee", ip: 192.168.1.10}
    wait: true
"""

RETURN = r"""
device:
  description: The device after the task (predicted in check mode), passwords masked; null after O(state=absent).
  returned: always
  type: dict
  sample: {id: 5f1c0c9d2a4e1b0012345678, name: Aarhus office, mac_address: "00:11:22:33:44:55", model: 5f1c0c9d2a4e1b00000000a1,
           model_brand: TP-LINK, model_type: ROUTER, state: ACTIVE, jobs: 0, wifi: {enabled: true, ssid: Office, password: "********"}}
changed_keys:
  description: The options that changed.
  returned: when changed
  type: list
  elements: str
"""

from ansible_collections.wanfleet.routers.plugins.module_utils.ansible_module import WanfleetModule
from ansible_collections.wanfleet.routers.plugins.module_utils.clients import resource_class
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import ensure_module

WIFI_OPTIONS = dict(
    enabled=dict(type="bool"),
    ssid=dict(type="str"),
    password=dict(type="str", no_log=True),
    enabled_5g=dict(type="bool"),
    ssid_5g=dict(type="str"),
    password_5g=dict(type="str", no_log=True),
    enabled_6g=dict(type="bool"),
    ssid_6g=dict(type="str"),
    password_6g=dict(type="str", no_log=True),
    band_steering=dict(type="bool"),
)
DHCP_OPTIONS = dict(
    enable=dict(type="bool"),
    ip_pool_start=dict(type="str"),
    ip_pool_end=dict(type="str"),
    lease_time=dict(type="int"),
    primary_dns_server=dict(type="str"),
    reserved_clients=dict(
        type="list",
        elements="dict",
        options=dict(mac=dict(type="str", required=True), ip=dict(type="str", required=True), enable=dict(type="bool", default=True)),
    ),
)
SPEC = dict(
    argument_spec=dict(
        id=dict(type="str"),
        mac_address=dict(type="str"),
        name=dict(type="str"),
        model=dict(type="str"),
        customer=dict(type="str"),
        serial_number=dict(type="str"),
        mvno_account=dict(type="str"),
        notes=dict(type="str"),
        wifi=dict(type="dict", options=WIFI_OPTIONS),
        dhcp=dict(type="dict", options=DHCP_OPTIONS),
        update_password=dict(type="str", default="always", choices=["always", "on_create"], no_log=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=300),
    ),
    platforms=("telecomx",),
    required_one_of=[("id", "mac_address")],
)


def operate(module, client):
    return ensure_module(module, resource_class(module.platform, "telecomx_device")(client, module.params), "device", secrets_option="update_password")


def main():
    WanfleetModule(**SPEC).run(operate)


if __name__ == "__main__":
    main()
