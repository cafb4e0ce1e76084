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

from tests.fidelity import test_ncm

sim = test_ncm.sim  # fixture: the module's simulator, reset
ncm = test_ncm.api  # fixture: an httpx client of NCM v2 with the admin keys

SIM_FLEET = 12
SIGNAL_FIELDS = {  # L4530-4548, and the example record L4615-4635
    "cinr",
    "created_at",
    "created_at_timeuuid",
    "dbm",
    "ecio",
    "net_device",
    "rsrp",
    "rsrp5g",
    "rsrp5g_highband",
    "rsrq",
    "rsrq5g",
    "rsrq5g_highband",
    "rssi",
    "rssnr",
    "signal_percent",
    "sinr",
    "sinr5g",
    "sinr5g_highband",
    "uptime",
}


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
    serial = next(s for s in serials(sim) if aiopeplink_session(sim, s).get("/api/info.location").json()["response"].get("location"))
    location = aiopeplink_session(sim, serial).get("/api/info.location").json()["response"]["location"]
    token = httpx.post(sim.url + "/api/oauth2/token", data={"client_id": "sim-client", "client_secret": "sim-secret", "grant_type": "client_credentials"})
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


# ---- NCM: the other time series and metrics netcloudapi reads ------------------------------


def test_usage_and_stream_samples(ncm):
    nd = modems(ncm)[0]
    usage = ncm.get("/net_device_usage_samples/", params={"net_device": nd["id"]}).json()
    assert set(usage["meta"]) == {"limit", "next"}  # L4730-4734
    assert len(usage["data"]) == 3
    assert all(
        set(row) == {"bytes_in", "bytes_out", "created_at", "created_at_timeuuid", "net_device", "period", "uptime"}
        and row["bytes_in"] > 0
        and row["period"] > 3000
        for row in usage["data"]
    )
    router_id = nd["router"].rstrip("/").rsplit("/", 1)[1]
    stream = ncm.get("/router_stream_usage_samples/", params={"router__in": router_id}).json()["data"]
    assert len(stream) == 3 and all(row["router"] == nd["router"] for row in stream)
    assert set(stream[0]) == {"bytes_in", "bytes_out", "created_at", "created_at_timeuuid", "period", "router", "uptime"}  # L6044-6052
    # netcloudapi sends created_at__gt as str(datetime) ("2023-11-14 20:13:20+00:00", '+' encoded by requests)
    newest = stream[0]["created_at"]
    later = ncm.get("/router_stream_usage_samples/", params={"router": router_id, "created_at__gt": newest.replace("T", " ")})
    assert later.status_code == 200 and later.json()["data"] == []
    older = ncm.get("/router_stream_usage_samples/", params={"router": router_id, "created_at__lt": newest})
    assert older.json()["data"] == stream[1:]


def test_router_alerts_as_documented(ncm):
    page = ncm.get("/router_alerts/", params={"limit": 500}).json()
    assert set(page["meta"]) == {"limit", "next"} and page["meta"]["next"] is None  # L5452-5456
    keys = {"created_at", "created_at_timeuuid", "detected_at", "friendly_info", "info", "router", "type"}
    assert page["data"] and all(set(row) == keys for row in page["data"])
    login = next(row for row in page["data"] if row["type"] == "login_success")
    assert login["info"]["user"] == "admin" and login["info"]["time"][1] == "UTC"  # L5410-5420
    # the doc's own query (L182) filters by type; netcloudapi sends `type=` and `router__in=`
    wan = ncm.get("/router_alerts/", params={"type": "ethernet_wan_connected", "limit": 500}).json()["data"]
    assert wan and all(row["type"] == "ethernet_wan_connected" for row in wan)
    assert wan[0]["info"]["info"]["uid"] == "wan"  # L5426-5440
    router_id = login["router"].rstrip("/").rsplit("/", 1)[1]
    mine = ncm.get("/router_alerts/", params={"router__in": router_id}).json()["data"]
    assert {row["type"] for row in mine} == {"login_success", "ethernet_wan_connected"}
    one = ncm.get("/router_alerts/", params={"created_at_timeuuid": login["created_at_timeuuid"]}).json()
    assert one["data"] == [login]  # L5460-5490


def test_router_logs_need_a_router(ncm):
    # L5776: "GET requests require the router ID to be passed in the URL query string"
    refused = ncm.get("/router_logs/")
    assert refused.status_code == 400 and "router" in refused.json()["exception"]["message"]
    grouped = [r for r in list_all(ncm, "/routers/", limit=500) if r["group"] and r["state"] != "initialized"]
    logs = ncm.get("/router_logs/", params={"router": grouped[0]["id"], "limit": 3}).json()
    assert set(logs["meta"]) == {"count", "limit", "next", "offset", "previous"}  # L5806-5812
    assert logs["meta"]["count"] == 3 and "offset=3" in logs["meta"]["next"]
    first = logs["data"][0]
    assert set(first) == {"created_at", "created_at_timeuuid", "exception", "level", "message", "reported_at", "router", "sequence", "source"}
    assert first["created_at_timeuuid"].endswith("_0") and first["sequence"] == 0  # L5785-5790
    assert first["level"] in ("ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG")  # L5760-5770
    # netcloudapi filters with router__in (the table lists `=` only): taken too
    both = ncm.get("/router_logs/", params={"router__in": grouped[0]["id"]}).json()["data"]
    assert len(both) == 4 and all(row["router"] == grouped[0]["resource_url"] for row in both)
    ungrouped = [r for r in list_all(ncm, "/routers/", limit=500) if not r["group"]]
    assert ncm.get("/router_logs/", params={"router": ungrouped[0]["id"]}).json()["data"] == []  # L5682-5686


