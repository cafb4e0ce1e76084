# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Peplink InControl 2 (IC2): everything this collection knows about that API.

Auth is OAuth2 client_credentials with a Bearer header; tokens (and their
refresh tokens) are shared across the tasks of a run through TokenCache.
Every answer of `/rest/...` is the `{resp_code, caller_ref, server_ref,
message, data}` envelope, unwrapped in `unwrap()` only. Requests are spaced
under the documented 20 requests/s per organization by a RateLimiter whose
schedule is shared by the forks of a run and that slows down on 429s.

References: Peplink's InControl 2 API documentation (the copy the collection
was written from stops before every write endpoint) and public InControl
clients, named where they are used. Every path that
is not in the vendor document is in the ENDPOINTS table (_incontrol/facts.py),
marked inferred.
"""

from __future__ import annotations

# The public face of the _incontrol package: what modules, the inventory and tests import.
# pylint: disable=unused-import
import time

from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.facts import (
    DEVAPI_ALIVE,
    DEVAPI_POST_CONTENT_TYPE,
    DEVAPI_WAN_STATUS,
    DEVICE_API_OWNERSHIP,
    DOCUMENTED_RATE_LIMIT,
    ENDPOINTS,
    NO_FIRMWARE_WRITE,
    PENDING_READ_ATTEMPTS,
    PENDING_READ_DELAY,
    RATE_CEILING,
    RATE_LIMIT_PER_SECOND,
    SSID_PROFILES_KEY,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.client import InControlClient
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.common import (
    _newest_backup,
    check_timezone,
    pending_firmware,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.group import GroupResource
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.ssid import SsidProfileResource
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol.wan import WanPriorityResource
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import PendingError

# The platform's client class and the Resource class of each module it supports, by module name
# (clients.py; platform_client.py declares what a client offers).
CLIENT = InControlClient
RESOURCES = {"group": GroupResource, "ssid_profile": SsidProfileResource, "wan_priority": WanPriorityResource}
