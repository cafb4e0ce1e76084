# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""InControlClient against respx mocks of the documented (and inferred) IC2 answers."""

from __future__ import annotations

import json
import os
import urllib.parse

import httpx
import pytest
import respx

from ansible_collections.wanfleet.routers.plugins.module_utils import incontrol
from ansible_collections.wanfleet.routers.plugins.module_utils._incontrol import client as incontrol_client
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    AmbiguousError,
    ApiError,
    AuthError,
    InputError,
    MalformedResponseError,
    NotFoundError,
    RateLimitedError,
    Redactor,
    ServerError,
    UnsupportedError,
    ValidationError,
    WanfleetError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.incontrol import InControlClient, PendingError
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import UNKNOWN, ensure
from ansible_collections.wanfleet.routers.plugins.module_utils.token_cache import TokenCache
from tests.unit.conftest import FakeClock

URL = "https://ic.example.test"
TOKEN_URL = URL + "/api/oauth2/token"
CLIENT_ID = "cid-0123456789"
CLIENT_SECRET = "csecret-very-secret-value"
ACCESS = "access-token-AAAA1111"
REFRESH = "refresh-token-RRRR1111"
ORGS = [
    {"id": "org1", "name": "Main Org", "primary": True, "status": "active", "migrateStatus": 0},
    {"id": "org2", "name": "Lab Org", "status": "active", "migrateStatus": 0},
]
GROUPS = [
    {"id": 10, "name": "Branches", "timezone": "UTC", "country": "DK"},
    {"id": 11, "name": "Lab"},
    {"id": 12, "name": "lab"},
    {"id": 13, "name": "Depot"},
    {"id": 14, "name": "Depot"},
]


def envelope(data=None, code="SUCCESS", message=""):
    return {"resp_code": code, "caller_ref": 1, "server_ref": 2, "message": message, "data": data}


def device_obj(**fields):
    """A device_list_obj (held doc A.5) with the fields the client maps."""
    item = {
        "id": 101,
        "group_id": 10,
        "group_name": "Branches",
        "sn": "1111-AAAA-0001",
        "name": "branch-1",
        "status": "online",
        "fw_ver": "8.3.0 build 5162",
        "lan_mac": "00-1A-DD-AA-00-01",
        "product_name": "MAX BR1 Pro 5G",
        "product_code": "MAX-BR1-PRO-5GN",
        "tags": ["retail", "north"],
        "interfaces": [
            {"id": 1, "name": "WAN", "type": "ethernet", "status": "Connected", "ip": "192.0.2.10", "is_enable": True, "group": 1},
            {
                "id": 2,
                "name": "Cellular",
                "type": "gobi",
                "virtualType": "cellular",
                "status": "Connected",
                "ip": "10.0.0.2",
                "enable": True,
                "group": 2,
                "password": "apn-secret-pw",
            },
            {"id": 3, "name": "Wi-Fi WAN", "type": "wireless", "status": "Disabled", "ip": "", "group": 3},
            {"id": 4, "name": "USB", "msg": "Polling from device"},
            {"id": 5, "name": "WAN 3", "type": "ethernet", "status": "Disabled", "is_enable": False, "group": 0},
        ],
        "ssids": [{"id": 1, "ssid": "Guest"}],
        "ssid_profiles_applied": [
            {
                "id": 5,
                "ssid": "Staff",
                "group_id": 10,
                "device_id": 101,
                "enabled": True,
                "icMg": True,
                "vlan_id": 20,
                "wpa_passphrase": "staff-passphrase-123",
            },
            {"id": 6, "ssid": "Guest", "group_id": 10, "device_id": 101, "enabled": False, "icMg": True, "vlan_id": 0},
        ],
    }
    item.update(fields)
    return item


DEVICES = [
    device_obj(),
    device_obj(
        id=102,
        sn="1111-AAAA-0002",
        name="branch-2",
        status="offline",
        lan_mac="00:1a:dd:aa:00:02",
        tags=["retail"],
        interfaces=[],
        ssid_profiles_applied=[],
        ssids=[{"id": 1, "ssid": "Guest"}],
    ),
    device_obj(
        id=103,
        group_id=13,
        group_name="Depot",
        sn="2222-BBBB-0003",
        name="twin",
        lan_mac="001add aa0003",
        product_name="Balance 20X",
        product_code="BPL-021X",
        tags=[],
    ),
    device_obj(
        id=104,
        group_id=14,
        group_name="Depot",
        sn="2222-BBBB-0004",
        name="twin",
        lan_mac="00:1a:dd:aa:00:04",
        product_name="Balance 20X",
        product_code="BPL-021X",
        tags=["north"],
    ),
    # a device named like another's id: an id match must win over the name
    device_obj(id=105, sn="3333-CCCC-0005", name="101", lan_mac=None, status="offline", tags=None),
]


def form(request):
    return dict(urllib.parse.parse_qsl(request.content.decode()))


@pytest.fixture
def mock():
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def fake_time():
    return FakeClock(now=1_700_000_000.0)


@pytest.fixture
def cache(tmp_path):
    return TokenCache(directory=str(tmp_path / "tokens"))


@pytest.fixture
def make(session, cache, fake_time):
    def factory(organization="org1", token_cache=None, **kwargs):
        settings = {"url": URL, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "organization": organization, "auth": ("client_id", "client_secret")}
        kwargs.setdefault("sleep", fake_time.sleep)
        kwargs.setdefault("clock", fake_time)
        return InControlClient(settings, session, redactor=Redactor(), token_cache=token_cache or cache, **kwargs)

    return factory


@pytest.fixture
def token_route(mock):
    return mock.post(TOKEN_URL).mock(
        return_value=httpx.Response(200, json={"access_token": ACCESS, "expires_in": 172799, "token_type": "Bearer", "refresh_token": REFRESH})
    )


@pytest.fixture
def orgs_route(mock):
    return mock.get(URL + "/rest/o").mock(return_value=httpx.Response(200, json=envelope(ORGS)))


@pytest.fixture
def api(mock, token_route, orgs_route):
    """Token and organization list answered; tests add the routes they exercise."""
    mock.get(URL + "/rest/o/org1/g").mock(return_value=httpx.Response(200, json=envelope(GROUPS)))
    return mock


def assert_no_secrets(text):
    for secret in (CLIENT_SECRET, ACCESS, REFRESH, "access-token-BBBB2222", "refresh-token-SSSS2222"):
        assert secret not in text


# ---- auth ------------------------------------------------------------------------------------


def test_client_credentials_login_and_bearer_header(make, api, token_route):
    route = api.get(URL + "/rest/o/org1/g/10/d/101/bandwidth").mock(return_value=httpx.Response(200, json=envelope({"sn": "x"})))
    client = make()
    assert client.get("g/10/d/101/bandwidth") == {"sn": "x"}
    assert token_route.call_count == 1
    sent = token_route.calls.last.request
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form(sent) == {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "grant_type": "client_credentials"}
    assert route.calls.last.request.headers["Authorization"] == "Bearer " + ACCESS
    assert "access_token" not in str(route.calls.last.request.url)
    # the tokens are known to the redactor the moment they arrive
    assert {ACCESS, REFRESH, CLIENT_SECRET} <= client.redactor.secrets


def test_two_clients_share_one_login_through_the_cache(make, api, token_route, cache, tmp_path, orgs_route):
    first = make()
    first.organization_id()
    second = make(token_cache=TokenCache(directory=cache.directory))  # another task of the run
    assert second.organization_id() == "org1"
    assert second.get("g") == GROUPS
    assert token_route.call_count == 1
    assert orgs_route.call_count == 1  # the organization's resolution is reused too
    assert api.calls.last.request.headers["Authorization"] == "Bearer " + ACCESS
    files = [name for name in os.listdir(cache.directory) if name.endswith(".json")]
    assert len(files) == 2  # the token and the organization id
    for name in files:
        with open(os.path.join(cache.directory, name)) as handle:
            if "refresh_token" in json.load(handle):
                files = [name]
    path = os.path.join(cache.directory, files[0])
    assert os.stat(path).st_mode & 0o777 == 0o600
    with open(path) as handle:
        entry = json.load(handle)
    assert entry["token"] == ACCESS and entry["refresh_token"] == REFRESH
    import time

    assert abs(entry["expires_at"] - (time.time() + 172799)) < 60
    with open(path) as handle:
        assert CLIENT_SECRET not in handle.read()
    assert CLIENT_SECRET not in files[0]


def test_cache_key_separates_credentials(make, api, token_route, cache, session):
    make().organization_id()
    other = InControlClient(
        {"url": URL, "client_id": CLIENT_ID, "client_secret": "another-secret-xyz", "organization": "org1"},
        session,
        token_cache=TokenCache(directory=cache.directory),
        sleep=lambda s: None,
    )
    other.organization_id()
    assert token_route.call_count == 2


def test_expired_cached_token_is_not_used(make, api, token_route, cache):
    client = make()
    cache.put(client._cache_key, {"token": "stale-token-0000", "refresh_token": None, "expires_at": 1.0})
    client.organization_id()
    assert token_route.call_count == 1
    assert api.routes[1].calls.last.request.headers["Authorization"] == "Bearer " + ACCESS


