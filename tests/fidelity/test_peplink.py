"""Fidelity of the Peplink router simulator (tests/simulator/peplink.py) to the router doc.

Each documented request is replayed against a simulator process and its answer is
compared with the doc's own example, read from the doc file by line (`R:L<a>-<b>` is
shared/docs/api/peplink-router-api.txt): the same keys, the same JSON types. Then the
rules: sessions and permissions, key lengths, pending config, reboot.

The seed's first router is a Balance 20X in InControl group "HQ" whose SSIDs are
managed locally; the second (MAX BR1 Pro 5G, group "Branches") gets its SSIDs from
InControl; the third (Balance 380) has no Wi-Fi.
"""

from __future__ import annotations

import json
import os
import time

import httpx
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCS = os.path.join(os.path.dirname(ROOT), "shared", "docs", "api")
ROUTER_DOC = os.path.join(DOCS, "peplink-router-api.txt")

REBOOT_SECONDS = 1.5
SIM_SETTINGS = {"reboot_seconds": REBOOT_SECONDS, "peplink_max_sessions": 4}


# ---- helpers (test_incontrol.py uses them too) ----------------------------------------


def doc_lines(path, first, last):
    if not os.path.exists(path):
        pytest.skip("vendor document not found: %s" % path)
    with open(path, encoding="utf-8") as handle:
        return handle.read().split("\n")[first - 1 : last]


def doc_json(first, last, path=ROUTER_DOC):
    """The JSON example at lines first..last of a vendor document."""
    return json.loads("\n".join(doc_lines(path, first, last)))


def same_type(ours, doc):
    if isinstance(doc, bool):
        return isinstance(ours, bool)
    if isinstance(doc, float):  # the doc's "number"
        return isinstance(ours, (int, float)) and not isinstance(ours, bool)
    if isinstance(doc, int):
        return isinstance(ours, int) and not isinstance(ours, bool)
    return isinstance(ours, type(doc))


def assert_like(ours, doc, where="response", skip=()):
    """`ours` has the doc example's keys (less `skip`) with the same JSON types, recursively."""
    assert same_type(ours, doc), "%s: %r is not like the doc's %r" % (where, ours, doc)
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in skip:
                continue
            assert key in ours, "%s: key %r missing (the doc has it)" % (where, key)
            assert_like(ours[key], value, "%s.%s" % (where, key), skip)
    elif isinstance(doc, list) and doc and ours:
        for number, item in enumerate(ours):
            assert_like(item, doc[0], "%s[%d]" % (where, number), skip)


class RouterApi(object):
    """One router's local API over HTTP, with its own cookie jar."""

    def __init__(self, base_url, serial):
        self.serial = serial
        self.http = httpx.Client(base_url="%s/peplink/%s" % (base_url, serial), timeout=10)

    def close(self):
        self.http.close()

    def login(self, username="admin", password=None):
        body = self.post("login", {"username": username, "password": username if password is None else password})
        assert body["stat"] == "ok", body
        return body

    def get(self, name, **params):
        reply = self.http.get("/api/" + name, params=params)
        assert reply.status_code == 200, reply.text  # the router answers HTTP 200, stat ok or fail
        return reply.json()

    def post(self, name, body=None, **params):
        reply = self.http.post("/api/" + name, json={} if body is None else body, params=params)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def ok(self, method, name, *args, **params):
        body = getattr(self, method)(name, *args, **params)
        assert body["stat"] == "ok", body
        return body.get("response")


def assert_fail(body, code):
    assert body["stat"] == "fail", body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"], body
    assert set(body) == {"stat", "code", "message"}  # R:L162-168


# ---- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def sim(reset_simulator):
    return reset_simulator


@pytest.fixture
def serials(sim):
    return list(sim.state()["peplink"]["routers"])


@pytest.fixture
def router(sim, serials):
    """Router 1 (Balance 20X, local SSIDs), not logged in."""
    api = RouterApi(sim.url, serials[0])
    yield api
    api.close()


@pytest.fixture
def admin(router):
    router.login("admin")
    return router


@pytest.fixture
def viewer(sim, serials):
    api = RouterApi(sim.url, serials[0])
    api.login("viewer")
    yield api
    api.close()


# ---- login, logout, permissions -----------------------------------------------------------


