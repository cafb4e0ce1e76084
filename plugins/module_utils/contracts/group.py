# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The group contract: which platform takes which of the group module's options.

Each platform's GroupResource calls validate() first and then checks only its own rules (the form of an
id, a timezone, what creating a group needs)."""

from __future__ import annotations

from typing import Any, Mapping

from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import support

MODULE = "group"
_IC2_GROUP = "InControl 2 groups have name, timezone, country and devices"
_NCM_GROUP = "NCM groups have none"

# The options a platform does not take, and why (the message the user sees).
UNSUPPORTED = {
    "incontrol": dict((option, "option %s is NetCloud Manager only; %s" % (option, _IC2_GROUP)) for option in ("account", "product", "target_firmware")),
    "ncm": dict((option, "%s is an InControl 2 option; %s" % (option, _NCM_GROUP)) for option in ("country", "timezone")),
}

# Where purge_devices cannot take a device out of a group, and why.
CANNOT_REMOVE_MEMBERS = {
    "incontrol": "InControl 2 has no call to take a device out of a group (only to move it into another one)",
}


def validate(platform: str, params: Mapping[str, Any]) -> None:
    """Raises UnsupportedError (before any request) for an option `platform` does not take."""
    # "" is what a role passes for an option it leaves out: not a value to refuse.
    support.refuse_unsupported(MODULE, platform, dict((key, value) for key, value in params.items() if value != ""), UNSUPPORTED)
