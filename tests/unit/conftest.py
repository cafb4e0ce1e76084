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
