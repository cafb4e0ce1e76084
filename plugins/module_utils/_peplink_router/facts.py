# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Peplink router local API facts: documented, and INFERRED where the vendor document stops (with the evidence)."""

from __future__ import annotations

import re


SESSION_COOKIE = "bauth"
TOKEN_PARAM = "accessToken"  # the token travels as a query parameter
READ_ONLY_SCOPE = "api.read-only"  # the other scope is "api", read-write
DEFAULT_TOKEN_LIFETIME = 172800  # the document's expiresIn example, used when a grant omits it

# The two policies the router API reads and writes, by the collection's names.
SECURITY_POLICIES = {"wpa2_personal": "WPA2 Personal", "wpa_wpa2_personal": "WPA/WPA2 Personal"}
# The object under `security` holding the key (and fastTransition, WPA2 only) for each policy.
SECURITY_OBJECTS = {"WPA2 Personal": "wpa2Personal", "WPA/WPA2 Personal": "wpaWpa2Personal"}
# WPA2_Personal_Obj.key: "The length must between 8 and 63 or HEX in 64".

# ---- INFERRED: where the document stops. One place, so a correction is one edit. -------------


# inferred: newer firmware names the session cookie pauth (peplink-mcp _extract_session_cookie;
# docs/anchors.md 2.5); preference order.
SESSION_COOKIES = (SESSION_COOKIE, "pauth")
# inferred: public clients (peplink-mcp, Home Assistant integrations) send this with /api/login,
# noting newer firmware requires it; the document shows only username and password.
LOGIN_EXTRA = {"challenge": "challenge"}
# inferred: scopes asked for in this order. A read-write token first; a read-only client may not
# mint one (refused as a permission error), so it gets a read-only token and writes fail early.
TOKEN_SCOPES = ("api", READ_ONLY_SCOPE)
# inferred: `<numlist>` parameters are space-separated in the document's examples (`?id=1 2`).
LIST_SEPARATOR = " "
# inferred (Peplink Router API Documentation, reboot command): the router drops the connection while going down. These
# transport failures happen after the request was sent, so the reboot is taken as accepted.
REBOOT_DROP_ERRORS = frozenset(("ReadTimeout", "ReadError", "RemoteProtocolError"))
# inferred: an SSID profile without a `security` object is open (the document lists only the two
# WPA policies).
OPEN_SECURITY = "open"
# The collection's simulator serves each router under /peplink/<serial>; a real router's URL
# has no serial in it.
SERIAL_IN_PATH = re.compile(r"/peplink/([^/]+)")


# inferred: the document has no GET for config.wan.connection.priority (Peplink Router API Documentation, API Reference: only the POST), and a POST
# without instantActive saves configuration, so it is never used to read. Public clients GET
# config.wan.connection on 8.x firmware (TechBlueprints peplink-mcp get_wan_connection_config): a keyed
# map of the *saved* connections {name, enable, type, priority}. A router that refuses it is read from
# its running status instead (saved_wan_priorities() answers {}).
WAN_CONFIG = "config.wan.connection"
# inferred: the document has no identity call (Peplink Router API Documentation, API Reference). Public clients read status.system.info
# (PepPy get_device_info: response.device.serialNumber / model / name / firmwareVersion; ha-peplink
# reads it with infoType=device). A router that refuses it keeps the URL-derived identity.
SYSTEM_INFO = "status.system.info"
SYSTEM_INFO_FIELDS = {"serial": "serialNumber", "model": "model", "name": "name", "firmware": "firmwareVersion"}
# inferred: the document's SSID_Profile_Obj has no band; an SSID profile covers every radio.
# vlanId: absent means the LAN (documented); 0 is what the module calls untagged, and is sent as 0
# to move a profile back onto the LAN (inferred: the document shows no way to remove vlanId).
UNTAGGED_VLAN = 0
VLAN_RANGE = (1, 4094)  # as status.lan.profile's vlanId [1, 4094]
# inferred: a WAN's `uptime` of 0 means "not connected", not "just restarted" (the document's
# example shows uptime only for connected WANs), so is_back() cannot tell a restart from it.
UPTIME_NOT_CONNECTED = 0


# The router API documents no configuration export (peplink-router-api: no config download or
# backup call); the config_backup module refuses the platform with this, before any request.
NO_CONFIG_EXPORT = (
    "peplink_router: the router's local API has no configuration export call; back up Peplink "
    "routers through InControl 2 (platform incontrol), which keeps their configuration files"
)
