# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TelecomXClient against respx: auth, token cache, envelope, errors, paging, conversions."""

from __future__ import annotations

import json
import threading

import httpx
import pytest
import respx

from ansible_collections.wanfleet.routers.plugins.module_utils import telecomx
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    AmbiguousError,
    ApiError,
    AuthError,
    ConflictError,
    InputError,
    MalformedResponseError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    ServerError,
    UnsupportedError,
    ValidationError,
    WanfleetError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.telecomx import TelecomXClient, WaitTimeoutError
from ansible_collections.wanfleet.routers.plugins.module_utils.token_cache import TokenCache

BASE = "https://api.telecomx.dk"
USERNAME = "manager@example.com"
PASSWORD = "pa55-w0rd-very-secret"
TOKEN = "tok0123456789abcdef"
TOKEN2 = "tok_second_fedcba9876"
GIVEN_TOKEN = "m2m-given-token-777777"
CUSTOMER = "12345678901234567890cccc"
MODEL_ID = "12345678901234567890aaaa"
DEVICE_ID = "1234567890123456789abcde"


def login_reply(token=TOKEN, level="MANAGER", minutes=15):
    return {"success": True, "token": token, "expiresInMinutes": minutes, "employee": "e" * 24, "customer": CUSTOMER, "accessLevel": level}


def api_device(n=1, **extra):
    device = {
        "_id": "%024x" % n,
        "state": "ACTIVE",
        "name": "site-%d" % n,
        "model": MODEL_ID,
        "modelType": "ROUTER",
        "modelBrand": "TP-LINK",
        "customer": CUSTOMER,
        "macAddress": "02c0de%06x" % n,
        "serialNumber": "SN%05d" % n,
        "jobs": 0,
        "notes": None,
        "wifi": {
            "enabled": True,
            "ssid": "Shop",
            "password": "wifi-pass-24",
            "enabled5G": True,
            "ssid5G": "Shop-5G",
            "password5G": "wifi-pass-five",
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
            "reservedClients": [{"mac": "123456789013", "ip": "192.168.0.10", "enable": "true", "id": "r8jf84fv"}],
        },
        "status": {"provisioned": True, "online": True, "wanIp": "100.64.0.123", "publicIp": "62.192.163.232", "networkType": "32", "lanIp": "192.168.0.1"},
    }
    device.update(extra)
    return device


MODELS = [
    {"_id": MODEL_ID, "brand": "TP-LINK", "name": "XVS-200", "type": "ROUTER"},
    {"_id": "12345678901234567890aaab", "brand": "TP-LINK", "name": "XM-100", "type": "ROUTER"},
    {"_id": "12345678901234567890aaac", "brand": "NETGEAR", "name": "XM-100", "type": "SWITCH"},
]


@pytest.fixture
def mock():
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


def make_client(session, cache=None, sleeps=None, clock=None, **settings):
    values = {"url": BASE, "username": USERNAME, "password": PASSWORD, "auth": ("username", "password")}
    values.update(settings)
    sleep = (sleeps.append if sleeps is not None else (lambda seconds: None)) if clock is None else clock.sleep
    return TelecomXClient(values, session, token_cache=cache, sleep=sleep, clock=clock or (lambda: 0.0))


def list_devices(client, customer=None):
    """Every device of `customer` (default: the client's) as snake_case records (the modules read devices() instead)."""
    return [telecomx.device_from_api(raw) for raw in client._list_raw(customer)]  # pylint: disable=protected-access


def token_client(session, **kwargs):
    return make_client(session, token=GIVEN_TOKEN, auth=("token",), username=None, password=None, **kwargs)


def error(status, key, message="", **extra):
    body = {"success": False, "error": key, "message": message}
    body.update(extra)
    return httpx.Response(status, json=body)


def list_reply(items, total, offset=0, limit=500):
    return {"offset": offset, "limit": limit, "total": total, "networkDevices": items}


def assert_no_secret(exc):
    for text in (str(exc), exc.message, exc.url, exc.vendor_message, json.dumps(exc.body, default=str)):
        for secret in (PASSWORD, TOKEN, TOKEN2, GIVEN_TOKEN, "wifi-pass-24", "wifi-pass-five"):
            assert secret not in str(text), (secret, text)


# ---- auth ----------------------------------------------------------------------------------------


def test_login_then_token_query_parameter(session, mock):
    login = mock.post("/auth/login").respond(json=login_reply())
    listing = mock.get("/network/device").respond(json=list_reply([api_device(1)], 1))
    client = make_client(session)
    assert [device["id"] for device in list_devices(client)] == ["%024x" % 1]
    sent = json.loads(login.calls.last.request.content)
    assert sent == {"username": USERNAME, "password": PASSWORD}  # never `persist`
    params = listing.calls.last.request.url.params
    assert params["token"] == TOKEN
    assert params["full"] == "true" and params["offset"] == "0" and params["limit"] == "500"
    assert "customer" not in params  # the API defaults to the account's own customer
    assert client.access_level == "MANAGER" and client.login_customer == CUSTOMER
    assert TOKEN in client.redactor.secrets and PASSWORD in client.redactor.secrets


def test_customer_setting_is_sent_on_list(session, mock):
    mock.post("/auth/login").respond(json=login_reply())
    listing = mock.get("/network/device").respond(json=list_reply([], 0))
    list_devices(make_client(session, customer="c" * 24))
    assert listing.calls.last.request.url.params["customer"] == "c" * 24


def test_cached_token_shared_by_two_clients(session, mock, tmp_path):
    login = mock.post("/auth/login").respond(json=login_reply())
    listing = mock.get("/network/device").respond(json=list_reply([], 0))
    list_devices(make_client(session, cache=TokenCache(directory=str(tmp_path))))
    second = make_client(session, cache=TokenCache(directory=str(tmp_path)))
    list_devices(second)
    assert login.call_count == 1
    assert listing.call_count == 2 and listing.calls.last.request.url.params["token"] == TOKEN
    assert second.access_level == "MANAGER" and second.login_customer == CUSTOMER  # kept in the cache entry
    entry = json.loads(next(path for path in tmp_path.iterdir() if path.suffix == ".json").read_text())
    assert entry["accessLevel"] == "MANAGER" and entry["customer"] == CUSTOMER
    assert 14 * 60 < entry["expires_at"] - __import__("time").time() <= 15 * 60
    assert PASSWORD not in "".join(path.read_text() for path in tmp_path.iterdir() if path.suffix == ".json")


def test_other_credentials_do_not_share_the_cached_token(session, mock, tmp_path):
    login = mock.post("/auth/login").respond(json=login_reply())
    mock.get("/network/device").respond(json=list_reply([], 0))
    list_devices(make_client(session, cache=TokenCache(directory=str(tmp_path))))
    list_devices(make_client(session, cache=TokenCache(directory=str(tmp_path)), password="another-password"))
    assert login.call_count == 2


def test_expired_token_logs_in_again_once_and_resends(session, mock):
    login = mock.post("/auth/login")
    login.side_effect = [httpx.Response(200, json=login_reply(TOKEN)), httpx.Response(200, json=login_reply(TOKEN2))]
    listing = mock.get("/network/device")
    listing.side_effect = [error(401, "expired", "Session expired"), httpx.Response(200, json=list_reply([], 0))]
    client = make_client(session)
    assert list_devices(client) == []
    assert login.call_count == 2
    assert [call.request.url.params["token"] for call in listing.calls] == [TOKEN, TOKEN2]


def test_expired_token_refused_again_after_login_is_an_auth_error(session, mock):
    login = mock.post("/auth/login")
    login.side_effect = [httpx.Response(200, json=login_reply(TOKEN)), httpx.Response(200, json=login_reply(TOKEN2))]
    mock.get("/network/device/%s" % DEVICE_ID).respond(401, json={"error": "invalid_token"})
    with pytest.raises(AuthError) as info:
        make_client(session).get_device(DEVICE_ID)
    assert login.call_count == 2  # one re-login, not a loop
    assert "even after a new login" in str(info.value) and "IP address" in str(info.value)
    assert_no_secret(info.value)


