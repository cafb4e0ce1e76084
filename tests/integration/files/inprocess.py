# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the collection's modules inside the test process, against the simulator, for the big matrices.

An ansible-playbook run costs one to three seconds of CPU on a small machine; the fault, bad-input
and secrets matrices hold hundreds of cases. So each case runs the module's real main() here, the
way Ansible's own module tests do (ansible.module_utils.testing.patch_module_args): the same
argument spec, WanfleetModule, platform client, HTTP core and fail_json/exit_json (with no_log
masking) as under Ansible, over real HTTP to the simulator. Only the AnsiballZ wrapper and the
controller are left out; every matrix also has a smaller part run through ansible-playbook.

Also here: the module x platform cases shared by the matrices (arguments that change something in
the "default" seed, and the request each fault is aimed at), and the simulator-state normalisation
used to tell "old configuration" from "new configuration" from "a mix".
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import re
import traceback
from unittest import mock

from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

from ansible_collections.wanfleet.routers.plugins.module_utils import http as wanfleet_http

MODULES = "ansible_collections.wanfleet.routers.plugins.modules."
CREDENTIAL_ENV = ("INCONTROL_", "PEPLINK_", "X_CP_", "X_ECM_", "TELECOMX_", "CP_BASE_URL", "WANFLEET_")
PASSPHRASE = "Fault-matrix-passphrase-1"


# ---- running a module in-process -----------------------------------------------------------------


def run_module(module, args, check=False, diff=False):
    """Run wanfleet.routers.<module> with `args`; return its result as Ansible would receive it.

    A module that raises instead of calling fail_json (a crash: Ansible would show MODULE FAILURE
    with a traceback) returns {"failed": True, "crashed": True, "msg": <traceback>}.
    """
    code = importlib.import_module(MODULES + module)
    ansible_warnings._global_warnings.clear()  # pylint: disable=protected-access
    ansible_warnings._global_deprecations.clear()  # pylint: disable=protected-access
    module_args = dict(args, _ansible_module_name="wanfleet.routers." + module, _ansible_check_mode=check, _ansible_diff=diff)
    out = io.StringIO()
    crash = None
    # As under ansible-playbook in these tests: no credentials from the environment (env fallbacks).
    environment = dict((name, value) for name, value in os.environ.items() if not name.startswith(CREDENTIAL_ENV) or name == "WANFLEET_CACHE_DIR")
    # A module process is not the controller: once a test of the same process has imported a controller
    # module (ansible.utils.display), ansible-core sends module warnings to Display instead of the result.
    with patch_module_args(module_args), contextlib.redirect_stdout(out), mock.patch.dict(os.environ, environment, clear=True), mock.patch.object(
        ansible_internal, "is_controller", False
    ):
        try:
            code.main()
        except SystemExit:
            pass
        except Exception:  # pylint: disable=broad-except
            crash = traceback.format_exc()
    if crash is not None:
        return {"failed": True, "crashed": True, "msg": crash, "stdout": out.getvalue()}
    text = out.getvalue().strip()
    try:
        result = json.loads(text[text.index("{") :])
    except ValueError:
        return {"failed": True, "crashed": True, "msg": "not a module result: %r" % text[:2000]}
    # ansible-core 2.19 modules return warnings as WarningSummary objects; the controller shows their text.
    result["warnings"] = [_text(warning) for warning in result.get("warnings") or ()]
    return result


def _text(warning):
    if isinstance(warning, dict):
        return (warning.get("event") or {}).get("msg") or warning.get("msg") or json.dumps(warning)
    return warning


@contextlib.contextmanager
def instant_retries():
    """Retries without their wall-clock pause; the pauses asked for are recorded in the returned list.

    The request loop still computes every delay (Retry-After seconds or date, backoff) and reports
    it in its warning ("waited 1.0s"); only the sleep is skipped. ansible-playbook tests keep the
    real pauses.
    """
    original = wanfleet_http.ApiClient._pause  # pylint: disable=protected-access
    pauses = []

    def pause(self, method, url, reason, attempt, retry_after):
        sleep = self._sleep  # pylint: disable=protected-access
        self._sleep = pauses.append  # pylint: disable=protected-access
        try:
            return original(self, method, url, reason, attempt, retry_after)
        finally:
            self._sleep = sleep  # pylint: disable=protected-access

    wanfleet_http.ApiClient._pause = pause  # pylint: disable=protected-access
    try:
        yield pauses
    finally:
        wanfleet_http.ApiClient._pause = original  # pylint: disable=protected-access


# ---- the simulator's state, without what changes by itself --------------------------------------

