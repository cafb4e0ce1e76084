"""Fidelity of the InControl 2 simulator (tests/simulator/incontrol.py) to the IC2 doc.

`IC:L<n>` is a line of shared/docs/api/peplink-incontrol2-api.txt. Its model samples and
field tables are read from the file: an answer must have every non-optional field of
the model, no field the model lacks, and the sample's JSON types. Then the rules (auth,
errors, rate limit, has_status) and the one world: a change through InControl shows on
the router's own API and the other way round.

Most tests talk HTTP to a simulator process. Tests that need a clock they can move
(rate limit, token lifetime, has_status freshness) or 10,000 devices drive the two
platform modules in process.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import time
import types

import httpx
import pytest
from starlette.applications import Starlette

from tests.fidelity.test_peplink import DOCS, RouterApi, assert_fail, assert_like, doc_lines, same_type
from tests.simulator import incontrol, peplink
from tests.simulator.seed import Fleet

IC_DOC = os.path.join(DOCS, "peplink-incontrol2-api.txt")
REBOOT_SECONDS = 1.5
SIM_SETTINGS = {"reboot_seconds": REBOOT_SECONDS}
ORG, LAB = "oSIM01", "oSIM02"
CREDENTIALS = {"client_id": "sim-client", "client_secret": "sim-secret", "grant_type": "client_credentials"}
ENVELOPE = {"resp_code", "caller_ref", "server_ref", "data"}


# ---- the doc's models ---------------------------------------------------------------------


def ic_model(sample_line, first_row, last_row):
    """One IC2 model read from the doc: (sample data item, fields, optional fields, optional
    fields of its sub-models). The main field table is at first_row..last_row; the
    sub-models' tables follow it, up to the block's "Parameters" line."""
    text = doc_lines(IC_DOC, sample_line, sample_line)[0]
    text = text.replace('"wlan_mac_list": ,', '"wlan_mac_list": [],')  # IC:L1847 prints invalid JSON here
    # Keep the first of a repeated key (`interfaces` and `meid_hex` appear twice, IC:L278).
    sample = json.loads(text, object_pairs_hook=lambda pairs: dict(reversed(pairs)))["data"]

    def rows(lines):
        return [line.split("|") for line in lines if "|" in line and not line.startswith("Field |")]

    main = rows(doc_lines(IC_DOC, first_row, last_row))
    rest = doc_lines(IC_DOC, last_row + 1, last_row + 400)
    rest = rest[: next((n for n, line in enumerate(rest) if line.strip() == "Parameters"), len(rest))]
    # "Yes" in the Optional column; a remark may itself hold "|" ("connected|disconnect").
    optional = set(row[0].strip() for row in main if "Yes" in [cell.strip() for cell in row[3:]])
    nested_optional = set(row[0].strip() for row in rows(rest) if "Yes" in [cell.strip() for cell in row[3:]])
    fields = set(row[0].strip() for row in main)
    return (sample[0] if isinstance(sample, list) else sample), fields, optional, nested_optional


def assert_no_extra(ours, doc, where):
    if isinstance(doc, dict) and isinstance(ours, dict) and doc:
        assert set(ours) <= set(doc), "%s: fields the model lacks: %s" % (where, sorted(set(ours) - set(doc)))
        for key in ours:
            assert_no_extra(ours[key], doc[key], "%s.%s" % (where, key))
    elif isinstance(doc, list) and doc and isinstance(ours, list):
        for number, item in enumerate(ours):
            assert_no_extra(item, doc[0], "%s[%d]" % (where, number))


def assert_model(item, model, also_optional=(), where="data"):
    sample, fields, optional, nested_optional = model
    known = fields | set(sample)
    assert set(item) <= known, "%s: fields the model lacks: %s" % (where, sorted(set(item) - known))
    required = (fields & set(sample)) - optional - set(also_optional)
    assert required <= set(item), "%s: missing fields: %s" % (where, sorted(required - set(item)))
    for key, value in item.items():
        if key in sample:
            assert_like(value, sample[key], "%s.%s" % (where, key), skip=nested_optional)
            assert_no_extra(value, sample[key], "%s.%s" % (where, key))


ORG_LIST = (209, 220, 224)
ORGANIZATION = (236, 247, 262)
DEVICE_LIST = (278, 303, 409)
DEVICE_BASIC = (560, 571, 604)
GROUP_LIST = (822, 833, 869)
GROUP = (891, 902, 938)
DEVICE = (1847, 1863, 2005)


# ---- clients ------------------------------------------------------------------------------


class Ic2(object):
    """An InControl 2 client over HTTP: token from the token endpoint, Bearer header."""

    def __init__(self, base_url):
        self.http = httpx.Client(base_url=base_url, timeout=15)
        self.token = self.grant()["access_token"]

    def grant(self, **form):
        reply = self.http.post("/api/oauth2/token", data=dict(CREDENTIALS, **form))
        assert reply.status_code == 200, reply.text
        return reply.json()

    def call(self, method, path, token=None, headers=None, **kwargs):
        headers = dict(headers or {}, Authorization="Bearer %s" % (token or self.token))
        return self.http.request(method, path, headers=headers, **kwargs)

    def data(self, method, path, **kwargs):
        reply = self.call(method, path, **kwargs)
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert body["resp_code"] == "SUCCESS", body
        return body.get("data")

    def get(self, path, **params):
        return self.data("GET", path, params=params)


def assert_envelope(body, resp_code="SUCCESS"):
    # IC:L208-218: resp_code, caller_ref (integer), server_ref (integer), message (optional), data
    assert body["resp_code"] == resp_code
    assert same_type(body["caller_ref"], 0) and same_type(body["server_ref"], 0)
    assert set(body) <= ENVELOPE | {"message"}
    if resp_code != "SUCCESS":
        assert isinstance(body["message"], str) and body["message"]


def assert_oauth_error(reply, status, error):
    # IC:L121-132: {"error": ..., "error_description": ...}
    assert reply.status_code == status, reply.text
    assert set(reply.json()) == {"error", "error_description"} and reply.json()["error"] == error


class Clock(object):
    def __init__(self):
        self.now = 1_700_000_000.0

    def __call__(self):
        return self.now


class InProcess(object):
    """The Peplink and InControl states in this process, on a clock the test moves."""

    def __init__(self, size=3, **settings):
        self.clock = Clock()
        world = types.SimpleNamespace(seed=Fleet(name="default", size=size, settings=settings), now=self.clock)
        world.peplink = peplink.State(world)
        world.incontrol = incontrol.State(world)
        self.app = Starlette(routes=peplink.routes() + incontrol.routes())
        self.app.state.world = self.world = world

    def request(self, method, path, **kwargs):
        async def send():
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(send())

    def token(self, **form):
        return self.request("POST", "/api/oauth2/token", data=dict(CREDENTIALS, **form)).json()

    def get(self, path, token, **params):
        return self.request("GET", path, params=params, headers={"Authorization": "Bearer " + token})


# ---- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def sim(reset_simulator):
    return reset_simulator


@pytest.fixture
def ic2(sim):
    client = Ic2(sim.url)
    yield client
    client.http.close()


@pytest.fixture
def devices(ic2):
    """The seed's devices: [HQ Balance 20X, Branches MAX BR1 Pro 5G, Branches Balance 380]."""
    return ic2.get("/rest/o/%s/d" % ORG)