def test_login_example_and_cookie(router):
    reply = router.http.post("/api/login", json={"username": "admin", "password": "admin"})
    assert reply.json() == doc_json(277, 285)  # R:L277-285: permission GET 1, POST 1
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith("bauth=")  # R:L19: the session id is in the cookie "bauth"
    assert "Path=/peplink/%s/" % router.serial in cookie
    assert router.ok("get", "status.lan.profile")["order"] == [0, 1]


def test_viewer_login_has_get_permission_only(router):
    assert router.login("viewer")["response"] == {"permission": {"GET": 1, "POST": 0}}  # R:L241-242


def test_wrong_password_and_no_session(router):
    assert_fail(router.post("login", {"username": "admin", "password": "nope"}), 401)
    assert_fail(router.post("login", {"username": "admin"}), 400)
    assert_fail(router.get("status.wan.connection"), 401)
    assert_fail(router.post("cmd.config.apply"), 401)


def test_logout_example_ends_the_session(admin):
    assert admin.post("logout") == doc_json(301, 303)  # R:L299-303
    assert_fail(admin.get("status.wan.connection"), 401)
    assert_fail(admin.post("logout"), 401)


def test_cookie_of_one_router_does_not_open_another(sim, serials, admin):
    session = admin.http.cookies.get("bauth")
    other = httpx.get("%s/peplink/%s/api/status.wan.connection" % (sim.url, serials[1]), cookies={"bauth": session})
    assert_fail(other.json(), 401)


def test_sessions_are_limited_until_one_logs_out(sim, serials):
    clients = [RouterApi(sim.url, serials[0]) for dummy in range(5)]
    try:
        for api in clients[:4]:
            api.login("admin")
        assert_fail(clients[4].post("login", {"username": "admin", "password": "admin"}), 429)
        assert clients[0].ok("post", "logout") is None
        clients[4].login("viewer")
    finally:
        for api in clients:
            api.close()


def test_read_only_user_cannot_write(viewer, admin):
    before = admin.ok("get", "config.ssid.profile")
    assert_fail(viewer.post("config.ssid.profile", {"action": "update", "id": 1, "name": "Hacked"}), 403)
    assert_fail(viewer.post("config.wan.connection.priority", {"instantActive": True, "list": [{"connId": 1, "priority": 2}]}), 403)
    for name in ("cmd.config.apply", "cmd.config.discard", "cmd.system.reboot"):
        assert_fail(viewer.post(name), 403)
    assert_fail(viewer.post("cmd.ap", {"enable": False}), 403)
    assert_fail(viewer.get("auth.client"), 403)
    assert admin.ok("get", "config.ssid.profile") == before
    assert viewer.ok("get", "config.ssid.profile") == before  # reading is allowed


def test_unknown_api_and_wrong_method(admin):
    assert_fail(admin.get("status.nothing"), 404)
    assert_fail(admin.get("config.wan.connection.priority"), 405)  # POST only (R:L221)


# ---- clients and tokens -------------------------------------------------------------------


def test_auth_client_examples(admin):
    created = admin.post("auth.client", {"action": "add", "name": "Client 2", "scope": "api"})  # R:L398-399
    assert_like(created, doc_json(401, 411))
    assert created["response"]["name"] == "Client 2" and created["response"]["scope"] == "api"
    assert len(created["response"]["clientId"]) == 32 and created["response"]["confidential"] is False
    listed = admin.get("auth.client")
    assert_like(listed, doc_json(338, 350))
    assert [c["clientId"] for c in listed["response"]] == [created["response"]["clientId"]]
    removed = admin.post("auth.client", {"action": "remove", "clientId": created["response"]["clientId"]})
    assert removed == doc_json(432, 434)
    assert admin.ok("get", "auth.client") == []
    assert_fail(admin.post("auth.client", {"name": "No action", "scope": "api"}), 400)  # action is required
    assert_fail(admin.post("auth.client", {"action": "add", "name": "x", "scope": "root"}), 400)


