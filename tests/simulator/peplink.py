"""The Peplink routers' local API, one router per serial: `/peplink/<serial>/api/<name>`.

Source: shared/docs/api/peplink-router-api.txt (cited `peplink-router-api.txt:L<n>`) and
its digest (peplink-digest.md part B). Every handler says `documented` or `inferred`.

Choices where the router doc is silent (all `inferred`; change them here, in one place):

- Error codes. The doc gives the fail envelope (L162-168) but no codes. A public Home
  Assistant client re-logs in on `{"stat":"fail","code":401}`, so 401 means "no valid
  session or token". The others follow HTTP: 400 bad input, 403 permission, 404 unknown
  API, 405 wrong method, 429 too many sessions.
- Pending config. `config.wan.connection.priority` without `instantActive` is "saved
  normally, and pending for the explicit apply changes action" (L1403-1405). So each
  router keeps a *saved* config and a *running* one. `config.*` GETs show the saved
  config (what the web admin shows after Save, before Apply); `status.*` GETs and
  InControl show the running one. `cmd.config.apply` copies saved to running,
  `cmd.config.discard` copies running to saved. `config.ssid.profile` POST is pending
  too (the doc is silent; public IC2 clients follow config writes with
  `cmd.config.apply`, beyond-the-docs A.9). A reboot boots the saved config.
- Sessions: at most `peplink_max_sessions` (default 4) live cookie sessions per router,
  idle timeout `peplink_session_idle_seconds` (default 1800). A client that logs in and
  never logs out is refused once the table is full, until sessions idle out.
- The `bauth` cookie (L19) has Path=/peplink/<serial>/, so routers sharing this one host
  keep separate cookie jars, as separate devices would.
- A rebooting router (`reboot_seconds`, default 3) drops every connection to its
  prefix: the client sees a transport error, as with a device that is down. Sessions
  die with the reboot; clients and their access tokens survive it.
- SSID profiles pushed by InControl (`incontrolManaged: true`) cannot be changed locally.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

READ, WRITE, ADMIN = 1, 2, 3  # peplink-router-api.txt:L28-34: Read-Only, Read-Write, Admin (admin user login only)
USERS = {"admin": ("admin", ADMIN), "viewer": ("viewer", READ)}  # SPEC section 6
SCOPES = {"api": WRITE, "api.read-only": READ}  # peplink-router-api.txt:L372-377
POLICIES = ("WPA2 Personal", "WPA/WPA2 Personal")  # peplink-router-api.txt:L1289-1291
POLICY_KEYS = {"WPA2 Personal": "wpa2Personal", "WPA/WPA2 Personal": "wpaWpa2Personal"}
OPEN = "Open"  # inferred: only for profiles InControl pushes; the router doc lists two policies

# Firmware slots as info.firmware shows them (peplink-router-api.txt:L1505-1523): slot 2 runs, slot 1 is bootable.
FIRMWARE = {1: "8.1.3 build 5158", 2: "8.2.1 build 5330"}

# Models of the seed. `wans`: (conn id, name, type, link up, priority, enabled). `gps`: the model has a GPS receiver.
PRODUCTS = (
    dict(
        product_id=171,
        product_name="Balance 20X",
        product_code="BPL-021X",
        hw="2",
        wifi=True,
        ssid_count=4,
        gps=False,
        wans=(
            (1, "WAN 1", "ethernet", True, 1, True),
            (2, "WAN 2", "ethernet", False, 2, True),
            (3, "Cellular", "cellular", True, 2, True),
            (4, "WAN 3", "ethernet", True, 3, False),
        ),
    ),
    dict(
        product_id=228,
        product_name="MAX BR1 Pro 5G",
        product_code="MAX-BR1-PRO-5GH",
        hw="1",
        wifi=True,
        ssid_count=4,
        gps=True,
        wans=((1, "WAN", "ethernet", True, 1, True), (2, "Cellular", "cellular", True, 2, True)),
    ),
    dict(
        product_id=103,
        product_name="Balance 380",
        product_code="BPL-380",
        hw="6",
        wifi=False,
        ssid_count=0,
        gps=False,
        wans=((1, "WAN 1", "ethernet", True, 1, True), (2, "WAN 2", "ethernet", True, 1, True), (3, "WAN 3", "ethernet", False, 2, False)),
    ),
)
CARRIERS = (("Verizon", "US", "311", "480"), ("T-Mobile", "US", "310", "260"), ("AT&T", "US", "310", "410"))


class Fail(Exception):
    """A `{"stat": "fail", "code": N, "message": ...}` answer (peplink-router-api.txt:L162-168)."""

    def __init__(self, code, message):
        Exception.__init__(self, message)
        self.code = code
        self.message = message


def fail_body(code, message):
    return {"stat": "fail", "code": code, "message": message}


def ok_body(response=None):
    # peplink-router-api.txt:L137-150: `{"stat": "ok"}`, with `response` only when there is something to say.
    return {"stat": "ok"} if response is None else {"stat": "ok", "response": response}


def position(index):
    """(latitude, longitude) of the router at `index`: the site InControl also shows for the device."""
    return round(37.0 + (index % 500) * 0.01, 5), round(-122.0 + (index // 500) * 0.01, 5)


def keyed(items):
    """The doc's keyed-map convention: string ids as keys plus `order` of numeric ids."""
    out = dict((str(key), value) for key, value in items)
    out["order"] = [item[0] for item in items]
    return out