def test_invalid_accessor_refreshes_with_refresh_token_and_resends_once(make, mock, orgs_route):
    token = mock.post(TOKEN_URL).mock(
        side_effect=[
            httpx.Response(200, json={"access_token": ACCESS, "expires_in": 172799, "refresh_token": REFRESH}),
            httpx.Response(200, json={"access_token": "access-token-BBBB2222", "expires_in": 172799}),
        ]
    )
    groups = mock.get(URL + "/rest/o/org1/g").mock(
        side_effect=[
            httpx.Response(401, json={"error": "invalid_accessor", "error_description": "token expired"}),
            httpx.Response(200, json=envelope(GROUPS)),
        ]
    )
    client = make()
    assert [group.name for group in client.groups()][:2] == ["Branches", "Lab"]
    assert token.call_count == 2
    assert form(token.calls[1].request) == {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "grant_type": "refresh_token", "refresh_token": REFRESH}
    assert groups.calls[1].request.headers["Authorization"] == "Bearer access-token-BBBB2222"
    # the refresh reply had no refresh token: the old one is kept (and cached)
    assert client.token_cache.get(client._cache_key)["refresh_token"] == REFRESH
    assert "access-token-BBBB2222" in client.redactor.secrets


def test_failed_refresh_falls_back_to_client_credentials(make, mock, orgs_route):
    token = mock.post(TOKEN_URL).mock(
        side_effect=[
            httpx.Response(200, json={"access_token": ACCESS, "expires_in": 172799, "refresh_token": REFRESH}),
            httpx.Response(400, json={"error": "invalid_grant", "error_description": "refresh token expired"}),
            httpx.Response(200, json={"access_token": "access-token-BBBB2222", "expires_in": 172799, "refresh_token": "refresh-token-SSSS2222"}),
        ]
    )
    mock.get(URL + "/rest/o/org1/g").mock(
        side_effect=[
            httpx.Response(401, json={"error": "invalid_accessor", "error_description": "expired"}),
            httpx.Response(200, json=envelope(GROUPS)),
        ]
    )
    client = make()
    assert len(client.groups()) == len(GROUPS)
    assert [form(call.request)["grant_type"] for call in token.calls] == ["client_credentials", "refresh_token", "client_credentials"]
    assert client.token_cache.get(client._cache_key)["refresh_token"] == "refresh-token-SSSS2222"


def test_reauthentication_happens_once(make, mock, orgs_route):
    token = mock.post(TOKEN_URL).mock(return_value=httpx.Response(200, json={"access_token": ACCESS, "expires_in": 100000, "refresh_token": REFRESH}))
    groups = mock.get(URL + "/rest/o/org1/g").mock(
        return_value=httpx.Response(401, json={"error": "invalid_accessor", "error_description": "token " + ACCESS + " is invalid"})
    )
    with pytest.raises(AuthError) as caught:
        make().groups()
    assert groups.call_count == 2
    assert token.call_count == 2
    assert "invalid_accessor" in str(caught.value)
    assert_no_secrets(str(caught.value))
    assert_no_secrets(str(caught.value.vendor_message))


def test_token_renewed_by_another_fork_is_used_without_login(make, mock, cache, orgs_route):
    token = mock.post(TOKEN_URL).mock(return_value=httpx.Response(200, json={"access_token": "never-used-0000"}))
    client = make()
    cache.put(client._cache_key, {"token": "old-token-0000", "refresh_token": REFRESH, "expires_at": None})

    def refused_then_renewed(request):
        if request.headers["Authorization"] == "Bearer old-token-0000":
            # meanwhile another fork renewed the token and cached it
            TokenCache(directory=cache.directory).put(client._cache_key, {"token": "fork-token-1111", "expires_at": None})
            return httpx.Response(401, json={"error": "invalid_accessor", "error_description": "expired"})
        return httpx.Response(200, json=envelope(GROUPS))

    groups = mock.get(URL + "/rest/o/org1/g").mock(side_effect=refused_then_renewed)
    client.groups()
    assert token.call_count == 0
    assert groups.calls.last.request.headers["Authorization"] == "Bearer fork-token-1111"


def test_any_401_logs_in_again_once_then_fails(make, mock, token_route, orgs_route):
    groups = mock.get(URL + "/rest/o/org1/g").mock(
        return_value=httpx.Response(401, json={"error": "unauthorized", "error_description": "no access to this organization"})
    )
    with pytest.raises(AuthError) as caught:
        make().groups()
    assert groups.call_count == 2 and token_route.call_count == 2
    assert caught.value.vendor_message == "unauthorized: no access to this organization"
    assert caught.value.status == 401


def test_rejected_client_credentials(make, mock):
    mock.post(TOKEN_URL).mock(return_value=httpx.Response(401, json={"error": "invalid_client", "error_description": "client " + CLIENT_SECRET + " unknown"}))
    with pytest.raises(AuthError) as caught:
        make().organization_id()
    message = str(caught.value)
    assert "invalid_client" in message and "INCONTROL_CLIENT_SECRET" in message
    assert_no_secrets(message)
    assert_no_secrets(json.dumps(caught.value.to_result()))


def test_token_reply_without_access_token(make, mock):
    mock.post(TOKEN_URL).mock(return_value=httpx.Response(200, json={"refresh_token": REFRESH, "expires_in": 10}))
    with pytest.raises(MalformedResponseError) as caught:
        make().organization_id()
    assert "access_token" in str(caught.value)
    assert_no_secrets(str(caught.value) + json.dumps(caught.value.body))


def test_token_reply_that_is_not_json_is_not_quoted(make, mock):
    mock.post(TOKEN_URL).mock(return_value=httpx.Response(200, text="access_token=%s&expires_in=10" % ACCESS))
    with pytest.raises(MalformedResponseError) as caught:
        make().organization_id()
    assert "OAuth token reply" in str(caught.value)
    assert_no_secrets(str(caught.value))


def test_token_request_is_resent_after_503(make, mock, orgs_route):
    token = mock.post(TOKEN_URL).mock(
        side_effect=[
            httpx.Response(503, text="busy"),
            httpx.Response(200, json={"access_token": ACCESS, "expires_in": 172799, "refresh_token": REFRESH}),
        ]
    )
    assert make().organization_id() == "org1"
    assert token.call_count == 2


# ---- envelope and error shapes ----------------------------------------------------------------


@pytest.mark.parametrize(
    "code, error_class",
    [
        ("INVALID_INPUT", ValidationError),
        ("INTERNAL_ERROR", ServerError),
        ("PENDING", PendingError),
        ("SOMETHING_NEW", ApiError),
    ],
)
def test_non_success_resp_code_is_an_error(make, api, code, error_class):
    api.get(URL + "/rest/o/org1/g/10").mock(return_value=httpx.Response(200, json=envelope(None, code, "name is too long")))
    with pytest.raises(error_class) as caught:
        make().get("g/10")
    error = caught.value
    assert isinstance(error, error_class) and error.kind == error_class.kind  # the class itself, not a relative
    assert error.vendor_message == "%s: name is too long" % code
    assert "GET /rest/o/org1/g/10" in error.message and "name is too long" in error.message
    assert error.platform == "incontrol" and error.status == 200
    if code == "PENDING":
        assert error.kind == "pending" and "still PENDING after" in error.message


def test_success_envelope_returns_data(make, api):
    api.get(URL + "/rest/o/org1/g/10").mock(return_value=httpx.Response(200, json=envelope({"id": 10, "name": "Branches"})))
    api.get(URL + "/rest/o/org1/g/11").mock(return_value=httpx.Response(200, json={"resp_code": "SUCCESS", "caller_ref": 0, "server_ref": 0}))
    client = make()
    assert client.get("g/10") == {"id": 10, "name": "Branches"}
    assert client.get("/rest/o/org1/g/11") is None


@pytest.mark.parametrize(
    "status, body, error_class, vendor",
    [
        (404, {"error": "org_not_found", "error_description": "Organization not found"}, NotFoundError, "org_not_found: Organization not found"),
        (401, {"error": "unauthorized", "error_description": "Access denied"}, AuthError, "unauthorized: Access denied"),
        (429, {"error": "rate_limit_exceeded", "error_description": "Too many requests"}, RateLimitedError, "rate_limit_exceeded: Too many requests"),
        (400, {"resp_code": "INVALID_INPUT", "message": "bad group id"}, ValidationError, "INVALID_INPUT: bad group id"),
        (500, {"resp_code": "INTERNAL_ERROR", "message": "oops"}, ServerError, "INTERNAL_ERROR: oops"),
        (403, {"error": "forbidden", "error_description": "read only"}, ApiError, "forbidden: read only"),
        (200, {"error": "org_not_found", "error_description": "gone"}, NotFoundError, "org_not_found: gone"),
    ],
)
def test_documented_error_bodies(make, api, status, body, error_class, vendor):
    api.get(URL + "/rest/o/org1/g/10").mock(return_value=httpx.Response(status, json=body))
    with pytest.raises(error_class) as caught:
        make(max_retries=0).get("g/10")
    assert isinstance(caught.value, error_class)
    assert caught.value.vendor_message == vendor
    assert vendor in str(caught.value)