@pytest.fixture
def router(sim, devices):
    api = RouterApi(sim.url, devices[0]["sn"])
    api.login()
    yield api
    api.close()


# ---- OAuth2 -------------------------------------------------------------------------------


def test_client_credentials_example(sim):
    # IC:L46-51 (the form POST), IC:L87-89 and L106-112 (the answer)
    reply = httpx.post(
        sim.url + "/api/oauth2/token",
        content="client_id=sim-client&client_secret=sim-secret&grant_type=client_credentials",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("application/json")
    body = reply.json()
    doc = json.loads(doc_lines(IC_DOC, 89, 89)[0])
    assert list(body) == list(doc) and all(same_type(body[k], doc[k]) for k in doc)
    assert body["expires_in"] == 172799 and body["token_type"] == "Bearer"
    assert body["access_token"] != body["refresh_token"]


def test_client_credentials_with_http_basic(sim):
    reply = httpx.post(
        sim.url + "/api/oauth2/token", data={"grant_type": "client_credentials"}, auth=("sim-client", "sim-secret")
    )  # beyond-the-docs A.1 (a public client)
    assert reply.status_code == 200 and reply.json()["token_type"] == "Bearer"


def test_token_endpoint_errors(sim):
    url = sim.url + "/api/oauth2/token"
    assert_oauth_error(httpx.post(url, json=CREDENTIALS), 400, "invalid_request")  # the doc says form-encoded
    assert_oauth_error(httpx.post(url, data=dict(CREDENTIALS, client_secret="wrong")), 401, "invalid_client")
    assert_oauth_error(httpx.post(url, data=dict(CREDENTIALS, grant_type="password")), 400, "unsupported_grant_type")
    assert_oauth_error(httpx.post(url, data=dict(CREDENTIALS, grant_type="refresh_token", refresh_token="nope")), 400, "invalid_grant")
    assert httpx.get(url).status_code == 405


def test_usage_examples_with_access_token_parameter(sim, ic2):
    # IC:L113-114: /rest/o?access_token=... and /rest/o/abcdef/g?access_token=...
    orgs = httpx.get(sim.url + "/rest/o", params={"access_token": ic2.token})
    assert orgs.status_code == 200
    assert_envelope(orgs.json())
    groups = httpx.get(sim.url + "/rest/o/%s/g" % ORG, params={"access_token": ic2.token})
    assert_envelope(groups.json())
    assert [g["name"] for g in groups.json()["data"]] == ["HQ", "Branches", "Staging"]


def test_error_responses(sim, ic2):
    # IC:L121-132
    assert_oauth_error(httpx.get(sim.url + "/rest/o"), 401, "unauthorized")
    assert_oauth_error(ic2.call("GET", "/rest/o", token="not-a-token"), 401, "invalid_accessor")
    assert_oauth_error(ic2.call("GET", "/rest/o/abcdef/g"), 404, "org_not_found")
    assert_oauth_error(ic2.call("GET", "/rest/o/sim-org"), 404, "org_not_found")  # the name is not the id


def test_expired_token_then_refresh(sim, ic2):
    refresh = ic2.grant()["refresh_token"]
    assert ic2.get("/rest/o")
    sim.expire_tokens("incontrol")
    assert_oauth_error(ic2.call("GET", "/rest/o"), 401, "invalid_accessor")
    renewed = ic2.grant(grant_type="refresh_token", refresh_token=refresh)  # IC:L115-118
    assert set(renewed) == {"access_token", "expires_in", "token_type", "refresh_token"}
    assert ic2.data("GET", "/rest/o", token=renewed["access_token"])[0]["id"] == ORG
    assert_oauth_error(ic2.call("GET", "/rest/o"), 401, "invalid_accessor")  # the old one stays dead


def test_token_lifetime_setting():
    world = InProcess(incontrol_token_seconds=60)
    token = world.token()
    assert token["expires_in"] == 60
    assert world.get("/rest/o", token["access_token"]).status_code == 200
    world.clock.now += 61
    assert_oauth_error(world.get("/rest/o", token["access_token"]), 401, "invalid_accessor")
    renewed = world.token(grant_type="refresh_token", refresh_token=token["refresh_token"])
    assert world.get("/rest/o", renewed["access_token"]).status_code == 200
    world.clock.now += 61 + 30 * 86400  # refresh tokens live 30 days past their access token (IC:L112)
    assert (
        world.request("POST", "/api/oauth2/token", data=dict(CREDENTIALS, grant_type="refresh_token", refresh_token=token["refresh_token"])).status_code == 400
    )


# ---- rate limit ---------------------------------------------------------------------------


def test_rate_limit_20_per_second_per_organization():
    world = InProcess()
    token = world.token()["access_token"]
    answers = [world.get("/rest/o/%s/g" % ORG, token).status_code for dummy in range(21)]
    assert answers == [200] * 20 + [429]
    refused = world.get("/rest/o/%s" % ORG, token)
    assert_oauth_error(refused, 429, "rate_limit_exceeded")
    assert "retry-after" not in refused.headers  # the doc names none
    assert world.get("/rest/o/%s/g" % LAB, token).status_code == 200  # another organization's budget
    world.clock.now += 0.5
    assert world.get("/rest/o/%s" % ORG, token).status_code == 429
    world.clock.now += 0.51
    assert world.get("/rest/o/%s" % ORG, token).status_code == 200


def test_rate_limit_over_http(sim, ic2):
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda number: ic2.call("GET", "/rest/o/%s" % ORG), range(60)))
    limited = [r for r in replies if r.status_code == 429]
    assert limited and all(r.json()["error"] == "rate_limit_exceeded" for r in limited)
    assert set(r.status_code for r in replies) == {200, 429}
    time.sleep(1.1)
    assert ic2.call("GET", "/rest/o/%s" % ORG).status_code == 200