# Keys whose values move with the clock or with every login (uptimes, tokens, sessions, counters,
# provisioning progress), or are new random ids; what is left is configuration.
VOLATILE_KEYS = frozenset(
    (
        "uptime",
        "upTime",
        "lastComm",
        "connectionTime",
        "tokens",
        "refresh_tokens",
        "sessions",
        "clients",
        "api_calls",
        "updated_at",
        "config_status",
        "version_number",
        "alert_config_id",
        "rev",
        "reboots",
        "online",
        "jobs",
        "state",
        "status",
    )
)


def normalized(value):
    if isinstance(value, dict):
        return dict((key, normalized(item)) for key, item in value.items() if key not in VOLATILE_KEYS)
    if isinstance(value, list):
        return [normalized(item) for item in value]
    return value


def configuration(sim):
    """The whole simulated world's configuration (every platform), normalised."""
    return normalized(sim.state())


def differences(before, after, prefix=""):
    """Paths where two normalised states differ (for assertion messages)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for key in sorted(set(before) | set(after), key=str):
            out.extend(differences(before.get(key), after.get(key), "%s/%s" % (prefix, key)))
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        out = []
        for index, (one, two) in enumerate(zip(before, after)):
            out.extend(differences(one, two, "%s/%d" % (prefix, index)))
        return out
    return [] if before == after else [prefix or "/"]


# ---- the module x platform cases -----------------------------------------------------------------


def ncm_router(state, product="IBR900"):
    return next(item for item in state["ncm"]["routers"] if item["product"] == product)["name"]


def peplink_named(state, name):
    return next(serial for serial, item in state["peplink"]["routers"].items() if item["name"] == name)


def first_router(state):
    return sorted(state["peplink"]["routers"])[0]


class Target(object):
    """The request a fault is aimed at: `method` and a regular expression searched in the path."""

    def __init__(self, name, method, path, idempotent, write=True):
        self.name = name
        self.method = method
        self.path = path
        self.idempotent = idempotent
        self.write = write

    def matches(self, entry):
        return entry["method"] == self.method and re.search(self.path, entry["path"]) is not None


class Case(object):
    """One module on one platform, doing one thing from the seed."""

    def __init__(self, module, platform, args, targets, router=first_router, kind="config"):
        self.module = module
        self.platform = platform
        self.args = args  # state -> module arguments
        self.targets = targets  # [Target]
        self.router = router  # state -> the router serial the peplink_router options point at
        self.kind = kind  # "config" (compare configurations), "reboot", "read"

    @property
    def id(self):
        return "%s-%s" % (self.module, self.platform)

    def module_args(self, sim, state, **extra):
        from tests.integration.conftest import credentials

        args = dict(credentials(sim, self.router(state)), platform=self.platform, token_cache=False)
        args.update(self.args(state))
        args.update(extra)
        return args


def _peplink(api):
    return r"/peplink/[^/]+/api/%s$" % re.escape(api)


CASES = [
    # -- device_info: reads only; the fault hits the main listing
    Case("device_info", "peplink_router", lambda state: {}, [Target("read", "GET", _peplink("status.wan.connection"), True, write=False)], kind="read"),
    Case("device_info", "incontrol", lambda state: {}, [Target("read", "GET", r"^/rest/o/[^/]+/d$", True, write=False)], kind="read"),
    Case("device_info", "ncm", lambda state: {}, [Target("read", "GET", r"^/api/v2/routers/$", True, write=False)], kind="read"),
    Case("device_info", "telecomx", lambda state: {}, [Target("read", "GET", r"^/network/device$", True, write=False)], kind="read"),
    # -- ssid_profile
    Case(
        "ssid_profile",
        "peplink_router",
        lambda state: dict(id="2", name="Guest SSID", vlan_id=30, broadcast=False, passphrase=PASSPHRASE),
        [
            Target("read", "GET", _peplink("config.ssid.profile"), True, write=False),
            Target("write", "POST", _peplink("config.ssid.profile"), True),
            Target("apply", "POST", _peplink("cmd.config.apply"), True),
        ],
        router=lambda state: peplink_named(state, "router-001"),
    ),
    Case(
        "ssid_profile",
        "incontrol",
        lambda state: dict(group="Branches", name="Branch WiFi", vlan_id=20, passphrase=PASSPHRASE, broadcast=False),
        [
            Target("read", "GET", r"^/rest/o/[^/]+/g/\d+/ssid_profiles$", True, write=False),
            Target("write", "PUT", r"^/rest/o/[^/]+/g/\d+/ssid_profiles/\d+$", True),
        ],
    ),
    Case(
        "ssid_profile",
        "ncm",
        lambda state: dict(
            device=ncm_router(state), name="Guest", band="2.4", security="wpa2_personal", passphrase=PASSPHRASE, broadcast=False, update_passphrase="on_create"
        ),
        [
            Target("read", "GET", r"^/api/v2/configuration_managers/$", True, write=False),
            Target("write", "PATCH", r"^/api/v2/configuration_managers/\d+/$", True),
        ],
    ),
    Case(
        "ssid_profile",
        "telecomx",
        lambda state: dict(device="tx-site-0001", band="5", name="Guest", enabled=True, security="wpa2_personal", passphrase=PASSPHRASE),
        [Target("read", "GET", r"^/network/device$", True, write=False), Target("write", "POST", r"^/network/device/[0-9a-f]{24}$", True)],
    ),
    # -- wan_priority
    Case(
        "wan_priority",
        "peplink_router",
        lambda state: dict(connections=[{"name": "Cellular", "priority": 1}, {"id": "1", "priority": 2}]),
        [
            Target("read", "GET", _peplink("status.wan.connection"), True, write=False),
            Target("write", "POST", _peplink("config.wan.connection.priority"), True),
        ],
    ),
    Case(
        "wan_priority",
        "incontrol",
        lambda state: dict(device="router-002", connections=[{"name": "Cellular", "priority": 1}, {"id": "1", "priority": 2}]),
        [
            Target("read", "GET", r"/devapi/status\.wan\.connection$", True, write=False),
            Target("write", "POST", r"/devapi/config\.wan\.connection\.priority$", True),
        ],
    ),
    Case(
        "wan_priority",
        "ncm",
        lambda state: dict(
            device=ncm_router(state), connections=[{"name": "LTE", "priority": 2}, {"name": "WiFi as WAN", "enabled": False}, {"id": "0", "priority": 1}]
        ),
        [
            Target("read", "GET", r"^/api/v2/configuration_managers/$", True, write=False),
            Target("write", "PATCH", r"^/api/v2/configuration_managers/\d+/$", True),
        ],
    ),
    # -- group
    Case(
        "group",
        "incontrol",
        lambda state: dict(name="Warehouse", timezone="Europe/Copenhagen", country="dk", devices=["router-003"]),
        [
            Target("read", "GET", r"^/rest/o/[^/]+/g$", True, write=False),
            Target("create", "POST", r"^/rest/o/[^/]+/g$", False),
            Target("members", "POST", r"^/rest/o/[^/]+/g/\d+/add_devices$", False),
        ],
    ),
    Case(
        "group",
        "ncm",
        lambda state: dict(name="Stores", product="IBR900", target_firmware="7.24.10", devices=[ncm_router(state)]),
        [
            Target("read", "GET", r"^/api/v2/groups/$", True, write=False),
            Target("create", "POST", r"^/api/v2/groups/$", False),
            Target("members", "PUT", r"^/api/v2/routers/\d+/$", True),
        ],
    ),
    # -- alert_rule
    Case(
        "alert_rule",
        "ncm",
        lambda state: dict(
            alert_types=["failover_event", "connection_state"],
            groups=["Depots AER2200"],
            email_recipients=["Grace.Hopper@example.com"],
            http_destinations=["noc-webhook"],
            schedule="hourly",
        ),
        [Target("read", "GET", r"^/api/v2/alert_rules/$", True, write=False), Target("create", "POST", r"^/api/v2/alert_rules/$", False)],
    ),
    # -- telecomx_device
    Case(
        "telecomx_device",
        "telecomx",
        lambda state: dict(
            mac_address="00:11:22:33:44:55",
            name="Aarhus office",
            model="XVS-200",
            notes="rack 2",
            wifi={"enabled": True, "ssid": "Office", "password": PASSPHRASE},
        ),
        [Target("read", "GET", r"^/network/device$", True, write=False), Target("create", "POST", r"^/network/device$", False)],
    ),
    # -- reboot: never resent
    Case(
        "reboot",
        "peplink_router",
        lambda state: {},
        [Target("read", "GET", _peplink("info.firmware"), True, write=False), Target("reboot", "POST", _peplink("cmd.system.reboot"), False)],
        kind="reboot",
    ),
    Case(
        "reboot",
        "incontrol",
        lambda state: dict(device="router-001"),
        [Target("read", "GET", r"^/rest/o/[^/]+/d/basic$", True, write=False), Target("reboot", "POST", r"/tools/reboot$", False)],
        kind="reboot",
    ),
    Case(
        "reboot",
        "ncm",
        lambda state: dict(device=ncm_router(state)),
        [Target("read", "GET", r"^/api/v2/routers/$", True, write=False), Target("reboot", "POST", r"^/api/v2/reboot_activity/$", False)],
        kind="reboot",
    ),
]

CASES_BY_ID = dict((case.id, case) for case in CASES)


def wait_until_answered(sim, timeout=10.0):
    """Wait until every logged request has been answered (a delayed one lands after the client gave up)."""
    import time

    deadline = time.time() + timeout
    while time.time() < deadline:
        if all(entry["status"] is not None for entry in sim.requests()):
            return
        time.sleep(0.05)