def test_body_that_is_not_json(make, api):
    api.get(URL + "/rest/o/org1/g/10").mock(return_value=httpx.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(MalformedResponseError) as caught:
        make().get("g/10")
    assert "maintenance" in str(caught.value)


def test_json_without_envelope(make, api):
    api.get(URL + "/rest/o/org1/g/10").mock(return_value=httpx.Response(200, json=[1, 2]))
    with pytest.raises(MalformedResponseError) as caught:
        make().get("g/10")
    assert "resp_code" in str(caught.value)


# ---- retries ------------------------------------------------------------------------------


def test_429_is_retried_honouring_retry_after(make, api):
    route = api.get(URL + "/rest/o/org1/g/10").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "2"}, json={"error": "rate_limit_exceeded", "error_description": "slow"}),
            httpx.Response(429, headers={"Retry-After": "3"}, json={"error": "rate_limit_exceeded", "error_description": "slow"}),
            httpx.Response(200, json=envelope({"id": 10})),
        ]
    )
    client = make()
    assert client.get("g/10") == {"id": 10}
    assert route.call_count == 3
    assert [retry[3] for retry in client.retries] == [2.0, 3.0]
    assert [retry[2] for retry in client.retries] == [429, 429]


def test_429_without_retry_after_backs_off_then_fails(make, api, fake_time):
    route = api.get(URL + "/rest/o/org1/g/10").mock(
        return_value=httpx.Response(429, json={"error": "rate_limit_exceeded", "error_description": "Error message here"})
    )
    client = make(max_retries=3)
    with pytest.raises(RateLimitedError) as caught:
        client.get("g/10")
    assert route.call_count == 4
    delays = [retry[3] for retry in client.retries]
    # jittered exponential backoff: attempt n waits between half and all of 0.5 * 2**n
    for attempt, delay in enumerate(delays):
        assert 0.5 * 2**attempt / 2 <= delay <= 0.5 * 2**attempt
    assert "after 3 retries" in str(caught.value)
    assert "rate_limit_exceeded" in str(caught.value)


def test_post_is_never_resent(make, api):
    route = api.post(URL + "/rest/o/org1/g/10/d/101/tools/reboot").mock(
        return_value=httpx.Response(429, json={"error": "rate_limit_exceeded", "error_description": "slow down"})
    )
    client = make()
    with pytest.raises(RateLimitedError):
        client.call("device_reboot", group=10, device=101)
    assert route.call_count == 1
    assert client.retries == []
    dropped = api.post(URL + "/rest/o/org1/g/10/add_devices").mock(side_effect=httpx.ConnectError("connection reset"))
    with pytest.raises(WanfleetError):
        client.post("g/10/add_devices", {"sn": ["1111-AAAA-0001"]})
    assert dropped.call_count == 1
    assert client.retries == []


def test_put_is_resent(make, api):
    route = api.put(URL + "/rest/o/org1/g/10").mock(
        side_effect=[httpx.Response(503, text="busy"), httpx.Response(200, json=envelope({"id": 10, "name": "New"}))]
    )
    client = make()
    assert client.call("group_update", {"name": "New"}, group=10) == {"id": 10, "name": "New"}
    assert route.call_count == 2
    assert json.loads(route.calls.last.request.content) == {"data": {"name": "New"}}


# ---- rate limit ---------------------------------------------------------------------------


def test_requests_start_below_20_per_second_and_never_exceed_it(make, api, fake_time):
    api.get(URL + "/rest/o/org1/g/10").mock(return_value=httpx.Response(200, json=envelope({"id": 10})))
    client = make()
    client.organization_id()  # token + org list: a new schedule starts at a quarter of the start rate
    assert fake_time.sleeps == pytest.approx([4.0 / incontrol.RATE_LIMIT_PER_SECOND], rel=0.01)
    assert incontrol.RATE_LIMIT_PER_SECOND < incontrol.DOCUMENTED_RATE_LIMIT == 20
    fake_time.now += 600  # no 429 for a long time: the rate has grown, up to 19/s, under the documented limit
    fake_time.sleeps[:] = []
    for path in ["g/10"] * 5:
        client.get(path)
    # the first request goes at once, each next one a full interval later (the shared file keeps microseconds)
    assert incontrol.RATE_CEILING == 19
    assert fake_time.sleeps == pytest.approx([1.0 / 19] * 4, abs=1e-5)


def test_a_429_slows_the_organization_down(make, api, fake_time):
    api.get(URL + "/rest/o/org1/g/10").mock(
        side_effect=[httpx.Response(429, json={"error": "rate_limit_exceeded"})] + [httpx.Response(200, json=envelope({"id": 10}))] * 3
    )
    client = make()
    client.organization_id()
    fake_time.now += 600
    client.get("g/10")  # refused once, then retried
    fake_time.sleeps[:] = []
    client.get("g/10")
    client.get("g/10")
    limiter = client.rate_limiter
    assert len(fake_time.sleeps) == 2 and min(fake_time.sleeps) > 1.0 / 19  # slower than before the 429
    another = make()  # another fork: it reads the same, lowered rate from the shared file
    assert another.rate_limiter.state_file == limiter.state_file
    assert 15 < another.rate_limiter.current_rate() < 19  # cut by about a tenth


def test_rate_limit_option_lowers_the_ceiling_never_raises_it(make, api, fake_time):
    api.get(URL + "/rest/o/org1/g/10").mock(return_value=httpx.Response(200, json=envelope({"id": 10})))
    assert make(rate_limit=50).rate_limiter.ceiling == 19
    client = make(rate_limit=4)
    client.organization_id()
    fake_time.now += 600
    fake_time.sleeps[:] = []
    client.get("g/10")
    client.get("g/10")
    assert fake_time.sleeps == pytest.approx([0.25], abs=1e-5)


def test_forks_share_one_schedule_per_organization(make, api, cache, fake_time):
    api.get(URL + "/rest/o/org1/g/10").mock(return_value=httpx.Response(200, json=envelope({"id": 10})))
    first = make()
    second = make(token_cache=TokenCache(directory=cache.directory))
    first.organization_id()
    second.organization_id()
    fake_time.now += 10
    fake_time.sleeps[:] = []
    first.get("g/10")
    second.get("g/10")  # another process: same state file, so it waits its turn
    assert fake_time.sleeps == pytest.approx([1.0 / 19], abs=1e-5)  # the rate grew to its ceiling while idle
    states = [name for name in os.listdir(cache.directory) if name.startswith("ratelimit-")]
    assert len(states) == 1
    assert first.rate_limiter.state_file == second.rate_limiter.state_file


def test_limiter_keyed_by_resolved_organization_id(make, api, cache):
    by_name = make(organization="Main Org")
    by_id = make(organization="org1", token_cache=TokenCache(directory=cache.directory))
    assert by_name.rate_limiter.state_file != by_id.rate_limiter.state_file
    by_name.organization_id()
    assert by_name.rate_limiter.state_file == by_id.rate_limiter.state_file
    other = make(organization="org2", token_cache=TokenCache(directory=cache.directory))
    assert other.rate_limiter.state_file != by_id.rate_limiter.state_file


def test_no_state_file_without_token_cache(make, api, tmp_path):
    client = make(token_cache=TokenCache(enabled=False, directory=str(tmp_path / "never")))
    client.organization_id()
    assert client.rate_limiter.state_file is None
    assert not os.path.exists(str(tmp_path / "never"))


# ---- organization ---------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["org2", "Lab Org", "lab org"])
def test_organization_by_id_or_name(make, api, orgs_route, given):
    client = make(organization=given)
    assert client.organization_id() == "org2"
    assert client.organization_id() == "org2"
    assert orgs_route.call_count == 1  # resolved once per client
    route = api.get(URL + "/rest/o/org2/g").mock(return_value=httpx.Response(200, json=envelope([])))
    assert client.groups() == []
    assert route.call_count == 1


def test_single_organization_is_used_when_none_given(make, mock, token_route):
    mock.get(URL + "/rest/o").mock(return_value=httpx.Response(200, json=envelope(ORGS[:1])))
    assert make(organization=None).organization_id() == "org1"


def test_several_organizations_and_none_given(make, api):
    with pytest.raises(InputError) as caught:
        make(organization=None).organization_id()
    assert "org1 (Main Org)" in str(caught.value) and "org2 (Lab Org)" in str(caught.value)
    assert "INCONTROL_ORG" in str(caught.value)


def test_unknown_organization_lists_known_ones(make, api):
    with pytest.raises(InputError) as caught:
        make(organization="Nope").organization_id()
    assert not isinstance(caught.value, (AmbiguousError, NotFoundError))
    assert "'Nope' not found" in str(caught.value) and "org1 (Main Org), org2 (Lab Org)" in str(caught.value)


def test_ambiguous_organization_name(make, mock, token_route):
    mock.get(URL + "/rest/o").mock(return_value=httpx.Response(200, json=envelope([{"id": "a1", "name": "Shop"}, {"id": "b2", "name": "Shop"}])))
    with pytest.raises(AmbiguousError) as caught:
        make(organization="Shop").organization_id()
    assert "a1" in str(caught.value) and "b2" in str(caught.value)


# ---- groups -----------------------------------------------------------------------------------


def test_groups_are_records(make, api):
    groups = make().groups()
    assert groups[0].model_dump(exclude={"raw"}) == {"platform": "incontrol", "id": "10", "name": "Branches"}
    assert groups[0].raw["timezone"] == "UTC"


@pytest.mark.parametrize("key, expected", [(10, "10"), ("10", "10"), ("Branches", "10"), ("branches", "10"), ("Lab", "11"), ("lab", "12")])
def test_find_group(make, api, key, expected):
    assert make().find_group(key).id == expected


def test_find_group_ambiguous_and_missing(make, api):
    client = make()
    with pytest.raises(AmbiguousError) as caught:
        client.find_group("Depot")
    assert "Depot (id 13)" in str(caught.value) and "Depot (id 14)" in str(caught.value)
    with pytest.raises(AmbiguousError):
        client.find_group("LAB")  # two case-insensitive matches, no exact one
    with pytest.raises(NotFoundError) as caught:
        client.find_group("Nowhere")
    assert "Branches (id 10)" in str(caught.value)
    assert api.routes[2].call_count == 1  # the group list is read once per client


