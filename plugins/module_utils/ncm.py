# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cradlepoint NetCloud Manager (NCM) API v2: everything this collection knows about it.

References: Cradlepoint's NetCloud API v2 documentation ("NCM API v2 docs" in the package), cited by
section, endpoint and field name. What the vendor document does not
say is kept in the INFERRED block of _ncm/facts.py, so a correction is one edit there.

- Auth: four headers on every request, no token (NCM API v2 docs, About Cradlepoint NetCloud API).
- URLs always end with a slash; without it NCM redirects and bills two calls (Format of Examples).
- Lists are `{data, meta}` and are paged by following `meta.next` (Paging Parameters);
  single objects come back bare; 204 has no body.
- Config is a diff `[updates, removals]`; PATCH merges but cannot remove, PUT replaces (configuration appendix: Diffs, PUT and PATCH).
"""

from __future__ import annotations

# The public face of the _ncm package: what modules, the inventory and tests import.
# pylint: disable=unused-import
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.facts import (
    FIRMWARE_DEFAULTS_PATH,
    PAGE_LIMIT,
    PASSWORD_MASK,
    ROUTER_PAGE_CONCURRENCY,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.common import _ref_id
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.config_tree import (
    config_diff,
    config_effective,
    config_get,
    read_secret,
    ssids_from_config,
)
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.client import NcmClient
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.ssid import SsidProfileResource
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.wan import WanPriorityResource
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.group import GroupResource
from ansible_collections.wanfleet.routers.plugins.module_utils._ncm.alert_rule import AlertRuleResource

# The platform's client class and the Resource class of each module it supports, by module name
# (clients.py; platform_client.py declares what a client offers).
CLIENT = NcmClient
RESOURCES = {"ssid_profile": SsidProfileResource, "wan_priority": WanPriorityResource, "group": GroupResource, "alert_rule": AlertRuleResource}