def test_expired_cached_token_is_replaced_in_the_cache(session, mock, tmp_path):
    login = mock.post("/auth/login")
    login.side_effect = [httpx.Response(200, json=login_reply(TOKEN)), httpx.Response(200, json=login_reply(TOKEN2))]
    listing = mock.get("/network/device")
    listing.side_effect = [
        httpx.Response(200, json=list_reply([], 0)),
        error(401, "expired"),
        httpx.Response(200, json=list_reply([], 0)),
        httpx.Response(200, json=list_reply([], 0)),
    ]
    list_devices(make_client(session, cache=TokenCache(directory=str(tmp_path))))
    list_devices(make_client(session, cache=TokenCache(directory=str(tmp_path))))
    list_devices(make_client(session, cache=TokenCache(directory=str(tmp_path))))
    assert login.call_count == 2
    assert [call.request.url.params["token"] for call in listing.calls] == [TOKEN, TOKEN, TOKEN2, TOKEN2]


def test_wrong_password_is_a_clear_auth_error(session, mock):
    mock.post("/auth/login").respond(401, json={"error": "credentials_invalid", "message": "Wrong username or password"})
    listing = mock.get("/network/device")
    with pytest.raises(AuthError) as info:
        list_devices(make_client(session))
    message = str(info.value)
    assert "login as %s was refused" % USERNAME in message and "TELECOMX_PASSWORD" in message
    assert not listing.called
    assert_no_secret(info.value)


def test_login_reply_without_token_is_malformed(session, mock):
    mock.post("/auth/login").respond(json={"success": True})
    with pytest.raises(MalformedResponseError):
        list_devices(make_client(session))


def test_persistent_login_reply_is_cached_without_expiry(session, mock, tmp_path):
    mock.post("/auth/login").respond(json=login_reply(minutes=-1))
    mock.get("/network/device").respond(json=list_reply([], 0))
    list_devices(make_client(session, cache=TokenCache(directory=str(tmp_path))))
    entry = json.loads(next(path for path in tmp_path.iterdir() if path.suffix == ".json").read_text())
    assert entry["expires_at"] is None


def test_given_token_is_used_as_is(session, mock):
    login = mock.post("/auth/login")
    listing = mock.get("/network/device").respond(json=list_reply([], 0))
    list_devices(token_client(session))
    assert not login.called
    assert listing.calls.last.request.url.params["token"] == GIVEN_TOKEN


def test_given_token_refused_is_a_clear_auth_error_without_login(session, mock):
    login = mock.post("/auth/login")
    listing = mock.get("/network/device").respond(401, json={"error": "expired", "message": "Session expired"})
    with pytest.raises(AuthError) as info:
        list_devices(token_client(session))
    message = str(info.value)
    assert "given token" in message and "invalid or expired" in message and "session expired" in message
    assert not login.called and listing.call_count == 1  # nothing to renew it with: no resend
    assert_no_secret(info.value)


def test_given_token_access_level_from_validate_token(session, mock):
    validate = mock.get("/auth/validateToken").respond(json={"success": True, "employee": "e" * 24, "customer": CUSTOMER, "accessLevel": "VIEWER"})
    create = mock.post("/network/device")
    client = token_client(session)
    with pytest.raises(PermissionDeniedError) as info:
        client.create_device({"name": "x", "model": MODEL_ID, "mac_address": "02:00:00:00:00:01"})
    assert "VIEWER" in str(info.value) and "the token's account" in str(info.value)
    assert validate.calls.last.request.url.params["token"] == GIVEN_TOKEN
    assert not create.called
    assert client.access_level == "VIEWER" and validate.call_count == 1  # asked once


def test_given_token_without_validate_token_endpoint_leaves_the_decision_to_the_api(session, mock):
    mock.get("/auth/validateToken").respond(404, json={"error": "not_found"})
    mock.post("/network/device").respond(403, json={"error": "access_denied", "message": "Insufficient access level"})
    with pytest.raises(PermissionDeniedError) as info:
        token_client(session).create_device({"name": "x", "model": MODEL_ID, "mac_address": "020000000001"})
    assert "access denied" in str(info.value)


def test_logout_is_never_called(session, mock):
    mock.post("/auth/login").respond(json=login_reply())
    mock.get("/network/device").respond(json=list_reply([], 0))
    logout = mock.get("/auth/logout")
    client = make_client(session)
    list_devices(client)
    client.close()
    assert not logout.called


# ---- access level ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "operation",
    [
        lambda client: client.create_device({"name": "x", "model": MODEL_ID, "mac_address": "020000000001"}),
        lambda client: client.update_device(DEVICE_ID, {"name": "y"}),
        lambda client: client.delete_device(DEVICE_ID),
    ],
)
def test_viewer_cannot_write_and_nothing_is_sent(session, mock, operation):
    mock.post("/auth/login").respond(json=login_reply(level="VIEWER"))
    writes = [mock.post("/network/device"), mock.post("/network/device/%s" % DEVICE_ID), mock.delete("/network/device/%s" % DEVICE_ID)]
    client = make_client(session)
    with pytest.raises(PermissionDeniedError) as info:
        operation(client)
    message = str(info.value)
    assert "manager@example.com has access level VIEWER" in message and "MANAGER, OWNER, RESELLER, ADMIN" in message
    assert not any(route.called for route in writes)


def test_manager_passes_require_write(session, mock):
    mock.post("/auth/login").respond(json=login_reply(level="MANAGER"))
    make_client(session).require_write()


def test_access_denied_names_the_access_level(session, mock):
    mock.post("/auth/login").respond(json=login_reply(level="RESELLER"))
    mock.get("/network/device").respond(403, json={"success": False, "error": "access_denied", "message": "Insufficient access level"})
    with pytest.raises(PermissionDeniedError) as info:
        list_devices(make_client(session), customer="f" * 24)
    assert "access level RESELLER" in str(info.value) and "access_denied" in str(info.value)
    assert info.value.vendor_message == "access_denied" and info.value.status == 403


# ---- envelope and errors ------------------------------------------------------------------------


@pytest.fixture
def logged_in(session, mock):
    mock.post("/auth/login").respond(json=login_reply())
    return make_client(session)


def test_mac_in_use_is_a_conflict_naming_the_mac(logged_in, mock):
    reply = {"success": False, "error": "macAddress", "message": "MAC address is already in use."}
    create = mock.post("/network/device").respond(422, json=reply)
    with pytest.raises(ConflictError) as info:
        logged_in.create_device({"name": "x", "model": MODEL_ID, "mac_address": "02-C0-DE-00-00-01"})
    assert isinstance(info.value, ValidationError)
    assert "MAC address 02:c0:de:00:00:01 is already in use" in str(info.value)
    assert info.value.vendor_message == "macAddress" and info.value.status == 422
    assert json.loads(create.calls.last.request.content)["macAddress"] == "02c0de000001"  # 12 hex digits


@pytest.mark.parametrize(
    "status, body, cls, words",
    [
        (404, {"error": "id"}, NotFoundError, "no network device with id %s" % DEVICE_ID),
        (409, {"error": "type", "message": "model: Value is not one of the permitted values"}, ValidationError, "permitted values"),
        (400, {"error": "bad_request"}, ValidationError, "malformed"),
        (500, {"error": "internal_error"}, ServerError, "internal error"),
        (403, {"error": "blacklisted"}, PermissionDeniedError, "blacklisted"),
        (404, "id", NotFoundError, "(id)"),  # a bare string body
        (400, {"errors": ["name is required"]}, ValidationError, "name is required"),
        (400, {"errors": {"name": "required"}}, ValidationError, "name: required"),
        (502, "<html>Bad gateway</html>", ServerError, "<html>Bad gateway</html>"),
        (418, {"unexpected": "shape"}, ApiError, "'unexpected': 'shape'"),  # raw body kept
    ],
)
def test_error_shapes_become_typed_errors(logged_in, mock, status, body, cls, words):
    response = httpx.Response(status, json=body) if not isinstance(body, str) or not body.startswith("<") else httpx.Response(status, text=body)
    mock.get("/network/device/%s" % DEVICE_ID).mock(return_value=response)
    logged_in.max_retries = 0
    with pytest.raises(cls) as info:
        logged_in.get_device(DEVICE_ID)
    assert words in str(info.value), str(info.value)
    assert info.value.status == status and info.value.body is not None
    assert str(info.value).startswith("telecomx: GET /network/device/%s failed with HTTP %d" % (DEVICE_ID, status))
    assert_no_secret(info.value)


