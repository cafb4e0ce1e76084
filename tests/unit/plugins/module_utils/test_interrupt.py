"""Interruptible: SIGINT/SIGTERM become Interrupted at the next checkpoint, once; handlers restored."""

from __future__ import annotations

import os
import signal

import pytest

from ansible_collections.wanfleet.routers.plugins.module_utils import interrupt
from ansible_collections.wanfleet.routers.plugins.module_utils.interrupt import Interrupted, Interruptible


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_work_at_the_next_checkpoint_once(signum):
    before = signal.getsignal(signum)
    steps = []
    with pytest.raises(Interrupted) as info:
        with Interruptible() as guard:
            os.kill(os.getpid(), signum)  # arrives "during a request": nothing is cut short
            steps.append("answer read")
            interrupt.checkpoint()
            steps.append("next request")
    assert steps == ["answer read"] and signal.Signals(signum).name in str(info.value)
    assert info.value.kind == "interrupted" and guard.received == signum
    assert signal.getsignal(signum) is before and Interruptible.active is None
    Interruptible.last = None


def test_later_signals_wait_for_the_cleanup():
    cleaned = []
    with pytest.raises(Interrupted):
        with Interruptible():
            os.kill(os.getpid(), signal.SIGTERM)
            try:
                interrupt.checkpoint()
            finally:
                os.kill(os.getpid(), signal.SIGTERM)  # AWX or ansible-core insists
                interrupt.checkpoint()  # the rollback's own requests go out
                cleaned.append("rolled back")
    assert cleaned == ["rolled back"]
    Interruptible.last = None


def test_settled_work_is_not_interrupted():
    with Interruptible() as guard:
        guard.settle()
        os.kill(os.getpid(), signal.SIGINT)
        interrupt.checkpoint()  # close() (logout) still runs
    assert guard.received == signal.SIGINT
    Interruptible.last = None


def test_code_that_keeps_going_after_an_api_error_still_stops_on_ctrl_c():
    """Per-device and per-probe error handlers report a platform's refusal and go on; an interrupt is not one."""
    from ansible_collections.wanfleet.routers.plugins.module_utils import platform_check
    from ansible_collections.wanfleet.routers.plugins.module_utils import config_backup

    def interrupted(*args, **kwargs):
        raise Interrupted("interrupted by SIGINT")

    with pytest.raises(Interrupted):
        config_backup._fetch(interrupted, object())  # pylint: disable=protected-access

    class Client(object):
        request = staticmethod(interrupted)

        @staticmethod
        def url(path):
            return "https://api.example" + path

    probe = platform_check.Probe("call", "evidence", lambda ctx: ("/path", {}), lambda data: True, None, None)
    with pytest.raises(Interrupted):
        platform_check._ask(Client(), probe, {})  # pylint: disable=protected-access