# ---- the router -------------------------------------------------------------------


@dataclass
class Principal:
    kind: str  # "session", "token" or "incontrol" (the devapi proxy)
    perm: int
    ref: str = ""


@dataclass
class Router:
    serial: str
    index: int
    name: str
    product: dict
    lan_mac: str
    wans: dict  # conn id -> static facts (name, type, link, ip, ...)
    saved: dict  # {"wan": {id: {"priority", "enable"}}, "ssid": {id: profile}}
    running: dict
    lan: dict
    boot_at: float
    fw_in_use: int = 2
    down_until: float = 0.0
    ap_enable: bool = True
    wan_up_since: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)  # sid -> {"user", "perm", "seen"}
    clients: dict = field(default_factory=dict)  # clientId -> Client_Obj
    tokens: dict = field(default_factory=dict)  # accessToken -> {"clientId", "scope", "created", "expires"}

    def online(self, now):
        return now >= self.down_until

    def uptime(self, now):
        return max(0, int(now - self.boot_at))

    def pending(self):
        return self.saved != self.running

    def firmware(self):
        return FIRMWARE[self.fw_in_use]

    def reboot(self, now, seconds, firmware_id=None):
        """Down for `seconds`, then up with uptime 0, the saved config and no sessions."""
        self.down_until = now + seconds
        self.boot_at = self.down_until
        self.sessions.clear()
        self.running = copy_config(self.saved)
        self.wan_up_since = {}
        if firmware_id is not None:
            self.fw_in_use = firmware_id

    def wan_uptime(self, conn_id, now):
        return max(0, int(now - max(self.boot_at, self.wan_up_since.get(conn_id, 0.0))))

    def set_running_wan(self, conn_id, values, now):
        was = self.running["wan"][conn_id]["enable"]
        self.running["wan"][conn_id].update(values)
        if self.running["wan"][conn_id]["enable"] and not was:
            self.wan_up_since[conn_id] = now

    def apply(self, now):
        for conn_id, cfg in self.saved["wan"].items():
            self.set_running_wan(conn_id, dict(cfg), now)
        self.running["ssid"] = copy_table(self.saved["ssid"])

    def replace_managed_ssids(self, profiles):
        """InControl pushes its group's SSID profiles: they replace the table, saved and running."""
        table = dict((number, dict(profile, incontrolManaged=True)) for number, profile in enumerate(profiles, 1))
        self.saved["ssid"] = table
        self.running["ssid"] = copy_table(table)


def copy_table(table):
    return dict((key, dict(value)) for key, value in table.items())


def copy_config(config):
    """A copy of {"wan": {id: {...}}, "ssid": {id: {...}}}: the values are flat, so no deepcopy."""
    return dict((part, copy_table(table)) for part, table in config.items())


def ssid_profile(name, key, policy="WPA2 Personal", vlan=0, fast_transition=False, ic_id=None):
    """The internal form of one SSID profile; `render_ssid` turns it into the doc's shape."""
    return {
        "name": name,
        "enable": True,
        "vlanId": vlan,
        "captivePortal": False,
        "incontrolManaged": False,
        "broadcast": True,
        "policy": policy,
        "key": key,
        "fastTransition": fast_transition,
        "ic_id": ic_id,
    }


def _build_router(index, rng, now):
    """One router of the seed; `rng.random()` only, since building 10,000 must take seconds."""
    product = PRODUCTS[index % len(PRODUCTS)]
    draw = rng.random
    serial = "%04X-%04X-%04X" % (int(draw() * 0x10000), int(draw() * 0x10000), int(draw() * 0x10000))
    mac = "00:1A:DD:%02X:%02X:%02X" % (int(draw() * 256), int(draw() * 256), int(draw() * 256))
    wans, config = {}, {}
    for conn_id, name, kind, link, priority, enable in product["wans"]:
        net = "100.%d.%d." % (64 + conn_id, index % 250)
        wans[conn_id] = {
            "name": name,
            "type": kind,
            "link": link,
            "ip": net + str(2 + int(draw() * 248)),
            "mask": 24,
            "gateway": net + "1",
            "dns": ["1.1.1.1", "8.8.8.8"],
            "method": "dhcp",
            "mode": "NAT",
            "mtu": None if kind == "ethernet" else 1428,
            "mac": "%s:%02X" % (mac[:14], int(draw() * 256)),
            "usage": int(draw() * 900),
            "limit": 1024,
        }
        if kind == "cellular":
            carrier = CARRIERS[index % len(CARRIERS)]
            wans[conn_id].update(
                carrier=carrier,
                imei="35%013d" % int(draw() * 1e13),
                iccid="8901%015d" % int(draw() * 1e15),
                imsi=carrier[2] + carrier[3] + "%09d" % int(draw() * 1e9),
                signal={"rssi": -60 - int(draw() * 30), "sinr": int(draw() * 25), "rsrp": -80 - int(draw() * 30), "rsrq": -5 - int(draw() * 10)},
            )
        config[conn_id] = {"priority": priority, "enable": enable}
    ssids = {}
    if product["wifi"]:
        ssids = {
            1: ssid_profile("Main SSID", "pas53or2%04d" % int(draw() * 1e4), fast_transition=True),
            2: ssid_profile("Guest SSID", "guest%05d" % int(draw() * 1e5), "WPA/WPA2 Personal", vlan=20),
        }
    running = {"wan": config, "ssid": ssids}
    lan = {0: {"ip": "192.168.50.1", "mask": 24}, 1: {"name": "Guest", "ip": "192.168.20.1", "vlanId": 20, "mask": 24}}
    return Router(
        serial=serial,
        index=index,
        name="router-%03d" % (index + 1),
        product=product,
        lan_mac=mac,
        wans=wans,
        saved=copy_config(running),
        running=running,
        lan=lan,
        boot_at=now - 3600 - int(draw() * 90 * 86400),
    )


