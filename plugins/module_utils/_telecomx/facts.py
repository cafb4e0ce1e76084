# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TelecomX facts: paths, keys and limits, documented (TelecomX wiki pages, https://wiki.telecomx.dk/doku.php?id=<page>) or inferred (with the evidence)."""

from __future__ import annotations


# ---- what the documents say, and what is inferred: correct it here ---------------------------

LOGIN_PATH = "/auth/login"  # documented: wiki api:auth:login (POST, JSON body username/password)
VALIDATE_TOKEN_PATH = "/auth/validateToken"  # documented: wiki api:auth:validatetoken (reply: success, employee, customer, accessLevel)
DEVICES_PATH = "/network/device"  # documented: wiki api:networkmanagement:device:list (GET list), create page (POST)
DEVICE_PATH = "/network/device/%s"  # documented: wiki api:networkmanagement:device:get (GET), update page (POST, partial)
DEVICE_DELETE_PATH = "/network/device/%s"  # inferred: no delete page; the wiki's DELETE /<resource>/<ID> convention of other resources
MODELS_PATH = "/network/device/model"  # documented: wiki api:networkmanagement:devicemodel:list
TOKEN_PARAM = "token"  # documented: every wiki example uses ?token=; no header is documented
DEFAULT_TOKEN_MINUTES = 15  # documented: wiki api:auth:login `expiresInMinutes` default
PAGE_LIMIT = 500  # documented: wiki device and model list pages, limit max 500
LIST_CONCURRENCY = 4  # pages after the first, fetched in parallel (total is known)
DEVICE_LIST_KEY = "networkDevices"  # documented: wiki api:networkmanagement:device:list
# conflict: wiki api:networkmanagement:devicemodel:list, the model list documents `networkDevices` (a copy-paste error of the device list);
# accept the likely real names too, then any top-level array.
MODEL_LIST_KEYS = ("networkDeviceModels", "models", "networkDevices")
# inferred: wiki error tables, the error body's JSON shape is undocumented; the documented "Message" (a key such
# as `macAddress`) is looked for under these names, then a bare string body.
ERROR_BODY_KEYS = ("error", "message", "Message", "code", "errors")
# documented: wiki api:employee:create (access levels); create/update/delete need MANAGER, OWNER, RESELLER or ADMIN; these levels are
# documented below them, so a write is refused before it is sent.
READ_ONLY_ACCESS_LEVELS = frozenset(("NO_LOGIN", "PERSONAL", "VIEWER"))
WRITE_ACCESS_LEVELS = ("MANAGER", "OWNER", "RESELLER", "ADMIN")
# documented: update page, the properties an update takes. conflict: `macAddress` is not in its
# body table but its error table keeps 422 macAddress, so a MAC change is allowed.
UPDATABLE_KEYS = ("name", "notes", "wifi", "dhcp", "mac_address")
# documented: wiki networkmanagement pages, `jobs` and `state`; inferred: polling GET until both settle means "provisioned".
PROVISIONED_STATE = "ACTIVE"
DELETING_STATE = "DELETING"
# inferred: no page says how long provisioning takes; polls start quick and back off to this.
WAIT_FIRST_POLL_SECONDS = 1.0
WAIT_MAX_POLL_SECONDS = 5.0
# inferred: no firmware field is documented on a device; these would be read if the API had them.
FIRMWARE_KEYS = ("firmwareVersion", "firmware")
# documented: create page status.wanIp / status.publicIp; the model list page's copied table names
# status.localIpAddress / status.publicIpAddress (read as fallbacks).
WAN_IP_KEYS = ("wanIp", "publicIp", "localIpAddress", "publicIpAddress")
# documented: create page status.networkType, mobile routers only; "1" = none.
MOBILE_NETWORK_TYPES = {"2": "gsm", "4": "wcdma", "8": "lte", "16": "lte_plus", "32": "nr"}