def test_409_type_is_a_validation_error_not_a_conflict(logged_in, mock):
    mock.post("/network/device/%s" % DEVICE_ID).respond(409, json={"error": "type"})
    with pytest.raises(ValidationError) as info:
        logged_in.update_device(DEVICE_ID, {"name": "y"})
    assert not isinstance(info.value, ConflictError)


def test_success_false_on_http_200_is_an_error(logged_in, mock):
    mock.get("/network/device/%s" % DEVICE_ID).respond(json={"success": False, "error": "id", "message": "weird"})
    with pytest.raises(ApiError) as info:
        logged_in.get_device(DEVICE_ID)
    assert "success false" in str(info.value) and "weird" in str(info.value)


def test_body_that_is_not_json_is_malformed(logged_in, mock):
    mock.get("/network/device/%s" % DEVICE_ID).respond(200, text="<html>%s</html>" % TOKEN)
    with pytest.raises(MalformedResponseError) as info:
        logged_in.get_device(DEVICE_ID)
    assert_no_secret(info.value)


def test_device_reply_without_id_is_malformed_and_hides_wifi_passwords(logged_in, mock):
    broken = api_device(1)
    del broken["_id"]
    mock.get("/network/device/%s" % DEVICE_ID).respond(json=broken)
    with pytest.raises(MalformedResponseError) as info:
        logged_in.get_device(DEVICE_ID)
    assert_no_secret(info.value)


# ---- redaction ---------------------------------------------------------------------------------


def test_token_and_password_never_appear_in_errors(logged_in, mock):
    echo = "refused %s?token=%s password=%s" % (BASE + "/network/device", TOKEN, PASSWORD)
    mock.get("/network/device").respond(
        500, json={"error": "internal_error", "message": echo, "token": TOKEN, "request": {"password": PASSWORD, "url": "/x?token=" + TOKEN}}
    )
    logged_in.max_retries = 0
    with pytest.raises(ServerError) as info:
        list_devices(logged_in)
    assert "********" in str(info.value)
    assert_no_secret(info.value)


def test_transport_error_does_not_show_the_token_in_the_url(logged_in, mock):
    mock.get("/network/device").mock(side_effect=httpx.ConnectError("cannot reach %s/network/device?token=%s" % (BASE, TOKEN)))
    logged_in.max_retries = 0
    with pytest.raises(WanfleetError) as info:
        list_devices(logged_in)
    assert_no_secret(info.value)


def test_given_token_is_redacted(session, mock):
    mock.get("/network/device").respond(500, json={"error": "internal_error", "message": "bad token " + GIVEN_TOKEN})
    client = token_client(session)
    client.max_retries = 0
    with pytest.raises(ServerError) as info:
        list_devices(client)
    assert_no_secret(info.value)


def test_records_mask_wifi_passwords_in_raw(logged_in, mock):
    mock.get("/network/device/%s" % DEVICE_ID).respond(json=api_device(1, _id=DEVICE_ID))
    mock.get("/network/device/model").respond(json={"total": 3, "networkDeviceModels": MODELS})
    device = logged_in.devices(device=DEVICE_ID)[0]
    dumped = json.dumps(device.record(include_raw=True))
    assert "wifi-pass-24" not in dumped and "wifi-pass-five" not in dumped
    assert "wifi-pass-24" in logged_in.redactor.secrets  # and never in a later message


# ---- retries ---------------------------------------------------------------------------------


def test_429_is_retried_after_retry_after(session, mock):
    mock.post("/auth/login").respond(json=login_reply())
    sleeps = []
    listing = mock.get("/network/device")
    listing.side_effect = [
        httpx.Response(429, headers={"Retry-After": "3"}),
        httpx.Response(429, headers={"Retry-After": "1"}),
        httpx.Response(200, json=list_reply([], 0)),
    ]
    client = make_client(session, sleeps=sleeps)
    assert list_devices(client) == []
    # (the rate schedule, which also waits out a Retry-After, sleeps with the same function: counted apart)
    assert [retry[-1] for retry in client.retries] == [3.0, 1.0] and listing.call_count == 3


def test_create_is_never_resent(logged_in, mock):
    create = mock.post("/network/device").respond(503, headers={"Retry-After": "1"})
    with pytest.raises(ServerError):
        logged_in.create_device({"name": "x", "model": MODEL_ID, "mac_address": "020000000001"})
    assert create.call_count == 1


def test_update_sets_absolute_values_and_may_be_resent(logged_in, mock):
    update = mock.post("/network/device/%s" % DEVICE_ID)
    update.side_effect = [httpx.Response(503, headers={"Retry-After": "0"}), httpx.Response(200, json=api_device(1, _id=DEVICE_ID))]
    assert logged_in.update_device(DEVICE_ID, {"name": "site-1"})["id"] == DEVICE_ID
    assert update.call_count == 2


# ---- paging ---------------------------------------------------------------------------------


def paged_listing(mock, total, short_at=None, fail_at=None):
    devices = [api_device(n) for n in range(total)]

    def handler(request):
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        if offset == fail_at:
            return httpx.Response(500, json={"error": "internal_error"})
        page = devices[offset : offset + limit]
        if offset == short_at:
            page = page[:-1]
        return httpx.Response(200, json=list_reply(page, total, offset, limit))

    return mock.get("/network/device").mock(side_effect=handler)


def test_paging_follows_total_across_pages(logged_in, mock):
    listing = paged_listing(mock, 1201)
    devices = list_devices(logged_in)
    assert len(devices) == 1201 and len(set(device["id"] for device in devices)) == 1201
    assert sorted(int(call.request.url.params["offset"]) for call in listing.calls) == [0, 500, 1000]
    assert all(call.request.url.params["limit"] == "500" for call in listing.calls)
    assert [device["id"] for device in devices] == ["%024x" % n for n in range(1201)]  # order kept


def test_concurrent_pages_refused_together_share_one_new_login(session, mock):
    login = mock.post("/auth/login")
    login.side_effect = [
        httpx.Response(200, json=login_reply(TOKEN)),
        httpx.Response(200, json=login_reply(TOKEN2)),
        httpx.Response(200, json=login_reply("tok_third_000000000")),
    ]
    devices = [api_device(n) for n in range(2001)]
    together = threading.Barrier(3, timeout=10)  # the three later pages are all refused before any re-login

    def handler(request):
        offset = int(request.url.params["offset"])
        if offset and request.url.params["token"] == TOKEN:
            together.wait()
            return error(401, "expired")
        return httpx.Response(200, json=list_reply(devices[offset : offset + 500], 2001, offset))

    mock.get("/network/device").mock(side_effect=handler)
    assert len(list_devices(make_client(session))) == 2001
    assert login.call_count == 2


def test_a_short_page_is_continued_from_where_it_ended(logged_in, mock):
    # The wiki: a page may hold fewer items than `limit`; the listing continues from the real offset.
    listing = paged_listing(mock, 1201, short_at=500)
    devices = list_devices(logged_in)
    assert [device["id"] for device in devices] == ["%024x" % n for n in range(1201)]
    assert 999 in [int(call.request.url.params["offset"]) for call in listing.calls]


def test_a_listing_shorter_than_its_total_raises_instead_of_a_partial_list(logged_in, mock):
    devices = [api_device(n) for n in range(1200)]
    mock.get("/network/device").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json=list_reply(devices[int(request.url.params["offset"]) : int(request.url.params["offset"]) + 500], 1201, int(request.url.params["offset"]), 500),
        )
    )
    with pytest.raises(PaginationError) as info:
        list_devices(logged_in)
    assert "1200 of 1201" in str(info.value)


def test_a_failing_page_raises(logged_in, mock):
    paged_listing(mock, 1201, fail_at=1000)
    logged_in.max_retries = 0
    with pytest.raises(ServerError) as info:
        list_devices(logged_in)
    assert "no partial list" in str(info.value)


def test_list_without_the_list_key_is_malformed(logged_in, mock):
    mock.get("/network/device").respond(json={"offset": 0, "limit": 500, "total": 1, "devices": []})
    with pytest.raises(MalformedResponseError) as info:
        list_devices(logged_in)
    assert "networkDevices" in str(info.value)


