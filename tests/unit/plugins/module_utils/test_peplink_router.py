# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PeplinkRouterClient against a mocked router (respx): auth, envelope, errors, retries, redaction, reads."""

from __future__ import annotations

import json
import os
import stat
import types

import httpx
import pytest
import respx

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    MASK,
    AmbiguousError,
    ApiError,
    AuthError,
    InputError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    TransportError,
    UnsupportedError,
    ValidationError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.models import Device
from ansible_collections.wanfleet.routers.plugins.module_utils.peplink_router import (
    PeplinkRouterClient,
    SsidProfileResource,
    WanPriorityResource,
    router_identity,
    ssid_update_body,
    unwrap_router_reply,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import ensure
from ansible_collections.wanfleet.routers.plugins.module_utils.token_cache import TokenCache

HOST = "https://sim.test"
BASE = HOST + "/peplink/1824-ABCD-0001"
PASSWORD = "pw-Sup3rSecret"
CLIENT_SECRET = "cs-0396c250111dcaef"
TOKEN = "tok-43c65216eb16d779"
TOKEN_2 = "tok-99aa88bb77cc66dd"
SESSION = "sess-1f2e3d4c5b6a"
SESSION_2 = "sess-a6b5c4d3e2f1"

LOGIN_SETTINGS = {"url": BASE, "username": "admin", "password": PASSWORD, "auth": ("username", "password")}
TOKEN_SETTINGS = {"url": BASE, "client_id": "cid-0396c250", "client_secret": CLIENT_SECRET, "auth": ("client_id", "client_secret")}

# Replies copied from the vendor document's examples (peplink-router-api.txt).
WAN_REPLY = {
    "order": [1, 2, 3],
    "1": {"name": "WAN 1", "enable": True, "message": "Connected", "type": "ethernet", "priority": 1, "ip": "10.0.1.2", "uptime": 3600},
    "2": {
        "name": "Cellular 1",
        "enable": True,
        "message": "Connected",
        "type": "gobi",
        "priority": 2,
        "ip": "100.64.0.9",
        "uptime": 120,
        "cellular": {"sim": {"order": [1], "1": {"apn": "internet", "password": "sim-pw-123456"}}},
    },
    "3": {"name": "WAN 2", "enable": False, "message": "No Cable Detected", "type": "ethernet"},
}
SSID_REPLY = {
    "1": {
        "name": "Main SSID",
        "enable": True,
        "captivePortal": True,
        "incontrolManaged": False,
        "broadcast": True,
        "security": {"policy": "WPA2 Personal", "wpa2Personal": {"fastTransition": True, "key": "pas53or2-main"}},
    },
    "2": {
        "name": "Guest SSID",
        "enable": False,
        "captivePortal": False,
        "incontrolManaged": True,
        "broadcast": False,
        "vlanId": 20,
        "security": {"policy": "WPA/WPA2 Personal", "wpaWpa2Personal": {"key": "guest-key-2"}},
    },
    "order": [1, 2],
}
FIRMWARE_REPLY = {
    "1": {"version": "7.0.3 build 2765", "bootable": True, "inUse": False},
    "2": {"version": "8.1.1 build 5190", "bootable": True, "inUse": True},
    "order": [1, 2],
}


def one_ssid_profile(client, profile_id):
    """One SSID profile as client.ssid_profiles() gives it, or None when the router has no such id."""
    try:
        profiles = client.ssid_profiles([profile_id])
    except NotFoundError:
        return None
    return next((item for item in profiles if str(item["id"]) == str(profile_id)), None)


def ok(response=None, **extra):
    body = {"stat": "ok"}
    if response is not None:
        body["response"] = response
    body.update(extra)
    return httpx.Response(200, json=body)


def fail(code, message, status=200):
    return httpx.Response(status, json={"stat": "fail", "code": code, "message": message})


def login_ok(session=SESSION, permission=None, cookie_name="bauth"):
    return httpx.Response(
        200,
        json={"stat": "ok", "response": {"permission": permission or {"GET": 1, "POST": 1}}},
        headers={"Set-Cookie": "%s=%s; Path=/; HttpOnly; Secure" % (cookie_name, session)},
    )


def grant_ok(token=TOKEN, scope="api", expires_in=172800):
    return ok({"accessToken": token, "authorizationType": 3, "scope": scope, "expiresIn": expires_in})


def body_of(call):
    return json.loads(call.request.content)


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def router():
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        yield mock


def make(session, sleeps, settings=None, **kwargs):
    kwargs.setdefault("token_cache", TokenCache(enabled=False))
    return PeplinkRouterClient(dict(settings or LOGIN_SETTINGS), session, sleep=sleeps.append, **kwargs)


# ---- login (cookie) ------------------------------------------------------------------------------


def test_login_sends_its_cookie_explicitly_and_close_logs_out(router, session, sleeps):
    login = router.post("/api/login").mock(return_value=login_ok())
    wan = router.get("/api/status.wan.connection").mock(return_value=ok(WAN_REPLY))
    logout = router.post("/api/logout").mock(return_value=ok())
    client = make(session, sleeps)

    client.wan_connections()
    client.wan_connections()

    assert login.call_count == 1
    assert body_of(login.calls[0]) == {"username": "admin", "password": PASSWORD, "challenge": "challenge"}
    assert [call.request.headers["cookie"] for call in wan.calls] == ["bauth=" + SESSION] * 2
    assert "accessToken" not in str(wan.calls[0].request.url)
    # The shared client's jar keeps no copy that could ride along to another router.
    assert not [cookie for cookie in session.client.cookies.jar if cookie.value == SESSION]
    assert client.permission == {"GET": 1, "POST": 1}

    client.close()
    assert logout.call_count == 1
    assert logout.calls[0].request.headers["cookie"] == "bauth=" + SESSION
    client.close()  # a second close sends nothing
    assert logout.call_count == 1


def test_two_routers_on_one_session_each_send_their_own_cookie(session, sleeps):
    other = HOST + "/peplink/1824-ABCD-0002"
    with respx.mock(assert_all_called=False) as mock:
        mock.post(BASE + "/api/login").mock(return_value=login_ok(SESSION))
        mock.post(other + "/api/login").mock(return_value=login_ok(SESSION_2))
        first = mock.get(BASE + "/api/info.firmware").mock(return_value=ok(FIRMWARE_REPLY))
        second = mock.get(other + "/api/info.firmware").mock(return_value=ok(FIRMWARE_REPLY))
        client_a = make(session, sleeps)
        client_b = make(session, sleeps, settings=dict(LOGIN_SETTINGS, url=other))
        client_a.firmware()
        client_b.firmware()
        client_a.firmware()
    assert [call.request.headers["cookie"] for call in first.calls] == ["bauth=" + SESSION] * 2
    assert [call.request.headers["cookie"] for call in second.calls] == ["bauth=" + SESSION_2]


def test_newer_firmware_pauth_cookie_is_used(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok(cookie_name="pauth"))
    wan = router.get("/api/status.wan.connection").mock(return_value=ok(WAN_REPLY))
    make(session, sleeps).wan_connections()
    assert wan.calls[0].request.headers["cookie"] == "pauth=" + SESSION


def test_login_without_session_cookie_is_an_auth_error_that_says_why(router, session, sleeps):
    router.post("/api/login").mock(return_value=ok({"permission": {"GET": 1, "POST": 1}}))
    with pytest.raises(AuthError) as caught:
        make(session, sleeps).firmware()
    assert "no session cookie" in str(caught.value) and "https://" in str(caught.value)


def test_wrong_password_is_an_auth_error_with_the_router_message(router, session, sleeps):
    login = router.post("/api/login").mock(return_value=fail(401, "Invalid username or password"))
    with pytest.raises(AuthError) as caught:
        make(session, sleeps).firmware()
    assert caught.value.vendor_message == "Invalid username or password"
    assert "Invalid username or password" in str(caught.value)
    assert login.call_count == 1  # a refused login is not retried or re-attempted


def test_close_does_not_raise_when_the_router_is_unreachable(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    router.get("/api/info.firmware").mock(return_value=ok(FIRMWARE_REPLY))
    logout = router.post("/api/logout").mock(side_effect=httpx.ConnectError("connection refused"))
    client = make(session, sleeps)
    client.firmware()
    client.close()
    assert logout.call_count == 1  # tried once, never retried
    assert sleeps == []
    assert "connection refused" in client.close_error


def test_close_does_not_log_in_again_to_log_out_an_expired_session(router, session, sleeps):
    login = router.post("/api/login").mock(return_value=login_ok())
    router.get("/api/info.firmware").mock(return_value=ok(FIRMWARE_REPLY))
    logout = router.post("/api/logout").mock(return_value=fail(401, "Unauthorized"))
    client = make(session, sleeps)
    client.firmware()
    client.close()
    assert login.call_count == 1 and logout.call_count == 1


def test_close_without_a_session_sends_nothing(router, session, sleeps):
    logout = router.post("/api/logout").mock(return_value=ok())
    make(session, sleeps).close()
    make(session, sleeps, settings=TOKEN_SETTINGS).close()
    assert logout.call_count == 0


# ---- token grant ---------------------------------------------------------------------------------


def test_token_is_granted_once_and_shared_by_two_clients_through_the_cache(router, session, sleeps, tmp_path):
    grant = router.post("/api/auth.token.grant").mock(return_value=grant_ok())
    wan = router.get("/api/status.wan.connection").mock(return_value=ok(WAN_REPLY))
    login = router.post("/api/login").mock(return_value=login_ok())

    # Two tasks of one run: separate processes would each build their own TokenCache on the same directory.
    first = make(session, sleeps, settings=TOKEN_SETTINGS, token_cache=TokenCache(directory=str(tmp_path)))
    second = make(session, sleeps, settings=TOKEN_SETTINGS, token_cache=TokenCache(directory=str(tmp_path)))
    first.wan_connections()
    second.wan_connections()
    first.close()

    assert grant.call_count == 1 and login.call_count == 0
    assert body_of(grant.calls[0]) == {"clientId": "cid-0396c250", "clientSecret": CLIENT_SECRET, "scope": "api"}
    assert [call.request.url.params["accessToken"] for call in wan.calls] == [TOKEN, TOKEN]
    assert "cookie" not in wan.calls[0].request.headers
    files = [name for name in os.listdir(str(tmp_path)) if name.endswith(".json")]
    assert len(files) == 1
    path = os.path.join(str(tmp_path), files[0])
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    assert CLIENT_SECRET not in text and TOKEN in text


def test_a_token_read_from_another_tasks_cache_is_masked_too(router, session, sleeps, tmp_path):
    grant = router.post("/api/auth.token.grant").mock(return_value=grant_ok())
    router.get("/api/info.firmware").mock(return_value=ok(FIRMWARE_REPLY))
    router.get("/api/status.pepvpn").mock(return_value=fail(500, "token %s rejected" % TOKEN))
    make(session, sleeps, settings=TOKEN_SETTINGS, token_cache=TokenCache(directory=str(tmp_path))).firmware()
    later = make(session, sleeps, settings=TOKEN_SETTINGS, token_cache=TokenCache(directory=str(tmp_path)))
    with pytest.raises(ServerError) as caught:
        later.get("status.pepvpn")
    assert grant.call_count == 1
    _assert_clean(caught.value, TOKEN)


def test_token_lifetime_comes_from_expires_in(router, session, sleeps, tmp_path):
    router.post("/api/auth.token.grant").mock(return_value=grant_ok(expires_in=7200))
    router.get("/api/info.firmware").mock(return_value=ok(FIRMWARE_REPLY))
    cache = TokenCache(directory=str(tmp_path))
    client = make(session, sleeps, settings=TOKEN_SETTINGS, token_cache=cache, clock=lambda: 1000.0)
    client.firmware()
    with open(os.path.join(str(tmp_path), client._cache_key + ".json"), encoding="utf-8") as handle:
        assert json.load(handle)["expires_at"] == 8200.0


def test_expired_token_is_granted_again_and_the_request_resent_once(router, session, sleeps, tmp_path):
    grant = router.post("/api/auth.token.grant").mock(side_effect=[grant_ok(TOKEN), grant_ok(TOKEN_2)])
    wan = router.get("/api/status.wan.connection").mock(side_effect=[fail(401, "Unauthorized"), ok(WAN_REPLY)])
    cache = TokenCache(directory=str(tmp_path))
    client = make(session, sleeps, settings=TOKEN_SETTINGS, token_cache=cache)

    assert [wan_item.id for wan_item in client.wan_connections()] == ["1", "2", "3"]
    assert grant.call_count == 2
    assert [call.request.url.params["accessToken"] for call in wan.calls] == [TOKEN, TOKEN_2]
    assert cache.get(client._cache_key)["token"] == TOKEN_2  # the next task starts with the new token
    assert sleeps == []


@pytest.mark.parametrize("expired", [fail(401, "Unauthorized"), httpx.Response(401, text="Unauthorized")], ids=["stat-fail-401", "http-401"])
def test_expired_session_logs_in_again_and_resends_once(router, session, sleeps, expired):
    login = router.post("/api/login").mock(side_effect=[login_ok(SESSION), login_ok(SESSION_2)])
    wan = router.get("/api/status.wan.connection").mock(side_effect=[expired, ok(WAN_REPLY)])
    client = make(session, sleeps)
    assert len(client.wan_connections()) == 3
    assert login.call_count == 2
    assert [call.request.headers["cookie"] for call in wan.calls] == ["bauth=" + SESSION, "bauth=" + SESSION_2]


def test_auth_is_renewed_only_once_per_request(router, session, sleeps):
    login = router.post("/api/login").mock(side_effect=[login_ok(SESSION), login_ok(SESSION_2)])
    wan = router.get("/api/status.wan.connection").mock(return_value=fail(401, "Unauthorized"))
    with pytest.raises(AuthError) as caught:
        make(session, sleeps).wan_connections()
    assert login.call_count == 2 and wan.call_count == 2
    assert caught.value.vendor_message == "Unauthorized"


def test_expired_write_is_resent_after_login_even_when_not_idempotent(router, session, sleeps):
    # A refused request did nothing, so resending it after a new login is safe.
    router.post("/api/login").mock(side_effect=[login_ok(SESSION), login_ok(SESSION_2)])
    sms = router.post("/api/cmd.sms.sendMessage").mock(side_effect=[fail(401, "Session expired"), ok()])
    make(session, sleeps).post("cmd.sms.sendMessage", {"address": "+4512345678"})
    assert sms.call_count == 2


# ---- the envelope and its errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, message, cls",
    [
        (400, "Invalid parameter: vlanId", ValidationError),
        (404, "Profile not found", NotFoundError),
        (403, "Permission denied", PermissionDeniedError),
        (401, "Permission denied: read-only user", PermissionDeniedError),
        (500, "Internal Error", ServerError),
        (3, "invalid connId", ValidationError),
        (405, "Method not allowed", ValidationError),
        (429, "Too many sessions; log out unused sessions or wait for them to time out", RateLimitedError),
        (999, "Simulated failure", ApiError),
    ],
)
def test_stat_fail_on_http_200_is_a_typed_error_with_the_router_message(router, session, sleeps, code, message, cls):
    login = router.post("/api/login").mock(return_value=login_ok())
    route = router.post("/api/config.ssid.profile").mock(return_value=fail(code, message))
    with pytest.raises(ApiError) as caught:
        make(session, sleeps).post("config.ssid.profile", {"action": "update", "id": 1}, idempotent=True)
    assert isinstance(caught.value, cls) and caught.value.kind == cls.kind  # exactly this kind, not a sibling
    assert caught.value.vendor_message == message
    assert message in str(caught.value) and str(code) in str(caught.value)
    assert "/api/config.ssid.profile" in str(caught.value)
    assert caught.value.platform == "peplink_router"
    assert route.call_count == 1  # an answered failure is not retried
    assert login.call_count == 1  # and a read-only refusal is not taken for an expired session


def test_read_only_login_fails_a_write_before_sending_it(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok(permission={"GET": 1, "POST": 0}))
    write = router.post("/api/config.ssid.profile").mock(return_value=ok())
    client = make(session, sleeps, settings=dict(LOGIN_SETTINGS, username="viewer"))
    with pytest.raises(PermissionDeniedError) as caught:
        client.update_ssid_profile(1, {"enabled": False})
    assert write.call_count == 0
    assert "read-only" in str(caught.value) and "viewer" in str(caught.value)


def test_read_only_token_scope_fails_a_write_before_sending_it(router, session, sleeps):
    router.post("/api/auth.token.grant").mock(return_value=grant_ok(scope="api.read-only"))
    reboot = router.post("/api/cmd.system.reboot").mock(return_value=ok())
    with pytest.raises(PermissionDeniedError):
        make(session, sleeps, settings=TOKEN_SETTINGS).reboot()
    assert reboot.call_count == 0


def test_read_only_client_falls_back_to_a_read_only_token(router, session, sleeps):
    refused = fail(403, "Scope exceeds the client's scope")
    grant = router.post("/api/auth.token.grant").mock(side_effect=[refused, grant_ok(scope="api.read-only")])
    wan = router.get("/api/status.wan.connection").mock(return_value=ok(WAN_REPLY))
    priority = router.post("/api/config.wan.connection.priority").mock(return_value=ok())
    client = make(session, sleeps, settings=TOKEN_SETTINGS)
    assert len(client.wan_connections()) == 3
    assert [body_of(call)["scope"] for call in grant.calls] == ["api", "api.read-only"]
    with pytest.raises(PermissionDeniedError) as caught:
        client.set_wan_priorities([{"id": 1, "priority": 1}])
    assert priority.call_count == 0 and "api.read-only" in str(caught.value)
    assert wan.calls[0].request.url.params["accessToken"] == TOKEN


def test_a_client_refused_both_scopes_gets_the_permission_error(router, session, sleeps):
    grant = router.post("/api/auth.token.grant").mock(return_value=fail(403, "Permission denied"))
    with pytest.raises(PermissionDeniedError):
        make(session, sleeps, settings=TOKEN_SETTINGS).firmware()
    assert grant.call_count == 2


def test_read_only_refusal_from_the_router_is_a_permission_error(router, session, sleeps):
    # Permission unknown to the client (no `permission` in the login reply): the router's answer decides.
    router.post("/api/login").mock(return_value=httpx.Response(200, json={"stat": "ok"}, headers={"Set-Cookie": "bauth=" + SESSION}))
    router.post("/api/cmd.config.apply").mock(return_value=fail(401, "Permission denied"))
    with pytest.raises(PermissionDeniedError) as caught:
        make(session, sleeps).apply_config()
    assert caught.value.vendor_message == "Permission denied"


@pytest.mark.parametrize(
    "reply, cls",
    [
        (httpx.Response(500, json={"stat": "fail", "code": 500, "message": "Internal Error"}), ServerError),
        (httpx.Response(404, text="<html>Not Found</html>"), NotFoundError),
        (httpx.Response(403, json={"stat": "fail", "code": 404, "message": "No such API"}), NotFoundError),
    ],
)
def test_http_error_statuses(router, session, sleeps, reply, cls):
    router.post("/api/login").mock(return_value=login_ok())
    router.get("/api/status.pepvpn").mock(return_value=reply)
    with pytest.raises(ApiError) as caught:
        make(session, sleeps).get("status.pepvpn")
    assert isinstance(caught.value, cls) and caught.value.kind == cls.kind  # exactly this kind, not a sibling
    assert caught.value.status == reply.status_code


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, text="<html>login</html>"),
        httpx.Response(200, json={"unexpected": True}),
        httpx.Response(200, json={"stat": "maybe"}),
        httpx.Response(200, content=b""),
    ],
)
def test_a_reply_that_is_not_the_envelope_is_malformed(router, session, sleeps, reply):
    router.post("/api/login").mock(return_value=login_ok())
    router.get("/api/info.firmware").mock(return_value=reply)
    with pytest.raises(MalformedResponseError):
        make(session, sleeps).firmware()


