"""NcmClient: headers, URLs, NCM's envelopes and error shapes, paging, retries, redaction, records."""

from __future__ import annotations

import email.utils
import json
import re
import threading
import time

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx

from ansible_collections.wanfleet.routers.plugins.module_utils import errors
from ansible_collections.wanfleet.routers.plugins.module_utils.models import Device
from ansible_collections.wanfleet.routers.plugins.module_utils.ncm import (
    PASSWORD_MASK,
    AlertRuleResource,
    GroupResource,
    NcmClient,
    SsidProfileResource,
    WanPriorityResource,
    config_diff,
    config_effective,
    config_get,
    read_secret,
    ssids_from_config,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.resource import UNKNOWN, changes_between, ensure
from ansible_collections.wanfleet.routers.plugins.module_utils.token_cache import TokenCache

BASE = "https://ncm.example.test/api/v2"
SETTINGS = {
    "url": BASE,
    "cp_api_id": "cp-id-1111",
    "cp_api_key": "cp-key-SECRET-2222",
    "ecm_api_id": "ecm-id-3333",
    "ecm_api_key": "ecm-key-SECRET-4444",
    "auth": ("cp_api_id", "cp_api_key", "ecm_api_id", "ecm_api_key"),
}
SECRETS = (SETTINGS["cp_api_key"], SETTINGS["ecm_api_key"])
HEADERS = {
    "X-CP-API-ID": "cp-id-1111",
    "X-CP-API-KEY": "cp-key-SECRET-2222",
    "X-ECM-API-ID": "ecm-id-3333",
    "X-ECM-API-KEY": "ecm-key-SECRET-4444",
}


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def client(session):
    return make_client(session)


def make_client(session, **kwargs):
    return NcmClient(dict(SETTINGS), session, sleep=Sleeps(), **kwargs)


def page(items, next_url=None, offset=0):
    return {"data": items, "meta": {"limit": 500, "next": next_url, "offset": offset, "previous": None}}


def query_of(call):
    return dict((key, values[0]) for key, values in parse_qs(urlsplit(str(call.request.url)).query).items())


def assert_no_secret(error):
    text = " ".join(str(part) for part in (error.message, str(error), error.url, error.vendor_message, json.dumps(error.body)))
    for secret in SECRETS:
        assert secret not in text


# ---- auth and URLs ------------------------------------------------------------------------


@respx.mock
def test_the_four_key_headers_go_with_every_request_and_no_login(client):
    listing = respx.get(BASE + "/groups/").mock(return_value=httpx.Response(200, json=page([{"id": "1", "name": "a"}])))
    reboot = respx.post(BASE + "/reboot_activity/").mock(return_value=httpx.Response(201))
    client.groups()
    client.reboot_router(7)
    for call in list(listing.calls) + list(reboot.calls):
        for name, value in HEADERS.items():
            assert call.request.headers[name] == value
    assert len(respx.calls) == 2  # no auth request: NCM has no token


def test_keys_are_registered_for_redaction_and_missing_keys_fail_early(session):
    client = make_client(session)
    assert set(SECRETS) <= client.redactor.secrets
    with pytest.raises(errors.InputError, match="ecm_api_key"):
        NcmClient(dict(SETTINGS, ecm_api_key=None), session)


def test_no_token_is_cached(session, tmp_path):
    cache = TokenCache(directory=str(tmp_path / "tokens"))
    make_client(session, token_cache=cache)
    make_client(session, token_cache=cache)
    # the folder holds the account's rate schedule (shared by the forks), never a token
    assert [path.name for path in (tmp_path / "tokens").iterdir() if not path.name.startswith("ratelimit-")] == []


def test_urls_always_end_with_a_slash(client):
    assert client.resource_url("routers") == BASE + "/routers/"
    assert client.resource_url("/routers/", 42) == BASE + "/routers/42/"
    assert client.resource_url("groups", BASE + "/groups/9/") == BASE + "/groups/9/"
    assert client.resource_url("alert_rules", "e81f4500-1e13-11b2-bfff-ffffffffffff") == BASE + "/alert_rules/e81f4500-1e13-11b2-bfff-ffffffffffff/"
    assert client.url("routers/5") == BASE + "/routers/5/"
    assert client.url("groups/5?fields=configuration") == BASE + "/groups/5/?fields=configuration"
    next_url = "https://elsewhere.test/api/v2/routers/?offset=500"
    assert client.url(next_url) == next_url


@respx.mock
def test_crud_calls_use_slashed_urls_and_json(client):
    get = respx.get(BASE + "/routers/5/").mock(return_value=httpx.Response(200, json={"id": "5", "name": "r"}))
    post = respx.post(BASE + "/groups/").mock(return_value=httpx.Response(201, json={"id": "9", "name": "g"}))
    put = respx.put(BASE + "/groups/9/").mock(return_value=httpx.Response(202, json={"id": "9", "name": "h"}))
    patch = respx.patch(BASE + "/alert_rules/abc/").mock(return_value=httpx.Response(201))
    delete = respx.delete(BASE + "/groups/9/").mock(return_value=httpx.Response(204))
    assert client.get("routers", 5, fields=["id", "name"]) == {"id": "5", "name": "r"}
    assert query_of(get.calls.last) == {"fields": "id,name"}
    body = {"name": "g", "product": client.resource_url("products", 23)}
    assert client.create("groups", body) == {"id": "9", "name": "g"}
    assert json.loads(post.calls.last.request.content) == {"name": "g", "product": BASE + "/products/23/"}
    assert post.calls.last.request.headers["Content-Type"] == "application/json"
    assert client.update("groups", 9, {"name": "h"})["name"] == "h"
    assert put.calls.last.request.headers["Content-Type"] == "application/json"
    assert client.patch("alert_rules", "abc", {"schedule": "hourly"}) is None  # alert_rules PATCH: 201, empty
    assert patch.calls.last.request.headers["Content-Type"] == "application/json"
    assert client.delete("groups", 9) is None and delete.call_count == 1


@respx.mock
def test_delete_of_an_object_gone_already_is_no_error(client):
    """A DELETE resent after a lost answer finds the object gone (404): the group and alert_rule deletes go on."""
    delete = respx.delete(BASE + "/alert_rules/abc/").mock(return_value=httpx.Response(404, json={"detail": "Not found."}))
    assert client.delete("alert_rules", "abc") is None and delete.call_count == 1
    respx.delete(BASE + "/groups/9/").mock(return_value=httpx.Response(403, json={"detail": "forbidden"}))
    with pytest.raises(errors.PermissionDeniedError):
        client.delete("groups", 9)  # any other refusal still fails


@respx.mock
def test_success_data_variant_of_the_config_appendix_is_unwrapped(client):
    respx.get(BASE + "/configuration_managers/123/").mock(
        return_value=httpx.Response(200, json={"success": True, "data": {"id": "123", "configuration": [{}, []]}})
    )
    assert client.get("configuration_managers", 123) == {"id": "123", "configuration": [{}, []]}


@respx.mock
def test_a_success_body_that_is_not_json_is_malformed(client):
    respx.get(BASE + "/routers/5/").mock(return_value=httpx.Response(200, text="<html>oops</html>"))
    with pytest.raises(errors.MalformedResponseError):
        client.get("routers", 5)


# ---- error shapes ---------------------------------------------------------------------------

UNAUTHORIZED = {"status_code": 401, "exception": "unauthorized", "message": " Invalid Credentials i.e. missing or invalid keys.", "success": False}
GENERIC = {"errors": [{"path": BASE + "/groups/"}, {"method": "POST"}], "exception": {"message": "method not allowed", "type": "error"}}
FORBIDDEN = {"exception": {"message": "forbidden", "type": "error"}, "errors": []}
SERVER_ERROR = {"exception": {"message": "Expecting ',' delimiter or '}': line 3 column 2 (char 70)", "type": "server_error"}, "errors": []}
VALIDATION = {"exception": {"type": "validation", "message": "bad or missing data"}, "errors": [{"foo": "no such field"}]}
CONFIG_INVALID = {
    "errors": [{"configuration": {"message": "cannot set foo to bar: invalid path", "reason": "invalid path", "value": "bar", "path": ["foo"]}}],
    "exception": {"message": "bad or missing data", "type": "validation"},
}


@pytest.mark.parametrize(
    "status, body, cls, expected",
    [
        (401, UNAUTHORIZED, errors.AuthError, "Invalid Credentials i.e. missing or invalid keys."),
        (405, GENERIC, errors.ValidationError, "method not allowed"),
        (403, FORBIDDEN, errors.PermissionDeniedError, "forbidden"),
        (500, SERVER_ERROR, errors.ServerError, "Expecting ',' delimiter"),
        (400, VALIDATION, errors.ValidationError, "bad or missing data: foo: no such field"),
        (400, CONFIG_INVALID, errors.ValidationError, "bad or missing data: configuration foo: invalid path"),
        (409, CONFIG_INVALID, errors.ValidationError, "bad or missing data: configuration foo: invalid path"),
        (404, {"exception": {"message": "not found", "type": "error"}, "errors": []}, errors.NotFoundError, "not found"),
    ],
)
@respx.mock
def test_each_documented_error_shape_is_a_typed_error_with_the_vendor_message(client, status, body, cls, expected):
    respx.post(BASE + "/groups/").mock(return_value=httpx.Response(status, json=body))
    with pytest.raises(cls) as caught:
        client.create("groups", {"name": "x"})
    error = caught.value
    assert type(error) is cls  # pylint: disable=unidiomatic-typecheck  # a 409 invalid config is "validation", not "conflict"
    assert expected in error.vendor_message and expected in error.message
    assert error.status == status and error.platform == "ncm" and error.method == "POST"
    assert "/groups/" in error.message
    assert_no_secret(error)


def test_unauthorized_message_is_trimmed_and_names_the_options(client):
    with respx.mock:
        respx.get(BASE + "/routers/").mock(return_value=httpx.Response(401, json=UNAUTHORIZED))
        with pytest.raises(errors.AuthError) as caught:
            client.list("routers")
    assert caught.value.vendor_message == "Invalid Credentials i.e. missing or invalid keys."
    assert "ecm_api_key" in caught.value.message and "X_ECM_API_KEY" in caught.value.message


@respx.mock
def test_config_validation_never_shows_a_secret_value(client):
    body = {
        "errors": [
            {
                "configuration": {
                    "message": "cannot set wpapsk to hunter2hunter2: too short",
                    "reason": "too short (min length=8)",
                    "value": "hunter2hunter2",
                    "path": ["wlan", "radio", "0", "bss", "0", "wpapsk"],
                }
            }
        ],
        "exception": {"message": "bad or missing data", "type": "validation"},
    }
    respx.patch(BASE + "/configuration_managers/2/").mock(return_value=httpx.Response(400, json=body))
    with pytest.raises(errors.ValidationError) as caught:
        client.patch_configuration(2, {"wlan": {"radio": {"0": {"bss": {"0": {"wpapsk": "hunter2hunter2"}}}}}})
    error = caught.value
    assert "configuration wlan.radio.0.bss.0.wpapsk: too short (min length=8)" in error.message
    assert "hunter2hunter2" not in error.message + json.dumps(error.body)


@respx.mock
def test_an_html_timeout_page_is_summarised(session):
    client = make_client(session, max_retries=0)
    respx.get(BASE + "/routers/").mock(
        return_value=httpx.Response(524, text="<!DOCTYPE html><html><head><title>example.test | 524: A timeout occurred</title></head><body>" + "x" * 5000)
    )
    with pytest.raises(errors.ServerError) as caught:
        client.list("routers")
    assert "524: A timeout occurred" in caught.value.message
    assert "narrower query" in caught.value.message
    assert len(caught.value.message) < 400


@respx.mock
def test_success_false_in_a_2xx_body_is_an_error(client):
    respx.get(BASE + "/routers/5/").mock(return_value=httpx.Response(200, json={"success": False, "message": "nope"}))
    with pytest.raises(errors.ApiError, match="nope"):
        client.get("routers", 5)


# ---- paging ----------------------------------------------------------------------------------


@respx.mock
def test_paging_follows_meta_next_and_keeps_its_query(client):
    # The next links carry their own query; sending params with them would replace it (httpx).
    next_2 = BASE + "/routers/?state=online&limit=500&offset=500"
    next_3 = BASE + "/routers/?state=online&limit=500&offset=1000"
    calls = []

    def answer(request):
        calls.append(str(request.url))
        offset = request.url.params.get("offset")
        if offset is None:
            return httpx.Response(200, json=page([{"id": str(n)} for n in range(500)], next_2))
        if offset == "500":
            return httpx.Response(200, json=page([{"id": str(n)} for n in range(500, 1000)], next_3, 500))
        return httpx.Response(200, json=page([{"id": "1000"}], None, 1000))

    respx.get(BASE + "/routers/").mock(side_effect=answer)
    items = client.list("routers", {"state": "online"})
    assert [item["id"] for item in items] == [str(n) for n in range(1001)]
    assert calls == [BASE + "/routers/?state=online&limit=500", next_2, next_3]


@respx.mock
def test_offsetless_endpoints_page_by_next_only(client):
    cursor = BASE + "/alert_rules/?limit=500&alert_config_id__lt=e81f4500-1e13-11b2-bfff-ffffffffffff"
    route = respx.get(BASE + "/alert_rules/").mock(
        side_effect=[
            httpx.Response(200, json={"data": [{"alert_config_id": "b"}], "meta": {"limit": 500, "next": cursor}}),
            httpx.Response(200, json={"data": [{"alert_config_id": "a"}], "meta": {"limit": 500, "next": None}}),
        ]
    )
    assert [item["alert_config_id"] for item in client.list("alert_rules")] == ["b", "a"]
    assert all("offset" not in query_of(call) for call in route.calls)
    assert str(route.calls[1].request.url) == cursor


@respx.mock
def test_relative_next_links_resolve_against_the_page(client):
    route = respx.get(BASE + "/groups/").mock(
        side_effect=[
            httpx.Response(200, json=page([{"id": "1"}], "/api/v2/groups/?limit=500&offset=500")),
            httpx.Response(200, json=page([{"id": "2"}])),
        ]
    )
    assert len(client.list("groups")) == 2
    assert str(route.calls[1].request.url) == BASE + "/groups/?limit=500&offset=500"


@respx.mock
def test_a_failing_second_page_fails_the_listing(session):
    client = make_client(session, max_retries=1)
    respx.get(BASE + "/routers/").mock(
        side_effect=[
            httpx.Response(200, json=page([{"id": "1"}], BASE + "/routers/?limit=500&offset=500")),
            httpx.Response(500, json=SERVER_ERROR),
            httpx.Response(500, json=SERVER_ERROR),
        ]
    )
    with pytest.raises(errors.ServerError) as caught:
        client.list("routers")
    assert "no partial list" in caught.value.message and "after 1 items" in caught.value.message
    assert_no_secret(caught.value)


@respx.mock
def test_a_page_without_the_list_envelope_fails_the_listing(client):
    respx.get(BASE + "/routers/").mock(
        side_effect=[
            httpx.Response(200, json=page([{"id": "1"}], BASE + "/routers/?limit=500&offset=500")),
            httpx.Response(200, json={"id": "2"}),
        ]
    )
    with pytest.raises(errors.MalformedResponseError):
        client.list("routers")


@respx.mock
def test_list_in_chunks_at_100_values(client):
    route = respx.get(BASE + "/net_devices/").mock(
        side_effect=lambda request: httpx.Response(
            200, json=page([{"id": "nd" + value, "router": value} for value in request.url.params["router__in"].split(",")])
        )
    )
    values = list(range(250)) + [3, 4]  # duplicates are asked once
    items = client.list_in("net_devices", "router", values, params={"mode": "wan"})
    assert len(items) == 250
    sizes = [len(query_of(call)["router__in"].split(",")) for call in route.calls]
    assert sizes == [100, 100, 50]
    assert all(query_of(call)["mode"] == "wan" and query_of(call)["limit"] == "500" for call in route.calls)
    assert client.list_in("net_devices", "router__in", []) == []
    assert route.call_count == 3


# ---- retries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 524, 500, 429])
@respx.mock
def test_transient_statuses_are_retried_for_get(client, status):
    route = respx.get(BASE + "/routers/5/").mock(side_effect=[httpx.Response(status), httpx.Response(200, json={"id": "5"})])
    assert client.get("routers", 5) == {"id": "5"}
    assert route.call_count == 2 and [entry[2] for entry in client.retries] == [status]


@pytest.mark.parametrize("status", [408, 524, 503])
@respx.mock
def test_posts_are_never_resent(client, status):
    reboot = respx.post(BASE + "/reboot_activity/").mock(return_value=httpx.Response(status))
    create = respx.post(BASE + "/groups/").mock(return_value=httpx.Response(status))
    with pytest.raises(errors.ApiError):
        client.reboot_router(42)
    with pytest.raises(errors.ApiError):
        client.create("groups", {"name": "g"})
    assert reboot.call_count == 1 and create.call_count == 1 and client.retries == []


@respx.mock
def test_retry_after_as_an_http_date_is_honoured(client):
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    route = respx.get(BASE + "/routers/").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": when}),
            httpx.Response(200, json=page([])),
        ]
    )
    assert client.list("routers") == []
    assert route.call_count == 2
    assert 27 <= client.retries[0][3] <= 31