@pytest.mark.parametrize("key", ["networkDevices", "networkDeviceModels", "models", "somethingElse"])
def test_model_list_key_is_read_defensively(logged_in, mock, key):
    models = mock.get("/network/device/model").respond(json={"offset": 0, "limit": 500, "total": 3, key: MODELS})
    assert [model["name"] for model in logged_in.list_models()] == ["XVS-200", "XM-100", "XM-100"]
    logged_in.list_models()
    assert models.call_count == 1  # read once per client


def test_resolve_model_by_id_name_or_brand_and_name(logged_in, mock):
    mock.get("/network/device/model").respond(json={"total": 3, "networkDevices": MODELS})
    assert logged_in.resolve_model(MODEL_ID)["name"] == "XVS-200"
    assert logged_in.resolve_model("xvs-200")["_id"] == MODEL_ID
    assert logged_in.resolve_model("NETGEAR XM-100")["type"] == "SWITCH"
    with pytest.raises(AmbiguousError) as info:
        logged_in.resolve_model("XM-100")
    assert "TP-LINK XM-100" in str(info.value) and "NETGEAR XM-100" in str(info.value)
    with pytest.raises(NotFoundError) as info:
        logged_in.resolve_model("XVS-999")
    assert "TP-LINK XVS-200" in str(info.value)


def test_create_resolves_a_model_name_and_fills_the_customer(logged_in, mock):
    mock.get("/network/device/model").respond(json={"total": 3, "networkDevices": MODELS})
    create = mock.post("/network/device").respond(json=api_device(7, state="PROVISIONING", jobs=1))
    device = logged_in.create_device(
        {
            "name": "site-7",
            "model": "XVS-200",
            "mac_address": "02:c0:de:00:00:07",
            "serial_number": "SN7",
            "wifi": {"enabled": True, "ssid": "Shop", "password": "wifi-pass-24", "enabled_5g": False, "ssid_6g": None},
            "dhcp": None,
        }
    )
    body = json.loads(create.calls.last.request.content)
    assert body == {
        "name": "site-7",
        "model": MODEL_ID,
        "macAddress": "02c0de000007",
        "serialNumber": "SN7",
        "customer": CUSTOMER,
        "wifi": {"enabled": True, "ssid": "Shop", "password": "wifi-pass-24", "enabled5G": False},
    }
    assert device["state"] == "PROVISIONING" and device["mac_address"] == "02:c0:de:00:00:07"


# ---- conversions ------------------------------------------------------------------------------


def test_camel_and_snake_round_trip():
    raw = api_device(3)
    record = telecomx.device_from_api(raw)
    assert record["id"] == raw["_id"] and record["mac_address"] == "02:c0:de:00:00:03"
    assert record["serial_number"] == "SN00003" and record["model_brand"] == "TP-LINK"
    assert record["wifi"] == {
        "enabled": True,
        "ssid": "Shop",
        "password": "wifi-pass-24",
        "enabled_5g": True,
        "ssid_5g": "Shop-5G",
        "password_5g": "wifi-pass-five",
        "enabled_6g": False,
        "ssid_6g": None,
        "password_6g": None,
        "band_steering": False,
    }
    assert record["dhcp"]["reserved_clients"] == [{"mac": "12:34:56:78:90:13", "ip": "192.168.0.10", "enable": True, "id": "r8jf84fv"}]
    assert record["dhcp"]["lease_time"] == 10 and record["dhcp"]["ip_pool_start"] == "192.168.0.100"
    assert record["status"]["lan_ip"] == "192.168.0.1" and record["status"]["wan_ip"] == "100.64.0.123"
    writable = dict((key, record[key]) for key in ("name", "model", "customer", "mac_address", "serial_number", "notes", "wifi", "dhcp"))
    body = telecomx.device_to_api(writable, partial=True)
    expected = dict((key, raw[key]) for key in ("name", "model", "customer", "macAddress", "serialNumber", "wifi", "dhcp"))
    expected["wifi"] = dict((key, value) for key, value in raw["wifi"].items() if value is not None)
    expected["dhcp"] = dict(raw["dhcp"], reservedClients=[dict(raw["dhcp"]["reservedClients"][0], enable=True)])
    assert body == expected  # notes None (not managed) is left out


def test_condensed_list_items_convert_too():
    record = telecomx.device_from_api(
        {"_id": "a" * 24, "macAddress": "02C0DE000001", "wifiEnabled": True, "lastComm": "2025-01-01T00:00:00.000Z", "online": False}
    )
    assert record == {"id": "a" * 24, "mac_address": "02:c0:de:00:00:01", "wifi_enabled": True, "last_comm": "2025-01-01T00:00:00.000Z", "online": False}


def test_unknown_or_bad_options_fail_before_any_request():
    with pytest.raises(InputError) as info:
        telecomx.device_to_api({"wifi": {"ssid5g": "x"}})
    assert "ssid5g" in str(info.value) and "ssid_5g" in str(info.value)
    with pytest.raises(InputError):
        telecomx.device_to_api({"mac_address": "not-a-mac"})
    with pytest.raises(InputError):
        telecomx.device_to_api({"dhcp": {"reserved_clients": [{"mac": "zz", "ip": "10.0.0.1"}]}})
    with pytest.raises(InputError):
        telecomx.device_to_api({"state": "ACTIVE"})


def test_update_null_wifi_and_merge_with_current(logged_in, mock):
    update = mock.post("/network/device/%s" % DEVICE_ID).respond(json=api_device(1, _id=DEVICE_ID))
    logged_in.update_device(DEVICE_ID, {"wifi": None})
    assert json.loads(update.calls.last.request.content) == {"wifi": None}
    current = telecomx.device_from_api(api_device(1))
    current["wifi"]["channel_width"] = 80  # a property the API might add later: not sent back
    logged_in.update_device(DEVICE_ID, {"wifi": {"ssid": "New", "ssid_5g": None}, "mac_address": "02:c0:de:00:00:09"}, current=current)
    body = json.loads(update.calls.last.request.content)
    assert body["macAddress"] == "02c0de000009"
    assert body["wifi"] == {"ssid": "New"}  # only the key that changes: a concurrent edit of another key stays


def test_update_refuses_what_the_api_cannot_change(logged_in, mock):
    update = mock.post("/network/device/%s" % DEVICE_ID)
    with pytest.raises(UnsupportedError) as info:
        logged_in.update_device(DEVICE_ID, {"model": MODEL_ID, "serial_number": "x"})
    assert "model, serial_number" in str(info.value)
    assert not update.called


# ---- devices(): the device_info / inventory records --------------------------------------------


def test_devices_records(logged_in, mock):
    paged_listing(mock, 3)
    mock.get("/network/device/model").respond(json={"total": 3, "networkDevices": MODELS})
    devices = logged_in.devices()
    first = devices[0].record()
    assert first["platform"] == "telecomx" and first["id"] == "%024x" % 0 and first["serial"] == "SN00000"
    assert first["mac"] == "02:c0:de:00:00:00" and first["model"] == "TP-LINK XVS-200" and first["firmware"] is None
    assert first["status"] == "online" and first["group"] is None
    assert first["wan"] == [{"id": "wan", "name": "WAN", "type": "cellular", "status": "connected", "ip": "100.64.0.123", "priority": None, "enabled": None}]
    assert first["ssids"] == [{"id": "2.4", "name": "Shop", "enabled": True}, {"id": "5", "name": "Shop-5G", "enabled": True}]
    assert "raw" not in first


def test_devices_group_is_unsupported_before_any_request(session, mock):
    login = mock.post("/auth/login")
    with pytest.raises(UnsupportedError) as info:
        make_client(session).devices(group="shops")
    assert "no device groups" in str(info.value) and not login.called


@pytest.mark.parametrize("key", ["02-C0-DE-00-00-02", "02c0.de00.0002", "SN00002", "site-2"])
def test_one_device_by_mac_serial_or_name(logged_in, mock, key):
    paged_listing(mock, 4)
    mock.get("/network/device/model").respond(json={"total": 3, "networkDevices": MODELS})
    assert [device.id for device in logged_in.devices(device=key)] == ["%024x" % 2]