def test_net_device_metrics_as_documented(ncm):
    page = ncm.get("/net_device_metrics/", params={"limit": 500}).json()
    assert set(page["meta"]) == {"limit", "next", "offset", "previous"}  # offset paging (L4380)
    keys = {
        "bmask_applied",
        "bytes_in",
        "bytes_out",
        "cell_id",
        "cinr",
        "dbm",
        "ecio",
        "id",
        "lac",
        "mcc",
        "mnc",
        "net_device",
        "resource_url",
        "rsrp",
        "rsrq",
        "rssi",
        "rssnr",
        "service_type",
        "signal_strength",
        "sinr",
        "tac",
        "update_ts",
    }  # L4482-4504
    assert all(set(row) == keys for row in page["data"])
    nds = list_all(ncm, "/net_devices/", limit=500)
    assert len(page["data"]) == len(nds)  # one per net_device
    nd = modems(ncm)[0]
    row = ncm.get("/net_device_metrics/", params={"net_device": nd["id"]}).json()["data"]  # L4475
    assert len(row) == 1 and row[0]["id"] == nd["id"] and row[0]["net_device"] == nd["resource_url"]
    assert row[0]["mcc"] + row[0]["mnc"] == nd["homecarrid"] and row[0]["service_type"] == "LTE"
    newest = ncm.get("/net_device_signal_samples/", params={"net_device": nd["id"], "limit": 1}).json()["data"][0]
    assert (row[0]["rsrp"], row[0]["sinr"], row[0]["signal_strength"]) == (newest["rsrp"], newest["sinr"], newest["signal_percent"])
    assert ncm.get(row[0]["resource_url"]).json() == row[0]
    expanded = ncm.get("/net_device_metrics/", params={"net_device": nd["id"], "expand": "net_device"}).json()
    assert expanded["data"][0]["net_device"]["id"] == nd["id"]  # "Expansion is supported to the net_devices endpoint"


# ---- NCM: groups (ecmcli) ------------------------------------------------------------------


def test_group_create_without_account(ncm):
    """ecmcli `groups create`: POST groups/ {name, product, target_firmware}, no account; the document's
    "By default, the resource is added to the requestor's account"."""
    product = ncm.get("/products/", params={"name": "IBR900"}).json()["data"][0]
    firmware = next(f for f in list_all(ncm, "/firmwares/", limit=500) if f["product"] == product["resource_url"] and f["version"] == "7.24.10")
    created = ncm.post("/groups/", json={"name": "ecmcli group", "product": product["resource_url"], "target_firmware": firmware["resource_url"]})
    assert created.status_code == 201, created.text
    own = [a for a in ncm.get("/accounts/").json()["data"] if a["account"] == a["resource_url"]]
    assert len(own) == 1 and created.json()["account"] == own[0]["resource_url"]
    # naming the account still works (a subaccount here)
    sub = next(a for a in ncm.get("/accounts/").json()["data"] if a["account"] != a["resource_url"])
    named = ncm.post(
        "/groups/", json={"name": "sub group", "product": product["resource_url"], "target_firmware": firmware["resource_url"], "account": sub["resource_url"]}
    )
    assert named.status_code == 201 and named.json()["account"] == sub["resource_url"]


def test_group_configuration_system_desc(ncm):
    """ecmcli's example configuration patch sets system.desc."""
    group = ncm.get("/groups/", params={"limit": 1}).json()["data"][0]
    patch = {"configuration": [{"system": {"desc": "Store 42, back office"}}, []]}
    patched = ncm.patch("/groups/%s/" % group["id"], json=patch)
    assert patched.status_code == 202, patched.text
    config = ncm.get("/groups/%s/" % group["id"]).json()["configuration"]
    assert config[0]["system"]["desc"] == "Store 42, back office"
    wrong = ncm.patch("/groups/%s/" % group["id"], json={"configuration": [{"system": {"desc": 7}}, []]})
    assert wrong.status_code == 400 and "not a string" in wrong.text


# ---- NCM: a filter is applied or refused, never ignored ----------------------------------------


@pytest.mark.parametrize(
    "params, message",
    [
        ({"name__startswith": "IBR"}, "'startswith' is not an allowed filter on the 'name' field."),
        ({"name__icontains": "ibr"}, "'icontains' is not an allowed filter on the 'name' field."),
        ({"locality": "US/Mountain"}, "The 'locality' field does not allow filtering."),
        ({"nmae": "IBR900-001"}, "'nmae' is not a field of routers"),
    ],
)
def test_unknown_filter_is_refused(ncm, params, message):
    reply = ncm.get("/routers/", params=params)
    assert reply.status_code == 400
    assert reply.json()["exception"]["message"].startswith(message)


def test_documented_filters_still_filter(ncm):
    everything = list_all(ncm, "/routers/", limit=500)
    name = everything[0]["name"]
    assert [r["name"] for r in ncm.get("/routers/", params={"name": name}).json()["data"]] == [name]
    some = [r["name"] for r in everything[:3]]
    assert sorted(r["name"] for r in ncm.get("/routers/", params={"name__in": ",".join(some)}).json()["data"]) == sorted(some)
    # the reserved parameters are no filters
    assert ncm.get("/routers/", params={"limit": 2, "offset": 1, "fields": "name", "expand": "account"}).status_code == 200