# ---- devices ----------------------------------------------------------------------------------


@pytest.fixture
def org_devices(api):
    return api.get(URL + "/rest/o/org1/d").mock(return_value=httpx.Response(200, json=envelope(DEVICES)))


def test_all_devices_in_one_request(make, api, org_devices):
    devices = make().devices()
    assert org_devices.call_count == 1
    assert org_devices.calls.last.request.url.params["has_status"] == "true"
    assert [device.id for device in devices] == ["101", "102", "103", "104", "105"]
    first = devices[0].record()
    assert first == {
        "platform": "incontrol",
        "id": "101",
        "name": "branch-1",
        "serial": "1111-AAAA-0001",
        "mac": "00:1a:dd:aa:00:01",
        "model": "MAX BR1 Pro 5G",
        "firmware": "8.3.0 build 5162",
        "status": "online",
        "group": "Branches",
        "group_id": "10",
        "wan": [
            {"id": "1", "name": "WAN", "type": "ethernet", "status": "connected", "ip": "192.0.2.10", "priority": 1, "enabled": True},
            {"id": "2", "name": "Cellular", "type": "cellular", "status": "connected", "ip": "10.0.0.2", "priority": 2, "enabled": True},
            {"id": "3", "name": "Wi-Fi WAN", "type": "wireless", "status": "disabled", "ip": None, "priority": 3, "enabled": False},
            {"id": "4", "name": "USB", "type": None, "status": None, "ip": None, "priority": None, "enabled": None},
            {"id": "5", "name": "WAN 3", "type": "ethernet", "status": "disabled", "ip": None, "priority": None, "enabled": False},
        ],
        "ssids": [{"id": "5", "name": "Staff", "enabled": True}, {"id": "6", "name": "Guest", "enabled": False}],
    }
    assert devices[1].ssids[0].model_dump() == {"id": "1", "name": "Guest", "enabled": None}
    assert devices[1].status == "offline" and devices[2].mac == "00:1a:dd:aa:00:03" and devices[4].mac is None


def test_raw_is_the_vendor_object_with_secrets_masked(make, api, org_devices):
    raw = make().devices()[0].raw
    assert raw["product_code"] == "MAX-BR1-PRO-5GN"
    assert raw["ssid_profiles_applied"][0]["wpa_passphrase"] == "********"
    assert raw["interfaces"][1]["password"] == "********"
    assert "staff-passphrase-123" not in json.dumps(raw)


def test_group_devices_use_the_group_list(make, api):
    route = api.get(URL + "/rest/o/org1/g/13/d").mock(return_value=httpx.Response(200, json=envelope([dict(DEVICES[2], group_id=None, group_name=None)])))
    devices = make().devices(group=13)
    assert route.calls.last.request.url.params["has_status"] == "true"
    assert [(device.group, device.group_id) for device in devices] == [("Depot", "13")]


def test_basic_lists_without_detail(make, api):
    org = api.get(URL + "/rest/o/org1/d/basic").mock(
        return_value=httpx.Response(
            200, json=envelope([{"id": 1, "sn": "S1", "name": "a", "status": "online", "product_name": "B20X", "group_id": 10, "group_name": "Branches"}])
        )
    )
    grp = api.get(URL + "/rest/o/org1/g/10/d/basic").mock(return_value=httpx.Response(200, json=envelope([])))
    client = make()
    assert client.devices(detail=False)[0].wan == []
    assert "has_status" not in org.calls.last.request.url.params
    assert client.devices(group="Branches", detail=False) == []
    assert grp.call_count == 1


@pytest.mark.parametrize(
    "key, expected",
    [
        ("101", "101"),
        (101, "101"),  # id wins over the device named "101"
        ("1111-aaaa-0002", "102"),  # serial, any case
        ("00:1A:DD:AA:00:03", "103"),
        ("001a.ddaa.0004", "104"),  # MAC, any notation
        ("branch-2", "102"),
        ("BRANCH-1", "101"),
    ],
)
def test_one_device_by_id_serial_mac_or_name(make, api, org_devices, key, expected):
    client = make()
    devices = client.devices(device=key)
    assert [device.id for device in devices] == [expected]
    assert client.find_device(key).id == expected


def test_ambiguous_and_missing_device(make, api, org_devices):
    client = make()
    with pytest.raises(AmbiguousError) as caught:
        client.devices(device="twin")
    message = str(caught.value)
    assert "twin (id 103, serial 2222-BBBB-0003, group Depot)" in message and "id 104" in message
    with pytest.raises(NotFoundError) as caught:
        client.find_device("ghost")
    assert "'ghost'" in str(caught.value)


def test_device_within_a_group(make, api):
    api.get(URL + "/rest/o/org1/g/10/d").mock(return_value=httpx.Response(200, json=envelope(DEVICES[:2])))
    assert make().find_device("branch-2", group="Branches").serial == "1111-AAAA-0002"


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"status": "online"}, ["101", "103", "104"]),
        ({"status": ["offline"]}, ["102", "105"]),
        ({"name": "branch-*"}, ["101", "102"]),
        ({"name": ["tw?n", "101"]}, ["103", "104", "105"]),
        ({"model": "balance*"}, ["103", "104"]),
        ({"model": "MAX-BR1-PRO-5GN"}, ["101", "102", "105"]),
        ({"tags": "north"}, ["101", "104"]),
        ({"tags": ["retail", "north"]}, ["101"]),
        ({"status": "online", "tags": ["north"], "name": None}, ["101", "104"]),
    ],
)
def test_client_side_filters(make, api, org_devices, filters, expected):
    assert [device.id for device in make().devices(filters=filters)] == expected


def test_group_filter_is_server_side(make, api):
    route = api.get(URL + "/rest/o/org1/g/10/d").mock(return_value=httpx.Response(200, json=envelope(DEVICES[:2])))
    assert [d.id for d in make().devices(filters={"group": "Branches", "status": "offline"})] == ["102"]
    assert route.call_count == 1


def test_bad_filters_fail_before_any_device_request(make, api, org_devices):
    client = make()
    with pytest.raises(InputError) as caught:
        client.devices(filters={"colour": "red"})
    assert "colour" in str(caught.value) and "tags" in str(caught.value)
    with pytest.raises(InputError):
        client.devices(group="Branches", filters={"group": "Depot"})
    assert org_devices.call_count == 0


def test_failing_device_list_returns_nothing(make, api):
    route = api.get(URL + "/rest/o/org1/d").mock(return_value=httpx.Response(503, text="unavailable"))
    client = make(max_retries=2)
    with pytest.raises(ServerError):
        client.devices()
    assert route.call_count == 3


def test_device_without_id_fails_loudly(make, api):
    api.get(URL + "/rest/o/org1/d").mock(return_value=httpx.Response(200, json=envelope([DEVICES[0], {"name": "broken"}])))
    with pytest.raises(MalformedResponseError):
        make().devices()


def test_device_detail(make, api):
    route = api.get(URL + "/rest/o/org1/g/10/d/101").mock(return_value=httpx.Response(200, json=envelope(dict(DEVICES[0], ssids=None))))
    device = make().device_detail(10, 101)
    assert device.serial == "1111-AAAA-0001" and len(device.wan) == 5
    assert route.calls.last.request.url.params["has_status"] == "true"


# ---- raw helpers and devapi --------------------------------------------------------------------


def test_raw_helpers(make, api):
    post = api.post(URL + "/rest/o/org1/g").mock(return_value=httpx.Response(200, json=envelope({"id": 20, "name": "New"})))
    delete = api.delete(URL + "/rest/o/org1/g/20").mock(return_value=httpx.Response(200, json=envelope()))
    tags = api.put(URL + "/rest/o/org1/device_tags").mock(return_value=httpx.Response(200, json=envelope()))
    client = make()
    assert client.call("group_create", {"name": "New", "timezone": "UTC"}) == {"id": 20, "name": "New"}
    assert json.loads(post.calls.last.request.content) == {"data": {"name": "New", "timezone": "UTC"}}
    assert client.call("group_delete", group=20) is None
    assert delete.calls.last.request.content == b""
    assert client.put("device_tags", {"device_ids": [101], "tag_names": ["x"]}) is None
    assert json.loads(tags.calls.last.request.content) == {"data": {"device_ids": [101], "tag_names": ["x"]}}
    assert client.endpoint("ssid_profile_update", group=10, ssid=5) == ("PUT", "/rest/o/org1/g/10/ssid_profiles/5")
    assert client.org_path("/rest/o") == "/rest/o"


def test_every_inferred_endpoint_says_so():
    documented = {"token", "organizations", "org_devices", "org_devices_basic", "groups", "group_devices_basic", "config_backups", "config_backup_file"}
    for name, (method, path, evidence) in incontrol.ENDPOINTS.items():
        assert method in ("GET", "POST", "PUT", "DELETE")
        assert path.startswith("/")
        assert evidence == "documented" if name in documented else evidence.startswith("inferred: ")


