# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""InControl 2 facts: the ENDPOINTS table (documented or inferred, with the evidence), error codes, limits."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils._router_api import (
    FIRMWARE as ROUTER_FIRMWARE,
    WAN_PRIORITY as ROUTER_WAN_PRIORITY,
    WAN_STATUS as ROUTER_WAN_STATUS,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    AuthError,
    NotFoundError,
    PendingError,
    RateLimitedError,
    ServerError,
    ValidationError,
)


PLATFORM = "incontrol"

# Documented: "The API Request Rate Limit is 20 requests per second per organization" (IC2 API
# doc, "API Request Rate Limit").
DOCUMENTED_RATE_LIMIT = 20.0
# The most a run's schedule ever allows: requests spaced exactly 50 ms apart on the controller reach a
# sliding one-second window bunched now and then (measured on the simulator: at 20/s a 429 every few
# seconds, at 19/s none).
RATE_CEILING = 0.95 * DOCUMENTED_RATE_LIMIT
# The rate a run starts at: below the limit, since requests spaced 50 ms apart on the controller
# reach a sliding window bunched; the limiter then follows the 429s (rate_limiter.RateLimiter).
RATE_LIMIT_PER_SECOND = 18.0

# ---- InControl 2 endpoints: the ONE place for paths, methods and body shapes ----------------
# name: (method, path template, evidence). Templates take {org}, {group}, {device}, {ssid}, {api}.
# A correction to an inferred call is one edit here.
ENDPOINTS = {
    # documented: InControl 2 API docs, Introduction ('Obtain token using "client_credentials" flow', 'Refresh token')
    "token": ("POST", "/api/oauth2/token", "documented"),
    # documented: Introduction, Usage Example (`/rest/o?access_token=`); model organization_list_obj
    "organizations": ("GET", "/rest/o", "documented"),
    # documented: GET /rest/o/{organization_id}/d (device_list_obj; `has_status` in prose)
    "org_devices": ("GET", "/rest/o/{org}/d", "documented"),
    # documented: GET /rest/o/{organization_id}/d/basic, Since 2.8.1 (device_list_basic_obj)
    "org_devices_basic": ("GET", "/rest/o/{org}/d/basic", "documented"),
    # documented: Introduction, Usage Example (`/rest/o/abcdef/g`); model array[group]
    "groups": ("GET", "/rest/o/{org}/g", "documented"),
    # inferred (high): a block of the docs without its heading (data: group); Bleed-AI get_group_by_id
    "group": ("GET", "/rest/o/{org}/g/{group}", "inferred: public client (Bleed-AI aqms-backend)"),
    # inferred (high): a block of the docs without its heading (array[device_list_obj]); hass-incontrol2, Bleed-AI, TechBlueprints
    "group_devices": ("GET", "/rest/o/{org}/g/{group}/d", "inferred: public clients (hass-incontrol2, Bleed-AI, peplink-mcp)"),
    # documented: GET /rest/o/{organization_id}/g/{group_id}/d/basic, Since 2.8.1 (quirk: returns the full `device` model)
    "group_devices_basic": ("GET", "/rest/o/{org}/g/{group}/d/basic", "documented"),
    # inferred (high): a block of the docs without its heading (data: device); hass-incontrol2 _update_device
    "device": ("GET", "/rest/o/{org}/g/{group}/d/{device}", "inferred: public client (hass-incontrol2)"),
    # inferred: Bleed-AI names `/rest/o/{org}/g` "get_add_groups"; body guessed {"data": {name, timezone, country}}
    "group_create": ("POST", "/rest/o/{org}/g", "inferred: public client (Bleed-AI aqms-backend), body guessed"),
    # inferred: no public client; REST analogy
    "group_update": ("PUT", "/rest/o/{org}/g/{group}", "inferred: REST analogy, no public client"),
    # inferred: no public client; REST analogy
    "group_delete": ("DELETE", "/rest/o/{org}/g/{group}", "inferred: REST analogy, no public client"),
    # inferred: Bleed-AI constant "add_devices_in_group" (never called); method and body unknown
    "group_add_devices": ("POST", "/rest/o/{org}/g/{group}/add_devices", "inferred: a constant of Bleed-AI aqms-backend, body guessed"),
    # inferred: TechBlueprints says PUT ssid_profiles/{id} "mirrors GET ssid_profiles"
    "ssid_profiles": ("GET", "/rest/o/{org}/g/{group}/ssid_profiles", "inferred: public client (TechBlueprints peplink-mcp)"),
    # inferred: TechBlueprints config_group.py put_ssid_profile (medium reliability; body shape unknown)
    "ssid_profile_update": ("PUT", "/rest/o/{org}/g/{group}/ssid_profiles/{ssid}", "inferred: public client (TechBlueprints peplink-mcp)"),
    # inferred: create/delete of one profile not found in any client
    "ssid_profile_create": ("POST", "/rest/o/{org}/g/{group}/ssid_profiles", "inferred: REST analogy, no public client"),
    "ssid_profile_delete": ("DELETE", "/rest/o/{org}/g/{group}/ssid_profiles/{ssid}", "inferred: REST analogy, no public client"),
    # documented: "Get a device's configuration file list" (IC2 doc, config_backup, Since 2.0.25):
    # data: [{date, file_list: [{size, time, id}]}]
    "config_backups": ("GET", "/rest/o/{org}/g/{group}/d/{device}/config_backup", "documented"),
    # documented: "Get a device's configuration file" (IC2 doc, config_backup/{id}, Since 2.0.25), application/octet-stream
    "config_backup_file": ("GET", "/rest/o/{org}/g/{group}/d/{device}/config_backup/{backup}", "documented"),
    # inferred: TechBlueprints config_device.py (no body; never shown to succeed). Never retried (POST).
    "device_reboot": ("POST", "/rest/o/{org}/g/{group}/d/{device}/tools/reboot", "inferred: public client (TechBlueprints peplink-mcp)"),
    # inferred: Bleed-AI uses the device-API proxy in production; not in the public doc
    "devapi": ("GET", "/rest/o/{org}/g/{group}/d/{device}/devapi/{api}", "inferred: public client (Bleed-AI aqms-backend)"),
}
# inferred: IC2-native writes wrap the payload as {"data": ...} (Bleed-AI device_tags, TechBlueprints vlan_config; A.11)
WRITE_BODY_KEY = "data"
# inferred: Bleed-AI posts the bare router-API JSON to devapi as text/plain (A.9)
DEVAPI_POST_CONTENT_TYPE = "text/plain"

