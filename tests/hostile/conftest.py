"""Fixtures of the hostile-server suite: two loopback servers (the configured origin and another one)."""

from __future__ import annotations

import pytest

from tests.hostile.server import HostileServer


@pytest.fixture
def server():
    with HostileServer() as hostile:
        yield hostile


@pytest.fixture
def elsewhere():
    """Another origin (another port): it must never receive a credential."""
    with HostileServer() as other:
        yield other