# documented: wiki api:networkmanagement:devicemodel:list, a model's capabilities{wifi, wifi2G, wifi5G, wifi6G}: which radios it has.
MODEL_WIFI_CAPABILITY = "wifi"
BAND_CAPABILITIES = (("2.4", "wifi2G"), ("5", "wifi5G"), ("6", "wifi6G"))
# inferred: the pages type a password as a String and say nothing of its rules; WPA2-PSK's are
# 8-63 characters or 64 hex digits, and a null password is an open network. SSIDs are at most
# 32 bytes (802.11).
SSID_MAX_BYTES = 32
# inferred: the documents name no security mode; a band with a password is reported as
# wpa2_personal and one without as open (ssid_profile `security`).
SECURITY_WITH_PASSWORD = "wpa2_personal"
SECURITY_OPEN = "open"
# inferred: the dhcp object carries no netmask. The pool and the reservations must lie in the
# router's LAN, taken as the /24 around the pool (the documented example's status.subnetMask
# is 255.255.255.0 with lanIp 192.168.0.1 and a pool of 192.168.0.100-200).
DHCP_SUBNET_PREFIX = 24

# documented: the error tables of the create/update/logout pages (and api:auth:logout): (status, Message) -> meaning.
ERROR_MEANINGS = {
    (400, "bad_request"): "the API refused the request as malformed",
    (401, "credentials_invalid"): "login required",
    (401, "expired"): "session expired",
    (401, "invalid_token"): "the token is not valid from this IP address",
    (403, "access_denied"): "insufficient access level",
    (403, "blacklisted"): "this IP address is blacklisted by TelecomX",
    (404, "customer"): "customer not found",
    (404, "id"): "no such object (unknown id)",
    (409, "type"): "a value is not one of the permitted values",
    (422, "macAddress"): "MAC address is already in use",
    (500, "internal_error"): "internal error on the TelecomX side",
}

# ---- camelCase (API) <-> snake_case (modules): the one table --------------------------------

# (module name, API name) for the writable device properties.
DEVICE_FIELDS = (
    ("name", "name"),
    ("model", "model"),
    ("customer", "customer"),
    ("mac_address", "macAddress"),
    ("serial_number", "serialNumber"),
    ("mvno_account", "mvnoAccount"),
    ("notes", "notes"),
    ("wifi", "wifi"),
    ("dhcp", "dhcp"),
)
# Read-only properties of the device object (create page, "Response").
DEVICE_READ_ONLY_FIELDS = (
    ("id", "_id"),
    ("state", "state"),
    ("jobs", "jobs"),
    ("model_type", "modelType"),
    ("model_brand", "modelBrand"),
    ("model_description", "modelDescription"),
    ("model_picture", "modelPicture"),
    ("status", "status"),
)
WIFI_FIELDS = (
    ("enabled", "enabled"),
    ("ssid", "ssid"),
    ("password", "password"),
    ("enabled_5g", "enabled5G"),
    ("ssid_5g", "ssid5G"),
    ("password_5g", "password5G"),
    ("enabled_6g", "enabled6G"),
    ("ssid_6g", "ssid6G"),
    ("password_6g", "password6G"),
    ("band_steering", "bandsteering"),
)
# The wifi bands as the modules name them (SPEC `band`), with the API's keys of each.
WIFI_BANDS = (
    ("2.4", "enabled", "ssid", "password"),
    ("5", "enabled5G", "ssid5G", "password5G"),
    ("6", "enabled6G", "ssid6G", "password6G"),
)
WIFI_PASSWORD_KEYS = ("password", "password5G", "password6G")
DHCP_FIELDS = (
    ("enable", "enable"),
    ("ip_pool_start", "ipPoolStart"),
    ("ip_pool_end", "ipPoolEnd"),
    ("lease_time", "leaseTime"),  # minutes (documented)
    ("primary_dns_server", "primaryDnsServer"),
    ("reserved_clients", "reservedClients"),
)
RESERVATION_FIELDS = (
    ("mac", "mac"),
    ("ip", "ip"),
    ("enable", "enable"),  # conflict: typed String in the table, a boolean in the example; booleans are sent
    ("id", "id"),
)

DEVICE_FILTER_KEYS = ("customer", "name", "model", "status", "state", "mac", "serial")