def test_token_grant_example_and_access_token(sim, admin):
    client = admin.ok("post", "auth.client", {"action": "add", "name": "Client 2", "scope": "api"})
    anonymous = RouterApi(sim.url, admin.serial)
    try:
        grant = anonymous.post("auth.token.grant", {"clientId": client["clientId"], "clientSecret": client["clientSecret"], "scope": "api"})
        assert_like(grant, doc_json(539, 547))  # R:L535-547
        token = grant["response"]
        assert token["authorizationType"] == 3 and token["scope"] == "api" and token["expiresIn"] == 172800
        # R:L76-79: the token as a GET parameter
        assert anonymous.ok("get", "status.wan.connection", accessToken=token["accessToken"])["order"]
        assert anonymous.ok("post", "cmd.config.apply", accessToken=token["accessToken"]) is None
        # Admin permission only comes from an admin login (R:L34)
        assert_fail(anonymous.get("auth.client", accessToken=token["accessToken"]), 403)
        tokens = admin.get("auth.client.token", clientId=client["clientId"])
        assert_like(tokens, doc_json(479, 491))
        assert [t["accessToken"] for t in tokens["response"]] == [token["accessToken"]]
        # self revoke (R:L553), then the token is dead
        assert anonymous.post("auth.token.revoke", {"accessToken": token["accessToken"]}, accessToken=token["accessToken"]) == doc_json(568, 570)
        assert_fail(anonymous.get("status.wan.connection", accessToken=token["accessToken"]), 401)
        assert_fail(anonymous.post("auth.token.grant", {"clientId": client["clientId"], "clientSecret": "x" * 32}), 401)
    finally:
        anonymous.close()


def test_read_only_token_cannot_write(sim, admin):
    client = admin.ok("post", "auth.client", {"action": "add", "name": "ro", "scope": "api.read-only"})
    anonymous = RouterApi(sim.url, admin.serial)
    try:
        secret = {"clientId": client["clientId"], "clientSecret": client["clientSecret"]}
        assert_fail(anonymous.post("auth.token.grant", dict(secret, scope="api")), 403)
        token = anonymous.ok("post", "auth.token.grant", secret)
        assert token["scope"] == "api.read-only"
        assert anonymous.ok("get", "config.ssid.profile", accessToken=token["accessToken"])["order"] == [1, 2]
        assert_fail(anonymous.post("config.ssid.profile", {"action": "update", "id": 1, "enable": False}, accessToken=token["accessToken"]), 403)
    finally:
        anonymous.close()


def test_expired_tokens_and_sessions_fail_401(sim, admin):
    sim.expire_tokens("peplink")
    assert_fail(admin.get("status.wan.connection"), 401)
    admin.login()
    assert admin.ok("get", "status.wan.connection")["order"] == [1, 2, 3, 4]


# ---- SSID profiles -------------------------------------------------------------------------


def test_ssid_profile_get_example(admin):
    doc = doc_json(1218, 1255)  # R:L1216: ?id=1 2
    body = admin.get("config.ssid.profile", id="1 2")
    assert_like(body, doc, skip=("vlanId", "wpa2Personal"))  # our profile 2 is WPA/WPA2 Personal
    profiles = body["response"]
    assert_like(profiles["1"]["security"]["wpa2Personal"], doc["response"]["1"]["security"]["wpa2Personal"])
    assert profiles["order"] == [1, 2] and set(profiles) == {"1", "2", "order"}
    assert "vlanId" not in profiles["1"] and profiles["2"]["vlanId"] == 20  # absent on the LAN (R:L1178)
    assert profiles["1"]["security"]["policy"] == "WPA2 Personal"
    assert set(profiles["2"]["security"]) == {"policy", "wpaWpa2Personal"}
    assert "fastTransition" not in profiles["2"]["security"]["wpaWpa2Personal"]  # R:L1208-1209
    assert admin.ok("get", "config.ssid.profile", id="2")["order"] == [2]
    assert_fail(admin.get("config.ssid.profile", id="9"), 400)


def test_ssid_profile_update_example_is_pending_until_apply(sim, admin):
    request = {"action": "update", "id": "1", "enable": True, "security": {"wpa2Personal": {"key": "thisIsNewPassword"}}}
    body = admin.post("config.ssid.profile", request)  # R:L1364-1366, id sent as a string
    assert_like(body, doc_json(1368, 1389))
    assert set(body["response"]) == {"1", "order"} and body["response"]["order"] == [1]
    assert body["response"]["1"]["security"]["wpa2Personal"]["key"] == "thisIsNewPassword"
    assert admin.ok("get", "config.ssid.profile", id="1")["1"]["security"]["wpa2Personal"]["key"] == "thisIsNewPassword"
    state = sim.state()["peplink"]["routers"][admin.serial]
    assert state["pending"] is True and state["running"]["ssid"]["1"]["key"] != "thisIsNewPassword"
    assert admin.post("cmd.config.apply") == doc_json(595, 597)
    state = sim.state()["peplink"]["routers"][admin.serial]
    assert state["pending"] is False and state["running"]["ssid"]["1"]["key"] == "thisIsNewPassword"


