"""The HTTP core: retries, backoff, Retry-After, idempotency, paging, redaction."""

from __future__ import annotations

import email.utils
import threading
import time

import httpx
import pytest
import respx

from ansible_collections.wanfleet.routers.plugins.module_utils import errors, http, interrupt
from ansible_collections.wanfleet.routers.plugins.module_utils.http import (
    ApiClient,
    HttpSession,
    PageRequest,
    PageWindow,
    RateLimiter,
    backoff_delay,
    parse_retry_after,
)
from ansible_collections.wanfleet.routers.plugins.module_utils.paging import chunked
from tests.unit.conftest import FakeClock as Clock  # a clock that sleeping advances

BASE = "https://api.example.test/v1"


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


def make_client(session, **kwargs):
    sleeps = Sleeps()
    client = ApiClient(BASE, session, sleep=sleeps, **kwargs)
    client.platform = "test"
    return client, sleeps


@pytest.mark.parametrize("name", ["Retry-After", "retry-after", "RETRY-AFTER"])
def test_retry_after_any_case_in_seconds(name):
    assert parse_retry_after({name: "7"}) == 7.0


def test_retry_after_http_date():
    now = time.time()
    header = email.utils.formatdate(now + 30, usegmt=True)
    assert 28 <= parse_retry_after({"Retry-After": header}, now=now) <= 31


def test_retry_after_in_the_past_or_garbage():
    assert parse_retry_after({"Retry-After": "Mon, 01 Jan 1990 00:00:00 GMT"}) == 0.0
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None


def test_backoff_grows_and_is_capped():
    assert backoff_delay(0, base=1, cap=60, rand=lambda: 0) == 0.5
    assert backoff_delay(3, base=1, cap=60, rand=lambda: 1) == 8
    assert backoff_delay(10, base=1, cap=60, rand=lambda: 1) == 60
    delays = {backoff_delay(2, base=1, cap=60) for attempt in range(20)}
    assert len(delays) > 1 and all(2 <= d <= 4 for d in delays)  # jittered within [ceiling/2, ceiling]


@respx.mock
def test_429_is_retried_honouring_retry_after(session):
    route = respx.get(BASE + "/things").mock(
        side_effect=[
            httpx.Response(429, headers={"retry-after": "3"}),
            httpx.Response(503),
            httpx.Response(200, json={"ok": True}),
        ]
    )
    client, sleeps = make_client(session)
    assert client.request("GET", "/things") == {"ok": True}
    assert route.call_count == 3
    assert sleeps[0] == 3.0 and 0.25 <= sleeps[1] <= 1.0
    assert [entry[2] for entry in client.retries] == [429, 503]


@respx.mock
def test_retry_after_http_date_is_honoured(session):
    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    respx.get(BASE + "/x").mock(side_effect=[httpx.Response(429, headers={"Retry-After": when}), httpx.Response(200, json={})])
    client, sleeps = make_client(session)
    client.request("GET", "/x")
    assert 18 <= sleeps[0] <= 21


@respx.mock
def test_gives_up_after_max_retries_with_typed_error(session):
    route = respx.get(BASE + "/x").mock(return_value=httpx.Response(429, json={"message": "slow down"}))
    client, sleeps = make_client(session, max_retries=2)
    with pytest.raises(errors.RateLimitedError) as caught:
        client.request("GET", "/x")
    assert route.call_count == 3 and len(sleeps) == 2
    assert "429" in caught.value.message and "slow down" in caught.value.message
    assert caught.value.status == 429 and caught.value.method == "GET"


@respx.mock
def test_retry_after_beyond_the_cap_is_not_waited(session):
    route = respx.get(BASE + "/x").mock(return_value=httpx.Response(429, headers={"Retry-After": "3600"}))
    client, sleeps = make_client(session)
    with pytest.raises(errors.RateLimitedError) as caught:
        client.request("GET", "/x")
    assert route.call_count == 1 and sleeps == []
    assert caught.value.retry_after == 3600


@respx.mock
def test_post_is_never_resent(session):
    route = respx.post(BASE + "/reboot").mock(return_value=httpx.Response(503))
    client, sleeps = make_client(session)
    with pytest.raises(errors.ServerError):
        client.request("POST", "/reboot", json={})
    assert route.call_count == 1 and sleeps == []