# ---- organizations, groups, devices: models -------------------------------------------------


def test_organization_models(ic2):
    orgs = ic2.get("/rest/o")
    model = ic_model(*ORG_LIST)
    for org in orgs:
        assert_model(org, model)
    assert [(o["id"], o["name"], o["primary"]) for o in orgs] == [(ORG, "sim-org", True), (LAB, "sim-lab", False)]
    detail = ic2.get("/rest/o/%s" % ORG)
    assert_model(detail, ic_model(*ORGANIZATION))
    assert detail["name"] == "sim-org"


def test_envelope_and_caller_ref(ic2):
    body = ic2.call("GET", "/rest/o", params={"caller_ref": "4711"}).json()
    assert_envelope(body)
    assert body["caller_ref"] == 4711 and "message" not in body
    other = ic2.call("GET", "/rest/o").json()
    assert other["server_ref"] != body["server_ref"]


def test_group_models(ic2):
    groups = ic2.get("/rest/o/%s/g" % ORG)
    model = ic_model(*GROUP_LIST)
    for group in groups:
        assert_model(group, model, also_optional=("locked_devices", "outstanding_patch_devices"))
        assert "locked_devices" not in group
    counts = dict((g["name"], (g["online_device_count"], g["offline_device_count"])) for g in groups)
    assert counts == {"HQ": (1, 0), "Branches": (2, 0), "Staging": (0, 0)}
    detail = ic2.get("/rest/o/%s/g/%d" % (ORG, groups[1]["id"]), is_show_detail="true")
    assert_model(detail, ic_model(*GROUP))
    assert detail["name"] == "Branches" and detail["locked_devices"] == 0  # IC:L937
    assert ic2.get("/rest/o/%s/g" % LAB)[0]["name"] == "Lab"


