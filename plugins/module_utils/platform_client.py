# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every platform client offers the modules and the inventory, declared once.

A platform is a package `module_utils/_<platform>/` with a public face `module_utils/<platform>.py`
that exports its client class and `RESOURCES`, the Resource class of each module the platform
supports, by module name (`{"group": GroupResource, ...}`). clients.py looks both up there.
"""

from __future__ import annotations

from typing import Any, Optional, Protocol, runtime_checkable


@runtime_checkable
class PlatformClient(Protocol):
    """A platform's client (an http.ApiClient with `platform`, its name): what the modules and the inventory use."""

    def devices(self, device: Optional[str] = None, group: Optional[str] = None, filters: Optional[dict] = None, detail: bool = True) -> list:
        """The models.Device records of the devices `device` / `group` / `filters` select (all without them)."""

    def close(self) -> None:
        """Release what the run holds (e.g. a router session). Must not raise on a dead device."""


@runtime_checkable
class RebootingClient(PlatformClient, Protocol):
    """A client of a platform the reboot module supports."""

    def reboot_device(self, device: Any) -> Any:
        """Send the reboot of one models.Device (never resent)."""

    def is_back(self, device: Any, rebooted_at: float) -> bool:
        """True once `device` answers again after a reboot sent at `rebooted_at` (epoch seconds)."""