@respx.mock
def test_config_patch_is_idempotent_and_retried(client):
    route = respx.patch(BASE + "/configuration_managers/17/").mock(side_effect=[httpx.Response(504), httpx.Response(202)])
    client.patch_configuration(17, {"system": {"gps": {"enabled": True}}})
    assert route.call_count == 2
    assert json.loads(route.calls.last.request.content) == {"configuration": [{"system": {"gps": {"enabled": True}}}, []]}


# ---- redaction -------------------------------------------------------------------------------


@respx.mock
def test_keys_never_appear_in_errors(session):
    client = make_client(session, max_retries=0)
    echo = {"exception": {"message": "bad key %s / %s" % SECRETS, "type": "error"}, "errors": [{"key": SECRETS[1]}]}
    respx.get(BASE + "/routers/1/").mock(return_value=httpx.Response(401, json=echo))
    respx.get(BASE + "/routers/2/").mock(return_value=httpx.Response(502, text="upstream said " + SECRETS[0]))
    respx.get(BASE + "/routers/3/").mock(side_effect=httpx.ConnectError("refused for " + SECRETS[1]))
    respx.get(BASE + "/routers/").mock(
        side_effect=[
            httpx.Response(200, json=page([{"id": "1"}], BASE + "/routers/?limit=500&offset=500&x=" + SECRETS[0])),
            httpx.Response(403, json=FORBIDDEN),
        ]
    )
    calls = (lambda: client.get("routers", 1), lambda: client.get("routers", 2), lambda: client.get("routers", 3), lambda: client.list("routers"))
    for call in calls:
        with pytest.raises(errors.WanfleetError) as caught:
            call()
        assert_no_secret(caught.value)
        assert "********" in caught.value.message