def test_device_list_models(ic2, devices):
    model = ic_model(*DEVICE_LIST)
    for device in devices:  # no has_status: no status information (IC:L267)
        assert_model(device, model, also_optional=("usage", "tx", "rx", "fw_managmed"))
        assert "interfaces" not in device and "usage" not in device
    assert [d["product_name"] for d in devices] == ["Balance 20X", "MAX BR1 Pro 5G", "Balance 380"]
    assert [d["group_name"] for d in devices] == ["HQ", "Branches", "Branches"]
    assert [d["wifi_cfg"] for d in devices] == ["not_managed", "group", "group"]
    assert all(d["status"] == "online" and d["onlineStatus"] == "ONLINE" for d in devices)
    with_status = ic2.get("/rest/o/%s/d" % ORG, has_status="true")
    for device in with_status:
        assert_model(device, model, also_optional=("fw_managmed",))
    interfaces = with_status[0]["interfaces"]
    assert [(i["id"], i["name"], i["status"]) for i in interfaces] == [
        (1, "WAN 1", "Connected"),
        (2, "WAN 2", "No Cable Detected"),
        (3, "Cellular", "Connected"),
        (4, "WAN 3", "Disabled"),
    ]
    assert [i["group"] for i in interfaces] == [1, 2, 2, 0]
    assert interfaces[2]["type"] == "gobi" and interfaces[2]["sims"]["active"] is True
    assert with_status[0]["ssids"] == [{"id": 1, "ssid": "Main SSID"}, {"id": 2, "ssid": "Guest SSID"}]
    group_list = ic2.get("/rest/o/%s/g/%d/d" % (ORG, devices[1]["group_id"]), has_status="true")
    assert [d["sn"] for d in group_list] == [d["sn"] for d in devices[1:]]
    for device in group_list:
        assert_model(device, model, also_optional=("fw_managmed",))


def test_basic_device_lists(ic2, devices):
    model = ic_model(*DEVICE_BASIC)
    basic = ic2.get("/rest/o/%s/d/basic" % ORG)
    for device in basic:
        assert_model(device, model)
    assert [(d["id"], d["sn"], d["name"]) for d in basic] == [(d["id"], d["sn"], d["name"]) for d in devices]
    group = ic2.get("/rest/o/%s/g/%d/d/basic" % (ORG, devices[1]["group_id"]))
    assert [d["id"] for d in group] == [devices[1]["id"], devices[2]["id"]]
    for device in group:
        assert_model(device, model)