# Group writes (group module). inferred: A.3 guesses the create body from the read model's names
# (documented read fields: InControl 2 API docs, model `group`); update sends the changed ones only.
GROUP_WRITE_FIELDS = ("name", "timezone", "country")
# inferred: A.6 has no body for add_devices; the device ids under this key, as device_tags does (A.5).
# Moving a device into a group takes it out of its old one (every IC2 device is in exactly one group).
GROUP_ADD_DEVICES_KEY = "device_ids"

# Group SSID profiles (ssid_profile module): module option -> IC2 profile field.
# documented read side (InControl 2 API docs, model ssid_profiles_applied): ssid, enabled, vlan_id, wpa_passphrase
# ("hidden for read-only users"). TechBlueprints put_ssid_profile names broadcast, fast_transition,
# radio_select (A.7, medium). inferred: `security` and writing `wpa_passphrase` (A.7: NOT FOUND).
SSID_PROFILE_FIELDS = {
    "name": "ssid",
    "enabled": "enabled",
    "broadcast": "broadcast",
    "vlan_id": "vlan_id",
    "security": "security",
    "passphrase": "wpa_passphrase",
    "fast_transition": "fast_transition",
    "band": "radio_select",
}
# inferred: the security values of a profile, by the module's choices (A.7: write-side names unknown)
SSID_SECURITY = {"open": "open", "wpa2_personal": "wpa2_personal", "wpa_wpa2_personal": "wpa_wpa2_personal"}
# TechBlueprints docstring (A.7): radio_select "1" = 2.4G, "2" = 5G, "3" = both
SSID_RADIO_SELECT = {"2.4": "1", "5": "2", "both": "3"}