# ---- configuration ---------------------------------------------------------------------------


@respx.mock
def test_router_configuration_is_looked_up_by_router(client):
    route = respx.get(BASE + "/configuration_managers/").mock(
        side_effect=[
            httpx.Response(200, json=page([{"id": "2163609", "router": BASE + "/routers/2162719/", "configuration": [{}, []]}])),
            httpx.Response(200, json=page([])),
        ]
    )
    assert client.router_configuration(2162719)["id"] == "2163609"
    assert query_of(route.calls[0])["router"] == "2162719"
    with pytest.raises(errors.NotFoundError):
        client.router_configuration(1)


def test_patch_cannot_remove_and_empty_patches_send_nothing(client):
    with respx.mock:  # any request would fail: nothing is mocked
        with pytest.raises(errors.InputError, match="cannot remove"):
            client.patch_configuration(2, {"a": 1}, removals=[["wlan", "radio", 0]])
        with pytest.raises(errors.InputError, match="cannot remove"):
            client.patch_group_configuration(2, {}, removals=[["x"]])
        client.patch_configuration(2, {})
        client.patch_group_configuration(2, {})
        assert len(respx.calls) == 0


@respx.mock
def test_group_configuration_read_and_patch(client):
    get = respx.get(BASE + "/groups/35/").mock(return_value=httpx.Response(200, json={"configuration": [{"system": {"logging": {"level": "debug"}}}, []]}))
    patch = respx.patch(BASE + "/groups/35/").mock(return_value=httpx.Response(202))
    assert client.group_configuration(35) == [{"system": {"logging": {"level": "debug"}}}, []]
    assert query_of(get.calls.last) == {"fields": "configuration"}
    client.patch_group_configuration(35, {"system": {"gps": {"enabled": True}}})
    assert json.loads(patch.calls.last.request.content) == {"configuration": [{"system": {"gps": {"enabled": True}}}, []]}


def test_config_helpers():
    radios = {
        "0": {"bss": {"0": {"ssid": "Home", "wpapsk": "*", "enabled": True}, "1": {"ssid": "Guest", "enabled": "false"}}},
        "1": {"bss": {"0": {"ssid": "Home-5g"}}},
    }
    config = [{"wlan": {"radio": radios}}, []]
    assert config_get(config, "wlan.radio.0.bss.1.ssid") == "Guest"
    assert config_get(config, ["wlan", "radio", 1, "bss", 0, "ssid"]) == "Home-5g"
    assert config_get(config, "wlan.radio.2.bss.0.ssid", "none") == "none"
    assert config_diff("wlan.radio.0.bss.0.ssid", "x") == {"wlan": {"radio": {"0": {"bss": {"0": {"ssid": "x"}}}}}}
    assert read_secret(config_get(config, "wlan.radio.0.bss.0.wpapsk")) is UNKNOWN
    assert read_secret("clear") == "clear" and PASSWORD_MASK == "*"
    ssids = ssids_from_config(config)
    assert [(s.id, s.name, s.enabled) for s in ssids] == [("0.0", "Home", True), ("0.1", "Guest", False), ("1.0", "Home-5g", None)]
    assert ssids_from_config(None) == [] and ssids_from_config([{}, []]) == []


# ---- reboot ----------------------------------------------------------------------------------


@respx.mock
def test_reboot_posts_full_urls(client):
    route = respx.post(BASE + "/reboot_activity/").mock(return_value=httpx.Response(201))
    client.reboot_router("42")
    assert [json.loads(call.request.content) for call in route.calls] == [{"router": BASE + "/routers/42/"}]


@respx.mock
def test_reboot_of_an_invalid_id_is_permission_denied_with_a_hint(client):
    respx.post(BASE + "/reboot_activity/").mock(return_value=httpx.Response(403, json=FORBIDDEN))
    with pytest.raises(errors.PermissionDeniedError, match="does not exist or is not visible"):
        client.reboot_router(1)


# ---- reference data --------------------------------------------------------------------------


@respx.mock
def test_find_group_by_id_or_name(client):
    def answer(request):
        params = request.url.params
        groups = [{"id": "10", "name": "Stores"}, {"id": "11", "name": "Dup"}, {"id": "12", "name": "Dup"}, {"id": "13", "name": "42"}]
        if "id" in params:
            groups = [g for g in groups if g["id"] == params["id"]]
        if "name" in params:
            groups = [g for g in groups if g["name"] == params["name"]]
        return httpx.Response(200, json=page(groups))

    route = respx.get(BASE + "/groups/").mock(side_effect=answer)
    assert client.find_group(10).name == "Stores"
    assert client.find_group("Stores").id == "10"
    assert client.find_group("42").id == "13"  # not an id: then by name
    with pytest.raises(errors.AmbiguousError) as caught:
        client.find_group("Dup")
    assert "Dup (id 11)" in caught.value.message and "Dup (id 12)" in caught.value.message
    with pytest.raises(errors.NotFoundError):
        client.find_group("nope")
    assert all(query_of(call)["fields"].startswith("id,name") for call in route.calls)