def test_one_device_by_id_is_one_get(logged_in, mock):
    listing = mock.get("/network/device")
    mock.get("/network/device/%s" % DEVICE_ID).respond(json=api_device(1, _id=DEVICE_ID, status={"online": False}))
    mock.get("/network/device/model").respond(403, json={"error": "access_denied"})  # only costs the label
    (device,) = logged_in.devices(device=DEVICE_ID)
    assert device.status == "offline" and device.model == "TP-LINK %s" % MODEL_ID and device.wan == []
    assert not listing.called


def test_one_device_ambiguous_or_missing(logged_in, mock):
    devices = [api_device(1), api_device(2, name="site-1")]
    mock.get("/network/device").respond(json=list_reply(devices, 2))
    mock.get("/network/device/model").respond(json={"total": 0, "networkDevices": []})
    with pytest.raises(AmbiguousError) as info:
        logged_in.devices(device="site-1")
    assert "%024x" % 1 in str(info.value) and "%024x" % 2 in str(info.value)
    with pytest.raises(NotFoundError) as info:
        logged_in.devices(device="nowhere")
    assert "2 devices listed" in str(info.value)


def test_filters_are_applied_client_side(logged_in, mock):
    devices = [api_device(1), api_device(2, name="depot-2", status={"online": False}), api_device(3, state="PROVISIONING")]
    listing = mock.get("/network/device").respond(json=list_reply(devices, 3))
    mock.get("/network/device/model").respond(json={"total": 3, "networkDevices": MODELS})
    assert [d.name for d in logged_in.devices(filters={"name": "site-*"})] == ["site-1", "site-3"]
    assert [d.name for d in logged_in.devices(filters={"status": "offline"})] == ["depot-2"]
    assert [d.name for d in logged_in.devices(filters={"state": "provisioning"})] == ["site-3"]
    assert [d.name for d in logged_in.devices(filters={"mac": ["02:C0:DE:00:00:01", "02c0de000003"]})] == ["site-1", "site-3"]
    assert [d.name for d in logged_in.devices(filters={"model": "*xvs-200", "customer": "f" * 24})] == ["site-1", "depot-2", "site-3"]
    assert listing.calls.last.request.url.params["customer"] == "f" * 24  # the one server-side filter
    with pytest.raises(InputError):
        logged_in.devices(filters={"group": "x"})


def test_find_device_by_mac_or_id(logged_in, mock):
    paged_listing(mock, 3)
    mock.get("/network/device/%s" % DEVICE_ID).respond(404, json={"error": "id"})
    assert logged_in.find_device("02:C0:DE:00:00:01")["id"] == "%024x" % 1
    assert logged_in.find_device("02c0de0000ff") is None
    assert logged_in.find_device(DEVICE_ID) is None


# ---- delete and wait ---------------------------------------------------------------------------


def test_delete(logged_in, mock):
    delete = mock.delete("/network/device/%s" % DEVICE_ID).respond(json={"success": True})
    assert logged_in.delete_device(DEVICE_ID) is True
    assert delete.calls.last.request.url.params["token"] == TOKEN


def test_delete_of_a_device_already_gone(logged_in, mock):
    mock.delete("/network/device/%s" % DEVICE_ID).respond(404, json={"error": "id"})
    mock.get("/network/device/%s" % DEVICE_ID).respond(404, json={"error": "id"})
    assert logged_in.delete_device(DEVICE_ID) is False


def test_delete_404_while_the_device_exists_points_at_the_inferred_call(logged_in, mock):
    mock.delete("/network/device/%s" % DEVICE_ID).respond(404, text="Not Found")
    mock.get("/network/device/%s" % DEVICE_ID).respond(json=api_device(1, _id=DEVICE_ID))
    with pytest.raises(NotFoundError) as info:
        logged_in.delete_device(DEVICE_ID)
    assert "inferred delete call" in str(info.value)


def test_wait_provisioned_polls_until_active_without_jobs(session, mock, fake_clock):
    mock.post("/auth/login").respond(json=login_reply())
    clock = fake_clock
    get = mock.get("/network/device/%s" % DEVICE_ID)
    get.side_effect = [
        httpx.Response(200, json=api_device(1, _id=DEVICE_ID, state="PROVISIONING", jobs=2)),
        httpx.Response(200, json=api_device(1, _id=DEVICE_ID, state="ACTIVE", jobs=1)),
        httpx.Response(200, json=api_device(1, _id=DEVICE_ID, state="ACTIVE", jobs=0)),
    ]
    device = make_client(session, clock=clock).wait_provisioned(DEVICE_ID, timeout=60, sleep=5)
    assert device["state"] == "ACTIVE" and device["jobs"] == 0
    assert clock.sleeps == [1.0, 2.0] and get.call_count == 3  # quick first polls, doubling up to `sleep`


def test_wait_provisioned_times_out_clearly(session, mock, fake_clock):
    mock.post("/auth/login").respond(json=login_reply())
    clock = fake_clock
    mock.get("/network/device/%s" % DEVICE_ID).respond(json=api_device(1, _id=DEVICE_ID, state="PROVISIONING", jobs=1))
    with pytest.raises(WaitTimeoutError) as info:
        make_client(session, clock=clock).wait_provisioned(DEVICE_ID, timeout=12, sleep=5)
    assert "not provisioned within 12s (state PROVISIONING, 1 job(s) in progress)" in str(info.value)
    assert clock.sleeps == [1.0, 2.0, 4.0, 5.0]


def test_wait_provisioned_stops_on_deleting(logged_in, mock):
    mock.get("/network/device/%s" % DEVICE_ID).respond(json=api_device(1, _id=DEVICE_ID, state="DELETING", jobs=1))
    with pytest.raises(ApiError) as info:
        logged_in.wait_provisioned(DEVICE_ID)
    assert "being deleted" in str(info.value)


# ---- the modules' input checks -----------------------------------------------------------------

from ansible_collections.wanfleet.routers.plugins.module_utils.errors import MASK  # noqa: E402
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import ensure  # noqa: E402

CAP_MODELS = [
    {
        "_id": MODEL_ID,
        "brand": "TP-LINK",
        "name": "XVS-200",
        "type": "ROUTER",
        "capabilities": {"wifi": True, "wifi2G": True, "wifi5G": True, "wifi6G": False, "simSupport": True},
    },
    {
        "_id": "12345678901234567890aaab",
        "brand": "TP-LINK",
        "name": "XVS-700",
        "type": "ROUTER",
        "capabilities": {"wifi": True, "wifi2G": True, "wifi5G": True, "wifi6G": True, "simSupport": False},
    },
    {
        "_id": "12345678901234567890aaac",
        "brand": "NETGEAR",
        "name": "XS-108",
        "type": "SWITCH",
        "capabilities": {"wifi": False, "wifi2G": False, "wifi5G": False, "wifi6G": False, "simSupport": False},
    },
]


def test_ssid_length_counts_utf8_bytes():
    telecomx.check_ssid("x" * 32, "name")
    for value in ("x" * 33, "æ" * 17, ""):
        with pytest.raises(InputError) as info:
            telecomx.check_ssid(value, "wifi.ssid")
        assert "wifi.ssid must be 1 to 32 characters" in str(info.value)


def test_dhcp_input_normalises_what_is_given():
    dhcp = telecomx.dhcp_input(
        {
            "enable": True,
            "ip_pool_start": " 10.1.2.100",
            "ip_pool_end": "10.1.2.200",
            "lease_time": 60,
            "primary_dns_server": "1.1.1.1",
            "reserved_clients": [{"mac": "02-AA-BB-CC-DD-EE", "ip": "10.1.2.5"}],
        }
    )
    assert dhcp == {
        "enable": True,
        "ip_pool_start": "10.1.2.100",
        "ip_pool_end": "10.1.2.200",
        "lease_time": 60,
        "primary_dns_server": "1.1.1.1",
        "reserved_clients": [{"mac": "02:aa:bb:cc:dd:ee", "ip": "10.1.2.5", "enable": True}],
    }
    assert telecomx.dhcp_input({"lease_time": None, "enable": None}) == {}