def test_device_detail_model(ic2, devices):
    first = devices[0]
    detail = ic2.get("/rest/o/%s/g/%d/d/%d" % (ORG, first["group_id"], first["id"]))
    sample, fields, optional, nested = ic_model(*DEVICE)
    # The detail block lacks the ssid_profiles_applied table; the list block (IC:L433-438) has it.
    assert_model(detail, (sample, fields, optional, nested | ic_model(*DEVICE_LIST)[3]))
    assert "ssids" not in detail and detail["sn"] == first["sn"] and detail["icmg_wlan"] is False
    assert [i["id"] for i in detail["interfaces"]] == [1, 2, 3, 4]
    applied = detail["ssid_profiles_applied"]
    assert [(p["id"], p["ssid"], p["icMg"], p["vlan_id"]) for p in applied] == [(1, "Main SSID", False, 0), (2, "Guest SSID", False, 20)]
    assert ic2.get("/rest/o/%s/d/%d" % (ORG, first["id"]))["sn"] == first["sn"]  # org-level detail
    wrong = ic2.call("GET", "/rest/o/%s/g/%d/d/%d" % (ORG, devices[1]["group_id"], first["id"]))
    assert wrong.status_code == 404
    assert_envelope(wrong.json(), "INVALID_INPUT")
    branch = ic2.get("/rest/o/%s/g/%d/d/%d" % (ORG, devices[1]["group_id"], devices[1]["id"]))
    assert branch["icmg_wlan"] is True and branch["ssid_profiles_applied"][0]["icMg"] is True


def test_has_status_waits_for_fresh_data():
    world = InProcess(incontrol_report_delay=1.0)
    token = world.token()["access_token"]
    path = "/rest/o/%s/d" % ORG
    assert "usage" in world.get(path, token, has_status="true").json()["data"][0]  # fresh at start
    world.clock.now += 121  # older than 2 minutes (IC:L267)
    polling = world.get(path, token, has_status="true").json()["data"][0]
    assert "usage" not in polling
    assert polling["interfaces"][0] == {"id": 1, "name": "WAN 1", "msg": "Polling from device"}  # IC:L2013-2016
    world.clock.now += 0.5
    assert world.get(path, token, has_status="true").json()["data"][0]["interfaces"][0].get("msg")
    world.clock.now += 0.6
    ready = world.get(path, token, has_status="true").json()["data"][0]
    assert ready["interfaces"][0]["status"] == "Connected" and "usage" in ready
    assert "interfaces" not in world.get(path, token, has_status="false").json()["data"][0]


# ---- writes -------------------------------------------------------------------------------


def test_group_create_update_delete(ic2, devices):
    path = "/rest/o/%s/g" % ORG
    bad = ic2.call("POST", path, json={"name": "No data wrapper"})
    assert bad.status_code == 200
    assert_envelope(bad.json(), "INVALID_INPUT")
    assert_envelope(ic2.call("POST", path, json={"data": {"name": "X", "timezone": "Mars/Base"}}).json(), "INVALID_INPUT")
    assert_envelope(ic2.call("POST", path, json={"data": {"name": "X", "colour": "red"}}).json(), "INVALID_INPUT")
    created = ic2.data("POST", path, json={"data": {"name": "Pop-up", "timezone": "Europe/Copenhagen", "country": "DK"}})
    assert_model(created, ic_model(*GROUP))
    assert (created["name"], created["timezone"], created["country"], created["online_device_count"]) == ("Pop-up", "Europe/Copenhagen", "DK", 0)
    assert [g["id"] for g in ic2.get(path)][-1] == created["id"]
    renamed = ic2.data("PUT", "%s/%d" % (path, created["id"]), json={"data": {"name": "Pop-up 2", "note": "temp"}})
    assert renamed["name"] == "Pop-up 2" and renamed["note"] == "temp" and renamed["timezone"] == "Europe/Copenhagen"
    full = ic2.call("DELETE", "%s/%d" % (path, devices[0]["group_id"]))
    assert_envelope(full.json(), "INVALID_INPUT")
    assert "HQ" in [g["name"] for g in ic2.get(path)]
    deleted = ic2.call("DELETE", "%s/%d" % (path, created["id"]))
    assert deleted.status_code == 200 and "data" not in deleted.json()
    assert_envelope(deleted.json())
    assert ic2.call("GET", "%s/%d" % (path, created["id"])).status_code == 404