@respx.mock
def test_products_firmwares_accounts_users(client):
    products = respx.get(BASE + "/products/").mock(
        return_value=httpx.Response(
            200,
            json=page(
                [
                    {"id": "23", "name": "IBR1100", "device_type": "router", "series": 3},
                    {"id": "48", "name": "AP22", "device_type": "access_point", "series": 3},
                ]
            ),
        )
    )
    respx.get(BASE + "/firmwares/").mock(
        return_value=httpx.Response(
            200,
            json=page(
                [
                    {"id": "29", "version": "7.2.0", "product": BASE + "/products/23/", "is_deprecated": False},
                    {"id": "30", "version": "7.2.0", "product": BASE + "/products/48/", "is_deprecated": False},
                ]
            ),
        )
    )
    respx.get(BASE + "/accounts/").mock(
        return_value=httpx.Response(200, json=page([{"id": "241", "name": "cradlepoint", "account": BASE + "/accounts/308/", "is_disabled": False}]))
    )
    users = respx.get(BASE + "/users/").mock(
        return_value=httpx.Response(200, json=page([{"id": "63944", "email": "a@example.com", "username": "a", "account": BASE + "/accounts/241/"}]))
    )
    assert client.find_product("IBR1100")["id"] == "23"
    assert client.find_product(BASE + "/products/48/")["name"] == "AP22"
    assert products.call_count == 1  # listed once per client
    assert [f["id"] for f in client.firmwares(product="IBR1100")] == ["29", "30"][:1]
    assert client.find_account("cradlepoint") == {"id": "241", "name": "cradlepoint", "parent_id": "308", "is_disabled": False}
    assert client.users(["a@example.com"])[0]["id"] == "63944"
    assert query_of(users.calls.last)["email__in"] == "a@example.com"


# ---- devices ---------------------------------------------------------------------------------

ROUTERS = [
    {
        "id": "861605",
        "name": "AP22-154",
        "serial_number": "WA1801AA001172",
        "mac": "00:30:44:24:61:54",
        "state": "online",
        "group": BASE + "/groups/85136/",
        "product": BASE + "/products/48/",
        "full_product_name": "AP22",
        "actual_firmware": BASE + "/firmwares/877/",
        "account": BASE + "/accounts/1/",
    },
    {
        "id": "1437919",
        "name": "AP22-new",
        "serial_number": None,
        "mac": "00:30:44:24:61:55",
        "state": "initialized",
        "group": None,
        "product": BASE + "/products/48/",
        "full_product_name": "unknown",
        "actual_firmware": None,
        "account": BASE + "/accounts/1/",
    },
]


def mock_fleet(routers=None):
    routers = ROUTERS if routers is None else routers

    def router_answer(request):
        params, found = request.url.params, routers
        for field in ("id", "name", "serial_number", "mac", "state", "group"):
            if field in params:
                found = [r for r in found if _ref(r.get(field)) == params[field]]
        for field in ("state", "mac"):
            if field + "__in" in params:
                found = [r for r in found if r[field] in params[field + "__in"].split(",")]
        return httpx.Response(200, json=page(found))

    return {
        "routers": respx.get(BASE + "/routers/").mock(side_effect=router_answer),
        "groups": respx.get(BASE + "/groups/").mock(return_value=httpx.Response(200, json=page([{"id": "85136", "name": "AP22 Group"}]))),
        "products": respx.get(BASE + "/products/").mock(return_value=httpx.Response(200, json=page([{"id": "48", "name": "AP22"}]))),
        "firmwares": respx.get(BASE + "/firmwares/").mock(return_value=httpx.Response(200, json=page([{"id": "877", "version": "7.21.40"}]))),
        "net_devices": respx.get(BASE + "/net_devices/").mock(
            return_value=httpx.Response(
                200,
                json=page(
                    [
                        {
                            "id": "32081658",
                            "router": BASE + "/routers/861605/",
                            "name": "mdm-c5be779",
                            "type": "mdm",
                            "mode": "wan",
                            "connection_state": "Connected",
                            "ipv4_address": "10.0.0.2",
                        },
                        {
                            "id": "32081659",
                            "router": BASE + "/routers/861605/",
                            "name": "ethernet-lan",
                            "type": "ethernet",
                            "mode": "LAN",
                            "connection_state": "connected",
                            "ipv4_address": "192.168.0.1",
                        },
                        {
                            "id": "32081660",
                            "router": BASE + "/routers/1437919/",
                            "name": "ethernet-wan",
                            "type": "ethernet",
                            "mode": "WAN",
                            "connection_state": "unplugged",
                            "ipv4_address": None,
                        },
                    ]
                ),
            )
        ),
        "configuration_managers": respx.get(BASE + "/configuration_managers/").mock(
            return_value=httpx.Response(
                200,
                json=page(
                    [
                        {
                            "router": BASE + "/routers/861605/",
                            "target": [
                                {
                                    "wlan": {"radio": {"0": {"bss": {"0": {"ssid": "AER2200-b09-JE-Home", "wpapsk": "*"}}}}},
                                    "wan": {"rules2": {"1": {"priority": 0.5, "disabled": True}}},
                                },
                                [],
                            ],
                        },
                        {"router": BASE + "/routers/1437919/", "target": [{}, []]},
                    ]
                ),
            )
        ),
        # the factory WAN rules of firmware 877: one named by trigger_name, one (older) by name
        "defaults": respx.get(BASE + "/firmwares/877/default_configuration/").mock(
            return_value=httpx.Response(
                200,
                json={
                    "wan": {
                        "rules2": {
                            "0": {"_id_": "00000000-aaaa", "trigger_name": "Ethernet", "priority": 1.0},
                            "1": {"_id_": "00000001-bbbb", "name": "LTE", "priority": 2.0},
                        }
                    }
                },
            )
        ),
    }


def _ref(value):
    return value.rstrip("/").rsplit("/", 1)[-1] if isinstance(value, str) and "/" in value else value


@respx.mock
def test_devices_with_detail_one_request_per_endpoint(client):
    routes = mock_fleet()
    devices = client.devices()
    assert {name: route.call_count for name, route in routes.items()} == dict.fromkeys(routes, 1)
    first, second = devices
    assert first.record() == {
        "platform": "ncm",
        "id": "861605",
        "name": "AP22-154",
        "serial": "WA1801AA001172",
        "mac": "00:30:44:24:61:54",
        "model": "AP22",
        "firmware": "7.21.40",
        "status": "online",
        "group": "AP22 Group",
        "group_id": "85136",
        "wan": [{"id": "32081658", "name": "mdm-c5be779", "type": "mdm", "status": "connected", "ip": "10.0.0.2", "priority": None, "enabled": None}],
        "ssids": [{"id": "0.0", "name": "AER2200-b09-JE-Home", "enabled": None}],
        # what wan_priority compares: each WAN rule's name, priority and enabled state
        "wan_rules": [
            {"id": "00000000-aaaa", "name": "Ethernet", "priority": 1, "enabled": True},
            {"id": "00000001-bbbb", "name": "LTE", "priority": 0.5, "enabled": False},
        ],
    }
    assert second.status == "unknown" and second.group is None and second.firmware is None and second.model == "AP22"
    assert [w.name for w in second.wan] == ["ethernet-wan"]
    assert first.raw["full_product_name"] == "AP22"
    assert query_of(routes["net_devices"].calls.last)["router__in"] == "861605,1437919"
    assert query_of(routes["configuration_managers"].calls.last)["router__in"] == "861605,1437919"
    assert query_of(routes["groups"].calls.last)["id__in"] == "85136"
    assert query_of(routes["firmwares"].calls.last)["id__in"] == "877"


def paged_fleet(count, last_page_waits_for=None, failing_offset=None, signals=("groups", "products", "firmwares")):
    """respx routes for `count` routers (groups g0-g9, firmware 877, a modem and a position each) in NCM offset
    pages of 500. The last page answers only once `last_page_waits_for` (an Event) is set by a request to one
    of the `signals` endpoints, or after 10 s: whether it was set is recorded."""
    routers = [
        {
            "id": str(index),
            "name": "r%d" % index,
            "group": BASE + "/groups/g%d/" % (index % 10),
            "product": BASE + "/products/48/",
            "actual_firmware": BASE + "/firmwares/877/",
        }
        for index in range(count)
    ]
    waited = []

    def router_page(request):
        params = request.url.params
        offset, limit = int(params.get("offset", 0)), int(params["limit"])
        if offset == failing_offset:
            return httpx.Response(500, json=SERVER_ERROR)
        if last_page_waits_for is not None and offset <= count - 1 < offset + limit:
            waited.append(last_page_waits_for.wait(10))
        following = BASE + "/routers/?limit=%d&offset=%d" % (limit, offset + limit) if offset + limit < count else None
        return httpx.Response(200, json=page(routers[offset : offset + limit], following, offset))

    def side(name, items):
        def answer(request):
            if last_page_waits_for is not None and name in signals:
                last_page_waits_for.set()
            asked = request.url.params.get("router__in")
            return httpx.Response(200, json=page(items(asked.split(",")) if callable(items) else items))

        return respx.get(BASE + "/%s/" % name).mock(side_effect=answer)

    routes = {
        "routers": respx.get(BASE + "/routers/").mock(side_effect=router_page),
        "groups": side("groups", [{"id": "g%d" % index, "name": "group %d" % index} for index in range(10)]),
        "products": side("products", [{"id": "48", "name": "AP22"}]),
        "firmwares": side("firmwares", [{"id": "877", "version": "7.21.40"}]),
        "net_devices": side(
            "net_devices",
            lambda ids: [
                {"id": "m" + router_id, "router": BASE + "/routers/%s/" % router_id, "mode": "wan", "type": "mdm", "carrier": "Carrier %s" % router_id}
                for router_id in ids
            ],
        ),
        "net_device_signal_samples": side("net_device_signal_samples", []),
        "locations": side(
            "locations", lambda ids: [{"router": BASE + "/routers/%s/" % router_id, "latitude": 45.5, "longitude": float(router_id)} for router_id in ids]
        ),
    }
    return routes, waited


