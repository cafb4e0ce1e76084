# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input checks that mean the same on every platform (run before any request is sent)."""

from __future__ import annotations

import re

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError

PASSPHRASE_LENGTH = (8, 63)
SSID_MAX_OCTETS = 32  # IEEE 802.11: an SSID is 0 to 32 octets; every platform refuses an empty one
_RAW_KEY = re.compile(r"^[0-9A-Fa-f]{64}\Z")


def check_passphrase(value: object, platform: str, where: str = "passphrase") -> None:
    """A WPA pre-shared key: 8 to 63 printable ASCII characters, or a raw key of 64 hexadecimal digits.

    The message names the option and the length, never the value."""
    if value is None:
        return
    text = str(value)
    low, high = PASSPHRASE_LENGTH
    if _RAW_KEY.match(text) or (low <= len(text) <= high and all(" " <= char <= "~" for char in text)):
        return
    raise InputError(
        "%s: %s must be %d to %d printable ASCII characters or 64 hexadecimal digits (it has %d characters)" % (platform, where, low, high, len(text)),
        platform=platform,
    )


def check_ssid(value: object, platform: str, where: str = "name (the SSID)") -> None:
    """An SSID: 1 to 32 octets in UTF-8 (9 emoji are 36 octets), counted the same on every platform."""
    if value is None:
        return
    size = len(str(value).encode("utf-8"))
    if not 1 <= size <= SSID_MAX_OCTETS:
        raise InputError("%s: %s must be 1 to %d bytes (octets of UTF-8), got %d" % (platform, where, SSID_MAX_OCTETS, size), platform=platform)
