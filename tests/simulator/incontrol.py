"""InControl 2: OAuth2 at `/api/oauth2/token`, the REST API under `/rest/o/...`.

Sources, cited in each handler: shared/docs/api/peplink-incontrol2-api.txt (cited
`peplink-incontrol2-api.txt:L<n>`, "the IC2 doc"), its digest (peplink-digest.md part
A), and beyond-the-docs.md part A (`beyond-the-docs.md A.<n>`), which collects the calls
public clients make. The IC2 doc is truncated and has no parameter tables; what it
lacks is `inferred` here, one rule in one place:

- Envelope `{resp_code, caller_ref, server_ref, message, data}` (IC2 doc L208-218).
  `message` is optional: present on errors only. `caller_ref` echoes a `caller_ref`
  query parameter ("auto generated if not specified"), else a counter.
- Bad input: HTTP 200 with `resp_code: "INVALID_INPUT"` (the envelope exists to carry
  it). Unknown group/device/profile id: HTTP 404 with `INVALID_INPUT`, by analogy with
  the documented 404 `org_not_found`. devapi to an offline device: `INTERNAL_ERROR`.
- Paging: none is documented; every list comes back whole.
- Rate limit: 20 requests per second per organization (IC2 doc L32), a sliding
  one-second window over every /rest/ call; refused requests do not count; no
  Retry-After header (the doc names none).
- Tokens: `expires_in` 172799 (IC2 doc L89; setting `incontrol_token_seconds`). A
  refresh returns a new access and refresh token; the old refresh token stays valid
  until it expires, 30 days after its access token (IC2 doc L111-112). No token at all
  is 401 `unauthorized`; an unknown or expired one is 401 `invalid_accessor`.
- `has_status` (IC2 doc L267): status information (interfaces, usage, tx, rx) only for
  online devices and only with fresh data (reported in the last 120 s, setting
  `incontrol_status_fresh_seconds`). A list call on stale data triggers a report that
  lands `incontrol_report_delay` (1 s) later; until then `interfaces` holds
  `interface_polling_obj` items ("Polling from device"). `has_status=false` = absent.
  Device detail always carries `interfaces`.
- Group SSID profiles (beyond-the-docs.md A.7; the shape is ours): `{id, ssid, enabled,
  broadcast, vlan_id (0 = untagged LAN), security ("open" | "wpa2_personal" |
  "wpa_wpa2_personal"), wpa_passphrase, fast_transition, radio_select ("1" 2.4 GHz,
  "2" 5 GHz, "3" both), portal_enabled (read-only)}`, written as `{"data": {...}}`
  (beyond-the-docs.md A.11). Devices with `wifi_cfg: "group"` get their group's
  profiles pushed at once: they replace the router's SSID table (saved and running),
  marked `incontrolManaged: true`.
- `ssid_profiles_applied[].id` and `ssids[].id` are the group profile id for profiles
  InControl manages (`icMg: true`), else the router's own profile number.
- Timestamps are "YYYY-MM-DD HH:MM:SS" in the group's time zone (IC2 doc L24).
"""

from __future__ import annotations

import base64
import binascii
import collections
import datetime
import itertools
import json
import secrets
import urllib.parse
import zoneinfo

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.simulator import peplink

CLIENT_ID, CLIENT_SECRET = "sim-client", "sim-secret"  # SPEC section 6
ORG_ID, ORG_NAME = "oSIM01", "sim-org"  # ids are short strings (peplink-incontrol2-api.txt:L114 "abcdef"); the routers' org
LAB_ID, LAB_NAME = "oSIM02", "sim-lab"  # a second, empty organization the client can also see
SECURITY = {"open": peplink.OPEN, "wpa2_personal": "WPA2 Personal", "wpa_wpa2_personal": "WPA/WPA2 Personal"}
NO_DATA = object()
DEVICES_PER_GROUP = 250


class Problem(Exception):
    """An answer other than SUCCESS: HTTP status plus body."""

    def __init__(self, status, body):
        Exception.__init__(self, body)
        self.status, self.body = status, body


def oauth_error(status, error, description):
    # documented: peplink-incontrol2-api.txt:L121-132 (401 invalid_accessor / unauthorized, 429 rate_limit_exceeded, 404 org_not_found)
    return Problem(status, {"error": error, "error_description": description})


def invalid(message, status=200):
    return Problem(status, {"resp_code": "INVALID_INPUT", "message": message})


def not_found(what):
    return invalid("%s not found" % what, 404)


_ZONES, _STAMPS = {}, {}


def stamp(seconds, tz):
    """A timestamp in the group's time zone (peplink-incontrol2-api.txt:L24), cached: a 10,000-device list repeats them."""
    key = (int(seconds), tz)
    text = _STAMPS.get(key)
    if text is None:
        zone = _ZONES.get(tz)
        if zone is None:
            try:
                zone = _ZONES[tz] = zoneinfo.ZoneInfo(tz)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = _ZONES[tz] = zoneinfo.ZoneInfo("UTC")
        if len(_STAMPS) > 200000:
            _STAMPS.clear()
        text = _STAMPS[key] = datetime.datetime.fromtimestamp(key[0], zone).strftime("%Y-%m-%d %H:%M:%S")
    return text


# ---- state ------------------------------------------------------------------------


