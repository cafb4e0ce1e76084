# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ssid_profile contract: the checks every platform makes, and which platform takes which option.

Each platform's Resource calls validate() first and then checks only its own quirks (its security
names, its bands, how an SSID is selected)."""

from __future__ import annotations

from typing import Any, Mapping

from ansible_collections.wanfleet.routers.plugins.module_utils.checks import check_passphrase, check_ssid
from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import support
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError

MODULE = "ssid_profile"
VLAN_RANGE = (1, 4094)  # IEEE 802.1Q: 0 and 4095 are reserved; 0 here means untagged (the LAN)
UNTAGGED_VLAN = 0
OPEN = "open"
FAST_TRANSITION_SECURITY = "wpa2_personal"  # 802.11r (fast transition) is offered with WPA2 Personal only

# The options a platform does not take, and why (the message the user sees). The role's input checks
# (roles/site_provision/templates/input_errors.json.j2) and the module's DOCUMENTATION agree with it
# (tests/unit/plugins/module_utils/test_contracts.py holds them together).
UNSUPPORTED = {
    "incontrol": {
        "device": "SSID profiles are group settings in InControl 2: give group instead of device",
    },
    "ncm": {  # inferred: NCOS keeps neither on the BSS (an SSID's VLAN is a LAN setting; 802.11r has no documented key)
        "vlan_id": "NCM ties an SSID to a VLAN through the LAN's devices (lan.<id>.devices), not on the SSID",
        "fast_transition": "the NCM configuration reference documents no 802.11r key",
    },
    "peplink_router": {
        "group": "a router has no groups (group is an InControl/NCM option); omit group, the router is the one at url",
        "band": "band cannot be set on a router's SSID profile (config.ssid.profile has no band; a profile covers every radio); leave band out",
    },
    "telecomx": {
        "id": "a TelecomX device has one SSID per band: choose it with band",
        "group": "TelecomX has no device groups; give device",
        "vlan_id": "TelecomX's wifi settings have no VLAN",
        "broadcast": "TelecomX's wifi settings cannot hide an SSID",
        "fast_transition": "TelecomX's wifi settings have no 802.11r setting",
    },
}
# What a task must name, one of (() = the platform is one router, the one at its url), and what else a
# platform needs. Each platform's Resource refuses a task without them in its own words; the role reads
# these tables, and test_contracts.py holds the Resources to them.
SELECTORS = {"incontrol": ("group",), "ncm": ("device", "group"), "peplink_router": (), "telecomx": ("device",)}
REQUIRED = {"telecomx": ("band",)}  # a TelecomX device has one SSID per band
# Where an SSID is always named (found or created by name): an empty name is refused even with id.
NAME_REQUIRED = ("incontrol", "ncm")


def validate(platform: str, params: Mapping[str, Any]) -> None:
    """The checks of ssid_profile's input that mean the same on every platform. Raises InputError or
    UnsupportedError before any request."""
    # first: a range means nothing for an option the platform lacks
    support.refuse_unsupported(MODULE, platform, params, UNSUPPORTED)
    where = "%s: %s" % (platform, MODULE)
    name = params.get("name")
    check_ssid(name or "" if platform in NAME_REQUIRED else name, where)
    vlan = params.get("vlan_id")
    if vlan is not None and vlan != UNTAGGED_VLAN and not VLAN_RANGE[0] <= vlan <= VLAN_RANGE[1]:
        raise InputError(
            "%s: vlan_id must be %d to %d, or %d for untagged (the LAN); got %s" % (where, VLAN_RANGE[0], VLAN_RANGE[1], UNTAGGED_VLAN, vlan), platform=platform
        )
    security, passphrase = params.get("security"), params.get("passphrase")
    if passphrase is not None:
        if security == OPEN:
            raise InputError("%s: passphrase is not allowed with security open" % where, platform=platform)
        check_passphrase(passphrase, platform, MODULE + ": passphrase")
    if params.get("fast_transition") and security not in (None, FAST_TRANSITION_SECURITY):
        raise InputError("%s: fast_transition can be set only with security %s, not %s" % (where, FAST_TRANSITION_SECURITY, security), platform=platform)
