"""The simulator held to independent clients of the real services (issue 20).

Five clients other people wrote against the real Peplink router API and NCM v2 (PyPI:
aiopeplink 0.0.2, peplink-api-client 1.0.2, netcloudapi 0.3b1, cradlepointapiclient 0.0.1,
ecmcli 10). They are not dependencies: each test sends the requests such a client sends,
written from the client's published behaviour and the vendor documents, and asserts what
the client reads from the answer. `L<n>` = line n of cradlepoint-netcloud-api-v2.txt.
"""

from __future__ import annotations

import httpx
import pytest

SIM_FLEET = 12
KEYS = {"X-CP-API-ID": "sim-cp-id", "X-CP-API-KEY": "sim-cp-key",
        "X-ECM-API-ID": "sim-ecm-id", "X-ECM-API-KEY": "sim-ecm-key"}
SIGNAL_FIELDS = {  # L4530-4548, and the example record L4615-4635
    "cinr", "created_at", "created_at_timeuuid", "dbm", "ecio", "net_device", "rsrp", "rsrp5g", "rsrp5g_highband",
    "rsrq", "rsrq5g", "rsrq5g_highband", "rssi", "rssnr", "signal_percent", "sinr", "sinr5g", "sinr5g_highband",
    "uptime"}


@pytest.fixture
def sim(reset_simulator):
    return reset_simulator


@pytest.fixture
def ncm(sim):
    with httpx.Client(base_url=sim.url + "/api/v2", headers=KEYS, timeout=30) as client:
        yield client


def serials(sim):
    return list(sim.state()["peplink"]["routers"])


def aiopeplink_session(sim, serial):
    """aiopeplink's Auth.login: `POST {host}/api/login` with `data={username, password}` (a form body),
    keeps the `bauth` cookie; then `request("get", "info.location")` with that cookie."""
    client = httpx.Client(base_url="%s/peplink/%s" % (sim.url, serial), timeout=10)
    reply = client.post("/api/login", data={"username": "admin", "password": "admin"})
    assert reply.request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert reply.status_code == 200 and reply.json()["stat"] == "ok", reply.text
    assert "bauth" in client.cookies
    return client


def list_all(ncm, path, **params):
    """Follow meta.next to the end, as every NCM client does."""
    rows, url = [], path
    while url:
        page = ncm.get(url, params=params).json()
        rows.extend(page["data"])
        url, params = page["meta"]["next"], None
    return rows


# ---- Peplink router: form-encoded login, info.location ------------------------------------


def test_router_login_form_encoded(sim):
    client = aiopeplink_session(sim, serials(sim)[0])
    reply = client.get("/api/status.wan.connection")  # the session works like a JSON login's
    assert reply.json()["stat"] == "ok" and reply.json()["response"]["order"]
    wrong = client.post("/api/login", data={"username": "admin", "password": "nope"})
    assert wrong.json() == {"stat": "fail", "code": 401, "message": "Invalid username or password"}
    # the documented JSON body still works, and a body that is neither is refused
    json_login = client.post("/api/login", json={"username": "admin", "password": "admin"})
    assert json_login.json()["stat"] == "ok"
    garbage = client.post("/api/login", content=b"{not json", headers={"Content-Type": "application/json"})
    assert garbage.json()["stat"] == "fail" and garbage.json()["code"] == 400


def test_router_info_location(sim):
    with_gps = []
    for serial in serials(sim):
        reply = aiopeplink_session(sim, serial).get("/api/info.location")
        assert reply.status_code == 200 and reply.json()["stat"] == "ok"
        location = reply.json()["response"].get("location")
        if location is not None:  # aiopeplink's Location properties
            assert set(location) == {"latitude", "longitude", "altitude", "speed", "heading"}
            assert -90 <= location["latitude"] <= 90 and -180 <= location["longitude"] <= 180
            with_gps.append(serial)
    assert 0 < len(with_gps) < len(serials(sim))  # some routers have GPS, some do not
    # no session: refused like any other read
    anonymous = httpx.get("%s/peplink/%s/api/info.location" % (sim.url, with_gps[0]))
    assert anonymous.json()["stat"] == "fail" and anonymous.json()["code"] == 401