@respx.mock
def test_post_is_not_resent_after_a_dropped_connection(session):
    route = respx.post(BASE + "/reboot").mock(side_effect=httpx.RemoteProtocolError("peer closed"))
    client = make_client(session)[0]
    with pytest.raises(errors.TransportError):
        client.request("POST", "/reboot", json={})
    assert route.call_count == 1


@respx.mock
def test_idempotent_post_opts_in_to_retries(session):
    route = respx.post(BASE + "/config").mock(side_effect=[httpx.Response(502), httpx.Response(200, json={})])
    client = make_client(session)[0]
    client.request("POST", "/config", json={}, idempotent=True)
    assert route.call_count == 2


@respx.mock
def test_timeouts_and_drops_are_retried_for_get(session):
    route = respx.get(BASE + "/x").mock(side_effect=[httpx.ReadTimeout("slow"), httpx.ConnectError("refused"), httpx.Response(200, json=[1])])
    client, sleeps = make_client(session)
    assert client.request("GET", "/x") == [1]
    assert route.call_count == 3 and len(sleeps) == 2


@respx.mock
def test_timeout_error_message_names_platform_and_call(session):
    respx.get(BASE + "/x").mock(side_effect=httpx.ReadTimeout("slow"))
    client = make_client(session, max_retries=0)[0]
    with pytest.raises(errors.TransportError) as caught:
        client.request("GET", "/x")
    assert caught.value.message == "test: GET /x: timed out after 5s"


@respx.mock
def test_malformed_json_is_a_typed_error(session):
    respx.get(BASE + "/x").mock(return_value=httpx.Response(200, content=b'{"data": [', headers={"content-type": "application/json"}))
    client = make_client(session)[0]
    with pytest.raises(errors.MalformedResponseError) as caught:
        client.request("GET", "/x")
    assert "not JSON" in caught.value.message


