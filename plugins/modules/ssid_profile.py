#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ssid_profile
short_description: Ensure one Wi-Fi SSID on a Peplink router, an InControl 2 group, NetCloud Manager or a TelecomX device
version_added: 0.1.0
description:
  - Makes one SSID look the way the options say; options left out are not managed.
  - The passphrase is checked (8 to 63 characters, or 64 hexadecimal digits) before any request, never shown
    in output or diffs, and compared only where the platform reads it back (see O(update_passphrase)).
extends_documentation_fragment:
  - wanfleet.routers.connection
  - wanfleet.routers.attributes
options:
  name:
    description:
      - The SSID (network name), 1 to 32 bytes in UTF-8 on every platform (802.11 counts octets, so 9 emoji
        are too long). Identifies the profile when O(id) is not given.
    type: str
    required: true
  id:
    description:
      - Where the platform numbers its SSIDs, which one.
      - V(peplink_router) and V(incontrol) take the SSID profile id (V(1), V(2), ...).
        V(ncm) takes the radio and BSS as V(<radio>.<bss>) (for example V(0.1)) in the router's or group's configuration.
        V(telecomx) does not use it (the SSID is chosen by O(band)).
      - Without it the profile is found by O(name).
    type: str
    aliases: [slot]
  device:
    description:
      - The device whose SSID this is, by id, serial number, name or MAC address.
        V(ncm) (a router's own configuration) and V(telecomx) (required there).
        With V(peplink_router) the device is the router at the URL.
    type: str
  group:
    description:
      - The group whose SSID this is (id or name). Required with V(incontrol) (SSID profiles are group settings there);
        with V(ncm) it selects the group's configuration, which its routers inherit.
    type: str
  enabled:
    description: Whether the SSID is on.
    type: bool
  broadcast:
    description: Whether the SSID is broadcast (V(false) hides it).
    type: bool
  vlan_id:
    description: VLAN of the SSID's clients, 1 to 4094; V(0) means untagged (the LAN).
    type: int
  security:
    description:
      - The security policy. Platforms support different sets; a policy the platform does not have fails before
        any request. V(peplink_router) and V(incontrol) have V(open), V(wpa2_personal) and V(wpa_wpa2_personal).
    type: str
    choices: [open, wpa2_personal, wpa_wpa2_personal, wpa3_personal, wpa2_wpa3_personal]
  passphrase:
    description:
      - The pre-shared key, 8 to 63 printable characters or 64 hexadecimal digits. Required when creating a
        secured SSID; not allowed with O(security=open).
    type: str
  update_passphrase:
    description:
      - V(always) sets the passphrase when it differs from the current one, or on every run where the platform
        does not read passphrases back (NetCloud Manager shows them as C(*)), which then always reports a change.
      - V(on_create) sets it only when the SSID is created or the platform shows a different passphrase; use it for
        idempotent runs on NetCloud Manager.
    type: str
    default: always
    choices: [always, on_create]
  fast_transition:
    description: 802.11r fast roaming.
    type: bool
  band:
    description:
      - The radio band. Required with V(telecomx) (each band has its own SSID there); V(ncm) uses it to pick the
        radio when O(id) is not given.
    type: str
    choices: ["2.4", "5", "6"]
  state:
    description:
      - V(present) makes the SSID exist as described.
      - "V(absent) removes it where the platform can delete SSIDs (V(incontrol) group profiles) and disables it where
        it cannot (V(peplink_router), V(ncm) and V(telecomx) keep a fixed set of SSIDs): the task then reports the
        SSID as disabled."
    type: str
    default: present
    choices: [present, absent]
attributes:
  diff_mode:
    support: full
    details: Passphrases are shown as C(********).
  platform:
    platforms: [peplink_router, incontrol, ncm, telecomx]
notes:
  - "O(platform=peplink_router): O(band) is refused (a router's SSID profile covers every radio), and so is O(group)."
  - "O(platform=incontrol): O(device) is refused (SSID profiles are group settings); O(group) is required."
  - "O(platform=peplink_router): the router API updates existing profiles only. The change is saved as pending
    configuration and then applied with C(cmd.config.apply); if anything fails before that, the pending change is
    discarded, so the router keeps its old configuration."
  - "O(platform=incontrol): the group SSID profile calls are not in Peplink's published document; they are inferred
    from public clients (see the platform page in the collection's docs)."
  - "O(platform=ncm): the SSID lives in the configuration tree at C(wlan.radio.<radio>.bss.<bss>) and is changed with
    a PATCH of C([updates, removals]); NetCloud Manager reads passwords back as C(*)."
  - "O(platform=ncm): O(vlan_id) and O(fast_transition) are not supported. O(band) V(2.4) and V(5) select radio 0 and 1
    (inferred). Without O(id), the first unused slot of the band's radio is set up and switched on.
    O(state=absent) disables the slot."
  - "O(platform=telecomx): O(device) and O(band) are required; O(security) is V(open) or V(wpa2_personal); O(id),
    O(group), O(vlan_id), O(broadcast) and O(fast_transition) are refused. Passwords are read back, so both O(update_passphrase)
    values behave alike. O(state=absent) turns the band off only when it carries O(name)."
author:
  - wanfleet.routers contributors (@wanfleet)
"""

EXAMPLES = r"""
- name: Staff SSID on every router of an NCM group, passphrase set once
  wanfleet.routers.ssid_profile:
    platform: ncm
    group: Stores
    id: "0.1"
    name: Staff
    security: wpa2_personal
    passphrase: "{{ vault_staff_psk }}"
    update_passphrase: on_create

- name: Guest SSID of a Peplink router, hidden
  wanfleet.routers.ssid_profile:
    platform: peplink_router
    peplink_router:
      url: https://192.168.50.1
    id: "2"
    name: Guest
    broadcast: false

- name: Turn off the 5 GHz Wi-Fi of a TelecomX device
  wanfleet.routers.ssid_profile:
    platform: telecomx
    device: "00:11:22:33:44:55"
    band: "5"
    name: Office
    state: absent
"""

RETURN = r"""
profile:
  description: The SSID after the task (predicted in check mode), passphrase masked.
  returned: always
  type: dict
  sample: {id: "1", name: Staff, enabled: true, broadcast: true, vlan_id: 20, security: wpa2_personal, passphrase: "********"}
changed_keys:
  description: The options that changed.
  returned: when changed
  type: list
  elements: str
  sample: [vlan_id]
"""

from ansible_collections.wanfleet.routers.plugins.module_utils.ansible_module import WanfleetModule
from ansible_collections.wanfleet.routers.plugins.module_utils.clients import resource_class
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import ensure_module

SPEC = dict(
    argument_spec=dict(
        name=dict(type="str", required=True),
        id=dict(type="str", aliases=["slot"]),
        device=dict(type="str"),
        group=dict(type="str"),
        enabled=dict(type="bool"),
        broadcast=dict(type="bool"),
        vlan_id=dict(type="int"),
        security=dict(type="str", choices=["open", "wpa2_personal", "wpa_wpa2_personal", "wpa3_personal", "wpa2_wpa3_personal"]),
        passphrase=dict(type="str", no_log=True),
        update_passphrase=dict(type="str", default="always", choices=["always", "on_create"], no_log=False),
        fast_transition=dict(type="bool"),
        band=dict(type="str", choices=["2.4", "5", "6"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    ),
    platforms=("peplink_router", "incontrol", "ncm", "telecomx"),
    mutually_exclusive=[("device", "group")],
)


def operate(module, client):
    return ensure_module(module, resource_class(module.platform, "ssid_profile")(client, module.params), "profile", secrets_option="update_passphrase")


def main():
    WanfleetModule(**SPEC).run(operate)


if __name__ == "__main__":
    main()