def test_router_location_is_the_incontrol_location(sim):
    """One world: a router's GPS fix is where InControl shows the device."""
    serial = next(s for s in serials(sim)
                  if aiopeplink_session(sim, s).get("/api/info.location").json()["response"].get("location"))
    location = aiopeplink_session(sim, serial).get("/api/info.location").json()["response"]["location"]
    token = httpx.post(sim.url + "/api/oauth2/token", data={
        "client_id": "sim-client", "client_secret": "sim-secret", "grant_type": "client_credentials"})
    headers = {"Authorization": "Bearer %s" % token.json()["access_token"]}
    devices = httpx.get(sim.url + "/rest/o/oSIM01/d", headers=headers).json()["data"]
    device = next(d for d in devices if d["sn"] == serial)
    assert (device["latitude"], device["longitude"]) == (location["latitude"], location["longitude"])


# ---- NCM: net_device_signal_samples (netcloudapi; the NCM source of device_info cellular) ----


def modems(ncm):
    return [nd for nd in list_all(ncm, "/net_devices/", limit=500) if nd["type"] == "mdm"]


def test_signal_samples_documented_shape_and_cursor(ncm):
    page = ncm.get("/net_device_signal_samples/", params={"limit": 5}).json()
    assert set(page["meta"]) == {"limit", "next"}  # no offset (L203-211), a cursor next (L4638-4641)
    assert all(set(row) == SIGNAL_FIELDS for row in page["data"])
    assert "created_at_timeuuid__lt=" in page["meta"]["next"]
    everything = list_all(ncm, "/net_device_signal_samples/", limit=7)
    ids = [row["created_at_timeuuid"] for row in everything]
    assert len(ids) == len(set(ids)) == 3 * len(modems(ncm))  # three hourly samples per modem
    assert [row["created_at"] for row in everything] == sorted((row["created_at"] for row in everything), reverse=True)
    # offset is not supported: ignored, the first page again
    assert ncm.get("/net_device_signal_samples/", params={"limit": 5, "offset": 5}).json()["data"] == page["data"]


def test_signal_samples_newest_per_modem_some_poor(ncm):
    """What device_info reads: the newest sample of each modem, filtered with net_device__in."""
    wanted = modems(ncm)
    rows = list_all(ncm, "/net_device_signal_samples/", net_device__in=",".join(nd["id"] for nd in wanted), limit=500)
    newest = {}
    for row in rows:  # newest first: the first row of a modem is its newest
        newest.setdefault(row["net_device"], row)
    assert set(newest) == set(nd["resource_url"] for nd in wanted)
    poor = [r for r in newest.values() if r["rsrp"] < -110 and r["sinr"] < 0 and r["signal_percent"] < 25]
    good = [r for r in newest.values() if r["rsrp"] > -100 and r["sinr"] > 10]
    assert poor and good, "the seed has modems with poor and with good signal"
    assert all(r["dbm"] < 0 and -20 <= r["rsrq"] < 0 for r in newest.values())
    one = wanted[0]
    only = ncm.get("/net_device_signal_samples/", params={"net_device": one["id"]}).json()["data"]
    assert len(only) == 3 and all(r["net_device"] == one["resource_url"] for r in only)
    # the documented created_at_timeuuid filter picks one record (L4580-4600 style)
    picked = ncm.get("/net_device_signal_samples/", params={"created_at_timeuuid": only[1]["created_at_timeuuid"]})
    assert picked.json()["data"] == [only[1]]


def test_signal_samples_are_deterministic(sim, ncm):
    first = ncm.get("/net_device_signal_samples/", params={"limit": 50}).json()["data"]
    sim.reset()
    again = ncm.get("/net_device_signal_samples/", params={"limit": 50}).json()["data"]
    assert first == again