@respx.mock
def test_side_listings_start_while_the_router_pages_go_on(client):
    # The last of three router pages answers only once a side listing (groups, products or firmwares) has
    # reached the server: if those waited for the router pages, it would wait 10 s and record False.
    started = threading.Event()
    routes, waited = paged_fleet(1200, last_page_waits_for=started)
    devices = client.devices(detail=False)
    assert waited == [True]
    assert len(devices) == 1200 and routes["routers"].call_count >= 3
    assert devices[1111].group == "group 1" and devices[1111].model == "AP22" and devices[1111].firmware == "7.21.40"
    # each name is asked for once, however many pages reference it
    assert all(routes[name].call_count == 1 for name in ("groups", "products", "firmwares"))


@respx.mock
def test_includes_are_read_with_the_router_pages(client):
    # The last router page waits for a cellular or location listing: they start while the pages go on.
    started = threading.Event()
    routes, waited = paged_fleet(1200, last_page_waits_for=started, signals=("net_devices", "locations"))
    devices = client.devices(detail=False, include=["cellular", "location"])
    assert waited == [True]
    asked = dict((name, routes[name].call_count) for name in ("net_devices", "locations", "net_device_signal_samples"))
    assert asked == {"net_devices": 12, "locations": 12, "net_device_signal_samples": 12}  # 100 routers a request
    cellular, locations = client.cellular(devices), client.locations(devices)
    assert dict((name, routes[name].call_count) for name in asked) == asked  # answered from what the listing read
    assert cellular["1111"]["m1111"]["carrier"] == "Carrier 1111" and len(cellular) == 1200
    assert locations["1111"]["longitude"] == 1111.0 and len(locations) == 1200


@respx.mock
def test_includes_without_the_listing_are_read_100_routers_a_request(client):
    routes = paged_fleet(250)[0]
    devices = client.devices(detail=False)
    assert routes["locations"].call_count == 0
    assert len(client.locations(devices)) == 250 and routes["locations"].call_count == 3


@respx.mock
@pytest.mark.parametrize("failing", ["firmwares", "locations"])
def test_a_failed_side_listing_fails_the_device_listing(session, failing):
    client = make_client(session, max_retries=1)
    paged_fleet(1200)
    respx.get(BASE + "/%s/" % failing).mock(return_value=httpx.Response(500, json=SERVER_ERROR))
    with pytest.raises(errors.ServerError, match=failing):
        client.devices(detail=False, include=["location"])


@respx.mock
def test_a_failed_router_page_fails_the_device_listing(session):
    client = make_client(session, max_retries=1)
    routes = paged_fleet(1800, failing_offset=1000)[0]
    with pytest.raises(errors.ServerError) as caught:
        client.devices(detail=False)
    assert "no partial list" in caught.value.message
    assert routes["groups"].call_count == 1  # the side listings had started; their results are dropped with the rest


@respx.mock
def test_devices_without_detail_ask_only_for_needed_fields(client):
    routes = mock_fleet()
    devices = client.devices(detail=False)
    assert len(devices) == 2 and devices[0].wan == [] and devices[0].ssids == []
    assert routes["net_devices"].call_count == 0 and routes["configuration_managers"].call_count == 0
    fields = query_of(routes["routers"].calls.last)["fields"].split(",")
    assert {"id", "name", "serial_number", "mac", "state", "group", "product", "actual_firmware"} <= set(fields)


@pytest.mark.parametrize(
    "key, field",
    [
        ("861605", "id"),
        ("WA1801AA001172", "serial_number"),
        ("AP22-154", "name"),
        ("00-30-44-24-61-54", "mac__in"),
        ("003044246154", "mac__in"),
    ],
)
@respx.mock
def test_one_device_by_id_serial_name_or_mac(client, key, field):
    routes = mock_fleet()
    devices = client.devices(device=key, detail=False)
    assert [d.id for d in devices] == ["861605"]
    assert field in query_of(routes["routers"].calls.last)


@respx.mock
def test_a_mac_is_asked_in_both_cases(client):
    routes = mock_fleet([dict(ROUTERS[0], mac="00:30:44:7D:A2:A6")])
    assert [d.id for d in client.devices(device="0030447DA2A6", detail=False)] == ["861605"]
    assert query_of(routes["routers"].calls.last)["mac__in"] == "00:30:44:7d:a2:a6,00:30:44:7D:A2:A6"
    assert [d.mac for d in client.devices(filters={"mac": ["00:30:44:7d:a2:a6"]}, detail=False)] == ["00:30:44:7d:a2:a6"]


@respx.mock
def test_ambiguous_and_unknown_devices(client):
    mock_fleet([dict(ROUTERS[0]), dict(ROUTERS[1], name="AP22-154")])
    with pytest.raises(errors.AmbiguousError, match="861605.*1437919"):
        client.devices(device="AP22-154")
    with pytest.raises(errors.NotFoundError, match="no device"):
        client.devices(device="nothing-like-it")


@respx.mock
def test_device_filters_are_server_side(client):
    routes = mock_fleet()
    filters = {"status": ["online", "offline"], "serial": "WA1801AA001172", "mac": "00-30-44-24-61-54"}
    devices = client.devices(group="AP22 Group", filters=filters, detail=False)
    assert [d.id for d in devices] == ["861605"] and devices[0].group == "AP22 Group"
    assert routes["groups"].call_count == 1  # the lookup of the group; its name is not asked again
    query = query_of(routes["routers"].calls.last)
    assert query["group"] == "85136" and query["state__in"] == "online,offline"
    assert query["serial_number"] == "WA1801AA001172" and query["mac__in"] == "00:30:44:24:61:54,00:30:44:24:61:54"


@respx.mock
def test_a_shell_pattern_is_matched_on_the_listing_not_sent(client):
    routes = mock_fleet()
    assert [d.name for d in client.devices(filters={"name": "ap22-1?4", "status": "online"}, detail=False)] == ["AP22-154"]
    query = query_of(routes["routers"].calls.last)
    assert "name" not in query and query["state"] == "online"  # the plain value still goes to the API


@respx.mock
def test_product_filter_is_applied_on_the_listing(client):
    mock_fleet()
    assert len(client.devices(filters={"model": "AP22"}, detail=False)) == 2
    with pytest.raises(errors.NotFoundError):
        client.devices(filters={"product": "IBR900"}, detail=False)


def test_unknown_filters_fail_before_any_request(client):
    with respx.mock:
        with pytest.raises(errors.InputError, match="not a device filter"):
            client.devices(filters={"colour": "blue"})
        with pytest.raises(errors.InputError, match="not a MAC"):
            client.devices(filters={"mac": "zz"})
        assert len(respx.calls) == 0


@respx.mock
def test_a_long_in_filter_is_chunked(client):
    routes = mock_fleet()
    client.devices(filters={"id": [str(n) for n in range(150)]}, detail=False)
    sizes = [len(query_of(call)["id__in"].split(",")) for call in routes["routers"].calls]
    assert sizes == [100, 50]


# ---- the modules' Resources ----------------------------------------------------------------------

RULE_ETH = "00000000-a81d-3590-93ca-8b1fcfeb8e14"
RULE_LTE = "00000002-a81d-3590-93ca-8b1fcfeb8e14"


