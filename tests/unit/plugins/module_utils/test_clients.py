# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The platform registry: every client offers the declared interface, every module finds its Resource."""

from __future__ import annotations

import importlib
import inspect
import os
import subprocess
import sys

import pytest

from ansible_collections.wanfleet.routers.plugins.module_utils import clients
from ansible_collections.wanfleet.routers.plugins.module_utils.platform_client import PlatformClient, RebootingClient
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import Resource

PLATFORMS = ("incontrol", "peplink_router", "ncm", "telecomx")
MODULES = ("alert_rule", "config_backup", "device_info", "firmware", "group", "platform_check", "reboot", "ssid_profile", "telecomx_device", "wan_priority")
PACKAGE = "ansible_collections.wanfleet.routers.plugins"


def spec(module):
    return importlib.import_module("%s.modules.%s" % (PACKAGE, module)).SPEC


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_client_offers_the_declared_interface(platform):
    cls = clients.client_class(platform)
    assert cls.platform == platform
    assert issubclass(cls, PlatformClient)
    # Only the platforms of the reboot module can reboot and tell when a device is back.
    assert issubclass(cls, RebootingClient) == (platform in spec("reboot")["platforms"])


@pytest.mark.parametrize("module", MODULES)
def test_the_registry_holds_a_resource_exactly_for_the_platforms_of_a_resource_module(module):
    source = inspect.getsource(importlib.import_module("%s.modules.%s" % (PACKAGE, module)))
    uses_resource = 'resource_class(module.platform, "%s")' % module in source
    registered = set(platform for platform in PLATFORMS if module in clients.platform_module(platform).RESOURCES)
    assert registered == (set(spec(module)["platforms"]) if uses_resource else set())
    for platform in registered:
        assert issubclass(clients.resource_class(platform, module), Resource)


def test_each_platform_imports_only_its_own_package():
    """clients.py imports one platform per task: InControl reuses the router API, not the router client."""
    prefix = PACKAGE + ".module_utils."
    code = (
        "import sys; from %s.module_utils import clients; clients.client_class('incontrol'); "
        "print(' '.join(name[%d:] for name in sys.modules if name.startswith(%r)))" % (PACKAGE, len(prefix), prefix)
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    ).stdout.split()
    assert {"incontrol", "_incontrol.client", "_router_api"} <= set(loaded)
    others = ("peplink_router", "_peplink_router", "ncm", "_ncm", "telecomx", "_telecomx")
    assert [name for name in loaded if name.split(".")[0] in others] == []
