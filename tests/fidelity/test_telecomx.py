"""Fidelity of the TelecomX simulator (tests/simulator/telecomx.py) to the vendor pages.

The documented examples are replayed and the documented rules asserted with real
values. Page references: create.txt = shared/docs/api/telecomx-network-device-create.txt,
update.txt = ...-update.txt, btd.md = beyond-the-docs.md Part B.

Most tests talk HTTP to a real simulator process. The token-lifetime and scale
tests drive the platform module in process instead, with a clock they can move
(15 minutes are not waited for) and without the other platforms' cost.
"""

from __future__ import annotations

import asyncio
import json
import time
import types

import httpx
import pytest
from starlette.applications import Starlette

from tests.simulator import telecomx
from tests.simulator.seed import Fleet

FLEET = 30  # devices per platform in the simulator process
STEP = 0.6  # provisioning and deletion time in the simulator process (seconds)
SIM_FLEET = FLEET  # read by conftest.py's `simulator` fixture
SIM_SETTINGS = {"telecomx_provision_seconds": STEP, "telecomx_delete_seconds": STEP}
MANAGER, VIEWER, PASSWORD = "manager@example.com", "viewer@example.com", "sim-password"
XVS200, XVS700, XM100, XS108 = ("66a1f3c0a0a0a0a0a000000%d" % n for n in range(1, 5))  # the seed's models
OTHER_CUSTOMER = "66a1f3c0c0c0c0c0c0000002"  # exists, but our users do not belong to it

# create.txt:L54-89, the request example, with the comma the page misses before "bandsteering"
# (L71-72). `model` and `customer` name the seed's model and customer (the page's ids are placeholders).
CREATE_EXAMPLE = {
    "name": "Johns router",
    "model": "12345678901234567890AAAA",
    "customer": "12345678901234567890CCCC",
    "macAddress": "123456789012",
    "serialNumber": "484t563tyehfcu38hcnb4",
    "mvnoAccount": "12345678901234567890DDDD",
    "notes": "Note about device",
    "wifi": {
        "enabled": True,
        "ssid": "SkyNet",
        "password": "JohnConner",
        "enabled5G": True,
        "ssid5G": "Need4Speed",
        "password5G": "SarahConner",
        "enabled6G": False,
        "ssid6G": None,
        "password6G": None,
        "bandsteering": False,
    },
    "dhcp": {
        "enable": True,
        "ipPoolStart": "192.168.0.100",
        "ipPoolEnd": "192.168.0.200",
        "leaseTime": 10,
        "primaryDnsServer": "8.8.8.8",
        "reservedClients": [{"mac": "123456789013", "ip": "192.168.0.10", "enable": True, "id": "r8jf84fv"}],
    },
}
# create.txt:L93-151: the reply's top-level properties and status properties.
DEVICE_KEYS = {
    "_id",
    "state",
    "name",
    "model",
    "modelType",
    "modelBrand",
    "modelDescription",
    "modelPicture",
    "customer",
    "macAddress",
    "serialNumber",
    "mvnoAccount",
    "jobs",
    "notes",
    "wifi",
    "dhcp",
    "status",
}
STATUS_KEYS = {
    "provisioned",
    "lastComm",
    "online",
    "lanIp",
    "subnetMask",
    "gateway",
    "wanIp",
    "publicIp",
    "upTime",
    "dns",
    "dns2",
    "ipv6",
    "ipv6Dns",
    "ipv6Dns2",
    "simStatus",
    "networkType",
    "signalStrength",
    "ssSingnalStrength",
    "uplinkRate",
    "downlinkRate",
    "connectionTime",
}
# btd.md:L201: the condensed list item.
CONDENSED_KEYS = {
    "_id",
    "state",
    "name",
    "model",
    "modelType",
    "modelBrand",
    "modelPicture",
    "macAddress",
    "jobs",
    "wifiEnabled",
    "dhcpEnabled",
    "provisioned",
    "lastComm",
    "online",
}


