# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The firmware module's version matching (the platforms' calls are covered by tests/integration/test_firmware.py)."""

from __future__ import annotations

from ansible_collections.wanfleet.routers.plugins.module_utils.firmware import same_version


def test_firmware_version_matching():
    assert same_version("8.2.1", "8.2.1 build 5330")
    assert same_version("8.2.1 build 5330", "8.2.1 build 5330")
    assert not same_version("8.2.1 build 5330", "8.2.1 build 5331")
    assert not same_version("8.2", "8.2.1 build 5330")  # a version, not a prefix of one
    assert not same_version("7.24.10", None)