@pytest.mark.parametrize(
    "dhcp, words",
    [
        ({"ip_pool_start": "10.0.0.300"}, "dhcp.ip_pool_start must be an IPv4 address"),
        ({"primary_dns_server": "dns.example.com"}, "dhcp.primary_dns_server must be an IPv4 address"),
        ({"ip_pool_start": "10.0.0.200", "ip_pool_end": "10.0.0.100"}, "dhcp.ip_pool_start 10.0.0.200 is above dhcp.ip_pool_end 10.0.0.100"),
        ({"ip_pool_start": "10.0.0.100", "ip_pool_end": "10.0.1.100"}, "are not in one /24 subnet"),
        ({"lease_time": 0}, "dhcp.lease_time is in minutes and must be at least 1"),
        (
            {"ip_pool_start": "10.0.0.100", "reserved_clients": [{"mac": "020000000001", "ip": "10.0.9.5"}]},
            "dhcp.reserved_clients[0].ip 10.0.9.5 is outside the DHCP pool's subnet 10.0.0.0/24",
        ),
        ({"reserved_clients": [{"mac": "02:00:00:00:00:0g", "ip": "10.0.0.5"}]}, "dhcp.reserved_clients[0].mac: '02:00:00:00:00:0g' is not a MAC"),
        (
            {"reserved_clients": [{"mac": "020000000001", "ip": "10.0.0.5"}, {"mac": "02:00:00:00:00:01", "ip": "10.0.0.6"}]},
            "dhcp.reserved_clients[1].mac 02:00:00:00:00:01 is already reserved by dhcp.reserved_clients[0]",
        ),
        (
            {"reserved_clients": [{"mac": "020000000001", "ip": "10.0.0.5"}, {"mac": "020000000002", "ip": "10.0.0.5"}]},
            "dhcp.reserved_clients[1].ip 10.0.0.5 is already reserved",
        ),
    ],
)
def test_dhcp_input_refuses(dhcp, words):
    with pytest.raises(InputError) as info:
        telecomx.dhcp_input(dhcp)
    assert words in str(info.value)


def test_reservations_compare_as_a_set_and_keep_the_device_ids():
    have = [
        {"mac": "02:00:00:00:00:01", "ip": "10.0.0.5", "enable": True, "id": "r1"},
        {"mac": "02:00:00:00:00:02", "ip": "10.0.0.6", "enable": True, "id": "r2"},
    ]
    same = [{"mac": "02:00:00:00:00:02", "ip": "10.0.0.6", "enable": True}, {"mac": "02:00:00:00:00:01", "ip": "10.0.0.5", "enable": True}]
    assert telecomx._reservations_against(same, have) == have  # same set, other order: the device's list, unchanged
    moved = [{"mac": "02:00:00:00:00:01", "ip": "10.0.0.9", "enable": True}, {"mac": "02:00:00:00:00:03", "ip": "10.0.0.7", "enable": True}]
    assert telecomx._reservations_against(moved, have) == [dict(moved[0], id="r1"), moved[1]]


# ---- TelecomXDeviceResource -------------------------------------------------------------------


def device_params(**options):
    params = dict.fromkeys(("id", "mac_address", "name", "model", "customer", "serial_number", "mvno_account", "notes", "wifi", "dhcp"))
    params.update(update_password="always", state="present", wait=False, wait_timeout=300)
    params.update(options)
    return params


def wifi_option(**keys):
    wifi = dict.fromkeys(("enabled", "ssid", "password", "enabled_5g", "ssid_5g", "password_5g", "enabled_6g", "ssid_6g", "password_6g", "band_steering"))
    wifi.update(keys)
    return wifi


def dhcp_option(**keys):
    dhcp = dict.fromkeys(("enable", "ip_pool_start", "ip_pool_end", "lease_time", "primary_dns_server", "reserved_clients"))
    dhcp.update(keys)
    return dhcp


@pytest.fixture
def fleet(mock):
    """Device 1 (XVS-200: 2.4 + 5 GHz) listed; models with capabilities; updates echo the merged body."""
    devices = {1: api_device(1)}

    def listing(request):
        return httpx.Response(200, json=list_reply(list(devices.values()), len(devices)))

    def update(request):
        body = json.loads(request.content)
        device = dict(devices[1])
        for key, value in body.items():
            device[key] = dict(device.get(key) or {}, **value) if isinstance(value, dict) else value
        devices[1] = device
        return httpx.Response(200, json=device)

    mock.get("/network/device").mock(side_effect=listing)
    mock.get("/network/device/model").respond(json={"total": 3, "networkDevices": CAP_MODELS})
    mock.post("/network/device/%024x" % 1).mock(side_effect=update)
    return devices


def posts(mock):
    return [call for call in mock.calls if call.request.method != "GET" and not call.request.url.path.startswith("/auth/")]


def test_device_unchanged_sends_no_write_and_masks_every_password(logged_in, mock, fleet):
    params = device_params(
        mac_address="02:C0:DE:00:00:01",
        name="site-1",
        model="XVS-200",
        wifi=wifi_option(ssid="Shop", password="wifi-pass-24", password_5g="wifi-pass-five"),
        dhcp=dhcp_option(lease_time=10, reserved_clients=[{"mac": "12:34:56:78:90:13", "ip": "192.168.0.10", "enable": True}]),
    )
    result = ensure(telecomx.TelecomXDeviceResource(logged_in, params), "present", False, result_key="device")
    assert result["changed"] is False and not posts(mock)
    assert result["device"]["wifi"]["password"] == result["device"]["wifi"]["password_5g"] == MASK
    assert "wifi-pass" not in json.dumps(result)


def test_device_update_sends_only_the_changed_properties(logged_in, mock, fleet):
    params = device_params(mac_address="02c0de000001", wifi=wifi_option(ssid_5g="Shop-new", password_5g="another-secret"), dhcp=dhcp_option(lease_time=10))
    result = ensure(telecomx.TelecomXDeviceResource(logged_in, params), "present", False, result_key="device")
    (call,) = posts(mock)
    body = json.loads(call.request.content)
    assert list(body) == ["wifi"]  # dhcp unchanged, name not managed
    assert body["wifi"] == {"ssid5G": "Shop-new", "password5G": "another-secret"}  # only the wifi keys that change
    assert result["changed_keys"] == ["wifi"]
    assert result["diff"]["before"]["wifi"]["ssid_5g"] == "Shop-5G" and result["diff"]["after"]["wifi"]["ssid_5g"] == "Shop-new"
    assert result["diff"]["after"]["wifi"]["password_5g"] == MASK
    text = json.dumps(result)
    assert "another-secret" not in text and "wifi-pass" not in text


def test_update_password_on_create_leaves_existing_passwords_alone(logged_in, mock, fleet):
    params = device_params(mac_address="02c0de000001", update_password="on_create", wifi=wifi_option(password="changed-elsewhere"))
    result = ensure(telecomx.TelecomXDeviceResource(logged_in, params), "present", False, "on_create", result_key="device")
    assert result["changed"] is False and not posts(mock)
    always = device_params(mac_address="02c0de000001", wifi=wifi_option(password="changed-elsewhere"))
    assert ensure(telecomx.TelecomXDeviceResource(logged_in, always), "present", True, result_key="device")["changed"] is True


def test_update_password_on_create_sets_a_band_that_has_none(logged_in, mock, fleet):
    fleet[1]["wifi"] = dict(fleet[1]["wifi"], password5G=None)
    params = device_params(mac_address="02c0de000001", update_password="on_create", wifi=wifi_option(password="not-sent-again", password_5g="first-password"))
    result = ensure(telecomx.TelecomXDeviceResource(logged_in, params), "present", False, "on_create", result_key="device")
    body = json.loads(posts(mock)[0].request.content)
    assert body["wifi"] == {"password5G": "first-password"}
    assert result["changed"] is True