class State(object):
    """Every router of the fleet, by serial. InControl reads and writes these same objects."""

    def __init__(self, world):
        self.world = world
        fleet = world.seed
        self.reboot_seconds = float(fleet.setting("reboot_seconds", 3.0))
        self.max_sessions = int(fleet.setting("peplink_max_sessions", 4))
        self.session_idle = float(fleet.setting("peplink_session_idle_seconds", 1800))
        self.token_seconds = int(fleet.setting("peplink_token_seconds", 172800))  # peplink-router-api.txt:L545 example
        rng, now = fleet.rng("peplink"), world.now()
        self.routers = {}
        for index in range(fleet.size):
            router = _build_router(index, rng, now)
            while router.serial in self.routers:  # 48 random bits: practically never
                router = _build_router(index, rng, now)
            self.routers[router.serial] = router

    def dump(self):
        now = self.world.now()
        return {
            "routers": dict(
                (
                    serial,
                    {
                        "name": r.name,
                        "online": r.online(now),
                        "uptime": r.uptime(now),
                        "firmware": r.firmware(),
                        "pending": r.pending(),
                        "saved": _jsonable(r.saved),
                        "running": _jsonable(r.running),
                        "sessions": len(r.sessions),
                        "clients": len(r.clients),
                        "tokens": len(r.tokens),
                    },
                )
                for serial, r in self.routers.items()
            )
        }

    def expire_tokens(self):
        """Fault "token expiry": every access token and every cookie session dies."""
        for router in self.routers.values():
            for token in router.tokens.values():
                token["expires"] = 0.0
            router.sessions.clear()

    def proxy(self, router, method, name, params):
        """One call made by InControl's devapi proxy: full read-write rights, no session."""
        return Call(self, router, method, name, params, principal=Principal("incontrol", WRITE)).run()


def _jsonable(config):
    return {"wan": dict((str(k), v) for k, v in config["wan"].items()), "ssid": dict((str(k), v) for k, v in config["ssid"].items())}


# ---- one API call -------------------------------------------------------------------


class Call(object):
    """One API call against one router: auth, permission, handler, envelope."""

    def __init__(self, state, router, method, name, params, token=None, cookie=None, principal=None):
        self.state, self.router, self.method, self.name = state, router, method, name
        self.params = params  # dict: the JSON body (POST) or the query (GET, values are lists)
        self.token, self.cookie = token, cookie
        self.now = state.world.now()
        self._principal = principal
        self.set_cookie = None  # login: the new session id; logout: "" to clear it

    def principal(self):
        """The caller: `accessToken` query parameter first (peplink-router-api.txt:L76-79), else the `bauth` cookie."""
        if self._principal is None and self.token:
            token = self.router.tokens.get(self.token)
            if token is not None and token["expires"] > self.now:
                self._principal = Principal("token", SCOPES[token["scope"]], self.token)
        elif self._principal is None and self.cookie:
            session = self.router.sessions.get(self.cookie)
            if session is not None and self.now - session["seen"] > self.state.session_idle:
                del self.router.sessions[self.cookie]  # peplink-router-api.txt:L243: "governed by the same session idle timeout"
            elif session is not None:
                session["seen"] = self.now
                self._principal = Principal("session", session["perm"], self.cookie)
        return self._principal

    def require(self, perm):
        who = self.principal()
        if who is None:
            raise Fail(401, "Unauthorized")  # inferred: public client re-logs in on code 401
        if who.perm < perm:
            raise Fail(403, "Permission denied")  # inferred code
        return who

    def run(self):
        entry = API.get(self.name)
        if entry is None:
            return fail_body(404, "API not found")  # inferred code
        handler = entry.get(self.method)
        if handler is None:
            return fail_body(405, "Method not allowed")  # inferred code
        handler, perm = handler
        try:
            if perm:
                self.require(perm)
            return ok_body(handler(self))
        except Fail as exc:
            return fail_body(exc.code, exc.message)

    # -- parameter helpers (inferred: types as the doc's tables say; numeric strings
    #    are accepted for ids because the doc's own examples send "1" and "4") --------

    def arg(self, name, required=False):
        value = self.params.get(name)
        if self.method == "GET" and isinstance(value, list):  # a query: all values of that key
            value = " ".join(value) if value else None
        if value is None and required:
            raise Fail(400, "Missing parameter: %s" % name)
        return value

    def numlist(self, name, known):
        """`<numlist>`: "1 2" in the query (peplink-router-api.txt:L1216, L2343), or the key repeated."""
        value = self.arg(name)
        if value is None or value == "":
            return list(known)
        try:
            wanted = [int(part) for part in value.replace("+", " ").split()]
        except ValueError:
            raise Fail(400, "Invalid parameter: %s" % name)
        unknown = [number for number in wanted if number not in known]
        if unknown:
            raise Fail(400, "Invalid %s: %s" % (name, " ".join(str(n) for n in unknown)))
        return wanted


