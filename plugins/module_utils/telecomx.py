# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TelecomX network-management API: everything the collection knows about it.

Sources: TelecomX's wiki pages "Network device: create" and "Network device: update",
and the public facts named where they are used. What those do not
say is marked `inferred` in _telecomx/facts.py, so a correction is one
edit there.

Two vocabularies meet in _telecomx/convert.py and nowhere else: the API's camelCase objects
(`macAddress`, `wifi.ssid5G`, `dhcp.reservedClients`) and the modules'
snake_case options (`mac_address`, `wifi.ssid_5g`, `dhcp.reserved_clients`).
"""

from __future__ import annotations

# The public face of the _telecomx package: what modules, the inventory and tests import.
# pylint: disable=unused-import
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.facts import (
    DEVICES_PATH,
    DEVICE_LIST_KEY,
    DEVICE_PATH,
    MODELS_PATH,
    MODEL_LIST_KEYS,
    VALIDATE_TOKEN_PATH,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.convert import (
    device_from_api,
    device_to_api,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.client import TelecomXClient
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.inputs import (
    _reservations_against,
    check_ssid,
    dhcp_input,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.device import TelecomXDeviceResource
from ansible_collections.wanfleet.routers.plugins.module_utils._telecomx.ssid import SsidProfileResource
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import WaitTimeoutError

# The platform's client class and the Resource class of each module it supports, by module name
# (clients.py; platform_client.py declares what a client offers).
CLIENT = TelecomXClient
RESOURCES = {"telecomx_device": TelecomXDeviceResource, "ssid_profile": SsidProfileResource}