def test_add_devices_moves_a_device_and_its_ssids(sim, ic2, devices):
    new = ic2.data("POST", "/rest/o/%s/g" % ORG, json={"data": {"name": "Moved"}})
    base = "/rest/o/%s/g/%d" % (ORG, new["id"])
    ic2.data(
        "POST",
        base + "/ssid_profiles",
        json={"data": {"ssid": "Moved WiFi", "security": "wpa_wpa2_personal", "wpa_passphrase": "moved-passphrase", "vlan_id": 30}},
    )
    assert_envelope(ic2.call("POST", base + "/add_devices", json={"data": {"device_ids": [999]}}).json(), "INVALID_INPUT")
    moved = ic2.data("POST", base + "/add_devices", json={"data": {"device_ids": [devices[1]["id"]]}})
    assert moved["id"] == new["id"] and moved["online_device_count"] == 1
    listed = dict((d["id"], d["group_name"]) for d in ic2.get("/rest/o/%s/d" % ORG))
    assert listed[devices[1]["id"]] == "Moved" and listed[devices[2]["id"]] == "Branches"
    branch = RouterApi(sim.url, devices[1]["sn"])
    try:
        branch.login()
        profiles = branch.ok("get", "config.ssid.profile")
        assert profiles["order"] == [1]
        assert profiles["1"]["name"] == "Moved WiFi" and profiles["1"]["vlanId"] == 30
        assert profiles["1"]["security"] == {"policy": "WPA/WPA2 Personal", "wpaWpa2Personal": {"key": "moved-passphrase"}}
    finally:
        branch.close()


def test_group_ssid_profile_change_reaches_the_routers(sim, ic2, devices):
    group_id = devices[1]["group_id"]
    base = "/rest/o/%s/g/%d/ssid_profiles" % (ORG, group_id)
    profiles = ic2.get(base)
    assert [p["ssid"] for p in profiles] == ["Branch WiFi"]
    profile_id = profiles[0]["id"]
    for body in (
        {"wpa_passphrase": "short"},
        {"colour": "red"},
        {"security": "wep"},
        {"vlan_id": 5000},
        {"security": "wpa_wpa2_personal", "fast_transition": True},
        {"ssid": "x" * 33},
    ):
        reply = ic2.call("PUT", "%s/%d" % (base, profile_id), json={"data": body})
        assert_envelope(reply.json(), "INVALID_INPUT")
    changed = ic2.data(
        "PUT", "%s/%d" % (base, profile_id), json={"data": {"ssid": "Branch Staff", "wpa_passphrase": "staff-passphrase", "fast_transition": True}}
    )
    assert changed["ssid"] == "Branch Staff" and changed["fast_transition"] is True
    branch = RouterApi(sim.url, devices[1]["sn"])
    try:
        branch.login()
        profile = branch.ok("get", "config.ssid.profile")["1"]
        assert profile["name"] == "Branch Staff" and profile["incontrolManaged"] is True
        assert profile["security"]["wpa2Personal"] == {"fastTransition": True, "key": "staff-passphrase"}
        detail = ic2.get("/rest/o/%s/g/%d/d/%d" % (ORG, group_id, devices[1]["id"]))
        assert [(p["id"], p["ssid"], p["icMg"], p["wpa_passphrase"]) for p in detail["ssid_profiles_applied"]] == [
            (profile_id, "Branch Staff", True, "staff-passphrase")
        ]
        deleted = ic2.call("DELETE", "%s/%d" % (base, profile_id))
        assert_envelope(deleted.json())
        assert branch.ok("get", "config.ssid.profile") == {"order": []}
        assert ic2.call("GET", "%s/%d" % (base, profile_id)).status_code == 404
    finally:
        branch.close()
    no_wifi = ic2.get("/rest/o/%s/g/%d/d/%d" % (ORG, group_id, devices[2]["id"]))
    assert no_wifi["ssid_profiles_applied"] == []  # a Balance 380 has no radio