def test_devapi_unwraps_both_envelopes(make, api, monkeypatch):
    seen = []

    def fake_unwrap(body, platform, method, url):
        seen.append((body, platform, method, url))
        return body["response"]

    monkeypatch.setattr(incontrol_client, "unwrap_router_reply", fake_unwrap)
    reply = {"stat": "ok", "response": {"order": [1], "1": {"name": "WAN"}}}
    get = api.get(URL + "/rest/o/org1/g/10/d/101/devapi/status.wan.connection").mock(return_value=httpx.Response(200, json=envelope(reply)))
    post = api.post(URL + "/rest/o/org1/g/10/d/101/devapi/config.wan.connection.priority").mock(
        return_value=httpx.Response(200, json=envelope({"stat": "ok", "response": {"order": [1]}}))
    )
    client = make()
    assert client.devapi(10, 101, "status.wan.connection", params={"id": "1"}) == {"order": [1], "1": {"name": "WAN"}}
    assert seen[0] == (reply, "incontrol", "GET", URL + "/rest/o/org1/g/10/d/101/devapi/status.wan.connection")
    assert get.calls.last.request.url.params["id"] == "1"
    body = {"instantActive": True, "list": [{"connId": 1, "priority": 1, "enable": True}]}
    assert client.devapi(10, 101, "config.wan.connection.priority", method="POST", body=body) == {"order": [1]}
    sent = post.calls.last.request
    assert json.loads(sent.content) == body  # bare router JSON, no {"data": ...}
    assert sent.headers["Content-Type"] == incontrol.DEVAPI_POST_CONTENT_TYPE


def test_devapi_router_failure_is_typed_and_redacted(make, api, monkeypatch):
    def failing(body, platform, method, url):
        raise ValidationError("%s: %s %s: router says %s (token %s)" % (platform, method, url, body["message"], ACCESS), platform=platform)

    monkeypatch.setattr(incontrol_client, "unwrap_router_reply", failing)
    route = api.post(URL + "/rest/o/org1/g/10/d/101/devapi/cmd.system.reboot").mock(
        return_value=httpx.Response(200, json=envelope({"stat": "fail", "code": 401, "message": "Unauthorized"}))
    )
    with pytest.raises(ValidationError) as caught:
        make().devapi(10, 101, "cmd.system.reboot", method="POST")
    assert "Unauthorized" in str(caught.value)
    assert_no_secrets(str(caught.value))
    assert json.loads(route.calls.last.request.content) == {}
    assert route.call_count == 1


def test_devapi_with_the_router_module(make, api):
    """The agreed contract of peplink_router.unwrap_router_reply: `response` on ok, a typed error on fail."""
    api.get(URL + "/rest/o/org1/g/10/d/101/devapi/status.lan.profile").mock(
        side_effect=[
            httpx.Response(200, json=envelope({"stat": "ok", "response": {"order": [0]}})),
            httpx.Response(200, json=envelope({"stat": "fail", "code": 999, "message": "Unsupported"})),
        ]
    )
    client = make()
    assert client.devapi(10, 101, "status.lan.profile") == {"order": [0]}
    with pytest.raises(WanfleetError) as caught:
        client.devapi(10, 101, "status.lan.profile")
    assert "Unsupported" in str(caught.value)


def test_devapi_ic2_failure_comes_first(make, api):
    api.get(URL + "/rest/o/org1/g/10/d/101/devapi/status.wan.connection").mock(
        return_value=httpx.Response(200, json=envelope(None, "INTERNAL_ERROR", "device offline"))
    )
    with pytest.raises(ServerError) as caught:
        make().devapi(10, 101, "status.wan.connection")
    assert "device offline" in str(caught.value)


# ---- redaction and close ------------------------------------------------------------------------


def test_secrets_never_in_errors(make, api):
    echo = "client_secret=%s access_token=%s refresh %s" % (CLIENT_SECRET, ACCESS, REFRESH)
    api.get(URL + "/rest/o/org1/g/10").mock(return_value=httpx.Response(500, json={"error": "server_error", "error_description": echo}))
    api.get(URL + "/rest/o/org1/g/11").mock(return_value=httpx.Response(200, json=envelope(None, "INVALID_INPUT", echo)))
    api.get(URL + "/rest/o/org1/g/12").mock(side_effect=httpx.ConnectError("refused " + ACCESS))
    client = make(max_retries=0)
    for path in ("g/10", "g/11", "g/12"):
        with pytest.raises(WanfleetError) as caught:
            client.get(path)
        error = caught.value
        assert_no_secrets(str(error))
        assert_no_secrets(json.dumps(error.to_result(), default=str))


def test_close_sends_nothing(make, api, token_route):
    client = make()
    client.organization_id()
    calls = len(api.calls)
    client.close()
    assert len(api.calls) == calls
    # the token stays cached for the next task
    assert client.token_cache.get(client._cache_key)["token"] == ACCESS


# ---- module support: organization cache, reboot ---------------------------------------------------


def test_cached_organization_is_forgotten_when_ic2_does_not_know_it(make, api, orgs_route, cache):
    make().organization_id()
    api.get(URL + "/rest/o/org1/g/10").mock(return_value=httpx.Response(404, json={"error": "org_not_found"}))
    second = make(token_cache=TokenCache(directory=cache.directory))
    assert second.organization_id() == "org1" and orgs_route.call_count == 1
    with pytest.raises(NotFoundError):
        second.get("g/10")
    make(token_cache=TokenCache(directory=cache.directory)).organization_id()
    assert orgs_route.call_count == 2  # resolved afresh


def basic_device(**fields):
    item = {"id": 101, "group_id": 10, "group_name": "Branches", "sn": "1111-AAAA-0001", "name": "branch-1", "status": "online", "uptime": 86400}
    item.update(fields)
    return item


def test_reboot_device_posts_once_and_is_never_resent(make, api):
    route = api.post(URL + "/rest/o/org1/g/10/d/101/tools/reboot").mock(
        side_effect=[httpx.Response(200, json=envelope()), httpx.Response(503, json={"error": "busy"})]
    )
    client = make()
    device = client._device(basic_device(), None)
    assert client.reboot_device(device) is None
    assert route.calls.last.request.content == b""
    with pytest.raises(ServerError):
        client.reboot_device(device)
    assert route.call_count == 2  # the 503 was not retried


def test_is_back_needs_an_uptime_that_began_after_the_reboot(make, api, monkeypatch):
    answers = []
    api.get(URL + "/rest/o/org1/g/10/d/101").mock(side_effect=lambda request: httpx.Response(200, json=envelope(answers.pop(0))))
    monkeypatch.setattr(incontrol.time, "time", lambda: 1_000_000.0)
    client = make()
    device = client._device(basic_device(), None)
    rebooted_at = 1_000_000.0 - 30
    answers.extend(
        [
            basic_device(uptime=86400),  # not down yet
            basic_device(status="offline", uptime=0),
            basic_device(uptime=10),
        ]
    )  # booted 10 s ago: after the reboot
    assert client.is_back(device, rebooted_at) is False
    assert client.is_back(device, rebooted_at) is False
    assert client.is_back(device, rebooted_at) is True


def test_is_back_without_uptime_asks_the_router(make, api):
    """No uptime in IC2: back once the router answers through devapi after it was seen down."""
    answers = []
    api.get(URL + "/rest/o/org1/g/10/d/101").mock(side_effect=lambda request: httpx.Response(200, json=envelope(answers.pop(0))))
    alive = api.get(URL + "/rest/o/org1/g/10/d/101/devapi/info.firmware").mock(
        side_effect=[
            httpx.Response(200, json=envelope({"stat": "ok", "response": {"order": [1]}})),  # not down yet
            httpx.Response(200, json=envelope(None, "INTERNAL_ERROR", "Device is offline")),  # IC2 lags: still "online"
            httpx.Response(200, json=envelope({"stat": "ok", "response": {"order": [1]}})),  # answers again
        ]
    )
    client = make(max_retries=0)
    device = client._device(basic_device(), None)
    answers.extend([basic_device(uptime=None)] * 3)
    assert [client.is_back(device, 0.0) for attempt in range(3)] == [False, False, True]
    assert alive.call_count == 3
    client = make(max_retries=0)
    answers.extend([basic_device(status="offline", uptime=None), basic_device(uptime=None)])
    alive.side_effect = None
    alive.return_value = httpx.Response(200, json=envelope({"stat": "ok", "response": {"order": [1]}}))
    assert [client.is_back(device, 0.0) for attempt in range(2)] == [False, True]


# ---- input checks ----------------------------------------------------------------------------------


def test_timezones():
    incontrol.check_timezone("Europe/Copenhagen")
    for bad in ("Mars/Olympus_Mons", "", "  "):
        with pytest.raises(InputError):
            incontrol.check_timezone(bad)


# ---- GroupResource --------------------------------------------------------------------------------


def group_params(**params):
    base = dict(
        name=None,
        id=None,
        new_name=None,
        state="present",
        product=None,
        target_firmware=None,
        account=None,
        timezone=None,
        country=None,
        devices=None,
        purge_devices=False,
    )
    base.update(params)
    return base


@pytest.fixture
def basic_devices(api):
    return api.get(URL + "/rest/o/org1/d/basic").mock(return_value=httpx.Response(200, json=envelope(DEVICES)))


def writes(mock):
    return [
        (call.request.method, call.request.url.path, json.loads(call.request.content) if call.request.content else None)
        for call in mock.calls
        if call.request.method != "GET" and "oauth2" not in call.request.url.path
    ]


