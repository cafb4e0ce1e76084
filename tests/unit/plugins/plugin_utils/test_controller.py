# -*- coding: utf-8 -*-
"""The controller path (plugins/plugin_utils/controller.py) returns what the module process returns.

Each case runs one module both ways on the same arguments: its main() as a module (AnsibleModule,
patch_module_args, exit_json/fail_json) and run_on_controller(); the results must be equal, and
no secret may show in either.
"""

from __future__ import annotations

import contextlib
import io
import json

import httpx
import pytest
import respx
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

from ansible_collections.wanfleet.routers.plugins.plugin_utils.controller import run_on_controller

ROUTER = "https://router.test"
PASSWORD = "pw-Controller-Secret-1"
PASSPHRASE = "Psk-Controller-Secret-2"
SESSION_COOKIE = "sess-controller-3"
ROUTER_CREDENTIALS = {
    "platform": "peplink_router",
    "token_cache": False,
    "max_retries": 0,
    "peplink_router": {"url": ROUTER, "username": "admin", "password": PASSWORD},
}
WAN = {
    "order": [1, 2],
    "1": {"name": "WAN", "enable": True, "message": "Connected", "type": "ethernet", "priority": 1},
    "2": {"name": "Cellular", "enable": True, "message": "Connected", "type": "gobi", "priority": 2},
}
SSIDS = {"order": [1], "1": {"name": "Staff", "enable": True, "broadcast": True, "security": {"policy": "WPA2 Personal", "wpa2Personal": {"key": PASSPHRASE}}}}


def run_as_module(name, args, check=False):
    """The module's main() as Ansible runs it; its JSON result."""
    code = __import__("ansible_collections.wanfleet.routers.plugins.modules." + name, fromlist=["main"])
    ansible_warnings._global_warnings.clear()  # pylint: disable=protected-access
    out = io.StringIO()
    with patch_module_args(dict(args, _ansible_module_name="wanfleet.routers." + name, _ansible_check_mode=check)), contextlib.redirect_stdout(out):
        with pytest.raises(SystemExit):
            code.main()
    text = out.getvalue()
    result = json.loads(text[text.index("{") :])
    result["warnings"] = [(item.get("event") or {}).get("msg") if isinstance(item, dict) else item for item in result.get("warnings") or ()]
    if not result["warnings"]:
        del result["warnings"]
    return result


def both_ways(name, args, check=False):
    module = run_as_module(name, args, check)
    controller = run_on_controller(name, json.loads(json.dumps(args)), check)
    return module, controller


@pytest.mark.parametrize(
    "name, args, words",
    [
        ("ssid_profile", dict(ROUTER_CREDENTIALS, name="x", bogus=1), "Unsupported parameters for (wanfleet.routers.ssid_profile) module: bogus"),
        ("ssid_profile", dict(ROUTER_CREDENTIALS, name="x", vlan_id="abc"), "argument 'vlan_id' is of type"),
        ("ssid_profile", dict(ROUTER_CREDENTIALS, name="x", device="a", group="b"), "parameters are mutually exclusive: device|group"),
        ("ssid_profile", dict(ROUTER_CREDENTIALS), "missing required arguments: name"),
        ("ssid_profile", dict(ROUTER_CREDENTIALS, name="x", security="wep"), "value of security must be one of"),
        ("group", dict(ROUTER_CREDENTIALS), "one of the following is required: name, id"),
        ("telecomx_device", dict(ROUTER_CREDENTIALS, platform="telecomx", mac_address="00:11:22:33:44:55", wifi="on"), "wifi"),
        ("wan_priority", dict(ROUTER_CREDENTIALS, connections=[{"priority": 1}]), "one of the following is required: id, name"),
        ("alert_rule", dict(ROUTER_CREDENTIALS, alert_types=["a"]), "wanfleet.routers.alert_rule does not support platform peplink_router"),
        ("device_info", dict(ROUTER_CREDENTIALS, platform="cisco"), "value of platform must be one of"),
    ],
)
def test_refusals_before_any_request_are_the_same_both_ways(name, args, words):
    with respx.mock(assert_all_called=False) as mock:
        module, controller = both_ways(name, args)
    assert module == controller
    assert controller["failed"] is True and words in controller["msg"], controller["msg"]
    assert not mock.calls and PASSWORD not in json.dumps(controller)


@pytest.fixture
def router():
    with respx.mock(base_url=ROUTER, assert_all_called=False) as mock:
        mock.post("/api/login").mock(
            return_value=httpx.Response(
                200, json={"stat": "ok", "response": {"permission": {"GET": 1, "POST": 1}}}, headers={"Set-Cookie": "bauth=%s; Path=/" % SESSION_COOKIE}
            )
        )
        mock.post("/api/logout").mock(return_value=httpx.Response(200, json={"stat": "ok"}))
        mock.get("/api/status.wan.connection").mock(return_value=httpx.Response(200, json={"stat": "ok", "response": WAN}))
        mock.get("/api/config.ssid.profile").mock(return_value=httpx.Response(200, json={"stat": "ok", "response": SSIDS}))
        mock.get("/api/info.firmware").mock(
            return_value=httpx.Response(200, json={"stat": "ok", "response": {"order": [1], "1": {"version": "8.2.1 build 5330", "inUse": True}}})
        )
        mock.get("/api/status.system.info").mock(
            return_value=httpx.Response(
                200, json={"stat": "ok", "response": {"device": {"name": "lab-router", "model": "Balance 20X", "serialNumber": "1111-2222-3333"}}}
            )
        )
        yield mock


def test_a_read_gives_the_same_result_both_ways(router):
    module, controller = both_ways("device_info", dict(ROUTER_CREDENTIALS, include_raw=True))
    assert module == controller
    assert [wan["type"] for wan in controller["devices"][0]["wan"]] == ["ethernet", "cellular"]
    text = json.dumps(controller)
    assert PASSPHRASE not in text and PASSWORD not in text and SESSION_COOKIE not in text
    assert controller["invocation"]["module_args"]["peplink_router"]["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_a_check_mode_change_gives_the_same_prediction_and_diff_both_ways(router):
    args = dict(ROUTER_CREDENTIALS, id="1", name="Staff", passphrase="New-" + PASSPHRASE, vlan_id=20)
    module, controller = both_ways("ssid_profile", args, check=True)
    assert module == controller
    assert controller["changed"] is True and controller["diff"]["after"]["passphrase"] == "********"
    assert not [call for call in router.calls if call.request.method == "POST" and "/api/config" in call.request.url.path]
    assert "New-" + PASSPHRASE not in json.dumps(controller)


def test_a_platform_error_gives_the_same_failure_both_ways(router):
    router.get("/api/status.wan.connection").mock(
        return_value=httpx.Response(200, json={"stat": "fail", "code": 401, "message": "Unauthorized for session %s" % SESSION_COOKIE})
    )
    module, controller = both_ways("device_info", ROUTER_CREDENTIALS)
    assert module == controller
    assert controller["failed"] is True and controller["platform"] == "peplink_router"
    assert SESSION_COOKIE not in json.dumps(controller)
