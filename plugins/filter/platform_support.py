# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The platform_support filter: what a platform takes, read from the modules' SPEC and the contracts.
Its documentation is in platform_support.yml (a filter's documentation lives beside it)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Dict, List

from ansible_collections.wanfleet.routers.plugins import modules as modules_package
from ansible_collections.wanfleet.routers.plugins.module_utils.contracts import devices, group, ssid, support, wan

# module name -> its contract (the modules whose options differ between platforms)
CONTRACTS = dict({"group": group, "ssid_profile": ssid, "wan_priority": wan}, **dict((name, devices) for name in devices.MODULES))


def module_platforms() -> Dict[str, List[str]]:
    """{module: the platforms its SPEC takes}, for every module of the collection that has a SPEC."""
    found = {}
    for info in pkgutil.iter_modules(modules_package.__path__):
        module = importlib.import_module("%s.%s" % (modules_package.__name__, info.name))
        spec = getattr(module, "SPEC", None)
        if spec and spec.get("platforms"):
            found[info.name] = sorted(spec["platforms"])
    return found


def platform_support(platform: str) -> Dict[str, Any]:
    """What `platform` takes: see platform_support.yml."""
    platforms = module_platforms()
    return {
        "platforms": platforms,
        "modules": sorted(name for name, names in platforms.items() if platform in names),
        "unsupported": dict((name, support.unsupported_options(contract.UNSUPPORTED, platform)) for name, contract in CONTRACTS.items()),
        # only the contracts that say what selects a task's target (the others select devices with devices())
        "selectors": dict((name, list(contract.SELECTORS.get(platform, ()))) for name, contract in CONTRACTS.items() if hasattr(contract, "SELECTORS")),
        "required": dict(
            (name, list(getattr(contract, "REQUIRED", {}).get(platform, ()))) for name, contract in CONTRACTS.items() if hasattr(contract, "SELECTORS")
        ),
        "cannot_remove_group_members": group.CANNOT_REMOVE_MEMBERS.get(platform),
    }


class FilterModule(object):
    """wanfleet.routers' filters."""

    def filters(self):
        return {"platform_support": platform_support}