@pytest.mark.parametrize(
    "params, words",
    [
        (dict(name="G", product="IBR900"), "option product is NetCloud Manager only"),
        (dict(name="G", account="Main"), "option account is NetCloud Manager only"),
        (dict(name="G", country="Denmark"), "two-letter country code"),
        (dict(name="G", timezone="Nowhere/Land"), "not a known time zone"),
        (dict(name="G", purge_devices=True), "purge_devices needs devices"),
        (dict(id="abc"), "id must be a group id"),
        (dict(name="G", new_name="H", state="absent"), "cannot be combined with state=absent"),
        (dict(name="G", devices=["ok", " "]), "empty names"),
    ],
)
def test_group_validation_sends_nothing(make, mock, params, words):
    with pytest.raises(InputError) as caught:
        ensure(incontrol.GroupResource(make(), group_params(**params)), params.get("state", "present"), False)
    assert words in str(caught.value)
    assert len(mock.calls) == 0


def test_group_unchanged_reads_groups_and_devices_only(make, api, basic_devices):
    params = group_params(name="Branches", timezone="UTC", country="dk", devices=["branch-1", "1111-AAAA-0002"])
    result = ensure(incontrol.GroupResource(make(), params), "present", False, result_key="group")
    assert result["changed"] is False
    assert result["group"] == {"id": "10", "name": "Branches", "timezone": "UTC", "country": "DK", "devices": ["101", "102", "105"]}
    assert writes(api) == [] and basic_devices.call_count == 1


def test_group_update_sends_changed_fields_and_moves_devices(make, api, basic_devices):
    put = api.put(URL + "/rest/o/org1/g/10").mock(return_value=httpx.Response(200, json=envelope(dict(GROUPS[0], timezone="Europe/Copenhagen"))))
    move = api.post(URL + "/rest/o/org1/g/10/add_devices").mock(return_value=httpx.Response(200, json=envelope()))
    params = group_params(id="10", timezone="Europe/Copenhagen", country="DK", devices=["2222-BBBB-0003"])
    result = ensure(incontrol.GroupResource(make(), params), "present", False, result_key="group")
    assert result["changed_keys"] == ["devices", "timezone"]
    assert result["diff"]["before"] == {"devices": ["101", "102", "105"], "timezone": "UTC"}
    assert result["diff"]["after"] == {"devices": ["101", "102", "103", "105"], "timezone": "Europe/Copenhagen"}
    assert json.loads(put.calls.last.request.content) == {"data": {"timezone": "Europe/Copenhagen"}}
    assert json.loads(move.calls.last.request.content) == {"data": {"device_ids": [103]}}
    assert result["group"]["devices"] == ["101", "102", "103", "105"]


def test_group_check_mode_sends_no_write(make, api, basic_devices):
    params = group_params(name="New", timezone="UTC", devices=["twin"])
    with pytest.raises(AmbiguousError):  # two devices named twin: candidates listed
        ensure(incontrol.GroupResource(make(), params), "present", True)
    params = group_params(name="New", timezone="UTC", devices=["2222-BBBB-0004"])
    result = ensure(incontrol.GroupResource(make(), params), "present", True, result_key="group")
    assert result["changed"] is True
    assert result["group"] == {"name": "New", "timezone": "UTC", "devices": ["104"]}  # unset keys are not predicted
    assert writes(api) == []


def test_group_create_then_members(make, api, basic_devices):
    api.post(URL + "/rest/o/org1/g").mock(return_value=httpx.Response(200, json=envelope({"id": 30, "name": "New", "timezone": "UTC", "country": "DK"})))
    api.post(URL + "/rest/o/org1/g/30/add_devices").mock(return_value=httpx.Response(200, json=envelope()))
    params = group_params(name="New", timezone="UTC", country="dk", devices=["branch-1"])
    result = ensure(incontrol.GroupResource(make(), params), "present", False, result_key="group")
    assert result["group"] == {"id": "30", "name": "New", "timezone": "UTC", "country": "DK", "devices": ["101"]}
    assert writes(api) == [
        ("POST", "/rest/o/org1/g", {"data": {"name": "New", "timezone": "UTC", "country": "DK"}}),
        ("POST", "/rest/o/org1/g/30/add_devices", {"data": {"device_ids": [101]}}),
    ]


def test_group_rename_is_idempotent_and_refuses_a_taken_name(make, api):
    api.put(URL + "/rest/o/org1/g/11").mock(return_value=httpx.Response(200, json=envelope()))
    result = ensure(incontrol.GroupResource(make(), group_params(name="Old name", new_name="Branches")), "present", False)
    assert result["changed"] is False and result["object"]["id"] == "10"  # renamed already
    with pytest.raises(InputError) as caught:
        ensure(incontrol.GroupResource(make(), group_params(name="Lab", new_name="Branches")), "present", False)
    assert "a group of that name exists already (id 10)" in str(caught.value)
    with pytest.raises(InputError) as caught:
        ensure(incontrol.GroupResource(make(), group_params(id="11", new_name="Branches")), "present", False)
    assert "cannot rename group 'Lab' to 'Branches'" in str(caught.value)
    with pytest.raises(InputError) as caught:
        ensure(incontrol.GroupResource(make(), group_params(name="Nope", new_name="Nope 2")), "present", False)
    assert "nothing to rename" in str(caught.value)
    result = ensure(incontrol.GroupResource(make(), group_params(id="11", name="Lab 2")), "present", False)
    assert result["changed_keys"] == ["name"]
    assert result["object"]["name"] == "Lab 2"
    assert writes(api) == [("PUT", "/rest/o/org1/g/11", {"data": {"name": "Lab 2"}})]


def test_group_purge_that_would_remove_fails_before_any_write(make, api, basic_devices):
    params = group_params(name="Branches", devices=["branch-1"], purge_devices=True)
    with pytest.raises(UnsupportedError) as caught:
        ensure(incontrol.GroupResource(make(), params), "present", False)
    assert "would remove 2 device(s) from group 'Branches' (branch-2 (id 102), 101 (id 105))" in str(caught.value)
    assert writes(api) == []
    params = group_params(name="Branches", devices=["101", "102", "105"], purge_devices=True)
    assert ensure(incontrol.GroupResource(make(), params), "present", False)["changed"] is False


def test_group_delete(make, api):
    route = api.delete(URL + "/rest/o/org1/g/13").mock(return_value=httpx.Response(200, json=envelope()))
    assert ensure(incontrol.GroupResource(make(), group_params(id="13", state="absent")), "absent", True)["changed"] is True
    assert route.call_count == 0
    result = ensure(incontrol.GroupResource(make(), group_params(id="13", state="absent")), "absent", False)
    assert result["changed"] is True and route.call_count == 1 and route.calls.last.request.content == b""
    assert ensure(incontrol.GroupResource(make(), group_params(id="99", state="absent")), "absent", False)["changed"] is False


# ---- SsidProfileResource -----------------------------------------------------------------------------

PROFILES = [
    {
        "id": 5,
        "ssid": "Staff",
        "enabled": True,
        "broadcast": True,
        "vlan_id": 20,
        "security": "wpa2_personal",
        "wpa_passphrase": "staff-passphrase-123",
        "fast_transition": True,
        "radio_select": "3",
        "portal_enabled": False,
    },
    {
        "id": 6,
        "ssid": "Guest",
        "enabled": False,
        "broadcast": True,
        "vlan_id": 0,
        "security": "open",
        "wpa_passphrase": "",
        "fast_transition": False,
        "radio_select": "1",
    },
    {
        "id": 7,
        "ssid": "Hidden key",
        "enabled": True,
        "broadcast": False,
        "vlan_id": 30,
        "security": "wpa_wpa2_personal",
        "fast_transition": False,
        "radio_select": "2",
    },  # read-only credentials: no wpa_passphrase
]


