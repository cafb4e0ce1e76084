# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The device-selection contract of the modules that act on the devices a task selects: which platform
takes which selection option.

Their platforms refuse an option in one place, the client's devices() listing, which all these modules
read; each client calls refuse_selection() first."""

from __future__ import annotations

from typing import Any, Mapping

from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import support
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import UnsupportedError

# The modules that select their devices with the client's devices() (device, group, filters).
MODULES = ("config_backup", "device_info", "firmware", "reboot")

# The selection options a platform does not take, and why (the message the user sees, after the platform).
UNSUPPORTED = {
    "peplink_router": {
        "group": "a router has no groups (group is an InControl/NCM concept); use device or omit group",
    },
    "telecomx": {
        "group": "telecomx has no device groups; select devices with device or filters",
    },
}


def refuse_selection(platform: str, selection: Mapping[str, Any]) -> None:
    """UnsupportedError (before any request) for the first option of `selection` (option -> value, None when
    not given) that `platform` does not take."""
    for option, reason in sorted(support.unsupported_options(UNSUPPORTED, platform).items()):
        if support.refused(option, selection):
            raise UnsupportedError("%s: %s" % (platform, reason), platform=platform)