@pytest.mark.parametrize(
    "wifi, words",
    [
        (wifi_option(enabled_6g=True, ssid_6g="Six"), "model TP-LINK XVS-200 has no 6 GHz radio, so wifi.enabled_6g cannot be set (its bands: 2.4 GHz, 5 GHz)"),
        (wifi_option(password_6g="abcdefgh"), "wifi.password_6g cannot be set"),
        (wifi_option(enabled_5g=True, ssid_5g=None), None),  # the device has a 5 GHz SSID already: fine
    ],
)
def test_device_wifi_is_held_to_the_model_capabilities(logged_in, mock, fleet, wifi, words):
    resource = telecomx.TelecomXDeviceResource(logged_in, device_params(mac_address="02c0de000001", wifi=wifi))
    if words is None:
        ensure(resource, "present", True, result_key="device")
        return
    with pytest.raises(UnsupportedError) as info:
        ensure(resource, "present", False, result_key="device")
    assert words in str(info.value) and not posts(mock)


def test_device_enabled_band_needs_an_ssid(logged_in, mock, fleet):
    fleet[1]["wifi"] = dict(fleet[1]["wifi"], ssid5G=None, enabled5G=False)
    resource = telecomx.TelecomXDeviceResource(logged_in, device_params(mac_address="02c0de000001", wifi=wifi_option(enabled_5g=True)))
    with pytest.raises(InputError) as info:
        ensure(resource, "present", False, result_key="device")
    assert "wifi.enabled_5g is true but the 5 GHz band has no SSID: give wifi.ssid_5g" in str(info.value) and not posts(mock)


def test_device_dhcp_is_checked_with_the_device_values(logged_in, mock, fleet):
    resource = telecomx.TelecomXDeviceResource(logged_in, device_params(mac_address="02c0de000001", dhcp=dhcp_option(ip_pool_end="192.168.0.50")))
    with pytest.raises(InputError) as info:
        ensure(resource, "present", False, result_key="device")
    assert "dhcp.ip_pool_start 192.168.0.100 is above dhcp.ip_pool_end 192.168.0.50 (with the device's current values)" in str(info.value)
    assert not posts(mock)


def test_dhcp_server_needs_a_pool_from_the_task_or_the_device(logged_in, mock, fleet):
    enable_only = device_params(mac_address="02c0de000001", dhcp=dhcp_option(enable=True))
    assert ensure(telecomx.TelecomXDeviceResource(logged_in, enable_only), "present", True)["changed"] is False  # the device has a pool
    fleet[1]["dhcp"] = None
    with pytest.raises(InputError) as info:
        ensure(telecomx.TelecomXDeviceResource(logged_in, enable_only), "present", True)
    assert "dhcp.enable needs dhcp.ip_pool_start and dhcp.ip_pool_end (the device has none)" in str(info.value)
    new = device_params(mac_address="02c0de0000ff", name="n", model="XVS-200", dhcp=dhcp_option(enable=True, ip_pool_start="10.0.0.5"))
    with pytest.raises(InputError) as info:
        ensure(telecomx.TelecomXDeviceResource(logged_in, new), "present", True)
    assert str(info.value).endswith("dhcp.enable needs dhcp.ip_pool_start and dhcp.ip_pool_end") and not posts(mock)


def test_device_reserved_clients_in_another_order_are_no_change(logged_in, mock, fleet):
    fleet[1]["dhcp"] = dict(
        fleet[1]["dhcp"],
        reservedClients=[
            {"mac": "020000000001", "ip": "192.168.0.11", "enable": True, "id": "r1"},
            {"mac": "020000000002", "ip": "192.168.0.12", "enable": "false", "id": "r2"},
        ],
    )
    wanted = [{"mac": "02:00:00:00:00:02", "ip": "192.168.0.12", "enable": False}, {"mac": "020000000001", "ip": "192.168.0.11", "enable": True}]
    params = device_params(mac_address="02c0de000001", dhcp=dhcp_option(reserved_clients=wanted))
    assert ensure(telecomx.TelecomXDeviceResource(logged_in, params), "present", False, result_key="device")["changed"] is False
    wanted[0]["ip"] = "192.168.0.13"
    ensure(telecomx.TelecomXDeviceResource(logged_in, params), "present", False, result_key="device")
    sent = json.loads(posts(mock)[0].request.content)["dhcp"]["reservedClients"]
    assert sent == [
        {"mac": "020000000002", "ip": "192.168.0.13", "enable": False, "id": "r2"},
        {"mac": "020000000001", "ip": "192.168.0.11", "enable": True, "id": "r1"},
    ]


@pytest.mark.parametrize("option, value", [("serial_number", "OTHER"), ("model", "XVS-700"), ("customer", "f" * 24)])
def test_device_properties_the_update_cannot_change_fail_before_the_write(logged_in, mock, fleet, option, value):
    resource = telecomx.TelecomXDeviceResource(logged_in, device_params(mac_address="02c0de000001", **{option: value}))
    with pytest.raises(UnsupportedError) as info:
        ensure(resource, "present", True, result_key="device")  # check mode too: no false prediction
    assert "the %s of an existing device cannot be changed" % option in str(info.value) and not posts(mock)


def test_device_create_needs_name_model_and_mac(logged_in, mock, fleet):
    with pytest.raises(InputError) as info:
        ensure(telecomx.TelecomXDeviceResource(logged_in, device_params(mac_address="02c0de0000ff", name="new")), "present", False)
    assert "no device has MAC address 02:c0:de:00:00:ff; creating it needs name, model and mac_address (missing: model)" in str(info.value)
    assert not posts(mock)


def test_device_create_in_check_mode_and_for_real(logged_in, mock, fleet):
    create = mock.post("/network/device").respond(json=api_device(9, macAddress="02c0de0000ff", state="PROVISIONING", jobs=1))
    params = device_params(mac_address="02-c0-de-00-00-ff", name="new", model="XVS-200", wifi=wifi_option(ssid="N", password="new-secret-1"))
    predicted = ensure(telecomx.TelecomXDeviceResource(logged_in, params), "present", True, result_key="device")
    assert predicted["changed"] is True and not create.called
    assert predicted["device"]["model"] == MODEL_ID and predicted["device"]["wifi"]["password"] == MASK
    result = ensure(telecomx.TelecomXDeviceResource(logged_in, params), "present", False, result_key="device")
    body = json.loads(create.calls.last.request.content)
    assert body["macAddress"] == "02c0de0000ff" and body["model"] == MODEL_ID and body["wifi"] == {"ssid": "N", "password": "new-secret-1"}
    assert result["device"]["id"] == "%024x" % 9 and "new-secret-1" not in json.dumps(result)


def test_device_create_waits_for_provisioning(session, mock, fake_clock):
    mock.post("/auth/login").respond(json=login_reply())
    mock.get("/network/device").respond(json=list_reply([], 0))
    mock.get("/network/device/model").respond(json={"total": 3, "networkDevices": CAP_MODELS})
    mock.post("/network/device").respond(json=api_device(9, state="PROVISIONING", jobs=1))
    polls = [httpx.Response(200, json=api_device(9, state="PROVISIONING", jobs=1)), httpx.Response(200, json=api_device(9))]
    mock.get("/network/device/%024x" % 9).mock(side_effect=polls)
    clock = fake_clock
    params = device_params(mac_address="02c0de000009", name="n", model="XVS-200", wait=True, wait_timeout=30)
    result = ensure(telecomx.TelecomXDeviceResource(make_client(session, clock=clock), params), "present", False, result_key="device")
    assert result["device"]["state"] == "ACTIVE" and clock.sleeps == [1.0]


def test_device_being_deleted_counts_as_absent_and_blocks_a_create(logged_in, mock, fleet):
    fleet[1] = api_device(1, state="DELETING", jobs=1)
    delete = mock.delete("/network/device/%024x" % 1)
    params = device_params(mac_address="02c0de000001", name="site-1", model="XVS-200")
    assert ensure(telecomx.TelecomXDeviceResource(logged_in, params), "absent", False)["changed"] is False and not delete.called
    with pytest.raises(ConflictError) as info:
        ensure(telecomx.TelecomXDeviceResource(logged_in, params), "present", False)
    assert "is being deleted (state DELETING) and its MAC address stays in use" in str(info.value) and not posts(mock)


def test_device_by_unknown_id(logged_in, mock):
    mock.get("/network/device/%s" % DEVICE_ID).respond(404, json={"error": "id"})
    params = device_params(id=DEVICE_ID, name="x")
    assert ensure(telecomx.TelecomXDeviceResource(logged_in, params), "absent", False)["changed"] is False
    with pytest.raises(NotFoundError) as info:
        ensure(telecomx.TelecomXDeviceResource(logged_in, params), "present", False)
    assert "no network device with id %s; TelecomX assigns ids" % DEVICE_ID in str(info.value)


