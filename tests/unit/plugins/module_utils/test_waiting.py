"""waiting.wait_until, the one poll loop: its result, its pacing against the deadline, and Ctrl-C."""

from __future__ import annotations

import signal

import pytest

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import InputError
from ansible_collections.wanfleet.routers.plugins.module_utils.interrupt import Interrupted, Interruptible
from ansible_collections.wanfleet.routers.plugins.module_utils.waiting import check_wait_options, wait_until


def polls_until(n, clock=None):
    """A check that passes on its n-th call, recording when each call came."""
    calls = []

    def ready():
        calls.append(clock() if clock else None)
        return len(calls) >= n

    return ready, calls


def test_success_on_the_nth_poll_returns_true_after_n_minus_one_pauses(fake_clock):
    clock = fake_clock
    ready, calls = polls_until(3, clock)
    assert wait_until(ready, 60, 10, clock=clock, sleep=clock.sleep) is True
    assert calls == [1000.0, 1010.0, 1020.0]
    assert clock.sleeps == [10.0, 10.0]


def test_timeout_returns_false_after_a_last_poll_at_the_deadline(fake_clock):
    clock = fake_clock
    ready, calls = polls_until(99, clock)
    assert wait_until(ready, 25, 10, clock=clock, sleep=clock.sleep) is False
    assert clock.sleeps == [10.0, 10.0, 5.0]  # the last pause ends at the deadline, not past it
    assert calls[-1] == 1025.0 and len(calls) == 4


def test_a_first_pause_longer_than_the_timeout_is_cut_at_the_deadline(fake_clock):
    clock = fake_clock
    ready, calls = polls_until(99, clock)
    assert wait_until(ready, 12, 1, max_interval=5, first_pause=30, clock=clock, sleep=clock.sleep) is False
    assert clock.sleeps == [12.0] and calls == [1012.0]


def test_backoff_doubles_up_to_max_interval_and_never_past_the_deadline(fake_clock):
    clock = fake_clock
    ready, calls = polls_until(99, clock)
    assert wait_until(ready, 12, 1, max_interval=5, clock=clock, sleep=clock.sleep) is False
    assert clock.sleeps == [1.0, 2.0, 4.0, 5.0]  # the sum is the timeout
    assert all(when <= 1012.0 for when in calls)


def test_first_pause_comes_before_the_first_poll(fake_clock):
    clock = fake_clock
    ready, calls = polls_until(1, clock)
    assert wait_until(ready, 60, 10, first_pause=7, clock=clock, sleep=clock.sleep) is True
    assert calls == [1007.0] and clock.sleeps == [7.0]


def test_an_error_of_the_check_ends_the_wait(fake_clock):
    clock = fake_clock

    def ready():
        raise InputError("device is being deleted")

    with pytest.raises(InputError):
        wait_until(ready, 60, 10, clock=clock, sleep=clock.sleep)
    assert clock.sleeps == []


def test_ctrl_c_during_a_pause_ends_the_wait_before_the_next_poll(fake_clock):
    clock = fake_clock
    ready, calls = polls_until(99, clock)

    def sleep(seconds):
        clock.sleep(seconds)
        if len(clock.sleeps) == 2:
            signal.raise_signal(signal.SIGINT)  # caught by Interruptible, as in a module's operate()

    with Interruptible():
        with pytest.raises(Interrupted):
            wait_until(ready, 600, 10, clock=clock, sleep=sleep)
    assert len(calls) == 2 and clock.sleeps == [10.0, 10.0]
    Interruptible.last = None  # handled here: nothing to hand on to the previous handler


@pytest.mark.parametrize("timeout, sleep", [(0, 10), (600, 0), (-1, 10)])
def test_wait_options_that_are_not_positive_are_refused(timeout, sleep):
    with pytest.raises(InputError, match="must be positive"):
        check_wait_options({"wait_timeout": timeout, "wait_sleep": sleep})
    check_wait_options({"wait_timeout": 1, "wait_sleep": 1})