class State(object):
    def __init__(self, world):
        self.world = world
        fleet = world.seed
        self.token_seconds = int(fleet.setting("incontrol_token_seconds", 172799))
        self.rate_limit = int(fleet.setting("incontrol_rate_limit", 20))
        self.fresh_seconds = float(fleet.setting("incontrol_status_fresh_seconds", 120))
        self.report_delay = float(fleet.setting("incontrol_report_delay", 1.0))
        # inferred, evidence split (beyond-the-docs A.7): GET ssid_profiles answers a list ("list"), or an
        # object holding it under `ssid_profiles` ("object", TechBlueprints' reading of the group SSID settings)
        self.ssid_profiles_shape = str(fleet.setting("incontrol_ssid_profiles_shape", "list"))
        # device ids whose detail says InControl manages the WAN settings (icmg_wan, documented device model)
        self.wan_managed = set(int(float(item)) for item in str(fleet.setting("incontrol_icmg_wan_devices", "")).split(",") if item.strip())
        self.tokens, self.refresh_tokens = {}, {}
        self.hits = collections.defaultdict(collections.deque)
        self.server_ref = itertools.count(880001)
        self.ids = itertools.count(1)  # for new groups and profiles
        self.backups, self.backup_ids = {}, itertools.count(70001)  # device id -> config_files()
        now = world.now()
        self.orgs = {
            ORG_ID: {
                "id": ORG_ID,
                "name": ORG_NAME,
                "address": "1 Simulator Way",
                "createdAt": "2019-03-01 09:00:00",
                "updatedAt": "2024-01-15 12:00:00",
                "longitude": -122.27,
                "latitude": 37.8,
                "country": "US",
                "lastActivityDate": "2024-06-01 08:00:00",
                "status": "active",
                "primary": True,
                "googleMapEnabled": 0,
                "speedUnit": "km",
                "migrateStatus": 0,
            },
            LAB_ID: {
                "id": LAB_ID,
                "name": LAB_NAME,
                "address": "",
                "createdAt": "2021-05-05 10:00:00",
                "updatedAt": "2021-05-05 10:00:00",
                "longitude": 0.0,
                "latitude": 0.0,
                "country": "US",
                "lastActivityDate": "2021-05-05 10:00:00",
                "status": "active",
                "primary": False,
                "googleMapEnabled": 0,
                "speedUnit": "km",
                "migrateStatus": 0,
            },
        }
        self.groups, self.members, self.profiles, self.devices = {}, {}, {}, {}
        routers = list(world.peplink.routers.values())
        names = ["HQ", "Branches"] + ["Sites %02d" % n for n in range(1, max(0, (len(routers) - 2) // DEVICES_PER_GROUP) + 1)]
        timezones = ("America/Los_Angeles", "America/New_York", "Europe/Copenhagen")
        for number, name in enumerate(names + ["Staging"]):
            self._add_group(ORG_ID, 101 + number, name, timezones[number % 3], "US" if number % 3 < 2 else "DK")
        self._add_group(LAB_ID, 90001, "Lab", "UTC", "US")  # ids apart from sim-org's 101..
        chunk = max(1, -(-(len(routers) - 1) // (len(names) - 1)))
        for index, router in enumerate(routers):
            group_id = 101 if index == 0 else 102 + (index - 1) // chunk
            self.devices[10001 + index] = {
                "id": 10001 + index,
                "org": ORG_ID,
                "group_id": group_id,
                "router": router,
                "wifi_cfg": "not_managed" if group_id == 101 else "group",
                "tags": ["hq"] if group_id == 101 else ["branch"],
                "note": "",
                "client_count": index % 17,
                "first_appear": now - 400 * 86400 + index,
                "reported_at": now,
                "triggered_at": None,
                "latitude": peplink.position(index)[0],
                "longitude": peplink.position(index)[1],
            }
            self.members[group_id].add(10001 + index)
        for group_id, group in list(self.groups.items()):
            if group["org"] == ORG_ID and group["name"] not in ("HQ", "Staging"):
                ssid = "Branch WiFi" if group["name"] == "Branches" else "Site WiFi"
                profile = {
                    "id": 500 + group_id,
                    "ssid": ssid,
                    "enabled": True,
                    "broadcast": True,
                    "vlan_id": 0,
                    "security": "wpa2_personal",
                    "wpa_passphrase": "sim-%d-passphrase" % group_id,
                    "fast_transition": False,
                    "radio_select": "3",
                    "portal_enabled": False,
                }
                self.profiles[profile["id"]] = dict(profile, group_id=group_id)
                self.push_ssids(group_id)

    def _add_group(self, org, group_id, name, timezone, country):
        self.groups[group_id] = {
            "id": group_id,
            "org": org,
            "name": name,
            "timezone": timezone,
            "country": country,
            "address": "",
            "longitude": 0.0,
            "latitude": 0.0,
            "favorite": False,
        }
        self.members[group_id] = set()
        return self.groups[group_id]

    def push_ssids(self, group_id):
        """InControl pushes the group's SSID profiles to its devices that follow the group."""
        profiles = [p for p in sorted(self.profiles.values(), key=lambda p: p["id"]) if p["group_id"] == group_id]
        table = [router_profile(p) for p in profiles]
        for device_id in self.members[group_id]:
            device = self.devices[device_id]
            if device["wifi_cfg"] == "group" and device["router"].product["wifi"]:
                device["router"].replace_managed_ssids(table)

    def config_files(self, device, now):
        """The configuration files InControl keeps for a device, oldest first: [(id, epoch, content)].

        inferred: InControl keeps a file per configuration the router reported: one from its first
        appearance, and a new one whenever the running configuration differs from the newest file.
        """
        files = self.backups.setdefault(device["id"], [])
        content = peplink_export(device["router"])
        if not files or files[-1][2] != content:
            files.append((next(self.backup_ids), device["first_appear"] if not files else now, content))
        return files

    def dump(self):
        return {
            "organizations": list(self.orgs.values()),
            "groups": [dict(g, devices=sorted(self.members[g["id"]])) for g in self.groups.values()],
            "ssid_profiles": list(self.profiles.values()),
            "devices": dict((d["router"].serial, {"id": d["id"], "group_id": d["group_id"], "wifi_cfg": d["wifi_cfg"]}) for d in self.devices.values()),
            "tokens": len(self.tokens),
            "refresh_tokens": len(self.refresh_tokens),
        }

    def expire_tokens(self):
        """Fault "token expiry": every access token is now expired; refresh tokens still work."""
        for token in self.tokens.values():
            token["expires"] = 0.0

    def issue(self, now):
        access, refresh = secrets.token_hex(20), secrets.token_hex(20)
        self.tokens[access] = {"client": CLIENT_ID, "expires": now + self.token_seconds}
        self.refresh_tokens[refresh] = {"client": CLIENT_ID, "expires": now + self.token_seconds + 30 * 86400}
        # documented: peplink-incontrol2-api.txt:L89, peplink-incontrol2-api.txt:L107 (field order as there)
        return {"access_token": access, "expires_in": self.token_seconds, "token_type": "Bearer", "refresh_token": refresh}

    def limited(self, org_id, now):
        window = self.hits[org_id]
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= self.rate_limit:
            return True
        window.append(now)
        return False


def router_profile(profile):
    out = peplink.ssid_profile(
        profile["ssid"],
        profile["wpa_passphrase"] or None,
        SECURITY[profile["security"]],
        vlan=profile["vlan_id"],
        fast_transition=profile["fast_transition"],
        ic_id=profile["id"],
    )
    out.update(enable=profile["enabled"], broadcast=profile["broadcast"])
    return out


# ---- OAuth2 token endpoint ----------------------------------------------------------


async def token_endpoint(request):
    # documented: peplink-incontrol2-api.txt:L46-51 and L99-118: POST form-encoded client_id, client_secret, grant_type
    # (client_credentials, or refresh_token with refresh_token). Also HTTP Basic client
    # authentication (beyond-the-docs.md A.1, a public client). inferred: errors as RFC 6749 section 5.2,
    # which the doc refers to (peplink-incontrol2-api.txt:L22); only these two grants exist here.
    state = request.app.state.world.incontrol
    now = state.world.now()
    form = {}
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = dict(urllib.parse.parse_qsl((await request.body()).decode("utf-8", "replace")))
    client_id, client_secret = form.get("client_id"), form.get("client_secret")
    basic = request.headers.get("authorization", "")
    if client_id is None and basic[:6].lower() == "basic ":
        try:
            pair = base64.b64decode(basic[6:].strip()).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            pair = ""
        client_id, client_secret = (urllib.parse.unquote(part) for part in pair.partition(":")[::2])
    grant = form.get("grant_type")

    def error(status, code, description):
        return JSONResponse({"error": code, "error_description": description}, status_code=status, headers={"Cache-Control": "no-store"})

    if not grant:
        return error(400, "invalid_request", "grant_type is required (form-encoded body)")
    if grant not in ("client_credentials", "refresh_token"):
        return error(400, "unsupported_grant_type", "unsupported grant_type: %s" % grant)
    if client_id != CLIENT_ID or client_secret != CLIENT_SECRET:
        return error(401, "invalid_client", "client authentication failed")
    if grant == "refresh_token":
        refresh = state.refresh_tokens.get(form.get("refresh_token", ""))
        if refresh is None or refresh["expires"] <= now:
            return error(400, "invalid_grant", "invalid or expired refresh_token")
    return JSONResponse(state.issue(now), headers={"Cache-Control": "no-store"})


# ---- the REST wrapper: auth, organization, rate limit, envelope ----------------------


class Ctx(object):
    def __init__(self, state, request, org):
        self.state, self.request, self.org = state, request, org
        self.now = state.world.now()
        self.path = request.path_params
        self.query = request.query_params

    async def data(self):
        """A write body: `{"data": {...}}` (beyond-the-docs.md A.11); anything else is INVALID_INPUT."""
        try:
            body = json.loads(await self.request.body() or b"null")
        except ValueError:
            raise invalid("Request body is not valid JSON")
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            raise invalid('Request body must be a JSON object {"data": {...}}')
        return body["data"]

    def group(self):
        group = self.state.groups.get(self.path["gid"])
        if group is None or group["org"] != self.org["id"]:
            raise not_found("Group")
        return group

    def device(self, group=None):
        device = self.state.devices.get(self.path["did"])
        if device is None or device["org"] != self.org["id"] or (group and device["group_id"] != group["id"]):
            raise not_found("Device")
        return device

    def flag(self, name):
        """`?has_status` "specified" (IC2 doc L267): present, and not false."""
        return name in self.query and self.query[name].lower() not in ("false", "0", "no")


def envelope(state, request, data=NO_DATA, resp_code="SUCCESS", message=None):
    caller_ref = request.query_params.get("caller_ref", "")
    out = {"resp_code": resp_code, "caller_ref": int(caller_ref) if caller_ref.isdigit() else next(state.server_ref), "server_ref": next(state.server_ref)}
    if message is not None:
        out["message"] = message
    if data is not NO_DATA:
        out["data"] = data
    return out


def api(handler):
    async def endpoint(request):
        state = request.app.state.world.incontrol
        now = state.world.now()
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header[:7].lower() == "bearer " else request.query_params.get("access_token")
        try:
            # documented: peplink-incontrol2-api.txt:L104-105 (Bearer header or access_token parameter), L121-132 (errors)
            if not token:
                raise oauth_error(401, "unauthorized", "An access token is required")  # inferred mapping
            record = state.tokens.get(token)
            if record is None or record["expires"] <= now:
                raise oauth_error(401, "invalid_accessor", "The access token is expired or invalid")
            org_id = request.path_params.get("org", ORG_ID)
            org = state.orgs.get(org_id)
            if org is None:
                raise oauth_error(404, "org_not_found", "Organization %s not found" % org_id)
            if state.limited(org_id, now):  # documented: peplink-incontrol2-api.txt:L32
                raise oauth_error(429, "rate_limit_exceeded", "Over 20 requests per second for this organization")
            data = await handler(Ctx(state, request, org))
            if isinstance(data, Response):  # a file download: no envelope
                return data
            return JSONResponse(envelope(state, request, data))
        except Problem as problem:
            body = problem.body
            if "resp_code" in body:
                body = envelope(state, request, body.get("data", NO_DATA), body["resp_code"], body.get("message"))
            return JSONResponse(body, status_code=problem.status)

    return endpoint


# ---- organizations and groups -------------------------------------------------------


async def org_list(ctx):
    # inferred: identity of the headerless block peplink-incontrol2-api.txt:L199-225
    # (array[organization_list_obj]); usage example at L113
    return [dict((k, o[k]) for k in ("id", "name", "primary", "status", "migrateStatus")) for o in ctx.state.orgs.values()]


async def org_get(ctx):
    # inferred: identity of the headerless block peplink-incontrol2-api.txt:L226-262 (organization)
    return dict(ctx.org)


GROUP_WRITABLE = {
    "name": str,
    "timezone": str,
    "country": str,
    "address": str,
    "note": str,
    "longitude": (int, float),
    "latitude": (int, float),
    "favorite": bool,
}
GROUP_READ_ONLY = {
    "id",
    "online_device_count",
    "offline_device_count",
    "client_count",
    "expiry_count",
    "expiry_soon_count",
    "group_type",
    "locked_devices",
    "outstanding_patch_devices",
}


def group_obj(state, group, now, detail=False):
    """The group model, peplink-incontrol2-api.txt:L821-869 (optional fields only when set)."""
    online = sum(1 for d in group_members(state, group) if d["router"].online(now))
    out = {
        "id": group["id"],
        "name": group["name"],
        "online_device_count": online,
        "offline_device_count": len(state.members[group["id"]]) - online,
        "client_count": sum(d["client_count"] for d in group_members(state, group)),
        "expiry_count": 0,
        "expiry_soon_count": 0,
        "group_type": "peplink",
        "timezone": group["timezone"],
        "country": group["country"],
        "address": group["address"],
        "longitude": group["longitude"],
        "latitude": group["latitude"],
    }
    if group.get("note"):
        out["note"] = group["note"]
    out.update(
        failover_to_ic2=False,
        is_gps_tracking_disabled=False,
        is_apply_bulk_config=False,
        is_suspend_config_update=False,
        is_suspend_device_reporting=False,
        is_suspend_live_status=False,
        is_suspend_firmware_upgrade=False,
        favorite=group["favorite"],
        contenthub_threshold_enabled=False,
        wan_disconnected_notify_time=0,
        is_low_data_usage_mode=False,
        gps_location_sampling=2,
        min_heartbreak_interval=60,
    )
    if detail:  # peplink-incontrol2-api.txt:L868-869: "Only appears when is_show_detail=true"
        out.update(locked_devices=0, outstanding_patch_devices=0)
    return out


def group_members(state, group):
    return [state.devices[d] for d in sorted(state.members[group["id"]])]


def check_group_fields(data, create):
    for name, value in data.items():
        if name in GROUP_READ_ONLY:
            continue  # a client may send back what it read
        kind = GROUP_WRITABLE.get(name)
        if kind is None:
            raise invalid("Unknown field: %s" % name)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise invalid("Invalid value for %s" % name)
    if create and not data.get("name"):
        raise invalid("name is required")
    if "name" in data and not 1 <= len(data["name"].strip()) <= 64:
        raise invalid("name must be 1 to 64 characters")
    if "timezone" in data:
        try:
            zoneinfo.ZoneInfo(data["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise invalid("Unknown timezone: %s" % data["timezone"])
    return dict((k, v) for k, v in data.items() if k in GROUP_WRITABLE)


async def groups(ctx):
    state = ctx.state
    if ctx.request.method == "POST":
        # inferred: beyond-the-docs.md A.3 (POST on the group list path, body {"data": {name, timezone, country}})
        data = check_group_fields(await ctx.data(), create=True)
        group = state._add_group(ctx.org["id"], 1000 + next(state.ids), data.pop("name"), data.pop("timezone", "UTC"), data.pop("country", ctx.org["country"]))
        group.update(data)
        return group_obj(state, group, ctx.now)
    # inferred: identity of the headerless block peplink-incontrol2-api.txt:L812-869 (array[group]);
    # usage example peplink-incontrol2-api.txt:L114. Whole list, no paging.
    detail = ctx.flag("is_show_detail")
    return [group_obj(state, g, ctx.now, detail) for g in state.groups.values() if g["org"] == ctx.org["id"]]


async def group(ctx):
    state, group = ctx.state, ctx.group()
    if ctx.request.method == "PUT":
        # inferred: beyond-the-docs.md A.3 (PUT /rest/o/{org}/g/{group_id}, body {"data": {...}}, partial update)
        group.update(check_group_fields(await ctx.data(), create=False))
    elif ctx.request.method == "DELETE":
        # inferred: beyond-the-docs.md A.3. Every IC2 device belongs to a group, so a group with devices is refused.
        if state.members[group["id"]]:
            raise invalid("Group %d still has %d device(s); move them to another group first" % (group["id"], len(state.members[group["id"]])))
        for profile_id in [p for p, v in state.profiles.items() if v["group_id"] == group["id"]]:
            del state.profiles[profile_id]
        del state.groups[group["id"]], state.members[group["id"]]
        return NO_DATA
    # inferred: identity of the headerless block peplink-incontrol2-api.txt:L881-939 (group)
    return group_obj(state, group, ctx.now, ctx.flag("is_show_detail"))


async def add_devices(ctx):
    # inferred: beyond-the-docs.md A.6 (constant "add_devices_in_group" in a public client; method and body
    # unknown). Here: POST {"data": {"device_ids": [..]}}, body key as device_tags (beyond-the-docs.md A.5).
    state, target = ctx.state, ctx.group()
    ids = (await ctx.data()).get("device_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise invalid("data.device_ids must be a non-empty list of device ids")
    missing = [i for i in ids if i not in state.devices or state.devices[i]["org"] != ctx.org["id"]]
    if missing:
        raise invalid("Unknown device id(s): %s" % ", ".join(str(i) for i in missing))
    for device_id in ids:
        device = state.devices[device_id]
        state.members[device["group_id"]].discard(device_id)
        device["group_id"] = target["id"]
        state.members[target["id"]].add(device_id)
    state.push_ssids(target["id"])
    return group_obj(state, target, ctx.now)


# ---- group SSID profiles (all inferred: beyond-the-docs.md A.7) ----------------------------------------

PROFILE_FIELDS = {
    "ssid": str,
    "enabled": bool,
    "broadcast": bool,
    "vlan_id": int,
    "security": str,
    "wpa_passphrase": str,
    "fast_transition": bool,
    "radio_select": str,
}
PROFILE_DEFAULTS = {
    "enabled": True,
    "broadcast": True,
    "vlan_id": 0,
    "wpa_passphrase": "",
    "fast_transition": False,
    "radio_select": "3",
    "portal_enabled": False,
}


def profile_obj(profile):
    return dict((k, v) for k, v in profile.items() if k != "group_id")


def check_profile(data, current):
    new = dict(current)
    for name, value in data.items():
        if name in ("id", "portal_enabled"):
            continue  # read back by a client; not changeable here
        kind = PROFILE_FIELDS.get(name)
        if kind is None:
            raise invalid("Unknown field: %s" % name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise invalid("Invalid value for %s" % name)
        new[name] = value
    if not isinstance(new.get("ssid"), str) or not 1 <= len(new["ssid"]) <= 32:
        raise invalid("ssid must be 1 to 32 characters")
    if new.get("security") not in SECURITY:
        raise invalid("security must be one of: %s" % ", ".join(sorted(SECURITY)))
    if not 0 <= new["vlan_id"] <= 4094:
        raise invalid("vlan_id must be 0 (untagged) to 4094")
    if new["radio_select"] not in ("1", "2", "3"):
        raise invalid('radio_select must be "1", "2" or "3"')
    if new["security"] == "open":
        new["wpa_passphrase"], new["fast_transition"] = "", False
    elif not peplink.valid_key(new["wpa_passphrase"]):
        # the router's own rule (router doc L1306-1307): 8-63 characters or 64 hex digits
        raise invalid("wpa_passphrase must be 8 to 63 characters or 64 hexadecimal digits")
    if new["fast_transition"] and new["security"] != "wpa2_personal":
        raise invalid("fast_transition needs wpa2_personal")  # as the router (router doc L1302-1303)
    return new


async def ssid_profiles(ctx):
    state, group = ctx.state, ctx.group()
    if ctx.request.method == "POST":
        # inferred: beyond-the-docs.md A.7 ("POST .../ssid_profiles" is one of the two guesses for create)
        profile = check_profile(await ctx.data(), PROFILE_DEFAULTS)
        profile = dict(profile, id=1000 + next(state.ids), group_id=group["id"])
        state.profiles[profile["id"]] = profile
        state.push_ssids(group["id"])
        return profile_obj(profile)
    # inferred: beyond-the-docs.md A.7 (the PUT "mirrors GET ssid_profiles"); whole list, no paging
    profiles = [profile_obj(p) for p in sorted(state.profiles.values(), key=lambda p: p["id"]) if p["group_id"] == group["id"]]
    return {"ssid_profiles": profiles} if state.ssid_profiles_shape == "object" else profiles


async def ssid_profile(ctx):
    state, group = ctx.state, ctx.group()
    profile = state.profiles.get(ctx.path["pid"])
    if profile is None or profile["group_id"] != group["id"]:
        raise not_found("SSID profile")
    if ctx.request.method == "PUT":
        # inferred: the path is what a public client calls (beyond-the-docs.md A.7, put_ssid_profile); the body shape is ours
        profile.update(check_profile(await ctx.data(), profile))
        state.push_ssids(group["id"])
    elif ctx.request.method == "DELETE":
        del state.profiles[profile["id"]]  # inferred: beyond-the-docs.md A.7
        state.push_ssids(group["id"])
        return NO_DATA
    return profile_obj(profile)


# ---- devices --------------------------------------------------------------------------

LIST_TEMPLATE = {  # device_list_obj (peplink-incontrol2-api.txt:L278) in the doc's key order; constants filled in here
    "id": 0,
    "group_id": 0,
    "group_name": "",
    "sn": "",
    "name": "",
    "status": "",
    "usage": 0.0,
    "tx": 0.0,
    "rx": 0.0,
    "product_id": 0,
    "client_count": 0,
    "fw_ver": "",
    "fw_url": "",
    "last_online": "",
    "offline_at": "",
    "first_appear": "",
    "lan_mac": "",
    "config_rollback": False,
    "config_rollback_date": "",
    "ic2_config_apply_locked": False,
    "outstanding_patch_ids": [],
    "device_config_apply_locked": False,
    "sp_default": False,
    "product_name": "",
    "product_code": "",
    "mv": "",
    "tags": [],
    "tag_info": [],
    "note": "",
    "longitude": 0.0,
    "latitude": 0.0,
    "address": "",
    "location_timestamp": "",
    "isStatic": True,
    "expiry_date": "2027-12-31 23:59:59",
    "sub_expiry_date": "2027-12-31 23:59:59",
    "prime_expiry_date": "",
    "prime_type": 0,
    "expired": False,
    "sub_expired": False,
    "gps_support": False,
    "gps_exist": False,
    "config_updated_at": "",
    "support_ssid_count": 0,
    "radio_modules": [],
    "ssids": [],
    "group_type": "peplink",
    "device_type": "router",
    "last_sync_date": "",
    "v6_license": "disabled",
    "uptime": 0,
    "uptime_appear": "",
    "fw_pending_trial_round": 0,
    "fw_pending_max_no_of_trial": 0,
    "fw_pending_ver": "",
    "fw_pending_schedule_time": "",
    "fw_pending_upgrade_time": "",
    "fw_pending_status": 0,
    "fw_pending_group_time": "",
    "is_master_device": False,
    "wifi_cfg": "",
    "ddns_enabled": False,
    "ddns_available": True,
    "onlineStatus": "",
    "wtp_ip": "",
    "interfaces": [],
    "vlan_interfaces": [],
    "ssid_profiles_applied": [],
    "hardware_version": "",
    "mvpn_version": "",
    "radio_bands": [],
    "loc_display": False,
    "extap_proxy_supported": False,
    "extap_proxy_enabled": False,
    "wlan_probe_supported": False,
    "wlan_probe_enabled": False,
    "dpi_supported": True,
    "dpi_enabled": False,
    "low_data_usage_mode": False,
    "ra_enabled": False,
    "watchdog_enabled": False,
    "ap_router_mode": True,
    "ssid_mac_list": [],
    "site_id": "",
    "handshake_port": False,
    "refuse_legacy": False,
    "peer_connections": 0,
    "pepvpn_peers": 2,
    "is_default_password": False,
    "is_apply_bulk_config": False,
    "is_wlan_ap_suspended": False,
    "is_ap_schedule_enabled": False,
    "is_ha_enabled": False,
    "is_ha_slave": False,
    "ha_role": "",
    "ha_status": "",
    "ha_transition_time": "",
    "periph_status_available": False,
    "periph_status": {"cpu_load": {"name": "CPU", "value": 12.0, "total": 100.0, "percentage": 12.0, "active": True}},
    "gobi_sim_lock_supported": False,
    "gobi_sim_locks": [],
    "poe_supported": False,
}
STATUS_KEYS = ("usage", "tx", "rx", "interfaces")  # "status information" under has_status (peplink-incontrol2-api.txt:L267)
DETAIL_EXTRA = {  # device (peplink-incontrol2-api.txt:L1847) beyond device_list_obj; `ssids` is not in it
    "fw_managmed": "group",
    "ra_supported": True,
    "watchdog_supported": True,
    "port_status_available": False,
    "port_status": {},
    "admin_conf": {
        "managed": False,
        "protocol": "https",
        "admin_auth": "",
        "admin_user_auth": "",
        "version": 0,
        "admin_name": "",
        "admin_password": "",
        "admin_readonly_name": "",
        "admin_readonly_password": "",
        "admin_radius_enable": False,
    },
    "outbound_policy_managed": False,
    "firewall_rules_managed": False,
    "is_apply_import_lan": False,
    "is_apply_csv_override": False,
    "ssid_profiles": [],
    "is_wlc_enabled": False,
    "mgnt_incontrol_vlan_ip": "",
    "mgnt_incontrol_vlan": 0,
    "mgnt_incontrol_vlan_gateway": "",
    "mgnt_incontrol_vlan_dns": [],
    "mgnt_incontrol_vlan_connection_type": "",
    "mgnt_vlan_ip": "",
    "mgnt_vlans": [],
    "max_lacp_group_support": 0,
    "max_port_per_lacp_group": 0,
    "endpoint_support": False,
    "slow_response": False,
    "slow_response_start_time": "",
    "wlan_mac_list": [],
    "slot_module_list": [],
    "vlan_managed": False,
    "icmg_mvpn": False,
    "icmg_wan": False,
    "icmg_schedule_reboot": False,
    "icmg_schedule": False,
    "icmg_wlan": False,
    "icmg_portal": False,
    "icmg_lan": False,
    "icmg_sdswitch": False,
    "icmg_outbound": False,
    "icmg_firewall": False,
    "icmg_admin": False,
}
BASIC_KEYS = (
    "id",
    "group_id",
    "group_name",
    "sn",
    "name",
    "status",
    "product_id",
    "fw_ver",
    "last_online",
    "offline_at",
    "first_appear",
    "lan_mac",
    "product_name",
    "product_code",
    "model",
    "note",
    "address",
    "expiry_date",
    "sub_expiry_date",
    "prime_expiry_date",
    "prime_type",
    "expired",
    "network_type",
    "device_type",
    "ddns_enabled",
    "uptime",
    "uptime_appear",
    "onlineStatus",
    "sub_expired",
    "prime_expired",
    "wtp_ip",
    "site_id",
    "refuse_legacy",
)  # device_list_basic_obj, peplink-incontrol2-api.txt:L559-560
NETMASKS = dict((bits, ".".join(str((0xFFFFFFFF << (32 - bits) >> s) & 255) for s in (24, 16, 8, 0))) for bits in range(33))


def interface_obj(router, conn_id, now, online, tz):
    """One `interface` (peplink-incontrol2-api.txt:L2014-2076) from the router's running WAN state."""
    status = peplink.wan_status_obj(router, conn_id, now)
    wan = router.wans[conn_id]
    cellular = wan["type"] == "cellular"
    up = status["message"] == "Connected"
    out = {
        "id": conn_id,
        "type": "gobi" if cellular else "ethernet",
        "status": status["message"],
        "name": wan["name"],
        "dns_servers": list(wan["dns"]) if up else [],
        "ip_status": "",
        "conn_len": status["uptime"],
        "ip": wan["ip"] if up else "",
        "netmask": NETMASKS[wan["mask"]] if up else "",
        "is_enable": status["enable"],
        "gateway": wan["gateway"] if up else "",
        "mtu": float(wan["mtu"] or 1500),
        "healthcheck": "ping",
    }
    if cellular:
        name = wan["carrier"][0]
        out.update(
            sims={"imsi": wan["imsi"], "iccid": wan["iccid"], "status": "In Use", "active": True, "bandwidthAllowanceMonitor": {"enable": True}},
            imei=wan["imei"],
            apn="internet",
            carrier_name=name,
            s2g3glte="LTE",
            signal_bar=4,
            gobi_data_tech="LTE",
            gobi_band_class_name="LTE Band 13 (700 MHz)",
            cellular_signals=dict(wan["signal"]),
        )
    out.update(
        status_led=status["statusLed"],
        is_overall_up=int(up),
        mtu_state=0,
        healthy_state=int(up),
        is_backup=int(status.get("priority", 1) > 1),
        is_quota_exceed=0,
        is_manual_disconnect=0,
        group=status.get("priority", 0),
        updated_at=stamp(now, tz),
    )
    if not online:  # peplink-incontrol2-api.txt:L2021: last_status "Only exists if the device is offline"
        out["last_status"], out["status"], out["status_led"], out["is_overall_up"] = out["status"], "Disconnected", "gray", 0
    return out


def ssid_rows(device, router):
    """(id, profile) of the router's running SSID profiles, as InControl numbers them."""
    if not router.product["wifi"]:
        return []
    return [(p["ic_id"] or number, p) for number, p in sorted(router.running["ssid"].items())]


def device_obj(state, device, now, detail=False, status=False):
    router, group = device["router"], state.groups[device["group_id"]]
    tz, online = group["timezone"], router.online(now)
    product, rows = router.product, ssid_rows(device, router)
    out = dict(LIST_TEMPLATE)
    out.update(
        id=device["id"],
        group_id=group["id"],
        group_name=group["name"],
        sn=router.serial,
        name=router.name,
        status="online" if online else "offline",
        product_id=product["product_id"],
        client_count=device["client_count"] if online else 0,
        fw_ver=router.firmware(),
        last_online=stamp(now if online else router.down_until - state.world.peplink.reboot_seconds, tz),
        offline_at=stamp(router.boot_at - 60, tz),
        first_appear=stamp(device["first_appear"], tz),
        lan_mac=router.lan_mac,
        product_name=product["product_name"],
        product_code=product["product_code"],
        tags=list(device["tags"]),
        tag_info=[{"id": 1 if t == "hq" else 2, "name": t} for t in device["tags"]],
        note=device["note"],
        longitude=device["longitude"],
        latitude=device["latitude"],
        location_timestamp=stamp(device["first_appear"], tz),
        config_updated_at=stamp(router.boot_at, tz),
        support_ssid_count=product["ssid_count"],
        last_sync_date=stamp(router.boot_at, tz),
        uptime=router.uptime(now) if online else 0,
        uptime_appear=stamp(now, tz),
        wifi_cfg=device["wifi_cfg"],
        onlineStatus="ONLINE" if online else "OFFLINE",
        wtp_ip=router.wans[1]["ip"],
        hardware_version=product["hw"],
        mvpn_version="8.2.1",
        site_id=router.serial.replace("-", "")[:8],
        vlan_interfaces=[
            {"vlan_id": lan["vlanId"], "vlan_ip": lan["ip"], "netmask": NETMASKS[lan["mask"]], "name": lan["name"], "icmg": False}
            for n, lan in sorted(router.lan.items())
            if n
        ],
        ssid_profiles_applied=[
            {
                "id": sid,
                "ssid": p["name"],
                "group_id": group["id"],
                "device_id": device["id"],
                "enabled": p["enable"],
                "icMg": p["incontrolManaged"],
                "vlan_id": p["vlanId"],
                "wpa_passphrase": p["key"] or "",
            }
            for sid, p in rows
        ],
        ssids=[{"id": sid, "ssid": p["name"]} for sid, p in rows],
    )
    if product["wifi"]:
        out.update(
            radio_modules=[{"module_id": 1, "frequency_band": "2.4 GHz, 5 GHz", "active_frequency_band": "2.4 GHz"}],
            radio_bands=[{"radio_bands": 1, "active_band": "2.4 GHz", "txpower": 100.0, "channel": 6, "channel_mode": "auto"}],
            ssid_mac_list=[
                {"bssid": "%s:%02X" % (router.lan_mac[:14], 16 * n + radio), "essid": p["name"], "radio": band, "security": p["policy"]}
                for n, (sid, p) in enumerate(rows, 1)
                if p["enable"] and router.ap_enable
                for radio, band in ((1, "2.4 GHz"), (2, "5 GHz"))
            ],
        )
    include = detail or (status and online and fresh(state, device, router, now))
    if include:
        usage = float(sum(w["usage"] for w in router.wans.values()) if online else 0)
        out.update(
            usage=usage, tx=round(usage * 0.3, 1), rx=round(usage * 0.7, 1), interfaces=[interface_obj(router, c, now, online, tz) for c in sorted(router.wans)]
        )
    elif status and online:  # peplink-incontrol2-api.txt:L2013-2016: interface_polling_obj while data is not ready
        for key in STATUS_KEYS[:3]:
            del out[key]
        out["interfaces"] = [{"id": c, "name": router.wans[c]["name"], "msg": "Polling from device"} for c in sorted(router.wans)]
    else:
        for key in STATUS_KEYS:
            del out[key]
    if detail:
        del out["ssids"]
        out.update(DETAIL_EXTRA)
        out.update(
            icmg_wlan=device["wifi_cfg"] != "not_managed",
            fw_managmed="group",
            icmg_wan=device["id"] in state.wan_managed,
            ssid_profiles=[],
            admin_conf=dict(DETAIL_EXTRA["admin_conf"]),
        )
    return out


def fresh(state, device, router, now):
    """has_status (peplink-incontrol2-api.txt:L267): fresh data (last 2 minutes), else trigger a report and wait for it."""
    triggered = device["triggered_at"]
    if triggered is not None and now >= triggered + state.report_delay:
        device["reported_at"], device["triggered_at"] = triggered + state.report_delay, None
    if now - max(device["reported_at"], router.boot_at) <= state.fresh_seconds:
        return True
    if device["triggered_at"] is None:
        device["triggered_at"] = now
    return False


def basic_obj(state, device, now):
    full = device_obj(state, device, now)
    full.update(model=device["router"].product["product_name"], network_type="peplink", prime_expired=False)
    return dict((key, full[key]) for key in BASIC_KEYS)


def device_list(ctx, devices):
    status = ctx.flag("has_status")
    return [device_obj(ctx.state, d, ctx.now, status=status) for d in devices]


async def org_devices(ctx):
    # documented: peplink-incontrol2-api.txt:L264-543 (GET O/d, array[device_list_obj], has_status). Whole list.
    return device_list(ctx, [d for d in ctx.state.devices.values() if d["org"] == ctx.org["id"]])


async def org_devices_basic(ctx):
    # documented: peplink-incontrol2-api.txt:L544-605 (GET O/d/basic, array[device_list_basic_obj], since 2.8.1)
    return [basic_obj(ctx.state, d, ctx.now) for d in ctx.state.devices.values() if d["org"] == ctx.org["id"]]


async def org_device(ctx):
    # inferred: public clients call it (beyond-the-docs.md A.4: GET /rest/o/{org}/d/{device_id});
    # the model is `device`, peplink-incontrol2-api.txt:L1847
    return device_obj(ctx.state, ctx.device(), ctx.now, detail=True)


async def group_devices(ctx):
    # inferred: identity of the headerless block peplink-incontrol2-api.txt:L1374 (array[device_list_obj]);
    # public clients call it (beyond-the-docs.md A.4)
    return device_list(ctx, group_members(ctx.state, ctx.group()))


async def group_devices_basic(ctx):
    # documented: peplink-incontrol2-api.txt:L1650 (GET G/d/basic). The doc names the full `device` model for it, which
    # contradicts "most basic information only"; we answer device_list_basic_obj as O/d/basic does.
    return [basic_obj(ctx.state, d, ctx.now) for d in group_members(ctx.state, ctx.group())]


async def group_device(ctx):
    # inferred: identity of the headerless block peplink-incontrol2-api.txt:L1834-2086 (device);
    # public clients call it (beyond-the-docs.md A.4)
    return device_obj(ctx.state, ctx.device(ctx.group()), ctx.now, detail=True)


async def reboot(ctx):
    # inferred: beyond-the-docs.md A.8 (TechBlueprints POST .../tools/reboot, no body; unverified). The same
    # router object reboots, so its local API goes down too. An offline device: nothing to do.
    device = ctx.device(ctx.group())
    router = device["router"]
    if router.online(ctx.now):
        router.reboot(ctx.now, ctx.state.world.peplink.reboot_seconds)
    return NO_DATA


def peplink_export(router):
    """A router's configuration file. inferred: the real file is the router's binary export; ours is a
    header and the running configuration as JSON, enough to tell one configuration from another."""
    return b"PEPLINK-CONFIG 1\n" + json.dumps(router.running, sort_keys=True, default=str).encode("utf-8")


async def config_backups(ctx):
    # documented: peplink-incontrol2-api.txt:L2381-2410 (Since 2.0.25; data: [config_files {date, file_list:
    # [config_file {size, time, id}]}]). inferred: grouped by day, `time` the time of day, newest day last.
    device = ctx.device(ctx.group())
    tz = ctx.group()["timezone"]
    days = collections.OrderedDict()
    for file_id, taken, content in ctx.state.config_files(device, ctx.now):
        date, time_of_day = stamp(taken, tz).split(" ")
        days.setdefault(date, []).append({"size": len(content), "time": time_of_day, "id": file_id})
    return [{"date": date, "file_list": items} for date, items in days.items()]


async def config_backup_file(ctx):
    # documented: peplink-incontrol2-api.txt:L2412-2420 (Since 2.0.25, application/octet-stream).
    # inferred: an unknown file id is 404 INVALID_INPUT, like an unknown device.
    device = ctx.device(ctx.group())
    for file_id, taken, content in ctx.state.config_files(device, ctx.now):
        if file_id == ctx.path["fid"]:
            return Response(content, media_type="application/octet-stream")
    raise not_found("Configuration file")


async def devapi(ctx):
    # inferred: beyond-the-docs.md A.9 (Bleed-AI: .../devapi/<router api name>, GET and POST, router JSON as
    # the body whatever its Content-Type; the envelope's `data` is the router's reply).
    device = ctx.device(ctx.group())
    router, name = device["router"], ctx.path["name"]
    if name in ("login", "logout") or name.startswith("auth."):
        raise invalid("%s cannot be called through devapi" % name)  # inferred: the proxy is its own auth
    if not router.online(ctx.now):
        raise Problem(200, {"resp_code": "INTERNAL_ERROR", "message": "Device %s is offline" % router.serial})
    if ctx.request.method == "POST":
        params = await peplink._post_body(ctx.request)
        if params is None:
            return peplink.fail_body(400, "Invalid JSON")
    else:
        params = dict((k, ctx.query.getlist(k)) for k in ctx.query.keys() if k not in ("access_token", "caller_ref"))
    return ctx.state.world.peplink.proxy(router, ctx.request.method, name, params)


def routes():
    ORG = "/rest/o/{org}"
    G = ORG + "/g/{gid:int}"
    D = G + "/d/{did:int}"
    return [
        Route("/api/oauth2/token", token_endpoint, methods=["POST"]),
        Route("/rest/o", api(org_list), methods=["GET"]),
        Route(ORG, api(org_get), methods=["GET"]),
        Route(ORG + "/d", api(org_devices), methods=["GET"]),
        Route(ORG + "/d/basic", api(org_devices_basic), methods=["GET"]),
        Route(ORG + "/d/{did:int}", api(org_device), methods=["GET"]),
        Route(ORG + "/g", api(groups), methods=["GET", "POST"]),
        Route(G, api(group), methods=["GET", "PUT", "DELETE"]),
        Route(G + "/add_devices", api(add_devices), methods=["POST"]),
        Route(G + "/ssid_profiles", api(ssid_profiles), methods=["GET", "POST"]),
        Route(G + "/ssid_profiles/{pid:int}", api(ssid_profile), methods=["GET", "PUT", "DELETE"]),
        Route(G + "/d", api(group_devices), methods=["GET"]),
        Route(G + "/d/basic", api(group_devices_basic), methods=["GET"]),
        Route(D, api(group_device), methods=["GET"]),
        Route(D + "/tools/reboot", api(reboot), methods=["POST"]),
        Route(D + "/config_backup", api(config_backups), methods=["GET"]),
        Route(D + "/config_backup/{fid:int}", api(config_backup_file), methods=["GET"]),
        Route(D + "/devapi/{name}", api(devapi), methods=["GET", "POST"]),
    ]