@pytest.mark.parametrize(
    "key, good",
    [
        ("a" * 7, False),
        ("a" * 8, True),
        ("a" * 63, True),
        ("a" * 64, True),
        ("g" * 64, False),
        ("0123456789abcdefABCDEF" * 2 + "0" * 20, True),
        ("a" * 65, False),
        (12345678, False),
    ],
)
def test_ssid_key_length_rule(admin, key, good):
    # R:L1306-1307 "The length must between 8 and 63 or HEX in 64"
    body = admin.post("config.ssid.profile", {"action": "update", "id": 1, "security": {"wpa2Personal": {"key": key}}})
    if good:
        assert body["stat"] == "ok" and body["response"]["1"]["security"]["wpa2Personal"]["key"] == key
    else:
        assert_fail(body, 400)
        assert admin.ok("get", "config.ssid.profile", id="1")["1"]["security"]["wpa2Personal"]["key"] != key


def test_ssid_update_rules(admin):
    def update(**fields):
        return admin.post("config.ssid.profile", dict({"action": "update", "id": 2}, **fields))

    assert_fail(admin.post("config.ssid.profile", {"action": "add", "id": 3, "name": "New"}), 400)  # update only
    assert_fail(admin.post("config.ssid.profile", {"action": "update", "name": "No id"}), 400)
    assert_fail(update(id=7), 400)
    assert_fail(update(captivePortal=True), 400)  # cannot be set
    assert_fail(update(enable="yes"), 400)
    assert_fail(update(security={"policy": "WEP"}), 400)
    # R:L1302-1303: fastTransition "cannot be set in WPA/WPA2 Personal"
    assert_fail(update(security={"wpaWpa2Personal": {"fastTransition": True}}), 400)
    changed = update(name="Visitors", broadcast=False, vlanId=0, security={"policy": "WPA2 Personal", "wpa2Personal": {"fastTransition": True}})
    profile = changed["response"]["2"]
    assert profile["name"] == "Visitors" and profile["broadcast"] is False and "vlanId" not in profile
    assert profile["security"] == {"policy": "WPA2 Personal", "wpa2Personal": {"fastTransition": True, "key": profile["security"]["wpa2Personal"]["key"]}}
    assert profile["enable"] is True  # "Only given information will be affect" (R:L1264)


def test_incontrol_managed_profile_is_read_only_here(sim, serials):
    branch = RouterApi(sim.url, serials[1])
    try:
        branch.login()
        profiles = branch.ok("get", "config.ssid.profile")
        assert profiles["order"] == [1] and profiles["1"]["incontrolManaged"] is True
        assert profiles["1"]["name"] == "Branch WiFi"
        assert_fail(branch.post("config.ssid.profile", {"action": "update", "id": 1, "enable": False}), 403)
    finally:
        branch.close()


# ---- WAN ----------------------------------------------------------------------------------


def test_wan_priority_example_instant(admin):
    body = admin.post(
        "config.wan.connection.priority", {"instantActive": True, "list": [{"connId": 1, "priority": 1}, {"connId": 2, "priority": 2}]}
    )  # R:L1446-1447
    assert body == {
        "stat": "ok",
        "response": {"1": {"name": "WAN 1", "priority": 1, "enable": True}, "2": {"name": "WAN 2", "priority": 2, "enable": True}, "order": [1, 2]},
    }
    assert_like(body, doc_json(1450, 1468))
    moved = admin.post("config.wan.connection.priority", {"instantActive": True, "list": [{"connId": 3, "priority": 1}]})
    assert moved["response"] == {"3": {"name": "Cellular", "priority": 1, "enable": True}, "order": [3]}
    assert admin.ok("get", "status.wan.connection", id="3")["3"]["priority"] == 1
    assert admin.ok("get", "status.wan.connection", id="1")["1"]["priority"] == 1