class FakeNcm(object):
    """A tiny NCM behind respx: GET listings filtered by `field=` / `field__in=`, writes recorded."""

    def __init__(self, **tables):
        self.tables = tables
        self.writes = []
        self.sub = {}  # path -> body for GETs of sub-resources (default_configuration)

    def __call__(self, request):
        path = request.url.path[len("/api/v2/") :].strip("/")
        if request.method != "GET":
            body = json.loads(request.content) if request.content else None
            self.writes.append((request.method, path, body))
            if request.method == "POST":
                # a record without `account` goes to the requestor's account (NCM API v2, "Create a Resource")
                created = dict({"account": BASE + "/accounts/1/"}, **body)
                return httpx.Response(201, json=dict(created, id="900", alert_config_id="1a5faaf8-6649-11eb-9823-42edcb7bf284"))
            return httpx.Response(202 if request.method != "DELETE" else 204)
        if path in self.sub:
            return httpx.Response(200, json=self.sub[path])
        items = list(self.tables.get(path, []))
        for name, value in request.url.params.multi_items():
            if name in ("limit", "fields", "offset"):
                continue
            field, operator = name.split("__", 1) if "__" in name else (name, "")
            wanted = value.split(",") if operator == "in" else [value]
            items = [item for item in items if str(item.get(field)).rstrip("/").rsplit("/", 1)[-1] in wanted]
        return httpx.Response(200, json=page(items))


def fake_api(fake):
    respx.route(url__startswith=BASE + "/").mock(side_effect=fake)
    return fake


def wlan(*slots):
    """A wlan.radio tree from (radio, bss, {keys})."""
    radios = {}
    for radio, index, keys in slots:
        radios.setdefault(str(radio), {"bss": {}})["bss"][str(index)] = keys
    return {"wlan": {"radio": radios}}


DEFAULTS = dict(
    wlan(
        (0, 0, {"ssid": "IBR900", "enabled": True, "hidden": False, "authmode": "wpa2psk", "wpapsk": "*"}),
        (0, 1, {"ssid": "IBR900-1", "enabled": False, "hidden": False, "authmode": "wpa2psk"}),
        (1, 0, {"ssid": "IBR900", "enabled": True, "hidden": False, "authmode": "wpa2psk", "wpapsk": "*"}),
        (1, 1, {"ssid": "IBR900-1", "enabled": False, "hidden": False, "authmode": "wpa2psk"}),
    ),
    wan={
        "rules2": dict(
            (rule, {"_id_": rule, "trigger_name": name, "priority": priority, "disabled": False})
            for rule, name, priority in ((RULE_ETH, "Ethernet", 0.0), (RULE_LTE, "LTE", 1.1))
        )
    },
)


def router_fake(target):
    fake = FakeNcm(
        routers=[
            {
                "id": "42",
                "name": "store-1",
                "serial_number": "MM1",
                "mac": "00:30:44:00:00:01",
                "group": None,
                "product": BASE + "/products/46/",
                "actual_firmware": BASE + "/firmwares/7/",
                "target_firmware": None,
                "state": "online",
            }
        ],
        configuration_managers=[{"id": "1042", "router": BASE + "/routers/42/", "target": target}],
    )
    fake.sub["firmwares/7/default_configuration"] = DEFAULTS
    return fake


def ssid_params(**params):
    base = dict(
        name=None,
        id=None,
        device="store-1",
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
    base.update(params)
    return base


def test_config_effective_applies_removals_then_updates_and_rekeys_id_arrays():
    defaults = {
        "wan": {"rules2": {"0": {"_id_": RULE_ETH, "priority": 0.0}, "1": {"_id_": RULE_LTE, "priority": 1.1}}},
        "wlan": {"radio": {"0": {"bss": {"0": {"ssid": "a"}, "1": {"ssid": "b"}}}}},
    }
    diff = [{"wan": {"rules2": {RULE_LTE: {"_id_": RULE_LTE, "priority": 2.0}}}, "lan": ["x", "y"]}, [["wlan", "radio", 0, "bss", 1]]]
    effective = config_effective(defaults, diff)
    assert effective["wan"]["rules2"] == {RULE_ETH: {"_id_": RULE_ETH, "priority": 0.0}, RULE_LTE: {"_id_": RULE_LTE, "priority": 2.0}}
    assert effective["wlan"]["radio"]["0"]["bss"] == {"0": {"ssid": "a"}}
    assert effective["lan"] == {"0": "x", "1": "y"}  # a list in a diff replaces the array
    assert defaults["wan"]["rules2"]["1"]["priority"] == 1.1  # the defaults are not changed


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(passphrase="short"), "passphrase must be 8 to 63 printable ASCII characters or 64 hexadecimal digits"),
        (dict(passphrase="x" * 64), "passphrase must be 8 to 63"),
        (dict(passphrase="caf\u00e9-caf\u00e9-caf\u00e9"), "passphrase must be 8 to 63"),
        (dict(vlan_id=5000), "vlan_id is not supported on platform ncm"),
        (dict(vlan_id=20), "vlan_id is not supported on platform ncm"),
        (dict(fast_transition=False), "fast_transition is not supported on platform ncm"),
        (dict(band="6"), "band 6 has no known radio index"),
        (dict(id="1"), "id must be <radio>.<bss>"),
        (dict(id="0.1", band="5"), "id 0.1 is on radio 0, but band 5 GHz is radio 1"),
        (dict(security="open", passphrase="long enough"), "passphrase is not allowed with security open"),
        (dict(device=None), "give device"),
        (dict(name="\u00e9" * 17), "name (the SSID) must be 1 to 32 bytes"),
    ],
)
def test_ssid_validate_refuses_bad_input_before_any_request(params, message):
    resource = SsidProfileResource(None, ssid_params(**dict(dict(name="Guest", band="2.4"), **params)))
    with pytest.raises(errors.InputError) as caught:
        resource.validate()
    assert message in caught.value.message and caught.value.message.startswith("ncm: ssid_profile")
    assert "long enough" not in caught.value.message


@pytest.mark.parametrize("passphrase", ["12345678", "a" * 63, "0123456789abcdef" * 4, "with spaces & symbols!"])
def test_ssid_validate_accepts_good_passphrases(passphrase):
    SsidProfileResource(None, ssid_params(name="Guest", band="2.4", security="wpa2_personal", passphrase=passphrase)).validate()


@respx.mock
def test_ssid_read_layers_the_target_over_the_firmware_defaults(client):
    fake_api(router_fake([wlan((0, 0, {"ssid": "Corp", "hidden": True, "authmode": "wpa1wpa2psk", "wpapsk": "*"})), []]))
    resource = SsidProfileResource(client, ssid_params(name="Corp"))
    current = resource.read()
    assert current == {"id": "0.0", "name": "Corp", "enabled": True, "broadcast": False, "security": "wpa_wpa2_personal", "passphrase": UNKNOWN, "band": "2.4"}
    # on_create leaves an unreadable passphrase alone; always sends it
    desired = resource.desired(current)
    assert changes_between(dict(desired, passphrase="new-secret"), current, ("passphrase",), update_secrets="on_create") == {}
    assert changes_between(dict(desired, passphrase="new-secret"), current, ("passphrase",)) == {"passphrase": "new-secret"}


@respx.mock
def test_ssid_takes_the_first_unused_slot_of_the_band_and_writes_ncos_keys(client):
    fake = fake_api(router_fake([{}, []]))
    resource = SsidProfileResource(client, ssid_params(name="Guest", band="5", security="open", broadcast=False))
    result = ensure(resource, "present", check_mode=False, result_key="profile")
    assert result["changed"] is True and result["profile"]["id"] == "1.1"
    assert fake.writes == [
        ("PATCH", "configuration_managers/1042", {"configuration": [wlan((1, 1, {"ssid": "Guest", "enabled": True, "hidden": True, "authmode": "none"})), []]})
    ]


@respx.mock
def test_ssid_a_slot_without_passphrase_gets_one_even_with_on_create(client):
    fake = fake_api(router_fake([{}, []]))
    resource = SsidProfileResource(client, ssid_params(name="IBR900-1", id="0.1", enabled=True, passphrase="first-secret"))
    result = ensure(resource, "present", check_mode=False, update_secrets="on_create")
    assert result["changed"] is True and "passphrase" in result["diff"]["after"]
    assert fake.writes[0][2]["configuration"][0]["wlan"]["radio"]["0"]["bss"]["1"]["wpapsk"] == "first-secret"