# ---- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def tx(reset_simulator):
    """A client of the simulator (conftest.py), reset to its seed."""
    with httpx.Client(base_url=reset_simulator.url, timeout=10) as http:
        yield Api(http)


class Api(object):
    """A thin TelecomX client: `?token=` on every call (btd.md:L169)."""

    def __init__(self, http):
        self.http = http

    def login(self, username=MANAGER, password=PASSWORD, **extra):
        reply = self.http.post("/auth/login", json=dict(username=username, password=password, **extra))
        assert reply.status_code == 200, reply.text
        return reply.json()

    def token(self, username=MANAGER):
        return self.login(username)["token"]

    def call(self, method, path, token, body=None, **params):
        return self.http.request(
            method, path, params=dict(params, token=token), content=None if body is None else json.dumps(body), headers={"content-type": "application/json"}
        )

    def devices(self, token, **params):
        reply = self.call("GET", "/network/device", token, **params)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def device(self, token, device_id):
        reply = self.call("GET", "/network/device/" + device_id, token)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def wait_active(self, token, device_id, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            device = self.device(token, device_id)
            if device["jobs"] == 0 and device["state"] == "ACTIVE":
                return device
            assert time.monotonic() < deadline, device
            time.sleep(0.05)


def assert_error(reply, status, key):
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert body["success"] is False and body["error"] == key, body
    assert isinstance(body["message"], str) and body["message"]


def config(device):
    """A device without `status`, which moves with time (upTime, lastComm)."""
    return dict((key, value) for key, value in device.items() if key != "status")


def create_body(customer, **changes):
    body = json.loads(json.dumps(CREATE_EXAMPLE))
    body.update(model=XVS200, customer=customer, **changes)
    return body


class Clock(object):
    """The platform module in process, on a world whose clock the test moves."""

    def __init__(self, size=5, **settings):
        self.now = 1750000000.0
        self.world = types.SimpleNamespace(seed=Fleet(name="fleet", size=size, settings=settings), now=lambda: self.now)
        self.world.telecomx = telecomx.State(self.world)
        self.app = Starlette(routes=telecomx.routes())
        self.app.state.world = self.world

    def request(self, method, path, **kwargs):
        async def send():
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://telecomx.test") as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(send())

    def login(self, **body):
        return self.request("POST", "/auth/login", json=dict(dict(username=MANAGER, password=PASSWORD), **body)).json()


# ---- auth ---------------------------------------------------------------------------------


def test_login_post_and_get(tx):
    reply = tx.login()
    assert reply["expiresInMinutes"] == 15 and reply["accessLevel"] == "MANAGER"  # btd.md:L161-162
    assert len(reply["employee"]) == 24 and len(reply["customer"]) == 24 and reply["token"]
    viewer = tx.http.get("/auth/login", params={"username": VIEWER, "password": PASSWORD})  # btd.md:L151
    assert viewer.status_code == 200 and viewer.json()["accessLevel"] == "VIEWER"
    assert viewer.json()["customer"] == reply["customer"] and viewer.json()["employee"] != reply["employee"]
    assert tx.login(persist=True)["expiresInMinutes"] == -1  # btd.md:L158, L161
    assert tx.devices(viewer.json()["token"])["total"] == FLEET


def test_login_rejects_bad_credentials(tx):
    assert_error(tx.http.post("/auth/login", json={"username": MANAGER, "password": "wrong"}), 401, "credentials_invalid")
    assert_error(tx.http.post("/auth/login", json={"username": "nobody@example.com", "password": PASSWORD}), 401, "credentials_invalid")
    assert_error(tx.http.post("/auth/login", content=b"{not json"), 400, "bad_request")


def test_token_is_required_and_checked(tx):
    assert_error(tx.http.get("/network/device"), 401, "credentials_invalid")
    assert_error(tx.call("GET", "/network/device", "f" * 40), 401, "credentials_invalid")
    # An Authorization header is not a documented way to present the token (btd.md:L171).
    token = tx.token()
    assert_error(tx.http.get("/network/device", headers={"Authorization": "Bearer " + token}), 401, "credentials_invalid")


def test_cookie_only_when_asked_for(tx):
    reply = tx.http.post("/auth/login", json={"username": MANAGER, "password": PASSWORD})
    assert "set-cookie" not in reply.headers
    reply = tx.http.post("/auth/login", json={"username": MANAGER, "password": PASSWORD, "cookie": True})
    assert reply.cookies.get("token") == reply.json()["token"]


def test_validate_token(tx):
    login = tx.login(VIEWER)
    reply = tx.call("GET", "/auth/validateToken", login["token"]).json()
    assert reply == {"success": True, "employee": login["employee"], "customer": login["customer"], "accessLevel": "VIEWER"}
    extended = tx.call("GET", "/auth/validateToken", login["token"], extend="true").json()
    assert extended["name"] and extended["customerName"] and extended["success"] is True
    assert tx.call("GET", "/auth/validateToken", login["token"], simple="true").status_code == 200
    assert_error(tx.call("GET", "/auth/validateToken", "0" * 40, simple="true"), 403, "credentials_invalid")
    assert_error(tx.call("GET", "/auth/validateToken", "0" * 40), 401, "credentials_invalid")


def test_logout_kills_every_token_of_the_user(tx):
    first, second, viewer = tx.token(), tx.token(), tx.token(VIEWER)
    persistent = tx.login(persist=True)["token"]
    reply = tx.call("GET", "/auth/logout", second)
    assert reply.status_code == 200 and reply.json() == {"success": True}  # btd.md:L178
    for token in (first, second, persistent):
        assert_error(tx.call("GET", "/network/device", token), 401, "credentials_invalid")
    assert tx.devices(viewer)["total"] == FLEET  # another user's session survives


def test_expired_tokens_answer_401_expired(tx, simulator):
    token, persistent = tx.token(), tx.login(persist=True)["token"]
    assert tx.devices(token)["total"] == FLEET
    simulator.expire_tokens("telecomx")
    for value in (token, persistent):
        assert_error(tx.call("GET", "/network/device", value), 401, "expired")
    assert tx.devices(tx.token())["total"] == FLEET  # a new login works


def test_token_lifetime_is_15_minutes_from_login():
    clock = Clock()
    token, persistent = clock.login()["token"], clock.login(persist=True)["token"]
    clock.now += 15 * 60 - 1
    assert clock.request("GET", "/network/device", params={"token": token}).status_code == 200
    clock.now += 1
    assert_error(clock.request("GET", "/network/device", params={"token": token}), 401, "expired")
    clock.now += 86400 * 30
    assert clock.request("GET", "/network/device", params={"token": persistent}).status_code == 200


# ---- list, get, models ---------------------------------------------------------------------


def test_paging_returns_every_device_exactly_once(tx):
    token = tx.token(VIEWER)
    first = tx.devices(token)
    assert (first["offset"], first["limit"], first["total"]) == (0, 100, FLEET)  # btd.md:L197-198
    seen = []
    for offset in range(0, FLEET + 7, 7):
        page = tx.devices(token, offset=offset, limit=7)
        assert (page["offset"], page["limit"], page["total"]) == (offset, 7, FLEET)
        assert len(page["networkDevices"]) == max(0, min(7, FLEET - offset))
        seen.extend(device["_id"] for device in page["networkDevices"])
    assert len(seen) == FLEET and len(set(seen)) == FLEET
    assert seen == [device["_id"] for device in first["networkDevices"]]


def test_limit_is_capped_at_500(tx):
    page = tx.devices(tx.token(), limit=1000)
    assert page["limit"] == 500 and page["total"] == FLEET and len(page["networkDevices"]) == FLEET
    assert_error(tx.call("GET", "/network/device", tx.token(), limit="-1"), 400, "limit")
    assert_error(tx.call("GET", "/network/device", tx.token(), offset="x"), 400, "offset")


def test_condensed_and_full_items(tx):
    token = tx.token()
    condensed = tx.devices(token, limit=1)["networkDevices"][0]
    assert set(condensed) == CONDENSED_KEYS  # btd.md:L201
    assert condensed["state"] == "ACTIVE" and condensed["jobs"] == 0 and condensed["provisioned"] is True
    assert condensed["wifiEnabled"] is True and condensed["dhcpEnabled"] is True
    full = tx.devices(token, limit=1, full="true")["networkDevices"][0]
    assert config(full) == config(tx.device(token, condensed["_id"]))
    assert set(full) == DEVICE_KEYS - {"notes"}  # the seed has no notes: "may be omitted" (create.txt:L153)
    assert set(full["status"]) == STATUS_KEYS  # a SIM model, online: every status property
    assert set(full["wifi"]) == set(CREATE_EXAMPLE["wifi"]) and set(full["dhcp"]) == set(CREATE_EXAMPLE["dhcp"])
    assert full["wifi"]["password"] == "sim-wifi-0001"  # the reply carries passwords (create.txt:L111, L175)
    assert full["modelType"] == "ROUTER" and full["modelBrand"] == "TP-LINK"


def test_switch_has_no_wifi_and_no_dhcp(tx):
    token = tx.token()
    switch = [device for device in tx.devices(token, full="true")["networkDevices"] if device["model"] == XS108][0]
    assert switch["wifi"] is None and switch["dhcp"] is None and switch["modelType"] == "SWITCH"
    assert "simStatus" not in switch["status"]


def test_unknown_and_foreign_devices(tx):
    token = tx.token()
    assert_error(tx.call("GET", "/network/device/66a1f3c0d0d0d0d0d0ffffff", token), 404, "id")
    foreign = "66a1f3c0d0d0d0d0d0%06x" % (FLEET + 1)  # the other customer's device
    assert_error(tx.call("GET", "/network/device/" + foreign, token), 403, "access_denied")
    assert_error(tx.call("GET", "/network/device", token, customer=OTHER_CUSTOMER), 403, "access_denied")
    assert_error(tx.call("GET", "/network/device", token, customer="12345678901234567890CCCC"), 404, "customer")


def test_model_list(tx):
    reply = tx.call("GET", "/network/device/model", tx.token(VIEWER)).json()
    assert (reply["offset"], reply["limit"], reply["total"]) == (0, 100, 4)
    models = dict((model["_id"], model) for model in reply["networkDevices"])  # the documented key (btd.md:L225)
    assert models[XVS200]["capabilities"] == {"wifi": True, "wifi2G": True, "wifi5G": True, "wifi6G": False, "simSupport": True}
    assert models[XVS700]["capabilities"]["wifi6G"] is True
    assert models[XS108]["type"] == "SWITCH" and models[XS108]["capabilities"]["wifi"] is False
    assert set(models[XM100]) == {"_id", "brand", "name", "type", "picture", "description", "capabilities"}
    assert_error(tx.call("POST", "/network/device/model", tx.token(), {"name": "X"}), 403, "access_denied")


# ---- create, update, provisioning, delete -----------------------------------------------------


def test_create_replays_the_documented_example(tx):
    login = tx.login()
    body = create_body(login["customer"])
    reply = tx.call("POST", "/network/device", login["token"], body)
    assert reply.status_code == 200, reply.text
    device = reply.json()
    # The reply's documented values (create.txt:L157-198) that come from the request and the model.
    for key in ("name", "model", "customer", "macAddress", "serialNumber", "mvnoAccount", "notes", "wifi", "dhcp"):
        assert device[key] == body[key], key
    assert (device["modelType"], device["modelBrand"], device["modelDescription"]) == ("ROUTER", "TP-LINK", "5G router with 2.4/5GHz wifi and 3 ethernet ports")
    assert len(device["_id"]) == 24 and set(device) == DEVICE_KEYS
    # Provisioning starts: jobs in progress, not provisioned yet (create.txt:L95, L106, L131).
    assert (device["state"], device["jobs"], device["status"]["provisioned"]) == ("PROVISIONING", 1, False)
    assert tx.devices(login["token"])["total"] == FLEET + 1
    active = tx.wait_active(login["token"], device["_id"])
    assert active["status"]["provisioned"] is True and active["status"]["online"] is True
    assert active["status"]["lastComm"].endswith("Z") and set(active["status"]) == STATUS_KEYS
    assert active["wifi"] == body["wifi"] and active["dhcp"] == body["dhcp"]


def test_create_without_wifi_dhcp_and_defaults(tx):
    login = tx.login()
    body = {"name": "switch", "model": XS108, "macAddress": "AABBCCDDEEFF", "wifi": None, "dhcp": None}
    device = tx.call("POST", "/network/device", login["token"], body).json()
    assert device["customer"] == login["customer"]  # the user's own customer by default
    assert device["macAddress"] == "aabbccddeeff" and device["wifi"] is None and device["dhcp"] is None
    assert "serialNumber" not in device and "notes" not in device  # no value: omitted (create.txt:L153)
    body = {
        "name": "r",
        "model": XVS200,
        "macAddress": "AABBCCDDEE00",
        "dhcp": {
            "enable": True,
            "ipPoolStart": "10.0.0.10",
            "ipPoolEnd": "10.0.0.20",
            "reservedClients": [{"mac": "AABBCCDDEE01", "ip": "10.0.0.5", "enable": "false"}],
        },
    }
    client = tx.call("POST", "/network/device", login["token"], body).json()["dhcp"]["reservedClients"][0]
    # `enable` typed String in the table, boolean in the example (create.txt:L49 vs L84): a boolean comes back.
    assert client["enable"] is False and client["mac"] == "aabbccddee01" and len(client["id"]) == 8


def test_create_validation(tx):
    login = tx.login()
    token, customer = login["token"], login["customer"]

    def create(**changes):
        return tx.call("POST", "/network/device", token, dict(create_body(customer), **changes))

    assert_error(create(customer="12345678901234567890CCCC"), 404, "customer")  # create.txt:L229
    assert_error(create(customer=OTHER_CUSTOMER), 403, "access_denied")
    assert_error(create(model="12345678901234567890AAAA"), 409, "type")  # not a known model
    assert_error(create(name=None), 400, "name")
    assert_error(create(macAddress="12:34:56:78:90:12"), 400, "macAddress")
    assert_error(create(notes=5), 409, "type")
    assert_error(create(status={"online": True}), 400, "status")  # read-only (create.txt:L130)
    assert_error(create(wifi=dict(CREATE_EXAMPLE["wifi"], enabled="yes")), 409, "type")
    assert_error(create(wifi=dict(CREATE_EXAMPLE["wifi"], enabled6G=True, ssid6G="six")), 409, "type")  # no 6GHz
    assert_error(create(model=XS108), 409, "type")  # a switch has no wifi
    assert_error(create(wifi=dict(CREATE_EXAMPLE["wifi"], password="short")), 400, "wifi.password")
    assert_error(create(dhcp=dict(CREATE_EXAMPLE["dhcp"], ipPoolStart="192.168.0.300")), 400, "dhcp.ipPoolStart")
    assert_error(create(dhcp=dict(CREATE_EXAMPLE["dhcp"], leaseTime="10")), 409, "type")
    assert_error(tx.call("POST", "/network/device", token, [1]), 400, "bad_request")
    assert tx.devices(token)["total"] == FLEET  # nothing was created
    # The same body on the 6GHz model is fine.
    ok = create(model=XVS700, wifi=dict(CREATE_EXAMPLE["wifi"], enabled6G=True, ssid6G="six", password6G="12345678"))
    assert ok.status_code == 200 and ok.json()["wifi"]["enabled6G"] is True


def test_duplicate_mac_is_422(tx):
    login = tx.login()
    existing = tx.devices(login["token"], limit=1)["networkDevices"][0]["macAddress"]
    body = create_body(login["customer"], macAddress=existing.upper())  # MACs compare case-insensitively
    reply = tx.call("POST", "/network/device", login["token"], body)
    assert_error(reply, 422, "macAddress")  # create.txt:L230
    assert tx.call("POST", "/network/device", login["token"], create_body(login["customer"])).status_code == 200
    assert_error(tx.call("POST", "/network/device", login["token"], create_body(login["customer"], name="again")), 422, "macAddress")
    # The other customer's device counts too: a MAC is in use platform-wide.
    foreign = "02c0de%06x" % (FLEET + 1)
    assert_error(tx.call("POST", "/network/device", login["token"], create_body(login["customer"], macAddress=foreign)), 422, "macAddress")
    assert tx.devices(login["token"])["total"] == FLEET + 1


def test_update_is_partial(tx):
    token = tx.token()
    before = tx.device(token, tx.devices(token, limit=1)["networkDevices"][0]["_id"])
    # update.txt:L40's example, written with the table's property names (update.txt:L14-26).
    body = {"name": "My Primary Router", "wifi": {"ssid": "SkyNet", "password": "1NT3RN3T!"}}
    reply = tx.call("POST", "/network/device/" + before["_id"], token, body)
    assert reply.status_code == 200, reply.text
    after = reply.json()
    assert after["name"] == "My Primary Router"
    assert (after["wifi"]["ssid"], after["wifi"]["password"]) == ("SkyNet", "1NT3RN3T!")
    untouched = dict(before["wifi"], ssid="SkyNet", password="1NT3RN3T!")
    assert after["wifi"] == untouched and after["dhcp"] == before["dhcp"]
    for key in ("model", "customer", "macAddress", "serialNumber", "mvnoAccount"):
        assert after[key] == before[key]
    assert after["state"] == "PROVISIONING" and after["jobs"] == 1 and after["status"]["provisioned"] is True
    settled = tx.wait_active(token, before["_id"])
    assert settled["wifi"] == untouched and settled["name"] == "My Primary Router"


def test_update_refuses_the_example_body_and_bad_values(tx):
    token = tx.token()
    device = tx.devices(token, limit=1, full="true")["networkDevices"][0]
    path = "/network/device/" + device["_id"]
    # The page's literal example uses `network.wireless`, not in its own table (update.txt:L40 vs L16-26).
    literal = {"name": "My Primary Router", "network": {"wireless": {"ssid": "SkyNet", "password": "1NT3RN3T!"}}}
    assert_error(tx.call("POST", path, token, literal), 400, "network")
    assert_error(tx.call("POST", path, token, {"model": XVS700}), 400, "model")  # not updatable
    assert_error(tx.call("POST", path, token, {"wifi": {"enabled6G": True, "ssid6G": "x"}}), 409, "type")
    assert_error(tx.call("POST", path, token, {"dhcp": {"enable": "yes"}}), 409, "type")
    taken = tx.devices(token, offset=1, limit=1)["networkDevices"][0]["macAddress"]
    assert_error(tx.call("POST", path, token, {"macAddress": taken}), 422, "macAddress")  # update.txt:L110
    assert_error(tx.call("POST", "/network/device/66a1f3c0d0d0d0d0d0ffffff", token, {"name": "x"}), 404, "id")
    assert config(tx.device(token, device["_id"])) == config(device)  # nothing changed, no job queued


def test_update_nulls_and_replaces_reservations(tx):
    token = tx.token()
    device_id = tx.devices(token, limit=1)["networkDevices"][0]["_id"]
    path = "/network/device/" + device_id
    clients = [{"mac": "0a0b0c0d0e0f", "ip": "192.168.1.20", "enable": True}]
    after = tx.call("POST", path, token, {"dhcp": {"reservedClients": clients}, "notes": "n"}).json()
    assert [client["mac"] for client in after["dhcp"]["reservedClients"]] == ["0a0b0c0d0e0f"]
    assert after["dhcp"]["ipPoolStart"] == "192.168.1.100" and after["notes"] == "n"
    after = tx.call("POST", path, token, {"wifi": None}).json()
    assert after["wifi"] is None and after["jobs"] >= 1
    assert tx.devices(token, limit=1)["networkDevices"][0]["wifiEnabled"] is False


def test_viewer_may_read_but_not_write(tx):
    token = tx.token(VIEWER)
    device = tx.devices(token, limit=1, full="true")["networkDevices"][0]
    assert config(tx.device(token, device["_id"])) == config(device)
    path = "/network/device/" + device["_id"]
    customer = device["customer"]
    assert_error(tx.call("POST", "/network/device", token, create_body(customer)), 403, "access_denied")
    assert_error(tx.call("POST", path, token, {"name": "viewer was here"}), 403, "access_denied")
    assert_error(tx.call("DELETE", path, token), 403, "access_denied")
    assert config(tx.device(token, device["_id"])) == config(device) and tx.devices(token)["total"] == FLEET


def test_delete(tx):
    login = tx.login()
    token = login["token"]
    device = tx.devices(token, limit=1)["networkDevices"][0]
    path = "/network/device/" + device["_id"]
    reply = tx.call("DELETE", path, token)
    assert reply.status_code == 200 and reply.json() == {"success": True}
    assert tx.device(token, device["_id"])["state"] == "DELETING"
    # Its MAC stays in use until it is gone, and it cannot be changed meanwhile.
    body = create_body(login["customer"], macAddress=device["macAddress"])
    assert_error(tx.call("POST", "/network/device", token, body), 422, "macAddress")
    assert_error(tx.call("POST", path, token, {"name": "x"}), 409, "state")
    time.sleep(STEP + 0.2)
    assert_error(tx.call("GET", path, token), 404, "id")
    assert tx.devices(token)["total"] == FLEET - 1
    again = tx.call("POST", "/network/device", token, body)
    assert again.status_code == 200 and again.json()["_id"] != device["_id"]


def test_state_dump(tx, simulator):
    token = tx.token()
    tx.call("POST", "/network/device", token, create_body(tx.login()["customer"]))
    state = simulator.state()["telecomx"]
    assert len(state["devices"]) == FLEET + 2  # the fleet, the other customer's device, the new one
    assert len(state["models"]) == 4 and state["tokens"]["valid"] == 2


# ---- scale and the module contract ---------------------------------------------------------------


def test_ten_thousand_devices_build_and_list_fast():
    started = time.perf_counter()
    clock = Clock(size=10000)
    assert time.perf_counter() - started < 1.0
    token = clock.login()["token"]
    started, seen = time.perf_counter(), set()
    for offset in range(0, 10000, 500):
        page = clock.request("GET", "/network/device", params={"token": token, "offset": offset, "limit": 500}).json()
        assert page["total"] == 10000 and len(page["networkDevices"]) == 500
        seen.update(device["_id"] for device in page["networkDevices"])
    assert len(seen) == 10000 and time.perf_counter() - started < 5.0
    json.dumps(clock.world.telecomx.dump())


def test_provisioning_follows_the_world_clock():
    clock = Clock(telecomx_provision_seconds=3)
    login = clock.login()
    body = create_body(login["customer"])
    device = clock.request("POST", "/network/device", params={"token": login["token"]}, json=body).json()
    path = "/network/device/" + device["_id"]
    clock.now += 2
    assert clock.request("GET", path, params={"token": login["token"]}).json()["jobs"] == 1
    second = clock.request("POST", path, params={"token": login["token"]}, json={"notes": "n"}).json()
    assert (second["state"], second["jobs"]) == ("PROVISIONING", 2)  # queued behind the first
    clock.now += 1
    assert clock.request("GET", path, params={"token": login["token"]}).json()["jobs"] == 1
    clock.now += 3
    settled = clock.request("GET", path, params={"token": login["token"]}).json()
    assert (settled["state"], settled["jobs"], settled["status"]["provisioned"]) == ("ACTIVE", 0, True)
    assert settled["status"]["upTime"] == 0