@respx.mock
def test_status_maps_to_error_types(session):
    for status, cls in [
        (400, errors.ValidationError),
        (401, errors.AuthError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (500, errors.ServerError),
    ]:
        respx.get(BASE + "/s%d" % status).mock(return_value=httpx.Response(status, json={"message": "m%d" % status}))
        client = make_client(session, max_retries=0)[0]
        with pytest.raises(cls) as caught:
            client.request("GET", "/s%d" % status)
        assert caught.value.vendor_message == "m%d" % status


@respx.mock
def test_secrets_never_appear_in_errors(session):
    secret = "s3cr3t-token-value"
    respx.get(url__startswith=BASE + "/x").mock(return_value=httpx.Response(400, json={"message": "bad token %s" % secret, "token": secret}))
    client = make_client(session)[0]
    client.redactor.add(secret)
    with pytest.raises(errors.ValidationError) as caught:
        client.request("GET", "/x", params={"token": secret, "accessToken": "other-secret-1"})
    exc = caught.value
    blob = repr((exc.message, exc.url, exc.vendor_message, exc.body, str(exc)))
    assert secret not in blob and "other-secret-1" not in blob
    assert errors.MASK in exc.message


def test_redactor_masks_query_parameters_and_nested_keys():
    redactor = errors.Redactor(["abcd1234"])
    assert redactor.text("https://h/p?a=1&access_token=zzz&token=abcd1234") == "https://h/p?a=1&access_token=********&token=********"
    assert redactor.data({"wpa_passphrase": "hunter22", "name": "x", "list": [{"password": "p4ss"}]}) == {
        "wpa_passphrase": errors.MASK,
        "name": "x",
        "list": [{"password": errors.MASK}],
    }


@respx.mock
def test_expired_auth_reauthenticates_once_and_resends(session):
    class TokenClient(ApiClient):
        platform = "test"
        logins = 0

        def authenticate(self, force=False):
            if force or not getattr(self, "token", None):
                TokenClient.logins += 1
                self.token = "tok-%d" % TokenClient.logins
                self.redactor.add(self.token)

        def auth_headers(self):
            return {"Authorization": "Bearer " + self.token}

        def is_expired_auth(self, response):
            return response.status_code == 401

    route = respx.get(BASE + "/x").mock(side_effect=[httpx.Response(401), httpx.Response(200, json={"n": 1})])
    client = TokenClient(BASE, session, sleep=Sleeps())
    assert client.request("GET", "/x") == {"n": 1}
    assert TokenClient.logins == 2
    assert route.calls[1].request.headers["Authorization"] == "Bearer tok-2"
    # A second 401 in a row is not looped on.
    respx.get(BASE + "/y").mock(return_value=httpx.Response(401))
    with pytest.raises(errors.AuthError):
        client.request("GET", "/y")
    assert TokenClient.logins == 3


@respx.mock
def test_paginate_next_keeps_the_next_urls_own_query(session):
    # respx matches params by inclusion, so the more specific route goes first.
    second = respx.get(BASE + "/items", params={"limit": "2", "offset": "2"}).mock(return_value=httpx.Response(200, json={"data": [3], "next": None}))
    first = respx.get(BASE + "/items", params={"limit": "2"}).mock(
        return_value=httpx.Response(200, json={"data": [1, 2], "next": BASE + "/items?limit=2&offset=2"})
    )
    client = make_client(session)[0]
    items = client.paginate_next("/items", {"limit": 2}, lambda page: (page["data"], page["next"]))
    assert items == [1, 2, 3]
    assert first.called and second.called
    assert dict(second.calls[0].request.url.params) == {"limit": "2", "offset": "2"}


@respx.mock
def test_a_failing_page_fails_the_listing(session):
    respx.get(BASE + "/items", params={"offset": "0"}).mock(return_value=httpx.Response(200, json={"data": [1, 2], "next": BASE + "/items?offset=2"}))
    respx.get(BASE + "/items", params={"offset": "2"}).mock(return_value=httpx.Response(500))
    client = make_client(session, max_retries=1)[0]
    with pytest.raises(errors.ServerError) as caught:
        client.paginate_next("/items", {"offset": 0}, lambda page: (page["data"], page["next"]))
    assert "no partial list" in caught.value.message and "after 2 items" in caught.value.message


@respx.mock
def test_paginate_next_detects_a_loop(session):
    respx.get(url__startswith=BASE + "/items").mock(return_value=httpx.Response(200, json={"data": [1], "next": BASE + "/items?page=2"}))
    client = make_client(session)[0]
    with pytest.raises(errors.PaginationError):
        client.paginate_next("/items", None, lambda page: (page["data"], page["next"]))


def offset_listing(data, limit_cap=None):
    """A Tastypie-like listing: `next` is an offset link while records remain."""

    def page(request):
        params = request.url.params
        offset, limit = int(params.get("offset", 0)), int(params["limit"])
        limit = min(limit, limit_cap or limit)
        following = None
        if offset + limit < len(data):
            following = "%s/routers/?limit=%d&offset=%d&state=online" % (BASE, limit, offset + limit)
        return httpx.Response(200, json={"data": data[offset : offset + limit], "meta": {"next": following}})

    return page


def split_meta(page):
    return page["data"], page["meta"]["next"]


@respx.mock
@pytest.mark.parametrize(
    "count, concurrency, pages",
    [
        (23, 1, 5),
        (23, 4, 5),
        (20, 4, 4),
        (5, 4, 1),
        (3, 4, 1),
        (41, 3, 9),
        (200, 8, 40),
    ],
)
def test_paginate_next_fetches_offset_pages_ahead(session, count, concurrency, pages):
    data = list(range(count))
    route = respx.get(url__startswith=BASE + "/routers/").mock(side_effect=offset_listing(data))
    client = make_client(session)[0]
    items = client.paginate_next("/routers/", {"limit": 5, "state": "online"}, split_meta, concurrency=concurrency)
    assert items == data
    # Sequential paging needs ceil(count / 5) requests; ahead-of-time pages add at most concurrency - 1.
    assert pages <= route.call_count <= pages + concurrency - 1
    offsets = sorted(int(call.request.url.params.get("offset", 0)) for call in route.calls)
    assert len(set(offsets)) == len(offsets)


def finished_page(seconds, throttled=False, decreases=0):
    page = PageRequest("https://x.test/?offset=0&limit=5", decreases, 0)
    page.seconds, page.throttled = seconds, throttled
    return page


def test_page_window_grows_on_quick_pages_up_to_its_cap():
    window = PageWindow(PageWindow.START + 2)
    assert window.size == PageWindow.START
    for dummy in range(5):
        window.page_done(finished_page(0.05))
    start = PageWindow.START
    assert window.sizes == [start, start + 1, start + 2, start + 2, start + 2, start + 2]
    assert PageWindow(2).size == 2 and PageWindow(0).size == 1


def test_page_window_halves_on_a_429_or_a_slow_page_once_per_round():
    window = PageWindow(12)
    for dummy in range(8):
        window.page_done(finished_page(0.1))
    assert window.size == 12
    window.page_done(finished_page(0.1, throttled=True))
    assert window.size == 6
    # pages asked for before that decrease (decreases=0) do not cut it again; later ones do
    window.page_done(finished_page(0.1, throttled=True))
    assert window.size == 6
    window.page_done(finished_page(5.0, decreases=1))  # slow: more than twice the quickest page + 0.2 s
    assert window.size == 3
    for count in range(3):
        window.page_done(finished_page(0.1, throttled=True, decreases=2 + count))
    assert window.size == 1  # never below one page at a time


@respx.mock
def test_paginate_next_window_shrinks_on_429_and_never_passes_the_cap(session, monkeypatch):
    windows = []
    monkeypatch.setattr(http, "PageWindow", lambda cap: windows.append(PageWindow(cap)) or windows[-1])
    monkeypatch.setattr(PageWindow, "SLOW_MARGIN", 1000.0)  # a busy test machine makes no page slow: only the 429 cuts
    data = list(range(300))
    listing = offset_listing(data)
    lock, in_flight, most = threading.Lock(), [0], [0]
    throttled = set()

    def page(request):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        try:
            time.sleep(0.01)  # long enough for the pages asked together to overlap on the server
            offset = int(request.url.params.get("offset", 0))
            if offset == 150 and offset not in throttled:  # the service pushes back once
                throttled.add(offset)
                return httpx.Response(429, headers={"Retry-After": "0"})
            return listing(request)
        finally:
            with lock:
                in_flight[0] -= 1

    route = respx.get(url__startswith=BASE + "/routers/").mock(side_effect=page)
    client = make_client(session)[0]
    assert client.paginate_next("/routers/", {"limit": 5}, split_meta, concurrency=6) == data
    sizes = windows[0].sizes
    assert most[0] <= 6 and max(sizes) == 6  # it grew to the cap, never past it
    throttled_at = sizes.index(max(sizes), 0)
    assert any(after < before for before, after in zip(sizes[throttled_at:], sizes[throttled_at + 1 :]))  # the 429 cut it
    assert route.call_count <= 60 + 1 + 5  # 60 pages, the one resent after the 429, at most cap - 1 past the end


@respx.mock
def test_paginate_next_passes_on_ctrl_c_met_by_a_page_past_the_end(session, monkeypatch):
    # Interrupted is raised once, by the first request after the signal: here a page nobody reads.
    data = list(range(20))
    listing, met = offset_listing(data), threading.Event()

    def last_page_after_the_signal(request):
        if request.url.params.get("offset") == "15":
            met.wait(10)
            time.sleep(0.2)  # the page that met the signal has ended
        return listing(request)

    respx.get(url__startswith=BASE + "/routers/").mock(side_effect=last_page_after_the_signal)
    page = ApiClient._page

    def interrupted_past_the_end(self, method, url, params, position):
        if "offset=" in str(url) and int(str(url).split("offset=")[1].split("&")[0]) >= len(data):
            met.set()
            raise interrupt.Interrupted("interrupted by SIGINT")
        return page(self, method, url, params, position)

    monkeypatch.setattr(ApiClient, "_page", interrupted_past_the_end)
    client = make_client(session)[0]
    with pytest.raises(interrupt.Interrupted):
        client.paginate_next("/routers/", {"limit": 5}, split_meta, concurrency=8)


@respx.mock
def test_paginate_next_ahead_follows_the_servers_own_page_size(session):
    # The server caps `limit` at 4: its `next` links step by 4, and the predictions follow them.
    data = list(range(19))
    route = respx.get(url__startswith=BASE + "/routers/").mock(side_effect=offset_listing(data, limit_cap=4))
    client = make_client(session)[0]
    assert client.paginate_next("/routers/", {"limit": 10}, split_meta, concurrency=3) == data
    assert route.call_count <= 5 + 2


@respx.mock
def test_paginate_next_ahead_fails_the_whole_listing_when_one_page_fails(session):
    data = list(range(30))
    listing = offset_listing(data)

    def page(request):
        if request.url.params.get("offset") == "15":
            return httpx.Response(500)
        return listing(request)

    respx.get(url__startswith=BASE + "/routers/").mock(side_effect=page)
    client = make_client(session, max_retries=1)[0]
    with pytest.raises(errors.ServerError) as caught:
        client.paginate_next("/routers/", {"limit": 5}, split_meta, concurrency=4)
    assert "no partial list" in caught.value.message


@respx.mock
def test_paginate_next_ahead_detects_a_server_that_ignores_offset(session):
    # Every page is the first one again, with the same `next`: a loop, not an endless listing.
    respx.get(url__startswith=BASE + "/routers/").mock(
        return_value=httpx.Response(200, json={"data": [1, 2], "meta": {"next": BASE + "/routers/?limit=2&offset=2"}})
    )
    client = make_client(session)[0]
    with pytest.raises(errors.PaginationError):
        client.paginate_next("/routers/", {"limit": 2}, split_meta, concurrency=4)


@respx.mock
def test_paginate_next_cursor_links_are_followed_one_by_one(session):
    def page(request):
        before = int(request.url.params.get("id__lt", 10))
        following = BASE + "/alerts/?id__lt=%d" % (before - 2) if before > 2 else None
        return httpx.Response(200, json={"data": [before - 1, before - 2], "meta": {"next": following}})

    route = respx.get(url__startswith=BASE + "/alerts/").mock(side_effect=page)
    client = make_client(session)[0]
    assert client.paginate_next("/alerts/", None, split_meta, concurrency=4) == list(range(9, -1, -1))
    assert route.call_count == 5


@respx.mock
@pytest.mark.parametrize("concurrency", [1, 4])
def test_paginate_offset_with_total(session, concurrency):
    data = list(range(23))

    def page(request):
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        return httpx.Response(200, json={"items": data[offset : offset + limit], "total": len(data)})

    route = respx.get(url__startswith=BASE + "/devices").mock(side_effect=page)
    client = make_client(session)[0]
    items = client.paginate_offset("/devices", {"full": "true"}, 5, lambda p: (p["items"], p["total"]), concurrency=concurrency)
    assert items == data and route.call_count == 5


@respx.mock
def test_paginate_offset_short_listing_raises(session):
    def page(request):
        offset = int(request.url.params["offset"])
        return httpx.Response(200, json={"items": [] if offset >= 10 else list(range(offset, offset + 5)), "total": 15})

    respx.get(url__startswith=BASE + "/devices").mock(side_effect=page)
    client = make_client(session)[0]
    with pytest.raises(errors.PaginationError) as caught:
        client.paginate_offset("/devices", None, 5, lambda p: (p["items"], p["total"]))
    assert "10 of 15" in caught.value.message


@respx.mock
def test_paginate_offset_without_total_stops_at_short_page(session):
    def page(request):
        offset = int(request.url.params["offset"])
        return httpx.Response(200, json={"data": list(range(offset, min(offset + 5, 12)))})

    route = respx.get(url__startswith=BASE + "/routers").mock(side_effect=page)
    client = make_client(session)[0]
    assert client.paginate_offset("/routers", None, 5, lambda p: (p["data"], None)) == list(range(12))
    assert route.call_count == 3


def test_rate_limiter_spaces_requests_across_instances(tmp_path):
    clock = [100.0]
    sleeps = []

    def sleep(seconds):
        sleeps.append(round(seconds, 3))
        clock[0] += seconds

    state = str(tmp_path / "rate")
    first = RateLimiter(10, state_file=state, sleep=sleep, clock=lambda: clock[0])
    second = RateLimiter(10, state_file=state, sleep=sleep, clock=lambda: clock[0])
    first.wait()
    assert first.current_rate() == 2.5  # a new schedule starts at a quarter of the rate and doubles each second
    clock[0] += 2.0
    for limiter in (second, first, second):
        limiter.wait()
    assert sleeps == [0.1, 0.1]  # the second instance sees the first one's schedule


def limiter_for(clock, state_file=None, ceiling=20, start=None, rand=lambda: 0.5):
    return RateLimiter(ceiling, start=start, state_file=state_file, sleep=clock.sleep, clock=clock, rand=rand)


def send(limiter, clock, count, refused_every=0):
    """`count` requests through the limiter; every `refused_every`-th one answered 429."""
    for number in range(1, count + 1):
        limiter.wait()
        if refused_every and number % refused_every == 0:
            limiter.refused()


def test_rate_limiter_cuts_on_429_below_what_was_accepted_and_grows_back_to_the_ceiling(tmp_path):
    clock = Clock()
    limiter = limiter_for(clock, str(tmp_path / "rate"), ceiling=20, start=18)
    limiter.wait()
    assert limiter.current_rate() == 18 / 4.0  # a quarter of the start rate, doubling each second
    clock.now += 1.0
    assert limiter.current_rate() == pytest.approx(9)
    send(limiter, clock, 90)  # then at 18/s and more: 0.5 % of the ceiling more per second, sooner the longer no 429 comes
    grown = 18 + 0.1 * (clock.now - 1002.0) * (1 + (clock.now - 1002.0) / 5)
    assert limiter.current_rate() == pytest.approx(min(grown, 20), rel=0.02)
    limiter.refused()
    cut = limiter.current_rate()
    assert 0.8 * 18 < cut < 0.95 * 20  # about 0.9 of the rate accepted lately
    limiter.refused()  # the answer to a request sent before the cut: no second cut
    assert limiter.current_rate() == pytest.approx(cut)
    clock.now += 0.5
    assert cut < limiter.current_rate() < 20  # a slow climb
    clock.now += 3600
    assert limiter.current_rate() == 20  # never above the ceiling


def test_rate_limiter_cut_follows_the_share_accepted(tmp_path):
    """Other controllers take three quarters of the limit: within a few seconds this one's rate is near its quarter."""
    clock = Clock()
    limiter = limiter_for(clock, str(tmp_path / "rate"), ceiling=20, start=18)
    send(limiter, clock, 60)  # ramped up to 18/s alone
    begin = clock.now
    for number in range(40):
        limiter.wait()
        if number % 4:
            limiter.refused()
    assert clock.now - begin < 12
    assert limiter.current_rate() < 18 / 4 * 1.5
    assert limiter.current_rate() > 0.2  # not stopped


def test_rate_limiter_jitter_separates_controllers(tmp_path):
    clock = Clock()
    rates = []
    for index, draw in enumerate((0.0, 1.0)):
        limiter = limiter_for(clock, str(tmp_path / ("rate%d" % index)), rand=lambda draw=draw: draw)
        send(limiter, clock, 40)
        limiter.refused()
        clock.now += 10
        rates.append(limiter.current_rate())
    assert rates[0] < rates[1]  # different cut and growth: slices do not move in lock-step


def test_rate_limiter_waits_out_retry_after_for_every_fork(tmp_path):
    clock = Clock()
    state = str(tmp_path / "rate")
    first, second = limiter_for(clock, state), limiter_for(clock, state)
    first.wait()
    first.refused(retry_after=7)
    del clock.sleeps[:]
    second.wait()  # another fork: it waits for the Retry-After too
    assert clock.sleeps == pytest.approx([7.0], abs=0.01)


def test_rate_limiter_without_a_known_limit_spaces_nothing_until_a_429():
    clock = Clock()
    limiter = limiter_for(clock, ceiling=None)
    send(limiter, clock, 50)
    assert clock.sleeps == [] and limiter.current_rate() is None
    clock.now += 1.0  # 50 requests in the last second, then a 429
    limiter.refused()
    assert 20 < limiter.current_rate() < 50
    send(limiter, clock, 10)
    assert len(clock.sleeps) == 9


def test_rate_limiter_state_file_garbage_is_replaced(tmp_path):
    state = tmp_path / "rate"
    state.write_text('{"next": "soon", "rate": -3, "sent": 1e999}')
    clock = Clock()
    limiter = limiter_for(clock, str(state), ceiling=10)
    limiter.wait()
    clock.now += 2.0  # past the start
    send(limiter, clock, 3)
    assert clock.sleeps == pytest.approx([0.1, 0.1], abs=1e-5)
    state.write_text("1234.5")  # the schedule file of an older version: a new start
    assert limiter.current_rate() == 2.5


def test_api_client_reports_429_to_its_limiter(session):
    clock = Clock()
    limiter = limiter_for(clock, ceiling=20)
    with respx.mock:
        respx.get(BASE + "/x").mock(side_effect=[httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, json={})])
        client = make_client(session, rate_limiter=limiter)[0]
        client.request("GET", "/x")
    assert limiter.current_rate() < 20
    assert 2.0 in [round(value, 3) for value in clock.sleeps]  # the schedule waited out the Retry-After too


def test_chunked():
    assert [len(chunk) for chunk in chunked(range(250))] == [100, 100, 50]
    assert chunked([]) == []


def test_tls_failure_message_is_actionable(tmp_path):
    with pytest.raises(errors.WanfleetError):
        HttpSession(ca_path=str(tmp_path / "missing.pem"))