def test_wan_priority_pending_apply_and_discard(sim, admin):
    def priorities():
        status = admin.ok("get", "status.wan.connection")
        return dict((c, status[str(c)].get("priority")) for c in status["order"])

    before = priorities()
    assert before == {1: 1, 2: 2, 3: 2, 4: None}  # WAN 3 is disabled: no priority (R:L2101)
    saved = admin.ok("post", "config.wan.connection.priority", {"list": [{"connId": 1, "priority": 3}]})
    assert saved["1"]["priority"] == 3  # the answer shows the saved config
    assert priorities() == before  # pending (R:L1403-1405): the running state has not changed
    assert sim.state()["peplink"]["routers"][admin.serial]["pending"] is True
    assert admin.post("cmd.config.discard") == doc_json(612, 614)
    assert sim.state()["peplink"]["routers"][admin.serial]["pending"] is False
    admin.ok("post", "cmd.config.apply")
    assert priorities() == before  # discarded, so nothing to apply
    admin.ok(
        "post",
        "config.wan.connection.priority",
        {"instantActive": "false", "list": [{"connId": 1, "priority": 2}, {"connId": 4, "enable": True, "priority": 1}]},
    )
    assert priorities() == before
    admin.ok("post", "cmd.config.apply")
    assert priorities() == {1: 2, 2: 2, 3: 2, 4: 1}


def test_wan_priority_rules(admin):
    def send(*items, **extra):
        return admin.post("config.wan.connection.priority", dict({"instantActive": True, "list": list(items)}, **extra))

    assert_fail(send({"priority": 1}), 400)  # connId is required
    assert_fail(send({"connId": 9, "priority": 1}), 400)
    assert_fail(send({"connId": 1, "priority": 0}), 400)
    assert_fail(send({"connId": 1, "priority": 5}), 400)
    assert_fail(send({"connId": 1, "enable": "false"}), 400)
    assert_fail(send({"connId": 1, "priority": 2}, {"connId": 2, "priority": "x"}), 400)
    assert admin.ok("get", "status.wan.connection", id="1")["1"]["priority"] == 1  # nothing applied
    disabled = send({"connId": 1, "enable": False})["response"]["1"]
    assert disabled == {"name": "WAN 1", "priority": 1, "enable": False}
    wan = admin.ok("get", "status.wan.connection", id="1")["1"]
    assert wan["enable"] is False and "priority" not in wan and "ip" not in wan and wan["message"] == "Disabled"


def test_status_wan_connection_example(admin):
    doc = doc_json(2345, 2391)  # R:L2343: ?id=1 2
    body = admin.get("status.wan.connection", id="1 2")
    assert set(body["response"]) == {"1", "2", "order"} and body["response"]["order"] == [1, 2]
    up, down = body["response"]["1"], body["response"]["2"]
    assert_like(up, doc["response"]["1"], skip=("mtu",))  # mtu is absent when auto (R:L2125)
    assert_like(down, doc["response"]["2"], skip=("mtu",))
    assert up["message"] == "Connected" and up["statusLed"] == "green" and up["type"] == "ethernet"
    assert down["message"] == "No Cable Detected" and "ip" not in down and "mask" not in down  # like R:L2372-2385
    for key in ("locked", "groupSet", "mac"):
        assert key in up  # in the model table (R:L2073, L2108, L2129) though not in the example
    cellular = admin.ok("get", "status.wan.connection", id="3")["3"]
    assert cellular["type"] == cellular["virtualType"] == "cellular"  # fw 8.0.1+ (R:L2087-2089)
    assert "gobi" not in cellular and set(cellular["cellular"]["sim"]["order"]) == {1, 2}
    assert cellular["cellular"]["carrier"]["country"]
    lite = admin.ok("get", "status.wan.connection", id="1 3", lite="yes")
    for key in ("mask", "gateway", "method", "mode", "dns", "mac", "additionalIp"):
        assert key not in lite["1"], key
    assert "ip" in lite["1"] and "imei" not in lite["3"]["cellular"] and "country" not in lite["3"]["cellular"]["carrier"]
    assert_fail(admin.get("status.wan.connection", lite="maybe"), 400)


