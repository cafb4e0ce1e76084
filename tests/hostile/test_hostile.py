"""The client core against servers that do not behave: each test fails on a core that trusts them.

Real HTTP over loopback (tests/hostile/server.py); the clients are the collection's own, opened the way
a module opens them (open_client), and whole modules run through the worker path (run_on_controller).
"""

from __future__ import annotations

import json
import os
import time

import pytest

from ansible_collections.wanfleet.routers.plugins.module_utils import http
from ansible_collections.wanfleet.routers.plugins.module_utils.clients import open_client
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import (
    InputError,
    MalformedResponseError,
    PaginationError,
    Redactor,
    RedirectError,
    ServerError,
    TransportError,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.ncm import NcmClient
from ansible_collections.wanfleet.routers.plugins.module_utils.token_cache import TokenCache
from ansible_collections.wanfleet.routers.plugins.plugin_utils.controller import run_on_controller
from tests.hostile.server import answer

NCM_KEY = "ncm-secret-key-4711"
PASSWORD = "router-password-0815"
CREDENTIALS = {
    "ncm": {"cp_api_id": "cp-id", "cp_api_key": NCM_KEY, "ecm_api_id": "ecm-id", "ecm_api_key": "ecm-secret-key"},
    "telecomx": {"username": "ops@example.com", "password": PASSWORD},
    "peplink_router": {"username": "admin", "password": PASSWORD},
    "incontrol": {"client_id": "client", "client_secret": PASSWORD, "organization": "org"},
}
BASE_PATH = {"ncm": "/api/v2", "telecomx": "", "peplink_router": "", "incontrol": ""}
LOGIN = {"telecomx": "/auth/login", "peplink_router": "/api/login", "incontrol": "/api/oauth2/token"}


def params(platform, url, **transport):
    values = {
        "platform": platform,
        platform: dict(CREDENTIALS[platform], url=url + BASE_PATH[platform]),
        "timeout": 5.0,
        "max_retries": 0,
        "token_cache": False,
    }
    values.update(transport)
    return values


def ncm_page(data, next_url=None):
    return {"data": data, "meta": {"next": next_url, "limit": 2}}


def leaked(server, *secrets):
    """Every request `server` got that carried one of the secrets (headers, query or body)."""
    return [entry for entry in server.log if any(secret in json.dumps(entry) for secret in secrets)]


# ---- credentials go only where they belong ------------------------------------------------------------------


def test_ncm_keys_do_not_follow_a_redirect_to_another_origin(server, elsewhere):
    elsewhere.route("*", answer(ncm_page([])))
    server.route("/api/v2/routers/", lambda request: (302, {"Location": elsewhere.url + "/api/v2/routers/"}, b""))
    with open_client(params("ncm", server.url)) as client:
        with pytest.raises(RedirectError) as info:
            client.list("routers")
    assert elsewhere.url in str(info.value) and "not followed" in str(info.value)
    assert info.value.kind == "redirect"
    assert elsewhere.log == []


def test_a_same_origin_redirect_is_followed(server):
    server.route("/api/v2/routers/", lambda request: (301, {"Location": "/api/v2/routers2/?limit=500"}, b""))
    server.route("/api/v2/routers2/", answer(ncm_page([{"id": "1"}])))
    with open_client(params("ncm", server.url)) as client:
        assert client.list("routers") == [{"id": "1"}]
    assert server.log[-1]["headers"].get("X-CP-API-KEY") == NCM_KEY


@pytest.mark.parametrize("platform", ["telecomx", "peplink_router", "incontrol"])
def test_a_login_is_never_redirected(server, elsewhere, platform):
    elsewhere.route("*", answer({"token": "t", "access_token": "t", "stat": "ok"}))
    server.route(LOGIN[platform], lambda request: (307, {"Location": elsewhere.url + LOGIN[platform]}, b""))
    with pytest.raises(RedirectError) as info:
        with open_client(params(platform, server.url)) as client:
            client.authenticate()
    assert elsewhere.url in str(info.value)
    assert elsewhere.log == [] and PASSWORD not in str(info.value)


def test_a_next_link_to_another_origin_fails_the_listing(server, elsewhere):
    elsewhere.route("*", answer(ncm_page([{"id": "9"}])))
    server.route("/api/v2/routers/", answer(ncm_page([{"id": "1"}], elsewhere.url + "/api/v2/routers/?offset=2")))
    with open_client(params("ncm", server.url)) as client:
        with pytest.raises(PaginationError) as info:
            client.list("routers", concurrency=4)
    assert "outside the configured origin" in str(info.value)
    assert elsewhere.log == []


def test_origins_differ_by_scheme_host_and_port():
    assert http.origin("https://Host.example/api") == http.origin("https://host.example:443/other")
    assert http.origin("https://host.example") != http.origin("http://host.example")  # never https -> http
    assert http.origin("https://host.example") != http.origin("https://host.example:8443")


def test_a_key_with_a_newline_is_refused_by_option_name_before_any_request(server):
    values = params("ncm", server.url)
    values["ncm"]["cp_api_key"] = NCM_KEY + "\n"
    result = run_on_controller("device_info", values, False)
    assert result["failed"] and "ncm.cp_api_key (X_CP_API_KEY) contains a control character" in result["msg"]
    assert NCM_KEY not in json.dumps(result) and server.log == []


def test_the_redactor_masks_escaped_and_url_encoded_secrets():
    redactor = Redactor(["key with/odd\nchars"])
    for form in ("b'key with/odd\\nchars'", "key%20with%2Fodd%0Achars", "key+with%2Fodd%0Achars", '"key with/odd\\nchars"'):
        assert "odd" not in redactor.text("Illegal header value %s" % form), form


# ---- every answer is bounded -----------------------------------------------------------------------------


def trickle(request):
    request.send_response(200)
    request.send_header("Content-Type", "application/json")
    request.send_header("Content-Length", "100000")
    request.end_headers()
    try:
        for dummy in range(100):
            request.wfile.write(b" ")
            request.wfile.flush()
            time.sleep(0.3)
    except OSError:
        pass


def test_timeout_bounds_the_whole_request_not_each_read(server):
    server.route("*", trickle)
    started = time.monotonic()
    with open_client(params("ncm", server.url, timeout=1.5)) as client:
        with pytest.raises(TransportError) as info:
            client.get("routers", 1)
    assert time.monotonic() - started < 10  # the trickle would last 30 s; a per-read timeout never fires
    assert "timed out after 1.5s" in str(info.value)


def test_a_body_larger_than_the_cap_is_not_read(server, monkeypatch):
    monkeypatch.setattr(http, "MAX_BODY_BYTES", 1024 * 1024)

    def flood(request):
        request.send_response(200)
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        chunk = b"[" + b"0," * 32767 + b"0]"
        try:
            for dummy in range(1000):  # 64 MiB, were it all read
                request.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass

    server.route("*", flood)
    with open_client(params("ncm", server.url)) as client:
        with pytest.raises(MalformedResponseError) as info:
            client.get("routers", 1)
    assert "larger than 1 MiB" in str(info.value) and info.value.platform == "ncm"


def test_a_declared_huge_body_is_refused_without_reading_it(server):
    def liar(request):
        request.send_response(200)
        request.send_header("Content-Length", str(400 * 1024 * 1024))
        request.end_headers()

    server.route("*", liar)
    with open_client(params("ncm", server.url)) as client:
        with pytest.raises(MalformedResponseError, match="larger than 64 MiB"):
            client.get("routers", 1)


def test_deep_json_is_a_typed_error(server):
    server.route("*", answer(b"[" * 100000 + b"]" * 100000, headers={"Content-Type": "application/json"}))
    with open_client(params("ncm", server.url)) as client:
        with pytest.raises(MalformedResponseError, match="nested deeper than 64"):
            client.get("routers", 1)


def endless_ncm_listing(server, items):
    """An NCM listing whose every page links on to a new page; returns the page counter."""
    counter = [0]

    def page(request):
        counter[0] += 1
        return 200, {}, ncm_page(items(counter[0]), "/api/v2/routers/?cursor=%d" % counter[0])

    server.route("/api/v2/routers/", page)
    return counter


@pytest.mark.parametrize(
    "items, cap, expected",
    [
        (lambda number: [], None, "empty page that links on"),
        (lambda number: [{"id": str(number)}], 20, "past 20 pages"),
    ],
)
def test_a_listing_that_links_on_for_ever_fails(server, monkeypatch, items, cap, expected):
    if cap:
        monkeypatch.setattr(http, "MAX_PAGES", cap)
    counter = endless_ncm_listing(server, items)
    with open_client(params("ncm", server.url)) as client:
        with pytest.raises(PaginationError, match=expected):
            client.list("routers")
    assert counter[0] <= (cap or 2)


def telecomx_server(server, pages):
    server.route("/auth/login", answer({"token": "tx-token", "expiresInMinutes": 60}))
    server.route("/network/device", pages)


@pytest.mark.parametrize("total", [10**9, 200000])
def test_a_huge_total_is_refused_at_once(server, total):
    requests = []

    def one_per_page(request):
        requests.append(request.path)
        return 200, {}, {"total": total, "networkDevices": [{"_id": "a" * 24, "macAddress": "00:11:22:33:44:55"}]}

    telecomx_server(server, one_per_page)
    started = time.monotonic()
    with open_client(params("telecomx", server.url)) as client:
        with pytest.raises(PaginationError, match="more than 10000 pages"):
            client.devices()
    assert len(requests) == 1 and time.monotonic() - started < 10


def test_a_total_beyond_what_the_pages_deliver_fails(server):
    def lying(request):
        offset = int(request.path.split("offset=")[1].split("&")[0])
        items = [{"_id": "%024d" % index} for index in range(offset, min(offset + 5, 10))]
        return 200, {}, {"total": 50, "networkDevices": items}

    telecomx_server(server, lying)
    with open_client(params("telecomx", server.url)) as client:
        with pytest.raises(PaginationError, match="10 of 50 items"):
            client.devices()


@pytest.mark.parametrize("value", ["-5", "nan", "inf", "soon"])
def test_an_invalid_retry_after_means_the_usual_backoff(server, value):
    server.route("*", answer({"exception": "busy"}, status=503, headers={"Retry-After": value}))
    waits = []
    settings = dict(CREDENTIALS["ncm"], url=server.url + "/api/v2")
    session = http.HttpSession(timeout=5)
    try:
        client = NcmClient(settings, session, max_retries=3, sleep=waits.append)
        with pytest.raises(ServerError, match="503"):
            client.get("routers", 1)
    finally:
        session.close()
    assert len(waits) == 3 and all(wait > 0 for wait in waits) and waits[-1] > waits[0]


# ---- every odd answer is a typed error --------------------------------------------------------------------


@pytest.mark.parametrize(
    "page, expected",
    [
        (ncm_page([1, 2]), "{data: [objects], meta}"),
        ({"data": [{"id": "1"}], "meta": {"next": 5}}, "meta.next that is not a URL"),
    ],
)
def test_odd_listings_are_malformed_responses(server, page, expected):
    server.route("*", answer(page))
    result = run_on_controller("device_info", params("ncm", server.url), False)
    assert result["failed"] and result["error_kind"] == "malformed" and result["platform"] == "ncm"
    assert expected in result["msg"] and server.url in result["url"]


def test_a_name_that_is_a_list_is_a_malformed_response_not_a_traceback(server):
    router = {
        "id": "1",
        "name": ["not", "a", "name"],
        "mac": "00:11:22:33:44:55",
        "serial_number": "X",
        "group": None,
        "product": None,
        "state": "online",
        "actual_firmware": None,
    }
    server.route("*", answer(ncm_page([router])))
    result = run_on_controller("device_info", params("ncm", server.url), False)
    assert result["failed"] and result["error_kind"] == "malformed" and result["platform"] == "ncm", result
    assert NCM_KEY not in json.dumps(result)


def test_an_incontrol_listing_of_numbers_is_not_an_empty_listing(server):
    server.route("/api/oauth2/token", answer({"access_token": "ic-token", "expires_in": 3600}))
    server.route("/rest/o", answer({"resp_code": "SUCCESS", "data": [{"id": "org", "name": "org"}]}))
    server.route("/rest/o/org/d", answer({"resp_code": "SUCCESS", "data": [1, 2]}))
    result = run_on_controller("device_info", params("incontrol", server.url), False)
    assert result["failed"] and result["error_kind"] == "malformed", result
    assert "a list of int instead of a list of objects" in result["msg"]


def test_a_redirect_loop_is_a_malformed_response(server):
    server.route("*", lambda request: (302, {"Location": request.path}, b""))
    with open_client(params("ncm", server.url)) as client:
        with pytest.raises(MalformedResponseError, match="redirect loop"):
            client.get("routers", 1)


def test_a_huge_vendor_message_is_cut(server):
    server.route("*", answer({"exception": {"message": "x" * 1000000, "type": "validation"}}, status=400))
    result = run_on_controller("device_info", params("ncm", server.url), False)
    assert result["failed"] and len(json.dumps(result)) < 5000


# ---- the token cache folder --------------------------------------------------------------------------------


def test_a_folder_others_may_write_is_not_used(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(str(folder), 0o777)
    victim = tmp_path / "victim"
    victim.write_text("precious")
    cache = TokenCache(directory=str(folder))
    os.symlink(str(victim), str(folder / ("k" * 64 + ".json")))
    cache.put("k" * 64, {"token": "planted-for", "expires_at": None})
    assert not cache.usable() and "may be written by other users" in cache.warning
    assert victim.read_text() == "precious" and cache.get("k" * 64)["token"] == "planted-for"  # in memory


def test_a_link_planted_in_the_folder_is_never_followed(tmp_path):
    folder = tmp_path / "cache"
    cache = TokenCache(directory=str(folder))
    assert cache.usable()
    victim = tmp_path / "victim"
    victim.write_text(json.dumps({"token": "victims", "expires_at": None}))
    os.symlink(str(victim), str(folder / "key.json"))
    os.symlink(str(victim), str(folder / "key.json.lock"))
    assert cache.get("key") is None  # not read through the link
    assert cache.obtain("key", lambda: {"token": "fresh", "expires_at": None})["token"] == "fresh"
    assert json.loads(victim.read_text())["token"] == "victims"
    assert oct(os.stat(str(folder / "key.json")).st_mode & 0o777) == "0o600"


def test_an_unwritable_location_falls_back_to_memory(tmp_path):
    (tmp_path / "a-file").write_text("")  # a folder cannot be made under a file, even by root
    cache = TokenCache(directory=str(tmp_path / "a-file" / "tokens"))
    entry = cache.obtain("key", lambda: {"token": "t", "expires_at": None})
    assert entry["token"] == "t" and "cannot be created" in cache.warning


@pytest.mark.parametrize(
    "entry", [{"token": "t", "expires_at": "2999"}, {"token": ["t"]}, {"token": "t", "expires_at": True}, {"token": "t", "refresh_token": {"x": 1}}, ["t"]]
)
def test_a_cache_entry_of_the_wrong_type_is_replaced(tmp_path, entry):
    cache = TokenCache(directory=str(tmp_path / "cache"))
    assert cache.usable()
    (tmp_path / "cache" / "key.json").write_text(json.dumps(entry))
    assert cache.obtain("key", lambda: {"token": "new", "expires_at": None})["token"] == "new"
    assert json.loads((tmp_path / "cache" / "key.json").read_text())["token"] == "new"


# ---- bad input that used to get through ----------------------------------------------------------------------


@pytest.mark.parametrize("timeout", [-1, 0, float("inf"), float("nan")])
def test_a_timeout_must_be_positive_and_finite(server, timeout):
    result = run_on_controller("device_info", params("ncm", server.url, timeout=timeout), False)
    assert result["failed"] and "timeout must be a positive number of seconds" in result["msg"]
    assert server.log == []


def test_a_raw_key_with_a_trailing_newline_is_refused():
    from ansible_collections.wanfleet.routers.plugins.module_utils.checks import check_passphrase

    check_passphrase("a" * 64, "ncm")
    with pytest.raises(InputError):
        check_passphrase("a" * 64 + "\n", "ncm")