def ssid_params(**params):
    base = dict(
        name="Staff",
        id=None,
        device=None,
        group="Branches",
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
    base.update(params)
    return base


@pytest.fixture
def profiles(api):
    # the group's devices, read for their wifi_cfg when a profile changes (named: a test changes them)
    api.get(URL + "/rest/o/org1/g/10/d", name="group_devices").mock(return_value=httpx.Response(200, json=envelope([device_obj(wifi_cfg="group")])))
    return api.get(URL + "/rest/o/org1/g/10/ssid_profiles").mock(return_value=httpx.Response(200, json=envelope(PROFILES)))


def ssid_ensure(client, update_passphrase="always", check=False, **params):
    params = ssid_params(update_passphrase=update_passphrase, **params)
    return ensure(incontrol.SsidProfileResource(client, params), params["state"], check, update_secrets=update_passphrase, result_key="profile")


def test_ssid_profiles_are_normalised(make, api, profiles):
    client = make()
    resource = incontrol.SsidProfileResource(client, ssid_params())
    assert resource.read() == {
        "id": "5",
        "name": "Staff",
        "enabled": True,
        "broadcast": True,
        "vlan_id": 20,
        "security": "wpa2_personal",
        "passphrase": "staff-passphrase-123",
        "fast_transition": True,
        "band": "both",
    }
    assert "staff-passphrase-123" in client.redactor.secrets
    guest = incontrol.SsidProfileResource(client, ssid_params(name="Guest")).read()
    assert (guest["security"], guest["passphrase"], guest["band"]) == ("open", "", "2.4")
    hidden = incontrol.SsidProfileResource(client, ssid_params(name="x", id="7")).read()
    assert hidden["passphrase"] is UNKNOWN and hidden["band"] == "5"
    assert incontrol.SsidProfileResource(client, ssid_params(name="Nope")).read() is None


def test_ssid_unchanged_when_equal_including_the_passphrase(make, api, profiles):
    result = ssid_ensure(make(), vlan_id=20, passphrase="staff-passphrase-123", security="wpa2_personal", band=None)
    assert result["changed"] is False and result["profile"]["passphrase"] == "********"
    assert writes(api) == []


def test_ssid_unreadable_passphrase(make, api, profiles):
    put = api.put(URL + "/rest/o/org1/g/10/ssid_profiles/7").mock(return_value=httpx.Response(200, json=envelope()))
    assert ssid_ensure(make(), name="Hidden key", passphrase="new-passphrase", update_passphrase="on_create")["changed"] is False
    result = ssid_ensure(make(), name="Hidden key", passphrase="new-passphrase")
    assert result["changed_keys"] == ["passphrase"] and result["diff"]["before"] == {"passphrase": "********"}
    assert json.loads(put.calls.last.request.content) == {"data": {"wpa_passphrase": "new-passphrase"}}


def test_ssid_update_body_uses_ic2_names(make, api, profiles):
    put = api.put(URL + "/rest/o/org1/g/10/ssid_profiles/5").mock(
        return_value=httpx.Response(200, json=envelope(dict(PROFILES[0], vlan_id=0, radio_select="2", enabled=False, ssid="Staff 2")))
    )
    result = ssid_ensure(make(), id="5", name="Staff 2", vlan_id=0, band="5", enabled=False)
    assert result["changed_keys"] == ["band", "enabled", "name", "vlan_id"]
    assert json.loads(put.calls.last.request.content) == {"data": {"ssid": "Staff 2", "enabled": False, "vlan_id": 0, "radio_select": "2"}}
    assert result["profile"]["name"] == "Staff 2" and result["profile"]["band"] == "5"


def test_ssid_security_change_carries_the_key_and_drops_fast_transition(make, api, profiles):
    put = api.put(URL + "/rest/o/org1/g/10/ssid_profiles/5").mock(return_value=httpx.Response(200, json=envelope()))
    result = ssid_ensure(make(), security="wpa_wpa2_personal", passphrase="staff-passphrase-123")
    assert result["changed_keys"] == ["security"]
    assert json.loads(put.calls.last.request.content) == {
        "data": {"security": "wpa_wpa2_personal", "wpa_passphrase": "staff-passphrase-123", "fast_transition": False}
    }
    assert result["profile"]["fast_transition"] is False
    # securing an open profile: the passphrase is part of the change even with on_create
    api.put(URL + "/rest/o/org1/g/10/ssid_profiles/6").mock(return_value=httpx.Response(200, json=envelope()))
    result = ssid_ensure(make(), name="Guest", security="wpa2_personal", passphrase="guest-passphrase", update_passphrase="on_create")
    assert result["changed_keys"] == ["passphrase", "security"]
    assert result["diff"]["before"] == {"passphrase": "", "security": "open"}
    assert result["diff"]["after"] == {"passphrase": "********", "security": "wpa2_personal"}


def test_ssid_create_and_delete(make, api, profiles):
    post = api.post(URL + "/rest/o/org1/g/10/ssid_profiles").mock(
        return_value=httpx.Response(
            200,
            json=envelope(
                {
                    "id": 9,
                    "ssid": "New",
                    "enabled": True,
                    "broadcast": True,
                    "vlan_id": 40,
                    "security": "wpa2_personal",
                    "wpa_passphrase": "new-passphrase",
                    "fast_transition": False,
                    "radio_select": "3",
                }
            ),
        )
    )
    result = ssid_ensure(make(), name="New", passphrase="new-passphrase", vlan_id=40)
    assert result["profile"]["id"] == "9" and result["profile"]["passphrase"] == "********"
    assert json.loads(post.calls.last.request.content) == {
        "data": {"ssid": "New", "vlan_id": 40, "security": "wpa2_personal", "wpa_passphrase": "new-passphrase"}
    }
    delete = api.delete(URL + "/rest/o/org1/g/10/ssid_profiles/6").mock(return_value=httpx.Response(200, json=envelope()))
    assert ssid_ensure(make(), name="Guest", state="absent", check=True)["changed"] is True and delete.call_count == 0
    assert ssid_ensure(make(), name="Guest", state="absent")["changed"] is True and delete.call_count == 1
    assert ssid_ensure(make(), name="Gone", state="absent")["changed"] is False


@pytest.mark.parametrize(
    "params, error, words",
    [
        (dict(passphrase="short"), InputError, "passphrase must be 8 to 63 printable ASCII characters or 64 hexadecimal digits"),
        (dict(vlan_id=4095), InputError, "vlan_id must be 1 to 4094, or 0"),
        (dict(vlan_id=-1), InputError, "vlan_id must be 1 to 4094, or 0"),
        (dict(security="wpa3_personal"), UnsupportedError, "security wpa3_personal is not available"),
        (dict(band="6"), UnsupportedError, "band 6 is not available"),
        (dict(device="branch-1", group=None), UnsupportedError, "give group instead of device"),
        (dict(group=None), InputError, "group is required"),
        (dict(security="open", passphrase="12345678"), InputError, "passphrase is not allowed with security open"),
        (dict(security="wpa_wpa2_personal", fast_transition=True), InputError, "fast_transition can be set only with security wpa2_personal"),
        (dict(name="x" * 33), InputError, "1 to 32 bytes"),
        (dict(id="first"), InputError, "id must be an SSID profile id"),
    ],
)
def test_ssid_validation_sends_nothing(make, mock, params, error, words):
    with pytest.raises(error) as caught:
        ssid_ensure(make(), **params)
    assert words in str(caught.value)
    assert len(mock.calls) == 0


@pytest.mark.parametrize(
    "params, words",
    [
        (dict(name="New"), "give security"),
        (dict(name="Guest", passphrase="guest-passphrase"), "is open: set security"),
        (dict(name="Guest", security="wpa2_personal"), "needs a passphrase"),
        (dict(name="Guest", fast_transition=True), "fast_transition needs security=wpa2_personal (the profile has open)"),
        (dict(id="42", name="Staff"), "has no SSID profile with id 42; its profiles: Staff (id 5), Guest (id 6), Hidden key (id 7)"),
    ],
)
def test_ssid_checks_against_the_current_profile_send_no_write(make, api, profiles, params, words):
    with pytest.raises(WanfleetError) as caught:
        ssid_ensure(make(), **params)
    assert words in str(caught.value)
    assert writes(api) == []


# ---- WanPriorityResource -----------------------------------------------------------------------------

WAN_STATUS = {
    "order": [1, 2, 3],
    "1": {"name": "WAN", "enable": True, "priority": 1, "message": "Connected"},
    "2": {"name": "Cellular", "enable": True, "priority": 2, "message": "Connected"},
    "3": {"name": "Wi-Fi WAN", "enable": False, "message": "Disabled"},
}


def wan_params(connections, **params):
    base = dict(
        connections=[dict(dict(id=None, name=None, priority=None, enabled=None), **item) for item in connections], device="branch-1", group=None, apply=True
    )
    base.update(params)
    return base


@pytest.fixture
def wan(api, basic_devices):
    # the device detail, read for its ownership flags before a write (named: a test changes its flags)
    api.get(URL + "/rest/o/org1/g/10/d/101", name="detail").mock(
        return_value=httpx.Response(200, json=envelope(device_obj(icmg_wan=False, ic2_config_apply_locked=False, device_config_apply_locked=False)))
    )
    api.get(URL + "/rest/o/org1/g/10/d/101/devapi/status.wan.connection").mock(
        return_value=httpx.Response(200, json=envelope({"stat": "ok", "response": WAN_STATUS}))
    )
    return api.post(URL + "/rest/o/org1/g/10/d/101/devapi/config.wan.connection.priority").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json=envelope(
                {
                    "stat": "ok",
                    "response": dict(
                        [("order", [item["connId"] for item in json.loads(request.content)["list"]])]
                        + [
                            (
                                str(item["connId"]),
                                {
                                    "name": WAN_STATUS[str(item["connId"])]["name"],
                                    "priority": item.get("priority", WAN_STATUS[str(item["connId"])].get("priority", 1)),
                                    "enable": item.get("enable", WAN_STATUS[str(item["connId"])]["enable"]),
                                },
                            )
                            for item in json.loads(request.content)["list"]
                        ]
                    ),
                }
            ),
        )
    )


def wan_ensure(client, connections, check=False, **params):
    return ensure(incontrol.WanPriorityResource(client, wan_params(connections, **params)), "present", check, result_key="wan")


def test_wan_state_is_read_from_the_router_through_devapi(make, api, wan):
    resource = incontrol.WanPriorityResource(make(), wan_params([{"id": "1"}]))
    assert resource.read() == {
        "connections": {
            "1": {"name": "WAN", "priority": 1, "enabled": True},
            "2": {"name": "Cellular", "priority": 2, "enabled": True},
            "3": {"name": "Wi-Fi WAN", "priority": None, "enabled": False},
        }
    }
    assert resource.desired(resource.read()) == {"connections": {"1": {}}}


def test_wan_unchanged_sends_nothing(make, api, wan):
    result = wan_ensure(make(), [{"name": "cellular", "priority": 2}, {"id": "3", "enabled": False}, {"name": "WAN"}])
    assert result["changed"] is False and wan.call_count == 0


