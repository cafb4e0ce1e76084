# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reboot module's work: reboot the online devices selected, then (with wait) poll until each is back.

Any client that satisfies platform_client.RebootingClient can be rebooted.
"""

from __future__ import annotations

import time
from typing import Any

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError, TransportError, WaitTimeoutError, WanfleetError
from ansible_collections.wanfleet.routers.plugins.module_utils.interrupt import Interrupted
from ansible_collections.wanfleet.routers.plugins.module_utils.waiting import check_wait_options, wait_until


def brief(device: Any) -> dict[str, Any]:
    return {"id": device.id, "name": device.name, "serial": device.serial}


def reboot_devices(module: Any, client: Any) -> dict[str, Any]:
    params = module.params
    if module.platform != "peplink_router" and not (params["device"] or params["group"]):
        raise InputError("%s: give device or group: a reboot of every device is not done by accident" % module.platform)
    check_wait_options(params)
    targets = client.devices(device=params["device"], group=params["group"], detail=False)
    # Only a device the platform reports online can take a reboot (NCM drops the others' requests).
    online = [device for device in targets if device.status == "online"]
    offline = [brief(device) for device in targets if device.status != "online"]
    if not online:
        raise InputError(
            "%s: nothing to reboot: %s offline" % (module.platform, ", ".join(device["name"] or device["id"] for device in offline) or "no device matched")
        )
    if module.check_mode:
        # check mode predicts the change (ansible.builtin.reboot does the same) and sends nothing
        return {"changed": True, "rebooted": [brief(device) for device in online], "offline": offline, "elapsed": 0.0}
    started = time.time()
    sent = []
    for device in online:
        try:
            client.reboot_device(device)
        except WanfleetError as error:
            if isinstance(error, TransportError) and error.sent:
                error.message += "; the reboot of %s was sent, its answer was lost (it may be rebooting)" % (device.name or device.id)
            error.message += "; reboots sent before it: %s" % (", ".join(d["name"] or d["id"] for d in sent) or "none")
            raise
        sent.append(brief(device))
    elapsed = 0.0
    if params["wait"]:
        try:
            _wait_back(client, online, started, params)
        except Interrupted as error:
            error.message += "; the reboots were sent (%s), only the wait for them was cut short" % (", ".join(d["name"] or d["id"] for d in sent))
            raise
        elapsed = round(time.time() - started, 1)
    return {"changed": True, "rebooted": sent, "offline": offline, "elapsed": elapsed}


def _wait_back(client, devices, started, params):
    """Wait until every device is back after its reboot, or fail after wait_timeout (counted from `started`)."""
    waiting = list(devices)

    def all_back():
        waiting[:] = [device for device in waiting if not _is_back(client, device, started)]
        return not waiting

    # the first poll after one wait_sleep: a device just told to reboot cannot be back yet
    if not wait_until(all_back, params["wait_timeout"] - (time.time() - started), params["wait_sleep"], first_pause=params["wait_sleep"]):
        raise WaitTimeoutError(
            "%s: %d device(s) not back after %ss: %s"
            % (client.platform, len(waiting), params["wait_timeout"], ", ".join(device.name or device.id for device in waiting)),
            platform=client.platform,
        )


def _is_back(client, device, rebooted_at):
    try:
        return client.is_back(device, rebooted_at)
    except TransportError:
        return False  # still restarting