def test_allowance_example(admin):
    doc = doc_json(2462, 2479)  # R:L2460 (connId=1 there is a cellular WAN; ours is 3)
    body = admin.ok("get", "status.wan.connection.allowance", connId="3")
    assert body["order"] == [3]
    sim_allowance = body["3"]
    assert_like(sim_allowance["1"], doc["response"]["1"]["1"])
    assert sim_allowance["order"] == [1]  # the model table's per-SIM order (R:L2441)
    everything = admin.ok("get", "status.wan.connection.allowance")  # fw 8.0.1: all WANs
    assert everything["order"] == [1, 2, 3, 4]
    assert_like(everything["1"], doc["response"]["1"]["1"])  # non-cellular: Allowance_Obj directly
    assert 0 <= everything["1"]["percent"] <= 100 and everything["1"]["unit"] == "MB"


# ---- info, LAN, AP ------------------------------------------------------------------------


def test_info_firmware_example_and_before_login(router):
    doc = doc_json(1505, 1523)
    before = router.ok("get", "info.firmware")  # R:L1474: only the firmware in use before login
    assert len(before["order"]) == 1 and before[str(before["order"][0])]["inUse"] is True
    router.login()
    body = router.get("info.firmware")
    assert_like(body, doc)
    firmware = body["response"]
    assert firmware["order"] == [1, 2] and [firmware[k]["inUse"] for k in ("1", "2")] == [False, True]


def test_lan_profile_example(admin):
    body = admin.get("status.lan.profile")
    assert_like(body, doc_json(1568, 1586))
    assert set(body["response"]["0"]) == {"ip", "mask"}  # the untagged LAN: no name, no vlanId
    assert 1 <= body["response"]["1"]["vlanId"] <= 4094


def test_cmd_ap_examples(sim, serials, admin):
    assert_like(admin.get("cmd.ap"), doc_json(697, 704))
    switched = admin.post("cmd.ap", {"enable": False})
    assert_like(switched, doc_json(746, 753))
    assert switched["response"]["enable"] is False and admin.ok("get", "cmd.ap")["enable"] is False
    assert_fail(admin.post("cmd.ap", {}), 400)  # enable is required
    no_wifi = RouterApi(sim.url, serials[2])
    try:
        no_wifi.login()
        assert no_wifi.ok("get", "cmd.ap") == {"support": False}  # R:L682-684
        assert no_wifi.ok("get", "config.ssid.profile") == {"order": []}
    finally:
        no_wifi.close()


# ---- reboot -------------------------------------------------------------------------------


def test_reboot_makes_the_router_unreachable_then_back_with_uptime_reset(sim, admin):
    uptime = admin.ok("get", "status.wan.connection", id="1")["1"]["uptime"]
    assert uptime > 3600
    admin.ok("post", "config.wan.connection.priority", {"list": [{"connId": 1, "priority": 3}]})  # pending
    assert admin.post("cmd.system.reboot") == doc_json(666, 668)
    with pytest.raises(httpx.TransportError):
        admin.http.get("/api/info.firmware")
    assert sim.state()["peplink"]["routers"][admin.serial]["online"] is False
    deadline = time.time() + REBOOT_SECONDS + 10
    while True:
        try:
            answer = admin.http.get("/api/info.firmware")
            break
        except httpx.TransportError:
            assert time.time() < deadline, "the router did not come back"
            time.sleep(0.2)
    assert answer.json()["stat"] == "ok"
    assert_fail(admin.get("status.wan.connection"), 401)  # the sessions died with the reboot
    admin.login()
    wan = admin.ok("get", "status.wan.connection", id="1")["1"]
    assert wan["uptime"] < 10
    assert wan["priority"] == 3  # it booted the saved config


def test_reboot_into_the_other_firmware(sim, admin):
    assert_fail(admin.post("cmd.system.reboot", {"firmwareId": 7}), 400)
    admin.ok("post", "cmd.system.reboot", {"firmwareId": 1})
    time.sleep(REBOOT_SECONDS + 0.3)
    admin.login()
    firmware = admin.ok("get", "info.firmware")
    assert firmware["1"]["inUse"] is True and firmware["2"]["inUse"] is False
    assert sim.state()["peplink"]["routers"][admin.serial]["firmware"] == firmware["1"]["version"]