@respx.mock
def test_ssid_same_name_on_two_radios_is_ambiguous_without_band(client):
    fake_api(router_fake([wlan((0, 0, {"ssid": "Corp"}), (1, 0, {"ssid": "Corp"})), []]))
    with pytest.raises(errors.AmbiguousError, match=r"on several slots of router store-1 \(id 42\): 0.0, 1.0"):
        SsidProfileResource(client, ssid_params(name="Corp")).read()
    assert SsidProfileResource(client, ssid_params(name="Corp", band="5")).read()["id"] == "1.0"


def wan_params(connections, **params):
    base = dict(connections=connections, device="store-1", group=None, apply=True)
    base.update(params)
    return base


@respx.mock
def test_wan_read_normalises_priorities_and_resolves_names_ids_and_indexes(client):
    fake_api(router_fake([{"wan": {"rules2": {RULE_LTE: {"_id_": RULE_LTE, "disabled": True}}}}, []]))
    resource = WanPriorityResource(
        client, wan_params([{"name": "lte", "priority": 2, "id": None, "enabled": None}, {"id": "0", "enabled": False, "name": None, "priority": None}])
    )
    current = resource.read()
    assert current == {
        "connections": {RULE_ETH: {"name": "Ethernet", "priority": 0, "enabled": True}, RULE_LTE: {"name": "LTE", "priority": 1.1, "enabled": False}}
    }
    assert resource.desired(current) == {"connections": {RULE_LTE: {"priority": 2}, RULE_ETH: {"enabled": False}}}


@respx.mock
def test_wan_update_sends_only_what_differs_with_the_rule_id(client):
    fake = fake_api(router_fake([{}, []]))
    resource = WanPriorityResource(
        client,
        wan_params([{"id": RULE_LTE, "priority": 2, "enabled": True, "name": None}, {"name": "Ethernet", "priority": 0 + 1, "enabled": None, "id": None}]),
    )
    result = ensure(resource, "present", check_mode=False, result_key="wan")
    assert result["changed"] is True
    assert fake.writes == [
        (
            "PATCH",
            "configuration_managers/1042",
            {"configuration": [{"wan": {"rules2": {RULE_LTE: {"_id_": RULE_LTE, "priority": 2.0}, RULE_ETH: {"_id_": RULE_ETH, "priority": 1.0}}}}, []]},
        )
    ]


@pytest.mark.parametrize(
    "connections, params, message",
    [
        ([{"name": "LTE", "priority": 0}], {}, "priority must be 1 to 1000"),
        ([{"name": "LTE", "priority": 10**29}], {}, "priority must be 1 to 1000"),
        ([{"name": "LTE"}], {}, "give priority or enabled"),
        ([{"id": "wan-1", "priority": 1}], {}, "id must be a WAN rule _id_"),
        ([{"name": "LTE", "priority": 1}], {"apply": False}, "apply: false is not supported"),
        ([], {}, "connections must list at least one"),
    ],
)
def test_wan_validate(connections, params, message):
    connections = [dict({"id": None, "name": None, "priority": None, "enabled": None}, **item) for item in connections]
    with pytest.raises(errors.InputError, match=re.escape(message)):
        WanPriorityResource(None, wan_params(connections, **params)).validate()


def group_params(**params):
    base = dict(
        name="Stores",
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


def group_fake():
    return FakeNcm(
        groups=[{"id": "87", "name": "Stores", "account": BASE + "/accounts/1/", "product": BASE + "/products/46/", "target_firmware": BASE + "/firmwares/7/"}],
        products=[{"id": "46", "name": "IBR900"}, {"id": "41", "name": "AER2200"}],
        firmwares=[
            {"id": "7", "version": "7.24.10", "product": BASE + "/products/46/"},
            {"id": "8", "version": "7.23.40", "product": BASE + "/products/46/"},
            {"id": "9", "version": "7.24.10", "product": BASE + "/products/41/"},
        ],
        accounts=[{"id": "1", "name": "root", "account": BASE + "/accounts/1/"}],
        routers=[
            {"id": "5", "name": "store-5", "serial_number": "S5", "mac": None, "product": BASE + "/products/46/", "group": BASE + "/groups/87/"},
            {"id": "6", "name": "store-6", "serial_number": "S6", "mac": None, "product": BASE + "/products/46/", "group": None},
            {"id": "7", "name": "depot-7", "serial_number": "S7", "mac": None, "product": BASE + "/products/41/", "group": None},
        ],
    )


@respx.mock
def test_group_devices_are_added_to_the_members_unless_purged(client):
    fake_api(group_fake())
    resource = GroupResource(client, group_params(devices=["store-6"]))
    current = resource.read()
    assert current == {"id": "87", "name": "Stores", "product": "IBR900", "target_firmware": "7.24.10", "account": "root", "devices": ["5"]}
    assert resource.desired(current)["devices"] == ["5", "6"]
    purge = GroupResource(client, group_params(devices=["S6"], purge_devices=True))
    assert purge.desired(purge.read())["devices"] == ["6"]


@respx.mock
def test_group_membership_writes_put_the_router_group_url_or_null(client):
    fake = fake_api(group_fake())
    result = ensure(
        GroupResource(client, group_params(devices=["6"], purge_devices=True, target_firmware="7.23.40")), "present", check_mode=False, result_key="group"
    )
    assert result["changed_keys"] == ["devices", "target_firmware"]
    assert fake.writes == [
        ("PUT", "groups/87", {"target_firmware": BASE + "/firmwares/8/"}),
        ("PUT", "routers/6", {"group": BASE + "/groups/87/"}),
        ("PUT", "routers/5", {"group": None}),
    ]


@respx.mock
def test_group_refuses_routers_of_another_product_before_any_write(client):
    fake = fake_api(group_fake())
    with pytest.raises(errors.InputError, match=r"only IBR900 routers can join group 'Stores'.*depot-7 \(id 7\) is AER2200"):
        ensure(GroupResource(client, group_params(devices=["store-6", "depot-7"])), "present", check_mode=False)
    assert fake.writes == []


@respx.mock
def test_group_create_resolves_names_to_urls_and_needs_product_and_firmware(client):
    fake = fake_api(group_fake())
    with pytest.raises(errors.InputError, match="target_firmware is required to create group 'Shops'"):
        ensure(GroupResource(client, group_params(name="Shops", product="IBR900")), "present", check_mode=False)
    with pytest.raises(errors.InputError, match="unknown product 'IBR9'; NCM products: AER2200, IBR900"):
        ensure(GroupResource(client, group_params(name="Shops", product="IBR9")), "present", check_mode=False)
    result = ensure(GroupResource(client, group_params(name="Shops", product="46", target_firmware="7.24.10")), "present", check_mode=False, result_key="group")
    assert result["group"]["id"] == "900" and result["group"]["account"] == "root"
    # no account given: none sent, NCM puts the group in the requestor's account (the answer names it)
    assert fake.writes == [("POST", "groups", {"name": "Shops", "product": BASE + "/products/46/", "target_firmware": BASE + "/firmwares/7/"})]


def alert_params(**params):
    base = dict(id=None, alert_types=None, groups=None, accounts=None, email_recipients=None, http_destinations=None, schedule=None, state="present")
    base.update(params)
    return base


def alert_fake(*rules):
    return FakeNcm(
        alert_rules=list(rules),
        groups=[{"id": "87", "name": "Stores"}],
        users=[{"id": "63944", "email": "ada@example.com"}],
        alert_push_destinations=[{"destination_config_id": "1cf2c024-64e5-11eb-be7d-42edcb7bf284", "name": "noc"}],
        accounts=[{"id": "1", "name": "root", "account": BASE + "/accounts/1/"}],
    )


RULE = {
    "alert_config_id": "e81f4500-1e13-11b2-bfff-ffffffffffff",
    "associated_accounts": [],
    "associated_groups": [87],
    "email_destinations": [63944],
    "filter_criteria": {"alert_type__in": ["failover_event", "connection_state"], "external_id__in": ["x"]},
    "http_destinations": [],
    "schedule": "Daily",
}


@respx.mock
def test_alert_rule_is_matched_by_types_and_groups_and_normalised(client):
    fake_api(alert_fake(RULE, dict(RULE, alert_config_id="f81f4500-1e13-11b2-bfff-ffffffffffff", associated_groups=[])))
    resource = AlertRuleResource(client, alert_params(alert_types=["connection_state", "failover_event"], groups=["Stores"]))
    assert resource.read() == {
        "id": RULE["alert_config_id"],
        "alert_types": ["connection_state", "failover_event"],
        "groups": ["Stores"],
        "accounts": [],
        "email_recipients": ["ada@example.com"],
        "http_destinations": [],
        "schedule": "daily",
    }


@respx.mock
def test_alert_rule_update_patches_ids_and_keeps_external_ids(client):
    fake = fake_api(alert_fake(RULE))
    resource = AlertRuleResource(
        client,
        alert_params(
            alert_types=["connection_state", "failover_event"], groups=["87"], email_recipients=["ADA@example.com"], http_destinations=["noc"], schedule="none"
        ),
    )
    result = ensure(resource, "present", check_mode=False, result_key="rule")
    assert result["changed_keys"] == ["http_destinations", "schedule"]
    assert fake.writes == [
        ("PATCH", "alert_rules/" + RULE["alert_config_id"], {"http_destinations": ["1cf2c024-64e5-11eb-be7d-42edcb7bf284"], "schedule": None})
    ]


@respx.mock
def test_alert_rule_create_sends_the_required_fields(client):
    fake = fake_api(alert_fake())
    result = ensure(AlertRuleResource(client, alert_params(alert_types=["config_rejected"])), "present", check_mode=False, result_key="rule")
    assert result["rule"]["id"] == "1a5faaf8-6649-11eb-9823-42edcb7bf284" and result["rule"]["schedule"] == "none"
    assert fake.writes == [("POST", "alert_rules", {"filter_criteria": {"alert_type__in": ["config_rejected"]}, "http_destinations": [], "schedule": None})]


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(alert_types=[]), "alert_types must list at least one alert type"),
        (dict(alert_types=["Connection State"]), "not an alert type name"),
        (dict(alert_types=["pdp_account_overage"]), "need data-plan settings"),
        (dict(id="42"), "id must be the rule's alert_config_id"),
        (dict(alert_types=["connection_state"], email_recipients=["noc"]), "'noc' is not an e-mail address"),
        (dict(alert_types=["connection_state"], groups=[""]), "groups must not contain empty entries"),
    ],
)
def test_alert_rule_validate(params, message):
    with pytest.raises(errors.InputError, match=re.escape(message)):
        AlertRuleResource(None, alert_params(**params)).validate()