def _int(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise Fail(400, "Invalid parameter: %s" % name)
    try:
        return int(value)
    except ValueError:
        raise Fail(400, "Invalid parameter: %s" % name)


def _bool(value, name):
    if not isinstance(value, bool):
        raise Fail(400, "Invalid parameter: %s" % name)
    return value


def _string(value, name, low=1, high=255):
    if not isinstance(value, str) or not low <= len(value) <= high:
        raise Fail(400, "Invalid parameter: %s" % name)
    return value


# ---- authentication: login, logout, clients, tokens ---------------------------------


def login(call):
    # documented: peplink-router-api.txt:L236-285 (username/password in, permission {GET, POST} out, cookie "bauth")
    username, password = call.arg("username", True), call.arg("password", True)
    user = USERS.get(username) if isinstance(username, str) else None
    if user is None or password != user[0]:
        raise Fail(401, "Invalid username or password")  # inferred code and text
    router, now = call.router, call.now
    for sid in [sid for sid, s in router.sessions.items() if now - s["seen"] > call.state.session_idle]:
        del router.sessions[sid]
    if len(router.sessions) >= call.state.max_sessions:
        # inferred: routers hold few web sessions; one that never logs out fills the table
        raise Fail(429, "Too many sessions; log out unused sessions or wait for them to time out")
    sid = secrets.token_hex(16)
    router.sessions[sid] = {"user": username, "perm": user[1], "seen": now}
    call.set_cookie = sid
    # peplink-router-api.txt:L241-242: GET for read-only users, GET and POST for read-write users.
    return {"permission": {"GET": 1, "POST": 1 if user[1] >= WRITE else 0}}


def logout(call):
    # documented: peplink-router-api.txt:L287-303. inferred: only a cookie session can log out (a token revokes itself).
    who = call.require(READ)
    if who.kind != "session":
        raise Fail(401, "Unauthorized")
    call.router.sessions.pop(who.ref, None)
    call.set_cookie = ""
    return None


def client_obj(client):
    return dict((key, client[key]) for key in ("name", "clientId", "clientSecret", "confidential", "createTimestamp", "scope"))


def client_list(call):
    # documented: peplink-router-api.txt:L305-350 (Admin Permission only)
    return [client_obj(c) for c in call.router.clients.values()]


def client_change(call):
    # documented: peplink-router-api.txt:L352-434, actions add (name, scope) and remove (clientId)
    action = call.arg("action", True)
    if action == "add":
        name = _string(call.arg("name", True), "name")
        scope = call.arg("scope", True)
        if scope not in SCOPES:
            raise Fail(400, "Invalid parameter: scope")
        client = {
            "name": name,
            "clientId": secrets.token_hex(16),
            "clientSecret": secrets.token_hex(16),
            "confidential": False,
            "createTimestamp": int(call.now),
            "scope": scope,
        }
        call.router.clients[client["clientId"]] = client
        return client_obj(client)
    if action == "remove":
        client_id = call.arg("clientId", True)
        if call.router.clients.pop(client_id, None) is None:
            raise Fail(400, "Invalid clientId")  # inferred
        for token in [t for t, v in call.router.tokens.items() if v["clientId"] == client_id]:
            del call.router.tokens[token]  # inferred: a removed client's tokens die with it
        return None
    raise Fail(400, "Invalid parameter: action")


def client_tokens(call):
    # documented: peplink-router-api.txt:L436-491 (Admin Permission only; optional clientId filter)
    client_id = call.arg("clientId")
    return [
        {
            "accessToken": token,
            "clientId": t["clientId"],
            "clientName": call.router.clients[t["clientId"]]["name"],
            "authorizationType": 3,
            "scope": t["scope"],
            "createTimestamp": int(t["created"]),
        }
        for token, t in call.router.tokens.items()
        if t["expires"] > call.now and client_id in (None, t["clientId"])
    ]


def token_grant(call):
    # documented: peplink-router-api.txt:L493-547 (clientId, clientSecret, optional scope -> accessToken, expiresIn)
    client = call.router.clients.get(call.arg("clientId", True))
    if client is None or client["clientSecret"] != call.arg("clientSecret", True):
        raise Fail(401, "Invalid client ID or client secret")  # inferred code
    scope = call.arg("scope") or client["scope"]
    if scope not in SCOPES:
        raise Fail(400, "Invalid parameter: scope")
    if SCOPES[scope] > SCOPES[client["scope"]]:
        raise Fail(403, "Scope exceeds the client's scope")  # inferred: a read-only client cannot mint "api"
    token = secrets.token_hex(16)
    call.router.tokens[token] = {"clientId": client["clientId"], "scope": scope, "created": call.now, "expires": call.now + call.state.token_seconds}
    return {"accessToken": token, "authorizationType": 3, "scope": scope, "expiresIn": call.state.token_seconds}


def token_revoke(call):
    # documented: peplink-router-api.txt:L549-570 ("Only Admin Permission or self revoke")
    who = call.require(READ)
    token = call.arg("accessToken", True)
    if who.perm < ADMIN and not (who.kind == "token" and who.ref == token):
        raise Fail(403, "Permission denied")
    if call.router.tokens.pop(token, None) is None:
        raise Fail(400, "Invalid accessToken")  # inferred
    return None


# ---- commands ---------------------------------------------------------------------


def config_apply(call):
    # documented: peplink-router-api.txt:L572-597 ("API internal testing"); no `warning` since nothing warns here
    call.router.apply(call.now)
    return None


def config_discard(call):
    # documented: peplink-router-api.txt:L599-614
    call.router.saved = copy_config(call.router.running)
    return None


def system_reboot(call):
    # documented: peplink-router-api.txt:L643-668 (optional firmwareId = a key of info.firmware, digest B.5 #11).
    # inferred: the answer goes out first, then the router is down for `reboot_seconds`.
    firmware_id = call.arg("firmwareId")
    if firmware_id is not None:
        firmware_id = _int(firmware_id, "firmwareId")
        if firmware_id not in FIRMWARE:
            raise Fail(400, "Invalid firmwareId")
    call.router.reboot(call.now, call.state.reboot_seconds, firmware_id)
    return None


def ap_status(call):
    # documented: peplink-router-api.txt:L670-704; a product without an AP answers only
    # `support: false` (L682-684)
    if not call.router.product["wifi"]:
        return {"support": False}
    return {"support": True, "enable": call.router.ap_enable, "wanDependent": False}


def ap_switch(call):
    # documented: peplink-router-api.txt:L706-753 (enable required, answers like GET cmd.ap)
    enable = _bool(call.arg("enable", True), "enable")
    if not call.router.product["wifi"]:
        raise Fail(400, "Access point not supported")  # inferred
    call.router.ap_enable = enable
    return ap_status(call)


# ---- configuration ----------------------------------------------------------------


def render_ssid(profile):
    """SSID_Profile_Obj, peplink-router-api.txt:L1171-1212; vlanId absent on the LAN; fastTransition only for WPA2."""
    out = {
        "name": profile["name"],
        "enable": profile["enable"],
        "captivePortal": profile["captivePortal"],
        "incontrolManaged": profile["incontrolManaged"],
        "broadcast": profile["broadcast"],
    }
    if profile["vlanId"]:
        out["vlanId"] = profile["vlanId"]
    security = {"policy": profile["policy"]}
    if profile["policy"] == "WPA2 Personal":
        security["wpa2Personal"] = {"fastTransition": profile["fastTransition"], "key": profile["key"]}
    elif profile["policy"] == "WPA/WPA2 Personal":
        security["wpaWpa2Personal"] = {"key": profile["key"]}
    out["security"] = security
    return out


def ssid_get(call):
    # documented: peplink-router-api.txt:L1148-1255 (optional id numlist). inferred: shows the saved (pending) config.
    table = call.router.saved["ssid"]
    return keyed([(number, render_ssid(table[number])) for number in call.numlist("id", sorted(table))])


def valid_key(key):
    # documented: peplink-router-api.txt:L1306-1307 "The length must between 8 and 63 or HEX in 64"
    if not isinstance(key, str):
        return False
    if len(key) == 64:
        return all(c in "0123456789abcdefABCDEF" for c in key)
    return 8 <= len(key) <= 63


def ssid_update(call):
    # documented: peplink-router-api.txt:L1259-1389: action "update" only (no add or remove), id required, only the
    # given fields change, answer = the updated profile. inferred: saved as pending (see top).
    if call.arg("action", True) != "update":
        raise Fail(400, "Invalid parameter: action")
    number = _int(call.arg("id", True), "id")
    table = call.router.saved["ssid"]
    if number not in table:
        raise Fail(400, "Invalid id: %s" % number)
    if table[number]["incontrolManaged"]:
        raise Fail(403, "The profile is managed by InControl")  # inferred, see top
    for name in ("captivePortal", "incontrolManaged"):
        if name in call.params:
            raise Fail(400, "Parameter cannot be set: %s" % name)  # digest B.5 #24: cannot be set
    new = dict(table[number])
    if "name" in call.params:
        new["name"] = _string(call.params["name"], "name", 1, 32)  # inferred: 802.11 SSID limit
    for name in ("enable", "broadcast"):
        if name in call.params:
            new[name] = _bool(call.params[name], name)
    if "vlanId" in call.params:
        vlan = _int(call.params["vlanId"], "vlanId")
        if not 0 <= vlan <= 4094:  # 1-4094 as status.lan.profile (peplink-router-api.txt:L1553); inferred: 0 = the LAN
            raise Fail(400, "Invalid parameter: vlanId")
        new["vlanId"] = vlan
    if "security" in call.params:
        _update_security(new, call.params["security"])
    table[number] = new
    return keyed([(number, render_ssid(new))])


def _update_security(profile, security):
    if not isinstance(security, dict):
        raise Fail(400, "Invalid parameter: security")
    unknown = set(security) - {"policy", "wpa2Personal", "wpaWpa2Personal"}
    if unknown:
        raise Fail(400, "Invalid parameter: security.%s" % sorted(unknown)[0])
    if "policy" in security:
        if security["policy"] not in POLICIES:
            raise Fail(400, "Invalid parameter: security.policy")
        profile["policy"] = security["policy"]
    for policy, key in POLICY_KEYS.items():
        if key not in security:
            continue
        if profile["policy"] != policy:
            # inferred: settings for a policy the profile does not use would be silently lost
            raise Fail(400, "security.%s does not match policy %s" % (key, profile["policy"]))
        settings = security[key]
        if not isinstance(settings, dict) or set(settings) - {"key", "fastTransition"}:
            raise Fail(400, "Invalid parameter: security.%s" % key)
        if "fastTransition" in settings:
            if policy != "WPA2 Personal":
                # peplink-router-api.txt:L1302-1303: "this field cannot be set in WPA/WPA2 Personal"
                raise Fail(400, "fastTransition cannot be set in WPA/WPA2 Personal")
            profile["fastTransition"] = _bool(settings["fastTransition"], "fastTransition")
        if "key" in settings:
            if not valid_key(settings["key"]):
                raise Fail(400, "Invalid key: the length must be between 8 and 63, or 64 hexadecimal digits")
            profile["key"] = settings["key"]
    if profile["policy"] in POLICIES and not valid_key(profile["key"]):
        raise Fail(400, "A key is required for %s" % profile["policy"])  # e.g. an Open profile made WPA2


def wan_priority(call):
    # documented: peplink-router-api.txt:L1391-1468. instantActive "String <boolean>" but the example sends true, so
    # both are taken; without it the change is pending (peplink-router-api.txt:L1403-1405). Answer: the updated
    # connections from the saved config. inferred: priority 1-4 (a public client sends 1-4).
    instant = call.arg("instantActive")
    if instant not in (None, True, False, "true", "false"):
        raise Fail(400, "Invalid parameter: instantActive")
    items = call.arg("list") or []
    if not isinstance(items, list):
        raise Fail(400, "Invalid parameter: list")
    saved, changes = call.router.saved["wan"], []
    for item in items:
        if not isinstance(item, dict) or "connId" not in item or set(item) - {"connId", "priority", "enable"}:
            raise Fail(400, "Invalid parameter: list")
        conn_id = _int(item["connId"], "connId")
        if conn_id not in saved:
            raise Fail(400, "Invalid connId: %d" % conn_id)
        values = {}
        if "priority" in item:
            values["priority"] = _int(item["priority"], "priority")
            if not 1 <= values["priority"] <= 4:
                raise Fail(400, "Invalid priority: %s" % item["priority"])
        if "enable" in item:
            values["enable"] = _bool(item["enable"], "enable")
        changes.append((conn_id, values))
    for conn_id, values in changes:  # all validated first: a bad item changes nothing
        saved[conn_id].update(values)
        if instant in (True, "true"):
            call.router.set_running_wan(conn_id, values, call.now)
    done = sorted(set(change[0] for change in changes))
    return keyed([(c, {"name": call.router.wans[c]["name"], "priority": saved[c]["priority"], "enable": saved[c]["enable"]}) for c in done])


# ---- information and status -----------------------------------------------------


def firmware_info(call):
    # documented: peplink-router-api.txt:L1470-1523; before login only the firmware in use (peplink-router-api.txt:L1474)
    slots = sorted(FIRMWARE) if call.principal() else [call.router.fw_in_use]
    return keyed([(slot, {"version": FIRMWARE[slot], "bootable": True, "inUse": slot == call.router.fw_in_use}) for slot in slots])


def location_info(call):
    # inferred: not in the router doc. aiopeplink (PyPI 0.0.2), written against real routers, logs in and
    # reads `response.location.{latitude, longitude, altitude, speed, heading}` of `GET info.location`.
    # inferred: a model without a GPS receiver answers no `location` (a client must tolerate its absence).
    router = call.router
    if not router.product["gps"]:
        return {}
    latitude, longitude = position(router.index)
    moving = router.index % 2 == 1  # every other GPS router is on the road
    return {
        "location": {
            "latitude": latitude,
            "longitude": longitude,
            "altitude": 12.5 + router.index % 40,
            "speed": 42.3 if moving else 0.0,
            "heading": (router.index * 37) % 360 if moving else 0,
        }
    }


def wan_config(call):
    # inferred: not in the router document; public clients GET it on 8.x firmware (TechBlueprints peplink-mcp
    # get_wan_connection_config: keyed map of {name, enable, type, priority}). The saved (maybe pending) config.
    saved = call.router.saved["wan"]
    return keyed(
        [
            (c, {"name": call.router.wans[c]["name"], "enable": saved[c]["enable"], "type": call.router.wans[c]["type"], "priority": saved[c]["priority"]})
            for c in call.numlist("id", sorted(saved))
        ]
    )


def system_info(call):
    # inferred: not in the router document; public clients read status.system.info (PepPy get_device_info:
    # device.serialNumber, model, name, firmwareVersion; macInfo[].mac).
    router = call.router
    return {
        "device": {"name": router.name, "model": router.product["product_name"], "serialNumber": router.serial, "firmwareVersion": router.firmware()},
        "macInfo": [{"name": "LAN", "mac": router.lan_mac}],
        "uptime": {"second": router.uptime(call.now)},
    }


def lan_status(call):
    # documented: peplink-router-api.txt:L1525-1586 (optional id numlist; vlanId and name absent on the untagged LAN)
    lan = call.router.lan
    return keyed([(number, dict(lan[number])) for number in call.numlist("id", sorted(lan))])


def _cellular(wan, lite):
    """Gobi_Obj under `cellular` (fw 8.0.1+; `gobi` and `network` are the deprecated forms)."""
    name, country, mcc, mnc = wan["carrier"]
    sim = {"status": "In Use", "active": True}
    if not lite:
        sim.update(apn="internet", username="", password="", imsi=wan["imsi"], iccid=wan["iccid"], mtn="")
    signal = dict(wan["signal"])
    out = {
        "roamingStatus": {"code": 0, "message": "home"},
        "mobileType": "LTE",
        "sim": {"order": [1, 2], "1": sim, "2": {"status": "No SIM Card Detected", "active": False}},
        "carrier": {"name": name} if lite else {"name": name, "country": country},
        "signalLevel": 4,
        "band": [{"name": "LTE Band 13 (700 MHz)", "signal": signal}],
        "mcc": mcc,
        "mnc": mnc,
        "cellTower": {"cellId": 21234, "cellPlmn": int(mcc + mnc), "cellUtranId": 5436162, "tac": 11802, "lac": 0},
    }
    if not lite:
        out.update(imei=wan["imei"], esn="", mode="LTE")
    return out


def wan_status_obj(router, conn_id, now, lite=False):
    """WAN_Status_Obj, peplink-router-api.txt:L2059-2140, from the running config; shared with InControl."""
    wan, cfg = router.wans[conn_id], router.running["wan"][conn_id]
    up = cfg["enable"] and wan["link"]
    if not cfg["enable"]:
        message, led = "Disabled", "gray"
    elif not wan["link"]:
        message, led = ("No SIM Card Detected" if wan["type"] == "cellular" else "No Cable Detected"), "red"
    else:
        message, led = "Connected", "green"
    out = {
        "name": wan["name"],
        "enable": cfg["enable"],
        "asLan": False,
        "locked": False,
        "message": message,
        "uptime": router.wan_uptime(conn_id, now) if up else 0,
        "type": wan["type"],
        "virtualType": wan["type"],
        "statusLed": led,
        "groupSet": 0,
    }
    if cfg["enable"]:
        out["priority"] = cfg["priority"]  # peplink-router-api.txt:L2101: "will not appear if the WAN is disabled"
    if up:
        out["ip"] = wan["ip"]
        if not lite:
            out.update(mask=wan["mask"], gateway=wan["gateway"])
    if not lite:
        out.update(method=wan["method"], mode=wan["mode"])
        if up:
            out.update(dns=list(wan["dns"]), additionalIp=[])
        if wan["mtu"]:
            out["mtu"] = wan["mtu"]  # peplink-router-api.txt:L2125: absent when auto
        out["mac"] = wan["mac"]
    if wan["type"] == "cellular":
        out["cellular"] = _cellular(wan, lite)
    return out


def wan_status(call):
    # documented: peplink-router-api.txt:L2031-2391 (optional id numlist and lite=yes); fw 8.x names ("cellular")
    lite = call.arg("lite")
    if lite not in (None, "yes", "no"):
        raise Fail(400, "Invalid parameter: lite")
    router = call.router
    return keyed([(c, wan_status_obj(router, c, call.now, lite == "yes")) for c in call.numlist("id", sorted(router.wans))])


def allowance(call):
    # documented: peplink-router-api.txt:L2393-2479. Cellular -> SIM_Allowance_Obj {<sim_id>: Allowance_Obj, order};
    # others -> Allowance_Obj (fw 8.0.1+). The doc's example omits the per-SIM `order` that its
    # model table lists; we follow the table.
    router = call.router
    out = []
    for conn_id in call.numlist("connId", sorted(router.wans)):
        wan = router.wans[conn_id]
        cellular = wan["type"] == "cellular"
        obj = {
            "enable": cellular,
            "usage": wan["usage"],
            "limit": wan["limit"],
            "percent": min(100, wan["usage"] * 100 // wan["limit"]),
            "start": 1,
            "unit": "MB",
        }
        out.append((conn_id, {"1": obj, "order": [1]} if cellular else obj))
    return keyed(out)


# The API, name -> {method: (handler, permission needed)}; None = no login needed.
API = {
    "login": {"POST": (login, None)},
    "logout": {"POST": (logout, None)},
    "auth.client": {"GET": (client_list, ADMIN), "POST": (client_change, ADMIN)},
    "auth.client.token": {"GET": (client_tokens, ADMIN)},
    "auth.token.grant": {"POST": (token_grant, None)},
    "auth.token.revoke": {"POST": (token_revoke, None)},
    "cmd.config.apply": {"POST": (config_apply, WRITE)},
    "cmd.config.discard": {"POST": (config_discard, WRITE)},
    "cmd.system.reboot": {"POST": (system_reboot, WRITE)},
    "cmd.ap": {"GET": (ap_status, READ), "POST": (ap_switch, WRITE)},
    "config.ssid.profile": {"GET": (ssid_get, READ), "POST": (ssid_update, WRITE)},
    "config.wan.connection.priority": {"POST": (wan_priority, WRITE)},  # no GET: peplink-router-api.txt:L221 lists POST only
    "config.wan.connection": {"GET": (wan_config, READ)},  # inferred, see wan_config
    "info.firmware": {"GET": (firmware_info, None)},
    "info.location": {"GET": (location_info, READ)},
    "status.system.info": {"GET": (system_info, READ)},  # inferred, see system_info
    "status.lan.profile": {"GET": (lan_status, READ)},
    "status.wan.connection": {"GET": (wan_status, READ)},
    "status.wan.connection.allowance": {"GET": (allowance, READ)},
}


# ---- HTTP -------------------------------------------------------------------------


class Unreachable(Response):
    """A router that is down: the connection dies before an answer (a transport error)."""

    def __init__(self, serial):
        Response.__init__(self)
        self.serial = serial

    async def __call__(self, scope, receive, send):
        await send({"type": "http.response.start", "status": 503, "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")]})
        await send({"type": "http.response.body", "body": b"", "more_body": True})
        raise ConnectionAbortedError("router %s is rebooting" % self.serial)


