# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every contract shares: reading and enforcing its table of the options a platform does not take.

A table is {platform: {key: reason}}. A key is an option (refused whenever it is set) or `option=value`
(refused only with that value, written as in the documentation's O(option=value), e.g. `apply=false`)."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Tuple

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import UnsupportedError

Table = Mapping[str, Mapping[str, str]]


def split_key(key: str) -> Tuple[str, Any]:
    """`option` -> (option, None); `option=value` -> (option, value) with true/false as booleans."""
    option, dummy, value = key.partition("=")
    if not value:
        return option, None
    return option, {"true": True, "false": False}.get(value, value)


def refused(key: str, params: Mapping[str, Any]) -> bool:
    """True when `params` sets what the table key `key` refuses."""
    option, value = split_key(key)
    given = params.get(option)
    if value is None:
        return given is not None
    return given is not None and given == value


def refuse_unsupported(module: str, platform: str, params: Mapping[str, Any], table: Table) -> None:
    """UnsupportedError for the first key of table[platform] (in name order) that `params` sets."""
    unsupported = table.get(platform) or {}
    for key in sorted(unsupported):
        if not refused(key, params):
            continue
        option, value = split_key(key)
        if value is None:
            text = "%s: %s option %s is not supported on platform %s: %s"
            shown = option
        else:
            text = "%s: %s: %s is not supported on platform %s: %s"
            shown = "%s: %s" % (option, str(value).lower() if isinstance(value, bool) else value)
        raise UnsupportedError(text % (platform, module, shown, platform, unsupported[key]), platform=platform)


def unsupported_options(table: Table, platform: str) -> Dict[str, str]:
    """{option or option=value: reason} that `platform` does not take (empty for a platform that takes all)."""
    return dict(table.get(platform) or {})