def test_notice_is_passed_through_as_a_warning(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    router.get("/api/status.pepvpn").mock(return_value=ok({"profile": {"order": []}}, notice={"status": "beta"}))
    client = make(session, sleeps)
    assert client.get("status.pepvpn") == {"profile": {"order": []}}
    client.get("status.pepvpn")
    assert client.notices == ["GET /api/status.pepvpn: router notice: status=beta"]


def test_unwrap_router_reply_shapes():
    url = "https://ic/rest/o/x/g/1/d/2/devapi/status.wan.connection"
    assert unwrap_router_reply({"stat": "ok", "response": {"a": 1}}, "incontrol", "GET", url) == {"a": 1}
    assert unwrap_router_reply({"stat": "ok"}, "incontrol", "POST", url) is None
    with pytest.raises(NotFoundError) as caught:
        unwrap_router_reply({"stat": "fail", "code": 404, "message": "Not found"}, "incontrol", "GET", url)
    assert str(caught.value) == "incontrol: GET %s failed: router error 404: Not found" % url
    assert caught.value.platform == "incontrol" and caught.value.url == url
    with pytest.raises(ApiError) as caught:
        unwrap_router_reply({"stat": "fail"}, "incontrol", "GET", url)
    assert "(no code) (no message)" in str(caught.value)
    for body in (None, [], "ok", {"data": {}}):
        with pytest.raises(MalformedResponseError):
            unwrap_router_reply(body, "incontrol", "GET", url)


# ---- retries -------------------------------------------------------------------------------------


def test_get_retries_429_after_the_retry_after_delay(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    wan = router.get("/api/status.wan.connection").mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(429, headers={"Retry-After": "1"}), ok(WAN_REPLY)]
    )
    client = make(session, sleeps)
    assert len(client.wan_connections()) == 3
    assert wan.call_count == 3
    assert sleeps == [3.0, 1.0]
    assert [entry[2] for entry in client.retries] == [429, 429]