async def endpoint(request):
    # documented: peplink-router-api.txt:L85-112: GET parameters in the query string, POST parameters as JSON.
    # inferred: the body is read as JSON whatever its Content-Type (a public IC2 client sends
    # router JSON as text/plain through devapi, beyond-the-docs A.9), and a form-encoded body is
    # taken too: aiopeplink (PyPI 0.0.2) logs in to real routers with a form-encoded POST /api/login.
    state = request.app.state.world.peplink
    serial, name = request.path_params["serial"], request.path_params["name"]
    router = state.routers.get(serial)
    if router is None:
        return JSONResponse({"error": "no router with serial %s in this simulator" % serial}, status_code=404)
    if not router.online(state.world.now()):
        return Unreachable(serial)
    query = request.query_params
    if request.method == "POST":
        params = await _post_body(request)
        if params is None:
            return JSONResponse(fail_body(400, "Invalid JSON"))  # inferred
    else:
        params = dict((key, query.getlist(key)) for key in query.keys())
    call = Call(state, router, request.method, name, params, token=query.get("accessToken"), cookie=request.cookies.get("bauth"))
    response = JSONResponse(call.run())
    if call.set_cookie is not None:
        path = "/peplink/%s/" % serial
        if call.set_cookie:
            response.set_cookie("bauth", call.set_cookie, path=path, httponly=True, samesite="strict", secure=request.url.scheme == "https")
        else:
            response.delete_cookie("bauth", path=path)
    return response


FORM = "application/x-www-form-urlencoded"


async def _post_body(request):
    """The POST parameters: a JSON object, else (form Content-Type) a form: string values, a repeated
    key gives a list. JSON first, since `curl -d '{...}'` labels JSON as a form."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if body is None and request.headers.get("content-type", "").split(";")[0].strip().lower() == FORM:
        try:
            form = parse_qs(raw.decode(), keep_blank_values=True, strict_parsing=True)
        except (UnicodeDecodeError, ValueError):
            return None
        return dict((key, values[0] if len(values) == 1 else values) for key, values in form.items())
    return body if isinstance(body, dict) else None


def routes():
    return [Route("/peplink/{serial}/api/{name}", endpoint, methods=["GET", "POST"])]