def test_router_changes_show_in_incontrol(ic2, devices, router):
    detail_path = "/rest/o/%s/g/%d/d/%d" % (ORG, devices[0]["group_id"], devices[0]["id"])
    router.ok(
        "post", "config.wan.connection.priority", {"instantActive": True, "list": [{"connId": 1, "priority": 2}, {"connId": 4, "enable": True, "priority": 1}]}
    )
    interfaces = dict((i["id"], i) for i in ic2.get(detail_path)["interfaces"])
    assert (interfaces[1]["group"], interfaces[4]["group"], interfaces[4]["status"]) == (2, 1, "Connected")
    router.ok("post", "config.ssid.profile", {"action": "update", "id": 1, "name": "Renamed"})
    assert ic2.get(detail_path)["ssid_profiles_applied"][0]["ssid"] == "Main SSID"  # pending on the router
    router.ok("post", "cmd.config.apply")
    assert ic2.get(detail_path)["ssid_profiles_applied"][0]["ssid"] == "Renamed"


def test_devapi_proxy(ic2, devices, router):
    base = "/rest/o/%s/g/%d/d/%d/devapi/" % (ORG, devices[0]["group_id"], devices[0]["id"])
    reply = ic2.call("GET", base + "status.wan.connection", params={"id": "1 2"})
    assert_envelope(reply.json())
    data = reply.json()["data"]
    assert data["stat"] == "ok" and data["response"]["order"] == [1, 2]  # beyond-the-docs A.9
    sent = ic2.call(
        "POST",
        base + "config.wan.connection.priority",
        headers={"Content-Type": "text/plain"},
        content=json.dumps({"instantActive": True, "list": [{"connId": 3, "priority": 1}]}),
    )
    assert sent.json()["data"]["response"]["3"]["priority"] == 1
    assert router.ok("get", "status.wan.connection", id="3")["3"]["priority"] == 1
    refused = ic2.data("POST", base + "config.wan.connection.priority", json={"list": [{"connId": 9}]})
    assert_fail(refused, 400)  # the router's own failure, inside a SUCCESS envelope
    assert_envelope(ic2.call("POST", base + "login", json={}).json(), "INVALID_INPUT")


def test_reboot_through_incontrol(sim, ic2, devices, router):
    path = "/rest/o/%s/g/%d/d/%d" % (ORG, devices[0]["group_id"], devices[0]["id"])
    assert ic2.get(path)["uptime"] > 3600
    reply = ic2.call("POST", path + "/tools/reboot")
    assert reply.status_code == 200 and "data" not in reply.json()
    assert_envelope(reply.json())
    with pytest.raises(httpx.TransportError):
        router.http.get("/api/status.wan.connection")
    offline = ic2.get(path)
    assert offline["status"] == "offline" and offline["onlineStatus"] == "OFFLINE" and offline["uptime"] == 0
    assert offline["interfaces"][0]["status"] == "Disconnected" and offline["interfaces"][0]["last_status"] == "Connected"
    devapi = ic2.call("GET", path + "/devapi/status.wan.connection").json()
    assert_envelope(devapi, "INTERNAL_ERROR")
    groups = dict((g["name"], g) for g in ic2.get("/rest/o/%s/g" % ORG))
    assert groups["HQ"]["offline_device_count"] == 1
    time.sleep(REBOOT_SECONDS + 0.3)
    back = ic2.get(path)
    assert back["status"] == "online" and back["uptime"] < 10
    router.login()
    assert router.ok("get", "status.wan.connection", id="1")["1"]["uptime"] < 10


# ---- scale --------------------------------------------------------------------------------


def test_ten_thousand_devices_in_seconds():
    started = time.time()
    world = InProcess(size=10000)
    built = time.time() - started
    token = world.token()["access_token"]
    started = time.time()
    reply = world.get("/rest/o/%s/d" % ORG, token, has_status="true")
    listed = time.time() - started
    devices = reply.json()["data"]
    assert len(devices) == 10000 and len(set(d["sn"] for d in devices)) == 10000
    assert len(world.world.peplink.routers) == 10000
    groups = world.get("/rest/o/%s/g" % ORG, token).json()["data"]
    assert sum(g["online_device_count"] for g in groups) == 10000 and len(groups) > 30
    assert built < 20 and listed < 30, (built, listed)
