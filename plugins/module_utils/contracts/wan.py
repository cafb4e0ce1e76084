# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wan_priority contract: the checks every platform makes, the priority range of each platform, what
selects the router, and which platform takes which option.

Each platform's Resource calls validate() first and then checks only its own quirks (the form of a
connection id, how a duplicate or a priority-less item is told)."""

from __future__ import annotations

from typing import Any, Mapping, Tuple

from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import support
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError

MODULE = "wan_priority"

# inferred: the Peplink router API gives no range for WAN_Config_Priority_Obj.priority. Peplink's web admin
# has priority groups 1 (highest) to 4, and public clients send 1-4. InControl 2 writes the router's own
# call through its device-API proxy, so the range is the router's.
PEPLINK_PRIORITY_RANGE = (1, 4)
# inferred: NCM documents no bound; the factory rules hold small fractional numbers (1.1, 2.0, ...), and a
# priority past 1000 is a typo, not an ordering (10^29 was accepted and written as a float).
NCM_PRIORITY_RANGE = (1, 1000)
PRIORITY_RANGE = {"incontrol": PEPLINK_PRIORITY_RANGE, "peplink_router": PEPLINK_PRIORITY_RANGE, "ncm": NCM_PRIORITY_RANGE}

# The options a platform does not take, and why (see contracts/support.py for the `option=value` form).
UNSUPPORTED = {
    "incontrol": {
        "group": "wan_priority sets one device's WAN priorities; a group-level setting is NetCloud Manager only: give device",
    },
    "ncm": {
        "apply=false": "NCM sends a configuration change to the router itself (configuration sync)",
    },
    "peplink_router": {
        "group": "a router has no groups (group is an InControl/NCM option); omit group, the router is the one at url",
    },
}
# What the task must name, one of: () = the platform is one router (the one at its url).
SELECTORS = {"incontrol": ("device",), "ncm": ("device", "group"), "peplink_router": ()}
SELECTOR_MEANING = {
    "device": "the router whose WAN priorities to set",
    "group": "the group's configuration, which its routers inherit",
}


def priority_range(platform: str) -> Tuple[int, int]:
    """(lowest, highest) priority `platform` takes; the lowest is the most preferred."""
    return PRIORITY_RANGE[platform]


def validate(platform: str, params: Mapping[str, Any]) -> None:
    """The checks of wan_priority's input that mean the same on every platform. Raises InputError or
    UnsupportedError before any request."""
    support.refuse_unsupported(MODULE, platform, params, UNSUPPORTED)
    where = "%s: %s" % (platform, MODULE)
    selectors = SELECTORS[platform]
    if selectors and all(params.get(option) in (None, "") for option in selectors):
        if len(selectors) == 1:
            wanted = "%s is required (%s)" % (selectors[0], SELECTOR_MEANING[selectors[0]])
        else:
            wanted = "give " + " or ".join("%s (%s)" % (option, SELECTOR_MEANING[option]) for option in selectors)
        raise InputError("%s: %s" % (where, wanted), platform=platform)
    connections = params.get("connections") or []
    if not connections:
        raise InputError("%s: connections must list at least one WAN connection (connections is empty)" % where, platform=platform)
    for index, item in enumerate(connections):
        if item.get("id") in (None, "") and item.get("name") in (None, ""):
            raise InputError("%s: connections[%d]: give id or name" % (where, index), platform=platform)
