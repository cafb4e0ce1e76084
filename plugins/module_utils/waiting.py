# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one poll loop: wait until a check passes or the time is up (reboot, firmware, TelecomX provisioning).

The caller owns the check and the message of a timeout (it knows what was waited for); this file owns the
pacing: no pause runs past the deadline, and a Ctrl-C / cancel (interrupt.py) ends the wait after the pause
it arrived in, before the next poll.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Mapping, Optional

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError
from ansible_collections.wanfleet.routers.plugins.module_utils.interrupt import checkpoint


def wait_options(timeout: int, sleep: int) -> dict[str, dict[str, Any]]:
    """The argument_spec of a module's wait, wait_timeout and wait_sleep options, with its defaults."""
    return dict(wait=dict(type="bool", default=False), wait_timeout=dict(type="int", default=timeout), wait_sleep=dict(type="int", default=sleep))


def check_wait_options(params: Mapping[str, Any]) -> None:
    """Refuse a module's wait_timeout / wait_sleep that are not positive (before any request)."""
    if params["wait_timeout"] <= 0 or params["wait_sleep"] <= 0:
        raise InputError("wait_timeout and wait_sleep must be positive")


def wait_until(
    ready: Callable[[], bool],
    timeout: float,
    interval: float,
    max_interval: Optional[float] = None,
    first_pause: float = 0.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Call `ready()` until it returns true (-> True) or `timeout` seconds have passed (-> False).

    `ready()` is polled once more after the last pause, so a wait that ends at its deadline still sees the
    last state. The first poll comes after `first_pause` (e.g. a device that was just told to reboot
    cannot be back yet). Pauses are `interval` seconds; with `max_interval` they double from `interval`
    up to it (quick first polls of a job that is often done at once).
    """
    deadline = clock() + float(timeout)
    delay = float(interval)
    if first_pause > 0:
        _pause(first_pause, deadline, clock, sleep)
    while True:
        if ready():
            return True
        if deadline - clock() <= 0:
            return False
        _pause(delay, deadline, clock, sleep)
        if max_interval is not None:
            delay = min(delay * 2, float(max_interval))


def _pause(seconds: float, deadline: float, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
    sleep(max(0.0, min(float(seconds), deadline - clock())))
    checkpoint()  # a signal that came during the pause stops the wait here, before the next poll
