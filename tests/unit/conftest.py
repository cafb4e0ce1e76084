"""Fixtures shared by the unit tests."""

from __future__ import annotations

import pytest

from ansible_collections.wanfleet.routers.plugins.module_utils.http import HttpSession


@pytest.fixture
def session():
    """One HTTP session (the pooled httpx client of a run), closed after the test; respx answers its requests."""
    http = HttpSession(timeout=5)
    yield http
    http.close()


class FakeClock(object):
    """A clock that moves only when slept on: call it for the time, `sleep` records each pause."""

    def __init__(self, now=1000.0):
        self.now = now
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_clock():
    """A FakeClock for the waits and backoffs: inject it as `clock` and its `sleep` as `sleep`."""
    return FakeClock()
