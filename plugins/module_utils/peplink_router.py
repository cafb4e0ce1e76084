# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One Peplink/Pepwave router's local API: `https://<router>/api/<name>`.

Everything the collection knows about the router API lives in _peplink_router/ and
_router_api.py (what InControl's device-API proxy shares): the two ways
to log in, the `{"stat": "ok"|"fail", ...}` envelope (a failure comes back as
HTTP 200), the keyed-map replies (`{"order": [1, 2], "1": {...}}`), and the
field names of the calls the modules use. The vendor document is
Peplink's Router API Documentation (its API Reference).
Where it stops, the knowledge is in the INFERRED blocks of _peplink_router/facts.py
and _router_api.py and nowhere else.
"""

from __future__ import annotations

# The public face of the _peplink_router package: what modules, the inventory and tests import.
# pylint: disable=unused-import
from ansible_collections.wanfleet.routers.plugins.module_utils._router_api import (
    FIRMWARE,
    SSID_PROFILE,
    WAN_PRIORITY,
    WAN_STATUS,
    unwrap_router_reply,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._peplink_router.facts import (
    NO_CONFIG_EXPORT,
    SYSTEM_INFO,
    WAN_CONFIG,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._peplink_router.common import router_identity
from ansible_collections.wanfleet.routers.plugins.module_utils._peplink_router.client import PeplinkRouterClient
from ansible_collections.wanfleet.routers.plugins.module_utils._peplink_router.ssid import (
    SsidProfileResource,
    ssid_update_body,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._peplink_router.wan import WanPriorityResource

# The platform's client class and the Resource class of each module it supports, by module name
# (clients.py; platform_client.py declares what a client offers).
CLIENT = PeplinkRouterClient
RESOURCES = {"ssid_profile": SsidProfileResource, "wan_priority": WanPriorityResource}