@respx.mock
def test_is_back_needs_a_state_change_or_a_wan_restart_after_the_reboot(client):
    device = Device(platform="ncm", id="42", name="store-1")
    rebooted_at = 1700000000.0
    routers = respx.get(BASE + "/routers/")
    net_devices = respx.get(BASE + "/net_devices/")

    def state(value, changed_at):
        return httpx.Response(200, json=page([{"id": "42", "state": value, "state_updated_at": changed_at}]))

    routers.mock(return_value=state("offline", "2023-11-14T22:13:30+00:00"))
    assert client.is_back(device, rebooted_at) is False
    routers.mock(return_value=state("online", "2023-11-14T22:13:30.5+00:00"))
    assert client.is_back(device, rebooted_at) is True
    # still online from before the reboot: back only once a WAN connection restarted after it
    routers.mock(return_value=state("online", "2023-11-01T00:00:00+00:00"))
    net_devices.mock(return_value=httpx.Response(200, json=page([{"id": "1", "mode": "wan", "uptime": 5000.0, "updated_at": "2023-11-14T22:14:00+00:00"}])))
    assert client.is_back(device, rebooted_at) is False
    net_devices.mock(
        return_value=httpx.Response(
            200,
            json=page(
                [
                    {"id": "1", "mode": "lan", "uptime": 1.0, "updated_at": "2023-11-14T22:14:00+00:00"},
                    {"id": "2", "mode": "wan", "uptime": 20.0, "updated_at": "2023-11-14T22:14:00+00:00"},
                ]
            ),
        )
    )
    assert client.is_back(device, rebooted_at) is True


@respx.mock
def test_reboot_device_posts_the_router_url_once(client):
    reboot = respx.post(BASE + "/reboot_activity/").mock(return_value=httpx.Response(500))
    with pytest.raises(errors.ServerError):
        client.reboot_device(Device(platform="ncm", id="42"))
    assert reboot.call_count == 1  # never resent
    assert json.loads(reboot.calls.last.request.content) == {"router": BASE + "/routers/42/"}


# ---- issue 14: answers of the real service ------------------------------------------------------


@pytest.mark.parametrize("status", [403, 400, 404])
@respx.mock
def test_unknown_firmware_defaults_are_compared_without_them_with_a_warning(client, status):
    respx.get(BASE + "/firmwares/7/default_configuration/").mock(
        return_value=httpx.Response(status, json={"success": False, "data": {"exception": "refused", "message": "not for these keys"}})
    )
    fake_api(router_fake([{"wan": {"rules2": {RULE_LTE: {"_id_": RULE_LTE, "trigger_name": "LTE", "priority": 1.5}}}}, []]))
    resource = WanPriorityResource(client, wan_params([{"name": "LTE", "priority": 2, "id": None, "enabled": None}]))
    assert resource.read() == {"connections": {RULE_LTE: {"name": "LTE", "priority": 1.5, "enabled": True}}}
    assert len(client.notices) == 1 and "factory defaults of firmware 7 are unknown" in client.notices[0]
    assert "HTTP %d" % status in client.notices[0]


@respx.mock
def test_wan_rules_match_by_trigger_name_or_name(client):
    rules = {RULE_ETH: {"_id_": RULE_ETH, "trigger_name": "Ethernet", "name": "WAN1"}, RULE_LTE: {"_id_": RULE_LTE, "name": "LTE"}}
    fake_api(router_fake([{"wan": {"rules2": rules}}, []]))
    resource = WanPriorityResource(
        client, wan_params([{"name": "wan1", "priority": 3, "id": None, "enabled": None}, {"name": "LTE", "priority": 2, "id": None, "enabled": None}])
    )
    current = resource.read()
    assert current["connections"][RULE_LTE]["name"] == "LTE" and current["connections"][RULE_ETH]["name"] == "Ethernet"
    assert resource.desired(current) == {"connections": {RULE_ETH: {"priority": 3}, RULE_LTE: {"priority": 2}}}
    by_id = WanPriorityResource(client, wan_params([{"id": RULE_ETH, "name": "WAN1", "priority": 3, "enabled": None}]))
    assert by_id.desired(by_id.read()) == {"connections": {RULE_ETH: {"priority": 3}}}


@respx.mock
def test_group_membership_put_sends_no_fields_query(client):
    fake_api(group_fake())
    ensure(GroupResource(client, group_params(devices=["6"], purge_devices=True)), "present", check_mode=False, result_key="group")
    puts = [call.request.url for call in respx.calls if call.request.method == "PUT" and "/routers/" in call.request.url.path]
    assert len(puts) == 2 and all("fields" not in url.params for url in puts)


@respx.mock
def test_a_group_made_at_the_same_time_in_another_account_is_not_a_duplicate_to_remove(client):
    fake = group_fake()
    fake.tables["accounts"].append({"id": "2", "name": "east", "account": BASE + "/accounts/1/"})
    other = {"id": "12", "name": "Shops", "account": BASE + "/accounts/2/", "product": BASE + "/products/46/", "target_firmware": BASE + "/firmwares/7/"}

    def racing(request):  # another job creates "Shops" in the east account while this one creates it in root
        if request.method == "POST" and other not in fake.tables["groups"]:
            fake.tables["groups"].append(other)
        return fake(request)

    respx.route(url__startswith=BASE + "/").mock(side_effect=racing)
    result = ensure(
        GroupResource(client, group_params(name="Shops", product="46", target_firmware="7.24.10", account="root")),
        "present",
        check_mode=False,
        result_key="group",
    )
    assert result["group"]["id"] == "900" and result["group"]["account"] == "root"
    assert [write[0] for write in fake.writes] == ["POST"]  # the east account's older "Shops" is not this run's duplicate