def test_retries_give_up_after_max_retries(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    wan = router.get("/api/status.wan.connection").mock(return_value=httpx.Response(429, headers={"Retry-After": "2"}))
    with pytest.raises(RateLimitedError) as caught:
        make(session, sleeps, max_retries=2).wan_connections()
    assert wan.call_count == 3 and sleeps == [2.0, 2.0]
    assert "after 2 retries" in str(caught.value)


def test_absolute_config_writes_are_retried(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    priority = router.post("/api/config.wan.connection.priority").mock(
        side_effect=[httpx.Response(503), httpx.ConnectError("reset"), ok({"1": {"name": "WAN 1", "priority": 1, "enable": True}, "order": [1]})]
    )
    client = make(session, sleeps)
    result = client.set_wan_priorities([{"id": 1, "priority": 1, "enabled": True}])
    assert priority.call_count == 3 and len(sleeps) == 2
    assert [(item.id, item.name, item.priority, item.enabled) for item in result] == [("1", "WAN 1", 1, True)]


def test_a_non_idempotent_post_is_sent_once(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    sms = router.post("/api/cmd.sms.sendMessage").mock(return_value=httpx.Response(503))
    with pytest.raises(ServerError):
        make(session, sleeps).post("cmd.sms.sendMessage", {"address": "+4512345678"})
    assert sms.call_count == 1 and sleeps == []


@pytest.mark.parametrize(
    "reply, cls",
    [
        (httpx.Response(503, headers={"Retry-After": "1"}), ServerError),
        (httpx.Response(429, headers={"Retry-After": "1"}), RateLimitedError),
        (httpx.ConnectError("connection refused"), TransportError),
        (httpx.ConnectTimeout("connect timed out"), TransportError),
    ],
)
def test_reboot_is_never_retried(router, session, sleeps, reply, cls):
    router.post("/api/login").mock(return_value=login_ok())
    reboot = router.post("/api/cmd.system.reboot").mock(side_effect=[reply, ok()])
    with pytest.raises(cls):
        make(session, sleeps).reboot()
    assert reboot.call_count == 1 and sleeps == []


def test_reboot_dropping_the_connection_counts_as_sent_and_ends_the_session(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    reboot = router.post("/api/cmd.system.reboot").mock(side_effect=httpx.ReadTimeout("read timed out"))
    logout = router.post("/api/logout").mock(return_value=ok())
    client = make(session, sleeps)
    assert client.reboot(firmware_id=2) == {"connection_dropped": True}
    assert reboot.call_count == 1 and body_of(reboot.calls[0]) == {"firmwareId": 2}
    client.close()
    assert logout.call_count == 0  # the reboot ended the session


def test_reboot_accepted(router, session, sleeps):
    login = router.post("/api/login").mock(side_effect=[login_ok(SESSION), login_ok(SESSION_2)])
    reboot = router.post("/api/cmd.system.reboot").mock(return_value=ok())
    firmware = router.get("/api/info.firmware").mock(return_value=ok(FIRMWARE_REPLY))
    client = make(session, sleeps)
    assert client.reboot() == {"connection_dropped": False}
    assert body_of(reboot.calls[0]) == {}
    client.firmware()  # back after the reboot: a new session
    assert login.call_count == 2
    assert firmware.calls[0].request.headers["cookie"] == "bauth=" + SESSION_2


# ---- waiting for a reboot -----------------------------------------------------------------------


def test_is_up_asks_without_credentials_and_without_retries(router, session, sleeps):
    login = router.post("/api/login").mock(return_value=login_ok())
    probe = router.get("/api/info.firmware").mock(
        side_effect=[
            httpx.ConnectError("refused"),
            httpx.Response(503),
            httpx.Response(200, text="<html>starting</html>"),
            ok({"order": [2], "2": {"version": "8.1.1"}}),
        ]
    )
    client = make(session, sleeps)
    assert [client.is_up() for attempt in range(4)] == [False, False, False, True]
    assert probe.call_count == 4 and sleeps == [] and login.call_count == 0
    assert "cookie" not in probe.calls[-1].request.headers


def test_uptime_is_the_longest_wan_uptime(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    router.get("/api/status.wan.connection").mock(side_effect=[ok(WAN_REPLY), ok({"order": [1], "1": {"name": "WAN 1"}})])
    client = make(session, sleeps)
    assert client.uptime() == 3600
    assert client.uptime() is None


# ---- redaction -----------------------------------------------------------------------------------


def _assert_clean(error, *secrets):
    texts = [str(error), repr(error.args), str(error.url), str(error.vendor_message), json.dumps(error.to_result(), default=str)]
    for secret in secrets:
        for text in texts:
            assert secret not in text


def test_password_never_appears_in_a_login_error(router, session, sleeps):
    router.post("/api/login").mock(
        return_value=httpx.Response(200, json={"stat": "fail", "code": 401, "message": "Login failed for admin/%s" % PASSWORD, "password": PASSWORD})
    )
    with pytest.raises(AuthError) as caught:
        make(session, sleeps).firmware()
    _assert_clean(caught.value, PASSWORD)
    assert MASK in str(caught.value)


def test_client_secret_never_appears_in_a_grant_error(router, session, sleeps):
    router.post("/api/auth.token.grant").mock(return_value=fail(401, "unknown client secret %s" % CLIENT_SECRET))
    with pytest.raises(AuthError) as caught:
        make(session, sleeps, settings=TOKEN_SETTINGS).firmware()
    _assert_clean(caught.value, CLIENT_SECRET)


def test_access_token_never_appears_in_errors_or_retry_records(router, session, sleeps):
    router.post("/api/auth.token.grant").mock(return_value=grant_ok())
    # The token travels in the URL query, so a transport error quoting the URL would carry it.
    router.get("/api/info.firmware").mock(side_effect=httpx.ConnectError("cannot reach %s/api/info.firmware?accessToken=%s" % (BASE, TOKEN)))
    router.get("/api/status.pepvpn").mock(
        return_value=httpx.Response(200, json={"stat": "fail", "code": 500, "message": "bad accessToken=%s" % TOKEN, "echo": {"accessToken": TOKEN}})
    )
    client = make(session, sleeps, settings=TOKEN_SETTINGS, max_retries=2)
    with pytest.raises(TransportError) as transport:
        client.firmware()
    with pytest.raises(ServerError) as server:
        client.get("status.pepvpn")
    for error in (transport.value, server.value):
        _assert_clean(error, TOKEN, CLIENT_SECRET)
    assert TOKEN not in repr(client.retries) and len(client.retries) == 2


def test_session_cookie_and_passphrases_never_appear_in_errors(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    router.get("/api/config.ssid.profile").mock(return_value=ok(SSID_REPLY))
    router.post("/api/config.ssid.profile").mock(return_value=fail(400, "rejected key pas53or2-main for session %s" % SESSION))
    client = make(session, sleeps)
    current = one_ssid_profile(client, 1)
    with pytest.raises(ValidationError) as caught:
        client.update_ssid_profile(1, {"passphrase": "new-passphrase-9"}, current)
    _assert_clean(caught.value, SESSION, "pas53or2-main", PASSWORD)


def test_every_secret_is_registered_with_the_redactor(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    router.get("/api/config.ssid.profile").mock(return_value=ok(SSID_REPLY))
    client = make(session, sleeps)
    client.ssid_profiles()
    assert {PASSWORD, SESSION, "pas53or2-main", "guest-key-2"} <= client.redactor.secrets


# ---- reads ---------------------------------------------------------------------------------------


def test_wan_connections_are_normalised(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    wan = router.get("/api/status.wan.connection").mock(return_value=ok(WAN_REPLY))
    records = [item.model_dump() for item in make(session, sleeps).wan_connections(ids=[1, 2, 3])]
    assert wan.calls[0].request.url.params["id"] == "1 2 3"
    assert records == [
        {"id": "1", "name": "WAN 1", "type": "ethernet", "status": "connected", "ip": "10.0.1.2", "priority": 1, "enabled": True},
        {"id": "2", "name": "Cellular 1", "type": "cellular", "status": "connected", "ip": "100.64.0.9", "priority": 2, "enabled": True},
        {"id": "3", "name": "WAN 2", "type": "ethernet", "status": "no cable detected", "ip": None, "priority": None, "enabled": False},
    ]


def test_ssid_profiles_are_normalised_to_snake_case(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    ssid = router.get("/api/config.ssid.profile").mock(return_value=ok(SSID_REPLY))
    client = make(session, sleeps)
    assert client.ssid_profiles() == [
        {
            "id": 1,
            "name": "Main SSID",
            "enabled": True,
            "broadcast": True,
            "vlan_id": 0,
            "security": "wpa2_personal",
            "passphrase": "pas53or2-main",
            "fast_transition": True,
            "captive_portal": True,
            "incontrol_managed": False,
        },
        {
            "id": 2,
            "name": "Guest SSID",
            "enabled": False,
            "broadcast": False,
            "vlan_id": 20,
            "security": "wpa_wpa2_personal",
            "passphrase": "guest-key-2",
            "fast_transition": None,
            "captive_portal": False,
            "incontrol_managed": True,
        },
    ]
    assert "id" not in ssid.calls[0].request.url.params


def test_open_profile_and_band(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    router.get("/api/config.ssid.profile").mock(return_value=ok({"order": [3], "3": {"name": "Lobby", "enable": True, "band": "5"}}))
    (profile,) = make(session, sleeps).ssid_profiles()
    assert profile["security"] == "open" and profile["passphrase"] is None and profile["band"] == "5"


def test_ssid_profile_missing_is_none(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    router.get("/api/config.ssid.profile").mock(side_effect=[fail(404, "Profile not found"), ok({"order": []})])
    client = make(session, sleeps)
    assert one_ssid_profile(client, 9) is None
    assert one_ssid_profile(client, 9) is None


def test_firmware(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    router.get("/api/info.firmware").mock(return_value=ok(FIRMWARE_REPLY))
    assert make(session, sleeps).firmware() == {
        "version": "8.1.1 build 5190",
        "images": [
            {"id": 1, "version": "7.0.3 build 2765", "bootable": True, "in_use": False},
            {"id": 2, "version": "8.1.1 build 5190", "bootable": True, "in_use": True},
        ],
    }


def test_devices_returns_the_router_with_wan_and_ssids(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    router.get("/api/info.firmware").mock(return_value=ok(FIRMWARE_REPLY))
    router.get("/api/status.wan.connection").mock(return_value=ok(WAN_REPLY))
    router.get("/api/config.ssid.profile").mock(return_value=ok(SSID_REPLY))
    router.get("/api/status.system.info").mock(return_value=ok(SYSTEM_INFO_REPLY))
    (device,) = make(session, sleeps).devices(device="1824-ABCD-0001")
    record = device.record(include_raw=True)
    assert (record["platform"], record["id"], record["serial"], record["status"], record["firmware"]) == (
        "peplink_router",
        "1824-ABCD-0001",
        "1824-ABCD-0001",
        "online",
        "8.1.1 build 5190",
    )
    assert (record["name"], record["model"], record["mac"]) == ("hq-router", "MAX BR1 Pro 5G", None)
    assert [item["id"] for item in record["wan"]] == ["1", "2", "3"]
    assert record["ssids"] == [{"id": "1", "name": "Main SSID", "enabled": True}, {"id": "2", "name": "Guest SSID", "enabled": False}]
    raw_text = json.dumps(record["raw"])
    assert "pas53or2-main" not in raw_text and "sim-pw-123456" not in raw_text and MASK in raw_text


SYSTEM_INFO_REPLY = {
    "device": {"name": "hq-router", "model": "MAX BR1 Pro 5G", "serialNumber": "1824-ABCD-0001", "firmwareVersion": "8.1.1 build 5190"},
    "macInfo": [{"mac": "00:1A:DD:00:00:01"}],
}


def test_devices_without_detail_is_two_calls_and_survives_a_router_without_system_info(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    firmware = router.get("/api/info.firmware").mock(return_value=ok(FIRMWARE_REPLY))
    info = router.get("/api/status.system.info").mock(return_value=fail(404, "Unknown API: status.system.info"))
    wan = router.get("/api/status.wan.connection").mock(return_value=ok(WAN_REPLY))
    (device,) = make(session, sleeps).devices(detail=False)
    assert firmware.call_count == 1 and info.call_count == 1 and wan.call_count == 0
    assert device.wan == [] and device.firmware == "8.1.1 build 5190"
    assert (device.id, device.serial, device.name, device.model) == ("1824-ABCD-0001", "1824-ABCD-0001", None, None)


@pytest.mark.parametrize(
    "kwargs, cls",
    [
        ({"device": "some-other-router"}, NotFoundError),
        ({"group": "Branches"}, UnsupportedError),
        ({"filters": {"colour": "blue"}}, InputError),
    ],
)
def test_devices_refuses_before_any_request(router, session, sleeps, kwargs, cls):
    login = router.post("/api/login").mock(return_value=login_ok())
    firmware = router.get("/api/info.firmware").mock(return_value=ok(FIRMWARE_REPLY))
    with pytest.raises(cls):
        make(session, sleeps).devices(**kwargs)
    assert login.call_count == 0 and firmware.call_count == 0


def test_devices_filters_are_applied_locally(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    router.get("/api/info.firmware").mock(return_value=ok(FIRMWARE_REPLY))
    router.get("/api/status.system.info").mock(return_value=ok(SYSTEM_INFO_REPLY))
    client = make(session, sleeps)
    assert len(client.devices(filters={"status": "ONLINE"}, detail=False)) == 1
    assert client.devices(filters={"firmware": "7.0.3"}, detail=False) == []


def test_a_real_router_is_known_by_its_host(session, sleeps):
    url = "https://192.168.50.1:8443"
    assert router_identity(url) == ("192.168.50.1:8443", None)
    assert router_identity("https://admin@10.0.0.1") == ("10.0.0.1", None)
    assert router_identity(BASE) == ("1824-ABCD-0001", "1824-ABCD-0001")
    with respx.mock(base_url=url) as mock:
        mock.post("/api/login").mock(return_value=login_ok())
        mock.get("/api/info.firmware").mock(return_value=ok(FIRMWARE_REPLY))
        mock.get("/api/status.system.info").mock(return_value=ok(SYSTEM_INFO_REPLY))
        client = make(session, sleeps, settings=dict(LOGIN_SETTINGS, url=url))
        for name in ("192.168.50.1", "192.168.50.1:8443", url + "/"):
            (device,) = client.devices(device=name, detail=False)
            # the id stays the URL's host; the serial comes from status.system.info
            assert device.id == "192.168.50.1:8443" and device.serial == "1824-ABCD-0001"


# ---- writes --------------------------------------------------------------------------------------


def test_update_ssid_profile_sends_only_the_changes(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    security = {"policy": "WPA2 Personal", "wpa2Personal": {"fastTransition": True, "key": "new-passphrase-9"}}
    reply = {"1": dict(SSID_REPLY["1"], enable=False, security=security), "order": [1]}
    write = router.post("/api/config.ssid.profile").mock(return_value=ok(reply))
    client = make(session, sleeps)
    current = {"id": 1, "security": "wpa2_personal"}
    profile = client.update_ssid_profile(1, {"enabled": False, "passphrase": "new-passphrase-9", "vlan_id": None}, current)
    assert body_of(write.calls[0]) == {"action": "update", "id": 1, "enable": False, "security": {"wpa2Personal": {"key": "new-passphrase-9"}}}
    assert profile["enabled"] is False and profile["passphrase"] == "new-passphrase-9"
    assert "new-passphrase-9" in client.redactor.secrets


def test_ssid_update_body_rules():
    assert ssid_update_body(2, {"security": "wpa_wpa2_personal", "passphrase": "abcdefgh", "name": "G", "broadcast": True, "vlan_id": 20}) == {
        "action": "update",
        "id": 2,
        "name": "G",
        "broadcast": True,
        "vlanId": 20,
        "security": {"policy": "WPA/WPA2 Personal", "wpaWpa2Personal": {"key": "abcdefgh"}},
    }
    assert ssid_update_body("1", {"fast_transition": False}, {"security": "wpa2_personal"}) == {
        "action": "update",
        "id": 1,
        "security": {"wpa2Personal": {"fastTransition": False}},
    }
    for changes, current in (
        ({"security": "open"}, None),
        ({"passphrase": "abcdefgh"}, {"security": "open"}),
        ({"fast_transition": True}, {"security": "wpa_wpa2_personal"}),
        ({"band": "5"}, None),
    ):
        with pytest.raises(InputError):
            ssid_update_body(1, changes, current)


def test_set_wan_priorities_body(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    write = router.post("/api/config.wan.connection.priority").mock(
        return_value=ok({"1": {"name": "WAN 1", "priority": 2, "enable": True}, "2": {"name": "WAN 2", "enable": False}, "order": [1, 2]})
    )
    result = make(session, sleeps).set_wan_priorities([{"id": "1", "priority": 2}, {"id": 2, "enabled": False}], instant_active=True)
    assert body_of(write.calls[0]) == {"instantActive": True, "list": [{"connId": 1, "priority": 2}, {"connId": 2, "enable": False}]}
    assert [(item.id, item.priority, item.enabled) for item in result] == [("1", 2, True), ("2", None, False)]


def test_apply_and_discard(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    apply = router.post("/api/cmd.config.apply").mock(side_effect=[ok(), ok({"warning": "WAN 2 has no cable"}), httpx.Response(503), ok()])
    discard = router.post("/api/cmd.config.discard").mock(return_value=ok())
    client = make(session, sleeps)
    assert client.apply_config() is None
    assert client.apply_config() == "WAN 2 has no cable"
    assert client.apply_config() is None and apply.call_count == 4  # applying twice is harmless: retried
    assert client.discard_config() is None and discard.call_count == 1
    assert body_of(apply.calls[0]) == {}


def test_api_names_are_accepted_with_or_without_prefix(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    route = router.get("/api/cmd.ap").mock(return_value=ok({"support": False}))
    client = make(session, sleeps)
    for name in ("cmd.ap", "/api/cmd.ap", "api/cmd.ap"):
        assert client.get(name) == {"support": False}
    assert route.call_count == 3


def test_missing_credentials_are_an_input_error(session, sleeps):
    with pytest.raises(InputError):
        PeplinkRouterClient({"url": BASE}, session)
    client = PeplinkRouterClient({"url": BASE, "client_id": "a", "client_secret": "b"}, session)
    assert client.auth_mode == "token"


# ---- ssid_profile: SsidProfileResource through ensure() ------------------------------------------


def ssid_params(**options):
    params = dict(
        name="Main SSID",
        id=None,
        device=None,
        group=None,
        enabled=None,
        broadcast=None,
        vlan_id=None,
        security=None,
        passphrase=None,
        update_passphrase="always",
        fast_transition=None,
        band=None,
        state="present",
    )
    params.update(options)
    return params


def ssid_resource(session, sleeps, **options):
    return SsidProfileResource(make(session, sleeps), ssid_params(**options))


@pytest.mark.parametrize(
    "options, cls, message",
    [
        (
            dict(passphrase="short"),
            InputError,
            "ssid_profile: passphrase must be 8 to 63 printable ASCII characters or 64 hexadecimal digits (it has 5 characters)",
        ),
        (dict(passphrase="z" * 64), InputError, "passphrase must be 8 to 63 printable ASCII characters or 64 hexadecimal digits"),
        (dict(passphrase="caf\u00e9-latte"), InputError, "passphrase must be 8 to 63 printable ASCII characters or 64 hexadecimal digits"),
        (dict(vlan_id=4095), InputError, "vlan_id must be 1 to 4094, or 0 for untagged (the LAN); got 4095"),
        (dict(vlan_id=-1), InputError, "vlan_id must be 1 to 4094"),
        (
            dict(security="wpa2_wpa3_personal"),
            UnsupportedError,
            "security wpa2_wpa3_personal is not supported by the router API; it supports open, wpa2_personal, wpa_wpa2_personal",
        ),
        (dict(band="2.4"), UnsupportedError, "band cannot be set"),
        (dict(security="open", passphrase="abcdefgh"), InputError, "passphrase is not allowed with security open"),
        (dict(security="wpa_wpa2_personal", fast_transition=False), InputError, "fast_transition can be set only with security wpa2_personal"),
        (dict(name="x" * 33), InputError, "name (the SSID) must be 1 to 32 bytes (octets of UTF-8), got 33"),
        (dict(name="\U0001f600" * 9), InputError, "got 36"),
        (dict(id="0"), InputError, "id must be an SSID profile number"),
        (dict(id="guest"), InputError, "id must be an SSID profile number"),
        (dict(group="Branches"), UnsupportedError, "a router has no groups"),
        (dict(device="another-router"), InputError, "device 'another-router' is not the router at"),
    ],
)
def test_ssid_validate_refuses_before_any_request(router, session, sleeps, options, cls, message):
    resource = ssid_resource(session, sleeps, **options)
    with pytest.raises(cls) as caught:
        ensure(resource, "present", check_mode=False)
    assert message in str(caught.value)
    assert not router.calls


def ssid_router(router, reply=None, write_reply=None):
    router.post("/api/login").mock(return_value=login_ok())
    get = router.get("/api/config.ssid.profile").mock(return_value=ok(reply or SSID_REPLY))
    write = router.post("/api/config.ssid.profile").mock(return_value=ok(write_reply or {"order": []}))
    apply = router.post("/api/cmd.config.apply").mock(return_value=ok())
    discard = router.post("/api/cmd.config.discard").mock(return_value=ok())
    return types.SimpleNamespace(get=get, write=write, apply=apply, discard=discard)


def test_ssid_no_change_sends_no_write_and_masks_the_passphrase(router, session, sleeps):
    routes = ssid_router(router)
    result = ensure(
        ssid_resource(session, sleeps, id="1", enabled=True, vlan_id=0, passphrase="pas53or2-main", security="wpa2_personal", fast_transition=True),
        "present",
        check_mode=False,
        result_key="profile",
    )
    assert result["changed"] is False and result["profile"]["passphrase"] == MASK and result["profile"]["vlan_id"] == 0
    assert routes.get.call_count == 1 and routes.write.call_count == 0 and routes.apply.call_count == 0


def test_ssid_update_writes_then_applies(router, session, sleeps):
    reply = {"order": [2], "2": dict(SSID_REPLY["2"], incontrolManaged=False)}
    written = {"order": [2], "2": dict(reply["2"], vlanId=30, security={"policy": "WPA/WPA2 Personal", "wpaWpa2Personal": {"key": "new-key-123"}})}
    routes = ssid_router(router, reply, written)
    result = ensure(ssid_resource(session, sleeps, name="Guest SSID", vlan_id=30, passphrase="new-key-123"), "present", check_mode=False, result_key="profile")
    assert result["changed"] is True and result["changed_keys"] == ["passphrase", "vlan_id"]
    assert body_of(routes.write.calls[0]) == {"action": "update", "id": 2, "vlanId": 30, "security": {"wpaWpa2Personal": {"key": "new-key-123"}}}
    assert routes.apply.call_count == 1 and routes.discard.call_count == 0
    assert result["diff"] == {"before": {"passphrase": MASK, "vlan_id": 20}, "after": {"passphrase": MASK, "vlan_id": 30}}
    assert result["profile"]["vlan_id"] == 30


def test_ssid_check_mode_predicts_without_writing(router, session, sleeps):
    routes = ssid_router(router)
    result = ensure(ssid_resource(session, sleeps, id="1", name="Staff", broadcast=False), "present", check_mode=True, result_key="profile")
    assert result["changed"] is True and result["profile"]["name"] == "Staff" and result["profile"]["broadcast"] is False
    assert routes.write.call_count == 0 and routes.apply.call_count == 0


def test_ssid_absent_disables(router, session, sleeps):
    routes = ssid_router(router)
    result = ensure(ssid_resource(session, sleeps, id="1", state="absent"), "absent", check_mode=False, result_key="profile")
    assert result["changed"] is True and result["diff"] == {"before": {"enabled": True}, "after": {"enabled": False}}
    assert body_of(routes.write.calls[0]) == {"action": "update", "id": 1, "enable": False}
    # Absent by a name no profile has: nothing to disable.
    result = ensure(ssid_resource(session, sleeps, name="Nope", state="absent"), "absent", check_mode=False, result_key="profile")
    assert result["changed"] is False and routes.write.call_count == 1


def test_ssid_profile_not_found_lists_the_existing_ones(router, session, sleeps):
    ssid_router(router)
    for options in (dict(name="Lobby"), dict(id="5", name="Lobby"), dict(id="5", name="Lobby", state="absent")):
        with pytest.raises(InputError) as caught:
            ensure(ssid_resource(session, sleeps, **options), options.get("state", "present"), check_mode=True)
        assert "cannot create profiles, only update these: 1 (Main SSID), 2 (Guest SSID)" in str(caught.value)


def test_ssid_name_matching_several_profiles_is_ambiguous(router, session, sleeps):
    twins = {"order": [1, 2], "1": dict(SSID_REPLY["1"], name="Twin"), "2": dict(SSID_REPLY["2"], name="Twin")}
    ssid_router(router, twins)
    with pytest.raises(AmbiguousError) as caught:
        ensure(ssid_resource(session, sleeps, name="Twin"), "present", check_mode=True)
    assert "ids 1, 2; give id" in str(caught.value)


@pytest.mark.parametrize(
    "options, message",
    [
        (dict(id="1", security="open"), "cannot turn an SSID's security off"),
        (dict(id="2", name="Guest SSID", fast_transition=True), "fast_transition can be set only with security wpa2_personal; profile 2 is wpa_wpa2_personal"),
        (dict(id="3", name="Lobby", passphrase="abcdefgh"), "a passphrase needs security wpa2_personal or wpa_wpa2_personal; profile 3 is open"),
        (dict(id="3", name="Lobby", security="wpa2_personal"), "profile 3 has no passphrase yet: give passphrase to turn on wpa2_personal"),
    ],
)
def test_ssid_security_rules_that_need_the_current_profile(router, session, sleeps, options, message):
    reply = dict(SSID_REPLY, order=[1, 2, 3])
    reply["3"] = {"name": "Lobby", "enable": True, "broadcast": True}
    routes = ssid_router(router, reply)
    with pytest.raises(InputError) as caught:
        ensure(ssid_resource(session, sleeps, **options), "present", check_mode=False)
    assert message in str(caught.value)
    assert routes.write.call_count == 0


def test_ssid_open_profile_becomes_wpa2_with_a_passphrase(router, session, sleeps):
    reply = {"order": [3], "3": {"name": "Lobby", "enable": True, "broadcast": True}}
    routes = ssid_router(router, reply)
    result = ensure(ssid_resource(session, sleeps, id="3", name="Lobby", security="wpa2_personal", passphrase="abcdefgh"), "present", check_mode=False)
    assert result["changed_keys"] == ["passphrase", "security"]
    assert body_of(routes.write.calls[0])["security"] == {"policy": "WPA2 Personal", "wpa2Personal": {"key": "abcdefgh"}}


def test_ssid_managed_by_incontrol_is_refused_only_when_it_would_change(router, session, sleeps):
    routes = ssid_router(router, dict(SSID_REPLY, **{"2": dict(SSID_REPLY["2"], enable=True)}))
    # Profile 2 has incontrolManaged: true.
    result = ensure(ssid_resource(session, sleeps, id="2", name="Guest SSID", vlan_id=20), "present", check_mode=False)
    assert result["changed"] is False
    for state in ("present", "absent"):
        with pytest.raises(InputError) as caught:
            ensure(ssid_resource(session, sleeps, id="2", name="Guest SSID", vlan_id=30, state=state), state, check_mode=True)
        assert "is managed by InControl" in str(caught.value) and "platform incontrol" in str(caught.value)
    assert routes.write.call_count == 0


def test_ssid_failed_apply_discards_and_says_so(router, session, sleeps):
    routes = ssid_router(router)
    routes.apply.mock(return_value=fail(500, "Apply failed"))
    with pytest.raises(ServerError) as caught:
        ensure(ssid_resource(session, sleeps, id="1", broadcast=False), "present", check_mode=False)
    assert routes.write.call_count == 1 and routes.discard.call_count == 1
    assert str(caught.value).endswith("the pending change was discarded (cmd.config.discard), so the router keeps its previous configuration")


def test_ssid_failed_discard_is_reported_with_the_original_error(router, session, sleeps):
    routes = ssid_router(router)
    routes.apply.mock(return_value=fail(500, "Apply failed"))
    routes.discard.mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(ServerError) as caught:
        ensure(ssid_resource(session, sleeps, id="1", broadcast=False), "present", check_mode=False)
    assert "Apply failed; undoing the change failed too" in str(caught.value) and str(caught.value).endswith("apply or discard it in its web admin")


def test_ssid_read_only_user_is_refused_before_any_write_and_nothing_is_discarded(router, session, sleeps):
    routes = ssid_router(router)
    router.post("/api/login").mock(return_value=login_ok(permission={"GET": 1, "POST": 0}))
    with pytest.raises(PermissionDeniedError) as caught:
        ensure(ssid_resource(session, sleeps, id="1", broadcast=False), "present", check_mode=False)
    assert "read-only access" in str(caught.value) and "discarded" not in str(caught.value)
    assert routes.write.call_count == 0 and routes.discard.call_count == 0


# ---- wan_priority: WanPriorityResource through ensure() ------------------------------------------


def wan_params(connections, **options):
    params = dict(
        connections=[dict(dict(id=None, name=None, priority=None, enabled=None), **item) for item in connections], device=None, group=None, apply=True
    )
    params.update(options)
    return params


def wan_router(router, saved=None, written=None):
    """saved: the GET config.wan.connection answer (the saved config), or None for a router without that call."""
    router.post("/api/login").mock(return_value=login_ok())
    status = router.get("/api/status.wan.connection").mock(return_value=ok(WAN_REPLY))
    config = router.get("/api/config.wan.connection").mock(return_value=ok(saved) if saved is not None else fail(404, "Unknown API: config.wan.connection"))
    write = router.post("/api/config.wan.connection.priority").mock(return_value=ok(written or {"order": []}))
    discard = router.post("/api/cmd.config.discard").mock(return_value=ok())
    return types.SimpleNamespace(status=status, config=config, write=write, discard=discard)


def wan_resource(session, sleeps, connections, **options):
    return WanPriorityResource(make(session, sleeps), wan_params(connections, **options))


@pytest.mark.parametrize(
    "connections, options, cls, message",
    [
        ([{"id": "1", "priority": 5}], {}, InputError, "connections[0]: priority must be 1 (most preferred) to 4, got 5"),
        ([{"id": "1", "priority": 0}], {}, InputError, "priority must be 1 (most preferred) to 4, got 0"),
        ([{"id": "wan1", "priority": 1}], {}, InputError, "connections[0]: id must be a WAN connection number (1, 2, ...), got 'wan1'"),
        ([{"name": "WAN 1"}], {}, InputError, "connections[0]: give priority and/or enabled"),
        (
            [{"name": "WAN 1", "priority": 1}, {"name": "WAN 1", "enabled": True}],
            {},
            InputError,
            "connections[0] and connections[1] name the same connection WAN 1",
        ),
        ([], {}, InputError, "connections is empty"),
        ([{"id": "1", "priority": 1}], {"group": "Branches"}, UnsupportedError, "a router has no groups"),
        ([{"id": "1", "priority": 1}], {"device": "10.1.1.1"}, InputError, "device '10.1.1.1' is not the router at"),
    ],
)
def test_wan_validate_refuses_before_any_request(router, session, sleeps, connections, options, cls, message):
    with pytest.raises(cls) as caught:
        ensure(wan_resource(session, sleeps, connections, **options), "present", check_mode=False)
    assert message in str(caught.value)
    assert not router.calls


def test_wan_names_resolve_to_ids_and_unknown_ones_list_the_known(router, session, sleeps):
    wan_router(router)
    resource = wan_resource(session, sleeps, [{"name": "cellular 1", "priority": 1}, {"id": "1", "name": "WAN 1", "priority": 2}])
    current = resource.read()
    assert current == {
        "connections": {
            "1": {"name": "WAN 1", "priority": 1, "enabled": True},
            "2": {"name": "Cellular 1", "priority": 2, "enabled": True},
            "3": {"name": "WAN 2", "priority": None, "enabled": False},
        }
    }
    assert resource.desired(current) == {"connections": {"2": {"priority": 1}, "1": {"priority": 2}}}
    for connections, message in (
        ([{"name": "LTE", "priority": 1}], "no WAN connection named 'LTE'; it has 1 (WAN 1), 2 (Cellular 1), 3 (WAN 2)"),
        ([{"id": "7", "priority": 1}], "no WAN connection 7; it has 1 (WAN 1), 2 (Cellular 1), 3 (WAN 2)"),
        ([{"id": "1", "name": "WAN 2", "priority": 1}], "connection 1 is named 'WAN 1', not 'WAN 2'"),
        ([{"id": "3", "enabled": True}, {"name": "WAN 2", "priority": 1}], "are the same connection 3"),
    ):
        with pytest.raises(InputError) as caught:
            wan_resource(session, sleeps, connections).read()
        assert message in str(caught.value)


def test_wan_change_sends_only_what_differs_and_applies_at_once(router, session, sleeps):
    routes = wan_router(router, written={"order": [2], "2": {"name": "Cellular 1", "priority": 1, "enable": True}})
    result = ensure(
        wan_resource(session, sleeps, [{"name": "Cellular 1", "priority": 1, "enabled": True}, {"id": "1", "priority": 1}]),
        "present",
        check_mode=False,
        result_key="wan",
    )
    assert result["changed"] is True
    assert body_of(routes.write.calls[0]) == {"instantActive": True, "list": [{"connId": 2, "priority": 1}]}
    assert result["wan"]["connections"]["2"] == {"name": "Cellular 1", "priority": 1, "enabled": True}
    assert routes.status.call_count == 1 and routes.discard.call_count == 0


def test_wan_no_change_and_check_mode_send_no_write(router, session, sleeps):
    routes = wan_router(router)
    assert ensure(wan_resource(session, sleeps, [{"id": "1", "priority": 1, "enabled": True}]), "present", False)["changed"] is False
    result = ensure(wan_resource(session, sleeps, [{"id": "1", "priority": 3}]), "present", True, result_key="wan")
    assert result["changed"] is True and result["wan"]["connections"]["1"]["priority"] == 3
    assert routes.write.call_count == 0


def test_wan_priority_of_a_disabled_connection_is_sent_along_but_not_compared(router, session, sleeps):
    routes = wan_router(router, written={"order": [1], "1": {"name": "WAN 1", "priority": 3, "enable": False}})
    # WAN 2 is disabled: the router does not report its priority, so 4 cannot be compared: no change.
    assert ensure(wan_resource(session, sleeps, [{"id": "3", "priority": 4}]), "present", False)["changed"] is False
    assert ensure(wan_resource(session, sleeps, [{"id": "3", "priority": 4, "enabled": False}]), "present", False)["changed"] is False
    result = ensure(wan_resource(session, sleeps, [{"id": "1", "priority": 3, "enabled": False}]), "present", False, result_key="wan")
    assert result["changed"] is True
    assert body_of(routes.write.calls[0]) == {"instantActive": True, "list": [{"connId": 1, "enable": False, "priority": 3}]}
    assert result["wan"]["connections"]["1"] == {"name": "WAN 1", "priority": None, "enabled": False}


def test_wan_apply_false_reads_the_saved_config_when_the_running_one_differs(router, session, sleeps):
    saved = {"order": [1], "1": {"name": "WAN 1", "priority": 3, "enable": True}}
    routes = wan_router(router, saved=saved)
    result = ensure(wan_resource(session, sleeps, [{"id": "1", "priority": 3}], apply=False), "present", False, result_key="wan")
    assert result["changed"] is False and result["wan"]["connections"]["1"]["priority"] == 3  # already pending
    assert routes.config.call_count == 1 and routes.write.call_count == 0  # read with a GET, never a POST


def test_wan_apply_false_writes_pending_config_without_instant_active(router, session, sleeps):
    saved = {"order": [1], "1": {"name": "WAN 1", "priority": 1, "enable": True}}
    written = {"order": [1], "1": {"name": "WAN 1", "priority": 3, "enable": True}}
    routes = wan_router(router, saved=saved, written=written)
    result = ensure(wan_resource(session, sleeps, [{"id": "1", "priority": 3}], apply=False), "present", False, result_key="wan")
    assert result["changed"] is True and result["wan"]["connections"]["1"]["priority"] == 3
    assert [body_of(call) for call in routes.write.calls] == [{"list": [{"connId": 1, "priority": 3}]}]


def test_wan_apply_false_reads_nothing_more_when_running_matches_and_sends_no_write_in_check_mode(router, session, sleeps):
    routes = wan_router(router, saved={"order": [1], "1": {"name": "WAN 1", "priority": 3, "enable": True}})
    assert ensure(wan_resource(session, sleeps, [{"id": "1", "priority": 1}], apply=False), "present", False)["changed"] is False
    assert routes.config.call_count == 0
    # check mode reads the saved config too (a GET): what is pending already is no predicted change
    assert ensure(wan_resource(session, sleeps, [{"id": "1", "priority": 3}], apply=False), "present", True)["changed"] is False
    assert ensure(wan_resource(session, sleeps, [{"id": "1", "priority": 2}], apply=False), "present", True)["changed"] is True
    assert routes.write.call_count == 0


def test_wan_apply_false_on_a_router_without_the_config_read_compares_the_running_state(router, session, sleeps):
    routes = wan_router(router, written={"order": [1], "1": {"name": "WAN 1", "priority": 3, "enable": True}})
    result = ensure(wan_resource(session, sleeps, [{"id": "1", "priority": 3}], apply=False), "present", False)
    assert result["changed"] is True and routes.config.call_count == 1
    assert [body_of(call) for call in routes.write.calls] == [{"list": [{"connId": 1, "priority": 3}]}]


def test_wan_apply_true_compares_the_running_state_even_when_something_is_pending(router, session, sleeps):
    # Running: WAN 1 has priority 1. A pending priority 3 (saved) must not make apply=true think it is done.
    routes = wan_router(router, written={"order": [1], "1": {"name": "WAN 1", "priority": 3, "enable": True}})
    result = ensure(wan_resource(session, sleeps, [{"id": "1", "priority": 3}]), "present", False)
    assert result["changed"] is True and routes.write.call_count == 1
    assert body_of(routes.write.calls[0]) == {"instantActive": True, "list": [{"connId": 1, "priority": 3}]}


def test_wan_read_only_user_with_apply_false_is_refused_without_any_post(router, session, sleeps):
    routes = wan_router(router)
    router.post("/api/login").mock(return_value=login_ok(permission={"GET": 1, "POST": 0}))
    with pytest.raises(PermissionDeniedError):
        ensure(wan_resource(session, sleeps, [{"id": "1", "priority": 3}], apply=False), "present", False)
    assert routes.write.call_count == 0 and routes.discard.call_count == 0


def test_wan_failed_write_is_discarded(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    router.get("/api/status.wan.connection").mock(return_value=ok(WAN_REPLY))
    router.post("/api/config.wan.connection.priority").mock(return_value=fail(400, "Invalid priority: 3"))
    discard = router.post("/api/cmd.config.discard").mock(return_value=ok())
    with pytest.raises(ValidationError) as caught:
        ensure(wan_resource(session, sleeps, [{"id": "1", "priority": 3}]), "present", False)
    assert discard.call_count == 1 and "discarded" in str(caught.value)


# ---- reboot: reboot_device() and is_back() ------------------------------------------------------


def this_router():
    return Device(platform="peplink_router", id="1824-ABCD-0001", serial="1824-ABCD-0001", status="online")


def test_reboot_device_refuses_another_device_before_sending(router, session, sleeps):
    with pytest.raises(InputError):
        make(session, sleeps).reboot_device(Device(platform="peplink_router", id="other", status="online"))
    assert not router.calls


def test_is_back_after_being_seen_down(router, session, sleeps):
    router.post("/api/login").mock(return_value=login_ok())
    router.post("/api/cmd.system.reboot").mock(return_value=ok())
    router.get("/api/info.firmware").mock(side_effect=[httpx.ConnectError("refused"), ok(FIRMWARE_REPLY)])
    status = router.get("/api/status.wan.connection").mock(return_value=ok(WAN_REPLY))
    client = make(session, sleeps, clock=lambda: 1000.0)
    client.reboot_device(this_router())
    assert client.is_back(this_router(), 990.0) is False  # down
    assert client.is_back(this_router(), 990.0) is True  # up again after being down
    assert status.call_count == 0


@pytest.mark.parametrize(
    "uptimes, back",
    [
        ((3600, 120), False),  # up the whole time: not gone down yet
        ((5, None), True),  # the WANs restarted after the reboot was sent
        ((0, 0), False),  # no WAN up: cannot tell yet
    ],
)
def test_is_back_by_uptime_when_the_down_time_was_missed(router, session, sleeps, uptimes, back):
    router.post("/api/login").mock(return_value=login_ok())
    router.get("/api/info.firmware").mock(return_value=ok(FIRMWARE_REPLY))
    reply = {"order": [1, 2], "1": {"name": "WAN 1", "uptime": uptimes[0]}, "2": {"name": "WAN 2"}}
    if uptimes[1] is not None:
        reply["2"]["uptime"] = uptimes[1]
    router.get("/api/status.wan.connection").mock(return_value=ok(reply))
    client = make(session, sleeps, clock=lambda: 1000.0)
    assert client.is_back(this_router(), 970.0) is back