def test_wan_update_sends_only_what_differs(make, api, wan):
    result = wan_ensure(
        make(), [{"name": "Cellular", "priority": 1}, {"id": "1", "priority": 2, "enabled": True}, {"name": "Wi-Fi WAN", "enabled": True, "priority": 3}]
    )
    assert json.loads(wan.calls.last.request.content) == {
        "list": [{"connId": 1, "priority": 2}, {"connId": 2, "priority": 1}, {"connId": 3, "priority": 3, "enable": True}],
        "instantActive": True,
    }
    assert wan.calls.last.request.headers["Content-Type"] == incontrol.DEVAPI_POST_CONTENT_TYPE
    assert result["wan"]["connections"]["3"] == {"name": "Wi-Fi WAN", "priority": 3, "enabled": True}
    assert result["diff"]["before"]["connections"]["2"]["priority"] == 2
    assert result["diff"]["after"]["connections"]["2"]["priority"] == 1


def test_wan_apply_false_and_disable(make, api, wan):
    result = wan_ensure(make(), [{"id": "2", "enabled": False}], apply=False)
    assert json.loads(wan.calls.last.request.content) == {"list": [{"connId": 2, "enable": False}]}
    assert result["wan"]["connections"]["2"] == {"name": "Cellular", "priority": None, "enabled": False}


def test_wan_check_mode(make, api, wan):
    result = wan_ensure(make(), [{"id": "2", "priority": 1}], check=True)
    assert result["changed"] is True and result["wan"]["connections"]["2"]["priority"] == 1
    assert wan.call_count == 0


@pytest.mark.parametrize(
    "connections, params, words",
    [
        ([{"id": "1", "priority": 5}], {}, "connection 1: priority must be 1 to 4"),
        ([{"id": "1", "priority": 0}], {}, "priority must be 1 to 4"),
        ([{"name": "WAN", "priority": 1, "enabled": False}], {}, "a disabled connection has no priority"),
        ([{"id": "1"}, {"id": "1"}], {}, "listed twice"),
        ([{"id": "one"}], {}, "connection id must be a number"),
        ([{"id": "1", "priority": 1}], {"device": None}, "device is required"),
        ([{"id": "1", "priority": 1}], {"device": None, "group": "Branches"}, "NetCloud Manager only"),
        ([], {}, "at least one WAN connection"),
    ],
)
def test_wan_validation_sends_nothing(make, mock, connections, params, words):
    with pytest.raises(InputError) as caught:
        wan_ensure(make(), connections, **params)
    assert words in str(caught.value)
    assert len(mock.calls) == 0


@pytest.mark.parametrize(
    "connections, words",
    [
        ([{"name": "Starlink", "priority": 1}], "no WAN connection named 'Starlink'; it has: 1 (WAN), 2 (Cellular), 3 (Wi-Fi WAN)"),
        ([{"id": "9", "priority": 1}], "no WAN connection with id 9"),
        ([{"id": "1", "name": "Cellular"}], "WAN connection 1 of device branch-1 is named 'WAN', not 'Cellular'"),
        ([{"id": "3", "priority": 1}], "connection 3 (Wi-Fi WAN) is disabled on device branch-1"),
        ([{"id": "2", "priority": 1}, {"name": "cellular", "enabled": True}], "listed twice"),
    ],
)
def test_wan_checks_against_the_router_send_no_write(make, api, wan, connections, words):
    with pytest.raises(InputError) as caught:
        wan_ensure(make(), connections)
    assert words in str(caught.value)
    assert wan.call_count == 0


def test_wan_offline_device_fails_clearly(make, api, basic_devices):
    with pytest.raises(ApiError) as caught:
        wan_ensure(make(), [{"id": "1", "priority": 1}], device="branch-2")
    assert "device branch-2 (id 102) is offline" in str(caught.value)


def test_wan_old_firmware_is_read_from_the_device_detail(make, api, basic_devices):
    api.get(URL + "/rest/o/org1/g/10/d/101/devapi/status.wan.connection").mock(
        return_value=httpx.Response(200, json=envelope({"stat": "fail", "code": 404, "message": "API not found"}))
    )
    api.get(URL + "/rest/o/org1/g/10/d/101").mock(return_value=httpx.Response(200, json=envelope(DEVICES[0])))
    state = incontrol.WanPriorityResource(make(), wan_params([{"id": "1"}])).read()
    assert state["connections"]["1"] == {"name": "WAN", "priority": 1, "enabled": True}
    assert state["connections"]["3"] == {"name": "Wi-Fi WAN", "priority": None, "enabled": False}


def test_wan_ic2_errors_are_not_taken_for_old_firmware(make, api, basic_devices):
    api.get(URL + "/rest/o/org1/g/10/d/101/devapi/status.wan.connection").mock(
        return_value=httpx.Response(404, json={"error": "org_not_found", "error_description": "gone"})
    )
    with pytest.raises(NotFoundError):
        incontrol.WanPriorityResource(make(), wan_params([{"id": "1"}])).read()


# ---- issue 14: answers of the real service ------------------------------------------------------


def test_a_401_without_a_known_code_logs_in_again_and_resends(make, mock, token_route, orgs_route):
    groups = mock.get(URL + "/rest/o/org1/g").mock(side_effect=[httpx.Response(401, text=""), httpx.Response(200, json=envelope(GROUPS))])
    assert len(make().groups()) == len(GROUPS)
    assert groups.call_count == 2 and token_route.call_count == 2


@pytest.mark.parametrize("data", [PROFILES, {"ssid_profiles": PROFILES, "group_id": 10}])
def test_ssid_profiles_in_either_shape(make, api, data):
    api.get(URL + "/rest/o/org1/g/10/ssid_profiles").mock(return_value=httpx.Response(200, json=envelope(data)))
    found = incontrol.SsidProfileResource(make(), ssid_params()).read()
    assert found["id"] == "5" and found["vlan_id"] == 20


@pytest.mark.parametrize("data", ["Staff", {"profiles": PROFILES}, {"ssid_profiles": {"5": PROFILES[0]}}])
def test_ssid_profiles_in_another_shape_are_a_typed_error(make, api, data):
    api.get(URL + "/rest/o/org1/g/10/ssid_profiles").mock(return_value=httpx.Response(200, json=envelope(data)))
    with pytest.raises(MalformedResponseError) as caught:
        incontrol.SsidProfileResource(make(), ssid_params()).read()
    assert "neither a list nor an object holding 'ssid_profiles'" in str(caught.value)
    assert "staff-passphrase-123" not in str(caught.value)


def test_pending_read_is_asked_again_then_answers(make, api, fake_time):
    route = api.get(URL + "/rest/o/org1/g/10").mock(
        side_effect=[httpx.Response(200, json=envelope(None, "PENDING", "busy")), httpx.Response(200, json=envelope({"id": 10}))]
    )
    client = make()
    assert client.get("g/10") == {"id": 10}
    assert route.call_count == 2 and incontrol.PENDING_READ_DELAY in fake_time.sleeps
    assert client.retries[-1][2] == "PENDING"


def test_pending_read_fails_clearly_after_a_few_attempts(make, api):
    route = api.get(URL + "/rest/o/org1/g/10").mock(return_value=httpx.Response(200, json=envelope(None, "PENDING", "busy")))
    with pytest.raises(PendingError) as caught:
        make().get("g/10")
    assert route.call_count == incontrol.PENDING_READ_ATTEMPTS
    assert "still PENDING after %d attempts" % incontrol.PENDING_READ_ATTEMPTS in str(caught.value)


def test_pending_write_is_accepted_with_a_warning(make, api, wan):
    wan.side_effect = None
    wan.mock(return_value=httpx.Response(200, json=envelope(None, "PENDING", "queued")))
    client = make()
    result = wan_ensure(client, [{"id": "2", "priority": 1}])
    assert result["changed"] is True and wan.call_count == 1
    assert result["wan"]["connections"]["2"]["priority"] == 1
    assert client.pending_writes == ["POST /rest/o/org1/g/10/d/101/devapi/config.wan.connection.priority"]
    assert "accepted and queued" in client.notices[0] and "PENDING: queued" in client.notices[0]


@pytest.mark.parametrize("flag", sorted(incontrol.DEVICE_API_OWNERSHIP))
def test_wan_owned_by_another_layer_is_refused_before_any_write(make, api, wan, flag):
    api["detail"].mock(return_value=httpx.Response(200, json=envelope(device_obj(**{flag: True}))))
    with pytest.raises(UnsupportedError) as caught:
        wan_ensure(make(), [{"id": "2", "priority": 1}])
    assert "has %s: true" % flag in str(caught.value) and "Nothing was changed" in str(caught.value)
    assert wan.call_count == 0
    # nothing to change: the flag does not matter, no failure
    assert wan_ensure(make(), [{"id": "2", "priority": 2}])["changed"] is False


def test_ssid_change_warns_about_group_devices_with_their_own_ssid_settings(make, api, profiles):
    api["group_devices"].mock(
        return_value=httpx.Response(200, json=envelope([device_obj(wifi_cfg="group"), device_obj(id=107, name="own-wifi", wifi_cfg="device")]))
    )
    api.put(URL + "/rest/o/org1/g/10/ssid_profiles/5").mock(return_value=httpx.Response(200, json=envelope(None)))
    client = make()
    assert ssid_ensure(client, name="Staff", vlan_id=30)["changed"] is True
    assert client.notices == [
        "SSID profiles of group Branches do not reach own-wifi (wifi_cfg device): their wifi_cfg says "
        "their SSIDs are set per device (device) or on the router itself (not_managed); change those "
        "with platform peplink_router or in InControl's device settings"
    ]
    unchanged = make()
    assert ssid_ensure(unchanged, name="Staff", vlan_id=20)["changed"] is False and unchanged.notices == []
