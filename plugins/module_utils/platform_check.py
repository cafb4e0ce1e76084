# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The read-only compatibility probe (module platform_check): every read path the collection
depends on, asked once, compared with the shape the collection expects.

Only GETs (plus each platform's login), one request per call, at most MAX_CALLS calls per platform,
through the platform's own client (its rate limiter, 429 / Retry-After handling). The result names
each call, whether its use is documented or inferred, the outcome, the vendor's HTTP status and a
fingerprint of the answer's shape: keys and types, never values.

The paths and their evidence come from the platform modules (their one place); this file only
says which of them to ask, in which order, and what shape each answer must have.
"""

from __future__ import annotations

import hashlib

from ansible_collections.wanfleet.routers.plugins.module_utils.clients import platform_module
from ansible_collections.wanfleet.routers.plugins.module_utils.errors import WanfleetError
from ansible_collections.wanfleet.routers.plugins.module_utils.interrupt import Interrupted
from ansible_collections.wanfleet.routers.plugins.module_utils.models import shape_of

# Outcomes, as the table shows them.
AS_EXPECTED = "answered as expected"
DIFFERENT_SHAPE = "different shape"
REFUSED = "refused"
SKIPPED = "skipped"
# A bound on the calls of one run, whatever the account holds.
MAX_CALLS = 16
SHAPE_DEPTH = 3
SHAPE_TEXT_MAX = 160
# A listing is asked for this many items only: the probe looks at shapes, not at the fleet.
SAMPLE_SIZE = 5


class Probe(object):
    """One read: `call` (what the table shows), `evidence` ("documented" / "inferred: ..."), `target(ctx)` ->
    (path, params) or None to skip (a call needing an id an earlier call did not find), `expect(data)` -> bool,
    `learn(data, ctx)` keeps ids for later calls, `reply(client, data, url)` unwraps an inner envelope."""

    def __init__(self, call, evidence, target, expect, learn=None, reply=None):
        self.call, self.evidence, self.target, self.expect = call, evidence, target, expect
        self.learn, self.reply = learn, reply


def _is_list(data):
    return isinstance(data, list)


def _is_dict(data):
    return isinstance(data, dict)


def _first(items, key="id", where=None):
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get(key) is not None and (where is None or where(item)):
            return item
    return None


def _keep(name, key="id", where=None, source=None):
    """learn(): ctx[name] = the first item's `key` of the answer (or of answer[source])."""

    def learn(data, ctx):
        items = data.get(source) if source and isinstance(data, dict) else data
        found = _first(items, key, where)
        if found is not None:
            ctx[name] = found[key]
            ctx.setdefault(name + "_item", found)

    return learn


def _needs(*names):
    """target() for a path template needing ids an earlier call learned; None (skipped) otherwise."""

    def decorator(build):
        def target(ctx):
            if any(ctx.get(name) is None for name in names):
                return None
            return build(ctx)

        target.needs = names
        return target

    return decorator


# ---- InControl 2: the ENDPOINTS table gives the paths and the evidence -----------------------------


def _ic_probe(name, expect, params=None, needs=(), learn=None, api=None, reply=None):
    method, template, evidence = platform_module("incontrol").ENDPOINTS[name]

    @_needs(*needs)
    def target(ctx):
        ids = dict((key, ctx[key]) for key in needs)
        if api:
            ids["api"] = api
        return template.format(org=ctx["org"], **ids), params

    label = "%s %s" % (method, template.replace("{api}", api) if api else template)
    return Probe(label, evidence, target, expect, learn, reply)


def _router_reply(client, data, url):
    # imported here: only the InControl checks read router replies (through its device-API proxy)
    from ansible_collections.wanfleet.routers.plugins.module_utils._router_api import unwrap_router_reply

    return unwrap_router_reply(data, client.platform, "GET", url)


def _ssid_profiles_shape(data):
    return isinstance(data, list) or (isinstance(data, dict) and isinstance(data.get(platform_module("incontrol").SSID_PROFILES_KEY), list))


def incontrol_probes():
    # The platforms are looked up when their probes are made: a task imports only the one it checks.
    incontrol = platform_module("incontrol")
    status = {"has_status": "true"}
    return [
        _ic_probe("organizations", _is_list),
        _ic_probe("org_devices", _is_list, status),
        _ic_probe("org_devices_basic", _is_list),
        _ic_probe("groups", _is_list, learn=_keep("group")),
        _ic_probe("group", _is_dict, needs=("group",)),
        _ic_probe("group_devices", _is_list, status, needs=("group",), learn=_keep("device", where=lambda item: item.get("status") == "online")),
        _ic_probe("group_devices_basic", _is_list, needs=("group",)),
        _ic_probe("device", _is_dict, status, needs=("group", "device")),
        _ic_probe("ssid_profiles", _ssid_profiles_shape, needs=("group",)),
        _ic_probe("devapi", _is_dict, needs=("group", "device"), api=incontrol.DEVAPI_WAN_STATUS, reply=_router_reply),
        _ic_probe("devapi", _is_dict, needs=("group", "device"), api=incontrol.DEVAPI_ALIVE, reply=_router_reply),
    ]


# ---- the Peplink router API --------------------------------------------------------------------------


def _router_probe(api_name, evidence, expect):
    return Probe("GET /api/%s" % api_name, evidence, lambda ctx: ("api/" + api_name, None), expect)


def peplink_router_probes():
    peplink_router = platform_module("peplink_router")
    return [
        _router_probe(peplink_router.FIRMWARE, "documented", _is_dict),
        _router_probe(
            peplink_router.SYSTEM_INFO,
            "inferred: public clients (PepPy, ha-peplink)",
            lambda data: isinstance(data, dict) and isinstance(data.get("device"), dict),
        ),
        _router_probe(peplink_router.WAN_STATUS, "documented", _is_dict),
        _router_probe(peplink_router.SSID_PROFILE, "documented", _is_dict),
        _router_probe(peplink_router.WAN_CONFIG, "inferred: public clients (TechBlueprints peplink-mcp)", _is_dict),
    ]


# ---- NetCloud Manager ----------------------------------------------------------------------------


def _ncm_listing(data):
    """The documented list envelope {data: [...], meta}."""
    return isinstance(data, dict) and isinstance(data.get("data"), list)


def _ncm_list(endpoint, evidence="documented", learn=None):
    return Probe("GET %s/" % endpoint, evidence, lambda ctx: ("%s/" % endpoint, {"limit": SAMPLE_SIZE}), _ncm_listing, learn)


def _firmware_of(item):
    return platform_module("ncm")._ref_id(item.get("target_firmware") or item.get("actual_firmware"))  # pylint: disable=protected-access


def ncm_probes():
    ncm = platform_module("ncm")

    def learn_router(data, ctx):
        found = _first(data.get("data") if isinstance(data, dict) else None)
        if found is not None:
            ctx["router"], ctx["firmware"] = ncm._ref_id(found["id"]), _firmware_of(found)  # pylint: disable=protected-access

    @_needs("router")
    def config_target(ctx):
        return "configuration_managers/", {"router": ctx["router"], "fields": "id,router,target", "limit": 1}

    @_needs("firmware")
    def defaults_target(ctx):
        return "firmwares/%s/%s/" % (ctx["firmware"], ncm.FIRMWARE_DEFAULTS_PATH), None

    @_needs("router")
    def net_devices_target(ctx):
        return "net_devices/", {"router": ctx["router"], "limit": SAMPLE_SIZE}

    return [
        _ncm_list("routers", learn=learn_router),
        _ncm_list("groups"),
        _ncm_list("products"),
        _ncm_list("firmwares"),
        _ncm_list("accounts"),
        Probe("GET net_devices/?router=", "documented", net_devices_target, _ncm_listing),
        Probe("GET configuration_managers/?router=", "documented", config_target, _ncm_listing),
        Probe(
            "GET firmwares/<id>/%s/" % ncm.FIRMWARE_DEFAULTS_PATH,
            "inferred: a documented firmware field, answer shape not shown",
            defaults_target,
            lambda data: isinstance(data, (dict, list)),
        ),
        _ncm_list("alert_rules"),
        _ncm_list("alert_push_destinations"),
    ]


# ---- TelecomX ---------------------------------------------------------------------------------------


def telecomx_probes():
    telecomx = platform_module("telecomx")

    @_needs("device")
    def device_target(ctx):
        return telecomx.DEVICE_PATH % ctx["device"], None

    return [
        Probe("GET %s" % telecomx.VALIDATE_TOKEN_PATH, "documented", lambda ctx: (telecomx.VALIDATE_TOKEN_PATH, None), _is_dict),
        Probe(
            "GET %s" % telecomx.DEVICES_PATH,
            "documented",
            lambda ctx: (telecomx.DEVICES_PATH, {"limit": SAMPLE_SIZE}),
            lambda data: isinstance(data, dict) and isinstance(data.get(telecomx.DEVICE_LIST_KEY), list),
            _keep("device", "_id", source=telecomx.DEVICE_LIST_KEY),
        ),
        Probe("GET %s" % (telecomx.DEVICE_PATH % "<id>"), "documented", device_target, _is_dict),
        Probe(
            "GET %s" % telecomx.MODELS_PATH,
            "documented (list key in conflict: %s)" % "/".join(telecomx.MODEL_LIST_KEYS),
            lambda ctx: (telecomx.MODELS_PATH, {"limit": SAMPLE_SIZE}),
            lambda data: isinstance(data, dict) and any(isinstance(value, list) for value in data.values()),
        ),
    ]


PROBES = {"incontrol": incontrol_probes, "peplink_router": peplink_router_probes, "ncm": ncm_probes, "telecomx": telecomx_probes}


# ---- running them ---------------------------------------------------------------------------------


def run(client):
    """[{call, evidence, outcome, status, shape, fingerprint}] for the client's platform, in order."""
    ctx = {}
    if client.platform == "incontrol":
        ctx["org"] = client.organization_id()  # GET /rest/o: itself a documented read
    rows = []
    for probe in PROBES[client.platform]()[:MAX_CALLS]:
        rows.append(_ask(client, probe, ctx))
    return rows


def _ask(client, probe, ctx):
    row = {"call": probe.call, "evidence": probe.evidence, "outcome": SKIPPED, "status": None, "shape": None, "fingerprint": None}
    target = probe.target(ctx)
    if target is None:
        row["outcome"] = "%s: needs %s, which no earlier call found" % (SKIPPED, " and ".join(probe.target.needs))
        return row
    path, params = target
    url = client.url(path)
    try:
        response = client.request("GET", path, params=params, unwrap=False)
        row["status"] = response.status_code
        data = client.unwrap(response, "GET", url)
        if probe.reply:
            data = probe.reply(client, data, url)
    except Interrupted:  # Ctrl-C ends the check; it is not the platform's answer
        raise
    except WanfleetError as error:  # the vendor's refusal: its status and kind, never its message
        row.update(outcome="%s (%s)" % (REFUSED, error.kind), status=error.status or row["status"])
        return row
    row.update(_fingerprint(data))
    row["outcome"] = AS_EXPECTED if probe.expect(data) else DIFFERENT_SHAPE
    if probe.learn and row["outcome"] == AS_EXPECTED:
        probe.learn(data, ctx)
    return row


def _fingerprint(data):
    shape = shape_of(data, SHAPE_DEPTH)
    text = shape if len(shape) <= SHAPE_TEXT_MAX else shape[: SHAPE_TEXT_MAX - 3] + "..."
    return {"shape": text, "fingerprint": hashlib.sha256(shape.encode("utf-8")).hexdigest()[:12]}


def table(platform, rows):
    """The rows as text lines, for a bug report."""
    lines = ["platform_check %s: %d calls, GET only" % (platform, len(rows)), "call | evidence | outcome | status | fingerprint | shape"]
    for row in rows:
        lines.append(" | ".join(str(row[key]) if row[key] is not None else "-" for key in ("call", "evidence", "outcome", "status", "fingerprint", "shape")))
    return lines
