"""Cradlepoint's own NCM SDK (pip package `ncm`) against the NCM simulator.

An independent client the simulator must satisfy: the SDK is pointed at the
simulator by `base_url` (or the `CP_BASE_URL` environment variable it reads,
ncm/ncm.py NcmClientv2.__init__) and used as its README shows. Every call must
succeed without the SDK logging an error. Where the SDK and the vendor document
disagree the simulator follows the document and the test says so.
"""

from __future__ import annotations

import logging
import time

import httpx
import pytest

ncm = pytest.importorskip("ncm")

SIM_FLEET = 30
SIM_SETTINGS = {"ncm_sync_seconds": 0.2, "ncm_reboot_seconds": 0.5, "ncm_reboot_delay": 0.05}
KEYS = {"X-CP-API-ID": "sim-cp-id", "X-CP-API-KEY": "sim-cp-key", "X-ECM-API-ID": "sim-ecm-id", "X-ECM-API-KEY": "sim-ecm-key"}


class Recorder(logging.Handler):
    """The SDK logs instead of raising for most failure statuses: record what it says."""

    def __init__(self):
        logging.Handler.__init__(self)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def client(reset_simulator, recorder):
    logger = logging.getLogger("ncm-sdk-under-test")
    logger.setLevel(logging.DEBUG)
    logger.handlers = [recorder]
    logger.propagate = False
    sdk = ncm.NcmClientv2(api_keys=dict(KEYS), base_url=reset_simulator.url + "/api/v2", logger=logger, retries=0)
    yield sdk
    # Nothing the SDK did may have been an error or an unexpected status.
    problems = [r.getMessage() for r in recorder.records if r.levelno >= logging.ERROR or r.getMessage().startswith("HTTP Status Code")]
    assert problems == []


@pytest.fixture
def raw(reset_simulator):
    with httpx.Client(base_url=reset_simulator.url + "/api/v2", headers=KEYS) as http:
        yield http


def test_get_routers_lists_the_fleet(client, raw):
    routers = client.get_routers()
    assert len(routers) == SIM_FLEET
    assert [r["id"] for r in routers] == [r["id"] for r in raw.get("/routers/", params={"limit": 500}).json()["data"]]
    # limit='all' sends limit=1000000: the simulator clamps it to 500 and the SDK follows meta.next
    assert len(client.get_routers(limit="all")) == SIM_FLEET
    assert len(client.get_routers(limit=7)) == 7
    online = client.get_routers(state="online")
    assert online and all(r["state"] == "online" for r in online)
    one = client.get_router_by_id(routers[3]["id"])
    assert one == routers[3]
    assert client.get_router_by_name(routers[3]["name"])["id"] == routers[3]["id"]


def test_group_create_rename_delete(client, raw):
    account = client.get_accounts()[0]
    # The SDK posts `account` as '/api/v1/accounts/<id>/' and finds the firmware by comparing its
    # `product` URL with '<base_url>/products/<id>/': both must hold against the simulator.
    created = client.create_group_by_parent_id(account["id"], "SDK Group", "IBR900", "7.24.10")
    assert created["name"] == "SDK Group" and created["device_type"] == "router"
    group = client.get_group_by_name("SDK Group")
    assert group["id"] == created["id"]
    assert group["product"] == client.get_product_by_name("IBR900")["resource_url"]
    renamed = client.rename_group_by_id(group["id"], "SDK Group Renamed")
    assert renamed["name"] == "SDK Group Renamed"
    assert client.get_group_by_id(group["id"])["name"] == "SDK Group Renamed"
    client.patch_group_configuration(group["id"], {"configuration": [{"system": {"gps": {"enabled": True}}}, []]})
    assert client.get_groups(id=group["id"], fields="configuration")[0] == {"configuration": [{"system": {"gps": {"enabled": True}}}, []]}
    # Move an IBR900 in (the SDK sends the production host in the URL) and out again.
    router = next(r for r in client.get_routers() if r["product"] == group["product"])
    moved = client.assign_router_to_group(router["id"], group["id"])
    assert moved["group"].endswith("/groups/%s/" % group["id"])
    assert client.remove_router_from_group(router_id=router["id"]) is None
    assert client.delete_group_by_id(group["id"]) == ""
    assert raw.get("/groups/%s/" % group["id"]).status_code == 404


def test_patch_and_put_router_configuration(client):
    router = client.get_routers(state="online")[0]
    bss = {"ssid": "SDK-SSID", "wpapsk": "sdk-secret-1"}
    wifi = {"configuration": [{"wlan": {"radio": {"0": {"bss": {"0": bss}}}}}, []]}
    assert client.patch_configuration_managers(router["id"], wifi) == ""  # 202, no payload (L9460)
    cm = client.get_configuration_managers(router=router["id"], fields="configuration,target")[0]
    bss = cm["configuration"][0]["wlan"]["radio"]["0"]["bss"]["0"]
    assert bss == {"ssid": "SDK-SSID", "wpapsk": "*"}
    assert cm["target"][0]["wlan"]["radio"]["0"]["bss"]["0"]["ssid"] == "SDK-SSID"
    cm_id = client.get_configuration_manager_id(router["id"])
    assert cm_id == client.get_configuration_managers(router=router["id"])[0]["id"]
    reply = client.put_configuration_managers(router["id"], {"configuration": [{"system": {"timezone": "UTC"}}, []]})
    assert '"configuration"' in reply  # PUT ?fields=configuration echoes the configuration
    assert client.get_configuration_managers(router=router["id"])[0]["configuration"] == [{"system": {"timezone": "UTC"}}, []]


def test_reboot_router_and_group(client, raw):
    router = client.get_routers(state="online")[0]
    before = router["state_updated_at"]
    reply = client.reboot_device(router["id"])
    assert reply  # 201 with a body (the SDK returns its text)
    group_id = router["group"].rstrip("/").rsplit("/", 1)[1] if router["group"] else None
    if group_id:
        client.reboot_group(group_id)
    deadline = time.time() + 10
    while time.time() < deadline:
        now = raw.get("/routers/%s/" % router["id"]).json()
        if now["state"] == "online" and now["state_updated_at"] != before:
            break
        time.sleep(0.05)
    assert now["state"] == "online" and now["state_updated_at"] > before


def test_sdk_reads_cp_base_url_from_the_environment(reset_simulator, monkeypatch):
    monkeypatch.setenv("CP_BASE_URL", reset_simulator.url + "/api/v2")
    sdk = ncm.NcmClientv2(api_keys=dict(KEYS), log_events=False, retries=0)
    assert len(sdk.get_products()) == len(httpx.get(reset_simulator.url + "/api/v2/products/?limit=500", headers=KEYS).json()["data"])