# WAN priority (wan_priority module) through the device-API proxy (A.9): the router API's own calls,
# named once in _router_api.py (router doc: status.wan.connection 8.0.0+, config.wan.connection.priority).
DEVAPI_WAN_STATUS = ROUTER_WAN_STATUS
DEVAPI_WAN_PRIORITY = ROUTER_WAN_PRIORITY
# inferred (A.9 pattern): the router call that shows the router answers again after a reboot (is_back)
DEVAPI_ALIVE = ROUTER_FIRMWARE

# documented (InControl 2 API docs, every response model): resp_code PENDING is a normal answer, not explained further.
# inferred: a write answered PENDING was accepted and queued (reported changed, with a warning); a read
# answered PENDING is asked again this many times, PENDING_READ_DELAY seconds apart, then fails.
PENDING_READ_ATTEMPTS = 3
PENDING_READ_DELAY = 1.0
# Who owns a device setting (InControl 2 API docs, model `device`). A write through the device API (devapi) is refused
# when one of these says another layer owns it: {flag: (value that refuses, what it means, what to do)}.
DEVICE_API_OWNERSHIP = {
    "icmg_wan": (
        True,
        "InControl manages the device's WAN settings and would push its own back",
        "change the WAN priorities in InControl (the device's WAN settings), or turn off InControl management of the device's WAN settings first",
    ),
    "device_config_apply_locked": (True, "the device is locked against configuration applied on it", "unlock the device's configuration in InControl first"),
    "ic2_config_apply_locked": (
        True,
        "InControl holds a configuration apply lock on the device",
        "wait until InControl has applied its configuration, or release the lock in InControl",
    ),
}
# documented (device model): wifi_cfg "Indicates the device follows group or device level's SSID settings, or
# locally managed on the device"; only "group" devices take the group's SSID profiles.
WIFI_CFG_KEY = "wifi_cfg"
WIFI_CFG_GROUP = "group"
# Shapes of GET .../g/{group}/ssid_profiles: a list (as the docs' other lists), or an object holding the list under
# this key (inferred: TechBlueprints config_group.py reads the group SSID settings as such an object).
SSID_PROFILES_KEY = "ssid_profiles"

# Firmware (firmware module). documented (device_list_obj): fw_ver "Firmware version using",
# fw_pending_ver "Version of the firmware to be updated", fw_pending_status "1 - active". The held
# document has no call that changes a device's firmware, so the module only reports.
FIRMWARE_PENDING_ACTIVE = "1"
NO_FIRMWARE_WRITE = (
    "incontrol: InControl 2's API documents a device's firmware only as read-only fields (fw_ver, "
    "fw_pending_ver, fw_pending_status) and has no call that changes it: schedule the upgrade in "
    "InControl's firmware settings, or boot a firmware the router already holds with platform peplink_router"
)
# A downloaded configuration file is the router's own export (binary), kept under this extension.
BACKUP_FORMAT = "conf"
# Reboot (reboot module): a device is back once IC2 shows it online with an uptime that started after
# the reboot was sent; this many seconds of slack absorb rounding of `uptime` (InControl 2 API docs: integer seconds).
REBOOT_UPTIME_SLACK = 2.0
# How long an organization name -> id resolution is reused across the tasks of a run (saves GET /rest/o).
ORGANIZATION_CACHE_SECONDS = 3600.0
# ---- end of endpoints ----------------------------------------------------------------------------

# The error bodies of the InControl 2 API docs (API Error Responses): {"error": code, "error_description": text}
ERROR_CODES = {
    "invalid_accessor": AuthError,  # token expired or invalid: re-authenticated once by the core
    "unauthorized": AuthError,
    "rate_limit_exceeded": RateLimitedError,
    "org_not_found": NotFoundError,
}


# resp_code values other than SUCCESS (InControl 2 API docs, every response model)
RESP_CODE_ERRORS = {
    "INVALID_INPUT": ValidationError,
    "INTERNAL_ERROR": ServerError,
    "PENDING": PendingError,
}

# The device-list filters and where each is applied (see InControlClient.devices).
DEVICE_FILTERS = ("name", "status", "model", "group", "tags")