def test_device_delete(logged_in, mock, fleet):
    delete = mock.delete("/network/device/%024x" % 1).respond(json={"success": True})
    result = ensure(telecomx.TelecomXDeviceResource(logged_in, device_params(mac_address="02c0de000001")), "absent", False, result_key="device")
    assert result["changed"] is True and result["device"] is None and delete.called
    assert result["diff"]["before"]["wifi"]["password"] == MASK and "wifi-pass" not in json.dumps(result)


@pytest.mark.parametrize(
    "options, words",
    [
        ({"mac_address": "00:11:22:33:44"}, "mac_address: '00:11:22:33:44' is not a MAC address"),
        ({"id": "1234"}, "id must be a TelecomX id (24 hexadecimal digits)"),
        ({"mac_address": "001122334455", "customer": "acme"}, "customer must be a TelecomX id"),
        ({"mac_address": "001122334455", "wifi": wifi_option(password="short")}, "wifi.password must be 8 to 63 printable ASCII characters"),
        ({"mac_address": "001122334455", "wifi": wifi_option(ssid_5g="x" * 33)}, "wifi.ssid_5g must be 1 to 32 characters"),
        ({"mac_address": "001122334455", "dhcp": dhcp_option(ip_pool_start="192.168.1.50", ip_pool_end="192.168.1.10")}, "is above"),
        ({}, "telecomx_device needs id or mac_address"),
    ],
)
def test_device_input_is_refused_before_any_request(session, mock, options, words):
    with pytest.raises(InputError) as info:
        ensure(telecomx.TelecomXDeviceResource(make_client(session), device_params(**options)), "present", False)
    assert words in str(info.value) and not mock.calls


def test_viewer_fails_before_the_write_but_may_run_check_mode(session, mock, fleet):
    mock.post("/auth/login").respond(json=login_reply(level="VIEWER"))
    params = device_params(mac_address="02c0de000001", name="renamed")
    assert ensure(telecomx.TelecomXDeviceResource(make_client(session), params), "present", True)["changed"] is True
    with pytest.raises(PermissionDeniedError) as info:
        ensure(telecomx.TelecomXDeviceResource(make_client(session), params), "present", False)
    assert "has access level VIEWER, which cannot update network devices" in str(info.value) and not posts(mock)


# ---- SsidProfileResource -----------------------------------------------------------------------


def ssid_params(**options):
    params = dict.fromkeys(("id", "group", "enabled", "broadcast", "vlan_id", "security", "passphrase", "fast_transition"))
    params.update(name="Shop-5G", device="site-1", band="5", update_passphrase="always", state="present")
    params.update(options)
    return params


@pytest.mark.parametrize(
    "options, cls, words",
    [
        ({"vlan_id": 20}, UnsupportedError, "ssid_profile option vlan_id is not supported on platform telecomx"),
        ({"broadcast": False}, UnsupportedError, "ssid_profile option broadcast is not supported"),
        ({"fast_transition": True}, UnsupportedError, "ssid_profile option fast_transition is not supported"),
        ({"id": "1"}, UnsupportedError, "one SSID per band: choose it with band"),
        ({"group": "shops", "device": None}, UnsupportedError, "TelecomX has no device groups"),
        ({"security": "wpa3_personal"}, UnsupportedError, "ssid_profile security wpa3_personal is not supported"),
        ({"security": "open", "passphrase": "abcdefgh"}, InputError, "passphrase is not allowed with security open"),
        ({"passphrase": "1234567"}, InputError, "passphrase must be 8 to 63 printable ASCII characters"),
        ({"band": None}, InputError, "ssid_profile needs band (2.4, 5 or 6)"),
        ({"device": None}, InputError, "ssid_profile needs device"),
        ({"name": "n" * 33}, InputError, "name (the SSID) must be 1 to 32 bytes"),
    ],
)
def test_ssid_input_is_refused_before_any_request(session, mock, options, cls, words):
    with pytest.raises(cls) as info:
        ensure(telecomx.SsidProfileResource(make_client(session), ssid_params(**options)), "present", False)
    assert words in str(info.value) and not mock.calls


def test_ssid_unchanged_and_masked(logged_in, mock, fleet):
    params = ssid_params(enabled=True, security="wpa2_personal", passphrase="wifi-pass-five")
    result = ensure(telecomx.SsidProfileResource(logged_in, params), "present", False, result_key="profile")
    assert result["changed"] is False and not posts(mock)
    assert result["profile"] == {
        "device": "%024x" % 1,
        "device_name": "site-1",
        "band": "5",
        "name": "Shop-5G",
        "enabled": True,
        "security": "wpa2_personal",
        "passphrase": MASK,
        "band_steering": False,
    }


def test_ssid_change_sends_only_the_band_keys_that_change(logged_in, mock, fleet):
    result = ensure(telecomx.SsidProfileResource(logged_in, ssid_params(name="Guest", passphrase="guest-pass-1")), "present", False, result_key="profile")
    body = json.loads(posts(mock)[0].request.content)
    assert body == {"wifi": {"ssid5G": "Guest", "password5G": "guest-pass-1"}}
    assert result["changed_keys"] == ["name", "passphrase"]
    assert result["diff"] == {"before": {"name": "Shop-5G", "passphrase": MASK}, "after": {"name": "Guest", "passphrase": MASK}}
    assert "guest-pass-1" not in json.dumps(result) and "wifi-pass" not in json.dumps(result)


def test_ssid_open_removes_the_password_and_a_passphrase_sets_it_back(logged_in, mock, fleet):
    ensure(telecomx.SsidProfileResource(logged_in, ssid_params(security="open")), "present", False)
    assert json.loads(posts(mock)[0].request.content)["wifi"]["password5G"] is None
    result = ensure(telecomx.SsidProfileResource(logged_in, ssid_params(security="open")), "present", False, result_key="profile")
    assert result["changed"] is False and result["profile"]["security"] == "open" and result["profile"]["passphrase"] == ""
    with pytest.raises(InputError) as info:
        ensure(telecomx.SsidProfileResource(logged_in, ssid_params(security="wpa2_personal")), "present", False)
    assert "security=wpa2_personal needs a passphrase: the 5 GHz band of device site-1 has none" in str(info.value)
    # on_create: an open band has no password to leave alone, so the given one is set
    result = ensure(
        telecomx.SsidProfileResource(logged_in, ssid_params(passphrase="now-secured", update_passphrase="on_create")),
        "present",
        False,
        "on_create",
        result_key="profile",
    )
    assert result["changed_keys"] == ["passphrase", "security"] and fleet[1]["wifi"]["password5G"] == "now-secured"


def test_ssid_absent_disables_the_band_only_when_it_carries_this_ssid(logged_in, mock, fleet):
    other = ensure(telecomx.SsidProfileResource(logged_in, ssid_params(name="Elsewhere", state="absent")), "absent", False)
    assert other["changed"] is False and not posts(mock)
    result = ensure(telecomx.SsidProfileResource(logged_in, ssid_params(state="absent")), "absent", False, result_key="profile")
    assert result["changed"] is True and result["profile"]["enabled"] is False
    assert json.loads(posts(mock)[0].request.content)["wifi"]["enabled5G"] is False
    again = ensure(telecomx.SsidProfileResource(logged_in, ssid_params(state="absent")), "absent", False)
    assert again["changed"] is False and len(posts(mock)) == 1


@pytest.mark.parametrize(
    "model, band, words",
    [
        (MODEL_ID, "6", "device site-1 (model TP-LINK XVS-200) has no 6 GHz radio; its bands: 2.4, 5"),
        ("12345678901234567890aaac", "2.4", "device site-1 (model NETGEAR XS-108) has no Wi-Fi"),
    ],
)
def test_ssid_band_the_model_lacks(logged_in, mock, fleet, model, band, words):
    fleet[1] = api_device(1, model=model)
    with pytest.raises(UnsupportedError) as info:
        ensure(telecomx.SsidProfileResource(logged_in, ssid_params(band=band)), "present", False)
    assert words in str(info.value) and not posts(mock)
