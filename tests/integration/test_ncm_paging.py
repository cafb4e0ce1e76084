"""NCM's routers listing with pages fetched ahead, over HTTP against the simulator's NCM v2.

A fleet of more than two pages of 500: the client must return every router once, in the order of
a plain `meta.next` walk, with the pages after the first asked for together and at most
ROUTER_PAGE_CONCURRENCY - 1 pages past the end (ApiClient.paginate_next; the failing and looping
cases are in tests/unit/plugins/module_utils/test_http.py).
"""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pytest

from ansible_collections.wanfleet.routers.plugins.module_utils.http import HttpSession
from ansible_collections.wanfleet.routers.plugins.module_utils.ncm import PAGE_LIMIT, ROUTER_PAGE_CONCURRENCY, NcmClient
from tests.simulator.process import Simulator

pytestmark = pytest.mark.integration

FLEET = 1234
LATENCY_MS = 600  # added to every request while listing: sequential pages would start >= 0.6 s apart
KEYS = {"X-CP-API-ID": "sim-cp-id", "X-CP-API-KEY": "sim-cp-key", "X-ECM-API-ID": "sim-ecm-id", "X-ECM-API-KEY": "sim-ecm-key"}


@pytest.fixture(scope="module")
def fleet_sim():
    with Simulator(fleet=FLEET) as sim:
        yield sim


@pytest.fixture
def client(fleet_sim):
    fleet_sim.reset()
    session = HttpSession(timeout=30)
    settings = {
        "url": fleet_sim.platform_url("ncm"),
        "cp_api_id": "sim-cp-id",
        "cp_api_key": "sim-cp-key",
        "ecm_api_id": "sim-ecm-id",
        "ecm_api_key": "sim-ecm-key",
    }
    yield NcmClient(settings, session, max_retries=1, retry_max_wait=0.1)
    session.close()


def walk(sim):
    """Router ids by following meta.next one page at a time: the reference."""
    ids, url = [], sim.platform_url("ncm") + "/routers/?limit=%d" % PAGE_LIMIT
    with httpx.Client(headers=KEYS) as http:
        while url:
            page = http.get(url).json()
            ids.extend(router["id"] for router in page["data"])
            url = page["meta"]["next"]
    return ids


def test_every_router_once_with_pages_fetched_ahead(fleet_sim, client):
    expected = walk(fleet_sim)
    assert len(expected) > 2 * PAGE_LIMIT
    fleet_sim.clear_requests()
    fleet_sim.latency(LATENCY_MS)
    try:
        records = client.devices(detail=False)
    finally:
        fleet_sim.latency(0)
    assert [record.id for record in records] == expected
    pages = [entry for entry in fleet_sim.requests() if entry["path"] == "/api/v2/routers/"]
    offsets = sorted(int(parse_qs(entry["query"]).get("offset", ["0"])[0]) for entry in pages)
    needed = list(range(0, len(expected), PAGE_LIMIT))
    assert offsets[: len(needed)] == needed
    assert len(offsets) - len(needed) <= ROUTER_PAGE_CONCURRENCY - 1
    # Pages past the end may still be on their way (nothing waits for them): no status until answered.
    assert all(entry["status"] in (200, None) for entry in pages)
    assert all(entry["status"] == 200 for entry in pages if int(parse_qs(entry["query"]).get("offset", ["0"])[0]) < len(expected))
    # Fetched ahead: the second and third pages were asked for together, not one answer apart.
    started = dict((int(parse_qs(entry["query"]).get("offset", ["0"])[0]), entry["time"]) for entry in pages)
    assert abs(started[2 * PAGE_LIMIT] - started[PAGE_LIMIT]) < LATENCY_MS / 1000.0 / 2
